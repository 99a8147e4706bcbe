/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bulletin-accels.h"
#include "bulletin-issue-query.h"
#include "bulletin-place.h"
#include "bulletin-sidebar.h"
#include "bulletin-typography.h"

/* The first level of the tree: the issues of one year (0: undated), so
 * that a 5,000-issue archive is not one flat list; files that cannot be
 * read are no issues and come last, in a group of their own. */
#define UNREADABLE_GROUP G_MAXUINT
#define BULLETIN_TYPE_YEAR_GROUP (bulletin_year_group_get_type ())
G_DECLARE_FINAL_TYPE (BulletinYearGroup, bulletin_year_group, BULLETIN, YEAR_GROUP, GObject)

/* A year of more than MONTHS_FROM issues is grouped by month: its rows
 * are month groups (the same type, with a month), each with its issues. */
#define MONTHS_FROM 30
#define UNKNOWN_MONTH 13

struct _BulletinYearGroup
{
  GObject     parent_instance;
  guint       year;
  guint       month;      /* 1-12, UNKNOWN_MONTH; 0: a year */
  GListStore *issues;     /* all of them, newest first */
  GListStore *children;   /* a year's rows: its issues, or its months */
};

G_DEFINE_FINAL_TYPE (BulletinYearGroup, bulletin_year_group, G_TYPE_OBJECT)

static void
bulletin_year_group_finalize (GObject *object)
{
  g_clear_object (&BULLETIN_YEAR_GROUP (object)->issues);
  g_clear_object (&BULLETIN_YEAR_GROUP (object)->children);
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
  self->children = g_list_store_new (G_TYPE_OBJECT);
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
  guint                expanded_month;  /* its newest month (year * 100 + month), likewise */

  /* type-ahead: a date or an issue number typed in the list */
  GtkPopover          *typeahead;
  GtkEntry            *typeahead_entry;
  GtkLabel            *typeahead_status;
  /* the context menu of an issue's row */
  GtkPopover          *context_menu;
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
 * selected a row in it (a month it opened itself does not count). */
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
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (child);

      if (gtk_tree_list_row_get_depth (child) <= depth)
        break;
      if (i == selected || (BULLETIN_IS_ISSUE (item) && gtk_tree_list_row_get_expanded (child)))
        return;
    }
  gtk_tree_list_row_set_expanded (row, FALSE);
}

/* The month (1-12) of an issue's date, UNKNOWN_MONTH without one */
static guint
issue_month (BulletinIssue *issue)
{
  const char *date = bulletin_issue_get_date (issue);
  guint month;

  if (date == NULL || strlen (date) < 7 || date[4] != '-' ||
      !g_ascii_isdigit (date[5]) || !g_ascii_isdigit (date[6]))
    return UNKNOWN_MONTH;
  month = (date[5] - '0') * 10 + (date[6] - '0');
  return month >= 1 && month <= 12 ? month : UNKNOWN_MONTH;
}

/* A year's rows: its issues, or its months when it has many issues (the
 * months that stay keep their rows, and their rows' expansion). */
static void
sync_months (BulletinYearGroup *group)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (group->issues));
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean split = n > MONTHS_FROM && group->year != 0 && group->year != UNREADABLE_GROUP;

  if (!split)
    {
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (group->issues), i));
      sync_store (group->children, rows);
      return;
    }

  {
    GPtrArray *by_month[UNKNOWN_MONTH + 1] = { NULL, };
    guint old_n = g_list_model_get_n_items (G_LIST_MODEL (group->children));

    for (guint i = 0; i < n; i++)
      {
        BulletinIssue *issue = g_list_model_get_item (G_LIST_MODEL (group->issues), i);
        guint m = issue_month (issue);

        if (by_month[m] == NULL)
          by_month[m] = g_ptr_array_new_with_free_func (g_object_unref);
        g_ptr_array_add (by_month[m], issue);
      }
    /* newest first, the issues of no known month last */
    for (guint k = 0; k <= 12; k++)
      {
        guint m = k < 12 ? 12 - k : UNKNOWN_MONTH;
        BulletinYearGroup *month = NULL;

        if (by_month[m] == NULL)
          continue;
        for (guint i = 0; i < old_n && month == NULL; i++)
          {
            g_autoptr(GObject) old = g_list_model_get_item (G_LIST_MODEL (group->children), i);

            if (BULLETIN_IS_YEAR_GROUP (old) && BULLETIN_YEAR_GROUP (old)->month == m)
              month = BULLETIN_YEAR_GROUP (g_steal_pointer (&old));
          }
        if (month == NULL)
          {
            month = g_object_new (BULLETIN_TYPE_YEAR_GROUP, NULL);
            month->year = group->year;
            month->month = m;
          }
        sync_store (month->issues, by_month[m]);
        g_ptr_array_add (rows, month);
      }
    for (guint m = 0; m <= UNKNOWN_MONTH; m++)
      g_clear_pointer (&by_month[m], g_ptr_array_unref);
    sync_store (group->children, rows);
  }
}

