/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-controller.h"
#include "bulletin-annotations-view.h"
#include "bulletin-application.h"
#include "bulletin-window.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

/* The reader's state across archives, driven through the real window as
 * its menus, keys and the desktop do (issue 11, points 6 to 8):
 *
 * - the reading position comes back whenever an archive is opened, by
 *   the menu (win.open-sample, win.open-uri as Recent Archives does, the
 *   same bulletin_window_open () that Ctrl+O ends in), or a file handed
 *   over by the file manager or the command line (GApplication "open");
 * - a bookmark or note made in another archive says so in its row, and
 *   activating it asks, then opens that archive at the article;
 * - Ctrl+Z (win.undo) undoes deletions and edits, newest first; in the
 *   note editor Escape cancels (asking only when the text changed) and
 *   Ctrl+Enter saves.
 *
 * The tests run in order on one application and one data folder. */

static GtkApplication *app;
static char *home;          /* the data folder of this run */
static char *data_dir;      /* tests/data: a folder archive of 5 issues */
static char *data_uri;
static char *single_uri;    /* one file of it, opened as an archive */

/* --- waiting ----------------------------------------------------------------- */

static BulletinWindow *
window (void)
{
  return BULLETIN_WINDOW (gtk_application_get_active_window (app));
}

static const char *wanted_uri;

static gboolean
library_ready (gpointer data)
{
  BulletinLibrary *library = bulletin_window_get_library (window ());
  g_autofree char *uri = NULL;

  if (library == NULL || bulletin_library_get_loading (library) ||
      g_list_model_get_n_items (bulletin_library_get_issues (library)) == 0)
    return FALSE;
  uri = g_file_get_uri (bulletin_library_get_location (library));
  return wanted_uri == NULL || g_str_equal (uri, wanted_uri);
}

static void
wait_for_archive (const char *uri)
{
  wanted_uri = uri;
  g_assert_true (bulletin_test_wait_for (library_ready, NULL, 30));
}

static const char *wanted_article;

static gboolean
reader_shows_article (gpointer data)
{
  BulletinReaderView *reader = bulletin_window_get_reader (window ());
  BulletinArticle *article = bulletin_reader_view_get_article (reader);

  return article != NULL && bulletin_reader_view_is_complete (reader) &&
         (wanted_article == NULL || g_strcmp0 (bulletin_article_get_id (article), wanted_article) == 0);
}

static void
wait_for_article (const char *id)
{
  wanted_article = id;
  g_assert_true (bulletin_test_wait_for (reader_shows_article, NULL, 30));
}

static gboolean
not_opening (gpointer data)
{
  return !bulletin_annotations_controller_is_opening (bulletin_annotations_controller_get_for_window (window ()));
}

/* until the archive open is back where the reader left off, if anywhere */
static void
settle (void)
{
  g_assert_true (bulletin_test_wait_for (not_opening, NULL, 30));
  bulletin_test_iterate (100);
}

static const char *
shown_id (void)
{
  BulletinArticle *article = bulletin_reader_view_get_article (bulletin_window_get_reader (window ()));

  return article != NULL ? bulletin_article_get_id (article) : NULL;
}

/* The source offset of the first line in view, as the position keeps it */
static guint
top_offset (void)
{
  BulletinReaderView *reader = bulletin_window_get_reader (window ());
  GtkTextView *view = bulletin_reader_view_get_text_view (reader);
  GdkRectangle rect;
  GtkTextIter iter;

  gtk_text_view_get_visible_rect (view, &rect);
  gtk_text_view_get_line_at_y (view, &iter, rect.y, NULL);
  return bulletin_display_text_to_source (bulletin_reader_view_get_display_text (reader),
                                          bulletin_typography_get_display_offset (&iter));
}

static GtkAdjustment *
reader_vadjustment (void)
{
  return gtk_scrolled_window_get_vadjustment (bulletin_reader_view_get_scrolled_window (bulletin_window_get_reader (window ())));
}

static void
activate (const char *action,
          GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (window ()), action, parameter);
}

/* The @index-th article of the archive open (issues in the sidebar's
 * order, loaded here), shown as a click on it does. */
static char *
show_nth_article (guint index)
{
  GListModel *issues = bulletin_library_get_issues (bulletin_window_get_library (window ()));

  for (guint i = 0; i < g_list_model_get_n_items (issues); i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      GListModel *articles;
      guint n;

      if (!bulletin_issue_load (issue, NULL, NULL))
        continue;
      articles = bulletin_issue_get_articles (issue);
      n = g_list_model_get_n_items (articles);
      if (index < n)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, index);
          char *id = g_strdup (bulletin_article_get_id (article));

          bulletin_window_show_article (window (), issue, article);
          wait_for_article (id);
          return id;
        }
      index -= n;
    }
  g_assert_not_reached ();
}

static BulletinAnnotationsController *
controller (void)
{
  return bulletin_annotations_controller_get_for_window (window ());
}

static GListModel *
view_model (gboolean notes)
{
  return bulletin_annotations_view_get_model (BULLETIN_ANNOTATIONS_VIEW (bulletin_annotations_controller_get_view (controller (), notes)));
}

/* --- 6: the reading position by every path ------------------------------------ */

/* Every label's text under @widget, one per line */
static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

static char *
window_text (void)
{
  GString *out = g_string_new (NULL);

  collect_labels (GTK_WIDGET (window ()), out);
  return g_string_free (out, FALSE);
}

static gboolean
scrollable (gpointer data)
{
  GtkAdjustment *adj = data;

  return gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj) + 100 &&
         gtk_adjustment_get_page_size (adj) > 0;
}

