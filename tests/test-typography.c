/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bulletin-display-text.h"
#include "bulletin-language.h"
#include "bulletin-reader-view.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"
#include "bulletin-text-import.h"
#include "bulletin-typography.h"

/* The checklist of ../shared/TYPOGRAPHY.md, point by point, on a real
 * GtkTextView filled by bulletin_typography_fill_buffer ().  Geometry comes
 * from the view (display lines, iter locations); glyph-level facts (fonts,
 * glyph ids, advances) from a PangoLayout per paragraph built from the
 * buffer's own text and the properties of the tags applied to it.
 *
 * Each check is a function returning NULL or a description of the first
 * failure, so that the negative controls can assert that it fails on
 * deliberately broken settings. */

#define MIN_QUARTERS (8 * 4)
#define MAX_QUARTERS (40 * 4)

static const double font_sizes[] = { 10.0, 13.0, 18.0 };

/* Short texts of our own with every case the checklist names.  The ASCII
 * punctuation between Han characters is as PDF extraction leaves it. */
static const char *const hans_blocks[] = {
  "社区动态",
  "骨干力量:COVID-19疫情下的社区志愿者",
  "记者 王·阿里木江",
  "他说:“我们要坚持到底。”(新华社)疫情期间,共有2.3%的居民——约120人——参与了志愿服务……社区书记阿依古丽·买买提表示,“这是大家共同的成果!”据统计,COVID-19疫苗接种率达到95%以上。",
  "《人民日报》报道,上海市徐汇区的志愿者们每天工作12小时,骨干队员坚持了整整三个月……米哈伊尔·戈尔巴乔夫曾说:“改革是一场革命。”此后,他们又在5G网络、AI医疗等领域开展合作;“一起冲!”成了口号。",
  "“让我来!”",
  "汛情就是命令,堤坝就是阵地。在抗洪抢险的日子里,街道“社区”文体服务队连夜集合队伍——扛沙袋、守堤岸、送物资,带领党员以实际行动守护家园(见图)。他们说:“我们在!”“我们上!”……这就是答案。",
};

static const char *const hant_blocks[] = {
  "社區動態",
  "骨幹力量:COVID-19疫情下的社區志願者",
  "記者 王·阿里木江",
  "他說:「我們要堅持到底。」(中央社)疫情期間,共有2.3%的居民——約120人——參與了志願服務……社區里長阿依古麗·買買提表示,「這是大家共同的成果!」據統計,COVID-19疫苗接種率達到95%以上。",
  "《聯合報》報導,臺北市的志工們每天工作12小時,骨幹隊員堅持了整整三個月……米哈伊爾·戈爾巴喬夫曾說:「改革是一場革命。」此後,他們又在5G網路、AI醫療等領域展開合作;「一起衝!」成了口號。",
  "「讓我來!」",
  "汛情就是命令,堤壩就是陣地。在搶險救災的日子裡,各“社區”文體服務隊連夜集合隊伍——扛沙袋、守堤岸、送物資,帶領黨員以實際行動守護家園(見圖)。他們說:「我們在!」「我們上!」……這就是答案。",
};

static const BulletinBlockKind own_kinds[] = {
  BULLETIN_BLOCK_KICKER,
  BULLETIN_BLOCK_HEADLINE,
  BULLETIN_BLOCK_BYLINE,
  BULLETIN_BLOCK_PARAGRAPH,
  BULLETIN_BLOCK_PARAGRAPH,
  BULLETIN_BLOCK_HEADING,
  BULLETIN_BLOCK_PARAGRAPH,
};

typedef struct {
  const char *language;     /* the article's BCP 47 tag */
  gboolean    traditional;
  const char *font_tag;     /* what the runs must carry */
  const char *face;         /* what the Han runs' face name must contain */
} Variant;

static const Variant variants[] = {
  { "zh-Hans", FALSE, "zh-cn", "CJK SC" },
  { "zh-CN",   FALSE, "zh-cn", "CJK SC" },
  { "zh",      FALSE, "zh-cn", "CJK SC" },
  { "zh-Hant", TRUE,  "zh-tw", "CJK TC" },
  { "zh-TW",   TRUE,  "zh-tw", "CJK TC" },
  { "zh-HK",   TRUE,  "zh-hk", "CJK HK" },
};

/* Deliberately broken settings, applied to the filled widget. */
typedef enum {
  BROKEN_NONE,
  BROKEN_WRAP_CHAR,
  BROKEN_WRAP_NONE,
  BROKEN_LANGUAGE_JA,
  BROKEN_NO_ALLOW_BREAKS,
  BROKEN_NO_INDENT,
  BROKEN_NO_JUSTIFY,
  BROKEN_NO_HALT,
  BROKEN_NO_GAP,
  BROKEN_LATIN_FAMILY,
  BROKEN_PARAGRAPH_GAP,
  BROKEN_NO_WIDENING,
  BROKEN_NO_REPAIR,
} Broken;

/* The reader under test */

typedef struct {
  GtkTextView             *view;
  GtkTextBuffer           *buffer;
  BulletinDisplayText     *display;
  BulletinReadingSettings  settings;
  const Variant           *variant;
  double                   em;        /* px */
  int                      width;     /* text area, px */
} Reader;

static Reader *reader;

static double
dpi (void)
{
  int xft_dpi = -1;

  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &xft_dpi, NULL);
  return xft_dpi > 0 ? xft_dpi / 1024.0 : 96.0;
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The view is sized by hand rather than through a window, so that a
 * width step costs a relayout and not a frame. */
static Reader *
reader_get (void)
{
  if (reader == NULL)
    {
      reader = g_new0 (Reader, 1);
      reader->view = GTK_TEXT_VIEW (g_object_ref_sink (gtk_text_view_new ()));
      reader->buffer = gtk_text_view_get_buffer (reader->view);
      /* The first allocation of a view lays it out without its margins;
       * get it over with. */
      gtk_widget_measure (GTK_WIDGET (reader->view), GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (reader->view), GTK_ORIENTATION_VERTICAL, 400, NULL, NULL, NULL, NULL);
      gtk_widget_allocate (GTK_WIDGET (reader->view), 400, 400, -1, NULL);
      spin ();
    }
  return reader;
}

static BulletinArticle *
build_own_article (gboolean    traditional,
                   const char *language)
{
  const char *const *blocks = traditional ? hant_blocks : hans_blocks;
  BulletinArticle *article = bulletin_article_new ();

  for (guint i = 0; i < G_N_ELEMENTS (own_kinds); i++)
    bulletin_article_append_block (article, own_kinds[i], blocks[i], -1);
  bulletin_article_set_language (article, language);
  bulletin_article_finish (article);
  return article;
}

/* A paragraph broken by a page break, repaired (two ranges in one block)
 * or not (two blocks). */
static BulletinArticle *
build_page_break_article (gboolean repaired)
{
  static const char source[] = "记者到场\n\n馆员提前到岗,36名学生排队报名参加暑期阅读志愿\n\n者,认真参与图书整理上架借阅登记等志愿服务。";
  BulletinArticle *article = bulletin_article_new ();
  guint a = g_utf8_strlen ("记者到场\n\n", -1);
  guint b = a + g_utf8_strlen ("馆员提前到岗,36名学生排队报名参加暑期阅读志愿", -1);
  guint c = b + 2;
  guint d = g_utf8_strlen (source, -1);

  bulletin_article_set_source (article, source, -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_HEADLINE, 0, 4));
  if (repaired)
    {
      BulletinBlock *block = bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, a, b);

      bulletin_block_add_range (block, c, d);
      bulletin_article_add_block (article, block);
    }
  else
    {
      bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, a, b));
      bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, c, d));
    }
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);
  return article;
}

/* The sample bulletin through the plain-text importer, or NULL (the test
 * is then skipped). */
static BulletinArticle *
load_sample_article (const char *language)
{
  static char *data;
  static gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  BulletinArticle *article;
  BulletinArticle *copy;

  if (data == NULL)
    {
      g_autofree char *path = NULL;

      /* Without the shared data the own texts still run; the sample's
       * own test (14) reports the skip. */
      if (bulletin_test_get_shared_dir () == NULL)
        return NULL;
      path = g_build_filename (bulletin_test_get_shared_dir (), "samples", "000_1b466bc7855b1717.txt", NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return NULL;
      data = bulletin_test_read_file (path, &len);
    }

  parsed = bulletin_text_parse (data, len, "000_1b466bc7855b1717.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, >, 0);

  /* The longest article, with the language under test. */
  article = g_ptr_array_index (parsed->articles, 0);
  for (guint i = 1; i < parsed->articles->len; i++)
    {
      BulletinArticle *other = g_ptr_array_index (parsed->articles, i);

      if (bulletin_article_get_source_length (other) > bulletin_article_get_source_length (article))
        article = other;
    }

  copy = bulletin_article_new ();
  bulletin_article_set_source (copy, bulletin_article_get_source (article),
                               bulletin_article_get_source_bytes (article));
  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    bulletin_article_add_block (copy, bulletin_block_copy (bulletin_article_get_block (article, i)));
  bulletin_article_set_language (copy, language);
  bulletin_article_finish (copy);
  return copy;
}

static void
reader_set_width (Reader *self,
                  int     quarters)
{
  int margins = gtk_text_view_get_left_margin (self->view) + gtk_text_view_get_right_margin (self->view);
  int min, nat;

  self->width = (int)floor (quarters * self->em / 4);
  gtk_widget_measure (GTK_WIDGET (self->view), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (self->view), GTK_ORIENTATION_VERTICAL, self->width + margins,
                      &min, &nat, NULL, NULL);
  gtk_widget_allocate (GTK_WIDGET (self->view), self->width + margins, MAX (nat, 400), -1, NULL);
  spin ();

  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (self->view)), ==, self->width + margins);
}

static void
set_latin_family (GtkTextTag *tag,
                  gpointer    data)
{
  gboolean set;

  g_object_get (tag, "family-set", &set, NULL);
  if (set)
    g_object_set (tag, "family", "DejaVu Serif, serif", NULL);
}

