/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#include "bulletin-search-index-private.h"
#include "bulletin-unicode.h"

/* updating */

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
gboolean
issue_newer (gint64      key_a,
             const char *path_a,
             gint64      key_b,
             const char *path_b)
{
  if (key_a != key_b)
    return key_a > key_b;
  return strcmp (path_a, path_b) > 0;
}

typedef struct {
  sqlite3       *db;
  const char    *path;
  sqlite3_stmt  *insert_issue;
  sqlite3_stmt  *insert_doc;
  sqlite3_stmt  *select_path;
  GBytes        *dictionary;
  GBytes        *chars;
  gboolean       have_dictionary;
  Decompressor       decompressor;
  Compressor       compressor;
  BulletinFolded *folded;
  GArray        *segs;
  PostingsBuilder *postings;   /* the batch's terms */
  TermSets       sets;         /* from meta */
  guint8        *flags;        /* an article's bigram_flags () */
  guint          flags_size;
  gboolean       have_bigrams;
  gint64         dead;         /* articles removed, their postings kept */
} Writer;

static void
writer_clear (Writer *w)
{
  sqlite3_finalize (w->insert_issue);
  sqlite3_finalize (w->insert_doc);
  sqlite3_finalize (w->select_path);
  decompressor_clear (&w->decompressor);
  compressor_clear (&w->compressor);
  g_clear_pointer (&w->dictionary, g_bytes_unref);
  g_clear_pointer (&w->chars, g_bytes_unref);
  g_clear_pointer (&w->folded, bulletin_folded_free);
  g_clear_pointer (&w->segs, g_array_unref);
  g_clear_pointer (&w->postings, postings_builder_free);
  term_sets_clear (&w->sets);
  g_clear_pointer (&w->flags, g_free);
  w->flags_size = 0;
}

/* @chars: the character table, NULL for none */
static void
writer_set_dictionary (Writer *w,
                       GBytes *dictionary,
                       GBytes *chars)
{
  gsize len = 0, chars_len = 0;
  const guint8 *data = g_bytes_get_data (dictionary, &len);
  const guint8 *chars_data = chars != NULL ? g_bytes_get_data (chars, &chars_len) : NULL;

  g_clear_pointer (&w->dictionary, g_bytes_unref);
  g_clear_pointer (&w->chars, g_bytes_unref);
  w->dictionary = g_bytes_ref (dictionary);
  w->chars = chars != NULL ? g_bytes_ref (chars) : NULL;
  w->have_dictionary = TRUE;
  decompressor_set_dictionary (&w->decompressor, data, len, chars_data, chars_len);
  compressor_set_dictionary (&w->compressor, data, len, chars_data, chars_len);
}

static int
writer_prepare (Writer *w)
{
  int rc;

  g_autoptr(GBytes) dictionary = load_meta_blob (w->db, "dictionary");
  g_autoptr(GBytes) chars = load_meta_blob (w->db, "chars");
  CharTable check;
  gboolean bad_chars;

  /* a damaged table: the texts written with it could not be read */
  bad_chars = chars != NULL && !char_table_init (&check, g_bytes_get_data (chars, NULL), g_bytes_get_size (chars));
  if (chars != NULL)
    char_table_clear (&check);
  if (bad_chars)
    return SQLITE_CORRUPT;
  if (dictionary != NULL)
    writer_set_dictionary (w, dictionary, chars);
  w->have_bigrams = term_sets_load (&w->sets, w->db);
  w->postings = postings_builder_new ();
  w->folded = bulletin_folded_new_chars_only ();
  w->segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  rc = sqlite3_prepare_v2 (w->db,
                           "INSERT INTO issues (path, size, mtime, issue_id, title, date, sort_key,"
                           " first_doc, n_docs, error, crc) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &w->insert_issue, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db,
                             "INSERT INTO docs (id, issue, article_index, article_id, headline, segs,"
                             " text_len, text, sig, plain, crc, page, section) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             -1, &w->insert_doc, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->db, "SELECT id, first_doc, n_docs FROM issues WHERE path = ?",
                             -1, &w->select_path, NULL);
  return rc;
}

static int
writer_delete_issue (Writer             *w,
                     const IndexedIssue *issue)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* the articles' postings stay (their rowids are never given again):
   * queries skip a candidate whose row is gone, and the merge at the end
   * of the update leaves them out */
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
  stmt = NULL;
  if (rc == SQLITE_OK && issue->n_docs > 0)
    rc = sqlite3_prepare_v2 (w->db, "INSERT OR REPLACE INTO meta VALUES ('dead',"
                                    " coalesce ((SELECT value FROM meta WHERE key = 'dead'), 0) + ?1)",
                             -1, &stmt, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, issue->n_docs);
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

