/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bulletin-archive.h"
#include "bulletin-archive-cache.h"
#include "bulletin-formats.h"
#include "bulletin-search-index.h"
#include "bulletin-date.h"
#include "bulletin-text-import.h"
#include "bulletin-test-utils.h"

/* Fixtures are written here, in temporary folders: short texts of our own. */

static char *cache_home;

typedef struct {
  char  *path;
  GFile *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->path = g_dir_make_tmp ("bulletin-archive-XXXXXX", &error);
  g_assert_no_error (error);
  f->dir = g_file_new_for_path (f->path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *cache = bulletin_archive_dup_cache_path (f->dir);

  bulletin_test_remove_tree (f->path);
  g_unlink (cache);
  g_object_unref (f->dir);
  g_free (f->path);
}

static void
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (f->path, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
ninjs_item (const char *uri,
            const char *headline,
            const char *date,
            const char *body)
{
  GString *s = g_string_new ("{\"type\":\"text\"");

  if (uri != NULL)
    g_string_append_printf (s, ",\"uri\":\"%s\"", uri);
  if (headline != NULL)
    g_string_append_printf (s, ",\"headlines\":[{\"role\":\"main\",\"value\":\"%s\"}]", headline);
  if (date != NULL)
    g_string_append_printf (s, ",\"versionCreated\":\"%s\"", date);
  if (body != NULL)
    g_string_append_printf (s, ",\"bodies\":[{\"contentType\":\"text/plain\",\"value\":\"%s\"}]",
                            body);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

/* scanning through the async path, as the window does */

typedef struct {
  GMainLoop *loop;
  gboolean   done;
  gboolean   ok;
  GError    *error;
} Wait;

static void
scan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = bulletin_archive_scan_finish (BULLETIN_ARCHIVE (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
scan (BulletinArchive  *archive,
      GCancellable     *cancellable,
      GError          **error)
{
  Wait wait = { 0, };

  bulletin_archive_scan_async (archive, cancellable, scan_cb, &wait);
  g_assert_true (bulletin_archive_get_loading (archive));
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (bulletin_archive_get_loading (archive));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static BulletinArchive *
open_archive (Fixture *f)
{
  BulletinArchive *archive = bulletin_archive_new (f->dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (scan (archive, NULL, &error));
  g_assert_no_error (error);
  return archive;
}

static BulletinIssue *
issue_at (BulletinArchive *archive,
          guint            i)
{
  g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);

  g_assert_nonnull (issue);
  return issue; /* the archive keeps it */
}

static void
assert_sorted (BulletinArchive *archive)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (archive));

  for (guint i = 1; i < n; i++)
    g_assert_cmpint (bulletin_issue_compare (issue_at (archive, i - 1), issue_at (archive, i)),
                     <, 0);
}

static void
write_layouts (Fixture *f)
{
  g_autofree char *a1 = ninjs_item ("urn:test:a1", "社区食堂开张", NULL, "本周一，社区食堂正式开张。");
  g_autofree char *a2 = ninjs_item ("urn:test:a2", "老旧小区加装电梯", NULL, "三栋楼完成了电梯加装。");
  g_autofree char *composite = g_strdup_printf (
    "{\"uri\":\"urn:test:issue:45\",\"type\":\"composite\","
    "\"headlines\":[{\"value\":\"街道通讯 第45期\"}],"
    "\"versionCreated\":\"2023-05-12T09:00:00+08:00\",\"associations\":[%s,%s]}", a1, a2);
  g_autofree char *single = g_strdup (
    "{\"uri\":\"urn:test:s\",\"type\":\"text\",\"headline\":\"垃圾分类新规\","
    "\"versioncreated\":\"2022-11-01T10:00:00Z\",\"body_text\":\"新规从下月起施行。\"}");
  g_autofree char *x1 = ninjs_item (NULL, "春季义诊", NULL, "义诊在广场举行。");
  g_autofree char *x2 = ninjs_item (NULL, "图书角", NULL, "图书角新添两百册书。");
  g_autofree char *array = g_strdup_printf ("[%s,%s,%s]", x1, x2, x1);
  g_autofree char *meta = g_strdup (
    "{\"type\":\"composite\",\"headlines\":[{\"value\":\"七月特刊\"}],"
    "\"versionCreated\":\"2020-07-01\"}");

  write_file (f, "2023-05-10.json", composite);
  write_file (f, "single.json", single);
  write_file (f, "2021-03-15_array.json", array);
  write_file (f, "special/issue.json", meta);
  write_file (f, "special/01.json", x1);
  write_file (f, "special/02.json", x2);
  write_file (f, "2019-09-09/a.json", x1);
  write_file (f, "2019-09-09/b.json", x2);
  write_file (f, "2019-09-09/c.json", a1);
  write_file (f, "2018-02-03 通讯.txt", "第7期 春节特刊\n\n街道举办迎春联欢会。\n");
  write_file (f, "随笔.txt", "秋天的公园\n\n落叶铺满小路。\n");
  /* not issues: an image folder and a stray file */
  write_file (f, "images/logo.png", "\x89PNG");
  write_file (f, "readme.md", "说明");
  write_file (f, ".hidden.json", "{}");
}

static void
test_layouts (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = NULL;
  BulletinIssue *issue;

  write_layouts (f);
  archive = open_archive (f);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 7);
  g_assert_cmpuint (bulletin_archive_get_n_total (archive), ==, 7);
  g_assert_cmpuint (bulletin_archive_get_n_scanned (archive), ==, 7);
  g_assert_cmpfloat (bulletin_archive_get_progress (archive), ==, 1.0);
  g_assert_false (bulletin_archive_is_single_file (archive));
  assert_sorted (archive);

  /* composite: the content's date wins over the name's */
  issue = issue_at (archive, 0);
  g_assert_cmpstr (bulletin_issue_get_display_name (issue), ==, "2023-05-10.json");
  g_assert_cmpint (bulletin_issue_get_kind (issue), ==, BULLETIN_ISSUE_NINJS_FILE);
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_READY);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "街道通讯 第45期");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2023-05-12");
  g_assert_cmpstr (bulletin_issue_get_number (issue), ==, "45");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 2);

  issue = issue_at (archive, 1);
  g_assert_cmpstr (bulletin_issue_get_display_name (issue), ==, "single.json");
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "垃圾分类新规");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2022-11-01");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 1);

  /* an array: no title of its own, the name without extension */
  issue = issue_at (archive, 2);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "2021-03-15_array");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2021-03-15");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 3);

  /* a folder with issue.json: its title and date; issue.json is no article */
  issue = issue_at (archive, 3);
  g_assert_cmpstr (bulletin_issue_get_display_name (issue), ==, "special");
  g_assert_cmpint (bulletin_issue_get_kind (issue), ==, BULLETIN_ISSUE_NINJS_FOLDER);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "七月特刊");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2020-07-01");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 2);
  g_assert_true (bulletin_archive_find_issue (archive, "special") == issue);

  /* a folder without: its name */
  issue = issue_at (archive, 4);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "2019-09-09");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2019-09-09");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 3);

  /* text: name date, the masthead's title (as the importer reads it, so
   * that loading keeps it), number */
  issue = issue_at (archive, 5);
  g_assert_cmpint (bulletin_issue_get_kind (issue), ==, BULLETIN_ISSUE_TEXT_FILE);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "春节特刊");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2018-02-03");
  g_assert_cmpstr (bulletin_issue_get_number (issue), ==, "7");

  /* undated, last */
  issue = issue_at (archive, 6);
  /* no masthead: the file name, not the first article's headline */
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "随笔");
  g_assert_null (bulletin_issue_get_date (issue));
  {
    g_autofree char *section = bulletin_issue_dup_section_title (issue);
    g_autofree char *dated = bulletin_issue_dup_section_title (issue_at (archive, 0));

    g_assert_cmpstr (section, ==, "Undated");
    g_assert_cmpstr (dated, ==, "2023");
  }

  /* loading the text issues keeps their titles: their rows do not change */
  for (guint i = 5; i <= 6; i++)
    {
      g_autoptr(GError) load_error = NULL;
      g_autofree char *before = g_strdup (bulletin_issue_get_title (issue_at (archive, i)));

      g_assert_true (bulletin_issue_load (issue_at (archive, i), NULL, &load_error));
      g_assert_no_error (load_error);
      g_assert_cmpstr (bulletin_issue_get_title (issue_at (archive, i)), ==, before);
    }

  g_assert_null (bulletin_archive_find_issue (archive, "images"));
  g_assert_null (bulletin_archive_find_issue (archive, "readme.md"));
  g_assert_null (bulletin_archive_find_issue (archive, ".hidden.json"));
}

