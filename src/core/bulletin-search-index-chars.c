/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-search-index-private.h"

/* texts recoded by character rank
 *
 * Before zstd, a stored text is recoded character by character: each
 * character of the table (the characters of the first batch indexed, the
 * most frequent first, kept in meta as `chars`) by its rank, in one byte
 * for the CHARS_ONE_BYTE first, in two for the others; a character not in
 * the table by an escape byte and its code point.  Chinese text is then
 * mostly one byte a character in place of UTF-8's three, and zstd (with a
 * dictionary trained on recoded texts) finds its matches and codes its
 * literals in fewer bytes: 43 % of the UTF-8 in place of 53 % on
 * bench-scale's texts.
 *
 * The code, byte by byte:
 *   0 .. 191    rank 0 .. 191
 *   192 .. 251  then a byte b: rank 192 + (lead - 192) * 256 + b
 *   252         then 1 byte: a code point below 0x100
 *   253         then 2 bytes (big-endian): one from 0x100 to 0xFFFF
 *   254         then 3 bytes: one from 0x10000 to 0x10FFFF
 *   255         first alone: the rest is the text's bytes as they are
 *               (a text that is not NUL-free UTF-8)
 * A code is never longer than twice the UTF-8 it stands for.  Anything
 * else (a rank past the table, an escape of a surrogate or of a code point
 * that has a shorter escape, a truncated code, a length that is not the
 * text's) is a damaged text. */

#define ESCAPE_1 252
#define ESCAPE_2 253
#define ESCAPE_3 254
#define RAW      255

void
char_table_clear (CharTable *t)
{
  g_clear_pointer (&t->utf8, g_free);
  g_clear_pointer (&t->utf8_len, g_free);
  g_clear_pointer (&t->rank_bmp, g_free);
  g_clear_pointer (&t->rank_astral, g_hash_table_unref);
  t->n = 0;
}

/* Reads the table kept in meta (its characters in UTF-8, the most
 * frequent first, then their checksum, crc_add (), in 8 bytes
 * little-endian; NULL for none); FALSE when it is damaged (@t is then
 * empty).  The checksum: a character changed for another of the same
 * length would decode every text that has it wrong, and go unseen. */
gboolean
char_table_init (CharTable    *t,
                 const guint8 *data,
                 gsize         len)
{
  const char *p, *end;
  guint64 h = CRC_START, stored = 0;
  guint n = 0;

  memset (t, 0, sizeof *t);
  if (data == NULL)
    return TRUE;
  if (len < 8)
    return FALSE;
  len -= 8;
  for (guint i = 0; i < 8; i++)
    stored |= (guint64)data[len + i] << (8 * i);
  crc_add (&h, data, len);
  if (h != stored)
    return FALSE;
  if (len == 0)
    return TRUE;
  /* no NUL, nothing that is not a character */
  if (!g_utf8_validate_len ((const char *)data, len, NULL))
    return FALSE;
  end = (const char *)data + len;
  for (p = (const char *)data; p < end; p = g_utf8_next_char (p))
    n++;
  if (n > CHARS_MAX)
    return FALSE;
  t->utf8 = g_new (guint32, n);
  t->utf8_len = g_new (guint8, n);
  n = 0;
  for (p = (const char *)data; p < end; n++)
    {
      const char *next = g_utf8_next_char (p);
      guint32 bytes = 0;

      memcpy (&bytes, p, next - p);
      t->utf8[n] = bytes;
      t->utf8_len[n] = next - p;
      p = next;
    }
  t->n = n;
  return TRUE;
}

/* rank + 1 of @c, 0 when it is not in the table */
static guint
char_table_rank (CharTable *t,
                 gunichar   c)
{
  if (t->rank_bmp == NULL)
    {
      t->rank_bmp = g_new0 (guint16, 0x10000);
      t->rank_astral = g_hash_table_new (NULL, NULL);
      for (guint r = t->n; r-- > 0;)
        {
          gunichar u = g_utf8_get_char ((const char *)&t->utf8[r]);

          if (u < 0x10000)
            t->rank_bmp[u] = r + 1;
          else
            g_hash_table_insert (t->rank_astral, GUINT_TO_POINTER (u), GUINT_TO_POINTER (r + 1));
        }
    }
  if (c < 0x10000)
    return t->rank_bmp[c];
  return GPOINTER_TO_UINT (g_hash_table_lookup (t->rank_astral, GUINT_TO_POINTER (c)));
}

