/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Corrections in the window (issue 16): the reader's context menu has a
 * "Correct" submenu; Start a New Article Here splits the issue, the
 * sidebar's model and the reader follow; Reset This Issue's Corrections
 * undoes it; Reopen with Encoding reads the file in the chosen encoding
 * and remembers it. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-annotations-controller.h"
#include "bulletin-application.h"
#include "bulletin-corrections.h"
#include "bulletin-window.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

static BulletinApplication *app;

/* the shared helpers (bulletin-test-utils.h, bulletin-ui-test-utils.h)
 * by this file's names */
#define drain()                  bulletin_ui_test_drain (100)
#define remove_tree(path)        bulletin_test_remove_tree (path)

static const char bulletin[] =
  "第一篇的标题\n"
  "● 记者 张三\n"
  "第一篇正文的第一段写在这里。\n"
  "第二篇的标题\n"
  "第二篇正文写在这里，说的是另一件事。\n"
  "第三篇的标题\n"
  "● 记者 李四\n"
  "第三篇正文写在这里。\n";

static gboolean
library_done (BulletinWindow *window)
{
  BulletinLibrary *library = bulletin_window_get_library (window);
  return library != NULL && !bulletin_library_get_loading (library) &&
         g_list_model_get_n_items (bulletin_library_get_issues (library)) > 0;
}

static guint
n_articles (BulletinIssue *issue)
{
  return g_list_model_get_n_items (bulletin_issue_get_articles (issue));
}

static const char *
shown_headline (BulletinWindow *window)
{
  BulletinArticle *article = bulletin_reader_view_get_article (bulletin_window_get_reader (window));
  return article != NULL ? bulletin_article_get_headline (article) : NULL;
}

/* Whether @model (or a submenu or section of it) has an item for @action */
static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; model != NULL && i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;
      const char *link;
      GMenuModel *child;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_get_next (links, &link, &child))
        {
          gboolean found = menu_has_action (child, action);

          g_object_unref (child);
          if (found)
            return TRUE;
        }
    }
  return FALSE;
}

static void
put_cursor_on (BulletinWindow *window,
               const char     *text)
{
  GtkTextView *view = bulletin_reader_view_get_text_view (bulletin_window_get_reader (window));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, text, 0, &match_start, &match_end, NULL));
  gtk_text_buffer_place_cursor (buffer, &match_start);
}

static GtkWindow *
find_dialog (BulletinWindow *window)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (gtk_window_get_transient_for (l->data) == GTK_WINDOW (window) &&
        g_object_get_data (l->data, "bulletin-dropdown") != NULL)
      return l->data;
  return NULL;
}

