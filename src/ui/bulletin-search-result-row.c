/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-display-text.h"
#include "bulletin-search-result-row.h"
#include "bulletin-typography.h"

/*
 * A result of the archive search: the article's headline and its number
 * of hits over the text around the first hit, the hit in bold.  The row
 * keeps where the article is, for the search to open it.
 */

struct _BulletinSearchResultRow
{
  GtkListBoxRow parent_instance;

  char  *issue_path;
  char  *issue_id;
  char  *article_id;
  char  *headline;
  guint  n_hits;
  GtkLabel *snippet;
};

G_DEFINE_FINAL_TYPE (BulletinSearchResultRow, bulletin_search_result_row, GTK_TYPE_LIST_BOX_ROW)

static void
bulletin_search_result_row_finalize (GObject *object)
{
  BulletinSearchResultRow *self = (BulletinSearchResultRow *)object;

  g_free (self->issue_path);
  g_free (self->issue_id);
  g_free (self->article_id);
  g_free (self->headline);

  G_OBJECT_CLASS (bulletin_search_result_row_parent_class)->finalize (object);
}

static void
bulletin_search_result_row_class_init (BulletinSearchResultRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bulletin_search_result_row_finalize;
}

static void
bulletin_search_result_row_init (BulletinSearchResultRow *self)
{
}

/* The snippet with its hit in bold; its punctuation widened as the reader
 * shows it when @widen (the snippet is source text, and the hit's
 * offsets count characters, which widening keeps). */
static char *
snippet_markup (const BulletinSearchResult *r,
                gboolean                    widen)
{
  g_autofree char *widened = widen && r->snippet != NULL ? bulletin_display_widen_text (r->snippet) : NULL;
  const char *s = widened != NULL ? widened : r->snippet != NULL ? r->snippet : "";
  const char *a = g_utf8_offset_to_pointer (s, MIN (r->snippet_hit_start, g_utf8_strlen (s, -1)));
  const char *b = g_utf8_offset_to_pointer (s, MIN (r->snippet_hit_end, g_utf8_strlen (s, -1)));
  g_autofree char *before = g_markup_escape_text (s, a - s);
  g_autofree char *hit = g_markup_escape_text (a, b - a);
  g_autofree char *after = g_markup_escape_text (b, -1);

  return g_strdup_printf ("…%s<b>%s</b>%s…", before, hit, after);
}

/**
 * bulletin_search_result_row_new:
 * @result: the article's hits
 * @widen: widen the snippet's punctuation as the reader does
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
bulletin_search_result_row_new (const BulletinSearchResult *result,
                                gboolean                    widen)
{
  BulletinSearchResultRow *self = g_object_new (BULLETIN_TYPE_SEARCH_RESULT_ROW, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *headline = gtk_label_new (result->headline != NULL ? result->headline : _("Untitled"));
  GtkWidget *count = gtk_label_new (NULL);
  GtkWidget *snippet = gtk_label_new (NULL);
  g_autofree char *n = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hit", "%u hits", result->n_hits),
                                        result->n_hits);
  g_autofree char *markup = snippet_markup (result, widen);

  self->issue_path = g_strdup (result->issue_path);
  self->issue_id = g_strdup (result->issue_id);
  self->article_id = g_strdup (result->article_id);
  self->headline = g_strdup (result->headline);
  self->n_hits = result->n_hits;
  self->snippet = GTK_LABEL (snippet);

  gtk_label_set_xalign (GTK_LABEL (headline), 0);
  gtk_label_set_ellipsize (GTK_LABEL (headline), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (headline, TRUE);
  gtk_label_set_text (GTK_LABEL (count), n);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_label_set_markup (GTK_LABEL (snippet), markup);
  gtk_label_set_xalign (GTK_LABEL (snippet), 0);
  gtk_label_set_wrap (GTK_LABEL (snippet), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (snippet), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (snippet, "dim-label");
  gtk_box_append (GTK_BOX (top), headline);
  gtk_box_append (GTK_BOX (top), count);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), snippet);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);

  /* Chinese text in the UI font: full-width quotation marks (the
   * snippet's attributes go with its markup's bold) */
  {
    g_autoptr(PangoAttrList) headline_attrs =
      bulletin_typography_label_attributes (gtk_label_get_text (GTK_LABEL (headline)), NULL);
    g_autoptr(PangoAttrList) snippet_attrs =
      bulletin_typography_label_attributes (gtk_label_get_text (GTK_LABEL (snippet)), NULL);

    gtk_label_set_attributes (GTK_LABEL (headline), headline_attrs);
    gtk_label_set_attributes (GTK_LABEL (snippet), snippet_attrs);
  }
  return GTK_WIDGET (self);
}

const char *
bulletin_search_result_row_get_issue_path (BulletinSearchResultRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_RESULT_ROW (self), NULL);
  return self->issue_path;
}

const char *
bulletin_search_result_row_get_issue_id (BulletinSearchResultRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_RESULT_ROW (self), NULL);
  return self->issue_id;
}

const char *
bulletin_search_result_row_get_article_id (BulletinSearchResultRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_RESULT_ROW (self), NULL);
  return self->article_id;
}

/**
 * bulletin_search_result_row_get_headline:
 *
 * Returns: (nullable): the article's headline
 */
const char *
bulletin_search_result_row_get_headline (BulletinSearchResultRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_RESULT_ROW (self), NULL);
  return self->headline;
}

guint
bulletin_search_result_row_get_n_hits (BulletinSearchResultRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_RESULT_ROW (self), 0);
  return self->n_hits;
}

/**
 * bulletin_search_result_row_get_snippet:
 *
 * Returns: the text shown around the first hit (empty when the result
 *   came without it)
 */
const char *
bulletin_search_result_row_get_snippet (BulletinSearchResultRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_RESULT_ROW (self), NULL);
  return gtk_label_get_text (self->snippet);
}
