/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-archive-cache.h"
#include "bulletin-formats.h"

/* Bump when the meaning of a field changes: older caches are then ignored.
 * 2: article counts as the reader makes them; 3: plain-text titles from the
 * masthead; 4: the kind as its format's name from the table of formats
 * ("ninjs", "ninjs-folder"), not as the number of BulletinIssueKind */
#define CACHE_VERSION 4

/* What the file held is kept as it was read: one block of text whose
 * fields are unescaped in place, and one array of entries pointing into
 * it, so that loading 20,000 entries makes no allocation per entry (it
 * made seven, a third of the time of a cached opening's listing thread).
 * Entries stored later are owned one by one. */
struct _BulletinArchiveCache
{
  char               *path;
  char               *archive_uri;
  GHashTable         *entries;   /* name -> BulletinCacheEntry (borrowed) */
  char               *contents;  /* the file's text, its fields in place */
  BulletinCacheEntry *loaded;    /* the entries read from it, in one block */
  GPtrArray          *stored;    /* BulletinCacheEntry stored since */
  GStringChunk       *names;     /* the names stored since */
  gboolean            dirty;
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

BulletinCacheEntry *
bulletin_cache_entry_copy (const BulletinCacheEntry *entry)
{
  BulletinCacheEntry *copy = g_new0 (BulletinCacheEntry, 1);

  *copy = *entry;
  copy->extra = g_strdup (entry->extra);
  copy->title = g_strdup (entry->title);
  copy->date = g_strdup (entry->date);
  copy->number = g_strdup (entry->number);
  copy->edition = g_strdup (entry->edition);
  copy->error = g_strdup (entry->error);
  return copy;
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
  g_autofree char *name = g_strdup_printf ("%.32s.cache", sum);

  return g_build_filename (g_get_user_cache_dir (), "bulletin-reader", "archives", name, NULL);
}

/* The file is one line per entry, fields separated by tabs, with \\, \t,
 * \n and \r escaped; an empty field is an absent value.  The first line
 * names the format and the archive.  (A GKeyFile took 60 ms to read for
 * 5,000 issues on a busy machine, more than the whole budget for showing
 * the first issue; this takes a few.) */
#define MAGIC "bulletin-reader archive cache"

enum {
  F_NAME, F_KIND, F_SIZE, F_MTIME, F_EXTRA, F_TITLE, F_DATE, F_NUMBER, F_EDITION,
  F_ARTICLES, F_ERROR, F_SKIP, N_FIELDS
};

static void
append_escaped (GString    *out,
                const char *value)
{
  if (value == NULL)
    return;
  for (const char *p = value; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (out, "\\\\"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default: g_string_append_c (out, *p); break;
      }
}

/* Unescapes @field in place (unescaping only shrinks it); NULL for an
 * empty field, an absent value */
static char *
unescape_in_place (char *field)
{
  char *out;

  if (*field == 0)
    return NULL;
  out = strchr (field, '\\');
  if (out == NULL)
    return field;

  for (const char *p = out; *p; p++)
    {
      if (*p != '\\' || p[1] == 0)
        {
          *out++ = *p;
          continue;
        }
      p++;
      switch (*p)
        {
        case 't': *out++ = '\t'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        default: *out++ = *p; break;
        }
    }
  *out = 0;
  return field;
}

/* Splits @line (modified in place) into exactly N_FIELDS fields. */
static gboolean
split_fields (char  *line,
              char **fields)
{
  guint n = 0;
  char *p = line;

  for (;;)
    {
      char *tab = strchr (p, '\t');

      if (n >= N_FIELDS)
        return FALSE;
      fields[n++] = p;
      if (tab == NULL)
        break;
      *tab = 0;
      p = tab + 1;
    }
  return n == N_FIELDS;
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
  g_autofree char *header = NULL;
  gsize len = 0, n_lines = 0, n_loaded = 0;
  char *line, *end;

  cache->path = g_strdup (path);
  cache->archive_uri = g_strdup (archive_uri);
  cache->stored = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_cache_entry_free);

  if (!g_file_get_contents (path, &cache->contents, &len, NULL))
    {
      cache->entries = g_hash_table_new (g_str_hash, g_str_equal);
      return cache;
    }

  /* one entry a line: the table and the entries sized once */
  end = cache->contents + len;
  for (const char *p = cache->contents; (p = memchr (p, '\n', end - p)) != NULL; p++)
    n_lines++;
  cache->entries = g_hash_table_new (g_str_hash, g_str_equal);
  if (n_lines > 1)
    cache->loaded = g_new0 (BulletinCacheEntry, n_lines - 1);

  header = g_strdup_printf (MAGIC " %d\t", CACHE_VERSION);
  line = cache->contents;
  {
    char *nl = memchr (line, '\n', end - line);
    const char *uri;

    if (nl == NULL || !g_str_has_prefix (line, header))
      {
        cache->dirty = TRUE;
        return cache;
      }
    *nl = 0;
    uri = unescape_in_place (line + strlen (header));
    if (g_strcmp0 (uri, archive_uri) != 0)
      {
        cache->dirty = TRUE;
        return cache;
      }
    line = nl + 1;
  }

  while (line < end)
    {
      char *nl = memchr (line, '\n', end - line);
      char *fields[N_FIELDS];
      BulletinCacheEntry *entry;

      if (nl == NULL)
        break;   /* a cut last line: not trusted */
      *nl = 0;
      if (!split_fields (line, fields) || *fields[F_NAME] == 0)
        {
          cache->dirty = TRUE;
          line = nl + 1;
          continue;
        }

      g_assert (n_loaded < n_lines - 1);
      entry = &cache->loaded[n_loaded];
      /* a format this build does not know (a newer build wrote it): the
       * entry is read again */
      if (!bulletin_format_kind_for_format_name (fields[F_KIND], &entry->kind))
        {
          cache->dirty = TRUE;
          line = nl + 1;
          continue;
        }
      n_loaded++;
      entry->size = g_ascii_strtoull (fields[F_SIZE], NULL, 10);
      entry->mtime = g_ascii_strtoll (fields[F_MTIME], NULL, 10);
      entry->extra = unescape_in_place (fields[F_EXTRA]);
      entry->title = unescape_in_place (fields[F_TITLE]);
      entry->date = unescape_in_place (fields[F_DATE]);
      entry->number = unescape_in_place (fields[F_NUMBER]);
      entry->edition = unescape_in_place (fields[F_EDITION]);
      entry->n_articles = (guint)g_ascii_strtoull (fields[F_ARTICLES], NULL, 10);
      entry->error = unescape_in_place (fields[F_ERROR]);
      entry->skip = fields[F_SKIP][0] == '1';
      g_hash_table_replace (cache->entries, unescape_in_place (fields[F_NAME]), entry);
      line = nl + 1;
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
  if (cache->names == NULL)
    cache->names = g_string_chunk_new (4096);
  g_ptr_array_add (cache->stored, entry);
  g_hash_table_replace (cache->entries, g_string_chunk_insert_const (cache->names, name), entry);
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
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *dir = g_path_get_dirname (cache->path);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  /* the shared cache is read by everyone in the office */
  if (g_mkdir_with_parents (dir, strcmp (cache->archive_uri, BULLETIN_ARCHIVE_CACHE_SHARED) == 0 ? 0755 : 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  g_string_append_printf (out, MAGIC " %d\t", CACHE_VERSION);
  append_escaped (out, cache->archive_uri);
  g_string_append_c (out, '\n');

  g_hash_table_iter_init (&iter, cache->entries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      BulletinCacheEntry *entry = g_hash_table_lookup (cache->entries, name);

      const char *kind = bulletin_format_kind_name (entry->kind);

      if (kind == NULL)
        continue;
      append_escaped (out, name);
      g_string_append_printf (out, "\t%s\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\t",
                              kind, entry->size, entry->mtime);
      append_escaped (out, entry->extra);
      g_string_append_c (out, '\t');
      append_escaped (out, entry->title);
      g_string_append_c (out, '\t');
      append_escaped (out, entry->date);
      g_string_append_c (out, '\t');
      append_escaped (out, entry->number);
      g_string_append_c (out, '\t');
      append_escaped (out, entry->edition);
      g_string_append_printf (out, "\t%u\t", entry->n_articles);
      append_escaped (out, entry->error);
      g_string_append_printf (out, "\t%d\n", entry->skip ? 1 : 0);
    }

  if (!g_file_set_contents (cache->path, out->str, out->len, error))
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
  g_ptr_array_unref (cache->stored);
  g_clear_pointer (&cache->names, g_string_chunk_free);
  g_free (cache->loaded);
  g_free (cache->contents);
  g_free (cache);
}
