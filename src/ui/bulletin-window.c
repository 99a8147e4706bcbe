/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-reading-popover.h"
#include "bulletin-a11y.h"
#include "bulletin-window-private.h"
#include "bulletin-window-navigation.h"
#include "bulletin-formats.h"
#include "bulletin-memory.h"

#define MAX_RECENT 8

G_DEFINE_FINAL_TYPE (BulletinWindow, bulletin_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SIDEBAR_VISIBLE,
  PROP_FOLDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void remember_shown    (BulletinWindow  *self,
                               BulletinIssue   *issue,
                               BulletinArticle *article);
static void check_shown_issue (BulletinWindow  *self);
static void split_set_revealed (BulletinWindow *self,
                                gboolean        revealed);
static void window_children_changed (GListModel *children,
                                     guint       position,
                                     guint       removed,
                                     guint       added,
                                     gpointer    user_data);

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

  if (self->unreadable != NULL)
    {
      g_autofree char *title =
        /* Translators: the reader's page for a file that cannot be read */
        g_strdup_printf (_("Cannot Read “%s”"), bulletin_issue_get_display_name (self->unreadable));

      set_status (self, "dialog-warning-symbolic", title,
                  bulletin_issue_get_error_message (self->unreadable), FALSE, FALSE);
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
      g_autofree char *description = NULL;
      GListModel *issues = bulletin_library_get_issues (self->library);

      /* files that cannot be read are no issues */
      for (guint i = 0, total = n; i < total; i++)
        {
          g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);

          if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
            n--;
        }
      description =
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
#define N_OPEN_ITEMS 3  /* Open Folder, Open File, Open Sample */

/* A Recent Archives row: the archive's name as it is (underscores and
 * all: no mnemonic), and the folder it is in under it. */
static GtkWidget *
recent_row_new (GFile          *file,
                const char     *uri,
                const char     *name)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *folder = parent != NULL ? g_file_get_parse_name (parent) : NULL;
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *subtitle = gtk_label_new (folder);
  g_autofree char *accessible = folder != NULL
    /* Translators: a recent archive in the menu: its name, the folder it is in */
    ? g_strdup_printf (_("%s, in %s"), name, folder) : g_strdup (name);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 36);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (subtitle), 36);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_visible (subtitle, folder != NULL);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);

  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "bulletin-recent-archive");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-uri");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (uri));
  gtk_widget_set_tooltip_text (button, folder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return button;
}

static char *
recent_name (GFile *file)
{
  char *name = g_file_get_basename (file);

  if (name == NULL || g_str_equal (name, "/"))
    {
      g_free (name);
      name = g_file_get_parse_name (file);
    }
  return name;
}

/* Recent Archives: the archives opened before, not the one open now. */
static void
rebuild_recent_menu (BulletinWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-archives");
  g_autofree char *open_uri = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *popover;

  if (self->library != NULL && !bulletin_library_is_sample (self->library))
    open_uri = g_file_get_uri (bulletin_library_get_location (self->library));

  g_menu_remove_all (self->recent_menu);
  self->recent_generation++;
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (recent[i]);
      g_autofree char *name = recent_name (file);
      g_auto(GStrv) parts = NULL;
      g_autofree char *escaped = NULL;
      /* a new id each time: the popover may keep the rows of the last */
      g_autofree char *id = g_strdup_printf ("recent-%u-%u", self->recent_generation, i);
      g_autoptr(GMenuItem) item = NULL;

      if (g_strcmp0 (recent[i], open_uri) == 0)
        continue;
      /* the label, were the row not shown: "_" is no mnemonic */
      parts = g_strsplit (name, "_", -1);
      escaped = g_strjoinv ("__", parts);
      item = g_menu_item_new (escaped, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-uri", g_variant_new_string (recent[i]));
      g_menu_item_set_attribute (item, "custom", "s", id);
      g_menu_append_item (self->recent_menu, item);
      g_ptr_array_add (rows, recent_row_new (file, recent[i], name));
      g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  rebuild_primary_menu (self);

  popover = GTK_WIDGET (gtk_menu_button_get_popover (self->menu_button));
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      g_object_ref_sink (row);
      if (popover != NULL &&
          gtk_popover_menu_add_child (GTK_POPOVER_MENU (popover), row, g_ptr_array_index (ids, i)))
        g_signal_connect_object (row, "clicked", G_CALLBACK (gtk_popover_popdown),
                                 popover, G_CONNECT_SWAPPED);
      g_object_unref (row);
    }
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
      BulletinAnnotationsController *controller = self->annotations;

      if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        {
          g_autofree char *message = g_strdup_printf (_("Could not read “%s”: %s"),
                                                      bulletin_library_get_display_name (library),
                                                      bulletin_issue_get_error_message (issue));
          bulletin_window_show_message (self, message);
          g_set_object (&self->unreadable, issue);
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

  controller = self->annotations;
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
  g_clear_object (&self->unreadable);
  rebuild_recent_menu (self);
  bulletin_reader_view_set_article (self->reader, NULL);
  remember_shown (self, NULL, NULL);
  bulletin_sidebar_set_issues (self->sidebar, bulletin_library_get_issues (self->library));
  adw_window_title_set_subtitle (self->window_title, bulletin_library_get_display_name (self->library));

  g_signal_connect_object (bulletin_library_get_issues (self->library), "items-changed",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (bulletin_library_get_archive (self->library), "items-changed",
                           G_CALLBACK (check_shown_issue), self, G_CONNECT_SWAPPED);
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
dialog_done (BulletinWindow *self,
             GFile          *file,
             GError         *error)
{
  if (file != NULL)
    bulletin_window_open (self, file);
  else if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
           !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    bulletin_window_show_message (self, error->message);
}

static void
folder_dialog_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (object), result, &error);

  dialog_done (self, file, error);
}

static void
file_dialog_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, &error);

  dialog_done (self, file, error);
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
  const BulletinFormat *formats;
  guint n_formats;

  gtk_file_filter_set_name (filter, _("Issues (ninjs, NewsML, plain text)"));
  /* every ending the table of formats reads */
  formats = bulletin_formats_get (&n_formats);
  for (guint i = 0; i < n_formats; i++)
    for (guint j = 0; formats[i].extensions != NULL && formats[i].extensions[j] != NULL; j++)
      gtk_file_filter_add_suffix (filter, formats[i].extensions[j]);
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
  if (folder)
    gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, folder_dialog_done, g_object_ref (self));
  else
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
      g_autoptr(GtkFileFilter) filter = issue_file_filter ();

      g_list_store_append (filters, filter);
      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_open (dialog, GTK_WINDOW (self), NULL, file_dialog_done, g_object_ref (self));
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

