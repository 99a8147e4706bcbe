/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "bulletin-paginator.h"
#include "bulletin-typesetter.h"

void
bulletin_print_options_init (BulletinPrintOptions *options)
{
  memset (options, 0, sizeof *options);
  options->font_size = 10.5;
  options->line_spacing = 1.75;
}

static const struct {
  const char *name;
  double      width, height;   /* points */
} papers[] = {
  [BULLETIN_PAPER_A4] = { "a4", 595.276, 841.890 },
  [BULLETIN_PAPER_A5] = { "a5", 419.528, 595.276 },
  [BULLETIN_PAPER_B5] = { "b5", 498.898, 708.661 },   /* ISO B5, 176 x 250 mm */
  [BULLETIN_PAPER_LETTER] = { "letter", 612.0, 792.0 },
};

gboolean
bulletin_paper_from_name (const char    *name,
                          BulletinPaper *paper)
{
  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    if (name != NULL && g_ascii_strcasecmp (name, papers[i].name) == 0)
      {
        *paper = i;
        return TRUE;
      }
  return FALSE;
}

void
bulletin_paper_get_size (BulletinPaper  paper,
                         double        *width,
                         double        *height)
{
  g_return_if_fail (paper < G_N_ELEMENTS (papers));

  *width = papers[paper].width;
  *height = papers[paper].height;
}

PangoContext *
bulletin_paginator_create_context (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Units are points; outlines exact, as on paper. */
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);
  return context;
}

typedef struct {
  PangoLayout *layout;
  int          kind;
  double       pitch;
  double       above;
  double       below;
  double       margin;     /* left margin of the block in the body */
  double       ascent;     /* of its face: where the baseline sits in a line */
  double       descent;
  gboolean     keep_with_next;
  gboolean     body;
  gboolean     head_gap;   /* the first body block: the headline gap above */
  GArray      *lines;      /* BulletinPlacedLine, x filled, baseline not */
} Block;

typedef struct {
  GArray *lines;           /* BulletinPlacedLine */
} Page;

struct _BulletinPaginator {
  BulletinTypesetter *typesetter;
  PangoContext       *context;
  BulletinPrintOptions options;
  char               *paper_name, *issue_date, *issue_number, *archive_name;
  double              width, height;
  double              left, right, top, bottom;
  GArray             *set;       /* BulletinSetBlock, owns the body layouts */
  GPtrArray          *layouts;   /* other layouts */
  GArray             *blocks;    /* Block */
  GArray             *pages;     /* Page */
  double              long_height;
  double              column;
  guint               start, end;     /* the display range */
  guint               body_start;
  guint               next_span;      /* set so far */
  gboolean            done;
  GStrv               notes;
};

static void
set_block_clear (gpointer data)
{
  g_clear_object (&((BulletinSetBlock *)data)->layout);
}

static void
block_clear (gpointer data)
{
  Block *block = data;

  g_array_unref (block->lines);
}

static void
page_clear (gpointer data)
{
  Page *page = data;

  g_array_unref (page->lines);
}

