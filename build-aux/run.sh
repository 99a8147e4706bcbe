#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds and runs Bulletin Reader from the source tree.  With no argument
# it opens the last archive, or the built-in sample archive on a first run.
# Usage: build-aux/run.sh [ARCHIVE-OR-FILE]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build}

"$src/build-aux/bootstrap.sh" build
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src"
fi
meson compile -C "$build"

# Run uninstalled: the compiled schema and translations from the build tree.
. "$src/build-aux/uninstalled-env.sh"
exec "$build/src/bulletin-reader" "$@"
