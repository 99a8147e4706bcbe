/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-export.h"
#include "bulletin-print.h"
#include "bulletin-print-preview.h"
#include "bulletin-typography.h"
#include "bulletin-window-print.h"
#include "bulletin-window-private.h"

void
bulletin_window_get_print_options (BulletinWindow       *self,
                                   BulletinPrintOptions *options)
{
  const BulletinReadingSettings *settings;
  BulletinArticle *article;
  BulletinIssue *issue;
  BulletinLibrary *library;
  BulletinAnnotationsController *controller;
  g_autoptr(GStrvBuilder) notes = g_strv_builder_new ();

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  settings = bulletin_reader_view_get_settings (self->reader);
  article = bulletin_reader_view_get_article (self->reader);
  issue = bulletin_sidebar_get_selected_issue (self->sidebar);
  library = self->library;
  controller = self->annotations;

  bulletin_print_options_init (options);
  g_free (self->print_family);
  self->print_family = g_strdup (settings != NULL ? settings->family : NULL);
  g_free (self->print_paper_name);
  self->print_paper_name = g_strdup (issue != NULL ? bulletin_issue_get_title (issue) : NULL);
  g_free (self->print_issue_date);
  self->print_issue_date = g_strdup (issue != NULL ? bulletin_issue_get_date (issue) : NULL);
  g_free (self->print_issue_number);
  self->print_issue_number = g_strdup (issue != NULL ? bulletin_issue_get_number (issue) : NULL);
  g_free (self->print_archive_name);
  self->print_archive_name = g_strdup (library != NULL ? bulletin_library_get_display_name (library) : NULL);

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
  g_strfreev (self->print_notes);
  self->print_notes = g_strv_builder_end (notes);

  options->family = self->print_family;
  options->sans = settings != NULL && settings->sans;
  options->line_spacing = settings != NULL ? settings->line_spacing : 1.75;
  options->paper_name = self->print_paper_name;
  options->issue_date = self->print_issue_date;
  options->issue_number = self->print_issue_number;
  options->archive_name = self->print_archive_name;
  options->notes = (const char *const *)self->print_notes;
}

static BulletinDisplayText *
get_display (BulletinWindow *self)
{
  if (bulletin_reader_view_get_article (self->reader) == NULL)
    return NULL;
  return bulletin_reader_view_get_display_text (self->reader);
}

void
_bulletin_window_print (GSimpleAction *action,
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
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (self->reader));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  bulletin_window_get_print_options (self, &options);
  bulletin_print_article (GTK_WINDOW (self), display, &options,
                          bulletin_typography_get_display_offset (&start),
                          bulletin_typography_get_display_offset (&end));
}

void
_bulletin_window_print_preview (GSimpleAction *action,
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
  BulletinArticle *article = bulletin_reader_view_get_article (self->reader);
  const char *headline = article != NULL ? bulletin_article_get_headline (article) : NULL;
  g_autofree char *base = g_strdup (headline != NULL && *headline != '\0' ? headline : _("Article"));

  g_strdelimit (base, "/\\:*?\"<>|", '_');
  return g_strconcat (base, image ? ".png" : ".pdf", NULL);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
save_done (GObject        *object,
           GAsyncResult   *result,
           BulletinWindow *self,
           gboolean        image)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);
  if (file != NULL)
    bulletin_window_export_article (self, file, image);
  else if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
           !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    bulletin_window_show_message (self, error->message);
}

static void
save_pdf_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;

  save_done (object, result, self, FALSE);
}

static void
save_image_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;

  save_done (object, result, self, TRUE);
}
#else
static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  BulletinWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        bulletin_window_export_article (self, file, self->export_image);
    }
  g_clear_object (&self->export_chooser);
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
    gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, image ? save_image_done : save_pdf_done,
                          g_object_ref (self));
  }
#else
  {
    if (self->export_chooser != NULL)
      return;
    self->export_chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                        _("_Export"), _("_Cancel"));
    self->export_image = image;
    gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_chooser), TRUE);
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_chooser), name);
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->export_chooser), filter);
    g_signal_connect (self->export_chooser, "response", G_CALLBACK (chooser_response), self);
    gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_chooser));
  }
#endif
}

void
_bulletin_window_export_pdf (GSimpleAction *action,
                             GVariant      *param,
                             gpointer       user_data)
{
  choose_export (user_data, FALSE);
}

void
_bulletin_window_export_image (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  choose_export (user_data, TRUE);
}

/* enabled while the reader shows an article */
static const char * const article_actions[] = {
  "print", "print-preview", "export-pdf", "export-image",
};

static void
article_changed (BulletinWindow *self)
{
  gboolean have = bulletin_reader_view_get_article (self->reader) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (article_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), article_actions[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), have);
    }
}

void
_bulletin_window_print_init (BulletinWindow *self)
{
  g_signal_connect_object (self->reader, "notify::article",
                           G_CALLBACK (article_changed), self, G_CONNECT_SWAPPED);
  article_changed (self);
}

void
_bulletin_window_print_dispose (BulletinWindow *self)
{
  g_clear_pointer (&self->print_family, g_free);
  g_clear_pointer (&self->print_paper_name, g_free);
  g_clear_pointer (&self->print_issue_date, g_free);
  g_clear_pointer (&self->print_issue_number, g_free);
  g_clear_pointer (&self->print_archive_name, g_free);
  g_clear_pointer (&self->print_notes, g_strfreev);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->export_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_chooser));
  g_clear_object (&self->export_chooser);
#endif
}
