/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-article.h"
#include "bulletin-issue.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_SIDEBAR (bulletin_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (BulletinSidebar, bulletin_sidebar, BULLETIN, SIDEBAR, AdwBin)

GtkWidget       *bulletin_sidebar_new                  (void);
void             bulletin_sidebar_set_issues           (BulletinSidebar *self,
                                                        GListModel      *issues);
GListModel      *bulletin_sidebar_get_tree_model       (BulletinSidebar *self);
GtkWidget       *bulletin_sidebar_get_list_view        (BulletinSidebar *self);
void             bulletin_sidebar_set_placeholder      (BulletinSidebar *self,
                                                        const char      *text,
                                                        gboolean         busy);
BulletinArticle *bulletin_sidebar_get_selected_article (BulletinSidebar *self);
BulletinIssue   *bulletin_sidebar_get_selected_issue   (BulletinSidebar *self);
gboolean         bulletin_sidebar_select_article       (BulletinSidebar *self,
                                                        BulletinIssue   *issue,
                                                        BulletinArticle *article);
gboolean         bulletin_sidebar_move_article         (BulletinSidebar *self,
                                                        int              direction);
void             bulletin_sidebar_expand_issue         (BulletinSidebar *self,
                                                        BulletinIssue   *issue);
void             bulletin_sidebar_focus_selection      (BulletinSidebar *self);
void             bulletin_sidebar_start_typeahead      (BulletinSidebar *self,
                                                        const char      *text);
GtkWidget       *bulletin_sidebar_get_typeahead_entry  (BulletinSidebar *self);

G_END_DECLS
