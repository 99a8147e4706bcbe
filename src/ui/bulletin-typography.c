/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#ifdef HAVE_PANGOFT2
#include <pango/pangofc-fontmap.h>
#endif

#include "bulletin-typography.h"
#include "bulletin-typesetter.h"
#include "bulletin-unicode.h"

/* How the reader sets an article: ../shared/TYPOGRAPHY.md is the spec and
 * explains each choice below.  In short, for Chinese:
 *   - the language tag the font stack honours (zh-cn, zh-tw, zh-hk) on
 *     every character, and an explicit CJK family list, so that glyphs take
 *     their Chinese forms and punctuation is full-width;
 *   - WORD_CHAR wrapping, with allow-breaks = FALSE where Pango's UAX #14
 *     would break against Chinese rules (before ·, inside —— and ……);
 *   - font-features "halt 1" on the first of two adjacent marks;
 *   - a quarter-em gap at each Han<->Latin/digit boundary: a gap
 *     character of its own in the buffer (see "Gap characters" below);
 *   - a 2 em first-line indent, full justification, and an even line pitch
 *     from pixels-inside-wrap + pixels-below-lines in whole pixels. */

#define SCRIPT_KEY "bulletin-typography-script"
#define FILL_KEY   "bulletin-typography-fill"
#define GAPS_KEY   "bulletin-typography-gaps"

/* The rules and the role styles are the typesetter's, which printing and
 * export use too (bulletin-typesetter.c): one source for screen and paper. */
static inline const BulletinRoleStyle *
role_style (BulletinBlockKind kind)
{
  return bulletin_typesetter_get_role_style (kind);
}

void
bulletin_reading_settings_init_default (BulletinReadingSettings *settings)
{
  settings->family = NULL;
  settings->sans = FALSE;
  settings->font_size = 13.0;
  settings->line_spacing = 1.75;
  settings->column_width = 38;
  settings->widen_punctuation = TRUE;
}

BulletinDisplayFlags
bulletin_reading_settings_get_display_flags (const BulletinReadingSettings *settings)
{
  return settings->widen_punctuation ? BULLETIN_DISPLAY_WIDEN_PUNCTUATION : BULLETIN_DISPLAY_NONE;
}

/* Screen resolution as GTK gives it to Pango, in dots per inch. */
static double
get_dpi (void)
{
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  int xft_dpi = -1;

  if (gtk_settings != NULL)
    g_object_get (gtk_settings, "gtk-xft-dpi", &xft_dpi, NULL);
  return xft_dpi > 0 ? xft_dpi / 1024.0 : 96.0;
}

static double
em_pixels (const BulletinReadingSettings *settings)
{
  return settings->font_size * get_dpi () / 72.0;
}

/**
 * bulletin_typography_dup_family_list:
 *
 * Returns: (transfer full): the family list
 */
char *
bulletin_typography_dup_family_list (const BulletinReadingSettings *settings,
                                     BulletinScript                 script)
{
  return bulletin_typesetter_dup_family_list (settings->family, settings->sans, script);
}

gboolean
bulletin_typography_have_cjk_font (void)
{
  static int have = -1;

  if (have < 0)
    {
      PangoFontMap *map = pango_cairo_font_map_get_default ();
      PangoContext *context = pango_font_map_create_context (map);
      g_autoptr(PangoFontDescription) desc = pango_font_description_from_string ("serif 12");
      PangoLanguage *language = pango_language_from_string ("zh-cn");
      PangoFontset *fontset;
      g_autoptr(PangoFont) font = NULL;

      pango_context_set_language (context, language);
      fontset = pango_font_map_load_fontset (map, context, desc, language);
      font = fontset != NULL ? pango_fontset_get_font (fontset, 0x56FD /* 国 */) : NULL;
      have = font != NULL && pango_font_has_char (font, 0x56FD) && pango_font_has_char (font, 0x9AA8);
      g_clear_object (&fontset);
      g_object_unref (context);
    }
  return have;
}

/* The logical height of one line of @family at @size_px, as Pango lays it
 * out, so that the space added between lines brings the pitch to a whole
 * number of pixels. */
static double
line_height_pixels (const char    *family,
                    double         size_px,
                    PangoWeight    weight,
                    const char    *language)
{
  static GHashTable *cache;
  g_autofree char *key = g_strdup_printf ("%s|%.3f|%d|%s", family, size_px, weight, language);
  gpointer cached;
  g_autoptr(GObject) context = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) desc = NULL;
  PangoAttrList *attrs;
  PangoRectangle logical;
  double *height;

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (g_hash_table_lookup_extended (cache, key, NULL, &cached))
    return *(double *)cached;

  context = G_OBJECT (pango_font_map_create_context (pango_cairo_font_map_get_default ()));
  pango_cairo_context_set_resolution (PANGO_CONTEXT (context), get_dpi ());
  {
    /* As the view has them: see bulletin_typography_configure_view () */
    cairo_font_options_t *options = cairo_font_options_create ();

    cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_ON);
    pango_cairo_context_set_font_options (PANGO_CONTEXT (context), options);
    cairo_font_options_destroy (options);
  }
  desc = pango_font_description_new ();
  pango_font_description_set_family (desc, family);
  pango_font_description_set_absolute_size (desc, size_px * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  layout = pango_layout_new (PANGO_CONTEXT (context));
  pango_layout_set_font_description (layout, desc);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_language_new (pango_language_from_string (language)));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  /* Han, Latin and a full-width mark: the fonts a line of news uses. */
  pango_layout_set_text (layout, "国骨Ag，“", -1);
  pango_layout_get_extents (layout, NULL, &logical);

  height = g_new (double, 1);
  *height = (double)logical.height / PANGO_SCALE;
  g_hash_table_insert (cache, g_steal_pointer (&key), height);
  return *height;
}

static GtkTextTag *
ensure_tag (GtkTextBuffer *buffer,
            const char    *name)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);

  if (tag == NULL)
    tag = gtk_text_buffer_create_tag (buffer, name, NULL);
  return tag;
}

static const char *
language_for_script (BulletinScript  script,
                     const char     *font_tag)
{
  return bulletin_typesetter_language_for_script (script, font_tag);
}

static const char *
script_language (BulletinScript  script,
                 GtkTextBuffer  *buffer)
{
  return language_for_script (script, g_object_get_data (G_OBJECT (buffer),
                                                         "bulletin-typography-language"));
}

/* A quarter em in Pango units, in whole pixels: the letter-spacing of a
 * gap character (both halves of it are at the boundary). */
static int
gap_units (double em)
{
  return MAX (1, (int)round (em / 4)) * PANGO_SCALE;
}

/* The size of a gap character, as a share of the text's: whatever font
 * Pango takes for it, it makes the line no taller. */
#define GAP_CHAR_SCALE 0.01

/* Gap characters
 *
 * The Han-Latin gap is a character of its own in the buffer: a
 * BULLETIN_TYPOGRAPHY_GAP_CHAR (U+2060 WORD JOINER) at each boundary, of
 * no width, given the gap as letter-spacing.  A letter-spacing on a
 * character of the text itself falls half before and half after it, on
 * the far side of a Han character or inside a run of digits ("已 有11 台"),
 * and GtkTextTag takes no negative letter-spacing to take it back; on a
 * character of no width both halves are at the boundary.  A word joiner
 * also keeps a Latin run on one line with the Han characters on each side
 * of it ("有 25 名"), so that no gap ever falls at a line's start or end:
 * Pango keeps half of a letter-spacing there, and leaves out of
 * justification the width of a space it drops at a line's end (measured
 * with a hair space and a zero-width space: lines fell short of the
 * margin by up to the whole gap).
 *
 * The gap characters are the reader's: they are not in the display text,
 * nor in what is copied.  The buffer's offsets are display offsets plus
 * the gap characters before them; the functions below map between the
 * two.  A buffer that was not filled here has none. */

