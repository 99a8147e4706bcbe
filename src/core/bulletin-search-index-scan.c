/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-search-index-private.h"

/* results, and the search without an index */

void
bulletin_search_result_free (BulletinSearchResult *result)
{
  if (result == NULL)
    return;
  /* GRefStrings, shared by the results of an issue */
  g_clear_pointer (&result->issue_path, g_ref_string_release);
  g_clear_pointer (&result->issue_id, g_ref_string_release);
  g_clear_pointer (&result->issue_title, g_ref_string_release);
  g_clear_pointer (&result->issue_date, g_ref_string_release);
  /* else in the result's own block (result_new_inline ()) */
  if (!result->strings_inline)
    {
      g_free (result->article_id);
      g_free (result->headline);
      g_free (result->page);
      g_free (result->section);
    }
  g_clear_pointer (&result->hits, g_array_unref);
  g_free (result->snippet);
  g_free (result);
}

void
bulletin_search_results_free (BulletinSearchResults *results)
{
  if (results == NULL)
    return;
  g_ptr_array_unref (results->results);
  g_clear_pointer (&results->unreadable, g_ptr_array_unref);
  g_free (results);
}

/* "PATH: REASON", without the file name the readers start a reason with */
char *
unreadable_line (const char *path,
                 const char *message)
{
  g_autofree char *base = g_path_get_basename (path);
  gsize n = strlen (base);

  if (strncmp (message, base, n) == 0 && strncmp (message + n, ": ", 2) == 0)
    message += n + 2;
  return g_strdup_printf ("%s: %s", path, message);
}

BulletinSearchResults *
results_new (void)
{
  BulletinSearchResults *results = g_new0 (BulletinSearchResults, 1);

  results->results = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_search_result_free);
  results->unreadable = g_ptr_array_new_with_free_func (g_free);
  results->complete = TRUE;
  return results;
}

/* A query that only excludes is an error (G_IO_ERROR_INVALID_ARGUMENT,
 * "Add a word to search for"), the same with or without an index */
gboolean
check_query (const char  *query,
             GError     **error)
{
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  const char *problem = bulletin_search_query_get_problem (q);

  if (problem != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, problem);
      return FALSE;
    }
  return TRUE;
}

/* Matches @query in @folded; the hits (converted to source offsets through
 * @segs when given) and a snippet from @input, or NULL when none. */
BulletinSearchResult *
match_folded (const BulletinFolded      *folded,
              const char                *input,
              const Segment             *segs,
              guint                      n_segs,
              const BulletinSearchQuery *query)
{
  g_autoptr(GArray) hits = bulletin_search_folded (folded, query, 0);
  BulletinSearchResult *result;
  BulletinSearchHit *first;

  if (hits->len == 0)
    return NULL;

  result = g_new0 (BulletinSearchResult, 1);
  result->n_hits = hits->len;
  result->hits = g_array_sized_new (FALSE, FALSE, sizeof (BulletinRange), hits->len);
  for (guint i = 0; i < hits->len; i++)
    {
      BulletinSearchHit *hit = &g_array_index (hits, BulletinSearchHit, i);
      BulletinRange r = { hit->start, hit->end };

      if (segs != NULL)
        {
          r.start = text_to_source (segs, n_segs, hit->start, FALSE);
          r.end = text_to_source (segs, n_segs, hit->end, TRUE);
        }
      g_array_append_val (result->hits, r);
    }
  first = &g_array_index (hits, BulletinSearchHit, 0);
  result->snippet = bulletin_folded_dup_snippet (folded, input, first->folded_start, first->folded_end,
                                                 BULLETIN_SEARCH_SNIPPET_CONTEXT,
                                                 &result->snippet_hit_start, &result->snippet_hit_end);
  return result;
}

int
compare_results (gconstpointer a,
                 gconstpointer b)
{
  const BulletinSearchResult *ra = *(BulletinSearchResult **)a, *rb = *(BulletinSearchResult **)b;
  int c;

  if (ra->sort_key != rb->sort_key)
    return ra->sort_key > rb->sort_key ? -1 : 1;
  c = strcmp (ra->issue_path, rb->issue_path);
  if (c != 0)
    return -c;
  return ra->article_index < rb->article_index ? -1 : ra->article_index > rb->article_index;
}

