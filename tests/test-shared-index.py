#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One index for the whole office (issue 15), as TAP.

bulletin-reader --index ARCHIVE writes the search index and the listing
cache into ARCHIVE/.bulletin-reader/; a client (here the user nobody when
the test runs as root, which permissions do not stop) finds them beside
the archive, opens them read-only, and indexes only what is newer into its
own private index.  Checked, with the archive folder read-only and its
issue files unreadable (so that reading one shows up as an unreadable
issue or a missing result):

  summary      --index's summary line and exit status (0; 2 with an
               unreadable issue);
  no-read      the client's results equal a scan of the files, and an
               index of its own built with the shared one ignored
               (BULLETIN_SHARED_INDEX=0) gives the same; no issue file is
               read, by the search nor by the listing; the archive folder
               is left as it was (names, sizes, modification times);
  delta        one issue added and one changed after --index: the client
               finds the new one's hits (its private index) and the shared
               ones, no duplicates, not the changed issue's old text.

Usage: test-shared-index.py INDEX-WORKER BULLETIN-READER
"""

import os
import shutil
import subprocess
import sys
import tempfile

WORKER, BULLETIN = sys.argv[1], sys.argv[2]


VOCABULARY = ["的", "在", "疫情", "防控", "社区", "志愿者", "发展", "發展", "国家", "國家",
              "经济", "經濟", "居民", "工作", "核酸", "服务", "企业", "COVID-19", "Shanghai",
              "，", "。", "麒麟", "饕餮", "疫", "国"]
QUERIES = ["疫情", "国家", "发展", "志愿者", "麒麟", "饕餮", "covid", "疫"]

n_test = 0
failures = 0


def ok(passed, name, note=""):
    global n_test, failures
    n_test += 1
    if not passed:
        failures += 1
    print("%s %d - %s%s" % ("ok" if passed else "not ok", n_test, name, (" # " + note) if note else ""))
    sys.stdout.flush()


def diag(text):
    for line in str(text).splitlines():
        print("# " + line)
    sys.stdout.flush()


def write_issue(root, name, seed, extra=""):
    import random
    rand = random.Random(seed)
    paragraphs = []
    for p in range(rand.randint(2, 5)):
        words = [VOCABULARY[min(int(rand.random() ** 2 * len(VOCABULARY)), len(VOCABULARY) - 1)]
                 for _ in range(4 if p == 0 else rand.randint(10, 40))]
        paragraphs.append("".join(words))
    with open(os.path.join(root, name), "w") as f:
        f.write("\n\n".join(paragraphs) + extra + "\n")


def issue_name(i):
    return "%04d-%02d-%02d.txt" % (2000 + i // 300, 1 + i // 28 % 10, 1 + i % 28)


def run(args, env=None):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


AS_NOBODY = os.geteuid() == 0 and shutil.which("runuser") is not None


def as_client(args, home, cache, **extra):
    """args run as the client: nobody when root (so that permissions hold)"""
    env = ["HOME=" + home, "XDG_CACHE_HOME=" + cache] + ["%s=%s" % kv for kv in extra.items()]
    if AS_NOBODY:
        return run(["runuser", "-u", "nobody", "--", "env"] + env + args)
    full = dict(os.environ)
    full.update(kv.split("=", 1) for kv in env)
    return run(args, env=full)


def snapshot(root):
    """every name under @root with its size and modification time"""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            st = os.lstat(os.path.join(dirpath, name))
            out.append((os.path.relpath(os.path.join(dirpath, name), root), st.st_size, st.st_mtime_ns))
    st = os.lstat(root)
    out.append((".", st.st_size, st.st_mtime_ns))
    return sorted(out)


def results(text):
    """(query, issue, article, hits, offsets) lines, and the unreadable counts"""
    lines = [l for l in text.splitlines() if l and not l.startswith("scanned")]
    hits = sorted(l for l in lines if not l.startswith("unreadable"))
    unreadable = sum(int(l.split("\t")[2]) for l in lines if l.startswith("unreadable"))
    return hits, unreadable


def lock_down(root, readable=()):
    """the archive folder read-only, its issue files unreadable but @readable"""
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if os.path.isfile(path):
            os.chmod(path, 0o644 if name in readable else 0o000)
    os.chmod(os.path.join(root, ".bulletin-reader"), 0o555)
    os.chmod(root, 0o555)


def open_up(root):
    os.chmod(root, 0o755)
    os.chmod(os.path.join(root, ".bulletin-reader"), 0o755)
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if os.path.isfile(path):
            os.chmod(path, 0o644)


def main():
    tmp = tempfile.mkdtemp(prefix="bulletin-shared-index-")
    try:
        os.chmod(tmp, 0o755)
        root = os.path.join(tmp, "archive")
        home = os.path.join(tmp, "home")
        cache = os.path.join(home, "cache")
        os.makedirs(root)
        os.makedirs(cache)
        os.chmod(home, 0o777)
        os.chmod(cache, 0o777)
        for i in range(40):
            write_issue(root, issue_name(i), i + 1)
        if AS_NOBODY and run(["runuser", "-u", "nobody", "--", "test", "-x", WORKER]).returncode != 0:
            print("1..0 # SKIP nobody cannot run %s" % WORKER)
            return 0

        # --index: summary and exit status, an unreadable issue, then all
        env = dict(os.environ, BULLETIN_TEST_UNREADABLE=issue_name(3))
        p = run([BULLETIN, "--index", root], env=env)
        err = p.stderr.decode(errors="replace")
        diag(err.strip())
        ok(p.returncode == 2 and "39 issues indexed, 1 unreadable" in err and issue_name(3) in err,
           "--index: an unreadable issue is counted, named, and exit status 2", "exit %d" % p.returncode)
        p = run([BULLETIN, "--index", root])
        err = p.stderr.decode(errors="replace")
        diag(err.strip())
        shared = os.path.join(root, ".bulletin-reader")
        ok(p.returncode == 0 and "40 issues indexed, 0 unreadable" in err and
           os.path.isfile(os.path.join(shared, "index.sqlite")) and
           os.path.isfile(os.path.join(shared, "listing.cache")) and
           not os.path.exists(os.path.join(shared, "index.sqlite-wal")),
           "--index: summary, exit status 0, index and listing cache in ARCHIVE/.bulletin-reader/",
           "exit %d" % p.returncode)

        expected, _ = results(run([WORKER, "scan", root] + QUERIES).stdout.decode())
        own_db = os.path.join(tmp, "own.sqlite")
        run([WORKER, "update", root, own_db], env=dict(os.environ, BULLETIN_SHARED_INDEX="0"))
        own, _ = results(run([WORKER, "query", root, own_db] + QUERIES,
                             env=dict(os.environ, BULLETIN_SHARED_INDEX="0")).stdout.decode())
        ok(own == expected and len(expected) > 40, "a private index alone gives what a scan gives",
           "%d results" % len(expected))

        # the client, on a read-only archive whose files it cannot read
        lock_down(root)
        before = snapshot(root)
        db = os.path.join(cache, "client.sqlite")
        p = as_client([WORKER, "update", root, db], home, cache)
        q = as_client([WORKER, "query", root, db] + QUERIES, home, cache)
        got, unreadable = results(q.stdout.decode(errors="replace"))
        diag("client: update exit %d, query exit %d, %d results of %d, %d unreadable %s" %
             (p.returncode, q.returncode, len(got), len(expected), unreadable,
              (p.stderr + q.stderr).decode(errors="replace").strip()))
        ok(p.returncode == 0 and q.returncode == 0 and got == expected and unreadable == 0,
           "no-read: the client answers from the shared index without reading an issue file, "
           "as a private index does")
        s = as_client([BULLETIN, "--search", "疫情", root], home, cache, BULLETIN_SEARCH_INDEX=db)
        n_expected = len([l for l in expected if l.startswith("疫情\t")])
        ok(s.returncode == 0 and len(s.stdout.splitlines()) == n_expected,
           "no-read: --search as the client", "exit %d, %d of %d" % (s.returncode, len(s.stdout.splitlines()),
                                                                   n_expected))
        listing = as_client([WORKER, "list", root], home, cache).stdout.decode(errors="replace").splitlines()
        ok(len(listing) == 41 and listing[-1] == "read\t0" and "(null)" not in "".join(listing[:1]),
           "no-read: the listing comes from the shared listing cache", listing[-1] if listing else "none")
        ok(snapshot(root) == before, "no-read: the archive folder is left as it was")

        # one issue added, one changed after --index
        open_up(root)
        added, changed = issue_name(60), issue_name(5)
        write_issue(root, added, 999, "\n\n麒麟饕餮在社区")
        write_issue(root, changed, 1000, "\n\n志愿者")
        expected, _ = results(run([WORKER, "scan", root] + QUERIES).stdout.decode())
        lock_down(root, readable=(added, changed))
        before = snapshot(root)
        p = as_client([WORKER, "update", root, db], home, cache)
        q = as_client([WORKER, "query", root, db] + QUERIES, home, cache)
        got, unreadable = results(q.stdout.decode(errors="replace"))
        keys = [tuple(l.split("\t")[:3]) for l in got]
        diag("delta: %d results of %d, %d unreadable %s" %
             (len(got), len(expected), unreadable, (p.stderr + q.stderr).decode(errors="replace").strip()))
        ok(any(("\t%s\t" % added) in l for l in got) and len(keys) == len(set(keys)),
           "delta: the added issue is found (private index), no duplicates")
        ok(got == expected and unreadable == 0,
           "delta: the shared and the private results together are a scan's (the changed issue's new text)")
        ok(snapshot(root) == before, "delta: the archive folder is left as it was")
        open_up(root)
    finally:
        for dirpath, dirnames, _ in os.walk(tmp):
            for d in dirnames:
                try:
                    os.chmod(os.path.join(dirpath, d), 0o755)
                except OSError:
                    pass
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n_test)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
