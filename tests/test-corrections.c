/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reader's corrections of plain-text issues (issue 16): the key file
 * round trip, anchors that survive re-encoding, other line ends and a
 * moved archive, ids of untouched articles, notes that follow their
 * passage, corrections whose line is gone, and Reopen with Encoding. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-corrections.h"
#include "bulletin-issue.h"
#include "bulletin-search-index.h"
#include "bulletin-test-utils.h"
#include "bulletin-text-decoder.h"
#include "bulletin-text-import.h"

/* Two articles by the rules: 第二篇 has no byline, so its headline reads
 * as a subhead of the first */
#define LONG "第一篇正文的第一段写得很长，"
#define P1 LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG LONG "写在这里。"
static const char bulletin[] =
  "第一篇的标题\n"
  "● 记者 张三\n"
  P1 "\n"
  "第一篇正文的第二段写在这里。\n"
  "第二篇的标题\n"
  "第二篇正文写在这里，说的是另一件事。\n"
  "第三篇的标题\n"
  "● 记者 李四\n"
  "第三篇正文写在这里。\n";

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("bulletin-corrections-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static BulletinParsedIssue *
parse (const char          *data,
       gsize                len,
       BulletinCorrections *store)
{
  g_autoptr(GError) error = NULL;
  BulletinParsedIssue *parsed = bulletin_text_parse_full (data, len, "issue.txt", store, NULL, &error);

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

static const char *
headline_at (BulletinParsedIssue *parsed,
             guint                i)
{
  return bulletin_article_get_headline (article_at (parsed, i));
}

/* A correction of the line @line_text, made as the reader makes it: from
 * the article that holds the line, at that line's offset */
static BulletinCorrection *
correction_for (BulletinParsedIssue    *parsed,
                const char             *line_text,
                BulletinCorrectionKind  kind)
{
  for (guint a = 0; a < parsed->articles->len; a++)
    {
      BulletinArticle *article = article_at (parsed, a);
      const char *src = bulletin_article_get_source (article);
      const char *at = strstr (src, line_text);

      if (at != NULL && (gsize) (at - src) < bulletin_article_get_source_bytes (article))
        {
          guint offset = g_utf8_strlen (src, at - src);
          BulletinCorrection *c = bulletin_correction_new_in_article (kind, parsed->articles, a, offset);

          g_assert_cmpstr (c->line, ==, line_text);
          return c;
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static void
add (BulletinCorrections *store,
     BulletinParsedIssue *parsed,
     const char          *line_text,
     BulletinCorrectionKind kind)
{
  g_autoptr(BulletinCorrection) c = correction_for (parsed, line_text, kind);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (parsed->text_key);
  g_assert_true (bulletin_corrections_add (store, parsed->text_key, "issue.txt", c, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (dir);
  g_autoptr(BulletinCorrections) again = NULL;
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) after = NULL;
  g_autoptr(BulletinParsedIssue) reset = NULL;
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = NULL;
  g_autofree char *group = NULL;
  g_autoptr(GError) error = NULL;
  BulletinCorrection *c;

  bulletin_corrections_set_archive (store, "file:///archive");
  before = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (before->articles->len, ==, 2);
  g_assert_cmpuint (before->n_corrections, ==, 0);

  add (store, before, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);

  /* another store reads the file back */
  again = bulletin_corrections_new (dir);
  read = bulletin_corrections_lookup (again, before->text_key, NULL);
  g_assert_cmpuint (read->len, ==, 1);
  c = g_ptr_array_index (read, 0);
  g_assert_cmpint (c->kind, ==, BULLETIN_CORRECTION_NEW_ARTICLE);
  g_assert_cmpstr (c->line, ==, "第二篇的标题");
  g_assert_cmpstr (c->before, ==, "第一篇正文的第二段写在这里。");
  g_assert_cmpstr (c->after, ==, "第二篇正文写在这里，说的是另一件事。");

  path = bulletin_corrections_dup_path (store);
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  group = g_strconcat ("Issue ", before->text_key, NULL);
  {
    g_autofree char *kind = g_key_file_get_string (kf, group, "kind-1", NULL);
    g_autofree char *archive = g_key_file_get_string (kf, "Bulletin Reader", "archive", NULL);
    g_autofree char *file = g_key_file_get_string (kf, group, "file", NULL);

    g_assert_cmpstr (kind, ==, "new-article");
    g_assert_cmpstr (archive, ==, "file:///archive");
    g_assert_cmpstr (file, ==, "issue.txt");
  }

  after = parse (bulletin, strlen (bulletin), again);
  g_assert_cmpuint (after->articles->len, ==, 3);
  g_assert_cmpuint (after->n_corrections, ==, 1);
  g_assert_cmpstr (headline_at (after, 0), ==, "第一篇的标题");
  g_assert_cmpstr (headline_at (after, 1), ==, "第二篇的标题");
  g_assert_cmpstr (headline_at (after, 2), ==, "第三篇的标题");

  /* Reset This Issue's Corrections */
  g_assert_true (bulletin_corrections_reset (again, after->text_key, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BulletinCorrections) third = bulletin_corrections_new (dir);
    reset = parse (bulletin, strlen (bulletin), third);
  }
  g_assert_cmpuint (reset->articles->len, ==, 2);

  bulletin_test_remove_tree (dir);
}

static void
write_file (const char *dir,
            const char *name,
            const char *data,
            gsize       len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static BulletinParsedIssue *
parse_path (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BulletinParsedIssue *parsed = bulletin_issue_parse_file (file, BULLETIN_ISSUE_TEXT_FILE, NULL, &error);

  g_assert_no_error (error);
  return parsed;
}

static char *
crlf (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strjoinv ("\r\n", lines);
}

/* The corrections of a file survive moving the archive, re-encoding the
 * file to GB18030 with CRLF line ends, and back to UTF-8 */
static void
test_survives_reencoding_and_moving (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *first = g_build_filename (dir, "archive", NULL);
  g_autofree char *moved = g_build_filename (dir, "elsewhere", "archive", NULL);
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (data_dir);
  g_autoptr(BulletinParsedIssue) p1 = NULL;
  g_autoptr(BulletinParsedIssue) p2 = NULL;
  g_autoptr(BulletinParsedIssue) p3 = NULL;
  g_autoptr(BulletinParsedIssue) p4 = NULL;
  g_autofree char *windows = crlf (bulletin);
  g_autofree char *gb = NULL;
  gsize gb_len;

  bulletin_corrections_set_default (store);
  bulletin_corrections_set_archive (store, "file:///first");

  write_file (first, "2022-04-05.txt", bulletin, strlen (bulletin));
  p1 = parse_path (first, "2022-04-05.txt");
  g_assert_cmpuint (p1->articles->len, ==, 2);
  add (store, p1, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);
  add (store, p1, "第一篇正文的第二段写在这里。", BULLETIN_CORRECTION_SUBHEAD);

  /* moved, GB18030, CRLF */
  gb = g_convert (windows, -1, "GB18030", "UTF-8", NULL, &gb_len, NULL);
  g_assert_nonnull (gb);
  write_file (moved, "2022-04-05.txt", gb, gb_len);
  p2 = parse_path (moved, "2022-04-05.txt");
  g_assert_cmpstr (p2->encoding, ==, "GB18030");
  g_assert_cmpuint (p2->articles->len, ==, 3);
  g_assert_cmpuint (p2->n_corrections, ==, 2);
  g_assert_null (p2->missing_corrections);
  g_assert_cmpstr (headline_at (p2, 1), ==, "第二篇的标题");

  /* back to UTF-8, under another name, read by a fresh store */
  write_file (moved, "renamed.txt", bulletin, strlen (bulletin));
  {
    g_autoptr(BulletinCorrections) fresh = bulletin_corrections_new (data_dir);

    bulletin_corrections_set_default (fresh);
    p3 = parse_path (moved, "renamed.txt");
    g_assert_cmpuint (p3->articles->len, ==, 3);
  }
  /* without corrections (--no-corrections): as the rules read it */
  bulletin_corrections_set_default (NULL);
  p4 = parse_path (moved, "renamed.txt");
  g_assert_cmpuint (p4->articles->len, ==, 2);

  bulletin_corrections_set_default (NULL);
  bulletin_test_remove_tree (dir);
}

/* Articles a correction did not touch keep their ids; so do their
 * bookmarks and notes.  An id covers the headline and the first 200
 * characters of the body (tests/test-ids.c): the first article's body is
 * longer, so that losing its tail keeps its id. */
static void
test_untouched_ids (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (dir);
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) split = NULL;
  g_autoptr(BulletinParsedIssue) joined = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *last_id = NULL;

  before = parse (bulletin, strlen (bulletin), store);
  first_id = g_strdup (bulletin_article_get_id (article_at (before, 0)));
  last_id = g_strdup (bulletin_article_get_id (article_at (before, 1)));

  add (store, before, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);
  split = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (split->articles->len, ==, 3);
  g_assert_cmpstr (bulletin_article_get_id (article_at (split, 0)), ==, first_id);
  g_assert_cmpstr (bulletin_article_get_id (article_at (split, 2)), ==, last_id);
  g_assert_cmpstr (bulletin_article_get_id (article_at (split, 1)), !=, first_id);

  /* Join with the Previous Article: the third goes on the second */
  add (store, split, "第三篇的标题", BULLETIN_CORRECTION_JOIN_PREVIOUS);
  joined = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (joined->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_id (article_at (joined, 0)), ==, first_id);
  g_assert_cmpstr (headline_at (joined, 1), ==, "第二篇的标题");
  {
    g_autofree char *body = bulletin_article_dup_body_text (article_at (joined, 1));
    g_assert_nonnull (strstr (body, "第三篇正文"));
  }

  bulletin_test_remove_tree (dir);
}

static char *
kinds_of (BulletinArticle *article)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, bulletin_block_kind_to_string (bulletin_article_get_block (article, i)->kind));
    }
  return g_string_free (s, FALSE);
}

/* This Line Is a Subhead / Byline / Dateline / Body Text / Subtitle */
static void
test_line_roles (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (dir);
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) after = NULL;
  g_autofree char *k0 = NULL;
  g_autofree char *k1 = NULL;

  before = parse (bulletin, strlen (bulletin), store);
  k0 = kinds_of (article_at (before, 0));
  g_assert_cmpstr (k0, ==, "headline byline paragraph paragraph heading paragraph");

  add (store, before, P1, BULLETIN_CORRECTION_SUBTITLE);
  add (store, before, "第一篇正文的第二段写在这里。", BULLETIN_CORRECTION_DATELINE);
  add (store, before, "第二篇的标题", BULLETIN_CORRECTION_BODY);
  add (store, before, "第三篇正文写在这里。", BULLETIN_CORRECTION_BYLINE);
  after = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (after->articles->len, ==, 2);
  g_clear_pointer (&k0, g_free);
  k0 = kinds_of (article_at (after, 0));
  /* the line said to be body text does not end a sentence: it goes on in
   * the next one, as a paragraph cut by a page break does */
  g_assert_cmpstr (k0, ==, "headline byline subtitle dateline paragraph");
  g_assert_cmpstr (bulletin_article_get_subtitle (article_at (after, 0)), ==, P1);
  k1 = kinds_of (article_at (after, 1));
  g_assert_cmpstr (k1, ==, "headline byline byline");

  bulletin_test_remove_tree (dir);
}

/* A correction whose line is no longer in the file is listed, and kept */
static void
test_missing_line_listed (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (dir);
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) edited = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GString) changed = g_string_new (bulletin);
  BulletinCorrection *missing;
  gboolean warned = FALSE;

  before = parse (bulletin, strlen (bulletin), store);
  add (store, before, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);
  add (store, before, "第三篇的标题", BULLETIN_CORRECTION_SUBHEAD);

  /* the file is edited: one corrected line is gone */
  g_string_replace (changed, "第二篇的标题\n", "", 1);
  edited = parse (changed->str, changed->len, store);
  g_assert_cmpuint (edited->n_corrections, ==, 1);
  g_assert_nonnull (edited->missing_corrections);
  g_assert_cmpuint (edited->missing_corrections->len, ==, 1);
  missing = g_ptr_array_index (edited->missing_corrections, 0);
  g_assert_cmpstr (missing->line, ==, "第二篇的标题");
  for (guint w = 0; w < edited->warnings->len; w++)
    warned |= strstr (g_ptr_array_index (edited->warnings, w), "第二篇的标题") != NULL;
  g_assert_true (warned);

  /* kept in the store, under the edited issue's name too */
  {
    g_autoptr(BulletinCorrections) fresh = bulletin_corrections_new (dir);
    kept = bulletin_corrections_lookup (fresh, edited->text_key, "issue.txt");
  }
  g_assert_cmpuint (kept->len, ==, 2);

  bulletin_test_remove_tree (dir);
}