static void
test_position_any_path (void)
{
  g_autofree char *sample_article = NULL;
  g_autofree char *folder_article = NULL;
  g_autofree char *file_article = NULL;
  GListModel *issues;
  GtkAdjustment *adj;
  guint best = 0, best_len = 0, n_articles = 0, offset;
  double value;

  /* a start without arguments: the sample archive, in a window small
   * enough to scroll its longest article */
  g_application_activate (G_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window ()), 800, 400);
  wait_for_archive (NULL);
  g_assert_true (bulletin_library_is_sample (bulletin_window_get_library (window ())));

  /* its longest article, scrolled to the middle */
  issues = bulletin_library_get_issues (bulletin_window_get_library (window ()));
  for (guint i = 0; i < g_list_model_get_n_items (issues); i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      GListModel *articles;

      g_assert_true (bulletin_issue_load (issue, NULL, NULL));
      articles = bulletin_issue_get_articles (issue);
      for (guint j = 0; j < g_list_model_get_n_items (articles); j++, n_articles++)
        {
          g_autoptr(BulletinArticle) a = g_list_model_get_item (articles, j);
          guint len = bulletin_article_get_source_length (a);

          if (len > best_len)
            {
              best_len = len;
              best = n_articles;
            }
        }
    }
  sample_article = show_nth_article (best);
  adj = reader_vadjustment ();
  g_assert_true (bulletin_test_wait_for (scrollable, adj, 10));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 20);
  bulletin_test_iterate (100);
  offset = top_offset ();
  value = gtk_adjustment_get_value (adj);
  g_assert_cmpuint (offset, >, 0);

  /* at once (before the position is saved on its timer) another archive,
   * from the menu's Recent Archives: nothing was read there yet */
  activate ("open-uri", g_variant_new_string (data_uri));
  wait_for_archive (data_uri);
  bulletin_test_iterate (200);
  g_assert_null (shown_id ());
  folder_article = show_nth_article (3);

  /* the sample archive again, from the menu: the article, scrolled */
  activate ("open-sample", NULL);
  wait_for_archive (NULL);
  wait_for_article (sample_article);
  bulletin_test_iterate (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (reader_vadjustment ()), >, value / 2);
  g_assert_cmpint (ABS ((int) top_offset () - (int) offset), <, 80);

  /* the folder handed over by the file manager (or the command line) */
  {
    g_autoptr(GFile) folder = g_file_new_for_uri (data_uri);

    g_application_open (G_APPLICATION (app), &folder, 1, "");
  }
  wait_for_archive (data_uri);
  wait_for_article (folder_article);

  /* a single file: its first article the first time, then where the
   * reader left off in it, not its first article again */
  {
    g_autoptr(GFile) file = g_file_new_for_uri (single_uri);
    g_autofree char *first = NULL;

    g_application_open (G_APPLICATION (app), &file, 1, "");
    wait_for_archive (single_uri);
    wait_for_article (NULL);
    first = g_strdup (shown_id ());
    g_assert_true (bulletin_sidebar_move_article (bulletin_window_get_sidebar (window ()), 1));
    bulletin_test_iterate (200);
    wait_for_article (NULL);
    file_article = g_strdup (shown_id ());
    g_assert_cmpstr (file_article, !=, first);

    activate ("open-sample", NULL);
    wait_for_archive (NULL);
    wait_for_article (sample_article);

    g_application_open (G_APPLICATION (app), &file, 1, "");
    wait_for_archive (single_uri);
    wait_for_article (file_article);
    bulletin_test_iterate (300);
    g_assert_cmpstr (shown_id (), ==, file_article);
  }

  /* a position whose article has gone (the archive changed meanwhile)
   * opens nothing, and says nothing either */
  {
    BulletinAnnotations *store = bulletin_annotations_controller_get_store (controller ());
    g_autofree char *text = NULL;

    activate ("open-sample", NULL);
    wait_for_archive (NULL);
    g_assert_true (bulletin_annotations_set_position (store, data_uri, NULL, "urn:bulletin:article:gone", 0, NULL));
    activate ("open-uri", g_variant_new_string (data_uri));
    wait_for_archive (data_uri);
    settle ();
    g_assert_null (shown_id ());
    text = window_text ();
    g_assert_null (strstr (text, "not in the archive"));
    g_assert_null (strstr (text, "no longer"));
  }
}

/* --- 7: bookmarks and notes of another archive -------------------------------- */

static char *
page_text (gboolean notes)
{
  GString *out = g_string_new (NULL);

  gtk_stack_set_visible_child_name (bulletin_annotations_controller_get_sidebar_stack (controller ()),
                                    notes ? "notes" : "bookmarks");
  bulletin_test_iterate (200);
  collect_labels (bulletin_annotations_controller_get_view (controller (), notes), out);
  return g_string_free (out, FALSE);
}

static guint
position_of (GListModel *model,
             const char *article_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      const char *id = BULLETIN_IS_BOOKMARK (item) ? bulletin_bookmark_get_article_id (BULLETIN_BOOKMARK (item))
                                                   : bulletin_note_get_article_id (BULLETIN_NOTE (item));

      if (g_strcmp0 (id, article_id) == 0)
        return i;
    }
  g_assert_not_reached ();
}

static gboolean
dialog_shown (gpointer data)
{
  return bulletin_annotations_controller_get_dialog (controller ()) != NULL;
}

/* Answers the question the window asks, as its button would */
static void
answer (const char *response)
{
  GObject *dialog;

  g_assert_true (bulletin_test_wait_for (dialog_shown, NULL, 10));
  dialog = g_object_ref (bulletin_annotations_controller_get_dialog (controller ()));
  g_signal_emit_by_name (dialog, "response", response);
#if ADW_CHECK_VERSION (1, 6, 0)
  adw_dialog_force_close (ADW_DIALOG (dialog));
#else
  gtk_window_destroy (GTK_WINDOW (dialog));
#endif
  g_object_unref (dialog);
  bulletin_test_iterate (100);
}

