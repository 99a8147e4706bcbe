/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

/* ---------------------------------------------------------------------- */
/* the file */

int
bulletin_annotations_take_lock (BulletinAnnotations  *self,
                                GError              **error)
{
  int fd;

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK,
                   _("Could not create the folder %s: %s"), self->dir, g_strerror (saved));
      return -1;
    }

  fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  /* a read-only folder: the file can still be read under the lock */
  if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
    fd = g_open (self->lock_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK,
                   _("Could not open the lock file %s: %s"), self->lock_path, g_strerror (saved));
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      int saved = errno;

      if (saved == EINTR)
        continue;
      close (fd);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK,
                   _("Could not lock %s: %s"), self->lock_path, g_strerror (saved));
      return -1;
    }
  return fd;
}

void
bulletin_annotations_release_lock (int fd)
{
  /* closing the descriptor releases the lock */
  close (fd);
}

gboolean
bulletin_annotations_same_stat (const struct stat *a,
                                const struct stat *b)
{
  return a->st_dev == b->st_dev &&
         a->st_ino == b->st_ino &&
         a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Keeps a copy of a damaged file beside it, never over another file (the
 * name carries the time), as a second name of the same file: it takes no
 * space, so it works on a full disk, and the damaged file itself stays in
 * place until the repaired one has replaced it (never giving up the only
 * readable copy).  A copy made before of this very file is reused.
 * Returns the copy's path. */
char *
bulletin_annotations_keep_damaged_copy (BulletinAnnotations  *self,
                                        GError              **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  g_autofree char *prefix = g_strconcat (BULLETIN_ANNOTATIONS_FILE_NAME, DAMAGED_INFIX, NULL);
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  struct stat st, other;
  const char *name;

  if (stat (self->path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: %s", self->path, g_strerror (saved));
      return NULL;
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *path = g_build_filename (self->dir, name, NULL);

        if (stat (path, &other) == 0 && other.st_dev == st.st_dev && other.st_ino == st.st_ino)
          return g_steal_pointer (&path);
      }

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *aside = NULL;

      if (i == 0)
        aside = g_strdup_printf ("%s" DAMAGED_INFIX "%s", self->path, stamp);
      else
        aside = g_strdup_printf ("%s" DAMAGED_INFIX "%s-%u", self->path, stamp, i);

      if (g_file_test (aside, G_FILE_TEST_EXISTS))
        continue;
      /* link: rename would replace a file that appeared meanwhile, and
       * would leave no file in place */
      if (link (self->path, aside) != 0)
        {
          int saved = errno;

          if (saved == EEXIST)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "%s: %s", aside, g_strerror (saved));
          return NULL;
        }
      return g_steal_pointer (&aside);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s", self->path);
  return NULL;
}

/* How long a test wants a writer to wait between its complete, synced
 * temporary file and the rename (BULLETIN_ANNOTATIONS_TEST_RENAME_DELAY_US),
 * so that kills land there: tests/test-annotations.c. */
static gulong
test_rename_delay (void)
{
  static gsize once = 0;
  static gulong delay = 0;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("BULLETIN_ANNOTATIONS_TEST_RENAME_DELAY_US");

      if (env != NULL)
        delay = strtoul (env, NULL, 10);
      g_once_init_leave (&once, 1);
    }
  return delay;
}

gboolean
bulletin_annotations_temp_open (TempFile    *t,
                                const char  *dir,
                                GError     **error)
{
  int saved;

  t->tmp = g_build_filename (dir, TEMP_PREFIX "XXXXXX", NULL);
  t->buf = g_string_sized_new (1 << 20);
  t->error = 0;
  t->fd = g_mkstemp_full (t->tmp, O_RDWR | O_CLOEXEC, 0600);
  if (t->fd >= 0)
    return TRUE;
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               _("Could not create a temporary file in %s: %s"), dir, g_strerror (saved));
  g_clear_pointer (&t->tmp, g_free);
  g_string_free (t->buf, TRUE);
  t->buf = NULL;
  return FALSE;
}

static void
temp_flush (TempFile *t)
{
  gsize done = 0;

  while (t->error == 0 && done < t->buf->len)
    {
      gssize n = write (t->fd, t->buf->str + done, t->buf->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        t->error = errno;
      else
        done += n;
    }
  g_string_truncate (t->buf, 0);
}

void
bulletin_annotations_temp_append (TempFile   *t,
                                  const char *text,
                                  gssize      length)
{
  g_string_append_len (t->buf, text, length);
  if (t->buf->len >= 1 << 20)
    temp_flush (t);
}

static void
temp_abort (TempFile *t)
{
  if (t->fd >= 0)
    close (t->fd);
  t->fd = -1;
  if (t->tmp != NULL)
    g_unlink (t->tmp);
  g_clear_pointer (&t->tmp, g_free);
  if (t->buf != NULL)
    g_string_free (t->buf, TRUE);
  t->buf = NULL;
}

gboolean
bulletin_annotations_temp_commit (TempFile    *t,
                                  const char  *dir,
                                  const char  *path,
                                  GError     **error)
{
  int dir_fd;

  temp_flush (t);
  if (t->error == 0 && fsync (t->fd) != 0)
    t->error = errno;
  if (close (t->fd) != 0 && t->error == 0)
    t->error = errno;
  t->fd = -1;
  if (t->error == 0)
    {
      if (test_rename_delay () > 0)
        g_usleep (test_rename_delay ());
      if (rename (t->tmp, path) != 0)
        t->error = errno;
    }
  if (t->error != 0)
    {
      int saved = t->error;

      temp_abort (t);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  g_clear_pointer (&t->tmp, g_free);
  g_string_free (t->buf, TRUE);
  t->buf = NULL;
  return TRUE;
}

/* Writes @data as the file at @path atomically (above). */
gboolean
bulletin_annotations_write_file_atomically (const char  *dir,
                                            const char  *path,
                                            const char  *data,
                                            gsize        length,
                                            GError     **error)
{
  TempFile t;

  if (!bulletin_annotations_temp_open (&t, dir, error))
    return FALSE;
  for (gsize done = 0; done < length; done += MIN (length - done, 1 << 20))
    bulletin_annotations_temp_append (&t, data + done, MIN (length - done, 1 << 20));
  return bulletin_annotations_temp_commit (&t, dir, path, error);
}

/* Temporary files that a writer killed before its rename left behind:
 * ".annotations.ini.bulletin-tmp-XXXXXX", a name no one else uses; any
 * other file beside the key file (annotations.ini.backup, .old123, ...)
 * is the user's and stays.  Only called under the lock, when no writer can
 * be between its write and its rename. */
void
bulletin_annotations_remove_stale_temporaries (BulletinAnnotations *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  gsize prefix = strlen (TEMP_PREFIX);

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean temp = strlen (name) == prefix + 6 && g_str_has_prefix (name, TEMP_PREFIX);

      for (gsize i = prefix; temp && name[i]; i++)
        temp = g_ascii_isalnum (name[i]);
      if (temp)
        {
          g_autofree char *path = g_build_filename (self->dir, name, NULL);
          g_unlink (path);
        }
    }
}
