/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-search-index.h"
#include "bulletin-search-index-private.h"  /* the signatures */
#include "bulletin-test-utils.h"

/* A generated archive: plain-text issues named by date, from a vocabulary
 * with common and rare words, traditional and simplified forms, full-width
 * and ASCII punctuation and some Latin. */
static const char *vocabulary[] = {
  "的", "在", "疫情", "防控", "社区", "志愿者", "发展", "發展", "国家", "國家",
  "经济", "經濟", "党组织", "居民", "工作", "核酸", "筛查", "服务", "企业", "哈哈",
  "COVID-19", "Shanghai", "ＡＢＣ", "abc", "１２３", "123", "，", ",", "。", "、",
  "“", "”", "！", "!", "xylophone", "麒麟", "饕餮", "疫", "情", "国",
};

typedef struct {
  char  *dir;
  char  *db;
  GFile *root;
  GHashTable *scans;  /* query -> BulletinSearchResults, until the archive changes */
} Fixture;

static BulletinSearchResults *
scan (Fixture    *fixture,
      const char *query)
{
  BulletinSearchResults *results = g_hash_table_lookup (fixture->scans, query);
  g_autoptr(GError) error = NULL;

  if (results == NULL)
    {
      results = bulletin_search_scan_archive (fixture->root, query, NULL, &error);
      g_assert_no_error (error);
      g_hash_table_insert (fixture->scans, g_strdup (query), results);
    }
  return results;
}

static char *
random_paragraph (GRand *rand,
                  guint  words)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < words; i++)
    {
      /* squared: the first words are much more common than the last */
      double x = g_rand_double (rand);
      guint k = (guint)(x * x * G_N_ELEMENTS (vocabulary));

      g_string_append (s, vocabulary[MIN (k, G_N_ELEMENTS (vocabulary) - 1)]);
      if (g_rand_int_range (rand, 0, 12) == 0)
        g_string_append_c (s, ' ');
    }
  return g_string_free (s, FALSE);
}

static void
write_issue (Fixture    *fixture,
             const char *name,
             guint       seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  guint paragraphs = g_rand_int_range (rand, 2, 6);

  for (guint p = 0; p < paragraphs; p++)
    {
      g_autofree char *para = random_paragraph (rand, p == 0 ? 4 : g_rand_int_range (rand, 10, 60));

      g_string_append_printf (text, "%s\n\n", para);
    }
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("bulletin-search-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, ".cache", "index.sqlite", NULL);
  fixture->root = g_file_new_for_path (fixture->dir);
  fixture->scans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)bulletin_search_results_free);

  for (guint i = 0; i < 45; i++)
    {
      g_autofree char *name = g_strdup_printf ("2020-%02u-%02u.txt", 1 + i / 28, 1 + i % 28);

      write_issue (fixture, name, i + 1);
    }
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
  g_object_unref (fixture->root);
  g_hash_table_unref (fixture->scans);
}

static const char *queries[] = {
  "疫情", "疫", "国", "國家", "发展", "經濟發展", "志愿者", "哈哈", "abc", "ＡＢＣ",
  "123", "１２３", "covid", "COVID-19", "shanghai", "xylo", "麒麟", "饕餮", "，",
  "的在", "社区 居民", "不存在的词", "ylophone", "情疫",
  /* query syntax: all of the words, a phrase, exclusions */
  "居民 社区", "\"社区 居民\"", "疫情 -国家", "志愿者 -哈哈 -abc", "abc 疫情", "covid 麒麟 -饕餮",
  "\"哈哈", "-\"国家\" 发展", "疫 情", "xylo -xylophone",
};

static void
assert_same_results (BulletinSearchResults *a,
                     BulletinSearchResults *b)
{
  g_assert_cmpuint (a->results->len, ==, b->results->len);
  g_assert_cmpuint (a->n_hits, ==, b->n_hits);
  for (guint i = 0; i < a->results->len; i++)
    {
      BulletinSearchResult *ra = g_ptr_array_index (a->results, i);
      BulletinSearchResult *rb = g_ptr_array_index (b->results, i);

      g_assert_cmpstr (ra->issue_path, ==, rb->issue_path);
      g_assert_cmpuint (ra->article_index, ==, rb->article_index);
      g_assert_cmpstr (ra->article_id, ==, rb->article_id);
      g_assert_cmpstr (ra->issue_id, ==, rb->issue_id);
      g_assert_cmpuint (ra->n_hits, ==, rb->n_hits);
      g_assert_cmpuint (ra->hits->len, ==, rb->n_hits);
      g_assert_cmpmem (ra->hits->data, ra->hits->len * sizeof (BulletinRange),
                       rb->hits->data, rb->hits->len * sizeof (BulletinRange));
      g_assert_cmpstr (ra->snippet, ==, rb->snippet);
    }
}

/* The index agrees with a brute-force scan for every query; returns the
 * number of queries that found something, so that a test can tell it did
 * not compare empty lists only. */
static guint
cross_check (Fixture             *fixture,
             BulletinSearchIndex *index)
{
  guint found = 0;

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GError) error = NULL;
      BulletinSearchResults *scanned = scan (fixture, queries[q]);
      g_autoptr(BulletinSearchResults) indexed = NULL;

      indexed = bulletin_search_index_query (index, queries[q], 0, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %u articles, %u hits", queries[q], scanned->results->len, scanned->n_hits);
      assert_same_results (indexed, scanned);
      g_assert_true (indexed->complete);
      if (scanned->n_hits > 0)
        found++;
    }
  return found;
}

static void
build (BulletinSearchIndex *index)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bulletin_search_index_update (index, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (bulletin_search_index_get_db_path (index), G_FILE_TEST_IS_REGULAR));
}

