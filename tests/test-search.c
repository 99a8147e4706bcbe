/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-display-text.h"
#include "bulletin-issue.h"
#include "bulletin-search.h"
#include "bulletin-test-utils.h"

static BulletinArticle *
article_from_paragraphs (const char *first,
                         ...)
{
  BulletinArticle *article = bulletin_article_new ();
  va_list args;

  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, p, -1);
  va_end (args);
  bulletin_article_finish (article);
  return article;
}

static guint
count_hits (BulletinArticle *article,
            const char      *query)
{
  g_autoptr(GArray) hits = bulletin_search_article (article, query);

  return hits->len;
}

static char *
hit_text (BulletinArticle *article,
          GArray          *hits,
          guint            i)
{
  BulletinRange *r = &g_array_index (hits, BulletinRange, i);

  return bulletin_article_dup_source_range (article, r->start, r->end);
}

static void
test_fold_basic (void)
{
  struct { const char *in, *out; } cases[] = {
    { "中華人民共和國", "中华人民共和国" },
    { "發展", "发展" },
    { "ＡＢＣ", "abc" },
    { "１２３", "123" },
    { "疫情，责任！", "疫情,责任!" },
    { "Straße", "strasse" },
    { "①", "1" },
    { "cafe\xcc\x81", "caf\xc3\xa9" },
    { "  a \t b  ", "a b" },
    { "疫\n情", "疫情" },
    { "hello\nworld", "hello world" },
    { "a\xe2\x80\x8b" "b", "ab" },  /* zero-width space */
    { "乾坤", "乾坤" },               /* lists itself as simplified */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = bulletin_text_fold (cases[i].in, -1);

      g_assert_cmpstr (folded, ==, cases[i].out);
    }
}

static void
test_traditional (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("中華人民共和國成立,全国人民", "經濟發展很快,经济发展更快", NULL);
  g_autoptr(GArray) hits = NULL;

  g_assert_cmpuint (count_hits (article, "国"), ==, 2);
  g_assert_cmpuint (count_hits (article, "國"), ==, 2);
  g_assert_cmpuint (count_hits (article, "發展"), ==, 2);
  g_assert_cmpuint (count_hits (article, "经济发展"), ==, 2);

  hits = bulletin_search_article (article, "国");
  {
    g_autofree char *first = hit_text (article, hits, 0);
    g_autofree char *second = hit_text (article, hits, 1);

    g_assert_cmpstr (first, ==, "國");
    g_assert_cmpstr (second, ==, "国");
  }
}

static void
test_width_and_case (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("ＡＢＣ abc Abc", "第１名,第1名,第①名", "天气转凉,注意保暖。天气转凉，注意保暖", NULL);

  g_assert_cmpuint (count_hits (article, "abc"), ==, 3);
  g_assert_cmpuint (count_hits (article, "ＡＢＣ"), ==, 3);
  g_assert_cmpuint (count_hits (article, "第1名"), ==, 3);
  g_assert_cmpuint (count_hits (article, "第１名"), ==, 3);
  g_assert_cmpuint (count_hits (article, "转凉，注"), ==, 2);
  g_assert_cmpuint (count_hits (article, "转凉,注"), ==, 2);
  g_assert_cmpuint (count_hits (article, "，"), ==, 4);
}

static void
test_every_occurrence (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("疫情防控,疫情疫情。抗疫情", "哈哈哈哈哈", NULL);
  g_autoptr(GArray) hits = bulletin_search_article (article, "疫情");

  g_assert_cmpuint (hits->len, ==, 4);
  for (guint i = 0; i < hits->len; i++)
    {
      g_autofree char *text = hit_text (article, hits, i);

      g_assert_cmpstr (text, ==, "疫情");
    }
  g_assert_cmpuint (g_array_index (hits, BulletinRange, 1).start, ==, 5);
  g_assert_cmpuint (g_array_index (hits, BulletinRange, 2).start, ==, 7);

  /* non-overlapping: 哈哈|哈哈|哈 */
  g_clear_pointer (&hits, g_array_unref);
  hits = bulletin_search_article (article, "哈哈");
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpuint (g_array_index (hits, BulletinRange, 0).start, ==, 15);
  g_assert_cmpuint (g_array_index (hits, BulletinRange, 1).start, ==, 17);
  g_assert_cmpuint (count_hits (article, "哈"), ==, 5);
}

