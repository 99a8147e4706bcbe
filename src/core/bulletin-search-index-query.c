/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-search-index-private.h"
#include "bulletin-unicode.h"

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

  if (index_query_int64 (self->query_db, "PRAGMA data_version", &version) && version == self->ordered_version)
    return self->ordered;

  if (sqlite3_prepare_v2 (self->query_db,
                          "SELECT sort_key, path FROM issues WHERE n_docs > 0 ORDER BY first_doc",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  while (ordered && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 key = sqlite3_column_int64 (stmt, 0);
      const char *path = (const char *)sqlite3_column_text (stmt, 1);

      if (prev_path != NULL && issue_newer (key, path, prev_key, prev_path))
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

/* An issue's row; its strings are GRefStrings, shared with its results
 * (issue_string_new ()) */
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
  g_clear_pointer (&info->path, g_ref_string_release);
  g_clear_pointer (&info->issue_id, g_ref_string_release);
  g_clear_pointer (&info->title, g_ref_string_release);
  g_clear_pointer (&info->date, g_ref_string_release);
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
  const char     *plain_term;  /* the query's one term, of CJK alone: */
  gsize           plain_term_len;  /* counted in plain texts as they are */
  gint64          plain_mask;      /* the bits of its characters */
} Verifier;

static void
verifier_init (Verifier     *v,
               GBytes       *dictionary,
               GBytes       *chars)
{
  memset (v, 0, sizeof *v);
  if (dictionary != NULL)
    decompressor_set_dictionary (&v->decompressor, g_bytes_get_data (dictionary, NULL),
                                 g_bytes_get_size (dictionary),
                                 chars != NULL ? g_bytes_get_data (chars, NULL) : NULL,
                                 chars != NULL ? g_bytes_get_size (chars) : 0);
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

/* The dictionary of the query connection and the verifiers that digested
 * it, kept from one query to the next while no other connection has
 * written (its data_version): making them is a few large allocations,
 * a third of a millisecond, as much as a first screen of rare words
 * takes. */
typedef struct {
  gint64    version;
  GBytes   *dictionary;
  Verifier  verifiers[2];
  TermSets  sets;
  GHashTable *issues;    /* issue rowid -> IssueInfo, as lookup_issue () read
                          * them: a look-up each is a tenth of the complete
                          * results of a word in every issue */
  GArray     *spare_items[2];  /* the two batches' arrays, kept for the next */
  GByteArray *spare_bytes[2];  /* query (batch_init ()) */
} QueryCache;

/* Issues kept at most in the cache (about 200 bytes each) */
#define MAX_CACHED_ISSUES 100000

static void
query_cache_free (QueryCache *cache)
{
  g_clear_pointer (&cache->issues, g_hash_table_unref);
  for (guint k = 0; k < 2; k++)
    {
      g_clear_pointer (&cache->spare_items[k], g_array_unref);
      g_clear_pointer (&cache->spare_bytes[k], g_byte_array_unref);
    }
  term_sets_clear (&cache->sets);
  verifier_clear (&cache->verifiers[0]);
  verifier_clear (&cache->verifiers[1]);
  g_clear_pointer (&cache->dictionary, g_bytes_unref);
  g_free (cache);
}

void
query_cache_clear (BulletinSearchIndex *self)
{
  g_clear_pointer (&self->query_cache, query_cache_free);
}

/* The verifiers for a query, in its read transaction (which fixes
 * data_version) */
static Verifier *
query_cache_get (BulletinSearchIndex *self)
{
  QueryCache *cache = self->query_cache;
  gint64 version = -1;

  if (!index_query_int64 (self->query_db, "PRAGMA data_version", &version))
    version = -1;
  if (cache == NULL || version == -1 || cache->version != version)
    {
      g_autoptr(GBytes) chars = NULL;

      query_cache_clear (self);
      cache = g_new0 (QueryCache, 1);
      cache->version = version;
      cache->dictionary = load_meta_blob (self->query_db, "dictionary");
      term_sets_load (&cache->sets, self->query_db);
      chars = load_meta_blob (self->query_db, "chars");
      verifier_init (&cache->verifiers[0], cache->dictionary, chars);
      verifier_init (&cache->verifiers[1], cache->dictionary, chars);
      cache->issues = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify)issue_info_free);
      self->query_cache = cache;
    }
  if (g_hash_table_size (cache->issues) > MAX_CACHED_ISSUES)
    g_hash_table_remove_all (cache->issues);
  return cache->verifiers;
}

/* A candidate of a batch, read from the database by the querying thread */
typedef struct {
  gint64                rowid;
  gint64                issue;
  guint                 article_index;
  char                 *article_id;
  char                 *headline;
  char                 *page;
  char                 *section;
  gint64                text_len;
  gsize                 text_at;    /* compressed text, in the batch's bytes */
  gsize                 text_size;
  gsize                 segs_at;
  gsize                 segs_size;
  gboolean              missing;
  gint64                plain;      /* text_plain_mask () */
  gboolean              details;    /* may be among the first max_details results */
  guint32               count;      /* its hits, from the postings, or 0 */
  gboolean              text_skipped;  /* counted: its text not read */
  /* the check */
  gboolean              corrupt;
  BulletinSearchResult *result;
} Candidate;

/* A batch shared by two threads: each takes the next unchecked candidate
 * until none is left, so that a thread the system holds up delays the
 * batch by a candidate at most, not by half of it.  A helper that has
 * not started by the time the querying thread has taken the last
 * candidate is not waited for: on a busy machine it may not run for
 * several milliseconds (a time slice), longer than a first screen takes.
 * Counted references, since the helper may come to it after the query
 * is over. */
enum {
  SHARE_QUEUED,
  SHARE_TAKEN,      /* by the helper: the querying thread waits for it */
  SHARE_CANCELLED,  /* by the querying thread: the helper leaves it */
};

typedef struct {
  gint                       state;   /* atomic */
  Candidate                 *items;
  guint                      len;
  gint                       next;    /* atomic */
  const guint8              *bytes;
  const BulletinSearchQuery *q;
  /* the helper's part */
  Verifier                  *verifier;
  GMutex                     lock;
  GCond                      cond;
  gint                       done;    /* atomic, set under @lock */
} Share;

static void
share_clear (gpointer data)
{
  Share *share = data;

  g_mutex_clear (&share->lock);
  g_cond_clear (&share->cond);
}

/* The candidates of a batch, their rows' texts and segments in @bytes */
typedef struct {
  GArray     *items;   /* of Candidate */
  GByteArray *bytes;
  Share      *share;   /* while it is being checked */
  gboolean    pushed;  /* to the helper thread */
} Batch;

/* Batch @k of a query: its arrays those of the query before when @cache
 * (NULL for none) kept them.  A batch of the complete results holds a
 * megabyte or two of rows: allocated anew, its pages were faulted in
 * again by every query (5 % of the complete results of 委员会 at 1/10 of
 * bench-scale, in the kernel). */
static void
batch_init (Batch      *b,
            QueryCache *cache,
            guint       k)
{
  memset (b, 0, sizeof *b);
  if (cache != NULL && cache->spare_items[k] != NULL)
    {
      b->items = g_steal_pointer (&cache->spare_items[k]);
      b->bytes = g_steal_pointer (&cache->spare_bytes[k]);
      return;
    }
  /* not cleared: each candidate is as it is read (a batch of 1,024 of
   * which few may be used) */
  b->items = g_array_new (FALSE, FALSE, sizeof (Candidate));
  b->bytes = g_byte_array_new ();
}

/* Rows kept at most in a spare batch's bytes: a batch of the complete
 * results holds one to two megabytes; more is let go rather than kept for
 * as long as the window is open */
#define MAX_SPARE_BYTES (4 << 20)

/* Frees @b, or leaves its arrays, emptied, to @cache (NULL for none) as
 * batch @k for the next query */
static void
batch_clear (Batch      *b,
             QueryCache *cache,
             guint       k)
{
  g_assert (b->share == NULL);
  if (cache != NULL && cache->spare_items[k] == NULL && b->items != NULL && b->bytes != NULL &&
      b->bytes->len <= MAX_SPARE_BYTES)
    {
      /* the candidates are cleared (batch_discard ()) */
      g_array_set_size (b->items, 0);
      g_byte_array_set_size (b->bytes, 0);
      cache->spare_items[k] = g_steal_pointer (&b->items);
      cache->spare_bytes[k] = g_steal_pointer (&b->bytes);
      return;
    }
  g_clear_pointer (&b->items, g_array_unref);
  g_clear_pointer (&b->bytes, g_byte_array_unref);
}

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
  gboolean plain;

  if (c->missing)
    return;
  if (c->text_skipped)
    {
      /* counted from the postings, not shown in detail: made with its
       * strings as its row was read (take_candidate ()) */
      if (c->result == NULL)
        c->result = g_new0 (BulletinSearchResult, 1);
      c->result->n_hits = c->count;
      return;
    }
  text = c->text_len >= 0 ? decompressor_run (&v->decompressor, bytes + c->text_at, c->text_size, c->text_len) : NULL;
  if (text == NULL || !segs_decode (bytes + c->segs_at, c->segs_size, v->segs))
    {
      c->corrupt = TRUE;
      return;
    }
  segs = (const Segment *)v->segs->data;
  n_segs = v->segs->len;

  /* for a result given in detail too: the matcher then finds the same
   * hits in the folded text */
  plain = v->plain_term != NULL && (c->plain & PLAIN_FLAG) && !(c->plain & v->plain_mask);
  if (plain)
    n_hits = plain_count (text, c->text_len, segs, n_segs, v->plain_term, v->plain_term_len);
  else if (c->details && c->count > 0)
    {
      /* a result for certain (counted by the postings), in detail: the
       * matcher's hits are its count, without folding it twice (a third of
       * the details of the complete results of a common word) */
      fold_search_text (v->full, text, c->text_len, segs, n_segs);
      c->result = match_folded (v->full, text, segs, n_segs, q);
      return;
    }
  else
    {
      fold_search_text (v->chars, text, c->text_len, segs, n_segs);
      n_hits = bulletin_search_folded_count (v->chars, q);
    }
  if (n_hits == 0)
    return;
  if (c->details)
    {
      fold_search_text (v->full, text, c->text_len, segs, n_segs);
      c->result = match_folded (v->full, text, segs, n_segs, q);
      g_assert (plain || (c->result != NULL && c->result->n_hits == n_hits));
      /* a text marked plain that is not: the row is damaged */
      if (c->result == NULL || c->result->n_hits != n_hits)
        {
          g_clear_pointer (&c->result, bulletin_search_result_free);
          c->corrupt = TRUE;
        }
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

  if (g_atomic_int_compare_and_exchange (&share->state, SHARE_QUEUED, SHARE_TAKEN))
    {
      verify_share (share, share->verifier);
      g_mutex_lock (&share->lock);
      g_atomic_int_set (&share->done, TRUE);
      g_cond_signal (&share->cond);
      g_mutex_unlock (&share->lock);
    }
  g_atomic_rc_box_release_full (share, share_clear);
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
  const BulletinSearchFilter *filter;
  guint                      max_hits;
  guint                      max_details;
  GHashTable                *issues;
  IssueInfo                 *last_info;   /* the issue looked up last, or NULL */
  gint64                     last_issue;  /* its rowid */
  Verifier                  *verifiers;  /* two, the query cache's */
  Batch                      batches[2];  /* one checked while the next is read */
  guint                      pending_len;  /* the candidates of the one checked */
  GArray                    *rowids;  /* the candidates of the next batch */
  guint                      batch_size;
  GArray                    *sig_hashes;  /* the query's triples */
  const BulletinSearchResult *after;     /* a page: only what comes after it */
  guint                      max_results; /* a page: stop after this many */
  gboolean                   descending;  /* oldest first: candidates by descending rowid */
  gint64                     floor;       /* descending, the page full: the first rowid of
                                           * the issue it ends in (G_MININT64: not yet) */
  GHashTable                *hidden;      /* issue paths left out, or NULL */
  sqlite3_stmt              *doc;
  sqlite3_stmt              *issue_stmt;
  CandidateSet              *set;         /* the postings' candidates, or NULL */
  gboolean                   counted;     /* their counts are their hits */
  gboolean                   light;       /* rows streamed without their texts */
  gint64                     set_next;    /* the set, in rowid order (descending oldest
                                           * first): the next, -1 past its start */
} QueryContext;

static void
candidate_clear (Candidate *c)
{
  g_free (c->article_id);
  g_free (c->headline);
  g_free (c->page);
  g_free (c->section);
  g_clear_pointer (&c->result, bulletin_search_result_free);
}

static IssueInfo *
lookup_issue (QueryContext *ctx,
              gint64        issue_rowid)
{
  IssueInfo *info;

  /* the candidates come issue by issue */
  if (ctx->last_info != NULL && ctx->last_issue == issue_rowid)
    return ctx->last_info;
  info = g_hash_table_lookup (ctx->issues, &issue_rowid);
  if (info == NULL)
    {
      info = g_new0 (IssueInfo, 1);
      sqlite3_bind_int64 (ctx->issue_stmt, 1, issue_rowid);
      if (sqlite3_step (ctx->issue_stmt) == SQLITE_ROW)
        {
          info->path = issue_string_new ((const char *)sqlite3_column_text (ctx->issue_stmt, 0));
          info->issue_id = issue_string_new ((const char *)sqlite3_column_text (ctx->issue_stmt, 1));
          info->title = issue_string_new ((const char *)sqlite3_column_text (ctx->issue_stmt, 2));
          info->date = issue_string_new ((const char *)sqlite3_column_text (ctx->issue_stmt, 3));
          info->sort_key = sqlite3_column_int64 (ctx->issue_stmt, 4);
        }
      sqlite3_reset (ctx->issue_stmt);
      g_hash_table_insert (ctx->issues, g_memdup2 (&issue_rowid, sizeof issue_rowid), info);
    }
  ctx->last_info = info;
  ctx->last_issue = issue_rowid;
  return info;
}

/* Whether an article comes after @after in result order (newest issue
 * first, then the issue's order: compare_results ()) */
static gboolean
position_after (const BulletinSearchResult *after,
                gint64                      sort_key,
                const char                 *path,
                guint                       article_index)
{
  int c;

  if (sort_key != after->sort_key)
    return sort_key < after->sort_key;
  c = strcmp (path != NULL ? path : "", after->issue_path);
  if (c != 0)
    return c < 0;
  return article_index > after->article_index;
}

/* Whether an article comes after @after oldest first
 * (compare_results_oldest (): oldest issue first, then the issue's order) */
static gboolean
position_after_oldest (const BulletinSearchResult *after,
                       gint64                      sort_key,
                       const char                 *path,
                       guint                       article_index)
{
  int c;

  if (sort_key != after->sort_key)
    return sort_key > after->sort_key;
  c = strcmp (path != NULL ? path : "", after->issue_path);
  if (c != 0)
    return c > 0;
  return article_index > after->article_index;
}

/* Whether a candidate is left out before its text is checked (and is not
 * counted): by the filter, as before the page's start, or as of a hidden
 * issue.  Asked only when there is a filter, a page or hidden issues
 * (the caller reads @page and @section for it alone). */
static gboolean
left_out (QueryContext *ctx,
          gint64        issue,
          guint         article_index,
          const char   *page,
          const char   *section)
{
  IssueInfo *info = lookup_issue (ctx, issue);

  return !bulletin_search_filter_keeps (ctx->filter, info->path, info->issue_id, info->date, page, section) ||
         (ctx->after != NULL && !ctx->descending &&
          !position_after (ctx->after, info->sort_key, info->path, article_index)) ||
         (ctx->after != NULL && ctx->descending &&
          !position_after_oldest (ctx->after, info->sort_key, info->path, article_index)) ||
         (ctx->hidden != NULL && info->path != NULL && g_hash_table_contains (ctx->hidden, info->path));
}

static void take_text (GByteArray   *bytes,
                       Candidate    *c,
                       sqlite3_stmt *row);
static int  read_text (QueryContext *ctx,
                       GByteArray   *bytes,
                       Candidate    *c);

/* A candidate's row, as take_candidate () reads it */
#define DOC_COLUMNS   "issue, article_index, article_id, headline, segs, text_len, text, sig, plain, page, section"
#define DOC_N_COLUMNS 11
/* the same with only what a counted result needs: a counted query's rows
 * streamed (SQLite copies every column of a row it gives, blobs included;
 * the text, its length and kind are read again for a result in detail,
 * read_text ()) */
#define DOC_LIGHT_COLUMNS "issue, article_index, article_id, headline, NULL, NULL, NULL, NULL, NULL, page, section"

/* A counted result beyond the details, with copies of its article id,
 * headline, page and section (the columns of DOC_COLUMNS) in its own
 * block: one allocation rather than five for each of the complete results
 * of a common word, and one free () */
static BulletinSearchResult *
result_new_inline (sqlite3_stmt *row)
{
  static const int columns[] = { 2, 3, 9, 10 };
  const char *text[G_N_ELEMENTS (columns)];
  gsize len[G_N_ELEMENTS (columns)], size = sizeof (BulletinSearchResult);
  BulletinSearchResult *r;
  char *p;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      text[i] = (const char *)sqlite3_column_text (row, columns[i]);
      len[i] = text[i] != NULL ? strlen (text[i]) : 0;  /* as g_strdup () copies */
      size += text[i] != NULL ? len[i] + 1 : 0;
    }
  r = g_malloc (size);
  memset (r, 0, sizeof *r);
  r->strings_inline = TRUE;
  p = (char *)(r + 1);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      char *copy = NULL;

      if (text[i] != NULL)
        {
          copy = memcpy (p, text[i], len[i]);
          copy[len[i]] = '\0';
          p += len[i] + 1;
        }
      switch (i)
        {
        case 0: r->article_id = copy; break;
        case 1: r->headline = copy; break;
        case 2: r->page = copy; break;
        default: r->section = copy; break;
        }
    }
  return r;
}

