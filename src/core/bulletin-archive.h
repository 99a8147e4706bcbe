/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-issue.h"

G_BEGIN_DECLS

#define BULLETIN_ARCHIVE_ERROR (bulletin_archive_error_quark ())

typedef enum {
  BULLETIN_ARCHIVE_ERROR_NOT_AN_ARCHIVE,  /* neither a folder nor a file of a known format */
  BULLETIN_ARCHIVE_ERROR_REMOTE,          /* an image reference to another site */
  BULLETIN_ARCHIVE_ERROR_OUTSIDE,         /* a reference that leaves the archive folder */
  BULLETIN_ARCHIVE_ERROR_INVALID,         /* an empty or malformed reference */
} BulletinArchiveError;

#define BULLETIN_TYPE_ARCHIVE (bulletin_archive_get_type ())

G_DECLARE_FINAL_TYPE (BulletinArchive, bulletin_archive, BULLETIN, ARCHIVE, GObject)

/*
 * An archive of issues: a folder (or a single issue file) addressed as a
 * GFile, so local folders, smb://, sftp://, resource:// and document-portal
 * paths all work the same.  It is a GListModel of BulletinIssue, newest
 * first, that fills in on the main thread while the scan runs in a worker
 * thread.  See docs/archive.md.
 */

GQuark            bulletin_archive_error_quark       (void);

BulletinArchive  *bulletin_archive_new               (GFile               *location);
GFile            *bulletin_archive_get_location      (BulletinArchive     *self);
GFile            *bulletin_archive_get_folder        (BulletinArchive     *self);
gboolean          bulletin_archive_is_single_file    (BulletinArchive     *self);

void              bulletin_archive_scan_async        (BulletinArchive     *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          bulletin_archive_scan_finish       (BulletinArchive     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
gboolean          bulletin_archive_scan              (BulletinArchive     *self,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

gboolean          bulletin_archive_get_loading       (BulletinArchive     *self);
guint             bulletin_archive_get_n_scanned     (BulletinArchive     *self);
guint             bulletin_archive_get_n_total       (BulletinArchive     *self);
double            bulletin_archive_get_progress      (BulletinArchive     *self);

BulletinIssue    *bulletin_archive_find_issue        (BulletinArchive     *self,
                                                      const char          *name);

void              bulletin_archive_register_articles (BulletinArchive     *self,
                                                      BulletinIssue       *issue,
                                                      GPtrArray           *articles);

GFile            *bulletin_archive_resolve_image     (BulletinArchive     *self,
                                                      BulletinIssue       *issue,
                                                      const char          *ref,
                                                      GError             **error);

void              bulletin_archive_set_watching      (BulletinArchive     *self,
                                                      gboolean             watching);

/* what the last scan did: issues listed from the metadata cache, and issue
 * files or folders it had to read (tests and the benchmark use this) */
void              bulletin_archive_get_scan_stats    (BulletinArchive     *self,
                                                      guint               *n_from_cache,
                                                      guint               *n_read);

/* the metadata cache file of @location (for tests and diagnostics) */
char             *bulletin_archive_dup_cache_path    (GFile               *location);
char             *bulletin_archive_dup_shared_cache_path (GFile           *location);
gboolean          bulletin_archive_update_shared_cache (GFile             *location,
                                                        GError           **error);

G_END_DECLS
