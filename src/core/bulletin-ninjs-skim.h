/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-formats.h"

G_BEGIN_DECLS

/**
 * BulletinNinjsSkim:
 *
 * What the archive scanner needs to list a ninjs file, read without
 * building a JSON tree: the top-level item's main headline, its date
 * (`versionCreated`, else `firstCreated`, as YYYY-MM-DD), uri and type, and
 * how many articles the reader will find in it.
 */
typedef struct {
  char  *headline;
  char  *date;
  char  *uri;
  char  *type;
  guint  n_articles;
  guint  is_array : 1;
} BulletinNinjsSkim;

/* Skims @data (a whole ninjs file).  Fails with a BULLETIN_NINJS_ERROR
 * naming @display_name and the line when the data is not JSON or holds no
 * item.  Nothing is allocated for string contents that are not kept. */
gboolean bulletin_ninjs_skim       (const char         *data,
                                    gsize               len,
                                    const char         *display_name,
                                    BulletinNinjsSkim  *skim,
                                    GError            **error);
void     bulletin_ninjs_skim_clear (BulletinNinjsSkim  *skim);

/* The skim as the formats' table lists a ninjs file: an array of items
 * has no title, and the issue number is looked for in the headline. */
gboolean bulletin_ninjs_format_skim (const char          *data,
                                     gsize                len,
                                     GFile               *file,
                                     const char          *display_name,
                                     BulletinFormatSkim  *skim,
                                     GError             **error);

G_END_DECLS
