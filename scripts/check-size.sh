#!/usr/bin/env bash
# The page's transfer size: wasm + js + css of the release build, gzip -9. The design budget is
# 150 KB; with the reading tools (issue 5) the page is over it (docs/benchmarks.md, "Transfer
# size", says by how much and what would bring it back). This gate holds the measured size so
# nothing grows further unnoticed: 168 KiB.
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=172032
dist=${1:-dist}
total=$(for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do gzip -9 -c "$f" | wc -c; done | awk '{s += $1} END {print s}')
echo "page transfer size: $total bytes gzip (wasm + js + css; budget $LIMIT)"
[ "$total" -le "$LIMIT" ] || { echo "the page grew past $LIMIT bytes gzip" >&2; exit 1; }
