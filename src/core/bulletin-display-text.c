/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-display-text.h"
#include "bulletin-language.h"
#include "bulletin-unicode.h"
#include "bulletin-utf8-private.h"

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
  GArray               *breaks; /* guint: display offsets of inserted piece breaks */
};

G_DEFINE_BOXED_TYPE (BulletinDisplayText, bulletin_display_text,
                     bulletin_display_text_ref, bulletin_display_text_unref)

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
  if (bulletin_unichar_is_chinese_context (prev) || bulletin_unichar_is_chinese_context (next))
    return wide;

  return c;
}

/**
 * bulletin_display_widen_text:
 *
 * Widens the punctuation of @text as the display text does, for text
 * shown outside the reader (search snippets); character offsets into
 * @text stay valid in the result.
 *
 * Returns: (transfer full): the widened text
 */
char *
bulletin_display_widen_text (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 16);
  gunichar prev = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *n = g_utf8_next_char (p);

      g_string_append_unichar (out, bulletin_display_widen_char (prev, c, *n ? g_utf8_get_char (n) : 0));
      prev = c;
    }
  return g_string_free (out, FALSE);
}

/* Bytes that may change on display: the punctuation that widens, and the
 * line break inside a block.  Everything else is copied as it is. */
static const guint8 special_byte[256] = {
  ['\n'] = 1, [','] = 1, ['!'] = 1, ['('] = 1, [')'] = 1, [':'] = 1, [';'] = 1, ['?'] = 1,
};

static inline const char *
skip_chars (const char *p,
            guint       n)
{
  return skip_utf8_chars (p, n);
}

static void
append_range (BulletinDisplayText *self,
              const char          *p,
              const char          *end,
              guint                source_start,
              guint                n_chars,
              gunichar             prev)
{
  Run run = { self->length, source_start, 0 };
  const char *copied = p;
  const char *start = p;
  gboolean widen = (self->flags & BULLETIN_DISPLAY_WIDEN_PUNCTUATION) != 0;

  /* Copy stretches of ordinary bytes at once; look at each special
   * byte with the characters around it. */
  for (; p < end; p++)
    {
      gunichar c, before, after;

      /* eight bytes of multi-byte characters (Chinese text): none special */
      if (end - p >= 8)
        {
          guint64 x;

          memcpy (&x, p, 8);
          if ((x & G_GUINT64_CONSTANT (0x8080808080808080)) == G_GUINT64_CONSTANT (0x8080808080808080))
            {
              p += 7;
              continue;
            }
        }
      if (!special_byte[(guchar)*p])
        continue;

      c = (guchar)*p;
      if (c == '\n')
        c = 0x2028;   /* a line break inside a block keeps it one paragraph */
      else if (widen)
        {
          before = p > start ? g_utf8_get_char (g_utf8_prev_char (p)) : prev;
          after = p + 1 < end ? g_utf8_get_char (p + 1) : 0;
          c = bulletin_display_widen_char (before, c, after);
        }
      if (c == (guchar)*p)
        continue;

      g_string_append_len (self->text, copied, p - copied);
      g_string_append_unichar (self->text, c);
      copied = p + 1;
    }
  g_string_append_len (self->text, copied, end - copied);

  /* each character is replaced by one: the run covers the whole range */
  run.length = n_chars;
  if (run.length > 0)
    g_array_append_val (self->runs, run);
  self->length += run.length;
}

/* Characters of one paragraph that the reader lays out at once: a text
 * view lays out a paragraph in a single Pango layout, and a paragraph of
 * 100,000 characters (extracted text without line ends) would freeze the
 * window for most of a second. */
#define PIECE_CHARS 2000

