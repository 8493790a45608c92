#!/usr/bin/env bash
# Prints the local bot credential for `make run` (see scripts/local-token.sh).
exec "$(dirname "$0")/local-token.sh" BOT_TOKEN
