/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reader's glyph forms do not follow the desktop's locale: under
 * LC_CTYPE=zh_CN a Traditional article keeps its Traditional punctuation
 * (the comma centred in its em, not at the bottom left).
 *
 * GTK's text view shapes with its Pango contexts' language (the locale's,
 * zh-cn here) and not the tags' "language", so HarfBuzz's locl feature
 * would give every CJK face the mainland forms.  The glyphs are read from
 * the real widget's render nodes, and compared with the glyph HarfBuzz
 * gives "，" on the same face for the article's language and for zh-cn. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <hb.h>

#include "bulletin-reader-view.h"
#include "bulletin-typography.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

typedef struct {
  const char *language;    /* the article's */
  const char *shape_lang;  /* what its glyphs must be shaped for */
  const char *face;        /* a word of its face's family name */
  const char *text;
} Variant;

static const Variant variants[] = {
  { "zh-Hant",    "zh-tw", "TC", "清晨七點，鄭師傅準時支起他的修鞋攤。他說：「手還穩，就一直做下去。」" },
  { "zh-Hant-HK", "zh-hk", "HK", "清晨七點，鄭師傅準時支起他的修鞋攤。他說：「手還穩，就一直做下去。」" },
  { "zh-Hans",    "zh-cn", "SC", "清晨七点，郑师傅准时支起他的修鞋摊。他说：「手还稳，就一直做下去。」" },
};

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
wait_frames (guint n)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 until = g_get_monotonic_time () + 20 * 1000;

      while (g_get_monotonic_time () < until)
        {
          spin ();
          g_usleep (1000);
        }
    }
}

/* The glyph HarfBuzz gives @c on @font for @language. */
static hb_codepoint_t
shape_one (PangoFont  *font,
           const char *language,
           gunichar    c)
{
  hb_font_t *hb_font = pango_font_get_hb_font (font);
  hb_buffer_t *buffer = hb_buffer_create ();
  hb_codepoint_t glyph;
  char utf8[8];
  int len = g_unichar_to_utf8 (c, utf8);

  hb_buffer_add_utf8 (buffer, utf8, len, 0, len);
  hb_buffer_set_direction (buffer, HB_DIRECTION_LTR);
  hb_buffer_set_script (buffer, HB_SCRIPT_HAN);
  hb_buffer_set_language (buffer, hb_language_from_string (language, -1));
  hb_shape (hb_font, buffer, NULL, 0);
  g_assert_cmpuint (hb_buffer_get_length (buffer), ==, 1);
  glyph = hb_buffer_get_glyph_infos (buffer, NULL)[0].codepoint;
  hb_buffer_destroy (buffer);
  return glyph;
}

typedef struct {
  const Variant *variant;
  gunichar       c;
  guint          n_faces;   /* text runs on the article's face */
  guint          n_want;    /* "，" shaped for the article's language */
  guint          n_cn;      /* "，" shaped for zh-cn */
  hb_codepoint_t want;
  hb_codepoint_t cn;
} Count;

static void
count_node (GskRenderNode *node,
            Count         *count)
{
  switch ((int)gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        count_node (gsk_container_node_get_child (node, i), count);
      break;
    case GSK_TRANSFORM_NODE:
      count_node (gsk_transform_node_get_child (node), count);
      break;
    case GSK_CLIP_NODE:
      count_node (gsk_clip_node_get_child (node), count);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      count_node (gsk_rounded_clip_node_get_child (node), count);
      break;
    case GSK_OPACITY_NODE:
      count_node (gsk_opacity_node_get_child (node), count);
      break;
    case GSK_COLOR_MATRIX_NODE:
      count_node (gsk_color_matrix_node_get_child (node), count);
      break;
    case GSK_SHADOW_NODE:
      count_node (gsk_shadow_node_get_child (node), count);
      break;
    case GSK_DEBUG_NODE:
      count_node (gsk_debug_node_get_child (node), count);
      break;
    case GSK_TEXT_NODE:
      {
        PangoFont *font = gsk_text_node_get_font (node);
        g_autoptr(PangoFontDescription) desc = pango_font_describe (font);
        const char *family = pango_font_description_get_family (desc);
        const PangoGlyphInfo *glyphs;
        guint n = 0;

        if (family == NULL || strstr (family, "CJK") == NULL ||
            strstr (family, count->variant->face) == NULL)
          break;
        count->n_faces++;
        count->want = shape_one (font, count->variant->shape_lang, count->c);
        count->cn = shape_one (font, "zh-cn", count->c);
        /* G_GNUC_PURE: the count through the out argument may be lost */
        glyphs = gsk_text_node_get_glyphs (node, NULL);
        n = gsk_text_node_get_num_glyphs (node);
        for (guint i = 0; i < n; i++)
          {
            if (glyphs[i].glyph == count->want)
              count->n_want++;
            else if (glyphs[i].glyph == count->cn)
              count->n_cn++;
          }
      }
      break;
    default:
      break;
    }
}

