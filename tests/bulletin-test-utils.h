/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The folder of shared test data (../shared), or NULL when this checkout
 * has none beside it: tests that need it then report SKIP. */
const char *bulletin_test_get_shared_dir (void);

/* Path of @relative under the shared folder, or NULL after marking the
 * current test skipped when it is absent. */
char       *bulletin_test_shared_path    (const char *relative);

/* Reads a file into memory, failing the test when it cannot. */
char       *bulletin_test_read_file      (const char *path,
                                          gsize      *len);

/* Runs the main context for @ms milliseconds. */
void        bulletin_test_iterate        (guint ms);

typedef gboolean (*BulletinTestCondition) (gpointer data);

/* Runs the main context until @condition holds or @seconds pass; returns
 * whether it holds. */
gboolean    bulletin_test_wait_for       (BulletinTestCondition condition,
                                          gpointer              data,
                                          guint                 seconds);

G_END_DECLS
