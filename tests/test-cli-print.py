#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""--export-pdf FILE and --export-image FILE of the built binary: one article
of PATH chosen with --article (its id or headline), --paper a4/a5/b5/letter,
a PDF that pdftotext reads back as the article's display text with the
running header, a PNG 1080 pixels wide, one-line errors with exit status 2.

Usage: test-cli-print.py BULLETIN-READER  (speaks TAP)
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "..", "data", "sample-archive", "2024-06-03")


def main():
    binary = os.path.abspath(sys.argv[1])
    if not shutil.which("pdftotext"):
        if os.environ.get("CI") == "true":
            print("1..1\nnot ok 1 pdftotext is not installed (poppler-utils; CI=true: it must be)")
            return 1
        print("1..0 # SKIP pdftotext is not installed (poppler-utils, build-aux/debian-packages.txt)")
        return 0
    work = tempfile.mkdtemp(prefix="bulletin-cli-print-")
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="", XDG_CACHE_HOME=os.path.join(work, "cache"))
    n = failed = 0

    def check(ok, name, detail=""):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} {name}")
        if not ok:
            failed += 1
            for line in str(detail).splitlines():
                print(f"# {line}")
        sys.stdout.flush()

    def run(*args):
        proc = subprocess.run([binary, *args], capture_output=True, timeout=60, env=env)
        return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")

    def strip(text):
        return "".join(c for c in text if not c.isspace())

    rc, out, err = run("--help")
    check("--export-pdf=FILE" in out and "--export-image=FILE" in out and "--article=ARTICLE" in out
          and "--paper=SIZE" in out, "--help lists the export options", out)

    rc, out, err = run("--display-text", FOLDER)
    articles = [json.loads(line) for line in out.splitlines()]
    hans = next(a for a in articles if a["article"].endswith("2024-06-03-1"))
    hant = next(a for a in articles if a["article"].endswith("2024-06-03-2"))

    # the dateline (青溪) runs into its paragraph, as on screen and paper
    check("\n青溪\u3000端午节临近" in hans["text"], "--display-text runs the dateline in", hans["text"][:80])

    # more than one article and no --article: one line, exit 2, nothing written
    pdf = os.path.join(work, "a.pdf")
    rc, out, err = run("--export-pdf", pdf, FOLDER)
    check(rc == 2 and len(err.splitlines()) == 1 and "--article" in err and not os.path.exists(pdf),
          "several articles want --article", f"{rc}\n{err}")

    # by id, on A5: the display text and the running header
    rc, out, err = run("--export-pdf", pdf, FOLDER, "--article", hans["article"], "--paper", "a5")
    check(rc == 0 and err == "", "--export-pdf by id exits 0", f"{rc}\n{err}")
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", pdf], capture_output=True).stdout.decode()
    check("419.528 x 595.276" in info and hans["headline"] in info, "A5, with the headline as title", info)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True).stdout.decode()
    body = strip(text)
    check(all(strip(line) in body for line in hans["text"].split("\n")),
          "pdftotext gives back every line of the display text", text)
    check("2024-06-03" in text, "the running header has the issue's date", text)

    # by headline, as an image: 1080 pixels wide
    png = os.path.join(work, "a.png")
    rc, out, err = run("--export-image", png, FOLDER, "--article", hant["headline"])
    check(rc == 0, "--export-image by headline exits 0", f"{rc}\n{err}")
    with open(png, "rb") as f:
        head = f.read(24)
    width, height = struct.unpack(">II", head[16:24])
    check(head[:8] == b"\x89PNG\r\n\x1a\n" and width == 1080 and height > 500,
          "a PNG 1080 pixels wide", f"{width} x {height}")

    # mistakes: one line each, exit 2
    rc, out, err = run("--export-pdf", pdf, FOLDER, "--article", hans["article"], "--paper", "a3")
    check(rc == 2 and len(err.splitlines()) == 1 and "a3" in err, "an unknown paper size", err)
    rc, out, err = run("--export-pdf", pdf, FOLDER, "--article", "nothing like it")
    check(rc == 2 and len(err.splitlines()) == 1 and "nothing like it" in err, "an unknown article", err)
    rc, out, err = run("--export-image", png, FOLDER, "--article", hans["article"], "--paper", "a4")
    check(rc == 2 and len(err.splitlines()) == 1, "--paper with --export-image", err)
    rc, out, err = run("--display-text", FOLDER, "--article", hans["article"])
    check(rc == 2 and len(err.splitlines()) == 1, "--article without an export", err)

    print(f"1..{n}")
    for name in os.listdir(work):
        path = os.path.join(work, name)
        if os.path.isfile(path):
            os.unlink(path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
