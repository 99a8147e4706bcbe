/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "bulletin-search-index-private.h"
#include "bulletin-unicode.h"

/*
 * The FTS5 tokenizer of the index, `bulletin`, over the folded search text
 * (docs/search.md): for Han, kana and hangul one term per position, the
 * bigram starting there (its second character as a bucket) or the last
 * character of a run alone; words for the rest.  And the FTS5 expression
 * of a query in those terms.
 */

#define MAX_WORD_BYTES 64

/* A bigram's term is its first character, then the bucket of its second
 * one, one of 2^BUCKET_BITS, written as a two-byte UTF-8 character from
 * U+0400 on (no CJK character is written in two bytes, so a bucket never
 * reads as a character of the text).  A one-character query is still the
 * prefix term of its character; a bigram's candidates are those of its
 * bucket, the matcher checks every one anyway.  Real text has millions of
 * distinct bigrams, most of them in one or two articles: each is a term
 * with its own doclist (about ten bytes before its first rowid), and
 * FTS5's pending terms of every flush.  Buckets of 256 make half the
 * terms and a tenth of the index's size less, and a rare bigram's bucket
 * brings a few dozen more candidates (docs/search.md). */
#define BUCKET_BITS 8

static inline guint32
bucket_of (gunichar b)
{
  return (b * 0x9E3779B1u) >> (32 - BUCKET_BITS);
}

/* Writes the term of the bigram @a @b into @out (at least 8 bytes);
 * returns its length */
static int
bigram_term (gunichar  a,
             gunichar  b,
             char     *out)
{
  int n = g_unichar_to_utf8 (a, out);

  return n + g_unichar_to_utf8 (0x400 + bucket_of (b), out + n);
}

/* Whether the term (@a, @bucket) is in the set @seen of @n_slots (a power
 * of two, more than the terms); adds it when not */
static gboolean
term_seen (guint64  *seen,
           guint     n_slots,
           gunichar  a,
           guint32   bucket)
{
  guint64 key = ((guint64)a << 32 | bucket) + 1;  /* never 0, the empty slot */
  guint i = (guint)((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 40) & (n_slots - 1);

  while (seen[i] != 0)
    {
      if (seen[i] == key)
        return TRUE;
      i = (i + 1) & (n_slots - 1);
    }
  seen[i] = key;
  return FALSE;
}

/* tokenizer */

static gboolean
is_cjk_fast (gunichar c)
{
  return bulletin_unichar_is_cjk (c);
}

static int
tokenizer_create (void           *ctx,
                  const char    **argv,
                  int             argc,
                  Fts5Tokenizer **out)
{
  static int dummy;

  *out = (Fts5Tokenizer *)&dummy;
  return SQLITE_OK;
}

static void
tokenizer_delete (Fts5Tokenizer *tokenizer)
{
}

static int
tokenizer_tokenize (Fts5Tokenizer *tokenizer,
                    void          *ctx,
                    int            flags,
                    const char    *text,
                    int            n_text,
                    int          (*token) (void *, int, const char *, int, int, int))
{
  const char *p = text, *end = text + n_text;
  guint64 seen_local[2048], *seen;
  g_autofree guint64 *seen_heap = NULL;
  guint n_slots;
  int rc = SQLITE_OK;

  /* Queries are written by us from folded text, one term per string. */
  if (flags & FTS5_TOKENIZE_QUERY)
    return n_text > 0 ? token (ctx, 0, text, n_text, 0, n_text) : SQLITE_OK;

  /* an article's CJK terms, each given to FTS5 once (with detail=none it
   * keeps nothing but the article of a term): an open-addressed set of
   * (first character, bucket or run end), at most two thirds full (a CJK
   * character is three bytes of UTF-8) */
  n_slots = 64;
  while (n_slots < (guint)n_text / 2)
    n_slots *= 2;
  seen = n_slots <= G_N_ELEMENTS (seen_local) ? seen_local : (seen_heap = g_new (guint64, n_slots));
  memset (seen, 0, n_slots * sizeof (guint64));

  while (p < end && rc == SQLITE_OK)
    {
      gunichar c = (guchar)*p < 0x80 ? (gunichar)*p : g_utf8_get_char_validated (p, end - p);
      const char *next;

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          p++;
          continue;
        }
      next = g_utf8_next_char (p);

      if (is_cjk_fast (c))
        {
          /* one term per position: the bigram that starts here, or the
           * character alone at the end of a run; a one-character query is
           * a prefix query, which finds both (a bigram's term starts with
           * its first character) */
          const char *after = NULL;
          gunichar d = 0;

          if (next < end && (guchar)*next >= 0x80)
            {
              d = g_utf8_get_char_validated (next, end - next);

              if (d != (gunichar)-1 && d != (gunichar)-2 && is_cjk_fast (d))
                after = g_utf8_next_char (next);
            }
          if (term_seen (seen, n_slots, c, after != NULL ? bucket_of (d) : G_MAXUINT32))
            ;  /* given already */
          else if (after != NULL)
            {
              char term[12];

              rc = token (ctx, 0, term, bigram_term (c, d, term), p - text, after - text);
            }
          else
            rc = token (ctx, 0, p, next - p, p - text, next - text);
          p = next;
        }
      else if (bulletin_fold_is_word_char (c))
        {
          const char *start = p, *cut = NULL;

          while (p < end)
            {
              gunichar d = (guchar)*p < 0x80 ? (gunichar)*p : g_utf8_get_char_validated (p, end - p);

              if (d == (gunichar)-1 || d == (gunichar)-2 || is_cjk_fast (d) || !bulletin_fold_is_word_char (d))
                break;
              p = g_utf8_next_char (p);
              if (cut == NULL && p - start > MAX_WORD_BYTES)
                cut = p;
            }
          if (cut == NULL)
            cut = p;
          /* a long word is indexed by its first characters, and so is the query */
          {
            const char *q = start, *last = start;

            while (q < cut && q - start <= MAX_WORD_BYTES)
              {
                last = q;
                q = g_utf8_next_char (q);
              }
            if (q - start <= MAX_WORD_BYTES)
              last = q;
            rc = token (ctx, 0, start, last - start, start - text, p - text);
          }
        }
      else
        p = next;
    }
  return rc;
}

