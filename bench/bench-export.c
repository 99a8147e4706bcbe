/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PDF export of a 5,000-character and a 200,000-character article (target
 * 150 ms and 3 s), beside the time to lay out the same text with one bare
 * PangoLayout at the same measure in the same run, so that the figure can
 * be read against what the machine does for Pango alone.  Median of a few
 * runs; prints PASS or FAIL. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "bench-common.h"
#include "bulletin-export.h"
#include "bulletin-paginator.h"

/* the project's own sentences, of the shapes the bulletins have:
 * numbers, Latin, quotes and ellipses inside Chinese */
static const char *const sentences[] = {
  "社区图书馆从本周起延长开放时间。",
  "街道在居民议事会上介绍了老楼加装电梯的进展，居民代表逐一提出意见和建议。",
  "目前已有11台电梯完工，另有30台正在施工，预计年底前全部交付使用。",
  "图书馆每天接待读者约420人次，其中周末约650人次，借阅量比去年增加了25%。",
  "志愿者利用周末时间整理旧书，为社区里的孩子们开设阅读课和手工课。",
  "图画书、科普读物、报纸、杂志、地方志……每个书架都摆得满满当当。",
  "“只要读者需要，我们就开门！”“看书的地方，‘家’门口就有！”",
};

static BulletinArticle *
make_article (guint chars)
{
  BulletinArticle *article = bulletin_article_new ();
  g_autoptr(GString) paragraph = g_string_new (NULL);
  guint n = 0, s = 0;

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "社区图书馆周末延长开放", -1);
  bulletin_article_set_headline (article, "社区图书馆周末延长开放");
  bulletin_article_append_block (article, BULLETIN_BLOCK_BYLINE, "记者 林晓", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_DATELINE, "本报讯", -1);
  while (n < chars)
    {
      const char *sentence = sentences[s++ % G_N_ELEMENTS (sentences)];

      g_string_append (paragraph, sentence);
      n += g_utf8_strlen (sentence, -1);
      /* paragraphs of about 250 characters */
      if (paragraph->len > 750 || n >= chars)
        {
          bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, paragraph->str, paragraph->len);
          g_string_truncate (paragraph, 0);
        }
    }
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);
  return article;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), bench_compare_double);
  return values[n / 2];
}

/* The same text in one PangoLayout at the body's face, size and measure. */
static double
bare_layout (BulletinDisplayText *display,
             double               column)
{
  PangoContext *context = bulletin_paginator_create_context ();
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *desc = pango_font_description_from_string ("Noto Serif CJK SC 10.5");
  gint64 start = g_get_monotonic_time ();
  double seconds;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int)(column * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, bulletin_display_text_get_text (display, NULL), -1);
  (void)pango_layout_get_line_count (layout);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  pango_font_description_free (desc);
  g_object_unref (layout);
  g_object_unref (context);
  return seconds;
}

static gboolean
run (guint        chars,
     double       target,
     guint        runs,
     const char  *path)
{
  g_autoptr(BulletinArticle) article = make_article (chars);
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  BulletinPrintOptions options;
  g_autofree double *export_times = g_new (double, runs);
  g_autofree double *bare_times = g_new (double, runs);
  double width, height, column, export_time, bare_time;
  gboolean pass;

  bulletin_print_options_init (&options);
  options.paper_name = "徐汇报";
  options.issue_date = "2022-03-30";
  bulletin_paper_get_size (BULLETIN_PAPER_A4, &width, &height);
  column = floor (width * 0.8 / 10.5) * 10.5;

  /* fonts and caches warm, as in the app after the first article */
  g_assert (bulletin_export_pdf (display, &options, BULLETIN_PAPER_A4, path, NULL));
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!bulletin_export_pdf (display, &options, BULLETIN_PAPER_A4, path, NULL))
        g_error ("export failed");
      export_times[i] = (g_get_monotonic_time () - start) / 1e6;
      bare_times[i] = bare_layout (display, column);
    }
  export_time = median (export_times, runs);
  bare_time = median (bare_times, runs);
  pass = export_time < target;
  printf ("PDF export, %7u characters: %8.1f ms   target %6.0f ms   %s   (bare PangoLayout of the same text: %.1f ms, %.1fx)\n",
          bulletin_display_text_get_length (display), export_time * 1000, target * 1000,
          pass ? "PASS" : "FAIL", bare_time * 1000, export_time / MAX (bare_time, 1e-6));
  return pass;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bulletin-bench-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "article.pdf", NULL);
  gboolean pass = TRUE;

  printf ("PDF export on A4 at 10.5 pt, median of the runs (after one warm-up):\n");
  pass &= run (5000, 0.150, 7, path);
  pass &= run (200000, 3.0, 3, path);
  g_unlink (path);
  g_rmdir (dir);
  printf ("%s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
