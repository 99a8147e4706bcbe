/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "bulletin-reader-view.h"
#include "bulletin-search-bar.h"
#include "bulletin-test-utils.h"

/* In-article search in a real reader: the highlight tags sit exactly on the
 * matched characters of the display text (widened punctuation, a paragraph
 * joined across a page break), the current match is tagged apart, and the
 * bar counts, wraps, reruns on another article and closes. */

typedef struct {
  GtkWindow          *window;
  BulletinReaderView *reader;
  BulletinSearchBar  *bar;
} Fixture;


/* The focus inside the widget's own window.  gtk_widget_has_focus () also
 * wants the window to be the active one, which another test running on
 * the same X display may take at any moment. */
static gboolean
has_focus_in_window (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return root != NULL && gtk_root_get_focus (root) == widget;
}

static BulletinArticle *
page_break_article (void)
{
  BulletinArticle *article = bulletin_article_new ();
  BulletinBlock *block;

  /* "志愿\n\n- 2 -\n\n者": the paragraph continues after the page break */
  bulletin_article_set_source (article,
                               "國家志愿者\n\n争当志愿\n\n- 2 -\n\n者,积极参与志愿者服务(来源:新华社)", -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_HEADLINE, 0, 5));
  block = bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 7, 11);
  bulletin_block_add_range (block, 20, 39);
  bulletin_article_add_block (article, block);
  bulletin_article_finish (article);
  return article;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 600, 400);
  f->reader = BULLETIN_READER_VIEW (bulletin_reader_view_new ());
  f->bar = BULLETIN_SEARCH_BAR (bulletin_search_bar_new (f->reader));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->bar));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->reader));
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  bulletin_test_iterate (100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  bulletin_test_iterate (20);
}

/* The display ranges that carry @tag_name, as "start-end" words. */
static char *
tagged_ranges (Fixture    *f,
               const char *tag_name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (f->reader));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GString *s = g_string_new (NULL);
  GtkTextIter iter;

  if (tag == NULL)
    return g_string_free (s, FALSE);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  if (!gtk_text_iter_starts_tag (&iter, tag))
    gtk_text_iter_forward_to_tag_toggle (&iter, tag);
  while (!gtk_text_iter_is_end (&iter))
    {
      GtkTextIter end = iter;
      g_autofree char *text = NULL;

      gtk_text_iter_forward_to_tag_toggle (&end, tag);
      text = bulletin_typography_dup_text (&iter, &end);
      g_string_append_printf (s, "%s%u-%u:%s", s->len ? " " : "",
                              bulletin_typography_get_display_offset (&iter),
                              bulletin_typography_get_display_offset (&end), text);
      iter = end;
      if (!gtk_text_iter_forward_to_tag_toggle (&iter, tag))
        break;
    }
  return g_string_free (s, FALSE);
}

static void
test_highlights (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BulletinArticle) article = page_break_article ();
  g_autofree char *matches = NULL;
  g_autofree char *current = NULL;
  g_autofree char *buffer_text = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter s, e;

  bulletin_reader_view_set_article (f->reader, article);
  bulletin_test_iterate (50);
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (f->reader));
  gtk_text_buffer_get_bounds (buffer, &s, &e);
  buffer_text = bulletin_typography_dup_text (&s, &e);
  /* the reader joined the page break and widened the punctuation */
  g_assert_nonnull (strstr (buffer_text, "争当志愿者，积极"));

  bulletin_search_bar_set_query (f->bar, "志願者");
  bulletin_test_iterate (50);
  g_assert_cmpuint (bulletin_search_bar_get_n_matches (f->bar), ==, 3);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  current = tagged_ranges (f, BULLETIN_SEARCH_CURRENT_TAG);
  g_assert_cmpstr (matches, ==, "2-5:志愿者 8-11:志愿者 16-19:志愿者");
  g_assert_cmpstr (current, ==, "2-5:志愿者");
  g_assert_cmpstr (bulletin_search_bar_get_status (f->bar), ==, "1 of 3");

  /* full-width query, ASCII source shown widened */
  bulletin_search_bar_set_query (f->bar, "者,积");
  g_free (matches);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (matches, ==, "10-13:者，积");
  bulletin_search_bar_set_query (f->bar, "（来源：新华社）");
  g_free (matches);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (matches, ==, "21-29:（来源：新华社）");
  bulletin_search_bar_set_query (f->bar, "国");
  g_free (matches);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (matches, ==, "0-1:國");

  /* several words: every one of them highlighted, in order; an excluded
   * word found leaves nothing; only exclusions say what is missing */
  bulletin_search_bar_set_query (f->bar, "新华社 志愿者");
  g_free (matches);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (matches, ==, "2-5:志愿者 8-11:志愿者 16-19:志愿者 25-28:新华社");
  g_assert_cmpstr (bulletin_search_bar_get_status (f->bar), ==, "1 of 4");
  bulletin_search_bar_set_query (f->bar, "志愿者 -新华社");
  g_assert_cmpuint (bulletin_search_bar_get_n_matches (f->bar), ==, 0);
  g_assert_cmpstr (bulletin_search_bar_get_status (f->bar), ==, "No results");
  bulletin_search_bar_set_query (f->bar, "-新华社");
  g_assert_cmpstr (bulletin_search_bar_get_status (f->bar), ==, "Add a word to search for");
}

