/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bulletin-search.h"

typedef struct
{
  char     *folded;
  gunichar *chars;
  glong     n_chars;
  gboolean  word_start;
  gboolean  negative;
} Term;

struct _BulletinSearchQuery
{
  char                *text;
  char                *folded;
  gunichar            *chars;
  glong                n_chars;
  BulletinSearchFlags  flags;
  Term                *terms;     /* positive terms first */
  guint                n_terms;
  guint                n_positive;
};

static gboolean
is_quote (gunichar c)
{
  return c == '"' || c == 0x201C || c == 0x201D || c == 0xFF02;
}

static gboolean
is_minus (gunichar c)
{
  return c == '-' || c == 0xFF0D || c == 0x2212;
}

static void
add_term (GArray              *terms,
          const char          *start,
          const char          *end,
          gboolean             negative,
          BulletinSearchFlags  flags)
{
  Term t = { 0, };

  t.folded = bulletin_text_fold (start, end - start);
  t.chars = g_utf8_to_ucs4_fast (t.folded, -1, &t.n_chars);
  if (t.n_chars == 0)
    {
      g_free (t.folded);
      g_free (t.chars);
      return;
    }
  t.negative = negative;
  t.word_start = (flags & BULLETIN_SEARCH_WORD_START) != 0 &&
                 bulletin_fold_is_word_char (t.chars[0]);
  g_array_append_val (terms, t);
}

/* Splits what was typed into terms: runs of text between spaces, a
 * "quoted phrase" (ASCII or Chinese quotation marks; an unbalanced quote
 * runs to the end) as one term with its spaces, either excluded when it
 * starts with a minus sign.  A minus sign alone, or inside a word, is
 * text. */
static void
parse_terms (BulletinSearchQuery *query,
             const char          *text)
{
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (Term));
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Term));
  const char *p = text;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      gboolean negative = FALSE;
      const char *start;

      if (g_unichar_isspace (c))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      if (is_minus (c))
        {
          const char *next = g_utf8_next_char (p);
          gunichar d = g_utf8_get_char (next);

          if (*next && !g_unichar_isspace (d) && !is_minus (d))
            {
              negative = TRUE;
              p = next;
              c = d;
            }
        }
      if (is_quote (c))
        {
          p = g_utf8_next_char (p);
          start = p;
          while (*p && !is_quote (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          add_term (terms, start, p, negative, query->flags);
          if (*p)
            p = g_utf8_next_char (p);
          continue;
        }
      start = p;
      while (*p && !g_unichar_isspace (g_utf8_get_char (p)) && !is_quote (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      add_term (terms, start, p, negative, query->flags);
    }

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < terms->len; i++)
      {
        Term *t = &g_array_index (terms, Term, i);

        if (t->negative == (pass == 1))
          g_array_append_val (sorted, *t);
      }
  query->n_terms = sorted->len;
  for (guint i = 0; i < sorted->len; i++)
    if (!g_array_index (sorted, Term, i).negative)
      query->n_positive++;
  query->terms = (Term *)g_array_free (g_steal_pointer (&sorted), FALSE);
}

/**
 * bulletin_search_query_new:
 * @text: what the person typed
 *
 * Parses @text: words separated by spaces must all be found, in any
 * order; a "quoted phrase" is found as it is, spaces included; a word or
 * phrase after a minus sign (-word) must not be in the text.  Chinese
 * text without spaces is one term, found as it is.  Each term is folded
 * the way the searched text is folded (see bulletin-text-fold.h).
 *
 * Returns: (transfer full): the query
 */
BulletinSearchQuery *
bulletin_search_query_new (const char          *text,
                           BulletinSearchFlags  flags)
{
  BulletinSearchQuery *query;
  g_autoptr(GString) joined = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  query = g_new0 (BulletinSearchQuery, 1);
  query->text = g_strdup (text);
  query->flags = flags;
  /* the parser steps by characters: never past the end of bad UTF-8 */
  if (g_utf8_validate (text, -1, NULL))
    parse_terms (query, text);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      parse_terms (query, valid);
    }
  for (guint i = 0; i < query->n_positive; i++)
    {
      if (i > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, query->terms[i].folded);
    }
  query->folded = g_string_free (g_steal_pointer (&joined), FALSE);
  query->chars = g_utf8_to_ucs4_fast (query->folded, -1, &query->n_chars);
  return query;
}

void
bulletin_search_query_free (BulletinSearchQuery *query)
{
  if (query == NULL)
    return;
  for (guint i = 0; i < query->n_terms; i++)
    {
      g_free (query->terms[i].folded);
      g_free (query->terms[i].chars);
    }
  g_free (query->terms);
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
 * Returns: (transfer none): the folded terms to find, UTF-8, separated by
 *   spaces (a phrase keeps its own)
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
 * Returns: (transfer none): the characters of
 *   bulletin_search_query_get_folded ()
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

/**
 * bulletin_search_query_get_n_terms:
 *
 * Returns: the number of terms, the ones to find first, then the ones
 *   excluded
 */
guint
bulletin_search_query_get_n_terms (const BulletinSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, 0);
  return query->n_terms;
}