static void
break_reader (Reader *self,
              Broken  broken)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (self->buffer);

  switch (broken)
    {
    case BROKEN_WRAP_CHAR:
      gtk_text_view_set_wrap_mode (self->view, GTK_WRAP_CHAR);
      break;
    case BROKEN_WRAP_NONE:
      gtk_text_view_set_wrap_mode (self->view, GTK_WRAP_NONE);
      break;
    case BROKEN_LANGUAGE_JA:
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_TEXT), "language", "ja", NULL);
      break;
    case BROKEN_NO_ALLOW_BREAKS:
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_NO_BREAK), "allow-breaks", TRUE, NULL);
      break;
    case BROKEN_NO_INDENT:
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_PARAGRAPH), "indent", 0, NULL);
      break;
    case BROKEN_NO_JUSTIFY:
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_TEXT), "justification", GTK_JUSTIFY_LEFT, NULL);
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_PARAGRAPH), "justification", GTK_JUSTIFY_LEFT, NULL);
      break;
    case BROKEN_NO_HALT:
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_HALT), "font-features", "", NULL);
      break;
    case BROKEN_NO_GAP:
      g_object_set (gtk_text_tag_table_lookup (table, BULLETIN_TAG_GAP), "letter-spacing", 0, NULL);
      break;
    case BROKEN_LATIN_FAMILY:
      gtk_text_tag_table_foreach (table, set_latin_family, NULL);
      break;
    case BROKEN_PARAGRAPH_GAP:
      {
        int below = 0;
        GtkTextTag *tag = gtk_text_tag_table_lookup (table, BULLETIN_TAG_PARAGRAPH);

        g_object_get (tag, "pixels-below-lines", &below, NULL);
        g_object_set (tag, "pixels-below-lines", below + (int)(self->em / 2), NULL);
      }
      break;
    case BROKEN_NONE:
    case BROKEN_NO_WIDENING:
    case BROKEN_NO_REPAIR:
    default:
      break;
    }
}

static void
reader_load (Reader          *self,
             BulletinArticle *article,
             const Variant   *variant,
             double           font_size,
             Broken           broken)
{
  BulletinDisplayFlags flags;

  self->variant = variant;
  bulletin_reading_settings_init_default (&self->settings);
  self->settings.font_size = font_size;
  self->em = font_size * dpi () / 72.0;
  flags = bulletin_reading_settings_get_display_flags (&self->settings);
  if (broken == BROKEN_NO_WIDENING)
    flags = BULLETIN_DISPLAY_NONE;

  g_clear_pointer (&self->display, bulletin_display_text_unref);
  self->display = bulletin_display_text_new (article, flags);

  /* A fresh buffer: tags broken by the previous case are gone. */
  self->buffer = gtk_text_buffer_new (NULL);
  gtk_text_view_set_buffer (self->view, self->buffer);
  g_object_unref (self->buffer);

  bulletin_typography_configure_view (self->view, &self->settings);
  bulletin_typography_fill_buffer (self->buffer, self->display, &self->settings);
  break_reader (self, broken);
  spin ();
}

/* What the widget shows */

typedef struct {
  GtkTextView  *view;
  guint         n;
  gunichar     *chars;
  GdkRectangle *rects;      /* filled on demand: see shot_rect () */
  gboolean     *have_rect;
  gint         *kind;       /* block kind of each character, -1 between blocks */
  GArray       *lines;      /* guint: offset of each display line's start */
  guint        *line_of;    /* display line index of each character */
  gboolean     *para_first; /* display line is the first of its paragraph */
  gboolean     *para_last;
  double        em;
  int           width;
  int           left;       /* x where unindented body lines start */
} Shot;

static void
shot_free (Shot *shot)
{
  g_free (shot->chars);
  g_free (shot->rects);
  g_free (shot->have_rect);
  g_free (shot->kind);
  g_array_unref (shot->lines);
  g_free (shot->line_of);
  g_free (shot->para_first);
  g_free (shot->para_last);
  g_free (shot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Shot, shot_free)

static Shot *
shot_take (Reader *self)
{
  Shot *shot = g_new0 (Shot, 1);
  GtkTextIter iter;
  const BulletinSpan *spans;
  guint n_spans, i;

  /* display characters: the buffer's but for its gap characters */
  gtk_text_buffer_get_end_iter (self->buffer, &iter);
  shot->n = bulletin_typography_get_display_offset (&iter);
  shot->chars = g_new0 (gunichar, shot->n + 1);
  shot->rects = g_new0 (GdkRectangle, shot->n + 1);
  shot->have_rect = g_new0 (gboolean, shot->n + 1);
  shot->view = self->view;
  shot->kind = g_new (gint, shot->n + 1);
  shot->line_of = g_new0 (guint, shot->n + 1);
  shot->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  shot->em = self->em;
  shot->width = self->width;
  /* GTK 4 lays the view's margins out inside the text. */
  shot->left = gtk_text_view_get_left_margin (self->view);

  for (i = 0; i <= shot->n; i++)
    shot->kind[i] = -1;
  spans = bulletin_display_text_get_spans (self->display, &n_spans);
  for (guint s = 0; s < n_spans; s++)
    for (i = spans[s].start; i < spans[s].end; i++)
      shot->kind[i] = spans[s].kind;

  {
    g_autofree char *text = NULL;
    GtkTextIter end;
    const char *p;

    gtk_text_buffer_get_bounds (self->buffer, &iter, &end);
    text = bulletin_typography_dup_text (&iter, &end);
    for (i = 0, p = text; i < shot->n; i++, p = g_utf8_next_char (p))
      shot->chars[i] = g_utf8_get_char (p);
  }

  gtk_text_buffer_get_start_iter (self->buffer, &iter);
  do
    {
      guint offset = bulletin_typography_get_display_offset (&iter);

      if (gtk_text_iter_is_end (&iter) && shot->lines->len > 0 &&
          shot->chars[offset - 1] != '\n')
        break;
      g_array_append_val (shot->lines, offset);
    }
  while (gtk_text_view_forward_display_line (self->view, &iter));

  shot->para_first = g_new0 (gboolean, shot->lines->len);
  shot->para_last = g_new0 (gboolean, shot->lines->len);
  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint start = g_array_index (shot->lines, guint, l);
      guint end = l + 1 < shot->lines->len ? g_array_index (shot->lines, guint, l + 1) : shot->n;

      for (i = start; i < end; i++)
        shot->line_of[i] = l;
      shot->para_first[l] = start == 0 || shot->chars[start - 1] == '\n';
      shot->para_last[l] = end == shot->n || shot->chars[end - 1] == '\n';
    }
  return shot;
}

/* The view's rectangle of character @i (buffer coordinates). */
static const GdkRectangle *
shot_rect (const Shot *shot,
           guint       i)
{
  if (!shot->have_rect[i])
    {
      GtkTextIter iter;

      bulletin_typography_get_iter_at_display (gtk_text_view_get_buffer (shot->view), &iter, i);
      gtk_text_view_get_iter_location (shot->view, &iter, &shot->rects[i]);
      shot->have_rect[i] = TRUE;
    }
  return &shot->rects[i];
}

static guint
line_start (const Shot *shot,
            guint       l)
{
  return g_array_index (shot->lines, guint, l);
}

/* One past the last visible character of display line @l (newline and
 * trailing spaces excluded). */
static guint
line_visible_end (const Shot *shot,
                  guint       l)
{
  guint end = l + 1 < shot->lines->len ? line_start (shot, l + 1) : shot->n;

  while (end > line_start (shot, l) &&
         (shot->chars[end - 1] == '\n' || g_unichar_isspace (shot->chars[end - 1])))
    end--;
  return end;
}

static gboolean
is_body (gint kind)
{
  return kind == BULLETIN_BLOCK_PARAGRAPH;
}

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

/* Latin letters, digits and the percent sign that ends a number */
static gboolean
is_western (gunichar c)
{
  return c < 0x80 && (g_ascii_isalnum (c) || c == '%');
}

static char *
describe_at (const Shot *shot,
             guint       offset,
             const char *what)
{
  GString *context = g_string_new (NULL);

  for (guint i = offset >= 6 ? offset - 6 : 0; i < MIN (shot->n, offset + 6); i++)
    {
      if (i == offset)
        g_string_append (context, "|");
      g_string_append_unichar (context, shot->chars[i] == '\n' ? 0x23CE : shot->chars[i]);
    }
  return g_strdup_printf ("%s at offset %u (…%s…), width %.2f em",
                          what, offset, context->str, shot->width / shot->em);
}

/* 4. No display line starts with a closing mark (nor, strict, with a dash
 * or an ellipsis). */
static char *
check_line_start (const Shot *shot)
{
  static const char forbidden[] = "、，。：；！？”’）》〉」』】〕·—…";

  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint start = line_start (shot, l);

      if (shot->para_first[l] || start >= shot->n)
        continue;
      if (g_utf8_strchr (forbidden, -1, shot->chars[start]) != NULL)
        return describe_at (shot, start, "display line starts with a closing mark");
    }
  return NULL;
}

/* 5. No display line ends with an opening mark. */
static char *
check_line_end (const Shot *shot)
{
  static const char forbidden[] = "“‘（《〈「『【〔";

  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint end = line_visible_end (shot, l);

      if (shot->para_last[l] || end == line_start (shot, l))
        continue;
      if (g_utf8_strchr (forbidden, -1, shot->chars[end - 1]) != NULL)
        return describe_at (shot, end - 1, "display line ends with an opening mark");
    }
  return NULL;
}

static gboolean
is_word_char (gunichar c)
{
  return is_western (c) || c == '.' || c == '%' || c == '-';
}

/* 6. No line break inside ——, ……, a Latin word or a number. */
static char *
check_unbroken (const Shot *shot)
{
  for (guint l = 1; l < shot->lines->len; l++)
    {
      guint k = line_start (shot, l);
      gunichar a, b;

      if (shot->para_first[l] || k == 0 || k >= shot->n)
        continue;
      a = shot->chars[k - 1];
      b = shot->chars[k];
      if ((a == 0x2014 && b == 0x2014) || (a == 0x2026 && b == 0x2026))
        return describe_at (shot, k, "line break inside a dash or an ellipsis");
      if (is_word_char (a) && is_word_char (b) && (is_western (a) || is_western (b)))
        {
          guint ws = k - 1, we = k + 1;
          int width = 0;

          /* A word wider than the line has to be broken somewhere. */
          while (ws > 0 && is_word_char (shot->chars[ws - 1]))
            ws--;
          while (we < shot->n && is_word_char (shot->chars[we]))
            we++;
          for (guint i = ws; i < we; i++)
            width += shot_rect (shot, i)->width;
          if (width <= shot->width)
            return describe_at (shot, k, "line break inside a Latin word or a number");
        }
    }
  return NULL;
}

