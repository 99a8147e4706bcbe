#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The offline Flatpak packaging test (see README, "Flatpak").
#
# These machines cannot download the GNOME runtime from Flathub, so this
# builds a stand-in: Debian trixie (GTK 4.18, libadwaita 1.7, AppStream 1.0)
# exported as org.gnome.Platform / org.gnome.Sdk under exactly the names and
# branch the manifest asks for, so that the real manifest builds unchanged.
# Then it builds and installs the app with flatpak-builder (running the core
# tests and -Werror=deprecated-declarations), checks the installed metadata
# and permissions, round-trips a .flatpak bundle, and runs the installed app:
# the window under Xvfb and under a headless weston, a file handed over with
# --file-forwarding through the document portal, and a path outside the
# sandbox that must not open.
#
# Everything lives under /tmp.  The stand-in runtime is cached in
# $BULLETIN_FLATPAK_CACHE (default /tmp/bulletin-flatpak-cache) and rebuilt
# only when its recipe changes: about 3 minutes cold, seconds warm.
#
# Usage: build-aux/flatpak-test.sh [--runtime-only]
# Exit status: 0 passed, 1 failed, 77 skipped (tools missing).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
app_id=io.github.bulletinreader.BulletinReader
manifest=$src/flatpak/$app_id.json
cache=${BULLETIN_FLATPAK_CACHE:-/tmp/bulletin-flatpak-cache}
artifacts=${BULLETIN_ARTIFACTS_DIR:-$src/test-artifacts}/flatpak
suite=trixie
mirror=${BULLETIN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

for tool in flatpak flatpak-builder mmdebstrap bwrap weston xvfb-run dbus-run-session xdotool \
            desktop-file-validate python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (build-aux/debian-packages-test-flatpak.txt lists what this needs)"
    exit 77
  fi
done
if [ ! -x /usr/libexec/xdg-document-portal ] || [ ! -e /dev/fuse ]; then
  echo "SKIP: the document portal (xdg-desktop-portal) or /dev/fuse is missing"
  exit 77
fi

mkdir -p "$cache" "$artifacts"
export FLATPAK_USER_DIR=$cache/user
work=$(mktemp -d /tmp/bulletin-flatpak-test.XXXXXX)
t0=$SECONDS
failures=0

step () { printf '\n=== [%4ss] %s\n' "$((SECONDS - t0))" "$*"; }
ok () { echo "ok - $*"; }
fail () { echo "not ok - $*" >&2; failures=$((failures + 1)); }
check () { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# The runtime and sdk the manifest names, and their branch.
read -r runtime sdk branch < <(python3 - "$manifest" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
print(m["runtime"], m["sdk"], m["runtime-version"])
EOF
)
arch=$(flatpak --default-arch)

# --- The stand-in runtime ---------------------------------------------------

platform_pkgs=(
  libglib2.0-0t64 libgtk-4-1 libadwaita-1-0 libjson-glib-1.0-0 libxml2 libsqlite3-0 libzstd1
  libpango-1.0-0 fontconfig fonts-noto-cjk fonts-cantarell libegl1 libgl1-mesa-dri
  shared-mime-info hicolor-icon-theme adwaita-icon-theme libgtk-4-common librsvg2-common
)
sdk_pkgs=(
  "${platform_pkgs[@]}"
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libjson-glib-dev
  libxml2-dev libsqlite3-dev libzstd-dev meson ninja-build gcc libc6-dev pkg-config gettext
  appstream appstream-util desktop-file-utils python3 elfutils
)
recipe_of () { { declare -p "$1"; echo "$suite $runtime $sdk $branch $arch v1"; } | sha256sum | cut -c1-16; }

build_standin () {
  local name=$1; shift
  local root=$cache/root-$name dir=$cache/export-$name mode=root
  [ "$(id -u)" -eq 0 ] || mode=unshare
  rm -rf "$root" "$dir"
  echo "mmdebstrap $suite → $name ($# packages)"
  mmdebstrap --quiet --variant=essential --mode=$mode --format=directory \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' --aptopt='Acquire::Languages "none"' \
    --include="$(IFS=,; echo "$*")" "$suite" "$root" "$mirror"
  mkdir -p "$dir"
  mv "$root/usr" "$dir/files"
  mv "$root/etc" "$dir/files/etc"
  rm -f "$dir"/files/etc/{shadow,gshadow,shadow-,gshadow-}
  # A runtime is read-only data: no setuid bits, everything readable.
  find "$dir/files" -type f -perm /6000 -exec chmod ug-s {} +
  chmod -R a+rX,u+w "$dir/files"
  cat > "$dir/metadata" <<EOF
[Runtime]
name=$name
runtime=$runtime/$arch/$branch
sdk=$sdk/$arch/$branch
EOF
  flatpak build-export --runtime --files=files --disable-sandbox --no-update-summary \
    "$cache/repo" "$dir" "$branch" >/dev/null
  rm -rf "$root" "$dir"
}

step "stand-in runtime $runtime//$branch and $sdk//$branch (Debian $suite)"
# Each is rebuilt only when its package list changed (or it is missing).
changed=()
for which in platform sdk; do
  if [ $which = platform ]; then name=$runtime; pkgs=("${platform_pkgs[@]}"); else name=$sdk; pkgs=("${sdk_pkgs[@]}"); fi
  recipe=$(recipe_of ${which}_pkgs)
  if [ "$(cat "$cache/recipe-$which" 2>/dev/null)" = "$recipe" ] \
     && flatpak info --user "$name//$branch" >/dev/null 2>&1; then
    echo "$name//$branch: cached in $cache ($recipe)"
  else
    rm -f "$cache/recipe-$which"
    build_standin "$name" "${pkgs[@]}"
    changed+=("$name//$branch:$which:$recipe")
  fi
done
if [ ${#changed[@]} -gt 0 ]; then
  flatpak build-update-repo "$cache/repo" >/dev/null
  flatpak remote-add --user --if-not-exists --no-gpg-verify standin "$cache/repo"
  for c in "${changed[@]}"; do
    IFS=: read -r ref which recipe <<< "$c"
    flatpak install --user --noninteractive -y --or-update standin "$ref"
    echo "$recipe" > "$cache/recipe-$which"
  done
fi
[ "${1:-}" = --runtime-only ] && exit 0

# --- Build and install -------------------------------------------------------

step "manifest"
check "manifest parses with no unknown keys" bash -c \
  "G_DEBUG=fatal-warnings flatpak-builder --show-manifest '$manifest' >/dev/null"

step "flatpak-builder build, core tests, install"
flatpak uninstall --user --noninteractive -y "$app_id" >/dev/null 2>&1 || true
if ! flatpak-builder --user --force-clean --disable-rofiles-fuse --disable-updates \
       --state-dir="$work/state" --repo="$work/repo" --install \
       "$work/build" "$manifest" > "$artifacts/flatpak-builder.log" 2>&1; then
  tail -n 60 "$artifacts/flatpak-builder.log" >&2
  fail "flatpak-builder (log: $artifacts/flatpak-builder.log)"
  exit 1
fi
ok "flatpak-builder built and installed $app_id"
check "the core test suite ran inside the build" \
  grep -qE '^Ok: +[1-9]' "$artifacts/flatpak-builder.log"
check "the build had no deprecation (or other) warnings" \
  bash -c "! grep -E 'warning:' '$artifacts/flatpak-builder.log'"

# --- Metadata of the installed app --------------------------------------------

step "installed metadata"
flatpak info --user --show-permissions "$app_id" > "$work/permissions"
cat "$work/permissions"
check "permissions are exactly ipc, wayland, fallback-x11, dri" python3 - "$work/permissions" <<'EOF'
import configparser, sys
cp = configparser.ConfigParser(delimiters=("=",), interpolation=None)
cp.optionxform = str
cp.read(sys.argv[1])
want = {"shared": {"ipc"}, "sockets": {"wayland", "fallback-x11"}, "devices": {"dri"}}
got = {k: {v for v in val.split(";") if v} for k, val in cp["Context"].items()} if cp.has_section("Context") else {}
# flatpak records fallback-x11 as "x11;fallback-x11" so that older flatpak
# versions still give the app X11; X11 is only used without Wayland.
if "fallback-x11" in got.get("sockets", set()):
    got["sockets"].discard("x11")
extra_sections = [s for s in cp.sections() if s != "Context"]
if got != want or extra_sections:
    sys.exit("got %r, other sections %r; want %r" % (got, extra_sections, want))
EOF

flatpak info --user --show-metadata "$app_id" > "$work/metadata"
check "metadata runs bulletin-reader on $runtime/$arch/$branch" \
  grep -qxF "runtime=$runtime/$arch/$branch" "$work/metadata"
check "metadata command is bulletin-reader" grep -qxF "command=bulletin-reader" "$work/metadata"

location=$(flatpak info --user --show-location "$app_id")
files=$location/files
exports=$FLATPAK_USER_DIR/exports/share
desktop=$exports/applications/$app_id.desktop
check "desktop file exported" test -f "$desktop"
check "exported desktop file validates" desktop-file-validate "$desktop"
check "exported Exec hands files over through the document portal" \
  grep -qE '^Exec=.*flatpak run .*--file-forwarding .*'"$app_id"' @@u %U @@' "$desktop"
check "desktop file is not D-Bus activatable" bash -c "! grep -q '^DBusActivatable=true' '$desktop'"
check "scalable icon exported" test -f "$exports/icons/hicolor/scalable/apps/$app_id.svg"
check "symbolic icon exported" test -f "$exports/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
check "GNOME Shell search provider exported" \
  grep -qxF "BusName=$app_id" "$exports/gnome-shell/search-providers/$app_id.search-provider.ini"
check "D-Bus service exported, starting the app in the sandbox as a service" \
  grep -qE '^Exec=.*flatpak run .*'"$app_id"'.*--gapplication-service' "$exports/dbus-1/services/$app_id.service"
# flatpak-builder 1.2 moves metainfo to the older appdata location.
metainfo=$files/share/metainfo/$app_id.metainfo.xml
[ -f "$metainfo" ] || metainfo=$files/share/appdata/$app_id.appdata.xml
check "metainfo installed" test -f "$metainfo"
check "AppStream catalogue composed" \
  bash -c "ls '$files'/share/app-info/xmls/$app_id.xml* >/dev/null 2>&1 || ls '$files'/share/swcatalog/xml/$app_id.xml* >/dev/null 2>&1"
check "GSettings schema installed" test -f "$files/share/glib-2.0/schemas/$app_id.gschema.xml"
check "licence installed to share/licenses/$app_id" test -s "$files/share/licenses/$app_id/COPYING"
check "translations installed" test -f "$files/share/locale/zh_CN/LC_MESSAGES/bulletin-reader.mo"
# The Sdk's AppStream (1.0) knows <developer>; validate with it, inside the Sdk.
mkdir -p "$work/validate"
cp "$metainfo" "$work/validate/$app_id.metainfo.xml" || true
check "metainfo validates with the Sdk's appstreamcli --no-net" \
  flatpak run --user --command=appstreamcli --filesystem="$work/validate:ro" "$sdk//$branch" \
    validate --no-net "$work/validate/$app_id.metainfo.xml"

# --- Bundle round trip ---------------------------------------------------------

step "bundle round trip"
bundle=$work/$app_id.flatpak
commit=$(flatpak info --user --show-commit "$app_id")
flatpak build-bundle "$work/repo" "$bundle" "$app_id"
echo "bundle: $(du -h "$bundle" | cut -f1)"
flatpak uninstall --user --noninteractive -y "$app_id" >/dev/null
check "uninstalled" bash -c "! flatpak info --user '$app_id' >/dev/null 2>&1"
flatpak install --user --noninteractive -y --no-deps --bundle "$bundle" >/dev/null
check "bundle installs offline with --no-deps" flatpak info --user "$app_id"
check "the bundle holds the commit that was built" \
  test "$(flatpak info --user --show-commit "$app_id")" = "$commit"
# separate-locales is off so that a bundle carries its translations.
location=$(flatpak info --user --show-location "$app_id")
check "the bundle carries the Chinese translations" \
  test -f "$location/files/share/locale/zh_TW/LC_MESSAGES/bulletin-reader.mo"

# --- Smoke runs of the installed app ------------------------------------------

step "smoke runs (X11, Wayland, document portal)"
# A small bulletin the app must read through the portal.  /tmp is private
# to the sandbox, so the same path given directly must not open.
mkdir -p "$work/outside"
sample=$work/outside/portal-sample.txt
printf '%s\n' '区务通讯' '' '街道开展冬季消防安全检查' '' '本报讯　为做好冬季防火工作，街道组织志愿者走访辖区商铺。' > "$sample"

runtime_dir=/run/user/$(id -u)
if [ ! -d "$runtime_dir" ]; then mkdir -p "$runtime_dir"; fi
chmod 700 "$runtime_dir"

cat > "$work/smoke.sh" <<'EOF'
#!/usr/bin/env bash
# Runs inside a private session bus and X server.
set -uo pipefail
app_id=$1 sample=$2 work=$3 artifacts=$4
status=0
ok () { echo "ok - $*"; }
fail () { echo "not ok - $*" >&2; status=1; }
run_app () { LANG=C.UTF-8 flatpak run --user "$@"; }
# Stops the app and waits until its D-Bus name is gone: a next run would
# otherwise only hand its request to this instance and exit.
stop_app () {
  flatpak kill "$app_id" 2>/dev/null; kill "$1" 2>/dev/null; wait "$1" 2>/dev/null
  for _ in $(seq 100); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.NameHasOwner "$app_id" 2>/dev/null | grep -q true || return 0
    sleep 0.2
  done
  echo "warning: $app_id still owns its bus name" >&2
}

# 1. X11 (Xvfb): the real window maps.
run_app "$app_id" > "$work/x11.log" 2>&1 &
pid=$!
if wid=$(timeout 60 xdotool search --sync --onlyvisible --name 'Bulletin Reader' | head -n1) && [ -n "$wid" ]; then
  ok "window maps under X11 (Xvfb): $(xdotool getwindowname "$wid")"
  sleep 1
  command -v import >/dev/null && import -window root "$artifacts/flatpak-x11.png" 2>/dev/null
else
  fail "no window under X11"; cat "$work/x11.log" >&2
fi
stop_app "$pid"

# 2. Wayland (headless weston), no X display at all.
sock=bulletin-wl-$$
weston --backend=headless-backend.so --socket="$sock" --idle-time=0 > "$work/weston.log" 2>&1 &
wpid=$!
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/$sock" ] && break; sleep 0.2; done
env -u DISPLAY WAYLAND_DISPLAY="$sock" LANG=C.UTF-8 \
  flatpak run --user --env=GDK_BACKEND=wayland --env=WAYLAND_DEBUG=1 "$app_id" > "$work/wayland.log" 2>&1 &
pid=$!
mapped=no
for _ in $(seq 120); do
  if grep -qE 'xdg_toplevel[@#][0-9]+\.set_title\("Bulletin Reader' "$work/wayland.log" \
     && grep -qE -- '-> xdg_surface[@#][0-9]+\.ack_configure' "$work/wayland.log" \
     && grep -qE -- '-> wl_surface[@#][0-9]+\.attach\((wl_buffer[@#][0-9]+|new id)' "$work/wayland.log"; then
    mapped=yes; break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if [ $mapped = yes ]; then
  ok "window maps under Wayland (headless weston): toplevel configured, buffer attached"
else
  fail "no window under Wayland"; tail -n 20 "$work/wayland.log" >&2
fi
stop_app "$pid"
kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null

# 3. A file handed over with --file-forwarding arrives through the portal...
inside=$(flatpak run --user --command=sh --file-forwarding "$app_id" -c 'echo "$1"; head -c 1 "$1" >/dev/null' sh @@ "$sample" @@ 2>&1)
case "$inside" in
  /run/user/*/doc/*/portal-sample.txt) ok "forwarded file appears as $inside" ;;
  *) fail "forwarded file did not arrive through the document portal: $inside" ;;
esac
# ... and the app really reads it.
if LANG=C.UTF-8 flatpak run --user --file-forwarding "$app_id" --export-ninjs @@ "$sample" @@ \
     > "$work/forwarded.json" 2> "$work/forwarded.err" \
   && python3 - "$work/forwarded.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
text = json.dumps(doc, ensure_ascii=False)
sys.exit(0 if "街道开展冬季消防安全检查" in text and "志愿者" in text else "headline or body missing")
PY
then
  ok "the app read the forwarded file (--export-ninjs through the portal)"
else
  fail "the app did not read the forwarded file"; cat "$work/forwarded.err" >&2
fi

# 4. The same file by its host path: outside the sandbox, must not open.
if LANG=C.UTF-8 flatpak run --user "$app_id" --export-ninjs "$sample" > "$work/direct.json" 2> "$work/direct.err"; then
  fail "a host path outside the sandbox opened"
elif grep -q 'portal-sample.txt' "$work/direct.err"; then
  ok "a host path outside the sandbox does not open: $(head -n1 "$work/direct.err")"
else
  fail "refused, but the message does not name the file: $(cat "$work/direct.err")"
fi

# Leave no document-portal mount behind.
fusermount3 -u "$XDG_RUNTIME_DIR/doc" 2>/dev/null || fusermount -u "$XDG_RUNTIME_DIR/doc" 2>/dev/null
exit $status
EOF
chmod +x "$work/smoke.sh"
if XDG_RUNTIME_DIR=$runtime_dir xvfb-run -a -s "-screen 0 1280x900x24" \
     dbus-run-session -- "$work/smoke.sh" "$app_id" "$sample" "$work" "$artifacts"; then
  ok "smoke runs"
else
  fail "smoke runs"
fi

step "done"
flatpak uninstall --user --noninteractive -y "$app_id" >/dev/null 2>&1 || true
rm -rf "$work"
echo "flatpak test took $((SECONDS - t0)) s; $failures failure(s)"
[ "$failures" -eq 0 ]
