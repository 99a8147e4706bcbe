/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `bulletin-reader --export-ninjs PATH...`: @args are the paths */
int bulletin_cli_export_ninjs (const char * const *args);

G_END_DECLS
