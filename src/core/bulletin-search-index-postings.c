/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-search-index-private.h"

/*
 * The index's own postings (docs/search.md, "Postings"), in place of
 * FTS5: for every term, the articles that hold it with how many times.
 *
 * A list (schema 12) is its first entry as varints (the rowid
 * zigzag-coded, shifted left by one, its low bit set when the count is
 * more than one, which then follows less two), then a varint of the Rice
 * parameter of its gaps and how its counts are coded, then a bit stream:
 * the gaps Rice-coded, and the counts (list_encode ()).  Lists are kept
 * in segments, each a run of blocks, a page each, in `postings (seg,
 * term, data)`, keyed by the block's first term; a block holds its terms
 * in order, each as the bytes it shares with the term before and the
 * rest, and its list, which goes on in the next blocks when the block is
 * full (seg_writer_add ()).  An update writes a segment per batch
 * (the batch's terms: (key, rowid) pairs radix-sorted, and a hash table
 * of the long ones), merges BLOCK_FANIN segments of a level into one of
 * the next, and ends with one segment.
 */

/* Each merge codes its segments' lists again, and the update's last
 * merge makes one segment of them all anyway: with 32 at a time, up to
 * 1,024 batches (32,768 issues) an entry is coded when its batch is
 * written, when merged into level 1 and at the end (with 8, at 20,000
 * issues, five times), and queries during the update read 62 segments at
 * most up to there, then 31 more per level */
#define BLOCK_FANIN 32

/* buffers: grown by doubling, kept from one list (term, batch) to the
 * next */

/* Room for @n more bytes: where they go */
static inline guint8 *
bytebuf_reserve (ByteBuf *b,
                 gsize    n)
{
  if (G_UNLIKELY (b->len + n > b->cap))
    {
      b->cap = MAX (b->cap * 2, MAX (b->len + n, 64));
      b->data = g_realloc (b->data, b->cap);
    }
  return b->data + b->len;
}

static inline void
bytebuf_append (ByteBuf    *b,
                const void *data,
                gsize       n)
{
  if (n == 0)
    return;
  memcpy (bytebuf_reserve (b, n), data, n);
  b->len += n;
}

static inline void
bytebuf_set (ByteBuf    *b,
             const void *data,
             gsize       n)
{
  b->len = 0;
  bytebuf_append (b, data, n);
}

static void
bytebuf_clear (ByteBuf *b)
{
  g_clear_pointer (&b->data, g_free);
  b->len = 0;
  b->cap = 0;
}

/* a list's entries */
typedef struct {
  ListEntry *data;
  gsize      len;
  gsize      cap;
} EntryBuf;

/* a new entry at the end */
static inline ListEntry *
entries_push (EntryBuf *b)
{
  if (G_UNLIKELY (b->len == b->cap))
    {
      b->cap = MAX (b->cap * 2, 256);
      b->data = g_renew (ListEntry, b->data, b->cap);
    }
  return &b->data[b->len++];
}

static void
entries_clear (EntryBuf *b)
{
  g_clear_pointer (&b->data, g_free);
  b->len = 0;
  b->cap = 0;
}

/* varints */

/* @v as a varint at @out (10 bytes at most): its length */
static inline gsize
varint_to (guint8  *out,
           guint64  v)
{
  gsize n = 0;

  while (v >= 0x80)
    {
      out[n++] = (guint8)(v | 0x80);
      v >>= 7;
    }
  out[n++] = (guint8)v;
  return n;
}

static inline void
put_varint (ByteBuf *out,
            guint64  v)
{
  out->len += varint_to (bytebuf_reserve (out, 10), v);
}

static inline gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *v)
{
  guint64 x = 0;
  guint shift = 0;

  while (*p < end && shift < 64)
    {
      guint8 b = *(*p)++;

      x |= (guint64)(b & 0x7f) << shift;
      if (!(b & 0x80))
        {
          *v = x;
          return TRUE;
        }
      shift += 7;
    }
  return FALSE;
}

static inline guint64
zigzag (gint64 v)
{
  return ((guint64)v << 1) ^ (guint64)(v >> 63);
}

static inline gint64
unzigzag (guint64 v)
{
  return (gint64)(v >> 1) ^ -(gint64)(v & 1);
}

/* lists */

/* Rice parameters from 0 to LIST_K_MAX; a quotient of LIST_ESCAPE or more
 * is written as LIST_ESCAPE zero bits, six bits of the gap's length and the
 * gap in full (a huge gap in a dense list) */
#define LIST_K_MAX  40
#define LIST_ESCAPE 32

void
list_iter_init (ListIter     *it,
                const guint8 *data,
                gsize         len)
{
  it->p = data;
  it->end = data + len;
  it->bits = 0;
  it->n_bits = 0;
  it->k = 0;
  it->counts = LIST_COUNTS_NONE;
  it->k_next = 0;
  it->until = 0;
  it->first = TRUE;
  it->in_bits = FALSE;
  it->rowid = 0;
  it->count = 0;
  it->bad = FALSE;
}

/* At least 57 bits in it->bits, or every bit left: 8 bytes at once, of
 * which the bits beyond n_bits are read again next time (the same bits) */
static inline void
bits_refill (ListIter *it)
{
  if (it->end - it->p >= 8)
    {
      guint64 w;

      memcpy (&w, it->p, 8);
      it->bits |= GUINT64_FROM_LE (w) << it->n_bits;
      it->p += (63 - it->n_bits) >> 3;
      it->n_bits |= 56;
    }
  else
    while (it->n_bits <= 56 && it->p < it->end)
      {
        it->bits |= (guint64)*it->p++ << it->n_bits;
        it->n_bits += 8;
      }
}

/* @n (at most 57) bits, or FALSE past the end */
static inline gboolean
bits_get (ListIter *it,
          guint     n,
          guint64  *v)
{
  if (it->n_bits < n)
    {
      bits_refill (it);
      if (it->n_bits < n)
        return FALSE;
    }
  *v = it->bits & ((G_GUINT64_CONSTANT (1) << n) - 1);
  it->bits = n < 64 ? it->bits >> n : 0;
  it->n_bits -= n;
  return TRUE;
}

/* The zero bits before the next one bit, and that bit, up to @max zeros:
 * G_MAXUINT when there are more (none read then), or none is left */
static inline guint
bits_zeros (ListIter *it,
            guint     max)
{
  guint z;

  if (it->n_bits <= max)
    bits_refill (it);
  if (it->bits == 0)
    return G_MAXUINT;
  z = (guint)__builtin_ctzll (it->bits);
  if (z > max || z >= it->n_bits)
    return G_MAXUINT;
  it->bits = z + 1 < 64 ? it->bits >> (z + 1) : 0;
  it->n_bits -= z + 1;
  return z;
}

/* A Rice code of parameter @k: FALSE when damaged, or at the end
 * (*@end then, when nothing but the last byte's filling is left) */
static inline gboolean
rice_get (ListIter *it,
          guint     k,
          guint64  *value,
          gboolean *end)
{
  guint q = bits_zeros (it, LIST_ESCAPE - 1);
  guint64 v;

  if (G_LIKELY (q != G_MAXUINT))
    {
      if (!bits_get (it, k, &v))
        return FALSE;
      *value = v | (guint64)q << k;
      return TRUE;
    }
  else
    {
      guint64 len, lo, hi = 0;

      bits_refill (it);
      if (it->bits == 0 && it->p >= it->end)
        {
          /* the end: the zero bits that fill the last byte */
          *end = it->n_bits < 8;
          return FALSE;
        }
      if (!bits_get (it, LIST_ESCAPE, &v) || v != 0 || !bits_get (it, 6, &len) ||
          !bits_get (it, MIN (len + 1, 32), &lo) || (len >= 32 && !bits_get (it, len + 1 - 32, &hi)))
        return FALSE;
      v = lo | hi << 32;
      if ((v >> len) != 1)
        return FALSE;
      *value = v;
      return TRUE;
    }
}

