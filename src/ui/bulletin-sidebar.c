/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-accels.h"
#include "bulletin-sidebar.h"

/* The first level of the tree: the issues of one year (0: undated), so
 * that a 5,000-issue archive is not one flat list; files that cannot be
 * read are no issues and come last, in a group of their own. */
#define UNREADABLE_GROUP G_MAXUINT
#define BULLETIN_TYPE_YEAR_GROUP (bulletin_year_group_get_type ())
G_DECLARE_FINAL_TYPE (BulletinYearGroup, bulletin_year_group, BULLETIN, YEAR_GROUP, GObject)

struct _BulletinYearGroup
{
  GObject     parent_instance;
  guint       year;
  GListStore *issues;
};

G_DEFINE_FINAL_TYPE (BulletinYearGroup, bulletin_year_group, G_TYPE_OBJECT)

static void
bulletin_year_group_finalize (GObject *object)
{
  g_clear_object (&BULLETIN_YEAR_GROUP (object)->issues);
  G_OBJECT_CLASS (bulletin_year_group_parent_class)->finalize (object);
}

static void
bulletin_year_group_class_init (BulletinYearGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bulletin_year_group_finalize;
}

static void
bulletin_year_group_init (BulletinYearGroup *self)
{
  self->issues = g_list_store_new (BULLETIN_TYPE_ISSUE);
}

struct _BulletinSidebar
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  GtkListView         *list_view;
  GtkSpinner          *spinner;
  GtkLabel            *placeholder_label;

  GListModel          *issues;
  GListStore          *years;
  GtkTreeListModel    *tree;
  GtkSingleSelection  *selection;
  GCancellable        *cancellable;
  guint                resync_id;
  guint                focus_tick_id;
  guint                focus_position;

  /* select an article of this issue once it has loaded */
  BulletinIssue       *pending_issue;
  int                  pending_index;   /* -1: the last one */

  guint                expanded_year;   /* the newest year, expanded for the reader; 0: none yet */
  BulletinYearGroup   *opened_group;    /* that year's group, until the person opens or closes it */
  gboolean             opening;         /* the sidebar itself expands a row */
  gboolean             unreadable_shown; /* the unreadable files' group was opened once */
};

G_DEFINE_FINAL_TYPE (BulletinSidebar, bulletin_sidebar, ADW_TYPE_BIN)

enum {
  ARTICLE_SELECTED,
  ARTICLE_ACTIVATED,
  LOAD_FAILED,
  UNREADABLE_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void ensure_loaded (BulletinSidebar *self,
                           BulletinIssue   *issue);
static gboolean find_item (BulletinSidebar *self,
                           gpointer         wanted,
                           guint            from,
                           guint           *position);

/* --- year groups ------------------------------------------------------- */

static int
year_order (guint year)
{
  /* newest first, undated after them, unreadable files last */
  if (year == UNREADABLE_GROUP)
    return G_MAXINT;
  return year == 0 ? G_MAXINT - 1 : -(int)year;
}

static void
sync_store (GListStore *store,
            GPtrArray  *items)
{
  guint old_n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint new_n = items->len;
  guint prefix = 0, suffix = 0;

  while (prefix < old_n && prefix < new_n)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), prefix);
      if (item != g_ptr_array_index (items, prefix))
        break;
      prefix++;
    }
  while (suffix < old_n - prefix && suffix < new_n - prefix)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), old_n - 1 - suffix);
      if (item != g_ptr_array_index (items, new_n - 1 - suffix))
        break;
      suffix++;
    }
  if (prefix == old_n && prefix == new_n)
    return;

  g_list_store_splice (store, prefix, old_n - prefix - suffix,
                       items->pdata + prefix, new_n - prefix - suffix);
}

/* Closes the year the sidebar opened by itself, unless the person has
 * been in it since: opened or closed it, opened one of its issues or
 * selected a row in it. */
static void
close_untouched_year (BulletinSidebar *self)
{
  g_autoptr(BulletinYearGroup) group = g_steal_pointer (&self->opened_group);
  g_autoptr(GtkTreeListRow) row = NULL;
  guint pos, n, selected, depth;

  if (group == NULL || !find_item (self, group, 0, &pos))
    return;
  row = gtk_tree_list_model_get_row (self->tree, pos);
  if (row == NULL || !gtk_tree_list_row_get_expanded (row))
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  selected = gtk_single_selection_get_selected (self->selection);
  depth = gtk_tree_list_row_get_depth (row);
  for (guint i = pos + 1; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) child = gtk_tree_list_model_get_row (self->tree, i);

      if (gtk_tree_list_row_get_depth (child) <= depth)
        break;
      if (i == selected || gtk_tree_list_row_get_expanded (child))
        return;
    }
  gtk_tree_list_row_set_expanded (row, FALSE);
}

