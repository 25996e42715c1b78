#!/usr/bin/env bash
# The project's test command (see README.md): every test that needs nothing
# outside this repository. Run from anywhere: scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== cargo test" >&2
cargo test
