/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-accels.h"
#include "bulletin-archive-search.h"
#include "bulletin-search-result-row.h"

/*
 * Archive search: one query against the index, first the first screen
 * (the newest 50 hits), then every result, counted, the first of them in
 * detail (hits and snippet).  The list grows as it is scrolled to its
 * end: rows for the results in detail, then the next page of results in
 * detail (bulletin_search_index_query_page ()), through all of them.
 * While the index is being built, results come from what is indexed so
 * far, the window says so, and the query runs again as more is indexed:
 * then for every result at once, and the rows of the results that stayed
 * the same are kept, so that a growing list costs the main thread only
 * its new rows (and the rows in sight do not flicker).
 */

#define FIRST_SCREEN_HITS 50
/* Rows are made a screenful at a time, as the list is scrolled to its
 * end: 300 results made at once took 600 rows of labels and their laid-out
 * text, about 10 MiB for a list mostly out of sight. */
#define ROWS_PER_BATCH    50
/* Of the complete results, those given in detail (the next pages are
 * asked for as the list reaches them) */
#define DETAILED_RESULTS  (2 * ROWS_PER_BATCH)
/* While the index builds, the query runs again at most every 1.5 s, and
 * leaves at least twice its own time between its runs: at a common word
 * in a large archive its threads would otherwise never rest, nor finish
 * (each run cancelled the one before). */
#define RERUN_INTERVAL_MS 1500
#define RERUN_REST_FACTOR 2

struct _BulletinArchiveSearch
{
  AdwBin               parent_instance;

  GtkSearchEntry      *entry;
  GtkProgressBar      *progress;
  GtkLabel            *notice;
  GtkLabel            *summary;
  GtkListBox          *list;
  GtkScrolledWindow   *scroller;
  GtkDropDown         *date_preset;
  GtkEditable         *date_from;
  GtkEditable         *date_to;
  GtkCheckButton      *this_issue;
  GtkDropDown         *section;
  GtkStringList       *sections;       /* its items: "Any section", then the index's */
  GtkDropDown         *order;
  GtkWidget           *clear_filters;
  GCancellable        *sections_cancellable;
  gboolean             clearing;       /* Clear Filters resetting them */
  char                *filter_key;     /* the filters in force, to tell a change */
  char                *query_run;      /* the text of the last query run */

  BulletinSearchIndex *index;
  GCancellable        *query_cancellable;
  GCancellable        *update_cancellable;
  guint                rerun_source;
  guint                more_rows_source; /* a look at the list's end, after a layout */
  gint64               last_run;
  gboolean             querying;       /* a query runs */
  gboolean             rerun_pending;  /* more was indexed meanwhile */
  gint64               last_query_ms;  /* how long the last query took */
  char                *index_problem;  /* why the last update stopped, or NULL */
  BulletinSearchResults *listed;       /* the results the list shows, or NULL */
  guint                n_listed;       /* of them, those with a row */
  GCancellable        *page_cancellable; /* the next page's details, while asked for */
  gboolean             follow_end;     /* End pressed: the focus to the last row once made */
  GPtrArray           *first_rows;     /* per result with a row: its first row (its issue's heading, or its own) */
  guint                serial;         /* the query and filters asked for (a rerun keeps it) */
  guint                listed_serial;  /* the query and filters of the results listed */
  gboolean             widen;
  char                *current_issue;  /* the issue open in the reader, or NULL */
  char                *from;           /* the date range in force, or NULL */
  char                *to;
};

/* the date presets, as in the drop-down */
enum {
  DATE_ANY,
  DATE_THIS_YEAR,
  DATE_TWELVE_MONTHS,
  DATE_CUSTOM,
};

G_DEFINE_FINAL_TYPE (BulletinArchiveSearch, bulletin_archive_search, ADW_TYPE_BIN)

enum {
  RESULT_ACTIVATED,
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
issue_row (const BulletinSearchResult *r,
           guint                       hits)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *n = NULL;

  if (r->issue_date != NULL && g_strcmp0 (r->issue_title, r->issue_date) != 0)
    text = g_strdup_printf ("%s · %s", r->issue_title != NULL ? r->issue_title : r->issue_path, r->issue_date);
  else
    text = g_strdup (r->issue_title != NULL ? r->issue_title : r->issue_path);
  gtk_label_set_text (GTK_LABEL (title), text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  n = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hit", "%u hits", hits), hits);
  gtk_label_set_text (GTK_LABEL (count), n);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), count);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static gpointer
free_results_thread (gpointer data)
{
  bulletin_search_results_free (data);
  return NULL;
}

/* Results of many articles take milliseconds to free (6 ms for 24,000 on
 * a busy machine, each a handful of strings), as often as the query runs
 * again while the index builds: not on the main thread.  The rows copied
 * what they show. */
static void
free_results (BulletinSearchResults *results)
{
  if (results == NULL)
    return;
  if (results->results->len < 1000)
    bulletin_search_results_free (results);
  else
    g_thread_unref (g_thread_new ("bulletin-free-results", free_results_thread, results));
}

