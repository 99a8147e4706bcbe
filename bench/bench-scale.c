/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-common.h"
#include "bench-search-archive.h"
#include "bulletin-archive.h"
#include "bulletin-search-index.h"

/*
 * Scale benchmark (issue 15), all in one run and beside ripgrep:
 * an archive of 20,000 issues x 12 articles whose text follows the word
 * frequencies of a real Chinese word list (jieba's dict.txt, from the
 * Debian package python3-jieba; SKIP without it), then
 *  - listing: first issue and all issues on a first opening, all from the
 *    cache on a second, and the RSS growth;
 *  - index build: articles per second of CPU time, index size against the
 *    indexed text;
 *  - queries: real 2-4 character words of the list in bands of document
 *    frequency, then 3-4 character words and 1-character queries in every
 *    band too (the ranks alone put only 2-character words in the common
 *    bands); first screen (newest 50) and the complete results, each against
 *    `rg -F -c` over the same files.
 *
 * BULLETIN_BENCH_SCALE=0.1 runs it at a tenth of the size (2,000 issues);
 * BULLETIN_WORD_LIST names another word list ("word freq [tag]" a line);
 * BULLETIN_BENCH_ARCHIVE=DIR keeps the generated archive in DIR and reuses
 * it on the next run;
 * BULLETIN_BENCH_PARTS=listing runs only the listing (no index build, no
 * queries), to iterate on it fast; BULLETIN_BENCH_LISTING_RUNS=N opens it
 * N times (default 2) and prints each run, the best and the worst.
 */

#define DEFAULT_WORD_LIST  "/usr/lib/python3/dist-packages/jieba/dict.txt"
#define FULL_ISSUES        20000
#define PER_ISSUE          12

#define TARGET_FIRST_MS    100.0
#define TARGET_ALL_MS      2000.0
#define TARGET_CACHED_MS   300.0
#define TARGET_RSS_MIB     100.0
#define TARGET_BUILD_RATE  1500.0
#define TARGET_FIRST_RATIO 0.1
#define TARGET_ALL_RATIO   1.0

static gboolean all_pass = TRUE;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time of the whole process (all threads), seconds */
static double
cpu_now (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

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

static void
verdict (const char *what,
         double      value,
         const char *unit,
         const char *target,
         gboolean    pass)
{
  printf ("  %-44s %10.1f %-4s target %-12s %s\n", what, value, unit, target, pass ? "PASS" : "FAIL");
  all_pass &= pass;
}

/* listing */

typedef struct {
  gint64   start, first, all;
  gsize    rss_before_kib, peak_kib;
  guint    n_items, n_read, n_from_cache;
  gboolean done;
  GError  *error;
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
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);   /* reset VmHWM */
  o->start = g_get_monotonic_time ();
  archive = bulletin_archive_new (folder);
  g_signal_connect (archive, "items-changed", G_CALLBACK (on_items_changed), o);
  bulletin_archive_scan_async (archive, NULL, on_scanned, o);
  while (!o->done)
    g_main_context_iteration (NULL, TRUE);
  o->n_items = g_list_model_get_n_items (G_LIST_MODEL (archive));
  bulletin_archive_get_scan_stats (archive, &o->n_from_cache, &o->n_read);
  o->peak_kib = read_status_kib ("VmHWM:");
}

