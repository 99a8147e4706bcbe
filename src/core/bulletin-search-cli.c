/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "bulletin-search-cli.h"
#include "bulletin-search-index.h"

static void
print_result (const BulletinSearchResult *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "issue");
  json_builder_add_string_value (builder, r->issue_path);
  json_builder_set_member_name (builder, "issue_id");
  json_builder_add_string_value (builder, r->issue_id);
  json_builder_set_member_name (builder, "issue_title");
  json_builder_add_string_value (builder, r->issue_title);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, r->issue_date);
  json_builder_set_member_name (builder, "article");
  json_builder_add_string_value (builder, r->article_id);
  json_builder_set_member_name (builder, "article_index");
  json_builder_add_int_value (builder, r->article_index);
  json_builder_set_member_name (builder, "headline");
  json_builder_add_string_value (builder, r->headline);
  json_builder_set_member_name (builder, "hits");
  json_builder_add_int_value (builder, r->n_hits);
  json_builder_set_member_name (builder, "offsets");
  json_builder_begin_array (builder);
  for (guint i = 0; r->hits != NULL && i < r->hits->len; i++)
    {
      const BulletinRange *range = &g_array_index (r->hits, BulletinRange, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, range->start);
      json_builder_add_int_value (builder, range->end);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "snippet");
  json_builder_add_string_value (builder, r->snippet);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  printf ("%s\n", line);
}

int
bulletin_search_cli_run (const char * const *args)
{
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) root = NULL;

  if (args[0] == NULL || args[1] == NULL || args[2] != NULL)
    {
      g_printerr ("%s\n", _("Usage: bulletin-reader --search QUERY PATH"));
      return 2;
    }

  /* a folder, or a single issue file: an archive of one issue */
  root = g_file_new_for_commandline_arg (args[1]);

  /* With an index, bring it up to date (cheap when nothing changed) and
   * use it; without one, scan the files and leave no index behind. */
  index = bulletin_search_index_new (root, g_getenv ("BULLETIN_SEARCH_INDEX"));
  if (bulletin_search_index_exists (index))
    {
      if (!bulletin_search_index_update (index, NULL, NULL, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          g_clear_error (&error);
        }
      results = bulletin_search_index_query (index, args[0], 0, NULL, &error);
    }
  else
    results = bulletin_search_scan_archive (root, args[0], NULL, &error);

  if (results == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < results->results->len; i++)
    print_result (g_ptr_array_index (results->results, i));
  return 0;
}