/* an Elias gamma code of the count less one */
static inline gboolean
count_get (ListIter *it)
{
  guint q = bits_zeros (it, 32);
  guint64 c;

  if (q == G_MAXUINT || !bits_get (it, q, &c))
    return FALSE;
  c |= G_GUINT64_CONSTANT (1) << q;
  it->count = (guint32)MIN (c + 1, G_MAXUINT32);
  return TRUE;
}

/* The next entry of a list: FALSE at its end, or when it is damaged
 * (it->bad); inline where a merge reads every entry of a list (an
 * iterator of its own kept in registers) */
G_ALWAYS_INLINE static inline gboolean
list_iter_step (ListIter *it)
{
  guint64 v, c = 0, gap;
  gboolean end = FALSE;

  if (G_UNLIKELY (it->first))
    {
      if (it->p >= it->end)
        return FALSE;
      if (!get_varint (&it->p, it->end, &v) || ((v & 1) && !get_varint (&it->p, it->end, &c)))
        goto bad;
      it->rowid = unzigzag (v >> 1) + ROWID_START;
      it->count = (v & 1) ? (guint32)MIN (c + 2, G_MAXUINT32) : 1;
      it->first = FALSE;
      if (it->p < it->end)
        {
          /* more entries: the Rice parameter, how they are counted */
          if (!get_varint (&it->p, it->end, &v) || (v >> 2) > LIST_K_MAX || (v & 3) > LIST_COUNTS_NEXT ||
              it->p >= it->end)
            goto bad;
          it->k = (guint)(v >> 2);
          it->counts = v & 3;
          it->in_bits = TRUE;
          if (it->counts == LIST_COUNTS_NEXT &&
              (!bits_get (it, 6, &v) || v > LIST_K_MAX || (it->k_next = (guint)v, !rice_get (it, it->k_next, &it->until, &end)) ||
               it->until == 0))
            goto bad;
        }
      return TRUE;
    }
  if (!it->in_bits)
    return FALSE;

  /* the common case inline: a quotient under LIST_ESCAPE, the bits at
   * hand */
  if (it->n_bits < 40)
    bits_refill (it);
  if (G_LIKELY (it->bits != 0))
    {
      guint q = (guint)__builtin_ctzll (it->bits), n = q + 1 + it->k;

      if (G_LIKELY (q < LIST_ESCAPE && n <= it->n_bits && n < 64))
        {
          v = ((it->bits >> (q + 1)) & ((G_GUINT64_CONSTANT (1) << it->k) - 1)) | (guint64)q << it->k;
          it->bits >>= n;
          it->n_bits -= n;
          goto gap;
        }
    }
  if (G_UNLIKELY (!rice_get (it, it->k, &v, &end)))
    {
      if (!end)
        goto bad;
      /* the end, where no entry was to be counted */
      it->in_bits = FALSE;
      if (it->counts == LIST_COUNTS_NEXT && it->until != 0)
        it->bad = TRUE;
      return FALSE;
    }
gap:
  gap = v + 1;
  if (gap == 0 || gap > (guint64)G_MAXINT64 - (guint64)it->rowid)
    goto bad;
  it->rowid = (gint64)((guint64)it->rowid + gap);
  it->count = 1;
  if (it->counts == LIST_COUNTS_FLAGS)
    {
      if (!bits_get (it, 1, &v) || (v && !count_get (it)))
        goto bad;
    }
  else if (it->counts == LIST_COUNTS_NEXT && it->until != 0 && --it->until == 0)
    {
      if (!count_get (it) || !rice_get (it, it->k_next, &it->until, &end))
        goto bad;
    }
  return TRUE;

bad:
  it->bad = TRUE;
  it->in_bits = FALSE;
  it->first = FALSE;
  return FALSE;
}

gboolean
list_iter_next (ListIter *it)
{
  return list_iter_step (it);
}

/* bits written at q, which has room for them */
typedef struct {
  guint8  *q;
  guint64  acc;
  guint    n;
} BitWriter;

/* @n bits (at most 32) of @v */
static inline void
bits_put (BitWriter *w,
          guint64    v,
          guint      n)
{
  if (n == 0)
    return;
  w->acc |= (v & ((G_GUINT64_CONSTANT (1) << n) - 1)) << w->n;
  w->n += n;
  if (w->n >= 32)
    {
      w->q[0] = (guint8)w->acc;
      w->q[1] = (guint8)(w->acc >> 8);
      w->q[2] = (guint8)(w->acc >> 16);
      w->q[3] = (guint8)(w->acc >> 24);
      w->q += 4;
      w->acc >>= 32;
      w->n -= 32;
    }
}

/* the bits left, the last byte filled with zero bits */
static inline void
bits_flush (BitWriter *w)
{
  while (w->n > 0)
    {
      *w->q++ = (guint8)w->acc;
      w->acc >>= 8;
      w->n = w->n > 8 ? w->n - 8 : 0;
    }
}

static inline void
bits_zeros_one (BitWriter *w,
                guint      zeros)
{
  while (zeros >= 32)
    {
      bits_put (w, 0, 32);
      zeros -= 32;
    }
  bits_put (w, G_GUINT64_CONSTANT (1) << zeros, zeros + 1);
}

static inline guint
bit_length (guint64 v)
{
  return v == 0 ? 0 : 64 - (guint)__builtin_clzll (v);
}

static inline void
rice_put (BitWriter *w,
          guint64    v,
          guint      k)
{
  guint64 q = v >> k;

  if (q + 1 + k <= 32)
    bits_put (w, (v & ((G_GUINT64_CONSTANT (1) << k) - 1)) << (q + 1) | G_GUINT64_CONSTANT (1) << q,
              (guint)(q + 1 + k));
  else if (q < LIST_ESCAPE)
    {
      bits_zeros_one (w, (guint)q);
      bits_put (w, v, MIN (k, 32));
      if (k > 32)
        bits_put (w, v >> 32, k - 32);
    }
  else
    {
      guint len = MAX (bit_length (v), 1) - 1;

      bits_put (w, 0, LIST_ESCAPE);
      bits_put (w, len, 6);
      bits_put (w, v, MIN (len + 1, 32));
      if (len >= 32)
        bits_put (w, v >> 32, len + 1 - 32);
    }
}

static inline void
count_put (BitWriter *w,
           guint32    count)
{
  guint64 c = count - 1;
  guint len = bit_length (c) - 1;

  bits_zeros_one (w, len);
  bits_put (w, c, len);
}

static inline guint
count_bits (guint32 count)
{
  return 2 * (bit_length (count - 1) - 1) + 1;
}

/* The Rice parameter (from 0 to LIST_K_MAX) of the least bits for the
 * @n values @v, and about how many bits they take: from how many values
 * have each bit length, and their sum (a few huge gaps in a dense list
 * take the mean far from the best parameter) */
static double
rice_cost (const guint64 *count,
           const double  *sum,
           const guint   *lengths,
           guint          n_lengths,
           guint          t)
{
  double total = 0, scale = 1.0 / (double)(G_GUINT64_CONSTANT (1) << t);

  for (guint j = 0; j < n_lengths; j++)
    {
      guint b = lengths[j];

      if (b <= t)
        total += count[b] * (t + 1.0);
      else if (b - t <= 5)
        total += count[b] * (t + 1.0) + sum[b] * scale;  /* quotients under 32 */
      else
        total += count[b] * (LIST_ESCAPE + 6.0 + b);
    }
  return total;
}

/* The bits of @v with Rice parameter @k */
static inline guint64
rice_bits (guint64 v,
           guint   k)
{
  guint64 q = v >> k;

  return q < LIST_ESCAPE ? q + 1 + k : LIST_ESCAPE + 6 + MAX (bit_length (v), 1);
}

