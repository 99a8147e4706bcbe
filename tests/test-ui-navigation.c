/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include <gtk/gtk.h>

#include "bulletin-application.h"
#include "bulletin-window.h"
#include "bulletin-window-navigation.h"
#include "bulletin-search-result-row.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"
#include "bulletin-typography.h"

/* Navigation in the window (issue 15): a year of many issues grouped by
 * month, the issue line over the reader, the article's page and section
 * in its row, Go to Date, type-ahead in the list, Open Containing
 * Folder.  UI tests on the real window under Xvfb, as test-ui-window. */

static BulletinApplication *app;

/* WAIT_UNTIL () is bulletin-ui-test-utils.h's */

static void
drain (void)
{
  gint64 until = g_get_monotonic_time () + 100 * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static BulletinWindow *
new_window (void)
{
  BulletinWindow *window;

  reset_settings ();
  window = bulletin_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  return window;
}

static void
close_window (BulletinWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
}

static gboolean
library_done (BulletinWindow *window)
{
  BulletinLibrary *library = bulletin_window_get_library (window);
  return library != NULL && !bulletin_library_get_loading (library);
}

/* --- what the sidebar shows ------------------------------------------------ */

static void
append_labels (GtkWidget *widget,
               GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    append_labels (child, out);
}

static GtkWidget *
row_widget_at (BulletinWindow *window,
               guint           position)
{
  GtkWidget *list = bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window));

  for (GtkWidget *child = gtk_widget_get_first_child (list); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *expander = gtk_widget_get_first_child (child);
      GtkTreeListRow *row;

      if (!GTK_IS_TREE_EXPANDER (expander) || !gtk_widget_get_child_visible (child))
        continue;
      row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander));
      if (row != NULL && gtk_tree_list_row_get_position (row) == position)
        return expander;
    }
  return NULL;
}

static char *
row_text (BulletinWindow *window,
          guint           position)
{
  GtkWidget *row = row_widget_at (window, position);
  GString *out = g_string_new (NULL);

  if (row != NULL)
    append_labels (row, out);
  return g_string_free (out, FALSE);
}

static guint
n_rows (BulletinWindow *window)
{
  return g_list_model_get_n_items (bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window)));
}

static GtkTreeListRow *
dup_row (BulletinWindow *window,
         guint           position)
{
  return g_list_model_get_item (bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window)), position);
}

