/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The typesetter on PangoLayouts, independent of the window: where the
 * Han-Latin gap lands, the run-in dateline, the one headline gap (on
 * paper, and in the reader's GtkTextView, whose tags come from the same
 * rules). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "bulletin-paginator.h"
#include "bulletin-test-utils.h"
#include "bulletin-typesetter.h"
#include "bulletin-typography.h"
#include "bulletin-ui-test-utils.h"

typedef struct {
  BulletinBlockKind kind;
  const char       *text;
} Piece;

static BulletinArticle *
make_article (const Piece *pieces,
              guint        n_pieces,
              const char  *language)
{
  BulletinArticle *article = bulletin_article_new ();

  for (guint i = 0; i < n_pieces; i++)
    {
      bulletin_article_append_block (article, pieces[i].kind, pieces[i].text, -1);
      if (pieces[i].kind == BULLETIN_BLOCK_HEADLINE)
        bulletin_article_set_headline (article, pieces[i].text);
    }
  bulletin_article_set_language (article, language);
  bulletin_article_finish (article);
  return article;
}

static const char gap_text[] =
  "小区居民反映，加装电梯30台的工作进展顺利，目前已有11台投入使用。"
  "城南苑小区12号楼的居民说，COVID-19疫情期间有25名党员报名，"
  "参与率达到2.3%以上，其中有3位是90后，还有Wi-Fi信号覆盖。"
  "徐汇区共有120个小区完成改造，比去年多出40个左右。";

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

static gboolean
is_western (gunichar c)
{
  return (c < 0x250 && g_unichar_isalnum (c)) || c == '%';
}

/* Where each character's glyph is drawn on its line: byte index -> x
 * (Pango units, from the line's start), from the runs' glyph strings. */
static GHashTable *
glyph_origins (PangoLayout *layout)
{
  GHashTable *origins = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      PangoRectangle logical;
      int x;

      if (run == NULL)
        continue;
      pango_layout_iter_get_run_extents (iter, NULL, &logical);
      x = logical.x;
      for (int j = 0; j < run->glyphs->num_glyphs; j++)
        {
          int index = run->item->offset + run->glyphs->log_clusters[j];
          int *value = g_new (int, 1);

          *value = x + run->glyphs->glyphs[j].geometry.x_offset;
          if (!g_hash_table_contains (origins, GINT_TO_POINTER (index)))
            g_hash_table_insert (origins, GINT_TO_POINTER (index), value);
          else
            g_free (value);
          x += run->glyphs->glyphs[j].geometry.width;
        }
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
  return origins;
}

/* Checks that, on every line, the space between two adjacent characters
 * is the line's justification space plus a quarter em at a Han-Latin
 * boundary and nothing more anywhere else.  Returns the number of
 * misplaced gaps (0: all is well), counting boundaries in @n_boundaries. */
static guint
check_gaps (PangoLayout *layout,
            PangoLayout *natural,
            double       em,
            guint       *n_boundaries)
{
  const char *text = pango_layout_get_text (layout);
  g_autoptr(GHashTable) origins = glyph_origins (layout);
  g_autoptr(GHashTable) natural_origins = glyph_origins (natural);
  guint misplaced = 0;
  double quarter = em / 4 * PANGO_SCALE;

  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      const char *start = text + line->start_index, *end = start + line->length;
      g_autoptr(GArray) extra = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) boundary = g_array_new (FALSE, FALSE, sizeof (gboolean));
      g_autoptr(GArray) sorted = NULL;
      gboolean has_latin = FALSE;
      double justify;

      for (const char *p = start; p < end; p = g_utf8_next_char (p))
        has_latin |= is_western (g_utf8_get_char (p));
      if (!has_latin)
        continue;

      /* the space after each character that has a neighbour on the line */
      for (const char *p = start; g_utf8_next_char (p) < end; p = g_utf8_next_char (p))
        {
          const char *n = g_utf8_next_char (p);
          gunichar a = g_utf8_get_char (p), b = g_utf8_get_char (n);
          int *x0 = g_hash_table_lookup (origins, GINT_TO_POINTER (p - text));
          int *x1 = g_hash_table_lookup (origins, GINT_TO_POINTER (n - text));
          int *n0 = g_hash_table_lookup (natural_origins, GINT_TO_POINTER (p - text));
          int *n1 = g_hash_table_lookup (natural_origins, GINT_TO_POINTER (n - text));
          double space;
          gboolean at = (is_han (a) && is_western (b)) || (is_western (a) && is_han (b));

          g_assert_nonnull (x0);
          g_assert_nonnull (x1);
          g_assert_nonnull (n0);
          g_assert_nonnull (n1);
          space = (*x1 - *x0) - (*n1 - *n0);
          g_array_append_val (extra, space);
          g_array_append_val (boundary, at);
        }

      /* the justification space: the median of the line's spaces */
      sorted = g_array_copy (extra);
      {
        double *v = (double *)(void *)sorted->data;

        for (guint i = 1; i < sorted->len; i++)
          for (guint k = i; k > 0 && v[k - 1] > v[k]; k--)
            {
              double t = v[k];

              v[k] = v[k - 1];
              v[k - 1] = t;
            }
        justify = v[sorted->len / 2];
      }

      for (guint i = 0; i < extra->len; i++)
        {
          double want = justify + (g_array_index (boundary, gboolean, i) ? quarter : 0);
          double got = g_array_index (extra, double, i);

          if (g_array_index (boundary, gboolean, i))
            (*n_boundaries)++;
          if (fabs (got - want) > 0.04 * em * PANGO_SCALE)
            {
              g_test_message ("line “%.*s”: %.2f em after character %u, want %.2f em",
                              (int)line->length, start, got / PANGO_SCALE / em, i,
                              want / PANGO_SCALE / em);
              misplaced++;
            }
        }
    }
  return misplaced;
}

