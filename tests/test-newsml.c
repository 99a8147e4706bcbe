/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NewsML-G2 and NewsML 1.x: reading (tests/data/newsml, written for these
 * tests, and IPTC's examples in ../shared/newsml-g2 when present), the
 * formats' table, listing, search, notes and ninjs export. */
#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-annotations.h"
#include "bulletin-archive.h"
#include "bulletin-formats.h"
#include "bulletin-issue.h"
#include "bulletin-newsml-xml.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-writer.h"
#include "bulletin-search-index.h"
#include "bulletin-test-utils.h"

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "newsml", name, NULL);
}

static BulletinParsedIssue *
parse_path (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *name = g_file_get_basename (file);
  BulletinIssueKind kind;

  g_assert_true (bulletin_format_kind_for_name (name, &kind));
  return bulletin_issue_parse_file (file, kind, NULL, error);
}

static BulletinParsedIssue *
parse_data (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr(GError) error = NULL;
  BulletinParsedIssue *parsed = parse_path (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static BulletinParsedIssue *
parse_memory (const char *data)
{
  g_autoptr(GError) error = NULL;
  BulletinParsedIssue *parsed = bulletin_format_parse (BULLETIN_ISSUE_NEWSML_FILE, data, strlen (data),
                                                       NULL, "memory.xml", &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static BulletinArticle *
article_at (BulletinParsedIssue *parsed,
            guint                i)
{
  g_assert_cmpuint (i, <, parsed->articles->len);
  return g_ptr_array_index (parsed->articles, i);
}

static gboolean
has_block (BulletinArticle   *article,
           BulletinBlockKind  kind,
           const char        *text)
{
  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    {
      g_autofree char *block_text = bulletin_article_dup_block_text (article, i);

      if (bulletin_article_get_block (article, i)->kind == kind && g_strcmp0 (block_text, text) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  g_assert_cmpuint (g_strv_length (parts), >=, 2);
  return g_strjoinv (to, parts);
}

/* ------------------------------------------------------------ the table */

static void
test_table (void)
{
  BulletinIssueKind kind;
  guint n;
  const BulletinFormat *formats = bulletin_formats_get (&n);
  const char *g2 = "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- a comment -->\n<!DOCTYPE x [ <!ELEMENT x ANY> ]>\n<g2:newsItem xmlns:g2=\"http://iptc.org/std/nar/2006-10-01/\"/>";
  const char *one = "<?xml version=\"1.0\"?><NewsML Version=\"1.2\"/>";

  g_assert_cmpuint (n, >=, 4);
  for (guint i = 0; i < n; i++)
    {
      g_assert_nonnull (formats[i].name);
      g_assert_nonnull (formats[i].parse);
      g_assert_nonnull (formats[i].extensions[0]);
    }

  g_assert_true (bulletin_format_kind_for_name ("a.xml", &kind));
  g_assert_cmpint (kind, ==, BULLETIN_ISSUE_NEWSML_FILE);
  g_assert_true (bulletin_format_kind_for_name ("A.XML", &kind));
  g_assert_cmpint (kind, ==, BULLETIN_ISSUE_NEWSML_FILE);
  g_assert_true (bulletin_format_kind_for_name ("a.json", &kind));
  g_assert_cmpint (kind, ==, BULLETIN_ISSUE_NINJS_FILE);
  g_assert_true (bulletin_format_kind_for_name ("a.TXT", &kind));
  g_assert_cmpint (kind, ==, BULLETIN_ISSUE_TEXT_FILE);
  g_assert_false (bulletin_format_kind_for_name ("a.pdf", &kind));
  g_assert_false (bulletin_format_kind_for_name ("xml", &kind));

  g_assert_cmpstr (bulletin_format_detect (BULLETIN_ISSUE_NEWSML_FILE, g2, strlen (g2))->name, ==, "newsml-g2");
  g_assert_cmpstr (bulletin_format_detect (BULLETIN_ISSUE_NEWSML_FILE, one, strlen (one))->name, ==, "newsml1");
  g_assert_null (bulletin_format_detect (BULLETIN_ISSUE_NEWSML_FILE, "<rss/>", 6));
  g_assert_cmpstr (bulletin_format_detect (BULLETIN_ISSUE_NINJS_FILE, "{}", 2)->name, ==, "ninjs");
}

/* ------------------------------------------------------------ NewsML-G2 */

static void
test_g2_article_zh (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("g2-article-zh.xml");
  BulletinArticle *a;

  g_assert_cmpuint (parsed->articles->len, ==, 1);
  a = article_at (parsed, 0);
  g_assert_cmpstr (bulletin_article_get_id (a), ==, "urn:newsml:bulletin.example:20230605:zh-reading");
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "全民阅读活动启动");
  g_assert_cmpstr (bulletin_article_get_subtitle (a), ==, "图书馆延长开放时间");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "记者 李明");
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "北京6月5日电");
  g_assert_cmpstr (bulletin_article_get_located (a), ==, "北京");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "公报出版社");
  g_assert_cmpstr (bulletin_article_get_language (a), ==, "zh-Hans");
  g_assert_cmpstr (bulletin_article_get_date (a), ==, "2023-06-05T09:30:00+08:00");
  g_assert_cmpstr (parsed->title, ==, "全民阅读活动启动");

  g_assert_true (has_block (a, BULLETIN_BLOCK_HEADLINE, "全民阅读活动启动"));
  g_assert_true (has_block (a, BULLETIN_BLOCK_PARAGRAPH, "本市今天启动全民阅读活动，各区图书馆将延长开放时间。"));
  g_assert_true (has_block (a, BULLETIN_BLOCK_HEADING, "國家圖書館"));
  /* the XHTML head's <title> is not body text */
  g_assert_null (strstr (bulletin_article_get_source (a), "x\n"));
}

static void
test_g2_id_survives_versions (void)
{
  g_autofree char *path = data_path ("g2-article-zh.xml");
  gsize len;
  g_autofree char *v3 = bulletin_test_read_file (path, &len);
  g_autofree char *v4a = replace (v3, "version=\"3\"", "version=\"4\"");
  g_autofree char *v4b = replace (v4a, "2023-06-05T09:30:00", "2023-06-06T10:00:00");
  g_autofree char *v4 = replace (v4b, "<p>活动持续", "<p>新增一段。</p><p>活动持续");
  g_autoptr(BulletinParsedIssue) first = parse_memory (v3);
  g_autoptr(BulletinParsedIssue) second = parse_memory (v4);
  g_autoptr(BulletinNote) note = NULL;
  BulletinArticle *old_article = article_at (first, 0);
  BulletinArticle *new_article = article_at (second, 0);
  const char *source = bulletin_article_get_source (old_article);
  const char *at = strstr (source, "免费借阅");
  guint start, end, new_start = 0, new_end = 0;
  g_autofree char *found = NULL;

  g_assert_cmpstr (bulletin_article_get_id (old_article), ==, bulletin_article_get_id (new_article));
  g_assert_cmpstr (bulletin_article_get_date (new_article), ==, "2023-06-06T10:00:00+08:00");

  /* a note on a passage of version 3 finds it in version 4, moved */
  g_assert_nonnull (at);
  start = g_utf8_pointer_to_offset (source, at);
  end = start + g_utf8_strlen ("免费借阅", -1);
  note = bulletin_note_new_for_range (old_article, start, end);
  g_assert_cmpstr (bulletin_note_get_article_id (note), ==, bulletin_article_get_id (new_article));
  g_assert_cmpint (bulletin_annotations_anchor_note (note, new_article, &new_start, &new_end), ==,
                   BULLETIN_ANCHOR_MOVED);
  found = bulletin_article_dup_source_range (new_article, new_start, new_end);
  g_assert_cmpstr (found, ==, "免费借阅");
}

static void
test_g2_package_folder (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("g2-package/package.xml");

  g_assert_cmpstr (parsed->title, ==, "城市公报 第12期");
  g_assert_cmpstr (parsed->date, ==, "2023-06-12");
  g_assert_cmpstr (parsed->uri, ==, "urn:newsml:bulletin.example:20230612:issue");
  /* the root group's order, its groupRef followed where it stands */
  g_assert_cmpuint (parsed->articles->len, ==, 3);
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 0)), ==, "公园改造完成");
  g_assert_cmpstr (bulletin_article_get_byline (article_at (parsed, 0)), ==, "本报记者");
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 1)), ==, "地铁新线开通");
  g_assert_true (has_block (article_at (parsed, 1), BULLETIN_BLOCK_PARAGRAPH, "首班车早上六点发车。"));
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 1)), ==, "urn:newsml:bulletin.example:20230612:first");
  /* an item that is nowhere: listed from its itemRef, and said */
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 2)), ==, "不在此处的稿件");
  g_assert_true (has_block (article_at (parsed, 2), BULLETIN_BLOCK_PARAGRAPH, "只有标题和摘要。"));
  g_assert_cmpuint (parsed->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (parsed->warnings, 0), "urn:newsml:bulletin.example:20230612:missing"));
}

