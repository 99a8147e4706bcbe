#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GNOME Shell search provider, called on a session bus of its own as
the Shell calls it: the app is started by D-Bus activation (the service
file, pointing at the built binary), knows the archive it opened last from
GSettings (a keyfile backend in a private XDG_CONFIG_HOME) and answers
from that archive's index (built beforehand in a private XDG_CACHE_HOME); a
saved reading position in the archive (another article) does not win
over the result chosen.
GetInitialResultSet returns ids, GetResultMetas headlines and snippets,
ActivateResult makes the window show the article at its passage (checked
through a test-only interface, BULLETIN_TEST_DBUS=1), LaunchSearch opens
the archive search with the terms.

usage: test-search-provider.py BINARY INDEX_WORKER SCHEMA_DIR"""
import ast
import configparser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "data", "issue-2023-06-05.txt")
APP_ID = "io.github.bulletinreader.BulletinReader"


def read_ini():
    """The bus name and object path the Shell takes from the installed .ini"""
    parser = configparser.ConfigParser()
    parser.optionxform = str
    parser.read(os.path.join(HERE, "..", "data", APP_ID + ".search-provider.ini"), encoding="utf-8")
    section = parser["Shell Search Provider"]
    assert section["DesktopId"] == APP_ID + ".desktop" and section["Version"] == "2"
    return section["BusName"], section["ObjectPath"]


BUS_NAME, PATH = read_ini()
IFACE = "org.gnome.Shell.SearchProvider2"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}", flush=True)
        if not ok:
            self.failed += 1
            for line in str(detail).splitlines():
                print(f"# {line}", flush=True)
        return ok


def gdbus(method, *args, iface=IFACE, timeout=20):
    proc = subprocess.run(["gdbus", "call", "--session", "--dest", BUS_NAME, "--object-path", PATH,
                           "--timeout", str(timeout), "--method", f"{iface}.{method}", *args],
                          capture_output=True, text=True, timeout=timeout + 10)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip())
    return proc.stdout.strip()


def parse(out):
    """gdbus prints GVariant text: close enough to Python literals for
    strings, arrays, tuples and dicts of <variants>"""
    out = out.replace("@as ", "").replace("@aa{sv} ", "")
    out = out.replace("<", "").replace(">", "")
    return ast.literal_eval(out)


def inner():
    tap = Tap()
    try:
        ids = parse(gdbus("GetInitialResultSet", "['书法']"))[0]
        tap.check(len(ids) == 1, "GetInitialResultSet for a word returns an id", ids)
        none = parse(gdbus("GetInitialResultSet", "['没有这个词']"))[0]
        tap.check(none == [], "a word that is nowhere: no ids", none)
        both = parse(gdbus("GetSubsearchResultSet", repr(ids), "['书法', '报名']"))[0]
        tap.check(both == ids, "GetSubsearchResultSet narrows with every word", both)
        excluded = parse(gdbus("GetInitialResultSet", "['书法', '-报名']"))[0]
        tap.check(excluded == [], "the query syntax: -word excludes", excluded)
        many = parse(gdbus("GetInitialResultSet", "['村民']"))[0]
        tap.check(len(many) == 2, "a word in two articles: two ids", many)

        metas = parse(gdbus("GetResultMetas", repr(ids)))[0] if ids else []
        tap.check(len(metas) == 1 and metas[0].get("name") == "简讯"
                  and "书法" in metas[0].get("description", "") and metas[0].get("id") == ids[0],
                  "GetResultMetas gives the headline and a snippet", metas)

        if ids:
            gdbus("ActivateResult", ids[0], "['书法']", "0")
            shown = None
            end = time.monotonic() + 20
            while time.monotonic() < end:
                shown = parse(gdbus("GetShown", iface=f"{APP_ID}.Test"))
                if shown[1] == "简讯" and shown[2] == "1 of 1":
                    break
                time.sleep(0.2)
            tap.check(shown is not None and shown[1] == "简讯" and shown[2] == "1 of 1",
                      "ActivateResult shows the article, its hit found", shown)

        gdbus("LaunchSearch", "['义诊']", "0")
        shown = parse(gdbus("GetShown", iface=f"{APP_ID}.Test"))
        tap.check(shown[3] == "义诊", "LaunchSearch opens the archive search with the terms", shown)
    except Exception as e:  # noqa: BLE001 - reported as a failure
        tap.check(False, "calls on the bus", repr(e))
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--inner":
        sys.exit(inner())
    binary, worker, schema_dir = (os.path.abspath(a) for a in sys.argv[1:4])
    if not os.environ.get("DISPLAY") or not shutil.which("dbus-run-session") or not shutil.which("gdbus"):
        print("1..0 # SKIP needs DISPLAY, dbus-run-session and gdbus")
        return 0

    work = tempfile.mkdtemp(prefix="bulletin-provider-")
    try:
        archive = os.path.join(work, "archive")
        os.mkdir(archive)
        shutil.copy(SAMPLE, archive)
        services = os.path.join(work, "data", "dbus-1", "services")
        os.makedirs(services)
        with open(os.path.join(services, APP_ID + ".service"), "w") as f:
            f.write(f"[D-BUS Service]\nName={APP_ID}\nExec={binary} --gapplication-service\n")
        settings = os.path.join(work, "config", "glib-2.0", "settings")
        os.makedirs(settings)
        uri = "file://" + archive
        with open(os.path.join(settings, "keyfile"), "w") as f:
            f.write(f"[io/github/bulletinreader/BulletinReader]\nlast-archive='{uri}'\n")

        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"),
                   XDG_CONFIG_HOME=os.path.join(work, "config"),
                   XDG_DATA_HOME=os.path.join(work, "data"),
                   XDG_DATA_DIRS=os.path.join(work, "data") + ":/usr/share",
                   GSETTINGS_BACKEND="keyfile", GSETTINGS_SCHEMA_DIR=schema_dir,
                   BULLETIN_TEST_DBUS="1", LC_ALL="C.UTF-8", LANGUAGE="", GTK_A11Y="none",
                   NO_AT_BRIDGE="1")
        env.pop("BULLETIN_SEARCH_INDEX", None)
        subprocess.run([worker, "update", archive, "default"], env=env, check=True, timeout=60)

        # where the reader left off in this archive: the first article,
        # which opening the archive restores; the result must win
        found = subprocess.run([binary, "--search", "阅读点", archive], env=env, capture_output=True,
                               text=True, timeout=60)
        first = json.loads(found.stdout.splitlines()[0])["article"]
        annotations = os.path.join(work, "data", "bulletin-reader")
        os.makedirs(annotations)
        with open(os.path.join(annotations, "annotations.ini"), "w") as f:
            f.write("[Bulletin Reader]\nversion=1\n\n"
                    f"[Position {hashlib.sha256(uri.encode()).hexdigest()[:32]}]\n"
                    f"archive={uri}\narticle={first}\noffset=0\nmodified=2026-11-28T13:55:48.403949Z\n")
        proc = subprocess.run(["dbus-run-session", "--", sys.executable, os.path.abspath(__file__), "--inner"],
                              env=env, timeout=120)
        return proc.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
