/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-archive-links.h"
#include "bulletin-date.h"
#include "bulletin-ninjs-folder.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-skim.h"

#define META_NAME "issue.json"

/* Reads one ninjs file of the folder. */
static BulletinParsedIssue *
parse_member (GFile         *file,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (file);
  gsize len = 0;

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;
  return bulletin_ninjs_parse (contents, len, name, error);
}

/* The issue's own metadata from issue.json; a broken one is a warning. */
static void
take_meta (BulletinParsedIssue *result,
           GFile               *folder,
           GCancellable        *cancellable)
{
  g_autoptr(GFile) meta_file = g_file_get_child (folder, META_NAME);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BulletinParsedIssue) meta = parse_member (meta_file, cancellable, &local_error);

  if (meta == NULL)
    {
      bulletin_parsed_issue_add_warning (result, "%s", local_error->message);
      return;
    }
  result->title = g_steal_pointer (&meta->title);
  result->date = g_steal_pointer (&meta->date);
  result->number = g_steal_pointer (&meta->number);
  result->edition = g_steal_pointer (&meta->edition);
  result->uri = g_steal_pointer (&meta->uri);
  result->language = g_steal_pointer (&meta->language);
}

/* Adds the articles and warnings of one file of the folder to @result. */
static void
take_part (BulletinParsedIssue *result,
           BulletinParsedIssue *part)
{
  for (guint j = 0; j < part->articles->len; j++)
    g_ptr_array_add (result->articles, g_object_ref (g_ptr_array_index (part->articles, j)));
  for (guint j = 0; j < part->warnings->len; j++)
    g_ptr_array_add (result->warnings, g_strdup (g_ptr_array_index (part->warnings, j)));
  if (result->date == NULL && part->date != NULL)
    result->date = g_strdup (part->date);
}

BulletinParsedIssue *
bulletin_ninjs_folder_parse (GFile         *folder,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) left_out = NULL;
  g_autoptr(BulletinParsedIssue) result = bulletin_parsed_issue_new ();
  gboolean has_meta = FALSE;

  /* the same articles as the scan counts: links judged by one rule */
  names = bulletin_archive_list_articles (folder, &has_meta, &left_out, cancellable, error);
  if (names == NULL)
    return NULL;
  for (guint i = 0; i < left_out->len; i++)
    bulletin_parsed_issue_add_warning (result, "%s", (char *)g_ptr_array_index (left_out, i));

  if (has_meta)
    take_meta (result, folder, cancellable);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GFile) child = g_file_get_child (folder, g_ptr_array_index (names, i));
      g_autoptr(GError) local_error = NULL;
      g_autoptr(BulletinParsedIssue) part = parse_member (child, cancellable, &local_error);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      /* One bad article does not take the issue down: it is reported. */
      if (part == NULL)
        bulletin_parsed_issue_add_warning (result, "%s", local_error->message);
      else
        take_part (result, part);
    }

  return g_steal_pointer (&result);
}

/* Skims one ninjs file of the folder (the errors are not wanted). */
static gboolean
skim_member (GFile             *folder,
             const char        *name,
             BulletinNinjsSkim *skim,
             GCancellable      *cancellable)
{
  g_autoptr(GFile) file = g_file_get_child (folder, name);
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, NULL))
    return FALSE;
  return bulletin_ninjs_skim (contents, len, name, skim, NULL);
}

/* Returns FALSE without an error when the folder is not an issue (no
 * ninjs file in it). */
gboolean
bulletin_ninjs_folder_skim (GFile               *folder,
                            const char          *display_name,
                            BulletinFormatSkim  *skim,
                            gboolean            *io_error,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autoptr(GPtrArray) articles = NULL;
  g_autofree char *name_date = bulletin_date_from_string (display_name);
  gboolean has_meta = FALSE;
  BulletinNinjsSkim ninjs;

  /* the articles the issue will load: links judged by the one rule */
  *io_error = TRUE;
  articles = bulletin_archive_list_articles (folder, &has_meta, NULL, cancellable, error);
  if (articles == NULL)
    return FALSE;
  *io_error = FALSE;
  if (articles->len == 0 && !has_meta)
    return FALSE;

  /* A broken issue.json is a warning when the issue loads, not a reason
   * to refuse the folder: its articles are still there. */
  if (has_meta && skim_member (folder, META_NAME, &ninjs, cancellable))
    {
      skim->title = g_steal_pointer (&ninjs.headline);
      skim->date = g_steal_pointer (&ninjs.date);
      bulletin_ninjs_skim_clear (&ninjs);
    }

  if (skim->date == NULL && name_date == NULL && articles->len > 0 &&
      skim_member (folder, g_ptr_array_index (articles, 0), &ninjs, cancellable))
    {
      skim->date = g_steal_pointer (&ninjs.date);
      bulletin_ninjs_skim_clear (&ninjs);
    }

  skim->n_articles = articles->len;
  return TRUE;
}

/* The size and time of issue.json: the folder's own time does not change
 * when a file in it is rewritten. */
char *
bulletin_ninjs_folder_stamp (GFile        *folder,
                             GCancellable *cancellable)
{
  g_autoptr(GFile) meta = g_file_get_child (folder, META_NAME);
  g_autoptr(GFileInfo) info = g_file_query_info (meta,
                                                 G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                                 G_FILE_QUERY_INFO_NONE, cancellable, NULL);

  if (info == NULL)
    return g_strdup ("-");
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%u",
                          (guint64)g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_file_info_get_attribute_uint32 (info,
                                                            G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC));
}
