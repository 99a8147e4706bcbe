#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Exports every IPTC ninjs file (all versions, should_pass and should_fail,
and the examples) and the plain-text sample through
`bulletin-reader --export-ninjs`, validates each export against the ninjs
3.1 schema (draft 2020-12, GeoJSON $ref resolved offline), and reads each
export back to check that the article ids survive.  Speaks TAP.

Works with Debian 12's python3-jsonschema 4.10 (RefResolver) and with
newer releases (the `referencing` registry)."""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bulletin_test_utils import shared_missing  # noqa: E402

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
# RFC 3986 URI (absolute), for when rfc3987 is not installed
URI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*:"
    r"(//(([A-Za-z0-9._~!$&'()*+,;=:-]|%[0-9A-Fa-f]{2})*@)?"
    r"(\[[0-9A-Fa-f:.A-Za-z._~!$&'()*+,;=-]*\]|([A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)"
    r"(:\d*)?)?"
    r"([A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*"
    r"(\?([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?"
    r"(#([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$")


def make_format_checker():
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time")
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            return False
        month, day = int(value[5:7]), int(value[8:10])
        hour, minute, second = int(value[11:13]), int(value[14:16]), int(value[17:19])
        return 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61

    @checker.checks("uri")
    def is_uri(value):
        if not isinstance(value, str):
            return True
        if not URI.match(value):
            return False
        try:
            import rfc3987
        except ImportError:
            return True
        return rfc3987.match(value, rule="URI") is not None

    return checker


def make_validator(schema_path, geojson_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(geojson_path, encoding="utf-8") as f:
        geojson = json.load(f)
    checker = make_format_checker()
    cls = jsonschema.Draft202012Validator
    try:
        import referencing
        import referencing.jsonschema

        resource = referencing.Resource.from_contents(
            geojson, default_specification=referencing.jsonschema.DRAFT202012)
        registry = referencing.Registry().with_resources(
            [(geojson["$id"], resource), (geojson["$id"] + "#", resource)])
        return cls(schema, registry=registry, format_checker=checker)
    except ImportError:
        store = {geojson["$id"]: geojson, geojson["$id"] + "#": geojson}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver, format_checker=checker)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, detail=None):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}")
        if not ok:
            self.failed += 1
            for line in (detail or "").splitlines():
                print(f"# {line}")
        sys.stdout.flush()


CACHE = tempfile.TemporaryDirectory()


def export(binary, paths):
    # the archive's metadata cache goes to a folder of our own
    proc = subprocess.run([binary, "--export-ninjs", *paths], capture_output=True,
                          timeout=120, env=dict(os.environ, LC_ALL="C.UTF-8",
                                                XDG_CACHE_HOME=CACHE.name))
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")


def composites_of(document):
    return document if isinstance(document, list) else [document]


def article_ids(document):
    return [a["uri"] for c in composites_of(document) for a in c.get("associations", [])]


class Exporter:
    """Exports and validates; keeps each valid export to read them all back
    at the end in one run (an archive folder of the exports)."""

    def __init__(self, tap, validator, binary, tmpdir):
        self.tap = tap
        self.validator = validator
        self.binary = binary
        self.tmpdir = tmpdir
        self.kept = []  # (name, ids of each composite)

    def check(self, name, paths, must_pass, result=None):
        tap = self.tap
        rc, out, err = result if result is not None else export(self.binary, paths)
        if rc != 0:
            tap.result(not must_pass and bool(err.strip()),
                       f"{name}: refused", f"exit {rc}\n{err}")
            return None
        if must_pass and "warning" in err:
            tap.result(False, f"{name}: no warnings", err)
        try:
            document = json.loads(out)
        except ValueError as e:
            tap.result(False, f"{name}: export is JSON", str(e))
            return None
        problems = []
        for composite in composites_of(document):
            for error in self.validator.iter_errors(composite):
                problems.append(f"{list(error.absolute_path)}: {error.message}")
        tap.result(not problems, f"{name}: export valid ninjs 3.1", "\n".join(problems[:10]))
        for composite in composites_of(document):
            path = os.path.join(self.tmpdir, f"{len(self.kept):05d}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(composite, f, ensure_ascii=False)
            self.kept.append((name, article_ids(composite)))
        return document

    def check_round_trip(self):
        """Reading the exports back keeps the article ids.  Each export is
        its own PATH, so its own archive: one archive of them all would
        tell apart the uris that IPTC's samples share."""
        paths = [os.path.join(self.tmpdir, f"{i:05d}.json") for i in range(len(self.kept))]
        rc, out, err = export(self.binary, paths)
        if rc != 0:
            self.tap.result(False, "the exports read back", err)
            return
        again = composites_of(json.loads(out))
        self.tap.result(len(again) == len(self.kept), "every export reads back as one issue",
                        f"{len(again)} != {len(self.kept)}")
        for (name, ids), composite in zip(self.kept, again):
            ids2 = article_ids(composite)
            self.tap.result(ids == ids2 and len(ids) > 0, f"{name}: ids survive a round trip",
                            f"{ids}\n{ids2}")


