/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "bulletin-cli-export.h"
#include "bulletin-issue.h"
#include "bulletin-ninjs-writer.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* Reads one issue (a file, or an issue folder) into @composites; reports
 * what went wrong on standard error. */
static gboolean
export_entry (GFile             *file,
              BulletinIssueKind  kind,
              JsonArray         *composites)
{
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_parse_name (file);

  parsed = bulletin_issue_parse_file (file, kind, NULL, &error);
  if (parsed == NULL)
    {
      g_autofree char *base = g_file_get_basename (file);
      const char *message = error->message;

      /* The readers' messages start with the file's name: give the
       * whole path instead. */
      if (base != NULL && g_str_has_prefix (message, base) &&
          g_str_has_prefix (message + strlen (base), ": "))
        message += strlen (base) + 2;

      if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
        /* Translators: %s are a path and the reason */
        g_printerr (_("%s: cannot read: %s\n"), path, message);
      else
        /* Translators: %s are a path and the reason */
        g_printerr (_("%s: %s\n"), path, message);
      return FALSE;
    }

  for (guint i = 0; i < parsed->warnings->len; i++)
    /* Translators: %s is what the reader noticed */
    g_printerr (_("warning: %s\n"), (const char *)g_ptr_array_index (parsed->warnings, i));

  json_array_add_element (composites, bulletin_ninjs_write_issue (parsed));
  return TRUE;
}

/* An archive folder: every entry an issue, in name order. */
static gboolean
export_archive (GFile     *folder,
                JsonArray *composites)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_parse_name (folder);
  gboolean ok = TRUE;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, NULL, &error);
  if (enumerator == NULL)
    {
      /* Translators: %s are a path and the reason */
      g_printerr (_("%s: cannot read: %s\n"), path, error->message);
      return FALSE;
    }

  while ((info = g_file_enumerator_next_file (enumerator, NULL, &error)) != NULL)
    {
      g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
      g_hash_table_insert (types, g_strdup (g_file_info_get_name (info)),
                           GINT_TO_POINTER (g_file_info_get_file_type (info)));
      g_object_unref (info);
    }
  if (error != NULL)
    {
      /* Translators: %s are a path and the reason */
      g_printerr (_("%s: cannot read: %s\n"), path, error->message);
      return FALSE;
    }

  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GFile) child = g_file_get_child (folder, name);
      GFileType type = GPOINTER_TO_INT (g_hash_table_lookup (types, name));
      BulletinIssueKind kind;

      if (!bulletin_issue_kind_for_file (child, type, &kind))
        continue;
      if (!export_entry (child, kind, composites))
        ok = FALSE;
    }
  return ok;
}

/**
 * bulletin_cli_export_ninjs:
 *
 * Writes the issues read from each path (an archive folder: every entry
 * an issue; or one file) to standard output as ninjs 3.1: one composite
 * object when exactly one issue was read, else a JSON array of
 * composites.  Unreadable input is reported on standard error, naming
 * the file, and makes the exit status 1; the issues that could be read
 * are still written.
 *
 * Returns: the exit status
 */
int
bulletin_cli_export_ninjs (const char * const *args)
{
  g_autoptr(JsonArray) composites = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;
  gboolean ok = TRUE;
  guint n_paths = 0;
  gsize len = 0;

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (args[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GFileInfo) info = NULL;
      BulletinIssueKind kind;

      n_paths++;
      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                G_FILE_QUERY_INFO_NONE, NULL, &error);
      if (info == NULL)
        {
          /* Translators: %s are a path and the reason */
          g_printerr (_("%s: cannot read: %s\n"), args[i], error->message);
          ok = FALSE;
          continue;
        }

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!export_archive (file, composites))
            ok = FALSE;
        }
      else
        {
          /* A file given by name is read whatever its name: .txt as text,
           * anything else as ninjs. */
          if (!bulletin_issue_kind_for_file (file, G_FILE_TYPE_REGULAR, &kind))
            kind = BULLETIN_ISSUE_NINJS_FILE;
          if (!export_entry (file, kind, composites))
            ok = FALSE;
        }
    }

  if (n_paths == 0)
    {
      g_printerr ("%s\n", _("Usage: bulletin-reader --export-ninjs PATH..."));
      return 2;
    }

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
          return 1;
        }
    }

  return ok ? 0 : 1;
}
