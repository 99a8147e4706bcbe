/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

G_DEFINE_QUARK (bulletin-annotations-error-quark, bulletin_annotations_error)

G_DEFINE_FINAL_TYPE (BulletinAnnotations, bulletin_annotations, G_TYPE_OBJECT)

enum {
  CHANGED,
  PROBLEM,
  SAVE_STATE_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

void
bulletin_annotations_emit_changed (BulletinAnnotations *self)
{
  g_signal_emit (self, signals [CHANGED], 0);
}

void
bulletin_annotations_emit_save_state_changed (BulletinAnnotations *self)
{
  g_signal_emit (self, signals [SAVE_STATE_CHANGED], 0);
}

void
bulletin_annotations_report_problem (BulletinAnnotations *self,
                                     const char          *message)
{
  g_message ("%s", message);
  g_signal_emit (self, signals [PROBLEM], 0, message);
}

/* ---------------------------------------------------------------------- */
/* the object */

static void
bulletin_annotations_dispose (GObject *object)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->write_source, g_source_remove);
  bulletin_annotations_models_flush (self);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (bulletin_annotations_parent_class)->dispose (object);
}

static void
bulletin_annotations_finalize (GObject *object)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (object);

  bulletin_annotations_state_clear (&self->state);
  g_clear_pointer (&self->written, g_hash_table_unref);
  g_clear_pointer (&self->seen, bulletin_annotations_seen_free);
  g_clear_pointer (&self->unsaved, g_hash_table_unref);
  g_free (self->last_error);
  g_mutex_clear (&self->state_lock);
  g_clear_object (&self->bookmark_model);
  g_clear_object (&self->note_model);
  g_free (self->dir);
  g_free (self->path);
  g_free (self->lock_path);

  G_OBJECT_CLASS (bulletin_annotations_parent_class)->finalize (object);
}

