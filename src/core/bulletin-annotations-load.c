/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-annotations-private.h"

/*
 * Reading the file in a thread: the load (bulletin_annotations_load_async
 * ()) and the merge of another writer's file (the monitor saw it change,
 * or a write found it changed).  The thread takes the lock, reads and
 * parses (a merge only the groups that changed), settles tombstones and,
 * for a load, sorts the records as the models list them.  The main thread
 * then takes the result cheaply: a load swaps the state in and fills the
 * models a slice at a time; a merge changes only the records the other
 * writer changed, one model row at a time.  Changes made in the window
 * while the file is read are kept in memory, merged into what was read
 * (the later version of each record winning, as always) and written
 * after it: nothing is written before the file has been merged.
 */

typedef struct {
  gboolean    first;        /* the load: everything is read */
  gboolean    write_after;  /* a write found the file changed */
  GError     *lock_error;
  FileRead    read;
  GPtrArray  *notes;        /* a load's records, newest first */
  GPtrArray  *bookmarks;
  GTask      *load_task;    /* the caller's, returned when the models are full */
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  g_clear_error (&job->lock_error);
  bulletin_annotations_file_read_clear (&job->read);
  g_clear_pointer (&job->notes, g_ptr_array_unref);
  g_clear_pointer (&job->bookmarks, g_ptr_array_unref);
  g_clear_object (&job->load_task);
  g_free (job);
}

static void
read_work (gpointer source,
           gpointer data)
{
  BulletinAnnotations *self = source;
  ReadJob *job = data;
  int fd;

  fd = bulletin_annotations_take_lock (self, &job->lock_error);
  if (fd < 0)
    return;
  if (job->first)
    bulletin_annotations_remove_stale_temporaries (self);
  /* `seen` and the file's stat do not change while we run: a write, a
   * merge and a load never run at once */
  bulletin_annotations_read_locked (self, job->first ? NULL : self->seen, &job->read);
  bulletin_annotations_release_lock (fd);

  if (job->read.outcome != FILE_READ_READ && job->read.outcome != FILE_READ_DAMAGED)
    return;
  bulletin_annotations_state_apply_deletions (&job->read.state);
  if (job->first)
    {
      job->notes = bulletin_annotations_sort_newest_first (job->read.state.notes, TRUE, NULL);
      job->bookmarks = bulletin_annotations_sort_newest_first (job->read.state.bookmarks, FALSE, NULL);
    }
}

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  bulletin_annotations_run_as_batch (read_work, source, task_data);
}

/* --- a load that finds changes made meanwhile -------------------------- */

typedef struct {
  GHashTable *dropped;  /* records of the file that the changes replaced or deleted */
  GPtrArray  *shown;    /* records to list */
} Adopt;

static void
adopt_forget (gpointer data,
              gpointer item)
{
  Adopt *adopt = data;

  g_hash_table_add (adopt->dropped, item);
}

static void
adopt_show (gpointer data,
            gpointer item)
{
  Adopt *adopt = data;

  g_ptr_array_add (adopt->shown, item);
}

static int
compare_newest_first (gpointer a,
                      gpointer b)
{
  if (BULLETIN_IS_NOTE (a))
    return -bulletin_annotations_compare_notes (&a, &b);
  return -bulletin_annotations_compare_bookmarks (&a, &b);
}

/* @sorted without what was dropped, with what is shown (of its kind) */
static GPtrArray *
adopt_sorted (GPtrArray *sorted,
              Adopt     *adopt,
              GType      type)
{
  GPtrArray *out = g_ptr_array_new_full (sorted->len + adopt->shown->len, bulletin_annotations_unref_item);

  for (guint i = 0; i < sorted->len; i++)
    if (!g_hash_table_contains (adopt->dropped, g_ptr_array_index (sorted, i)))
      g_ptr_array_add (out, g_object_ref (g_ptr_array_index (sorted, i)));
  for (guint i = 0; i < adopt->shown->len; i++)
    {
      gpointer item = g_ptr_array_index (adopt->shown, i);
      guint lo = 0, hi = out->len;

      if (!G_TYPE_CHECK_INSTANCE_TYPE (item, type) || g_hash_table_contains (adopt->dropped, item))
        continue;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (compare_newest_first (g_ptr_array_index (out, mid), item) < 0)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo < out->len && g_ptr_array_index (out, lo) == item)
        continue;
      g_ptr_array_insert (out, lo, g_object_ref (item));
    }
  return out;
}