static gpointer
dup_row_item (BulletinWindow *window,
              guint           position)
{
  g_autoptr(GtkTreeListRow) row = dup_row (window, position);
  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

/* The position of the first row of @depth whose text contains @needle
 * (the row's labels; -1 when none) */
static int
find_row (BulletinWindow *window,
          const char     *needle)
{
  for (guint i = 0; i < n_rows (window); i++)
    {
      g_autofree char *text = row_text (window, i);

      if (strstr (text, needle) != NULL)
        return i;
    }
  return -1;
}

/* The position of the row that holds @item, or -1 */
static int
find_item_row (BulletinWindow *window,
               gpointer        item)
{
  for (guint i = 0; i < n_rows (window); i++)
    {
      g_autoptr(GObject) it = dup_row_item (window, i);

      if (it == item)
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

  return strstr (text, needle) != NULL;
}

/* --- archives written for the test ---------------------------------------------- */

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("bulletin-nav-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* An issue of a daily: its masthead with the date and number, one article
 * on page 1, one under a page header of page 2 */
static void
write_issue (const char *dir,
             guint       year,
             guint       month,
             guint       day,
             guint       number)
{
  g_autofree char *name = g_strdup_printf ("%04u-%02u-%02u.txt", year, month, day);
  g_autofree char *text =
    g_strdup_printf ("城南日报\n%u年%u月%u日 第%u期\n\n"
                     "编号%u的头条新闻\n\n● 记者 王强\n\n"
                     "本报讯 这是%u月%u日的头条新闻，城南各镇抓住农时开展春耕。\n\n"
                     "第2版 社会\n\n"
                     "编号%u的社会新闻\n\n● 记者 赵一鸣\n\n"
                     "本报讯 停业三个月的城南夜市昨晚重新开放，摊位全部恢复营业。\n",
                     year, month, day, number, number, month, day, number);

  write_file (dir, name, text);
}

/* --- tests ------------------------------------------------------------------- */

/* The reader says which issue the article belongs to: the paper, the
 * date and number, the page and section; the article's row says its
 * page and section before its byline. */
static void
test_issue_line (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  BulletinReaderView *reader = bulletin_window_get_reader (window);
  g_autoptr(BulletinIssue) issue = NULL;
  int pos;

  write_issue (dir, 2024, 3, 5, 123);
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((pos = find_row (window, "2024-03-05")) > 0);
  issue = dup_row_item (window, pos);
  g_assert_true (BULLETIN_IS_ISSUE (issue));

  bulletin_window_show_article (window, issue, NULL);
  WAIT_UNTIL (reader_shows (window, "编号123的头条新闻"));
  g_assert_cmpstr (bulletin_reader_view_get_issue_line (reader), ==,
                   "城南日报 · 2024-03-05 · No. 123");

  /* the second article: page 2, Society */
  WAIT_UNTIL (find_row (window, "编号123的社会新闻") > pos);
  {
    g_autofree char *text = row_text (window, find_row (window, "编号123的社会新闻"));
    g_assert_cmpstr (text, ==, "编号123的社会新闻\nPage 2 · 社会 · 记者 赵一鸣");
  }
  g_assert_true (bulletin_sidebar_move_article (bulletin_window_get_sidebar (window), 1));
  WAIT_UNTIL (reader_shows (window, "编号123的社会新闻"));
  g_assert_cmpstr (bulletin_reader_view_get_issue_line (reader), ==,
                   "城南日报 · 2024-03-05 · No. 123 · Page 2 · 社会");
  /* the page header is no part of the article's text */
  g_assert_false (reader_shows (window, "第2版"));

  /* no article, no line */
  bulletin_window_show_article (window, issue, NULL);
  WAIT_UNTIL (reader_shows (window, "编号123的头条新闻"));
  bulletin_reader_view_set_article (reader, NULL);
  g_assert_cmpstr (bulletin_reader_view_get_issue_line (reader), ==, "");

  close_window (window);
  remove_tree (dir);
}

/* The first label in @widget whose text contains @needle */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child, needle);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* The width of the character at @needle in @label's layout over the width
 * of the character after it */
static double
width_over_next (GtkLabel   *label,
                 const char *needle)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  const char *text = pango_layout_get_text (layout);
  const char *at = strstr (text, needle);
  PangoRectangle mark, next;

  g_assert_nonnull (at);
  pango_layout_index_to_pos (layout, at - text, &mark);
  pango_layout_index_to_pos (layout, g_utf8_next_char (at) - text, &next);
  g_assert_cmpint (next.width, >, 0);
  return (double)ABS (mark.width) / ABS (next.width);
}

/* Chinese quotation marks in the sidebar's rows and in search results are
 * full-width, as in the reader, not the UI font's narrow Latin ones
 * (issue 11). */
static void
test_row_quotes (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  g_autoptr(BulletinIssue) issue = NULL;
  BulletinSearchResult result = { 0 };
  GtkWidget *row;
  GtkLabel *label;
  int pos;

  write_file (dir, "2024-03-06.txt",
              "城南日报\n2024年3月6日 第124期\n\n"
              "“疫”后重开的城南夜市\n\n● 记者 王强\n\n"
              "本报讯 停业三个月的城南夜市昨晚重新开放，摊位全部恢复营业。\n");
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((pos = find_row (window, "2024-03-06")) > 0);
  issue = dup_row_item (window, pos);
  bulletin_window_show_article (window, issue, NULL);
  WAIT_UNTIL ((pos = find_row (window, "后重开的城南夜市")) > 0);
  drain ();

  label = find_label (row_widget_at (window, pos), "后重开的城南夜市");
  g_assert_nonnull (label);
  /* “ before 疫 and ” after it: each as wide as a Han character; the UI
   * font's own are about 0.4 em */
  g_assert_cmpfloat (width_over_next (label, "“"), >=, 0.9);
  g_assert_cmpfloat (width_over_next (label, "”"), >=, 0.9);
  g_assert_cmpfloat (width_over_next (label, "”"), <=, 1.1);
  bulletin_ui_test_save_screenshot (GTK_WIDGET (window), "sidebar-row-quotes.png");

  /* an archive search result: the headline and the snippet */
  result.headline = (char *)"“疫”后重开的城南夜市";
  result.snippet = (char *)"城南夜市“疫”后重开";
  result.snippet_hit_start = 0;
  result.snippet_hit_end = 2;
  result.n_hits = 1;
  row = g_object_ref_sink (bulletin_search_result_row_new (&result, FALSE));
  g_assert_cmpfloat (width_over_next (find_label (row, "后重开的城南夜市"), "“"), >=, 0.9);
  g_assert_cmpfloat (width_over_next (find_label (row, "城南夜市“"), "“"), >=, 0.9);
  g_object_unref (row);

  close_window (window);
  remove_tree (dir);
}

/* The bounds of @widget in @window's coordinates */
static graphene_rect_t
bounds_in (GtkWidget      *widget,
           BulletinWindow *window)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  return bounds;
}

