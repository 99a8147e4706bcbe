/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-archive-search.h"
#include "bulletin-search-result-row.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

/* A search of @root (its index @db) for @query, in a new window of
 * @width × @height (0 × 0: the window's own size), presented; the window
 * in @window */
static BulletinArchiveSearch *
present_search (GFile       *root,
                const char  *db,
                const char  *query,
                int          width,
                int          height,
                GtkWidget  **window)
{
  BulletinArchiveSearch *search = bulletin_archive_search_new ();

  *window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (*window), GTK_WIDGET (search));
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (*window), width, height);
  bulletin_archive_search_set_root (search, root, db);
  bulletin_archive_search_set_query (search, query);
  gtk_window_present (GTK_WINDOW (*window));
  return search;
}

/* @n issues of one article each in @dir, each with one hit of 疫情 */
static void
write_articles (const char *dir,
                guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("2021-%02u-%02u-%u.txt", 1 + i % 12, 1 + i % 28, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_file_set_contents (path, "社区防控\n\n做好疫情防控工作。\n", -1, &error);
      g_assert_no_error (error);
    }
}

/* The archive search window: it builds the index in the background, lists
 * results grouped by issue with counts and snippets, newest first, and
 * activating a result names the issue and the article. */

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_true (done (data));
}

static gboolean
has_summary (gpointer data)
{
  BulletinArchiveSearch *search = data;

  return !bulletin_search_index_get_building (bulletin_archive_search_get_index (search)) &&
         g_str_has_prefix (bulletin_archive_search_get_summary (search), "3 hits in 2 articles");
}

static const char *expected_summary;

static gboolean
has_expected_summary (gpointer data)
{
  BulletinArchiveSearch *search = data;

  return g_str_has_prefix (bulletin_archive_search_get_summary (search), expected_summary);
}

static char *activated_article;

static void
on_activated (BulletinArchiveSearch *search,
              const char            *issue_path,
              const char            *issue_id,
              const char            *article_id,
              const char            *query,
              gpointer               user_data)
{
  g_assert_cmpstr (query, ==, "疫情");
  g_assert_cmpstr (issue_path, ==, "2021-05-02.txt");
  activated_article = g_strdup (article_id);
}

static void
test_results (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-archive-search-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "index.sqlite", NULL);
  g_autofree char *a = g_build_filename (dir, "2021-05-01.txt", NULL);
  g_autofree char *b = g_build_filename (dir, "2021-05-02.txt", NULL);
  g_autoptr(GFile) root = NULL;
  BulletinArchiveSearch *search;
  GtkWidget *window;
  GtkListBox *list;
  GtkListBoxRow *row;
  guint n_rows = 0;

  g_assert_no_error (error);
  g_file_set_contents (a, "社区防控\n\n做好疫情防控工作。\n", -1, &error);
  g_file_set_contents (b, "新的一期\n\n疫情以来，疫情防控常态化。\n", -1, &error);
  g_assert_no_error (error);
  root = g_file_new_for_path (dir);

  search = bulletin_archive_search_new ();
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (search));
  g_signal_connect (search, "result-activated", G_CALLBACK (on_activated), NULL);
  bulletin_archive_search_set_root (search, root, db);
  bulletin_archive_search_set_query (search, "疫情");
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (has_summary, search);

  /* issue row, article row, issue row, article row: newest first */
  list = bulletin_archive_search_get_list (search);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_rows++;
  g_assert_cmpuint (n_rows, ==, 4);
  g_assert_false (gtk_list_box_row_get_activatable (gtk_list_box_get_row_at_index (list, 0)));
  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_true (gtk_list_box_row_get_activatable (row));
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_nonnull (activated_article);

  /* query syntax: an exclusion, all of the words; only exclusions say
   * what is missing; a help popover says how */
  bulletin_archive_search_set_query (search, "疫情 -社区");
  expected_summary = "2 hits in 1 article";
  iterate_until (has_expected_summary, search);
  bulletin_archive_search_set_query (search, "常态化 新的");
  expected_summary = "2 hits in 1 article";
  iterate_until (has_expected_summary, search);
  bulletin_archive_search_set_query (search, "-疫情");
  expected_summary = "Add a word to search for";
  iterate_until (has_expected_summary, search);
  {
    GtkWidget *button = (GtkWidget *)gtk_widget_get_template_child (GTK_WIDGET (search), BULLETIN_TYPE_ARCHIVE_SEARCH,
                                                       "syntax_button");
    GtkWidget *label = (GtkWidget *)gtk_widget_get_template_child (GTK_WIDGET (search), BULLETIN_TYPE_ARCHIVE_SEARCH,
                                                      "syntax_label");

    g_assert_true (GTK_IS_MENU_BUTTON (button));
    g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "How to Search");
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "-word"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (a);
  g_remove (b);
  for (guint i = 0; i < 4; i++)
    {
      const char *suffixes[] = { "", "-wal", "-shm", ".lock" };
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
  g_clear_pointer (&activated_article, g_free);
}

