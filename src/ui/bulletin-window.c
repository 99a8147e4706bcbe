/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-reading-popover.h"
#include "bulletin-window.h"
#include "bulletin-a11y.h"
#include "bulletin-annotations-controller.h"
#include "bulletin-window-search.h"
#include "bulletin-window-corrections.h"
#include "bulletin-window-print.h"

#define MAX_RECENT 8

struct _BulletinWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *sidebar_button;
  GtkMenuButton        *menu_button;
  GtkWidget            *scan_box;
  GtkSpinner           *scan_spinner;
  GtkPaned             *paned;
  BulletinSidebar      *sidebar;
  GtkBox               *reader_area;
  GtkStack             *content_stack;
  AdwStatusPage        *status_page;
  GtkSpinner           *status_spinner;
  GtkWidget            *status_buttons;
  BulletinReaderView   *reader;

  GSettings            *settings;
  GMenu                *recent_menu;
  BulletinLibrary      *library;
  GCancellable         *cancellable;
  GError               *open_error;
  GPtrArray            *extra_panes;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;
#endif
};

G_DEFINE_FINAL_TYPE (BulletinWindow, bulletin_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SIDEBAR_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* AdwStatusPage scrolls its content in a focusable GtkScrolledWindow with no
 * name of its own; a screen reader would announce an empty "scroll pane".
 * It takes the page's title. */
static void
name_status_page_scroller (AdwStatusPage *page,
                           const char    *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (page));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SCROLLED_WINDOW (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      -1);
}

static void
set_status (BulletinWindow *self,
            const char     *icon_name,
            const char     *title,
            const char     *description,
            gboolean        busy,
            gboolean        buttons)
{
  adw_status_page_set_icon_name (self->status_page, icon_name);
  adw_status_page_set_title (self->status_page, title);
  name_status_page_scroller (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), busy);
  gtk_spinner_set_spinning (self->status_spinner, busy);
  gtk_widget_set_visible (self->status_buttons, buttons);
  gtk_stack_set_visible_child_name (self->content_stack, "status");
}

/* Says what the window holds: opening, an error, nothing, or the article. */
static void
update_state (BulletinWindow *self)
{
  const char *name;
  guint n;
  gboolean loading;

  if (self->library == NULL)
    {
      set_status (self, "folder-open-symbolic", _("No Archive Open"),
                  _("Open a folder of past issues, or drop one on this window."), FALSE, TRUE);
      bulletin_sidebar_set_placeholder (self->sidebar, _("No archive open"), FALSE);
      gtk_widget_set_visible (self->scan_box, FALSE);
      return;
    }

  name = bulletin_library_get_display_name (self->library);
  n = g_list_model_get_n_items (bulletin_library_get_issues (self->library));
  loading = bulletin_library_get_loading (self->library);

  gtk_widget_set_visible (self->scan_box, loading);
  gtk_spinner_set_spinning (self->scan_spinner, loading);

  if (self->open_error != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could Not Open “%s”"), name);

      set_status (self, "dialog-error-symbolic", title, self->open_error->message, FALSE, TRUE);
      bulletin_sidebar_set_placeholder (self->sidebar, title, FALSE);
      return;
    }

  if (loading)
    {
      g_autofree char *text = g_strdup_printf (_("Opening “%s”…"), name);
      bulletin_sidebar_set_placeholder (self->sidebar, text, TRUE);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("No issues in “%s”"), name);
      bulletin_sidebar_set_placeholder (self->sidebar, text, FALSE);
    }

  if (bulletin_reader_view_get_article (self->reader) != NULL)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "reader");
      return;
    }

  if (n == 0 && loading)
    {
      g_autofree char *title = g_strdup_printf (_("Opening “%s”…"), name);

      set_status (self, "folder-open-symbolic", title,
                  _("Looking for issues. Press Ctrl+. to stop."), TRUE, FALSE);
    }
  else if (loading)
    {
      BulletinArchive *archive = bulletin_library_get_archive (self->library);
      guint total = bulletin_archive_get_n_total (archive);
      g_autofree char *description =
        /* Translators: while an archive is scanned: "120 of 5000 entries read" */
        g_strdup_printf (_("%u of %u entries read. Choose an article, or press Ctrl+. to stop."),
                         MIN (bulletin_archive_get_n_scanned (archive), total), total);

      set_status (self, "x-office-document-symbolic", _("Choose an Article"),
                  total > 0 ? description : NULL, TRUE, FALSE);
    }
  else if (n == 0)
    {
      g_autofree char *title = g_strdup_printf (_("No Issues in “%s”"), name);

      set_status (self, "folder-open-symbolic", title,
                  _("It holds no ninjs (.json) files, plain-text (.txt) bulletins or folders of them."),
                  FALSE, TRUE);
    }
  else
    {
      g_autofree char *description =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u issue in “%s”. Choose an article from the list.",
                                      "%u issues in “%s”. Choose an article from the list.", n),
                         n, name);

      set_status (self, "x-office-document-symbolic", _("Choose an Article"), description,
                  FALSE, FALSE);
    }
}