static void
test_cross_check (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  BulletinSearchResult *first, *last;

  build (index);
  g_assert_cmpuint (cross_check (fixture, index), >=, G_N_ELEMENTS (queries) - 4);

  results = bulletin_search_index_query (index, "的", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (results->partial);
  g_assert_cmpuint (results->results->len, >, 10);
  first = g_ptr_array_index (results->results, 0);
  last = g_ptr_array_index (results->results, results->results->len - 1);
  g_assert_cmpstr (first->issue_path, >, last->issue_path);  /* newest first */
  g_assert_cmpstr (first->issue_date, ==, "2020-02-17");
}

/* Several words mean all of them, -word excludes: the scan and the index
 * agree (cross_check), and the results are what the words say */
static void
test_syntax (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  BulletinSearchResults *a = scan (fixture, "疫情");
  BulletinSearchResults *b = scan (fixture, "国家");
  BulletinSearchResults *both = scan (fixture, "疫情 国家");
  BulletinSearchResults *reversed = scan (fixture, "国家 疫情");
  BulletinSearchResults *a_not_b = scan (fixture, "疫情 -国家");
  g_autoptr(GHashTable) in_b = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(BulletinSearchResults) excluded = NULL;
  g_autoptr(GError) error = NULL;

  build (index);
  cross_check (fixture, index);

  for (guint i = 0; i < b->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (b->results, i);

      g_hash_table_add (in_b, g_strdup_printf ("%s/%u", r->issue_path, r->article_index));
    }
  g_assert_cmpuint (both->results->len, >, 0);
  g_assert_cmpuint (a_not_b->results->len, >, 0);
  g_assert_cmpuint (both->results->len + a_not_b->results->len, ==, a->results->len);
  g_assert_cmpuint (both->results->len, ==, reversed->results->len);
  g_assert_cmpuint (both->n_hits, ==, reversed->n_hits);
  for (guint i = 0; i < both->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (both->results, i);
      g_autofree char *key = g_strdup_printf ("%s/%u", r->issue_path, r->article_index);

      g_assert_true (g_hash_table_contains (in_b, key));
    }
  for (guint i = 0; i < a_not_b->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (a_not_b->results, i);
      g_autofree char *key = g_strdup_printf ("%s/%u", r->issue_path, r->article_index);

      g_assert_false (g_hash_table_contains (in_b, key));
    }

  /* only exclusions: an error, the same both ways */
  excluded = bulletin_search_index_query (index, "-国家", 0, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "Add a word to search for");
  g_assert_null (excluded);
  g_clear_error (&error);
  excluded = bulletin_search_scan_archive (fixture->root, "-国家 -\"社区\"", NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (excluded);
}

/* The search provider answers from the index alone: without one, a query
 * fails instead of reading every file */
static void
test_index_only (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;

  bulletin_search_index_set_index_only (index, TRUE);
  results = bulletin_search_index_query (index, "疫情", 10, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_assert_null (results);
  g_clear_error (&error);

  /* a shared index beside the archive (bulletin-reader --index) answers */
  {
    g_autofree char *shared_path = bulletin_search_index_shared_path (fixture->root);
    g_autoptr(BulletinSearchIndex) shared = bulletin_search_index_new (fixture->root, shared_path);

    build (shared);
    results = bulletin_search_index_query (index, "疫情", 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (results->scanned);
    assert_same_results (results, scan (fixture, "疫情"));
    g_clear_pointer (&results, bulletin_search_results_free);
  }

  build (index);
  results = bulletin_search_index_query (index, "疫情", 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (results->scanned);
  g_assert_cmpuint (results->results->len, >, 0);
}

static void
test_first_screen (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) all = NULL;
  g_autoptr(BulletinSearchResults) screen = NULL;
  g_autoptr(GError) error = NULL;
  guint hits = 0, i;

  build (index);
  all = bulletin_search_index_query (index, "的", 0, NULL, &error);
  g_assert_no_error (error);
  screen = bulletin_search_index_query (index, "的", 50, NULL, &error);  /* one character: scanned first */
  g_assert_no_error (error);
  g_assert_cmpuint (all->n_hits, >, 50);

  /* the first screen is the head of the complete list, enough for 50 hits */
  g_assert_false (screen->complete);
  g_assert_cmpuint (screen->n_hits, >=, 50);
  for (i = 0; i < screen->results->len; i++)
    {
      BulletinSearchResult *a = g_ptr_array_index (all->results, i);
      BulletinSearchResult *b = g_ptr_array_index (screen->results, i);

      g_assert_cmpstr (a->article_id, ==, b->article_id);
      g_assert_cmpuint (a->n_hits, ==, b->n_hits);
      if (i + 1 < screen->results->len)
        hits += b->n_hits;
    }
  g_assert_cmpuint (hits, <, 50);
}

/* One character of any frequency: the first screen (checked directly
 * while the character is common, else through the index from where the direct
 * check stopped) is the head of the complete results, and a screen larger
 * than the results is the complete results. */
static void
test_first_screen_rare (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  const char *chars[] = { "的", "疫", "国", "發", "哈", "麒", "饕", "志", "经", "鑫", "淼" };
  guint partial = 0, found = 0;

  /* rare characters, in the oldest issues: found after the direct check */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("2019-01-%02u.txt", i + 1);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autoptr(GError) error = NULL;

      g_file_set_contents (path, i % 2 == 0 ? "鑫源社区\n\n鑫字号的居民说鑫。\n" : "淼淼河道\n\n淼。\n",
                           -1, &error);
      g_assert_no_error (error);
    }
  build (index);
  for (guint c = 0; c < G_N_ELEMENTS (chars); c++)
    {
      g_autoptr(BulletinSearchResults) all = NULL;
      g_autoptr(BulletinSearchResults) screen = NULL;
      g_autoptr(BulletinSearchResults) large = NULL;
      g_autoptr(GError) error = NULL;

      all = bulletin_search_index_query (index, chars[c], 0, NULL, &error);
      g_assert_no_error (error);
      assert_same_results (all, scan (fixture, chars[c]));
      large = bulletin_search_index_query (index, chars[c], 100000, NULL, &error);
      g_assert_no_error (error);
      assert_same_results (large, all);
      g_assert_true (large->complete);

      screen = bulletin_search_index_query (index, chars[c], 3, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %u articles, first screen %u", chars[c], all->results->len,
                      screen->results->len);
      g_assert_cmpuint (screen->results->len, <=, all->results->len);
      for (guint i = 0; i < screen->results->len; i++)
        {
          BulletinSearchResult *a = g_ptr_array_index (all->results, i);
          BulletinSearchResult *b = g_ptr_array_index (screen->results, i);

          g_assert_cmpstr (a->issue_path, ==, b->issue_path);
          g_assert_cmpuint (a->article_index, ==, b->article_index);
          g_assert_cmpuint (a->n_hits, ==, b->n_hits);
        }
      if (screen->results->len < all->results->len)
        {
          g_assert_false (screen->complete);
          partial++;
        }
      found += all->results->len > 0 && all->results->len * 4 < 49;
    }
  /* not vacuous: some screens stopped early, and some characters were
   * rare enough to leave the direct check */
  g_assert_cmpuint (partial, >, 0);
  g_assert_cmpuint (found, >, 0);
}

/* Results beyond max_details count their hits only; the counts agree,
 * and so do their article's and issue's strings (for a character whose
 * hits the postings count, made with the result in one block). */
static void
test_details (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(GError) error = NULL;

  build (index);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      BulletinSearchResults *scanned = scan (fixture, queries[q]);
      g_autoptr(BulletinSearchResults) some = bulletin_search_index_query_full (index, queries[q], 0, 3, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (some->results->len, ==, scanned->results->len);
      g_assert_cmpuint (some->n_hits, ==, scanned->n_hits);
      for (guint i = 0; i < some->results->len; i++)
        {
          BulletinSearchResult *r = g_ptr_array_index (some->results, i);
          BulletinSearchResult *s = g_ptr_array_index (scanned->results, i);

          g_assert_cmpstr (r->article_id, ==, s->article_id);
          g_assert_cmpstr (r->headline, ==, s->headline);
          g_assert_cmpstr (r->page, ==, s->page);
          g_assert_cmpstr (r->section, ==, s->section);
          g_assert_cmpstr (r->issue_path, ==, s->issue_path);
          g_assert_cmpstr (r->issue_id, ==, s->issue_id);
          g_assert_cmpstr (r->issue_title, ==, s->issue_title);
          g_assert_cmpstr (r->issue_date, ==, s->issue_date);
          g_assert_cmpuint (r->article_index, ==, s->article_index);
          g_assert_cmpuint (r->n_hits, ==, s->n_hits);
          g_assert_true ((i < 3) == (r->hits != NULL));
          g_assert_true ((i < 3) == (r->snippet != NULL));
        }
    }
}

typedef struct {
  Fixture             *fixture;
  BulletinSearchIndex *index;
  guint                calls;
  guint                partial_results;
} PartialData;

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
  PartialData *pd = user_data;
  g_autoptr(BulletinSearchResults) partial = NULL;
  BulletinSearchResults *scanned = scan (pd->fixture, "的");
  g_autoptr(GError) error = NULL;

  pd->calls++;
  if (done == 0 || done == total)
    return;

  /* half built: results from what is indexed, flagged, all of them true */
  partial = bulletin_search_index_query (pd->index, "的", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (partial->partial);
  g_assert_cmpuint (partial->results->len, >, 0);
  g_assert_cmpuint (partial->results->len, <, scanned->results->len);
  for (guint i = 0; i < partial->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (partial->results, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < scanned->results->len && !seen; j++)
        {
          BulletinSearchResult *s = g_ptr_array_index (scanned->results, j);

          seen = g_strcmp0 (s->article_id, r->article_id) == 0 && s->n_hits == r->n_hits;
        }
      g_assert_true (seen);
    }
  pd->partial_results++;
}

static void
test_partial (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(GError) error = NULL;
  PartialData pd = { fixture, index, 0, 0 };

  g_assert_true (bulletin_search_index_update (index, NULL, on_progress, &pd, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pd.partial_results, >=, 1);
  cross_check (fixture, index);
}

static void
count_progress (guint    done,
                guint    total,
                gpointer user_data)
{
  *(guint *)user_data = total;
}

static void
test_stale (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = g_build_filename (fixture->dir, "2020-01-10.txt", NULL);
  g_autofree char *removed = g_build_filename (fixture->dir, "2020-02-01.txt", NULL);
  guint total = G_MAXUINT;

  build (index);
  results = bulletin_search_index_query (index, "独一无二", 0, NULL, &error);
  g_assert_cmpuint (results->results->len, ==, 0);
  g_clear_pointer (&results, bulletin_search_results_free);

  /* an issue rewritten, one removed, an old one and a new one added */
  g_file_set_contents (changed, "独一无二的标题\n\n國家发展独一无二。\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_remove (removed), ==, 0);
  write_issue (fixture, "2019-12-31.txt", 1000);
  write_issue (fixture, "2020-03-01.txt", 1001);
  g_hash_table_remove_all (fixture->scans);

  g_assert_true (bulletin_search_index_update (index, NULL, count_progress, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 3);

  results = bulletin_search_index_query (index, "独一无二", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->results->len, ==, 1);
  g_assert_cmpuint (results->n_hits, ==, 2);
  cross_check (fixture, index);

  /* nothing changed: nothing indexed */
  g_assert_true (bulletin_search_index_update (index, NULL, count_progress, &total, &error));
  g_assert_cmpuint (total, ==, 0);
}

/* A removed issue's rowids are never given again: its postings stay until
 * the merge at the end of the update, and an issue indexed in its place
 * (older than every other, so after the last rowid) must not take them.
 * A one-character query counts the hits of the results beyond the first
 * from the postings, so a reused rowid would be a wrong result. */
static void
test_removed_rowids (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autofree char *removed = g_build_filename (fixture->dir, "2019-06-01.txt", NULL);
  g_autofree char *added = g_build_filename (fixture->dir, "2019-05-01.txt", NULL);
  g_autoptr(GError) error = NULL;

  /* more results than a batch of candidates before it: the later ones
   * are counted */
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/2019-07-%02u.txt", fixture->dir, i + 1);

      g_file_set_contents (name, "甪直古镇\n\n甪直的社区居民。\n", -1, &error);
      g_assert_no_error (error);
    }
  g_file_set_contents (removed, "甪甪甪\n\n甪字三见，甪直。\n", -1, &error);
  g_assert_no_error (error);
  build (index);
  for (guint pass = 0; pass < 2; pass++)
    {
      BulletinSearchResults *scanned;
      g_autoptr(BulletinSearchResults) indexed = NULL;

      if (pass == 1)
        {
          /* removed, and an older issue of as many articles added */
          g_assert_cmpint (g_remove (removed), ==, 0);
          g_file_set_contents (added, "社区新闻\n\n国家发展的社区居民说。\n", -1, &error);
          g_assert_no_error (error);
          g_hash_table_remove_all (fixture->scans);
          g_assert_true (bulletin_search_index_update (index, NULL, NULL, NULL, &error));
          g_assert_no_error (error);
        }
      scanned = scan (fixture, "甪");
      /* details for the first result only: the others are counted */
      indexed = bulletin_search_index_query_full (index, "甪", 0, 1, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("pass %u: %u articles, %u hits", pass, indexed->results->len, indexed->n_hits);
      /* the removed issue's article, and the kept ones' */
      g_assert_cmpuint (scanned->results->len, ==, pass == 0 ? 13 : 12);
      g_assert_cmpuint (indexed->results->len, ==, scanned->results->len);
      g_assert_cmpuint (indexed->n_hits, ==, scanned->n_hits);
      for (guint i = 0; i < indexed->results->len; i++)
        {
          BulletinSearchResult *ri = g_ptr_array_index (indexed->results, i);
          BulletinSearchResult *rs = g_ptr_array_index (scanned->results, i);

          g_assert_cmpstr (ri->issue_path, ==, rs->issue_path);
          g_assert_cmpuint (ri->article_index, ==, rs->article_index);
          g_assert_cmpuint (ri->n_hits, ==, rs->n_hits);
        }
    }
  cross_check (fixture, index);
}

typedef enum { DAMAGE_DELETE, DAMAGE_TRUNCATE, DAMAGE_GARBAGE, DAMAGE_GARBAGE_PAGES } Damage;

static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  Damage damage = GPOINTER_TO_INT (data);
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchIndex) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  build (index);
  g_assert_true (g_file_get_contents (fixture->db, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8192);

  switch (damage)
    {
    case DAMAGE_DELETE:
      g_assert_cmpint (g_remove (fixture->db), ==, 0);
      break;
    case DAMAGE_TRUNCATE:
      g_file_set_contents (fixture->db, contents, len / 2, &error);
      break;
    case DAMAGE_GARBAGE:
      for (gsize i = 0; i < len; i++)
        contents[i] = (char)(i * 7919 % 251);
      g_file_set_contents (fixture->db, contents, len, &error);
      break;
    case DAMAGE_GARBAGE_PAGES:
      /* the header survives, pages in the middle do not */
      for (gsize i = 4096 * 2; i < len - 4096; i++)
        contents[i] = (char)(i * 7919 % 251);
      g_file_set_contents (fixture->db, contents, len, &error);
      break;
    }
  g_assert_no_error (error);

  /* a new session: queries before the update still answer, and right */
  fresh = bulletin_search_index_new (fixture->root, fixture->db);
  if (damage != DAMAGE_GARBAGE_PAGES)
    cross_check (fixture, fresh);

  /* the update rebuilds it */
  g_assert_true (bulletin_search_index_update (fresh, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cross_check (fixture, fresh);
}

/* A single issue file is an archive of one issue: the scan and the index
 * search it, its path is its name. */
/* Texts whose CJK runs folding leaves as they are ("plain") count the hits
 * of a one-term CJK query without folding, beyond the results given in
 * detail: the counts are the scan's, with hits that would run across the
 * start of a block (a paragraph ending in 疫, the next starting with 情),
 * overlapping ones (哈哈 in 哈哈哈), and texts that are not plain (a
 * hard-wrapped line inside a word, a traditional form) beside them; and
 * the complete results of a character in most articles, which checks
 * every article. */
static void
write_plain_issue (Fixture *fixture,
                   guint    i)
{
  /* with a character of four bytes in UTF-8 and ASCII, so that hits and
   * the starts of blocks fall anywhere in the sixteen bytes that
   * plain_count () looks at at a time */
  static const char *words[] = { "疫情", "疫", "情", "哈哈", "哈", "国家", "的", "社区", "，", "。", "𠀀", "ab c" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000 + i);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = g_strdup_printf ("%s/2021-%02u-%02u.txt", fixture->dir, 1 + i / 28, 1 + i % 28);
  g_autoptr(GError) error = NULL;

  for (guint p = 0; p < 4; p++)
    {
      guint n = g_rand_int_range (rand, 8, 40);

      for (guint w = 0; w < n; w++)
        {
          g_string_append (text, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          /* a hard-wrapped line, and a traditional form, now and then */
          if (i % 5 == 1 && w == n / 2)
            g_string_append (text, "疫\n情");
          if (i % 7 == 2 && w == n / 3)
            g_string_append (text, "國家");
        }
      /* paragraphs end in 疫, 哈 or a full stop: the next starts anywhere */
      g_string_append (text, p % 3 == 0 ? "疫\n\n" : p % 3 == 1 ? "哈\n\n" : "。\n\n");
    }
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
}

static void
test_plain_counts (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char *plain_queries[] = {
    "疫情", "情疫", "哈哈", "哈", "疫", "情", "国家", "國家", "的", "社区", "哈疫", "疫情 -哈哈", "疫 情",
    "𠀀", "𠀀疫", "疫情的",
  };
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  guint found = 0;

  /* more than SCAN_FIRST (200) articles: a character in most of them
   * checks every article rather than the index's candidates */
  for (guint i = 0; i < 170; i++)
    write_plain_issue (fixture, i);
  build (index);

  for (guint q = 0; q < G_N_ELEMENTS (plain_queries); q++)
    {
      g_autoptr(GError) error = NULL;
      BulletinSearchResults *scanned = scan (fixture, plain_queries[q]);
      g_autoptr(BulletinSearchResults) indexed = NULL;

      /* details for the first result only: the others are counted */
      indexed = bulletin_search_index_query_full (index, plain_queries[q], 0, 1, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %u articles, %u hits", plain_queries[q], scanned->results->len, scanned->n_hits);
      g_assert_cmpuint (indexed->results->len, ==, scanned->results->len);
      g_assert_cmpuint (indexed->n_hits, ==, scanned->n_hits);
      for (guint i = 0; i < indexed->results->len; i++)
        {
          BulletinSearchResult *ri = g_ptr_array_index (indexed->results, i);
          BulletinSearchResult *rs = g_ptr_array_index (scanned->results, i);

          g_assert_cmpstr (ri->article_id, ==, rs->article_id);
          g_assert_cmpuint (ri->n_hits, ==, rs->n_hits);
          g_assert_true ((ri->hits != NULL) == (i == 0));
        }
      found += scanned->results->len > 150;
    }
  g_assert_cmpuint (found, >=, 8);
}

/* A bigram is indexed by its first character and a bucket of the second
 * (docs/search.md): a query of a bigram that is not in the archive, whose
 * bucket holds bigrams that are, finds nothing, as a scan does; so do the
 * bigrams that are there, and the one-character query of the first
 * character, a prefix over its buckets.  600 bigrams of 社 fill every
 * bucket, whatever the hash. */
static void
test_bigram_buckets (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(GPtrArray) absent = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) present = g_ptr_array_new_with_free_func (g_free);
  guint empty = 0, found = 0;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *path = g_strdup_printf ("%s/2022-01-%02u.txt", fixture->dir, i + 1);
      g_autoptr(GError) error = NULL;

      for (guint k = 0; k < 30; k++)
        {
          /* 社 before even characters of U+4E00 on, the odd ones alone */
          gunichar even = 0x4E00 + 2 * (i * 30 + k), odd = even + 1;

          g_string_append (text, "社");
          g_string_append_unichar (text, even);
          g_string_append (text, "。");
          g_string_append_unichar (text, odd);
          g_string_append (text, k % 10 == 9 ? "\n\n" : "，");
        }
      g_file_set_contents (path, text->str, text->len, &error);
      g_assert_no_error (error);
    }
  for (guint j = 0; j < 60; j++)
    {
      char buf[16];
      gunichar c = 0x4E00 + 20 * j;

      buf[g_unichar_to_utf8 (c, buf)] = 0;
      g_ptr_array_add (present, g_strconcat ("社", buf, NULL));
      buf[g_unichar_to_utf8 (c + 1, buf)] = 0;
      g_ptr_array_add (absent, g_strconcat ("社", buf, NULL));
    }
  g_ptr_array_add (present, g_strdup ("社"));
  build (index);

  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? absent : present;

      for (guint q = 0; q < list->len; q++)
        {
          const char *query = g_ptr_array_index (list, q);
          g_autoptr(GError) error = NULL;
          BulletinSearchResults *scanned = scan (fixture, query);
          g_autoptr(BulletinSearchResults) indexed = NULL;

          indexed = bulletin_search_index_query (index, query, 0, NULL, &error);
          g_assert_no_error (error);
          assert_same_results (indexed, scanned);
          if (pass == 0)
            empty += scanned->results->len == 0;
          else
            found += scanned->results->len > 0;
        }
    }
  /* the absent bigrams are absent, the present ones present (but for a
   * few characters that fold to others) */
  g_assert_cmpuint (empty, >=, absent->len - 5);
  g_assert_cmpuint (found, >=, present->len - 5);
}

static void
test_single_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-single-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "2024-04-01.txt", NULL);
  g_autofree char *db = g_build_filename (dir, "index.sqlite", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinSearchResults) scanned = NULL;
  g_autoptr(BulletinSearchResults) indexed = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, "社区食堂推出新菜单\n\n街道社区食堂本周推出夏季新菜单，价格不变。\n", -1, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  scanned = bulletin_search_scan_archive (file, "菜单", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (scanned);
  g_assert_cmpuint (scanned->results->len, ==, 1);
  g_assert_cmpstr (((BulletinSearchResult *)g_ptr_array_index (scanned->results, 0))->issue_path, ==,
                   "2024-04-01.txt");

  index = bulletin_search_index_new (file, db);
  g_assert_true (bulletin_search_index_update (index, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  indexed = bulletin_search_index_query (index, "菜单", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (indexed->results->len, ==, 1);
  g_assert_cmpuint (indexed->n_hits, ==, scanned->n_hits);
  g_assert_cmpstr (((BulletinSearchResult *)g_ptr_array_index (indexed->results, 0))->issue_path, ==,
                   "2024-04-01.txt");

  /* a file of no format: the message names the table's extensions, as
   * the archive's does */
  {
    g_autofree char *png = g_build_filename (dir, "a.png", NULL);
    g_autoptr(GFile) png_file = g_file_new_for_path (png);
    g_autoptr(BulletinSearchResults) none = NULL;

    g_file_set_contents (png, "x", -1, &error);
    g_assert_no_error (error);
    none = bulletin_search_scan_archive (png_file, "菜单", NULL, &error);
    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_assert_nonnull (strstr (error->message, "a.png"));
    g_assert_nonnull (strstr (error->message, ".json"));
    g_assert_nonnull (strstr (error->message, ".txt"));
    g_assert_nonnull (strstr (error->message, ".xml"));
    g_clear_error (&error);
    g_unlink (png);
  }

  g_clear_object (&index);
  g_unlink (db);
  g_unlink (path);
  g_rmdir (dir);
}

/* An issue that cannot be read is named, with its reason, in the results
 * of a scan and by the index; not logged (a warning would abort a test).
 * A single issue file is an archive of one issue. */
static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GPtrArray) unreadable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *junk = g_build_filename (fixture->dir, "2020-01-05.json", NULL);
  g_autofree char *one = g_build_filename (fixture->dir, "2020-01-10.txt", NULL);
  g_autoptr(GFile) one_file = g_file_new_for_path (one);
  const char *line;

  g_file_set_contents (junk, "{\"uri\": broken", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (one, "独一无二的标题\n\n國家发展独一无二。\n", -1, &error);
  g_assert_no_error (error);

  results = bulletin_search_scan_archive (fixture->root, "独一无二", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->results->len, ==, 1);
  g_assert_cmpuint (results->unreadable->len, ==, 1);
  line = g_ptr_array_index (results->unreadable, 0);
  g_assert_true (g_str_has_prefix (line, "2020-01-05.json: "));
  /* the reason, not the file name again */
  g_assert_null (strstr (line + strlen ("2020-01-05.json: "), "2020-01-05.json"));
  g_clear_pointer (&results, bulletin_search_results_free);

  build (index);
  unreadable = bulletin_search_index_dup_unreadable (index, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unreadable->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (unreadable, 0), "2020-01-05.json: "));

  results = bulletin_search_scan_archive (one_file, "独一无二", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->results->len, ==, 1);
  g_assert_cmpstr (((BulletinSearchResult *)g_ptr_array_index (results->results, 0))->issue_path, ==,
                   "2020-01-10.txt");
  g_assert_cmpuint (results->unreadable->len, ==, 0);
}

/* The filters (issue 15): three plain-text issues with page headers, each
 * article on its own page and section; 城南 once in every article and
 * more often in the last of two issues.  Each filter, alone and combined,
 * gives exactly the articles it keeps, in its order, from the index and
 * from the scan; the index leaves the others out before the first screen
 * (max_hits) fills. */

/* "DD/ARTICLE/HITS" of each result, in order */
static char *
describe (BulletinSearchResults *results)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n_hits = 0;

  for (guint i = 0; i < results->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (results->results, i);

      g_assert_nonnull (r->issue_date);
      g_string_append_printf (s, "%s%s/%u/%u", i > 0 ? " " : "", r->issue_date + 8, r->article_index, r->n_hits);
      n_hits += r->n_hits;
    }
  g_assert_cmpuint (results->n_hits, ==, n_hits);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_filters (void)
{
  static const struct { const char *name, *date, *h2, *h3, *h4; guint extra; } issues[] = {
    { "2024-03-01.txt", "2024年3月1日", "第2版 社会", "第3版\n要闻", "城南日报 2024年3月1日 第4版 文化", 0 },
    { "2024-03-05.txt", "2024年3月5日", "第2版 要闻", "第3版 社会", "第4版 文化", 3 },
    { "2024-03-09.txt", "2024年3月9日", "第2版 文化", "第3版 要闻", "第4版 社会", 1 },
  };
  static const struct { BulletinSearchFilter filter; const char *want; } cases[] = {
    { { 0 }, "09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4 01/0/1 01/1/1 01/2/1 01/3/1" },
    { { .date_from = "2024-03-05" }, "09/0/1 09/1/1 09/2/1 09/3/2 05/0/1 05/1/1 05/2/1 05/3/4" },
    { { .date_to = "2024-03-05" }, "05/0/1 05/1/1 05/2/1 05/3/4 01/0/1 01/1/1 01/2/1 01/3/1" },
    { { .date_from = "2024-03-02", .date_to = "2024-03-08" }, "05/0/1 05/1/1 05/2/1 05/3/4" },
    { { .date_from = "2024-03-10" }, "" },
    { { .issue = "2024-03-01.txt" }, "01/0/1 01/1/1 01/2/1 01/3/1" },
    { { .section = "社会" }, "09/3/2 05/2/1 01/1/1" },
    { { .page = "3" }, "09/2/1 05/2/1 01/2/1" },
    { { .page = "1" }, "09/0/1 05/0/1 01/0/1" },
    { { .page = "3", .section = "社会" }, "05/2/1" },
    { { .section = "要闻", .date_from = "2024-03-05" }, "09/2/1 05/1/1" },
    { { .section = "不存在" }, "" },
    { { .order = BULLETIN_SEARCH_ORDER_OLDEST },
      "01/0/1 01/1/1 01/2/1 01/3/1 05/0/1 05/1/1 05/2/1 05/3/4 09/0/1 09/1/1 09/2/1 09/3/2" },
    { { .order = BULLETIN_SEARCH_ORDER_HITS },
      "05/3/4 09/3/2 09/0/1 09/1/1 09/2/1 05/0/1 05/1/1 05/2/1 01/0/1 01/1/1 01/2/1 01/3/1" },
    { { .section = "文化", .order = BULLETIN_SEARCH_ORDER_HITS }, "05/3/4 09/1/1 01/3/1" },
    { { .date_to = "2024-03-05", .page = "4", .order = BULLETIN_SEARCH_ORDER_OLDEST }, "01/3/1 05/3/4" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bulletin-filter-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr(GFile) root = NULL;
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinSearchResults) screen = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (issues); i++)
    {
      g_autoptr(GString) extra = g_string_new (NULL);
      g_autofree char *text = NULL;
      g_autofree char *path = g_build_filename (dir, issues[i].name, NULL);

      for (guint k = 0; k < issues[i].extra; k++)
        g_string_append (extra, "城南很美。");
      text = g_strdup_printf (BULLETIN_TEST_PAGED_ISSUE, issues[i].date, issues[i].h2, issues[i].h3, issues[i].h4, extra->str);
      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
    }
  db = g_build_filename (dir, ".cache", "index.sqlite", NULL);
  root = g_file_new_for_path (dir);
  index = bulletin_search_index_new (root, db);
  build (index);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BulletinSearchResults) indexed = NULL;
      g_autoptr(BulletinSearchResults) scanned = NULL;
      g_autofree char *got = NULL;
      g_autofree char *got_scan = NULL;

      g_test_message ("case %u: %s", i, cases[i].want);
      indexed = bulletin_search_index_query_filtered (index, "城南", &cases[i].filter, 0, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (indexed->scanned);
      g_assert_true (indexed->complete);
      got = describe (indexed);
      g_assert_cmpstr (got, ==, cases[i].want);

      scanned = bulletin_search_scan_archive (root, "城南", NULL, &error);
      g_assert_no_error (error);
      bulletin_search_results_apply_filter (scanned, &cases[i].filter);
      got_scan = describe (scanned);
      g_assert_cmpstr (got_scan, ==, cases[i].want);
    }

  /* the sections the index knows, for the filter to choose from */
  {
    g_auto(GStrv) sections = bulletin_search_index_dup_sections (index, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (g_strv_contains ((const char * const *)sections, "社会"));
    g_assert_true (g_strv_contains ((const char * const *)sections, "要闻"));
    g_assert_true (g_strv_contains ((const char * const *)sections, "文化"));
    g_assert_cmpuint (g_strv_length (sections), ==, 3);
  }

  /* pages and sections come with the results */
  {
    const BulletinSearchFilter filter = { .section = "社会" };
    BulletinSearchResult *r;

    screen = bulletin_search_index_query_filtered (index, "城南", &filter, 0, 0, NULL, &error);
    g_assert_no_error (error);
    r = g_ptr_array_index (screen->results, 0);
    g_assert_cmpstr (r->page, ==, "4");
    g_assert_cmpstr (r->section, ==, "社会");
    g_assert_nonnull (r->snippet);
    g_clear_pointer (&screen, bulletin_search_results_free);
  }

  /* and with the results beyond the details: those of a character whose
   * hits the postings count have their strings in their own block, the
   * same as in detail */
  {
    g_autoptr(BulletinSearchResults) detailed = NULL;
    guint n_pages = 0;

    screen = bulletin_search_index_query_full (index, "城", 0, 1, NULL, &error);
    g_assert_no_error (error);
    detailed = bulletin_search_index_query_full (index, "城", 0, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (screen->results->len, ==, 12);
    g_assert_cmpuint (detailed->results->len, ==, 12);
    g_assert_cmpuint (screen->n_hits, ==, detailed->n_hits);
    for (guint i = 0; i < screen->results->len; i++)
      {
        BulletinSearchResult *a = g_ptr_array_index (screen->results, i);
        BulletinSearchResult *b = g_ptr_array_index (detailed->results, i);

        g_assert_true ((i == 0) == (a->snippet != NULL));
        g_assert_cmpstr (a->article_id, ==, b->article_id);
        g_assert_cmpstr (a->headline, ==, b->headline);
        g_assert_cmpstr (a->page, ==, b->page);
        g_assert_cmpstr (a->section, ==, b->section);
        g_assert_cmpstr (a->issue_path, ==, b->issue_path);
        g_assert_cmpstr (a->issue_date, ==, b->issue_date);
        g_assert_cmpuint (a->article_index, ==, b->article_index);
        g_assert_cmpuint (a->n_hits, ==, b->n_hits);
        n_pages += a->page != NULL;
      }
    /* not vacuous: the articles have their pages */
    g_assert_cmpuint (n_pages, ==, 12);
    g_clear_pointer (&screen, bulletin_search_results_free);
  }

  /* the first screen holds kept articles only: 2 hits are the first two
   * of section 社会, and there is more */
  {
    const BulletinSearchFilter filter = { .section = "社会" };
    g_autofree char *got = NULL;

    screen = bulletin_search_index_query_filtered (index, "城南", &filter, 2, 0, NULL, &error);
    g_assert_no_error (error);
    got = describe (screen);
    g_assert_cmpstr (got, ==, "09/3/2");
    g_assert_false (screen->complete);
    g_clear_pointer (&screen, bulletin_search_results_free);
  }
  {
    const BulletinSearchFilter filter = { .page = "3" };
    g_autofree char *got = NULL;

    screen = bulletin_search_index_query_filtered (index, "城南", &filter, 2, 0, NULL, &error);
    g_assert_no_error (error);
    got = describe (screen);
    g_assert_cmpstr (got, ==, "09/2/1 05/2/1");
    g_assert_false (screen->complete);
    g_clear_pointer (&screen, bulletin_search_results_free);
  }

  g_clear_object (&index);
  remove_tree (dir);
}

/* Pages: the results after a given one, in every order, with and
 * without an index, in an ordered index and in one whose rowids are no
 * longer in issue order: page after page they are the complete results,
 * each result in detail (the UI's list reaches every hit this way). */
static void
check_filtered_pages (BulletinSearchIndex        *index,
                      const char                 *query,
                      const BulletinSearchFilter *filter_in,
                      guint                       page_size,
                      gboolean                    scanned)
{
  const BulletinSearchFilter filter = *filter_in;
  BulletinSearchOrder order = filter.order;
  g_autoptr(BulletinSearchResults) all = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0, n_pages = 0, n_hits = 0;
  BulletinSearchResult *after = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_search_results_free);

  all = bulletin_search_index_query_filtered (index, query, &filter, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (all->complete);
  for (;;)
    {
      BulletinSearchResults *page;

      page = bulletin_search_index_query_page (index, query, &filter, after, page_size, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (pages, page);
      g_assert_cmpint (page->scanned, ==, scanned);
      g_assert_cmpuint (page->results->len, <=, page_size);
      n_pages++;
      for (guint i = 0; i < page->results->len; i++)
        {
          BulletinSearchResult *a = g_ptr_array_index (all->results, n + i);
          BulletinSearchResult *b = g_ptr_array_index (page->results, i);

          g_assert_cmpuint (n + i, <, all->results->len);
          g_assert_cmpstr (a->issue_path, ==, b->issue_path);
          g_assert_cmpuint (a->article_index, ==, b->article_index);
          g_assert_cmpuint (a->n_hits, ==, b->n_hits);
          g_assert_cmpstr (a->article_id, ==, b->article_id);
          g_assert_cmpstr (a->headline, ==, b->headline);
          g_assert_cmpstr (a->issue_id, ==, b->issue_id);
          g_assert_cmpstr (a->issue_title, ==, b->issue_title);
          g_assert_cmpstr (a->issue_date, ==, b->issue_date);
          g_assert_cmpstr (a->page, ==, b->page);
          g_assert_cmpstr (a->section, ==, b->section);
          g_assert_cmpint (a->sort_key, ==, b->sort_key);
          g_assert_nonnull (b->hits);
          g_assert_cmpmem (a->hits->data, a->hits->len * sizeof (BulletinRange),
                           b->hits->data, b->hits->len * sizeof (BulletinRange));
          g_assert_cmpstr (a->snippet, ==, b->snippet);
          n_hits += b->n_hits;
        }
      n += page->results->len;
      if (page->complete)
        break;
      /* a page that is not the last is full */
      g_assert_cmpuint (page->results->len, ==, page_size);
      after = g_ptr_array_index (page->results, page->results->len - 1);
    }
  g_test_message ("%s, order %d, pages of %u: %u results in %u pages", query, order, page_size, n, n_pages);
  g_assert_cmpuint (n, ==, all->results->len);
  g_assert_cmpuint (n_hits, ==, all->n_hits);
}

static void
check_pages (BulletinSearchIndex *index,
             const char          *query,
             BulletinSearchOrder  order,
             guint                page_size,
             gboolean             scanned)
{
  const BulletinSearchFilter filter = { .order = order };

  check_filtered_pages (index, query, &filter, page_size, scanned);
}

/* The complete results in another order than newest first, with only
 * the first @n_details in detail: every result and count as with all of
 * them in detail, and the first ones the same in detail */
static void
check_sorted_details (BulletinSearchIndex *index,
                      const char          *query,
                      BulletinSearchOrder  order,
                      guint                n_details)
{
  const BulletinSearchFilter filter = { .order = order };
  g_autoptr(BulletinSearchResults) all = NULL;
  g_autoptr(BulletinSearchResults) some = NULL;
  g_autoptr(GError) error = NULL;

  all = bulletin_search_index_query_filtered (index, query, &filter, 0, 0, NULL, &error);
  g_assert_no_error (error);
  some = bulletin_search_index_query_filtered (index, query, &filter, 0, n_details, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (some->complete);
  g_assert_cmpuint (all->results->len, >, n_details);
  g_assert_cmpuint (some->results->len, ==, all->results->len);
  g_assert_cmpuint (some->n_hits, ==, all->n_hits);
  for (guint i = 0; i < all->results->len; i++)
    {
      BulletinSearchResult *a = g_ptr_array_index (all->results, i);
      BulletinSearchResult *b = g_ptr_array_index (some->results, i);

      g_assert_cmpstr (a->issue_path, ==, b->issue_path);
      g_assert_cmpuint (a->article_index, ==, b->article_index);
      g_assert_cmpuint (a->n_hits, ==, b->n_hits);
      if (i >= n_details)
        continue;
      g_assert_nonnull (b->hits);
      g_assert_cmpmem (a->hits->data, a->hits->len * sizeof (BulletinRange),
                       b->hits->data, b->hits->len * sizeof (BulletinRange));
      g_assert_cmpstr (a->snippet, ==, b->snippet);
    }
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) all = NULL;
  g_autoptr(BulletinSearchResults) page = NULL;
  g_autoptr(GError) error = NULL;
  BulletinSearchResult *last;

  /* no index yet: the scan */
  check_pages (index, "疫情", BULLETIN_SEARCH_ORDER_NEWEST, 5, TRUE);

  build (index);
  all = bulletin_search_index_query (index, "的", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->results->len, >, 20);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    check_pages (index, queries[q], BULLETIN_SEARCH_ORDER_NEWEST, 7, FALSE);
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_NEWEST, 1, FALSE);   /* one character: scanned first */
  check_pages (index, "麒", BULLETIN_SEARCH_ORDER_NEWEST, 2, FALSE);   /* a rare one: through the index */
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_OLDEST, 9, FALSE);
  check_pages (index, "疫情", BULLETIN_SEARCH_ORDER_HITS, 4, FALSE);
  /* oldest first walks the index from its oldest issue and stops once a
   * page is full (pages ending inside an issue, whose articles come last
   * to first); most hits counts every result and gives the page's in
   * detail: both the same as the complete query in that order */
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      check_pages (index, queries[q], BULLETIN_SEARCH_ORDER_OLDEST, 3, FALSE);
      check_pages (index, queries[q], BULLETIN_SEARCH_ORDER_HITS, 5, FALSE);
    }
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_OLDEST, 1, FALSE);   /* scanned first */
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_OLDEST, 7, FALSE);
  check_pages (index, "麒", BULLETIN_SEARCH_ORDER_OLDEST, 2, FALSE);   /* through the postings */
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_HITS, 1, FALSE);
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_HITS, 13, FALSE);
  check_sorted_details (index, "的", BULLETIN_SEARCH_ORDER_HITS, 5);
  check_sorted_details (index, "疫情", BULLETIN_SEARCH_ORDER_OLDEST, 3);
  /* with a date range: the filter leaves articles out before the page
   * counts them, in either direction */
  for (BulletinSearchOrder order = BULLETIN_SEARCH_ORDER_NEWEST; order <= BULLETIN_SEARCH_ORDER_HITS; order++)
    {
      const BulletinSearchFilter range = { .date_from = "2020-01-20", .date_to = "2020-02-10", .order = order };

      check_filtered_pages (index, "的", &range, 4, FALSE);
      check_filtered_pages (index, "疫情", &range, 2, FALSE);
    }

  /* the page after the last result is empty and complete */
  last = g_ptr_array_index (all->results, all->results->len - 1);
  page = bulletin_search_index_query_page (index, "的", NULL, last, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->results->len, ==, 0);
  g_assert_true (page->complete);
  g_clear_pointer (&page, bulletin_search_results_free);

  /* a shared index beside the archive (--index), then an issue changed,
   * one added and one removed: this index holds the first two, the shared
   * one the rest, and pages merge both without the shared index's old
   * texts of the changed and removed issues taking room in a page */
  {
    g_autofree char *shared_path = bulletin_search_index_shared_path (fixture->root);
    g_autoptr(BulletinSearchIndex) shared = bulletin_search_index_new (fixture->root, shared_path);
    g_autoptr(BulletinSearchIndex) client = NULL;
    g_autofree char *client_db = g_build_filename (fixture->dir, ".cache", "client.sqlite", NULL);
    g_autofree char *shared_dir = g_path_get_dirname (shared_path);

    g_autofree char *removed = g_build_filename (fixture->dir, "2020-01-20.txt", NULL);

    build (shared);
    write_issue (fixture, "2020-01-05.txt", 2000);
    write_issue (fixture, "2020-03-02.txt", 2001);
    g_assert_cmpint (g_remove (removed), ==, 0);
    client = bulletin_search_index_new (fixture->root, client_db);
    build (client);
    g_assert_true (bulletin_search_index_uses_shared (client));
    check_pages (client, "的", BULLETIN_SEARCH_ORDER_NEWEST, 4, FALSE);
    check_pages (client, "疫情", BULLETIN_SEARCH_ORDER_NEWEST, 1, FALSE);
    check_pages (client, "国家", BULLETIN_SEARCH_ORDER_NEWEST, 3, FALSE);
    check_pages (client, "的", BULLETIN_SEARCH_ORDER_OLDEST, 4, FALSE);
    check_pages (client, "疫情", BULLETIN_SEARCH_ORDER_HITS, 3, FALSE);
    g_clear_object (&client);
    g_clear_object (&shared);
    bulletin_test_remove_tree (shared_dir);
  }

  /* issues added and one rewritten: its rows come after the oldest
   * issue's, and the index sorts by issue instead of rowid */
  write_issue (fixture, "2019-12-31.txt", 1000);
  write_issue (fixture, "2020-03-01.txt", 1001);
  write_issue (fixture, "2020-01-10.txt", 1002);  /* rewritten: its new rows after the oldest */
  build (index);
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_NEWEST, 6, FALSE);
  check_pages (index, "疫情", BULLETIN_SEARCH_ORDER_NEWEST, 3, FALSE);
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_OLDEST, 6, FALSE);
  check_pages (index, "疫情", BULLETIN_SEARCH_ORDER_OLDEST, 3, FALSE);
  check_pages (index, "的", BULLETIN_SEARCH_ORDER_HITS, 6, FALSE);
}

