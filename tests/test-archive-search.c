/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-archive-search.h"
#include "bulletin-test-utils.h"

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

  search = bulletin_archive_search_new ();
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (search));
  bulletin_archive_search_set_root (search, root, db);
  bulletin_archive_search_set_query (search, "疫情");
  gtk_window_present (GTK_WINDOW (window));
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
  for (guint i = 0; i < 130; i++)
    {
      g_autofree char *name = g_strdup_printf ("2021-%02u-%02u-%u.txt", 1 + i % 12, 1 + i % 28, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_file_set_contents (path, "社区防控\n\n做好疫情防控工作。\n", -1, &error);
      g_assert_no_error (error);
    }
  root = g_file_new_for_path (dir);

  search = bulletin_archive_search_new ();
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (search));
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 500);
  bulletin_archive_search_set_root (search, root, db);
  bulletin_archive_search_set_query (search, "疫情");
  gtk_window_present (GTK_WINDOW (window));
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
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_remove (path);
      }
  }
  g_rmdir (dir);
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
  g_test_add_data_func ("/bulletin/archive-search/unreadable", GINT_TO_POINTER (FAULT_UNREADABLE), test_fault);
  g_test_add_data_func ("/bulletin/archive-search/full-disk", GINT_TO_POINTER (FAULT_FULL_DISK), test_fault);

  return g_test_run ();
}
