/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Import throughput of plain-text bulletins: 20 MB of GB18030 text
 * (varied copies of the shared sample when present, synthetic Chinese
 * text otherwise) decoded, segmented and turned into display text, beside
 * what `iconv -f GB18030 -t UTF-8` takes on the same bytes in the same run.
 * Prints "pass" when the import takes at most 3x iconv.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "bulletin-display-text.h"
#include "bulletin-text-import.h"

#define TARGET_BYTES (20 * 1024 * 1024)

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static char *
make_utf8 (const char *sample_path)
{
  g_autofree char *sample = NULL;
  GString *s = g_string_sized_new (TARGET_BYTES * 3 / 2);
  guint copy = 0;

  if (sample_path != NULL)
    g_file_get_contents (sample_path, &sample, NULL, NULL);

  while (s->len < TARGET_BYTES * 3 / 2)   /* UTF-8 Chinese is 1.5x GB18030 */
    {
      /* every copy different, so that ids are unique */
      g_string_append_printf (s, "第%u期简报综述\n\n● 记者 王%c\n\n本报讯 %u月%u日,", copy,
                              'A' + copy % 26, copy % 12 + 1, copy % 28 + 1);
      if (sample != NULL)
        g_string_append (s, sample);
      else
        for (guint p = 0; p < 8; p++)
          g_string_append (s, "社区志愿者走进楼道,为老人提供理发、量血压、维修家电等服务,"
                              "居民们纷纷点赞,活动覆盖城乡社区五千多个。\n\n"
                              "“以前爬六楼要歇三次,现在一分钟就到家了。”王阿姨说。\n\n");
      g_string_append (s, "\n\n");
      copy++;
    }
  return g_string_free (s, FALSE);
}

static double
time_iconv (const char *path)
{
  g_autofree char *cmd = g_strdup_printf ("iconv -f GB18030 -t UTF-8 '%s' > /dev/null", path);
  double best = G_MAXDOUBLE;

  for (int i = 0; i < 3; i++)
    {
      double t0 = now ();
      int status = system (cmd);
      double t = now () - t0;

      if (status != 0)
        return -1;
      best = MIN (best, t);
    }
  return best;
}

static double
time_import (const char *data,
             gsize       len,
             guint      *n_articles)
{
  double best = G_MAXDOUBLE;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;
      double t0 = now (), t;

      parsed = bulletin_text_parse (data, len, "bench.txt", &error);
      if (parsed == NULL)
        g_error ("%s", error->message);
      for (guint a = 0; a < parsed->articles->len; a++)
        {
          g_autoptr(BulletinDisplayText) display =
            bulletin_display_text_new (g_ptr_array_index (parsed->articles, a), BULLETIN_DISPLAY_DEFAULT);
        }
      t = now () - t0;
      *n_articles = parsed->articles->len;
      best = MIN (best, t);
    }
  return best;
}

int
main (int    argc,
      char **argv)
{
  const char *shared = g_getenv ("BULLETIN_SHARED_DIR");
  g_autofree char *sample_path = NULL;
  g_autofree char *utf8 = NULL;
  g_autofree char *gb = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GError) error = NULL;
  gsize gb_len = 0;
  double t_iconv, t_import, mb;
  guint n_articles = 0;
  int fd;

  if (shared != NULL)
    {
      sample_path = g_build_filename (shared, "samples", "000_1b466bc7855b1717.txt", NULL);
      if (!g_file_test (sample_path, G_FILE_TEST_EXISTS))
        g_clear_pointer (&sample_path, g_free);
    }

  utf8 = make_utf8 (sample_path);
  gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &gb_len, &error);
  g_assert_no_error (error);

  fd = g_file_open_tmp ("bench-text-XXXXXX.txt", &tmp, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (tmp, gb, gb_len, &error);
  g_assert_no_error (error);

  t_iconv = time_iconv (tmp);
  t_import = time_import (gb, gb_len, &n_articles);
  g_unlink (tmp);

  mb = gb_len / (1024.0 * 1024.0);
  printf ("input: %.1f MB GB18030 (%s), %u articles\n", mb,
          sample_path != NULL ? "from the sample" : "synthetic", n_articles);
  printf ("import (decode+segment+display text): %.3f s, %.1f MB/s\n", t_import, mb / t_import);
  if (t_iconv < 0)
    {
      printf ("iconv: not available, no baseline\n");
      return 0;
    }
  printf ("iconv -f GB18030 -t UTF-8: %.3f s, %.1f MB/s\n", t_iconv, mb / t_iconv);
  printf ("ratio: %.2fx iconv (limit 3x): %s\n", t_import / t_iconv,
          t_import <= 3 * t_iconv ? "pass" : "FAIL");
  return t_import <= 3 * t_iconv ? 0 : 1;
}
