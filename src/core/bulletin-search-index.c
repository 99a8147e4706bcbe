/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <zdict.h>
#include <zstd.h>

#include "bulletin-archive-links.h"
#include "bulletin-issue.h"
#include "bulletin-search.h"
#include "bulletin-search-index.h"
#include "bulletin-unicode.h"

/*
 * The archive index.
 *
 * One SQLite database per archive under $XDG_CACHE_HOME/bulletin-reader/:
 *
 *   issues  one row per issue file (path relative to the root, size, mtime,
 *           metadata, the rowids of its articles);
 *   docs    one row per article: its search text (the text of its blocks,
 *           ranges joined, debris left out) compressed, and the segments that
 *           map that text back to source offsets;
 *   fts     a contentless FTS5 table (detail=none) over the *folded* search
 *           text, tokenized by our own tokenizer: overlapping bigrams for
 *           Han (and kana, hangul) text, the last character of a run alone,
 *           words for the rest.  A one-character query is a prefix query.
 *
 * The index only proposes candidates: every candidate is folded and matched
 * with the same matcher as in-article search, so there are no false
 * positives, and hits are exact source offsets.  Because positions are not
 * needed, detail=none keeps the index small.
 *
 * Order: rowids are allocated so that ascending rowid order is newest
 * issue first, articles in their order; a query then streams candidates in
 * that order and can stop after the first screen.  A first build goes from
 * the newest issue to the oldest, appending rows (full pages); newer issues
 * indexed later go below.  When incremental updates break that order,
 * queries sort by issue instead (slower, same results).
 *
 * Safety (docs/search.md): one update writes at a time, across processes
 * (a lock file beside the index, which also records how the last writer
 * left the file); each batch is decided and written in one transaction,
 * and issues has one row per path.  Readers (WAL) see whole batches, and
 * never remove or rewrite an index.  An index the last writer did not
 * leave as it is (a crash, bytes changed) is not trusted: queries read the
 * files until the next update has checked it (row checksums, SQLite's and
 * FTS5's checks, FTS5's terms against the texts) and rebuilt it if need
 * be.  Issues that could not be read are kept as such, listed with every
 * result, and read again at each update.  Indexing stops before the disk's
 * free space falls below a reserve; an index whose building stopped is not
 * used.
 */

#define SCHEMA_VERSION "5"
/* The first rowid of a new index: 3-byte varints (every FTS5 doclist
 * starts with a whole rowid) for its first million articles, with room
 * below for a million articles of newer issues added later (beyond that
 * they go negative: bigger, still in order). */
#define ROWID_START    (G_GINT64_CONSTANT (1) << 20)
#define PAGE_SIZE      "16384"
#define BATCH_ISSUES   32
#define MAX_WORD_BYTES 64
#define BULLETIN_SHARED_DIR ".bulletin-reader"   /* in the archive: --index's index */

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
  int rc = SQLITE_OK;

  /* Queries are written by us from folded text, one term per string. */
  if (flags & FTS5_TOKENIZE_QUERY)
    return n_text > 0 ? token (ctx, 0, text, n_text, 0, n_text) : SQLITE_OK;

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
           * a prefix query, which finds both */
          const char *after = NULL;

          if (next < end && (guchar)*next >= 0x80)
            {
              gunichar d = g_utf8_get_char_validated (next, end - next);

              if (d != (gunichar)-1 && d != (gunichar)-2 && is_cjk_fast (d))
                after = g_utf8_next_char (next);
            }
          if (after != NULL)
            rc = token (ctx, 0, p, after - p, p - text, after - text);
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

static gboolean
register_tokenizer (sqlite3 *db)
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

/* The FTS5 expression for a folded query: every bigram of its Han runs (a
 * lone Han character as itself), every word as a prefix.  NULL when the
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
            append_term (expr, seen, p, g_utf8_next_char (next) - p, FALSE);
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
static char *
query_expression (const BulletinSearchQuery *q)
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

/* compressed text
 *
 * zstd with a dictionary made from the first batch of texts indexed (see
 * writer_make_dictionary ()), kept in meta.  An article is a few
 * kilobytes, too short for a compressor to learn much of its vocabulary
 * from itself; the dictionary takes the text to about 37 % of its size.
 * zstd rather than deflate: it decompresses three to four times faster at
 * the same ratio, and checking candidates is mostly decompressing them.
 * Level 9: on text of real word frequencies (bench-scale) it gives the
 * same size as level 19 (173.3 % against 173.1 % of the text for the
 * whole index) for 40 % less CPU time in the build; level 3 costs 5 % of
 * size more for little more speed.  Contexts, digested dictionaries and
 * output buffers are reused from one article to the next. */

#define DICTIONARY_SIZE 65536
#define ZSTD_LEVEL      9

typedef struct {
  ZSTD_DCtx    *dctx;
  ZSTD_DDict   *ddict;
  const guint8 *dictionary;
  gsize         dictionary_len;
  char         *buf;
  gsize         cap;
} Decompressor;

static void
decompressor_clear (Decompressor *z)
{
  g_clear_pointer (&z->dctx, ZSTD_freeDCtx);
  g_clear_pointer (&z->ddict, ZSTD_freeDDict);
  g_clear_pointer (&z->buf, g_free);
  z->cap = 0;
}

/* Decompresses a stored text of @text_len bytes into a buffer of @z's
 * (valid until the next call), NUL-terminated; NULL when it is damaged. */
static const char *
decompressor_run (Decompressor     *z,
              const guint8 *data,
              gsize         len,
              gsize         text_len)
{
  size_t r;

  if (z->dctx == NULL && (z->dctx = ZSTD_createDCtx ()) == NULL)
    return NULL;
  if (z->ddict == NULL && z->dictionary_len > 0 &&
      (z->ddict = ZSTD_createDDict (z->dictionary, z->dictionary_len)) == NULL)
    return NULL;
  if (text_len > G_MAXUINT32 || len > G_MAXUINT32)
    return NULL;
  if (text_len + 1 > z->cap)
    {
      z->cap = MAX (text_len + 1, 2 * z->cap);
      z->buf = g_realloc (z->buf, z->cap);
    }

  if (z->ddict != NULL)
    r = ZSTD_decompress_usingDDict (z->dctx, z->buf, text_len + 1, data, len, z->ddict);
  else
    r = ZSTD_decompressDCtx (z->dctx, z->buf, text_len + 1, data, len);
  if (ZSTD_isError (r) || r != text_len)
    return NULL;
  z->buf[text_len] = 0;
  return z->buf;
}

typedef struct {
  ZSTD_CCtx    *cctx;
  ZSTD_CDict   *cdict;
  const guint8 *dictionary;
  gsize         dictionary_len;
  guint8       *buf;
  gsize         cap;
} Compressor;

static void
compressor_clear (Compressor *z)
{
  g_clear_pointer (&z->cctx, ZSTD_freeCCtx);
  g_clear_pointer (&z->cdict, ZSTD_freeCDict);
  g_clear_pointer (&z->buf, g_free);
  z->cap = 0;
}

/* Compresses @text into a buffer of @z's, valid until the next call. */
static const guint8 *
compressor_run (Compressor   *z,
              const char *text,
              gsize       len,
              gsize      *out_len)
{
  gsize bound;
  size_t r;

  if (z->cctx == NULL && (z->cctx = ZSTD_createCCtx ()) == NULL)
    g_error ("zstd: cannot start");
  if (z->cdict == NULL && z->dictionary_len > 0 &&
      (z->cdict = ZSTD_createCDict (z->dictionary, z->dictionary_len, ZSTD_LEVEL)) == NULL)
    g_error ("zstd: cannot digest the dictionary");

  g_assert (len <= G_MAXUINT32);
  bound = ZSTD_compressBound (len);
  if (bound > z->cap)
    {
      z->cap = MAX (bound, 2 * z->cap);
      z->buf = g_realloc (z->buf, z->cap);
    }
  if (z->cdict != NULL)
    r = ZSTD_compress_usingCDict (z->cctx, z->buf, z->cap, text, len, z->cdict);
  else
    r = ZSTD_compressCCtx (z->cctx, z->buf, z->cap, text, len, ZSTD_LEVEL);
  if (ZSTD_isError (r))
    g_error ("zstd: %s", ZSTD_getErrorName (r));
  *out_len = r;
  return z->buf;
}

/* trigram signatures
 *
 * A candidate holds every bigram of the query, but with detail=none not
 * necessarily side by side: a query of common characters has thousands of
 * candidates for a few hundred results.  Each article keeps a small Bloom
 * filter of the triples of consecutive characters of its folded text (two
 * bits per triple, one hash): a candidate whose filter lacks one of the
 * query's triples cannot hold it, and is not decompressed.  No false
 * negatives, so the results are the same; about 8 % of the text's size. */

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

/* The signature of the folded text @chars: empty below three characters */
static void
sig_build (const gunichar *chars,
           guint           n,
           GByteArray     *sig)
{
  guint32 n_bits;

  g_byte_array_set_size (sig, 0);
  if (n < 3)
    return;
  n_bits = ((n - 2) * SIG_BITS_PER_TRIPLE + 63) / 64 * 64;
  g_byte_array_set_size (sig, n_bits / 8);
  memset (sig->data, 0, sig->len);
  for (guint i = 0; i + 2 < n; i++)
    {
      guint32 bit = triple_hash (chars[i], chars[i + 1], chars[i + 2]) % n_bits;

      sig->data[bit / 8] |= 1 << (bit % 8);
    }
}

/* The hashes of the triples of a query's folded characters (none below
 * three) */
static GArray *
sig_query_hashes (const BulletinSearchQuery *q)
{
  GArray *hashes = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* every term to find is in a result, and so are its triples */
  for (guint t = 0; t < bulletin_search_query_get_n_terms (q); t++)
    {
      guint n = 0;
      gboolean negative = FALSE;
      const gunichar *chars = bulletin_search_query_get_term (q, t, &n, &negative);

      if (negative)
        continue;
      for (guint i = 0; i + 2 < n; i++)
        {
          guint32 h = triple_hash (chars[i], chars[i + 1], chars[i + 2]);

          g_array_append_val (hashes, h);
        }
    }
  return hashes;
}

/* Whether a text of signature @sig may hold every triple of @hashes */
static gboolean
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

typedef struct {
  guint32 text;
  guint32 source;
  guint32 new_block;
} Segment;

static void
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

static void
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
static gboolean
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

/* @p moved on by @n characters of UTF-8, no further than @end: eight
 * bytes at a time while at least eight characters remain, counting the
 * bytes that start a character. */
static const char *
skip_chars (const char *p,
            const char *end,
            guint       n)
{
  const guchar *u = (const guchar *)p, *e = (const guchar *)end;

  while (n >= 8 && e - u >= 8)
    {
      guint64 x;

      memcpy (&x, u, 8);
      x = (x & ~(x << 1) & G_GUINT64_CONSTANT (0x8080808080808080)) >> 7;
      n -= 8 - (guint)((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
      u += 8;
      while (u < e && (*u & 0xC0) == 0x80)
        u++;
    }
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
static void
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

static guint
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

void
bulletin_search_result_free (BulletinSearchResult *result)
{
  if (result == NULL)
    return;
  g_free (result->issue_path);
  g_free (result->issue_id);
  g_free (result->issue_title);
  g_free (result->issue_date);
  g_free (result->article_id);
  g_free (result->headline);
  g_clear_pointer (&result->hits, g_array_unref);
  g_free (result->snippet);
  g_free (result);
}

void
bulletin_search_results_free (BulletinSearchResults *results)
{
  if (results == NULL)
    return;
  g_ptr_array_unref (results->results);
  g_clear_pointer (&results->unreadable, g_ptr_array_unref);
  g_free (results);
}

/* "PATH: REASON", without the file name the readers start a reason with */
static char *
unreadable_line (const char *path,
                 const char *message)
{
  g_autofree char *base = g_path_get_basename (path);
  gsize n = strlen (base);

  if (strncmp (message, base, n) == 0 && strncmp (message + n, ": ", 2) == 0)
    message += n + 2;
  return g_strdup_printf ("%s: %s", path, message);
}

static BulletinSearchResults *
results_new (void)
{
  BulletinSearchResults *results = g_new0 (BulletinSearchResults, 1);

  results->results = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_search_result_free);
  results->unreadable = g_ptr_array_new_with_free_func (g_free);
  results->complete = TRUE;
  return results;
}

/* A query that only excludes is an error (G_IO_ERROR_INVALID_ARGUMENT,
 * "Add a word to search for"), the same with or without an index */
static gboolean
check_query (const char  *query,
             GError     **error)
{
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  const char *problem = bulletin_search_query_get_problem (q);

  if (problem != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, problem);
      return FALSE;
    }
  return TRUE;
}

/* Matches @query in @folded; the hits (converted to source offsets through
 * @segs when given) and a snippet from @input, or NULL when none. */
static BulletinSearchResult *
match_folded (const BulletinFolded      *folded,
              const char                *input,
              const Segment             *segs,
              guint                      n_segs,
              const BulletinSearchQuery *query)
{
  g_autoptr(GArray) hits = bulletin_search_folded (folded, query, 0);
  BulletinSearchResult *result;
  BulletinSearchHit *first;

  if (hits->len == 0)
    return NULL;

  result = g_new0 (BulletinSearchResult, 1);
  result->n_hits = hits->len;
  result->hits = g_array_sized_new (FALSE, FALSE, sizeof (BulletinRange), hits->len);
  for (guint i = 0; i < hits->len; i++)
    {
      BulletinSearchHit *hit = &g_array_index (hits, BulletinSearchHit, i);
      BulletinRange r = { hit->start, hit->end };

      if (segs != NULL)
        {
          r.start = text_to_source (segs, n_segs, hit->start, FALSE);
          r.end = text_to_source (segs, n_segs, hit->end, TRUE);
        }
      g_array_append_val (result->hits, r);
    }
  first = &g_array_index (hits, BulletinSearchHit, 0);
  result->snippet = bulletin_folded_dup_snippet (folded, input, first->folded_start, first->folded_end,
                                                 BULLETIN_SEARCH_SNIPPET_CONTEXT,
                                                 &result->snippet_hit_start, &result->snippet_hit_end);
  return result;
}

/* issue files */

typedef struct {
  GFile             *file;
  char              *path;   /* relative to the root */
  BulletinIssueKind  kind;
  gint64             size;
  gint64             mtime;
} IssueFile;

static void
issue_file_free (IssueFile *f)
{
  g_object_unref (f->file);
  g_free (f->path);
  g_free (f);
}

static int
compare_issue_files_desc (gconstpointer a,
                          gconstpointer b)
{
  const IssueFile *fa = *(IssueFile **)a, *fb = *(IssueFile **)b;

  return -strcmp (fa->path, fb->path);
}

static void
folder_stamp (GFile        *folder,
              GCancellable *cancellable,
              gint64       *size,
              gint64       *mtime)
{
  g_autoptr(GFileEnumerator) children = NULL;

  *size = 0;
  *mtime = 0;
  children = g_file_enumerate_children (folder,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                        G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (children == NULL)
    return;
  for (;;)
    {
      GFileInfo *info = NULL;
      gint64 t;

      if (!g_file_enumerator_iterate (children, &info, NULL, cancellable, NULL) || info == NULL)
        break;
      *size += g_file_info_get_size (info);
      t = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
      *mtime = MAX (*mtime, t);
      (*size)++;  /* a renamed or added empty file changes the stamp too */
    }
}

/* A single issue file is an archive of one issue, as the window opens it;
 * its path is its name. */
static GPtrArray *
list_single_file (GFile         *root,
                  GFileInfo     *info,
                  GError       **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)issue_file_free);
  BulletinIssueKind kind;
  IssueFile *f;

  if (!bulletin_issue_kind_for_file (root, g_file_info_get_file_type (info), &kind))
    {
      g_autofree char *name = g_file_get_parse_name (root);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s is neither a folder nor a ninjs (.json), text (.txt) or NewsML (.xml) file"), name);
      return NULL;
    }
  f = g_new0 (IssueFile, 1);
  f->file = g_object_ref (root);
  f->path = g_file_get_basename (root);
  f->kind = kind;
  f->size = g_file_info_get_size (info);
  f->mtime = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * 1000000 +
             g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  g_ptr_array_add (files, f);
  return g_steal_pointer (&files);
}