/* What the scan lists is what loading finds. */
static void
test_load_matches_scan (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = NULL;
  guint n;

  write_layouts (f);
  archive = open_archive (f);
  n = g_list_model_get_n_items (G_LIST_MODEL (archive));

  for (guint i = 0; i < n; i++)
    {
      BulletinIssue *issue = issue_at (archive, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *date = g_strdup (bulletin_issue_get_date (issue));
      g_autofree char *number = g_strdup (bulletin_issue_get_number (issue));
      guint n_articles = bulletin_issue_get_n_articles (issue);

      if (!bulletin_issue_load (issue, NULL, &error))
        g_error ("%s: %s", bulletin_issue_get_display_name (issue), error->message);
      g_assert_true (bulletin_issue_is_loaded (issue));
      g_assert_cmpstr (bulletin_issue_get_date (issue), ==, date);
      /* the row keeps its "No. 45" once the issue loads (issue 11) */
      g_assert_cmpstr (bulletin_issue_get_number (issue), ==, number);
      if (g_strcmp0 (bulletin_issue_get_display_name (issue), "2023-05-10.json") == 0)
        g_assert_cmpstr (number, ==, "45");
      /* text: unknown until the importer has run */
      if (bulletin_issue_get_kind (issue) != BULLETIN_ISSUE_TEXT_FILE)
        g_assert_cmpuint (g_list_model_get_n_items (bulletin_issue_get_articles (issue)), ==,
                          n_articles);
    }
  assert_sorted (archive);
}

static void
test_dates (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "2022_03_29 通讯", "2022-03-29" },
    { "2022/3/9", "2022-03-09" },
    { "2022年 3 月 9 日", "2022-03-09" },
    { "第3期2019年12月31日", "2019-12-31" },
    { "2022年3月9日5", NULL },
    { "2022-02-30", NULL },
    { "12022-03-04", NULL },
    { "2022-3", NULL },
    { "1899-01-01", NULL },
    { "2022-13-01 或 2021-01-02", "2021-01-02" },
    { "bulletin-20230101-20240202.json", "2023-01-01" },
    { "2199-12-31", "2199-12-31" },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *date = bulletin_date_from_string (cases[i].in);
      g_assert_cmpstr (date, ==, cases[i].out);
    }
  g_assert_null (bulletin_date_from_string (NULL));

  {
    g_autofree char *a = bulletin_number_from_string ("社区通讯 第 12 期");
    g_autofree char *b = bulletin_number_from_string ("第１２３期");
    g_autofree char *c = bulletin_number_from_string ("第一期");
    g_autofree char *d = bulletin_number_from_string ("第12版 第7期");

    g_assert_cmpstr (a, ==, "12");
    g_assert_cmpstr (b, ==, "123");
    g_assert_null (c);
    g_assert_cmpstr (d, ==, "7");
  }
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = NULL;
  g_autofree char *good = ninjs_item ("urn:test:g", "好新闻", "2022-01-01", "一切正常。");
  g_autofree char *dangling = g_build_filename (f->path, "2016-01-01-link.json", NULL);
  BulletinIssue *issue;
  guint n_errors = 0;

  write_file (f, "good.json", good);
  write_file (f, "2017-01-01.json", "{\"headline\": \"坏\",\n\"body_text\": }\n");
  write_file (f, "empty.json", "");
  write_file (f, "number.json", "42");
  g_assert_cmpint (symlink ("/nonexistent/bulletin-test", dangling), ==, 0);

  archive = open_archive (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 5);
  assert_sorted (archive);

  /* the good one is listed first and works */
  issue = issue_at (archive, 0);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "好新闻");
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_READY);

  for (guint i = 1; i < 5; i++)
    {
      const char *message;

      issue = issue_at (archive, i);
      g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
      message = bulletin_issue_get_error_message (issue);
      g_assert_nonnull (message);
      n_errors++;
      if (strcmp (bulletin_issue_get_display_name (issue), "2017-01-01.json") == 0)
        {
          /* names the file and the line; keeps the name's date */
          g_assert_nonnull (strstr (message, "2017-01-01.json"));
          g_assert_nonnull (strstr (message, "line 2"));
          g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2017-01-01");
        }
      else if (strcmp (bulletin_issue_get_display_name (issue), "empty.json") == 0)
        g_assert_nonnull (strstr (message, "empty"));
    }
  g_assert_cmpuint (n_errors, ==, 4);
  g_assert_nonnull (bulletin_archive_find_issue (archive, "2016-01-01-link.json"));
}

/* Each format is listed by its row of the formats' table: a text file by
 * its first 4 KB only (an issue number after them is not seen, and the
 * title is the name's when the head has no masthead), an .xml file too
 * large to list and one that is neither NewsML with the NewsML readers'
 * own words. */
static void
test_format_listing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = NULL;
  g_autoptr(GString) text = g_string_new ("新年特刊\n\n街道举办新年音乐会。\n");
  g_autofree char *big = g_build_filename (f->path, "big.xml", NULL);
  g_autoptr(GError) error = NULL;
  BulletinIssue *issue;
  FILE *out;

  /* after the first 4 KB, an issue number and a NUL: the importer refuses
   * the file as binary, the listing sees neither */
  while (text->len < 8192)
    g_string_append (text, "这一段是正文，写得很长，一直写到四千字节以后。\n");
  g_string_append (text, "第99期\n");
  g_string_append_len (text, "\0", 1);
  {
    g_autofree char *path = g_build_filename (f->path, "2024-01-02 通讯.txt", NULL);

    g_file_set_contents (path, text->str, text->len, &error);
    g_assert_no_error (error);
  }
  write_file (f, "rss.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"/>");
  /* sparse: 64 MB and a byte, of which 4 KB are ever read */
  write_file (f, "big.xml", "<?xml version=\"1.0\"?><newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\">");
  out = fopen (big, "r+");
  g_assert_nonnull (out);
  g_assert_cmpint (ftruncate (fileno (out), 64 * 1024 * 1024 + 1), ==, 0);
  fclose (out);

  archive = open_archive (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 3);

  issue = bulletin_archive_find_issue (archive, "2024-01-02 通讯.txt");
  g_assert_nonnull (issue);
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_READY);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "2024-01-02 通讯");
  g_assert_null (bulletin_issue_get_number (issue));
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2024-01-02");
  g_assert_false (bulletin_issue_load (issue, NULL, &error));
  g_assert_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_BINARY);
  g_clear_error (&error);

  issue = bulletin_archive_find_issue (archive, "rss.xml");
  g_assert_nonnull (issue);
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
  g_assert_nonnull (strstr (bulletin_issue_get_error_message (issue), "rss.xml: neither NewsML-G2 nor NewsML 1"));

  issue = bulletin_archive_find_issue (archive, "big.xml");
  g_assert_nonnull (issue);
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
  g_assert_nonnull (strstr (bulletin_issue_get_error_message (issue), "big.xml: too large for an XML news file (over 64 MB)"));
}

