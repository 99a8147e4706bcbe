/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1  /* memmem () */
#include "config.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bulletin-search-index-private.h"
#include "bulletin-unicode.h"

/*
 * An article as the index stores it: its search text (the blocks' ranges
 * joined), the segments that map it back to source offsets, and the
 * signature of its folded text.
 */

/* trigram signatures
 *
 * A candidate holds every bigram term of the query, but the postings keep
 * no positions: a query of three characters or more whose terms are all
 * common has thousands of candidates that hold them apart, not side by
 * side.  Each article keeps a small Bloom filter of the triples of
 * consecutive characters of its folded text whose two bigram terms are
 * common (bigram_term_common (): exact, or a bucket term in 1 % of the
 * first batch's articles; two bits per distinct triple, one hash): a
 * candidate whose filter lacks one of the query's such triples cannot
 * hold it, and is not decompressed.  A triple with a rare term is neither
 * stored nor checked: that term's list is short, and so are the
 * candidates.  No false negatives, so the results are the same. */

#define SIG_BITS_PER_TRIPLE 2

static guint32
triple_hash (gunichar a,
             gunichar b,
             gunichar c)
{
  guint32 h = a * 0x9E3779B1u;

  h ^= b * 0x85EBCA77u + (h << 6) + (h >> 2);
  h ^= c * 0xC2B2AE3Du + (h << 6) + (h >> 2);
  h ^= h >> 16;
  h *= 0x7FEB352Du;
  h ^= h >> 15;
  h *= 0x846CA68Bu;
  h ^= h >> 16;
  return h;
}

/* Sorts the @n @keys, with @tmp (as many) as scratch: a byte at a time
 * from the lowest (four passes, so the keys end where they started), or
 * by insertion when they are few; g_array_sort () called a function for
 * each comparison */
static void
sort_guint32 (guint32 *keys,
              guint32 *tmp,
              guint    n)
{
  if (n < 64)
    {
      for (guint i = 1; i < n; i++)
        {
          guint32 k = keys[i];
          guint j = i;

          for (; j > 0 && keys[j - 1] > k; j--)
            keys[j] = keys[j - 1];
          keys[j] = k;
        }
      return;
    }
  for (guint shift = 0; shift < 32; shift += 8)
    {
      guint count[256] = { 0 }, at = 0;
      guint32 *swap;

      for (guint i = 0; i < n; i++)
        count[(keys[i] >> shift) & 0xFF]++;
      for (guint b = 0; b < 256; b++)
        {
          guint c = count[b];

          count[b] = at;
          at += c;
        }
      for (guint i = 0; i < n; i++)
        tmp[count[(keys[i] >> shift) & 0xFF]++] = keys[i];
      swap = keys;
      keys = tmp;
      tmp = swap;
    }
}

/* Appends to @hashes the hashes of the triples of @chars whose two
 * bigram terms are common (POS_PAIR_COMMON in @flags, bigram_flags ()) */
static void
common_triples (const gunichar  *chars,
                guint            n,
                const guint8    *flags,
                GArray          *hashes)
{
  gboolean prev = FALSE;  /* the term of chars[i - 1], chars[i] is common */
  guint at = hashes->len;
  guint32 *out;

  /* room for one a position, written in place: g_array_append_val ()
   * divides on every call */
  g_array_set_size (hashes, at + n);
  out = (guint32 *)hashes->data + at;
  for (guint i = 0; i + 1 < n; i++)
    {
      gboolean here = (flags[i] & POS_PAIR_COMMON) != 0;

      if (prev && here)
        *out++ = triple_hash (chars[i - 1], chars[i], chars[i + 1]);
      prev = here;
    }
  g_array_set_size (hashes, out - (guint32 *)hashes->data);
}

/* The signature of the folded text @chars, whose bigram_flags () are
 * @flags: empty when it has no triple of two common terms.  @hashes is
 * scratch space. */
