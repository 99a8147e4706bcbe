/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bulletin-issue.h"

G_BEGIN_DECLS

/*
 * The archive's metadata cache: one file per archive under
 * $XDG_CACHE_HOME/bulletin-reader/archives/, named by a hash of the
 * archive's URI, holding what the scanner learnt of each entry, keyed by
 * the entry's name, kind, size and modification time.  Used by the scanner
 * thread only.
 */

typedef struct {
  BulletinIssueKind  kind;
  guint64            size;
  gint64             mtime;      /* microseconds */
  char              *extra;      /* folders: size and time of issue.json, or "-" */
  char              *title;
  char              *date;
  char              *number;
  char              *edition;
  guint              n_articles;
  char              *error;      /* the content is broken: the reason */
  gboolean           skip;       /* not an issue (a folder with no ninjs file) */
} BulletinCacheEntry;

typedef struct _BulletinArchiveCache BulletinArchiveCache;

/* the archive "URI" of the shared cache (bulletin-reader --index), which
 * names no place: clients mount the archive elsewhere */
#define BULLETIN_ARCHIVE_CACHE_SHARED "."

char                     *bulletin_archive_cache_path_for   (const char           *archive_uri);
BulletinArchiveCache     *bulletin_archive_cache_load       (const char           *path,
                                                             const char           *archive_uri);
const BulletinCacheEntry *bulletin_archive_cache_lookup     (BulletinArchiveCache *cache,
                                                             const char           *name,
                                                             BulletinIssueKind     kind,
                                                             guint64               size,
                                                             gint64                mtime,
                                                             const char           *extra);
void                      bulletin_archive_cache_store      (BulletinArchiveCache *cache,
                                                             const char           *name,
                                                             BulletinCacheEntry   *entry);
void                      bulletin_archive_cache_retain     (BulletinArchiveCache *cache,
                                                             GHashTable           *names);
gboolean                  bulletin_archive_cache_is_dirty   (BulletinArchiveCache *cache);
gboolean                  bulletin_archive_cache_save       (BulletinArchiveCache *cache,
                                                             GError              **error);
void                      bulletin_archive_cache_free       (BulletinArchiveCache *cache);
void                      bulletin_cache_entry_free         (BulletinCacheEntry   *entry);
BulletinCacheEntry       *bulletin_cache_entry_copy         (const BulletinCacheEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinArchiveCache, bulletin_archive_cache_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinCacheEntry, bulletin_cache_entry_free)

G_END_DECLS
