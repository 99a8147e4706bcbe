#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A whole session by keyboard alone, checked through the accessibility tree:
move to the sidebar (F6), expand an issue (Right), open an article (Enter),
read the article back through the AT-SPI Text interface and compare it with
the text the app's own core displays (--display-text), search in it
(Ctrl+F), bookmark it (Ctrl+D), go to the next article (Ctrl+Page Down),
and return to the sidebar."""
import re
import sys
import time

from harness import (App, Atspi, Checks, display_texts, has_state, name, require_display,
                     role, text_of, wait_until)

SAMPLE = "resource:///io/github/bulletinreader/BulletinReader/sample-archive/"

require_display()
binary, schema_dir = sys.argv[1], sys.argv[2]
checks = Checks()
expected = {a["headline"]: a for a in display_texts(binary, SAMPLE)}
checks.check(len(expected) >= 3, f"--display-text lists the sample's articles ({len(expected)})")

app = App(binary, schema_dir=schema_dir).start()


def focused():
    return app.focused()


def in_sidebar(node):
    return node is not None and role(node) in ("list item", "tree item")


def reader_text():
    """The reader's text node (a GtkTextView is one node with the Text interface)."""
    for n in app.nodes():
        if role(n) == "text" and has_state(n, Atspi.StateType.VISIBLE) and \
                not has_state(n, Atspi.StateType.EDITABLE):
            t = text_of(n)
            if t:
                return n, t
    return None, None


def row_label(node):
    return " ".join(name(node.get_child_at_index(i)) for i in range(node.get_child_count()))


def normalize(s):
    # U+2028 (a line break inside a block) and the object replacement
    # character of an embedded image read as nothing special
    return s.replace("\u2028", "\n").replace("\ufffc", "").strip()