void
sig_build_flags (const gunichar  *chars,
                 guint            n,
                 const guint8    *flags,
                 GArray          *hashes,
                 GByteArray      *sig)
{
  guint32 n_bits;
  guint distinct = 0;

  g_byte_array_set_size (sig, 0);
  g_array_set_size (hashes, 0);
  common_triples (chars, n, flags, hashes);
  if (hashes->len == 0)
    return;
  /* sized by the distinct triples */
  {
    guint n_hashes = hashes->len;

    g_array_set_size (hashes, 2 * n_hashes);  /* the second half as scratch */
    sort_guint32 ((guint32 *)hashes->data, (guint32 *)hashes->data + n_hashes, n_hashes);
    g_array_set_size (hashes, n_hashes);
  }
  for (guint i = 0; i < hashes->len; i++)
    distinct += i == 0 || g_array_index (hashes, guint32, i) != g_array_index (hashes, guint32, i - 1);
  n_bits = (distinct * SIG_BITS_PER_TRIPLE + 7) / 8 * 8;
  g_byte_array_set_size (sig, n_bits / 8);
  memset (sig->data, 0, sig->len);
  for (guint i = 0; i < hashes->len; i++)
    {
      guint32 bit = g_array_index (hashes, guint32, i) % n_bits;

      sig->data[bit / 8] |= 1 << (bit % 8);
    }
}

/* The signature of the folded text @chars: sig_build_flags () */
void
sig_build (const gunichar  *chars,
           guint            n,
           const BigramSet *exact,
           const BigramSet *buckets,
           GArray          *hashes,
           GByteArray      *sig)
{
  g_autofree guint8 *flags = g_new (guint8, n + 1);

  bigram_flags (chars, n, exact, buckets, flags);
  sig_build_flags (chars, n, flags, hashes, sig);
}

/* The hashes of the triples of a query's folded characters that the
 * signatures hold (two common terms) */
GArray *
sig_query_hashes (const BulletinSearchQuery *q,
                  const BigramSet           *exact,
                  const BigramSet           *buckets)
{
  GArray *hashes = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* every term to find is in a result, and so are its triples */
  for (guint t = 0; t < bulletin_search_query_get_n_terms (q); t++)
    {
      guint n = 0;
      gboolean negative = FALSE;
      const gunichar *chars = bulletin_search_query_get_term (q, t, &n, &negative);

      if (!negative)
        {
          g_autofree guint8 *flags = g_new (guint8, n + 1);

          bigram_flags (chars, n, exact, buckets, flags);
          common_triples (chars, n, flags, hashes);
        }
    }
  return hashes;
}

/* Whether a text of signature @sig may hold every triple of @hashes */
gboolean
sig_may_match (const guint8 *sig,
               gsize         len,
               const GArray *hashes)
{
  guint32 n_bits = len * 8;

  if (hashes->len == 0)
    return TRUE;
  if (n_bits == 0 || sig == NULL)
    return FALSE;
  for (guint i = 0; i < hashes->len; i++)
    {
      guint32 bit = g_array_index (hashes, guint32, i) % n_bits;

      if (!(sig[bit / 8] & (1 << (bit % 8))))
        return FALSE;
    }
  return TRUE;
}

/* search text of an article: its blocks' ranges joined, and segments
 * (text offset, source offset, starts a block) that map it back */

void
article_search_text (BulletinArticle *article,
                     GString         *text,
                     GArray          *segs)
{
  guint n_blocks = bulletin_article_get_n_blocks (article);
  guint32 offset = 0;

  for (guint b = 0; b < n_blocks; b++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, b);

      for (guint r = 0; r < block->n_ranges; r++)
        {
          const char *s = bulletin_article_offset_to_pointer (article, block->ranges[r].start);
          const char *e = bulletin_article_offset_to_pointer (article, block->ranges[r].end);
          Segment seg = { offset, block->ranges[r].start, r == 0 };

          if (block->ranges[r].end <= block->ranges[r].start)
            continue;
          g_array_append_val (segs, seg);
          g_string_append_len (text, s, e - s);
          offset += block->ranges[r].end - block->ranges[r].start;
        }
    }
}

/* Segments are stored as varints: per segment the growth of its text
 * offset (shifted left, with the new-block flag in the low bit), then the
 * change of (source - text), zigzag-coded. */
static void
put_varint (GByteArray *out,
            guint64     v)
{
  while (v >= 0x80)
    {
      guint8 b = (v & 0x7F) | 0x80;

      g_byte_array_append (out, &b, 1);
      v >>= 7;
    }
  {
    guint8 b = v;

    g_byte_array_append (out, &b, 1);
  }
}

static gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *v)
{
  guint64 x = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (*p >= end)
        return FALSE;
      b = *(*p)++;
      x |= (guint64)(b & 0x7F) << shift;
      if (b < 0x80)
        {
          *v = x;
          return TRUE;
        }
    }
  return FALSE;
}