typedef struct {
  PostingsBuilder *postings;
  gint64           rowid;
} AddTerms;

static int
add_term (void       *ctx,
          const char *token,
          int         n_token)
{
  AddTerms *add = ctx;

  postings_builder_add (add->postings, token, n_token, add->rowid);
  return SQLITE_OK;
}

/* Stores article @a of the issue of row @issue_rowid as doc @rowid, and
 * adds its terms to the batch's postings */
static int
writer_insert_doc (Writer          *w,
                   BulletinArticle *article,
                   gint64           issue_rowid,
                   guint            a,
                   gint64           rowid)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GByteArray) packed = g_byte_array_new ();
  g_autoptr(GByteArray) sig = g_byte_array_new ();
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  const gunichar *chars;
  guint n_chars;
  const guint8 *compressed;
  gsize compressed_len = 0;
  guint64 doc_crc = CRC_START;
  gint64 plain;
  int rc;

  article_search_text (article, text, segs);
  fold_search_text (w->folded, text->str, text->len, (Segment *)segs->data, segs->len);
  chars = bulletin_folded_get_chars (w->folded);
  n_chars = bulletin_folded_get_length (w->folded);
  if (w->flags_size < n_chars + 1)
    {
      w->flags_size = MAX (n_chars + 1, 2 * w->flags_size);
      w->flags = g_renew (guint8, w->flags, w->flags_size);
    }
  /* each position's bigram looked up once, for the terms and the signature */
  bigram_flags (chars, n_chars, &w->sets.bigrams, &w->sets.sig_buckets, w->flags);
  plain = text_plain_mask (text->str, text->len, (Segment *)segs->data, segs->len, chars, n_chars, w->flags);
  sig_build_flags (chars, n_chars, w->flags, hashes, sig);
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
  sqlite3_bind_int64 (w->insert_doc, 10, plain);
  crc_add_int (&doc_crc, issue_rowid);
  crc_add_int (&doc_crc, a);
  crc_add_text (&doc_crc, bulletin_article_get_id (article));
  crc_add_text (&doc_crc, bulletin_article_get_headline (article));
  crc_add_blob (&doc_crc, packed->data, packed->len);
  crc_add_int (&doc_crc, text->len);
  crc_add_blob (&doc_crc, compressed, compressed_len);
  crc_add_blob (&doc_crc, sig->data, sig->len);
  crc_add_int (&doc_crc, plain);
  crc_add_text (&doc_crc, bulletin_article_get_page (article));
  crc_add_text (&doc_crc, bulletin_article_get_section (article));
  sqlite3_bind_int64 (w->insert_doc, 11, (gint64)doc_crc);
  bind_text_or_null (w->insert_doc, 12, bulletin_article_get_page (article));
  bind_text_or_null (w->insert_doc, 13, bulletin_article_get_section (article));
  rc = step_reset (w->insert_doc);
  if (rc != SQLITE_OK)
    return rc;

  {
    AddTerms add = { w->postings, rowid };

    index_tokenize_chars (chars, n_chars, w->flags, &w->sets.trigrams, &w->sets.quadgrams, &add, add_term);
  }
  return SQLITE_OK;
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

  /* ascending rowids: each term's list is written as it comes */
  for (guint a = 0; a < n && rc == SQLITE_OK; a++)
    {
      g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, a);

      rc = writer_insert_doc (w, article, issue_rowid, a, first_doc + a);
    }
  return rc;
}

/* Makes the character table and the dictionary from the search texts of
 * @batch (the first batch indexed: char_table_train (), then
 * dictionary_train () on the texts recoded with the table); stored in
 * meta and used for every text from now on. */
