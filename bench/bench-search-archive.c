/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bench-search-archive.h"

#define N_CHARS 3500
#define N_WORDS 40000

struct _SearchCorpus
{
  GPtrArray *words;     /* char *, by rank */
  double    *cdf;       /* Zipf over words */
  GRand     *rand;
  guint      n_words;
  char      *article_end;
};

static int
compare_by_weight (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const double *w = data;
  double x = w[*(const guint *)a], y = w[*(const guint *)b];

  return x > y ? -1 : x < y;
}

static double *
zipf_cdf (guint  n,
          double s)
{
  double *cdf = g_new (double, n);
  double sum = 0;

  for (guint i = 0; i < n; i++)
    {
      sum += 1.0 / pow (i + 1, s);
      cdf[i] = sum;
    }
  for (guint i = 0; i < n; i++)
    cdf[i] /= sum;
  return cdf;
}

static guint
sample (const double *cdf,
        guint         n,
        double        x)
{
  guint lo = 0, hi = n - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (cdf[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

SearchCorpus *
search_corpus_new (guint32 seed)
{
  SearchCorpus *corpus = g_new0 (SearchCorpus, 1);
  g_autofree gunichar *chars = g_new (gunichar, N_CHARS);
  g_autofree double *char_cdf = zipf_cdf (N_CHARS, 1.0);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  corpus->rand = g_rand_new_with_seed (seed);
  /* the characters: distinct, from the common part of the URO block */
  for (guint i = 0; i < N_CHARS; i++)
    {
      gboolean dup;

      do
        {
          chars[i] = 0x4E00 + g_rand_int_range (corpus->rand, 0, 0x9FA5 - 0x4E00);
          dup = FALSE;
          for (guint j = 0; j < i && !dup; j++)
            dup = chars[j] == chars[i];
        }
      while (dup);
    }

  corpus->words = g_ptr_array_new_with_free_func (g_free);
  while (corpus->words->len < N_WORDS)
    {
      double r = g_rand_double (corpus->rand);
      guint len = r < 0.15 ? 1 : r < 0.80 ? 2 : r < 0.92 ? 3 : 4;
      GString *w = g_string_new (NULL);

      for (guint k = 0; k < len; k++)
        g_string_append_unichar (w, chars[sample (char_cdf, N_CHARS, g_rand_double (corpus->rand))]);
      if (g_hash_table_contains (seen, w->str))
        {
          g_string_free (w, TRUE);
          continue;
        }
      g_hash_table_add (seen, w->str);
      g_ptr_array_add (corpus->words, g_string_free (w, FALSE));
    }
  corpus->cdf = zipf_cdf (N_WORDS, 1.05);
  corpus->n_words = N_WORDS;
  return corpus;
}

static gboolean
is_han_word (const char *word)
{
  if (*word == 0)
    return FALSE;
  for (const char *p = word; *p != 0; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_get_script (c) != G_UNICODE_SCRIPT_HAN)
        return FALSE;
    }
  return TRUE;
}

SearchCorpus *
search_corpus_new_from_word_list (const char  *path,
                                  guint32      seed,
                                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) weights = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint *order = NULL;
  SearchCorpus *corpus;
  char *line, *next;
  double sum = 0;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  for (line = contents; line != NULL && *line != 0; line = next)
    {
      char *space, *end;
      double freq;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = 0;
      space = strchr (line, ' ');
      if (space == NULL)
        continue;
      *space = 0;
      freq = g_ascii_strtod (space + 1, &end);
      if (end == space + 1 || freq < 1 || !g_utf8_validate (line, -1, NULL) || !is_han_word (line))
        continue;
      g_ptr_array_add (words, g_strdup (line));
      g_array_append_val (weights, freq);
    }
  if (words->len < 1000)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: not a word list with frequencies (word freq [tag] a line)", path);
      return NULL;
    }

  /* most frequent first, so that ranks mean what they say */
  order = g_new (guint, words->len);
  for (guint i = 0; i < words->len; i++)
    order[i] = i;
#if GLIB_CHECK_VERSION (2, 82, 0)
  g_sort_array (order, words->len, sizeof (guint), compare_by_weight, weights->data);
#else
  g_qsort_with_data (order, words->len, sizeof (guint), compare_by_weight, weights->data);
#endif

  corpus = g_new0 (SearchCorpus, 1);
  corpus->rand = g_rand_new_with_seed (seed);
  corpus->words = g_ptr_array_new_with_free_func (g_free);
  corpus->cdf = g_new (double, words->len);
  corpus->n_words = words->len;
  for (guint i = 0; i < words->len; i++)
    {
      g_ptr_array_add (corpus->words, g_steal_pointer (&g_ptr_array_index (words, order[i])));
      sum += g_array_index (weights, double, order[i]);
      corpus->cdf[i] = sum;
    }
  for (guint i = 0; i < words->len; i++)
    corpus->cdf[i] /= sum;
  return corpus;
}

