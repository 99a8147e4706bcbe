/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-archive-cache.h"

/* Bump when the meaning of a field changes: older caches are then ignored. */
#define CACHE_VERSION 1
#define HEADER_GROUP "archive"

struct _BulletinArchiveCache
{
  char       *path;
  char       *archive_uri;
  GHashTable *entries;   /* name -> BulletinCacheEntry */
  gboolean    dirty;
};

void
bulletin_cache_entry_free (BulletinCacheEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->extra);
  g_free (entry->title);
  g_free (entry->date);
  g_free (entry->number);
  g_free (entry->edition);
  g_free (entry->error);
  g_free (entry);
}

/**
 * bulletin_archive_cache_path_for:
 *
 * Returns: (transfer full): where the cache of the archive at @archive_uri lives
 */
char *
bulletin_archive_cache_path_for (const char *archive_uri)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, archive_uri, -1);
  g_autofree char *name = g_strdup_printf ("%.32s.ini", sum);

  return g_build_filename (g_get_user_cache_dir (), "bulletin-reader", "archives", name, NULL);
}

static char *
dup_string (GKeyFile   *kf,
            const char *group,
            const char *key)
{
  char *value = g_key_file_get_string (kf, group, key, NULL);

  if (value != NULL && *value == 0)
    g_clear_pointer (&value, g_free);
  return value;
}

/**
 * bulletin_archive_cache_load:
 *
 * Reads the cache at @path; a missing, unreadable, outdated or foreign file
 * gives an empty cache (it is only a cache).
 *
 * Returns: (transfer full): the cache
 */
BulletinArchiveCache *
bulletin_archive_cache_load (const char *path,
                             const char *archive_uri)
{
  BulletinArchiveCache *cache = g_new0 (BulletinArchiveCache, 1);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) groups = NULL;
  g_autofree char *uri = NULL;

  cache->path = g_strdup (path);
  cache->archive_uri = g_strdup (archive_uri);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)bulletin_cache_entry_free);

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return cache;

  uri = g_key_file_get_string (kf, HEADER_GROUP, "uri", NULL);
  if (g_key_file_get_integer (kf, HEADER_GROUP, "version", NULL) != CACHE_VERSION ||
      g_strcmp0 (uri, archive_uri) != 0)
    {
      cache->dirty = TRUE;
      return cache;
    }

  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];
      BulletinCacheEntry *entry;
      char *name;

      if (group[0] != '/')
        continue;
      name = g_uri_unescape_string (group + 1, NULL);
      if (name == NULL)
        continue;

      entry = g_new0 (BulletinCacheEntry, 1);
      entry->kind = g_key_file_get_integer (kf, group, "kind", NULL);
      entry->size = g_key_file_get_uint64 (kf, group, "size", NULL);
      entry->mtime = g_key_file_get_int64 (kf, group, "mtime", NULL);
      entry->extra = dup_string (kf, group, "extra");
      entry->title = dup_string (kf, group, "title");
      entry->date = dup_string (kf, group, "date");
      entry->number = dup_string (kf, group, "number");
      entry->edition = dup_string (kf, group, "edition");
      entry->n_articles = g_key_file_get_integer (kf, group, "articles", NULL);
      entry->error = dup_string (kf, group, "error");
      entry->skip = g_key_file_get_boolean (kf, group, "skip", NULL);
      g_hash_table_replace (cache->entries, name, entry);
    }

  return cache;
}

/**
 * bulletin_archive_cache_lookup:
 *
 * Returns: (transfer none) (nullable): what is known of @name, if it has
 * not changed since
 */
const BulletinCacheEntry *
bulletin_archive_cache_lookup (BulletinArchiveCache *cache,
                               const char           *name,
                               BulletinIssueKind     kind,
                               guint64               size,
                               gint64                mtime,
                               const char           *extra)
{
  BulletinCacheEntry *entry = g_hash_table_lookup (cache->entries, name);

  if (entry == NULL || entry->kind != kind || entry->size != size || entry->mtime != mtime ||
      g_strcmp0 (entry->extra, extra) != 0)
    return NULL;
  return entry;
}

/* Takes @entry. */
void
bulletin_archive_cache_store (BulletinArchiveCache *cache,
                              const char           *name,
                              BulletinCacheEntry   *entry)
{
  g_hash_table_replace (cache->entries, g_strdup (name), entry);
  cache->dirty = TRUE;
}

/* Forgets the entries that are no longer in the archive. */
void
bulletin_archive_cache_retain (BulletinArchiveCache *cache,
                               GHashTable           *names)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, cache->entries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (names, key))
      {
        g_hash_table_iter_remove (&iter);
        cache->dirty = TRUE;
      }
}

gboolean
bulletin_archive_cache_is_dirty (BulletinArchiveCache *cache)
{
  return cache->dirty;
}

static void
set_optional (GKeyFile   *kf,
              const char *group,
              const char *key,
              const char *value)
{
  if (value != NULL)
    g_key_file_set_string (kf, group, key, value);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* Writes the cache atomically (a temporary file renamed over the old). */
gboolean
bulletin_archive_cache_save (BulletinArchiveCache  *cache,
                             GError               **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (cache->path);
  g_autoptr(GPtrArray) names = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  g_key_file_set_integer (kf, HEADER_GROUP, "version", CACHE_VERSION);
  g_key_file_set_string (kf, HEADER_GROUP, "uri", cache->archive_uri);

  names = g_ptr_array_new ();
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, cache->entries);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (names, key);
  }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      BulletinCacheEntry *entry = g_hash_table_lookup (cache->entries, name);
      g_autofree char *escaped = g_uri_escape_string (name, NULL, TRUE);
      g_autofree char *group = g_strconcat ("/", escaped, NULL);

      g_key_file_set_integer (kf, group, "kind", entry->kind);
      g_key_file_set_uint64 (kf, group, "size", entry->size);
      g_key_file_set_int64 (kf, group, "mtime", entry->mtime);
      set_optional (kf, group, "extra", entry->extra);
      set_optional (kf, group, "title", entry->title);
      set_optional (kf, group, "date", entry->date);
      set_optional (kf, group, "number", entry->number);
      set_optional (kf, group, "edition", entry->edition);
      g_key_file_set_integer (kf, group, "articles", entry->n_articles);
      set_optional (kf, group, "error", entry->error);
      if (entry->skip)
        g_key_file_set_boolean (kf, group, "skip", TRUE);
    }

  if (!g_key_file_save_to_file (kf, cache->path, error))
    return FALSE;
  cache->dirty = FALSE;
  return TRUE;
}

void
bulletin_archive_cache_free (BulletinArchiveCache *cache)
{
  if (cache == NULL)
    return;
  g_free (cache->path);
  g_free (cache->archive_uri);
  g_hash_table_unref (cache->entries);
  g_free (cache);
}
