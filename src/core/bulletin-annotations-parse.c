/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

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
    bulletin_annotations_state_set_deleted (state, group, when);
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

    if (old == NULL || bulletin_annotations_note_newer (note, old))
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

    if (old == NULL || bulletin_annotations_bookmark_newer (bookmark, old))
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
      guint64 hash = bulletin_annotations_text_hash (raw->text, raw->length);
      guint64 key = bulletin_annotations_group_key (raw->group), was;

      if (seen == NULL || !bulletin_annotations_seen_get (seen, key, &was) || was != hash)
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
        bulletin_annotations_seen_set (now_seen, key, hash);
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
gboolean
bulletin_annotations_parse_data (const char  *data,
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

/* bulletin_annotations_parse_data () on the file at @path, read a piece at a time (whole
 * groups: a piece ends before a line that starts with '['), so that a
 * large file is never in memory whole.  A damaged file is read again
 * whole, for recover ().  Returns 1 when read completely, 0 when damaged
 * (@reason; what could be read is in @state), -1 when it cannot be read
 * (@error). */
int
bulletin_annotations_parse_file (const char  *path,
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
  bulletin_annotations_state_clear (state);
  bulletin_annotations_state_init (state);
  if (now_seen != NULL)
    bulletin_annotations_seen_clear (now_seen);
  if (!g_file_get_contents (path, &data, &length, error))
    return -1;
  return bulletin_annotations_parse_data (data, length, state, seen, now_seen, reason) ? 1 : 0;
}