/* The window says what the results lack: issues that could not be read,
 * and indexing that stopped on a full disk (then the files are read, and
 * the results are whole: not "still being indexed" for ever) */

typedef enum { FAULT_UNREADABLE, FAULT_FULL_DISK } Fault;

static gboolean
has_notice (gpointer data)
{
  BulletinArchiveSearch *search = data;

  return !bulletin_search_index_get_building (bulletin_archive_search_get_index (search)) &&
         bulletin_archive_search_get_notice (search) != NULL &&
         !g_str_has_prefix (bulletin_archive_search_get_summary (search), "Searching") &&
         bulletin_archive_search_get_summary (search)[0] != 0 &&
         strstr (bulletin_archive_search_get_notice (search), "still being indexed") == NULL;
}

static void
test_fault (gconstpointer data)
{
  Fault fault = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-archive-search-XXXXXX", &error);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autofree char *db = g_build_filename (cache, "index.sqlite", NULL);
  g_autofree char *a = g_build_filename (dir, "2021-05-01.txt", NULL);
  g_autofree char *b = g_build_filename (dir, "2021-05-02.txt", NULL);
  g_autoptr(GFile) root = NULL;
  BulletinArchiveSearch *search;
  GtkWidget *window;
  const char *notice;

  g_assert_no_error (error);
  g_file_set_contents (a, "社区防控\n\n做好疫情防控工作。\n", -1, &error);
  g_file_set_contents (b, "新的一期\n\n疫情以来，疫情防控常态化。\n", -1, &error);
  g_assert_no_error (error);
  root = g_file_new_for_path (dir);
  if (fault == FAULT_UNREADABLE)
    g_setenv ("BULLETIN_TEST_UNREADABLE", "2021-05-01.txt", TRUE);
  else
    g_setenv ("BULLETIN_INDEX_RESERVE", "18000000000000000000", TRUE);

  search = present_search (root, db, "疫情", 0, 0, &window);
  iterate_until (has_notice, search);
  notice = bulletin_archive_search_get_notice (search);
  g_test_message ("summary: %s; notice: %s", bulletin_archive_search_get_summary (search), notice);

  if (fault == FAULT_UNREADABLE)
    {
      g_assert_nonnull (strstr (notice, "1 issue could not be read"));
      g_assert_true (g_str_has_prefix (bulletin_archive_search_get_summary (search), "2 hits in 1 article"));
    }
  else
    {
      /* every result, read from the files */
      g_assert_nonnull (strstr (notice, "Indexing stopped"));
      g_assert_true (g_str_has_prefix (bulletin_archive_search_get_summary (search), "3 hits in 2 articles"));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_unsetenv ("BULLETIN_TEST_UNREADABLE");
  g_unsetenv ("BULLETIN_INDEX_RESERVE");
  g_remove (a);
  g_remove (b);
  for (guint i = 0; i < 4; i++)
    {
      const char *suffixes[] = { "", "-wal", "-shm", ".lock" };
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_remove (path);
    }
  g_rmdir (cache);
  g_rmdir (dir);
}

static guint
count_articles (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)))
      n++;
  return n;
}

