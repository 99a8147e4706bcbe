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

typedef enum {
  BULLETIN_HIGHLIGHT_MATCH,    /* every search match */
  BULLETIN_HIGHLIGHT_CURRENT,  /* the current search match */
  BULLETIN_HIGHLIGHT_NOTE,     /* a passage with a note */
} BulletinHighlight;

/* Colours a highlight tag for the style in use (light, dark, high
 * contrast) and keeps it so when the system's style changes: in high
 * contrast a highlight is opaque with black text and underlined, never a
 * pale tint that only colour can tell apart. */
void bulletin_highlight_style_tag (GtkTextBuffer     *buffer,
                                   GtkTextTag        *tag,
                                   BulletinHighlight  kind);

G_END_DECLS
