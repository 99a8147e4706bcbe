/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-window-private.h"
#include "bulletin-window-search.h"

void
_bulletin_window_find (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  BulletinWindow *self = user_data;

  bulletin_search_bar_open (self->search_bar);
}

void
_bulletin_window_find_next (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  BulletinWindow *self = user_data;

  /* Ctrl+G: the next match while searching, else Go to Date */
  if (!bulletin_search_bar_is_open (self->search_bar) &&
      g_action_group_has_action (G_ACTION_GROUP (self), "go-to-date"))
    g_action_group_activate_action (G_ACTION_GROUP (self), "go-to-date", NULL);
  else if (!bulletin_search_bar_is_open (self->search_bar))
    bulletin_search_bar_open (self->search_bar);
  else
    bulletin_search_bar_next (self->search_bar);
}

void
_bulletin_window_find_previous (GSimpleAction *action,
                                GVariant      *param,
                                gpointer       user_data)
{
  BulletinWindow *self = user_data;

  if (!bulletin_search_bar_is_open (self->search_bar))
    bulletin_search_bar_open (self->search_bar);
  else
    bulletin_search_bar_previous (self->search_bar);
}

typedef struct {
  BulletinWindow *window;
  char           *article_id;
  char           *query;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_object_unref (data->window);
  g_free (data->article_id);
  g_free (data->query);
  g_free (data);
}

static void
issue_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  BulletinIssue *issue = BULLETIN_ISSUE (object);
  OpenData *data = user_data;
  g_autoptr(GError) error = NULL;
  BulletinArticle *article;

  if (!bulletin_issue_load_finish (issue, result, &error))
    {
      bulletin_window_show_message (data->window, error->message);
      open_data_free (data);
      return;
    }
  article = bulletin_issue_find_article (issue, data->article_id);
  if (article == NULL)
    {
      bulletin_window_show_message (data->window, _("The article is no longer in this issue."));
      open_data_free (data);
      return;
    }

  /* the bar runs the query again when the reader has shown the article,
   * and brings the first hit into view */
  bulletin_search_bar_set_query (data->window->search_bar, data->query);
  bulletin_window_show_article (data->window, issue, article);
  /* a narrow window's sidebar covers the reader: it steps aside */
  if (bulletin_window_get_folded (data->window))
    bulletin_window_set_sidebar_visible (data->window, FALSE);
  gtk_window_present (GTK_WINDOW (data->window));
  open_data_free (data);
}

static void
result_activated (BulletinArchiveSearch *archive,
                  const char            *issue_path,
                  const char            *issue_id,
                  const char            *article_id,
                  const char            *query,
                  BulletinWindow        *self)
{
  BulletinLibrary *library = self->library;
  GListModel *issues;
  g_autoptr(GFile) root = NULL;
  guint n;

  if (library == NULL)
    return;
  issues = bulletin_library_get_issues (library);
  root = g_object_ref (bulletin_library_get_location (library));
  n = g_list_model_get_n_items (issues);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      GFile *file = bulletin_issue_get_file (issue);
      /* a single issue file is the archive: its path is its name */
      g_autofree char *relative = g_file_equal (root, file) ? g_file_get_basename (file)
                                                            : g_file_get_relative_path (root, file);

      if (g_strcmp0 (relative, issue_path) == 0 || g_strcmp0 (bulletin_issue_get_id (issue), issue_id) == 0)
        {
          OpenData *data = g_new0 (OpenData, 1);

          data->window = g_object_ref (self);
          data->article_id = g_strdup (article_id);
          data->query = g_strdup (query);
          bulletin_issue_load_async (issue, NULL, issue_loaded, data);
          return;
        }
    }
  bulletin_window_show_message (self, _("The issue is no longer in the archive."));
}

void
_bulletin_window_search_archive (GSimpleAction *action,
                                 GVariant      *param,
                                 gpointer       user_data)
{
  BulletinWindow *self = user_data;
  GFile *root = NULL;

  /* a folder, or a single issue file: an archive of one issue */
  if (self->library != NULL)
    root = bulletin_library_get_location (self->library);
  if (root == NULL)
    bulletin_window_show_message (self, _("Open an archive to search it."));
  bulletin_archive_search_set_root (self->archive_search, root, NULL);

  /* a page of the sidebar, as GNOME Files and Papers search: the reader
   * stays in sight */
  bulletin_window_set_sidebar_visible (self, TRUE);
  gtk_stack_set_visible_child_name (self->sidebar_stack, "search");
  bulletin_archive_search_focus_entry (self->archive_search);
}


