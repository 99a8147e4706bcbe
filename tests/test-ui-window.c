/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bulletin-accels.h"
#include "bulletin-annotations-controller.h"
#include "bulletin-application.h"
#include "bulletin-window.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

/* UI tests on the real window under Xvfb: drive it through its actions
 * and signals, iterate the main loop until what a person would see is
 * there, and read it back from the widgets. */

static BulletinApplication *app;

/* the shared helpers (bulletin-test-utils.h, bulletin-ui-test-utils.h)
 * by this file's names */
#define drain()                  bulletin_ui_test_drain (100)
#define new_window()             bulletin_ui_test_new_window (app)
#define close_window(w)          bulletin_ui_test_close_window ((w), 100)
#define library_done(w)          bulletin_ui_test_library_done (w)
#define append_labels(w, out)    bulletin_ui_test_append_labels ((w), (out))
#define row_widget_at(w, i)      bulletin_ui_test_row_widget_at ((w), (i))
#define row_text(w, i)           bulletin_ui_test_row_text ((w), (i))
#define n_rows(w)                bulletin_ui_test_n_rows (w)
#define find_row(w, needle)      bulletin_ui_test_find_row ((w), (needle))
#define dup_row_item(w, i)       bulletin_ui_test_dup_row_item ((w), (i))
#define activate_row(w, i)       bulletin_ui_test_activate_row ((w), (i))
#define write_file(d, n, c)      bulletin_ui_test_write_file ((d), (n), (c))
#define remove_tree(path)        bulletin_test_remove_tree (path)
#define find_primary_menu_button(w) bulletin_ui_test_find_primary_menu_button (w)

/* The focus inside the widget's own window.  gtk_widget_has_focus () also
 * wants the window to be the active one, which another test running on
 * the same X display may take at any moment. */
static gboolean
has_focus_in_window (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return root != NULL && gtk_root_get_focus (root) == widget;
}

/* --- what the sidebar shows ------------------------------------------------ */

static gboolean
row_expanded (BulletinWindow *window,
              guint           position)
{
  g_autoptr(GtkTreeListRow) row =
    g_list_model_get_item (bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window)), position);

  return row != NULL && gtk_tree_list_row_get_expanded (row);
}

/* The keyboard focus is on the row (its list item or the expander in it) */
static gboolean
row_has_focus (BulletinWindow *window,
               guint           position)
{
  GtkWidget *row = row_widget_at (window, position);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  if (row == NULL || focus == NULL)
    return FALSE;
  return focus == row || focus == gtk_widget_get_parent (row) || gtk_widget_is_ancestor (focus, row);
}

static int
find_article_row (BulletinWindow *window,
                  guint           from)
{
  for (guint i = from; i < n_rows (window); i++)
    {
      g_autoptr(GObject) item = dup_row_item (window, i);

      if (BULLETIN_IS_ARTICLE (item))
        return i;
    }
  return -1;
}

static char *
reader_text (BulletinWindow *window)
{
  GtkTextView *view = bulletin_reader_view_get_text_view (bulletin_window_get_reader (window));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  /* without the Han-Latin gap characters: the display text */
  return bulletin_typography_dup_text (&start, &end);
}

static gboolean
reader_shows (BulletinWindow *window,
              const char     *needle)
{
  g_autofree char *text = reader_text (window);

  return gtk_widget_get_mapped (GTK_WIDGET (bulletin_reader_view_get_text_view (bulletin_window_get_reader (window)))) &&
         strstr (text, needle) != NULL;
}

static gboolean
iter_visible (GtkTextView *view,
              guint        offset)
{
  GdkRectangle visible, location;
  GtkTextIter iter;

  bulletin_typography_get_iter_at_display (gtk_text_view_get_buffer (view), &iter, offset);
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_iter_location (view, &iter, &location);
  return location.y >= visible.y && location.y + location.height <= visible.y + visible.height;
}

/* The URIs offered under "Recent Archives" in the primary menu */
static char *
recent_in_menu (BulletinWindow *window)
{
  GtkWidget *button = find_primary_menu_button (GTK_WIDGET (bulletin_window_get_header_bar (window)));
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  GString *out = g_string_new (NULL);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (section, j, G_MENU_LINK_SUBMENU);

          for (int k = 0; submenu != NULL && k < g_menu_model_get_n_items (submenu); k++)
            {
              g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (submenu, k, G_MENU_ATTRIBUTE_TARGET,
                                                                                  G_VARIANT_TYPE_STRING);
              if (target != NULL)
                g_string_append_printf (out, "%s\n", g_variant_get_string (target, NULL));
            }
        }
    }
  return g_string_free (out, FALSE);
}