typedef struct {
  GArray *display;  /* guint: display offsets with a gap character before them, ascending */
} Gaps;

static void
gaps_free (gpointer data)
{
  Gaps *gaps = data;

  g_array_unref (gaps->display);
  g_free (gaps);
}

static GArray *
buffer_gaps (GtkTextBuffer *buffer)
{
  Gaps *gaps = g_object_get_data (G_OBJECT (buffer), GAPS_KEY);

  return gaps != NULL ? gaps->display : NULL;
}

/* How many gap characters come before display offset @offset: with
 * @at_char, those before the display character there (a start), else
 * only those before the one at @offset itself (an end). */
static guint
gaps_before (GArray  *gaps,
             guint    offset,
             gboolean at_char)
{
  guint lo = 0, hi = gaps != NULL ? gaps->len : 0;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint d = g_array_index (gaps, guint, mid);

      if (d < offset || (at_char && d == offset))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static guint
to_buffer (GtkTextBuffer *buffer,
           guint          offset,
           gboolean       at_char)
{
  return offset + gaps_before (buffer_gaps (buffer), offset, at_char);
}

void
bulletin_typography_get_iter_at_display (GtkTextBuffer *buffer,
                                         GtkTextIter   *iter,
                                         guint          offset)
{
  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  gtk_text_buffer_get_iter_at_offset (buffer, iter, (int)MIN (to_buffer (buffer, offset, TRUE), G_MAXINT));
}

void
bulletin_typography_get_iter_at_display_end (GtkTextBuffer *buffer,
                                             GtkTextIter   *iter,
                                             guint          offset)
{
  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  gtk_text_buffer_get_iter_at_offset (buffer, iter, (int)MIN (to_buffer (buffer, offset, FALSE), G_MAXINT));
}

guint
bulletin_typography_get_display_offset (const GtkTextIter *iter)
{
  GArray *gaps;
  guint offset, lo = 0, hi;

  g_return_val_if_fail (iter != NULL, 0);

  offset = gtk_text_iter_get_offset (iter);
  gaps = buffer_gaps (gtk_text_iter_get_buffer (iter));
  if (gaps == NULL)
    return offset;
  /* gap k is buffer character display[k] + k */
  hi = gaps->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (gaps, guint, mid) + mid < offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  return offset - lo;
}

gboolean
bulletin_typography_iter_is_gap (const GtkTextIter *iter)
{
  GArray *gaps;
  guint offset, k;

  g_return_val_if_fail (iter != NULL, FALSE);

  gaps = buffer_gaps (gtk_text_iter_get_buffer (iter));
  if (gaps == NULL || gtk_text_iter_get_char (iter) != BULLETIN_TYPOGRAPHY_GAP_CHAR)
    return FALSE;
  offset = gtk_text_iter_get_offset (iter);
  k = offset - bulletin_typography_get_display_offset (iter);
  return k < gaps->len && g_array_index (gaps, guint, k) + k == offset;
}

char *
bulletin_typography_dup_text (const GtkTextIter *start,
                              const GtkTextIter *end)
{
  GtkTextBuffer *buffer;
  GArray *gaps;
  GString *text;
  GtkTextIter from, to;
  guint k;

  g_return_val_if_fail (start != NULL && end != NULL, NULL);

  buffer = gtk_text_iter_get_buffer (start);
  gaps = buffer_gaps (buffer);
  if (gaps == NULL || gaps->len == 0)
    return gtk_text_iter_get_slice (start, end);

  from = *start;
  to = *end;
  gtk_text_iter_order (&from, &to);
  text = g_string_new (NULL);
  /* the first gap character at or after @from */
  k = gtk_text_iter_get_offset (&from) - bulletin_typography_get_display_offset (&from);
  while (gtk_text_iter_compare (&from, &to) < 0)
    {
      GtkTextIter stop = to;
      g_autofree char *piece = NULL;

      if (k < gaps->len)
        {
          guint at = g_array_index (gaps, guint, k) + k;

          if ((guint)gtk_text_iter_get_offset (&to) > at)
            gtk_text_buffer_get_iter_at_offset (buffer, &stop, at);
        }
      piece = gtk_text_iter_get_slice (&from, &stop);
      g_string_append (text, piece);
      from = stop;
      if (gtk_text_iter_compare (&from, &to) < 0)
        {
          /* skip the gap character */
          gtk_text_iter_forward_char (&from);
          k++;
        }
    }
  return g_string_free (text, FALSE);
}

/* Ctrl+C and the menu's Copy: the selection without the gap characters. */
static void
copy_clipboard_cb (GtkTextView *view,
                   gpointer     user_data)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GArray *gaps = buffer_gaps (buffer);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (gaps == NULL || gaps->len == 0 ||
      !gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return;
  text = bulletin_typography_dup_text (&start, &end);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), text);
  g_signal_stop_emission_by_name (view, "copy-clipboard");
}

/* The primary selection: GTK offers the selection as the buffer holds
 * it whenever it changes; once the selection has settled (an idle after
 * the last change) the primary selection takes it without the gap
 * characters instead. */
#define PRIMARY_IDLE_KEY "bulletin-typography-primary-idle"

