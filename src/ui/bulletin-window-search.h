/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-archive-search.h"
#include "bulletin-search-bar.h"
#include "bulletin-window.h"

G_BEGIN_DECLS

/* Search in the window: the bar over the reader (win.find, win.find-next,
 * win.find-previous) and the archive search (win.search-archive, a header
 * bar button): bulletin-window-search.c. */
BulletinSearchBar     *bulletin_window_get_search_bar     (BulletinWindow *self);
BulletinArchiveSearch *bulletin_window_get_archive_search (BulletinWindow *self);
void                   bulletin_window_show_search_result (BulletinWindow *self,
                                                           GFile          *root,
                                                           const char     *issue_path,
                                                           const char     *issue_id,
                                                           const char     *article_id,
                                                           const char     *query);
void                   bulletin_window_search_archive_for (BulletinWindow *self,
                                                           const char     *query);

G_END_DECLS