static void
clear_list (BulletinArchiveSearch *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_last_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->listed, free_results);
  g_ptr_array_set_size (self->first_rows, 0);
  self->n_listed = 0;
  self->follow_end = FALSE;
  g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
}

/* Removes the rows of the results from @first on */
static void
remove_rows_from (BulletinArchiveSearch *self,
                  guint                  first)
{
  GtkWidget *stop;
  GtkWidget *child;

  if (first >= self->first_rows->len)
    return;
  stop = g_ptr_array_index (self->first_rows, first);
  /* from the end: nothing after a row to move up */
  while ((child = gtk_widget_get_last_child (GTK_WIDGET (self->list))) != NULL)
    {
      gtk_list_box_remove (self->list, child);
      if (child == stop)
        break;
    }
  g_ptr_array_set_size (self->first_rows, first);
  self->n_listed = first;
}

/* What the results lack and why: the index still being built, issues that
 * could not be read, indexing that stopped (a full disk) */
static void
show_notice (BulletinArchiveSearch *self,
             BulletinSearchResults *results)
{
  g_autoptr(GString) notice = g_string_new (NULL);
  g_autoptr(GString) tooltip = g_string_new (NULL);

  if (results->partial)
    g_string_append (notice, _("Partial results: the archive is still being indexed."));
  if (results->unreadable->len > 0)
    {
      if (notice->len > 0)
        g_string_append_c (notice, '\n');
      g_string_append_printf (notice,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "Partial results: %u issue could not be read and was not searched. "
                                           "It is read again at the next search once it can be.",
                                           "Partial results: %u issues could not be read and were not searched. "
                                           "They are read again at the next search once they can be.",
                                           results->unreadable->len),
                              results->unreadable->len);
      for (guint i = 0; i < results->unreadable->len && i < 10; i++)
        {
          g_autofree char *valid = g_utf8_make_valid (g_ptr_array_index (results->unreadable, i), -1);

          g_string_append_printf (tooltip, "%s%s", tooltip->len > 0 ? "\n" : "", valid);
        }
    }
  if (self->index_problem != NULL && !results->partial)
    {
      if (notice->len > 0)
        g_string_append_c (notice, '\n');
      g_string_append (notice, self->index_problem);
    }

  gtk_label_set_text (self->notice, notice->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->notice), tooltip->len > 0 ? tooltip->str : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->notice), notice->len > 0);
}

/* The hits of the articles of @r's issue, from @r on */
static guint
issue_hits (GPtrArray *results,
            guint      i)
{
  BulletinSearchResult *r = g_ptr_array_index (results, i);
  guint hits = 0;

  for (guint j = i; j < results->len; j++)
    {
      BulletinSearchResult *o = g_ptr_array_index (results, j);

      if (strcmp (o->issue_path, r->issue_path) != 0)
        break;
      hits += o->n_hits;
    }
  return hits;
}

static void                 append_rows    (BulletinArchiveSearch *self,
                                            guint                  n);
static void                 run_query_full (BulletinArchiveSearch *self,
                                            gboolean               again);
static BulletinSearchFilter current_filter (BulletinArchiveSearch *self);

/* The last row a person can choose */
static GtkListBoxRow *
last_result_row (BulletinArchiveSearch *self)
{
  for (GtkWidget *child = gtk_widget_get_last_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_prev_sibling (child))
    if (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

/* The rows just made after End: the focus goes on to the new last one */
static void
rows_made (BulletinArchiveSearch *self)
{
  GtkListBoxRow *last;

  if (!self->follow_end || self->page_cancellable != NULL)
    return;
  self->follow_end = FALSE;
  last = last_result_row (self);
  if (last != NULL && gtk_widget_get_focus_child (GTK_WIDGET (self->list)) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (last));
}

/* The next page in detail: it takes the place of the same results,
 * counted only, and their rows are made */
static void
page_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BulletinArchiveSearch) self = user_data;
  g_autoptr(BulletinSearchResults) page = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *listed;
  guint n;

  page = bulletin_search_index_query_finish (BULLETIN_SEARCH_INDEX (object), result, &error);
  if (page == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->page_cancellable);
  if (page == NULL)
    {
      gtk_label_set_text (self->summary, error->message);
      return;
    }
  if (self->listed == NULL)
    return;
  listed = self->listed->results;
  /* none where some were counted: the index changed since */
  if (page->results->len == 0 && self->n_listed < listed->len)
    {
      run_query_full (self, TRUE);
      return;
    }
  for (n = 0; n < page->results->len && self->n_listed + n < listed->len; n++)
    {
      BulletinSearchResult *had = g_ptr_array_index (listed, self->n_listed + n);
      BulletinSearchResult *r = g_ptr_array_index (page->results, n);

      /* the index changed since (an update): the query again */
      if (strcmp (had->issue_path, r->issue_path) != 0 || had->article_index != r->article_index ||
          had->n_hits != r->n_hits)
        {
          run_query_full (self, TRUE);
          return;
        }
      bulletin_search_result_free (had);
      listed->pdata[self->n_listed + n] = g_steal_pointer (&page->results->pdata[n]);
    }
  if (n > 0)
    append_rows (self, n);
  rows_made (self);
}