/* The results of one issue share its strings rather than each copying
 * them (a sixth of the complete results of a common word went to
 * copying them); an issue changed on disk gives its new strings after
 * the update, although the index object keeps the issues it read
 * between queries. */
static void
test_issue_strings (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "2020-01-10.txt", NULL);
  BulletinSearchResult *a, *b;
  BulletinSearchResults *scanned;
  g_autofree char *old_title = NULL;

  g_file_set_contents (path,
                       "城南日报\n2020年1月10日 第12期\n\n"
                       "夜市重开\n\n停业三个月的夜市昨晚重新开放，鹦鹉螺摊位恢复营业。\n\n（完）\n\n\n"
                       "图书馆延时\n\n图书馆延长开放时间，鹦鹉螺展览同时开幕。\n\n（完）\n",
                       -1, &error);
  g_assert_no_error (error);
  build (index);
  for (guint k = 0; k < 2; k++)
    {
      g_clear_pointer (&results, bulletin_search_results_free);
      results = bulletin_search_index_query (index, "鹦鹉螺", 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (results->results->len, ==, 2);
      a = g_ptr_array_index (results->results, 0);
      b = g_ptr_array_index (results->results, 1);
      g_assert_cmpstr (a->issue_path, ==, "2020-01-10.txt");
      g_assert_true (a->issue_path == b->issue_path);
      g_assert_true (a->issue_id == b->issue_id);
      g_assert_true (a->issue_title == b->issue_title);
      g_assert_true (a->issue_date == b->issue_date);
      g_assert_nonnull (a->issue_title);
    }
  scanned = scan (fixture, "鹦鹉螺");
  assert_same_results (results, scanned);
  g_assert_cmpstr (a->issue_title, ==,
                   ((BulletinSearchResult *)g_ptr_array_index (scanned->results, 0))->issue_title);
  old_title = g_strdup (a->issue_title);

  /* the masthead changed: the new title, not the one kept */
  g_file_set_contents (path,
                       "城北晚报\n2020年1月10日 第12期\n\n"
                       "夜市重开\n\n停业三个月的夜市昨晚重新开放，鹦鹉螺摊位恢复营业。\n\n（完）\n",
                       -1, &error);
  g_assert_no_error (error);
  g_hash_table_remove_all (fixture->scans);
  build (index);
  g_clear_pointer (&results, bulletin_search_results_free);
  results = bulletin_search_index_query (index, "鹦鹉螺", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->results->len, ==, 1);
  scanned = scan (fixture, "鹦鹉螺");
  assert_same_results (results, scanned);
  a = g_ptr_array_index (results->results, 0);
  g_assert_cmpstr (a->issue_title, ==,
                   ((BulletinSearchResult *)g_ptr_array_index (scanned->results, 0))->issue_title);
  g_assert_cmpstr (a->issue_title, !=, old_title);
}


