/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1  /* SCHED_BATCH */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations.h"

/*
 * One key file holds everything (docs/annotations-format.md).  Every record
 * is a group with a modification time; a deletion leaves a group holding only
 * the time of the deletion (a tombstone).  Merging two states keeps, group by
 * group, whichever happened last, a deletion winning a tie: the merge is
 * commutative and idempotent, so a writer merely merges the file's current
 * content into its own state under the lock and writes the result, and no
 * stale copy can bring a deleted note back.
 */

#define FORMAT_VERSION 1
#define HEADER_GROUP "Bulletin Reader"
#define NOTE_PREFIX "Note "
#define BOOKMARK_PREFIX "Bookmark "
#define POSITION_PREFIX "Position "
#define RELOAD_DELAY_MS 100
#define RETRY_DELAY_S 5
/* temporary files: a name nobody else uses, and only these are cleaned */
#define TEMP_PREFIX "." BULLETIN_ANNOTATIONS_FILE_NAME ".bulletin-tmp-"
#define DAMAGED_INFIX ".damaged-"
/* a group name standing for "many groups" (an import) */
#define ALL_GROUPS "*"

G_DEFINE_QUARK (bulletin-annotations-error-quark, bulletin_annotations_error)

typedef struct {
  char   *archive;
  char   *issue_id;
  char   *article_id;
  guint   offset;
  gint64  modified;
} Position;

typedef struct {
  GHashTable *notes;      /* uuid -> BulletinNote */
  GHashTable *bookmarks;  /* article id -> BulletinBookmark */
  GHashTable *positions;  /* archive uri -> Position */
  GHashTable *deleted;    /* group name -> gint64 time of deletion */
  GHashTable *extra;      /* group name -> text: groups of a newer version, kept as they are */
} State;

typedef struct _Seen Seen;

/* A record as written: reused while the record keeps its time. */
typedef struct {
  gboolean  tombstone;
  gint64    stamp;
  char     *text;
} Chunk;

struct _BulletinAnnotations
{
  GObject       parent_instance;

  char         *dir;
  char         *path;
  char         *lock_path;

  State         state;
  /* group name -> Chunk: what each record was last written as */
  GHashTable   *written;
  /* group name -> hash of its text as the file held it when we last read
   * or wrote it; a group unchanged since need not be parsed again */
  Seen         *seen;
  GListStore   *bookmark_model;
  GListStore   *note_model;

  GFileMonitor *monitor;
  guint         reload_source;
  gboolean      monitored;

  /* the file as we last read or wrote it: unchanged, it need not be read */
  gboolean      have_stat;
  struct stat   last_stat;
  /* changes not yet written (a write failed) */
  gboolean      dirty;
  gboolean      loaded;
  /* group names changed and not yet written (ALL_GROUPS: many); retried
   * every RETRY_DELAY_S and at the next change */
  GHashTable   *unsaved;
  guint         retry_source;
  char         *last_error;

  /* writing in a thread (set_async_writes): the thread serializes the
   * state under state_lock, which every change of the state, `written`
   * and `seen` takes while a write may run; changes made meanwhile are
   * written by the next write */
  gboolean      async_writes;
  GMutex        state_lock;
  gboolean      writing;        /* a write thread runs */
  gboolean      write_again;    /* changes came while it ran */
  gboolean      reload_again;   /* the file changed while it ran */
  guint         write_source;   /* a write is scheduled */
  guint64       change_gen;     /* counts changes */
};

G_DEFINE_FINAL_TYPE (BulletinAnnotations, bulletin_annotations, G_TYPE_OBJECT)

enum {
  CHANGED,
  PROBLEM,
  SAVE_STATE_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

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

static void
state_init (State *state)
{
  state->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  state->bookmarks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  state->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) position_free);
  state->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
state_clear (State *state)
{
  g_clear_pointer (&state->notes, g_hash_table_unref);
  g_clear_pointer (&state->bookmarks, g_hash_table_unref);
  g_clear_pointer (&state->positions, g_hash_table_unref);
  g_clear_pointer (&state->deleted, g_hash_table_unref);
  g_clear_pointer (&state->extra, g_hash_table_unref);
}

static gboolean
state_is_empty (State *state)
{
  return g_hash_table_size (state->notes) == 0 && g_hash_table_size (state->bookmarks) == 0 &&
         g_hash_table_size (state->positions) == 0 && g_hash_table_size (state->deleted) == 0 &&
         g_hash_table_size (state->extra) == 0;
}

static char *
note_group (const char *uuid)
{
  return g_strconcat (NOTE_PREFIX, uuid, NULL);
}

/* Article ids are URIs and may hold what a group name cannot ([, ], line
 * ends): the group is named by a digest, the id is a key inside. */
static char *
digest_group (const char *prefix,
              const char *key)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

  sum[32] = '\0';
  return g_strconcat (prefix, sum, NULL);
}

static char *
bookmark_group (const char *article_id)
{
  return digest_group (BOOKMARK_PREFIX, article_id);
}

static gint64
state_deleted_time (State      *state,
                    const char *group)
{
  gint64 *t = g_hash_table_lookup (state->deleted, group);

  return t != NULL ? *t : G_MININT64;
}

static void
state_set_deleted (State      *state,
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
static gboolean
note_newer (BulletinNote *a,
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

static gboolean
bookmark_newer (BulletinBookmark *a,
                BulletinBookmark *b)
{
  gint64 ma = bulletin_bookmark_get_modified (a), mb = bulletin_bookmark_get_modified (b);

  if (ma != mb)
    return ma > mb;
  return g_strcmp0 (bulletin_bookmark_get_headline (a), bulletin_bookmark_get_headline (b)) > 0;
}

/* Drops the records that a tombstone outdates and the tombstones that a
 * later record outdates. */
static gboolean
state_apply_deletions (State *state)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, state->notes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *group = note_group (key);
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
      g_autofree char *group = bookmark_group (key);
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
static gboolean
state_merge (State *into,
             State *from)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, from->deleted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 old = state_deleted_time (into, key);

      if (*(gint64 *) value > old)
        {
          state_set_deleted (into, key, *(gint64 *) value);
          changed = TRUE;
        }
    }

  g_hash_table_iter_init (&iter, from->notes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BulletinNote *mine = g_hash_table_lookup (into->notes, key);

      if (mine == NULL)
        {
          g_autofree char *group = note_group (key);

          if (state_deleted_time (into, group) >= bulletin_note_get_modified (value))
            continue;
          g_hash_table_insert (into->notes, g_strdup (key), g_object_ref (value));
          changed = TRUE;
        }
      else if (note_newer (value, mine))
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
          g_autofree char *group = bookmark_group (key);

          if (state_deleted_time (into, group) >= bulletin_bookmark_get_modified (value))
            continue;
          g_hash_table_insert (into->bookmarks, g_strdup (key), g_object_ref (value));
          changed = TRUE;
        }
      else if (bookmark_newer (value, mine))
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

  if (state_apply_deletions (into))
    changed = TRUE;

  return changed;
}

/* ---------------------------------------------------------------------- */
/* reading */

/* One group's keys and their values, unescaped (a value NULL: it did
 * not unescape), read by a quick reader for groups as this app writes
 * them, or taken from a GKeyFile for anything else. */
typedef struct {
  GPtrArray *pairs;  /* key, value, key, value... */
} Keys;

static void
keys_init (Keys *keys)
{
  keys->pairs = g_ptr_array_new_with_free_func (g_free);
}

static void
keys_clear (Keys *keys)
{
  g_clear_pointer (&keys->pairs, g_ptr_array_unref);
}

static gboolean
keys_has (Keys       *keys,
          const char *key)
{
  for (guint i = 0; i + 1 < keys->pairs->len; i += 2)
    if (strcmp (g_ptr_array_index (keys->pairs, i), key) == 0)
      return TRUE;
  return FALSE;
}

static void
keys_from_key_file (Keys       *keys,
                    GKeyFile   *kf,
                    const char *group)
{
  g_auto(GStrv) names = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_ptr_array_add (keys->pairs, g_strdup (names[i]));
      g_ptr_array_add (keys->pairs, g_key_file_get_string (kf, group, names[i], NULL));
    }
}

/* Reads @text, one group ("[name]" then key=value lines), if it is as this
 * app writes it: keys of letters, digits and '-' right before '=', values
 * without white space at either end and with only the escapes \s \n \t
 * \r \\, comments and blank lines anywhere.  FALSE for
 * anything else, which GKeyFile then reads. */
static gboolean
keys_read_quick (Keys       *keys,
                 const char *group,
                 const char *text,
                 gsize       length)
{
  const char *p = text, *text_end = text + length, *nl;
  gsize group_len = strlen (group);

  if (length < group_len + 2 || p[0] != '[' || strncmp (p + 1, group, group_len) != 0 ||
      p[group_len + 1] != ']')
    return FALSE;
  p += group_len + 2;
  if (p < text_end && *p == '\n')
    p++;
  else if (p != text_end)
    return FALSE;

  for (; p < text_end; p = nl != NULL ? nl + 1 : text_end)
    {
      const char *end, *k = p, *v;
      GString *value;

      nl = memchr (p, '\n', text_end - p);
      end = nl != NULL ? nl : text_end;
      if (end == p || *p == '#')
        continue;
      while (k < end && (g_ascii_isalnum (*k) || *k == '-'))
        k++;
      if (k == p || k == end || *k != '=')
        return FALSE;
      v = k + 1;
      if (v < end && (*v == ' ' || *v == '\t'))
        return FALSE;
      if (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        return FALSE;
      g_ptr_array_add (keys->pairs, g_strndup (p, k - p));
      value = g_string_sized_new (end - v);
      for (const char *c = v; c < end; c++)
        {
          if (*c != '\\')
            {
              g_string_append_c (value, *c);
              continue;
            }
          c++;
          switch (c < end ? *c : '\0')
            {
            case 's': g_string_append_c (value, ' '); break;
            case 'n': g_string_append_c (value, '\n'); break;
            case 't': g_string_append_c (value, '\t'); break;
            case 'r': g_string_append_c (value, '\r'); break;
            case '\\': g_string_append_c (value, '\\'); break;
            default:
              g_string_free (value, TRUE);
              return FALSE;
            }
        }
      g_ptr_array_add (keys->pairs, g_string_free (value, FALSE));
    }
  return TRUE;
}

/* The value of @key, taken out of @kf (each key is read once: no copy is
 * made).  A key given twice: the last one counts, as in GKeyFile. */
static char *
get_string (Keys       *kf,
            const char *group,
            const char *key)
{
  for (guint i = kf->pairs->len; i >= 2; i -= 2)
    if (strcmp (g_ptr_array_index (kf->pairs, i - 2), key) == 0)
      return g_steal_pointer (&kf->pairs->pdata[i - 1]);
  return NULL;
}

static gboolean
get_time (Keys       *kf,
          const char *group,
          const char *key,
          gint64     *usec)
{
  g_autofree char *s = get_string (kf, group, key);

  return bulletin_annotations_parse_time (s, usec);
}

static gboolean
get_offset (Keys       *kf,
            const char *group,
            const char *key,
            guint      *offset)
{
  g_autofree char *s = get_string (kf, group, key);
  guint64 v;

  if (s == NULL || !g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT, &v, NULL))
    return FALSE;
  *offset = v;
  return TRUE;
}

/* A group that holds only `deleted=`; FALSE if it is not a tombstone. */
static gboolean
parse_tombstone (Keys       *kf,
                 const char *group,
                 State      *state,
                 gboolean   *ok)
{
  gint64 when;

  if (!keys_has (kf, "deleted"))
    return FALSE;
  *ok = get_time (kf, group, "deleted", &when);
  if (*ok)
    state_set_deleted (state, group, when);
  return TRUE;
}

