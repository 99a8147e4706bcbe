/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-display-text.h"
#include "bulletin-test-utils.h"
#include "bulletin-text-import.h"
#include "bulletin-text-segmenter.h"

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

static BulletinParsedIssue *
parse_data (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  BulletinParsedIssue *parsed;
  gsize len;

  contents = bulletin_test_read_file (path, &len);
  parsed = bulletin_text_parse (contents, len, name, &error);
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

/* The kinds of an article's blocks, as "headline byline paragraph ...". */
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

static guint
count_kind (BulletinArticle   *article,
            BulletinBlockKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    n += bulletin_article_get_block (article, i)->kind == kind;
  return n;
}

static int
find_block (BulletinArticle   *article,
            BulletinBlockKind  kind,
            guint              nth)
{
  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    if (bulletin_article_get_block (article, i)->kind == kind && nth-- == 0)
      return i;
  return -1;
}

static char *
block_text (BulletinArticle   *article,
            BulletinBlockKind  kind,
            guint              nth)
{
  int i = find_block (article, kind, nth);

  g_assert_cmpint (i, >=, 0);
  return bulletin_article_dup_block_text (article, i);
}

/* Every block lies inside the source, its ranges in order, and the text
 * between blocks is only white space and page-break debris. */
static void
assert_blocks_sane (BulletinArticle *article)
{
  guint len = bulletin_article_get_source_length (article);
  guint prev_end = 0;

  for (guint i = 0; i < bulletin_article_get_n_blocks (article); i++)
    {
      const BulletinBlock *block = bulletin_article_get_block (article, i);

      g_assert_cmpuint (block->n_ranges, >=, 1);
      for (guint r = 0; r < block->n_ranges; r++)
        {
          g_assert_cmpuint (block->ranges[r].start, <, block->ranges[r].end);
          g_assert_cmpuint (block->ranges[r].end, <=, len);
          g_assert_cmpuint (block->ranges[r].start, >=, prev_end);
          prev_end = block->ranges[r].end;
        }
    }
}

/* Line @number (from 1) of @contents, without the blanks around it: the
 * sample's texts are read from it, never written here */
static char *
sample_line (const char *contents,
             guint       number)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  g_assert_cmpuint (number, >=, 1);
  g_assert_cmpuint (number, <=, g_strv_length (lines));
  return g_strstrip (g_strdup (lines[number - 1]));
}

/* The last @n characters of @line */
static char *
dup_tail (const char *line,
          guint       n)
{
  glong len = g_utf8_strlen (line, -1);

  g_assert_cmpint (len, >=, n);
  return g_utf8_substring (line, len - n, len);
}

static void
test_sample (void)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *contents = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  BulletinArticle *a;
  gsize len;

  if (path == NULL)
    return;

  contents = bulletin_test_read_file (path, &len);
  parsed = bulletin_text_parse (contents, len, "000_1b466bc7855b1717.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    assert_blocks_sane (article_at (parsed, i));

  a = article_at (parsed, 0);
  {
    /* the headline is the sample's first line of text */
    g_autofree char *line = sample_line (contents, 3);
    g_assert_cmpstr (bulletin_article_get_headline (a), ==, line);
  }
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "新华社");
  g_assert_cmpuint (count_kind (a, BULLETIN_BLOCK_HEADING), ==, 6);
  g_assert_cmpuint (count_kind (a, BULLETIN_BLOCK_SOURCE), ==, 1);
  g_assert_cmpstr (bulletin_article_get_language (a), ==, "zh-Hans");
  {
    g_autofree char *h = block_text (a, BULLETIN_BLOCK_HEADING, 0);
    g_autofree char *h2 = block_text (a, BULLETIN_BLOCK_HEADING, 1);
    g_autofree char *src = block_text (a, BULLETIN_BLOCK_SOURCE, 0);
    g_autofree char *line = sample_line (contents, 9);

    g_assert_cmpstr (h, ==, "“一起冲!”");
    g_assert_cmpstr (h2, ==, line);
    g_assert_cmpstr (src, ==, "(来源:新华社)");
  }

  a = article_at (parsed, 1);
  {
    g_autofree char *line = sample_line (contents, 43);
    g_assert_cmpstr (bulletin_article_get_headline (a), ==, line);
  }
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "记者 柴斌");
  g_assert_cmpuint (count_kind (a, BULLETIN_BLOCK_HEADING), ==, 0);

  a = article_at (parsed, 2);
  {
    g_autofree char *line = sample_line (contents, 63);
    g_autofree char *line2 = sample_line (contents, 65);
    g_assert_cmpstr (bulletin_article_get_headline (a), ==, line);
    g_assert_cmpstr (bulletin_article_get_subtitle (a), ==, line2);
  }
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "记者 吴会雄 王卫民");
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "本报讯");
  {
    g_autofree char *kinds = kinds_of (a);
    g_assert_true (g_str_has_prefix (kinds, "headline subtitle byline dateline paragraph"));
  }

  a = article_at (parsed, 3);
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "图片新闻");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "刘晓晶");
  {
    g_autofree char *kinds = kinds_of (a);
    g_autofree char *credit = block_text (a, BULLETIN_BLOCK_SOURCE, 0);
    g_autofree char *caption = block_text (a, BULLETIN_BLOCK_FIGURE, 0);

    g_assert_cmpstr (kinds, ==, "section-label figure source");
    g_assert_cmpstr (credit, ==, "刘晓晶 摄");
    g_assert_true (g_str_has_suffix (caption, "尽情赏樱。"));
  }
}

