/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-annotations-controller.h"
#include "bulletin-export.h"
#include "bulletin-print.h"
#include "bulletin-print-preview.h"
#include "bulletin-typography.h"
#include "bulletin-window-print.h"

#define DATA_KEY "bulletin-window-print"

typedef struct {
  char  *family, *paper_name, *issue_date, *issue_number, *archive_name;
  GStrv  notes;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;
#endif
} WindowPrint;

static void
window_print_free (WindowPrint *wp)
{
  g_free (wp->family);
  g_free (wp->paper_name);
  g_free (wp->issue_date);
  g_free (wp->issue_number);
  g_free (wp->archive_name);
  g_strfreev (wp->notes);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (wp->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (wp->chooser));
  g_clear_object (&wp->chooser);
#endif
  g_free (wp);
}

static WindowPrint *
get_wp (BulletinWindow *self)
{
  return g_object_get_data (G_OBJECT (self), DATA_KEY);
}

void
bulletin_window_get_print_options (BulletinWindow       *self,
                                   BulletinPrintOptions *options)
{
  WindowPrint *wp = get_wp (self);
  BulletinReaderView *reader = bulletin_window_get_reader (self);
  const BulletinReadingSettings *settings = bulletin_reader_view_get_settings (reader);
  BulletinArticle *article = bulletin_reader_view_get_article (reader);
  BulletinIssue *issue = bulletin_sidebar_get_selected_issue (bulletin_window_get_sidebar (self));
  BulletinLibrary *library = bulletin_window_get_library (self);
  BulletinAnnotationsController *controller = bulletin_annotations_controller_get_for_window (self);
  g_autoptr(GStrvBuilder) notes = g_strv_builder_new ();

  bulletin_print_options_init (options);
  g_free (wp->family);
  wp->family = g_strdup (settings != NULL ? settings->family : NULL);
  g_free (wp->paper_name);
  wp->paper_name = g_strdup (issue != NULL ? bulletin_issue_get_title (issue) : NULL);
  g_free (wp->issue_date);
  wp->issue_date = g_strdup (issue != NULL ? bulletin_issue_get_date (issue) : NULL);
  g_free (wp->issue_number);
  wp->issue_number = g_strdup (issue != NULL ? bulletin_issue_get_number (issue) : NULL);
  g_free (wp->archive_name);
  wp->archive_name = g_strdup (library != NULL ? bulletin_library_get_display_name (library) : NULL);

  if (controller != NULL && article != NULL)
    {
      g_autoptr(GPtrArray) list = bulletin_annotations_dup_notes_for_article (
          bulletin_annotations_controller_get_store (controller), bulletin_article_get_id (article));

      for (guint i = 0; list != NULL && i < list->len; i++)
        {
          BulletinNote *note = g_ptr_array_index (list, i);
          const char *quote = bulletin_note_get_quote (note);
          const char *text = bulletin_note_get_text (note);

          if (quote != NULL && *quote != '\0')
            {
              /* Translators: a printed note: the quoted passage, then the note */
              g_autofree char *line = g_strdup_printf (_("“%s”: %s"), quote, text != NULL ? text : "");

              g_strv_builder_add (notes, line);
            }
          else if (text != NULL && *text != '\0')
            g_strv_builder_add (notes, text);
        }
    }
  g_strfreev (wp->notes);
  wp->notes = g_strv_builder_end (notes);

  options->family = wp->family;
  options->sans = settings != NULL && settings->sans;
  options->line_spacing = settings != NULL ? settings->line_spacing : 1.75;
  options->paper_name = wp->paper_name;
  options->issue_date = wp->issue_date;
  options->issue_number = wp->issue_number;
  options->archive_name = wp->archive_name;
  options->notes = (const char *const *)wp->notes;
}

static BulletinDisplayText *
get_display (BulletinWindow *self)
{
  BulletinReaderView *reader = bulletin_window_get_reader (self);

  if (bulletin_reader_view_get_article (reader) == NULL)
    return NULL;
  return bulletin_reader_view_get_display_text (reader);
}

static void
print_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  BulletinWindow *self = user_data;
  BulletinDisplayText *display = get_display (self);
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  BulletinPrintOptions options;

  if (display == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (bulletin_window_get_reader (self)));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  bulletin_window_get_print_options (self, &options);
  bulletin_print_article (GTK_WINDOW (self), display, &options,
                          bulletin_typography_get_display_offset (&start),
                          bulletin_typography_get_display_offset (&end));
}

static void
print_preview_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  BulletinWindow *self = user_data;
  BulletinDisplayText *display = get_display (self);
  BulletinPrintOptions options;
  BulletinPrintPreview *preview;
  double width, height;

  if (display == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  bulletin_window_get_print_options (self, &options);
  bulletin_print_get_paper_size (&width, &height);
  preview = bulletin_print_preview_new (GTK_WINDOW (self), display, &options, width, height);
  gtk_window_present (GTK_WINDOW (preview));
}

/* Export in a worker thread: a long article takes a second. */

typedef struct {
  BulletinDisplayText *display;
  BulletinPrintOptions options;
  char                *family, *paper_name, *issue_date, *issue_number, *archive_name;
  GStrv                notes;
  gboolean             image;
  double               width, height;   /* the PDF's paper, in points */
  char                *path;
} Export;

