/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-html-body.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-writer.h"
#include "bulletin-test-utils.h"

static BulletinParsedIssue *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  BulletinParsedIssue *parsed = bulletin_ninjs_parse (json, strlen (json), "test.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static BulletinArticle *
article_at (BulletinParsedIssue *parsed,
            guint                index)
{
  g_assert_cmpuint (index, <, parsed->articles->len);
  return g_ptr_array_index (parsed->articles, index);
}

/* "kind:text" for each block, joined by " | " */
static char *
describe_blocks (BulletinArticle *article)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, i);
      g_autofree char *text = bulletin_article_dup_block_text (article, i);

      if (s->len > 0)
        g_string_append (s, " | ");
      g_string_append_printf (s, "%s:%s", bulletin_block_kind_to_string (block->kind), text);
    }
  return g_string_free (s, FALSE);
}

static void
assert_blocks (BulletinArticle *article,
               const char      *expected)
{
  g_autofree char *got = describe_blocks (article);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_v1_fields (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"http://example.com/a/1\", \"type\": \"text\","
    " \"versioncreated\": \"2022-03-29T08:30:00Z\", \"language\": \"zh-Hans\","
    " \"headline_kicker\": \"引题\", \"headline_main\": \"主题\", \"headline_subtitle\": \"副题\","
    " \"byline\": \"本报记者 李四\", \"located\": \"徐汇\", \"copyrightholder\": \"新华社\","
    " \"body_text\": \"第一段\\n\\n第二段\\n第三段\"}");
  BulletinArticle *article;

  g_assert_cmpuint (parsed->articles->len, ==, 1);
  g_assert_cmpuint (parsed->warnings->len, ==, 0);
  g_assert_cmpstr (parsed->date, ==, "2022-03-29");
  g_assert_null (parsed->uri); /* a single item: the article has the uri */
  article = article_at (parsed, 0);
  g_assert_cmpstr (bulletin_article_get_id (article), ==, "http://example.com/a/1");
  g_assert_cmpstr (bulletin_article_get_headline (article), ==, "主题");
  g_assert_cmpstr (bulletin_article_get_kicker (article), ==, "引题");
  g_assert_cmpstr (bulletin_article_get_subtitle (article), ==, "副题");
  g_assert_cmpstr (bulletin_article_get_byline (article), ==, "本报记者 李四");
  g_assert_cmpstr (bulletin_article_get_located (article), ==, "徐汇");
  g_assert_cmpstr (bulletin_article_get_credit (article), ==, "新华社");
  g_assert_cmpstr (bulletin_article_get_language (article), ==, "zh-Hans");
  g_assert_cmpstr (bulletin_article_get_date (article), ==, "2022-03-29T08:30:00Z");
  assert_blocks (article, "kicker:引题 | headline:主题 | subtitle:副题 | byline:本报记者 李四 | "
                          "dateline:徐汇 | source:新华社 | paragraph:第一段 | paragraph:第二段 | "
                          "paragraph:第三段");
  /* the source text is the fields joined by blank lines */
  g_assert_cmpstr (bulletin_article_get_source (article), ==,
                   "引题\n\n主题\n\n副题\n\n本报记者 李四\n\n徐汇\n\n新华社\n\n第一段\n\n第二段\n\n第三段");
}

static void
test_v1_plain_headline_and_html (void)
{
  /* body_html is preferred to body_text when it holds the same text */
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:x:2\", \"headline\": \"Title\", \"byline\": \"By Me\","
    " \"body_text\": \"One. Two.\","
    " \"body_html\": \"<p>One.</p><p>Two.</p>\"}");
  BulletinArticle *article = article_at (parsed, 0);

  assert_blocks (article, "headline:Title | byline:By Me | paragraph:One. | paragraph:Two.");
}