static void
bulletin_annotations_class_init (BulletinAnnotationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bulletin_annotations_dispose;
  object_class->finalize = bulletin_annotations_finalize;

  /**
   * BulletinAnnotations::changed:
   *
   * Something changed: a change of this process or one merged from the
   * file.
   */
  signals [CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BulletinAnnotations::problem:
   * @message: what happened, for people, naming the file
   *
   * The file was damaged and moved aside, or could not be written.
   */
  signals [PROBLEM] =
    g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * BulletinAnnotations::save-state-changed:
   *
   * Changes became unsaved (a write failed: they are kept in memory and
   * retried) or were written: ask bulletin_annotations_has_unsaved () and
   * bulletin_annotations_is_bookmark_saved () / _is_note_saved ().
   */
  signals [SAVE_STATE_CHANGED] =
    g_signal_new ("save-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bulletin_annotations_init (BulletinAnnotations *self)
{
  bulletin_annotations_state_init (&self->state);
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bulletin_annotations_chunk_free);
  self->seen = bulletin_annotations_seen_new ();
  self->unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->state_lock);
  self->bookmark_model = g_list_store_new (BULLETIN_TYPE_BOOKMARK);
  self->note_model = g_list_store_new (BULLETIN_TYPE_NOTE);
  self->monitored = TRUE;
}

/**
 * bulletin_annotations_new:
 * @dir: (nullable): the folder, or %NULL for the user's data folder
 *
 * Returns: (transfer full): a store; call bulletin_annotations_load ()
 */
BulletinAnnotations *
bulletin_annotations_new (const char *dir)
{
  BulletinAnnotations *self = g_object_new (BULLETIN_TYPE_ANNOTATIONS, NULL);

  if (dir != NULL)
    self->dir = g_strdup (dir);
  else
    self->dir = g_build_filename (g_get_user_data_dir (), "bulletin-reader", NULL);
  self->path = g_build_filename (self->dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  return self;
}

const char *
bulletin_annotations_get_path (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return self->path;
}

static gboolean
reload_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reload_source = 0;
  if (self->async_writes || self->reading)
    {
      /* in a thread, after a write or read that runs */
      bulletin_annotations_start_read (self, FALSE, FALSE, NULL);
      return G_SOURCE_REMOVE;
    }
  if (self->writing)
    {
      /* after the write */
      self->reload_again = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (!bulletin_annotations_sync_with_file (self, FALSE, &error))
    bulletin_annotations_report_problem (self, error->message);
  return G_SOURCE_REMOVE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  BulletinAnnotations *self = user_data;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *other = other_file != NULL ? g_file_get_basename (other_file) : NULL;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  if (g_strcmp0 (name, BULLETIN_ANNOTATIONS_FILE_NAME) != 0 &&
      g_strcmp0 (other, BULLETIN_ANNOTATIONS_FILE_NAME) != 0)
    return;

  /* a writer's burst of events makes one merge */
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

static void
update_monitor (BulletinAnnotations *self)
{
  if (self->monitored && self->loaded && self->monitor == NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (self->dir);
      g_autoptr(GError) error = NULL;

      self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      if (self->monitor == NULL)
        g_warning ("Cannot watch %s for changes: %s", self->dir, error->message);
      else
        g_signal_connect_object (self->monitor, "changed",
                                 G_CALLBACK (monitor_changed_cb), self, 0);
    }
  else if (!self->monitored && self->monitor != NULL)
    {
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
      g_clear_handle_id (&self->reload_source, g_source_remove);
    }
}

/**
 * bulletin_annotations_set_monitored:
 *
 * Whether a file monitor merges other processes' changes as they happen
 * (the default).  Without it, they are merged at the next change or
 * bulletin_annotations_reload ().
 */
void
bulletin_annotations_set_monitored (BulletinAnnotations *self,
                                    gboolean             monitored)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS (self));

  self->monitored = !!monitored;
  update_monitor (self);
}

/**
 * bulletin_annotations_load:
 *
 * Reads the file (a missing file is an empty store) and starts watching
 * it.  A damaged file is moved aside, "problem" is emitted, what could be
 * read is kept, and this returns %TRUE: the store is usable.  %FALSE only
 * when the folder or the lock cannot be used at all.
 */
gboolean
bulletin_annotations_load (BulletinAnnotations  *self,
                           GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  fd = bulletin_annotations_take_lock (self, error);
  if (fd < 0)
    return FALSE;
  bulletin_annotations_remove_stale_temporaries (self);
  bulletin_annotations_release_lock (fd);

  self->loaded = TRUE;
  update_monitor (self);
  if (!bulletin_annotations_sync_with_file (self, FALSE, &local_error))
    {
      /* a repaired file that could not be written (a full disk): what was
       * read is in memory, the file stays as it was, writing is retried */
      if (g_error_matches (local_error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE))
        {
          bulletin_annotations_report_problem (self, local_error->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * bulletin_annotations_load_async:
 *
 * As bulletin_annotations_load (), without waiting: the file is read and
 * parsed in a thread, the bookmarks and notes fill the models when it is
 * (a slice at a time: the window never waits), and @callback is called
 * when they are all listed.  Meanwhile the store can be used: changes are
 * kept, merged into what is read (the later version of a record wins) and
 * written after it.
 */
void
bulletin_annotations_load_async (BulletinAnnotations *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_annotations_load_async);
  self->loaded = TRUE;
  self->loading = TRUE;
  update_monitor (self);
  /* a merge or a write that runs (changes made before) is waited for */
  bulletin_annotations_wait_for_write (self);
  g_clear_handle_id (&self->write_source, g_source_remove);
  bulletin_annotations_start_read (self, TRUE, FALSE, task);
}

/**
 * bulletin_annotations_load_finish:
 *
 * Returns: %FALSE (and @error) only when the folder or the lock cannot be
 *   used at all, or a damaged file could not be kept
 */
gboolean
bulletin_annotations_load_finish (BulletinAnnotations  *self,
                                  GAsyncResult         *result,
                                  GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Whether a load is reading the file or filling the models. */
gboolean
bulletin_annotations_is_loading (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  return self->loading || bulletin_annotations_models_filling (self);
}

/**
 * bulletin_annotations_reload:
 *
 * Merges the file's content now, if it changed.
 */
gboolean
bulletin_annotations_reload (BulletinAnnotations  *self,
                             GError              **error)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  return bulletin_annotations_sync_with_file (self, FALSE, error);
}

/* A change of the record @key (a note's uuid, a bookmark's article id;
 * NULL: many records) in @group (ALL_GROUPS: many): shown at once,
 * written at once or in a thread.  Called with state_lock held; releases
 * it. */
gboolean
bulletin_annotations_save_change (BulletinAnnotations  *self,
                                  const char           *group,
                                  const char           *key,
                                  GError              **error)
{
  bulletin_annotations_mark_unsaved (self, group);
  g_mutex_unlock (&self->state_lock);
  /* the mutator took the old version out of the model (models_forget);
   * a change of many records (NULL) changed the models as it went */
  if (key != NULL && g_str_has_prefix (group, NOTE_PREFIX))
    {
      gpointer now = g_hash_table_lookup (self->state.notes, key);

      if (now != NULL)
        bulletin_annotations_models_show (self, now);
    }
  else if (key != NULL && g_str_has_prefix (group, BOOKMARK_PREFIX))
    {
      gpointer now = g_hash_table_lookup (self->state.bookmarks, key);

      if (now != NULL)
        bulletin_annotations_models_show (self, now);
    }
  bulletin_annotations_emit_changed (self);
  if (self->async_writes)
    {
      bulletin_annotations_schedule_write (self);
      return TRUE;
    }
  return bulletin_annotations_sync_with_file (self, TRUE, error);
}

/* A change's time, later than what it replaces even when the clock is
 * coarse or went back. */
static gint64
next_time (gint64 previous)
{
  return MAX (g_get_real_time (), previous + 1);
}

/**
 * bulletin_annotations_get_bookmarks:
 *
 * Returns: (transfer none): a #GListModel of #BulletinBookmark, newest
 *   first
 */
GListModel *
bulletin_annotations_get_bookmarks (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return G_LIST_MODEL (self->bookmark_model);
}

/**
 * bulletin_annotations_lookup_bookmark:
 *
 * Returns: (transfer none) (nullable): the bookmark of the article
 */
BulletinBookmark *
bulletin_annotations_lookup_bookmark (BulletinAnnotations *self,
                                      const char          *article_id)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);
  return g_hash_table_lookup (self->state.bookmarks, article_id);
}

/* The store keeps @bookmark (a reference) or, if the article has one,
 * updates that one from it. */
gboolean
bulletin_annotations_add_bookmark (BulletinAnnotations  *self,
                                   BulletinBookmark     *bookmark,
                                   GError              **error)
{
  const char *id;
  BulletinBookmark *old;
  g_autofree char *group = NULL;
  gint64 modified;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (bookmark), FALSE);

  g_mutex_lock (&self->state_lock);
  id = bulletin_bookmark_get_article_id (bookmark);
  group = bulletin_annotations_bookmark_group (id);
  old = g_hash_table_lookup (self->state.bookmarks, id);
  bulletin_annotations_models_forget (self, old);
  modified = next_time (MAX (bulletin_bookmark_get_modified (bookmark),
                             MAX (bulletin_annotations_state_deleted_time (&self->state, group),
                                  old ? bulletin_bookmark_get_modified (old) : 0)));
  bulletin_bookmark_set_times (bookmark, bulletin_bookmark_get_added (bookmark), modified);
  g_hash_table_remove (self->state.deleted, group);

  if (old != NULL && old != bookmark)
    _bulletin_bookmark_assign (old, bookmark);
  else if (old == NULL)
    g_hash_table_insert (self->state.bookmarks, g_strdup (id), g_object_ref (bookmark));

  return bulletin_annotations_save_change (self, group, id, error);
}

gboolean
bulletin_annotations_remove_bookmark (BulletinAnnotations  *self,
                                      const char           *article_id,
                                      GError              **error)
{
  BulletinBookmark *old;
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  g_mutex_lock (&self->state_lock);
  old = g_hash_table_lookup (self->state.bookmarks, article_id);
  if (old == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The article is not bookmarked"));
      return FALSE;
    }
  bulletin_annotations_models_forget (self, old);
  group = bulletin_annotations_bookmark_group (article_id);
  bulletin_annotations_state_set_deleted (&self->state, group, next_time (bulletin_bookmark_get_modified (old)));
  {
    g_autofree char *key = g_strdup (article_id);

    g_hash_table_remove (self->state.bookmarks, article_id);
    return bulletin_annotations_save_change (self, group, key, error);
  }
}

/**
 * bulletin_annotations_get_notes:
 *
 * Returns: (transfer none): a #GListModel of #BulletinNote, newest first
 */
GListModel *
bulletin_annotations_get_notes (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return G_LIST_MODEL (self->note_model);
}

/**
 * bulletin_annotations_lookup_note:
 *
 * Returns: (transfer none) (nullable): the note
 */
BulletinNote *
bulletin_annotations_lookup_note (BulletinAnnotations *self,
                                  const char          *uuid)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  return g_hash_table_lookup (self->state.notes, uuid);
}