/* The newest year opens by itself (and its newest month, when it has
 * months), also when a newer one than the first to arrive turns up while
 * the archive fills in (the scan's batches come in any order); a year the
 * person closed stays closed.  The unreadable files open once.  @n_groups:
 * the years listed. */
static void
open_by_themselves (BulletinSidebar *self,
                    guint            n_groups)
{
  guint position = n_groups;

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
      /* and so does its newest month, when it has months */
      if (g_list_model_get_n_items (G_LIST_MODEL (first->children)) > 0)
        {
          g_autoptr(GObject) child = g_list_model_get_item (G_LIST_MODEL (first->children), 0);

          if (BULLETIN_IS_YEAR_GROUP (child) &&
              year * 100 + BULLETIN_YEAR_GROUP (child)->month != self->expanded_month)
            {
              g_autoptr(GtkTreeListRow) year_row = gtk_tree_list_model_get_row (self->tree, 0);

              self->expanded_month = year * 100 + BULLETIN_YEAR_GROUP (child)->month;
              if (year_row != NULL && gtk_tree_list_row_get_expanded (year_row))
                {
                  g_autoptr(GtkTreeListRow) month_row = gtk_tree_list_row_get_child_row (year_row, 0);

                  if (month_row != NULL)
                    gtk_tree_list_row_set_expanded (month_row, TRUE);
                }
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
        sync_months (group);
        position++;
      }
  }
  while (g_list_model_get_n_items (G_LIST_MODEL (self->years)) > position)
    g_list_store_remove (self->years, position);

  open_by_themselves (self, position);

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
    return BULLETIN_YEAR_GROUP (item)->month == 0
           ? g_object_ref (G_LIST_MODEL (BULLETIN_YEAR_GROUP (item)->children))
           : g_object_ref (G_LIST_MODEL (BULLETIN_YEAR_GROUP (item)->issues));
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

static const char *
month_name (guint month)
{
  static const char * const names[] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
    NC_("month", "April"), NC_("month", "May"), NC_("month", "June"),
    NC_("month", "July"), NC_("month", "August"), NC_("month", "September"),
    NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
  };

  if (month >= 1 && month <= 12)
    return g_dpgettext2 (GETTEXT_PACKAGE, "month", names[month - 1]);
  /* Translators: the group of a year's issues whose month is not known */
  return _("Other Dates");
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

  if (BULLETIN_IS_YEAR_GROUP (item) && BULLETIN_YEAR_GROUP (item)->month != 0)
    {
      BulletinYearGroup *group = BULLETIN_YEAR_GROUP (item);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (group->issues));
      g_autofree char *count = g_strdup_printf ("%u", n);
      g_autofree char *issues = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u issue", "%u issues", n), n);
      const char *name = month_name (group->month);

      /* Translators: a month row in the list, e.g. "March · 26" (issues) */
      title = g_strdup_printf (_("%s · %s"), name, count);
      /* Translators: a month row's accessible name, e.g. "March, 26 issues" */
      label = g_strdup_printf (_("%s, %s"), name, issues);
    }
  else if (BULLETIN_IS_YEAR_GROUP (item))
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
      g_autofree char *place = bulletin_format_article_place (article);

      title = g_strdup (headline != NULL && *headline ? headline : _("Untitled article"));
      /* the page and section it is on, then who wrote it */
      if (place != NULL && byline != NULL)
        subtitle = g_strdup_printf (_("%s · %s"), place, byline);
      else
        subtitle = g_strdup (place != NULL ? place : byline);
      if (subtitle != NULL)
        /* Translators: the accessible name of an article row: headline, byline */
        label = g_strdup_printf (_("%s, %s"), title, subtitle);
      else
        label = g_strdup (title);
    }

  gtk_label_set_text (GTK_LABEL (w->title), title != NULL ? title : "");
  gtk_label_set_text (GTK_LABEL (w->subtitle), subtitle != NULL ? subtitle : "");
  /* headlines and issue titles in Chinese: full-width quotation marks */
  {
    const char *language = BULLETIN_IS_ARTICLE (item) ? bulletin_article_get_language (BULLETIN_ARTICLE (item)) : NULL;
    gboolean chinese = error == NULL && (BULLETIN_IS_ARTICLE (item) || BULLETIN_IS_ISSUE (item));
    g_autoptr(PangoAttrList) title_attrs = chinese ? bulletin_typography_label_attributes (title, language) : NULL;
    g_autoptr(PangoAttrList) subtitle_attrs = chinese ? bulletin_typography_label_attributes (subtitle, language) : NULL;

    gtk_label_set_attributes (GTK_LABEL (w->title), title_attrs);
    gtk_label_set_attributes (GTK_LABEL (w->subtitle), subtitle_attrs);
  }
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

  /* a position from before the list changed: GTK 4.8's list view asserts
   * on a scroll to a row it does not have */
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->tree)))
    return;
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