static guint
rice_choose (const guint64 *v,
             gsize          n,
             guint64       *bits)
{
  guint64 count[65], below = 0;
  double sum[65], best;
  guint lengths[65], n_lengths = 0, k = 0;

  if (n <= 16)
    {
      /* few: the exact bits, around log2 of the mean (clamped: a huge
       * value does not take it far) */
      guint64 mean = 0, least = G_MAXUINT64;
      guint k0;

      for (gsize i = 0; i < n; i++)
        mean += MIN (v[i], G_GUINT64_CONSTANT (1) << 40) / n;
      k0 = bit_length (mean);
      for (guint t = k0 > 3 ? k0 - 3 : 0; t <= MIN (k0 + 1, LIST_K_MAX); t++)
        {
          guint64 b = 0;

          for (gsize i = 0; i < n; i++)
            b += rice_bits (v[i], t);
          if (b < least)
            {
              least = b;
              k = t;
            }
        }
      *bits = least;
      return k;
    }
  memset (count, 0, sizeof count);
  memset (sum, 0, sizeof sum);
  for (gsize i = 0; i < n; i++)
    {
      guint b = bit_length (v[i]);

      count[b]++;
      sum[b] += (double)v[i];
    }
  /* from the median's bit length less one, down or up while it gains */
  for (guint b = 0; b <= 64; b++)
    if (count[b] > 0)
      {
        lengths[n_lengths++] = b;
        if (below * 2 < n)
          k = b > 0 ? MIN (b - 1, LIST_K_MAX) : 0;
        below += count[b];
      }
  best = rice_cost (count, sum, lengths, n_lengths, k);
  for (int step = -1; step <= 1; step += 2)
    {
      gboolean moved = FALSE;

      for (;;)
        {
          guint t = k + step;
          double c;

          if ((step < 0 && k == 0) || (step > 0 && k == LIST_K_MAX))
            break;
          c = rice_cost (count, sum, lengths, n_lengths, t);
          if (c >= best)
            break;
          best = c;
          k = t;
          moved = TRUE;
        }
      if (moved)
        break;
    }
  *bits = (guint64)best;
  return k;
}

/* the values list_encode_to () works on, kept from list to list */
typedef struct {
  guint64 *v;
  gsize    cap;
} ListScratch;

static void
list_scratch_clear (ListScratch *s)
{
  g_clear_pointer (&s->v, g_free);
  s->cap = 0;
}

/* Appends the list of @n entries to @out */
static void
list_encode_to (const ListEntry *e,
                gsize            n,
                ByteBuf         *out,
                ListScratch     *scratch)
{
  BitWriter w = { NULL, 0, 0 };
  guint counts = LIST_COUNTS_NONE;
  guint64 *v;
  guint64 bits, flag_bits = n - 1, next_bits = 6;
  gsize n_next = 0;
  guint k, k_next = 0;

  if (n == 0)
    return;
  put_varint (out, zigzag (e[0].rowid - ROWID_START) << 1 | (e[0].count > 1));
  if (e[0].count > 1)
    put_varint (out, e[0].count - 2);
  if (n == 1)
    return;

  /* the gaps less one, then the distances between the entries counted
   * more than once */
  if (2 * n > scratch->cap)
    {
      scratch->cap = MAX (2 * n, 2 * scratch->cap);
      g_free (scratch->v);
      scratch->v = g_new (guint64, scratch->cap);
    }
  v = scratch->v;
  for (gsize i = 1; i < n; i++)
    v[i - 1] = (guint64)e[i].rowid - (guint64)e[i - 1].rowid - 1;
  k = rice_choose (v, n - 1, &bits);
  {
    gsize last = 0;

    for (gsize i = 1; i < n; i++)
      if (e[i].count > 1)
        {
          flag_bits += count_bits (e[i].count);
          next_bits += count_bits (e[i].count);
          v[n + n_next++] = i - last;
          last = i;
        }
    if (n_next > 0)
      {
        v[n + n_next] = 0;  /* no more */
        k_next = rice_choose (v + n, n_next + 1, &bits);
        next_bits += bits;
        counts = next_bits < flag_bits ? LIST_COUNTS_NEXT : LIST_COUNTS_FLAGS;
      }
  }
  put_varint (out, (guint64)k << 2 | counts);

  /* room for the most an entry takes: a gap of 102 bits, a flag, a count
   * of 65 and a distance of 102 */
  w.q = bytebuf_reserve (out, 36 * n + 16);
  if (counts == LIST_COUNTS_NEXT)
    {
      bits_put (&w, k_next, 6);
      rice_put (&w, v[n], k_next);
    }
  for (gsize i = 1, next = 1; i < n; i++)
    {
      rice_put (&w, v[i - 1], k);
      if (counts == LIST_COUNTS_FLAGS)
        {
          bits_put (&w, e[i].count > 1, 1);
          if (e[i].count > 1)
            count_put (&w, e[i].count);
        }
      else if (counts == LIST_COUNTS_NEXT && e[i].count > 1)
        {
          count_put (&w, e[i].count);
          rice_put (&w, v[n + next++], k_next);
        }
    }
  bits_flush (&w);
  out->len = w.q - out->data;
}

void
list_encode (const ListEntry *e,
             gsize            n,
             GByteArray      *out)
{
  ByteBuf b = { NULL, 0, 0 };
  ListScratch scratch = { NULL, 0 };

  list_encode_to (e, n, &b, &scratch);
  if (b.len > 0)
    g_byte_array_append (out, b.data, b.len);
  bytebuf_clear (&b);
  list_scratch_clear (&scratch);
}

/* the terms of a batch */

/* A growable buffer: appending a varint is most of building a batch */
typedef struct {
  guint8  *data;
  guint32  len;
  guint32  cap;
} Buf;

static inline guint8 *
buf_reserve (Buf   *b,
             guint  n)
{
  if (b->len + n > b->cap)
    {
      b->cap = MAX (b->cap * 2, MAX (b->len + n, 16));
      b->data = g_realloc (b->data, b->cap);
    }
  return b->data + b->len;
}

static inline void
buf_varint (Buf     *b,
            guint64  v)
{
  guint8 *p = buf_reserve (b, 10), *start = p;

  while (v >= 0x80)
    {
      *p++ = (guint8)(v | 0x80);
      v >>= 7;
    }
  *p++ = (guint8)v;
  b->len += p - start;
}

typedef struct {
  guint64  key;        /* the term's bytes, big-endian, when 8 or fewer */
  guint32  term_at;    /* in the arena */
  guint32  term_len;
  gint64   last;       /* the rowid being counted */
  gint64   prev;       /* the last rowid in data */
  guint32  count;
  gboolean written;    /* an entry is in data */
  Buf      data;
} BuilderTerm;

/* a slot of the hash table: a short term is its key, a long one its hash
 * (and its length, more than 8) */
typedef struct {
  guint64  key;
  guint32  index;      /* + 1 into terms, 0 empty */
  guint32  len;
} Slot;

/* an occurrence of a term of 8 bytes or fewer (every CJK term) */
typedef struct {
  guint64  key;
  gint64   rowid;
} Pair;

struct _PostingsBuilder {
  Pair        *pairs;     /* the short terms, sorted when written */
  gsize        n_pairs;
  gsize        cap_pairs;
  Pair        *sorting;   /* radix_sort ()'s, cap_pairs of them */
  guint64      keys_or;   /* every pair's key or'ed, and'ed */
  guint64      keys_and;
  GArray      *terms;     /* of BuilderTerm: the long ones, in a hash table */
  Slot        *slots;
  guint        mask;
  GString     *arena;
  /* kept from batch to batch */
  EntryBuf     entries;
  ByteBuf      list;
  ListScratch  scratch;
};

