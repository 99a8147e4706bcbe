/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-parsed-issue.h"

G_BEGIN_DECLS

#define BULLETIN_NINJS_ERROR (bulletin_ninjs_error_quark ())

typedef enum {
  BULLETIN_NINJS_ERROR_SYNTAX,     /* not JSON: the message names the line and the problem */
  BULLETIN_NINJS_ERROR_NOT_NINJS,  /* JSON, but no item in it */
} BulletinNinjsError;

GQuark               bulletin_ninjs_error_quark   (void);

/* Reads a ninjs file (1.x, 2.x or 3.x): a single item, a composite whose
 * associations are the articles, or a JSON array of items.  @display_name
 * is used in messages. */
BulletinParsedIssue *bulletin_ninjs_parse         (const char  *data,
                                                   gsize        len,
                                                   const char  *display_name,
                                                   GError     **error);
/* bulletin_ninjs_parse () as the formats' table calls it */
BulletinParsedIssue *bulletin_ninjs_format_parse  (const char  *data,
                                                   gsize        len,
                                                   GFile       *file,
                                                   const char  *display_name,
                                                   GError     **error);

/* URIs as ninjs 3.1 wants them (`format: uri`, RFC 3986, absolute) */
gboolean             bulletin_ninjs_uri_is_valid  (const char  *uri);
char                *bulletin_ninjs_dup_valid_uri (const char  *uri);

/* versionCreated as RFC 3339 (`2013-07-09T10:37:00Z`), else a bare date
 * (`2013-07-09`) when that is all there is, else NULL */
char                *bulletin_ninjs_normalize_date (const char *text);

G_END_DECLS
