#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Walk the accessibility tree of the running app and check names and roles:
no focusable widget, icon-only button or list row child may be unnamed or
named only by its class (GTK 4.8 reports unnamed widgets as `GtkButton`);
issue rows read as date, number and title; article rows as headline and
byline."""
import re
import sys

from harness import (App, Atspi, CLASS_NAME, Checks, has_state, name, require_display,
                     role, text_of, wait_until)

require_display()
binary, schema_dir = sys.argv[1], sys.argv[2]
checks = Checks()
OWN_CLASS_NAME = re.compile(r"^(Gtk|Adw|Bulletin)[A-Z][A-Za-z]+$")
app = App(binary, schema_dir=schema_dir).start()

try:
    # The built-in sample archive fills the sidebar: wait for issue rows.
    def issue_rows():
        return [n for n in app.nodes() if role(n) == "list item"]
    wait_until(lambda: len(issue_rows()) >= 2, 20, "the sidebar's rows")

    # Expand every issue from the keyboard so that article rows exist too.
    app.key("F6")
    for _ in range(12):
        app.key("Right", "Down", delay=0.15)

    named_roles = {"push button", "toggle button", "check box", "radio button", "menu item",
                   "text", "entry", "password text", "combo box", "spin button", "slider",
                   "list item", "tree item", "table row", "link", "page tab"}

    seen = 0
    for n in app.nodes():
        r = role(n)
        # GTK 4.8 does not report SHOWING; VISIBLE is what it has
        if not has_state(n, Atspi.StateType.VISIBLE):
            continue
        focusable = has_state(n, Atspi.StateType.FOCUSABLE)
        if not (focusable or r in named_roles):
            continue
        seen += 1
        nm = name(n)
        if r == "list item":
            # GTK 4.8 cannot name a list item; its child carries the name.
            kids = [n.get_child_at_index(i) for i in range(n.get_child_count())]
            nm = " ".join(name(k) for k in kids if k is not None)
        if r in ("text", "entry") and nm.strip():
            # a text view without a name of its own reads as its content;
            # ours must have one, which is not the start of what it holds
            content = text_of(n).strip()
            checks.check(not content or not content.startswith(nm.strip()),
                         f"{r} is named by its content, not by a name of its own: {nm[:40]!r}")
        where = []
        p = n.get_parent()
        while p is not None and len(where) < 12:
            where.append(f"{role(p)} “{name(p)}”")
            p = p.get_parent()
        inside = [f"{role(k)} “{name(k)}”" for k in
                  (n.get_child_at_index(i) for i in range(min(n.get_child_count(), 4)))
                  if k is not None]
        checks.check(nm.strip() != "",
                     f"{r} has an empty accessible name (in {' < '.join(where)};"
                     f" holds {', '.join(inside) or 'nothing'})")
        checks.check(not CLASS_NAME.match(nm), f"{r} is named only by its class: {nm!r}")
        if focusable:
            checks.check(not OWN_CLASS_NAME.match(nm), f"focusable {r} is named by its class: {nm!r}")

    checks.check(seen > 10, f"only {seen} named widgets were found: the tree is not exposed")

    # Issue rows: a date (YYYY-MM-DD or 年月日) and a title; article rows: a headline.
    rows = [" ".join(name(n.get_child_at_index(i)) for i in range(n.get_child_count()))
            for n in issue_rows()]
    dated = [r for r in rows if re.search(r"\d{4}[-年]\d{1,2}", r)]
    checks.check(len(dated) >= 2, f"issue rows do not read with their dates: {rows[:6]}")
    checks.check(any(len(r) > 8 for r in rows), f"rows are too terse to be understood: {rows[:6]}")
finally:
    app.stop()

checks.finish()