static void
test_order (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = NULL;
  const char *expected[] = {
    "2024-12-31.txt", "2016-06-06-a.txt", "2016-06-06-b.txt", "20150101.txt",
    "issue2.txt", "issue10.txt",
  };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *later = NULL;
  BulletinIssue *moved;

  /* mtimes that would give another order: ignored */
  write_file (f, "issue10.txt", "十\n");
  write_file (f, "20150101.txt", "旧\n");
  write_file (f, "2016-06-06-b.txt", "乙\n");
  write_file (f, "issue2.txt", "二\n");
  write_file (f, "2016-06-06-a.txt", "甲\n");
  write_file (f, "2024-12-31.txt", "新\n");

  archive = open_archive (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (bulletin_issue_get_display_name (issue_at (archive, i)), ==, expected[i]);

  /* an issue whose date becomes known (as when it loads) moves to its place */
  moved = bulletin_archive_find_issue (archive, "issue10.txt");
  bulletin_issue_set_metadata (moved, NULL, "2020-02-02", NULL, NULL, 1);
  g_assert_true (issue_at (archive, 1) == moved);
  assert_sorted (archive);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    user_data)
{
  guint *counts = user_data;

  /* on the main thread, while the scan runs */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  counts[0]++;
  counts[1] += added;
  counts[2] += removed;
  if (bulletin_archive_get_loading (BULLETIN_ARCHIVE (model)))
    counts[3]++;
}

/* A copy of the model kept only from its signals: after the scan it must
 * be the model, or a signal said something wrong. */
static void
mirror_changes (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                GPtrArray  *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->len);
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror, position + i, g_list_model_get_item (model, position + i));
}

static void
assert_mirror (GListModel *model,
               GPtrArray  *mirror)
{
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_assert_true (item == g_ptr_array_index (mirror, i));
    }
}

static void
write_many (Fixture *f,
            guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%04u-%02u-%02u.json", 2000 + i % 20,
                                               1 + i % 12, 1 + i % 28);
      g_autofree char *unique = g_strdup_printf ("%u-%s", i, name);
      g_autofree char *item = ninjs_item (NULL, "区里的消息", NULL, "居民们参加了清洁活动。");

      write_file (f, unique, item);
    }
}

static void
test_batches (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (f->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first_mirror = g_ptr_array_new_with_free_func (g_object_unref);
  guint counts[4] = { 0, };

  write_many (f, 300);
  g_signal_connect (archive, "items-changed", G_CALLBACK (count_changes), counts);
  g_signal_connect (archive, "items-changed", G_CALLBACK (mirror_changes), first_mirror);
  g_assert_true (scan (archive, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 300);
  /* what was added, less what was replaced by a merge */
  g_assert_cmpuint (counts[1] - counts[2], ==, 300);
  assert_mirror (G_LIST_MODEL (archive), first_mirror);
  /* in batches, not one signal per issue, and while loading */
  g_assert_cmpuint (counts[0], >=, 1);
  g_assert_cmpuint (counts[0], <, 300);
  g_assert_cmpuint (counts[3], ==, counts[0]);
  g_assert_cmpuint (bulletin_archive_get_n_scanned (archive), ==, 300);
  assert_sorted (archive);

  /* again, from the cache this time: the signals describe the model */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(BulletinArchive) again = bulletin_archive_new (f->dir);
      g_autoptr(GPtrArray) mirror = g_ptr_array_new_with_free_func (g_object_unref);
      guint from_cache;

      g_signal_connect (again, "items-changed", G_CALLBACK (mirror_changes), mirror);
      g_assert_true (scan (again, NULL, &error));
      bulletin_archive_get_scan_stats (again, &from_cache, NULL);
      g_assert_cmpuint (from_cache, ==, 300);
      assert_mirror (G_LIST_MODEL (again), mirror);
      assert_sorted (again);
    }
}

static void
set_mtime (const char *path,
           guint64     seconds)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, seconds,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
  g_file_set_attribute_uint32 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, 0,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
}

static void
test_cache (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *one = ninjs_item ("urn:c:1", "第一篇", "2021-01-01", "内容一。");
  g_autofree char *two = ninjs_item ("urn:c:2", "第二篇", "2021-02-02", "内容二。");
  g_autofree char *path = g_build_filename (f->path, "one.json", NULL);
  g_autofree char *cache = bulletin_archive_dup_cache_path (f->dir);
  g_autofree char *garbage = NULL;
  guint from_cache, read;

  g_assert_true (g_str_has_prefix (cache, cache_home));
  write_file (f, "one.json", one);
  write_file (f, "two.json", two);
  write_file (f, "folder/a.json", one);
  write_file (f, "notes.txt", "备忘\n");
  write_file (f, "broken.json", "{");
  set_mtime (path, 1600000000);

  /* first opening: everything is read, and the cache written */
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (from_cache, ==, 0);
    g_assert_cmpuint (read, ==, 5);
    g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  }

  /* make one.json unparsable without changing its size or time: a second
   * opening that listed it from its content would show an error */
  garbage = g_strnfill (strlen (one), '#');
  write_file (f, "one.json", garbage);
  set_mtime (path, 1600000000);

  {
    g_autoptr(BulletinArchive) archive = open_archive (f);
    BulletinIssue *issue = bulletin_archive_find_issue (archive, "one.json");

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (from_cache, ==, 5);
    g_assert_cmpuint (read, ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 5);
    g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_READY);
    g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "第一篇");
    g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2021-01-01");
    /* the cached error is an error still */
    g_assert_cmpint (bulletin_issue_get_state (bulletin_archive_find_issue (archive, "broken.json")),
                     ==, BULLETIN_ISSUE_STATE_ERROR);
    g_assert_cmpuint (bulletin_issue_get_n_articles (bulletin_archive_find_issue (archive, "folder")),
                      ==, 1);
    assert_sorted (archive);
  }

  /* a changed time is a changed file: read again; a removed entry goes; a
   * file added to a folder issue changes the folder */
  set_mtime (path, 1600000100);
  {
    g_autofree char *notes = g_build_filename (f->path, "notes.txt", NULL);
    g_assert_cmpint (g_unlink (notes), ==, 0);
  }
  write_file (f, "folder/b.json", two);
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);
    BulletinIssue *issue = bulletin_archive_find_issue (archive, "one.json");

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (read, ==, 2);
    g_assert_cmpuint (from_cache, ==, 2);
    g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
    g_assert_cmpuint (bulletin_issue_get_n_articles (bulletin_archive_find_issue (archive, "folder")),
                      ==, 2);
  }

  /* and the cache now knows all of it */
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (read, ==, 0);
    g_assert_cmpuint (from_cache, ==, 4);
  }
}