/* A set of bigrams (pairs of code points) as meta keeps them */
static void
bigram_set_of (BigramSet      *set,
               const gunichar *pairs,
               guint           n_pairs)
{
  g_autoptr(GByteArray) blob = g_byte_array_new ();

  for (guint i = 0; i < 2 * n_pairs; i++)
    {
      guint32 c = pairs[i];
      guint8 bytes[4] = { c, c >> 8, c >> 16, c >> 24 };

      g_byte_array_append (blob, bytes, 4);
    }
  bigram_set_init (set, blob->data, blob->len);
}

/* Whether an article of folded text @text may hold @query, by its
 * signature */
static gboolean
sig_may_hold (const BigramSet *exact,
              const BigramSet *buckets,
              const char      *text,
              const char      *query,
              guint           *sig_len)
{
  g_autofree gunichar *chars = NULL;
  glong n = 0;
  g_autoptr(GByteArray) sig = g_byte_array_new ();
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, 0);
  g_autoptr(GArray) hashes = sig_query_hashes (q, exact, buckets);

  chars = g_utf8_to_ucs4_fast (text, -1, &n);
  sig_build (chars, n, exact, buckets, scratch, sig);
  if (sig_len != NULL)
    *sig_len = sig->len;
  return sig_may_match (sig->data, sig->len, hashes);
}