/* Rows for the next @n results listed (an issue's heading before its
 * first article); beyond the results in detail, the next page is asked
 * for, and its rows made when it comes */
static void
append_rows (BulletinArchiveSearch *self,
             guint                  n)
{
  BulletinSearchResults *results = self->listed;
  guint last;

  if (results == NULL || self->page_cancellable != NULL)
    return;
  last = MIN (results->results->len, self->n_listed + n);
  for (guint i = self->n_listed; i < last; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (results->results, i);

      GtkWidget *row;

      if (r->hits == NULL)
        {
          /* counted only: the next page, in detail */
          BulletinSearchFilter filter = current_filter (self);
          guint wanted = MAX (last - i, ROWS_PER_BATCH);

          self->n_listed = i;
          self->page_cancellable = g_cancellable_new ();
          bulletin_search_index_query_page_async (self->index, gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                                                  &filter, i > 0 ? g_ptr_array_index (results->results, i - 1) : NULL,
                                                  wanted, self->page_cancellable, page_done, g_object_ref (self));
          return;
        }

      if (i == 0 || strcmp (r->issue_path, ((BulletinSearchResult *)g_ptr_array_index (results->results, i - 1))->issue_path) != 0)
        {
          row = issue_row (r, issue_hits (results->results, i));
          gtk_list_box_append (self->list, row);
          g_ptr_array_add (self->first_rows, row);
        }
      row = bulletin_search_result_row_new (r, self->widen);
      gtk_list_box_append (self->list, row);
      if (self->first_rows->len == i)
        g_ptr_array_add (self->first_rows, row);
    }
  self->n_listed = last;
}

/* Scrolled to within a screen of the end of the list: the next rows */
static void
scrolled (BulletinArchiveSearch *self,
          GtkAdjustment         *adj)
{
  double value = gtk_adjustment_get_value (adj);
  double page = gtk_adjustment_get_page_size (adj);

  if (self->listed != NULL && self->n_listed < self->listed->results->len &&
      value > 0 && value + 2 * page >= gtk_adjustment_get_upper (adj))
    append_rows (self, ROWS_PER_BATCH);
}

/* The list's length or the screen changed (rows replaced as a query ran
 * again, the window resized): at its end with rows still to make, no
 * scroll would come to ask for them.  Looked at once the layout is done. */
static gboolean
look_at_end (gpointer data)
{
  BulletinArchiveSearch *self = data;

  self->more_rows_source = 0;
  scrolled (self, gtk_scrolled_window_get_vadjustment (self->scroller));
  return G_SOURCE_REMOVE;
}

static void
range_changed (BulletinArchiveSearch *self)
{
  if (self->more_rows_source == 0)
    self->more_rows_source = g_idle_add (look_at_end, self);
}

/* A date typed as YYYY-MM-DD, or NULL (empty, or not a date: then the
 * entry says so) */
static char *
typed_date (GtkEditable *entry)
{
  const char *text = gtk_editable_get_text (entry);
  guint y, m, d;
  char end;

  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (text[0] == 0)
    return NULL;
  if (strlen (text) == 10 && sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &end) == 3 &&
      g_date_valid_dmy (d, m, y))
    return g_strdup (text);
  gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  return NULL;
}

/* Reads the date range from the filters into self->from and self->to */
static void
update_dates (BulletinArchiveSearch *self)
{
  guint preset = gtk_drop_down_get_selected (self->date_preset);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_from), preset == DATE_CUSTOM);
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_to), preset == DATE_CUSTOM);
  switch (preset)
    {
    case DATE_THIS_YEAR:
      self->from = g_date_time_format (now, "%Y-01-01");
      self->to = g_date_time_format (now, "%Y-12-31");
      break;
    case DATE_TWELVE_MONTHS:
      {
        g_autoptr(GDateTime) year_ago = g_date_time_add_years (now, -1);
        g_autoptr(GDateTime) start = g_date_time_add_days (year_ago, 1);

        self->from = g_date_time_format (start, "%Y-%m-%d");
        self->to = g_date_time_format (now, "%Y-%m-%d");
      }
      break;
    case DATE_CUSTOM:
      self->from = typed_date (self->date_from);
      self->to = typed_date (self->date_to);
      break;
    default:
      break;
    }
}

/* The filters set in the popover; its strings belong to @self and to the
 * widgets, for as long as they do not change */