static gboolean
has_many_hits (gpointer data)
{
  BulletinArchiveSearch *search = data;

  return !bulletin_search_index_get_building (bulletin_archive_search_get_index (search)) &&
         g_str_has_prefix (bulletin_archive_search_get_summary (search), "130 hits in 130 articles");
}

/* Many results: rows for the first screenful, and more as the list is
 * scrolled near its end, until every result listed has its row (300 rows
 * made at once held about 10 MiB). */
static void
test_rows_as_scrolled (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-archive-search-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "index.sqlite", NULL);
  g_autoptr(GFile) root = NULL;
  BulletinArchiveSearch *search;
  GtkWidget *window;
  GtkListBox *list;
  GtkScrolledWindow *scroller;
  guint n, rounds = 0;

  g_assert_no_error (error);
  write_articles (dir, 130);
  root = g_file_new_for_path (dir);

  search = present_search (root, db, "疫情", 600, 500, &window);
  iterate_until (has_many_hits, search);
  bulletin_test_iterate (100);

  list = bulletin_archive_search_get_list (search);
  n = count_articles (list);
  g_assert_cmpuint (n, >=, 20);
  g_assert_cmpuint (n, <, 130);

  /* to the end, as End or the scroll bar takes it, until all are there */
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_SCROLLED_WINDOW));
  while (count_articles (list) < 130 && rounds++ < 20)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);
      gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      /* once the rows made last are laid out */
      while (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) <= gtk_adjustment_get_value (adj) + 1 &&
             g_get_monotonic_time () < end)
        bulletin_test_iterate (20);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      bulletin_test_iterate (50);
    }
  g_assert_cmpuint (count_articles (list), ==, 130);
  g_assert_cmpuint (rounds, >, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  bulletin_test_iterate (50);
  bulletin_test_remove_tree (dir);
}


/* The filters of the search page (issue 15): each one set in the Filters
 * popover lists exactly the articles it keeps, in its order, different
 * from the unfiltered list, and the summary says a filter is on.  Four
 * plain-text issues with page headers, each article on its own page and
 * section (as in test-search-index's filters); 城南 once in every article,
 * more often in the last of some. */

static const char *headlines[] = { "春耕备耕正当时", "夜市重开迎客来", "学生托管班开班", "社区书画展开幕" };

/* "ISSUE/ARTICLE/HITS" of each result row, ISSUE the file's name without
 * .txt (or "T" for today's), ARTICLE the headline's position */
static char *
describe_rows (GtkListBox *list,
               const char *today)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      BulletinSearchResultRow *row;
      const char *headline;
      g_autofree char *issue = NULL;
      int k = -1;

      if (!BULLETIN_IS_SEARCH_RESULT_ROW (child))
        continue;
      row = BULLETIN_SEARCH_RESULT_ROW (child);
      headline = bulletin_search_result_row_get_headline (row);
      for (guint i = 0; i < G_N_ELEMENTS (headlines); i++)
        if (headline != NULL && strstr (headline, headlines[i]) != NULL)
          k = i;
      issue = g_strndup (bulletin_search_result_row_get_issue_path (row),
                         strlen (bulletin_search_result_row_get_issue_path (row)) - 4);
      g_string_append_printf (s, "%s%s/%d/%u", s->len > 0 ? " " : "",
                              strcmp (issue, today) == 0 ? "T" : issue + 8, k,
                              bulletin_search_result_row_get_n_hits (row));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

typedef struct {
  BulletinArchiveSearch *search;
  const char            *today;
  const char            *want_rows;
  const char            *want_summary;
} Expect;