/* --- an archive written for the test ------------------------------------------ */

typedef struct {
  char *dir;
} TempArchive;

#define WINTER_HEADLINE "冬季供暖检修提前完成"
#define WINTER_BODY "今年的检修工作比往年提前了两周"
#define SPRING_HEADLINE "春季植树活动招募志愿者"
#define SPRING_BODY "活动当天将提供树苗和工具"

static char *
make_text_archive (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("bulletin-ui-XXXXXX", &error);

  g_assert_no_error (error);
  write_file (dir, "2023-11-02.txt",
              WINTER_HEADLINE "\n\n"
              "区供热办日前通报，辖区内二十三个小区的供暖管网检修已经全部完成，" WINTER_BODY "。\n\n"
              "供热办提醒居民，试供暖期间如发现暖气片漏水，请及时拨打物业电话报修。\n");
  write_file (dir, "2024-03-12.txt",
              SPRING_HEADLINE "\n\n"
              "三月十六日上午，街道将在河滨公园举办春季义务植树活动，现面向辖区居民招募志愿者六十名。" SPRING_BODY "，参加者请穿运动鞋。\n\n"
              "报名请到社区服务中心登记。\n");
  return dir;
}

/* --- tests ------------------------------------------------------------------- */

static void
test_sample_archive (void)
{
  BulletinWindow *window = new_window ();
  g_autofree char *year = NULL;
  int issue_pos, article_pos;
  g_autoptr(BulletinIssue) composite = NULL;

  /* nothing opened before: the built-in sample */
  bulletin_window_open_initial (window);
  g_assert_true (bulletin_library_is_sample (bulletin_window_get_library (window)));
  WAIT_UNTIL (library_done (window) && n_rows (window) >= 3);

  /* the year, expanded, then its two issues, newest first */
  year = row_text (window, 0);
  g_assert_true (g_str_has_prefix (year, "2024"));
  WAIT_UNTIL (find_row (window, "2024-06-03") == 1);
  WAIT_UNTIL (find_row (window, "2024-05-20") == 2);

  composite = dup_row_item (window, 2);
  g_assert_true (BULLETIN_IS_ISSUE (composite));
  bulletin_sidebar_expand_issue (bulletin_window_get_sidebar (window), composite);
  WAIT_UNTIL (bulletin_issue_is_loaded (composite) ||
              bulletin_issue_get_state (composite) == BULLETIN_ISSUE_STATE_ERROR);
  /* the built-in sample reads: a failure here is a failure */
  if (bulletin_issue_get_state (composite) == BULLETIN_ISSUE_STATE_ERROR)
    g_error ("the sample's composite issue does not read: %s",
             bulletin_issue_get_error_message (composite));

  /* its three articles, with their headlines and bylines */
  WAIT_UNTIL (find_row (window, "青溪街道长者食堂正式开张") > 2);
  WAIT_UNTIL (find_row (window, "河滨步道改造工程进入收尾阶段") > 2);
  WAIT_UNTIL (find_row (window, "区图书馆夏季读书会开始报名") > 2);
  {
    g_autofree char *text = row_text (window, find_row (window, "青溪街道长者食堂正式开张"));
    g_assert_nonnull (strstr (text, "林晓"));
  }

  /* the folder issue: issue.json gives its title, two articles */
  issue_pos = find_row (window, "2024-06-03");
  activate_row (window, issue_pos);
  WAIT_UNTIL (find_row (window, "端午节前社区开展食品安全检查") > issue_pos);
  WAIT_UNTIL (find_row (window, "老街口的修鞋攤") > issue_pos);
  {
    g_autofree char *text = row_text (window, issue_pos);
    g_assert_nonnull (strstr (text, "青溪通讯"));
  }

  article_pos = find_row (window, "端午节前社区开展食品安全检查");
  activate_row (window, article_pos);
  WAIT_UNTIL (reader_shows (window, "端午节前社区开展食品安全检查"));
  WAIT_UNTIL (reader_shows (window, "重点查看进货记录"));

  close_window (window);
}

