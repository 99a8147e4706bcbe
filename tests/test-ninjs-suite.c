/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "bulletin-html-body.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-test-utils.h"

/* Every file of IPTC's ninjs test suite and examples (../shared/ninjs). */

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The .json files under @dir (recursively when @recurse), sorted. */
static void
list_json (const char *dir,
           gboolean    recurse,
           GPtrArray  *out)
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
          if (recurse)
            list_json (path, TRUE, out);
        }
      else if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

/* test_suite/<version>/<which>/ for every version */
static GPtrArray *
suite_files (const char *suite,
             const char *which)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (suite, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *sub = g_build_filename (suite, name, which, NULL);
      list_json (sub, FALSE, files);
    }
  g_ptr_array_sort (files, compare_paths);
  return files;
}

/* Letters and digits of @text up to its first entity or tag, as
 * bulletin_normalize_for_identity folds them: what the article must show. */
static char *
expected_fragment (const char *value,
                   gboolean    markup,
                   guint       max_chars)
{
  g_autofree char *text = NULL;

  if (markup)
    text = bulletin_html_body_dup_text (value, -1);
  else
    text = g_strdup (value);
  return bulletin_normalize_for_identity (text, max_chars);
}

static void
collect_strings (JsonObject *item,
                 const char *array_name,
                 const char *prefix,
                 GPtrArray  *values,
                 GArray     *markup)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init (&iter, item);
  while (json_object_iter_next (&iter, &key, &node))
    {
      gboolean is_markup = FALSE;

      if (g_ascii_strcasecmp (key, array_name) == 0 && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              JsonObject *object;
              JsonNode *value;

              if (!JSON_NODE_HOLDS_OBJECT (element))
                continue;
              object = json_node_get_object (element);
              value = json_object_get_member (object, "value");
              if (value == NULL || json_node_get_value_type (value) != G_TYPE_STRING)
                continue;
              is_markup = (json_object_has_member (object, "contentType") &&
                           strstr (json_object_get_string_member (object, "contentType"), "ml")) ||
                          (json_object_has_member (object, "contenttype") &&
                           strstr (json_object_get_string_member (object, "contenttype"), "ml"));
              g_ptr_array_add (values, (gpointer)json_node_get_string (value));
              g_array_append_val (markup, is_markup);
            }
        }
      else if (g_ascii_strncasecmp (key, prefix, strlen (prefix)) == 0 &&
               JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          is_markup = strstr (key, "html") != NULL || strstr (key, "rich") != NULL;
          g_ptr_array_add (values, (gpointer)json_node_get_string (node));
          g_array_append_val (markup, is_markup);
        }
    }
}

static char *
folded_source (BulletinParsedIssue *parsed)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < parsed->articles->len; i++)
    {
      g_autofree char *folded =
        bulletin_normalize_for_identity (bulletin_article_get_source (g_ptr_array_index (parsed->articles, i)), 0);
      g_string_append (s, folded);
      g_string_append_c (s, '|');
    }
  return g_string_free (s, FALSE);
}

/* The item's headlines and bodies (for composites: those of the embedded
 * text items too) show up in the articles' text. */
static void
check_shows_content (const char          *path,
                     const char          *data,
                     gsize                len,
                     BulletinParsedIssue *parsed)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autofree char *shown = folded_source (parsed);
  JsonNode *root;

  g_assert_true (json_parser_load_from_data (parser, data, len, NULL));
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    g_ptr_array_add (items, json_node_get_object (root));

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);
      g_autoptr(GPtrArray) headlines = g_ptr_array_new ();
      g_autoptr(GArray) headline_markup = g_array_new (FALSE, FALSE, sizeof (gboolean));
      g_autoptr(GPtrArray) bodies = g_ptr_array_new ();
      g_autoptr(GArray) body_markup = g_array_new (FALSE, FALSE, sizeof (gboolean));
      gboolean headline_shown = headlines->len == 0;

      collect_strings (item, "headlines", "headline", headlines, headline_markup);
      collect_strings (item, "bodies", "body_", bodies, body_markup);

      /* one of the headlines (the others are alternatives: short, SEO...) */
      headline_shown = headlines->len == 0;
      for (guint j = 0; j < headlines->len; j++)
        {
          g_autofree char *fragment =
            expected_fragment (g_ptr_array_index (headlines, j),
                               g_array_index (headline_markup, gboolean, j), 40);

          if (strstr (shown, fragment) != NULL)
            headline_shown = TRUE;
        }
      if (!headline_shown)
        g_error ("%s: no headline is shown", path);

      /* every body's text (alternative forms of one text fold alike) */
      for (guint j = 0; j < bodies->len; j++)
        {
          g_autofree char *fragment =
            expected_fragment (g_ptr_array_index (bodies, j), g_array_index (body_markup, gboolean, j), 40);

          if (strstr (shown, fragment) == NULL)
            g_error ("%s: “%s” is not shown", path, (const char *)g_ptr_array_index (bodies, j));
        }
    }

  /* every article with a headline in the file has it as its headline */
  if (JSON_NODE_HOLDS_OBJECT (root) && parsed->articles->len == 1)
    {
      JsonObject *item = json_node_get_object (root);
      BulletinArticle *article = g_ptr_array_index (parsed->articles, 0);

      if (json_object_has_member (item, "headline") || json_object_has_member (item, "headline_main"))
        g_assert_nonnull (bulletin_article_get_headline (article));
      if (json_object_has_member (item, "headlines"))
        g_assert_nonnull (bulletin_article_get_headline (article));
    }
}

