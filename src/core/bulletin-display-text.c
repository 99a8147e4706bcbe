/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-display-text.h"

typedef struct {
  guint display;
  guint source;
  guint length;
} Run;

struct _BulletinDisplayText
{
  BulletinArticle      *article;
  BulletinDisplayFlags  flags;
  GString              *text;
  guint                 length;
  GArray               *spans;  /* BulletinSpan */
  GArray               *runs;   /* Run, increasing on both sides */
};

G_DEFINE_BOXED_TYPE (BulletinDisplayText, bulletin_display_text,
                     bulletin_display_text_ref, bulletin_display_text_unref)

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

/* CJK punctuation and full-width forms count as Chinese context too:
 * in "“疫”,", the comma follows a Chinese quotation mark. */
static gboolean
is_cjk_context (gunichar c)
{
  return is_han (c) ||
         (c >= 0x3000 && c <= 0x303F) ||     /* CJK symbols and punctuation */
         (c >= 0xFF01 && c <= 0xFF60) ||     /* full-width forms */
         c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || /* “”‘’ */
         c == 0x2014 || c == 0x2026;         /* — … */
}

gunichar
bulletin_display_widen_char (gunichar prev,
                             gunichar c,
                             gunichar next)
{
  gunichar wide;

  switch (c)
    {
    case ',': wide = 0xFF0C; break;
    case '!': wide = 0xFF01; break;
    case '(': wide = 0xFF08; break;
    case ')': wide = 0xFF09; break;
    case ':': wide = 0xFF1A; break;
    case ';': wide = 0xFF1B; break;
    case '?': wide = 0xFF1F; break;
    default:
      return c;
    }

  /* 10:30, 3,5: numbers keep their punctuation. */
  if (g_unichar_isdigit (prev) && g_unichar_isdigit (next))
    return c;

  /* An opening bracket belongs to what follows, a closing one and the
   * others to what precedes; either side being Chinese is enough, as in
   * "(来源:新华社)" or "COVID-19!”". */
  if (is_cjk_context (prev) || is_cjk_context (next))
    return wide;

  return c;
}

static void
append_range (BulletinDisplayText *self,
              const char          *p,
              const char          *end,
              guint                source_start,
              gunichar             prev)
{
  Run run = { self->length, source_start, 0 };

  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next_p = g_utf8_next_char (p);
      gunichar next = next_p < end ? g_utf8_get_char (next_p) : 0;

      if (self->flags & BULLETIN_DISPLAY_WIDEN_PUNCTUATION)
        c = bulletin_display_widen_char (prev, c, next);

      /* A line break inside a block (a <br>, a multi-line caption) is a
       * line separator, so that the block stays one paragraph. */
      if (c == '\n')
        c = 0x2028;

      g_string_append_unichar (self->text, c);
      prev = g_utf8_get_char (p);
      p = next_p;
      run.length++;
    }

  if (run.length > 0)
    g_array_append_val (self->runs, run);
  self->length += run.length;
}

/**
 * bulletin_display_text_new:
 *
 * Returns: (transfer full): the display text of @article
 */
BulletinDisplayText *
bulletin_display_text_new (BulletinArticle      *article,
                           BulletinDisplayFlags  flags)
{
  BulletinDisplayText *self;
  guint n_blocks;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  self = g_rc_box_new0 (BulletinDisplayText);
  self->article = g_object_ref (article);
  self->flags = flags;
  self->text = g_string_sized_new (bulletin_article_get_source_bytes (article) + 16);
  self->spans = g_array_new (FALSE, FALSE, sizeof (BulletinSpan));
  self->runs = g_array_new (FALSE, FALSE, sizeof (Run));

  n_blocks = bulletin_article_get_n_blocks (article);
  for (guint i = 0; i < n_blocks; i++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, i);
      BulletinSpan span = { i, block->kind, 0, 0 };
      gunichar prev = 0;

      if (i > 0)
        {
          g_string_append_c (self->text, '\n');
          self->length++;
        }

      span.start = self->length;
      for (guint r = 0; r < block->n_ranges; r++)
        {
          const char *a = bulletin_article_offset_to_pointer (article, block->ranges[r].start);
          const char *b = bulletin_article_offset_to_pointer (article, block->ranges[r].end);

          append_range (self, a, b, block->ranges[r].start, prev);
          if (b > a)
            prev = g_utf8_get_char (g_utf8_prev_char (b));
        }
      span.end = self->length;
      g_array_append_val (self->spans, span);
    }

  return self;
}