static void
test_g2_message (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("g2-message.xml");

  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_null (parsed->title);
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 1)), ==, "Library extends hours");
  g_assert_cmpstr (bulletin_article_get_language (article_at (parsed, 1)), ==, "en");
  g_assert_cmpstr (bulletin_article_get_date (article_at (parsed, 0)), ==, "2023-06-19T07:00:00Z");
}

static void
test_g2_missing_parts (void)
{
  g_autoptr(BulletinParsedIssue) no_headline = parse_data ("g2-no-headline.xml");
  g_autoptr(BulletinParsedIssue) no_body = parse_data ("g2-no-body.xml");
  g_autofree char *bad = data_path ("g2-bad.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) none = parse_path (bad, &error);

  g_assert_null (bulletin_article_get_headline (article_at (no_headline, 0)));
  g_assert_true (has_block (article_at (no_headline, 0), BULLETIN_BLOCK_PARAGRAPH, "A body without a headline."));
  g_assert_true (has_block (article_at (no_body, 0), BULLETIN_BLOCK_PARAGRAPH, "The caption of the photo."));

  g_assert_null (none);
  g_assert_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, "g2-bad.xml: line "));
  g_assert_null (strchr (error->message, '\n'));
}

static void
expect_error (const char *data,
              int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed =
    bulletin_format_parse (BULLETIN_ISSUE_NEWSML_FILE, data, strlen (data), NULL, "t.xml", &error);

  g_assert_null (parsed);
  g_assert_error (error, BULLETIN_NEWSML_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "t.xml: "));
}

