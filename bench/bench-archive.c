/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"
#include "bulletin-archive.h"

/*
 * bench-archive: generates a synthetic archive (not timed), then opens it
 * twice — with a cold metadata cache, then with the cache the first opening
 * wrote — and reports, beside the targets, the time until the first issue
 * is listed, the time until all are, and the growth of the peak RSS.
 *
 *   bench-archive --generator PATH [--issues 5000] [--articles 12] [--runs 3] [--keep]
 *   bench-archive --archive DIR [--runs 3]
 *
 * Each run removes the metadata cache, opens the archive cold, then warm.
 * The figures are the best of the runs (the median beside them), since on
 * a shared machine the worst run measures the neighbours; the CPU time the
 * process used is shown too.
 */

#define TARGET_FIRST_MS   100.0
#define TARGET_ALL_MS     2000.0
#define TARGET_CACHED_MS  300.0
#define TARGET_RSS_MIB    60.0

static gsize
read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;
  return (gsize)g_ascii_strtoull (line + strlen (field), NULL, 10);
}

/* Resets the peak RSS (VmHWM) to the current RSS; FALSE where Linux does
 * not allow it. */
static gboolean
reset_peak_rss (void)
{
  return g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
         usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

typedef struct {
  double  cpu;
  gint64  start;
  gint64  first;
  gint64  all;
  guint   n_items;
  guint   n_errors;
  guint   n_undated;
  guint   n_from_cache;
  guint   n_read;
  gsize   rss_before_kib;
  gsize   peak_kib;
  gboolean done;
  GError *error;
} Opening;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Opening    *o)
{
  if (o->first == 0 && g_list_model_get_n_items (model) > 0)
    o->first = g_get_monotonic_time ();
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Opening *o = user_data;

  bulletin_archive_scan_finish (BULLETIN_ARCHIVE (object), result, &o->error);
  o->all = g_get_monotonic_time ();
  o->done = TRUE;
}

static void
open_archive (GFile   *folder,
              Opening *o)
{
  g_autoptr(BulletinArchive) archive = NULL;

  memset (o, 0, sizeof *o);
  o->rss_before_kib = read_status_kib ("VmRSS:");
  reset_peak_rss ();

  o->cpu = cpu_ms ();
  o->start = g_get_monotonic_time ();
  archive = bulletin_archive_new (folder);
  g_signal_connect (archive, "items-changed", G_CALLBACK (on_items_changed), o);
  bulletin_archive_scan_async (archive, NULL, on_scanned, o);
  while (!o->done)
    g_main_context_iteration (NULL, TRUE);

  o->cpu = cpu_ms () - o->cpu;
  o->n_items = g_list_model_get_n_items (G_LIST_MODEL (archive));
  for (guint i = 0; i < o->n_items; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);

      if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        {
          if (o->n_errors++ < 3)
            g_printerr ("bench-archive: %s\n", bulletin_issue_get_error_message (issue));
        }
      if (bulletin_issue_get_date (issue) == NULL)
        o->n_undated++;
    }
  bulletin_archive_get_scan_stats (archive, &o->n_from_cache, &o->n_read);
  o->peak_kib = read_status_kib ("VmHWM:");
}

