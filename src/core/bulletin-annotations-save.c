/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1  /* SCHED_BATCH */
#include "config.h"

#include <sched.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bulletin-annotations-private.h"

/*
 * Saving in a thread (bulletin_annotations_set_async_writes ()): a change
 * schedules a write; the thread writes the state under the lock and never
 * blocks the main loop.  When another writer wrote the file meanwhile, its
 * changes are merged first (bulletin-annotations-sync.c).
 */

typedef struct {
  guint64      gen;       /* the changes it holds */
  gboolean     conflict;  /* the file changed: merge first (on the main thread) */
  gboolean     ok;
  struct stat  st;
  GError      *error;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_clear_error (&job->error);
  g_free (job);
}

static void
stream_group (TempFile   *t,
              Seen       *now_seen,
              const char *group,
              const char *text)
{
  gsize n = strlen (text);

  bulletin_annotations_temp_append (t, "\n", 1);
  bulletin_annotations_temp_append (t, text, n);
  bulletin_annotations_seen_put (now_seen, group, text, n > 0 && text[n - 1] == '\n' ? n - 1 : n);
}

/* The file as bulletin_annotations_state_to_data () makes it, written in pieces as it is made,
 * so that a large file is never held in memory whole, and without holding
 * state_lock for long: what is written is taken under the lock (records by
 * reference, in order), and each record is made into text under the lock
 * on its own.  A record changed meanwhile is written as it is then (its
 * change is written again by the next write, being later than this
 * write's snapshot). */
static gboolean
write_streaming (BulletinAnnotations  *self,
                 Seen                 *now_seen,
                 GError              **error)
{
  g_autoptr(GPtrArray) fixed = g_ptr_array_new_with_free_func (g_free);  /* group, text, ... */
  g_autoptr(GPtrArray) bookmarks = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) tail = g_ptr_array_new_with_free_func (g_free);   /* group, text, ... */
  g_autofree char *header = g_strdup_printf ("[%s]\nversion=%d", HEADER_GROUP, FORMAT_VERSION);
  TempFile t;

  /* newest first, written oldest first; sorted without holding the lock
   * (the window's changes wait for it) */
  bookmarks = bulletin_annotations_sort_newest_first (self->state.bookmarks, FALSE, &self->state_lock);
  notes = bulletin_annotations_sort_newest_first (self->state.notes, TRUE, &self->state_lock);
  g_mutex_lock (&self->state_lock);
  {
    g_autoptr(GPtrArray) positions = bulletin_annotations_sorted_values (self->state.positions, bulletin_annotations_compare_positions);
    g_autoptr(GList) deleted = g_list_sort (g_hash_table_get_keys (self->state.deleted),
                                            (GCompareFunc) strcmp);
    g_autoptr(GList) extra = g_list_sort (g_hash_table_get_keys (self->state.extra),
                                          (GCompareFunc) strcmp);

    for (guint i = 0; i < positions->len; i++)
      {
        Position *pos = g_ptr_array_index (positions, i);
        char *group = bulletin_annotations_digest_group (POSITION_PREFIX, pos->archive);

        g_ptr_array_add (fixed, group);
        g_ptr_array_add (fixed, bulletin_annotations_position_to_text (group, pos));
      }
    for (GList *l = deleted; l != NULL; l = l->next)
      {
        g_ptr_array_add (tail, g_strdup (l->data));
        g_ptr_array_add (tail, bulletin_annotations_tombstone_to_text (l->data, *(gint64 *) g_hash_table_lookup (self->state.deleted, l->data)));
      }
    for (GList *l = extra; l != NULL; l = l->next)
      {
        g_ptr_array_add (tail, g_strdup (l->data));
        g_ptr_array_add (tail, g_strconcat (g_hash_table_lookup (self->state.extra, l->data), "\n", NULL));
      }
  }
  g_mutex_unlock (&self->state_lock);

  if (!bulletin_annotations_temp_open (&t, self->dir, error))
    return FALSE;
  bulletin_annotations_temp_append (&t, "# Bulletin Reader: bookmarks, notes and reading positions.\n"
                                        "# The format is described in docs/annotations-format.md.\n", -1);
  bulletin_annotations_temp_append (&t, header, -1);
  bulletin_annotations_temp_append (&t, "\n", 1);
  bulletin_annotations_seen_put (now_seen, HEADER_GROUP, header, strlen (header));

  for (guint i = 0; i + 1 < fixed->len; i += 2)
    stream_group (&t, now_seen, g_ptr_array_index (fixed, i), g_ptr_array_index (fixed, i + 1));
  for (guint i = bookmarks->len; i-- > 0;)
    {
      BulletinBookmark *b = g_ptr_array_index (bookmarks, i);
      g_autofree char *group = NULL;
      g_autofree char *text = NULL;

      g_mutex_lock (&self->state_lock);
      group = bulletin_annotations_group_of_bookmark (b);
      text = bulletin_annotations_bookmark_to_text (group, b);
      g_mutex_unlock (&self->state_lock);
      stream_group (&t, now_seen, group, text);
    }
  for (guint i = notes->len; i-- > 0;)
    {
      BulletinNote *n = g_ptr_array_index (notes, i);
      g_autofree char *group = bulletin_annotations_note_group (bulletin_note_get_uuid (n));
      g_autofree char *text = NULL;

      g_mutex_lock (&self->state_lock);
      text = bulletin_annotations_note_to_text (group, n);
      g_mutex_unlock (&self->state_lock);
      stream_group (&t, now_seen, group, text);
    }
  for (guint i = 0; i + 1 < tail->len; i += 2)
    stream_group (&t, now_seen, g_ptr_array_index (tail, i), g_ptr_array_index (tail, i + 1));

  return bulletin_annotations_temp_commit (&t, self->dir, self->path, error);
}

