#!/usr/bin/env bash
# Starts a fresh worker (wrangler dev, empty local KV, the built app from dist/) on a free port,
# runs the given command with SWW_BASE_URL pointing at it, and stops the worker afterwards.
# Usage: scripts/with-worker.sh [--rate-limit N] command args...
set -euo pipefail
cd "$(dirname "$0")/.."
rate_limit=10
if [ "${1:-}" = --rate-limit ]; then rate_limit=$2; shift 2; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state=$(mktemp -d)
log="$state/wrangler.log"
setsid scripts/serve.sh --port "$port" --rate-limit "$rate_limit" --persist "$state/kv" >"$log" 2>&1 &
pid=$!
stop() { kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"; }
trap stop EXIT
# The first start compiles the worker; later ones take seconds.
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "the worker did not start" >&2; exit 1; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$port/api/health" >/dev/null || { tail -50 "$log" >&2; exit 1; }
echo "worker ready on http://127.0.0.1:$port (rate limit: $rate_limit/min)" >&2
SWW_BASE_URL="http://127.0.0.1:$port" "$@"
