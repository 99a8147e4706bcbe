/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bulletin-article.h"
#include "bulletin-parsed-issue.h"

G_BEGIN_DECLS

/* ninjs 3.1 out: one composite per issue, its articles embedded as text
 * items whose uri is the article's id.  See docs/archive-format.md. */
JsonNode *bulletin_ninjs_write_article (BulletinArticle      *article,
                                        guint                 position);
JsonNode *bulletin_ninjs_write_issue   (BulletinParsedIssue  *issue);
char     *bulletin_ninjs_issue_uri     (BulletinParsedIssue  *issue);
char     *bulletin_ninjs_to_data       (JsonNode             *node,
                                        gsize                *length);

G_END_DECLS
