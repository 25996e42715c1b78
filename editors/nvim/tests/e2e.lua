-- End-to-end test of the Sayso Neovim plugin through a real, headless Neovim
-- and the real `sayso lsp` binary.
--
--   nvim --headless --clean -l editors/nvim/tests/e2e.lua [setup|native]
--
-- `setup`  : require('sayso').setup{...}          (the Neovim 0.10 and 0.11 way)
-- `native` : vim.lsp.config + vim.lsp.enable('sayso') with the plugin's lsp/sayso.lua (0.11)
--
-- Binary: $SAYSO_BIN, else target/debug/sayso of this repository.
-- Prints one line per test and ends with `N passed, N failed`; exits 1 on any failure.

local mode = arg[1] or 'setup'
local script = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p')
local tests_dir = vim.fs.dirname(script)
local plugin_dir = vim.fs.dirname(tests_dir)
local repo = vim.fs.dirname(vim.fs.dirname(plugin_dir))
local bin = os.getenv('SAYSO_BIN') or (repo .. '/target/debug/sayso')
local timeout = tonumber(os.getenv('SAYSO_TEST_TIMEOUT_MS') or '') or 15000

vim.opt.runtimepath:prepend(plugin_dir)
vim.cmd('filetype on')

local passed, failed = 0, 0
local state = {}

local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    io.stdout:write(('ok - [%s] %s\n'):format(mode, name))
  else
    failed = failed + 1
    io.stdout:write(('not ok - [%s] %s\n    %s\n'):format(mode, name, tostring(err):gsub('\n', '\n    ')))
  end
end

local function check(cond, msg, ...)
  if not cond then
    error(select('#', ...) > 0 and msg:format(...) or msg, 2)
  end
  return cond
end

