/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

/* ---------------------------------------------------------------------- */
/* damaged copies */

/**
 * bulletin_annotations_find_newer_damaged_copy:
 *
 * A copy of a damaged file ("annotations.ini.damaged-TIME") changed later
 * than the key file, or present while the key file is not: the key file
 * may lack what the copy holds (an older version could not write the
 * repaired file), and the user should be offered to restore from it.
 *
 * Returns: (transfer full) (nullable): the newest such copy's path
 */
char *
bulletin_annotations_find_newer_damaged_copy (BulletinAnnotations *self)
{
  g_autofree char *prefix = g_strconcat (BULLETIN_ANNOTATIONS_FILE_NAME, DAMAGED_INFIX, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *best = NULL;
  struct stat key, st, best_st = { 0 };
  gboolean have_key;
  const char *name;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);

  dir = g_dir_open (self->dir, 0, NULL);
  if (dir == NULL)
    return NULL;
  have_key = stat (self->path, &key) == 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, prefix))
        continue;
      path = g_build_filename (self->dir, name, NULL);
      if (stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size == 0)
        continue;
      if (have_key)
        {
          if (st.st_dev == key.st_dev && st.st_ino == key.st_ino)
            continue;
          if (st.st_mtim.tv_sec < key.st_mtim.tv_sec ||
              (st.st_mtim.tv_sec == key.st_mtim.tv_sec && st.st_mtim.tv_nsec <= key.st_mtim.tv_nsec))
            continue;
        }
      if (best == NULL || st.st_mtim.tv_sec > best_st.st_mtim.tv_sec ||
          (st.st_mtim.tv_sec == best_st.st_mtim.tv_sec && st.st_mtim.tv_nsec > best_st.st_mtim.tv_nsec))
        {
          g_free (best);
          best = g_steal_pointer (&path);
          best_st = st;
        }
    }
  return g_steal_pointer (&best);
}

/**
 * bulletin_annotations_restore_damaged_copy:
 *
 * Merges what can be read of a damaged copy into the store (later changes
 * win, recorded deletions stay deleted) and saves.  The copy stays.
 */
gboolean
bulletin_annotations_restore_damaged_copy (BulletinAnnotations  *self,
                                           const char           *path,
                                           GError              **error)
{
  g_autofree char *data = NULL;
  g_autofree char *reason = NULL;
  gsize length;
  State copy;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  bulletin_annotations_state_init (&copy);
  /* damaged or not: what can be read is in @copy */
  bulletin_annotations_parse_data (data, length, &copy, NULL, NULL, &reason);
  g_mutex_lock (&self->state_lock);
  bulletin_annotations_merge_shown (self, &copy);
  bulletin_annotations_state_clear (&copy);
  return bulletin_annotations_save_change (self, ALL_GROUPS, NULL, error);
}

/* ---------------------------------------------------------------------- */
/* backup and restore */

/**
 * bulletin_annotations_to_data:
 *
 * Everything, deletions included, as one key file: a backup.
 *
 * Returns: (transfer full): the key file's text
 */
char *
bulletin_annotations_to_data (BulletinAnnotations *self,
                              gsize               *length)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  {
    char *data;

    g_mutex_lock (&self->state_lock);
    data = bulletin_annotations_state_to_data (&self->state, &self->written, NULL, length);
    g_mutex_unlock (&self->state_lock);
    return data;
  }
}

gboolean
bulletin_annotations_backup (BulletinAnnotations  *self,
                             GFile                *file,
                             GError              **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = bulletin_annotations_to_data (self, &length);
  return g_file_replace_contents (file, data, length, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * bulletin_annotations_import_data:
 *
 * Merges a backup (or another machine's file) into the store, as a
 * concurrent writer's file would be merged: later changes win, recorded
 * deletions stay deleted.  A backup that cannot be read completely is
 * refused, and nothing changes.
 */
gboolean
bulletin_annotations_import_data (BulletinAnnotations  *self,
                                  const char           *data,
                                  gsize                 length,
                                  GError              **error)
{
  return bulletin_annotations_import_data_counted (self, data, length, NULL, NULL, error);
}

/**
 * bulletin_annotations_import_data_counted:
 * @n_bookmarks: (out) (optional): the bookmarks the backup holds
 * @n_notes: (out) (optional): the notes it holds
 *
 * As bulletin_annotations_import_data (), saying how many bookmarks and
 * notes (not deleted ones) the backup holds.  The groups of a backup's
 * corrections (`[Corrections …]`, docs/corrections-format.md) are not
 * the store's: they are left out here, and restored by
 * bulletin_corrections_restore_data ().
 */
gboolean
bulletin_annotations_import_data_counted (BulletinAnnotations  *self,
                                          const char           *data,
                                          gsize                 length,
                                          guint                *n_bookmarks,
                                          guint                *n_notes,
                                          GError              **error)
{
  g_autofree char *reason = NULL;
  GHashTableIter iter;
  gpointer key;
  State imported;
  gboolean ok;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  bulletin_annotations_state_init (&imported);
  if (!bulletin_annotations_parse_data (data, length, &imported, NULL, NULL, &reason))
    {
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_CORRUPT,
                   _("The backup cannot be read: %s"), reason);
      bulletin_annotations_state_clear (&imported);
      return FALSE;
    }
  g_hash_table_iter_init (&iter, imported.extra);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, BULLETIN_ANNOTATIONS_CORRECTIONS_PREFIX))
      g_hash_table_iter_remove (&iter);
  if (n_bookmarks != NULL)
    *n_bookmarks = g_hash_table_size (imported.bookmarks);
  if (n_notes != NULL)
    *n_notes = g_hash_table_size (imported.notes);
  g_mutex_lock (&self->state_lock);
  bulletin_annotations_merge_shown (self, &imported);
  bulletin_annotations_state_clear (&imported);
  ok = bulletin_annotations_save_change (self, ALL_GROUPS, NULL, error);
  return ok;
}

gboolean
bulletin_annotations_import (BulletinAnnotations  *self,
                             GFile                *file,
                             GError              **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!g_file_load_contents (file, NULL, &data, &length, NULL, error))
    return FALSE;
  if (!bulletin_annotations_import_data (self, data, length, &local_error))
    {
      name = g_file_get_parse_name (file);
      g_set_error (error, local_error->domain, local_error->code,
                   "%s: %s", name, local_error->message);
      return FALSE;
    }
  return TRUE;
}