static void
test_v2_fields (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:x:3\", \"versioncreated\": \"2021-12-01T10:00:00+08:00\","
    " \"headlines\": [{\"role\": \"short\", \"value\": \"Short\"},"
    "                 {\"role\": \"main\", \"value\": \"Main headline\"},"
    "                 {\"role\": \"sub\", \"value\": \"Sub\"}],"
    " \"by\": \"A. Writer\", \"located\": \"Shanghai\","
    " \"bodies\": [{\"role\": \"main\", \"contenttype\": \"text/plain\", \"value\": \"Plain.\"}]}");
  BulletinArticle *article = article_at (parsed, 0);

  g_assert_cmpstr (bulletin_article_get_headline (article), ==, "Main headline");
  g_assert_cmpstr (bulletin_article_get_subtitle (article), ==, "Sub");
  g_assert_cmpstr (bulletin_article_get_byline (article), ==, "A. Writer");
  g_assert_cmpstr (bulletin_article_get_date (article), ==, "2021-12-01T10:00:00+08:00");
  g_assert_cmpstr (parsed->date, ==, "2021-12-01");
  assert_blocks (article, "headline:Main headline | subtitle:Sub | byline:A. Writer | "
                          "dateline:Shanghai | paragraph:Plain.");
}

static void
test_v3_fields (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:x:4\", \"versionCreated\": \"2020-01-02T03:04:05Z\", \"language\": \"zh-CN\","
    " \"headlines\": [{\"role\": \"引题\", \"value\": \"肩\"}, {\"value\": \"无角色的主题\"},"
    "                 {\"role\": \"副题\", \"value\": \"副\"}],"
    " \"bodies\": [{\"contentType\": \"application/xhtml+xml\", \"value\": \"<p>正文</p>\"}],"
    " \"copyrightHolder\": \"本报\"}");
  BulletinArticle *article = article_at (parsed, 0);

  assert_blocks (article, "kicker:肩 | headline:无角色的主题 | subtitle:副 | source:本报 | paragraph:正文");
  g_assert_cmpstr (bulletin_article_get_language (article), ==, "zh-CN");
  g_assert_cmpstr (parsed->language, ==, "zh-CN");
}

static void
test_composite (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:issue:7\", \"type\": \"composite\", \"versionCreated\": \"2022-05-06T00:00:00Z\","
    " \"headlines\": [{\"role\": \"main\", \"value\": \"第7期\"}],"
    " \"associations\": ["
    "   {\"name\": \"a\", \"uri\": \"urn:a:1\", \"type\": \"text\", \"headlines\": [{\"value\": \"一\"}]},"
    "   {\"name\": \"p\", \"uri\": \"urn:p:1\", \"type\": \"picture\"},"
    "   {\"name\": \"b\", \"uri\": \"urn:a:2\", \"headlines\": [{\"value\": \"二\"}],"
    "    \"bodies\": [{\"value\": \"正文二\"}]}]}");

  g_assert_cmpstr (parsed->title, ==, "第7期");
  g_assert_cmpstr (parsed->uri, ==, "urn:issue:7");
  g_assert_cmpstr (parsed->date, ==, "2022-05-06");
  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 0)), ==, "urn:a:1");
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 1)), ==, "urn:a:2");
  assert_blocks (article_at (parsed, 1), "headline:二 | paragraph:正文二");
}

static void
test_composite_v1_object (void)
{
  /* 1.x: associations keyed by name, read in file order */
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:issue:8\", \"headline\": \"Issue\","
    " \"associations\": {\"zeta\": {\"uri\": \"urn:z\", \"type\": \"text\", \"headline\": \"Z\"},"
    "                    \"alpha\": {\"uri\": \"urn:a\", \"type\": \"text\", \"headline\": \"A\"}}}");

  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 0)), ==, "Z");
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 1)), ==, "A");
  g_assert_cmpstr (parsed->title, ==, "Issue");
}

static void
test_composite_with_pictures (void)
{
  /* a story with pictures: one article, the pictures as figures */
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:s\", \"type\": \"composite\", \"headlines\": [{\"value\": \"Story\"}],"
    " \"bodies\": [{\"contentType\": \"text/plain\", \"value\": \"Text.\"}],"
    " \"associations\": [{\"name\": \"pic\", \"uri\": \"urn:pic\", \"type\": \"picture\","
    "   \"headlines\": [{\"value\": \"Pic\"}],"
    "   \"descriptions\": [{\"value\": \"A caption\"}],"
    "   \"renditions\": [{\"name\": \"big\", \"href\": \"https://example.com/big.jpg\"}]}]}");
  BulletinArticle *article;
  const BulletinBlock *figure;

  g_assert_cmpuint (parsed->articles->len, ==, 1);
  article = article_at (parsed, 0);
  assert_blocks (article, "headline:Story | paragraph:Text. | figure:A caption");
  figure = bulletin_article_get_block (article, 2);
  g_assert_cmpstr (figure->image, ==, "https://example.com/big.jpg");
  g_assert_cmpstr (figure->image_alt, ==, "Pic");
}

