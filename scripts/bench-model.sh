#!/usr/bin/env bash
# The model bench (make bench): the real local model (scripts/ensure-model.sh first, which
# times its steps in .tools/logs/model-steps.log), its server on a free port, the bot with the
# sample entities on the live channel of the fresh worker that scripts/with-worker.sh started,
# then scripts/bench-model.py's 10 questions.
# Usage: scripts/with-worker.sh --rate-limit 0 scripts/bench-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SWW_BASE_URL:?run me under scripts/with-worker.sh}" "${BOT_TOKEN:?run me under scripts/with-worker.sh}"
model=$(scripts/ensure-model.sh)
cargo build --release -p saywhatwant-bot
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
threads=${MODEL_THREADS:-1}   # as make run (scripts/run.sh)
work=$(mktemp -d)
export MODEL_LOG=$work/model-server.log
OMP_WAIT_POLICY=PASSIVE setsid .tools/llm/bin/python -m llama_cpp.server --model "$model" --model_alias SmolLM2-135M-Instruct \
  --host 127.0.0.1 --port "$port" --n_ctx 4096 --n_threads "$threads" --n_threads_batch "$threads" >"$MODEL_LOG" 2>&1 &
export MODEL_PID=$!
bot=
stop() {
  [ -n "$bot" ] && kill -TERM -- "-$bot" 2>/dev/null
  kill -TERM -- "-$MODEL_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap stop EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/models"; do
  kill -0 "$MODEL_PID" 2>/dev/null || { cat "$MODEL_LOG" >&2; exit 1; }
  sleep 0.5
done
args=(--api "$SWW_BASE_URL" --responder openai --openai-url "http://127.0.0.1:$port/v1")
target/release/saywhatwant-bot --help | grep -q -- --entities && args+=(--entities bot/entities.json)
setsid env -u SWW_RESPONDER target/release/saywhatwant-bot "${args[@]}" >"$work/bot.log" 2>&1 &
bot=$!
echo "model bench: SmolLM2-135M-Instruct Q4_1 via llama-cpp-python $(.tools/llm/bin/pip show llama-cpp-python | sed -n 's/^Version: //p'), $threads thread(s), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)" >&2
sleep 2
python3 scripts/bench-model.py || { tail -30 "$work/bot.log" >&2; exit 1; }
echo "first-run install steps (.tools/logs/model-steps.log):"
cat .tools/logs/model-steps.log 2>/dev/null || echo "(none recorded: the model was prepared before the steps were timed)"