static void
test_select_article (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  int issue_pos, article_pos;
  g_autofree char *headline_row = NULL;

  {
    g_autofree char *offered = recent_in_menu (window);
    g_assert_cmpstr (offered, ==, "");
  }
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  /* 2024 (expanded) with its issue, then 2023 */
  WAIT_UNTIL (n_rows (window) == 3);
  WAIT_UNTIL (find_row (window, "2024-03-12") == 1);
  WAIT_UNTIL (find_row (window, "2023") == 2);
  g_assert_cmpstr (adw_status_page_get_title (bulletin_window_get_status_page (window)), ==,
                   "Choose an Article");

  /* Enter on the issue expands it and lists its article */
  issue_pos = find_row (window, "2024-03-12");
  activate_row (window, issue_pos);
  WAIT_UNTIL ((article_pos = find_article_row (window, issue_pos + 1)) > issue_pos);
  WAIT_UNTIL (find_row (window, SPRING_HEADLINE) == article_pos);
  headline_row = row_text (window, article_pos);

  /* Enter on the article shows it in the reader and moves there */
  activate_row (window, article_pos);
  WAIT_UNTIL (reader_shows (window, SPRING_HEADLINE));
  g_assert_true (reader_shows (window, SPRING_BODY));
  g_assert_true (has_focus_in_window (GTK_WIDGET (bulletin_reader_view_get_text_view (bulletin_window_get_reader (window)))));
  g_assert_true (bulletin_reader_view_get_display_text (bulletin_window_get_reader (window)) != NULL);

  /* Escape's action goes back to the article's row in the list */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-sidebar", NULL));
  WAIT_UNTIL (row_has_focus (window, article_pos));

  /* next article crosses into the 2023 issue, loading it */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "next-article"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "next-article", NULL);
  WAIT_UNTIL (reader_shows (window, WINTER_HEADLINE));
  g_assert_true (reader_shows (window, WINTER_BODY));
  g_action_group_activate_action (G_ACTION_GROUP (window), "previous-article", NULL);
  WAIT_UNTIL (reader_shows (window, SPRING_HEADLINE));

  /* remembered for the next start */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *last = g_settings_get_string (settings, "last-archive");
    g_auto(GStrv) recent = g_settings_get_strv (settings, "recent-archives");
    g_autofree char *uri = g_file_get_uri (folder);

    g_autofree char *offered = recent_in_menu (window);

    g_assert_cmpstr (last, ==, uri);
    g_assert_cmpstr (recent[0], ==, uri);
    /* remembered, but not offered while it is open */
    g_assert_null (strstr (offered, uri));
  }

  /* and reopened by the next window, as on the next start */
  {
    BulletinWindow *next = bulletin_window_new (app);

    bulletin_window_open_initial (next);
    g_assert_true (g_file_equal (bulletin_library_get_location (bulletin_window_get_library (next)), folder));
    WAIT_UNTIL (library_done (next));
    gtk_window_destroy (GTK_WINDOW (next));
  }

  close_window (window);
  remove_tree (dir);
}

static void
test_error_row (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autofree char *bad_path = g_build_filename (dir, "2024-02-01.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  BulletinWindow *window = new_window ();
  GtkWidget *row;
  int pos;

  write_file (dir, "2024-02-01.json", "{ \"headlines\": [ { \"value\": \"坏");

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((pos = find_row (window, "2024-02-01")) > 0);

  /* the unreadable issue is listed, with a warning icon whose tooltip
   * names the file; the good ones still open */
  {
    g_autoptr(BulletinIssue) issue = dup_row_item (window, pos);

    if (bulletin_issue_get_state (issue) != BULLETIN_ISSUE_STATE_ERROR)
      bulletin_sidebar_expand_issue (bulletin_window_get_sidebar (window), issue);
    WAIT_UNTIL (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR);
  }
  drain ();
  row = row_widget_at (window, pos);
  g_assert_nonnull (row);
  g_assert_nonnull (gtk_widget_get_tooltip_text (row));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "2024-02-01.json"));
  {
    gboolean icon_shown = FALSE;

    for (GtkWidget *w = gtk_widget_get_first_child (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (row)));
         w != NULL; w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_IMAGE (w) && gtk_widget_get_visible (w))
        icon_shown = g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (w)), "dialog-warning-symbolic") == 0;
    g_assert_true (icon_shown);
  }
  activate_row (window, find_row (window, "2024-03-12"));
  WAIT_UNTIL (find_row (window, SPRING_HEADLINE) > 0);

  /* the same file opened on its own: one error row, and a message */
  bulletin_window_open (window, bad);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (n_rows (window) == 2);
  {
    g_autoptr(BulletinIssue) issue = dup_row_item (window, 1);
    g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
  }
  drain ();
  row = row_widget_at (window, 1);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "2024-02-01.json"));

  close_window (window);
  remove_tree (dir);
}