/* The character at @p (before @end) and its length in *@n when it is
 * valid UTF-8 as g_utf8_validate_len () has it (no NUL), else -1; the
 * three-byte characters of U+1000..U+CFFF (most CJK ones) decoded here.
 * A text is valid when each of its characters is. */
static inline gunichar
valid_char (const guchar *p,
            const guchar *end,
            guint        *n)
{
  const char *after = NULL;
  guint len;

  if (*p < 0x80)
    {
      *n = 1;
      return *p != 0 ? *p : (gunichar)-1;
    }
  if (*p >= 0xE1 && *p <= 0xEC && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
    {
      *n = 3;
      return (gunichar)(*p & 0x0F) << 12 | (gunichar)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    }
  /* the length the first byte says: a byte that starts none fails */
  len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
  if ((gsize)(end - p) < len || !g_utf8_validate_len ((const char *)p, len, &after))
    return (gunichar)-1;
  *n = len;
  return g_utf8_get_char ((const char *)p);
}

/* Appends the code of @text (@len bytes) to @out */
void
char_table_encode (CharTable  *t,
                   const char *text,
                   gsize       len,
                   GByteArray *out)
{
  const guchar *p = (const guchar *)text, *end = p + len;
  guint at = out->len;
  guint8 *o;

  /* a code is at most twice the text */
  g_assert (len <= (G_MAXUINT - 1 - at) / 2);
  g_byte_array_set_size (out, at + 2 * len);
  o = out->data + at;
  while (p < end)
    {
      guint n = 0, r;
      gunichar c = valid_char (p, end, &n);

      if (c == (gunichar)-1)
        {
          /* NUL-free UTF-8 is all we make; anything else as it is */
          const guint8 raw = RAW;

          g_byte_array_set_size (out, at);
          g_byte_array_append (out, &raw, 1);
          g_byte_array_append (out, (const guint8 *)text, len);
          return;
        }
      p += n;
      r = char_table_rank (t, c);
      if (r != 0 && r <= CHARS_ONE_BYTE)
        *o++ = r - 1;
      else if (r != 0)
        {
          r -= 1 + CHARS_ONE_BYTE;
          *o++ = CHARS_ONE_BYTE + (r >> 8);
          *o++ = r & 0xff;
        }
      else if (c < 0x100)
        {
          *o++ = ESCAPE_1;
          *o++ = c;
        }
      else if (c < 0x10000)
        {
          *o++ = ESCAPE_2;
          *o++ = c >> 8;
          *o++ = c & 0xff;
        }
      else
        {
          *o++ = ESCAPE_3;
          *o++ = c >> 16;
          *o++ = (c >> 8) & 0xff;
          *o++ = c & 0xff;
        }
    }
  g_byte_array_set_size (out, o - out->data);
}

/* One character's code at *@pp, decoded at *@po; FALSE when it is
 * damaged */
static inline gboolean
decode_one (const CharTable  *t,
            const guint8    **pp,
            const guint8     *end,
            char             *out,
            gsize            *po,
            gsize             text_len)
{
  const guint8 *p = *pp;
  guint b = *p++;
  guint r;

  if (b < CHARS_ONE_BYTE)
    r = b;
  else if (b < ESCAPE_1)
    {
      if (p == end)
        return FALSE;
      r = CHARS_ONE_BYTE + ((b - CHARS_ONE_BYTE) << 8) + *p++;
    }
  else
    {
      gunichar c;
      guint k = b - ESCAPE_1 + 1;

      if (b == RAW || (gsize)(end - p) < k)
        return FALSE;
      c = p[0];
      for (guint i = 1; i < k; i++)
        c = c << 8 | p[i];
      p += k;
      /* the shortest escape, of a Unicode scalar value */
      if ((k == 2 && c < 0x100) || (k == 3 && c < 0x10000) || c > 0x10FFFF ||
          (c >= 0xD800 && c <= 0xDFFF))
        return FALSE;
      if (*po + g_unichar_to_utf8 (c, NULL) > text_len)
        return FALSE;
      *po += g_unichar_to_utf8 (c, out + *po);
      *pp = p;
      return TRUE;
    }
  if (r >= t->n || *po + t->utf8_len[r] > text_len)
    return FALSE;
  memcpy (out + *po, &t->utf8[r], t->utf8_len[r]);
  *po += t->utf8_len[r];
  *pp = p;
  return TRUE;
}

/* Decodes @data (@len bytes of code) into @out, which has room for
 * @text_len + 4 bytes: TRUE when it is the code of a text of @text_len
 * bytes (NUL-terminated in @out), FALSE when it is damaged. */
gboolean
char_table_decode (const CharTable *t,
                   const guint8    *data,
                   gsize            len,
                   char            *out,
                   gsize            text_len)
{
  const guint8 *p = data, *end = data + len;
  const guint32 *utf8 = t->utf8;
  const guint8 *utf8_len = t->utf8_len;
  guint n = t->n;
  gsize o = 0;

  if (len > 0 && *p == RAW)
    {
      if (len - 1 != text_len)
        return FALSE;
      memcpy (out, p + 1, text_len);
      out[text_len] = 0;
      return TRUE;
    }
  /* Chinese text is one and two bytes a character at random: the length
   * of a rank's code is taken without a branch (with one, mispredicted
   * about once in three characters, this loop took a quarter more time
   * on bench-scale's texts), and the first byte of the next character
   * is chosen from the two bytes after this one's, read ahead, rather
   * than read once this one's length is known (each character waited
   * for a load); an escape and the last two bytes are read alone
   * (decode_one ()) */
  while (p < end)
    {
      guint b = *p;

      while (end - p >= 3)
        {
          guint c1 = p[1], c2 = p[2];
          guint two, mask, r;

          if (G_UNLIKELY (b >= ESCAPE_1))
            break;
          two = b >= CHARS_ONE_BYTE;
          mask = 0u - two;
          r = (b & ~mask) | ((((b - CHARS_ONE_BYTE) << 8) + c1 + CHARS_ONE_BYTE) & mask);
          b = (c1 & ~mask) | (c2 & mask);
          p += 1 + two;
          if (G_UNLIKELY (r >= n))
            return FALSE;
          /* four bytes written, the character's kept: o <= text_len
           * before */
          memcpy (out + o, &utf8[r], 4);
          o += utf8_len[r];
          if (G_UNLIKELY (o > text_len))
            return FALSE;
        }
      /* an escape, or the last two bytes */
      if (p < end && !decode_one (t, &p, end, out, &o, text_len))
        return FALSE;
    }
  if (o != text_len)
    return FALSE;
  out[o] = 0;
  return TRUE;
}

typedef struct {
  gunichar c;
  guint    count;
} CharCount;

static int
compare_counts (gconstpointer a,
                gconstpointer b)
{
  const CharCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->c < y->c ? -1 : x->c > y->c;
}

/* The table for texts like @texts (@len bytes): their characters, the
 * most frequent first, at most CHARS_MAX */
GBytes *
char_table_train (const char *texts,
                  gsize       len)
{
  g_autofree guint *bmp = g_new0 (guint, 0x10000);
  g_autoptr(GHashTable) astral = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (CharCount));
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = texts, *end = texts + len;
  GHashTableIter iter;
  gpointer key, value;

  while (p < end)
    {
      const char *valid_end = NULL;

      /* the characters of the valid stretches; NUL is never in the table */
      g_utf8_validate_len (p, end - p, &valid_end);
      for (; p < valid_end; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c < 0x10000)
            bmp[c]++;
          else
            g_hash_table_insert (astral, GUINT_TO_POINTER (c),
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (astral, GUINT_TO_POINTER (c))) + 1));
        }
      if (p < end)
        p++;
    }
  for (gunichar c = 1; c < 0x10000; c++)
    if (bmp[c] > 0)
      {
        CharCount cc = { c, bmp[c] };

        g_array_append_val (counts, cc);
      }
  g_hash_table_iter_init (&iter, astral);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CharCount cc = { GPOINTER_TO_UINT (key), GPOINTER_TO_UINT (value) };

      g_array_append_val (counts, cc);
    }
  g_array_sort (counts, compare_counts);
  for (guint i = 0; i < counts->len && i < CHARS_MAX; i++)
    g_string_append_unichar (out, g_array_index (counts, CharCount, i).c);
  /* its checksum (char_table_init ()) */
  {
    guint64 h = CRC_START;

    crc_add (&h, out->str, out->len);
    for (guint i = 0; i < 8; i++)
      g_string_append_c (out, (char)(h >> (8 * i)));
  }
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
