#!/usr/bin/env bash
# The browser app's IndexedDB layer and component behaviour, as wasm-bindgen tests in headless
# Chromium (webdriver.json beside Cargo.toml carries Chromium's flags). `make test-wasm` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# The runner's own page load and a slow CI machine: give each test file time.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

for tool in wasm-bindgen-test-runner "$CHROMEDRIVER"; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool: run scripts/ensure-tools.sh browser" >&2
    exit 1
  fi
done

cargo test --target wasm32-unknown-unknown -p saywhatwant --lib "$@"
