/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-test-utils.h"

const char *
bulletin_test_get_shared_dir (void)
{
  const char *dir = g_getenv ("BULLETIN_SHARED_DIR");

  if (dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;
  return NULL;
}

char *
bulletin_test_shared_path (const char *relative)
{
  const char *dir = bulletin_test_get_shared_dir ();
  char *path;

  if (dir == NULL)
    {
      g_test_skip ("no shared test data beside this checkout (../shared)");
      return NULL;
    }

  path = g_build_filename (dir, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("%s is absent", path);
      g_test_skip (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

char *
bulletin_test_read_file (const char *path,
                         gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

void
bulletin_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

gboolean
bulletin_test_wait_for (BulletinTestCondition condition,
                        gpointer              data,
                        guint                 seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      if (condition (data))
        return TRUE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return condition (data);
}
