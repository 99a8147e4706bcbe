/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bulletin-typesetter.h"
#include "bulletin-unicode.h"

/* The rules are those of ../shared/TYPOGRAPHY.md (see docs/typography.md):
 * the language tag the font stack honours on every character, an explicit
 * CJK family list, WORD_CHAR wrapping with allow-breaks = FALSE where
 * Pango's UAX #14 would break against Chinese rules, "halt" on the first of
 * two adjacent marks, a quarter-em gap at each Han<->Latin boundary, a 2 em
 * first-line indent, full justification and an even line pitch. */

static const BulletinRoleStyle role_styles[BULLETIN_N_BLOCK_KINDS] = {
  [BULLETIN_BLOCK_KICKER]        = { "bulletin-kicker",    1.0,  PANGO_WEIGHT_NORMAL,   FALSE, TRUE,  0.0, 0.4, 1.4, 0, FALSE },
  [BULLETIN_BLOCK_HEADLINE]      = { "bulletin-headline",  1.6,  PANGO_WEIGHT_BOLD,     TRUE,  TRUE,  0.2, 0.4, 1.3, 0, FALSE },
  [BULLETIN_BLOCK_SUBTITLE]      = { "bulletin-subtitle",  1.2,  PANGO_WEIGHT_NORMAL,   FALSE, TRUE,  0.0, 0.6, 1.4, 0, FALSE },
  [BULLETIN_BLOCK_BYLINE]        = { "bulletin-byline",    0.875, PANGO_WEIGHT_NORMAL,  TRUE,  FALSE, 0.6, 0.1, 1.5, 0, FALSE },
  [BULLETIN_BLOCK_DATELINE]      = { "bulletin-dateline",  0.875, PANGO_WEIGHT_BOLD,    TRUE,  FALSE, 0.1, 0.8, 1.5, 0, FALSE },
  [BULLETIN_BLOCK_SOURCE]        = { "bulletin-source",    0.875, PANGO_WEIGHT_NORMAL,  TRUE,  FALSE, 0.6, 0.6, 1.5, 0, FALSE },
  [BULLETIN_BLOCK_HEADING]       = { "bulletin-heading",   1.125, PANGO_WEIGHT_BOLD,    TRUE,  FALSE, 0.8, 0.4, 1.5, 0, FALSE },
  [BULLETIN_BLOCK_PARAGRAPH]     = { "bulletin-paragraph", 1.0,  PANGO_WEIGHT_NORMAL,   FALSE, FALSE, 0.0, 0.0, 0.0, 0, TRUE },
  [BULLETIN_BLOCK_QUOTE]         = { "bulletin-quote",     1.0,  PANGO_WEIGHT_NORMAL,   FALSE, FALSE, 0.0, 0.0, 0.0, 2, TRUE },
  [BULLETIN_BLOCK_LIST_ITEM]     = { "bulletin-list-item", 1.0,  PANGO_WEIGHT_NORMAL,   FALSE, FALSE, 0.0, 0.0, 0.0, 2, FALSE },
  [BULLETIN_BLOCK_FIGURE]        = { "bulletin-figure",    0.875, PANGO_WEIGHT_NORMAL,  TRUE,  TRUE,  0.4, 0.8, 1.5, 0, FALSE },
  [BULLETIN_BLOCK_SECTION_LABEL] = { "bulletin-section",   0.875, PANGO_WEIGHT_BOLD,    TRUE,  FALSE, 0.0, 0.4, 1.5, 0, FALSE },
};

const BulletinRoleStyle *
bulletin_typesetter_get_role_style (BulletinBlockKind kind)
{
  g_return_val_if_fail (kind < BULLETIN_N_BLOCK_KINDS, &role_styles[BULLETIN_BLOCK_PARAGRAPH]);

  return &role_styles[kind];
}

