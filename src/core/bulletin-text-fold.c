/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-text-fold.h"
#include "bulletin-unicode.h"
#include "bulletin-unihan-table.h"
#include "bulletin-utf8-private.h"

/* A per-character table for the Basic Multilingual Plane, built a page of
 * 256 code points at a time on first use: normalising every code point up
 * front would cost a noticeable pause, and Chinese text touches few pages.
 * Each entry holds the folded character and flags. */
#define ENTRY_CHAR_MASK  0x001FFFFFu
#define ENTRY_DROP       (1u << 24)  /* folds to nothing */
#define ENTRY_MULTI      (1u << 25)  /* folds to several characters: slow path */
#define ENTRY_SPACE      (1u << 26)  /* whitespace */
#define ENTRY_COMBINING  (1u << 27)  /* combining class != 0 */
#define ENTRY_CJK_CTX    (1u << 28)  /* Han or CJK punctuation, for line breaks */

static guint32 *pages[256];
static GMutex page_lock;

#define MAX_FOLD 32

struct _BulletinFolded
{
  gunichar *chars;
  guint    *starts;  /* first input character of each folded one */
  guint    *ends;    /* one past its last input character */
  guint     len;
  guint     cap;
  gboolean  chars_only;

  /* building */
  guint     block_has_chars : 1;
  guint     need_separator : 1;
  guint     ws_pending : 1;
  guint     ws_newline : 1;
  guint     ws_start;
  guint     ws_end;
  guint     last_end;
  gboolean  prev_cjk;
};

static gunichar
simplify (gunichar c)
{
  gsize lo = 0, hi = G_N_ELEMENTS (bulletin_unihan_simplified);

  if (c < 0x3400)
    return c;
  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;
      guint32 key = bulletin_unihan_simplified[mid][0];

      if (key == c)
        return bulletin_unihan_simplified[mid][1];
      if (key < c)
        lo = mid + 1;
      else
        hi = mid;
    }
  return c;
}

/* The complete folding of a short string (a character with its combining
 * marks): NFKC, case fold, NFKC again, then simplified forms. */
static guint
fold_slow (const char *s,
           gssize      len,
           gunichar   *out)
{
  g_autofree char *nfkc = g_utf8_normalize (s, len, G_NORMALIZE_NFKC);
  g_autofree char *folded = NULL;
  g_autofree char *again = NULL;
  guint n = 0;

  if (nfkc == NULL)
    return 0;
  folded = g_utf8_casefold (nfkc, -1);
  again = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
  if (again == NULL)
    again = g_steal_pointer (&folded);

  for (const char *p = again; *p && n < MAX_FOLD; p = g_utf8_next_char (p))
    {
      gunichar d = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (d);

      if (g_unichar_isspace (d))
        d = ' ';
      else if (type == G_UNICODE_FORMAT || type == G_UNICODE_CONTROL)
        continue;
      out[n++] = simplify (d);
    }
  return n;
}

static guint32
compute_entry (gunichar c)
{
  gunichar out[MAX_FOLD];
  char buf[8];
  guint32 flags = 0;
  guint n;

  if (g_unichar_combining_class (c) != 0)
    flags |= ENTRY_COMBINING;
  if (bulletin_unichar_is_chinese_context (c))
    flags |= ENTRY_CJK_CTX;
  if (c >= 0xD800 && c <= 0xDFFF)
    return flags | c;
  if (g_unichar_isspace (c))
    return flags | ENTRY_SPACE | ' ';
  /* unified ideographs have no compatibility or case mapping: only the
   * simplified form (cheap, and most of a Chinese text) */
  if (bulletin_unichar_is_unified_ideograph_bmp (c))
    return flags | simplify (c);

  n = fold_slow (buf, g_unichar_to_utf8 (c, buf), out);
  if (n == 0)
    return flags | ENTRY_DROP;
  if (n > 1)
    return flags | ENTRY_MULTI;
  return flags | out[0];
}

