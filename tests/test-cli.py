#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line of the built binary (docs/bulletin-reader.1): --help
lists every command, --version, errors of one line, grep's exit statuses
(0 found, 1 nothing matched, 2 an error), a file that cannot be read named
in one "path: reason" line and never as a GLib warning.

Usage: test-cli.py BULLETIN-READER  (speaks TAP)
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "data", "issue-2023-06-05.txt")


# A plain-text issue with page headers (第2版 社会, a section under 第3版,
# a date line with the page and section); 城南 once in every article, and
# {extra} more times in the last
PAGED_TEMPLATE = (
    "城南日报\n{date} 星期二 第123期 第1版\n\n"
    "春耕备耕正当时\n\n● 记者 王强\n\n"
    "本报讯 连日来，城南各镇抓住农时，组织农民开展春耕备耕，田间地头一派繁忙景象，各地农技人员深入一线指导农户科学\n"
    "- 1 -\n{h2}\n"
    "施肥、合理灌溉。\n\n"
    "夜市重开迎客来\n\n● 记者 赵一鸣\n\n"
    "本报讯 停业三个月的城南夜市昨晚重新开放，一百二十个摊位全部恢复营业。\n\n"
    "{h3}\n\n"
    "学生托管班开班\n\n● 记者 孙晓\n\n"
    "本报讯 城南区今年开设的暑期托管班昨日开班，首批接收学生四百余名。\n\n"
    "{h4}\n\n"
    "社区书画展开幕\n\n● 记者 钱多多\n\n"
    "本报讯 城南街道第五届社区书画展昨日开幕，展出居民作品八十余件。{extra}\n")