static inline guint64
term_key (const char *term,
          gsize       len)
{
  guint64 h = 0;

  if (len <= 8)
    {
      for (gsize i = 0; i < len; i++)
        h |= (guint64)(guchar)term[i] << (56 - 8 * i);
      return h;
    }
  h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar)term[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

static inline guint
slot_of (guint64 key,
         guint   mask)
{
  return (guint)((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & mask;
}

PostingsBuilder *
postings_builder_new (void)
{
  PostingsBuilder *b = g_new0 (PostingsBuilder, 1);

  b->terms = g_array_new (FALSE, FALSE, sizeof (BuilderTerm));
  b->keys_and = G_MAXUINT64;
  b->mask = (1 << 10) - 1;
  b->slots = g_new0 (Slot, b->mask + 1);
  b->arena = g_string_new (NULL);
  return b;
}

static void
postings_builder_reset (PostingsBuilder *b)
{
  for (guint i = 0; i < b->terms->len; i++)
    g_free (g_array_index (b->terms, BuilderTerm, i).data.data);
  g_array_set_size (b->terms, 0);
  b->n_pairs = 0;
  b->keys_or = 0;
  b->keys_and = G_MAXUINT64;
  memset (b->slots, 0, (b->mask + 1) * sizeof (Slot));
  g_string_truncate (b->arena, 0);
}

void
postings_builder_free (PostingsBuilder *b)
{
  if (b == NULL)
    return;
  postings_builder_reset (b);
  g_free (b->pairs);
  g_free (b->sorting);
  g_array_unref (b->terms);
  entries_clear (&b->entries);
  bytebuf_clear (&b->list);
  list_scratch_clear (&b->scratch);
  g_free (b->slots);
  g_string_free (b->arena, TRUE);
  g_free (b);
}

static void
builder_grow (PostingsBuilder *b)
{
  guint mask = b->mask * 2 + 1;
  Slot *slots = g_new0 (Slot, mask + 1);

  for (guint i = 0; i <= b->mask; i++)
    if (b->slots[i].index != 0)
      {
        guint s = slot_of (b->slots[i].key, mask);

        while (slots[s].index != 0)
          s = (s + 1) & mask;
        slots[s] = b->slots[i];
      }
  g_free (b->slots);
  b->slots = slots;
  b->mask = mask;
}

/* A long term's entries as the batch gathers them: varints (the first
 * rowid zigzag-coded, then the gaps; each shifted left by one, its low bit
 * set when the count is more than one, which then follows less two),
 * coded in bits when the batch is written */
static inline void
list_put_buf (Buf      *out,
              gboolean  first,
              gint64    prev,
              gint64    rowid,
              guint32   count)
{
  guint64 v = first ? zigzag (rowid - ROWID_START) : (guint64)(rowid - prev);

  buf_varint (out, v << 1 | (count > 1));
  if (count > 1)
    buf_varint (out, count - 2);
}

static inline void
builder_term_flush (BuilderTerm *t)
{
  if (t->count == 0)
    return;
  list_put_buf (&t->data, !t->written, t->prev, t->last, t->count);
  t->written = TRUE;
  t->prev = t->last;
  t->count = 0;
}

/* One occurrence of @term in the article @rowid; an article's rowids come
 * in ascending order, each article's occurrences together */
void
postings_builder_add (PostingsBuilder *b,
                      const char      *term,
                      gsize            len,
                      gint64           rowid)
{
  guint64 key = term_key (term, len);
  guint s;
  BuilderTerm *t;

  /* appended, sorted at the end of the batch: a hash table's look-ups
   * at random in some megabytes were most of the build's time */
  if (len <= 8)
    {
      if (G_UNLIKELY (b->n_pairs == b->cap_pairs))
        {
          b->cap_pairs = MAX (b->cap_pairs * 2, 4096);
          b->pairs = g_renew (Pair, b->pairs, b->cap_pairs);
          g_free (b->sorting);
          b->sorting = NULL;
        }
      b->pairs[b->n_pairs].key = key;
      b->pairs[b->n_pairs].rowid = rowid;
      b->n_pairs++;
      b->keys_or |= key;
      b->keys_and &= key;
      return;
    }
  s = slot_of (key, b->mask);
  for (;;)
    {
      Slot *slot = &b->slots[s];

      if (slot->index == 0)
        break;
      if (slot->key == key && slot->len == len)
        {
          t = &g_array_index (b->terms, BuilderTerm, slot->index - 1);
          if (memcmp (b->arena->str + t->term_at, term, len) == 0)
            {
              if (t->count > 0 && t->last == rowid)
                t->count++;
              else
                {
                  builder_term_flush (t);
                  t->last = rowid;
                  t->count = 1;
                }
              return;
            }
        }
      s = (s + 1) & b->mask;
    }

  {
    BuilderTerm nt = { key, b->arena->len, len, rowid, 0, 1, FALSE, { NULL, 0, 0 } };

    g_string_append_len (b->arena, term, len);
    g_array_append_val (b->terms, nt);
    b->slots[s].key = key;
    b->slots[s].index = b->terms->len;
    b->slots[s].len = len;
    if (b->terms->len * 2 > b->mask)
      builder_grow (b);
  }
}

gboolean
postings_builder_is_empty (PostingsBuilder *b)
{
  return b->terms->len == 0 && b->n_pairs == 0;
}

static int
compare_terms (const char *a,
               gsize       a_len,
               const char *b,
               gsize       b_len)
{
  /* an empty term's bytes may be NULL, which memcmp () must not get */
  int c = MIN (a_len, b_len) > 0 ? memcmp (a, b, MIN (a_len, b_len)) : 0;

  if (c != 0)
    return c;
  return a_len < b_len ? -1 : a_len > b_len;
}

static int
compare_builder_terms (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const char *arena = user_data;
  const BuilderTerm *ta = *(BuilderTerm * const *)a, *tb = *(BuilderTerm * const *)b;

  /* the keys of terms of 8 bytes or fewer compare as the terms (no term
   * holds a zero byte) */
  if (ta->term_len <= 8 && tb->term_len <= 8)
    return ta->key < tb->key ? -1 : ta->key > tb->key;
  return compare_terms (arena + ta->term_at, ta->term_len, arena + tb->term_at, tb->term_len);
}

/* The entries of a long term's varints, into @entries */
static void
varlist_decode (const guint8 *p,
                gsize         len,
                EntryBuf     *entries)
{
  const guint8 *end = p + len;
  gboolean first = TRUE;
  ListEntry e = { 0, 0 };
  guint64 v, c;

  entries->len = 0;
  while (p < end && get_varint (&p, end, &v))
    {
      c = 0;
      if ((v & 1) && !get_varint (&p, end, &c))
        break;
      e.rowid = first ? unzigzag (v >> 1) + ROWID_START : e.rowid + (gint64)(v >> 1);
      e.count = (v & 1) ? (guint32)MIN (c + 2, G_MAXUINT32) : 1;
      first = FALSE;
      *entries_push (entries) = e;
    }
}

/* segments: written block by block */

typedef struct {
  sqlite3      *db;
  sqlite3_stmt *insert;
  gint64        seg;
  gsize         page;     /* the database's page size */
  ByteBuf       block;
  ByteBuf       key;      /* the block's key */
  gboolean      has_key;
  guint         n_in_block;  /* terms that start in the block */
  ByteBuf       prev;     /* the term before */
  guint64       n_terms;
} SegWriter;

static int
seg_writer_init (SegWriter *w,
                 sqlite3   *db,
                 gint64     seg)
{
  gint64 page = 0;

  memset (w, 0, sizeof *w);
  w->db = db;
  w->seg = seg;
  if (!index_query_int64 (db, "PRAGMA page_size", &page) || page < 512)
    page = g_ascii_strtoll (PAGE_SIZE, NULL, 10);
  w->page = (gsize)page;
  return sqlite3_prepare_v2 (db, "INSERT INTO postings (seg, term, data) VALUES (?,?,?)", -1, &w->insert, NULL);
}

/* The most bytes of a block with a key of @key_len bytes: the row in one
 * cell of a page of its own, at most the page less 35 bytes (SQLite's
 * largest payload kept in a table's page), less the row's header, its seg
 * and its key (a huge key: a row that spills into overflow pages) */
static gsize
block_limit (SegWriter *w,
             gsize      key_len)
{
  return w->page > key_len + 64 + 256 ? w->page - 64 - key_len : 256;
}

static int
seg_writer_flush (SegWriter *w)
{
  int rc;

  if (w->block.len == 0)
    return SQLITE_OK;
  sqlite3_bind_int64 (w->insert, 1, w->seg);
  sqlite3_bind_blob (w->insert, 2, w->key.data, w->key.len, SQLITE_STATIC);
  sqlite3_bind_blob (w->insert, 3, w->block.data, w->block.len, SQLITE_STATIC);
  rc = step_reset (w->insert);
  w->block.len = 0;
  w->has_key = FALSE;
  w->n_in_block = 0;
  return rc;
}

/* a list cut at the end of a block goes on in the next one unless less
 * than this would stay in the block */
#define SPLIT_MIN 24

/* Appends @term (after every term before it) and its list: to the block
 * as long as it has room, the rest of the list in the next blocks */
static int
seg_writer_add (SegWriter    *w,
                const char   *term,
                gsize         len,
                const guint8 *list,
                gsize         list_len)
{
  guint8 pre[20], post[10];
  gsize shared, pre_len, post_len, need, limit, avail, done;
  guint piece = 0;
  int rc;

  for (;;)
    {
      if (w->block.len == 0)
        put_varint (&w->block, 0);  /* nothing continued from the block before */
      shared = 0;
      if (w->n_in_block > 0)
        while (shared < len && shared < w->prev.len && w->prev.data[shared] == (guchar)term[shared])
          shared++;
      /* the term's header: a varint of the bytes it shares with the term
       * before (none at a block's start) and the length of the rest up
       * to 15 (the rest less 15 in a second one); the rest; a varint of
       * the list's length */
      pre_len = varint_to (pre, (guint64)shared << 4 | MIN (len - shared, 15));
      if (len - shared >= 15)
        pre_len += varint_to (pre + pre_len, len - shared - 15);
      post_len = varint_to (post, list_len);
      need = pre_len + (len - shared) + post_len;
      limit = block_limit (w, w->has_key ? w->key.len : len);
      if (w->block.len + need + list_len <= limit)
        {
          avail = list_len;
          break;
        }
      avail = limit > w->block.len + need ? limit - w->block.len - need : 0;
      if (avail >= SPLIT_MIN || w->block.len <= 1)
        break;
      /* too little room left: the term starts the next block */
      if ((rc = seg_writer_flush (w)) != SQLITE_OK)
        return rc;
    }

  {
    guint8 *q = bytebuf_reserve (&w->block, need + avail);

    memcpy (q, pre, pre_len);
    q += pre_len;
    if (len > shared)
      memcpy (q, term + shared, len - shared);
    q += len - shared;
    memcpy (q, post, post_len);
    q += post_len;
    if (avail > 0)
      memcpy (q, list, avail);
    w->block.len += need + avail;
  }
  if (!w->has_key)
    {
      bytebuf_set (&w->key, term, len);
      w->has_key = TRUE;
    }
  bytebuf_set (&w->prev, term, len);
  w->n_in_block++;
  w->n_terms++;

  /* the rest of the list: each next block starts with as much of it as
   * it holds, keyed by the term, a zero byte and the block's number
   * (big-endian), after the term and before any term after it */
  for (done = avail; done < list_len;)
    {
      gsize take;
      guint8 be[5] = { 0 };

      if ((rc = seg_writer_flush (w)) != SQLITE_OK)
        return rc;
      piece++;
      be[1] = (guint8)(piece >> 24);
      be[2] = (guint8)(piece >> 16);
      be[3] = (guint8)(piece >> 8);
      be[4] = (guint8)piece;
      bytebuf_set (&w->key, term, len);
      bytebuf_append (&w->key, be, sizeof be);
      w->has_key = TRUE;
      limit = block_limit (w, w->key.len);
      take = MIN (list_len - done, limit - 10);
      put_varint (&w->block, take);
      bytebuf_append (&w->block, list + done, take);
      done += take;
    }
  return SQLITE_OK;
}

static int
seg_writer_finish (SegWriter *w,
                   int        rc)
{
  if (rc == SQLITE_OK)
    rc = seg_writer_flush (w);
  sqlite3_finalize (w->insert);
  bytebuf_clear (&w->block);
  bytebuf_clear (&w->key);
  bytebuf_clear (&w->prev);
  return rc;
}

/* segments: read term by term, from a term on */

void
seg_reader_init (SegReader  *r,
                 sqlite3    *db,
                 gint64      seg,
                 const char *from,
                 gsize       from_len)
{
  memset (r, 0, sizeof *r);
  r->db = db;
  r->seg = seg;
  r->term = g_new0 (ByteBuf, 1);
  if (from != NULL)
    bytebuf_set (&r->from, from, from_len);
  r->past_from = r->from.len == 0;
  r->rc = SQLITE_OK;
}

void
seg_reader_clear (SegReader *r)
{
  sqlite3_finalize (r->stmt);
  r->stmt = NULL;
  if (r->term != NULL)
    bytebuf_clear (r->term);
  g_clear_pointer (&r->term, g_free);
  bytebuf_clear (&r->from);
  bytebuf_clear (&r->whole);
}

/* Starts at the block that holds r->from (the last one whose key is not
 * after it) */
static gboolean
seg_reader_start (SegReader *r)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GByteArray) start = g_byte_array_new ();

  r->started = TRUE;
  if (r->from.len > 0)
    {
      r->rc = sqlite3_prepare_v2 (r->db, "SELECT term FROM postings WHERE seg = ?1 AND term <= ?2"
                                         " ORDER BY term DESC LIMIT 1", -1, &stmt, NULL);
      if (r->rc != SQLITE_OK)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, r->seg);
      sqlite3_bind_blob (stmt, 2, r->from.data, r->from.len, SQLITE_STATIC);
      r->rc = sqlite3_step (stmt);
      if (r->rc == SQLITE_ROW)
        g_byte_array_append (start, sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      else
        g_byte_array_append (start, r->from.data, r->from.len);
      sqlite3_finalize (stmt);
      if (r->rc != SQLITE_ROW && r->rc != SQLITE_DONE)
        return FALSE;
    }
  /* (an empty blob would be bound as NULL) */
  r->rc = sqlite3_prepare_v2 (r->db, start->len > 0 ? "SELECT data FROM postings WHERE seg = ?1 AND term >= ?2 ORDER BY term"
                                                    : "SELECT data FROM postings WHERE seg = ?1 ORDER BY term",
                              -1, &r->stmt, NULL);
  if (r->rc != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (r->stmt, 1, r->seg);
  if (start->len > 0)
    sqlite3_bind_blob (r->stmt, 2, start->data, start->len, SQLITE_TRANSIENT);
  r->rc = SQLITE_OK;
  return TRUE;
}

/* The next block of the segment: FALSE at the end (r->rc SQLITE_OK) or
 * on an error */
static gboolean
seg_reader_row (SegReader *r)
{
  int step = sqlite3_step (r->stmt);

  if (step != SQLITE_ROW)
    {
      r->rc = step == SQLITE_DONE ? SQLITE_OK : step;
      sqlite3_finalize (r->stmt);
      r->stmt = NULL;
      return FALSE;
    }
  r->p = sqlite3_column_blob (r->stmt, 0);
  r->end = r->p + sqlite3_column_bytes (r->stmt, 0);
  r->fresh = TRUE;
  r->rows++;
  return TRUE;
}

/* The next term of the segment, not before r->from: in r->term, its list
 * at r->list (r->list_len bytes, valid until the next call).  FALSE at
 * the end, or on an error (r->rc, SQLITE_CORRUPT for a damaged block). */
gboolean
seg_reader_next (SegReader *r)
{
  for (;;)
    {
      guint64 head, shared, rest, list_len, more;

      if (!r->started && !seg_reader_start (r))
        return FALSE;
      if (r->stmt == NULL)
        return FALSE;
      if (r->p >= r->end)
        {
          guint64 cont;

          if (!seg_reader_row (r))
            return FALSE;
          /* the rest of a list of a block before: only in the first block
           * read, which may hold the end of a term before r->from */
          if (!get_varint (&r->p, r->end, &cont) || cont > (guint64)(r->end - r->p) ||
              (cont > 0 && r->term->len > 0))
            goto corrupt;
          r->p += cont;
          continue;
        }
      if (!get_varint (&r->p, r->end, &head))
        goto corrupt;
      shared = head >> 4;
      rest = head & 15;
      if (rest == 15 && (!get_varint (&r->p, r->end, &more) || more > (guint64)(r->end - r->p)))
        goto corrupt;
      else if (rest == 15)
        rest += more;
      if (shared > (r->fresh ? 0 : r->term->len) || rest > (guint64)(r->end - r->p))
        goto corrupt;
      r->term->len = shared;
      bytebuf_append (r->term, r->p, rest);
      r->p += rest;
      r->fresh = FALSE;
      if (!get_varint (&r->p, r->end, &list_len) || list_len == 0)
        goto corrupt;
      if (list_len <= (guint64)(r->end - r->p))
        {
          r->list = r->p;
          r->list_len = list_len;
          r->p += list_len;
        }
      else
        {
          /* a list that goes on in the next blocks */
          guint64 need = list_len - (r->end - r->p);

          if (list_len > G_MAXUINT32)
            goto corrupt;
          bytebuf_set (&r->whole, r->p, r->end - r->p);
          r->p = r->end;
          while (need > 0)
            {
              guint64 cont;

              if (!seg_reader_row (r))
                {
                  if (r->rc == SQLITE_OK)
                    goto corrupt;
                  return FALSE;
                }
              if (!get_varint (&r->p, r->end, &cont) || cont == 0 || cont > need ||
                  cont > (guint64)(r->end - r->p) || (cont < need && cont != (guint64)(r->end - r->p)))
                goto corrupt;
              bytebuf_append (&r->whole, r->p, cont);
              r->p += cont;
              need -= cont;
            }
          r->list = r->whole.data;
          r->list_len = list_len;
        }
      /* the terms ascend: the first at or after r->from, and every one
       * after it */
      if (r->past_from ||
          compare_terms ((const char *)r->term->data, r->term->len, (const char *)r->from.data, r->from.len) >= 0)
        {
          r->past_from = TRUE;
          return TRUE;
        }
    }

corrupt:
  r->rc = SQLITE_CORRUPT;
  sqlite3_finalize (r->stmt);
  r->stmt = NULL;
  return FALSE;
}

/* the segments of the index */

static int
segs_list (sqlite3 *db,
           int      level,
           GArray  *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_array_set_size (out, 0);
  rc = sqlite3_prepare_v2 (db, level < 0 ? "SELECT seg FROM segs ORDER BY seg"
                                         : "SELECT seg FROM segs WHERE level = ?1 ORDER BY seg", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  if (level >= 0)
    sqlite3_bind_int (stmt, 1, level);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seg = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (out, seg);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Every segment, in order: what a query reads */
int
postings_segments (sqlite3 *db,
                   GArray  *out)
{
  return segs_list (db, -1, out);
}

static gint64
segs_next_id (sqlite3 *db)
{
  gint64 seg = 0;

  index_query_int64 (db, "SELECT max(seg) FROM segs", &seg);
  return seg + 1;
}

static int
segs_add (sqlite3 *db,
          gint64   seg,
          int      level)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "INSERT INTO segs (seg, level) VALUES (?, ?)", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, seg);
      sqlite3_bind_int (stmt, 2, level);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

static int
segs_remove (sqlite3 *db,
             gint64   seg)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "DELETE FROM postings WHERE seg = ?1", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, seg);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM segs WHERE seg = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, seg);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* merging */

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const ListEntry *ea = a, *eb = b;

  return ea->rowid < eb->rowid ? -1 : ea->rowid > eb->rowid;
}