static void
test_keyboard_tree (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  GtkWidget *sidebar = GTK_WIDGET (bulletin_window_get_sidebar (window));
  int issue_pos;

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((issue_pos = find_row (window, "2024-03-12")) == 1);

  /* Escape's action puts the focus on the list; Left, Right and Enter are
   * bound to these actions (bulletin-accels.c) */
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-sidebar", NULL);
  WAIT_UNTIL (row_has_focus (window, 0));
  /* Left on an expanded year collapses it, Right expands it again */
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.collapse", NULL));
  WAIT_UNTIL (n_rows (window) == 2);
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.expand", NULL));
  WAIT_UNTIL (n_rows (window) == 3);
  /* Right on an expanded row goes to its first child */
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.expand", NULL));
  WAIT_UNTIL (row_has_focus (window, issue_pos));
  /* Right on the issue expands (loads) it, Right again enters it */
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.expand", NULL));
  WAIT_UNTIL (find_row (window, SPRING_HEADLINE) == issue_pos + 1);
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.expand", NULL));
  WAIT_UNTIL (row_has_focus (window, issue_pos + 1));
  /* Enter opens the article in the reader */
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.activate", NULL));
  WAIT_UNTIL (reader_shows (window, SPRING_BODY));
  /* back in the list, Left goes to the parent issue, Left again collapses it */
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-sidebar", NULL);
  WAIT_UNTIL (row_has_focus (window, issue_pos + 1));
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.collapse", NULL));
  WAIT_UNTIL (row_has_focus (window, issue_pos));
  g_assert_true (gtk_widget_activate_action (sidebar, "sidebar.collapse", NULL));
  WAIT_UNTIL (find_row (window, SPRING_HEADLINE) < 0);

  close_window (window);
  remove_tree (dir);
}

static void
test_open_states (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_dir_make_tmp ("bulletin-ui-empty-XXXXXX", &error);
  g_autofree char *missing_path = g_build_filename (empty, "no-such-archive", NULL);
  g_autoptr(GFile) empty_dir = g_file_new_for_path (empty);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  BulletinWindow *window = new_window ();
  AdwStatusPage *status = bulletin_window_get_status_page (window);
  g_autofree char *basename = g_path_get_basename (empty);

  g_assert_no_error (error);

  /* the window says it is opening before the scan is done */
  bulletin_window_open (window, empty_dir);
  g_assert_true (bulletin_library_get_loading (bulletin_window_get_library (window)));
  g_assert_true (g_str_has_prefix (adw_status_page_get_title (status), "Opening"));
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (g_str_has_prefix (adw_status_page_get_title (status), "No Issues in"));
  g_assert_nonnull (strstr (adw_status_page_get_title (status), basename));

  bulletin_window_open (window, missing);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (g_str_has_prefix (adw_status_page_get_title (status), "Could Not Open"));
  g_assert_nonnull (strstr (adw_status_page_get_title (status), "no-such-archive"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));

  /* a folder dropped on the window opens */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
    GtkDropTarget *drop = NULL;
    GValue value = G_VALUE_INIT;
    GSList *files = g_slist_prepend (NULL, empty_dir);
    gboolean accepted = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
        if (GTK_IS_DROP_TARGET (controller))
          drop = GTK_DROP_TARGET (controller);
      }
    g_assert_nonnull (drop);
    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_set_boxed (&value, files);
    g_signal_emit_by_name (drop, "drop", &value, 10.0, 10.0, &accepted);
    g_value_unset (&value);
    g_slist_free (files);
    g_assert_true (accepted);
    g_assert_true (g_file_equal (bulletin_library_get_location (bulletin_window_get_library (window)), empty_dir));
    WAIT_UNTIL (library_done (window));
    WAIT_UNTIL (g_str_has_prefix (adw_status_page_get_title (status), "No Issues in"));
  }

  /* a scan stopped at once: no error, nothing loading */
  bulletin_window_open (window, empty_dir);
  bulletin_window_cancel_scan (window);
  WAIT_UNTIL (library_done (window));
  g_assert_false (g_str_has_prefix (adw_status_page_get_title (status), "Could Not Open"));

  close_window (window);
  remove_tree (empty);
}

static void
test_toggle_sidebar (void)
{
  BulletinWindow *window = new_window ();
  GtkWidget *sidebar = GTK_WIDGET (bulletin_window_get_sidebar (window));
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.toggle-sidebar");

  g_assert_cmpstr (accels[0], ==, "F9");
  g_assert_true (gtk_widget_get_mapped (sidebar));

  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-sidebar", NULL);
  WAIT_UNTIL (!gtk_widget_get_mapped (sidebar));
  g_assert_false (g_settings_get_boolean (settings, "sidebar-visible"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-sidebar", NULL);
  WAIT_UNTIL (gtk_widget_get_mapped (sidebar));
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));

  close_window (window);
}

/* F9 as the window opens, before its first layout: the sidebar slides
 * away as at any other time (AdwFlap of libadwaita 1.2 divided 0 by 0
 * there, and gave the reader a width of G_MININT while it slid). */
