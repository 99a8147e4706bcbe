/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-cli-export.h"
#include "bulletin-archive.h"
#include "bulletin-issue.h"
#include "bulletin-ninjs-writer.h"

/* The issue as the writer wants it: the archive's own ids (shared uris
 * told apart) and metadata. */
static BulletinParsedIssue *
snapshot_issue (BulletinIssue *issue)
{
  BulletinParsedIssue *parsed = bulletin_parsed_issue_new ();
  GListModel *articles = bulletin_issue_get_articles (issue);
  const char *title = bulletin_issue_get_title (issue);
  guint n = g_list_model_get_n_items (articles);

  /* get_title () falls back on the file name, which is no title */
  if (title != bulletin_issue_get_display_name (issue))
    parsed->title = g_strdup (title);
  parsed->date = g_strdup (bulletin_issue_get_date (issue));
  parsed->number = g_strdup (bulletin_issue_get_number (issue));
  parsed->edition = g_strdup (bulletin_issue_get_edition (issue));
  parsed->uri = g_strdup (bulletin_issue_get_id (issue));

  for (guint i = 0; i < n; i++)
    {
      BulletinArticle *article = g_list_model_get_item (articles, i);

      if (parsed->language == NULL && bulletin_article_get_language (article) != NULL)
        parsed->language = g_strdup (bulletin_article_get_language (article));
      g_ptr_array_add (parsed->articles, article);
    }
  return parsed;
}

/* Every issue of the archive at @location (a folder, or one issue file),
 * in the archive's order, into @composites. */
static gboolean
export_archive (const char *arg,
                JsonArray  *composites)
{
  g_autoptr(GFile) location = g_file_new_for_commandline_arg (arg);
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (location);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  guint n;

  if (!bulletin_archive_scan (archive, NULL, &error))
    {
      bulletin_cli_print_error (location, error->message);
      return FALSE;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (archive));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);
      g_autoptr(GError) load_error = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;
      GPtrArray *warnings;

      if (!bulletin_issue_load (issue, NULL, &load_error))
        {
          /* the others are still written; the exit status tells */
          bulletin_cli_print_error (bulletin_issue_get_file (issue), load_error->message);
          ok = FALSE;
          continue;
        }

      warnings = bulletin_issue_get_warnings (issue);
      for (guint j = 0; j < warnings->len; j++)
        /* Translators: %s is what the reader noticed */
        g_printerr (_("warning: %s\n"), (const char *)g_ptr_array_index (warnings, j));

      parsed = snapshot_issue (issue);
      json_array_add_element (composites, bulletin_ninjs_write_issue (parsed));
    }
  return ok;
}

/**
 * bulletin_cli_export_ninjs:
 *
 * Writes the issues read from each path (an archive folder: every entry
 * an issue, in the archive's order, newest first; or one issue file) to
 * standard output as ninjs 3.1: one composite object when exactly one
 * issue was read, else a JSON array of composites.  The articles carry
 * the ids the archive gives them (a uri that two items share is told
 * apart), so that the app, the export and a new reading agree.
 * Unreadable input is reported on standard error, one line naming the
 * file, and makes the exit status 2; the issues that could be read
 * are still written.
 *
 * Returns: the exit status
 */
BulletinCliStatus
bulletin_cli_export_ninjs (const BulletinCliArgs *args)
{
  g_autoptr(JsonArray) composites = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;
  gboolean ok = TRUE;
  gsize len = 0;

  for (guint i = 0; args->paths[i] != NULL; i++)
    if (!export_archive (args->paths[i], composites))
      ok = FALSE;

  if (json_array_get_length (composites) == 1)
    root = json_node_copy (json_array_get_element (composites, 0));
  else
    {
      root = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (root, composites);
    }

  if (json_array_get_length (composites) > 0 || ok)
    {
      data = bulletin_ninjs_to_data (root, &len);
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          g_printerr ("%s\n", _("Cannot write to standard output"));
          return BULLETIN_CLI_ERROR;
        }
    }

  return ok ? BULLETIN_CLI_OK : BULLETIN_CLI_ERROR;
}
