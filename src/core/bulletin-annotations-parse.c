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
 * them, or taken from a GKeyFile for anything else.  The quick reader
 * unescapes in place, in a copy of the group's text: no string is made
 * for a key or a value, the records copy what they keep. */
typedef struct {
  GPtrArray *pairs;    /* key, value, key, value... (const) */
  GPtrArray *owned;    /* what to free: the strings of a GKeyFile */
  GString   *scratch;  /* the quick reader's copy of the text */
} Keys;

static void
keys_init (Keys *keys)
{
  keys->pairs = g_ptr_array_new ();
  keys->owned = g_ptr_array_new_with_free_func (g_free);
  keys->scratch = g_string_new (NULL);
}

static void
keys_reset (Keys *keys)
{
  g_ptr_array_set_size (keys->pairs, 0);
  g_ptr_array_set_size (keys->owned, 0);
}

static void
keys_clear (Keys *keys)
{
  g_clear_pointer (&keys->pairs, g_ptr_array_unref);
  g_clear_pointer (&keys->owned, g_ptr_array_unref);
  if (keys->scratch != NULL)
    g_string_free (keys->scratch, TRUE);
  keys->scratch = NULL;
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

  keys_reset (keys);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      char *name = g_strdup (names[i]);
      char *value = g_key_file_get_string (kf, group, names[i], NULL);

      g_ptr_array_add (keys->owned, name);
      if (value != NULL)
        g_ptr_array_add (keys->owned, value);
      g_ptr_array_add (keys->pairs, name);
      g_ptr_array_add (keys->pairs, value);
    }
}

/* Unescapes the value from @v to @end in place (\s \n \t \r \\ only),
 * ending it with a NUL; FALSE for any other escape. */
static gboolean
unescape_in_place (char *v,
                   char *end)
{
  char *out = v;

  for (char *c = v; c < end; c++)
    {
      if (*c != '\\')
        {
          *out++ = *c;
          continue;
        }
      c++;
      switch (c < end ? *c : '\0')
        {
        case 's': *out++ = ' '; break;
        case 'n': *out++ = '\n'; break;
        case 't': *out++ = '\t'; break;
        case 'r': *out++ = '\r'; break;
        case '\\': *out++ = '\\'; break;
        default:
          return FALSE;
        }
    }
  *out = '\0';
  return TRUE;
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
  gsize group_len = strlen (group);
  char *p, *text_end, *nl;

  if (length < group_len + 2 || text[0] != '[' || strncmp (text + 1, group, group_len) != 0 ||
      text[group_len + 1] != ']')
    return FALSE;
  keys_reset (keys);
  g_string_truncate (keys->scratch, 0);
  g_string_append_len (keys->scratch, text, length);
  p = keys->scratch->str + group_len + 2;
  text_end = keys->scratch->str + length;
  if (p < text_end && *p == '\n')
    p++;
  else if (p != text_end)
    return FALSE;

  for (; p < text_end; p = nl != NULL ? nl + 1 : text_end)
    {
      char *end, *k = p, *v;

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
      *k = '\0';
      if (!unescape_in_place (v, end))
        return FALSE;
      g_ptr_array_add (keys->pairs, p);
      g_ptr_array_add (keys->pairs, v);
    }
  return TRUE;
}

/* The value of @key.  A key given twice: the last one counts, as in
 * GKeyFile. */
static const char *
get_string (Keys       *kf,
            const char *key)
{
  for (guint i = kf->pairs->len; i >= 2; i -= 2)
    {
      const char *name = g_ptr_array_index (kf->pairs, i - 2);

      if (name[0] == key[0] && strcmp (name, key) == 0)
        return g_ptr_array_index (kf->pairs, i - 1);
    }
  return NULL;
}

static gboolean
get_time (Keys       *kf,
          const char *key,
          gint64     *usec)
{
  return bulletin_annotations_parse_time (get_string (kf, key), usec);
}