static void
test_navigation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BulletinArticle) article = page_break_article ();
  g_autoptr(BulletinArticle) other = bulletin_article_new ();
  g_autofree char *current = NULL;

  bulletin_reader_view_set_article (f->reader, article);
  bulletin_test_iterate (50);
  bulletin_search_bar_set_query (f->bar, "志愿者");

  bulletin_search_bar_next (f->bar);
  current = tagged_ranges (f, BULLETIN_SEARCH_CURRENT_TAG);
  g_assert_cmpstr (current, ==, "8-11:志愿者");
  g_assert_cmpstr (bulletin_search_bar_get_status (f->bar), ==, "2 of 3");
  bulletin_search_bar_next (f->bar);
  bulletin_search_bar_next (f->bar);
  g_assert_cmpint (bulletin_search_bar_get_current (f->bar), ==, 0);  /* wrapped */
  bulletin_search_bar_previous (f->bar);
  g_assert_cmpint (bulletin_search_bar_get_current (f->bar), ==, 2);  /* wrapped back */
  g_free (current);
  current = tagged_ranges (f, BULLETIN_SEARCH_CURRENT_TAG);
  g_assert_cmpstr (current, ==, "16-19:志愿者");

  /* no results is said, not silent */
  bulletin_search_bar_set_query (f->bar, "不存在");
  g_assert_cmpuint (bulletin_search_bar_get_n_matches (f->bar), ==, 0);
  g_assert_cmpstr (bulletin_search_bar_get_status (f->bar), ==, "No results");

  /* another article: the text stays and runs again */
  bulletin_search_bar_set_query (f->bar, "志愿");
  bulletin_article_append_block (other, BULLETIN_BLOCK_HEADLINE, "志愿服务", -1);
  bulletin_article_append_block (other, BULLETIN_BLOCK_PARAGRAPH, "社区志愿者和志愿团队", -1);
  bulletin_article_finish (other);
  bulletin_reader_view_set_article (f->reader, other);
  bulletin_test_iterate (50);
  g_assert_cmpstr (bulletin_search_bar_get_query (f->bar), ==, "志愿");
  g_assert_cmpuint (bulletin_search_bar_get_n_matches (f->bar), ==, 3);
  g_free (current);
  current = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (current, ==, "0-2:志愿 7-9:志愿 11-13:志愿");

  /* closing clears the highlights and gives the focus back */
  bulletin_search_bar_close (f->bar);
  bulletin_test_iterate (50);
  g_assert_false (bulletin_search_bar_is_open (f->bar));
  g_free (current);
  current = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (current, ==, "");
  g_assert_true (has_focus_in_window (GTK_WIDGET (bulletin_reader_view_get_text_view (f->reader))));
}

