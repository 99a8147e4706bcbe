/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What several benchmarks share. */

/* Orders two doubles, for qsort () and g_array_sort () of timings. */
int   bench_compare_double (gconstpointer a,
                            gconstpointer b);

/* Deletes @file and, when it is a folder, everything under it (links are
 * deleted, not followed); errors are ignored. */
void  bench_remove_tree    (GFile *file);

G_END_DECLS
