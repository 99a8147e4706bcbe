/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the commands of the command line share (src/cli/ only). */

#include <gio/gio.h>

G_BEGIN_DECLS

/* The exit status, as grep's: docs/bulletin-reader.1 */
typedef enum {
  BULLETIN_CLI_OK = 0,          /* done; --search: something was found */
  BULLETIN_CLI_NOT_FOUND = 1,   /* --search: nothing matched */
  BULLETIN_CLI_ERROR = 2,       /* bad arguments, input that cannot be read
                                 * (even when the rest was written), results
                                 * known to be partial */
} BulletinCliStatus;

/* What a command is given, the options parsed */
typedef struct {
  const char         *value;               /* the command's own argument
                                            * (--search QUERY), or NULL */
  const char * const *paths;               /* the PATHs, NULL-terminated */
  gboolean            narrow_punctuation;  /* --narrow-punctuation */
  const char         *article;             /* --article ARTICLE, or NULL */
  const char         *paper;               /* --paper SIZE, or NULL */
  /* --search's filters, NULL when not given */
  const char         *date_from;           /* --from DATE, YYYY-MM-DD */
  const char         *date_to;             /* --to DATE */
  const char         *page;                /* --page N */
  const char         *section;             /* --section NAME, UTF-8 */
  int                 order;               /* --order: a BulletinSearchOrder */
} BulletinCliArgs;

typedef BulletinCliStatus (*BulletinCliCommandFunc) (const BulletinCliArgs *args);

/* One line on standard error: "PATH: MESSAGE", with @file's full path,
 * and @message without the file name a reader's message starts with. */
char *bulletin_cli_arg_to_utf8 (const char  *value,
                                GError     **error);

void bulletin_cli_print_error (GFile      *file,
                               const char *message);

G_END_DECLS
