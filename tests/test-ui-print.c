/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Print and export from the real window: Ctrl+P is win.print, the actions
 * follow the reader's article, the print options carry the issue's paper,
 * date and number and the archive's name, "Print Selection" prints the
 * selected passage only, and the window's export writes a PDF and a PNG
 * without blocking it. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-application.h"
#include "bulletin-print.h"
#include "bulletin-print-preview.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"
#include "bulletin-window-print.h"
#include "bulletin-window.h"

static BulletinApplication *app;
static char *tmpdir;

/* the shared helper (bulletin-ui-test-utils.h) by this file's name */
#define library_done(w) bulletin_ui_test_library_done (w)

static gboolean
have_poppler (void)
{
  g_autofree char *path = g_find_program_in_path ("pdftotext");

  if (path != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("pdftotext is not installed (poppler-utils; CI=true: it must be)");
  else
    g_test_skip ("pdftotext is not installed (poppler-utils, build-aux/debian-packages.txt)");
  return FALSE;
}

static char *
pdftotext (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* The sample archive's folder issue (青溪通讯, 2024-06-03) and its
 * Simplified article in the reader. */
static BulletinWindow *
window_with_article (BulletinIssue **issue_out)
{
  BulletinWindow *window = bulletin_window_new (app);
  GListModel *issues;
  BulletinIssue *issue = NULL;
  GListModel *articles;
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (window));
  bulletin_window_open_initial (window);
  WAIT_UNTIL (library_done (window));
  issues = bulletin_library_get_issues (bulletin_window_get_library (window));
  for (guint i = 0; i < g_list_model_get_n_items (issues); i++)
    {
      g_autoptr(BulletinIssue) candidate = g_list_model_get_item (issues, i);

      if (g_strcmp0 (bulletin_issue_get_date (candidate), "2024-06-03") == 0)
        issue = candidate;
    }
  g_assert_nonnull (issue);
  g_assert_true (bulletin_issue_load (issue, NULL, &error));
  g_assert_no_error (error);
  articles = bulletin_issue_get_articles (issue);
  {
    g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, 0);

    bulletin_window_show_article (window, issue, article);
  }
  WAIT_UNTIL (bulletin_reader_view_get_article (bulletin_window_get_reader (window)) != NULL);
  *issue_out = issue;
  return window;
}

