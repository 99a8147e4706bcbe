/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PDF and PNG export, and printing to a file, checked from the outside:
 * poppler's pdftotext gives back the article's text, pdffonts lists the
 * embedded CJK fonts, and pdftotext -bbox-layout gives each line's box,
 * from which the 2 em indent, justified right edges, the line-start and
 * line-end rules and an even line pitch are measured.  The files go to
 * $BULLETIN_ARTIFACTS_DIR for a person to look at. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "bulletin-export.h"
#include "bulletin-issue.h"
#include "bulletin-paginator.h"
#include "bulletin-print.h"
#include "bulletin-test-utils.h"
#include "bulletin-text-import.h"
#include "bulletin-typesetter.h"

static char *tmpdir;

static BulletinArticle *
load_from_archive (const char *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;

  path = g_test_build_filename (G_TEST_DIST, "..", "data", "sample-archive", "2024-06-03", name, NULL);
  file = g_file_new_for_path (path);
  parsed = bulletin_issue_parse_file (file, BULLETIN_ISSUE_NINJS_FILE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, >, 0);
  return g_object_ref (g_ptr_array_index (parsed->articles, 0));
}

/* The longest article of the shared sample bulletin, or NULL (skipped). */
static BulletinArticle *
load_sample (guint *n_index)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *data = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  BulletinArticle *article;
  gsize len;

  if (path == NULL)
    return NULL;
  data = bulletin_test_read_file (path, &len);
  parsed = bulletin_text_parse (data, len, "000_1b466bc7855b1717.txt", &error);
  g_assert_no_error (error);
  article = g_ptr_array_index (parsed->articles, *n_index % parsed->articles->len);
  return g_object_ref (article);
}

/* poppler-utils (build-aux/debian-packages.txt) reads the PDFs back:
 * without it the test is skipped, or fails under CI=true. */
static gboolean
have_poppler (void)
{
  g_autofree char *path = g_find_program_in_path ("pdftotext");

  if (path != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("pdftotext is not installed (poppler-utils; CI=true: it must be)");
  else
    g_test_skip ("pdftotext is not installed (poppler-utils, build-aux/debian-packages.txt)");
  return FALSE;
}

static char *
run (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static char *
strip_space (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0x3000)
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static void
remove_all (GString    *text,
            const char *what)
{
  g_autofree char *needle = strip_space (what);
  char *p;

  if (*needle == '\0')
    return;
  while ((p = strstr (text->str, needle)) != NULL)
    g_string_erase (text, p - text->str, strlen (needle));
}

static void
keep_artifact (const char *path,
               const char *name)
{
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");
  g_autofree char *target = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  target = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (target, data, len, NULL));

  /* and the first page as an image, to look at */
  if (g_str_has_suffix (name, ".pdf"))
    {
      g_autofree char *stem = g_strndup (target, strlen (target) - 4);
      g_autofree char *prefix = g_strconcat (stem, "-page", NULL);
      const char *argv[] = { "pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile",
                             target, prefix, NULL };
      g_autofree char *out = run (argv);
    }
}

static void
options_for_test (BulletinPrintOptions *options)
{
  bulletin_print_options_init (options);
  options->paper_name = "徐汇报";
  options->issue_date = "2022-03-30";
  options->issue_number = "1234";
  options->archive_name = "sample";
}

/* A line of pdftotext -bbox-layout */
typedef struct {
  guint  page;
  double x0, y0, x1, y1;
  char  *text;
} PdfLine;

static void
pdf_line_clear (gpointer data)
{
  g_free (((PdfLine *)data)->text);
}

static double
attr_double (const char *tag,
             const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=\"", name);
  const char *p = strstr (tag, key);

  g_assert_nonnull (p);
  return g_ascii_strtod (p + strlen (key), NULL);
}

static GArray *
read_bbox_lines (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", "-bbox-layout", pdf, "-", NULL };
  g_autofree char *xml = run (argv);
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (PdfLine));
  guint page = 0;
  const char *p = xml;

  g_array_set_clear_func (lines, pdf_line_clear);
  while ((p = strchr (p, '<')) != NULL)
    {
      if (g_str_has_prefix (p, "<page "))
        page++;
      else if (g_str_has_prefix (p, "<line "))
        {
          PdfLine line = { page, attr_double (p, "xMin"), attr_double (p, "yMin"),
                           attr_double (p, "xMax"), attr_double (p, "yMax"), NULL };
          GString *text = g_string_new (NULL);
          const char *end = strstr (p, "</line>");

          for (const char *w = p; (w = strstr (w, "<word ")) != NULL && w < end; )
            {
              w = strchr (w, '>') + 1;
              g_string_append_len (text, w, strstr (w, "</word>") - w);
            }
          line.text = g_string_free (text, FALSE);
          /* pdftotext cuts a line where the face changes with a space
           * (a run-in dateline): one line per baseline */
          for (guint k = 0; k < lines->len; k++)
            {
              PdfLine *other = &g_array_index (lines, PdfLine, k);

              if (other->page == page && fabs (other->y1 - line.y1) < 0.5)
                {
                  char *joined = line.x0 < other->x0 ? g_strconcat (line.text, other->text, NULL)
                                                     : g_strconcat (other->text, line.text, NULL);

                  other->x0 = MIN (other->x0, line.x0);
                  other->x1 = MAX (other->x1, line.x1);
                  g_free (other->text);
                  g_free (line.text);
                  other->text = joined;
                  line.text = NULL;
                  break;
                }
            }
          if (line.text != NULL)
            g_array_append_val (lines, line);
        }
      p++;
    }
  return lines;
}