static void write_thread_work (BulletinAnnotations *self,
                               WriteJob            *job);

/* Runs @work (@source, @data) so that it yields to the main thread
 * whenever that wakes (SCHED_BATCH: this thread preempts no one on
 * waking); the pool's thread is given back as it was (going back to
 * SCHED_OTHER needs no privilege). */
void
bulletin_annotations_run_as_batch (void     (*work) (gpointer source,
                                                     gpointer data),
                                   gpointer   source,
                                   gpointer   data)
{
#ifdef SCHED_BATCH
  struct sched_param param = { 0 };
  int policy = sched_getscheduler (0);

  if (policy == SCHED_OTHER)
    sched_setscheduler (0, SCHED_BATCH, &param);
  work (source, data);
  if (policy == SCHED_OTHER)
    sched_setscheduler (0, SCHED_OTHER, &param);
#else
  work (source, data);
#endif
}

static void
write_work (gpointer source,
            gpointer data)
{
  write_thread_work (source, data);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  bulletin_annotations_run_as_batch (write_work, source, task_data);
}

static void
write_thread_work (BulletinAnnotations *self,
                   WriteJob            *job)
{
  g_autoptr(GError) local_error = NULL;
  Seen *now_seen, *old_seen;
  struct stat st;
  int fd;

  fd = bulletin_annotations_take_lock (self, &job->error);
  if (fd < 0)
    return;
  /* another writer wrote since: its changes are merged first, on the main
   * thread (have_stat and last_stat do not change while we run) */
  if (stat (self->path, &st) == 0 && !(self->have_stat && bulletin_annotations_same_stat (&st, &self->last_stat)))
    {
      job->conflict = TRUE;
      bulletin_annotations_release_lock (fd);
      return;
    }
  if (!self->have_stat && g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      job->conflict = TRUE;
      bulletin_annotations_release_lock (fd);
      return;
    }

  g_mutex_lock (&self->state_lock);
  now_seen = bulletin_annotations_seen_new_for (self->seen != NULL ? self->seen->n : 0);
  g_mutex_unlock (&self->state_lock);
  if (!write_streaming (self, now_seen, &local_error))
    {
      bulletin_annotations_release_lock (fd);
      bulletin_annotations_seen_free (now_seen);
      g_set_error (&job->error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE,
                   _("Could not save bookmarks and notes to %s: %s"),
                   self->path, local_error->message);
      return;
    }
  job->ok = stat (self->path, &job->st) == 0;
  bulletin_annotations_release_lock (fd);

  g_mutex_lock (&self->state_lock);
  old_seen = self->seen;
  self->seen = now_seen;
  g_mutex_unlock (&self->state_lock);
  /* freeing many strings is no work for the main thread */
  bulletin_annotations_seen_free (old_seen);
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (source);
  WriteJob *job = g_task_get_task_data (G_TASK (result));

  self->writing = FALSE;
  if (job->conflict)
    {
      /* merge the other writer's file, in a thread too, then write */
      self->write_again = FALSE;
      bulletin_annotations_start_read (self, FALSE, TRUE, NULL);
      return;
    }
  if (job->error == NULL)
    {
      GHashTableIter iter;
      gpointer gen;

      if (job->ok)
        {
          self->last_stat = job->st;
          self->have_stat = TRUE;
        }
      /* what changed after the snapshot stays unsaved */
      g_hash_table_iter_init (&iter, self->unsaved);
      while (g_hash_table_iter_next (&iter, NULL, &gen))
        if (*(guint64 *) gen <= job->gen)
          g_hash_table_iter_remove (&iter);
      self->dirty = self->change_gen > job->gen;
      if (g_hash_table_size (self->unsaved) == 0)
        self->dirty = FALSE;
      bulletin_annotations_update_save_state (self, NULL);
    }
  else
    {
      gboolean first = self->last_error == NULL;

      self->dirty = TRUE;
      bulletin_annotations_update_save_state (self, job->error);
      if (first)
        bulletin_annotations_report_problem (self, job->error->message);
    }

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      bulletin_annotations_start_read (self, FALSE, self->write_again, NULL);
    }
  else if (self->write_again)
    {
      self->write_again = FALSE;
      bulletin_annotations_schedule_write (self);
    }
}

