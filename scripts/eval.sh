#!/usr/bin/env bash
# PolNeAR evaluation of quote attribution, with floors (see README.md).
#
#   scripts/eval.sh [SPLIT_DIR]     default: ../shared/corpora/polnear/dev
#
# Runs examples/polnear.rs (brat reading and metrics as ../shared/tools/polnear.py)
# and fails (exit 1) when a figure is below its floor. When python3 and the
# reference scorer ../shared/tools/polnear.py are there, it also runs that
# scorer on `sayso quotes --json` and fails if the two disagree.
set -euo pipefail

# Floors (attribution F1, attribution precision, detection recall).
MIN_F1=0.88
MIN_PRECISION=0.90
MIN_DETECT_RECALL=0.95

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
split="${1:-$root/../shared/corpora/polnear/dev}"
if [[ ! -d "$split/attributions" || ! -d "$split/text" ]]; then
    echo "eval.sh: no PolNeAR split at $split (expected attributions/ and text/ in it)" >&2
    exit 2
fi
split="$(cd "$split" && pwd)"
cd "$root"

cargo build --release --quiet --bin sayso --example polnear
ours="$(mktemp)"
trap 'rm -f "$ours"' EXIT

echo "== PolNeAR $split (examples/polnear.rs)" >&2
status=0
target/release/examples/polnear "$split" \
    --min-f1 "$MIN_F1" --min-precision "$MIN_PRECISION" --min-recall "$MIN_DETECT_RECALL" \
    >"$ours" || status=$?
cat "$ours"

scorer="$root/../shared/tools/polnear.py"
if [[ -f "$scorer" ]] && command -v python3 >/dev/null; then
    echo "== cross-check with $scorer" >&2
    if diff <(python3 "$scorer" "$split" target/release/sayso quotes --json) "$ours" >&2; then
        echo "the Python scorer gives the same figures" >&2
    else
        echo "eval.sh: the Python scorer disagrees with examples/polnear.rs (diff above)" >&2
        status=1
    fi
else
    echo "(no python3 or $scorer: cross-check skipped)" >&2
fi
exit "$status"