static gboolean
is_closing (gunichar c)
{
  return c != 0 && g_utf8_strchr ("、，。：；！？”’）》〉」』】〕·", -1, c) != NULL;
}

static gboolean
is_opening (gunichar c)
{
  return c != 0 && g_utf8_strchr ("“‘（《〈「『【〔", -1, c) != NULL;
}

/* Every check of the brief on one PDF of @display, typeset with @options
 * on @paper (the paginator tells which lines start or end a paragraph). */
static void
check_pdf (const char                 *pdf,
           BulletinDisplayText        *display,
           const BulletinPrintOptions *options,
           double                      width,
           double                      height)
{
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(BulletinPaginator) paginator = NULL;
  const char *text_argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  const char *fonts_argv[] = { "pdffonts", pdf, NULL };
  g_autofree char *text = run (text_argv);
  g_autofree char *fonts = run (fonts_argv);
  g_autofree char *want = strip_space (bulletin_display_text_get_text (display, NULL));
  g_autofree char *got_stripped = strip_space (text);
  g_autoptr(GString) got = g_string_new (got_stripped);
  g_autoptr(GArray) lines = read_bbox_lines (pdf);
  g_auto(GStrv) font_lines = NULL;
  gboolean cjk_embedded = FALSE;
  double em = options->font_size, pitch = options->font_size * options->line_spacing;
  guint n_pages, n_first = 0, n_justified = 0, n_pitch = 0;

  paginator = bulletin_paginator_new (display, options, PANGO_CONTEXT (context), width, height, 0, G_MAXUINT);
  n_pages = bulletin_paginator_get_n_pages (paginator);

  /* The text copies back as the article's (header and footer aside). */
  remove_all (got, options->paper_name);
  remove_all (got, options->issue_date);
  remove_all (got, "·");
  remove_all (got, "No.");
  remove_all (got, options->issue_number);
  for (guint i = 1; i <= n_pages; i++)
    {
      g_autofree char *folio = g_strdup_printf ("Page %u of %u", i, n_pages);

      remove_all (got, folio);
    }
  g_assert_cmpstr (got->str, ==, want);

  /* Embedded, subset CJK fonts: "name type encoding emb sub uni ..." */
  font_lines = g_strsplit (fonts, "\n", -1);
  for (guint i = 2; font_lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit_set (font_lines[i], " ", -1);
      g_autoptr(GPtrArray) cols = g_ptr_array_new ();

      for (guint k = 0; f[k] != NULL; k++)
        if (*f[k] != '\0')
          g_ptr_array_add (cols, f[k]);
      if (cols->len >= 7 && strstr (cols->pdata[0], "CJK") != NULL &&
          g_str_has_prefix (cols->pdata[0], "") && strchr (cols->pdata[0], '+') != NULL)
        {
          /* name type... emb sub uni object id: emb and sub are the
           * 4th and 3rd from the end of the line's last five columns */
          const char *emb = cols->pdata[cols->len - 5];
          const char *sub = cols->pdata[cols->len - 4];

          if (g_str_equal (emb, "yes") && g_str_equal (sub, "yes"))
            cjk_embedded = TRUE;
        }
    }
  if (!cjk_embedded)
    g_test_fail_printf ("no embedded, subset CJK font:\n%s", fonts);

  /* Line by line: each placed body line of the paginator against the
   * PDF line at its baseline. */
  for (guint page = 0; page < n_pages; page++)
    {
      const BulletinPlacedLine *placed;
      guint n_placed;
      double left = G_MAXDOUBLE, right = 0, last_y = -1;
      int last_kind = -1;

      placed = bulletin_paginator_get_lines (paginator, page, &n_placed);
      /* the measure: the widest extent of the body lines on the page */
      for (guint i = 0; i < lines->len; i++)
        {
          PdfLine *l = &g_array_index (lines, PdfLine, i);

          if (l->page != page + 1 || l->y0 < height * 0.08 || l->y1 > height * 0.93)
            continue;
          left = MIN (left, l->x0);
          right = MAX (right, l->x1);
        }

      for (guint i = 0; i < n_placed; i++)
        {
          PdfLine *match = NULL;
          double best = 0.5 * em;
          const BulletinPlacedLine *pl = &placed[i];
          gunichar first_char, last_char;
          const char *end;

          for (guint k = 0; k < lines->len; k++)
            {
              PdfLine *l = &g_array_index (lines, PdfLine, k);
              /* pdftotext's box: the font's ascent and descent */
              double d = fabs ((l->y0 + l->y1) / 2 - (pl->baseline - 0.38 * em * (pl->kind == BULLETIN_BLOCK_PARAGRAPH ? 1 : 1)));

              if (l->page == page + 1 && fabs (l->y1 - pl->baseline) < 0.6 * em * 2 && d < best + 2 * em)
                {
                  if (match == NULL || fabs (l->y1 - pl->baseline) < fabs (match->y1 - pl->baseline))
                    match = l;
                }
            }
          if (match == NULL)
            {
              g_test_fail_printf ("page %u: no PDF line at baseline %.1f", page + 1, pl->baseline);
              continue;
            }

          /* no closing mark at a line start, no opening one at its end */
          first_char = g_utf8_get_char (match->text);
          end = match->text + strlen (match->text);
          last_char = end > match->text ? g_utf8_get_char (g_utf8_prev_char (end)) : 0;
          if (is_closing (first_char))
            g_test_fail_printf ("page %u: line starts with a closing mark: %s", page + 1, match->text);
          if (is_opening (last_char))
            g_test_fail_printf ("page %u: line ends with an opening mark: %s", page + 1, match->text);

          if (pl->kind != BULLETIN_BLOCK_PARAGRAPH || !pl->body)
            {
              last_kind = pl->kind;
              continue;
            }

          /* 2 em indent on a paragraph's first line, none on the others */
          if (pl->first)
            {
              n_first++;
              if (fabs (match->x0 - (left + 2 * em)) > 0.2 * em)
                g_test_fail_printf ("page %u: first line at x %.2f, not 2 em in from %.2f: %s",
                                    page + 1, match->x0, left, match->text);
            }
          else if (fabs (match->x0 - left) > 0.2 * em)
            g_test_fail_printf ("page %u: line at x %.2f, not at the margin %.2f: %s",
                                page + 1, match->x0, left, match->text);

          /* justified: every line but a paragraph's last reaches the right
           * edge */
          if (!pl->last)
            {
              n_justified++;
              if (fabs (match->x1 - right) > 0.15 * em)
                g_test_fail_printf ("page %u: justified line ends at %.2f, not %.2f: %s",
                                    page + 1, match->x1, right, match->text);
            }

          /* an even pitch within and across paragraphs */
          if (last_kind == BULLETIN_BLOCK_PARAGRAPH && last_y >= 0)
            {
              n_pitch++;
              if (fabs (match->y1 - last_y - pitch) > 0.05)
                g_test_fail_printf ("page %u: pitch %.3f, not %.3f: %s", page + 1,
                                    match->y1 - last_y, pitch, match->text);
            }
          last_y = match->y1;
          last_kind = pl->kind;
        }
    }
  g_test_message ("%u pages, %u first lines, %u justified lines, %u pitches checked",
                  n_pages, n_first, n_justified, n_pitch);
  g_assert_cmpuint (n_first, >, 0);
  g_assert_cmpuint (n_justified, >, 0);
  g_assert_cmpuint (n_pitch, >, 0);
}

