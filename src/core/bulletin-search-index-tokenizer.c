/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "bulletin-search-index-private.h"
#include "bulletin-unicode.h"

/*
 * The terms of the index, over the folded search text (docs/search.md):
 * for Han, kana and hangul one term per position, the bigram starting
 * there (exact when it is common, else its second character as a bucket)
 * or the last character of a run alone; words for the rest.  And the
 * terms of a query.
 */

#define MAX_WORD_BYTES 64

/* A bigram's term is its first character, then the bucket of its second
 * one, one of 2^BUCKET_BITS, written as a two-byte UTF-8 character from
 * U+0400 on (no CJK character is written in two bytes, so a bucket never
 * reads as a character of the text).  A one-character query is still the
 * prefix term of its character; a bigram's candidates are those of its
 * bucket, the matcher checks every one anyway.  Real text has millions of
 * distinct bigrams, most of them in one or two articles: each is a term
 * with its own list (its key, its length, its first rowid in full, about
 * eight bytes before the rest).  Buckets of 256 make half the
 * terms and a tenth of the index's size less, and a rare bigram's bucket
 * brings a few dozen more candidates (docs/search.md). */
#define BUCKET_BITS 8

static inline guint32
bucket_of (gunichar b)
{
  return (b * 0x9E3779B1u) >> (32 - BUCKET_BITS);
}

/* The key of bigram @a @b's bucket term in a set of bucket terms (a
 * BigramSet of pairs of @a and SIG_BUCKET + its bucket) */
gunichar
bigram_bucket_key (gunichar b)
{
  return SIG_BUCKET + bucket_of (b);
}

/* Whether the term of bigram @a @b is common (in 1 % of the first batch's
 * articles): exact, or a bucket term in @buckets; FALSE when either is
 * not a CJK character */
gboolean
bigram_term_common (const BigramSet *exact,
                    const BigramSet *buckets,
                    gunichar         a,
                    gunichar         b)
{
  if (!bulletin_unichar_is_cjk (a) || !bulletin_unichar_is_cjk (b))
    return FALSE;
  return bigram_set_has (exact, a, b) || bigram_set_has (buckets, a, bigram_bucket_key (b));
}

/* exact bigrams */

