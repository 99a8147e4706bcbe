/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Fast walks over text already known to be valid UTF-8, shared by the
 * article, the display text, the plain-text segmenter and the folded
 * text's snippets (hot loops of the import: see
 * bench/bench-text-import.c). */

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* Characters of valid UTF-8 in [a, a + len): the bytes that do not
 * continue a sequence, counted eight at a time. */
static inline guint
count_utf8_chars (const char *a,
                  gsize       len)
{
  const guchar *p = (const guchar *)a;
  gsize i = 0;
  guint cont = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 x;

      memcpy (&x, p + i, 8);
      /* a continuation byte is 10xxxxxx: top bit set, the next clear */
      /* one bit per continuation byte, summed by a multiply (no
       * popcount instruction in the baseline x86-64 set: the builtin
       * would be a libgcc call) */
      x = (x & ~(x << 1) & G_GUINT64_CONSTANT (0x8080808080808080)) >> 7;
      cont += (guint) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
    }
  for (; i < len; i++)
    cont += (p[i] & 0xC0) == 0x80;
  return len - cont;
}

/* @p moved on by @n characters of valid UTF-8: eight bytes at a time
 * while at least eight characters remain (so that the eight bytes lie
 * inside them), counting the bytes that start a character. */
static inline const char *
skip_utf8_chars (const char *p,
                 guint       n)
{
  const guchar *u = (const guchar *)p;

  while (n >= 8)
    {
      guint64 x;

      memcpy (&x, u, 8);
      x = (x & ~(x << 1) & G_GUINT64_CONSTANT (0x8080808080808080)) >> 7;
      n -= 8 - (guint) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
      u += 8;
      while ((*u & 0xC0) == 0x80)
        u++;
    }
  while (n-- > 0)
    u = (const guchar *)g_utf8_next_char (u);
  return (const char *)u;
}

G_END_DECLS
