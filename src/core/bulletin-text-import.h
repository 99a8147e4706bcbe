/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-formats.h"

#include "bulletin-corrections.h"
#include "bulletin-parsed-issue.h"

G_BEGIN_DECLS

#define BULLETIN_TEXT_ERROR (bulletin_text_error_quark ())

typedef enum {
  BULLETIN_TEXT_ERROR_ENCODING,   /* no encoding fits: the message says what was tried */
  BULLETIN_TEXT_ERROR_BINARY,     /* not text at all */
  BULLETIN_TEXT_ERROR_EMPTY,
} BulletinTextError;

GQuark               bulletin_text_error_quark (void);

/* Reads a plain-text bulletin: decodes it, splits it into articles and
 * blocks.  @display_name is used in messages. */
BulletinParsedIssue *bulletin_text_parse       (const char  *data,
                                                gsize        len,
                                                const char  *display_name,
                                                GError     **error);

/* bulletin_text_parse () with the reader's corrections from @corrections
 * (NULL: none), and decoded from @encoding when it is not NULL (any name
 * iconv knows) rather than the encoding the file seems to be in */
BulletinParsedIssue *bulletin_text_parse_full  (const char          *data,
                                                gsize                len,
                                                const char          *display_name,
                                                BulletinCorrections *corrections,
                                                const char          *encoding,
                                                GError             **error);

/* The plain-text row of the formats' table: a parse with the reader's
 * corrections and chosen encoding (docs/corrections-format.md), and a
 * skim of the first few KB (the masthead's title, date and number). */
BulletinParsedIssue *bulletin_text_format_parse (const char          *data,
                                                 gsize                len,
                                                 GFile               *file,
                                                 const char          *display_name,
                                                 GError             **error);
gboolean             bulletin_text_format_skim  (const char          *data,
                                                 gsize                len,
                                                 GFile               *file,
                                                 const char          *display_name,
                                                 BulletinFormatSkim  *skim,
                                                 GError             **error);

G_END_DECLS
