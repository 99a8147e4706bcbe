/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A process of test-index-safety: updates, queries or scans one archive,
 * so that the test can run several at once.
 *
 *   index-worker update ROOT DB     (DB "default": the app's own)
 *   index-worker query ROOT DB QUERY...
 *   index-worker scan ROOT QUERY...
 *   index-worker list ROOT       (the archive's listing: test-shared-index)
 *
 * Results are printed one a line, "QUERY<tab>ISSUE<tab>ARTICLE<tab>HITS
 * <tab>OFFSETS", then "unreadable<tab>N" and "scanned<tab>0|1" per query;
 * errors go to stderr, and the exit status is 1 after one. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-archive.h"
#include "bulletin-issue.h"
#include "bulletin-search-index.h"

static void
print_results (const char            *query,
               BulletinSearchResults *results)
{
  for (guint i = 0; i < results->results->len; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (results->results, i);
      g_autoptr(GString) offsets = g_string_new (NULL);

      for (guint h = 0; r->hits != NULL && h < r->hits->len; h++)
        {
          BulletinRange *range = &g_array_index (r->hits, BulletinRange, h);

          g_string_append_printf (offsets, "%s%u-%u", h > 0 ? "," : "", range->start, range->end);
        }
      printf ("%s\t%s\t%u\t%u\t%s\n", query, r->issue_path, r->article_index, r->n_hits, offsets->str);
    }
  printf ("unreadable\t%s\t%u\n", query, results->unreadable != NULL ? results->unreadable->len : 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) root = NULL;

  setlocale (LC_ALL, "");
  if (argc < 3)
    {
      fprintf (stderr, "usage: index-worker update|query|scan|list ROOT [DB] [QUERY...]\n");
      return 2;
    }
  root = g_file_new_for_path (argv[2]);

  if (strcmp (argv[1], "update") == 0 && argc == 4)
    {
      /* "default": where the app keeps it (under XDG_CACHE_HOME) */
      g_autoptr(BulletinSearchIndex) index =
        bulletin_search_index_new (root, strcmp (argv[3], "default") == 0 ? NULL : argv[3]);

      if (!bulletin_search_index_update (index, NULL, NULL, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (strcmp (argv[1], "query") == 0 && argc >= 5)
    {
      g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (root, argv[3]);

      for (int i = 4; i < argc; i++)
        {
          g_autoptr(BulletinSearchResults) results = bulletin_search_index_query (index, argv[i], 0, NULL, &error);

          if (results == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          print_results (argv[i], results);
        }
      return 0;
    }
  if (strcmp (argv[1], "scan") == 0 && argc >= 4)
    {
      for (int i = 3; i < argc; i++)
        {
          g_autoptr(BulletinSearchResults) results = bulletin_search_scan_archive (root, argv[i], NULL, &error);

          if (results == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          print_results (argv[i], results);
        }
      return 0;
    }
  if (strcmp (argv[1], "list") == 0 && argc == 3)
    {
      /* the sidebar's listing: "NAME<tab>TITLE<tab>ARTICLES" per issue,
       * then "read<tab>N": the issue files read (not from a cache) */
      g_autoptr(BulletinArchive) archive = bulletin_archive_new (root);
      guint n_read = 0;

      if (!bulletin_archive_scan (archive, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (archive)); i++)
        {
          g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);
          g_autofree char *name = g_file_get_basename (bulletin_issue_get_file (issue));

          printf ("%s\t%s\t%u\n", name, bulletin_issue_get_title (issue),
                  bulletin_issue_get_n_articles (issue));
        }
      bulletin_archive_get_scan_stats (archive, NULL, &n_read);
      printf ("read\t%u\n", n_read);
      return 0;
    }
  fprintf (stderr, "index-worker: bad arguments\n");
  return 2;
}
