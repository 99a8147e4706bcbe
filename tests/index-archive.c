/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds or updates the search index of an archive, as the window does in
 * the background: index-archive DB-PATH ARCHIVE (a path or a URI, e.g.
 * sftp://).  Prints the progress as "done/total" lines on stdout, and any
 * error on stderr (exit status 1).  build-aux/sftp-test.sh uses it to make
 * the index that `bulletin-reader --search` then keeps up to date. */
#include "config.h"

#include <stdio.h>

#include "bulletin-search-index.h"

static void
progress (guint    done,
          guint    total,
          gpointer data)
{
  printf ("%u/%u\n", done, total);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) root = NULL;
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 3)
    {
      g_printerr ("Usage: index-archive DB-PATH ARCHIVE\n");
      return 2;
    }
  root = g_file_new_for_commandline_arg (argv[2]);
  index = bulletin_search_index_new (root, argv[1]);
  if (!bulletin_search_index_update (index, NULL, progress, NULL, &error))
    {
      g_printerr ("index-archive: %s\n", error->message);
      return 1;
    }
  return 0;
}