/**
 * bulletin_display_text_ref:
 *
 * Returns: (transfer full): @self
 */
BulletinDisplayText *
bulletin_display_text_ref (BulletinDisplayText *self)
{
  return g_rc_box_acquire (self);
}

static void
display_text_clear (BulletinDisplayText *self)
{
  g_object_unref (self->article);
  g_string_free (self->text, TRUE);
  g_array_unref (self->spans);
  g_array_unref (self->runs);
}

void
bulletin_display_text_unref (BulletinDisplayText *self)
{
  g_rc_box_release_full (self, (GDestroyNotify)display_text_clear);
}

/**
 * bulletin_display_text_get_article:
 *
 * Returns: (transfer none): the article
 */
BulletinArticle *
bulletin_display_text_get_article (BulletinDisplayText *self)
{
  return self->article;
}

BulletinDisplayFlags
bulletin_display_text_get_flags (BulletinDisplayText *self)
{
  return self->flags;
}

/**
 * bulletin_display_text_get_text:
 *
 * Returns: (transfer none): the displayed text, NUL-terminated
 */
const char *
bulletin_display_text_get_text (BulletinDisplayText *self,
                                gsize               *n_bytes)
{
  if (n_bytes != NULL)
    *n_bytes = self->text->len;
  return self->text->str;
}

guint
bulletin_display_text_get_length (BulletinDisplayText *self)
{
  return self->length;
}

/**
 * bulletin_display_text_get_spans:
 *
 * Returns: (transfer none) (array length=n_spans): one span per block
 */
const BulletinSpan *
bulletin_display_text_get_spans (BulletinDisplayText *self,
                                 guint               *n_spans)
{
  *n_spans = self->spans->len;
  return (const BulletinSpan *)(gpointer)self->spans->data;
}

/* Index of the last run whose display (or source) start is <= @offset, or
 * -1 when @offset precedes every run. */
static gint
find_run (GArray   *runs,
          guint     offset,
          gboolean  by_source)
{
  gint lo = 0, hi = (gint)runs->len - 1, found = -1;

  while (lo <= hi)
    {
      gint mid = (lo + hi) / 2;
      const Run *run = &g_array_index (runs, Run, mid);
      guint key = by_source ? run->source : run->display;

      if (key <= offset)
        {
          found = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  return found;
}

/* A display offset inside a block maps to its source character; a block
 * separator maps to the end of the block before it. */
guint
bulletin_display_text_to_source (BulletinDisplayText *self,
                                 guint                display_offset)
{
  gint i = find_run (self->runs, display_offset, FALSE);
  const Run *run;

  if (i < 0)
    return self->runs->len > 0 ? g_array_index (self->runs, Run, 0).source : 0;

  run = &g_array_index (self->runs, Run, i);
  if (display_offset < run->display + run->length)
    return run->source + (display_offset - run->display);
  return run->source + run->length;
}

/* A source offset of a displayed character maps to its display position;
 * one in text that is not displayed (page-break debris, blank lines
 * between blocks) maps to the next displayed character. */
guint
bulletin_display_text_from_source (BulletinDisplayText *self,
                                   guint                source_offset)
{
  gint i = find_run (self->runs, source_offset, TRUE);
  const Run *run;

  if (i < 0)
    return 0;

  run = &g_array_index (self->runs, Run, i);
  if (source_offset < run->source + run->length)
    return run->display + (source_offset - run->source);
  if ((guint)i + 1 < self->runs->len)
    return g_array_index (self->runs, Run, i + 1).display;
  return run->display + run->length;
}

/**
 * bulletin_display_text_dup_range:
 *
 * Returns: (transfer full): the displayed text of [@start, @end)
 */
char *
bulletin_display_text_dup_range (BulletinDisplayText *self,
                                 guint                start,
                                 guint                end)
{
  const char *a, *b;

  g_return_val_if_fail (start <= end, NULL);

  start = MIN (start, self->length);
  end = MIN (end, self->length);
  a = g_utf8_offset_to_pointer (self->text->str, start);
  b = g_utf8_offset_to_pointer (a, end - start);
  return g_strndup (a, b - a);
}
