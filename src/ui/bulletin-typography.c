/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-typography.h"

/* First version: roles only.  The full CJK recipe (TYPOGRAPHY.md) builds
 * on this. */

void
bulletin_reading_settings_init_default (BulletinReadingSettings *settings)
{
  settings->family = NULL;
  settings->sans = FALSE;
  settings->font_size = 13.0;
  settings->line_spacing = 1.75;
  settings->column_width = 38;
}

void
bulletin_typography_configure_view (GtkTextView                   *view,
                                    const BulletinReadingSettings *settings)
{
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, FALSE);
  gtk_text_view_set_left_margin (view, 24);
  gtk_text_view_set_right_margin (view, 24);
  gtk_text_view_set_top_margin (view, 24);
  gtk_text_view_set_bottom_margin (view, 48);
}

static GtkTextTag *
ensure_tag (GtkTextBuffer *buffer,
            const char    *name,
            const char    *first_property,
            ...)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);
  va_list args;

  if (tag != NULL)
    return tag;

  tag = gtk_text_buffer_create_tag (buffer, name, NULL);
  va_start (args, first_property);
  g_object_set_valist (G_OBJECT (tag), first_property, args);
  va_end (args);
  return tag;
}

void
bulletin_typography_fill_buffer (GtkTextBuffer                 *buffer,
                                 BulletinDisplayText           *display,
                                 const BulletinReadingSettings *settings)
{
  const BulletinSpan *spans;
  guint n_spans;
  gsize len;
  const char *text = bulletin_display_text_get_text (display, &len);

  gtk_text_buffer_set_text (buffer, text, len);
  spans = bulletin_display_text_get_spans (display, &n_spans);

  for (guint i = 0; i < n_spans; i++)
    {
      GtkTextIter start, end;
      GtkTextTag *tag = NULL;

      switch (spans[i].kind)
        {
        case BULLETIN_BLOCK_HEADLINE:
        case BULLETIN_BLOCK_SECTION_LABEL:
          tag = ensure_tag (buffer, "headline", "weight", PANGO_WEIGHT_BOLD, "scale", 1.6, NULL);
          break;
        case BULLETIN_BLOCK_HEADING:
          tag = ensure_tag (buffer, "heading", "weight", PANGO_WEIGHT_BOLD, "scale", 1.15, NULL);
          break;
        default:
          break;
        }
      if (tag == NULL)
        continue;
      gtk_text_buffer_get_iter_at_offset (buffer, &start, spans[i].start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, spans[i].end);
      gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
    }
}