/* The issues of the archive at @root: the entries of a folder, or a
 * single issue file. */
static GPtrArray *
list_issue_files (GFile         *root,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)issue_file_free);
  g_autoptr(GFileInfo) root_info = NULL;

  root_info = g_file_query_info (root,
                                 G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                 G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                 G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                 G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (root_info == NULL)
    return NULL;
  if (g_file_info_get_file_type (root_info) != G_FILE_TYPE_DIRECTORY)
    return list_single_file (root, root_info, error);

  /* the entries the archive lists, symbolic links judged by its rule */
  entries = bulletin_archive_list_folder (root, root,
                                          G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                          cancellable, error);
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      BulletinArchiveEntry *entry = g_ptr_array_index (entries, i);
      GFileInfo *info = entry->info;
      GFile *child = entry->file;
      BulletinIssueKind kind;
      IssueFile *f;

      /* a link out of the archive is never read */
      if (entry->link == BULLETIN_LINK_OUTSIDE)
        continue;
      /* the shared index's folder (bulletin-reader --index) */
      if (strcmp (g_file_info_get_name (info), BULLETIN_SHARED_DIR) == 0)
        continue;
      if (!bulletin_issue_kind_for_file (child, g_file_info_get_file_type (info), &kind))
        continue;

      f = g_new0 (IssueFile, 1);
      f->file = g_object_ref (child);
      f->path = g_strdup (g_file_info_get_name (info));
      f->kind = kind;
      if (kind == BULLETIN_ISSUE_NINJS_FOLDER)
        folder_stamp (child, cancellable, &f->size, &f->mtime);
      else
        {
          f->size = g_file_info_get_size (info);
          f->mtime = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * 1000000 +
                     g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
        }
      g_ptr_array_add (files, f);
    }

  g_ptr_array_sort (files, compare_issue_files_desc);
  return g_steal_pointer (&files);
}

/* Loads the issue of @f.  BULLETIN_TEST_UNREADABLE, a comma-separated list
 * of issue file names, makes those fail as a file without read permission
 * does: the read-error tests run as root, which permissions do not stop. */
static gboolean
load_issue (BulletinIssue  *issue,
            IssueFile      *f,
            GCancellable   *cancellable,
            GError        **error)
{
  const char *unreadable = g_getenv ("BULLETIN_TEST_UNREADABLE");

  if (unreadable != NULL && unreadable[0] != 0)
    {
      g_auto(GStrv) names = g_strsplit (unreadable, ",", -1);

      if (g_strv_contains ((const char * const *)names, f->path))
        {
          g_autofree char *display = g_file_get_parse_name (f->file);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "Error opening file %s: Permission denied", display);
          return FALSE;
        }
    }
  return bulletin_issue_load (issue, cancellable, error);
}

static int
compare_results (gconstpointer a,
                 gconstpointer b)
{
  const BulletinSearchResult *ra = *(BulletinSearchResult **)a, *rb = *(BulletinSearchResult **)b;
  int c;

  if (ra->sort_key != rb->sort_key)
    return ra->sort_key > rb->sort_key ? -1 : 1;
  c = strcmp (ra->issue_path, rb->issue_path);
  if (c != 0)
    return -c;
  return ra->article_index < rb->article_index ? -1 : ra->article_index > rb->article_index;
}

/**
 * bulletin_search_scan_archive:
 *
 * Searches every issue of the archive at @root by reading and folding all
 * of it: no index.  @root is the archive folder, or a single issue file.
 * Issues that cannot be read are left out, and named in the results'
 * `unreadable`.  The archive search without an index, and the reference that
 * the index is tested against.
 *
 * Returns: (transfer full): the results, newest issue first
 */
BulletinSearchResults *
bulletin_search_scan_archive (GFile         *root,
                              const char    *query,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(BulletinSearchResults) results = results_new ();
  g_autoptr(BulletinSearchQuery) q = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_return_val_if_fail (G_IS_FILE (root), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!check_query (query, error))
    return NULL;
  files = list_issue_files (root, cancellable, error);
  if (files == NULL)
    return NULL;
  results->scanned = TRUE;
  q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  if (bulletin_search_query_is_empty (q))
    return g_steal_pointer (&results);

  for (guint i = 0; i < files->len; i++)
    {
      IssueFile *f = g_ptr_array_index (files, i);
      g_autoptr(BulletinIssue) issue = bulletin_issue_new (f->file, f->kind);
      g_autoptr(GError) local_error = NULL;
      GListModel *articles;
      guint n;

      if (!load_issue (issue, f, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_ptr_array_add (results->unreadable, unreadable_line (f->path, local_error->message));
          continue;
        }

      articles = bulletin_issue_get_articles (issue);
      n = g_list_model_get_n_items (articles);
      for (guint a = 0; a < n; a++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, a);
          g_autoptr(BulletinFolded) folded = bulletin_folded_new_for_article (article);
          BulletinSearchResult *r;

          r = match_folded (folded, bulletin_article_get_source (article), NULL, 0, q);
          if (r == NULL)
            continue;
          r->issue_path = g_strdup (f->path);
          r->issue_id = g_strdup (bulletin_issue_get_id (issue));
          r->issue_title = g_strdup (bulletin_issue_get_title (issue));
          r->issue_date = g_strdup (bulletin_issue_get_date (issue));
          r->sort_key = bulletin_issue_get_sort_key (issue);
          r->article_id = g_strdup (bulletin_article_get_id (article));
          r->article_index = a;
          r->headline = g_strdup (bulletin_article_get_headline (article));
          results->n_hits += r->n_hits;
          g_ptr_array_add (results->results, r);
        }
    }

  g_ptr_array_sort (results->results, compare_results);
  return g_steal_pointer (&results);
}

/* the database */

struct _BulletinSearchIndex
{
  GObject    parent_instance;

  GFile     *root;
  char      *db_path;

  GMutex     query_lock;
  gboolean   index_only;  /* no scan when the index cannot answer */
  sqlite3   *query_db;
  dev_t      query_dev;        /* the file query_db opened: reopened when */
  ino_t      query_ino;        /* another process made a new one */
  gint64     ordered_version;  /* data_version when ordered was computed, -1 never */
  gboolean   ordered;

  gint       building;         /* atomic */
  gint       done;             /* atomic, issues indexed in this update */
  gint       total;            /* atomic, issues to index in this update */

  /* the shared index beside the archive (docs/search.md, "One index for
   * the whole office") */
  gboolean   shared_writer;    /* this is it, written by --index */
  gboolean   is_shared;        /* this is it, read by a client: immutable */
  GMutex     shared_lock;
  BulletinSearchIndex *shared; /* a client's: the current shared index, or NULL */
};

G_DEFINE_FINAL_TYPE (BulletinSearchIndex, bulletin_search_index, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUILDING,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


static gboolean query_int64 (sqlite3    *db,
                             const char *sql,
                             gint64     *value);

static gboolean
rc_is_corrupt (int rc)
{
  rc &= 0xFF;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* What went wrong with the index and what happens now, in words for the
 * person using the app: SQLite's own messages ("not an error", "cannot
 * rollback - no transaction is active") say neither. */
static void
set_db_error (GError     **error,
              sqlite3     *db,
              const char  *path,
              int          rc)
{
  switch (rc & 0xFF)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The search index %s is damaged. It is rebuilt at the next update; "
                     "until then searches read the files."), path);
      break;
    case SQLITE_FULL:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("The disk of the search index %s is full: indexing stopped. "
                     "Searches read the files until there is space again."), path);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                   _("The search index %s cannot be written (%s): it is used as it is. "
                     "Make its folder writable to bring it up to date."),
                   path, sqlite3_errstr (rc));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("The search index %s is held by another program: try again later."), path);
      break;
    default:
      /* the connection's message only when it is about this failure */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The search index %s failed (%s): searches read the files instead."),
                   path, db != NULL && sqlite3_errcode (db) == rc ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      break;
    }
}

static int
exec (sqlite3    *db,
      const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* Ends a failed transaction, if SQLite has not ended it already (it does
 * on a full disk), keeping @rc, the error that ended it. */
static int
rollback (sqlite3 *db,
          int      rc)
{
  if (!sqlite3_get_autocommit (db))
    exec (db, "ROLLBACK");
  return rc;
}

static void
remove_db_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

/* Empties the index at @path to build it again.  In place when SQLite can
 * (even a damaged database, SQLITE_DBCONFIG_RESET_DATABASE): another
 * process that has it open then sees an empty index, rather than keeping a
 * deleted file whose last connection, when it closes, removes the -wal
 * file of the new one by its name.  A file that is not a database at all
 * is removed. */
static void
db_discard (const char *path)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_busy_timeout (db, 10000);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_RESET_DATABASE, 1, NULL);
  if (rc == SQLITE_OK)
    rc = exec (db, "VACUUM");
  if (db != NULL)
    sqlite3_db_config (db, SQLITE_DBCONFIG_RESET_DATABASE, 0, NULL);
  sqlite3_close (db);
  if (rc != SQLITE_OK)
    remove_db_files (path);
}

static const char schema_sql[] =
  "BEGIN;"
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
  "CREATE TABLE issues (id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
  "  size INTEGER, mtime INTEGER, issue_id TEXT, title TEXT, date TEXT,"
  "  sort_key INTEGER, first_doc INTEGER, n_docs INTEGER, error TEXT, crc INTEGER);"
  "CREATE UNIQUE INDEX issues_path ON issues (path);"
  /* every query lists the issues that could not be read: few */
  "CREATE INDEX issues_failed ON issues (path) WHERE error IS NOT NULL;"
  "CREATE TABLE docs (id INTEGER PRIMARY KEY, issue INTEGER NOT NULL,"
  "  article_index INTEGER, article_id TEXT, headline TEXT,"
  "  segs BLOB, text_len INTEGER, text BLOB, sig BLOB, crc INTEGER);"
  "CREATE VIRTUAL TABLE fts USING fts5 (body, content='', detail=none,"
  "  columnsize=0, tokenize='bulletin');"
  "INSERT INTO meta VALUES ('schema', '" SCHEMA_VERSION "');"
  "INSERT INTO meta VALUES ('complete', '0');"
  "INSERT INTO meta VALUES ('verified', strftime('%s', 'now'));"
  "COMMIT;";

typedef enum {
  DB_VALID,
  DB_INVALID,   /* not an index of this version, or damaged */
  DB_FAILED,    /* could not tell: busy, no permission */
} DbState;

static DbState
rc_state (int rc)
{
  return rc_is_corrupt (rc) || (rc & 0xFF) == SQLITE_ERROR ? DB_INVALID : DB_FAILED;
}

/* Checks that @db is an index of ours and whole: the schema version, and a
 * file no shorter than its pages (a truncated copy opens fine and fails
 * later). */