static void
resync (BulletinSidebar *self)
{
  g_autoptr(GHashTable) by_year = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  /* an issue that moves (to the unreadable files) stays selected */
  GtkTreeListRow *selected_row = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GObject) selected = selected_row != NULL ? gtk_tree_list_row_get_item (selected_row) : NULL;
  g_autoptr(GList) years = NULL;
  guint n = self->issues != NULL ? g_list_model_get_n_items (self->issues) : 0;
  guint position = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (self->issues, i);
      guint year = bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR
                   ? UNREADABLE_GROUP : bulletin_issue_get_year (issue);
      GPtrArray *list = g_hash_table_lookup (by_year, GUINT_TO_POINTER (year));

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_year, GUINT_TO_POINTER (year), list);
        }
      g_ptr_array_add (list, issue);
    }

  /* Walk the existing groups and the wanted years in order, keeping the
   * groups that stay so that their rows keep their expansion. */
  years = g_hash_table_get_keys (by_year);
  {
    g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (guint));

    for (GList *l = years; l != NULL; l = l->next)
      {
        guint y = GPOINTER_TO_UINT (l->data);
        guint k = 0;

        while (k < sorted->len && year_order (g_array_index (sorted, guint, k)) < year_order (y))
          k++;
        g_array_insert_val (sorted, k, y);
      }

    for (guint k = 0; k < sorted->len; k++)
      {
        guint year = g_array_index (sorted, guint, k);
        g_autoptr(BulletinYearGroup) group = NULL;

        /* drop groups that sort before this year: they are gone */
        while (position < g_list_model_get_n_items (G_LIST_MODEL (self->years)))
          {
            g_autoptr(BulletinYearGroup) existing = g_list_model_get_item (G_LIST_MODEL (self->years), position);

            if (existing->year == year)
              {
                group = g_steal_pointer (&existing);
                break;
              }
            if (year_order (existing->year) > year_order (year))
              break;
            g_list_store_remove (self->years, position);
          }
        if (group == NULL)
          {
            group = g_object_new (BULLETIN_TYPE_YEAR_GROUP, NULL);
            group->year = year;
            g_list_store_insert (self->years, position, group);
          }
        sync_store (group->issues, g_hash_table_lookup (by_year, GUINT_TO_POINTER (year)));
        position++;
      }
  }
  while (g_list_model_get_n_items (G_LIST_MODEL (self->years)) > position)
    g_list_store_remove (self->years, position);

  /* The newest year opens by itself, also when a newer one than the first
   * to arrive turns up while the archive fills in (the scan's batches come
   * in any order); a year the person closed stays closed. */
  if (position > 0)
    {
      g_autoptr(BulletinYearGroup) first = g_list_model_get_item (G_LIST_MODEL (self->years), 0);
      guint year = first->year != 0 ? first->year : G_MAXUINT - 1;

      if (year != self->expanded_year)
        {
          g_autoptr(GtkTreeListRow) row = NULL;

          /* the year opened before it closes again, where the person
           * has not gone into it: the list looks the same whatever the
           * order in which the scan found the issues */
          close_untouched_year (self);
          row = gtk_tree_list_model_get_row (self->tree, 0);
          self->expanded_year = year;
          if (row != NULL)
            {
              self->opening = TRUE;
              gtk_tree_list_row_set_expanded (row, TRUE);
              self->opening = FALSE;
              g_set_object (&self->opened_group, first);
            }
        }
    }

  /* The unreadable files open once, so that their reasons show; a
   * person may close them. */
  if (position > 0 && !self->unreadable_shown)
    {
      g_autoptr(BulletinYearGroup) last = g_list_model_get_item (G_LIST_MODEL (self->years), position - 1);

      if (last->year == UNREADABLE_GROUP)
        {
          guint row_pos;

          self->unreadable_shown = TRUE;
          if (find_item (self, last, 0, &row_pos))
            {
              g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, row_pos);

              gtk_tree_list_row_set_expanded (row, TRUE);
            }
        }
    }

  if (BULLETIN_IS_ISSUE (selected))
    {
      GtkTreeListRow *now = gtk_single_selection_get_selected_item (self->selection);
      g_autoptr(GObject) item = now != NULL ? gtk_tree_list_row_get_item (now) : NULL;
      guint pos;

      if (item != selected && find_item (self, selected, 0, &pos))
        gtk_single_selection_set_selected (self->selection, pos);
    }

  gtk_stack_set_visible_child_name (self->stack, position > 0 ? "list" : "placeholder");
}

static gboolean
resync_idle (gpointer user_data)
{
  BulletinSidebar *self = user_data;

  self->resync_id = 0;
  resync (self);
  return G_SOURCE_REMOVE;
}