static char *
dialog_heading (void)
{
  GObject *dialog = bulletin_annotations_controller_get_dialog (controller ());
  char *heading = NULL;

  g_object_get (dialog, "heading", &heading, NULL);
  return heading;
}

static void add_note_on (guint start, guint end, gboolean at_top);

static void
test_other_archive (void)
{
  g_autofree char *article = NULL;
  g_autofree char *text = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *sample_uri = NULL;
  BulletinReaderView *reader;
  GtkTextBuffer *buffer;
  GListModel *bookmarks, *notes;
  guint n_bookmarks, n_notes;

  /* in the folder archive: a bookmark and a note on its third article */
  if (window () == NULL)
    g_application_activate (G_APPLICATION (app));
  activate ("open-uri", g_variant_new_string (data_uri));
  wait_for_archive (data_uri);
  settle ();
  article = show_nth_article (2);
  reader = bulletin_window_get_reader (window ());
  bookmarks = view_model (FALSE);
  notes = view_model (TRUE);
  n_bookmarks = g_list_model_get_n_items (bookmarks);
  n_notes = g_list_model_get_n_items (notes);

  activate ("toggle-bookmark", NULL);
  bulletin_test_iterate (50);
  g_assert_cmpuint (g_list_model_get_n_items (bookmarks), ==, n_bookmarks + 1);
  bulletin_reader_view_select_range (reader, 2, 6);
  add_note_on (2, 6, FALSE);
  bulletin_test_iterate (100);
  buffer = gtk_text_view_get_buffer (bulletin_annotations_controller_get_editor_text (controller ()));
  gtk_text_buffer_set_text (buffer, "另一档案的笔记", -1);
  gtk_popover_popdown (bulletin_annotations_controller_get_editor (controller ()));
  bulletin_test_iterate (100);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes + 1);

  /* they know where they were made */
  {
    g_autoptr(BulletinBookmark) b = g_list_model_get_item (bookmarks, position_of (bookmarks, article));
    g_autoptr(BulletinNote) n = g_list_model_get_item (notes, position_of (notes, article));

    g_assert_cmpstr (bulletin_bookmark_get_archive_uri (b), ==, data_uri);
    g_assert_cmpstr (bulletin_bookmark_get_archive_name (b), ==, "data");
    g_assert_cmpstr (bulletin_note_get_archive_uri (n), ==, data_uri);
    g_assert_cmpstr (bulletin_note_get_archive_name (n), ==, "data");
  }
  /* and say nothing of it while that archive is open */
  text = page_text (FALSE);
  g_assert_null (strstr (text, "“data”"));
  g_clear_pointer (&text, g_free);

  /* in another archive, their rows name theirs */
  activate ("open-sample", NULL);
  wait_for_archive (NULL);
  sample_uri = g_file_get_uri (bulletin_library_get_location (bulletin_window_get_library (window ())));
  text = page_text (FALSE);
  g_assert_nonnull (strstr (text, "In “data”"));
  g_clear_pointer (&text, g_free);
  text = page_text (TRUE);
  g_assert_nonnull (strstr (text, "另一档案的笔记"));
  g_assert_nonnull (strstr (text, "In “data”"));

  /* activating the bookmark asks first; Cancel leaves things as they are */
  bulletin_annotations_view_activate (BULLETIN_ANNOTATIONS_VIEW (bulletin_annotations_controller_get_view (controller (), FALSE)),
                                      position_of (bookmarks, article));
  g_assert_true (bulletin_test_wait_for (dialog_shown, NULL, 10));
  heading = dialog_heading ();
  g_assert_cmpstr (heading, ==, "Open “data”?");
  answer ("cancel");
  bulletin_test_iterate (300);
  g_assert_true (bulletin_library_is_sample (bulletin_window_get_library (window ())));

  /* Open: that archive, at the article, and no "not in the archive" */
  bulletin_annotations_view_activate (BULLETIN_ANNOTATIONS_VIEW (bulletin_annotations_controller_get_view (controller (), FALSE)),
                                      position_of (bookmarks, article));
  answer ("open");
  wait_for_archive (data_uri);
  wait_for_article (article);

  /* the note the same way, from the sample archive again */
  activate ("open-sample", NULL);
  wait_for_archive (NULL);
  bulletin_test_iterate (200);
  bulletin_annotations_view_activate (BULLETIN_ANNOTATIONS_VIEW (bulletin_annotations_controller_get_view (controller (), TRUE)),
                                      position_of (notes, article));
  answer ("open");
  wait_for_archive (data_uri);
  wait_for_article (article);
  /* with the noted passage highlighted */
  {
    GtkTextBuffer *shown = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (reader));
    GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (shown), "bulletin-note");
    GtkTextIter iter;

    bulletin_test_iterate (200);
    g_assert_nonnull (tag);
    bulletin_typography_get_iter_at_display (shown, &iter, 2);
    g_assert_true (gtk_text_iter_has_tag (&iter, tag));
    bulletin_typography_get_iter_at_display (shown, &iter, 6);
    g_assert_false (gtk_text_iter_has_tag (&iter, tag));
  }

  /* a row of the archive that is open opens at once, without asking */
  show_nth_article (0);
  bulletin_annotations_view_activate (BULLETIN_ANNOTATIONS_VIEW (bulletin_annotations_controller_get_view (controller (), FALSE)),
                                      position_of (bookmarks, article));
  wait_for_article (article);
  g_assert_null (bulletin_annotations_controller_get_dialog (controller ()));
  (void) sample_uri;
}

/* --- 8: undo, and the note editor's keys --------------------------------------- */

