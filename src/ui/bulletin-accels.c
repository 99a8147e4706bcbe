/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-accels.h"

/* Every keyboard shortcut of the application, in the order the shortcuts
 * window lists them. */
static const BulletinAccel accels[] = {
  /* Archive */
  { "win.open-folder", { "<Control>o", NULL }, N_("Archive"), N_("Open an archive folder"), BULLETIN_ACCEL_APP },
  { "win.open-file", { "<Control><Shift>o", NULL }, N_("Archive"), N_("Open a single issue file"), BULLETIN_ACCEL_APP },
  { "win.cancel-scan", { "<Control>period", NULL }, N_("Archive"), N_("Stop scanning the archive"), BULLETIN_ACCEL_APP },

  /* Moving around */
  { "win.focus-next-pane", { "F6", NULL }, N_("Moving Around"), N_("Move to the next pane"), BULLETIN_ACCEL_APP },
  { "win.focus-previous-pane", { "<Shift>F6", NULL }, N_("Moving Around"), N_("Move to the previous pane"), BULLETIN_ACCEL_APP },
  { "win.toggle-sidebar", { "F9", NULL }, N_("Moving Around"), N_("Show or hide the list of issues"), BULLETIN_ACCEL_APP },
  { "win.next-article", { "<Control>Page_Down", "<Alt>Down", NULL }, N_("Moving Around"), N_("Next article"), BULLETIN_ACCEL_APP, "<Alt>Down" },
  { "win.previous-article", { "<Control>Page_Up", "<Alt>Up", NULL }, N_("Moving Around"), N_("Previous article"), BULLETIN_ACCEL_APP, "<Alt>Up" },
  { "win.go-to-date", { "<Control>l", NULL }, N_("Moving Around"), N_("Go to a date or an issue number"), BULLETIN_ACCEL_APP },

  /* List of issues */
  { "sidebar.expand", { "Right", "KP_Right", "plus", NULL }, N_("List of Issues"), N_("Expand a year or an issue"), BULLETIN_ACCEL_WIDGET, "Right plus" },
  { "sidebar.collapse", { "Left", "KP_Left", "minus", NULL }, N_("List of Issues"), N_("Collapse, or go to the enclosing row"), BULLETIN_ACCEL_WIDGET, "Left minus" },
  { "sidebar.activate", { "Return", "KP_Enter", NULL }, N_("List of Issues"), N_("Open the article, expand the issue"), BULLETIN_ACCEL_WIDGET, "Return" },
  { "sidebar.menu", { "<Shift>F10", "Menu", NULL }, N_("List of Issues"), N_("The issue’s menu (Open Containing Folder)"), BULLETIN_ACCEL_WIDGET, "<Shift>F10" },

  /* Reading */
  { "reader.page-down", { "space", "Page_Down", "KP_Page_Down", NULL }, N_("Reading"), N_("Scroll down one page"), BULLETIN_ACCEL_WIDGET, "space" },
  { "reader.page-up", { "<Shift>space", "Page_Up", "KP_Page_Up", NULL }, N_("Reading"), N_("Scroll up one page"), BULLETIN_ACCEL_WIDGET, "<Shift>space" },
  { "reader.top", { "<Control>Home", NULL }, N_("Reading"), N_("Go to the start of the article"), BULLETIN_ACCEL_WIDGET },
  { "reader.bottom", { "<Control>End", NULL }, N_("Reading"), N_("Go to the end of the article"), BULLETIN_ACCEL_WIDGET },
  { "win.focus-sidebar", { "Escape", NULL }, N_("Reading"), N_("Return to the list of issues"), BULLETIN_ACCEL_WIDGET },
  { "win.text-larger", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL }, N_("Reading"), N_("Larger text"), BULLETIN_ACCEL_APP, "<Control>plus" },
  { "win.text-smaller", { "<Control>minus", "<Control>KP_Subtract", NULL }, N_("Reading"), N_("Smaller text"), BULLETIN_ACCEL_APP, "<Control>minus" },
  { "win.text-reset", { "<Control>0", "<Control>KP_0", NULL }, N_("Reading"), N_("Default text size"), BULLETIN_ACCEL_APP, "<Control>0" },

  /* Search */
  { "win.find", { "<Control>f", NULL }, N_("Search"), N_("Find in the article"), BULLETIN_ACCEL_APP },
  { "win.find-next", { "<Control>g", NULL }, N_("Search"), N_("Next match"), BULLETIN_ACCEL_APP },
  { "win.find-previous", { "<Control><Shift>g", NULL }, N_("Search"), N_("Previous match"), BULLETIN_ACCEL_APP },
  { "win.search-archive", { "<Control><Shift>f", NULL }, N_("Search"), N_("Search the whole archive"), BULLETIN_ACCEL_APP },

  /* Bookmarks and notes */
  { "win.toggle-bookmark", { "<Control>d", NULL }, N_("Bookmarks and Notes"), N_("Bookmark the article, or remove its bookmark"), BULLETIN_ACCEL_APP },
  { "win.add-note", { "<Control>m", NULL }, N_("Bookmarks and Notes"), N_("Add a note on the selected passage"), BULLETIN_ACCEL_APP },
  { "win.add-article-note", { "<Control><Shift>m", NULL }, N_("Bookmarks and Notes"), N_("Add a note on the article"), BULLETIN_ACCEL_APP },
  { "win.copy-citation", { "<Control><Shift>c", NULL }, N_("Bookmarks and Notes"), N_("Copy a citation of the article or passage"), BULLETIN_ACCEL_APP },
  { "win.undo", { "<Control>z", NULL }, N_("Bookmarks and Notes"), N_("Undo the last deletion or edit of a bookmark or note"), BULLETIN_ACCEL_APP },
  { "note.save", { "<Control>Return", NULL }, N_("Bookmarks and Notes"), N_("Save the note being written"), BULLETIN_ACCEL_WIDGET },
  { "note.cancel", { "Escape", NULL }, N_("Bookmarks and Notes"), N_("Close the note without saving"), BULLETIN_ACCEL_WIDGET },

  /* Corrections of plain-text issues */
  { "win.correct-new-article", { "<Control><Alt>n", NULL }, N_("Corrections"), N_("Start a new article at this line (it is a headline)"), BULLETIN_ACCEL_APP },
  { "win.correct-join-previous", { "<Control><Alt>j", NULL }, N_("Corrections"), N_("Join the article with the previous one"), BULLETIN_ACCEL_APP },
  { "win.correct-headline", { "<Control><Alt>1", NULL }, N_("Corrections"), N_("This line is a headline"), BULLETIN_ACCEL_APP },
  { "win.correct-subtitle", { "<Control><Alt>2", NULL }, N_("Corrections"), N_("This line is a subtitle"), BULLETIN_ACCEL_APP },
  { "win.correct-byline", { "<Control><Alt>3", NULL }, N_("Corrections"), N_("This line is a byline"), BULLETIN_ACCEL_APP },
  { "win.correct-dateline", { "<Control><Alt>4", NULL }, N_("Corrections"), N_("This line is a dateline"), BULLETIN_ACCEL_APP },
  { "win.correct-subhead", { "<Control><Alt>5", NULL }, N_("Corrections"), N_("This line is a subhead"), BULLETIN_ACCEL_APP },
  { "win.correct-body", { "<Control><Alt>0", NULL }, N_("Corrections"), N_("This line is body text"), BULLETIN_ACCEL_APP },
  /* Print and export */
  { "win.print", { "<Control>p", NULL }, N_("Print and Export"), N_("Print the article"), BULLETIN_ACCEL_APP },
  { "win.print-preview", { "<Control><Shift>p", NULL }, N_("Print and Export"), N_("Show the printed pages"), BULLETIN_ACCEL_APP },

  /* Application */
  { "app.shortcuts", { "<Control>question", NULL }, N_("General"), N_("Keyboard shortcuts"), BULLETIN_ACCEL_APP },
  { "app.quit", { "<Control>q", NULL }, N_("General"), N_("Quit"), BULLETIN_ACCEL_APP },
  { "window.close", { "<Control>w", NULL }, N_("General"), N_("Close the window"), BULLETIN_ACCEL_APP },
};