static gboolean
parse_note (Keys       *kf,
            const char *group,
            State      *state)
{
  const char *uuid = group + strlen (NOTE_PREFIX);
  g_autofree char *article = NULL;
  g_autofree char *text = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *issue_id = NULL;
  g_autofree char *issue_title = NULL;
  g_autofree char *issue_date = NULL;
  g_autofree char *quote = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *archive_name = NULL;
  g_autoptr(BulletinNote) note = NULL;
  gint64 created, modified;
  guint start = 0, end = 0;
  gboolean ok = TRUE;

  if (*uuid == '\0')
    return FALSE;
  if (parse_tombstone (kf, group, state, &ok) && !keys_has (kf, "article"))
    return ok;

  article = get_string (kf, group, "article");
  text = get_string (kf, group, "text");
  if (article == NULL || text == NULL ||
      !get_time (kf, group, "created", &created) ||
      !get_time (kf, group, "modified", &modified))
    return FALSE;

  quote = get_string (kf, group, "quote");
  if (quote != NULL &&
      (!get_offset (kf, group, "start", &start) ||
       !get_offset (kf, group, "end", &end) || end < start))
    return FALSE;

  headline = get_string (kf, group, "headline");
  issue_id = get_string (kf, group, "issue-id");
  issue_title = get_string (kf, group, "issue");
  issue_date = get_string (kf, group, "issue-date");
  before = get_string (kf, group, "before");
  after = get_string (kf, group, "after");
  /* optional: files written before they were kept lack them */
  archive = get_string (kf, group, "archive");
  archive_name = get_string (kf, group, "archive-name");

  note = _bulletin_note_new_with_uuid (uuid, article);
  bulletin_note_set_text (note, text);
  bulletin_note_set_headline (note, headline);
  bulletin_note_set_issue (note, issue_id, issue_title, issue_date);
  bulletin_note_set_archive (note, archive, archive_name);
  if (quote != NULL)
    bulletin_note_set_range (note, start, end, quote, before ? before : "", after ? after : "");
  bulletin_note_set_times (note, created, modified);

  {
    BulletinNote *old = g_hash_table_lookup (state->notes, uuid);

    if (old == NULL || note_newer (note, old))
      g_hash_table_insert (state->notes, g_strdup (uuid), g_steal_pointer (&note));
  }
  return ok;
}

static gboolean
parse_bookmark (Keys       *kf,
                const char *group,
                State      *state)
{
  g_autofree char *article = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *issue_id = NULL;
  g_autofree char *issue_title = NULL;
  g_autofree char *issue_date = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *archive_name = NULL;
  g_autoptr(BulletinBookmark) bookmark = NULL;
  gint64 added, modified;
  gboolean ok = TRUE;

  if (parse_tombstone (kf, group, state, &ok) && !keys_has (kf, "article"))
    return ok;

  article = get_string (kf, group, "article");
  if (article == NULL ||
      !get_time (kf, group, "added", &added) ||
      !get_time (kf, group, "modified", &modified))
    return FALSE;

  headline = get_string (kf, group, "headline");
  issue_id = get_string (kf, group, "issue-id");
  issue_title = get_string (kf, group, "issue");
  issue_date = get_string (kf, group, "issue-date");
  archive = get_string (kf, group, "archive");
  archive_name = get_string (kf, group, "archive-name");

  bookmark = bulletin_bookmark_new (article);
  bulletin_bookmark_set_headline (bookmark, headline);
  bulletin_bookmark_set_issue (bookmark, issue_id, issue_title, issue_date);
  bulletin_bookmark_set_archive (bookmark, archive, archive_name);
  bulletin_bookmark_set_times (bookmark, added, modified);

  {
    BulletinBookmark *old = g_hash_table_lookup (state->bookmarks, article);

    if (old == NULL || bookmark_newer (bookmark, old))
      g_hash_table_insert (state->bookmarks, g_strdup (article), g_steal_pointer (&bookmark));
  }
  return ok;
}

static gboolean
parse_position (Keys       *kf,
                const char *group,
                State      *state)
{
  g_autofree char *archive = get_string (kf, group, "archive");
  g_autofree char *article = get_string (kf, group, "article");
  Position *pos, *old;
  gint64 modified;
  guint offset;

  if (archive == NULL || article == NULL ||
      !get_offset (kf, group, "offset", &offset) ||
      !get_time (kf, group, "modified", &modified))
    return FALSE;

  old = g_hash_table_lookup (state->positions, archive);
  if (old != NULL && old->modified >= modified)
    return TRUE;

  pos = g_new0 (Position, 1);
  pos->archive = g_strdup (archive);
  pos->issue_id = get_string (kf, group, "issue-id");
  pos->article_id = g_steal_pointer (&article);
  pos->offset = offset;
  pos->modified = modified;
  g_hash_table_insert (state->positions, g_steal_pointer (&archive), pos);
  return TRUE;
}

/* Reads one group of @kf into @state; @text, the group as written, is kept
 * for groups this version does not know.  FALSE if it is incomplete. */
static gboolean
parse_group (Keys       *kf,
             const char *group,
             const char *text,
             State      *state)
{
  if (g_str_equal (group, HEADER_GROUP))
    return TRUE;
  if (g_str_has_prefix (group, NOTE_PREFIX))
    return parse_note (kf, group, state);
  if (g_str_has_prefix (group, BOOKMARK_PREFIX))
    return parse_bookmark (kf, group, state);
  if (g_str_has_prefix (group, POSITION_PREFIX))
    return parse_position (kf, group, state);
  g_hash_table_insert (state->extra, g_strdup (group), g_strdup (text));
  return TRUE;
}

static guint
parse_key_file (GKeyFile   *kf,
                const char *text,
                State      *state)
{
  g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);
  guint bad = 0;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      Keys keys;

      keys_init (&keys);
      keys_from_key_file (&keys, kf, groups[i]);
      if (!parse_group (&keys, groups[i], text, state))
        bad++;
      keys_clear (&keys);
    }
  return bad;
}

static gboolean
line_is_group (const char *line)
{
  g_autofree char *s = g_strstrip (g_strdup (line));
  gsize n = strlen (s);

  return n >= 2 && s[0] == '[' && s[n - 1] == ']';
}

/* Keeps what can be read of a damaged file: each group on its own, and in
 * a group that does not parse, the lines that do. */
static void
recover (const char *data,
         gsize       length,
         State      *state)
{
  g_autofree char *valid = g_utf8_make_valid (data, length);
  g_auto(GStrv) lines = g_strsplit (valid, "\n", -1);
  g_autoptr(GString) chunk = g_string_new (NULL);

  for (guint i = 0; ; i++)
    {
      const char *line = lines[i];

      if (line == NULL || line_is_group (line))
        {
          if (chunk->len > 0)
            {
              g_autoptr(GKeyFile) kf = g_key_file_new ();

              if (g_key_file_load_from_data (kf, chunk->str, chunk->len, G_KEY_FILE_NONE, NULL))
                parse_key_file (kf, chunk->str, state);
              else
                {
                  /* line by line: keep the header and the key=value lines
                   * that parse, in order */
                  g_auto(GStrv) chunk_lines = g_strsplit (chunk->str, "\n", -1);
                  g_autoptr(GString) kept = g_string_new (NULL);

                  for (guint j = 0; chunk_lines[j] != NULL; j++)
                    {
                      g_autoptr(GKeyFile) probe = g_key_file_new ();
                      g_autofree char *test = NULL;

                      if (j == 0 && line_is_group (chunk_lines[j]))
                        {
                          g_string_append_printf (kept, "%s\n", chunk_lines[j]);
                          continue;
                        }
                      test = g_strdup_printf ("[x]\n%s\n", chunk_lines[j]);
                      if (g_key_file_load_from_data (probe, test, -1, G_KEY_FILE_NONE, NULL))
                        g_string_append_printf (kept, "%s\n", chunk_lines[j]);
                    }
                  g_key_file_unref (kf);
                  kf = g_key_file_new ();
                  if (g_key_file_load_from_data (kf, kept->str, kept->len, G_KEY_FILE_NONE, NULL))
                    parse_key_file (kf, kept->str, state);
                }
            }
          g_string_truncate (chunk, 0);
          if (line == NULL)
            break;
        }
      g_string_append_printf (chunk, "%s\n", line);
    }
}

/* What `seen` keeps of a group: a 64-bit hash of its text, not the
 * text (which would double the memory a large file takes).  Only groups
 * changed since are parsed again when another writer's file is merged. */
static guint64
text_hash (const char *text,
           gsize       n)
{
  /* eight bytes at a time, each word mixed in by a multiply and a shift
   * (FNV-1a a byte at a time was a tenth of the load of a large file) */
  const guint64 prime = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037) ^ (n * prime);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 w;

      memcpy (&w, text + i, 8);
      h = (h ^ w) * prime;
      h ^= h >> 29;
    }
  if (i < n)
    {
      guint64 w = 0;

      memcpy (&w, text + i, n - i);
      h = (h ^ w) * prime;
      h ^= h >> 29;
    }
  h *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  return h ^ (h >> 31);
}

/* group name -> hash of its text, as 64-bit hashes of both in an open
 * addressing table: 16 bytes a group, no allocation per group */
struct _Seen {
  guint64 *slots;  /* key, value, key, value...; key 0: empty */
  gsize    mask;   /* capacity - 1, a power of two */
  gsize    n;
};

/* room for @n groups without growing (a table at most 7/8 full) */
static Seen *
seen_new_for (gsize n)
{
  Seen *seen = g_new0 (Seen, 1);
  gsize cap = 256;

  while (n * 8 > cap * 7)
    cap *= 2;
  seen->mask = cap - 1;
  seen->slots = g_new0 (guint64, 2 * cap);
  return seen;
}

static Seen *
seen_new (void)
{
  return seen_new_for (0);
}

static void
seen_free (Seen *seen)
{
  if (seen == NULL)
    return;
  g_free (seen->slots);
  g_free (seen);
}

static void
seen_clear (Seen *seen)
{
  memset (seen->slots, 0, 2 * (seen->mask + 1) * sizeof (guint64));
  seen->n = 0;
}

static guint64
group_key (const char *group)
{
  guint64 key = text_hash (group, strlen (group));

  return key != 0 ? key : 1;
}

static gsize
seen_slot (Seen    *seen,
           guint64  key)
{
  gsize i = (gsize) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 17) & seen->mask;

  while (seen->slots[2 * i] != 0 && seen->slots[2 * i] != key)
    i = (i + 1) & seen->mask;
  return i;
}

static void
seen_set (Seen    *seen,
          guint64  key,
          guint64  value)
{
  gsize i;

  /* at most 7/8 full (linear probing with a mixed 64-bit key stays short
   * there): a save builds a second table beside the first, and 100,000
   * notes and bookmarks then cost 4 MiB a table rather than 8 */
  if ((seen->n + 1) * 8 > (seen->mask + 1) * 7)
    {
      guint64 *old = seen->slots;
      gsize old_cap = seen->mask + 1;

      seen->mask = 2 * old_cap - 1;
      seen->slots = g_new0 (guint64, 2 * (seen->mask + 1));
      for (gsize j = 0; j < old_cap; j++)
        if (old[2 * j] != 0)
          {
            i = seen_slot (seen, old[2 * j]);
            seen->slots[2 * i] = old[2 * j];
            seen->slots[2 * i + 1] = old[2 * j + 1];
          }
      g_free (old);
    }
  i = seen_slot (seen, key);
  if (seen->slots[2 * i] == 0)
    seen->n++;
  seen->slots[2 * i] = key;
  seen->slots[2 * i + 1] = value;
}

static gboolean
seen_get (Seen    *seen,
          guint64  key,
          guint64 *value)
{
  gsize i = seen_slot (seen, key);

  if (seen->slots[2 * i] == 0)
    return FALSE;
  *value = seen->slots[2 * i + 1];
  return TRUE;
}

static void
seen_put (Seen       *seen,
          const char *group,
          const char *text,
          gsize       n)
{
  seen_set (seen, group_key (group), text_hash (text, n));
}

/* A group of the file: its name, and its text where it is in the file
 * (not a copy) */
typedef struct {
  char       *group;
  const char *text;
  gsize       length;
} RawGroup;

static void
raw_group_free (RawGroup *raw)
{
  g_free (raw->group);
  g_free (raw);
}

static void
add_raw_group (GPtrArray  *out,
               char       *group,
               const char *start,
               const char *end)
{
  RawGroup *raw;

  if (group == NULL)
    return;
  raw = g_new (RawGroup, 1);
  raw->group = group;
  raw->text = start;
  raw->length = end - start;
  g_ptr_array_add (out, raw);
}

/* Splits a key file into its groups, checking every line as GKeyFile
 * would: FALSE, with the reason, at the first that is no key file line. */