/* The four page breaks of the sample: each paragraph is one block with
 * two ranges, its text joined without the debris. */
static void
test_sample_page_breaks (void)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *contents = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  /* each: the article, the lines (from 1) before and after the break,
   * and how many characters of each make the joined text looked for */
  static const struct { guint article, line, next, n_before, n_after; } cases[] = {
    { 0, 15, 17, 8, 6 },
    { 0, 27, 29, 1, 3 },
    { 2, 73, 76, 2, 2 },
    { 2, 78, 80, 4, 5 },
  };
  gsize len;

  if (path == NULL)
    return;

  contents = bulletin_test_read_file (path, &len);
  parsed = bulletin_text_parse (contents, len, "sample.txt", NULL);
  g_assert_nonnull (parsed);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      BulletinArticle *a = article_at (parsed, cases[c].article);
      g_autofree char *before = sample_line (contents, cases[c].line);
      g_autofree char *after = sample_line (contents, cases[c].next);
      g_autofree char *tail = dup_tail (before, cases[c].n_before);
      g_autofree char *head = g_utf8_substring (after, 0, cases[c].n_after);
      g_autofree char *joined = g_strconcat (tail, head, NULL);
      gboolean found = FALSE;

      for (guint i = 0; i < bulletin_article_get_n_blocks (a); i++)
        {
          g_autofree char *text = bulletin_article_dup_block_text (a, i);

          if (strstr (text, joined) != NULL)
            {
              g_assert_cmpuint (bulletin_article_get_block (a, i)->kind, ==, BULLETIN_BLOCK_PARAGRAPH);
              g_assert_cmpuint (bulletin_article_get_block (a, i)->n_ranges, ==, 2);
              g_assert_null (strchr (text, '\n'));
              found = TRUE;
            }
        }
      g_assert_true (found);
    }
}

static void
test_markers (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("text-markers.txt");
  BulletinArticle *a;

  g_assert_cmpstr (parsed->title, ==, "河畔社区通讯");
  g_assert_cmpstr (parsed->date, ==, "2023-05-08");
  g_assert_cmpstr (parsed->number, ==, "42");
  g_assert_cmpuint (parsed->articles->len, ==, 3);

  a = article_at (parsed, 0);
  assert_blocks_sane (a);
  g_assert_cmpstr (bulletin_article_get_kicker (a), ==, "社区服务再升级");
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "老旧小区加装电梯跑出加速度");
  g_assert_cmpstr (bulletin_article_get_subtitle (a), ==, "三个月完成十二部电梯安装");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "见习记者 张小满 通讯员 李大可");
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "本报讯");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "河畔发布");
  g_assert_cmpstr (bulletin_article_get_date (a), ==, "2023-05-08");
  g_assert_cmpuint (count_kind (a, BULLETIN_BLOCK_HEADING), ==, 1);
  {
    /* joined across a folio and a repeated page header */
    int i = find_block (a, BULLETIN_BLOCK_PARAGRAPH, 2);
    g_autofree char *text = bulletin_article_dup_block_text (a, i);

    g_assert_cmpuint (bulletin_article_get_block (a, i)->n_ranges, ==, 2);
    g_assert_nonnull (strstr (text, "专门的维保团队,确保"));
  }

  a = article_at (parsed, 1);
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "新华社北京5月7日电");
  g_assert_cmpstr (bulletin_article_get_located (a), ==, "北京");
  g_assert_nonnull (bulletin_article_get_headline (a));
  g_assert_cmpuint (count_kind (a, BULLETIN_BLOCK_SOURCE), ==, 1);

  a = article_at (parsed, 2);
  {
    g_autofree char *kinds = kinds_of (a);
    g_assert_cmpstr (kinds, ==, "section-label headline figure source figure source");
  }
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "春日里的口袋公园");
  g_assert_nonnull (strstr (bulletin_article_get_credit (a), "王五"));
  g_assert_nonnull (strstr (bulletin_article_get_credit (a), "陈思"));
}