static void
test_gap_side (void)
{
  const Piece pieces[] = {
    { BULLETIN_BLOCK_HEADLINE, "加装电梯30台" },
    { BULLETIN_BLOCK_PARAGRAPH, gap_text },
  };
  g_autoptr(BulletinArticle) article = make_article (pieces, G_N_ELEMENTS (pieces), "zh-CN");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(BulletinTypesetter) typesetter = bulletin_typesetter_new (display, NULL, FALSE, 10.5);
  const BulletinSpan *spans;
  guint n_spans, total = 0;

  spans = bulletin_display_text_get_spans (display, &n_spans);

  /* Widths from 12 to 40 em: every line with Latin text. */
  for (double width = 12; width <= 40; width += 1.25)
    {
      g_autoptr(GArray) blocks = bulletin_typesetter_set_blocks (typesetter, PANGO_CONTEXT (context),
                                                                 width * 10.5, 0, G_MAXUINT);
      BulletinSetBlock *para = &g_array_index (blocks, BulletinSetBlock, 1);
      g_autoptr(PangoLayout) natural = pango_layout_new (PANGO_CONTEXT (context));
      g_autoptr(PangoAttrList) attrs = NULL;
      g_autoptr(PangoLayout) unfixed = NULL;
      guint boundaries = 0, unfixed_boundaries = 0;

      g_assert_cmpuint (para->kind, ==, BULLETIN_BLOCK_PARAGRAPH);

      /* The natural advances: the same attributes without letter-spacing,
       * on one line. */
      attrs = bulletin_typesetter_dup_attrs (typesetter, spans[1].start, spans[1].end);
      {
        PangoAttrList *copy = pango_attr_list_new ();
        PangoAttrIterator *ai = pango_attr_list_get_iterator (attrs);

        do
          {
            GSList *all = pango_attr_iterator_get_attrs (ai);

            for (GSList *a = all; a != NULL; a = a->next)
              {
                PangoAttribute *attr = a->data;

                if (attr->klass->type == PANGO_ATTR_LETTER_SPACING)
                  pango_attribute_destroy (attr);
                else
                  pango_attr_list_change (copy, attr);
              }
            g_slist_free (all);
          }
        while (pango_attr_iterator_next (ai));
        pango_attr_iterator_destroy (ai);
        pango_layout_set_text (natural, pango_layout_get_text (para->layout), -1);
        pango_layout_set_attributes (natural, copy);
        pango_attr_list_unref (copy);
      }

      g_assert_cmpuint (check_gaps (para->layout, natural, 10.5, &boundaries), ==, 0);
      g_assert_cmpuint (boundaries, >, 0);
      total += boundaries;

      /* The same layout as Pango sets it, without moving the glyphs:
       * half of each gap lands on the wrong side (the check can fail). */
      unfixed = pango_layout_copy (para->layout);
      if (width == 12)
        g_assert_cmpuint (check_gaps (unfixed, natural, 10.5, &unfixed_boundaries), >, 0);
    }
  g_test_message ("%u Han-Latin boundaries measured", total);
}

/* On screen the gap is a character of its own at each boundary (shown
 * here as "|"), which carries the gap tag: one at each side of a lone
 * digit, and one at each end of a run, none inside it; the buffer's text
 * without them is the display text. */
