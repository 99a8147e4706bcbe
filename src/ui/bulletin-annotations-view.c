/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-annotations-view.h"

struct _BulletinAnnotationsView
{
  GtkBox                       parent_instance;

  BulletinAnnotations         *store;
  BulletinAnnotationsViewKind  kind;
  GtkListView                 *list;
  GtkStack                    *stack;
  GtkNoSelection              *selection;
  GtkListItemFactory          *factory;
  char                        *current_archive;
};

G_DEFINE_FINAL_TYPE (BulletinAnnotationsView, bulletin_annotations_view, GTK_TYPE_BOX)

enum {
  OPEN,
  REMOVE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

GType
bulletin_annotations_view_kind_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS, "BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS", "bookmarks" },
        { BULLETIN_ANNOTATIONS_VIEW_NOTES, "BULLETIN_ANNOTATIONS_VIEW_NOTES", "notes" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("BulletinAnnotationsViewKind"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

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
 * open, else "" */
static char *
archive_line (BulletinAnnotationsView *self,
              const char              *uri,
              const char              *name)
{
  g_autofree char *parse_name = NULL;

  if (uri == NULL || g_strcmp0 (uri, self->current_archive) == 0)
    return g_strdup ("");
  if (name == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uri);

      name = parse_name = g_file_get_parse_name (file);
    }
  /* Translators: a new line, then the archive a bookmark or note was made in */
  return g_strdup_printf (_("\nIn “%s”"), name);
}

static void
update_placeholder (BulletinAnnotationsView *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
remove_clicked (GtkButton               *button,
                BulletinAnnotationsView *self)
{
  GObject *item = g_object_get_data (G_OBJECT (button), "bulletin-item");

  if (item != NULL)
    g_signal_emit (self, signals [REMOVE], 0, item);
}

/* Marks the row "Not saved" while its record is not in the file. */
static void
update_unsaved (GtkWidget *box)
{
  GObject *item = g_object_get_data (G_OBJECT (box), "bulletin-item");
  BulletinAnnotationsView *self = g_object_get_data (G_OBJECT (box), "bulletin-view");
  gboolean saved = TRUE;

  if (item == NULL || self == NULL)
    ;
  else if (BULLETIN_IS_BOOKMARK (item))
    saved = bulletin_annotations_is_bookmark_saved (self->store,
                                                    bulletin_bookmark_get_article_id (BULLETIN_BOOKMARK (item)));
  else if (BULLETIN_IS_NOTE (item))
    saved = bulletin_annotations_is_note_saved (self->store, bulletin_note_get_uuid (BULLETIN_NOTE (item)));
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (box), "unsaved"), !saved);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           BulletinAnnotationsView  *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *quote = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *unsaved;

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_hexpand (labels, TRUE);
  GtkWidget *labels_in_order[] = { title, quote, detail };

  /* wrapped, the texts shortened beforehand; the headline ellipsised */
  for (guint i = 0; i < G_N_ELEMENTS (labels_in_order); i++)
    {
      GtkWidget *l = labels_in_order[i];

      gtk_label_set_xalign (GTK_LABEL (l), 0.0);
      gtk_label_set_wrap (GTK_LABEL (l), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (l), PANGO_WRAP_WORD_CHAR);
      gtk_box_append (GTK_BOX (labels), l);
    }
  /* a long headline: two lines at most, ending with "…" */
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_lines (GTK_LABEL (title), 2);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (quote, "bulletin-note-quote");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, self->kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS
                                         ? _("Remove Bookmark") : _("Delete Note"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS
                                    ? _("Remove bookmark") : _("Delete note"), -1);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_clicked), self, 0);

  /* shown while the record (or its change) is not in the file */
  unsaved = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (unsaved), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  gtk_box_append (GTK_BOX (unsaved), gtk_label_new (_("Not saved")));
  gtk_widget_add_css_class (unsaved, "error");
  gtk_widget_add_css_class (unsaved, "caption");
  gtk_widget_set_visible (unsaved, FALSE);
  gtk_widget_set_tooltip_text (unsaved, _("Could not be saved yet; saving is tried again"));
  gtk_box_append (GTK_BOX (labels), unsaved);
  g_object_set_data (G_OBJECT (box), "unsaved", unsaved);
  g_signal_connect_object (self->store, "save-state-changed", G_CALLBACK (update_unsaved), box,
                           G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), button);
  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "quote", quote);
  g_object_set_data (G_OBJECT (box), "detail", detail);
  g_object_set_data (G_OBJECT (box), "button", button);
  gtk_list_item_set_child (list_item, box);
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
set_label (GtkWidget  *label,
           const char *text)
{
  g_autofree char *shown = shorten (text, 120);

  gtk_label_set_text (GTK_LABEL (label), shown != NULL ? shown : "");
  gtk_widget_set_visible (label, shown != NULL && *shown);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          BulletinAnnotationsView  *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GObject *item = gtk_list_item_get_item (list_item);
  GtkWidget *title = g_object_get_data (G_OBJECT (box), "title");
  GtkWidget *quote = g_object_get_data (G_OBJECT (box), "quote");
  GtkWidget *detail = g_object_get_data (G_OBJECT (box), "detail");
  GtkWidget *button = g_object_get_data (G_OBJECT (box), "button");

  g_object_set_data (G_OBJECT (button), "bulletin-item", item);
  g_object_set_data (G_OBJECT (box), "bulletin-item", item);
  g_object_set_data (G_OBJECT (box), "bulletin-view", self);
  update_unsaved (box);

  if (BULLETIN_IS_BOOKMARK (item))
    {
      BulletinBookmark *b = BULLETIN_BOOKMARK (item);
      g_autofree char *issue = issue_line (bulletin_bookmark_get_issue_title (b),
                                           bulletin_bookmark_get_issue_date (b));
      g_autofree char *when = format_day (bulletin_bookmark_get_added (b));
      g_autofree char *archive = archive_line (self, bulletin_bookmark_get_archive_uri (b),
                                               bulletin_bookmark_get_archive_name (b));
      /* Translators: where the article is, then when it was bookmarked */
      g_autofree char *added = g_strdup_printf (_("%s\nAdded %s"), issue, when);
      g_autofree char *line = g_strconcat (added, archive, NULL);

      set_label (title, bulletin_bookmark_get_headline (b) ? bulletin_bookmark_get_headline (b)
                                                           : _("Untitled article"));
      set_label (quote, NULL);
      set_label (detail, line);
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
      g_autofree char *archive = archive_line (self, bulletin_note_get_archive_uri (n),
                                               bulletin_note_get_archive_name (n));
      g_autofree char *line = g_strdup_printf ("%s\n%s%s%s",
                                               bulletin_note_get_headline (n) ? bulletin_note_get_headline (n) : "",
                                               issue,
                                               archive,
                                               bulletin_note_get_anchor_state (n) == BULLETIN_ANCHOR_DETACHED
                                                 ? _("\nThe passage is no longer in the article") : "");

      set_label (title, quoted);
      set_label (quote, bulletin_note_get_text (n));
      set_label (detail, line);
    }
}