GPtrArray *
bulletin_annotations_dup_notes_for_article (BulletinAnnotations *self,
                                            const char          *article_id)
{
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), notes);
  g_return_val_if_fail (article_id != NULL, notes);

  g_hash_table_iter_init (&iter, self->state.notes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (bulletin_note_get_article_id (value), article_id) == 0)
      g_ptr_array_add (notes, g_object_ref (value));
  g_ptr_array_sort (notes, bulletin_annotations_compare_by_position);
  return notes;
}

/* The store keeps @note (a reference). */
gboolean
bulletin_annotations_add_note (BulletinAnnotations  *self,
                               BulletinNote         *note,
                               GError              **error)
{
  const char *uuid;
  BulletinNote *old;
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_NOTE (note), FALSE);

  g_mutex_lock (&self->state_lock);
  uuid = bulletin_note_get_uuid (note);
  group = bulletin_annotations_note_group (uuid);
  old = g_hash_table_lookup (self->state.notes, uuid);
  bulletin_annotations_models_forget (self, old);
  /* adding it again (Undo of a deletion) makes it later than the deletion */
  bulletin_note_set_times (note, bulletin_note_get_created (note),
                           next_time (MAX (bulletin_note_get_modified (note),
                                           MAX (bulletin_annotations_state_deleted_time (&self->state, group),
                                                old ? bulletin_note_get_modified (old) : 0))));
  g_hash_table_remove (self->state.deleted, group);
  if (old != NULL && old != note)
    _bulletin_note_assign (old, note);
  else if (old == NULL)
    g_hash_table_insert (self->state.notes, g_strdup (uuid), g_object_ref (note));

  return bulletin_annotations_save_change (self, group, uuid, error);
}