static void
test_page_break (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autoptr(GArray) hits = NULL;
  g_autofree char *shown = NULL;
  BulletinBlock *block;
  BulletinRange r;

  /* "志愿\n\n- 2 -\n\n者积极": the paragraph continues after the page break */
  bulletin_article_set_source (article, "标题\n\n争当志愿\n\n- 2 -\n\n者积极参与", -1);
  bulletin_article_add_block (article, bulletin_block_new (BULLETIN_BLOCK_HEADLINE, 0, 2));
  block = bulletin_block_new (BULLETIN_BLOCK_PARAGRAPH, 4, 8);
  bulletin_block_add_range (block, 17, 22);
  bulletin_article_add_block (article, block);
  bulletin_article_finish (article);

  hits = bulletin_search_article (article, "志愿者");
  g_assert_cmpuint (hits->len, ==, 1);
  r = g_array_index (hits, BulletinRange, 0);
  g_assert_cmpuint (r.start, ==, 6);
  g_assert_cmpuint (r.end, ==, 18);

  display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
  shown = bulletin_display_text_dup_range (display,
                                           bulletin_display_text_from_source (display, r.start),
                                           bulletin_display_text_from_source (display, r.end));
  g_assert_cmpstr (shown, ==, "志愿者");

  /* the debris is not searched, and blocks do not run into each other */
  g_assert_cmpuint (count_hits (article, "2"), ==, 0);
  g_assert_cmpuint (count_hits (article, "标题争"), ==, 0);
  g_assert_cmpuint (count_hits (article, "\"标题 争\""), ==, 0);
}

static void
test_word_start (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("hello world, shell, 新冠covid-19, 12022年和2022年", NULL);
  g_autoptr(BulletinFolded) folded = bulletin_folded_new_for_article (article);
  struct { const char *query; guint anywhere, word_start; } cases[] = {
    { "ell", 2, 0 },
    { "hello", 1, 1 },
    { "covid", 1, 1 },
    { "2022年", 2, 1 },
    { "冠covid", 1, 1 },
    { "\"o w\"", 1, 0 },  /* a phrase keeps its space */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BulletinSearchQuery) q1 = bulletin_search_query_new (cases[i].query, BULLETIN_SEARCH_DEFAULT);
      g_autoptr(BulletinSearchQuery) q2 = bulletin_search_query_new (cases[i].query, BULLETIN_SEARCH_WORD_START);
      g_autoptr(GArray) h1 = bulletin_search_folded (folded, q1, 0);
      g_autoptr(GArray) h2 = bulletin_search_folded (folded, q2, 0);

      g_assert_cmpuint (h1->len, ==, cases[i].anywhere);
      g_assert_cmpuint (h2->len, ==, cases[i].word_start);
    }
}

/* Query syntax: words mean all of them, a quoted phrase keeps its
 * spaces, -word excludes */