/* F9 and the header's button.  A GPropertyAction on the window would hold
 * the window from its own action map: a closed window would never go. */
static void
toggle_sidebar_change_state (GSimpleAction *action,
                             GVariant      *state,
                             gpointer       user_data)
{
  bulletin_window_set_sidebar_visible (BULLETIN_WINDOW (user_data), g_variant_get_boolean (state));
  g_simple_action_set_state (action, g_variant_new_boolean (bulletin_window_get_sidebar_visible (user_data)));
}

/* Ctrl+plus, Ctrl+minus, Ctrl+0: the reading preferences' text size */
static void
text_size_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (user_data);
  const char *name = g_action_get_name (G_ACTION (action));

  bulletin_reading_settings_step_size (self->settings,
                                       g_str_equal (name, "text-larger") ? 1
                                       : g_str_equal (name, "text-smaller") ? -1 : 0);
}

/* Every win.* action, here and in the window's other files; their
 * shortcuts are in bulletin-accels.c. */
static const GActionEntry win_actions[] = {
  /* opening, the panes, the sidebar: this file */
  { "toggle-sidebar", NULL, NULL, "true", toggle_sidebar_change_state },
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
  { "text-larger", text_size_action },
  { "text-smaller", text_size_action },
  { "text-reset", text_size_action },
  /* Go to Date, Open Containing Folder: bulletin-window-navigation.c */
  { "go-to-date", _bulletin_window_go_to_date },
  { "open-containing-folder", _bulletin_window_open_containing_folder, "s" },
  /* search: bulletin-window-search.c */
  { "find", _bulletin_window_find },
  { "find-next", _bulletin_window_find_next },
  { "find-previous", _bulletin_window_find_previous },
  { "search-archive", _bulletin_window_search_archive },
  /* print and export: bulletin-window-print.c */
  { "print", _bulletin_window_print },
  { "print-preview", _bulletin_window_print_preview },
  { "export-pdf", _bulletin_window_export_pdf },
  { "export-image", _bulletin_window_export_image },
  /* corrections of plain-text issues: bulletin-window-corrections.c */
  { "correct-new-article", _bulletin_window_correct },
  { "correct-join-previous", _bulletin_window_correct },
  { "correct-headline", _bulletin_window_correct },
  { "correct-subtitle", _bulletin_window_correct },
  { "correct-byline", _bulletin_window_correct },
  { "correct-dateline", _bulletin_window_correct },
  { "correct-subhead", _bulletin_window_correct },
  { "correct-body", _bulletin_window_correct },
  { "reset-corrections", _bulletin_window_reset_corrections },
  { "reopen-with-encoding", _bulletin_window_reopen_with_encoding, "s" },
  { "choose-encoding", _bulletin_window_choose_encoding },
  /* bookmarks and notes: bulletin-annotations-controller.c */
  { "toggle-bookmark", _bulletin_window_toggle_bookmark, NULL, "false" },
  { "add-note", _bulletin_window_add_note },
  { "add-article-note", _bulletin_window_add_note },
  { "copy-citation", _bulletin_window_copy_citation },
  { "export-notes", _bulletin_window_notes_file },
  { "backup-notes", _bulletin_window_notes_file },
  { "import-notes", _bulletin_window_notes_file },
  { "undo", _bulletin_window_undo },
};

