#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The app run from the build tree as build-aux/run.sh runs it speaks the
# language asked for: LANGUAGE=zh_CN gives a window titled in Chinese (the
# build tree's translations, not the installed ones, which may be absent).
# Usage: check-run-l10n.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1
build=$2

if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null; then
  echo "SKIP: needs an X display and xdotool"
  exit 77
fi

. "$src/build-aux/uninstalled-env.sh"
home=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$home"' EXIT

# the translation of the window's title, from the source of the catalogue
want=$(grep -A1 '^msgid "Bulletin Reader"$' "$src/po/zh_CN.po" | sed -n 's/^msgstr "\(.*\)"$/\1/p')
[ -n "$want" ] || { echo "no zh_CN translation of the title"; exit 1; }

HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache \
  GSETTINGS_BACKEND=memory GSK_RENDERER=cairo NO_AT_BRIDGE=1 \
  LANG=C.UTF-8 LC_ALL= LANGUAGE=zh_CN \
  "$build/src/bulletin-reader" &
pid=$!

for _ in $(seq 150); do
  if wid=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -n1) && [ -n "$wid" ]; then
    title=$(xdotool getwindowname "$wid")
    if [ "$title" = "$want" ]; then
      echo "ok: the window is titled “$title”"
      exit 0
    fi
  fi
  sleep 0.2
done
echo "the window is titled “${title:-(none)}”, not “$want”"
exit 1