static void
add_block (BulletinPaginator *self,
           PangoLayout       *layout,
           int                kind,
           double             scale,
           gboolean           sans,
           PangoWeight        weight,
           double             pitch,
           double             above,
           double             below,
           double             margin,
           gboolean           body)
{
  Block block = { layout, kind, pitch, above, below, margin, 0, 0, FALSE, body, FALSE, NULL };
  PangoLayoutIter *iter;

  bulletin_typesetter_get_metrics (self->typesetter, self->context, scale, sans, weight,
                                   &block.ascent, &block.descent);
  block.keep_with_next = body && kind != BULLETIN_BLOCK_PARAGRAPH && kind != BULLETIN_BLOCK_QUOTE &&
                         kind != BULLETIN_BLOCK_LIST_ITEM && kind != BULLETIN_BLOCK_SOURCE;
  block.lines = g_array_new (FALSE, TRUE, sizeof (BulletinPlacedLine));
  iter = pango_layout_get_iter (layout);
  do
    {
      BulletinPlacedLine line = { 0 };
      PangoRectangle logical;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      line.line = pango_layout_iter_get_line_readonly (iter);
      line.x = margin + (double)logical.x / PANGO_SCALE;
      line.kind = kind;
      line.body = body;
      g_array_append_val (block.lines, line);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  g_array_index (block.lines, BulletinPlacedLine, 0).first = TRUE;
  g_array_index (block.lines, BulletinPlacedLine, block.lines->len - 1).last = TRUE;
  g_array_append_val (self->blocks, block);
}

static Page *
new_page (BulletinPaginator *self)
{
  Page page = { g_array_new (FALSE, TRUE, sizeof (BulletinPlacedLine)) };

  g_array_append_val (self->pages, page);
  return &g_array_index (self->pages, Page, self->pages->len - 1);
}

#define MIN_LINES 2   /* of a paragraph at the foot or the top of a page */

/* How many of the @rest lines left of a block go on a page with room for
 * @fits more: all if they fit; else at least MIN_LINES at the foot (no
 * orphan) and at least MIN_LINES left for the next page (no widow), so a
 * block of up to 2 * MIN_LINES - 1 lines is never split; 0 for none.  On
 * an empty page (@page_empty) a page too small for the rules takes what
 * fits, at least a line. */
static guint
lines_to_take (guint    rest,
               guint    fits,
               gboolean page_empty)
{
  guint take;

  if (rest <= fits)
    return rest;
  take = fits;
  if (rest - take < MIN_LINES)
    take = rest > MIN_LINES ? rest - MIN_LINES : 0;
  if (take < MIN_LINES)
    take = 0;
  if (take == 0 && page_empty)
    take = MAX (1, fits);
  return take;
}

/* How many lines of @pitch fit in the @room left of a page. */
static guint
lines_that_fit (double room,
                double pitch)
{
  const double eps = 0.01;

  return room + eps >= pitch ? (guint)floor ((room + eps) / pitch) : 0;
}

/* The space above block @b when it is not the first on its page, after
 * a block that wants @below under it. */
static double
gap_above (BulletinPaginator *self,
           guint              b,
           double             below)
{
  Block *block = &g_array_index (self->blocks, Block, b);
  Block *prev;
  double gap;

  if (!block->head_gap || b == 0)
    return below + block->above;

  /* The one headline gap, between the logical boxes of the last
   * headline-block line and the first body line, whatever their roles'
   * pitches. */
  prev = &g_array_index (self->blocks, Block, b - 1);
  gap = block->above - (prev->pitch - prev->ascent - prev->descent) / 2
                     - (block->pitch - block->ascent - block->descent) / 2;
  return MAX (0, gap);
}

/* Whether the blocks that keep with what follows, from @b up to @last
 * (a headline block, one subhead or several in a row), go on a page with
 * @room after @y used (@gap above @b), and with them as many lines of
 * the block after @last as the rules let stand alone at a page's foot
 * (two, or all of a short paragraph).  A run ending the article needs
 * only itself. */
static gboolean
keep_run_fits (BulletinPaginator *self,
               guint              b,
               guint              last,
               double             y,
               double             gap,
               double             room)
{
  const double eps = 0.01;
  double below = 0;
  Block *next;

  for (guint c = b; c <= last; c++)
    {
      Block *block = &g_array_index (self->blocks, Block, c);

      y += (c == b ? gap : gap_above (self, c, below)) + block->lines->len * block->pitch;
      below = block->below;
    }
  if (y > room + eps)
    return FALSE;
  if (last + 1 >= self->blocks->len)
    return TRUE;
  next = &g_array_index (self->blocks, Block, last + 1);
  return lines_to_take (next->lines->len,
                        lines_that_fit (room - y - gap_above (self, last + 1, below), next->pitch),
                        FALSE) > 0;
}

static void
paginate (BulletinPaginator *self)
{
  double room = self->height > 0 ? self->height - self->top - self->bottom : G_MAXDOUBLE;
  Page *page = new_page (self);
  double y = 0;           /* used height of the page's body */
  double below = 0;       /* space the previous block wants below it */

  for (guint b = 0; b < self->blocks->len; b++)
    {
      Block *block = &g_array_index (self->blocks, Block, b);
      guint n = block->lines->len, i = 0;
      double gap = y > 0 ? gap_above (self, b, below) : 0;

      /* A headline, subhead or dateline goes with the first lines of
       * what follows, or to the next page; so do several in a row (two
       * subheads, a headline and its byline), all of them together when
       * they fit on a page, else as many as do. */
      if (block->keep_with_next && self->height > 0 && y > 0)
        {
          guint last = b;

          while (last + 1 < self->blocks->len &&
                 g_array_index (self->blocks, Block, last + 1).keep_with_next)
            last++;
          while (last > b && !keep_run_fits (self, b, last, 0, 0, room))
            last--;
          if (!keep_run_fits (self, b, last, y, gap, room) && keep_run_fits (self, b, last, 0, 0, room))
            {
              page = new_page (self);
              y = 0;
              gap = 0;
            }
        }

      while (i < n)
        {
          guint take;

          if (self->height <= 0)
            take = n - i;
          else
            take = lines_to_take (n - i, lines_that_fit (room - y - gap, block->pitch), y == 0);

          if (take == 0)
            {
              page = new_page (self);
              y = 0;
              gap = 0;
              continue;
            }

          y += gap;
          for (guint k = 0; k < take; k++, i++)
            {
              BulletinPlacedLine line = g_array_index (block->lines, BulletinPlacedLine, i);

              line.baseline = self->top + y + (block->pitch - block->ascent - block->descent) / 2 + block->ascent;
              g_array_append_val (page->lines, line);
              y += block->pitch;
            }
          gap = 0;
          if (i < n)
            {
              page = new_page (self);
              y = 0;
            }
        }
      below = block->below;
    }

  self->long_height = self->top + y + self->bottom;
}

BulletinPaginator *
bulletin_paginator_new_pending (BulletinDisplayText        *display,
                                const BulletinPrintOptions *options,
                                PangoContext               *context,
                                double                      width,
                                double                      height,
                                guint                       start,
                                guint                       end)
{
  BulletinPaginator *self = g_new0 (BulletinPaginator, 1);
  double em;

  g_return_val_if_fail (display != NULL && options != NULL && context != NULL, NULL);

  self->options = *options;
  self->options.notes = NULL;
  self->notes = g_strdupv ((char **)options->notes);
  self->paper_name = g_strdup (options->paper_name);
  self->issue_date = g_strdup (options->issue_date);
  self->issue_number = g_strdup (options->issue_number);
  self->archive_name = g_strdup (options->archive_name);
  self->context = g_object_ref (context);
  self->width = width;
  self->height = height;
  self->start = start;
  self->end = end;
  self->body_start = bulletin_typesetter_get_body_start (display);
  self->typesetter = bulletin_typesetter_new (display, options->family, options->sans,
                                              options->font_size > 0 ? options->font_size : 10.5);
  bulletin_typesetter_set_line_spacing (self->typesetter, options->line_spacing > 0 ? options->line_spacing : 1.75);
  em = bulletin_typesetter_get_size (self->typesetter);
  self->layouts = g_ptr_array_new_with_free_func (g_object_unref);
  self->blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  g_array_set_clear_func (self->blocks, block_clear);
  self->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  g_array_set_clear_func (self->pages, page_clear);
  self->set = g_array_new (FALSE, TRUE, sizeof (BulletinSetBlock));

  if (height > 0)
    {
      /* Paper: margins of about a tenth of the width, the running header
       * and the footer in the top and bottom margins. */
      self->left = self->right = MAX (width * 0.1, 2 * em);
      self->top = MAX (height * 0.08, 5 * em);
      self->bottom = MAX (height * 0.07, 4 * em);
    }
  else
    {
      /* An image: narrower margins, a footer band below the text. */
      self->left = self->right = MAX (width * 0.06, em);
      self->top = self->left;
      self->bottom = self->left + 6 * em;
    }
  /* The measure: a whole number of em for the body, so that justified
   * lines of Han characters need no stretching at all. */
  self->column = floor ((width - self->left - self->right) / em) * em;
  self->left = self->right = (width - self->column) / 2;
  return self;
}

/* The notes and the pages, once every block is set. */
static void
finish (BulletinPaginator *self)
{
  double em = bulletin_typesetter_get_size (self->typesetter);
  gboolean cjk = bulletin_typesetter_get_script (self->typesetter) != BULLETIN_SCRIPT_LATIN;

  /* The article's notes, numbered, at the end. */
  if (self->notes != NULL && self->notes[0] != NULL)
    {
      PangoLayout *layout;
      double pitch = 1.6 * em * 0.9;

      layout = bulletin_typesetter_new_text_layout (self->typesetter, self->context, _("Notes"),
                                                    1.0, TRUE, PANGO_WEIGHT_BOLD, self->column);
      g_ptr_array_add (self->layouts, layout);
      add_block (self, layout, BULLETIN_BLOCK_HEADING, 1.0, TRUE, PANGO_WEIGHT_BOLD,
                 1.5 * em, 2 * em, 0.3 * em, 0, FALSE);
      g_array_index (self->blocks, Block, self->blocks->len - 1).keep_with_next = TRUE;
      for (guint i = 0; self->notes[i] != NULL; i++)
        {
          g_autofree char *text = g_strdup_printf ("%u. %s", i + 1, self->notes[i]);

          layout = bulletin_typesetter_new_text_layout (self->typesetter, self->context, text,
                                                        0.9, FALSE, PANGO_WEIGHT_NORMAL, self->column - 1.5 * em);
          pango_layout_set_indent (layout, (int)round (-1.5 * em * PANGO_SCALE));
          pango_layout_set_justify (layout, cjk);
          g_ptr_array_add (self->layouts, layout);
          add_block (self, layout, BULLETIN_BLOCK_PARAGRAPH, 0.9, FALSE, PANGO_WEIGHT_NORMAL,
                     pitch, 0.2 * em, 0, 1.5 * em, FALSE);
        }
    }

  if (self->blocks->len > 0)
    paginate (self);
  else
    {
      /* An article without text: a page with its header and footer */
      new_page (self);
      self->long_height = self->top + self->bottom;
    }
  self->done = TRUE;
}

gboolean
bulletin_paginator_step (BulletinPaginator *self,
                         guint              max_chars)
{
  BulletinDisplayText *display = bulletin_typesetter_get_display (self->typesetter);
  const BulletinSpan *spans;
  guint n_spans, first = self->next_span, last;
  double em = bulletin_typesetter_get_size (self->typesetter);
  g_autoptr(GArray) set = NULL;

  if (self->done)
    return TRUE;

  spans = bulletin_display_text_get_spans (display, &n_spans);
  /* about @max_chars characters of whole blocks, never parting a run-in
   * dateline from its paragraph */
  last = first;
  while (last < n_spans && (last == first || spans[last].end - spans[first].start < max_chars))
    last++;
  while (last < n_spans && last > first && bulletin_typesetter_is_run_in (display, last - 1))
    last++;

  if (first < n_spans)
    {
      set = bulletin_typesetter_set_span_blocks (self->typesetter, self->context, self->column,
                                                 first, last, self->start, self->end);
      for (guint i = 0; i < set->len; i++)
        {
          BulletinSetBlock *block = &g_array_index (set, BulletinSetBlock, i);
          const BulletinRoleStyle *style = bulletin_typesetter_get_role_style (block->kind);

          add_block (self, block->layout, block->kind, style->scale, style->sans, style->weight,
                     block->pitch, block->above, block->below, style->margin * em, TRUE);
          g_array_index (self->blocks, Block, self->blocks->len - 1).head_gap =
            block->first_span == self->body_start && self->body_start > 0 && self->start == 0;
        }
      /* the layouts move to self->set, which frees them */
      g_array_append_vals (self->set, set->data, set->len);
      g_array_set_clear_func (set, NULL);
    }
  self->next_span = last;

  if (last >= n_spans)
    finish (self);
  return self->done;
}

BulletinPaginator *
bulletin_paginator_new (BulletinDisplayText        *display,
                        const BulletinPrintOptions *options,
                        PangoContext               *context,
                        double                      width,
                        double                      height,
                        guint                       start,
                        guint                       end)
{
  BulletinPaginator *self = bulletin_paginator_new_pending (display, options, context, width, height, start, end);

  while (!bulletin_paginator_step (self, G_MAXUINT))
    ;
  return self;
}

void
bulletin_paginator_free (BulletinPaginator *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->pages, g_array_unref);
  g_clear_pointer (&self->blocks, g_array_unref);
  if (self->set != NULL)
    {
      g_array_set_clear_func (self->set, set_block_clear);
      g_array_unref (self->set);
    }
  g_strfreev (self->notes);
  g_ptr_array_unref (self->layouts);
  bulletin_typesetter_free (self->typesetter);
  g_object_unref (self->context);
  g_free (self->paper_name);
  g_free (self->issue_date);
  g_free (self->issue_number);
  g_free (self->archive_name);
  g_free (self);
}

