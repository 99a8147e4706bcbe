/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bulletin-search-index-private.h"

/* checking */

typedef struct {
  GHashTable *terms;   /* term → count */
} TermSet;

static int
collect_term (void       *ctx,
              const char *token,
              int         n_token)
{
  GHashTable *terms = ((TermSet *)ctx)->terms;
  g_autofree char *term = g_strndup (token, n_token);
  gpointer count = g_hash_table_lookup (terms, term);

  g_hash_table_insert (terms, g_steal_pointer (&term), GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
  return SQLITE_OK;
}

static guint64
term_hash (gint64      rowid,
           const char *term,
           gsize       len,
           guint32     count)
{
  guint64 h = CRC_START;

  crc_add_int (&h, rowid);
  crc_add (&h, term, len);
  crc_add_int (&h, count);
  return h;
}

/* Checks the whole index: SQLite's integrity check, the checksum of every
 * row, and the postings against the stored texts (every term of every
 * article with its count, and nothing else but the postings of removed
 * articles, which stay until the next merge).  Reads every page; run after an unclean exit, when a
 * query met damage, and now and then.  FALSE with @why when it fails. */
gboolean
db_verify (sqlite3       *db,
           GCancellable  *cancellable,
           char         **why)
{
  g_autoptr(GBytes) dictionary = NULL;
  g_autoptr(GBytes) chars = NULL;
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GHashTable) terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) live = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) seg_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GByteArray) sig = g_byte_array_new ();
  TermSets sets = { 0 };
  BulletinFolded *folded = bulletin_folded_new_chars_only ();
  Decompressor z = { 0 };
  sqlite3_stmt *stmt = NULL;
  guint64 sum_docs = 0, sum_postings = 0;
  gint64 n_docs = 0, n_rows = 0;
  int rc;

  *why = NULL;
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") != 0)
    *why = g_strdup ("integrity_check");
  sqlite3_finalize (stmt);
  stmt = NULL;

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

  dictionary = load_meta_blob (db, "dictionary");
  term_sets_load (&sets, db);
  chars = load_meta_blob (db, "chars");
  if (dictionary != NULL)
    decompressor_set_dictionary (&z, g_bytes_get_data (dictionary, NULL), g_bytes_get_size (dictionary),
                                 chars != NULL ? g_bytes_get_data (chars, NULL) : NULL,
                                 chars != NULL ? g_bytes_get_size (chars) : 0);
  /* a table that cannot be read, or one without a dictionary */
  if (*why == NULL && chars != NULL && (dictionary == NULL || z.bad_chars))
    *why = g_strdup ("character table");
  if (*why == NULL &&
      sqlite3_prepare_v2 (db, "SELECT id, issue, article_index, article_id, headline, segs, text_len, text, sig,"
                              " plain, page, section, crc FROM docs", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (*why == NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, 0);
          gint64 text_len = sqlite3_column_int64 (stmt, 6);
          TermSet set = { terms };
          g_autofree guint8 *flags = NULL;
          guint n_chars;
          const char *text;
          GHashTableIter iter;
          gpointer term, count;

          if (crc_of_columns (stmt, 1, 11) != sqlite3_column_int64 (stmt, 12))
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
          /* the signature is the text's: one that lacks a triple of it
           * would lose results */
          n_chars = bulletin_folded_get_length (folded);
          flags = g_new (guint8, n_chars + 1);
          bigram_flags (bulletin_folded_get_chars (folded), n_chars, &sets.bigrams, &sets.sig_buckets, flags);
          sig_build_flags (bulletin_folded_get_chars (folded), n_chars, flags, hashes, sig);
          if ((gsize)sqlite3_column_bytes (stmt, 8) != sig->len ||
              (sig->len > 0 && memcmp (sqlite3_column_blob (stmt, 8), sig->data, sig->len) != 0))
            {
              *why = g_strdup ("article signature");
              break;
            }
          g_hash_table_remove_all (terms);
          index_tokenize_chars (bulletin_folded_get_chars (folded), n_chars, flags, &sets.trigrams, &sets.quadgrams, &set,
                                collect_term);
          g_hash_table_iter_init (&iter, terms);
          while (g_hash_table_iter_next (&iter, &term, &count))
            {
              sum_docs += term_hash (rowid, term, strlen (term), GPOINTER_TO_UINT (count));
              n_docs++;
            }
          g_hash_table_add (live, g_memdup2 (&rowid, sizeof rowid));
          if (g_cancellable_is_cancelled (cancellable))
            break;
        }
      if (*why == NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
        *why = g_strdup (sqlite3_errstr (rc));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  /* every block in a segment that queries read */
  if (*why == NULL && !index_query_int64 (db, "SELECT count(*) FROM postings WHERE seg NOT IN (SELECT seg FROM segs)",
                                          &n_rows))
    *why = g_strdup ("postings: cannot be read");
  else if (*why == NULL && n_rows != 0)
    *why = g_strdup ("postings: blocks of no segment");
  n_rows = 0;
  if (*why == NULL && !g_cancellable_is_cancelled (cancellable))
    {
      rc = postings_segments (db, seg_ids);
      for (guint s = 0; s < seg_ids->len && rc == SQLITE_OK && *why == NULL; s++)
        {
          SegReader r;
          g_autoptr(GByteArray) prev = g_byte_array_new ();

          seg_reader_init (&r, db, g_array_index (seg_ids, gint64, s), NULL, 0);
          while (*why == NULL && seg_reader_next (&r))
            {
              ListIter it;

              if (prev->len > 0 && (memcmp (prev->data, r.term->data, MIN (prev->len, r.term->len)) > 0 ||
                                    (memcmp (prev->data, r.term->data, MIN (prev->len, r.term->len)) == 0 &&
                                     prev->len >= r.term->len)))
                *why = g_strdup ("postings: terms out of order");
              g_byte_array_set_size (prev, 0);
              g_byte_array_append (prev, r.term->data, r.term->len);
              list_iter_init (&it, r.list, r.list_len);
              while (list_iter_next (&it))
                if (g_hash_table_contains (live, &it.rowid))
                  {
                    sum_postings += term_hash (it.rowid, (const char *)r.term->data, r.term->len, it.count);
                    n_rows++;
                  }
              if (it.bad)
                *why = g_strdup ("postings: a damaged list");
            }
          rc = r.rc;
          seg_reader_clear (&r);
        }
      if (*why == NULL && rc != SQLITE_OK)
        *why = g_strdup_printf ("postings: %s", sqlite3_errstr (rc));
      else if (*why == NULL && (sum_postings != sum_docs || n_rows != n_docs))
        *why = g_strdup_printf ("postings: %" G_GINT64_FORMAT " in the index, %" G_GINT64_FORMAT " in the texts",
                                n_rows, n_docs);
    }

  decompressor_clear (&z);
  term_sets_clear (&sets);
  bulletin_folded_free (folded);
  return *why == NULL;
}

#define VERIFY_EVERY (30 * 24 * 3600)

/* Whether the index should be checked before this update: the last writer
 * did not finish (crash, kill), a query met damage, the file changed since
 * the last writer left it, or the last check is a month old. */
gboolean
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
  if (!index_query_int64 (db, "SELECT value FROM meta WHERE key = 'verified'", &verified))
    return TRUE;
  return verified + VERIFY_EVERY < (gint64)time (NULL);
}

