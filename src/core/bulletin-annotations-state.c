/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

/* ---------------------------------------------------------------------- */
/* times */

/**
 * bulletin_annotations_format_time:
 *
 * Returns: (transfer full): @usec as `2026-03-01T08:30:00.123456Z`
 */
char *
bulletin_annotations_format_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autofree char *s = NULL;

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000000Z");
  s = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06dZ", s, (int) (usec % G_USEC_PER_SEC));
}

gboolean
bulletin_annotations_parse_time (const char *text,
                                 gint64     *usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* state */

static void
position_free (Position *pos)
{
  g_free (pos->archive);
  g_free (pos->issue_id);
  g_free (pos->article_id);
  g_free (pos);
}

void
bulletin_annotations_state_init (State *state)
{
  state->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  state->bookmarks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  state->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) position_free);
  state->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
bulletin_annotations_state_clear (State *state)
{
  g_clear_pointer (&state->notes, g_hash_table_unref);
  g_clear_pointer (&state->bookmarks, g_hash_table_unref);
  g_clear_pointer (&state->positions, g_hash_table_unref);
  g_clear_pointer (&state->deleted, g_hash_table_unref);
  g_clear_pointer (&state->extra, g_hash_table_unref);
}

gboolean
bulletin_annotations_state_is_empty (State *state)
{
  return g_hash_table_size (state->notes) == 0 && g_hash_table_size (state->bookmarks) == 0 &&
         g_hash_table_size (state->positions) == 0 && g_hash_table_size (state->deleted) == 0 &&
         g_hash_table_size (state->extra) == 0;
}

char *
bulletin_annotations_note_group (const char *uuid)
{
  return g_strconcat (NOTE_PREFIX, uuid, NULL);
}

/* Article ids are URIs and may hold what a group name cannot ([, ], line
 * ends): the group is named by a digest, the id is a key inside. */
char *
bulletin_annotations_digest_group (const char *prefix,
                                   const char *key)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

  sum[32] = '\0';
  return g_strconcat (prefix, sum, NULL);
}

char *
bulletin_annotations_bookmark_group (const char *article_id)
{
  return bulletin_annotations_digest_group (BOOKMARK_PREFIX, article_id);
}

gint64
bulletin_annotations_state_deleted_time (State      *state,
                                         const char *group)
{
  gint64 *t = g_hash_table_lookup (state->deleted, group);

  return t != NULL ? *t : G_MININT64;
}

void
bulletin_annotations_state_set_deleted (State      *state,
                                        const char *group,
                                        gint64      when)
{
  gint64 *t = g_hash_table_lookup (state->deleted, group);

  if (t == NULL)
    g_hash_table_insert (state->deleted, g_strdup (group), g_memdup2 (&when, sizeof when));
  else if (when > *t)
    *t = when;
}

/* Which of two versions of one note is the later; a tie goes to the larger
 * content so that every process makes the same choice. */
gboolean
bulletin_annotations_note_newer (BulletinNote *a,
                                 BulletinNote *b)
{
  gint64 ma = bulletin_note_get_modified (a), mb = bulletin_note_get_modified (b);
  int cmp;

  if (ma != mb)
    return ma > mb;
  cmp = g_strcmp0 (bulletin_note_get_text (a), bulletin_note_get_text (b));
  if (cmp == 0)
    cmp = g_strcmp0 (bulletin_note_get_quote (a), bulletin_note_get_quote (b));
  return cmp > 0;
}

gboolean
bulletin_annotations_bookmark_newer (BulletinBookmark *a,
                                     BulletinBookmark *b)
{
  gint64 ma = bulletin_bookmark_get_modified (a), mb = bulletin_bookmark_get_modified (b);

  if (ma != mb)
    return ma > mb;
  return g_strcmp0 (bulletin_bookmark_get_headline (a), bulletin_bookmark_get_headline (b)) > 0;
}

/* Drops the records that a tombstone outdates and the tombstones that a
 * later record outdates. */
gboolean
bulletin_annotations_state_apply_deletions (State *state)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, state->notes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *group = bulletin_annotations_note_group (key);
      gint64 *t = g_hash_table_lookup (state->deleted, group);

      if (t == NULL)
        continue;
      if (*t >= bulletin_note_get_modified (value))
        {
          g_hash_table_iter_remove (&iter);
          changed = TRUE;
        }
      else
        g_hash_table_remove (state->deleted, group);
    }

  g_hash_table_iter_init (&iter, state->bookmarks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *group = bulletin_annotations_bookmark_group (key);
      gint64 *t = g_hash_table_lookup (state->deleted, group);

      if (t == NULL)
        continue;
      if (*t >= bulletin_bookmark_get_modified (value))
        {
          g_hash_table_iter_remove (&iter);
          changed = TRUE;
        }
      else
        g_hash_table_remove (state->deleted, group);
    }

  return changed;
}

/* Merges @from into @into, taking @from's objects; returns whether @into
 * changed. */
