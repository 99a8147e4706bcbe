/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bulletin-annotations.h"

/*
 * Bookmarks and notes: how long a save takes with many notes (one change,
 * under the lock, merged and written atomically with fsync), how long a
 * store with many notes takes to load, how long two writers take to take
 * turns, and how long finding a moved passage in a long article takes.
 * Then, each in a process of its own, key files of 1,000 and of 100,000
 * notes and bookmarks: load time, the longest main-loop stall while five
 * Ctrl+D are saved (the window's way: in a thread), peak RSS.  Each figure
 * is printed beside its target; the program fails if one is missed.
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
  bulletin_note_set_range (note, i, i + 12, "两新组织党组织积极响应号召", "在疫情防控工作中，徐汇区", "充分发挥战斗堡垒作用");
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

typedef struct {
  gint64 last;
  gint64 longest;
} Ticker;

static gboolean
tick (gpointer data)
{
  Ticker *t = data;
  gint64 now = g_get_monotonic_time ();

  if (t->last != 0)
    t->longest = MAX (t->longest, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

static int
large (guint n)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-annotations-large-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
  g_autoptr(BulletinAnnotations) store = NULL;
  Ticker ticker = { 0 };
  gint64 t0, t1;
  double load_ms, file_mib, idle_ms;
  guint source;

  /* the file, as the app writes it: n notes and n bookmarks */
  {
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
                              "start=%u\nend=%u\nquote=两新组织党组织积极响应号召\nbefore=在疫情防控工作中，徐汇区\n"
                              "after=充分发挥战斗堡垒作用\ntext=第 %u 条笔记：关于社区防疫工作的一段记录，\\n附有第二行说明。\n"
                              "created=2026-01-01T00:00:00.%06uZ\nmodified=2026-01-01T00:00:00.%06uZ\n",
                              i, i % 997, i, i + 12, i, i % 1000000, i % 1000000);
    file_mib = text->len / 1048576.0;
    if (!g_file_set_contents (path, text->str, text->len, NULL))
      return 1;
    g_string_free (text, TRUE);
  }
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

  t0 = g_get_monotonic_time ();
  store = bulletin_annotations_new (dir);
  bulletin_annotations_set_monitored (store, FALSE);
  /* as the app does */
  bulletin_annotations_set_async_writes (store, TRUE);
  bulletin_annotations_load (store, NULL);
  t1 = g_get_monotonic_time ();
  load_ms = (t1 - t0) / 1000.0;
  if (g_list_model_get_n_items (bulletin_annotations_get_notes (store)) != n ||
      g_list_model_get_n_items (bulletin_annotations_get_bookmarks (store)) != n)
    {
      printf ("read %u notes, %u bookmarks\n",
              g_list_model_get_n_items (bulletin_annotations_get_notes (store)),
              g_list_model_get_n_items (bulletin_annotations_get_bookmarks (store)));
      return 1;
    }

  /* Ctrl+D five times, each save awaited, while a 1 ms ticker measures the
   * longest time the main loop did not run */
  source = g_timeout_add (1, tick, &ticker);
  /* the same second without saving: what the machine alone costs */
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    idle_ms = ticker.longest / 1000.0;
    ticker.longest = 0;
  }
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:bench:ctrl-d");

      while (g_main_context_iteration (NULL, FALSE))
        ;
      ticker.last = 0;
      g_main_context_iteration (NULL, TRUE);
      if (i % 2 == 0)
        bulletin_annotations_add_bookmark (store, bookmark, NULL);
      else
        bulletin_annotations_remove_bookmark (store, "urn:bench:ctrl-d", NULL);
      do
        g_main_context_iteration (NULL, TRUE);
      while (bulletin_annotations_is_writing (store));
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (source);
  if (bulletin_annotations_has_unsaved (store))
    return 1;

  printf ("file %.1f\nload %.1f\nstall %.1f\nrss %.1f\nidle %.1f\n", file_mib, load_ms,
          ticker.longest / 1000.0, peak_rss_mib (), idle_ms);
  g_clear_object (&store);
  remove_tree (dir);
  return 0;
}

static gboolean
run_large (const char *self_path,
           guint       n,
           double      figures[5])
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
  for (guint i = 0; lines[i] != NULL && i < 5; i++)
    {
      const char *space = strchr (lines[i], ' ');

      figures[i] = space != NULL ? g_ascii_strtod (space + 1, NULL) : -1;
    }
  return TRUE;
}

static void
large_report (const char *self_path)
{
  double small[5] = { 0 }, big[5] = { 0 };
  const char *what[] = { "key file size", "load", "longest main-loop stall in a save", "peak RSS",
                         "(the same, idle: the machine's own)" };
  const char *unit[] = { "MiB", "ms", "ms", "MiB", "ms" };
  double target[] = { -1, 1000, 16, 150, -1 };

  if (!run_large (self_path, 1000, small) || !run_large (self_path, 100000, big))
    {
      all_pass = FALSE;
      return;
    }
  printf ("\nkey file with N notes and N bookmarks     N = 1,000   N = 100,000   target at 100,000\n");
  for (guint i = 0; i < 5; i++)
    {
      gboolean pass = target[i] < 0 || big[i] <= target[i];

      if (target[i] < 0)
        printf ("%-40s %9.1f %s %9.1f %s\n", what[i], small[i], unit[i], big[i], unit[i]);
      else
        printf ("%-40s %9.1f %s %9.1f %s    ≤ %g %s  %s\n", what[i], small[i], unit[i], big[i], unit[i],
                target[i], unit[i], pass ? "PASS" : "FAIL");
      all_pass &= pass;
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
    return large (atoi (argv[2]));
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
                                "start=%u\nend=%u\nquote=两新组织党组织积极响应号召\nbefore=在疫情防控工作中\n"
                                "after=充分发挥战斗堡垒作用\ntext=第 %u 条笔记\\n第二行\n"
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
