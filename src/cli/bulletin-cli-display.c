/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bulletin-archive.h"
#include "bulletin-cli-display.h"
#include "bulletin-display-text.h"

static void
print_article (BulletinIssue   *issue,
               BulletinArticle *article,
               gboolean         narrow)
{
  g_autoptr(BulletinDisplayText) display =
    bulletin_display_text_new (article, narrow ? BULLETIN_DISPLAY_NONE : BULLETIN_DISPLAY_DEFAULT);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  /* as the reader shows it: a run-in dateline and its paragraph on one line */
  g_autofree char *shown = bulletin_display_text_dup_shown_text (display, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "issue");
  json_builder_add_string_value (builder, bulletin_issue_get_title (issue));
  json_builder_set_member_name (builder, "date");
  if (bulletin_issue_get_date (issue) != NULL)
    json_builder_add_string_value (builder, bulletin_issue_get_date (issue));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "article");
  json_builder_add_string_value (builder, bulletin_article_get_id (article));
  json_builder_set_member_name (builder, "headline");
  json_builder_add_string_value (builder, bulletin_article_get_headline (article));
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, shown);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  g_print ("%s\n", json);
}

BulletinCliStatus
bulletin_cli_display_text (const BulletinCliArgs *args)
{
  g_autoptr(GFile) location = g_file_new_for_commandline_arg (args->paths[0]);
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (location);
  g_autoptr(GError) error = NULL;
  BulletinCliStatus status = BULLETIN_CLI_OK;
  guint n;

  if (!bulletin_archive_scan (archive, NULL, &error))
    {
      bulletin_cli_print_error (location, error->message);
      return BULLETIN_CLI_ERROR;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (archive));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);
      g_autoptr(GError) load_error = NULL;
      GListModel *articles;

      if (!bulletin_issue_load (issue, NULL, &load_error))
        {
          /* the others are still printed; the exit status tells */
          bulletin_cli_print_error (bulletin_issue_get_file (issue), load_error->message);
          status = BULLETIN_CLI_ERROR;
          continue;
        }

      articles = bulletin_issue_get_articles (issue);
      for (guint j = 0; j < g_list_model_get_n_items (articles); j++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, j);
          print_article (issue, article, args->narrow_punctuation);
        }
    }

  return status;
}
