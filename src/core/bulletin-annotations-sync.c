/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

/* Reads the file under the lock, if it changed since we last saw it
 * (groups whose text @seen holds are not parsed again).  A damaged file
 * gets a copy beside it (bulletin_annotations_keep_damaged_copy ()).
 * Touches nothing of @self but reads: it runs in a thread too. */
void
bulletin_annotations_read_locked (BulletinAnnotations *self,
                                  Seen                *seen,
                                  FileRead            *r)
{
  memset (r, 0, sizeof *r);
  bulletin_annotations_state_init (&r->state);
  if (stat (self->path, &r->st) != 0)
    {
      /* removed behind our back: written again from memory */
      r->outcome = self->have_stat && !g_file_test (self->path, G_FILE_TEST_EXISTS)
                   ? FILE_READ_REMOVED : FILE_READ_UNCHANGED;
      return;
    }
  if (self->have_stat && bulletin_annotations_same_stat (&r->st, &self->last_stat))
    {
      r->outcome = FILE_READ_UNCHANGED;
      return;
    }
  /* room for as many groups as before, or as a file this size holds
   * (a group takes some 350 bytes): the table need not grow */
  r->now_seen = bulletin_annotations_seen_new_for (seen != NULL ? seen->n : (gsize) r->st.st_size / 350);
  switch (bulletin_annotations_parse_file (self->path, &r->state, seen, r->now_seen,
                                           &r->reason, &r->error))
    {
    case 1:
      r->outcome = FILE_READ_READ;
      break;
    case 0:
      r->outcome = FILE_READ_DAMAGED;
      bulletin_annotations_seen_clear (r->now_seen);
      r->aside = bulletin_annotations_keep_damaged_copy (self, &r->error);
      break;
    default:
      r->outcome = FILE_READ_FAILED;
      break;
    }
}

void
bulletin_annotations_file_read_clear (FileRead *r)
{
  bulletin_annotations_state_clear (&r->state);
  g_clear_pointer (&r->now_seen, bulletin_annotations_seen_free);
  g_clear_pointer (&r->reason, g_free);
  g_clear_pointer (&r->aside, g_free);
  g_clear_error (&r->error);
}

/* Says that the file was damaged; FALSE (and @error) when no copy of it
 * could be kept: then it is left as it is and nothing is written. */
static gboolean
report_damaged (BulletinAnnotations  *self,
                FileRead             *r,
                GError              **error)
{
  g_autofree char *message = NULL;

  if (r->aside == NULL)
    {
      /* neither moved nor overwritten: keep it, keep working in memory,
       * write nothing */
      message = g_strdup_printf (_("The bookmarks and notes file %s is damaged (%s) and "
                                   "no copy of it could be kept (%s). It is left as it "
                                   "is; changes are kept in memory only"),
                                 self->path, r->reason, r->error->message);
      bulletin_annotations_report_problem (self, message);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_CORRUPT,
                   "%s", message);
      return FALSE;
    }
  message = g_strdup_printf (_("The bookmarks and notes file %s is damaged (%s). It is "
                               "kept as %s; %u notes and %u bookmarks could be "
                               "recovered from it"),
                             self->path, r->reason, r->aside,
                             g_hash_table_size (r->state.notes),
                             g_hash_table_size (r->state.bookmarks));
  bulletin_annotations_report_problem (self, message);
  return TRUE;
}

/* What a synchronous read takes: the first read as it is (a merge would
 * copy every record), then the groups that changed, merged. */
gboolean
bulletin_annotations_take_read (BulletinAnnotations *self,
                                FileRead            *r,
                                gpointer             data)
{
  if (bulletin_annotations_state_is_empty (&self->state))
    {
      State empty = self->state;

      self->state = r->state;
      r->state = empty;
      bulletin_annotations_state_apply_deletions (&self->state);
      bulletin_annotations_sync_models (self);
      return TRUE;
    }
  return bulletin_annotations_merge_shown (self, &r->state);
}

/* Takes what bulletin_annotations_read_locked () read into memory, on the
 * main thread, by @take (NULL: bulletin_annotations_take_read ()) with
 * @data; *@merged says whether the state changed, *@write whether the
 * file must be written (damaged, or removed).  FALSE (and @error) when it
 * could not be read, or was damaged and could not be kept. */