static void
test_gap_screen_lone (void)
{
  const Piece pieces[] = {
    { BULLETIN_BLOCK_PARAGRAPH, "其中共有3位是老师，目前已有11台投入使用。" },
  };
  g_autoptr(BulletinArticle) article = make_article (pieces, G_N_ELEMENTS (pieces), "zh-CN");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  BulletinReadingSettings settings;
  GtkTextTag *gap;
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autofree char *text = NULL;
  GtkTextIter iter, end;
  guint n_gaps = 0;

  bulletin_reading_settings_init_default (&settings);
  bulletin_typography_fill_buffer (buffer, display, &settings);
  gap = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_TAG_GAP);
  g_assert_nonnull (gap);
  for (gtk_text_buffer_get_start_iter (buffer, &iter); !gtk_text_iter_is_end (&iter); gtk_text_iter_forward_char (&iter))
    {
      gboolean is_gap = bulletin_typography_iter_is_gap (&iter);

      g_assert_cmpint (is_gap, ==, gtk_text_iter_get_char (&iter) == BULLETIN_TYPOGRAPHY_GAP_CHAR);
      g_assert_cmpint (is_gap, ==, gtk_text_iter_has_tag (&iter, gap));
      if (is_gap)
        n_gaps++;
      g_string_append_unichar (shown, is_gap ? '|' : gtk_text_iter_get_char (&iter));
    }
  g_assert_cmpstr (shown->str, ==, "其中共有|3|位是老师，目前已有|11|台投入使用。");
  g_assert_cmpuint (n_gaps, ==, 4);

  gtk_text_buffer_get_bounds (buffer, &iter, &end);
  text = bulletin_typography_dup_text (&iter, &end);
  g_assert_cmpstr (text, ==, bulletin_display_text_get_text (display, NULL));

  /* display offsets and back: 3 is display character 4, buffer 5 */
  bulletin_typography_get_iter_at_display (buffer, &iter, 4);
  g_assert_cmpint (gtk_text_iter_get_char (&iter), ==, '3');
  g_assert_cmpuint (bulletin_typography_get_display_offset (&iter), ==, 4);
  bulletin_typography_get_iter_at_display_end (buffer, &iter, 4);
  g_assert_true (bulletin_typography_iter_is_gap (&iter));
  g_assert_cmpuint (bulletin_typography_get_display_offset (&iter), ==, 4);
  /* "11" is display [14, 16): a range of it takes no gap character */
  bulletin_typography_get_iter_at_display (buffer, &iter, 14);
  bulletin_typography_get_iter_at_display_end (buffer, &end, 16);
  g_free (text);
  text = bulletin_typography_dup_text (&iter, &end);
  g_assert_cmpstr (text, ==, "11");
  g_assert_cmpint (gtk_text_iter_get_offset (&end) - gtk_text_iter_get_offset (&iter), ==, 2);
  for (guint d = 0; d <= bulletin_display_text_get_length (display); d++)
    {
      bulletin_typography_get_iter_at_display (buffer, &iter, d);
      g_assert_cmpuint (bulletin_typography_get_display_offset (&iter), ==, d);
      g_assert_false (bulletin_typography_iter_is_gap (&iter));
    }
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

/* Copying a selection across boundaries (Ctrl+C, the menu's Copy: the
 * view's copy-clipboard; the primary selection) gives the display text,
 * without the gap characters. */
static void
test_gap_screen_copy (void)
{
  const Piece pieces[] = {
    { BULLETIN_BLOCK_PARAGRAPH, "小区有25名党员报名，A栋和BC栋。" },
  };
  g_autoptr(BulletinArticle) article = make_article (pieces, G_N_ELEMENTS (pieces), "zh-CN");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  BulletinReadingSettings settings;
  GtkTextIter s, e;
  g_autofree char *copied = NULL;

  bulletin_reading_settings_init_default (&settings);
  gtk_window_set_child (GTK_WINDOW (window), view);
  bulletin_typography_configure_view (GTK_TEXT_VIEW (view), &settings);
  bulletin_typography_fill_buffer (buffer, display, &settings);
  bulletin_typography_copy_without_gaps (GTK_TEXT_VIEW (view));
  gtk_window_present (GTK_WINDOW (window));
  bulletin_test_iterate (50);

  /* 有25名党员报名，A栋 */
  bulletin_typography_get_iter_at_display (buffer, &s, 2);
  bulletin_typography_get_iter_at_display_end (buffer, &e, 13);
  gtk_text_buffer_select_range (buffer, &s, &e);
  /* 11 characters and 3 gap characters (none between ， and A) */
  g_assert_cmpint (gtk_text_iter_get_offset (&e) - gtk_text_iter_get_offset (&s), ==, 11 + 3);
  g_signal_emit_by_name (view, "copy-clipboard");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (view), NULL, read_text_cb, &copied);
  while (copied == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (copied, ==, "有25名党员报名，A栋");

  /* the primary selection (middle-click paste) too, once the selection
   * settles */
  g_clear_pointer (&copied, g_free);
  bulletin_typography_get_iter_at_display (buffer, &s, 11);
  bulletin_typography_get_iter_at_display_end (buffer, &e, 16);
  /* the primary selection is the X server's, shared with the other tests
   * running beside this one: read it only while this view holds it */
  for (guint tries = 0; tries < 100; tries++)
    {
      GdkClipboard *primary = gtk_widget_get_primary_clipboard (view);

      g_clear_pointer (&copied, g_free);
      gtk_text_buffer_select_range (buffer, &e, &e);
      gtk_text_buffer_select_range (buffer, &s, &e);
      bulletin_test_iterate (50);
      if (!gdk_clipboard_is_local (primary))
        continue;
      gdk_clipboard_read_text_async (primary, NULL, read_text_cb, &copied);
      while (copied == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (gdk_clipboard_is_local (primary))
        break;
    }
  g_assert_cmpstr (copied, ==, "A栋和BC");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* For a person to look at: the sample bulletin's paragraph with "25名"
 * in the reader's view, as BULLETIN_ARTIFACTS_DIR/@name. */
static void
save_sample_paragraph (const char *name)
{
  const char *shared = bulletin_test_get_shared_dir ();
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *paragraph = NULL;
  BulletinReadingSettings settings;

  if (g_getenv ("BULLETIN_ARTIFACTS_DIR") == NULL || shared == NULL)
    return;
  path = g_build_filename (shared, "samples", "000_1b466bc7855b1717.txt", NULL);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && paragraph == NULL; i++)
    if (strstr (lines[i], "25名") != NULL)
      paragraph = lines[i];
  g_assert_nonnull (paragraph);

  bulletin_reading_settings_init_default (&settings);
  {
    Piece pieces[] = { { BULLETIN_BLOCK_PARAGRAPH, paragraph } };
    g_autoptr(BulletinArticle) article = make_article (pieces, 1, "zh-CN");
    g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
    GtkWidget *window = gtk_window_new ();
    GtkWidget *view = gtk_text_view_new ();
    g_autoptr(GdkTexture) texture = NULL;
    g_autofree char *out = g_build_filename (g_getenv ("BULLETIN_ARTIFACTS_DIR"), name, NULL);

    gtk_window_set_default_size (GTK_WINDOW (window), 700, 300);
    gtk_window_set_child (GTK_WINDOW (window), view);
    bulletin_typography_configure_view (GTK_TEXT_VIEW (view), &settings);
    bulletin_typography_fill_buffer (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), display, &settings);
    gtk_window_present (GTK_WINDOW (window));
    bulletin_test_iterate (200);
    texture = bulletin_ui_test_render_widget (window);
    g_mkdir_with_parents (g_getenv ("BULLETIN_ARTIFACTS_DIR"), 0755);
    g_assert_true (gdk_texture_save_to_png (texture, out));
    gtk_window_destroy (GTK_WINDOW (window));
  }
}