/* --- recent archives ----------------------------------------------------- */

static void rebuild_primary_menu (BulletinWindow *self);

static void
rebuild_recent_menu (BulletinWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-archives");

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (recent[i]);
      g_autofree char *label = g_file_get_basename (file);
      g_autoptr(GMenuItem) item = NULL;

      if (label == NULL || g_str_equal (label, "/"))
        {
          g_free (label);
          label = g_file_get_parse_name (file);
        }
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-uri", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_menu, item);
    }
  rebuild_primary_menu (self);
}

static void
remember_archive (BulletinWindow *self,
                  GFile          *location)
{
  g_autofree char *uri = g_file_get_uri (location);
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-archives");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_settings_set_string (self->settings, "last-archive", uri);

  g_strv_builder_add (builder, uri);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (recent[i], uri))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-archives", (const char * const *)updated);
}

/* --- opening ----------------------------------------------------------------- */

static void
library_opened (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;
  BulletinLibrary *library = BULLETIN_LIBRARY (object);
  g_autoptr(GError) error = NULL;

  if (!bulletin_library_open_finish (library, result, &error))
    {
      if (library != self->library)
        return;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          guint n = g_list_model_get_n_items (bulletin_library_get_issues (library));
          g_autofree char *message =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Stopped scanning “%s”: %u issue listed",
                                          "Stopped scanning “%s”: %u issues listed", n),
                             bulletin_library_get_display_name (library), n);

          bulletin_window_show_message (self, message);
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Could not open “%s”: %s"),
                                                      bulletin_library_get_display_name (library),
                                                      error->message);

          g_debug ("%s", message);
          g_set_error_literal (&self->open_error, error->domain, error->code, error->message);
          /* the status page says it; screen readers find it here */
          bulletin_announce (GTK_WIDGET (self), message);
        }
      update_state (self);
      return;
    }

  if (library != self->library)
    return;

  if (bulletin_library_is_sample (library))
    g_settings_set_string (self->settings, "last-archive", "");
  else
    remember_archive (self, bulletin_library_get_location (library));

  if (bulletin_library_is_single_file (library) &&
      g_list_model_get_n_items (bulletin_library_get_issues (library)) > 0)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (bulletin_library_get_issues (library), 0);
      BulletinAnnotationsController *controller = bulletin_annotations_controller_get_for_window (self);

      if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        {
          g_autofree char *message = g_strdup_printf (_("Could not read “%s”: %s"),
                                                      bulletin_library_get_display_name (library),
                                                      bulletin_issue_get_error_message (issue));
          bulletin_window_show_message (self, message);
        }
      /* its first article, unless the reader is back where it left off */
      else if (bulletin_reader_view_get_article (self->reader) == NULL &&
               (controller == NULL || !bulletin_annotations_controller_is_opening (controller)))
        bulletin_sidebar_select_article (self->sidebar, issue, NULL);
    }

  update_state (self);
}

/* Opens @location, a folder of issues or a single issue file; NULL opens
 * the built-in sample archive.  The window shows the issues as they are
 * found. */
void
bulletin_window_open (BulletinWindow *self,
                      GFile          *location)
{
  g_autoptr(GFile) sample = NULL;
  BulletinAnnotationsController *controller;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_return_if_fail (location == NULL || G_IS_FILE (location));

  controller = bulletin_annotations_controller_get_for_window (self);
  /* where the reader is in the archive it leaves */
  if (controller != NULL)
    bulletin_annotations_controller_save_position (controller);

  if (location == NULL)
    location = sample = bulletin_library_dup_sample_location ();

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->open_error);

  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (bulletin_library_get_issues (self->library), self);
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (self->library, self);
  g_clear_object (&self->library);

  self->library = bulletin_library_new (location);
  bulletin_reader_view_set_article (self->reader, NULL);
  bulletin_sidebar_set_issues (self->sidebar, bulletin_library_get_issues (self->library));
  adw_window_title_set_subtitle (self->window_title, bulletin_library_get_display_name (self->library));

  g_signal_connect_object (bulletin_library_get_issues (self->library), "items-changed",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::loading",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (bulletin_library_get_archive (self->library), "notify::n-scanned",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);

  /* and back where it left off in this one, by whatever path it came */
  if (controller != NULL)
    bulletin_annotations_controller_archive_opened (controller);

  bulletin_library_open_async (self->library, self->cancellable, library_opened, g_object_ref (self));
  update_state (self);
}