static DbState
db_validate (sqlite3    *db,
             const char *path,
             int        *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  gint64 pages = 0, page_size = 0;
  GStatBuf st;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  int rc;

  /* a missing table is SQLITE_ERROR: not ours */
  rc = sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'schema'", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        ok = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), SCHEMA_VERSION) == 0;
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  *rc_out = rc;
  if (rc != SQLITE_OK)
    return rc_state (rc);
  if (!ok)
    return DB_INVALID;

  if (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "PRAGMA page_size", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    page_size = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (g_stat (path, &st) != 0)
    return DB_FAILED;
  if (!g_file_test (wal, G_FILE_TEST_EXISTS) && (gint64)st.st_size < pages * page_size)
    return DB_INVALID;

  /* the tables can be read */
  rc = sqlite3_prepare_v2 (db, "SELECT count(*) FROM issues", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode (db);
  sqlite3_finalize (stmt);
  *rc_out = rc;
  return rc == SQLITE_OK ? DB_VALID : rc_state (rc);
}

static gboolean
writable (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return g_access (path, W_OK) == 0 && g_access (dir, W_OK) == 0;
}

/* Opens @name (a path, or a URI with @flags holding SQLITE_OPEN_URI) and
 * validates it as the index at @path; NULL when it is not valid */
static sqlite3 *
db_try_open (const char *name,
             const char *path,
             int         flags,
             DbState    *state,
             int        *rc)
{
  sqlite3 *db = NULL;

  *state = DB_FAILED;
  *rc = sqlite3_open_v2 (name, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (*rc == SQLITE_OK)
    *rc = sqlite3_busy_timeout (db, 10000);
  if (*rc == SQLITE_OK)
    *rc = register_tokenizer (db) ? SQLITE_OK : SQLITE_ERROR;
  if (*rc == SQLITE_OK)
    *state = db_validate (db, path, rc);
  if (*state != DB_VALID)
    g_clear_pointer (&db, sqlite3_close);
  return db;
}

/* Opens the existing index at @path to read it.  Never changes or removes
 * it: another process may be creating it.  In a read-only folder (a
 * read-only cache folder) it is opened read-only, and as immutable when
 * SQLite cannot share it read-only without writing beside it (no -shm
 * file): nobody can change it there. */
static sqlite3 *
db_open_read (const char  *path,
              gboolean     immutable_only,
              GError     **error)
{
  sqlite3 *db = NULL;
  DbState state = DB_FAILED;
  int rc = SQLITE_CANTOPEN;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The search index %s does not exist yet."), path);
      return NULL;
    }

  if (immutable_only)
    {
      /* a shared index on the file server: never a lock, never a byte
       * written beside it */
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
      g_autofree char *ro = uri != NULL ? g_strconcat (uri, "?mode=ro&immutable=1", NULL) : NULL;

      if (ro != NULL)
        db = db_try_open (ro, path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &state, &rc);
    }
  else if (writable (path))
    db = db_try_open (path, path, SQLITE_OPEN_READWRITE, &state, &rc);
  else
    {
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
      g_autofree char *ro = uri != NULL ? g_strconcat (uri, "?mode=ro", NULL) : NULL;
      g_autofree char *immutable = uri != NULL ? g_strconcat (uri, "?immutable=1", NULL) : NULL;

      if (ro != NULL)
        db = db_try_open (ro, path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &state, &rc);
      if (db == NULL && state == DB_FAILED && immutable != NULL)
        db = db_try_open (immutable, path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &state, &rc);
    }
  if (state == DB_VALID)
    return db;

  sqlite3_close (db);
  if (state == DB_INVALID)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("The search index %s is damaged or of another version: searches read the files "
                   "until the next update rebuilds it."), path);
  else
    set_db_error (error, NULL, path, rc);
  return NULL;
}

/* Opens the index to update it, or makes a new one when it is missing, not
 * an index of this version, or damaged.  Only with the writer lock held:
 * then nobody else is making it, and an index that fails to validate is
 * really damaged. */
static sqlite3 *
db_open_write (const char  *path,
               int          dir_mode,
               gboolean    *created,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  sqlite3 *db = NULL;
  int rc = SQLITE_OK;

  *created = FALSE;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      DbState state = DB_FAILED;

      rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout (db, 10000);
      if (rc == SQLITE_OK)
        rc = register_tokenizer (db) ? SQLITE_OK : SQLITE_ERROR;
      if (rc == SQLITE_OK)
        rc = exec (db, "PRAGMA journal_mode = WAL");
      if (rc == SQLITE_OK)
        rc = exec (db, "PRAGMA synchronous = NORMAL");
      if (rc == SQLITE_OK)
        state = db_validate (db, path, &rc);
      else
        state = rc_state (rc);
      if (state == DB_VALID)
        return db;
      sqlite3_close (db);
      db = NULL;
      if (state == DB_FAILED)
        {
          set_db_error (error, NULL, path, rc);
          return NULL;
        }
      g_message (_("The search index %s was damaged or made by another version of the app: "
                   "building it again."), path);
      db_discard (path);
    }

  if (g_mkdir_with_parents (dir, dir_mode) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s for the search index (%s): searches read the files."),
                   dir, g_strerror (saved));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_busy_timeout (db, 10000);
  /* an article is a row of one to two kilobytes: 4 KiB pages would hold
   * two of them and waste a quarter */
  if (rc == SQLITE_OK)
    rc = exec (db, "PRAGMA page_size = " PAGE_SIZE);
  /* free pages (FTS5 merges leave many) go back to the file system */
  if (rc == SQLITE_OK)
    rc = exec (db, "PRAGMA auto_vacuum = INCREMENTAL");
  if (rc == SQLITE_OK)
    rc = exec (db, "PRAGMA journal_mode = WAL");
  if (rc == SQLITE_OK)
    rc = exec (db, "PRAGMA synchronous = NORMAL");
  if (rc == SQLITE_OK)
    rc = register_tokenizer (db) ? SQLITE_OK : SQLITE_ERROR;
  if (rc == SQLITE_OK)
    rc = exec (db, schema_sql);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, db, path, rc);
      sqlite3_close (db);
      remove_db_files (path);
      return NULL;
    }
  *created = TRUE;
  return db;
}

/* The writer lock: a lock file beside the index, locked (flock) for the
 * whole of an update, so that one process or thread writes at a time and
 * decides what to index with nobody else writing.  Its content says how
 * the last writer left: "writing" (it did not finish: killed, crashed),
 * "clean SIZE MTIME" (the index file as it left it), "suspect" (a query
 * found damage). */

static char *
lock_file_path (BulletinSearchIndex *self)
{
  return g_strconcat (self->db_path, ".lock", NULL);
}

static int
writer_lock (BulletinSearchIndex  *self,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autofree char *path = lock_file_path (self);
  g_autofree char *dir = g_path_get_dirname (self->db_path);
  int fd = -1;

  /* the shared index is read by everyone in the office */
  if (self->is_shared)
    errno = EROFS;
  if (self->is_shared ||
      g_mkdir_with_parents (dir, self->shared_writer ? 0755 : 0700) != 0 ||
      (fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, self->shared_writer ? 0644 : 0600)) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The search index %s cannot be updated (%s): it is used as it is. "
                     "Make the folder %s writable to bring it up to date."),
                   self->db_path, g_strerror (saved), dir);
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      /* a file system without locks: the transactions still keep the
       * index whole */
      if (errno != EWOULDBLOCK && errno != EINTR)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }
      g_usleep (20 * 1000);
    }
  return fd;
}

static char *
lock_read_state (int fd)
{
  char buf[128];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);

  buf[MAX (n, 0)] = 0;
  return g_strdup (buf);
}

static void
lock_write_state (int         fd,
                  const char *state)
{
  gsize len = strlen (state);

  if (ftruncate (fd, 0) != 0 || pwrite (fd, state, len, 0) != (ssize_t)len)
    g_debug ("cannot write the index lock file: %s", g_strerror (errno));
}

static char *
clean_state (const char *db_path)
{
  GStatBuf st;

  if (g_stat (db_path, &st) != 0)
    return g_strdup ("clean");
  return g_strdup_printf ("clean %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          (gint64)st.st_size, (gint64)st.st_mtim.tv_sec, (gint64)st.st_mtim.tv_nsec);
}

/* Is another update (of any process) holding the writer lock? */
static gboolean
writer_active (BulletinSearchIndex *self)
{
  g_autofree char *path = lock_file_path (self);
  gboolean active;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return FALSE;
  active = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return active;
}

/* Is the index file as the last writer left it?  Not after a writer that
 * did not finish, nor when something else changed the file (bytes written
 * into it, a copy put in its place), nor when a query met damage: then
 * queries read the files until an update has checked it.  While an update
 * runs, its transactions keep the index whole. */
static gboolean
index_trusted (BulletinSearchIndex *self)
{
  g_autofree char *path = lock_file_path (self);
  g_autofree char *state = NULL;
  g_autofree char *clean = NULL;
  int fd;

  if (bulletin_search_index_get_building (self))
    return TRUE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  if (self->is_shared)
    {
      /* no lock on the file server: the state as the job left it */
      state = lock_read_state (fd);
      clean = clean_state (self->db_path);
      close (fd);
      return strcmp (state, clean) == 0;
    }
  /* shared: no update starts while the state is read */
  if (flock (fd, LOCK_SH | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      return saved == EWOULDBLOCK;
    }
  state = lock_read_state (fd);
  clean = clean_state (self->db_path);
  close (fd);
  return strcmp (state, clean) == 0;
}

/* A query found damage: the next update checks the index. */
static void
mark_suspect (BulletinSearchIndex *self)
{
  g_autofree char *path = NULL;
  int fd;

  if (self->is_shared)
    return;
  path = lock_file_path (self);
  fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  lock_write_state (fd, "suspect");
  close (fd);
}

static void
bulletin_search_index_finalize (GObject *object)
{
  BulletinSearchIndex *self = (BulletinSearchIndex *)object;

  if (self->query_db != NULL)
    sqlite3_close (self->query_db);
  g_mutex_clear (&self->query_lock);
  g_mutex_clear (&self->shared_lock);
  g_clear_object (&self->shared);
  g_clear_object (&self->root);
  g_free (self->db_path);

  G_OBJECT_CLASS (bulletin_search_index_parent_class)->finalize (object);
}

static void
bulletin_search_index_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BulletinSearchIndex *self = BULLETIN_SEARCH_INDEX (object);

  switch (prop_id)
    {
    case PROP_BUILDING:
      g_value_set_boolean (value, bulletin_search_index_get_building (self));
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, bulletin_search_index_get_progress (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_search_index_class_init (BulletinSearchIndexClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bulletin_search_index_finalize;
  object_class->get_property = bulletin_search_index_get_property;

  properties[PROP_BUILDING] =
    g_param_spec_boolean ("building", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bulletin_search_index_init (BulletinSearchIndex *self)
{
  g_mutex_init (&self->query_lock);
  g_mutex_init (&self->shared_lock);
  self->ordered_version = -1;
}

/**
 * bulletin_search_index_default_path:
 *
 * Returns: (transfer full): where the index of the archive at @root lives:
 *   under the user cache folder, named by a hash of the root's URI
 */
char *
bulletin_search_index_default_path (GFile *root)
{
  g_autofree char *uri = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (root), NULL);

  uri = g_file_get_uri (root);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
  name = g_strdup_printf ("index-%.24s.sqlite", hash);
  return g_build_filename (g_get_user_cache_dir (), "bulletin-reader", name, NULL);
}

/**
 * bulletin_search_index_shared_path:
 *
 * Returns: (transfer full) (nullable): where `bulletin-reader --index`
 *   keeps the shared index of the archive at @root: in the archive folder,
 *   `.bulletin-reader/index.sqlite`; NULL when @root is not a local path
 */
char *
bulletin_search_index_shared_path (GFile *root)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (root), NULL);

  path = g_file_get_path (root);
  if (path == NULL)
    return NULL;
  return g_build_filename (path, BULLETIN_SHARED_DIR, "index.sqlite", NULL);
}

/* The shared index beside the archive, read-only, when it is current: its
 * job left it whole (its lock file says so; it is read, never locked) and
 * complete.  Looked for again at each update and query, since the job on
 * the file server may run at any time. */
static BulletinSearchIndex *
dup_shared (BulletinSearchIndex *self)
{
  g_autofree char *path = NULL;
  g_autoptr(BulletinSearchIndex) shared = NULL;
  BulletinSearchIndex *found = NULL;
  const char *env = g_getenv ("BULLETIN_SHARED_INDEX");
  sqlite3 *db;
  gint64 complete = 0;
  GStatBuf st;

  if (self->is_shared || self->shared_writer || (env != NULL && strcmp (env, "0") == 0))
    return NULL;
  path = bulletin_search_index_shared_path (self->root);
  if (path == NULL || strcmp (path, self->db_path) == 0 || g_stat (path, &st) != 0)
    {
      g_mutex_lock (&self->shared_lock);
      g_clear_object (&self->shared);
      g_mutex_unlock (&self->shared_lock);
      return NULL;
    }

  g_mutex_lock (&self->shared_lock);
  if (self->shared != NULL)
    found = g_object_ref (self->shared);
  g_mutex_unlock (&self->shared_lock);
  if (found != NULL)
    {
      if (index_trusted (found))
        return found;
      g_object_unref (found);
    }

  shared = g_object_new (BULLETIN_TYPE_SEARCH_INDEX, NULL);
  shared->root = g_object_ref (self->root);
  shared->db_path = g_steal_pointer (&path);
  shared->is_shared = TRUE;
  if (!index_trusted (shared))
    return NULL;
  db = db_open_read (shared->db_path, TRUE, NULL);
  if (db == NULL)
    return NULL;
  if (!query_int64 (db, "SELECT value FROM meta WHERE key = 'complete'", &complete))
    complete = 0;
  sqlite3_close (db);
  if (complete != 1)
    return NULL;

  g_mutex_lock (&self->shared_lock);
  g_set_object (&self->shared, shared);
  g_mutex_unlock (&self->shared_lock);
  return g_steal_pointer (&shared);
}

/**
 * bulletin_search_index_uses_shared:
 *
 * Returns: whether a current shared index beside the archive
 *   (bulletin_search_index_shared_path ()) answers for the issues it
 *   covers, this index only holding what is newer
 */
gboolean
bulletin_search_index_uses_shared (BulletinSearchIndex *self)
{
  g_autoptr(BulletinSearchIndex) shared = NULL;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), FALSE);
  shared = dup_shared (self);
  return shared != NULL;
}

/**
 * bulletin_search_index_new:
 * @root: the archive folder, or a single issue file (an archive of one
 *   issue, as the window opens it)
 * @db_path: (nullable): where to keep the index; NULL for the default
 *
 * Nothing is read or written until an update or a query.
 *
 * Returns: (transfer full): the index of @root
 */
BulletinSearchIndex *
bulletin_search_index_new (GFile      *root,
                           const char *db_path)
{
  BulletinSearchIndex *self;

  g_return_val_if_fail (G_IS_FILE (root), NULL);

  self = g_object_new (BULLETIN_TYPE_SEARCH_INDEX, NULL);
  self->root = g_object_ref (root);
  self->db_path = db_path != NULL ? g_strdup (db_path) : bulletin_search_index_default_path (root);
  {
    g_autofree char *shared = bulletin_search_index_shared_path (root);

    self->shared_writer = shared != NULL && strcmp (shared, self->db_path) == 0;
  }
  return self;
}

/**
 * bulletin_search_index_count_issues:
 * @n_indexed: (out): the issues indexed
 * @n_unreadable: (out): the issues that could not be read
 *
 * Returns: FALSE with @error set when the index cannot be read
 */
gboolean
bulletin_search_index_count_issues (BulletinSearchIndex  *self,
                                    guint                *n_indexed,
                                    guint                *n_unreadable,
                                    GError              **error)
{
  sqlite3 *db;
  gint64 ok = 0, failed = 0;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), FALSE);

  db = db_open_read (self->db_path, self->is_shared, error);
  if (db == NULL)
    return FALSE;
  query_int64 (db, "SELECT count(*) FROM issues WHERE error IS NULL", &ok);
  query_int64 (db, "SELECT count(*) FROM issues WHERE error IS NOT NULL", &failed);
  sqlite3_close (db);
  *n_indexed = ok;
  *n_unreadable = failed;
  return TRUE;
}

/**
 * bulletin_search_index_get_root:
 *
 * Returns: (transfer none): the archive folder
 */
GFile *
bulletin_search_index_get_root (BulletinSearchIndex *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);
  return self->root;
}

/**
 * bulletin_search_index_get_db_path:
 *
 * Returns: (transfer none): the database file
 */
const char *
bulletin_search_index_get_db_path (BulletinSearchIndex *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);
  return self->db_path;
}

gboolean
bulletin_search_index_exists (BulletinSearchIndex *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), FALSE);
  return g_file_test (self->db_path, G_FILE_TEST_IS_REGULAR);
}

/**
 * bulletin_search_index_dup_unreadable:
 *
 * The issues the last update could not read, as the results of
 * bulletin_search_scan_archive () name them.
 *
 * Returns: (transfer full) (element-type utf8): "PATH: REASON" each, PATH
 *   relative to the archive root; NULL with @error set when the index
 *   cannot be read
 */