/* The issue line over the text has room: its whole ink (the low line of
 * "000_1b" too) within its own allocation, above the scrolled text and
 * apart from it, at 360 px and at 1200 px (issue 11). */
static void
check_issue_line_room (BulletinWindow *window,
                       const char     *screenshot)
{
  BulletinReaderView *reader = bulletin_window_get_reader (window);
  GtkTextView *view = bulletin_reader_view_get_text_view (reader);
  GtkWidget *scrolled = GTK_WIDGET (bulletin_reader_view_get_scrolled_window (reader));
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GtkLabel *label = find_label (GTK_WIDGET (reader), "000_1b");
  PangoRectangle ink, logical;
  graphene_rect_t line, text;
  int natural;

  g_assert_nonnull (label);
  /* scrolled half a line into the text */
  WAIT_UNTIL (gtk_adjustment_get_upper (vadj) > gtk_adjustment_get_page_size (vadj) + 100);
  gtk_adjustment_set_value (vadj, 40);
  drain ();

  gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (GTK_WIDGET (label)),
                      NULL, &natural, NULL, NULL);
  /* (the measure has the margins, the allocation not) */
  bulletin_ui_test_save_screenshot (GTK_WIDGET (window), screenshot);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (label)) + gtk_widget_get_margin_top (GTK_WIDGET (label)) +
                   gtk_widget_get_margin_bottom (GTK_WIDGET (label)), >=, natural);

  line = bounds_in (GTK_WIDGET (label), window);
  text = bounds_in (scrolled, window);
  pango_layout_get_pixel_extents (gtk_label_get_layout (label), &ink, &logical);
  /* the ink's bottom (the low line), from the label's top: the label is
   * as high as its layout's logical extents */
  g_assert_cmpfloat (line.origin.y + MAX (ink.y + ink.height, logical.height), <=, text.origin.y - 2);
  g_assert_cmpfloat (line.origin.y + line.size.height, <=, text.origin.y);
}

/* @folder's issue in a new window of @width × @height (a default size
 * applies only before the window maps), in light then dark */