/* The month group of @issue in @year, NULL when the year has no months */
static BulletinYearGroup *
month_for_issue (BulletinYearGroup *year,
                 BulletinIssue     *issue)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (year->children));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) child = g_list_model_get_item (G_LIST_MODEL (year->children), i);
      guint pos;

      if (!BULLETIN_IS_YEAR_GROUP (child))
        return NULL;
      if (g_list_store_find (BULLETIN_YEAR_GROUP (child)->issues, issue, &pos))
        return BULLETIN_YEAR_GROUP (child);  /* the year holds a reference */
    }
  return NULL;
}

static gboolean reveal_issue_full (BulletinSidebar *self,
                                   BulletinIssue   *issue,
                                   gboolean         expand,
                                   guint           *position);

/* Expands the year and the issue; the position of the issue's row */
static gboolean
reveal_issue (BulletinSidebar *self,
              BulletinIssue   *issue,
              guint           *position)
{
  return reveal_issue_full (self, issue, TRUE, position);
}

/* Expands the year (and month), and the issue when @expand */
static gboolean
reveal_issue_full (BulletinSidebar *self,
                   BulletinIssue   *issue,
                   gboolean         expand,
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
  /* a year of many issues: the issue's month too */
  {
    BulletinYearGroup *month = month_for_issue (group, issue);

    if (month != NULL)
      {
        if (!find_item (self, month, pos, &pos))
          return FALSE;
        {
          g_autoptr(GtkTreeListRow) month_row = row_at (self, pos);
          gtk_tree_list_row_set_expanded (month_row, TRUE);
        }
      }
  }
  if (!find_item (self, issue, pos, &pos))
    return FALSE;
  *position = pos;
  if (!expand)
    return TRUE;
  {
    g_autoptr(GtkTreeListRow) issue_row = row_at (self, pos);
    gtk_tree_list_row_set_expanded (issue_row, TRUE);
  }
  ensure_loaded (self, issue);
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

/* --- type-ahead ---------------------------------------------------------------- */

/* The year of a date typed without one: the selected issue's, else the
 * newest issue's */
static guint
typeahead_year (BulletinSidebar *self)
{
  BulletinIssue *selected = bulletin_sidebar_get_selected_issue (self);
  guint n = self->issues != NULL ? g_list_model_get_n_items (self->issues) : 0;

  if (selected != NULL && bulletin_issue_get_year (selected) != 0)
    return bulletin_issue_get_year (selected);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (self->issues, i);

      if (bulletin_issue_get_year (issue) != 0)
        return bulletin_issue_get_year (issue);
    }
  return 0;
}

static void
typeahead_say (BulletinSidebar *self,
               const char      *message)
{
  gtk_label_set_text (self->typeahead_status, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->typeahead_status), message != NULL);
}

/* What is typed so far, read: the issue it names selected */
static void
typeahead_changed (BulletinSidebar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->typeahead_entry));
  g_autofree char *value = NULL;
  BulletinIssue *issue = NULL;
  gboolean exact = TRUE;
  guint year = typeahead_year (self);
  guint pos;

  if (self->issues == NULL)
    return;
  switch (bulletin_issue_query_parse (text, year, &value))
    {
    case BULLETIN_ISSUE_QUERY_DATE:
      issue = bulletin_issue_query_find_date (self->issues, value, &exact);
      break;
    case BULLETIN_ISSUE_QUERY_NUMBER:
      issue = bulletin_issue_query_find_number (self->issues, value, year);
      break;
    case BULLETIN_ISSUE_QUERY_NONE:
    default:
      typeahead_say (self, *text != 0 ? _("A date such as 2021-03-05 or 3月5日, or an issue number") : NULL);
      return;
    }
  if (issue == NULL)
    {
      typeahead_say (self, _("No such issue"));
      return;
    }
  if (!exact)
    {
      /* Translators: type-ahead in the list: no issue on the day typed;
       * %s is the date of the nearest one, which is selected */
      g_autofree char *message = g_strdup_printf (_("No issue that day; the nearest is of %s"),
                                                  bulletin_issue_get_date (issue));
      typeahead_say (self, message);
    }
  else
    typeahead_say (self, NULL);
  if (reveal_issue_full (self, issue, FALSE, &pos))
    select_position (self, pos, FALSE);
}

