/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Big inputs for the plain-text importer: a correct result or a clear
 * message, never a hang.  Apart from test-text-import for their time. */
#include "config.h"

#include <string.h>

#include "bulletin-display-text.h"
#include "bulletin-test-utils.h"
#include "bulletin-text-import.h"

static BulletinArticle *
article_at (BulletinParsedIssue *parsed,
            guint                i)
{
  g_assert_cmpuint (i, <, parsed->articles->len);
  return g_ptr_array_index (parsed->articles, i);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/* 50 MB of bulletin text: many articles, each correct. */
static void
test_huge_file (void)
{
  g_autofree char *path = data_path ("text-compact.txt");
  g_autofree char *unit = bulletin_test_read_file (path, NULL);
  g_autoptr(GString) text = g_string_sized_new (50 * 1024 * 1024 + 4096);
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  guint copies = 0;

  while (text->len < 50 * 1024 * 1024)
    {
      /* each copy its own articles, of a common length (about 3 KB):
       * a number in the headline, a long body */
      g_string_append_printf (text, "第%u号夜市重开迎客来\n● 记者 赵一鸣\n本报讯 傍晚六点,夜市开张。\n\n", copies);
      for (guint p = 0; p < 12; p++)
        g_string_append (text, "夜市管理方介绍,今年新增了垃圾分类点和公共座椅,还为摊主统一配备了灭火器,"
                               "摊主们说客流比去年同期多了近三成。\n\n");
      g_string_append (text, unit);
      copies++;
    }

  parsed = bulletin_text_parse (text->str, text->len, "huge.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, copies * 4);
  g_assert_cmpuint (bulletin_article_get_n_blocks (article_at (parsed, 0)), ==, 16);
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, parsed->articles->len - 2)), ==,
                   "学生暑期托管班开班");
}

/* One line of 10 MB: one article, one paragraph, displayable. */
static void
test_huge_line (void)
{
  g_autoptr(GString) text = g_string_sized_new (10 * 1024 * 1024 + 64);
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autoptr(GError) error = NULL;
  BulletinArticle *a;

  while (text->len < 10 * 1024 * 1024)
    g_string_append (text, "居民们排队试乘,纷纷点赞COVID-19!");

  parsed = bulletin_text_parse (text->str, text->len, "line.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, 1);
  a = article_at (parsed, 0);
  g_assert_cmpuint (bulletin_article_get_n_blocks (a), ==, 1);
  g_assert_nonnull (bulletin_article_get_headline (a));

  display = bulletin_display_text_new (a, BULLETIN_DISPLAY_DEFAULT);
  /* the one line is shown in pieces of at most 2,000 characters (one
   * layout each); the breaks between them belong to no source text */
  {
    guint n_breaks, n_spans;
    const guint *breaks = bulletin_display_text_get_piece_breaks (display, &n_breaks);
    const BulletinSpan *spans = bulletin_display_text_get_spans (display, &n_spans);
    guint src = bulletin_article_get_source_length (a);

    g_assert_cmpuint (n_breaks, >=, src / 2000);
    g_assert_cmpuint (bulletin_display_text_get_length (display), ==, src + n_breaks);
    g_assert_cmpuint (n_spans, ==, 1);
    g_assert_cmpuint (spans[0].end - spans[0].start, ==, src + n_breaks);
    for (guint i = 0; i < n_breaks; i++)
      {
        g_assert_cmpuint (breaks[i] - (i > 0 ? breaks[i - 1] + 1 : 0), <=, 2000);
        /* the characters around a break are neighbours in the source */
        g_assert_cmpuint (bulletin_display_text_to_source (display, breaks[i] + 1), ==,
                          bulletin_display_text_to_source (display, breaks[i] - 1) + 1);
      }
    /* source -> display -> source is exact */
    g_assert_cmpuint (bulletin_display_text_to_source (display,
                                                       bulletin_display_text_from_source (display, 5000000)),
                      ==, 5000000);
  }
}

/* 20 MB of binary noise: refused at once, not scanned for articles. */
static void
test_huge_binary (void)
{
  gsize len = 20 * 1024 * 1024;
  g_autofree char *data = g_malloc (len);
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  guint32 x = 1;

  for (gsize i = 0; i < len; i++)
    {
      x = x * 1103515245 + 12345;
      data[i] = (char)(x >> 24);
    }
  parsed = bulletin_text_parse (data, len, "noise.bin", &error);
  g_assert_null (parsed);
  g_assert_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_BINARY);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/text-huge/file-50mb", test_huge_file);
  g_test_add_func ("/bulletin/text-huge/line-10mb", test_huge_line);
  g_test_add_func ("/bulletin/text-huge/binary-20mb", test_huge_binary);
  return g_test_run ();
}