static void
check_issue_line_at (GFile      *folder,
                     int         width,
                     int         height,
                     const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(BulletinIssue) issue = NULL;
  g_autofree char *light = g_strdup_printf ("issue-line-%s-light.png", name);
  g_autofree char *dark = g_strdup_printf ("issue-line-%s-dark.png", name);
  BulletinWindow *window;
  int pos;

  reset_settings ();
  window = bulletin_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((pos = find_row (window, "2024-03-07")) > 0);
  issue = dup_row_item (window, pos);
  bulletin_window_show_article (window, issue, NULL);
  WAIT_UNTIL (reader_shows (window, "夜市重新开放"));
  WAIT_UNTIL (g_str_has_prefix (bulletin_reader_view_get_issue_line (bulletin_window_get_reader (window)), "000_1b"));
  /* the default size has the client-side decorations' margins; a window
   * narrower than the sidebar beside the reader goes there by a resize */
  if (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - width) > 16)
    {
      /* again while the window has not taken it: one sent while GTK
       * still settles the window's first size can be overridden */
      for (guint tries = 0; tries < 20 && gtk_widget_get_width (GTK_WIDGET (window)) != width; tries++)
        {
          if (!bulletin_ui_test_resize_window (GTK_WINDOW (window), width, height))
            {
              g_test_message ("resizes windows only on X11");
              close_window (window);
              return;
            }
          drain ();
          drain ();
        }
      WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) == width);
      drain ();
    }

  check_issue_line_room (window, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  check_issue_line_room (window, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  close_window (window);
}

static void
test_issue_line_room (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GString) text = g_string_new (
    "{\"uri\":\"urn:test:issue:125\",\"type\":\"composite\","
    "\"headlines\":[{\"value\":\"000_1b_jq 社区通讯\"}],"
    "\"versionCreated\":\"2024-03-07T09:00:00+08:00\",\"associations\":[{\"type\":\"text\","
    "\"uri\":\"urn:test:125:1\",\"headlines\":[{\"role\":\"main\",\"value\":\"夜市重新开放\"}],"
    "\"bodies\":[{\"contentType\":\"text/plain\",\"value\":\"");

  /* a ninjs issue: its title keeps the low lines a text file's would not */
  for (guint i = 0; i < 40; i++)
    g_string_append (text, "停业三个月的城南夜市昨晚重新开放，摊位全部恢复营业，"
                           "市民们纷纷前来品尝小吃、购买日用品。\\n\\n");
  g_string_append (text, "\"}]}]}");
  write_file (dir, "2024-03-07.json", text->str);

  check_issue_line_at (folder, 1200, 700, "wide");
  check_issue_line_at (folder, 360, 640, "narrow");
  remove_tree (dir);
}

static gboolean
year_row_says (BulletinWindow *window,
               const char     *expected)
{
  g_autofree char *text = row_text (window, 0);

  return g_strcmp0 (text, expected) == 0;
}

/* A year of more than 30 issues lists them by month, newest first, each
 * month with its count; a year of few issues stays one list.  A month
 * opened stays open when the archive changes. */
static void
test_months (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  guint number = 1;
  int march, february, january, y2020;

  /* 2021: 12 in January, 12 in February, 10 in March; 2020: two */
  write_issue (dir, 2020, 12, 30, 1);
  write_issue (dir, 2020, 12, 31, 2);
  for (guint m = 1; m <= 3; m++)
    for (guint d = 1; d <= (m == 3 ? 10 : 12); d++)
      write_issue (dir, 2021, m, d, number++);

  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  /* the year, its months (the newest open), then 2020 */
  WAIT_UNTIL (find_row (window, "March · 10") == 1);
  /* the sidebar lists the scan's last batch a moment after the scan ends */
  WAIT_UNTIL (year_row_says (window, "2021\n34 issues"));
  WAIT_UNTIL (find_row (window, "2021-03-10") == 2);
  march = 1;
  february = find_row (window, "February · 12");
  january = find_row (window, "January · 12");
  y2020 = find_row (window, "2020");
  g_assert_cmpint (february, ==, march + 11);
  g_assert_cmpint (january, ==, february + 1);
  g_assert_cmpint (y2020, ==, january + 1);
  {
    g_autoptr(GtkTreeListRow) row = dup_row (window, march);
    g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 1);
    g_assert_true (gtk_tree_list_row_get_expanded (row));
  }

  /* open February; a new issue in March keeps it open */
  {
    g_autoptr(GtkTreeListRow) row = dup_row (window, february);
    gtk_tree_list_row_set_expanded (row, TRUE);
  }
  write_issue (dir, 2021, 3, 11, number++);
  WAIT_UNTIL (find_row (window, "March · 11") == 1);
  february = find_row (window, "February · 12");
  {
    g_autoptr(GtkTreeListRow) row = dup_row (window, february);
    g_assert_true (gtk_tree_list_row_get_expanded (row));
  }
  g_assert_cmpint (find_row (window, "2021-02-12"), ==, february + 1);

  /* selecting an issue of January opens its month */
  {
    BulletinLibrary *library = bulletin_window_get_library (window);
    BulletinIssue *issue = bulletin_archive_find_issue (bulletin_library_get_archive (library), "2021-01-05.txt");

    g_assert_nonnull (issue);
    bulletin_window_show_article (window, issue, NULL);
    WAIT_UNTIL (reader_shows (window, "1月5日的头条新闻"));
    g_assert_cmpint (find_item_row (window, issue), >, find_row (window, "January · 12"));
  }

  close_window (window);
  remove_tree (dir);
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
labels_say (GtkWidget  *widget,
            const char *needle)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_labels (widget, text);
  return strstr (text->str, needle) != NULL;
}