void
segs_encode (const Segment *segs,
             guint          n_segs,
             GByteArray    *out)
{
  guint32 text = 0;
  gint64 gap = 0;

  for (guint i = 0; i < n_segs; i++)
    {
      gint64 d = ((gint64)segs[i].source - segs[i].text) - gap;

      put_varint (out, ((guint64)(segs[i].text - text) << 1) | (segs[i].new_block ? 1 : 0));
      put_varint (out, d >= 0 ? (guint64)d << 1 : (((guint64)(-d - 1)) << 1) | 1);
      text = segs[i].text;
      gap += d;
    }
}

/* Decodes into @segs (emptied first); FALSE when damaged. */
gboolean
segs_decode (const guint8 *data,
             gsize         len,
             GArray       *segs)
{
  const guint8 *p = data, *end = data + len;
  guint64 text = 0;
  gint64 gap = 0;

  g_array_set_size (segs, 0);
  while (p < end)
    {
      guint64 a, b;
      Segment seg;

      if (!get_varint (&p, end, &a) || !get_varint (&p, end, &b))
        return FALSE;
      text += a >> 1;
      gap += (b & 1) ? -(gint64)(b >> 1) - 1 : (gint64)(b >> 1);
      if (text > G_MAXUINT32 || gap + (gint64)text < 0 || gap + (gint64)text > G_MAXUINT32)
        return FALSE;
      seg.text = text;
      seg.source = gap + (gint64)text;
      seg.new_block = a & 1;
      g_array_append_val (segs, seg);
    }
  return TRUE;
}

#ifdef __SSE2__
/* the bits set in a 16-bit mask (without -mpopcnt, __builtin_popcount ()
 * is a call) */
static inline guint
popcount16 (guint x)
{
  x = x - ((x >> 1) & 0x5555);
  x = (x & 0x3333) + ((x >> 2) & 0x3333);
  x = (x + (x >> 4)) & 0x0f0f;
  return (x + (x >> 8)) & 0x1f;
}
#endif

/* @p moved on by @n characters of UTF-8, no further than @end.  A
 * character starts at every byte that is not a continuation byte
 * (10xxxxxx): while at least a chunk's size of characters remain, the
 * starting bytes of whole chunks are counted, sixteen bytes at a time
 * where SSE2 is there (every x86-64), else eight; a chunk may end inside
 * a character, whose rest then starts the next chunk and is not counted
 * again.  Then a character at a time. */
