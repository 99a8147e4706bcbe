/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* bulletin-reader --search QUERY PATH: one JSON object per matching
 * article, newest issue first.  @args: QUERY and PATH. */
int bulletin_search_cli_run (const char * const *args);

G_END_DECLS
