#!/bin/sh
# Compares two search indexes table by table, for a change that must leave
# the index as it was (a faster build, say):
#   build-aux/compare-index.sh A/index.sqlite B/index.sqlite
# One line per table, "same" or "DIFFERENT": the articles, the issues, the
# meta values (less the time of the last integrity check) and the postings
# in segment order (the segments' ids and levels may differ when merges
# happen otherwise; after a complete update there is one segment).
# Exit status 1 when any table differs.  Needs the sqlite3 command (the
# Debian package sqlite3).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 A.sqlite B.sqlite" >&2; exit 2; }
status=0
# blobs as hex: the sqlite3 command prints a blob only up to its first 0
for q in "SELECT id, issue, article_index, article_id, headline, hex (segs), text_len, hex (text),"\
" hex (sig), plain, crc, page, section FROM docs ORDER BY id" \
         "SELECT * FROM issues ORDER BY 1" \
         "SELECT key, hex (value) FROM meta WHERE key <> 'verified' ORDER BY key" \
         "SELECT term, hex (data) FROM postings ORDER BY seg, term" \
         "SELECT count (*) FROM segs"; do
  a=$(sqlite3 -readonly "$1" "$q" | sha256sum | cut -c1-16)
  b=$(sqlite3 -readonly "$2" "$q" | sha256sum | cut -c1-16)
  if [ "$a" = "$b" ]; then
    echo "same       $q"
  else
    echo "DIFFERENT  $q"
    status=1
  fi
done
exit $status