/* Opens what the person had open last time, else the sample archive. */
void
bulletin_window_open_initial (BulletinWindow *self)
{
  g_autofree char *last = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  last = g_settings_get_string (self->settings, "last-archive");
  if (last != NULL && *last != 0)
    file = g_file_new_for_uri (last);
  bulletin_window_open (self, file);
}

/* Stops a running scan; the issues listed so far stay. */
void
bulletin_window_cancel_scan (BulletinWindow *self)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_cancellable_cancel (self->cancellable);
}

/* --- file chooser ------------------------------------------------------------ */

#if GTK_CHECK_VERSION (4, 10, 0)
static void
dialog_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;
  GtkFileDialog *dialog = GTK_FILE_DIALOG (object);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (GPOINTER_TO_INT (g_object_get_data (object, "bulletin-folder")))
    file = gtk_file_dialog_select_folder_finish (dialog, result, &error);
  else
    file = gtk_file_dialog_open_finish (dialog, result, &error);

  if (file != NULL)
    bulletin_window_open (self, file);
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
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        bulletin_window_open (self, file);
    }
  g_clear_object (&self->chooser);
}
#endif

static GtkFileFilter *
issue_file_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Issues (ninjs, NewsML, plain text)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "xml");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_mime_type (filter, "text/plain");
  return filter;
}

static void
choose (BulletinWindow *self,
        gboolean        folder)
{
  const char *title = folder ? _("Open an Archive Folder") : _("Open an Issue File");
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  g_object_set_data (G_OBJECT (dialog), "bulletin-folder", GINT_TO_POINTER (folder));
  if (folder)
    gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, dialog_done, g_object_ref (self));
  else
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
      g_autoptr(GtkFileFilter) filter = issue_file_filter ();

      g_list_store_append (filters, filter);
      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_open (dialog, GTK_WINDOW (self), NULL, dialog_done, g_object_ref (self));
    }
#else
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                      : GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (!folder)
    {
      g_autoptr(GtkFileFilter) filter = issue_file_filter ();
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
#endif
}

/* --- panes and focus --------------------------------------------------------- */

static GPtrArray *
collect_panes (BulletinWindow *self)
{
  GPtrArray *panes = g_ptr_array_new ();

  /* not while F9 hid it, nor while another page of its column shows */
  if (gtk_widget_is_visible (GTK_WIDGET (self->sidebar)) &&
      (gtk_widget_get_mapped (GTK_WIDGET (self->sidebar)) ||
       !gtk_widget_get_mapped (GTK_WIDGET (self))))
    g_ptr_array_add (panes, self->sidebar);
  g_ptr_array_add (panes, self->content_stack);
  for (guint i = 0; i < self->extra_panes->len; i++)
    {
      GtkWidget *pane = g_ptr_array_index (self->extra_panes, i);

      /* a search bar out of search mode is there but folded away */
      if (gtk_widget_get_mapped (pane) && gtk_widget_is_sensitive (pane) &&
          gtk_widget_get_width (pane) > 0 && gtk_widget_get_height (pane) > 0)
        g_ptr_array_add (panes, pane);
    }
  return panes;
}

static void
focus_pane (BulletinWindow *self,
            GtkWidget      *pane)
{
  if (pane == GTK_WIDGET (self->sidebar))
    bulletin_sidebar_focus_selection (self->sidebar);
  else if (pane == GTK_WIDGET (self->content_stack))
    {
      if (bulletin_reader_view_get_article (self->reader) != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (self->reader)));
      else if (!gtk_widget_child_focus (GTK_WIDGET (self->status_page), GTK_DIR_TAB_FORWARD))
        gtk_widget_grab_focus (GTK_WIDGET (self->status_page));
    }
  else if (!gtk_widget_grab_focus (pane))
    gtk_widget_child_focus (pane, GTK_DIR_TAB_FORWARD);
}

