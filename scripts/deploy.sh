#!/usr/bin/env bash
# Deploys the worker (wrangler deploy) and the page (wrangler pages deploy dist).
#   KV_NAMESPACE_ID=<id> PAGES_PROJECT=<name> scripts/deploy.sh
#   scripts/deploy.sh --dry-run    bundle the worker only and check it fits Cloudflare's limit
# See README.md, "Deploying your own copy".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$PWD/node_modules/.bin/wasm-opt}"
export WRANGLER_SEND_METRICS=false
# The free plan's limit on a Worker's compressed size.
LIMIT_BYTES=$((3 * 1024 * 1024))

if [ "${1:-}" = --dry-run ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  (cd worker && wrangler deploy --dry-run --outdir "$out" >/dev/null)
  size=$(find "$out" -type f ! -name '*.map' ! -name README.md -exec cat {} + | gzip -9 | wc -c)
  echo "worker bundle: $size bytes gzip (limit $LIMIT_BYTES)"
  [ "$size" -le "$LIMIT_BYTES" ] || { echo "the worker bundle is over Cloudflare's size limit" >&2; exit 1; }
  exit 0
fi

: "${KV_NAMESPACE_ID:?set KV_NAMESPACE_ID to your KV namespace id (wrangler kv namespace create COMMENTS_KV)}"
: "${PAGES_PROJECT:?set PAGES_PROJECT to your Cloudflare Pages project name}"
# The site's own origin: only its pages may call the API from a browser (CORS) and open the
# live channel (the upgrade checks Origin). The committed "*" is for local runs only.
SITE_ORIGIN="${SITE_ORIGIN:-https://$PAGES_PROJECT.pages.dev}"
case "$SITE_ORIGIN" in
  https://*|http://*) ;;
  *) echo "SITE_ORIGIN must be an origin such as https://example.com (got: $SITE_ORIGIN)" >&2; exit 2 ;;
esac
# The committed wrangler.toml carries a placeholder id; deploy a copy with the real one.
config=worker/wrangler.deploy.toml
trap 'rm -f "$config"' EXIT
sed -e "s/^id = \"00000000000000000000000000000000\"/id = \"$KV_NAMESPACE_ID\"/" \
    -e "s|^ALLOWED_ORIGIN = \"\\*\"|ALLOWED_ORIGIN = \"${SITE_ORIGIN%/}\"|" worker/wrangler.toml >"$config"
grep -q "^ALLOWED_ORIGIN = \"${SITE_ORIGIN%/}\"" "$config" || { echo "could not set ALLOWED_ORIGIN in $config" >&2; exit 1; }
echo "ALLOWED_ORIGIN = ${SITE_ORIGIN%/} (SITE_ORIGIN=... to change)"
(cd worker && wrangler deploy --config wrangler.deploy.toml)
wrangler pages deploy dist --project-name "$PAGES_PROJECT"
