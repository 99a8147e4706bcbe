/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pango/pangocairo.h>

#include "bulletin-display-text.h"

G_BEGIN_DECLS

/**
 * BulletinPrintOptions:
 * @family: the reader's typeface (NULL: the default list)
 * @sans: Hei instead of Song
 * @font_size: body size in points (10.5 by default) on paper, in logical
 *   pixels in an image
 * @line_spacing: baseline distance in em (1.5 to 2)
 * @paper_name: the paper's name, for the running header (NULL: none)
 * @issue_date: the issue's date as shown (NULL: none)
 * @issue_number: the issue's number (NULL: none)
 * @archive_name: the archive's name, for an image's footer (NULL: none)
 * @notes: (nullable): the article's notes, set as numbered notes at the
 *   end; NULL or empty for none
 *
 * What a printed page or an exported image shows besides the article.
 */
typedef struct {
  const char        *family;
  gboolean           sans;
  double             font_size;
  double             line_spacing;
  const char        *paper_name;
  const char        *issue_date;
  const char        *issue_number;
  const char        *archive_name;
  const char *const *notes;
} BulletinPrintOptions;

void bulletin_print_options_init (BulletinPrintOptions *options);

typedef enum {
  BULLETIN_PAPER_A4,
  BULLETIN_PAPER_A5,
  BULLETIN_PAPER_B5,
  BULLETIN_PAPER_LETTER,
} BulletinPaper;

/* Portrait size in points; FALSE for an unknown name.  Names: a4, a5,
 * b5, letter (case-insensitive). */
gboolean bulletin_paper_from_name (const char    *name,
                                   BulletinPaper *paper);
void     bulletin_paper_get_size  (BulletinPaper  paper,
                                   double        *width,
                                   double        *height);

/**
 * BulletinPaginator:
 *
 * Sets an article (or the display range of a selection) on pages of a
 * given size with the typesetter: the headline block, byline, dateline,
 * source and body, a running header (paper, date, number) and a footer
 * (page n of m), never a headline alone at the foot of a page nor one line
 * of a paragraph alone at the top or foot of one.  With no page height it
 * sets one long page with an image's footer instead.  Printing, PDF and
 * PNG export all draw through it.
 */
typedef struct _BulletinPaginator BulletinPaginator;

/* @context: a Pango context whose units are those of @width and @height
 * (points for paper: resolution 72); @height 0 for one long page;
 * [@start, @end) the display range (0, G_MAXUINT: all). */
BulletinPaginator *bulletin_paginator_new         (BulletinDisplayText        *display,
                                                   const BulletinPrintOptions *options,
                                                   PangoContext               *context,
                                                   double                      width,
                                                   double                      height,
                                                   guint                       start,
                                                   guint                       end);
void               bulletin_paginator_free        (BulletinPaginator          *self);

/* The same in steps, so that a long article does not hold up the main
 * loop (GtkPrintOperation::paginate): nothing is set until
 * bulletin_paginator_step () has returned TRUE, each call setting about
 * @max_chars characters of whole blocks.  The pages exist after the last
 * step. */
BulletinPaginator *bulletin_paginator_new_pending (BulletinDisplayText        *display,
                                                   const BulletinPrintOptions *options,
                                                   PangoContext               *context,
                                                   double                      width,
                                                   double                      height,
                                                   guint                       start,
                                                   guint                       end);
gboolean           bulletin_paginator_step        (BulletinPaginator          *self,
                                                   guint                       max_chars);
guint              bulletin_paginator_get_n_pages (BulletinPaginator          *self);
/* The height of the one long page (@height 0), or the page height. */
double             bulletin_paginator_get_height  (BulletinPaginator          *self);
/* Draws page @page (0-based) with its top-left corner at the origin. */
void               bulletin_paginator_draw_page   (BulletinPaginator          *self,
                                                   cairo_t                    *cr,
                                                   guint                       page);

/**
 * BulletinPlacedLine:
 * @line: the line
 * @x: left edge of its logical extents
 * @baseline: baseline
 * @kind: the role of its block
 * @first: the first line of its block
 * @last: the last line of its block
 * @body: a body line (not header, footer or notes)
 *
 * Where a line went, for tests and benchmarks.
 */
typedef struct {
  PangoLayoutLine *line;
  double           x;
  double           baseline;
  int              kind;
  gboolean         first;
  gboolean         last;
  gboolean         body;
} BulletinPlacedLine;

/* The lines of page @page. */
const BulletinPlacedLine *bulletin_paginator_get_lines (BulletinPaginator *self,
                                                        guint              page,
                                                        guint             *n_lines);

/* Pango context for paper: resolution 72 (units are points), no hinting. */
PangoContext *bulletin_paginator_create_context (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinPaginator, bulletin_paginator_free)

G_END_DECLS