static void
cycle_panes (BulletinWindow *self,
             int             direction)
{
  g_autoptr(GPtrArray) panes = collect_panes (self);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  int current = -1;

  for (guint i = 0; i < panes->len && focus != NULL; i++)
    if (focus == g_ptr_array_index (panes, i) || gtk_widget_is_ancestor (focus, g_ptr_array_index (panes, i)))
      current = i;

  if (current < 0)
    current = direction > 0 ? -1 : 0;
  current = (current + direction + (int)panes->len) % (int)panes->len;
  focus_pane (self, g_ptr_array_index (panes, current));
}

/* --- actions ------------------------------------------------------------------- */

static void
open_folder_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  choose (BULLETIN_WINDOW (user_data), TRUE);
}

static void
open_file_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  choose (BULLETIN_WINDOW (user_data), FALSE);
}

static void
open_uri_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  bulletin_window_open (BULLETIN_WINDOW (user_data), file);
}

static void
open_sample_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  bulletin_window_open (BULLETIN_WINDOW (user_data), NULL);
}

static void
cancel_scan_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  bulletin_window_cancel_scan (BULLETIN_WINDOW (user_data));
}

static void
focus_next_pane_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  cycle_panes (BULLETIN_WINDOW (user_data), 1);
}

static void
focus_previous_pane_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  cycle_panes (BULLETIN_WINDOW (user_data), -1);
}

static void
focus_sidebar_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (user_data);

  bulletin_window_set_sidebar_visible (self, TRUE);
  bulletin_sidebar_focus_selection (self->sidebar);
}

static void
focus_reader_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (user_data);

  focus_pane (self, GTK_WIDGET (self->content_stack));
}

static void
move_article_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (user_data);
  int direction = g_str_equal (g_action_get_name (G_ACTION (action)), "next-article") ? 1 : -1;

  if (!bulletin_sidebar_move_article (self->sidebar, direction))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static const GActionEntry win_actions[] = {
  { "open-folder", open_folder_action },
  { "open-file", open_file_action },
  { "open-uri", open_uri_action, "s" },
  { "open-sample", open_sample_action },
  { "cancel-scan", cancel_scan_action },
  { "focus-next-pane", focus_next_pane_action },
  { "focus-previous-pane", focus_previous_pane_action },
  { "focus-sidebar", focus_sidebar_action },
  { "focus-reader", focus_reader_action },
  { "next-article", move_article_action },
  { "previous-article", move_article_action },
};

/* --- signals ------------------------------------------------------------------- */

static void
article_selected (BulletinSidebar *sidebar,
                  BulletinIssue   *issue,
                  BulletinArticle *article,
                  BulletinWindow  *self)
{
  bulletin_reader_view_set_article (self->reader, article);
  update_state (self);
}

static void
article_activated (BulletinSidebar *sidebar,
                   BulletinIssue   *issue,
                   BulletinArticle *article,
                   BulletinWindow  *self)
{
  article_selected (sidebar, issue, article, self);
  gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (self->reader)));
}

static void
issue_load_failed (BulletinSidebar *sidebar,
                   BulletinIssue   *issue,
                   const char      *message,
                   BulletinWindow  *self)
{
  bulletin_window_show_message (self, message);
}

static gboolean
on_drop (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         BulletinWindow *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  bulletin_window_open (self, G_FILE (files->data));
  return TRUE;
}

/* --- object -------------------------------------------------------------------- */

static gboolean
bulletin_window_close_request (GtkWindow *window)
{
  BulletinWindow *self = BULLETIN_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (bulletin_window_parent_class)->close_request (window);
}

static void
bulletin_window_dispose (GObject *object)
{
  BulletinWindow *self = (BulletinWindow *)object;

  g_cancellable_cancel (self->cancellable);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (bulletin_library_get_issues (self->library), self);
  /* Helpers attached to the window (notes: a popover parented on the
   * reader's text view) go before the widgets they hang on. */
  g_object_set_data (G_OBJECT (self), "bulletin-annotations-controller", NULL);

  /* settings of a closed window must not reach its widgets any more */
  if (self->sidebar != NULL)
    {
      g_settings_unbind (self, "sidebar-visible");
      g_settings_unbind (self->paned, "position");
      g_action_map_remove_action (G_ACTION_MAP (self), "toggle-sidebar");
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_WINDOW);
  g_clear_object (&self->library);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent_menu);
  g_clear_pointer (&self->extra_panes, g_ptr_array_unref);
  g_clear_error (&self->open_error);

  G_OBJECT_CLASS (bulletin_window_parent_class)->dispose (object);
}