static BulletinSearchFilter
current_filter (BulletinArchiveSearch *self)
{
  guint chosen = gtk_drop_down_get_selected (self->section);
  BulletinSearchFilter filter = {
    .date_from = self->from,
    .date_to = self->to,
    .issue = self->current_issue != NULL && gtk_check_button_get_active (self->this_issue) ? self->current_issue : NULL,
    .section = chosen > 0 && chosen != GTK_INVALID_LIST_POSITION ? gtk_string_list_get_string (self->sections, chosen) : NULL,
  };

  switch (gtk_drop_down_get_selected (self->order))
    {
    case 1:
      filter.order = BULLETIN_SEARCH_ORDER_OLDEST;
      break;
    case 2:
      filter.order = BULLETIN_SEARCH_ORDER_HITS;
      break;
    default:
      filter.order = BULLETIN_SEARCH_ORDER_NEWEST;
      break;
    }
  return filter;
}

static gboolean
same_result (BulletinSearchResult *x,
             BulletinSearchResult *y)
{
  /* a result counted only (no snippet) is the same as one in detail */
  return x->n_hits == y->n_hits && x->article_index == y->article_index &&
         g_strcmp0 (x->article_id, y->article_id) == 0 && g_strcmp0 (x->issue_path, y->issue_path) == 0 &&
         (x->snippet == NULL || y->snippet == NULL || strcmp (x->snippet, y->snippet) == 0);
}

static const char *
issue_path_at (BulletinSearchResults *results,
               guint                  i)
{
  return ((BulletinSearchResult *)g_ptr_array_index (results->results, i))->issue_path;
}

/* How many of the first @n results of @old have rows that @new can keep:
 * the same articles with the same hits, but not an issue's heading whose
 * run of results (and so its count of hits) goes on past them */
static guint
rows_to_keep (BulletinSearchResults *old,
              BulletinSearchResults *new,
              guint                  n)
{
  guint k = 0;

  n = MIN (n, MIN (old->results->len, new->results->len));
  while (k < n && same_result (g_ptr_array_index (old->results, k), g_ptr_array_index (new->results, k)))
    k++;
  if (k > 0 &&
      ((k < old->results->len && strcmp (issue_path_at (old, k), issue_path_at (old, k - 1)) == 0) ||
       (k < new->results->len && strcmp (issue_path_at (new, k), issue_path_at (new, k - 1)) == 0)))
    {
      const char *path = issue_path_at (new, k - 1);

      while (k > 0 && strcmp (issue_path_at (new, k - 1), path) == 0)
        k--;
    }
  return k;
}

/* Shows @results (and takes them) */
static void
show_results (BulletinArchiveSearch *self,
              BulletinSearchResults *results)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *summary = NULL;

  if (self->listed != NULL && self->listed_serial == self->serial &&
      self->widen == g_settings_get_boolean (settings, "reading-full-width-punctuation"))
    {
      /* the same query again (as the index grows, or its first screen
       * followed by every result): the rows of the results that stayed
       * the same, and so the scrolled position, stay; as many rows as
       * before are shown */
      guint had = self->n_listed;

      /* a page asked for follows the rows that may go: asked again */
      g_cancellable_cancel (self->page_cancellable);
      g_clear_object (&self->page_cancellable);
      remove_rows_from (self, rows_to_keep (self->listed, results, self->n_listed));
      g_clear_pointer (&self->listed, free_results);
      self->listed = results;
      append_rows (self, MAX (had, ROWS_PER_BATCH) - self->n_listed);
      /* more results to list, with the list's end on screen: no scroll
       * may come to ask for their rows, nor a change of the list's
       * length when the rows stayed */
      range_changed (self);
    }
  else
    {
      clear_list (self);
      self->widen = g_settings_get_boolean (settings, "reading-full-width-punctuation");
      self->listed = results;
      self->listed_serial = self->serial;
      append_rows (self, ROWS_PER_BATCH);
    }

  if (results->results->len == 0)
    summary = g_strdup (results->complete && !results->partial ? _("No results") :
                        results->complete ? _("No results yet; the archive is still being indexed") : _("Searching…"));
  else if (results->complete && !results->partial)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hit in %u article", "%u hits in %u articles",
                                            results->n_hits),
                               results->n_hits, results->results->len);
  else if (results->complete)
    /* Translators: the index is still being built: more may be found */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hit in %u article so far; the counts are still growing",
                                            "%u hits in %u articles so far; the counts are still growing",
                                            results->n_hits),
                               results->n_hits, results->results->len);
  else
    summary = g_strdup_printf (_("First %u hits; counting the rest…"), results->n_hits);
  {
    BulletinSearchFilter filter = current_filter (self);

    if (!bulletin_search_filter_is_empty (&filter))
      {
        /* Translators: the summary of the results, when filters are set */
        g_autofree char *filtered = g_strdup_printf (_("%s · filtered"), summary);

        g_free (summary);
        summary = g_steal_pointer (&filtered);
      }
  }
  gtk_label_set_text (self->summary, summary);

  show_notice (self, results);
}

/* The results of a finished query, or NULL after saying what went wrong
 * (nothing when it was cancelled). */
static void progress_changed (BulletinArchiveSearch *self);

