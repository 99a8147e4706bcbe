/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-reader-view.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_SEARCH_BAR (bulletin_search_bar_get_type ())

G_DECLARE_FINAL_TYPE (BulletinSearchBar, bulletin_search_bar, BULLETIN, SEARCH_BAR, AdwBin)

/* The tags that mark hits in the reader's buffer. */
#define BULLETIN_SEARCH_MATCH_TAG   "bulletin-search-match"
#define BULLETIN_SEARCH_CURRENT_TAG "bulletin-search-current"

GtkWidget  *bulletin_search_bar_new           (BulletinReaderView *reader);
void        bulletin_search_bar_set_reader    (BulletinSearchBar  *self,
                                               BulletinReaderView *reader);
void        bulletin_search_bar_open          (BulletinSearchBar  *self);
void        bulletin_search_bar_close         (BulletinSearchBar  *self);
gboolean    bulletin_search_bar_is_open       (BulletinSearchBar  *self);
void        bulletin_search_bar_set_query     (BulletinSearchBar  *self,
                                               const char         *query);
const char *bulletin_search_bar_get_query     (BulletinSearchBar  *self);
void        bulletin_search_bar_update        (BulletinSearchBar  *self);
guint       bulletin_search_bar_get_n_matches (BulletinSearchBar  *self);
int         bulletin_search_bar_get_current   (BulletinSearchBar  *self);
gboolean    bulletin_search_bar_get_match     (BulletinSearchBar  *self,
                                               guint               index,
                                               guint              *start,
                                               guint              *end);
void        bulletin_search_bar_next          (BulletinSearchBar  *self);
void        bulletin_search_bar_previous      (BulletinSearchBar  *self);
const char *bulletin_search_bar_get_status    (BulletinSearchBar  *self);

G_END_DECLS