local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(('%s: expected %s, got %s'):format(what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

--- Waits (running the event loop) until fn() returns a truthy value; returns it.
local function wait_for(what, fn)
  local value
  local ok = vim.wait(timeout, function()
    value = fn()
    return value ~= nil and value ~= false
  end, 20)
  check(ok, 'timed out after %d ms waiting for %s', timeout, what)
  return value
end

--- 0-based (row, byte col) of the first occurrence of `needle` in the buffer.
local function find(buf, needle)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return row - 1, col - 1
    end
  end
  error('buffer does not contain ' .. needle, 2)
end

local function sayso_diagnostics(buf, code)
  return vim.tbl_filter(function(d)
    return d.source == 'sayso' and (code == nil or d.code == code)
  end, vim.diagnostic.get(buf))
end

local function hover_text(result)
  if not result or not result.contents then
    return ''
  end
  local c = result.contents
  if type(c) == 'string' then
    return c
  end
  if c.value then
    return c.value
  end
  local parts = {}
  for _, p in ipairs(c) do
    parts[#parts + 1] = type(p) == 'string' and p or p.value
  end
  return table.concat(parts, '\n')
end

local function notify_client(client, method, params)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function set_rules(rules)
  if mode == 'setup' then
    require('sayso').set_rules(rules)
  else
    notify_client(state.client, 'workspace/didChangeConfiguration', { settings = { rules = rules } })
  end
end

--- Fails fast when an earlier test could not attach the client.
local function need_client()
  check(state.client, 'no sayso client attached (see the earlier failure)')
end


local UNATTRIBUTED = '“Nobody here expected the vote to go this way.”'

test('the plugin loads from the runtimepath', function()
  check(vim.fn.filereadable(bin) == 1, 'no sayso binary at %s: run `cargo build` or set SAYSO_BIN', bin)
  local found = vim.api.nvim_get_runtime_file('lsp/sayso.lua', true)
  eq(found, { plugin_dir .. '/lsp/sayso.lua' }, 'lsp/sayso.lua on the runtimepath')
  local sayso = require('sayso')
  eq(sayso.defaults.cmd, { 'sayso', 'lsp' }, 'default cmd')
  eq(sayso.defaults.filetypes, { 'text', 'markdown' }, 'default filetypes')
  if mode == 'setup' then
    sayso.setup({ cmd = { bin, 'lsp' }, rules = { ['mismatched-quote'] = 'warning' } })
  else
    check(vim.fn.has('nvim-0.11') == 1, 'native mode needs Neovim 0.11')
    eq(vim.lsp.config.sayso.filetypes, { 'text', 'markdown' }, 'lsp/sayso.lua filetypes')
    vim.lsp.config('sayso', { cmd = { bin, 'lsp' }, init_options = { rules = { ['mismatched-quote'] = 'warning' } } })
    vim.lsp.enable('sayso')
  end
end)

test('opening an article starts the server and attaches it', function()
  vim.cmd.edit(vim.fn.fnameescape(tests_dir .. '/fixtures/ferry.txt'))
  state.buf = vim.api.nvim_get_current_buf()
  eq(vim.bo[state.buf].filetype, 'text', 'filetype of a .txt file')
  state.client = wait_for('the sayso client to attach and initialize', function()
    local c = vim.lsp.get_clients({ bufnr = state.buf, name = 'sayso' })[1]
    return c and c.initialized and c
  end)
  check(state.client.server_capabilities.hoverProvider, 'server has no hoverProvider')
  eq(state.client.config.init_options, { rules = { ['mismatched-quote'] = 'warning' } }, 'initializationOptions sent')
end)

test('the server picks UTF-8 positions, which Neovim offers first', function()
  need_client()
  eq(state.client.offset_encoding, 'utf-8', 'offset_encoding')
end)

test('the unattributed quotation gets one warning, at the quotation', function()
  need_client()
  local diags = wait_for('an unattributed-quote diagnostic', function()
    local d = sayso_diagnostics(state.buf, 'unattributed-quote')
    return #d > 0 and d
  end)
  eq(#diags, 1, 'number of unattributed-quote diagnostics (the scare quote “giveaway” must not count)')
  local d = diags[1]
  local row, col = find(state.buf, UNATTRIBUTED)
  eq({ d.lnum, d.col, d.end_lnum, d.end_col }, { row, col, row, col + #UNATTRIBUTED }, 'diagnostic range (byte columns)')
  eq(d.severity, vim.diagnostic.severity.WARN, 'severity')
  -- Okafor's quotations are attributed.
  eq(#sayso_diagnostics(state.buf), 1, 'sayso diagnostics in the article: ' .. vim.inspect(sayso_diagnostics(state.buf)))
end)

test('hover on a quotation names its speaker', function()
  need_client()
  local row, col = find(state.buf, '“Without the ferry')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 5 })
  local params = vim.lsp.util.make_position_params(0, state.client.offset_encoding)
  local responses = vim.lsp.buf_request_sync(state.buf, 'textDocument/hover', params, timeout)
  local response = check(responses and responses[state.client.id], 'no hover response')
  check(not response.err, 'hover error: %s', vim.inspect(response.err))
  local text = hover_text(response.result)
  check(text:find('Maria Okafor', 1, true), 'hover does not name Maria Okafor:\n%s', text)
end)

test('K (vim.lsp.buf.hover) shows the speaker in a float', function()
  need_client()
  local row, col = find(state.buf, '“the least we owe')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 5 })
  vim.lsp.buf.hover()
  local win = wait_for('the hover float', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        return w
      end
    end
  end)
  local float_buf = vim.api.nvim_win_get_buf(win)
  local text = table.concat(vim.api.nvim_buf_get_lines(float_buf, 0, -1, false), '\n')
  check(text:find('Maria Okafor', 1, true), 'hover float does not name Maria Okafor:\n%s', text)
  -- The float's buffer is Markdown too, but not a file: no server for it.
  vim.wait(200)
  eq(#vim.lsp.get_clients({ bufnr = float_buf }), 0, 'clients attached to the hover float')
  vim.api.nvim_win_close(win, true)
end)

test('go to definition jumps from a quotation to the speaker’s introduction', function()
  need_client()
  local row, col = find(state.buf, '“Without the ferry')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 5 })
  local intro_row, intro_col = find(state.buf, 'Maria Okafor')
  vim.lsp.buf.definition()
  wait_for('the cursor to land on "Maria Okafor"', function()
    local pos = vim.api.nvim_win_get_cursor(0)
    return pos[1] == intro_row + 1 and pos[2] == intro_col
  end)
  eq(vim.api.nvim_get_current_buf(), state.buf, 'definition stays in the article')
end)

test('rule levels changed at run time are sent as workspace/didChangeConfiguration', function()
  need_client()
  local sent = {}
  local original = state.client.notify
  state.client.notify = function(self, method, params)
    sent[#sent + 1] = { method = method, params = vim.deepcopy(params) }
    return original(self, method, params)
  end
  local ok, err = pcall(set_rules, { ['unattributed-quote'] = 'error' })
  state.client.notify = original
  check(ok, tostring(err))
  eq(sent, {
    { method = 'workspace/didChangeConfiguration', params = { settings = { rules = { ['unattributed-quote'] = 'error' } } } },
  }, 'notifications sent')
end)

test('rule levels changed at run time apply at once', function()
  need_client()
  wait_for('the unattributed quotation to become an error', function()
    local d = sayso_diagnostics(state.buf, 'unattributed-quote')
    return #d == 1 and d[1].severity == vim.diagnostic.severity.ERROR
  end)
  set_rules({})
  wait_for('the unattributed quotation to be a warning again', function()
    local d = sayso_diagnostics(state.buf, 'unattributed-quote')
    return #d == 1 and d[1].severity == vim.diagnostic.severity.WARN
  end)
end)

test('deleting the unattributed quotation clears the warning', function()
  need_client()
  local row, col = find(state.buf, UNATTRIBUTED)
  vim.api.nvim_buf_set_text(state.buf, row, col, row, col + #UNATTRIBUTED, {})
  check(not table.concat(vim.api.nvim_buf_get_lines(state.buf, 0, -1, false), '\n'):find('Nobody', 1, true), 'text not deleted')
  wait_for('the warning to go', function()
    return #sayso_diagnostics(state.buf, 'unattributed-quote') == 0
  end)
  -- The server is still answering, on the edited text.
  local r, c = find(state.buf, '“Without the ferry')
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(state.buf),
    position = { line = r, character = c + 5 },
  }
  local responses = vim.lsp.buf_request_sync(state.buf, 'textDocument/hover', params, timeout)
  local text = hover_text(responses and responses[state.client.id] and responses[state.client.id].result)
  check(text:find('Maria Okafor', 1, true), 'hover after the edit does not name Maria Okafor:\n%s', text)
end)

test('a Markdown file is served by the same server', function()
  need_client()
  vim.cmd.edit(vim.fn.fnameescape(tests_dir .. '/fixtures/ferry.md'))
  local md = vim.api.nvim_get_current_buf()
  eq(vim.bo[md].filetype, 'markdown', 'filetype of a .md file')
  local client = wait_for('the sayso client on the Markdown buffer', function()
    return vim.lsp.get_clients({ bufnr = md, name = 'sayso' })[1]
  end)
  eq(client.id, state.client.id, 'client id')
  eq(#vim.lsp.get_clients({ name = 'sayso' }), 1, 'number of sayso clients')
end)

test('stopping the client stops the server', function()
  need_client()
  local client = state.client
  vim.lsp.stop_client(client.id)
  wait_for('the client to stop', function()
    return client:is_stopped() and #vim.lsp.get_clients({ name = 'sayso' }) == 0
  end)
end)

io.stdout:write(('%d passed, %d failed\n'):format(passed, failed))
io.stdout:flush()
os.exit(failed == 0 and passed > 0 and 0 or 1)