/* --- the shown article's file ---------------------------------------------- */

static void
remember_shown (BulletinWindow  *self,
                BulletinIssue   *issue,
                BulletinArticle *article)
{
  guint index = 0;

  if (article == NULL || issue == NULL)
    issue = NULL;
  g_set_object (&self->shown_issue, issue);
  /* the reader says which issue the article belongs to */
  bulletin_reader_view_set_issue (self->reader, issue);
  /* the archive search's "This issue only": the issue's file in the
   * archive (two issues that print the same articles have one id) */
  if (self->archive_search != NULL)
    {
      GFile *root = self->library != NULL ? bulletin_library_get_location (self->library) : NULL;
      GFile *file = issue != NULL ? bulletin_issue_get_file (issue) : NULL;
      g_autofree char *relative = root != NULL && file != NULL ? g_file_get_relative_path (root, file) : NULL;

      bulletin_archive_search_set_current_issue (self->archive_search,
                                                 relative != NULL ? relative :
                                                 issue != NULL ? bulletin_issue_get_id (issue) : NULL);
    }
  g_clear_pointer (&self->shown_issue_name, g_free);
  g_clear_pointer (&self->shown_article_id, g_free);
  self->shown_article_index = 0;
  if (issue == NULL)
    return;
  self->shown_issue_name = g_strdup (bulletin_issue_get_display_name (issue));
  self->shown_article_id = g_strdup (bulletin_article_get_id (article));
  if (g_list_store_find (G_LIST_STORE (bulletin_issue_get_articles (issue)), article, &index))
    self->shown_article_index = index;
}

/* The archive lists an issue anew when its file changed, was emptied or
 * removed (its monitor reads it again): the reader's article then no
 * longer matches its file, and says so. */
static void
check_shown_issue (BulletinWindow *self)
{
  BulletinArchive *archive;

  if (self->shown_issue == NULL || self->library == NULL)
    return;
  archive = bulletin_library_get_archive (self->library);
  if (bulletin_archive_find_issue (archive, self->shown_issue_name) != self->shown_issue)
    bulletin_reader_view_set_stale (self->reader, TRUE);
}

static void
reload_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BulletinWindow) self = user_data;
  BulletinIssue *issue = BULLETIN_ISSUE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinArticle) by_index = NULL;
  BulletinArticle *article = NULL;
  GListModel *articles;
  guint n;

  if (!bulletin_issue_load_finish (issue, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      bulletin_reader_view_set_article (self->reader, NULL);
      remember_shown (self, NULL, NULL);
      update_state (self);
      bulletin_window_show_message (self, error->message);
      return;
    }

  /* the same article, else the one at its place, else the first */
  articles = bulletin_issue_get_articles (issue);
  n = g_list_model_get_n_items (articles);
  if (self->shown_article_id != NULL)
    article = bulletin_issue_find_article (issue, self->shown_article_id);
  if (article == NULL && n > 0)
    article = by_index = g_list_model_get_item (articles, MIN (self->shown_article_index, n - 1));
  if (article == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” holds no article now"),
                                                  bulletin_issue_get_display_name (issue));

      bulletin_reader_view_set_article (self->reader, NULL);
      remember_shown (self, NULL, NULL);
      update_state (self);
      bulletin_window_show_message (self, message);
      return;
    }
  bulletin_window_show_article (self, issue, article);
}

/* Reload, from the reader's bar: the issue as the archive lists it now. */
static void
reload_shown (BulletinWindow *self)
{
  BulletinIssue *issue = NULL;

  if (self->library != NULL && self->shown_issue_name != NULL)
    issue = bulletin_archive_find_issue (bulletin_library_get_archive (self->library),
                                         self->shown_issue_name);
  if (issue == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is no longer in the archive"),
                                                  self->shown_issue_name ? self->shown_issue_name : "");

      bulletin_reader_view_set_article (self->reader, NULL);
      remember_shown (self, NULL, NULL);
      update_state (self);
      bulletin_window_show_message (self, message);
      return;
    }

  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);
  self->reload_cancellable = g_cancellable_new ();
  bulletin_issue_load_async (issue, self->reload_cancellable, reload_loaded, g_object_ref (self));
}

/* --- signals ------------------------------------------------------------------- */

static void
article_selected (BulletinSidebar *sidebar,
                  BulletinIssue   *issue,
                  BulletinArticle *article,
                  BulletinWindow  *self)
{
  g_clear_object (&self->unreadable);
  bulletin_reader_view_set_article (self->reader, article);
  remember_shown (self, issue, article);
  update_state (self);
}

/* A file that cannot be read: the reader says which, and why. */
static void
unreadable_selected (BulletinSidebar *sidebar,
                     BulletinIssue   *issue,
                     BulletinWindow  *self)
{
  g_set_object (&self->unreadable, issue);
  bulletin_reader_view_set_article (self->reader, NULL);
  remember_shown (self, NULL, NULL);
  update_state (self);
}