static gboolean
get_offset (Keys       *kf,
            const char *key,
            guint      *offset)
{
  const char *s = get_string (kf, key);
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
  *ok = get_time (kf, "deleted", &when);
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
  const char *article, *text, *quote;
  BulletinNote *note, *old;
  gint64 created, modified;
  guint start = 0, end = 0;
  gboolean ok = TRUE;

  if (*uuid == '\0')
    return FALSE;
  if (parse_tombstone (kf, group, state, &ok) && !keys_has (kf, "article"))
    return ok;

  article = get_string (kf, "article");
  text = get_string (kf, "text");
  if (article == NULL || text == NULL ||
      !get_time (kf, "created", &created) ||
      !get_time (kf, "modified", &modified))
    return FALSE;

  quote = get_string (kf, "quote");
  if (quote != NULL &&
      (!get_offset (kf, "start", &start) ||
       !get_offset (kf, "end", &end) || end < start))
    return FALSE;

  note = _bulletin_note_new_with_uuid (uuid, article);
  _bulletin_note_set_all (note, text, get_string (kf, "headline"),
                          get_string (kf, "issue-id"), get_string (kf, "issue"),
                          get_string (kf, "issue-date"),
                          /* optional: files written before they were kept lack them */
                          get_string (kf, "archive"), get_string (kf, "archive-name"));
  if (quote != NULL)
    {
      const char *before = get_string (kf, "before"), *after = get_string (kf, "after");

      bulletin_note_set_range (note, start, end, quote, before ? before : "", after ? after : "");
    }
  bulletin_note_set_times (note, created, modified);

  old = g_hash_table_lookup (state->notes, uuid);
  if (old == NULL || bulletin_annotations_note_newer (note, old))
    g_hash_table_insert (state->notes, g_strdup (uuid), note);
  else
    g_object_unref (note);
  return ok;
}

static gboolean
parse_bookmark (Keys       *kf,
                const char *group,
                State      *state)
{
  const char *article;
  BulletinBookmark *bookmark, *old;
  gint64 added, modified;
  gboolean ok = TRUE, known;
  guint8 digest[16];

  if (parse_tombstone (kf, group, state, &ok) && !keys_has (kf, "article"))
    return ok;

  article = get_string (kf, "article");
  if (article == NULL ||
      !get_time (kf, "added", &added) ||
      !get_time (kf, "modified", &modified))
    return FALSE;

  /* the group's name is the digest of the id, as this app writes it
   * (a name of another form: the digest is made) */
  known = bulletin_annotations_bookmark_group_digest (group, digest);
  bookmark = _bulletin_bookmark_new_with_digest (article, known ? digest : NULL);
  bulletin_bookmark_set_headline (bookmark, get_string (kf, "headline"));
  bulletin_bookmark_set_issue (bookmark, get_string (kf, "issue-id"), get_string (kf, "issue"),
                               get_string (kf, "issue-date"));
  bulletin_bookmark_set_archive (bookmark, get_string (kf, "archive"), get_string (kf, "archive-name"));
  bulletin_bookmark_set_times (bookmark, added, modified);

  old = g_hash_table_lookup (state->bookmarks, article);
  if (old == NULL || bulletin_annotations_bookmark_newer (bookmark, old))
    g_hash_table_insert (state->bookmarks, g_strdup (article), bookmark);
  else
    g_object_unref (bookmark);
  return ok;
}

static gboolean
parse_position (Keys       *kf,
                const char *group,
                State      *state)
{
  const char *archive = get_string (kf, "archive");
  const char *article = get_string (kf, "article");
  Position *pos, *old;
  gint64 modified;
  guint offset;

  if (archive == NULL || article == NULL ||
      !get_offset (kf, "offset", &offset) ||
      !get_time (kf, "modified", &modified))
    return FALSE;

  old = g_hash_table_lookup (state->positions, archive);
  if (old != NULL && old->modified >= modified)
    return TRUE;

  pos = g_new0 (Position, 1);
  pos->archive = g_strdup (archive);
  pos->issue_id = g_strdup (get_string (kf, "issue-id"));
  pos->article_id = g_strdup (article);
  pos->offset = offset;
  pos->modified = modified;
  g_hash_table_insert (state->positions, g_strdup (archive), pos);
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

  Keys keys;

  keys_init (&keys);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      keys_from_key_file (&keys, kf, groups[i]);
      if (!parse_group (&keys, groups[i], text, state))
        bad++;
    }
  keys_clear (&keys);
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