static const char *
skip_chars (const char *p,
            const char *end,
            guint       n)
{
  const guchar *u = (const guchar *)p, *e = (const guchar *)end;

#ifdef __SSE2__
  {
    const __m128i below = _mm_set1_epi8 (-64);  /* 0x80-0xBF: signed < -64 */

    while (n >= 16 && e - u >= 16)
      {
        __m128i v = _mm_loadu_si128 ((const __m128i *)u);
        guint cont = (guint)_mm_movemask_epi8 (_mm_cmplt_epi8 (v, below));

        n -= 16 - popcount16 (cont);
        u += 16;
      }
  }
#endif
  while (n >= 8 && e - u >= 8)
    {
      guint64 x;

      memcpy (&x, u, 8);
      x = (x & ~(x << 1) & G_GUINT64_CONSTANT (0x8080808080808080)) >> 7;
      n -= 8 - (guint)((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
      u += 8;
    }
  /* the rest of a character the last chunk started */
  while (u < e && (*u & 0xC0) == 0x80)
    u++;
  while (n > 0 && u < e)
    {
      u++;
      while (u < e && (*u & 0xC0) == 0x80)
        u++;
      n--;
    }
  return (const char *)u;
}

/* Folds a stored search text into @folded (emptied first), a block per
 * segment that starts one; input offsets are offsets of the text. */
void
fold_search_text (BulletinFolded *folded,
                  const char     *text,
                  gsize           len,
                  const Segment  *segs,
                  guint           n_segs)
{
  const char *p = text, *end = text + len;

  bulletin_folded_reset (folded);
  for (guint i = 0; i < n_segs; i++)
    {
      const char *q;

      if (i > 0 && segs[i].new_block)
        bulletin_folded_end_block (folded);
      if (i + 1 < n_segs)
        q = skip_chars (p, end, segs[i + 1].text - segs[i].text);
      else
        q = end;
      bulletin_folded_append (folded, p, q - p, segs[i].text);
      p = q;
    }
  bulletin_folded_end_block (folded);
}

guint
text_to_source (const Segment *segs,
                guint          n_segs,
                guint          offset,
                gboolean       is_end)
{
  guint lo = 0, hi = n_segs, key = is_end && offset > 0 ? offset - 1 : offset;

  if (n_segs == 0)
    return offset;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (segs[mid].text <= key)
        lo = mid;
      else
        hi = mid;
    }
  return segs[lo].source + (offset - segs[lo].text);
}


/* plain texts
 *
 * Counting a candidate's hits folds its text first, which costs as much
 * as decompressing it.  For most texts the folding does nothing to the
 * runs of CJK characters: none is a traditional or compatibility form,
 * and no line break or format character inside a run is dropped.  Such a
 * text is marked plain when it is indexed, and a query of one CJK term
 * counts its hits in the stored text itself: the folded text's CJK runs
 * are the stored text's, cut where its blocks start, and a CJK term's hit
 * lies inside one run. */

#define RUN_END  1u             /* after each run, as no CJK character */
#define RUNS_END ((gunichar)-1)  /* after the last one */

/* The character at @p (before @end) if it is valid UTF-8 (else -1), and
 * where the next one starts (an invalid byte is skipped alone), as
 * g_utf8_get_char_validated () says; the three-byte characters of
 * U+1000..U+CFFF (most CJK ones) decoded here */
static inline gunichar
decode_validated (const guchar  *p,
                  const guchar  *end,
                  const guchar **next)
{
  gunichar c;

  if (*p < 0x80)
    {
      *next = p + 1;
      return *p;
    }
  if (*p >= 0xE1 && *p <= 0xEC && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
    {
      *next = p + 3;
      return (gunichar)(*p & 0x0F) << 12 | (gunichar)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    }
  c = g_utf8_get_char_validated ((const char *)p, end - p);
  if (c == (gunichar)-1 || c == (gunichar)-2)
    {
      *next = p + 1;
      return (gunichar)-1;
    }
  *next = (const guchar *)g_utf8_next_char (p);
  return c;
}

/* The CJK runs of @text (UTF-8 of @len bytes) into @out (2 * @len + 1 at
 * least), RUN_END after each, cutting one at every offset of @cuts (in
 * bytes, ascending); returns how many it wrote */
static gsize
cjk_runs (gunichar    *out,
          const char  *text,
          gsize        len,
          const gsize *cuts,
          guint        n_cuts)
{
  const guchar *p = (const guchar *)text, *end = p + len;
  gboolean in_run = FALSE;
  guint cut = 0;
  gsize n = 0;

  while (p < end)
    {
      const guchar *next;
      gunichar c = decode_validated (p, end, &next);
      gboolean cjk = c != (gunichar)-1 && index_is_cjk (c);

      while (cut < n_cuts && cuts[cut] <= (gsize)(p - (const guchar *)text))
        {
          if (in_run && cuts[cut] == (gsize)(p - (const guchar *)text))
            {
              out[n++] = RUN_END;
              in_run = FALSE;
            }
          cut++;
        }
      if (cjk)
        out[n++] = c;
      else if (in_run)
        out[n++] = RUN_END;
      in_run = cjk;
      p = next;
    }
  if (in_run)
    out[n++] = RUN_END;
  return n;
}

/* The next of the CJK runs of the folded characters @chars (@n of them,
 * POS_CJK in @flags: bigram_flags ()) from *@i: a character, RUN_END
 * after a run, RUNS_END after the last */
static inline gunichar
next_folded_run_char (const gunichar *chars,
                      guint           n,
                      const guint8   *flags,
                      guint          *i,
                      gboolean       *in_run)
{
  while (*i < n)
    {
      guint j = (*i)++;

      if (flags[j] & POS_CJK)
        {
          *in_run = TRUE;
          return chars[j];
        }
      if (*in_run)
        {
          *in_run = FALSE;
          return RUN_END;
        }
    }
  if (*in_run)
    {
      *in_run = FALSE;
      return RUN_END;
    }
  return RUNS_END;
}

/* The byte offsets in @text where a block starts (but the first) */
static void
block_starts (const char    *text,
              gsize          len,
              const Segment *segs,
              guint          n_segs,
              GArray        *starts)
{
  const char *p = text, *end = text + len;

  g_array_set_size (starts, 0);
  for (guint i = 1; i < n_segs; i++)
    {
      p = skip_chars (p, end, segs[i].text - segs[i - 1].text);
      if (segs[i].new_block)
        {
          gsize at = p - text;

          g_array_append_val (starts, at);
        }
    }
}

/* The bit of a folded character in a plain text's mask */
guint64
plain_bit (gunichar c)
{
  return G_GUINT64_CONSTANT (1) << ((c * 2654435761u) >> 16) % PLAIN_MASK_BITS;
}

/* Whether the stored search text @text, whose folded form (blocks ended
 * by '\n') is @folded (@n_folded characters, their bigram_flags () in
 * @flags), is plain: 0 when it is not, else PLAIN_FLAG with the bits
 * (plain_bit ()) of the characters that a CJK character of the text folds
 * to, where it is not itself (a traditional form: 們 gives 们).  A term
 * none of whose characters has its bit set is found in the text as it is
 * where it is in the folded text: those are the only places where the two
 * differ, and a folded term never holds 們.  The text's runs (cut where
 * its blocks start) and the folded text's are the same runs, of the same
 * lengths, some characters folded. */
gint64
text_plain_mask (const char     *text,
                 gsize           len,
                 const Segment  *segs,
                 guint           n_segs,
                 const gunichar *folded,
                 guint           n_folded,
                 const guint8   *flags)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree gunichar *runs = g_new (gunichar, 2 * len + 1);
  gsize n_runs;
  guint64 mask = 0;
  guint i = 0;
  gboolean in_run = FALSE;

  block_starts (text, len, segs, n_segs, starts);
  n_runs = cjk_runs (runs, text, len, (const gsize *)starts->data, starts->len);
  for (gsize k = 0; k < n_runs; k++)
    {
      gunichar c = runs[k], d = next_folded_run_char (folded, n_folded, flags, &i, &in_run);

      if (c == d)
        continue;
      if (d == RUNS_END || c == RUN_END || d == RUN_END)
        return 0;
      mask |= plain_bit (d);
    }
  if (next_folded_run_char (folded, n_folded, flags, &i, &in_run) != RUNS_END)
    return 0;
  return PLAIN_FLAG | mask;
}

/* The first occurrence of @term (@term_len bytes, at least 2) in @p
 * (@len bytes), as memmem ().  With SSE2 it compares sixteen places at a
 * time on two bytes of the term, its second and its last (for Chinese,
 * bytes that tell characters apart: the first bytes of most characters
 * are one of six), and the whole term where both are there; memmem ()
 * starts over at every hit, which for a common character is every few
 * hundred bytes. */
static const char *
find_term (const char *p,
           gsize       len,
           const char *term,
           gsize       term_len)
{
#ifdef __SSE2__
  const guchar *u = (const guchar *)p;
  gsize last = term_len - 1, i = 0;
  const __m128i b1 = _mm_set1_epi8 ((char)term[1]);
  const __m128i bl = _mm_set1_epi8 ((char)term[last]);

  for (; len >= term_len && i + last + 16 <= len; i += 16)
    {
      __m128i x = _mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *)(u + i + 1)), b1);
      __m128i y = _mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *)(u + i + last)), bl);
      guint mask = (guint)_mm_movemask_epi8 (_mm_and_si128 (x, y));

      while (mask != 0)
        {
          gsize at = i + (gsize)__builtin_ctz (mask);

          if (u[at] == (guchar)term[0] && memcmp (u + at + 2, term + 2, term_len - 2) == 0)
            return p + at;
          mask &= mask - 1;
        }
    }
  return i < len ? memmem (p + i, len - i, term, term_len) : NULL;