/* The listing cache names an entry's kind by its format's name from the
 * table, never by the number of BulletinIssueKind, so that a format added
 * to the table needs no number kept stable on disk. */
static void
test_cache_format_names (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->path, "names.cache", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  const BulletinFormat *formats;
  guint n_formats = 0;
  BulletinIssueKind kind;

  formats = bulletin_formats_get (&n_formats);
  g_assert_cmpuint (n_formats, >=, 4);

  /* every format's name, the folder format's too, finds its kind */
  for (guint i = 0; i < n_formats; i++)
    {
      g_assert_true (bulletin_format_kind_for_format_name (formats[i].name, &kind));
      g_assert_cmpint (kind, ==, formats[i].kind);
      g_assert_nonnull (bulletin_format_kind_name (formats[i].kind));
    }
  g_assert_true (bulletin_format_kind_for_folder (&kind));
  g_assert_true (bulletin_format_kind_for_format_name ("ninjs-folder", &kind));
  g_assert_true (bulletin_format_kind_is_folder (kind));
  g_assert_false (bulletin_format_kind_for_format_name ("0", &kind));
  g_assert_false (bulletin_format_kind_for_format_name ("", &kind));

  /* each kind round-trips through a saved cache, stored by name */
  {
    g_autoptr(BulletinArchiveCache) cache = bulletin_archive_cache_load (path, "file:///names");

    for (guint i = 0; i < n_formats; i++)
      {
        BulletinCacheEntry *entry = g_new0 (BulletinCacheEntry, 1);

        entry->kind = formats[i].kind;
        entry->size = 100 + i;
        entry->mtime = 1000 + i;
        entry->title = g_strdup (formats[i].name);
        bulletin_archive_cache_store (cache, formats[i].name, entry);
      }
    {
      BulletinCacheEntry *entry = g_new0 (BulletinCacheEntry, 1);

      g_assert_true (bulletin_format_kind_for_folder (&entry->kind));
      entry->extra = g_strdup ("-");
      bulletin_archive_cache_store (cache, "folder", entry);
    }
    g_assert_true (bulletin_archive_cache_save (cache, NULL));
  }
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "bulletin-reader archive cache 4\t"));
  g_assert_nonnull (strstr (text, "\nfolder\tninjs-folder\t"));
  g_assert_nonnull (strstr (text, "\nninjs\tninjs\t"));
  g_assert_nonnull (strstr (text, "\ntext\ttext\t"));
  /* the two XML formats share a kind, which the first of them names */
  g_assert_nonnull (strstr (text, "\nnewsml-g2\tnewsml-g2\t"));
  g_assert_nonnull (strstr (text, "\nnewsml1\tnewsml-g2\t"));
  {
    g_autoptr(BulletinArchiveCache) cache = bulletin_archive_cache_load (path, "file:///names");
    const BulletinCacheEntry *hit;

    g_assert_false (bulletin_archive_cache_is_dirty (cache));
    for (guint i = 0; i < n_formats; i++)
      {
        hit = bulletin_archive_cache_lookup (cache, formats[i].name, formats[i].kind,
                                             100 + i, 1000 + i, NULL);
        g_assert_nonnull (hit);
        g_assert_cmpstr (hit->title, ==, formats[i].name);
      }
    g_assert_true (bulletin_format_kind_for_folder (&kind));
    g_assert_nonnull (bulletin_archive_cache_lookup (cache, "folder", kind, 0, 0, "-"));
    /* not under another kind */
    g_assert_true (bulletin_format_kind_for_format_name ("text", &kind));
    g_assert_null (bulletin_archive_cache_lookup (cache, "folder", kind, 0, 0, "-"));
  }

  /* any format's name reads back; an unknown name (or an old number) is
   * no entry, and the cache is written again */
  g_clear_pointer (&text, g_free);
  text = g_strdup ("bulletin-reader archive cache 4\tfile:///names\n"
                   "a.xml\tnewsml1\t5\t6\t\tT\t\t\t\t0\t\t0\n"
                   "b.xml\t3\t5\t6\t\tT\t\t\t\t0\t\t0\n"
                   "c.doc\tword\t5\t6\t\tT\t\t\t\t0\t\t0\n");
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  {
    g_autoptr(BulletinArchiveCache) cache = bulletin_archive_cache_load (path, "file:///names");

    g_assert_true (bulletin_format_kind_for_format_name ("newsml-g2", &kind));
    g_assert_nonnull (bulletin_archive_cache_lookup (cache, "a.xml", kind, 5, 6, NULL));
    g_assert_null (bulletin_archive_cache_lookup (cache, "b.xml", kind, 5, 6, NULL));
    g_assert_true (bulletin_archive_cache_is_dirty (cache));
  }
  g_unlink (path);
}

/* The cache keeps the file's text as one block and unescapes its fields
 * in place: every escape reads back, an entry stored over a loaded one
 * replaces it, and retain forgets the entries no longer listed. */
static void
test_cache_escapes (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->path, "escapes.cache", NULL);
  const char *odd = "tab\there\nnew line\rcr\\back\\slash\\";
  const char *name = "名\t字\\.txt";
  BulletinIssueKind kind;

  g_assert_true (bulletin_format_kind_for_format_name ("text", &kind));
  {
    g_autoptr(BulletinArchiveCache) cache = bulletin_archive_cache_load (path, "file:///esc\tapes");
    BulletinCacheEntry *entry = g_new0 (BulletinCacheEntry, 1);

    entry->kind = kind;
    entry->size = 7;
    entry->mtime = 8;
    entry->title = g_strdup (odd);
    entry->date = g_strdup ("2021-03-05");
    entry->number = g_strdup ("\\");
    entry->edition = g_strdup ("\n");
    entry->n_articles = 12;
    bulletin_archive_cache_store (cache, name, entry);
    entry = g_new0 (BulletinCacheEntry, 1);
    entry->kind = kind;
    entry->error = g_strdup ("broken\tfile");
    bulletin_archive_cache_store (cache, "other.txt", entry);
    g_assert_true (bulletin_archive_cache_save (cache, NULL));
  }
  {
    g_autoptr(BulletinArchiveCache) cache = bulletin_archive_cache_load (path, "file:///esc\tapes");
    g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
    const BulletinCacheEntry *hit;
    BulletinCacheEntry *entry;

    g_assert_false (bulletin_archive_cache_is_dirty (cache));
    hit = bulletin_archive_cache_lookup (cache, name, kind, 7, 8, NULL);
    g_assert_nonnull (hit);
    g_assert_cmpstr (hit->title, ==, odd);
    g_assert_cmpstr (hit->date, ==, "2021-03-05");
    g_assert_cmpstr (hit->number, ==, "\\");
    g_assert_cmpstr (hit->edition, ==, "\n");
    g_assert_null (hit->extra);
    g_assert_null (hit->error);
    g_assert_cmpuint (hit->n_articles, ==, 12);
    hit = bulletin_archive_cache_lookup (cache, "other.txt", kind, 0, 0, NULL);
    g_assert_nonnull (hit);
    g_assert_cmpstr (hit->error, ==, "broken\tfile");
    g_assert_null (hit->title);
    /* another archive's cache is not this one's */
    {
      g_autoptr(BulletinArchiveCache) foreign = bulletin_archive_cache_load (path, "file:///other");

      g_assert_null (bulletin_archive_cache_lookup (foreign, name, kind, 7, 8, NULL));
      g_assert_true (bulletin_archive_cache_is_dirty (foreign));
    }

    /* stored over the loaded one; the other one no longer listed */
    entry = g_new0 (BulletinCacheEntry, 1);
    entry->kind = kind;
    entry->size = 9;
    entry->mtime = 10;
    entry->title = g_strdup ("new");
    bulletin_archive_cache_store (cache, name, entry);
    g_assert_null (bulletin_archive_cache_lookup (cache, name, kind, 7, 8, NULL));
    g_hash_table_add (names, (gpointer)name);
    bulletin_archive_cache_retain (cache, names);
    g_assert_null (bulletin_archive_cache_lookup (cache, "other.txt", kind, 0, 0, NULL));
    g_assert_true (bulletin_archive_cache_save (cache, NULL));
  }
  {
    g_autoptr(BulletinArchiveCache) cache = bulletin_archive_cache_load (path, "file:///esc\tapes");
    const BulletinCacheEntry *hit = bulletin_archive_cache_lookup (cache, name, kind, 9, 10, NULL);

    g_assert_nonnull (hit);
    g_assert_cmpstr (hit->title, ==, "new");
    g_assert_null (bulletin_archive_cache_lookup (cache, "other.txt", kind, 0, 0, NULL));
  }
  g_unlink (path);
}

