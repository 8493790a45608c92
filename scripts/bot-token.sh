#!/usr/bin/env bash
# Prints the local bot credential for `make run`: $BOT_TOKEN when set, else the one in
# worker/.dev.vars, made there (git-ignored) on first use. wrangler dev reads that file.
set -euo pipefail
cd "$(dirname "$0")/.."
vars=worker/.dev.vars
if [ -n "${BOT_TOKEN:-}" ]; then
  echo "bot credential: BOT_TOKEN from the environment" >&2
  printf '%s\n' "$BOT_TOKEN"
  exit 0
fi
if ! grep -qs '^BOT_TOKEN=' "$vars"; then
  token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  printf 'BOT_TOKEN=%s\n' "$token" >>"$vars"
  echo "made a local bot credential in $vars" >&2
fi
echo "bot credential: in $vars (run a bot with BOT_TOKEN=\$(scripts/bot-token.sh))" >&2
sed -n 's/^BOT_TOKEN=//p' "$vars" | head -1
