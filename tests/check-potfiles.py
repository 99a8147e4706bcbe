#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a source file with translatable strings is missing from
po/POTFILES.in, or when POTFILES.in lists a file that does not exist.

Usage: check-potfiles.py SOURCE_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
potfiles = root / "po" / "POTFILES.in"

listed = set()
for line in potfiles.read_text(encoding="utf-8").splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        listed.add(line)

C_MARKS = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dngettext|ngettext)\s*\(')
UI_MARKS = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')

def has_strings(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    name = path.name
    if name.endswith((".c", ".h")):
        # Strip comments so that prose such as "use _() here" does not count.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        return C_MARKS.search(text) is not None
    if name.endswith((".ui", ".ui.in")):
        return UI_MARKS.search(text) is not None
    if name.endswith((".desktop.in", ".metainfo.xml.in", ".appdata.xml.in")):
        return True
    if name.endswith(".gschema.xml"):
        return "gettext-domain" in text and ("<summary>" in text or "<description>" in text)
    return False

errors = []
for sub in ("src", "data"):
    for path in sorted((root / sub).rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if has_strings(path) and rel not in listed:
            errors.append(f"{rel}: has translatable strings but is not in po/POTFILES.in")
for rel in sorted(listed):
    if not (root / rel).is_file():
        errors.append(f"po/POTFILES.in: {rel} does not exist")

for e in errors:
    print(e)
print(f"{len(listed)} files listed, {len(errors)} problem(s)")
sys.exit(1 if errors else 0)