/* A cache of the version before the names (kinds as numbers) is not
 * misread: the archive reads every entry again and writes the cache anew. */
static void
test_cache_old_version (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *one = ninjs_item ("urn:o:1", "第一篇", "2021-01-01", "内容一。");
  g_autofree char *cache = bulletin_archive_dup_cache_path (f->dir);
  g_autofree char *text = NULL;
  guint from_cache, read;

  write_file (f, "one.json", one);
  write_file (f, "folder/a.json", one);
  write_file (f, "notes.txt", "备忘\n");
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (read, ==, 3);
  }
  g_assert_true (g_file_get_contents (cache, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "bulletin-reader archive cache 4\t"));
  {
    /* as version 3 wrote it: the same lines, the kinds as numbers */
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    g_autoptr(GString) old = g_string_new (NULL);

    g_string_append (old, "bulletin-reader archive cache 3");
    g_string_append (old, lines[0] + strlen ("bulletin-reader archive cache 4"));
    g_string_append_c (old, '\n');
    for (guint i = 1; lines[i] != NULL && *lines[i] != 0; i++)
      {
        g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 3);
        BulletinIssueKind kind;

        g_assert_true (bulletin_format_kind_for_format_name (fields[1], &kind));
        g_string_append_printf (old, "%s\t%d\t%s\n", fields[0], (int)kind, fields[2]);
      }
    g_assert_true (g_file_set_contents (cache, old->str, -1, NULL));
  }
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (from_cache, ==, 0);
    g_assert_cmpuint (read, ==, 3);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 3);
  }
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (cache, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "bulletin-reader archive cache 4\t"));
  g_assert_nonnull (strstr (text, "\tninjs-folder\t"));
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);

    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (from_cache, ==, 3);
    g_assert_cmpuint (read, ==, 0);
  }
}

static void
cancel_on_first (GListModel   *model,
                 guint         position,
                 guint         removed,
                 guint         added,
                 GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  write_many (f, 200);

  /* cancelled at once: nothing is listed */
  {
    g_autoptr(BulletinArchive) archive = bulletin_archive_new (f->dir);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;

    g_cancellable_cancel (cancellable);
    g_assert_false (scan (archive, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 0);
  }

  /* cancelled while it runs: it stops, what was listed stays listed */
  {
    g_autoptr(BulletinArchive) archive = bulletin_archive_new (f->dir);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;

    g_signal_connect (archive, "items-changed", G_CALLBACK (cancel_on_first), cancellable);
    g_assert_false (scan (archive, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), >, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), <=, 200);
    assert_sorted (archive);
  }

  /* and a new scan completes */
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 200);
  }
}

static void
assert_refused (BulletinArchive *archive,
                BulletinIssue   *issue,
                const char      *ref,
                int              code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = bulletin_archive_resolve_image (archive, issue, ref, &error);

  g_assert_null (file);
  g_assert_error (error, BULLETIN_ARCHIVE_ERROR, code);
  g_assert_nonnull (strstr (error->message, ref));
}

static void
assert_resolves (BulletinArchive *archive,
                 BulletinIssue   *issue,
                 const char      *ref,
                 GFile           *base,
                 const char      *relative)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = bulletin_archive_resolve_image (archive, issue, ref, &error);
  g_autoptr(GFile) expected = g_file_resolve_relative_path (base, relative);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  if (!g_file_equal (file, expected))
    g_error ("%s resolved to %s, not %s", ref, g_file_peek_path (file), g_file_peek_path (expected));
}

static void
test_images (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *item = ninjs_item (NULL, "图片新闻", "2022-02-02", "见图。");
  g_autoptr(BulletinArchive) archive = NULL;
  BulletinIssue *file_issue, *folder_issue;

  write_file (f, "2022-02-02.json", item);
  write_file (f, "2022-03-03/a.json", item);
  archive = open_archive (f);
  file_issue = bulletin_archive_find_issue (archive, "2022-02-02.json");
  folder_issue = bulletin_archive_find_issue (archive, "2022-03-03");

  assert_resolves (archive, file_issue, "images/图1.png", f->dir, "images/图1.png");
  assert_resolves (archive, file_issue, "./images/%E5%9B%BE1.png", f->dir, "images/图1.png");
  assert_resolves (archive, file_issue, "images/../a.png?size=2", f->dir, "a.png");
  assert_resolves (archive, folder_issue, "p.jpg", f->dir, "2022-03-03/p.jpg");
  /* up from a folder issue, still inside the archive */
  assert_resolves (archive, folder_issue, "../images/p.jpg", f->dir, "images/p.jpg");
  assert_resolves (archive, NULL, "p.jpg", f->dir, "p.jpg");

  assert_refused (archive, file_issue, "../secret.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "images/../../secret.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "%2e%2e/secret.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "..\\secret.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, folder_issue, "../../secret.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "/etc/passwd", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "file:///etc/passwd", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "https://example.com/a.png", BULLETIN_ARCHIVE_ERROR_REMOTE);
  assert_refused (archive, file_issue, "//example.com/a.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);
  assert_refused (archive, file_issue, "images/%2Fa.png", BULLETIN_ARCHIVE_ERROR_INVALID);
  assert_refused (archive, file_issue, ".", BULLETIN_ARCHIVE_ERROR_INVALID);
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (bulletin_archive_resolve_image (archive, file_issue, "", &error));
    g_assert_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_INVALID);
  }
}

