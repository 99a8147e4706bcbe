/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-display-text.h"
#include "bulletin-paginator.h"

G_BEGIN_DECLS

/* Writes the article of @display to @path as a PDF on @paper through the
 * paginator (fonts embedded and subset by cairo, the headline as the
 * title, the byline or the paper as the author). */
gboolean bulletin_export_pdf (BulletinDisplayText        *display,
                              const BulletinPrintOptions *options,
                              BulletinPaper               paper,
                              const char                 *path,
                              GError                    **error);

/* The same on a page of @width x @height points (a page setup's paper). */
gboolean bulletin_export_pdf_sized (BulletinDisplayText        *display,
                                    const BulletinPrintOptions *options,
                                    double                      width,
                                    double                      height,
                                    const char                 *path,
                                    GError                    **error);

/* Writes the article as one long PNG image @width pixels wide at @scale
 * device pixels per logical pixel (1080 and 2: a 540-pixel column), with a
 * footer naming paper, issue, date and the archive.  @options' font size is
 * in logical pixels (0: 16).  Fails when the image would be taller than an
 * image can be (32767 pixels). */
gboolean bulletin_export_png (BulletinDisplayText        *display,
                              const BulletinPrintOptions *options,
                              int                         width,
                              int                         scale,
                              const char                 *path,
                              GError                    **error);

/* The logical height the image of @display takes at @width / @scale. */
double   bulletin_export_png_height (BulletinDisplayText        *display,
                                     const BulletinPrintOptions *options,
                                     int                         width,
                                     int                         scale);

G_END_DECLS
