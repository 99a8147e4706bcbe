/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-ninjs-keys.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-skim.h"
#include "bulletin-test-utils.h"

static gboolean
skim (const char         *json,
      BulletinNinjsSkim  *out,
      GError            **error)
{
  return bulletin_ninjs_skim (json, strlen (json), "test.json", out, error);
}

static void
test_versions (void)
{
  BulletinNinjsSkim s;
  g_autoptr(GError) error = NULL;

  /* 1.x: headline, lowercase keys */
  g_assert_true (skim ("{\"uri\":\"urn:a:1\",\"type\":\"text\",\"headline\":\"街道新闻\","
                       "\"versioncreated\":\"2021-06-01T08:00:00+08:00\",\"body_text\":\"正文\"}",
                       &s, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s.headline, ==, "街道新闻");
  g_assert_cmpstr (s.date, ==, "2021-06-01");
  g_assert_cmpstr (s.uri, ==, "urn:a:1");
  g_assert_cmpstr (s.type, ==, "text");
  g_assert_cmpuint (s.n_articles, ==, 1);
  bulletin_ninjs_skim_clear (&s);

  /* 2.x: headlines with roles, the main one wins wherever it is */
  g_assert_true (skim ("{\"headlines\":[{\"role\":\"kicker\",\"value\":\"引题\"},"
                       "{\"role\":\"main\",\"value\":\"主标题\"}],"
                       "\"versioncreated\":\"2020-01-02\"}", &s, &error));
  g_assert_cmpstr (s.headline, ==, "主标题");
  g_assert_cmpstr (s.date, ==, "2020-01-02");
  bulletin_ninjs_skim_clear (&s);

  /* 3.x: camelCase, firstCreated when versionCreated is absent */
  g_assert_true (skim ("{\"headlines\":[{\"value\":\"社区\\\"活动\\\"\"}],"
                       "\"firstCreated\":\"2019-12-31T23:00:00Z\"}", &s, &error));
  g_assert_cmpstr (s.headline, ==, "社区\"活动\"");
  g_assert_cmpstr (s.date, ==, "2019-12-31");
  bulletin_ninjs_skim_clear (&s);
}

/* Both the skim and the full reader count @expected articles in @json
 * (the expectation keeps the two from agreeing on something wrong). */
static void
assert_counts (const char *json,
               guint       expected)
{
  BulletinNinjsSkim s;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;

  parsed = bulletin_ninjs_parse (json, strlen (json), "test.json", &parse_error);
  g_assert_no_error (parse_error);
  if (parsed->articles->len != expected)
    g_error ("the reader makes %u articles of %s, not %u", parsed->articles->len, json, expected);

  g_assert_true (skim (json, &s, &error));
  g_assert_no_error (error);
  if (s.n_articles != expected)
    g_error ("the skim counts %u articles in %s, not %u", s.n_articles, json, expected);
  if (parsed->date != NULL)
    g_assert_cmpstr (s.date, ==, parsed->date);
  bulletin_ninjs_skim_clear (&s);
}

static void
test_associations (void)
{
  BulletinNinjsSkim s;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);

  /* 3.x composite: associations as an array; a picture is not an article;
   * a text item that embeds a text item with a body of its own is two */
  assert_counts ("{\"type\":\"composite\",\"headlines\":[{\"value\":\"第12期\"}],"
                 "\"associations\":["
                 "{\"name\":\"a\",\"type\":\"text\",\"bodies\":[{\"value\":\"一\"}]},"
                 "{\"name\":\"b\",\"type\":\"text\",\"bodies\":[{\"value\":\"二\"}],"
                 " \"associations\":[{\"type\":\"text\"}]},"
                 "{\"name\":\"c\",\"type\":\"picture\"}]}", 3);

  /* 1.x: associations as an object of items that embed text */
  assert_counts ("{\"type\":\"text\",\"associations\":{"
                 "\"one\":{\"body_text\":\"一\",\"versioncreated\":\"2018-03-04\"},"
                 "\"two\":{\"body_html\":\"<p>二</p>\"},\"pic\":{\"type\":\"picture\"}}}", 2);
  g_assert_true (skim ("{\"type\":\"text\",\"associations\":{"
                       "\"one\":{\"body_text\":\"一\",\"versioncreated\":\"2018-03-04\"}}}",
                       &s, &error));
  /* no date of its own: the first association's */
  g_assert_cmpstr (s.date, ==, "2018-03-04");
  bulletin_ninjs_skim_clear (&s);

  /* a composite of references only: it is the one article; untyped
   * associations with text are articles */
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"uri\":\"x\"},{\"uri\":\"y\"}]}", 1);
  assert_counts ("{\"Type\":\"Composite\",\"Associations\":[{\"Headline\":\"x\"},"
                 "{\"type\":\"composite\",\"body_text\":\"y\"},{\"uri\":\"z\"}]}", 2);

  /* a composite of pictures only (as IPTC's examples 003 and 007): one
   * article, whatever the number of pictures */
  assert_counts ("{\"uri\":\"urn:c:1\",\"type\":\"composite\",\"headlines\":[{\"value\":\"图片\"}],"
                 "\"associations\":[{\"uri\":\"p1\",\"type\":\"picture\"},"
                 "{\"uri\":\"p2\",\"type\":\"picture\",\"headlines\":[{\"value\":\"说明\"}]}]}", 1);
  assert_counts ("{\"type\":\"composite\",\"associations\":{"
                 "\"a\":{\"type\":\"picture\",\"body_text\":\"图\"},\"b\":{\"type\":\"video\"},"
                 "\"c\":{\"type\":\"audio\"},\"d\":{\"type\":\"graphic\"},\"e\":{\"type\":\"\"}}}", 1);

  /* a composite's own body is an article beside its embedded ones, in
   * every spelling ... */
  assert_counts ("{\"type\":\"composite\",\"bodies\":[{\"value\":\"编者按\"}],"
                 "\"associations\":[{\"type\":\"text\",\"headline\":\"一\"},"
                 "{\"type\":\"text\",\"headline\":\"二\"}]}", 3);
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"text\",\"headline\":\"一\"}],"
                 "\"body_html\":\"<div><p>编者按</p></div>\"}", 2);
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"text\",\"headline\":\"一\"}],"
                 "\"Bodies\":[\"plain words\"]}", 2);
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"text\",\"headline\":\"一\"}],"
                 "\"bodies\":[{\"contentType\":\"text/plain\",\"value\":\"<p></p> x\"}]}", 2);
  /* ... but a placeholder, markup without text or an empty body is none */
  assert_counts ("{\"type\":\"composite\",\"bodies\":[{\"value\":\"[ ... ]\"}],"
                 "\"associations\":[{\"type\":\"text\",\"headline\":\"一\"},"
                 "{\"type\":\"text\",\"headline\":\"二\"}]}", 2);
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"text\",\"headline\":\"一\"}],"
                 "\"body_html\":\"<p> </p><br/>\",\"body_text\":\"\",\"bodies\":[\"\",{\"value\":null}]}",
                 1);
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"text\",\"headline\":\"一\"}],"
                 "\"bodies\":[{\"contentType\":\"text/html\",\"value\":\"<b>&amp;</b>\"}]}", 1);

  /* composites in composites count their own articles ... */
  assert_counts ("{\"type\":\"composite\",\"associations\":["
                 "{\"type\":\"composite\",\"headline\":\"版\",\"associations\":["
                 "{\"type\":\"text\",\"headline\":\"一\"},{\"type\":\"text\",\"headline\":\"二\"}]},"
                 "{\"type\":\"composite\",\"headline\":\"图\",\"associations\":[{\"type\":\"picture\"}]},"
                 "{\"type\":\"text\",\"body_text\":\"三\",\"associations\":{\"x\":{\"body_text\":\"四\"}}}]}",
                 5);
  /* ... down to the reader's depth, where an item is one article */
  for (guint i = 0; i < 12; i++)
    g_string_append (deep, "{\"type\":\"composite\",\"body_text\":\"层\",\"associations\":[");
  g_string_append (deep, "{\"type\":\"text\",\"headline\":\"底\"}");
  for (guint i = 0; i < 12; i++)
    g_string_append (deep, "]}");
  assert_counts (deep->str, 9);

  /* an empty type is a type, and not text */
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"\",\"headline\":\"一\"},"
                 "{\"type\":7,\"headline\":\"二\"},{\"type\":\"TEXT\"}]}", 2);

  /* a key given twice: the last one, as json-glib keeps it */
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"picture\",\"type\":\"text\","
                 "\"headline\":\"x\"},{\"type\":\"text\",\"headline\":\"y\"}]}", 2);
  assert_counts ("{\"type\":\"composite\",\"associations\":[{\"type\":\"text\"},{\"type\":\"text\"}],"
                 "\"associations\":[{\"type\":\"text\"}]}", 1);
  assert_counts ("{\"type\":\"composite\",\"bodies\":[{\"value\":\"x\"}],\"bodies\":[{\"value\":\"[...]\"}],"
                 "\"associations\":[{\"type\":\"text\"},{\"type\":\"text\"}]}", 2);

  /* an array of items; the issue is dated by its first article */
  g_assert_true (skim ("[{\"headline\":\"一\"},{\"headline\":\"二\",\"versionCreated\":\"2017-05-06\"},"
                       "{\"headline\":\"三\"}]", &s, &error));
  g_assert_true (s.is_array);
  g_assert_cmpuint (s.n_articles, ==, 3);
  bulletin_ninjs_skim_clear (&s);
  assert_counts ("[{\"headline\":\"一\",\"versionCreated\":\"2017-05-06\"},{\"headline\":\"二\"},"
                 "{\"headline\":\"三\"}]", 3);
  /* composites in an array count their articles; what is no item, none */
  assert_counts ("[{\"type\":\"composite\",\"versionCreated\":\"2001-01-01\",\"associations\":["
                 "{\"type\":\"text\",\"headline\":\"一\",\"versionCreated\":\"2016-02-03\"},"
                 "{\"type\":\"text\",\"headline\":\"二\"}]},"
                 "{\"nothing\":1},{\"type\":\"composite\",\"associations\":[{\"type\":\"picture\"}]}]",
                 3);

  /* an object that is no ninjs item fails both */
  g_assert_false (skim ("{\"nothing\":{\"headline\":\"x\"}}", &s, &error));
  g_assert_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_NOT_NINJS);
}