static void
test_compact (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("text-compact.txt");
  BulletinArticle *a;

  g_assert_cmpuint (parsed->articles->len, ==, 3);
  g_assert_null (parsed->title);

  a = article_at (parsed, 0);
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "夜市重开迎客来");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "记者 赵一鸣");
  g_assert_cmpuint (count_kind (a, BULLETIN_BLOCK_PARAGRAPH), ==, 2);

  a = article_at (parsed, 1);
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "学生暑期托管班开班");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "文/孙晓 图/钱多多");

  a = article_at (parsed, 2);
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "图片新闻");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "刘洋");
}

static void
test_traditional (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("text-traditional.txt");
  BulletinArticle *a;

  g_assert_cmpstr (parsed->language, ==, "zh-Hant");
  g_assert_cmpstr (parsed->title, ==, "港灣社區週報");
  g_assert_cmpstr (parsed->date, ==, "2022-11-03");
  g_assert_cmpuint (parsed->articles->len, ==, 2);

  a = article_at (parsed, 0);
  g_assert_cmpstr (bulletin_article_get_language (a), ==, "zh-Hant");
  g_assert_cmpstr (bulletin_article_get_byline (a), ==, "記者 陳家明");
  g_assert_cmpstr (bulletin_article_get_dateline (a), ==, "本報訊");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "港灣社區中心");

  a = article_at (parsed, 1);
  g_assert_cmpstr (bulletin_article_get_headline (a), ==, "圖片新聞");
  g_assert_cmpstr (bulletin_article_get_credit (a), ==, "黃小文");
}

/* Two issues of one bulletin: the article that both carry has the same id
 * in each, whatever its position. */
static void
test_issues (void)
{
  g_autoptr(BulletinParsedIssue) one = parse_data ("issue-2023-06-05.txt");
  g_autoptr(BulletinParsedIssue) two = parse_data ("issue-2023-06-12.txt");

  g_assert_cmpstr (one->date, ==, "2023-06-05");
  g_assert_cmpstr (two->date, ==, "2023-06-12");
  g_assert_cmpstr (one->number, ==, "18");
  g_assert_cmpstr (two->number, ==, "19");
  g_assert_cmpuint (one->articles->len, ==, 2);
  g_assert_cmpuint (two->articles->len, ==, 2);

  g_assert_cmpstr (bulletin_article_get_headline (article_at (one, 0)), ==, "乡村阅读点开门迎客");
  g_assert_cmpstr (bulletin_article_get_headline (article_at (two, 1)), ==, "乡村阅读点开门迎客");
  g_assert_cmpstr (bulletin_article_get_id (article_at (one, 0)), ==,
                   bulletin_article_get_id (article_at (two, 1)));
  g_assert_cmpstr (bulletin_article_get_headline (article_at (one, 1)), ==, "简讯");
  g_assert_cmpuint (count_kind (article_at (one, 1), BULLETIN_BLOCK_PARAGRAPH), ==, 2);
  g_assert_cmpstr (bulletin_article_get_credit (article_at (two, 0)), ==, "绿野融媒");
}

/* Paragraphs apart by blank lines: a line break alone wraps a line. */
static void
test_wrapped_lines (void)
{
  static const char *text =
    "社区图书角开放\n\n● 记者 张三\n\n"
    "周末上午,社区图书角\n"
    "正式向居民开放,首批上架图书两千余册,居民凭借阅卡即可免费借阅。\n\n"
    "图书角每天开放八小时。\n";
  g_autoptr(BulletinParsedIssue) parsed = bulletin_text_parse (text, strlen (text), "wrap.txt", NULL);
  BulletinArticle *a;
  g_autofree char *kinds = NULL;
  g_autofree char *para = NULL;

  g_assert_cmpuint (parsed->articles->len, ==, 1);
  a = article_at (parsed, 0);
  kinds = kinds_of (a);
  g_assert_cmpstr (kinds, ==, "headline byline paragraph paragraph");
  para = block_text (a, BULLETIN_BLOCK_PARAGRAPH, 0);
  g_assert_true (g_str_has_prefix (para, "周末上午,社区图书角"));
  g_assert_true (g_str_has_suffix (para, "免费借阅。"));
}

/* Character offsets in a long article of mixed widths land where
 * g_utf8_offset_to_pointer () says (the importer counts characters eight
 * bytes at a time). */