/* The editor's shortcut for @accel, run as the key would run it */
static gboolean editor_shown (gpointer data);

static gboolean
press_in_editor (const char *accel)
{
  GtkWidget *editor = GTK_WIDGET (bulletin_annotations_controller_get_editor (controller ()));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (editor);

  /* a key reaches the editor only while it is up */
  g_assert_true (editor_shown (NULL));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (trigger, accel))
            {
              gboolean done = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, editor, NULL);

              bulletin_test_iterate (100);
              return done;
            }
        }
    }
  g_assert_not_reached ();
}

static BulletinNote *
note_on (const char *article)
{
  GListModel *notes = view_model (TRUE);

  return g_list_model_get_item (notes, position_of (notes, article));
}

/* The editor is up: shown, and its surface on the screen.  On X11 a
 * popover takes the pointer and the keyboard as its surface is mapped;
 * when another client holds them (another application's menu or popover
 * open: the UI tests run two at a time on one Xvfb), GDK unmaps the
 * surface at once and the popover hides itself in an idle a moment
 * later, having been visible without ever being on the screen, and its
 * keys (note.cancel on Escape) never reach it.  A surface that did map
 * holds its grab until the popover closes. */
static gboolean
editor_shown (gpointer data)
{
  GtkWidget *editor = GTK_WIDGET (bulletin_annotations_controller_get_editor (controller ()));
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (editor));

  return gtk_widget_get_visible (editor) && gtk_widget_get_mapped (editor) &&
         surface != NULL && gdk_surface_get_mapped (surface);
}

/* as a person would: open the editor with @open, and open it again if it
 * did not come (on a loaded machine the note's highlight may not be laid
 * out yet) or went at once (its grab refused, see editor_shown ()) */
static void
open_editor_with (void   (*open) (gpointer data),
                  gpointer data)
{
  GtkPopover *editor = bulletin_annotations_controller_get_editor (controller ());

  for (guint attempt = 0; attempt < 10 && !editor_shown (NULL); attempt++)
    {
      /* one that never came on the screen is closed first (it saves,
       * and nothing has been typed in it) */
      if (gtk_widget_get_visible (GTK_WIDGET (editor)))
        {
          gtk_popover_popdown (editor);
          bulletin_test_iterate (50);
        }
      open (data);
      bulletin_test_wait_for (editor_shown, NULL, 2);
    }
  g_assert_true (editor_shown (NULL));
}

static void
edit_note (gpointer note)
{
  bulletin_annotations_controller_edit_note (controller (), note);
}

static void
edit (BulletinNote *note)
{
  open_editor_with (edit_note, note);
}

static void
activate_named (gpointer action)
{
  activate (action, NULL);
}

/* "add-article-note", as the menu does */
static void
add_note (const char *action)
{
  open_editor_with (activate_named, (gpointer) action);
}

typedef struct {
  guint start, end;   /* in the display text */
  gboolean at_top;    /* the reader scrolled back to its top after */
} Passage;

/* a note on @passage, as Ctrl+M does; selected again if the selection
 * went with an editor that did not come */
static void
note_passage (gpointer data)
{
  Passage *passage = data;
  BulletinReaderView *reader = bulletin_window_get_reader (window ());
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (reader));

  if (!gtk_text_buffer_get_has_selection (buffer))
    {
      bulletin_reader_view_select_range (reader, passage->start, passage->end);
      if (passage->at_top)
        {
          bulletin_test_iterate (300);
          gtk_adjustment_set_value (reader_vadjustment (), 0);
          bulletin_test_iterate (100);
        }
    }
  activate ("add-note", NULL);
}

static void
add_note_on (guint    start,
             guint    end,
             gboolean at_top)
{
  Passage passage = { start, end, at_top };

  open_editor_with (note_passage, &passage);
}

static void
type (const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (bulletin_annotations_controller_get_editor_text (controller ())),
                            text, -1);
}

static void
undo (void)
{
  /* Ctrl+Z where the focus is not in a text field */
  gtk_widget_grab_focus (GTK_WIDGET (bulletin_window_get_sidebar (window ())));
  activate ("undo", NULL);
  bulletin_test_iterate (100);
}

