/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * generate-archive: writes a synthetic archive of bulletin issues for the
 * benchmarks (archive scan, search).  Everything comes from one seed, so a
 * run is reproducible.
 *
 * Layouts, by issue index (see layout_for ()): ninjs 3.x composite files,
 * 1.x-style composites (associations as an object), JSON arrays of 2.x
 * items, folders of item files with and without issue.json, and plain-text
 * bulletins.  Dates run from --first-year to --last-year, newest last; most
 * names carry the date in one of the forms the archive reads (2022-03-29,
 * 20220329, 2022年3月29日); --undated of the issues carry none anywhere.
 *
 * Words: a vocabulary of --vocabulary words, the first ones a built-in list
 * of common words of district news, the rest made-up two- and three-character
 * words.  Each word in the text is drawn with probability proportional to
 * 1 / rank^s (Zipf's law, s = --zipf, 1.0 to 1.2 for natural text): with
 * the defaults the commonest word makes about 8% of the running text, and
 * most of the words past rank 10,000 occur a handful of times or never.
 * --stats FILE writes, for every word, its rank, its number of occurrences
 * and the number of articles it occurs in, so that a search benchmark can
 * pick terms of known frequency.  --plant WORD:N puts WORD into exactly N
 * articles (spread evenly), for a term of exactly known rarity.
 */

static const char * const common_words[] = {
  "社区", "居民", "街道", "工作", "活动", "服务", "开展", "组织", "志愿者", "群众",
  "党员", "建设", "发展", "管理", "安全", "环境", "文化", "老人", "儿童", "家庭",
  "健康", "防疫", "垃圾分类", "小区", "物业", "业主", "委员会", "会议", "宣传", "教育",
  "学校", "医院", "卫生", "交通", "道路", "绿化", "公园", "广场", "食堂", "图书馆",
  "体育", "比赛", "演出", "节日", "春节", "中秋", "国庆", "重阳", "元宵", "端午",
  "政府", "部门", "干部", "代表", "领导", "同志", "专家", "医生", "老师", "学生",
  "企业", "商户", "市场", "就业", "培训", "岗位", "经济", "项目", "资金", "补贴",
  "改造", "加装", "电梯", "停车", "消防", "检查", "整治", "维修", "设施", "设备",
  "今年", "去年", "近日", "上午", "下午", "本周", "本月", "以来", "目前", "今后",
  "进一步", "积极", "认真", "主动", "共同", "广泛", "有效", "全面", "重点", "持续",
  "提高", "加强", "推进", "落实", "完善", "参与", "支持", "帮助", "关心", "关爱",
  "举办", "举行", "召开", "参加", "走访", "慰问", "看望", "讲解", "介绍", "表示",
  "问题", "情况", "意见", "建议", "需求", "困难", "措施", "方案", "制度", "标准",
  "一个", "一些", "许多", "大家", "我们", "他们", "这里", "那里", "已经", "正在",
  "河道", "菜场", "快递", "网格", "楼道", "门岗", "路灯", "雨棚", "花坛", "车棚",
};

/* a pool of characters for made-up words */
static const char pool[] =
  "东南西北中华新光明春夏秋冬山水林田湖海江河桥路街巷门楼房屋园林花草树木"
  "金银铜铁石玉云雨风雪日月星辰天地人和安康乐福寿喜庆丰年红黄蓝绿青白黑紫"
  "长短高低大小多少前后左右上下内外远近快慢早晚古今老少男女父母兄弟姐妹朋友"
  "书画琴棋诗词歌舞茶酒米面油盐酱醋鱼肉蛋奶瓜果菜豆桃李杏梅兰竹菊松柏杨柳";

typedef struct {
  guint      issues;
  guint      articles;
  guint      body_chars;
  guint      vocabulary;
  double     zipf;
  guint      first_year;
  guint      last_year;
  double     undated;
  guint32    seed;
  char      *output;
  char      *stats;
  char     **plant;
} Options;

typedef struct {
  Options   *opt;
  GRand     *rand;
  GPtrArray *words;        /* char * */
  double    *cumulative;   /* cumulative probabilities by rank */
  guint64   *occurrences;
  guint     *articles_with;
  guint     *last_article; /* 1-based article serial where last seen */
  guint      article_serial;
  guint      total_articles;
  char     **plant_words;
  guint     *plant_counts;
  guint      n_plants;
} Gen;

typedef enum {
  LAYOUT_COMPOSITE_3,
  LAYOUT_COMPOSITE_1,
  LAYOUT_ARRAY_2,
  LAYOUT_FOLDER_META,
  LAYOUT_FOLDER,
  LAYOUT_TEXT,
} Layout;

/* 35% 3.x composites, 10% 1.x composites, 15% arrays, 15% folders with
 * issue.json, 5% without, 20% text */
static Layout
layout_for (guint i)
{
  static const Layout cycle[20] = {
    LAYOUT_COMPOSITE_3, LAYOUT_TEXT, LAYOUT_ARRAY_2, LAYOUT_COMPOSITE_3, LAYOUT_FOLDER_META,
    LAYOUT_COMPOSITE_3, LAYOUT_COMPOSITE_1, LAYOUT_TEXT, LAYOUT_ARRAY_2, LAYOUT_COMPOSITE_3,
    LAYOUT_FOLDER_META, LAYOUT_COMPOSITE_3, LAYOUT_TEXT, LAYOUT_FOLDER, LAYOUT_COMPOSITE_3,
    LAYOUT_ARRAY_2, LAYOUT_COMPOSITE_1, LAYOUT_FOLDER_META, LAYOUT_TEXT, LAYOUT_COMPOSITE_3,
  };
  return cycle[i % G_N_ELEMENTS (cycle)];
}

static void
build_vocabulary (Gen *gen)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  glong n_pool = g_utf8_strlen (pool, -1);
  double total = 0;

  gen->words = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (common_words) && gen->words->len < gen->opt->vocabulary; i++)
    {
      g_ptr_array_add (gen->words, g_strdup (common_words[i]));
      g_hash_table_add (seen, g_ptr_array_index (gen->words, gen->words->len - 1));
    }
  while (gen->words->len < gen->opt->vocabulary)
    {
      GString *w = g_string_new (NULL);
      guint len = g_rand_int_range (gen->rand, 0, 10) < 7 ? 2 : 3;

      for (guint k = 0; k < len; k++)
        {
          const char *c = g_utf8_offset_to_pointer (pool, g_rand_int_range (gen->rand, 0, n_pool));
          g_string_append_len (w, c, g_utf8_next_char (c) - c);
        }
      if (g_hash_table_contains (seen, w->str))
        {
          g_string_free (w, TRUE);
          continue;
        }
      g_ptr_array_add (gen->words, g_string_free (w, FALSE));
      g_hash_table_add (seen, g_ptr_array_index (gen->words, gen->words->len - 1));
    }

  gen->cumulative = g_new (double, gen->words->len);
  for (guint r = 0; r < gen->words->len; r++)
    {
      total += 1.0 / pow (r + 1, gen->opt->zipf);
      gen->cumulative[r] = total;
    }
  for (guint r = 0; r < gen->words->len; r++)
    gen->cumulative[r] /= total;

  gen->occurrences = g_new0 (guint64, gen->words->len);
  gen->articles_with = g_new0 (guint, gen->words->len);
  gen->last_article = g_new0 (guint, gen->words->len);
}

