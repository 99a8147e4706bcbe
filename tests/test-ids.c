/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-annotations.h"
#include "bulletin-archive.h"
#include "bulletin-archive-cache.h"
#include "bulletin-article.h"
#include "bulletin-bookmark.h"
#include "bulletin-issue.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-writer.h"
#include "bulletin-note.h"
#include "bulletin-search-index.h"
#include "bulletin-test-utils.h"
#include "bulletin-text-import.h"

/*
 * Every id the app derives, pinned to a fixed value for a fixed input.
 *
 * Bookmarks, notes and reading positions are kept under these ids
 * (docs/annotations-format.md), exports carry them, the caches and the
 * search index are found by them.  An id that changes orphans every
 * bookmark and note made on the article: if one of these tests fails,
 * the change is not innocent, whatever it was meant to do.  Never update
 * an expected value here to make a test pass; keep the old ids, or write
 * a migration for the users' files and say so in the commit.
 *
 * The hashes were checked outside the app too, e.g. the first content id:
 *   python3 -c "import hashlib; print(hashlib.sha256(
 *     '邻里相助守望如家\x1f在社区服务工作中青溪街道'.encode()).hexdigest()[:32])"
 */

/* A plain-text bulletin, written out here so that no edit of a data file
 * moves the ids (the same text as tests/data/issue-2023-06-05.txt, with
 * one brief repeated to give two identical articles). */
static const char plain_text[] =
  "绿野镇简报\n"
  "2023年6月5日 第18期\n"
  "\n"
  "乡村阅读点开门迎客\n"
  "● 记者 冯远\n"
  "\n"
  "本报讯 6月3日,绿野镇第五个乡村阅读点在东河村开放,藏书三千余册,村民凭身份证即可免费借阅。\n"
  "\n"
  "阅读点由闲置的村委会仓库改建,配有空调、饮水机和儿童阅读角。\n"
  "\n"
  "简讯\n"
  "\n"
  "镇卫生院开展免费义诊活动,为村民测量血压、血糖两百余人次。\n"
  "\n"
  "镇文化站举办暑期书法班,报名人数已满。\n";

static BulletinArticle *
article_at (BulletinParsedIssue *parsed,
            guint                i)
{
  g_assert_cmpuint (i, <, parsed->articles->len);
  return g_ptr_array_index (parsed->articles, i);
}

/* The normalised text ids are made of: letters and digits only, case and
 * width folded, Han as it is. */