static gboolean
check_reveal_progress (GtkWidget     *split,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  guint *frames = user_data;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (split), "reveal-progress");
  double progress = 0;

  if (pspec != NULL)
    g_object_get (split, "reveal-progress", &progress, NULL);
  g_assert_false (isnan (progress));
  g_assert_cmpfloat (progress, >=, -0.5);
  g_assert_cmpfloat (progress, <=, 1.5);
  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static void
test_toggle_sidebar_at_once (void)
{
  BulletinWindow *window;
  GtkWidget *sidebar, *split;
  guint frames = 0, tick;

  bulletin_ui_test_reset_settings ();
  window = bulletin_window_new (app);
  sidebar = GTK_WIDGET (bulletin_window_get_sidebar (window));
  gtk_window_present (GTK_WINDOW (window));
  /* the sidebar's column, in the split view */
  split = gtk_widget_get_parent (sidebar);
  while (split != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (split), "reveal-progress") == NULL &&
         g_object_class_find_property (G_OBJECT_GET_CLASS (split), "show-sidebar") == NULL)
    split = gtk_widget_get_parent (split);
  g_assert_nonnull (split);
  tick = gtk_widget_add_tick_callback (split, check_reveal_progress, &frames, NULL);

  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-sidebar", NULL);
  WAIT_UNTIL (!gtk_widget_get_mapped (sidebar));
  g_assert_false (bulletin_window_get_sidebar_visible (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-sidebar", NULL);
  WAIT_UNTIL (gtk_widget_get_mapped (sidebar) && frames > 10);
  g_assert_true (bulletin_window_get_sidebar_visible (window));
  drain ();

  gtk_widget_remove_tick_callback (split, tick);
  close_window (window);
}

static void
test_window_state (void)
{
  BulletinWindow *window = new_window ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  int width, height;

  /* the size is kept when the window closes, and the next one takes it */
  gtk_window_set_default_size (GTK_WINDOW (window), 1010, 690);
  drain ();
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  drain ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1010);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 690);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_object_unref (window);

  window = bulletin_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1010);
  g_assert_cmpint (height, ==, 690);
  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
}

/* An issue of a newer year added while the archive is open is listed, in
 * its year, which opens by itself (the newest year does, whichever year
 * came first). */
static void
test_new_year_arrives (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-ui-XXXXXX", &error);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window;

  g_assert_no_error (error);
  write_file (dir, "2023-11-02.txt", "旧的一期\n\n供暖管网检修已经全部完成。\n");
  window = new_window ();
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (find_row (window, "2023-11-02") > 0);

  write_file (dir, "2025-01-05.txt", "新的一期\n\n河滨公园举办春季义务植树活动。\n");
  WAIT_UNTIL (find_row (window, "2025-01-05") == 1);
  /* and the year opened before closes again, as when the scan finds both
   * at once (in whichever order it finds them) */
  WAIT_UNTIL (n_rows (window) == 3);
  g_assert_cmpint (find_row (window, "2023"), ==, 2);
  g_assert_false (row_expanded (window, 2));

  /* a year the person opened stays open; the one opened by itself closes */
  activate_row (window, 2);
  WAIT_UNTIL (find_row (window, "2023-11-02") == 3);
  write_file (dir, "2026-02-01.txt", "又一期\n\n区图书馆夏季读书会开始报名。\n");
  WAIT_UNTIL (find_row (window, "2026-02-01") == 1);
  WAIT_UNTIL (n_rows (window) == 5);
  g_assert_cmpint (find_row (window, "2025"), ==, 2);
  g_assert_false (row_expanded (window, 2));
  g_assert_true (row_expanded (window, 3));
  g_assert_cmpint (find_row (window, "2023-11-02"), ==, 4);

  close_window (window);
  remove_tree (dir);
}

