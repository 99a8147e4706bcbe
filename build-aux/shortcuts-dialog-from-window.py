#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes an AdwShortcutsDialog .ui (libadwaita >= 1.8) from the app's
GtkShortcutsWindow .ui, so that the shortcuts are listed in one place.

Usage: shortcuts-dialog-from-window.py WINDOW.ui DIALOG.ui
"""
import sys
import xml.etree.ElementTree as ET


def prop(obj, name):
    for p in obj.findall("property"):
        if p.get("name") == name:
            return p
    return None


def main(src, dst):
    tree = ET.parse(src)
    window = tree.getroot().find("object[@class='GtkShortcutsWindow']")
    if window is None:
        sys.exit(f"{src}: no GtkShortcutsWindow")
    root = ET.Element("interface")
    ET.SubElement(root, "requires", lib="gtk", version="4.0")
    ET.SubElement(root, "requires", lib="Adw", version="1.0")
    dialog = ET.SubElement(root, "object", {"class": "AdwShortcutsDialog", "id": window.get("id")})
    for group in window.iter("object"):
        if group.get("class") != "GtkShortcutsGroup":
            continue
        section = ET.SubElement(ET.SubElement(dialog, "child"), "object", {"class": "AdwShortcutsSection"})
        title = prop(group, "title")
        if title is not None:
            section.append(title)
        for shortcut in group.iter("object"):
            if shortcut.get("class") != "GtkShortcutsShortcut":
                continue
            item = ET.SubElement(ET.SubElement(section, "child"), "object", {"class": "AdwShortcutsItem"})
            for name in ("title", "subtitle", "accelerator", "action-name"):
                p = prop(shortcut, name)
                if p is not None:
                    item.append(p)
    ET.indent(root)
    with open(dst, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(f"<!-- Generated from {src.rsplit('/', 1)[-1]}: do not edit. -->\n")
        f.write(ET.tostring(root, encoding="unicode"))
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
