/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "bulletin-reader-view.h"
#include "bulletin-test-utils.h"

/* A paragraph of thousands of characters is laid out in pieces (one text
 * view paragraph each, so that no single layout freezes the window), and
 * still reads as one paragraph: a piece that continues it starts at the
 * left edge, with no first-line indent, and at the same line pitch as the
 * lines wrapped inside a piece. */

static void
test_pieces_read_as_one (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(GString) para = g_string_new (NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader = bulletin_reader_view_new ();
  BulletinDisplayText *display;
  GtkTextView *view;
  GtkTextBuffer *buffer;
  const guint *breaks;
  guint n_breaks;
  GtkTextIter iter;
  GdkRectangle first, second, third;
  int indent_x, left_x, pitch;

  while (g_utf8_strlen (para->str, -1) < 6000)
    g_string_append (para, "志愿者为行动不便的老人送去米面粮油，并帮助他们预约就医。");
  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "长篇", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, para->str, -1);
  bulletin_article_set_language (article, "zh-Hans");
  bulletin_article_finish (article);

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 900);
  gtk_window_set_child (GTK_WINDOW (window), reader);
  gtk_window_present (GTK_WINDOW (window));
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader), article);
  for (guint i = 0; i < 100 && !bulletin_reader_view_is_complete (BULLETIN_READER_VIEW (reader)); i++)
    bulletin_test_iterate (50);
  bulletin_test_iterate (300);
  g_assert_true (bulletin_reader_view_is_complete (BULLETIN_READER_VIEW (reader)));

  view = bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (reader));
  buffer = gtk_text_view_get_buffer (view);
  display = bulletin_reader_view_get_display_text (BULLETIN_READER_VIEW (reader));
  breaks = bulletin_display_text_get_piece_breaks (display, &n_breaks);
  g_assert_cmpuint (n_breaks, >=, 2);

  /* the paragraph's own first line is indented; its second line is not */
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 1);
  gtk_text_view_get_iter_location (view, &iter, &first);
  indent_x = first.x;
  g_assert_true (gtk_text_view_forward_display_line (view, &iter));
  gtk_text_view_get_iter_location (view, &iter, &second);
  left_x = second.x;
  pitch = second.y - first.y;
  g_assert_cmpint (indent_x, >, left_x);

  for (guint b = 0; b < n_breaks; b++)
    {
      GdkRectangle before, after;
      GtkTextIter at;

      /* the first character of the piece that continues */
      bulletin_typography_get_iter_at_display (buffer, &at, breaks[b] + 1);
      gtk_text_view_get_iter_location (view, &at, &after);
      g_assert_cmpint (after.x, ==, left_x);

      /* the last line of the piece before: one pitch above */
      bulletin_typography_get_iter_at_display (buffer, &at, breaks[b] - 1);
      gtk_text_view_get_iter_location (view, &at, &before);
      g_assert_cmpint (after.y - before.y, ==, pitch);
    }

  /* and wrapped lines further on keep that pitch */
  bulletin_typography_get_iter_at_display (buffer, &iter, breaks[0] + 1);
  gtk_text_view_get_iter_location (view, &iter, &second);
  g_assert_true (gtk_text_view_forward_display_line (view, &iter));
  gtk_text_view_get_iter_location (view, &iter, &third);
  g_assert_cmpint (third.y - second.y, ==, pitch);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  adw_init ();
  g_test_add_func ("/bulletin/reader-pieces/read-as-one", test_pieces_read_as_one);
  return g_test_run ();
}
