/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "bulletin-a11y.h"

void
bulletin_announce (GtkWidget  *widget,
                   const char *message)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (message != NULL);

#if GTK_CHECK_VERSION (4, 14, 0)
  gtk_accessible_announce (GTK_ACCESSIBLE (widget), message,
                           GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
#endif
  /* Also kept as the description, so that it can still be read (and
   * tested) after the announcement has passed. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);
}

#define HIGHLIGHT_KEY "bulletin-highlight"

static void
apply_style (GtkTextTag        *tag,
             BulletinHighlight  kind)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  gboolean hc = adw_style_manager_get_high_contrast (style);
  gboolean dark = adw_style_manager_get_dark (style);
  /* light, dark, high contrast: search matches yellow, the current one
   * orange, noted passages blue, so that a note never passes for a match */
  static const char * const backgrounds[][3] = {
    [BULLETIN_HIGHLIGHT_MATCH]   = { "rgba(246,211,45,0.55)", "rgba(246,211,45,0.35)", "#ffff00" },
    [BULLETIN_HIGHLIGHT_CURRENT] = { "rgba(255,120,0,0.75)",  "rgba(255,120,0,0.65)",  "#ff8c00" },
    [BULLETIN_HIGHLIGHT_NOTE]    = { "rgba(53,132,228,0.22)", "rgba(98,160,234,0.30)", "#a6d1ff" },
  };
  GdkRGBA background, black = { 0, 0, 0, 1 };

  gdk_rgba_parse (&background, backgrounds[kind][hc ? 2 : dark ? 1 : 0]);
  g_object_set (tag,
                "background-rgba", &background,
                "foreground-rgba", hc ? &black : NULL,
                "underline", kind == BULLETIN_HIGHLIGHT_NOTE ||
                             (hc && kind == BULLETIN_HIGHLIGHT_CURRENT) ? PANGO_UNDERLINE_SINGLE
                                                                        : PANGO_UNDERLINE_NONE,
                NULL);
}

static void
restyle_tag (GtkTextTag *tag,
             gpointer    data)
{
  gpointer kind = g_object_get_data (G_OBJECT (tag), HIGHLIGHT_KEY);

  if (kind != NULL)
    apply_style (tag, GPOINTER_TO_INT (kind) - 1);
}

static void
style_changed (GtkTextBuffer *buffer)
{
  gtk_text_tag_table_foreach (gtk_text_buffer_get_tag_table (buffer), restyle_tag, NULL);
}

void
bulletin_highlight_style_tag (GtkTextBuffer     *buffer,
                              GtkTextTag        *tag,
                              BulletinHighlight  kind)
{
  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (GTK_IS_TEXT_TAG (tag));

  g_object_set_data (G_OBJECT (tag), HIGHLIGHT_KEY, GINT_TO_POINTER (kind + 1));
  apply_style (tag, kind);

  if (g_object_get_data (G_OBJECT (buffer), HIGHLIGHT_KEY) == NULL)
    {
      AdwStyleManager *style = adw_style_manager_get_default ();

      g_object_set_data (G_OBJECT (buffer), HIGHLIGHT_KEY, GINT_TO_POINTER (1));
      g_signal_connect_object (style, "notify::high-contrast", G_CALLBACK (style_changed),
                               buffer, G_CONNECT_SWAPPED);
      g_signal_connect_object (style, "notify::dark", G_CALLBACK (style_changed),
                               buffer, G_CONNECT_SWAPPED);
    }
}
