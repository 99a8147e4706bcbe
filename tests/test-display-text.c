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
                                 "邻里相助,守望如家!10:30 COVID-19, 3.5%", -1);
  bulletin_article_finish (article);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_WIDEN_PUNCTUATION);
  text = bulletin_display_text_get_text (display, NULL);
  g_assert_cmpstr (text, ==, "（来源：新华社）\n邻里相助，守望如家！10:30 COVID-19, 3.5%");

  g_clear_pointer (&display, bulletin_display_text_unref);
  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_NONE);
  text = bulletin_display_text_get_text (display, NULL);
  g_assert_cmpstr (text, ==, "(来源:新华社)\n邻里相助,守望如家!10:30 COVID-19, 3.5%");
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

static void
test_widen_rules (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "邻里相助,守望如家", "邻里相助，守望如家" },
    { "会议于10:30开始", "会议于10:30开始" },
    { "增长3.5%,好于预期", "增长3.5%，好于预期" },
    { "COVID-19疫情", "COVID-19疫情" },
    { "他说:“好!”", "他说：“好！”" },
    { "(来源:新华社)", "（来源：新华社）" },
    { "Hello, world (again)!", "Hello, world (again)!" },
    { "是吗?对;不", "是吗？对；不" },
    /* Chinese context is bulletin_unichar_is_chinese_context (), the
     * search folding's too: Extension B, a radical, CJK compatibility
     * forms (the vertical corner bracket) */
    { "𠀀,a", "𠀀，a" },
    { "⺀,a", "⺀，a" },
    { "﹂,a", "﹂，a" },
    { "a,b", "a,b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BulletinArticle) article = bulletin_article_new ();
      g_autoptr(BulletinDisplayText) display = NULL;

      bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, cases[i].in, -1);
      bulletin_article_finish (article);
      display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
      g_assert_cmpstr (bulletin_display_text_get_text (display, NULL), ==, cases[i].out);
      g_assert_cmpuint (bulletin_display_text_get_length (display), ==,
                        g_utf8_strlen (cases[i].out, -1));
    }
}

/* Every display offset maps to a source offset, in order, and back. */
static void
test_map_roundtrip (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  BulletinBlock *block;
  const BulletinSpan *spans;
  guint n_spans, prev = 0;

  bulletin_article_set_source (article, "标题\n\n正文,第一段\n\n- 2 -\n\n续,完。\n\n(来源:本报)", -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_HEADLINE, 0, 2));
  block = bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 4, 10);
  bulletin_block_add_range (block, 19, 23);
  bulletin_article_add_block (article, block);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_SOURCE, 25, 32));
  bulletin_article_finish (article);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_assert_cmpstr (bulletin_display_text_get_text (display, NULL), ==,
                   "标题\n正文，第一段续，完。\n（来源：本报）");
  spans = bulletin_display_text_get_spans (display, &n_spans);
  g_assert_cmpuint (n_spans, ==, 3);

  for (guint d = 0; d <= bulletin_display_text_get_length (display); d++)
    {
      guint s = bulletin_display_text_to_source (display, d);

      g_assert_cmpuint (s, >=, prev);
      g_assert_cmpuint (s, <=, bulletin_article_get_source_length (article));
      prev = s;
    }
  for (guint b = 0; b < n_spans; b++)
    for (guint d = spans[b].start; d < spans[b].end; d++)
      {
        guint s = bulletin_display_text_to_source (display, d);
        g_autofree char *shown = bulletin_display_text_dup_range (display, d, d + 1);
        g_autofree char *orig = bulletin_article_dup_source_range (article, s, s + 1);
        gunichar a = g_utf8_get_char (shown), o = g_utf8_get_char (orig);

        g_assert_cmpuint (bulletin_display_text_from_source (display, s), ==, d);
        /* the same character, or its full-width form */
        g_assert_true (a == o || a == o + 0xFEE0);
      }
}