try:
    wait_until(lambda: len([n for n in app.nodes() if role(n) == "list item"]) >= 2, 20,
               "the sidebar's rows")

    # 1. F6 reaches the sidebar.
    for _ in range(4):
        if in_sidebar(focused()):
            break
        app.key("F6")
    checks.check(in_sidebar(focused()), f"F6 moves the focus to the sidebar (focus: {role(focused())})")

    # 2. Find an issue row with the arrow keys and expand it with Right.
    issue_row = None
    for _ in range(10):
        f = focused()
        label = row_label(f) if f else ""
        if re.search(r"\d{4}-\d{2}-\d{2}", label):
            issue_row = label
            break
        app.key("Down")
    checks.check(issue_row is not None, "Down reaches an issue row")
    n_rows = lambda: len([n for n in app.nodes() if role(n) == "list item"])
    before_rows = n_rows()
    app.key("Right")  # expand; the issue's articles load in a thread
    try:
        wait_until(lambda: n_rows() > before_rows, 10, "the issue's articles")
    except AssertionError:
        pass
    after_rows = n_rows()
    checks.check(after_rows > before_rows,
                 f"Right expands an issue ({before_rows} rows before, {after_rows} after)")
    app.key("Down")   # first article
    article_row = row_label(focused()) if focused() else ""
    headline = next((h for h in expected if article_row.startswith(h)), None)
    checks.check(headline is not None, f"Right then Down reaches an article row ({article_row!r})")

    # 3. Enter opens it; the screen reader gets the displayed text.
    app.key("Return")
    node, text = wait_until(lambda: (lambda n, t: (n, t) if t and headline and t.startswith(headline)
                                     else None)(*reader_text()), 10, "the article in the reader")
    want = normalize(expected[headline]["text"])
    checks.check(normalize(text) == want,
                 "the reader's AT-SPI text equals the displayed text the app builds "
                 f"({len(normalize(text))} vs {len(want)} characters)")

    # Headings are distinguishable through text attributes (weight or scale).
    attrs, start, end = None, 0, 0
    try:
        attrs = Atspi.Text.get_attribute_run(node, 0, False)
        attrs = attrs[0] if isinstance(attrs, tuple) else attrs
    except Exception as e:
        attrs = {}
    weight = int(attrs.get("weight", "400") or 400) if attrs else 400
    scale = float(attrs.get("scale", "1") or 1) if attrs else 1
    size = attrs.get("size") if attrs else None
    body_attrs = {}
    try:
        off = len(headline) + 5
        body_attrs = Atspi.Text.get_attribute_run(node, off, False)
        body_attrs = body_attrs[0] if isinstance(body_attrs, tuple) else body_attrs
    except Exception:
        pass
    checks.check(weight >= 600 or scale > 1.05 or (size and size != body_attrs.get("size")),
                 f"the headline is set apart by its text attributes ({attrs})")

    # 4. Ctrl+F searches in the article; the count is announced in the entry.
    try:
        app.key("ctrl+f")
        entry = wait_until(lambda: next((n for n in app.nodes()
                                         if role(n) in ("text", "entry") and
                                         has_state(n, Atspi.StateType.EDITABLE) and
                                         has_state(n, Atspi.StateType.FOCUSED)), None),
                           10, "the search entry with the focus")
        body = want[len(headline):]
        han = re.findall(r"[\u4e00-\u9fff]{2}", body)
        query = han[len(han) // 2] if han else "的"
        app.type(query)
        count = want.count(query)

        def result_text():
            for n in app.nodes():
                s = name(n) + " " + (text_of(n) or "" if role(n) == "label" else "")
                try:
                    s += " " + (n.get_description() or "")
                except Exception:
                    pass
                m = re.search(r"(\d+)\s*(?:of|/|／)\s*(\d+)", s)
                if m:
                    return m
            return None
        m = wait_until(result_text, 10, "the 'N of M' search count")
        checks.check(m is not None and int(m.group(2)) == count,
                     f"searching {query!r} reports its matches ({m.group(0) if m else None}, "
                     f"{count} expected)")
        # the count is announced on the entry the focus is in
        desc = wait_until(lambda: (lambda d: d if re.search(r"\d+ of \d+|No results", d or "")
                                   else None)(entry.get_description()), 10,
                          "the count as the entry's description")
        checks.check(desc is not None, f"the search count is told to assistive technology ({desc!r})")
        app.key("Escape")
        f = focused()
        checks.check(f is not None and role(f) == "text" and not has_state(f, Atspi.StateType.EDITABLE),
                     f"Escape closes the search and returns the focus to the reader ({role(f)})")
    except AssertionError as e:
        checks.check(False, f"search by keyboard: {e}")

    # 5. Ctrl+D bookmarks the article: the bookmark button says so.
    def bookmark_button():
        return next((n for n in app.nodes()
                     if role(n) in ("toggle button", "push button") and "ookmark" in name(n)), None)
    before = bookmark_button()
    app.key("ctrl+d")
    def bookmarked():
        b = bookmark_button()
        return b is not None and (has_state(b, Atspi.StateType.CHECKED) or
                                  has_state(b, Atspi.StateType.PRESSED) or
                                  "emove" in name(b))
    try:
        wait_until(bookmarked, 5, "the bookmark to be set")
    except AssertionError:
        pass
    b = bookmark_button()
    checks.check(bookmarked(), "Ctrl+D bookmarks the article (button before: "
                               f"{name(before) if before else 'none'}; after: {name(b) if b else 'none'})")
    if bookmarked():
        # the change is announced (GTK 4.14+) and kept as the description
        desc = b.get_description() if b is not None else ""
        checks.check("Bookmark added" in (desc or ""),
                     f"the new bookmark is told to assistive technology ({desc!r})")

    # 6. Ctrl+Page Down opens the next article.
    app.key("ctrl+Next")
    others = [h for h in expected if h != headline]
    try:
        _, text2 = wait_until(lambda: (lambda n, t: (n, t) if t and not t.startswith(headline)
                                       else None)(*reader_text()), 10, "the next article")
        checks.check(any(text2.startswith(h) for h in others) or
                     any(normalize(text2) == normalize(expected[h]["text"]) for h in others),
                     "Ctrl+Page Down shows another article of the archive")
    except AssertionError as e:
        checks.check(False, f"Ctrl+Page Down shows the next article ({e})")

    # 7. Back to the sidebar from the keyboard.
    for _ in range(4):
        if in_sidebar(focused()):
            break
        app.key("F6")
    checks.check(in_sidebar(focused()), "F6 returns to the sidebar")
finally:
    app.stop()

checks.finish()