/* The reader's article whose file changed, was removed or emptied: a bar
 * says so and offers to reload. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      strstr (gtk_button_get_label (GTK_BUTTON (widget)), label) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
stale_bar_shown (BulletinWindow *window)
{
  BulletinReaderView *reader = bulletin_window_get_reader (window);
  GtkWidget *button = find_button (GTK_WIDGET (reader), "Reload");
  g_autoptr(GString) labels = g_string_new (NULL);

  if (!bulletin_reader_view_get_stale (reader) || button == NULL || !gtk_widget_get_mapped (button))
    return FALSE;
  append_labels (GTK_WIDGET (reader), labels);
  return strstr (labels->str, "changed or is gone") != NULL;
}

static void
click_reload (BulletinWindow *window)
{
  GtkWidget *button = find_button (GTK_WIDGET (bulletin_window_get_reader (window)), "Reload");

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

#define CHANGED_BODY "活动改在下周六举行"

static void
test_article_file_changed (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autofree char *spring = g_build_filename (dir, "2024-03-12.txt", NULL);
  g_autofree char *winter = g_build_filename (dir, "2023-11-02.txt", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  BulletinReaderView *reader = bulletin_window_get_reader (window);
  BulletinArchive *archive;
  BulletinIssue *issue;
  g_autoptr(BulletinArticle) article = NULL;
  int issue_pos, article_pos;

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((issue_pos = find_row (window, "2024-03-12")) > 0);
  activate_row (window, issue_pos);
  WAIT_UNTIL ((article_pos = find_article_row (window, issue_pos + 1)) > issue_pos);
  activate_row (window, article_pos);
  WAIT_UNTIL (reader_shows (window, SPRING_BODY));
  drain ();
  g_assert_false (stale_bar_shown (window));
  g_assert_false (bulletin_reader_view_get_stale (reader));

  /* changed: the bar comes, the old text stays until Reload */
  write_file (dir, "2024-03-12.txt", SPRING_HEADLINE "\n\n" CHANGED_BODY "，请互相转告。\n");
  WAIT_UNTIL (stale_bar_shown (window));
  g_assert_true (reader_shows (window, SPRING_BODY));
  click_reload (window);
  WAIT_UNTIL (reader_shows (window, CHANGED_BODY));
  WAIT_UNTIL (!bulletin_reader_view_get_stale (reader));

  /* removed: Reload says it is gone and shows nothing */
  g_assert_cmpint (g_unlink (spring), ==, 0);
  WAIT_UNTIL (stale_bar_shown (window));
  click_reload (window);
  WAIT_UNTIL (bulletin_reader_view_get_article (reader) == NULL);
  g_assert_false (bulletin_reader_view_get_stale (reader));

  /* emptied: the same */
  archive = bulletin_library_get_archive (bulletin_window_get_library (window));
  issue = bulletin_archive_find_issue (archive, "2023-11-02.txt");
  g_assert_nonnull (issue);
  g_assert_true (bulletin_issue_load (issue, NULL, NULL));
  article = g_list_model_get_item (bulletin_issue_get_articles (issue), 0);
  bulletin_window_show_article (window, issue, article);
  WAIT_UNTIL (reader_shows (window, WINTER_BODY));
  g_assert_false (bulletin_reader_view_get_stale (reader));
  write_file (dir, "2023-11-02.txt", "");
  WAIT_UNTIL (stale_bar_shown (window));
  click_reload (window);
  WAIT_UNTIL (bulletin_reader_view_get_article (reader) == NULL);
  g_assert_false (bulletin_reader_view_get_stale (reader));
  g_unlink (winter);

  close_window (window);
  remove_tree (dir);
}

static void
test_panes_and_paging (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GString) long_text = g_string_new ("长文测试标题\n\n");
  BulletinWindow *window;
  BulletinReaderView *reader;
  GtkWidget *view;
  GtkAdjustment *adj;
  int pos;

  /* one long article: more than the reader puts in the buffer at once */
  for (guint i = 0; i < 400; i++)
    g_string_append_printf (long_text, "第%u段。这是一段用来测试翻页和分块插入的正文，内容本身并不重要，"
                            "重要的是它足够长，能让阅读区出现滚动条。\n\n", i + 1);
  g_string_append (long_text, "全文完毕\n");
  write_file (dir, "2024-04-01.txt", long_text->str);

  window = new_window ();
  reader = bulletin_window_get_reader (window);
  view = GTK_WIDGET (bulletin_reader_view_get_text_view (reader));
  adj = gtk_scrolled_window_get_vadjustment (bulletin_reader_view_get_scrolled_window (reader));

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((pos = find_row (window, "2024-04-01")) > 0);
  activate_row (window, pos);
  WAIT_UNTIL (find_row (window, "长文测试标题") > pos);
  activate_row (window, find_row (window, "长文测试标题"));

  /* the long article arrives in pieces, and all of it arrives */
  g_assert_cmpuint (bulletin_display_text_get_length (bulletin_reader_view_get_display_text (reader)), >, 20000);
  g_assert_false (bulletin_reader_view_is_complete (reader));
  WAIT_UNTIL (reader_shows (window, "长文测试标题"));
  WAIT_UNTIL (bulletin_reader_view_is_complete (reader));
  g_assert_true (reader_shows (window, "全文完毕"));
  {
    g_autofree char *text = reader_text (window);
    BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader);

    g_assert_cmpstr (text, ==, bulletin_display_text_get_text (display, NULL));
  }

  /* Space / Page Down pages the reader */
  WAIT_UNTIL (gtk_adjustment_get_upper (adj) > 2 * gtk_adjustment_get_page_size (adj));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  g_assert_true (gtk_widget_activate_action (view, "reader.page-down", NULL));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, gtk_adjustment_get_page_size (adj) * 0.5);
  g_assert_true (gtk_widget_activate_action (view, "reader.page-up", NULL));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);

  /* F6 goes sidebar -> reader -> sidebar */
  g_assert_true (has_focus_in_window (view));
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-next-pane", NULL);
  WAIT_UNTIL (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                      GTK_WIDGET (bulletin_window_get_sidebar (window))));
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-next-pane", NULL);
  WAIT_UNTIL (has_focus_in_window (view));
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-previous-pane", NULL);
  WAIT_UNTIL (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                      GTK_WIDGET (bulletin_window_get_sidebar (window))));

  /* a display range can be selected and scrolled to */
  {
    g_autofree char *text = reader_text (window);
    const char *end = strstr (text, "全文完毕");
    guint start = g_utf8_pointer_to_offset (text, end);
    GtkTextIter s, e;

    bulletin_reader_view_select_range (reader, start, start + 4);
    gtk_text_buffer_get_selection_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &s, &e);
    g_assert_cmpint (bulletin_typography_get_display_offset (&s), ==, start);
    g_assert_cmpint (bulletin_typography_get_display_offset (&e), ==, start + 4);
    WAIT_UNTIL (iter_visible (GTK_TEXT_VIEW (view), start));
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
  }

  close_window (window);
  remove_tree (dir);
}