/* UTF-8 without checks beyond the buffer's end: the text was validated
 * when it was read; damaged bytes give wrong characters, never a read out
 * of bounds. */
static inline gunichar
decode (const char **pp,
        const char  *end)
{
  const guchar *p = (const guchar *)*pp;
  gsize left = (const guchar *)end - p;
  gunichar c = p[0];

  if (c < 0x80)
    {
      *pp += 1;
      return c;
    }
  if (c < 0xE0 && left >= 2)
    {
      *pp += 2;
      return ((c & 0x1F) << 6) | (p[1] & 0x3F);
    }
  if (c < 0xF0 && left >= 3)
    {
      *pp += 3;
      return ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
  if (c < 0xF5 && left >= 4)
    {
      *pp += 4;
      return ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
  *pp += 1;
  return 0xFFFD;
}

static inline guint32
lookup (gunichar c)
{
  guint32 *page;

  if (G_UNLIKELY (c > 0xFFFF))
    return compute_entry (c);

  page = g_atomic_pointer_get (&pages[c >> 8]);
  if (G_UNLIKELY (page == NULL))
    {
      g_mutex_lock (&page_lock);
      page = pages[c >> 8];
      if (page == NULL)
        {
          page = g_new (guint32, 256);
          for (guint i = 0; i < 256; i++)
            page[i] = compute_entry ((c & ~0xFFu) | i);
          g_atomic_pointer_set (&pages[c >> 8], page);
        }
      g_mutex_unlock (&page_lock);
    }
  return page[c & 0xFF];
}

/**
 * bulletin_folded_new:
 *
 * Returns: (transfer full): an empty folded text, to append to
 */
BulletinFolded *
bulletin_folded_new (void)
{
  return g_new0 (BulletinFolded, 1);
}

void
bulletin_folded_free (BulletinFolded *self)
{
  if (self == NULL)
    return;
  g_free (self->chars);
  g_free (self->starts);
  g_free (self->ends);
  g_free (self);
}

static void
reserve (BulletinFolded *self,
         gsize           extra)
{
  gsize need = (gsize)self->len + extra;

  if (need <= self->cap)
    return;
  self->cap = MAX (need, (gsize)self->cap * 2);
  self->chars = g_renew (gunichar, self->chars, self->cap);
  if (!self->chars_only)
    {
      self->starts = g_renew (guint, self->starts, self->cap);
      self->ends = g_renew (guint, self->ends, self->cap);
    }
}

static inline void
emit (BulletinFolded *self,
      gunichar        c,
      guint           start,
      guint           end)
{
  if (G_UNLIKELY (self->len == self->cap))
    reserve (self, 1);
  self->chars[self->len] = c;
  if (!self->chars_only)
    {
      self->starts[self->len] = start;
      self->ends[self->len] = end;
    }
  self->len++;
}

static void
before_char (BulletinFolded *self,
             gboolean        cjk,
             guint           start)
{
  if (self->need_separator)
    {
      emit (self, '\n', self->last_end, self->last_end);
      self->need_separator = FALSE;
    }

  if (self->ws_pending && self->block_has_chars)
    {
      gboolean drop = self->ws_newline && (self->prev_cjk || cjk);

      if (!drop)
        emit (self, ' ', self->ws_start, self->ws_end);
    }
  self->ws_pending = FALSE;
  self->block_has_chars = TRUE;
}

/* The reference folding, a character at a time with one character of
 * look-ahead (for combining marks).  bulletin_folded_append () hands it
 * what its fast path does not take; the tests check that both agree. */
static void
append_slow (BulletinFolded *self,
             const char     *text,
             gsize           len,
             guint           offset)
{
  const char *p, *end, *next;
  gunichar c;
  guint32 e;
  guint i = offset;

  p = text;
  end = text + len;
  if (p >= end)
    return;
  next = p;
  c = decode (&next, end);
  e = lookup (c);

  while (p < end)
    {
      const char *after = next;
      gunichar d = 0;
      guint32 f = 0;

      if (after < end)
        {
          d = decode (&after, end);
          f = lookup (d);
        }

      if (e & ENTRY_SPACE)
        {
          if (!self->ws_pending)
            {
              self->ws_pending = TRUE;
              self->ws_newline = FALSE;
              self->ws_start = i;
            }
          self->ws_end = i + 1;
          if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85)
            self->ws_newline = TRUE;
          i++;
        }
      else if (next < end && (f & ENTRY_COMBINING))
        {
          /* a character followed by combining marks folds as one
           * cluster, so that NFKC composes it */
          const char *q = next;
          guint n_chars = 1;
          gunichar out[MAX_FOLD];
          guint n;

          while (q < end)
            {
              const char *r = q;

              if (!(lookup (decode (&r, end)) & ENTRY_COMBINING))
                break;
              q = r;
              n_chars++;
            }
          n = fold_slow (p, q - p, out);
          if (n > 0)
            {
              before_char (self, (e & ENTRY_CJK_CTX) != 0, i);
              for (guint k = 0; k < n; k++)
                emit (self, out[k], i, i + n_chars);
              self->prev_cjk = (e & ENTRY_CJK_CTX) != 0;
              self->last_end = i + n_chars;
            }
          i += n_chars;
          p = q;
          if (p >= end)
            break;
          next = p;
          c = decode (&next, end);
          e = lookup (c);
          continue;
        }
      else if (!(e & ENTRY_DROP))
        {
          if (G_UNLIKELY (self->ws_pending || self->need_separator || !self->block_has_chars))
            before_char (self, (e & ENTRY_CJK_CTX) != 0, i);
          if (G_UNLIKELY (e & ENTRY_MULTI))
            {
              gunichar out[MAX_FOLD];
              guint n = fold_slow (p, next - p, out);

              for (guint k = 0; k < n; k++)
                emit (self, out[k], i, i + 1);
            }
          else
            emit (self, e & ENTRY_CHAR_MASK, i, i + 1);

          self->prev_cjk = (e & ENTRY_CJK_CTX) != 0;
          self->last_end = i + 1;
          i++;
        }
      else
        i++;

      p = next;
      next = after;
      c = d;
      e = f;
    }
}

/**
 * bulletin_folded_append_reference:
 *
 * bulletin_folded_append () without its fast path: for the tests.
 */
void
bulletin_folded_append_reference (BulletinFolded *self,
                                  const char     *text,
                                  gssize          len,
                                  guint           offset)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  reserve (self, len / 2 + 2);
  append_slow (self, text, len, offset);
}