static void
export_and_check (BulletinArticle *article,
                  BulletinPaper    paper,
                  const char      *name)
{
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autofree char *pdf = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  BulletinPrintOptions options;
  double width, height;

  options_for_test (&options);
  bulletin_paper_get_size (paper, &width, &height);
  g_assert_true (bulletin_export_pdf (display, &options, paper, pdf, &error));
  g_assert_no_error (error);
  keep_artifact (pdf, name);
  check_pdf (pdf, display, &options, width, height);
}

static void
test_pdf_sample (void)
{
  guint index = 0;
  g_autoptr(BulletinArticle) article = load_sample (&index);

  if (!have_poppler ())
    return;

  if (article == NULL)
    return;
  /* the longest article: several pages */
  for (guint i = 1; i < 12; i++)
    {
      guint k = i;
      g_autoptr(BulletinArticle) other = load_sample (&k);

      if (bulletin_article_get_source_length (other) > bulletin_article_get_source_length (article))
        g_set_object (&article, other);
    }
  export_and_check (article, BULLETIN_PAPER_A5, "export-sample-a5.pdf");
  export_and_check (article, BULLETIN_PAPER_A4, "export-sample-a4.pdf");
}

static void
test_pdf_archive (void)
{
  g_autoptr(BulletinArticle) hans = load_from_archive ("01-food-safety.json");
  g_autoptr(BulletinArticle) hant = load_from_archive ("02-cobbler.json");

  if (!have_poppler ())
    return;

  export_and_check (hans, BULLETIN_PAPER_A5, "export-archive-hans-a5.pdf");
  export_and_check (hans, BULLETIN_PAPER_LETTER, "export-archive-hans-letter.pdf");
  /* Traditional Chinese */
  export_and_check (hant, BULLETIN_PAPER_B5, "export-archive-hant-b5.pdf");
  export_and_check (hant, BULLETIN_PAPER_A4, "export-archive-hant-a4.pdf");
}

/* Pagination: no headline, subhead or lone dateline at the foot of a page,
 * no paragraph leaving one line alone at the foot (orphan) or at the top
 * (widow) of a page; every line placed once, in order.  Over many page
 * breaks: a long article with subheads, four papers, five sizes. */
static void
check_pagination (BulletinDisplayText *display,
                  double               size,
                  BulletinPaper        paper,
                  guint               *n_breaks)
{
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(BulletinPaginator) paginator = NULL;
  BulletinPrintOptions options;
  double width, height;
  guint n_pages;

  options_for_test (&options);
  options.font_size = size;
  bulletin_paper_get_size (paper, &width, &height);
  paginator = bulletin_paginator_new (display, &options, PANGO_CONTEXT (context), width, height, 0, G_MAXUINT);
  n_pages = bulletin_paginator_get_n_pages (paginator);
  for (guint page = 0; page + 1 < n_pages; page++)
    {
      const BulletinPlacedLine *lines, *next;
      guint n, n_next;
      const BulletinPlacedLine *foot, *top;

      lines = bulletin_paginator_get_lines (paginator, page, &n);
      next = bulletin_paginator_get_lines (paginator, page + 1, &n_next);
      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (n_next, >, 0);
      foot = &lines[n - 1];
      top = &next[0];
      (*n_breaks)++;
      /* the foot of every page but the last is on the page */
      g_assert_cmpfloat (foot->baseline, <, height);
      if (foot->kind != BULLETIN_BLOCK_PARAGRAPH && foot->kind != BULLETIN_BLOCK_QUOTE &&
          foot->kind != BULLETIN_BLOCK_LIST_ITEM && foot->kind != BULLETIN_BLOCK_SOURCE)
        g_test_fail_printf ("%.1f pt, page %u ends with a %s line", size, page + 1,
                            bulletin_block_kind_to_string (foot->kind));
      if (foot->first && !foot->last)
        g_test_fail_printf ("%.1f pt, page %u: one line of a paragraph at its foot", size, page + 1);
      if (top->last && !top->first)
        g_test_fail_printf ("%.1f pt, page %u: one line of a paragraph at its top", size, page + 2);
    }
}