static void
load_all (GPtrArray *files,
          gboolean   no_warnings,
          guint     *n_loaded)
{
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;
      gsize len;

      data = bulletin_test_read_file (path, &len);
      parsed = bulletin_ninjs_parse (data, len, name, &error);
      if (error != NULL)
        g_error ("%s: %s", path, error->message);
      g_assert_nonnull (parsed);
      g_assert_cmpuint (parsed->articles->len, >=, 1);
      if (no_warnings && parsed->warnings->len > 0)
        g_error ("%s: %s", path, (const char *)g_ptr_array_index (parsed->warnings, 0));

      check_shows_content (path, data, len, parsed);
      (*n_loaded)++;
    }
}

static void
test_should_pass (void)
{
  g_autofree char *suite = bulletin_test_shared_path ("ninjs/test_suite");
  g_autoptr(GPtrArray) files = NULL;
  guint n = 0;

  if (suite == NULL)
    return;
  files = suite_files (suite, "should_pass");
  g_assert_cmpuint (files->len, >, 100);
  load_all (files, TRUE, &n);
  g_test_message ("%u should_pass files load without warnings", n);
}

static void
test_examples (void)
{
  g_autofree char *examples = bulletin_test_shared_path ("ninjs/examples");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  if (examples == NULL)
    return;
  list_json (examples, TRUE, files);
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >, 10);
  load_all (files, FALSE, &n);
  g_test_message ("%u example files load", n);
}

static void
test_should_fail (void)
{
  g_autofree char *suite = bulletin_test_shared_path ("ninjs/test_suite");
  g_autoptr(GPtrArray) files = NULL;
  guint n_refused = 0, n_opened = 0;

  if (suite == NULL)
    return;
  files = suite_files (suite, "should_fail");
  /* the loose files beside the version folders too */
  {
    g_autoptr(GDir) d = g_dir_open (suite, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *sub = g_build_filename (suite, name, NULL);
        if (g_file_test (sub, G_FILE_TEST_IS_DIR))
          list_json (sub, FALSE, files);
      }
  }
  g_assert_cmpuint (files->len, >, 50);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) json_error = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len;

      data = bulletin_test_read_file (path, &len);
      parsed = bulletin_ninjs_parse (data, len, name, &error);

      if (!json_parser_load_from_data (parser, data, len, &json_error))
        {
          /* not JSON: refused, naming the file, the line and the problem */
          g_assert_null (parsed);
          g_assert_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX);
        }

      if (parsed == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (g_str_has_prefix (error->message, name));
          if (g_error_matches (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_SYNTAX))
            g_assert_nonnull (strstr (error->message, ": line "));
          g_test_message ("refused: %s", error->message);
          n_refused++;
        }
      else
        {
          g_assert_cmpuint (parsed->articles->len, >=, 1);
          n_opened++;
        }
    }
  g_test_message ("should_fail and loose files: %u opened leniently, %u refused",
                  n_opened, n_refused);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bulletin/ninjs-suite/should-pass", test_should_pass);
  g_test_add_func ("/bulletin/ninjs-suite/examples", test_examples);
  g_test_add_func ("/bulletin/ninjs-suite/should-fail", test_should_fail);

  return g_test_run ();
}