/* What the load read becomes the state: swapped in, or, when changes
 * were made meanwhile, with them merged in (only they are looked at, and
 * the window's objects stay the ones it holds); the models are filled
 * from the sorted records. */
static gboolean
take_first_read (BulletinAnnotations *self,
                 FileRead            *r,
                 gpointer             data)
{
  ReadJob *job = data;
  State mine = self->state;

  if (bulletin_annotations_state_is_empty (&mine))
    {
      self->state = r->state;
      r->state = mine;
      bulletin_annotations_models_fill (self, g_steal_pointer (&job->notes),
                                        g_steal_pointer (&job->bookmarks),
                                        g_steal_pointer (&job->load_task));
      return TRUE;
    }

  {
    Adopt adopt = { g_hash_table_new (NULL, NULL), g_ptr_array_new () };
    MergeHooks hooks = { adopt_forget, adopt_show, &adopt };
    GPtrArray *notes, *bookmarks;

    bulletin_annotations_state_merge_full (&r->state, &mine, TRUE, &hooks);
    self->state = r->state;
    r->state = mine;
    notes = adopt_sorted (job->notes, &adopt, BULLETIN_TYPE_NOTE);
    bookmarks = adopt_sorted (job->bookmarks, &adopt, BULLETIN_TYPE_BOOKMARK);
    bulletin_annotations_models_fill (self, notes, bookmarks, g_steal_pointer (&job->load_task));
    g_hash_table_unref (adopt.dropped);
    g_ptr_array_unref (adopt.shown);
  }
  return TRUE;
}

/* --- back on the main thread ------------------------------------------- */

static void
after_read (BulletinAnnotations *self,
            gboolean             write)
{
  if (self->reload_again)
    {
      self->reload_again = FALSE;
      bulletin_annotations_start_read (self, FALSE, write, NULL);
      return;
    }
  if (write || self->write_again || self->dirty)
    {
      self->write_again = FALSE;
      if (self->async_writes)
        bulletin_annotations_schedule_write (self);
      else
        bulletin_annotations_sync_with_file (self, TRUE, NULL);
    }
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (source);
  ReadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean merged = FALSE, write = job->write_after, ok;

  self->reading = FALSE;
  if (job->lock_error != NULL)
    {
      ok = FALSE;
      error = g_steal_pointer (&job->lock_error);
    }
  else
    ok = bulletin_annotations_apply_read (self, &job->read, job->first ? take_first_read : NULL,
                                          job, &merged, &write, &error);
  if (job->first)
    self->loading = FALSE;
  if (merged)
    bulletin_annotations_emit_changed (self);

  if (job->load_task != NULL)
    {
      /* the models are full (nothing to fill), or it failed */
      if (ok)
        g_task_return_boolean (job->load_task, TRUE);
      else
        g_task_return_error (job->load_task, g_steal_pointer (&error));
      g_clear_object (&job->load_task);
    }
  else if (!ok && !job->first &&
           !g_error_matches (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_CORRUPT))
    bulletin_annotations_report_problem (self, error->message);

  if (ok || job->write_after)
    after_read (self, write);
}

/**
 * bulletin_annotations_start_read:
 * @first: the load (everything is read, the models are filled)
 * @write_after: write once merged
 * @load_task: (transfer full) (nullable): returned when loaded
 *
 * Reads the file in a thread and merges it, unless a read or a write
 * runs: then it is read again after it.
 */
void
bulletin_annotations_start_read (BulletinAnnotations *self,
                                 gboolean             first,
                                 gboolean             write_after,
                                 GTask               *load_task)
{
  g_autoptr(GTask) task = NULL;
  ReadJob *job;

  if (!first && (self->reading || self->writing))
    {
      self->reload_again = TRUE;
      self->write_again |= write_after;
      return;
    }
  task = g_task_new (self, NULL, read_done, NULL);
  job = g_new0 (ReadJob, 1);
  job->first = first;
  job->write_after = write_after;
  job->load_task = load_task;
  self->reading = TRUE;
  self->reload_again = FALSE;
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  g_task_run_in_thread (task, read_thread);
}
