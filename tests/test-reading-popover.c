/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "bulletin-reading-popover.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

/* The reading preferences reach the open article as soon as they change,
 * whoever changes them (the popover's controls, the keyboard, GSettings). */

typedef struct {
  GSettings  *settings;
  GtkWidget  *window;
  GtkWidget  *reader;
  GtkWidget  *popover;
} Fixture;

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();

  f->settings = g_settings_new (APP_ID);
  f->window = adw_application_window_new (NULL);
  f->reader = bulletin_reader_view_new ();
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (f->window), f->reader);
  f->popover = bulletin_reading_popover_new (f->settings);
  gtk_widget_set_parent (f->popover, f->reader);
  bulletin_reading_popover_attach (BULLETIN_READING_POPOVER (f->popover),
                                   BULLETIN_READER_VIEW (f->reader), GTK_WINDOW (f->window));
  gtk_window_present (GTK_WINDOW (f->window));

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "骨干力量", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, "邻里相助,守望如家。", -1);
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);
  bulletin_reader_view_set_article (BULLETIN_READER_VIEW (f->reader), article);
  spin ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_widget_unparent (f->popover);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_settings_reset (f->settings, "reading-font-size");
  g_settings_reset (f->settings, "reading-sans");
  g_settings_reset (f->settings, "reading-color-scheme");
  g_settings_reset (f->settings, "reading-full-width-punctuation");
  g_clear_object (&f->settings);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  spin ();
}

static GtkTextTag *
text_tag (Fixture *f)
{
  GtkTextView *view = bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (f->reader));

  return gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (view)),
                                    BULLETIN_TAG_TEXT);
}

static void
test_text_size (Fixture       *f,
                gconstpointer  data)
{
  double size;

  g_settings_set_double (f->settings, "reading-font-size", 18.0);
  spin ();
  g_object_get (text_tag (f), "size-points", &size, NULL);
  g_assert_cmpfloat_with_epsilon (size, 18.0, 0.01);

  /* Ctrl+plus and Ctrl+0 are these actions */
  g_assert_true (gtk_widget_activate_action (f->window, "win.text-larger", NULL));
  spin ();
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "reading-font-size"), 19.0, 0.01);
  g_object_get (text_tag (f), "size-points", &size, NULL);
  g_assert_cmpfloat_with_epsilon (size, 19.0, 0.01);

  g_assert_true (gtk_widget_activate_action (f->window, "win.text-reset", NULL));
  spin ();
  g_object_get (text_tag (f), "size-points", &size, NULL);
  g_assert_cmpfloat_with_epsilon (size, 13.0, 0.01);
}

static void
test_typeface (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *serif = NULL;
  g_autofree char *sans = NULL;

  g_object_get (text_tag (f), "family", &serif, NULL);
  g_assert_true (g_str_has_prefix (serif, "Noto Serif CJK SC"));
  g_settings_set_boolean (f->settings, "reading-sans", TRUE);
  spin ();
  g_object_get (text_tag (f), "family", &sans, NULL);
  g_assert_true (g_str_has_prefix (sans, "Noto Sans CJK SC"));
}

static void
test_color_scheme (Fixture       *f,
                   gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_settings_set_string (f->settings, "reading-color-scheme", "dark");
  spin ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_false (gtk_widget_has_css_class (f->window, "sepia"));

  g_settings_set_string (f->settings, "reading-color-scheme", "sepia");
  spin ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (gtk_widget_has_css_class (f->window, "sepia"));

  g_settings_set_string (f->settings, "reading-color-scheme", "default");
  spin ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_false (gtk_widget_has_css_class (f->window, "sepia"));
}

static void
test_punctuation (Fixture       *f,
                  gconstpointer  data)
{
  GtkTextView *view = bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (f->reader));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *wide = NULL;
  g_autofree char *narrow = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  wide = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (wide, "邻里相助，守望如家"));

  g_settings_set_boolean (f->settings, "reading-full-width-punctuation", FALSE);
  spin ();
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  narrow = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (narrow, "邻里相助,守望如家"));
}

