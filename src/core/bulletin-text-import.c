/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-text-import.h"

G_DEFINE_QUARK (bulletin-text-error-quark, bulletin_text_error)

/* Placeholder until the plain-text importer lands: the whole file is one
 * article, its first line the headline, blank lines separate paragraphs.
 * Only UTF-8 is accepted. */
BulletinParsedIssue *
bulletin_text_parse (const char  *data,
                     gsize        len,
                     const char  *display_name,
                     GError     **error)
{
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(BulletinArticle) article = NULL;
  const char *text, *p, *end;
  gboolean first = TRUE;

  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING,
                   "%s: not UTF-8 text", display_name);
      return NULL;
    }

  article = bulletin_article_new ();
  bulletin_article_set_source (article, data, len);
  text = bulletin_article_get_source (article);
  end = text + strlen (text);

  p = text;
  while (p < end)
    {
      const char *line_end = strchr (p, '\n');
      const char *s = p, *e;

      if (line_end == NULL)
        line_end = end;
      e = line_end;
      while (s < e && g_ascii_isspace (*s))
        s++;
      while (e > s && g_ascii_isspace (e[-1]))
        e--;
      if (e > s)
        {
          guint start = g_utf8_pointer_to_offset (text, s);
          guint stop = start + g_utf8_pointer_to_offset (s, e);

          bulletin_article_add_block (article,
                                      bulletin_block_new (first ? BULLETIN_BLOCK_HEADLINE
                                                                : BULLETIN_BLOCK_PARAGRAPH,
                                                          start, stop));
          first = FALSE;
        }
      p = line_end + 1;
    }

  if (first)
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_EMPTY,
                   "%s: the file is empty", display_name);
      return NULL;
    }

  bulletin_article_finish (article);
  parsed = bulletin_parsed_issue_new ();
  g_ptr_array_add (parsed->articles, g_steal_pointer (&article));
  return g_steal_pointer (&parsed);
}