static void
test_strings (void)
{
  BulletinNinjsSkim s;
  g_autoptr(GError) error = NULL;

  /* \u escapes, surrogate pairs, a BOM, and long skipped bodies with escapes */
  g_assert_true (skim ("\xef\xbb\xbf {\"body_text\":\"很长\\n\\\"的\\\\正文\\u4e00\","
                       "\"headline\":\"\\u6807\\u9898 \\ud83d\\ude00\"}\n", &s, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s.headline, ==, "标题 😀");
  bulletin_ninjs_skim_clear (&s);

  /* numbers, literals, nested unknown values */
  g_assert_true (skim ("{\"a\":[1,-2.5e3,true,false,null,{\"b\":[[],{}]}],\"headline\":\"好\"}",
                       &s, &error));
  g_assert_cmpstr (s.headline, ==, "好");
  bulletin_ninjs_skim_clear (&s);
}

static void
expect_error (const char *json,
              int         code,
              const char *fragment)
{
  BulletinNinjsSkim s;
  g_autoptr(GError) error = NULL;

  g_assert_false (bulletin_ninjs_skim (json, strlen (json), "broken.json", &s, &error));
  g_assert_error (error, BULLETIN_NINJS_ERROR, code);
  g_assert_nonnull (strstr (error->message, "broken.json"));
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
  g_assert_null (s.headline);
}

static void
test_errors (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);

  expect_error ("", BULLETIN_NINJS_ERROR_SYNTAX, "empty");
  expect_error ("{\"headline\":\"a\",\n\n\"x\": }", BULLETIN_NINJS_ERROR_SYNTAX, "line 3");
  expect_error ("{\"headline\":\"unterminated", BULLETIN_NINJS_ERROR_SYNTAX, "unterminated");
  expect_error ("{\"a\":[1,2}", BULLETIN_NINJS_ERROR_SYNTAX, "line 1");
  expect_error ("{\"a\":1} {", BULLETIN_NINJS_ERROR_SYNTAX, "after");
  expect_error ("{\"a\":\"\\q\"}", BULLETIN_NINJS_ERROR_SYNTAX, "escape");
  expect_error ("{\"a\":tru}", BULLETIN_NINJS_ERROR_SYNTAX, NULL);
  expect_error ("{\"a\":\"x\ny\"}", BULLETIN_NINJS_ERROR_SYNTAX, "control");
  expect_error ("42", BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);
  expect_error ("[1, 2]", BULLETIN_NINJS_ERROR_NOT_NINJS, NULL);

  /* very deep nesting is refused, not a stack overflow */
  g_string_append (deep, "{\"a\":");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  expect_error (deep->str, BULLETIN_NINJS_ERROR_SYNTAX, "deep");
}