/* Takes the candidate's row, on which @row stands (the columns of
 * DOC_COLUMNS), into @c, its text and segments into @bytes; a row whose
 * signature lacks a triple of the query is missing (not a result) */
static void
take_candidate (QueryContext *ctx,
                GByteArray   *bytes,
                Candidate    *c,
                sqlite3_stmt *row)
{
  if (c->count == 0 && !sig_may_match (sqlite3_column_blob (row, 7), sqlite3_column_bytes (row, 7), ctx->sig_hashes))
    {
      c->missing = TRUE;  /* lacks a triple of the query: not a result */
      return;
    }
  c->issue = sqlite3_column_int64 (row, 0);
  c->article_index = sqlite3_column_int (row, 1);
  /* left out by the filter, before the page or hidden: not checked,
   * not counted */
  if ((ctx->filter != NULL || ctx->after != NULL || ctx->hidden != NULL) &&
      left_out (ctx, c->issue, c->article_index, (const char *)sqlite3_column_text (row, 9),
                (const char *)sqlite3_column_text (row, 10)))
    {
      c->missing = TRUE;
      return;
    }
  /* counted, not shown in detail: its text is not needed, and its
   * result is made now, its strings in its block */
  if (c->count > 0 && !c->details)
    {
      c->text_skipped = TRUE;
      c->result = result_new_inline (row);
      c->result->n_hits = c->count;
      return;
    }
  c->page = dup_column (row, 9);
  c->section = dup_column (row, 10);
  c->article_id = dup_column (row, 2);
  c->headline = dup_column (row, 3);
  c->text_len = sqlite3_column_int64 (row, 5);
  c->plain = sqlite3_column_int64 (row, 8);
  /* a row streamed without its text */
  if (ctx->light)
    {
      if (read_text (ctx, bytes, c) != SQLITE_OK)
        c->corrupt = TRUE;
      return;
    }
  take_text (bytes, c, row);
}