/* Takes justification off @tag, so that the only extra space on a line
 * is the gap's. */
static void
unjustify_tag (GtkTextTag *tag,
               gpointer    user_data)
{
  g_object_set (tag, "justification-set", FALSE, NULL);
}

/* Paragraphs with Latin runs of 1, 2, 3 and 10 characters, digits and
 * letters, between Han characters, at a paragraph's start and end, and
 * beside punctuation; the window is narrow so that runs also fall near
 * line starts and ends. */
static const char *const screen_runs[] = {
  "其中共有3位是老师，目前已有11台投入使用，另有120个小区完成改造，编号1234567890的楼。",
  "小区有25名党员报名，A栋和BC栋以及XYZ栋，还有abcdefghij号楼的居民。",
  "2022年共有30台电梯，加装电梯30台，城南苑小区12号楼。",
  "加装电梯共有30台加装电梯共有30台加装电梯共有30台加装电梯共有30台加装电梯共有30台加装电梯30",
};

/* On the reader's GtkTextView, at several widths, the space between every
 * two characters side by side on a line: the end of the first one's
 * advance (its logical rectangle: the characters of the text carry no
 * letter-spacing) to the start of the second's.  It is the gap, ¼ em
 * (at least ⅛ em), between a Han character and a Latin letter or digit,
 * and nothing between any other two, inside a run of digits included; no
 * line starts or ends with a gap. */