/* The first 8 bytes of a term, big-endian, zero bytes after its end:
 * two terms whose keys differ are in the order of their keys */
static inline guint64
term_prefix_key (const guint8 *term,
                 gsize         len)
{
  guint64 key = 0;

  if (len >= 8)
    {
      memcpy (&key, term, 8);
      return GUINT64_FROM_BE (key);
    }
  for (gsize i = 0; i < len; i++)
    key |= (guint64)term[i] << (56 - 8 * i);
  return key;
}

/* compare_terms () of two terms with their term_prefix_key ()s */
static inline int
compare_keyed (guint64        key_a,
               const ByteBuf *a,
               guint64        key_b,
               const ByteBuf *b)
{
  if (key_a != key_b)
    return key_a < key_b ? -1 : 1;
  /* the same first bytes: a term of 8 or fewer starts the other */
  if (a->len <= 8 || b->len <= 8)
    return a->len < b->len ? -1 : a->len > b->len;
  return compare_terms ((const char *)a->data + 8, a->len - 8, (const char *)b->data + 8, b->len - 8);
}

/* The segments being merged, a heap by their terms and then their order,
 * those read to their end last (done); each node with its term's
 * term_prefix_key () at hand.  A merge's cost per term held by one
 * segment grows with the log of their number; the holders of a term are
 * at the heap's top, read on together, and the heap made again from
 * there (the cost of making a heap of them: as little as one per holder
 * for a term in every segment, a common term of the last merge) */
