/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bulletin-annotations.h"

/*
 * Bookmarks and notes: how long a save takes with many notes (one change,
 * under the lock, merged and written atomically with fsync), how long a
 * store with many notes takes to load, how long two writers take to take
 * turns, and how long finding a moved passage in a long article takes.
 * Then, each in a process of its own, key files of 1,000 and of 100,000
 * notes and bookmarks, all the window's way (in threads): the load's time
 * until the lists are full and the longest main-loop stall meanwhile, the
 * longest stall while five Ctrl+D are saved, peak RSS, and the time and
 * longest stall of merging another instance's save of the file.  Each
 * figure is printed beside its target; the program fails if one is
 * missed.
 */

static gboolean all_pass = TRUE;

static void
report (const char *what,
        double      value,
        double      target,
        const char *unit)
{
  gboolean pass = value <= target;

  printf ("%-52s %9.2f %s  (target ≤ %g %s)  %s\n", what, value, unit, target, unit,
          pass ? "pass" : "FAIL");
  all_pass &= pass;
}

static BulletinNote *
make_note (guint i)
{
  g_autofree char *article = g_strdup_printf ("urn:bench:article:%u", i % 97);
  g_autofree char *text = g_strdup_printf ("第 %u 条笔记：关于社区防疫工作的一段记录，\n附有第二行说明。", i);
  BulletinNote *note = bulletin_note_new (article);

  bulletin_note_set_text (note, text);
  bulletin_note_set_headline (note, "党旗飘扬 “疫”线出战");
  bulletin_note_set_issue (note, "urn:bench:issue", "徐汇报 第7期", "2022-04-05");
  bulletin_note_set_range (note, i, i + 12, "区图书馆新馆今日起正式开放", "在全民阅读活动中，本街道", "方便居民就近借阅图书");
  return note;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ---------------------------------------------------------------------- */
/* large key files: run in a process of their own (for its peak RSS) */

static double
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *hwm;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  hwm = strstr (status, "VmHWM:");
  return hwm != NULL ? g_ascii_strtod (hwm + 6, NULL) / 1024.0 : 0;
}

/* The longest time the main loop did not run, and the most CPU time the
 * main thread itself spent in one such gap (the rest of a gap is waiting
 * for a CPU that other processes hold) */
typedef struct {
  gint64 last;
  gint64 longest;
  gint64 last_cpu;
  gint64 longest_cpu;
  gint64 last_start;  /* when the load started */
} Ticker;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* CPU time of the whole process, all threads */
static double
process_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static void
ticker_restart (Ticker *t)
{
  t->last = g_get_monotonic_time ();
  t->last_cpu = thread_cpu_us ();
  t->longest = t->longest_cpu = 0;
}

