-- Sayso language server configuration for Neovim 0.11+'s native LSP setup.
--
-- With this directory on the runtimepath (any plugin manager puts it there),
-- one line in init.lua starts `sayso lsp` for text and Markdown buffers:
--
--   vim.lsp.enable('sayso')
--
-- Override any field before or after enabling, e.g.:
--
--   vim.lsp.config('sayso', {
--     cmd = { vim.fn.expand('~/src/sayso/target/release/sayso'), 'lsp' },
--     init_options = { rules = { ['unattributed-quote'] = 'error' } },
--   })
--
-- `init_options.rules` maps a rule code (`unattributed-quote`,
-- `unclosed-quote`, `mismatched-quote`) to `error`, `warning`, `info`, `hint`
-- or `off`; rules left out keep the server's default.

---@type vim.lsp.Config
return {
  cmd = { 'sayso', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { 'sayso.toml', '.git' },
}
