--- Sayso for Neovim: starts the Sayso language server (`sayso lsp`) for
--- prose buffers, so hovers name the speaker of each quotation, unattributed
--- quotations are flagged, and go-to-definition jumps to where a speaker is
--- introduced.
---
--- Works on Neovim 0.10 and 0.11 through `require('sayso').setup(opts)`.
--- On 0.11 the plugin's `lsp/sayso.lua` also serves `vim.lsp.enable('sayso')`;
--- use one of the two ways, not both.
local M = {}

--- Rule codes the server reports, and the levels each can be set to.
M.rule_codes = { 'unattributed-quote', 'unclosed-quote', 'mismatched-quote' }
M.rule_levels = { 'error', 'warning', 'info', 'hint', 'off' }

---@class sayso.Options
---@field cmd? string[] Command that starts the server. Default `{ 'sayso', 'lsp' }`.
---@field filetypes? string[] Filetypes to start it for. Default `{ 'text', 'markdown' }`.
---@field root_markers? string[] Files marking a project root (one server per root; a single
---  shared server for files outside any root). Default `{ 'sayso.toml', '.git' }`.
---@field rules? table<string, string> Rule code -> `error`|`warning`|`info`|`hint`|`off`;
---  sent as `initializationOptions = { rules = ... }`. Rules left out keep the server's default.
---@field on_attach? fun(client: vim.lsp.Client, bufnr: integer)
---@field capabilities? table Client capabilities (e.g. from a completion plugin).
---@field log_level? string Passed to the server as `--log-level` (`error`..`trace`); logs go to
---  `:lua vim.cmd.edit(vim.lsp.get_log_path())`.

--- Defaults of `setup()`.
---@type sayso.Options
M.defaults = {
  cmd = { 'sayso', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { 'sayso.toml', '.git' },
}

---@type sayso.Options?
M.options = nil

local augroup = nil

local function is_list_of_strings(v)
  if type(v) ~= 'table' or #v == 0 then
    return false
  end
  for _, s in ipairs(v) do
    if type(s) ~= 'string' then
      return false
    end
  end
  return true
end

--- Validates rule levels; returns the rules, or nil and a message.
---@param rules table<string, string>?
---@return table<string, string>?, string?
function M.validate_rules(rules)
  if rules == nil then
    return nil
  end
  if type(rules) ~= 'table' then
    return nil, 'sayso: rules must be a table of rule code to level'
  end
  for code, level in pairs(rules) do
    if type(code) ~= 'string' or not vim.tbl_contains(M.rule_levels, level) then
      return nil,
        ('sayso: rules[%s] must be one of %s, not %s'):format(
          vim.inspect(code),
          table.concat(M.rule_levels, ', '),
          vim.inspect(level)
        )
    end
  end
  return rules
end

--- Merges options with the defaults and checks them. Errors name the bad field.
---@param opts sayso.Options?
---@return sayso.Options
function M.resolve(opts)
  opts = opts or {}
  if type(opts) ~= 'table' then
    error('sayso.setup: expected a table of options, got ' .. type(opts), 2)
  end
  local o = vim.tbl_extend('force', vim.deepcopy(M.defaults), opts)
  for _, field in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if not is_list_of_strings(o[field]) then
      error(('sayso.setup: %s must be a non-empty list of strings, got %s'):format(field, vim.inspect(o[field])), 2)
    end
  end
  local _, err = M.validate_rules(o.rules)
  if err then
    error(err, 2)
  end
  if o.on_attach ~= nil and type(o.on_attach) ~= 'function' then
    error('sayso.setup: on_attach must be a function', 2)
  end
  if o.log_level ~= nil and type(o.log_level) ~= 'string' then
    error('sayso.setup: log_level must be a string', 2)
  end
  return o
end

--- The client configuration for `vim.lsp.start()` for one buffer.
---@param bufnr integer
---@param o sayso.Options
---@return vim.lsp.ClientConfig
function M.client_config(bufnr, o)
  local cmd = vim.deepcopy(o.cmd)
  if o.log_level then
    table.insert(cmd, '--log-level')
    table.insert(cmd, o.log_level)
  end
  return {
    name = 'sayso',
    cmd = cmd,
    root_dir = vim.fs.root(bufnr, o.root_markers),
    init_options = o.rules and { rules = vim.deepcopy(o.rules) } or nil,
    capabilities = o.capabilities,
    on_attach = o.on_attach,
  }
end

--- Starts (or reuses) the server for `bufnr` if it is a file buffer of one of
--- the configured filetypes. Returns the client id, or nil.
---@param bufnr integer?
---@return integer?
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local o = M.options or M.resolve()
  if vim.bo[bufnr].buftype ~= '' or not vim.tbl_contains(o.filetypes, vim.bo[bufnr].filetype) then
    return nil
  end
  if vim.fn.executable(o.cmd[1]) ~= 1 then
    vim.notify_once(
      ('sayso: %q is not executable; install Sayso (`cargo install --locked --path .` in its repository) '
        .. 'or pass cmd = { "/path/to/sayso", "lsp" } to setup()'):format(o.cmd[1]),
      vim.log.levels.WARN
    )
    return nil
  end
  return vim.lsp.start(M.client_config(bufnr, o), { bufnr = bufnr })
end

--- Sets up Sayso: remembers `opts` and starts the server for every buffer of
--- the configured filetypes, now and from now on. Calling it again replaces
--- the options (running servers keep theirs until restarted).
---@param opts sayso.Options?
function M.setup(opts)
  M.options = M.resolve(opts)
  augroup = vim.api.nvim_create_augroup('sayso', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = M.options.filetypes,
    desc = 'Start the Sayso language server',
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      M.start(buf)
    end
  end
end

--- Running Sayso clients.
---@return vim.lsp.Client[]
function M.clients()
  return vim.lsp.get_clients({ name = 'sayso' })
end

--- Changes rule levels in every running Sayso server at once (sent as
--- `workspace/didChangeConfiguration` with `settings = { rules = ... }`) and
--- for servers started later. Rules left out go back to the server's default.
---@param rules table<string, string>
function M.set_rules(rules)
  local ok, err = M.validate_rules(rules)
  if not ok then
    error(err or 'sayso.set_rules: expected a table', 2)
  end
  M.options = M.options or M.resolve()
  M.options.rules = vim.deepcopy(rules)
  for _, client in ipairs(M.clients()) do
    local params = { settings = { rules = vim.deepcopy(rules) } }
    if vim.fn.has('nvim-0.11') == 1 then
      client:notify('workspace/didChangeConfiguration', params)
    else
      client.notify('workspace/didChangeConfiguration', params)
    end
  end
end

return M