static void
test_syntax (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("The city council met on Monday.", "市里为老楼加装电梯，居民说电梯好。", NULL);
  g_autoptr(GArray) hits = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  /* AND, in any order, anywhere in the article; every term's hits, in order */
  g_assert_cmpuint (count_hits (article, "council"), ==, 1);
  g_assert_cmpuint (count_hits (article, "council monday"), ==, 2);
  g_assert_cmpuint (count_hits (article, "monday council"), ==, 2);
  g_assert_cmpuint (count_hits (article, "monday 电梯"), ==, 3);
  g_assert_cmpuint (count_hits (article, "council tuesday"), ==, 0);
  hits = bulletin_search_article (article, "电梯 council");
  g_assert_cmpuint (hits->len, ==, 3);
  first = hit_text (article, hits, 0);
  last = hit_text (article, hits, 2);
  g_assert_cmpstr (first, ==, "council");
  g_assert_cmpstr (last, ==, "电梯");

  /* a phrase keeps its spaces */
  g_assert_cmpuint (count_hits (article, "\"council met\""), ==, 1);
  g_assert_cmpuint (count_hits (article, "\"met council\""), ==, 0);
  g_assert_cmpuint (count_hits (article, "“council met”"), ==, 1);
  g_assert_cmpuint (count_hits (article, "\"council met\" 居民"), ==, 2);

  /* Chinese without spaces is one phrase, as before */
  g_assert_cmpuint (count_hits (article, "加装电梯"), ==, 1);
  g_assert_cmpuint (count_hits (article, "电梯加装"), ==, 0);

  /* exclusion */
  g_assert_cmpuint (count_hits (article, "电梯 -加装"), ==, 0);
  g_assert_cmpuint (count_hits (article, "电梯 -拆除"), ==, 2);
  g_assert_cmpuint (count_hits (article, "council -\"city hall\""), ==, 1);
  g_assert_cmpuint (count_hits (article, "council -\"city council\""), ==, 0);
  g_assert_cmpuint (count_hits (article, "电梯 －加装"), ==, 0);  /* full-width minus */

  /* a minus sign alone or inside a word is text */
  {
    g_autoptr(BulletinArticle) dash = article_from_paragraphs ("COVID-19 - a note", NULL);

    g_assert_cmpuint (count_hits (dash, "covid-19"), ==, 1);
    g_assert_cmpuint (count_hits (dash, "note -"), ==, 3);  /* both minus signs and the word */
    g_assert_cmpuint (count_hits (dash, "note -covid"), ==, 0);
  }

  /* an unbalanced quote runs to the end */
  g_assert_cmpuint (count_hits (article, "\"council met"), ==, 1);
  g_assert_cmpuint (count_hits (article, "monday \"council met"), ==, 2);
  g_assert_cmpuint (count_hits (article, "\"met council"), ==, 0);
  g_assert_cmpuint (count_hits (article, "\""), ==, 0);
  g_assert_cmpuint (count_hits (article, "council \"\""), ==, 1);

  /* bytes that are not UTF-8 (a command line's): never read past the end */
  g_assert_cmpuint (count_hits (article, "council \xe7\x94"), ==, 0);
  g_assert_cmpuint (count_hits (article, "council -\xe7"), ==, 1);
}

static void
test_only_exclusion (void)
{
  g_autoptr(BulletinArticle) article = article_from_paragraphs ("居民说电梯好", NULL);
  g_autoptr(BulletinSearchQuery) excludes = bulletin_search_query_new ("-电梯", 0);
  g_autoptr(BulletinSearchQuery) empty = bulletin_search_query_new ("  ", 0);
  g_autoptr(BulletinSearchQuery) some = bulletin_search_query_new ("居民 -电梯", 0);

  g_assert_true (bulletin_search_query_is_empty (excludes));
  g_assert_cmpstr (bulletin_search_query_get_problem (excludes), ==, "Add a word to search for");
  g_assert_true (bulletin_search_query_is_empty (empty));
  g_assert_null (bulletin_search_query_get_problem (empty));
  g_assert_false (bulletin_search_query_is_empty (some));
  g_assert_null (bulletin_search_query_get_problem (some));
  g_assert_cmpuint (bulletin_search_query_get_n_terms (some), ==, 2);
  g_assert_cmpuint (count_hits (article, "-电梯"), ==, 0);
  g_assert_cmpuint (count_hits (article, "-拆除"), ==, 0);
}

/* Han and Latin mixed: a run without spaces is one term, matched at a
 * word start in the archive search when it starts with a Latin letter */
static void
test_mixed_scripts (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("新冠covid-19疫情期间，上海Shanghai社区", NULL);
  g_autoptr(BulletinFolded) folded = bulletin_folded_new_for_article (article);
  struct { const char *query; guint anywhere, word_start; } cases[] = {
    { "冠covid", 1, 1 },
    { "covid 上海", 2, 2 },
    { "ovid 上海", 2, 0 },
    { "shanghai社区", 1, 1 },
    { "上海 -covid", 0, 0 },
    { "上海 -ovid", 0, 1 },  /* excluded at a word start only: ovid is not a word */
    { "疫情 covid -新冠covid", 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BulletinSearchQuery) q1 = bulletin_search_query_new (cases[i].query, BULLETIN_SEARCH_DEFAULT);
      g_autoptr(BulletinSearchQuery) q2 = bulletin_search_query_new (cases[i].query, BULLETIN_SEARCH_WORD_START);
      g_autoptr(GArray) h1 = bulletin_search_folded (folded, q1, 0);
      g_autoptr(GArray) h2 = bulletin_search_folded (folded, q2, 0);

      g_test_message ("%s", cases[i].query);
      g_assert_cmpuint (h1->len, ==, cases[i].anywhere);
      g_assert_cmpuint (h2->len, ==, cases[i].word_start);
      g_assert_cmpuint (bulletin_search_folded_count (folded, q1), ==, h1->len);
      g_assert_cmpuint (bulletin_search_folded_count (folded, q2), ==, h2->len);
    }
}