static gboolean
lists (gpointer data)
{
  Expect *e = data;
  g_autofree char *rows = describe_rows (bulletin_archive_search_get_list (e->search), e->today);

  return !bulletin_search_index_get_building (bulletin_archive_search_get_index (e->search)) &&
         strcmp (bulletin_archive_search_get_summary (e->search), e->want_summary) == 0 &&
         strcmp (rows, e->want_rows) == 0;
}

static void
expect (Expect     *e,
        const char *rows,
        const char *summary)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autofree char *got = NULL;

  e->want_rows = rows;
  e->want_summary = summary;
  while (!lists (e) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  got = describe_rows (bulletin_archive_search_get_list (e->search), e->today);
  g_test_message ("%s: %s", bulletin_archive_search_get_summary (e->search), got);
  g_assert_cmpstr (bulletin_archive_search_get_summary (e->search), ==, summary);
  g_assert_cmpstr (got, ==, rows);
}

#define ALL "T/0/1 T/1/1 T/2/1 T/3/1 09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4 01/0/1 01/1/1 01/2/1 01/3/1"
#define ALL_SUMMARY "20 hits in 16 articles"

static GtkWidget *
filter_child (BulletinArchiveSearch *search,
              const char            *name)
{
  return (GtkWidget *)gtk_widget_get_template_child (GTK_WIDGET (search), BULLETIN_TYPE_ARCHIVE_SEARCH, name);
}

/* Chooses @name in the section drop-down ("" for any section) */
static void
choose_section (GtkDropDown *section,
                const char  *name)
{
  GListModel *model = gtk_drop_down_get_model (section);

  if (name[0] == 0)
    {
      gtk_drop_down_set_selected (section, 0);
      return;
    }
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    if (strcmp (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name) == 0)
      {
        gtk_drop_down_set_selected (section, i);
        return;
      }
  g_assert_not_reached ();
}

static gboolean
lists_sections (gpointer data)
{
  return g_list_model_get_n_items (gtk_drop_down_get_model (data)) == 5;
}

