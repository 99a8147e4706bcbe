/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

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

static void
test_associations (void)
{
  BulletinNinjsSkim s;
  g_autoptr(GError) error = NULL;

  /* 3.x composite: associations as an array; a picture is not an article */
  g_assert_true (skim ("{\"type\":\"composite\",\"headlines\":[{\"value\":\"第12期\"}],"
                       "\"associations\":["
                       "{\"name\":\"a\",\"type\":\"text\",\"bodies\":[{\"value\":\"一\"}]},"
                       "{\"name\":\"b\",\"type\":\"text\",\"bodies\":[{\"value\":\"二\"}],"
                       " \"associations\":[{\"type\":\"text\"}]},"
                       "{\"name\":\"c\",\"type\":\"picture\"}]}", &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.n_articles, ==, 2);
  bulletin_ninjs_skim_clear (&s);

  /* 1.x: associations as an object of items that embed text */
  g_assert_true (skim ("{\"type\":\"text\",\"associations\":{"
                       "\"one\":{\"body_text\":\"一\",\"versioncreated\":\"2018-03-04\"},"
                       "\"two\":{\"body_html\":\"<p>二</p>\"},\"pic\":{\"type\":\"picture\"}}}",
                       &s, &error));
  g_assert_cmpuint (s.n_articles, ==, 2);
  /* no date of its own: the first association's */
  g_assert_cmpstr (s.date, ==, "2018-03-04");
  bulletin_ninjs_skim_clear (&s);

  /* a composite of references only: it is the one article, as the reader
   * sees it; untyped associations with text are articles */
  g_assert_true (skim ("{\"type\":\"composite\",\"associations\":[{\"uri\":\"x\"},{\"uri\":\"y\"}]}",
                       &s, &error));
  g_assert_cmpuint (s.n_articles, ==, 1);
  bulletin_ninjs_skim_clear (&s);
  g_assert_true (skim ("{\"Type\":\"Composite\",\"Associations\":[{\"Headline\":\"x\"},"
                       "{\"type\":\"composite\",\"body_text\":\"y\"},{\"uri\":\"z\"}]}",
                       &s, &error));
  g_assert_cmpuint (s.n_articles, ==, 2);
  bulletin_ninjs_skim_clear (&s);

  /* an array of items */
  g_assert_true (skim ("[{\"headline\":\"一\"},{\"headline\":\"二\",\"versionCreated\":\"2017-05-06\"},"
                       "{\"headline\":\"三\"}]", &s, &error));
  g_assert_true (s.is_array);
  g_assert_cmpuint (s.n_articles, ==, 3);
  g_assert_cmpstr (s.date, ==, "2017-05-06");
  bulletin_ninjs_skim_clear (&s);
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

/* Every file of the IPTC suite and examples: no crash; those that must
 * pass skim without error. */
static void
skim_folder (const char *dir,
             gboolean    must_pass,
             guint      *n_files)
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
          skim_folder (path, must_pass || strcmp (name, "should_pass") == 0, n_files);
          continue;
        }
      if (g_str_has_suffix (name, ".json"))
        {
          g_autofree char *data = NULL;
          gsize len;
          BulletinNinjsSkim s;
          g_autoptr(GError) error = NULL;
          gboolean ok;

          data = bulletin_test_read_file (path, &len);
          ok = bulletin_ninjs_skim (data, len, name, &s, &error);
          if (must_pass)
            {
              if (!ok)
                g_error ("%s: %s", path, error->message);
              if (s.n_articles < 1 && g_strcmp0 (s.type, "composite") != 0)
                g_error ("%s: no article counted", path);
            }
          if (ok)
            {
              g_autoptr(GError) parse_error = NULL;
              g_autoptr(BulletinParsedIssue) parsed = bulletin_ninjs_parse (data, len, name,
                                                                             &parse_error);

              /* the scan shows what the reader will find */
              if (parsed != NULL && parsed->articles->len != s.n_articles)
                g_error ("%s: the skim counts %u articles, the reader %u", path, s.n_articles,
                         parsed->articles->len);
              if (parsed != NULL && parsed->date != NULL && g_strcmp0 (parsed->date, s.date) != 0)
                g_error ("%s: the skim dates it %s, the reader %s", path, s.date, parsed->date);
              bulletin_ninjs_skim_clear (&s);
            }
          (*n_files)++;
        }
    }
}

static void
test_iptc_suite (void)
{
  g_autofree char *suite = bulletin_test_shared_path ("ninjs/test_suite");
  g_autofree char *examples = NULL;
  guint n = 0;

  if (suite == NULL)
    return;
  skim_folder (suite, FALSE, &n);
  examples = bulletin_test_shared_path ("ninjs/examples");
  if (examples != NULL)
    skim_folder (examples, FALSE, &n);
  g_assert_cmpuint (n, >, 10);
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

  return g_test_run ();
}