/* best and median of @n values */
static gboolean
report (const char *what,
        double     *values,
        guint       n,
        double      target,
        const char *unit)
{
  gboolean pass;

  qsort (values, n, sizeof (double), bench_compare_double);
  pass = values[0] <= target;
  g_print ("  %-36s %8.1f %-3s (median %8.1f)  target < %5.0f %-3s  %s\n", what, values[0], unit,
           values[n / 2], target, unit, pass ? "PASS" : "FAIL");
  return pass;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *generator = NULL;
  g_autofree char *existing = NULL;
  int issues = 5000, articles = 12, runs = 3;
  gboolean keep = FALSE;
  GOptionEntry entries[] = {
    { "generator", 0, 0, G_OPTION_ARG_FILENAME, &generator, "The generate-archive program", "PATH" },
    { "issues", 'n', 0, G_OPTION_ARG_INT, &issues, "Issues (5000)", "N" },
    { "articles", 'm', 0, G_OPTION_ARG_INT, &articles, "Articles per issue (12)", "M" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs; the best counts (3)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the generated archive", NULL },
    { "archive", 0, 0, G_OPTION_ARG_FILENAME, &existing, "Use this archive (not generated)", "DIR" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- archive scan benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *archive_path = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *n_issues = NULL;
  g_autofree char *n_articles = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) tmp_dir = NULL;
  gboolean pass = TRUE;
  int status = 0;
  gint64 t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || (generator == NULL && existing == NULL))
    {
      g_printerr ("bench-archive: %s\n", error ? error->message : "--generator PATH is required");
      return 2;
    }
  runs = CLAMP (runs, 1, 100);

  tmp = g_dir_make_tmp ("bulletin-bench-XXXXXX", &error);
  if (tmp == NULL)
    {
      g_printerr ("bench-archive: %s\n", error->message);
      return 1;
    }
  /* a cache of our own, cold: before GLib reads the variable */
  cache_path = g_build_filename (tmp, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_path, TRUE);
  archive_path = g_build_filename (tmp, "archive", NULL);
  tmp_dir = g_file_new_for_path (tmp);

  if (existing != NULL)
    {
      g_free (archive_path);
      archive_path = g_strdup (existing);
      keep = TRUE;
    }
  n_issues = g_strdup_printf ("%d", issues);
  n_articles = g_strdup_printf ("%d", articles);
  if (existing == NULL)
  {
    const char *gen_argv[] = { generator, "--output", archive_path, "--issues", n_issues,
                               "--articles", n_articles, NULL };

    t0 = g_get_monotonic_time ();
    if (!g_spawn_sync (NULL, (char **)gen_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                       &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      {
        g_printerr ("bench-archive: generating the archive failed: %s\n", error->message);
        bench_remove_tree (tmp_dir);
        return 1;
      }
    g_print ("bench-archive: generated %d issues x %d articles in %.1f s (not timed)\n",
             issues, articles, (g_get_monotonic_time () - t0) / 1e6);
  }

  folder = g_file_new_for_path (archive_path);
  {
    g_autofree char *cache_file = bulletin_archive_dup_cache_path (folder);
    g_autofree double *first_cold = g_new0 (double, runs);
    g_autofree double *all_cold = g_new0 (double, runs);
    g_autofree double *first_warm = g_new0 (double, runs);
    g_autofree double *all_warm = g_new0 (double, runs);
    g_autofree double *cpu_cold = g_new0 (double, runs);
    g_autofree double *cpu_warm = g_new0 (double, runs);
    double rss_growth = 0;

    for (int r = 0; r < runs; r++)
      {
        Opening cold, warm;

        g_unlink (cache_file);
        open_archive (folder, &cold);
        open_archive (folder, &warm);
        if (cold.error != NULL || warm.error != NULL)
          {
            g_printerr ("bench-archive: scan failed: %s\n",
                        (cold.error ? cold.error : warm.error)->message);
            return 1;
          }
        if (r == 0)
          g_print ("bench-archive: listed %u issues, %u undated, %u unreadable (first opening: "
                   "%u read; second: %u from the cache, %u read); %d runs\n", cold.n_items,
                   cold.n_undated, cold.n_errors, cold.n_read, warm.n_from_cache, warm.n_read,
                   runs);
        if (cold.n_items != (guint)issues || warm.n_items != (guint)issues || warm.n_read != 0 ||
            cold.n_errors > 0 || warm.n_errors > 0)
          {
            g_print ("  FAIL: expected %d issues listed each time and none read on the second "
                     "opening\n", issues);
            pass = FALSE;
          }

        first_cold[r] = (cold.first - cold.start) / 1000.0;
        all_cold[r] = (cold.all - cold.start) / 1000.0;
        first_warm[r] = (warm.first - warm.start) / 1000.0;
        all_warm[r] = (warm.all - warm.start) / 1000.0;
        cpu_cold[r] = cold.cpu;
        cpu_warm[r] = warm.cpu;
        rss_growth = MAX (rss_growth,
                          (double)(MAX (cold.peak_kib, cold.rss_before_kib) - cold.rss_before_kib)
                          / 1024.0);
        rss_growth = MAX (rss_growth,
                          (double)(MAX (warm.peak_kib, warm.rss_before_kib) - warm.rss_before_kib)
                          / 1024.0);
      }

    g_print ("  %-36s %12s\n", "", "best");
    pass &= report ("first opening, first issue listed", first_cold, runs, TARGET_FIRST_MS, "ms");
    pass &= report ("first opening, all issues listed", all_cold, runs, TARGET_ALL_MS, "ms");
    pass &= report ("second opening, first issue listed", first_warm, runs, TARGET_FIRST_MS, "ms");
    pass &= report ("second opening, all issues listed", all_warm, runs, TARGET_CACHED_MS, "ms");
    pass &= report ("peak RSS growth", &rss_growth, 1, TARGET_RSS_MIB, "MiB");
    qsort (cpu_cold, runs, sizeof (double), bench_compare_double);
    qsort (cpu_warm, runs, sizeof (double), bench_compare_double);
    g_print ("  (CPU time used: first opening %.0f ms, second %.0f ms, best runs; load average "
             "shows how shared the machine was)\n", cpu_cold[0], cpu_warm[0]);
    {
      g_autofree char *loadavg = NULL;
      if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
        g_print ("  load average: %s", loadavg);
    }
  }

  if (keep)
    g_print ("bench-archive: the archive is kept in %s\n", archive_path);
  else
    bench_remove_tree (tmp_dir);

  g_print ("bench-archive: %s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
