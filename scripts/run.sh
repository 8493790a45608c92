#!/usr/bin/env bash
# `make run`: the site at once, and alongside it the local model and the bot.
#   - the site: scripts/serve.sh as before (the worker under wrangler dev, the page from dist/);
#   - the model (SWW_RESPONDER=local, the default): scripts/ensure-model.sh when it is missing
#     (the first time it compiles llama.cpp: ~7 min on 2 cores), then llama-cpp-python's
#     OpenAI-compatible server on 127.0.0.1:$MODEL_PORT;
#   - the bot: built (release) once the site is up, started when the site and the model answer,
#     with the sample entities (BOT_ENTITIES) and its status on 127.0.0.1:$BOT_STATUS_PORT.
# BOT=off: the site alone. SWW_RESPONDER=echo: the bot with the echo responder and no model;
# SWW_RESPONDER=openai: the bot on the caller's OPENAI_BASE_URL / OPENAI_MODEL, no local model.
# Logs: .tools/logs/ (model build, model server, bot build). Ctrl-C stops every part.
# Usage: scripts/run.sh [--port N] [--rate-limit N] [--persist DIR] [--bot-token TOKEN]
#                       [--admin-token TOKEN] [--assets DIR | --no-assets]   (as scripts/serve.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
port=8080 serve_args=() bot_token=${BOT_TOKEN:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; serve_args+=("$1" "$2"); shift 2 ;;
    --rate-limit | --persist | --assets) serve_args+=("$1" "$2"); shift 2 ;;
    --no-assets) serve_args+=("$1"); shift ;;
    --bot-token) bot_token=$2; serve_args+=("$1" "$2"); shift 2 ;;
    --admin-token) serve_args+=("$1" "$2"); shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
responder=${SWW_RESPONDER:-local}
bot=${BOT:-on}
model_port=${MODEL_PORT:-$((port + 1))}
# One thread by default: on 2 cores shared with the worker, builds or other work, llama.cpp's
# two threads wait on each other and answer 5x slower than one (docs/bot.md, "The local model").
threads=${MODEL_THREADS:-1}
status_port=${BOT_STATUS_PORT:-$((port + 2))}
entities=${BOT_ENTITIES:-bot/entities.json}
logs=.tools/logs
site="http://127.0.0.1:$port"
link="$site/#entity=guide&ais=Guide:080200160"
case "$responder" in
  local | echo | openai) ;;
  *) echo "run.sh: SWW_RESPONDER is '$responder'; it takes local, echo or openai" >&2; exit 2 ;;
esac
case "$bot" in
  on | off) ;;
  *) echo "run.sh: BOT is '$bot'; it takes on or off" >&2; exit 2 ;;
esac
if [ "$responder" = openai ] && [ -z "${OPENAI_BASE_URL:-}" ]; then
  echo "run.sh: SWW_RESPONDER=openai needs OPENAI_BASE_URL (and OPENAI_MODEL)" >&2; exit 2
fi
mkdir -p "$logs"
say() { printf '\033[1;36m[run]\033[0m %s\n' "$*" >&2; }
# One request at a time: while the worker is still building, a request waits for it.
up() { curl -sf -o /dev/null --max-time 120 "$1"; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Each part is its own process group (setsid), so one kill stops a part and all it started.
groups=()
stop() {
  trap - INT TERM EXIT
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=
    for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

setsid scripts/serve.sh "${serve_args[@]}" &
site_pid=$!
groups+=("$site_pid")

if [ "$bot" = off ]; then
  say "BOT=off: the site alone on $site"
  wait "$site_pid"
  exit
fi

# What the AI still needs, to tell the newcomer how long it will be.
wait_note=
bin=target/release/saywhatwant-bot
if [ "$responder" = local ] && ! scripts/ensure-model.sh --check; then
  if [ -x .tools/llm/bin/python ] && .tools/llm/bin/python -c 'import llama_cpp.server' 2>/dev/null; then
    wait_note="the AI joins in ~1 min (unpacking the model)"
  else
    wait_note="the AI joins in ~8 min (building the model server; progress below, log: $logs/llm-build.log)"
  fi
elif [ ! -x "$bin" ]; then
  wait_note="the AI joins in ~3 min (building the bot)"
fi
[ -n "$wait_note" ] && say "open $link and say hello; $wait_note"
say "the operator's page: $site/admin (its credential: scripts/local-token.sh ADMIN_TOKEN)"

# The AI side: model and bot, in a group of their own, never holding the site up.
ai() {
  if [ "$responder" = local ]; then
    nice -n 10 scripts/ensure-model.sh >"$logs/model-path" &
    prep=$!
  fi
  # The bot's build waits for the site so that it does not compete with the worker's build
  # for cargo's lock; a ready binary is only checked (a no-op build).
  until up "$site/api/health"; do sleep 1; done
  say "building the bot (log: $logs/bot-build.log)"
  if ! nice -n 10 cargo build --release -p saywhatwant-bot >"$logs/bot-build.log" 2>&1; then
    say "the bot did not build; the site goes on without it (see $logs/bot-build.log)"
    tail -20 "$logs/bot-build.log" >&2
    return 1
  fi
  local args=(--api "$site")
  local help
  help=$("$bin" --help)
  case "$help" in *--entities*) args+=(--entities "$entities") ;; esac
  case "$help" in *--status-addr*) args+=(--status-addr "127.0.0.1:$status_port") ;; esac
  case "$responder" in
    echo) args+=(--responder echo) ;;
    openai) args+=(--responder openai --openai-url "$OPENAI_BASE_URL") ;;
    local)
      wait "$prep" || { say "the model could not be prepared; see $logs/llm-build.log"; return 1; }
      local model
      model=$(cat "$logs/model-path")
      if port_taken "$model_port"; then
        say "port $model_port is taken: MODEL_PORT=… picks another"; return 1
      fi
      say "starting the model server on 127.0.0.1:$model_port (log: $logs/model-server.log)"
      # --model_alias names the one model; the server answers any requested name with it.
      # PASSIVE: with MODEL_THREADS=2, OpenMP threads sleep instead of spinning for a busy core.
      # The server reads PORT and HOST from the environment over its flags: `PORT=… make run`
      # would put it on the site's port.
      env -u PORT -u HOST OMP_WAIT_POLICY=PASSIVE .tools/llm/bin/python -m llama_cpp.server --model "$model" --model_alias SmolLM2-135M-Instruct \
        --host 127.0.0.1 --port "$model_port" --n_ctx 4096 --n_threads "$threads" --n_threads_batch "$threads" \
        >"$logs/model-server.log" 2>&1 &
      local server=$!
      until up "http://127.0.0.1:$model_port/v1/models"; do
        kill -0 "$server" 2>/dev/null || { say "the model server stopped; see $logs/model-server.log"; tail -20 "$logs/model-server.log" >&2; return 1; }
        sleep 0.5
      done
      args+=(--responder openai --openai-url "http://127.0.0.1:$model_port/v1")
      ;;
  esac
  say "the bot joins ($responder): open $link and say hello"
  # SWW_RESPONDER=local is this script's value, not the bot's: the flag above decides.
  env -u SWW_RESPONDER BOT_TOKEN="$bot_token" "$bin" "${args[@]}" 2>&1 | sed -u 's/^/[bot] /' >&2
}
export -f ai say up port_taken
export responder site link logs bin entities status_port model_port bot_token threads
setsid bash -c ai &
ai_pid=$!
groups+=("$ai_pid")

# The site decides: when it stops, everything stops; the AI side failing leaves the site up.
wait "$site_pid"