void
search_corpus_free (SearchCorpus *corpus)
{
  g_ptr_array_unref (corpus->words);
  g_free (corpus->article_end);
  g_free (corpus->cdf);
  g_rand_free (corpus->rand);
  g_free (corpus);
}

guint
search_corpus_get_n_words (SearchCorpus *corpus)
{
  return corpus->words->len;
}

const char *
search_corpus_get_word (SearchCorpus *corpus,
                        guint         rank)
{
  return g_ptr_array_index (corpus->words, rank);
}

static const char *
next_word (SearchCorpus *corpus,
           GRand        *rand,
           const guint  *topic,
           guint         n_topic)
{
  /* bursty: an article comes back to its own topic words */
  if (g_rand_int_range (rand, 0, 100) < 6)
    return g_ptr_array_index (corpus->words, topic[g_rand_int_range (rand, 0, n_topic)]);
  return g_ptr_array_index (corpus->words, sample (corpus->cdf, corpus->n_words, g_rand_double (rand)));
}

void
search_corpus_append_article (SearchCorpus *corpus,
                              GRand        *rand,
                              guint         chars,
                              GString      *out)
{
  guint topic[6];
  guint written = 0, para = 0, since_comma = 0;

  for (guint i = 0; i < G_N_ELEMENTS (topic); i++)
    topic[i] = g_rand_int_range (rand, MIN (200, corpus->n_words / 2), corpus->n_words);

  /* headline */
  for (guint i = 0, n = g_rand_int_range (rand, 4, 8); i < n; i++)
    g_string_append (out, next_word (corpus, rand, topic, G_N_ELEMENTS (topic)));
  g_string_append (out, "\n\n");

  while (written < chars)
    {
      const char *w = next_word (corpus, rand, topic, G_N_ELEMENTS (topic));
      guint r = g_rand_int_range (rand, 0, 1000);

      g_string_append (out, w);
      written += g_utf8_strlen (w, -1);
      para++;
      since_comma++;
      if (r < 4)
        g_string_append_printf (out, "%u年", 1990 + g_rand_int_range (rand, 0, 35));
      else if (r < 6)
        g_string_append (out, "COVID-19");
      if (since_comma > 4 && g_rand_int_range (rand, 0, 5) == 0)
        {
          g_string_append (out, g_rand_int_range (rand, 0, 4) == 0 ? "。" : ",");
          since_comma = 0;
          written++;
        }
      if (para > 80 && g_rand_int_range (rand, 0, 20) == 0)
        {
          g_string_append (out, "。\n\n");
          para = 0;
        }
    }
  g_string_append (out, "。\n");
  if (corpus->article_end != NULL)
    g_string_append_printf (out, "\n%s\n", corpus->article_end);
}

void
search_corpus_set_article_end (SearchCorpus *corpus,
                               const char   *line)
{
  g_free (corpus->article_end);
  corpus->article_end = g_strdup (line);
}

guint64
search_corpus_write_archive (SearchCorpus  *corpus,
                             const char    *dir,
                             guint          n_issues,
                             guint          per_issue,
                             gboolean       one_file_per_article,
                             GError       **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GDate) date = g_date_new_dmy (1, G_DATE_JANUARY, 2008);
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 bytes = 0;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s", dir);
      return 0;
    }

  for (guint i = 0; i < n_issues; i++)
    {
      char day[16];

      g_date_strftime (day, sizeof day, "%Y-%m-%d", date);
      g_string_truncate (text, 0);
      for (guint a = 0; a < per_issue; a++)
        {
          /* article lengths vary a lot: briefs and long features */
          guint chars = 300 + (guint)(g_rand_double (rand) * g_rand_double (rand) * 3000);

          search_corpus_append_article (corpus, rand, chars, text);
          if (one_file_per_article)
            {
              g_autofree char *name = g_strdup_printf ("%s-%02u.txt", day, a + 1);
              g_autofree char *path = g_build_filename (dir, name, NULL);

              if (!g_file_set_contents_full (path, text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0644, error))
                return 0;
              bytes += text->len;
              g_string_truncate (text, 0);
            }
          else
            g_string_append (text, "\n\n\n");
        }
      if (!one_file_per_article)
        {
          g_autofree char *name = g_strdup_printf ("%s.txt", day);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          if (!g_file_set_contents_full (path, text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0644, error))
            return 0;
          bytes += text->len;
        }
      g_date_add_days (date, 1);
    }
  return bytes;
}