/* An issue of the same file name in another archive is another issue:
 * the first one's corrections neither apply to it nor are taken over */
static void
test_same_name_other_archive (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (dir);
  g_autoptr(BulletinParsedIssue) first = NULL;
  g_autoptr(BulletinParsedIssue) other = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GString) changed = g_string_new (bulletin);

  bulletin_corrections_set_archive (store, "file:///a");
  first = parse (bulletin, strlen (bulletin), store);
  add (store, first, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);

  bulletin_corrections_set_archive (store, "file:///b");
  g_string_replace (changed, "第二篇的标题\n", "", 1);
  other = parse (changed->str, changed->len, store);
  g_assert_cmpuint (other->n_corrections, ==, 0);
  g_assert_null (other->missing_corrections);
  add (store, other, "第三篇的标题", BULLETIN_CORRECTION_SUBHEAD);

  {
    g_autoptr(BulletinCorrections) fresh = bulletin_corrections_new (dir);
    kept = bulletin_corrections_lookup (fresh, first->text_key, NULL);
  }
  g_assert_cmpuint (kept->len, ==, 1);
  g_assert_cmpint (((BulletinCorrection *) g_ptr_array_index (kept, 0))->kind, ==,
                   BULLETIN_CORRECTION_NEW_ARTICLE);

  bulletin_test_remove_tree (dir);
}