static void
test_safety (void)
{
  /* entities are refused: no billion laughs, no file read through them */
  expect_error ("<?xml version=\"1.0\"?><!DOCTYPE newsItem [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                "<newsItem guid=\"urn:x:1\"><contentMeta><headline>&b;</headline></contentMeta></newsItem>",
                BULLETIN_NEWSML_ERROR_UNSAFE);
  expect_error ("<?xml version=\"1.0\"?><!DOCTYPE newsItem [<!ENTITY p SYSTEM \"file:///etc/passwd\">]>"
                "<newsItem guid=\"urn:x:1\"><contentMeta><headline>&p;</headline></contentMeta></newsItem>",
                BULLETIN_NEWSML_ERROR_UNSAFE);
  /* no DTD is loaded, from the network or from disk */
  {
    g_autoptr(BulletinParsedIssue) parsed =
      parse_memory ("<?xml version=\"1.0\"?><!DOCTYPE newsItem SYSTEM \"http://example.invalid/x.dtd\">"
                    "<newsItem guid=\"urn:x:1\"><contentMeta><headline>H</headline></contentMeta></newsItem>");
    g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 0)), ==, "H");
  }
  expect_error ("<newsItem><unclosed></newsItem>", BULLETIN_NEWSML_ERROR_SYNTAX);
  expect_error ("<conceptItem guid=\"urn:x:c\"/>", BULLETIN_NEWSML_ERROR_UNSUPPORTED);
  expect_error ("<packageItem guid=\"urn:x:p\"/>", BULLETIN_NEWSML_ERROR_UNSUPPORTED);
  expect_error ("<NewsML/>", BULLETIN_NEWSML_ERROR_UNSUPPORTED);
  expect_error ("<rss/>", BULLETIN_NEWSML_ERROR_NOT_NEWSML);
  expect_error ("", BULLETIN_NEWSML_ERROR_NOT_NEWSML);
  {
    /* over the cap: refused before libxml2 sees it */
    g_autoptr(GError) error = NULL;
    g_autoptr(BulletinParsedIssue) parsed =
      bulletin_format_parse (BULLETIN_ISSUE_NEWSML_FILE, "<newsItem/>", BULLETIN_NEWSML_MAX_BYTES + 1,
                             NULL, "big.xml", &error);
    g_assert_null (parsed);
    g_assert_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_TOO_LARGE);
  }
}

/* ------------------------------------------------------------ NewsML 1.x */