static void
test_correct_in_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-ui-corr-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "2024-03-01.txt", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *gb = NULL;
  gsize gb_len;
  BulletinWindow *window;
  g_autoptr(BulletinIssue) issue = NULL;
  g_autoptr(BulletinArticle) first = NULL;
  GtkTextView *view;

  g_assert_no_error (error);
  /* GB18030: Reopen with Encoding has something to say */
  gb = g_convert (bulletin, -1, "GB18030", "UTF-8", NULL, &gb_len, NULL);
  g_file_set_contents (path, gb, gb_len, &error);
  g_assert_no_error (error);

  window = bulletin_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));

  issue = g_list_model_get_item (bulletin_library_get_issues (bulletin_window_get_library (window)), 0);
  bulletin_sidebar_expand_issue (bulletin_window_get_sidebar (window), issue);
  WAIT_UNTIL (bulletin_issue_is_loaded (issue));
  g_assert_cmpuint (n_articles (issue), ==, 2);
  g_assert_cmpstr (bulletin_issue_get_encoding (issue), ==, "GB18030");

  first = g_list_model_get_item (bulletin_issue_get_articles (issue), 0);
  bulletin_window_show_article (window, issue, first);
  WAIT_UNTIL (g_strcmp0 (shown_headline (window), "第一篇的标题") == 0);
  drain ();

  /* the context menu offers the corrections */
  view = bulletin_reader_view_get_text_view (bulletin_window_get_reader (window));
  g_assert_true (menu_has_action (gtk_text_view_get_extra_menu (view), "win.correct-new-article"));
  g_assert_true (menu_has_action (gtk_text_view_get_extra_menu (view), "win.correct-join-previous"));
  g_assert_true (menu_has_action (gtk_text_view_get_extra_menu (view), "win.correct-body"));
  g_assert_true (menu_has_action (gtk_text_view_get_extra_menu (view), "win.reset-corrections"));
  g_assert_true (menu_has_action (gtk_text_view_get_extra_menu (view), "win.reopen-with-encoding"));

  /* Start a New Article Here: the issue has three, the reader shows it */
  put_cursor_on (window, "第二篇的标题");
  g_action_group_activate_action (G_ACTION_GROUP (window), "correct-new-article", NULL);
  WAIT_UNTIL (n_articles (issue) == 3);
  WAIT_UNTIL (g_strcmp0 (shown_headline (window), "第二篇的标题") == 0);
  g_assert_cmpuint (bulletin_issue_get_n_corrections (issue), ==, 1);

  /* Join with the Previous Article: the cursor's article goes on the one before */
  g_action_group_activate_action (G_ACTION_GROUP (window), "correct-join-previous", NULL);
  WAIT_UNTIL (n_articles (issue) == 2);
  WAIT_UNTIL (g_strcmp0 (shown_headline (window), "第一篇的标题") == 0);

  /* Reset This Issue's Corrections */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset-corrections", NULL);
  WAIT_UNTIL (bulletin_issue_get_n_corrections (issue) == 0 && bulletin_issue_is_loaded (issue));
  WAIT_UNTIL (n_articles (issue) == 2);

  /* Reopen with Encoding: remembered for the file */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reopen-with-encoding",
                                  g_variant_new_string ("GBK"));
  WAIT_UNTIL (g_strcmp0 (bulletin_issue_get_encoding (issue), "GBK") == 0 && bulletin_issue_is_loaded (issue));
  g_assert_cmpuint (n_articles (issue), ==, 2);
  {
    g_autofree char *contents = NULL;
    g_autofree char *key = NULL;
    g_autofree char *chosen = NULL;
    g_autoptr(BulletinCorrections) fresh = bulletin_corrections_new (NULL);
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    key = bulletin_corrections_file_key (contents, len);
    chosen = bulletin_corrections_dup_encoding (fresh, key);
    g_assert_cmpstr (chosen, ==, "GBK");
  }
  /* Other Encoding…: every encoding iconv knows, chosen by name */
  g_action_group_activate_action (G_ACTION_GROUP (window), "choose-encoding", NULL);
  {
    GtkWindow *dialog = NULL;
    GtkDropDown *dropdown;
    GListModel *names;
    guint at = GTK_INVALID_LIST_POSITION;

    WAIT_UNTIL ((dialog = find_dialog (window)) != NULL);
    dropdown = g_object_get_data (G_OBJECT (dialog), "bulletin-dropdown");
    names = gtk_drop_down_get_model (dropdown);
    for (guint i = 0; i < g_list_model_get_n_items (names); i++)
      {
        g_autoptr(GtkStringObject) s = g_list_model_get_item (names, i);

        if (g_str_equal (gtk_string_object_get_string (s), "GB18030"))
          at = i;
      }
    g_assert_cmpuint (at, !=, GTK_INVALID_LIST_POSITION);
    gtk_drop_down_set_selected (dropdown, at);
    g_signal_emit_by_name (gtk_window_get_default_widget (dialog), "clicked");
  }
  WAIT_UNTIL (g_strcmp0 (bulletin_issue_get_encoding (issue), "GB18030") == 0 && bulletin_issue_is_loaded (issue));
  g_assert_cmpuint (n_articles (issue), ==, 2);

  /* shown in the issue's details (the row's tooltip and description) */
  {
    g_autofree char *details = bulletin_issue_dup_text_details (issue);

    g_assert_nonnull (details);
    g_assert_nonnull (strstr (details, "GB18030"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  remove_tree (dir);
}

/* Whether a mapped label under @widget (a toast's) holds @text */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* Closes the toasts shown under @widget: the window's messages queue,
 * each for seconds */
static void
dismiss_toasts (GtkWidget *widget,
                gboolean   in_toast)
{
  in_toast = in_toast || g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget");
  if (in_toast && GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "window-close-symbolic") == 0)
    {
      gtk_widget_activate (widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    dismiss_toasts (child, in_toast);
}

/* Whether a toast says @text; the ones before it are closed */
static gboolean
toast_says (GtkWidget  *window,
            const char *text)
{
  if (shows_text (window, text))
    return TRUE;
  dismiss_toasts (window, FALSE);
  return FALSE;
}

/* Back Up… and Import… (the restore) of the Bookmarks and Notes pane
 * carry the corrections: restored, the issue shown splits again, and
 * the message names what the backup held */
static void
test_backup_restore_in_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-ui-corr-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "2024-03-02.txt", NULL);
  g_autofree char *backup_dir = g_dir_make_tmp ("bulletin-ui-backup-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) backup = g_file_new_build_filename (backup_dir, "backup.ini", NULL);
  BulletinWindow *window;
  BulletinAnnotationsController *controller;
  g_autoptr(BulletinIssue) issue = NULL;
  g_autoptr(BulletinArticle) first = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, bulletin, -1, &error);
  g_assert_no_error (error);

  window = bulletin_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  controller = bulletin_annotations_controller_get_for_window (window);
  g_assert_nonnull (controller);

  issue = g_list_model_get_item (bulletin_library_get_issues (bulletin_window_get_library (window)), 0);
  bulletin_sidebar_expand_issue (bulletin_window_get_sidebar (window), issue);
  WAIT_UNTIL (bulletin_issue_is_loaded (issue));
  g_assert_cmpuint (n_articles (issue), ==, 2);
  first = g_list_model_get_item (bulletin_issue_get_articles (issue), 0);
  bulletin_window_show_article (window, issue, first);
  WAIT_UNTIL (g_strcmp0 (shown_headline (window), "第一篇的标题") == 0);
  drain ();

  put_cursor_on (window, "第二篇的标题");
  g_action_group_activate_action (G_ACTION_GROUP (window), "correct-new-article", NULL);
  WAIT_UNTIL (n_articles (issue) == 3);

  bulletin_annotations_controller_back_up_to (controller, backup);
  {
    g_autofree char *data = NULL;

    g_assert_true (g_file_load_contents (backup, NULL, &data, NULL, NULL, NULL));
    g_assert_nonnull (strstr (data, "[Corrections Issue "));
  }

  /* the correction is gone */
  WAIT_UNTIL (g_strcmp0 (shown_headline (window), "第二篇的标题") == 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset-corrections", NULL);
  WAIT_UNTIL (bulletin_issue_get_n_corrections (issue) == 0 && bulletin_issue_is_loaded (issue));
  WAIT_UNTIL (n_articles (issue) == 2);

  /* restored: the issue shown is read again, split as corrected */
  bulletin_annotations_controller_restore_from (controller, backup);
  WAIT_UNTIL (n_articles (issue) == 3 && bulletin_issue_is_loaded (issue));
  g_assert_cmpuint (bulletin_issue_get_n_corrections (issue), ==, 1);
  WAIT_UNTIL (toast_says (GTK_WIDGET (window), "0 notes, 0 bookmarks and 1 correction"));
  g_assert_true (shows_text (GTK_WIDGET (window), "backup.ini"));

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  g_file_delete (backup, NULL, NULL);
  remove_tree (backup_dir);
  remove_tree (dir);
}

/* A file detected wrongly (UTF-16LE without a byte-order mark reads as
 * binary) cannot be read at all; selected in the list, Reopen with
 * Encoding from the main menu's action reads it */
static void
test_reopen_unreadable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-ui-corr-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "2024-03-02.txt", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *wide = NULL;
  g_autoptr(BulletinIssue) issue = NULL;
  GListModel *rows;
  BulletinWindow *window;
  gsize wide_len;
  guint position = GTK_INVALID_LIST_POSITION;

  g_assert_no_error (error);
  wide = g_convert (bulletin, -1, "UTF-16LE", "UTF-8", NULL, &wide_len, NULL);
  g_file_set_contents (path, wide, wide_len, &error);
  g_assert_no_error (error);

  window = bulletin_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  issue = g_list_model_get_item (bulletin_library_get_issues (bulletin_window_get_library (window)), 0);
  bulletin_sidebar_expand_issue (bulletin_window_get_sidebar (window), issue);
  WAIT_UNTIL (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR);

  rows = bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window));
  for (guint i = 0; i < g_list_model_get_n_items (rows) && position == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == (GObject *) issue)
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (
      GTK_LIST_VIEW (bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window))))), position);
  drain ();

  g_action_group_activate_action (G_ACTION_GROUP (window), "reopen-with-encoding",
                                  g_variant_new_string ("UTF-16LE"));
  WAIT_UNTIL (bulletin_issue_is_loaded (issue) && n_articles (issue) == 2);
  g_assert_cmpstr (bulletin_issue_get_encoding (issue), ==, "UTF-16LE");

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  home = bulletin_ui_test_make_home ("bulletin-ui-home-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  app = bulletin_ui_test_new_app ();

  g_test_add_func ("/bulletin/ui-corrections/correct-in-window", test_correct_in_window);
  g_test_add_func ("/bulletin/ui-corrections/reopen-unreadable", test_reopen_unreadable);
  g_test_add_func ("/bulletin/ui-corrections/backup-restore-in-window", test_backup_restore_in_window);

  status = g_test_run ();
  g_object_unref (app);
  remove_tree (home);
  return status;
}