static gboolean
update_primary_cb (gpointer user_data)
{
  GtkTextView *view = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GArray *gaps = buffer_gaps (buffer);
  GtkTextIter start, end;

  g_object_steal_data (G_OBJECT (view), PRIMARY_IDLE_KEY);
  if (gaps != NULL && gaps->len > 0 && gtk_widget_get_realized (GTK_WIDGET (view)) &&
      gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    {
      g_autofree char *text = bulletin_typography_dup_text (&start, &end);

      gdk_clipboard_set_text (gtk_widget_get_primary_clipboard (GTK_WIDGET (view)), text);
    }
  return G_SOURCE_REMOVE;
}

static void
primary_idle_remove (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

static void
selection_mark_set_cb (GtkTextBuffer     *buffer,
                       const GtkTextIter *location,
                       GtkTextMark       *mark,
                       GtkTextView       *view)
{
  guint id;

  if (mark != gtk_text_buffer_get_insert (buffer) && mark != gtk_text_buffer_get_selection_bound (buffer))
    return;
  if (g_object_get_data (G_OBJECT (view), PRIMARY_IDLE_KEY) != NULL)
    return;
  id = g_idle_add_full (G_PRIORITY_LOW, update_primary_cb, view, NULL);
  g_object_set_data_full (G_OBJECT (view), PRIMARY_IDLE_KEY, GUINT_TO_POINTER (id), primary_idle_remove);
}

void
bulletin_typography_copy_without_gaps (GtkTextView *view)
{
  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  g_signal_connect (view, "copy-clipboard", G_CALLBACK (copy_clipboard_cb), NULL);
  g_signal_connect_object (gtk_text_view_get_buffer (view), "mark-set",
                           G_CALLBACK (selection_mark_set_cb), view, G_CONNECT_AFTER);
}

static void
collect_gap_cb (BulletinMark mark,
                guint        start,
                guint        end,
                gpointer     user_data)
{
  GArray *gaps = user_data;

  /* the boundary: after the character that carries an "after" mark,
   * before one that carries a "before" mark, both for a lone one */
  switch (mark)
    {
    case BULLETIN_MARK_GAP_BOTH:
      g_array_append_val (gaps, start);
      g_array_append_val (gaps, end);
      break;
    case BULLETIN_MARK_GAP_AFTER:
      g_array_append_val (gaps, end);
      break;
    case BULLETIN_MARK_GAP_BEFORE:
      g_array_append_val (gaps, start);
      break;
    case BULLETIN_MARK_NO_BREAK:
    case BULLETIN_MARK_HALT:
    default:
      break;
    }
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;

  return x < y ? -1 : x > y;
}

/* The Han-Latin boundaries of @display, as display offsets. */
static GArray *
find_gaps (BulletinDisplayText *display,
           BulletinScript       script)
{
  GArray *gaps = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *text = bulletin_display_text_get_text (display, NULL);
  const BulletinSpan *spans;
  const char *p = text;
  guint n_spans, at = 0, n = 0;

  spans = bulletin_display_text_get_spans (display, &n_spans);
  for (guint i = 0; i < n_spans; i++)
    {
      const char *block_end;

      p = g_utf8_offset_to_pointer (p, spans[i].start - at);
      block_end = g_utf8_offset_to_pointer (p, spans[i].end - spans[i].start);
      bulletin_typesetter_scan (p, block_end, spans[i].start, script, collect_gap_cb, gaps);
      p = block_end;
      at = spans[i].end;
    }
  g_array_sort (gaps, compare_guint);
  for (guint i = 0; i < gaps->len; i++)
    if (n == 0 || g_array_index (gaps, guint, n - 1) != g_array_index (gaps, guint, i))
      g_array_index (gaps, guint, n++) = g_array_index (gaps, guint, i);
  g_array_set_size (gaps, n);
  return gaps;
}

/* Display text [@text, @text_end), which starts at display offset @offset,
 * with the buffer's gap characters in it. */
static char *
dup_with_gaps (GtkTextBuffer *buffer,
               const char    *text,
               const char    *text_end,
               guint          offset)
{
  GArray *gaps = buffer_gaps (buffer);
  GString *out;
  const char *p = text;
  guint k;

  if (gaps == NULL || gaps->len == 0)
    return g_strndup (text, text_end - text);
  out = g_string_sized_new ((text_end - text) + 64);
  for (k = gaps_before (gaps, offset, FALSE); k < gaps->len && p < text_end; k++)
    {
      const char *gap = g_utf8_offset_to_pointer (p, g_array_index (gaps, guint, k) - offset);

      if (gap >= text_end)
        break;
      g_string_append_len (out, p, gap - p);
      g_string_append_unichar (out, BULLETIN_TYPOGRAPHY_GAP_CHAR);
      offset = g_array_index (gaps, guint, k);
      p = gap;
    }
  g_string_append_len (out, p, text_end - p);
  return g_string_free (out, FALSE);
}

/* Sets every tag's properties for @settings; the tags exist afterwards.
 * Called on fill and on each preference change. */
static void
update_tags (GtkTextBuffer                 *buffer,
             BulletinScript                 script,
             const BulletinReadingSettings *settings)
{
  const char *language = script_language (script, buffer);
  gboolean cjk = script != BULLETIN_SCRIPT_LATIN;
  BulletinReadingSettings hei = *settings;
  g_autofree char *family = bulletin_typography_dup_family_list (settings, script);
  g_autofree char *sans_family = NULL;
  double em = em_pixels (settings);
  int pitch = (int)round (settings->line_spacing * em);
  double line = line_height_pixels (family, em, PANGO_WEIGHT_NORMAL, language);
  int lead = MAX (0, pitch - (int)ceil (line));
  GtkTextTag *tag;

  hei.sans = TRUE;
  hei.family = settings->sans ? settings->family : NULL;
  sans_family = bulletin_typography_dup_family_list (&hei, script);

  tag = ensure_tag (buffer, BULLETIN_TAG_TEXT);
  g_object_set (tag,
                "family", family,
                "size-points", settings->font_size,
                "language", language,
                "insert-hyphens", FALSE,
                "fallback", TRUE,
                /* Body defaults; roles override them. */
                "justification", cjk ? GTK_JUSTIFY_FILL : GTK_JUSTIFY_LEFT,
                "pixels-above-lines", 0,
                "pixels-below-lines", cjk ? lead : lead + (int)round (em * 0.6),
                "pixels-inside-wrap", lead,
                NULL);

  for (guint kind = 0; kind < BULLETIN_N_BLOCK_KINDS; kind++)
    {
      const BulletinRoleStyle *style = role_style (kind);
      double size = em * style->scale;
      const char *role_family = style->sans ? sans_family : family;
      int role_lead = lead, role_below = lead;

      if (style->pitch > 0)
        {
          double role_line = line_height_pixels (role_family, size, style->weight, language);

          role_lead = MAX (0, (int)round (style->pitch * size) - (int)ceil (role_line));
          role_below = role_lead + (int)round (style->below * em);
        }
      else if (!cjk)
        role_below = lead + (int)round (em * 0.6);

      tag = ensure_tag (buffer, style->name);
      g_object_set (tag,
                    "family", role_family,
                    "scale", style->scale,
                    "weight", style->weight,
                    "pixels-above-lines", (int)round (style->above * em),
                    "pixels-below-lines", role_below,
                    "pixels-inside-wrap", role_lead,
                    "indent", style->indent && cjk ? (int)round (2 * em) : 0,
                    "justification", style->centred ? GTK_JUSTIFY_CENTER
                                     : (style->pitch > 0 || !cjk) ? GTK_JUSTIFY_LEFT
                                     : GTK_JUSTIFY_FILL,
                    NULL);
      /* The view's margins are the default style's: a tag's margin
       * replaces them unless it accumulates. */
      if (style->margin > 0)
        g_object_set (tag,
                      "accumulative-margin", TRUE,
                      "left-margin", (int)round (style->margin * em),
                      "right-margin", (int)round (style->margin * em),
                      NULL);
      if (kind == BULLETIN_BLOCK_QUOTE)
        g_object_set (tag, "style", cjk ? PANGO_STYLE_NORMAL : PANGO_STYLE_ITALIC, NULL);

      /* The last block of the headline block: no space of its own below,
       * the headline gap (below) is the whole of it. */
      if (bulletin_typesetter_is_head_kind (kind))
        {
          g_autofree char *name = g_strconcat (BULLETIN_TAG_HEAD_END, "-", style->name, NULL);

          tag = ensure_tag (buffer, name);
          g_object_set (tag, "pixels-below-lines", 0, NULL);
        }
    }

  /* A dateline run into its paragraph: the paragraph's tag gives the
   * line its indent, justification and pitch; this one makes the
   * dateline's characters bold Hei at the body size. */
  tag = ensure_tag (buffer, BULLETIN_TAG_RUN_IN);
  g_object_set (tag, "family", sans_family, "weight", PANGO_WEIGHT_BOLD, NULL);

  /* One rule for the space between the headline block and the body. */
  tag = ensure_tag (buffer, BULLETIN_TAG_BODY_START);
  g_object_set (tag, "pixels-above-lines",
                (int)round (BULLETIN_TYPESETTER_HEADLINE_GAP_EM * em), NULL);

  tag = ensure_tag (buffer, BULLETIN_TAG_NO_BREAK);
  g_object_set (tag, "allow-breaks", FALSE, NULL);

  /* A very long block is laid out in pieces, each a paragraph of the
   * view: a piece that continues a block has no indent and no space above,
   * a piece that a break ends no space below, so that the block reads as
   * one paragraph with an even pitch. */
  tag = ensure_tag (buffer, BULLETIN_TAG_PIECE_CONTINUES);
  g_object_set (tag, "indent", 0, "pixels-above-lines", 0, NULL);
  tag = ensure_tag (buffer, BULLETIN_TAG_PIECE_BREAKS);
  g_object_set (tag, "pixels-below-lines", lead, NULL);

  /* No properties: they only make a tag start on every line.  GTK 4.8's
   * text layout keeps the style of the last line it laid out for the
   * next one it lays out while no tag starts or ends in between (its
   * "one style cache"), even when that next line is not the line after
   * it: a body paragraph laid out again after a note's highlight changed
   * took the byline's or the dateline's style (small or bold sans, no
   * indent) until the view was laid out anew.  Role tags run on from one
   * body paragraph into the next, so that nothing starts there; these two,
   * one on every other block, start on every line. */
  ensure_tag (buffer, BULLETIN_TAG_BLOCK_EVEN);
  ensure_tag (buffer, BULLETIN_TAG_BLOCK_ODD);

  /* Set once: GTK 4.8's text tag loses the string it held each time
   * font-features is set (it does not free the old one), and this runs
   * for every article shown. */
  tag = ensure_tag (buffer, BULLETIN_TAG_HALT);
  {
    g_autofree char *features = NULL;

    g_object_get (tag, "font-features", &features, NULL);
    if (g_strcmp0 (features, "halt 1") != 0)
      g_object_set (tag, "font-features", "halt 1", NULL);
  }

  /* The gap characters (see "Gap characters" above): no width of their
   * own, and a quarter of the body size as letter-spacing (headings have
   * their own), in whole pixels, or justification (which works in whole
   * pixels with the view's hinted metrics) falls short of the margin. */
  tag = ensure_tag (buffer, BULLETIN_TAG_GAP);
  g_object_set (tag, "letter-spacing", gap_units (em), "scale", GAP_CHAR_SCALE, NULL);
  for (guint kind = 0; kind < BULLETIN_N_BLOCK_KINDS; kind++)
    {
      g_autofree char *name = NULL;

      if (role_style (kind)->scale == 1.0)
        continue;
      name = g_strconcat (BULLETIN_TAG_GAP, "-", role_style (kind)->name, NULL);
      tag = ensure_tag (buffer, name);
      g_object_set (tag, "letter-spacing", gap_units (em * role_style (kind)->scale),
                    "scale", GAP_CHAR_SCALE, NULL);
    }
}

void
bulletin_typography_configure_view (GtkTextView                   *view,
                                    const BulletinReadingSettings *settings)
{
  int em = (int)round (em_pixels (settings));

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_justification (view, GTK_JUSTIFY_FILL);
  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, FALSE);
  gtk_text_view_set_left_margin (view, MAX (24, em * 2));
  gtk_text_view_set_right_margin (view, MAX (24, em * 2));
  gtk_text_view_set_top_margin (view, MAX (24, em * 2));
  gtk_text_view_set_bottom_margin (view, MAX (48, em * 4));

  /* Whole-pixel font metrics: with GTK 4's fractional ones a line is
   * 19.3 px high and the pitch alternates between 22 and 23 px, however
   * whole the spacing is. */
#if GTK_CHECK_VERSION (4, 16, 0)
  /* GTK 4.16 chooses the font options itself and ignores a widget's
   * unless the settings say "manual"; those are the display's, so the
   * whole app then has hinted metrics, as GTK before 4.16 gave it at
   * scale 1.  (newer-stack-test.sh: test-typography's item 12.) */
  g_object_set (gtk_widget_get_settings (GTK_WIDGET (view)),
                "gtk-font-rendering", GTK_FONT_RENDERING_MANUAL,
                "gtk-hint-font-metrics", TRUE,
                NULL);
#else
  {
    cairo_font_options_t *options = cairo_font_options_create ();

    cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_ON);
    gtk_widget_set_font_options (GTK_WIDGET (view), options);
    cairo_font_options_destroy (options);
  }
#endif
  /* The view made its Pango contexts already; this is how it hears
   * that they must change. */
  GTK_WIDGET_GET_CLASS (view)->system_setting_changed (GTK_WIDGET (view),
                                                        GTK_SYSTEM_SETTING_FONT_CONFIG);

  if (gtk_text_view_get_buffer (view) != NULL &&
      g_object_get_data (G_OBJECT (gtk_text_view_get_buffer (view)), SCRIPT_KEY) != NULL)
    bulletin_typography_apply_settings (gtk_text_view_get_buffer (view), settings);
}