gboolean
bulletin_annotations_state_merge (State *into,
                                  State *from)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, from->deleted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 old = bulletin_annotations_state_deleted_time (into, key);

      if (*(gint64 *) value > old)
        {
          bulletin_annotations_state_set_deleted (into, key, *(gint64 *) value);
          changed = TRUE;
        }
    }

  g_hash_table_iter_init (&iter, from->notes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BulletinNote *mine = g_hash_table_lookup (into->notes, key);

      if (mine == NULL)
        {
          g_autofree char *group = bulletin_annotations_note_group (key);

          if (bulletin_annotations_state_deleted_time (into, group) >= bulletin_note_get_modified (value))
            continue;
          g_hash_table_insert (into->notes, g_strdup (key), g_object_ref (value));
          changed = TRUE;
        }
      else if (bulletin_annotations_note_newer (value, mine))
        {
          _bulletin_note_assign (mine, value);
          changed = TRUE;
        }
    }

  g_hash_table_iter_init (&iter, from->bookmarks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BulletinBookmark *mine = g_hash_table_lookup (into->bookmarks, key);

      if (mine == NULL)
        {
          g_autofree char *group = bulletin_annotations_bookmark_group (key);

          if (bulletin_annotations_state_deleted_time (into, group) >= bulletin_bookmark_get_modified (value))
            continue;
          g_hash_table_insert (into->bookmarks, g_strdup (key), g_object_ref (value));
          changed = TRUE;
        }
      else if (bulletin_annotations_bookmark_newer (value, mine))
        {
          _bulletin_bookmark_assign (mine, value);
          changed = TRUE;
        }
    }

  g_hash_table_iter_init (&iter, from->positions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Position *theirs = value;
      Position *mine = g_hash_table_lookup (into->positions, key);

      if (mine != NULL && mine->modified >= theirs->modified)
        continue;
      if (mine == NULL)
        {
          mine = g_new0 (Position, 1);
          mine->archive = g_strdup (theirs->archive);
          g_hash_table_insert (into->positions, g_strdup (key), mine);
        }
      g_free (mine->article_id);
      mine->article_id = g_strdup (theirs->article_id);
      g_free (mine->issue_id);
      mine->issue_id = g_strdup (theirs->issue_id);
      mine->offset = theirs->offset;
      mine->modified = theirs->modified;
      changed = TRUE;
    }

  /* groups this version does not know: the file's copy is the latest */
  g_hash_table_iter_init (&iter, from->extra);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (g_hash_table_lookup (into->extra, key), value) != 0)
      {
        g_hash_table_insert (into->extra, g_strdup (key), g_strdup (value));
        changed = TRUE;
      }

  if (bulletin_annotations_state_apply_deletions (into))
    changed = TRUE;

  return changed;
}

/* ---------------------------------------------------------------------- */
/* order of records: as written, and in the models */

gint
bulletin_annotations_compare_notes (gconstpointer a,
                                    gconstpointer b)
{
  BulletinNote *na = *(BulletinNote **) a, *nb = *(BulletinNote **) b;
  gint64 ca = bulletin_note_get_created (na), cb = bulletin_note_get_created (nb);

  if (ca != cb)
    return ca < cb ? -1 : 1;
  return strcmp (bulletin_note_get_uuid (na), bulletin_note_get_uuid (nb));
}

gint
bulletin_annotations_compare_bookmarks (gconstpointer a,
                                        gconstpointer b)
{
  BulletinBookmark *ba = *(BulletinBookmark **) a, *bb = *(BulletinBookmark **) b;
  gint64 ta = bulletin_bookmark_get_added (ba), tb = bulletin_bookmark_get_added (bb);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return strcmp (bulletin_bookmark_get_article_id (ba), bulletin_bookmark_get_article_id (bb));
}

GPtrArray *
bulletin_annotations_sorted_values (GHashTable   *table,
                                    GCompareFunc  compare)
{
  GPtrArray *array = g_ptr_array_new_full (g_hash_table_size (table), NULL);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (array, value);
  g_ptr_array_sort (array, compare);
  return array;
}

gint
bulletin_annotations_compare_positions (gconstpointer a,
                                        gconstpointer b)
{
  const Position *pa = *(Position **) a, *pb = *(Position **) b;

  return strcmp (pa->archive, pb->archive);
}

/**
 * bulletin_annotations_dup_notes_for_article:
 *
 * Returns: (transfer full) (element-type BulletinNote): the article's
 *   notes, article notes first, then by position
 */
gint
bulletin_annotations_compare_by_position (gconstpointer a,
                                          gconstpointer b)
{
  BulletinNote *na = *(BulletinNote **) a, *nb = *(BulletinNote **) b;

  if (bulletin_note_has_range (na) != bulletin_note_has_range (nb))
    return bulletin_note_has_range (na) ? 1 : -1;
  if (bulletin_note_get_start (na) != bulletin_note_get_start (nb))
    return bulletin_note_get_start (na) < bulletin_note_get_start (nb) ? -1 : 1;
  return bulletin_annotations_compare_notes (a, b);
}