static gboolean
split_groups (const char  *data,
              gsize        length,
              GPtrArray   *out,
              char       **reason)
{
  const char *p = data, *end = data + length;
  const char *chunk_start = NULL, *chunk_end = NULL;
  char *group = NULL;
  guint line_no = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      const char *next = nl != NULL ? nl + 1 : end;
      const char *s = p, *e = line_end;

      line_no++;
      while (s < e && (*s == ' ' || *s == '\t'))
        s++;
      while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;

      if (s == e || *s == '#')
        ;
      else if (*s == '[')
        {
          if (e - s < 3 || e[-1] != ']' ||
              memchr (s + 1, '[', e - s - 2) != NULL || memchr (s + 1, ']', e - s - 2) != NULL)
            {
              g_free (group);
              *reason = g_strdup_printf (_("line %u is a broken group header"), line_no);
              return FALSE;
            }
          add_raw_group (out, group, chunk_start, chunk_end);
          group = g_strndup (s + 1, e - s - 2);
          chunk_start = p;
        }
      else
        {
          const char *eq = memchr (s, '=', e - s);

          if (group == NULL || eq == NULL || eq == s)
            {
              g_free (group);
              *reason = g_strdup_printf (_("line %u is not of the form “key=value”"), line_no);
              return FALSE;
            }
        }
      if (s != e && group != NULL)
        chunk_end = line_end;
      p = next;
    }
  add_raw_group (out, group, chunk_start, chunk_end);
  return TRUE;
}

/* Parses @data into @state; FALSE if anything could not be read (what
 * could is in @state all the same).  Groups whose text is what @seen holds
 * were read before and are skipped; @now_seen receives every group's
 * text. */
static gboolean
parse_piece (const char  *data,
             gsize        length,
             State       *state,
             Seen        *seen,
             Seen        *now_seen,
             guint       *bad,
             char       **reason)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_group_free);

  if (!g_utf8_validate_len (data, length, NULL))
    {
      *reason = g_strdup (_("it is not valid UTF-8 text"));
      return FALSE;
    }
  if (!split_groups (data, length, groups, reason))
    return FALSE;

  for (guint i = 0; i < groups->len; i++)
    {
      RawGroup *raw = g_ptr_array_index (groups, i);
      guint64 hash = text_hash (raw->text, raw->length);
      guint64 key = group_key (raw->group), was;

      if (seen == NULL || !seen_get (seen, key, &was) || was != hash)
        {
          g_autoptr(GKeyFile) kf = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *copy = NULL;
          Keys keys;
          gboolean quick, known;

          /* the text itself is kept only for groups of a newer version */
          known = g_str_equal (raw->group, HEADER_GROUP) || g_str_has_prefix (raw->group, NOTE_PREFIX) ||
                  g_str_has_prefix (raw->group, BOOKMARK_PREFIX) || g_str_has_prefix (raw->group, POSITION_PREFIX);
          keys_init (&keys);
          quick = keys_read_quick (&keys, raw->group, raw->text, raw->length);
          if (quick)
            {
              if (!known)
                copy = g_strndup (raw->text, raw->length);
              if (!parse_group (&keys, raw->group, copy != NULL ? copy : "", state))
                (*bad)++;
            }
          keys_clear (&keys);
          if (quick)
            goto next;

          copy = g_strndup (raw->text, raw->length);
          kf = g_key_file_new ();
          if (!g_key_file_load_from_data (kf, copy, -1, G_KEY_FILE_NONE, &error))
            {
              *reason = g_strdup (error->message);
              return FALSE;
            }
          *bad += parse_key_file (kf, copy, state);
        }
    next:
      if (now_seen != NULL)
        seen_set (now_seen, key, hash);
    }
  return TRUE;
}

static char *
incomplete_reason (guint bad)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u entry is incomplete",
                                       "%u entries are incomplete", bad), bad);
}

/* Parses @data into @state; FALSE if anything could not be read (what
 * could is in @state all the same).  Groups whose text is what @seen holds
 * (by hash) were read before and are skipped; @now_seen receives every
 * group's hash. */
static gboolean
parse_data (const char  *data,
            gsize        length,
            State       *state,
            Seen        *seen,
            Seen        *now_seen,
            char       **reason)
{
  guint bad = 0;

  if (!parse_piece (data, length, state, seen, now_seen, &bad, reason))
    {
      recover (data, length, state);
      return FALSE;
    }
  if (bad > 0)
    {
      *reason = incomplete_reason (bad);
      return FALSE;
    }
  return TRUE;
}

#define PIECE_SIZE (1 << 20)

/* parse_data () on the file at @path, read a piece at a time (whole
 * groups: a piece ends before a line that starts with '['), so that a
 * large file is never in memory whole.  A damaged file is read again
 * whole, for recover ().  Returns 1 when read completely, 0 when damaged
 * (@reason; what could be read is in @state), -1 when it cannot be read
 * (@error). */
static int
parse_file (const char  *path,
            State       *state,
            Seen        *seen,
            Seen        *now_seen,
            char       **reason,
            GError     **error)
{
  g_autofree char *data = NULL;
  GString *buf;
  gboolean at_end = FALSE;
  guint bad = 0;
  gsize length;
  int fd, saved;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return -1;
    }
  buf = g_string_sized_new (PIECE_SIZE + 4096);
  while (!at_end)
    {
      gsize old_len = buf->len, cut = 0;
      gssize n;

      g_string_set_size (buf, old_len + PIECE_SIZE);
      do
        n = read (fd, buf->str + old_len, PIECE_SIZE);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          saved = errno;
          close (fd);
          g_string_free (buf, TRUE);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
          return -1;
        }
      g_string_set_size (buf, old_len + n);
      at_end = n == 0;

      if (at_end)
        cut = buf->len;
      else
        for (gsize k = buf->len; k > 1; k--)
          if (buf->str[k - 1] == '[' && buf->str[k - 2] == '\n')
            {
              cut = k - 1;
              break;
            }
      if (cut == 0)
        continue;
      if (!parse_piece (buf->str, cut, state, seen, now_seen, &bad, reason))
        goto whole;
      g_string_erase (buf, 0, cut);
    }
  close (fd);
  g_string_free (buf, TRUE);
  if (bad > 0)
    {
      *reason = incomplete_reason (bad);
      return 0;
    }
  return 1;

whole:
  /* damaged: read it as one, as a damaged file always was */
  close (fd);
  g_string_free (buf, TRUE);
  g_clear_pointer (reason, g_free);
  state_clear (state);
  state_init (state);
  if (now_seen != NULL)
    seen_clear (now_seen);
  if (!g_file_get_contents (path, &data, &length, error))
    return -1;
  return parse_data (data, length, state, seen, now_seen, reason) ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* writing */

static gint
compare_notes (gconstpointer a,
               gconstpointer b)
{
  BulletinNote *na = *(BulletinNote **) a, *nb = *(BulletinNote **) b;
  gint64 ca = bulletin_note_get_created (na), cb = bulletin_note_get_created (nb);

  if (ca != cb)
    return ca < cb ? -1 : 1;
  return strcmp (bulletin_note_get_uuid (na), bulletin_note_get_uuid (nb));
}

static gint
compare_bookmarks (gconstpointer a,
                   gconstpointer b)
{
  BulletinBookmark *ba = *(BulletinBookmark **) a, *bb = *(BulletinBookmark **) b;
  gint64 ta = bulletin_bookmark_get_added (ba), tb = bulletin_bookmark_get_added (bb);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return strcmp (bulletin_bookmark_get_article_id (ba), bulletin_bookmark_get_article_id (bb));
}

static GPtrArray *
sorted_values (GHashTable   *table,
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

static gint
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  const Position *pa = *(Position **) a, *pb = *(Position **) b;

  return strcmp (pa->archive, pb->archive);
}

/* key=value, escaped as GKeyFile escapes a string (and a tab anywhere) */
static void
append_value (GString    *out,
              const char *key,
              const char *value)
{
  if (value == NULL)
    return;

  g_string_append (out, key);
  g_string_append_c (out, '=');
  for (const char *p = value; *p; p++)
    switch (*p)
      {
      case ' ':
        g_string_append (out, p == value ? "\\s" : " ");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      default:
        g_string_append_c (out, *p);
      }
  g_string_append_c (out, '\n');
}

static void
append_time (GString    *out,
             const char *key,
             gint64      usec)
{
  g_autofree char *s = bulletin_annotations_format_time (usec);

  append_value (out, key, s);
}

static void
append_uint (GString    *out,
             const char *key,
             guint       value)
{
  g_string_append_printf (out, "%s=%u\n", key, value);
}

static char *
note_to_text (const char   *group,
              BulletinNote *n)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[%s]\n", group);
  append_value (out, "article", bulletin_note_get_article_id (n));
  append_value (out, "headline", bulletin_note_get_headline (n));
  append_value (out, "issue", bulletin_note_get_issue_title (n));
  append_value (out, "issue-date", bulletin_note_get_issue_date (n));
  append_value (out, "issue-id", bulletin_note_get_issue_id (n));
  append_value (out, "archive", bulletin_note_get_archive_uri (n));
  append_value (out, "archive-name", bulletin_note_get_archive_name (n));
  if (bulletin_note_has_range (n))
    {
      append_uint (out, "start", bulletin_note_get_start (n));
      append_uint (out, "end", bulletin_note_get_end (n));
      append_value (out, "quote", bulletin_note_get_quote (n));
      append_value (out, "before", bulletin_note_get_context_before (n));
      append_value (out, "after", bulletin_note_get_context_after (n));
    }
  append_value (out, "text", bulletin_note_get_text (n));
  append_time (out, "created", bulletin_note_get_created (n));
  append_time (out, "modified", bulletin_note_get_modified (n));
  return g_string_free (out, FALSE);
}

static char *
bookmark_to_text (const char       *group,
                  BulletinBookmark *b)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[%s]\n", group);
  append_value (out, "article", bulletin_bookmark_get_article_id (b));
  append_value (out, "headline", bulletin_bookmark_get_headline (b));
  append_value (out, "issue", bulletin_bookmark_get_issue_title (b));
  append_value (out, "issue-date", bulletin_bookmark_get_issue_date (b));
  append_value (out, "issue-id", bulletin_bookmark_get_issue_id (b));
  append_value (out, "archive", bulletin_bookmark_get_archive_uri (b));
  append_value (out, "archive-name", bulletin_bookmark_get_archive_name (b));
  append_time (out, "added", bulletin_bookmark_get_added (b));
  append_time (out, "modified", bulletin_bookmark_get_modified (b));
  return g_string_free (out, FALSE);
}

static char *
position_to_text (const char *group,
                  Position   *pos)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[%s]\n", group);
  append_value (out, "archive", pos->archive);
  append_value (out, "issue-id", pos->issue_id);
  append_value (out, "article", pos->article_id);
  append_uint (out, "offset", pos->offset);
  append_time (out, "modified", pos->modified);
  return g_string_free (out, FALSE);
}

static char *
tombstone_to_text (const char *group,
                   gint64      when)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[%s]\n", group);
  append_time (out, "deleted", when);
  return g_string_free (out, FALSE);
}

static void
chunk_free (Chunk *chunk)
{
  g_free (chunk->text);
  g_free (chunk);
}

typedef struct {
  GString    *out;
  GHashTable *old;      /* the cache of the last write, or NULL */
  GHashTable *fresh;    /* the cache of this write */
  Seen       *now_seen; /* group -> hash of its text, or NULL */
} Writer;

/* Writes one group, reusing its last text while the record keeps its
 * time; @make is called only when it changed. */
static void
write_group (Writer     *w,
             const char *group,
             gboolean    tombstone,
             gint64      stamp,
             char     *(*make) (const char *, gpointer),
             gpointer    data)
{
  Chunk *chunk = NULL;
  gpointer old_key = NULL;

  if (w->old != NULL &&
      g_hash_table_steal_extended (w->old, group, &old_key, (gpointer *) &chunk) &&
      (chunk->tombstone != tombstone || chunk->stamp != stamp))
    {
      chunk_free (chunk);
      chunk = NULL;
    }
  g_free (old_key);
  if (chunk == NULL)
    {
      chunk = g_new (Chunk, 1);
      chunk->tombstone = tombstone;
      chunk->stamp = stamp;
      chunk->text = make (group, data);
    }

  g_string_append_c (w->out, '\n');
  g_string_append (w->out, chunk->text);
  if (w->now_seen != NULL)
    {
      /* as split_groups () will see it: without the last line end */
      gsize n = strlen (chunk->text);
      seen_put (w->now_seen, group, chunk->text, n > 0 && chunk->text[n - 1] == '\n' ? n - 1 : n);
    }
  if (w->fresh != NULL)
    g_hash_table_insert (w->fresh, g_strdup (group), chunk);
  else
    chunk_free (chunk);
}

static char *
tombstone_make (const char *group,
                gpointer    data)
{
  return tombstone_to_text (group, *(gint64 *) data);
}