static void
test_single_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *item = ninjs_item ("urn:one", "独篇", "2021-09-09", "只有一篇。");
  g_autofree char *path = g_build_filename (f->path, "2021-09-09.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) image = NULL;

  write_file (f, "2021-09-09.json", item);
  write_file (f, "other.json", item);

  g_assert_true (scan (archive, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 1);
  g_assert_true (bulletin_archive_is_single_file (archive));
  g_assert_true (g_file_equal (bulletin_archive_get_folder (archive), f->dir));
  g_assert_cmpstr (bulletin_issue_get_title (issue_at (archive, 0)), ==, "独篇");
  assert_resolves (archive, issue_at (archive, 0), "pics/a.png", f->dir, "pics/a.png");
  assert_refused (archive, issue_at (archive, 0), "../a.png", BULLETIN_ARCHIVE_ERROR_OUTSIDE);

  /* the sync path, as the command line uses it */
  {
    g_autoptr(BulletinArchive) again = bulletin_archive_new (file);
    g_assert_true (bulletin_archive_scan (again, NULL, &error));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  }

  /* a file that is no issue */
  {
    g_autofree char *png = g_build_filename (f->path, "a.png", NULL);
    g_autoptr(GFile) png_file = g_file_new_for_path (png);
    g_autoptr(BulletinArchive) bad = bulletin_archive_new (png_file);

    write_file (f, "a.png", "x");
    g_assert_false (scan (bad, NULL, &error));
    g_assert_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_NOT_AN_ARCHIVE);
    g_assert_nonnull (strstr (error->message, "a.png"));
    /* the message names every extension of the table of formats */
    {
      guint n_formats = 0;
      const BulletinFormat *formats = bulletin_formats_get (&n_formats);

      for (guint i = 0; i < n_formats; i++)
        for (guint j = 0; formats[i].extensions != NULL && formats[i].extensions[j] != NULL; j++)
          {
            g_autofree char *ext = g_strdup_printf (".%s", formats[i].extensions[j]);
            g_assert_nonnull (strstr (error->message, ext));
          }
    }
    g_clear_error (&error);
  }

  /* a folder that is not there */
  {
    g_autoptr(GFile) missing = g_file_get_child (f->dir, "missing");
    g_autoptr(BulletinArchive) bad = bulletin_archive_new (missing);

    g_assert_false (scan (bad, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
}

static BulletinArticle *
make_article (const char *uri,
              const char *headline,
              const char *body)
{
  BulletinArticle *article = bulletin_article_new ();

  bulletin_article_set_uri (article, uri);
  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, headline, -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH, body, -1);
  bulletin_article_finish (article);
  return article;
}

/* Registers the articles of a.json and b.json in the given order; returns
 * the ids of a's two articles then b's. */
static GStrv
register_in_order (Fixture  *f,
                   gboolean  b_first)
{
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (f->dir);
  g_autoptr(GFile) fa = g_file_get_child (f->dir, "a.json");
  g_autoptr(GFile) fb = g_file_get_child (f->dir, "b.json");
  g_autoptr(BulletinIssue) ia = bulletin_issue_new (fa, BULLETIN_ISSUE_NINJS_FILE);
  g_autoptr(BulletinIssue) ib = bulletin_issue_new (fb, BULLETIN_ISSUE_NINJS_FILE);
  g_autoptr(GPtrArray) aa = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) ab = g_ptr_array_new_with_free_func (g_object_unref);
  GStrv ids = g_new0 (char *, 5);

  /* a's two articles share a uri, and b's shares it too */
  g_ptr_array_add (aa, make_article ("urn:iptc:sample", "样例一", "第一篇正文。"));
  g_ptr_array_add (aa, make_article ("urn:iptc:sample", "样例二", "第二篇正文。"));
  g_ptr_array_add (ab, make_article ("urn:iptc:sample", "样例三", "第三篇正文。"));

  if (b_first)
    bulletin_archive_register_articles (archive, ib, ab);
  bulletin_archive_register_articles (archive, ia, aa);
  if (!b_first)
    bulletin_archive_register_articles (archive, ib, ab);

  ids[0] = g_strdup (bulletin_article_get_id (g_ptr_array_index (aa, 0)));
  ids[1] = g_strdup (bulletin_article_get_id (g_ptr_array_index (aa, 1)));
  ids[2] = g_strdup (bulletin_article_get_id (g_ptr_array_index (ab, 0)));
  return ids;
}

static void
test_duplicate_ids (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(GStrv) forward = register_in_order (f, FALSE);
  g_auto(GStrv) backward = register_in_order (f, TRUE);

  g_assert_cmpstr (forward[0], ==, "urn:iptc:sample");
  g_assert_true (g_str_has_prefix (forward[1], "urn:iptc:sample#"));
  g_assert_true (g_str_has_prefix (forward[2], "urn:iptc:sample#"));
  g_assert_cmpstr (forward[1], !=, forward[2]);
  /* whichever loads first, the same ids */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (forward[i], ==, backward[i]);
}

static void
test_duplicate_ids_on_load (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(BulletinArchive) archive = NULL;
  g_autoptr(GError) error = NULL;
  BulletinIssue *x, *y;
  g_autoptr(BulletinArticle) ax = NULL;
  g_autoptr(BulletinArticle) ay = NULL;

  /* the same article as far as identity goes (punctuation width), no uri */
  g_autofree char *one = ninjs_item (NULL, "社区新闻", NULL, "今天，天气晴。");
  g_autofree char *two = ninjs_item (NULL, "社区新闻", NULL, "今天,天气晴.");

  write_file (f, "x.json", one);
  write_file (f, "y.json", two);
  archive = open_archive (f);
  x = bulletin_archive_find_issue (archive, "x.json");
  y = bulletin_archive_find_issue (archive, "y.json");

  /* the later one in archive order is loaded first */
  g_assert_true (bulletin_issue_load (y, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_issue_load (x, NULL, &error));
  g_assert_no_error (error);

  ax = g_list_model_get_item (bulletin_issue_get_articles (x), 0);
  ay = g_list_model_get_item (bulletin_issue_get_articles (y), 0);
  g_assert_nonnull (ax);
  g_assert_nonnull (ay);
  g_assert_true (g_str_has_prefix (bulletin_article_get_id (ay), bulletin_article_get_id (ax)));
  g_assert_cmpstr (bulletin_article_get_id (ax), !=, bulletin_article_get_id (ay));
  g_assert_null (strchr (bulletin_article_get_id (ax), '#'));
}

/* IPTC's own samples repeat a uri: the load path tells them apart */
static void
test_duplicate_uris_in_ninjs (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *i1 = ninjs_item ("urn:dup:x", "同一个标识一", NULL, "第一篇的正文。");
  g_autofree char *i2 = ninjs_item ("urn:dup:x", "同一个标识二", NULL, "第二篇的正文。");
  g_autofree char *i3 = ninjs_item ("urn:dup:x", "同一个标识三", NULL, "第三篇的正文。");
  g_autofree char *composite = g_strdup_printf ("{\"type\":\"composite\",\"versionCreated\":"
                                                "\"2022-01-01\",\"associations\":[%s,%s]}",
                                                i1, i2);
  g_autoptr(BulletinArchive) archive = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  BulletinIssue *a, *b;

  write_file (f, "a.json", composite);
  write_file (f, "b.json", i3);
  archive = open_archive (f);
  a = bulletin_archive_find_issue (archive, "a.json");
  b = bulletin_archive_find_issue (archive, "b.json");

  g_assert_true (bulletin_issue_load (b, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_issue_load (a, NULL, &error));
  g_assert_no_error (error);

  for (guint k = 0; k < 2; k++)
    {
      GListModel *articles = bulletin_issue_get_articles (k == 0 ? a : b);

      for (guint i = 0; i < g_list_model_get_n_items (articles); i++)
        {
          g_autoptr(BulletinArticle) article = g_list_model_get_item (articles, i);
          g_ptr_array_add (ids, g_strdup (bulletin_article_get_id (article)));
        }
    }
  g_assert_cmpuint (ids->len, ==, 3);
  /* the first in archive order keeps the uri, whatever was opened first */
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "urn:dup:x");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (ids, 1), "urn:dup:x#"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (ids, 2), "urn:dup:x#"));
  g_assert_cmpstr (g_ptr_array_index (ids, 1), !=, g_ptr_array_index (ids, 2));
  g_assert_true (bulletin_issue_find_article (a, "urn:dup:x") != NULL);
}

