/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-annotation-row.h"

struct _BulletinAnnotationRow
{
  GtkWidget            parent_instance;

  GtkLabel            *title_label;
  GtkLabel            *text_label;
  GtkLabel            *detail_label;
  GtkWidget           *unsaved_box;
  GtkWidget           *remove_button;

  BulletinAnnotations *store;   /* the page's */
  GObject             *item;    /* a BulletinBookmark or a BulletinNote */
};

G_DEFINE_FINAL_TYPE (BulletinAnnotationRow, bulletin_annotation_row, GTK_TYPE_WIDGET)

enum {
  REMOVE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static char *
format_day (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static char *
issue_line (const char *title,
            const char *date)
{
  if (title != NULL && date != NULL)
    /* Translators: issue title, then its date */
    return g_strdup_printf (_("%s · %s"), title, date);
  return g_strdup (title != NULL ? title : date != NULL ? date : "");
}

/* "\nIn “archive”" for a record made in another archive than the one
 * open (@current), else "" */
static char *
archive_line (const char *current,
              const char *uri,
              const char *name)
{
  g_autofree char *parse_name = NULL;

  if (uri == NULL || g_strcmp0 (uri, current) == 0)
    return g_strdup ("");
  if (name == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uri);

      name = parse_name = g_file_get_parse_name (file);
    }
  /* Translators: a new line, then the archive a bookmark or note was made in */
  return g_strdup_printf (_("\nIn “%s”"), name);
}

/* At most @max characters of @text, "…" marking a cut. */
static char *
shorten (const char *text,
         guint       max)
{
  g_autofree char *head = NULL;

  if (text == NULL)
    return NULL;
  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, max);
  return g_strconcat (head, "…", NULL);
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  g_autofree char *shown = shorten (text, 120);

  gtk_label_set_text (label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (label), shown != NULL && *shown);
}

/* "Not saved" while the record is not in the file. */
static void
update_unsaved (BulletinAnnotationRow *self)
{
  gboolean saved = TRUE;

  if (self->item == NULL || self->store == NULL)
    ;
  else if (BULLETIN_IS_BOOKMARK (self->item))
    saved = bulletin_annotations_is_bookmark_saved (self->store,
                                                    bulletin_bookmark_get_article_id (BULLETIN_BOOKMARK (self->item)));
  else if (BULLETIN_IS_NOTE (self->item))
    saved = bulletin_annotations_is_note_saved (self->store, bulletin_note_get_uuid (BULLETIN_NOTE (self->item)));
  gtk_widget_set_visible (self->unsaved_box, !saved);
}

static void
remove_clicked (BulletinAnnotationRow *self)
{
  if (self->item != NULL)
    g_signal_emit (self, signals [REMOVE], 0);
}

static void
set_store (BulletinAnnotationRow *self,
           BulletinAnnotations   *store)
{
  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, update_unsaved, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "save-state-changed", G_CALLBACK (update_unsaved), self,
                             G_CONNECT_SWAPPED);
}

static void
bulletin_annotation_row_dispose (GObject *object)
{
  BulletinAnnotationRow *self = BULLETIN_ANNOTATION_ROW (object);
  GtkWidget *child;

  set_store (self, NULL);
  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_ANNOTATION_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (bulletin_annotation_row_parent_class)->dispose (object);
}

static void
bulletin_annotation_row_class_init (BulletinAnnotationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bulletin_annotation_row_dispose;

  /**
   * BulletinAnnotationRow::remove:
   *
   * The row's remove button was clicked.
   */
  signals [REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-annotation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BulletinAnnotationRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, BulletinAnnotationRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, BulletinAnnotationRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, BulletinAnnotationRow, unsaved_box);
  gtk_widget_class_bind_template_child (widget_class, BulletinAnnotationRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked);
}