/* A set of trigrams (triples of code points) as meta keeps them */
static void
trigram_set_of (NgramSet       *set,
                const gunichar *triples,
                guint           n_triples)
{
  g_autoptr(GByteArray) blob = g_byte_array_new ();

  for (guint i = 0; i < 3 * n_triples; i++)
    {
      guint32 c = triples[i];
      guint8 bytes[4] = { c, c >> 8, c >> 16, c >> 24 };

      g_byte_array_append (blob, bytes, 4);
    }
  trigram_set_init (set, blob->data, blob->len);
}

static int
count_term (void       *ctx,
            const char *token,
            int         n_token)
{
  GHashTable *terms = ctx;
  g_autofree char *key = g_strndup (token, n_token);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (terms, key));

  g_assert_cmpint ((int)strlen (key), ==, n_token);  /* no 0 in a term */
  g_hash_table_insert (terms, g_steal_pointer (&key), GUINT_TO_POINTER (n + 1));
  return SQLITE_OK;
}

static guint
term_count (GHashTable *terms,
            guint       id)
{
  char term[4] = { 0 };

  trigram_term (id, term);
  return GPOINTER_TO_UINT (g_hash_table_lookup (terms, term));
}

static gboolean
query_counted (const char     *query,
               const NgramSet *trigrams)
{
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, 0);

  return index_query_counted (q, NULL, trigrams, NULL);
}

static gboolean
query_counted_quad (const char     *query,
                    const NgramSet *quadgrams)
{
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, 0);

  return index_query_counted (q, NULL, NULL, quadgrams);
}

/* Exact trigrams (docs/search.md): a term of their own at each position,
 * after the position's bigram term, that no character's or word's prefix
 * starts; a query of one that never overlaps itself (abc) is counted from
 * the postings, and aba, aaa are not */
static void
test_trigram_terms (void)
{
  /* 天安门, 哈嘿哈, 哈哈哈, sorted as meta keeps them: their ids */
  const gunichar triples[] = { 0x5929, 0x5B89, 0x95E8, 0x54C8, 0x563F, 0x54C8, 0x54C8, 0x54C8, 0x54C8 };
  NgramSet trigrams = { 0 }, none = { 0 };
  g_autoptr(GHashTable) terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *text = "天安门哈哈哈哈嘿哈 abc 天安门";
  int tianan, hahei, hahaha;
  GHashTableIter iter;
  gpointer key, value;
  guint n_trigram_terms = 0;

  trigram_set_of (&trigrams, triples, 3);
  tianan = trigram_set_id (&trigrams, 0x5929, 0x5B89, 0x95E8);
  hahei = trigram_set_id (&trigrams, 0x54C8, 0x563F, 0x54C8);
  hahaha = trigram_set_id (&trigrams, 0x54C8, 0x54C8, 0x54C8);
  g_assert_cmpint (tianan, ==, 0);
  g_assert_cmpint (hahei, ==, 1);
  g_assert_cmpint (hahaha, ==, 2);
  g_assert_cmpint (trigram_set_id (&trigrams, 0x5B89, 0x95E8, 0x5929), ==, -1);

  index_tokenize (text, strlen (text), NULL, &trigrams, NULL, terms, count_term);
  g_assert_cmpuint (term_count (terms, tianan), ==, 2);
  g_assert_cmpuint (term_count (terms, hahaha), ==, 2);  /* overlapping: two positions */
  g_assert_cmpuint (term_count (terms, hahei), ==, 1);
  /* the other terms are those without trigrams: one per CJK position, the words */
  g_hash_table_iter_init (&iter, terms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((guchar)((const char *)key)[0] == TRIGRAM_MARK)
      {
        g_assert_cmpuint (strlen (key), ==, 3);
        n_trigram_terms += GPOINTER_TO_UINT (value);
      }
    else
      g_assert_true (g_utf8_validate (key, -1, NULL));
  g_assert_cmpuint (n_trigram_terms, ==, 5);

  /* a one-character query's prefix term is UTF-8: never a trigram's */
  {
    g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new ("天", 0);
    g_autoptr(GArray) qterms = index_query_terms (q, NULL, &trigrams, NULL);

    g_assert_cmpuint (qterms->len, ==, 1);
    g_assert_true (g_array_index (qterms, IndexTerm, 0).prefix);
    g_assert_cmpuint ((guchar)g_array_index (qterms, IndexTerm, 0).term[0], !=, TRIGRAM_MARK);
  }
  /* an exact trigram's query is its term alone */
  {
    g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new ("天安门", 0);
    g_autoptr(GArray) qterms = index_query_terms (q, NULL, &trigrams, NULL);
    char term[4] = { 0 };

    trigram_term (tianan, term);
    g_assert_cmpuint (qterms->len, ==, 1);
    g_assert_false (g_array_index (qterms, IndexTerm, 0).prefix);
    g_assert_cmpmem (g_array_index (qterms, IndexTerm, 0).term, g_array_index (qterms, IndexTerm, 0).len, term, 3);
  }

  g_assert_true (query_counted ("天安门", &trigrams));
  g_assert_false (query_counted ("天安门", &none));
  g_assert_false (query_counted ("哈嘿哈", &trigrams));  /* aba overlaps in 哈嘿哈嘿哈 */
  g_assert_false (query_counted ("哈哈哈", &trigrams));  /* aaa in 哈哈哈哈 */
  g_assert_false (query_counted ("安门天", &trigrams));
  g_assert_false (query_counted ("天安门 哈", &trigrams));
  g_assert_false (query_counted ("天安门 -哈", &trigrams));
  trigram_set_clear (&trigrams);
  trigram_set_clear (&none);
}

/* Writes 60 issues of three paragraphs of @words drawn at random */
static void
write_random_issues (Fixture            *fixture,
                     const char * const *words,
                     guint               n_words)
{
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (2000 + i);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *path = g_strdup_printf ("%s/2023-%02u-%02u.txt", fixture->dir, 1 + i / 28, 1 + i % 28);
      g_autoptr(GError) error = NULL;

      for (guint p = 0; p < 3; p++)
        {
          guint n = g_rand_int_range (rand, 5, 30);

          for (guint w = 0; w < n; w++)
            g_string_append (text, words[g_rand_int_range (rand, 0, n_words)]);
          g_string_append (text, "\n\n");
        }
      g_file_set_contents (path, text->str, text->len, &error);
      g_assert_no_error (error);
    }
}

/* The index's results of @queries are the scan's, complete, and its
 * counted results (details for the first only) have the scan's hits per
 * article; returns how many queries have hits */