void
_bulletin_window_search_init (BulletinWindow *self)
{
  bulletin_search_bar_set_reader (self->search_bar, self->reader);
  bulletin_window_add_pane (self, GTK_WIDGET (self->search_bar));
  g_signal_connect_object (self->archive_search, "result-activated", G_CALLBACK (result_activated), self, 0);
  bulletin_window_add_pane (self, GTK_WIDGET (self->archive_search));
}

void
_bulletin_window_search_dispose (BulletinWindow *self)
{
  if (self->archive_search != NULL)
    bulletin_window_remove_pane (self, GTK_WIDGET (self->archive_search));
}

/**
 * bulletin_window_get_search_bar:
 *
 * Returns: (transfer none): the search bar over the reader
 */
BulletinSearchBar *
bulletin_window_get_search_bar (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->search_bar;
}

/**
 * bulletin_window_get_archive_search:
 *
 * Returns: (transfer none): the archive search, a page of the sidebar
 */
BulletinArchiveSearch *
bulletin_window_get_archive_search (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return self->archive_search;
}

typedef struct {
  BulletinWindow *window;
  char           *issue_path;
  char           *issue_id;
  char           *article_id;
  char           *query;
  guint           polls;
} PendingResult;

static void
pending_result_free (PendingResult *p)
{
  g_object_unref (p->window);
  g_free (p->issue_path);
  g_free (p->issue_id);
  g_free (p->article_id);
  g_free (p->query);
  g_free (p);
}

/* The archive just opened goes back to where the reader left off in it
 * (the annotations controller): the result is shown after that, not
 * overridden by it.  Polled, for at most 5 s. */
static gboolean
show_when_settled (gpointer user_data)
{
  PendingResult *p = user_data;
  BulletinAnnotationsController *controller = p->window->annotations;

  if (controller != NULL && bulletin_annotations_controller_is_opening (controller) && p->polls++ < 100)
    return G_SOURCE_CONTINUE;
  result_activated (NULL, p->issue_path, p->issue_id, p->article_id, p->query, p->window);
  return G_SOURCE_REMOVE;
}

static void
library_loading_changed (BulletinLibrary *library,
                         GParamSpec      *pspec,
                         PendingResult   *p)
{
  if (bulletin_library_get_loading (library))
    return;
  g_signal_handlers_disconnect_by_func (library, library_loading_changed, p);
  if (p->window->library == library)
    g_timeout_add_full (G_PRIORITY_DEFAULT, 50, show_when_settled, p, (GDestroyNotify)pending_result_free);
  else
    pending_result_free (p);
}

/**
 * bulletin_window_show_search_result:
 * @root: the archive folder the result is in
 * @query: what was searched for: the bar over the reader finds it again
 *   and brings the first hit into view
 *
 * Shows an article found by a search outside the window (the GNOME Shell
 * search provider) at its passage, as choosing an archive search result
 * does; opens @root first when the window shows another archive, and waits
 * for its listing.
 */
void
bulletin_window_show_search_result (BulletinWindow *self,
                                    GFile          *root,
                                    const char     *issue_path,
                                    const char     *issue_id,
                                    const char     *article_id,
                                    const char     *query)
{
  BulletinLibrary *library;
  PendingResult *p;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (root));

  library = self->library;
  if (library == NULL || !g_file_equal (bulletin_library_get_location (library), root))
    {
      bulletin_window_open (self, root);
      library = self->library;
    }
  if (!bulletin_library_get_loading (library))
    {
      result_activated (NULL, issue_path, issue_id, article_id, query, self);
      return;
    }
  p = g_new0 (PendingResult, 1);
  p->window = g_object_ref (self);
  p->issue_path = g_strdup (issue_path);
  p->issue_id = g_strdup (issue_id);
  p->article_id = g_strdup (article_id);
  p->query = g_strdup (query);
  g_signal_connect (library, "notify::loading", G_CALLBACK (library_loading_changed), p);
}

/**
 * bulletin_window_search_archive_for:
 *
 * Opens the archive search with @query in it, and runs it.
 */
void
bulletin_window_search_archive_for (BulletinWindow *self,
                                    const char     *query)
{
  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_return_if_fail (query != NULL);

  g_action_group_activate_action (G_ACTION_GROUP (self), "search-archive", NULL);
  if (self->archive_search != NULL)
    bulletin_archive_search_set_query (self->archive_search, query);
}