static void
test_empty_query (void)
{
  g_autoptr(BulletinArticle) article = article_from_paragraphs ("疫情", NULL);

  g_assert_cmpuint (count_hits (article, ""), ==, 0);
  g_assert_cmpuint (count_hits (article, "   "), ==, 0);
  g_assert_cmpuint (count_hits (article, "疫情疫情疫情"), ==, 0);
}

static void
test_snippet (void)
{
  g_autoptr(BulletinArticle) article =
    article_from_paragraphs ("第一段", "甲乙丙丁戊己庚辛壬癸疫情子丑寅卯辰巳午未申酉", NULL);
  g_autoptr(BulletinFolded) folded = bulletin_folded_new_for_article (article);
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new ("疫情", 0);
  g_autoptr(GArray) hits = bulletin_search_folded (folded, q, 0);
  BulletinSearchHit *hit;
  g_autofree char *snippet = NULL;
  guint hs, he;

  g_assert_cmpuint (hits->len, ==, 1);
  hit = &g_array_index (hits, BulletinSearchHit, 0);
  snippet = bulletin_folded_dup_snippet (folded, bulletin_article_get_source (article),
                                         hit->folded_start, hit->folded_end, 4, &hs, &he);
  g_assert_cmpstr (snippet, ==, "庚辛壬癸疫情子丑寅卯");
  g_assert_cmpuint (hs, ==, 4);
  g_assert_cmpuint (he, ==, 6);

  /* the context stays inside the block */
  g_clear_pointer (&snippet, g_free);
  snippet = bulletin_folded_dup_snippet (folded, bulletin_article_get_source (article),
                                         hit->folded_start, hit->folded_end, 40, &hs, &he);
  g_assert_true (g_str_has_prefix (snippet, "甲乙"));
  g_assert_true (g_str_has_suffix (snippet, "申酉"));
  g_assert_cmpuint (hs, ==, 10);
}

static gboolean
is_han_run (const char *p,
            guint       n)
{
  for (guint i = 0; i < n; i++, p = g_utf8_next_char (p))
    if (*p == '\0' || g_unichar_get_script (g_utf8_get_char (p)) != G_UNICODE_SCRIPT_HAN)
      return FALSE;
  return TRUE;
}

/* The first "甲乙丙丁,戊己庚辛" of @raw: four Han characters, an ASCII
 * comma, four Han characters; NULL if there is none */
static char *
dup_han_comma_phrase (const char *raw)
{
  for (const char *comma = strchr (raw, ','); comma != NULL; comma = strchr (comma + 1, ','))
    {
      const char *start = comma;
      guint back = 0;

      while (back < 4 && start > raw)
        {
          start = g_utf8_find_prev_char (raw, start);
          back++;
        }
      if (back == 4 && is_han_run (start, 4) && is_han_run (comma + 1, 4))
        return g_strndup (start, g_utf8_offset_to_pointer (comma + 1, 4) - start);
    }
  return NULL;
}

/* The sample bulletin: every occurrence of a term in the raw text is found,
 * and a query with full-width punctuation finds the ASCII punctuation. */