static int
writer_make_dictionary (Writer *w,
                        GArray *batch)
{
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr(GArray) code_sizes = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr(GByteArray) code = g_byte_array_new ();
  g_autoptr(GBytes) dictionary = NULL;
  g_autoptr(GBytes) chars = NULL;
  CharTable table;
  gsize at = 0;
  sqlite3_stmt *stmt = NULL;
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
  chars = char_table_train (all->str, all->len);
  if (!char_table_init (&table, g_bytes_get_data (chars, NULL), g_bytes_get_size (chars)))
    g_assert_not_reached ();
  for (guint i = 0; i < sizes->len; i++)
    {
      size_t size = g_array_index (sizes, size_t, i);
      guint before = code->len;

      char_table_encode (&table, all->str + at, size, code);
      at += size;
      size = code->len - before;
      g_array_append_val (code_sizes, size);
    }
  char_table_clear (&table);
  dictionary = dictionary_train ((const char *)code->data, code->len,
                                 (const size_t *)code_sizes->data, code_sizes->len);

  rc = sqlite3_prepare_v2 (w->db, "INSERT OR REPLACE INTO meta VALUES ('dictionary', ?1), ('chars', ?2)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, g_bytes_get_data (dictionary, NULL), g_bytes_get_size (dictionary),
                         SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, g_bytes_get_data (chars, NULL), g_bytes_get_size (chars),
                         SQLITE_STATIC);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK)
    writer_set_dictionary (w, dictionary, chars);
  return rc;
}

/* A bigram is exact (its own term, not its bucket's) when it is in at
 * least this share of the first batch's articles, and in MIN_EXACT_DOCS:
 * its count is then exact, and a query of it counts its hits from the
 * postings */
#define EXACT_SHARE    100  /* 1 % */
#define MIN_EXACT_DOCS 4

typedef struct {
  guint64 key;    /* the first character << 32 | the second */
  guint   count;  /* articles */
} DfEntry;

static int
compare_guint64 (gconstpointer a,
                 gconstpointer b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

  return x < y ? -1 : x > y;
}

/* g_int64_hash () of (first character << 32 | second) is the two
 * characters' XOR: a few thousand values for all the bigrams of Chinese
 * text */
static guint
bigram_hash (gconstpointer key)
{
  return (guint)((*(const guint64 *)key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32);
}

/* The keys of @df's entries in at least 1 % of @n_articles (and
 * MIN_EXACT_DOCS), sorted */
static GArray *
common_entries (GHashTable *df,
                guint       n_articles)
{
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (guint64));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, df);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      DfEntry *e = value;

      if (e->count >= MIN_EXACT_DOCS && (guint64)e->count * EXACT_SHARE >= n_articles)
        g_array_append_val (keys, e->key);
    }
  g_array_sort (keys, compare_guint64);
  return keys;
}

/* Appends to @blob the keys of @df's entries in at least 1 % of
 * @n_articles (and MIN_EXACT_DOCS), as pairs of 32-bit code points
 * (little-endian), sorted */
static void
common_keys (GHashTable *df,
             guint       n_articles,
             GByteArray *blob)
{
  g_autoptr(GArray) keys = common_entries (df, n_articles);
  for (guint i = 0; i < keys->len; i++)
    {
      guint64 k = g_array_index (keys, guint64, i);
      guint32 a = (guint32)(k >> 32), b = (guint32)k;
      guint8 bytes[8] = { a, a >> 8, a >> 16, a >> 24, b, b >> 8, b >> 16, b >> 24 };

      g_byte_array_append (blob, bytes, 8);
    }
}

/* Appends to @blob the n-grams of @size characters of @df (their
 * ngram_key () less 1) in at least 1 % of @n_articles (and
 * MIN_EXACT_DOCS), as @size 32-bit code points each (little-endian),
 * sorted; TRIGRAM_MAX at most */
static void
common_ngrams (GHashTable *df,
               guint       size,
               guint       n_articles,
               GByteArray *blob)
{
  g_autoptr(GArray) keys = common_entries (df, n_articles);
  for (guint i = 0; i < keys->len && i < TRIGRAM_MAX; i++)
    {
      guint64 k = g_array_index (keys, guint64, i);
      guint bits = size == 4 ? 16 : 21;
      guint8 bytes[16];

      for (guint j = 0; j < size; j++)
        {
          guint32 c = (guint32)(k >> (bits * (size - 1 - j))) & ((1u << bits) - 1);

          bytes[4 * j] = c;
          bytes[4 * j + 1] = c >> 8;
          bytes[4 * j + 2] = c >> 16;
          bytes[4 * j + 3] = c >> 24;
        }
      g_byte_array_append (blob, bytes, 4 * size);
    }
}