static guint
draw_rank (Gen *gen)
{
  double u = g_rand_double (gen->rand);
  guint lo = 0, hi = gen->words->len - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (gen->cumulative[mid] < u)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
append_word (Gen     *gen,
             GString *out)
{
  guint r = draw_rank (gen);

  g_string_append (out, g_ptr_array_index (gen->words, r));
  gen->occurrences[r]++;
  if (gen->last_article[r] != gen->article_serial)
    {
      gen->last_article[r] = gen->article_serial;
      gen->articles_with[r]++;
    }
}

static void
append_sentence (Gen     *gen,
                 GString *out,
                 guint    n_words)
{
  for (guint w = 0; w < n_words; w++)
    {
      append_word (gen, out);
      if (w + 1 < n_words && g_rand_int_range (gen->rand, 0, 6) == 0)
        g_string_append (out, g_rand_int_range (gen->rand, 0, 4) == 0 ? "、" : "，");
    }
  g_string_append (out, g_rand_int_range (gen->rand, 0, 12) == 0 ? "！" : "。");
}

typedef struct {
  char      *headline;
  char      *byline;
  GPtrArray *paragraphs;
} Article;

static void
article_free (Article *a)
{
  g_free (a->headline);
  g_free (a->byline);
  g_ptr_array_unref (a->paragraphs);
  g_free (a);
}

static Article *
make_article (Gen *gen)
{
  Article *a = g_new0 (Article, 1);
  g_autoptr(GString) headline = g_string_new (NULL);
  guint chars = 0;

  gen->article_serial++;
  for (guint w = 0, n = g_rand_int_range (gen->rand, 3, 7); w < n; w++)
    append_word (gen, headline);
  a->headline = g_string_free (g_steal_pointer (&headline), FALSE);
  a->byline = g_strdup_printf ("通讯员 %s", (char *)g_ptr_array_index (gen->words,
                                            g_rand_int_range (gen->rand, 100,
                                                              MIN (gen->words->len, 400))));
  a->paragraphs = g_ptr_array_new_with_free_func (g_free);

  while (chars < gen->opt->body_chars)
    {
      GString *p = g_string_new (NULL);

      for (guint s = 0, n = g_rand_int_range (gen->rand, 2, 5); s < n; s++)
        append_sentence (gen, p, g_rand_int_range (gen->rand, 5, 14));
      chars += g_utf8_strlen (p->str, p->len);
      g_ptr_array_add (a->paragraphs, g_string_free (p, FALSE));
    }

  /* planted terms: article k of the archive gets WORD when k falls on its
   * stride, so exactly N articles carry it */
  for (guint i = 0; i < gen->n_plants; i++)
    {
      guint n = gen->plant_counts[i];

      if (n > 0 && n <= gen->total_articles &&
          (gen->article_serial - 1) % (gen->total_articles / n) == 0 &&
          (gen->article_serial - 1) / (gen->total_articles / n) < n)
        {
          char *p = g_ptr_array_index (a->paragraphs, 0);
          g_ptr_array_index (a->paragraphs, 0) = g_strconcat (p, gen->plant_words[i], "。", NULL);
          g_free (p);
        }
    }
  return a;
}

static void
json_string (GString    *out,
             const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar)*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
body_text (GString *out,
           Article *a)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < a->paragraphs->len; i++)
    {
      if (i > 0)
        g_string_append (body, "\n\n");
      g_string_append (body, g_ptr_array_index (a->paragraphs, i));
    }
  json_string (out, body->str);
  g_string_free (body, TRUE);
}