static void
test_newsml1_nested (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("newsml1-issue-zh.xml");
  BulletinArticle *a, *b;

  g_assert_cmpstr (parsed->title, ==, "城市公报 第26期");
  g_assert_cmpstr (parsed->date, ==, "2023-06-26");
  g_assert_cmpstr (parsed->language, ==, "zh");
  /* two articles: the photo component has no text; the section is a group */
  g_assert_cmpuint (parsed->articles->len, ==, 2);
  a = article_at (parsed, 0);
  b = article_at (parsed, 1);
  g_assert_cmpstr (bulletin_article_get_id (a), ==, "urn:newsml:bulletin.example:20230626:issue-26#art1");
  g_assert_cmpstr (bulletin_article_get_id (b), ==, "urn:newsml:bulletin.example:20230626:issue-26#art2");
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "夏季防汛准备就绪");
  g_assert_cmpstr (bulletin_article_get_subtitle (a), ==, "各区完成排水设施检查");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "记者 王芳");
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "上海6月26日");
  g_assert_cmpstr (bulletin_article_get_language (a), ==, "zh");
  g_assert_cmpstr (bulletin_article_get_date (a), ==, "2023-06-26T07:00:00+08:00");
  g_assert_true (has_block (a, BULLETIN_BLOCK_PARAGRAPH, "防汛物资已经储备到位。"));
  g_assert_true (has_block (b, BULLETIN_BLOCK_PARAGRAPH, "博物馆每周五晚开放至九点。"));
  g_assert_true (has_block (b, BULLETIN_BLOCK_PARAGRAPH, "夜场门票半价。"));
}

static void
test_newsml1_revision (void)
{
  g_autofree char *path = data_path ("newsml1-article.xml");
  gsize len;
  g_autofree char *r2 = bulletin_test_read_file (path, &len);
  g_autofree char *r3a = replace (r2, ">2</RevisionId>", ">3</RevisionId>");
  g_autofree char *r3 = replace (r3a, "bridge:2U", "bridge:3U");
  g_autoptr(BulletinParsedIssue) first = parse_memory (r2);
  g_autoptr(BulletinParsedIssue) second = parse_memory (r3);
  /* only a PublicIdentifier: the revision is cut from it too */
  g_autofree char *bare_a = replace (r2, "<ProviderId>bulletin.example</ProviderId>", "");
  g_autoptr(BulletinParsedIssue) bare = parse_memory (bare_a);
  BulletinArticle *a = article_at (first, 0);

  g_assert_cmpstr (bulletin_article_get_id (a), ==, "urn:newsml:bulletin.example:20230627:bridge");
  g_assert_cmpstr (bulletin_article_get_id (article_at (second, 0)), ==, bulletin_article_get_id (a));
  g_assert_cmpstr (bulletin_article_get_id (article_at (bare, 0)), ==, bulletin_article_get_id (a));
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "Bridge repairs finish early");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "By Ann Lee");
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "LONDON, June 27");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "Bulletin Wire");
  g_assert_cmpstr (bulletin_article_get_language (a), ==, "en");
  g_assert_cmpstr (bulletin_article_get_date (a), ==, "2023-06-27T11:15:00Z");
  g_assert_cmpstr (first->title, ==, "Bridge repairs finish early");
}

/* ------------------------------------------------------------ IPTC's examples */

static void
test_iptc_examples (void)
{
  g_autofree char *dir = bulletin_test_shared_path ("newsml-g2/examples");
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint n_read = 0;

  if (dir == NULL)
    return;
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      parsed = parse_path (path, &error);
      /* read, or refused in one line that names the file */
      if (parsed == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (g_str_has_prefix (error->message, name));
          g_assert_null (strchr (error->message, '\n'));
        }
      else
        {
          g_assert_cmpuint (parsed->articles->len, >, 0);
          n_read++;
        }
    }
  g_assert_cmpuint (n_read, >=, 10);

  {
    g_autofree char *path = g_build_filename (dir, "LISTING_2_NewsML-G2_Text_Document.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(BulletinParsedIssue) parsed = parse_path (path, &error);
    BulletinArticle *a;

    g_assert_no_error (error);
    a = article_at (parsed, 0);
    g_assert_cmpstr (bulletin_article_get_headline (a), ==, "Fed to halt QE to avert \"bubble\"");
    g_assert_cmpstr (bulletin_article_get_id (a), ==, "urn:newsml:acmenews.com:20161121:US-FINANCE-FED");
    g_assert_cmpstr (bulletin_article_get_byline (a), ==, "Meredith Jameson");
    /* the NITF body.content, not its head */
    g_assert_cmpuint (bulletin_article_get_n_blocks (a), >=, 4);
    g_assert_nonnull (strstr (bulletin_article_get_source (a), "(New York, NY - October 21) Et, sent luptat"));
  }
  {
    g_autofree char *path = g_build_filename (dir, "LISTING_6_Simple_NewsML-G2_Package.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(BulletinParsedIssue) parsed = parse_path (path, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (parsed->title, ==, "UK");
    g_assert_cmpuint (parsed->articles->len, >=, 2);
    g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 0)), ==, "Obama annonce son équipe");
  }
}