guint
bulletin_paginator_get_n_pages (BulletinPaginator *self)
{
  g_return_val_if_fail (self->done, 0);

  return self->pages->len;
}

double
bulletin_paginator_get_height (BulletinPaginator *self)
{
  return self->height > 0 ? self->height : ceil (self->long_height);
}

const BulletinPlacedLine *
bulletin_paginator_get_lines (BulletinPaginator *self,
                              guint              page,
                              guint             *n_lines)
{
  Page *p;

  g_return_val_if_fail (page < self->pages->len, NULL);
  p = &g_array_index (self->pages, Page, page);
  *n_lines = p->lines->len;
  return (const BulletinPlacedLine *)(gpointer)p->lines->data;
}

/* A line of small print at @baseline: @align 0 left, 1 centre, 2 right. */
static void
show_small (BulletinPaginator *self,
            cairo_t           *cr,
            const char        *text,
            double             baseline,
            int                align)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;
  double x;

  if (text == NULL || *text == '\0')
    return;
  layout = bulletin_typesetter_new_text_layout (self->typesetter, self->context, text,
                                                0.8, TRUE, PANGO_WEIGHT_NORMAL, 0);
  pango_layout_get_extents (layout, NULL, &logical);
  x = align == 0 ? self->left
    : align == 1 ? (self->width - (double)logical.width / PANGO_SCALE) / 2
    : self->width - self->right - (double)logical.width / PANGO_SCALE;
  cairo_move_to (cr, x, baseline);
  pango_cairo_show_layout_line (cr, pango_layout_get_line_readonly (layout, 0));
}