void
bigram_set_init (BigramSet    *set,
                 const guint8 *data,
                 gsize         len)
{
  guint n = len / 8, size = 16, filter_bits = 10;

  while (size < 2 * n + 2)
    size *= 2;
  while (filter_bits < 16 && (1u << filter_bits) < 4 * n)
    filter_bits++;
  set->slots = g_new0 (guint64, size);
  set->mask = size - 1;
  set->n = 0;
  set->filter = g_new0 (guint64, (1u << filter_bits) / 64);
  set->filter_shift = 64 - filter_bits;
  for (guint i = 0; i < n; i++)
    {
      const guint8 *p = data + 8 * i;
      gunichar a = p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24;
      gunichar b = p[4] | p[5] << 8 | p[6] << 16 | (guint32)p[7] << 24;
      guint64 key = bigram_key (a, b);
      guint s = bigram_slot (key, set->mask);

      while (set->slots[s] != 0 && set->slots[s] != key)
        s = (s + 1) & set->mask;
      if (set->slots[s] == 0)
        set->n++;
      set->slots[s] = key;
      {
        guint64 bit = bigram_filter_bit (key, set->filter_shift);

        set->filter[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
      }
    }
}

void
bigram_set_clear (BigramSet *set)
{
  g_clear_pointer (&set->slots, g_free);
  g_clear_pointer (&set->filter, g_free);
  set->mask = 0;
  set->n = 0;
}

/* exact n-grams */

/* The key of the @size characters @chars (never 0, the empty slot): three
 * 21-bit code points, or four 16-bit ones (0 when one is beyond the BMP) */
guint64
ngram_key (guint           size,
           const gunichar *chars)
{
  if (size == 4)
    {
      if ((chars[0] | chars[1] | chars[2] | chars[3]) > 0xFFFF)
        return 0;
      return ((guint64)chars[0] << 48 | (guint64)chars[1] << 32 | (guint64)chars[2] << 16 | chars[3]) + 1;
    }
  return ((guint64)(chars[0] & 0x1FFFFF) << 42 | (guint64)(chars[1] & 0x1FFFFF) << 21 |
          (chars[2] & 0x1FFFFF)) + 1;
}

void
ngram_set_init (NgramSet     *set,
                guint         size,
                const guint8 *data,
                gsize         len)
{
  guint n = MIN (len / (4 * size), TRIGRAM_MAX), slots = 16;

  while (slots < 2 * n + 2)
    slots *= 2;
  set->keys = g_new0 (guint64, slots);
  set->ids = g_new0 (guint32, slots);
  set->mask = slots - 1;
  set->n = 0;
  set->size = size;
  set->mark = size == 4 ? QUADGRAM_MARK : TRIGRAM_MARK;
  set->by_bigrams = FALSE;
  for (guint i = 0; i < n; i++)
    {
      const guint8 *p = data + 4 * size * i;
      gunichar chars[4];
      guint64 key;
      guint s;

      for (guint j = 0; j < size; j++)
        chars[j] = p[4 * j] | p[4 * j + 1] << 8 | p[4 * j + 2] << 16 | (guint32)p[4 * j + 3] << 24;
      key = ngram_key (size, chars);
      if (key == 0)
        continue;
      s = bigram_slot (key, set->mask);
      while (set->keys[s] != 0 && set->keys[s] != key)
        s = (s + 1) & set->mask;
      if (set->keys[s] == 0)
        {
          set->n++;
          set->keys[s] = key;
          set->ids[s] = i;
        }
    }
}

void
trigram_set_init (NgramSet     *set,
                  const guint8 *data,
                  gsize         len)
{
  ngram_set_init (set, 3, data, len);
}

void
quadgram_set_init (NgramSet     *set,
                   const guint8 *data,
                   gsize         len)
{
  ngram_set_init (set, 4, data, len);
}

void
ngram_set_clear (NgramSet *set)
{
  g_clear_pointer (&set->keys, g_free);
  g_clear_pointer (&set->ids, g_free);
  set->mask = 0;
  set->n = 0;
  set->by_bigrams = FALSE;
}

/* The id of the n-gram @chars (the set's size of them), or -1 when it is
 * not exact */
int
ngram_set_id (const NgramSet *set,
              const gunichar *chars)
{
  guint64 key;
  guint s;

  if (set == NULL || set->n == 0)
    return -1;
  key = ngram_key (set->size, chars);
  if (key == 0)
    return -1;
  for (s = bigram_slot (key, set->mask); set->keys[s] != 0; s = (s + 1) & set->mask)
    if (set->keys[s] == key)
      return (int)set->ids[s];
  return -1;
}

int
trigram_set_id (const NgramSet *set,
                gunichar        a,
                gunichar        b,
                gunichar        c)
{
  gunichar chars[3] = { a, b, c };

  return ngram_set_id (set, chars);
}

/* Writes the term of the n-gram @id of @set into @out (3 bytes): the
 * set's mark, then the id in two bytes of 1 to 255 (a term holds no 0) */
int
ngram_term (const NgramSet *set,
            guint           id,
            char           *out)
{
  out[0] = (char)set->mark;
  out[1] = (char)(1 + id / 255);
  out[2] = (char)(1 + id % 255);
  return 3;
}

int
trigram_term (guint  id,
              char  *out)
{
  NgramSet tri = { .mark = TRIGRAM_MARK };

  return ngram_term (&tri, id, out);
}

/* Writes the term of the bigram @a @b into @out (at least 8 bytes): the
 * bigram itself when it is exact, else @a and @b's bucket; returns its
 * length */
static inline int
term_of (const BigramSet *exact,
         gunichar         a,
         gunichar         b,
         char            *out)
{
  int n = g_unichar_to_utf8 (a, out);

  if (bigram_set_has (exact, a, b))
    return n + g_unichar_to_utf8 (b, out + n);
  return n + g_unichar_to_utf8 (0x400 + bucket_of (b), out + n);
}

static inline gboolean
is_cjk_fast (gunichar c)
{
  return index_is_cjk (c);
}

/* g_unichar_to_utf8 (), inline for the characters of Unicode */
static inline int
put_utf8 (gunichar c,
          char    *out)
{
  if (c < 0x80)
    {
      out[0] = (char)c;
      return 1;
    }
  if (c < 0x800)
    {
      out[0] = (char)(0xC0 | c >> 6);
      out[1] = (char)(0x80 | (c & 0x3F));
      return 2;
    }
  if (c < 0x10000)
    {
      out[0] = (char)(0xE0 | c >> 12);
      out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
      out[2] = (char)(0x80 | (c & 0x3F));
      return 3;
    }
  if (c < 0x110000)
    {
      out[0] = (char)(0xF0 | c >> 18);
      out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
      out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
      out[3] = (char)(0x80 | (c & 0x3F));
      return 4;
    }
  return g_unichar_to_utf8 (c, out);
}

/* The bigram facts of each position of the folded text @chars
 * (POS_CJK and the rest), into @flags (@n of them): asked once per
 * position, for the terms and the signature both */
void
bigram_flags (const gunichar  *chars,
              guint            n,
              const BigramSet *exact,
              const BigramSet *buckets,
              guint8          *flags)
{
  gboolean cjk = n > 0 && index_is_cjk (chars[0]);

  for (guint i = 0; i < n; i++)
    {
      gboolean next = i + 1 < n && index_is_cjk (chars[i + 1]);
      guint8 f = cjk ? POS_CJK : 0;

      if (cjk && next)
        {
          f |= POS_PAIR;
          if (bigram_set_has (exact, chars[i], chars[i + 1]))
            f |= POS_PAIR_EXACT | POS_PAIR_COMMON;
          else if (bigram_set_has (buckets, chars[i], bigram_bucket_key (chars[i + 1])))
            f |= POS_PAIR_COMMON;
        }
      flags[i] = f;
      cjk = next;
    }
}

/* Notes in @set whether each of its n-grams has exact bigrams (each pair
 * of consecutive characters in @exact).  The sets are made so
 * (writer_make_bigrams ()): from the same articles, the first batch,
 * with the same threshold (1 % of them, MIN_EXACT_DOCS); an article that
 * holds abc holds ab and bc, so a trigram's bigrams are in at least as
 * many articles as it is, and exact bigrams are not capped (n-grams are,
 * at TRIGRAM_MAX: fewer, never more); its characters are Han, so CJK.
 * Then an n-gram one of whose bigrams is not exact is not in @set, and
 * the tokenizer need not look (index_tokenize_chars ()).  Checked here
 * rather than assumed, for a set made otherwise (it would be looked up at
 * every pair, as before). */
void
ngram_set_check_bigrams (NgramSet        *set,
                         const BigramSet *exact)
{
  guint bits = set->size == 4 ? 16 : 21;

  set->by_bigrams = FALSE;
  if (set->keys == NULL || exact == NULL)
    return;
  for (guint s = 0; s <= set->mask; s++)
    {
      guint64 k = set->keys[s] - 1;
      gunichar chars[4];

      if (set->keys[s] == 0)
        continue;
      for (guint j = 0; j < set->size; j++)
        chars[j] = (gunichar)(k >> (bits * (set->size - 1 - j))) & ((1u << bits) - 1);
      for (guint j = 0; j + 1 < set->size; j++)
        if (!index_is_cjk (chars[j]) || !index_is_cjk (chars[j + 1]) ||
            !bigram_set_has (exact, chars[j], chars[j + 1]))
          return;
    }
  set->by_bigrams = TRUE;
}

/* Whether the n-gram of @set at a position whose flags start at @flags
 * may be in @set: its characters are there, beyond ASCII (as the UTF-8
 * tokenizer took them), and with ngram_set_check_bigrams () its bigrams
 * are exact (else it is not in the set: no look-up) */
static inline gboolean
ngram_may_be (const NgramSet *set,
              const gunichar *chars,
              const guint8   *flags,
              guint           left)
{
  if (set == NULL || set->n == 0 || left < set->size)
    return FALSE;
  if (set->by_bigrams)
    {
      for (guint j = 0; j + 1 < set->size; j++)
        if (!(flags[j] & POS_PAIR_EXACT))
          return FALSE;
      return TRUE;
    }
  for (guint j = 2; j < set->size; j++)
    if (chars[j] < 0x80)
      return FALSE;
  return TRUE;
}

/* The terms of folded characters (docs/search.md, "Postings") */
int
index_tokenize_chars (const gunichar  *chars,
                      guint            n,
                      const guint8    *flags,
                      const NgramSet  *trigrams,
                      const NgramSet  *quadgrams,
                      void            *ctx,
                      IndexTokenFunc   token)
{
  const NgramSet *ngrams[] = { trigrams, quadgrams };
  int rc = SQLITE_OK;
  guint i = 0;

  while (i < n && rc == SQLITE_OK)
    {
      gunichar c = chars[i];

      if (flags[i] & POS_CJK)
        {
          /* one term per position: the bigram that starts here, or the
           * character alone at the end of a run; a one-character query
           * takes every term that starts with it */
          char term[12];
          int len = put_utf8 (c, term);

          if (flags[i] & POS_PAIR)
            {
              gunichar d = chars[i + 1];

              if (flags[i] & POS_PAIR_EXACT)
                len += put_utf8 (d, term + len);
              else
                len += put_utf8 (0x400 + bucket_of (d), term + len);
              rc = token (ctx, term, len);
              /* and the trigram and 4-gram that start here, when exact */
              for (guint k = 0; k < G_N_ELEMENTS (ngrams) && rc == SQLITE_OK; k++)
                if (ngram_may_be (ngrams[k], chars + i, flags + i, n - i))
                  {
                    int id = ngram_set_id (ngrams[k], chars + i);

                    if (id >= 0)
                      rc = token (ctx, term, ngram_term (ngrams[k], id, term));
                  }
            }
          else
            rc = token (ctx, term, len);
          i++;
        }
      else if (bulletin_fold_is_word_char (c))
        {
          /* a long word is indexed by its first characters (whole ones,
           * MAX_WORD_BYTES at most), and so is the query */
          char word[MAX_WORD_BYTES + 8];
          int len = 0;
          gboolean full = FALSE;

          for (; i < n && !(flags[i] & POS_CJK) && bulletin_fold_is_word_char (chars[i]); i++)
            {
              if (full)
                continue;
              if (chars[i] < 0x80 && len < MAX_WORD_BYTES)
                word[len++] = (char)chars[i];
              else
                {
                  char one[8];
                  int l = put_utf8 (chars[i], one);

                  if (len + l <= MAX_WORD_BYTES)
                    {
                      memcpy (word + len, one, l);
                      len += l;
                    }
                  else
                    full = TRUE;
                }
            }
          rc = token (ctx, word, len);
        }
      else
        i++;
    }
  return rc;
}

/* The terms of a folded text in UTF-8: its characters, an invalid byte
 * as a U+0000 (it breaks a pair or a word, and is skipped), tokenized as
 * index_tokenize_chars () */
int
index_tokenize (const char      *text,
                int              n_text,
                const BigramSet *exact,
                const NgramSet  *trigrams,
                const NgramSet  *quadgrams,
                void            *ctx,
                IndexTokenFunc   token)
{
  g_autofree gunichar *chars = g_new (gunichar, n_text + 1);
  g_autofree guint8 *flags = NULL;
  const char *p = text, *end = text + n_text;
  guint n = 0;

  while (p < end)
    {
      gunichar c = (guchar)*p < 0x80 ? (gunichar)*p : g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          chars[n++] = 0;
          p++;
          continue;
        }
      chars[n++] = c;
      p = g_utf8_next_char (p);
    }
  flags = g_new (guint8, n + 1);
  bigram_flags (chars, n, exact, NULL, flags);
  return index_tokenize_chars (chars, n, flags, trigrams, quadgrams, ctx, token);
}