/* Takes the candidate's text and segments (columns of DOC_COLUMNS) into
 * @bytes */
static void
take_text (GByteArray   *bytes,
           Candidate    *c,
           sqlite3_stmt *row)
{
  c->text_skipped = FALSE;
  c->segs_at = bytes->len;
  c->segs_size = sqlite3_column_bytes (row, 4);
  if (c->segs_size > 0)
    g_byte_array_append (bytes, sqlite3_column_blob (row, 4), c->segs_size);
  c->text_len = sqlite3_column_int64 (row, 5);
  c->plain = sqlite3_column_int64 (row, 8);
  c->text_at = bytes->len;
  c->text_size = sqlite3_column_bytes (row, 6);
  if (c->text_size > 0)
    g_byte_array_append (bytes, sqlite3_column_blob (row, 6), c->text_size);
}

/* Reads the row of candidate @rowid into @c (take_candidate ()); a row
 * that is gone is missing */
static int
read_candidate (QueryContext *ctx,
                GByteArray   *bytes,
                Candidate    *c,
                gint64        rowid)
{
  sqlite3_stmt *doc = ctx->doc;
  int step;

  sqlite3_bind_int64 (doc, 1, rowid);
  step = sqlite3_step (doc);
  if (step == SQLITE_DONE)
    c->missing = TRUE;
  else if (step != SQLITE_ROW)
    {
      sqlite3_reset (doc);
      return step;
    }
  else
    take_candidate (ctx, bytes, c, doc);
  sqlite3_reset (doc);
  return SQLITE_OK;
}

/* Reads the text of counted candidate @c after all (it is among the
 * results shown in detail) */
static int
read_text (QueryContext *ctx,
           GByteArray   *bytes,
           Candidate    *c)
{
  sqlite3_stmt *doc = ctx->doc;
  int step;

  sqlite3_bind_int64 (doc, 1, c->rowid);
  step = sqlite3_step (doc);
  if (step == SQLITE_ROW)
    take_text (bytes, c, doc);
  sqlite3_reset (doc);
  return step == SQLITE_ROW ? SQLITE_OK : step == SQLITE_DONE ? SQLITE_CORRUPT : step;
}

/* A batch smaller than this is checked by the querying thread alone */
#define MIN_SHARED_BATCH 8

/* Empties @b for @n candidates, to be read: each cleared as it is
 * (candidate_start ()) */
static Candidate *
batch_reset (Batch *b,
             guint  n)
{
  g_array_set_size (b->items, n);
  g_byte_array_set_size (b->bytes, 0);
  return (Candidate *)b->items->data;
}

static inline void
candidate_start (Candidate *c,
                 gint64     rowid)
{
  memset (c, 0, sizeof *c);
  c->rowid = rowid;
}

/* Whether to give the details of a candidate read now, which may be
 * among the first max_details results: while the results taken, the
 * candidates of a batch being checked and @n_sure, the candidates read
 * before it in its own batch that are results for certain (counted by
 * the postings, not left out), are fewer (batch_finish () gives those
 * that are among them after all).  Without @n_sure, the complete results
 * of a common word gave the details of up to a whole batch more (about
 * 500 texts decompressed and folded twice for 300 details, for 了). */
static gboolean
may_detail (QueryContext *ctx,
            guint         n_sure)
{
  return ctx->max_details == 0 || ctx->results->results->len + ctx->pending_len + n_sure < ctx->max_details;
}

/* Starts checking the candidates of @b read so far: a helper thread
 * takes them one by one, as does the querying thread once it comes to
 * batch_finish () (two cores: decompressing and counting is most of the
 * cost of a query). */
static void
batch_start (QueryContext *ctx,
             Batch        *b)
{
  Share *share = g_atomic_rc_box_new0 (Share);

  g_mutex_init (&share->lock);
  g_cond_init (&share->cond);
  share->state = SHARE_QUEUED;
  share->items = (Candidate *)b->items->data;
  share->len = b->items->len;
  share->bytes = b->bytes->data;
  share->q = ctx->q;
  share->verifier = &ctx->verifiers[1];
  b->share = share;
  b->pushed = FALSE;
  /* also a batch of counted results alone, made as their rows were read,
   * with nothing to check: on a busy machine (load average 14-19 on two
   * cores) the complete results of 了 at full size took 330-460 ms
   * without the helper, 150-210 ms with it, for the same CPU time (measured
   * in turns; presumably as the querying thread waits for it now and
   * then, and the system then gives it the CPU sooner) */
  if (share->len >= MIN_SHARED_BATCH)
    {
      b->pushed = g_thread_pool_push (get_helper_pool (), g_atomic_rc_box_acquire (share), NULL);
      if (!b->pushed)
        g_atomic_rc_box_release_full (share, share_clear);
    }
}

/* Empties @b, no longer checked */
static void
batch_discard (Batch *b)
{
  for (guint i = 0; i < b->items->len; i++)
    candidate_clear (&g_array_index (b->items, Candidate, i));
  g_array_set_size (b->items, 0);
  if (b->share != NULL)
    g_atomic_rc_box_release_full (g_steal_pointer (&b->share), share_clear);
}

/* Checks the rest of @b's candidates, with the helper if it has started.
 * While the helper checks its last one, the candidates of @next (NULL
 * for none), started after @b, are checked: on a busy machine the helper
 * may be held up in the middle of one for a time slice. */
static void
batch_wait (QueryContext *ctx,
            Batch        *b,
            Batch        *next)
{
  Share *share = b->share;

  verify_share (share, &ctx->verifiers[0]);
  if (b->pushed && !g_atomic_int_compare_and_exchange (&share->state, SHARE_QUEUED, SHARE_CANCELLED))
    {
      while (!g_atomic_int_get (&share->done) && next != NULL)
        {
          guint i = g_atomic_int_add (&next->share->next, 1);

          if (i >= next->share->len)
            break;
          verify_one (&ctx->verifiers[0], next->share->q, next->share->bytes, &next->share->items[i]);
        }
      g_mutex_lock (&share->lock);
      while (!share->done)
        g_cond_wait (&share->cond, &share->lock);
      g_mutex_unlock (&share->lock);
    }
  b->pushed = FALSE;
}

/* Checks the rest of @b's candidates with the helper (batch_wait ()),
 * then takes the results in order.  Returns an SQLite code: SQLITE_ROW to
 * go on, SQLITE_DONE when the first screen is full, with @n_used the
 * candidates taken up to the one that filled it. */
static int
batch_finish (QueryContext *ctx,
              Batch        *b,
              Batch        *next,
              guint        *n_used)
{
  Share *share = b->share;
  Candidate *items = share->items;
  guint n = share->len;
  int rc = SQLITE_ROW;

  *n_used = n;
  batch_wait (ctx, b, next);

  for (guint i = 0; i < n; i++)
    {
      Candidate *c = &items[i];
      BulletinSearchResult *r;
      IssueInfo *info;

      /* oldest first, the page full: past the issue it ended in (whose
       * articles came last to first, and are all needed to sort them) */
      if (ctx->descending && c->rowid < ctx->floor)
        {
          *n_used = i;
          rc = SQLITE_DONE;
          break;
        }
      /* among the first max_details after all: checked again, in detail */
      if (!c->details && c->result != NULL && ctx->results->results->len < ctx->max_details)
        {
          if (c->result->strings_inline)
            {
              c->article_id = g_strdup (c->result->article_id);
              c->headline = g_strdup (c->result->headline);
              c->page = g_strdup (c->result->page);
              c->section = g_strdup (c->result->section);
            }
          g_clear_pointer (&c->result, bulletin_search_result_free);
          c->details = TRUE;
          if (c->text_skipped && read_text (ctx, b->bytes, c) != SQLITE_OK)
            c->corrupt = TRUE;
          else
            verify_one (&ctx->verifiers[0], ctx->q, b->bytes->data, c);
        }
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
      if (!r->strings_inline)
        {
          r->article_id = g_steal_pointer (&c->article_id);
          r->headline = g_steal_pointer (&c->headline);
          r->page = g_steal_pointer (&c->page);
          r->section = g_steal_pointer (&c->section);
        }
      info = lookup_issue (ctx, c->issue);
      /* shared with the issue's other results, not copied: a sixth of
       * the complete results of a common word went to copying them */
      r->issue_path = info->path != NULL ? g_ref_string_acquire (info->path) : g_ref_string_new ("");
      r->issue_id = issue_string_acquire (info->issue_id);
      r->issue_title = issue_string_acquire (info->title);
      r->issue_date = issue_string_acquire (info->date);
      r->sort_key = info->sort_key;

      ctx->results->n_hits += r->n_hits;
      g_ptr_array_add (ctx->results->results, r);

      if (ctx->descending)
        {
          if (ctx->max_results > 0 && ctx->results->results->len >= ctx->max_results &&
              ctx->floor == G_MININT64)
            ctx->floor = c->rowid - c->article_index;  /* the issue's first row */
        }
      else if ((ctx->max_hits > 0 && ctx->results->n_hits >= ctx->max_hits) ||
               (ctx->max_results > 0 && ctx->results->results->len >= ctx->max_results))
        {
          *n_used = i + 1;
          rc = SQLITE_DONE;
          break;
        }
    }
  batch_discard (b);
  return rc;
}

/* Reads the candidates @rowids into the first batch and checks them
 * (batch_finish ()) */
static int
verify_batch (QueryContext *ctx,
              const gint64 *rowids,
              guint         n,
              guint        *n_used)
{
  Batch *b = &ctx->batches[0];
  Candidate *items = batch_reset (b, n);
  int rc;

  for (guint i = 0; i < n; i++)
    {
      candidate_start (&items[i], rowids[i]);
      items[i].details = may_detail (ctx, 0);
      rc = read_candidate (ctx, b->bytes, &items[i], rowids[i]);
      if (rc != SQLITE_OK)
        {
          batch_discard (b);
          return rc;
        }
    }
  batch_start (ctx, b);
  return batch_finish (ctx, b, NULL, n_used);
}

