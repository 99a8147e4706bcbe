/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-reader-menu.h"

/* The reader's context menu.  GtkTextView's own offers Cut, Paste, Delete,
 * Undo and Redo even when the view is read-only (disabled, but there); the
 * reader's offers what reading can do: Copy, Select All, and the app's own
 * items (the view's extra menu: notes, citation). */

static GMenuModel *
build_menu (GtkTextView *view)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  GMenuModel *extra = gtk_text_view_get_extra_menu (view);

  g_menu_append (edit, _("_Copy"), "clipboard.copy");
  g_menu_append (edit, _("Select _All"), "selection.select-all");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  if (extra != NULL && g_menu_model_get_n_items (extra) > 0)
    g_menu_append_section (menu, NULL, extra);
  return G_MENU_MODEL (menu);
}

/* The view makes its popover menu when it first pops up (and again after
 * its extra menu changes): it takes the reader's model then. */
static void
children_changed (GListModel  *children,
                  guint        position,
                  guint        removed,
                  guint        added,
                  GtkTextView *view)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) child = g_list_model_get_item (children, i);

      if (GTK_IS_POPOVER_MENU (child))
        {
          g_autoptr(GMenuModel) menu = build_menu (view);

          gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (child), menu);
        }
    }
}

/**
 * bulletin_reader_menu_attach:
 *
 * Gives @view the reader's context menu.
 *
 * Returns: (transfer full): what watches @view's children; the caller keeps
 *   it as long as @view has the menu
 */
GListModel *
bulletin_reader_menu_attach (GtkTextView *view)
{
  GListModel *children;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  children = gtk_widget_observe_children (GTK_WIDGET (view));
  g_signal_connect_object (children, "items-changed", G_CALLBACK (children_changed), view, 0);
  return children;
}