PAGED_ISSUES = (
    ("2024-03-01.txt", "2024年3月1日", "第2版 社会", "第3版\n要闻", "城南日报 2024年3月1日 第4版 文化", 0),
    ("2024-03-05.txt", "2024年3月5日", "第2版 要闻", "第3版 社会", "第4版 文化", 3),
    ("2024-03-09.txt", "2024年3月9日", "第2版 文化", "第3版 要闻", "第4版 社会", 1),
)
# options, and the results as "DAY/ARTICLE/HITS", in order
PAGED_CASES = (
    ((), "09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4 01/0/1 01/1/1 01/2/1 01/3/1"),
    (("--from", "2024-03-05"), "09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4"),
    (("--to", "2024-03-05"), "05/0/1 05/1/1 05/2/1 05/3/4 01/0/1 01/1/1 01/2/1 01/3/1"),
    (("--from", "2024-03-02", "--to", "2024-03-08"), "05/0/1 05/1/1 05/2/1 05/3/4"),
    (("--from", "2024-03-10"), ""),
    (("--section", "社会"), "09/3/2 05/2/1 01/1/1"),
    (("--page", "3"), "09/2/1 05/2/1 01/2/1"),
    (("--page", "3", "--section", "社会"), "05/2/1"),
    (("--section", "要闻", "--from", "2024-03-05"), "09/2/1 05/1/1"),
    (("--order", "newest"), "09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4 01/0/1 01/1/1 01/2/1 01/3/1"),
    (("--order", "oldest"), "01/0/1 01/1/1 01/2/1 01/3/1 05/0/1 05/1/1 05/2/1 05/3/4 09/0/1 09/1/1 09/2/1 09/3/2"),
    (("--order", "hits"), "05/3/4 09/3/2 09/0/1 09/1/1 09/2/1 05/0/1 05/1/1 05/2/1 01/0/1 01/1/1 01/2/1 01/3/1"),
    (("--section", "文化", "--order", "hits"), "05/3/4 09/1/1 01/3/1"),
    (("--to", "2024-03-05", "--page", "4", "--order", "oldest"), "01/3/1 05/3/4"),
)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} {name}")
        if not ok:
            self.failed += 1
            for line in str(detail).splitlines():
                print(f"# {line}")
        sys.stdout.flush()


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = Tap()
    work = tempfile.mkdtemp(prefix="bulletin-cli-")
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="", XDG_CACHE_HOME=os.path.join(work, "cache"),
               XDG_DATA_HOME=os.path.join(work, "data"))
    env.pop("BULLETIN_SEARCH_INDEX", None)

    def run(*args, cwd=None):
        proc = subprocess.run([binary, *args], capture_output=True, timeout=60, env=env, cwd=cwd)
        return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")

    def one_line(err):
        return len(err.splitlines()) == 1 and err.endswith("\n")

    try:
        archive = os.path.join(work, "archive")
        os.mkdir(archive)
        shutil.copy(SAMPLE, archive)
        issue = os.path.join(archive, os.path.basename(SAMPLE))

        # --help: every command, and the PATH
        rc, out, err = run("--help")
        tap.check(rc == 0, "--help exits 0", f"exit {rc}\n{err}")
        for word in ("--export-ninjs", "--search=QUERY", "--display-text", "--narrow-punctuation",
                     "--no-corrections", "--version", "[PATH…]", "Exit status"):
            tap.check(word in out, f"--help lists {word}", out)

        rc, out, err = run("--version")
        tap.check(rc == 0 and out.startswith("bulletin-reader ") and out.count("\n") == 1,
                  "--version prints one line", f"exit {rc}\n{out}{err}")

        # a path that is not there: one line, exit 2, for every command
        missing = os.path.join(work, "x.txt")
        for args in (["--search", "阅读", missing], ["--export-ninjs", missing],
                     ["--display-text", missing]):
            rc, out, err = run(*args)
            tap.check(rc == 2 and err == f"{missing}: No such file or directory\n" and out == "",
                      f"{args[0]} on a missing file: one line, exit 2", f"exit {rc}\n{err}")

        # mistakes on the command line: one line, exit 2
        for args in (["--bogus"], ["--search"], ["--search", "阅读"],
                     ["--search", "阅读", "--export-ninjs", archive],
                     ["--display-text", archive, archive]):
            rc, out, err = run(*args)
            tap.check(rc == 2 and one_line(err) and "WARNING" not in err and out == "",
                      f"{' '.join(args)}: one line, exit 2", f"exit {rc}\n{err}")

        # grep's statuses
        rc, out, err = run("--search", "阅读", archive)
        lines = out.splitlines()
        tap.check(rc == 0 and len(lines) == 1 and err == "", "found: exit 0", f"exit {rc}\n{out}{err}")
        if lines:
            found = json.loads(lines[0])
            tap.check(found["headline"] == "乡村阅读点开门迎客" and found["hits"] >= 1,
                      "found: the article, as JSON", lines[0])
        rc, out, err = run("--search", "没有这个词", archive)
        tap.check(rc == 1 and out == "" and err == "", "nothing matched: exit 1", f"exit {rc}\n{out}{err}")

        # query syntax: all of the words, anywhere; "a phrase"; -word
        rc, out, err = run("--search", "儿童 借阅", archive)
        tap.check(rc == 0 and len(out.splitlines()) == 1 and json.loads(out)["hits"] == 2,
                  "--search with two words: both found", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--search", "阅读 -借阅", archive)
        tap.check(rc == 1 and out == "", "--search -word: the article left out", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--search", "阅读 -没有这个词", archive)
        tap.check(rc == 0 and len(out.splitlines()) == 1, "--search -word absent: found", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--search", "-阅读", archive)
        tap.check(rc == 2 and out == "" and "Add a word to search for" in err and one_line(err),
                  "--search of exclusions only: says so, exit 2", f"exit {rc}\n{out}{err}")

        # a cron job or a build sandbox runs under the C locale: a Chinese
        # query typed as UTF-8 is still a query, not a conversion error
        proc = subprocess.run([binary, "--search", "阅读", archive], capture_output=True, timeout=60,
                              env=dict(env, LC_ALL="C", LANG="C", LANGUAGE=""))
        tap.check(proc.returncode == 0 and len(proc.stdout.splitlines()) == 1,
                  "--search under the C locale: a UTF-8 query is found",
                  f"exit {proc.returncode}\n{proc.stderr.decode('utf-8', 'replace')}")

        # a single file is an archive of one issue
        rc, out, err = run("--search", "阅读", issue)
        tap.check(rc == 0 and len(out.splitlines()) == 1, "--search in a single file: found",
                  f"exit {rc}\n{out}{err}")
        rc, out, err = run("--search", "没有这个词", issue)
        tap.check(rc == 1 and out == "", "--search in a single file: nothing matched", f"exit {rc}\n{err}")

        # a file that is no issue: one line, exit 2
        notes = os.path.join(work, "notes.md")
        with open(notes, "w") as f:
            f.write("not an issue\n")
        rc, out, err = run("--search", "阅读", notes)
        tap.check(rc == 2 and one_line(err) and err.startswith(f"{notes}: ") and out == "",
                  "--search in a file that is no issue: one line, exit 2", f"exit {rc}\n{err}")

        # a junk file in the folder: one "path: reason" line, no warning;
        # what could be read is still printed, and the status says error
        junk = os.path.join(archive, "junk.json")
        with open(junk, "w") as f:
            f.write('{"uri": broken')
        rc, out, err = run("--search", "阅读", archive)
        tap.check(len(out.splitlines()) == 1, "junk beside: the match is still printed", out)
        tap.check(one_line(err) and err.startswith(f"{junk}: ") and "WARNING" not in err
                  and len(err) > len(junk) + 3,
                  "junk beside: one 'path: reason' line", err)
        tap.check(rc == 2, "junk beside: exit 2", f"exit {rc}")
        rc, out, err = run("--search", "阅读", "archive", cwd=work)
        tap.check(err.startswith("archive/junk.json: "), "junk beside: the path as given", err)

        rc, out, err = run("--export-ninjs", archive)
        tap.check(rc == 2 and one_line(err) and err.startswith(f"{junk}: ") and "WARNING" not in err,
                  "--export-ninjs with junk beside: one line, exit 2", f"exit {rc}\n{err}")
        tap.check(json.loads(out).get("type") == "composite", "--export-ninjs still writes the rest", out[:200])
        rc, out, err = run("--display-text", archive)
        tap.check(rc == 2 and one_line(err) and err.startswith(f"{junk}: ") and len(out.splitlines()) == 2,
                  "--display-text with junk beside: the rest, one line, exit 2", f"exit {rc}\n{err}")
        os.remove(junk)

        # the commands as before
        rc, out, err = run("--export-ninjs", issue)
        tap.check(rc == 0 and err == "" and json.loads(out)["type"] == "composite",
                  "--export-ninjs of a file: exit 0", f"exit {rc}\n{err}")
        rc, out, err = run("--display-text", issue)
        texts = [json.loads(line) for line in out.splitlines()]
        tap.check(rc == 0 and len(texts) == 2 and "，" in texts[0]["text"],
                  "--display-text: every article, full-width punctuation", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--display-text", "--narrow-punctuation", issue)
        texts = [json.loads(line) for line in out.splitlines()]
        tap.check(rc == 0 and len(texts) == 2 and "，" not in texts[0]["text"],
                  "--display-text --narrow-punctuation", f"exit {rc}\n{out}{err}")

        # the user's corrections (docs/corrections-format.md) apply to
        # --display-text and --export-ninjs; --no-corrections shows the
        # file as the rules read it
        with open(issue, "rb") as f:
            key = hashlib.sha256(f.read()).hexdigest()[:32]
        folder = os.path.join(work, "data", "bulletin-reader", "corrections")
        os.makedirs(folder)
        with open(os.path.join(folder, "test.ini"), "w", encoding="utf-8") as f:
            f.write("[Bulletin Reader]\nversion=1\n\n"
                    f"[Issue {key}]\nfile={os.path.basename(issue)}\ncount=2\n"
                    "kind-1=new-article\nline-1=镇文化站举办暑期书法班,报名人数已满。\n"
                    "before-1=镇卫生院开展免费义诊活动,为村民测量血压、血糖两百余人次。\nafter-1=\n"
                    "kind-2=byline\nline-2=一行已经不在文件里\nbefore-2=\nafter-2=\n")
        rc, out, err = run("--display-text", issue)
        heads = [json.loads(line)["headline"] for line in out.splitlines()]
        tap.check(rc == 0 and len(heads) == 3 and heads[2] == "镇文化站举办暑期书法班,报名人数已满。",
                  "--display-text applies the user's corrections", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--display-text", "--no-corrections", issue)
        tap.check(rc == 0 and len(out.splitlines()) == 2,
                  "--display-text --no-corrections: as the rules read it", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--export-ninjs", issue)
        tap.check(rc == 0 and out.count("镇文化站举办暑期书法班") >= 1 and "一行已经不在文件里" in err,
                  "--export-ninjs applies the corrections and lists the one whose line is gone",
                  f"exit {rc}\n{out}{err}")
        rc, out2, err = run("--export-ninjs", "--no-corrections", issue)
        tap.check(rc == 0 and out2 != out and err == "",
                  "--export-ninjs --no-corrections", f"exit {rc}\n{out2}{err}")
        # NewsML (G2 and 1.x) like ninjs: exported, searched, a broken one named
        newsml = os.path.join(work, "newsml")
        os.mkdir(newsml)
        for name in ("g2-article-zh.xml", "g2-message.xml", "newsml1-issue-zh.xml"):
            shutil.copy(os.path.join(HERE, "data", "newsml", name), newsml)
        rc, out, err = run("--export-ninjs", newsml)
        exported = json.loads(out) if rc == 0 else []
        uris = sorted(a["uri"] for c in exported for a in c.get("associations", []))
        tap.check(rc == 0 and err == "" and len(exported) == 3 and
                  "urn:newsml:bulletin.example:20230626:issue-26#art2" in uris and
                  "urn:newsml:bulletin.example:20230605:zh-reading" in uris and len(uris) == 5,
                  "--export-ninjs of a NewsML folder: every issue and article, the items' ids",
                  f"exit {rc}\n{err}{out[:400]}")
        rc, out, err = run("--search", "国家图书馆", newsml)
        hits = [json.loads(line) for line in out.splitlines()]
        tap.check(rc == 0 and len(hits) == 1 and
                  hits[0]["article"] == "urn:newsml:bulletin.example:20230605:zh-reading",
                  "--search in a NewsML folder: found, Traditional by Simplified", f"exit {rc}\n{out}{err}")
        rc, out, err = run("--search", "夜场门票", newsml)
        hits = [json.loads(line) for line in out.splitlines()]
        tap.check(rc == 0 and len(hits) == 1 and hits[0]["issue_title"] == "城市公报 第26期",
                  "--search finds a nested NewsML 1 component", f"exit {rc}\n{out}{err}")
        shutil.copy(os.path.join(HERE, "data", "newsml", "g2-bad.xml"), newsml)
        bad = os.path.join(newsml, "g2-bad.xml")
        rc, out, err = run("--search", "夜场门票", newsml)
        tap.check(rc == 2 and one_line(err) and err.startswith(f"{bad}: ") and "WARNING" not in err
                  and len(out.splitlines()) == 1,
                  "--search with broken XML beside: one line, exit 2, the rest found", f"exit {rc}\n{err}")

        # --search's filters (issue 15): three issues with page headers,
        # each article on its own page and section; by the scan, then by
        # the index (--index)
        paged = os.path.join(work, "paged")
        os.mkdir(paged)
        for name, day, h2, h3, h4, extra in PAGED_ISSUES:
            with open(os.path.join(paged, name), "w", encoding="utf-8") as f:
                f.write(PAGED_TEMPLATE.format(date=day, h2=h2, h3=h3, h4=h4, extra="城南很美。" * extra))

        def filtered(*options):
            rc, out, err = run("--search", "城南", paged, *options)
            got = " ".join(f"{r['date'][-2:]}/{r['article_index']}/{r['hits']}"
                           for r in map(json.loads, out.splitlines()))
            return rc, got, err

        for how in ("scan", "index"):
            if how == "index":
                rc, out, err = run("--index", paged)
                tap.check(rc == 0, "--index of the paged archive", f"exit {rc}\n{err}")
            for options, want in PAGED_CASES:
                rc, got, err = filtered(*options)
                tap.check(rc == (0 if want else 1) and got == want and err == "",
                          f"--search {' '.join(options)} ({how}): {want or 'nothing'}",
                          f"exit {rc}\ngot  {got}\nwant {want}\n{err}")
        # every hit, not the archive search's first 300 articles: 90
        # issues of 4 matching articles, by the scan and by the index
        many = os.path.join(work, "many")
        os.mkdir(many)
        for i in range(90):
            month, day = 1 + i // 28, 1 + i % 28
            with open(os.path.join(many, f"2021-{month:02}-{day:02}.txt"), "w", encoding="utf-8") as f:
                f.write(PAGED_TEMPLATE.format(date=f"2021年{month}月{day}日", h2="第2版", h3="第3版",
                                              h4="第4版", extra=""))
        for how in ("scan", "index"):
            if how == "index":
                rc, out, err = run("--index", many)
                tap.check(rc == 0, "--index of 360 matching articles", f"exit {rc}\n{err}")
            rc, out, err = run("--search", "城南", many)
            lines = [json.loads(line) for line in out.splitlines()]
            tap.check(rc == 0 and len(lines) == 360 and lines[0]["date"] == "2021-04-06"
                      and lines[-1]["date"] == "2021-01-01" and lines[-1]["article_index"] == 3,
                      f"--search prints all 360 matching articles, to the oldest ({how})",
                      f"exit {rc}, {len(lines)} lines\n{err}")

        rc, out, err = run("--search", "城南", paged, "--section", "社会")
        first = json.loads(out.splitlines()[0]) if rc == 0 else {}
        tap.check(first.get("page") == "4" and first.get("section") == "社会",
                  "--search prints the page and section", out)
        proc = subprocess.run([binary, "--search", "城南", paged, "--section", "社会"], capture_output=True,
                              timeout=60, env=dict(env, LC_ALL="C", LANG="C", LANGUAGE=""))
        tap.check(proc.returncode == 0 and len(proc.stdout.splitlines()) == 3,
                  "--section under the C locale: a UTF-8 name", f"exit {proc.returncode}\n{proc.stderr!r}")
        for args in (["--from", "2024-3-1"], ["--to", "2024-02-30"], ["--order", "best"], ["--from", "yesterday"]):
            rc, out, err = run("--search", "城南", paged, *args)
            tap.check(rc == 2 and one_line(err) and args[0] in err and out == "",
                      f"--search {' '.join(args)}: one line, exit 2", f"exit {rc}\n{err}")
        rc, out, err = run("--display-text", paged, "--section", "社会")
        tap.check(rc == 2 and one_line(err) and "--search" in err and out == "",
                  "--section without --search: one line, exit 2", f"exit {rc}\n{err}")
        rc, out, err = run("--help")
        for word in ("--from=YYYY-MM-DD", "--to=YYYY-MM-DD", "--section=NAME", "--page=N",
                     "--order=newest|oldest|hits"):
            tap.check(word in out, f"--help lists {word}", out)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
