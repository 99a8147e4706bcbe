/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-issue.h"

G_BEGIN_DECLS

/*
 * The one rule by which everything that walks an archive (the scan, its
 * cache and folder monitor, a folder issue's articles, the search index and
 * the search scan) treats symbolic links; see docs/archive.md, "Symbolic
 * links".  A link is judged by where it leads, every link on the way
 * followed:
 *
 * - outside the archive folder: listed as an entry that cannot be read,
 *   with the reason bulletin_archive_links_describe () gives, and never
 *   read;
 * - to something the archive lists anyway (the archive folder itself, a
 *   top-level entry that is an issue by its own name, an article of a
 *   folder issue): not listed again;
 * - anywhere else inside: followed, once per target (of several links to
 *   one place, the first by name).
 *
 * Enumerate with BULLETIN_ARCHIVE_LINK_ATTRIBUTES added to the attributes
 * (links followed, the default): an info that does not say it is a link
 * is taken as none, so a GVfs backend without link information works as
 * before.
 */

#define BULLETIN_ARCHIVE_LINK_ATTRIBUTES           \
  G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK ","         \
  G_FILE_ATTRIBUTE_STANDARD_SYMLINK_TARGET

typedef enum {
  BULLETIN_LINK_NONE,       /* not a symbolic link */
  BULLETIN_LINK_FOLLOW,     /* a link to a place inside, listed through it */
  BULLETIN_LINK_DUPLICATE,  /* a link to what is listed already: left out */
  BULLETIN_LINK_OUTSIDE,    /* a link out of the archive: listed, never read */
} BulletinLinkVerdict;

typedef struct _BulletinArchiveLinks BulletinArchiveLinks;

/* One checker per walk of one folder (not thread-safe): it remembers the
 * targets of the links it let through, so check the links of a folder in
 * name order. */
BulletinArchiveLinks *bulletin_archive_links_new      (GFile                *root);
void                  bulletin_archive_links_free     (BulletinArchiveLinks *self);

/* @info: the entry's info (with BULLETIN_ARCHIVE_LINK_ATTRIBUTES), or NULL
 * to ask for it; @target: (out) (optional): the link's own target text */
BulletinLinkVerdict   bulletin_archive_links_check    (BulletinArchiveLinks *self,
                                                       GFile                *file,
                                                       GFileInfo            *info,
                                                       char                **target,
                                                       GCancellable         *cancellable);

/* whether @info (with BULLETIN_ARCHIVE_LINK_ATTRIBUTES) is of a link; safe
 * when the backend did not say */
gboolean              bulletin_archive_links_is_link  (GFileInfo            *info);

/* "link to TARGET, outside the archive" (translated) */
char                 *bulletin_archive_links_describe (const char           *target);

/* An entry of a folder of the archive, as every walker must see it. */
typedef struct {
  char                *name;
  GFile               *file;
  GFileInfo           *info;     /* links followed */
  BulletinLinkVerdict  link;     /* NONE, FOLLOW or OUTSIDE: duplicates are left out */
  char                *target;   /* the link's target, for OUTSIDE */
} BulletinArchiveEntry;

void                  bulletin_archive_entry_free     (BulletinArchiveEntry *entry);

/* The entries of @folder (the archive folder @root itself, or a folder
 * issue in it) in name order, duplicates left out; @attributes are those
 * wanted besides the name, type and link attributes. */
GPtrArray            *bulletin_archive_list_folder    (GFile                *root,
                                                       GFile                *folder,
                                                       const char           *attributes,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

/* The article files of the folder issue @folder (its non-hidden *.json
 * files but issue.json, links judged by the rule) in name order;
 * @has_meta: (out) (optional): whether it has an issue.json that may be
 * read; @left_out: (out) (optional) (transfer full): one message per link
 * out of the archive that was left out. */
GPtrArray            *bulletin_archive_list_articles  (GFile                *folder,
                                                       gboolean             *has_meta,
                                                       GPtrArray           **left_out,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinArchiveLinks, bulletin_archive_links_free)

G_END_DECLS