static gboolean
wait_for_count (BulletinArchive *archive,
                guint            n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_list_model_get_n_items (G_LIST_MODEL (archive)) != n)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return TRUE;
}

static void
test_monitor (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *item = ninjs_item (NULL, "新来的", "2025-01-01", "刚刚加入。");
  g_autofree char *old = ninjs_item (NULL, "原有的", "2020-01-01", "早就在了。");
  g_autofree char *path = g_build_filename (f->path, "new.json", NULL);
  g_autoptr(BulletinArchive) archive = NULL;

  write_file (f, "old.json", old);
  archive = bulletin_archive_new (f->dir);
  bulletin_archive_set_watching (archive, TRUE);
  g_assert_true (scan (archive, NULL, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 1);

  write_file (f, "new.json", item);
  if (!wait_for_count (archive, 2))
    {
      g_test_skip ("no file change notification here");
      return;
    }
  g_assert_cmpstr (bulletin_issue_get_title (issue_at (archive, 0)), ==, "新来的");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (wait_for_count (archive, 1));
  g_assert_cmpstr (bulletin_issue_get_title (issue_at (archive, 0)), ==, "原有的");
}

typedef struct {
  Fixture    *f;
  const char *contents;
  gboolean    written;
} AddWhileScanning;

static void
add_while_scanning (GListModel       *model,
                    guint             position,
                    guint             removed,
                    guint             added,
                    AddWhileScanning *add)
{
  if (!add->written && g_list_model_get_n_items (model) == 1 &&
      bulletin_archive_get_loading (BULLETIN_ARCHIVE (model)))
    {
      write_file (add->f, "new.json", add->contents);
      add->written = TRUE;
    }
}

/* A file added while the archive is scanned, after the scan listed the
 * folder (here: as the scan lists what it read, before it ends), shows
 * up: the archive is watched from the scan's start, and the changes seen
 * meanwhile are applied when it ends.  (The folder used to be watched
 * from the scan's end on: such a file was never listed, and
 * test-ui-navigation's /months waited in vain for "March · 11".) */
static void
test_monitor_during_scan (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *item = ninjs_item (NULL, "新来的", "2025-01-01", "刚刚加入。");
  g_autofree char *old = ninjs_item (NULL, "原有的", "2020-01-01", "早就在了。");
  g_autofree char *probe = ninjs_item (NULL, "后来的", "2024-01-01", "最后加入。");
  g_autoptr(BulletinArchive) archive = NULL;
  AddWhileScanning add = { f, item, FALSE };
  gulong handler;

  write_file (f, "old.json", old);
  archive = bulletin_archive_new (f->dir);
  bulletin_archive_set_watching (archive, TRUE);
  handler = g_signal_connect (archive, "items-changed", G_CALLBACK (add_while_scanning), &add);
  g_assert_true (scan (archive, NULL, NULL));
  g_signal_handler_disconnect (archive, handler);
  g_assert_true (add.written);

  if (!wait_for_count (archive, 2))
    {
      /* whether this system tells of changes at all */
      write_file (f, "probe.json", probe);
      if (!wait_for_count (archive, 2))
        {
          g_test_skip ("no file change notification here");
          return;
        }
      g_assert_cmpstr (bulletin_issue_get_title (issue_at (archive, 0)), ==, "新来的");
    }
  g_assert_cmpstr (bulletin_issue_get_title (issue_at (archive, 0)), ==, "新来的");
}

static gboolean
wait_for_articles (BulletinArchive *archive,
                   guint            n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      GListModel *issues = G_LIST_MODEL (archive);

      for (guint i = 0; i < g_list_model_get_n_items (issues); i++)
        {
          g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);

          if (bulletin_issue_get_kind (issue) == BULLETIN_ISSUE_NINJS_FOLDER &&
              bulletin_issue_get_n_articles (issue) == n)
            return TRUE;
        }
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

/* An article file added to or removed from a folder issue updates it. */
static void
test_monitor_folder (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *one = ninjs_item (NULL, "第一篇", "2021-05-05", "一。");
  g_autofree char *two = ninjs_item (NULL, "第二篇", "2021-05-05", "二。");
  g_autofree char *three = ninjs_item (NULL, "第三篇", "2021-05-05", "三。");
  g_autofree char *other = ninjs_item (NULL, "另一期", "2021-06-01", "另外一期。");
  g_autofree char *path = g_build_filename (f->path, "2021-05-05", "03.json", NULL);
  g_autoptr(BulletinArchive) archive = NULL;

  write_file (f, "2021-05-05/01.json", one);
  write_file (f, "2021-05-05/02.json", two);
  archive = bulletin_archive_new (f->dir);
  bulletin_archive_set_watching (archive, TRUE);
  g_assert_true (scan (archive, NULL, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 1);
  g_assert_true (wait_for_articles (archive, 2));

  /* whether this system tells of changes at all: a new issue file */
  write_file (f, "other.json", other);
  if (!wait_for_count (archive, 2))
    {
      g_test_skip ("no file change notification here");
      return;
    }

  write_file (f, "2021-05-05/03.json", three);
  g_assert_true (wait_for_articles (archive, 3));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (wait_for_articles (archive, 2));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 2);
}

/* Symbolic links: one that leaves the archive is listed with its target and
 * never read; one that duplicates what is listed is not listed again. */

typedef struct {
  char *outside;    /* a folder beside the archive */
} Links;

static void
write_links (Fixture *f,
             Links   *links)
{
  g_autofree char *good = ninjs_item ("urn:test:l1", "链接测试", "2021-01-01", "独一无二的正文。");
  g_autofree char *article = ninjs_item ("urn:test:l2", "文章甲", "2021-02-02", "甲的正文。");
  g_autofree char *stored = ninjs_item ("urn:test:l3", "存放的文章", "2021-03-03", "存放的正文。");
  g_autofree char *foreign = ninjs_item ("urn:test:l4", "外面的文章", "2021-04-04", "外面的正文。");
  g_autofree char *foreign_json = NULL;
  g_autoptr(GError) error = NULL;
  struct { const char *name, *target; } made[] = {
    { "passwd.txt", "/etc/passwd" },
    { "selfdir", "." },
    { "same.json", "2021-01-01.json" },
    { "again", "2021-02-02" },
    { "x1.json", ".store/x.json" },
    { "x2.json", ".store/x.json" },
    { "2021-02-02/b.json", "a.json" },
    { "2021-02-02/c.json", "../../outside-article.json" },
  };

  links->outside = g_dir_make_tmp ("bulletin-outside-XXXXXX", &error);
  g_assert_no_error (error);
  foreign_json = g_build_filename (links->outside, "a.json", NULL);
  g_file_set_contents (foreign_json, foreign, -1, &error);
  g_assert_no_error (error);

  write_file (f, "2021-01-01.json", good);
  write_file (f, "2021-02-02/a.json", article);
  write_file (f, ".store/x.json", stored);
  for (guint i = 0; i < G_N_ELEMENTS (made); i++)
    {
      g_autofree char *path = g_build_filename (f->path, made[i].name, NULL);
      g_autofree char *target = NULL;
      g_autofree char *outside_name = g_path_get_basename (links->outside);

      /* the article link leaves the archive by climbing out of it */
      if (g_str_has_prefix (made[i].target, "../../"))
        target = g_build_filename ("..", "..", outside_name, "a.json", NULL);
      else
        target = g_strdup (made[i].target);
      g_assert_cmpint (symlink (target, path), ==, 0);
    }
  /* a link to a folder outside */
  {
    g_autofree char *path = g_build_filename (f->path, "outdir", NULL);

    g_assert_cmpint (symlink (links->outside, path), ==, 0);
  }
}

static void
links_clear (Links *links)
{
  bulletin_test_remove_tree (links->outside);
  g_free (links->outside);
}

static void
assert_links_listed (BulletinArchive *archive,
                     const char      *outside)
{
  const char *names[] = { "2021-01-01.json", "2021-02-02", "passwd.txt", "outdir", "x1.json" };
  BulletinIssue *issue;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (bulletin_archive_find_issue (archive, names[i]));

  issue = bulletin_archive_find_issue (archive, "passwd.txt");
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
  g_assert_cmpstr (bulletin_issue_get_error_message (issue), ==,
                   "link to /etc/passwd, outside the archive");
  g_assert_null (strstr (bulletin_issue_get_title (issue), "root"));
  /* never read, not even when asked to load */
  g_assert_false (bulletin_issue_load (issue, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_issue_get_articles (issue)), ==, 0);
  g_clear_error (&error);

  issue = bulletin_archive_find_issue (archive, "outdir");
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
  g_assert_nonnull (strstr (bulletin_issue_get_error_message (issue), outside));
  g_assert_nonnull (strstr (bulletin_issue_get_error_message (issue), "outside the archive"));

  /* the folder issue: a.json once, the link out of the archive left out */
  issue = bulletin_archive_find_issue (archive, "2021-02-02");
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_READY);
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 1);
  g_assert_true (bulletin_issue_load (issue, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_issue_get_articles (issue)), ==, 1);

  /* a link to a place inside that nothing else lists is followed */
  issue = bulletin_archive_find_issue (archive, "x1.json");
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "存放的文章");
}