/* 7. No line is wider than the layout width. */
static char *
check_width (const Shot *shot)
{
  /* Left to right text: the last visible character of a line is its
   * rightmost one. */
  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint end = line_visible_end (shot, l);

      if (end == line_start (shot, l))
        continue;
      if (shot_rect (shot, end - 1)->x + shot_rect (shot, end - 1)->width > shot->left + shot->width + 1)
        {
          g_autofree char *what = g_strdup_printf ("character ends at x = %d, beyond the layout width %d",
                                                   shot_rect (shot, end - 1)->x + shot_rect (shot, end - 1)->width,
                                                   shot->left + shot->width);
          return describe_at (shot, end - 1, what);
        }
    }
  return NULL;
}

/* 8. The first line of each body paragraph starts at 2 em, others at 0. */
static char *
check_indent (const Shot *shot)
{
  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint start = line_start (shot, l);
      double expected = shot->left + (shot->para_first[l] ? 2 * shot->em : 0);

      if (start >= shot->n || !is_body (shot->kind[start]))
        continue;
      if (fabs (shot_rect (shot, start)->x - expected) > 1.0)
        {
          g_autofree char *what = g_strdup_printf ("%s line starts at x = %d, not %.1f",
                                                   shot->para_first[l] ? "first" : "continuation",
                                                   shot_rect (shot, start)->x, expected);
          return describe_at (shot, start, what);
        }
    }
  return NULL;
}

/* 9. Non-final lines are justified to the width ± 1 px; the last is not. */
static char *
check_justified (const Shot *shot)
{
  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint start = line_start (shot, l);
      guint end = line_visible_end (shot, l);

      if (start >= shot->n || end == start || !is_body (shot->kind[start]))
        continue;

      if (!shot->para_last[l])
        {
          int right = shot_rect (shot, end - 1)->x + shot_rect (shot, end - 1)->width;
          /* (a Han–Latin gap at the line end takes no space there: its
           * gap character's width is dropped with the line end) */
          double slack = 1.0;
          /* GtkTextView keeps the last pixel for the cursor: ±1 px of
           * either edge of that pixel. */
          int margin = shot->left + shot->width;

          if (right > margin + 1 || right < margin - 1 - slack)
            {
              g_autofree char *what = g_strdup_printf ("line ends at x = %d, not %d", right, margin);
              return describe_at (shot, end - 1, what);
            }
        }
      else
        {
          /* Not stretched: two plain Han characters are 1 em apart. */
          for (guint i = start + 1; i + 2 < end; i++)
            if (is_han (shot->chars[i]) && is_han (shot->chars[i + 1]) &&
                !is_western (shot->chars[i - 1]) && !is_western (shot->chars[i + 2]))
              {
                int advance = shot_rect (shot, i + 1)->x - shot_rect (shot, i)->x;

                if (fabs (advance - shot->em) > 1.0)
                  return describe_at (shot, i, "last line of a paragraph is stretched");
                break;
              }
        }
    }
  return NULL;
}

/* 12. Body baselines are evenly spaced, 1.5 to 2 em apart. */
static char *
check_pitch (const Shot *shot)
{
  int pitch = -1, height = -1;
  guint prev = G_MAXUINT;

  for (guint l = 0; l < shot->lines->len; l++)
    {
      guint start = line_start (shot, l);

      if (start >= shot->n || !is_body (shot->kind[start]))
        {
          prev = G_MAXUINT;
          continue;
        }
      if (height < 0)
        height = shot_rect (shot, start)->height;
      else if (shot_rect (shot, start)->height != height)
        return describe_at (shot, start, "body line of another height");

      if (prev != G_MAXUINT)
        {
          int d = shot_rect (shot, start)->y - shot_rect (shot, prev)->y;

          if (pitch < 0)
            {
              pitch = d;
              if (pitch < 1.5 * shot->em - 1 || pitch > 2 * shot->em + 1)
                {
                  g_autofree char *what = g_strdup_printf ("line pitch %d px is not 1.5 to 2 em (%.1f px)",
                                                           pitch, shot->em);
                  return describe_at (shot, start, what);
                }
            }
          else if (d != pitch)
            {
              g_autofree char *what = g_strdup_printf ("line pitch %d px, elsewhere %d px", d, pitch);
              return describe_at (shot, start, what);
            }
        }
      prev = start;
    }
  return NULL;
}

/* Glyph-level facts: a PangoLayout per paragraph from the buffer's text and
 * the properties of the tags on it, in the view's own Pango context. */

typedef struct {
  char            *family;
  int              size;         /* Pango units, before scale */
  double           scale;
  PangoWeight      weight;
  char            *language;
  char            *features;
  int              letter_spacing;
  gboolean         allow_breaks;
  int              indent;
  int              left_margin;
  int              right_margin;
  GtkJustification justification;
} Props;

static void
props_clear (Props *p)
{
  g_free (p->family);
  g_free (p->language);
  g_free (p->features);
}

/* Text attributes in force at @iter, tags applied in priority order as
 * GtkTextView does. */
static void
props_at (GtkTextView       *view,
          const GtkTextIter *iter,
          Props             *p)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  memset (p, 0, sizeof *p);
  p->size = 10 * PANGO_SCALE;
  p->scale = 1.0;
  p->weight = PANGO_WEIGHT_NORMAL;
  p->allow_breaks = TRUE;
  p->indent = gtk_text_view_get_indent (view);
  p->justification = gtk_text_view_get_justification (view);

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      GtkTextTag *tag = l->data;
      gboolean set;

#define TAKE_STRING(prop, field) \
      g_object_get (tag, prop "-set", &set, NULL); \
      if (set) { g_free (p->field); g_object_get (tag, prop, &p->field, NULL); }
#define TAKE(prop, field) \
      g_object_get (tag, prop "-set", &set, NULL); \
      if (set) g_object_get (tag, prop, &p->field, NULL);

      TAKE_STRING ("family", family);
      TAKE_STRING ("language", language);
      TAKE_STRING ("font-features", features);
      TAKE ("size", size);
      TAKE ("scale", scale);
      TAKE ("weight", weight);
      TAKE ("letter-spacing", letter_spacing);
      TAKE ("allow-breaks", allow_breaks);
      TAKE ("indent", indent);
      TAKE ("left-margin", left_margin);
      TAKE ("right-margin", right_margin);
      TAKE ("justification", justification);
#undef TAKE
#undef TAKE_STRING
    }
}

typedef struct {
  PangoLayout *layout;
  char        *text;        /* the paragraph, UTF-8 */
  guint        start;       /* buffer offset of its first character */
  guint        n;           /* characters */
  double       em;          /* px, of the paragraph's first character */
} Para;

static void
para_free (Para *para)
{
  g_clear_object (&para->layout);
  g_free (para->text);
  g_free (para);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Para, para_free)

static Para *
para_build (Reader   *self,
            guint     line,
            gboolean  justify)
{
  Para *para = g_new0 (Para, 1);
  GtkTextIter start, end, iter;
  PangoAttrList *attrs = pango_attr_list_new ();
  Props first;

  gtk_text_buffer_get_iter_at_line (self->buffer, &start, line);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  para->text = gtk_text_buffer_get_text (self->buffer, &start, &end, TRUE);
  para->start = gtk_text_iter_get_offset (&start);
  para->n = gtk_text_iter_get_offset (&end) - para->start;

  iter = start;
  while (gtk_text_iter_compare (&iter, &end) < 0)
    {
      GtkTextIter next = iter;
      Props p;
      guint a, b;
      PangoAttribute *attr;
      g_autoptr(PangoFontDescription) desc = pango_font_description_new ();

      gtk_text_iter_forward_to_tag_toggle (&next, NULL);
      if (gtk_text_iter_compare (&next, &end) > 0)
        next = end;
      a = g_utf8_offset_to_pointer (para->text, gtk_text_iter_get_offset (&iter) - para->start) - para->text;
      b = g_utf8_offset_to_pointer (para->text, gtk_text_iter_get_offset (&next) - para->start) - para->text;

      props_at (self->view, &iter, &p);
      if (p.family != NULL)
        pango_font_description_set_family (desc, p.family);
      pango_font_description_set_size (desc, (int)(p.size * p.scale));
      pango_font_description_set_weight (desc, p.weight);

#define ADD(x) attr = (x); attr->start_index = a; attr->end_index = b; pango_attr_list_insert (attrs, attr);
      ADD (pango_attr_font_desc_new (desc));
      if (p.language != NULL)
        {
          ADD (pango_attr_language_new (pango_language_from_string (p.language)));
        }
      if (p.features != NULL && *p.features)
        {
          ADD (pango_attr_font_features_new (p.features));
        }
      if (p.letter_spacing != 0)
        {
          ADD (pango_attr_letter_spacing_new (p.letter_spacing));
        }
      if (!p.allow_breaks)
        {
          ADD (pango_attr_allow_breaks_new (FALSE));
        }
#undef ADD
      props_clear (&p);
      iter = next;
    }

  props_at (self->view, &start, &first);
  para->em = first.size * first.scale / PANGO_SCALE * dpi () / 72.0;
  g_assert_cmpfloat (para->em, >, 5.0);
  para->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->view), para->text);
  pango_layout_set_attributes (para->layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (para->layout, (self->width - first.left_margin - first.right_margin) * PANGO_SCALE);
  switch (gtk_text_view_get_wrap_mode (self->view))
    {
    case GTK_WRAP_CHAR: pango_layout_set_wrap (para->layout, PANGO_WRAP_CHAR); break;
    case GTK_WRAP_WORD: pango_layout_set_wrap (para->layout, PANGO_WRAP_WORD); break;
    case GTK_WRAP_NONE: pango_layout_set_width (para->layout, -1); break;
    case GTK_WRAP_WORD_CHAR:
    default: pango_layout_set_wrap (para->layout, PANGO_WRAP_WORD_CHAR); break;
    }
  pango_layout_set_indent (para->layout, first.indent * PANGO_SCALE);
  pango_layout_set_justify (para->layout, justify && first.justification == GTK_JUSTIFY_FILL);
  props_clear (&first);
  return para;
}