static void
bulletin_annotation_row_init (BulletinAnnotationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * bulletin_annotation_row_new:
 *
 * Returns: (transfer full): a new row, showing nothing yet
 */
GtkWidget *
bulletin_annotation_row_new (void)
{
  return g_object_new (BULLETIN_TYPE_ANNOTATION_ROW, NULL);
}

/**
 * bulletin_annotation_row_bind:
 * @store: the store @item is in
 * @item: a #BulletinBookmark or a #BulletinNote
 * @current_archive: (nullable): the URI of the archive open: a record
 *   made in another one names it
 *
 * Shows @item.
 */
void
bulletin_annotation_row_bind (BulletinAnnotationRow *self,
                              BulletinAnnotations   *store,
                              GObject               *item,
                              const char            *current_archive)
{
  gboolean bookmark;

  g_return_if_fail (BULLETIN_IS_ANNOTATION_ROW (self));
  g_return_if_fail (BULLETIN_IS_BOOKMARK (item) || BULLETIN_IS_NOTE (item));

  set_store (self, store);
  g_set_object (&self->item, item);
  update_unsaved (self);

  bookmark = BULLETIN_IS_BOOKMARK (item);
  gtk_widget_set_tooltip_text (self->remove_button, bookmark ? _("Remove Bookmark") : _("Delete Note"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  bookmark ? _("Remove bookmark") : _("Delete note"), -1);

  if (bookmark)
    {
      BulletinBookmark *b = BULLETIN_BOOKMARK (item);
      g_autofree char *issue = issue_line (bulletin_bookmark_get_issue_title (b),
                                           bulletin_bookmark_get_issue_date (b));
      g_autofree char *when = format_day (bulletin_bookmark_get_added (b));
      g_autofree char *archive = archive_line (current_archive, bulletin_bookmark_get_archive_uri (b),
                                               bulletin_bookmark_get_archive_name (b));
      /* Translators: where the article is, then when it was bookmarked */
      g_autofree char *added = g_strdup_printf (_("%s\nAdded %s"), issue, when);
      g_autofree char *line = g_strconcat (added, archive, NULL);

      set_label (self->title_label, bulletin_bookmark_get_headline (b) ? bulletin_bookmark_get_headline (b)
                                                                      : _("Untitled article"));
      set_label (self->text_label, NULL);
      set_label (self->detail_label, line);
    }
  else
    {
      BulletinNote *n = BULLETIN_NOTE (item);
      g_autofree char *issue = issue_line (bulletin_note_get_issue_title (n),
                                           bulletin_note_get_issue_date (n));
      g_autofree char *shortened = shorten (bulletin_note_get_quote (n), 60);
      g_autofree char *quoted = bulletin_note_has_range (n)
                                ? g_strdup_printf (_("“%s”"), shortened)
                                : g_strdup (_("Note on the article"));
      g_autofree char *archive = archive_line (current_archive, bulletin_note_get_archive_uri (n),
                                               bulletin_note_get_archive_name (n));
      g_autofree char *line = g_strdup_printf ("%s\n%s%s%s",
                                               bulletin_note_get_headline (n) ? bulletin_note_get_headline (n) : "",
                                               issue,
                                               archive,
                                               bulletin_note_get_anchor_state (n) == BULLETIN_ANCHOR_DETACHED
                                                 ? _("\nThe passage is no longer in the article") : "");

      set_label (self->title_label, quoted);
      set_label (self->text_label, bulletin_note_get_text (n));
      set_label (self->detail_label, line);
    }
}

/* Forgets the row's record (a list item given back to the factory). */
void
bulletin_annotation_row_unbind (BulletinAnnotationRow *self)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATION_ROW (self));

  g_clear_object (&self->item);
  update_unsaved (self);
}

/**
 * bulletin_annotation_row_get_item:
 *
 * Returns: (transfer none) (nullable): the bookmark or note shown
 */
GObject *
bulletin_annotation_row_get_item (BulletinAnnotationRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATION_ROW (self), NULL);
  return self->item;
}

/* The text the row shows under its title: a note's text ("" for a
 * bookmark), shortened to 120 characters. */
const char *
bulletin_annotation_row_get_text (BulletinAnnotationRow *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATION_ROW (self), NULL);
  return gtk_label_get_text (self->text_label);
}