/**
 * bulletin_search_scan_archive:
 *
 * Searches every issue of the archive at @root by reading and folding all
 * of it: no index.  @root is the archive folder, or a single issue file.
 * Issues that cannot be read are left out, and named in the results'
 * `unreadable`.  The archive search without an index, and the reference that
 * the index is tested against.
 *
 * Returns: (transfer full): the results, newest issue first
 */
BulletinSearchResults *
bulletin_search_scan_archive (GFile         *root,
                              const char    *query,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(BulletinSearchResults) results = results_new ();
  g_autoptr(BulletinSearchQuery) q = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_return_val_if_fail (G_IS_FILE (root), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!check_query (query, error))
    return NULL;
  files = list_issue_files (root, cancellable, error);
  if (files == NULL)
    return NULL;
  results->scanned = TRUE;
  q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  if (bulletin_search_query_is_empty (q))
    return g_steal_pointer (&results);

  for (guint i = 0; i < files->len; i++)
    {
      IssueFile *f = g_ptr_array_index (files, i);
      g_autoptr(BulletinIssue) issue = bulletin_issue_new (f->file, f->kind);
      g_autoptr(GError) local_error = NULL;
      GListModel *articles;
      guint n;

      if (!load_issue (issue, f, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_ptr_array_add (results->unreadable, unreadable_line (f->path, local_error->message));
          continue;
        }

      articles = bulletin_issue_get_articles (issue);
      n = g_list_model_get_n_items (articles);
      for (guint a = 0; a < n; a++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, a);
          g_autoptr(BulletinFolded) folded = bulletin_folded_new_for_article (article);
          BulletinSearchResult *r;

          r = match_folded (folded, bulletin_article_get_source (article), NULL, 0, q);
          if (r == NULL)
            continue;
          r->issue_path = issue_string_new (f->path);
          r->issue_id = issue_string_new (bulletin_issue_get_id (issue));
          r->issue_title = issue_string_new (bulletin_issue_get_title (issue));
          r->issue_date = issue_string_new (bulletin_issue_get_date (issue));
          r->sort_key = bulletin_issue_get_sort_key (issue);
          r->article_id = g_strdup (bulletin_article_get_id (article));
          r->article_index = a;
          r->headline = g_strdup (bulletin_article_get_headline (article));
          r->page = g_strdup (bulletin_article_get_page (article));
          r->section = g_strdup (bulletin_article_get_section (article));
          results->n_hits += r->n_hits;
          g_ptr_array_add (results->results, r);
        }
    }

  g_ptr_array_sort (results->results, compare_results);
  return g_steal_pointer (&results);
}

/**
 * bulletin_search_filter_is_empty:
 *
 * Returns: whether @filter (may be NULL) keeps every result, newest first
 */
gboolean
bulletin_search_filter_is_empty (const BulletinSearchFilter *filter)
{
  return filter == NULL ||
         (filter->date_from == NULL && filter->date_to == NULL && filter->issue == NULL &&
          filter->page == NULL && filter->section == NULL && filter->order == BULLETIN_SEARCH_ORDER_NEWEST);
}

/**
 * bulletin_search_filter_keeps:
 *
 * Returns: whether an article of these issue and article fields passes
 *   @filter's restrictions (its order aside)
 */
gboolean
bulletin_search_filter_keeps (const BulletinSearchFilter *filter,
                              const char                 *issue_path,
                              const char                 *issue_id,
                              const char                 *issue_date,
                              const char                 *page,
                              const char                 *section)
{
  if (filter == NULL)
    return TRUE;
  /* dates are YYYY-MM-DD: compared as strings, the bounds inclusive */
  if (filter->date_from != NULL && (issue_date == NULL || strcmp (issue_date, filter->date_from) < 0))
    return FALSE;
  if (filter->date_to != NULL && (issue_date == NULL || strncmp (issue_date, filter->date_to, 10) > 0))
    return FALSE;
  if (filter->issue != NULL &&
      g_strcmp0 (issue_id, filter->issue) != 0 && g_strcmp0 (issue_path, filter->issue) != 0)
    return FALSE;
  if (filter->page != NULL && g_strcmp0 (page, filter->page) != 0)
    return FALSE;
  if (filter->section != NULL && g_strcmp0 (section, filter->section) != 0)
    return FALSE;
  return TRUE;
}

