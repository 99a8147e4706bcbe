/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "bulletin-block.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_ARTICLE (bulletin_article_get_type ())

G_DECLARE_FINAL_TYPE (BulletinArticle, bulletin_article, BULLETIN, ARTICLE, GObject)

/*
 * An article: its source text (decoded, line ends normalised to LF; for
 * ninjs, the item's fields and the body's text content joined by blank
 * lines), the blocks that cover it, and metadata by role.
 *
 * Offsets everywhere count Unicode characters of the source text.
 *
 * Building: bulletin_article_new (), then either
 *   - bulletin_article_set_source () and bulletin_article_add_block () with
 *     ranges into that text (the plain-text importer), or
 *   - bulletin_article_append_block () repeatedly, which appends the block's
 *     text to the source (separated by a blank line) and records its range
 *     (the ninjs reader);
 * then the metadata setters, then bulletin_article_finish (), which derives
 * the stable id and makes the article immutable.
 */

BulletinArticle    *bulletin_article_new               (void);

/* building */
void                bulletin_article_set_source        (BulletinArticle   *self,
                                                        const char        *text,
                                                        gssize             len);
void                bulletin_article_add_block         (BulletinArticle   *self,
                                                        BulletinBlock     *block);
BulletinBlock      *bulletin_article_append_block      (BulletinArticle   *self,
                                                        BulletinBlockKind  kind,
                                                        const char        *text,
                                                        gssize             len);
void                bulletin_article_set_uri           (BulletinArticle   *self,
                                                        const char        *uri);
void                bulletin_article_set_headline      (BulletinArticle   *self,
                                                        const char        *headline);
void                bulletin_article_set_kicker        (BulletinArticle   *self,
                                                        const char        *kicker);
void                bulletin_article_set_subtitle      (BulletinArticle   *self,
                                                        const char        *subtitle);
void                bulletin_article_set_byline        (BulletinArticle   *self,
                                                        const char        *byline);
void                bulletin_article_set_dateline      (BulletinArticle   *self,
                                                        const char        *dateline);
void                bulletin_article_set_located       (BulletinArticle   *self,
                                                        const char        *located);
void                bulletin_article_set_credit        (BulletinArticle   *self,
                                                        const char        *credit);
void                bulletin_article_set_language      (BulletinArticle   *self,
                                                        const char        *language);
void                bulletin_article_set_date          (BulletinArticle   *self,
                                                        const char        *iso8601);
/* where the article was printed: the page ("2", "A3") and the page's
 * section ("要闻"); not part of the text nor of the id */
void                bulletin_article_set_page          (BulletinArticle   *self,
                                                        const char        *page);
void                bulletin_article_set_section       (BulletinArticle   *self,
                                                        const char        *section);
void                bulletin_article_set_id_suffix     (BulletinArticle   *self,
                                                        const char        *suffix);
void                bulletin_article_finish            (BulletinArticle   *self);

/* reading */
const char         *bulletin_article_get_id            (BulletinArticle   *self);
const char         *bulletin_article_get_uri           (BulletinArticle   *self);
const char         *bulletin_article_get_headline      (BulletinArticle   *self);
const char         *bulletin_article_get_kicker        (BulletinArticle   *self);
const char         *bulletin_article_get_subtitle      (BulletinArticle   *self);
const char         *bulletin_article_get_byline        (BulletinArticle   *self);
const char         *bulletin_article_get_dateline      (BulletinArticle   *self);
const char         *bulletin_article_get_located       (BulletinArticle   *self);
const char         *bulletin_article_get_credit        (BulletinArticle   *self);
const char         *bulletin_article_get_language      (BulletinArticle   *self);
const char         *bulletin_article_get_date          (BulletinArticle   *self);
const char         *bulletin_article_get_page          (BulletinArticle   *self);
const char         *bulletin_article_get_section       (BulletinArticle   *self);
const char         *bulletin_article_get_source        (BulletinArticle   *self);
gsize               bulletin_article_get_source_bytes  (BulletinArticle   *self);
guint               bulletin_article_get_source_length (BulletinArticle   *self);
guint               bulletin_article_get_n_blocks      (BulletinArticle   *self);
const BulletinBlock *bulletin_article_get_block        (BulletinArticle   *self,
                                                        guint              index);
char               *bulletin_article_dup_block_text    (BulletinArticle   *self,
                                                        guint              index);
char               *bulletin_article_dup_body_text     (BulletinArticle   *self);
const char         *bulletin_article_offset_to_pointer (BulletinArticle   *self,
                                                        guint              offset);
char               *bulletin_article_dup_source_range  (BulletinArticle   *self,
                                                        guint              start,
                                                        guint              end);

/* identity */
char               *bulletin_article_compute_content_id (const char       *headline,
                                                         const char       *body);
char               *bulletin_normalize_for_identity     (const char       *text,
                                                         guint             max_chars);

G_END_DECLS