static void
test_accels_table (void)
{
  BulletinWindow *window = new_window ();
  guint n;
  const BulletinAccel *accels = bulletin_accels_get (&n);

  g_assert_cmpuint (n, >, 10);
  for (guint i = 0; i < n; i++)
    {
      g_assert_nonnull (accels[i].title);
      g_assert_nonnull (accels[i].accels[0]);
      if (accels[i].scope == BULLETIN_ACCEL_APP)
        {
          g_auto(GStrv) installed = gtk_application_get_accels_for_action (GTK_APPLICATION (app), accels[i].action);

          for (guint j = 0; accels[i].accels[j] != NULL; j++)
            {
              guint key_a, key_b;
              GdkModifierType mods_a, mods_b;

              g_assert_nonnull (installed[j]);
              g_assert_true (gtk_accelerator_parse (installed[j], &key_a, &mods_a));
              g_assert_true (gtk_accelerator_parse (accels[i].accels[j], &key_b, &mods_b));
              g_assert_cmpuint (key_a, ==, key_b);
              g_assert_cmpuint (mods_a, ==, mods_b);
            }
        }
      /* every window action of the table exists */
      if (g_str_has_prefix (accels[i].action, "win."))
        g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), accels[i].action + 4));
    }

  close_window (window);
}

/* A closed window goes away with everything it made: nothing long-lived
 * (the application, settings, the notes store, a file monitor, a pending
 * task or source) keeps the window, its reader or its notes controller. */
static void
test_closed_window_finalized (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  gpointer weak_window = window;
  gpointer weak_reader = bulletin_window_get_reader (window);
  gpointer weak_controller = bulletin_annotations_controller_get_for_window (window);
  int issue_pos, article_pos;

  g_assert_nonnull (weak_controller);
  g_object_add_weak_pointer (G_OBJECT (weak_window), &weak_window);
  g_object_add_weak_pointer (G_OBJECT (weak_reader), &weak_reader);
  g_object_add_weak_pointer (G_OBJECT (weak_controller), &weak_controller);

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (find_row (window, "2024-03-12") == 1);
  issue_pos = find_row (window, "2024-03-12");
  activate_row (window, issue_pos);
  WAIT_UNTIL ((article_pos = find_article_row (window, issue_pos + 1)) > issue_pos);
  activate_row (window, article_pos);
  WAIT_UNTIL (reader_shows (window, SPRING_HEADLINE));

  /* as a person closes it */
  gtk_window_close (GTK_WINDOW (window));
  window = NULL;
  WAIT_UNTIL (weak_window == NULL && weak_reader == NULL && weak_controller == NULL);

  remove_tree (dir);
}

/* Opening another archive lets the previous one go: its library, its
 * archive (and their issues, articles and file monitors). */
