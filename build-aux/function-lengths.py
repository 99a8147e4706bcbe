#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lists the C functions of the given files or folders by length, longest
first: from the line with the function's name to its closing brace.

It reads the house style (GNU: the name at the start of a line, the
braces of a function body alone at the start of theirs), not C in
general.

Usage: build-aux/function-lengths.py [--over N] PATH...
  --over N   list only functions longer than N lines, and exit 1 if any
"""
import os
import re
import sys

NAME = re.compile(r'^([A-Za-z_]\w*)\s*\(')


def functions(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    found = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == '{':
            name, start = None, i
            for j in range(i - 1, max(i - 30, -1), -1):
                m = NAME.match(lines[j])
                if m:
                    name, start = m.group(1), j
                    break
                if lines[j].strip() == '' or lines[j].startswith('}'):
                    break
            k = i + 1
            while k < len(lines) and lines[k].rstrip() != '}' and not lines[k].startswith('};'):
                k += 1
            if name:
                found.append((k - start + 1, path, start + 1, name))
            i = k
        i += 1
    return found


def main(argv):
    over = None
    if len(argv) >= 2 and argv[0] == '--over':
        over = int(argv[1])
        argv = argv[2:]
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    found = []
    for root in argv:
        if os.path.isfile(root):
            found += functions(root)
            continue
        for folder, _, names in sorted(os.walk(root)):
            for name in sorted(names):
                if name.endswith('.c'):
                    found += functions(os.path.join(folder, name))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    listed = [f for f in found if over is None or f[0] > over]
    for n, path, line, name in listed:
        print(f'{n:5d} {path}:{line} {name}')
    return 1 if over is not None and listed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