static void
test_offsets (void)
{
  static const char *pieces[] = { "a", "疫", "“", "é", "\xF0\xA0\x80\x80", "12", " " };
  g_autoptr(GString) text = g_string_new ("标题\n\n");
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  BulletinArticle *a;
  const char *src;
  GRand *rand = g_rand_new_with_seed (3);

  for (guint i = 0; i < 20000; i++)
    g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  g_string_append (text, "。\n");
  g_rand_free (rand);

  parsed = bulletin_text_parse (text->str, text->len, "offsets.txt", NULL);
  g_assert_nonnull (parsed);
  a = article_at (parsed, 0);
  src = bulletin_article_get_source (a);
  g_assert_cmpuint (bulletin_article_get_source_length (a), ==, g_utf8_strlen (src, -1));
  for (guint o = 0; o <= bulletin_article_get_source_length (a); o += 7)
    g_assert_true (bulletin_article_offset_to_pointer (a, o) == g_utf8_offset_to_pointer (src, o));
}

/* Ids of the articles of @parsed, in order, joined by spaces. */
static char *
ids_of (BulletinParsedIssue *parsed)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < parsed->articles->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, bulletin_article_get_id (article_at (parsed, i)));
    }
  return g_string_free (s, FALSE);
}

static char *
reencode (const char *utf8,
          const char *charset,
          const char *bom,
          gsize       bom_len,
          gsize      *len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *converted = NULL;
  gsize n = 0;
  char *out;

  converted = g_convert (utf8, -1, charset, "UTF-8", NULL, &n, &error);
  g_assert_no_error (error);
  out = g_malloc (bom_len + n + 1);
  memcpy (out, bom, bom_len);
  memcpy (out + bom_len, converted, n);
  out[bom_len + n] = 0;
  *len = bom_len + n;
  return out;
}

static char *
replace_newlines (const char *text,
                  const char *with)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strjoinv (with, lines);
}

static void
check_encodings_of (const char *name,
                    const char *utf8,
                    gboolean    traditional)
{
  g_autoptr(BulletinParsedIssue) ref = bulletin_text_parse (utf8, strlen (utf8), name, NULL);
  g_autofree char *ref_ids = NULL;
  struct { const char *charset; const char *bom; gsize bom_len; } variants[] = {
    { "GB18030", "", 0 },
    { "UTF-16LE", "\xFF\xFE", 2 },
    { "UTF-16BE", "\xFE\xFF", 2 },
    { "UTF-8", "\xEF\xBB\xBF", 3 },
    { traditional ? "BIG5" : "GB18030", "", 0 },
  };

  g_assert_nonnull (ref);
  ref_ids = ids_of (ref);

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BulletinParsedIssue) parsed = NULL;
      g_autofree char *bytes = NULL;
      g_autofree char *ids = NULL;
      gsize len;

      bytes = reencode (utf8, variants[v].charset, variants[v].bom, variants[v].bom_len, &len);
      parsed = bulletin_text_parse (bytes, len, "moved/elsewhere/renamed.txt", &error);
      g_assert_no_error (error);
      ids = ids_of (parsed);
      g_assert_cmpstr (ids, ==, ref_ids);
      g_assert_cmpstr (parsed->title, ==, ref->title);
    }

  /* CRLF and CR line ends */
  for (guint v = 0; v < 2; v++)
    {
      g_autofree char *text = replace_newlines (utf8, v == 0 ? "\r\n" : "\r");
      g_autoptr(BulletinParsedIssue) parsed = bulletin_text_parse (text, strlen (text), name, NULL);
      g_autofree char *ids = NULL;

      g_assert_nonnull (parsed);
      ids = ids_of (parsed);
      g_assert_cmpstr (ids, ==, ref_ids);
    }
}

static void
test_encodings (void)
{
  static const struct { const char *name; gboolean traditional; } files[] = {
    { "text-markers.txt", FALSE },
    { "text-compact.txt", FALSE },
    { "text-traditional.txt", TRUE },
    { "issue-2023-06-05.txt", FALSE },
  };
  g_autofree char *sample = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = data_path (files[i].name);
      g_autofree char *contents = bulletin_test_read_file (path, NULL);

      check_encodings_of (files[i].name, contents, files[i].traditional);
    }

  if (sample != NULL)
    {
      g_autofree char *contents = bulletin_test_read_file (sample, NULL);
      check_encodings_of ("sample.txt", contents, FALSE);
    }
}

/* Ids hang on an article's own text: reordering the articles, editing
 * one, or moving the file leaves the others' ids alone. */
