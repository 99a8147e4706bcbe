/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-article.h"
#include "bulletin-text-fold.h"

G_BEGIN_DECLS

/**
 * BulletinSearchFlags:
 * @BULLETIN_SEARCH_WORD_START: a query that starts with a letter or digit
 *   of a spaced script (Latin, Cyrillic...) matches only where a word
 *   starts.  Archive search uses it, because its index knows such text by
 *   words; Chinese text is matched anywhere either way.
 */
typedef enum {
  BULLETIN_SEARCH_DEFAULT    = 0,
  BULLETIN_SEARCH_WORD_START = 1 << 0,
} BulletinSearchFlags;

/**
 * BulletinSearchHit:
 * @start: first source character of the hit
 * @end: one past its last source character (a hit across a repaired page
 *   break spans the debris: map both ends to the display)
 * @folded_start: first folded character
 * @folded_end: one past the last folded character
 */
typedef struct {
  guint start;
  guint end;
  guint folded_start;
  guint folded_end;
} BulletinSearchHit;

typedef struct _BulletinSearchQuery BulletinSearchQuery;

BulletinSearchQuery *bulletin_search_query_new        (const char                *text,
                                                       BulletinSearchFlags        flags);
void                 bulletin_search_query_free       (BulletinSearchQuery       *query);
const char          *bulletin_search_query_get_text   (const BulletinSearchQuery *query);
const char          *bulletin_search_query_get_folded (const BulletinSearchQuery *query);
const gunichar      *bulletin_search_query_get_chars  (const BulletinSearchQuery *query,
                                                       guint                     *n_chars);
gboolean             bulletin_search_query_is_empty   (const BulletinSearchQuery *query);
const char          *bulletin_search_query_get_problem (const BulletinSearchQuery *query);
guint                bulletin_search_query_get_n_terms (const BulletinSearchQuery *query);
const gunichar      *bulletin_search_query_get_term   (const BulletinSearchQuery *query,
                                                       guint                      index,
                                                       guint                     *n_chars,
                                                       gboolean                  *negative);
const char          *bulletin_search_query_get_term_folded (const BulletinSearchQuery *query,
                                                       guint                      index);

/* every non-overlapping hit, left to right; at most @max_hits unless 0 */
GArray              *bulletin_search_folded           (const BulletinFolded      *folded,
                                                       const BulletinSearchQuery *query,
                                                       guint                      max_hits);
guint                bulletin_search_folded_count     (const BulletinFolded      *folded,
                                                       const BulletinSearchQuery *query);
GArray              *bulletin_search_article          (BulletinArticle           *article,
                                                       const char                *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinSearchQuery, bulletin_search_query_free)

G_END_DECLS