gboolean
bulletin_typesetter_is_head_kind (BulletinBlockKind kind)
{
  switch (kind)
    {
    case BULLETIN_BLOCK_KICKER:
    case BULLETIN_BLOCK_HEADLINE:
    case BULLETIN_BLOCK_SUBTITLE:
    case BULLETIN_BLOCK_BYLINE:
    case BULLETIN_BLOCK_SECTION_LABEL:
      return TRUE;
    default:
      return FALSE;
    }
}

guint
bulletin_typesetter_get_body_start (BulletinDisplayText *display)
{
  const BulletinSpan *spans;
  guint n_spans, i;

  spans = bulletin_display_text_get_spans (display, &n_spans);
  for (i = 0; i < n_spans && bulletin_typesetter_is_head_kind (spans[i].kind); i++)
    ;
  /* An article of headlines only has no body. */
  return i;
}

gboolean
bulletin_typesetter_is_run_in (BulletinDisplayText *display,
                               guint                index)
{
  /* the display text says, so that --display-text shows it too */
  return bulletin_display_text_is_run_in (display, index);
}

const char *
bulletin_typesetter_language_for_script (BulletinScript  script,
                                         const char     *font_tag)
{
  switch (script)
    {
    case BULLETIN_SCRIPT_HANS: return "zh-cn";
    case BULLETIN_SCRIPT_HANT: return "zh-tw";
    case BULLETIN_SCRIPT_HANT_HK: return "zh-hk";
    case BULLETIN_SCRIPT_LATIN:
    default:
      return font_tag != NULL ? font_tag : "en";
    }
}

char *
bulletin_typesetter_dup_family_list (const char     *family,
                                     gboolean        sans,
                                     BulletinScript  script)
{
  const char *list;

  /* Noto CJK (Debian, Fedora, Flathub runtimes), Source Han (Arch, many
   * hand installs), the Google Fonts single-region names, then the
   * fontconfig generic, which the language tag steers to a Chinese font. */
  switch (script)
    {
    case BULLETIN_SCRIPT_HANS:
      list = sans
        ? "Noto Sans CJK SC, Source Han Sans SC, Noto Sans SC, Source Han Sans CN, sans-serif"
        : "Noto Serif CJK SC, Source Han Serif SC, Noto Serif SC, Source Han Serif CN, serif";
      break;
    case BULLETIN_SCRIPT_HANT:
      list = sans
        ? "Noto Sans CJK TC, Source Han Sans TC, Noto Sans TC, Source Han Sans TW, sans-serif"
        : "Noto Serif CJK TC, Source Han Serif TC, Noto Serif TC, Source Han Serif TW, serif";
      break;
    case BULLETIN_SCRIPT_HANT_HK:
      list = sans
        ? "Noto Sans CJK HK, Source Han Sans HC, Noto Sans HK, Noto Sans CJK TC, sans-serif"
        : "Noto Serif CJK HK, Source Han Serif HC, Noto Serif HK, Noto Serif CJK TC, serif";
      break;
    case BULLETIN_SCRIPT_LATIN:
    default:
      list = sans
        ? "Noto Sans, Source Sans Pro, Cantarell, DejaVu Sans, sans-serif"
        : "Noto Serif, Source Serif Pro, Source Serif 4, DejaVu Serif, serif";
      break;
    }

  if (family != NULL && *family != '\0')
    return g_strdup_printf ("%s, %s", family, list);
  return g_strdup (list);
}

int
bulletin_typesetter_gap_units (double   em,
                               gboolean whole_pixels)
{
  /* Pango puts half of a letter-spacing on each side of the character:
   * on screen both halves in whole pixels, or justification (which works
   * in whole pixels with hinted metrics) falls short of the margin. */
  if (whole_pixels)
    return 2 * MAX (1, (int)round (em / 8)) * PANGO_SCALE;
  return (int)round (em / 4 * PANGO_SCALE);
}

