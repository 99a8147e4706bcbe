/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
  /* group name -> text: each group as the file held it when we last read
   * or wrote it; a group unchanged since need not be parsed again */
  GHashTable   *seen;
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
};

G_DEFINE_FINAL_TYPE (BulletinAnnotations, bulletin_annotations, G_TYPE_OBJECT)

enum {
  CHANGED,
  PROBLEM,
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

static char *
get_string (GKeyFile   *kf,
            const char *group,
            const char *key)
{
  if (!g_key_file_has_key (kf, group, key, NULL))
    return NULL;
  return g_key_file_get_string (kf, group, key, NULL);
}

static gboolean
get_time (GKeyFile   *kf,
          const char *group,
          const char *key,
          gint64     *usec)
{
  g_autofree char *s = get_string (kf, group, key);

  return bulletin_annotations_parse_time (s, usec);
}

static gboolean
get_offset (GKeyFile   *kf,
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
parse_tombstone (GKeyFile   *kf,
                 const char *group,
                 State      *state,
                 gboolean   *ok)
{
  gint64 when;

  if (!g_key_file_has_key (kf, group, "deleted", NULL))
    return FALSE;
  *ok = get_time (kf, group, "deleted", &when);
  if (*ok)
    state_set_deleted (state, group, when);
  return TRUE;
}

static gboolean
parse_note (GKeyFile   *kf,
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
  if (parse_tombstone (kf, group, state, &ok) && !g_key_file_has_key (kf, group, "article", NULL))
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
parse_bookmark (GKeyFile   *kf,
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

  if (parse_tombstone (kf, group, state, &ok) && !g_key_file_has_key (kf, group, "article", NULL))
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
parse_position (GKeyFile   *kf,
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
parse_group (GKeyFile   *kf,
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
    if (!parse_group (kf, groups[i], text, state))
      bad++;
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

typedef struct {
  char *group;
  char *text;
} RawGroup;

static void
raw_group_free (RawGroup *raw)
{
  g_free (raw->group);
  g_free (raw->text);
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
  raw->text = g_strndup (start, end - start);
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
parse_data (const char  *data,
            gsize        length,
            State       *state,
            GHashTable  *seen,
            GHashTable  *now_seen,
            char       **reason)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_group_free);
  guint bad = 0;

  if (!g_utf8_validate_len (data, length, NULL))
    {
      *reason = g_strdup (_("it is not valid UTF-8 text"));
      recover (data, length, state);
      return FALSE;
    }
  if (!split_groups (data, length, groups, reason))
    {
      recover (data, length, state);
      return FALSE;
    }

  for (guint i = 0; i < groups->len; i++)
    {
      RawGroup *raw = g_ptr_array_index (groups, i);

      if (seen == NULL || g_strcmp0 (g_hash_table_lookup (seen, raw->group), raw->text) != 0)
        {
          g_autoptr(GKeyFile) kf = g_key_file_new ();
          g_autoptr(GError) error = NULL;

          if (!g_key_file_load_from_data (kf, raw->text, -1, G_KEY_FILE_NONE, &error))
            {
              *reason = g_strdup (error->message);
              recover (data, length, state);
              return FALSE;
            }
          bad += parse_key_file (kf, raw->text, state);
        }
      if (now_seen != NULL)
        {
          g_hash_table_insert (now_seen, raw->group, raw->text);
          raw->group = raw->text = NULL;
        }
    }

  if (bad > 0)
    {
      *reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u entry is incomplete",
                                              "%u entries are incomplete", bad), bad);
      return FALSE;
    }
  return TRUE;
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
  GHashTable *now_seen; /* group -> text, or NULL */
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
      g_hash_table_insert (w->now_seen, g_strdup (group),
                           g_strndup (chunk->text, n > 0 && chunk->text[n - 1] == '\n' ? n - 1 : n));
    }
  g_hash_table_insert (w->fresh, g_strdup (group), chunk);
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
               GHashTable  *now_seen,
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
  w.fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) chunk_free);
  w.now_seen = now_seen;
  g_string_append_printf (w.out, "version=%d\n", FORMAT_VERSION);
  if (now_seen != NULL)
    g_hash_table_insert (now_seen, g_strdup (HEADER_GROUP),
                         g_strdup_printf ("[%s]\nversion=%d", HEADER_GROUP, FORMAT_VERSION));

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
        g_hash_table_insert (now_seen, g_strdup (l->data), g_strdup (text));
    }

  if (cache != NULL)
    {
      g_clear_pointer (cache, g_hash_table_unref);
      *cache = w.fresh;
    }
  else
    g_hash_table_unref (w.fresh);

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

