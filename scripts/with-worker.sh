#!/usr/bin/env bash
# Starts a fresh worker (wrangler dev, an empty log and KV, the built app from dist/) on a free
# port, runs the given command with SWW_BASE_URL pointing at it and BOT_TOKEN and ADMIN_TOKEN
# set to the worker's bot and operator credentials, and stops the worker afterwards.
# SWW_DIST picks another build of the page than dist/.
# With --browser it also starts chromedriver (Debian's) and sets SWW_WEBDRIVER_URL.
# With --seed-kv FILE it first writes FILE (wrangler's bulk JSON) into the local KV.
# With --var NAME:VALUE (repeatable) the worker runs with that variable (SOCKET_IDLE_SECONDS:3).
# Usage: scripts/with-worker.sh [--rate-limit N] [--browser] [--seed-kv FILE] [--var NAME:VALUE]... command args...
set -euo pipefail
cd "$(dirname "$0")/.."
rate_limit=10 browser= seed=
vars=()
while :; do
  case "${1:-}" in
    --rate-limit) rate_limit=$2; shift 2 ;;
    --browser) browser=1; shift ;;
    --seed-kv) seed=$(realpath "$2"); shift 2 ;;
    --var) vars+=(--var "$2"); shift 2 ;;
    *) break ;;
  esac
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
state=$(mktemp -d)
log="$state/wrangler.log"
export BOT_TOKEN="test-bot-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export ADMIN_TOKEN="test-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
if [ -n "$seed" ]; then
  (cd worker && PATH="$PWD/../node_modules/.bin:$PATH" WRANGLER_SEND_METRICS=false \
    wrangler kv bulk put "$seed" --binding COMMENTS_KV --local --persist-to "$state/kv" >/dev/null)
fi
setsid scripts/serve.sh --port "$port" --rate-limit "$rate_limit" --persist "$state/kv" --assets "${SWW_DIST:-dist}" --bot-token "$BOT_TOKEN" --admin-token "$ADMIN_TOKEN" "${vars[@]}" >"$log" 2>&1 &
pid=$!
driver=
stop() {
  # The whole group: browsers a failed test never closed go with their driver.
  [ -n "$driver" ] && { kill -TERM -- "-$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true; }
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$state"
}
trap stop EXIT
# The first start compiles the worker; later ones take seconds. wrangler's file watcher fires
# once right after its first build and builds again (about 40 s of wasm-opt) while the first
# build already answers: a test started then would see "Your worker restarted mid-request". So
# ready means wrangler said "Ready on" (printed once its builds are done) and health answers.
for _ in $(seq 1 600); do
  if grep -q "Ready on" "$log" 2>/dev/null && curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "the worker did not start" >&2; exit 1; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$port/api/health" >/dev/null || { tail -50 "$log" >&2; exit 1; }
echo "worker ready on http://127.0.0.1:$port (rate limit: $rate_limit/min)" >&2
# The runtime's own address, behind wrangler's dev proxy (which keeps one address across
# reloads and holds six descriptors a WebSocket: 3 000 sockets would fill this machine's 20 000).
# The load benches connect their readers here; it is whichever of the runtime's ports serves
# the API.
runtime_url="http://127.0.0.1:$port"
# The runtime's listening ports, read from /proc (no ss or pgrep on a fresh machine): the
# workerd of this run's session started with an entry port of 0. The others are its inspector
# and a Cap'n Proto debug port; only the entry answers /api/health.
runtime_ports() {
  python3 - "$pid" <<'PY'
import os, sys
session = sys.argv[1]
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        cmd = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        if stat[3] != session or "socket-addr=entry=127.0.0.1:0" not in cmd:
            continue
        inodes = {os.readlink(f"/proc/{p}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{p}/fd")
                  if os.readlink(f"/proc/{p}/fd/{fd}").startswith("socket:[")}
    except OSError:
        continue
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        f = line.split()
        if f[3] == "0A" and f[9] in inodes:  # LISTEN
            print(int(f[1].split(":")[1], 16))
PY
}
for rp in $(runtime_ports 2>/dev/null || true); do
  if curl -sf -m 2 "http://127.0.0.1:$rp/api/health" 2>/dev/null | grep -q '"ok":true'; then
    runtime_url="http://127.0.0.1:$rp"; break
  fi
done
export SWW_RUNTIME_URL="$runtime_url"
if [ -n "$browser" ]; then
  dport=$(free_port)
  setsid chromedriver --port="$dport" >"$state/chromedriver.log" 2>&1 &
  driver=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$dport/status" >/dev/null && break; sleep 0.2; done
  export SWW_WEBDRIVER_URL="http://127.0.0.1:$dport"
fi
SWW_BASE_URL="http://127.0.0.1:$port" "$@"