/**
 * bulletin_accels_get:
 * @n_accels: (out): the number of rows
 *
 * Returns: (transfer none) (array length=n_accels): the table
 */
const BulletinAccel *
bulletin_accels_get (guint *n_accels)
{
  g_return_val_if_fail (n_accels != NULL, NULL);

  *n_accels = G_N_ELEMENTS (accels);
  return accels;
}

/**
 * bulletin_accels_lookup:
 *
 * Returns: (transfer none) (nullable): the row for @action
 */
const BulletinAccel *
bulletin_accels_lookup (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    if (g_strcmp0 (accels[i].action, action) == 0)
      return &accels[i];
  return NULL;
}

/* Installs the application-wide rows; the widget rows are installed by
 * bulletin_accels_new_controller () in the widgets that own them. */
void
bulletin_accels_install (GtkApplication *application)
{
  g_return_if_fail (GTK_IS_APPLICATION (application));

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    if (accels[i].scope == BULLETIN_ACCEL_APP)
      gtk_application_set_accels_for_action (application, accels[i].action, accels[i].accels);
}

/* Widget rows act only while the keyboard focus is in the widget itself,
 * not in a popover hanging on it (a note being typed wants its spaces). */
static gboolean
activate_if_focused (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  const char *action = user_data;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL ||
      (focus != widget && !gtk_widget_is_ancestor (focus, widget)) ||
      gtk_widget_get_native (focus) != gtk_widget_get_native (widget))
    return FALSE;

  return gtk_widget_activate_action_variant (widget, action, NULL);
}

/**
 * bulletin_accels_new_controller:
 * @action_prefix: "reader." for the rows the reader handles
 *
 * A shortcut controller (capture phase, so that the rows win over the
 * widget's own bindings) for the widget-scoped rows whose action starts
 * with @action_prefix, plus "win.focus-sidebar" when @action_prefix is
 * "reader.".  They act only while the focus is in that widget and not in
 * a popover attached to it.
 *
 * Returns: (transfer full): the controller
 */
GtkEventController *
bulletin_accels_new_controller (const char *action_prefix)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      gboolean mine;

      if (accels[i].scope != BULLETIN_ACCEL_WIDGET)
        continue;
      mine = g_str_has_prefix (accels[i].action, action_prefix) ||
             (g_str_equal (action_prefix, "reader.") &&
              g_str_equal (accels[i].action, "win.focus-sidebar"));
      if (!mine)
        continue;

      for (guint j = 0; accels[i].accels[j] != NULL; j++)
        {
          GtkShortcutTrigger *trigger = gtk_shortcut_trigger_parse_string (accels[i].accels[j]);

          g_assert (trigger != NULL);
          gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                                gtk_shortcut_new (trigger,
                                                                  gtk_callback_action_new (activate_if_focused,
                                                                                           (gpointer)accels[i].action,
                                                                                           NULL)));
        }
    }

  return controller;
}