/* What F9 hides is the paned's start child, whatever holds the sidebar
 * (the notes put it in a stack with their own pages). */
static GtkWidget *
sidebar_pane (BulletinWindow *self)
{
  GtkWidget *start = gtk_paned_get_start_child (self->paned);

  return start != NULL ? start : GTK_WIDGET (self->sidebar);
}

gboolean
bulletin_window_get_sidebar_visible (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), FALSE);
  return gtk_widget_get_visible (sidebar_pane (self));
}

/* Shows or hides the sidebar (F9); the focus leaves it when it hides. */
void
bulletin_window_set_sidebar_visible (BulletinWindow *self,
                                     gboolean        visible)
{
  GtkWidget *pane;
  GtkWidget *focus;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  pane = sidebar_pane (self);
  if (gtk_widget_get_visible (pane) == !!visible)
    return;

  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (!visible && focus != NULL && gtk_widget_is_ancestor (focus, pane))
    gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (self->reader)));
  gtk_widget_set_visible (pane, visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDEBAR_VISIBLE]);
}

static void
bulletin_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BulletinWindow *self = BULLETIN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SIDEBAR_VISIBLE:
      g_value_set_boolean (value, bulletin_window_get_sidebar_visible (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_window_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BulletinWindow *self = BULLETIN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SIDEBAR_VISIBLE:
      bulletin_window_set_sidebar_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_window_class_init (BulletinWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bulletin_window_dispose;
  object_class->get_property = bulletin_window_get_property;
  object_class->set_property = bulletin_window_set_property;
  window_class->close_request = bulletin_window_close_request;

  properties[PROP_SIDEBAR_VISIBLE] =
    g_param_spec_boolean ("sidebar-visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BULLETIN_TYPE_SIDEBAR);
  g_type_ensure (BULLETIN_TYPE_READER_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, scan_box);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, scan_spinner);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, reader_area);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, status_buttons);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, reader);
}

/* The primary menu; "Recent Archives" only when there are some. */
static void
rebuild_primary_menu (BulletinWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) open_section = g_menu_new ();
  g_autoptr(GMenu) app_section = g_menu_new ();

  g_menu_append (open_section, _("_Open Archive Folder…"), "win.open-folder");
  g_menu_append (open_section, _("Open _File…"), "win.open-file");
  g_menu_append (open_section, _("Open _Sample Archive"), "win.open-sample");
  if (g_menu_model_get_n_items (G_MENU_MODEL (self->recent_menu)) > 0)
    g_menu_append_submenu (open_section, _("_Recent Archives"), G_MENU_MODEL (self->recent_menu));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (open_section));
  {
    /* a plain-text issue read in the wrong encoding (even one that could
     * not be read at all): bulletin-window-corrections.c */
    g_autoptr(GMenu) issue_section = g_menu_new ();

    g_menu_append (issue_section, _("Reopen Issue with _Encoding…"), "win.choose-encoding");
    g_menu_append_section (menu, NULL, G_MENU_MODEL (issue_section));
  }

  /* The article in the reader: print and export (bulletin-window-print.c). */
  {
    g_autoptr(GMenu) article_section = g_menu_new ();

    g_menu_append (article_section, _("_Print…"), "win.print");
    g_menu_append (article_section, _("Print Pre_view"), "win.print-preview");
    g_menu_append (article_section, _("Export as P_DF…"), "win.export-pdf");
    g_menu_append (article_section, _("Export as _Image…"), "win.export-image");
    g_menu_append_section (menu, NULL, G_MENU_MODEL (article_section));
  }

  g_menu_append (app_section, _("_Keyboard Shortcuts"), "app.shortcuts");
  g_menu_append (app_section, _("_About Bulletin Reader"), "app.about");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (app_section));

  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

/* Reading preferences: a popover at the end of the header bar, applied
 * live to the reader; and a word once when no Chinese font is installed. */