static char *
dup_issue_label (BulletinPaginator *self)
{
  if (self->issue_number != NULL && *self->issue_number != '\0' &&
      self->issue_date != NULL && *self->issue_date != '\0')
    /* Translators: issue date and number in a page's running header */
    return g_strdup_printf (_("%s · No. %s"), self->issue_date, self->issue_number);
  if (self->issue_number != NULL && *self->issue_number != '\0')
    return g_strdup_printf (_("No. %s"), self->issue_number);
  return g_strdup (self->issue_date);
}

void
bulletin_paginator_draw_page (BulletinPaginator *self,
                              cairo_t           *cr,
                              guint              page)
{
  const BulletinPlacedLine *lines;
  guint n_lines;
  double em = bulletin_typesetter_get_size (self->typesetter);
  g_autofree char *issue = dup_issue_label (self);

  g_return_if_fail (page < self->pages->len);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  lines = bulletin_paginator_get_lines (self, page, &n_lines);
  for (guint i = 0; i < n_lines; i++)
    {
      cairo_move_to (cr, self->left + lines[i].x, lines[i].baseline);
      pango_cairo_show_layout_line (cr, lines[i].line);
    }

  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  if (self->height > 0)
    {
      g_autofree char *folio = NULL;

      /* The running header: paper on the left, date and number on the
       * right, over a hairline. */
      show_small (self, cr, self->paper_name, self->top - 1.6 * em, 0);
      show_small (self, cr, issue, self->top - 1.6 * em, 2);
      cairo_set_line_width (cr, 0.5);
      cairo_move_to (cr, self->left, self->top - 1.1 * em);
      cairo_line_to (cr, self->width - self->right, self->top - 1.1 * em);
      cairo_stroke (cr);

      /* Translators: a page's footer, page 1 of 3 */
      folio = g_strdup_printf (_("Page %u of %u"), page + 1, self->pages->len);
      show_small (self, cr, folio, self->height - self->bottom + 2.2 * em, 1);
    }
  else
    {
      double height = bulletin_paginator_get_height (self);
      double y = height - self->bottom + 2 * em;
      g_autofree char *archive = NULL;

      /* An image's footer: paper, issue and date; the archive. */
      cairo_set_line_width (cr, 0.5);
      cairo_move_to (cr, self->left, y);
      cairo_line_to (cr, self->width - self->right, y);
      cairo_stroke (cr);
      show_small (self, cr, self->paper_name, y + 1.6 * em, 0);
      show_small (self, cr, issue, y + 1.6 * em, 2);
      if (self->archive_name != NULL && *self->archive_name != '\0')
        /* Translators: the footer of an exported image */
        archive = g_strdup_printf (_("From the archive %s · Bulletin Reader"), self->archive_name);
      else
        archive = g_strdup (_("Bulletin Reader"));
      show_small (self, cr, archive, y + 3.0 * em, 0);
    }
  cairo_restore (cr);
}
