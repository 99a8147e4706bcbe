/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bulletin-search-index.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_SEARCH_RESULT_ROW (bulletin_search_result_row_get_type ())

G_DECLARE_FINAL_TYPE (BulletinSearchResultRow, bulletin_search_result_row, BULLETIN, SEARCH_RESULT_ROW, GtkListBoxRow)

/* One article found by the archive search: its headline, hits and
 * snippet, and where it is (for opening it) */
GtkWidget  *bulletin_search_result_row_new            (const BulletinSearchResult *result,
                                                       gboolean                    widen);
const char *bulletin_search_result_row_get_issue_path (BulletinSearchResultRow    *self);
const char *bulletin_search_result_row_get_issue_id   (BulletinSearchResultRow    *self);
const char *bulletin_search_result_row_get_article_id (BulletinSearchResultRow    *self);
const char *bulletin_search_result_row_get_headline   (BulletinSearchResultRow    *self);
guint       bulletin_search_result_row_get_n_hits     (BulletinSearchResultRow    *self);
const char *bulletin_search_result_row_get_snippet    (BulletinSearchResultRow    *self);

G_END_DECLS
