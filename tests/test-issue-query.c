/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-issue-query.h"
#include "bulletin-test-utils.h"

/* What a person types to go to an issue (issue 15): dates in the forms a
 * newsroom writes them, issue numbers, and nothing else. */
static void
test_parse (void)
{
  static const struct {
    const char *text;
    BulletinIssueQueryKind kind;
    const char *value;
  } cases[] = {
    { "2021-03-05", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "2021-3-5", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "2021/03/05", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "2021.3.5", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "20210305", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "2021年3月5日", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "2021年03月05日", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { "2021年3月5号", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },
    { " ２０２１－０３－０５ ", BULLETIN_ISSUE_QUERY_DATE, "2021-03-05" },   /* full width */
    { "3月5日", BULLETIN_ISSUE_QUERY_DATE, "2019-03-05" },                   /* the default year */
    { "3月5号", BULLETIN_ISSUE_QUERY_DATE, "2019-03-05" },
    { "12月31", BULLETIN_ISSUE_QUERY_DATE, "2019-12-31" },
    { "3-5", BULLETIN_ISSUE_QUERY_DATE, "2019-03-05" },
    { "第123期", BULLETIN_ISSUE_QUERY_NUMBER, "123" },
    { "第 123 期", BULLETIN_ISSUE_QUERY_NUMBER, "123" },
    { "第１２３期", BULLETIN_ISSUE_QUERY_NUMBER, "123" },
    { "123", BULLETIN_ISSUE_QUERY_NUMBER, "123" },
    { "0123", BULLETIN_ISSUE_QUERY_NUMBER, "123" },
    { "No. 42", BULLETIN_ISSUE_QUERY_NUMBER, "42" },
    { "#42", BULLETIN_ISSUE_QUERY_NUMBER, "42" },
    { "2021", BULLETIN_ISSUE_QUERY_NUMBER, "2021" },
    /* not dates, not numbers */
    { "", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "2021-02-30", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "2月30日", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "13月1日", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "2021-03-05 2022-01-01", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "春耕", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "第123版", BULLETIN_ISSUE_QUERY_NONE, NULL },
    { "12a", BULLETIN_ISSUE_QUERY_NONE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = NULL;
      BulletinIssueQueryKind kind = bulletin_issue_query_parse (cases[i].text, 2019, &value);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (kind, ==, cases[i].kind);
      g_assert_cmpstr (value, ==, cases[i].value);
    }
  /* without a year to take, a month and day is nothing */
  g_assert_cmpint (bulletin_issue_query_parse ("3月5日", 0, NULL), ==, BULLETIN_ISSUE_QUERY_NONE);
}

static BulletinIssue *
issue (const char *date,
       const char *number)
{
  g_autofree char *name = g_strdup_printf ("/archive/%s.txt", date != NULL ? date : "x");
  g_autoptr(GFile) file = g_file_new_for_path (name);
  BulletinIssue *issue = bulletin_issue_new (file, BULLETIN_ISSUE_TEXT_FILE);

  bulletin_issue_set_metadata (issue, "城南日报", date, number, NULL, 2);
  return issue;
}

static GListModel *
archive (void)
{
  GListStore *store = g_list_store_new (BULLETIN_TYPE_ISSUE);
  static const char * const dates[][2] = {
    { "2021-03-10", "12" }, { "2021-03-05", "11" }, { "2021-03-01", "10" },
    { "2020-03-05", "11" }, { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autoptr(BulletinIssue) it = issue (dates[i][0], dates[i][1]);
      g_list_store_append (store, it);
    }
  return G_LIST_MODEL (store);
}

static void
test_find (void)
{
  g_autoptr(GListModel) issues = archive ();
  gboolean exact = TRUE;
  BulletinIssue *found;

  found = bulletin_issue_query_find_date (issues, "2021-03-05", &exact);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-05");
  g_assert_true (exact);

  /* none that day: the nearest, and not exact */
  found = bulletin_issue_query_find_date (issues, "2021-03-08", &exact);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-10");
  g_assert_false (exact);
  found = bulletin_issue_query_find_date (issues, "2021-03-02", &exact);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-01");
  /* as near on either side: the later */
  found = bulletin_issue_query_find_date (issues, "2021-03-03", &exact);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-05");
  /* before the first, after the last */
  found = bulletin_issue_query_find_date (issues, "1990-01-01", &exact);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2020-03-05");
  found = bulletin_issue_query_find_date (issues, "2030-01-01", &exact);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-10");
  g_assert_false (exact);

  /* numbers: of the year asked for, else the first */
  found = bulletin_issue_query_find_number (issues, "11", 2020);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2020-03-05");
  found = bulletin_issue_query_find_number (issues, "11", 2021);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-05");
  found = bulletin_issue_query_find_number (issues, "011", 1999);
  g_assert_cmpstr (bulletin_issue_get_date (found), ==, "2021-03-05");
  g_assert_null (bulletin_issue_query_find_number (issues, "13", 2021));

  /* the days of a month with an issue */
  g_assert_cmphex (bulletin_issue_query_days_in_month (issues, 2021, 3), ==,
                   (1u << 1) | (1u << 5) | (1u << 10));
  g_assert_cmphex (bulletin_issue_query_days_in_month (issues, 2021, 4), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/issue-query/parse", test_parse);
  g_test_add_func ("/bulletin/issue-query/find", test_find);
  return g_test_run ();
}