/* A one-character query whose hits the postings do not count (with other
 * terms, or not Han) takes the lists of every bigram that starts with the
 * character: slow for a common character, whose hits are everywhere
 * anyway.  For the first
 * screen, the newest articles are checked directly first, as long as at
 * least a quarter of them hold it (checked from SCAN_FIRST_PROBE on): for a
 * rare character the direct check cost more than the index (bench-scale: 13-63
 * ms for the first screen of a character in under 4 % of the articles,
 * whose complete results took 1-88 ms).  The complete results of a
 * character in most articles check every article (bench-scale: 是, in
 * 99 % of them, took 780 ms through FTS5's candidates). */
#define SCAN_FIRST       200
#define SCAN_FIRST_PROBE 24

/* The candidates in result order: the postings' set (ctx->set) or every
 * article; by rowid when that is newest first, else sorted by issue.
 * Every article in rowid order comes as whole rows, *@stream (the
 * columns of DOC_COLUMNS, then the rowid), after the rowid ?1: one pass
 * through the table rather than a look-up for each, also for a set that
 * holds a good share of the articles (then filtered by it).  NULL: the
 * set itself, in rowid order, each row looked up.  Oldest first
 * (@descending, @ordered only) the same in descending rowid order, before
 * the rowid ?1.  A counted set that is @full, of all the rows but one in
 * FULL_SET_SHARE at most, is not asked of SQLite for each row. */
#define FULL_SET_SHARE 16
static const char *
candidates_sql (gboolean  have_set,
                gboolean  dense,
                gboolean  full,
                gboolean  counted,
                gboolean  ordered,
                gboolean  descending,
                gboolean *stream)
{
  *stream = ordered && (!have_set || dense);
  if (have_set && ordered && !dense)
    return NULL;
  /* oldest first (ordered only): before the rowid ?1, in descending
   * order; the set (?2) filters the rows as below */
  /* a set of nearly every row: filtered by source_next () alone (the
   * function costs every row more than SQLite making the few others) */
  if (descending && have_set && counted && full)
    return "SELECT " DOC_LIGHT_COLUMNS ", id FROM docs WHERE id < ?1 ORDER BY id DESC";
  if (descending && have_set && counted)
    return "SELECT " DOC_LIGHT_COLUMNS ", id FROM docs WHERE id < ?1 AND bulletin_in_set (?2, id) ORDER BY id DESC";
  if (descending && have_set)
    return "SELECT " DOC_COLUMNS ", id FROM docs WHERE id < ?1 AND bulletin_in_set (?2, id) ORDER BY id DESC";
  if (descending)
    return "SELECT " DOC_COLUMNS ", id FROM docs WHERE id < ?1 ORDER BY id DESC";
  /* the set (?2) filters the rows before SQLite makes their columns */
  if (ordered && have_set && counted && full)
    return "SELECT " DOC_LIGHT_COLUMNS ", id FROM docs WHERE id > ?1 ORDER BY id";
  if (ordered && have_set && counted)
    return "SELECT " DOC_LIGHT_COLUMNS ", id FROM docs WHERE id > ?1 AND bulletin_in_set (?2, id) ORDER BY id";
  if (ordered && have_set)
    return "SELECT " DOC_COLUMNS ", id FROM docs WHERE id > ?1 AND bulletin_in_set (?2, id) ORDER BY id";
  if (ordered)
    return "SELECT " DOC_COLUMNS ", id FROM docs WHERE id > ?1 ORDER BY id";
  if (have_set)
    return "SELECT d.id FROM docs d JOIN issues i ON i.id = d.issue WHERE bulletin_in_set (?2, d.id)"
           " ORDER BY i.sort_key DESC, i.path DESC, d.id";
  return "SELECT d.id FROM docs d JOIN issues i ON i.id = d.issue"
         " ORDER BY i.sort_key DESC, i.path DESC, d.id";
}

/* bulletin_in_set (SET, ROWID): whether the candidate set SET (bound as
 * a pointer) holds ROWID */
static void
in_set_func (sqlite3_context *context,
             int              argc,
             sqlite3_value  **argv)
{
  const CandidateSet *set = sqlite3_value_pointer (argv[0], "bulletin_candidate_set");
  gint64 rowid = sqlite3_value_int64 (argv[1]);

  sqlite3_result_int (context, set != NULL && rowid >= set->base && rowid - set->base < set->n &&
                               set->counts[rowid - set->base] != 0);
}

/* The next candidate: of @candidates (the rows of candidates_sql ()),
 * those in the set when there is one; or, without @candidates, the set's
 * in rowid order (descending oldest first).  SQLITE_ROW with its @rowid and its @count in the set
 * (0 without one), SQLITE_DONE at the end, or an error. */
static int
source_next (QueryContext *ctx,
             sqlite3_stmt *candidates,
             gboolean      stream,
             gint64       *rowid,
             guint32      *count)
{
  CandidateSet *set = ctx->set;

  if (candidates == NULL && ctx->descending)
    {
      while (ctx->set_next >= 0 && set->counts[ctx->set_next] == 0)
        ctx->set_next--;
      if (ctx->set_next < 0)
        return SQLITE_DONE;
      *rowid = set->base + ctx->set_next;
      *count = set->counts[ctx->set_next--];
      return SQLITE_ROW;
    }
  if (candidates == NULL)
    {
      while (ctx->set_next < set->n && set->counts[ctx->set_next] == 0)
        ctx->set_next++;
      if (ctx->set_next >= set->n)
        return SQLITE_DONE;
      *rowid = set->base + ctx->set_next;
      *count = set->counts[ctx->set_next++];
      return SQLITE_ROW;
    }
  for (;;)
    {
      int rc = sqlite3_step (candidates);

      if (rc != SQLITE_ROW)
        return rc;
      *rowid = sqlite3_column_int64 (candidates, stream ? DOC_N_COLUMNS : 0);
      *count = 0;
      if (set == NULL)
        return SQLITE_ROW;
      if (*rowid >= set->base && *rowid - set->base < set->n && set->counts[*rowid - set->base] != 0)
        {
          *count = set->counts[*rowid - set->base];
          return SQLITE_ROW;
        }
    }
}

/* Whether the index can answer: it is complete, or being built (then the
 * results say they are partial); not when its building stopped */
static gboolean
index_usable (BulletinSearchIndex   *self,
              BulletinSearchResults *results)
{
  gint64 complete = 0;

  index_query_int64 (self->query_db, "SELECT value FROM meta WHERE key = 'complete'", &complete);
  results->partial = complete != 1 || bulletin_search_index_get_building (self);
  return complete == 1 || bulletin_search_index_get_building (self) || writer_active (self);
}

/* The issues that could not be read are not searched: say so */
static int
list_unreadable (QueryContext *ctx)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (ctx->self->query_db, "SELECT path, error FROM issues WHERE error IS NOT NULL"
                           " ORDER BY path DESC", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (ctx->results->unreadable, unreadable_line ((const char *)sqlite3_column_text (stmt, 0),
                                                                  (const char *)sqlite3_column_text (stmt, 1)));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The folded UTF-8 of the query's term when it has one, to find, of CJK
 * characters alone: plain texts count its hits without folding */
static const char *
plain_term (const BulletinSearchQuery *q,
            gint64                    *mask)
{
  guint n = 0;
  gboolean negative = FALSE;
  const gunichar *chars;

  if (bulletin_search_query_get_n_terms (q) != 1)
    return NULL;
  chars = bulletin_search_query_get_term (q, 0, &n, &negative);
  if (negative || n == 0)
    return NULL;
  *mask = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!bulletin_unichar_is_cjk (chars[i]))
        return NULL;
      *mask |= plain_bit (chars[i]);
    }
  return bulletin_search_query_get_term_folded (q, 0);
}

/* The length of the shortest term to find, in characters */
static guint
shortest_term (const BulletinSearchQuery *q)
{
  guint n_chars = 0;

  for (guint i = 0; i < bulletin_search_query_get_n_terms (q); i++)
    {
      guint n = 0;
      gboolean negative = FALSE;

      bulletin_search_query_get_term (q, i, &n, &negative);
      if (!negative && (n_chars == 0 || n < n_chars))
        n_chars = n;
    }
  return n_chars;
}

/* The next batch size: growing, since the first screen may be full early */
#define MAX_BATCH     256
#define MAX_BATCH_ALL 1024
static guint
next_batch_size (QueryContext *ctx)
{
  guint size = ctx->batch_size;

  /* the complete results: fewer batches, fewer times that one thread
   * waits for the other */
  ctx->batch_size = MIN (2 * ctx->batch_size, ctx->max_hits == 0 ? MAX_BATCH_ALL : MAX_BATCH);
  return size;
}

/* The first screen of a one-character query: the newest SCAN_FIRST
 * articles checked directly (see above).  *@finished when that answered
 * the query; otherwise the search goes on after *@scanned_upto, through
 * every article when *@everywhere (at least three quarters of the newest
 * hold the character: the postings' list of them would be as long),
 * else through the postings' candidates. */
