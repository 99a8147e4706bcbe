/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-reader-view.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_READING_POPOVER (bulletin_reading_popover_get_type ())

G_DECLARE_FINAL_TYPE (BulletinReadingPopover, bulletin_reading_popover, BULLETIN, READING_POPOVER, GtkPopover)

/* The reading preferences, as GNOME Text Editor has them: colour scheme,
 * typeface, text size, line spacing, column width, full-width punctuation;
 * stored in the reading-* keys of @settings. */
GtkWidget *bulletin_reading_popover_new      (GSettings              *settings);

/* Applies the preferences to @reader and @window now and on every change:
 * the colour scheme through AdwStyleManager (sepia: the "sepia" style
 * class on @window).  The window's win.text-larger, win.text-smaller and
 * win.text-reset call bulletin_reading_settings_step_size (). */
void       bulletin_reading_popover_attach   (BulletinReadingPopover *self,
                                              BulletinReaderView     *reader,
                                              GtkWindow              *window);

void       bulletin_reading_settings_step_size (GSettings            *settings,
                                                double                step);

/* Reads the reading-* keys into @out; @family_out takes the family string
 * that @out->family points to. */
void       bulletin_reading_settings_load    (BulletinReadingSettings *out,
                                              GSettings               *settings,
                                              char                   **family_out);

G_END_DECLS