static void
test_filters (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *today_cn = g_date_time_format (now, "%Y年%-m月%-d日");
  const struct { const char *name, *date, *h2, *h3, *h4; guint extra; } issues[] = {
    { "2024-03-01.txt", "2024年3月1日", "第2版 社会", "第3版\n要闻", "城南日报 2024年3月1日 第4版 文化", 0 },
    { "2024-03-05.txt", "2024年3月5日", "第2版 要闻", "第3版 社会", "第4版 文化", 3 },
    { "2024-03-09.txt", "2024年3月9日", "第2版 文化", "第3版 要闻", "第4版 社会", 1 },
    { NULL, today_cn, "第2版 体育", "第3版 体育", "第4版 体育", 0 },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-archive-search-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "cache", "index.sqlite", NULL);
  g_autoptr(GFile) root = NULL;
  BulletinArchiveSearch *search;
  GtkWidget *window;
  GtkDropDown *date_preset, *order;
  GtkEditable *from, *to;
  GtkDropDown *section;
  GtkCheckButton *this_issue;
  GtkWidget *button, *clear;
  GListModel *sections;
  Expect e = { 0 };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (issues); i++)
    {
      g_autoptr(GString) extra = g_string_new (NULL);
      g_autofree char *text = NULL;
      g_autofree char *name = issues[i].name != NULL ? g_strdup (issues[i].name) : g_strconcat (today, ".txt", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      for (guint k = 0; k < issues[i].extra; k++)
        g_string_append (extra, "城南很美。");
      text = g_strdup_printf (BULLETIN_TEST_PAGED_ISSUE, issues[i].date, issues[i].h2, issues[i].h3, issues[i].h4, extra->str);
      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
    }
  root = g_file_new_for_path (dir);

  search = present_search (root, db, "城南", 600, 2000, &window);
  e.search = search;
  e.today = today;
  expect (&e, ALL, ALL_SUMMARY);

  button = filter_child (search, "filter_button");
  g_assert_true (GTK_IS_MENU_BUTTON (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Filter and Order the Results");
  date_preset = GTK_DROP_DOWN (filter_child (search, "date_preset"));
  order = GTK_DROP_DOWN (filter_child (search, "order"));
  from = GTK_EDITABLE (filter_child (search, "date_from"));
  to = GTK_EDITABLE (filter_child (search, "date_to"));
  section = GTK_DROP_DOWN (filter_child (search, "section"));
  this_issue = GTK_CHECK_BUTTON (filter_child (search, "this_issue"));
  clear = filter_child (search, "clear_filters");
  g_assert_true (GTK_IS_BUTTON (clear));
  g_assert_false (gtk_widget_get_sensitive (clear));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (clear), ==, "Every result again, newest first");

  /* the sections are those of the archive, after "Any section" */
  g_assert_true (bulletin_test_wait_for (lists_sections, section, 10));
  sections = gtk_drop_down_get_model (section);
  g_assert_cmpuint (gtk_drop_down_get_selected (section), ==, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (sections), 0), ==, "Any section");
  for (guint i = 0; i < 4; i++)
    {
      const char *names[] = { "社会", "要闻", "文化", "体育" };
      gboolean found = FALSE;

      for (guint k = 1; k < 5; k++)
        found |= strcmp (gtk_string_list_get_string (GTK_STRING_LIST (sections), k), names[i]) == 0;
      g_assert_true (found);
    }

  /* dates: the presets, then a range typed */
  gtk_drop_down_set_selected (date_preset, 1);
  expect (&e, "T/0/1 T/1/1 T/2/1 T/3/1", "4 hits in 4 articles · filtered");
  gtk_drop_down_set_selected (date_preset, 2);
  expect (&e, "T/0/1 T/1/1 T/2/1 T/3/1", "4 hits in 4 articles · filtered");
  gtk_drop_down_set_selected (date_preset, 0);
  expect (&e, ALL, ALL_SUMMARY);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (from)));
  gtk_drop_down_set_selected (date_preset, 3);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (from)));
  gtk_editable_set_text (from, "2024-03-02");
  gtk_editable_set_text (to, "2024-03-08");
  expect (&e, "05/0/1 05/1/1 05/2/1 05/3/4", "7 hits in 4 articles · filtered");
  /* not a date: said so, and left out */
  gtk_editable_set_text (to, "2024-02-30");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (to), "error"));
  expect (&e, "T/0/1 T/1/1 T/2/1 T/3/1 09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4",
          "16 hits in 12 articles · filtered");
  gtk_drop_down_set_selected (date_preset, 0);
  expect (&e, ALL, ALL_SUMMARY);

  /* this issue: none open, then the one of 1 March */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (this_issue)));
  /* by its file: today's issue prints the same articles, and so has the
   * same id (bulletin-window.c gives the file) */
  bulletin_archive_search_set_current_issue (search, "2024-03-01.txt");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (this_issue)));
  gtk_check_button_set_active (this_issue, TRUE);
  expect (&e, "01/0/1 01/1/1 01/2/1 01/3/1", "4 hits in 4 articles · filtered");
  gtk_check_button_set_active (this_issue, FALSE);
  expect (&e, ALL, ALL_SUMMARY);

  /* section */
  choose_section (section, "社会");
  expect (&e, "09/3/2 05/2/1 01/1/1", "4 hits in 3 articles · filtered");
  g_assert_true (gtk_widget_get_sensitive (clear));
  choose_section (section, "");
  expect (&e, ALL, ALL_SUMMARY);
  g_assert_false (gtk_widget_get_sensitive (clear));

  /* order */
  gtk_drop_down_set_selected (order, 1);
  expect (&e, "01/0/1 01/1/1 01/2/1 01/3/1 05/0/1 05/1/1 05/2/1 05/3/4 09/0/1 09/1/1 09/2/1 09/3/2 T/0/1 T/1/1 T/2/1 T/3/1",
          "20 hits in 16 articles · filtered");
  gtk_drop_down_set_selected (order, 2);
  expect (&e, "05/3/4 09/3/2 T/0/1 T/1/1 T/2/1 T/3/1 09/0/1 09/1/1 09/2/1 05/0/1 05/1/1 05/2/1 01/0/1 01/1/1 01/2/1 01/3/1",
          "20 hits in 16 articles · filtered");
  /* with a section */
  choose_section (section, "文化");
  expect (&e, "05/3/4 09/1/1 01/3/1", "6 hits in 3 articles · filtered");

  /* Clear Filters: the order, the section and the dates at once */
  gtk_drop_down_set_selected (date_preset, 3);
  gtk_editable_set_text (from, "2024-03-02");
  expect (&e, "05/3/4 09/1/1", "5 hits in 2 articles · filtered");
  g_assert_true (gtk_widget_get_sensitive (clear));
  g_signal_emit_by_name (clear, "clicked");
  expect (&e, ALL, ALL_SUMMARY);
  g_assert_false (gtk_widget_get_sensitive (clear));
  g_assert_cmpuint (gtk_drop_down_get_selected (section), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (order), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (date_preset), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (from), ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  bulletin_test_iterate (50);
  {
    g_autofree char *cache = g_build_filename (dir, "cache", NULL);
    const char *dirs[] = { cache, dir };

    for (guint k = 0; k < G_N_ELEMENTS (dirs); k++)
      {
        g_autoptr(GDir) d = g_dir_open (dirs[k], 0, NULL);
        const char *name;

        while (d != NULL && (name = g_dir_read_name (d)) != NULL)
          {
            g_autofree char *path = g_build_filename (dirs[k], name, NULL);
            g_remove (path);
          }
        g_rmdir (dirs[k]);
      }
  }
}


