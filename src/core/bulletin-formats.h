/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-issue.h"
#include "bulletin-parsed-issue.h"

G_BEGIN_DECLS

/**
 * BulletinFormatSkim:
 * @title: (nullable): the issue's title, as the sidebar lists it
 * @date: (nullable): YYYY-MM-DD
 * @n_articles: articles in the issue, 0 when only a load can tell
 *
 * What the scanner lists of an issue file before anyone opens it.
 */
typedef struct {
  char  *title;
  char  *date;
  guint  n_articles;
} BulletinFormatSkim;

void bulletin_format_skim_clear (BulletinFormatSkim *skim);

/**
 * BulletinFormat:
 * @name: a short name for messages and documentation ("newsml-g2")
 * @description: what a person calls the format
 * @kind: the issue kind of its files (formats sharing an extension share
 *   a kind and are told apart by @sniff)
 * @extensions: the file name endings it owns, lower case, NULL-terminated
 * @sniff: (nullable): TRUE when the first bytes of a file are this
 *   format's; NULL for "any file of this extension"
 * @parse: reads a whole file into articles; @file (nullable) is where the
 *   data came from, for formats whose files name their neighbours
 * @skim: (nullable): lists a file cheaply; NULL when the scanner has its own
 *   streaming reader for the kind (ninjs, plain text)
 *
 * One file format.  The text the search index stores is the parsed
 * articles' source text, so a format that parses is searchable.
 */
typedef struct {
  const char           *name;
  const char           *description;
  BulletinIssueKind     kind;
  const char * const   *extensions;
  gboolean            (*sniff) (const char  *head,
                                gsize        len);
  BulletinParsedIssue *(*parse) (const char  *data,
                                 gsize        len,
                                 GFile       *file,
                                 const char  *display_name,
                                 GError     **error);
  gboolean            (*skim)  (const char          *data,
                                gsize                len,
                                GFile               *file,
                                const char          *display_name,
                                BulletinFormatSkim  *skim,
                                GError             **error);
} BulletinFormat;

const BulletinFormat *bulletin_formats_get          (guint              *n_formats);
gboolean              bulletin_format_kind_for_name (const char         *name,
                                                     BulletinIssueKind  *kind);
const BulletinFormat *bulletin_format_detect        (BulletinIssueKind   kind,
                                                     const char         *head,
                                                     gsize               len);
BulletinParsedIssue  *bulletin_format_parse         (BulletinIssueKind   kind,
                                                     const char         *data,
                                                     gsize               len,
                                                     GFile              *file,
                                                     const char         *display_name,
                                                     GError            **error);
gboolean              bulletin_format_skim_file     (BulletinIssueKind   kind,
                                                     GFile              *file,
                                                     const char         *display_name,
                                                     BulletinFormatSkim *skim,
                                                     gboolean           *io_error,
                                                     GCancellable       *cancellable,
                                                     GError            **error);
gboolean              bulletin_format_has_skim      (BulletinIssueKind   kind);

G_END_DECLS