static int
compare_results_oldest (gconstpointer a,
                        gconstpointer b)
{
  const BulletinSearchResult *ra = *(BulletinSearchResult **)a, *rb = *(BulletinSearchResult **)b;
  int c;

  if (ra->sort_key != rb->sort_key)
    return ra->sort_key < rb->sort_key ? -1 : 1;
  c = strcmp (ra->issue_path, rb->issue_path);
  if (c != 0)
    return c;
  return ra->article_index < rb->article_index ? -1 : ra->article_index > rb->article_index;
}

static int
compare_results_hits (gconstpointer a,
                      gconstpointer b)
{
  const BulletinSearchResult *ra = *(BulletinSearchResult **)a, *rb = *(BulletinSearchResult **)b;

  if (ra->n_hits != rb->n_hits)
    return ra->n_hits > rb->n_hits ? -1 : 1;
  return compare_results (a, b);
}

/**
 * bulletin_search_results_apply_filter:
 *
 * Drops the results that @filter leaves out, counts the hits of the rest,
 * and puts them in @filter's order.  Exact on complete results (those of
 * a search without max_hits).
 */
void
bulletin_search_results_apply_filter (BulletinSearchResults      *results,
                                      const BulletinSearchFilter *filter)
{
  GPtrArray *kept;

  g_return_if_fail (results != NULL);
  if (bulletin_search_filter_is_empty (filter))
    return;
  kept = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_search_result_free);
  results->n_hits = 0;
  for (guint i = 0; i < results->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (results->results, i);

      if (bulletin_search_filter_keeps (filter, r->issue_path, r->issue_id, r->issue_date, r->page, r->section))
        {
          results->n_hits += r->n_hits;
          g_ptr_array_add (kept, g_steal_pointer (&results->results->pdata[i]));
        }
    }
  g_ptr_array_unref (results->results);
  results->results = kept;
  if (filter->order == BULLETIN_SEARCH_ORDER_OLDEST)
    g_ptr_array_sort (results->results, compare_results_oldest);
  else if (filter->order == BULLETIN_SEARCH_ORDER_HITS)
    g_ptr_array_sort (results->results, compare_results_hits);
}

/* Whether @r comes after @after in @order */
static gboolean
comes_after (const BulletinSearchResult *r,
             const BulletinSearchResult *after,
             BulletinSearchOrder         order)
{
  if (order == BULLETIN_SEARCH_ORDER_OLDEST)
    return compare_results_oldest (&r, &after) > 0;
  if (order == BULLETIN_SEARCH_ORDER_HITS)
    return compare_results_hits (&r, &after) > 0;
  return compare_results (&r, &after) > 0;
}

/* Keeps, of @results in @order, those after @after (NULL: from the
 * first), at most @max_results of them (0: all); unsets complete when
 * some are left after them */
void
results_slice (BulletinSearchResults      *results,
               const BulletinSearchResult *after,
               BulletinSearchOrder         order,
               guint                       max_results)
{
  guint start = 0;

  if (after != NULL)
    while (start < results->results->len &&
           !comes_after (g_ptr_array_index (results->results, start), after, order))
      start++;
  if (start > 0)
    g_ptr_array_remove_range (results->results, 0, start);
  if (max_results > 0 && results->results->len > max_results)
    {
      g_ptr_array_set_size (results->results, max_results);
      results->complete = FALSE;
    }
  results->n_hits = 0;
  for (guint i = 0; i < results->results->len; i++)
    results->n_hits += ((BulletinSearchResult *)g_ptr_array_index (results->results, i))->n_hits;
}
