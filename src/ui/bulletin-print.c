/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-print.h"

/* What one print operation needs, owned by it (the options' strings are
 * copies: the window may change article while the dialog is open). */
typedef struct {
  BulletinDisplayText *display;
  BulletinPrintOptions options;
  char                *family, *paper_name, *issue_date, *issue_number, *archive_name;
  GStrv                notes;
  guint                sel_start, sel_end;
  gboolean             with_notes;
  GtkWidget           *notes_check;
  PangoContext        *context;
  BulletinPaginator   *paginator;
  GtkPageSetup        *page_setup;   /* the one printed with */
} Job;

/* The page setup of the last print, for the next one in this run. */
static GtkPageSetup *last_page_setup;
static GtkPrintSettings *last_settings;

static void
job_free (gpointer data)
{
  Job *job = data;

  bulletin_display_text_unref (job->display);
  g_free (job->family);
  g_free (job->paper_name);
  g_free (job->issue_date);
  g_free (job->issue_number);
  g_free (job->archive_name);
  g_strfreev (job->notes);
  g_clear_object (&job->notes_check);
  g_clear_object (&job->context);
  g_clear_object (&job->page_setup);
  g_clear_pointer (&job->paginator, bulletin_paginator_free);
  g_free (job);
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *print_context,
                Job               *job)
{
  GtkPrintSettings *settings = gtk_print_operation_get_print_settings (operation);
  BulletinPrintOptions options = job->options;
  guint start = 0, end = G_MAXUINT;

  if (settings != NULL &&
      gtk_print_settings_get_print_pages (settings) == GTK_PRINT_PAGES_SELECTION &&
      job->sel_end > job->sel_start)
    {
      start = job->sel_start;
      end = job->sel_end;
    }
  options.notes = job->with_notes ? (const char *const *)job->notes : NULL;
  g_set_object (&job->page_setup, gtk_print_context_get_page_setup (print_context));

  /* Points, as the PDF export: the same lines on paper. */
  g_clear_object (&job->context);
  job->context = bulletin_paginator_create_context ();
  g_clear_pointer (&job->paginator, bulletin_paginator_free);
  job->paginator = bulletin_paginator_new_pending (job->display, &options, job->context,
                                                   gtk_print_context_get_width (print_context),
                                                   gtk_print_context_get_height (print_context),
                                                   start, end);
}

/* A step at a time from the main loop (GTK calls this again while it
 * returns FALSE): a long article does not freeze the window. */
static gboolean
paginate_cb (GtkPrintOperation *operation,
             GtkPrintContext   *print_context,
             Job               *job)
{
  if (!bulletin_paginator_step (job->paginator, 20000))
    return FALSE;
  gtk_print_operation_set_n_pages (operation, bulletin_paginator_get_n_pages (job->paginator));
  return TRUE;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *print_context,
              int                page,
              Job               *job)
{
  g_return_if_fail (job->paginator != NULL);

  bulletin_paginator_draw_page (job->paginator, gtk_print_context_get_cairo_context (print_context), page);
}

static GObject *
create_custom_widget_cb (GtkPrintOperation *operation,
                         Job               *job)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  g_clear_object (&job->notes_check);
  job->notes_check = g_object_ref (gtk_check_button_new_with_mnemonic (_("Print the article’s _notes at the end")));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (job->notes_check), job->with_notes);
  gtk_widget_set_sensitive (job->notes_check, job->notes != NULL && job->notes[0] != NULL);
  gtk_widget_set_tooltip_text (job->notes_check, _("Numbered notes after the article"));
  gtk_box_append (GTK_BOX (box), job->notes_check);
  return G_OBJECT (box);
}

static void
custom_widget_apply_cb (GtkPrintOperation *operation,
                        GtkWidget         *widget,
                        Job               *job)
{
  if (job->notes_check != NULL)
    job->with_notes = gtk_check_button_get_active (GTK_CHECK_BUTTON (job->notes_check));
}

static GtkPageSetup *
page_setup_for_paper (BulletinPaper paper)
{
  static const char *const names[] = {
    [BULLETIN_PAPER_A4] = GTK_PAPER_NAME_A4,
    [BULLETIN_PAPER_A5] = GTK_PAPER_NAME_A5,
    [BULLETIN_PAPER_B5] = GTK_PAPER_NAME_B5,
    [BULLETIN_PAPER_LETTER] = GTK_PAPER_NAME_LETTER,
  };
  GtkPageSetup *setup = gtk_page_setup_new ();
  GtkPaperSize *size = gtk_paper_size_new (names[paper]);

  gtk_page_setup_set_paper_size (setup, size);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_paper_size_free (size);
  return setup;
}

