/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-paginator.h"
#include "bulletin-window.h"

G_BEGIN_DECLS

/* Printing and export in the window: win.print (Ctrl+P), win.export-pdf
 * and win.export-image, each on the article in the reader:
 * bulletin-window-print.c. */

/* The print options for the window's article: the reader's typeface, the
 * issue's paper name, date and number, the archive's name, and the
 * article's notes; the strings stay valid while @self lives, until the
 * next call. */
void  bulletin_window_get_print_options  (BulletinWindow       *self,
                                          BulletinPrintOptions *options);

/* Exports the reader's article to the local @file as a PDF on the paper of
 * the last print (A4 before any), or as a
 * PNG image (@image), in a worker thread; a toast says when it is done,
 * a message why it failed. */
void  bulletin_window_export_article     (BulletinWindow       *self,
                                          GFile                *file,
                                          gboolean              image);

G_END_DECLS