static void
issues_changed (BulletinSidebar *self,
                guint            position,
                guint            removed,
                guint            added,
                GListModel      *model)
{
  /* A scan delivers issues in a steady stream at default priority, which
   * would starve an idle: regroup on a short timeout instead, at once for
   * the first rows. */
  if (self->resync_id == 0)
    self->resync_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                          g_list_model_get_n_items (G_LIST_MODEL (self->years)) == 0 ? 0 : 80,
                                          resync_idle, self, NULL);
}

/* --- the tree ------------------------------------------------------------ */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  if (BULLETIN_IS_YEAR_GROUP (item))
    return g_object_ref (G_LIST_MODEL (BULLETIN_YEAR_GROUP (item)->issues));
  if (BULLETIN_IS_ISSUE (item) &&
      bulletin_issue_get_state (BULLETIN_ISSUE (item)) != BULLETIN_ISSUE_STATE_ERROR)
    return g_object_ref (bulletin_issue_get_articles (BULLETIN_ISSUE (item)));
  return NULL;
}

static GtkTreeListRow *
row_at (BulletinSidebar *self,
        guint            position)
{
  return gtk_tree_list_model_get_row (self->tree, position);
}

static gpointer
row_dup_item (GtkTreeListRow *row)
{
  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static char *
format_issue_heading (BulletinIssue *issue)
{
  const char *date = bulletin_issue_get_date (issue);
  const char *number = bulletin_issue_get_number (issue);
  g_autofree char *num = NULL;

  if (number != NULL)
    {
      gboolean digits = TRUE;

      for (const char *p = number; *p; p++)
        digits = digits && g_ascii_isdigit (*p);
      /* Translators: an issue's number, e.g. "No. 128" */
      num = digits ? g_strdup_printf (_("No. %s"), number) : g_strdup (number);
    }

  if (num == NULL)
    return g_strdup (date != NULL ? date : _("Undated"));
  /* Translators: an issue's date and number, e.g. "2024-05-20 · No. 128" */
  return g_strdup_printf (_("%s · %s"), date != NULL ? date : _("Undated"), num);
}

/* An issue row's heading, the line under it and its accessible name */
static void
format_issue_row (BulletinIssue  *issue,
                  char          **title,
                  char          **subtitle,
                  char          **label)
{
  *title = format_issue_heading (issue);
  *subtitle = g_strdup (bulletin_issue_get_title (issue));
  /* A title that only repeats the date (a file named by its date) says
   * nothing.  (Not the number of articles instead: it is known only once
   * the issue loads, and the row keeps one label before and after.) */
  if (*subtitle != NULL && g_strcmp0 (*subtitle, bulletin_issue_get_date (issue)) == 0)
    g_clear_pointer (subtitle, g_free);
  if (*subtitle != NULL)
    /* Translators: the accessible name of an issue row: date and number, title */
    *label = g_strdup_printf (_("%s, %s"), *title, *subtitle);
  else
    *label = g_strdup (*title);
}

typedef struct {
  GtkWidget *icon;
  GtkWidget *title;
  GtkWidget *subtitle;
  GObject   *watched;
  gulong     notify_id;
  GtkTreeListRow *row;
  gulong     expanded_id;
} RowWidgets;

static void
row_widgets_free (RowWidgets *w)
{
  g_free (w);
}

static void
update_row (GtkWidget *expander)
{
  RowWidgets *w = g_object_get_data (G_OBJECT (expander), "bulletin-row");
  GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander));
  g_autoptr(GObject) item = row_dup_item (row);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;
  const char *error = NULL;

  gtk_widget_remove_css_class (w->title, "heading");

  if (BULLETIN_IS_YEAR_GROUP (item))
    {
      BulletinYearGroup *group = BULLETIN_YEAR_GROUP (item);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (group->issues));

      if (group->year == UNREADABLE_GROUP)
        {
          title = g_strdup (_("Unreadable Files"));
          subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", n), n);
        }
      else
        {
          title = group->year != 0 ? g_strdup_printf ("%u", group->year) : g_strdup (_("Undated"));
          subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u issue", "%u issues", n), n);
        }
      /* Translators: a year row in the list, e.g. "2024, 12 issues" */
      label = g_strdup_printf (_("%s, %s"), title, subtitle);
      gtk_widget_add_css_class (w->title, "heading");
    }
  else if (BULLETIN_IS_ISSUE (item))
    {
      BulletinIssue *issue = BULLETIN_ISSUE (item);

      if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        {
          /* the file's name, and why it cannot be read, in the row itself */
          error = bulletin_issue_get_error_message (issue);
          title = g_strdup (bulletin_issue_get_display_name (issue));
          subtitle = g_strdup (error);
          /* Translators: the accessible name of an unreadable file: its name, then this */
          label = g_strdup_printf (_("%s, cannot be read"), title);
          description = g_strdup (error);
        }
      else
        {
          format_issue_row (issue, &title, &subtitle, &label);
          /* a plain-text issue: its encoding and the reader's corrections */
          description = bulletin_issue_dup_text_details (issue);
        }
      gtk_widget_add_css_class (w->title, "heading");
    }
  else if (BULLETIN_IS_ARTICLE (item))
    {
      BulletinArticle *article = BULLETIN_ARTICLE (item);
      const char *headline = bulletin_article_get_headline (article);
      const char *byline = bulletin_article_get_byline (article);

      title = g_strdup (headline != NULL && *headline ? headline : _("Untitled article"));
      subtitle = g_strdup (byline);
      if (subtitle != NULL)
        /* Translators: the accessible name of an article row: headline, byline */
        label = g_strdup_printf (_("%s, %s"), title, subtitle);
      else
        label = g_strdup (title);
    }

  gtk_label_set_text (GTK_LABEL (w->title), title != NULL ? title : "");
  gtk_label_set_text (GTK_LABEL (w->subtitle), subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (w->subtitle, subtitle != NULL && *subtitle);
  gtk_widget_set_visible (w->icon, error != NULL);
  gtk_widget_set_tooltip_text (w->icon, error);
  gtk_widget_set_tooltip_text (expander, error != NULL ? error
                                        : BULLETIN_IS_ARTICLE (item) ? title
                                        : BULLETIN_IS_ISSUE (item) ? description : NULL);
  if (error != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (w->icon),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cannot be read"),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error,
                                    -1);

  gtk_accessible_update_property (GTK_ACCESSIBLE (expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description != NULL ? description : "",
                                  -1);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           BulletinSidebar          *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  RowWidgets *w = g_new0 (RowWidgets, 1);

  w->icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (w->icon, "error");
  gtk_widget_set_valign (w->icon, GTK_ALIGN_CENTER);
  w->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (w->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (w->title), PANGO_ELLIPSIZE_END);
  w->subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (w->subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (w->subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (w->subtitle, "dim-label");
  gtk_widget_add_css_class (w->subtitle, "caption");

  gtk_box_append (GTK_BOX (labels), w->title);
  gtk_box_append (GTK_BOX (labels), w->subtitle);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), w->icon);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  /* the row itself takes the focus, so that its focus ring shows */
  gtk_widget_set_focusable (expander, FALSE);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  g_object_set_data_full (G_OBJECT (expander), "bulletin-row", w, (GDestroyNotify)row_widgets_free);
  gtk_list_item_set_child (list_item, expander);
}

static void
item_notify (GObject    *object,
             GParamSpec *pspec,
             GtkWidget  *expander)
{
  update_row (expander);
}

static void
row_expanded_changed (GtkTreeListRow  *row,
                      GParamSpec      *pspec,
                      BulletinSidebar *self)
{
  g_autoptr(GObject) item = row_dup_item (row);

  /* the person opened or closed the year the sidebar opened: it is theirs */
  if (!self->opening && item != NULL && item == (gpointer)self->opened_group)
    g_clear_object (&self->opened_group);
  if (gtk_tree_list_row_get_expanded (row) && BULLETIN_IS_ISSUE (item))
    ensure_loaded (self, BULLETIN_ISSUE (item));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          BulletinSidebar          *self)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  RowWidgets *w = g_object_get_data (G_OBJECT (expander), "bulletin-row");
  g_autoptr(GObject) item = row_dup_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);

  if (BULLETIN_IS_ISSUE (item) || BULLETIN_IS_YEAR_GROUP (item))
    {
      GObject *watched = BULLETIN_IS_ISSUE (item) ? item : G_OBJECT (BULLETIN_YEAR_GROUP (item)->issues);
      const char *signal = BULLETIN_IS_ISSUE (item) ? "notify" : "items-changed";

      w->watched = g_object_ref (watched);
      w->notify_id = g_signal_connect_object (watched, signal,
                                              BULLETIN_IS_ISSUE (item) ? G_CALLBACK (item_notify)
                                                                       : G_CALLBACK (update_row),
                                              expander, BULLETIN_IS_ISSUE (item) ? 0 : G_CONNECT_SWAPPED);
    }
  w->row = g_object_ref (row);
  w->expanded_id = g_signal_connect_object (row, "notify::expanded",
                                            G_CALLBACK (row_expanded_changed), self, 0);

  update_row (expander);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            BulletinSidebar          *self)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  RowWidgets *w = g_object_get_data (G_OBJECT (expander), "bulletin-row");

  if (w->watched != NULL)
    {
      g_clear_signal_handler (&w->notify_id, w->watched);
      g_clear_object (&w->watched);
    }
  if (w->row != NULL)
    {
      g_clear_signal_handler (&w->expanded_id, w->row);
      g_clear_object (&w->row);
    }
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