static BulletinDisplayText *
long_article (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "街坊互助 共度寒冬", -1);
  bulletin_article_set_headline (article, "街坊互助 共度寒冬");
  bulletin_article_append_block (article, BULLETIN_BLOCK_BYLINE, "记者 林晓", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_DATELINE, "本报讯", -1);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GString) paragraph = g_string_new (NULL);

      if (i % 4 == 0)
        bulletin_article_append_block (article, BULLETIN_BLOCK_HEADING, "馆藏更新，新增“少儿书架”", -1);
      /* paragraphs of 1 to 9 lines at these sizes */
      for (guint k = 0; k <= (i * 7) % 11; k++)
        g_string_append (paragraph, "借书还书、查阅报刊。在新馆开放的第一个月，25名馆员轮班值守。");
      bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, paragraph->str, -1);
    }
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);
  return bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
}

static void
test_pagination (void)
{
  g_autoptr(BulletinDisplayText) display = long_article ();
  guint n_breaks = 0;

  for (BulletinPaper paper = BULLETIN_PAPER_A4; paper <= BULLETIN_PAPER_LETTER; paper++)
    for (double size = 9; size <= 14; size += 1.25)
      check_pagination (display, size, paper, &n_breaks);
  g_test_message ("%u page breaks checked", n_breaks);
  g_assert_cmpuint (n_breaks, >, 100);
}

/* The roles that keep with what follows them: a headline block, a
 * subhead, a lone dateline, a section label, a caption. */
static gboolean
keeps_with_next (int kind)
{
  return kind != BULLETIN_BLOCK_PARAGRAPH && kind != BULLETIN_BLOCK_QUOTE &&
         kind != BULLETIN_BLOCK_LIST_ITEM && kind != BULLETIN_BLOCK_SOURCE;
}

/* Every page break of @paginator: no page but the last ends with a
 * heading-like line (a subhead goes with at least two lines of what
 * follows, or to the next page), none ends with the first line only of a
 * paragraph (an orphan) or starts with its last line only (a widow);
 * every line placed once, in order (a block's lines one after the other,
 * its first line after the last line of the one before); and no page
 * left emptier at its foot than keeping a subhead with two lines of
 * text needs.  Adds the page breaks to @n_breaks, and those that put a
 * heading-like line at the top of a page to @n_head_tops.  Returns
 * whether all held. */
/* A failed check, told in full: a run may break many pages wrongly. */
static void G_GNUC_PRINTF (2, 3)
bad (gboolean   *ok,
     const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("FAIL: %s", message);
  *ok = FALSE;
}

static gboolean
check_breaks (BulletinPaginator *paginator,
              double             pitch,
              const char        *what,
              guint             *n_breaks,
              guint             *n_head_tops)
{
  guint n_pages = bulletin_paginator_get_n_pages (paginator);
  double deepest = 0;
  gboolean ok = TRUE, in_block = FALSE;

  /* the lowest baseline on any page: where a full page ends */
  for (guint page = 0; page < n_pages; page++)
    {
      const BulletinPlacedLine *lines;
      guint n;

      lines = bulletin_paginator_get_lines (paginator, page, &n);
      for (guint i = 0; i < n; i++)
        if (lines[i].body)
          deepest = MAX (deepest, lines[i].baseline);
    }

  for (guint page = 0; page < n_pages; page++)
    {
      const BulletinPlacedLine *lines, *foot = NULL, *top = NULL;
      guint n;
      double last_baseline = -1;

      lines = bulletin_paginator_get_lines (paginator, page, &n);
      for (guint i = 0; i < n; i++)
        {
          if (!lines[i].body)
            continue;
          if (lines[i].first == in_block)
            {
              bad (&ok, "%s, page %u, line %u: a %s line %s", what, page + 1, i + 1,
                                  bulletin_block_kind_to_string (lines[i].kind),
                                  in_block ? "starts a block before the last one ended"
                                           : "continues a block that had ended");
            }
          in_block = !lines[i].last;
          if (lines[i].baseline <= last_baseline)
            {
              bad (&ok, "%s, page %u, line %u: above the line before it", what, page + 1, i + 1);
            }
          last_baseline = lines[i].baseline;
          if (top == NULL)
            top = &lines[i];
          foot = &lines[i];
        }

      if (page + 1 < n_pages && foot == NULL)
        {
          bad (&ok, "%s, page %u of %u has no text", what, page + 1, n_pages);
          continue;
        }
      if (page > 0 && top != NULL)
        {
          (*n_breaks)++;
          if (keeps_with_next (top->kind))
            (*n_head_tops)++;
          if (top->last && !top->first)
            {
              bad (&ok, "%s, page %u starts with the last line alone of a %s (widow)",
                                  what, page + 1, bulletin_block_kind_to_string (top->kind));
            }
        }
      if (page + 1 == n_pages)
        break;
      if (keeps_with_next (foot->kind))
        {
          bad (&ok, "%s, page %u of %u ends with a %s line, its text on the next page",
                              what, page + 1, n_pages, bulletin_block_kind_to_string (foot->kind));
        }
      if (foot->first && !foot->last)
        {
          bad (&ok, "%s, page %u ends with the first line alone of a %s (orphan)",
                              what, page + 1, bulletin_block_kind_to_string (foot->kind));
        }
      if (foot->baseline < deepest - 10 * pitch)
        {
          bad (&ok, "%s, page %u ends %.1f lines above the foot of a full page",
                              what, page + 1, (deepest - foot->baseline) / pitch);
        }
    }
  if (in_block)
    {
      bad (&ok, "%s: the last block is not set to its end", what);
    }
  if (!ok)
    g_test_fail_printf ("%s: pages broken as they should not be (above)", what);
  return ok;
}