static void
bench_listing (GFile *folder,
               guint  n_issues)
{
  g_autofree char *cache_file = bulletin_archive_dup_cache_path (folder);
  const char *runs_env = g_getenv ("BULLETIN_BENCH_LISTING_RUNS");
  guint n_runs = runs_env != NULL ? CLAMP ((guint)g_ascii_strtoull (runs_env, NULL, 10), 1, 50) : 2;
  double first = G_MAXDOUBLE, all = G_MAXDOUBLE, cached = G_MAXDOUBLE, rss = 0;
  double first_worst = 0, all_worst = 0, cached_worst = 0;
  double cpu_cached = G_MAXDOUBLE;

  printf ("\n== Listing (best of %u runs; BULLETIN_BENCH_LISTING_RUNS sets how many)\n", n_runs);
  for (guint r = 0; r < n_runs; r++)
    {
      Opening cold, warm;
      double c;

      g_unlink (cache_file);
      open_archive (folder, &cold);
      c = cpu_now ();
      open_archive (folder, &warm);
      c = cpu_now () - c;
      if (cold.error != NULL || warm.error != NULL)
        {
          printf ("  scan failed: %s  FAIL\n", (cold.error ? cold.error : warm.error)->message);
          all_pass = FALSE;
          return;
        }
      if (cold.n_items != n_issues || warm.n_items != n_issues || warm.n_read != 0)
        {
          printf ("  listed %u and %u issues of %u, %u read on the second opening  FAIL\n",
                  cold.n_items, warm.n_items, n_issues, warm.n_read);
          all_pass = FALSE;
        }
      printf ("  run %u: first issue %.1f ms, all %.1f ms; from the cache %.1f ms (CPU %.1f ms)\n", r + 1,
              (cold.first - cold.start) / 1000.0, (cold.all - cold.start) / 1000.0,
              (warm.all - warm.start) / 1000.0, c * 1000);
      first = MIN (first, (cold.first - cold.start) / 1000.0);
      all = MIN (all, (cold.all - cold.start) / 1000.0);
      cached = MIN (cached, (warm.all - warm.start) / 1000.0);
      first_worst = MAX (first_worst, (cold.first - cold.start) / 1000.0);
      all_worst = MAX (all_worst, (cold.all - cold.start) / 1000.0);
      cached_worst = MAX (cached_worst, (warm.all - warm.start) / 1000.0);
      cpu_cached = MIN (cpu_cached, c * 1000);
      rss = MAX (rss, (double)(MAX (cold.peak_kib, cold.rss_before_kib) - cold.rss_before_kib) / 1024);
      rss = MAX (rss, (double)(MAX (warm.peak_kib, warm.rss_before_kib) - warm.rss_before_kib) / 1024);
    }
  printf ("  worst of the runs: first issue %.1f ms, all %.1f ms, from the cache %.1f ms; "
          "CPU time of the cached opening, best %.1f ms\n", first_worst, all_worst, cached_worst, cpu_cached);
  verdict ("first opening, first issue listed", first, "ms", "< 100 ms", first < TARGET_FIRST_MS);
  verdict ("first opening, all issues listed", all, "ms", "< 2000 ms", all < TARGET_ALL_MS);
  verdict ("second opening (cache), all listed", cached, "ms", "< 300 ms", cached < TARGET_CACHED_MS);
  verdict ("peak RSS growth while listing", rss, "MiB", "< 100 MiB", rss < TARGET_RSS_MIB);
}

/* queries */

typedef struct {
  char   *query;
  guint   df;
  int     band;
  double  rg, first, all;
} Query;

/* bands of document frequency, as a fraction of the articles */
static const double band_limits[] = { 0.001, 0.01, 0.1, 0.5, 2.0 };
static const char *band_names[] = { "<0.1%", "0.1-1%", "1-10%", "10-50%", ">50%" };
#define N_BANDS 5
#define PER_BAND 4

static int
band_of (double ratio)
{
  for (int b = 0; b < N_BANDS; b++)
    if (ratio < band_limits[b])
      return b;
  return N_BANDS - 1;
}

static double
run_rg (const char *query,
        const char *dir)
{
  const char *argv[] = { "rg", "-F", "-c", "--", query, dir, NULL };
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      double t = now ();
      int status;

      if (!g_spawn_sync (NULL, (char **)argv, NULL,
                         G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, NULL, NULL, &status, &error))
        return -1;
      best = MIN (best, now () - t);
    }
  return best;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64)st.st_size : 0;
}

