/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-print-preview.h"

struct _BulletinPrintPreview {
  AdwWindow          parent_instance;

  GtkWindow         *print_window;   /* weak: where win.print lives */
  PangoContext      *context;
  BulletinPaginator *paginator;
  double             width, height;
  guint              page;

  GtkWidget         *area;
  GtkWidget         *label;
  GtkWidget         *previous;
  GtkWidget         *next;
};

G_DEFINE_FINAL_TYPE (BulletinPrintPreview, bulletin_print_preview, ADW_TYPE_WINDOW)

static void
update (BulletinPrintPreview *self)
{
  guint n = bulletin_paginator_get_n_pages (self->paginator);
  g_autofree char *text = g_strdup_printf (_("Page %u of %u"), self->page + 1, n);

  gtk_label_set_text (GTK_LABEL (self->label), text);
  gtk_widget_set_sensitive (self->previous, self->page > 0);
  gtk_widget_set_sensitive (self->next, self->page + 1 < n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_queue_draw (self->area);
}

static void
draw_page (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  BulletinPrintPreview *self = user_data;
  double margin = 16;
  double scale = MIN ((width - 2 * margin) / self->width, (height - 2 * margin) / self->height);
  double x, y;

  if (scale <= 0 || self->paginator == NULL)
    return;
  x = (width - self->width * scale) / 2;
  y = (height - self->height * scale) / 2;

  /* the sheet, with a soft edge, on the window's background */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.15);
  cairo_rectangle (cr, x + 2, y + 3, self->width * scale, self->height * scale);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, self->width * scale, self->height * scale);
  cairo_fill (cr);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  bulletin_paginator_draw_page (self->paginator, cr, self->page);
  cairo_restore (cr);
}

void
bulletin_print_preview_set_page (BulletinPrintPreview *self,
                                 guint                 page)
{
  g_return_if_fail (BULLETIN_IS_PRINT_PREVIEW (self));

  self->page = MIN (page, bulletin_paginator_get_n_pages (self->paginator) - 1);
  update (self);
}

guint
bulletin_print_preview_get_page (BulletinPrintPreview *self)
{
  return self->page;
}

guint
bulletin_print_preview_get_n_pages (BulletinPrintPreview *self)
{
  return bulletin_paginator_get_n_pages (self->paginator);
}

const char *
bulletin_print_preview_get_label (BulletinPrintPreview *self)
{
  return gtk_label_get_text (GTK_LABEL (self->label));
}

static void
turn (BulletinPrintPreview *self,
      int                   delta)
{
  int page = (int)self->page + delta;
  int n = bulletin_paginator_get_n_pages (self->paginator);

  bulletin_print_preview_set_page (self, CLAMP (page, 0, n - 1));
}

static void
previous_clicked (BulletinPrintPreview *self)
{
  turn (self, -1);
}

static void
next_clicked (BulletinPrintPreview *self)
{
  turn (self, 1);
}

static void
print_clicked (BulletinPrintPreview *self)
{
  GtkWindow *window = self->print_window;

  gtk_window_close (GTK_WINDOW (self));
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.print", NULL);
}

static gboolean
key_turn (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  BulletinPrintPreview *self = BULLETIN_PRINT_PREVIEW (widget);
  int delta = g_variant_get_int32 (args);

  if (delta == G_MININT32)
    bulletin_print_preview_set_page (self, 0);
  else if (delta == G_MAXINT32)
    bulletin_print_preview_set_page (self, bulletin_paginator_get_n_pages (self->paginator) - 1);
  else
    turn (self, delta);
  return TRUE;
}

static gboolean
key_close (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  gtk_window_close (GTK_WINDOW (widget));
  return TRUE;
}

static void
bulletin_print_preview_dispose (GObject *object)
{
  BulletinPrintPreview *self = BULLETIN_PRINT_PREVIEW (object);

  g_clear_pointer (&self->paginator, bulletin_paginator_free);
  g_clear_object (&self->context);
  g_clear_weak_pointer (&self->print_window);
  G_OBJECT_CLASS (bulletin_print_preview_parent_class)->dispose (object);
}

static void
bulletin_print_preview_class_init (BulletinPrintPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint key; int delta; } keys[] = {
    { GDK_KEY_Page_Down, 1 }, { GDK_KEY_Right, 1 }, { GDK_KEY_space, 1 },
    { GDK_KEY_Page_Up, -1 }, { GDK_KEY_Left, -1 },
    { GDK_KEY_Home, G_MININT32 }, { GDK_KEY_End, G_MAXINT32 },
  };

  object_class->dispose = bulletin_print_preview_dispose;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding (widget_class, keys[i].key, 0, key_turn, "i", keys[i].delta);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, key_close, NULL);
}

static void
bulletin_print_preview_init (BulletinPrintPreview *self)
{
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

BulletinPrintPreview *
bulletin_print_preview_new (GtkWindow                  *parent,
                            BulletinDisplayText        *display,
                            const BulletinPrintOptions *options,
                            double                      width,
                            double                      height)
{
  BulletinPrintPreview *self = g_object_new (BULLETIN_TYPE_PRINT_PREVIEW, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *print = gtk_button_new_with_mnemonic (_("_Print…"));
  GtkWidget *pager = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  g_set_weak_pointer (&self->print_window, parent);
  self->width = width;
  self->height = height;
  self->context = bulletin_paginator_create_context ();
  self->paginator = bulletin_paginator_new (display, options, self->context, width, height, 0, G_MAXUINT);

  gtk_window_set_title (GTK_WINDOW (self), _("Print Preview"));
  gtk_window_set_default_size (GTK_WINDOW (self), 620, 820);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
    }

  self->previous = icon_button ("go-previous-symbolic", _("Previous Page"));
  self->next = icon_button ("go-next-symbolic", _("Next Page"));
  self->label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_box_append (GTK_BOX (pager), self->previous);
  gtk_box_append (GTK_BOX (pager), self->label);
  gtk_box_append (GTK_BOX (pager), self->next);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), pager);
  gtk_widget_add_css_class (print, "suggested-action");
  gtk_widget_set_tooltip_text (print, _("Print the article (Ctrl+P)"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), print);
  g_signal_connect_swapped (self->previous, "clicked", G_CALLBACK (previous_clicked), self);
  g_signal_connect_swapped (self->next, "clicked", G_CALLBACK (next_clicked), self);
  g_signal_connect_swapped (print, "clicked", G_CALLBACK (print_clicked), self);

  self->area = gtk_drawing_area_new ();
  gtk_widget_set_vexpand (self->area, TRUE);
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The printed page"), -1);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_page, self, NULL);

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), self->area);
  adw_window_set_content (ADW_WINDOW (self), box);
  update (self);
  return self;
}