static void
append_han (GString *text,
            guint    n_chars)
{
  static const char han[] = "党员志愿者积极报名社区服务担负物资配送工作";

  for (guint i = 0; i < n_chars; i++)
    {
      const char *c = g_utf8_offset_to_pointer (han, i % g_utf8_strlen (han, -1));

      g_string_append_len (text, c, g_utf8_next_char (c) - c);
    }
}

/* An article whose first paragraph has @lead characters, followed by
 * @n_heads subheads in a row (the sample bulletin has two), a paragraph
 * of @next characters, and a tail of subheads and paragraphs.  Han
 * characters only, so that a line holds a known number of them. */
static BulletinDisplayText *
subhead_article (guint lead,
                 guint n_heads,
                 guint next)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "街坊互助 共度寒冬", -1);
  bulletin_article_set_headline (article, "街坊互助 共度寒冬");
  bulletin_article_append_block (article, BULLETIN_BLOCK_BYLINE, "记者 林晓", -1);
  append_han (text, lead);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, text->str, -1);
  for (guint i = 0; i < n_heads; i++)
    bulletin_article_append_block (article, BULLETIN_BLOCK_HEADING,
                                   i == 0 ? "“开馆啦！”" : "线路调整，方便“早班乘客”", -1);
  g_string_truncate (text, 0);
  append_han (text, next);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, text->str, -1);
  for (guint i = 0; i < 2; i++)
    {
      bulletin_article_append_block (article, BULLETIN_BLOCK_HEADING, "站点增设，连接“城东新村”", -1);
      g_string_truncate (text, 0);
      append_han (text, 40 * (i + 2));
      bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, text->str, -1);
    }
  bulletin_article_set_language (article, "zh-CN");
  bulletin_article_finish (article);
  return bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
}

/* How many Han characters a full body line holds on @paper: the longest
 * line of a long paragraph (3 bytes a character). */
static guint
chars_per_line (PangoContext               *context,
                const BulletinPrintOptions *options,
                double                      width,
                double                      height)
{
  g_autoptr(BulletinDisplayText) display = subhead_article (400, 0, 1);
  g_autoptr(BulletinPaginator) paginator = bulletin_paginator_new (display, options, context, width, height, 0, G_MAXUINT);
  const BulletinPlacedLine *lines;
  guint n, most = 0;

  for (guint page = 0; page < bulletin_paginator_get_n_pages (paginator); page++)
    {
      lines = bulletin_paginator_get_lines (paginator, page, &n);
      for (guint i = 0; i < n; i++)
        if (lines[i].kind == BULLETIN_BLOCK_PARAGRAPH)
          most = MAX (most, (guint)lines[i].line->length / 3);
    }
  g_assert_cmpuint (most, >, 10);
  return most;
}

/* A subhead at every position from the top to the foot of a page: the
 * first paragraph grows a line at a time past a page and a half, with one
 * subhead or two in a row after it, then a paragraph of one, two, three
 * (never split) or five lines; on each paper. */
static void
test_pagination_subheads (void)
{
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  BulletinPrintOptions options;
  guint n_runs = 0;

  options_for_test (&options);
  for (BulletinPaper paper = BULLETIN_PAPER_A4; paper <= BULLETIN_PAPER_LETTER; paper++)
    {
      double width, height, pitch = options.font_size * options.line_spacing;
      guint cols, n_lines, n_breaks = 0, n_head_tops = 0, n_failed = 0;

      bulletin_paper_get_size (paper, &width, &height);
      cols = chars_per_line (PANGO_CONTEXT (context), &options, width, height);
      /* past the foot of the first page (the margins take more than a
       * tenth of its height) */
      n_lines = (guint)(0.9 * height / pitch) + 4;
      for (guint k = 1; k <= n_lines; k++)
        for (guint heads = 1; heads <= 2; heads++)
          for (guint m = 1; m <= 5; m += m < 3 ? 1 : 2)
            {
              /* k and m full lines, the first 2 em shorter, the last
               * half full */
              g_autoptr(BulletinDisplayText) display = subhead_article (k * cols - 2 - cols / 2, heads,
                                                                        m * cols - 2 - cols / 2);
              g_autoptr(BulletinPaginator) paginator = NULL;
              g_autofree char *what = NULL;

              paginator = bulletin_paginator_new (display, &options, PANGO_CONTEXT (context),
                                                  width, height, 0, G_MAXUINT);
              what = g_strdup_printf ("paper %d, %u lines, %u subheads, %u lines", paper, k, heads, m);
              if (!check_breaks (paginator, pitch, what, &n_breaks, &n_head_tops))
                n_failed++;
              n_runs++;
            }
      g_test_message ("paper %d: %u characters a line, %u page breaks, %u with a subhead on top, %u failed",
                      paper, cols, n_breaks, n_head_tops, n_failed);
      /* the subheads met the foot of a page many times */
      g_assert_cmpuint (n_head_tops, >, 2 * 2 * 5);
    }
  g_test_message ("%u articles paginated", n_runs);
}

