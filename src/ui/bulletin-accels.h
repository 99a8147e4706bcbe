/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * BulletinAccelScope:
 * @BULLETIN_ACCEL_APP: installed with gtk_application_set_accels_for_action ()
 *   at startup; works anywhere in the window
 * @BULLETIN_ACCEL_WIDGET: handled by the widget that owns the action (the
 *   reader, the sidebar) while it has the focus, so that Space, Escape or the
 *   arrows keep their meaning in entries and popovers
 */
typedef enum {
  BULLETIN_ACCEL_APP,
  BULLETIN_ACCEL_WIDGET,
} BulletinAccelScope;

/**
 * BulletinAccel:
 * @action: detailed action name ("win.toggle-sidebar", "reader.page-down")
 * @accels: NULL-terminated accelerators in gtk_accelerator_parse () syntax
 * @section: untranslated section title (mark with N_ ()) for the shortcuts window
 * @title: untranslated description (N_ ()) for the shortcuts window
 * @scope: where the accelerators are handled
 *
 * One row of the application's single table of keyboard shortcuts.  The
 * shortcuts window is built from (and tested against) this table.
 */
typedef struct {
  const char         *action;
  const char         *accels[4];
  const char         *section;
  const char         *title;
  BulletinAccelScope  scope;
  /* what the shortcuts window lists, when not all of @accels: each
   * shortcut once (no keypad twins) and no key that GtkShortcutLabel
   * names by its raw keysym (KP_Right, Page_Down); the row's subtitle
   * mentions the others */
  const char         *shown;
} BulletinAccel;

const BulletinAccel *bulletin_accels_get           (guint          *n_accels);
const BulletinAccel *bulletin_accels_lookup        (const char     *action);
void                 bulletin_accels_install       (GtkApplication *application);
GtkEventController  *bulletin_accels_new_controller (const char    *action_prefix);

G_END_DECLS