/* A group of the file: its name and its text, where they are in the
 * file (not copies) */
typedef struct {
  const char *group;
  gsize       group_length;
  const char *text;
  gsize       length;
} RawGroup;

static void
add_raw_group (GArray     *out,
               const char *group,
               gsize       group_length,
               const char *start,
               const char *end)
{
  RawGroup raw = { group, group_length, start, end - start };

  if (group != NULL)
    g_array_append_val (out, raw);
}

/* Splits a key file into its groups, checking every line as GKeyFile
 * would: FALSE, with the reason, at the first that is no key file line. */
static gboolean
split_groups (const char  *data,
              gsize        length,
              GArray      *out,
              char       **reason)
{
  const char *p = data, *end = data + length;
  const char *chunk_start = NULL, *chunk_end = NULL;
  const char *group = NULL;
  gsize group_length = 0;
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
              *reason = g_strdup_printf (_("line %u is a broken group header"), line_no);
              return FALSE;
            }
          add_raw_group (out, group, group_length, chunk_start, chunk_end);
          group = s + 1;
          group_length = e - s - 2;
          chunk_start = p;
        }
      else
        {
          const char *eq = memchr (s, '=', e - s);

          if (group == NULL || eq == NULL || eq == s)
            {
              *reason = g_strdup_printf (_("line %u is not of the form “key=value”"), line_no);
              return FALSE;
            }
        }
      if (s != e && group != NULL)
        chunk_end = line_end;
      p = next;
    }
  add_raw_group (out, group, group_length, chunk_start, chunk_end);
  return TRUE;
}

/* Parses @data into @state; FALSE if anything could not be read (what
 * could is in @state all the same).  Groups whose text is what @seen holds
 * were read before and are skipped; @now_seen receives every group's
 * text. */
/* One group whose text is not what `seen` holds: parsed.  FALSE (and
 * @reason) if it is no key file at all. */
static gboolean
parse_raw_group (Keys       *keys,
                 const char *group,
                 RawGroup   *raw,
                 State      *state,
                 guint      *bad,
                 char      **reason)
{
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  gboolean known;

  /* the text itself is kept only for groups of a newer version */
  known = g_str_equal (group, HEADER_GROUP) || g_str_has_prefix (group, NOTE_PREFIX) ||
          g_str_has_prefix (group, BOOKMARK_PREFIX) || g_str_has_prefix (group, POSITION_PREFIX);
  if (!known)
    copy = g_strndup (raw->text, raw->length);
  if (keys_read_quick (keys, group, raw->text, raw->length))
    {
      if (!parse_group (keys, group, copy != NULL ? copy : "", state))
        (*bad)++;
      return TRUE;
    }

  if (copy == NULL)
    copy = g_strndup (raw->text, raw->length);
  kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, copy, -1, G_KEY_FILE_NONE, &error))
    {
      *reason = g_strdup (error->message);
      return FALSE;
    }
  *bad += parse_key_file (kf, copy, state);
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
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (RawGroup));
  g_autoptr(GString) group = g_string_new (NULL);
  gboolean ok = TRUE;
  Keys keys;

  if (!g_utf8_validate_len (data, length, NULL))
    {
      *reason = g_strdup (_("it is not valid UTF-8 text"));
      return FALSE;
    }
  if (!split_groups (data, length, groups, reason))
    return FALSE;

  keys_init (&keys);
  for (guint i = 0; ok && i < groups->len; i++)
    {
      RawGroup *raw = &g_array_index (groups, RawGroup, i);
      guint64 hash = bulletin_annotations_text_hash (raw->text, raw->length);
      guint64 key, was;

      g_string_truncate (group, 0);
      g_string_append_len (group, raw->group, raw->group_length);
      key = bulletin_annotations_group_key (group->str);
      if (seen == NULL || !bulletin_annotations_seen_get (seen, key, &was) || was != hash)
        ok = parse_raw_group (&keys, group->str, raw, state, bad, reason);
      if (ok && now_seen != NULL)
        bulletin_annotations_seen_set (now_seen, key, hash);
    }
  keys_clear (&keys);
  return ok;
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