static void
test_identity (void)
{
  static const char *a = "夜市重开迎客来\n● 记者 赵一鸣\n本报讯 傍晚六点,夜市的灯光亮起。\n";
  static const char *b = "学生暑期托管班开班\n文/孙晓\n暑假第一天,托管班迎来首批学生。\n";
  static const char *b_edited = "学生暑期托管班开班\n文/孙晓\n暑假第二天,托管班迎来第二批学生。\n";
  static const char *c = "图片新闻\n志愿者在绿道清理垃圾。 刘洋 摄\n";
  g_autofree char *abc = g_strconcat (a, b, c, NULL);
  g_autofree char *cab = g_strconcat (c, "\n\n", a, b, NULL);
  g_autofree char *ab2c = g_strconcat (a, b_edited, c, NULL);
  g_autoptr(BulletinParsedIssue) p1 = bulletin_text_parse (abc, strlen (abc), "one.txt", NULL);
  g_autoptr(BulletinParsedIssue) p2 = bulletin_text_parse (cab, strlen (cab), "dir/two.txt", NULL);
  g_autoptr(BulletinParsedIssue) p3 = bulletin_text_parse (ab2c, strlen (ab2c), "one.txt", NULL);

  g_assert_cmpuint (p1->articles->len, ==, 3);
  g_assert_cmpuint (p2->articles->len, ==, 3);
  g_assert_cmpuint (p3->articles->len, ==, 3);

  /* reordered: c a b */
  g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 0)), ==, bulletin_article_get_id (article_at (p2, 1)));
  g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 1)), ==, bulletin_article_get_id (article_at (p2, 2)));
  g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 2)), ==, bulletin_article_get_id (article_at (p2, 0)));

  /* b edited: a and c keep theirs, b gets another */
  g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 0)), ==, bulletin_article_get_id (article_at (p3, 0)));
  g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 2)), ==, bulletin_article_get_id (article_at (p3, 2)));
  g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 1)), !=, bulletin_article_get_id (article_at (p3, 1)));

  /* the id is the content's: the article computed alone gives the same */
  {
    g_autoptr(BulletinParsedIssue) alone = bulletin_text_parse (a, strlen (a), "x.txt", NULL);
    g_assert_cmpstr (bulletin_article_get_id (article_at (p1, 0)), ==,
                     bulletin_article_get_id (article_at (alone, 0)));
  }
}

/* The reference: the whole text normalised at once. */
static char *
reference_normalize (const char *text,
                     guint       max_chars)
{
  g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (nfkc, -1);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c))
        continue;
      g_string_append_unichar (out, c);
      if (max_chars > 0 && ++n >= max_chars)
        break;
    }
  return g_string_free (out, FALSE);
}

/* bulletin_normalize_for_identity () takes a fast path through ASCII and
 * Han; it must give what normalising the whole text gives. */
static void
test_identity_normalization (void)
{
  static const gunichar pool[] = {
    'a', 'Z', '7', ' ', ',', '\n', 0x0301, 0x0308, 0x00E9, 0x00C5, 0xFF21, 0xFF0C, 0xFF11,
    0x4E00, 0x75AB, 0x3000, 0x201C, 0x304B, 0x3099, 0x309A, 0x30AB, 0x1100, 0x1161,
    0x11A8, 0xAC00, 0x2460, 0xFB01, 0x212B, 0xF900, 0x2F00, 0x0130, 0x00DF, 0x1E9E,
  };
  GRand *rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      guint len = g_rand_int_range (rand, 0, 40);

      for (guint i = 0; i < len; i++)
        g_string_append_unichar (s, pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (pool))]);

      for (guint m = 0; m < 2; m++)
        {
          guint max = m == 0 ? 0 : g_rand_int_range (rand, 1, 12);
          g_autofree char *expected = reference_normalize (s->str, max);
          g_autofree char *got = bulletin_normalize_for_identity (s->str, max);

          g_assert_cmpstr (got, ==, expected);
        }
    }
  g_rand_free (rand);
}

static void
test_duplicates (void)
{
  static const char *text = "图片新闻\n志愿者在绿道清理垃圾。 刘洋 摄\n\n图片新闻\n志愿者在绿道清理垃圾。 刘洋 摄\n";
  g_autoptr(BulletinParsedIssue) parsed = bulletin_text_parse (text, strlen (text), "dup.txt", NULL);

  g_assert_cmpuint (parsed->articles->len, ==, 2);
  g_assert_cmpstr (bulletin_article_get_id (article_at (parsed, 0)), !=,
                   bulletin_article_get_id (article_at (parsed, 1)));
}

static void
assert_error (const char *data,
              gsize       len,
              int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = bulletin_text_parse (data, len, "bad-file.txt", &error);

  g_assert_null (parsed);
  g_assert_error (error, BULLETIN_TEXT_ERROR, code);
  g_assert_nonnull (strstr (error->message, "bad-file.txt"));
}