static void
apply_range (GtkTextBuffer *buffer,
             GtkTextTag    *tag,
             guint          start,
             guint          end)
{
  GtkTextIter a, b;

  bulletin_typography_get_iter_at_display (buffer, &a, start);
  bulletin_typography_get_iter_at_display_end (buffer, &b, end);
  gtk_text_buffer_apply_tag (buffer, tag, &a, &b);
}

/* The gap tag on the gap character before display offset @offset. */
static void
apply_gap (GtkTextBuffer *buffer,
           GtkTextTag    *tag,
           guint          offset)
{
  GtkTextIter a, b;

  bulletin_typography_get_iter_at_display_end (buffer, &a, offset);
  bulletin_typography_get_iter_at_display (buffer, &b, offset);
  if (gtk_text_iter_compare (&a, &b) < 0)
    gtk_text_buffer_apply_tag (buffer, tag, &a, &b);
}

typedef struct {
  GtkTextBuffer *buffer;
  GtkTextTag    *no_break;
  GtkTextTag    *halt;
  GtkTextTag    *gap;
} TagMarks;

static void
tag_mark_cb (BulletinMark mark,
             guint        start,
             guint        end,
             gpointer     user_data)
{
  TagMarks *marks = user_data;

  switch (mark)
    {
    case BULLETIN_MARK_NO_BREAK:
      apply_range (marks->buffer, marks->no_break, start, end);
      break;
    case BULLETIN_MARK_HALT:
      apply_range (marks->buffer, marks->halt, start, end);
      break;
    /* the gap character at the boundary carries the gap, whichever
     * character the mark is on (see find_gaps ()) */
    case BULLETIN_MARK_GAP_BOTH:
      apply_gap (marks->buffer, marks->gap, start);
      apply_gap (marks->buffer, marks->gap, end);
      break;
    case BULLETIN_MARK_GAP_AFTER:
      apply_gap (marks->buffer, marks->gap, end);
      break;
    case BULLETIN_MARK_GAP_BEFORE:
      apply_gap (marks->buffer, marks->gap, start);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The per-character tags of one block, whose text starts at buffer offset
 * @offset: the typesetter's rules as tags. */
static void
tag_block (GtkTextBuffer     *buffer,
           const BulletinSpan *span,
           const char         *text,
           const char         *end,
           BulletinScript      script)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  TagMarks marks = {
    buffer,
    gtk_text_tag_table_lookup (table, BULLETIN_TAG_NO_BREAK),
    gtk_text_tag_table_lookup (table, BULLETIN_TAG_HALT),
    NULL,
  };

  if (role_style (span->kind)->scale != 1.0)
    {
      g_autofree char *name = g_strconcat (BULLETIN_TAG_GAP, "-", role_style (span->kind)->name, NULL);
      marks.gap = gtk_text_tag_table_lookup (table, name);
    }
  else
    marks.gap = gtk_text_tag_table_lookup (table, BULLETIN_TAG_GAP);

  bulletin_typesetter_scan (text, end, span->start, script, tag_mark_cb, &marks);
}

/* The pieces of very long blocks in display range [@lo, @hi). */
static void
tag_pieces (GtkTextBuffer       *buffer,
            BulletinDisplayText *display,
            guint                lo,
            guint                hi)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *continues = gtk_text_tag_table_lookup (table, BULLETIN_TAG_PIECE_CONTINUES);
  GtkTextTag *breaks_tag = gtk_text_tag_table_lookup (table, BULLETIN_TAG_PIECE_BREAKS);
  const BulletinSpan *spans;
  const guint *breaks;
  guint n_breaks, n_spans, s = 0;

  breaks = bulletin_display_text_get_piece_breaks (display, &n_breaks);
  spans = bulletin_display_text_get_spans (display, &n_spans);

  for (guint b = 0; b < n_breaks; b++)
    {
      GtkTextIter start, end;
      guint piece_start;

      if (breaks[b] < lo || breaks[b] >= hi)
        continue;
      while (s < n_spans && spans[s].end <= breaks[b])
        s++;
      g_assert (s < n_spans && spans[s].start < breaks[b]);

      /* the piece the break ends */
      piece_start = b > 0 && breaks[b - 1] > spans[s].start ? breaks[b - 1] + 1 : spans[s].start;
      bulletin_typography_get_iter_at_display (buffer, &start, piece_start);
      bulletin_typography_get_iter_at_display (buffer, &end, breaks[b] + 1);
      gtk_text_buffer_apply_tag (buffer, breaks_tag, &start, &end);

      /* the piece after it, which continues the block */
      start = end;
      gtk_text_iter_forward_char (&end);
      gtk_text_buffer_apply_tag (buffer, continues, &start, &end);
    }
}