/* The state as the key file's text.  @cache (group -> Chunk) is used and
 * renewed when given; @now_seen receives each group's text. */
static char *
state_to_data (State       *state,
               GHashTable **cache,
               Seen        *now_seen,
               gsize       *length)
{
  g_autoptr(GPtrArray) positions = sorted_values (state->positions, compare_positions);
  g_autoptr(GPtrArray) bookmarks = sorted_values (state->bookmarks, compare_bookmarks);
  g_autoptr(GPtrArray) notes = sorted_values (state->notes, compare_notes);
  g_autoptr(GList) deleted = g_list_sort (g_hash_table_get_keys (state->deleted),
                                          (GCompareFunc) strcmp);
  g_autoptr(GList) extra = g_list_sort (g_hash_table_get_keys (state->extra),
                                        (GCompareFunc) strcmp);
  Writer w;

  w.out = g_string_new ("# Bulletin Reader: bookmarks, notes and reading positions.\n"
                        "# The format is described in docs/annotations-format.md.\n"
                        "[" HEADER_GROUP "]\n");
  w.old = cache != NULL ? *cache : NULL;
  /* without a cache, nothing is kept but the text */
  w.fresh = cache != NULL ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) chunk_free)
                          : NULL;
  w.now_seen = now_seen;
  g_string_append_printf (w.out, "version=%d\n", FORMAT_VERSION);
  if (now_seen != NULL)
    {
      g_autofree char *header = g_strdup_printf ("[%s]\nversion=%d", HEADER_GROUP, FORMAT_VERSION);

      seen_put (now_seen, HEADER_GROUP, header, strlen (header));
    }

  for (guint i = 0; i < positions->len; i++)
    {
      Position *pos = g_ptr_array_index (positions, i);
      g_autofree char *group = digest_group (POSITION_PREFIX, pos->archive);

      write_group (&w, group, FALSE, pos->modified,
                   (char *(*) (const char *, gpointer)) position_to_text, pos);
    }

  for (guint i = 0; i < bookmarks->len; i++)
    {
      BulletinBookmark *b = g_ptr_array_index (bookmarks, i);
      g_autofree char *group = bookmark_group (bulletin_bookmark_get_article_id (b));

      write_group (&w, group, FALSE, bulletin_bookmark_get_modified (b),
                   (char *(*) (const char *, gpointer)) bookmark_to_text, b);
    }

  for (guint i = 0; i < notes->len; i++)
    {
      BulletinNote *n = g_ptr_array_index (notes, i);
      g_autofree char *group = note_group (bulletin_note_get_uuid (n));

      write_group (&w, group, FALSE, bulletin_note_get_modified (n),
                   (char *(*) (const char *, gpointer)) note_to_text, n);
    }

  for (GList *l = deleted; l != NULL; l = l->next)
    write_group (&w, l->data, TRUE, *(gint64 *) g_hash_table_lookup (state->deleted, l->data),
                 tombstone_make, g_hash_table_lookup (state->deleted, l->data));

  /* groups of a newer version: their text as it was */
  for (GList *l = extra; l != NULL; l = l->next)
    {
      const char *text = g_hash_table_lookup (state->extra, l->data);

      g_string_append_printf (w.out, "\n%s\n", text);
      if (now_seen != NULL)
        seen_put (now_seen, l->data, text, strlen (text));
    }

  if (cache != NULL)
    {
      g_clear_pointer (cache, g_hash_table_unref);
      *cache = w.fresh;
    }

  *length = w.out->len;
  return g_string_free (w.out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* the file */

static int
take_lock (BulletinAnnotations  *self,
           GError              **error)
{
  int fd;

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK,
                   _("Could not create the folder %s: %s"), self->dir, g_strerror (saved));
      return -1;
    }

  fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  /* a read-only folder: the file can still be read under the lock */
  if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
    fd = g_open (self->lock_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK,
                   _("Could not open the lock file %s: %s"), self->lock_path, g_strerror (saved));
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      int saved = errno;

      if (saved == EINTR)
        continue;
      close (fd);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK,
                   _("Could not lock %s: %s"), self->lock_path, g_strerror (saved));
      return -1;
    }
  return fd;
}

static void
release_lock (int fd)
{
  /* closing the descriptor releases the lock */
  close (fd);
}

static gboolean
same_stat (const struct stat *a,
           const struct stat *b)
{
  return a->st_dev == b->st_dev &&
         a->st_ino == b->st_ino &&
         a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void
report_problem (BulletinAnnotations *self,
                const char          *message)
{
  g_message ("%s", message);
  g_signal_emit (self, signals [PROBLEM], 0, message);
}

/* Keeps a copy of a damaged file beside it, never over another file (the
 * name carries the time), as a second name of the same file: it takes no
 * space, so it works on a full disk, and the damaged file itself stays in
 * place until the repaired one has replaced it (never giving up the only
 * readable copy).  A copy made before of this very file is reused.
 * Returns the copy's path. */
static char *
keep_damaged_copy (BulletinAnnotations  *self,
                   GError              **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  g_autofree char *prefix = g_strconcat (BULLETIN_ANNOTATIONS_FILE_NAME, DAMAGED_INFIX, NULL);
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  struct stat st, other;
  const char *name;

  if (stat (self->path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: %s", self->path, g_strerror (saved));
      return NULL;
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *path = g_build_filename (self->dir, name, NULL);

        if (stat (path, &other) == 0 && other.st_dev == st.st_dev && other.st_ino == st.st_ino)
          return g_steal_pointer (&path);
      }

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *aside = NULL;

      if (i == 0)
        aside = g_strdup_printf ("%s" DAMAGED_INFIX "%s", self->path, stamp);
      else
        aside = g_strdup_printf ("%s" DAMAGED_INFIX "%s-%u", self->path, stamp, i);

      if (g_file_test (aside, G_FILE_TEST_EXISTS))
        continue;
      /* link: rename would replace a file that appeared meanwhile, and
       * would leave no file in place */
      if (link (self->path, aside) != 0)
        {
          int saved = errno;

          if (saved == EEXIST)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "%s: %s", aside, g_strerror (saved));
          return NULL;
        }
      return g_steal_pointer (&aside);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s", self->path);
  return NULL;
}

/* How long a test wants a writer to wait between its complete, synced
 * temporary file and the rename (BULLETIN_ANNOTATIONS_TEST_RENAME_DELAY_US),
 * so that kills land there: tests/test-annotations.c. */
static gulong
test_rename_delay (void)
{
  static gsize once = 0;
  static gulong delay = 0;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("BULLETIN_ANNOTATIONS_TEST_RENAME_DELAY_US");

      if (env != NULL)
        delay = strtoul (env, NULL, 10);
      g_once_init_leave (&once, 1);
    }
  return delay;
}

/* A temporary file of a name nobody else uses (TEMP_PREFIX + 6 random
 * characters, made with g_mkstemp) in the key file's folder, written in
 * pieces, then fsynced, renamed over the key file, and the folder
 * fsynced.  On any failure the temporary file is removed and the key file
 * is as it was. */
typedef struct {
  int      fd;
  char    *tmp;
  GString *buf;
  int      error;  /* errno of the first failure */
} TempFile;

static gboolean
temp_open (TempFile    *t,
           const char  *dir,
           GError     **error)
{
  int saved;

  t->tmp = g_build_filename (dir, TEMP_PREFIX "XXXXXX", NULL);
  t->buf = g_string_sized_new (1 << 20);
  t->error = 0;
  t->fd = g_mkstemp_full (t->tmp, O_RDWR | O_CLOEXEC, 0600);
  if (t->fd >= 0)
    return TRUE;
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               _("Could not create a temporary file in %s: %s"), dir, g_strerror (saved));
  g_clear_pointer (&t->tmp, g_free);
  g_string_free (t->buf, TRUE);
  t->buf = NULL;
  return FALSE;
}

static void
temp_flush (TempFile *t)
{
  gsize done = 0;

  while (t->error == 0 && done < t->buf->len)
    {
      gssize n = write (t->fd, t->buf->str + done, t->buf->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        t->error = errno;
      else
        done += n;
    }
  g_string_truncate (t->buf, 0);
}

static void
temp_append (TempFile   *t,
             const char *text,
             gssize      length)
{
  g_string_append_len (t->buf, text, length);
  if (t->buf->len >= 1 << 20)
    temp_flush (t);
}

static void
temp_abort (TempFile *t)
{
  if (t->fd >= 0)
    close (t->fd);
  t->fd = -1;
  if (t->tmp != NULL)
    g_unlink (t->tmp);
  g_clear_pointer (&t->tmp, g_free);
  if (t->buf != NULL)
    g_string_free (t->buf, TRUE);
  t->buf = NULL;
}

static gboolean
temp_commit (TempFile    *t,
             const char  *dir,
             const char  *path,
             GError     **error)
{
  int dir_fd;

  temp_flush (t);
  if (t->error == 0 && fsync (t->fd) != 0)
    t->error = errno;
  if (close (t->fd) != 0 && t->error == 0)
    t->error = errno;
  t->fd = -1;
  if (t->error == 0)
    {
      if (test_rename_delay () > 0)
        g_usleep (test_rename_delay ());
      if (rename (t->tmp, path) != 0)
        t->error = errno;
    }
  if (t->error != 0)
    {
      int saved = t->error;

      temp_abort (t);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  g_clear_pointer (&t->tmp, g_free);
  g_string_free (t->buf, TRUE);
  t->buf = NULL;
  return TRUE;
}

/* Writes @data as the file at @path atomically (above). */
static gboolean
write_file_atomically (const char  *dir,
                       const char  *path,
                       const char  *data,
                       gsize        length,
                       GError     **error)
{
  TempFile t;

  if (!temp_open (&t, dir, error))
    return FALSE;
  for (gsize done = 0; done < length; done += MIN (length - done, 1 << 20))
    temp_append (&t, data + done, MIN (length - done, 1 << 20));
  return temp_commit (&t, dir, path, error);
}

static void sync_models (BulletinAnnotations *self);

/* The heart of it, under the lock: merges the file's current content into
 * memory (when it changed since we last saw it) and, if @write or changes
 * are waiting, writes the result atomically. */
static gboolean
sync_with_file_locked (BulletinAnnotations  *self,
                       gboolean              write,
                       GError              **error)
{
  struct stat st;
  gboolean merged = FALSE;
  int fd;

  fd = take_lock (self, error);
  if (fd < 0)
    {
      self->dirty |= write;
      return FALSE;
    }

  if (stat (self->path, &st) == 0 && !(self->have_stat && same_stat (&st, &self->last_stat)))
    {
      g_autofree char *reason = NULL;
      g_autoptr(GError) local_error = NULL;
      State file_state;
      Seen *now_seen = seen_new ();
      int parsed;

      state_init (&file_state);
      parsed = parse_file (self->path, &file_state, self->seen, now_seen, &reason, &local_error);
      if (parsed < 0)
        {
          state_clear (&file_state);
          release_lock (fd);
          self->dirty |= write;
          seen_free (now_seen);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (parsed == 0)
        {
          seen_clear (now_seen);
          g_autofree char *aside = keep_damaged_copy (self, &local_error);
          g_autofree char *message = NULL;

          if (aside == NULL)
            {
              /* neither moved nor overwritten: keep it, keep working in
               * memory, write nothing */
              message = g_strdup_printf (_("The bookmarks and notes file %s is damaged (%s) and "
                                           "no copy of it could be kept (%s). It is left as it "
                                           "is; changes are kept in memory only"),
                                         self->path, reason, local_error->message);
              merged = state_merge (&self->state, &file_state);
              state_clear (&file_state);
              seen_free (now_seen);
              release_lock (fd);
              self->dirty |= write;
              report_problem (self, message);
              if (merged)
                {
                  sync_models (self);
                  g_signal_emit (self, signals [CHANGED], 0);
                }
              g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_CORRUPT,
                           "%s", message);
              return FALSE;
            }

          message = g_strdup_printf (_("The bookmarks and notes file %s is damaged (%s). It is "
                                       "kept as %s; %u notes and %u bookmarks could be "
                                       "recovered from it"),
                                     self->path, reason, aside,
                                     g_hash_table_size (file_state.notes),
                                     g_hash_table_size (file_state.bookmarks));
          report_problem (self, message);
          write = TRUE;
        }

      if (state_is_empty (&self->state))
        {
          /* the first read: take it as it is (a merge would copy every
           * record) */
          State empty = self->state;

          self->state = file_state;
          file_state = empty;
          state_apply_deletions (&self->state);
          merged = TRUE;
        }
      else if (state_merge (&self->state, &file_state))
        merged = TRUE;
      state_clear (&file_state);
      seen_free (self->seen);
      self->seen = now_seen;
      self->last_stat = st;
      self->have_stat = TRUE;
    }
  else if (self->have_stat && !g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      /* removed behind our back: write it again from memory */
      self->have_stat = FALSE;
      write = TRUE;
    }

  if (write || self->dirty)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *data = NULL;
      gsize length;

      Seen *now_seen = seen_new ();

      data = state_to_data (&self->state, &self->written, now_seen, &length);
      if (!write_file_atomically (self->dir, self->path, data, length, &local_error))
        {
          self->dirty = TRUE;
          seen_free (now_seen);
          release_lock (fd);
          g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE,
                       _("Could not save bookmarks and notes to %s: %s"),
                       self->path, local_error->message);
          if (merged)
            {
              sync_models (self);
              g_signal_emit (self, signals [CHANGED], 0);
            }
          return FALSE;
        }
      self->dirty = FALSE;
      seen_free (self->seen);
      self->seen = now_seen;
      if (stat (self->path, &st) == 0)
        {
          self->last_stat = st;
          self->have_stat = TRUE;
        }
    }

  release_lock (fd);

  if (merged)
    {
      sync_models (self);
      g_signal_emit (self, signals [CHANGED], 0);
    }
  return TRUE;
}