static void
article_activated (BulletinSidebar *sidebar,
                   BulletinIssue   *issue,
                   BulletinArticle *article,
                   BulletinWindow  *self)
{
  article_selected (sidebar, issue, article, self);
  /* a folded sidebar covers the article: it steps aside */
  if (bulletin_window_get_folded (self))
    split_set_revealed (self, FALSE);
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

/* --- the sidebar's pages: Issues, Bookmarks, Notes ----------------------------- */

static void
page_button_toggled (BulletinWindow  *self,
                     GtkToggleButton *button)
{
  const char *name = NULL;

  if (!gtk_toggle_button_get_active (button) || self->sidebar_stack == NULL)
    return;
  if (GTK_WIDGET (button) == self->issues_button)
    name = "issues";
  else if (GTK_WIDGET (button) == self->bookmarks_button)
    name = "bookmarks";
  else if (GTK_WIDGET (button) == self->notes_button)
    name = "notes";
  if (name != NULL)
    gtk_stack_set_visible_child_name (self->sidebar_stack, name);
}

static void
sidebar_page_changed (BulletinWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->sidebar_stack);
  GtkWidget *buttons[] = { self->issues_button, self->bookmarks_button, self->notes_button };
  GtkWidget *button = g_strcmp0 (name, "bookmarks") == 0 ? self->bookmarks_button
                    : g_strcmp0 (name, "notes") == 0 ? self->notes_button
                    : g_strcmp0 (name, "issues") == 0 ? self->issues_button
                    : NULL;

  if (button != NULL)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  else
    /* the archive search: none of the three */
    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      if (buttons[i] != NULL)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (buttons[i]), FALSE);
}

/* Escape in the archive search: back to the list of issues */
static void
archive_search_closed (BulletinWindow *self)
{
  gtk_stack_set_visible_child_name (self->sidebar_stack, "issues");
  bulletin_sidebar_focus_selection (self->sidebar);
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
  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);
  g_clear_object (&self->shown_issue);
  g_clear_pointer (&self->shown_issue_name, g_free);
  g_clear_pointer (&self->shown_article_id, g_free);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (bulletin_library_get_issues (self->library), self);
  /* Helpers attached to the window (notes: a popover parented on the
   * reader's text view) go before the widgets they hang on. */
  g_clear_object (&self->annotations);
  _bulletin_window_search_dispose (self);
  _bulletin_window_print_dispose (self);

  /* settings of a closed window must not reach its widgets any more */
  g_clear_handle_id (&self->folded_idle_id, g_source_remove);
  if (self->focus_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick_id);
      self->focus_tick_id = 0;
    }
  if (self->children != NULL)
    g_signal_handlers_disconnect_by_func (self->children, window_children_changed, NULL);
  g_clear_object (&self->children);
  if (self->split != NULL && self->reveal_tick_id != 0)
    gtk_widget_remove_tick_callback (self->split, self->reveal_tick_id);
  self->reveal_tick_id = 0;
  if (self->split != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->split, self);
      self->split = NULL;
    }
  if (self->sidebar != NULL)
    {
      g_action_map_remove_action (G_ACTION_MAP (self), "toggle-sidebar");
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_WINDOW);
  g_clear_object (&self->library);
  g_clear_object (&self->unreadable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent_menu);
  g_clear_object (&self->open_section);
  g_clear_pointer (&self->extra_panes, g_ptr_array_unref);
  g_clear_error (&self->open_error);

  G_OBJECT_CLASS (bulletin_window_parent_class)->dispose (object);
  /* after the widgets: its popover's signals reach it until they go */
  _bulletin_window_navigation_dispose (self);
  /* and their pages, with the window's surfaces, back to the system */
  bulletin_memory_trim_when_idle ();
}

/* --- the sidebar: beside the reader, or over it in a narrow window ------------ */

/* Below this width (the sidebar column's 320 px and the reader's 360 px)
 * the sidebar folds over the reader, as in GNOME's own apps. */
#define NARROW_WIDTH 680

static gboolean
split_get_revealed (BulletinWindow *self)
{
  if (self->split == NULL)
    return FALSE;
#if ADW_CHECK_VERSION (1, 4, 0)
  return adw_overlay_split_view_get_show_sidebar (ADW_OVERLAY_SPLIT_VIEW (self->split));
#else
  if (self->reveal_tick_id != 0)
    return self->pending_reveal;
  return adw_flap_get_reveal_flap (ADW_FLAP (self->split));
#endif
}

#if !ADW_CHECK_VERSION (1, 4, 0)
/* AdwFlap (libadwaita < 1.4) starts its reveal animation at a speed of
 * 0 / (the flap's width): before the flap's first layout that is 0 / 0,
 * and until the animation ends the reader gets a width of G_MININT
 * ("attempt to allocate GtkBox with width -2147483648").  F9 pressed as
 * the window opens, or a window mapped but not yet laid out on a busy
 * machine: the reveal waits for the first layout. */