static void
test_normalize (void)
{
  static const struct {
    const char *text;
    guint       max;
    const char *expected;
  } cases[] = {
    { "邻里相助，守望如家", 0, "邻里相助守望如家" },
    { "邻里相助,守望如家", 0, "邻里相助守望如家" },
    { "Ａｂｃ１２３ DEF-456", 0, "abc123def456" },
    { "在社区服务\n\n工作中，青溪街道 ", 4, "在社区服" },
    { "", 0, "" },
    { "，。！", 0, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = bulletin_normalize_for_identity (cases[i].text, cases[i].max);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

/* The id of an article without a uri: `urn:bulletin:article:` and the
 * first 32 hex digits of SHA-256 of the folded headline, U+001F, and the
 * first 200 folded letters of the body. */
static void
test_content_id (void)
{
  static const struct {
    const char *headline;
    const char *body;
    const char *expected;
  } cases[] = {
    { "邻里相助，守望如家", "在社区服务工作中，青溪街道",
      "urn:bulletin:article:4e94ab15ec5e3330d0bd304e43dc9ae8" },
    /* width of punctuation, white space and line breaks do not count */
    { "邻里相助,守望如家", "在社区服务\n\n工作中,青溪街道 ",
      "urn:bulletin:article:4e94ab15ec5e3330d0bd304e43dc9ae8" },
    { "Headline", "Body text, in English.",
      "urn:bulletin:article:3c89bf8b3767907f288c108197345a3a" },
    { "", "", "urn:bulletin:article:ffe679bb831c95b67dc17819c63c5090" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = bulletin_article_compute_content_id (cases[i].headline, cases[i].body);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }

  /* past the first 200 letters and digits, the body does not count */
  {
    g_autoptr(GString) a = g_string_new (NULL);
    g_autoptr(GString) b = NULL;
    g_autofree char *id_a = NULL;
    g_autofree char *id_b = NULL;

    for (guint i = 0; i < 40; i++)
      g_string_append (a, "一二三四五");
    b = g_string_new (a->str);
    g_string_append (a, "甲");
    g_string_append (b, "乙");
    id_a = bulletin_article_compute_content_id ("长", a->str);
    id_b = bulletin_article_compute_content_id ("长", b->str);
    g_assert_cmpstr (id_a, ==, "urn:bulletin:article:0400ab507ffbf497727870c7602782a2");
    g_assert_cmpstr (id_b, ==, id_a);
  }
}

/* A built article: its uri, or its content id (the same as the
 * computation above gives), and a suffix when one is set. */
static void
test_article_id (void)
{
  g_autoptr(BulletinArticle) with_uri = bulletin_article_new ();
  g_autoptr(BulletinArticle) without = bulletin_article_new ();

  bulletin_article_set_uri (with_uri, "urn:example:1");
  bulletin_article_append_block (with_uri, BULLETIN_BLOCK_HEADLINE, "x", -1);
  bulletin_article_finish (with_uri);
  g_assert_cmpstr (bulletin_article_get_id (with_uri), ==, "urn:example:1");
  bulletin_article_set_id_suffix (with_uri, "#2");
  g_assert_cmpstr (bulletin_article_get_id (with_uri), ==, "urn:example:1#2");

  bulletin_article_append_block (without, BULLETIN_BLOCK_HEADLINE, "邻里相助，守望如家", -1);
  bulletin_article_append_block (without, BULLETIN_BLOCK_PARAGRAPH, "在社区服务工作中，", -1);
  bulletin_article_append_block (without, BULLETIN_BLOCK_PARAGRAPH, "青溪街道", -1);
  bulletin_article_finish (without);
  g_assert_cmpstr (bulletin_article_get_id (without), ==, "urn:bulletin:article:4e94ab15ec5e3330d0bd304e43dc9ae8");
}

/* Plain-text articles: content ids; a repeated article gets "-2"; the
 * issue: `urn:bulletin:issue:` and a hash of its article ids. */
static void
test_plain_text (void)
{
  g_autoptr(GString) text = g_string_new (plain_text);
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issue_id = NULL;

  parsed = bulletin_text_parse (text->str, text->len, "issue-2023-06-05.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 0)), ==, "乡村阅读点开门迎客");
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 0)), ==,
                   "urn:bulletin:article:7ad11f501fccf1b1e5035bfd8d0d3194");
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 1)), ==,
                   "urn:bulletin:article:308027b932c44e0adf5a86e3365e0bb3");
  issue_id = bulletin_ninjs_issue_uri (parsed);
  g_assert_cmpstr (issue_id, ==, "urn:bulletin:issue:66080234f61364cb4952ff19a91ecf68");
}

/* Two identical articles in one plain-text issue (a repeated caption) */
static void
test_plain_text_repeated (void)
{
  static const char text[] =
    "图片新闻\n志愿者在绿道清理垃圾。 刘洋 摄\n\n"
    "图片新闻\n志愿者在绿道清理垃圾。 刘洋 摄\n";
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = bulletin_text_parse (text, strlen (text), "issue-2023-06-05.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 0)), ==,
                   "urn:bulletin:article:d9cf502dbd105b96581bcde51b5f60c5");
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 1)), ==,
                   "urn:bulletin:article:d9cf502dbd105b96581bcde51b5f60c5-2");
}

/* ninjs: a valid uri is the id; one that is not is kept readable under
 * `urn:bulletin:ref:`; none gives a content id; an issue's own uri is its
 * id. */
static void
test_ninjs (void)
{
  static const char json[] =
    "{\"uri\": \"urn:issue:1\", \"type\": \"composite\", \"headline\": \"期刊\","
    " \"associations\": {"
    "  \"a\": {\"uri\": \"http://example.com/a/1\", \"type\": \"text\", \"headline\": \"A\","
    "         \"body_text\": \"a\"},"
    "  \"b\": {\"uri\": \"002_type invalid\", \"type\": \"text\", \"headline\": \"B\","
    "         \"body_text\": \"b\"},"
    "  \"c\": {\"type\": \"text\", \"headline\": \"邻里相助，守望如家\","
    "         \"body_text\": \"在社区服务工作中，青溪街道\"}}}";
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issue_id = NULL;

  parsed = bulletin_ninjs_parse (json, strlen (json), "issue.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, 3);
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 0)), ==, "http://example.com/a/1");
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 1)), ==,
                   "urn:bulletin:ref:002_type%20invalid");
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 2)), ==,
                   "urn:bulletin:article:4e94ab15ec5e3330d0bd304e43dc9ae8");
  issue_id = bulletin_ninjs_issue_uri (parsed);
  g_assert_cmpstr (issue_id, ==, "urn:issue:1");
}

static void
write_file (GFile      *dir,
            const char *name,
            const char *contents)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);
  g_autoptr(GError) error = NULL;

  g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                           G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
}