/* The query in force finished (or failed): a run of it again that waited
 * for it can come */
static void
query_ended (BulletinArchiveSearch *self)
{
  self->querying = FALSE;
  self->last_query_ms = (g_get_monotonic_time () - self->last_run) / 1000;
  g_debug ("archive search: the query took %" G_GINT64_FORMAT " ms", self->last_query_ms);
  if (self->rerun_pending)
    {
      self->rerun_pending = FALSE;
      if (self->index != NULL)
        progress_changed (self);
    }
}

static BulletinSearchResults *
query_results (BulletinArchiveSearch *self,
               GObject               *index,
               GAsyncResult          *result)
{
  g_autoptr(GError) error = NULL;
  BulletinSearchResults *results;

  results = bulletin_search_index_query_finish (BULLETIN_SEARCH_INDEX (index), result, &error);
  if (results == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_label_set_text (self->summary, error->message);
      query_ended (self);
    }
  return results;
}

static void
complete_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BulletinArchiveSearch) self = user_data;
  BulletinSearchResults *results = query_results (self, object, result);

  if (results != NULL)
    {
      show_results (self, results);
      query_ended (self);
    }
}

static void
first_screen_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BulletinArchiveSearch) self = user_data;
  BulletinSearchResults *results = query_results (self, object, result);
  gboolean complete;

  if (results == NULL)
    return;
  complete = results->complete;
  show_results (self, results);
  if (complete)
    query_ended (self);
  else
    {
      BulletinSearchFilter filter = current_filter (self);

      bulletin_search_index_query_filtered_async (self->index, gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                                                  &filter, 0, DETAILED_RESULTS,
                                                  self->query_cancellable, complete_done, g_object_ref (self));
    }
}

/* Runs the query; @again: the same query and filters as the results
 * listed, run again as the index grew */
static void
run_query_full (BulletinArchiveSearch *self,
                gboolean               again)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  BulletinSearchFilter filter;

  g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  self->last_run = g_get_monotonic_time ();
  g_free (self->query_run);
  self->query_run = g_strdup (text);
  if (!again)
    self->serial++;

  self->querying = FALSE;
  if (self->index == NULL || text[0] == 0)
    {
      clear_list (self);
      gtk_label_set_text (self->summary, "");
      return;
    }
  self->query_cancellable = g_cancellable_new ();
  self->querying = TRUE;
  filter = current_filter (self);
  /* the list already shows the query's results: every result at once
   * (a first screen would be shorter than the list) */
  if (again && self->listed != NULL && self->listed_serial == self->serial)
    bulletin_search_index_query_filtered_async (self->index, text, &filter, 0, DETAILED_RESULTS,
                                                self->query_cancellable, complete_done, g_object_ref (self));
  else
    bulletin_search_index_query_filtered_async (self->index, text, &filter, FIRST_SCREEN_HITS,
                                                DETAILED_RESULTS, self->query_cancellable,
                                                first_screen_done, g_object_ref (self));
}

static void
run_query (BulletinArchiveSearch *self)
{
  run_query_full (self, FALSE);
}

/* The entry's text changed (200 ms after the last key): the query,
 * unless it is the one run last (bulletin_archive_search_set_query ()
 * ran it at once, and the entry says so only after its delay) */
static void
entry_search_changed (BulletinArchiveSearch *self)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), self->query_run) == 0)
    return;
  run_query (self);
}

/* A filter changed: the query again */
static void
filters_changed (BulletinArchiveSearch *self)
{
  BulletinSearchFilter filter;

  g_autofree char *key = NULL;

  if (self->clearing)
    return;
  update_dates (self);
  filter = current_filter (self);
  gtk_widget_set_sensitive (self->clear_filters, !bulletin_search_filter_is_empty (&filter));
  /* the same filters (a date half typed, the list of sections read
   * again): the results stay */
  key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d", filter.date_from != NULL ? filter.date_from : "",
                         filter.date_to != NULL ? filter.date_to : "", filter.issue != NULL ? filter.issue : "",
                         filter.page != NULL ? filter.page : "", filter.section != NULL ? filter.section : "",
                         filter.order);
  if (g_strcmp0 (key, self->filter_key) == 0)
    return;
  g_free (self->filter_key);
  self->filter_key = g_steal_pointer (&key);
  run_query (self);
}

/* Clear Filters: every result, newest first */
static void
clear_filters (BulletinArchiveSearch *self)
{
  self->clearing = TRUE;
  gtk_drop_down_set_selected (self->date_preset, DATE_ANY);
  gtk_editable_set_text (self->date_from, "");
  gtk_editable_set_text (self->date_to, "");
  gtk_check_button_set_active (self->this_issue, FALSE);
  gtk_drop_down_set_selected (self->section, 0);
  gtk_drop_down_set_selected (self->order, 0);
  self->clearing = FALSE;
  filters_changed (self);
}

/* The sections the index knows, in the drop-down after "Any section";
 * the one chosen stays chosen (and listed, should the index no longer
 * have it) */