static void
tag_spans (GtkTextBuffer       *buffer,
           BulletinDisplayText *display,
           BulletinScript       script,
           guint                first_span,
           guint                end_span)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  const BulletinSpan *spans;
  guint n_spans, body_start;
  const char *text = bulletin_display_text_get_text (display, NULL);
  const char *p;
  GtkTextIter start, end;

  spans = bulletin_display_text_get_spans (display, &n_spans);
  g_assert (end_span <= n_spans);
  if (first_span >= end_span)
    return;

  /* Language, family and size on every character, separators included. */
  bulletin_typography_get_iter_at_display (buffer, &start, first_span > 0 ? spans[first_span - 1].end : 0);
  bulletin_typography_get_iter_at_display (buffer, &end, spans[end_span - 1].end);
  if (end_span == n_spans)
    gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_apply_tag (buffer, gtk_text_tag_table_lookup (table, BULLETIN_TAG_TEXT), &start, &end);

  body_start = bulletin_typesetter_get_body_start (display);
  p = g_utf8_offset_to_pointer (text, spans[first_span].start);
  for (guint i = first_span; i < end_span; i++)
    {
      const char *block_end;
      gboolean run_in = bulletin_typesetter_is_run_in (display, i);
      BulletinSpan span = spans[i];
      GtkTextTag *tag;

      /* A run-in dateline is set as the start of its paragraph. */
      if (run_in)
        span.kind = spans[i + 1].kind;
      tag = gtk_text_tag_table_lookup (table, role_style (span.kind)->name);

      if (i > first_span)
        p = g_utf8_offset_to_pointer (p, spans[i].start - spans[i - 1].end) ;
      block_end = g_utf8_offset_to_pointer (p, spans[i].end - spans[i].start);

      /* The tag covers the newline after the block too, so that the
       * paragraph's properties are those of its role. */
      bulletin_typography_get_iter_at_display (buffer, &start, spans[i].start);
      bulletin_typography_get_iter_at_display (buffer, &end, spans[i].end);
      gtk_text_iter_forward_char (&end);
      gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
      gtk_text_buffer_apply_tag_by_name (buffer, i % 2 == 0 ? BULLETIN_TAG_BLOCK_EVEN : BULLETIN_TAG_BLOCK_ODD,
                                         &start, &end);
      if (run_in)
        {
          GtkTextIter dateline_end;

          bulletin_typography_get_iter_at_display (buffer, &dateline_end, spans[i].end);
          gtk_text_buffer_apply_tag_by_name (buffer, BULLETIN_TAG_RUN_IN, &start, &dateline_end);
        }
      if (body_start > 0 && body_start < n_spans && i + 1 == body_start)
        {
          g_autofree char *name = g_strconcat (BULLETIN_TAG_HEAD_END, "-", role_style (spans[i].kind)->name, NULL);

          gtk_text_buffer_apply_tag_by_name (buffer, name, &start, &end);
        }
      else if (body_start > 0 && i == body_start)
        gtk_text_buffer_apply_tag_by_name (buffer, BULLETIN_TAG_BODY_START, &start, &end);

      tag_block (buffer, &span, p, block_end, script);
      p = block_end;
    }

  tag_pieces (buffer, display, spans[first_span].start, spans[end_span - 1].end);
}

/* The text the buffer holds, but for its gap characters: the display text
 * as shown, with a space instead of the line break after a dateline run
 * into its paragraph (one character for one).  NULL when it is the display
 * text itself. */
static char *
dup_buffer_text (BulletinDisplayText *display,
                 gsize               *len)
{
  guint n_spans;

  bulletin_display_text_get_spans (display, &n_spans);
  for (guint i = 0; i < n_spans; i++)
    if (bulletin_display_text_is_run_in (display, i))
      return bulletin_display_text_dup_shown_text (display, len);
  return NULL;
}

static BulletinScript
prepare_buffer (GtkTextBuffer                 *buffer,
                BulletinDisplayText           *display,
                const BulletinReadingSettings *settings)
{
  BulletinArticle *article = bulletin_display_text_get_article (display);
  const char *text = bulletin_display_text_get_text (display, NULL);
  const char *language = bulletin_article_get_language (article);
  gsize sample = MIN (strlen (text), 60000);
  BulletinScript script = bulletin_language_get_script (language, text, sample);
  g_autofree char *font_tag = bulletin_language_to_font_tag (language, text, sample);

  g_object_set_data_full (G_OBJECT (buffer), "bulletin-typography-language",
                          g_steal_pointer (&font_tag), g_free);
  g_object_set_data (G_OBJECT (buffer), SCRIPT_KEY, GINT_TO_POINTER (script + 1));
  {
    Gaps *gaps = g_new0 (Gaps, 1);

    gaps->display = find_gaps (display, script);
    g_object_set_data_full (G_OBJECT (buffer), GAPS_KEY, gaps, gaps_free);
  }
  update_tags (buffer, script, settings);
  return script;
}