GPtrArray *
bulletin_search_index_dup_unreadable (BulletinSearchIndex  *self,
                                      GError              **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);

  db = db_open_read (self->db_path, self->is_shared, error);
  if (db == NULL)
    return NULL;
  if (sqlite3_prepare_v2 (db, "SELECT path, error FROM issues WHERE error IS NOT NULL"
                          " ORDER BY path DESC", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (lines, unreadable_line ((const char *)sqlite3_column_text (stmt, 0),
                                               (const char *)sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_steal_pointer (&lines);
}

gboolean
bulletin_search_index_get_building (BulletinSearchIndex *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), FALSE);
  return g_atomic_int_get (&self->building) != 0;
}

double
bulletin_search_index_get_progress (BulletinSearchIndex *self)
{
  int total;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), 0.0);

  total = g_atomic_int_get (&self->total);
  if (total == 0)
    return g_atomic_int_get (&self->building) ? 0.0 : 1.0;
  return CLAMP ((double)g_atomic_int_get (&self->done) / total, 0.0, 1.0);
}

/* updating */

typedef struct {
  gint64  id;
  gint64  size;
  gint64  mtime;
  gint64  first_doc;
  gint64  n_docs;
  gboolean failed;   /* could not be read: read again */
} IndexedIssue;

typedef struct {
  IssueFile     *file;
  BulletinIssue *issue;   /* NULL when it could not be read */
  char          *error;
  gint64         sort_key;
} ParsedIssue;

static void
parsed_issue_clear (ParsedIssue *p)
{
  g_clear_object (&p->issue);
  g_clear_pointer (&p->error, g_free);
}

static int
compare_parsed_desc (gconstpointer a,
                     gconstpointer b)
{
  const ParsedIssue *pa = a, *pb = b;

  if (pa->sort_key != pb->sort_key)
    return pa->sort_key > pb->sort_key ? -1 : 1;
  return -strcmp (pa->file->path, pb->file->path);
}

/* Is (key a, path a) newer than (key b, path b)? */
static gboolean
newer (gint64      key_a,
       const char *path_a,
       gint64      key_b,
       const char *path_b)
{
  if (key_a != key_b)
    return key_a > key_b;
  return strcmp (path_a, path_b) > 0;
}

/* Row checksums: every row of issues and docs keeps a 64-bit FNV-1a hash
 * of its other columns, each with its length, so that a check finds bytes
 * changed inside a row (which SQLite's own checks do not see). */
#define CRC_START G_GUINT64_CONSTANT (0xcbf29ce484222325)

