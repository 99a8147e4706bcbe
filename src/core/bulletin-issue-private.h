/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-issue.h"

G_BEGIN_DECLS

/* Called on the main thread with the freshly parsed articles of @issue,
 * before they enter its model: the archive uses it to tell apart ids that
 * two items of one archive share. */
typedef void (*BulletinIssueArticlesHook) (BulletinIssue *issue,
                                           GPtrArray     *articles,
                                           gpointer       data);

void bulletin_issue_set_articles_hook (BulletinIssue             *self,
                                       BulletinIssueArticlesHook  hook,
                                       gpointer                   data);

/* Lists @self as an entry that cannot be read, with @message, and makes
 * sure it never is: loading it fails with @message (a link out of the
 * archive). */
void bulletin_issue_set_refused (BulletinIssue *self,
                                 const char    *message);

G_END_DECLS