static gboolean retry_cb (gpointer user_data);

/* After every attempt: what is not written is kept as unsaved, and tried
 * again in a while (and at the next change, which writes everything). */
static void
update_save_state (BulletinAnnotations *self,
                   const GError        *error)
{
  gboolean had = g_hash_table_size (self->unsaved) > 0;

  if (self->dirty)
    {
      if (error != NULL)
        {
          g_free (self->last_error);
          self->last_error = g_strdup (error->message);
        }
      if (self->retry_source == 0)
        self->retry_source = g_timeout_add_seconds (RETRY_DELAY_S, retry_cb, self);
    }
  else
    {
      g_hash_table_remove_all (self->unsaved);
      g_clear_pointer (&self->last_error, g_free);
      g_clear_handle_id (&self->retry_source, g_source_remove);
    }
  if (!had && g_hash_table_size (self->unsaved) == 0)
    return;
  g_signal_emit (self, signals [SAVE_STATE_CHANGED], 0);
}

static void wait_for_write (BulletinAnnotations *self);

static gboolean
sync_with_file (BulletinAnnotations  *self,
                gboolean              write,
                GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  /* the thread's write first: it holds `seen` and the file's stat */
  wait_for_write (self);
  g_clear_handle_id (&self->write_source, g_source_remove);
  ok = sync_with_file_locked (self, write, &local_error);

  if (write && !ok)
    self->dirty = TRUE;
  update_save_state (self, local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

static void schedule_write (BulletinAnnotations *self);

static gboolean
retry_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;

  self->retry_source = 0;
  if (self->async_writes)
    schedule_write (self);
  else
    sync_with_file (self, FALSE, NULL);
  return G_SOURCE_REMOVE;
}

static void
mark_unsaved (BulletinAnnotations *self,
              const char          *group)
{
  guint64 *gen = g_new (guint64, 1);

  *gen = ++self->change_gen;
  g_hash_table_insert (self->unsaved, g_strdup (group), gen);
  self->dirty = TRUE;
}

/* --- writing in a thread ------------------------------------------------ */

typedef struct {
  guint64      gen;       /* the changes it holds */
  gboolean     conflict;  /* the file changed: merge first (on the main thread) */
  gboolean     ok;
  struct stat  st;
  GError      *error;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_clear_error (&job->error);
  g_free (job);
}

static void
stream_group (TempFile   *t,
              Seen       *now_seen,
              const char *group,
              const char *text)
{
  gsize n = strlen (text);

  temp_append (t, "\n", 1);
  temp_append (t, text, n);
  seen_put (now_seen, group, text, n > 0 && text[n - 1] == '\n' ? n - 1 : n);
}

/* The file as state_to_data () makes it, written in pieces as it is made,
 * so that a large file is never held in memory whole, and without holding
 * state_lock for long: what is written is taken under the lock (records by
 * reference, in order), and each record is made into text under the lock
 * on its own.  A record changed meanwhile is written as it is then (its
 * change is written again by the next write, being later than this
 * write's snapshot). */
static gboolean
write_streaming (BulletinAnnotations  *self,
                 Seen                 *now_seen,
                 GError              **error)
{
  g_autoptr(GPtrArray) fixed = g_ptr_array_new_with_free_func (g_free);  /* group, text, ... */
  g_autoptr(GPtrArray) bookmarks = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) tail = g_ptr_array_new_with_free_func (g_free);   /* group, text, ... */
  g_autofree char *header = g_strdup_printf ("[%s]\nversion=%d", HEADER_GROUP, FORMAT_VERSION);
  TempFile t;

  g_mutex_lock (&self->state_lock);
  {
    g_autoptr(GPtrArray) positions = sorted_values (self->state.positions, compare_positions);
    g_autoptr(GList) deleted = g_list_sort (g_hash_table_get_keys (self->state.deleted),
                                            (GCompareFunc) strcmp);
    g_autoptr(GList) extra = g_list_sort (g_hash_table_get_keys (self->state.extra),
                                          (GCompareFunc) strcmp);

    for (guint i = 0; i < positions->len; i++)
      {
        Position *pos = g_ptr_array_index (positions, i);
        char *group = digest_group (POSITION_PREFIX, pos->archive);

        g_ptr_array_add (fixed, group);
        g_ptr_array_add (fixed, position_to_text (group, pos));
      }
    bookmarks = sorted_values (self->state.bookmarks, compare_bookmarks);
    g_ptr_array_set_free_func (bookmarks, g_object_unref);
    for (guint i = 0; i < bookmarks->len; i++)
      g_object_ref (g_ptr_array_index (bookmarks, i));
    notes = sorted_values (self->state.notes, compare_notes);
    g_ptr_array_set_free_func (notes, g_object_unref);
    for (guint i = 0; i < notes->len; i++)
      g_object_ref (g_ptr_array_index (notes, i));
    for (GList *l = deleted; l != NULL; l = l->next)
      {
        g_ptr_array_add (tail, g_strdup (l->data));
        g_ptr_array_add (tail, tombstone_to_text (l->data, *(gint64 *) g_hash_table_lookup (self->state.deleted, l->data)));
      }
    for (GList *l = extra; l != NULL; l = l->next)
      {
        g_ptr_array_add (tail, g_strdup (l->data));
        g_ptr_array_add (tail, g_strconcat (g_hash_table_lookup (self->state.extra, l->data), "\n", NULL));
      }
  }
  g_mutex_unlock (&self->state_lock);

  if (!temp_open (&t, self->dir, error))
    return FALSE;
  temp_append (&t, "# Bulletin Reader: bookmarks, notes and reading positions.\n"
                   "# The format is described in docs/annotations-format.md.\n", -1);
  temp_append (&t, header, -1);
  temp_append (&t, "\n", 1);
  seen_put (now_seen, HEADER_GROUP, header, strlen (header));

  for (guint i = 0; i + 1 < fixed->len; i += 2)
    stream_group (&t, now_seen, g_ptr_array_index (fixed, i), g_ptr_array_index (fixed, i + 1));
  for (guint i = 0; i < bookmarks->len; i++)
    {
      BulletinBookmark *b = g_ptr_array_index (bookmarks, i);
      g_autofree char *group = NULL;
      g_autofree char *text = NULL;

      g_mutex_lock (&self->state_lock);
      group = bookmark_group (bulletin_bookmark_get_article_id (b));
      text = bookmark_to_text (group, b);
      g_mutex_unlock (&self->state_lock);
      stream_group (&t, now_seen, group, text);
    }
  for (guint i = 0; i < notes->len; i++)
    {
      BulletinNote *n = g_ptr_array_index (notes, i);
      g_autofree char *group = note_group (bulletin_note_get_uuid (n));
      g_autofree char *text = NULL;

      g_mutex_lock (&self->state_lock);
      text = note_to_text (group, n);
      g_mutex_unlock (&self->state_lock);
      stream_group (&t, now_seen, group, text);
    }
  for (guint i = 0; i + 1 < tail->len; i += 2)
    stream_group (&t, now_seen, g_ptr_array_index (tail, i), g_ptr_array_index (tail, i + 1));

  return temp_commit (&t, self->dir, self->path, error);
}

static void write_thread_work (BulletinAnnotations *self,
                               WriteJob            *job);

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BulletinAnnotations *self = source;
  WriteJob *job = task_data;

#ifdef SCHED_BATCH
  struct sched_param param = { 0 };
  int policy = sched_getscheduler (0);

  /* yield to the main thread whenever it wakes (SCHED_BATCH: this thread
   * preempts no one on waking); the pool's thread is given back as it
   * was (going back to SCHED_OTHER needs no privilege) */
  if (policy == SCHED_OTHER)
    sched_setscheduler (0, SCHED_BATCH, &param);
  write_thread_work (self, job);
  if (policy == SCHED_OTHER)
    sched_setscheduler (0, SCHED_OTHER, &param);
#else
  write_thread_work (self, job);
#endif
}

static void
write_thread_work (BulletinAnnotations *self,
                   WriteJob            *job)
{
  g_autoptr(GError) local_error = NULL;
  Seen *now_seen, *old_seen;
  struct stat st;
  int fd;

  fd = take_lock (self, &job->error);
  if (fd < 0)
    return;
  /* another writer wrote since: its changes are merged first, on the main
   * thread (have_stat and last_stat do not change while we run) */
  if (stat (self->path, &st) == 0 && !(self->have_stat && same_stat (&st, &self->last_stat)))
    {
      job->conflict = TRUE;
      release_lock (fd);
      return;
    }
  if (!self->have_stat && g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      job->conflict = TRUE;
      release_lock (fd);
      return;
    }

  g_mutex_lock (&self->state_lock);
  now_seen = seen_new_for (self->seen != NULL ? self->seen->n : 0);
  g_mutex_unlock (&self->state_lock);
  if (!write_streaming (self, now_seen, &local_error))
    {
      release_lock (fd);
      seen_free (now_seen);
      g_set_error (&job->error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE,
                   _("Could not save bookmarks and notes to %s: %s"),
                   self->path, local_error->message);
      return;
    }
  job->ok = stat (self->path, &job->st) == 0;
  release_lock (fd);

  g_mutex_lock (&self->state_lock);
  old_seen = self->seen;
  self->seen = now_seen;
  g_mutex_unlock (&self->state_lock);
  /* freeing many strings is no work for the main thread */
  seen_free (old_seen);
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (source);
  WriteJob *job = g_task_get_task_data (G_TASK (result));

  self->writing = FALSE;
  if (job->conflict)
    {
      /* merge the other writer's file and write, as without a thread */
      self->write_again = FALSE;
      sync_with_file (self, TRUE, NULL);
      return;
    }
  if (job->error == NULL)
    {
      GHashTableIter iter;
      gpointer gen;

      if (job->ok)
        {
          self->last_stat = job->st;
          self->have_stat = TRUE;
        }
      /* what changed after the snapshot stays unsaved */
      g_hash_table_iter_init (&iter, self->unsaved);
      while (g_hash_table_iter_next (&iter, NULL, &gen))
        if (*(guint64 *) gen <= job->gen)
          g_hash_table_iter_remove (&iter);
      self->dirty = self->change_gen > job->gen;
      if (g_hash_table_size (self->unsaved) == 0)
        self->dirty = FALSE;
      update_save_state (self, NULL);
    }
  else
    {
      gboolean first = self->last_error == NULL;

      self->dirty = TRUE;
      update_save_state (self, job->error);
      if (first)
        report_problem (self, job->error->message);
    }

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      sync_with_file (self, FALSE, NULL);
    }
  else if (self->write_again)
    {
      self->write_again = FALSE;
      schedule_write (self);
    }
}

static void
start_write (BulletinAnnotations *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, write_done, NULL);
  WriteJob *job = g_new0 (WriteJob, 1);

  job->gen = self->change_gen;
  self->writing = TRUE;
  self->write_again = FALSE;
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_thread);
}

static gboolean
write_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;

  self->write_source = 0;
  if (self->writing)
    self->write_again = TRUE;
  else
    start_write (self);
  return G_SOURCE_REMOVE;
}

