/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

/**
 * BulletinHtmlBlock:
 * @kind: HEADING, PARAGRAPH, QUOTE, LIST_ITEM or FIGURE
 * @level: heading level 1-6, list depth from 1; 0 otherwise
 * @ordered: a list item of an `<ol>`
 * @text: the block's text content: entities decoded, white space collapsed
 *   as HTML renders it, `<br>` as "\n"; a figure's caption
 * @image: FIGURE: the `src` of its image as written (never fetched)
 * @image_alt: FIGURE: the image's `alt`
 *
 * One block of an HTML body, before it joins an article.
 */
typedef struct {
  BulletinBlockKind  kind;
  guint              level;
  gboolean           ordered;
  char              *text;
  char              *image;
  char              *image_alt;
} BulletinHtmlBlock;

void       bulletin_html_block_free      (BulletinHtmlBlock *block);

GPtrArray *bulletin_html_body_parse      (const char        *html,
                                          gssize             len);
char      *bulletin_html_body_dup_text   (const char        *html,
                                          gssize             len);
void       bulletin_html_body_append     (BulletinArticle   *article,
                                          GPtrArray         *blocks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinHtmlBlock, bulletin_html_block_free)

G_END_DECLS
