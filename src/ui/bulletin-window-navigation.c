/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "bulletin-issue-query.h"
#include "bulletin-window-navigation.h"

#define DATA_KEY "bulletin-window-navigation"

typedef struct {
  BulletinWindow *window;     /* owns this */
  GtkMenuButton  *button;
  GtkPopover     *popover;
  GtkCalendar    *calendar;
  GtkEntry       *entry;
  GtkLabel       *status;
  AdwToast       *toast;      /* the last "nearest issue" toast */
  guint           shown_year, shown_month;
  gboolean        updating;   /* the calendar moves by the code, not the person */
} Navigation;

static void
navigation_free (Navigation *nav)
{
  if (nav->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (nav->toast), (gpointer *)&nav->toast);
  g_free (nav);
}

static Navigation *
get_nav (BulletinWindow *self)
{
  return g_object_get_data (G_OBJECT (self), DATA_KEY);
}

static GListModel *
get_issues (BulletinWindow *self)
{
  BulletinLibrary *library = bulletin_window_get_library (self);

  return library != NULL ? bulletin_library_get_issues (library) : NULL;
}

/* The issue the person is at: the selected one, else the newest */
static BulletinIssue *
dup_current_issue (BulletinWindow *self)
{
  BulletinIssue *issue = bulletin_sidebar_get_selected_issue (bulletin_window_get_sidebar (self));
  GListModel *issues = get_issues (self);
  guint n = issues != NULL ? g_list_model_get_n_items (issues) : 0;

  if (issue != NULL && bulletin_issue_get_date (issue) != NULL)
    return g_object_ref (issue);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) it = g_list_model_get_item (issues, i);

      if (bulletin_issue_get_date (it) != NULL)
        return g_steal_pointer (&it);
    }
  return NULL;
}

/* --- the calendar ------------------------------------------------------------ */

static void
mark_days (Navigation *nav)
{
  GListModel *issues = get_issues (nav->window);
  g_autoptr(GDateTime) date = gtk_calendar_get_date (nav->calendar);
  guint year = g_date_time_get_year (date), month = g_date_time_get_month (date);
  guint32 days;

  if (year == nav->shown_year && month == nav->shown_month)
    return;
  nav->shown_year = year;
  nav->shown_month = month;
  gtk_calendar_clear_marks (nav->calendar);
  days = issues != NULL ? bulletin_issue_query_days_in_month (issues, year, month) : 0;
  for (guint d = 1; d <= 31; d++)
    if (days & (1u << d))
      gtk_calendar_mark_day (nav->calendar, d);
}

static void
calendar_moved (Navigation *nav)
{
  mark_days (nav);
}

static void
show_calendar_at (Navigation *nav,
                  const char *iso_date)
{
  guint year, month, day;
  g_autoptr(GDateTime) date = NULL;

  if (iso_date == NULL || sscanf (iso_date, "%u-%u-%u", &year, &month, &day) != 3)
    return;
  date = g_date_time_new_local (year, month, day, 12, 0, 0);
  if (date == NULL)
    return;
  nav->updating = TRUE;
  gtk_calendar_select_day (nav->calendar, date);
  nav->updating = FALSE;
  mark_days (nav);
}

/* --- going to an issue ----------------------------------------------------------- */

static void
say (Navigation *nav,
     const char *message)
{
  gtk_label_set_text (nav->status, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (nav->status), message != NULL);
}

/* Selects the issue of @date (the nearest when none appeared that day,
 * and says so in a toast) */
static gboolean
go_to_date (Navigation *nav,
            const char *date)
{
  GListModel *issues = get_issues (nav->window);
  gboolean exact = FALSE;
  BulletinIssue *issue = issues != NULL ? bulletin_issue_query_find_date (issues, date, &exact) : NULL;

  if (issue == NULL)
    {
      say (nav, _("The archive has no dated issues"));
      return FALSE;
    }
  bulletin_window_show_article (nav->window, issue, NULL);
  if (nav->toast != NULL)
    adw_toast_dismiss (nav->toast);
  if (!exact)
    {
      /* Translators: Go to Date found no issue on the day asked for: the
       * day, then the date of the nearest issue, which is shown */
      g_autofree char *message = g_strdup_printf (_("No issue on %s; showing the nearest, of %s"),
                                                  date, bulletin_issue_get_date (issue));
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      nav->toast = adw_toast_new (escaped);
      adw_toast_set_timeout (nav->toast, 5);
      g_object_add_weak_pointer (G_OBJECT (nav->toast), (gpointer *)&nav->toast);
      bulletin_window_add_toast (nav->window, nav->toast);
      say (nav, message);
    }
  else
    say (nav, NULL);
  return TRUE;
}

/**
 * bulletin_window_go_to:
 * @text: a date (2021-03-05, 2021年3月5日, 3月5日 in the year of the
 *   issue shown) or an issue number (第123期, 123)
 *
 * Selects that issue (the nearest by date when none appeared that day).
 *
 * Returns: whether @text names a date or an issue there is
 */
