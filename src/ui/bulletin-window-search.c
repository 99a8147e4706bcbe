/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-annotations-controller.h"
#include "bulletin-window-search.h"

#define DATA_KEY "bulletin-window-search"

typedef struct {
  BulletinSearchBar     *bar;       /* owned by the reader area */
  BulletinArchiveSearch *archive;   /* owned, created on first use */
} WindowSearch;

static void
window_search_free (WindowSearch *ws)
{
  if (ws->archive != NULL)
    gtk_window_destroy (GTK_WINDOW (ws->archive));
  g_clear_object (&ws->archive);
  g_free (ws);
}

static WindowSearch *
get_ws (BulletinWindow *self)
{
  return g_object_get_data (G_OBJECT (self), DATA_KEY);
}

static void
find_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  bulletin_search_bar_open (get_ws (user_data)->bar);
}

static void
find_next_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  WindowSearch *ws = get_ws (user_data);

  /* Ctrl+G: the next match while searching, else Go to Date */
  if (!bulletin_search_bar_is_open (ws->bar) &&
      g_action_group_has_action (G_ACTION_GROUP (user_data), "go-to-date"))
    g_action_group_activate_action (G_ACTION_GROUP (user_data), "go-to-date", NULL);
  else if (!bulletin_search_bar_is_open (ws->bar))
    bulletin_search_bar_open (ws->bar);
  else
    bulletin_search_bar_next (ws->bar);
}

static void
find_previous_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  WindowSearch *ws = get_ws (user_data);

  if (!bulletin_search_bar_is_open (ws->bar))
    bulletin_search_bar_open (ws->bar);
  else
    bulletin_search_bar_previous (ws->bar);
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
  bulletin_search_bar_set_query (get_ws (data->window)->bar, data->query);
  bulletin_window_show_article (data->window, issue, article);
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
  BulletinLibrary *library = bulletin_window_get_library (self);
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

static void
search_archive_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  BulletinWindow *self = user_data;
  WindowSearch *ws = get_ws (self);
  BulletinLibrary *library = bulletin_window_get_library (self);
  GFile *root = NULL;

  if (ws->archive == NULL)
    {
      ws->archive = g_object_ref_sink (bulletin_archive_search_new (GTK_WINDOW (self)));
      g_signal_connect_object (ws->archive, "result-activated", G_CALLBACK (result_activated), self, 0);
    }

  /* a folder, or a single issue file: an archive of one issue */
  if (library != NULL)
    root = bulletin_library_get_location (library);
  if (root == NULL)
    bulletin_window_show_message (self, _("Open an archive to search it."));
  bulletin_archive_search_set_root (ws->archive, root, NULL);
  gtk_window_present (GTK_WINDOW (ws->archive));
}

static const GActionEntry search_actions[] = {
  { "find", find_action },
  { "find-next", find_next_action },
  { "find-previous", find_previous_action },
  { "search-archive", search_archive_action },
};

void
bulletin_window_search_init (BulletinWindow *self)
{
  WindowSearch *ws = g_new0 (WindowSearch, 1);
  GtkWidget *button;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  ws->bar = BULLETIN_SEARCH_BAR (bulletin_search_bar_new (bulletin_window_get_reader (self)));
  gtk_box_prepend (bulletin_window_get_reader_area (self), GTK_WIDGET (ws->bar));
  bulletin_window_add_pane (self, GTK_WIDGET (ws->bar));
  g_object_set_data_full (G_OBJECT (self), DATA_KEY, ws, (GDestroyNotify)window_search_free);

  g_action_map_add_action_entries (G_ACTION_MAP (self), search_actions, G_N_ELEMENTS (search_actions), self);

  button = gtk_button_new_from_icon_name ("system-search-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.search-archive");
  gtk_widget_set_tooltip_text (button, _("Search the Archive (Ctrl+Shift+F)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search the archive"), -1);
  adw_header_bar_pack_end (bulletin_window_get_header_bar (self), button);
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
  return get_ws (self)->bar;
}

/**
 * bulletin_window_get_archive_search:
 *
 * Returns: (transfer none) (nullable): the archive search window, once opened
 */
BulletinArchiveSearch *
bulletin_window_get_archive_search (BulletinWindow *self)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (self), NULL);
  return get_ws (self)->archive;
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
  BulletinAnnotationsController *controller = bulletin_annotations_controller_get_for_window (p->window);

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
  if (bulletin_window_get_library (p->window) == library)
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

  library = bulletin_window_get_library (self);
  if (library == NULL || !g_file_equal (bulletin_library_get_location (library), root))
    {
      bulletin_window_open (self, root);
      library = bulletin_window_get_library (self);
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
  WindowSearch *ws;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));
  g_return_if_fail (query != NULL);

  g_action_group_activate_action (G_ACTION_GROUP (self), "search-archive", NULL);
  ws = get_ws (self);
  if (ws->archive != NULL)
    bulletin_archive_search_set_query (ws->archive, query);
}