/* gtk_calendar_select_day () is deprecated from GTK 4.20 */
static void
calendar_set_date (GtkCalendar *calendar,
                   GDateTime   *date)
{
#if GTK_CHECK_VERSION (4, 20, 0)
  gtk_calendar_set_date (calendar, date);
#else
  gtk_calendar_select_day (calendar, date);
#endif
}

static void
choose_day (GtkCalendar *calendar,
            guint        year,
            guint        month,
            guint        day)
{
  g_autoptr(GDateTime) date = g_date_time_new_local (year, month, day, 12, 0, 0);

  calendar_set_date (calendar, date);
  g_signal_emit_by_name (calendar, "day-selected");
}

/* Go to Date: the header bar's button (and its action) opens a calendar
 * with the days that have an issue marked; a day shows its issue, or the
 * nearest one and says so; the entry takes dates and issue numbers;
 * Ctrl+G (find-next) goes to a date when no search is open. */
static void
test_go_to_date (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  GtkWidget *button = bulletin_window_get_goto_date_button (window);
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  GtkCalendar *calendar = GTK_CALENDAR (find_widget (popover, GTK_TYPE_CALENDAR));

  write_issue (dir, 2021, 3, 1, 1);
  write_issue (dir, 2021, 3, 5, 2);
  write_issue (dir, 2021, 3, 10, 3);
  write_issue (dir, 2020, 12, 31, 9);
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (find_row (window, "2021-03-10") > 0);

  /* the button says what it does */
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "Go to Date"));

  g_action_group_activate_action (G_ACTION_GROUP (window), "go-to-date", NULL);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  /* the newest issue's month, its issues' days marked */
  {
    g_autoptr(GDateTime) shown = gtk_calendar_get_date (calendar);
    g_assert_cmpint (g_date_time_get_year (shown), ==, 2021);
    g_assert_cmpint (g_date_time_get_month (shown), ==, 3);
  }
  g_assert_true (gtk_calendar_get_day_is_marked (calendar, 1));
  g_assert_true (gtk_calendar_get_day_is_marked (calendar, 5));
  g_assert_true (gtk_calendar_get_day_is_marked (calendar, 10));
  g_assert_false (gtk_calendar_get_day_is_marked (calendar, 6));

  /* a day with an issue */
  choose_day (calendar, 2021, 3, 5);
  WAIT_UNTIL (reader_shows (window, "编号2的头条新闻"));
  /* a day without: the nearest, and a word about it */
  choose_day (calendar, 2021, 3, 8);
  WAIT_UNTIL (reader_shows (window, "编号3的头条新闻"));
  g_assert_true (labels_say (popover, "2021-03-10"));

  /* another month: its own marks */
  {
    g_autoptr(GDateTime) december = g_date_time_new_local (2020, 12, 1, 12, 0, 0);

    calendar_set_date (calendar, december);
    WAIT_UNTIL (gtk_calendar_get_day_is_marked (calendar, 31));
    g_assert_false (gtk_calendar_get_day_is_marked (calendar, 5));
  }
  gtk_popover_popdown (GTK_POPOVER (popover));
  WAIT_UNTIL (!gtk_widget_get_mapped (popover));

  /* typed: a number, a date without a year (the shown issue's), a date */
  g_assert_true (bulletin_window_go_to (window, "第1期"));
  WAIT_UNTIL (reader_shows (window, "编号1的头条新闻"));
  g_assert_true (bulletin_window_go_to (window, "3月5日"));
  WAIT_UNTIL (reader_shows (window, "编号2的头条新闻"));
  g_assert_true (bulletin_window_go_to (window, "2020年12月31日"));
  WAIT_UNTIL (reader_shows (window, "编号9的头条新闻"));
  g_assert_false (bulletin_window_go_to (window, "第77期"));
  g_assert_false (bulletin_window_go_to (window, "春耕"));

  /* Ctrl+G when not searching */
  g_action_group_activate_action (G_ACTION_GROUP (window), "find-next", NULL);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  gtk_popover_popdown (GTK_POPOVER (popover));

  close_window (window);
  remove_tree (dir);
}