static void
body_html (GString *out,
           Article *a)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < a->paragraphs->len; i++)
    g_string_append_printf (body, "<p>%s</p>", (char *)g_ptr_array_index (a->paragraphs, i));
  json_string (out, body->str);
  g_string_free (body, TRUE);
}

/* an item in the 3.x spelling (2.x for arrays: lowercase keys) */
static void
item_3 (GString    *out,
        Article    *a,
        const char *uri,
        const char *date,
        gboolean    v2)
{
  g_string_append (out, "{\"uri\":");
  json_string (out, uri);
  g_string_append (out, ",\"type\":\"text\",\"language\":\"zh-CN\"");
  if (date != NULL)
    g_string_append_printf (out, ",\"%s\":\"%sT08:00:00+08:00\"",
                            v2 ? "versioncreated" : "versionCreated", date);
  g_string_append (out, ",\"headlines\":[{\"role\":\"main\",\"value\":");
  json_string (out, a->headline);
  g_string_append (out, "}],\"by\":");
  json_string (out, a->byline);
  if (v2)
    {
      g_string_append (out, ",\"body_html\":");
      body_html (out, a);
    }
  else
    {
      g_string_append (out, ",\"bodies\":[{\"role\":\"main\",\"contentType\":\"text/plain\",\"value\":");
      body_text (out, a);
      g_string_append (out, "}]");
    }
  g_string_append_c (out, '}');
}