/* Adds a term of a query, once */
static void
append_term (GArray     *terms,
             GHashTable *seen,
             const char *term,
             gsize       len,
             gboolean    prefix)
{
  g_autofree char *key = g_strdup_printf ("%c%.*s", prefix ? '*' : '=', (int)len, term);
  IndexTerm t = { g_strndup (term, len), len, prefix };

  if (g_hash_table_contains (seen, key))
    {
      g_free (t.term);
      return;
    }
  g_array_append_val (terms, t);
  g_hash_table_add (seen, g_steal_pointer (&key));
}

/* The terms of a folded query: every bigram of its CJK runs (as its
 * term, exact or by bucket), a lone CJK character as a prefix (every
 * term that starts with it), every word as a prefix */
static void
append_term_terms (GArray          *terms,
                   GHashTable      *seen,
                   const char      *folded,
                   const BigramSet *exact)
{
  const char *p = folded;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (is_cjk_fast (c))
        {
          gboolean alone = TRUE;

          if (p > folded)
            {
              const char *prev = g_utf8_prev_char (p);

              alone = !is_cjk_fast (g_utf8_get_char (prev));
            }
          if (*next && is_cjk_fast (g_utf8_get_char (next)))
            {
              char term[12];

              append_term (terms, seen, term, term_of (exact, c, g_utf8_get_char (next), term), FALSE);
            }
          else if (alone)
            append_term (terms, seen, p, next - p, TRUE);
          p = next;
        }
      else if (bulletin_fold_is_word_char (c))
        {
          const char *start = p, *last = p;

          while (*p)
            {
              gunichar d = g_utf8_get_char (p);

              if (is_cjk_fast (d) || !bulletin_fold_is_word_char (d))
                break;
              p = g_utf8_next_char (p);
              if (p - start <= MAX_WORD_BYTES)
                last = p;
            }
          append_term (terms, seen, start, last - start, TRUE);
        }
      else
        p = next;
    }
}