/* A note on a passage that moves into a new article follows it */
static void
test_notes_follow (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (dir);
  g_autoptr(BulletinAnnotations) annotations = bulletin_annotations_new (dir);
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) after = NULL;
  g_autoptr(BulletinNote) note = NULL;
  g_autoptr(BulletinNote) stays = NULL;
  g_autoptr(GPtrArray) on_new = NULL;
  g_autoptr(GPtrArray) on_first = NULL;
  BulletinArticle *first;
  const char *src, *at;
  guint start, end;

  g_assert_true (bulletin_annotations_load (annotations, NULL));
  before = parse (bulletin, strlen (bulletin), store);
  first = article_at (before, 0);
  src = bulletin_article_get_source (first);

  at = strstr (src, "说的是另一件事");
  start = g_utf8_strlen (src, at - src);
  end = start + g_utf8_strlen ("说的是另一件事", -1);
  note = bulletin_note_new_for_range (first, start, end);
  bulletin_note_set_text (note, "moves");
  g_assert_true (bulletin_annotations_add_note (annotations, note, NULL));

  at = strstr (src, "第一段");
  start = g_utf8_strlen (src, at - src);
  stays = bulletin_note_new_for_range (first, start, start + 3);
  bulletin_note_set_text (stays, "stays");
  g_assert_true (bulletin_annotations_add_note (annotations, stays, NULL));

  add (store, before, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);
  after = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (after->articles->len, ==, 3);

  g_assert_cmpuint (bulletin_corrections_rehome_notes (annotations, before->articles, after->articles), ==, 1);
  on_new = bulletin_annotations_dup_notes_for_article (annotations,
                                                       bulletin_article_get_id (article_at (after, 1)));
  g_assert_cmpuint (on_new->len, ==, 1);
  g_assert_cmpstr (bulletin_note_get_text (g_ptr_array_index (on_new, 0)), ==, "moves");
  g_assert_cmpstr (bulletin_note_get_quote (g_ptr_array_index (on_new, 0)), ==, "说的是另一件事");
  g_assert_cmpint (bulletin_annotations_anchor_note (g_ptr_array_index (on_new, 0), article_at (after, 1),
                                                     NULL, NULL), ==, BULLETIN_ANCHOR_EXACT);
  on_first = bulletin_annotations_dup_notes_for_article (annotations,
                                                         bulletin_article_get_id (article_at (after, 0)));
  g_assert_cmpuint (on_first->len, ==, 1);
  g_assert_cmpstr (bulletin_note_get_text (g_ptr_array_index (on_first, 0)), ==, "stays");

  g_clear_object (&annotations);
  bulletin_test_remove_tree (dir);
}

