/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The plain-text rules measured on a corpus built at run time from the
 * shared sample bulletins (never copied into the repository): each
 * sample's articles are put together again in every order (up to six
 * articles: 720 orders; more take their rotations), and issues are
 * joined (an order followed by the next one; two samples one after the
 * other).  An article comes out right when the segmenter gives an
 * article with the same text and the same kinds of blocks as it has in
 * the sample as printed.  The score is printed (a TAP comment and on
 * standard error); the test fails when an order of a sample's articles
 * does not come out as that many articles.
 */
#include "config.h"

#include <string.h>

#include "bulletin-test-utils.h"
#include "bulletin-text-import.h"

typedef struct {
  char *source;   /* the article's text */
  char *kinds;    /* its blocks' kinds */
} Expected;

typedef struct {
  char      *name;
  char      *prefix;     /* a masthead before the first article */
  GPtrArray *articles;   /* Expected */
} Sample;

static void
expected_free (gpointer p)
{
  Expected *e = p;

  g_free (e->source);
  g_free (e->kinds);
  g_free (e);
}

static void
sample_free (gpointer p)
{
  Sample *s = p;

  g_free (s->name);
  g_free (s->prefix);
  g_ptr_array_unref (s->articles);
  g_free (s);
}

static char *
kinds_of (BulletinArticle *article)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, bulletin_block_kind_to_string (bulletin_article_get_block (article, i)->kind));
    }
  return g_string_free (s, FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
load_samples (void)
{
  g_autofree char *dir_path = bulletin_test_shared_path ("samples");
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *samples = g_ptr_array_new_with_free_func (sample_free);
  const char *name;

  if (dir_path == NULL)
    return samples;
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".txt"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint n = 0; n < names->len; n++)
    {
      g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (names, n), NULL);
      g_autofree char *contents = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;
      g_autoptr(GError) error = NULL;
      Sample *sample;
      const char *first_source;
      gsize len;

      contents = bulletin_test_read_file (path, &len);
      parsed = bulletin_text_parse (contents, len, g_ptr_array_index (names, n), &error);
      if (parsed == NULL || parsed->articles->len < 2)
        continue;   /* nothing to reorder */

      sample = g_new0 (Sample, 1);
      sample->name = g_strdup (g_ptr_array_index (names, n));
      sample->articles = g_ptr_array_new_with_free_func (expected_free);
      for (guint a = 0; a < parsed->articles->len; a++)
        {
          BulletinArticle *article = g_ptr_array_index (parsed->articles, a);
          Expected *e = g_new0 (Expected, 1);

          e->source = g_strndup (bulletin_article_get_source (article),
                                 bulletin_article_get_source_bytes (article));
          e->kinds = kinds_of (article);
          g_ptr_array_add (sample->articles, e);
        }
      /* the masthead, when there is one, stays in front */
      first_source = ((Expected *) g_ptr_array_index (sample->articles, 0))->source;
      {
        g_autofree char *utf8 = NULL;
        const char *at;

        /* the decoded text is not kept: find the first article's text in
         * the file when it is UTF-8, else start without a masthead */
        utf8 = g_utf8_validate (contents, len, NULL) ? g_strndup (contents, len) : NULL;
        at = utf8 != NULL ? strstr (utf8, first_source) : NULL;
        sample->prefix = at != NULL ? g_strndup (utf8, at - utf8) : g_strdup ("");
      }
      g_ptr_array_add (samples, sample);
    }
  return samples;
}

/* All orders of 0..n-1 (n <= 6), or the n rotations of 0..n-1. */
static GArray *
orders_of (guint n)
{
  GArray *orders = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint *p = g_new (guint, n);
  g_autofree guint *c = g_new0 (guint, n);
  guint i = 0;

  for (guint k = 0; k < n; k++)
    p[k] = k;

  if (n > 6)
    {
      for (guint r = 0; r < n; r++)
        for (guint k = 0; k < n; k++)
          {
            guint v = (k + r) % n;
            g_array_append_val (orders, v);
          }
      return orders;
    }

  /* Heap's algorithm */
  g_array_append_vals (orders, p, n);
  while (i < n)
    {
      if (c[i] < i)
        {
          guint a = i % 2 == 0 ? 0 : c[i], t = p[a];

          p[a] = p[i];
          p[i] = t;
          g_array_append_vals (orders, p, n);
          c[i]++;
          i = 0;
        }
      else
        c[i++] = 0;
    }
  return orders;
}

typedef struct {
  guint n_texts;
  guint n_expected;
  guint n_right;
  guint n_wrong_count;   /* texts that gave another number of articles */
} Score;

