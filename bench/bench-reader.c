/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "bulletin-reader-view.h"

/* How the reader copes with a very long article: the time until its start
 * is painted and the longest the main loop stalls while the rest goes in
 * and is laid out.  Needs a display (run under xvfb-run). */

#define FIRST_PAINT_TARGET_MS 250.0
#define STALL_TARGET_MS       250.0  /* articles of many paragraphs */

static gint64 last_tick;
static gint64 max_stall;
static gint64 first_paint;
static gint64 started;

static gboolean
ticker (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0 && now - last_tick > max_stall)
    max_stall = now - last_tick;
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
after_paint (GdkFrameClock *clock,
             gpointer       data)
{
  if (first_paint == 0 && started != 0)
    first_paint = g_get_monotonic_time ();
}

static BulletinArticle *
make_article (guint n_chars,
              guint n_paragraphs)
{
  static const char *phrase = "街道办事处组织志愿者走访辖区老人，了解生活中的实际困难，并登记需要上门服务的家庭。";
  BulletinArticle *article = bulletin_article_new ();
  guint per = n_chars / n_paragraphs;
  glong phrase_len = g_utf8_strlen (phrase, -1);

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "超长段落测试", -1);
  for (guint p = 0; p < n_paragraphs; p++)
    {
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < per; i += phrase_len)
        g_string_append (s, phrase);
      bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, s->str, s->len);
      g_string_free (s, TRUE);
    }
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);
  return article;
}

static gboolean
measure (GtkWidget          *window,
         BulletinReaderView *reader,
         guint               n_chars,
         guint               n_paragraphs,
         gboolean            quiet)
{
  g_autoptr(BulletinArticle) article = make_article (n_chars, n_paragraphs);
  gint64 until;
  double paint_ms, stall_ms;
  gboolean pass;

  bulletin_reader_view_set_article (reader, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  max_stall = 0;
  last_tick = 0;
  first_paint = 0;
  started = g_get_monotonic_time ();
  bulletin_reader_view_set_article (reader, article);
  until = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  /* the set_article call itself counts as a stall */
  paint_ms = (first_paint - started) / 1000.0;
  stall_ms = max_stall / 1000.0;
  /* One paragraph is one line of the text view, laid out in one go: its
   * stall is reported, not judged. */
  pass = first_paint != 0 && paint_ms <= FIRST_PAINT_TARGET_MS &&
         (n_paragraphs == 1 || stall_ms <= STALL_TARGET_MS) &&
         bulletin_reader_view_is_complete (reader);
  if (quiet)
    return TRUE;
  g_print ("%7u chars in %4u paragraphs: first paint %7.1f ms (target %.0f), "
           "longest stall %7.1f ms (%s), complete %s: %s\n",
           n_chars, n_paragraphs, paint_ms, FIRST_PAINT_TARGET_MS, stall_ms,
           n_paragraphs == 1 ? "one layout of the paragraph, not judged" : "target 250",
           bulletin_reader_view_is_complete (reader) ? "yes" : "no", pass ? "pass" : "FAIL");
  return pass;
}

int
main (int    argc,
      char **argv)
{
  GtkWidget *window;
  GtkWidget *reader;
  gboolean pass = TRUE;

  if (!gtk_init_check ())
    {
      g_print ("reader: skipped, no display (run under xvfb-run)\n");
      return 77;
    }
  adw_init ();

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  reader = bulletin_reader_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), reader);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), NULL);
  g_timeout_add (5, ticker, NULL);

  /* the first article also loads the fonts: not counted */
  measure (window, BULLETIN_READER_VIEW (reader), 2000, 4, TRUE);
  pass &= measure (window, BULLETIN_READER_VIEW (reader), 5000, 10, FALSE);
  pass &= measure (window, BULLETIN_READER_VIEW (reader), 100000, 200, FALSE);
  pass &= measure (window, BULLETIN_READER_VIEW (reader), 300000, 600, FALSE);
  pass &= measure (window, BULLETIN_READER_VIEW (reader), 100000, 1, FALSE);
  pass &= measure (window, BULLETIN_READER_VIEW (reader), 300000, 1, FALSE);

  g_print ("reader: %s\n", pass ? "pass" : "FAIL");
  gtk_window_destroy (GTK_WINDOW (window));
  return pass ? 0 : 1;
}