/* Saves a change to @note (its text, usually), stamping the time. */
gboolean
bulletin_annotations_update_note (BulletinAnnotations  *self,
                                  BulletinNote         *note,
                                  GError              **error)
{
  BulletinNote *old;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_NOTE (note), FALSE);

  g_mutex_lock (&self->state_lock);
  old = g_hash_table_lookup (self->state.notes, bulletin_note_get_uuid (note));
  if (old == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The note was deleted meanwhile"));
      return FALSE;
    }
  bulletin_annotations_models_forget (self, old);
  bulletin_note_set_times (note, bulletin_note_get_created (note),
                           next_time (MAX (bulletin_note_get_modified (note),
                                           bulletin_note_get_modified (old))));
  if (old != note)
    _bulletin_note_assign (old, note);
  {
    g_autofree char *group = bulletin_annotations_note_group (bulletin_note_get_uuid (note));

    return bulletin_annotations_save_change (self, group, bulletin_note_get_uuid (note), error);
  }
}

gboolean
bulletin_annotations_remove_note (BulletinAnnotations  *self,
                                  const char           *uuid,
                                  GError              **error)
{
  BulletinNote *old;
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  g_mutex_lock (&self->state_lock);
  old = g_hash_table_lookup (self->state.notes, uuid);
  if (old == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The note was deleted meanwhile"));
      return FALSE;
    }
  bulletin_annotations_models_forget (self, old);
  group = bulletin_annotations_note_group (uuid);
  bulletin_annotations_state_set_deleted (&self->state, group, next_time (bulletin_note_get_modified (old)));
  {
    g_autofree char *key = g_strdup (uuid);

    g_hash_table_remove (self->state.notes, uuid);
    return bulletin_annotations_save_change (self, group, key, error);
  }
}

/* How many deletions are recorded (tombstones). */
guint
bulletin_annotations_get_n_deleted (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), 0);
  return g_hash_table_size (self->state.deleted);
}

/* ---------------------------------------------------------------------- */
/* what is saved */

static gboolean
group_is_saved (BulletinAnnotations *self,
                const char          *group)
{
  /* a write under way that has not failed is not shown as unsaved: the
   * toggle would flicker at every change */
  if (self->async_writes && self->last_error == NULL)
    return TRUE;
  return g_hash_table_size (self->unsaved) == 0 ||
         (!g_hash_table_contains (self->unsaved, group) &&
          !g_hash_table_contains (self->unsaved, ALL_GROUPS));
}

/**
 * bulletin_annotations_has_unsaved:
 *
 * Whether bookmarks or notes (added, changed or deleted) are not yet in the
 * file: a write failed.  They are kept in memory and written at the next
 * change, every few seconds, or by bulletin_annotations_save_now ().
 * Reading positions do not count.
 */
gboolean
bulletin_annotations_has_unsaved (BulletinAnnotations *self)
{
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  g_hash_table_iter_init (&iter, self->unsaved);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_str_has_prefix (key, POSITION_PREFIX))
      return TRUE;
  return FALSE;
}

/* Whether the article's bookmark, or its removal, is in the file. */
gboolean
bulletin_annotations_is_bookmark_saved (BulletinAnnotations *self,
                                        const char          *article_id)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  group = bulletin_annotations_bookmark_group (article_id);
  return group_is_saved (self, group);
}