static BulletinIssue *
load_issue (BulletinArchive *archive,
            const char      *name)
{
  BulletinIssue *issue = bulletin_archive_find_issue (archive, name);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (issue);
  g_assert_true (bulletin_issue_load (issue, NULL, &error));
  g_assert_no_error (error);
  return issue;
}

static const char *
first_id (BulletinIssue *issue)
{
  g_autoptr(BulletinArticle) article = g_list_model_get_item (bulletin_issue_get_articles (issue), 0);

  g_assert_nonnull (article);
  return bulletin_article_get_id (article);
}

/* In an archive: the issue ids BulletinIssue gives (a plain-text issue's
 * hash of its article ids), and a uri two issues share told apart by a
 * hash of the later article's text. */
static void
test_archive (void)
{
  g_autofree char *path = g_dir_make_tmp ("bulletin-ids-XXXXXX", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(BulletinArchive) archive = bulletin_archive_new (dir);
  g_autoptr(GError) error = NULL;
  BulletinIssue *text, *a, *b;

  write_file (dir, "2023-06-05.txt", plain_text);
  write_file (dir, "a.json",
              "{\"uri\": \"urn:iptc:sample\", \"type\": \"text\", \"headline\": \"样例一\","
              " \"body_text\": \"第一篇正文。\"}");
  write_file (dir, "b.json",
              "{\"uri\": \"urn:iptc:sample\", \"type\": \"text\", \"headline\": \"样例二\","
              " \"body_text\": \"第二篇正文。\"}");
  /* two items of one file share a uri that has a fragment already */
  write_file (dir, "c.json",
              "[{\"uri\": \"http://example.com/a#b\", \"type\": \"text\", \"headline\": \"甲\","
              "  \"body_text\": \"甲文。\"},"
              " {\"uri\": \"http://example.com/a#b\", \"type\": \"text\", \"headline\": \"乙\","
              "  \"body_text\": \"乙文。\"}]");
  g_assert_true (bulletin_archive_scan (archive, NULL, &error));
  g_assert_no_error (error);

  text = load_issue (archive, "2023-06-05.txt");
  g_assert_cmpstr (bulletin_issue_get_id (text), ==, "urn:bulletin:issue:66080234f61364cb4952ff19a91ecf68");
  g_assert_cmpstr (first_id (text), ==, "urn:bulletin:article:7ad11f501fccf1b1e5035bfd8d0d3194");

  /* the later in archive order loaded first: the ids do not depend on it */
  b = load_issue (archive, "b.json");
  a = load_issue (archive, "a.json");
  g_assert_cmpstr (first_id (a), ==, "urn:iptc:sample");
  g_assert_cmpstr (first_id (b), ==, "urn:iptc:sample#38ddfdfdff647dc8");
  /* a single item has no issue uri: the hash of its article ids */
  g_assert_cmpstr (bulletin_issue_get_id (a), ==, "urn:bulletin:issue:29b45027e3df731732325ebf310ad466");

  {
    BulletinIssue *c = load_issue (archive, "c.json");
    g_autoptr(BulletinArticle) first = g_list_model_get_item (bulletin_issue_get_articles (c), 0);
    g_autoptr(BulletinArticle) second = g_list_model_get_item (bulletin_issue_get_articles (c), 1);

    g_assert_cmpstr (bulletin_article_get_id (first), ==, "http://example.com/a#b");
    g_assert_cmpstr (bulletin_article_get_id (second), ==, "http://example.com/a#b-eaba750d4927430d");
  }

  g_clear_object (&archive);
  for (const char * const *n = (const char * const[]) { "2023-06-05.txt", "a.json", "b.json", "c.json", NULL };
       *n != NULL; n++)
    {
      g_autofree char *file = g_build_filename (path, *n, NULL);

      g_remove (file);
    }
  g_rmdir (path);
}

static char *
group_names (const char *data)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;

  g_key_file_load_from_data (keys, data, -1, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (keys, NULL);
  return g_strjoinv ("|", groups);
}

/* The key file's group names of bookmarks and reading positions: the
 * first 32 hex digits of SHA-256 of the article id, of the archive URI. */
static void
test_annotation_groups (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bulletin-ids-XXXXXX", NULL);
  g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
  g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:bulletin:article:0123");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *groups = NULL;
  g_autofree char *file = NULL;
  g_autofree char *lock = NULL;
  gsize len = 0;

  bulletin_annotations_set_monitored (store, FALSE);
  g_assert_true (bulletin_annotations_load (store, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_annotations_set_position (store, "file:///home/me/archive", NULL,
                                                    "urn:bulletin:article:0123", 345, &error));
  g_assert_no_error (error);

  data = bulletin_annotations_to_data (store, &len);
  groups = group_names (data);
  g_assert_cmpstr (groups, ==,
                   "Bulletin Reader|Position 40703b2ef8c1395e0a65526abb9b53fb|Bookmark 60e8eac32a8e9714808cc7ad2fbb5beb");

  g_clear_object (&store);
  file = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
  lock = g_strconcat (file, ".lock", NULL);
  g_remove (file);
  g_remove (lock);
  g_rmdir (dir);
}

/* A note's passage is kept in Unicode characters of the source text, with
 * up to 32 characters either side. */
static void
test_note_anchor (void)
{
  g_autoptr(BulletinArticle) article = bulletin_article_new ();
  g_autoptr(BulletinNote) note = NULL;
  guint start = 0, end = 0;

  bulletin_article_append_block (article, BULLETIN_BLOCK_HEADLINE, "邻里相助，守望如家", -1);
  bulletin_article_append_block (article, BULLETIN_BLOCK_PARAGRAPH,
                                 "在社区服务工作中，青溪街道的志愿者𠮷日日上门。", -1);
  bulletin_article_finish (article);

  /* "志愿者": after the headline (9), the blank line (2), 14 characters */
  note = bulletin_note_new_for_range (article, 25, 28);
  g_assert_cmpstr (bulletin_note_get_article_id (note), ==, "urn:bulletin:article:348e527f2218f92995512cca9aba8391");
  g_assert_cmpstr (bulletin_note_get_quote (note), ==, "志愿者");
  g_assert_cmpstr (bulletin_note_get_context_before (note), ==, "邻里相助，守望如家\n\n在社区服务工作中，青溪街道的");
  g_assert_cmpstr (bulletin_note_get_context_after (note), ==, "𠮷日日上门。");
  g_assert_cmpint (bulletin_annotations_anchor_note (note, article, &start, &end), ==,
                   BULLETIN_ANCHOR_EXACT);
  g_assert_cmpuint (start, ==, 25);
  g_assert_cmpuint (end, ==, 28);

  /* the article again with a paragraph before: the passage is found by
   * its quote and context, 5 characters and a blank line further on */
  {
    g_autoptr(BulletinArticle) again = bulletin_article_new ();

    bulletin_article_append_block (again, BULLETIN_BLOCK_HEADLINE, "邻里相助，守望如家", -1);
    bulletin_article_append_block (again, BULLETIN_BLOCK_PARAGRAPH, "本报讯。", -1);
    bulletin_article_append_block (again, BULLETIN_BLOCK_PARAGRAPH,
                                   "在社区服务工作中，青溪街道的志愿者𠮷日日上门。", -1);
    bulletin_article_finish (again);
    g_assert_cmpint (bulletin_annotations_anchor_note (note, again, &start, &end), ==,
                     BULLETIN_ANCHOR_MOVED);
    g_assert_cmpuint (start, ==, 31);
    g_assert_cmpuint (end, ==, 34);
  }
}

/* Where the caches of an archive live: named by a hash of its URI, so
 * that an archive finds its metadata cache and search index again. */
static void
test_cache_paths (void)
{
  g_autoptr(GFile) root = g_file_new_for_uri ("file:///home/me/archive");
  g_autofree char *cache = bulletin_archive_cache_path_for ("file:///home/me/archive");
  g_autofree char *index = bulletin_search_index_default_path (root);
  g_autofree char *cache_name = g_path_get_basename (cache);
  g_autofree char *index_name = g_path_get_basename (index);

  g_assert_cmpstr (cache_name, ==, "40703b2ef8c1395e0a65526abb9b53fb.cache");
  g_assert_cmpstr (index_name, ==, "index-40703b2ef8c1395e0a65526a.sqlite");
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
        remove_tree (child);
    }
  g_file_delete (file, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache_home = g_dir_make_tmp ("bulletin-ids-cache-XXXXXX", NULL);
  g_autoptr(GFile) cache_dir = g_file_new_for_path (cache_home);
  int status;

  /* the archive writes its metadata cache: not into the user's */
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ids/normalize", test_normalize);
  g_test_add_func ("/ids/content-id", test_content_id);
  g_test_add_func ("/ids/article", test_article_id);
  g_test_add_func ("/ids/plain-text", test_plain_text);
  g_test_add_func ("/ids/plain-text-repeated", test_plain_text_repeated);
  g_test_add_func ("/ids/ninjs", test_ninjs);
  g_test_add_func ("/ids/archive", test_archive);
  g_test_add_func ("/ids/annotation-groups", test_annotation_groups);
  g_test_add_func ("/ids/note-anchor", test_note_anchor);
  g_test_add_func ("/ids/cache-paths", test_cache_paths);

  status = g_test_run ();
  remove_tree (cache_dir);
  return status;
}
