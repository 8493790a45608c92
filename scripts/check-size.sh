#!/usr/bin/env bash
# The page's transfer budget: wasm + js + css of the release build, gzip -9, at most 150 KB
# (150 000 bytes, the stricter reading of the page's "150 KB" budget; docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=150000
dist=${1:-dist}
total=$(for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do gzip -9 -c "$f" | wc -c; done | awk '{s += $1} END {print s}')
echo "page transfer size: $total bytes gzip (wasm + js + css; budget $LIMIT)"
[ "$total" -le "$LIMIT" ] || { echo "the page is over its 150 KB transfer budget" >&2; exit 1; }