static void
test_sample (void)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autoptr(GFile) file = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *ascii_phrase = NULL;
  const char *terms[] = { "疫情", "党组织", "志愿" };

  if (path == NULL)
    return;

  raw = bulletin_test_read_file (path, NULL);
  file = g_file_new_for_path (path);
  parsed = bulletin_issue_parse_file (file, BULLETIN_ISSUE_TEXT_FILE, NULL, &error);
  g_assert_no_error (error);

  for (guint t = 0; t < G_N_ELEMENTS (terms); t++)
    {
      guint expected = 0, found = 0;

      for (const char *p = strstr (raw, terms[t]); p != NULL; p = strstr (p + strlen (terms[t]), terms[t]))
        expected++;

      for (guint i = 0; i < parsed->articles->len; i++)
        {
          BulletinArticle *article = g_ptr_array_index (parsed->articles, i);
          g_autoptr(GArray) hits = bulletin_search_article (article, terms[t]);

          for (guint h = 0; h < hits->len; h++)
            {
              g_autofree char *text = hit_text (article, hits, h);

              g_assert_cmpstr (text, ==, terms[t]);
            }
          found += hits->len;
        }
      g_assert_cmpuint (expected, >, 0);
      g_assert_cmpuint (found, ==, expected);
    }

  /* the sample writes clauses with ASCII commas: a phrase of it, queried
   * with a full-width comma, is found */
  ascii_phrase = dup_han_comma_phrase (raw);
  if (ascii_phrase != NULL)
    {
      g_autoptr(GString) query = g_string_new (ascii_phrase);
      guint found = 0;

      g_string_replace (query, ",", "，", 0);
      g_assert_cmpstr (query->str, !=, ascii_phrase);
      for (guint i = 0; i < parsed->articles->len; i++)
        found += count_hits (g_ptr_array_index (parsed->articles, i), query->str);
      g_assert_cmpuint (found, >=, 1);
    }
}

/* Pieces of text for the fast-path checks: what the fast path takes
 * (ASCII, Han, CJK punctuation) and everything it hands over (whitespace,
 * line breaks, combining marks, characters that fold to several or to
 * none, full-width and compatibility forms, astral characters). */
static const char *pieces[] = {
  "a", "Z", "q", "7", "-", ".", "的", "国", "國", "發", "发", "展", "乾", "哈",
  "，", "。", "“", "”", "、", "！", " ", "  ", "\n", "\r\n", "\t", "\u3000",
  "Ａ", "ｂ", "１", "①", "㈱", "ﬁ", "ß", "ẞ", "İ", "Σ", "ς", "é", "e\u0301", "a\u0308\u0301",
  "\u0301", "\u200b", "\u00ad", "\ufeff", "ｶ", "ﾞ", "カ", "한", "\u1100\u1161", "😀",
  "𠀀", "\u4dc0", "\u3400", "Ω", "Å", "\u212b", "x\u0300", "国\u0301", "\x01", "\u2028",
};

static char *
random_text (GRand *rand,
             guint  n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      /* mostly the common cases, in runs, like real text */
      guint k = g_rand_int_range (rand, 0, 4) > 0 ? g_rand_int_range (rand, 0, 14)
                                                   : g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces));

      g_string_append (s, pieces[k]);
    }
  return g_string_free (s, FALSE);
}

/* Folds @text in random pieces and blocks, with the fast path or not. */
static BulletinFolded *
fold_pieces (const char *text,
             guint32     seed,
             gboolean    reference,
             gboolean    chars_only)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  BulletinFolded *folded = chars_only ? bulletin_folded_new_chars_only () : bulletin_folded_new ();
  const char *p = text, *end = text + strlen (text);
  guint offset = 0;

  while (p < end)
    {
      guint n = g_rand_int_range (rand, 1, 40);
      const char *q = p;

      for (guint i = 0; i < n && q < end; i++)
        q = g_utf8_next_char (q);
      if (reference)
        bulletin_folded_append_reference (folded, p, q - p, offset);
      else
        bulletin_folded_append (folded, p, q - p, offset);
      offset += g_utf8_strlen (p, q - p);
      p = q;
      if (g_rand_int_range (rand, 0, 4) == 0)
        bulletin_folded_end_block (folded);
    }
  bulletin_folded_end_block (folded);
  return folded;
}

