/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-memory.h"
#include "bulletin-accels.h"
#include "bulletin-about.h"
#include "bulletin-application.h"
#include "bulletin-search-provider.h"
#include "bulletin-window.h"

struct _BulletinApplication
{
  AdwApplication parent_instance;

  BulletinSearchProvider *search_provider;
};

G_DEFINE_FINAL_TYPE (BulletinApplication, bulletin_application, ADW_TYPE_APPLICATION)

static BulletinWindow *
ensure_window (BulletinApplication *self,
               gboolean            *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *created = window == NULL;
  if (window == NULL)
    window = GTK_WINDOW (bulletin_window_new (self));
  return BULLETIN_WINDOW (window);
}

static void
bulletin_application_activate (GApplication *app)
{
  gboolean created;
  BulletinWindow *window = ensure_window (BULLETIN_APPLICATION (app), &created);

  /* The window shows first; the archive fills it in. */
  gtk_window_present (GTK_WINDOW (window));
  /* the window goes back to where the reader left off in it */
  if (created)
    bulletin_window_open_initial (window);
}

static void
bulletin_application_open (GApplication  *app,
                           GFile        **files,
                           int            n_files,
                           const char    *hint)
{
  gboolean created;
  BulletinWindow *window = ensure_window (BULLETIN_APPLICATION (app), &created);

  gtk_window_present (GTK_WINDOW (window));
  /* One archive per window: the first path given. */
  bulletin_window_open (window, n_files > 0 ? files[0] : NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* closing saves each window's size; a window with bookmarks or notes
   * that could not be saved asks what to do with them and stays, and the
   * application ends when the last window has closed */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (BULLETIN_IS_WINDOW (l->data))
      return;
  g_application_quit (app);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
};

static void
bulletin_application_startup (GApplication *app)
{
  /* a day of archives opened and closed without the heap keeping them */
  bulletin_memory_tune ();
  G_APPLICATION_CLASS (bulletin_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  /* every accelerator of the application, from its one table */
  bulletin_accels_install (GTK_APPLICATION (app));
  /* app.about and app.shortcuts */
  bulletin_about_install_actions (GTK_APPLICATION (app));
}

/* The GNOME Shell search provider, on the application's own connection
 * (data/...SearchProvider.ini names the bus name and object path) */
static gboolean
bulletin_application_dbus_register (GApplication     *app,
                                    GDBusConnection  *connection,
                                    const char       *object_path,
                                    GError          **error)
{
  BulletinApplication *self = BULLETIN_APPLICATION (app);
  g_autofree char *provider_path = NULL;

  if (!G_APPLICATION_CLASS (bulletin_application_parent_class)->dbus_register (app, connection, object_path, error))
    return FALSE;
  /* started by D-Bus for the search provider: the Shell asks for the
   * results' names right after the results, and again as the person types
   * (a window launched the usual way quits with its last window) */
  if (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE)
    g_application_set_inactivity_timeout (app, 30 * 1000);
  if (self->search_provider == NULL)
    self->search_provider = bulletin_search_provider_new (app);
  /* under the application's own path: BULLETIN_SEARCH_PROVIDER_PATH for
   * the app's id, and another for each other id (tests, several apps in one
   * process on one connection) */
  provider_path = g_strconcat (object_path, "/SearchProvider", NULL);
  return bulletin_search_provider_register (self->search_provider, connection, provider_path, error);
}

static void
bulletin_application_dbus_unregister (GApplication    *app,
                                      GDBusConnection *connection,
                                      const char      *object_path)
{
  BulletinApplication *self = BULLETIN_APPLICATION (app);

  if (self->search_provider != NULL)
    bulletin_search_provider_unregister (self->search_provider);
  G_APPLICATION_CLASS (bulletin_application_parent_class)->dbus_unregister (app, connection, object_path);
}

static void
bulletin_application_dispose (GObject *object)
{
  BulletinApplication *self = BULLETIN_APPLICATION (object);

  g_clear_object (&self->search_provider);
  G_OBJECT_CLASS (bulletin_application_parent_class)->dispose (object);
}

static void
bulletin_application_class_init (BulletinApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = bulletin_application_startup;
  app_class->activate = bulletin_application_activate;
  app_class->open = bulletin_application_open;
  app_class->dbus_register = bulletin_application_dbus_register;
  app_class->dbus_unregister = bulletin_application_dbus_unregister;
  G_OBJECT_CLASS (klass)->dispose = bulletin_application_dispose;
}

static void
bulletin_application_init (BulletinApplication *self)
{
}

/**
 * bulletin_application_new:
 *
 * Returns: (transfer full): the application
 */
BulletinApplication *
bulletin_application_new (void)
{
  return g_object_new (BULLETIN_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
