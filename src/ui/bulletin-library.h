/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-archive.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_LIBRARY (bulletin_library_get_type ())

G_DECLARE_FINAL_TYPE (BulletinLibrary, bulletin_library, BULLETIN, LIBRARY, GObject)

/*
 * What a window has open: a BulletinArchive (a folder or a single issue
 * file) with the name to show for it, and whether it is the built-in
 * sample.
 */
BulletinLibrary *bulletin_library_new              (GFile                *location);
GFile           *bulletin_library_get_location     (BulletinLibrary      *self);
const char      *bulletin_library_get_display_name (BulletinLibrary      *self);
gboolean         bulletin_library_is_sample        (BulletinLibrary      *self);
gboolean         bulletin_library_is_single_file   (BulletinLibrary      *self);
gboolean         bulletin_library_get_loading      (BulletinLibrary      *self);
GListModel      *bulletin_library_get_issues       (BulletinLibrary      *self);
BulletinArchive *bulletin_library_get_archive      (BulletinLibrary      *self);
void             bulletin_library_open_async       (BulletinLibrary      *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean         bulletin_library_open_finish      (BulletinLibrary      *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

GFile           *bulletin_library_dup_sample_location (void);

G_END_DECLS
