/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-issue.h"

G_BEGIN_DECLS

/* Going to an issue by what a person types: a date (2021-03-05,
 * 2021年3月5日, 3月5日, 20210305) or an issue number (第123期, 123,
 * No. 123), and finding the issue in an archive's list. */
typedef enum {
  BULLETIN_ISSUE_QUERY_NONE,
  BULLETIN_ISSUE_QUERY_DATE,    /* the value is YYYY-MM-DD */
  BULLETIN_ISSUE_QUERY_NUMBER,  /* the value is the number in ASCII digits, no leading zeros */
} BulletinIssueQueryKind;

BulletinIssueQueryKind bulletin_issue_query_parse        (const char  *text,
                                                          guint        default_year,
                                                          char       **value);

BulletinIssue         *bulletin_issue_query_find_date    (GListModel  *issues,
                                                          const char  *date,
                                                          gboolean    *exact);
BulletinIssue         *bulletin_issue_query_find_number  (GListModel  *issues,
                                                          const char  *number,
                                                          guint        prefer_year);
guint32                bulletin_issue_query_days_in_month (GListModel *issues,
                                                          guint        year,
                                                          guint        month);

G_END_DECLS