static void
crc_add (guint64    *h,
         const void *data,
         gsize       len)
{
  const guint8 *p = data;
  guint64 x = *h;
  guint8 n[8];

  for (guint i = 0; i < 8; i++)
    n[i] = (guint8)((guint64)len >> (8 * i));
  for (guint i = 0; i < 8; i++)
    x = (x ^ n[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  for (gsize i = 0; i < len; i++)
    x = (x ^ p[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  *h = x;
}

static void
crc_add_int (guint64 *h,
             gint64   v)
{
  crc_add (h, &v, sizeof v);
}

static void
crc_add_text (guint64    *h,
              const char *text)
{
  if (text == NULL)
    crc_add (h, "\377NULL", 5);
  else
    crc_add (h, text, strlen (text));
}

/* as bound: a NULL pointer is bound as NULL */
static void
crc_add_blob (guint64    *h,
              const void *data,
              gsize       len)
{
  if (data == NULL)
    crc_add_text (h, NULL);
  else
    crc_add (h, data, len);
}

/* The checksum of a row as read back: columns @first to @last of @stmt */
static gint64
crc_of_columns (sqlite3_stmt *stmt,
                int           first,
                int           last)
{
  guint64 h = CRC_START;

  for (int i = first; i <= last; i++)
    switch (sqlite3_column_type (stmt, i))
      {
      case SQLITE_INTEGER:
        crc_add_int (&h, sqlite3_column_int64 (stmt, i));
        break;
      case SQLITE_NULL:
        crc_add_text (&h, NULL);
        break;
      default:
        {
          const void *data = sqlite3_column_blob (stmt, i);

          crc_add (&h, data, sqlite3_column_bytes (stmt, i));
        }
      }
  return (gint64)h;
}

typedef struct {
  sqlite3       *db;
  const char    *path;
  sqlite3_stmt  *insert_issue;
  sqlite3_stmt  *insert_doc;
  sqlite3_stmt  *insert_fts;
  sqlite3_stmt  *delete_fts;
  sqlite3_stmt  *select_doc;
  sqlite3_stmt  *select_path;
  GBytes        *dictionary;
  gboolean       have_dictionary;
  Decompressor       decompressor;
  Compressor       compressor;
  BulletinFolded *folded;
  GArray        *segs;
} Writer;

static void
writer_clear (Writer *w)
{
  sqlite3_finalize (w->insert_issue);
  sqlite3_finalize (w->insert_doc);
  sqlite3_finalize (w->insert_fts);
  sqlite3_finalize (w->delete_fts);
  sqlite3_finalize (w->select_doc);
  sqlite3_finalize (w->select_path);
  decompressor_clear (&w->decompressor);
  compressor_clear (&w->compressor);
  g_clear_pointer (&w->dictionary, g_bytes_unref);
  g_clear_pointer (&w->folded, bulletin_folded_free);
  g_clear_pointer (&w->segs, g_array_unref);
}

/* The preset dictionary of @db, or NULL when it has none yet. */
static GBytes *
load_dictionary (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  GBytes *dictionary = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'dictionary'", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    dictionary = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return dictionary;
}

static void
writer_set_dictionary (Writer *w,
                       GBytes *dictionary)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (dictionary, &len);

  g_clear_pointer (&w->dictionary, g_bytes_unref);
  w->dictionary = g_bytes_ref (dictionary);
  w->have_dictionary = TRUE;
  w->decompressor.dictionary = w->compressor.dictionary = data;
  w->decompressor.dictionary_len = w->compressor.dictionary_len = len;
  /* digested again on first use */
  g_clear_pointer (&w->decompressor.ddict, ZSTD_freeDDict);
  g_clear_pointer (&w->compressor.cdict, ZSTD_freeCDict);
}

static int
writer_prepare (Writer *w)
{
  int rc;

  g_autoptr(GBytes) dictionary = load_dictionary (w->db);

  if (dictionary != NULL)
    writer_set_dictionary (w, dictionary);
  w->folded = bulletin_folded_new_chars_only ();
  w->segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  rc = sqlite3_prepare_v2 (w->db,
                           "INSERT INTO issues (path, size, mtime, issue_id, title, date, sort_key,"
                           " first_doc, n_docs, error, crc) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &w->insert_issue, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db,
                             "INSERT INTO docs (id, issue, article_index, article_id, headline, segs,"
                             " text_len, text, sig, crc) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             -1, &w->insert_doc, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db, "INSERT INTO fts (rowid, body) VALUES (?,?)", -1, &w->insert_fts, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db, "INSERT INTO fts (fts, rowid, body) VALUES ('delete',?,?)",
                             -1, &w->delete_fts, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db, "SELECT segs, text_len, text FROM docs WHERE id = ?",
                             -1, &w->select_doc, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db, "SELECT id, first_doc, n_docs FROM issues WHERE path = ?",
                             -1, &w->select_path, NULL);
  return rc;
}

static int
step_reset (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Folds a stored doc back into what was given to FTS5, so that a
 * contentless table can forget it. */
static char *
writer_folded_doc (Writer *w,
                   gint64  rowid,
                   int    *rc)
{
  const char *text;
  gint64 text_len;
  int step;

  sqlite3_bind_int64 (w->select_doc, 1, rowid);
  step = sqlite3_step (w->select_doc);
  if (step != SQLITE_ROW)
    {
      *rc = step == SQLITE_DONE ? SQLITE_OK : step;
      sqlite3_reset (w->select_doc);
      return NULL;
    }
  text_len = sqlite3_column_int64 (w->select_doc, 1);
  text = text_len >= 0 ? decompressor_run (&w->decompressor, sqlite3_column_blob (w->select_doc, 2),
                                       sqlite3_column_bytes (w->select_doc, 2), text_len) : NULL;
  if (text == NULL ||
      !segs_decode (sqlite3_column_blob (w->select_doc, 0), sqlite3_column_bytes (w->select_doc, 0), w->segs))
    {
      *rc = SQLITE_CORRUPT;
      sqlite3_reset (w->select_doc);
      return NULL;
    }
  fold_search_text (w->folded, text, text_len, (Segment *)w->segs->data, w->segs->len);
  sqlite3_reset (w->select_doc);
  *rc = SQLITE_OK;
  return bulletin_folded_to_utf8 (w->folded);
}

static int
writer_delete_issue (Writer             *w,
                     const IndexedIssue *issue)
{
  sqlite3_stmt *stmt = NULL;
  int rc = SQLITE_OK;

  for (gint64 i = 0; i < issue->n_docs && rc == SQLITE_OK; i++)
    {
      gint64 rowid = issue->first_doc + i;
      g_autofree char *body = writer_folded_doc (w, rowid, &rc);

      if (body == NULL)
        continue;
      sqlite3_bind_int64 (w->delete_fts, 1, rowid);
      sqlite3_bind_text (w->delete_fts, 2, body, -1, SQLITE_STATIC);
      rc = step_reset (w->delete_fts);
    }
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_prepare_v2 (w->db, "DELETE FROM docs WHERE id >= ?1 AND id < ?1 + ?2", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, issue->first_doc);
      sqlite3_bind_int64 (stmt, 2, issue->n_docs);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_prepare_v2 (w->db, "DELETE FROM issues WHERE id = ?", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, issue->id);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* Removes the row of the issue at @path, if there is one */
static int
writer_forget_path (Writer     *w,
                    const char *path)
{
  IndexedIssue issue = { 0 };
  int rc;

  sqlite3_bind_text (w->select_path, 1, path, -1, SQLITE_STATIC);
  rc = sqlite3_step (w->select_path);
  if (rc == SQLITE_ROW)
    {
      issue.id = sqlite3_column_int64 (w->select_path, 0);
      issue.first_doc = sqlite3_column_int64 (w->select_path, 1);
      issue.n_docs = sqlite3_column_int64 (w->select_path, 2);
    }
  sqlite3_reset (w->select_path);
  sqlite3_clear_bindings (w->select_path);
  if (rc == SQLITE_DONE)
    return SQLITE_OK;
  if (rc != SQLITE_ROW)
    return rc;
  return writer_delete_issue (w, &issue);
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           i,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

static int
writer_insert_issue (Writer      *w,
                     ParsedIssue *p,
                     gint64       first_doc)
{
  GListModel *articles = p->issue != NULL ? bulletin_issue_get_articles (p->issue) : NULL;
  guint n = articles != NULL ? g_list_model_get_n_items (articles) : 0;
  const char *issue_id = p->issue ? bulletin_issue_get_id (p->issue) : NULL;
  const char *title = p->issue ? bulletin_issue_get_title (p->issue) : NULL;
  const char *date = p->issue ? bulletin_issue_get_date (p->issue) : NULL;
  guint64 crc = CRC_START;
  gint64 issue_rowid;
  int rc;

  /* decided in this transaction: whatever row the path has now goes,
   * whoever wrote it */
  rc = writer_forget_path (w, p->file->path);
  if (rc != SQLITE_OK)
    return rc;

  crc_add_text (&crc, p->file->path);
  crc_add_int (&crc, p->file->size);
  crc_add_int (&crc, p->file->mtime);
  crc_add_text (&crc, issue_id);
  crc_add_text (&crc, title);
  crc_add_text (&crc, date);
  crc_add_int (&crc, p->sort_key);
  crc_add_int (&crc, first_doc);
  crc_add_int (&crc, n);
  crc_add_text (&crc, p->error);

  sqlite3_bind_text (w->insert_issue, 1, p->file->path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (w->insert_issue, 2, p->file->size);
  sqlite3_bind_int64 (w->insert_issue, 3, p->file->mtime);
  bind_text_or_null (w->insert_issue, 4, issue_id);
  bind_text_or_null (w->insert_issue, 5, title);
  bind_text_or_null (w->insert_issue, 6, date);
  sqlite3_bind_int64 (w->insert_issue, 7, p->sort_key);
  sqlite3_bind_int64 (w->insert_issue, 8, first_doc);
  sqlite3_bind_int64 (w->insert_issue, 9, n);
  bind_text_or_null (w->insert_issue, 10, p->error);
  sqlite3_bind_int64 (w->insert_issue, 11, (gint64)crc);
  rc = step_reset (w->insert_issue);
  if (rc != SQLITE_OK)
    return rc;
  issue_rowid = sqlite3_last_insert_rowid (w->db);

  /* ascending rowids within a transaction keep FTS5 from flushing on every
   * row */
  for (guint a = 0; a < n && rc == SQLITE_OK; a++)
    {
      g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, a);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
      g_autoptr(GByteArray) packed = g_byte_array_new ();
      g_autoptr(GByteArray) sig = g_byte_array_new ();
      g_autofree char *body = NULL;
      const guint8 *compressed;
      gsize compressed_len = 0;
      gint64 rowid = first_doc + a;
      guint64 doc_crc = CRC_START;

      article_search_text (article, text, segs);
      fold_search_text (w->folded, text->str, text->len, (Segment *)segs->data, segs->len);
      body = bulletin_folded_to_utf8 (w->folded);
      sig_build (bulletin_folded_get_chars (w->folded), bulletin_folded_get_length (w->folded), sig);
      compressed = compressor_run (&w->compressor, text->str, text->len, &compressed_len);
      segs_encode ((Segment *)segs->data, segs->len, packed);

      sqlite3_bind_int64 (w->insert_doc, 1, rowid);
      sqlite3_bind_int64 (w->insert_doc, 2, issue_rowid);
      sqlite3_bind_int (w->insert_doc, 3, a);
      bind_text_or_null (w->insert_doc, 4, bulletin_article_get_id (article));
      bind_text_or_null (w->insert_doc, 5, bulletin_article_get_headline (article));
      sqlite3_bind_blob (w->insert_doc, 6, packed->data, packed->len, SQLITE_STATIC);
      sqlite3_bind_int64 (w->insert_doc, 7, text->len);
      sqlite3_bind_blob (w->insert_doc, 8, compressed, compressed_len, SQLITE_STATIC);
      sqlite3_bind_blob (w->insert_doc, 9, sig->data, sig->len, SQLITE_STATIC);
      crc_add_int (&doc_crc, issue_rowid);
      crc_add_int (&doc_crc, a);
      crc_add_text (&doc_crc, bulletin_article_get_id (article));
      crc_add_text (&doc_crc, bulletin_article_get_headline (article));
      crc_add_blob (&doc_crc, packed->data, packed->len);
      crc_add_int (&doc_crc, text->len);
      crc_add_blob (&doc_crc, compressed, compressed_len);
      crc_add_blob (&doc_crc, sig->data, sig->len);
      sqlite3_bind_int64 (w->insert_doc, 10, (gint64)doc_crc);
      rc = step_reset (w->insert_doc);
      if (rc != SQLITE_OK)
        break;

      sqlite3_bind_int64 (w->insert_fts, 1, rowid);
      sqlite3_bind_text (w->insert_fts, 2, body, -1, SQLITE_STATIC);
      rc = step_reset (w->insert_fts);
    }
  return rc;
}

/* Makes the dictionary from the search texts of @batch (the first batch
 * indexed): trained by zstd on them (a dictionary with the batch's common
 * strings and entropy tables), or, when there are too few to train on,
 * their last DICTIONARY_SIZE bytes as raw content, the newest last, where
 * the compressor reaches them with the shortest distances.  (Valid UTF-8
 * cannot start with zstd's dictionary magic, so zstd takes that as raw
 * content.)  Stored in meta and used for every text from now on. */
static int
writer_make_dictionary (Writer *w,
                        GArray *batch)
{
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr(GBytes) dictionary = NULL;
  g_autofree guint8 *trained = g_malloc (DICTIONARY_SIZE);
  sqlite3_stmt *stmt = NULL;
  size_t trained_len;
  int rc;

  for (guint i = 0; i < batch->len && all->len < 32 * DICTIONARY_SIZE; i++)
    {
      ParsedIssue *p = &g_array_index (batch, ParsedIssue, i);
      GListModel *articles = p->issue != NULL ? bulletin_issue_get_articles (p->issue) : NULL;
      guint n = articles != NULL ? g_list_model_get_n_items (articles) : 0;

      for (guint a = 0; a < n; a++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, a);
          size_t before = all->len, size;

          g_array_set_size (segs, 0);
          article_search_text (article, all, segs);
          size = all->len - before;
          g_array_append_val (sizes, size);
        }
    }

  trained_len = ZDICT_trainFromBuffer (trained, DICTIONARY_SIZE, all->str,
                                       (const size_t *)sizes->data, sizes->len);
  if (!ZDICT_isError (trained_len))
    dictionary = g_bytes_new (trained, trained_len);
  else
    {
      gsize start = all->len > DICTIONARY_SIZE ? all->len - DICTIONARY_SIZE : 0;

      dictionary = g_bytes_new (all->str + start, all->len - start);
    }

  rc = sqlite3_prepare_v2 (w->db, "INSERT OR REPLACE INTO meta VALUES ('dictionary', ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, g_bytes_get_data (dictionary, NULL), g_bytes_get_size (dictionary),
                         SQLITE_STATIC);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK)
    writer_set_dictionary (w, dictionary);
  return rc;
}

static gboolean
query_int64 (sqlite3    *db,
             const char *sql,
             gint64     *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

typedef struct {
  BulletinSearchIndex       *self;
  BulletinIndexProgressFunc  progress;
  gpointer                   user_data;
} Progress;

static void
report_progress (Progress *progress,
                 guint     done,
                 guint     total)
{
  g_atomic_int_set (&progress->self->done, done);
  g_atomic_int_set (&progress->self->total, total);
  if (progress->progress != NULL)
    progress->progress (done, total, progress->user_data);
}

/* Bytes kept free on the disk of the index: the bookmarks and notes, and
 * whatever else the person saves, need them more than the index does.
 * BULLETIN_INDEX_RESERVE (bytes) changes it, for the tests. */
static guint64
index_reserve (void)
{
  const char *env = g_getenv ("BULLETIN_INDEX_RESERVE");

  if (env != NULL && env[0] != 0)
    return g_ascii_strtoull (env, NULL, 10);
  return 64 * 1024 * 1024;
}

/* FALSE, with @error set, when the disk of the index has less free space
 * than the reserve */
static gboolean
check_space (BulletinSearchIndex  *self,
             GError              **error)
{
  g_autofree char *dir = g_path_get_dirname (self->db_path);
  g_autofree char *avail_text = NULL;
  g_autofree char *reserve_text = NULL;
  guint64 avail, reserve = index_reserve ();
  struct statvfs st;

  if (statvfs (dir, &st) != 0)
    return TRUE;
  avail = (guint64)st.f_bavail * st.f_frsize;
  if (avail >= reserve)
    return TRUE;
  avail_text = g_format_size (avail);
  reserve_text = g_format_size (reserve);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
               _("Indexing stopped: only %s is free on the disk of the search index %s, and %s stays free "
                 "for your notes and other files. Searches read the files, slower, until there is more "
                 "space; free some to let indexing go on."),
               avail_text, self->db_path, reserve_text);
  return FALSE;
}

/* A shared index's issues: path → IndexedIssue (size, mtime, failed) */
static GHashTable *
read_shared_issues (BulletinSearchIndex *shared)
{
  g_autoptr(GHashTable) issues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3 *db = db_open_read (shared->db_path, TRUE, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (db == NULL)
    return NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT path, size, mtime, error IS NOT NULL FROM issues", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IndexedIssue *issue = g_new0 (IndexedIssue, 1);

      issue->size = sqlite3_column_int64 (stmt, 1);
      issue->mtime = sqlite3_column_int64 (stmt, 2);
      issue->failed = sqlite3_column_int (stmt, 3) != 0;
      g_hash_table_insert (issues, g_strdup ((const char *)sqlite3_column_text (stmt, 0)), issue);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rc == SQLITE_DONE ? g_steal_pointer (&issues) : NULL;
}

/* How the --index job left the shared index: its lock file's content */
static char *
shared_state (BulletinSearchIndex *shared)
{
  g_autofree char *path = lock_file_path (shared);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  char *state;

  if (fd < 0)
    return g_strdup ("");
  state = lock_read_state (fd);
  close (fd);
  return state;
}

/* Does the shared index hold @f as it is on disk (read, not changed since)? */
static gboolean
shared_covers (GHashTable      *shared_issues,
               const IssueFile *f)
{
  IndexedIssue *issue;

  if (shared_issues == NULL || f == NULL)
    return FALSE;
  issue = g_hash_table_lookup (shared_issues, f->path);
  return issue != NULL && !issue->failed && issue->size == f->size && issue->mtime == f->mtime;
}

static int
update_db (BulletinSearchIndex  *self,
           sqlite3              *db,
           GCancellable         *cancellable,
           Progress             *progress,
           GError              **error)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GHashTable) indexed = NULL;
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();
  g_autoptr(BulletinSearchIndex) shared = NULL;
  g_autoptr(GHashTable) shared_issues = NULL;
  g_autofree char *newest_path = NULL;
  gint64 newest_key = G_MININT64, min_rowid = 0, max_rowid = 0;
  gboolean have_docs;
  Writer w = { db, self->db_path };
  sqlite3_stmt *stmt = NULL;
  int rc;

  files = list_issue_files (self->root, cancellable, error);
  if (files == NULL)
    return SQLITE_ABORT;

  /* what a current shared index covers is not indexed here */
  shared = dup_shared (self);
  if (shared != NULL)
    shared_issues = read_shared_issues (shared);
  /* issues corrected in the reader (bulletin_search_index_forget_issue ()):
   * never taken from the shared index */
  if (shared_issues != NULL &&
      sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'shared_override'", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_auto(GStrv) paths = g_strsplit ((const char *)sqlite3_column_text (stmt, 0), "\n", -1);

      for (guint i = 0; paths[i] != NULL; i++)
        g_hash_table_remove (shared_issues, paths[i]);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  {
    g_autoptr(GHashTable) hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    if (shared_issues != NULL)
      {
        g_autoptr(GHashTable) on_disk = g_hash_table_new (g_str_hash, g_str_equal);
        GHashTableIter iter;
        gpointer key, value;

        for (guint i = 0; i < files->len; i++)
          {
            IssueFile *f = g_ptr_array_index (files, i);

            g_hash_table_insert (on_disk, f->path, f);
          }
        g_hash_table_iter_init (&iter, shared_issues);
        while (g_hash_table_iter_next (&iter, &key, &value))
          if (!shared_covers (shared_issues, g_hash_table_lookup (on_disk, key)))
            g_hash_table_add (hidden, g_strdup (key));
      }
    /* kept for the queries of any process: which shared index it is
     * about (its lock file's state), then the paths */
    {
      g_autoptr(GString) text = g_string_new (NULL);
      GHashTableIter iter;
      gpointer key;

      if (shared_issues != NULL)
        {
          g_autofree char *state = shared_state (shared);

          g_string_append (text, state);
          g_hash_table_iter_init (&iter, hidden);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_string_append_printf (text, "\n%s", (const char *)key);
        }
      rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta VALUES ('shared_hidden', ?)", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, text->str, text->len, SQLITE_TRANSIENT);
          rc = step_reset (stmt);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (rc != SQLITE_OK)
        goto out;
    }
  }

  rc = writer_prepare (&w);
  if (rc != SQLITE_OK)
    goto out;

  indexed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rc = sqlite3_prepare_v2 (db, "SELECT id, path, size, mtime, first_doc, n_docs, error IS NOT NULL FROM issues",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IndexedIssue *issue = g_new0 (IndexedIssue, 1);

      issue->id = sqlite3_column_int64 (stmt, 0);
      issue->size = sqlite3_column_int64 (stmt, 2);
      issue->mtime = sqlite3_column_int64 (stmt, 3);
      issue->first_doc = sqlite3_column_int64 (stmt, 4);
      issue->n_docs = sqlite3_column_int64 (stmt, 5);
      issue->failed = sqlite3_column_int (stmt, 6) != 0;
      g_hash_table_insert (indexed, g_strdup ((const char *)sqlite3_column_text (stmt, 1)), issue);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    goto out;
  rc = SQLITE_OK;

  /* forget what changed or went away */
  {
    g_autoptr(GHashTable) on_disk = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key, value;
    gboolean began = FALSE;

    for (guint i = 0; i < files->len; i++)
      {
        IssueFile *f = g_ptr_array_index (files, i);
        IndexedIssue *issue = g_hash_table_lookup (indexed, f->path);

        if (shared_covers (shared_issues, f))
          continue;
        g_hash_table_insert (on_disk, f->path, f);
        if (issue == NULL || issue->size != f->size || issue->mtime != f->mtime || issue->failed)
          g_ptr_array_add (todo, f);
      }

    g_hash_table_iter_init (&iter, indexed);
    while (rc == SQLITE_OK && g_hash_table_iter_next (&iter, &key, &value))
      {
        IssueFile *f = g_hash_table_lookup (on_disk, key);
        IndexedIssue *issue = value;

        if (f != NULL && issue->size == f->size && issue->mtime == f->mtime && !issue->failed)
          continue;
        if (!began)
          {
            rc = exec (db, "BEGIN IMMEDIATE");
            began = TRUE;
          }
        if (rc == SQLITE_OK)
          rc = writer_delete_issue (&w, issue);
      }
    if (began)
      rc = rc == SQLITE_OK ? exec (db, "COMMIT") : rollback (db, rc);
    if (rc != SQLITE_OK)
      goto out;
  }

  if (todo->len > 0)
    exec (db, "UPDATE meta SET value = '0' WHERE key = 'complete'");

  have_docs = query_int64 (db, "SELECT min(id) FROM docs", &min_rowid);
  query_int64 (db, "SELECT max(id) FROM docs", &max_rowid);
  if (sqlite3_prepare_v2 (db, "SELECT sort_key, path FROM issues WHERE n_docs > 0"
                              " ORDER BY sort_key DESC, path DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      newest_key = sqlite3_column_int64 (stmt, 0);
      newest_path = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  report_progress (progress, 0, todo->len);

  for (guint start = 0; start < todo->len; start += BATCH_ISSUES)
    {
      guint n = MIN (BATCH_ISSUES, todo->len - start);
      g_autoptr(GArray) batch = g_array_sized_new (FALSE, TRUE, sizeof (ParsedIssue), n);
      gint64 n_docs = 0, first;
      gboolean below = FALSE;

      g_array_set_clear_func (batch, (GDestroyNotify)parsed_issue_clear);
      /* the reserve of the disk stays free */
      if (!check_space (self, error))
        {
          rc = SQLITE_FULL;
          goto out;
        }
      for (guint i = 0; i < n; i++)
        {
          ParsedIssue p = { g_ptr_array_index (todo, start + i), NULL, NULL, 0 };
          g_autoptr(GError) local_error = NULL;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              rc = SQLITE_ABORT;
              goto out;
            }
          p.issue = bulletin_issue_new (p.file->file, p.file->kind);
          if (load_issue (p.issue, p.file, cancellable, &local_error))
            {
              p.sort_key = bulletin_issue_get_sort_key (p.issue);
              n_docs += g_list_model_get_n_items (bulletin_issue_get_articles (p.issue));
            }
          else
            {
              if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                {
                  g_clear_object (&p.issue);
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  rc = SQLITE_ABORT;
                  goto out;
                }
              /* kept in the index: bulletin_search_index_dup_unreadable () */
              g_debug ("%s", local_error->message);
              p.error = g_strdup (local_error->message);
              g_clear_object (&p.issue);
            }
          g_array_append_val (batch, p);
        }
      g_array_sort (batch, compare_parsed_desc);

      /* new issues newer than everything indexed go below, the rest
       * above, so that ascending rowids stay newest first */
      if (have_docs && n_docs > 0)
        {
          ParsedIssue *oldest = NULL;

          for (guint i = batch->len; i > 0 && oldest == NULL; i--)
            if (g_array_index (batch, ParsedIssue, i - 1).issue != NULL)
              oldest = &g_array_index (batch, ParsedIssue, i - 1);
          below = oldest != NULL && newest_path != NULL &&
                  newer (oldest->sort_key, oldest->file->path, newest_key, newest_path);
        }
      if (!have_docs)
        first = ROWID_START;
      else if (below)
        first = min_rowid - n_docs;
      else
        first = max_rowid + 1;

      rc = exec (db, "BEGIN IMMEDIATE");
      if (rc == SQLITE_OK && !w.have_dictionary && n_docs > 0)
        rc = writer_make_dictionary (&w, batch);
      {
        gint64 next = first;

        for (guint i = 0; i < batch->len && rc == SQLITE_OK; i++)
          {
            ParsedIssue *p = &g_array_index (batch, ParsedIssue, i);
            guint count = p->issue ? g_list_model_get_n_items (bulletin_issue_get_articles (p->issue)) : 0;

            rc = writer_insert_issue (&w, p, next);
            next += count;
            if (p->issue != NULL && count > 0 &&
                (newest_path == NULL || newer (p->sort_key, p->file->path, newest_key, newest_path)))
              {
                newest_key = p->sort_key;
                g_free (newest_path);
                newest_path = g_strdup (p->file->path);
              }
          }
      }
      if (rc == SQLITE_OK)
        rc = exec (db, "COMMIT");
      if (rc != SQLITE_OK)
        {
          rollback (db, rc);
          goto out;
        }

      if (n_docs > 0)
        {
          if (!have_docs)
            {
              min_rowid = first;
              max_rowid = first + n_docs - 1;
            }
          else if (below)
            min_rowid = first;
          else
            max_rowid = first + n_docs - 1;
          have_docs = TRUE;
        }
      report_progress (progress, start + n, todo->len);
    }

  /* one segment answers queries faster than many; merging rewrites the
   * whole FTS index, so only with room to spare */
  if (todo->len > 0 && check_space (self, NULL))
    exec (db, "INSERT INTO fts (fts) VALUES ('optimize')");
  exec (db, "PRAGMA incremental_vacuum");
  rc = exec (db, "UPDATE meta SET value = '1' WHERE key = 'complete'");

out:
  sqlite3_finalize (stmt);
  writer_clear (&w);
  if (rc != SQLITE_OK && rc != SQLITE_ABORT && error != NULL && *error == NULL)
    set_db_error (error, db, self->db_path, rc);
  return rc;
}

/* checking */

typedef struct {
  GHashTable *terms;
} TermSet;

static int
collect_term (void       *ctx,
              int         flags,
              const char *token,
              int         n_token,
              int         start,
              int         end)
{
  g_hash_table_add (((TermSet *)ctx)->terms, g_strndup (token, n_token));
  return SQLITE_OK;
}

static guint64
term_hash (gint64      rowid,
           const char *term,
           gsize       len)
{
  guint64 h = CRC_START;

  crc_add_int (&h, rowid);
  crc_add (&h, term, len);
  return h;
}

/* Checks the whole index: SQLite's integrity check, FTS5's, the checksum
 * of every row, and the terms FTS5 holds against the stored texts (bytes
 * changed in an FTS5 page can drop a term from a doclist and still pass
 * FTS5's own check).  Reads every page; run after an unclean exit, when a
 * query met damage, and now and then.  FALSE with @why when it fails. */
static gboolean
db_verify (sqlite3       *db,
           GCancellable  *cancellable,
           char         **why)
{
  g_autoptr(GBytes) dictionary = NULL;
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GHashTable) terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  BulletinFolded *folded = bulletin_folded_new_chars_only ();
  Decompressor z = { 0 };
  sqlite3_stmt *stmt = NULL;
  guint64 sum_docs = 0, sum_fts = 0;
  gint64 n_docs = 0, n_rows = 0;
  int rc;

  *why = NULL;
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") != 0)
    *why = g_strdup ("integrity_check");
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (*why == NULL && exec (db, "INSERT INTO fts (fts) VALUES ('integrity-check')") != SQLITE_OK)
    *why = g_strdup ("fts5 integrity-check");

  if (*why == NULL &&
      sqlite3_prepare_v2 (db, "SELECT path, size, mtime, issue_id, title, date, sort_key, first_doc, n_docs,"
                              " error, crc FROM issues", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (*why == NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        if (crc_of_columns (stmt, 0, 9) != sqlite3_column_int64 (stmt, 10))
          *why = g_strdup ("issue checksum");
      if (*why == NULL && rc != SQLITE_DONE)
        *why = g_strdup (sqlite3_errstr (rc));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  dictionary = load_dictionary (db);
  if (dictionary != NULL)
    z.dictionary = g_bytes_get_data (dictionary, &z.dictionary_len);
  if (*why == NULL &&
      sqlite3_prepare_v2 (db, "SELECT id, issue, article_index, article_id, headline, segs, text_len, text, sig,"
                              " crc FROM docs", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (*why == NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, 0);
          gint64 text_len = sqlite3_column_int64 (stmt, 6);
          TermSet set = { terms };
          g_autofree char *body = NULL;
          const char *text;
          GHashTableIter iter;
          gpointer term;

          if (crc_of_columns (stmt, 1, 8) != sqlite3_column_int64 (stmt, 9))
            {
              *why = g_strdup ("article checksum");
              break;
            }
          text = text_len >= 0 ? decompressor_run (&z, sqlite3_column_blob (stmt, 7), sqlite3_column_bytes (stmt, 7),
                                                   text_len) : NULL;
          if (text == NULL || !segs_decode (sqlite3_column_blob (stmt, 5), sqlite3_column_bytes (stmt, 5), segs))
            {
              *why = g_strdup ("article text");
              break;
            }
          fold_search_text (folded, text, text_len, (Segment *)segs->data, segs->len);
          body = bulletin_folded_to_utf8 (folded);
          g_hash_table_remove_all (terms);
          tokenizer_tokenize (NULL, &set, 0, body, strlen (body), collect_term);
          g_hash_table_iter_init (&iter, terms);
          while (g_hash_table_iter_next (&iter, &term, NULL))
            {
              sum_docs += term_hash (rowid, term, strlen (term));
              n_docs++;
            }
          if (g_cancellable_is_cancelled (cancellable))
            break;
        }
      if (*why == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
        *why = g_strdup (sqlite3_errstr (rc));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (*why == NULL && !g_cancellable_is_cancelled (cancellable))
    {
      rc = exec (db, "CREATE VIRTUAL TABLE temp.fts_check USING fts5vocab (main, 'fts', 'instance')");
      if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2 (db, "SELECT term, doc FROM temp.fts_check", -1, &stmt, NULL);
      while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          sum_fts += term_hash (sqlite3_column_int64 (stmt, 1), sqlite3_column_blob (stmt, 0),
                                sqlite3_column_bytes (stmt, 0));
          n_rows++;
          rc = SQLITE_OK;
        }
      sqlite3_finalize (stmt);
      exec (db, "DROP TABLE IF EXISTS temp.fts_check");
      if (rc != SQLITE_DONE)
        *why = g_strdup_printf ("fts5 terms: %s", sqlite3_errstr (rc));
      else if (sum_fts != sum_docs || n_rows != n_docs)
        *why = g_strdup_printf ("fts5 terms: %" G_GINT64_FORMAT " in the index, %" G_GINT64_FORMAT " in the texts",
                                n_rows, n_docs);
    }

  decompressor_clear (&z);
  bulletin_folded_free (folded);
  return *why == NULL;
}

#define VERIFY_EVERY (30 * 24 * 3600)

/* Whether the index should be checked before this update: the last writer
 * did not finish (crash, kill), a query met damage, the file changed since
 * the last writer left it, or the last check is a month old. */
static gboolean
needs_verify (sqlite3    *db,
              const char *path,
              const char *state)
{
  gint64 verified = 0, size = -1, sec = -1, nsec = -1;
  GStatBuf st;

  if (!g_str_has_prefix (state, "clean "))
    return TRUE;
  if (sscanf (state, "clean %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &size, &sec, &nsec) != 3)
    return TRUE;
  if (g_stat (path, &st) != 0 || (gint64)st.st_size != size || (gint64)st.st_mtim.tv_sec != sec ||
      (gint64)st.st_mtim.tv_nsec != nsec)
    return TRUE;
  if (!query_int64 (db, "SELECT value FROM meta WHERE key = 'verified'", &verified))
    return TRUE;
  return verified + VERIFY_EVERY < (gint64)time (NULL);
}

static void
forget_query_db (BulletinSearchIndex *self)
{
  g_mutex_lock (&self->query_lock);
  g_clear_pointer (&self->query_db, sqlite3_close);
  g_mutex_unlock (&self->query_lock);
}

/**
 * bulletin_search_index_update:
 * @progress: (nullable) (scope call): called after each batch of issues, in
 *   the calling thread
 *
 * Brings the index up to date with the archive, in the calling thread:
 * issues whose size or modification time changed are indexed again,
 * removed ones are forgotten, new ones added, and ones that could not be
 * read last time are read again.  A missing, damaged or foreign index is
 * rebuilt from scratch.  Each batch of issues is committed, so queries see
 * it at once.
 *
 * One update at a time writes, in any number of processes: the others
 * wait for it (a lock file beside the index), then find little left to do.
 * After an unclean exit, or when a query met damage, the index is checked
 * first, and rebuilt when the check fails.  Indexing stops, with
 * G_IO_ERROR_NO_SPACE, when the disk's free space falls below a reserve
 * (64 MiB); queries then read the files.
 *
 * Returns: TRUE when the index is complete
 */
gboolean
bulletin_search_index_update (BulletinSearchIndex        *self,
                              GCancellable               *cancellable,
                              BulletinIndexProgressFunc   progress,
                              gpointer                    user_data,
                              GError                    **error)
{
  Progress p = { self, progress, user_data };
  g_autofree char *state = NULL;
  g_autofree char *clean = NULL;
  int rc = SQLITE_OK;
  int lock;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), FALSE);

  g_atomic_int_set (&self->building, 1);
  g_atomic_int_set (&self->done, 0);
  g_atomic_int_set (&self->total, 0);

  lock = writer_lock (self, cancellable, error);
  if (lock < 0)
    {
      g_atomic_int_set (&self->building, 0);
      return FALSE;
    }
  state = lock_read_state (lock);
  lock_write_state (lock, "writing");

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean created = FALSE;
      sqlite3 *db = db_open_write (self->db_path, self->shared_writer ? 0755 : 0700, &created, &local_error);

      if (db == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          rc = SQLITE_ERROR;
          break;
        }
      if (!created && attempt == 0 && needs_verify (db, self->db_path, state))
        {
          g_autofree char *why = NULL;

          if (!db_verify (db, cancellable, &why))
            {
              g_message (_("The search index %s is damaged (%s): building it again. "
                           "Searches read the files meanwhile."), self->db_path, why);
              sqlite3_close (db);
              forget_query_db (self);
              db_discard (self->db_path);
              continue;
            }
          if (!g_cancellable_is_cancelled (cancellable))
            exec (db, "INSERT OR REPLACE INTO meta VALUES ('verified', strftime('%s', 'now'))");
        }

      rc = update_db (self, db, cancellable, &p, &local_error);
      if (rc == SQLITE_OK)
        sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
      /* clients open the shared index immutable: one file, no -wal */
      if (rc == SQLITE_OK && self->shared_writer)
        exec (db, "PRAGMA journal_mode = DELETE");
      sqlite3_close (db);

      if (rc_is_corrupt (rc) && attempt == 0)
        {
          /* damaged under our feet: start again from nothing */
          g_message (_("The search index %s is damaged: building it again. "
                       "Searches read the files meanwhile."), self->db_path);
          forget_query_db (self);
          db_discard (self->db_path);
          continue;
        }
      if (rc != SQLITE_OK)
        g_propagate_error (error, g_steal_pointer (&local_error));
      break;
    }

  /* left as it is: whatever the outcome, the transactions kept it whole */
  clean = clean_state (self->db_path);
  lock_write_state (lock, clean);
  close (lock);

  g_atomic_int_set (&self->building, 0);
  return rc == SQLITE_OK;
}

static gboolean
notify_progress_idle (gpointer data)
{
  BulletinSearchIndex *self = data;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUILDING]);
  return G_SOURCE_REMOVE;
}

typedef struct {
  BulletinSearchIndex *self;
  GMainContext        *context;
} AsyncProgress;

static void
async_progress (guint    done,
                guint    total,
                gpointer user_data)
{
  AsyncProgress *ap = user_data;

  g_main_context_invoke_full (ap->context, G_PRIORITY_DEFAULT, notify_progress_idle,
                              g_object_ref (ap->self), g_object_unref);
}

static void
update_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  BulletinSearchIndex *self = source_object;
  AsyncProgress ap = { self, task_data };
  GError *error = NULL;

  if (bulletin_search_index_update (self, cancellable, async_progress, &ap, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_main_context_invoke_full (ap.context, G_PRIORITY_DEFAULT, notify_progress_idle,
                              g_object_ref (self), g_object_unref);
}

/**
 * bulletin_search_index_update_async:
 *
 * bulletin_search_index_update () in a worker thread; "progress" and
 * "building" are notified on the calling thread's main context.
 */
void
bulletin_search_index_update_async (BulletinSearchIndex *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BULLETIN_IS_SEARCH_INDEX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_search_index_update_async);
  g_task_set_task_data (task, g_main_context_ref_thread_default (), (GDestroyNotify)g_main_context_unref);
  g_atomic_int_set (&self->building, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUILDING]);
  g_task_run_in_thread (task, update_thread);
}

gboolean
bulletin_search_index_update_finish (BulletinSearchIndex  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* querying */

/* Is ascending rowid order newest issue first?  Cached until another
 * connection writes. */
static gboolean
check_ordered (BulletinSearchIndex *self)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *prev_path = NULL;
  gint64 prev_key = 0, version = 0;
  gboolean ordered = TRUE;

  if (query_int64 (self->query_db, "PRAGMA data_version", &version) && version == self->ordered_version)
    return self->ordered;

  if (sqlite3_prepare_v2 (self->query_db,
                          "SELECT sort_key, path FROM issues WHERE n_docs > 0 ORDER BY first_doc",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  while (ordered && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 key = sqlite3_column_int64 (stmt, 0);
      const char *path = (const char *)sqlite3_column_text (stmt, 1);

      if (prev_path != NULL && newer (key, path, prev_key, prev_path))
        ordered = FALSE;
      prev_key = key;
      g_free (prev_path);
      prev_path = g_strdup (path);
    }
  sqlite3_finalize (stmt);

  self->ordered = ordered;
  self->ordered_version = version;
  return ordered;
}

typedef struct {
  char   *path;
  char   *issue_id;
  char   *title;
  char   *date;
  gint64  sort_key;
} IssueInfo;

static void
issue_info_free (IssueInfo *info)
{
  g_free (info->path);
  g_free (info->issue_id);
  g_free (info->title);
  g_free (info->date);
  g_free (info);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           i)
{
  const char *text = (const char *)sqlite3_column_text (stmt, i);

  return text != NULL ? g_strdup (text) : NULL;
}

/* What one thread needs to check candidates, reused from one to the next */
typedef struct {
  Decompressor        decompressor;
  BulletinFolded *chars;   /* folded without offsets: to count */
  BulletinFolded *full;    /* with offsets: for the details */
  GArray         *segs;
} Verifier;

static void
verifier_init (Verifier     *v,
               GBytes       *dictionary)
{
  memset (v, 0, sizeof *v);
  if (dictionary != NULL)
    v->decompressor.dictionary = g_bytes_get_data (dictionary, &v->decompressor.dictionary_len);
  v->chars = bulletin_folded_new_chars_only ();
  v->full = bulletin_folded_new ();
  v->segs = g_array_new (FALSE, FALSE, sizeof (Segment));
}

static void
verifier_clear (Verifier *v)
{
  decompressor_clear (&v->decompressor);
  g_clear_pointer (&v->chars, bulletin_folded_free);
  g_clear_pointer (&v->full, bulletin_folded_free);
  g_clear_pointer (&v->segs, g_array_unref);
}

/* A candidate of a batch, read from the database by the querying thread */
typedef struct {
  gint64                rowid;
  gint64                issue;
  guint                 article_index;
  char                 *article_id;
  char                 *headline;
  gint64                text_len;
  gsize                 text_at;    /* compressed text, in the batch's bytes */
  gsize                 text_size;
  gsize                 segs_at;
  gsize                 segs_size;
  gboolean              missing;
  gboolean              details;    /* may be among the first max_details results */
  /* the check */
  gboolean              corrupt;
  BulletinSearchResult *result;
} Candidate;

/* A batch shared by two threads: each takes the next unchecked candidate
 * until none is left, so that a thread the system holds up delays the
 * batch by a candidate at most, not by half of it. */
typedef struct {
  Candidate                 *items;
  guint                      len;
  gint                       next;    /* atomic */
  const guint8              *bytes;
  const BulletinSearchQuery *q;
  /* the helper's part */
  Verifier                  *verifier;
  GMutex                     lock;
  GCond                      cond;
  gboolean                   done;
} Share;

/* Checks one candidate: its text decompressed, folded without offsets and
 * the hits counted; for a result that may be shown, folded again with
 * offsets for the hits and the snippet. */
static void
verify_one (Verifier                  *v,
            const BulletinSearchQuery *q,
            const guint8              *bytes,
            Candidate                 *c)
{
  const char *text;
  const Segment *segs;
  guint n_segs, n_hits;

  if (c->missing)
    return;
  text = c->text_len >= 0 ? decompressor_run (&v->decompressor, bytes + c->text_at, c->text_size, c->text_len) : NULL;
  if (text == NULL || !segs_decode (bytes + c->segs_at, c->segs_size, v->segs))
    {
      c->corrupt = TRUE;
      return;
    }
  segs = (const Segment *)v->segs->data;
  n_segs = v->segs->len;

  fold_search_text (v->chars, text, c->text_len, segs, n_segs);
  n_hits = bulletin_search_folded_count (v->chars, q);
  if (n_hits == 0)
    return;
  if (c->details)
    {
      fold_search_text (v->full, text, c->text_len, segs, n_segs);
      c->result = match_folded (v->full, text, segs, n_segs, q);
      g_assert (c->result != NULL && c->result->n_hits == n_hits);
    }
  else
    {
      c->result = g_new0 (BulletinSearchResult, 1);
      c->result->n_hits = n_hits;
    }
}

static void
verify_share (Share    *share,
              Verifier *verifier)
{
  for (;;)
    {
      guint i = g_atomic_int_add (&share->next, 1);

      if (i >= share->len)
        break;
      verify_one (verifier, share->q, share->bytes, &share->items[i]);
    }
}

static void
helper_func (gpointer data,
             gpointer user_data)
{
  Share *share = data;

  verify_share (share, share->verifier);
  g_mutex_lock (&share->lock);
  share->done = TRUE;
  g_cond_signal (&share->cond);
  g_mutex_unlock (&share->lock);
}

/* One helper thread for every query, kept between batches */
static GThreadPool *
get_helper_pool (void)
{
  static gsize pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, (gsize)g_thread_pool_new (helper_func, NULL, 1, FALSE, NULL));
  return (GThreadPool *)pool;
}

typedef struct {
  BulletinSearchIndex       *self;
  BulletinSearchResults     *results;
  const BulletinSearchQuery *q;
  guint                      max_hits;
  guint                      max_details;
  GHashTable                *issues;
  Verifier                   verifiers[2];
  GByteArray                *bytes;
  GArray                    *batch;   /* of Candidate */
  GArray                    *sig_hashes;  /* the query's triples */
  sqlite3_stmt              *doc;
  sqlite3_stmt              *issue_stmt;
} QueryContext;

static void
candidate_clear (Candidate *c)
{
  g_free (c->article_id);
  g_free (c->headline);
  g_clear_pointer (&c->result, bulletin_search_result_free);
}

static IssueInfo *
lookup_issue (QueryContext *ctx,
              gint64        issue_rowid)
{
  IssueInfo *info = g_hash_table_lookup (ctx->issues, &issue_rowid);

  if (info == NULL)
    {
      info = g_new0 (IssueInfo, 1);
      sqlite3_bind_int64 (ctx->issue_stmt, 1, issue_rowid);
      if (sqlite3_step (ctx->issue_stmt) == SQLITE_ROW)
        {
          info->path = dup_column (ctx->issue_stmt, 0);
          info->issue_id = dup_column (ctx->issue_stmt, 1);
          info->title = dup_column (ctx->issue_stmt, 2);
          info->date = dup_column (ctx->issue_stmt, 3);
          info->sort_key = sqlite3_column_int64 (ctx->issue_stmt, 4);
        }
      sqlite3_reset (ctx->issue_stmt);
      g_hash_table_insert (ctx->issues, g_memdup2 (&issue_rowid, sizeof issue_rowid), info);
    }
  return info;
}

/* A batch smaller than this is checked by the querying thread alone */
#define MIN_SHARED_BATCH 8

/* Checks a batch of candidates, in order: the querying thread reads them
 * from the database, then checks every other one while a helper thread
 * checks the rest (two cores: decompressing and folding is most of the cost of
 * a query), then takes the results in order.  Returns an SQLite code:
 * SQLITE_ROW to go on, SQLITE_DONE when the first screen is full, with
 * @n_used the candidates taken up to the one that filled it. */
static int
verify_batch (QueryContext *ctx,
              const gint64 *rowids,
              guint         n,
              guint        *n_used)
{
  Candidate *items;
  Share share = { 0 };
  guint results_before = ctx->results->results->len;
  int rc = SQLITE_ROW;

  *n_used = n;
  g_array_set_size (ctx->batch, n);
  g_byte_array_set_size (ctx->bytes, 0);
  items = (Candidate *)ctx->batch->data;
  memset (items, 0, n * sizeof (Candidate));

  for (guint i = 0; i < n; i++)
    {
      Candidate *c = &items[i];
      int step;

      c->rowid = rowids[i];
      /* whether the results before this one will be fewer than
       * max_details is known only later: details while they may be */
      c->details = ctx->max_details == 0 || results_before < ctx->max_details;
      sqlite3_bind_int64 (ctx->doc, 1, rowids[i]);
      step = sqlite3_step (ctx->doc);
      if (step == SQLITE_DONE)
        c->missing = TRUE;
      else if (step != SQLITE_ROW)
        {
          sqlite3_reset (ctx->doc);
          return step;
        }
      else if (!sig_may_match (sqlite3_column_blob (ctx->doc, 7), sqlite3_column_bytes (ctx->doc, 7),
                               ctx->sig_hashes))
        c->missing = TRUE;  /* lacks a triple of the query: not a result */
      else
        {
          c->issue = sqlite3_column_int64 (ctx->doc, 0);
          c->article_index = sqlite3_column_int (ctx->doc, 1);
          c->article_id = dup_column (ctx->doc, 2);
          c->headline = dup_column (ctx->doc, 3);
          c->segs_at = ctx->bytes->len;
          c->segs_size = sqlite3_column_bytes (ctx->doc, 4);
          if (c->segs_size > 0)
            g_byte_array_append (ctx->bytes, sqlite3_column_blob (ctx->doc, 4), c->segs_size);
          c->text_len = sqlite3_column_int64 (ctx->doc, 5);
          c->text_at = ctx->bytes->len;
          c->text_size = sqlite3_column_bytes (ctx->doc, 6);
          if (c->text_size > 0)
            g_byte_array_append (ctx->bytes, sqlite3_column_blob (ctx->doc, 6), c->text_size);
        }
      sqlite3_reset (ctx->doc);
    }

  share.items = items;
  share.len = n;
  share.bytes = ctx->bytes->data;
  share.q = ctx->q;
  share.verifier = &ctx->verifiers[1];
  if (n >= MIN_SHARED_BATCH &&
      g_thread_pool_push (get_helper_pool (), &share, NULL))
    {
      verify_share (&share, &ctx->verifiers[0]);
      g_mutex_lock (&share.lock);
      while (!share.done)
        g_cond_wait (&share.cond, &share.lock);
      g_mutex_unlock (&share.lock);
    }
  else
    verify_share (&share, &ctx->verifiers[0]);

  for (guint i = 0; i < n; i++)
    {
      Candidate *c = &items[i];
      BulletinSearchResult *r;
      IssueInfo *info;

      if (c->corrupt)
        {
          rc = SQLITE_CORRUPT;
          break;
        }
      if (c->result == NULL)
        continue;

      r = g_steal_pointer (&c->result);
      if (ctx->max_details > 0 && ctx->results->results->len >= ctx->max_details)
        {
          /* checked with details in case, beyond them after all */
          g_clear_pointer (&r->hits, g_array_unref);
          g_clear_pointer (&r->snippet, g_free);
          r->snippet_hit_start = r->snippet_hit_end = 0;
        }
      r->article_index = c->article_index;
      r->article_id = g_steal_pointer (&c->article_id);
      r->headline = g_steal_pointer (&c->headline);
      info = lookup_issue (ctx, c->issue);
      r->issue_path = g_strdup (info->path != NULL ? info->path : "");
      r->issue_id = g_strdup (info->issue_id);
      r->issue_title = g_strdup (info->title);
      r->issue_date = g_strdup (info->date);
      r->sort_key = info->sort_key;

      ctx->results->n_hits += r->n_hits;
      g_ptr_array_add (ctx->results->results, r);

      if (ctx->max_hits > 0 && ctx->results->n_hits >= ctx->max_hits)
        {
          *n_used = i + 1;
          rc = SQLITE_DONE;
          break;
        }
    }

  for (guint i = 0; i < n; i++)
    candidate_clear (&items[i]);
  return rc;
}

/* A one-character query is a prefix query, which FTS5 answers by merging
 * the lists of every bigram that starts with the character: slow for a
 * common character, whose hits are everywhere anyway.  For the first
 * screen, the newest articles are checked directly first, as long as at
 * least a quarter of them hold it (checked from SCAN_FIRST_PROBE on): for a
 * rare character the direct check cost more than FTS5 (bench-scale: 13-63
 * ms for the first screen of a character in under 4 % of the articles,
 * whose complete results took 1-88 ms). */
#define SCAN_FIRST       200
#define SCAN_FIRST_PROBE 24

static BulletinSearchResults *
query_db (BulletinSearchIndex  *self,
          const char           *query,
          guint                 max_hits,
          guint                 max_details,
          GCancellable         *cancellable,
          gboolean             *stopped,
          int                  *rc_out,
          GError              **error)
{
  g_autoptr(BulletinSearchResults) results = results_new ();
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  g_autoptr(GHashTable) issues = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify)issue_info_free);
  g_autoptr(GBytes) dictionary = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GArray) batch = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *expr = NULL;
  g_autoptr(GArray) sig_hashes = sig_query_hashes (q);
  sqlite3_stmt *candidates = NULL, *scan = NULL;
  QueryContext ctx = {
    .self = self, .q = q, .max_hits = max_hits, .max_details = max_details, .issues = issues,
    .bytes = bytes, .batch = batch, .sig_hashes = sig_hashes,
  };
  gint64 complete = 0, scanned_upto = G_MININT64;
  guint batch_size = MIN_SHARED_BATCH, n_used = 0;
  gboolean ordered;
  guint n_chars = 0;
  const char *sql;
  int rc;

  if (bulletin_search_query_is_empty (q))
    {
      *rc_out = SQLITE_OK;
      return g_steal_pointer (&results);
    }
  ctx.results = results;

  expr = query_expression (q);
  ordered = check_ordered (self);
  if (expr != NULL && ordered)
    sql = "SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid";
  else if (expr != NULL)
    sql = "SELECT d.id FROM fts f JOIN docs d ON d.id = f.rowid JOIN issues i ON i.id = d.issue"
          " WHERE fts MATCH ?1 ORDER BY i.sort_key DESC, i.path DESC, d.id";
  else if (ordered)
    sql = "SELECT id FROM docs ORDER BY id";
  else
    sql = "SELECT d.id FROM docs d JOIN issues i ON i.id = d.issue"
          " ORDER BY i.sort_key DESC, i.path DESC, d.id";

  rc = exec (self->query_db, "BEGIN");
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db,
                             "SELECT issue, article_index, article_id, headline, segs, text_len, text, sig"
                             " FROM docs WHERE id = ?", -1, &ctx.doc, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db,
                             "SELECT path, issue_id, title, date, sort_key FROM issues WHERE id = ?",
                             -1, &ctx.issue_stmt, NULL);
  if (rc != SQLITE_OK)
    goto out;

  dictionary = load_dictionary (self->query_db);
  verifier_init (&ctx.verifiers[0], dictionary);
  verifier_init (&ctx.verifiers[1], dictionary);
  query_int64 (self->query_db, "SELECT value FROM meta WHERE key = 'complete'", &complete);
  results->partial = complete != 1 || bulletin_search_index_get_building (self);
  if (complete != 1 && !bulletin_search_index_get_building (self) && !writer_active (self))
    {
      /* building it stopped (a full disk, an error, a kill): the files
       * are read instead */
      *stopped = TRUE;
      rc = SQLITE_OK;
      goto out;
    }

  /* the issues that could not be read are not searched: say so */
  rc = sqlite3_prepare_v2 (self->query_db, "SELECT path, error FROM issues WHERE error IS NOT NULL"
                           " ORDER BY path DESC", -1, &scan, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (scan)) == SQLITE_ROW)
    {
      g_ptr_array_add (results->unreadable, unreadable_line ((const char *)sqlite3_column_text (scan, 0),
                                                             (const char *)sqlite3_column_text (scan, 1)));
      rc = SQLITE_OK;
    }
  g_clear_pointer (&scan, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    goto out;
  rc = SQLITE_OK;

  /* the shortest term to find */
  for (guint i = 0; i < bulletin_search_query_get_n_terms (q); i++)
    {
      guint n = 0;
      gboolean negative = FALSE;

      bulletin_search_query_get_term (q, i, &n, &negative);
      if (!negative && (n_chars == 0 || n < n_chars))
        n_chars = n;
    }
  if (max_hits > 0 && ordered && expr != NULL && n_chars == 1)
    {
      guint n;
      gboolean probe_failed = FALSE;

      rc = sqlite3_prepare_v2 (self->query_db, "SELECT id FROM docs ORDER BY id LIMIT ?", -1, &scan, NULL);
      if (rc != SQLITE_OK)
        goto out;
      sqlite3_bind_int (scan, 1, SCAN_FIRST);
      while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (scan, 0);

          g_array_append_val (rowids, rowid);
          scanned_upto = rowid;
        }
      if (rc != SQLITE_DONE)
        goto out;
      n = rowids->len;

      /* in growing batches: the first screen may be full early */
      for (guint done = 0; done < n; done += batch_size, batch_size = MIN (2 * batch_size, 256))
        {
          guint len = MIN (batch_size, n - done);

          rc = verify_batch (&ctx, &g_array_index (rowids, gint64, done), len, &n_used);
          if (rc == SQLITE_DONE)
            {
              /* the first screen is full: is there more? */
              results->complete = n < SCAN_FIRST && done + n_used == n;
              rc = SQLITE_OK;
              goto out;
            }
          if (rc != SQLITE_ROW)
            goto out;
          /* a rarer character (hits in under a quarter of the articles
           * checked): FTS5 finds the rest of its screen faster than
           * checking every one of the newest articles would */
          if (done + len >= SCAN_FIRST_PROBE && done + len < n &&
              ctx.results->results->len * 4 < done + len)
            {
              scanned_upto = g_array_index (rowids, gint64, done + len - 1);
              probe_failed = TRUE;
              break;
            }
        }
      g_array_set_size (rowids, 0);
      if (n < SCAN_FIRST && !probe_failed)
        {
          /* every article checked */
          rc = SQLITE_OK;
          goto out;
        }
    }

  rc = sqlite3_prepare_v2 (self->query_db, sql, -1, &candidates, NULL);
  if (rc != SQLITE_OK)
    goto out;
  if (expr != NULL)
    sqlite3_bind_text (candidates, 1, expr, -1, SQLITE_STATIC);

  for (;;)
    {
      gboolean more;

      /* the next batch of candidates, growing: the first screen may be
       * full early */
      g_array_set_size (rowids, 0);
      while (rowids->len < batch_size && (rc = sqlite3_step (candidates)) == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (candidates, 0);

          if (rowid > scanned_upto)
            g_array_append_val (rowids, rowid);
        }
      if (rowids->len < batch_size && rc != SQLITE_DONE)
        goto out;
      more = rowids->len == batch_size;
      batch_size = MIN (2 * batch_size, 256);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          rc = SQLITE_ABORT;
          goto out;
        }
      if (rowids->len == 0)
        break;
      rc = verify_batch (&ctx, (gint64 *)rowids->data, rowids->len, &n_used);
      if (rc == SQLITE_DONE)
        {
          /* the first screen is full: is there more? */
          if (n_used < rowids->len)
            results->complete = FALSE;
          else if (!more)
            results->complete = TRUE;
          else
            {
              rc = sqlite3_step (candidates);
              results->complete = rc == SQLITE_DONE;
              if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                goto out;
            }
          break;
        }
      if (rc != SQLITE_ROW)
        goto out;
      if (!more)
        break;
    }
  rc = SQLITE_OK;

out:
  verifier_clear (&ctx.verifiers[0]);
  verifier_clear (&ctx.verifiers[1]);
  sqlite3_finalize (scan);
  sqlite3_finalize (candidates);
  sqlite3_finalize (ctx.doc);
  sqlite3_finalize (ctx.issue_stmt);
  exec (self->query_db, "COMMIT");
  *rc_out = rc;
  if (rc == SQLITE_OK && *stopped)
    return NULL;
  if (rc != SQLITE_OK)
    {
      if (rc != SQLITE_ABORT && error != NULL && *error == NULL)
        set_db_error (error, self->query_db, self->db_path, rc);
      return NULL;
    }
  return g_steal_pointer (&results);
}