/* Type-ahead in the list: a digit typed in it opens an entry; a date (3月8
 * in the shown year: the nearest issue), an issue number select that
 * issue; Enter opens it. */
static void
test_typeahead (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  BulletinSidebar *sidebar = bulletin_window_get_sidebar (window);
  GtkWidget *list = bulletin_sidebar_get_list_view (sidebar);
  GtkWidget *entry = bulletin_sidebar_get_typeahead_entry (sidebar);
  GtkWidget *popover = gtk_widget_get_ancestor (entry, GTK_TYPE_POPOVER);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list);
  gboolean handled = FALSE;
  BulletinIssue *selected;

  write_issue (dir, 2021, 3, 1, 1);
  write_issue (dir, 2021, 3, 5, 2);
  write_issue (dir, 2021, 3, 10, 3);
  write_issue (dir, 2020, 12, 31, 9);
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL (find_row (window, "2021-03-10") > 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-sidebar", NULL);

  /* a digit typed in the list: the key handler the list has */
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_2, 0, 0, &handled);
    }
  g_assert_true (handled);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "2");
  /* issue No. 2 */
  WAIT_UNTIL ((selected = bulletin_sidebar_get_selected_issue (sidebar)) != NULL &&
              g_strcmp0 (bulletin_issue_get_date (selected), "2021-03-05") == 0);

  gtk_editable_set_text (GTK_EDITABLE (entry), "2021-03-01");
  WAIT_UNTIL (g_strcmp0 (bulletin_issue_get_date (bulletin_sidebar_get_selected_issue (sidebar)), "2021-03-01") == 0);
  /* no issue on 3月8日: the nearest, and a word about it */
  gtk_editable_set_text (GTK_EDITABLE (entry), "3月8日");
  WAIT_UNTIL (g_strcmp0 (bulletin_issue_get_date (bulletin_sidebar_get_selected_issue (sidebar)), "2021-03-10") == 0);
  g_assert_true (labels_say (popover, "2021-03-10"));
  /* a number of the other year: its year opens */
  gtk_editable_set_text (GTK_EDITABLE (entry), "第9期");
  WAIT_UNTIL (g_strcmp0 (bulletin_issue_get_date (bulletin_sidebar_get_selected_issue (sidebar)), "2020-12-31") == 0);
  g_assert_cmpint (find_item_row (window, bulletin_sidebar_get_selected_issue (sidebar)), >, find_row (window, "2020"));
  /* Enter: the issue opens, the popover goes */
  g_signal_emit_by_name (entry, "activate");
  WAIT_UNTIL (!gtk_widget_get_mapped (popover));
  WAIT_UNTIL (find_row (window, "编号9的头条新闻") > 0);

  close_window (window);
  remove_tree (dir);
}

/* Open Containing Folder: an issue's context menu offers it, and it asks
 * the file manager (org.freedesktop.FileManager1, here a stand-in on the
 * test's session bus) to show the issue's file.  From GTK 4.10 the
 * portal does it: only the menu is checked there. */
static GPtrArray *shown_items;

