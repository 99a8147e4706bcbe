/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bulletin-date.h"
#include "bulletin-issue-query.h"

/* The text folded for reading: full-width digits and letters become
 * ASCII (NFKC), white space at either end goes */
static char *
fold (const char *text)
{
  char *folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);

  return folded != NULL ? g_strstrip (folded) : NULL;
}

/* Only ASCII digits, date separators, 年 月 日 号 and spaces */
static gboolean
only_date_characters (const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!(g_ascii_isdigit (c) || c == '-' || c == '/' || c == '.' || c == '_' || c == ' ' ||
            c == 0x5E74 /* 年 */ || c == 0x6708 /* 月 */ || c == 0x65E5 /* 日 */ ||
            c == 0x53F7 /* 号 */ || c == 0x865F /* 號 */))
        return FALSE;
    }
  return TRUE;
}

/* Digits from @p; the end of them, NULL when there is none or too many */
static const char *
read_number (const char *p,
             guint       max_digits,
             guint      *value)
{
  const char *q = p;

  *value = 0;
  while (g_ascii_isdigit (*q) && (guint)(q - p) < max_digits)
    *value = *value * 10 + (guint)(*q++ - '0');
  if (q == p || g_ascii_isdigit (*q))
    return NULL;
  return q;
}

static const char *
skip_space (const char *p)
{
  while (*p == ' ')
    p++;
  return p;
}

/* "3月5日", "3月5号", "3月5", "3-5", "03/05": a month and a day */
static gboolean
read_month_day (const char *s,
                guint      *month,
                guint      *day)
{
  const char *p = read_number (s, 2, month);

  if (p == NULL)
    return FALSE;
  p = skip_space (p);
  if (g_str_has_prefix (p, "月"))
    p += strlen ("月");
  else if (*p == '-' || *p == '/' || *p == '.')
    p++;
  else
    return FALSE;
  p = read_number (skip_space (p), 2, day);
  if (p == NULL)
    return FALSE;
  p = skip_space (p);
  if (g_str_has_prefix (p, "日"))
    p += strlen ("日");
  else if (g_str_has_prefix (p, "号"))
    p += strlen ("号");
  else if (g_str_has_prefix (p, "號"))
    p += strlen ("號");
  return *skip_space (p) == 0;
}

/**
 * bulletin_issue_query_parse:
 * @text: what a person typed
 * @default_year: the year of a date typed without one (3月5日)
 * @value: (out) (optional): the date (YYYY-MM-DD) or the number
 *
 * Returns: what @text asks for: a date, an issue number, or nothing
 */
BulletinIssueQueryKind
bulletin_issue_query_parse (const char  *text,
                            guint        default_year,
                            char       **value)
{
  g_autofree char *s = NULL;
  g_autofree char *found = NULL;
  guint month, day, number;
  const char *p;

  if (value != NULL)
    *value = NULL;
  if (text == NULL || (s = fold (text)) == NULL || *s == 0)
    return BULLETIN_ISSUE_QUERY_NONE;

  /* a full date: the text is that date and nothing else */
  if (only_date_characters (s))
    {
      /* 5号 is 5日 */
      g_autoptr(GString) as_ri = g_string_new (s);

      g_string_replace (as_ri, "号", "日", 0);
      g_string_replace (as_ri, "號", "日", 0);
      found = bulletin_date_from_string (as_ri->str);
    }
  if (found != NULL)
    {
      guint n_digits = 0;

      /* 2021-03-05 has 8 digits, 2021-3-5 6: no other number beside it */
      for (p = s; *p; p++)
        n_digits += g_ascii_isdigit (*p);
      if (n_digits <= 8)
        {
          if (value != NULL)
            *value = g_steal_pointer (&found);
          return BULLETIN_ISSUE_QUERY_DATE;
        }
      return BULLETIN_ISSUE_QUERY_NONE;
    }

  /* a month and a day, in the default year */
  if (default_year >= 1 && read_month_day (s, &month, &day))
    {
      if (month < 1 || month > 12 || day < 1 || !g_date_valid_dmy (day, month, default_year))
        return BULLETIN_ISSUE_QUERY_NONE;
      if (value != NULL)
        *value = g_strdup_printf ("%04u-%02u-%02u", default_year, month, day);
      return BULLETIN_ISSUE_QUERY_DATE;
    }

  /* 第123期 (bulletin-date's reading of it), else 123, No. 123, #123, 第123 */
  {
    g_autofree char *n = bulletin_number_from_string (s);

    p = s;
    if (n != NULL && g_str_has_prefix (s, "第") && g_str_has_suffix (s, "期"))
      p = n;
    else if (g_ascii_strncasecmp (p, "no.", 3) == 0)
      p = skip_space (p + 3);
    else if (g_ascii_strncasecmp (p, "no", 2) == 0 || *p == '#')
      p = skip_space (p + (*p == '#' ? 1 : 2));
    else if (g_str_has_prefix (p, "第"))
      p = skip_space (p + strlen ("第"));
    {
      const char *end = read_number (p, 7, &number);

      if (end == NULL || *skip_space (end) != 0)
        return BULLETIN_ISSUE_QUERY_NONE;
    }
  }
  if (value != NULL)
    *value = g_strdup_printf ("%u", number);
  return BULLETIN_ISSUE_QUERY_NUMBER;
}

