/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-bookmark.h"

struct _BulletinBookmark
{
  GObject  parent_instance;

  char    *article_id;
  char    *headline;
  char    *issue_id;
  char    *issue_title;
  char    *issue_date;
  char    *archive_uri;
  char    *archive_name;
  gint64   added;
  gint64   modified;
  /* the first half of the SHA-256 of article_id: names the bookmark's
   * group in the key file (bulletin-annotations), made once */
  guint8   id_digest[16];
};

G_DEFINE_FINAL_TYPE (BulletinBookmark, bulletin_bookmark, G_TYPE_OBJECT)

static void
bulletin_bookmark_finalize (GObject *object)
{
  BulletinBookmark *self = BULLETIN_BOOKMARK (object);

  g_free (self->article_id);
  g_free (self->headline);
  g_free (self->issue_id);
  g_free (self->issue_title);
  g_free (self->issue_date);
  g_free (self->archive_uri);
  g_free (self->archive_name);

  G_OBJECT_CLASS (bulletin_bookmark_parent_class)->finalize (object);
}

static void
bulletin_bookmark_class_init (BulletinBookmarkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bulletin_bookmark_finalize;
}

static void
bulletin_bookmark_init (BulletinBookmark *self)
{
}

static void
compute_id_digest (BulletinBookmark *self)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (sum, (const guchar *) self->article_id, -1);
  g_checksum_get_digest (sum, digest, &length);
  memcpy (self->id_digest, digest, sizeof self->id_digest);
}

/* A bookmark whose id digest is known (@digest, 16 bytes: read from the
 * key file), or made here (@digest %NULL). */
BulletinBookmark *
_bulletin_bookmark_new_with_digest (const char   *article_id,
                                    const guint8 *digest)
{
  BulletinBookmark *self = g_object_new (BULLETIN_TYPE_BOOKMARK, NULL);

  self->article_id = g_strdup (article_id);
  if (digest != NULL)
    memcpy (self->id_digest, digest, sizeof self->id_digest);
  else
    compute_id_digest (self);
  return self;
}

/* The first 16 bytes of the SHA-256 of the article id. */
const guint8 *
_bulletin_bookmark_get_id_digest (BulletinBookmark *self)
{
  return self->id_digest;
}

/**
 * bulletin_bookmark_new:
 * @article_id: the stable id of the article
 *
 * Returns: (transfer full): a bookmark added now
 */
BulletinBookmark *
bulletin_bookmark_new (const char *article_id)
{
  BulletinBookmark *self;

  g_return_val_if_fail (article_id != NULL, NULL);

  self = _bulletin_bookmark_new_with_digest (article_id, NULL);
  self->added = self->modified = g_get_real_time ();
  return self;
}

/**
 * bulletin_bookmark_new_for_article:
 *
 * Returns: (transfer full): a bookmark of @article with its headline,
 *   added now; the caller adds the issue
 */
BulletinBookmark *
bulletin_bookmark_new_for_article (BulletinArticle *article)
{
  BulletinBookmark *self;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  self = bulletin_bookmark_new (bulletin_article_get_id (article));
  bulletin_bookmark_set_headline (self, bulletin_article_get_headline (article));
  return self;
}

/**
 * bulletin_bookmark_copy:
 *
 * Returns: (transfer full): a copy
 */
BulletinBookmark *
bulletin_bookmark_copy (BulletinBookmark *self)
{
  BulletinBookmark *copy;

  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);

  copy = bulletin_bookmark_new (self->article_id);
  _bulletin_bookmark_assign (copy, self);
  return copy;
}

static void
replace (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

void
_bulletin_bookmark_assign (BulletinBookmark *self,
                           BulletinBookmark *from)
{
  if (g_strcmp0 (self->article_id, from->article_id) != 0)
    {
      replace (&self->article_id, from->article_id);
      memcpy (self->id_digest, from->id_digest, sizeof self->id_digest);
    }
  replace (&self->headline, from->headline);
  replace (&self->issue_id, from->issue_id);
  replace (&self->issue_title, from->issue_title);
  replace (&self->issue_date, from->issue_date);
  replace (&self->archive_uri, from->archive_uri);
  replace (&self->archive_name, from->archive_name);
  self->added = from->added;
  self->modified = from->modified;
}

gboolean
_bulletin_bookmark_equal (BulletinBookmark *a,
                          BulletinBookmark *b)
{
  return g_strcmp0 (a->article_id, b->article_id) == 0 &&
         g_strcmp0 (a->headline, b->headline) == 0 &&
         g_strcmp0 (a->issue_id, b->issue_id) == 0 &&
         g_strcmp0 (a->issue_title, b->issue_title) == 0 &&
         g_strcmp0 (a->issue_date, b->issue_date) == 0 &&
         g_strcmp0 (a->archive_uri, b->archive_uri) == 0 &&
         g_strcmp0 (a->archive_name, b->archive_name) == 0 &&
         a->added == b->added &&
         a->modified == b->modified;
}

const char *
bulletin_bookmark_get_article_id (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->article_id;
}

const char *
bulletin_bookmark_get_headline (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->headline;
}

const char *
bulletin_bookmark_get_issue_id (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->issue_id;
}

const char *
bulletin_bookmark_get_issue_title (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->issue_title;
}

const char *
bulletin_bookmark_get_issue_date (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->issue_date;
}

void
bulletin_bookmark_set_headline (BulletinBookmark *self,
                                const char       *headline)
{
  g_return_if_fail (BULLETIN_IS_BOOKMARK (self));
  replace (&self->headline, headline);
}

void
bulletin_bookmark_set_issue (BulletinBookmark *self,
                             const char       *issue_id,
                             const char       *title,
                             const char       *date)
{
  g_return_if_fail (BULLETIN_IS_BOOKMARK (self));
  replace (&self->issue_id, issue_id);
  replace (&self->issue_title, title);
  replace (&self->issue_date, date);
}

gint64
bulletin_bookmark_get_added (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), 0);
  return self->added;
}

gint64
bulletin_bookmark_get_modified (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), 0);
  return self->modified;
}

void
bulletin_bookmark_set_times (BulletinBookmark *self,
                             gint64            added,
                             gint64            modified)
{
  g_return_if_fail (BULLETIN_IS_BOOKMARK (self));
  self->added = added;
  self->modified = modified;
}

/**
 * bulletin_bookmark_get_archive_uri:
 *
 * Returns: (nullable): the URI of the archive (folder or file) the
 *   bookmark was made in, or %NULL when it is not known (older files)
 */
const char *
bulletin_bookmark_get_archive_uri (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->archive_uri;
}

/**
 * bulletin_bookmark_get_archive_name:
 *
 * Returns: (nullable): the name the archive was shown under then
 */
const char *
bulletin_bookmark_get_archive_name (BulletinBookmark *self)
{
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (self), NULL);
  return self->archive_name;
}

/**
 * bulletin_bookmark_set_archive:
 * @uri: (nullable): the archive's location as a URI
 * @name: (nullable): its name for people
 *
 * Records the archive the bookmark was made in.
 */
void
bulletin_bookmark_set_archive (BulletinBookmark *self,
                               const char       *uri,
                               const char       *name)
{
  g_return_if_fail (BULLETIN_IS_BOOKMARK (self));
  replace (&self->archive_uri, uri);
  replace (&self->archive_name, name);
}