static void
test_undo_and_editor (void)
{
  g_autofree char *article = NULL;
  g_auto(GStrv) accels = NULL;
  GtkPopover *editor;
  GListModel *bookmarks, *notes;
  guint n_bookmarks, n_notes;

  /* Ctrl+Z is the one table's, so the shortcuts window lists it */
  accels = gtk_application_get_accels_for_action (app, "win.undo");
  g_assert_cmpstr (accels[0], ==, "<Control>z");

  if (window () == NULL)
    g_application_activate (G_APPLICATION (app));
  activate ("open-uri", g_variant_new_string (data_uri));
  wait_for_archive (data_uri);
  settle ();
  article = show_nth_article (4);
  editor = bulletin_annotations_controller_get_editor (controller ());
  bookmarks = view_model (FALSE);
  notes = view_model (TRUE);

  /* nothing to undo yet */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));

  /* a bookmark, and a note saved with Ctrl+Enter */
  activate ("toggle-bookmark", NULL);
  add_note ("add-article-note");
  bulletin_test_iterate (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
  n_notes = g_list_model_get_n_items (notes);
  type ("第一稿");
  g_assert_true (press_in_editor ("<Control>Return"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes + 1);
  n_notes = g_list_model_get_n_items (notes);
  n_bookmarks = g_list_model_get_n_items (bookmarks);

  /* edited, then Ctrl+Z: the text before */
  {
    g_autoptr(BulletinNote) note = note_on (article);

    g_assert_cmpstr (bulletin_note_get_text (note), ==, "第一稿");
    edit (note);
    type ("第二稿");
    g_assert_true (press_in_editor ("<Control>Return"));
  }
  {
    g_autoptr(BulletinNote) note = note_on (article);

    g_assert_cmpstr (bulletin_note_get_text (note), ==, "第二稿");
  }
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));
  undo ();
  {
    g_autoptr(BulletinNote) note = note_on (article);

    g_assert_cmpstr (bulletin_note_get_text (note), ==, "第一稿");
  }

  /* the note deleted, then the bookmark removed; Ctrl+Z twice, the last
   * first, long after their toasts */
  {
    g_autoptr(BulletinNote) note = note_on (article);

    g_signal_emit_by_name (bulletin_annotations_controller_get_view (controller (), TRUE), "remove", note);
  }
  activate ("toggle-bookmark", NULL);
  bulletin_test_iterate (100);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes - 1);
  g_assert_cmpuint (g_list_model_get_n_items (bookmarks), ==, n_bookmarks - 1);
  undo ();
  g_assert_cmpuint (g_list_model_get_n_items (bookmarks), ==, n_bookmarks);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes - 1);
  undo ();
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes);
  {
    g_autoptr(BulletinNote) note = note_on (article);

    g_assert_cmpstr (bulletin_note_get_text (note), ==, "第一稿");
  }
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));

  /* Escape with nothing changed: closed, nothing asked */
  {
    g_autoptr(BulletinNote) note = note_on (article);

    edit (note);
    g_assert_true (press_in_editor ("Escape"));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
    g_assert_null (bulletin_annotations_controller_get_dialog (controller ()));
  }

  /* Escape after typing asks; Keep Editing gives the text back.  Once
   * more if the editor could not come back on the screen (its grab
   * refused, see editor_shown ()): it closed, and so saved the text,
   * which Ctrl+Z takes back. */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (bulletin_annotations_controller_get_editor_text (controller ()));
    g_autofree char *kept = NULL;
    GtkTextIter s, e;

    for (guint attempt = 0; ; attempt++)
      {
        g_autoptr(BulletinNote) note = note_on (article);

        edit (note);
        type ("不要的改动");
        g_assert_true (press_in_editor ("Escape"));
        g_assert_nonnull (bulletin_annotations_controller_get_dialog (controller ()));
        answer ("cancel");
        if (bulletin_test_wait_for (editor_shown, NULL, 2) || attempt == 4)
          break;
        if (gtk_widget_get_visible (GTK_WIDGET (editor)))
          gtk_popover_popdown (editor);
        bulletin_test_iterate (100);
        undo ();
        {
          g_autoptr(BulletinNote) again = note_on (article);

          g_assert_cmpstr (bulletin_note_get_text (again), ==, "第一稿");
        }
        g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));
      }
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
    gtk_text_buffer_get_bounds (buffer, &s, &e);
    kept = gtk_text_buffer_get_text (buffer, &s, &e, FALSE);
    g_assert_cmpstr (kept, ==, "不要的改动");

    /* Escape again, Discard: the note as it was */
    g_assert_true (press_in_editor ("Escape"));
    answer ("discard");
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
  }
  {
    g_autoptr(BulletinNote) note = note_on (article);

    g_assert_cmpstr (bulletin_note_get_text (note), ==, "第一稿");
  }
  /* a discarded edit leaves nothing to undo */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));

  /* with something to undo, Ctrl+Z in the note being typed is the text's
   * own Undo, and leaves the list alone */
  activate ("toggle-bookmark", NULL);
  bulletin_test_iterate (100);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));
  {
    g_autoptr(BulletinNote) note = note_on (article);
    GtkTextView *text_view = bulletin_annotations_controller_get_editor_text (controller ());
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
    g_autofree char *after = NULL;
    GtkTextIter end;

    edit (note);
    gtk_widget_grab_focus (GTK_WIDGET (text_view));
    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, "再加", -1);
    activate ("undo", NULL);
    bulletin_test_iterate (100);
    g_object_get (buffer, "text", &after, NULL);
    g_assert_cmpstr (after, ==, "第一稿");
    g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window ()), "undo"));
    /* and stops at the note's text */
    g_clear_pointer (&after, g_free);
    activate ("undo", NULL);
    bulletin_test_iterate (100);
    g_object_get (buffer, "text", &after, NULL);
    g_assert_cmpstr (after, ==, "第一稿");
    g_assert_true (press_in_editor ("Escape"));
  }
  g_assert_cmpuint (g_list_model_get_n_items (bookmarks), ==, n_bookmarks - 1);
  undo ();
  g_assert_cmpuint (g_list_model_get_n_items (bookmarks), ==, n_bookmarks);

  /* a new note: Escape on an empty one asks nothing and adds nothing */
  add_note ("add-article-note");
  bulletin_test_iterate (100);
  g_assert_true (press_in_editor ("Escape"));
  g_assert_null (bulletin_annotations_controller_get_dialog (controller ()));
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, n_notes);
}


/* --- 6 and bug 2: a long article's position, from Recent Archives ------------ */

static guint
longest_article (void)
{
  GListModel *issues = bulletin_library_get_issues (bulletin_window_get_library (window ()));
  guint best = 0, best_len = 0, n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (issues); i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      GListModel *articles;

      g_assert_true (bulletin_issue_load (issue, NULL, NULL));
      articles = bulletin_issue_get_articles (issue);
      for (guint j = 0; j < g_list_model_get_n_items (articles); j++, n++)
        {
          g_autoptr(BulletinArticle) a = g_list_model_get_item (articles, j);

          if (bulletin_article_get_source_length (a) > best_len)
            {
              best_len = bulletin_article_get_source_length (a);
              best = n;
            }
        }
    }
  return best;
}

/* The reader shows some of its text: the view rests within its bounds,
 * and its visible part starts above the end of the text. */
