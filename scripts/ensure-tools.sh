#!/usr/bin/env bash
# Installs what the build, the local run and the tests need, each only when it is missing.
# Usage: scripts/ensure-tools.sh [browser]   ("browser" adds Chromium + ChromeDriver for tests)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v worker-build >/dev/null || ! worker-build --version 2>/dev/null | grep -Eq '(^| )0\.8\.'; then
  log "installing worker-build 0.8"
  cargo install worker-build --version '~0.8'
fi

if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $BINDGEN_VERSION (the version in Cargo.lock)"
  # No --locked: its lock file names a crate version the registry here does not serve.
  cargo install wasm-bindgen-cli --version "=$BINDGEN_VERSION"
fi

if ! command -v trunk >/dev/null || ! trunk --version | grep -q ' 0\.21\.'; then
  log "installing trunk 0.21 (0.22 needs a newer rustc)"
  cargo install trunk --locked --version '~0.21'
fi

if [ ! -x node_modules/.bin/wrangler ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (wrangler, binaryen, esbuild, axe-core)"
  npm ci --no-audit --no-fund
fi

# Debian packages, in one apt run: ffmpeg makes the video drawer's local clips
# (scripts/make-videos.sh); the browser suites need Chromium and its driver.
packages=()
command -v ffmpeg >/dev/null || packages+=(ffmpeg)
if [ "${1:-}" = browser ]; then
  command -v chromium >/dev/null || packages+=(chromium)
  command -v chromedriver >/dev/null || packages+=(chromium-driver)
fi
if [ ${#packages[@]} -gt 0 ]; then
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${packages[@]}" >/dev/null
fi