static void
test_previous_archive_finalized (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autofree char *other_dir = make_text_archive ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) other = g_file_new_for_path (other_dir);
  BulletinWindow *window = new_window ();
  gpointer weak_library, weak_archive, weak_issue, weak_article;
  int issue_pos, article_pos;

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (find_row (window, "2024-03-12") == 1);
  issue_pos = find_row (window, "2024-03-12");
  activate_row (window, issue_pos);
  WAIT_UNTIL ((article_pos = find_article_row (window, issue_pos + 1)) > issue_pos);
  activate_row (window, article_pos);
  WAIT_UNTIL (reader_shows (window, SPRING_HEADLINE));

  weak_library = bulletin_window_get_library (window);
  weak_archive = bulletin_library_get_archive (weak_library);
  g_object_add_weak_pointer (G_OBJECT (weak_library), &weak_library);
  g_object_add_weak_pointer (G_OBJECT (weak_archive), &weak_archive);
  weak_article = bulletin_reader_view_get_article (bulletin_window_get_reader (window));
  g_object_add_weak_pointer (G_OBJECT (weak_article), &weak_article);
  {
    g_autoptr(GObject) issue = dup_row_item (window, issue_pos);

    weak_issue = issue;
    g_object_add_weak_pointer (issue, &weak_issue);
  }

  bulletin_window_open (window, other);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (find_row (window, "2024-03-12") == 1);
  drain ();
  WAIT_UNTIL (weak_library == NULL && weak_archive == NULL && weak_issue == NULL && weak_article == NULL);

  close_window (window);
  remove_tree (dir);
  remove_tree (other_dir);
}

/* Opening an archive from Recent Archives leaves no popover behind: the
 * menu that was shown is either the one the button still has or gone. */
static void
test_recent_menu_not_kept (void)
{
  g_autofree char *dir = make_text_archive ();
  g_autofree char *other_dir = make_text_archive ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) other = g_file_new_for_path (other_dir);
  g_autofree char *uri = g_file_get_uri (folder);
  BulletinWindow *window = new_window ();
  GtkMenuButton *button;
  gpointer shown;

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  bulletin_window_open (window, other);
  WAIT_UNTIL (library_done (window));
  button = GTK_MENU_BUTTON (find_primary_menu_button (GTK_WIDGET (bulletin_window_get_header_bar (window))));
  shown = gtk_menu_button_get_popover (button);
  g_object_add_weak_pointer (G_OBJECT (shown), &shown);

  gtk_menu_button_popup (button);
  drain ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (gtk_menu_button_get_popover (button)), "win.open-uri", "s", uri));
  gtk_menu_button_popdown (button);
  WAIT_UNTIL (library_done (window));
  drain ();
  g_assert_true (shown == NULL || shown == (gpointer) gtk_menu_button_get_popover (button));
  /* and it still offers the other archive, with its row */
  {
    g_autofree char *offered = recent_in_menu (window);
    g_autofree char *other_uri = g_file_get_uri (other);

    g_assert_nonnull (strstr (offered, other_uri));
    g_assert_null (strstr (offered, uri));
  }

  if (shown != NULL)
    g_object_remove_weak_pointer (G_OBJECT (shown), &shown);
  close_window (window);
  remove_tree (dir);
  remove_tree (other_dir);
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

  g_test_add_func ("/bulletin/ui-window/sample-archive", test_sample_archive);
  g_test_add_func ("/bulletin/ui-window/select-article", test_select_article);
  g_test_add_func ("/bulletin/ui-window/error-row", test_error_row);
  g_test_add_func ("/bulletin/ui-window/keyboard-tree", test_keyboard_tree);
  g_test_add_func ("/bulletin/ui-window/open-states", test_open_states);
  g_test_add_func ("/bulletin/ui-window/toggle-sidebar", test_toggle_sidebar);
  g_test_add_func ("/bulletin/ui-window/toggle-sidebar-at-once", test_toggle_sidebar_at_once);
  g_test_add_func ("/bulletin/ui-window/window-state", test_window_state);
  g_test_add_func ("/bulletin/ui-window/panes-and-paging", test_panes_and_paging);
  g_test_add_func ("/bulletin/ui-window/new-year-arrives", test_new_year_arrives);
  g_test_add_func ("/bulletin/ui-window/article-file-changed", test_article_file_changed);
  g_test_add_func ("/bulletin/ui-window/accels-table", test_accels_table);
  g_test_add_func ("/bulletin/ui-window/closed-window-finalized", test_closed_window_finalized);
  g_test_add_func ("/bulletin/ui-window/previous-archive-finalized", test_previous_archive_finalized);
  g_test_add_func ("/bulletin/ui-window/recent-menu-not-kept", test_recent_menu_not_kept);

  status = g_test_run ();
  g_object_unref (app);
  remove_tree (home);
  return status;
}
