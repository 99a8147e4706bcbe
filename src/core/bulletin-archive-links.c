/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "bulletin-archive"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-archive-links.h"
#include "bulletin-formats.h"

/* as the kernel's SYMLOOP_MAX: more links than this in one path is a loop */
#define MAX_LINK_HOPS 40

struct _BulletinArchiveLinks
{
  GFile      *root;
  GFile      *root_resolved;   /* NULL until a link is met */
  GHashTable *taken;           /* URIs of the targets of links let through */
};

BulletinArchiveLinks *
bulletin_archive_links_new (GFile *root)
{
  BulletinArchiveLinks *self = g_new0 (BulletinArchiveLinks, 1);

  self->root = g_object_ref (root);
  self->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
bulletin_archive_links_free (BulletinArchiveLinks *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->root);
  g_clear_object (&self->root_resolved);
  g_hash_table_unref (self->taken);
  g_free (self);
}

char *
bulletin_archive_links_describe (const char *target)
{
  /* a link's target is bytes: shown as text */
  g_autofree char *shown = g_utf8_make_valid (target, -1);

  /* TRANSLATORS: why an entry of the archive is not read; %s is where the
   * symbolic link points, e.g. /etc/passwd */
  return g_strdup_printf (_("link to %s, outside the archive"), shown);
}

/* Whether @info says it is a symbolic link.  Not through
 * g_file_info_get_is_symlink (): from GLib 2.76 that is a critical warning
 * when the backend (resource://, some GVfs ones) did not set the attribute. */
gboolean
bulletin_archive_links_is_link (GFileInfo *info)
{
  return info != NULL &&
         g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK) &&
         g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK);
}

static const char *
link_target (GFileInfo *info)
{
  return g_file_info_get_attribute_byte_string (info, G_FILE_ATTRIBUTE_STANDARD_SYMLINK_TARGET);
}

/*
 * The place @file names with every symbolic link on its path followed,
 * through GIO only (so over GVfs too): each component from the top is
 * asked whether it is a link, and a link's target replaces it, relative to
 * its folder.  Components that do not exist are kept by name.  NULL when
 * there are more links than MAX_LINK_HOPS (a loop).
 */
static GFile *
resolve_links (GFile        *file,
               GCancellable *cancellable)
{
  g_autoptr(GFile) current = g_object_ref (file);
  guint hops = 0;

restart:
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GFile) top = g_object_ref (current);
    g_autoptr(GFile) at = NULL;
    GFile *parent;

    while ((parent = g_file_get_parent (top)) != NULL)
      {
        g_ptr_array_add (names, g_file_get_basename (top));
        g_object_unref (top);
        top = parent;
      }

    at = g_steal_pointer (&top);
    for (guint i = names->len; i > 0; i--)
      {
        const char *name = g_ptr_array_index (names, i - 1);
        g_autoptr(GFile) child = g_file_get_child (at, name);
        g_autoptr(GFileInfo) info = NULL;
        const char *target;

        info = g_file_query_info (child, BULLETIN_ARCHIVE_LINK_ATTRIBUTES,
                                  G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
        target = bulletin_archive_links_is_link (info) ? link_target (info) : NULL;
        if (target != NULL && *target != '\0')
          {
            g_autoptr(GFile) next = NULL;

            if (++hops > MAX_LINK_HOPS)
              return NULL;
            next = g_file_resolve_relative_path (at, target);
            for (guint j = i - 1; j > 0; j--)
              {
                GFile *deeper = g_file_get_child (next, g_ptr_array_index (names, j - 1));

                g_object_unref (next);
                next = deeper;
              }
            g_set_object (&current, next);
            goto restart;
          }
        g_set_object (&at, child);
      }
    return g_steal_pointer (&at);
  }
}

static gboolean
is_issue_name (const char *name,
               GFileType   type)
{
  BulletinIssueKind kind;

  if (name[0] == '.')
    return FALSE;
  if (type == G_FILE_TYPE_DIRECTORY)
    return TRUE;
  /* the formats' table knows their extensions */
  return type == G_FILE_TYPE_REGULAR && bulletin_format_kind_for_name (name, &kind);
}

static gboolean
is_article_name (const char *name)
{
  return name[0] != '.' && g_str_has_suffix (name, ".json");
}

/* Whether the archive lists @resolved (a place inside it, @relative from
 * its folder) by itself, without the link. */
static gboolean
listed_anyway (GFile        *resolved,
               const char   *relative,
               GCancellable *cancellable)
{
  g_auto(GStrv) parts = g_strsplit (relative, "/", 3);
  g_autoptr(GFileInfo) info = NULL;
  GFileType type;

  if (g_strv_length (parts) > 2)
    return FALSE;
  info = g_file_query_info (resolved, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, NULL);
  if (info == NULL)
    return FALSE;
  type = g_file_info_get_file_type (info);

  /* a top-level entry that is an issue by its own name */
  if (parts[1] == NULL)
    return is_issue_name (parts[0], type);
  /* a file of a folder issue: an article, or its issue.json */
  return parts[0][0] != '.' && type == G_FILE_TYPE_REGULAR && is_article_name (parts[1]);
}