def check_archive_with_errors(tap, validator, binary):
    """An archive of every layout with one unreadable entry: the others
    are written, the bad one is named, the exit status is 1."""
    with tempfile.TemporaryDirectory() as archive:
        def write(name, text):
            path = os.path.join(archive, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)

        write("2022-01-01.json", json.dumps({
            "uri": "urn:test:issue:1", "type": "composite",
            "headlines": [{"value": "第1期"}],
            "associations": [{"name": "a", "uri": "urn:test:a", "type": "text",
                              "headlines": [{"value": "甲"}]}]}, ensure_ascii=False))
        write("2022-01-08.json", '{"uri": "urn:test:bad",\n "headline": "x",\n}')
        write("2022-01-15.txt", "标题\n\n正文第一段。\n")
        write("2022-01-22/issue.json", '{"uri": "urn:test:issue:4", "type": "composite",'
                                       ' "headline": "第4期"}')
        write("2022-01-22/01.json", '{"uri": "urn:test:d1", "headline": "一"}')
        write("2022-01-22/02.json", '{"uri": "urn:test:d2", "headline": "二"}')
        write(".hidden.json", "not even JSON")
        write("notes.md", "not an issue")

        rc, out, err = export(binary, [archive])
        tap.result(rc == 2 and "2022-01-08.json" in err and "line 2" in err,
                   "an unreadable entry is named with its line, exit status 2 (an error, as grep)",
                   f"exit {rc}\n{err}")
        try:
            document = json.loads(out)
        except ValueError as e:
            tap.result(False, "the readable entries are still written", str(e))
            return
        ids = [article_ids(c) for c in composites_of(document)]
        tap.result(isinstance(document, list) and len(document) == 3 and
                   ids[0] == ["urn:test:d1", "urn:test:d2"] and ids[2] == ["urn:test:a"],
                   "the readable entries are still written, newest first", json.dumps(ids))
        problems = [e.message for c in composites_of(document) for e in validator.iter_errors(c)]
        tap.result(not problems, "an archive of every layout exports valid ninjs 3.1",
                   "\n".join(problems[:10]))

    rc, _out, err = export(binary, [os.path.join(archive, "missing.json")])
    tap.result(rc != 0 and "missing.json" in err, "a missing path is named, exit status non-zero",
               err)


def is_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            json.load(f)
        return True
    except ValueError:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulletin", required=True, help="the bulletin-reader binary")
    parser.add_argument("--shared", required=True, help="the shared test data folder")
    args = parser.parse_args()

    ninjs = os.path.join(args.shared, "ninjs")
    schema = os.path.join(ninjs, "schema", "ninjs-schema_3.1.json")
    geojson = os.path.join(ninjs, "test_suite", "GeoJSON-schema.json")
    if not os.path.exists(schema) or not os.path.exists(geojson):
        return shared_missing(f"no IPTC ninjs data in {ninjs}")

    validator = make_validator(schema, geojson)
    tap = Tap()
    tmpdir = tempfile.TemporaryDirectory()
    exporter = Exporter(tap, validator, args.bulletin, tmpdir.name)

    files = []
    for folder in ("test_suite", "examples"):
        for root, _dirs, names in os.walk(os.path.join(ninjs, folder)):
            for n in names:
                if n.endswith(".json") and n != "GeoJSON-schema.json":
                    files.append(os.path.join(root, n))
    files.sort()

    # the exports run two at a time; the results are checked in order
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda path: export(args.bulletin, [path]), files))

    for path, result in zip(files, results):
        rel = os.path.relpath(path, ninjs)
        must_pass = "should_fail" not in rel and "not-valid" not in rel
        if not must_pass and not is_json(path):
            # not JSON: refused, naming the file and the line
            rc, _out, err = result
            ok = (rc != 0 and os.path.basename(path) in err and
                  re.search(r"line \d+", err) is not None)
            tap.result(ok, f"{rel}: refused with file and line", err)
            continue
        exporter.check(rel, [path], must_pass, result)

    # a whole folder as an archive: an array of composites
    folder = os.path.join(ninjs, "examples", "3.1")
    document = exporter.check("examples/3.1 as an archive", [folder], True)
    if document is not None:
        tap.result(isinstance(document, list) and len(document) == len(os.listdir(folder)),
                   "an archive exports one composite per entry")
        ids = article_ids(document)
        tap.result(len(ids) == len(set(ids)),
                   "uris that two items of an archive share are told apart", json.dumps(ids))

    sample = os.path.join(args.shared, "samples", "000_1b466bc7855b1717.txt")
    if os.path.exists(sample):
        exporter.check("samples/000_1b466bc7855b1717.txt", [sample], True)

    check_archive_with_errors(tap, validator, args.bulletin)

    exporter.check_round_trip()
    tmpdir.cleanup()

    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
