/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-reading-popover.h"

struct _BulletinReadingPopover
{
  GtkPopover          parent_instance;

  GtkToggleButton    *song_button;
  GtkToggleButton    *hei_button;
  GtkDropDown        *family_dropdown;
  GtkButton          *size_button;
  GtkAdjustment      *spacing_adjustment;
  GtkAdjustment      *width_adjustment;

  GSettings          *settings;
  GtkStringList      *families;
  BulletinReaderView *reader;   /* weak */
  GtkWindow          *window;   /* weak */
};

G_DEFINE_FINAL_TYPE (BulletinReadingPopover, bulletin_reading_popover, GTK_TYPE_POPOVER)

/**
 * bulletin_reading_settings_load:
 * @family_out: (out) (transfer full): the family @out points to
 */
void
bulletin_reading_settings_load (BulletinReadingSettings  *out,
                                GSettings                *settings,
                                char                    **family_out)
{
  bulletin_reading_settings_init_default (out);
  *family_out = g_settings_get_string (settings, "reading-family");
  out->family = **family_out ? *family_out : NULL;
  out->sans = g_settings_get_boolean (settings, "reading-sans");
  out->font_size = g_settings_get_double (settings, "reading-font-size");
  out->line_spacing = g_settings_get_double (settings, "reading-line-spacing");
  out->column_width = g_settings_get_uint (settings, "reading-column-width");
  out->widen_punctuation = g_settings_get_boolean (settings, "reading-full-width-punctuation");
}

static void
apply (BulletinReadingPopover *self)
{
  BulletinReadingSettings settings;
  g_autofree char *family = NULL;
  g_autofree char *scheme = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();
  AdwColorScheme color = ADW_COLOR_SCHEME_DEFAULT;

  bulletin_reading_settings_load (&settings, self->settings, &family);

  if (self->reader != NULL)
    {
      bulletin_reader_view_set_display_flags (self->reader,
                                              bulletin_reading_settings_get_display_flags (&settings));
      bulletin_reader_view_set_settings (self->reader, &settings);
    }

  scheme = g_settings_get_string (self->settings, "reading-color-scheme");
  if (g_str_equal (scheme, "light") || g_str_equal (scheme, "sepia"))
    color = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (style, color);
  if (self->window != NULL)
    {
      if (g_str_equal (scheme, "sepia"))
        gtk_widget_add_css_class (GTK_WIDGET (self->window), "sepia");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->window), "sepia");
    }
}

static void
update_size_label (BulletinReadingPopover *self)
{
  double size = g_settings_get_double (self->settings, "reading-font-size");
  GVariant *dflt = g_settings_get_default_value (self->settings, "reading-font-size");
  /* Translators: the text size as a share of the default, e.g. “120%” */
  g_autofree char *label = g_strdup_printf (_("%.0f%%"), 100.0 * size / g_variant_get_double (dflt));

  gtk_button_set_label (self->size_button, label);
  g_variant_unref (dflt);
}

static void
settings_changed (BulletinReadingPopover *self,
                  const char             *key,
                  GSettings              *settings)
{
  if (!g_str_has_prefix (key, "reading-"))
    return;
  if (g_str_equal (key, "reading-font-size"))
    update_size_label (self);
  apply (self);
}

/**
 * bulletin_reading_settings_step_size:
 * @step: points to add (Ctrl+plus 1, Ctrl+minus -1), 0 for the default
 *
 * Changes the reading text size in @settings, within its limits.
 */
void
bulletin_reading_settings_step_size (GSettings *settings,
                                     double     step)
{
  double size;

  g_return_if_fail (G_IS_SETTINGS (settings));

  if (step == 0)
    {
      g_settings_reset (settings, "reading-font-size");
      return;
    }
  size = g_settings_get_double (settings, "reading-font-size");
  size = CLAMP (size + step, BULLETIN_READING_MIN_FONT_SIZE, BULLETIN_READING_MAX_FONT_SIZE);
  g_settings_set_double (settings, "reading-font-size", size);
}

/* The family list: "Default" (the CJK fallbacks alone), then every
 * installed family. */
static int
compare_families (gconstpointer a,
                  gconstpointer b)
{
  return g_utf8_collate (pango_font_family_get_name (*(PangoFontFamily **)a),
                         pango_font_family_get_name (*(PangoFontFamily **)b));
}