/* Can the byte at @p start a combining mark?  ASCII cannot, nor the lead
 * bytes of U+4000..U+9FFF (CJK ideographs, Yijing hexagrams), which is
 * what follows a character in most of the text we search. */
static inline gboolean
may_start_combining (guchar b)
{
  return b >= 0x80 && (b < 0xE4 || b > 0xE9);
}

/**
 * bulletin_folded_append:
 * @text: UTF-8 text
 * @len: its length in bytes, or -1
 * @offset: the input offset of the first character of @text
 *
 * Folds @text onto the end of the current block.
 */
void
bulletin_folded_append (BulletinFolded *self,
                        const char     *text,
                        gssize          len,
                        guint           offset)
{
  const char *p, *end;
  guint i = offset;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  p = text;
  end = text + len;
  /* a character takes one to four bytes: a guess that is rarely short */
  reserve (self, len / 2 + 2);

  while (p < end)
    {
      const char *q;

      /* Fast path: in the middle of a block, a character that folds to
       * one character and is not followed by a combining mark is simply
       * emitted (what append_slow () does with it too). */
      if (!self->ws_pending && !self->need_separator && self->block_has_chars)
        {
          while (p < end)
            {
              const char *next = p;
              gunichar c = decode (&next, end);
              guint32 e = lookup (c);

              if (e & (ENTRY_SPACE | ENTRY_DROP | ENTRY_MULTI))
                break;
              if (next < end && may_start_combining (*next))
                {
                  const char *r = next;

                  if (lookup (decode (&r, end)) & ENTRY_COMBINING)
                    break;
                }
              if (G_UNLIKELY (self->len == self->cap))
                reserve (self, (end - next) / 2 + 2);
              self->chars[self->len] = e & ENTRY_CHAR_MASK;
              if (!self->chars_only)
                {
                  self->starts[self->len] = i;
                  self->ends[self->len] = i + 1;
                }
              self->len++;
              self->prev_cjk = (e & ENTRY_CJK_CTX) != 0;
              self->last_end = ++i;
              p = next;
            }
          if (p >= end)
            break;
        }

      /* Slow path: one character with the combining marks after it */
      q = p;
      decode (&q, end);
      {
        guint n_chars = 1;

        while (q < end && may_start_combining (*q))
          {
            const char *r = q;

            if (!(lookup (decode (&r, end)) & ENTRY_COMBINING))
              break;
            q = r;
            n_chars++;
          }
        append_slow (self, p, q - p, i);
        i += n_chars;
      }
      p = q;
    }
}