/* The day number of a YYYY-MM-DD date, 0 when it is none */
static guint32
julian_of (const char *date)
{
  guint year, month, day;

  if (date == NULL || strlen (date) < 10 || date[4] != '-' || date[7] != '-')
    return 0;
  year = (guint)atoi (date);
  month = (guint)atoi (date + 5);
  day = (guint)atoi (date + 8);
  if (!g_date_valid_dmy (day, month, year))
    return 0;
  {
    GDate d;

    g_date_clear (&d, 1);
    g_date_set_dmy (&d, day, month, year);
    return g_date_get_julian (&d);
  }
}

/**
 * bulletin_issue_query_find_date:
 * @issues: a #GListModel of #BulletinIssue
 * @date: YYYY-MM-DD
 * @exact: (out) (optional): whether the issue appeared that day
 *
 * Returns: (transfer none) (nullable): the issue of @date, else the one
 * nearest to it (the later one of two as near); NULL when no issue has a
 * date
 */
BulletinIssue *
bulletin_issue_query_find_date (GListModel *issues,
                                const char *date,
                                gboolean   *exact)
{
  guint32 want = julian_of (date);
  BulletinIssue *best = NULL;
  gint64 best_diff = G_MAXINT64;
  gint64 best_day = 0;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (issues), NULL);

  if (exact != NULL)
    *exact = FALSE;
  if (want == 0)
    return NULL;
  n = g_list_model_get_n_items (issues);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      guint32 day;
      gint64 diff;

      if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        continue;
      day = julian_of (bulletin_issue_get_date (issue));
      if (day == 0)
        continue;
      diff = ABS ((gint64)day - (gint64)want);
      if (diff < best_diff || (diff == best_diff && day > best_day))
        {
          best = issue;   /* the list holds a reference */
          best_diff = diff;
          best_day = day;
        }
    }
  if (exact != NULL)
    *exact = best != NULL && best_diff == 0;
  return best;
}

/* "0123" and "123" are the same number */
static gboolean
same_number (const char *a,
             const char *b)
{
  while (*a == '0' && a[1] != 0)
    a++;
  while (*b == '0' && b[1] != 0)
    b++;
  return strcmp (a, b) == 0;
}

/**
 * bulletin_issue_query_find_number:
 * @issues: a #GListModel of #BulletinIssue
 * @number: the issue's number, in ASCII digits
 * @prefer_year: of several issues with that number, the one of this year
 *
 * Returns: (transfer none) (nullable): the issue numbered @number (in
 * @prefer_year when one is; else the first in the list)
 */
BulletinIssue *
bulletin_issue_query_find_number (GListModel *issues,
                                  const char *number,
                                  guint       prefer_year)
{
  BulletinIssue *first = NULL;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (issues), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  n = g_list_model_get_n_items (issues);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      g_autofree char *digits = NULL;
      const char *own = bulletin_issue_get_number (issue);

      if (own == NULL || bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        continue;
      /* "第12期" as the number, or digits */
      digits = g_ascii_isdigit (*own) ? g_strdup (own) : bulletin_number_from_string (own);
      if (digits == NULL || !same_number (digits, number))
        continue;
      if (prefer_year == 0 || bulletin_issue_get_year (issue) == prefer_year)
        return issue;  /* the list holds a reference */
      if (first == NULL)
        first = issue;
    }
  return first;
}

/**
 * bulletin_issue_query_days_in_month:
 *
 * Returns: the days of @month of @year on which an issue appeared, as
 * bits (bit d for day d)
 */
guint32
bulletin_issue_query_days_in_month (GListModel *issues,
                                    guint       year,
                                    guint       month)
{
  g_autofree char *prefix = g_strdup_printf ("%04u-%02u-", year, month);
  guint32 days = 0;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (issues), 0);

  n = g_list_model_get_n_items (issues);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);
      const char *date = bulletin_issue_get_date (issue);
      guint day;

      if (date == NULL || !g_str_has_prefix (date, prefix) ||
          bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        continue;
      day = (guint)atoi (date + 8);
      if (day >= 1 && day <= 31)
        days |= 1u << day;
    }
  return days;
}
