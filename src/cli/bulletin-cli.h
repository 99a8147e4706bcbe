/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The command line (docs/bulletin-reader.1).  Returns TRUE and sets
 * @exit_status when @argv asks for a command (--export-ninjs, --search,
 * ...), --help or --version, or holds a mistake; FALSE when the
 * application should start as usual, on the PATHs of @argv. */
gboolean bulletin_cli_handle (int     argc,
                              char  **argv,
                              int    *exit_status);

G_END_DECLS