static void
test_actions (void)
{
  BulletinWindow *window = bulletin_window_new (app);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.print");
  BulletinIssue *issue;
  GAction *print;

  /* Ctrl+P */
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>p");

  /* no article: nothing to print or export */
  print = g_action_map_lookup_action (G_ACTION_MAP (window), "print");
  g_assert_nonnull (print);
  g_assert_false (g_action_get_enabled (print));
  g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (window), "export-pdf")));
  gtk_window_destroy (GTK_WINDOW (window));

  window = window_with_article (&issue);
  print = g_action_map_lookup_action (G_ACTION_MAP (window), "print");
  g_assert_true (g_action_get_enabled (print));
  g_assert_true (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (window), "export-image")));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_print_options_and_selection (void)
{
  BulletinIssue *issue;
  BulletinWindow *window = window_with_article (&issue);
  BulletinReaderView *reader = bulletin_window_get_reader (window);
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader);
  BulletinPrintOptions options;
  g_autofree char *pdf = g_build_filename (tmpdir, "selection.pdf", NULL);
  g_autofree char *whole = g_build_filename (tmpdir, "whole.pdf", NULL);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  g_autoptr(GError) error = NULL;
  const BulletinSpan *spans;
  guint n_spans, last;
  g_autofree char *selected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *first_block = NULL;

  if (!have_poppler ())
    return;

  bulletin_window_get_print_options (window, &options);
  g_assert_cmpstr (options.paper_name, ==, bulletin_issue_get_title (issue));
  g_assert_cmpstr (options.issue_date, ==, "2024-06-03");
  g_assert_nonnull (options.archive_name);

  /* The whole article, through the window's options: the running header
   * names the paper. */
  g_assert_cmpint (bulletin_print_run_export (display, &options, BULLETIN_PAPER_A4, whole, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  text = pdftotext (whole);
  g_assert_nonnull (strstr (text, bulletin_issue_get_title (issue)));
  g_assert_nonnull (strstr (text, "2024-06-03"));

  /* Print Selection: the last block only. */
  spans = bulletin_display_text_get_spans (display, &n_spans);
  last = n_spans - 1;
  selected = bulletin_display_text_dup_range (display, spans[last].start, spans[last].end);
  first_block = bulletin_display_text_dup_range (display, spans[0].start, spans[0].end);
  operation = bulletin_print_operation_new (display, &options, spans[last].start, spans[last].end);
  gtk_print_settings_set_print_pages (settings, GTK_PRINT_PAGES_SELECTION);
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_allow_async (operation, FALSE);
  gtk_print_operation_set_export_filename (operation, pdf);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = pdftotext (pdf);
  {
    g_autofree char *needle = g_utf8_substring (selected, 0, 8);

    g_assert_nonnull (strstr (text, needle));
  }
  g_assert_null (strstr (text, first_block));

  gtk_window_destroy (GTK_WINDOW (window));
}

static BulletinPrintPreview *
find_preview (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (BULLETIN_IS_PRINT_PREVIEW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return BULLETIN_PRINT_PREVIEW (window);
    }
  return NULL;
}

/* Ctrl+Shift+P: the pages as they will print, in a window of the app's
 * own (no external previewer needed), turned with the keys. */
static void
test_preview (void)
{
  BulletinIssue *issue;
  BulletinWindow *window = window_with_article (&issue);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.print-preview");
  BulletinPrintPreview *preview;
  guint n;

  g_assert_cmpstr (accels[0], ==, "<Shift><Control>p");
  g_action_group_activate_action (G_ACTION_GROUP (window), "print-preview", NULL);
  WAIT_UNTIL ((preview = find_preview ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (preview)));
  n = bulletin_print_preview_get_n_pages (preview);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (bulletin_print_preview_get_page (preview), ==, 0);
  {
    g_autofree char *label = g_strdup_printf ("Page 1 of %u", n);

    g_assert_cmpstr (bulletin_print_preview_get_label (preview), ==, label);
  }
  bulletin_print_preview_set_page (preview, n + 5);
  g_assert_cmpuint (bulletin_print_preview_get_page (preview), ==, n - 1);
  bulletin_print_preview_set_page (preview, 0);
  bulletin_test_iterate (300);

  /* for a person to look at */
  if (g_getenv ("BULLETIN_ARTIFACTS_DIR") != NULL)
    {
      g_autoptr(GdkTexture) texture = bulletin_ui_test_render_widget (GTK_WIDGET (preview));
      g_autofree char *path = g_build_filename (g_getenv ("BULLETIN_ARTIFACTS_DIR"), "print-preview.png", NULL);

      g_mkdir_with_parents (g_getenv ("BULLETIN_ARTIFACTS_DIR"), 0755);
      g_assert_true (gdk_texture_save_to_png (texture, path));
    }

  gtk_window_close (GTK_WINDOW (preview));
  WAIT_UNTIL (find_preview () == NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_export_from_window (void)
{
  BulletinIssue *issue;
  BulletinWindow *window = window_with_article (&issue);
  g_autofree char *pdf = g_build_filename (tmpdir, "window.pdf", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "window.png", NULL);
  g_autoptr(GFile) pdf_file = g_file_new_for_path (pdf);
  g_autoptr(GFile) png_file = g_file_new_for_path (png);
  g_autofree char *text = NULL;
  BulletinArticle *article = bulletin_reader_view_get_article (bulletin_window_get_reader (window));

  if (!have_poppler ())
    return;

  bulletin_window_export_article (window, pdf_file, FALSE);
  bulletin_window_export_article (window, png_file, TRUE);
  /* in a worker: the window goes on drawing meanwhile */
  WAIT_UNTIL (g_file_test (pdf, G_FILE_TEST_EXISTS) && g_file_test (png, G_FILE_TEST_EXISTS));
  bulletin_test_iterate (300);
  text = pdftotext (pdf);
  g_assert_nonnull (strstr (text, bulletin_article_get_headline (article)));
  {
    cairo_surface_t *image = cairo_image_surface_create_from_png (png);

    g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1080);
    cairo_surface_destroy (image);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (pdf);
  g_unlink (png);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  home = bulletin_ui_test_make_home ("bulletin-ui-print-XXXXXX");
  tmpdir = g_build_filename (home, "out", NULL);
  g_mkdir_with_parents (tmpdir, 0700);
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  app = bulletin_ui_test_new_app ();

  g_test_add_func ("/bulletin/ui-print/actions", test_actions);
  g_test_add_func ("/bulletin/ui-print/options-and-selection", test_print_options_and_selection);
  g_test_add_func ("/bulletin/ui-print/preview", test_preview);
  g_test_add_func ("/bulletin/ui-print/export-from-window", test_export_from_window);

  status = g_test_run ();
  g_object_unref (app);
  {
    const char *argv_rm[] = { "rm", "-rf", home, NULL };

    g_spawn_sync (NULL, (char **)argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);
  return status;
}