/* The widget under @root whose label or tooltip is @text */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      const char *label = NULL;

      if (GTK_IS_BUTTON (root))
        label = gtk_button_get_label (GTK_BUTTON (root));
      else if (GTK_IS_CHECK_BUTTON (root))
        label = gtk_check_button_get_label (GTK_CHECK_BUTTON (root));
      if (g_strcmp0 (label, text) == 0 || g_strcmp0 (gtk_widget_get_tooltip_text (root), text) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* More than one colour in the rendered texture: something is drawn */
static gboolean
texture_has_content (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  gsize stride = width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  guint32 first;

  gdk_texture_download (texture, pixels, stride);
  memcpy (&first, pixels, 4);
  for (gsize i = 4; i < stride * height; i += 4)
    if (memcmp (&first, pixels + i, 4) != 0)
      return TRUE;
  return FALSE;
}

/* The popover open over the reader: it is drawn, and its own controls
 * change the open article (saved for a person to look at when
 * BULLETIN_ARTIFACTS_DIR is set). */
static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");
  GtkTextView *view = bulletin_reader_view_get_text_view (BULLETIN_READER_VIEW (f->reader));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *family = NULL;
  g_autofree char *text = NULL;
  GtkWidget *hei, *larger, *punctuation;
  GtkTextIter start, end;
  double size;
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  gtk_popover_popup (GTK_POPOVER (f->popover));
  for (guint i = 0; i < 30; i++)
    {
      spin ();
      g_usleep (10000);
    }
  g_assert_true (gtk_widget_get_mapped (f->popover));

  /* drawn, at a size that holds its controls */
  width = gtk_widget_get_width (f->popover);
  height = gtk_widget_get_height (f->popover);
  g_assert_cmpint (width, >, 150);
  g_assert_cmpint (height, >, 200);
  texture = bulletin_ui_test_render_widget (f->popover);
  g_assert_true (texture_has_content (texture));
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "reading-popover.png", NULL);

      g_mkdir_with_parents (dir, 0755);
      g_assert_true (gdk_texture_save_to_png (texture, path));
    }

  /* its controls, clicked, change the article behind it */
  hei = find_widget (f->popover, GTK_TYPE_TOGGLE_BUTTON, "Hei (Sans)");
  larger = find_widget (f->popover, GTK_TYPE_BUTTON, "Larger Text");
  punctuation = find_widget (f->popover, GTK_TYPE_CHECK_BUTTON, "Show Punctuation Full-Width");
  g_assert_nonnull (hei);
  g_assert_nonnull (larger);
  g_assert_nonnull (punctuation);
  g_assert_true (gtk_widget_is_visible (hei) && gtk_widget_is_sensitive (hei));

  g_assert_true (gtk_widget_activate (hei));
  bulletin_test_iterate (400);   /* a button clicks once its press is shown */
  g_assert_true (g_settings_get_boolean (f->settings, "reading-sans"));
  g_object_get (text_tag (f), "family", &family, NULL);
  g_assert_true (g_str_has_prefix (family, "Noto Sans CJK SC"));

  g_assert_true (gtk_widget_activate (larger));
  bulletin_test_iterate (400);   /* a button clicks once its press is shown */
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "reading-font-size"), 14.0, 0.01);
  g_object_get (text_tag (f), "size-points", &size, NULL);
  g_assert_cmpfloat_with_epsilon (size, 14.0, 0.01);

  g_assert_true (gtk_widget_activate (punctuation));
  bulletin_test_iterate (400);   /* a button clicks once its press is shown */
  g_assert_false (g_settings_get_boolean (f->settings, "reading-full-width-punctuation"));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (text, "邻里相助,守望如家"));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/bulletin/reading-popover/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("text-size", test_text_size);
  ADD ("typeface", test_typeface);
  ADD ("color-scheme", test_color_scheme);
  ADD ("punctuation", test_punctuation);
  ADD ("screenshot", test_screenshot);
#undef ADD

  return g_test_run ();
}
