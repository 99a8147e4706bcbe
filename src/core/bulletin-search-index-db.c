/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "bulletin-search-index-private.h"

/*
 * The database of the index: its schema, opening it to read (read-only,
 * and immutable for a shared index on a file server) or to write, what
 * its errors mean for the person using the app, and the row checksums.
 */

gboolean
rc_is_corrupt (int rc)
{
  rc &= 0xFF;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* What went wrong with the index and what happens now, in words for the
 * person using the app: SQLite's own messages ("not an error", "cannot
 * rollback - no transaction is active") say neither. */
void
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

int
index_exec (sqlite3    *db,
      const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* Ends a failed transaction, if SQLite has not ended it already (it does
 * on a full disk), keeping @rc, the error that ended it. */
int
index_rollback (sqlite3 *db,
          int      rc)
{
  if (!sqlite3_get_autocommit (db))
    index_exec (db, "ROLLBACK");
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
void
db_discard (const char *path)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_busy_timeout (db, 10000);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_RESET_DATABASE, 1, NULL);
  /* VACUUM keeps the file's page size and auto_vacuum, which for a file
   * of no bytes (a crash while it was created) are SQLite's defaults:
   * 4 KiB pages and free pages kept, where merges leave a third of
   * the file free.  Set them as a new index has them (a WAL file keeps
   * its page size; ours are made with it). */
  if (rc == SQLITE_OK)
    rc = index_exec (db, "PRAGMA page_size = " PAGE_SIZE);
  if (rc == SQLITE_OK)
    rc = index_exec (db, "PRAGMA auto_vacuum = INCREMENTAL");
  if (rc == SQLITE_OK)
    rc = index_exec (db, "VACUUM");
  if (db != NULL)
    sqlite3_db_config (db, SQLITE_DBCONFIG_RESET_DATABASE, 0, NULL);
  sqlite3_close (db);
  if (rc != SQLITE_OK)
    remove_db_files (path);
}

/* the writer's page cache: 64 MiB (SQLite's default is 2 MiB), so that
 * the postings' segments and the path index stay in memory while a batch is
 * written; and a checkpoint every 256 pages, 16 MiB of the write-ahead log
 * as with 1,000 pages of 16 KiB before the pages were 64 KiB (SQLite
 * counts pages) */
#define WRITER_CACHE "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 256"

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
  "  segs BLOB, text_len INTEGER, text BLOB, sig BLOB, plain INTEGER, crc INTEGER,"
  /* for the search's filters (7); in the row's checksum (8) */
  "  page TEXT, section TEXT);"
  /* the postings of the terms (bulletin-search-index-postings.c): a
   * segment's blocks, a page each, keyed by their first term (or by the
   * term whose list they go on with).  A table with rowids,
   * not WITHOUT ROWID: blocks of a page and long lists would spill out of
   * an index's cells (at most a quarter of a page) and leave most of
   * their pages empty (60 % of them at 1/10 of bench-scale). */
  "CREATE TABLE postings (seg INTEGER NOT NULL, term BLOB NOT NULL, data BLOB NOT NULL);"
  "CREATE UNIQUE INDEX postings_key ON postings (seg, term);"
  "CREATE TABLE segs (seg INTEGER PRIMARY KEY, level INTEGER NOT NULL);"
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
sqlite3 *
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
sqlite3 *
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
        rc = index_exec (db, "PRAGMA journal_mode = WAL");
      if (rc == SQLITE_OK)
        rc = index_exec (db, "PRAGMA synchronous = NORMAL");
      if (rc == SQLITE_OK)
        rc = index_exec (db, WRITER_CACHE);
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
   * two of them and waste a quarter (PAGE_SIZE) */
  if (rc == SQLITE_OK)
    rc = index_exec (db, "PRAGMA page_size = " PAGE_SIZE);
  /* free pages (merges leave many) go back to the file system */
  if (rc == SQLITE_OK)
    rc = index_exec (db, "PRAGMA auto_vacuum = INCREMENTAL");
  if (rc == SQLITE_OK)
    rc = index_exec (db, "PRAGMA journal_mode = WAL");
  if (rc == SQLITE_OK)
    rc = index_exec (db, "PRAGMA synchronous = NORMAL");
  if (rc == SQLITE_OK)
    rc = index_exec (db, WRITER_CACHE);
  if (rc == SQLITE_OK)
    rc = index_exec (db, schema_sql);
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


gboolean
index_query_int64 (sqlite3    *db,
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

/* Row checksums: every row of issues and docs keeps a 64-bit FNV-1a hash
 * of its other columns, each with its length, so that a check finds bytes
 * changed inside a row (which SQLite's own checks do not see). */
void
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

void
crc_add_int (guint64 *h,
             gint64   v)
{
  crc_add (h, &v, sizeof v);
}

void
crc_add_text (guint64    *h,
              const char *text)
{
  if (text == NULL)
    crc_add (h, "\377NULL", 5);
  else
    crc_add (h, text, strlen (text));
}

/* as bound: a NULL pointer is bound as NULL */
void
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
gint64
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

/* The value of meta's @key in @db: 'dictionary' (zstd's), 'chars' (the
 * CharTable), 'bigrams' (the exact ones, BigramSet), 'sig_buckets'
 * (bigram_term_common ()), 'trigrams' and 'quadgrams' (NgramSet); NULL
 * when it has none (yet) */
GBytes *
load_meta_blob (sqlite3    *db,
                const char *key)
{
  sqlite3_stmt *stmt = NULL;
  GBytes *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static const guint8 *
bytes_data (GBytes *bytes,
            gsize  *len)
{
  *len = 0;
  return bytes != NULL ? g_bytes_get_data (bytes, len) : NULL;
}

/* Loads the sets of terms kept in @db's meta into @sets (empty ones for
 * what it has not); FALSE when it has no exact bigrams yet */
gboolean
term_sets_load (TermSets *sets,
                sqlite3  *db)
{
  g_autoptr(GBytes) bigrams = load_meta_blob (db, "bigrams");
  g_autoptr(GBytes) sig_buckets = load_meta_blob (db, "sig_buckets");
  g_autoptr(GBytes) trigrams = load_meta_blob (db, "trigrams");
  g_autoptr(GBytes) quadgrams = load_meta_blob (db, "quadgrams");
  const guint8 *data;
  gsize len;

  term_sets_clear (sets);
  data = bytes_data (bigrams, &len);
  bigram_set_init (&sets->bigrams, data, len);
  data = bytes_data (sig_buckets, &len);
  bigram_set_init (&sets->sig_buckets, data, len);
  data = bytes_data (trigrams, &len);
  trigram_set_init (&sets->trigrams, data, len);
  data = bytes_data (quadgrams, &len);
  quadgram_set_init (&sets->quadgrams, data, len);
  ngram_set_check_bigrams (&sets->trigrams, &sets->bigrams);
  ngram_set_check_bigrams (&sets->quadgrams, &sets->bigrams);
  return bigrams != NULL;
}

void
term_sets_clear (TermSets *sets)
{
  bigram_set_clear (&sets->bigrams);
  bigram_set_clear (&sets->sig_buckets);
  ngram_set_clear (&sets->trigrams);
  ngram_set_clear (&sets->quadgrams);
}

int
step_reset (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}
