/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-formats.h"

G_BEGIN_DECLS

/* A folder of ninjs files, one article or more each, with an optional
 * issue.json for the issue's own metadata: the formats' table's one
 * format whose issues are folders. */
BulletinParsedIssue *bulletin_ninjs_folder_parse (GFile               *folder,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
gboolean             bulletin_ninjs_folder_skim  (GFile               *folder,
                                                  const char          *display_name,
                                                  BulletinFormatSkim  *skim,
                                                  gboolean            *io_error,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
char                *bulletin_ninjs_folder_stamp (GFile               *folder,
                                                  GCancellable        *cancellable);

G_END_DECLS