BulletinLinkVerdict
bulletin_archive_links_check (BulletinArchiveLinks  *self,
                              GFile                 *file,
                              GFileInfo             *info,
                              char                 **target,
                              GCancellable          *cancellable)
{
  g_autoptr(GFileInfo) own_info = NULL;
  g_autoptr(GFile) resolved = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *uri = NULL;
  const char *points_to;

  if (target != NULL)
    *target = NULL;
  if (info == NULL)
    {
      own_info = g_file_query_info (file, BULLETIN_ARCHIVE_LINK_ATTRIBUTES,
                                    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
      info = own_info;
    }
  if (!bulletin_archive_links_is_link (info))
    return BULLETIN_LINK_NONE;

  points_to = link_target (info);
  if (target != NULL)
    *target = g_strdup (points_to != NULL ? points_to : "?");

  if (self->root_resolved == NULL)
    {
      self->root_resolved = resolve_links (self->root, cancellable);
      if (self->root_resolved == NULL)
        self->root_resolved = g_object_ref (self->root);
    }

  /* a loop: reading it fails, and it is listed with that error */
  resolved = resolve_links (file, cancellable);
  if (resolved == NULL)
    return BULLETIN_LINK_FOLLOW;

  if (g_file_equal (resolved, self->root_resolved))
    return BULLETIN_LINK_DUPLICATE;
  relative = g_file_get_relative_path (self->root_resolved, resolved);
  if (relative == NULL)
    return BULLETIN_LINK_OUTSIDE;
  if (listed_anyway (resolved, relative, cancellable))
    return BULLETIN_LINK_DUPLICATE;

  uri = g_file_get_uri (resolved);
  if (g_hash_table_contains (self->taken, uri))
    return BULLETIN_LINK_DUPLICATE;
  g_hash_table_add (self->taken, g_steal_pointer (&uri));
  return BULLETIN_LINK_FOLLOW;
}

void
bulletin_archive_entry_free (BulletinArchiveEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_clear_object (&entry->file);
  g_object_unref (entry->info);
  g_free (entry->target);
  g_free (entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const BulletinArchiveEntry *ea = *(BulletinArchiveEntry * const *)a;
  const BulletinArchiveEntry *eb = *(BulletinArchiveEntry * const *)b;

  return strcmp (ea->name, eb->name);
}

/* @with_files: give every entry its GFile (else only the links, which the
 * check needs): a GFile per article of every folder issue is a fifth of
 * the CPU time of a first scan. */
static GPtrArray *
list_folder (GFile         *root,
             GFile         *folder,
             const char    *attributes,
             gboolean       with_files,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_archive_entry_free);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(BulletinArchiveLinks) links = NULL;
  g_autofree char *wanted = NULL;

  wanted = g_strjoin (",", G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                      BULLETIN_ARCHIVE_LINK_ATTRIBUTES, attributes, NULL);
  children = g_file_enumerate_children (folder, wanted, G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (children == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      BulletinArchiveEntry *entry;

      if (!g_file_enumerator_iterate (children, &info, with_files ? &child : NULL, cancellable, error))
        return NULL;
      if (info == NULL)
        break;
      entry = g_new0 (BulletinArchiveEntry, 1);
      entry->name = g_strdup (g_file_info_get_name (info));
      if (child != NULL)
        entry->file = g_object_ref (child);
      else if (bulletin_archive_links_is_link (info))
        entry->file = g_file_enumerator_get_child (children, info);
      entry->info = g_object_ref (info);
      g_ptr_array_add (all, entry);
    }

  /* in name order, so that of several links to one place the first by
   * name is the one listed */
  g_ptr_array_sort (all, compare_entries);
  entries = g_ptr_array_new_full (all->len, (GDestroyNotify)bulletin_archive_entry_free);
  for (guint i = 0; i < all->len; i++)
    {
      BulletinArchiveEntry *entry = g_ptr_array_index (all, i);

      if (bulletin_archive_links_is_link (entry->info))
        {
          if (links == NULL)
            links = bulletin_archive_links_new (root);
          entry->link = bulletin_archive_links_check (links, entry->file, entry->info,
                                                      &entry->target, cancellable);
          if (entry->link == BULLETIN_LINK_DUPLICATE)
            continue;
        }
      g_ptr_array_add (entries, g_steal_pointer (&all->pdata[i]));
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
bulletin_archive_list_folder (GFile         *root,
                              GFile         *folder,
                              const char    *attributes,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return list_folder (root, folder, attributes, TRUE, cancellable, error);
}

GPtrArray *
bulletin_archive_list_articles (GFile         *folder,
                                gboolean      *has_meta,
                                GPtrArray    **left_out,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GFile) root = g_file_get_parent (folder);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (has_meta != NULL)
    *has_meta = FALSE;
  if (left_out != NULL)
    *left_out = g_ptr_array_new_with_free_func (g_free);

  /* a folder issue lies in the archive folder */
  entries = list_folder (root != NULL ? root : folder, folder, NULL, FALSE, cancellable, error);
  if (entries == NULL)
    {
      if (left_out != NULL)
        g_clear_pointer (left_out, g_ptr_array_unref);
      return NULL;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      BulletinArchiveEntry *entry = g_ptr_array_index (entries, i);

      if (!is_article_name (entry->name))
        continue;
      if (entry->link == BULLETIN_LINK_OUTSIDE)
        {
          if (left_out != NULL)
            {
              g_autofree char *why = bulletin_archive_links_describe (entry->target);

              g_ptr_array_add (*left_out, g_strdup_printf ("%s: %s", entry->name, why));
            }
          continue;
        }
      if (g_file_info_get_file_type (entry->info) != G_FILE_TYPE_REGULAR)
        continue;
      if (strcmp (entry->name, "issue.json") == 0)
        {
          if (has_meta != NULL)
            *has_meta = TRUE;
          continue;
        }
      g_ptr_array_add (names, g_strdup (entry->name));
    }
  return g_steal_pointer (&names);
}