void
bulletin_typography_set_view_language (GtkTextView         *view,
                                       BulletinDisplayText *display)
{
  BulletinArticle *article;
  const char *text, *language;
  g_autofree char *font_tag = NULL;
  PangoLanguage *pango_language;
  gsize sample;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (display != NULL);

  /* As prepare_buffer() decides it for the tags. */
  article = bulletin_display_text_get_article (display);
  text = bulletin_display_text_get_text (display, NULL);
  language = bulletin_article_get_language (article);
  sample = MIN (strlen (text), 60000);
  font_tag = bulletin_language_to_font_tag (language, text, sample);
  pango_language = pango_language_from_string (
      language_for_script (bulletin_language_get_script (language, text, sample), font_tag));

  /* GtkTextLayout gives Pango no language attribute for a tag's
   * "language", so itemization falls back on these contexts' language,
   * which gtk_widget_create_pango_context() took from LC_CTYPE. */
  pango_context_set_language (gtk_text_view_get_ltr_context (view), pango_language);
  pango_context_set_language (gtk_text_view_get_rtl_context (view), pango_language);
}

void
bulletin_typography_fill_buffer (GtkTextBuffer                 *buffer,
                                 BulletinDisplayText           *display,
                                 const BulletinReadingSettings *settings)
{
  BulletinScript script;
  guint n_spans;
  gsize len;
  const char *text;
  g_autofree char *buffer_text = NULL;
  g_autofree char *gapped = NULL;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (display != NULL);
  g_return_if_fail (settings != NULL);

  /* A fill in progress stops here. */
  g_object_set_data (G_OBJECT (buffer), FILL_KEY, NULL);

  text = bulletin_display_text_get_text (display, &len);
  script = prepare_buffer (buffer, display, settings);
  buffer_text = dup_buffer_text (display, &len);
  if (buffer_text != NULL)
    text = buffer_text;
  gapped = dup_with_gaps (buffer, text, text + len, 0);
  gtk_text_buffer_set_text (buffer, gapped, -1);
  bulletin_display_text_get_spans (display, &n_spans);
  tag_spans (buffer, display, script, 0, n_spans);
}

/* Filling in pieces */

typedef struct {
  GtkTextBuffer       *buffer;
  BulletinDisplayText *display;
  BulletinScript       script;
  char                *text;     /* the buffer's, see dup_buffer_text () */
  guint                next_span;
  guint                source_id;
  gulong               changed_id;
} Fill;

static void
fill_free (gpointer data)
{
  Fill *fill = data;

  g_clear_handle_id (&fill->source_id, g_source_remove);
  g_clear_signal_handler (&fill->changed_id, fill->buffer);
  g_object_unref (fill->buffer);
  bulletin_display_text_unref (fill->display);
  g_free (fill->text);
  g_free (fill);
}

/* Appends whole blocks from fill->next_span, about @max_chars characters. */
static gboolean
fill_some (Fill  *fill,
           guint  max_chars)
{
  const BulletinSpan *spans;
  guint n_spans, first = fill->next_span, last;
  const char *text = fill->text != NULL ? fill->text : bulletin_display_text_get_text (fill->display, NULL);
  const char *a, *b;
  GtkTextIter end;

  spans = bulletin_display_text_get_spans (fill->display, &n_spans);
  if (first >= n_spans)
    return FALSE;

  last = first;
  while (last < n_spans && spans[last].end - spans[first].start < max_chars)
    last++;
  if (last == first)
    last++;

  /* From the separator before the first block to the end of the last. */
  a = g_utf8_offset_to_pointer (text, first > 0 ? spans[first - 1].end : 0);
  b = last < n_spans ? g_utf8_offset_to_pointer (a, spans[last - 1].end - (first > 0 ? spans[first - 1].end : 0))
                     : text + strlen (text);

  g_signal_handler_block (fill->buffer, fill->changed_id);
  gtk_text_buffer_get_end_iter (fill->buffer, &end);
  {
    g_autofree char *gapped = dup_with_gaps (fill->buffer, a, b, first > 0 ? spans[first - 1].end : 0);

    gtk_text_buffer_insert (fill->buffer, &end, gapped, -1);
  }
  tag_spans (fill->buffer, fill->display, fill->script, first, last);
  g_signal_handler_unblock (fill->buffer, fill->changed_id);

  fill->next_span = last;
  return last < n_spans;
}

static void
fill_buffer_changed_cb (GtkTextBuffer *buffer,
                        GTask         *task)
{
  /* Someone else changed the text: the rest no longer belongs there. */
  g_object_set_data (G_OBJECT (buffer), FILL_KEY, NULL);
}

static gboolean
fill_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  Fill *fill = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      fill->source_id = 0;
      g_object_set_data (G_OBJECT (fill->buffer), FILL_KEY, NULL);
      return G_SOURCE_REMOVE;
    }

  if (fill_some (fill, 20000))
    return G_SOURCE_CONTINUE;

  fill->source_id = 0;
  g_task_return_boolean (task, TRUE);
  g_object_set_data (G_OBJECT (fill->buffer), FILL_KEY, NULL);
  return G_SOURCE_REMOVE;
}

static void
task_cancel_stale (gpointer data)
{
  GTask *task = data;
  Fill *fill = g_task_get_task_data (task);

  if (!g_task_get_completed (task) && fill->source_id != 0)
    {
      g_clear_handle_id (&fill->source_id, g_source_remove);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The buffer was filled with something else");
    }
  g_object_unref (task);
}

void
bulletin_typography_fill_buffer_async (GtkTextBuffer                 *buffer,
                                       BulletinDisplayText           *display,
                                       const BulletinReadingSettings *settings,
                                       guint                          first_chars,
                                       GCancellable                  *cancellable,
                                       GAsyncReadyCallback            callback,
                                       gpointer                       user_data)
{
  g_autoptr(GTask) task = NULL;
  Fill *fill;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (display != NULL);

  g_object_set_data (G_OBJECT (buffer), FILL_KEY, NULL);

  task = g_task_new (buffer, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_typography_fill_buffer_async);
  fill = g_new0 (Fill, 1);
  fill->buffer = g_object_ref (buffer);
  fill->display = bulletin_display_text_ref (display);
  fill->script = prepare_buffer (buffer, display, settings);
  {
    gsize len;

    fill->text = dup_buffer_text (display, &len);
  }
  g_task_set_task_data (task, fill, fill_free);

  gtk_text_buffer_set_text (buffer, "", 0);
  fill->changed_id = g_signal_connect (buffer, "changed", G_CALLBACK (fill_buffer_changed_cb), task);

  if (!fill_some (fill, MAX (first_chars, 1)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  fill->source_id = g_idle_add_full (G_PRIORITY_LOW, fill_idle_cb, g_object_ref (task), g_object_unref);
  g_object_set_data_full (G_OBJECT (buffer), FILL_KEY, g_object_ref (task), task_cancel_stale);
}

gboolean
bulletin_typography_fill_buffer_finish (GtkTextBuffer  *buffer,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, buffer), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
bulletin_typography_fill_buffer_is_complete (GtkTextBuffer *buffer)
{
  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), TRUE);

  return g_object_get_data (G_OBJECT (buffer), FILL_KEY) == NULL;
}

void
bulletin_typography_fill_buffer_complete (GtkTextBuffer *buffer)
{
  GTask *task;
  Fill *fill;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  task = g_object_get_data (G_OBJECT (buffer), FILL_KEY);
  if (task == NULL)
    return;
  fill = g_task_get_task_data (task);
  while (fill_some (fill, 100000))
    ;
  g_clear_handle_id (&fill->source_id, g_source_remove);
  g_task_return_boolean (task, TRUE);
  g_object_set_data (G_OBJECT (buffer), FILL_KEY, NULL);
}