/* Enter: the selected issue opens, the list has the focus again */
static void
typeahead_activated (BulletinSidebar *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  gtk_popover_popdown (self->typeahead);
  if (selected != GTK_INVALID_LIST_POSITION)
    {
      g_autoptr(GtkTreeListRow) row = row_at (self, selected);
      g_autoptr(GObject) item = row_dup_item (row);

      if (BULLETIN_IS_ISSUE (item))
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          ensure_loaded (self, BULLETIN_ISSUE (item));
        }
      select_position (self, selected, TRUE);
    }
}

static void
typeahead_closed (BulletinSidebar *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    select_position (self, selected, TRUE);
}

static void
build_typeahead (BulletinSidebar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->typeahead = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_position (self->typeahead, GTK_POS_BOTTOM);
  gtk_popover_set_has_arrow (self->typeahead, FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->typeahead), GTK_WIDGET (self));

  self->typeahead_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->typeahead_entry, _("2021-03-05 or No. 123"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->typeahead_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Go to a date or an issue number"),
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->typeahead_entry),
                               _("A date (2021-03-05, 2021年3月5日, 3月5日) or an issue number (第123期, 123)"));
  g_signal_connect_swapped (self->typeahead_entry, "changed", G_CALLBACK (typeahead_changed), self);
  g_signal_connect_swapped (self->typeahead_entry, "activate", G_CALLBACK (typeahead_activated), self);

  self->typeahead_status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->typeahead_status, 0);
  gtk_label_set_max_width_chars (self->typeahead_status, 28);
  gtk_label_set_ellipsize (self->typeahead_status, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->typeahead_status), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->typeahead_status), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->typeahead_status), FALSE);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->typeahead_entry));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->typeahead_status));
  gtk_popover_set_child (self->typeahead, box);
  g_signal_connect_swapped (self->typeahead, "closed", G_CALLBACK (typeahead_closed), self);
}

/* Starts the type-ahead with @text (what was typed in the list) */
static void
typeahead_start (BulletinSidebar *self,
                 const char      *text)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  GdkRectangle bottom = { 0, MAX (height - 1, 0), MAX (width, 1), 1 };

  gtk_popover_set_pointing_to (self->typeahead, &bottom);
  gtk_popover_popup (self->typeahead);
  gtk_editable_set_text (GTK_EDITABLE (self->typeahead_entry), text);
  gtk_widget_grab_focus (GTK_WIDGET (self->typeahead_entry));
  gtk_editable_set_position (GTK_EDITABLE (self->typeahead_entry), -1);
}

/* A digit typed in the list starts the type-ahead (Chinese comes through
 * the input method in its entry); letters and keys with Ctrl or Alt keep
 * their meaning */
static gboolean
list_key_pressed (GtkEventControllerKey *controller,
                  guint                  keyval,
                  guint                  keycode,
                  GdkModifierType        state,
                  BulletinSidebar       *self)
{
  gunichar c = gdk_keyval_to_unicode (keyval);
  char buf[8] = { 0, };

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  if (!(g_ascii_isdigit (c) || c == '#' || (c >= 0xFF10 && c <= 0xFF19)))
    return FALSE;
  buf[g_unichar_to_utf8 (c, buf)] = 0;
  typeahead_start (self, buf);
  return TRUE;
}

/* --- the context menu of an issue ------------------------------------------------------ */

