#!/usr/bin/env bash
# Prints a local credential for `make run`: BOT_TOKEN (the bots') or ADMIN_TOKEN (the
# operator's). The environment's value when set, else the one in worker/.dev.vars, made there
# (git-ignored) on first use. wrangler dev reads that file too.
# Usage: scripts/local-token.sh BOT_TOKEN|ADMIN_TOKEN
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/local-token.sh BOT_TOKEN|ADMIN_TOKEN}
case "$name" in BOT_TOKEN|ADMIN_TOKEN) ;; *) echo "local-token.sh: $name is not a credential" >&2; exit 2 ;; esac
vars=worker/.dev.vars
if [ -n "${!name:-}" ]; then
  echo "$name: from the environment" >&2
  printf '%s\n' "${!name}"
  exit 0
fi
if ! grep -qs "^$name=" "$vars"; then
  token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s=%s\n' "$name" "$token" >>"$vars"
  echo "made a local $name in $vars" >&2
fi
echo "$name: in $vars (\$(scripts/local-token.sh $name) prints it)" >&2
sed -n "s/^$name=//p" "$vars" | head -1