/* Checks the comma and colon drawn in @window; @when names the step. */
static void
check_marks (GtkWidget     *window,
             const Variant *variant,
             const char    *when)
{
  g_autoptr(GskRenderNode) node = bulletin_ui_test_snapshot_widget (window);
  const gunichar marks[] = { 0xFF0C, 0xFF1A };  /* ， ： */

  for (guint m = 0; m < G_N_ELEMENTS (marks); m++)
    {
      Count count = { variant, marks[m], 0, 0, 0, 0, 0 };

      count_node (node, &count);
      if (count.n_faces == 0)
        {
          g_test_skip_printf ("no Noto CJK %s face: the forms cannot be told apart", variant->face);
          return;
        }
      g_test_message ("%s, %s: U+%04X: %u runs, %u × %s's %u, %u × zh-cn's %u",
                      variant->language, when, marks[m], count.n_faces, count.n_want,
                      variant->shape_lang, count.want, count.n_cn, count.cn);
      /* The comma and colon are marks whose forms differ between the
       * mainland and Taiwan/Hong Kong; for the Simplified article both
       * glyphs are the same and only its count is checked. */
      if (!g_str_equal (variant->shape_lang, "zh-cn"))
        g_assert_cmpuint (count.want, !=, count.cn);
      if (count.n_want == 0 || count.n_cn > 0)
        g_test_fail_printf ("%s, %s: U+%04X is drawn %u times with the %s glyph %u, "
                            "%u times with zh-cn's %u", variant->language, when, marks[m],
                            count.n_want, variant->shape_lang, count.want, count.n_cn, count.cn);
    }
}

static BulletinArticle *
build_article (const Variant *variant)
{
  BulletinArticle *article = bulletin_article_new ();

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "老街口的修鞋攤", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, variant->text, -1);
  bulletin_article_set_language (article, variant->language);
  bulletin_article_finish (article);
  return article;
}

static void
test_punctuation (gconstpointer data)
{
  const Variant *variant = data;
  const Variant *other = variant == &variants[0] ? &variants[G_N_ELEMENTS (variants) - 1] : &variants[0];
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(BulletinArticle) article = NULL;
  g_autoptr(BulletinArticle) other_article = NULL;
  BulletinReadingSettings settings;
  GtkWidget *window;
  GtkWidget *reader_view;

  if (setlocale (LC_CTYPE, NULL) == NULL ||
      !g_str_has_prefix (setlocale (LC_CTYPE, NULL), "zh_CN"))
    {
      g_test_skip ("the zh_CN.UTF-8 locale is not available");
      return;
    }
  g_assert_cmpstr (pango_language_to_string (gtk_get_default_language ()), ==, "zh-cn");
  if (!bulletin_typography_have_cjk_font ())
    {
      g_test_skip ("no CJK font installed");
      return;
    }

  article = build_article (variant);
  other_article = build_article (other);
  window = gtk_window_new ();
  reader_view = bulletin_reader_view_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_set_child (GTK_WINDOW (window), reader_view);
  gtk_window_present (GTK_WINDOW (window));

  /* Another script's article first, in the same view. */
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), other_article);
  wait_frames (5);
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader_view), article);
  wait_frames (10);
  check_marks (window, variant, "shown");
  if (g_test_failed ())
    goto out;

  /* New preferences and a dark page make the view redo its contexts. */
  bulletin_reading_settings_init_default (&settings);
  settings.font_size += 2;
  bulletin_reader_view_set_settings (BULLETIN_READER_VIEW (reader_view), &settings);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_frames (10);
  check_marks (window, variant, "restyled");

out:
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

int
main (int    argc,
      char **argv)
{
  /* The locale stays the environment's (gtk_test_init would make it C):
   * that is the point of the test. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  gtk_init ();
  adw_init ();

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bulletin/typography-locale/%s-punctuation",
                                               variants[i].language);

      g_test_add_data_func (path, &variants[i], test_punctuation);
    }
  return g_test_run ();
}