static guint
assert_counts_as_scan (Fixture             *fixture,
                       BulletinSearchIndex *index,
                       const char * const  *qs,
                       guint                n_queries)
{
  guint found = 0;

  for (guint q = 0; q < n_queries; q++)
    {
      g_autoptr(GError) error = NULL;
      BulletinSearchResults *scanned = scan (fixture, qs[q]);
      g_autoptr(BulletinSearchResults) indexed = NULL;
      g_autoptr(BulletinSearchResults) counted = NULL;

      g_test_message ("%s: %u articles, %u hits", qs[q], scanned->results->len, scanned->n_hits);
      indexed = bulletin_search_index_query (index, qs[q], 0, NULL, &error);
      g_assert_no_error (error);
      assert_same_results (indexed, scanned);
      g_assert_true (indexed->complete);
      /* details for the first result only: the others are counted */
      counted = bulletin_search_index_query_full (index, qs[q], 0, 1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (counted->results->len, ==, scanned->results->len);
      g_assert_cmpuint (counted->n_hits, ==, scanned->n_hits);
      for (guint i = 0; i < counted->results->len; i++)
        {
          BulletinSearchResult *rc = g_ptr_array_index (counted->results, i);
          BulletinSearchResult *rs = g_ptr_array_index (scanned->results, i);

          g_assert_cmpstr (rc->article_id, ==, rs->article_id);
          g_assert_cmpuint (rc->n_hits, ==, rs->n_hits);
        }
      found += scanned->n_hits > 0;
    }
  return found;
}

/* The exact trigrams of an index, chosen from its first batch, count the
 * hits of their queries as a scan does: with runs that overlap (天安门天安门,
 * 哈嘿哈嘿哈, 哈哈哈哈) and the one-character queries of their characters
 * (the prefix scan of 天 must not take the trigram terms) */
static void
test_trigram_counts (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char *words[] = { "天安门", "天安门天安门", "委员会", "哈嘿哈嘿哈", "哈哈哈哈", "哈", "嘿", "天",
                                 "门", "安", "的", "，", "。", "委员", "员会" };
  static const char *tri_queries[] = { "天安门", "委员会", "哈嘿哈", "哈哈哈", "嘿哈嘿", "天", "安", "门", "哈",
                                       "天安", "门天", "安门天", "门天安", "哈嘿", "会的", "天安门 -哈" };
  static const char *exact[] = { "天安门", "委员会", "哈嘿哈", "哈哈哈", "安门天" };
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(GBytes) blob = NULL;
  NgramSet trigrams = { 0 };
  sqlite3 *db = NULL;
  guint found = 0;

  write_random_issues (fixture, words, G_N_ELEMENTS (words));
  build (index);

  g_assert_cmpint (sqlite3_open_v2 (fixture->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  blob = load_meta_blob (db, "trigrams");
  sqlite3_close (db);
  g_assert_nonnull (blob);
  trigram_set_init (&trigrams, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    {
      g_autofree gunichar *c = g_utf8_to_ucs4_fast (exact[i], -1, NULL);

      g_assert_cmpint (trigram_set_id (&trigrams, c[0], c[1], c[2]), >=, 0);
    }
  g_assert_true (query_counted ("天安门", &trigrams));
  g_assert_true (query_counted ("委员会", &trigrams));
  trigram_set_clear (&trigrams);

  found = assert_counts_as_scan (fixture, index, tri_queries, G_N_ELEMENTS (tri_queries));
  g_assert_cmpuint (found, >=, G_N_ELEMENTS (tri_queries) - 2);
}

/* A set of 4-grams (four code points each) as meta keeps them */
static void
quadgram_set_of (NgramSet       *set,
                 const char    **quads,
                 guint           n_quads)
{
  g_autoptr(GByteArray) blob = g_byte_array_new ();

  for (guint i = 0; i < n_quads; i++)
    {
      g_autofree gunichar *c = g_utf8_to_ucs4_fast (quads[i], -1, NULL);

      for (guint j = 0; j < 4; j++)
        {
          guint8 bytes[4] = { c[j], c[j] >> 8, c[j] >> 16, c[j] >> 24 };

          g_byte_array_append (blob, bytes, 4);
        }
    }
  quadgram_set_init (set, blob->data, blob->len);
}

static int
quadgram_id (const NgramSet *set,
             const char     *quad)
{
  g_autofree gunichar *c = g_utf8_to_ucs4_fast (quad, -1, NULL);

  return ngram_set_id (set, c);
}

static guint
quad_term_count (GHashTable     *terms,
                 const NgramSet *set,
                 const char     *quad)
{
  char term[4] = { 0 };

  ngram_term (set, quadgram_id (set, quad), term);
  return GPOINTER_TO_UINT (g_hash_table_lookup (terms, term));
}

/* Exact 4-grams (docs/search.md): a term of their own (QUADGRAM_MARK, not
 * the trigrams' mark) at each position, beside the trigram's; a query of
 * one that cannot overlap itself is counted from the postings, and abcd
 * with ab == cd (人民人民, 哈嘿哈嘿) or a == d (天安门天) is not; one- to
 * three-character queries keep their terms */
static void
test_quadgram_terms (void)
{
  const char *quads[] = { "人民政府", "人民人民", "哈嘿哈嘿", "天安门天", "民政府人" };
  const gunichar triple[] = { 0x5929, 0x5B89, 0x95E8 };  /* 天安门 */
  NgramSet quadgrams = { 0 }, trigrams = { 0 };
  g_autoptr(GHashTable) terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *text = "人民政府人民人民人民 哈嘿哈嘿哈嘿 天安门天安门天 abc 人民政";
  GHashTableIter iter;
  gpointer key, value;
  guint n_quad_terms = 0, n_tri_terms = 0;

  quadgram_set_of (&quadgrams, (const char **)quads, G_N_ELEMENTS (quads));
  trigram_set_of (&trigrams, triple, 1);
  g_assert_cmpuint (quadgrams.n, ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (quads); i++)
    g_assert_cmpint (quadgram_id (&quadgrams, quads[i]), ==, i);
  g_assert_cmpint (quadgram_id (&quadgrams, "政府人民"), ==, -1);

  index_tokenize (text, strlen (text), NULL, &trigrams, &quadgrams, terms, count_term);
  g_assert_cmpuint (quad_term_count (terms, &quadgrams, "人民政府"), ==, 1);
  g_assert_cmpuint (quad_term_count (terms, &quadgrams, "民政府人"), ==, 1);
  g_assert_cmpuint (quad_term_count (terms, &quadgrams, "人民人民"), ==, 2);  /* overlapping: 2 positions, 1 hit */
  g_assert_cmpuint (quad_term_count (terms, &quadgrams, "哈嘿哈嘿"), ==, 2);
  g_assert_cmpuint (quad_term_count (terms, &quadgrams, "天安门天"), ==, 2);
  g_assert_cmpuint (term_count (terms, 0), ==, 2);  /* 天安门's trigram term too */
  g_hash_table_iter_init (&iter, terms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((guchar)((const char *)key)[0] == QUADGRAM_MARK)
      {
        g_assert_cmpuint (strlen (key), ==, 3);
        n_quad_terms += GPOINTER_TO_UINT (value);
      }
    else if ((guchar)((const char *)key)[0] == TRIGRAM_MARK)
      n_tri_terms += GPOINTER_TO_UINT (value);
    else
      g_assert_true (g_utf8_validate (key, -1, NULL));
  g_assert_cmpuint (n_quad_terms, ==, 8);
  g_assert_cmpuint (n_tri_terms, ==, 2);

  /* an exact 4-gram's query is its term alone */
  {
    g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new ("人民政府", 0);
    g_autoptr(GArray) qterms = index_query_terms (q, NULL, &trigrams, &quadgrams);
    char term[4] = { 0 };

    ngram_term (&quadgrams, quadgram_id (&quadgrams, "人民政府"), term);
    g_assert_cmpuint ((guchar)term[0], ==, QUADGRAM_MARK);
    g_assert_cmpuint (qterms->len, ==, 1);
    g_assert_false (g_array_index (qterms, IndexTerm, 0).prefix);
    g_assert_cmpmem (g_array_index (qterms, IndexTerm, 0).term, g_array_index (qterms, IndexTerm, 0).len, term, 3);
  }
  /* one to three characters: never a 4-gram's term */
  {
    const char *shorter[] = { "人", "人民", "人民政", "天安门" };

    for (guint i = 0; i < G_N_ELEMENTS (shorter); i++)
      {
        g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (shorter[i], 0);
        g_autoptr(GArray) qterms = index_query_terms (q, NULL, &trigrams, &quadgrams);

        for (guint j = 0; j < qterms->len; j++)
          g_assert_cmpuint ((guchar)g_array_index (qterms, IndexTerm, j).term[0], !=, QUADGRAM_MARK);
        g_assert_cmpint (query_counted_quad (shorter[i], &quadgrams), ==, i == 0);
      }
  }

  g_assert_true (query_counted_quad ("人民政府", &quadgrams));
  g_assert_true (query_counted_quad ("民政府人", &quadgrams));
  g_assert_false (query_counted_quad ("人民政府", NULL));
  g_assert_false (query_counted ("人民政府", &trigrams));
  g_assert_false (query_counted_quad ("人民人民", &quadgrams));  /* ab == cd: 1 hit in 人民人民人民 */
  g_assert_false (query_counted_quad ("哈嘿哈嘿", &quadgrams));
  g_assert_false (query_counted_quad ("天安门天", &quadgrams));  /* a == d: 1 hit in 天安门天安门天 */
  g_assert_false (query_counted_quad ("政府人民", &quadgrams));
  g_assert_false (query_counted_quad ("人民政府 人", &quadgrams));
  g_assert_false (query_counted_quad ("人民政府 -人", &quadgrams));
  ngram_set_clear (&quadgrams);
  ngram_set_clear (&trigrams);
}

/* The exact 4-grams of an index, chosen from its first batch, count the
 * hits of their queries as a scan does, with runs that overlap
 * (人民人民人民, 哈嘿哈嘿哈嘿, 天安门天安门天); one- to three-character
 * queries of their characters are unchanged */
static void
test_quadgram_counts (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char *words[] = { "人民政府", "人民人民人民", "社会主义", "哈嘿哈嘿哈嘿", "天安门天安门天", "人", "民",
                                 "政府", "哈", "嘿", "天", "门", "的", "，", "。", "社会", "主义" };
  static const char *quad_queries[] = { "人民政府", "社会主义", "人民人民", "哈嘿哈嘿", "嘿哈嘿哈", "天安门天",
                                        "安门天安", "门天安门", "民政府人", "人", "民", "人民", "民人", "人民政",
                                        "民人民", "天安门", "门天安", "会主义", "哈嘿", "人民政府 -哈",
                                        "人民政府的" };
  static const char *exact[] = { "人民政府", "社会主义", "人民人民", "哈嘿哈嘿", "天安门天", "安门天安" };
  g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (fixture->root, fixture->db);
  g_autoptr(GBytes) blob = NULL;
  NgramSet quadgrams = { 0 };
  sqlite3 *db = NULL;
  guint found;

  write_random_issues (fixture, words, G_N_ELEMENTS (words));
  build (index);

  g_assert_cmpint (sqlite3_open_v2 (fixture->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  blob = load_meta_blob (db, "quadgrams");
  sqlite3_close (db);
  g_assert_nonnull (blob);
  quadgram_set_init (&quadgrams, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    g_assert_cmpint (quadgram_id (&quadgrams, exact[i]), >=, 0);
  g_assert_true (query_counted_quad ("人民政府", &quadgrams));
  g_assert_true (query_counted_quad ("社会主义", &quadgrams));
  ngram_set_clear (&quadgrams);

  found = assert_counts_as_scan (fixture, index, quad_queries, G_N_ELEMENTS (quad_queries));
  g_assert_cmpuint (found, >=, G_N_ELEMENTS (quad_queries) - 2);
}

/* The trigram signatures (bulletin-search-index-doc.c): the triples of
 * two common bigram terms of a text, so that a candidate holding a
 * query's bigrams apart is turned away before it is decompressed, and
 * never one that holds the query */
static void
test_signatures (void)
{
  /* 甲乙, 乙丙 and 丙丁 exact; 丁's bucket term of 戊 common */
  const gunichar exact_pairs[] = { 0x7532, 0x4E59, 0x4E59, 0x4E19, 0x4E19, 0x4E01 };
  gunichar bucket_pair[2] = { 0x4E01, bigram_bucket_key (0x620A) };
  BigramSet exact = { 0 }, buckets = { 0 }, all = { 0 }, none = { 0 };
  const gunichar alphabet[] = { 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B };
  g_autoptr(GArray) every = g_array_new (FALSE, FALSE, sizeof (gunichar));
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  guint sig_len = 0, absent = 0, turned_away = 0;

  bigram_set_of (&exact, exact_pairs, 3);
  bigram_set_of (&buckets, bucket_pair, 1);
  bigram_set_init (&none, NULL, 0);

  /* the triples of common terms are kept: a text that holds the query
   * may hold it */
  g_assert_true (sig_may_hold (&exact, &buckets, "甲乙丙丁戊", "甲乙丙", &sig_len));
  g_assert_cmpuint (sig_len, ==, 1);  /* three triples, two bits each */
  g_assert_true (sig_may_hold (&exact, &buckets, "甲乙丙丁戊", "乙丙丁戊", NULL));
  g_assert_true (sig_may_hold (&exact, &buckets, "子甲乙丙丁戊子", "丙丁戊", NULL));
  /* its bigrams apart, not side by side: turned away */
  g_assert_false (sig_may_hold (&exact, &buckets, "甲乙，乙丙。丁戊", "甲乙丙", &sig_len));
  g_assert_cmpuint (sig_len, ==, 0);
  g_assert_false (sig_may_hold (&exact, &buckets, "甲乙，乙丙。丁戊", "丙丁戊", NULL));
  g_assert_false (sig_may_hold (&exact, &buckets, "甲乙，乙丙。丁戊", "甲 乙丙丁", NULL));
  /* a triple with a rare term (乙己, 丁己) is neither kept nor checked */
  g_assert_true (sig_may_hold (&exact, &buckets, "甲乙，乙己。", "甲乙己", &sig_len));
  g_assert_cmpuint (sig_len, ==, 0);
  g_assert_false (sig_may_hold (&exact, &buckets, "丙丁", "乙丙丁己", NULL));
  g_assert_true (sig_may_hold (&exact, &buckets, "乙丙，丙丁己", "丙丁己", NULL));
  /* nor is Latin text, nor anything without common terms */
  g_assert_true (sig_may_hold (&exact, &buckets, "xyz", "abc", NULL));
  g_assert_true (sig_may_hold (&none, &none, "甲乙，乙丙", "甲乙丙", &sig_len));
  g_assert_cmpuint (sig_len, ==, 0);

  /* random texts of eight characters whose 64 bigrams are all exact:
   * every run of the text passes its signature, and most triples it
   * lacks are turned away (one bit in four set: 61 % expected) */
  for (guint a = 0; a < G_N_ELEMENTS (alphabet); a++)
    for (guint b = 0; b < G_N_ELEMENTS (alphabet); b++)
      {
        g_array_append_val (every, alphabet[a]);
        g_array_append_val (every, alphabet[b]);
      }
  bigram_set_of (&all, (const gunichar *)every->data, every->len / 2);
  for (guint t = 0; t < 100; t++)
    {
      guint len = g_rand_int_range (rand, 20, 400);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree gunichar *chars = NULL;
      g_autoptr(GByteArray) sig = g_byte_array_new ();
      g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (guint32));
      glong n = 0;

      for (guint i = 0; i < len; i++)
        g_string_append_unichar (text, alphabet[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphabet))]);
      chars = g_utf8_to_ucs4_fast (text->str, -1, &n);
      sig_build (chars, n, &all, &none, scratch, sig);
      /* two bits for each distinct triple, at most */
      g_assert_cmpuint (sig->len, <=, (2 * MIN (len - 2, 512) + 7) / 8);
      for (guint i = 0; i + 3 <= len; i += 7)
        {
          guint run = g_rand_int_range (rand, 3, 7);
          g_autofree char *query = NULL;
          g_autoptr(BulletinSearchQuery) q = NULL;
          g_autoptr(GArray) hashes = NULL;

          run = MIN (run, len - i);
          query = g_ucs4_to_utf8 (chars + i, run, NULL, NULL, NULL);
          q = bulletin_search_query_new (query, 0);
          hashes = sig_query_hashes (q, &all, &none);
          g_assert_cmpuint (hashes->len, ==, run - 2);
          g_assert_true (sig_may_match (sig->data, sig->len, hashes));
        }
      for (guint k = 0; k < 20; k++)
        {
          gunichar triple[3];
          g_autofree char *query = NULL;

          for (guint j = 0; j < 3; j++)
            triple[j] = alphabet[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphabet))];
          query = g_ucs4_to_utf8 (triple, 3, NULL, NULL, NULL);
          if (strstr (text->str, query) == NULL)
            {
              g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, 0);
              g_autoptr(GArray) hashes = sig_query_hashes (q, &all, &none);

              absent++;
              turned_away += !sig_may_match (sig->data, sig->len, hashes);
            }
        }
    }
  g_test_message ("%u of %u absent triples turned away", turned_away, absent);
  g_assert_cmpuint (absent, >, 200);
  g_assert_cmpuint (turned_away * 2, >, absent);
  bigram_set_clear (&exact);
  bigram_set_clear (&buckets);
  bigram_set_clear (&all);
  bigram_set_clear (&none);
}

/* The tokenizer as it was (a character decoded from the UTF-8 where it is
 * needed, up to four times): what index_tokenize () and
 * index_tokenize_chars () must give, term for term */
static int
reference_tokenize (const char      *text,
                    int              n_text,
                    const BigramSet *exact,
                    const NgramSet  *trigrams,
                    const NgramSet  *quadgrams,
                    void            *ctx,
                    IndexTokenFunc   token)
{
  gboolean quad = quadgrams != NULL && quadgrams->n > 0;
  gboolean tri = (trigrams != NULL && trigrams->n > 0) || quad;
  const char *p = text, *end = text + n_text;
  int rc = SQLITE_OK;

  while (p < end && rc == SQLITE_OK)
    {
      gunichar c = (guchar)*p < 0x80 ? (gunichar)*p : g_utf8_get_char_validated (p, end - p);
      const char *next;

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          p++;
          continue;
        }
      next = g_utf8_next_char (p);
      if (bulletin_unichar_is_cjk (c))
        {
          gunichar d = 0;
          gboolean pair = FALSE;

          if (next < end && (guchar)*next >= 0x80)
            {
              d = g_utf8_get_char_validated (next, end - next);
              pair = d != (gunichar)-1 && d != (gunichar)-2 && bulletin_unichar_is_cjk (d);
            }
          if (pair)
            {
              char term[12];
              int n = g_unichar_to_utf8 (c, term);

              if (bigram_set_has (exact, c, d))
                n += g_unichar_to_utf8 (d, term + n);
              else
                n += g_unichar_to_utf8 (0x400 + bigram_bucket_key (d) - SIG_BUCKET, term + n);
              rc = token (ctx, term, n);
              if (tri && rc == SQLITE_OK)
                {
                  gunichar chars[4] = { c, d, 0, 0 };
                  const char *q = g_utf8_next_char (next);
                  int id;

                  for (guint k = 2; k < 4 && q < end && (guchar)*q >= 0x80; k++)
                    {
                      gunichar e = g_utf8_get_char_validated (q, end - q);

                      if (e == (gunichar)-1 || e == (gunichar)-2)
                        break;
                      chars[k] = e;
                      q = g_utf8_next_char (q);
                    }
                  id = chars[2] != 0 ? ngram_set_id (trigrams, chars) : -1;
                  if (id >= 0)
                    rc = token (ctx, term, ngram_term (trigrams, id, term));
                  id = chars[3] != 0 && quad && rc == SQLITE_OK ? ngram_set_id (quadgrams, chars) : -1;
                  if (id >= 0)
                    rc = token (ctx, term, ngram_term (quadgrams, id, term));
                }
            }
          else
            rc = token (ctx, p, next - p);
          p = next;
        }
      else if (bulletin_fold_is_word_char (c))
        {
          const char *start = p, *cut = NULL, *q, *last;

          while (p < end)
            {
              gunichar d = (guchar)*p < 0x80 ? (gunichar)*p : g_utf8_get_char_validated (p, end - p);

              if (d == (gunichar)-1 || d == (gunichar)-2 || bulletin_unichar_is_cjk (d) ||
                  !bulletin_fold_is_word_char (d))
                break;
              p = g_utf8_next_char (p);
              if (cut == NULL && p - start > 64)
                cut = p;
            }
          if (cut == NULL)
            cut = p;
          for (q = start, last = start; q < cut && q - start <= 64; q = g_utf8_next_char (q))
            last = q;
          if (q - start <= 64)
            last = q;
          rc = token (ctx, start, last - start);
        }
      else
        p = next;
    }
  return rc;
}

/* Appends each term to a GString, length first */
static int
list_term (void       *ctx,
           const char *token,
           int         n_token)
{
  g_string_append_printf (ctx, "%d:", n_token);
  g_string_append_len (ctx, token, n_token);
  g_string_append_c (ctx, '|');
  return SQLITE_OK;
}

/* The signature as it was: bigram_term_common () asked at each position */
static void
reference_sig (const gunichar  *chars,
               guint            n,
               const BigramSet *exact,
               const BigramSet *buckets,
               GByteArray      *sig)
{
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint8 *flags = g_new0 (guint8, n + 1);

  /* the flags of bigram_term_common () alone: sig_build_flags () reads no more */
  for (guint i = 0; i + 1 < n; i++)
    if (bigram_term_common (exact, buckets, chars[i], chars[i + 1]))
      flags[i] = POS_PAIR_COMMON;
  sig_build_flags (chars, n, flags, hashes, sig);
}

/* index_tokenize () from the UTF-8 (invalid bytes too) and
 * index_tokenize_chars () from the code points (with the n-gram look-ups
 * skipped where a bigram is not exact) give the terms the tokenizer gave
 * when it decoded the UTF-8 itself, in the same order; and the signature
 * from the bigram flags is the one from bigram_term_common ().  Random
 * texts of mixed scripts: Han (astral ones too), kana, hangul, Latin with
 * a combining mark, fullwidth and CJK punctuation, words longer than
 * MAX_WORD_BYTES, invalid bytes, runs at the end. */
static void
test_tokenize_chars (void)
{
  static const char *const pieces[] = {
    "天", "安", "门", "哈", "嘿", "们", "𠀀", "𪚥", "あ", "カ", "한", "ㄅ", "〇", "々",
    "a", "Z", "9", "é", "e\xcc\x81", "ß", " ", "\n", ".", "，", "。", "“", "\xef\xbc\xa1",
    "\xff", "\xc3", "\xe5\xa4", "\xed\xa0\x80", "abcdefghijklmnopqrstuvwxyz0123456789",
    "éééééééééééééééééééééééééééééééééé",
  };
  /* the CJK characters of the pieces, whose bigrams, trigrams, 4-grams
   * the sets hold (some of them) */
  static const gunichar cjk[] = { 0x5929, 0x5B89, 0x95E8, 0x54C8, 0x563F, 0x4EEC, 0x20000, 0x2A6A5,
                                  0x3042, 0x30AB, 0xD55C, 0x3105, 0x3007, 0x3005 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  g_autoptr(GByteArray) pairs = g_byte_array_new ();
  g_autoptr(GByteArray) buckets_blob = g_byte_array_new ();
  g_autoptr(GByteArray) tri_blob = g_byte_array_new ();
  g_autoptr(GByteArray) quad_blob = g_byte_array_new ();
  g_autoptr(GByteArray) odd_blob = g_byte_array_new ();
  BigramSet exact = { 0 }, buckets = { 0 };
  NgramSet trigrams = { 0 }, quadgrams = { 0 }, odd = { 0 };
  guint n_cjk = G_N_ELEMENTS (cjk), with_ngrams = 0;

#define PUT(blob, c) G_STMT_START { guint32 c_ = (c); guint8 b_[4] = { c_, c_ >> 8, c_ >> 16, c_ >> 24 }; \
                                    g_byte_array_append ((blob), b_, 4); } G_STMT_END
  /* two thirds of the bigrams exact; the n-grams of Han characters whose
   * bigrams are all exact, one in two (sorted, as meta keeps them: the
   * sets do not need it) */
  for (guint i = 0; i < n_cjk; i++)
    for (guint j = 0; j < n_cjk; j++)
      if ((i + 2 * j) % 3 != 0)
        {
          PUT (pairs, cjk[i]);
          PUT (pairs, cjk[j]);
        }
      else if (j % 2 == 0)
        {
          PUT (buckets_blob, cjk[i]);
          PUT (buckets_blob, bigram_bucket_key (cjk[j]));
        }
  bigram_set_init (&exact, pairs->data, pairs->len);
  bigram_set_init (&buckets, buckets_blob->data, buckets_blob->len);
  for (guint i = 0; i < 8; i++)
    for (guint j = 0; j < 8; j++)
      for (guint k = 0; k < 8; k++)
        {
          guint h[] = { 0, 1, 2, 3, 4, 5, 6, 7 };  /* Han: 天安门哈嘿们𠀀𪚥 */
          gunichar a = cjk[h[i]], b = cjk[h[j]], c = cjk[h[k]];

          if (!bigram_set_has (&exact, a, b) || !bigram_set_has (&exact, b, c))
            {
              /* a trigram of a set made otherwise: looked up anyway */
              if ((i + j + k) % 5 == 0)
                {
                  PUT (odd_blob, a);
                  PUT (odd_blob, b);
                  PUT (odd_blob, c);
                }
              continue;
            }
          if ((i + j + k) % 2 == 0)
            {
              PUT (tri_blob, a);
              PUT (tri_blob, b);
              PUT (tri_blob, c);
            }
          for (guint l = 0; l < 8; l++)
            if (bigram_set_has (&exact, c, cjk[h[l]]) && (i + j + k + l) % 2 == 1)
              {
                PUT (quad_blob, a);
                PUT (quad_blob, b);
                PUT (quad_blob, c);
                PUT (quad_blob, cjk[h[l]]);
              }
        }
#undef PUT
  trigram_set_init (&trigrams, tri_blob->data, tri_blob->len);
  quadgram_set_init (&quadgrams, quad_blob->data, quad_blob->len);
  trigram_set_init (&odd, odd_blob->data, odd_blob->len);
  ngram_set_check_bigrams (&trigrams, &exact);
  ngram_set_check_bigrams (&quadgrams, &exact);
  ngram_set_check_bigrams (&odd, &exact);
  g_assert_true (trigrams.by_bigrams);
  g_assert_true (quadgrams.by_bigrams);
  g_assert_false (odd.by_bigrams);
  g_assert_cmpuint (trigrams.n, >, 20);
  g_assert_cmpuint (quadgrams.n, >, 20);
  g_assert_cmpuint (odd.n, >, 20);

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GString) want = g_string_new (NULL);
      g_autoptr(GString) got = g_string_new (NULL);
      gboolean valid = round % 2 == 0;
      guint len = g_rand_int_range (rand, 0, 40);

      for (guint i = 0; i < len; i++)
        {
          /* mostly CJK, for long runs */
          guint k = g_rand_int_range (rand, 0, 3) != 0 ? g_rand_int_range (rand, 0, n_cjk)
                                                       : g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces));

          g_string_append (text, pieces[k]);
        }
      if (valid && !g_utf8_validate_len (text->str, text->len, NULL))
        {
          g_string_truncate (text, 0);
          for (guint i = 0; i < len; i++)
            g_string_append (text, pieces[g_rand_int_range (rand, 0, n_cjk)]);
        }
      for (guint s = 0; s < 2; s++)
        {
          const NgramSet *tri = s == 0 ? &trigrams : &odd;

          g_string_truncate (want, 0);
          g_string_truncate (got, 0);
          reference_tokenize (text->str, text->len, &exact, tri, &quadgrams, want, list_term);
          index_tokenize (text->str, text->len, &exact, tri, &quadgrams, got, list_term);
          g_assert_cmpstr (got->str, ==, want->str);
          with_ngrams += strchr (want->str, TRIGRAM_MARK) != NULL || strchr (want->str, QUADGRAM_MARK) != NULL;
          if (valid)
            {
              glong n = 0;
              g_autofree gunichar *chars = g_utf8_to_ucs4_fast (text->str, text->len, &n);
              g_autofree guint8 *flags = g_new (guint8, n + 1);
              g_autoptr(GByteArray) sig = g_byte_array_new ();
              g_autoptr(GByteArray) sig_want = g_byte_array_new ();
              g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (guint32));

              g_string_truncate (got, 0);
              bigram_flags (chars, n, &exact, &buckets, flags);
              index_tokenize_chars (chars, n, flags, tri, &quadgrams, got, list_term);
              g_assert_cmpstr (got->str, ==, want->str);
              sig_build (chars, n, &exact, &buckets, scratch, sig);
              reference_sig (chars, n, &exact, &buckets, sig_want);
              g_assert_cmpmem (sig->data, sig->len, sig_want->data, sig_want->len);
            }
        }
    }
  /* the texts did hold n-grams */
  g_assert_cmpuint (with_ngrams, >, 1000);
  bigram_set_clear (&exact);
  bigram_set_clear (&buckets);
  ngram_set_clear (&trigrams);
  ngram_set_clear (&quadgrams);
  ngram_set_clear (&odd);
}