static void
test_splits (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) splits = NULL;
  const char *shown;
  guint start = 0;

  for (guint i = 0; i < 400; i++)
    g_string_append (text, i % 3 == 0 ? "他说:“COVID-19疫情好转了!”" : "居民们排队试乘,纷纷点赞,效率提高3.5%。");
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, text->str, -1);
  bulletin_article_finish (article);
  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  shown = bulletin_display_text_get_text (display, NULL);

  splits = bulletin_display_text_dup_splits (display, 0, 100);
  g_assert_cmpuint (splits->len, >, 80);
  for (guint i = 0; i <= splits->len; i++)
    {
      guint end = i < splits->len ? g_array_index (splits, guint, i) : bulletin_display_text_get_length (display);
      const char *p = g_utf8_offset_to_pointer (shown, end);
      gunichar before = g_utf8_get_char (g_utf8_prev_char (p));

      g_assert_cmpuint (end, >, start);
      g_assert_cmpuint (end - start, <=, 100);
      /* after a sentence, its closing quotation mark included */
      g_assert_true (before == 0x3002 || before == 0x201D);
      start = end;
    }

  /* a short block needs no split */
  g_clear_pointer (&splits, g_array_unref);
  splits = bulletin_display_text_dup_splits (display, 0, 1000000);
  g_assert_cmpuint (splits->len, ==, 0);
}

/* List items are shown with their markers, which exist only on the
 * display: the source offsets of the items' text are unchanged. */
static void
test_list_markers (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  BulletinBlock *block;
  const char *text;
  guint src;

  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, "步骤", -1);
  block = bulletin_article_append_block (article, BULLETIN_BLOCK_LIST_ITEM, "登记", -1);
  block->ordered = TRUE;
  block = bulletin_article_append_block (article, BULLETIN_BLOCK_LIST_ITEM, "排队", -1);
  block->ordered = TRUE;
  bulletin_article_append_block (article, BULLETIN_BLOCK_LIST_ITEM, "自带水杯", -1);
  bulletin_article_finish (article);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  text = bulletin_display_text_get_text (display, NULL);
  g_assert_cmpstr (text, ==, "步骤\n1. 登记\n2. 排队\n\xe2\x80\xa2 自带水杯");

  /* "登" is display 6, source 4 ("步骤\n\n登记") */
  g_assert_cmpuint (bulletin_display_text_to_source (display, 6), ==, 4);
  g_assert_cmpuint (bulletin_display_text_from_source (display, 4), ==, 6);
  /* the marker itself maps to where the block before ended */
  g_assert_cmpuint (bulletin_display_text_to_source (display, 3), ==, 2);
  g_assert_false (bulletin_display_text_is_source_char (display, 3));
  g_assert_false (bulletin_display_text_is_source_char (display, 5));
  g_assert_true (bulletin_display_text_is_source_char (display, 6));
  src = bulletin_block_get_start (bulletin_article_get_block (article, 3));
  g_assert_cmpuint (bulletin_display_text_from_source (display, src), ==, 17);
}

/* A very long paragraph is shown in pieces (the reader lays out one piece
 * at a time); without the breaks the text is what it would be, and every
 * character maps to the same source offset as without pieces. */
/* The walking mapping agrees with the searching one, in order, with big
 * steps, and out of order. */
static void
check_sorted_mapping (BulletinDisplayText *display,
                      guint                source_len)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  guint cursor = 0;

  for (guint step = 1; step <= 997; step += 43)
    {
      cursor = 0;
      for (guint o = 0; o <= source_len + 2; o += step)
        g_assert_cmpuint (bulletin_display_text_from_source_sorted (display, o, &cursor), ==,
                          bulletin_display_text_from_source (display, o));
    }
  for (guint i = 0; i < 2000; i++)
    {
      guint o = g_rand_int_range (rand, 0, source_len + 3);

      g_assert_cmpuint (bulletin_display_text_from_source_sorted (display, o, &cursor), ==,
                        bulletin_display_text_from_source (display, o));
    }
}