static gboolean
tick (gpointer data)
{
  Ticker *t = data;
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();

  if (t->last != 0)
    {
      t->longest = MAX (t->longest, now - t->last);
      t->longest_cpu = MAX (t->longest_cpu, cpu - t->last_cpu);
    }
  t->last = now;
  t->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  bulletin_annotations_load_finish (BULLETIN_ANNOTATIONS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Runs the main loop until *@flag, or @timeout_s: the time it took, in
 * ms (-1: timed out) */
static double
run_until (gboolean *flag,
           guint     timeout_s)
{
  gint64 t0 = g_get_monotonic_time ();
  gboolean late = FALSE;
  guint source = g_timeout_add_seconds (timeout_s, set_flag, &late);

  while (!*flag && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (source);
  return late ? -1 : (g_get_monotonic_time () - t0) / 1000.0;
}

/* another instance: loads the file, edits a note and adds one, saves */
static int
other_writer (const char *dir)
{
  g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
  g_autoptr(BulletinNote) added = bulletin_note_new ("urn:bench:other-writer");
  g_autoptr(BulletinNote) edited = NULL;

  bulletin_annotations_set_monitored (store, FALSE);
  if (!bulletin_annotations_load (store, NULL) ||
      bulletin_annotations_lookup_note (store, "bench-00000007") == NULL)
    return 1;
  edited = bulletin_note_copy (bulletin_annotations_lookup_note (store, "bench-00000007"));
  bulletin_note_set_text (edited, "edited by another writer");
  return bulletin_annotations_update_note (store, edited, NULL) &&
         bulletin_annotations_add_note (store, added, NULL) ? 0 : 1;
}

static void
write_large_file (const char *path,
                  guint       n,
                  double     *file_mib)
{
  /* the file, as the app writes it: n notes and n bookmarks */
  GString *text = g_string_new ("# Bulletin Reader: bookmarks, notes and reading positions.\n"
                                "[Bulletin Reader]\nversion=1\n");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("urn:bench:article:%u", i);
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);

      sum[32] = '\0';
      g_string_append_printf (text,
                              "\n[Bookmark %s]\narticle=urn:bench:article:%u\nheadline=党旗飘扬 “疫”线出战\n"
                              "issue=徐汇报 第7期\nissue-date=2022-04-05\nissue-id=urn:bench:issue\n"
                              "added=2026-01-01T00:00:00.%06uZ\nmodified=2026-01-01T00:00:00.%06uZ\n",
                              sum, i, i % 1000000, i % 1000000);
    }
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text,
                            "\n[Note bench-%08u]\narticle=urn:bench:article:%u\nheadline=党旗飘扬 “疫”线出战\n"
                            "issue=徐汇报 第7期\nissue-date=2022-04-05\nissue-id=urn:bench:issue\n"
                            "start=%u\nend=%u\nquote=区图书馆新馆今日起正式开放\nbefore=在全民阅读活动中，本街道\n"
                            "after=方便居民就近借阅图书\ntext=第 %u 条笔记：关于社区防疫工作的一段记录，\\n附有第二行说明。\n"
                            "created=2026-01-01T00:00:00.%06uZ\nmodified=2026-01-01T00:00:00.%06uZ\n",
                            i, i % 997, i, i + 12, i, i % 1000000, i % 1000000);
  *file_mib = text->len / 1048576.0;
  g_file_set_contents (path, text->str, text->len, NULL);
  g_string_free (text, TRUE);
}