gboolean
bulletin_annotations_apply_read (BulletinAnnotations  *self,
                                 FileRead             *r,
                                 TakeRead              take,
                                 gpointer              data,
                                 gboolean             *merged,
                                 gboolean             *write,
                                 GError              **error)
{
  gboolean kept = TRUE;

  *merged = FALSE;
  switch (r->outcome)
    {
    case FILE_READ_UNCHANGED:
      return TRUE;
    case FILE_READ_REMOVED:
      self->have_stat = FALSE;
      *write = TRUE;
      return TRUE;
    case FILE_READ_FAILED:
      g_propagate_error (error, g_steal_pointer (&r->error));
      return FALSE;
    case FILE_READ_DAMAGED:
      kept = report_damaged (self, r, error);
      *write |= kept;
      break;
    case FILE_READ_READ:
      break;
    }

  *merged = (take != NULL ? take : bulletin_annotations_take_read) (self, r, data);
  if (!kept)
    return FALSE;
  bulletin_annotations_seen_free (self->seen);
  self->seen = g_steal_pointer (&r->now_seen);
  self->last_stat = r->st;
  self->have_stat = TRUE;
  return TRUE;
}

/* Writes the state as the file, under the lock. */
static gboolean
write_locked (BulletinAnnotations  *self,
              GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  Seen *now_seen = bulletin_annotations_seen_new ();
  struct stat st;
  gsize length;

  data = bulletin_annotations_state_to_data (&self->state, &self->written, now_seen, &length);
  if (!bulletin_annotations_write_file_atomically (self->dir, self->path, data, length, &local_error))
    {
      self->dirty = TRUE;
      bulletin_annotations_seen_free (now_seen);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE,
                   _("Could not save bookmarks and notes to %s: %s"),
                   self->path, local_error->message);
      return FALSE;
    }
  self->dirty = FALSE;
  bulletin_annotations_seen_free (self->seen);
  self->seen = now_seen;
  if (stat (self->path, &st) == 0)
    {
      self->last_stat = st;
      self->have_stat = TRUE;
    }
  return TRUE;
}

/* The heart of it, under the lock: merges the file's current content into
 * memory (when it changed since we last saw it) and, if @write or changes
 * are waiting, writes the result atomically. */
static gboolean
sync_with_file_locked (BulletinAnnotations  *self,
                       gboolean              write,
                       GError              **error)
{
  FileRead r;
  gboolean merged = FALSE, ok;
  int fd;

  fd = bulletin_annotations_take_lock (self, error);
  if (fd < 0)
    {
      self->dirty |= write;
      return FALSE;
    }
  bulletin_annotations_read_locked (self, self->seen, &r);
  ok = bulletin_annotations_apply_read (self, &r, NULL, NULL, &merged, &write, error);
  bulletin_annotations_file_read_clear (&r);
  if (ok && (write || self->dirty))
    ok = write_locked (self, error);
  else if (!ok)
    self->dirty |= write;
  bulletin_annotations_release_lock (fd);

  if (merged)
    bulletin_annotations_emit_changed (self);
  return ok;
}

static gboolean retry_cb (gpointer user_data);

/* After every attempt: what is not written is kept as unsaved, and tried
 * again in a while (and at the next change, which writes everything). */
void
bulletin_annotations_update_save_state (BulletinAnnotations *self,
                                        const GError        *error)
{
  gboolean had = g_hash_table_size (self->unsaved) > 0;

  if (self->dirty)
    {
      if (error != NULL)
        {
          g_free (self->last_error);
          self->last_error = g_strdup (error->message);
        }
      if (self->retry_source == 0)
        self->retry_source = g_timeout_add_seconds (RETRY_DELAY_S, retry_cb, self);
    }
  else
    {
      g_hash_table_remove_all (self->unsaved);
      g_clear_pointer (&self->last_error, g_free);
      g_clear_handle_id (&self->retry_source, g_source_remove);
    }
  if (!had && g_hash_table_size (self->unsaved) == 0)
    return;
  bulletin_annotations_emit_save_state_changed (self);
}

gboolean
bulletin_annotations_sync_with_file (BulletinAnnotations  *self,
                                     gboolean              write,
                                     GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  /* the thread's write first: it holds `seen` and the file's stat */
  bulletin_annotations_wait_for_write (self);
  g_clear_handle_id (&self->write_source, g_source_remove);
  ok = sync_with_file_locked (self, write, &local_error);

  if (write && !ok)
    self->dirty = TRUE;
  bulletin_annotations_update_save_state (self, local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}


static gboolean
retry_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;

  self->retry_source = 0;
  if (self->async_writes)
    bulletin_annotations_schedule_write (self);
  else
    bulletin_annotations_sync_with_file (self, FALSE, NULL);
  return G_SOURCE_REMOVE;
}

void
bulletin_annotations_mark_unsaved (BulletinAnnotations *self,
                                   const char          *group)
{
  guint64 *gen = g_new (guint64, 1);

  *gen = ++self->change_gen;
  g_hash_table_insert (self->unsaved, g_strdup (group), gen);
  self->dirty = TRUE;
}