static void
assert_text_in_view (const char *when)
{
  BulletinReaderView *reader = bulletin_window_get_reader (window ());
  GtkTextView *view = bulletin_reader_view_get_text_view (reader);
  GtkAdjustment *adj = reader_vadjustment ();
  GdkRectangle visible;
  GtkTextIter end;
  int end_y, end_height;

  if (gtk_adjustment_get_value (adj) > gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) + 0.5)
    g_error ("%s: the reader rests past its end: value %.0f, upper %.0f, page %.0f", when,
             gtk_adjustment_get_value (adj), gtk_adjustment_get_upper (adj),
             gtk_adjustment_get_page_size (adj));
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (view), &end);
  gtk_text_view_get_line_yrange (view, &end, &end_y, &end_height);
  if (visible.y >= end_y + end_height)
    g_error ("%s: the reader shows nothing: its visible part starts at y %d, its text ends at %d",
             when, visible.y, end_y + end_height);
}

static char *
make_long_archive (void)
{
  static const char *sentences[] = {
    "区供热办日前通报，辖区内二十三个小区的供暖管网检修已经全部完成。",
    "今年的检修工作比往年提前了两周，居民反映良好。",
    "工作人员介绍，新措施将在下个月正式实施，届时将有更多居民受益。",
  };
  g_autofree char *dir = g_build_filename (home, "long_archive", NULL);
  g_autofree char *path = g_build_filename (dir, "2020-12-31.txt", NULL);
  g_autoptr(GString) text = g_string_new ("长篇通讯：街道三十年变迁\n\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;

  for (guint p = 0; p < 160; p++)
    {
      for (guint k = 0; k < 6; k++)
        g_string_append (text, sentences[(p + k) % G_N_ELEMENTS (sentences)]);
      g_string_append (text, "\n\n");
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text->str, -1, &error));
  g_assert_no_error (error);
  folder = g_file_new_for_path (dir);
  return g_file_get_uri (folder);
}

/* The longest article of the archive at @uri, shown in an 800 × 400
 * window (the first one, made if there is none); returns its text */
static char *
show_longest_article (const char *uri)
{
  if (window () == NULL)
    g_application_activate (G_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window ()), 800, 400);
  activate ("open-uri", g_variant_new_string (uri));
  wait_for_archive (uri);
  settle ();
  return show_nth_article (longest_article ());
}

static void
test_restored_end (void)
{
  g_autofree char *long_uri = make_long_archive ();
  g_autofree char *long_article = NULL;
  GtkAdjustment *adj;
  guint offset;

  /* a long article read to its end */
  long_article = show_longest_article (long_uri);
  adj = reader_vadjustment ();
  g_assert_true (bulletin_test_wait_for (scrollable, adj, 10));
  bulletin_reader_view_complete (bulletin_window_get_reader (window ()));
  bulletin_test_iterate (100);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  bulletin_test_iterate (100);
  assert_text_in_view ("read to the end");
  offset = top_offset ();
  g_assert_cmpuint (offset, >, 1000);
  bulletin_annotations_controller_save_position (controller ());

  /* another archive, then back through Recent Archives (win.open-uri),
   * twice: the second time in a narrower window.  The reader shows text
   * all along (issue 11, bug 2) and the place read to. */
  for (guint round = 0; round < 2; round++)
    {
      activate ("open-uri", g_variant_new_string (data_uri));
      wait_for_archive (data_uri);
      settle ();
      g_free (show_nth_article (1));

      activate ("open-uri", g_variant_new_string (long_uri));
      wait_for_archive (long_uri);
      wait_for_article (long_article);
      /* while the place restored scrolls into view, and after */
      for (guint i = 0; i < 40; i++)
        {
          bulletin_test_iterate (25);
          assert_text_in_view (round == 0 ? "restored" : "restored, narrower");
        }
      /* the place read to, not the article's top: GtkTextView places a
       * mark with the lines above it not laid out yet (as good as no
       * height), and the reader scrolled to the first screen */
      g_assert_cmpint (ABS ((int) top_offset () - (int) offset), <, 400);
      gtk_window_set_default_size (GTK_WINDOW (window ()), 600, 400);
    }
}

/* Shows the longest article of @uri (its text in *@article), all of it
 * in the reader and scrollable (the reader's adjustment in *@adj) */
static BulletinReaderView *
show_longest_in_full (const char     *uri,
                      char          **article,
                      GtkAdjustment **adj)
{
  BulletinReaderView *reader;

  *article = show_longest_article (uri);
  reader = bulletin_window_get_reader (window ());
  *adj = reader_vadjustment ();
  bulletin_reader_view_complete (reader);
  g_assert_true (bulletin_test_wait_for (scrollable, *adj, 10));
  return reader;
}

static gboolean
layout_settled (gpointer data)
{
  GtkAdjustment *adj = data;
  static double last_upper = -1;
  static gint64 since;
  double upper = gtk_adjustment_get_upper (adj);

  if (upper != last_upper)
    {
      last_upper = upper;
      since = g_get_monotonic_time ();
      return FALSE;
    }
  return g_get_monotonic_time () - since > 500 * 1000;
}

/* A place near the end of a long article, gone to right after a smaller
 * type (the reading preferences) made every line's height stale: the
 * text shrinks to less than half while GtkTextView scrolls, and the
 * reader shows text all along and ends at the place.  (Written to catch
 * the reader's scroll clamp at work, GTK 4.8's scroll animation going on
 * past a text that got shorter; it passes without the clamp too: the
 * reader's scroll to the place follows the text as it is laid out.) */
