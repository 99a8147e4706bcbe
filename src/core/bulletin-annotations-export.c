/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

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

  notes = bulletin_annotations_sorted_values (self->state.notes, bulletin_annotations_compare_by_position);
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
