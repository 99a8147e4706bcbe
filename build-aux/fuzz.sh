#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets in fuzz/ with clang (fuzzer, ASan, UBSan)
# straight from the core sources, seeds a corpus from the shared samples
# and tests/data at run time, and runs each target for FUZZ_SECONDS
# (default 60) from seed FUZZ_SEED (default 1).  Fails on any crash, leak
# or sanitizer report; skips when clang is missing.  Usage: build-aux/fuzz.sh [TARGET...]
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_BUILD_DIR:-$src/build-fuzz}
shared=${BULLETIN_SHARED_DIR:-$src/../shared}
seconds=${FUZZ_SECONDS:-60}
# A fixed seed makes the suite's run the same on every machine: CI explores
# the first minute of what a long local run with this seed has already
# explored.  FUZZ_SEED=0 lets libFuzzer pick one (for exploratory runs).
seed=${FUZZ_SEED:-1}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-text-import fuzz-ninjs-reader fuzz-ninjs-skim fuzz-newsml)

if ! command -v clang >/dev/null; then
  echo "SKIP: clang is not installed, no fuzzing"
  exit 0
fi

mkdir -p "$out"
cat > "$out/config.h" <<'H'
#pragma once
#define APP_ID "io.github.bulletinreader.BulletinReader"
#define PACKAGE_NAME "Bulletin Reader"
#define PACKAGE_VERSION "fuzz"
#define GETTEXT_PACKAGE "bulletin-reader"
#define LOCALEDIR "/usr/share/locale"
#define RESOURCE_PREFIX "/io/github/bulletinreader/BulletinReader"
H

flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74
       -I"$out" -I"$src/src/core" -I"$src")
read -r -a pkg <<<"$(pkg-config --cflags --libs gio-2.0 json-glib-1.0 libxml-2.0 sqlite3 libzstd)"

status=0
for t in "${targets[@]}"; do
  echo "=== $t: building"
  clang "${flags[@]}" -o "$out/$t" "$src/fuzz/$t.c" "$src"/src/core/*.c "${pkg[@]}" -lm

  corpus="$out/corpus-$t"
  rm -rf "$corpus"; mkdir -p "$corpus"
  case "$t" in
    fuzz-text-import)
      cp "$src"/tests/data/*.txt "$corpus"/ 2>/dev/null || true
      if [ -d "$shared/samples" ]; then
        for f in "$shared"/samples/*.txt; do
          cp "$f" "$corpus/"
          # the same text in the legacy encodings and UTF-16
          iconv -f UTF-8 -t GB18030 "$f" > "$corpus/$(basename "$f").gb18030" 2>/dev/null || true
          { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$f"; } > "$corpus/$(basename "$f").utf16" 2>/dev/null || true
        done
      fi
      iconv -f UTF-8 -t BIG5 "$src/tests/data/text-traditional.txt" > "$corpus/traditional.big5" 2>/dev/null || true
      ;;
    fuzz-ninjs-reader|fuzz-ninjs-skim)
      if [ -d "$shared/ninjs" ]; then
        # no "| head": under pipefail, find killed by SIGPIPE would end
        # the script
        mapfile -t seeds < <(find "$shared/ninjs" -name '*.json' -size -256k | sort)
        for f in "${seeds[@]:0:200}"; do
          # named by content, not path: libFuzzer orders seeds of one size
          # by name, and the seed's run must not depend on where shared is
          cp "$f" "$corpus/$(md5sum < "$f" | cut -c1-12).json"
        done
      fi
      printf '{"uri":"x","headline":"标题","body_html":"<p>正文<b>一</b></p>"}' > "$corpus/min.json"
      printf '{"uri":"y","headline":"\\u6807\\u9898","body_text":"\\ud83d\\ude00 \\u00e9"}' > "$corpus/escapes.json"
      ;;
    fuzz-newsml)
      # our own small files, and IPTC's examples (a few KB each)
      find "$src/tests/data/newsml" -name '*.xml' -exec cp {} "$corpus"/ \;
      if [ -d "$shared/newsml-g2/examples" ]; then
        mapfile -t seeds < <(find "$shared/newsml-g2/examples" -name '*.xml' -size -64k | sort)
        for f in "${seeds[@]}"; do
          cp "$f" "$corpus/$(md5sum < "$f" | cut -c1-12).xml"
        done
      fi
      ;;
  esac

  echo "=== $t: running ${seconds}s on $(ls "$corpus" | wc -l) seeds"
  log="$out/$t.log"
  rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$out/$t" -seed="$seed" -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
       -artifact_prefix="$out/$t-" "$corpus" >"$log" 2>&1; then
    echo "$t: no crash with seed $seed ($(grep -c '^#' "$log" || true) status lines)"
  else
    echo "$t: FAILED with seed $seed, see $log"
    # the report and its stack, not ASan's shadow-byte map
    grep -m1 -A40 -E '^==[0-9]+==ERROR|runtime error|^ERROR: libFuzzer' "$log" \
      | grep -v -E '^ +0x[0-9a-f]+: |^Shadow' || tail -40 "$log"
    grep -E '^(MS:|artifact_prefix|SUMMARY)' "$log" || true
    # the input itself, so that a failure seen only in CI can be replayed
    for a in "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*; do
      [ -f "$a" ] && [ "$(stat -c %s "$a")" -le 8192 ] || continue
      echo "input ($(basename "$a"), base64):"
      base64 -w 76 "$a"
    done
    status=1
  fi
done
exit $status
