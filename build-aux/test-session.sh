#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command (the test suite) in a desktop session of its own: a private
# XDG_RUNTIME_DIR and the session bus's portals started before the command.
# Usage, inside xvfb-run and dbus-run-session: build-aux/test-session.sh CMD...
#
# GTK's application startup asks org.freedesktop.portal.Desktop (the
# Inhibit portal) synchronously, which D-Bus starts on demand when
# xdg-desktop-portal is installed (the Flatpak test's packages bring it).
# Its start-up, the document portal's FUSE mount included, took 50 s once
# in CI, and the first UI tests timed out waiting for it in
# gtk_application_startup (): so it is started, and waited for, here,
# before any test, and its FUSE mount goes in a runtime folder that no
# other session shares (the user's runtime folder, or ~/.cache/doc without
# one, may hold another session's mount, live or stale).
set -uo pipefail

runtime=$(mktemp -d "${TMPDIR:-/tmp}/bulletin-test-runtime.XXXXXX")
chmod 700 "$runtime"
export XDG_RUNTIME_DIR=$runtime

cleanup () {
  if [ -d "$runtime/doc" ] && mountpoint -q "$runtime/doc" 2>/dev/null; then
    fusermount3 -u "$runtime/doc" 2>/dev/null || fusermount -u "$runtime/doc" 2>/dev/null || true
  fi
  rm -rf "$runtime" 2>/dev/null || true
}
trap cleanup EXIT

if [ -e /usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service ] && command -v gdbus > /dev/null; then
  start=$(date +%s)
  if gdbus call --session --timeout 180 --dest org.freedesktop.portal.Desktop \
       --object-path /org/freedesktop/portal/desktop \
       --method org.freedesktop.DBus.Peer.Ping > /dev/null; then
    echo "test-session: the desktop portal answered after $(( $(date +%s) - start )) s"
  else
    echo "test-session: the desktop portal did not start; GTK goes on without it"
  fi
fi

"$@"