/* Reopen with Encoding: UTF-16LE without a byte-order mark cannot be told
 * from binary; chosen by name, and remembered for the file */
static void
test_reopen_with_encoding (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *archive = g_build_filename (dir, "archive", NULL);
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (data_dir);
  g_autofree char *utf16 = NULL;
  g_autofree char *big5 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *file_key = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(BulletinDecodedText) decoded = NULL;
  const char *trad = "第一篇的標題\n● 記者 張三\n這是正文。\n";
  gsize utf16_len, big5_len, len;

  bulletin_corrections_set_default (store);
  utf16 = g_convert (bulletin, -1, "UTF-16LE", "UTF-8", NULL, &utf16_len, NULL);
  write_file (archive, "wide.txt", utf16, utf16_len);
  path = g_build_filename (archive, "wide.txt", NULL);
  file = g_file_new_for_path (path);

  parsed = bulletin_issue_parse_file (file, BULLETIN_ISSUE_TEXT_FILE, NULL, &error);
  g_assert_null (parsed);
  g_assert_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_BINARY);
  g_clear_error (&error);

  contents = bulletin_test_read_file (path, &len);
  file_key = bulletin_corrections_file_key (contents, len);
  g_assert_true (bulletin_corrections_set_encoding (store, file_key, "wide.txt", "UTF-16LE", &error));
  g_assert_no_error (error);

  /* remembered: a fresh store reads it from the key file */
  {
    g_autoptr(BulletinCorrections) fresh = bulletin_corrections_new (data_dir);
    g_autofree char *chosen = bulletin_corrections_dup_encoding (fresh, file_key);

    g_assert_cmpstr (chosen, ==, "UTF-16LE");
    bulletin_corrections_set_default (fresh);
  }
  parsed = bulletin_issue_parse_file (file, BULLETIN_ISSUE_TEXT_FILE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->encoding, ==, "UTF-16LE");
  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (headline_at (parsed, 0), ==, "第一篇的标题");

  /* Big5 by name; an encoding iconv does not know is an error */
  big5 = g_convert (trad, -1, "BIG5", "UTF-8", NULL, &big5_len, NULL);
  g_assert_nonnull (big5);
  decoded = bulletin_text_decode_as (big5, big5_len, "t.txt", "BIG5", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->text, ==, trad);
  g_assert_null (bulletin_text_decode_as (big5, big5_len, "t.txt", "NO-SUCH-ENCODING", &error));
  g_assert_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING);
  g_clear_error (&error);
  /* not valid in the chosen encoding: an error naming it */
  g_assert_null (bulletin_text_decode_as (big5, big5_len, "t.txt", "UTF-8", &error));
  g_assert_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_ENCODING);

  /* what Reopen with Encoding offers: the Chinese encodings first, by
   * name, each once */
  {
    g_autoptr(GPtrArray) names = bulletin_text_dup_encoding_names ();
    g_autoptr(GHashTable) once = g_hash_table_new (g_str_hash, g_str_equal);
    static const char * const wanted[] = { "UTF-8", "GB18030", "BIG5", "BIG5-HKSCS", "UTF-16LE", "UTF-16BE" };

    for (guint i = 0; i < names->len; i++)
      {
        g_assert_false (g_hash_table_contains (once, g_ptr_array_index (names, i)));
        g_hash_table_add (once, g_ptr_array_index (names, i));
      }
    for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
      g_assert_true (g_hash_table_contains (once, wanted[i]));
    g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "UTF-8");
    g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "GB18030");
  }

  bulletin_corrections_set_default (NULL);
  bulletin_test_remove_tree (dir);
}

