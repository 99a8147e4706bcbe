/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_BOOKMARK (bulletin_bookmark_get_type ())

G_DECLARE_FINAL_TYPE (BulletinBookmark, bulletin_bookmark, BULLETIN, BOOKMARK, GObject)

BulletinBookmark   *bulletin_bookmark_new              (const char        *article_id);
BulletinBookmark   *bulletin_bookmark_new_for_article  (BulletinArticle   *article);
BulletinBookmark   *bulletin_bookmark_copy             (BulletinBookmark  *self);

const char         *bulletin_bookmark_get_article_id   (BulletinBookmark  *self);
const char         *bulletin_bookmark_get_headline     (BulletinBookmark  *self);
const char         *bulletin_bookmark_get_issue_id     (BulletinBookmark  *self);
const char         *bulletin_bookmark_get_issue_title  (BulletinBookmark  *self);
const char         *bulletin_bookmark_get_issue_date   (BulletinBookmark  *self);
void                bulletin_bookmark_set_headline     (BulletinBookmark  *self,
                                                        const char        *headline);
void                bulletin_bookmark_set_issue        (BulletinBookmark  *self,
                                                        const char        *issue_id,
                                                        const char        *title,
                                                        const char        *date);

/* the archive (folder or file) it was made in: NULL in files written
 * before this was kept */
const char         *bulletin_bookmark_get_archive_uri  (BulletinBookmark  *self);
const char         *bulletin_bookmark_get_archive_name (BulletinBookmark  *self);
void                bulletin_bookmark_set_archive      (BulletinBookmark  *self,
                                                        const char        *uri,
                                                        const char        *name);

/* times in microseconds since the epoch */
gint64              bulletin_bookmark_get_added        (BulletinBookmark  *self);
gint64              bulletin_bookmark_get_modified     (BulletinBookmark  *self);
void                bulletin_bookmark_set_times        (BulletinBookmark  *self,
                                                        gint64             added,
                                                        gint64             modified);

/* internal to the store */
void                _bulletin_bookmark_assign          (BulletinBookmark  *self,
                                                        BulletinBookmark  *from);
gboolean            _bulletin_bookmark_equal           (BulletinBookmark  *a,
                                                        BulletinBookmark  *b);
BulletinBookmark   *_bulletin_bookmark_new_with_digest (const char        *article_id,
                                                        const guint8      *digest);
const guint8       *_bulletin_bookmark_get_id_digest   (BulletinBookmark  *self);

G_END_DECLS