/* Every article of the shared sample bulletin, on every paper, at three
 * sizes.  The first has two subheads in a row (a short exclamation in
 * quotes, then a phrase with a quoted term), the first of which was left
 * alone at the foot of the first A4 page. */
static void
test_pagination_sample (void)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *data = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(GError) error = NULL;
  const double sizes[] = { 9, 10.5, 12 };
  guint n_breaks = 0, n_head_tops = 0;
  gsize len;

  if (path == NULL)
    return;
  data = bulletin_test_read_file (path, &len);
  parsed = bulletin_text_parse (data, len, "000_1b466bc7855b1717.txt", &error);
  g_assert_no_error (error);
  for (guint a = 0; a < parsed->articles->len; a++)
    {
      g_autoptr(BulletinDisplayText) display =
        bulletin_display_text_new (g_ptr_array_index (parsed->articles, a), BULLETIN_DISPLAY_DEFAULT);

      for (BulletinPaper paper = BULLETIN_PAPER_A4; paper <= BULLETIN_PAPER_LETTER; paper++)
        for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
          {
            g_autoptr(BulletinPaginator) paginator = NULL;
            g_autofree char *what = NULL;
            BulletinPrintOptions options;
            double width, height;

            options_for_test (&options);
            options.font_size = sizes[s];
            bulletin_paper_get_size (paper, &width, &height);
            paginator = bulletin_paginator_new (display, &options, PANGO_CONTEXT (context),
                                                width, height, 0, G_MAXUINT);
            what = g_strdup_printf ("sample article %u, paper %d, %.1f pt", a + 1, paper, sizes[s]);
            check_breaks (paginator, options.font_size * options.line_spacing, what,
                          &n_breaks, &n_head_tops);
          }
    }
  g_test_message ("%u page breaks checked, %u with a heading-like line on top", n_breaks, n_head_tops);
  g_assert_cmpuint (n_breaks, >, 10);
}

/* The same seen from outside, in the PDF of the sample's first article
 * on A4, exported and printed to a file: the lowest line of text on each
 * page but the last is not a heading-like block's (pdftotext's boxes;
 * the running header and the footer aside). */
static void
check_pdf_feet (const char          *pdf,
                BulletinDisplayText *display,
                double               height)
{
  g_autoptr(GArray) lines = read_bbox_lines (pdf);
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);
  const BulletinSpan *spans;
  guint n_spans, n_pages = 0;

  spans = bulletin_display_text_get_spans (display, &n_spans);
  for (guint i = 0; i < n_spans; i++)
    if (keeps_with_next (spans[i].kind))
      {
        g_autofree char *text = bulletin_display_text_dup_range (display, spans[i].start, spans[i].end);

        g_ptr_array_add (heads, strip_space (text));
      }
  g_assert_cmpuint (heads->len, >, 2);
  for (guint i = 0; i < lines->len; i++)
    n_pages = MAX (n_pages, g_array_index (lines, PdfLine, i).page);
  g_assert_cmpuint (n_pages, >, 1);

  for (guint page = 1; page < n_pages; page++)
    {
      PdfLine *foot = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < lines->len; i++)
        {
          PdfLine *l = &g_array_index (lines, PdfLine, i);

          if (l->page == page && l->y0 > height * 0.08 && l->y1 < height * 0.93 &&
              (foot == NULL || l->y1 > foot->y1))
            foot = l;
        }
      g_assert_nonnull (foot);
      text = strip_space (foot->text);
      g_test_message ("%s, page %u ends with: %s", pdf, page, foot->text);
      for (guint k = 0; k < heads->len; k++)
        if (strstr (heads->pdata[k], text) != NULL)
          g_test_fail_printf ("%s: page %u of %u ends with the heading %s, its text on the next page",
                              pdf, page, n_pages, (char *)heads->pdata[k]);
    }
}

