/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-search.h"

struct _BulletinSearchQuery
{
  char                *text;
  char                *folded;
  gunichar            *chars;
  glong                n_chars;
  BulletinSearchFlags  flags;
  gboolean             word_start;
};

/**
 * bulletin_search_query_new:
 * @text: what the person typed
 *
 * Folds @text the way the searched text is folded (see
 * bulletin-text-fold.h); leading and trailing whitespace is dropped.
 *
 * Returns: (transfer full): the query
 */
BulletinSearchQuery *
bulletin_search_query_new (const char          *text,
                           BulletinSearchFlags  flags)
{
  BulletinSearchQuery *query;

  g_return_val_if_fail (text != NULL, NULL);

  query = g_new0 (BulletinSearchQuery, 1);
  query->text = g_strdup (text);
  query->folded = bulletin_text_fold (text, -1);
  query->chars = g_utf8_to_ucs4_fast (query->folded, -1, &query->n_chars);
  query->flags = flags;
  query->word_start = (flags & BULLETIN_SEARCH_WORD_START) != 0 &&
                      query->n_chars > 0 &&
                      bulletin_fold_is_word_char (query->chars[0]);
  return query;
}

void
bulletin_search_query_free (BulletinSearchQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->text);
  g_free (query->folded);
  g_free (query->chars);
  g_free (query);
}

/**
 * bulletin_search_query_get_text:
 *
 * Returns: (transfer none): the query as typed
 */
const char *
bulletin_search_query_get_text (const BulletinSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, NULL);
  return query->text;
}

/**
 * bulletin_search_query_get_folded:
 *
 * Returns: (transfer none): the folded query, UTF-8
 */
const char *
bulletin_search_query_get_folded (const BulletinSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, NULL);
  return query->folded;
}

/**
 * bulletin_search_query_get_chars:
 *
 * Returns: (transfer none): the folded query's characters
 */
const gunichar *
bulletin_search_query_get_chars (const BulletinSearchQuery *query,
                                 guint                     *n_chars)
{
  g_return_val_if_fail (query != NULL, NULL);
  if (n_chars != NULL)
    *n_chars = query->n_chars;
  return query->chars;
}

gboolean
bulletin_search_query_is_empty (const BulletinSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, TRUE);
  return query->n_chars == 0;
}

/* Every non-overlapping hit, left to right, appended to @hits when not
 * NULL; returns how many (at most @max_hits unless 0). */
static guint
search_folded (const BulletinFolded      *folded,
               const BulletinSearchQuery *query,
               guint                      max_hits,
               GArray                    *hits)
{
  const gunichar *text = bulletin_folded_get_chars (folded);
  const gunichar *q = query->chars;
  guint n = bulletin_folded_get_length (folded);
  guint m = query->n_chars;
  guint n_hits = 0;

  if (m == 0 || m > n)
    return 0;

  for (guint i = 0; i + m <= n;)
    {
      const gunichar first = q[0];
      gboolean found = FALSE;

      for (; i + m <= n; i++)
        if (text[i] == first && memcmp (text + i + 1, q + 1, (m - 1) * sizeof (gunichar)) == 0)
          {
            found = TRUE;
            break;
          }
      if (!found)
        break;

      if (query->word_start && i > 0 && bulletin_fold_is_word_char (text[i - 1]))
        {
          i++;
          continue;
        }

      if (hits != NULL)
        {
          BulletinSearchHit hit = {
            bulletin_folded_get_start (folded, i),
            bulletin_folded_get_end (folded, i + m - 1),
            i,
            i + m,
          };

          g_array_append_val (hits, hit);
        }
      n_hits++;
      if (max_hits > 0 && n_hits >= max_hits)
        break;
      i += m;
    }
  return n_hits;
}

/**
 * bulletin_search_folded:
 * @max_hits: stop after this many hits, or 0 for all
 *
 * Finds every occurrence of @query in @folded, left to right; the search
 * goes on after the end of each hit, so hits never overlap.
 *
 * Returns: (transfer full) (element-type BulletinSearchHit): the hits
 */
GArray *
bulletin_search_folded (const BulletinFolded      *folded,
                        const BulletinSearchQuery *query,
                        guint                      max_hits)
{
  GArray *hits;

  g_return_val_if_fail (folded != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  hits = g_array_new (FALSE, FALSE, sizeof (BulletinSearchHit));
  search_folded (folded, query, max_hits, hits);
  return hits;
}

/**
 * bulletin_search_folded_count:
 *
 * How many hits bulletin_search_folded () would find, without making
 * them: works on a folded text without offsets too.
 *
 * Returns: the number of hits
 */
guint
bulletin_search_folded_count (const BulletinFolded      *folded,
                              const BulletinSearchQuery *query)
{
  g_return_val_if_fail (folded != NULL, 0);
  g_return_val_if_fail (query != NULL, 0);

  return search_folded (folded, query, 0, NULL);
}

/**
 * bulletin_search_article:
 *
 * Folds @article and @query and finds every hit.  The reader keeps the
 * folded article (bulletin_folded_new_for_article ()) between keystrokes
 * instead.
 *
 * Returns: (transfer full) (element-type BulletinRange): the hits as
 *   source offset ranges
 */
GArray *
bulletin_search_article (BulletinArticle *article,
                         const char      *query)
{
  g_autoptr(BulletinFolded) folded = NULL;
  g_autoptr(BulletinSearchQuery) q = NULL;
  g_autoptr(GArray) hits = NULL;
  GArray *ranges;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  folded = bulletin_folded_new_for_article (article);
  q = bulletin_search_query_new (query, BULLETIN_SEARCH_DEFAULT);
  hits = bulletin_search_folded (folded, q, 0);
  ranges = g_array_sized_new (FALSE, FALSE, sizeof (BulletinRange), hits->len);
  for (guint i = 0; i < hits->len; i++)
    {
      const BulletinSearchHit *hit = &g_array_index (hits, BulletinSearchHit, i);
      BulletinRange r = { hit->start, hit->end };

      g_array_append_val (ranges, r);
    }
  return ranges;
}