/* Logical rectangle of character @i of the paragraph, in px. */
static void
para_char_rect (Para           *para,
                guint           i,
                PangoRectangle *rect)
{
  int index = g_utf8_offset_to_pointer (para->text, i) - para->text;

  pango_layout_index_to_pos (para->layout, index, rect);
}

typedef gboolean (*RunFunc) (Para *para, PangoLayoutRun *run, gpointer data);

static gboolean
para_foreach_run (Para    *para,
                  RunFunc  func,
                  gpointer data)
{
  PangoLayoutIter *it = pango_layout_get_iter (para->layout);
  gboolean ok = TRUE;

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (it);

      if (run != NULL && !func (para, run, data))
        {
          ok = FALSE;
          break;
        }
    }
  while (pango_layout_iter_next_run (it));
  pango_layout_iter_free (it);
  return ok;
}

/* Paragraph-level checks take the reader (for the layouts) and the
 * variant. */
typedef char *(*ParaCheck) (Reader *self, Para *para);

/* How many things the paragraph checks looked at: a check that saw
 * nothing proves nothing. */
static guint n_checked;

static char *
run_para_check (Reader    *self,
                ParaCheck  check,
                gboolean   justify,
                gboolean   body_only)
{
  guint n_lines = gtk_text_buffer_get_line_count (self->buffer);
  const BulletinSpan *spans;
  guint n_spans;

  spans = bulletin_display_text_get_spans (self->display, &n_spans);
  g_assert_cmpuint (n_lines, ==, n_spans);
  for (guint line = 0; line < n_lines; line++)
    {
      g_autoptr(Para) para = NULL;
      char *failure;

      if (body_only && spans[line].kind != BULLETIN_BLOCK_PARAGRAPH)
        continue;
      para = para_build (self, line, justify);
      failure = check (self, para);
      if (failure != NULL)
        {
          char *full = g_strdup_printf ("%s (block %u, width %.2f em)", failure, line,
                                        self->width / self->em);
          g_free (failure);
          return full;
        }
    }
  return NULL;
}

typedef struct {
  Reader *self;
  char   *failure;
} RunCheck;

static gboolean
run_face_cb (Para           *para,
             PangoLayoutRun *run,
             gpointer        data)
{
  RunCheck *rc = data;
  PangoItem *item = run->item;
  const char *text = para->text + item->offset;
  gboolean han = FALSE;

  for (const char *p = text; p < text + item->length; p = g_utf8_next_char (p))
    han |= is_han (g_utf8_get_char (p));
  if (!han)
    return TRUE;
  n_checked++;

  {
    g_autoptr(PangoFontDescription) desc = pango_font_describe (item->analysis.font);
    const char *family = pango_font_description_get_family (desc);
    const char *language = pango_language_to_string (item->analysis.language);

    if (family == NULL || strstr (family, rc->self->variant->face) == NULL ||
        g_strcmp0 (language, rc->self->variant->font_tag) != 0)
      {
        rc->failure = g_strdup_printf ("Han run “%.*s” set in %s, language %s; want a %s face, %s",
                                       MIN (item->length, 24), text, family, language,
                                       rc->self->variant->face, rc->self->variant->font_tag);
        return FALSE;
      }
  }
  return TRUE;
}

/* 1. Every Han run has a CJK SC (TC, HK) face and language zh-cn (zh-tw,
 * zh-hk). */
static char *
check_face (Reader *self,
            Para   *para)
{
  RunCheck rc = { self, NULL };

  para_foreach_run (para, run_face_cb, &rc);
  return rc.failure;
}

/* Glyph of @c in @font shaped for @language. */
static PangoGlyph
reference_glyph (Reader     *self,
                 PangoFont  *font,
                 const char *language,
                 gunichar    c)
{
  g_autoptr(PangoFontDescription) desc = pango_font_describe (font);
  g_autoptr(PangoLayout) layout = NULL;
  PangoAttrList *attrs = pango_attr_list_new ();
  char text[8] = { 0 };
  PangoLayoutLine *line;
  PangoLayoutRun *run;

  g_unichar_to_utf8 (c, text);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->view), text);
  pango_layout_set_font_description (layout, desc);
  pango_attr_list_insert (attrs, pango_attr_language_new (pango_language_from_string (language)));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  line = pango_layout_get_line_readonly (layout, 0);
  run = line->runs->data;
  return run->glyphs->glyphs[0].glyph;
}

static guint gu_seen;

static gboolean
run_gu_cb (Para           *para,
           PangoLayoutRun *run,
           gpointer        data)
{
  RunCheck *rc = data;
  PangoItem *item = run->item;

  for (int g = 0; g < run->glyphs->num_glyphs; g++)
    {
      const char *p = para->text + item->offset + run->glyphs->log_clusters[g];
      PangoGlyph want, ja;

      if (g_utf8_get_char (p) != 0x9AA8)
        continue;
      want = reference_glyph (rc->self, item->analysis.font,
                              rc->self->variant->traditional ? rc->self->variant->font_tag : "zh-cn",
                              0x9AA8);
      ja = reference_glyph (rc->self, item->analysis.font, "ja", 0x9AA8);
      /* Hong Kong's 骨 is written like the Japanese one. */
      if (run->glyphs->glyphs[g].glyph != want ||
          (want == ja && g_strcmp0 (rc->self->variant->font_tag, "zh-hk") != 0))
        {
          rc->failure = g_strdup_printf ("骨 is glyph %u, shaped for %s it is %u (for ja %u)",
                                         run->glyphs->glyphs[g].glyph, rc->self->variant->font_tag,
                                         want, ja);
          return FALSE;
        }
      gu_seen++;
    }
  return TRUE;
}

/* 2. 骨 takes its Chinese glyph, not the Japanese one. */
static char *
check_gu (Reader *self,
          Para   *para)
{
  RunCheck rc = { self, NULL };

  para_foreach_run (para, run_gu_cb, &rc);
  return rc.failure;
}

static gboolean
is_full_width_mark (gunichar c)
{
  return g_utf8_strchr ("，。、；：？！“”‘’（）《》", -1, c) != NULL;
}

static gboolean
has_tag (Reader     *self,
         guint       offset,
         const char *name)
{
  GtkTextIter iter;
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (self->buffer), name);

  gtk_text_buffer_get_iter_at_offset (self->buffer, &iter, offset);
  return gtk_text_iter_has_tag (&iter, tag);
}

/* 3. Chinese marks are 1 em wide, or ½ em where compressed on purpose. */
static char *
check_mark_width (Reader *self,
                  Para   *para)
{
  const char *p = para->text;

  for (guint i = 0; i < para->n; i++, p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      PangoRectangle rect;
      double width, want;

      if (!is_full_width_mark (c))
        continue;
      n_checked++;
      para_char_rect (para, i, &rect);
      width = rect.width / (double)PANGO_SCALE;
      want = has_tag (self, para->start + i, BULLETIN_TAG_HALT) ? para->em / 2 : para->em;
      if (fabs (width - want) > 1.0)
        return g_strdup_printf ("“%.*s” at %u is %.1f px wide, want %.1f px (em %.1f)",
                                (int)(g_utf8_next_char (p) - p), p, para->start + i, width, want,
                                para->em);
    }
  return NULL;
}

/* 11. Two adjacent marks together take at most 1.5 em. */
static char *
check_mark_pairs (Reader *self,
                  Para   *para)
{
  const char *p = para->text;

  for (guint i = 0; i + 1 < para->n; i++, p = g_utf8_next_char (p))
    {
      PangoRectangle a, b;
      double width;

      if (!is_full_width_mark (g_utf8_get_char (p)) ||
          !is_full_width_mark (g_utf8_get_char (g_utf8_next_char (p))))
        continue;
      n_checked++;
      para_char_rect (para, i, &a);
      para_char_rect (para, i + 1, &b);
      width = (a.width + b.width) / (double)PANGO_SCALE;
      if (width > 1.5 * para->em + 1.0)
        return g_strdup_printf ("“%.*s” at %u takes %.1f px, more than 1.5 em (%.1f px)",
                                (int)(g_utf8_next_char (g_utf8_next_char (p)) - p), p,
                                para->start + i, width, 1.5 * para->em);
    }
  return NULL;
}

/* 10. A Han–Latin/digit boundary gets a gap, and only a boundary: a gap
 * character of no width of its own sits between the two and carries the
 * gap as letter-spacing, so that mid-line the two characters are ¼ em
 * further apart than their advances (at least ⅛ em), and no other two
 * characters are; at a line end the gap character takes no space at all
 * (Pango drops a trailing space's width), and no line starts with one. */
static char *
check_gap (Reader *self,
           Para   *para)
{
  const char *p = para->text;
  gunichar prev = 0;

  for (guint i = 0; i < para->n; i++, p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *q = g_utf8_next_char (p);
      gunichar next = i + 1 < para->n ? g_utf8_get_char (q) : 0;
      PangoRectangle a, b, g;
      int line_a, line_b, line_g, x;
      double gap;

      /* two characters side by side across a boundary: a gap is missing */
      if (c != BULLETIN_TYPOGRAPHY_GAP_CHAR && next != 0 &&
          ((is_han (c) && is_western (next)) || (is_western (c) && is_han (next))))
        return g_strdup_printf ("no gap character between “%.*s”",
                                (int)(g_utf8_next_char (q) - p), p);
      if (c != BULLETIN_TYPOGRAPHY_GAP_CHAR || !has_tag (self, para->start + i, BULLETIN_TAG_GAP))
        {
          prev = c;
          continue;
        }

      n_checked++;
      if (!((is_han (prev) && is_western (next)) || (is_western (prev) && is_han (next))))
        return g_strdup_printf ("a gap character between U+%04X and U+%04X, not at a boundary",
                                (guint)prev, (guint)next);
      para_char_rect (para, i - 1, &a);
      para_char_rect (para, i, &g);
      para_char_rect (para, i + 1, &b);
      pango_layout_index_to_line_x (para->layout, p - para->text, FALSE, &line_g, &x);
      if (x == 0 && g.width > 0)
        return g_strdup_printf ("a line starts with a gap of %.1f px", g.width / (double)PANGO_SCALE);
      pango_layout_index_to_line_x (para->layout, g_utf8_prev_char (p) - para->text, FALSE, &line_a, &x);
      pango_layout_index_to_line_x (para->layout, q - para->text, FALSE, &line_b, &x);
      if (line_a != line_b)
        {
          if (g.width / (double)PANGO_SCALE > 0.5)
            return g_strdup_printf ("gap of %.1f px after U+%04X at a line end, want none",
                                    g.width / (double)PANGO_SCALE, (guint)prev);
          prev = c;
          continue;
        }

      /* From the end of the first character's advance to the start of
       * the second's, on the layout before justification stretches it. */
      gap = (b.x - (a.x + a.width)) / (double)PANGO_SCALE;
      if (gap < para->em / 8 - 0.5 || fabs (gap - para->em / 4) > 1.0)
        return g_strdup_printf ("gap of %.1f px between U+%04X and U+%04X mid-line, want %.1f px (at least %.1f)",
                                gap, (guint)prev, (guint)next, para->em / 4, para->em / 8);
      prev = c;
    }
  return NULL;
}