/* --- finding and focusing rows --------------------------------------------- */

static GtkWidget *
widget_for_position (BulletinSidebar *self,
                     guint            position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *expander = gtk_widget_get_first_child (child);
      GtkTreeListRow *row;

      if (!GTK_IS_TREE_EXPANDER (expander))
        continue;
      row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander));
      if (row != NULL && gtk_tree_list_row_get_position (row) == position)
        return child;
    }
  return NULL;
}

static gboolean
focus_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  BulletinSidebar *self = BULLETIN_SIDEBAR (widget);
  GtkWidget *row_widget = widget_for_position (self, self->focus_position);

  self->focus_tick_id = 0;
  if (row_widget != NULL)
    gtk_widget_grab_focus (row_widget);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return G_SOURCE_REMOVE;
}

/* Selects @position, scrolls to it and, when @focus, puts the keyboard
 * focus on its row (GTK 4.8 has no API for the list's cursor). */
static void
select_position (BulletinSidebar *self,
                 guint            position,
                 gboolean         focus)
{
  GtkWidget *row_widget;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  if (!focus)
    return;

  row_widget = widget_for_position (self, position);
  if (row_widget != NULL)
    {
      gtk_widget_grab_focus (row_widget);
      return;
    }
  self->focus_position = position;
  if (self->focus_tick_id == 0)
    self->focus_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), focus_tick, NULL, NULL);
}

