--- `:checkhealth sayso`: is the server there, and is it running?
local M = {}

function M.check()
  local health = vim.health
  health.start('sayso')
  if vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.10 or newer is required')
  end

  local sayso = require('sayso')
  local cmd
  if sayso.options then
    cmd = sayso.options.cmd
    health.info('configured with require("sayso").setup()')
  elseif vim.lsp.is_enabled and vim.lsp.is_enabled('sayso') then
    cmd = vim.lsp.config.sayso.cmd
    health.info('enabled with vim.lsp.enable("sayso")')
  else
    cmd = sayso.defaults.cmd
    health.warn('not set up: call require("sayso").setup() or, on Neovim 0.11, vim.lsp.enable("sayso")')
  end

  if type(cmd) == 'table' and vim.fn.executable(cmd[1]) == 1 then
    health.ok(('server binary: %s'):format(vim.fn.exepath(cmd[1])))
  else
    health.error(
      ('server binary %s is not executable'):format(vim.inspect(type(cmd) == 'table' and cmd[1] or cmd)),
      { 'Install it with `cargo install --locked --path .` in the Sayso repository', 'or set cmd = { "/path/to/sayso", "lsp" }' }
    )
  end

  local clients = sayso.clients()
  if #clients == 0 then
    health.info('no Sayso server running (open a text or Markdown file)')
  end
  for _, client in ipairs(clients) do
    health.ok(('client %d running, %s positions, root %s'):format(client.id, client.offset_encoding, client.root_dir or '(none)'))
  end
end

return M