/* Counts @key in @df once per article (@seen: the keys of this one) */
static void
df_add (GHashTable *df,
        GHashTable *seen,
        guint64     key)
{
  DfEntry *e;

  if (g_hash_table_contains (seen, &key))
    return;
  e = g_hash_table_lookup (df, &key);
  if (e == NULL)
    {
      e = g_new0 (DfEntry, 1);
      e->key = key;
      g_hash_table_insert (df, &e->key, e);
    }
  e->count++;
  g_hash_table_add (seen, &e->key);
}

static int
store_meta_blob (Writer     *w,
                 const char *key,
                 GByteArray *blob)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (w->db, "INSERT OR REPLACE INTO meta VALUES (?, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, blob->len > 0 ? (const void *)blob->data : "", blob->len, SQLITE_STATIC);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* Chooses the exact bigrams from the texts of @batch (the first batch
 * indexed), and the bucket terms as common as they are (of the bigrams
 * that are not exact: the signatures' triples); stored in meta and used
 * for every text from now on. */
static int
writer_make_bigrams (Writer *w,
                     GArray *batch)
{
  g_autoptr(GHashTable) df = g_hash_table_new_full (bigram_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GHashTable) bucket_df = g_hash_table_new_full (bigram_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (bigram_hash, g_int64_equal);
  g_autoptr(GHashTable) tri_df = g_hash_table_new_full (bigram_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GHashTable) tri_seen = g_hash_table_new (bigram_hash, g_int64_equal);
  g_autoptr(GByteArray) tri_blob = g_byte_array_new ();
  g_autoptr(GHashTable) quad_df = g_hash_table_new_full (bigram_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GByteArray) quad_blob = g_byte_array_new ();
  g_autoptr(GHashTable) quad_seen = g_hash_table_new (bigram_hash, g_int64_equal);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GArray) article_keys = g_array_new (FALSE, FALSE, sizeof (guint64));  /* each article's bigrams */
  g_autoptr(GArray) article_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GByteArray) blob = g_byte_array_new ();
  g_autoptr(GByteArray) bucket_blob = g_byte_array_new ();
  BulletinFolded *folded = bulletin_folded_new_chars_only ();
  guint n_articles = 0;
  int rc;

  for (guint i = 0; i < batch->len; i++)
    {
      ParsedIssue *p = &g_array_index (batch, ParsedIssue, i);
      GListModel *articles = p->issue != NULL ? bulletin_issue_get_articles (p->issue) : NULL;
      guint n = articles != NULL ? g_list_model_get_n_items (articles) : 0;

      for (guint a = 0; a < n; a++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, a);
          const gunichar *chars;
          guint len;

          g_string_truncate (text, 0);
          g_array_set_size (segs, 0);
          article_search_text (article, text, segs);
          fold_search_text (folded, text->str, text->len, (Segment *)segs->data, segs->len);
          chars = bulletin_folded_get_chars (folded);
          len = bulletin_folded_get_length (folded);
          g_hash_table_remove_all (seen);
          n_articles++;
          for (guint j = 0; j + 1 < len; j++)
            {
              guint64 k;

              if (!bulletin_unichar_is_cjk (chars[j]) || !bulletin_unichar_is_cjk (chars[j + 1]))
                continue;
              k = (guint64)chars[j] << 32 | chars[j + 1];
              if (!g_hash_table_contains (seen, &k))
                g_array_append_val (article_keys, k);
              df_add (df, seen, k);
              /* the trigram and 4-gram of Han characters from here (a
               * 4-gram's key keeps BMP ones: ngram_key ()) */
              if (j + 2 < len && bulletin_unichar_is_han (chars[j]) && bulletin_unichar_is_han (chars[j + 1]) &&
                  bulletin_unichar_is_han (chars[j + 2]) && bulletin_unichar_is_cjk (chars[j + 2]))
                {
                  df_add (tri_df, tri_seen, ngram_key (3, chars + j) - 1);
                  if (j + 3 < len && bulletin_unichar_is_han (chars[j + 3]) &&
                      bulletin_unichar_is_cjk (chars[j + 3]) && ngram_key (4, chars + j) != 0)
                    df_add (quad_df, quad_seen, ngram_key (4, chars + j) - 1);
                }
            }
          g_hash_table_remove_all (tri_seen);
          g_hash_table_remove_all (quad_seen);
          g_array_append_val (article_ends, article_keys->len);
        }
    }
  bulletin_folded_free (folded);
  common_keys (df, n_articles, blob);
  common_ngrams (tri_df, 3, n_articles, tri_blob);
  ngram_set_clear (&w->sets.trigrams);
  trigram_set_init (&w->sets.trigrams, tri_blob->data, tri_blob->len);
  common_ngrams (quad_df, 4, n_articles, quad_blob);
  ngram_set_clear (&w->sets.quadgrams);
  quadgram_set_init (&w->sets.quadgrams, quad_blob->data, quad_blob->len);
  bigram_set_clear (&w->sets.bigrams);
  bigram_set_init (&w->sets.bigrams, blob->data, blob->len);
  ngram_set_check_bigrams (&w->sets.trigrams, &w->sets.bigrams);
  ngram_set_check_bigrams (&w->sets.quadgrams, &w->sets.bigrams);

  /* the bucket terms of the bigrams that are not exact */
  for (guint a = 0, k = 0; a < article_ends->len; a++)
    {
      g_hash_table_remove_all (seen);
      for (; k < g_array_index (article_ends, guint, a); k++)
        {
          guint64 key = g_array_index (article_keys, guint64, k);
          gunichar first = (gunichar)(key >> 32), second = (gunichar)key;

          if (!bigram_set_has (&w->sets.bigrams, first, second))
            df_add (bucket_df, seen, (guint64)first << 32 | bigram_bucket_key (second));
        }
    }
  common_keys (bucket_df, n_articles, bucket_blob);
  bigram_set_clear (&w->sets.sig_buckets);
  bigram_set_init (&w->sets.sig_buckets, bucket_blob->data, bucket_blob->len);

  rc = store_meta_blob (w, "bigrams", blob);
  if (rc == SQLITE_OK)
    rc = store_meta_blob (w, "sig_buckets", bucket_blob);
  if (rc == SQLITE_OK)
    rc = store_meta_blob (w, "trigrams", tri_blob);
  if (rc == SQLITE_OK)
    rc = store_meta_blob (w, "quadgrams", quad_blob);
  if (rc == SQLITE_OK)
    w->have_bigrams = TRUE;
  return rc;
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