/* The shared sample: Join with the Previous Article on its second
 * article; the others keep their ids, a note on the joined article's
 * passage follows it, and GB18030 with CRLF reads the same */
static void
test_sample_join (void)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *windows = NULL;
  g_autofree char *gb = NULL;
  g_autoptr(BulletinCorrections) store = NULL;
  g_autoptr(BulletinAnnotations) annotations = NULL;
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) after = NULL;
  g_autoptr(BulletinParsedIssue) reencoded = NULL;
  g_autoptr(BulletinNote) note = NULL;
  g_autoptr(GPtrArray) moved = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *passage = NULL;
  BulletinArticle *second;
  const char *src, *body;
  gsize len, gb_len, bytes;
  guint start;

  if (path == NULL)
    return;
  dir = make_dir ();
  store = bulletin_corrections_new (dir);
  annotations = bulletin_annotations_new (dir);
  g_assert_true (bulletin_annotations_load (annotations, NULL));
  contents = bulletin_test_read_file (path, &len);
  before = parse (contents, len, store);
  g_assert_cmpuint (before->articles->len, ==, 4);

  second = article_at (before, 1);
  src = bulletin_article_get_source (second);
  bytes = bulletin_article_get_source_bytes (second);
  /* the line to join and the passage noted are read from the sample:
   * its second article's first line, and eight characters of its first
   * paragraph line of twenty characters or more after that */
  joined = g_strndup (src, strcspn (src, "\r\n"));
  g_assert_cmpuint (strlen (joined), >, 0);
  body = src + strlen (joined);
  for (;;)
    {
      gsize line_bytes;

      while (*body == '\r' || *body == '\n')
        body++;
      g_assert_cmpuint ((gsize) (body - src), <, bytes);
      line_bytes = strcspn (body, "\r\n");
      if (g_utf8_strlen (body, line_bytes) >= 20)
        break;
      body += line_bytes;
    }
  start = g_utf8_strlen (src, body - src) + 4;
  passage = g_utf8_substring (src, start, start + 8);
  g_assert_cmpuint (g_utf8_strlen (passage, -1), ==, 8);
  g_assert_null (strpbrk (passage, "\r\n"));
  note = bulletin_note_new_for_range (second, start, start + 8);
  bulletin_note_set_text (note, "sample");
  g_assert_true (bulletin_annotations_add_note (annotations, note, NULL));

  add (store, before, joined, BULLETIN_CORRECTION_JOIN_PREVIOUS);
  after = parse (contents, len, store);
  g_assert_cmpuint (after->articles->len, ==, 3);
  for (guint a = 0; a < 3; a++)
    g_assert_cmpstr (bulletin_article_get_id (article_at (after, a)), ==,
                     bulletin_article_get_id (article_at (before, a == 0 ? 0 : a + 1)));
  g_assert_cmpuint (bulletin_corrections_rehome_notes (annotations, before->articles, after->articles), ==, 1);
  moved = bulletin_annotations_dup_notes_for_article (annotations, bulletin_article_get_id (article_at (after, 0)));
  g_assert_cmpuint (moved->len, ==, 1);
  g_assert_cmpstr (bulletin_note_get_quote (g_ptr_array_index (moved, 0)), ==, passage);

  windows = crlf (contents);
  gb = g_convert (windows, -1, "GB18030", "UTF-8", NULL, &gb_len, NULL);
  reencoded = parse (gb, gb_len, store);
  g_assert_cmpuint (reencoded->articles->len, ==, 3);
  g_assert_cmpuint (reencoded->n_corrections, ==, 1);

  g_clear_object (&annotations);
  bulletin_test_remove_tree (dir);
}