static void
test_bad_input (void)
{
  static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  static const char utf16_empty[] = "\xFF\xFE";
  guchar noise[4096];
  GRand *rand = g_rand_new_with_seed (42);

  assert_error ("", 0, BULLETIN_TEXT_ERROR_EMPTY);
  assert_error ("\xEF\xBB\xBF", 3, BULLETIN_TEXT_ERROR_EMPTY);
  assert_error (utf16_empty, 2, BULLETIN_TEXT_ERROR_EMPTY);
  assert_error (" \n\t\n\r\n\u3000\n", strlen (" \n\t\n\r\n\u3000\n"), BULLETIN_TEXT_ERROR_EMPTY);
  assert_error (png, sizeof png - 1, BULLETIN_TEXT_ERROR_BINARY);
  assert_error ("%PDF-1.7\n\xE2\xE3\xCF\xD3\n", 14, BULLETIN_TEXT_ERROR_BINARY);

  /* random bytes: binary or an unknown encoding, never garbage */
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int_range (rand, 1, 256);
  assert_error ((const char *)noise, sizeof noise, BULLETIN_TEXT_ERROR_BINARY);
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int_range (rand, 0x80, 256);
  assert_error ((const char *)noise, sizeof noise, BULLETIN_TEXT_ERROR_ENCODING);
  g_rand_free (rand);

  /* Latin-1 is not one of the encodings a Chinese bulletin comes in */
  {
    static const char latin1[] = "Caf\xE9 cr\xE8me br\xFBl\xE9\x65 \xE0 la fran\xE7\x61ise, d\xE9j\xE0 vu\n";
    assert_error (latin1, sizeof latin1 - 1, BULLETIN_TEXT_ERROR_ENCODING);
  }
}

/* A UTF-8 file with one damaged byte stays UTF-8, with a warning. */
static void
test_damaged_utf8 (void)
{
  g_autofree char *path = data_path ("text-markers.txt");
  g_autofree char *contents = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(BulletinParsedIssue) ref = NULL;
  g_autoptr(GError) error = NULL;
  char *p;
  gsize len;

  contents = bulletin_test_read_file (path, &len);
  ref = bulletin_text_parse (contents, len, "damaged.txt", NULL);
  p = strstr (contents, "全国多地");
  g_assert_nonnull (p);
  p[1] = '\xFF';    /* inside 全 */
  parsed = bulletin_text_parse (contents, len, "damaged.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->articles->len, ==, ref->articles->len);
  g_assert_cmpuint (parsed->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (parsed->warnings, 0), "damaged.txt"));
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 0)), ==,
                   bulletin_article_get_headline (article_at (ref, 0)));
}

/* The articles share the decoded file: each keeps it alive, and sees
 * only its own part, the same as bulletin_text_segment ()'s copies. */
static void
test_shared_source (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_data ("issue-2023-06-05.txt");
  g_autofree char *path = data_path ("issue-2023-06-05.txt");
  g_autofree char *contents = NULL;
  g_autoptr(BulletinParsedIssue) copied = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  copied = bulletin_text_segment (contents, len, "issue-2023-06-05.txt");
  g_assert_cmpuint (parsed->articles->len, ==, copied->articles->len);
  g_assert_cmpuint (parsed->articles->len, >, 1);
  for (guint i = 0; i < parsed->articles->len; i++)
    g_ptr_array_add (kept, g_object_ref (g_ptr_array_index (parsed->articles, i)));
  g_clear_pointer (&parsed, bulletin_parsed_issue_free);

  for (guint i = 0; i < kept->len; i++)
    {
      BulletinArticle *a = g_ptr_array_index (kept, i);
      BulletinArticle *b = g_ptr_array_index (copied->articles, i);
      const char *source = bulletin_article_get_source (a);

      g_assert_cmpstr (source, ==, bulletin_article_get_source (b));
      g_assert_cmpuint (strlen (source), ==, bulletin_article_get_source_bytes (a));
      g_assert_cmpstr (bulletin_article_get_id (a), ==, bulletin_article_get_id (b));
    }
}

/* Signals of a new article without a byline (issue 16): an end mark (a
 * photo credit) after a body, then a short line and a paragraph; a line of
 * spaced phrases after a finished paragraph.  A one-phrase subhead stays a
 * subhead. */