/* 13. ASCII punctuation next to Han characters is shown full-width. */
static char *
check_widened (Reader *self)
{
  BulletinArticle *article = bulletin_display_text_get_article (self->display);
  GtkTextIter iter;

  for (guint b = 0; b < bulletin_article_get_n_blocks (article); b++)
    {
      g_autofree char *text = bulletin_article_dup_block_text (article, b);
      const BulletinBlock *block = bulletin_article_get_block (article, b);
      guint offset = 0;
      gunichar prev = 0;

      for (const char *p = text; *p; p = g_utf8_next_char (p), offset++)
        {
          gunichar c = g_utf8_get_char (p);
          gunichar next = g_utf8_get_char (g_utf8_next_char (p));
          guint source = 0, left = offset, shown;

          if (c >= 0x80 || c == 0 || strchr (",!():;?", (int)c) == NULL ||
              !(is_han (prev) || is_han (next)))
            {
              prev = c;
              continue;
            }
          /* Source offset of the character through the block's ranges. */
          for (guint r = 0; r < block->n_ranges; r++)
            {
              guint len = block->ranges[r].end - block->ranges[r].start;

              if (left < len)
                {
                  source = block->ranges[r].start + left;
                  break;
                }
              left -= len;
            }
          bulletin_typography_get_iter_at_display (self->buffer, &iter,
                                                   bulletin_display_text_from_source (self->display, source));
          shown = gtk_text_iter_get_char (&iter);
          if (shown != c + 0xFEE0)
            return g_strdup_printf ("“%c” beside Han text at source offset %u is shown as U+%04X",
                                    (char)c, source, shown);
          prev = c;
        }
    }
  return NULL;
}

/* 14. The two fragments of a paragraph split by a page break are shown as
 * one paragraph: @before ends one fragment, @after starts the next. */
static char *
check_joined (Reader     *self,
              const char *before,
              const char *after)
{
  GtkTextIter start, match_start, match_end;
  g_autofree char *joined = g_strconcat (before, after, NULL);

  gtk_text_buffer_get_start_iter (self->buffer, &start);
  if (!gtk_text_iter_forward_search (&start, before, 0, &match_start, &match_end, NULL))
    return g_strdup_printf ("“%s” is not shown at all", before);
  /* The joined text has no line end in it: found, it is one paragraph. */
  if (!gtk_text_iter_forward_search (&start, joined, 0, &match_start, &match_end, NULL))
    return g_strdup_printf ("“%s” and “%s” are not one paragraph", before, after);
  return NULL;
}

/* Sweeps */

typedef enum {
  SWEEP_ALL,     /* every ¼ em */
  SWEEP_EM,      /* every 1 em */
  SWEEP_FEW,     /* 8, 13.25, 21.5, 29.75, 40 em */
} Sweep;

typedef char *(*ShotCheck) (const Shot *shot);

static gboolean
sweep_step (Sweep sweep,
            int   quarters)
{
  switch (sweep)
    {
    case SWEEP_ALL: return TRUE;
    case SWEEP_EM: return quarters % 4 == 0;
    case SWEEP_FEW:
    default: return (quarters - MIN_QUARTERS) % 33 == 0;
    }
}

typedef enum {
  ARTICLE_OWN,
  ARTICLE_SAMPLE,
} ArticleKind;

static BulletinArticle *
variant_article (const Variant *variant,
                 ArticleKind    kind)
{
  if (kind == ARTICLE_SAMPLE)
    {
      /* The sample is Simplified Chinese. */
      if (variant->traditional)
        return NULL;
      return load_sample_article (variant->language);
    }
  return build_own_article (variant->traditional, variant->language);
}

/* Runs @check over the sweep for one article, size and breakage; returns
 * the first failure. */
static char *
sweep_shots (BulletinArticle *article,
             const Variant   *variant,
             double           size,
             Broken           broken,
             Sweep            sweep,
             ShotCheck        check)
{
  Reader *self = reader_get ();

  reader_load (self, article, variant, size, broken);
  for (int q = MIN_QUARTERS; q <= MAX_QUARTERS; q++)
    {
      g_autoptr(Shot) shot = NULL;
      char *failure;

      if (!sweep_step (sweep, q))
        continue;
      reader_set_width (self, q);
      shot = shot_take (self);
      failure = check (shot);
      if (failure != NULL)
        {
          char *full = g_strdup_printf ("%s: %s (%s, %.0f pt)", variant->language, failure,
                                        "sweep", size);
          g_free (failure);
          return full;
        }
    }
  return NULL;
}

static char *
sweep_paras (BulletinArticle *article,
             const Variant   *variant,
             double           size,
             Broken           broken,
             Sweep            sweep,
             ParaCheck        check,
             gboolean         justify,
             gboolean         body_only)
{
  Reader *self = reader_get ();

  reader_load (self, article, variant, size, broken);
  for (int q = MIN_QUARTERS; q <= MAX_QUARTERS; q++)
    {
      char *failure;

      if (!sweep_step (sweep, q))
        continue;
      reader_set_width (self, q);
      failure = run_para_check (self, check, justify, body_only);
      if (failure != NULL)
        {
          char *full = g_strdup_printf ("%s, %.0f pt: %s", variant->language, size, failure);
          g_free (failure);
          return full;
        }
    }
  return NULL;
}

/* The widget checks share one sweep: every variant, both articles, every
 * ¼ em at the middle size and every em at the others, each check keeping
 * its first failure. */
static const ShotCheck shot_checks[] = {
  check_line_start, check_line_end, check_unbroken, check_width,
  check_indent, check_justified, check_pitch,
};

static char     *shot_failures[G_N_ELEMENTS (shot_checks)];
static gboolean  shot_matrix_done;

static void
run_shot_matrix (void)
{
  Reader *self = reader_get ();

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (ArticleKind k = ARTICLE_OWN; k <= ARTICLE_SAMPLE; k++)
      {
        g_autoptr(BulletinArticle) article = variant_article (&variants[v], k);

        if (article == NULL)
          continue;
        for (guint s = 0; s < G_N_ELEMENTS (font_sizes); s++)
          {
            /* The Simplified tags all map to zh-cn: the sample is swept
             * densely once and by whole ems for the others. */
            Sweep sweep = (s == 1 && (k == ARTICLE_OWN || v == 0)) ? SWEEP_ALL : SWEEP_EM;

            reader_load (self, article, &variants[v], font_sizes[s], BROKEN_NONE);
            for (int q = MIN_QUARTERS; q <= MAX_QUARTERS; q++)
              {
                g_autoptr(Shot) shot = NULL;

                if (!sweep_step (sweep, q))
                  continue;
                reader_set_width (self, q);
                shot = shot_take (self);

                for (guint c = 0; c < G_N_ELEMENTS (shot_checks); c++)
                  {
                    char *failure;

                    if (shot_failures[c] != NULL)
                      continue;
                    failure = shot_checks[c] (shot);
                    if (failure != NULL)
                      {
                        shot_failures[c] = g_strdup_printf ("%s, %s, %.0f pt: %s", variants[v].language,
                                                            k == ARTICLE_OWN ? "own text" : "sample",
                                                            font_sizes[s], failure);
                        g_free (failure);
                      }
                  }
              }
          }
      }
  shot_matrix_done = TRUE;
}

static void
assert_shot_check (ShotCheck check)
{
  if (!shot_matrix_done)
    run_shot_matrix ();
  for (guint c = 0; c < G_N_ELEMENTS (shot_checks); c++)
    if (shot_checks[c] == check && shot_failures[c] != NULL)
      g_test_fail_printf ("%s", shot_failures[c]);
}

static void
assert_para_check (ParaCheck check,
                   gboolean  justify,
                   gboolean  body_only,
                   Sweep     sweep)
{
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (ArticleKind k = ARTICLE_OWN; k <= ARTICLE_SAMPLE; k++)
      {
        g_autoptr(BulletinArticle) article = variant_article (&variants[v], k);

        if (article == NULL)
          continue;
        for (guint s = 0; s < G_N_ELEMENTS (font_sizes); s++)
          {
            g_autofree char *failure = NULL;

            n_checked = 0;
            failure = sweep_paras (article, &variants[v], font_sizes[s],
                                   BROKEN_NONE, sweep, check, justify, body_only);
            if (failure != NULL)
              g_test_fail_printf ("%s", failure);
            else if (n_checked == 0)
              g_test_fail_printf ("%s: nothing to check", variants[v].language);
            if (g_test_failed ())
              return;
          }
      }
}

/* Negative controls: the check must fail on the broken variant, for the
 * own article (Simplified and Traditional) at the middle size. */
static void
assert_shot_check_fails (ShotCheck check,
                         Broken    broken)
{
  for (guint v = 0; v < G_N_ELEMENTS (variants); v += 3)
    {
      g_autoptr(BulletinArticle) article = variant_article (&variants[v], ARTICLE_OWN);
      g_autofree char *failure = sweep_shots (article, &variants[v], 13.0, broken, SWEEP_ALL, check);

      if (failure == NULL)
        g_test_fail_printf ("%s: the check passed on deliberately broken settings (%d)",
                            variants[v].language, broken);
      else
        g_test_message ("as expected: %s", failure);
    }
}

