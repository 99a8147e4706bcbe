/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Dates and issue numbers found in names, titles and metadata.  GLib
 * alone: the readers and the scanner use these without depending on the
 * issue object. */
char *bulletin_date_from_string   (const char *text);
char *bulletin_number_from_string (const char *text);

G_END_DECLS