/* Characters of the CJK punctuation set that may be compressed. */
static gboolean
is_cjk_mark (gunichar c)
{
  switch (c)
    {
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1B: case 0xFF1A: /* ，。、；： */
    case 0xFF1F: case 0xFF01:                                         /* ？！ */
    case 0x201C: case 0x201D: case 0x2018: case 0x2019:               /* “”‘’ */
    case 0xFF08: case 0xFF09:                                         /* （） */
    case 0x300A: case 0x300B: case 0x3008: case 0x3009:               /* 《》〈〉 */
    case 0x300C: case 0x300D: case 0x300E: case 0x300F:               /* 「」『』 */
    case 0x3010: case 0x3011: case 0x3014: case 0x3015:               /* 【】〔〕 */
      return TRUE;
    default:
      return FALSE;
    }
}

/* Full-width exclamation and question marks: never compressed. */
static gboolean
is_stop_mark (gunichar c)
{
  return c == 0xFF01 || c == 0xFF1F;
}

/* Latin letters and digits take a quarter-em gap from Han neighbours. */
static gboolean
is_western (gunichar c)
{
  return (c < 0x250 && g_unichar_isalnum (c)) || c == '%';
}

static gboolean
is_dash_or_ellipsis (gunichar c)
{
  return c == 0x2014 || c == 0x2015 || c == 0x2026 || c == 0x2E3A;
}

void
bulletin_typesetter_scan (const char       *text,
                          const char       *end,
                          guint             offset,
                          BulletinScript    script,
                          BulletinMarkFunc  func,
                          gpointer          user_data)
{
  guint start = offset;
  gint run_start = -1;  /* start of a run of dashes or ellipses */
  guint single = G_MAXUINT;  /* a lone Latin character that carries its gaps */
  guint halted = G_MAXUINT;  /* a second mark compressed with the first */

  if (script == BULLETIN_SCRIPT_LATIN)
    return;

  for (const char *p = text; p < end; p = g_utf8_next_char (p), offset++)
    {
      gunichar c = g_utf8_get_char (p);
      const char *n = g_utf8_next_char (p);
      gunichar next = n < end ? g_utf8_get_char (n) : 0;

      /* "Han·" stays together: Pango lets · start a line. */
      if (c == 0x00B7 && offset > start)
        func (BULLETIN_MARK_NO_BREAK, offset - 1, offset + 1, user_data);

      /* —— and …… are not split, and do not start a line. */
      if (is_dash_or_ellipsis (c))
        {
          if (run_start < 0)
            run_start = offset;
          if (!is_dash_or_ellipsis (next))
            {
              guint from = (guint)run_start > start ? (guint)run_start - 1 : (guint)run_start;

              if (offset + 1 - from > 1)
                func (BULLETIN_MARK_NO_BREAK, from, offset + 1, user_data);
              run_start = -1;
            }
        }

      /* Two marks side by side take 1.5 em: the first is set half-width,
       * unless it is a full-width ！ or ？, which are never compressed;
       * then the second is, when it can be ("！”"), and two of them
       * ("？！") keep their full width. */
      if (is_cjk_mark (c) && is_cjk_mark (next))
        {
          if (!is_stop_mark (c))
            {
              if (offset != halted)
                func (BULLETIN_MARK_HALT, offset, offset + 1, user_data);
            }
          else if (!is_stop_mark (next))
            {
              func (BULLETIN_MARK_HALT, offset + 1, offset + 2, user_data);
              halted = offset + 1;
            }
        }

      /* The quarter-em gap goes on the Han side of the boundary: Pango
       * puts half of a letter-spacing before the character and half after
       * it, so on the Latin side the other half would open a gap inside a
       * word or a number ("12 0").  bulletin_typesetter_fix_gaps() then
       * moves the Han glyph so that the whole gap is on the Latin side. */
      if (next != 0 && bulletin_unichar_is_han (c) && is_western (next))
        {
          const char *nn = g_utf8_next_char (n);
          gunichar after = nn < end ? g_utf8_get_char (nn) : 0;

          /* A lone letter or digit between two Han characters ("3位")
           * carries both its gaps: Pango's halves then fall one on each
           * side of it, both at a boundary, on screen too. */
          if (bulletin_unichar_is_han (after))
            {
              single = offset + 1;
              func (BULLETIN_MARK_GAP_BOTH, offset + 1, offset + 2, user_data);
            }
          else
            func (BULLETIN_MARK_GAP_AFTER, offset, offset + 1, user_data);
        }
      else if (next != 0 && is_western (c) && bulletin_unichar_is_han (next) && offset != single)
        {
          const char *nn = g_utf8_next_char (n);
          gunichar after = nn < end ? g_utf8_get_char (nn) : 0;

          /* A Han character glued to a dash or a middle dot after it must
           * keep the attributes of what it is glued to: a break is only
           * kept out from inside one run of attributes. */
          if (is_dash_or_ellipsis (after) || after == 0x00B7)
            func (BULLETIN_MARK_GAP_AFTER, offset, offset + 1, user_data);
          else
            func (BULLETIN_MARK_GAP_BEFORE, offset + 1, offset + 2, user_data);
        }
    }
}