static void
file_manager_call (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *path,
                   const char            *interface,
                   const char            *method,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  if (g_strcmp0 (method, "ShowItems") == 0)
    {
      g_autofree const char **uris = NULL;
      const char *startup;

      g_variant_get (parameters, "(^a&s&s)", &uris, &startup);
      for (guint i = 0; uris[i] != NULL; i++)
        g_ptr_array_add (shown_items, g_strdup (uris[i]));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GtkWidget *
find_popover_menu (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      return child;
  return NULL;
}

static void
test_open_containing_folder (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.FileManager1'>"
    "<method name='ShowItems'><arg type='as' direction='in'/><arg type='s' direction='in'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { file_manager_call, NULL, NULL };
  g_autofree char *dir = make_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  BulletinWindow *window = new_window ();
  BulletinSidebar *sidebar = bulletin_window_get_sidebar (window);
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(BulletinIssue) issue = NULL;
  g_autofree char *uri = NULL;
  GtkWidget *menu;
  guint object_id = 0, name_id = 0;
  int pos;

  write_issue (dir, 2021, 3, 5, 2);
  bulletin_window_open (window, folder);
  WAIT_UNTIL (library_done (window));
  WAIT_UNTIL ((pos = find_row (window, "2021-03-05")) > 0);
  issue = dup_row_item (window, pos);
  uri = g_file_get_uri (bulletin_issue_get_file (issue));

  /* the issue's row, then its menu (Shift+F10) */
  {
    GtkSelectionModel *selection = gtk_list_view_get_model (GTK_LIST_VIEW (bulletin_sidebar_get_list_view (sidebar)));

    gtk_selection_model_select_item (selection, pos, TRUE);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), "sidebar.menu", NULL));
  WAIT_UNTIL ((menu = find_popover_menu (GTK_WIDGET (sidebar))) != NULL && gtk_widget_get_mapped (menu));
  {
    GMenuModel *model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu));
    g_autofree char *action = NULL;
    g_autoptr(GVariant) target = NULL;

    g_assert_cmpint (g_menu_model_get_n_items (model), ==, 1);
    g_assert_true (g_menu_model_get_item_attribute (model, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
    g_assert_cmpstr (action, ==, "win.open-containing-folder");
    target = g_menu_model_get_item_attribute_value (model, 0, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
    g_assert_cmpstr (g_variant_get_string (target, NULL), ==, uri);
  }
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-containing-folder"));

  if (gtk_get_minor_version () >= 10 || bus == NULL)
    {
      g_test_message ("the portal shows the folder from GTK 4.10, or there is no session bus");
      close_window (window);
      remove_tree (dir);
      return;
    }

  shown_items = g_ptr_array_new_with_free_func (g_free);
  object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/FileManager1", node->interfaces[0],
                                                 &vtable, NULL, NULL, NULL);
  g_assert_cmpuint (object_id, >, 0);
  name_id = g_bus_own_name_on_connection (bus, "org.freedesktop.FileManager1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                          NULL, NULL, NULL, NULL);
  drain ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-containing-folder", g_variant_new_string (uri));
  WAIT_UNTIL (shown_items->len > 0);
  g_assert_cmpstr (g_ptr_array_index (shown_items, 0), ==, uri);

  g_bus_unown_name (name_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_clear_pointer (&shown_items, g_ptr_array_unref);
  close_window (window);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  static const char *xdg[] = { "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME" };
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  int status;

  g_setenv ("GTK_A11Y", "none", FALSE);
  home = g_dir_make_tmp ("bulletin-ui-home-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (xdg); i++)
    {
      g_autofree char *dir = g_build_filename (home, xdg[i] + 4, NULL);
      g_setenv (xdg[i], dir, TRUE);
    }
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();

  app = bulletin_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/bulletin/ui-navigation/issue-line", test_issue_line);
  g_test_add_func ("/bulletin/ui-navigation/row-quotes", test_row_quotes);
  g_test_add_func ("/bulletin/ui-navigation/issue-line-room", test_issue_line_room);
  g_test_add_func ("/bulletin/ui-navigation/months", test_months);
  g_test_add_func ("/bulletin/ui-navigation/go-to-date", test_go_to_date);
  g_test_add_func ("/bulletin/ui-navigation/typeahead", test_typeahead);
  g_test_add_func ("/bulletin/ui-navigation/open-containing-folder", test_open_containing_folder);

  status = g_test_run ();
  g_object_unref (app);
  remove_tree (home);
  return status;
}
