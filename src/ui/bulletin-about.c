/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-about.h"

/* The About dialog and the keyboard shortcuts window.
 *
 * libadwaita 1.5 replaced AdwAboutWindow by AdwAboutDialog and 1.8 brought
 * AdwShortcutsDialog (GtkShortcutsWindow is deprecated since GTK 4.18): the
 * Debian 12 build uses the old ones, the Flatpak runtime the new ones.  The
 * shortcuts dialog's .ui is generated at build time from
 * bulletin-shortcuts-window.ui, the one list of shortcuts to maintain. */

/**
 * bulletin_about_present:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Shows the About dialog.
 */
void
bulletin_about_present (GtkWindow *parent)
{
  static const char *developers[] = { "The Bulletin Reader developers", NULL };
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();
#else
  GtkWidget *about = adw_about_window_new ();
#endif

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  g_object_set (about,
                "application-name", _("Bulletin Reader"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Bulletin Reader developers"),
                "developers", developers,
                "copyright", _("© 2026 The Bulletin Reader developers"),
                "license-type", GTK_LICENSE_GPL_3_0,
                "website", "https://github.com/bulletinreader/bulletin-reader",
                "issue-url", "https://github.com/bulletinreader/bulletin-reader/issues",
                /* Translators: your names, one per line, and e-mail addresses */
                "translator-credits", _("translator-credits"),
                "comments", _("Read and search the archive of past newspaper issues"),
                NULL);

#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (about, parent ? GTK_WIDGET (parent) : NULL);
#else
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
#endif
}

/**
 * bulletin_about_present_shortcuts:
 * @parent: (nullable): the window the shortcuts belong to
 *
 * Shows every keyboard shortcut of the application.
 *
 * Returns: (transfer none): the shortcuts window or dialog
 */
GtkWidget *
bulletin_about_present_shortcuts (GtkWindow *parent)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWidget *shortcuts;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

#if ADW_CHECK_VERSION (1, 8, 0)
  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/bulletin-shortcuts-dialog.ui");
  shortcuts = GTK_WIDGET (gtk_builder_get_object (builder, "shortcuts"));
  adw_dialog_present (ADW_DIALOG (shortcuts), parent ? GTK_WIDGET (parent) : NULL);
#else
  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/bulletin-shortcuts-window.ui");
  shortcuts = GTK_WIDGET (gtk_builder_get_object (builder, "shortcuts"));
  gtk_window_set_transient_for (GTK_WINDOW (shortcuts), parent);
  gtk_window_present (GTK_WINDOW (shortcuts));
#endif

  return shortcuts;
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  bulletin_about_present (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  bulletin_about_present_shortcuts (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static const GActionEntry about_actions[] = {
  { .name = "about", .activate = about_activated },
  { .name = "shortcuts", .activate = shortcuts_activated },
};

/**
 * bulletin_about_install_actions:
 * @application: the application
 *
 * Adds `app.about` and `app.shortcuts` (Ctrl+?, the GNOME convention).
 */
void
bulletin_about_install_actions (GtkApplication *application)
{
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  g_return_if_fail (GTK_IS_APPLICATION (application));

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   about_actions, G_N_ELEMENTS (about_actions),
                                   application);
  gtk_application_set_accels_for_action (application, "app.shortcuts", shortcuts_accels);
}