/* The typesetter for paper and images */

struct _BulletinTypesetter {
  BulletinDisplayText *display;
  BulletinScript       script;
  char                *language;
  char                *family;       /* body */
  char                *sans_family;  /* Hei roles */
  double               size;
  double               line_spacing; /* em */
  guint               *byte_offsets; /* display character offset -> byte */
  guint                n_chars;
};

BulletinTypesetter *
bulletin_typesetter_new (BulletinDisplayText *display,
                         const char          *family,
                         gboolean             sans,
                         double               size)
{
  BulletinTypesetter *self = g_new0 (BulletinTypesetter, 1);
  BulletinArticle *article = bulletin_display_text_get_article (display);
  gsize len;
  const char *text = bulletin_display_text_get_text (display, &len);
  const char *language = bulletin_article_get_language (article);
  gsize sample = MIN (len, 60000);
  g_autofree char *font_tag = bulletin_language_to_font_tag (language, text, sample);
  guint i = 0;

  self->display = bulletin_display_text_ref (display);
  self->script = bulletin_language_get_script (language, text, sample);
  self->language = g_strdup (bulletin_typesetter_language_for_script (self->script, font_tag));
  self->family = bulletin_typesetter_dup_family_list (family, sans, self->script);
  self->sans_family = bulletin_typesetter_dup_family_list (sans ? family : NULL, TRUE, self->script);
  self->size = size;
  self->line_spacing = 1.75;

  self->n_chars = bulletin_display_text_get_length (display);
  self->byte_offsets = g_new (guint, self->n_chars + 1);
  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    self->byte_offsets[i++] = p - text;
  g_assert (i == self->n_chars);
  self->byte_offsets[i] = len;
  return self;
}

void
bulletin_typesetter_free (BulletinTypesetter *self)
{
  if (self == NULL)
    return;
  bulletin_display_text_unref (self->display);
  g_free (self->language);
  g_free (self->family);
  g_free (self->sans_family);
  g_free (self->byte_offsets);
  g_free (self);
}

BulletinDisplayText *
bulletin_typesetter_get_display (BulletinTypesetter *self)
{
  return self->display;
}

BulletinScript
bulletin_typesetter_get_script (BulletinTypesetter *self)
{
  return self->script;
}

const char *
bulletin_typesetter_get_language (BulletinTypesetter *self)
{
  return self->language;
}

double
bulletin_typesetter_get_size (BulletinTypesetter *self)
{
  return self->size;
}

void
bulletin_typesetter_set_line_spacing (BulletinTypesetter *self,
                                      double              em)
{
  self->line_spacing = CLAMP (em, 1.5, 2.0);
}

double
bulletin_typesetter_get_pitch (BulletinTypesetter *self)
{
  return self->line_spacing * self->size;
}

typedef struct {
  BulletinTypesetter *self;
  PangoAttrList      *attrs;
  guint               base;     /* byte offset of the layout's text */
  int                 gap;      /* letter-spacing of the span, Pango units */
  GArray             *gaps;     /* GapGlyph, or NULL */
} MarkData;

/* A glyph that carries a gap: byte index in the layout's text, side. */
typedef struct {
  guint index;
  int   side;     /* +1: the gap is after it; -1: before it; 0: both */
  int   spacing;  /* its letter-spacing */
} GapGlyph;