static void
test_array (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "[{\"uri\": \"urn:1\", \"headline\": \"One\", \"versioncreated\": \"2019-09-24\"},"
    " {\"uri\": \"urn:2\", \"headlines\": [{\"value\": \"Two\"}]},"
    " 42]");

  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 1)), ==, "Two");
  g_assert_cmpstr (parsed->date, ==, "2019-09-24");
  g_assert_cmpuint (parsed->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (parsed->warnings, 0), "test.json"));
}

static void
test_html_blocks (void)
{
  const char *html =
    "<h2>小标题</h2>"
    "<p>甲&amp;乙&nbsp;丙 &lt;tag&gt; &#x4E01;</p>"
    "<script>alert('x')</script><style>p { color: red }</style>"
    "<blockquote><p>引语</p></blockquote>"
    "<ul><li>一<ol><li>子一</li><li>子二</li></ol></li><li>二</li></ul>"
    "<figure><img src=\"images/a.jpg\" alt=\"替代\"><figcaption>图说 <b>加粗</b></figcaption></figure>"
    "<p>前<br>后</p>"
    "<section><custom-tag>未知元素里的字</custom-tag></section>"
    "<p>  many   spaces\n\tand lines  </p>"
    "<p>中文\n换行</p>"
    "<p>&nbsp;</p>";
  g_autoptr(GPtrArray) blocks = bulletin_html_body_parse (html, -1);
  static const struct {
    BulletinBlockKind kind;
    guint level;
    gboolean ordered;
    const char *text;
  } expected[] = {
    { BULLETIN_BLOCK_HEADING, 2, FALSE, "小标题" },
    { BULLETIN_BLOCK_PARAGRAPH, 0, FALSE, "甲&乙\u00a0丙 <tag> 丁" },
    { BULLETIN_BLOCK_QUOTE, 0, FALSE, "引语" },
    { BULLETIN_BLOCK_LIST_ITEM, 1, FALSE, "一" },
    { BULLETIN_BLOCK_LIST_ITEM, 2, TRUE, "子一" },
    { BULLETIN_BLOCK_LIST_ITEM, 2, TRUE, "子二" },
    { BULLETIN_BLOCK_LIST_ITEM, 1, FALSE, "二" },
    { BULLETIN_BLOCK_FIGURE, 0, FALSE, "图说 加粗" },
    { BULLETIN_BLOCK_PARAGRAPH, 0, FALSE, "前\n后" },
    { BULLETIN_BLOCK_PARAGRAPH, 0, FALSE, "未知元素里的字" },
    { BULLETIN_BLOCK_PARAGRAPH, 0, FALSE, "many spaces and lines" },
    { BULLETIN_BLOCK_PARAGRAPH, 0, FALSE, "中文换行" },
  };

  g_assert_cmpuint (blocks->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      BulletinHtmlBlock *block = g_ptr_array_index (blocks, i);

      g_test_message ("block %u: %s", i, block->text);
      g_assert_cmpint (block->kind, ==, expected[i].kind);
      g_assert_cmpuint (block->level, ==, expected[i].level);
      g_assert_cmpint (block->ordered, ==, expected[i].ordered);
      g_assert_cmpstr (block->text, ==, expected[i].text);
    }
  g_assert_cmpstr (((BulletinHtmlBlock *)g_ptr_array_index (blocks, 7))->image, ==, "images/a.jpg");
  g_assert_cmpstr (((BulletinHtmlBlock *)g_ptr_array_index (blocks, 7))->image_alt, ==, "替代");
}