static gboolean
apply_pending_reveal (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  BulletinWindow *self = user_data;

  if (adw_swipeable_get_distance (ADW_SWIPEABLE (widget)) <= 0)
    return G_SOURCE_CONTINUE;
  self->reveal_tick_id = 0;
  adw_flap_set_reveal_flap (ADW_FLAP (widget), self->pending_reveal);
  return G_SOURCE_REMOVE;
}
#endif

static void
split_set_revealed (BulletinWindow *self,
                    gboolean        revealed)
{
  if (self->split == NULL)
    return;
#if ADW_CHECK_VERSION (1, 4, 0)
  adw_overlay_split_view_set_show_sidebar (ADW_OVERLAY_SPLIT_VIEW (self->split), revealed);
#else
  revealed = !!revealed;
  if (self->reveal_tick_id != 0)
    {
      self->pending_reveal = revealed;
      return;
    }
  /* (unmapped, the flap skips its animation) */
  if (gtk_widget_get_mapped (self->split) &&
      adw_swipeable_get_distance (ADW_SWIPEABLE (self->split)) <= 0 &&
      revealed != adw_flap_get_reveal_flap (ADW_FLAP (self->split)))
    {
      self->pending_reveal = revealed;
      self->reveal_tick_id = gtk_widget_add_tick_callback (self->split, apply_pending_reveal, self, NULL);
      return;
    }
  adw_flap_set_reveal_flap (ADW_FLAP (self->split), revealed);
#endif
}

gboolean
bulletin_window_get_folded (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), FALSE);
  if (self->split == NULL)
    return FALSE;
#if ADW_CHECK_VERSION (1, 4, 0)
  return adw_overlay_split_view_get_collapsed (ADW_OVERLAY_SPLIT_VIEW (self->split));
#else
  return adw_flap_get_folded (ADW_FLAP (self->split));
#endif
}

gboolean
bulletin_window_get_sidebar_visible (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), FALSE);
  return split_get_revealed (self);
}

/* Shows or hides the sidebar (F9, the header's button); the focus leaves
 * it when it hides. */
void
bulletin_window_set_sidebar_visible (BulletinWindow *self,
                                     gboolean        visible)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  if (split_get_revealed (self) == !!visible)
    return;
  split_set_revealed (self, visible);
}

/* Over the reader, the sidebar takes the keyboard focus once it shows. */
static gboolean
focus_folded_sidebar (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (widget);
  GtkWidget *focus;

  if (!bulletin_window_get_folded (self) || !split_get_revealed (self))
    {
      self->focus_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (!gtk_widget_get_mapped (self->sidebar_column))
    return G_SOURCE_CONTINUE;

  self->focus_tick_id = 0;
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus != NULL && gtk_widget_is_ancestor (focus, self->sidebar_column))
    return G_SOURCE_REMOVE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self->sidebar)))
    bulletin_sidebar_focus_selection (self->sidebar);
  else
    gtk_widget_child_focus (self->sidebar_column, GTK_DIR_TAB_FORWARD);
  return G_SOURCE_REMOVE;
}

static void
sync_toggle_sidebar (BulletinWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "toggle-sidebar");

  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (split_get_revealed (self)));
}

static void
sidebar_revealed_changed (BulletinWindow *self)
{
  gboolean revealed = split_get_revealed (self);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (revealed && bulletin_window_get_folded (self) && self->focus_tick_id == 0)
    self->focus_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), focus_folded_sidebar, NULL, NULL);

  if (!revealed && focus != NULL && gtk_widget_is_ancestor (focus, self->sidebar_column))
    gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (self->reader)));
  /* what a person chose in a wide window; a narrow one hides it by itself */
  if (!bulletin_window_get_folded (self))
    g_settings_set_boolean (self->settings, "sidebar-visible", revealed);
  sync_toggle_sidebar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDEBAR_VISIBLE]);
}

/* The flap says it folds while it lays itself out: what changes the
 * layout waits for the next turn of the main loop. */
static gboolean
apply_folded (gpointer user_data)
{
  BulletinWindow *self = user_data;
  gboolean folded = bulletin_window_get_folded (self);

  self->folded_idle_id = 0;
  /* Wide again: the sidebar as it was chosen there. */
  if (!folded)
    split_set_revealed (self, g_settings_get_boolean (self->settings, "sidebar-visible"));
  /* the header bar must fit 360 px, also beside a window manager's three
   * window buttons: opening stays in the main menu, and the title gives
   * way (the reader shows the article's headline at its top) */
  gtk_widget_set_visible (self->open_button, !folded);
  gtk_widget_set_visible (GTK_WIDGET (self->window_title), !folded);
  if (folded)
    gtk_widget_add_css_class (GTK_WIDGET (self), "narrow");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "narrow");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
  return G_SOURCE_REMOVE;
}