static void
item_1 (GString    *out,
        Article    *a,
        const char *uri,
        const char *date)
{
  g_string_append (out, "{\"uri\":");
  json_string (out, uri);
  g_string_append (out, ",\"type\":\"text\",\"headline\":");
  json_string (out, a->headline);
  g_string_append (out, ",\"byline\":");
  json_string (out, a->byline);
  if (date != NULL)
    g_string_append_printf (out, ",\"versioncreated\":\"%sT08:00:00+08:00\"", date);
  g_string_append (out, ",\"body_text\":");
  body_text (out, a);
  g_string_append_c (out, '}');
}

static void
write_or_die (const char *path,
              GString    *contents)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, contents->str, contents->len, &error))
    {
      g_printerr ("generate-archive: %s\n", error->message);
      exit (1);
    }
}

static char *
issue_name (guint         index,
            GDate        *date,
            gboolean      dated,
            const char   *ext)
{
  char ymd[16];

  if (!dated)
    return g_strdup_printf ("bulletin-%05u%s", index, ext);

  switch (index % 3)
    {
    case 0:
      g_date_strftime (ymd, sizeof ymd, "%Y-%m-%d", date);
      return g_strdup_printf ("%s%s", ymd, ext);
    case 1:
      g_date_strftime (ymd, sizeof ymd, "%Y%m%d", date);
      return g_strdup_printf ("bulletin_%s_%05u%s", ymd, index, ext);
    default:
      return g_strdup_printf ("%u年%u月%u日-%05u%s", g_date_get_year (date),
                              g_date_get_month (date), g_date_get_day (date), index, ext);
    }
}