typedef struct {
  guint64 key;
  guint   i;
} MergeNode;

typedef struct {
  SegReader *readers;
  MergeNode *heap;
  gboolean  *done;
  guint      n;
} MergeHeap;

static inline gboolean
merge_before (const MergeHeap *h,
              MergeNode        a,
              MergeNode        b)
{
  int c;

  if (a.key != b.key)
    return a.key < b.key;
  if (h->done[a.i] || h->done[b.i])
    return h->done[a.i] != h->done[b.i] ? h->done[b.i] : a.i < b.i;
  c = compare_keyed (a.key, h->readers[a.i].term, b.key, h->readers[b.i].term);
  return c < 0 || (c == 0 && a.i < b.i);
}

/* whether two nodes have the same term */
static inline gboolean
merge_same (const MergeHeap *h,
            MergeNode        a,
            MergeNode        b)
{
  return a.key == b.key && !h->done[a.i] && !h->done[b.i] &&
         compare_keyed (a.key, h->readers[a.i].term, b.key, h->readers[b.i].term) == 0;
}

/* The node at @at put in its place below, the heaps under it being
 * heaps */
static void
merge_heap_sift (MergeHeap *h,
                 guint      at)
{
  MergeNode x = h->heap[at];

  for (;;)
    {
      guint c = 2 * at + 1;

      if (c >= h->n)
        break;
      if (c + 1 < h->n && merge_before (h, h->heap[c + 1], h->heap[c]))
        c++;
      if (!merge_before (h, h->heap[c], x))
        break;
      h->heap[at] = h->heap[c];
      at = c;
    }
  h->heap[at] = x;
}

/* The top put in its place, its term having changed: its place left
 * empty down to a leaf (one comparison per level), then the top put back
 * up from there (the term read next is seldom before many others) */
static void
merge_heap_down (MergeHeap *h)
{
  MergeNode x = h->heap[0];
  guint at = 0;

  for (;;)
    {
      guint c = 2 * at + 1;

      if (c >= h->n)
        break;
      if (c + 1 < h->n && merge_before (h, h->heap[c + 1], h->heap[c]))
        c++;
      h->heap[at] = h->heap[c];
      at = c;
    }
  while (at > 0 && merge_before (h, x, h->heap[(at - 1) / 2]))
    {
      h->heap[at] = h->heap[(at - 1) / 2];
      at = (at - 1) / 2;
    }
  h->heap[at] = x;
}

/* The node at @at's segment read on: its key, or done at the end */
static inline void
merge_node_next (MergeHeap *h,
                 guint      at)
{
  MergeNode *node = &h->heap[at];
  SegReader *r = &h->readers[node->i];

  if (seg_reader_next (r))
    node->key = term_prefix_key (r->term->data, r->term->len);
  else
    {
      node->key = G_MAXUINT64;
      h->done[node->i] = TRUE;
    }
}

/* Appends the entries of a list to @out, those of articles in @live
 * alone when given (rowids from @live_base): FALSE when it is damaged.
 * A list's rowids ascend. */
static gboolean
list_decode_append (const guint8 *data,
                    gsize         len,
                    EntryBuf     *out,
                    const guint8 *live,
                    gint64        live_base,
                    gint64        live_n)
{
  ListIter it;

  list_iter_init (&it, data, len);
  while (list_iter_step (&it))
    {
      ListEntry *e;

      if (live != NULL && (it.rowid < live_base || it.rowid - live_base >= live_n ||
                           !(live[(it.rowid - live_base) >> 3] & (1 << ((it.rowid - live_base) & 7)))))
        continue;
      e = entries_push (out);
      e->rowid = it.rowid;
      e->count = it.count;
    }
  return !it.bad;
}