static void
test_gap_screen_runs (void)
{
  BulletinReadingSettings settings;
  guint misplaced = 0, n_gaps = 0, n_pairs = 0, n_lines = 0;
  int want = -1;
  double em;

  bulletin_reading_settings_init_default (&settings);
  em = settings.font_size * 96.0 / 72.0;
  for (guint width = 0; width < 3; width++)
    for (guint t = 0; t < G_N_ELEMENTS (screen_runs); t++)
      {
        Piece pieces[] = { { BULLETIN_BLOCK_PARAGRAPH, screen_runs[t] } };
        g_autoptr(BulletinArticle) article = make_article (pieces, 1, "zh-CN");
        g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
        GtkWidget *window = gtk_window_new ();
        GtkWidget *view = gtk_text_view_new ();
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
        GtkTextIter iter;
        GdkRectangle prev = { 0, -1, 0, 0 };
        gunichar prev_c = 0;
        gboolean gap_between = FALSE;

        gtk_widget_set_size_request (view, 260 + 40 * width, -1);
        bulletin_typography_configure_view (GTK_TEXT_VIEW (view), &settings);
        /* whole-pixel advances, so that the rounded rectangles give exact
         * positions */
        {
          cairo_font_options_t *options = cairo_font_options_create ();

          cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_ON);
          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          gtk_widget_set_font_options (view, options);
          G_GNUC_END_IGNORE_DEPRECATIONS
          cairo_font_options_destroy (options);
        }
        bulletin_typography_fill_buffer (buffer, display, &settings);
        gtk_text_view_set_justification (GTK_TEXT_VIEW (view), GTK_JUSTIFY_LEFT);
        gtk_text_tag_table_foreach (gtk_text_buffer_get_tag_table (buffer), unjustify_tag, NULL);
        gtk_widget_set_halign (view, GTK_ALIGN_START);
        gtk_window_set_child (GTK_WINDOW (window), view);
        gtk_window_present (GTK_WINDOW (window));
        bulletin_test_iterate (200);

        for (gtk_text_buffer_get_start_iter (buffer, &iter); !gtk_text_iter_is_end (&iter);
             gtk_text_iter_forward_char (&iter))
          {
            gunichar c = gtk_text_iter_get_char (&iter);
            GdkRectangle rect;
            gboolean boundary;
            int extra;

            if (c == '\n')
              break;
            gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &iter, &rect);
            if (bulletin_typography_iter_is_gap (&iter))
              {
                /* never at a line's start or end */
                if (gtk_text_view_starts_display_line (GTK_TEXT_VIEW (view), &iter))
                  {
                    g_test_message ("%u/%u: a line starts with a gap, after U+%04X", width, t, (guint)prev_c);
                    misplaced++;
                  }
                gap_between = TRUE;
                continue;
              }
            boundary = (is_han (prev_c) && is_western (c)) || (is_western (prev_c) && is_han (c));
            if (rect.y != prev.y)
              {
                n_lines++;
                if (gap_between)
                  {
                    g_test_message ("%u/%u: a line ends with a gap, after U+%04X", width, t, (guint)prev_c);
                    misplaced++;
                  }
              }
            else
              {
                n_pairs++;
                extra = rect.x - (prev.x + prev.width);
                if (boundary)
                  {
                    n_gaps++;
                    if (want < 0)
                      want = extra;
                  }
                if ((boundary && (extra != want || !gap_between)) || (!boundary && (extra != 0 || gap_between)))
                  {
                    g_test_message ("%u/%u: %d px between U+%04X and U+%04X (%s)", width, t, extra, (guint)prev_c,
                                    (guint)c, boundary ? "a boundary" : "not a boundary");
                    misplaced++;
                  }
              }
            prev = rect;
            prev_c = c;
            gap_between = FALSE;
          }
        gtk_window_destroy (GTK_WINDOW (window));
      }
  g_test_message ("%u pairs of characters on %u lines, %u gaps of %d px, %u misplaced",
                  n_pairs, n_lines, n_gaps, want, misplaced);
  save_sample_paragraph ("reader-gap-25.png");
  g_assert_cmpuint (n_gaps, >, 50);
  g_assert_cmpuint (n_lines, >, 12);
  g_assert_cmpint (want, >=, (int)floor (em / 8));
  g_assert_cmpint (abs (want - (int)round (em / 4)), <=, 1);
  g_assert_cmpuint (misplaced, ==, 0);
}

/* The advance of the character at byte @index of @layout's text, Pango
 * units, from its glyph string (justification off). */
static int
char_advance (PangoLayout *layout,
              int          index)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  int advance = -1;

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);

      if (run == NULL || index < run->item->offset || index >= run->item->offset + run->item->length)
        continue;
      advance = 0;
      for (int j = 0; j < run->glyphs->num_glyphs; j++)
        if (run->item->offset + run->glyphs->log_clusters[j] == index)
          advance += run->glyphs->glyphs[j].geometry.width;
      break;
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
  return advance;
}

/* Full-width exclamation and question marks are never compressed, on
 * paper as on screen: beside a closing mark ("！”") the closing mark takes
 * the half em, so that the pair still takes 1.5 em; two of them ("？！")
 * keep 1 em each.  Other pairs ("。”", "，“") are compressed on their
 * first mark, as before. */