static void
generate_issue (Gen   *gen,
                guint  index,
                GDate *date)
{
  Options *opt = gen->opt;
  Layout layout = layout_for (index);
  gboolean dated = g_rand_double (gen->rand) >= opt->undated;
  g_autoptr(GPtrArray) articles = g_ptr_array_new_with_free_func ((GDestroyNotify)article_free);
  g_autoptr(GString) out = g_string_new (NULL);
  char ymd[16];
  const char *date_str;
  g_autofree char *title = NULL;

  g_date_strftime (ymd, sizeof ymd, "%Y-%m-%d", date);
  date_str = dated ? ymd : NULL;
  title = g_strdup_printf ("社区通讯 第%u期", index + 1);

  for (guint i = 0; i < opt->articles; i++)
    g_ptr_array_add (articles, make_article (gen));

  switch (layout)
    {
    case LAYOUT_COMPOSITE_3:
    case LAYOUT_COMPOSITE_1:
      {
        g_autofree char *name = issue_name (index, date, dated, ".json");
        g_autofree char *path = g_build_filename (opt->output, name, NULL);
        gboolean v1 = layout == LAYOUT_COMPOSITE_1;

        g_string_append_printf (out, "{\"uri\":\"urn:bulletin-bench:issue:%u\",\"type\":\"composite\",",
                                index);
        if (v1)
          {
            g_string_append (out, "\"headline\":");
            json_string (out, title);
          }
        else
          {
            g_string_append (out, "\"headlines\":[{\"role\":\"main\",\"value\":");
            json_string (out, title);
            g_string_append (out, "}]");
          }
        if (date_str != NULL)
          g_string_append_printf (out, ",\"%s\":\"%sT06:00:00+08:00\"",
                                  v1 ? "versioncreated" : "versionCreated", date_str);
        g_string_append (out, v1 ? ",\"associations\":{" : ",\"associations\":[");
        for (guint i = 0; i < articles->len; i++)
          {
            g_autofree char *uri = g_strdup_printf ("urn:bulletin-bench:article:%u-%u", index, i);

            if (i > 0)
              g_string_append_c (out, ',');
            if (v1)
              {
                g_string_append_printf (out, "\"article%u\":", i + 1);
                item_1 (out, g_ptr_array_index (articles, i), uri, date_str);
              }
            else
              item_3 (out, g_ptr_array_index (articles, i), uri, date_str, FALSE);
          }
        g_string_append (out, v1 ? "}}" : "]}");
        write_or_die (path, out);
      }
      break;

    case LAYOUT_ARRAY_2:
      {
        g_autofree char *name = issue_name (index, date, dated, ".json");
        g_autofree char *path = g_build_filename (opt->output, name, NULL);

        g_string_append_c (out, '[');
        for (guint i = 0; i < articles->len; i++)
          {
            g_autofree char *uri = g_strdup_printf ("urn:bulletin-bench:article:%u-%u", index, i);

            if (i > 0)
              g_string_append_c (out, ',');
            item_3 (out, g_ptr_array_index (articles, i), uri, date_str, TRUE);
          }
        g_string_append_c (out, ']');
        write_or_die (path, out);
      }
      break;

    case LAYOUT_FOLDER_META:
    case LAYOUT_FOLDER:
      {
        g_autofree char *name = issue_name (index, date, dated, "");
        g_autofree char *dir = g_build_filename (opt->output, name, NULL);

        if (g_mkdir_with_parents (dir, 0755) != 0)
          {
            g_printerr ("generate-archive: %s: %s\n", dir, g_strerror (errno));
            exit (1);
          }
        if (layout == LAYOUT_FOLDER_META)
          {
            g_autofree char *meta = g_build_filename (dir, "issue.json", NULL);

            g_string_append_printf (out, "{\"uri\":\"urn:bulletin-bench:issue:%u\","
                                    "\"type\":\"composite\",\"headlines\":[{\"value\":", index);
            json_string (out, title);
            g_string_append (out, "}]");
            if (date_str != NULL)
              g_string_append_printf (out, ",\"versionCreated\":\"%sT06:00:00+08:00\"", date_str);
            g_string_append_c (out, '}');
            write_or_die (meta, out);
          }
        for (guint i = 0; i < articles->len; i++)
          {
            g_autofree char *uri = g_strdup_printf ("urn:bulletin-bench:article:%u-%u", index, i);
            g_autofree char *file = g_strdup_printf ("%02u.json", i + 1);
            g_autofree char *path = g_build_filename (dir, file, NULL);

            g_string_truncate (out, 0);
            item_3 (out, g_ptr_array_index (articles, i), uri, date_str, FALSE);
            write_or_die (path, out);
          }
      }
      break;

    case LAYOUT_TEXT:
      {
        g_autofree char *name = issue_name (index, date, dated, ".txt");
        g_autofree char *path = g_build_filename (opt->output, name, NULL);

        g_string_append (out, title);
        if (dated)
          g_string_append_printf (out, "  %u年%u月%u日", g_date_get_year (date),
                                  g_date_get_month (date), g_date_get_day (date));
        g_string_append (out, "\n\n");
        for (guint i = 0; i < articles->len; i++)
          {
            Article *a = g_ptr_array_index (articles, i);

            g_string_append_printf (out, "\n%s\n%s\n\n", a->headline, a->byline);
            for (guint p = 0; p < a->paragraphs->len; p++)
              g_string_append_printf (out, "    %s\n", (char *)g_ptr_array_index (a->paragraphs, p));
          }
        write_or_die (path, out);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
write_stats (Gen         *gen,
             const char  *path,
             GError     **error)
{
  g_autoptr(GString) out = g_string_new ("# rank\tword\toccurrences\tarticles\n");

  for (guint r = 0; r < gen->words->len; r++)
    g_string_append_printf (out, "%u\t%s\t%" G_GUINT64_FORMAT "\t%u\n", r + 1,
                            (char *)g_ptr_array_index (gen->words, r), gen->occurrences[r],
                            gen->articles_with[r]);
  return g_file_set_contents (path, out->str, out->len, error);
}

int
main (int   argc,
      char *argv[])
{
  Options opt = {
    .issues = 5000, .articles = 12, .body_chars = 600, .vocabulary = 20000, .zipf = 1.07,
    .first_year = 2005, .last_year = 2024, .undated = 0.02, .seed = 1,
  };
  int issues = opt.issues, articles = opt.articles, body = opt.body_chars;
  int vocabulary = opt.vocabulary, first_year = opt.first_year, last_year = opt.last_year;
  int seed = opt.seed;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt.output, "Folder to create (must not exist)", "DIR" },
    { "issues", 'n', 0, G_OPTION_ARG_INT, &issues, "Number of issues (5000)", "N" },
    { "articles", 'm', 0, G_OPTION_ARG_INT, &articles, "Articles per issue (12)", "M" },
    { "body-chars", 0, 0, G_OPTION_ARG_INT, &body, "Characters per article body, about (600)", "N" },
    { "vocabulary", 0, 0, G_OPTION_ARG_INT, &vocabulary, "Distinct words (20000)", "N" },
    { "zipf", 0, 0, G_OPTION_ARG_DOUBLE, &opt.zipf, "Zipf exponent s: P(rank r) ~ 1/r^s (1.07)", "S" },
    { "first-year", 0, 0, G_OPTION_ARG_INT, &first_year, "First year (2005)", "YEAR" },
    { "last-year", 0, 0, G_OPTION_ARG_INT, &last_year, "Last year (2024)", "YEAR" },
    { "undated", 0, 0, G_OPTION_ARG_DOUBLE, &opt.undated, "Fraction of undated issues (0.02)", "F" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed (1)", "N" },
    { "stats", 0, 0, G_OPTION_ARG_FILENAME, &opt.stats, "Write word frequencies (TSV) here", "FILE" },
    { "plant", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.plant, "Put WORD into exactly N articles", "WORD:N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- write a synthetic bulletin archive");
  g_autoptr(GError) error = NULL;
  Gen gen = { &opt, };
  GDate start, end;
  guint span;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("generate-archive: %s\n", error->message);
      return 2;
    }
  if (opt.output == NULL || issues <= 0 || articles <= 0 || body <= 0 || vocabulary < 10 ||
      first_year > last_year || first_year < 1900 || last_year > 2199 || opt.zipf <= 0)
    {
      g_printerr ("generate-archive: --output DIR is required, and the counts must be positive\n");
      return 2;
    }
  opt.issues = issues;
  opt.articles = articles;
  opt.body_chars = body;
  opt.vocabulary = vocabulary;
  opt.first_year = first_year;
  opt.last_year = last_year;
  opt.seed = seed;

  if (g_file_test (opt.output, G_FILE_TEST_EXISTS))
    {
      g_printerr ("generate-archive: %s exists already\n", opt.output);
      return 2;
    }
  if (g_mkdir_with_parents (opt.output, 0755) != 0)
    {
      g_printerr ("generate-archive: %s: %s\n", opt.output, g_strerror (errno));
      return 1;
    }

  gen.rand = g_rand_new_with_seed (opt.seed);
  gen.total_articles = opt.issues * opt.articles;
  build_vocabulary (&gen);

  if (opt.plant != NULL)
    {
      gen.n_plants = g_strv_length (opt.plant);
      gen.plant_words = g_new0 (char *, gen.n_plants + 1);
      gen.plant_counts = g_new0 (guint, gen.n_plants);
      for (guint i = 0; i < gen.n_plants; i++)
        {
          const char *colon = strrchr (opt.plant[i], ':');

          if (colon == NULL || colon == opt.plant[i] || !g_utf8_validate (opt.plant[i], -1, NULL))
            {
              g_printerr ("generate-archive: --plant wants WORD:N in UTF-8, not %s\n", opt.plant[i]);
              return 2;
            }
          gen.plant_words[i] = g_strndup (opt.plant[i], colon - opt.plant[i]);
          gen.plant_counts[i] = (guint)g_ascii_strtoull (colon + 1, NULL, 10);
        }
    }

  g_date_set_dmy (&start, 1, 1, opt.first_year);
  g_date_set_dmy (&end, 31, 12, opt.last_year);
  span = g_date_days_between (&start, &end);

  for (guint i = 0; i < opt.issues; i++)
    {
      GDate date = start;

      g_date_add_days (&date, (guint)((guint64)span * i / opt.issues));
      generate_issue (&gen, i, &date);
    }

  if (opt.stats != NULL && !write_stats (&gen, opt.stats, &error))
    {
      g_printerr ("generate-archive: %s\n", error->message);
      return 1;
    }

  g_print ("generate-archive: %u issues x %u articles, %u words, in %s\n", opt.issues,
           opt.articles, gen.words->len, opt.output);

  g_strfreev (gen.plant_words);
  g_free (gen.plant_counts);
  g_free (gen.cumulative);
  g_free (gen.occurrences);
  g_free (gen.articles_with);
  g_free (gen.last_article);
  g_ptr_array_unref (gen.words);
  g_rand_free (gen.rand);
  g_free (opt.output);
  g_free (opt.stats);
  g_strfreev (opt.plant);
  return 0;
}