/* Coalesced: changes made before the write starts, or while it runs, make
 * one write. */
static void
schedule_write (BulletinAnnotations *self)
{
  if (self->writing)
    self->write_again = TRUE;
  else if (self->write_source == 0)
    self->write_source = g_idle_add (write_cb, self);
}

/* Runs the main context until the thread's write has finished. */
static void
wait_for_write (BulletinAnnotations *self)
{
  g_object_ref (self);
  while (self->writing)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (self);
}

/**
 * bulletin_annotations_set_async_writes:
 *
 * Whether changes are written in a thread (the app: saving never blocks
 * the main loop) or at once, their result returned (the default).  With
 * threads, a failed write is reported by "problem" and
 * "save-state-changed"; bulletin_annotations_save_now () waits for the
 * write and writes what is left.
 */
void
bulletin_annotations_set_async_writes (BulletinAnnotations *self,
                                       gboolean             async_writes)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS (self));
  self->async_writes = !!async_writes;
}

/* Temporary files that a writer killed before its rename left behind:
 * ".annotations.ini.bulletin-tmp-XXXXXX", a name no one else uses; any
 * other file beside the key file (annotations.ini.backup, .old123, ...)
 * is the user's and stays.  Only called under the lock, when no writer can
 * be between its write and its rename. */
static void
remove_stale_temporaries (BulletinAnnotations *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  gsize prefix = strlen (TEMP_PREFIX);

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean temp = strlen (name) == prefix + 6 && g_str_has_prefix (name, TEMP_PREFIX);

      for (gsize i = prefix; temp && name[i]; i++)
        temp = g_ascii_isalnum (name[i]);
      if (temp)
        {
          g_autofree char *path = g_build_filename (self->dir, name, NULL);
          g_unlink (path);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* the list models */

static gint
compare_bookmarks_newest_first (gconstpointer a,
                                gconstpointer b)
{
  return -compare_bookmarks (a, b);
}

static gint
compare_notes_newest_first (gconstpointer a,
                            gconstpointer b)
{
  return -compare_notes (a, b);
}

typedef gint64 (*GetModified) (gpointer item);

#define LISTED_MODIFIED_KEY "bulletin-annotations-listed-modified"

/* An item changed in place (a note's new text: the store keeps one object
 * per note and gives it the new values) is still the same object in the
 * same place, so the splice below does not see it.  Each item remembers
 * the time it was last listed at; one listed at an older time is put in
 * its place again, so that the rows showing it are bound anew. */
static void
sync_changed_items (GListStore  *store,
                    GetModified  get_modified)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);
      gint64 modified = get_modified (item);
      gint64 *listed = g_object_get_data (item, LISTED_MODIFIED_KEY);

      if (listed == NULL)
        {
          listed = g_new (gint64, 1);
          *listed = modified;
          g_object_set_data_full (item, LISTED_MODIFIED_KEY, listed, g_free);
        }
      else if (*listed != modified)
        {
          *listed = modified;
          g_list_store_splice (store, i, 1, (gpointer *)&item, 1);
        }
    }
}

static void
sync_model (GListStore   *store,
            GHashTable   *table,
            GCompareFunc  compare,
            GetModified   get_modified)
{
  g_autoptr(GPtrArray) items = sorted_values (table, compare);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint first = 0, last_old = n, last_new = items->len;

  /* only the run between the common head and the common tail changes */
  while (first < n && first < items->len)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), first);

      if (item != g_ptr_array_index (items, first))
        break;
      first++;
    }
  while (last_old > first && last_new > first)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), last_old - 1);

      if (item != g_ptr_array_index (items, last_new - 1))
        break;
      last_old--;
      last_new--;
    }
  if (first != last_old || first != last_new)
    g_list_store_splice (store, first, last_old - first,
                         items->pdata + first, last_new - first);
  sync_changed_items (store, get_modified);
}

static void
sync_models (BulletinAnnotations *self)
{
  sync_model (self->bookmark_model, self->state.bookmarks, compare_bookmarks_newest_first,
              (GetModified)bulletin_bookmark_get_modified);
  sync_model (self->note_model, self->state.notes, compare_notes_newest_first,
              (GetModified)bulletin_note_get_modified);
}

/* ---------------------------------------------------------------------- */
/* the object */

static void
bulletin_annotations_dispose (GObject *object)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->write_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (bulletin_annotations_parent_class)->dispose (object);
}

static void
bulletin_annotations_finalize (GObject *object)
{
  BulletinAnnotations *self = BULLETIN_ANNOTATIONS (object);

  state_clear (&self->state);
  g_clear_pointer (&self->written, g_hash_table_unref);
  g_clear_pointer (&self->seen, seen_free);
  g_clear_pointer (&self->unsaved, g_hash_table_unref);
  g_free (self->last_error);
  g_mutex_clear (&self->state_lock);
  g_clear_object (&self->bookmark_model);
  g_clear_object (&self->note_model);
  g_free (self->dir);
  g_free (self->path);
  g_free (self->lock_path);

  G_OBJECT_CLASS (bulletin_annotations_parent_class)->finalize (object);
}

static void
bulletin_annotations_class_init (BulletinAnnotationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bulletin_annotations_dispose;
  object_class->finalize = bulletin_annotations_finalize;

  /**
   * BulletinAnnotations::changed:
   *
   * Something changed: a change of this process or one merged from the
   * file.
   */
  signals [CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BulletinAnnotations::problem:
   * @message: what happened, for people, naming the file
   *
   * The file was damaged and moved aside, or could not be written.
   */
  signals [PROBLEM] =
    g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * BulletinAnnotations::save-state-changed:
   *
   * Changes became unsaved (a write failed: they are kept in memory and
   * retried) or were written: ask bulletin_annotations_has_unsaved () and
   * bulletin_annotations_is_bookmark_saved () / _is_note_saved ().
   */
  signals [SAVE_STATE_CHANGED] =
    g_signal_new ("save-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bulletin_annotations_init (BulletinAnnotations *self)
{
  state_init (&self->state);
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) chunk_free);
  self->seen = seen_new ();
  self->unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->state_lock);
  self->bookmark_model = g_list_store_new (BULLETIN_TYPE_BOOKMARK);
  self->note_model = g_list_store_new (BULLETIN_TYPE_NOTE);
  self->monitored = TRUE;
}

/**
 * bulletin_annotations_new:
 * @dir: (nullable): the folder, or %NULL for the user's data folder
 *
 * Returns: (transfer full): a store; call bulletin_annotations_load ()
 */
BulletinAnnotations *
bulletin_annotations_new (const char *dir)
{
  BulletinAnnotations *self = g_object_new (BULLETIN_TYPE_ANNOTATIONS, NULL);

  if (dir != NULL)
    self->dir = g_strdup (dir);
  else
    self->dir = g_build_filename (g_get_user_data_dir (), "bulletin-reader", NULL);
  self->path = g_build_filename (self->dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  return self;
}

const char *
bulletin_annotations_get_path (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return self->path;
}

static gboolean
reload_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reload_source = 0;
  if (self->writing)
    {
      /* after the write */
      self->reload_again = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (!sync_with_file (self, FALSE, &error))
    report_problem (self, error->message);
  return G_SOURCE_REMOVE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  BulletinAnnotations *self = user_data;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *other = other_file != NULL ? g_file_get_basename (other_file) : NULL;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  if (g_strcmp0 (name, BULLETIN_ANNOTATIONS_FILE_NAME) != 0 &&
      g_strcmp0 (other, BULLETIN_ANNOTATIONS_FILE_NAME) != 0)
    return;

  /* a writer's burst of events makes one merge */
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

static void
update_monitor (BulletinAnnotations *self)
{
  if (self->monitored && self->loaded && self->monitor == NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (self->dir);
      g_autoptr(GError) error = NULL;

      self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      if (self->monitor == NULL)
        g_warning ("Cannot watch %s for changes: %s", self->dir, error->message);
      else
        g_signal_connect_object (self->monitor, "changed",
                                 G_CALLBACK (monitor_changed_cb), self, 0);
    }
  else if (!self->monitored && self->monitor != NULL)
    {
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
      g_clear_handle_id (&self->reload_source, g_source_remove);
    }
}

/**
 * bulletin_annotations_set_monitored:
 *
 * Whether a file monitor merges other processes' changes as they happen
 * (the default).  Without it, they are merged at the next change or
 * bulletin_annotations_reload ().
 */
void
bulletin_annotations_set_monitored (BulletinAnnotations *self,
                                    gboolean             monitored)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS (self));

  self->monitored = !!monitored;
  update_monitor (self);
}

/**
 * bulletin_annotations_load:
 *
 * Reads the file (a missing file is an empty store) and starts watching
 * it.  A damaged file is moved aside, "problem" is emitted, what could be
 * read is kept, and this returns %TRUE: the store is usable.  %FALSE only
 * when the folder or the lock cannot be used at all.
 */
gboolean
bulletin_annotations_load (BulletinAnnotations  *self,
                           GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  fd = take_lock (self, error);
  if (fd < 0)
    return FALSE;
  remove_stale_temporaries (self);
  release_lock (fd);

  self->loaded = TRUE;
  update_monitor (self);
  if (!sync_with_file (self, FALSE, &local_error))
    {
      /* a repaired file that could not be written (a full disk): what was
       * read is in memory, the file stays as it was, writing is retried */
      if (g_error_matches (local_error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE))
        {
          report_problem (self, local_error->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * bulletin_annotations_reload:
 *
 * Merges the file's content now, if it changed.
 */
gboolean
bulletin_annotations_reload (BulletinAnnotations  *self,
                             GError              **error)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  return sync_with_file (self, FALSE, error);
}

/* The models are sorted newest first and a record's place is unique (its
 * time, then its id): one record is found by binary search and inserted
 * where it belongs, without sorting or scanning many records. */
static int
compare_items_newest_first (gconstpointer a,
                            gconstpointer b,
                            gpointer      user_data)
{
  GCompareFunc compare = user_data;

  return -compare (&a, &b);
}

static void
model_forget (GListStore   *store,
              gpointer      item,
              GCompareFunc  compare)
{
  guint lo = 0, hi = g_list_model_get_n_items (G_LIST_MODEL (store));

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(GObject) probe = g_list_model_get_item (G_LIST_MODEL (store), mid);
      int cmp;

      if (probe == item)
        {
          g_list_store_remove (store, mid);
          return;
        }
      cmp = compare_items_newest_first (item, probe, compare);
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  /* not where its time says (it changed): look everywhere */
  if (g_list_store_find (store, item, &lo))
    g_list_store_remove (store, lo);
}

static void
forget_note (BulletinAnnotations *self,
             BulletinNote        *note)
{
  if (note != NULL)
    model_forget (self->note_model, note, compare_notes);
}

static void
forget_bookmark (BulletinAnnotations *self,
                 BulletinBookmark    *bookmark)
{
  if (bookmark != NULL)
    model_forget (self->bookmark_model, bookmark, compare_bookmarks);
}

/* A change of the record @key (a note's uuid, a bookmark's article id;
 * NULL: many records) in @group (ALL_GROUPS: many): shown at once,
 * written at once or in a thread.  Called with state_lock held; releases
 * it. */
static gboolean
save (BulletinAnnotations  *self,
      const char           *group,
      const char           *key,
      GError              **error)
{
  mark_unsaved (self, group);
  g_mutex_unlock (&self->state_lock);
  /* the mutator took the old version out of the model (forget_*) */
  if (key != NULL && g_str_has_prefix (group, NOTE_PREFIX))
    {
      gpointer now = g_hash_table_lookup (self->state.notes, key);

      if (now != NULL)
        g_list_store_insert_sorted (self->note_model, now, compare_items_newest_first, compare_notes);
    }
  else if (key != NULL && g_str_has_prefix (group, BOOKMARK_PREFIX))
    {
      gpointer now = g_hash_table_lookup (self->state.bookmarks, key);

      if (now != NULL)
        g_list_store_insert_sorted (self->bookmark_model, now, compare_items_newest_first, compare_bookmarks);
    }
  else
    sync_models (self);
  g_signal_emit (self, signals [CHANGED], 0);
  if (self->async_writes)
    {
      schedule_write (self);
      return TRUE;
    }
  return sync_with_file (self, TRUE, error);
}

/* A change's time, later than what it replaces even when the clock is
 * coarse or went back. */
static gint64
next_time (gint64 previous)
{
  return MAX (g_get_real_time (), previous + 1);
}

/**
 * bulletin_annotations_get_bookmarks:
 *
 * Returns: (transfer none): a #GListModel of #BulletinBookmark, newest
 *   first
 */
GListModel *
bulletin_annotations_get_bookmarks (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return G_LIST_MODEL (self->bookmark_model);
}

/**
 * bulletin_annotations_lookup_bookmark:
 *
 * Returns: (transfer none) (nullable): the bookmark of the article
 */
BulletinBookmark *
bulletin_annotations_lookup_bookmark (BulletinAnnotations *self,
                                      const char          *article_id)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);
  return g_hash_table_lookup (self->state.bookmarks, article_id);
}

/* The store keeps @bookmark (a reference) or, if the article has one,
 * updates that one from it. */
gboolean
bulletin_annotations_add_bookmark (BulletinAnnotations  *self,
                                   BulletinBookmark     *bookmark,
                                   GError              **error)
{
  const char *id;
  BulletinBookmark *old;
  g_autofree char *group = NULL;
  gint64 modified;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_BOOKMARK (bookmark), FALSE);

  g_mutex_lock (&self->state_lock);
  id = bulletin_bookmark_get_article_id (bookmark);
  group = bookmark_group (id);
  old = g_hash_table_lookup (self->state.bookmarks, id);
  forget_bookmark (self, old);
  modified = next_time (MAX (bulletin_bookmark_get_modified (bookmark),
                             MAX (state_deleted_time (&self->state, group),
                                  old ? bulletin_bookmark_get_modified (old) : 0)));
  bulletin_bookmark_set_times (bookmark, bulletin_bookmark_get_added (bookmark), modified);
  g_hash_table_remove (self->state.deleted, group);

  if (old != NULL && old != bookmark)
    _bulletin_bookmark_assign (old, bookmark);
  else if (old == NULL)
    g_hash_table_insert (self->state.bookmarks, g_strdup (id), g_object_ref (bookmark));

  return save (self, group, id, error);
}

