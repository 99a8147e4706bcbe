/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>

#include "bulletin-application.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

/* the shared helper (bulletin-ui-test-utils.h) by this file's name */
#define save_screenshot(w, name) bulletin_ui_test_save_screenshot ((w), (name))

/* The application in zh_CN.UTF-8, as a Chinese-speaking member of staff
 * sees it: every label that is on screen in the window, its primary menu,
 * the shortcuts window and the About dialog must be in Chinese (a few names
 * excepted) and shown whole, neither ellipsised nor clipped.  A screenshot
 * of each goes to $BULLETIN_ARTIFACTS_DIR for a person to look at. */

/* Words that stay in Latin letters in Chinese software: formats, key names. */
static const char *allowed_words[] = {
  "ninjs", "IPTC", "JSON", "json", "txt", "UTF", "URI",
  "Ctrl", "Shift", "Alt", "Enter", "Esc", "Tab", "Space",
  NULL
};

static GtkApplication *app;
static guint in_keycaps;
static guint in_list;

/* English words of two letters or more outside the allow-list; the
 * product name "Bulletin Reader" may appear as a name. */
static char *
english_words (const char *text)
{
  g_autoptr(GString) found = g_string_new (NULL);
  g_autoptr(GRegex) word = g_regex_new ("[A-Za-z]{2,}", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *stripped = NULL;
  g_auto(GStrv) parts = g_strsplit (text, "Bulletin Reader", -1);

  stripped = g_strjoinv (" ", parts);
  g_regex_match (word, stripped, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *w = g_match_info_fetch (match, 0);

      if (!g_strv_contains (allowed_words, w))
        g_string_append_printf (found, "%s%s", found->len ? ", " : "", w);
    }

  return found->len ? g_string_free (g_steal_pointer (&found), FALSE) : NULL;
}

static void
check_label (GtkLabel  *label,
             GPtrArray *problems,
             gboolean   keycap)
{
  GtkWidget *widget = GTK_WIDGET (label);
  const char *text = gtk_label_get_text (label);
  g_autofree char *english = NULL;
  int text_w, text_h, width, height;

  if (text == NULL || *text == '\0')
    return;

  english = keycap ? NULL : english_words (text);
  if (english != NULL)
    g_ptr_array_add (problems, g_strdup_printf ("English (%s) in “%s”", english, text));

  /* Rows of the list may shorten a long headline from the archive by
   * design (the reader shows it whole); any other label must not. */
  if (!in_list &&
      gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE &&
      pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    g_ptr_array_add (problems, g_strdup_printf ("ellipsised: “%s”", text));

  /* The text as laid out in the label's allocation (CSS margins and
   * padding aside) must fit in it. */
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  pango_layout_get_pixel_size (gtk_label_get_layout (label), &text_w, &text_h);
  if (text_w > width || text_h > height)
    g_ptr_array_add (problems, g_strdup_printf ("clipped (%d×%d shown, the text needs %d×%d): “%s”",
                                                width, height, text_w, text_h, text));
}

static void
walk (GtkWidget *widget,
      GPtrArray *problems,
      guint     *n_labels)
{
  gboolean keycaps = FALSE;

  if (!gtk_widget_get_mapped (widget))
    return;
  /* The article itself is the archive's content, not the app's words. */
  if (GTK_IS_TEXT_VIEW (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      check_label (GTK_LABEL (widget), problems, in_keycaps);
      (*n_labels)++;
    }
  /* Key caps (Page Down, Home) are printed in Latin letters on the keys. */
  keycaps = g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkShortcutLabel") ||
            g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwShortcutLabel");  /* libadwaita >= 1.8 */
  in_keycaps += keycaps;
  in_list += GTK_IS_LIST_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    walk (child, problems, n_labels);
  in_keycaps -= keycaps;
  in_list -= GTK_IS_LIST_VIEW (widget);
}

static guint
count_unallocated (GtkWidget *widget)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_LABEL (widget) && gtk_widget_get_width (widget) == 0)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_unallocated (child);
  return n;
}

/* Lets the layout settle: on a busy machine rows that were just created
 * are mapped a few frames before they get their size. */
static void
settle (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint round = 0; round < 50; round++)
    {
      guint n = 0;

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);
          n += count_unallocated (toplevel);
        }
      if (n == 0)
        return;
      bulletin_test_iterate (100);
    }
}