/* While the index is being built, the counts are those found so far and
 * the summary says they are still growing; once it is built, they are
 * exact.  Three batches of issues, with a pause after each
 * (BULLETIN_TEST_INDEX_PAUSE_MS). */
static gboolean
is_growing (gpointer data)
{
  BulletinArchiveSearch *search = data;

  return bulletin_search_index_get_building (bulletin_archive_search_get_index (search)) &&
         strstr (bulletin_archive_search_get_summary (search), "so far; the counts are still growing") != NULL;
}

static gboolean
has_all_70 (gpointer data)
{
  BulletinArchiveSearch *search = data;

  return !bulletin_search_index_get_building (bulletin_archive_search_get_index (search)) &&
         strcmp (bulletin_archive_search_get_summary (search), "70 hits in 70 articles") == 0;
}

static void
test_counts_growing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-archive-search-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "index.sqlite", NULL);
  g_autoptr(GFile) root = NULL;
  BulletinArchiveSearch *search;
  GtkWidget *window;
  GtkWidget *first_row;
  guint found = 0;

  g_assert_no_error (error);
  write_articles (dir, 70);
  root = g_file_new_for_path (dir);
  g_setenv ("BULLETIN_TEST_INDEX_PAUSE_MS", "1500", TRUE);

  search = present_search (root, db, "疫情", 0, 0, &window);
  iterate_until (is_growing, search);
  g_test_message ("while indexing: %s", bulletin_archive_search_get_summary (search));
  g_assert_cmpint (sscanf (bulletin_archive_search_get_summary (search), "%u hits", &found), ==, 1);
  g_assert_cmpuint (found, >=, 32);
  g_assert_cmpuint (found, <, 70);
  /* the rows already listed stay as the query runs again (indexing goes
   * newest first: older hits only add to the end), not made again */
  first_row = gtk_widget_get_first_child (GTK_WIDGET (bulletin_archive_search_get_list (search)));
  g_assert_nonnull (first_row);
  g_object_add_weak_pointer (G_OBJECT (first_row), (gpointer *)&first_row);
  iterate_until (has_all_70, search);
  g_unsetenv ("BULLETIN_TEST_INDEX_PAUSE_MS");
  g_assert_nonnull (first_row);
  g_assert_true (first_row == gtk_widget_get_first_child (GTK_WIDGET (bulletin_archive_search_get_list (search))));
  g_object_remove_weak_pointer (G_OBJECT (first_row), (gpointer *)&first_row);
  g_assert_cmpuint (count_articles (bulletin_archive_search_get_list (search)), ==, 50);

  gtk_window_destroy (GTK_WINDOW (window));
  bulletin_test_iterate (50);
  bulletin_test_remove_tree (dir);
}