gboolean
bulletin_annotations_remove_bookmark (BulletinAnnotations  *self,
                                      const char           *article_id,
                                      GError              **error)
{
  BulletinBookmark *old;
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  g_mutex_lock (&self->state_lock);
  old = g_hash_table_lookup (self->state.bookmarks, article_id);
  if (old == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The article is not bookmarked"));
      return FALSE;
    }
  forget_bookmark (self, old);
  group = bookmark_group (article_id);
  state_set_deleted (&self->state, group, next_time (bulletin_bookmark_get_modified (old)));
  {
    g_autofree char *key = g_strdup (article_id);

    g_hash_table_remove (self->state.bookmarks, article_id);
    return save (self, group, key, error);
  }
}

/**
 * bulletin_annotations_get_notes:
 *
 * Returns: (transfer none): a #GListModel of #BulletinNote, newest first
 */
GListModel *
bulletin_annotations_get_notes (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return G_LIST_MODEL (self->note_model);
}

/**
 * bulletin_annotations_lookup_note:
 *
 * Returns: (transfer none) (nullable): the note
 */
BulletinNote *
bulletin_annotations_lookup_note (BulletinAnnotations *self,
                                  const char          *uuid)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  return g_hash_table_lookup (self->state.notes, uuid);
}

/**
 * bulletin_annotations_dup_notes_for_article:
 *
 * Returns: (transfer full) (element-type BulletinNote): the article's
 *   notes, article notes first, then by position
 */
static gint
compare_by_position (gconstpointer a,
                     gconstpointer b)
{
  BulletinNote *na = *(BulletinNote **) a, *nb = *(BulletinNote **) b;

  if (bulletin_note_has_range (na) != bulletin_note_has_range (nb))
    return bulletin_note_has_range (na) ? 1 : -1;
  if (bulletin_note_get_start (na) != bulletin_note_get_start (nb))
    return bulletin_note_get_start (na) < bulletin_note_get_start (nb) ? -1 : 1;
  return compare_notes (a, b);
}

GPtrArray *
bulletin_annotations_dup_notes_for_article (BulletinAnnotations *self,
                                            const char          *article_id)
{
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), notes);
  g_return_val_if_fail (article_id != NULL, notes);

  g_hash_table_iter_init (&iter, self->state.notes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (bulletin_note_get_article_id (value), article_id) == 0)
      g_ptr_array_add (notes, g_object_ref (value));
  g_ptr_array_sort (notes, compare_by_position);
  return notes;
}

/* The store keeps @note (a reference). */
gboolean
bulletin_annotations_add_note (BulletinAnnotations  *self,
                               BulletinNote         *note,
                               GError              **error)
{
  const char *uuid;
  BulletinNote *old;
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_NOTE (note), FALSE);

  g_mutex_lock (&self->state_lock);
  uuid = bulletin_note_get_uuid (note);
  group = note_group (uuid);
  old = g_hash_table_lookup (self->state.notes, uuid);
  forget_note (self, old);
  /* adding it again (Undo of a deletion) makes it later than the deletion */
  bulletin_note_set_times (note, bulletin_note_get_created (note),
                           next_time (MAX (bulletin_note_get_modified (note),
                                           MAX (state_deleted_time (&self->state, group),
                                                old ? bulletin_note_get_modified (old) : 0))));
  g_hash_table_remove (self->state.deleted, group);
  if (old != NULL && old != note)
    _bulletin_note_assign (old, note);
  else if (old == NULL)
    g_hash_table_insert (self->state.notes, g_strdup (uuid), g_object_ref (note));

  return save (self, group, uuid, error);
}

/* Saves a change to @note (its text, usually), stamping the time. */
gboolean
bulletin_annotations_update_note (BulletinAnnotations  *self,
                                  BulletinNote         *note,
                                  GError              **error)
{
  BulletinNote *old;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (BULLETIN_IS_NOTE (note), FALSE);

  g_mutex_lock (&self->state_lock);
  old = g_hash_table_lookup (self->state.notes, bulletin_note_get_uuid (note));
  if (old == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The note was deleted meanwhile"));
      return FALSE;
    }
  forget_note (self, old);
  bulletin_note_set_times (note, bulletin_note_get_created (note),
                           next_time (MAX (bulletin_note_get_modified (note),
                                           bulletin_note_get_modified (old))));
  if (old != note)
    _bulletin_note_assign (old, note);
  {
    g_autofree char *group = note_group (bulletin_note_get_uuid (note));

    return save (self, group, bulletin_note_get_uuid (note), error);
  }
}

gboolean
bulletin_annotations_remove_note (BulletinAnnotations  *self,
                                  const char           *uuid,
                                  GError              **error)
{
  BulletinNote *old;
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  g_mutex_lock (&self->state_lock);
  old = g_hash_table_lookup (self->state.notes, uuid);
  if (old == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The note was deleted meanwhile"));
      return FALSE;
    }
  forget_note (self, old);
  group = note_group (uuid);
  state_set_deleted (&self->state, group, next_time (bulletin_note_get_modified (old)));
  {
    g_autofree char *key = g_strdup (uuid);

    g_hash_table_remove (self->state.notes, uuid);
    return save (self, group, key, error);
  }
}

/* How many deletions are recorded (tombstones). */
guint
bulletin_annotations_get_n_deleted (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), 0);
  return g_hash_table_size (self->state.deleted);
}

/* ---------------------------------------------------------------------- */
/* what is saved */

static gboolean
group_is_saved (BulletinAnnotations *self,
                const char          *group)
{
  /* a write under way that has not failed is not shown as unsaved: the
   * toggle would flicker at every change */
  if (self->async_writes && self->last_error == NULL)
    return TRUE;
  return g_hash_table_size (self->unsaved) == 0 ||
         (!g_hash_table_contains (self->unsaved, group) &&
          !g_hash_table_contains (self->unsaved, ALL_GROUPS));
}

/**
 * bulletin_annotations_has_unsaved:
 *
 * Whether bookmarks or notes (added, changed or deleted) are not yet in the
 * file: a write failed.  They are kept in memory and written at the next
 * change, every few seconds, or by bulletin_annotations_save_now ().
 * Reading positions do not count.
 */
gboolean
bulletin_annotations_has_unsaved (BulletinAnnotations *self)
{
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  g_hash_table_iter_init (&iter, self->unsaved);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_str_has_prefix (key, POSITION_PREFIX))
      return TRUE;
  return FALSE;
}

/* Whether the article's bookmark, or its removal, is in the file. */
gboolean
bulletin_annotations_is_bookmark_saved (BulletinAnnotations *self,
                                        const char          *article_id)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  group = bookmark_group (article_id);
  return group_is_saved (self, group);
}

/* Whether the note as it is now, or its deletion, is in the file. */
gboolean
bulletin_annotations_is_note_saved (BulletinAnnotations *self,
                                    const char          *uuid)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  group = note_group (uuid);
  return group_is_saved (self, group);
}

/**
 * bulletin_annotations_get_save_error:
 *
 * Returns: (nullable): why the last write failed, while changes are unsaved
 */
const char *
bulletin_annotations_get_save_error (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  return self->dirty ? self->last_error : NULL;
}

/* Writes unsaved changes now (Retry). */
gboolean
bulletin_annotations_save_now (BulletinAnnotations  *self,
                               GError              **error)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  /* waits for a write running in a thread (sync_with_file does) */
  return sync_with_file (self, self->dirty || self->write_source != 0, error);
}

/* Whether a save is scheduled or being written. */
gboolean
bulletin_annotations_is_writing (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  return self->writing || self->write_source != 0;
}

/* ---------------------------------------------------------------------- */
/* damaged copies */

/**
 * bulletin_annotations_find_newer_damaged_copy:
 *
 * A copy of a damaged file ("annotations.ini.damaged-TIME") changed later
 * than the key file, or present while the key file is not: the key file
 * may lack what the copy holds (an older version could not write the
 * repaired file), and the user should be offered to restore from it.
 *
 * Returns: (transfer full) (nullable): the newest such copy's path
 */
char *
bulletin_annotations_find_newer_damaged_copy (BulletinAnnotations *self)
{
  g_autofree char *prefix = g_strconcat (BULLETIN_ANNOTATIONS_FILE_NAME, DAMAGED_INFIX, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *best = NULL;
  struct stat key, st, best_st = { 0 };
  gboolean have_key;
  const char *name;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);

  dir = g_dir_open (self->dir, 0, NULL);
  if (dir == NULL)
    return NULL;
  have_key = stat (self->path, &key) == 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (name, prefix))
        continue;
      path = g_build_filename (self->dir, name, NULL);
      if (stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size == 0)
        continue;
      if (have_key)
        {
          if (st.st_dev == key.st_dev && st.st_ino == key.st_ino)
            continue;
          if (st.st_mtim.tv_sec < key.st_mtim.tv_sec ||
              (st.st_mtim.tv_sec == key.st_mtim.tv_sec && st.st_mtim.tv_nsec <= key.st_mtim.tv_nsec))
            continue;
        }
      if (best == NULL || st.st_mtim.tv_sec > best_st.st_mtim.tv_sec ||
          (st.st_mtim.tv_sec == best_st.st_mtim.tv_sec && st.st_mtim.tv_nsec > best_st.st_mtim.tv_nsec))
        {
          g_free (best);
          best = g_steal_pointer (&path);
          best_st = st;
        }
    }
  return g_steal_pointer (&best);
}

/**
 * bulletin_annotations_restore_damaged_copy:
 *
 * Merges what can be read of a damaged copy into the store (later changes
 * win, recorded deletions stay deleted) and saves.  The copy stays.
 */
gboolean
bulletin_annotations_restore_damaged_copy (BulletinAnnotations  *self,
                                           const char           *path,
                                           GError              **error)
{
  g_autofree char *data = NULL;
  g_autofree char *reason = NULL;
  gsize length;
  State copy;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  state_init (&copy);
  /* damaged or not: what can be read is in @copy */
  parse_data (data, length, &copy, NULL, NULL, &reason);
  g_mutex_lock (&self->state_lock);
  state_merge (&self->state, &copy);
  state_clear (&copy);
  return save (self, ALL_GROUPS, NULL, error);
}

/* ---------------------------------------------------------------------- */
/* reading positions */