static void
activated (GtkListView             *list,
           guint                    position,
           BulletinAnnotationsView *self)
{
  bulletin_annotations_view_activate (self, position);
}

static void
bulletin_annotations_view_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  BulletinAnnotationsView *self = BULLETIN_ANNOTATIONS_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_annotations_view_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  BulletinAnnotationsView *self = BULLETIN_ANNOTATIONS_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void bulletin_annotations_view_constructed (GObject *object);

static void
bulletin_annotations_view_dispose (GObject *object)
{
  BulletinAnnotationsView *self = BULLETIN_ANNOTATIONS_VIEW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->selection);
  g_clear_object (&self->factory);
  g_clear_pointer (&self->current_archive, g_free);

  G_OBJECT_CLASS (bulletin_annotations_view_parent_class)->dispose (object);
}

static void
bulletin_annotations_view_class_init (BulletinAnnotationsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bulletin_annotations_view_dispose;
  object_class->constructed = bulletin_annotations_view_constructed;
  object_class->get_property = bulletin_annotations_view_get_property;
  object_class->set_property = bulletin_annotations_view_set_property;

  /* bookmarks or notes: what the page lists, chosen once */
  properties [PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       BULLETIN_TYPE_ANNOTATIONS_VIEW_KIND, BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BulletinAnnotationsView::open:
   * @item: the #BulletinBookmark or #BulletinNote
   */
  signals [OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  /**
   * BulletinAnnotationsView::remove:
   * @item: the #BulletinBookmark or #BulletinNote
   */
  signals [REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
}

static void
bulletin_annotations_view_init (BulletinAnnotationsView *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
}

/**
 * bulletin_annotations_view_new:
 *
 * Returns: (transfer full): the view
 */
GtkWidget *
bulletin_annotations_view_new (BulletinAnnotations         *store,
                               BulletinAnnotationsViewKind  kind)
{
  GtkWidget *self = g_object_new (BULLETIN_TYPE_ANNOTATIONS_VIEW, "kind", kind, NULL);

  bulletin_annotations_view_set_store (BULLETIN_ANNOTATIONS_VIEW (self), store);
  return self;
}

/**
 * bulletin_annotations_view_set_store:
 *
 * Lists the bookmarks or notes of @store (the window's, set once).
 */
void
bulletin_annotations_view_set_store (BulletinAnnotationsView *self,
                                     BulletinAnnotations     *store)
{
  GListModel *model;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_VIEW (self));
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS (store));

  if (!g_set_object (&self->store, store))
    return;
  model = self->kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS ? bulletin_annotations_get_bookmarks (store)
                                                            : bulletin_annotations_get_notes (store);
  gtk_no_selection_set_model (self->selection, model);
}

static void
bulletin_annotations_view_constructed (GObject *object)
{
  BulletinAnnotationsView *self = BULLETIN_ANNOTATIONS_VIEW (object);
  BulletinAnnotationsViewKind kind = self->kind;
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scrolled, *empty;

  G_OBJECT_CLASS (bulletin_annotations_view_parent_class)->constructed (object);

  self->selection = gtk_no_selection_new (NULL);

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row), self, 0);
  self->factory = g_object_ref (factory);
  self->list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)),
                                                 factory));
  gtk_list_view_set_single_click_activate (self->list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS ? _("Bookmarks") : _("Notes"),
                                  -1);
  g_signal_connect_object (self->list, "activate", G_CALLBACK (activated), self, 0);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_accessible_update_property (GTK_ACCESSIBLE (scrolled), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS ? _("Bookmarks") : _("Notes"),
                                  -1);

  empty = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (empty, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (empty, 18);
  gtk_widget_set_margin_end (empty, 18);
  {
    GtkWidget *icon = gtk_image_new_from_icon_name (kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS
                                                      ? "user-bookmarks-symbolic" : "document-edit-symbolic");
    GtkWidget *title = gtk_label_new (kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS ? _("No Bookmarks")
                                                                                : _("No Notes"));
    GtkWidget *hint = gtk_label_new (kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS
                                       ? _("Press Ctrl+D to bookmark the article you are reading.")
                                       : _("Select a passage and press Ctrl+M, or choose Add Note from its menu."));

    gtk_image_set_pixel_size (GTK_IMAGE (icon), 48);
    gtk_widget_add_css_class (icon, "dim-label");
    gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    kind == BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS ? _("Bookmarks") : _("Notes"),
                                    -1);
    gtk_widget_add_css_class (title, "title-4");
    gtk_label_set_wrap (GTK_LABEL (title), TRUE);
    gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
    gtk_label_set_wrap_mode (GTK_LABEL (hint), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_justify (GTK_LABEL (hint), GTK_JUSTIFY_CENTER);
    gtk_widget_add_css_class (hint, "dim-label");
    gtk_box_append (GTK_BOX (empty), icon);
    gtk_box_append (GTK_BOX (empty), title);
    gtk_box_append (GTK_BOX (empty), hint);
  }

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  if (kind == BULLETIN_ANNOTATIONS_VIEW_NOTES)
    {
      GtkWidget *bar = gtk_action_bar_new ();
      GtkWidget *export = gtk_button_new_with_mnemonic (_("_Export…"));
      GtkWidget *backup = gtk_button_new_with_mnemonic (_("_Back Up…"));
      GtkWidget *import = gtk_button_new_with_mnemonic (_("_Import…"));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (export), "win.export-notes");
      gtk_widget_set_tooltip_text (export, _("Save bookmarks and notes as Markdown"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (backup), "win.backup-notes");
      gtk_widget_set_tooltip_text (backup, _("Save all bookmarks, notes and corrections in one file"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (import), "win.import-notes");
      gtk_widget_set_tooltip_text (import, _("Add the bookmarks, notes and corrections of a backup"));
      gtk_action_bar_pack_start (GTK_ACTION_BAR (bar), backup);
      gtk_action_bar_pack_start (GTK_ACTION_BAR (bar), import);
      gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), export);
      gtk_box_append (GTK_BOX (self), bar);
    }

  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (update_placeholder),
                           self, G_CONNECT_SWAPPED);
  update_placeholder (self);
}

