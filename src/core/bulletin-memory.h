/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Giving back to the system the memory that a large piece of work (an
 * archive, a window) freed.  GLib alone. */
void  bulletin_memory_tune           (void);
void  bulletin_memory_trim_when_idle (void);
guint bulletin_memory_get_n_trims    (void);

G_END_DECLS