/* The plain mask as it was (docs/search.md, "Plain texts"): the CJK runs
 * of the text and of the folded text, decoded from UTF-8 into strings,
 * compared */
static void
reference_cjk_runs (GString     *out,
                    const char  *text,
                    gsize        len,
                    const gsize *cuts,
                    guint        n_cuts)
{
  const char *p = text, *end = text + len;
  gboolean in_run = FALSE;
  guint cut = 0;

  while (p < end)
    {
      gunichar c = (guchar)*p < 0x80 ? (gunichar)*p : g_utf8_get_char_validated (p, end - p);
      const char *next = (guchar)*p < 0x80 ? p + 1 : g_utf8_next_char (p);
      gboolean cjk = c != (gunichar)-1 && c != (gunichar)-2 && bulletin_unichar_is_cjk (c);

      while (cut < n_cuts && cuts[cut] <= (gsize)(p - text))
        {
          if (in_run && cuts[cut] == (gsize)(p - text))
            {
              g_string_append_c (out, 1);
              in_run = FALSE;
            }
          cut++;
        }
      if (c == (gunichar)-1 || c == (gunichar)-2)
        next = p + 1;
      if (cjk)
        g_string_append_len (out, p, next - p);
      else if (in_run)
        g_string_append_c (out, 1);
      in_run = cjk;
      p = next;
    }
  if (in_run)
    g_string_append_c (out, 1);
}

