/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

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

char *
bulletin_annotations_note_to_text (const char   *group,
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

char *
bulletin_annotations_bookmark_to_text (const char       *group,
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

char *
bulletin_annotations_position_to_text (const char *group,
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

char *
bulletin_annotations_tombstone_to_text (const char *group,
                                        gint64      when)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[%s]\n", group);
  append_time (out, "deleted", when);
  return g_string_free (out, FALSE);
}

void
bulletin_annotations_chunk_free (Chunk *chunk)
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
      bulletin_annotations_chunk_free (chunk);
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
      bulletin_annotations_seen_put (w->now_seen, group, chunk->text, n > 0 && chunk->text[n - 1] == '\n' ? n - 1 : n);
    }
  if (w->fresh != NULL)
    g_hash_table_insert (w->fresh, g_strdup (group), chunk);
  else
    bulletin_annotations_chunk_free (chunk);
}

static char *
tombstone_make (const char *group,
                gpointer    data)
{
  return bulletin_annotations_tombstone_to_text (group, *(gint64 *) data);
}

/* The state as the key file's text.  @cache (group -> Chunk) is used and
 * renewed when given; @now_seen receives each group's text. */
char *
bulletin_annotations_state_to_data (State       *state,
                                    GHashTable **cache,
                                    Seen        *now_seen,
                                    gsize       *length)
{
  g_autoptr(GPtrArray) positions = bulletin_annotations_sorted_values (state->positions, bulletin_annotations_compare_positions);
  g_autoptr(GPtrArray) bookmarks = bulletin_annotations_sorted_values (state->bookmarks, bulletin_annotations_compare_bookmarks);
  g_autoptr(GPtrArray) notes = bulletin_annotations_sorted_values (state->notes, bulletin_annotations_compare_notes);
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
  w.fresh = cache != NULL ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bulletin_annotations_chunk_free)
                          : NULL;
  w.now_seen = now_seen;
  g_string_append_printf (w.out, "version=%d\n", FORMAT_VERSION);
  if (now_seen != NULL)
    {
      g_autofree char *header = g_strdup_printf ("[%s]\nversion=%d", HEADER_GROUP, FORMAT_VERSION);

      bulletin_annotations_seen_put (now_seen, HEADER_GROUP, header, strlen (header));
    }

  for (guint i = 0; i < positions->len; i++)
    {
      Position *pos = g_ptr_array_index (positions, i);
      g_autofree char *group = bulletin_annotations_digest_group (POSITION_PREFIX, pos->archive);

      write_group (&w, group, FALSE, pos->modified,
                   (char *(*) (const char *, gpointer)) bulletin_annotations_position_to_text, pos);
    }

  for (guint i = 0; i < bookmarks->len; i++)
    {
      BulletinBookmark *b = g_ptr_array_index (bookmarks, i);
      g_autofree char *group = bulletin_annotations_group_of_bookmark (b);

      write_group (&w, group, FALSE, bulletin_bookmark_get_modified (b),
                   (char *(*) (const char *, gpointer)) bulletin_annotations_bookmark_to_text, b);
    }

  for (guint i = 0; i < notes->len; i++)
    {
      BulletinNote *n = g_ptr_array_index (notes, i);
      g_autofree char *group = bulletin_annotations_note_group (bulletin_note_get_uuid (n));

      write_group (&w, group, FALSE, bulletin_note_get_modified (n),
                   (char *(*) (const char *, gpointer)) bulletin_annotations_note_to_text, n);
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
        bulletin_annotations_seen_put (now_seen, l->data, text, strlen (text));
    }

  if (cache != NULL)
    {
      g_clear_pointer (cache, g_hash_table_unref);
      *cache = w.fresh;
    }

  *length = w.out->len;
  return g_string_free (w.out, FALSE);
}