/**
 * bulletin_search_index_query:
 * @query: what the person typed
 * @max_hits: stop after the article that brings the hits to this many
 *   (the first screen); 0 for every hit
 *
 * Searches the index: candidates from FTS5, each checked against its text
 * with the matcher of in-article search.  While the index is being built
 * the results come from what is indexed so far and say so (partial).
 * Without a usable index (missing, damaged, not left whole by its last
 * writer, or its building stopped, on a full disk for one), every issue is
 * scanned instead: slower, same results.  Issues that could not be read
 * are listed in the results' unreadable.  Thread-safe: queries are
 * serialised.
 *
 * Returns: (transfer full): the results, newest issue first
 */
BulletinSearchResults *
bulletin_search_index_query (BulletinSearchIndex  *self,
                             const char           *query,
                             guint                 max_hits,
                             GCancellable         *cancellable,
                             GError              **error)
{
  return bulletin_search_index_query_full (self, query, max_hits, 0, cancellable, error);
}

/* The index's own answer; NULL with *usable unset when it cannot give
 * one (missing, damaged, not left whole, its building stopped) */
static BulletinSearchResults *
query_index (BulletinSearchIndex  *self,
             const char           *query,
             guint                 max_hits,
             guint                 max_details,
             GCancellable         *cancellable,
             gboolean             *usable,
             GError              **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->query_lock);
  BulletinSearchResults *results;
  int rc = SQLITE_OK;

  *usable = TRUE;
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean stopped = FALSE;
      GStatBuf st;

      /* another process made a new index: the old file is gone */
      if (self->query_db != NULL &&
          (g_stat (self->db_path, &st) != 0 || st.st_dev != self->query_dev || st.st_ino != self->query_ino))
        g_clear_pointer (&self->query_db, sqlite3_close);
      if (self->query_db == NULL)
        {
          self->query_db = db_open_read (self->db_path, self->is_shared, NULL);
          self->ordered_version = -1;
          if (self->query_db != NULL && g_stat (self->db_path, &st) == 0)
            {
              self->query_dev = st.st_dev;
              self->query_ino = st.st_ino;
            }
          /* candidates' rows straight from the file's pages, not copied
           * into SQLite's cache (which would hold a few hundred) */
          if (self->query_db != NULL)
            exec (self->query_db, "PRAGMA mmap_size = 1073741824");
        }
      if (self->query_db == NULL || !index_trusted (self))
        break;

      results = query_db (self, query, max_hits, max_details, cancellable, &stopped, &rc, &local_error);
      if (results != NULL)
        return results;
      if (stopped)
        break;
      if (rc == SQLITE_ABORT)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* damaged (the next update checks it), or emptied by an update that
       * rebuilds it: reopen once, then scan */
      if (rc_is_corrupt (rc))
        mark_suspect (self);
      g_debug ("%s", local_error != NULL ? local_error->message : sqlite3_errstr (rc));
      g_clear_pointer (&self->query_db, sqlite3_close);
    }
  *usable = FALSE;
  return NULL;
}