static void
test_scroll_after_relayout (void)
{
  g_autofree char *long_uri = make_long_archive ();
  g_autofree char *long_article = NULL;
  BulletinReaderView *reader;
  BulletinReadingSettings settings;
  GtkAdjustment *adj;
  guint length;

  reader = show_longest_in_full (long_uri, &long_article, &adj);
  /* every line laid out at this size */
  g_assert_true (bulletin_test_wait_for (layout_settled, adj, 20));

  /* a smaller type, and at once a passage near the end */
  settings = *bulletin_reader_view_get_settings (reader);
  settings.font_size *= 0.6;
  bulletin_reader_view_set_settings (reader, &settings);
  length = bulletin_display_text_get_length (bulletin_reader_view_get_display_text (reader));
  bulletin_reader_view_scroll_to_line (reader, length - 40);
  for (guint i = 0; i < 80; i++)
    {
      bulletin_test_iterate (25);
      assert_text_in_view ("scrolled after a smaller type");
    }
  /* and at the passage, once every line is laid out at the new size and
   * the reader has stopped following it (a quarter of a second settled);
   * on a loaded machine that takes longer than the two seconds above */
  g_assert_true (bulletin_test_wait_for (layout_settled, adj, 20));
  bulletin_test_iterate (500);
  assert_text_in_view ("settled after a smaller type");
  {
    GtkTextView *view = bulletin_reader_view_get_text_view (reader);
    GdkRectangle visible, location;
    GtkTextIter iter;

    bulletin_typography_get_iter_at_display (gtk_text_view_get_buffer (view), &iter, length - 40);
    gtk_text_view_get_visible_rect (view, &visible);
    gtk_text_view_get_iter_location (view, &iter, &location);
    g_assert_cmpint (location.y, >=, visible.y);
    g_assert_cmpint (location.y + location.height, <=, visible.y + visible.height);
  }
}

static gboolean
scrolled_away (gpointer data)
{
  return gtk_adjustment_get_value (data) > 100;
}

/* The reader hidden (an issue's row selected, another archive opening)
 * while GTK animates a scroll to a place in the article it showed: GTK
 * 4.8 ends the animation at its target as the scrolled window is
 * unmapped, and a "value-changed" handler (the text view's, the
 * reader's clamp) set the value meanwhile, within the text now empty; GTK then
 * disconnected a handler it no longer had ("g_signal_handler_disconnect:
 * assertion 'handler_id > 0' failed", then
 * "gdk_frame_clock_idle_end_updating: assertion 'priv->updating_count >
 * 0' failed"; fatal here).  The scenario benchmark met it at its action
 * 243 (seed 1: …,recent,next). */
static void
test_scroll_hidden_while_animating (void)
{
  g_autofree char *long_uri = make_long_archive ();
  g_autofree char *long_article = NULL;
  BulletinReaderView *reader;
  BulletinArticle *article;
  GtkAdjustment *adj;
  guint length;
  gint64 deadline;
  guint on_its_way = 0;

  long_article = show_longest_article (long_uri);
  reader = bulletin_window_get_reader (window ());
  adj = reader_vadjustment ();
  article = g_object_ref (bulletin_reader_view_get_article (reader));
  for (guint round = 0; round < 5 && on_its_way == 0; round++)
    {
      bulletin_reader_view_set_article (reader, article);
      bulletin_reader_view_complete (reader);
      g_assert_true (bulletin_test_wait_for (scrollable, adj, 10));
      g_assert_true (bulletin_test_wait_for (layout_settled, adj, 20));
      length = bulletin_display_text_get_length (bulletin_reader_view_get_display_text (reader));

      /* on its way to a place near the end, the article goes and the
       * reader is hidden */
      bulletin_reader_view_scroll_to_line (reader, length - 40);
      deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      while (gtk_adjustment_get_value (adj) == 0 && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE);
      if (gtk_adjustment_get_value (adj) < gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1)
        on_its_way++;
      bulletin_reader_view_set_article (reader, NULL);
      gtk_widget_set_visible (GTK_WIDGET (reader), FALSE);
      bulletin_test_iterate (100);
      gtk_widget_set_visible (GTK_WIDGET (reader), TRUE);
    }
  g_test_message ("hidden %u times while the scroll was on its way", on_its_way);
  g_assert_cmpuint (on_its_way, >, 0);

  /* the frame clock still runs the animations that follow */
  bulletin_reader_view_set_article (reader, article);
  bulletin_reader_view_complete (reader);
  g_assert_true (bulletin_test_wait_for (scrollable, adj, 10));
  bulletin_reader_view_scroll_to_line (reader, length / 2);
  g_assert_true (bulletin_test_wait_for (scrolled_away, adj, 10));
  assert_text_in_view ("scrolled after");
  g_object_unref (article);
}

/* A note added on a passage scrolled out of view (selected, then the
 * reader scrolled back to the top): its editor points at the reader's
 * edge nearest the passage.  GTK 4.8 on X11 placed a popover whose
 * anchor was on no monitor (below the screen) with bounds it never set:
 * "gdk_monitor_get_geometry: assertion 'GDK_IS_MONITOR (monitor)'
 * failed" (fatal here) and "attempt to allocate GtkPopoverContent ...
 * with width 318 and height -57"; the scenario benchmark met it 94 times
 * in 3,300 actions (seed 1). */
