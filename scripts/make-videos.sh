#!/usr/bin/env bash
# The video drawer's local clips: three short 9:16 videos made here with ffmpeg's own sources
# (nothing downloaded), and the manifest the page reads (`{"videos": [{"key", "url"}]}`).
# Made once into .tools/videos, then copied to DIR (default dist/videos), which `make app`
# does after trunk has rebuilt dist/. A deployment points the page at its own manifest with
# SWW_VIDEO_MANIFEST at build time.
# Usage: scripts/make-videos.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/videos}
cache=.tools/videos
if ! command -v ffmpeg >/dev/null; then
  echo "make-videos.sh: ffmpeg is missing: run scripts/ensure-tools.sh" >&2
  exit 1
fi
mkdir -p "$cache" "$out"
# key and lavfi source; 270x480 (9:16), 4 s at 24 fps, VP8 in WebM (every Chromium plays it).
clips=(
  "dawn gradients=s=270x480:c0=0x2b1055:c1=0xff7e5f:x0=0:y0=0:x1=270:y1=480:speed=0.02:r=24"
  "tide mandelbrot=s=270x480:r=24:start_scale=2"
  "life life=s=270x480:mold=10:r=24:ratio=0.1:death_color=#0b1a2a:life_color=#7cc4ff"
)
manifest='{"videos": ['
sep=''
for clip in "${clips[@]}"; do
  key=${clip%% *} source=${clip#* }
  if [ ! -s "$cache/$key.webm" ]; then
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "$source" -t 4 -an \
      -c:v libvpx -b:v 400k -pix_fmt yuv420p -f webm "$cache/$key.webm.part"
    mv "$cache/$key.webm.part" "$cache/$key.webm"
  fi
  cp "$cache/$key.webm" "$out/$key.webm"
  manifest+="$sep{\"key\": \"$key\", \"url\": \"/videos/$key.webm\"}"
  sep=', '
done
printf '%s]}\n' "$manifest" > "$out/manifest.json"
