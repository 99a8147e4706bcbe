/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

/*
 * The one folding that every search uses, on both the text and the query:
 *
 *  - compatibility normalisation (NFKC), which also folds width: Ａ → A,
 *    ， → ",", １ → 1, half-width katakana, CJK compatibility ideographs;
 *  - Unicode full case folding (ß → ss);
 *  - Traditional → Simplified Chinese, from Unihan's kSimplifiedVariant
 *    (國 → 国, 發 → 发; see build-aux/gen-unihan-table.py);
 *  - format characters (zero-width space, soft hyphen, BOM) are dropped;
 *  - whitespace: a run of whitespace that holds a line break and touches a
 *    Chinese character or CJK punctuation is dropped (a hard-wrapped
 *    Chinese line continues without a space); any other run becomes one
 *    space.  Whitespace at the start or end of a block is dropped.
 *
 * Folding keeps, for every folded character, the range of input characters
 * it came from, so hits come back as offsets of the source text.  Blocks
 * are separated by "\n" in the folded text, which no folded query holds, so
 * a hit never spans two blocks; the ranges of one block are joined, so a
 * hit may span a repaired page break.
 */

typedef struct _BulletinFolded BulletinFolded;

BulletinFolded     *bulletin_folded_new              (void);
BulletinFolded     *bulletin_folded_new_chars_only   (void);
BulletinFolded     *bulletin_folded_new_for_article  (BulletinArticle      *article);
void                bulletin_folded_free             (BulletinFolded       *self);

/* building: @text's first character is at @offset of the input */
void                bulletin_folded_append           (BulletinFolded       *self,
                                                      const char           *text,
                                                      gssize                len,
                                                      guint                 offset);
void                bulletin_folded_end_block        (BulletinFolded       *self);
void                bulletin_folded_reset            (BulletinFolded       *self);
/* the same without the fast path: for the tests */
void                bulletin_folded_append_reference (BulletinFolded       *self,
                                                      const char           *text,
                                                      gssize                len,
                                                      guint                 offset);

/* reading */
guint               bulletin_folded_get_length       (const BulletinFolded *self);
const gunichar     *bulletin_folded_get_chars        (const BulletinFolded *self);
guint               bulletin_folded_get_start        (const BulletinFolded *self,
                                                      guint                 index);
guint               bulletin_folded_get_end          (const BulletinFolded *self,
                                                      guint                 index);
char               *bulletin_folded_to_utf8          (const BulletinFolded *self);
char               *bulletin_folded_dup_snippet      (const BulletinFolded *self,
                                                      const char           *input,
                                                      guint                 start,
                                                      guint                 end,
                                                      guint                 context,
                                                      guint                *hit_start,
                                                      guint                *hit_end);

/* a whole string, one block: for queries */
char               *bulletin_text_fold               (const char           *text,
                                                      gssize                len);

/* classes of folded characters, shared by the matcher and the tokenizer */
gboolean            bulletin_fold_is_cjk             (gunichar              c);
gboolean            bulletin_fold_is_word_char       (gunichar              c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinFolded, bulletin_folded_free)

G_END_DECLS