/* Segments @text and counts the expected articles that come out right. */
static void
score_text (const char *text,
            GPtrArray  *expected,   /* Expected, not owned */
            Score      *score,
            gboolean   *count_ok)
{
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *used = g_new0 (gboolean, expected->len);

  parsed = bulletin_text_parse (text, strlen (text), "corpus.txt", &error);
  g_assert_no_error (error);

  score->n_texts++;
  score->n_expected += expected->len;
  *count_ok = parsed->articles->len == expected->len;
  if (!*count_ok)
    score->n_wrong_count++;

  for (guint a = 0; a < parsed->articles->len; a++)
    {
      BulletinArticle *article = g_ptr_array_index (parsed->articles, a);
      g_autofree char *source = g_strndup (bulletin_article_get_source (article),
                                           bulletin_article_get_source_bytes (article));
      g_autofree char *kinds = kinds_of (article);

      for (guint e = 0; e < expected->len; e++)
        {
          Expected *x = g_ptr_array_index (expected, e);

          if (!used[e] && g_str_equal (x->source, source) && g_str_equal (x->kinds, kinds))
            {
              used[e] = TRUE;
              score->n_right++;
              break;
            }
        }
    }
}

static char *
join_order (Sample      *sample,
            const guint *order,
            GPtrArray   *expected)
{
  GString *s = g_string_new (sample->prefix);

  for (guint k = 0; k < sample->articles->len; k++)
    {
      Expected *e = g_ptr_array_index (sample->articles, order[k]);

      g_string_append (s, e->source);
      g_string_append (s, "\n\n");
      g_ptr_array_add (expected, e);
    }
  return g_string_free (s, FALSE);
}

static void
test_reordered_corpus (void)
{
  g_autoptr(GPtrArray) samples = load_samples ();
  Score reordered = { 0, }, joined = { 0, };
  g_autoptr(GString) wrong = g_string_new (NULL);

  if (samples->len == 0)
    {
      if (bulletin_test_get_shared_dir () != NULL)
        g_test_skip ("no sample bulletin of two articles or more");
      return;
    }

  for (guint s = 0; s < samples->len; s++)
    {
      Sample *sample = g_ptr_array_index (samples, s);
      guint n = sample->articles->len;
      g_autoptr(GArray) orders = orders_of (n);
      guint n_orders = orders->len / n;

      for (guint o = 0; o < n_orders; o++)
        {
          const guint *order = &g_array_index (orders, guint, o * n);
          g_autoptr(GPtrArray) expected = g_ptr_array_new ();
          g_autofree char *text = join_order (sample, order, expected);
          gboolean count_ok;

          score_text (text, expected, &reordered, &count_ok);
          if (!count_ok)
            {
              g_string_append_printf (wrong, "%s:", sample->name);
              for (guint k = 0; k < n; k++)
                g_string_append_printf (wrong, " %u", order[k]);
              g_string_append_c (wrong, '\n');
            }

          /* an issue joined with the next order of the same articles */
          {
            const guint *next = &g_array_index (orders, guint, ((o + 1) % n_orders) * n);
            g_autoptr(GPtrArray) expected2 = g_ptr_array_new ();
            g_autofree char *a = join_order (sample, order, expected2);
            g_autofree char *b = NULL;
            g_autofree char *both = NULL;
            g_autofree char *b_prefix = sample->prefix;

            sample->prefix = g_strdup ("");
            b = join_order (sample, next, expected2);
            g_free (sample->prefix);
            sample->prefix = g_steal_pointer (&b_prefix);
            both = g_strconcat (a, b, NULL);
            score_text (both, expected2, &joined, &count_ok);
          }
        }
    }

  /* two samples, one after the other */
  for (guint s = 0; s < samples->len; s++)
    for (guint t = 0; t < samples->len; t++)
      if (s != t)
        {
          Sample *a = g_ptr_array_index (samples, s), *b = g_ptr_array_index (samples, t);
          g_autoptr(GPtrArray) expected = g_ptr_array_new ();
          g_autoptr(GString) text = g_string_new (a->prefix);
          gboolean count_ok;

          for (guint k = 0; k < a->articles->len; k++)
            {
              Expected *e = g_ptr_array_index (a->articles, k);
              g_string_append_printf (text, "%s\n\n", e->source);
              g_ptr_array_add (expected, e);
            }
          for (guint k = 0; k < b->articles->len; k++)
            {
              Expected *e = g_ptr_array_index (b->articles, k);
              g_string_append_printf (text, "%s\n\n", e->source);
              g_ptr_array_add (expected, e);
            }
          score_text (text->str, expected, &joined, &count_ok);
        }

  {
    g_autofree char *line = g_strdup_printf ("corpus: reordered samples: %u of %u articles right "
                                             "(%u of %u issues with the wrong number of articles); "
                                             "joined issues: %u of %u articles right",
                                             reordered.n_right, reordered.n_expected,
                                             reordered.n_wrong_count, reordered.n_texts,
                                             joined.n_right, joined.n_expected);
    g_test_message ("%s", line);
    g_printerr ("%s\n", line);
  }
  if (wrong->len > 0)
    g_test_message ("orders with the wrong number of articles:\n%s", wrong->str);

  /* every order of a sample's articles gives that many articles */
  g_assert_cmpuint (reordered.n_wrong_count, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/text-corpus/reordered", test_reordered_corpus);
  return g_test_run ();
}