static void
test_symlinks (Fixture       *f,
               gconstpointer  data)
{
  Links links = { 0, };

  write_links (f, &links);
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);
    assert_links_listed (archive, links.outside);
  }
  /* the second opening, from the metadata cache, lists the same */
  {
    g_autoptr(BulletinArchive) archive = open_archive (f);
    guint from_cache = 0, read = 0;

    assert_links_listed (archive, links.outside);
    bulletin_archive_get_scan_stats (archive, &from_cache, &read);
    g_assert_cmpuint (from_cache, >, 0);
  }
  /* the synchronous scan (command line) */
  {
    g_autoptr(BulletinArchive) archive = bulletin_archive_new (f->dir);
    g_autoptr(GError) error = NULL;

    g_assert_true (bulletin_archive_scan (archive, NULL, &error));
    g_assert_no_error (error);
    assert_links_listed (archive, links.outside);
  }
  /* links made while the archive is watched: judged alike */
  {
    g_autoptr(BulletinArchive) archive = bulletin_archive_new (f->dir);
    g_autofree char *late = g_build_filename (f->path, "late.txt", NULL);
    g_autofree char *twice = g_build_filename (f->path, "twice.json", NULL);
    BulletinIssue *issue;

    bulletin_archive_set_watching (archive, TRUE);
    g_assert_true (scan (archive, NULL, NULL));
    g_assert_cmpint (symlink ("2021-01-01.json", twice), ==, 0);
    g_assert_cmpint (symlink ("/etc/passwd", late), ==, 0);
    if (!wait_for_count (archive, 6))
      g_test_skip ("no file change notification here");
    else
      {
        issue = bulletin_archive_find_issue (archive, "late.txt");
        g_assert_nonnull (issue);
        g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
        g_assert_nonnull (strstr (bulletin_issue_get_error_message (issue), "outside the archive"));
        g_assert_null (bulletin_archive_find_issue (archive, "twice.json"));
      }
  }
  links_clear (&links);
}

static guint
count_results (GFile      *root,
               const char *db,
               const char *query,
               gboolean    indexed)
{
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;

  if (indexed)
    {
      g_autoptr(BulletinSearchIndex) index = bulletin_search_index_new (root, db);

      g_assert_true (bulletin_search_index_update (index, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      results = bulletin_search_index_query (index, query, 0, NULL, &error);
    }
  else
    results = bulletin_search_scan_archive (root, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results->results->len;
}

/* Searching walks the archive by the same rule: nothing outside is read,
 * nothing inside is found twice. */
static void
test_symlinks_search (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *db_dir = g_dir_make_tmp ("bulletin-links-index-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (db_dir, "index.sqlite", NULL);
  Links links = { 0, };

  write_links (f, &links);
  for (int indexed = 0; indexed <= 1; indexed++)
    {
      g_test_message ("%s", indexed ? "index" : "scan");
      g_assert_cmpuint (count_results (f->dir, db, "root", indexed), ==, 0);
      g_assert_cmpuint (count_results (f->dir, db, "外面的正文", indexed), ==, 0);
      g_assert_cmpuint (count_results (f->dir, db, "独一无二", indexed), ==, 1);
      g_assert_cmpuint (count_results (f->dir, db, "甲的正文", indexed), ==, 1);
      g_assert_cmpuint (count_results (f->dir, db, "存放的正文", indexed), ==, 1);
    }
  bulletin_test_remove_tree (db_dir);
  links_clear (&links);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* before anything asks GLib for the user cache folder */
  cache_home = g_dir_make_tmp ("bulletin-cache-XXXXXX", NULL);
  g_assert_nonnull (cache_home);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  /* every test's archive keeps to the items-changed contract: date moves,
   * batches, merges, monitor changes, clears */
  bulletin_test_check_list_models ();

#define ADD(path, func) \
  g_test_add ("/bulletin/archive/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/bulletin/archive/dates", test_dates);
  ADD ("layouts", test_layouts);
  ADD ("load-matches-scan", test_load_matches_scan);
  ADD ("errors", test_errors);
  ADD ("format-listing", test_format_listing);
  ADD ("order", test_order);
  ADD ("batches", test_batches);
  ADD ("cache", test_cache);
  ADD ("cache-format-names", test_cache_format_names);
  ADD ("cache-old-version", test_cache_old_version);
  ADD ("cache-escapes", test_cache_escapes);
  ADD ("cancel", test_cancel);
  ADD ("images", test_images);
  ADD ("single-file", test_single_file);
  ADD ("duplicate-ids", test_duplicate_ids);
  ADD ("duplicate-ids-on-load", test_duplicate_ids_on_load);
  ADD ("duplicate-uris-in-ninjs", test_duplicate_uris_in_ninjs);
  ADD ("monitor", test_monitor);
  ADD ("monitor-folder", test_monitor_folder);
  ADD ("monitor-during-scan", test_monitor_during_scan);
  ADD ("symlinks", test_symlinks);
  ADD ("symlinks-search", test_symlinks_search);

#undef ADD

  status = g_test_run ();

  bulletin_test_remove_tree (cache_home);
  g_free (cache_home);
  return status;
}