static void
index_term_clear (gpointer data)
{
  g_free (((IndexTerm *)data)->term);
}

/* The terms of a query: the AND of its terms to find (an excluded term is
 * left to the matcher, which checks every candidate).  NULL when no term
 * has anything the index knows: scan every doc. */
/* The set (@trigrams or @quadgrams) and id of @q's n-gram when @q is one
 * term to find of three or four Han characters whose n-gram is exact and
 * that cannot overlap itself, so its positions are its hits (hits are
 * non-overlapping, left to right): abc does when a == c (2 positions in
 * ababa, one hit), abcd when a == d or ab == cd (哈嘿哈嘿哈嘿); else -1 */
static int
query_ngram (const BulletinSearchQuery  *q,
             const NgramSet             *trigrams,
             const NgramSet             *quadgrams,
             const NgramSet            **set)
{
  const gunichar *chars;
  guint n = 0;
  gboolean negative = FALSE;

  if (bulletin_search_query_get_n_terms (q) != 1)
    return -1;
  chars = bulletin_search_query_get_term (q, 0, &n, &negative);
  if (negative || (n != 3 && n != 4))
    return -1;
  *set = n == 3 ? trigrams : quadgrams;
  if (*set == NULL || (*set)->n == 0 || (*set)->size != n)
    return -1;
  if (chars[0] == chars[n - 1] || (n == 4 && chars[0] == chars[2] && chars[1] == chars[3]))
    return -1;
  for (guint i = 0; i < n; i++)
    if (!bulletin_unichar_is_han (chars[i]) || !is_cjk_fast (chars[i]))
      return -1;
  return ngram_set_id (*set, chars);
}