static gboolean
find_item (BulletinSidebar *self,
           gpointer         wanted,
           guint            from,
           guint           *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = from; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = row_at (self, i);
      g_autoptr(GObject) item = row_dup_item (row);

      if (item == wanted)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static BulletinYearGroup *
group_for_issue (BulletinSidebar *self,
                 BulletinIssue   *issue)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->years));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinYearGroup) group = g_list_model_get_item (G_LIST_MODEL (self->years), i);
      guint pos;

      if (g_list_store_find (group->issues, issue, &pos))
        return group;
    }
  return NULL;
}

/* Expands the year and the issue; the position of the issue's row */
static gboolean
reveal_issue (BulletinSidebar *self,
              BulletinIssue   *issue,
              guint           *position)
{
  BulletinYearGroup *group;
  guint pos;

  if (self->resync_id != 0)
    {
      g_source_remove (self->resync_id);
      self->resync_id = 0;
      resync (self);
    }

  group = group_for_issue (self, issue);
  /* read again (in another encoding): back among the issues */
  if (group != NULL && (group->year == UNREADABLE_GROUP) !=
                       (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR))
    {
      resync (self);
      group = group_for_issue (self, issue);
    }
  if (group == NULL || !find_item (self, group, 0, &pos))
    return FALSE;
  {
    g_autoptr(GtkTreeListRow) year_row = row_at (self, pos);
    gtk_tree_list_row_set_expanded (year_row, TRUE);
  }
  if (!find_item (self, issue, pos, &pos))
    return FALSE;
  {
    g_autoptr(GtkTreeListRow) issue_row = row_at (self, pos);
    gtk_tree_list_row_set_expanded (issue_row, TRUE);
  }
  ensure_loaded (self, issue);
  *position = pos;
  return TRUE;
}

static void
apply_pending (BulletinSidebar *self)
{
  g_autoptr(BulletinIssue) issue = g_steal_pointer (&self->pending_issue);
  guint n, pos;

  if (issue == NULL || !bulletin_issue_is_loaded (issue))
    return;
  n = g_list_model_get_n_items (bulletin_issue_get_articles (issue));
  if (n == 0 || !reveal_issue (self, issue, &pos))
    return;
  if (self->pending_index < 0 || (guint)self->pending_index >= n)
    select_position (self, pos + n, FALSE);
  else
    select_position (self, pos + 1 + self->pending_index, FALSE);
}

static void
issue_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BulletinSidebar) self = user_data;
  BulletinIssue *issue = BULLETIN_ISSUE (object);
  g_autoptr(GError) error = NULL;

  if (!bulletin_issue_load_finish (issue, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
            {
              g_clear_handle_id (&self->resync_id, g_source_remove);
              resync (self);
            }
          g_signal_emit (self, signals[LOAD_FAILED], 0, issue, error->message);
        }
      if (self->pending_issue == issue)
        g_clear_object (&self->pending_issue);
      return;
    }

  if (self->pending_issue == issue)
    apply_pending (self);
}

static void
ensure_loaded (BulletinSidebar *self,
               BulletinIssue   *issue)
{
  if (bulletin_issue_is_loaded (issue) ||
      bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
    return;
  bulletin_issue_load_async (issue, self->cancellable, issue_loaded, g_object_ref (self));
}

/* --- keyboard ---------------------------------------------------------------- */

static GtkTreeListRow *
dup_focused_row (BulletinSidebar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  while (focus != NULL && gtk_widget_get_parent (focus) != GTK_WIDGET (self->list_view))
    focus = gtk_widget_get_parent (focus);
  if (focus != NULL)
    {
      GtkWidget *expander = gtk_widget_get_first_child (focus);

      if (GTK_IS_TREE_EXPANDER (expander) &&
          gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander)) != NULL)
        return g_object_ref (gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander)));
    }

  if (gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION)
    return row_at (self, gtk_single_selection_get_selected (self->selection));
  return NULL;
}