/**
 * bulletin_folded_reset:
 *
 * Empties @self for another text, keeping its memory.
 */
void
bulletin_folded_reset (BulletinFolded *self)
{
  g_return_if_fail (self != NULL);

  self->len = 0;
  self->block_has_chars = FALSE;
  self->need_separator = FALSE;
  self->ws_pending = FALSE;
  self->ws_newline = FALSE;
  self->ws_start = 0;
  self->ws_end = 0;
  self->last_end = 0;
  self->prev_cjk = FALSE;
}

/**
 * bulletin_folded_end_block:
 *
 * Ends the current block: what is appended next starts a new one, after a
 * "\n" separator.  Trailing whitespace is dropped.
 */
void
bulletin_folded_end_block (BulletinFolded *self)
{
  g_return_if_fail (self != NULL);

  self->ws_pending = FALSE;
  if (self->block_has_chars)
    self->need_separator = TRUE;
  self->block_has_chars = FALSE;
  self->prev_cjk = FALSE;
}

/**
 * bulletin_folded_new_chars_only:
 *
 * A folded text that keeps no input offsets: to count hits, quickly.
 * bulletin_folded_get_start () and _get_end () return 0.
 *
 * Returns: (transfer full): an empty folded text, to append to
 */
BulletinFolded *
bulletin_folded_new_chars_only (void)
{
  BulletinFolded *self = g_new0 (BulletinFolded, 1);

  self->chars_only = TRUE;
  return self;
}

/**
 * bulletin_folded_new_for_article:
 *
 * Folds the text of every block of @article (a block's ranges joined, so
 * the debris of a repaired page break is left out); input offsets are
 * offsets of the article's source text.
 *
 * Returns: (transfer full): the folded text
 */
BulletinFolded *
bulletin_folded_new_for_article (BulletinArticle *article)
{
  BulletinFolded *self;
  guint n_blocks;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  self = bulletin_folded_new ();
  n_blocks = bulletin_article_get_n_blocks (article);
  for (guint b = 0; b < n_blocks; b++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, b);

      for (guint r = 0; r < block->n_ranges; r++)
        {
          const char *s = bulletin_article_offset_to_pointer (article, block->ranges[r].start);
          const char *e = bulletin_article_offset_to_pointer (article, block->ranges[r].end);

          bulletin_folded_append (self, s, e - s, block->ranges[r].start);
        }
      bulletin_folded_end_block (self);
    }
  return self;
}

guint
bulletin_folded_get_length (const BulletinFolded *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->len;
}

/**
 * bulletin_folded_get_chars:
 *
 * Returns: (transfer none): the folded characters
 */
const gunichar *
bulletin_folded_get_chars (const BulletinFolded *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->chars;
}

guint
bulletin_folded_get_start (const BulletinFolded *self,
                           guint                 index)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (index < self->len, 0);
  return self->chars_only ? 0 : self->starts[index];
}