static void
break_long_blocks (BulletinDisplayText *self)
{
  g_autoptr(GArray) cuts = NULL;
  g_autoptr(GArray) runs = NULL;
  GString *text;
  const char *p;
  guint done = 0, shift = 0, c = 0;
  gboolean any = FALSE;

  /* most articles have no block that long */
  for (guint i = 0; i < self->spans->len && !any; i++)
    {
      const BulletinSpan *sp = &g_array_index (self->spans, BulletinSpan, i);

      any = sp->end - sp->start > PIECE_CHARS;
    }
  if (!any)
    return;

  cuts = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self->spans->len; i++)
    {
      const BulletinSpan *sp = &g_array_index (self->spans, BulletinSpan, i);
      g_autoptr(GArray) splits = NULL;

      if (sp->end - sp->start <= PIECE_CHARS)
        continue;
      splits = bulletin_display_text_dup_splits (self, i, PIECE_CHARS);
      g_array_append_vals (cuts, splits->data, splits->len);
    }
  if (cuts->len == 0)
    return;

  /* the text, with a line break before each cut */
  text = g_string_sized_new (self->text->len + cuts->len);
  p = self->text->str;
  for (guint i = 0; i < cuts->len; i++)
    {
      guint cut = g_array_index (cuts, guint, i);
      const char *q = g_utf8_offset_to_pointer (p, cut - done);
      guint at = cut + i;

      g_string_append_len (text, p, q - p);
      g_string_append_c (text, '\n');
      g_array_append_val (self->breaks, at);
      p = q;
      done = cut;
    }
  g_string_append (text, p);
  g_string_free (self->text, TRUE);
  self->text = text;
  self->length += cuts->len;

  /* runs move on by the breaks before them; a run a break falls into
   * is cut in two */
  runs = g_array_sized_new (FALSE, FALSE, sizeof (Run), self->runs->len + cuts->len);
  for (guint i = 0; i < self->runs->len; i++)
    {
      Run run = g_array_index (self->runs, Run, i);

      while (c < cuts->len && g_array_index (cuts, guint, c) <= run.display)
        c++, shift++;
      while (c < cuts->len && g_array_index (cuts, guint, c) < run.display + run.length)
        {
          guint cut = g_array_index (cuts, guint, c);
          Run head = { run.display + shift, run.source, cut - run.display };

          g_array_append_val (runs, head);
          run.source += head.length;
          run.length -= head.length;
          run.display = cut;
          c++, shift++;
        }
      run.display += shift;
      g_array_append_val (runs, run);
    }
  g_array_unref (self->runs);
  self->runs = g_steal_pointer (&runs);

  /* spans grow by the breaks inside them, and move by those before */
  c = 0;
  for (guint i = 0; i < self->spans->len; i++)
    {
      BulletinSpan *sp = &g_array_index (self->spans, BulletinSpan, i);
      guint before = 0, inside = 0;

      for (guint k = 0; k < cuts->len; k++)
        {
          guint cut = g_array_index (cuts, guint, k);

          if (cut <= sp->start)
            before++;
          else if (cut < sp->end)
            inside++;
        }
      sp->start += before;
      sp->end += before + inside;
    }
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
  guint n_blocks, source_length, cur_offset;
  const char *cur;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  self = g_rc_box_new0 (BulletinDisplayText);
  self->article = g_object_ref (article);
  self->flags = flags;
  self->text = g_string_sized_new (bulletin_article_get_source_bytes (article) + 16);
  n_blocks = bulletin_article_get_n_blocks (article);
  /* one span a block, a run for most: allocated once, not grown */
  self->spans = g_array_sized_new (FALSE, FALSE, sizeof (BulletinSpan), n_blocks);
  self->runs = g_array_sized_new (FALSE, FALSE, sizeof (Run), n_blocks + 4);
  self->breaks = g_array_new (FALSE, FALSE, sizeof (guint));

  source_length = bulletin_article_get_source_length (article);
  cur = bulletin_article_get_source (article);
  cur_offset = 0;
  for (guint i = 0, number = 0; i < n_blocks; i++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, i);
      BulletinSpan span = { i, block->kind, 0, 0 };
      gunichar prev = 0;

      if (i > 0)
        {
          g_string_append_c (self->text, '\n');
          self->length++;
        }
      /* a block starts a new context: what ends the one before does not
       * widen what starts this one */

      span.start = self->length;

      /* A list item starts with its marker: display-only text, like the
       * newline between blocks, in no run of the map (it maps to where the
       * block before ended), so offsets into the source are unchanged. */
      if (block->kind == BULLETIN_BLOCK_LIST_ITEM)
        {
          const BulletinBlock *before = i > 0 ? bulletin_article_get_block (article, i - 1) : NULL;

          if (before == NULL || before->kind != BULLETIN_BLOCK_LIST_ITEM ||
              before->ordered != block->ordered || before->level != block->level)
            number = 0;
          number++;
          if (block->ordered)
            {
              char marker[16];
              int n = g_snprintf (marker, sizeof marker, "%u. ", number);

              g_string_append_len (self->text, marker, n);
              self->length += n;
            }
          else
            {
              /* U+2022 BULLET and a space */
              g_string_append (self->text, "\xe2\x80\xa2 ");
              self->length += 2;
            }
        }

      for (guint r = 0; r < block->n_ranges; r++)
        {
          guint rs = block->ranges[r].start, re = MAX (block->ranges[r].end, rs);
          const char *a, *b;

          re = MIN (re, source_length);
          rs = MIN (rs, re);
          /* ranges come in order, mostly close to each other: walk on
           * from the last one rather than look each up */
          if (rs >= cur_offset && rs - cur_offset <= 1024)
            a = skip_chars (cur, rs - cur_offset);
          else
            a = bulletin_article_offset_to_pointer (article, rs);
          b = skip_chars (a, re - rs);
          cur = b;
          cur_offset = re;

          append_range (self, a, b, rs, re - rs, prev);
          if (b > a)
            prev = g_utf8_get_char (g_utf8_prev_char (b));
        }
      span.end = self->length;
      g_array_append_val (self->spans, span);
    }

  break_long_blocks (self);

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
  g_array_unref (self->breaks);
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
static guint
from_source_in_run (BulletinDisplayText *self,
                    gint                 i,
                    guint                source_offset)
{
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

guint
bulletin_display_text_from_source (BulletinDisplayText *self,
                                   guint                source_offset)
{
  return from_source_in_run (self, find_run (self->runs, source_offset, TRUE), source_offset);
}

/**
 * bulletin_display_text_from_source_sorted:
 * @cursor: (inout): 0 before the first call, then kept between calls
 *
 * bulletin_display_text_from_source () for many offsets in increasing
 * order (the hits of a search): each call walks on from the run the last
 * one found instead of searching all the runs.  Offsets out of order give
 * the same results, only without the gain.
 */
guint
bulletin_display_text_from_source_sorted (BulletinDisplayText *self,
                                          guint                source_offset,
                                          guint               *cursor)
{
  guint i = *cursor, steps = 0;
  GArray *runs = self->runs;

  if (runs->len == 0)
    return 0;
  if (i >= runs->len || g_array_index (runs, Run, i).source > source_offset)
    {
      gint found = find_run (runs, source_offset, TRUE);

      *cursor = found < 0 ? 0 : (guint)found;
      return from_source_in_run (self, found, source_offset);
    }
  while (i + 1 < runs->len && g_array_index (runs, Run, i + 1).source <= source_offset)
    {
      /* far ahead: search the rest instead */
      if (++steps == 16)
        {
          i = (guint)find_run (runs, source_offset, TRUE);
          break;
        }
      i++;
    }
  *cursor = i;
  return from_source_in_run (self, (gint)i, source_offset);
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

static gboolean
ends_sentence (gunichar c)
{
  return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == '!' || c == '?' ||
         c == 0xFF1B || c == ';' || c == 0x2026;
}

static gboolean
ends_clause (gunichar c)
{
  return c == 0xFF0C || c == ',' || c == 0x3001 || c == 0xFF1A || c == ':';
}

static gboolean
closes (gunichar c)
{
  return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F || c == 0xFF09 ||
         c == ')' || c == 0x300B || c == 0x3011;
}

static gboolean
is_word_char (gunichar c)
{
  return c < 0x80 && (g_ascii_isalnum (c) || c == '.' || c == '%' || c == '-');
}

/**
 * bulletin_display_text_dup_splits:
 * @self: a display text
 * @span: index of a span (a block)
 * @max_chars: the longest piece wanted, in characters (at least 16)
 *
 * Where to cut a long block into pieces of at most @max_chars characters
 * each, so that a reader can lay out a huge paragraph one piece at a time
 * (the offset map and the spans stay those of the whole paragraph).
 * Pieces end after a sentence (。！？；… and any closing quotation
 * marks), else after a clause (，、：), else between characters that are
 * not inside a Latin word or a number.
 *
 * Returns: (transfer full) (element-type guint): the display offsets at
 *   which a new piece starts, ascending, inside the span (its start not
 *   included); empty when the block fits in one piece
 */
GArray *
bulletin_display_text_dup_splits (BulletinDisplayText *self,
                                  guint                span,
                                  guint                max_chars)
{
  GArray *splits = g_array_new (FALSE, FALSE, sizeof (guint));
  const BulletinSpan *sp;
  const char *p;
  guint offset, piece_start, sentence = 0, clause = 0, safe = 0;
  gunichar prev = 0;
  gboolean sentence_end = FALSE;

  g_return_val_if_fail (self != NULL, splits);
  g_return_val_if_fail (span < self->spans->len, splits);

  max_chars = MAX (max_chars, 16);
  sp = &g_array_index (self->spans, BulletinSpan, span);
  if (sp->end - sp->start <= max_chars)
    return splits;

  p = g_utf8_offset_to_pointer (self->text->str, sp->start);
  piece_start = sp->start;
  for (offset = sp->start; offset < sp->end; offset++)
    {
      gunichar c = g_utf8_get_char (p);

      /* candidates: the position before @c */
      if (offset > piece_start)
        {
          if (sentence_end && !closes (c) && !ends_sentence (c))
            sentence = offset;
          if (ends_clause (prev) && !closes (c))
            clause = offset;
          if (!(is_word_char (prev) && is_word_char (c)) && !closes (c) &&
              !ends_clause (c) && !ends_sentence (c))
            safe = offset;
        }

      if (offset - piece_start >= max_chars)
        {
          guint cut = sentence > piece_start ? sentence
                    : clause > piece_start ? clause
                    : safe > piece_start ? safe
                    : offset;

          g_array_append_val (splits, cut);
          piece_start = cut;
          if (sentence <= cut)
            sentence = 0;
          if (clause <= cut)
            clause = 0;
          if (safe <= cut)
            safe = 0;
        }

      /* 。 or 。” just before: a sentence ends */
      sentence_end = ends_sentence (c) || (sentence_end && closes (c));
      prev = c;
      p = g_utf8_next_char (p);
    }

  return splits;
}

/**
 * bulletin_display_text_get_piece_breaks:
 *
 * The line breaks the display inserted inside very long blocks, so that
 * the reader lays them out in pieces: each is a "\n" at a display offset
 * that belongs to no block's source (it maps like the separator between
 * blocks).  The piece after a break continues the same block, so it takes
 * no first-line indent and no paragraph spacing.
 *
 * Returns: (transfer none) (array length=n_breaks): ascending offsets
 */
const guint *
bulletin_display_text_get_piece_breaks (BulletinDisplayText *self,
                                        guint               *n_breaks)
{
  *n_breaks = self->breaks->len;
  return (const guint *)(gpointer)self->breaks->data;
}

/* TRUE when display character @display_offset shows a character of the
 * source; FALSE for what only the display has (the newline between
 * blocks, list markers, piece breaks). */
gboolean
bulletin_display_text_is_source_char (BulletinDisplayText *self,
                                      guint                display_offset)
{
  gint i = find_run (self->runs, display_offset, FALSE);
  const Run *run;

  if (i < 0)
    return FALSE;
  run = &g_array_index (self->runs, Run, i);
  return display_offset < run->display + run->length;
}

gboolean
bulletin_display_text_is_run_in (BulletinDisplayText *self,
                                 guint                index)
{
  const BulletinSpan *spans = (const BulletinSpan *)(gpointer)self->spans->data;

  return index + 1 < self->spans->len &&
         spans[index].kind == BULLETIN_BLOCK_DATELINE &&
         spans[index].end > spans[index].start &&
         spans[index].end - spans[index].start <= 40 &&
         spans[index + 1].kind == BULLETIN_BLOCK_PARAGRAPH &&
         /* the separator is the one line break between them */
         spans[index + 1].start == spans[index].end + 1;
}

const char *
bulletin_display_text_get_run_in_separator (BulletinDisplayText *self)
{
  gsize sample = MIN (self->text->len, 60000);
  BulletinScript script = bulletin_language_get_script (bulletin_article_get_language (self->article),
                                                        self->text->str, sample);

  return script == BULLETIN_SCRIPT_LATIN ? " " : "\xe3\x80\x80";  /* U+3000 */
}

char *
bulletin_display_text_dup_shown_text (BulletinDisplayText *self,
                                      gsize               *n_bytes)
{
  const BulletinSpan *spans = (const BulletinSpan *)(gpointer)self->spans->data;
  GString *out = g_string_new_len (self->text->str, self->text->len);
  const char *separator = NULL;

  /* from the end, so that the byte offsets before stay valid */
  for (guint i = self->spans->len; i-- > 0; )
    if (bulletin_display_text_is_run_in (self, i))
      {
        gsize byte = g_utf8_offset_to_pointer (self->text->str, spans[i].end) - self->text->str;

        if (separator == NULL)
          separator = bulletin_display_text_get_run_in_separator (self);
        g_assert (out->str[byte] == '\n');
        g_string_erase (out, byte, 1);
        g_string_insert (out, byte, separator);
      }
  if (n_bytes != NULL)
    *n_bytes = out->len;
  return g_string_free (out, FALSE);
}