GArray *
index_query_terms (const BulletinSearchQuery *q,
                   const BigramSet           *exact,
                   const NgramSet            *trigrams,
                   const NgramSet            *quadgrams)
{
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (IndexTerm));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const NgramSet *set = NULL;
  int id = query_ngram (q, trigrams, quadgrams, &set);

  g_array_set_clear_func (terms, index_term_clear);
  /* an exact n-gram's positions are the articles that hold it */
  if (id >= 0)
    {
      char term[4];
      IndexTerm t;

      t.len = ngram_term (set, id, term);
      t.term = g_strndup (term, t.len);
      t.prefix = FALSE;
      g_array_append_val (terms, t);
      return g_steal_pointer (&terms);
    }
  for (guint i = 0; i < bulletin_search_query_get_n_terms (q); i++)
    {
      gboolean negative = FALSE;

      bulletin_search_query_get_term (q, i, NULL, &negative);
      if (!negative)
        append_term_terms (terms, seen, bulletin_search_query_get_term_folded (q, i), exact);
    }
  if (terms->len == 0)
    return NULL;
  return g_steal_pointer (&terms);
}

/* Whether the postings' counts are the matcher's hits for @q: one term to
 * find and nothing excluded, a CJK character (its count is the sum over
 * the terms that start with it: each of its positions gives one), two
 * different ones whose bigram is exact (two the same overlap: 哈哈 in
 * 哈哈哈 is one hit, two positions) or three Han characters whose
 * trigram is exact, the first not the last, or four whose 4-gram is exact
 * and that cannot overlap itself (query_ngram ()). */
gboolean
index_query_counted (const BulletinSearchQuery *q,
                     const BigramSet           *exact,
                     const NgramSet            *trigrams,
                     const NgramSet            *quadgrams)
{
  const gunichar *chars;
  const NgramSet *set = NULL;
  guint n = 0;
  gboolean negative = FALSE;

  if (bulletin_search_query_get_n_terms (q) != 1)
    return FALSE;
  if (query_ngram (q, trigrams, quadgrams, &set) >= 0)
    return TRUE;
  chars = bulletin_search_query_get_term (q, 0, &n, &negative);
  if (negative || n == 0 || n > 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!bulletin_unichar_is_han (chars[i]) || !is_cjk_fast (chars[i]))
      return FALSE;
  if (n == 1)
    return TRUE;
  return chars[0] != chars[1] && bigram_set_has (exact, chars[0], chars[1]);
}
