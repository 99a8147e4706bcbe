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
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bulletin-display-text.h"
#include "bulletin-text-import.h"

/* 20 MB; BULLETIN_BENCH_MB picks a smaller size for profiling runs
 * (valgrind --tool=callgrind) */
static gsize target_bytes = 20 * 1024 * 1024;
#define TARGET_BYTES target_bytes

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
      g_string_append_printf (s, "第%u期简报综述\n\n● 记者 王%c\n\n本报讯 %u月%u日,各地简报如下。\n\n", copy,
                              'A' + copy % 26, copy % 12 + 1, copy % 28 + 1);
      if (sample != NULL)
        {
          /* each copy's articles their own: a number inside every long
           * line (not at its end, which would make a page break) */
          g_auto(GStrv) lines = g_strsplit (sample, "\n", -1);

          for (guint l = 0; lines[l] != NULL; l++)
            {
              if (g_utf8_strlen (lines[l], -1) > 40)
                {
                  const char *cut = g_utf8_offset_to_pointer (lines[l], 6);

                  g_string_append_len (s, lines[l], cut - lines[l]);
                  g_string_append_printf (s, "%u", copy);
                  g_string_append (s, cut);
                }
              else
                g_string_append (s, lines[l]);
              g_string_append_c (s, '\n');
            }
        }
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
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
children_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Best of three: wall-clock and CPU seconds of iconv on @path. */
static gboolean
time_iconv (const char *path,
            double     *wall,
            double     *cpu)
{
  g_autofree char *cmd = g_strdup_printf ("iconv -f GB18030 -t UTF-8 '%s' > /dev/null", path);

  *wall = *cpu = G_MAXDOUBLE;
  for (int i = 0; i < 3; i++)
    {
      double t0 = now (), c0 = children_cpu ();
      int status = system (cmd);

      if (status != 0)
        return FALSE;
      *wall = MIN (*wall, now () - t0);
      *cpu = MIN (*cpu, children_cpu () - c0);
    }
  return TRUE;
}

/* Best of three: wall-clock and CPU seconds of the import. */
static void
time_import (const char *data,
             gsize       len,
             guint      *n_articles,
             double     *wall,
             double     *cpu)
{
  *wall = *cpu = G_MAXDOUBLE;
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      BulletinParsedIssue *parsed = NULL;
      double t0 = now (), c0 = cpu_now ();

      parsed = bulletin_text_parse (data, len, "bench.txt", &error);
      if (parsed == NULL)
        g_error ("%s", error->message);
      for (guint a = 0; a < parsed->articles->len; a++)
        {
          g_autoptr(BulletinDisplayText) display =
            bulletin_display_text_new (g_ptr_array_index (parsed->articles, a), BULLETIN_DISPLAY_DEFAULT);
        }
      *wall = MIN (*wall, now () - t0);
      *cpu = MIN (*cpu, cpu_now () - c0);
      *n_articles = parsed->articles->len;
      bulletin_parsed_issue_free (parsed);
    }
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
  double wall_iconv, cpu_iconv, wall_import, cpu_import, mb;
  gboolean have_iconv;
  guint n_articles = 0;
  int fd;

  if (g_getenv ("BULLETIN_BENCH_MB") != NULL)
    target_bytes = MAX (1, g_ascii_strtoull (g_getenv ("BULLETIN_BENCH_MB"), NULL, 10)) * 1024 * 1024;

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

  have_iconv = time_iconv (tmp, &wall_iconv, &cpu_iconv);
  time_import (gb, gb_len, &n_articles, &wall_import, &cpu_import);
  g_unlink (tmp);

  mb = gb_len / (1024.0 * 1024.0);
  printf ("input: %.1f MB GB18030 (%s), %u articles\n", mb,
          sample_path != NULL ? "from the sample" : "synthetic", n_articles);
  printf ("import (decode+segment+display text): %.3f s wall, %.3f s CPU, %.1f MB/s (CPU)\n",
          wall_import, cpu_import, mb / cpu_import);
  if (!have_iconv)
    {
      printf ("iconv: not available, no baseline\n");
      return 0;
    }
  printf ("iconv -f GB18030 -t UTF-8: %.3f s wall, %.3f s CPU, %.1f MB/s (CPU)\n",
          wall_iconv, cpu_iconv, mb / cpu_iconv);
  /* CPU time decides: the machines that run this are shared, and wall
   * time there measures the neighbours */
  printf ("ratio: %.2fx iconv in CPU time, %.2fx in wall time (limit 3x): %s\n",
          cpu_import / cpu_iconv, wall_import / wall_iconv,
          cpu_import <= 3 * cpu_iconv ? "pass" : "FAIL");
  return cpu_import <= 3 * cpu_iconv ? 0 : 1;
}
