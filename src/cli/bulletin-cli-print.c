/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-archive.h"
#include "bulletin-cli-print.h"
#include "bulletin-export.h"

/* The article of PATH that ARTICLE names (its id, or its headline), or
 * the only one; NULL after one line on standard error. */
static BulletinArticle *
find_article (const BulletinCliArgs  *args,
              GFile                  *location,
              BulletinIssue         **issue_out)
{
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (location);
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinArticle) found = NULL;
  g_autoptr(BulletinIssue) found_issue = NULL;
  guint n_articles = 0, n;

  if (!bulletin_archive_scan (archive, NULL, &error))
    {
      bulletin_cli_print_error (location, error->message);
      return NULL;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (archive));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);
      g_autoptr(GError) load_error = NULL;
      GListModel *articles;

      if (!bulletin_issue_load (issue, NULL, &load_error))
        {
          bulletin_cli_print_error (bulletin_issue_get_file (issue), load_error->message);
          continue;
        }
      articles = bulletin_issue_get_articles (issue);
      for (guint j = 0; j < g_list_model_get_n_items (articles); j++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, j);

          n_articles++;
          if (args->article != NULL &&
              g_strcmp0 (bulletin_article_get_id (article), args->article) != 0 &&
              g_strcmp0 (bulletin_article_get_headline (article), args->article) != 0)
            continue;
          if (found == NULL)
            {
              found = g_object_ref (article);
              found_issue = g_object_ref (issue);
            }
        }
    }

  if (args->article == NULL && n_articles > 1)
    {
      g_autofree char *message = g_strdup_printf (
        /* Translators: %u is a number of articles */
        ngettext ("%u article: choose one with --article (its id or headline, as --display-text prints them)",
                  "%u articles: choose one with --article (its id or headline, as --display-text prints them)",
                  n_articles), n_articles);

      bulletin_cli_print_error (location, message);
      return NULL;
    }
  if (found == NULL)
    {
      g_autofree char *message = args->article != NULL
        /* Translators: %s is what was given to --article */
        ? g_strdup_printf (_("no article “%s”"), args->article)
        : g_strdup (_("no article"));

      bulletin_cli_print_error (location, message);
      return NULL;
    }
  *issue_out = g_steal_pointer (&found_issue);
  return g_steal_pointer (&found);
}

static BulletinCliStatus
export (const BulletinCliArgs *args,
        gboolean               image)
{
  g_autoptr(GFile) location = g_file_new_for_commandline_arg (args->paths[0]);
  g_autoptr(GFile) output = g_file_new_for_commandline_arg (args->value);
  g_autoptr(BulletinIssue) issue = NULL;
  g_autoptr(BulletinArticle) article = NULL;
  g_autoptr(BulletinDisplayText) display = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *archive_name = g_file_get_basename (location);
  g_autofree char *path = g_file_get_path (output);
  BulletinPaper paper = BULLETIN_PAPER_A4;
  BulletinPrintOptions options;
  gboolean ok;

  if (args->paper != NULL && !bulletin_paper_from_name (args->paper, &paper))
    {
      /* Translators: %s is what was given to --paper; keep the sizes as they are */
      g_autofree char *message = g_strdup_printf (_("unknown paper size “%s” (a4, a5, b5, letter)"), args->paper);

      g_printerr (_("%s: %s (see --help)\n"), g_get_prgname (), message);
      return BULLETIN_CLI_ERROR;
    }
  if (path == NULL)
    {
      bulletin_cli_print_error (output, _("not a local file"));
      return BULLETIN_CLI_ERROR;
    }

  article = find_article (args, location, &issue);
  if (article == NULL)
    return BULLETIN_CLI_ERROR;

  display = bulletin_display_text_new (article, args->narrow_punctuation ? BULLETIN_DISPLAY_NONE
                                                                        : BULLETIN_DISPLAY_DEFAULT);
  bulletin_print_options_init (&options);
  options.paper_name = bulletin_issue_get_title (issue);
  options.issue_date = bulletin_issue_get_date (issue);
  options.issue_number = bulletin_issue_get_number (issue);
  options.archive_name = archive_name;

  if (image)
    ok = bulletin_export_png (display, &options, 1080, 2, path, &error);
  else
    ok = bulletin_export_pdf (display, &options, paper, path, &error);
  if (!ok)
    {
      bulletin_cli_print_error (output, error->message);
      return BULLETIN_CLI_ERROR;
    }
  return BULLETIN_CLI_OK;
}

BulletinCliStatus
bulletin_cli_export_pdf (const BulletinCliArgs *args)
{
  return export (args, FALSE);
}

BulletinCliStatus
bulletin_cli_export_image (const BulletinCliArgs *args)
{
  if (args->paper != NULL)
    {
      g_printerr (_("%s: %s (see --help)\n"), g_get_prgname (), _("--paper goes with --export-pdf"));
      return BULLETIN_CLI_ERROR;
    }
  return export (args, TRUE);
}
