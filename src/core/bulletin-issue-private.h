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

/* Called on the main thread when the issue's date changes (loading it
 * tells its real one): the archive moves it to its place.  One pointer
 * rather than a "notify::date" handler: an archive holds 20,000 issues,
 * and a closure connected to each cost a tenth of a cached listing. */
typedef void (*BulletinIssueDateHook) (BulletinIssue *issue,
                                       gpointer       data);

void bulletin_issue_set_date_hook (BulletinIssue         *self,
                                   BulletinIssueDateHook  hook,
                                   gpointer               data);

/* A new issue as the archive's listing cache knew it: as
 * bulletin_issue_new () then bulletin_issue_set_error () with @error when
 * it is set, else bulletin_issue_set_metadata (), without notifying
 * anyone (nobody knows it yet).  @name is @file's base name. */
BulletinIssue *bulletin_issue_new_listed (GFile             *file,
                                          const char        *name,
                                          BulletinIssueKind  kind,
                                          const char        *title,
                                          const char        *date,
                                          const char        *number,
                                          const char        *edition,
                                          guint              n_articles,
                                          const char        *error);

/* Lists @self as an entry that cannot be read, with @message, and makes
 * sure it never is: loading it fails with @message (a link out of the
 * archive). */
void bulletin_issue_set_refused (BulletinIssue *self,
                                 const char    *message);

G_END_DECLS