static void
sections_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BulletinArchiveSearch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sections = bulletin_search_index_dup_sections_finish (BULLETIN_SEARCH_INDEX (object), result, &error);
  g_autofree char *chosen = NULL;
  g_autoptr(GPtrArray) items = NULL;
  guint selected = 0, n;

  if (sections == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_clear_object (&self->sections_cancellable);
      return;
    }
  g_clear_object (&self->sections_cancellable);
  n = gtk_drop_down_get_selected (self->section);
  if (n > 0 && n != GTK_INVALID_LIST_POSITION)
    chosen = g_strdup (gtk_string_list_get_string (self->sections, n));

  items = g_ptr_array_new ();
  for (guint i = 0; sections[i] != NULL; i++)
    {
      if (g_strcmp0 (sections[i], chosen) == 0)
        selected = items->len + 1;
      g_ptr_array_add (items, sections[i]);
    }
  if (chosen != NULL && selected == 0)
    {
      selected = items->len + 1;
      g_ptr_array_add (items, chosen);
    }
  g_ptr_array_add (items, NULL);

  /* the same filter: no query again */
  g_signal_handlers_block_by_func (self->section, filters_changed, self);
  gtk_string_list_splice (self->sections, 1, g_list_model_get_n_items (G_LIST_MODEL (self->sections)) - 1,
                          (const char * const *)items->pdata);
  gtk_drop_down_set_selected (self->section, selected);
  g_signal_handlers_unblock_by_func (self->section, filters_changed, self);
}

static void
load_sections (BulletinArchiveSearch *self)
{
  if (self->index == NULL || self->sections_cancellable != NULL)
    return;
  self->sections_cancellable = g_cancellable_new ();
  bulletin_search_index_dup_sections_async (self->index, self->sections_cancellable, sections_done,
                                            g_object_ref (self));
}

static gboolean
rerun_cb (gpointer data)
{
  BulletinArchiveSearch *self = data;

  self->rerun_source = 0;
  run_query_full (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
progress_changed (BulletinArchiveSearch *self)
{
  gboolean building = bulletin_search_index_get_building (self->index);
  double fraction = bulletin_search_index_get_progress (self->index);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->progress), building);
  gtk_progress_bar_set_fraction (self->progress, fraction);
  /* Translators: the archive search index is being built, "Indexing the archive… 40 %" */
  text = g_strdup_printf (_("Indexing the archive… %.0f %%"), fraction * 100);
  gtk_progress_bar_set_text (self->progress, text);

  /* more is indexed: show it, but not on every batch, nor before the
   * run in flight ends (the last one, as the build ends, at once) */
  if (gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] != 0 && self->rerun_source == 0)
    {
      gint64 since = (g_get_monotonic_time () - self->last_run) / 1000;
      gint64 interval = MAX (RERUN_INTERVAL_MS, (RERUN_REST_FACTOR + 1) * self->last_query_ms);

      if (building && self->querying)
        self->rerun_pending = TRUE;
      else
        self->rerun_source = g_timeout_add (since >= interval || !building ? 1 : interval - since, rerun_cb, self);
    }
}

static void
update_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BulletinArchiveSearch) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done = bulletin_search_index_update_finish (BULLETIN_SEARCH_INDEX (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->index != BULLETIN_SEARCH_INDEX (object))
    return;
  /* what the index now holds */
  load_sections (self);
  if (done)
    return;
  /* indexing stopped (a full disk, a read-only cache folder): searches
   * read the files, and the window says why */
  g_message ("%s", error->message);
  g_free (self->index_problem);
  self->index_problem = g_strdup (error->message);
  if (gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] != 0)
    run_query (self);
}

