/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Tells assistive technology about a change of state that has no focus
 * change of its own ("3 of 12 matches", "Bookmark added", a load error).
 * GTK 4.14 has gtk_accessible_announce (); on older GTK the message
 * becomes the accessible description of @widget, where a screen reader
 * finds it when it looks at the widget concerned. */
void bulletin_announce (GtkWidget  *widget,
                        const char *message);

G_END_DECLS