/* Ctrl+D five times, each save awaited: the longest stall, in ms */
static void
save_stall (BulletinAnnotations *store,
            Ticker              *ticker)
{
  ticker->longest = ticker->longest_cpu = 0;
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:bench:ctrl-d");

      while (g_main_context_iteration (NULL, FALSE))
        ;
      ticker->last = 0;
      g_main_context_iteration (NULL, TRUE);
      ticker->last_cpu = thread_cpu_us ();
      if (i % 2 == 0)
        bulletin_annotations_add_bookmark (store, bookmark, NULL);
      else
        bulletin_annotations_remove_bookmark (store, "urn:bench:ctrl-d", NULL);
      do
        g_main_context_iteration (NULL, TRUE);
      while (bulletin_annotations_is_writing (store));
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
other_change_merged (BulletinAnnotations *store)
{
  BulletinNote *note = bulletin_annotations_lookup_note (store, "bench-00000007");

  return note != NULL && g_strcmp0 (bulletin_note_get_text (note), "edited by another writer") == 0;
}

static void
store_changed (BulletinAnnotations *store,
               gboolean            *merged)
{
  *merged = other_change_merged (store);
}

static int
large (const char *self_path,
       guint       n)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-annotations-large-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
  g_autoptr(BulletinAnnotations) store = NULL;
  Ticker ticker = { 0 };
  double load_ms, load_stall, load_cpu, save_ms, save_cpu, merge_ms, merge_stall, merge_cpu, rss;
  double file_mib, idle_ms, load_all_cpu;
  gboolean loaded = FALSE, merged = FALSE;
  guint source;

  write_large_file (path, n, &file_mib);
  /* what the file costs, not what making it cost: a fresh measure of the
   * peak (Linux: 5 resets VmHWM) */
  {
    int fd = g_open ("/proc/self/clear_refs", O_WRONLY, 0);

    if (fd >= 0)
      {
        gssize written = write (fd, "5", 1);

        (void) written;
        close (fd);
      }
  }

  /* the load, as the window does it: in a thread, while a 1 ms ticker
   * measures the longest time the main loop did not run */
  source = g_timeout_add (1, tick, &ticker);
  ticker_restart (&ticker);
  ticker.last_start = ticker.last;
  load_all_cpu = process_cpu_ms ();
  store = bulletin_annotations_new (dir);
  bulletin_annotations_set_monitored (store, FALSE);
  bulletin_annotations_set_async_writes (store, TRUE);
  bulletin_annotations_load_async (store, NULL, load_done, &loaded);
  if (run_until (&loaded, 60) < 0)
    return 1;
  load_ms = (g_get_monotonic_time () - ticker.last_start) / 1000.0;
  load_all_cpu = process_cpu_ms () - load_all_cpu;
  load_stall = ticker.longest / 1000.0;
  load_cpu = ticker.longest_cpu / 1000.0;
  if (g_list_model_get_n_items (bulletin_annotations_get_notes (store)) != n ||
      g_list_model_get_n_items (bulletin_annotations_get_bookmarks (store)) != n)
    {
      printf ("read %u notes, %u bookmarks\n",
              g_list_model_get_n_items (bulletin_annotations_get_notes (store)),
              g_list_model_get_n_items (bulletin_annotations_get_bookmarks (store)));
      return 1;
    }

  /* a second without anything: what the machine alone costs */
  {
    gboolean over = FALSE;

    g_timeout_add_seconds (1, set_flag, &over);
    ticker.longest = 0;
    while (!over)
      g_main_context_iteration (NULL, TRUE);
    idle_ms = ticker.longest / 1000.0;
  }

  save_stall (store, &ticker);
  save_ms = ticker.longest / 1000.0;
  save_cpu = ticker.longest_cpu / 1000.0;
  if (bulletin_annotations_has_unsaved (store))
    return 1;
  rss = peak_rss_mib ();

  /* another instance saves the file; the monitor sees it, and the merge
   * runs as in the window */
  {
    const char *argv[] = { self_path, "other", dir, NULL };
    int status;

    bulletin_annotations_set_monitored (store, TRUE);
    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, NULL) ||
        !g_spawn_check_wait_status (status, NULL))
      return 1;
    g_signal_connect (store, "changed", G_CALLBACK (store_changed), &merged);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    ticker_restart (&ticker);
    merge_ms = run_until (&merged, 60);
    merge_stall = ticker.longest / 1000.0;
    merge_cpu = ticker.longest_cpu / 1000.0;
    if (merge_ms < 0 || g_list_model_get_n_items (bulletin_annotations_get_notes (store)) != n + 1)
      {
        printf ("the other writer's change was not merged\n");
        return 1;
      }
  }
  g_source_remove (source);

  printf ("file %.1f\nload %.1f\nload-cpu-all %.1f\nload-stall %.1f\nload-cpu %.1f\nsave-stall %.1f\nsave-cpu %.1f\n"
          "rss %.1f\nmerge %.1f\nmerge-stall %.1f\nmerge-cpu %.1f\nidle %.1f\n",
          file_mib, load_ms, load_all_cpu, load_stall, load_cpu, save_ms, save_cpu, rss, merge_ms, merge_stall,
          merge_cpu, idle_ms);
  g_clear_object (&store);
  remove_tree (dir);
  return 0;
}

enum {
  FILE_MIB, LOAD, LOAD_CPU_ALL, LOAD_STALL, LOAD_MAIN, SAVE_STALL, SAVE_MAIN, RSS,
  MERGE, MERGE_STALL, MERGE_MAIN, IDLE, N_FIGURES
};

static gboolean
run_large (const char *self_path,
           guint       n,
           double      figures[N_FIGURES])
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  const char *argv[] = { self_path, "large", count, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      printf ("the run with %u notes failed: %s\n", n, out != NULL ? out : "");
      return FALSE;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && i < N_FIGURES; i++)
    {
      const char *space = strchr (lines[i], ' ');

      figures[i] = space != NULL ? g_ascii_strtod (space + 1, NULL) : -1;
    }
  return TRUE;
}