static void
test_html_inline_image (void)
{
  g_autoptr(GPtrArray) blocks = bulletin_html_body_parse ("<p>before <img src='x.png'> after</p>", -1);
  BulletinHtmlBlock *figure;

  g_assert_cmpuint (blocks->len, ==, 3);
  g_assert_cmpstr (((BulletinHtmlBlock *)g_ptr_array_index (blocks, 0))->text, ==, "before");
  figure = g_ptr_array_index (blocks, 1);
  g_assert_cmpint (figure->kind, ==, BULLETIN_BLOCK_FIGURE);
  g_assert_cmpstr (figure->image, ==, "x.png");
  g_assert_cmpstr (((BulletinHtmlBlock *)g_ptr_array_index (blocks, 2))->text, ==, "after");
}

static void
test_html_hostile (void)
{
  GString *deep = g_string_new (NULL);
  g_autoptr(GPtrArray) blocks = NULL;
  g_autofree char *text = NULL;

  /* deeper than the walker recurses: the text is kept */
  for (guint i = 0; i < 100; i++)
    g_string_append (deep, "<div><span>");
  g_string_append (deep, "深处");
  text = bulletin_html_body_dup_text (deep->str, deep->len);
  g_assert_cmpstr (text, ==, "深处");

  /* deeper than libxml2 goes: no crash */
  for (guint i = 0; i < 5000; i++)
    g_string_append (deep, "<div><span>");
  blocks = bulletin_html_body_parse (deep->str, deep->len);
  g_string_free (deep, TRUE);

  g_clear_pointer (&blocks, g_ptr_array_unref);
  blocks = bulletin_html_body_parse ("<p>open <b>bold <i>both</p> tail &bogus; &#0; </x>", -1);
  g_assert_cmpuint (blocks->len, >=, 1);

  g_clear_pointer (&blocks, g_ptr_array_unref);
  blocks = bulletin_html_body_parse ("", 0);
  g_assert_cmpuint (blocks->len, ==, 0);
}

static void
test_html_offsets (void)
{
  /* offsets count characters, including those outside the BMP */
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:o\", \"headline\": \"\xf0\xa0\x80\x80题\","
    " \"body_html\": \"<p>&#x20000;甲</p><p>乙</p>\"}");
  BulletinArticle *article = article_at (parsed, 0);
  const BulletinBlock *block;

  g_assert_cmpstr (bulletin_article_get_source (article), ==,
                   "\xf0\xa0\x80\x80题\n\n\xf0\xa0\x80\x80甲\n\n乙");
  g_assert_cmpuint (bulletin_article_get_source_length (article), ==, 9);
  block = bulletin_article_get_block (article, 1);
  g_assert_cmpuint (bulletin_block_get_start (block), ==, 4);
  g_assert_cmpuint (bulletin_block_get_end (block), ==, 6);
  block = bulletin_article_get_block (article, 2);
  g_assert_cmpuint (bulletin_block_get_start (block), ==, 8);
  g_assert_cmpuint (bulletin_block_get_end (block), ==, 9);
}

static void
test_lone_surrogates (void)
{
  /* escaped surrogates without their pair (json-glib 1.6 gives bytes that
   * are not UTF-8, or refuses the file): U+FFFD, the rest kept; a real
   * pair is one character */
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:s1\", \"headline\": \"A\\udc00B\","
    " \"body_text\": \"x\\ud800y \\ud800\\u0041 \\ud83d\\ude00 \\\\ud800 z\\udfff\"}");
  BulletinArticle *article = article_at (parsed, 0);

  /* a malformed escape: json-glib 1.6 reads it as a surrogate, later
   * versions refuse the file; either way no bytes that are not UTF-8 */
  const char *bad = "{\"uri\": \"urn:s2\", \"headline\": \"H\", \"body_text\": \"a\\ud8hez\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) malformed = bulletin_ninjs_parse (bad, strlen (bad), "bad.json", &error);

  /* an octal escape of a byte that is not UTF-8 by itself, as json-glib
   * 1.6 reads "\\201" */
  const char *octal = "{\"uri\": \"urn:s3\", \"headline\": \"H\", \"body_text\": \"a\\2012 b\"}";
  g_autoptr(GError) octal_error = NULL;
  g_autoptr(BulletinParsedIssue) octal_issue = bulletin_ninjs_parse (octal, strlen (octal), "octal.json", &octal_error);

  if (malformed != NULL)
    g_assert_true (g_utf8_validate (bulletin_article_get_source (article_at (malformed, 0)), -1, NULL));
  else
    g_assert_true (g_str_has_prefix (error->message, "bad.json: line 1"));
  if (octal_issue != NULL)
    g_assert_true (g_utf8_validate (bulletin_article_get_source (article_at (octal_issue, 0)), -1, NULL));
  else
    g_assert_true (g_str_has_prefix (octal_error->message, "octal.json: line 1"));
  g_assert_true (g_utf8_validate (bulletin_article_get_source (article), -1, NULL));
  assert_blocks (article, "headline:A\xef\xbf\xbd" "B | "
                 "paragraph:x\xef\xbf\xbdy \xef\xbf\xbd" "A \xf0\x9f\x98\x80 \\ud800 z\xef\xbf\xbd");
}

