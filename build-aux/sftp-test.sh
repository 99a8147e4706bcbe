#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A remote archive for real: an sftp archive on 127.0.0.1 through GVfs.
#
# Starts sshd on a free loopback port with a throwaway host key and a
# throwaway key for root (all in a temporary folder, nothing of the
# machine's own ssh setup is touched), mounts it with `gio mount` inside a
# private D-Bus session with gvfsd, and checks that
#
#   1. `bulletin-reader --search` over sftp:// finds what the local scan of
#      the same folder finds, symbolic links included (a link to
#      /etc/passwd is never read, a link to an issue is not found twice);
#   2. with the server stopped in the middle of indexing and started again,
#      the next search equals the local scan (read errors are not
#      remembered), and the interrupted search did not end with exit
#      status 0 and fewer results.
#
# Only loopback traffic.  Exit status 77 (skipped) with the reason when the
# tools are missing and cannot be installed.  About 20 s.
#
# Usage: build-aux/sftp-test.sh            (BUILD_DIR: the meson build, default build/)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build}
bin=$build/src/bulletin-reader
indexer=$build/tests/index-archive
issues=${SFTP_TEST_ISSUES:-400}

say () { echo "sftp-test: $*"; }
skip () { say "SKIP: $*"; exit 77; }

# --- the inner part: inside dbus-run-session, with the agent's key ---------
if [ "${1:-}" = --inner ]; then
  tmp=$2
  port=$(cat "$tmp/port")
  archive=$tmp/archive
  remote="sftp://root@127.0.0.1:$port$archive"
  failures=0
  check () {  # check NAME EXPECTED-FILE ACTUAL-FILE
    if diff <(sort "$2") <(sort "$3") > "$tmp/diff"; then
      say "ok: $1 ($(wc -l < "$3") results)"
    else
      say "FAIL: $1: differs from the local scan ($(wc -l < "$3") results against $(wc -l < "$2")):"
      { grep '^[<>]' "$tmp/diff" || true; } | cut -c 1-60 | sed -n 1,6p
      failures=$((failures + 1))
    fi
  }
  start_server () {
    /usr/sbin/sshd -D -e -f "$tmp/sshd_config" 2>> "$tmp/sshd.log" &
    echo $! > "$tmp/sshd.pid"
    for _ in $(seq 100); do
      python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && return 0
      sleep 0.1
    done
    say "FAIL: sshd did not start:"; cat "$tmp/sshd.log"; exit 1
  }
  kill_tree () {  # the server and the connections it forked, by process id
    local child
    for child in $(pgrep -P "$1" || true); do kill_tree "$child"; done
    kill -TERM "$1" 2>/dev/null || true
  }
  stop_server () {
    kill_tree "$(cat "$tmp/sshd.pid")"
    wait "$(cat "$tmp/sshd.pid")" 2>/dev/null || true
  }
  mount_remote () {
    gio mount -u "sftp://root@127.0.0.1:$port/" < /dev/null > /dev/null 2>&1 || true
    if ! timeout 30 gio mount "sftp://root@127.0.0.1:$port/" < /dev/null > "$tmp/mount.log" 2>&1; then
      say "FAIL: gio mount:"; cat "$tmp/mount.log"; exit 1
    fi
  }
  search () {  # search QUERY LOCATION [INDEX]: the JSON lines; status in $tmp/status
    local rc=0
    env XDG_CACHE_HOME="$tmp/cache" ${3:+BULLETIN_SEARCH_INDEX=$3} \
      timeout 60 "$bin" --search "$1" "$2" > "$tmp/out" 2> "$tmp/err" || rc=$?
    echo "$rc" > "$tmp/status"
    # the issue's URI names the archive's location (file:// or sftp://):
    # compared as the issue's path, which every result has too
    python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    d.pop("issue_uri", None)
    print(json.dumps(d, ensure_ascii=False, sort_keys=True))' < "$tmp/out"
  }

  start_server
  trap 'stop_server' EXIT
  mount_remote

  # the reference: the local folder scanned, then through its own index
  search 社区 "$archive" > "$tmp/local.json"
  [ -s "$tmp/local.json" ] || { say "FAIL: the local scan found nothing"; exit 1; }
  search root "$archive" > "$tmp/local-root.json"
  "$indexer" "$tmp/local.sqlite" "$archive" > /dev/null
  search 社区 "$archive" "$tmp/local.sqlite" > "$tmp/local-indexed.json"
  check "local index" "$tmp/local.json" "$tmp/local-indexed.json"

  # 1. over sftp, scanned (no index) and with links in the archive
  search 社区 "$remote" > "$tmp/remote.json"
  check "sftp scan" "$tmp/local.json" "$tmp/remote.json"
  search root "$remote" > "$tmp/remote-root.json"
  check "sftp scan, link to /etc/passwd not read" "$tmp/local-root.json" "$tmp/remote-root.json"

  # 2. indexing over sftp with the server stopped in the middle: the index
  #    starts empty (made from an empty folder), and the search fills it
  mkdir -p "$tmp/empty"
  "$indexer" "$tmp/remote.sqlite" "$tmp/empty" > /dev/null
  t0=$(date +%s%N)
  search 社区 "$remote" "$tmp/remote.sqlite" > "$tmp/interrupted.json" &
  searcher=$!
  # stop once the index has taken part of the archive (its write-ahead
  # log grows as batches are written), but well before the end
  for _ in $(seq 400); do
    size=$(stat -c %s "$tmp/remote.sqlite-wal" 2>/dev/null || echo 0)
    [ "$size" -gt 200000 ] && break
    kill -0 "$searcher" 2>/dev/null || break
    sleep 0.02
  done
  if ! kill -0 "$searcher" 2>/dev/null; then
    say "FAIL: the search ended before the server could be stopped (raise SFTP_TEST_ISSUES)"
    exit 1
  fi
  stop_server
  say "server stopped $(( ($(date +%s%N) - t0) / 1000000 )) ms into indexing"
  wait "$searcher" || true
  rc=$(cat "$tmp/status")
  say "the interrupted search: exit status $rc, $(wc -l < "$tmp/interrupted.json") results"
  { grep -v '^$' "$tmp/err" || true; } | sed -n 1,3p | sed 's/^/  stderr: /'
  if [ "$rc" = 0 ] && ! diff -q <(sort "$tmp/local.json") <(sort "$tmp/interrupted.json") > /dev/null; then
    say "FAIL: the interrupted search gave partial results with exit status 0"
    failures=$((failures + 1))
  fi

  start_server
  mount_remote
  search 社区 "$remote" "$tmp/remote.sqlite" > "$tmp/after.json"
  check "sftp index after the server came back" "$tmp/local.json" "$tmp/after.json"
  [ "$(cat "$tmp/status")" = 0 ] || { say "FAIL: exit status $(cat "$tmp/status")"; failures=$((failures + 1)); }
  search root "$remote" "$tmp/remote.sqlite" > "$tmp/after-root.json"
  check "sftp index, link to /etc/passwd not read" "$tmp/local-root.json" "$tmp/after-root.json"

  gio mount -u "sftp://root@127.0.0.1:$port/" < /dev/null > /dev/null 2>&1 || true
  [ "$failures" = 0 ] && say "passed" || say "$failures check(s) failed"
  exit $(( failures > 0 ))