static void
test_headline_signals (void)
{
  static const char text[] =
    "第一篇的标题\n\n● 记者 张三\n\n第一篇的正文写到这里结束了。\n\n"
    "一个小标题\n\n第一篇的第二段也写完了。\n\n王小明 摄\n\n"
    "第二篇没有署名\n\n第二篇的正文在这里。\n\n"
    "书香满城 “悦”读同行 走进“新馆”看看\n\n第三篇的正文在这里。\n\n"
    "第一部分 总体要求\n\n第三篇的第二段也在这里。\n";
  g_autoptr(BulletinParsedIssue) parsed = bulletin_text_segment (text, strlen (text), "x.txt");
  g_autofree char *k0 = NULL;

  g_assert_cmpuint (parsed->articles->len, ==, 3);
  k0 = kinds_of (article_at (parsed, 0));
  g_assert_cmpstr (k0, ==, "headline byline paragraph heading paragraph source");
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 1)), ==, "第二篇没有署名");
  g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 2)), ==,
                   "书香满城 “悦”读同行 走进“新馆”看看");
  /* a numbered subhead of spaced phrases stays a subhead */
  {
    g_autofree char *k2 = kinds_of (article_at (parsed, 2));
    g_assert_cmpstr (k2, ==, "headline paragraph heading paragraph");
  }
}

/* Page headers (第2版 社会, a section's name under 第3版, a date line with
 * the page and section) are the articles' page and section, never their
 * text nor their headlines, and leave the ids as they were without them. */

static BulletinParsedIssue *
parse_paged (const char *h2,
             const char *h3,
             const char *h4)
{
  g_autofree char *text = g_strdup_printf (BULLETIN_TEST_PAGED_ISSUE, "2024年3月5日", h2, h3, h4, "");

  return bulletin_text_segment (text, strlen (text), "paged.txt");
}

static void
test_pages (void)
{
  g_autoptr(BulletinParsedIssue) parsed = parse_paged ("第2版 社会", "第3版\n要闻", "城南日报 2024年3月5日 第4版 文化");
  g_autoptr(BulletinParsedIssue) bare = parse_paged ("- 2 -", "- 3 -", "- 4 -");
  static const struct { const char *headline, *page, *section; } want[] = {
    { "春耕备耕正当时", "1", NULL },
    { "夜市重开迎客来", "2", "社会" },
    { "学生托管班开班", "3", "要闻" },
    { "社区书画展开幕", "4", "文化" },
  };

  g_assert_cmpstr (parsed->title, ==, "城南日报");
  g_assert_cmpstr (parsed->number, ==, "123");
  g_assert_cmpuint (parsed->articles->len, ==, G_N_ELEMENTS (want));
  g_assert_cmpuint (bare->articles->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      BulletinArticle *a = article_at (parsed, i);
      g_autofree char *body = bulletin_article_dup_body_text (a);

      assert_blocks_sane (a);
      g_assert_cmpstr (bulletin_article_get_headline (a), ==, want[i].headline);
      g_assert_cmpstr (bulletin_article_get_page (a), ==, want[i].page);
      g_assert_cmpstr (bulletin_article_get_section (a), ==, want[i].section);
      for (guint b = 0; b < bulletin_article_get_n_blocks (a); b++)
        {
          g_autofree char *block = bulletin_article_dup_block_text (a, b);

          g_assert_null (strstr (block, "版"));
          g_assert_null (strstr (block, "要闻"));
          g_assert_null (strstr (block, "社会"));
        }
      /* the same ids as without the page headers */
      g_assert_cmpstr (bulletin_article_get_id (a), ==, bulletin_article_get_id (article_at (bare, i)));
      g_assert_null (bulletin_article_get_section (article_at (bare, i)));
    }
  /* the first article goes on across the page header */
  {
    BulletinArticle *a = article_at (parsed, 0);
    int i = find_block (a, BULLETIN_BLOCK_PARAGRAPH, 0);
    g_autofree char *text = bulletin_article_dup_block_text (a, i);

    g_assert_cmpuint (bulletin_article_get_block (a, i)->n_ranges, ==, 2);
    g_assert_nonnull (strstr (text, "指导农户科学施肥"));
  }
}

