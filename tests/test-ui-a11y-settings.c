/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "bulletin-a11y.h"
#include "bulletin-reader-view.h"
#include "bulletin-test-utils.h"

/* The system's accessibility settings reach the reader: large text (the
 * text-scaling-factor, which GTK receives as a larger Xft DPI) makes the
 * glyphs and the line pitch grow together, so that lines never overlap;
 * the article need not be opened again. */

#define PARAGRAPH "街道组织志愿者走进社区，为独居老人送去米面粮油和防疫物资，" \
                  "并逐户了解生活需要，登记就医、买药、理发等具体困难，" \
                  "随后由居委会统一安排专人跟进解决，确保每一位老人都有人照应。"

static BulletinArticle *
make_article (void)
{
  BulletinArticle *article = bulletin_article_new ();

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "社区关爱独居老人", -1);
  for (guint i = 0; i < 3; i++)
    bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, PARAGRAPH PARAGRAPH, -1);
  bulletin_article_set_language (article, "zh-Hans");
  bulletin_article_finish (article);
  return article;
}

typedef struct {
  int pitch;   /* baseline distance between the first two lines of a body paragraph */
  int glyph;   /* height of one character's box */
} Metrics;

static Metrics
measure (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter, next;
  GdkRectangle a, b;
  Metrics m;

  /* the second block is the first body paragraph */
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 1);
  gtk_text_view_get_iter_location (view, &iter, &a);
  next = iter;
  g_assert_true (gtk_text_view_forward_display_line (view, &next));
  gtk_text_view_get_iter_location (view, &next, &b);
  g_assert_cmpint (gtk_text_iter_get_line (&next), ==, 1);

  m.pitch = b.y - a.y;
  m.glyph = a.height;
  return m;
}

static void
test_large_text (void)
{
  g_autoptr(BulletinArticle) article = make_article ();
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *reader = bulletin_reader_view_new ();
  GtkTextView *view;
  Metrics normal, large;
  int dpi = 0;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    dpi = 96 * 1024;

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 900);
  gtk_window_set_child (GTK_WINDOW (window), reader);
  gtk_window_present (GTK_WINDOW (window));
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (reader), article);
  view = bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (reader));
  bulletin_test_iterate (800);
  g_assert_true (bulletin_reader_view_is_complete (BULLETIN_READER_VIEW (reader)));

  normal = measure (view);
  g_assert_cmpint (normal.pitch, >, normal.glyph);

  /* text-scaling-factor 1.5 */
  g_object_set (settings, "gtk-xft-dpi", dpi * 3 / 2, NULL);
  bulletin_test_iterate (800);
  large = measure (view);

  g_test_message ("pitch %d -> %d px, glyph %d -> %d px", normal.pitch, large.pitch,
                  normal.glyph, large.glyph);
  g_assert_cmpfloat ((double)large.glyph / normal.glyph, >, 1.3);
  /* the pitch scales with the text (1.43 if only the glyphs grew) */
  g_assert_cmpfloat ((double)large.pitch / normal.pitch, >, 1.45);
  g_assert_cmpfloat ((double)large.pitch / normal.pitch, <, 1.65);
  /* lines never overlap: the pitch stays above the glyph height */
  g_assert_cmpint (large.pitch, >, large.glyph);

  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Highlights (search matches, the current match, noted passages) in high
 * contrast are opaque with black text, and the current match is
 * underlined so that it does not rest on colour alone; otherwise they are
 * translucent tints over the page.  The suite runs this twice: as is, and
 * with ADW_DEBUG_HIGH_CONTRAST=1, the way libadwaita is told the system
 * asks for high contrast. */
