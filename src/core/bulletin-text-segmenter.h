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
/* The same, the articles' sources kept in @text (which it writes) */
BulletinParsedIssue *bulletin_text_segment_shared (GBytes     *text,
                                                   gsize       len,
                                                   const char *display_name);

G_END_DECLS
