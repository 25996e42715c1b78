-- Unit tests of lua/sayso (no server needed).
--
--   nvim --headless --clean -l editors/nvim/tests/unit.lua
--
-- Ends with `N passed, N failed`; exits 1 on any failure.

local script = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p')
local plugin_dir = vim.fs.dirname(vim.fs.dirname(script))
vim.opt.runtimepath:prepend(plugin_dir)

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    io.stdout:write(('ok - [unit] %s\n'):format(name))
  else
    failed = failed + 1
    io.stdout:write(('not ok - [unit] %s\n    %s\n'):format(name, tostring(err):gsub('\n', '\n    ')))
  end
end
local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end
local function errors_with(fn, pattern)
  local ok, err = pcall(fn)
  if ok then
    error('expected an error matching ' .. pattern, 2)
  end
  if not tostring(err):find(pattern) then
    error(('error %q does not match %q'):format(tostring(err), pattern), 2)
  end
end

local sayso = require('sayso')

test('resolve: defaults', function()
  local o = sayso.resolve()
  eq(o.cmd, { 'sayso', 'lsp' }, 'cmd')
  eq(o.filetypes, { 'text', 'markdown' }, 'filetypes')
  eq(o.root_markers, { 'sayso.toml', '.git' }, 'root_markers')
  eq(o.rules, nil, 'rules')
end)

test('resolve: options replace defaults field by field, without changing the defaults', function()
  local o = sayso.resolve({ cmd = { '/opt/sayso', 'lsp' }, rules = { ['unattributed-quote'] = 'error' } })
  eq(o.cmd, { '/opt/sayso', 'lsp' }, 'cmd')
  eq(o.filetypes, { 'text', 'markdown' }, 'filetypes')
  eq(o.rules, { ['unattributed-quote'] = 'error' }, 'rules')
  o.filetypes[1] = 'changed'
  eq(sayso.defaults.filetypes, { 'text', 'markdown' }, 'defaults untouched')
end)

test('resolve: bad options are errors that name the field', function()
  errors_with(function()
    sayso.resolve({ cmd = 'sayso lsp' })
  end, 'cmd must be a non%-empty list of strings')
  errors_with(function()
    sayso.resolve({ filetypes = {} })
  end, 'filetypes must be a non%-empty list')
  errors_with(function()
    sayso.resolve({ rules = { ['unattributed-quote'] = 'loud' } })
  end, 'rules%["unattributed%-quote"%] must be one of error, warning, info, hint, off, not "loud"')
  errors_with(function()
    sayso.resolve('text')
  end, 'expected a table')
  errors_with(function()
    sayso.resolve({ on_attach = 1 })
  end, 'on_attach must be a function')
end)

test('client_config: name, cmd, init_options with the rules', function()
  local buf = vim.api.nvim_create_buf(true, false)
  local o = sayso.resolve({ rules = { ['mismatched-quote'] = 'off' }, log_level = 'debug' })
  local c = sayso.client_config(buf, o)
  eq(c.name, 'sayso', 'name')
  eq(c.cmd, { 'sayso', 'lsp', '--log-level', 'debug' }, 'cmd')
  eq(c.init_options, { rules = { ['mismatched-quote'] = 'off' } }, 'init_options')
  eq(o.cmd, { 'sayso', 'lsp' }, 'options cmd untouched')
  eq(sayso.client_config(buf, sayso.resolve()).init_options, nil, 'no rules, no init_options')
end)

test('start: skips buffers that are not files or not of the filetypes', function()
  sayso.options = sayso.resolve({ cmd = { 'true' } })
  local scratch = vim.api.nvim_create_buf(false, true)
  vim.bo[scratch].filetype = 'markdown'
  eq(sayso.start(scratch), nil, 'nofile markdown buffer')
  local lua = vim.api.nvim_create_buf(true, false)
  vim.bo[lua].filetype = 'lua'
  eq(sayso.start(lua), nil, 'lua buffer')
  sayso.options = nil
end)

test('start: a missing binary gives one warning naming it, and no client', function()
  local messages = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    messages[#messages + 1] = { msg, level }
  end
  local ok, err = pcall(function()
    sayso.options = sayso.resolve({ cmd = { '/nonexistent/sayso', 'lsp' } })
    local buf = vim.api.nvim_create_buf(true, false)
    vim.bo[buf].filetype = 'text'
    eq(sayso.start(buf), nil, 'client id')
  end)
  vim.notify = notify
  sayso.options = nil
  assert(ok, err)
  eq(#messages, 1, 'number of messages')
  assert(messages[1][1]:find('"/nonexistent/sayso" is not executable', 1, true), messages[1][1])
  eq(messages[1][2], vim.log.levels.WARN, 'level')
end)

test('set_rules: rejects bad levels, remembers good ones for later clients', function()
  errors_with(function()
    sayso.set_rules({ ['unclosed-quote'] = 'never' })
  end, 'must be one of')
  sayso.set_rules({ ['unclosed-quote'] = 'hint' })
  eq(sayso.options.rules, { ['unclosed-quote'] = 'hint' }, 'remembered')
  sayso.options = nil
end)

test('lsp/sayso.lua agrees with setup() defaults', function()
  local cfg = dofile(plugin_dir .. '/lsp/sayso.lua')
  eq(cfg.cmd, sayso.defaults.cmd, 'cmd')
  eq(cfg.filetypes, sayso.defaults.filetypes, 'filetypes')
  eq(cfg.root_markers, sayso.defaults.root_markers, 'root_markers')
end)

test(':checkhealth sayso runs', function()
  vim.cmd('silent checkhealth sayso')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  assert(text:find('sayso', 1, true), text)
  assert(text:find('not set up', 1, true), 'health should say Sayso is not set up:\n' .. text)
end)

io.stdout:write(('%d passed, %d failed\n'):format(passed, failed))
io.stdout:flush()
os.exit(failed == 0 and passed > 0 and 0 or 1)
