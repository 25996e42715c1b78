#!/usr/bin/env bash
# The project's test command (see README.md): every test that needs nothing
# outside this repository. Run from anywhere: scripts/test.sh
#
#   1. cargo test: core, CLI, language server (unit, end-to-end, properties)
#   2. scripts/test-editors.sh: installs what the editor tests need (npm
#      packages from the lockfile, Neovim 0.11 into .venv) and runs the
#      VS Code protocol tests and the headless Neovim tests, against the
#      target/debug/sayso that step 1 built (SAYSO_BIN overrides).
#
# SAYSO_SKIP_EDITORS=1 runs only step 1 (for a machine without Node.js).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== cargo test" >&2
cargo test

# `cargo test` has just built target/debug/sayso (its end-to-end tests run
# it): the editor tests use that binary. Letting test-editors.sh run
# `cargo build` instead would compile the dependencies a second time (dev-
# dependencies change their features), a minute more on a fresh clone.
if [[ -z "${SAYSO_BIN:-}" && -x target/debug/sayso ]]; then
    export SAYSO_BIN="$PWD/target/debug/sayso"
fi

if [[ "${SAYSO_SKIP_EDITORS:-}" == 1 ]]; then
    echo "== editor tests skipped (SAYSO_SKIP_EDITORS=1)" >&2
else
    scripts/test-editors.sh
fi