static void
test_fast_path (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  g_autoptr(BulletinFolded) reused = bulletin_folded_new ();

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree char *text = random_text (rand, g_rand_int_range (rand, 0, 200));
      guint32 seed = g_rand_int (rand);
      g_autoptr(BulletinFolded) fast = fold_pieces (text, seed, FALSE, FALSE);
      g_autoptr(BulletinFolded) slow = fold_pieces (text, seed, TRUE, FALSE);
      g_autoptr(BulletinFolded) chars = fold_pieces (text, seed, FALSE, TRUE);
      guint n = bulletin_folded_get_length (slow);

      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_cmpuint (bulletin_folded_get_length (fast), ==, n);
      g_assert_cmpuint (bulletin_folded_get_length (chars), ==, n);
      g_assert_cmpmem (bulletin_folded_get_chars (fast), n * sizeof (gunichar),
                       bulletin_folded_get_chars (slow), n * sizeof (gunichar));
      g_assert_cmpmem (bulletin_folded_get_chars (chars), n * sizeof (gunichar),
                       bulletin_folded_get_chars (slow), n * sizeof (gunichar));
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpuint (bulletin_folded_get_start (fast, i), ==, bulletin_folded_get_start (slow, i));
          g_assert_cmpuint (bulletin_folded_get_end (fast, i), ==, bulletin_folded_get_end (slow, i));
        }

      /* a reused folded text is a new one */
      bulletin_folded_reset (reused);
      bulletin_folded_append (reused, text, -1, 0);
      bulletin_folded_end_block (reused);
      {
        g_autoptr(BulletinFolded) once = bulletin_folded_new ();

        bulletin_folded_append_reference (once, text, -1, 0);
        bulletin_folded_end_block (once);
        g_assert_cmpuint (bulletin_folded_get_length (reused), ==, bulletin_folded_get_length (once));
        g_assert_cmpmem (bulletin_folded_get_chars (reused), bulletin_folded_get_length (reused) * sizeof (gunichar),
                         bulletin_folded_get_chars (once), bulletin_folded_get_length (once) * sizeof (gunichar));
      }

      /* counting agrees with the hits, on queries taken from the text */
      for (guint k = 0; k < 4; k++)
        {
          g_autofree char *query_text = random_text (rand, g_rand_int_range (rand, 1, 4));
          BulletinSearchFlags flags = k % 2 ? BULLETIN_SEARCH_WORD_START : BULLETIN_SEARCH_DEFAULT;
          g_autoptr(BulletinSearchQuery) query = NULL;
          g_autoptr(GArray) hits = NULL;

          if (k >= 2 && text[0] != 0)
            {
              /* a piece of the text itself */
              glong len = g_utf8_strlen (text, -1);
              glong a = g_rand_int_range (rand, 0, len);
              glong b = MIN (len, a + g_rand_int_range (rand, 1, 4));
              const char *pa = g_utf8_offset_to_pointer (text, a);

              g_free (query_text);
              query_text = g_strndup (pa, g_utf8_offset_to_pointer (text, b) - pa);
            }
          query = bulletin_search_query_new (query_text, flags);
          hits = bulletin_search_folded (slow, query, 0);
          g_assert_cmpuint (bulletin_search_folded_count (chars, query), ==, hits->len);
          g_assert_cmpuint (bulletin_search_folded_count (fast, query), ==, hits->len);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bulletin/search/fold", test_fold_basic);
  g_test_add_func ("/bulletin/search/traditional", test_traditional);
  g_test_add_func ("/bulletin/search/width-and-case", test_width_and_case);
  g_test_add_func ("/bulletin/search/every-occurrence", test_every_occurrence);
  g_test_add_func ("/bulletin/search/page-break", test_page_break);
  g_test_add_func ("/bulletin/search/word-start", test_word_start);
  g_test_add_func ("/bulletin/search/empty-query", test_empty_query);
  g_test_add_func ("/bulletin/search/syntax", test_syntax);
  g_test_add_func ("/bulletin/search/only-exclusion", test_only_exclusion);
  g_test_add_func ("/bulletin/search/mixed-scripts", test_mixed_scripts);
  g_test_add_func ("/bulletin/search/snippet", test_snippet);
  g_test_add_func ("/bulletin/search/sample", test_sample);
  g_test_add_func ("/bulletin/search/fast-path", test_fast_path);

  return g_test_run ();
}
