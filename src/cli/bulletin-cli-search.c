/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-cli-search.h"
#include "bulletin-issue.h"
#include "bulletin-search-index.h"

/* Every string of the JSON is valid UTF-8: file names need not be, and
 * json-glib writes what it is given */
static void
add_string (JsonBuilder *builder,
            const char  *text)
{
  g_autofree char *valid = text != NULL ? g_utf8_make_valid (text, -1) : NULL;

  json_builder_add_string_value (builder, valid);
}

/* @folder: the archive folder, which issue paths are relative to */
static void
print_result (GFile                      *folder,
              const BulletinSearchResult *r)
{
  g_autoptr(GFile) file = g_file_resolve_relative_path (folder, r->issue_path);
  g_autofree char *display = g_filename_display_name (r->issue_path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  /* the file's name for people (bytes that are not UTF-8 shown as U+FFFD),
   * and its URI, which names it exactly */
  json_builder_set_member_name (builder, "issue");
  add_string (builder, display);
  json_builder_set_member_name (builder, "issue_uri");
  add_string (builder, uri);
  json_builder_set_member_name (builder, "issue_id");
  add_string (builder, r->issue_id);
  json_builder_set_member_name (builder, "issue_title");
  add_string (builder, r->issue_title);
  json_builder_set_member_name (builder, "date");
  add_string (builder, r->issue_date);
  json_builder_set_member_name (builder, "article");
  add_string (builder, r->article_id);
  json_builder_set_member_name (builder, "article_index");
  json_builder_add_int_value (builder, r->article_index);
  json_builder_set_member_name (builder, "headline");
  add_string (builder, r->headline);
  json_builder_set_member_name (builder, "page");
  add_string (builder, r->page);
  json_builder_set_member_name (builder, "section");
  add_string (builder, r->section);
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
  add_string (builder, r->snippet);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  printf ("%s\n", line);
}

/* The exit status of a search that printed @results: as grep's.  Results
 * known to leave something out are an error, whatever was found. */
static BulletinCliStatus
search_status (const BulletinSearchResults *results,
               guint                        n_unreadable,
               gboolean                     index_stale)
{
  if (n_unreadable > 0 || index_stale)
    return BULLETIN_CLI_ERROR;
  /* results that say they are partial (an issue the index could not
   * read) go here, as BULLETIN_CLI_ERROR */
  return results->results->len > 0 ? BULLETIN_CLI_OK : BULLETIN_CLI_NOT_FOUND;
}

/* "PATH: REASON" lines, PATH as given on the command line: @root_arg,
 * the folder searched or the single file */
static guint
print_unreadable (const char *root_arg,
                  gboolean    single_file,
                  GPtrArray  *lines)
{
  g_autofree char *folder = single_file ? g_path_get_dirname (root_arg) : g_strdup (root_arg);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_autofree char *path = NULL;

      if (strcmp (folder, ".") != 0 || !single_file)
        line = path = g_build_filename (folder, line, NULL);
      g_printerr ("%s\n", line);
    }
  return lines != NULL ? lines->len : 0;
}

BulletinCliStatus
bulletin_cli_search (const BulletinCliArgs *args)
{
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) root = g_file_new_for_commandline_arg (args->paths[0]);
  g_autoptr(GFile) folder = NULL;
  const char *query = args->value;
  GFileType type;
  BulletinIssueKind kind;
  gboolean single_file, index_stale = FALSE;
  BulletinSearchFilter filter = {
    .date_from = args->date_from, .date_to = args->date_to,
    .page = args->page, .section = args->section, .order = args->order,
  };
  guint n_unreadable;

  type = g_file_query_file_type (root, G_FILE_QUERY_INFO_NONE, NULL);
  single_file = type != G_FILE_TYPE_DIRECTORY;
  if (single_file && !bulletin_issue_kind_for_file (root, type, &kind))
    {
      /* Translators: %s is a path */
      g_printerr (_("%s: neither an archive folder nor an issue file (ninjs, plain text)\n"),
                  args->paths[0]);
      return BULLETIN_CLI_ERROR;
    }

  /* With an index, bring it up to date (cheap when nothing changed) and
   * use it; without one, or for a single file (an archive of one issue),
   * scan the files and leave no index behind. */
  if (!single_file)
    index = bulletin_search_index_new (root, g_getenv ("BULLETIN_SEARCH_INDEX"));
  if (index != NULL && (bulletin_search_index_exists (index) || bulletin_search_index_uses_shared (index)))
    {
      if (!bulletin_search_index_update (index, NULL, NULL, NULL, &error))
        {
          /* the index answers as it is, which may leave issues out */
          bulletin_cli_print_error (root, error->message);
          g_clear_error (&error);
          index_stale = TRUE;
        }
      /* its results name the issues it could not read; when it cannot
       * answer (damaged, its building stopped on a full disk) they come
       * from the files, and are whole */
      results = bulletin_search_index_query_filtered (index, query, &filter, 0, 0, NULL, &error);
      if (results != NULL && results->scanned)
        index_stale = FALSE;
    }
  else
    {
      results = bulletin_search_scan_archive (root, query, NULL, &error);
      if (results != NULL)
        bulletin_search_results_apply_filter (results, &filter);
    }

  if (results == NULL)
    {
      bulletin_cli_print_error (root, error->message);
      return BULLETIN_CLI_ERROR;
    }

  folder = single_file ? g_file_get_parent (root) : g_object_ref (root);
  for (guint i = 0; i < results->results->len; i++)
    print_result (folder, g_ptr_array_index (results->results, i));
  n_unreadable = print_unreadable (args->paths[0], single_file, results->unreadable);
  return search_status (results, n_unreadable, index_stale);
}
