#!/usr/bin/env bash
# Trunk post_build hook: minifies wasm-bindgen's JS glue in release builds (trunk leaves it as
# written, about 2 KB gzip of the page budget) and updates its integrity hash in index.html.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
esbuild="$TRUNK_SOURCE_DIR/node_modules/.bin/esbuild"
# node is there anyway (npm packages); openssl may not be on a fresh machine.
sri() { node -e 'const c = require("crypto"); process.stdout.write("sha384-" + c.createHash("sha384").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$1"; }
for js in "$TRUNK_STAGING_DIR"/*.js; do
    before=$(sri "$js")
    "$esbuild" --minify --format=esm --log-level=warning --allow-overwrite "$js" --outfile="$js"
    sed -i "s|$before|$(sri "$js")|" "$TRUNK_STAGING_DIR/index.html"
done