static void
test_no_compressed_exclamation (void)
{
  const Piece pieces[] = {
    { BULLETIN_BLOCK_HEADING, "“一起冲!”" },
    { BULLETIN_BLOCK_PARAGRAPH, "大家齐声喊道：“一起冲！”他问：“真的吗？”谁能想到？！结束了。”然后，“开始”。" },
  };
  g_autoptr(BulletinArticle) article = make_article (pieces, G_N_ELEMENTS (pieces), "zh-CN");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(BulletinTypesetter) typesetter = bulletin_typesetter_new (display, NULL, FALSE, 10.5);
  g_autoptr(GArray) blocks = bulletin_typesetter_set_blocks (typesetter, PANGO_CONTEXT (context),
                                                             40 * 10.5, 0, G_MAXUINT);
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  BulletinReadingSettings settings;
  GtkTextTag *halt;
  guint n_marks = 0, n_pairs = 0;

  for (guint b = 0; b < blocks->len; b++)
    {
      BulletinSetBlock *block = &g_array_index (blocks, BulletinSetBlock, b);
      PangoLayout *layout = block->layout;
      const char *text = pango_layout_get_text (layout);
      double em = 10.5 * bulletin_typesetter_get_role_style (block->kind)->scale * PANGO_SCALE;

      pango_layout_set_justify (layout, FALSE);
      for (const char *p = text; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          const char *n = g_utf8_next_char (p);
          int advance;

          if (c != 0xFF01 && c != 0xFF1F)
            continue;
          n_marks++;
          advance = char_advance (layout, p - text);
          g_test_message ("U+%04X before U+%04X: %.2f em", (guint)c, (guint)g_utf8_get_char (n), advance / em);
          g_assert_cmpfloat (fabs (advance - em), <, 0.05 * em);
          if (g_utf8_get_char (n) == 0x201D)
            {
              n_pairs++;
              g_assert_cmpfloat (advance + char_advance (layout, n - text), <, 1.55 * em);
            }
        }
      /* 。” is still compressed on its first mark */
      {
        const char *q = strstr (text, "。”");

        if (q != NULL)
          g_assert_cmpfloat (char_advance (layout, q - text), <, 0.6 * em);
      }
    }
  g_assert_cmpuint (n_marks, ==, 5);
  g_assert_cmpuint (n_pairs, ==, 3);

  /* the reader's tags: no ！ or ？ takes the halt tag */
  bulletin_reading_settings_init_default (&settings);
  bulletin_typography_fill_buffer (buffer, display, &settings);
  halt = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_TAG_HALT);
  {
    GtkTextIter iter;
    g_autoptr(GString) halted = g_string_new (NULL);

    for (gtk_text_buffer_get_start_iter (buffer, &iter); !gtk_text_iter_is_end (&iter);
         gtk_text_iter_forward_char (&iter))
      if (gtk_text_iter_has_tag (&iter, halt))
        g_string_append_unichar (halted, gtk_text_iter_get_char (&iter));
    g_assert_cmpstr (halted->str, ==, "”：”：”。，”");
  }
}

/* 本报讯 runs into its paragraph, in bold, on the same line. */
static void
test_run_in_dateline (void)
{
  const Piece pieces[] = {
    { BULLETIN_BLOCK_HEADLINE, "社区菜场周末照常开放" },
    { BULLETIN_BLOCK_BYLINE, "记者 李明" },
    { BULLETIN_BLOCK_DATELINE, "本报讯" },
    { BULLETIN_BLOCK_PARAGRAPH, "3月27日下午，城南街道联合辖区几家企业，为独居老人送去新鲜蔬菜和米面油。" },
    { BULLETIN_BLOCK_PARAGRAPH, "第二段。" },
  };
  g_autoptr(BulletinArticle) article = make_article (pieces, G_N_ELEMENTS (pieces), "zh-CN");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(BulletinTypesetter) typesetter = bulletin_typesetter_new (display, NULL, FALSE, 10.5);
  g_autoptr(GArray) blocks = bulletin_typesetter_set_blocks (typesetter, PANGO_CONTEXT (context),
                                                             30 * 10.5, 0, G_MAXUINT);
  BulletinSetBlock *block = NULL;
  PangoLayoutLine *first;
  const char *text;
  PangoAttrIterator *it;
  PangoWeight weight_dateline = PANGO_WEIGHT_NORMAL, weight_body = PANGO_WEIGHT_BOLD;

  for (guint i = 0; i < blocks->len; i++)
    if (strstr (pango_layout_get_text (g_array_index (blocks, BulletinSetBlock, i).layout), "本报讯") != NULL)
      block = &g_array_index (blocks, BulletinSetBlock, i);
  g_assert_nonnull (block);
  g_assert_cmpuint (blocks->len, ==, 4);   /* headline, byline, dateline + paragraph, paragraph */
  g_assert_cmpuint (block->n_spans, ==, 2);

  /* one line holds the dateline and the start of the paragraph */
  text = pango_layout_get_text (block->layout);
  g_assert_true (g_str_has_prefix (text, "本报讯\u30003月27日"));
  first = pango_layout_get_line_readonly (block->layout, 0);
  g_assert_cmpint (first->length, >, (int)strlen ("本报讯\u30003月27日下午"));
  /* indented as the paragraph's first line */
  g_assert_cmpint (pango_layout_get_indent (block->layout), ==, (int)round (2 * 10.5 * PANGO_SCALE));

  /* bold dateline, regular text */
  it = pango_attr_list_get_iterator (pango_layout_get_attributes (block->layout));
  do
    {
      int s, e;
      PangoAttrInt *weight = (PangoAttrInt *)pango_attr_iterator_get (it, PANGO_ATTR_WEIGHT);

      pango_attr_iterator_range (it, &s, &e);
      if (s == 0)
        weight_dateline = weight != NULL ? (PangoWeight)weight->value : PANGO_WEIGHT_NORMAL;
      if (s <= (int)strlen ("本报讯\u30003") && e > (int)strlen ("本报讯\u30003"))
        weight_body = weight != NULL ? (PangoWeight)weight->value : PANGO_WEIGHT_NORMAL;
    }
  while (pango_attr_iterator_next (it));
  pango_attr_iterator_destroy (it);
  g_assert_cmpint (weight_dateline, ==, PANGO_WEIGHT_BOLD);
  g_assert_cmpint (weight_body, ==, PANGO_WEIGHT_NORMAL);
}