static void
bulletin_window_reading_init (BulletinWindow *self)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = bulletin_reading_popover_new (self->settings);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "preferences-desktop-font-symbolic");
  gtk_widget_set_tooltip_text (button, _("Reading Preferences"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reading Preferences"), -1);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  adw_header_bar_pack_end (self->header_bar, button);
  bulletin_reading_popover_attach (BULLETIN_READING_POPOVER (popover), self->reader, GTK_WINDOW (self));

  if (!bulletin_typography_have_cjk_font ())
    {
      AdwToast *toast = adw_toast_new (_("No Chinese font is installed: install Noto CJK "
                                         "(fonts-noto-cjk) to read Chinese articles"));

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

static void
bulletin_window_init (BulletinWindow *self)
{
  g_autoptr(GPropertyAction) toggle_sidebar = NULL;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->extra_panes = g_ptr_array_new ();
  self->settings = g_settings_new (APP_ID);
  self->recent_menu = g_menu_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  toggle_sidebar = g_property_action_new ("toggle-sidebar", self, "sidebar-visible");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (toggle_sidebar));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "sidebar-width", self->paned, "position", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "sidebar-visible", self, "sidebar-visible", G_SETTINGS_BIND_DEFAULT);

  rebuild_recent_menu (self);
  g_signal_connect_object (self->settings, "changed::recent-archives",
                           G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->sidebar, "article-selected", G_CALLBACK (article_selected), self, 0);
  g_signal_connect_object (self->sidebar, "article-activated", G_CALLBACK (article_activated), self, 0);
  g_signal_connect_object (self->sidebar, "load-failed", G_CALLBACK (issue_load_failed), self, 0);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  bulletin_annotations_controller_attach (self);
  bulletin_window_corrections_init (self);

  /* keyboard users start in the list, not on the first header button */
  gtk_window_set_focus (GTK_WINDOW (self), bulletin_sidebar_get_list_view (self->sidebar));

  update_state (self);
  bulletin_window_search_init (self);
  bulletin_window_print_init (self);
  bulletin_window_reading_init (self);
}

/**
 * bulletin_window_new:
 *
 * Returns: (transfer full): a new window, with nothing open yet
 */
BulletinWindow *
bulletin_window_new (BulletinApplication *application)
{
  return g_object_new (BULLETIN_TYPE_WINDOW, "application", application, NULL);
}

/**
 * bulletin_window_get_library:
 *
 * Returns: (transfer none) (nullable): what is open
 */
BulletinLibrary *
bulletin_window_get_library (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->library;
}

/**
 * bulletin_window_get_sidebar:
 *
 * Returns: (transfer none): the sidebar
 */
BulletinSidebar *
bulletin_window_get_sidebar (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->sidebar;
}

/**
 * bulletin_window_get_reader:
 *
 * Returns: (transfer none): the reader
 */
BulletinReaderView *
bulletin_window_get_reader (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->reader;
}

/**
 * bulletin_window_get_header_bar:
 *
 * For buttons of other parts (search, reading preferences): pack them at
 * the end.
 *
 * Returns: (transfer none): the header bar
 */
AdwHeaderBar *
bulletin_window_get_header_bar (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->header_bar;
}

/**
 * bulletin_window_get_reader_area:
 *
 * The vertical box that holds the reader (and its status page): prepend a
 * search bar, append a notes strip.
 *
 * Returns: (transfer none): the box
 */
GtkBox *
bulletin_window_get_reader_area (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->reader_area;
}

/**
 * bulletin_window_get_status_page:
 *
 * Returns: (transfer none): the page shown instead of the reader when no
 * article is open (opening, empty, error)
 */
AdwStatusPage *
bulletin_window_get_status_page (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->status_page;
}

/* Selects @article of @issue in the sidebar and shows it (once the issue
 * has loaded). */
void
bulletin_window_show_article (BulletinWindow  *self,
                              BulletinIssue   *issue,
                              BulletinArticle *article)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  if (!bulletin_sidebar_select_article (self->sidebar, issue, article) && article != NULL)
    {
      bulletin_reader_view_set_article (self->reader, article);
      update_state (self);
    }
}

/* Adds @pane (a search bar, a notes list) to the panes F6 cycles through,
 * after the sidebar and the reader; it takes part while it is on screen
 * (mapped, sensitive, not folded to nothing). */
void
bulletin_window_add_pane (BulletinWindow *self,
                          GtkWidget      *pane)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (pane));

  g_ptr_array_add (self->extra_panes, pane);
}

void
bulletin_window_remove_pane (BulletinWindow *self,
                             GtkWidget      *pane)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  g_ptr_array_remove (self->extra_panes, pane);
}

void
bulletin_window_add_toast (BulletinWindow *self,
                           AdwToast       *toast)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Tells the person @message in a toast, and puts it in the window's
 * accessible description so that screen readers on GTK 4.8 can find it. */
void
bulletin_window_show_message (BulletinWindow *self,
                              const char     *message)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* the toast's title is markup */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  bulletin_announce (GTK_WIDGET (self), message);
}
