/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-search-index-private.h"

/*
 * The archive index (its modules: bulletin-search-index-private.h).
 *
 * One SQLite database per archive under $XDG_CACHE_HOME/bulletin-reader/:
 *
 *   issues  one row per issue file (path relative to the root, size, mtime,
 *           metadata, the rowids of its articles);
 *   docs    one row per article: its search text (the text of its blocks,
 *           ranges joined, debris left out) compressed, and the segments that
 *           map that text back to source offsets;
 *   postings  for every term of the *folded* search text (overlapping
 *           bigrams for Han, kana and hangul text, exact or by bucket, the
 *           last character of a run alone, words for the rest) the articles
 *           that hold it and how many times, in segments (segs).  A
 *           one-character query takes every term that starts with it.
 *
 * The index proposes candidates: every candidate is folded and matched
 * with the same matcher as in-article search, so there are no false
 * positives, and hits are exact source offsets; only where the postings'
 * counts are the matcher's hits (a one-character query, an exact bigram)
 * are the results beyond the ones shown in detail counted from them.
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
 * files until the next update has checked it (row checksums, SQLite's
 * check, the postings against the texts) and rebuilt it if need
 * be.  Issues that could not be read are kept as such, listed with every
 * result, and read again at each update.  Indexing stops before the disk's
 * free space falls below a reserve; an index whose building stopped is not
 * used.
 */

G_DEFINE_FINAL_TYPE (BulletinSearchIndex, bulletin_search_index, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUILDING,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bulletin_search_index_finalize (GObject *object)
{
  BulletinSearchIndex *self = (BulletinSearchIndex *)object;

  query_cache_clear (self);
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
  index_query_int64 (db, "SELECT count(*) FROM issues WHERE error IS NULL", &ok);
  index_query_int64 (db, "SELECT count(*) FROM issues WHERE error IS NOT NULL", &failed);
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

/* The sections of @index's articles, added to @sections */
static void
add_sections (BulletinSearchIndex *index,
              GHashTable          *sections)
{
  sqlite3 *db = db_open_read (index->db_path, index->is_shared, NULL);
  sqlite3_stmt *stmt = NULL;

  if (db == NULL)
    return;
  if (sqlite3_prepare_v2 (db, "SELECT DISTINCT section FROM docs WHERE section IS NOT NULL AND section != ''",
                          -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *section = (const char *)sqlite3_column_text (stmt, 0);

        if (section != NULL && g_utf8_validate (section, -1, NULL))
          g_hash_table_add (sections, g_strdup (section));
      }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static int
compare_sections (gconstpointer a,
                  gconstpointer b)
{
  return g_utf8_collate (*(const char **)a, *(const char **)b);
}

/**
 * bulletin_search_index_dup_sections:
 *
 * The sections of the articles indexed so far (bulletin_article_get_section
 * ()), of the shared index beside the archive too when there is one: the
 * names a search can be filtered by.  Reads every article's row: call it
 * in a thread (bulletin_search_index_dup_sections_async ()).  Empty
 * without an index.
 *
 * Returns: (transfer full): the sections, sorted, each once
 */
char **
bulletin_search_index_dup_sections (BulletinSearchIndex  *self,
                                    GCancellable         *cancellable,
                                    GError              **error)
{
  g_autoptr(GHashTable) sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(BulletinSearchIndex) shared = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (BULLETIN_IS_SEARCH_INDEX (self), NULL);

  shared = dup_shared (self);
  add_sections (self, sections);
  if (shared != NULL)
    add_sections (shared, sections);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  g_hash_table_iter_init (&iter, sections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (list, key);
    }
  g_ptr_array_sort (list, compare_sections);
  g_ptr_array_add (list, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

static void
sections_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  char **sections = bulletin_search_index_dup_sections (source_object, cancellable, &error);

  if (sections == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sections, (GDestroyNotify)g_strfreev);
}

void
bulletin_search_index_dup_sections_async (BulletinSearchIndex *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BULLETIN_IS_SEARCH_INDEX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_search_index_dup_sections_async);
  g_task_run_in_thread (task, sections_thread);
}

/**
 * bulletin_search_index_dup_sections_finish:
 *
 * Returns: (transfer full): the sections, sorted
 */
char **
bulletin_search_index_dup_sections_finish (BulletinSearchIndex  *self,
                                           GAsyncResult         *result,
                                           GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