/**
 * bulletin_search_query_get_term:
 * @index: below bulletin_search_query_get_n_terms ()
 * @n_chars: (out) (optional): the number of folded characters
 * @negative: (out) (optional): whether the term is excluded
 *
 * Returns: (transfer none): the term's folded characters
 */
const gunichar *
bulletin_search_query_get_term (const BulletinSearchQuery *query,
                                guint                      index,
                                guint                     *n_chars,
                                gboolean                  *negative)
{
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (index < query->n_terms, NULL);
  if (n_chars != NULL)
    *n_chars = query->terms[index].n_chars;
  if (negative != NULL)
    *negative = query->terms[index].negative;
  return query->terms[index].chars;
}

/**
 * bulletin_search_query_get_term_folded:
 *
 * Returns: (transfer none): the term's folded text, UTF-8
 */
const char *
bulletin_search_query_get_term_folded (const BulletinSearchQuery *query,
                                       guint                      index)
{
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (index < query->n_terms, NULL);
  return query->terms[index].folded;
}

/**
 * bulletin_search_query_is_empty:
 *
 * Returns: whether the query has nothing to find (it may have terms to
 *   exclude: see bulletin_search_query_get_problem ())
 */
gboolean
bulletin_search_query_is_empty (const BulletinSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, TRUE);
  return query->n_positive == 0;
}

/**
 * bulletin_search_query_get_problem:
 *
 * Returns: (nullable): a message to show instead of results when the
 *   query only excludes ("Add a word to search for"), translated; NULL
 *   otherwise
 */
const char *
bulletin_search_query_get_problem (const BulletinSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, NULL);
  if (query->n_positive == 0 && query->n_terms > 0)
    return _("Add a word to search for");
  return NULL;
}

/* Every non-overlapping hit of one term, left to right, appended to @hits
 * when not NULL; returns how many (at most @max_hits unless 0). */
static guint
search_term (const BulletinFolded *folded,
             const Term           *term,
             guint                 max_hits,
             GArray               *hits)
{
  const gunichar *text = bulletin_folded_get_chars (folded);
  const gunichar *q = term->chars;
  guint n = bulletin_folded_get_length (folded);
  guint m = term->n_chars;
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

      if (term->word_start && i > 0 && bulletin_fold_is_word_char (text[i - 1]))
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

static gint
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const BulletinSearchHit *ha = a, *hb = b;

  if (ha->folded_start != hb->folded_start)
    return ha->folded_start < hb->folded_start ? -1 : 1;
  /* the longer first */
  if (ha->folded_end != hb->folded_end)
    return ha->folded_end > hb->folded_end ? -1 : 1;
  return 0;
}

/* Every hit of the query, left to right: none when a term to find is
 * missing or an excluded one is there; the hits of several terms merged,
 * a hit that overlaps an earlier one dropped.  Appended to @hits when not
 * NULL; returns how many (at most @max_hits unless 0). */
static guint
search_folded (const BulletinFolded      *folded,
               const BulletinSearchQuery *query,
               guint                      max_hits,
               GArray                    *hits)
{
  g_autoptr(GArray) all = NULL;
  guint n_hits = 0, end = 0;

  if (query->n_positive == 0)
    return 0;
  for (guint i = query->n_positive; i < query->n_terms; i++)
    if (search_term (folded, &query->terms[i], 1, NULL) > 0)
      return 0;
  if (query->n_positive == 1)
    return search_term (folded, &query->terms[0], max_hits, hits);

  /* every term must be there before any hit is made */
  for (guint i = 0; i < query->n_positive; i++)
    if (search_term (folded, &query->terms[i], 1, NULL) == 0)
      return 0;
  /* a text folded without offsets gives hits at 0: only counted */
  all = g_array_new (FALSE, FALSE, sizeof (BulletinSearchHit));
  for (guint i = 0; i < query->n_positive; i++)
    search_term (folded, &query->terms[i], 0, all);
  g_array_sort (all, compare_hits);
  for (guint i = 0; i < all->len; i++)
    {
      const BulletinSearchHit *hit = &g_array_index (all, BulletinSearchHit, i);

      if (n_hits > 0 && hit->folded_start < end)
        continue;
      if (hits != NULL)
        g_array_append_val (hits, *hit);
      end = hit->folded_end;
      n_hits++;
      if (max_hits > 0 && n_hits >= max_hits)
        break;
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