/* The last result row, or NULL */
static BulletinSearchResultRow *
last_result (GtkListBox *list)
{
  for (GtkWidget *child = gtk_widget_get_last_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_prev_sibling (child))
    if (BULLETIN_IS_SEARCH_RESULT_ROW (child))
      return BULLETIN_SEARCH_RESULT_ROW (child);
  return NULL;
}

typedef struct {
  BulletinArchiveSearch *search;
  const char            *summary;
} Summary;

static gboolean
focus_on_last (GtkWindow *window)
{
  BulletinArchiveSearch *search = BULLETIN_ARCHIVE_SEARCH (gtk_window_get_child (window));

  return gtk_root_get_focus (GTK_ROOT (window)) ==
         GTK_WIDGET (last_result (bulletin_archive_search_get_list (search)));
}

static gboolean
says (gpointer data)
{
  Summary *s = data;

  /* (a prefix: before, a cap's "the first 300 articles are listed" came
   * after it; not the counts of an index still being built) */
  return !bulletin_search_index_get_building (bulletin_archive_search_get_index (s->search)) &&
         g_str_has_prefix (bulletin_archive_search_get_summary (s->search), s->summary) &&
         strstr (bulletin_archive_search_get_summary (s->search), "so far") == NULL;
}

/* Every hit is reachable (issue 15): 340 matching articles, more than
 * the 300 the list stopped at; scrolled to its end again and again, the
 * list grows to the last, oldest result, one row per article the summary
 * counts, each with its snippet (the results after the first ones in
 * detail come a page at a time).  End and Page Down do the same from the
 * keyboard. */
