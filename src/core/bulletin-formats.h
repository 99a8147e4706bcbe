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
 * @number: (nullable): the issue number (`第123期`); when NULL, the
 *   scanner looks in @title, then in the file name
 * @n_articles: articles in the issue, 0 when only a load can tell
 *
 * What the scanner lists of an issue file before anyone opens it.
 */
typedef struct {
  char  *title;
  char  *date;
  char  *number;
  guint  n_articles;
} BulletinFormatSkim;

void bulletin_format_skim_clear  (BulletinFormatSkim  *skim);
void bulletin_format_skim_parsed (BulletinParsedIssue *parsed,
                                  BulletinFormatSkim  *skim);

/**
 * BulletinFormat:
 * @name: a short name for messages and documentation ("newsml-g2")
 * @description: what a person calls the format
 * @kind: the issue kind of its entries (formats sharing an extension share
 *   a kind and are told apart by @sniff)
 * @extensions: the file name endings it owns, lower case, NULL-terminated
 *   (none for the folder format)
 * @sniff: (nullable): TRUE when the first bytes of a file are this
 *   format's; NULL for "any file of this extension"
 * @parse: reads a whole file into articles; @file (nullable) is where the
 *   data came from, for formats whose files name their neighbours
 * @skim: (nullable): lists a file cheaply; NULL: the scanner parses the
 *   file and counts
 * @skim_head: @skim is given only the first 4 KB of the file
 * @max_bytes: larger files are not read to be listed (0: no limit)
 * @too_large: (nullable): the error for a file over @max_bytes
 * @unrecognised: (nullable): the error for a file of the extension that no
 *   format's @sniff recognises
 * @parse_folder: the folder format's @parse
 * @skim_folder: the folder format's @skim; FALSE without an error when
 *   the folder is not an issue
 * @stamp: (nullable): what, besides the entry's own size and time, tells
 *   the listing cache that an entry changed (a folder's metadata file)
 *
 * One format of issues: a row of the table of file formats
 * (bulletin_formats_get ()), or the format of issues that are folders of
 * ninjs files.  The text the search index stores is the parsed
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
  gboolean              skim_head;
  guint64               max_bytes;
  void                (*too_large)    (const char  *display_name,
                                       guint64      max_bytes,
                                       GError     **error);
  void                (*unrecognised) (const char  *display_name,
                                       GError     **error);

  BulletinParsedIssue *(*parse_folder) (GFile         *folder,
                                        GCancellable  *cancellable,
                                        GError       **error);
  gboolean            (*skim_folder)  (GFile               *folder,
                                       const char          *display_name,
                                       BulletinFormatSkim  *skim,
                                       gboolean            *io_error,
                                       GCancellable        *cancellable,
                                       GError             **error);
  char               *(*stamp)        (GFile               *entry,
                                       GCancellable        *cancellable);
} BulletinFormat;

const BulletinFormat *bulletin_formats_get            (guint              *n_formats);
gboolean              bulletin_format_kind_for_name   (const char         *name,
                                                       BulletinIssueKind  *kind);
gboolean              bulletin_format_kind_for_folder (BulletinIssueKind  *kind);
gboolean              bulletin_format_kind_is_folder  (BulletinIssueKind   kind);
const char           *bulletin_format_kind_name       (BulletinIssueKind   kind);
gboolean              bulletin_format_kind_for_format_name (const char    *name,
                                                       BulletinIssueKind  *kind);
char                 *bulletin_format_dup_extensions  (void);
char                 *bulletin_format_dup_not_an_issue (const char        *display_name);
const BulletinFormat *bulletin_format_detect          (BulletinIssueKind   kind,
                                                       const char         *head,
                                                       gsize               len);
BulletinParsedIssue  *bulletin_format_parse           (BulletinIssueKind   kind,
                                                       const char         *data,
                                                       gsize               len,
                                                       GFile              *file,
                                                       const char         *display_name,
                                                       GError            **error);
BulletinParsedIssue  *bulletin_format_parse_file      (BulletinIssueKind   kind,
                                                       GFile              *file,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
gboolean              bulletin_format_skim_file       (BulletinIssueKind   kind,
                                                       GFile              *file,
                                                       const char         *display_name,
                                                       BulletinFormatSkim *skim,
                                                       gboolean           *io_error,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
char                 *bulletin_format_dup_stamp       (BulletinIssueKind   kind,
                                                       GFile              *entry,
                                                       GCancellable       *cancellable);

G_END_DECLS
