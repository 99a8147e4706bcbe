/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-window.h"

struct _BulletinWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (BulletinWindow, bulletin_window, ADW_TYPE_APPLICATION_WINDOW)

static void
bulletin_window_class_init (BulletinWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-window.ui");
}

static void
bulletin_window_init (BulletinWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * bulletin_window_new:
 *
 * Returns: (transfer full): a new window
 */
BulletinWindow *
bulletin_window_new (BulletinApplication *application)
{
  return g_object_new (BULLETIN_TYPE_WINDOW, "application", application, NULL);
}
