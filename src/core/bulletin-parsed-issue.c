/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-parsed-issue.h"

/**
 * bulletin_parsed_issue_new:
 *
 * Returns: (transfer full): an empty result
 */
BulletinParsedIssue *
bulletin_parsed_issue_new (void)
{
  BulletinParsedIssue *parsed = g_new0 (BulletinParsedIssue, 1);

  parsed->articles = g_ptr_array_new_with_free_func (g_object_unref);
  parsed->warnings = g_ptr_array_new_with_free_func (g_free);
  return parsed;
}

void
bulletin_parsed_issue_free (BulletinParsedIssue *parsed)
{
  if (parsed == NULL)
    return;
  g_free (parsed->title);
  g_free (parsed->date);
  g_free (parsed->number);
  g_free (parsed->edition);
  g_free (parsed->uri);
  g_free (parsed->language);
  g_free (parsed->text_key);
  g_free (parsed->encoding);
  g_clear_pointer (&parsed->missing_corrections, g_ptr_array_unref);
  g_ptr_array_unref (parsed->articles);
  g_ptr_array_unref (parsed->warnings);
  g_free (parsed);
}

void
bulletin_parsed_issue_add_warning (BulletinParsedIssue *parsed,
                                   const char          *format,
                                   ...)
{
  va_list args;

  g_return_if_fail (parsed != NULL);

  va_start (args, format);
  g_ptr_array_add (parsed->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}
