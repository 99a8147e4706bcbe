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

/* "2026-03-01T08:30:00.123456Z" exactly, as this app writes times: read
 * without a GDateTime (a large file holds hundreds of thousands) */
static gboolean
parse_time_quick (const char *s,
                  gint64     *usec)
{
  static const char pattern[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  static const guint8 month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int v[7] = { 0 }, field = 0;
  gint64 y, era, yoe, doy, doe, days;

  for (guint i = 0; i < sizeof pattern - 1; i++)
    {
      if (pattern[i] == 'd')
        {
          if (!g_ascii_isdigit (s[i]))
            return FALSE;
          v[field] = v[field] * 10 + (s[i] - '0');
        }
      else if (s[i] != pattern[i])
        return FALSE;
      else
        field++;
    }
  if (s[sizeof pattern - 1] != '\0' || v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
      v[2] > month_days[v[1] - 1] || v[3] > 23 || v[4] > 59 || v[5] > 59)
    return FALSE;
  if (v[1] == 2 && v[2] == 29 && !g_date_is_leap_year (v[0]))
    return FALSE;
  /* days since 1970-01-01 (Howard Hinnant's days_from_civil) */
  y = v[0] - (v[1] <= 2);
  era = y / 400;
  yoe = y - era * 400;
  doy = (153 * (v[1] + (v[1] > 2 ? -3 : 9)) + 2) / 5 + v[2] - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  days = era * 146097 + doe - 719468;
  *usec = ((days * 24 + v[3]) * 60 + v[4]) * G_GINT64_CONSTANT (60000000) +
          (gint64) v[5] * G_USEC_PER_SEC + v[6];
  return TRUE;
}

gboolean
bulletin_annotations_parse_time (const char *text,
                                 gint64     *usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  if (parse_time_quick (text, usec))
    return TRUE;
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

/* The group of a bookmark, named by the digest it keeps */
char *
bulletin_annotations_group_of_bookmark (BulletinBookmark *bookmark)
{
  const guint8 *digest = _bulletin_bookmark_get_id_digest (bookmark);
  char group[sizeof BOOKMARK_PREFIX + 32];
  char *p = g_stpcpy (group, BOOKMARK_PREFIX);

  for (guint i = 0; i < 16; i++)
    {
      *p++ = "0123456789abcdef"[digest[i] >> 4];
      *p++ = "0123456789abcdef"[digest[i] & 15];
    }
  *p = '\0';
  return g_strdup (group);
}

/* The digest a bookmark's group is named by ("Bookmark " and 32 hex
 * digits, as this app writes it); FALSE for any other name. */
gboolean
bulletin_annotations_bookmark_group_digest (const char *group,
                                            guint8      digest[16])
{
  const char *hex;

  if (!g_str_has_prefix (group, BOOKMARK_PREFIX))
    return FALSE;
  hex = group + strlen (BOOKMARK_PREFIX);
  for (guint i = 0; i < 32; i++)
    if (!g_ascii_isxdigit (hex[i]) || g_ascii_isupper (hex[i]))
      return FALSE;
  if (hex[32] != '\0')
    return FALSE;
  for (guint i = 0; i < 16; i++)
    digest[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]);
  return TRUE;
}

static void
hook_forget (MergeHooks *hooks,
             gpointer    item)
{
  if (hooks != NULL)
    hooks->forget (hooks->data, item);
}

static void
hook_show (MergeHooks *hooks,
           gpointer    item)
{
  if (hooks != NULL)
    hooks->show (hooks->data, item);
}

/* A record and a tombstone of one group: the later stays, a deletion
 * winning a tie. */
static void
settle (State       *state,
        GHashTable  *table,
        const char  *key,
        const char  *group,
        gint64       modified,
        MergeHooks  *hooks)
{
  if (bulletin_annotations_state_deleted_time (state, group) >= modified)
    {
      hook_forget (hooks, g_hash_table_lookup (table, key));
      g_hash_table_remove (table, key);
    }
  else
    g_hash_table_remove (state->deleted, group);
}

/* The bookmarks whose groups are in @digests (16-byte digests, by their
 * first 8 bytes) meet their tombstones: one pass comparing digests, no
 * hashing of ids. */
static void
settle_bookmarks (State      *state,
                  GHashTable *digests,
                  MergeHooks *hooks)
{
  g_autoptr(GPtrArray) hit = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, state->bookmarks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const guint8 *digest = _bulletin_bookmark_get_id_digest (value);
      const guint8 *want = g_hash_table_lookup (digests, digest);

      if (want != NULL && memcmp (want, digest, 16) == 0)
        g_ptr_array_add (hit, g_object_ref (value));
    }
  for (guint i = 0; i < hit->len; i++)
    {
      BulletinBookmark *b = g_ptr_array_index (hit, i);
      g_autofree char *group = bulletin_annotations_group_of_bookmark (b);

      settle (state, state->bookmarks, bulletin_bookmark_get_article_id (b), group,
              bulletin_bookmark_get_modified (b), hooks);
    }
}

