/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-window.h"

G_BEGIN_DECLS

/* Navigation in the window (issue 15): Go to Date (win.go-to-date, a
 * header bar button with a calendar and a date entry) and Open Containing
 * Folder (win.open-containing-folder, the file URI as target).
 * Called once from the window's init. */
void       bulletin_window_navigation_init       (BulletinWindow *self);
GtkWidget *bulletin_window_get_goto_date_button  (BulletinWindow *self);
gboolean   bulletin_window_go_to                 (BulletinWindow *self,
                                                  const char     *text);

G_END_DECLS