/* The paths whose shared results are not taken: the issues this index
 * holds (newer than the shared copy, or unreadable there), and what the
 * last update found changed or gone */
static GHashTable *
hidden_paths (BulletinSearchIndex *self,
              BulletinSearchIndex *shared)
{
  g_autoptr(GHashTable) hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *state = shared_state (shared);
  sqlite3_stmt *stmt = NULL;

  g_mutex_lock (&self->query_lock);
  if (self->query_db != NULL &&
      sqlite3_prepare_v2 (self->query_db, "SELECT value FROM meta WHERE key = 'shared_hidden'",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_auto(GStrv) lines = g_strsplit ((const char *)sqlite3_column_text (stmt, 0), "\n", -1);

      /* about this shared index: the job did not run since */
      if (lines[0] != NULL && strcmp (lines[0], state) == 0)
        for (guint i = 1; lines[i] != NULL; i++)
          g_hash_table_add (hidden, g_strdup (lines[i]));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (self->query_db != NULL &&
      sqlite3_prepare_v2 (self->query_db, "SELECT path FROM issues", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_hash_table_add (hidden, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->query_lock);
  return g_steal_pointer (&hidden);
}

/* This index's results and the shared index's, in one list without
 * duplicates: a shared result is left out when its issue is @hidden.
 * Where either side stopped after its first screen, the merged list stops
 * there too, and after @max_hits hits (0: all). */
static BulletinSearchResults *
merge_shared (BulletinSearchResults *own,
              BulletinSearchResults *shared,
              GHashTable            *hidden,
              guint                  max_hits)
{
  BulletinSearchResults *merged = results_new ();
  BulletinSearchResult limit = { 0 };
  BulletinSearchResult *limit_p = &limit;
  gboolean have_limit = FALSE;
  BulletinSearchResults *sides[2] = { own, shared };
  guint n_hits = 0, keep;

  merged->partial = own->partial || shared->partial;
  merged->complete = own->complete && shared->complete;
  for (guint i = 0; i < own->unreadable->len; i++)
    g_ptr_array_add (merged->unreadable, g_strdup (g_ptr_array_index (own->unreadable, i)));

  /* the last result of a side that stopped: nothing after it is known */
  for (guint s = 0; s < 2; s++)
    if (!sides[s]->complete && sides[s]->results->len > 0)
      {
        BulletinSearchResult *last = g_ptr_array_index (sides[s]->results, sides[s]->results->len - 1);

        if (!have_limit || compare_results (&last, &limit_p) < 0)
          {
            g_free (limit.issue_path);
            limit.issue_path = g_strdup (last->issue_path);
            limit.sort_key = last->sort_key;
            limit.article_index = last->article_index;
            have_limit = TRUE;
          }
      }

  for (guint s = 0; s < 2; s++)
    {
      gsize len = 0;
      gpointer *items = g_ptr_array_steal (sides[s]->results, &len);

      for (gsize i = 0; i < len; i++)
        {
          BulletinSearchResult *r = items[i];

          if (s == 1 && g_hash_table_contains (hidden, r->issue_path))
            bulletin_search_result_free (r);
          else
            g_ptr_array_add (merged->results, r);
        }
      g_free (items);
    }
  g_ptr_array_sort (merged->results, compare_results);

  for (keep = 0; keep < merged->results->len; keep++)
    {
      BulletinSearchResult *r = g_ptr_array_index (merged->results, keep);

      if ((have_limit && compare_results (&r, &limit_p) > 0) || (max_hits > 0 && n_hits >= max_hits))
        break;
      n_hits += r->n_hits;
    }
  if (keep < merged->results->len)
    {
      g_ptr_array_set_size (merged->results, keep);
      merged->complete = FALSE;
    }
  merged->n_hits = n_hits;
  g_free (limit.issue_path);
  return merged;
}

/**
 * bulletin_search_index_query_full:
 * @max_details: give hit offsets and a snippet for this many results (the
 *   ones shown); the others only count their hits.  0 for all.
 *
 * With a current shared index beside the archive (`bulletin-reader
 * --index`), the issues it covers are answered from it, opened read-only
 * and immutable, and the rest from this index; one list, no duplicates.
 *
 * Returns: (transfer full): the results, newest issue first
 */
BulletinSearchResults *
bulletin_search_index_query_full (BulletinSearchIndex  *self,
                                  const char           *query,
                                  guint                 max_hits,
                                  guint                 max_details,
                                  GCancellable         *cancellable,
                                  GError              **error)
{
  g_autoptr(BulletinSearchIndex) shared = NULL;
  g_autoptr(BulletinSearchResults) own = NULL;
  BulletinSearchResults *results;
  gboolean usable = FALSE;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!check_query (query, error))
    return NULL;
  shared = dup_shared (self);
  own = query_index (self, query, max_hits, max_details, cancellable, &usable, error);
  if (own == NULL && usable)
    return NULL;
  if (own != NULL && shared == NULL)
    return g_steal_pointer (&own);
  if (own != NULL)
    {
      g_autoptr(GHashTable) hidden = hidden_paths (self, shared);
      g_autoptr(BulletinSearchResults) theirs = NULL;
      g_autoptr(GError) local_error = NULL;
      guint n_hidden = g_hash_table_size (hidden);

      /* hidden results take room in the shared side's first screen */
      theirs = query_index (shared, query, max_hits, max_details > 0 ? max_details + n_hidden : 0,
                            cancellable, &usable, &local_error);
      if (theirs != NULL)
        return merge_shared (own, theirs, hidden, max_hits);
      if (usable)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  else if (shared != NULL && (bulletin_search_index_get_building (self) || self->index_only))
    {
      /* our own index is being made (the first opening), or there is none
       * and the files are not to be read: the shared one answers, and
       * says it may lack the newest issues */
      results = query_index (shared, query, max_hits, max_details, cancellable, &usable, NULL);
      if (results != NULL)
        {
          g_ptr_array_set_size (results->unreadable, 0);
          results->partial = TRUE;
          return results;
        }
    }

  if (self->index_only)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "The search index cannot answer, and scanning is off");
      return NULL;
    }
  results = bulletin_search_scan_archive (self->root, query, cancellable, error);
  if (results != NULL)
    results->partial = FALSE;
  return results;
}

/**
 * bulletin_search_index_set_index_only:
 * @index_only: whether queries answer from the index alone
 *
 * A query that the index cannot answer (there is none, it is damaged or
 * its building stopped) is answered from the shared index beside the
 * archive when there is one, else fails with G_IO_ERROR_NOT_INITIALIZED,
 * instead of reading every file: for the GNOME Shell search provider,
 * which must answer at once.
 */
void
bulletin_search_index_set_index_only (BulletinSearchIndex *self,
                                      gboolean             index_only)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_INDEX (self));
  self->index_only = index_only;
}