/* ------------------------------------------------------------ the archive */

static void
copy_data (const char *name,
           const char *dir)
{
  g_autofree char *from = data_path (name);
  g_autofree char *base = g_path_get_basename (name);
  g_autofree char *to = g_build_filename (dir, base, NULL);
  gsize len;
  g_autofree char *data = bulletin_test_read_file (from, &len);

  g_assert_true (g_file_set_contents (to, data, len, NULL));
}

static char *
make_archive (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bulletin-newsml-XXXXXX", NULL);
  const char *names[] = { "g2-article-zh.xml", "g2-message.xml", "newsml1-issue-zh.xml",
                          "newsml1-article.xml", "g2-bad.xml" };

  g_assert_nonnull (dir);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    copy_data (names[i], dir);
  return g_steal_pointer (&dir);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static BulletinIssue *
find_issue (BulletinArchive *archive,
            const char      *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (archive));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (G_LIST_MODEL (archive), i);
      g_autofree char *base = g_file_get_basename (bulletin_issue_get_file (issue));

      if (strcmp (base, name) == 0)
        return issue; /* the archive keeps it */
    }
  g_assert_not_reached ();
}

static void
check_listing (BulletinArchive *archive)
{
  BulletinIssue *issue;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 5);

  issue = find_issue (archive, "newsml1-issue-zh.xml");
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_READY);
  g_assert_cmpint (bulletin_issue_get_kind (issue), ==, BULLETIN_ISSUE_NEWSML_FILE);
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "城市公报 第26期");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2023-06-26");
  g_assert_cmpstr (bulletin_issue_get_number (issue), ==, "26");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 2);

  issue = find_issue (archive, "g2-article-zh.xml");
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "全民阅读活动启动");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2023-06-05");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 1);

  issue = find_issue (archive, "g2-message.xml");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 2);

  /* a broken file is listed with its problem, not left out */
  issue = find_issue (archive, "g2-bad.xml");
  g_assert_cmpint (bulletin_issue_get_state (issue), ==, BULLETIN_ISSUE_STATE_ERROR);
  g_assert_true (g_str_has_prefix (bulletin_issue_get_error_message (issue), "g2-bad.xml: line "));
}

static void
test_archive_listing (void)
{
  g_autofree char *dir = make_archive ();
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autoptr(GFile) root = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  {
    g_autoptr(BulletinArchive) archive = bulletin_archive_new (root);

    g_assert_true (bulletin_archive_scan (archive, NULL, &error));
    g_assert_no_error (error);
    check_listing (archive);
  }
  {
    /* again, from the cache: the same rows */
    g_autoptr(BulletinArchive) archive = bulletin_archive_new (root);
    BulletinIssue *issue;

    g_assert_true (bulletin_archive_scan (archive, NULL, &error));
    g_assert_no_error (error);
    check_listing (archive);
    issue = find_issue (archive, "newsml1-issue-zh.xml");
    g_assert_true (bulletin_issue_load (issue, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_issue_get_articles (issue)), ==, 2);
  }
  remove_tree (dir);
}

/* a package is listed with as many articles as it names, without
 * reading its neighbours; opening it reads them */