gboolean
bulletin_window_go_to (BulletinWindow *self,
                       const char     *text)
{
  Navigation *nav = get_nav (self);
  g_autoptr(BulletinIssue) current = dup_current_issue (self);
  GListModel *issues = get_issues (self);
  guint year = current != NULL ? bulletin_issue_get_year (current) : 0;
  g_autofree char *value = NULL;

  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), FALSE);

  switch (bulletin_issue_query_parse (text, year, &value))
    {
    case BULLETIN_ISSUE_QUERY_DATE:
      show_calendar_at (nav, value);
      return go_to_date (nav, value);

    case BULLETIN_ISSUE_QUERY_NUMBER:
      {
        BulletinIssue *issue = issues != NULL ? bulletin_issue_query_find_number (issues, value, year) : NULL;

        if (issue == NULL)
          {
            /* Translators: Go to Date: no issue has the number typed */
            g_autofree char *message = g_strdup_printf (_("No issue numbered %s"), value);
            say (nav, message);
            return FALSE;
          }
        show_calendar_at (nav, bulletin_issue_get_date (issue));
        bulletin_window_show_article (self, issue, NULL);
        say (nav, NULL);
        return TRUE;
      }

    case BULLETIN_ISSUE_QUERY_NONE:
    default:
      say (nav, _("Type a date such as 2021-03-05 or 3月5日, or an issue number"));
      return FALSE;
    }
}

static void
day_selected (Navigation *nav)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso = NULL;
  guint year, month;

  if (nav->updating)
    return;
  date = gtk_calendar_get_date (nav->calendar);
  year = g_date_time_get_year (date);
  month = g_date_time_get_month (date);
  /* a click on another month's day turns the page: no issue yet */
  if (year != nav->shown_year || month != nav->shown_month)
    {
      mark_days (nav);
      return;
    }
  iso = g_date_time_format (date, "%Y-%m-%d");
  go_to_date (nav, iso);
}

static void
entry_activated (Navigation *nav)
{
  if (bulletin_window_go_to (nav->window, gtk_editable_get_text (GTK_EDITABLE (nav->entry))))
    gtk_popover_popdown (nav->popover);
}

static void
popover_closed (Navigation *nav)
{
  gtk_widget_set_visible (GTK_WIDGET (nav->button), !bulletin_window_get_folded (nav->window));
}

static void
popover_shown (Navigation *nav)
{
  g_autoptr(BulletinIssue) current = dup_current_issue (nav->window);

  say (nav, NULL);
  gtk_editable_set_text (GTK_EDITABLE (nav->entry), "");
  nav->shown_year = nav->shown_month = 0;
  if (current != NULL)
    show_calendar_at (nav, bulletin_issue_get_date (current));
  else
    mark_days (nav);
  gtk_widget_grab_focus (GTK_WIDGET (nav->entry));
}

static void
go_to_date_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  Navigation *nav = get_nav (user_data);

  /* a folded window's header bar hides the button: it comes back while
   * the popover is open; a header bar too narrow for it leaves the list's
   * type-ahead, which reads the same dates and numbers */
  gtk_widget_set_visible (GTK_WIDGET (nav->button), TRUE);
  if (gtk_widget_get_mapped (GTK_WIDGET (nav->window)) && !gtk_widget_get_child_visible (GTK_WIDGET (nav->button)))
    {
      bulletin_window_set_sidebar_visible (nav->window, TRUE);
      bulletin_sidebar_start_typeahead (bulletin_window_get_sidebar (nav->window), "");
      return;
    }
  gtk_menu_button_popup (nav->button);
}

/* --- Open Containing Folder ---------------------------------------------------------- */

#if !GTK_CHECK_VERSION (4, 10, 0)
static void
show_folder (BulletinWindow *self,
             GFile          *folder)
{
  g_autofree char *uri = g_file_get_uri (folder);

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
show_items_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  BulletinWindow *self = g_task_get_source_object (task);
  GFile *folder = g_task_get_task_data (task);

  /* no file manager on the bus: the folder, in what opens folders */
  if (reply == NULL && !gtk_widget_in_destruction (GTK_WIDGET (self)))
    show_folder (self, folder);
}
#endif

/* The folder holding @file, the file chosen in it where the file manager
 * can (GtkFileLauncher and the OpenURI portal's OpenDirectory from GTK
 * 4.10, the FileManager1 interface before, else the folder alone) */
static void
open_containing_folder (BulletinWindow *self,
                        GFile          *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);

  if (folder == NULL)
    return;
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);
    gtk_file_launcher_open_containing_folder (launcher, GTK_WINDOW (self), NULL, NULL, NULL);
  }
#else
  {
    GDBusConnection *bus = g_application_get_dbus_connection (g_application_get_default ());
    g_autofree char *uri = g_file_get_uri (file);
    const char *uris[] = { uri, NULL };
    GTask *task;

    if (bus == NULL || !g_file_is_native (file))
      {
        show_folder (self, folder);
        return;
      }
    task = g_task_new (self, NULL, NULL, NULL);
    g_task_set_task_data (task, g_object_ref (folder), g_object_unref);
    g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                            "org.freedesktop.FileManager1", "ShowItems",
                            g_variant_new ("(^ass)", uris, ""), NULL,
                            G_DBUS_CALL_FLAGS_NONE, 5000, NULL, show_items_done, task);
  }