gboolean
bulletin_annotations_set_position (BulletinAnnotations  *self,
                                   const char           *archive_uri,
                                   const char           *issue_id,
                                   const char           *article_id,
                                   guint                 offset,
                                   GError              **error)
{
  Position *pos;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (archive_uri != NULL, FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  g_mutex_lock (&self->state_lock);
  pos = g_hash_table_lookup (self->state.positions, archive_uri);
  if (pos == NULL)
    {
      pos = g_new0 (Position, 1);
      pos->archive = g_strdup (archive_uri);
      g_hash_table_insert (self->state.positions, g_strdup (archive_uri), pos);
    }
  else if (g_strcmp0 (pos->article_id, article_id) == 0 && pos->offset == offset &&
           g_strcmp0 (pos->issue_id, issue_id) == 0)
    {
      g_mutex_unlock (&self->state_lock);
      return TRUE;
    }

  g_free (pos->article_id);
  pos->article_id = g_strdup (article_id);
  g_free (pos->issue_id);
  pos->issue_id = g_strdup (issue_id);
  pos->offset = offset;
  pos->modified = next_time (pos->modified);
  {
    g_autofree char *group = digest_group (POSITION_PREFIX, archive_uri);

    mark_unsaved (self, group);
  }
  g_mutex_unlock (&self->state_lock);
  if (self->async_writes)
    {
      schedule_write (self);
      return TRUE;
    }
  return sync_with_file (self, TRUE, error);
}

/**
 * bulletin_annotations_get_position:
 * @issue_id: (out) (transfer full) (optional) (nullable):
 * @article_id: (out) (transfer full) (optional):
 *
 * Where the reader left off in the archive.
 */
gboolean
bulletin_annotations_get_position (BulletinAnnotations  *self,
                                   const char           *archive_uri,
                                   char                **issue_id,
                                   char                **article_id,
                                   guint                *offset)
{
  Position *pos;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (archive_uri != NULL, FALSE);

  pos = g_hash_table_lookup (self->state.positions, archive_uri);
  if (pos == NULL)
    return FALSE;
  if (issue_id != NULL)
    *issue_id = g_strdup (pos->issue_id);
  if (article_id != NULL)
    *article_id = g_strdup (pos->article_id);
  if (offset != NULL)
    *offset = pos->offset;
  return TRUE;
}

/**
 * bulletin_annotations_get_last_position:
 * @archive_uri: (out) (transfer full) (optional):
 * @issue_id: (out) (transfer full) (optional) (nullable):
 * @article_id: (out) (transfer full) (optional):
 *
 * The position saved last, in any archive.
 */
gboolean
bulletin_annotations_get_last_position (BulletinAnnotations  *self,
                                        char                **archive_uri,
                                        char                **issue_id,
                                        char                **article_id,
                                        guint                *offset)
{
  GHashTableIter iter;
  gpointer value;
  Position *last = NULL;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  g_hash_table_iter_init (&iter, self->state.positions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (last == NULL || ((Position *) value)->modified > last->modified)
      last = value;
  if (last == NULL)
    return FALSE;
  if (archive_uri != NULL)
    *archive_uri = g_strdup (last->archive);
  if (issue_id != NULL)
    *issue_id = g_strdup (last->issue_id);
  if (article_id != NULL)
    *article_id = g_strdup (last->article_id);
  if (offset != NULL)
    *offset = last->offset;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* backup and restore */

/**
 * bulletin_annotations_to_data:
 *
 * Everything, deletions included, as one key file: a backup.
 *
 * Returns: (transfer full): the key file's text
 */
char *
bulletin_annotations_to_data (BulletinAnnotations *self,
                              gsize               *length)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);
  {
    char *data;

    g_mutex_lock (&self->state_lock);
    data = state_to_data (&self->state, &self->written, NULL, length);
    g_mutex_unlock (&self->state_lock);
    return data;
  }
}

gboolean
bulletin_annotations_backup (BulletinAnnotations  *self,
                             GFile                *file,
                             GError              **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = bulletin_annotations_to_data (self, &length);
  return g_file_replace_contents (file, data, length, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * bulletin_annotations_import_data:
 *
 * Merges a backup (or another machine's file) into the store, as a
 * concurrent writer's file would be merged: later changes win, recorded
 * deletions stay deleted.  A backup that cannot be read completely is
 * refused, and nothing changes.
 */
gboolean
bulletin_annotations_import_data (BulletinAnnotations  *self,
                                  const char           *data,
                                  gsize                 length,
                                  GError              **error)
{
  return bulletin_annotations_import_data_counted (self, data, length, NULL, NULL, error);
}

/**
 * bulletin_annotations_import_data_counted:
 * @n_bookmarks: (out) (optional): the bookmarks the backup holds
 * @n_notes: (out) (optional): the notes it holds
 *
 * As bulletin_annotations_import_data (), saying how many bookmarks and
 * notes (not deleted ones) the backup holds.  The groups of a backup's
 * corrections (`[Corrections …]`, docs/corrections-format.md) are not
 * the store's: they are left out here, and restored by
 * bulletin_corrections_restore_data ().
 */
gboolean
bulletin_annotations_import_data_counted (BulletinAnnotations  *self,
                                          const char           *data,
                                          gsize                 length,
                                          guint                *n_bookmarks,
                                          guint                *n_notes,
                                          GError              **error)
{
  g_autofree char *reason = NULL;
  GHashTableIter iter;
  gpointer key;
  State imported;
  gboolean ok;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  state_init (&imported);
  if (!parse_data (data, length, &imported, NULL, NULL, &reason))
    {
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_CORRUPT,
                   _("The backup cannot be read: %s"), reason);
      state_clear (&imported);
      return FALSE;
    }
  g_hash_table_iter_init (&iter, imported.extra);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, BULLETIN_ANNOTATIONS_CORRECTIONS_PREFIX))
      g_hash_table_iter_remove (&iter);
  if (n_bookmarks != NULL)
    *n_bookmarks = g_hash_table_size (imported.bookmarks);
  if (n_notes != NULL)
    *n_notes = g_hash_table_size (imported.notes);
  g_mutex_lock (&self->state_lock);
  state_merge (&self->state, &imported);
  state_clear (&imported);
  ok = save (self, ALL_GROUPS, NULL, error);
  return ok;
}

gboolean
bulletin_annotations_import (BulletinAnnotations  *self,
                             GFile                *file,
                             GError              **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!g_file_load_contents (file, NULL, &data, &length, NULL, error))
    return FALSE;
  if (!bulletin_annotations_import_data (self, data, length, &local_error))
    {
      name = g_file_get_parse_name (file);
      g_set_error (error, local_error->domain, local_error->code,
                   "%s: %s", name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* export */

static void
append_escaped (GString    *out,
                const char *text)
{
  for (const char *p = text; p != NULL && *p; p++)
    {
      if (strchr ("\\`*_[]<>#|", *p) != NULL)
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *p);
    }
}

static void
append_quoted (GString    *out,
               const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_string_append (out, lines[i][0] ? "> " : ">");
      append_escaped (out, lines[i]);
      g_string_append_c (out, '\n');
    }
}

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
}

typedef struct {
  const char       *article_id;
  const char       *headline;
  const char       *issue_title;
  const char       *issue_date;
  BulletinBookmark *bookmark;
  GPtrArray        *notes;
} Section;

static void
section_free (Section *section)
{
  g_ptr_array_unref (section->notes);
  g_free (section);
}

static Section *
section_for (GHashTable *sections,
             GPtrArray  *order,
             const char *article_id)
{
  Section *section = g_hash_table_lookup (sections, article_id);

  if (section == NULL)
    {
      section = g_new0 (Section, 1);
      section->article_id = article_id;
      section->notes = g_ptr_array_new ();
      g_hash_table_insert (sections, (gpointer) article_id, section);
      g_ptr_array_add (order, section);
    }
  return section;
}

static gint
compare_sections (gconstpointer a,
                  gconstpointer b)
{
  const Section *sa = *(Section **) a, *sb = *(Section **) b;
  int cmp = g_strcmp0 (sa->issue_date, sb->issue_date);

  if (cmp == 0)
    cmp = g_strcmp0 (sa->issue_title, sb->issue_title);
  if (cmp == 0)
    cmp = g_strcmp0 (sa->headline, sb->headline);
  if (cmp == 0)
    cmp = strcmp (sa->article_id, sb->article_id);
  return cmp;
}

/**
 * bulletin_annotations_export_markdown:
 *
 * Bookmarks and notes as Markdown: one section per article (issue, date,
 * headline), then each noted passage quoted, followed by its note.
 *
 * Returns: (transfer full): the Markdown text
 */
char *
bulletin_annotations_export_markdown (BulletinAnnotations *self)
{
  g_autoptr(GHashTable) sections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) section_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) notes = NULL;
  GHashTableIter iter;
  gpointer value;
  GString *out;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), NULL);

  g_hash_table_iter_init (&iter, self->state.bookmarks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Section *s = section_for (sections, order, bulletin_bookmark_get_article_id (value));

      s->bookmark = value;
      s->headline = bulletin_bookmark_get_headline (value);
      s->issue_title = bulletin_bookmark_get_issue_title (value);
      s->issue_date = bulletin_bookmark_get_issue_date (value);
    }

  notes = sorted_values (self->state.notes, compare_by_position);
  for (guint i = 0; i < notes->len; i++)
    {
      BulletinNote *note = g_ptr_array_index (notes, i);
      Section *s = section_for (sections, order, bulletin_note_get_article_id (note));

      g_ptr_array_add (s->notes, note);
      if (s->headline == NULL)
        s->headline = bulletin_note_get_headline (note);
      if (s->issue_title == NULL)
        s->issue_title = bulletin_note_get_issue_title (note);
      if (s->issue_date == NULL)
        s->issue_date = bulletin_note_get_issue_date (note);
    }
  g_ptr_array_sort (order, compare_sections);

  out = g_string_new (NULL);
  g_string_append_printf (out, "# %s\n", _("Bookmarks and Notes"));

  for (guint i = 0; i < order->len; i++)
    {
      Section *s = g_ptr_array_index (order, i);

      g_string_append (out, "\n## ");
      append_escaped (out, s->headline != NULL && *s->headline ? s->headline : _("Untitled article"));
      g_string_append (out, "\n\n");
      if (s->issue_title != NULL || s->issue_date != NULL)
        {
          g_string_append (out, "*");
          append_escaped (out, s->issue_title ? s->issue_title : "");
          if (s->issue_title != NULL && s->issue_date != NULL)
            g_string_append (out, ", ");
          append_escaped (out, s->issue_date ? s->issue_date : "");
          g_string_append (out, "*\n\n");
        }
      if (s->bookmark != NULL)
        {
          g_autofree char *when = format_date (bulletin_bookmark_get_added (s->bookmark));
          g_string_append_printf (out, _("Bookmarked on %s."), when);
          g_string_append (out, "\n\n");
        }

      for (guint j = 0; j < s->notes->len; j++)
        {
          BulletinNote *note = g_ptr_array_index (s->notes, j);
          const char *text = bulletin_note_get_text (note);

          if (bulletin_note_has_range (note))
            {
              append_quoted (out, bulletin_note_get_quote (note));
              g_string_append_c (out, '\n');
            }
          if (text != NULL && *text)
            {
              g_string_append (out, text);
              if (!g_str_has_suffix (text, "\n"))
                g_string_append_c (out, '\n');
              g_string_append_c (out, '\n');
            }
        }
    }

  return g_string_free (out, FALSE);
}

/**
 * bulletin_annotations_build_citation:
 * @quote: (nullable): the passage, or %NULL to cite the article
 *
 * Text to paste into a document: the passage in quotation marks, then
 * headline, issue and date.
 *
 * Returns: (transfer full): the citation
 */
char *
bulletin_annotations_build_citation (const char *headline,
                                     const char *issue_title,
                                     const char *issue_date,
                                     const char *quote)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (quote != NULL && *quote)
    /* Translators: a quoted passage; keep the Chinese quotation marks for zh */
    g_string_append_printf (out, _("“%s”"), quote);

  if (headline != NULL && *headline)
    g_ptr_array_add (parts, g_strdup_printf (_("《%s》"), headline));
  if (issue_title != NULL && *issue_title)
    g_ptr_array_add (parts, g_strdup (issue_title));
  if (issue_date != NULL && *issue_date)
    g_ptr_array_add (parts, g_strdup (issue_date));

  if (parts->len > 0)
    {
      if (out->len > 0)
        g_string_append (out, "\n——");
      for (guint i = 0; i < parts->len; i++)
        {
          if (i > 0)
            g_string_append (out, _(", "));
          g_string_append (out, g_ptr_array_index (parts, i));
          g_free (g_ptr_array_index (parts, i));
        }
    }
  return g_string_free (out, FALSE);
}