/* Whether the note as it is now, or its deletion, is in the file. */
gboolean
bulletin_annotations_is_note_saved (BulletinAnnotations *self,
                                    const char          *uuid)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  group = bulletin_annotations_note_group (uuid);
  return group_is_saved (self, group);
}

/**
 * bulletin_annotations_get_save_error:
 *
 * Returns: (nullable): why the last write failed, while changes are unsaved
 */
const char *
bulletin_annotations_get_save_error (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return self->dirty ? self->last_error : NULL;
}

/* Writes unsaved changes now (Retry). */
gboolean
bulletin_annotations_save_now (BulletinAnnotations  *self,
                               GError              **error)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  /* waits for a write running in a thread (sync_with_file does) */
  return bulletin_annotations_sync_with_file (self, self->dirty || self->write_source != 0, error);
}

/* Whether a save is scheduled or being written, or the file is being
 * read to be merged (a save waits for it). */
gboolean
bulletin_annotations_is_writing (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  return self->writing || self->reading || self->write_source != 0;
}

/* ---------------------------------------------------------------------- */
/* reading positions */

gboolean
bulletin_annotations_set_position (BulletinAnnotations  *self,
                                   const char           *archive_uri,
                                   const char           *issue_id,
                                   const char           *article_id,
                                   guint                 offset,
                                   GError              **error)
{
  Position *pos;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (archive_uri != NULL, FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  g_mutex_lock (&self->state_lock);
  pos = g_hash_table_lookup (self->state.positions, archive_uri);
  if (pos == NULL)
    {
      pos = g_new0 (Position, 1);
      pos->archive = g_strdup (archive_uri);
      g_hash_table_insert (self->state.positions, g_strdup (archive_uri), pos);
    }
  else if (g_strcmp0 (pos->article_id, article_id) == 0 && pos->offset == offset &&
           g_strcmp0 (pos->issue_id, issue_id) == 0)
    {
      g_mutex_unlock (&self->state_lock);
      return TRUE;
    }

  g_free (pos->article_id);
  pos->article_id = g_strdup (article_id);
  g_free (pos->issue_id);
  pos->issue_id = g_strdup (issue_id);
  pos->offset = offset;
  pos->modified = next_time (pos->modified);
  {
    g_autofree char *group = bulletin_annotations_digest_group (POSITION_PREFIX, archive_uri);

    bulletin_annotations_mark_unsaved (self, group);
  }
  g_mutex_unlock (&self->state_lock);
  if (self->async_writes)
    {
      bulletin_annotations_schedule_write (self);
      return TRUE;
    }
  return bulletin_annotations_sync_with_file (self, TRUE, error);
}

/**
 * bulletin_annotations_get_position:
 * @issue_id: (out) (transfer full) (optional) (nullable):
 * @article_id: (out) (transfer full) (optional):
 *
 * Where the reader left off in the archive.
 */
gboolean
bulletin_annotations_get_position (BulletinAnnotations  *self,
                                   const char           *archive_uri,
                                   char                **issue_id,
                                   char                **article_id,
                                   guint                *offset)
{
  Position *pos;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (archive_uri != NULL, FALSE);

  pos = g_hash_table_lookup (self->state.positions, archive_uri);
  if (pos == NULL)
    return FALSE;
  if (issue_id != NULL)
    *issue_id = g_strdup (pos->issue_id);
  if (article_id != NULL)
    *article_id = g_strdup (pos->article_id);
  if (offset != NULL)
    *offset = pos->offset;
  return TRUE;
}

/**
 * bulletin_annotations_get_last_position:
 * @archive_uri: (out) (transfer full) (optional):
 * @issue_id: (out) (transfer full) (optional) (nullable):
 * @article_id: (out) (transfer full) (optional):
 *
 * The position saved last, in any archive.
 */
gboolean
bulletin_annotations_get_last_position (BulletinAnnotations  *self,
                                        char                **archive_uri,
                                        char                **issue_id,
                                        char                **article_id,
                                        guint                *offset)
{
  GHashTableIter iter;
  gpointer value;
  Position *last = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  g_hash_table_iter_init (&iter, self->state.positions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (last == NULL || ((Position *) value)->modified > last->modified)
      last = value;
  if (last == NULL)
    return FALSE;
  if (archive_uri != NULL)
    *archive_uri = g_strdup (last->archive);
  if (issue_id != NULL)
    *issue_id = g_strdup (last->issue_id);
  if (article_id != NULL)
    *article_id = g_strdup (last->article_id);
  if (offset != NULL)
    *offset = last->offset;
  return TRUE;
}
