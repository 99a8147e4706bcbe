/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bulletin-search-index-private.h"

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
gboolean
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
  if (*why == NULL && index_exec (db, "INSERT INTO fts (fts) VALUES ('integrity-check')") != SQLITE_OK)
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
                              " plain, page, section, crc FROM docs", -1, &stmt, NULL) == SQLITE_OK)
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
          body = bulletin_folded_to_utf8 (folded);
          g_hash_table_remove_all (terms);
          index_tokenize (body, strlen (body), &set, collect_term);
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
      rc = index_exec (db, "CREATE VIRTUAL TABLE temp.fts_check USING fts5vocab (main, 'fts', 'instance')");
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
      index_exec (db, "DROP TABLE IF EXISTS temp.fts_check");
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

