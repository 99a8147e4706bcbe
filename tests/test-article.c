/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-article.h"
#include "bulletin-date.h"
#include "bulletin-issue.h"
#include "bulletin-test-utils.h"

static void
test_append_blocks (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autofree char *text = NULL;
  const BulletinBlock *block;

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "标题", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, "第一段\r\n续", -1);
  bulletin_article_finish (article);

  g_assert_cmpstr (bulletin_article_get_source (article), ==, "标题\n\n第一段\n续");
  g_assert_cmpuint (bulletin_article_get_source_length (article), ==, 9);
  g_assert_cmpuint (bulletin_article_get_n_blocks (article), ==, 2);
  block = bulletin_article_get_block (article, 1);
  g_assert_cmpuint (bulletin_block_get_start (block), ==, 4);
  g_assert_cmpuint (bulletin_block_get_end (block), ==, 9);
  text = bulletin_article_dup_block_text (article, 1);
  g_assert_cmpstr (text, ==, "第一段\n续");
  g_assert_cmpstr (bulletin_article_get_headline (article), ==, "标题");
  g_assert_true (g_str_has_prefix (bulletin_article_get_id (article), "urn:bulletin:article:"));
}

static BulletinArticle *
make_article (const char *headline,
              const char *body)
{
  BulletinArticle *article = bulletin_article_new ();

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, headline, -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, body, -1);
  bulletin_article_finish (article);
  return article;
}

static void
test_identity (void)
{
  g_autoptr(BulletinArticle) a = make_article ("邻里相助,守望如家", "在社区服务工作中,青溪街道");
  /* width of punctuation, white space and line breaks do not count */
  g_autoptr(BulletinArticle) b = make_article ("邻里相助，守望如家", "在社区服务\n\n工作中，青溪街道 ");
  g_autoptr(BulletinArticle) c = make_article ("邻里相助,守望如家", "在社区服务工作后,青溪街道");
  g_autoptr(BulletinArticle) d = bulletin_article_new ();

  g_assert_cmpstr (bulletin_article_get_id (a), ==, bulletin_article_get_id (b));
  g_assert_cmpstr (bulletin_article_get_id (a), !=, bulletin_article_get_id (c));

  bulletin_article_set_uri (d, "urn:example:1");
  bulletin_article_append_block (d, BULLETIN_BLOCK_HEADLINE, "x", -1);
  bulletin_article_finish (d);
  g_assert_cmpstr (bulletin_article_get_id (d), ==, "urn:example:1");
  bulletin_article_set_id_suffix (d, "#2");
  g_assert_cmpstr (bulletin_article_get_id (d), ==, "urn:example:1#2");
}

static void
test_offsets (void)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autofree char *piece = NULL;

  for (guint i = 0; i < 3000; i++)
    g_string_append (big, i % 2 ? "字" : "a");
  bulletin_article_set_source (article, big->str, big->len);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 0, 3000));
  bulletin_article_finish (article);

  piece = bulletin_article_dup_source_range (article, 1001, 1004);
  g_assert_cmpstr (piece, ==, "字a字");
  g_assert_true (*bulletin_article_offset_to_pointer (article, 3000) == 0);
}

static void
test_dates (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "2022-03-29.json", "2022-03-29" },
    { "bulletin_20220329.txt", "2022-03-29" },
    { "2022年3月9日 第12期", "2022-03-09" },
    { "2021.12.1", "2021-12-01" },
    { "issue-0042.json", NULL },
    { "20221399", NULL },
    { "12345678901", NULL },
    { "2013-07-09T10:37:00Z", "2013-07-09" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *date = bulletin_date_from_string (cases[i].in);
      g_assert_cmpstr (date, ==, cases[i].out);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/article/append-blocks", test_append_blocks);
  g_test_add_func ("/bulletin/article/identity", test_identity);
  g_test_add_func ("/bulletin/article/offsets", test_offsets);
  g_test_add_func ("/bulletin/article/dates", test_dates);
  return g_test_run ();
}