static int
check_newest_first (QueryContext *ctx,
                    gint64       *scanned_upto,
                    gboolean     *finished,
                    gboolean     *everywhere)
{
  GArray *rowids = ctx->rowids;
  sqlite3_stmt *scan = NULL;
  guint n, n_used = 0, len;
  int rc;

  rc = sqlite3_prepare_v2 (ctx->self->query_db,
                           ctx->descending ? "SELECT id FROM docs WHERE id < ?2 ORDER BY id DESC LIMIT ?1"
                                           : "SELECT id FROM docs WHERE id > ?2 ORDER BY id LIMIT ?1",
                           -1, &scan, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int (scan, 1, SCAN_FIRST);
  sqlite3_bind_int64 (scan, 2, *scanned_upto);  /* a page: after its start */
  g_array_set_size (rowids, 0);
  while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (scan, 0);

      g_array_append_val (rowids, rowid);
      *scanned_upto = rowid;
    }
  sqlite3_finalize (scan);
  if (rc != SQLITE_DONE)
    return rc;
  n = rowids->len;

  for (guint done = 0; done < n; done += len)
    {
      guint size = next_batch_size (ctx);  /* once: MIN () would call it twice */

      len = MIN (size, n - done);
      rc = verify_batch (ctx, &g_array_index (rowids, gint64, done), len, &n_used);
      if (rc == SQLITE_DONE)
        {
          /* the first screen is full: is there more? */
          ctx->results->complete = n < SCAN_FIRST && done + n_used == n;
          *finished = TRUE;
          return SQLITE_OK;
        }
      if (rc != SQLITE_ROW)
        return rc;
      /* a rarer character (hits in under a quarter of the articles
       * checked): the postings find the rest of its screen faster than checking
       * every one of the newest articles would */
      if (done + len >= SCAN_FIRST_PROBE && done + len < n &&
          ctx->results->results->len * 4 < done + len)
        {
          *scanned_upto = g_array_index (rowids, gint64, done + len - 1);
          return SQLITE_OK;
        }
    }
  /* every article checked */
  *finished = n < SCAN_FIRST;
  *everywhere = ctx->results->results->len * 4 >= n * 3;
  return SQLITE_OK;
}

/* Reads the next candidates of @candidates after @scanned_upto into @b,
 * up to @size of them: rowids whose rows are read one by one, or, when
 * @stream, the rows themselves (DOC_COLUMNS, then the rowid).  Returns
 * SQLITE_ROW when there may be more, SQLITE_DONE when none is left, or an
 * error. */
static int
batch_read (QueryContext *ctx,
            Batch        *b,
            sqlite3_stmt *candidates,
            gboolean      stream,
            gint64        scanned_upto,
            guint         size)
{
  Candidate *items = batch_reset (b, size);
  guint n = 0, n_sure = 0;
  int rc = SQLITE_ROW;

  gint64 rowid;
  guint32 count;

  while (n < size && (rc = source_next (ctx, candidates, stream, &rowid, &count)) == SQLITE_ROW)
    {
      Candidate *c = &items[n];

      if (ctx->descending ? rowid >= scanned_upto : rowid <= scanned_upto)
        continue;
      candidate_start (c, rowid);
      c->count = ctx->counted ? count : 0;
      c->details = may_detail (ctx, n_sure);
      if (stream)
        take_candidate (ctx, b->bytes, c, candidates);
      else if ((rc = read_candidate (ctx, b->bytes, c, rowid)) != SQLITE_OK)
        break;
      n_sure += c->count > 0 && !c->missing;
      n++;
      /* oldest first, the page full: the first candidate past the issue
       * it ends in is the last needed (batch_finish () stops there, and
       * the page is not the last), rather than a whole batch more */
      if (ctx->descending && rowid < ctx->floor)
        break;
    }
  g_array_set_size (b->items, n);
  if (rc == SQLITE_OK)
    rc = SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    batch_discard (b);
  return rc;
}

/* Checks the candidates of @sql after @scanned_upto, in batches, until
 * the first screen is full or none is left.  For the complete results
 * (no max_hits) the querying thread reads a batch's rows while the
 * helper checks the batch before (reading them is about a fifth of the
 * work); for the first screen a batch is read only when the one before
 * did not fill it. */
static int
check_candidates (QueryContext  *ctx,
                  const char    *sql,
                  gboolean       stream,
                  gint64         scanned_upto,
                  GCancellable  *cancellable,
                  GError       **error)
{
  sqlite3_stmt *candidates = NULL;
  Batch *pending = NULL;  /* started, not finished */
  gboolean pipelined = ctx->max_hits == 0;
  guint n_used = 0, k = 0;
  int rc = SQLITE_OK;

  if (sql != NULL)
    rc = sqlite3_prepare_v2 (ctx->self->query_db, sql, -1, &candidates, NULL);
  if (rc != SQLITE_OK)
    return rc;
  if (stream)
    sqlite3_bind_int64 (candidates, 1, scanned_upto);
  if (candidates != NULL && ctx->set != NULL && sqlite3_bind_parameter_count (candidates) >= 2)
    sqlite3_bind_pointer (candidates, 2, ctx->set, "bulletin_candidate_set", NULL);
  /* the set itself: from the page's start on, backwards oldest first */
  if (sql == NULL && ctx->descending)
    ctx->set_next = scanned_upto > ctx->set->base + ctx->set->n ? ctx->set->n - 1 :
                    scanned_upto > ctx->set->base ? scanned_upto - ctx->set->base - 1 : -1;
  else if (sql == NULL)
    ctx->set_next = scanned_upto >= ctx->set->base ? scanned_upto - ctx->set->base + 1 : 0;

  for (;; k ^= 1)
    {
      Batch *b = &ctx->batches[k];
      guint size = next_batch_size (ctx), n;
      int read;

      read = batch_read (ctx, b, candidates, stream, scanned_upto, size);
      if ((read == SQLITE_ROW || read == SQLITE_DONE) &&
          g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          batch_discard (b);
          read = SQLITE_ABORT;
        }
      n = read == SQLITE_ROW || read == SQLITE_DONE ? b->items->len : 0;
      /* queued for the helper behind the batch before, whose results
       * are taken meanwhile */
      if (n > 0)
        batch_start (ctx, b);
      if (pending != NULL)
        {
          rc = batch_finish (ctx, pending, n > 0 ? b : NULL, &n_used);
          pending = NULL;
          ctx->pending_len = 0;
          if (rc != SQLITE_ROW)
            {
              if (n > 0)
                batch_wait (ctx, b, NULL);
              batch_discard (b);
              break;
            }
        }
      if (read != SQLITE_ROW && read != SQLITE_DONE)
        {
          rc = read;
          break;
        }
      rc = SQLITE_OK;
      if (n == 0)
        break;
      if (pipelined && read == SQLITE_ROW)
        {
          pending = b;
          ctx->pending_len = n;
          continue;
        }

      rc = batch_finish (ctx, b, NULL, &n_used);
      if (rc == SQLITE_DONE)
        {
          /* the first screen is full: is there more? */
          rc = SQLITE_OK;
          if (n_used < n)
            ctx->results->complete = FALSE;
          else if (read == SQLITE_DONE)
            ctx->results->complete = TRUE;
          else
            {
              gint64 rowid;
              guint32 count;

              rc = source_next (ctx, candidates, stream, &rowid, &count);
              ctx->results->complete = rc == SQLITE_DONE;
              rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
            }
          break;
        }
      if (rc != SQLITE_ROW)
        break;
      rc = SQLITE_OK;
      if (read == SQLITE_DONE)
        break;
    }
  sqlite3_finalize (candidates);
  return rc;
}

/* A page of results: those after @after (NULL: from the first), at most
 * @max_results (0: all), none of an issue in @hidden (NULL: none) */
typedef struct {
  const BulletinSearchResult *after;
  guint                       max_results;
  GHashTable                 *hidden;
  gboolean                    oldest;  /* oldest first (else newest) */
} QueryPage;

/* The rowid that @sql (?1 the issue's path, ?2 the article's index)
 * gives for the page after @after, @fallback when its issue is gone */