static gint64
reference_plain_mask (const char    *text,
                      gsize          len,
                      const Segment *segs,
                      guint          n_segs,
                      const char    *folded)
{
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  const char *p = text, *q, *end = text + len;
  guint64 mask = 0;

  /* the block starts: a character starts at each byte that does not
   * continue one (the pieces of the test start characters) */
  for (guint i = 1; i < n_segs; i++)
    {
      for (guint n = segs[i].text - segs[i - 1].text; n > 0 && p < end; n--)
        {
          p++;
          while (p < end && ((guchar)*p & 0xC0) == 0x80)
            p++;
        }
      if (segs[i].new_block)
        {
          gsize at = p - text;

          g_array_append_val (starts, at);
        }
    }
  reference_cjk_runs (a, text, len, (const gsize *)starts->data, starts->len);
  reference_cjk_runs (b, folded, strlen (folded), NULL, 0);
  if (g_string_equal (a, b))
    return PLAIN_FLAG;
  for (p = a->str, q = b->str; *p && *q; p = g_utf8_next_char (p), q = g_utf8_next_char (q))
    {
      gunichar c = g_utf8_get_char (p), d = g_utf8_get_char (q);

      if (c == d)
        continue;
      if (c == 1 || d == 1)
        return 0;
      mask |= plain_bit (d);
    }
  if (*p || *q)
    return 0;
  return PLAIN_FLAG | mask;
}

/* text_plain_mask () from the folded code points gives the mask the
 * UTF-8 strings gave: random texts of traditional and compatibility
 * forms, line breaks and spaces inside runs, format characters, astral
 * Han, kana, Latin, invalid bytes, blocks starting inside runs and at
 * the end */
static void
test_plain_mask_chars (void)
{
  static const char *const pieces[] = {
    /* the first ten in every text; ㄱ folds to U+1100, not CJK */
    "天", "安", "门", "们", "們", "豈", "𠀀", "あ", "ア", "ㄱ",
    "\n", " ", "a", "\xe2\x80\x8b", "\xe3\x80\x80",
    "\xef\xbc\xa1", "。", "é", "e\xcc\x81", "\xff", "\xe5\xa4", "\xc2\xad",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  BulletinFolded *folded = bulletin_folded_new_chars_only ();
  guint n_not = 0, n_plain = 0, n_mask = 0;

  for (guint round = 0; round < 4000; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (Segment));
      g_autofree guint8 *flags = NULL;
      g_autofree char *utf8 = NULL;
      guint len = g_rand_int_range (rand, 0, 30), n_chars = 0;
      gint64 want, got;
      /* mostly Han, and the line breaks and spaces that may fall in a run
       * one text in four */
      gboolean mixed = round % 4 == 0;

      for (guint i = 0; i < len; i++)
        {
          guint k = mixed ? g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces)) : g_rand_int_range (rand, 0, 10);
          const char *piece = pieces[k];

          if (i == 0 || g_rand_int_range (rand, 0, 5) == 0)
            {
              Segment seg = { n_chars, n_chars, i > 0 && g_rand_boolean (rand) };

              g_array_append_val (segs, seg);
            }
          g_string_append (text, piece);
          for (const char *p = piece; *p; p++)
            n_chars += ((guchar)*p & 0xC0) != 0x80;
        }
      fold_search_text (folded, text->str, text->len, (Segment *)segs->data, segs->len);
      flags = g_new (guint8, bulletin_folded_get_length (folded) + 1);
      bigram_flags (bulletin_folded_get_chars (folded), bulletin_folded_get_length (folded), NULL, NULL, flags);
      utf8 = bulletin_folded_to_utf8 (folded);
      want = reference_plain_mask (text->str, text->len, (Segment *)segs->data, segs->len, utf8);
      got = text_plain_mask (text->str, text->len, (Segment *)segs->data, segs->len,
                             bulletin_folded_get_chars (folded), bulletin_folded_get_length (folded), flags);
      if (got != want)
        g_error ("text \"%s\": mask %" G_GINT64_MODIFIER "x, was %" G_GINT64_MODIFIER "x", text->str, got, want);
      n_not += want == 0;
      n_plain += want == PLAIN_FLAG;
      n_mask += want != 0 && want != PLAIN_FLAG;
    }
  /* every kind of answer came up */
  g_test_message ("%u not plain, %u plain, %u plain with a mask", n_not, n_plain, n_mask);
  g_assert_cmpuint (n_not, >, 200);
  g_assert_cmpuint (n_plain, >, 200);
  g_assert_cmpuint (n_mask, >, 200);
  bulletin_folded_free (folded);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/bulletin/search-index/cross-check", test_cross_check, NULL);
  ADD ("/bulletin/search-index/syntax", test_syntax, NULL);
  ADD ("/bulletin/search-index/index-only", test_index_only, NULL);
  ADD ("/bulletin/search-index/first-screen", test_first_screen, NULL);
  ADD ("/bulletin/search-index/first-screen-rare", test_first_screen_rare, NULL);
  ADD ("/bulletin/search-index/details", test_details, NULL);
  ADD ("/bulletin/search-index/pages", test_pages, NULL);
  ADD ("/bulletin/search-index/issue-strings", test_issue_strings, NULL);
  ADD ("/bulletin/search-index/plain-counts", test_plain_counts, NULL);
  ADD ("/bulletin/search-index/bigram-buckets", test_bigram_buckets, NULL);
  ADD ("/bulletin/search-index/partial", test_partial, NULL);
  ADD ("/bulletin/search-index/stale", test_stale, NULL);
  ADD ("/bulletin/search-index/removed-rowids", test_removed_rowids, NULL);
  ADD ("/bulletin/search-index/unreadable", test_unreadable, NULL);
  ADD ("/bulletin/search-index/deleted", test_damaged, GINT_TO_POINTER (DAMAGE_DELETE));
  ADD ("/bulletin/search-index/truncated", test_damaged, GINT_TO_POINTER (DAMAGE_TRUNCATE));
  ADD ("/bulletin/search-index/garbage", test_damaged, GINT_TO_POINTER (DAMAGE_GARBAGE));
  ADD ("/bulletin/search-index/garbage-pages", test_damaged, GINT_TO_POINTER (DAMAGE_GARBAGE_PAGES));
  g_test_add_func ("/bulletin/search-index/single-file", test_single_file);
  g_test_add_func ("/bulletin/search-index/filters", test_filters);
  g_test_add_func ("/bulletin/search-index/signatures", test_signatures);
  g_test_add_func ("/bulletin/search-index/trigram-terms", test_trigram_terms);
  ADD ("/bulletin/search-index/trigram-counts", test_trigram_counts, NULL);
  g_test_add_func ("/bulletin/search-index/quadgram-terms", test_quadgram_terms);
  ADD ("/bulletin/search-index/quadgram-counts", test_quadgram_counts, NULL);
  g_test_add_func ("/bulletin/search-index/tokenize-chars", test_tokenize_chars);
  g_test_add_func ("/bulletin/search-index/plain-mask-chars", test_plain_mask_chars);

  return g_test_run ();
}
