/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "bulletin-search-index-private.h"

/* The writer lock: a lock file beside the index, locked (flock) for the
 * whole of an update, so that one process or thread writes at a time and
 * decides what to index with nobody else writing.  Its content says how
 * the last writer left: "writing" (it did not finish: killed, crashed),
 * "clean SIZE MTIME" (the index file as it left it), "suspect" (a query
 * found damage). */

char *
lock_file_path (BulletinSearchIndex *self)
{
  return g_strconcat (self->db_path, ".lock", NULL);
}

int
writer_lock (BulletinSearchIndex  *self,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autofree char *path = lock_file_path (self);
  g_autofree char *dir = g_path_get_dirname (self->db_path);
  int fd = -1;

  /* the shared index is read by everyone in the office */
  if (self->is_shared)
    errno = EROFS;
  if (self->is_shared ||
      g_mkdir_with_parents (dir, self->shared_writer ? 0755 : 0700) != 0 ||
      (fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, self->shared_writer ? 0644 : 0600)) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The search index %s cannot be updated (%s): it is used as it is. "
                     "Make the folder %s writable to bring it up to date."),
                   self->db_path, g_strerror (saved), dir);
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      /* a file system without locks: the transactions still keep the
       * index whole */
      if (errno != EWOULDBLOCK && errno != EINTR)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }
      g_usleep (20 * 1000);
    }
  return fd;
}

char *
lock_read_state (int fd)
{
  char buf[128];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);

  buf[MAX (n, 0)] = 0;
  return g_strdup (buf);
}

void
lock_write_state (int         fd,
                  const char *state)
{
  gsize len = strlen (state);

  if (ftruncate (fd, 0) != 0 || pwrite (fd, state, len, 0) != (ssize_t)len)
    g_debug ("cannot write the index lock file: %s", g_strerror (errno));
}

char *
clean_state (const char *db_path)
{
  GStatBuf st;

  if (g_stat (db_path, &st) != 0)
    return g_strdup ("clean");
  return g_strdup_printf ("clean %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          (gint64)st.st_size, (gint64)st.st_mtim.tv_sec, (gint64)st.st_mtim.tv_nsec);
}

/* Is another update (of any process) holding the writer lock? */
gboolean
writer_active (BulletinSearchIndex *self)
{
  g_autofree char *path = lock_file_path (self);
  gboolean active;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return FALSE;
  active = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return active;
}

/* Is the index file as the last writer left it?  Not after a writer that
 * did not finish, nor when something else changed the file (bytes written
 * into it, a copy put in its place), nor when a query met damage: then
 * queries read the files until an update has checked it.  While an update
 * runs, its transactions keep the index whole. */
gboolean
index_trusted (BulletinSearchIndex *self)
{
  g_autofree char *path = lock_file_path (self);
  g_autofree char *state = NULL;
  g_autofree char *clean = NULL;
  int fd;

  if (bulletin_search_index_get_building (self))
    return TRUE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  if (self->is_shared)
    {
      /* no lock on the file server: the state as the job left it */
      state = lock_read_state (fd);
      clean = clean_state (self->db_path);
      close (fd);
      return strcmp (state, clean) == 0;
    }
  /* shared: no update starts while the state is read */
  if (flock (fd, LOCK_SH | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      return saved == EWOULDBLOCK;
    }
  state = lock_read_state (fd);
  clean = clean_state (self->db_path);
  close (fd);
  return strcmp (state, clean) == 0;
}

/* A query found damage: the next update checks the index. */
void
mark_suspect (BulletinSearchIndex *self)
{
  g_autofree char *path = NULL;
  int fd;

  if (self->is_shared)
    return;
  path = lock_file_path (self);
  fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  lock_write_state (fd, "suspect");
  close (fd);
}

