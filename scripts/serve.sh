#!/usr/bin/env bash
# Runs the worker under `wrangler dev` (workerd with the log object's SQLite and a local KV),
# serving the built app from dist/ on the same port, so the page and /api share one origin as
# they do behind Cloudflare.
# Usage: scripts/serve.sh [--port N] [--rate-limit N] [--persist DIR] [--assets DIR | --no-assets]
#                         [--bot-token TOKEN] [--admin-token TOKEN] [--var NAME:VALUE]...
# Without them the worker takes BOT_TOKEN and ADMIN_TOKEN from worker/.dev.vars (`make run`).
set -euo pipefail
cd "$(dirname "$0")/.."
port=8080 rate_limit=10 persist=worker/.wrangler/state assets=dist bot_token= admin_token=
vars=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --rate-limit) rate_limit=$2; shift 2 ;;
    --persist) persist=$2; shift 2 ;;
    --assets) assets=$2; shift 2 ;;
    --no-assets) assets=; shift ;;
    --bot-token) bot_token=$2; shift 2 ;;
    --admin-token) admin_token=$2; shift 2 ;;
    --var) vars+=(--var "$2"); shift 2 ;;
    *) echo "serve.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$HOME/.cargo/bin/wasm-bindgen}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$PWD/node_modules/.bin/wasm-opt}"
export WRANGLER_SEND_METRICS=false
persist=$(realpath -m "$persist")
args=(dev --ip 127.0.0.1 --port "$port" --persist-to "$persist"
      --var "RATE_LIMIT_PER_MINUTE:${rate_limit:-10}" --show-interactive-dev-session=false)
[ -n "$bot_token" ] && args+=(--var "BOT_TOKEN:$bot_token")
[ -n "$admin_token" ] && args+=(--var "ADMIN_TOKEN:$admin_token")
[ -n "$assets" ] && args+=(--assets "$(realpath "$assets")")
args+=("${vars[@]}")
cd worker
echo "serving on http://127.0.0.1:$port (API under /api; log and KV state in $persist)" >&2
exec wrangler "${args[@]}"
