/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-block.h"

G_BEGIN_DECLS

/**
 * BulletinSearchResult:
 * @issue_path: the issue's file or folder, relative to the archive root.
 *   It and the three other issue strings are GRefStrings, shared by the
 *   results of one issue: made with g_ref_string_new () or
 *   g_ref_string_acquire (), never g_strdup (); bulletin_search_result_free ()
 *   releases them
 * @issue_id: the issue's stable id
 * @issue_title: (nullable): its title
 * @issue_date: (nullable): its date, YYYY-MM-DD
 * @sort_key: the issue's sort key (bulletin_issue_get_sort_key ())
 * @article_id: the article's stable id
 * @article_index: its position in the issue
 * @headline: (nullable): its headline
 * @n_hits: the number of hits
 * @hits: (element-type BulletinRange) (nullable): every hit, as source
 *   offsets; NULL beyond max_details
 * @snippet: (nullable): the text around the first hit, about 20 characters
 *   either side; NULL beyond max_details
 * @snippet_hit_start: where the first hit starts in @snippet, in characters
 * @snippet_hit_end: where it ends
 * @page: (nullable): the article's page ("2", "A3"), as
 *   bulletin_article_get_page ()
 * @section: (nullable): its section, as bulletin_article_get_section ()
 *
 * The hits in one article.  @article_id, @headline, @page and @section
 * belong to the result and go with bulletin_search_result_free (): they
 * may share the result's own block (a counted result of the index), so
 * they are never freed or replaced one by one.
 */
typedef struct {
  char   *issue_path;
  char   *issue_id;
  char   *issue_title;
  char   *issue_date;
  gint64  sort_key;
  char   *article_id;
  guint   article_index;
  char   *headline;
  guint   n_hits;
  GArray *hits;
  char   *snippet;
  guint   snippet_hit_start;
  guint   snippet_hit_end;
  char   *page;
  char   *section;
  /*< private >*/
  gboolean strings_inline;  /* the four strings above in the result's block */
} BulletinSearchResult;

/**
 * BulletinSearchResults:
 * @results: (element-type BulletinSearchResult): newest issue first, then
 *   in the issue's order
 * @n_hits: hits in all @results
 * @partial: the index does not cover the whole archive yet (it is being
 *   built): results come from what is indexed so far
 * @complete: every candidate was checked; FALSE when the search stopped
 *   after the first screen (max_hits)
 * @unreadable: (element-type utf8): one "PATH: REASON" for each issue that
 *   could not be read and was left out, PATH relative to the archive root;
 *   empty when every issue was searched.  The index keeps them (see also
 *   bulletin_search_index_dup_unreadable ()) and reads them again at the
 *   next update.
 * @scanned: the results come from reading the files, not from the index
 *   (there is none, it is damaged, or its building stopped)
 */
typedef struct {
  GPtrArray *results;
  guint      n_hits;
  guint      partial : 1;
  guint      complete : 1;
  guint      scanned : 1;
  GPtrArray *unreadable;
} BulletinSearchResults;

void                   bulletin_search_result_free  (BulletinSearchResult  *result);
void                   bulletin_search_results_free (BulletinSearchResults *results);

typedef enum {
  BULLETIN_SEARCH_ORDER_NEWEST,
  BULLETIN_SEARCH_ORDER_OLDEST,
  BULLETIN_SEARCH_ORDER_HITS,
} BulletinSearchOrder;

/**
 * BulletinSearchFilter:
 * @date_from: (nullable): only issues of this date or later, YYYY-MM-DD
 * @date_to: (nullable): only issues of this date or earlier, YYYY-MM-DD
 * @issue: (nullable): only the issue of this id, or of this path
 *   relative to the archive root
 * @page: (nullable): only articles of this page (exact match)
 * @section: (nullable): only articles of this section (exact match)
 * @order: the results' order: newest issue first (the default), oldest
 *   issue first, or most hits first (then newest first)
 *
 * Restricts and orders an archive search.  An issue without a date is
 * left out by a date range; an article without a page or section by a
 * page or section.  A zeroed filter keeps everything, newest first.
 */
typedef struct {
  const char          *date_from;
  const char          *date_to;
  const char          *issue;
  const char          *page;
  const char          *section;
  BulletinSearchOrder  order;
} BulletinSearchFilter;

gboolean               bulletin_search_filter_is_empty   (const BulletinSearchFilter *filter);
gboolean               bulletin_search_filter_keeps      (const BulletinSearchFilter *filter,
                                                          const char                 *issue_path,
                                                          const char                 *issue_id,
                                                          const char                 *issue_date,
                                                          const char                 *page,
                                                          const char                 *section);
void                   bulletin_search_results_apply_filter (BulletinSearchResults   *results,
                                                          const BulletinSearchFilter *filter);

#define BULLETIN_SEARCH_SNIPPET_CONTEXT 20

#define BULLETIN_TYPE_SEARCH_INDEX (bulletin_search_index_get_type ())

