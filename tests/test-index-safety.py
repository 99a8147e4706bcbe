#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The archive index under concurrency and faults (issue 12), as TAP.

Every case compares what the index answers with a scan of the files
(index-worker scan), which reads every issue and uses no index:

  concurrent   several processes (index-worker update, the real
               bulletin-reader --search, index-worker query) at once on one
               archive while issues are added, and from scratch;
  read-errors  issues that cannot be read while indexing, then readable
               again (chmod 000; as root, which permissions do not stop,
               the BULLETIN_TEST_UNREADABLE hook);
  full-disk    the index on a small tmpfs (root only, else SKIP);
  damage       random bytes written into the index's pages; a row's page
               or section changed (which SQLite's checks cannot see);
  read-only    a read-only cache folder, as the user nobody (root only);
  json-utf8    file names that are not UTF-8 in --search's JSON.

Usage: test-index-safety.py INDEX-WORKER BULLETIN-READER
"""

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile

WORKER, BULLETIN = sys.argv[1], sys.argv[2]

VOCABULARY = ["的", "在", "疫情", "防控", "社区", "志愿者", "发展", "發展", "国家", "國家",
              "经济", "經濟", "党组织", "居民", "工作", "核酸", "筛查", "服务", "企业", "哈哈",
              "COVID-19", "Shanghai", "abc", "123", "，", "。", "、", "！", "xylophone", "麒麟",
              "饕餮", "疫", "情", "国"]
QUERIES = ["疫情", "国家", "发展", "志愿者", "麒麟", "饕餮", "covid", "xylo", "社区 居民"]

n_test = 0
failures = 0


def ok(passed, name, note=""):
    global n_test, failures
    n_test += 1
    if not passed:
        failures += 1
    print("%s %d - %s%s" % ("ok" if passed else "not ok", n_test, name, (" # " + note) if note else ""))
    sys.stdout.flush()


def skip(name, why):
    global n_test
    n_test += 1
    print("ok %d - %s # SKIP %s" % (n_test, name, why))
    sys.stdout.flush()


def diag(text):
    for line in str(text).splitlines():
        print("# " + line)
    sys.stdout.flush()


def write_issue(root, name, seed):
    rand = random.Random(seed)
    paragraphs = []
    for p in range(rand.randint(2, 6)):
        words = []
        for _ in range(4 if p == 0 else rand.randint(10, 60)):
            x = rand.random()
            words.append(VOCABULARY[min(int(x * x * len(VOCABULARY)), len(VOCABULARY) - 1)])
            if rand.randint(0, 11) == 0:
                words.append(" ")
        paragraphs.append("".join(words))
    path = os.path.join(root, name) if isinstance(name, str) else os.path.join(os.fsencode(root), name)
    with open(path, "wb") as f:
        f.write(("\n\n".join(paragraphs) + "\n").encode())


def make_archive(root, first, count):
    for i in range(first, first + count):
        write_issue(root, "%04d-%02d-%02d.txt" % (2000 + i // 300, 1 + i // 28 % 10, 1 + i % 28), i + 1)


def new_archive(tmp, count):
    """An archive of @count issues in @tmp, and where its index goes"""
    root = os.path.join(tmp, "archive")
    os.makedirs(root)
    make_archive(root, 0, count)
    return root, os.path.join(tmp, "cache", "index.sqlite")


def run(args, env=None, check=True):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if check and p.returncode != 0:
        diag("%s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def scan(root, env=None):
    return run([WORKER, "scan", root] + QUERIES, env=env).stdout.decode(errors="replace")


def query(root, db, env=None):
    p = run([WORKER, "query", root, db] + QUERIES, env=env)
    return p.stdout.decode(errors="replace") if p.returncode == 0 else "error: " + p.stderr.decode(errors="replace")


def count_duplicates(text):
    lines = [l for l in text.splitlines() if not l.startswith("unreadable")]
    keys = [tuple(l.split("\t")[:3]) for l in lines]
    return len(keys) - len(set(keys)), len(lines)


def remove_index(db):
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        try:
            os.unlink(db + suffix)
        except FileNotFoundError:
            pass


def env_with(**kw):
    env = dict(os.environ)
    env.update(kw)
    return env


# concurrency ------------------------------------------------------------

def test_concurrent(tmp):
    root, db = new_archive(tmp, 60)
    env = env_with(BULLETIN_SEARCH_INDEX=db)
    trials = wrong = duplicates = 0

    def together():
        procs = [subprocess.Popen([WORKER, "update", root, db], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for _ in range(3)]
        procs += [subprocess.Popen([BULLETIN, "--search", q, root], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE) for q in ("疫情", "国家")]
        procs.append(subprocess.Popen([WORKER, "query", root, db] + QUERIES, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE))
        errors = []
        for p in procs:
            _, err = p.communicate()
            # an updater fails with 1, --search finds nothing with 1
            if p.returncode not in (0, 1) or (p.returncode != 0 and p.args[:2] == [WORKER, "update"]):
                errors.append("%s: exit %d: %s" % (" ".join(p.args[:2]), p.returncode, err.decode(errors="replace")))
        return errors

    # from scratch, several updaters at once
    for trial in range(5):
        remove_index(db)
        errors = together()
        expected, got = scan(root), query(root, db)
        dup, n = count_duplicates(got)
        trials += 1
        duplicates += dup
        if got != expected or errors:
            wrong += 1
            diag("from scratch, trial %d: %d duplicates of %d results; %s" % (trial, dup, n, errors))

    # adding issues to a complete index
    run([WORKER, "update", root, db])
    for trial in range(15):
        make_archive(root, 1000 + 40 * trial, 40)
        errors = together()
        expected, got = scan(root), query(root, db)
        dup, n = count_duplicates(got)
        trials += 1
        duplicates += dup
        if got != expected or errors:
            wrong += 1
            diag("adding, trial %d: %d duplicates of %d results; %s" % (trial, dup, n, errors))
    diag("concurrent: %d trials, %d wrong, %d duplicated results" % (trials, wrong, duplicates))
    ok(wrong == 0, "concurrent updaters and queries equal the scan", "%d/%d trials wrong" % (wrong, trials))


# read errors ------------------------------------------------------------

def test_read_errors(tmp):
    root, db = new_archive(tmp, 30)
    names = sorted(os.listdir(root))[5:8]
    env = env_with(BULLETIN_SEARCH_INDEX=db)
    as_root = os.geteuid() == 0

    if as_root:
        failing = env_with(BULLETIN_SEARCH_INDEX=db, BULLETIN_TEST_UNREADABLE=",".join(names))
    else:
        failing = env
        for n in names:
            os.chmod(os.path.join(root, n), 0)
    run([WORKER, "update", root, db], env=failing)
    got = query(root, db, env=failing)
    ok("unreadable\t疫情\t3" in got, "unreadable issues are listed with the results")
    p = run([BULLETIN, "--search", "疫情", root], env=failing, check=False)
    err = p.stderr.decode(errors="replace")
    ok(p.returncode != 0 and all(n in err for n in names),
       "--search says which issues were not searched and exits non-zero",
       "exit %d" % p.returncode)

    # readable again: the next update reads them
    if not as_root:
        for n in names:
            os.chmod(os.path.join(root, n), 0o644)
    p = run([BULLETIN, "--search", "疫情", root], env=env, check=False)
    expected = scan(root)
    got = query(root, db)
    ok(p.returncode == 0 and got == expected, "after the errors, the next search equals the scan",
       "exit %d" % p.returncode)
    n_expected = len([l for l in expected.splitlines() if l.startswith("疫情\t")])
    ok(len(p.stdout.decode().splitlines()) == n_expected, "--search prints every result again")


# full disk --------------------------------------------------------------

def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p.returncode == 0


def umount(path):
    subprocess.run(["umount", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def test_full_disk(tmp):
    root = os.path.join(tmp, "archive")
    disk = os.path.join(tmp, "disk")
    os.makedirs(root)
    make_archive(root, 0, 400)
    if not mount_tmpfs(disk, "3m"):
        skip("full disk: indexing stops at the reserve", "needs root and mount -t tmpfs")
        skip("full disk: a disk that fills", "needs root and mount -t tmpfs")
        return
    try:
        db = os.path.join(disk, "cache", "index.sqlite")
        # the reserve: all but 256 KiB of the free space
        reserve = free_bytes(disk) - 256 * 1024
        env = env_with(BULLETIN_SEARCH_INDEX=db, BULLETIN_INDEX_RESERVE=str(reserve))
        p = run([WORKER, "update", root, db], env=env, check=False)
        err = p.stderr.decode(errors="replace")
        diag("update: exit %d: %s" % (p.returncode, err.strip()))
        left = free_bytes(disk)
        diag("free after indexing: %d bytes, reserve %d" % (left, reserve))
        # one batch of issues may go beyond the check before it
        ok(p.returncode != 0 and "Indexing stopped" in err and left >= reserve - 512 * 1024,
           "full disk: indexing stops at the reserve, with a message")
        # the key files' share of the disk is there
        with open(os.path.join(disk, "annotations.ini"), "wb") as f:
            f.write(b"x" * (reserve // 2))
        os.unlink(os.path.join(disk, "annotations.ini"))
        expected = scan(root)
        ok(query(root, db, env=env) == expected, "full disk: queries read the files, and equal the scan")
        p = run([BULLETIN, "--search", "疫情", root], env=env, check=False)
        n_expected = len([l for l in expected.splitlines() if l.startswith("疫情\t")])
        ok(len(p.stdout.decode().splitlines()) == n_expected and n_expected > 0 and p.returncode == 0,
           "full disk: --search finds every result, with exit status 0", "%d of %d, exit %d" %
           (len(p.stdout.decode().splitlines()), n_expected, p.returncode))

        # no reserve: the disk itself fills (SQLite's "database or disk is full")
        remove_index(db)
        env = env_with(BULLETIN_SEARCH_INDEX=db, BULLETIN_INDEX_RESERVE="0")
        filler = os.path.join(disk, "filler")
        with open(filler, "wb") as f:
            f.write(b"x" * (free_bytes(disk) - 200 * 1024))
        p = run([WORKER, "update", root, db], env=env, check=False)
        err = p.stderr.decode(errors="replace")
        diag("update without reserve: exit %d: %s" % (p.returncode, err.strip()))
        ok(p.returncode != 0 and "full" in err and "not an error" not in err and "rollback" not in err
           and query(root, db, env=env) == expected,
           "full disk: a disk that fills stops indexing with a message; queries equal the scan")
    finally:
        umount(disk)


# damage -----------------------------------------------------------------

def test_damage(tmp):
    root, db = new_archive(tmp, 80)
    expected = scan(root)
    rand = random.Random(12)
    trials, silent_before, wrong_after = 40, 0, 0
    for trial in range(trials):
        remove_index(db)
        run([WORKER, "update", root, db])
        size = os.path.getsize(db)
        with open(db, "r+b") as f:
            for _ in range(6):
                # past the header, inside the pages
                offset = rand.randrange(16384, size - 64)
                f.seek(offset)
                f.write(bytes(rand.randrange(256) for _ in range(rand.randint(1, 48))))
        before = query(root, db)
        if before != expected:
            silent_before += 1
        run([WORKER, "update", root, db], check=False)
        after = query(root, db)
        if after != expected:
            wrong_after += 1
            diag("trial %d: after the update, the results still differ from the scan" % trial)
    diag("damage: %d trials, %d differed before the next update, %d after it" %
         (trials, silent_before, wrong_after))
    ok(silent_before == 0, "damaged pages: queries before the next update equal the scan",
       "%d/%d wrong" % (silent_before, trials))
    ok(wrong_after == 0, "damaged pages are found and rebuilt", "%d/%d wrong after" % (wrong_after, trials))


def test_damage_filters(tmp):
    """A row's page or section changed behind the index's back (a valid
    row, so SQLite's own checks pass) is found by the row checksum when
    the index is verified, and the index is built again."""
    root, db = new_archive(tmp, 6)
    for column in ("page", "section"):
        remove_index(db)
        run([WORKER, "update", root, db])
        con = sqlite3.connect(db)
        rowid, value = con.execute("SELECT id, %s FROM docs ORDER BY id LIMIT 1" % column).fetchone()
        con.execute("UPDATE docs SET %s = ? WHERE id = ?" % column, ("damaged", rowid))
        con.commit()
        con.close()
        # the index file changed since the last clean close: the next
        # update verifies it
        p = run([WORKER, "update", root, db], check=False)
        err = p.stderr.decode(errors="replace")
        con = sqlite3.connect(db)
        rows = con.execute("SELECT %s FROM docs WHERE %s = 'damaged'" % (column, column)).fetchall()
        con.close()
        diag("%s damaged: exit %d, %s" % (column, p.returncode, err.strip() or "no message"))
        ok("checksum" in err and not rows, "damaged %s: found by the row checksum, index rebuilt" % column)



def test_damage_postings(tmp):
    """The postings changed behind the index's back (a byte of a list
    flipped, or a block removed: valid rows, so SQLite's own checks pass)
    are found when the index is verified, against the texts re-tokenized,
    and the index is built again; queries before that read the files."""
    root, db = new_archive(tmp, 40)
    expected = scan(root)
    for how in ("byte", "block"):
        remove_index(db)
        run([WORKER, "update", root, db])
        con = sqlite3.connect(db)
        rowid, data = con.execute("SELECT rowid, data FROM postings ORDER BY length(data) DESC LIMIT 1").fetchone()
        if how == "byte":
            data = bytearray(data)
            data[len(data) // 2] ^= 0x01
            con.execute("UPDATE postings SET data = ? WHERE rowid = ?", (bytes(data), rowid))
        else:
            con.execute("DELETE FROM postings WHERE rowid = ?", (rowid,))
        con.commit()
        con.close()
        before = query(root, db)
        p = run([WORKER, "update", root, db], check=False)
        err = p.stderr.decode(errors="replace")
        after = query(root, db)
        diag("postings damaged (%s): exit %d, %s" % (how, p.returncode, err.strip() or "no message"))
        ok(before == expected, "damaged postings (%s): queries before the update equal the scan" % how)
        ok("postings" in err and after == expected, "damaged postings (%s): found by the check, index rebuilt" % how)


def fnv(h, data):
    for b in len(data).to_bytes(8, "little") + data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def row_checksum(values):
    """A row's checksum as the index computes it (crc_of_columns ())"""
    h = 0xcbf29ce484222325
    for v in values:
        if v is None:
            h = fnv(h, b"\377NULL")
        elif isinstance(v, int):
            h = fnv(h, v.to_bytes(8, "little", signed=True))
        elif isinstance(v, str):
            h = fnv(h, v.encode())
        else:
            h = fnv(h, bytes(v))
    return h - (1 << 64) if h >= 1 << 63 else h


def test_damage_signature(tmp):
    """A healthy index passes the check of every article's signature
    against its text, and is kept; a signature that lacks a triple of its
    text (its row checksum made again, so that no other check sees it,
    and queries would lose results) is found by that check, and the index
    is built again."""
    root, db = new_archive(tmp, 40)
    expected = scan(root)
    run([WORKER, "update", root, db])
    columns = "issue, article_index, article_id, headline, segs, text_len, text, sig, plain, page, section"

    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'verified'")
    con.commit()
    row = con.execute("SELECT id, crc, %s FROM docs ORDER BY length(sig) DESC LIMIT 1" % columns).fetchone()
    con.close()
    ok(row is not None and row[1] == row_checksum(row[2:]) and len(row[9]) > 0,
       "the articles have signatures, and their checksums are computed here as the index does")
    # changed since its writer left it: the next update checks it
    p = run([WORKER, "update", root, db], check=False)
    err = p.stderr.decode(errors="replace")
    con = sqlite3.connect(db)
    verified = con.execute("SELECT value FROM meta WHERE key = 'verified'").fetchone()[0]
    con.close()
    diag("healthy: exit %d, %s; verified %s" % (p.returncode, err.strip() or "no message", verified))
    ok(p.returncode == 0 and "damaged" not in err and str(verified) != "0",
       "a healthy index passes the check of its signatures and is kept")

    values = list(row[2:])
    sig = bytearray(values[7])
    bit = next(i for i in range(len(sig) * 8) if sig[i // 8] & (1 << (i % 8)))
    sig[bit // 8] &= ~(1 << (bit % 8))
    values[7] = bytes(sig)
    con = sqlite3.connect(db)
    con.execute("UPDATE docs SET sig = ?, crc = ? WHERE id = ?", (values[7], row_checksum(values), row[0]))
    con.commit()
    con.close()
    p = run([WORKER, "update", root, db], check=False)
    err = p.stderr.decode(errors="replace")
    after = query(root, db)
    diag("signature damaged: exit %d, %s" % (p.returncode, err.strip() or "no message"))
    ok("signature" in err and after == expected, "a signature that lacks a triple of its text is found, index rebuilt")


def test_damage_chars(tmp):
    """The texts' character table in meta changed behind the index's back
    (a character for another of the same length, which leaves it valid
    UTF-8 and the texts' lengths the same) is found by its checksum: the
    queries read the files until the next update builds the index again."""
    root, db = new_archive(tmp, 20)
    expected = scan(root)
    run([WORKER, "update", root, db])
    con = sqlite3.connect(db)
    chars = bytearray(con.execute("SELECT value FROM meta WHERE key = 'chars'").fetchone()[0])
    first = chars[:8].decode(errors="ignore")[0]
    chars[len(first.encode()) - 1] ^= 0x01
    con.execute("UPDATE meta SET value = ? WHERE key = 'chars'", (bytes(chars),))
    con.commit()
    con.close()
    before = query(root, db)
    p = run([WORKER, "update", root, db], check=False)
    err = p.stderr.decode(errors="replace")
    after = query(root, db)
    diag("character table damaged: exit %d, %s" % (p.returncode, err.strip() or "no message"))
    ok(before == expected, "damaged character table: queries before the update equal the scan")
    ok("character table" in err and after == expected, "damaged character table: found, index rebuilt")


# read-only cache folder -------------------------------------------------

def test_read_only(tmp):
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        skip("read-only cache folder", "needs root (to run the search as nobody)")
        return
    check = subprocess.run(["runuser", "-u", "nobody", "--", "test", "-x", BULLETIN])
    if check.returncode != 0:
        skip("read-only cache folder", "nobody cannot run %s" % BULLETIN)
        return
    os.chmod(tmp, 0o755)
    root = os.path.join(tmp, "archive")
    cache = os.path.join(tmp, "cache")
    db = os.path.join(cache, "index.sqlite")
    os.makedirs(root)
    make_archive(root, 0, 30)
    run([WORKER, "update", root, db])
    for name in os.listdir(cache):
        os.chmod(os.path.join(cache, name), 0o444)
    os.chmod(cache, 0o555)
    digest = hashlib.sha256(open(db, "rb").read()).hexdigest()
    home = os.path.join(tmp, "home")
    os.makedirs(home)
    os.chmod(home, 0o777)
    # an issue that the search cannot read (the hook): found all the
    # same when the index is used, missing when the files are read
    expected = scan(root)
    lines = [l for l in expected.splitlines() if l.startswith("疫情\t")]
    hidden = lines[0].split("\t")[1]
    p = subprocess.run(["runuser", "-u", "nobody", "--", "env", "HOME=" + home, "XDG_CACHE_HOME=" + cache,
                        "BULLETIN_SEARCH_INDEX=" + db, "BULLETIN_TEST_UNREADABLE=" + hidden,
                        BULLETIN, "--search", "疫情", root], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode(errors="replace")
    diag("as nobody: exit %d, %d results of %d: %s" % (p.returncode, len(p.stdout.splitlines()), len(lines),
                                                        err.strip()))
    ok(os.path.exists(db) and hashlib.sha256(open(db, "rb").read()).hexdigest() == digest,
       "read-only cache folder: the index is left as it is")
    ok("damaged" not in err and "rollback" not in err and "not an error" not in err,
       "read-only cache folder: no misleading message")
    ok(len(p.stdout.splitlines()) == len(lines) and hidden.encode() in p.stdout,
       "read-only cache folder: the index is used")


# JSON -------------------------------------------------------------------

def test_json_utf8(tmp):
    root = os.path.join(tmp, "archive")
    os.makedirs(root)
    make_archive(root, 0, 5)
    bad = b"2021-01-0\xff\xfe.txt"
    with open(os.path.join(os.fsencode(root), bad), "wb") as f:
        f.write("麒麟之年\n\n麒麟来了，疫情过去。\n".encode())
    env = env_with(BULLETIN_SEARCH_INDEX=os.path.join(tmp, "none", "index.sqlite"))
    p = run([BULLETIN, "--search", "麒麟", root], env=env, check=False)
    parsed, found = 0, False
    try:
        for line in p.stdout.splitlines():
            item = json.loads(line.decode("utf-8", errors="strict"))
            parsed += 1
            found = found or "2021-01-0" in item.get("issue", "")
    except (UnicodeDecodeError, ValueError) as e:
        diag("not JSON in UTF-8: %s" % e)
        parsed = -1
    ok(parsed > 0 and found, "--search JSON is valid UTF-8 for a file name that is not",
       "%d lines parsed" % parsed)


def test_rebuilt_empty(tmp):
    """An index file of no bytes (a crash while it was created) is rebuilt
    as a new one is made: 64 KiB pages and free pages given back to the
    file system (incremental auto_vacuum), not SQLite's defaults."""
    root = os.path.join(tmp, "archive")
    db = os.path.join(tmp, "cache", "index.sqlite")
    os.makedirs(root)
    os.makedirs(os.path.dirname(db))
    make_archive(root, 0, 40)
    run([WORKER, "update", root, db])
    with sqlite3.connect(db) as c:
        made = (c.execute("PRAGMA page_size").fetchone()[0], c.execute("PRAGMA auto_vacuum").fetchone()[0])
    remove_index(db)
    open(db, "wb").close()
    run([WORKER, "update", root, db])
    with sqlite3.connect(db) as c:
        rebuilt = (c.execute("PRAGMA page_size").fetchone()[0], c.execute("PRAGMA auto_vacuum").fetchone()[0])
    diag("page size and auto_vacuum: %r made, %r rebuilt from an empty file" % (made, rebuilt))
    ok(made == (65536, 2) and rebuilt == made, "an index rebuilt from an empty file has the pages of a new one")
    ok(query(root, db) == scan(root), "the rebuilt index answers as the scan")


def main():
    cases = [test_concurrent, test_read_errors, test_full_disk, test_damage, test_damage_filters, test_damage_postings,
             test_damage_signature, test_damage_chars,
             test_read_only,
             test_json_utf8, test_rebuilt_empty]
    only = os.environ.get("INDEX_SAFETY_ONLY")
    for case in cases:
        if only and only not in case.__name__:
            continue
        tmp = tempfile.mkdtemp(prefix="bulletin-index-safety-")
        try:
            case(tmp)
        except Exception as e:  # a case that breaks fails, the others still run
            ok(False, case.__name__, "exception: %r" % e)
        finally:
            subprocess.run(["umount", os.path.join(tmp, "disk")], stderr=subprocess.DEVNULL)
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