/* The .json files under @dir: those under should_pass must skim; every
 * one must pass or fail as the reader does, with its count and date. */
static void
skim_folder (const char *dir,
             gboolean    must_pass,
             guint      *n_files,
             guint      *n_compared)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          skim_folder (path, must_pass || strcmp (name, "should_pass") == 0, n_files,
                       n_compared);
          continue;
        }
      if (g_str_has_suffix (name, ".json"))
        {
          g_autofree char *data = NULL;
          gsize len;
          BulletinNinjsSkim s;
          g_autoptr(GError) error = NULL;
          g_autoptr(GError) parse_error = NULL;
          g_autoptr(BulletinParsedIssue) parsed = NULL;
          gboolean ok;

          data = bulletin_test_read_file (path, &len);
          ok = bulletin_ninjs_skim (data, len, name, &s, &error);
          if (must_pass && !ok)
            g_error ("%s: %s", path, error->message);

          parsed = bulletin_ninjs_parse (data, len, name, &parse_error);
          /* the scan lists what the reader will load, and fails where it does */
          if (ok != (parsed != NULL))
            g_error ("%s: the skim %s, the reader %s", path,
                     ok ? "passes" : error->message,
                     parsed != NULL ? "passes" : parse_error->message);
          if (ok)
            {
              if (parsed->articles->len != s.n_articles)
                g_error ("%s: the skim counts %u articles, the reader %u", path, s.n_articles,
                         parsed->articles->len);
              if (parsed->date != NULL && g_strcmp0 (parsed->date, s.date) != 0)
                g_error ("%s: the skim dates it %s, the reader %s", path, s.date, parsed->date);
              bulletin_ninjs_skim_clear (&s);
              (*n_compared)++;
            }
          (*n_files)++;
        }
    }
}