static void
row_activated (BulletinArchiveSearch *self,
               GtkListBoxRow         *row)
{
  BulletinSearchResultRow *result;

  if (!BULLETIN_IS_SEARCH_RESULT_ROW (row))
    return;
  result = BULLETIN_SEARCH_RESULT_ROW (row);
  g_signal_emit (self, signals[RESULT_ACTIVATED], 0, bulletin_search_result_row_get_issue_path (result),
                 bulletin_search_result_row_get_issue_id (result), bulletin_search_result_row_get_article_id (result),
                 gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
bulletin_archive_search_dispose (GObject *object)
{
  BulletinArchiveSearch *self = (BulletinArchiveSearch *)object;

  g_cancellable_cancel (self->query_cancellable);
  g_cancellable_cancel (self->update_cancellable);
  g_cancellable_cancel (self->page_cancellable);
  g_cancellable_cancel (self->sections_cancellable);
  g_clear_object (&self->sections_cancellable);
  g_clear_object (&self->query_cancellable);
  g_clear_object (&self->page_cancellable);
  g_clear_object (&self->update_cancellable);
  g_clear_handle_id (&self->rerun_source, g_source_remove);
  g_clear_handle_id (&self->more_rows_source, g_source_remove);
  if (self->index != NULL)
    g_signal_handlers_disconnect_by_data (self->index, self);
  g_clear_object (&self->index);
  g_clear_pointer (&self->index_problem, g_free);
  g_clear_pointer (&self->listed, free_results);
  g_clear_pointer (&self->first_rows, g_ptr_array_unref);
  g_clear_pointer (&self->current_issue, g_free);
  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_free);
  g_clear_pointer (&self->filter_key, g_free);
  g_clear_pointer (&self->query_run, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_ARCHIVE_SEARCH);

  G_OBJECT_CLASS (bulletin_archive_search_parent_class)->dispose (object);
}

/* End (or Page Down) in the list: the rows of the next results, and for
 * End the focus on to the last row once they are made (each End goes
 * further, to the end of every result) */
static void
cursor_moved (BulletinArchiveSearch *self,
              GtkMovementStep        step,
              int                    count)
{
  if (count <= 0 || (step != GTK_MOVEMENT_BUFFER_ENDS && step != GTK_MOVEMENT_PAGES) || self->listed == NULL)
    return;
  if (step == GTK_MOVEMENT_BUFFER_ENDS)
    self->follow_end = TRUE;
  if (self->n_listed < self->listed->results->len)
    append_rows (self, ROWS_PER_BATCH);
  rows_made (self);
}

/* Down in the entry: the first result (issue rows are headings, not
 * stops) */
static void
focus_results_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  BulletinArchiveSearch *self = BULLETIN_ARCHIVE_SEARCH (widget);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    if (gtk_widget_get_visible (GTK_WIDGET (row)) && gtk_list_box_row_get_activatable (row))
      {
        gtk_widget_grab_focus (GTK_WIDGET (row));
        return;
      }
  gtk_widget_error_bell (widget);
}

static void
bulletin_archive_search_class_init (BulletinArchiveSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bulletin_archive_search_dispose;

  /**
   * BulletinArchiveSearch::result-activated:
   * @issue_path: the issue's file, relative to the archive
   * @issue_id: the issue's id
   * @article_id: the article's id
   * @query: what was searched
   */
  signals[RESULT_ACTIVATED] =
    g_signal_new ("result-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-archive-search.ui");
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, entry);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, progress);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, notice);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, summary);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, list);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, scroller);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, date_preset);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, date_from);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, date_to);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, this_issue);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, section);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, order);
  gtk_widget_class_bind_template_child (widget_class, BulletinArchiveSearch, clear_filters);
  gtk_widget_class_bind_template_child_full (widget_class, "filter_button", FALSE, 0);
  /* the query syntax help: static, for tests to find */
  gtk_widget_class_bind_template_child_full (widget_class, "syntax_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "syntax_label", FALSE, 0);
  /**
   * BulletinArchiveSearch::close:
   *
   * Escape: the page is done with (the window shows the list again).
   */
  signals[CLOSE] =
    g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_Escape, 0, "close", NULL);
  gtk_widget_class_install_action (widget_class, "archive-search.focus-results", NULL, focus_results_action);
}

/* Escape in the entry (its stop-search) */
static void
entry_stopped (BulletinArchiveSearch *self)
{
  g_signal_emit (self, signals[CLOSE], 0);
}

static void
bulletin_archive_search_init (BulletinArchiveSearch *self)
{
  g_autoptr(GtkExpression) name = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->first_rows = g_ptr_array_new ();

  /* the sections: "Any section", then the index's (load_sections ()),
   * found by typing too */
  self->sections = gtk_string_list_new (NULL);
  gtk_string_list_append (self->sections, _("Any section"));
  gtk_drop_down_set_model (self->section, G_LIST_MODEL (self->sections));
  g_object_unref (self->sections);  /* the drop-down's */
  name = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->section, name);
  gtk_drop_down_set_enable_search (self->section, TRUE);

  gtk_search_entry_set_search_delay (self->entry, 200);
  g_signal_connect_swapped (self->entry, "search-changed", G_CALLBACK (entry_search_changed), self);
  g_signal_connect_swapped (self->entry, "stop-search", G_CALLBACK (entry_stopped), self);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (row_activated), self);
  g_signal_connect_object (self->list, "move-cursor", G_CALLBACK (cursor_moved), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_swapped (self->date_preset, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->date_from, "changed", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->date_to, "changed", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->this_issue, "toggled", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->section, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->clear_filters, "clicked", G_CALLBACK (clear_filters), self);
  /* the popover opened: the sections indexed so far (more while it is
   * being built) */
  g_signal_connect_swapped (gtk_menu_button_get_popover (GTK_MENU_BUTTON (gtk_widget_get_template_child (
                              GTK_WIDGET (self), BULLETIN_TYPE_ARCHIVE_SEARCH, "filter_button"))),
                            "show", G_CALLBACK (load_sections), self);
  g_signal_connect_swapped (self->order, "notify::selected", G_CALLBACK (filters_changed), self);

  /* Down moves from the entry into the results (bulletin-accels.c) */
  gtk_widget_add_controller (GTK_WIDGET (self->entry), bulletin_accels_new_controller ("archive-search."));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (scrolled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (range_changed), self, G_CONNECT_SWAPPED);
}