static void
test_never_lose_text (void)
{
  /* a placeholder HTML body beside the full plain one: the plain one */
  g_autoptr(BulletinParsedIssue) a = parse_ok (
    "{\"uri\": \"urn:n1\", \"bodies\": ["
    " {\"contentType\": \"text/html\", \"value\": \"<p>[ ... ]</p>\"},"
    " {\"contentType\": \"text/plain\", \"value\": \"The real text.\"}]}");
  /* different text in each: both */
  g_autoptr(BulletinParsedIssue) b = parse_ok (
    "{\"uri\": \"urn:n2\", \"bodies\": ["
    " {\"contentType\": \"text/plain\", \"value\": \"Summary only.\"},"
    " {\"contentType\": \"text/html\", \"value\": \"<p>Body <i>text</i>.</p>\"}]}");
  /* an HTML body shorter than the plain one that holds it: the plain one */
  g_autoptr(BulletinParsedIssue) c = parse_ok (
    "{\"uri\": \"urn:n3\", \"body_html\": \"<p>First.</p>\","
    " \"body_text\": \"First.\\nSecond.\"}");

  assert_blocks (article_at (a, 0), "paragraph:The real text.");
  assert_blocks (article_at (b, 0), "paragraph:Body text. | paragraph:Summary only.");
  assert_blocks (article_at (c, 0), "paragraph:First. | paragraph:Second.");
}

static void
assert_error (const char *json,
              gssize      len,
              int         code,
              const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;

  if (len < 0)
    len = strlen (json);
  parsed = bulletin_ninjs_parse (json, len, "bad.json", &error);
  g_assert_null (parsed);
  g_assert_error (error, BULLETIN_NINJS_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "bad.json: "));
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_errors (void)
{
  GString *deep = g_string_new (NULL);

  assert_error ("{\n  \"uri\": \"urn:x\",\n  \"headline\": \"a\",\n}", -1,
                BULLETIN_NINJS_ERROR_SYNTAX, "line 3, column 18");
  assert_error ("{\n\"uri\": http://x\n}", -1, BULLETIN_NINJS_ERROR_SYNTAX, "line 2, column");
  assert_error ("", -1, BULLETIN_NINJS_ERROR_SYNTAX, "line 1");
  /* A raw control character in a string: json-glib 1.6 (Debian 12) lets
   * it through and the reader names it; newer json-glib (the GNOME
   * runtime's) stops at it first as an unterminated string.  Either way the
   * file is refused with a line number. */
  {
    g_autoptr(GError) error = NULL;
    const char *json = "{\"uri\": \"a\nb\"}";
    g_autoptr(BulletinParsedIssue) parsed = bulletin_ninjs_parse (json, strlen (json), "bad.json", &error);

    g_assert_null (parsed);
    g_assert_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX);
    g_assert_true (strstr (error->message, "bad.json: line 1: control character U+000A") != NULL ||
                   strstr (error->message, "bad.json: line 2, column 1: ") != NULL);
  }
  assert_error ("{\"uri\":\n \"\xff\"}", -1, BULLETIN_NINJS_ERROR_SYNTAX, "line 2: the text is not valid UTF-8");
  assert_error ("{\"uri\": \"a\"}\0", 13, BULLETIN_NINJS_ERROR_SYNTAX, "NUL");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_error (deep->str, deep->len, BULLETIN_NINJS_ERROR_SYNTAX, "nested");
  g_string_free (deep, TRUE);

  assert_error ("42", -1, BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);
  assert_error ("\"text\"", -1, BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);
  assert_error ("{}", -1, BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);
  assert_error ("{\"name\": \"config\", \"size\": 3}", -1, BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);
  assert_error ("[1, 2, []]", -1, BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);
}