static void
count_total (guint    done,
             guint    total,
             gpointer user_data)
{
  *(guint *) user_data = MAX (*(guint *) user_data, total);
}

/* The search index reads a corrected issue again: its file is the same */
static void
test_search_index_reindexes (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *archive = g_build_filename (dir, "archive", NULL);
  g_autofree char *db = g_build_filename (dir, "index.db", NULL);
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (data_dir);
  g_autoptr(GFile) root = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;

  bulletin_corrections_set_default (store);
  write_file (archive, "2022-04-05.txt", bulletin, strlen (bulletin));
  root = g_file_new_for_path (archive);
  file = g_file_get_child (root, "2022-04-05.txt");
  index = bulletin_search_index_new (root, db);
  g_assert_true (bulletin_search_index_update (index, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BulletinSearchResults) r = NULL;

    r = bulletin_search_index_query (index, "第二篇正文", 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->results->len, ==, 1);
    g_assert_cmpstr (((BulletinSearchResult *) g_ptr_array_index (r->results, 0))->headline, ==, "第一篇的标题");
  }

  parsed = parse_path (archive, "2022-04-05.txt");
  add (store, parsed, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);

  /* the file did not change: nothing to do, until the issue is forgotten */
  g_assert_true (bulletin_search_index_update (index, NULL, count_total, &total, &error));
  g_assert_cmpuint (total, ==, 0);
  g_assert_true (bulletin_search_index_forget_issue (index, file, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_search_index_update (index, NULL, count_total, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  {
    g_autoptr(BulletinSearchResults) r = NULL;

    r = bulletin_search_index_query (index, "第二篇正文", 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->results->len, ==, 1);
    g_assert_cmpstr (((BulletinSearchResult *) g_ptr_array_index (r->results, 0))->headline, ==, "第二篇的标题");
  }

  g_clear_object (&index);
  bulletin_corrections_set_default (NULL);
  bulletin_test_remove_tree (dir);
}

/* The same with a shared index beside the archive (bulletin-reader
 * --index), which holds the file's text: the corrected issue is indexed
 * in the private index from then on, and found once */
static void
test_search_index_reindexes_shared (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *archive = g_build_filename (dir, "archive", NULL);
  g_autofree char *db = g_build_filename (dir, "index.db", NULL);
  g_autofree char *shared_db = NULL;
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (data_dir);
  g_autoptr(GFile) root = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BulletinSearchIndex) shared = NULL;
  g_autoptr(BulletinSearchIndex) index = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;

  bulletin_corrections_set_default (store);
  write_file (archive, "2022-04-05.txt", bulletin, strlen (bulletin));
  root = g_file_new_for_path (archive);
  file = g_file_get_child (root, "2022-04-05.txt");
  shared_db = bulletin_search_index_shared_path (root);
  shared = bulletin_search_index_new (root, shared_db);
  g_assert_true (bulletin_search_index_update (shared, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* everything is in the shared index: nothing to index here */
  index = bulletin_search_index_new (root, db);
  g_assert_true (bulletin_search_index_update (index, NULL, count_total, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 0);
  g_assert_true (bulletin_search_index_uses_shared (index));

  parsed = parse_path (archive, "2022-04-05.txt");
  add (store, parsed, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);
  g_assert_true (bulletin_search_index_forget_issue (index, file, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_search_index_update (index, NULL, count_total, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BulletinSearchResults) r = NULL;

      r = bulletin_search_index_query (index, "第二篇正文", 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->results->len, ==, 1);
      g_assert_cmpstr (((BulletinSearchResult *) g_ptr_array_index (r->results, 0))->headline, ==, "第二篇的标题");
      /* and after the next update, which the shared index would answer */
      total = 0;
      g_assert_true (bulletin_search_index_update (index, NULL, count_total, &total, &error));
      g_assert_no_error (error);
    }

  g_clear_object (&index);
  g_clear_object (&shared);
  bulletin_corrections_set_default (NULL);
  bulletin_test_remove_tree (dir);
}

/* Corrections are in a backup of the user's work, and a restore brings
 * them back, merged with the ones made since; a backup of an older
 * version (bookmarks and notes only) still restores */
static void
test_backup_restore (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *cdir = g_build_filename (dir, "corrections", NULL);
  g_autofree char *ndir = g_build_filename (dir, "notes", NULL);
  g_autofree char *fresh_ndir = g_build_filename (dir, "notes-fresh", NULL);
  g_autofree char *old_ndir = g_build_filename (dir, "notes-old", NULL);
  g_autofree char *backup_path = g_build_filename (dir, "backup.ini", NULL);
  g_autofree char *old_backup_path = g_build_filename (dir, "old-backup.ini", NULL);
  g_autoptr(GFile) backup = g_file_new_for_path (backup_path);
  g_autoptr(GFile) old_backup = g_file_new_for_path (old_backup_path);
  g_autoptr(BulletinCorrections) store = bulletin_corrections_new (cdir);
  g_autoptr(BulletinAnnotations) annotations = bulletin_annotations_new (ndir);
  g_autoptr(BulletinParsedIssue) before = NULL;
  g_autoptr(BulletinParsedIssue) deleted = NULL;
  g_autoptr(BulletinParsedIssue) restored = NULL;
  g_autoptr(BulletinNote) note = NULL;
  g_autoptr(BulletinBookmark) bookmark = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *group = NULL;
  BulletinRestoreCounts counts = { 99, 99, 99 };

  g_assert_true (bulletin_annotations_load (annotations, NULL));
  bulletin_corrections_set_archive (store, "file:///archive");
  before = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (before->articles->len, ==, 2);
  add (store, before, "第二篇的标题", BULLETIN_CORRECTION_NEW_ARTICLE);
  note = bulletin_note_new_for_range (article_at (before, 0), 0, 3);
  bulletin_note_set_text (note, "a note");
  g_assert_true (bulletin_annotations_add_note (annotations, note, NULL));
  bookmark = bulletin_bookmark_new_for_article (article_at (before, 0));
  g_assert_true (bulletin_annotations_add_bookmark (annotations, bookmark, NULL));

  /* the backup: the notes' key file, then the corrections' groups */
  g_assert_true (bulletin_corrections_backup (store, annotations, backup, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (backup_path, &data, NULL, NULL));
  group = g_strconcat ("[Corrections Issue ", before->text_key, "]", NULL);
  g_assert_nonnull (strstr (data, group));
  g_assert_nonnull (strstr (data, "archive=file:///archive"));
  g_assert_nonnull (strstr (data, "line-1=第二篇的标题"));

  /* an older version reads it: its bookmarks and notes; a store of this
   * version leaves the corrections' groups out of annotations.ini */
  {
    g_autoptr(BulletinAnnotations) other = bulletin_annotations_new (old_ndir);
    g_autofree char *written = NULL;

    g_assert_true (bulletin_annotations_load (other, NULL));
    g_assert_true (bulletin_annotations_import_data (other, data, strlen (data), &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (other)), ==, 1);
    g_assert_true (g_file_get_contents (bulletin_annotations_get_path (other), &written, NULL, NULL));
    g_assert_null (strstr (written, "Corrections"));
  }

  /* the corrections are lost: the issue reads as the rules read it */
  bulletin_test_remove_tree (cdir);
  g_clear_object (&store);
  store = bulletin_corrections_new (cdir);
  bulletin_corrections_set_archive (store, "file:///elsewhere");
  deleted = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (deleted->articles->len, ==, 2);
  /* one made since, only here: the restore keeps it */
  add (store, deleted, "● 记者 李四", BULLETIN_CORRECTION_BYLINE);

  {
    g_autoptr(BulletinAnnotations) fresh = bulletin_annotations_new (fresh_ndir);

    g_assert_true (bulletin_annotations_load (fresh, NULL));
    g_assert_true (bulletin_corrections_restore (store, fresh, backup, &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (counts.notes, ==, 1);
    g_assert_cmpuint (counts.bookmarks, ==, 1);
    g_assert_cmpuint (counts.corrections, ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (fresh)), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_bookmarks (fresh)), ==, 1);
  }

  /* the split is back, here and for a store that reads the files */
  restored = parse (bulletin, strlen (bulletin), store);
  g_assert_cmpuint (restored->articles->len, ==, 3);
  g_assert_cmpstr (headline_at (restored, 1), ==, "第二篇的标题");
  g_assert_cmpuint (restored->n_corrections, ==, 2);
  {
    g_autoptr(BulletinCorrections) reread = bulletin_corrections_new (cdir);
    g_autoptr(BulletinParsedIssue) again = parse (bulletin, strlen (bulletin), reread);
    g_autoptr(GPtrArray) all = bulletin_corrections_lookup (reread, again->text_key, NULL);

    g_assert_cmpuint (again->articles->len, ==, 3);
    g_assert_cmpstr (headline_at (again, 1), ==, "第二篇的标题");
    g_assert_cmpuint (all->len, ==, 2);
  }

  /* a backup without corrections (an older version's) restores, and
   * leaves the corrections as they are */
  g_assert_true (bulletin_annotations_backup (annotations, old_backup, &error));
  g_assert_no_error (error);
  {
    g_autoptr(BulletinAnnotations) fresh = bulletin_annotations_new (old_ndir);
    g_autoptr(BulletinCorrections) reread = NULL;
    g_autoptr(BulletinParsedIssue) again = NULL;

    g_assert_true (bulletin_annotations_load (fresh, NULL));
    g_assert_true (bulletin_corrections_restore (store, fresh, old_backup, &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (counts.notes, ==, 1);
    g_assert_cmpuint (counts.bookmarks, ==, 1);
    g_assert_cmpuint (counts.corrections, ==, 0);
    reread = bulletin_corrections_new (cdir);
    again = parse (bulletin, strlen (bulletin), reread);
    g_assert_cmpuint (again->articles->len, ==, 3);
  }

  /* a damaged backup changes nothing */
  {
    g_autoptr(GFile) bad = g_file_new_build_filename (dir, "bad.ini", NULL);
    g_autoptr(BulletinAnnotations) fresh = bulletin_annotations_new (fresh_ndir);

    g_assert_true (g_file_replace_contents (bad, "[Corrections Issue x\nnot a key file", strlen ("[Corrections Issue x\nnot a key file"), NULL, FALSE,
                                            G_FILE_CREATE_NONE, NULL, NULL, NULL));
    g_assert_true (bulletin_annotations_load (fresh, NULL));
    g_assert_false (bulletin_corrections_restore (store, fresh, bad, &counts, &error));
    g_assert_nonnull (error);
  }

  /* a backup whose corrections cannot be read is refused, and its
   * notes are not merged */
  {
    g_autoptr(GFile) bad = g_file_new_build_filename (dir, "bad-corrections.ini", NULL);
    g_autofree char *ndir2 = g_build_filename (dir, "notes-bad", NULL);
    g_autoptr(BulletinAnnotations) fresh = bulletin_annotations_new (ndir2);
    g_autofree char *text = g_strconcat (data, "\n[Corrections Issue abc]\nx[=1\n", NULL);

    g_clear_error (&error);
    g_assert_true (g_file_replace_contents (bad, text, strlen (text), NULL, FALSE,
                                            G_FILE_CREATE_NONE, NULL, NULL, NULL));
    g_assert_true (bulletin_annotations_load (fresh, NULL));
    g_assert_false (bulletin_corrections_restore (store, fresh, bad, &counts, &error));
    g_assert_nonnull (error);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (fresh)), ==, 0);
  }

  g_clear_object (&annotations);
  bulletin_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/corrections/round-trip", test_round_trip);
  g_test_add_func ("/bulletin/corrections/survives-reencoding-and-moving", test_survives_reencoding_and_moving);
  g_test_add_func ("/bulletin/corrections/untouched-ids", test_untouched_ids);
  g_test_add_func ("/bulletin/corrections/line-roles", test_line_roles);
  g_test_add_func ("/bulletin/corrections/missing-line-listed", test_missing_line_listed);
  g_test_add_func ("/bulletin/corrections/same-name-other-archive", test_same_name_other_archive);
  g_test_add_func ("/bulletin/corrections/notes-follow", test_notes_follow);
  g_test_add_func ("/bulletin/corrections/reopen-with-encoding", test_reopen_with_encoding);
  g_test_add_func ("/bulletin/corrections/search-index-reindexes", test_search_index_reindexes);
  g_test_add_func ("/bulletin/corrections/search-index-reindexes-shared", test_search_index_reindexes_shared);
  g_test_add_func ("/bulletin/corrections/sample-join", test_sample_join);
  g_test_add_func ("/bulletin/corrections/backup-restore", test_backup_restore);
  return g_test_run ();
}
