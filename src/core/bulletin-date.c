/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-date.h"

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static inline gboolean
is_date_separator (char c)
{
  return c == '-' || c == '_' || c == '.' || c == '/';
}

/* one or two digits; NULL when there is none */
static const char *
read_day_or_month (const char *p,
                   guint      *value)
{
  if (!is_digit (p[0]))
    return NULL;
  *value = p[0] - '0';
  if (is_digit (p[1]))
    {
      *value = *value * 10 + (p[1] - '0');
      return p + 2;
    }
  return p + 1;
}

static const char *
skip_ascii_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
    p++;
  return p;
}

/* After a year: `-3-29` (any of - _ . / as separators), `年3月29日` or
 * `0329`, not followed by a digit.  Returns FALSE when none is there. */
static gboolean
read_month_day (const char *q,
                guint      *month,
                guint      *day)
{
  const char *r;

  if (is_date_separator (*q))
    {
      r = read_day_or_month (q + 1, month);
      if (r != NULL && is_date_separator (*r))
        {
          r = read_day_or_month (r + 1, day);
          if (r != NULL && !is_digit (*r))
            return TRUE;
        }
    }

  if (g_str_has_prefix (q, "年"))
    {
      r = read_day_or_month (skip_ascii_space (q + strlen ("年")), month);
      if (r != NULL)
        {
          r = skip_ascii_space (r);
          if (g_str_has_prefix (r, "月"))
            {
              r = read_day_or_month (skip_ascii_space (r + strlen ("月")), day);
              if (r != NULL)
                {
                  r = skip_ascii_space (r);
                  if (g_str_has_prefix (r, "日") && !is_digit (r[strlen ("日")]))
                    return TRUE;
                }
            }
        }
    }

  if ((q[0] == '0' || q[0] == '1') && is_digit (q[1]) && q[2] >= '0' && q[2] <= '3' &&
      is_digit (q[3]) && !is_digit (q[4]))
    {
      *month = (q[0] - '0') * 10 + (q[1] - '0');
      *day = (q[2] - '0') * 10 + (q[3] - '0');
      return TRUE;
    }

  return FALSE;
}

/**
 * bulletin_date_from_string:
 *
 * Finds a date in @text: `2022-03-29`, `2022_03_29`, `2022.3.29`,
 * `20220329`, `2022年3月29日`.  Only plausible dates (years 1900 to 2199)
 * count, so that a run of digits in a name is not taken for one.
 *
 * Hand-written rather than a GRegex: the scanner calls this for every
 * entry of an archive, and the regex cost 4 µs a call.
 *
 * Returns: (transfer full) (nullable): the date as YYYY-MM-DD
 */
char *
bulletin_date_from_string (const char *text)
{
  if (text == NULL)
    return NULL;

  for (const char *p = text; *p; p++)
    {
      guint year, month = 0, day = 0;

      if (!((p[0] == '1' && p[1] == '9') || (p[0] == '2' && (p[1] == '0' || p[1] == '1'))) ||
          !is_digit (p[2]) || !is_digit (p[3]) || (p > text && is_digit (p[-1])))
        continue;

      year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
      if (read_month_day (p + 4, &month, &day) &&
          month >= 1 && month <= 12 && day >= 1 && g_date_valid_dmy (day, month, year))
        return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
    }

  return NULL;
}

/**
 * bulletin_number_from_string:
 *
 * Finds an issue number in @text: `第123期` (ASCII or full-width digits).
 *
 * Returns: (transfer full) (nullable): the number, in ASCII digits
 */
char *
bulletin_number_from_string (const char *text)
{
  const char *p;

  if (text == NULL)
    return NULL;

  for (p = strstr (text, "第"); p != NULL; p = strstr (p, "第"))
    {
      GString *digits = g_string_new (NULL);
      const char *q = p + strlen ("第");

      while (*q == ' ' || *q == '\t')
        q++;
      for (;;)
        {
          gunichar c = g_utf8_get_char_validated (q, -1);

          if (c >= '0' && c <= '9')
            g_string_append_c (digits, (char)c);
          else if (c >= 0xff10 && c <= 0xff19)
            g_string_append_c (digits, (char)('0' + c - 0xff10));
          else
            break;
          q = g_utf8_next_char (q);
        }
      while (*q == ' ' || *q == '\t')
        q++;
      if (digits->len > 0 && digits->len < 8 && g_str_has_prefix (q, "期"))
        return g_string_free (digits, FALSE);
      g_string_free (digits, TRUE);
      p += strlen ("第");
    }
  return NULL;
}