/* The forms of a page number line */
static void
test_page_forms (void)
{
  static const struct { const char *line, *page, *section; } cases[] = {
    { "第2版", "2", NULL },
    { "第 12 版：要闻", "12", "要闻" },
    { "要闻 | 第3版", "3", "要闻" },
    { "第5版·国际新闻", "5", "国际新闻" },
    { "第6页", "6", NULL },
    { "2024-03-05 第7版 评论", "7", "评论" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *text = g_strdup_printf ("城南日报\n2024年3月5日 第123期\n\n"
                                               "第一篇的标题\n\n● 记者 张三\n\n第一篇的正文写到这里结束了。\n\n"
                                               "%s\n\n"
                                               "第二篇的标题\n\n● 记者 李四\n\n第二篇的正文写到这里结束了。\n",
                                               cases[c].line);
      g_autoptr(BulletinParsedIssue) parsed = bulletin_text_segment (text, strlen (text), "x.txt");

      g_test_message ("%s", cases[c].line);
      g_assert_cmpuint (parsed->articles->len, ==, 2);
      g_assert_null (bulletin_article_get_page (article_at (parsed, 0)));
      g_assert_cmpstr (bulletin_article_get_headline (article_at (parsed, 1)), ==, "第二篇的标题");
      g_assert_cmpstr (bulletin_article_get_page (article_at (parsed, 1)), ==, cases[c].page);
      g_assert_cmpstr (bulletin_article_get_section (article_at (parsed, 1)), ==, cases[c].section);
    }
}

/* The listing's title (bulletin_text_segment_title ()) is the one the
 * whole parse gives, on the whole file and on its first bytes, and NULL
 * where the parse finds no title or no article. */
static void
test_segment_title (void)
{
  static const char *files[] = {
    "text-markers.txt", "text-compact.txt", "text-traditional.txt",
  };
  static const char *texts[] = {
    "河畔社区通讯\n2023年5月8日 第42期\n\n老旧小区加装电梯\n\n本报讯 三个月完成十二部电梯安装。\n",
    /* a masthead and nothing else: no article, so no title */
    "河畔社区通讯\n2023年5月8日 第42期\n",
    "夜市重开迎客来\n\n记者 赵一鸣\n\n夜市今晚重开。\n",
    "",
    "\n\n",
  };
  guint n_titled = 0;

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = data_path (files[f]);
      g_autofree char *contents = NULL;
      gsize len;

      contents = bulletin_test_read_file (path, &len);
      for (gsize cut = 0; cut < 2; cut++)
        {
          gsize n = cut == 0 ? len : MIN (len, 600);
          g_autoptr(BulletinParsedIssue) parsed = NULL;
          g_autofree char *title = NULL;

          /* a cut at a character boundary */
          while (n > 0 && n < len && (contents[n] & 0xc0) == 0x80)
            n--;
          parsed = bulletin_text_segment (contents, n, files[f]);
          title = bulletin_text_segment_title (contents, n, files[f]);
          g_assert_cmpstr (title, ==, parsed->articles->len > 0 ? parsed->title : NULL);
          n_titled += title != NULL;
        }
    }
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      g_autoptr(BulletinParsedIssue) parsed = bulletin_text_segment (texts[t], strlen (texts[t]), "x.txt");
      g_autofree char *title = bulletin_text_segment_title (texts[t], strlen (texts[t]), "x.txt");

      g_assert_cmpstr (title, ==, parsed->articles->len > 0 ? parsed->title : NULL);
    }
  {
    g_autofree char *title = bulletin_text_segment_title (texts[0], strlen (texts[0]), "x.txt");
    g_autofree char *none = bulletin_text_segment_title (texts[1], strlen (texts[1]), "x.txt");

    g_assert_cmpstr (title, ==, "河畔社区通讯");
    g_assert_null (none);
  }
  g_assert_cmpuint (n_titled, >=, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/text-import/sample", test_sample);
  g_test_add_func ("/bulletin/text-import/sample-page-breaks", test_sample_page_breaks);
  g_test_add_func ("/bulletin/text-import/markers", test_markers);
  g_test_add_func ("/bulletin/text-import/compact", test_compact);
  g_test_add_func ("/bulletin/text-import/traditional", test_traditional);
  g_test_add_func ("/bulletin/text-import/issues", test_issues);
  g_test_add_func ("/bulletin/text-import/wrapped-lines", test_wrapped_lines);
  g_test_add_func ("/bulletin/text-import/offsets", test_offsets);
  g_test_add_func ("/bulletin/text-import/encodings", test_encodings);
  g_test_add_func ("/bulletin/text-import/identity", test_identity);
  g_test_add_func ("/bulletin/text-import/identity-normalization", test_identity_normalization);
  g_test_add_func ("/bulletin/text-import/duplicates", test_duplicates);
  g_test_add_func ("/bulletin/text-import/bad-input", test_bad_input);
  g_test_add_func ("/bulletin/text-import/damaged-utf8", test_damaged_utf8);
  g_test_add_func ("/bulletin/text-import/shared-source", test_shared_source);
  g_test_add_func ("/bulletin/text-import/headline-signals", test_headline_signals);
  g_test_add_func ("/bulletin/text-import/pages", test_pages);
  g_test_add_func ("/bulletin/text-import/page-forms", test_page_forms);
  g_test_add_func ("/bulletin/text-import/segment-title", test_segment_title);
  return g_test_run ();
}