/* Merges the segments @segs into a new one of @level; the entries of an
 * article not in @live (when given: rowids from @live_base) are left
 * out */
static int
merge_segments (sqlite3      *db,
                const GArray *segs,
                int           level,
                const guint8 *live,
                gint64        live_base,
                gint64        live_n)
{
  guint k = segs->len;
  g_autofree SegReader *readers = g_new0 (SegReader, k);
  g_autofree MergeNode *heap = g_new0 (MergeNode, k);
  g_autofree gboolean *done = g_new0 (gboolean, k);
  g_autofree guint *holders = g_new0 (guint, k);  /* at the top: their places */
  g_autofree guint *place = g_new0 (guint, k);
  g_autofree guint64 *holding = g_new0 (guint64, k / 64 + 1);
  MergeHeap h = { readers, heap, done, 0 };
  EntryBuf entries = { NULL, 0, 0 };
  ByteBuf list = { NULL, 0, 0 }, term = { NULL, 0, 0 };
  ListScratch scratch = { NULL, 0 };
  gint64 seg = segs_next_id (db);
  SegWriter w;
  int rc;

  rc = seg_writer_init (&w, db, seg);
  for (guint i = 0; i < k; i++)
    {
      seg_reader_init (&readers[i], db, g_array_index (segs, gint64, i), NULL, 0);
      heap[i].i = i;
      merge_node_next (&h, i);
      if (readers[i].rc != SQLITE_OK)
        rc = readers[i].rc;
    }
  h.n = k;
  for (guint at = k / 2; at-- > 0;)
    merge_heap_sift (&h, at);

  while (rc == SQLITE_OK && k > 0 && !done[heap[0].i])
    {
      guint least = heap[0].i, n_holders = 0;
      gboolean sorted = TRUE;
      gsize n_kept = 0;

      /* the places of the top's term: the top and below it */
      holders[n_holders++] = 0;
      for (guint q = 0; q < n_holders; q++)
        for (guint c = 2 * holders[q] + 1; c <= 2 * holders[q] + 2 && c < k; c++)
          if (merge_same (&h, heap[c], heap[0]))
            holders[n_holders++] = c;

      if (live == NULL && n_holders == 1)
        {
          /* in one segment alone: its list as it is */
          rc = seg_writer_add (&w, (const char *)readers[least].term->data, readers[least].term->len,
                               readers[least].list, readers[least].list_len);
          if (rc == SQLITE_OK)
            merge_node_next (&h, 0);
          merge_heap_down (&h);
          if (rc == SQLITE_OK && readers[least].rc != SQLITE_OK)
            rc = readers[least].rc;
          continue;
        }

      /* the segments that hold the term, in their order, each read on;
       * then their places made a heap again from the last (those under
       * each are heaps by then) */
      bytebuf_set (&term, readers[least].term->data, readers[least].term->len);
      for (guint q = 0; q < n_holders; q++)
        {
          guint i = heap[holders[q]].i;

          holding[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
          place[i] = holders[q];
        }
      entries.len = 0;
      for (guint word = 0; word <= k / 64; word++)
        while (holding[word] != 0)
          {
            guint i = word * 64 + (guint)__builtin_ctzll (holding[word]);
            gsize from = entries.len;

            holding[word] &= holding[word] - 1;
            if (rc != SQLITE_OK)
              continue;
            if (!list_decode_append (readers[i].list, readers[i].list_len, &entries, live, live_base, live_n))
              rc = SQLITE_CORRUPT;
            if (from > 0 && from < entries.len && entries.data[from - 1].rowid >= entries.data[from].rowid)
              sorted = FALSE;
            merge_node_next (&h, place[i]);
            if (readers[i].rc != SQLITE_OK)
              rc = readers[i].rc;
          }
      for (guint q = n_holders; q-- > 0;)
        merge_heap_sift (&h, holders[q]);
      if (rc != SQLITE_OK || entries.len == 0)
        continue;
      if (!sorted)
        {
          /* stable: the first of an article's entries is kept */
#if GLIB_CHECK_VERSION (2, 82, 0)
          g_sort_array (entries.data, entries.len, sizeof (ListEntry), compare_entries, NULL);
#else
          g_qsort_with_data (entries.data, (gint)entries.len, sizeof (ListEntry), compare_entries, NULL);
#endif
          for (gsize j = 0; j < entries.len; j++)
            {
              if (n_kept > 0 && entries.data[j].rowid == entries.data[n_kept - 1].rowid)
                continue;  /* never written twice; kept once */
              entries.data[n_kept++] = entries.data[j];
            }
        }
      else
        n_kept = entries.len;
      list.len = 0;
      list_encode_to (entries.data, n_kept, &list, &scratch);
      rc = seg_writer_add (&w, (const char *)term.data, term.len, list.data, list.len);
    }
  entries_clear (&entries);
  bytebuf_clear (&list);
  bytebuf_clear (&term);
  list_scratch_clear (&scratch);

  for (guint i = 0; i < k; i++)
    seg_reader_clear (&readers[i]);
  rc = seg_writer_finish (&w, rc);
  for (guint i = 0; i < k && rc == SQLITE_OK; i++)
    rc = segs_remove (db, g_array_index (segs, gint64, i));
  if (rc == SQLITE_OK)
    rc = segs_add (db, seg, level);
  return rc;
}

/* Sorts @n pairs by key, keeping the order of equal keys (their rowids
 * ascend): least significant digit first, digits of RADIX_BITS over the
 * bits that differ between the keys (@varying: those set in some keys and
 * not in others), skipping a digit that is the same in every key.  The
 * pairs sorted: at @a or @tmp. */
#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)

static Pair *
radix_sort (Pair    *a,
            Pair    *tmp,
            gsize    n,
            guint64  varying)
{
  guint lo, n_digits;
  g_autofree gsize *counts = NULL;
  Pair *src = a, *dst = tmp;

  if (varying == 0 || n < 2)
    return a;
  lo = (guint)__builtin_ctzll (varying);
  n_digits = (bit_length (varying) - lo + RADIX_BITS - 1) / RADIX_BITS;
  counts = g_new0 (gsize, (gsize)n_digits * RADIX_SIZE);
  for (gsize i = 0; i < n; i++)
    {
      guint64 key = src[i].key >> lo;

      for (guint d = 0; d < n_digits; d++)
        counts[d * RADIX_SIZE + ((key >> (RADIX_BITS * d)) & (RADIX_SIZE - 1))]++;
    }
  for (guint d = 0; d < n_digits; d++)
    {
      gsize *c = counts + d * RADIX_SIZE, sum = 0;
      guint shift = lo + RADIX_BITS * d;
      gboolean same = FALSE;

      for (guint v = 0; v < RADIX_SIZE; v++)
        same = same || c[v] == n;
      if (same)
        continue;
      for (guint v = 0; v < RADIX_SIZE; v++)
        {
          gsize k = c[v];

          c[v] = sum;
          sum += k;
        }
      for (gsize i = 0; i < n; i++)
        dst[c[(src[i].key >> shift) & (RADIX_SIZE - 1)]++] = src[i];
      {
        Pair *t = src;

        src = dst;
        dst = t;
      }
    }
  return src;
}

/* The bytes of a short term's key */
static gsize
key_term (guint64  key,
          char    *out)
{
  gsize len = 0;

  while (len < 8 && ((key >> (56 - 8 * len)) & 0xff) != 0)
    {
      out[len] = (char)((key >> (56 - 8 * len)) & 0xff);
      len++;
    }
  return len;
}

/* Writes the batch's terms as a new segment (in the caller's transaction),
 * then merges BLOCK_FANIN segments of a level into one of the next, as
 * long as a level has that many; empties @b */
int
postings_builder_write (PostingsBuilder *b,
                        sqlite3         *db)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (b->terms->len);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  Pair *pairs;
  gsize n_pairs = b->n_pairs, next = 0;
  guint next_long = 0;
  guint64 long_key = 0;
  gboolean long_keyed = FALSE;
  ByteBuf *list = &b->list;
  EntryBuf *entries = &b->entries;
  SegWriter w;
  int rc;

  if (postings_builder_is_empty (b))
    return SQLITE_OK;
  for (guint i = 0; i < b->terms->len; i++)
    {
      BuilderTerm *t = &g_array_index (b->terms, BuilderTerm, i);

      builder_term_flush (t);
      g_ptr_array_add (sorted, t);
    }
  g_ptr_array_sort_with_data (sorted, compare_builder_terms, b->arena->str);
  if (b->sorting == NULL)
    b->sorting = g_new (Pair, b->cap_pairs);
  pairs = radix_sort (b->pairs, b->sorting, n_pairs, b->keys_or ^ b->keys_and);

  /* the short terms and the long ones, in order */
  rc = seg_writer_init (&w, db, segs_next_id (db));
  while (rc == SQLITE_OK && (next < n_pairs || next_long < sorted->len))
    {
      BuilderTerm *t = next_long < sorted->len ? g_ptr_array_index (sorted, next_long) : NULL;

      /* a short term (its key, zero bytes after its end) is before a long
       * one when its key is not after the long one's first 8 bytes (the
       * same: the short one starts the long one) */
      if (t != NULL && !long_keyed)
        {
          long_key = term_prefix_key ((const guint8 *)b->arena->str + t->term_at, t->term_len);
          long_keyed = TRUE;
        }
      if (next < n_pairs && (t == NULL || pairs[next].key <= long_key))
        {
          guint64 key = pairs[next].key;
          char term[8];
          gsize len = key_term (key, term);

          entries->len = 0;
          while (next < n_pairs && pairs[next].key == key)
            {
              gint64 rowid = pairs[next].rowid;
              gsize from = next;
              ListEntry *e;

              while (++next < n_pairs && pairs[next].key == key && pairs[next].rowid == rowid)
                ;
              e = entries_push (entries);
              e->rowid = rowid;
              e->count = (guint32)MIN (next - from, G_MAXUINT32);
            }
          list->len = 0;
          list_encode_to (entries->data, entries->len, list, &b->scratch);
          rc = seg_writer_add (&w, term, len, list->data, list->len);
        }
      else
        {
          varlist_decode (t->data.data, t->data.len, entries);
          list->len = 0;
          list_encode_to (entries->data, entries->len, list, &b->scratch);
          rc = seg_writer_add (&w, b->arena->str + t->term_at, t->term_len, list->data, list->len);
          next_long++;
          long_keyed = FALSE;
        }
    }
  rc = seg_writer_finish (&w, rc);
  if (rc == SQLITE_OK)
    rc = segs_add (db, w.seg, 0);
  postings_builder_reset (b);

  for (int level = 0; rc == SQLITE_OK; level++)
    {
      rc = segs_list (db, level, segs);
      if (rc != SQLITE_OK || segs->len < BLOCK_FANIN)
        break;
      rc = merge_segments (db, segs, level + 1, NULL, 0, 0);
    }
  return rc;
}