static void
folded_changed (BulletinWindow *self)
{
  if (self->folded_idle_id == 0)
    self->folded_idle_id = g_idle_add (apply_folded, self);
}

/* Folded, the sidebar covers the reader: Escape, Back or Alt+Left
 * return to it (the reader's Escape brings the sidebar back). */
static gboolean
close_folded_sidebar (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  BulletinWindow *self = BULLETIN_WINDOW (user_data);

  if (!bulletin_window_get_folded (self) || !split_get_revealed (self))
    return FALSE;
  split_set_revealed (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (self->reader)));
  return TRUE;
}

static gboolean
hide_after_click (gpointer user_data)
{
  BulletinWindow *self = user_data;

  if (bulletin_window_get_folded (self) && split_get_revealed (self) &&
      bulletin_sidebar_get_selected_article (self->sidebar) != NULL &&
      bulletin_reader_view_get_article (self->reader) == bulletin_sidebar_get_selected_article (self->sidebar))
    split_set_revealed (self, FALSE);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* A click (or tap) on an article in the folded sidebar shows it. */
static void
sidebar_click_released (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        BulletinWindow  *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (!bulletin_window_get_folded (self))
    return;
  if (button == 8)  /* back */
    close_folded_sidebar (NULL, NULL, self);
  else
    g_idle_add (hide_after_click, g_object_ref (self));
}

/* --- tooltips ------------------------------------------------------------------- */

/* GTK sizes a tooltip's label to its number of characters (at most 50),
 * counted as Latin ones; a Chinese character is twice as wide, so a short
 * Chinese tooltip wrapped into a column of a few characters a line. The
 * label's width counts wide characters twice. */
static void
tooltip_label_changed (GtkLabel *label)
{
  const char *text = gtk_label_get_text (label);
  int columns = 0;

  for (const char *p = text; p != NULL && *p != 0; p = g_utf8_next_char (p))
    columns += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  columns = MIN (columns, 50);
  if (gtk_label_get_max_width_chars (label) < columns)
    gtk_label_set_max_width_chars (label, columns);
}

static void
unwrap_tooltip_labels (GtkWidget *widget)
{
  /* GTK's own label: connected once */
  if (GTK_IS_LABEL (widget) &&
      g_signal_handler_find (widget, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, tooltip_label_changed, NULL) == 0)
    {
      g_signal_connect (widget, "notify::label", G_CALLBACK (tooltip_label_changed), NULL);
      g_signal_connect (widget, "notify::max-width-chars", G_CALLBACK (tooltip_label_changed), NULL);
      tooltip_label_changed (GTK_LABEL (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    unwrap_tooltip_labels (child);
}

/* A tooltip shows under the pointer, often over the next row of the list
 * (an issue's tooltip over its first article).  On X11 GTK 4.8's tooltip
 * surface takes the clicks made on it, and it hides on the press: the
 * click on the row under it is lost, and selects nothing until it is made
 * again.  The tooltip lets the clicks through to what it covers, as it
 * does on Wayland. */
static void
tooltip_realized (GtkWidget *tooltip)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (tooltip));
  cairo_region_t *nothing;

  if (surface == NULL)
    return;
  nothing = cairo_region_create ();
  gdk_surface_set_input_region (surface, nothing);
  cairo_region_destroy (nothing);
}

static void
window_children_changed (GListModel *children,
                         guint       position,
                         guint       removed,
                         guint       added,
                         gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) child = g_list_model_get_item (children, i);

      if (g_str_equal (gtk_widget_get_css_name (child), "tooltip"))
        {
          unwrap_tooltip_labels (child);
          if (GTK_IS_NATIVE (child) &&
              g_signal_handler_find (child, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, tooltip_realized, NULL) == 0)
            {
              g_signal_connect_after (child, "realize", G_CALLBACK (tooltip_realized), NULL);
              if (gtk_widget_get_realized (child))
                tooltip_realized (child);
            }
        }
    }
}