static void
insert_range (MarkData       *data,
              PangoAttribute *attr,
              guint           start,
              guint           end)
{
  attr->start_index = data->self->byte_offsets[start] - data->base;
  attr->end_index = data->self->byte_offsets[end] - data->base;
  pango_attr_list_change (data->attrs, attr);
}

static void
mark_cb (BulletinMark mark,
         guint        start,
         guint        end,
         gpointer     user_data)
{
  MarkData *data = user_data;

  switch (mark)
    {
    case BULLETIN_MARK_NO_BREAK:
      insert_range (data, pango_attr_allow_breaks_new (FALSE), start, end);
      break;
    case BULLETIN_MARK_HALT:
      insert_range (data, pango_attr_font_features_new ("halt 1"), start, end);
      break;
    case BULLETIN_MARK_GAP_BOTH:
      /* twice the gap: half before, half after, no glyph to move */
      insert_range (data, pango_attr_letter_spacing_new (2 * data->gap), start, end);
      break;
    case BULLETIN_MARK_GAP_AFTER:
    case BULLETIN_MARK_GAP_BEFORE:
      insert_range (data, pango_attr_letter_spacing_new (data->gap), start, end);
      if (data->gaps != NULL)
        {
          GapGlyph glyph = { data->self->byte_offsets[start] - data->base,
                             mark == BULLETIN_MARK_GAP_AFTER ? 1 : -1, data->gap };
          GapGlyph *last = data->gaps->len > 0
            ? &g_array_index (data->gaps, GapGlyph, data->gaps->len - 1) : NULL;

          /* Han between two Latin runs: a gap on each side, as Pango
           * lays it out. */
          if (last != NULL && last->index == glyph.index)
            last->side = 0;
          else
            g_array_append_val (data->gaps, glyph);
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

static PangoAttrList *
build_attrs (BulletinTypesetter *self,
             guint               start,
             guint               end,
             GArray             *gaps)
{
  const BulletinSpan *spans;
  guint n_spans;
  const char *text = bulletin_display_text_get_text (self->display, NULL);
  MarkData data = { self, pango_attr_list_new (), self->byte_offsets[start], 0, gaps };
  PangoAttribute *attr;

  g_return_val_if_fail (start <= end && end <= self->n_chars, data.attrs);

  /* Language, family and size on every character, separators included. */
  attr = pango_attr_language_new (pango_language_from_string (self->language));
  pango_attr_list_insert (data.attrs, attr);
  attr = pango_attr_family_new (self->family);
  pango_attr_list_insert (data.attrs, attr);
  attr = pango_attr_size_new_absolute ((int)round (self->size * PANGO_SCALE));
  pango_attr_list_insert (data.attrs, attr);
  attr = pango_attr_insert_hyphens_new (FALSE);
  pango_attr_list_insert (data.attrs, attr);

  spans = bulletin_display_text_get_spans (self->display, &n_spans);
  for (guint i = 0; i < n_spans; i++)
    {
      const BulletinRoleStyle *style = &role_styles[spans[i].kind];
      guint a = MAX (spans[i].start, start), b = MIN (spans[i].end, end);

      if (spans[i].end <= start)
        continue;
      if (spans[i].start >= end)
        break;
      if (a >= b)
        continue;

      if (style->scale != 1.0)
        insert_range (&data, pango_attr_size_new_absolute ((int)round (self->size * style->scale * PANGO_SCALE)), a, b);
      if (style->sans)
        insert_range (&data, pango_attr_family_new (self->sans_family), a, b);
      if (style->weight != PANGO_WEIGHT_NORMAL)
        insert_range (&data, pango_attr_weight_new (style->weight), a, b);
      if (spans[i].kind == BULLETIN_BLOCK_QUOTE && self->script == BULLETIN_SCRIPT_LATIN)
        insert_range (&data, pango_attr_style_new (PANGO_STYLE_ITALIC), a, b);

      data.gap = bulletin_typesetter_gap_units (self->size * style->scale, FALSE);
      bulletin_typesetter_scan (text + self->byte_offsets[a], text + self->byte_offsets[b], a,
                                self->script, mark_cb, &data);
    }
  return data.attrs;
}

PangoAttrList *
bulletin_typesetter_dup_attrs (BulletinTypesetter *self,
                               guint               start,
                               guint               end)
{
  g_return_val_if_fail (self != NULL, NULL);

  return build_attrs (self, start, MIN (end, self->n_chars), NULL);
}

#define GAPS_KEY "bulletin-typesetter-gaps"

static PangoLayout *
new_layout (BulletinTypesetter *self,
            PangoContext       *context,
            guint               start,
            guint               end,
            double              width)
{
  const char *text = bulletin_display_text_get_text (self->display, NULL);
  PangoLayout *layout = pango_layout_new (context);
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (GapGlyph));
  PangoAttrList *attrs = build_attrs (self, start, end, gaps);

  pango_layout_set_text (layout, text + self->byte_offsets[start],
                         self->byte_offsets[end] - self->byte_offsets[start]);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (layout, (int)floor (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  g_object_set_data_full (G_OBJECT (layout), GAPS_KEY, g_steal_pointer (&gaps), (GDestroyNotify)g_array_unref);
  return layout;
}

PangoLayout *
bulletin_typesetter_new_text_layout (BulletinTypesetter *self,
                                     PangoContext       *context,
                                     const char         *text,
                                     double              scale,
                                     gboolean            sans,
                                     PangoWeight         weight,
                                     double              width)
{
  PangoLayout *layout = pango_layout_new (context);
  g_autoptr(PangoFontDescription) desc = pango_font_description_new ();
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_font_description_set_family (desc, sans ? self->sans_family : self->family);
  pango_font_description_set_absolute_size (desc, self->size * scale * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_attr_list_insert (attrs, pango_attr_language_new (pango_language_from_string (self->language)));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int)floor (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  return layout;
}

void
bulletin_typesetter_get_metrics (BulletinTypesetter *self,
                                 PangoContext       *context,
                                 double              scale,
                                 gboolean            sans,
                                 PangoWeight         weight,
                                 double             *ascent,
                                 double             *descent)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_new ();
  PangoFontMetrics *metrics;

  pango_font_description_set_family (desc, sans ? self->sans_family : self->family);
  pango_font_description_set_absolute_size (desc, self->size * scale * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  metrics = pango_context_get_metrics (context, desc, pango_language_from_string (self->language));
  *ascent = (double)pango_font_metrics_get_ascent (metrics) / PANGO_SCALE;
  *descent = (double)pango_font_metrics_get_descent (metrics) / PANGO_SCALE;
  pango_font_metrics_unref (metrics);
}

static void
set_block_clear (gpointer data)
{
  BulletinSetBlock *block = data;

  g_clear_object (&block->layout);
}

GArray *
bulletin_typesetter_set_blocks (BulletinTypesetter *self,
                                PangoContext       *context,
                                double              width,
                                guint               start,
                                guint               end)
{
  return bulletin_typesetter_set_span_blocks (self, context, width, 0, G_MAXUINT, start, end);
}

GArray *
bulletin_typesetter_set_span_blocks (BulletinTypesetter *self,
                                     PangoContext       *context,
                                     double              width,
                                     guint               first_span,
                                     guint               end_span,
                                     guint               start,
                                     guint               end)
{
  const BulletinSpan *spans;
  guint n_spans, body_start;
  GArray *blocks = g_array_new (FALSE, TRUE, sizeof (BulletinSetBlock));
  gboolean cjk = self->script != BULLETIN_SCRIPT_LATIN;
  double em = self->size;

  g_array_set_clear_func (blocks, set_block_clear);

  spans = bulletin_display_text_get_spans (self->display, &n_spans);
  body_start = bulletin_typesetter_get_body_start (self->display);
  end = MIN (end, self->n_chars);

  end_span = MIN (end_span, n_spans);
  for (guint i = first_span; i < end_span; i++)
    {
      const BulletinRoleStyle *style;
      BulletinSetBlock block = { 0 };
      guint a, b, last = i;
      double margin;

      if (spans[i].end <= start || spans[i].start >= end)
        continue;

      /* A dateline runs into its paragraph (when the selection has both). */
      if (bulletin_typesetter_is_run_in (self->display, i) && spans[i + 1].start < end)
        last = i + 1;

      a = MAX (spans[i].start, start);
      b = MIN (spans[last].end, end);
      if (a >= b)
        continue;

      block.kind = spans[last].kind;
      style = &role_styles[block.kind];
      block.first_span = i;
      block.n_spans = last - i + 1;
      block.start = a;
      block.end = b;
      margin = style->margin * em;
      block.layout = new_layout (self, context, a, b, width - 2 * margin);
      if (style->pitch > 0)
        block.pitch = style->pitch * em * style->scale;
      else
        block.pitch = bulletin_typesetter_get_pitch (self);
      block.above = style->above * em;
      block.below = style->below * em + (cjk || style->pitch > 0 ? 0 : 0.6 * em);
      /* The one rule between the headline block and the body. */
      if (i == body_start && i > 0 && start <= spans[0].start)
        block.above = BULLETIN_TYPESETTER_HEADLINE_GAP_EM * em;
      if (i + 1 == body_start || (last + 1 == body_start))
        block.below = 0;

      pango_layout_set_indent (block.layout, style->indent && cjk && a == spans[i].start
                                             ? (int)round (2 * em * PANGO_SCALE) : 0);
      if (style->centred)
        pango_layout_set_alignment (block.layout, PANGO_ALIGN_CENTER);
      else
        pango_layout_set_justify (block.layout, cjk && style->pitch == 0);

      if (last > i)
        {
          /* The run-in dateline: bold, in the body face and size, and
           * its separator a full-width space, not a line break. */
          PangoAttrList *attrs = pango_layout_get_attributes (block.layout);
          g_autoptr(GString) text = g_string_new (pango_layout_get_text (block.layout));
          guint sep = self->byte_offsets[spans[i].end] - self->byte_offsets[a];
          PangoAttribute *attr;
          g_autoptr(PangoAttrList) copy = pango_attr_list_copy (attrs);
          GArray *gaps = g_object_get_data (G_OBJECT (block.layout), GAPS_KEY);
          const char *separator = bulletin_display_text_get_run_in_separator (self->display);
          int delta;

          g_string_erase (text, sep, 1);
          g_string_insert (text, sep, separator);
          delta = (int)strlen (separator) - 1;
          pango_attr_list_update (copy, sep, 1, strlen (separator));
          attr = pango_attr_size_new_absolute ((int)round (em * PANGO_SCALE));
          attr->start_index = 0;
          attr->end_index = sep;
          pango_attr_list_change (copy, attr);
          attr = pango_attr_family_new (self->sans_family);
          attr->start_index = 0;
          attr->end_index = sep;
          pango_attr_list_change (copy, attr);
          for (guint g = 0; g < gaps->len; g++)
            if (g_array_index (gaps, GapGlyph, g).index > sep)
              g_array_index (gaps, GapGlyph, g).index += delta;
          pango_layout_set_text (block.layout, text->str, text->len);
          pango_layout_set_attributes (block.layout, copy);
          block.above = role_styles[BULLETIN_BLOCK_PARAGRAPH].above * em;
          if (i == body_start && i > 0 && start <= spans[0].start)
            block.above = BULLETIN_TYPESETTER_HEADLINE_GAP_EM * em;
          pango_layout_set_indent (block.layout, cjk ? (int)round (2 * em * PANGO_SCALE) : 0);
          pango_layout_set_justify (block.layout, cjk);
        }

      bulletin_typesetter_fix_gaps (block.layout);
      g_array_append_val (blocks, block);
      i = last;
    }
  return blocks;
}

/* Pango lays out a letter-spacing as half before the glyph (in its
 * x_offset) and half after it, and trims the outer half at a line's
 * edges.  Here each gap glyph is moved inside its advance so that all of
 * the space is on its Latin side; at a line's edge, where no gap is due,
 * the space left is shared out over the line's other glyphs, so that a
 * justified line still reaches the margin. */
void
bulletin_typesetter_fix_gaps (PangoLayout *layout)
{
  GArray *gaps = g_object_get_data (G_OBJECT (layout), GAPS_KEY);
  const char *text = pango_layout_get_text (layout);
  guint g = 0;

  if (gaps == NULL || gaps->len == 0)
    return;

  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      guint line_end = line->start_index + line->length;
      int spare = 0;
      int n_glyphs = 0;

      while (g < gaps->len && g_array_index (gaps, GapGlyph, g).index < (guint)line->start_index)
        g++;

      for (GSList *r = line->runs; r != NULL; r = r->next)
        {
          PangoGlyphItem *run = r->data;
          PangoGlyphString *glyphs = run->glyphs;

          n_glyphs += glyphs->num_glyphs;
          for (guint k = g; k < gaps->len; k++)
            {
              GapGlyph *gap = &g_array_index (gaps, GapGlyph, k);
              PangoGlyphGeometry *geometry = NULL;
              int cluster, left, right;
              gboolean at_start, at_end;

              if (gap->index >= line_end)
                break;
              if (gap->side == 0 ||
                  gap->index < (guint)run->item->offset ||
                  gap->index >= (guint)(run->item->offset + run->item->length))
                continue;
              cluster = gap->index - run->item->offset;
              for (int j = 0; j < glyphs->num_glyphs; j++)
                if (glyphs->log_clusters[j] == cluster)
                  {
                    geometry = &glyphs->glyphs[j].geometry;
                    break;
                  }
              if (geometry == NULL)
                continue;

              /* As Pango's distribute_letter_spacing () splits it. */
              left = gap->spacing / 2;
              if ((gap->spacing & (PANGO_SCALE - 1)) == 0)
                left = PANGO_UNITS_ROUND (left);
              right = gap->spacing - left;
              at_start = r == line->runs && gap->index == (guint)line->start_index;
              at_end = r->next == NULL &&
                       gap->index + (guint)(g_utf8_next_char (text + gap->index) - (text + gap->index)) >= line_end;
              if (gap->side > 0)
                {
                  /* All of it after the glyph: the half before moves
                   * behind it, the half Pango trimmed at a line's start
                   * comes back; none at a line's end. */
                  if (at_end)
                    {
                      int cur = at_start ? 0 : left;

                      geometry->x_offset -= cur;
                      geometry->width -= cur;
                      spare += cur;
                    }
                  else if (at_start)
                    {
                      geometry->width += left;
                      spare -= left;
                    }
                  else
                    geometry->x_offset -= left;
                }
              else
                {
                  /* All of it before the glyph; none at a line's start. */
                  if (at_start)
                    {
                      int cur = at_end ? 0 : right;

                      geometry->width -= cur;
                      spare += cur;
                    }
                  else if (at_end)
                    {
                      geometry->x_offset += right;
                      geometry->width += right;
                      spare -= right;
                    }
                  else
                    geometry->x_offset += right;
                }
            }
        }

      /* Space taken from a line's edge goes to the line's other glyphs. */
      if (spare != 0 && n_glyphs > 1 && pango_layout_get_justify (layout) &&
          l->next != NULL)
        {
          int each = spare / (n_glyphs - 1), rest = spare - each * (n_glyphs - 1);
          int seen = 0;

          /* the remainder one unit at a time, signed */
          rest = ABS (rest);

          for (GSList *r = line->runs; r != NULL; r = r->next)
            {
              PangoGlyphString *glyphs = ((PangoGlyphItem *)r->data)->glyphs;

              for (int j = 0; j < glyphs->num_glyphs; j++, seen++)
                if (seen < n_glyphs - 1)
                  glyphs->glyphs[j].geometry.width += each + (seen < rest ? (spare > 0 ? 1 : -1) : 0);
            }
        }
    }
}