static void
test_note_out_of_view (void)
{
  g_autofree char *long_uri = make_long_archive ();
  g_autofree char *long_article = NULL;
  BulletinReaderView *reader;
  GtkPopover *editor;
  GtkAdjustment *adj;
  guint length;

  reader = show_longest_in_full (long_uri, &long_article, &adj);
  length = bulletin_display_text_get_length (bulletin_reader_view_get_display_text (reader));

  /* a passage near the end selected, the reader back at its top */
  bulletin_reader_view_select_range (reader, length - 30, length - 20);
  g_assert_true (bulletin_test_wait_for (scrolled_away, adj, 10));
  bulletin_test_iterate (300);
  gtk_adjustment_set_value (adj, 0);
  bulletin_test_iterate (100);

  add_note_on (length - 30, length - 20, TRUE);
  editor = bulletin_annotations_controller_get_editor (controller ());
  g_assert_true (editor_shown (NULL));
  bulletin_test_iterate (100);
  {
    GdkRectangle rect;
    GtkWidget *area = gtk_widget_get_parent (GTK_WIDGET (editor));

    g_assert_true (gtk_popover_get_pointing_to (editor, &rect));
    g_assert_cmpint (rect.y, >=, 0);
    g_assert_cmpint (rect.y + rect.height, <=, gtk_widget_get_height (area));
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (editor)), >, 0);
  }
  g_assert_true (press_in_editor ("Escape"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (editor)));
}

/* The reader's adjustment changed while GTK drew the window, between
 * the frame's layout and its end: the scrollbar's trough, which GtkRange
 * then allocates anew, is drawn without an allocation ("Trying to
 * snapshot GtkGizmo ... without a current allocation", fatal here). */
static gboolean in_paint;
static guint changed_in_paint;

static void
frame_laid_out (GdkFrameClock *clock)
{
  in_paint = TRUE;
}

static void
frame_painted (GdkFrameClock *clock)
{
  in_paint = FALSE;
}

static void
adjustment_changed (GtkAdjustment *adj)
{
  if (in_paint)
    changed_in_paint++;
}

/* Notes added in quick succession, the reader's type changed in between:
 * the reader scrolls to each passage (a scroll to a mark, which the text
 * view did in its idle that the frame overtook, while it was drawn), the
 * note editor opens and is cancelled.  The scenario benchmark met the
 * undrawn trough once in 5,000 actions (seed 42, …,bookmark,preferences,
 * add-note); this test failed four runs in seven, two at once, before the
 * reader had the view allocated after a scroll to a mark. */
static void
test_notes_in_quick_succession (void)
{
  g_autofree char *long_uri = make_long_archive ();
  g_autofree char *long_article = NULL;
  BulletinReaderView *reader;
  BulletinReadingSettings settings;
  GdkFrameClock *clock;
  GtkAdjustment *adj;
  guint length;
  gulong handlers[4];
  GRand *rand = g_rand_new_with_seed (11);

  reader = show_longest_in_full (long_uri, &long_article, &adj);
  length = bulletin_display_text_get_length (bulletin_reader_view_get_display_text (reader));
  settings = *bulletin_reader_view_get_settings (reader);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window ()));
  changed_in_paint = 0;
  handlers[0] = g_signal_connect_after (clock, "layout", G_CALLBACK (frame_laid_out), NULL);
  handlers[1] = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted), NULL);
  handlers[2] = g_signal_connect (adj, "changed", G_CALLBACK (adjustment_changed), NULL);
  handlers[3] = g_signal_connect (adj, "value-changed", G_CALLBACK (adjustment_changed), NULL);
  for (guint i = 0; i < 40; i++)
    {
      BulletinReadingSettings other = settings;
      guint start = g_rand_int_range (rand, 0, length - 20);

      if (i % 3 == 0)
        {
          other.font_size = 10 + g_rand_int_range (rand, 0, 10);
          bulletin_reader_view_set_settings (reader, &other);
        }
      bulletin_reader_view_select_range (reader, start, start + 10);
      add_note_on (start, start + 10, FALSE);
      g_assert_true (editor_shown (NULL));
      bulletin_test_iterate (g_rand_int_range (rand, 0, 60));
      g_assert_true (press_in_editor ("Escape"));
      bulletin_test_iterate (g_rand_int_range (rand, 0, 60));
      gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (reader)));
    }
  g_signal_handler_disconnect (clock, handlers[0]);
  g_signal_handler_disconnect (clock, handlers[1]);
  g_signal_handler_disconnect (adj, handlers[2]);
  g_signal_handler_disconnect (adj, handlers[3]);
  in_paint = FALSE;
  g_assert_cmpuint (changed_in_paint, ==, 0);

  bulletin_reader_view_set_settings (reader, &settings);
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* a data folder of our own (see test-ui-annotations.c) */
  home = bulletin_ui_test_make_data_dirs ("bulletin-ui-reading-state-XXXXXX");

  g_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  gtk_disable_setlocale ();

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  adw_init ();

  data_dir = g_test_build_filename (G_TEST_DIST, "data", NULL);
  {
    g_autoptr(GFile) folder = g_file_new_for_path (data_dir);
    g_autoptr(GFile) file = g_file_get_child (folder, "text-markers.txt");

    data_uri = g_file_get_uri (folder);
    single_uri = g_file_get_uri (file);
  }

  app = GTK_APPLICATION (bulletin_application_new ());
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* the windows hold it */
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/bulletin/ui-reading-state/position-any-path", test_position_any_path);
  g_test_add_func ("/bulletin/ui-reading-state/other-archive", test_other_archive);
  g_test_add_func ("/bulletin/ui-reading-state/undo-and-editor", test_undo_and_editor);
  g_test_add_func ("/bulletin/ui-reading-state/restored-end", test_restored_end);
  g_test_add_func ("/bulletin/ui-reading-state/scroll-after-relayout", test_scroll_after_relayout);
  g_test_add_func ("/bulletin/ui-reading-state/scroll-hidden-while-animating", test_scroll_hidden_while_animating);
  g_test_add_func ("/bulletin/ui-reading-state/note-out-of-view", test_note_out_of_view);
  g_test_add_func ("/bulletin/ui-reading-state/notes-in-quick-succession", test_notes_in_quick_succession);
  status = g_test_run ();
  bulletin_test_remove_tree (home);
  return status;
}
