/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-place.h"

static void
append_part (GString    *line,
             const char *part)
{
  if (part == NULL || *part == 0)
    return;
  if (line->len > 0)
    {
      /* Translators: two parts of a line such as "Page 2 · Society" */
      g_autofree char *joined = g_strdup_printf (_("%s · %s"), line->str, part);

      g_string_assign (line, joined);
    }
  else
    g_string_append (line, part);
}

/**
 * bulletin_format_article_place:
 *
 * Returns: (transfer full) (nullable): the article's page and section, or
 * NULL when neither is known
 */
char *
bulletin_format_article_place (BulletinArticle *article)
{
  const char *page, *section;
  g_autoptr(GString) line = g_string_new (NULL);

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  page = bulletin_article_get_page (article);
  section = bulletin_article_get_section (article);
  if (page != NULL)
    {
      /* Translators: the printed page an article is on, e.g. "Page 2" */
      g_autofree char *p = g_strdup_printf (_("Page %s"), page);
      append_part (line, p);
    }
  append_part (line, section);
  return line->len > 0 ? g_string_free (g_steal_pointer (&line), FALSE) : NULL;
}

/**
 * bulletin_format_issue_number:
 *
 * Returns: (transfer full) (nullable): "No. 128" for "128"; a number that
 * is not digits only as it is
 */
char *
bulletin_format_issue_number (const char *number)
{
  gboolean digits = TRUE;

  if (number == NULL || *number == 0)
    return NULL;
  for (const char *p = number; *p; p++)
    digits = digits && g_ascii_isdigit (*p);
  /* Translators: an issue's number, e.g. "No. 128" */
  return digits ? g_strdup_printf (_("No. %s"), number) : g_strdup (number);
}

/**
 * bulletin_format_issue_line:
 *
 * Returns: (transfer full): e.g. "Riverside News · 2023-05-08 · No. 42 ·
 * Page 2 · Society"
 */
char *
bulletin_format_issue_line (BulletinIssue   *issue,
                            BulletinArticle *article)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *title, *date;
  g_autofree char *number = NULL;
  g_autofree char *place = NULL;

  g_return_val_if_fail (BULLETIN_IS_ISSUE (issue), NULL);
  g_return_val_if_fail (article == NULL || BULLETIN_IS_ARTICLE (article), NULL);

  title = bulletin_issue_get_title (issue);
  date = bulletin_issue_get_date (issue);
  /* a title that only repeats the date (a file named by its date) */
  if (g_strcmp0 (title, date) != 0)
    append_part (line, title);
  append_part (line, date);
  number = bulletin_format_issue_number (bulletin_issue_get_number (issue));
  append_part (line, number);
  if (article != NULL)
    place = bulletin_format_article_place (article);
  append_part (line, place);
  return g_string_free (g_steal_pointer (&line), FALSE);
}