/* The tombstones @groups (NULL: all) meet the records of their groups. */
static void
settle_tombstones (State      *state,
                   GPtrArray  *groups,
                   MergeHooks *hooks)
{
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) all = NULL;
  guint8 digest[16];

  if (groups == NULL)
    {
      GHashTableIter iter;
      gpointer key;

      groups = all = g_ptr_array_sized_new (g_hash_table_size (state->deleted));
      g_hash_table_iter_init (&iter, state->deleted);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (all, key);
    }
  for (guint i = 0; i < groups->len; i++)
    {
      const char *group = g_ptr_array_index (groups, i);

      if (g_str_has_prefix (group, NOTE_PREFIX))
        {
          const char *uuid = group + strlen (NOTE_PREFIX);
          BulletinNote *note = g_hash_table_lookup (state->notes, uuid);

          if (note != NULL)
            settle (state, state->notes, uuid, group, bulletin_note_get_modified (note), hooks);
        }
      else if (bulletin_annotations_bookmark_group_digest (group, digest))
        {
          gpointer copy = g_memdup2 (digest, sizeof digest);

          g_hash_table_insert (digests, copy, copy);
        }
    }
  if (g_hash_table_size (digests) > 0)
    settle_bookmarks (state, digests, hooks);
}

/* Drops the records that a tombstone outdates and the tombstones that a
 * later record outdates. */
void
bulletin_annotations_state_apply_deletions (State *state)
{
  settle_tombstones (state, NULL, NULL);
}

/* @from's version of a record whose @mine (or none) @into holds: the
 * later stays in @into, as @mine changed in place, or (@keep_from) as
 * @from's object.  Returns whether @into changed. */
static gboolean
merge_record (State      *into,
              GHashTable *table,
              const char *key,
              const char *group,
              gpointer    mine,
              gpointer    theirs,
              gint64      modified,
              gboolean    theirs_newer,
              gboolean    keep_from,
              MergeHooks *hooks)
{
  gint64 deleted;

  if (mine == NULL)
    {
      deleted = bulletin_annotations_state_deleted_time (into, group);
      if (deleted >= modified)
        return FALSE;
      if (deleted != G_MININT64)
        g_hash_table_remove (into->deleted, group);
      g_hash_table_insert (table, g_strdup (key), g_object_ref (theirs));
      hook_show (hooks, theirs);
      return TRUE;
    }
  if (!keep_from && !theirs_newer)
    return FALSE;
  hook_forget (hooks, mine);
  if (!keep_from)
    {
      /* mine stays the object that the models and the window hold */
      if (BULLETIN_IS_NOTE (mine))
        _bulletin_note_assign (mine, theirs);
      else
        _bulletin_bookmark_assign (mine, theirs);
      hook_show (hooks, mine);
      return TRUE;
    }
  if (!theirs_newer)
    {
      if (BULLETIN_IS_NOTE (mine))
        _bulletin_note_assign (theirs, mine);
      else
        _bulletin_bookmark_assign (theirs, mine);
    }
  g_hash_table_insert (table, g_strdup (key), g_object_ref (theirs));
  hook_show (hooks, theirs);
  return TRUE;
}

/* The notes or bookmarks of @theirs into @table, @into's */
static gboolean
merge_records (State      *into,
               GHashTable *theirs,
               GHashTable *table,
               gboolean    keep_from,
               MergeHooks *hooks)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, theirs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer mine = g_hash_table_lookup (table, key);
      gboolean note = BULLETIN_IS_NOTE (value);
      g_autofree char *group = note ? bulletin_annotations_note_group (key)
                                    : bulletin_annotations_group_of_bookmark (value);
      gint64 modified = note ? bulletin_note_get_modified (value) : bulletin_bookmark_get_modified (value);
      gboolean newer = mine != NULL && (note ? bulletin_annotations_note_newer (value, mine)
                                             : bulletin_annotations_bookmark_newer (value, mine));

      changed |= merge_record (into, table, key, group, mine, value, modified, newer, keep_from, hooks);
    }
  return changed;
}

static gboolean
merge_positions (State *into,
                 State *from)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

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
  return changed;
}

/* Merges @from into @into, group by group, the later version winning; the
 * objects @into keeps are its own (changed in place), or with @keep_from
 * @from's (changed in place: @from is the few changes the window made
 * while @into, the file, was read).  @hooks (or NULL) hear of each record
 * before it changes or goes, and after it came or changed.  Only what
 * @from holds is looked at, so that merging a few changes into many
 * records is quick.  Returns whether @into changed. */
gboolean
bulletin_annotations_state_merge_full (State      *into,
                                       State      *from,
                                       gboolean    keep_from,
                                       MergeHooks *hooks)
{
  g_autoptr(GPtrArray) tombstones = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, from->deleted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) value > bulletin_annotations_state_deleted_time (into, key))
      {
        bulletin_annotations_state_set_deleted (into, key, *(gint64 *) value);
        g_ptr_array_add (tombstones, key);
        changed = TRUE;
      }
  settle_tombstones (into, tombstones, hooks);

  changed |= merge_records (into, from->notes, into->notes, keep_from, hooks);
  changed |= merge_records (into, from->bookmarks, into->bookmarks, keep_from, hooks);
  changed |= merge_positions (into, from);

  /* groups this version does not know: the file's copy is the latest */
  g_hash_table_iter_init (&iter, from->extra);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (keep_from ? !g_hash_table_contains (into->extra, key)
                  : g_strcmp0 (g_hash_table_lookup (into->extra, key), value) != 0)
      {
        g_hash_table_insert (into->extra, g_strdup (key), g_strdup (value));
        changed = TRUE;
      }

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
