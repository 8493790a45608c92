# The two commands of this project: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PORT ?= 8080
RATE_LIMIT_PER_MINUTE ?= 10

ROOT := $(CURDIR)
export PATH := $(ROOT)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export WASM_BINDGEN_BIN := $(HOME)/.cargo/bin/wasm-bindgen
export WASM_OPT_BIN := $(ROOT)/node_modules/.bin/wasm-opt
export WRANGLER_SEND_METRICS := false
export TRUNK_OFFLINE := true

.PHONY: run test tools tools-browser app worker test-native test-live test-wasm lint bench deploy deploy-check size-check

## make run: the local worker (workerd + local KV) and the browser app on http://127.0.0.1:$(PORT),
## and alongside them the local model and the bot (BOT=off: the site alone; SWW_RESPONDER=
## local|echo|openai, BOT_ENTITIES: see docs/bot.md)
run: tools app
	scripts/run.sh --port $(PORT) --rate-limit "$(RATE_LIMIT_PER_MINUTE)" --persist worker/.wrangler/state --bot-token "$$(scripts/bot-token.sh)" --admin-token "$$(scripts/local-token.sh ADMIN_TOKEN)"

## make test: every test (native unit tests, the worker over HTTP, the app in Chromium, end to end)
test: tools-browser lint test-native test-wasm test-live size-check deploy-check

tools:
	scripts/ensure-tools.sh

tools-browser:
	scripts/ensure-tools.sh browser

# The readers' page into dist/, the operator page (its own wasm) into dist/admin/, the video
# drawer (its own wasm too) into dist/drawer/, then the drawer's local clips and manifest into
# dist/videos/.
app:
	trunk build --release
	trunk build admin.html --release --dist dist/admin --public-url /admin/
	trunk build drawer.html --release --dist dist/drawer --public-url /drawer/
	scripts/make-videos.sh dist/videos

worker:
	cd worker && worker-build --release

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p saywhatwant -p saywhatwant-api -- -D warnings
	# The page's browser tests build for wasm only: lint them there, or a change can break them unseen.
	cargo clippy --target wasm32-unknown-unknown -p saywhatwant --tests -- -D warnings

test-native:
	cargo test
	cargo test -p saywhatwant-bot -p saywhatwant-sim

test-wasm:
	scripts/test-wasm.sh

# The live suites get a fresh worker under `wrangler dev`: an empty log object and local KV.
test-live: app
	scripts/with-worker.sh --rate-limit 10 cargo test -p saywhatwant-e2e --test api --test history --test log --test security --test channel_post -- --test-threads=8
	scripts/with-worker.sh --rate-limit 0 cargo test -p saywhatwant-e2e --test bot --test bot_entities --test oversized
	scripts/with-worker.sh --rate-limit 0 --var SOCKET_IDLE_SECONDS:3 --var ALLOWED_ORIGIN:https://site.test cargo test -p saywhatwant-e2e --test socket_limits
	scripts/with-worker.sh --rate-limit 0 --var FAULTS:on --var RELAYS_PER_REGION:3 cargo test -p saywhatwant-e2e --test relays
	scripts/with-worker.sh --rate-limit 0 --var HOT_COMMENTS:1000 cargo test -p saywhatwant-e2e --test archive --test presence
	scripts/with-worker.sh --rate-limit 0 --seed-kv tests/fixtures/original-kv.json cargo test -p saywhatwant-e2e --test import
	scripts/with-worker.sh --rate-limit 0 --browser cargo test -p saywhatwant-e2e --test browser --test live --test a11y --test reading_tools --test page_tools --test video_drawer --test browser_bulk --test conversation --test returning --test ai_answer --test page_posts -- --test-threads=3
	SWW_PUSH=off scripts/with-worker.sh --rate-limit 0 --browser cargo test -p saywhatwant-e2e --test browser -- --test-threads=3
	# A worker of their own: slow mode and bans apply to every post the worker takes.
	scripts/with-worker.sh --rate-limit 0 --browser cargo test -p saywhatwant-e2e --test moderation --test takedown -- --test-threads=1

## make bench: rows and time per request (native), the KV-lag simulation, the cost model and the
## fan-out simulation (sim/), the log object under wrangler dev (sockets, requests a second, real
## rows, the bot), the page in headless Chromium (its heap section runs an hour;
## SWW_HEAP_MINUTES=5 is quicker), and the bot with the real local model (scripts/bench-model.sh)
bench: tools-browser app
	cargo bench -p saywhatwant-api
	cargo bench -p saywhatwant-sim
	scripts/with-worker.sh --rate-limit 0 cargo bench -p saywhatwant-e2e --bench live
	scripts/with-worker.sh --rate-limit 0 cargo bench -p saywhatwant-e2e --bench relays
	scripts/with-worker.sh --rate-limit 0 --browser cargo bench -p saywhatwant-e2e --bench browser
	scripts/with-worker.sh --rate-limit 0 scripts/bench-model.sh

size-check: app
	scripts/check-size.sh

## make deploy: the worker and the page to your Cloudflare account (see README)
deploy: tools app
	scripts/deploy.sh

# Bundles the worker as `wrangler deploy` would and checks it fits Cloudflare's size limit.
deploy-check: tools
	scripts/deploy.sh --dry-run