/**
 * bulletin_annotations_view_get_list:
 *
 * Returns: (transfer none): the list view
 */
GtkListView *
bulletin_annotations_view_get_list (BulletinAnnotationsView *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_VIEW (self), NULL);
  return self->list;
}

/**
 * bulletin_annotations_view_get_model:
 *
 * Returns: (transfer none): what the list shows
 */
GListModel *
bulletin_annotations_view_get_model (BulletinAnnotationsView *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_VIEW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/* What activating the row at @position does: emits "open". */
void
bulletin_annotations_view_activate (BulletinAnnotationsView *self,
                                    guint                    position)
{
  g_autoptr(GObject) item = NULL;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_VIEW (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item != NULL)
    g_signal_emit (self, signals [OPEN], 0, item);
}

/**
 * bulletin_annotations_view_set_current_archive:
 * @uri: (nullable): the URI of the archive open
 *
 * Rows of bookmarks and notes made in another archive name it.
 */
void
bulletin_annotations_view_set_current_archive (BulletinAnnotationsView *self,
                                               const char              *uri)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_VIEW (self));

  if (g_strcmp0 (uri, self->current_archive) == 0)
    return;
  g_free (self->current_archive);
  self->current_archive = g_strdup (uri);
  /* binds every row again */
  gtk_list_view_set_factory (self->list, NULL);
  gtk_list_view_set_factory (self->list, self->factory);
}