static void
expand_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BulletinSidebar *self = BULLETIN_SIDEBAR (widget);
  g_autoptr(GtkTreeListRow) row = dup_focused_row (self);

  if (row == NULL || !gtk_tree_list_row_is_expandable (row))
    return;
  if (!gtk_tree_list_row_get_expanded (row))
    gtk_tree_list_row_set_expanded (row, TRUE);
  else if (gtk_tree_list_row_get_position (row) + 1 < g_list_model_get_n_items (G_LIST_MODEL (self->tree)))
    {
      g_autoptr(GtkTreeListRow) child = gtk_tree_list_row_get_child_row (row, 0);

      if (child != NULL)
        select_position (self, gtk_tree_list_row_get_position (child), TRUE);
    }
}

static void
collapse_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  BulletinSidebar *self = BULLETIN_SIDEBAR (widget);
  g_autoptr(GtkTreeListRow) row = dup_focused_row (self);
  g_autoptr(GtkTreeListRow) parent = NULL;

  if (row == NULL)
    return;
  if (gtk_tree_list_row_get_expanded (row))
    {
      gtk_tree_list_row_set_expanded (row, FALSE);
      return;
    }
  parent = gtk_tree_list_row_get_parent (row);
  if (parent != NULL)
    select_position (self, gtk_tree_list_row_get_position (parent), TRUE);
}

static void
activate_row (BulletinSidebar *self,
              GtkTreeListRow  *row)
{
  g_autoptr(GObject) item = row_dup_item (row);

  if (BULLETIN_IS_ARTICLE (item))
    {
      g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
      g_autoptr(GObject) issue = row_dup_item (parent);

      gtk_single_selection_set_selected (self->selection, gtk_tree_list_row_get_position (row));
      g_signal_emit (self, signals[ARTICLE_ACTIVATED], 0, issue, item);
    }
  else if (gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  BulletinSidebar *self = BULLETIN_SIDEBAR (widget);
  g_autoptr(GtkTreeListRow) row = dup_focused_row (self);

  if (row != NULL)
    activate_row (self, row);
}

static void
list_activate (GtkListView     *list_view,
               guint            position,
               BulletinSidebar *self)
{
  g_autoptr(GtkTreeListRow) row = row_at (self, position);

  if (row != NULL)
    activate_row (self, row);
}

static void
selection_changed (GtkSingleSelection *selection,
                   GParamSpec         *pspec,
                   BulletinSidebar    *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (selection);
  g_autoptr(GObject) item = row_dup_item (row);

  if (BULLETIN_IS_ARTICLE (item))
    {
      g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
      g_autoptr(GObject) issue = row_dup_item (parent);

      g_signal_emit (self, signals[ARTICLE_SELECTED], 0, issue, item);
    }
  else if (BULLETIN_IS_ISSUE (item) &&
           bulletin_issue_get_state (BULLETIN_ISSUE (item)) == BULLETIN_ISSUE_STATE_ERROR)
    g_signal_emit (self, signals[UNREADABLE_SELECTED], 0, item);
}

/* --- object ---------------------------------------------------------------- */

static void
bulletin_sidebar_dispose (GObject *object)
{
  BulletinSidebar *self = (BulletinSidebar *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->resync_id, g_source_remove);
  if (self->focus_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick_id);
      self->focus_tick_id = 0;
    }
  if (self->issues != NULL)
    g_signal_handlers_disconnect_by_func (self->issues, issues_changed, self);
  g_clear_object (&self->issues);
  g_clear_object (&self->pending_issue);
  g_clear_object (&self->opened_group);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_SIDEBAR);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->years);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bulletin_sidebar_parent_class)->dispose (object);
}