static gint64
page_rowid (BulletinSearchIndex        *self,
            const BulletinSearchResult *after,
            const char                 *sql,
            gint64                      fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64 rowid = fallback;

  if (sqlite3_prepare_v2 (self->query_db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return rowid;
  sqlite3_bind_text (stmt, 1, after->issue_path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, after->article_index);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return rowid;
}

/* Where a page starts in rowid order, when that is result order: after
 * the row of its @after article, or G_MININT64 when it is gone (then each
 * candidate's position is compared instead) */
static gint64
page_start (BulletinSearchIndex        *self,
            const BulletinSearchResult *after)
{
  return page_rowid (self, after, "SELECT first_doc + ?2 FROM issues WHERE path = ?1 AND n_docs > ?2",
                     G_MININT64);
}

/* Where a page oldest first starts in descending rowid order, when
 * ascending is newest first: before the row after the last of its
 * @after article's issue (the articles of that issue after it come
 * before it in that order), or G_MAXINT64 when it is gone (then each
 * candidate's position is compared instead) */
static gint64
page_end (BulletinSearchIndex        *self,
          const BulletinSearchResult *after)
{
  return page_rowid (self, after, "SELECT first_doc + n_docs FROM issues WHERE path = ?1 AND n_docs > ?2",
                     G_MAXINT64);
}

static BulletinSearchResults *
query_db (BulletinSearchIndex  *self,
          const char           *query,
          const BulletinSearchFilter *filter,
          guint                 max_hits,
          guint                 max_details,
          const QueryPage      *page,
          GCancellable         *cancellable,
          gboolean             *stopped,
          int                  *rc_out,
          GError              **error)
{
  g_autoptr(BulletinSearchResults) results = results_new ();
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  g_autoptr(GHashTable) issues = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify)issue_info_free);
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) terms = NULL;
  g_autoptr(GArray) sig_hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  CandidateSet set = { 0 };
  gboolean counted = FALSE;
  QueryContext ctx = {
    .self = self, .results = results, .q = q, .filter = filter, .max_hits = max_hits, .max_details = max_details,
    .issues = issues, .rowids = rowids, .sig_hashes = sig_hashes,
    .batch_size = MIN_SHARED_BATCH,
    .after = page != NULL ? page->after : NULL, .max_results = page != NULL ? page->max_results : 0,
    .hidden = page != NULL && page->hidden != NULL && g_hash_table_size (page->hidden) > 0 ? page->hidden : NULL,
    .descending = page != NULL && page->oldest, .floor = G_MININT64,
  };
  gint64 scanned_upto = G_MININT64;
  gboolean ordered, finished = FALSE, everywhere = FALSE, stream = FALSE;
  const char *sql;
  int rc;

  if (bulletin_search_query_is_empty (q))
    {
      *rc_out = SQLITE_OK;
      return g_steal_pointer (&results);
    }
  batch_init (&ctx.batches[0], self->query_cache, 0);
  batch_init (&ctx.batches[1], self->query_cache, 1);

  ordered = check_ordered (self);
  rc = index_exec (self->query_db, "BEGIN");
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db,
                             "SELECT " DOC_COLUMNS " FROM docs WHERE id = ?", -1, &ctx.doc, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db,
                             "SELECT path, issue_id, title, date, sort_key FROM issues WHERE id = ?",
                             -1, &ctx.issue_stmt, NULL);
  if (rc == SQLITE_OK && !index_usable (self, results))
    {
      /* building it stopped (a full disk, an error, a kill): the files
       * are read instead */
      *stopped = TRUE;
      goto out;
    }
  if (rc == SQLITE_OK)
    {
      /* in the transaction, which has read: data_version is its own */
      ctx.verifiers = query_cache_get (self);
      ctx.issues = ((QueryCache *)self->query_cache)->issues;
      terms = index_query_terms (q, &((QueryCache *)self->query_cache)->sets.bigrams,
                                 &((QueryCache *)self->query_cache)->sets.trigrams,
                                 &((QueryCache *)self->query_cache)->sets.quadgrams);
      g_array_unref (sig_hashes);
      ctx.sig_hashes = sig_hashes = sig_query_hashes (q, &((QueryCache *)self->query_cache)->sets.bigrams,
                                                      &((QueryCache *)self->query_cache)->sets.sig_buckets);
      counted = terms != NULL && index_query_counted (q, &((QueryCache *)self->query_cache)->sets.bigrams,
                                                      &((QueryCache *)self->query_cache)->sets.trigrams,
                                 &((QueryCache *)self->query_cache)->sets.quadgrams);
      ctx.verifiers[0].plain_term = ctx.verifiers[1].plain_term = plain_term (q, &ctx.verifiers[0].plain_mask);
      ctx.verifiers[1].plain_mask = ctx.verifiers[0].plain_mask;
      ctx.verifiers[0].plain_term_len = ctx.verifiers[1].plain_term_len =
        ctx.verifiers[0].plain_term != NULL ? strlen (ctx.verifiers[0].plain_term) : 0;
    }
  if (rc == SQLITE_OK)
    rc = list_unreadable (&ctx);
  /* oldest first walks the candidates from the oldest issue, in
   * descending rowid order; an index whose rowids are not in issue order
   * gives every result, sorted and paged by the caller */
  if (ctx.descending && !ordered)
    {
      ctx.descending = FALSE;
      ctx.after = NULL;
      ctx.max_results = 0;
      ctx.max_hits = 0;
    }
  if (ctx.descending)
    scanned_upto = ctx.after != NULL ? page_end (self, ctx.after) : G_MAXINT64;
  else if (rc == SQLITE_OK && ordered && ctx.after != NULL)
    scanned_upto = page_start (self, ctx.after);
  /* a one-character query: the newest articles checked directly first;
   * for one whose hits the postings count, only for a first screen (the
   * lists of every term that starts with a character in most articles
   * are long: 36 ms for 了 at the full size of bench-scale), and its
   * other candidates come from the postings all the same */
  if (rc == SQLITE_OK && ordered && terms != NULL && shortest_term (q) == 1 &&
      (!counted || (max_hits > 0 && max_hits < G_MAXUINT && ctx.after == NULL)))
    rc = check_newest_first (&ctx, &scanned_upto, &finished, &everywhere);
  if (counted)
    everywhere = FALSE;
  if (rc == SQLITE_OK && !finished && everywhere)
    {
      sql = candidates_sql (FALSE, FALSE, FALSE, FALSE, ordered, ctx.descending, &stream);
      rc = check_candidates (&ctx, sql, stream, scanned_upto, cancellable, error);
    }
  else if (rc == SQLITE_OK && !finished)
    {
      gboolean dense = FALSE, full = FALSE;

      if (terms != NULL)
        {
          gint64 lo = 0, hi = -1;

          if (index_query_int64 (self->query_db, "SELECT min(id) FROM docs", &lo))
            index_query_int64 (self->query_db, "SELECT max(id) FROM docs", &hi);
          rc = candidate_set_read (&set, self->query_db, (IndexTerm *)terms->data, terms->len, lo, hi - lo + 1);
          ctx.set = &set;
          ctx.counted = counted;
          /* a quarter of the articles or more: read in one pass */
          dense = set.n_candidates * 4 >= set.n;
          full = set.n_candidates * FULL_SET_SHARE >= set.n * (FULL_SET_SHARE - 1);
        }
      sql = candidates_sql (terms != NULL, dense, full, counted, ordered, ctx.descending, &stream);
      ctx.light = stream && terms != NULL && counted;
      if (rc == SQLITE_OK)
        rc = check_candidates (&ctx, sql, stream, scanned_upto, cancellable, error);
    }

out:
  candidate_set_clear (&set);
  batch_clear (&ctx.batches[0], self->query_cache, 0);
  batch_clear (&ctx.batches[1], self->query_cache, 1);
  sqlite3_finalize (ctx.doc);
  sqlite3_finalize (ctx.issue_stmt);
  index_exec (self->query_db, "COMMIT");
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
 * Searches the index: candidates from the postings, each checked against its text
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
             const BulletinSearchFilter *filter,
             guint                 max_hits,
             guint                 max_details,
             const QueryPage      *page,
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
          query_cache_clear (self);
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
            index_exec (self->query_db, "PRAGMA mmap_size = 1073741824");
          if (self->query_db != NULL)
            sqlite3_create_function_v2 (self->query_db, "bulletin_in_set", 2, SQLITE_UTF8,
                                        NULL, in_set_func, NULL, NULL, NULL);
        }
      if (self->query_db == NULL || !index_trusted (self))
        break;

      results = query_db (self, query, filter, max_hits, max_details, page, cancellable, &stopped, &rc,
                          &local_error);
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

/*
 * query_any:
 * @max_details: give hit offsets and a snippet for this many results (the
 *   ones shown); the others only count their hits.  0 for all.
 *
 * With a current shared index beside the archive (`bulletin-reader
 * --index`), the issues it covers are answered from it, opened read-only
 * and immutable, and the rest from this index; one list, no duplicates.
 */
static BulletinSearchResults *
query_any (BulletinSearchIndex        *self,
           const char                 *query,
           const BulletinSearchFilter *filter,
           guint                       max_hits,
           guint                       max_details,
           const QueryPage            *page,
           GCancellable               *cancellable,
           GError                    **error)
{
  g_autoptr(BulletinSearchIndex) shared = NULL;
  g_autoptr(BulletinSearchResults) own = NULL;
  BulletinSearchResults *results;
  gboolean usable = FALSE;

  if (!check_query (query, error))
    return NULL;
  shared = dup_shared (self);
  /* the shared side's results merge newest first: oldest first, every
   * result is found, and the caller sorts and pages them */
  if (shared != NULL && page != NULL && page->oldest)
    {
      page = NULL;
      max_hits = max_details = 0;
    }
  own = query_index (self, query, filter, max_hits, max_details, page, cancellable, &usable, error);
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
      QueryPage their_page = { 0 };

      /* hidden results take room in the shared side's first screen; a
       * page leaves them out before counting */
      if (page != NULL)
        {
          their_page = *page;
          their_page.hidden = hidden;
        }
      theirs = query_index (shared, query, filter, max_hits, max_details > 0 ? max_details + n_hidden : 0,
                            page != NULL ? &their_page : NULL, cancellable, &usable, &local_error);
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
      results = query_index (shared, query, filter, max_hits, max_details, page, cancellable, &usable, NULL);
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

/* Gives the first @n_details (0: all) of @results that were only counted
 * their hits and snippet, in the index's own query connection; FALSE when
 * it cannot (no usable index, an error, or an index changed since the
 * results were counted: a row gone, or other hits) and the caller finds
 * them again */
static gboolean
detail_results (BulletinSearchIndex   *self,
                const char            *query,
                BulletinSearchResults *results,
                guint                  n_details)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(BulletinSearchQuery) q = NULL;
  g_autoptr(GHashTable) issues = NULL;
  g_autoptr(GArray) sig_hashes = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  sqlite3_stmt *rowid_stmt = NULL;
  QueryContext ctx = { 0 };
  gboolean ok = TRUE, any = FALSE;
  int rc;

  if (n_details == 0 || n_details > results->results->len)
    n_details = results->results->len;
  for (guint i = 0; i < n_details && !any; i++)
    any = ((BulletinSearchResult *)g_ptr_array_index (results->results, i))->hits == NULL;
  if (!any)
    return TRUE;

  locker = g_mutex_locker_new (&self->query_lock);
  if (self->query_db == NULL || !index_trusted (self))
    return FALSE;
  q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  issues = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)issue_info_free);
  bytes = g_byte_array_new ();
  ctx.self = self;
  ctx.q = q;
  ctx.issues = issues;
  ctx.floor = G_MININT64;

  rc = index_exec (self->query_db, "BEGIN");
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db, "SELECT " DOC_COLUMNS " FROM docs WHERE id = ?", -1, &ctx.doc, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db,
                             "SELECT path, issue_id, title, date, sort_key FROM issues WHERE id = ?",
                             -1, &ctx.issue_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->query_db,
                             "SELECT first_doc + ?2 FROM issues WHERE path = ?1 AND n_docs > ?2",
                             -1, &rowid_stmt, NULL);
  if (rc == SQLITE_OK)
    {
      ctx.verifiers = query_cache_get (self);
      ctx.issues = ((QueryCache *)self->query_cache)->issues;
      sig_hashes = sig_query_hashes (q, &((QueryCache *)self->query_cache)->sets.bigrams,
                                     &((QueryCache *)self->query_cache)->sets.sig_buckets);
      ctx.sig_hashes = sig_hashes;
      ctx.verifiers[0].plain_term = plain_term (q, &ctx.verifiers[0].plain_mask);
      ctx.verifiers[0].plain_term_len =
        ctx.verifiers[0].plain_term != NULL ? strlen (ctx.verifiers[0].plain_term) : 0;
    }
  ok = rc == SQLITE_OK;

  for (guint i = 0; ok && i < n_details; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (results->results, i);
      Candidate c = { 0 };

      if (r->hits != NULL)
        continue;
      sqlite3_bind_text (rowid_stmt, 1, r->issue_path, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (rowid_stmt, 2, r->article_index);
      if (sqlite3_step (rowid_stmt) == SQLITE_ROW)
        c.rowid = sqlite3_column_int64 (rowid_stmt, 0);
      else
        ok = FALSE;
      sqlite3_reset (rowid_stmt);
      g_byte_array_set_size (bytes, 0);
      c.details = TRUE;
      if (ok && read_candidate (&ctx, bytes, &c, c.rowid) != SQLITE_OK)
        ok = FALSE;
      if (ok)
        verify_one (&ctx.verifiers[0], q, bytes->data, &c);
      if (ok && c.result != NULL && !c.corrupt && c.result->n_hits == r->n_hits &&
          c.article_index == r->article_index)
        {
          r->hits = g_steal_pointer (&c.result->hits);
          r->snippet = g_steal_pointer (&c.result->snippet);
          r->snippet_hit_start = c.result->snippet_hit_start;
          r->snippet_hit_end = c.result->snippet_hit_end;
          /* a row of the sorted counts: the rest too */
          if (r->article_id == NULL)
            {
              IssueInfo *info = lookup_issue (&ctx, c.issue);

              r->article_id = g_steal_pointer (&c.article_id);
              r->headline = g_steal_pointer (&c.headline);
              r->page = g_steal_pointer (&c.page);
              r->section = g_steal_pointer (&c.section);
              r->issue_id = issue_string_acquire (info->issue_id);
              r->issue_title = issue_string_acquire (info->title);
              r->issue_date = issue_string_acquire (info->date);
            }
        }
      else
        ok = FALSE;
      candidate_clear (&c);
    }

  sqlite3_finalize (rowid_stmt);
  sqlite3_finalize (ctx.doc);
  sqlite3_finalize (ctx.issue_stmt);
  index_exec (self->query_db, "COMMIT");
  return ok;
}

