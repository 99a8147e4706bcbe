/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-window.h"

G_BEGIN_DECLS

/* Corrections of plain-text issues in the window (docs/corrections-format.md):
 * win.correct-new-article, win.correct-join-previous, win.correct-headline,
 * -subtitle, -byline, -dateline, -subhead, -body, win.reset-corrections and
 * win.reopen-with-encoding (a string: an encoding name, "" for the one the
 * file seems to be in), in a "Correct" submenu of the reader's context
 * menu: bulletin-window-corrections.c. */

/* The encodings Reopen with Encoding offers: those iconv knows of a list
 * (UTF-8, GB18030, Big5, Big5-HKSCS, UTF-16LE/BE ...) */
GPtrArray  *bulletin_window_corrections_dup_encodings (void);

/* After the corrections changed on disk (a restored backup): reads the
 * plain-text issue of the article shown again, then shows @message */
void        bulletin_window_corrections_refresh  (BulletinWindow *self,
                                                  const char     *message);

G_END_DECLS