static void
fill_families (BulletinReadingPopover *self)
{
  PangoFontFamily **families = NULL;
  int n_families = 0;
  g_autofree char *current = g_settings_get_string (self->settings, "reading-family");
  g_autoptr(GtkExpression) expression = NULL;
  guint selected = 0;

  self->families = gtk_string_list_new (NULL);
  /* Translators: the font family: no particular one, the Chinese defaults */
  gtk_string_list_append (self->families, _("Default Family"));
  pango_font_map_list_families (pango_cairo_font_map_get_default (), &families, &n_families);
  qsort (families, n_families, sizeof (PangoFontFamily *), compare_families);
  for (int i = 0; i < n_families; i++)
    {
      const char *name = pango_font_family_get_name (families[i]);

      if (g_str_equal (name, current))
        selected = g_list_model_get_n_items (G_LIST_MODEL (self->families));
      gtk_string_list_append (self->families, name);
    }
  g_free (families);

  gtk_drop_down_set_model (self->family_dropdown, G_LIST_MODEL (self->families));
  /* (the drop-down takes a reference of its own) */
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->family_dropdown, expression);
  gtk_drop_down_set_selected (self->family_dropdown, selected);
}

static void
family_selected (BulletinReadingPopover *self)
{
  guint selected = gtk_drop_down_get_selected (self->family_dropdown);
  const char *name = selected == 0 || selected == GTK_INVALID_LIST_POSITION
                       ? "" : gtk_string_list_get_string (self->families, selected);

  g_settings_set_string (self->settings, "reading-family", name);
}

static gboolean
uint_to_double (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
double_to_uint (const GValue       *value,
                const GVariantType *type,
                gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32)(g_value_get_double (value) + 0.5));
}

/* The popover's own buttons; the window's win.text-larger ... are the
 * same for the keyboard. */
static void
text_size_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  BulletinReadingPopover *self = BULLETIN_READING_POPOVER (widget);

  bulletin_reading_settings_step_size (self->settings,
                                       g_str_equal (action_name, "reading.text-larger") ? 1
                                       : g_str_equal (action_name, "reading.text-smaller") ? -1 : 0);
}

static void
bulletin_reading_popover_dispose (GObject *object)
{
  BulletinReadingPopover *self = (BulletinReadingPopover *)object;

  g_clear_weak_pointer (&self->reader);
  g_clear_weak_pointer (&self->window);
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_READING_POPOVER);
  g_clear_object (&self->families);

  G_OBJECT_CLASS (bulletin_reading_popover_parent_class)->dispose (object);
}

static void
bulletin_reading_popover_finalize (GObject *object)
{
  BulletinReadingPopover *self = (BulletinReadingPopover *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bulletin_reading_popover_parent_class)->finalize (object);
}

static void
bulletin_reading_popover_class_init (BulletinReadingPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bulletin_reading_popover_dispose;
  object_class->finalize = bulletin_reading_popover_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-reading-popover.ui");
  gtk_widget_class_install_action (widget_class, "reading.text-larger", NULL, text_size_action);
  gtk_widget_class_install_action (widget_class, "reading.text-smaller", NULL, text_size_action);
  gtk_widget_class_install_action (widget_class, "reading.text-reset", NULL, text_size_action);
  gtk_widget_class_bind_template_child (widget_class, BulletinReadingPopover, song_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinReadingPopover, hei_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinReadingPopover, family_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BulletinReadingPopover, size_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinReadingPopover, spacing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, BulletinReadingPopover, width_adjustment);
}

static void
bulletin_reading_popover_init (BulletinReadingPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * bulletin_reading_popover_new:
 *
 * Returns: (transfer full): a new popover
 */
GtkWidget *
bulletin_reading_popover_new (GSettings *settings)
{
  BulletinReadingPopover *self;
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  static const char *const stateful_keys[] = {
    "reading-color-scheme", "reading-full-width-punctuation",
  };

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (BULLETIN_TYPE_READING_POPOVER, NULL);
  self->settings = g_object_ref (settings);

  /* settings.reading-* in the .ui: stateful actions that are the keys */
  for (guint i = 0; i < G_N_ELEMENTS (stateful_keys); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (settings, stateful_keys[i]);

      g_action_map_add_action (G_ACTION_MAP (group), action);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));

  g_settings_bind (settings, "reading-sans", self->hei_button, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reading-sans", self->song_button, "active",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_INVERT_BOOLEAN);
  g_settings_bind (settings, "reading-line-spacing", self->spacing_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "reading-column-width", self->width_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, uint_to_double, double_to_uint, NULL, NULL);

  fill_families (self);
  g_signal_connect_object (self->family_dropdown, "notify::selected",
                           G_CALLBACK (family_selected), self, G_CONNECT_SWAPPED);
  update_size_label (self);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

void
bulletin_reading_popover_attach (BulletinReadingPopover *self,
                                 BulletinReaderView     *reader,
                                 GtkWindow              *window)
{
  g_return_if_fail (BULLETIN_IS_READING_POPOVER (self));
  g_return_if_fail (BULLETIN_IS_READER_VIEW (reader));
  g_return_if_fail (GTK_IS_WINDOW (window));

  g_set_weak_pointer (&self->reader, reader);
  g_set_weak_pointer (&self->window, window);
  apply (self);
}