static void
show_context_menu (BulletinSidebar *self,
                   double           x,
                   double           y)
{
  GtkWidget *list = GTK_WIDGET (self->list_view);
  GtkWidget *picked = gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT);
  g_autoptr(GObject) item = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) open_folder = NULL;
  BulletinIssue *issue = NULL;
  g_autofree char *uri = NULL;
  graphene_point_t point;

  /* the row under the pointer, selected as a click would */
  for (; picked != NULL && gtk_widget_get_parent (picked) != list; picked = gtk_widget_get_parent (picked))
    ;
  if (picked != NULL && GTK_IS_TREE_EXPANDER (gtk_widget_get_first_child (picked)))
    {
      GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (gtk_widget_get_first_child (picked)));

      if (row != NULL)
        gtk_single_selection_set_selected (self->selection, gtk_tree_list_row_get_position (row));
    }
  issue = bulletin_sidebar_get_selected_issue (self);
  if (issue == NULL)
    return;
  uri = g_file_get_uri (bulletin_issue_get_file (issue));
  open_folder = g_menu_item_new (_("Open Containing _Folder"), NULL);
  g_menu_item_set_action_and_target (open_folder, "win.open-containing-folder", "s", uri);
  g_menu_append_item (menu, open_folder);

  if (self->context_menu == NULL)
    {
      self->context_menu = GTK_POPOVER (gtk_popover_menu_new_from_model (NULL));
      gtk_popover_set_has_arrow (self->context_menu, FALSE);
      gtk_widget_set_halign (GTK_WIDGET (self->context_menu), GTK_ALIGN_START);
      gtk_widget_set_parent (GTK_WIDGET (self->context_menu), GTK_WIDGET (self));
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), G_MENU_MODEL (menu));
  if (!gtk_widget_compute_point (list, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (x, y);
  gtk_popover_set_pointing_to (self->context_menu, &(GdkRectangle) { point.x, point.y, 1, 1 });
  gtk_popover_popup (self->context_menu);
}

static void
list_right_click (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  BulletinSidebar *self)
{
  show_context_menu (self, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
list_long_press (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 BulletinSidebar     *self)
{
  show_context_menu (self, x, y);
}

/* Shift+F10 or the Menu key: the menu of the selected row */
static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BulletinSidebar *self = BULLETIN_SIDEBAR (widget);
  guint selected = gtk_single_selection_get_selected (self->selection);
  GtkWidget *row = selected != GTK_INVALID_LIST_POSITION ? widget_for_position (self, selected) : NULL;
  graphene_point_t point = GRAPHENE_POINT_INIT (12, 12);

  if (row != NULL && !gtk_widget_compute_point (row, GTK_WIDGET (self->list_view),
                                                &GRAPHENE_POINT_INIT (24, gtk_widget_get_height (row) / 2.0),
                                                &point))
    point = GRAPHENE_POINT_INIT (12, 12);
  show_context_menu (self, point.x, point.y);
}

static void
setup_list_extras (BulletinSidebar *self)
{
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *press = gtk_gesture_long_press_new ();

  build_typeahead (self);
  g_signal_connect (key, "key-pressed", G_CALLBACK (list_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), key);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (list_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (list_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (press));
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
  g_clear_pointer ((GtkWidget **)&self->typeahead, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **)&self->context_menu, gtk_widget_unparent);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_SIDEBAR);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->years);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bulletin_sidebar_parent_class)->dispose (object);
}

/* The type-ahead and the context menu are popovers of the sidebar: they
 * are placed as it is */
static void
bulletin_sidebar_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  BulletinSidebar *self = BULLETIN_SIDEBAR (widget);

  GTK_WIDGET_CLASS (bulletin_sidebar_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->typeahead != NULL)
    gtk_popover_present (self->typeahead);
  if (self->context_menu != NULL)
    gtk_popover_present (self->context_menu);
}

static void
bulletin_sidebar_class_init (BulletinSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bulletin_sidebar_dispose;
  widget_class->size_allocate = bulletin_sidebar_size_allocate;

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
  gtk_widget_class_install_action (widget_class, "sidebar.menu", NULL, menu_action);

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

  setup_list_extras (self);

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
  self->expanded_month = 0;
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

/**
 * bulletin_sidebar_start_typeahead:
 * @text: what was typed so far
 *
 * Opens the list's type-ahead (a date or an issue number) with @text, as
 * typing a digit in the list does; the issue it names is selected.
 */
void
bulletin_sidebar_start_typeahead (BulletinSidebar *self,
                                  const char      *text)
{
  g_return_if_fail (BULLETIN_IS_SIDEBAR (self));

  typeahead_start (self, text != NULL ? text : "");
}

/**
 * bulletin_sidebar_get_typeahead_entry:
 *
 * Returns: (transfer none): the type-ahead's entry
 */
GtkWidget *
bulletin_sidebar_get_typeahead_entry (BulletinSidebar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SIDEBAR (self), NULL);

  return GTK_WIDGET (self->typeahead_entry);
}