int
main (int   argc,
      char *argv[])
{
  const char *word_list = g_getenv ("BULLETIN_WORD_LIST");
  const char *scale_env = g_getenv ("BULLETIN_BENCH_SCALE");
  const char *kept = g_getenv ("BULLETIN_BENCH_ARCHIVE");
  double scale = scale_env != NULL ? g_ascii_strtod (scale_env, NULL) : 1.0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SearchCorpus) corpus = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) tmp_dir = NULL;
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(GArray) queries = g_array_new (FALSE, TRUE, sizeof (Query));
  g_autofree char *tmp = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *cache = NULL;
  guint n_issues, n_docs = 0, have[N_BANDS] = { 0 }, have_long[N_BANDS] = { 0 };
  guint n_single = 0, n_long = 0;
  gint64 text_bytes = 0, index_bytes = 0;
  double t, c, build_wall, build_cpu;
  double worst_first = 0, worst_all = 0, worst_single_first = 0, worst_single_all = 0;
  double worst_long_first = 0, worst_long_all = 0;
  guint first_ok = 0, all_ok = 0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (word_list == NULL)
    word_list = DEFAULT_WORD_LIST;
  if (!g_file_test (word_list, G_FILE_TEST_EXISTS))
    {
      printf ("SKIP: no word list with frequencies at %s (install the Debian package "
              "python3-jieba, or set BULLETIN_WORD_LIST)\n", word_list);
      return 77;
    }
  if (!g_find_program_in_path ("rg"))
    {
      printf ("SKIP: ripgrep (rg) is not installed\n");
      return 77;
    }
  scale = CLAMP (scale, 0.001, 10);
  n_issues = MAX (1, (guint)(FULL_ISSUES * scale + 0.5));

  tmp = g_dir_make_tmp ("bulletin-bench-scale-XXXXXX", &error);
  if (tmp == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  tmp_dir = g_file_new_for_path (tmp);
  /* a cache of our own, cold: before GLib reads the variable */
  cache = g_build_filename (tmp, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  dir = kept != NULL ? g_strdup (kept) : g_build_filename (tmp, "archive", NULL);
  db = g_build_filename (tmp, "index.sqlite", NULL);

  corpus = search_corpus_new_from_word_list (word_list, 1, &error);
  if (corpus == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* one plain-text file per issue, its articles ended by an end mark */
  search_corpus_set_article_end (corpus, "（完）");
  printf ("word list: %s, %u words of Han characters; scale %.3g: %u issues x %d articles\n",
          word_list, search_corpus_get_n_words (corpus), scale, n_issues, PER_ISSUE);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      guint64 bytes;

      t = now ();
      bytes = search_corpus_write_archive (corpus, dir, n_issues, PER_ISSUE, FALSE, &error);
      if (bytes == 0)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("generated %.1f MB in %.1f s (not timed) in %s\n", bytes / 1e6, now () - t, dir);
    }
  else
    printf ("reusing the archive in %s\n", dir);
  folder = g_file_new_for_path (dir);

  bench_listing (folder, n_issues);
  if (g_strcmp0 (g_getenv ("BULLETIN_BENCH_PARTS"), "listing") == 0)
    {
      printf ("overall (listing only): %s\n", all_pass ? "PASS" : "FAIL");
      bench_remove_tree (tmp_dir);
      return 0;
    }

  /* index build, from nothing, in this thread as `--index` does */
  printf ("\n== Index build\n");
  index = bulletin_search_index_new (folder, db);
  c = cpu_now ();
  t = now ();
  if (!bulletin_search_index_update (index, NULL, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  build_wall = now () - t;
  build_cpu = cpu_now () - c;
  {
    sqlite3 *sdb = NULL;
    sqlite3_stmt *stmt = NULL;
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);

    if (sqlite3_open_v2 (db, &sdb, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2 (sdb, "SELECT count(*), sum(text_len) FROM docs", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step (stmt) == SQLITE_ROW)
      {
        n_docs = sqlite3_column_int (stmt, 0);
        text_bytes = sqlite3_column_int64 (stmt, 1);
      }
    sqlite3_finalize (stmt);
    sqlite3_close (sdb);
    index_bytes = file_size (db) + file_size (wal);
  }
  printf ("  %u articles, %.1f MB of text, in %.1f s wall, %.1f s CPU\n",
          n_docs, text_bytes / 1e6, build_wall, build_cpu);
  verdict ("articles indexed per second of CPU time", n_docs / MAX (build_cpu, 1e-6), "/s",
           ">= 1500/s", n_docs / MAX (build_cpu, 1e-6) >= TARGET_BUILD_RATE);
  printf ("  %-44s %10s      (frame times while indexing: bench-search-ui)\n", "", "");
  verdict ("index size / indexed text", 100.0 * index_bytes / MAX (text_bytes, 1), "%",
           "<= 100 %", index_bytes <= text_bytes);

  /* queries: 2-4 character words at ranks spread over the whole list,
   * kept by measured document frequency; then 3-4 character words (2 a
   * band: their complete results cannot come from the postings alone, and
   * the first pass finds only 2-character words in the common bands);
   * then 1-character queries */
  printf ("\n== Queries (first screen = newest 50 hits; rg -F -c over the same files, best of 3)\n");
  printf ("  %-10s %5s %8s %8s %9s %9s %9s %8s %8s\n", "query", "chars", "df", "band",
          "rg ms", "first ms", "all ms", "first/rg", "all/rg");
  {
    g_autoptr(GArray) words = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autoptr(GArray) longs = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autoptr(GArray) singles = g_array_new (FALSE, FALSE, sizeof (guint));
    guint have_single[N_BANDS] = { 0 };

    /* ranks of the 2-4 character words and of the 1-character ones */
    for (guint r = 0; r < search_corpus_get_n_words (corpus); r++)
      {
        glong len = g_utf8_strlen (search_corpus_get_word (corpus, r), -1);

        if (len == 1)
          g_array_append_val (singles, r);
        else if (len <= 4)
          {
            g_array_append_val (words, r);
            if (len >= 3)
              g_array_append_val (longs, r);
          }
      }

    /* through each list at geometric steps, so that every frequency
     * comes up; a word is kept when its band still wants one */
    for (int pass = 0; pass < 3; pass++)
      {
        GArray *list = pass == 0 ? words : pass == 1 ? longs : singles;
        guint prev = G_MAXUINT;

        for (double x = 0; x < list->len; x = x < 1 ? 1 : x * 1.15)
          {
            guint rank = g_array_index (list, guint, (guint)x);
            const char *q = search_corpus_get_word (corpus, rank);
            g_autoptr(BulletinSearchResults) all = NULL;
            Query entry = { 0 };
            guint *quota = pass == 0 ? have : pass == 1 ? have_long : have_single;
            guint limit = pass == 0 ? PER_BAND : 2;
            gboolean taken = FALSE;

            if ((guint)x == prev)
              continue;
            prev = (guint)x;
            /* a 3-4 character word the first pass already measured */
            for (guint i = 0; pass == 1 && i < queries->len && !taken; i++)
              taken = strcmp (g_array_index (queries, Query, i).query, q) == 0;
            if (taken)
              continue;
            t = now ();
            all = bulletin_search_index_query_full (index, q, 0, 300, NULL, &error);
            entry.all = now () - t;
            if (all == NULL)
              {
                g_printerr ("%s: %s\n", q, error->message);
                return 1;
              }
            entry.df = all->results->len;
            if (entry.df == 0)
              continue;
            entry.band = band_of ((double)entry.df / MAX (n_docs, 1));
            if (quota[entry.band] >= limit)
              continue;
            quota[entry.band]++;
            n_long += pass == 1;
            n_single += pass == 2;
            entry.query = g_strdup (q);
            /* the complete query again, warm, and the first screen: best of 3 */
            for (guint k = 0; k < 3; k++)
              {
                g_autoptr(BulletinSearchResults) again = NULL;
                g_autoptr(BulletinSearchResults) screen = NULL;

                t = now ();
                again = bulletin_search_index_query_full (index, q, 0, 300, NULL, NULL);
                entry.all = MIN (entry.all, now () - t);
                t = now ();
                screen = bulletin_search_index_query_full (index, q, 50, 300, NULL, NULL);
                entry.first = k == 0 ? now () - t : MIN (entry.first, now () - t);
              }
            entry.rg = run_rg (q, dir);
            printf ("  %-10s %5ld %8u %8s %9.1f %9.1f %9.1f %8.3f %8.3f\n", q, g_utf8_strlen (q, -1),
                    entry.df, band_names[entry.band], entry.rg * 1000, entry.first * 1000,
                    entry.all * 1000, entry.first / entry.rg, entry.all / entry.rg);
            g_array_append_val (queries, entry);
          }
      }
  }

  for (guint i = 0; i < queries->len; i++)
    {
      Query *q = &g_array_index (queries, Query, i);
      double fr = q->first / q->rg, ar = q->all / q->rg;

      worst_first = MAX (worst_first, fr);
      worst_all = MAX (worst_all, ar);
      if (g_utf8_strlen (q->query, -1) == 1)
        {
          worst_single_first = MAX (worst_single_first, fr);
          worst_single_all = MAX (worst_single_all, ar);
        }
      else if (g_utf8_strlen (q->query, -1) >= 3)
        {
          worst_long_first = MAX (worst_long_first, fr);
          worst_long_all = MAX (worst_long_all, ar);
        }
      first_ok += fr < TARGET_FIRST_RATIO;
      all_ok += ar < TARGET_ALL_RATIO;
    }
  printf ("\n== Summary of the queries (%u, of which %u of 1 character, %u more of 3-4 characters)\n",
          queries->len, n_single, n_long);
  for (int b = 0; b < N_BANDS; b++)
    printf ("  band %-7s %u words, and %u of 3-4 characters\n", band_names[b], have[b], have_long[b]);
  verdict ("first screen, worst query / rg", worst_first, "x", "< 0.1x", first_ok == queries->len);
  verdict ("complete results, worst query / rg", worst_all, "x", "< 1x", all_ok == queries->len);
  printf ("  (1-character queries alone: first screen worst %.2fx, complete worst %.2fx; "
          "%u/%u queries pass the first screen, %u/%u the complete results)\n",
          worst_single_first, worst_single_all, first_ok, queries->len, all_ok, queries->len);
  printf ("  (3-4 character words alone: first screen worst %.2fx, complete worst %.2fx)\n",
          worst_long_first, worst_long_all);
  all_pass &= queries->len > 0;

  {
    g_autofree char *loadavg = NULL;

    if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
      printf ("\nload average: %s", loadavg);
  }
  printf ("overall: %s\n", all_pass ? "PASS" : "FAIL");

  for (guint i = 0; i < queries->len; i++)
    g_free (g_array_index (queries, Query, i).query);
  g_clear_object (&index);
  /* the archive stays when it was named in BULLETIN_BENCH_ARCHIVE: it is
   * not under the temporary folder then */
  bench_remove_tree (tmp_dir);
  return 0;
}