static void
assert_para_check_fails (ParaCheck check,
                         gboolean  justify,
                         gboolean  body_only,
                         Broken    broken)
{
  for (guint v = 0; v < G_N_ELEMENTS (variants); v += 3)
    {
      g_autoptr(BulletinArticle) article = variant_article (&variants[v], ARTICLE_OWN);
      g_autofree char *failure = sweep_paras (article, &variants[v], 13.0, broken, SWEEP_FEW,
                                              check, justify, body_only);

      if (failure == NULL)
        g_test_fail_printf ("%s: the check passed on deliberately broken settings (%d)",
                            variants[v].language, broken);
      else
        g_test_message ("as expected: %s", failure);
    }
}

/* The test cases */

static void
test_01_face (void)
{
  assert_para_check (check_face, TRUE, FALSE, SWEEP_FEW);
  assert_para_check_fails (check_face, TRUE, FALSE, BROKEN_LANGUAGE_JA);
}

static void
test_02_glyph (void)
{
  Reader *self = reader_get ();

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(BulletinArticle) article = variant_article (&variants[v], ARTICLE_OWN);
      g_autofree char *failure = NULL;

      reader_load (self, article, &variants[v], 13.0, BROKEN_NONE);
      reader_set_width (self, 30 * 4);
      gu_seen = 0;
      failure = run_para_check (self, check_gu, TRUE, FALSE);
      g_assert_cmpstr (failure, ==, NULL);
      /* The article has 骨 (twice): the check did look at it. */
      g_assert_cmpuint (gu_seen, >=, 2);
    }
  assert_para_check_fails (check_gu, TRUE, FALSE, BROKEN_LANGUAGE_JA);
}

static void
test_03_mark_width (void)
{
  assert_para_check (check_mark_width, FALSE, FALSE, SWEEP_FEW);
  assert_para_check_fails (check_mark_width, FALSE, FALSE, BROKEN_LATIN_FAMILY);
}

static void
test_04_line_start (void)
{
  assert_shot_check (check_line_start);
  assert_shot_check_fails (check_line_start, BROKEN_WRAP_CHAR);
  assert_shot_check_fails (check_line_start, BROKEN_NO_ALLOW_BREAKS);
}

static void
test_05_line_end (void)
{
  assert_shot_check (check_line_end);
  assert_shot_check_fails (check_line_end, BROKEN_WRAP_CHAR);
}

static void
test_06_unbroken (void)
{
  assert_shot_check (check_unbroken);
  /* Pango's UAX #14 already keeps —— and …… whole, so only CHAR wrapping
   * breaks this one. */
  assert_shot_check_fails (check_unbroken, BROKEN_WRAP_CHAR);
}

static void
test_07_width (void)
{
  assert_shot_check (check_width);
  assert_shot_check_fails (check_width, BROKEN_WRAP_NONE);
}

static void
test_08_indent (void)
{
  assert_shot_check (check_indent);
  assert_shot_check_fails (check_indent, BROKEN_NO_INDENT);
}

static void
test_09_justified (void)
{
  assert_shot_check (check_justified);
  assert_shot_check_fails (check_justified, BROKEN_NO_JUSTIFY);
}

static void
test_10_gap (void)
{
  assert_para_check (check_gap, FALSE, TRUE, SWEEP_EM);
  assert_para_check_fails (check_gap, FALSE, TRUE, BROKEN_NO_GAP);
}

static void
test_11_mark_pairs (void)
{
  assert_para_check (check_mark_pairs, FALSE, FALSE, SWEEP_FEW);
  assert_para_check_fails (check_mark_pairs, FALSE, FALSE, BROKEN_NO_HALT);
}

static void
test_12_pitch (void)
{
  assert_shot_check (check_pitch);
  assert_shot_check_fails (check_pitch, BROKEN_PARAGRAPH_GAP);
}

static void
test_13_widened (void)
{
  Reader *self = reader_get ();

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (ArticleKind k = ARTICLE_OWN; k <= ARTICLE_SAMPLE; k++)
      {
        g_autoptr(BulletinArticle) article = variant_article (&variants[v], k);
        g_autofree char *failure = NULL;

        if (article == NULL)
          continue;
        reader_load (self, article, &variants[v], 13.0, BROKEN_NONE);
        failure = check_widened (self);
        g_assert_cmpstr (failure, ==, NULL);

        reader_load (self, article, &variants[v], 13.0, BROKEN_NO_WIDENING);
        g_clear_pointer (&failure, g_free);
        failure = check_widened (self);
        g_assert_nonnull (failure);
      }
}

/* @n characters of line @number (from 1) of @data, its last ones if
 * @tail, its first ones if not, with the ASCII commas shown full-width as
 * the reader shows them between Han characters */
static char *
sample_fragment (const char *data,
                 guint       number,
                 gboolean    tail,
                 guint       n)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autofree char *line = NULL;
  g_autofree char *piece = NULL;
  g_autoptr(GString) shown = NULL;
  glong len;

  g_assert_cmpuint (number, <=, g_strv_length (lines));
  line = g_strstrip (g_strdup (lines[number - 1]));
  len = g_utf8_strlen (line, -1);
  g_assert_cmpint (len, >=, n);
  piece = tail ? g_utf8_substring (line, len - n, len) : g_utf8_substring (line, 0, n);
  shown = g_string_new (piece);
  g_string_replace (shown, ",", "，", 0);
  return g_string_free (g_steal_pointer (&shown), FALSE);
}

static void
test_14_joined (void)
{
  Reader *self = reader_get ();
  /* the fragment pairs of TYPOGRAPHY.md, read from the sample: the lines
   * (from 1) before and after each page break, and how many characters of
   * each */
  static const struct { guint line, next, n_before, n_after; } sample_breaks[] = {
    { 15, 17, 8, 6 }, { 27, 29, 6, 3 },
    { 73, 76, 4, 2 }, { 78, 80, 4, 5 },
  };

  {
    g_autoptr(BulletinArticle) repaired = build_page_break_article (TRUE);
    g_autoptr(BulletinArticle) broken = build_page_break_article (FALSE);
    g_autofree char *failure = NULL;

    for (guint s = 0; s < G_N_ELEMENTS (font_sizes); s++)
      {
        g_autoptr(Shot) shot = NULL;

        reader_load (self, repaired, &variants[1], font_sizes[s], BROKEN_NONE);
        reader_set_width (self, 12 * 4);
        failure = check_joined (self, "志愿", "者");
        g_assert_cmpstr (failure, ==, NULL);
        /* One paragraph: indented once, its continuation not. */
        shot = shot_take (self);
        { g_autofree char *indent_failure = check_indent (shot); g_assert_cmpstr (indent_failure, ==, NULL); }
      }

    reader_load (self, broken, &variants[1], 13.0, BROKEN_NO_REPAIR);
    failure = check_joined (self, "志愿", "者");
    g_assert_nonnull (failure);
  }

  /* The sample through the plain-text importer: each fragment pair named
   * in TYPOGRAPHY.md, in whichever article holds it. */
  {
    g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
    g_autofree char *data = NULL;
    g_autoptr(BulletinParsedIssue) parsed = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;

    if (path == NULL)
      return;
    data = bulletin_test_read_file (path, &len);
    parsed = bulletin_text_parse (data, len, "000_1b466bc7855b1717.txt", &error);
    g_assert_no_error (error);

    for (guint i = 0; i < G_N_ELEMENTS (sample_breaks); i++)
      {
        g_autofree char *before = sample_fragment (data, sample_breaks[i].line, TRUE, sample_breaks[i].n_before);
        g_autofree char *after = sample_fragment (data, sample_breaks[i].next, FALSE, sample_breaks[i].n_after);
        gboolean found = FALSE;

        for (guint a = 0; a < parsed->articles->len && !found; a++)
          {
            BulletinArticle *article = g_ptr_array_index (parsed->articles, a);
            g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
            g_autofree char *failure = NULL;

            if (strstr (bulletin_display_text_get_text (display, NULL), before) == NULL)
              continue;
            reader_load (self, article, &variants[0], 13.0, BROKEN_NONE);
            failure = check_joined (self, before, after);
            if (failure == NULL)
              found = TRUE;
          }
        if (!found)
          g_test_fail_printf ("the sample's “%s” + “%s” is not shown as one paragraph",
                              before, after);
      }
  }
}

/* Beyond the checklist */

static void
test_language_detect (void)
{
  g_assert_cmpstr (bulletin_language_detect ("汛情就是命令，堤坝就是阵地。这个国家的经济发展。", -1), ==, "zh-Hans");
  g_assert_cmpstr (bulletin_language_detect ("汛情就是命令，堤壩就是陣地。這個國家的經濟發展。", -1), ==, "zh-Hant");
  g_assert_cmpstr (bulletin_language_detect ("The council said that the road will be closed for the winter.", -1), ==, "en");
  g_assert_cmpstr (bulletin_language_detect ("Der Rat hat gesagt, dass die Straße im Winter nicht offen ist.", -1), ==, "de");
  g_assert_cmpstr (bulletin_language_detect ("Regjeringen sier at veien ikke er åpen i vinter, og det er for sent.", -1), ==, "no");
  g_assert_cmpstr (bulletin_language_detect ("Regeringen säger att vägen inte är öppen i vinter och det är för sent.", -1), ==, "sv");
  g_assert_null (bulletin_language_detect ("12345 --- !!!", -1));

  g_assert_cmpint (bulletin_language_get_script ("zh-Hant-HK", NULL, 0), ==, BULLETIN_SCRIPT_HANT_HK);
  g_assert_cmpint (bulletin_language_get_script ("zh-SG", NULL, 0), ==, BULLETIN_SCRIPT_HANS);
  g_assert_cmpint (bulletin_language_get_script ("zh", "這個國家", -1), ==, BULLETIN_SCRIPT_HANT);
  g_assert_cmpint (bulletin_language_get_script (NULL, "这个国家", -1), ==, BULLETIN_SCRIPT_HANS);
  g_assert_cmpint (bulletin_language_get_script ("en-GB", "这个国家", -1), ==, BULLETIN_SCRIPT_LATIN);

  {
    g_autofree char *a = bulletin_language_to_font_tag ("zh-Hans", NULL, 0);
    g_autofree char *b = bulletin_language_to_font_tag ("zh-Hant", NULL, 0);
    g_autofree char *c = bulletin_language_to_font_tag ("zh-HK", NULL, 0);
    g_autofree char *d = bulletin_language_to_font_tag ("nb-NO", NULL, 0);
    g_autofree char *e = bulletin_language_to_font_tag (NULL, "Der Rat hat gesagt, dass die Straße nicht offen ist.", -1);

    g_assert_cmpstr (a, ==, "zh-cn");
    g_assert_cmpstr (b, ==, "zh-tw");
    g_assert_cmpstr (c, ==, "zh-hk");
    g_assert_cmpstr (d, ==, "nb");
    g_assert_cmpstr (e, ==, "de");
  }
}

