/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

/**
 * BulletinDisplayFlags:
 * @BULLETIN_DISPLAY_WIDEN_PUNCTUATION: show ASCII punctuation next to Han
 *   characters in its full-width form (，！（）：；？)
 */
typedef enum {
  BULLETIN_DISPLAY_NONE               = 0,
  BULLETIN_DISPLAY_WIDEN_PUNCTUATION  = 1 << 0,
} BulletinDisplayFlags;

#define BULLETIN_DISPLAY_DEFAULT BULLETIN_DISPLAY_WIDEN_PUNCTUATION

/**
 * BulletinSpan:
 * @block: index of the block in the article
 * @kind: the block's kind
 * @start: first display character
 * @end: one past the last display character (the newline that separates
 *   blocks is not in the span)
 */
typedef struct {
  guint             block;
  BulletinBlockKind kind;
  guint             start;
  guint             end;
} BulletinSpan;

/**
 * BulletinDisplayText:
 *
 * What the reader shows of an article: one string in which each block is a
 * line (blocks separated by "\n"), the span of each block, and a map
 * between display and source character offsets.  The source text is never
 * changed; widening punctuation replaces a character by one character, and
 * joining a paragraph across a page break drops the debris, so the map is a
 * list of runs in which both sides advance together.
 */
typedef struct _BulletinDisplayText BulletinDisplayText;

#define BULLETIN_TYPE_DISPLAY_TEXT (bulletin_display_text_get_type ())

GType                bulletin_display_text_get_type        (void) G_GNUC_CONST;
BulletinDisplayText *bulletin_display_text_new             (BulletinArticle           *article,
                                                            BulletinDisplayFlags       flags);
BulletinDisplayText *bulletin_display_text_ref             (BulletinDisplayText       *self);
void                 bulletin_display_text_unref           (BulletinDisplayText       *self);
BulletinArticle     *bulletin_display_text_get_article     (BulletinDisplayText       *self);
BulletinDisplayFlags bulletin_display_text_get_flags       (BulletinDisplayText       *self);
const char          *bulletin_display_text_get_text        (BulletinDisplayText       *self,
                                                            gsize                     *n_bytes);
guint                bulletin_display_text_get_length      (BulletinDisplayText       *self);
const BulletinSpan  *bulletin_display_text_get_spans       (BulletinDisplayText       *self,
                                                            guint                     *n_spans);
guint                bulletin_display_text_to_source       (BulletinDisplayText       *self,
                                                            guint                      display_offset);
guint                bulletin_display_text_from_source     (BulletinDisplayText       *self,
                                                            guint                      source_offset);
guint                bulletin_display_text_from_source_sorted (BulletinDisplayText    *self,
                                                               guint                   source_offset,
                                                               guint                  *cursor);
char                *bulletin_display_text_dup_range       (BulletinDisplayText       *self,
                                                            guint                      start,
                                                            guint                      end);

gboolean             bulletin_display_text_is_source_char  (BulletinDisplayText       *self,
                                                            guint                      display_offset);
const guint         *bulletin_display_text_get_piece_breaks (BulletinDisplayText     *self,
                                                            guint                     *n_breaks);

/* Whether span @index is a short dateline (本报讯, 新华社北京3月1日电, a
 * place) followed by a paragraph: the reader, print and export run it
 * into that paragraph, its separator shown as a space
 * (bulletin_display_text_get_run_in_separator ()), not a line break. */
gboolean             bulletin_display_text_is_run_in       (BulletinDisplayText       *self,
                                                            guint                      index);
/* A full-width space in a Chinese article, a space in a Latin one. */
const char          *bulletin_display_text_get_run_in_separator (BulletinDisplayText *self);
/* The text as the reader shows it: the display text with the separator
 * after each run-in dateline a space; as many characters, so display
 * offsets hold.  Returns: (transfer full) */
char                *bulletin_display_text_dup_shown_text  (BulletinDisplayText       *self,
                                                            gsize                     *n_bytes);

/* Where to cut span @span into pieces of at most @max_chars characters for
 * layout (after a sentence, else a clause, else outside a Latin word or a
 * number): a GArray of guint display offsets, each the start of a piece,
 * ascending, the span's start not included; empty when it fits. */
GArray              *bulletin_display_text_dup_splits      (BulletinDisplayText       *self,
                                                            guint                      span,
                                                            guint                      max_chars);

/* widening one character: returns the full-width form of @c when it is
 * ASCII punctuation that @prev or @next (Han characters or CJK
 * punctuation) make Chinese, else @c */
gunichar             bulletin_display_widen_char           (gunichar                   prev,
                                                            gunichar                   c,
                                                            gunichar                   next);
/* the same over a whole string (a search snippet): as many characters */
char                *bulletin_display_widen_text           (const char                *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinDisplayText, bulletin_display_text_unref)

G_END_DECLS