static void
bulletin_window_split_init (BulletinWindow *self)
{
  GtkEventController *shortcuts;
  GtkGesture *click;
  GtkWidget *reader_area = GTK_WIDGET (self->reader_area);

  g_object_ref (self->sidebar_column);
  g_object_ref (reader_area);
  gtk_box_remove (GTK_BOX (self->body), self->sidebar_column);
  gtk_box_remove (GTK_BOX (self->body), reader_area);

#if ADW_CHECK_VERSION (1, 4, 0)
  {
    AdwBreakpoint *breakpoint;
    GValue collapsed = G_VALUE_INIT;

    self->split = adw_overlay_split_view_new ();
    adw_overlay_split_view_set_min_sidebar_width (ADW_OVERLAY_SPLIT_VIEW (self->split), 240);
    adw_overlay_split_view_set_max_sidebar_width (ADW_OVERLAY_SPLIT_VIEW (self->split), 320);
    adw_overlay_split_view_set_sidebar (ADW_OVERLAY_SPLIT_VIEW (self->split), self->sidebar_column);
    adw_overlay_split_view_set_content (ADW_OVERLAY_SPLIT_VIEW (self->split), reader_area);
    gtk_widget_set_size_request (self->sidebar_column, -1, -1);
    gtk_widget_set_size_request (reader_area, -1, -1);

    breakpoint = adw_breakpoint_new (adw_breakpoint_condition_parse ("max-width: " G_STRINGIFY (NARROW_WIDTH) "px"));
    g_value_init (&collapsed, G_TYPE_BOOLEAN);
    g_value_set_boolean (&collapsed, TRUE);
    adw_breakpoint_add_setter (breakpoint, G_OBJECT (self->split), "collapsed", &collapsed);
    g_value_unset (&collapsed);
    adw_application_window_add_breakpoint (ADW_APPLICATION_WINDOW (self), breakpoint);
  }
  g_signal_connect_object (self->split, "notify::show-sidebar",
                           G_CALLBACK (sidebar_revealed_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->split, "notify::collapsed",
                           G_CALLBACK (folded_changed), self, G_CONNECT_SWAPPED);
#else
  {
    /* Folded, the flap takes its natural width: the rows' long labels
     * would cover the whole reader, which is to stay in sight (dimmed). */
    GtkWidget *clamp = adw_clamp_new ();

    adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 320);
    adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 320);
    adw_clamp_set_child (ADW_CLAMP (clamp), self->sidebar_column);
    gtk_widget_set_hexpand (clamp, FALSE);

    self->split = adw_flap_new ();
    adw_flap_set_fold_policy (ADW_FLAP (self->split), ADW_FLAP_FOLD_POLICY_AUTO);
    adw_flap_set_fold_threshold_policy (ADW_FLAP (self->split), ADW_FOLD_THRESHOLD_POLICY_MINIMUM);
    adw_flap_set_modal (ADW_FLAP (self->split), TRUE);
    adw_flap_set_flap (ADW_FLAP (self->split), clamp);
  }
  adw_flap_set_separator (ADW_FLAP (self->split), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  adw_flap_set_content (ADW_FLAP (self->split), reader_area);
  g_signal_connect_object (self->split, "notify::reveal-flap",
                           G_CALLBACK (sidebar_revealed_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->split, "notify::folded",
                           G_CALLBACK (folded_changed), self, G_CONNECT_SWAPPED);
#endif
  gtk_widget_set_hexpand (self->split, TRUE);
  gtk_box_append (GTK_BOX (self->body), self->split);
  g_object_unref (self->sidebar_column);
  g_object_unref (reader_area);

  split_set_revealed (self, g_settings_get_boolean (self->settings, "sidebar-visible"));

  shortcuts = gtk_shortcut_controller_new ();
  for (guint i = 0; i < 3; i++)
    {
      static const struct { guint key; GdkModifierType mods; } keys[] = {
        { GDK_KEY_Escape, 0 }, { GDK_KEY_Back, 0 }, { GDK_KEY_Left, GDK_ALT_MASK },
      };

      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                            gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].mods),
                                                              gtk_callback_action_new (close_folded_sidebar, self, NULL)));
    }
  gtk_widget_add_controller (self->sidebar_column, shortcuts);

  /* the mouse's back button, and a click on an article */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "released", G_CALLBACK (sidebar_click_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->sidebar), GTK_EVENT_CONTROLLER (click));
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
    case PROP_FOLDED:
      g_value_set_boolean (value, bulletin_window_get_folded (self));
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
  /* narrow: the sidebar covers the reader while it shows */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BULLETIN_TYPE_SIDEBAR);
  g_type_ensure (BULLETIN_TYPE_READER_VIEW);
  g_type_ensure (BULLETIN_TYPE_ANNOTATIONS_VIEW);
  g_type_ensure (BULLETIN_TYPE_SEARCH_BAR);
  g_type_ensure (BULLETIN_TYPE_ARCHIVE_SEARCH);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, scan_box);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, scan_spinner);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, bookmark_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, reading_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, issues_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, bookmarks_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, notes_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, bookmarks_view);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, notes_view);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, archive_search);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, body);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, sidebar_column);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, reader_area);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, status_buttons);
  gtk_widget_class_bind_template_child (widget_class, BulletinWindow, reader);
  gtk_widget_class_bind_template_callback (widget_class, page_button_toggled);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_page_changed);
  gtk_widget_class_bind_template_callback (widget_class, archive_search_closed);
}

