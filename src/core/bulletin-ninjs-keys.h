/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the keys that make a JSON object a ninjs news item (any version, any
 * case, and the headline_/body_/description_ forms of ninjs 1.x) */
gboolean bulletin_ninjs_key_is_item (const char *key);

G_END_DECLS
