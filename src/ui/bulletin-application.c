/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-about.h"
#include "bulletin-application.h"
#include "bulletin-window.h"

struct _BulletinApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (BulletinApplication, bulletin_application, ADW_TYPE_APPLICATION)

static void
bulletin_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (bulletin_window_new (BULLETIN_APPLICATION (app)));
  gtk_window_present (window);
}

static void
bulletin_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (bulletin_application_parent_class)->startup (app);

  bulletin_about_install_actions (GTK_APPLICATION (app));
}

static void
bulletin_application_class_init (BulletinApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = bulletin_application_activate;
  app_class->startup = bulletin_application_startup;
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
