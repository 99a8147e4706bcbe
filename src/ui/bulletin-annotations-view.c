/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-annotation-row.h"
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

static void
update_placeholder (BulletinAnnotationsView *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
row_remove (BulletinAnnotationRow   *row,
            BulletinAnnotationsView *self)
{
  GObject *item = bulletin_annotation_row_get_item (row);

  if (item != NULL)
    g_signal_emit (self, signals [REMOVE], 0, item);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           BulletinAnnotationsView  *self)
{
  GtkWidget *row = bulletin_annotation_row_new ();

  g_signal_connect_object (row, "remove", G_CALLBACK (row_remove), self, 0);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          BulletinAnnotationsView  *self)
{
  bulletin_annotation_row_bind (BULLETIN_ANNOTATION_ROW (gtk_list_item_get_child (list_item)), self->store,
                                gtk_list_item_get_item (list_item), self->current_archive);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            BulletinAnnotationsView  *self)
{
  bulletin_annotation_row_unbind (BULLETIN_ANNOTATION_ROW (gtk_list_item_get_child (list_item)));
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
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row), self, 0);
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
