/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-search-index.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_ARCHIVE_SEARCH (bulletin_archive_search_get_type ())

G_DECLARE_FINAL_TYPE (BulletinArchiveSearch, bulletin_archive_search, BULLETIN, ARCHIVE_SEARCH, AdwBin)

/* A page of the window's sidebar: "result-activated" when a result is
 * chosen, "close" on Escape; Down moves from the entry into the results. */
BulletinArchiveSearch *bulletin_archive_search_new       (void);
void                   bulletin_archive_search_focus_entry (BulletinArchiveSearch *self);
void                   bulletin_archive_search_set_root  (BulletinArchiveSearch *self,
                                                          GFile                 *root,
                                                          const char            *db_path);
BulletinSearchIndex   *bulletin_archive_search_get_index (BulletinArchiveSearch *self);
void                   bulletin_archive_search_set_query (BulletinArchiveSearch *self,
                                                          const char            *query);
GtkListBox            *bulletin_archive_search_get_list  (BulletinArchiveSearch *self);
const char            *bulletin_archive_search_get_summary (BulletinArchiveSearch *self);
const char            *bulletin_archive_search_get_query   (BulletinArchiveSearch *self);
const char            *bulletin_archive_search_get_notice (BulletinArchiveSearch *self);
void                   bulletin_archive_search_set_current_issue (BulletinArchiveSearch *self,
                                                          const char            *issue);

G_END_DECLS