/* The counts of the last query in most-hits order, sorted, kept with the
 * index (its object data): the pages that the list asks for as it is
 * scrolled take their rows from them and check only those, in detail,
 * rather than counting every result again.  Valid while no other
 * connection has written to the index (PRAGMA data_version). */
typedef struct {
  const char *path;          /* in the cache's paths */
  gint64      sort_key;
  guint       article_index;
  guint       n_hits;
} SortedRow;

typedef struct {
  char         *key;         /* the query and the filter */
  sqlite3      *db;
  gint64        version;
  GArray       *rows;        /* SortedRow, most hits first */
  GStringChunk *paths;
  GPtrArray    *unreadable;
  gboolean      partial;
} SortedCache;

static void
sorted_cache_free (gpointer data)
{
  SortedCache *cache = data;

  g_free (cache->key);
  g_array_unref (cache->rows);
  g_string_chunk_free (cache->paths);
  g_ptr_array_unref (cache->unreadable);
  g_free (cache);
}

static GQuark
sorted_cache_quark (void)
{
  return g_quark_from_static_string ("bulletin-search-index-sorted-cache");
}

static char *
sorted_key (const char                 *query,
            const BulletinSearchFilter *filter)
{
  /* \x1e for an absent field, \x1f between them */
  return g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d", query,
                          filter->date_from != NULL ? filter->date_from : "\x1e",
                          filter->date_to != NULL ? filter->date_to : "\x1e",
                          filter->issue != NULL ? filter->issue : "\x1e",
                          filter->page != NULL ? filter->page : "\x1e",
                          filter->section != NULL ? filter->section : "\x1e",
                          (int)filter->order);
}

/* The query connection's data version, under the query lock; -1 when
 * there is no usable index */
static gint64
sorted_version (BulletinSearchIndex  *self,
                sqlite3             **db)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->query_lock);
  gint64 version = -1;

  *db = self->query_db;
  if (self->query_db == NULL || !index_query_int64 (self->query_db, "PRAGMA data_version", &version))
    return -1;
  return version;
}

/* compare_results_hits () of a row and a result */
static int
compare_row_hits (const SortedRow            *a,
                  const BulletinSearchResult *b)
{
  int c;

  if (a->n_hits != b->n_hits)
    return a->n_hits > b->n_hits ? -1 : 1;
  if (a->sort_key != b->sort_key)
    return a->sort_key > b->sort_key ? -1 : 1;
  c = strcmp (a->path, b->issue_path);
  if (c != 0)
    return -c;
  return a->article_index < b->article_index ? -1 : a->article_index > b->article_index;
}

/* Keeps the counts of @results (complete, sorted most hits first) */
static void
sorted_cache_store (BulletinSearchIndex         *self,
                    char                        *key,
                    sqlite3                     *db,
                    gint64                       version,
                    const BulletinSearchResults *results)
{
  SortedCache *cache = g_new0 (SortedCache, 1);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->query_lock);

  cache->key = key;
  cache->db = db;
  cache->version = version;
  cache->rows = g_array_sized_new (FALSE, FALSE, sizeof (SortedRow), results->results->len);
  cache->paths = g_string_chunk_new (4096);
  cache->unreadable = g_ptr_array_new_with_free_func (g_free);
  cache->partial = results->partial;
  for (guint i = 0; i < results->results->len; i++)
    {
      const BulletinSearchResult *r = g_ptr_array_index (results->results, i);
      SortedRow row = {
        g_string_chunk_insert_const (cache->paths, r->issue_path), r->sort_key, r->article_index, r->n_hits
      };

      g_array_append_val (cache->rows, row);
    }
  for (guint i = 0; i < results->unreadable->len; i++)
    g_ptr_array_add (cache->unreadable, g_strdup (g_ptr_array_index (results->unreadable, i)));
  g_object_set_qdata_full (G_OBJECT (self), sorted_cache_quark (), cache, sorted_cache_free);
}

/* A page of the sorted counts kept for @key, its rows not in detail yet;
 * NULL when none is kept for it, or the index changed since */
static BulletinSearchResults *
sorted_cache_page (BulletinSearchIndex        *self,
                   const char                 *key,
                   const BulletinSearchResult *after,
                   guint                       max_results)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->query_lock);
  SortedCache *cache = g_object_get_qdata (G_OBJECT (self), sorted_cache_quark ());
  BulletinSearchResults *results;
  gint64 version = -1;
  guint lo = 0, hi, n;

  if (cache == NULL || strcmp (cache->key, key) != 0 || self->query_db == NULL || cache->db != self->query_db ||
      !index_query_int64 (self->query_db, "PRAGMA data_version", &version) || version != cache->version)
    return NULL;
  /* the first row after @after */
  hi = cache->rows->len;
  while (after != NULL && lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_row_hits (&g_array_index (cache->rows, SortedRow, mid), after) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  n = cache->rows->len - lo;
  if (max_results > 0)
    n = MIN (n, max_results);

  results = results_new ();
  results->partial = cache->partial;
  results->complete = lo + n == cache->rows->len;
  for (guint i = lo; i < lo + n; i++)
    {
      const SortedRow *row = &g_array_index (cache->rows, SortedRow, i);
      BulletinSearchResult *r = g_new0 (BulletinSearchResult, 1);

      r->issue_path = issue_string_new (row->path);
      r->sort_key = row->sort_key;
      r->article_index = row->article_index;
      r->n_hits = row->n_hits;
      results->n_hits += r->n_hits;
      g_ptr_array_add (results->results, r);
    }
  for (guint i = 0; i < cache->unreadable->len; i++)
    g_ptr_array_add (results->unreadable, g_strdup (g_ptr_array_index (cache->unreadable, i)));
  return results;
}

/* Another order than newest first, from the index alone: every result
 * counted without its details (offsets and snippet), sorted, the results
 * from @after (NULL: the first), at most @max_results (0: all), and the
 * first @n_details of them (0: all) given in detail; NULL with no error
 * when the index cannot do so (a shared index beside it, or one changed
 * meanwhile) */
static BulletinSearchResults *
query_sorted (BulletinSearchIndex        *self,
              const char                 *query,
              const BulletinSearchFilter *filter,
              const BulletinSearchResult *after,
              guint                       max_results,
              guint                       n_details,
              GCancellable               *cancellable,
              GError                    **error)
{
  g_autoptr(BulletinSearchIndex) shared = dup_shared (self);
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autofree char *key = NULL;
  sqlite3 *db = NULL, *db_after = NULL;
  gint64 version;

  if (shared != NULL)
    return NULL;
  /* most hits: the counts kept from the query before, when it was the
   * same (the complete query, then its pages), for a page whose rows are
   * all given in detail (the kept rows have their counts alone) */
  if (filter->order == BULLETIN_SEARCH_ORDER_HITS)
    key = sorted_key (query, filter);
  if (key != NULL && n_details == 0)
    {
      results = sorted_cache_page (self, key, after, max_results);
      if (results != NULL && detail_results (self, query, results, 0))
        return g_steal_pointer (&results);
      g_clear_pointer (&results, bulletin_search_results_free);
    }
  version = sorted_version (self, &db);
  /* one result in detail: 0 would give them all */
  results = query_any (self, query, filter, 0, 1, NULL, cancellable, error);
  if (results == NULL)
    return NULL;
  bulletin_search_results_apply_filter (results, filter);
  /* kept when no other connection wrote meanwhile, and the index
   * answered (not the scan of the files) */
  if (key != NULL && version != -1 && !results->scanned && sorted_version (self, &db_after) == version &&
      db_after == db)
    sorted_cache_store (self, g_steal_pointer (&key), db, version, results);
  if (after != NULL || max_results > 0)
    results_slice (results, after, filter->order, max_results);
  if (!detail_results (self, query, results, n_details))
    return NULL;
  return g_steal_pointer (&results);
}