static void
bulletin_sidebar_class_init (BulletinSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bulletin_sidebar_dispose;

  /**
   * BulletinSidebar::article-selected:
   * @issue: the article's issue
   * @article: the article
   *
   * The selection moved to an article (arrows, a click, next/previous).
   */
  signals[ARTICLE_SELECTED] =
    g_signal_new ("article-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, BULLETIN_TYPE_ISSUE, BULLETIN_TYPE_ARTICLE);
  /**
   * BulletinSidebar::article-activated:
   *
   * Enter or a double click on an article row: open it and read.
   */
  signals[ARTICLE_ACTIVATED] =
    g_signal_new ("article-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, BULLETIN_TYPE_ISSUE, BULLETIN_TYPE_ARTICLE);
  /**
   * BulletinSidebar::load-failed:
   * @issue: the issue
   * @message: why, naming the file
   */
  signals[LOAD_FAILED] =
    g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, BULLETIN_TYPE_ISSUE, G_TYPE_STRING);

  /**
   * BulletinSidebar::unreadable-selected:
   * @issue: a file that cannot be read (its error message says why)
   */
  signals[UNREADABLE_SELECTED] =
    g_signal_new ("unreadable-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BULLETIN_TYPE_ISSUE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, BulletinSidebar, stack);
  gtk_widget_class_bind_template_child (widget_class, BulletinSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, BulletinSidebar, spinner);
  gtk_widget_class_bind_template_child (widget_class, BulletinSidebar, placeholder_label);

  gtk_widget_class_install_action (widget_class, "sidebar.expand", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "sidebar.collapse", NULL, collapse_action);
  gtk_widget_class_install_action (widget_class, "sidebar.activate", NULL, activate_action);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bulletin_sidebar_init (BulletinSidebar *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->years = g_list_store_new (BULLETIN_TYPE_YEAR_GROUP);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->years)), FALSE, FALSE,
                                        create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->list_view, "activate", G_CALLBACK (list_activate), self);

  gtk_widget_add_controller (GTK_WIDGET (self->list_view), bulletin_accels_new_controller ("sidebar."));

  gtk_label_set_text (self->placeholder_label, _("No archive open"));
  gtk_stack_set_visible_child_name (self->stack, "placeholder");
}

/**
 * bulletin_sidebar_new:
 *
 * Returns: (transfer full): a new sidebar
 */
GtkWidget *
bulletin_sidebar_new (void)
{
  return g_object_new (BULLETIN_TYPE_SIDEBAR, NULL);
}

/* Shows the issues of @issues (a #GListModel of #BulletinIssue, newest
 * first), following its changes; NULL empties the list. */
void
bulletin_sidebar_set_issues (BulletinSidebar *self,
                             GListModel      *issues)
{
  g_return_if_fail (BULLETIN_IS_SIDEBAR (self));
  g_return_if_fail (issues == NULL || G_IS_LIST_MODEL (issues));

  if (self->issues == issues)
    return;

  /* Loads of the previous archive's issues are of no interest now. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->pending_issue);

  if (self->issues != NULL)
    g_signal_handlers_disconnect_by_func (self->issues, issues_changed, self);
  g_set_object (&self->issues, issues);
  if (issues != NULL)
    g_signal_connect_swapped (issues, "items-changed", G_CALLBACK (issues_changed), self);

  g_list_store_remove_all (self->years);
  self->expanded_year = 0;
  g_clear_object (&self->opened_group);
  self->unreadable_shown = FALSE;
  g_clear_handle_id (&self->resync_id, g_source_remove);
  resync (self);
}

/**
 * bulletin_sidebar_get_tree_model:
 *
 * Returns: (transfer none): the #GtkTreeListModel the list shows: rows of
 * year groups, #BulletinIssue and #BulletinArticle items
 */
GListModel *
bulletin_sidebar_get_tree_model (BulletinSidebar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), NULL);
  return G_LIST_MODEL (self->tree);
}

/**
 * bulletin_sidebar_get_list_view:
 *
 * Returns: (transfer none): the #GtkListView
 */
GtkWidget *
bulletin_sidebar_get_list_view (BulletinSidebar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), NULL);
  return GTK_WIDGET (self->list_view);
}

/* What the sidebar says while it has no rows: @text, with a spinner when
 * @busy. */
void
bulletin_sidebar_set_placeholder (BulletinSidebar *self,
                                  const char      *text,
                                  gboolean         busy)
{
  g_return_if_fail (BULLETIN_IS_SIDEBAR (self));

  gtk_label_set_text (self->placeholder_label, text != NULL ? text : "");
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

/**
 * bulletin_sidebar_get_selected_article:
 *
 * Returns: (transfer none) (nullable): the selected article
 */
BulletinArticle *
bulletin_sidebar_get_selected_article (BulletinSidebar *self)
{
  GtkTreeListRow *row;

  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), NULL);

  row = gtk_single_selection_get_selected_item (self->selection);
  {
    g_autoptr(GObject) item = row_dup_item (row);

    /* the issue's article model holds a reference */
    if (BULLETIN_IS_ARTICLE (item))
      return BULLETIN_ARTICLE (item);
  }
  return NULL;
}

/**
 * bulletin_sidebar_get_selected_issue:
 *
 * Returns: (transfer none) (nullable): the selected issue, or the issue of
 * the selected article
 */
BulletinIssue *
bulletin_sidebar_get_selected_issue (BulletinSidebar *self)
{
  GtkTreeListRow *row;
  g_autoptr(GObject) item = NULL;
  BulletinIssue *issue = NULL;

  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), NULL);

  row = gtk_single_selection_get_selected_item (self->selection);
  item = row_dup_item (row);
  if (BULLETIN_IS_ISSUE (item))
    issue = BULLETIN_ISSUE (item);
  else if (BULLETIN_IS_ARTICLE (item))
    {
      g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
      g_autoptr(GObject) parent_item = row_dup_item (parent);

      if (BULLETIN_IS_ISSUE (parent_item))
        issue = BULLETIN_ISSUE (parent_item);
    }
  /* the archive's model holds a reference */
  return issue;
}