static void
export_free (Export *export)
{
  bulletin_display_text_unref (export->display);
  g_free (export->family);
  g_free (export->paper_name);
  g_free (export->issue_date);
  g_free (export->issue_number);
  g_free (export->archive_name);
  g_strfreev (export->notes);
  g_free (export->path);
  g_free (export);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  Export *export = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (export->image)
    ok = bulletin_export_png (export->display, &export->options, 1080, 2, export->path, &error);
  else
    ok = bulletin_export_pdf_sized (export->display, &export->options, export->width, export->height,
                                    export->path, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (object);
  Export *export = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    bulletin_window_show_message (self, error->message);
  else
    {
      g_autofree char *name = g_path_get_basename (export->path);
      g_autofree char *title = g_strdup_printf (_("Exported “%s”"), name);

      bulletin_window_add_toast (self, adw_toast_new (title));
    }
}

void
bulletin_window_export_article (BulletinWindow *self,
                                GFile          *file,
                                gboolean        image)
{
  BulletinDisplayText *display = get_display (self);
  g_autoptr(GTask) task = NULL;
  Export *export;
  BulletinPrintOptions options;

  if (display == NULL || g_file_peek_path (file) == NULL)
    {
      bulletin_window_show_message (self, _("The article can only be exported to a local file"));
      return;
    }
  bulletin_window_get_print_options (self, &options);
  export = g_new0 (Export, 1);
  /* A display text of its own: its reference count is not atomic, and
   * the reader's changes hands on the main thread meanwhile. */
  export->display = bulletin_display_text_new (bulletin_display_text_get_article (display),
                                               bulletin_display_text_get_flags (display));
  export->options = options;
  export->options.family = export->family = g_strdup (options.family);
  export->options.paper_name = export->paper_name = g_strdup (options.paper_name);
  export->options.issue_date = export->issue_date = g_strdup (options.issue_date);
  export->options.issue_number = export->issue_number = g_strdup (options.issue_number);
  export->options.archive_name = export->archive_name = g_strdup (options.archive_name);
  /* Notes are a choice of the print dialog; an export is the article. */
  export->options.notes = NULL;
  export->image = image;
  /* the paper of the last print (A4 before any) */
  bulletin_print_get_paper_size (&export->width, &export->height);
  export->path = g_file_get_path (file);

  task = g_task_new (self, NULL, export_done, NULL);
  g_task_set_source_tag (task, bulletin_window_export_article);
  g_task_set_task_data (task, export, (GDestroyNotify)export_free);
  g_task_run_in_thread (task, export_thread);
}

static char *
suggested_name (BulletinWindow *self,
                gboolean        image)
{
  BulletinArticle *article = bulletin_reader_view_get_article (bulletin_window_get_reader (self));
  const char *headline = article != NULL ? bulletin_article_get_headline (article) : NULL;
  g_autofree char *base = g_strdup (headline != NULL && *headline != '\0' ? headline : _("Article"));

  g_strdelimit (base, "/\\:*?\"<>|", '_');
  return g_strconcat (base, image ? ".png" : ".pdf", NULL);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);
  if (file != NULL)
    bulletin_window_export_article (self, file, GPOINTER_TO_INT (g_object_get_data (object, "bulletin-image")));
  else if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
           !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    bulletin_window_show_message (self, error->message);
}
#else
static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  BulletinWindow  *self)
{
  WindowPrint *wp = get_wp (self);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        bulletin_window_export_article (self, file, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "bulletin-image")));
    }
  g_clear_object (&wp->chooser);
}
#endif

static void
choose_export (BulletinWindow *self,
               gboolean        image)
{
  const char *title = image ? _("Export the Article as an Image") : _("Export the Article as PDF");
  g_autofree char *name = suggested_name (self, image);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (get_display (self) == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  gtk_file_filter_set_name (filter, image ? _("PNG images") : _("PDF documents"));
  gtk_file_filter_add_suffix (filter, image ? "png" : "pdf");
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
    g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

    g_list_store_append (filters, filter);
    gtk_file_dialog_set_title (dialog, title);
    gtk_file_dialog_set_modal (dialog, TRUE);
    gtk_file_dialog_set_initial_name (dialog, name);
    gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
    g_object_set_data (G_OBJECT (dialog), "bulletin-image", GINT_TO_POINTER (image));
    gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, save_done, g_object_ref (self));
  }
#else
  {
    WindowPrint *wp = get_wp (self);

    if (wp->chooser != NULL)
      return;
    wp->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (wp->chooser), TRUE);
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (wp->chooser), name);
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (wp->chooser), filter);
    g_object_set_data (G_OBJECT (wp->chooser), "bulletin-image", GINT_TO_POINTER (image));
    g_signal_connect (wp->chooser, "response", G_CALLBACK (chooser_response), self);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (wp->chooser));
  }
#endif
}

static void
export_pdf_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  choose_export (user_data, FALSE);
}

static void
export_image_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  choose_export (user_data, TRUE);
}

static const GActionEntry print_actions[] = {
  { "print", print_action },
  { "print-preview", print_preview_action },
  { "export-pdf", export_pdf_action },
  { "export-image", export_image_action },
};

static void
article_changed (BulletinWindow *self)
{
  gboolean have = bulletin_reader_view_get_article (bulletin_window_get_reader (self)) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (print_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), print_actions[i].name);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), have);
    }
}

void
bulletin_window_print_init (BulletinWindow *self)
{
  g_object_set_data_full (G_OBJECT (self), DATA_KEY, g_new0 (WindowPrint, 1),
                          (GDestroyNotify)window_print_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), print_actions, G_N_ELEMENTS (print_actions), self);
  g_signal_connect_object (bulletin_window_get_reader (self), "notify::article",
                           G_CALLBACK (article_changed), self, G_CONNECT_SWAPPED);
  article_changed (self);
}
