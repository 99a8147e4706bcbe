/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The folder of shared test data (../shared), or NULL when this checkout
 * has none beside it: tests that need it then report SKIP. */
const char *bulletin_test_get_shared_dir (void);

/* Path of @relative under the shared folder, or NULL after marking the
 * current test skipped when it is absent (failed under CI=true). */
char       *bulletin_test_shared_path    (const char *relative);

/* Under CI=true a test whose shared data is missing fails instead of
 * skipping: a CI run must not pass by testing nothing.  The Python tests
 * do the same through tests/bulletin_test_utils.py. */
gboolean    bulletin_test_shared_required (void);

/* Marks the current test skipped, or failed under CI=true, for @message. */
void        bulletin_test_shared_missing (const char *message);

/* Reads a file into memory, failing the test when it cannot. */
char       *bulletin_test_read_file      (const char *path,
                                          gsize      *len);

/* Removes @path and everything below it (a link, not what it points to). */
void        bulletin_test_remove_tree    (const char *path);

/* Runs the main context for @ms milliseconds. */
void        bulletin_test_iterate        (guint ms);

typedef gboolean (*BulletinTestCondition) (gpointer data);

/* Runs the main context until @condition holds or @seconds pass; returns
 * whether it holds. */
gboolean    bulletin_test_wait_for       (BulletinTestCondition condition,
                                          gpointer              data,
                                          guint                 seconds);

/* Keeps the few toolkit warnings that say nothing about this app from
 * aborting a UI test (gtk_test_init() makes every warning fatal): GDK's
 * X11 backend under Xvfb warns "gdk_frame_timings_submitted() called on
 * submitted frame" on GTK 4.24.  Any other warning stays fatal. */
char       *bulletin_test_take_undrawn (void);
void        bulletin_test_tolerate_toolkit_warnings (void);

/* Checks every GListModel's items-changed in the process, from now on,
 * against its contract: it comes after the change (the model then holds
 * what it says), its range lies in the model as it was, and it does not
 * come while another items-changed of the same model is being delivered
 * (a handler that changes the model it is told about leaves the handlers
 * after it a model other than the one they hear of: GTK 4.8's list views
 * abort in gtk_list_item_manager_ensure_items ()).  A breach is fatal
 * at once (g_error), naming the model, with the stack that made it. */
void        bulletin_test_check_list_models (void);

G_END_DECLS
