/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bulletin-display-text.h"

G_BEGIN_DECLS

/**
 * BulletinReadingSettings:
 *
 * What the reader lets a person adjust (stored in GSettings by the window,
 * passed here as plain values so that tests and benchmarks can build the
 * same layout without settings).
 */
typedef struct {
  const char *family;          /* NULL or "": the default for @sans */
  gboolean    sans;            /* Hei (sans) instead of Song (serif) */
  double      font_size;       /* points */
  double      line_spacing;    /* baseline distance in em, 1.5 to 2.0 */
  guint       column_width;    /* maximum measure in em */
} BulletinReadingSettings;

void     bulletin_reading_settings_init_default (BulletinReadingSettings     *settings);

/* Sets the view's properties (wrap mode, justification, margins) for
 * @settings. */
void     bulletin_typography_configure_view     (GtkTextView                 *view,
                                                 const BulletinReadingSettings *settings);

/* Replaces the buffer's text with @display and applies every tag the
 * reader uses (roles, language, fonts, line pitch, indent, punctuation
 * compression, Han-Latin gaps).  The buffer's character offsets are the
 * display offsets of @display. */
void     bulletin_typography_fill_buffer        (GtkTextBuffer               *buffer,
                                                 BulletinDisplayText         *display,
                                                 const BulletinReadingSettings *settings);

G_END_DECLS