guint
bulletin_folded_get_end (const BulletinFolded *self,
                         guint                 index)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (index < self->len, 0);
  return self->chars_only ? 0 : self->ends[index];
}

/**
 * bulletin_folded_to_utf8:
 *
 * Returns: (transfer full): the folded text as UTF-8
 */
char *
bulletin_folded_to_utf8 (const BulletinFolded *self)
{
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);

  s = g_string_sized_new (self->len * 3 + 1);
  for (guint i = 0; i < self->len; i++)
    {
      gunichar c = self->chars[i];

      if (c < 0x80)
        g_string_append_c (s, (char)c);
      else
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

/**
 * bulletin_folded_dup_snippet:
 * @input: the text that input offsets count in
 * @start: first folded character of the hit
 * @end: one past its last folded character
 * @context: folded characters to show either side, within the block
 * @hit_start: (out) (optional): where the hit starts in the snippet, in characters
 * @hit_end: (out) (optional): where it ends
 *
 * The input text around a hit, with its original characters; debris and
 * line breaks left out, whitespace shown as one space.
 *
 * Returns: (transfer full): the snippet
 */
char *
bulletin_folded_dup_snippet (const BulletinFolded *self,
                             const char           *input,
                             guint                 start,
                             guint                 end,
                             guint                 context,
                             guint                *hit_start,
                             guint                *hit_end)
{
  const gunichar *chars;
  const guint *starts, *ends;
  guint a, b, pos, n_out = 0, last_end = 0;
  const char *p;
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (!self->chars_only, NULL);
  g_return_val_if_fail (start <= end && end <= self->len, NULL);

  chars = self->chars;
  starts = self->starts;
  ends = self->ends;

  a = start;
  while (a > 0 && start - a < context && chars[a - 1] != '\n')
    a--;
  b = end;
  while (b < self->len && b - end < context && chars[b] != '\n')
    b++;

  s = g_string_new (NULL);
  if (hit_start != NULL)
    *hit_start = 0;
  if (hit_end != NULL)
    *hit_end = 0;
  if (a >= b)
    return g_string_free (s, FALSE);

  pos = starts[a];
  p = skip_utf8_chars (input, pos);
  last_end = pos;
  for (guint k = a; k < b; k++)
    {
      if (k == start && hit_start != NULL)
        *hit_start = n_out;
      if (k == end && hit_end != NULL)
        *hit_end = n_out;
      if (starts[k] < last_end || chars[k] == '\n')
        continue;

      p = skip_utf8_chars (p, starts[k] - pos);
      pos = starts[k];
      if (chars[k] == ' ')
        {
          g_string_append_c (s, ' ');
          n_out++;
        }
      else
        {
          const char *q = skip_utf8_chars (p, ends[k] - pos);

          for (const char *r = p; r < q; r = g_utf8_next_char (r))
            {
              gunichar c = g_utf8_get_char (r);

              g_string_append_unichar (s, g_unichar_isspace (c) ? ' ' : c);
              n_out++;
            }
          p = q;
          pos = ends[k];
        }
      last_end = ends[k];
    }
  if (end == b && hit_end != NULL)
    *hit_end = n_out;

  return g_string_free (s, FALSE);
}

/**
 * bulletin_text_fold:
 *
 * Folds @text as one block: what a query becomes.
 *
 * Returns: (transfer full): the folded text
 */
char *
bulletin_text_fold (const char *text,
                    gssize      len)
{
  g_autoptr(BulletinFolded) folded = bulletin_folded_new ();

  g_return_val_if_fail (text != NULL, NULL);

  bulletin_folded_append (folded, text, len, 0);
  bulletin_folded_end_block (folded);
  return bulletin_folded_to_utf8 (folded);
}

gboolean
bulletin_fold_is_cjk (gunichar c)
{
  return bulletin_unichar_is_cjk (c);
}

gboolean
bulletin_fold_is_word_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c);
  return (g_unichar_isalnum (c) || g_unichar_ismark (c)) && !bulletin_fold_is_cjk (c);
}