/* Walks every mapped toplevel; returns how many labels it looked at. */
static guint
check_toplevels (const char *screenshot_name)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *shown = NULL;
  guint n_labels = 0;

  settle ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      walk (toplevel, problems, &n_labels);
      /* The dialog if there is one, else the main window. */
      if (gtk_widget_get_mapped (toplevel) &&
          (shown == NULL || toplevel != GTK_WIDGET (gtk_application_get_active_window (app))))
        shown = toplevel;
    }
  save_screenshot (shown, screenshot_name);

  for (guint i = 0; i < problems->len; i++)
    g_printerr ("%s: %s\n", screenshot_name, (char *) problems->pdata[i]);
  g_assert_cmpuint (problems->len, ==, 0);

  return n_labels;
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);
      if (found)
        return found;
    }
  return NULL;
}

/* Opens every year and issue of the list, so that article rows are seen. */
static guint
expand_all (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_TREE_EXPANDER (widget))
    {
      GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (widget));

      if (row != NULL && gtk_tree_list_row_is_expandable (row) && !gtk_tree_list_row_get_expanded (row))
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          n++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += expand_all (child);
  return n;
}

static void
test_locale (void)
{
  /* Not just asked for: really in effect, with our catalogue found. */
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, "zh_CN.UTF-8");
  g_assert_cmpstr (nl_langinfo (CODESET), ==, "UTF-8");
  g_assert_cmpstr (_("Bulletin Reader"), !=, "Bulletin Reader");
  g_assert_true (g_utf8_validate (_("Bulletin Reader"), -1, NULL));
  g_assert_true (g_unichar_get_script (g_utf8_get_char (_("Bulletin Reader"))) == G_UNICODE_SCRIPT_HAN);
}

static void
test_window (void)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (app));
  GtkWidget *menu_button;
  guint n;

  /* The sample archive loads on first start. */
  bulletin_test_iterate (1500);
  for (guint round = 0; round < 4 && expand_all (window) > 0; round++)
    bulletin_test_iterate (300);
  n = check_toplevels ("l10n-zh_CN-window.png");
  g_assert_cmpuint (n, >, 3);

  menu_button = find_type (window, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  bulletin_test_iterate (400);
  {
    GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
    guint n_labels = 0;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

    g_assert_nonnull (popover);
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
    walk (GTK_WIDGET (popover), problems, &n_labels);
    save_screenshot (GTK_WIDGET (popover), "l10n-zh_CN-menu.png");
    for (guint i = 0; i < problems->len; i++)
      g_printerr ("primary menu: %s\n", (char *) problems->pdata[i]);
    g_assert_cmpuint (problems->len, ==, 0);
    g_assert_cmpuint (n_labels, >=, 2);
    gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));
  }
  bulletin_test_iterate (200);
}

static void
close_others (void)
{
  GtkWindow *main_window = gtk_application_get_active_window (app);
  GList *l;

  while ((l = g_list_last (gtk_application_get_windows (app))) != NULL && l->data != main_window)
    gtk_window_destroy (l->data);
#if ADW_CHECK_VERSION (1, 5, 0)
  while (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (main_window)) != NULL)
    adw_dialog_force_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (main_window)));
#endif
  bulletin_test_iterate (100);
}

static void
test_dialog (gconstpointer data)
{
  const char *action = data;
  g_autofree char *shot = g_strdup_printf ("l10n-zh_CN-%s.png", action);

  g_action_group_activate_action (G_ACTION_GROUP (app), action, NULL);
  bulletin_test_iterate (600);
  g_assert_cmpuint (check_toplevels (shot), >, 3);
  close_others ();
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *localedir = g_getenv ("BULLETIN_LOCALEDIR");
  g_autofree char *icons_dir = NULL;
  int status;

  setlocale (LC_ALL, "");
  if (localedir != NULL)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  g_test_add_func ("/bulletin/l10n/locale", test_locale);
  if (!gtk_init_check ())
    {
      g_test_message ("no display: the window checks are skipped");
      return g_test_run ();
    }

  app = GTK_APPLICATION (bulletin_application_new ());
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* The app icon from the source tree, as it will be installed. */
  icons_dir = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "icons", NULL);
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                  icons_dir);
  g_application_activate (G_APPLICATION (app));
  bulletin_test_iterate (300);

  g_test_add_func ("/bulletin/l10n/window", test_window);
  g_test_add_data_func ("/bulletin/l10n/about", "about", test_dialog);
  g_test_add_data_func ("/bulletin/l10n/shortcuts", "shortcuts", test_dialog);

  /* The process ends with the application still up, as test-about does:
   * tearing a registered application down buys nothing here. */
  status = g_test_run ();
  return status;
}