/* On screen too: the dateline's first character and the paragraph's are
 * on one display line, the dateline bold, the buffer as long as the
 * display text (its offsets are display offsets). */
static void
test_run_in_dateline_screen (void)
{
  const Piece pieces[] = {
    { BULLETIN_BLOCK_HEADLINE, "社区菜场周末照常开放" },
    { BULLETIN_BLOCK_DATELINE, "本报讯" },
    { BULLETIN_BLOCK_PARAGRAPH, "3月27日下午，城南街道联合辖区几家企业，为独居老人送去新鲜蔬菜和米面油。" },
  };
  g_autoptr(BulletinArticle) article = make_article (pieces, G_N_ELEMENTS (pieces), "zh-CN");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  BulletinReadingSettings settings;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  const BulletinSpan *spans;
  guint n_spans;
  GtkTextIter dateline, paragraph, separator;
  GdkRectangle a, b, line_start;
  GtkTextTag *run_in;
  int weight;

  spans = bulletin_display_text_get_spans (display, &n_spans);
  g_assert_cmpuint (spans[1].kind, ==, BULLETIN_BLOCK_DATELINE);
  bulletin_reading_settings_init_default (&settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_set_child (GTK_WINDOW (window), view);
  bulletin_typography_configure_view (GTK_TEXT_VIEW (view), &settings);
  bulletin_typography_fill_buffer (buffer, display, &settings);
  gtk_window_present (GTK_WINDOW (window));
  bulletin_test_iterate (200);

  /* the buffer holds the shown text (and the gap characters) */
  {
    GtkTextIter start, end;
    g_autofree char *shown = bulletin_display_text_dup_shown_text (display, NULL);
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = bulletin_typography_dup_text (&start, &end);
    g_assert_cmpstr (text, ==, shown);
  }
  bulletin_typography_get_iter_at_display (buffer, &dateline, spans[1].start);
  bulletin_typography_get_iter_at_display (buffer, &separator, spans[1].end);
  bulletin_typography_get_iter_at_display (buffer, &paragraph, spans[2].start);
  g_assert_cmpuint (gtk_text_iter_get_char (&separator), ==, 0x3000);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &dateline, &a);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &paragraph, &b);
  g_assert_cmpint (b.x, >, a.x);
  /* one display line: the paragraph's first character's line starts at
   * the dateline, indented by the paragraph's 2 em */
  {
    GtkTextIter start = paragraph;
    int line_y, line_height;

    gtk_text_view_backward_display_line_start (GTK_TEXT_VIEW (view), &start);
    g_assert_true (gtk_text_iter_equal (&start, &dateline));
    gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (view), &dateline, &line_y, &line_height);
    g_assert_cmpint (b.y, >=, line_y);
    g_assert_cmpint (b.y, <, line_y + line_height);
    gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &dateline, &line_start);
    g_assert_cmpint (line_start.x - gtk_text_view_get_left_margin (GTK_TEXT_VIEW (view)), >=,
                     (int)(2 * settings.font_size * 96 / 72) - 2);
  }
  run_in = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_TAG_RUN_IN);
  g_assert_nonnull (run_in);
  g_assert_true (gtk_text_iter_has_tag (&dateline, run_in));
  g_assert_false (gtk_text_iter_has_tag (&paragraph, run_in));
  g_object_get (run_in, "weight", &weight, NULL);
  g_assert_cmpint (weight, ==, PANGO_WEIGHT_BOLD);

  /* for a person to look at */
  if (g_getenv ("BULLETIN_ARTIFACTS_DIR") != NULL)
    {
      g_autoptr(GdkTexture) texture = bulletin_ui_test_render_widget (window);
      g_autofree char *path = g_build_filename (g_getenv ("BULLETIN_ARTIFACTS_DIR"), "reader-run-in-dateline.png", NULL);

      g_mkdir_with_parents (g_getenv ("BULLETIN_ARTIFACTS_DIR"), 0755);
      g_assert_true (gdk_texture_save_to_png (texture, path));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The headline block's articles: the space from the last line of the
 * headline block to the first of the body is the same for each. */
static const Piece heads[][4] = {
  { { BULLETIN_BLOCK_HEADLINE, "街坊互助 共度寒冬" }, { BULLETIN_BLOCK_PARAGRAPH, "天气转凉，注意保暖。" } },
  { { BULLETIN_BLOCK_HEADLINE, "社区菜场" }, { BULLETIN_BLOCK_SUBTITLE, "街道与企业携手" },
    { BULLETIN_BLOCK_BYLINE, "记者 李明" }, { BULLETIN_BLOCK_PARAGRAPH, "3月27日下午，活动开展。" } },
  { { BULLETIN_BLOCK_KICKER, "街坊故事" }, { BULLETIN_BLOCK_HEADLINE, "老街口的修鞋摊" },
    { BULLETIN_BLOCK_PARAGRAPH, "清晨七点，郑师傅支起修鞋摊。" } },
  { { BULLETIN_BLOCK_HEADLINE, "邻里帮手上门" }, { BULLETIN_BLOCK_BYLINE, "记者 王芳" },
    { BULLETIN_BLOCK_HEADING, "小标题" }, { BULLETIN_BLOCK_PARAGRAPH, "近日，街道组织志愿者清扫。" } },
};

static guint
n_pieces (const Piece *pieces)
{
  guint n = 0;

  while (n < 4 && pieces[n].text != NULL)
    n++;
  return n;
}

static void
test_headline_gap_paper (void)
{
  double first_gap = -1;

  for (guint a = 0; a < G_N_ELEMENTS (heads); a++)
    {
      g_autoptr(BulletinArticle) article = make_article (heads[a], n_pieces (heads[a]), "zh-CN");
      g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
      g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
      BulletinPrintOptions options;
      g_autoptr(BulletinPaginator) paginator = NULL;
      const BulletinPlacedLine *lines;
      guint n, body = 0;
      PangoRectangle head_rect, body_rect;
      double gap;

      bulletin_print_options_init (&options);
      paginator = bulletin_paginator_new (display, &options, PANGO_CONTEXT (context), 595, 842, 0, G_MAXUINT);
      lines = bulletin_paginator_get_lines (paginator, 0, &n);
      while (body < n && bulletin_typesetter_is_head_kind (lines[body].kind))
        body++;
      g_assert_cmpuint (body, >, 0);
      g_assert_cmpuint (body, <, n);
      pango_layout_line_get_extents (lines[body - 1].line, NULL, &head_rect);
      pango_layout_line_get_extents (lines[body].line, NULL, &body_rect);
      /* logical bottom of the headline block to logical top of the body */
      gap = (lines[body].baseline + (double)body_rect.y / PANGO_SCALE) -
            (lines[body - 1].baseline + (double)(head_rect.y + head_rect.height) / PANGO_SCALE);
      g_test_message ("article %u: %.2f pt", a, gap);
      g_assert_cmpfloat (gap, >, 10.5);
      if (first_gap < 0)
        first_gap = gap;
      else
        g_assert_cmpfloat_with_epsilon (gap, first_gap, 0.05);
    }
}

static void
test_headline_gap_screen (void)
{
  BulletinReadingSettings settings;
  int first_gap = -1;

  bulletin_reading_settings_init_default (&settings);
  for (guint a = 0; a < G_N_ELEMENTS (heads); a++)
    {
      g_autoptr(BulletinArticle) article = make_article (heads[a], n_pieces (heads[a]), "zh-CN");
      g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
      GtkWidget *window = gtk_window_new ();
      GtkWidget *view = gtk_text_view_new ();
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
      guint body = bulletin_typesetter_get_body_start (display);
      const BulletinSpan *spans;
      guint n_spans;
      GtkTextIter head_end, body_start;
      GdkRectangle head_rect, body_rect;
      int head_y, head_height, body_y, body_height, gap;

      spans = bulletin_display_text_get_spans (display, &n_spans);
      gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
      gtk_window_set_child (GTK_WINDOW (window), view);
      bulletin_typography_configure_view (GTK_TEXT_VIEW (view), &settings);
      bulletin_typography_fill_buffer (buffer, display, &settings);
      gtk_window_present (GTK_WINDOW (window));
      bulletin_test_iterate (200);

      bulletin_typography_get_iter_at_display (buffer, &head_end, spans[body - 1].end - 1);
      bulletin_typography_get_iter_at_display (buffer, &body_start, spans[body].start);
      gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &head_end, &head_rect);
      gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &body_start, &body_rect);
      gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (view), &head_end, &head_y, &head_height);
      gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (view), &body_start, &body_y, &body_height);
      /* the body's first character's top to the last headline-block
       * character's bottom */
      gap = body_rect.y - (head_rect.y + head_rect.height);
      g_test_message ("article %u: %d px on screen", a, gap);
      g_assert_cmpint (gap, >, 0);
      if (first_gap < 0)
        first_gap = gap;
      else
        g_assert_cmpint (gap, ==, first_gap);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();

  g_test_add_func ("/bulletin/typesetter/gap-side", test_gap_side);
  g_test_add_func ("/bulletin/typesetter/gap-screen-lone", test_gap_screen_lone);
  g_test_add_func ("/bulletin/typesetter/gap-screen-runs", test_gap_screen_runs);
  g_test_add_func ("/bulletin/typesetter/gap-screen-copy", test_gap_screen_copy);
  g_test_add_func ("/bulletin/typesetter/no-compressed-exclamation", test_no_compressed_exclamation);
  g_test_add_func ("/bulletin/typesetter/run-in-dateline", test_run_in_dateline);
  g_test_add_func ("/bulletin/typesetter/run-in-dateline/screen", test_run_in_dateline_screen);
  g_test_add_func ("/bulletin/typesetter/headline-gap/paper", test_headline_gap_paper);
  g_test_add_func ("/bulletin/typesetter/headline-gap/screen", test_headline_gap_screen);
  return g_test_run ();
}