static fts5_tokenizer bulletin_tokenizer = {
  tokenizer_create,
  tokenizer_delete,
  tokenizer_tokenize,
};

/* The terms of a folded text, as FTS5 gets them when it is indexed */
int
index_tokenize (const char     *text,
                int             n_text,
                void           *ctx,
                IndexTokenFunc  token)
{
  return tokenizer_tokenize (NULL, ctx, 0, text, n_text, token);
}

gboolean
index_tokenizer_register (sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_pointer (stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (api == NULL)
    return FALSE;
  return api->xCreateTokenizer (api, "bulletin", NULL, &bulletin_tokenizer, NULL) == SQLITE_OK;
}

/* Appends a string in FTS5 query syntax: "term", a prefix "term"*. */
static void
append_term (GString    *expr,
             GHashTable *seen,
             const char *term,
             gsize       len,
             gboolean    prefix)
{
  g_autofree char *t = g_strndup (term, len);
  g_autofree char *key = g_strconcat (t, prefix ? "*" : "", NULL);

  if (g_hash_table_contains (seen, key))
    return;
  if (expr->len > 0)
    g_string_append_c (expr, ' ');
  g_string_append_c (expr, '"');
  for (const char *p = t; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (expr, '"');
      g_string_append_c (expr, *p);
    }
  g_string_append_c (expr, '"');
  if (prefix)
    g_string_append_c (expr, '*');
  g_hash_table_add (seen, g_steal_pointer (&key));
}

/* The FTS5 expression for a folded query: every bigram of its Han runs (as
 * its term: the first character and the second's bucket; a lone Han
 * character as a prefix), every word as a prefix.  NULL when the
 * query has nothing the index knows (only punctuation): scan every doc. */
static void
append_term_expression (GString    *expr,
                        GHashTable *seen,
                        const char *folded)
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

              append_term (expr, seen, term, bigram_term (c, g_utf8_get_char (next), term), FALSE);
            }
          else if (alone)
            append_term (expr, seen, p, next - p, TRUE);
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
          append_term (expr, seen, start, last - start, TRUE);
        }
      else
        p = next;
    }
}

/* The FTS5 expression for a query: the AND of its terms to find (an
 * excluded term is left to the matcher, which checks every candidate).
 * NULL when no term has anything the index knows: scan every doc. */
char *
index_query_expression (const BulletinSearchQuery *q)
{
  g_autoptr(GString) expr = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < bulletin_search_query_get_n_terms (q); i++)
    {
      gboolean negative = FALSE;

      bulletin_search_query_get_term (q, i, NULL, &negative);
      if (!negative)
        append_term_expression (expr, seen, bulletin_search_query_get_term_folded (q, i));
    }
  if (expr->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&expr), FALSE);
}