static void
test_wrong_types_warn (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"urn:w\", \"headline\": 42, \"by\": [\"x\"], \"bodies\": \"text\","
    " \"body_text\": \"Kept.\"}");

  assert_blocks (article_at (parsed, 0), "paragraph:Kept.");
  g_assert_cmpuint (parsed->warnings->len, ==, 3);
}

/* The same problem in three items is one warning, and reading it twice
 * over touches no freed memory (run under ASan by build-aux/test.sh). */
static void
test_repeated_warnings (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "[{\"uri\": \"urn:r1\", \"headline\": 1, \"body_text\": \"One.\"},"
    " {\"uri\": \"urn:r2\", \"headline\": 2, \"body_text\": \"Two.\"},"
    " {\"uri\": \"urn:r3\", \"headline\": 3, \"body_text\": \"Three.\"},"
    " {\"uri\": \"urn:r4\", \"headline\": 4, \"body_text\": \"Four.\"}]");

  g_assert_cmpuint (parsed->articles->len, ==, 4);
  g_assert_cmpuint (parsed->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (parsed->warnings, 0), "headline"));
}

static void
test_deep_associations (void)
{
  GString *json = g_string_new (NULL);
  g_autoptr(BulletinParsedIssue) parsed = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (json, "{\"uri\": \"urn:c:%u\", \"type\": \"composite\","
                                  " \"headline\": \"h%u\", \"associations\": [", i, i);
  g_string_append (json, "{\"uri\": \"urn:leaf\", \"type\": \"text\", \"headline\": \"leaf\"}");
  for (guint i = 0; i < 40; i++)
    g_string_append (json, "]}");

  parsed = parse_ok (json->str);
  g_assert_cmpuint (parsed->articles->len, >=, 1);
  g_assert_cmpuint (parsed->warnings->len, ==, 1);
  g_string_free (json, TRUE);
}

static void
test_uris (void)
{
  static const char * const valid[] = {
    "http://example.com/a?b=c#d", "urn:bulletin:article:0123abcd", "urn:nato.int:2023-x",
    "https://user:pw@host:8080/p%20q", "mailto:a@b.c", "http://[::1]/x", "tag:example.com,2024:x",
  };
  static const char * const invalid[] = {
    "", "002_type_invalid", "http://exa mple.com", "urn:a#b#c", "http://host:port/",
    "中文:x", "urn:中文", "http://x/%zz", ":nothing",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (bulletin_ninjs_uri_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *fixed = bulletin_ninjs_dup_valid_uri (invalid[i]);
      g_autofree char *again = NULL;

      g_assert_false (bulletin_ninjs_uri_is_valid (invalid[i]));
      if (*invalid[i] == 0)
        {
          g_assert_null (fixed);
          continue;
        }
      g_assert_true (g_str_has_prefix (fixed, "urn:bulletin:ref:"));
      g_assert_true (bulletin_ninjs_uri_is_valid (fixed));
      again = bulletin_ninjs_dup_valid_uri (fixed);
      g_assert_cmpstr (again, ==, fixed);
    }
}

static void
test_ids (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "[{\"uri\": \"item one\", \"headline\": \"A\"},"
    " {\"type\": \"text\", \"headline\": \"B\", \"body_text\": \"b\"},"
    " {\"type\": \"text\", \"uri\": \"\", \"headline\": \"B\", \"body_text\": \"b\"}]");

  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 0)), ==, "urn:bulletin:ref:item%20one");
  g_assert_true (g_str_has_prefix (bulletin_article_get_id (article_at (parsed, 1)),
                                   "urn:bulletin:article:"));
  /* the content, not the position, makes the id */
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 1)), ==,
                   bulletin_article_get_id (article_at (parsed, 2)));
}

