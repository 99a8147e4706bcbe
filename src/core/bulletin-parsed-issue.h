/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

/**
 * BulletinParsedIssue:
 *
 * What a format reader makes of one file: the issue's metadata where the
 * content has it, and its articles, finished, in order.  Warnings are
 * things a person may want to know (an unknown body type, a bad uri) but
 * that did not stop the file from opening.
 */
typedef struct {
  char      *title;
  char      *date;       /* YYYY-MM-DD, or NULL when the content has none */
  char      *number;
  char      *edition;
  char      *uri;
  char      *language;
  GPtrArray *articles;   /* BulletinArticle, owned */
  GPtrArray *warnings;   /* char *, owned */
  /* plain text: the content identity its corrections are kept under,
   * what it was decoded from, and the reader's corrections applied (the
   * ones whose line was not found are in missing_corrections) */
  char      *text_key;
  char      *encoding;
  guint      n_corrections;
  GPtrArray *missing_corrections;   /* BulletinCorrection *, owned, or NULL */
} BulletinParsedIssue;

BulletinParsedIssue *bulletin_parsed_issue_new         (void);
void                 bulletin_parsed_issue_free        (BulletinParsedIssue *parsed);
void                 bulletin_parsed_issue_add_warning (BulletinParsedIssue *parsed,
                                                        const char          *format,
                                                        ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinParsedIssue, bulletin_parsed_issue_free)

G_END_DECLS
