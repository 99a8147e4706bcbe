/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-parsed-issue.h"

G_BEGIN_DECLS

/* Splits decoded text (UTF-8, LF line ends) into finished articles and
 * their blocks, following the rules of docs/plain-text-format.md.  Each
 * article's source is its own slice of @text, so its id does not depend
 * on the other articles.  @display_name gives the issue date when the
 * text has none.  Never fails: text without any content gives an issue
 * without articles. */
BulletinParsedIssue *bulletin_text_segment (const char *text,
                                            gsize       len,
                                            const char *display_name);
/* Only the title the above gives the issue (NULL: none, or no article),
 * without building the articles: for a listing */
char                *bulletin_text_segment_title  (const char *text,
                                                   gsize       len,
                                                   const char *display_name);
/* bulletin_text_segment (), the articles' sources kept in @text (which it
 * writes) */
BulletinParsedIssue *bulletin_text_segment_shared (GBytes     *text,
                                                   gsize       len,
                                                   const char *display_name);

/* A reader's correction of how a line is read (docs/corrections-format.md):
 * where an article starts, or what a line is. */
typedef enum {
  BULLETIN_CORRECTION_NONE,
  BULLETIN_CORRECTION_NEW_ARTICLE,    /* an article starts here; the line is its headline */
  BULLETIN_CORRECTION_JOIN_PREVIOUS,  /* the article starting here goes on the one before */
  BULLETIN_CORRECTION_HEADLINE,
  BULLETIN_CORRECTION_SUBTITLE,
  BULLETIN_CORRECTION_BYLINE,
  BULLETIN_CORRECTION_DATELINE,
  BULLETIN_CORRECTION_SUBHEAD,
  BULLETIN_CORRECTION_BODY,
} BulletinCorrectionKind;

#define BULLETIN_CORRECTION_LAST BULLETIN_CORRECTION_BODY

typedef struct {
  gsize                  offset;  /* bytes: the start of the line (after the LF before it) */
  BulletinCorrectionKind kind;
} BulletinLineFix;

/* bulletin_text_segment_shared () with the lines at @fixes (sorted by
 * offset) read as they say.  Articles without a fixed line come out as
 * they would without @fixes. */
BulletinParsedIssue *bulletin_text_segment_fixed (GBytes                *text,
                                                  gsize                  len,
                                                  const char            *display_name,
                                                  const BulletinLineFix *fixes,
                                                  guint                  n_fixes);

G_END_DECLS
