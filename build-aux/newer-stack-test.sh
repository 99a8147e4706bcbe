#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds Bulletin Reader against a newer GNOME stack than Debian 12's and
# runs the whole meson test suite on it, UI tests included, under Xvfb.
#
# The Flatpak build compiles the code paths that only exist on a newer GTK
# and libadwaita (AdwShortcutsDialog, AdwAlertDialog, GtkFileDialog,
# gtk_accessible_announce ...), but the offline stand-in runtime of
# flatpak-test.sh is Debian trixie (GTK 4.18, libadwaita 1.7), and the
# Flatpak build runs only the core tests.  This takes Debian unstable
# (GTK 4.24, libadwaita 1.10, GLib 2.90, Pango 1.58 when written), builds
# with the manifest's version pins and -Werror=deprecated-declarations, and
# runs every test there, so the newer paths are compiled and exercised.
#
# Not part of build-aux/test.sh: unstable moves, and a failure here is news
# about a toolkit we do not ship against yet, not a regression in CI.
#
# The root is cached in $BULLETIN_NEWER_CACHE (default
# /tmp/bulletin-newer-stack), rebuilt only when its recipe changes: about
# 5 minutes and 1.2 GB cold.  Usage: build-aux/newer-stack-test.sh
# [meson test arguments, e.g. --suite ui or a test name]
# Exit status: 0 passed, 1 failed, 77 skipped (tools missing).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
shared=${BULLETIN_SHARED_DIR:-$src/../shared}
cache=${BULLETIN_NEWER_CACHE:-/tmp/bulletin-newer-stack}
suite=${BULLETIN_NEWER_SUITE:-sid}
mirror=${BULLETIN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
manifest=$src/flatpak/io.github.bulletinreader.BulletinReader.json

for tool in mmdebstrap bwrap python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (build-aux/debian-packages-test-flatpak.txt lists it)"
    exit 77
  fi
done

packages=(
  libgtk-4-dev libadwaita-1-dev libjson-glib-dev libxml2-dev libsqlite3-dev libzstd-dev
  meson ninja-build gcc libc6-dev pkg-config gettext libglib2.0-bin libglib2.0-dev-bin
  desktop-file-utils appstream locales
  xvfb xauth dbus dbus-daemon at-spi2-core python3 python3-gi gir1.2-atspi-2.0 python3-pyatspi
  xdotool libgl1-mesa-dri librsvg2-common
  fonts-noto-cjk fonts-cantarell fonts-dejavu-core
  poppler-utils
)
recipe=$({ declare -p packages; echo "$suite v1"; } | sha256sum | cut -c1-16)
root=$cache/root-$recipe

if [ ! -f "$root/.complete" ]; then
  rm -rf "$root"
  mkdir -p "$cache"
  echo "mmdebstrap $suite (${#packages[@]} packages) into $root"
  # a snapshot mirror's Release file may have expired: the suite is only a
  # source of newer libraries here, not of security updates
  mmdebstrap --quiet --variant=essential --mode=root --format=directory \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --aptopt='Acquire::Languages "none"' --aptopt='Acquire::Check-Valid-Until "false"' \
    --customize-hook='printf "en_US.UTF-8 UTF-8\nzh_CN.UTF-8 UTF-8\nzh_TW.UTF-8 UTF-8\n" > "$1/etc/locale.gen"' \
    --customize-hook='chroot "$1" locale-gen' \
    --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$root" "$mirror"
  touch "$root/.complete"
fi

# The version pins of the Flatpak build, from the manifest.
read -r -a pins < <(python3 - "$manifest" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
mod = next(x for x in m["modules"] if x["name"] == "bulletin-reader")
print(" ".join(o for o in mod["config-opts"] if "_min_version=" in o))
EOF
)

binds=(--ro-bind "$src" /src)
[ -d "$shared" ] && binds+=(--ro-bind "$shared" /shared)

echo "GTK $(cat "$root"/usr/lib/x86_64-linux-gnu/pkgconfig/gtk4.pc | sed -n 's/^Version: //p')," \
     "libadwaita $(sed -n 's/^Version: //p' "$root"/usr/lib/x86_64-linux-gnu/pkgconfig/libadwaita-1.pc)," \
     "GLib $(sed -n 's/^Version: //p' "$root"/usr/lib/x86_64-linux-gnu/pkgconfig/glib-2.0.pc)," \
     "Pango $(sed -n 's/^Version: //p' "$root"/usr/lib/x86_64-linux-gnu/pkgconfig/pango.pc);" \
     "pins ${pins[*]}"

# The build lives in a tmpfs inside the sandbox; the source is read-only.
exec bwrap --bind "$root" / --proc /proc --dev /dev --tmpfs /tmp --tmpfs /run \
  --unshare-net --die-with-parent \
  "${binds[@]}" --setenv PATH /usr/bin:/bin --setenv HOME /tmp --setenv LANG C.UTF-8 \
  --setenv BULLETIN_SHARED_DIR /shared --setenv BULLETIN_TEST_ARGS "$*" \
  /bin/sh -c '
    set -e
    CFLAGS=-Werror=deprecated-declarations meson setup /tmp/build /src -Dui=true "$@" >/tmp/setup.log 2>&1 \
      || { cat /tmp/setup.log; exit 1; }
    if ! ninja -C /tmp/build >/tmp/ninja.log 2>&1; then
      grep -v "^\[" /tmp/ninja.log; exit 1
    fi
    if grep -q "warning:" /tmp/ninja.log; then
      grep -B2 -A4 "warning:" /tmp/ninja.log; exit 1
    fi
    echo "built with no warnings"
    xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- \
      meson test -C /tmp/build --no-rebuild --num-processes 2 --print-errorlogs $BULLETIN_TEST_ARGS
  ' sh "${pins[@]}"
