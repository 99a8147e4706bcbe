/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-article.h"
#include "bulletin-display-text.h"
#include "bulletin-issue.h"
#include "bulletin-typography.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_READER_VIEW (bulletin_reader_view_get_type ())

G_DECLARE_FINAL_TYPE (BulletinReaderView, bulletin_reader_view, BULLETIN, READER_VIEW, AdwBin)

GtkWidget                     *bulletin_reader_view_new               (void);
void                           bulletin_reader_view_set_article       (BulletinReaderView            *self,
                                                                       BulletinArticle               *article);
void                           bulletin_reader_view_set_issue         (BulletinReaderView            *self,
                                                                       BulletinIssue                 *issue);
const char                    *bulletin_reader_view_get_issue_line    (BulletinReaderView            *self);
void                           bulletin_reader_view_set_stale         (BulletinReaderView            *self,
                                                                       gboolean                       stale);
gboolean                       bulletin_reader_view_get_stale         (BulletinReaderView            *self);
BulletinArticle               *bulletin_reader_view_get_article       (BulletinReaderView            *self);
BulletinDisplayText           *bulletin_reader_view_get_display_text  (BulletinReaderView            *self);
GtkTextView                   *bulletin_reader_view_get_text_view     (BulletinReaderView            *self);
GtkScrolledWindow             *bulletin_reader_view_get_scrolled_window (BulletinReaderView          *self);
void                           bulletin_reader_view_set_display_flags (BulletinReaderView            *self,
                                                                       BulletinDisplayFlags           flags);
BulletinDisplayFlags           bulletin_reader_view_get_display_flags (BulletinReaderView            *self);
void                           bulletin_reader_view_set_settings      (BulletinReaderView            *self,
                                                                       const BulletinReadingSettings *settings);
const BulletinReadingSettings *bulletin_reader_view_get_settings      (BulletinReaderView            *self);
gboolean                       bulletin_reader_view_is_complete       (BulletinReaderView            *self);
void                           bulletin_reader_view_complete          (BulletinReaderView            *self);
void                           bulletin_reader_view_scroll_to_range   (BulletinReaderView            *self,
                                                                       guint                          start,
                                                                       guint                          end);
void                           bulletin_reader_view_scroll_to_line    (BulletinReaderView            *self,
                                                                       guint                          offset);
void                           bulletin_reader_view_select_range      (BulletinReaderView            *self,
                                                                       guint                          start,
                                                                       guint                          end);
void                           bulletin_reader_view_scroll_page       (BulletinReaderView            *self,
                                                                       int                            pages);

G_END_DECLS