/* Every IPTC suite and example file: the skim passes and fails where the
 * reader does, and counts and dates what it loads. */
static void
test_iptc_suite (void)
{
  g_autofree char *suite = bulletin_test_shared_path ("ninjs/test_suite");
  g_autofree char *examples = NULL;
  guint n = 0, n_compared = 0;

  if (suite == NULL)
    return;
  skim_folder (suite, FALSE, &n, &n_compared);
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpuint (n_compared, >, 10);

  examples = bulletin_test_shared_path ("ninjs/examples");
  if (examples == NULL)
    return;
  n = n_compared = 0;
  skim_folder (examples, FALSE, &n, &n_compared);
  g_assert_cmpuint (n_compared, >, 10);
}

/* the one list of item keys, shared by the reader and the skim */
static void
test_item_keys (void)
{
  const char *items[] = { "uri", "URI", "headline", "headlines", "bodies", "body_text",
                          "Body_HTML", "headline_main", "description_text", "versioncreated",
                          "versionCreated", "$standard", "dateline", "trustIndicators" };
  const char *others[] = { "", "name", "href", "body", "descriptions_", "headlin",
                           "rel", "width", "contentType" };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    g_assert_true (bulletin_ninjs_key_is_item (items[i]));
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_assert_false (bulletin_ninjs_key_is_item (others[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bulletin/ninjs-skim/versions", test_versions);
  g_test_add_func ("/bulletin/ninjs-skim/associations", test_associations);
  g_test_add_func ("/bulletin/ninjs-skim/strings", test_strings);
  g_test_add_func ("/bulletin/ninjs-skim/errors", test_errors);
  g_test_add_func ("/bulletin/ninjs-skim/iptc-suite", test_iptc_suite);
  g_test_add_func ("/bulletin/ninjs-skim/item-keys", test_item_keys);

  return g_test_run ();
}