static void
test_long_article (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(GString) para = g_string_new (NULL);
  guint start, end, n_tagged = 0;
  GtkTextBuffer *buffer;
  GtkTextTag *tag;
  GtkTextIter iter;

  for (guint i = 0; i < 3000; i++)
    g_string_append (para, i % 10 == 9 ? "疫情防控。\n\n" : "社区工作人员");
  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "长文", -1);
  bulletin_article_set_source (article, para->str, -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 0,
                                                           g_utf8_strlen (para->str, -1)));
  bulletin_article_finish (article);
  bulletin_reader_view_set_article (f->reader, article);
  bulletin_test_iterate (50);

  bulletin_search_bar_set_query (f->bar, "疫情");
  bulletin_test_iterate (50);
  g_assert_cmpuint (bulletin_search_bar_get_n_matches (f->bar), ==, 300);

  /* the last match, made current, is in the buffer and tagged */
  bulletin_search_bar_previous (f->bar);
  bulletin_test_iterate (100);
  g_assert_true (bulletin_search_bar_get_match (f->bar, 299, &start, &end));
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (f->reader));
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_SEARCH_CURRENT_TAG);
  bulletin_typography_get_iter_at_display (buffer, &iter, start);
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  {
    GtkTextIter e2;
    g_autofree char *text = NULL;

    bulletin_typography_get_iter_at_display_end (buffer, &e2, end);
    text = bulletin_typography_dup_text (&iter, &e2);
    g_assert_cmpstr (text, ==, "疫情");
  }

  /* every tagged range is a match */
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_SEARCH_MATCH_TAG);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  while (gtk_text_iter_forward_to_tag_toggle (&iter, tag))
    if (gtk_text_iter_starts_tag (&iter, tag))
      {
        GtkTextIter e2 = iter;
        g_autofree char *text = NULL;

        gtk_text_iter_forward_to_tag_toggle (&e2, tag);
        text = bulletin_typography_dup_text (&iter, &e2);
        g_assert_cmpstr (text, ==, "疫情");
        n_tagged++;
      }
  g_assert_cmpuint (n_tagged, >, 0);
}

/* A match beside Latin text: the reader's Han-Latin gap characters are
 * not text, so the highlight covers the matched characters and the gap
 * characters between them, and none before or after. */
static void
test_gaps (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  const char *source = "小区有25名党员报名，其中3位是90后。";
  g_autofree char *matches = NULL;
  GtkTextBuffer *buffer;
  GtkTextTag *tag;
  GtkTextIter iter;

  bulletin_article_set_source (article, source, -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 0,
                                                           g_utf8_strlen (source, -1)));
  bulletin_article_finish (article);
  bulletin_reader_view_set_article (f->reader, article);
  bulletin_test_iterate (50);
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (f->reader));

  bulletin_search_bar_set_query (f->bar, "25名");
  bulletin_test_iterate (50);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (matches, ==, "3-6:25名");
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_SEARCH_MATCH_TAG);
  /* 有|25|名: the gap before 2 is not highlighted, the one before 名 is */
  bulletin_typography_get_iter_at_display_end (buffer, &iter, 3);
  g_assert_true (bulletin_typography_iter_is_gap (&iter));
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));
  bulletin_typography_get_iter_at_display_end (buffer, &iter, 5);
  g_assert_true (bulletin_typography_iter_is_gap (&iter));
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  bulletin_typography_get_iter_at_display (buffer, &iter, 6);
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));

  bulletin_search_bar_set_query (f->bar, "90");
  g_free (matches);
  matches = tagged_ranges (f, BULLETIN_SEARCH_MATCH_TAG);
  g_assert_cmpstr (matches, ==, "16-18:90");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  adw_init ();

  g_test_add ("/bulletin/search-bar/highlights", Fixture, NULL, fixture_set_up, test_highlights, fixture_tear_down);
  g_test_add ("/bulletin/search-bar/navigation", Fixture, NULL, fixture_set_up, test_navigation, fixture_tear_down);
  g_test_add ("/bulletin/search-bar/long-article", Fixture, NULL, fixture_set_up, test_long_article, fixture_tear_down);
  g_test_add ("/bulletin/search-bar/han-latin-gaps", Fixture, NULL, fixture_set_up, test_gaps, fixture_tear_down);

  return g_test_run ();
}