/* Moves a damaged file aside, never over another: the name carries the
 * time.  Returns the new path. */
static char *
move_aside (BulletinAnnotations  *self,
            GError              **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *aside = NULL;

      if (i == 0)
        aside = g_strdup_printf ("%s.damaged-%s", self->path, stamp);
      else
        aside = g_strdup_printf ("%s.damaged-%s-%u", self->path, stamp, i);

      if (g_file_test (aside, G_FILE_TEST_EXISTS))
        continue;
      /* link, then unlink: rename would replace a file that appeared
       * meanwhile */
      if (link (self->path, aside) != 0)
        {
          int saved = errno;

          if (saved == EEXIST)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "%s: %s", aside, g_strerror (saved));
          return NULL;
        }
      g_unlink (self->path);
      return g_steal_pointer (&aside);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s", self->path);
  return NULL;
}

static void sync_models (BulletinAnnotations *self);

/* The heart of it, under the lock: merges the file's current content into
 * memory (when it changed since we last saw it) and, if @write or changes
 * are waiting, writes the result atomically. */
static gboolean
sync_with_file (BulletinAnnotations  *self,
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
      g_autofree char *data = NULL;
      g_autofree char *reason = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize length;
      State file_state;
      GHashTable *now_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      if (!g_file_get_contents (self->path, &data, &length, &local_error))
        {
          release_lock (fd);
          self->dirty |= write;
          g_hash_table_unref (now_seen);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      state_init (&file_state);
      if (!parse_data (data, length, &file_state, self->seen, now_seen, &reason))
        {
          g_hash_table_remove_all (now_seen);
          g_autofree char *aside = move_aside (self, &local_error);
          g_autofree char *message = NULL;

          if (aside == NULL)
            {
              /* neither moved nor overwritten: keep it, keep working in
               * memory, write nothing */
              message = g_strdup_printf (_("The bookmarks and notes file %s is damaged (%s) and "
                                           "could not be moved aside (%s); changes are kept "
                                           "in memory only"),
                                         self->path, reason, local_error->message);
              merged = state_merge (&self->state, &file_state);
              state_clear (&file_state);
              g_hash_table_unref (now_seen);
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

          message = g_strdup_printf (_("The bookmarks and notes file %s is damaged (%s). It was "
                                       "moved to %s; %u notes and %u bookmarks could be "
                                       "recovered from it"),
                                     self->path, reason, aside,
                                     g_hash_table_size (file_state.notes),
                                     g_hash_table_size (file_state.bookmarks));
          report_problem (self, message);
          write = TRUE;
        }

      if (state_merge (&self->state, &file_state))
        merged = TRUE;
      state_clear (&file_state);
      g_hash_table_unref (self->seen);
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

      GHashTable *now_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      data = state_to_data (&self->state, &self->written, now_seen, &length);
      if (!g_file_set_contents_full (self->path, data, length,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
        {
          self->dirty = TRUE;
          g_hash_table_unref (now_seen);
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
      g_hash_table_unref (self->seen);
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

/* Temporary files that a writer killed before its rename left behind:
 * "annotations.ini.XXXXXX".  Only called under the lock, when no writer
 * can be between its write and its rename. */
static void
remove_stale_temporaries (BulletinAnnotations *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;
  gsize base = strlen (BULLETIN_ANNOTATIONS_FILE_NAME);

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean temp = strlen (name) == base + 7 &&
                      strncmp (name, BULLETIN_ANNOTATIONS_FILE_NAME, base) == 0 &&
                      name[base] == '.' &&
                      strcmp (name + base + 1, "damaged") != 0;

      for (guint i = base + 1; temp && name[i]; i++)
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
  g_clear_pointer (&self->seen, g_hash_table_unref);
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
}

static void
bulletin_annotations_init (BulletinAnnotations *self)
{
  state_init (&self->state);
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) chunk_free);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
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
  int fd;

  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), FALSE);

  fd = take_lock (self, error);
  if (fd < 0)
    return FALSE;
  remove_stale_temporaries (self);
  release_lock (fd);

  self->loaded = TRUE;
  update_monitor (self);
  return sync_with_file (self, FALSE, error);
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

static gboolean
save (BulletinAnnotations  *self,
      GError              **error)
{
  sync_models (self);
  g_signal_emit (self, signals [CHANGED], 0);
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

  id = bulletin_bookmark_get_article_id (bookmark);
  group = bookmark_group (id);
  old = g_hash_table_lookup (self->state.bookmarks, id);
  modified = next_time (MAX (bulletin_bookmark_get_modified (bookmark),
                             MAX (state_deleted_time (&self->state, group),
                                  old ? bulletin_bookmark_get_modified (old) : 0)));
  bulletin_bookmark_set_times (bookmark, bulletin_bookmark_get_added (bookmark), modified);
  g_hash_table_remove (self->state.deleted, group);

  if (old != NULL && old != bookmark)
    _bulletin_bookmark_assign (old, bookmark);
  else if (old == NULL)
    g_hash_table_insert (self->state.bookmarks, g_strdup (id), g_object_ref (bookmark));

  return save (self, error);
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

  old = g_hash_table_lookup (self->state.bookmarks, article_id);
  if (old == NULL)
    {
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The article is not bookmarked"));
      return FALSE;
    }
  group = bookmark_group (article_id);
  state_set_deleted (&self->state, group, next_time (bulletin_bookmark_get_modified (old)));
  g_hash_table_remove (self->state.bookmarks, article_id);
  return save (self, error);
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

  uuid = bulletin_note_get_uuid (note);
  group = note_group (uuid);
  old = g_hash_table_lookup (self->state.notes, uuid);
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

  return save (self, error);
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

  old = g_hash_table_lookup (self->state.notes, bulletin_note_get_uuid (note));
  if (old == NULL)
    {
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The note was deleted meanwhile"));
      return FALSE;
    }
  bulletin_note_set_times (note, bulletin_note_get_created (note),
                           next_time (MAX (bulletin_note_get_modified (note),
                                           bulletin_note_get_modified (old))));
  if (old != note)
    _bulletin_note_assign (old, note);
  return save (self, error);
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

  old = g_hash_table_lookup (self->state.notes, uuid);
  if (old == NULL)
    {
      g_set_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND,
                   _("The note was deleted meanwhile"));
      return FALSE;
    }
  group = note_group (uuid);
  state_set_deleted (&self->state, group, next_time (bulletin_note_get_modified (old)));
  g_hash_table_remove (self->state.notes, uuid);
  return save (self, error);
}

/* How many deletions are recorded (tombstones). */
guint
bulletin_annotations_get_n_deleted (BulletinAnnotations *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS (self), 0);
  return g_hash_table_size (self->state.deleted);
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

  pos = g_hash_table_lookup (self->state.positions, archive_uri);
  if (pos == NULL)
    {
      pos = g_new0 (Position, 1);
      pos->archive = g_strdup (archive_uri);
      g_hash_table_insert (self->state.positions, g_strdup (archive_uri), pos);
    }
  else if (g_strcmp0 (pos->article_id, article_id) == 0 && pos->offset == offset &&
           g_strcmp0 (pos->issue_id, issue_id) == 0)
    return TRUE;

  g_free (pos->article_id);
  pos->article_id = g_strdup (article_id);
  g_free (pos->issue_id);
  pos->issue_id = g_strdup (issue_id);
  pos->offset = offset;
  pos->modified = next_time (pos->modified);
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
  return state_to_data (&self->state, &self->written, NULL, length);
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
  g_autofree char *reason = NULL;
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
  state_merge (&self->state, &imported);
  state_clear (&imported);
  ok = save (self, error);
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