typedef struct {
  char  *query;
  guint  max_hits;
  guint  max_details;
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_free (data->query);
  g_free (data);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueryData *data = task_data;
  GError *error = NULL;
  BulletinSearchResults *results;

  results = bulletin_search_index_query_full (source_object, data->query, data->max_hits, data->max_details,
                                              cancellable, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify)bulletin_search_results_free);
}

void
bulletin_search_index_query_async (BulletinSearchIndex *self,
                                   const char          *query,
                                   guint                max_hits,
                                   guint                max_details,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (BULLETIN_IS_SEARCH_INDEX (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_search_index_query_async);
  data = g_new0 (QueryData, 1);
  data->query = g_strdup (query);
  data->max_hits = max_hits;
  data->max_details = max_details;
  g_task_set_task_data (task, data, (GDestroyNotify)query_data_free);
  g_task_run_in_thread (task, query_thread);
}

/**
 * bulletin_search_index_query_finish:
 *
 * Returns: (transfer full): the results
 */
BulletinSearchResults *
bulletin_search_index_query_finish (BulletinSearchIndex  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * bulletin_search_index_forget_issue:
 *
 * Marks the issue of @file (in the archive's folder) as changed, so that
 * the next update indexes it again: its file is the same, but it reads
 * differently (the reader corrected its articles, or chose another
 * encoding).  Nothing to do when there is no index yet.
 */
gboolean
bulletin_search_index_forget_issue (BulletinSearchIndex  *self,
                                    GFile                *file,
                                    GError              **error)
{
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!bulletin_search_index_exists (self))
    return TRUE;
  {
    gboolean created = FALSE;

    db = db_open_write (self->db_path, self->shared_writer ? 0755 : 0700, &created, error);
  }
  if (db == NULL)
    return FALSE;
  name = g_file_get_basename (file);
  rc = sqlite3_prepare_v2 (db, "UPDATE issues SET mtime = -1 WHERE path = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  /* an issue the shared index answers for: from now on indexed here (the
   * shared index has the file's text, not the corrected one) */
  if (rc == SQLITE_OK && sqlite3_changes (db) == 0)
    {
      sqlite3_finalize (stmt);
      rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta VALUES ('shared_override',"
                                   " coalesce ((SELECT value FROM meta WHERE key = 'shared_override') || char (10), '')"
                                   " || ?1)", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
        }
    }
  if (rc != SQLITE_OK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", self->db_path, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rc == SQLITE_OK;
}
