/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-display-text.h"
#include "bulletin-paginator.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_PRINT_PREVIEW (bulletin_print_preview_get_type ())

G_DECLARE_FINAL_TYPE (BulletinPrintPreview, bulletin_print_preview, BULLETIN, PRINT_PREVIEW, AdwWindow)

/* A window showing the pages the paginator sets for printing (@width x
 * @height points, the print page setup's paper), one at a time, with
 * buttons and keys (Page Up/Down, Left/Right, Home/End) to turn them and
 * a Print button that activates win.print on @parent.  It works where no
 * external previewer is installed (the Flatpak sandbox). */
BulletinPrintPreview *bulletin_print_preview_new       (GtkWindow                  *parent,
                                                        BulletinDisplayText        *display,
                                                        const BulletinPrintOptions *options,
                                                        double                      width,
                                                        double                      height);
guint                 bulletin_print_preview_get_n_pages (BulletinPrintPreview     *self);
guint                 bulletin_print_preview_get_page    (BulletinPrintPreview     *self);
void                  bulletin_print_preview_set_page    (BulletinPrintPreview     *self,
                                                          guint                     page);
/* The page label ("Page 1 of 3"), for tests. */
const char           *bulletin_print_preview_get_label   (BulletinPrintPreview     *self);

G_END_DECLS