/* Expands @issue's year and @issue (loading it). */
void
bulletin_sidebar_expand_issue (BulletinSidebar *self,
                               BulletinIssue   *issue)
{
  guint pos;

  g_return_if_fail (BULLETIN_IS_SIDEBAR (self));
  g_return_if_fail (BULLETIN_IS_ISSUE (issue));

  reveal_issue (self, issue, &pos);
}

/* Selects @article of @issue (expanding and loading what it must; the
 * selection happens once the issue has loaded).  Returns FALSE when
 * @issue is not in the list or has no such article. */
gboolean
bulletin_sidebar_select_article (BulletinSidebar *self,
                                 BulletinIssue   *issue,
                                 BulletinArticle *article)
{
  guint pos, index;

  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_ISSUE (issue), FALSE);
  g_return_val_if_fail (article == NULL || BULLETIN_IS_ARTICLE (article), FALSE);

  if (!reveal_issue (self, issue, &pos))
    return FALSE;
  if (!bulletin_issue_is_loaded (issue))
    {
      g_set_object (&self->pending_issue, issue);
      self->pending_index = 0;
      return TRUE;
    }
  if (article == NULL)
    index = 0;
  else if (!g_list_store_find (G_LIST_STORE (bulletin_issue_get_articles (issue)), article, &index))
    return FALSE;
  if (index >= g_list_model_get_n_items (bulletin_issue_get_articles (issue)))
    return FALSE;
  select_position (self, pos + 1 + index, FALSE);
  return TRUE;
}

/* Selects the next (@direction > 0) or previous article, across issues
 * and years, expanding them as it goes.  Returns FALSE at either end. */
gboolean
bulletin_sidebar_move_article (BulletinSidebar *self,
                               int              direction)
{
  guint selected;
  gint64 pos;

  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), FALSE);

  direction = direction >= 0 ? 1 : -1;
  selected = gtk_single_selection_get_selected (self->selection);
  pos = selected == GTK_INVALID_LIST_POSITION ? (direction > 0 ? -1 : 0) : (gint64)selected;

  for (;;)
    {
      g_autoptr(GtkTreeListRow) row = NULL;
      g_autoptr(GObject) item = NULL;

      pos += direction;
      if (pos < 0 || pos >= g_list_model_get_n_items (G_LIST_MODEL (self->tree)))
        return FALSE;

      row = row_at (self, pos);
      item = row_dup_item (row);

      if (BULLETIN_IS_ARTICLE (item))
        {
          select_position (self, pos, FALSE);
          return TRUE;
        }

      if (gtk_tree_list_row_get_expanded (row) || !gtk_tree_list_row_is_expandable (row))
        continue;

      if (BULLETIN_IS_ISSUE (item) && !bulletin_issue_is_loaded (BULLETIN_ISSUE (item)))
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          ensure_loaded (self, BULLETIN_ISSUE (item));
          if (bulletin_issue_get_state (BULLETIN_ISSUE (item)) == BULLETIN_ISSUE_STATE_ERROR)
            continue;
          g_set_object (&self->pending_issue, BULLETIN_ISSUE (item));
          self->pending_index = direction > 0 ? 0 : -1;
          gtk_single_selection_set_selected (self->selection, pos);
          return TRUE;
        }

      gtk_tree_list_row_set_expanded (row, TRUE);
      if (direction < 0)
        {
          /* continue upwards from below the rows just revealed */
          guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
          gint64 end = pos + 1;

          while (end < n)
            {
              g_autoptr(GtkTreeListRow) next = row_at (self, end);
              if (gtk_tree_list_row_get_depth (next) <= gtk_tree_list_row_get_depth (row))
                break;
              end++;
            }
          pos = end;
        }
    }
}

/* Puts the keyboard focus on the selected row (or the list). */
void
bulletin_sidebar_focus_selection (BulletinSidebar *self)
{
  guint selected;

  g_return_if_fail (BULLETIN_IS_SIDEBAR (self));

  selected = gtk_single_selection_get_selected (self->selection);
  if (selected == GTK_INVALID_LIST_POSITION)
    {
      if (g_list_model_get_n_items (G_LIST_MODEL (self->tree)) == 0)
        {
          gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
          return;
        }
      selected = 0;
      {
        GtkWidget *row_widget = widget_for_position (self, 0);
        if (row_widget != NULL)
          {
            gtk_widget_grab_focus (row_widget);
            return;
          }
      }
    }
  select_position (self, selected, TRUE);
}