static void
test_latin_article (void)
{
  Reader *self = reader_get ();
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  static const Variant english = { "", FALSE, "en", "" };
  GtkTextTag *text_tag;
  g_autofree char *language = NULL;
  g_autofree char *family = NULL;
  g_autoptr(Shot) shot = NULL;
  int justification;

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "Council closes the harbour road", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH,
                                 "The council said on Monday that the harbour road will be closed "
                                 "for the winter, because the sea wall needs repairs that cannot "
                                 "wait until spring. Internationalisation notwithstanding.", -1);
  bulletin_article_finish (article);

  reader_load (self, article, &english, 13.0, BROKEN_NONE);
  reader_set_width (self, 20 * 4);
  text_tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (self->buffer), BULLETIN_TAG_TEXT);
  g_object_get (text_tag, "language", &language, "family", &family, "justification", &justification, NULL);
  g_assert_cmpstr (language, ==, "en");
  g_assert_true (g_str_has_prefix (family, "Noto Serif,"));
  g_assert_cmpint (justification, ==, GTK_JUSTIFY_LEFT);

  /* Words are not hyphenated nor split. */
  shot = shot_take (self);
  for (guint l = 1; l < shot->lines->len; l++)
    {
      guint k = line_start (shot, l);

      if (shot->para_first[l] || k >= shot->n)
        continue;
      g_assert_true (g_unichar_isspace (shot->chars[k - 1]));
    }
}

static void
test_hierarchy (void)
{
  Reader *self = reader_get ();
  g_autoptr(BulletinArticle) article = build_own_article (FALSE, "zh-CN");
  g_autoptr(Shot) shot = NULL;
  const BulletinSpan *spans;
  guint n_spans;
  int heights[BULLETIN_N_BLOCK_KINDS] = { 0 };

  reader_load (self, article, &variants[1], 13.0, BROKEN_NONE);
  reader_set_width (self, 30 * 4);
  shot = shot_take (self);
  spans = bulletin_display_text_get_spans (self->display, &n_spans);
  for (guint s = 0; s < n_spans; s++)
    heights[spans[s].kind] = shot_rect (shot, spans[s].start)->height;

  /* The headline is the largest; the kicker and the byline are smaller
   * than it, the heading larger than the body. */
  g_assert_cmpint (heights[BULLETIN_BLOCK_HEADLINE], >, heights[BULLETIN_BLOCK_KICKER]);
  g_assert_cmpint (heights[BULLETIN_BLOCK_HEADLINE], >, heights[BULLETIN_BLOCK_HEADING]);
  g_assert_cmpint (heights[BULLETIN_BLOCK_HEADING], >, heights[BULLETIN_BLOCK_PARAGRAPH]);
  g_assert_cmpint (heights[BULLETIN_BLOCK_BYLINE], <, heights[BULLETIN_BLOCK_PARAGRAPH]);
  /* The kicker sits above the headline, centred. */
  g_assert_cmpint (shot_rect (shot, spans[0].start)->y, <, shot_rect (shot, spans[1].start)->y);
  g_assert_cmpint (shot_rect (shot, spans[0].start)->x, >, 2 * self->em);
}

static void
test_have_cjk_font (void)
{
  /* fonts-noto-cjk is a test dependency. */
  g_assert_true (bulletin_typography_have_cjk_font ());
}


/* Screenshots of the real reader, for a person to look at: saved under
 * $BULLETIN_ARTIFACTS_DIR (build-aux/test.sh sets it). */

/* Mean luminance of the texture, 0 to 1. */
static double
mean_luminance (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize)width * height * 4);
  double sum = 0;

  gdk_texture_download (texture, data, width * 4);
  for (gsize i = 0; i < (gsize)width * height; i++)
    {
      /* BGRA (cairo's ARGB32 in memory) */
      sum += 0.0722 * data[i * 4] + 0.7152 * data[i * 4 + 1] + 0.2126 * data[i * 4 + 2];
    }
  return sum / 255.0 / ((double)width * height);
}

static void
shoot_reader (BulletinArticle *article,
              int              width,
              gboolean         dark,
              const char      *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader_view = bulletin_reader_view_new ();
  g_autoptr(GdkTexture) texture = NULL;
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");
  double luminance;

  adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                  : ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), width, 720);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  gtk_window_present (GTK_WINDOW (window));
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), article);
  bulletin_ui_test_wait_frames (window, 15);
  g_assert_cmpint (gtk_widget_get_width (window), ==, width);

  texture = bulletin_ui_test_render_widget (window);
  luminance = mean_luminance (texture);
  /* The page is light or dark as asked, and has text on it (not blank). */
  if (dark)
    g_assert_cmpfloat (luminance, <, 0.3);
  else
    g_assert_cmpfloat (luminance, >, 0.7);
  g_assert_cmpfloat (luminance, >, 0.01);
  g_assert_cmpfloat (luminance, <, 0.99);

  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_mkdir_with_parents (dir, 0755);
      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_test_message ("screenshot: %s", path);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* A screenshot asked for at once, before the window's first frame (as
 * happens under load, when frames come late): the render helper waits
 * for the window to be drawn and gives what it shows, never nothing. */
static void
test_screenshots_at_once (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader_view = bulletin_reader_view_new ();
  g_autoptr(BulletinArticle) article = build_own_article (FALSE, "zh-Hans");
  g_autoptr(GdkTexture) texture = NULL;
  double luminance;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 400);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), article);
  gtk_window_present (GTK_WINDOW (window));
  texture = bulletin_ui_test_render_widget (window);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 500);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 400);
  /* a light page with text on it */
  luminance = mean_luminance (texture);
  g_test_message ("mean luminance %.3f", luminance);
  g_assert_cmpfloat (luminance, >, 0.7);
  g_assert_cmpfloat (luminance, <, 0.995);
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_screenshots_sample (void)
{
  g_autoptr(BulletinArticle) article = load_sample_article ("zh-Hans");

  if (article == NULL)
    {
      g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");

      g_assert_null (path);
      return;
    }
  shoot_reader (article, 900, FALSE, "reader-sample-wide-light.png");
  shoot_reader (article, 900, TRUE, "reader-sample-wide-dark.png");
  shoot_reader (article, 420, FALSE, "reader-sample-narrow-light.png");
  shoot_reader (article, 420, TRUE, "reader-sample-narrow-dark.png");
}

static void
test_screenshots_traditional (void)
{
  g_autoptr(BulletinArticle) article = build_own_article (TRUE, "zh-Hant");

  shoot_reader (article, 700, FALSE, "reader-traditional-light.png");
}

/* The reader drops Pango's font caches when the reading face or size
 * changes (bulletin_typography_release_fonts ()).  The release does drop
 * them (a fontset asked for again is made anew), and a reader changed to
 * another face and size after it shows exactly what a reader opened in
 * that face and size shows: the text in its faces, with no missing glyph. */
static GdkTexture *
render_reader (BulletinArticle               *article,
               const BulletinReadingSettings *first,
               const BulletinReadingSettings *then)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader_view = bulletin_reader_view_new ();
  GdkTexture *texture;

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  bulletin_reader_view_set_settings (BULLETIN_READER_VIEW (reader_view), first);
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), article);
  gtk_window_present (GTK_WINDOW (window));
  bulletin_ui_test_wait_frames (window, 15);
  if (then != NULL)
    {
      bulletin_reader_view_set_settings (BULLETIN_READER_VIEW (reader_view), then);
      bulletin_ui_test_wait_frames (window, 15);
    }
  /* the text alone: the overlay scrollbar's indicator shows for a moment
   * after the text's height changes, and was still fading in one run of
   * the CI (the same pixels but for a 3 px line at the right edge) */
  texture = bulletin_ui_test_render_widget (GTK_WIDGET (bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (reader_view))));
  gtk_window_destroy (GTK_WINDOW (window));
  return texture;
}

static void
test_fonts_released (void)
{
  g_autoptr(BulletinArticle) article = build_own_article (FALSE, "zh-Hans");
  BulletinReadingSettings song, hei;
  g_autoptr(GdkTexture) opened = NULL;
  g_autoptr(GdkTexture) changed = NULL;
  g_autoptr(GBytes) opened_pixels = NULL;
  g_autoptr(GBytes) changed_pixels = NULL;
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");

  {
    GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
    PangoContext *context = gtk_widget_get_pango_context (label);
    PangoFontMap *map = pango_context_get_font_map (context);
    PangoFontDescription *desc = pango_font_description_from_string ("serif 13");
    PangoLanguage *zh = pango_language_from_string ("zh-cn");
    PangoFontset *before = pango_font_map_load_fontset (map, context, desc, zh);
    PangoFontset *again = pango_font_map_load_fontset (map, context, desc, zh);
    PangoFontset *after;

    /* the map the widgets use keeps the fontset */
    g_assert_true (before == again);
    bulletin_typography_release_fonts ();
    after = pango_font_map_load_fontset (map, context, desc, zh);
#ifdef HAVE_PANGOFT2
    g_assert_true (after != before);
#endif
    g_object_unref (after);
    g_object_unref (again);
    g_object_unref (before);
    pango_font_description_free (desc);
    g_object_unref (label);
  }

  bulletin_reading_settings_init_default (&song);
  song.font_size = 13;
  hei = song;
  hei.sans = TRUE;
  hei.font_size = 17;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  opened = render_reader (article, &hei, NULL);
  changed = render_reader (article, &song, &hei);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "reader-after-font-change.png", NULL);

      g_mkdir_with_parents (dir, 0755);
      g_assert_true (gdk_texture_save_to_png (changed, path));
      g_test_message ("screenshot: %s", path);
    }
  g_assert_cmpfloat (mean_luminance (changed), <, 0.99);
  opened_pixels = gdk_texture_save_to_png_bytes (opened);
  changed_pixels = gdk_texture_save_to_png_bytes (changed);
  g_assert_true (g_bytes_equal (opened_pixels, changed_pixels));
}