void
bulletin_typography_fill_buffer_cancel (GtkTextBuffer *buffer)
{
  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  g_object_set_data (G_OBJECT (buffer), FILL_KEY, NULL);
}

BulletinScript
bulletin_typography_get_script (GtkTextBuffer *buffer)
{
  int script = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (buffer), SCRIPT_KEY));

  return script > 0 ? (BulletinScript)(script - 1) : BULLETIN_SCRIPT_HANS;
}

void
bulletin_typography_apply_settings (GtkTextBuffer                 *buffer,
                                    const BulletinReadingSettings *settings)
{
  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  update_tags (buffer, bulletin_typography_get_script (buffer), settings);
}

/* Figures */

#define FIGURES_KEY "bulletin-typography-figures"
#define FIGURES_HOST_KEY "bulletin-typography-figures-host"
#define FIGURE_X_KEY "bulletin-typography-figure-x"
#define FIGURE_Y_KEY "bulletin-typography-figure-y"

typedef struct {
  GtkWidget   *child;
  GtkTextTag  *tag;
  GtkTextMark *mark;     /* a reference: deleted with the figure */
  double       aspect;   /* height / width of a local image; 0: placeholder */
  int          x, y, width, height;
} Figure;

typedef struct {
  GtkTextView   *view;
  GtkWidget     *host;     /* the view's overlay that holds the figures */
  GArray        *figures;  /* Figure */
  guint          tick_id;
  guint          quiet;    /* frames without a change */
  GtkAdjustment *vadjustment;
  gulong         changed_id;
} Figures;

static void figure_move (GtkWidget *host,
                         GtkWidget *child,
                         int        x,
                         int        y);

static void
figures_free (gpointer data)
{
  Figures *figures = data;

  for (guint i = 0; i < figures->figures->len; i++)
    {
      Figure *figure = &g_array_index (figures->figures, Figure, i);

      if (gtk_widget_get_parent (figure->child) == figures->host)
        gtk_widget_unparent (figure->child);
      g_object_unref (figure->child);
      /* The buffer is the reader's for every article: a mark left in it
       * stays for as long as the view. */
      if (!gtk_text_mark_get_deleted (figure->mark))
        gtk_text_buffer_delete_mark (gtk_text_mark_get_buffer (figure->mark), figure->mark);
      g_object_unref (figure->mark);
    }
  if (figures->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (figures->view), figures->tick_id);
  if (figures->vadjustment != NULL)
    {
      g_clear_signal_handler (&figures->changed_id, figures->vadjustment);
      g_object_unref (figures->vadjustment);
    }
  g_array_unref (figures->figures);
  g_free (figures);
}

/* Keeps each figure's reserved space and place in step with the layout,
 * which changes with the width and as lines above are laid out. */
static gboolean
figures_tick (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  Figures *figures = user_data;
  GtkTextView *view = figures->view;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GdkRectangle visible;
  int left = gtk_text_view_get_left_margin (view);
  int column;

  gtk_text_view_get_visible_rect (view, &visible);
  column = MAX (1, gtk_widget_get_width (widget) - left - gtk_text_view_get_right_margin (view));
  figures->quiet++;

  for (guint i = 0; i < figures->figures->len; i++)
    {
      Figure *figure = &g_array_index (figures->figures, Figure, i);
      int height = figure->aspect > 0 ? (int)(column * MIN (figure->aspect, 1.2)) : figure->height;
      GdkRectangle rect;
      GtkTextIter iter;

      if (height != figure->height || column != figure->width)
        {
          figure->height = height;
          figure->width = column;
          gtk_widget_set_size_request (figure->child, column, height);
          g_object_set (figure->tag, "pixels-above-lines", height + 12, NULL);
          figures->quiet = 0;
        }
      gtk_text_buffer_get_iter_at_mark (buffer, &iter, figure->mark);
      gtk_text_view_get_iter_location (view, &iter, &rect);
      if (rect.y - height - 6 != figure->y || left != figure->x)
        {
          figure->y = rect.y - height - 6;
          figure->x = left;
          figure_move (figures->host, figure->child, figure->x, figure->y);
          figures->quiet = 0;
        }
    }

  /* Settled: wait for the layout to change again (see below). */
  if (figures->quiet > 30)
    {
      figures->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
figures_layout_changed (Figures *figures)
{
  figures->quiet = 0;
  if (figures->tick_id == 0)
    figures->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (figures->view), figures_tick, figures, NULL);
}

/* The host of the figures measures nothing (so that the view does not
 * grow with the figures it holds) and gives each figure its requested
 * size at its own place, in buffer coordinates. */
static void
figures_host_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = *natural = 0;
  *minimum_baseline = *natural_baseline = -1;
}

static void
figures_host_allocate (GtkWidget *widget,
                       int        width,
                       int        height,
                       int        baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkRequisition size;

      gtk_widget_get_preferred_size (child, &size, NULL);
      gtk_widget_size_allocate (child,
                                &(GtkAllocation) {
                                  GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), FIGURE_X_KEY)),
                                  GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), FIGURE_Y_KEY)),
                                  size.width, size.height
                                }, -1);
    }
}

/* The one overlay of @view that holds the figures, at the origin of the
 * buffer, made on first use.  GTK 4.8 cannot take an overlay child out of
 * a text view again (gtk_text_view_remove () knows only anchored
 * children, and says so), so a figure of the article before would stay on
 * top of every article after it: the figures come and go inside this
 * host instead, which the view keeps.  It takes no input, so that the
 * text under it is selected and clicked as before. */
static GtkWidget *
figures_host (GtkTextView *view)
{
  GtkWidget *host = g_object_get_data (G_OBJECT (view), FIGURES_HOST_KEY);

  if (host == NULL)
    {
      /* a GtkFixed (which unparents its children when it goes) that
       * measures and places them as above */
      host = g_object_new (GTK_TYPE_FIXED,
                           "layout-manager", gtk_custom_layout_new (NULL, figures_host_measure,
                                                                    figures_host_allocate),
                           "can-target", FALSE,
                           NULL);
      gtk_text_view_add_overlay (view, host, 0, 0);
      g_object_set_data (G_OBJECT (view), FIGURES_HOST_KEY, host);
    }
  return host;
}

static void
figure_move (GtkWidget *host,
             GtkWidget *child,
             int        x,
             int        y)
{
  g_object_set_data (G_OBJECT (child), FIGURE_X_KEY, GINT_TO_POINTER (x));
  g_object_set_data (G_OBJECT (child), FIGURE_Y_KEY, GINT_TO_POINTER (y));
  gtk_widget_queue_allocate (host);
}