static void
test_package_listing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bulletin-newsml-XXXXXX", NULL);
  g_autoptr(GFile) root = g_file_new_for_path (dir);
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (root);
  g_autoptr(GError) error = NULL;
  BulletinIssue *issue;
  GListModel *articles;

  copy_data ("g2-package/package.xml", dir);
  copy_data ("g2-package/first.xml", dir);
  copy_data ("g2-package/second.xml", dir);
  g_assert_true (bulletin_archive_scan (archive, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (archive)), ==, 3);
  issue = find_issue (archive, "package.xml");
  g_assert_cmpstr (bulletin_issue_get_title (issue), ==, "城市公报 第12期");
  g_assert_cmpstr (bulletin_issue_get_number (issue), ==, "12");
  g_assert_cmpstr (bulletin_issue_get_date (issue), ==, "2023-06-12");
  g_assert_cmpuint (bulletin_issue_get_n_articles (issue), ==, 3);

  g_assert_true (bulletin_issue_load (issue, NULL, &error));
  g_assert_no_error (error);
  articles = bulletin_issue_get_articles (issue);
  g_assert_cmpuint (g_list_model_get_n_items (articles), ==, 3);
  {
    g_autoptr(BulletinArticle) first = g_list_model_get_item (articles, 1);
    g_assert_cmpstr (bulletin_article_get_headline (first), ==, "地铁新线开通");
  }
  g_clear_object (&archive);
  remove_tree (dir);
}

static void
test_search (void)
{
  g_autofree char *dir = make_archive ();
  g_autofree char *db = g_build_filename (dir, "index", "search.db", NULL);
  g_autoptr(GFile) root = g_file_new_for_path (dir);
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinSearchResults) indexed = NULL;
  g_autoptr(BulletinSearchResults) scanned = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found_trad = FALSE;

  index = bulletin_search_index_new (root, db);
  g_assert_true (bulletin_search_index_update (index, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* 國家圖書館 (Traditional, in the XHTML) is found by its Simplified form */
  indexed = bulletin_search_index_query (index, "国家图书馆", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (indexed->results->len, ==, 1);
  {
    BulletinSearchResult *r = g_ptr_array_index (indexed->results, 0);
    g_assert_cmpstr (r->article_id, ==, "urn:newsml:bulletin.example:20230605:zh-reading");
    found_trad = TRUE;
  }
  g_assert_true (found_trad);
  g_clear_pointer (&indexed, bulletin_search_results_free);

  indexed = bulletin_search_index_query (index, "夜场门票", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (indexed->results->len, ==, 1);
  g_assert_cmpstr (((BulletinSearchResult *)g_ptr_array_index (indexed->results, 0))->article_id, ==,
                   "urn:newsml:bulletin.example:20230626:issue-26#art2");

  scanned = bulletin_search_scan_archive (root, "Library extends", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scanned->results->len, ==, 1);

  g_clear_object (&index);
  remove_tree (dir);
}

/* ------------------------------------------------------------ ninjs export */

static void
test_export_ninjs (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("newsml1-issue-zh.xml");
  g_autoptr(JsonNode) node = bulletin_ninjs_write_issue (parsed);
  gsize len = 0;
  g_autofree char *data = bulletin_ninjs_to_data (node, &len);
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) back = bulletin_ninjs_parse (data, len, "export.json", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (back->articles->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      BulletinArticle *a = article_at (parsed, i);
      BulletinArticle *b = article_at (back, i);
      g_autofree char *body_a = bulletin_article_dup_body_text (a);
      g_autofree char *body_b = bulletin_article_dup_body_text (b);

      g_assert_cmpstr (bulletin_article_get_id (b), ==, bulletin_article_get_id (a));
      g_assert_cmpstr (bulletin_article_get_headline (b), ==, bulletin_article_get_headline (a));
      g_assert_cmpstr (bulletin_article_get_byline (b), ==, bulletin_article_get_byline (a));
      g_assert_cmpstr (body_b, ==, body_a);
    }
  g_assert_cmpstr (back->title, ==, "城市公报 第26期");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/newsml/table", test_table);
  g_test_add_func ("/newsml/g2/article-zh", test_g2_article_zh);
  g_test_add_func ("/newsml/g2/id-survives-versions", test_g2_id_survives_versions);
  g_test_add_func ("/newsml/g2/package-folder", test_g2_package_folder);
  g_test_add_func ("/newsml/g2/message", test_g2_message);
  g_test_add_func ("/newsml/g2/missing-parts", test_g2_missing_parts);
  g_test_add_func ("/newsml/safety", test_safety);
  g_test_add_func ("/newsml/1/nested", test_newsml1_nested);
  g_test_add_func ("/newsml/1/revision", test_newsml1_revision);
  g_test_add_func ("/newsml/iptc-examples", test_iptc_examples);
  g_test_add_func ("/newsml/archive-listing", test_archive_listing);
  g_test_add_func ("/newsml/package-listing", test_package_listing);
  g_test_add_func ("/newsml/search", test_search);
  g_test_add_func ("/newsml/export-ninjs", test_export_ninjs);

  return g_test_run ();
}