/* What a current shared index covers is not indexed here: its issues
 * (path → IndexedIssue), less the ones corrected in the reader
 * (bulletin_search_index_forget_issue ()), which are never taken from it;
 * NULL without a current shared index. */
static GHashTable *
load_shared_issues (BulletinSearchIndex  *self,
                    sqlite3              *db,
                    BulletinSearchIndex **shared)
{
  g_autoptr(GHashTable) shared_issues = NULL;
  sqlite3_stmt *stmt = NULL;

  *shared = dup_shared (self);
  if (*shared == NULL)
    return NULL;
  shared_issues = read_shared_issues (*shared);
  if (shared_issues != NULL &&
      sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'shared_override'", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_auto(GStrv) paths = g_strsplit ((const char *)sqlite3_column_text (stmt, 0), "\n", -1);

      for (guint i = 0; paths[i] != NULL; i++)
        g_hash_table_remove (shared_issues, paths[i]);
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&shared_issues);
}

/* Keeps in meta, for the queries of any process, the shared paths this
 * index overrides (changed, removed or unreadable in the shared index),
 * after the shared index's state (its lock file's), which they are
 * about; empty without a shared index. */
static int
write_shared_hidden (sqlite3             *db,
                     BulletinSearchIndex *shared,
                     GHashTable          *shared_issues,
                     GPtrArray           *files)
{
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (shared_issues != NULL)
    {
      g_autoptr(GHashTable) on_disk = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *state = shared_state (shared);
      GHashTableIter iter;
      gpointer key;

      for (guint i = 0; i < files->len; i++)
        {
          IssueFile *f = g_ptr_array_index (files, i);

          g_hash_table_insert (on_disk, f->path, f);
        }
      g_string_append (text, state);
      g_hash_table_iter_init (&iter, shared_issues);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!shared_covers (shared_issues, g_hash_table_lookup (on_disk, key)))
          g_string_append_printf (text, "\n%s", (const char *)key);
    }
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta VALUES ('shared_hidden', ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, text->str, text->len, SQLITE_TRANSIENT);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* The issues indexed: path → IndexedIssue; NULL with *@rc set on error */
static GHashTable *
read_indexed (sqlite3 *db,
              int     *rc)
{
  g_autoptr(GHashTable) indexed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;

  *rc = sqlite3_prepare_v2 (db, "SELECT id, path, size, mtime, first_doc, n_docs, error IS NOT NULL FROM issues",
                            -1, &stmt, NULL);
  while (*rc == SQLITE_OK && (*rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      IndexedIssue *issue = g_new0 (IndexedIssue, 1);

      issue->id = sqlite3_column_int64 (stmt, 0);
      issue->size = sqlite3_column_int64 (stmt, 2);
      issue->mtime = sqlite3_column_int64 (stmt, 3);
      issue->first_doc = sqlite3_column_int64 (stmt, 4);
      issue->n_docs = sqlite3_column_int64 (stmt, 5);
      issue->failed = sqlite3_column_int (stmt, 6) != 0;
      g_hash_table_insert (indexed, g_strdup ((const char *)sqlite3_column_text (stmt, 1)), issue);
      *rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (*rc != SQLITE_DONE)
    return NULL;
  *rc = SQLITE_OK;
  return g_steal_pointer (&indexed);
}

/* Adds to @to_index the issue files to index (new, changed, unreadable last
 * time, and not covered by the shared index), and forgets, in one
 * transaction, the indexed issues that changed or went away. */
static int
forget_changed (Writer     *w,
                GPtrArray  *files,
                GHashTable *indexed,
                GHashTable *shared_issues,
                GPtrArray  *to_index)
{
  g_autoptr(GHashTable) on_disk = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  gboolean began = FALSE;
  int rc = SQLITE_OK;

  for (guint i = 0; i < files->len; i++)
    {
      IssueFile *f = g_ptr_array_index (files, i);
      IndexedIssue *issue = g_hash_table_lookup (indexed, f->path);

      if (shared_covers (shared_issues, f))
        continue;
      g_hash_table_insert (on_disk, f->path, f);
      if (issue == NULL || issue->size != f->size || issue->mtime != f->mtime || issue->failed)
        g_ptr_array_add (to_index, f);
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
          rc = index_exec (w->db, "BEGIN IMMEDIATE");
          began = TRUE;
        }
      if (rc == SQLITE_OK)
        rc = writer_delete_issue (w, issue);
    }
  if (began)
    rc = rc == SQLITE_OK ? index_exec (w->db, "COMMIT") : index_rollback (w->db, rc);
  return rc;
}

/* Where rows go: ascending rowids are newest issue first, so new issues
 * newer than everything indexed go below the indexed rows, the rest
 * above. */
typedef struct {
  gboolean  have_docs;
  gint64    min_rowid;
  gint64    max_rowid;
  gint64    newest_key;    /* the newest issue with articles */
  char     *newest_path;
} Placement;

static void
placement_read (Placement *pl,
                sqlite3   *db)
{
  sqlite3_stmt *stmt = NULL;

  gint64 low, high;

  pl->newest_key = G_MININT64;
  pl->have_docs = index_query_int64 (db, "SELECT min(id) FROM docs", &pl->min_rowid);
  index_query_int64 (db, "SELECT max(id) FROM docs", &pl->max_rowid);
  /* a rowid is never given twice: the postings of removed articles stay
   * until the next merge */
  if (index_query_int64 (db, "SELECT value FROM meta WHERE key = 'rowid_low'", &low) &&
      index_query_int64 (db, "SELECT value FROM meta WHERE key = 'rowid_high'", &high))
    {
      pl->min_rowid = pl->have_docs ? MIN (pl->min_rowid, low) : low;
      pl->max_rowid = pl->have_docs ? MAX (pl->max_rowid, high) : high;
      pl->have_docs = TRUE;
    }
  if (sqlite3_prepare_v2 (db, "SELECT sort_key, path FROM issues WHERE n_docs > 0"
                              " ORDER BY sort_key DESC, path DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      pl->newest_key = sqlite3_column_int64 (stmt, 0);
      pl->newest_path = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
}

/* The first rowid of a batch (sorted newest first) of @n_docs articles */
static gint64
placement_first (Placement *pl,
                 GArray    *batch,
                 gint64     n_docs,
                 gboolean  *below)
{
  *below = FALSE;
  if (pl->have_docs && n_docs > 0)
    {
      ParsedIssue *oldest = NULL;

      for (guint i = batch->len; i > 0 && oldest == NULL; i--)
        if (g_array_index (batch, ParsedIssue, i - 1).issue != NULL)
          oldest = &g_array_index (batch, ParsedIssue, i - 1);
      *below = oldest != NULL && pl->newest_path != NULL &&
               issue_newer (oldest->sort_key, oldest->file->path, pl->newest_key, pl->newest_path);
    }
  if (!pl->have_docs)
    return ROWID_START;
  return *below ? pl->min_rowid - n_docs : pl->max_rowid + 1;
}

static void
placement_note_issue (Placement   *pl,
                      ParsedIssue *p)
{
  if (pl->newest_path == NULL || issue_newer (p->sort_key, p->file->path, pl->newest_key, pl->newest_path))
    {
      pl->newest_key = p->sort_key;
      g_free (pl->newest_path);
      pl->newest_path = g_strdup (p->file->path);
    }
}

static void
placement_note_batch (Placement *pl,
                      gint64     first,
                      gint64     n_docs,
                      gboolean   below)
{
  if (n_docs == 0)
    return;
  if (!pl->have_docs)
    {
      pl->min_rowid = first;
      pl->max_rowid = first + n_docs - 1;
    }
  else if (below)
    pl->min_rowid = first;
  else
    pl->max_rowid = first + n_docs - 1;
  pl->have_docs = TRUE;
}

/* Reads @n issues of @to_index from @start into @batch, newest first; the
 * ones that cannot be read are kept with their error.  SQLITE_ABORT when
 * cancelled. */
static int
parse_batch (GPtrArray     *to_index,
             guint          start,
             guint          n,
             GArray        *batch,
             gint64        *n_docs,
             GCancellable  *cancellable,
             GError       **error)
{
  *n_docs = 0;
  for (guint i = 0; i < n; i++)
    {
      ParsedIssue p = { g_ptr_array_index (to_index, start + i), NULL, NULL, 0 };
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return SQLITE_ABORT;
      p.issue = bulletin_issue_new (p.file->file, p.file->kind);
      if (load_issue (p.issue, p.file, cancellable, &local_error))
        {
          p.sort_key = bulletin_issue_get_sort_key (p.issue);
          *n_docs += g_list_model_get_n_items (bulletin_issue_get_articles (p.issue));
        }
      else
        {
          g_clear_object (&p.issue);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return SQLITE_ABORT;
            }
          /* kept in the index: bulletin_search_index_dup_unreadable () */
          g_debug ("%s", local_error->message);
          p.error = g_strdup (local_error->message);
        }
      g_array_append_val (batch, p);
    }
  g_array_sort (batch, compare_parsed_desc);
  return SQLITE_OK;
}

/* Keeps the lowest and highest rowid ever given in meta */
static int
note_rowids (sqlite3 *db,
             gint64   low,
             gint64   high)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta SELECT 'rowid_low',"
                               " min (coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'rowid_low'), ?1), ?1)"
                               " UNION ALL SELECT 'rowid_high',"
                               " max (coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'rowid_high'), ?2), ?2)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, low);
      sqlite3_bind_int64 (stmt, 2, high);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* Indexes @n issues of @to_index from @start in one transaction */
static int
index_batch (BulletinSearchIndex  *self,
             Writer               *w,
             Placement            *pl,
             GPtrArray            *to_index,
             guint                 start,
             guint                 n,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, TRUE, sizeof (ParsedIssue), n);
  gint64 n_docs = 0, first, next;
  gboolean below = FALSE;
  int rc;

  g_array_set_clear_func (batch, (GDestroyNotify)parsed_issue_clear);
  /* the reserve of the disk stays free */
  if (!check_space (self, error))
    return SQLITE_FULL;
  rc = parse_batch (to_index, start, n, batch, &n_docs, cancellable, error);
  if (rc != SQLITE_OK)
    return rc;

  first = placement_first (pl, batch, n_docs, &below);
  rc = index_exec (w->db, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK && !w->have_dictionary && n_docs > 0)
    rc = writer_make_dictionary (w, batch);
  if (rc == SQLITE_OK && !w->have_bigrams && n_docs > 0)
    rc = writer_make_bigrams (w, batch);
  next = first;
  for (guint i = 0; i < batch->len && rc == SQLITE_OK; i++)
    {
      ParsedIssue *p = &g_array_index (batch, ParsedIssue, i);
      guint count = p->issue ? g_list_model_get_n_items (bulletin_issue_get_articles (p->issue)) : 0;

      rc = writer_insert_issue (w, p, next);
      next += count;
      if (p->issue != NULL && count > 0)
        placement_note_issue (pl, p);
    }
  if (rc == SQLITE_OK)
    rc = postings_builder_write (w->postings, w->db);
  if (rc == SQLITE_OK && n_docs > 0)
    rc = note_rowids (w->db, first, first + n_docs - 1);
  if (rc == SQLITE_OK)
    rc = index_exec (w->db, "COMMIT");
  if (rc != SQLITE_OK)
    return index_rollback (w->db, rc);
  placement_note_batch (pl, first, n_docs, below);
  return SQLITE_OK;
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
  g_autoptr(GPtrArray) to_index = g_ptr_array_new ();
  g_autoptr(BulletinSearchIndex) shared = NULL;
  g_autoptr(GHashTable) shared_issues = NULL;
  Placement pl = { 0 };
  Writer w = { db, self->db_path };
  int rc;

  files = list_issue_files (self->root, cancellable, error);
  if (files == NULL)
    return SQLITE_ABORT;

  shared_issues = load_shared_issues (self, db, &shared);
  rc = write_shared_hidden (db, shared, shared_issues, files);
  if (rc == SQLITE_OK)
    rc = writer_prepare (&w);
  if (rc == SQLITE_OK)
    indexed = read_indexed (db, &rc);
  /* forget what changed or went away */
  if (rc == SQLITE_OK)
    rc = forget_changed (&w, files, indexed, shared_issues, to_index);
  if (rc != SQLITE_OK)
    goto out;

  if (to_index->len > 0)
    index_exec (db, "UPDATE meta SET value = '0' WHERE key = 'complete'");
  placement_read (&pl, db);
  report_progress (progress, 0, to_index->len);
  for (guint start = 0; start < to_index->len && rc == SQLITE_OK; start += BATCH_ISSUES)
    {
      guint n = MIN (BATCH_ISSUES, to_index->len - start);

      rc = index_batch (self, &w, &pl, to_index, start, n, cancellable, error);
      if (rc == SQLITE_OK)
        report_progress (progress, start + n, to_index->len);
      /* tests: time to search a partly built index */
      if (rc == SQLITE_OK && start + n < to_index->len && g_getenv ("BULLETIN_TEST_INDEX_PAUSE_MS") != NULL)
        g_usleep (g_ascii_strtoull (g_getenv ("BULLETIN_TEST_INDEX_PAUSE_MS"), NULL, 10) * 1000);
    }
  if (rc != SQLITE_OK)
    goto out;

  /* one segment answers queries faster than many, and leaves out the
   * postings of removed articles; merging rewrites every posting, so
   * only with room to spare */
  if (check_space (self, NULL))
    {
      rc = index_exec (db, "BEGIN IMMEDIATE");
      if (rc == SQLITE_OK)
        rc = postings_optimize (db);
      rc = rc == SQLITE_OK ? index_exec (db, "COMMIT") : index_rollback (db, rc);
      /* a merge that failed (a full disk) leaves the segments as they
       * were: they answer queries all the same */
      if (rc_is_corrupt (rc))
        goto out;
      rc = SQLITE_OK;
    }
  index_exec (db, "PRAGMA incremental_vacuum");
  rc = index_exec (db, "UPDATE meta SET value = '1' WHERE key = 'complete'");

out:
  g_free (pl.newest_path);
  writer_clear (&w);
  if (rc != SQLITE_OK && rc != SQLITE_ABORT && error != NULL && *error == NULL)
    set_db_error (error, db, self->db_path, rc);
  return rc;
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
            index_exec (db, "INSERT OR REPLACE INTO meta VALUES ('verified', strftime('%s', 'now'))");
        }

      rc = update_db (self, db, cancellable, &p, &local_error);
      if (rc == SQLITE_OK)
        sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
      /* clients open the shared index immutable: one file, no -wal */
      if (rc == SQLITE_OK && self->shared_writer)
        index_exec (db, "PRAGMA journal_mode = DELETE");
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

  g_object_notify (G_OBJECT (self), "progress");
  g_object_notify (G_OBJECT (self), "building");
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

/* The build in a thread of its own, below normal priority: on a busy
 * machine the window's main thread (and the X server or compositor) get
 * a CPU before it, so that frames keep coming while it builds.  Not a
 * pooled thread: without privileges a thread's niceness cannot be taken
 * back, and the pool's threads go on to load the issues the reader
 * shows. */
static gpointer
update_thread_main (gpointer data)
{
  GTask *task = data;

#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t)syscall (SYS_gettid), 10);
#endif
  update_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
                 g_task_get_cancellable (task));
  g_object_unref (task);
  return NULL;
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
  g_object_notify (G_OBJECT (self), "building");
  g_thread_unref (g_thread_new ("bulletin-index", update_thread_main, g_object_ref (task)));
}

gboolean
bulletin_search_index_update_finish (BulletinSearchIndex  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
