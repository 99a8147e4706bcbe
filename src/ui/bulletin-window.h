/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-application.h"
#include "bulletin-library.h"
#include "bulletin-reader-view.h"
#include "bulletin-sidebar.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_WINDOW (bulletin_window_get_type ())

G_DECLARE_FINAL_TYPE (BulletinWindow, bulletin_window, BULLETIN, WINDOW, AdwApplicationWindow)

BulletinWindow     *bulletin_window_new              (BulletinApplication *application);
void                bulletin_window_open             (BulletinWindow      *self,
                                                      GFile               *location);
void                bulletin_window_open_initial     (BulletinWindow      *self);
void                bulletin_window_cancel_scan      (BulletinWindow      *self);
BulletinLibrary    *bulletin_window_get_library      (BulletinWindow      *self);
BulletinSidebar    *bulletin_window_get_sidebar      (BulletinWindow      *self);
BulletinReaderView *bulletin_window_get_reader       (BulletinWindow      *self);
AdwHeaderBar       *bulletin_window_get_header_bar   (BulletinWindow      *self);
GtkBox             *bulletin_window_get_reader_area  (BulletinWindow      *self);
void                bulletin_window_show_article     (BulletinWindow      *self,
                                                      BulletinIssue       *issue,
                                                      BulletinArticle     *article);
void                bulletin_window_add_pane         (BulletinWindow      *self,
                                                      GtkWidget           *pane);
void                bulletin_window_remove_pane      (BulletinWindow      *self,
                                                      GtkWidget           *pane);
void                bulletin_window_add_toast        (BulletinWindow      *self,
                                                      AdwToast            *toast);
void                bulletin_window_show_message     (BulletinWindow      *self,
                                                      const char          *message);
AdwStatusPage      *bulletin_window_get_status_page  (BulletinWindow      *self);
gboolean            bulletin_window_get_sidebar_visible (BulletinWindow   *self);
gboolean            bulletin_window_get_folded          (BulletinWindow   *self);
void                bulletin_window_set_sidebar_visible (BulletinWindow   *self,
                                                         gboolean          visible);

G_END_DECLS