#endif
}

static void
open_containing_folder_action (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  open_containing_folder (BULLETIN_WINDOW (user_data), file);
}

static const GActionEntry navigation_actions[] = {
  { "go-to-date", go_to_date_action },
  { "open-containing-folder", open_containing_folder_action, "s" },
};

/* --- the popover ----------------------------------------------------------------- */

static GtkWidget *
build_popover (Navigation *nav)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (_("Date or issue number"));

  nav->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (nav->entry, _("2021-03-05 or No. 123"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (nav->entry),
                               _("A date (2021-03-05, 2021年3月5日, 3月5日) or an issue number (第123期, 123)"));
  gtk_entry_set_activates_default (nav->entry, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (nav->entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (nav->entry));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  g_signal_connect_swapped (nav->entry, "activate", G_CALLBACK (entry_activated), nav);

  nav->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (nav->calendar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Issues by day"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Days with an issue are marked; choosing a day shows its issue, or the nearest one"),
                                  -1);
  g_signal_connect_swapped (nav->calendar, "day-selected", G_CALLBACK (day_selected), nav);
  g_signal_connect_swapped (nav->calendar, "notify::month", G_CALLBACK (calendar_moved), nav);
  g_signal_connect_swapped (nav->calendar, "notify::year", G_CALLBACK (calendar_moved), nav);
  g_signal_connect_swapped (nav->calendar, "next-month", G_CALLBACK (calendar_moved), nav);
  g_signal_connect_swapped (nav->calendar, "prev-month", G_CALLBACK (calendar_moved), nav);
  g_signal_connect_swapped (nav->calendar, "next-year", G_CALLBACK (calendar_moved), nav);
  g_signal_connect_swapped (nav->calendar, "prev-year", G_CALLBACK (calendar_moved), nav);

  nav->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (nav->status, TRUE);
  gtk_label_set_max_width_chars (nav->status, 30);
  gtk_label_set_xalign (nav->status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (nav->status), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (nav->status), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (nav->status),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Go to Date"), -1);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (nav->entry));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (nav->calendar));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (nav->status));
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  g_signal_connect_swapped (popover, "show", G_CALLBACK (popover_shown), nav);
  g_signal_connect_swapped (popover, "closed", G_CALLBACK (popover_closed), nav);
  return popover;
}

/* A folded window's header bar keeps to the essentials (Ctrl+L and
 * Ctrl+G still go to a date) */
static void
folded_changed (BulletinWindow *self,
                GParamSpec     *pspec,
                GtkWidget      *button)
{
  gtk_widget_set_visible (button, !bulletin_window_get_folded (self));
}

void
bulletin_window_navigation_init (BulletinWindow *self)
{
  Navigation *nav = g_new0 (Navigation, 1);
  GtkWidget *button = gtk_menu_button_new ();

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  nav->window = self;
  g_object_set_data_full (G_OBJECT (self), DATA_KEY, nav, (GDestroyNotify)navigation_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), navigation_actions,
                                   G_N_ELEMENTS (navigation_actions), self);

  nav->button = GTK_MENU_BUTTON (button);
  nav->popover = GTK_POPOVER (build_popover (nav));
  gtk_menu_button_set_icon_name (nav->button, "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (nav->button, GTK_WIDGET (nav->popover));
  gtk_widget_set_tooltip_text (button, _("Go to Date (Ctrl+L)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Go to Date"),
                                  -1);
  g_signal_connect_object (self, "notify::folded", G_CALLBACK (folded_changed), button, 0);
#if ADW_CHECK_VERSION (1, 4, 0)
  adw_header_bar_pack_start (bulletin_window_get_header_bar (self), button);
#else
  {
    /* as the open button: the header bar must fit 360 px beside three
     * window buttons, and gives way before the window folds */
    GtkWidget *squeezer = adw_squeezer_new ();

    adw_squeezer_set_homogeneous (ADW_SQUEEZER (squeezer), FALSE);
    adw_squeezer_set_switch_threshold_policy (ADW_SQUEEZER (squeezer), ADW_FOLD_THRESHOLD_POLICY_MINIMUM);
    adw_squeezer_set_transition_type (ADW_SQUEEZER (squeezer), ADW_SQUEEZER_TRANSITION_TYPE_NONE);
    adw_squeezer_add (ADW_SQUEEZER (squeezer), button);
    adw_squeezer_add (ADW_SQUEEZER (squeezer), gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0));
    adw_header_bar_pack_start (bulletin_window_get_header_bar (self), squeezer);
  }
#endif
}

/**
 * bulletin_window_get_goto_date_button:
 *
 * Returns: (transfer none): the header bar's Go to Date button
 */
GtkWidget *
bulletin_window_get_goto_date_button (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);

  return GTK_WIDGET (get_nav (self)->button);
}