static void
test_pdf_keep_with_next (void)
{
  guint index = 0;
  g_autoptr(BulletinArticle) article = load_sample (&index);
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "keep.pdf", NULL);
  g_autofree char *printed = g_build_filename (tmpdir, "keep-print.pdf", NULL);
  g_autoptr(GError) error = NULL;
  BulletinPrintOptions options;
  double width, height;
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");

  if (article == NULL || !have_poppler ())
    return;

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  options_for_test (&options);
  bulletin_paper_get_size (BULLETIN_PAPER_A4, &width, &height);
  g_assert_true (bulletin_export_pdf (display, &options, BULLETIN_PAPER_A4, pdf, &error));
  g_assert_no_error (error);
  keep_artifact (pdf, "export-sample-keep-a4.pdf");
  check_pdf_feet (pdf, display, height);
  g_assert_cmpint (bulletin_print_run_export (display, &options, BULLETIN_PAPER_A4, printed, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  check_pdf_feet (printed, display, height);

  /* every page as an image, to look at the foot of the first */
  if (dir != NULL)
    {
      g_autofree char *prefix = g_build_filename (dir, "export-sample-keep-a4-page", NULL);
      const char *argv[] = { "pdftoppm", "-r", "60", "-png", pdf, prefix, NULL };
      g_autofree char *out = run (argv);
    }
}

/* Set in small steps (as printing does, from the main loop), the pages
 * are those set at once. */
static void
test_pagination_steps (void)
{
  g_autoptr(BulletinDisplayText) display = long_article ();
  g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
  g_autoptr(BulletinPaginator) whole = NULL;
  g_autoptr(BulletinPaginator) stepped = NULL;
  BulletinPrintOptions options;
  guint steps = 1;

  options_for_test (&options);
  whole = bulletin_paginator_new (display, &options, PANGO_CONTEXT (context), 420, 595, 0, G_MAXUINT);
  stepped = bulletin_paginator_new_pending (display, &options, PANGO_CONTEXT (context), 420, 595, 0, G_MAXUINT);
  while (!bulletin_paginator_step (stepped, 300))
    steps++;
  g_test_message ("%u steps, %u pages", steps, bulletin_paginator_get_n_pages (whole));
  g_assert_cmpuint (steps, >, 10);
  g_assert_cmpuint (bulletin_paginator_get_n_pages (stepped), ==, bulletin_paginator_get_n_pages (whole));
  for (guint page = 0; page < bulletin_paginator_get_n_pages (whole); page++)
    {
      const BulletinPlacedLine *a, *b;
      guint n_a, n_b;

      a = bulletin_paginator_get_lines (whole, page, &n_a);
      b = bulletin_paginator_get_lines (stepped, page, &n_b);
      g_assert_cmpuint (n_a, ==, n_b);
      for (guint i = 0; i < n_a; i++)
        {
          g_assert_cmpfloat_with_epsilon (a[i].baseline, b[i].baseline, 0.001);
          g_assert_cmpfloat_with_epsilon (a[i].x, b[i].x, 0.001);
          g_assert_cmpint (a[i].line->length, ==, b[i].line->length);
          g_assert_cmpint (a[i].kind, ==, b[i].kind);
        }
    }
}

static void
test_pdf_metadata (void)
{
  g_autoptr(BulletinArticle) article = load_from_archive ("01-food-safety.json");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autofree char *pdf = g_build_filename (tmpdir, "metadata.pdf", NULL);
  const char *argv[] = { "pdfinfo", "-enc", "UTF-8", pdf, NULL };
  g_autofree char *info = NULL;
  g_autofree char *title = NULL;
  BulletinPrintOptions options;

  if (!have_poppler ())
    return;

  options_for_test (&options);
  g_assert_true (bulletin_export_pdf (display, &options, BULLETIN_PAPER_A4, pdf, NULL));
  info = run (argv);
  title = g_strdup_printf (" %s\n", bulletin_article_get_headline (article));
  g_assert_nonnull (strstr (info, "Title:"));
  g_assert_nonnull (strstr (strstr (info, "Title:"), title));
  g_assert_nonnull (strstr (info, "Author:"));
  g_assert_nonnull (strstr (info, "595.276 x 841.89 pts (A4)"));
}

/* The numbered notes at the end */
static void
test_pdf_notes (void)
{
  g_autoptr(BulletinArticle) article = load_from_archive ("02-cobbler.json");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autofree char *pdf = g_build_filename (tmpdir, "notes.pdf", NULL);
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  const char *notes[] = { "第一條筆記", "Second note", NULL };
  g_autofree char *text = NULL;
  g_autofree char *stripped = NULL;
  BulletinPrintOptions options;

  if (!have_poppler ())
    return;

  options_for_test (&options);
  options.notes = notes;
  g_assert_true (bulletin_export_pdf (display, &options, BULLETIN_PAPER_A4, pdf, NULL));
  keep_artifact (pdf, "export-notes.pdf");
  text = run (argv);
  stripped = strip_space (text);
  g_assert_nonnull (strstr (stripped, "1.第一條筆記"));
  g_assert_nonnull (strstr (stripped, "2.Secondnote"));
  g_assert_true (strstr (stripped, "1.第一條筆記") > strstr (stripped, "Notes"));
}

static void
test_png (void)
{
  g_autoptr(BulletinArticle) article = load_from_archive ("01-food-safety.json");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autofree char *png = g_build_filename (tmpdir, "export.png", NULL);
  g_autoptr(GError) error = NULL;
  BulletinPrintOptions options;
  cairo_surface_t *image;
  double height;
  int stride, w, h;
  const guint8 *data;
  guint dark = 0, dark_rows = 0, last_dark_row = 0, bands = 0, n_lines = 0;
  gboolean in_band = FALSE;

  options_for_test (&options);
  g_assert_true (bulletin_export_png (display, &options, 1080, 2, png, &error));
  g_assert_no_error (error);
  keep_artifact (png, "export-archive-hans.png");
  height = bulletin_export_png_height (display, &options, 1080, 2);

  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (image);
  h = cairo_image_surface_get_height (image);
  g_assert_cmpint (w, ==, 1080);
  g_assert_cmpint (h, ==, (int)ceil (height * 2));
  /* the text reaches down to the footer: the last dark row is in the
   * footer band, the last line of text above it */
  stride = cairo_image_surface_get_stride (image);
  data = cairo_image_surface_get_data (image);
  for (int y = 0; y < h; y++)
    {
      gboolean any = FALSE;

      for (int x = 0; x < w; x++)
        {
          guint32 pixel = *(const guint32 *)(data + y * stride + 4 * x);

          if ((pixel & 0xff) < 0x80)
            dark++;
          if ((pixel & 0xff) < 0xe0)
            any = TRUE;
        }
      if (any)
        {
          dark_rows++;
          last_dark_row = y;
        }
      if (any && !in_band)
        bands++;
      in_band = any;
    }

  /* Every line of text is in the image: one band of ink per line, and
   * three in the footer (rule, paper and issue, archive).  The lines:
   * the typesetter's at the image's measure (a whole number of em of
   * 16 px in a 540 px column with 6% margins). */
  {
    g_autoptr(GObject) context = G_OBJECT (bulletin_paginator_create_context ());
    g_autoptr(BulletinTypesetter) typesetter = bulletin_typesetter_new (display, NULL, FALSE, 16);
    double column = floor ((540 - 2 * 540 * 0.06) / 16) * 16;
    g_autoptr(GArray) blocks = bulletin_typesetter_set_blocks (typesetter, PANGO_CONTEXT (context),
                                                               column, 0, G_MAXUINT);

    for (guint i = 0; i < blocks->len; i++)
      n_lines += pango_layout_get_line_count (g_array_index (blocks, BulletinSetBlock, i).layout);
  }
  g_test_message ("%d x %d px, %u bands of ink, %u lines", w, h, bands, n_lines);
  g_assert_cmpuint (bands, ==, n_lines + 3);
  /* not blank: a fair share of the rows carry ink */
  g_assert_cmpuint (dark, >, 10000);
  g_assert_cmpuint (dark_rows, >, (guint)h / 4);
  g_assert_cmpuint (last_dark_row, >, (guint)h - 2 * 16 * 6);
  cairo_surface_destroy (image);
}

/* An article without text (a ninjs item of metadata only) still exports:
 * a page, an image with its footer. */
static void
test_empty_article (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "empty.pdf", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "empty.png", NULL);
  g_autoptr(GError) error = NULL;
  BulletinPrintOptions options;
  cairo_surface_t *image;

  bulletin_article_finish (article);
  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  options_for_test (&options);
  g_assert_true (bulletin_export_pdf (display, &options, BULLETIN_PAPER_A4, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_export_png (display, &options, 1080, 2, png, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_height (image), >, 100);
  cairo_surface_destroy (image);
}

/* Printing through GtkPrintOperation to a PDF file: the same checks. */
static void
test_print_to_file (void)
{
  g_autoptr(BulletinArticle) article = load_from_archive ("02-cobbler.json");
  g_autoptr(BulletinDisplayText) display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  g_autofree char *pdf = g_build_filename (tmpdir, "print.pdf", NULL);
  g_autoptr(GError) error = NULL;
  BulletinPrintOptions options;
  double width, height;
  GtkPrintOperationResult result;

  if (!have_poppler ())
    return;

  options_for_test (&options);
  result = bulletin_print_run_export (display, &options, BULLETIN_PAPER_A4, pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  keep_artifact (pdf, "print-archive-hant-a4.pdf");

  /* The print operation sets the full page with the paginator, as the
   * PDF export does: the same checks hold. */
  bulletin_paper_get_size (BULLETIN_PAPER_A4, &width, &height);
  check_pdf (pdf, display, &options, width, height);

  /* A long article, paginated in many steps from the main loop */
  {
    g_autoptr(BulletinDisplayText) long_display = long_article ();
    g_autofree char *long_pdf = g_build_filename (tmpdir, "print-long.pdf", NULL);

    result = bulletin_print_run_export (long_display, &options, BULLETIN_PAPER_A5, long_pdf, &error);
    g_assert_no_error (error);
    g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
    keep_artifact (long_pdf, "print-long-a5.pdf");
    bulletin_paper_get_size (BULLETIN_PAPER_A5, &width, &height);
    check_pdf (long_pdf, long_display, &options, width, height);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  tmpdir = g_dir_make_tmp ("bulletin-export-XXXXXX", NULL);

  g_test_add_func ("/bulletin/export/pdf/sample", test_pdf_sample);
  g_test_add_func ("/bulletin/export/pdf/archive", test_pdf_archive);
  g_test_add_func ("/bulletin/export/pdf/metadata", test_pdf_metadata);
  g_test_add_func ("/bulletin/export/pagination", test_pagination);
  g_test_add_func ("/bulletin/export/pagination-steps", test_pagination_steps);
  g_test_add_func ("/bulletin/export/pagination/subheads", test_pagination_subheads);
  g_test_add_func ("/bulletin/export/pagination/sample", test_pagination_sample);
  g_test_add_func ("/bulletin/export/pdf/keep-with-next", test_pdf_keep_with_next);
  g_test_add_func ("/bulletin/export/pdf/notes", test_pdf_notes);
  g_test_add_func ("/bulletin/export/png", test_png);
  g_test_add_func ("/bulletin/export/empty-article", test_empty_article);
  g_test_add_func ("/bulletin/export/print-to-file", test_print_to_file);

  status = g_test_run ();
  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return status;
}