static void
test_highlights (void)
{
  gboolean hc = adw_style_manager_get_high_contrast (adw_style_manager_get_default ());
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  const BulletinHighlight kinds[] = {
    BULLETIN_HIGHLIGHT_MATCH, BULLETIN_HIGHLIGHT_CURRENT, BULLETIN_HIGHLIGHT_NOTE,
  };

  g_test_message ("high contrast: %s", hc ? "yes" : "no");
  if (g_strcmp0 (g_getenv ("ADW_DEBUG_HIGH_CONTRAST"), "1") == 0)
    g_assert_true (hc);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      GtkTextTag *tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
      g_autoptr(GdkRGBA) background = NULL;
      g_autoptr(GdkRGBA) foreground = NULL;
      gboolean foreground_set = FALSE;
      PangoUnderline underline;

      bulletin_highlight_style_tag (buffer, tag, kinds[i]);
      g_object_get (tag,
                    "background-rgba", &background,
                    "foreground-rgba", &foreground,
                    "foreground-set", &foreground_set,
                    "underline", &underline,
                    NULL);
      g_assert_nonnull (background);
      if (hc)
        {
          g_assert_cmpfloat (background->alpha, ==, 1.0);
          g_assert_true (foreground_set);
          g_assert_cmpfloat (foreground->red + foreground->green + foreground->blue, ==, 0.0);
          if (kinds[i] != BULLETIN_HIGHLIGHT_MATCH)
            g_assert_cmpint (underline, ==, PANGO_UNDERLINE_SINGLE);
        }
      else
        {
          g_assert_cmpfloat (background->alpha, <, 1.0);
          g_assert_false (foreground_set);
        }
    }
}

static void
tag_background (GtkTextBuffer     *buffer,
                BulletinHighlight  kind,
                GdkRGBA           *out)
{
  GtkTextTag *tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  g_autoptr(GdkRGBA) background = NULL;

  bulletin_highlight_style_tag (buffer, tag, kind);
  g_object_get (tag, "background-rgba", &background, NULL);
  g_assert_nonnull (background);
  *out = *background;
}

/* How far apart two highlights look on the page's background (light:
 * white, dark: #242424): the distance of the blended colours, 0 to 1. */
static double
seen_distance (const GdkRGBA *a,
               const GdkRGBA *b,
               double         page)
{
  double d = 0;
  const float ca[] = { a->red, a->green, a->blue }, cb[] = { b->red, b->green, b->blue };

  for (guint i = 0; i < 3; i++)
    {
      double x = ca[i] * a->alpha + page * (1 - a->alpha);
      double y = cb[i] * b->alpha + page * (1 - b->alpha);

      d += (x - y) * (x - y);
    }
  return sqrt (d / 3);
}

/* A noted passage never looks like a search match: in light, dark and
 * high contrast styles the two (and the current match) differ plainly. */
static void
test_highlights_distinct (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  const AdwColorScheme schemes[] = { ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK };

  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
      GdkRGBA match, current, note;
      double page;

      adw_style_manager_set_color_scheme (manager, schemes[s]);
      bulletin_test_iterate (50);
      g_assert_true (adw_style_manager_get_dark (manager) == (schemes[s] == ADW_COLOR_SCHEME_FORCE_DARK));
      page = adw_style_manager_get_dark (manager) ? 0x24 / 255.0 : 1.0;

      tag_background (buffer, BULLETIN_HIGHLIGHT_MATCH, &match);
      tag_background (buffer, BULLETIN_HIGHLIGHT_CURRENT, &current);
      tag_background (buffer, BULLETIN_HIGHLIGHT_NOTE, &note);
      g_test_message ("%s: match/note %.3f, current/note %.3f, match/current %.3f",
                      adw_style_manager_get_dark (manager) ? "dark" : "light",
                      seen_distance (&match, &note, page), seen_distance (&current, &note, page),
                      seen_distance (&match, &current, page));
      g_assert_cmpfloat (seen_distance (&match, &note, page), >, 0.12);
      g_assert_cmpfloat (seen_distance (&current, &note, page), >, 0.12);
      g_assert_cmpfloat (seen_distance (&match, &current, page), >, 0.08);
    }
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  adw_init ();
  g_test_add_func ("/bulletin/ui-a11y-settings/large-text", test_large_text);
  g_test_add_func ("/bulletin/ui-a11y-settings/highlights", test_highlights);
  g_test_add_func ("/bulletin/ui-a11y-settings/highlights/distinct", test_highlights_distinct);
  return g_test_run ();
}
