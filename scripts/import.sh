#!/usr/bin/env bash
# Moves a stream kept in the original design's Workers KV layout (keys `comment:<ms>:<id>`)
# into the comment log, one step of 200 keys at a time, through POST /api/admin/import.
# Order, ids and timestamps are kept; running it again imports nothing twice.
#   ADMIN_TOKEN=<the worker's ADMIN_TOKEN> scripts/import.sh https://your-site.example
# Run it once, right after deploying the log and before the site takes new posts (a comment
# older than the log's newest is refused and named in the output). See docs/api.md.
set -euo pipefail
base=${1:?usage: scripts/import.sh <site or API address>}
base=${base%/}
base=${base%/api}
: "${ADMIN_TOKEN:?set ADMIN_TOKEN to the operator credential of the worker}"
# Reads one step's answer: refusals to stderr, then the counts and the next cursor on one line
# (node, which wrangler already needs, reads the JSON).
read_step='const a = JSON.parse(process.argv[1]);
  for (const r of a.refused) console.error("refused " + r.id + ": " + r.reason);
  console.log(a.imported, a.already, a.refused.length, a.done, JSON.stringify(a.cursor));'
cursor=null
total_imported=0 total_already=0 total_refused=0 steps=0
while :; do
  answer=$(curl -sS --fail-with-body -X POST "$base/api/admin/import" \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"cursor\": $cursor}") || { echo "import step failed: $answer" >&2; exit 1; }
  read -r imported already refused done next < <(node -e "$read_step" "$answer")
  total_imported=$((total_imported + imported))
  total_already=$((total_already + already))
  total_refused=$((total_refused + refused))
  steps=$((steps + 1))
  echo "step $steps: +$imported imported, $already already there, $refused refused" >&2
  [ "$done" = true ] && break
  cursor=$next
done
echo "imported $total_imported, already there $total_already, refused $total_refused ($steps steps)"
