/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bulletin-archive-links.h"
#include "bulletin-formats.h"
#include "bulletin-search-index-private.h"

/* issue files */

static void
issue_file_free (IssueFile *f)
{
  g_object_unref (f->file);
  g_free (f->path);
  g_free (f);
}

static int
compare_issue_files_desc (gconstpointer a,
                          gconstpointer b)
{
  const IssueFile *fa = *(IssueFile **)a, *fb = *(IssueFile **)b;

  return -strcmp (fa->path, fb->path);
}

static void
folder_stamp (GFile        *folder,
              GCancellable *cancellable,
              gint64       *size,
              gint64       *mtime)
{
  g_autoptr(GFileEnumerator) children = NULL;

  *size = 0;
  *mtime = 0;
  children = g_file_enumerate_children (folder,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                        G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (children == NULL)
    return;
  for (;;)
    {
      GFileInfo *info = NULL;
      gint64 t;

      if (!g_file_enumerator_iterate (children, &info, NULL, cancellable, NULL) || info == NULL)
        break;
      *size += g_file_info_get_size (info);
      t = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
      *mtime = MAX (*mtime, t);
      (*size)++;  /* a renamed or added empty file changes the stamp too */
    }
}

/* A single issue file is an archive of one issue, as the window opens it;
 * its path is its name. */
static GPtrArray *
list_single_file (GFile         *root,
                  GFileInfo     *info,
                  GError       **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)issue_file_free);
  BulletinIssueKind kind;
  IssueFile *f;

  if (!bulletin_issue_kind_for_file (root, g_file_info_get_file_type (info), &kind))
    {
      g_autofree char *name = g_file_get_parse_name (root);
      g_autofree char *message = bulletin_format_dup_not_an_issue (name);

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, message);
      return NULL;
    }
  f = g_new0 (IssueFile, 1);
  f->file = g_object_ref (root);
  f->path = g_file_get_basename (root);
  f->kind = kind;
  f->size = g_file_info_get_size (info);
  f->mtime = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * 1000000 +
             g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  g_ptr_array_add (files, f);
  return g_steal_pointer (&files);
}

/* The issues of the archive at @root: the entries of a folder, or a
 * single issue file. */
GPtrArray *
list_issue_files (GFile         *root,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)issue_file_free);
  g_autoptr(GFileInfo) root_info = NULL;

  root_info = g_file_query_info (root,
                                 G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                 G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                 G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                 G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (root_info == NULL)
    return NULL;
  if (g_file_info_get_file_type (root_info) != G_FILE_TYPE_DIRECTORY)
    return list_single_file (root, root_info, error);

  /* the entries the archive lists, symbolic links judged by its rule */
  entries = bulletin_archive_list_folder (root, root,
                                          G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                          cancellable, error);
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      BulletinArchiveEntry *entry = g_ptr_array_index (entries, i);
      GFileInfo *info = entry->info;
      GFile *child = entry->file;
      BulletinIssueKind kind;
      IssueFile *f;

      /* a link out of the archive is never read */
      if (entry->link == BULLETIN_LINK_OUTSIDE)
        continue;
      /* the shared index's folder (bulletin-reader --index) */
      if (strcmp (g_file_info_get_name (info), BULLETIN_SHARED_DIR) == 0)
        continue;
      if (!bulletin_issue_kind_for_file (child, g_file_info_get_file_type (info), &kind))
        continue;

      f = g_new0 (IssueFile, 1);
      f->file = g_object_ref (child);
      f->path = g_strdup (g_file_info_get_name (info));
      f->kind = kind;
      if (bulletin_format_kind_is_folder (kind))
        folder_stamp (child, cancellable, &f->size, &f->mtime);
      else
        {
          f->size = g_file_info_get_size (info);
          f->mtime = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * 1000000 +
                     g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
        }
      g_ptr_array_add (files, f);
    }

  g_ptr_array_sort (files, compare_issue_files_desc);
  return g_steal_pointer (&files);
}

/* Loads the issue of @f.  BULLETIN_TEST_UNREADABLE, a comma-separated list
 * of issue file names, makes those fail as a file without read permission
 * does: the read-error tests run as root, which permissions do not stop. */
gboolean
load_issue (BulletinIssue  *issue,
            IssueFile      *f,
            GCancellable   *cancellable,
            GError        **error)
{
  const char *unreadable = g_getenv ("BULLETIN_TEST_UNREADABLE");

  if (unreadable != NULL && unreadable[0] != 0)
    {
      g_auto(GStrv) names = g_strsplit (unreadable, ",", -1);

      if (g_strv_contains ((const char * const *)names, f->path))
        {
          g_autofree char *display = g_file_get_parse_name (f->file);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "Error opening file %s: Permission denied", display);
          return FALSE;
        }
    }
  return bulletin_issue_load (issue, cancellable, error);
}