static void
find_figures (GtkWidget  *widget,
              GtkWidget **picture,
              GtkWidget **placeholder)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_PICTURE (child))
        *picture = child;
      else if (GTK_IS_LABEL (child) &&
               strstr (gtk_label_get_label (GTK_LABEL (child)), "https://example.com/photo.jpg") != NULL)
        *placeholder = child;
      else
        find_figures (child, picture, placeholder);
    }
}

/* Figures: a local image scaled to the column above its caption, a remote
 * one as a placeholder naming its address. */
static void
test_figures (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autofree char *dir = g_dir_make_tmp ("bulletin-figure-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "photo.png", NULL);
  g_autofree char *uri = g_filename_to_uri (png, NULL, NULL);
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guchar data[40 * 20 * 4];
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader_view = bulletin_reader_view_new ();
  GtkTextView *view;
  GtkWidget *picture = NULL, *placeholder = NULL;
  BulletinBlock *block;
  GdkRectangle caption;
  GtkTextIter iter;
  graphene_rect_t bounds;
  int column;

  memset (data, 0x80, sizeof data);
  pixels = g_bytes_new (data, sizeof data);
  texture = gdk_memory_texture_new (40, 20, GDK_MEMORY_R8G8B8A8, pixels, 40 * 4);
  g_assert_true (gdk_texture_save_to_png (texture, png));

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "图片新闻", -1);
  block = bulletin_article_append_block (article, BULLETIN_BLOCK_FIGURE, "游客在西岸赏樱。", -1);
  block->image = g_strdup (uri);
  block = bulletin_article_append_block (article, BULLETIN_BLOCK_FIGURE, "远程图片。", -1);
  block->image = g_strdup ("https://example.com/photo.jpg");
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);

  gtk_window_set_default_size (GTK_WINDOW (window), 600, 700);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  gtk_window_present (GTK_WINDOW (window));
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), article);
  bulletin_ui_test_wait_frames (window, 15);

  view = bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (reader_view));
  find_figures (GTK_WIDGET (view), &picture, &placeholder);
  g_assert_nonnull (picture);
  g_assert_nonnull (placeholder);

  /* scaled to the column, above its caption */
  column = gtk_widget_get_width (GTK_WIDGET (view)) - gtk_text_view_get_left_margin (view)
           - gtk_text_view_get_right_margin (view);
  g_assert_cmpint (gtk_widget_get_width (picture), ==, column);
  g_assert_cmpint (gtk_widget_get_height (picture), ==, column / 2);
  g_assert_true (gtk_widget_compute_bounds (picture, GTK_WIDGET (view), &bounds));
  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (view), &iter, 1);
  gtk_text_view_get_iter_location (view, &iter, &caption);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, caption.x, caption.y,
                                         &caption.x, &caption.y);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, caption.y);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, >, caption.y - 24);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (png);
  g_rmdir (dir);
}

/* Marks of @buffer that exist: mark-set announces a new one (and moves of
 * an old one), mark-deleted the end of one. */
static void
mark_set_cb (GtkTextBuffer     *buffer,
             const GtkTextIter *iter,
             GtkTextMark       *mark,
             GHashTable        *marks)
{
  g_hash_table_add (marks, mark);
}

static void
mark_deleted_cb (GtkTextBuffer *buffer,
                 GtkTextMark   *mark,
                 GHashTable    *marks)
{
  g_hash_table_remove (marks, mark);
}

static void
article_shown_cb (BulletinReaderView *view,
                  guint              *n_shown)
{
  (*n_shown)++;
}

/* The reader keeps one buffer for every article it shows: showing an
 * article with figures again and again leaves no mark behind (each
 * figure's place was an anonymous mark that stayed in the buffer, one
 * more per figure and article for as long as the window lived). */
static void
test_figures_leave_no_marks (void)
{
  g_autoptr(BulletinArticle) first = bulletin_article_new ();
  g_autoptr(BulletinArticle) second = bulletin_article_new ();
  g_autoptr(GHashTable) marks = g_hash_table_new (NULL, NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader_view = bulletin_reader_view_new ();
  GtkTextBuffer *buffer;
  BulletinArticle *articles[2] = { first, second };
  guint n_shown = 0, after_two = 0;

  for (guint i = 0; i < 2; i++)
    {
      BulletinBlock *block;

      bulletin_article_append_block (articles[i], BULLETIN_BLOCK_HEADLINE, i ? "图片新闻" : "新闻图片", -1);
      block = bulletin_article_append_block (articles[i], BULLETIN_BLOCK_FIGURE, "远程图片。", -1);
      block->image = g_strdup ("https://example.com/photo.jpg");
      block = bulletin_article_append_block (articles[i], BULLETIN_BLOCK_FIGURE, "又一张。", -1);
      block->image = g_strdup ("https://example.com/other.jpg");
      bulletin_article_set_language (articles[i], "zh-CN");
      bulletin_article_finish (articles[i]);
    }

  gtk_window_set_default_size (GTK_WINDOW (window), 600, 700);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  gtk_window_present (GTK_WINDOW (window));
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (reader_view)));
  g_signal_connect (buffer, "mark-set", G_CALLBACK (mark_set_cb), marks);
  g_signal_connect (buffer, "mark-deleted", G_CALLBACK (mark_deleted_cb), marks);
  g_signal_connect (reader_view, "article-shown", G_CALLBACK (article_shown_cb), &n_shown);

  for (guint i = 0; i < 20; i++)
    {
      bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), articles[i % 2]);
      while (n_shown <= i)
        g_main_context_iteration (NULL, TRUE);
      bulletin_ui_test_wait_frames (window, 2);
      if (i == 1)
        after_two = g_hash_table_size (marks);
    }
  g_assert_cmpuint (after_two, >, 0);
  g_assert_cmpuint (g_hash_table_size (marks), ==, after_two);

  g_signal_handlers_disconnect_by_data (buffer, marks);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n)
{
  (*n)++;
}

/* GTK 4.8's text tag loses the string it held each time its font-features
 * are set: showing another article (which sets the reader's tags up again)
 * leaves the "halt" tag's features alone once they are right. */
static void
test_tags_set_up_again_keep_features (void)
{
  g_autoptr(BulletinArticle) first = bulletin_article_new ();
  g_autoptr(BulletinArticle) second = bulletin_article_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader_view = bulletin_reader_view_new ();
  BulletinArticle *articles[2] = { first, second };
  GtkTextTagTable *table;
  GtkTextTag *halt;
  g_autofree char *features = NULL;
  guint n_shown = 0, n_notified = 0;

  for (guint i = 0; i < 2; i++)
    {
      bulletin_article_append_block (articles[i], BULLETIN_BLOCK_HEADLINE, i ? "“新闻”：标题" : "标题", -1);
      bulletin_article_append_block (articles[i], BULLETIN_BLOCK_PARAGRAPH, "本报讯（记者）“今天”，天气晴。", -1);
      bulletin_article_set_language (articles[i], "zh-CN");
      bulletin_article_finish (articles[i]);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 700);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (reader_view, "article-shown", G_CALLBACK (article_shown_cb), &n_shown);
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), first);
  while (n_shown < 1)
    g_main_context_iteration (NULL, TRUE);

  table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (
            bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (reader_view))));
  halt = gtk_text_tag_table_lookup (table, BULLETIN_TAG_HALT);
  g_assert_nonnull (halt);
  g_signal_connect (halt, "notify::font-features", G_CALLBACK (count_notify_cb), &n_notified);
  for (guint i = 1; i < 6; i++)
    {
      bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), articles[i % 2]);
      while (n_shown <= i)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (n_notified, ==, 0);
  g_object_get (halt, "font-features", &features, NULL);
  g_assert_cmpstr (features, ==, "halt 1");

  g_signal_handlers_disconnect_by_data (halt, &n_notified);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  adw_init ();

  g_test_add_func ("/bulletin/typography/language-detect", test_language_detect);
  g_test_add_func ("/bulletin/typography/have-cjk-font", test_have_cjk_font);
  g_test_add_func ("/bulletin/typography/checklist/01-cjk-face-and-language", test_01_face);
  g_test_add_func ("/bulletin/typography/checklist/02-chinese-glyph-forms", test_02_glyph);
  g_test_add_func ("/bulletin/typography/checklist/03-marks-one-em", test_03_mark_width);
  g_test_add_func ("/bulletin/typography/checklist/04-line-start", test_04_line_start);
  g_test_add_func ("/bulletin/typography/checklist/05-line-end", test_05_line_end);
  g_test_add_func ("/bulletin/typography/checklist/06-no-break-inside", test_06_unbroken);
  g_test_add_func ("/bulletin/typography/checklist/07-within-width", test_07_width);
  g_test_add_func ("/bulletin/typography/checklist/08-first-line-indent", test_08_indent);
  g_test_add_func ("/bulletin/typography/checklist/09-justified", test_09_justified);
  g_test_add_func ("/bulletin/typography/checklist/10-han-latin-gap", test_10_gap);
  g_test_add_func ("/bulletin/typography/checklist/11-adjacent-marks", test_11_mark_pairs);
  g_test_add_func ("/bulletin/typography/checklist/12-even-line-pitch", test_12_pitch);
  g_test_add_func ("/bulletin/typography/checklist/13-widened-punctuation", test_13_widened);
  g_test_add_func ("/bulletin/typography/checklist/14-page-break-joined", test_14_joined);
  g_test_add_func ("/bulletin/typography/latin-article", test_latin_article);
  g_test_add_func ("/bulletin/typography/hierarchy", test_hierarchy);
  g_test_add_func ("/bulletin/typography/figures", test_figures);
  g_test_add_func ("/bulletin/typography/figures-leave-no-marks", test_figures_leave_no_marks);
  g_test_add_func ("/bulletin/typography/tags-set-up-again-keep-features", test_tags_set_up_again_keep_features);
  g_test_add_func ("/bulletin/typography/screenshots/at-once", test_screenshots_at_once);
  g_test_add_func ("/bulletin/typography/screenshots/sample", test_screenshots_sample);
  g_test_add_func ("/bulletin/typography/screenshots/traditional", test_screenshots_traditional);
  g_test_add_func ("/bulletin/typography/fonts-released", test_fonts_released);

  return g_test_run ();
}
