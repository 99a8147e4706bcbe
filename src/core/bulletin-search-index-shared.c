/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "bulletin-search-index-private.h"

/*
 * The shared index beside the archive (bulletin-reader --index; docs/
 * search.md, "One index for the whole office"): finding a current one,
 * what it covers, and merging its results with a client's own.
 */

/* The shared index beside the archive, read-only, when it is current: its
 * job left it whole (its lock file says so; it is read, never locked) and
 * complete.  Looked for again at each update and query, since the job on
 * the file server may run at any time. */
BulletinSearchIndex *
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
  if (!index_query_int64 (db, "SELECT value FROM meta WHERE key = 'complete'", &complete))
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

/* A shared index's issues: path → IndexedIssue (size, mtime, failed) */
GHashTable *
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
char *
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
gboolean
shared_covers (GHashTable      *shared_issues,
               const IssueFile *f)
{
  IndexedIssue *issue;

  if (shared_issues == NULL || f == NULL)
    return FALSE;
  issue = g_hash_table_lookup (shared_issues, f->path);
  return issue != NULL && !issue->failed && issue->size == f->size && issue->mtime == f->mtime;
}

/* The paths whose shared results are not taken: the issues this index
 * holds (newer than the shared copy, or unreadable there), and what the
 * last update found changed or gone */
GHashTable *
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
BulletinSearchResults *
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