/* The rowids of the articles in docs, as a bitmap from *@base */
static guint8 *
live_rowids (sqlite3 *db,
             gint64  *base,
             gint64  *n,
             int     *rc)
{
  sqlite3_stmt *stmt = NULL;
  gint64 lo = 0, hi = -1;
  guint8 *live;

  *base = 0;
  *n = 0;
  if (!index_query_int64 (db, "SELECT min(id) FROM docs", &lo) ||
      !index_query_int64 (db, "SELECT max(id) FROM docs", &hi))
    {
      *rc = SQLITE_OK;
      return g_new0 (guint8, 1);
    }
  *base = lo;
  *n = hi - lo + 1;
  live = g_new0 (guint8, *n / 8 + 1);
  *rc = sqlite3_prepare_v2 (db, "SELECT id FROM docs", -1, &stmt, NULL);
  while (*rc == SQLITE_OK && (*rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 i = sqlite3_column_int64 (stmt, 0) - lo;

      live[i >> 3] |= 1 << (i & 7);
      *rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (*rc == SQLITE_DONE)
    *rc = SQLITE_OK;
  return live;
}

/* At the end of an update: every segment merged into one, leaving out
 * the articles removed since the last time (meta's dead) */
int
postings_optimize (sqlite3 *db)
{
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint8 *live = NULL;
  gint64 dead = 0, base = 0, n = 0;
  int level = 0;
  int rc;

  index_query_int64 (db, "SELECT value FROM meta WHERE key = 'dead'", &dead);
  rc = segs_list (db, -1, segs);
  if (rc != SQLITE_OK || (segs->len <= 1 && dead == 0) || segs->len == 0)
    return rc;
  if (dead > 0)
    {
      live = live_rowids (db, &base, &n, &rc);
      if (rc != SQLITE_OK)
        return rc;
    }
  {
    gint64 top = 0;

    index_query_int64 (db, "SELECT max(level) FROM segs", &top);
    level = (int)top + 1;
  }
  rc = merge_segments (db, segs, level, live, base, n);
  if (rc == SQLITE_OK)
    rc = index_exec (db, "INSERT OR REPLACE INTO meta VALUES ('dead', 0)");
  return rc;
}

/* candidates */

void
candidate_set_clear (CandidateSet *set)
{
  g_clear_pointer (&set->counts, g_free);
  set->n = 0;
  set->n_candidates = 0;
}

/* Adds the entries of @term (every term it starts, when @prefix) in
 * segment @seg to @counts (from @base, @n of them) */
static int
read_term (sqlite3    *db,
           gint64      seg,
           const char *term,
           gsize       len,
           gboolean    prefix,
           gint64      base,
           gint64      n,
           guint32    *counts)
{
  SegReader r;
  int rc = SQLITE_OK;

  seg_reader_init (&r, db, seg, term, len);
  while (seg_reader_next (&r))
    {
      ListIter it;
      gboolean starts = r.term->len >= len && memcmp (r.term->data, term, len) == 0;

      /* the terms come in order from @term on: past it, or past every
       * term it starts */
      if (!starts || (!prefix && r.term->len != len))
        break;
      list_iter_init (&it, r.list, r.list_len);
      while (list_iter_next (&it))
        if (it.rowid >= base && it.rowid - base < n)
          counts[it.rowid - base] += it.count;
      if (it.bad)
        {
          rc = SQLITE_CORRUPT;
          break;
        }
      if (!prefix)
        break;
    }
  if (rc == SQLITE_OK)
    rc = r.rc;
  seg_reader_clear (&r);
  return rc;
}

/* The articles (rowids from @base, @n of them) that hold every one of
 * @terms; with the hits of the first one (the sum of its entries' counts)
 * in set->counts */
int
candidate_set_read (CandidateSet    *set,
                    sqlite3         *db,
                    const IndexTerm *terms,
                    guint            n_terms,
                    gint64           base,
                    gint64           n)
{
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint32 *other = NULL;
  int rc;

  candidate_set_clear (set);
  set->base = base;
  set->n = n > 0 ? n : 0;
  set->counts = g_new0 (guint32, set->n + 1);
  rc = postings_segments (db, segs);
  for (guint t = 0; t < n_terms && rc == SQLITE_OK; t++)
    {
      guint32 *into = t == 0 ? set->counts : other;

      if (t == 1)
        other = g_new0 (guint32, set->n + 1);
      else if (t > 1)
        memset (other, 0, (set->n + 1) * sizeof (guint32));
      into = t == 0 ? set->counts : other;
      for (guint s = 0; s < segs->len && rc == SQLITE_OK; s++)
        rc = read_term (db, g_array_index (segs, gint64, s), terms[t].term, terms[t].len, terms[t].prefix,
                        base, set->n, into);
      if (t > 0)
        for (gint64 i = 0; i < set->n; i++)
          if (other[i] == 0)
            set->counts[i] = 0;
    }
  for (gint64 i = 0; i < set->n; i++)
    set->n_candidates += set->counts[i] != 0;
  return rc;
}