static void
start_write (BulletinAnnotations *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, write_done, NULL);
  WriteJob *job = g_new0 (WriteJob, 1);

  job->gen = self->change_gen;
  self->writing = TRUE;
  self->write_again = FALSE;
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_thread);
}

static gboolean
write_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;

  self->write_source = 0;
  if (self->writing || self->reading)
    self->write_again = TRUE;
  else
    start_write (self);
  return G_SOURCE_REMOVE;
}

/* Coalesced: changes made before the write starts, or while it runs, make
 * one write; none starts while the file is read (it is merged first). */
void
bulletin_annotations_schedule_write (BulletinAnnotations *self)
{
  if (self->writing || self->reading)
    self->write_again = TRUE;
  else if (self->write_source == 0)
    self->write_source = g_idle_add (write_cb, self);
}

/* Runs the main context until the thread's write, or read, has
 * finished. */
void
bulletin_annotations_wait_for_write (BulletinAnnotations *self)
{
  g_object_ref (self);
  while (self->writing || self->reading)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (self);
}

/**
 * bulletin_annotations_set_async_writes:
 *
 * Whether changes are written in a thread (the app: saving never blocks
 * the main loop) or at once, their result returned (the default).  With
 * threads, a failed write is reported by "problem" and
 * "save-state-changed"; bulletin_annotations_save_now () waits for the
 * write and writes what is left.
 */
void
bulletin_annotations_set_async_writes (BulletinAnnotations *self,
                                       gboolean             async_writes)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS (self));
  self->async_writes = !!async_writes;
}
