/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * BulletinBlockKind:
 *
 * The role of one block of an article.  The headline block (kicker, main
 * headline, subtitle) and the byline/dateline/source lines are blocks too, so
 * that the reader, search and notes see one uniform list.
 */
typedef enum {
  BULLETIN_BLOCK_KICKER,      /* 引题 */
  BULLETIN_BLOCK_HEADLINE,    /* 主题 */
  BULLETIN_BLOCK_SUBTITLE,    /* 副题 */
  BULLETIN_BLOCK_BYLINE,
  BULLETIN_BLOCK_DATELINE,    /* 本报讯, located */
  BULLETIN_BLOCK_SOURCE,      /* (来源:新华社), credit line */
  BULLETIN_BLOCK_HEADING,     /* in-article subhead, h1-h6 */
  BULLETIN_BLOCK_PARAGRAPH,
  BULLETIN_BLOCK_QUOTE,
  BULLETIN_BLOCK_LIST_ITEM,
  BULLETIN_BLOCK_FIGURE,      /* image reference; its text is the caption */
  BULLETIN_BLOCK_SECTION_LABEL, /* 图片新闻 */
  BULLETIN_N_BLOCK_KINDS
} BulletinBlockKind;

/**
 * BulletinRange:
 * @start: first character, counted in Unicode characters of the article's source text
 * @end: one past the last character
 */
typedef struct {
  guint start;
  guint end;
} BulletinRange;

/**
 * BulletinBlock:
 *
 * One block of an article.  Its text is the concatenation of @ranges in the
 * article's source text: a paragraph repaired across a page break has two
 * ranges, the debris between them is in neither.
 */
typedef struct {
  BulletinBlockKind  kind;
  guint              level;      /* heading level 1-6, list depth; 0 if none */
  guint              ordered : 1;/* list item of an ordered list */
  guint              n_ranges;
  BulletinRange     *ranges;
  char              *image;      /* FIGURE: image reference as written (URL or relative path) */
  char              *image_alt;  /* FIGURE: alternative text */
} BulletinBlock;

#define BULLETIN_TYPE_BLOCK (bulletin_block_get_type ())

GType               bulletin_block_get_type      (void) G_GNUC_CONST;
BulletinBlock      *bulletin_block_new           (BulletinBlockKind    kind,
                                                  guint                start,
                                                  guint                end);
BulletinBlock      *bulletin_block_copy          (const BulletinBlock *block);
void                bulletin_block_free          (BulletinBlock       *block);
void                bulletin_block_add_range     (BulletinBlock       *block,
                                                  guint                start,
                                                  guint                end);
guint               bulletin_block_get_start     (const BulletinBlock *block);
guint               bulletin_block_get_end       (const BulletinBlock *block);
guint               bulletin_block_get_length    (const BulletinBlock *block);
const char         *bulletin_block_kind_to_string (BulletinBlockKind   kind);
gboolean            bulletin_block_kind_is_headline_block (BulletinBlockKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinBlock, bulletin_block_free)

G_END_DECLS