GtkPrintOperation *
bulletin_print_operation_new (BulletinDisplayText        *display,
                              const BulletinPrintOptions *options,
                              guint                       sel_start,
                              guint                       sel_end)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  BulletinArticle *article = bulletin_display_text_get_article (display);
  Job *job = g_new0 (Job, 1);

  job->display = bulletin_display_text_ref (display);
  job->options = *options;
  job->family = g_strdup (options->family);
  job->paper_name = g_strdup (options->paper_name);
  job->issue_date = g_strdup (options->issue_date);
  job->issue_number = g_strdup (options->issue_number);
  job->archive_name = g_strdup (options->archive_name);
  job->notes = g_strdupv ((char **)options->notes);
  job->options.family = job->family;
  job->options.paper_name = job->paper_name;
  job->options.issue_date = job->issue_date;
  job->options.issue_number = job->issue_number;
  job->options.archive_name = job->archive_name;
  job->options.notes = NULL;
  job->with_notes = job->notes != NULL && job->notes[0] != NULL;
  job->sel_start = sel_start;
  job->sel_end = sel_end;
  g_object_set_data_full (G_OBJECT (operation), "bulletin-print-job", job, job_free);

  gtk_print_operation_set_job_name (operation, bulletin_article_get_headline (article) != NULL
                                               ? bulletin_article_get_headline (article) : _("Article"));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_allow_async (operation, TRUE);
  gtk_print_operation_set_support_selection (operation, TRUE);
  gtk_print_operation_set_has_selection (operation, sel_end > sel_start);
  gtk_print_operation_set_custom_tab_label (operation, _("Article"));
  if (last_page_setup != NULL)
    gtk_print_operation_set_default_page_setup (operation, last_page_setup);
  else
    {
      g_autoptr(GtkPageSetup) setup = page_setup_for_paper (BULLETIN_PAPER_A4);

      gtk_print_operation_set_default_page_setup (operation, setup);
    }
  if (last_settings != NULL)
    gtk_print_operation_set_print_settings (operation, last_settings);

  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), job);
  g_signal_connect (operation, "paginate", G_CALLBACK (paginate_cb), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), job);
  g_signal_connect (operation, "create-custom-widget", G_CALLBACK (create_custom_widget_cb), job);
  g_signal_connect (operation, "custom-widget-apply", G_CALLBACK (custom_widget_apply_cb), job);
  return operation;
}

static void
done_cb (GtkPrintOperation       *operation,
         GtkPrintOperationResult  result,
         GtkWindow               *parent)
{
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gtk_print_operation_get_error (operation, &error);
      g_warning ("Printing failed: %s", error != NULL ? error->message : "unknown error");
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    {
      Job *job = g_object_get_data (G_OBJECT (operation), "bulletin-print-job");

      /* the paper chosen in the dialog, for the next print and the
       * preview */
      g_set_object (&last_settings, gtk_print_operation_get_print_settings (operation));
      if (job->page_setup != NULL)
        {
          g_clear_object (&last_page_setup);
          last_page_setup = gtk_page_setup_copy (job->page_setup);
        }
    }
  g_object_unref (operation);
}

void
bulletin_print_article (GtkWindow                  *parent,
                        BulletinDisplayText        *display,
                        const BulletinPrintOptions *options,
                        guint                       sel_start,
                        guint                       sel_end)
{
  GtkPrintOperation *operation = bulletin_print_operation_new (display, options, sel_start, sel_end);
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  g_signal_connect (operation, "done", G_CALLBACK (done_cb), parent);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, &error);
  /* Synchronous backends report here, not through "done". */
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS && error != NULL)
    g_warning ("Printing failed: %s", error->message);
}

void
bulletin_print_get_paper_size (double *width,
                               double *height)
{
  if (last_page_setup != NULL)
    {
      *width = gtk_page_setup_get_paper_width (last_page_setup, GTK_UNIT_POINTS);
      *height = gtk_page_setup_get_paper_height (last_page_setup, GTK_UNIT_POINTS);
      if (gtk_page_setup_get_orientation (last_page_setup) == GTK_PAGE_ORIENTATION_LANDSCAPE ||
          gtk_page_setup_get_orientation (last_page_setup) == GTK_PAGE_ORIENTATION_REVERSE_LANDSCAPE)
        {
          double t = *width;

          *width = *height;
          *height = t;
        }
    }
  else
    bulletin_paper_get_size (BULLETIN_PAPER_A4, width, height);
}

GtkPrintOperationResult
bulletin_print_run_export (BulletinDisplayText        *display,
                           const BulletinPrintOptions *options,
                           BulletinPaper               paper,
                           const char                 *path,
                           GError                    **error)
{
  g_autoptr(GtkPrintOperation) operation = bulletin_print_operation_new (display, options, 0, 0);
  g_autoptr(GtkPageSetup) setup = page_setup_for_paper (paper);

  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_allow_async (operation, FALSE);
  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error);
}
