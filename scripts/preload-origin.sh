#!/usr/bin/env bash
# Trunk post_build hook: index.html preloads the first load from `/api/comments?limit=200` on
# the page's own origin. A build for a worker on another origin (SWW_API_BASE, see
# src/config.rs) preloads from there instead, or the page would ask twice.
set -euo pipefail
base=${SWW_API_BASE:-}
[ -n "$base" ] || exit 0
html="$TRUNK_STAGING_DIR/index.html"
grep -q 'href="\?/api/comments?limit=200' "$html" || { echo "preload-origin: no first-load preload in index.html" >&2; exit 1; }
base=${base%/}
sed -i "s#href=\(\"\?\)/api/comments?limit=200#href=\1${base}/api/comments?limit=200#" "$html"