fi

# --- the outer part: tools, keys, archive, agent ---------------------------
# sshd logs in as root with the test's key (and needs root for its own
# privilege separation)
[ "$(id -u)" = 0 ] || skip "needs root: sshd and the sftp login are root's"
tools=(/usr/sbin/sshd ssh ssh-keygen ssh-agent ssh-add gio dbus-run-session python3
       /usr/libexec/gvfsd /usr/libexec/gvfsd-sftp)
missing () {
  local t
  for t in "${tools[@]}"; do command -v "$t" > /dev/null || { echo "$t"; return 0; }; done
  return 1
}
if m=$(missing); then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    say "installing openssh-server, gvfs-backends ($m is missing)"
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
      openssh-server openssh-client gvfs gvfs-backends gvfs-daemons dbus > /dev/null 2>&1 ||
      skip "$m is missing and apt-get could not install openssh-server and gvfs-backends"
    m=$(missing) && skip "$m is still missing after installing the packages"
  else
    skip "$m is missing (Debian: openssh-server gvfs-backends), and installing needs root and apt-get"
  fi
fi
[ -x "$bin" ] && [ -x "$indexer" ] || skip "build first: $bin or $indexer is missing"

tmp=$(mktemp -d /tmp/bulletin-sftp-XXXXXX)
agent_pid=
cleanup () {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# the archive: text issues of a few KB, and links
mkdir -p "$tmp/archive"
python3 - "$tmp/archive" "$issues" <<'PY'
import os, random, sys
folder, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(12)
words = ["社区", "志愿者", "居民", "街道", "活动", "服务", "公园", "图书", "健康", "讲座"]
for i in range(n):
    day = f"20{10 + i // 336:02d}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
    paras = ["".join(rng.choice(words) for _ in range(rng.randint(60, 200))) + "。"
             for _ in range(rng.randint(4, 10))]
    with open(os.path.join(folder, f"{day}.txt"), "w", encoding="utf-8") as f:
        f.write(f"第{i + 1}期 {day}\n\n" + "\n\n".join(paras) + "\n")
PY
ln -s /etc/passwd "$tmp/archive/passwd.txt"
for first in "$tmp"/archive/20*.txt; do break; done
ln -s "${first##*/}" "$tmp/archive/again.txt"

# the server's keys and configuration: loopback only, root by key only
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/id"
cp "$tmp/id.pub" "$tmp/authorized_keys"
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' > "$tmp/port"
cat > "$tmp/sshd_config" <<EOF
Port $(cat "$tmp/port")
ListenAddress 127.0.0.1
HostKey $tmp/host_key
PidFile $tmp/sshd.pidfile
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
mkdir -p /run/sshd 2>/dev/null || true
/usr/sbin/sshd -t -f "$tmp/sshd_config" || skip "sshd refuses the test configuration"

# gvfsd-sftp runs ssh with the session's environment: the agent holds the
# key (ssh skips the host key check for a loopback address), and a runtime
# folder of our own lets the client reach gvfsd
eval "$(ssh-agent -a "$tmp/agent.sock" -s)" > /dev/null
agent_pid=$SSH_AGENT_PID
ssh-add -q "$tmp/id"
mkdir -m 700 "$tmp/run"

start=$(date +%s)
set +e
XDG_RUNTIME_DIR=$tmp/run timeout 170 dbus-run-session -- "$0" --inner "$tmp" 2> "$tmp/session.log"
rc=$?
set -e
say "$(( $(date +%s) - start )) s"
if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
  say "FAIL: exit status $rc; the session's messages:"
  grep -v -e 'dbus-daemon' -e 'RemoteVolumeMonitor' -e 'monitor says' "$tmp/session.log" | tail -n 20
  exit 1
fi
exit "$rc"