#else
  return memmem (p, len, term, term_len);
#endif
}

/* The hits of @term (the UTF-8 of a folded term of CJK characters alone)
 * in the plain text @text: its occurrences left to right, not
 * overlapping, and none across the start of a block.  The starts of
 * blocks are found as the hits go, no further than the last hit: the
 * segments count characters, the text is UTF-8. */
guint
plain_count (const char    *text,
             gsize          len,
             const Segment *segs,
             guint          n_segs,
             const char    *term,
             gsize          term_len)
{
  const char *p = text, *end = text + len;
  const char *walked = text;     /* where segment @seg - 1 starts */
  const char *next_start = NULL; /* the next block start, NULL for none */
  guint seg = 0, n = 0;

  while ((gsize)(end - p) >= term_len)
    {
      const char *hit = find_term (p, end - p, term, term_len);

      if (hit == NULL)
        break;
      /* the first block start after the hit's first byte */
      while ((next_start == NULL || next_start <= hit) && seg + 1 < n_segs)
        {
          seg++;
          walked = skip_chars (walked, end, segs[seg].text - segs[seg - 1].text);
          next_start = segs[seg].new_block ? walked : NULL;
        }
      if (next_start != NULL && next_start <= hit)
        next_start = NULL;
      if (next_start != NULL && next_start < hit + term_len)
        p = g_utf8_next_char (hit);  /* across it */
      else
        {
          n++;
          p = hit + term_len;
        }
    }
  return n;
}
