/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-article.h"
#include "bulletin-issue.h"

G_BEGIN_DECLS

/* Where an article was printed, in words: "Page 2 · Society" */
char *bulletin_format_article_place (BulletinArticle *article);
/* An issue's number in words: "No. 128" */
char *bulletin_format_issue_number  (const char      *number);
/* The issue an article belongs to, in one line: the paper's name, the
 * issue's date and number, the article's page and section */
char *bulletin_format_issue_line    (BulletinIssue   *issue,
                                     BulletinArticle *article);

G_END_DECLS