static void
test_dates (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "2013-07-09T10:37:00Z", "2013-07-09T10:37:00Z" },
    { "2013-07-09T10:37:00.123+08:00", "2013-07-09T10:37:00+08:00" },
    { "2013-07-09T10:37:00", "2013-07-09T10:37:00Z" },
    { "2019-09-24", "2019-09-24" },
    { "Last Tuesday", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = bulletin_ninjs_normalize_date (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_write_round_trip (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_ok (
    "{\"uri\": \"not a uri\", \"type\": \"composite\", \"versionCreated\": \"2022-03-29\","
    " \"headlines\": [{\"value\": \"第12期\"}], \"language\": \"zh\","
    " \"associations\": ["
    "  {\"name\": \"1\", \"uri\": \"http://example.com/1\", \"type\": \"text\","
    "   \"headlines\": [{\"role\": \"kicker\", \"value\": \"引\"}, {\"value\": \"主\"},"
    "                  {\"role\": \"subtitle\", \"value\": \"副\"}],"
    "   \"by\": \"记者\", \"located\": \"上海\", \"copyrightHolder\": \"新华社\","
    "   \"bodies\": [{\"contentType\": \"text/html\", \"value\": \"<h3>小</h3><p>段一</p><ul><li>项</li></ul>\"}]},"
    "  {\"name\": \"2\", \"type\": \"text\", \"headlines\": [{\"value\": \"无 uri\"}],"
    "   \"bodies\": [{\"value\": \"正文\"}]}]}");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(BulletinParsedIssue) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  JsonObject *composite, *item;
  JsonArray *associations;
  gsize len;

  parsed->number = g_strdup ("12");
  node = bulletin_ninjs_write_issue (parsed);
  composite = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (composite, "type"), ==, "composite");
  g_assert_cmpstr (json_object_get_string_member (composite, "uri"), ==, "urn:bulletin:ref:not%20a%20uri");
  g_assert_cmpstr (json_object_get_string_member (composite, "versionCreated"), ==, "2022-03-29T00:00:00Z");
  associations = json_object_get_array_member (composite, "associations");
  g_assert_cmpuint (json_array_get_length (associations), ==, 2);
  item = json_array_get_object_element (associations, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "uri"), ==, "http://example.com/1");
  g_assert_cmpstr (json_object_get_string_member (item, "by"), ==, "记者");
  g_assert_cmpstr (json_object_get_string_member (item, "located"), ==, "上海");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (item, "bodies"), 0),
                     "value"), ==, "小\n\n段一\n\n项");

  data = bulletin_ninjs_to_data (node, &len);
  again = bulletin_ninjs_parse (data, len, "export.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->warnings->len, ==, 0);
  g_assert_cmpstr (again->title, ==, "第12期");
  g_assert_cmpstr (again->date, ==, "2022-03-29");
  g_assert_cmpstr (again->number, ==, "12");
  g_assert_cmpuint (again->articles->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (bulletin_article_get_id (article_at (again, i)), ==,
                     bulletin_article_get_id (article_at (parsed, i)));
  assert_blocks (article_at (again, 0), "kicker:引 | headline:主 | subtitle:副 | byline:记者 | "
                                        "dateline:上海 | source:新华社 | paragraph:小 | "
                                        "paragraph:段一 | paragraph:项");
}

/* The printed page and section, where the item carries them: subjects or
 * genres with a section-like rel, scheme or uri (3.x, 2.x, 1.x), plain
 * properties; a subject about something else is no section. */
static void
test_page_section (void)
{
  static const struct { const char *json, *page, *section; } cases[] = {
    { "{\"uri\":\"urn:a\",\"headlines\":[{\"value\":\"甲\"}],\"bodies\":[{\"value\":\"正文。\"}],"
      "\"subjects\":[{\"name\":\"体育\",\"uri\":\"http://cv.iptc.org/newscodes/mediatopic/15000000\"},"
      "{\"name\":\"要闻\",\"uri\":\"https://paper.example/sections/news\"},"
      "{\"name\":\"2\",\"rel\":\"page\"}]}", "2", "要闻" },
    { "{\"uri\":\"urn:b\",\"headlines\":[{\"value\":\"乙\"}],\"bodies\":[{\"value\":\"正文。\"}],"
      "\"genres\":[{\"literal\":\"section:社会\"}]}", NULL, "社会" },
    { "{\"uri\":\"urn:c\",\"headline\":\"丙\",\"body_text\":\"正文。\","
      "\"subject\":[{\"name\":\"Local\",\"scheme\":\"http://example.com/printsection\",\"code\":\"L\"},"
      "{\"code\":\"A3\",\"scheme\":\"http://example.com/page\"}]}", "A3", "Local" },
    { "{\"uri\":\"urn:d\",\"headline\":\"丁\",\"body_text\":\"正文。\",\"section\":\"文化\",\"page\":4}", "4", "文化" },
    { "{\"uri\":\"urn:e\",\"headline\":\"戊\",\"body_text\":\"正文。\","
      "\"subjects\":[{\"name\":\"经济\",\"rel\":\"about\",\"uri\":\"http://cv.iptc.org/newscodes/mediatopic/04000000\"}]}",
      NULL, NULL },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(BulletinParsedIssue) parsed = parse_ok (cases[c].json);
      BulletinArticle *a = article_at (parsed, 0);

      g_test_message ("case %u", c);
      g_assert_cmpstr (bulletin_article_get_page (a), ==, cases[c].page);
      g_assert_cmpstr (bulletin_article_get_section (a), ==, cases[c].section);
      /* the export keeps them (subjects with rel page and section), and
       * the id */
      {
        g_autoptr(JsonNode) node = bulletin_ninjs_write_issue (parsed);
        g_autoptr(GError) error = NULL;
        gsize len;
        g_autofree char *data = bulletin_ninjs_to_data (node, &len);
        g_autoptr(BulletinParsedIssue) again = bulletin_ninjs_parse (data, len, "export.json", &error);
        BulletinArticle *b;

        g_assert_no_error (error);
        b = article_at (again, 0);
        g_assert_cmpstr (bulletin_article_get_page (b), ==, cases[c].page);
        g_assert_cmpstr (bulletin_article_get_section (b), ==, cases[c].section);
        g_assert_cmpstr (bulletin_article_get_id (b), ==, bulletin_article_get_id (a));
      }
      /* not in the text */
      if (cases[c].section != NULL)
        for (guint b = 0; b < bulletin_article_get_n_blocks (a); b++)
          {
            g_autofree char *text = bulletin_article_dup_block_text (a, b);
            g_assert_null (strstr (text, cases[c].section));
          }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bulletin/ninjs/v1-fields", test_v1_fields);
  g_test_add_func ("/bulletin/ninjs/v1-html-preferred", test_v1_plain_headline_and_html);
  g_test_add_func ("/bulletin/ninjs/v2-fields", test_v2_fields);
  g_test_add_func ("/bulletin/ninjs/v3-fields", test_v3_fields);
  g_test_add_func ("/bulletin/ninjs/composite", test_composite);
  g_test_add_func ("/bulletin/ninjs/composite-v1-object", test_composite_v1_object);
  g_test_add_func ("/bulletin/ninjs/composite-with-pictures", test_composite_with_pictures);
  g_test_add_func ("/bulletin/ninjs/array", test_array);
  g_test_add_func ("/bulletin/ninjs/html-blocks", test_html_blocks);
  g_test_add_func ("/bulletin/ninjs/html-inline-image", test_html_inline_image);
  g_test_add_func ("/bulletin/ninjs/html-hostile", test_html_hostile);
  g_test_add_func ("/bulletin/ninjs/html-offsets", test_html_offsets);
  g_test_add_func ("/bulletin/ninjs/never-lose-text", test_never_lose_text);
  g_test_add_func ("/bulletin/ninjs/errors", test_errors);
  g_test_add_func ("/bulletin/ninjs/wrong-types-warn", test_wrong_types_warn);
  g_test_add_func ("/bulletin/ninjs/repeated-warnings", test_repeated_warnings);
  g_test_add_func ("/bulletin/ninjs/deep-associations", test_deep_associations);
  g_test_add_func ("/bulletin/ninjs/uris", test_uris);
  g_test_add_func ("/bulletin/ninjs/lone-surrogates", test_lone_surrogates);
  g_test_add_func ("/bulletin/ninjs/ids", test_ids);
  g_test_add_func ("/bulletin/ninjs/dates", test_dates);
  g_test_add_func ("/bulletin/ninjs/write-round-trip", test_write_round_trip);
  g_test_add_func ("/bulletin/ninjs/page-section", test_page_section);

  return g_test_run ();
}
