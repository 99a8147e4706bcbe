#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a translation in po/LINGUAS is below 100 % of the strings the
sources have now, or when msgfmt --check rejects it.

The template is extracted afresh from po/POTFILES.in (as meson's
bulletin-reader-pot target does), so a string added to the code without a
translation fails here before anyone regenerates the .pot.

Usage: check-translations.py SOURCE_ROOT
"""
import pathlib
import re
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1])
po_dir = root / "po"

# The keywords of meson's i18n 'glib' preset.
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
]

langs = [l for line in (po_dir / "LINGUAS").read_text().splitlines()
         for l in line.split("#")[0].split()]
if not langs:
    print("po/LINGUAS lists no language")
    sys.exit(1)

failures = 0
with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    files = [l.strip() for l in (po_dir / "POTFILES.in").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    (tmp / "files").write_text("\n".join(files) + "\n")
    pot = tmp / "bulletin-reader.pot"
    subprocess.run(["xgettext", "--package-name=bulletin-reader", *XGETTEXT_ARGS,
                    f"--directory={root}", f"--files-from={tmp / 'files'}", f"--output={pot}"],
                   check=True)

    for lang in langs:
        po = po_dir / f"{lang}.po"
        if not po.is_file():
            print(f"{lang}: po/{lang}.po is missing")
            failures += 1
            continue
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            print(f"{lang}: msgfmt --check fails:\n{check.stderr}")
            failures += 1
            continue
        merged = tmp / f"{lang}.po"
        subprocess.run(["msgmerge", "--quiet", "-o", str(merged), str(po), str(pot)], check=True)
        stats = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(merged)],
                               capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
        text = stats.stderr.strip()
        numbers = {kind: int(n) for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", text)}
        translated = numbers.get("translated", 0)
        total = translated + numbers.get("fuzzy", 0) + numbers.get("untranslated", 0)
        percent = 100.0 * translated / total if total else 0.0
        print(f"{lang}: {translated}/{total} ({percent:.1f} %)")
        if translated != total or stats.returncode != 0:
            failures += 1
            missing = []
            for which in ("--untranslated", "--only-fuzzy"):
                todo = subprocess.run(["msgattrib", "--no-wrap", which, "--no-obsolete", str(merged)],
                                      capture_output=True, text=True).stdout
                missing += re.findall(r'^msgid "(.+)"$', todo, flags=re.M)
            for m in missing[:20]:
                print(f"  not translated: {m}")

sys.exit(1 if failures else 0)