static void
test_sorted_mapping (void)
{
  g_autoptr(BulletinArticle) debris = bulletin_article_new ();
  g_autoptr(BulletinArticle) longer = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autoptr(GString) para = g_string_new (NULL);
  BulletinBlock *block;

  bulletin_article_set_source (debris, "标题\n\n统\n\n筹安排", -1);
  bulletin_article_add_block (debris, bulletin_block_new (BULLETIN_BLOCK_HEADLINE, 0, 2));
  block = bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 4, 5);
  bulletin_block_add_range (block, 7, 10);
  bulletin_article_add_block (debris, block);
  bulletin_article_finish (debris);
  display = bulletin_display_text_new (debris, BULLETIN_DISPLAY_DEFAULT);
  check_sorted_mapping (display, bulletin_article_get_source_length (debris));
  g_clear_pointer (&display, bulletin_display_text_unref);

  /* many runs: list items, block separators and pieces of a long block */
  while (g_utf8_strlen (para->str, -1) < 7000)
    g_string_append (para, "居民排队试乘,纷纷点赞COVID-19。");
  bulletin_article_append_block (longer, BULLETIN_BLOCK_HEADLINE, "长文", -1);
  for (guint i = 0; i < 40; i++)
    bulletin_article_append_block (longer, i % 3 ? BULLETIN_BLOCK_PARAGRAPH : BULLETIN_BLOCK_LIST_ITEM,
                                   "短段落,一句话。", -1);
  bulletin_article_append_block (longer, BULLETIN_BLOCK_PARAGRAPH, para->str, -1);
  bulletin_article_finish (longer);
  display = bulletin_display_text_new (longer, BULLETIN_DISPLAY_DEFAULT);
  check_sorted_mapping (display, bulletin_article_get_source_length (longer));
}

static void
test_widen_text (void)
{
  const char *text = "社区,居民(来源:本报)10:30,3,5 COVID-19!好";
  g_autofree char *wide = bulletin_display_widen_text (text);

  g_assert_cmpstr (wide, ==, "社区，居民（来源：本报）10:30,3,5 COVID-19！好");
  g_assert_cmpint (g_utf8_strlen (wide, -1), ==, g_utf8_strlen (text, -1));
}

static void
test_piece_breaks (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autoptr(GString) para = g_string_new (NULL);
  g_autoptr(GString) joined = g_string_new (NULL);
  const guint *breaks;
  const char *text;
  guint n_breaks, b = 0, d = 0;

  while (g_utf8_strlen (para->str, -1) < 7000)
    g_string_append (para, "居民排队试乘,纷纷点赞COVID-19。");
  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "长文", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, para->str, -1);
  bulletin_article_finish (article);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  breaks = bulletin_display_text_get_piece_breaks (display, &n_breaks);
  g_assert_cmpuint (n_breaks, >=, 3);
  g_assert_cmpuint (n_breaks, <=, 5);

  text = bulletin_display_text_get_text (display, NULL);
  for (const char *p = text; *p; p = g_utf8_next_char (p), d++)
    {
      if (b < n_breaks && breaks[b] == d)
        {
          /* a break falls after a sentence, never inside COVID-19 */
          g_assert_true (*p == '\n');
          g_assert_false (bulletin_display_text_is_source_char (display, d));
          g_assert_true (g_str_has_prefix (p + 1, "居"));
          b++;
          continue;
        }
      g_string_append_unichar (joined, g_utf8_get_char (p));
      if (d > 3)
        g_assert_cmpuint (bulletin_display_text_to_source (display, d), ==, d - b + 1);
    }
  g_assert_cmpuint (b, ==, n_breaks);
  g_assert_true (g_str_has_suffix (joined->str, "COVID-19。"));
  g_assert_cmpuint (g_utf8_strlen (joined->str, -1), ==, 3 + g_utf8_strlen (para->str, -1));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/display-text/widen", test_widen);
  g_test_add_func ("/bulletin/display-text/map-with-debris", test_map_with_debris);
  g_test_add_func ("/bulletin/display-text/widen-rules", test_widen_rules);
  g_test_add_func ("/bulletin/display-text/map-roundtrip", test_map_roundtrip);
  g_test_add_func ("/bulletin/display-text/splits", test_splits);
  g_test_add_func ("/bulletin/display-text/list-markers", test_list_markers);
  g_test_add_func ("/bulletin/display-text/piece-breaks", test_piece_breaks);
  g_test_add_func ("/bulletin/display-text/sorted-mapping", test_sorted_mapping);
  g_test_add_func ("/bulletin/display-text/widen-text", test_widen_text);
  return g_test_run ();
}
