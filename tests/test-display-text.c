/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-display-text.h"
#include "bulletin-test-utils.h"

static void
test_widen (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  const char *text;

  bulletin_article_append_block (article, BULLETIN_BLOCK_SOURCE, "(来源:新华社)", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH,
                                 "疫情如令,责任如山!10:30 COVID-19, 3.5%", -1);
  bulletin_article_finish (article);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_WIDEN_PUNCTUATION);
  text = bulletin_display_text_get_text (display, NULL);
  g_assert_cmpstr (text, ==, "（来源：新华社）\n疫情如令，责任如山！10:30 COVID-19, 3.5%");

  g_clear_pointer (&display, bulletin_display_text_unref);
  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_NONE);
  text = bulletin_display_text_get_text (display, NULL);
  g_assert_cmpstr (text, ==, "(来源:新华社)\n疫情如令,责任如山!10:30 COVID-19, 3.5%");
}

static void
test_map_with_debris (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  BulletinBlock *block;
  const BulletinSpan *spans;
  guint n_spans;

  /* "统\n\n筹安排": the paragraph continues after the page break */
  bulletin_article_set_source (article, "标题\n\n统\n\n筹安排", -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_HEADLINE, 0, 2));
  block = bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 4, 5);
  bulletin_block_add_range (block, 7, 10);
  bulletin_article_add_block (article, block);
  bulletin_article_finish (article);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_assert_cmpstr (bulletin_display_text_get_text (display, NULL), ==, "标题\n统筹安排");
  spans = bulletin_display_text_get_spans (display, &n_spans);
  g_assert_cmpuint (n_spans, ==, 2);
  g_assert_cmpuint (spans[1].start, ==, 3);
  g_assert_cmpuint (spans[1].end, ==, 7);

  /* display -> source */
  g_assert_cmpuint (bulletin_display_text_to_source (display, 0), ==, 0);
  g_assert_cmpuint (bulletin_display_text_to_source (display, 2), ==, 2); /* separator */
  g_assert_cmpuint (bulletin_display_text_to_source (display, 3), ==, 4);
  g_assert_cmpuint (bulletin_display_text_to_source (display, 4), ==, 7);
  g_assert_cmpuint (bulletin_display_text_to_source (display, 6), ==, 9);
  g_assert_cmpuint (bulletin_display_text_to_source (display, 7), ==, 10);

  /* source -> display; debris maps to the next shown character */
  g_assert_cmpuint (bulletin_display_text_from_source (display, 4), ==, 3);
  g_assert_cmpuint (bulletin_display_text_from_source (display, 5), ==, 4);
  g_assert_cmpuint (bulletin_display_text_from_source (display, 6), ==, 4);
  g_assert_cmpuint (bulletin_display_text_from_source (display, 7), ==, 4);
  g_assert_cmpuint (bulletin_display_text_from_source (display, 10), ==, 7);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/display-text/widen", test_widen);
  g_test_add_func ("/bulletin/display-text/map-with-debris", test_map_with_debris);
  return g_test_run ();
}
