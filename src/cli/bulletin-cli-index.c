/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "bulletin-archive.h"
#include "bulletin-cli-index.h"
#include "bulletin-search-index.h"

typedef struct {
  gboolean  tty;
  gint64    started;
  gint64    last_line;   /* when the last line was printed (not a tty) */
  guint     last_done;
} Progress;

/* On a terminal one line, rewritten; in a log a line every ten seconds */
static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *p = user_data;
  gint64 now = g_get_monotonic_time ();

  if (total == 0)
    return;
  if (p->tty)
    {
      g_printerr ("\r\033[K");
      /* Translators: progress of --index: issues indexed of all to index */
      g_printerr (_("Indexing: %u of %u issues (%u %%)"), done, total, done * 100 / total);
      p->last_done = done;
      return;
    }
  if (done == total || now - p->last_line >= 10 * G_USEC_PER_SEC || p->last_line == 0)
    {
      /* Translators: progress of --index: issues indexed of all to index */
      g_printerr (_("Indexing: %u of %u issues (%u %%)"), done, total, done * 100 / total);
      g_printerr ("\n");
      p->last_line = now;
    }
  p->last_done = done;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64)st.st_size : 0;
}

BulletinCliStatus
bulletin_cli_index (const BulletinCliArgs *args)
{
  g_autoptr(GFile) root = g_file_new_for_commandline_arg (args->paths[0]);
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *size = NULL;
  Progress p = { isatty (STDERR_FILENO), g_get_monotonic_time (), 0, 0 };
  guint n_indexed = 0, n_unreadable = 0;
  gboolean ok;

  if (g_file_query_file_type (root, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY ||
      (db_path = bulletin_search_index_shared_path (root)) == NULL)
    {
      /* Translators: %s is a path */
      g_printerr (_("%s: not an archive folder on this computer\n"), args->paths[0]);
      return BULLETIN_CLI_ERROR;
    }

  /* the listing cache first: the sidebar's first opening */
  if (!bulletin_archive_update_shared_cache (root, &error))
    {
      bulletin_cli_print_error (root, error->message);
      g_clear_error (&error);
    }

  index = bulletin_search_index_new (root, db_path);
  ok = bulletin_search_index_update (index, NULL, progress_cb, &p, &error);
  if (p.tty && p.last_done > 0)
    g_printerr ("\n");
  if (!ok)
    {
      bulletin_cli_print_error (root, error->message);
      return BULLETIN_CLI_ERROR;
    }
  if (!bulletin_search_index_count_issues (index, &n_indexed, &n_unreadable, &error))
    {
      bulletin_cli_print_error (root, error->message);
      return BULLETIN_CLI_ERROR;
    }

  size = g_format_size (file_size (db_path));
  /* Translators: the summary of --index: issues, unreadable issues, seconds, a size, a path */
  g_printerr (_("%u issues indexed, %u unreadable, in %.1f s; the index is %s: %s\n"),
              n_indexed, n_unreadable, (g_get_monotonic_time () - p.started) / 1e6, size, db_path);
  if (n_unreadable > 0)
    {
      g_autoptr(GPtrArray) lines = bulletin_search_index_dup_unreadable (index, NULL);
      g_autofree char *folder = g_file_get_parse_name (root);

      for (guint i = 0; lines != NULL && i < lines->len; i++)
        {
          g_autofree char *line = g_build_filename (folder, g_ptr_array_index (lines, i), NULL);

          g_printerr ("%s\n", line);
        }
      return BULLETIN_CLI_ERROR;
    }
  return BULLETIN_CLI_OK;
}
