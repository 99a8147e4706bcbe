/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bulletin-display-text.h"
#include "bulletin-paginator.h"

G_BEGIN_DECLS

/* A GtkPrintOperation that prints the article of @display through the
 * paginator, as the PDF export sets it: the full page (the paginator
 * keeps its own margins), A4 portrait unless the page setup says
 * otherwise, "Print Selection" for display range [@sel_start, @sel_end)
 * when it is not empty, and an "Article" tab whose check button puts the
 * notes of @options at the end.  The operation runs asynchronously. */
GtkPrintOperation      *bulletin_print_operation_new (BulletinDisplayText        *display,
                                                      const BulletinPrintOptions *options,
                                                      guint                       sel_start,
                                                      guint                       sel_end);

/* Shows the print dialog (with its preview) for @display, without
 * blocking @parent; errors are shown in a dialog. */
void                    bulletin_print_article       (GtkWindow                  *parent,
                                                      BulletinDisplayText        *display,
                                                      const BulletinPrintOptions *options,
                                                      guint                       sel_start,
                                                      guint                       sel_end);

/* The paper of the last print in this session (A4 before any), portrait
 * size in points: what the print preview shows. */
void                    bulletin_print_get_paper_size (double                    *width,
                                                       double                    *height);

/* Prints to the PDF file @path on @paper without a dialog
 * (GTK_PRINT_OPERATION_ACTION_EXPORT), for tests. */
GtkPrintOperationResult bulletin_print_run_export    (BulletinDisplayText        *display,
                                                      const BulletinPrintOptions *options,
                                                      BulletinPaper               paper,
                                                      const char                 *path,
                                                      GError                    **error);

G_END_DECLS
