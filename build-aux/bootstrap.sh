#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages that a command needs and that are missing.
# Usage: build-aux/bootstrap.sh build|test
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
want=${1:-build}

missing=()
while read -r group pkg; do
  case "$group" in ''|'#'*) continue ;; esac
  if [ "$want" = build ] && [ "$group" != build ]; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done < "$here/debian-packages.txt"

# Further groups (flatpak, ...) may list their own files.
for extra in "$here"/debian-packages-"$want"-*.txt; do
  [ -e "$extra" ] || continue
  while read -r pkg; do
    case "$pkg" in ''|'#'*) continue ;; esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done < "$extra"
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "Please install as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
