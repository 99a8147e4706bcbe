/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bench-common.h"

int
bench_compare_double (gconstpointer a,
                      gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

void
bench_remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (enumerator != NULL)
    while ((info = g_file_enumerator_next_file (enumerator, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_enumerator_get_child (enumerator, info);
        bench_remove_tree (child);
        g_object_unref (info);
      }
  g_file_delete (file, NULL, NULL);
}