static void
test_every_result (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-archive-search-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "index.sqlite", NULL);
  g_autoptr(GFile) root = NULL;
  g_autoptr(GDate) date = g_date_new_dmy (1, 1, 2020);
  BulletinArchiveSearch *search;
  GtkWidget *window;
  GtkListBox *list;
  GtkScrolledWindow *scroller;
  BulletinSearchResultRow *last;
  Summary summary;
  guint rounds = 0, presses = 0, stalled = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < 340; i++, g_date_add_days (date, 1))
    {
      char name[32];
      g_autofree char *path = NULL;

      g_date_strftime (name, sizeof name, "%Y-%m-%d.txt", date);
      path = g_build_filename (dir, name, NULL);
      g_file_set_contents (path, "社区防控\n\n做好疫情防控工作。\n", -1, &error);
      g_assert_no_error (error);
    }
  root = g_file_new_for_path (dir);

  search = present_search (root, db, "疫情", 600, 500, &window);
  summary.search = search;
  summary.summary = "340 hits in 340 articles";
  iterate_until (says, &summary);
  bulletin_test_iterate (100);

  list = bulletin_archive_search_get_list (search);
  g_assert_cmpuint (count_articles (list), <, 340);
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_SCROLLED_WINDOW));
  /* until all are there, or three scrolls made no new row */
  while (count_articles (list) < 340 && stalled < 3 && rounds++ < 40)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);
      gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      guint before = count_articles (list);

      /* once the rows made last are laid out */
      while (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) <= gtk_adjustment_get_value (adj) + 1 &&
             g_get_monotonic_time () < end)
        bulletin_test_iterate (20);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      bulletin_test_iterate (50);
      stalled = count_articles (list) > before ? 0 : stalled + 1;
    }
  g_test_message ("%u rows after %u scrolls", count_articles (list), rounds);
  g_assert_cmpuint (count_articles (list), ==, 340);
  last = last_result (list);
  g_assert_cmpstr (bulletin_search_result_row_get_issue_path (last), ==, "2020-01-01.txt");
  g_assert_nonnull (strstr (bulletin_search_result_row_get_snippet (last), "疫情"));
  g_assert_cmpstr (bulletin_archive_search_get_summary (search), ==, "340 hits in 340 articles");

  /* End, again and again: to the oldest result, the focus on it */
  bulletin_archive_search_set_query (search, "防控");
  summary.summary = "680 hits in 340 articles";
  iterate_until (says, &summary);
  bulletin_test_iterate (100);
  g_assert_cmpuint (count_articles (list), <, 340);
  gtk_widget_activate_action (GTK_WIDGET (search), "archive-search.focus-results", NULL);
  while ((count_articles (list) < 340 || !focus_on_last (GTK_WINDOW (window))) && presses++ < 40)
    {
      g_assert_true (bulletin_ui_test_press_key_in (gtk_root_get_focus (GTK_ROOT (window)), GDK_KEY_End, 0));
      /* the rows made, the next page asked for and its rows made */
      bulletin_test_wait_for ((BulletinTestCondition)focus_on_last, window, 5);
      bulletin_test_iterate (20);
    }
  g_test_message ("%u rows after %u presses of End", count_articles (list), presses);
  g_assert_cmpuint (count_articles (list), ==, 340);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (last_result (list)));
  g_assert_cmpstr (bulletin_search_result_row_get_issue_path (last_result (list)), ==, "2020-01-01.txt");

  /* Page Down, again and again: to the oldest result too */
  bulletin_archive_search_set_query (search, "社区");
  summary.summary = "340 hits in 340 articles";
  iterate_until (says, &summary);
  bulletin_test_iterate (100);
  g_assert_cmpuint (count_articles (list), <, 340);
  gtk_widget_activate_action (GTK_WIDGET (search), "archive-search.focus-results", NULL);
  presses = 0;
  while ((count_articles (list) < 340 || !focus_on_last (GTK_WINDOW (window))) && presses++ < 200)
    {
      g_assert_true (bulletin_ui_test_press_key_in (gtk_root_get_focus (GTK_ROOT (window)), GDK_KEY_Page_Down, 0));
      bulletin_test_iterate (20);
    }
  g_test_message ("%u rows after %u presses of Page Down", count_articles (list), presses);
  g_assert_cmpuint (count_articles (list), ==, 340);
  g_assert_true (focus_on_last (GTK_WINDOW (window)));

  gtk_window_destroy (GTK_WINDOW (window));
  bulletin_test_iterate (50);
  bulletin_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  adw_init ();

  g_test_add_func ("/bulletin/archive-search/results", test_results);
  g_test_add_func ("/bulletin/archive-search/rows-as-scrolled", test_rows_as_scrolled);
  g_test_add_func ("/bulletin/archive-search/every-result", test_every_result);
  g_test_add_func ("/bulletin/archive-search/filters", test_filters);
  g_test_add_func ("/bulletin/archive-search/counts-growing", test_counts_growing);
  g_test_add_data_func ("/bulletin/archive-search/unreadable", GINT_TO_POINTER (FAULT_UNREADABLE), test_fault);
  g_test_add_data_func ("/bulletin/archive-search/full-disk", GINT_TO_POINTER (FAULT_FULL_DISK), test_fault);

  return g_test_run ();
}