static GtkWidget *
figure_child (BulletinArticle     *article,
              const BulletinBlock *block,
              double              *aspect)
{
  g_autoptr(GFile) file = NULL;
  const char *image = block->image;
  g_autofree char *label = NULL;
  GtkWidget *widget;

  *aspect = 0;
  if (image == NULL || *image == '\0')
    image = NULL;
  else if (g_str_has_prefix (image, "file:"))
    file = g_file_new_for_uri (image);
  else if (g_path_is_absolute (image))
    file = g_file_new_for_path (image);
  else if (strstr (image, "://") == NULL && bulletin_article_get_uri (article) != NULL &&
           g_str_has_prefix (bulletin_article_get_uri (article), "file:"))
    {
      g_autoptr(GFile) article_file = g_file_new_for_uri (bulletin_article_get_uri (article));
      g_autoptr(GFile) parent = g_file_get_parent (article_file);

      file = parent != NULL ? g_file_resolve_relative_path (parent, image) : NULL;
    }

  if (file != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_file (file, &error);

      if (texture != NULL)
        {
          widget = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
          gtk_picture_set_can_shrink (GTK_PICTURE (widget), TRUE);
          *aspect = (double)gdk_texture_get_height (texture) / MAX (1, gdk_texture_get_width (texture));
          if (block->image_alt != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            block->image_alt, -1);
          return widget;
        }
      g_debug ("figure %s: %s", image, error->message);
    }

  /* Remote images are never fetched: the reader works offline. */
  if (image == NULL)
    label = g_strdup (_("Image not available"));
  else if (strstr (image, "://") != NULL && file == NULL)
    label = g_strdup_printf (_("Image not loaded: %s"), image);
  else
    label = g_strdup_printf (_("Image not found: %s"), image);
  widget = gtk_label_new (label);
  gtk_label_set_wrap (GTK_LABEL (widget), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (widget), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (widget, "dim-label");
  gtk_widget_add_css_class (widget, "card");
  return widget;
}

void
bulletin_typography_attach_figures (GtkTextView         *view,
                                    BulletinDisplayText *display)
{
  GtkTextBuffer *buffer;
  BulletinArticle *article;
  const BulletinSpan *spans;
  Figures *figures;
  guint n_spans;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  g_object_set_data (G_OBJECT (view), FIGURES_KEY, NULL);
  if (display == NULL)
    return;

  buffer = gtk_text_view_get_buffer (view);
  article = bulletin_display_text_get_article (display);
  spans = bulletin_display_text_get_spans (display, &n_spans);
  figures = g_new0 (Figures, 1);
  figures->view = view;
  figures->host = figures_host (view);
  figures->figures = g_array_new (FALSE, TRUE, sizeof (Figure));

  for (guint i = 0; i < n_spans; i++)
    {
      const BulletinBlock *block;
      Figure figure = { 0 };
      g_autofree char *name = NULL;
      GtkTextIter start, end;

      if (spans[i].kind != BULLETIN_BLOCK_FIGURE)
        continue;
      block = bulletin_article_get_block (article, spans[i].block);
      figure.child = g_object_ref_sink (figure_child (article, block, &figure.aspect));
      figure.height = figure.aspect > 0 ? 0 : 3 * 24;
      name = g_strdup_printf ("bulletin-figure-%u", i);
      figure.tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
      if (figure.tag == NULL)
        figure.tag = gtk_text_buffer_create_tag (buffer, name, NULL);
      bulletin_typography_get_iter_at_display (buffer, &start, spans[i].start);
      end = start;
      gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag (buffer, figure.tag, &start, &end);
      figure.mark = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE));
      figure.y = G_MININT;
      gtk_widget_set_parent (figure.child, figures->host);
      figure_move (figures->host, figure.child, 0, 0);
      g_array_append_val (figures->figures, figure);
    }

  if (figures->figures->len == 0)
    {
      figures_free (figures);
      return;
    }
  figures->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (view), figures_tick, figures, NULL);
  /* The height of the text changes with the width and as it is laid out. */
  figures->vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  if (figures->vadjustment != NULL)
    {
      g_object_ref (figures->vadjustment);
      figures->changed_id = g_signal_connect_swapped (figures->vadjustment, "changed",
                                                      G_CALLBACK (figures_layout_changed), figures);
    }
  g_object_set_data_full (G_OBJECT (view), FIGURES_KEY, figures, figures_free);
}

/* --- labels of the UI font ---------------------------------------------- */

static gboolean
is_curly_quote (gunichar c)
{
  return c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019;
}

/* Han characters and the CJK punctuation around them */
static gboolean
is_chinese (gunichar c)
{
  return bulletin_unichar_is_han (c) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF60);
}

/* Whether the nearest character on either side of the quotation mark at
 * @p that is not itself a quotation mark or a space is Chinese. */
static gboolean
quote_in_chinese (const char *text,
                  const char *end,
                  const char *p)
{
  for (const char *q = g_utf8_next_char (p); q < end; q = g_utf8_next_char (q))
    {
      gunichar c = g_utf8_get_char (q);

      if (!is_curly_quote (c) && !g_unichar_isspace (c))
        {
          if (is_chinese (c))
            return TRUE;
          break;
        }
    }
  for (const char *q = p; q > text;)
    {
      gunichar c;

      q = g_utf8_prev_char (q);
      c = g_utf8_get_char (q);
      if (!is_curly_quote (c) && !g_unichar_isspace (c))
        return is_chinese (c);
    }
  return FALSE;
}

PangoAttrList *
bulletin_typography_label_attributes (const char *text,
                                      const char *bcp47)
{
  PangoAttrList *attrs;
  PangoAttribute *attr;
  BulletinScript script;
  g_autofree char *family = NULL;
  gboolean han = FALSE;
  gsize len;

  if (text == NULL)
    return NULL;
  len = strlen (text);
  for (const char *p = text; *p && !han; p = g_utf8_next_char (p))
    han = bulletin_unichar_is_han (g_utf8_get_char (p));
  if (!han)
    return NULL;

  /* a Chinese headline in an article tagged otherwise is still Chinese */
  script = bulletin_language_get_script (bcp47, text, len);
  if (script == BULLETIN_SCRIPT_LATIN)
    script = bulletin_language_get_script (NULL, text, len);
  if (script == BULLETIN_SCRIPT_LATIN)
    script = BULLETIN_SCRIPT_HANS;

  attrs = pango_attr_list_new ();
  attr = pango_attr_language_new (pango_language_from_string (bulletin_typesetter_language_for_script (script, NULL)));
  pango_attr_list_insert (attrs, attr);

  family = bulletin_typesetter_dup_family_list (NULL, TRUE, script);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (is_curly_quote (g_utf8_get_char (p)) && quote_in_chinese (text, text + len, p))
      {
        attr = pango_attr_family_new (family);
        attr->start_index = p - text;
        attr->end_index = g_utf8_next_char (p) - text;
        pango_attr_list_insert (attrs, attr);
      }
  return attrs;
}

/*
 * Pango's fontconfig font map keeps, for every font description it was
 * asked for, the fontset fontconfig sorted for it (for a CJK face with its
 * fallbacks, a few hundred patterns with their charsets), up to 256 of
 * them, and a HarfBuzz face (a mapping of the font file) for every face it
 * opened.  A day of reading in changing sizes and typefaces fills that
 * cache with fonts no longer shown: 10 to 12 MiB after a few thousand
 * actions of the scenario benchmark.  Clearing it costs the next layout of
 * every widget a new fontset for the fonts it shows (GTK does the same
 * when fontconfig's configuration changes); the fonts the layouts hold
 * stay valid.
 */
void
bulletin_typography_release_fonts (void)
{
#ifdef HAVE_PANGOFT2
  PangoFontMap *map = pango_cairo_font_map_get_default ();

  if (PANGO_IS_FC_FONT_MAP (map))
    pango_fc_font_map_cache_clear (PANGO_FC_FONT_MAP (map));
#endif
}