/**
 * bulletin_archive_search_new:
 *
 * Returns: (transfer full): a new archive search, to put in a window
 */
BulletinArchiveSearch *
bulletin_archive_search_new (void)
{
  return g_object_new (BULLETIN_TYPE_ARCHIVE_SEARCH, NULL);
}

/* Ctrl+Shift+F: the entry takes the focus, its text selected */
void
bulletin_archive_search_focus_entry (BulletinArchiveSearch *self)
{
  g_return_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

/* Searches the archive at @root (NULL: nothing), with the index at
 * @db_path (NULL: the default), and brings the index up to date in the
 * background. */
void
bulletin_archive_search_set_root (BulletinArchiveSearch *self,
                                  GFile                 *root,
                                  const char            *db_path)
{
  g_return_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self));

  if (self->index != NULL && root != NULL &&
      g_file_equal (bulletin_search_index_get_root (self->index), root))
    {
      if (!bulletin_search_index_get_building (self->index))
        {
          g_clear_pointer (&self->index_problem, g_free);
          bulletin_search_index_update_async (self->index, self->update_cancellable, update_done, g_object_ref (self));
        }
      return;
    }

  g_cancellable_cancel (self->update_cancellable);
  g_clear_object (&self->update_cancellable);
  /* another archive: its own sections */
  g_cancellable_cancel (self->sections_cancellable);
  g_clear_object (&self->sections_cancellable);
  g_signal_handlers_block_by_func (self->section, filters_changed, self);
  gtk_drop_down_set_selected (self->section, 0);
  gtk_string_list_splice (self->sections, 1, g_list_model_get_n_items (G_LIST_MODEL (self->sections)) - 1, NULL);
  g_signal_handlers_unblock_by_func (self->section, filters_changed, self);
  if (self->index != NULL)
    g_signal_handlers_disconnect_by_data (self->index, self);
  g_clear_object (&self->index);
  g_clear_pointer (&self->index_problem, g_free);

  if (root != NULL)
    {
      self->index = bulletin_search_index_new (root, db_path);
      self->update_cancellable = g_cancellable_new ();
      g_signal_connect_object (self->index, "notify::progress", G_CALLBACK (progress_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->index, "notify::building", G_CALLBACK (progress_changed), self,
                               G_CONNECT_SWAPPED);
      bulletin_search_index_update_async (self->index, self->update_cancellable, update_done, g_object_ref (self));
    }
  run_query (self);
}

/**
 * bulletin_archive_search_get_index:
 *
 * Returns: (transfer none) (nullable): the index
 */
BulletinSearchIndex *
bulletin_archive_search_get_index (BulletinArchiveSearch *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self), NULL);
  return self->index;
}

void
bulletin_archive_search_set_query (BulletinArchiveSearch *self,
                                   const char            *query)
{
  g_return_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self));

  g_signal_handlers_block_by_func (self->entry, entry_search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), query);
  g_signal_handlers_unblock_by_func (self->entry, entry_search_changed, self);
  run_query (self);
}

/**
 * bulletin_archive_search_get_list:
 *
 * Returns: (transfer none): the list of results
 */
GtkListBox *
bulletin_archive_search_get_list (BulletinArchiveSearch *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self), NULL);
  return self->list;
}

const char *
bulletin_archive_search_get_summary (BulletinArchiveSearch *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self), NULL);
  return gtk_label_get_text (self->summary);
}

/**
 * bulletin_archive_search_get_notice:
 *
 * Returns: (nullable): what the notice above the results says (partial
 * results, issues not searched, indexing stopped), NULL when it is hidden
 */
const char *
bulletin_archive_search_get_notice (BulletinArchiveSearch *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->notice)))
    return NULL;
  return gtk_label_get_text (self->notice);
}

/**
 * bulletin_archive_search_get_query:
 *
 * Returns: (transfer none): the text in the search entry
 */
const char *
bulletin_archive_search_get_query (BulletinArchiveSearch *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

/**
 * bulletin_archive_search_set_current_issue:
 * @issue: (nullable): the id of the issue open in the reader, or its path
 *   relative to the archive; NULL when none is
 *
 * The issue "This issue only" keeps.
 */
void
bulletin_archive_search_set_current_issue (BulletinArchiveSearch *self,
                                           const char            *issue)
{
  g_return_if_fail (BULLETIN_IS_ARCHIVE_SEARCH (self));

  if (g_strcmp0 (issue, self->current_issue) == 0)
    return;
  g_free (self->current_issue);
  self->current_issue = g_strdup (issue);
  gtk_widget_set_sensitive (GTK_WIDGET (self->this_issue), issue != NULL);
  if (gtk_check_button_get_active (self->this_issue))
    filters_changed (self);
}