/**
 * bulletin_search_index_query_full:
 * @max_details: give hit offsets and a snippet for this many results (the
 *   ones shown); the others only count their hits.  0 for all.
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
  return bulletin_search_index_query_filtered (self, query, NULL, max_hits, max_details, cancellable, error);
}

/**
 * bulletin_search_index_query_filtered:
 * @filter: (nullable): a date range, an issue, a page, a section, and the
 *   order
 *
 * As bulletin_search_index_query_full (), with only the articles that
 * @filter keeps: the index leaves the others out before checking their
 * text, so that the first screen (@max_hits) and the hit counts are those
 * of the kept articles alone.  Another order than newest first needs every
 * result: @max_hits is then ignored (0), and the first @max_details
 * results in that order are given in detail.
 *
 * Returns: (transfer full): the results, in @filter's order
 */
BulletinSearchResults *
bulletin_search_index_query_filtered (BulletinSearchIndex        *self,
                                      const char                 *query,
                                      const BulletinSearchFilter *filter,
                                      guint                       max_hits,
                                      guint                       max_details,
                                      GCancellable               *cancellable,
                                      GError                    **error)
{
  BulletinSearchResults *results;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (bulletin_search_filter_is_empty (filter))
    filter = NULL;
  if (filter != NULL && filter->order != BULLETIN_SEARCH_ORDER_NEWEST)
    {
      g_autoptr(GError) local_error = NULL;

      /* every result counted, sorted, and only the first max_details in
       * detail (rather than all of them) */
      if (max_details > 0)
        {
          results = query_sorted (self, query, filter, NULL, 0, max_details, cancellable, &local_error);
          if (results != NULL)
            return results;
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
      max_hits = max_details = 0;
    }
  results = query_any (self, query, filter, max_hits, max_details, NULL, cancellable, error);
  /* the scan's results are all there are: filtered here (the index's
   * are already, and keep them all) */
  if (results != NULL && filter != NULL)
    bulletin_search_results_apply_filter (results, filter);
  return results;
}

/**
 * bulletin_search_index_query_page:
 * @filter: (nullable): a date range, an issue, a page, a section, and the
 *   order
 * @after: (nullable): a result of an earlier query (its issue, article and
 *   hits say where it is in the order), or NULL to start from the first
 * @max_results: give at most this many results; 0 for all
 *
 * The results that come after @after in @filter's order, each in detail
 * (hits and snippet): the next page of a list.  Newest first (the
 * default order), the index starts where @after is and checks no article
 * before it, so that a page costs what it holds, not what came before;
 * for another order, or without an index, every result is found again
 * and the page taken from them.  The results' complete says that none is
 * left after them; their n_hits counts theirs.
 *
 * Returns: (transfer full): the results, in @filter's order
 */
BulletinSearchResults *
bulletin_search_index_query_page (BulletinSearchIndex        *self,
                                  const char                 *query,
                                  const BulletinSearchFilter *filter,
                                  const BulletinSearchResult *after,
                                  guint                       max_results,
                                  GCancellable               *cancellable,
                                  GError                    **error)
{
  BulletinSearchOrder order = filter != NULL ? filter->order : BULLETIN_SEARCH_ORDER_NEWEST;
  const QueryPage page = { .after = after, .max_results = max_results };
  BulletinSearchResults *results;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (after == NULL || after->issue_path != NULL, NULL);

  if (bulletin_search_filter_is_empty (filter))
    filter = NULL;
  /* newest first, a page stops early as a first screen does: a max_hits
   * (never reached) says so to the query, which otherwise takes it for the
   * complete results */
  if (order == BULLETIN_SEARCH_ORDER_NEWEST)
    results = query_any (self, query, filter, max_results > 0 ? G_MAXUINT : 0, 0, &page, cancellable, error);
  else if (order == BULLETIN_SEARCH_ORDER_OLDEST)
    {
      /* from the oldest issue, in descending rowid order, stopping once
       * the page is full (and the issue it ends in is complete) */
      const QueryPage oldest = { .after = after, .max_results = max_results, .oldest = TRUE };

      results = query_any (self, query, filter, max_results > 0 ? G_MAXUINT : 0, 0, &oldest, cancellable, error);
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      /* most hits: every result counted, only the page in detail */
      results = query_sorted (self, query, filter, after, max_results, 0, cancellable, &local_error);
      if (results != NULL)
        return results;
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      results = query_any (self, query, filter, 0, 0, NULL, cancellable, error);
    }
  if (results == NULL)
    return NULL;
  /* the scan's (all of them), or another order's (all of them, sorted
   * here): the page is taken from them */
  if (filter != NULL)
    bulletin_search_results_apply_filter (results, filter);
  results_slice (results, after, order, max_results);
  return results;
}

typedef struct {
  char                 *query;
  gboolean              paged;
  BulletinSearchResult *after;  /* its position only */
  guint                 max_results;
  guint                 max_hits;
  guint                 max_details;
  gboolean              filtered;
  char                 *date_from;
  char                 *date_to;
  char                 *issue;
  char                 *page;
  char                 *section;
  BulletinSearchOrder   order;
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_free (data->query);
  g_free (data->date_from);
  g_free (data->date_to);
  g_free (data->issue);
  g_free (data->page);
  g_free (data->section);
  bulletin_search_result_free (data->after);
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

  if (data->filtered || data->paged)
    {
      const BulletinSearchFilter filter = {
        .date_from = data->date_from, .date_to = data->date_to, .issue = data->issue,
        .page = data->page, .section = data->section, .order = data->order,
      };

      if (data->paged)
        results = bulletin_search_index_query_page (source_object, data->query, &filter, data->after,
                                                    data->max_results, cancellable, &error);
      else
        results = bulletin_search_index_query_filtered (source_object, data->query, &filter, data->max_hits,
                                                        data->max_details, cancellable, &error);
    }
  else
    results = bulletin_search_index_query_full (source_object, data->query, data->max_hits, data->max_details,
                                                cancellable, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify)bulletin_search_results_free);
}

/* Copies @filter's fields into @data (query_thread () makes the filter
 * again from them) */
static void
query_data_set_filter (QueryData                  *data,
                       const BulletinSearchFilter *filter)
{
  data->date_from = g_strdup (filter->date_from);
  data->date_to = g_strdup (filter->date_to);
  data->issue = g_strdup (filter->issue);
  data->page = g_strdup (filter->page);
  data->section = g_strdup (filter->section);
  data->order = filter->order;
}

/* Runs query_thread () on @data (taken) in a task of @self */
static void
query_data_run (BulletinSearchIndex *self,
                QueryData           *data,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, bulletin_search_index_query_async);
  g_task_set_task_data (task, data, (GDestroyNotify)query_data_free);
  g_task_run_in_thread (task, query_thread);
}

/**
 * bulletin_search_index_query_filtered_async:
 * @filter: (nullable): copied; NULL keeps everything
 *
 * bulletin_search_index_query_filtered () in a thread; finish with
 * bulletin_search_index_query_finish ().
 */
void
bulletin_search_index_query_filtered_async (BulletinSearchIndex        *self,
                                            const char                 *query,
                                            const BulletinSearchFilter *filter,
                                            guint                       max_hits,
                                            guint                       max_details,
                                            GCancellable               *cancellable,
                                            GAsyncReadyCallback         callback,
                                            gpointer                    user_data)
{
  QueryData *data;

  g_return_if_fail (BULLETIN_IS_SEARCH_INDEX (self));
  g_return_if_fail (query != NULL);

  data = g_new0 (QueryData, 1);
  data->query = g_strdup (query);
  data->max_hits = max_hits;
  data->max_details = max_details;
  if (filter != NULL)
    {
      data->filtered = TRUE;
      query_data_set_filter (data, filter);
    }
  query_data_run (self, data, cancellable, callback, user_data);
}

/**
 * bulletin_search_index_query_page_async:
 * @filter: (nullable): copied; NULL keeps everything
 * @after: (nullable): copied
 *
 * bulletin_search_index_query_page () in a thread; finish with
 * bulletin_search_index_query_finish ().
 */
void
bulletin_search_index_query_page_async (BulletinSearchIndex        *self,
                                        const char                 *query,
                                        const BulletinSearchFilter *filter,
                                        const BulletinSearchResult *after,
                                        guint                       max_results,
                                        GCancellable               *cancellable,
                                        GAsyncReadyCallback         callback,
                                        gpointer                    user_data)
{
  QueryData *data;

  g_return_if_fail (BULLETIN_IS_SEARCH_INDEX (self));
  g_return_if_fail (query != NULL);
  g_return_if_fail (after == NULL || after->issue_path != NULL);

  data = g_new0 (QueryData, 1);
  data->query = g_strdup (query);
  data->paged = TRUE;
  data->max_results = max_results;
  if (after != NULL)
    {
      data->after = g_new0 (BulletinSearchResult, 1);
      data->after->issue_path = issue_string_new (after->issue_path);
      data->after->sort_key = after->sort_key;
      data->after->article_index = after->article_index;
      data->after->n_hits = after->n_hits;
    }
  if (filter != NULL)
    query_data_set_filter (data, filter);
  query_data_run (self, data, cancellable, callback, user_data);
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
  bulletin_search_index_query_filtered_async (self, query, NULL, max_hits, max_details,
                                              cancellable, callback, user_data);
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