/* The stalls are measured by the wall clock, which also counts the time
 * the main thread waited for a CPU that other processes held: a machine
 * that already stalls as long when idle cannot judge them, and only the
 * main thread's own work in the longest gap is then checked. */
static void
large_report (const char *self_path)
{
  double small[N_FIGURES] = { 0 }, big[N_FIGURES] = { 0 };
  static const struct {
    const char *what;
    const char *unit;
    double      target;
    gboolean    wall_stall;
  } rows[N_FIGURES] = {
    [FILE_MIB] = { "key file size", "MiB", -1 },
    [LOAD] = { "load, until the lists are full", "ms", 1000 },
    [LOAD_CPU_ALL] = { "  CPU time of the load, all threads", "ms", -1 },
    [LOAD_STALL] = { "longest main-loop stall while loading", "ms", 16, TRUE },
    [LOAD_MAIN] = { "  the main thread's own work in it", "ms", 16 },
    [SAVE_STALL] = { "longest main-loop stall in a save", "ms", 16, TRUE },
    [SAVE_MAIN] = { "  the main thread's own work in it", "ms", 16 },
    [RSS] = { "peak RSS", "MiB", 150 },
    [MERGE] = { "merge another writer's save (monitor: +100)", "ms", -1 },
    [MERGE_STALL] = { "longest main-loop stall in that merge", "ms", 16, TRUE },
    [MERGE_MAIN] = { "  the main thread's own work in it", "ms", 16 },
    [IDLE] = { "(longest stall when idle: the machine's own)", "ms", -1 },
  };

  if (!run_large (self_path, 1000, small) || !run_large (self_path, 100000, big))
    {
      all_pass = FALSE;
      return;
    }
  printf ("\nkey file with N notes and N bookmarks            N = 1,000   N = 100,000   target (both N)\n");
  for (guint i = 0; i < N_FIGURES; i++)
    {
      gboolean busy = rows[i].wall_stall && (small[IDLE] > rows[i].target || big[IDLE] > rows[i].target);
      gboolean pass = rows[i].target < 0 || (big[i] <= rows[i].target && small[i] <= rows[i].target);

      printf ("%-47s %9.1f %-3s %9.1f %-3s", rows[i].what, small[i], rows[i].unit, big[i], rows[i].unit);
      if (rows[i].target < 0)
        printf ("\n");
      else
        printf ("   ≤ %g %s  %s\n", rows[i].target, rows[i].unit,
                pass ? "PASS" : busy ? "FAIL (the machine stalls as long idle: not counted)" : "FAIL");
      all_pass &= pass || busy;
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr(BulletinAnnotations) store = NULL;
  guint n = 5000;
  gint64 t0, t1;

  if (argc == 3 && g_str_equal (argv[1], "large"))
    return large (argv[0], atoi (argv[2]));
  if (argc == 3 && g_str_equal (argv[1], "other"))
    return other_writer (argv[2]);
  dir = g_dir_make_tmp ("bench-annotations-XXXXXX", NULL);
  store = bulletin_annotations_new (dir);

  bulletin_annotations_set_monitored (store, FALSE);
  bulletin_annotations_load (store, NULL);

  /* fill: the first n - 20 as one import, the last 20 one by one, timed */
  {
    g_autoptr(BulletinAnnotations) filler = bulletin_annotations_new (dir);
    g_autofree char *data = NULL;
    gsize length;

    bulletin_annotations_set_monitored (filler, FALSE);
    bulletin_annotations_load (filler, NULL);
    /* as a backup text, imported at once */
    {
      GString *backup = g_string_new ("[Bulletin Reader]\nversion=1\n");
      for (guint i = 0; i < n - 20; i++)
        g_string_append_printf (backup,
                                "\n[Note bench-%06u]\narticle=urn:bench:article:%u\nheadline=党旗飘扬\n"
                                "start=%u\nend=%u\nquote=区图书馆新馆今日起正式开放\nbefore=在全民阅读活动中\n"
                                "after=方便居民就近借阅图书\ntext=第 %u 条笔记\\n第二行\n"
                                "created=2026-01-01T00:00:00.%06uZ\nmodified=2026-01-01T00:00:00.%06uZ\n",
                                i, i % 97, i, i + 12, i, i, i);
      length = backup->len;
      data = g_string_free (backup, FALSE);
    }
    bulletin_annotations_import_data (filler, data, length, NULL);
  }
  bulletin_annotations_reload (store, NULL);

  t0 = g_get_monotonic_time ();
  for (guint i = n - 20; i < n; i++)
    {
      g_autoptr(BulletinNote) note = make_note (i);
      bulletin_annotations_add_note (store, note, NULL);
    }
  t1 = g_get_monotonic_time ();
  report ("save after adding one note, 5000 notes (fsync)", (t1 - t0) / 20000.0, 100, "ms");

  t0 = g_get_monotonic_time ();
  {
    g_autoptr(BulletinAnnotations) fresh = bulletin_annotations_new (dir);

    bulletin_annotations_set_monitored (fresh, FALSE);
    bulletin_annotations_load (fresh, NULL);
    if (g_list_model_get_n_items (bulletin_annotations_get_notes (fresh)) != n)
      {
        printf ("expected %u notes, read %u\n", n,
                g_list_model_get_n_items (bulletin_annotations_get_notes (fresh)));
        all_pass = FALSE;
      }
  }
  t1 = g_get_monotonic_time ();
  report ("load a file of 5000 notes", (t1 - t0) / 1000.0, 500, "ms");

  /* two stores on one file taking turns: each save merges the other's */
  {
    g_autoptr(BulletinAnnotations) other = bulletin_annotations_new (dir);

    bulletin_annotations_set_monitored (other, FALSE);
    bulletin_annotations_load (other, NULL);
    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < 20; i++)
      {
        g_autoptr(BulletinNote) a = make_note (n + 2 * i);
        g_autoptr(BulletinNote) b = make_note (n + 2 * i + 1);

        bulletin_annotations_add_note (store, a, NULL);
        bulletin_annotations_add_note (other, b, NULL);
      }
    t1 = g_get_monotonic_time ();
    report ("save merging another writer's change, 5000 notes", (t1 - t0) / 40000.0, 150, "ms");
  }

  /* anchoring in a long article after the passage moved */
  {
    g_autoptr(BulletinArticle) article = bulletin_article_new ();
    g_autoptr(BulletinArticle) moved = bulletin_article_new ();
    g_autoptr(GString) text = g_string_new (NULL);
    g_autoptr(BulletinNote) note = NULL;
    guint start, end;

    for (guint i = 0; i < 1000; i++)
      g_string_append_printf (text, "第%u段，社区志愿者服务队开展防疫工作。\n\n", i);
    bulletin_article_set_source (article, text->str, text->len);
    bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 0, bulletin_article_get_source_length (article)));
    bulletin_article_finish (article);
    note = bulletin_note_new_for_range (article, 12000, 12012);

    g_string_prepend (text, "编者按，本期新增一段。\n\n");
    bulletin_article_set_source (moved, text->str, text->len);
    bulletin_article_add_block (moved, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 0, bulletin_article_get_source_length (moved)));
    bulletin_article_finish (moved);

    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < 10; i++)
      bulletin_annotations_anchor_note (note, moved, &start, &end);
    t1 = g_get_monotonic_time ();
    if (start != 12000 + 13)
      {
        printf ("anchored at %u, expected %u\n", start, 12000 + 13);
        all_pass = FALSE;
      }
    report ("re-anchor a moved passage, 25 000-character article", (t1 - t0) / 10000.0, 50, "ms");
  }

  g_clear_object (&store);
  remove_tree (dir);
  large_report (argv[0]);
  printf ("%s\n", all_pass ? "PASS" : "FAIL");
  return all_pass ? 0 : 1;
}
