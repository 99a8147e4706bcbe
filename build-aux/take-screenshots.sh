#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the screenshots that the AppStream metainfo and the README show,
# from the real app in the build tree, under a private Xvfb: the built-in
# sample archive with its first article open.
# Usage: build-aux/take-screenshots.sh [BUILD-DIR]   (writes docs/screenshots/)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
out=$src/docs/screenshots
mkdir -p "$out"

if [ -z "${BULLETIN_SCREENSHOT_INNER:-}" ]; then
  exec env BULLETIN_SCREENSHOT_INNER=1 xvfb-run -a -s "-screen 0 1100x760x24" \
    dbus-run-session -- "$0" "$build"
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share \
       XDG_CACHE_HOME=$home/.cache XDG_STATE_HOME=$home/.local/state
export GSETTINGS_SCHEMA_DIR=$build/data GSETTINGS_BACKEND=memory LANG=${LANG:-C.UTF-8}

# A single issue opens with its first article shown.
"$build/src/bulletin-reader" "$src/data/sample-archive/2024-05-20.json" &
pid=$!
wid=$(timeout 60 xdotool search --sync --onlyvisible --name 'Bulletin Reader' | head -n1)
[ -n "$wid" ] || { echo "no window" >&2; exit 1; }
# Wait for the first frames (slow on a loaded machine), then settle.
for _ in $(seq 60); do
  import -window root "$out/main.png"
  [ "$(convert "$out/main.png" -format '%[fx:mean>0.5]' info:)" = 1 ] && break
  sleep 1
done
sleep 3
import -window root "$out/main.png"
kill "$pid"
wait "$pid" 2>/dev/null || true
echo "$out/main.png"