G_DECLARE_FINAL_TYPE (BulletinSearchIndex, bulletin_search_index, BULLETIN, SEARCH_INDEX, GObject)

typedef void (*BulletinIndexProgressFunc) (guint    done,
                                           guint    total,
                                           gpointer user_data);

BulletinSearchIndex   *bulletin_search_index_new          (GFile                     *root,
                                                           const char                *db_path);
char                  *bulletin_search_index_default_path (GFile                     *root);
GFile                 *bulletin_search_index_get_root     (BulletinSearchIndex       *self);
const char            *bulletin_search_index_get_db_path  (BulletinSearchIndex       *self);
gboolean               bulletin_search_index_exists       (BulletinSearchIndex       *self);

/* the shared index, in the archive folder (bulletin-reader --index) */
char                  *bulletin_search_index_shared_path  (GFile                     *root);
gboolean               bulletin_search_index_uses_shared  (BulletinSearchIndex       *self);
gboolean               bulletin_search_index_count_issues (BulletinSearchIndex       *self,
                                                           guint                     *n_indexed,
                                                           guint                     *n_unreadable,
                                                           GError                   **error);

/* building: incremental, by file size and modification time */
gboolean               bulletin_search_index_update       (BulletinSearchIndex       *self,
                                                           GCancellable              *cancellable,
                                                           BulletinIndexProgressFunc  progress,
                                                           gpointer                   user_data,
                                                           GError                   **error);
void                   bulletin_search_index_update_async (BulletinSearchIndex       *self,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
gboolean               bulletin_search_index_update_finish (BulletinSearchIndex      *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);
gboolean               bulletin_search_index_forget_issue (BulletinSearchIndex       *self,
                                                           GFile                     *file,
                                                           GError                   **error);
gboolean               bulletin_search_index_get_building (BulletinSearchIndex       *self);
double                 bulletin_search_index_get_progress (BulletinSearchIndex       *self);

/* querying; @max_hits: stop once this many hits are found (the first
 * screen), 0 for all */
BulletinSearchResults *bulletin_search_index_query        (BulletinSearchIndex       *self,
                                                           const char                *query,
                                                           guint                      max_hits,
                                                           GCancellable              *cancellable,
                                                           GError                   **error);
BulletinSearchResults *bulletin_search_index_query_full   (BulletinSearchIndex       *self,
                                                           const char                *query,
                                                           guint                      max_hits,
                                                           guint                      max_details,
                                                           GCancellable              *cancellable,
                                                           GError                   **error);
BulletinSearchResults *bulletin_search_index_query_filtered (BulletinSearchIndex      *self,
                                                           const char                *query,
                                                           const BulletinSearchFilter *filter,
                                                           guint                      max_hits,
                                                           guint                      max_details,
                                                           GCancellable              *cancellable,
                                                           GError                   **error);
void                   bulletin_search_index_query_async  (BulletinSearchIndex       *self,
                                                           const char                *query,
                                                           guint                      max_hits,
                                                           guint                      max_details,
                                                           GCancellable              *cancellable,
                                                           GAsyncReadyCallback        callback,
                                                           gpointer                   user_data);
void                   bulletin_search_index_query_filtered_async (BulletinSearchIndex        *self,
                                                           const char                 *query,
                                                           const BulletinSearchFilter *filter,
                                                           guint                       max_hits,
                                                           guint                       max_details,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
/* the next page of a list: the results after @after, in detail */
BulletinSearchResults *bulletin_search_index_query_page   (BulletinSearchIndex        *self,
                                                           const char                 *query,
                                                           const BulletinSearchFilter *filter,
                                                           const BulletinSearchResult *after,
                                                           guint                       max_results,
                                                           GCancellable               *cancellable,
                                                           GError                    **error);
void                   bulletin_search_index_query_page_async (BulletinSearchIndex        *self,
                                                           const char                 *query,
                                                           const BulletinSearchFilter *filter,
                                                           const BulletinSearchResult *after,
                                                           guint                       max_results,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
BulletinSearchResults *bulletin_search_index_query_finish (BulletinSearchIndex       *self,
                                                           GAsyncResult              *result,
                                                           GError                   **error);

void                   bulletin_search_index_set_index_only (BulletinSearchIndex *self,
                                                           gboolean             index_only);

/* the sections of the indexed articles, for the section filter */
char                 **bulletin_search_index_dup_sections (BulletinSearchIndex  *self,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
void                   bulletin_search_index_dup_sections_async (BulletinSearchIndex *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
char                 **bulletin_search_index_dup_sections_finish (BulletinSearchIndex *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* the issues the index could not read: "PATH: REASON" each */
GPtrArray             *bulletin_search_index_dup_unreadable (BulletinSearchIndex   *self,
                                                           GError               **error);

/* the same search without an index: every issue file parsed and scanned;
 * @root is an archive folder or a single issue file */
BulletinSearchResults *bulletin_search_scan_archive       (GFile                     *root,
                                                           const char                *query,
                                                           GCancellable              *cancellable,
                                                           GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinSearchResults, bulletin_search_results_free)

G_END_DECLS
