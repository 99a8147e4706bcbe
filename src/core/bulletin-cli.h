/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The command line without a window.  Returns TRUE and sets @exit_status
 * when @argv asks for a command-line action (--export-ninjs, --search,
 * ...); FALSE when the application should start as usual. */
gboolean bulletin_cli_handle (int     argc,
                              char  **argv,
                              int    *exit_status);

G_END_DECLS