/* The primary menu; "Recent Archives" only when there are some. */
static void
rebuild_primary_menu (BulletinWindow *self)
{
  g_autoptr(GMenu) menu = NULL;
  GMenu *open_section;
  g_autoptr(GMenu) app_section = NULL;
  gboolean want_recent = g_menu_model_get_n_items (G_MENU_MODEL (self->recent_menu)) > 0;

  /* Once built, the menu only gains or loses "Recent Archives": a new
   * model would make the menu button a new popover, and GTK 4.8 keeps a
   * popover that was shown alive after it is replaced (opening an archive
   * from Recent Archives lost about 300 KiB each time). */
  if (self->open_section != NULL)
    {
      gboolean has_recent = g_menu_model_get_n_items (G_MENU_MODEL (self->open_section)) > N_OPEN_ITEMS;

      if (want_recent && !has_recent)
        g_menu_append_submenu (self->open_section, _("_Recent Archives"), G_MENU_MODEL (self->recent_menu));
      else if (!want_recent && has_recent)
        g_menu_remove (self->open_section, N_OPEN_ITEMS);
      return;
    }

  menu = g_menu_new ();
  app_section = g_menu_new ();
  open_section = self->open_section = g_menu_new ();
  g_menu_append (open_section, _("_Open Archive Folder…"), "win.open-folder");
  g_menu_append (open_section, _("Open _File…"), "win.open-file");
  g_menu_append (open_section, _("Open _Sample Archive"), "win.open-sample");
  g_assert (g_menu_model_get_n_items (G_MENU_MODEL (open_section)) == N_OPEN_ITEMS);
  if (want_recent)
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
  GtkWidget *popover = bulletin_reading_popover_new (self->settings);

  gtk_menu_button_set_popover (self->reading_button, popover);
  bulletin_reading_popover_attach (BULLETIN_READING_POPOVER (popover), self->reader, GTK_WINDOW (self));

  if (!bulletin_typography_have_cjk_font ())
    {
      AdwToast *toast = adw_toast_new (_("No Chinese font is installed: install Noto CJK "
                                         "(fonts-noto-cjk) to read Chinese articles"));

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

/* The header bar fits 360 px in any state, beside a window manager's
 * three window buttons too, so that a window sized down in one step is
 * not held at the width of the wide header: the open button and the title
 * give way where there is no room for them (with libadwaita 1.4 the
 * breakpoint folds the window before it is laid out at the new width). */
#if !ADW_CHECK_VERSION (1, 4, 0)
static GtkWidget *
squeeze_away (GtkWidget *widget)
{
  GtkWidget *squeezer = adw_squeezer_new ();

  adw_squeezer_set_homogeneous (ADW_SQUEEZER (squeezer), FALSE);
  adw_squeezer_set_switch_threshold_policy (ADW_SQUEEZER (squeezer), ADW_FOLD_THRESHOLD_POLICY_MINIMUM);
  adw_squeezer_set_transition_type (ADW_SQUEEZER (squeezer), ADW_SQUEEZER_TRANSITION_TYPE_NONE);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), widget);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0));
  return squeezer;
}
#endif

static void
bulletin_window_header_init (BulletinWindow *self)
{
#if !ADW_CHECK_VERSION (1, 4, 0)
  GtkWidget *title = GTK_WIDGET (self->window_title);

  g_object_ref (title);
  adw_header_bar_set_title_widget (self->header_bar, NULL);
  adw_header_bar_set_title_widget (self->header_bar, squeeze_away (title));
  g_object_unref (title);

  g_object_ref (self->open_button);
  adw_header_bar_remove (self->header_bar, self->open_button);
  adw_header_bar_pack_start (self->header_bar, squeeze_away (self->open_button));
  g_object_unref (self->open_button);
#endif
}

static void
bulletin_window_init (BulletinWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->extra_panes = g_ptr_array_new ();
  self->settings = g_settings_new (APP_ID);
  self->recent_menu = g_menu_new ();

  bulletin_window_split_init (self);
  bulletin_window_header_init (self);
  self->children = gtk_widget_observe_children (GTK_WIDGET (self));
  g_signal_connect (self->children, "items-changed", G_CALLBACK (window_children_changed), NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  sync_toggle_sidebar (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  rebuild_recent_menu (self);
  g_signal_connect_object (self->settings, "changed::recent-archives",
                           G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->sidebar, "article-selected", G_CALLBACK (article_selected), self, 0);
  g_signal_connect_object (self->sidebar, "article-activated", G_CALLBACK (article_activated), self, 0);
  g_signal_connect_object (self->sidebar, "load-failed", G_CALLBACK (issue_load_failed), self, 0);
  g_signal_connect_object (self->reader, "reload", G_CALLBACK (reload_shown), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "unreadable-selected", G_CALLBACK (unreadable_selected), self, 0);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  self->annotations = bulletin_annotations_controller_attach (self);
  _bulletin_window_corrections_init (self);

  /* keyboard users start in the list, not on the first header button */
  gtk_window_set_focus (GTK_WINDOW (self), bulletin_sidebar_get_list_view (self->sidebar));

  update_state (self);
  _bulletin_window_search_init (self);
  _bulletin_window_navigation_init (self);
  _bulletin_window_print_init (self);
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
      remember_shown (self, issue, article);
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
