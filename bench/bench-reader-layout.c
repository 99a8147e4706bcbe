/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How fast the reader shows an article: from setting it on the real
 * BulletinReaderView to its first screen laid out and drawn, for a
 * 5,000-character and a 200,000-character article, and the cost of
 * re-applying a preference change (text size) to the first.
 *
 * A figure is the work the app's main thread does from the call to the
 * end of the first frame drawn after it: its CPU time, so that neither
 * the wait for that frame (the frame clock paces it) nor other programs on
 * a busy machine count.  It includes the idle callbacks that lay out the
 * visible lines and the snapshot of the frame.  Each is the median of
 * several runs; the wall-clock time is printed beside.
 * Targets: 16 ms, 150 ms and 50 ms.  Needs a display (xvfb-run).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "bench-common.h"
#include "bulletin-reader-view.h"

#define RUNS 7

static double frame_work;      /* seconds from before-paint to the end of layout */
static double paint_work;      /* seconds from the end of layout to after-paint */
static gint64 paint_start;
static gint64 frame_start;
static gboolean frame_seen;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
thread_cpu (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       data)
{
  frame_start = g_get_monotonic_time ();
}

static void
layout_done_cb (GdkFrameClock *clock,
                gpointer       data)
{
  if (frame_start == 0)
    return;
  paint_start = g_get_monotonic_time ();
  frame_work = (paint_start - frame_start) / 1e6;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  if (frame_start == 0 || paint_start == 0)
    return;
  paint_work = (g_get_monotonic_time () - paint_start) / 1e6;
  frame_seen = TRUE;
}

static void
spin_until_frame (void)
{
  double deadline = now () + 5;

  frame_seen = FALSE;
  frame_start = 0;
  paint_start = 0;
  while (!frame_seen && now () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static void
spin_idle (void)
{
  double until = now () + 0.3;

  while (now () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static BulletinArticle *
make_article (const char *sample,
              guint       n_chars,
              guint       serial)
{
  BulletinArticle *article = bulletin_article_new ();
  g_autofree char *headline = g_strdup_printf ("第%u号测试文章：社区志愿者服务", serial);
  guint have = 0;
  const char *p = sample;

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, headline, -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_BYLINE, "● 记者 王明", -1);
  while (have < n_chars)
    {
      /* paragraphs of about 200 characters cut from the sample */
      GString *para = g_string_new (NULL);

      while (para->len < 600)
        {
          gunichar c;

          if (*p == '\0')
            p = sample;
          c = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
          if (c != '\n')
            g_string_append_unichar (para, c);
        }
      have += g_utf8_strlen (para->str, -1);
      bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, para->str, -1);
      g_string_free (para, TRUE);
    }
  bulletin_article_set_language (article, "zh-Hans");
  bulletin_article_finish (article);
  return article;
}

static double
median (double *values)
{
  qsort (values, RUNS, sizeof (double), bench_compare_double);
  return values[RUNS / 2];
}

static gboolean
report (const char *what,
        double      seconds,
        double      wall,
        double      target)
{
  gboolean pass = seconds <= target;

  printf ("%-44s %8.1f ms   target %5.0f ms   %s   (wall clock %.1f ms)\n", what, seconds * 1000,
          target * 1000, pass ? "PASS" : "FAIL", wall * 1000);
  return pass;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *sample = NULL;
  const char *shared = g_getenv ("BULLETIN_SHARED_DIR");
  GtkWidget *window, *reader;
  GdkFrameClock *clock;
  double open_short[RUNS], open_long[RUNS], reapply[RUNS], drawing[RUNS];
  double wall_short[RUNS], wall_long[RUNS], wall_reapply[RUNS];
  gboolean pass = TRUE;

  gtk_init ();
  adw_init ();

  if (shared != NULL)
    {
      g_autofree char *path = g_build_filename (shared, "samples", "000_1b466bc7855b1717.txt", NULL);

      g_file_get_contents (path, &sample, NULL, NULL);
    }
  if (sample == NULL)
    /* our own words, in the sample's shape, when ../shared is absent */
    sample = g_strdup ("街道服务中心今年新开了助餐点，每天中午为辖区老人供应热饭热菜。"
                       "工作人员说：“我们想让老人们在家门口就能吃上放心饭。”"
                       "共有2.3%的居民——约120人——报名参加了COVID-19疫苗接种志愿服务……");

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  reader = bulletin_reader_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), reader);
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  /* after the window's own layout handler: the end of the layout phase */
  g_signal_connect_after (clock, "layout", G_CALLBACK (layout_done_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  spin_idle ();

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr(BulletinArticle) short_article = make_article (sample, 5000, run * 2);
      g_autoptr(BulletinArticle) long_article = make_article (sample, 200000, run * 2 + 1);
      BulletinReadingSettings settings = *bulletin_reader_view_get_settings (BULLETIN_READER_VIEW (reader));
      double t0, c0, call;

      /* 5,000 characters */
      t0 = now ();
      c0 = thread_cpu ();
      bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader), short_article);
      call = now () - t0;
      spin_until_frame ();
      open_short[run] = thread_cpu () - c0;
      wall_short[run] = now () - t0;
      drawing[run] = paint_work;
      if (g_getenv ("BENCH_VERBOSE"))
        printf ("short: call %.1f layout %.1f drawing %.1f\n", call * 1000, frame_work * 1000, paint_work * 1000);
      spin_idle ();

      /* a preference change on it */
      settings.font_size = run % 2 ? 13.0 : 14.0;
      t0 = now ();
      c0 = thread_cpu ();
      bulletin_reader_view_set_settings (BULLETIN_READER_VIEW (reader), &settings);
      call = now () - t0;
      spin_until_frame ();
      reapply[run] = thread_cpu () - c0;
      wall_reapply[run] = now () - t0;
      if (g_getenv ("BENCH_VERBOSE"))
        printf ("reapply: call %.1f layout %.1f drawing %.1f\n", call * 1000, frame_work * 1000, paint_work * 1000);
      spin_idle ();

      /* 200,000 characters */
      t0 = now ();
      c0 = thread_cpu ();
      bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader), long_article);
      call = now () - t0;
      spin_until_frame ();
      open_long[run] = thread_cpu () - c0;
      wall_long[run] = now () - t0;
      if (g_getenv ("BENCH_VERBOSE"))
        printf ("long: call %.1f layout %.1f drawing %.1f\n", call * 1000, frame_work * 1000, paint_work * 1000);
      /* the rest of it goes in while we wait */
      while (!bulletin_reader_view_is_complete (BULLETIN_READER_VIEW (reader)))
        g_main_context_iteration (NULL, TRUE);
      spin_idle ();

      bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader), NULL);
      spin_idle ();
    }

  printf ("Reader layout, median of %d runs (main-thread CPU time to the first frame drawn):\n", RUNS);
  pass &= report ("open a 5,000-character article", median (open_short), median (wall_short), 0.016);
  pass &= report ("open a 200,000-character article", median (open_long), median (wall_long), 0.150);
  pass &= report ("re-apply a text size change (5,000 chars)", median (reapply), median (wall_reapply), 0.050);
  printf ("(renderer %s; of the 5,000-character frame, %.1f ms were drawing)\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))), median (drawing) * 1000);
  printf ("%s\n", pass ? "PASS" : "FAIL");

  gtk_window_destroy (GTK_WINDOW (window));
  return pass ? 0 : 1;
}
