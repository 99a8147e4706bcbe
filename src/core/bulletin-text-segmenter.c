/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-article-private.h"
#include "bulletin-date.h"
#include "bulletin-text-han.h"
#include "bulletin-text-segmenter.h"
#include "bulletin-unicode.h"
#include "bulletin-utf8-private.h"

/*
 * The text is read line by line.  Each non-blank line gets a kind from its
 * own shape (a byline, a source line, a short heading-like line, a body
 * paragraph ...), lines cut by a page break are joined, and then the
 * sequence of kinds decides where articles start.  See
 * docs/plain-text-format.md for the rules in words.
 */

#define HEAD_MAX   30   /* characters: longer lines are body text */
#define META_MAX   40   /* bylines, source lines, credits, labels */
#define RUN_MAX     3   /* kicker, headline, subtitle */
#define MAX_MASTHEAD_ITEMS 4

typedef enum {
  L_BODY,
  L_HEADING,     /* short, not ending a sentence: a headline or a subhead */
  L_BYLINE,
  L_CREDIT,      /* a photo credit on its own line */
  L_SOURCE,      /* (来源:新华社) */
  L_END,         /* (完), (责任编辑:...): a source-like line that ends an article */
  L_SECTION,     /* 简讯 */
  L_PHOTO_SECTION, /* 图片新闻 */
  L_FOLIO,       /* page number, repeated page header: debris */
  L_SEPARATOR,   /* ----- between articles: debris that ends an article */
} LineKind;

typedef enum {
  LABEL_NONE,
  LABEL_KICKER,
  LABEL_HEADLINE,
  LABEL_SUBTITLE,
} HeadLabel;

typedef struct {
  gsize    start, end;     /* bytes of the trimmed line in the text */
  guint    cstart, cend;   /* the same in characters */
  guint8   kind;
  guint8   label;          /* HeadLabel */
  guint8   ends_sentence : 1;
  guint8   has_dateline : 1;
  guint8   blank_before : 1;   /* a blank line (or the start) just above */
  guint8   fix;                /* BulletinCorrectionKind: the reader's */
  guint    skip_b, skip_c;         /* a marker or label before the text proper */
  guint    lead_b, lead_c;         /* a dateline at the start (after skip) */
  guint    lead_gap_b, lead_gap_c; /* spaces after the dateline */
  guint    credit_b, credit_c;     /* a photo credit at the end */
  guint    credit_gap_b, credit_gap_c;
} Line;

typedef struct {
  guint  first, last;   /* lines */
  guint8 role;          /* BulletinBlockKind */
  guint8 after_separator : 1;
  guint  article;
} Item;

typedef struct {
  GRegex *credit;
  GRegex *dateline;
  GRegex *masthead;
  GRegex *masthead_strip;
  GRegex *number;
  GRegex *edition;
} Regexes;

static const Regexes *
get_regexes (void)
{
  static gsize once;
  static Regexes r;

  if (g_once_init_enter (&once))
    {
      /* "王小明 摄", "(记者 张三 摄)", "张三/摄": after a space, a
       * sentence end or a bracket. */
      r.credit = g_regex_new ("(?<=[\\s。！？!?”）)])\\s*"
                              "([(（]?\\s*(?:(?:本[报報]|特约|特約)?(?:摄影记者|攝影記者|记者|記者|通讯员|通訊員|摄影|攝影)\\s*)?"
                              "(\\p{Han}[\\p{Han}·]{1,4}(?:[\\s、，,]+\\p{Han}[\\p{Han}·]{1,4}){0,3}"
                              "|[A-Za-z][A-Za-z. ]{0,24}?)"
                              "\\s*[/／]?\\s*[摄攝][影]?\\s*[)）]?)$",
                              G_REGEX_OPTIMIZE, 0, NULL);
      r.dateline = g_regex_new ("^(本[报報][讯訊]|本[报報](?!记者|記者|通讯员|通訊員)\\p{Han}{0,6}?"
                                "(?:\\d{1,2}月\\d{1,2}日)?[讯訊电電]"
                                "|(?:新华社|新華社|中新社|中新网|中新網|人民网|人民網|新华网|新華網|央视网|央視網|央广网|中央社)"
                                "\\p{Han}{0,6}?(?:\\d{1,2}月\\d{1,2}日)?[电電])"
                                "(?:\\s*[(（]([^()（）]{1,40})[)）])?",
                                G_REGEX_OPTIMIZE, 0, NULL);
      r.masthead = g_regex_new ("(?:19|20|21)\\d\\d\\s*年\\s*\\d{1,2}\\s*月\\s*\\d{1,2}\\s*日"
                                "|(?:19|20|21)\\d\\d[-./]\\d{1,2}[-./]\\d{1,2}"
                                "|第\\s*[\\d一二三四五六七八九十百零〇]+\\s*期",
                                G_REGEX_OPTIMIZE, 0, NULL);
      r.masthead_strip = g_regex_new ("(?:19|20|21)\\d\\d\\s*年\\s*\\d{1,2}\\s*月\\s*\\d{1,2}\\s*日"
                                      "|(?:19|20|21)\\d\\d[-./]\\d{1,2}[-./]\\d{1,2}"
                                      "|总?第\\s*[\\d一二三四五六七八九十百零〇]+\\s*[期号版]"
                                      "|(?:星期|周)[一二三四五六日天]|农历\\S*"
                                      "|[|｜/·•\\-—_\\x{3000}]+",
                                      G_REGEX_OPTIMIZE, 0, NULL);
      r.number = g_regex_new ("(?<!总)第\\s*(\\d+)\\s*期", G_REGEX_OPTIMIZE, 0, NULL);
      r.edition = g_regex_new ("第\\s*(\\d+)\\s*版", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&once, 1);
    }
  return &r;
}

/* Characters in [a, b). */
static inline guint
count_chars (const char *a,
             const char *b)
{
  return count_utf8_chars (a, b - a);
}

/* Byte length of the white-space character at @p, or 0. */
static inline gsize
space_len (const char *p,
           const char *end)
{
  guchar b = *p;

  if (b == ' ' || b == '\t' || b == '\f' || b == '\v' || b == '\r')
    return 1;
  if (b == 0xC2 && end - p >= 2 && (guchar)p[1] == 0xA0)
    return 2;
  if (b == 0xE3 && end - p >= 3 && (guchar)p[1] == 0x80 && (guchar)p[2] == 0x80)
    return 3;                                       /* U+3000 */
  if (b == 0xEF && end - p >= 3 && (guchar)p[1] == 0xBB && (guchar)p[2] == 0xBF)
    return 3;                                       /* U+FEFF */
  if (b == 0xE2 && end - p >= 3 && (guchar)p[1] == 0x80 &&
      ((guchar)p[2] <= 0x8B || (guchar)p[2] == 0xAF))
    return 3;                                       /* U+2000-200B, 202F */
  return 0;
}

/* Byte length of the white-space character that ends at @e, or 0. */
static inline gsize
space_len_before (const char *s,
                  const char *e)
{
  guchar b = e[-1];

  if (b == ' ' || b == '\t' || b == '\f' || b == '\v' || b == '\r')
    return 1;
  if (e - s >= 2 && space_len (e - 2, e) == 2)
    return 2;
  if (e - s >= 3 && space_len (e - 3, e) == 3)
    return 3;
  return 0;
}

static inline const char *
skip_spaces (const char *p,
             const char *end)
{
  gsize n;

  while (p < end && (n = space_len (p, end)) > 0)
    p += n;
  return p;
}

static inline const char *
trim_end (const char *s,
          const char *e)
{
  gsize n;

  while (e > s && (n = space_len_before (s, e)) > 0)
    e -= n;
  return e;
}

static inline gboolean
has_prefix (const char *p,
            const char *end,
            const char *prefix,
            gsize      *len)
{
  gsize n;

  /* most calls fail on the first byte: no strlen () of the word for them
   * (a line is tried against some hundred words) */
  if (prefix[0] != 0 && (p >= end || *p != prefix[0]))
    return FALSE;
  n = strlen (prefix);
  if ((gsize)(end - p) < n)
    return FALSE;
  /* most calls fail within a character: no memcmp () call for them */
  for (gsize i = 1; i < n && i < 3; i++)
    if (p[i] != prefix[i])
      return FALSE;
  if (n > 3 && memcmp (p + 3, prefix + 3, n - 3) != 0)
    return FALSE;
  if (len != NULL)
    *len = n;
  return TRUE;
}

static gboolean
is_terminal (gunichar c)
{
  switch (c)
    {
    case 0x3002: /* 。 */ case 0xFF01: /* ！ */ case 0xFF1F: /* ？ */
    case '!': case '?': case '.': case ';': case 0xFF1B: /* ； */
    case ':': case 0xFF1A: /* ： */
    case 0x2026: /* … */ case 0x201D: /* ” */ case 0x2019: /* ’ */
    case 0x300D: /* 」 */ case 0x300F: /* 』 */ case 0xFF09: /* ） */
    case ')': case 0x3011: /* 】 */ case 0x300B: /* 》 */ case 0x2014: /* — */
    case '"': case 0xFF0E:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Lines ending so are the middle of a sentence or a lead-in, never a
 * heading. */
static gboolean
ends_clause (gunichar c)
{
  switch (c)
    {
    case 0x3002: case ',': case 0xFF0C: case 0x3001: case ';': case 0xFF1B:
    case ':': case 0xFF1A: case '.': case 0xFF0E:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_marker (gunichar c)
{
  switch (c)
    {
    case 0x25CF: /* ● */ case 0x25CB: /* ○ */ case 0x25A0: /* ■ */
    case 0x25A1: /* □ */ case 0x25C6: /* ◆ */ case 0x25C7: /* ◇ */
    case 0x25B2: /* ▲ */ case 0x25B3: /* △ */ case 0x2605: /* ★ */
    case 0x2606: /* ☆ */ case 0x2022: /* • */ case 0x25AA: /* ▪ */
    case 0x25BA: /* ► */ case 0x25B6: /* ▶ */ case 0x25CE: /* ◎ */
    case 0x2666: /* ♦ */
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_separator_char (gunichar c)
{
  return c == '-' || c == '=' || c == '*' || c == '_' || c == '~' || c == '#' ||
         c == 0x2014 || c == 0x2500 || c == 0xFF0A || c == 0xFF1D || c == 0xFF0D ||
         c == 0x203B || c == 0x2605 || c == 0x2606 || c == 0x00B7 || c == 0x2022;
}

static gboolean
is_name_char (gunichar c)
{
  return bulletin_unichar_is_unified_ideograph_bmp (c) || c == 0x00B7 || c == 0x2022;
}

static gboolean is_marker (gunichar c);

static gboolean
is_token_separator (gunichar c)
{
  return is_marker (c) || c == ' ' || c == '\t' || c == 0x3000 || c == 0x00A0 || c == 0x3001 ||
         c == ',' || c == 0xFF0C || c == ';' || c == 0xFF1B;
}

/* Roles of a byline, longest first where one is a prefix of another. */
static const char * const roles[] = {
  "本报记者", "本报通讯员", "特约记者", "见习记者", "实习记者", "首席记者",
  "摄影记者", "融媒记者", "记者", "通讯员", "实习生", "撰稿人", "撰稿", "撰文",
  "作者", "摄影", "图文", "文图", "文字", "文", "图", "摄",
  /* traditional */
  "本報記者", "本報通訊員", "特約記者", "見習記者", "實習記者", "首席記者",
  "攝影記者", "記者", "通訊員", "實習生", "撰稿人", "攝影", "圖文", "文圖",
  "圖", "攝",
};

/* Roles that need a '/' or ':' after them to count. */
static gboolean
role_needs_mark (const char *role)
{
  return strlen (role) <= 3 || g_str_equal (role, "作者") || g_str_equal (role, "文字") ||
         g_str_equal (role, "图文") || g_str_equal (role, "文图") ||
         g_str_equal (role, "圖文") || g_str_equal (role, "文圖");
}

static gboolean
role_is_photo (const char *role)
{
  static const char * const photo[] = {
    "图", "摄", "摄影", "摄影记者", "圖", "攝", "攝影", "攝影記者",
  };

  for (guint i = 0; i < G_N_ELEMENTS (photo); i++)
    if (g_str_equal (role, photo[i]))
      return TRUE;
  return FALSE;
}

/* A name: one to five Han characters (with ·), or a Latin word. */
static gboolean
is_name (const char *p,
         const char *end)
{
  guint n = 0;
  gboolean latin = g_ascii_isalpha (*p);

  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);

      if (latin ? !(g_ascii_isalpha (c) || c == '.' || c == '-') : !is_name_char (c))
        return FALSE;
      n++;
      p = g_utf8_next_char (p);
    }
  return latin ? n <= 24 : (n >= 1 && n <= 5);
}

/* "● 记者 吴会雄 王卫民", "□见习记者 张三", "文/张三 图/李四". */
static gboolean
parse_byline (const char *s,
              const char *e,
              gsize      *skip,
              gboolean   *photo_only)
{
  const char *p = s;
  gboolean marker = FALSE, has_role = FALSE, has_name = FALSE, first = TRUE;
  gboolean only_photo = TRUE;
  guint n_tokens = 0;

  if (is_marker (g_utf8_get_char (p)))
    {
      marker = TRUE;
      p = skip_spaces (g_utf8_next_char (p), e);
    }
  *skip = p - s;

  while (p < e)
    {
      const char *t, *te, *rest;
      const char *role = NULL;

      while (p < e && is_token_separator (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p >= e)
        break;
      t = p;
      while (p < e && !is_token_separator (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      te = p;
      if (++n_tokens > 10)
        return FALSE;

      for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
        {
          gsize n;

          if (has_prefix (t, te, roles[r], &n))
            {
              const char *after = t + n;
              gboolean mark = after < te && (*after == '/' || *after == ':' ||
                                             has_prefix (after, te, "／", NULL) ||
                                             has_prefix (after, te, "：", NULL));

              if (role_needs_mark (roles[r]) && !mark &&
                  !(after == te && strlen (roles[r]) > 3))
                continue;
              role = roles[r];
              rest = after;
              if (mark)
                rest = g_utf8_next_char (rest);
              break;
            }
        }

      if (role != NULL)
        {
          has_role = TRUE;
          if (!role_is_photo (role))
            only_photo = FALSE;
          if (rest < te)
            {
              /* "记者林晓" glued: only with a marker or a '/' */
              if (!is_name (rest, te) || (!marker && rest == t + strlen (role)))
                return FALSE;
              has_name = TRUE;
            }
        }
      else if (is_name (t, te))
        {
          if (first && !marker)
            return FALSE;
          has_name = TRUE;
        }
      else
        return FALSE;
      first = FALSE;
    }

  *photo_only = only_photo;
  return has_role && has_name;
}

static const char * const photo_labels[] = {
  "图片新闻", "新闻图片", "图片报道", "图片故事", "图说新闻", "图说", "摄影报道",
  "新闻摄影", "图闻", "看图", "图片速递", "一图读懂",
  "圖片新聞", "新聞圖片", "圖片報道", "圖片報導", "圖片故事", "圖說", "攝影報道",
};

static const char * const text_labels[] = {
  "简讯", "快讯", "短讯", "简讯速递", "新闻简讯", "新闻速递", "信息速递",
  "要闻速览", "工作动态", "动态", "资讯",
  "簡訊", "快訊", "短訊", "新聞簡訊", "新聞速遞", "動態", "資訊",
};

/* "图片新闻", "【简讯】", "■ 图片新闻 ■" */
static LineKind
section_kind (const char *s,
              const char *e)
{
  static gsize once;
  static gsize longest;   /* bytes of the longest label */
  char buf[64];
  gsize n = 0;

  if (g_once_init_enter (&once))
    {
      gsize m = 0;

      for (guint i = 0; i < G_N_ELEMENTS (photo_labels); i++)
        m = MAX (m, strlen (photo_labels[i]));
      for (guint i = 0; i < G_N_ELEMENTS (text_labels); i++)
        m = MAX (m, strlen (text_labels[i]));
      longest = m;
      g_once_init_leave (&once, 1);
    }

  for (const char *p = s; p < e; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize l = g_utf8_next_char (p) - p;

      if (is_marker (c) || is_separator_char (c) || space_len (p, e) > 0 ||
          c == 0x3010 || c == 0x3011 || c == '[' || c == ']' || c == 0x3014 ||
          c == 0x3015 || c == 0x300C || c == 0x300D || c == 0xFF3B || c == 0xFF3D)
        continue;
      /* longer than every label: no need to read on */
      if (n + l >= sizeof buf || n + l > longest)
        return L_BODY;
      memcpy (buf + n, p, l);
      n += l;
    }
  buf[n] = 0;

  for (guint i = 0; i < G_N_ELEMENTS (photo_labels); i++)
    if (g_str_equal (buf, photo_labels[i]))
      return L_PHOTO_SECTION;
  for (guint i = 0; i < G_N_ELEMENTS (text_labels); i++)
    if (g_str_equal (buf, text_labels[i]))
      return L_SECTION;
  return L_BODY;
}

/* Strips brackets around a short line: "(来源:新华社)" -> "来源:新华社". */
static void
strip_brackets (const char **s,
                const char **e)
{
  static const char * const open[] = { "(", "（", "【", "[", "〔", "<", "《" };
  static const char * const close[] = { ")", "）", "】", "]", "〕", ">", "》" };

  for (guint i = 0; i < G_N_ELEMENTS (open); i++)
    {
      gsize lo = strlen (open[i]), lc = strlen (close[i]);

      if ((gsize)(*e - *s) >= lo + lc && memcmp (*s, open[i], lo) == 0 &&
          memcmp (*e - lc, close[i], lc) == 0)
        {
          *s = skip_spaces (*s + lo, *e);
          *e = trim_end (*s, *e - lc);
          return;
        }
    }
}

static const char * const source_words[] = {
  "稿件来源", "信息来源", "消息来源", "资料来源", "新闻来源", "来源", "稿源",
  "转自", "摘自", "选自", "转载自",
  "來源", "稿件來源", "資料來源", "轉自", "選自",
};

static const char * const end_words[] = {
  "责任编辑", "责编", "编辑", "校对", "审核", "审校", "审稿", "终审", "一审",
  "二审", "三审", "监制", "编审",
  "責任編輯", "責編", "編輯", "校對", "審核", "審校", "監製",
};

/* (来源:新华社), 来源：人民日报, (责任编辑:张三), (完) */
static LineKind
source_kind (const char *s,
             const char *e)
{
  const char *a = s, *b = e;
  gsize n;

  strip_brackets (&a, &b);
  if (a >= b)
    return L_BODY;

  if (a != s && (b - a == 3 && memcmp (a, "完", 3) == 0))
    return L_END;
  if (has_prefix (a, b, "全文完", NULL) && b - a == 9)
    return L_END;

  for (guint i = 0; i < G_N_ELEMENTS (source_words); i++)
    if (has_prefix (a, b, source_words[i], &n))
      {
        const char *p = skip_spaces (a + n, b);

        if (p < b && (*p == ':' || has_prefix (p, b, "：", NULL)))
          return L_SOURCE;
        if (p > a + n && p < b)
          return L_SOURCE;
        if (!strstr (source_words[i], "源") && p < b)   /* 转自《...》 needs no colon */
          return L_SOURCE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (end_words); i++)
    if (has_prefix (a, b, end_words[i], &n))
      {
        const char *p = skip_spaces (a + n, b);

        if (p < b && (*p == ':' || *p == '/' || has_prefix (p, b, "：", NULL) ||
                      has_prefix (p, b, "／", NULL) || p > a + n))
          return L_END;
      }
  return L_BODY;
}

/* The name in a source line: "新华社" from "(来源:新华社)". */
static char *
source_name (const char *s,
             const char *e)
{
  const char *a = s, *b = e;
  gsize n;

  strip_brackets (&a, &b);
  for (guint i = 0; i < G_N_ELEMENTS (source_words); i++)
    if (has_prefix (a, b, source_words[i], &n))
      {
        const char *p = skip_spaces (a + n, b);

        if (p < b && *p == ':')
          p++;
        else if (has_prefix (p, b, "：", &n))
          p += n;
        p = skip_spaces (p, b);
        return p < b ? g_strndup (p, b - p) : NULL;
      }
  return NULL;
}

static gboolean
is_folio (const char *s,
          const char *e,
          guint       n_chars)
{
  const char *p = s;
  gboolean digits = FALSE;

  /* "12", "- 3 -", "—4—" */
  while (p < e)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_ascii_isdigit (c))
        digits = TRUE;
      else if (!(c == '-' || c == 0x2014 || c == 0x2013 || c == ' ' || c == 0x3000))
        break;
      p = g_utf8_next_char (p);
    }
  if (p == e && digits && n_chars <= 9)
    return TRUE;

  return FALSE;
}

/* ---------------------------------------------------------- pages */

/* The names of a printed page's section that stand on a line of their
 * own under a page number ("第2版" then "要闻"); beside a page number on
 * one line ("第2版 要闻") any short run of Han characters is a section. */
static const char * const page_sections[] = {
  "要闻", "综合", "综合新闻", "社会", "社会新闻", "经济", "财经", "文化", "文体",
  "体育", "国际", "国内", "时政", "时事", "评论", "言论", "观点", "副刊", "专版",
  "专题", "民生", "教育", "法治", "地方", "本地", "本地新闻", "城市", "乡村",
  "农村", "科技", "健康", "生活", "视点", "理论", "党建", "文艺", "广告", "公告",
  "要聞", "綜合", "綜合新聞", "社會", "社會新聞", "經濟", "財經", "體育", "國際",
  "國內", "時政", "時事", "評論", "言論", "觀點", "專版", "專題", "鄉村", "農村",
  "黨建", "文藝", "廣告",
};

static gboolean
is_page_section_name (const char *s,
                      const char *e)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_sections); i++)
    if (strlen (page_sections[i]) == (gsize)(e - s) && memcmp (s, page_sections[i], e - s) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_page_separator (gunichar c)
{
  return c == ' ' || c == '\t' || c == 0x3000 || c == 0x00A0 || c == ':' || c == 0xFF1A ||
         c == '|' || c == 0xFF5C || c == '/' || c == 0xFF0F || c == 0x00B7 || c == 0x2022 ||
         c == '-' || c == 0x2014 || c == 0x2013 || c == 0x30FB || c == 0xFF0D;
}

/* A section's name: 1 to 8 Han characters, nothing else */
static gboolean
is_section_text (const char *s,
                 const char *e)
{
  guint n = 0;

  if (s >= e)
    return FALSE;
  for (const char *p = s; p < e; p = g_utf8_next_char (p), n++)
    if (!bulletin_unichar_is_unified_ideograph_bmp (g_utf8_get_char (p)))
      return FALSE;
  return n <= 8;
}

/* "第2版", "第 3 页": the page number's end, or NULL */
static const char *
parse_page_number (const char *s,
                   const char *e,
                   const char **digits,
                   const char **digits_end)
{
  const char *p;

  if (!has_prefix (s, e, "第", NULL))
    return NULL;
  p = skip_spaces (s + 3, e);
  *digits = p;
  while (p < e && g_ascii_isdigit (*p))
    p++;
  if (p == *digits || p - *digits > 3)
    return NULL;
  *digits_end = p;
  p = skip_spaces (p, e);
  if (has_prefix (p, e, "版", NULL) || has_prefix (p, e, "页", NULL) || has_prefix (p, e, "頁", NULL))
    return p + 3;
  return NULL;
}

/* A line that is only a page number and, perhaps, the page's section:
 * "第2版", "第2版 要闻", "第3版：社会", "要闻 | 第2版".  @page and
 * @section (when not NULL) get what it says. */
static gboolean
is_page_marker (const char  *s,
                const char  *e,
                char       **page,
                char       **section)
{
  const char *digits = NULL, *digits_end = NULL, *end, *a, *b;

  if (e - s > 64)
    return FALSE;
  end = parse_page_number (s, e, &digits, &digits_end);
  if (end != NULL)
    {
      /* the number first, the section after it */
      a = end;
      b = e;
    }
  else
    {
      /* the section first: find "第" */
      const char *p = s;

      while (p < e && !has_prefix (p, e, "第", NULL))
        p = g_utf8_next_char (p);
      if (p == s || p >= e || (end = parse_page_number (p, e, &digits, &digits_end)) == NULL ||
          end != e)
        return FALSE;
      a = s;
      b = p;
    }

  /* separators around the section */
  while (a < b && is_page_separator (g_utf8_get_char (a)))
    a = g_utf8_next_char (a);
  while (b > a && is_page_separator (g_utf8_get_char (g_utf8_prev_char (b))))
    b = g_utf8_prev_char (b);
  if (a < b && !is_section_text (a, b))
    return FALSE;
  if (a < b && end != e && b == e && a == end)
    return FALSE; /* "第2版要闻" glued: the section needs a separator */

  if (page != NULL)
    *page = g_strndup (digits, digits_end - digits);
  if (section != NULL)
    *section = a < b ? g_strndup (a, b - a) : NULL;
  return TRUE;
}

static gboolean
is_separator (const char *s,
              const char *e,
              guint       n_chars)
{
  if (n_chars < 3)
    return FALSE;
  for (const char *p = s; p < e; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_separator_char (c) && space_len (p, e) == 0)
        return FALSE;
    }
  return TRUE;
}

static const char * const head_labels[] = {
  "引题", "肩题", "眉题", "主题", "主标题", "标题", "副题", "副标题",
  "引題", "肩題", "眉題", "主題", "主標題", "標題", "副題", "副標題",
};
static const HeadLabel head_label_roles[] = {
  LABEL_KICKER, LABEL_KICKER, LABEL_KICKER, LABEL_HEADLINE, LABEL_HEADLINE,
  LABEL_HEADLINE, LABEL_SUBTITLE, LABEL_SUBTITLE,
  LABEL_KICKER, LABEL_KICKER, LABEL_KICKER, LABEL_HEADLINE, LABEL_HEADLINE,
  LABEL_HEADLINE, LABEL_SUBTITLE, LABEL_SUBTITLE,
};

static HeadLabel
head_label (const char *s,
            const char *e,
            gsize      *skip)
{
  for (guint i = 0; i < G_N_ELEMENTS (head_labels); i++)
    {
      gsize n;

      if (has_prefix (s, e, head_labels[i], &n))
        {
          const char *p = skip_spaces (s + n, e);
          gsize m = 0;

          if (p < e && *p == ':')
            m = 1;
          else if (!has_prefix (p, e, "：", &m))
            continue;
          p = skip_spaces (p + m, e);
          if (p >= e)
            continue;
          *skip = p - s;
          return head_label_roles[i];
        }
    }
  return LABEL_NONE;
}

static void
find_dateline (const char *text,
               Line       *line)
{
  const char *s = text + line->start + line->skip_b, *e = text + line->end;
  static const char * const starts[] = {
    "本报", "新华社", "中新社", "中新网", "人民网", "新华网", "央视网", "央广网",
    "本報", "新華社", "中新網", "人民網", "新華網", "央視網", "中央社",
  };
  g_autoptr(GMatchInfo) match = NULL;
  gboolean maybe = FALSE;
  int ms, me;
  const char *p;

  for (guint i = 0; i < G_N_ELEMENTS (starts) && !maybe; i++)
    maybe = has_prefix (s, e, starts[i], NULL);
  if (!maybe)
    return;

  if (!g_regex_match_full (get_regexes ()->dateline, s, MIN (e - s, 240), 0, 0, &match, NULL))
    return;
  g_match_info_fetch_pos (match, 0, &ms, &me);
  line->has_dateline = TRUE;
  line->lead_b = me;
  line->lead_c = count_chars (s, s + me);
  p = skip_spaces (s + me, e);
  line->lead_gap_b = p - (s + me);
  line->lead_gap_c = count_chars (s + me, p);
}

static void
find_credit (const char *text,
             Line       *line)
{
  const char *s = text + line->start + line->skip_b, *e = text + line->end;
  const char *tail;
  g_autofree char *buf = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  gboolean whole;
  int ms, me;
  const char *cs, *gap;

  /* Only lines ending in 摄, 摄影, 摄) or 摄） are worth the regex. */
  {
    const char *q = e;

    if (q[-1] == ')')
      q--;
    else if (q - s >= 3 && memcmp (q - 3, "）", 3) == 0)
      q -= 3;
    q = trim_end (s, q);
    if (q - s >= 3 && memcmp (q - 3, "影", 3) == 0)
      q -= 3;
    if (!(q - s >= 3 && (memcmp (q - 3, "摄", 3) == 0 || memcmp (q - 3, "攝", 3) == 0)))
      return;
  }

  /* The last 40 characters at most; a whole line gets a space before it
   * so that the look-behind finds a start. */
  tail = e;
  for (guint i = 0; i < 40 && tail > s; i++)
    tail = g_utf8_prev_char (tail);
  whole = tail == s;
  buf = g_strdup_printf ("%s%.*s", whole ? " " : "", (int)(e - tail), tail);

  if (!g_regex_match (get_regexes ()->credit, buf, 0, &match))
    return;
  g_match_info_fetch_pos (match, 1, &ms, &me);
  cs = tail + ms - (whole ? 1 : 0);
  gap = trim_end (s, cs);
  line->credit_b = e - cs;
  line->credit_c = count_chars (cs, e);
  line->credit_gap_b = cs - gap;
  line->credit_gap_c = count_chars (gap, cs);
}

static void
classify (const char *text,
          Line       *line)
{
  const char *s = text + line->start, *e = text + line->end;
  guint n = line->cend - line->cstart;
  gunichar last = g_utf8_get_char (g_utf8_prev_char (e));
  gsize skip = 0;
  gboolean photo_only = FALSE;

  line->kind = L_BODY;
  line->ends_sentence = is_terminal (last);

  if (n <= META_MAX)
    {
      LineKind kind;

      if (is_folio (s, e, n) || is_page_marker (s, e, NULL, NULL))
        {
          line->kind = L_FOLIO;
          return;
        }
      if (is_separator (s, e, n))
        {
          line->kind = L_SEPARATOR;
          return;
        }
      if ((kind = section_kind (s, e)) != L_BODY)
        {
          line->kind = kind;
          return;
        }
      if ((kind = source_kind (s, e)) != L_BODY)
        {
          line->kind = kind;
          return;
        }
      if (parse_byline (s, e, &skip, &photo_only))
        {
          line->kind = photo_only ? L_CREDIT : L_BYLINE;
          line->skip_b = skip;
          line->skip_c = count_chars (s, s + skip);
          return;
        }
      if ((line->label = head_label (s, e, &skip)) != LABEL_NONE)
        {
          line->kind = L_HEADING;
          line->skip_b = skip;
          line->skip_c = count_chars (s, s + skip);
          return;
        }
    }

  find_dateline (text, line);
  if (line->has_dateline)
    return;

  find_credit (text, line);
  if (line->credit_c > 0 && line->credit_c == n - line->skip_c)
    {
      line->kind = L_CREDIT;
      line->credit_b = line->credit_c = 0;
      line->credit_gap_b = line->credit_gap_c = 0;
      return;
    }
  if (line->credit_c > 0)
    return;

  if (n <= HEAD_MAX && !ends_clause (last))
    line->kind = L_HEADING;
}

/* Splits the text into classified non-blank lines. */
static void apply_fix (Line *line, BulletinCorrectionKind kind);

static GArray *
scan_lines (const char            *text,
            gsize                  len,
            const BulletinLineFix *fixes,
            guint                  n_fixes)
{
  guint f = 0;

  GArray *lines = g_array_sized_new (FALSE, TRUE, sizeof (Line), len / 200 + 16);
  const char *p = text, *end = text + len, *cp = text;
  guint cpos = 0;
  gboolean blank = TRUE;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *le = nl != NULL ? nl : end;
      const char *s = skip_spaces (p, le);
      const char *e = trim_end (s, le);

      if (s < e)
        {
          Line line = { 0, };

          line.start = s - text;
          line.end = e - text;
          cpos += count_chars (cp, s);
          line.cstart = cpos;
          cpos += count_chars (s, e);
          line.cend = cpos;
          line.blank_before = blank;
          cp = e;
          classify (text, &line);
          while (f < n_fixes && fixes[f].offset < (gsize) (p - text))
            f++;
          if (f < n_fixes && fixes[f].offset == (gsize) (p - text))
            apply_fix (&line, fixes[f].kind);
          g_array_append_val (lines, line);
          blank = FALSE;
        }
      else
        blank = TRUE;
      p = nl != NULL ? nl + 1 : end;
    }
  return lines;
}

/* The reader's word on a line overrides its shape. */
static void
apply_fix (Line                   *line,
           BulletinCorrectionKind  kind)
{
  if (kind <= BULLETIN_CORRECTION_NONE || kind > BULLETIN_CORRECTION_LAST)
    return;
  line->fix = kind;
  switch (kind)
    {
    case BULLETIN_CORRECTION_NEW_ARTICLE:
    case BULLETIN_CORRECTION_HEADLINE:
    case BULLETIN_CORRECTION_SUBTITLE:
    case BULLETIN_CORRECTION_SUBHEAD:
      line->kind = L_HEADING;
      line->label = LABEL_NONE;
      line->has_dateline = FALSE;
      line->skip_b = line->skip_c = 0;
      line->credit_b = line->credit_c = line->credit_gap_b = line->credit_gap_c = 0;
      break;
    case BULLETIN_CORRECTION_BYLINE:
    case BULLETIN_CORRECTION_DATELINE:
      if (line->kind != L_BYLINE)
        line->skip_b = line->skip_c = 0;
      line->kind = L_BYLINE;
      line->label = LABEL_NONE;
      line->has_dateline = FALSE;
      line->credit_b = line->credit_c = line->credit_gap_b = line->credit_gap_c = 0;
      break;
    case BULLETIN_CORRECTION_BODY:
      if (line->kind != L_BODY)
        line->skip_b = line->skip_c = 0;
      line->kind = L_BODY;
      line->label = LABEL_NONE;
      break;
    default:
      break;
    }
}

/* A line whose article the reader decided: a run of headings stops
 * before it. */
static inline gboolean
fix_decides_start (const Line *line)
{
  return line->fix == BULLETIN_CORRECTION_NEW_ARTICLE ||
         line->fix == BULLETIN_CORRECTION_JOIN_PREVIOUS;
}

#define LINE(i) (&g_array_index (lines, Line, (i)))
#define ITEM(i) (&g_array_index (items, Item, (i)))

/* Whether the heading run at item @i is followed by what makes it the
 * head of a new article: a byline, a dateline, or a source line followed
 * by body text. */
static gboolean
run_is_head (GArray *items,
             GArray *lines,
             guint   i,
             guint  *run_len)
{
  guint j = i, n = items->len;
  const Line *next;

  while (j < n && LINE (ITEM (j)->first)->kind == L_HEADING &&
         !LINE (ITEM (j)->first)->has_dateline &&
         (j == i || !fix_decides_start (LINE (ITEM (j)->first))))
    j++;
  *run_len = j - i;
  if (j >= n)
    return FALSE;
  next = LINE (ITEM (j)->first);
  if (next->kind == L_BYLINE || next->has_dateline)
    return TRUE;
  if (next->kind == L_SOURCE && j + 1 < n)
    {
      const Line *after = LINE (ITEM (j + 1)->first);
      return after->kind == L_BODY || after->kind == L_BYLINE;
    }
  return FALSE;
}

/* "书香满城 “悦”读同行 走进“新馆”看看": phrases of two characters or more
 * separated by spaces, no clause punctuation.  Such a line is set as a
 * headline; a subhead inside an article is one phrase. */
static gboolean
is_spaced_phrases (const char *text,
                   const Line *line)
{
  const char *p = text + line->start + line->skip_b, *e = text + line->end;
  guint n_phrases = 0, n = 0;

  if (line->label != LABEL_NONE)
    return FALSE;
  /* a numbered subhead: "第一部分 总体要求", "一 基本情况", "(一) 做法" */
  {
    gunichar c = g_utf8_get_char (p);

    if (c == 0x7B2C /* 第 */ || c == '(' || c == 0xFF08 || c == 0x3010 ||
        c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 ||
        c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D || c == 0x5341)
      return FALSE;
  }
  while (p < e)
    {
      gsize sp = space_len (p, e);
      gunichar c;

      if (sp > 0)
        {
          if (n > 0 && n < 2)
            return FALSE;
          n_phrases += n > 0;
          n = 0;
          p += sp;
          continue;
        }
      c = g_utf8_get_char (p);
      if (ends_clause (c) || c == 0xFF01 || c == 0xFF1F || c == '!' || c == '?' ||
          is_marker (c) || g_ascii_isdigit (c))
        return FALSE;
      n++;
      p = g_utf8_next_char (p);
    }
  if (n > 0 && n < 2)
    return FALSE;
  n_phrases += n > 0;
  return n_phrases >= 2;
}

/* Whether the heading run of @run items at @i is followed by a body
 * paragraph (not a dateline: run_is_head () sees those). */
static gboolean
run_then_body (GArray *items,
               GArray *lines,
               guint   i,
               guint   run)
{
  const Line *next;

  if (run == 0 || run > RUN_MAX || i + run >= items->len || ITEM (i + run)->after_separator)
    return FALSE;
  next = LINE (ITEM (i + run)->first);
  return next->kind == L_BODY && !next->has_dateline && next->credit_c == 0;
}

/* Joins paragraphs cut by a page break: a body line that stops in the
 * middle of a sentence continues in the next line of body text. */
static void
repair_page_breaks (GArray *items,
                    GArray *lines)
{
  guint w = 0, n_blank = 0, n_adjacent = 0;
  gboolean blank_style;

  /* Paragraphs separated by blank lines: then a line break alone is a
   * line wrapped inside a paragraph. */
  for (guint i = 1; i < items->len; i++)
    {
      if (LINE (ITEM (i)->first)->blank_before)
        n_blank++;
      else
        n_adjacent++;
    }
  blank_style = n_blank >= 3 && n_blank >= 2 * n_adjacent;

  for (guint i = 0; i < items->len; i++)
    {
      Item item = *ITEM (i);

      for (;;)
        {
          const Line *lastl = LINE (item.last);
          const Line *next;
          guint run;

          if (i + 1 >= items->len || ITEM (i + 1)->after_separator ||
              lastl->ends_sentence || lastl->credit_c > 0)
            break;
          next = LINE (ITEM (i + 1)->first);
          if ((lastl->fix != 0 && lastl->fix != BULLETIN_CORRECTION_BODY) ||
              (next->fix != 0 && next->fix != BULLETIN_CORRECTION_BODY))
            break;
          if (lastl->kind == L_HEADING && lastl->label == LABEL_NONE && blank_style &&
              !next->blank_before && next->kind == L_BODY && !next->has_dateline &&
              item.first == item.last)
            {
              /* a short first line wrapped into a long one */
              LINE (item.first)->kind = L_BODY;
              item.last = ITEM (i + 1)->last;
              i++;
              continue;
            }
          if (lastl->kind != L_BODY)
            break;
          if (!(next->kind == L_BODY && !next->has_dateline) &&
              !(next->kind == L_HEADING && next->label == LABEL_NONE))
            break;
          if (next->kind == L_HEADING && run_is_head (items, lines, i + 1, &run))
            break;
          item.last = ITEM (i + 1)->last;
          i++;
        }
      *ITEM (w++) = item;
    }
  g_array_set_size (items, w);
}

/* The first lines, when one of them carries a full date or an issue
 * number, are the masthead: the issue's title, date and number. */
static guint
read_masthead (const char          *text,
               GArray              *items,
               GArray              *lines,
               BulletinParsedIssue *parsed,
               GPtrArray           *masthead_lines)
{
  const Regexes *re = get_regexes ();
  guint n = 0, last = G_MAXUINT;
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) title = g_string_new (NULL);

  for (guint i = 0; i < items->len && i < MAX_MASTHEAD_ITEMS; i++)
    {
      const Line *line = LINE (ITEM (i)->first);
      g_autofree char *s = NULL;

      if (ITEM (i)->first != ITEM (i)->last || line->cend - line->cstart > META_MAX ||
          (line->kind != L_HEADING && line->kind != L_BODY && line->kind != L_FOLIO))
        break;
      s = g_strndup (text + line->start, line->end - line->start);
      if (g_regex_match (re->masthead, s, 0, NULL))
        last = i;
      else if (last != G_MAXUINT)
        break;
    }
  if (last == G_MAXUINT)
    return 0;
  n = last + 1;

  for (guint i = 0; i < n; i++)
    {
      const Line *line = LINE (ITEM (i)->first);
      char *s = g_strndup (text + line->start, line->end - line->start);
      g_autofree char *stripped = g_regex_replace_literal (re->masthead_strip, s, -1, 0, " ", 0, NULL);
      char **words = g_strsplit_set (g_strstrip (stripped), " \t", -1);

      for (guint w = 0; words[w] != NULL; w++)
        if (*words[w] != 0)
          {
            if (title->len > 0)
              g_string_append_c (title, ' ');
            g_string_append (title, words[w]);
          }
      g_strfreev (words);
      if (all->len > 0)
        g_string_append_c (all, ' ');
      g_string_append (all, s);
      g_ptr_array_add (masthead_lines, s);
    }

  if (title->len > 0)
    parsed->title = g_strdup (title->str);
  parsed->date = bulletin_date_from_string (all->str);
  {
    g_autoptr(GMatchInfo) match = NULL;

    if (g_regex_match (re->number, all->str, 0, &match))
      parsed->number = g_match_info_fetch (match, 1);
  }
  {
    g_autoptr(GMatchInfo) match = NULL;

    if (g_regex_match (re->edition, all->str, 0, &match))
      parsed->edition = g_match_info_fetch (match, 1);
  }
  return n;
}

/* A page header: the masthead again, or a date with a page or issue
 * number ("河畔社区通讯 2023年5月8日 第42期", "2023年5月8日 第2版"). */
static gboolean
is_page_header (const char          *text,
                const Line          *line,
                BulletinParsedIssue *parsed,
                GPtrArray           *masthead_lines)
{
  const Regexes *re;
  g_autofree char *s = NULL;
  g_autofree char *date = NULL;
  gboolean digits = FALSE;

  for (guint m = 0; m < masthead_lines->len; m++)
    {
      const char *ms = g_ptr_array_index (masthead_lines, m);

      if (strlen (ms) == line->end - line->start &&
          memcmp (ms, text + line->start, line->end - line->start) == 0)
        return TRUE;
    }

  /* a page header has a date: no digit, no header */
  for (gsize i = line->start; i < line->end && !digits; i++)
    digits = g_ascii_isdigit (text[i]);
  if (!digits)
    return FALSE;

  re = get_regexes ();
  s = g_strndup (text + line->start, line->end - line->start);

  if (!g_regex_match (re->masthead, s, 0, NULL))
    return FALSE;
  date = bulletin_date_from_string (s);
  if (date == NULL)
    return FALSE;
  if (parsed->title != NULL && strstr (s, parsed->title) != NULL)
    return TRUE;
  return g_regex_match (re->number, s, 0, NULL) || g_regex_match (re->edition, s, 0, NULL);
}

/* What a line of page-break debris says of the page that follows: its
 * number and section ("第2版 要闻", "2023年5月8日 第2版 社会", a
 * section's name under the number).  FALSE when it says nothing of it
 * ("- 2 -", the masthead again). */
static gboolean
page_info (const char          *text,
           const Line          *line,
           BulletinParsedIssue *parsed,
           char               **page,
           char               **section)
{
  const char *s = text + line->start, *e = text + line->end;
  const Regexes *re = get_regexes ();
  g_autofree char *str = NULL;
  g_autofree char *stripped = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_auto(GStrv) words = NULL;
  const char *found = NULL;

  *page = *section = NULL;
  if (is_page_marker (s, e, page, section))
    return TRUE;

  str = g_strndup (s, e - s);
  if (!g_regex_match (re->edition, str, 0, &match))
    return FALSE;
  *page = g_match_info_fetch (match, 1);

  /* what remains without the date, numbers, weekday and title */
  stripped = g_regex_replace_literal (re->masthead_strip, str, -1, 0, " ", 0, NULL);
  if (parsed->title != NULL && *parsed->title != 0)
    {
      char *t;

      while ((t = strstr (stripped, parsed->title)) != NULL)
        memset (t, ' ', strlen (parsed->title));
    }
  g_strdelimit (stripped, ":", ' ');
  words = g_strsplit_set (stripped, " \t", -1);
  for (guint w = 0; words[w] != NULL; w++)
    {
      const char *word = words[w];
      const char *end = word + strlen (word);

      /* a full-width colon or space left around the word */
      while (has_prefix (word, end, "：", NULL) || has_prefix (word, end, "\xe3\x80\x80", NULL))
        word += 3;
      while (end - word >= 3 && (memcmp (end - 3, "：", 3) == 0 || memcmp (end - 3, "\xe3\x80\x80", 3) == 0))
        end -= 3;
      if (word == end)
        continue;
      if (found != NULL || !is_section_text (word, end))
        return TRUE;  /* the page, and no section that is plain */
      words[w][end - words[w]] = 0;
      found = word;
    }
  *section = g_strdup (found);
  return TRUE;
}

/* The page and section in force at each line: a run of (line, page,
 * section) from the page-break debris after the masthead. */
typedef struct {
  guint  line;
  char  *page;
  char  *section;
} PageMark;

static void
page_mark_clear (PageMark *mark)
{
  g_free (mark->page);
  g_free (mark->section);
}

static GArray *
find_page_marks (const char          *text,
                 GArray              *lines,
                 guint                from,
                 BulletinParsedIssue *parsed)
{
  GArray *marks = g_array_new (FALSE, TRUE, sizeof (PageMark));
  gboolean after_page = FALSE;

  g_array_set_clear_func (marks, (GDestroyNotify)page_mark_clear);
  if (parsed->edition != NULL)
    {
      PageMark mark = { 0, g_strdup (parsed->edition), NULL };
      g_array_append_val (marks, mark);
    }

  for (guint l = from; l < lines->len; l++)
    {
      const Line *line = LINE (l);
      PageMark mark = { l, NULL, NULL };

      if (line->kind != L_FOLIO)
        {
          after_page = FALSE;
          continue;
        }
      if (page_info (text, line, parsed, &mark.page, &mark.section))
        {
          g_array_append_val (marks, mark);
          after_page = TRUE;
        }
      else if (after_page && marks->len > 0 &&
               g_array_index (marks, PageMark, marks->len - 1).section == NULL &&
               is_page_section_name (text + line->start, text + line->end))
        g_array_index (marks, PageMark, marks->len - 1).section =
          g_strndup (text + line->start, line->end - line->start);
    }
  return marks;
}

/* A line that is only a section's name, right under a page number */
static gboolean
is_section_under_page (const char          *text,
                       GArray              *lines,
                       guint                l,
                       BulletinParsedIssue *parsed)
{
  const Line *line = LINE (l);
  g_autofree char *page = NULL;
  g_autofree char *section = NULL;

  if (l == 0 || LINE (l - 1)->kind != L_FOLIO ||
      !is_page_section_name (text + line->start, text + line->end))
    return FALSE;
  return page_info (text, LINE (l - 1), parsed, &page, &section) && section == NULL;
}

static gboolean
is_kicker_shape (const char *text,
                 const Line *line)
{
  const char *s = text + line->start, *e = text + line->end;
  gunichar last = g_utf8_get_char (g_utf8_prev_char (e));

  if (line->label == LABEL_KICKER)
    return TRUE;
  if (has_prefix (s, e, "【", NULL) && last == 0x3011)
    return TRUE;
  return last == 0x2014 || last == 0xFF0C || last == ',';
}

static gboolean
starts_with_dash (const char *text,
                  const Line *line)
{
  const char *s = text + line->start, *e = text + line->end;

  return has_prefix (s, e, "—", NULL) || has_prefix (s, e, "--", NULL) ||
         has_prefix (s, e, "－", NULL);
}

/* Roles of a headline block of @n lines starting at item @i. */
static void
assign_headline_roles (const char *text,
                       GArray     *items,
                       GArray     *lines,
                       guint       i,
                       guint       n)
{
  gboolean labelled = FALSE;

  for (guint k = 0; k < n; k++)
    labelled |= LINE (ITEM (i + k)->first)->label != LABEL_NONE;

  if (labelled)
    {
      for (guint k = 0; k < n; k++)
        switch (LINE (ITEM (i + k)->first)->label)
          {
          case LABEL_KICKER: ITEM (i + k)->role = BULLETIN_BLOCK_KICKER; break;
          case LABEL_SUBTITLE: ITEM (i + k)->role = BULLETIN_BLOCK_SUBTITLE; break;
          default: ITEM (i + k)->role = BULLETIN_BLOCK_HEADLINE; break;
          }
      return;
    }

  switch (n)
    {
    case 1:
      ITEM (i)->role = BULLETIN_BLOCK_HEADLINE;
      break;
    case 2:
      if (!starts_with_dash (text, LINE (ITEM (i + 1)->first)) &&
          is_kicker_shape (text, LINE (ITEM (i)->first)))
        {
          ITEM (i)->role = BULLETIN_BLOCK_KICKER;
          ITEM (i + 1)->role = BULLETIN_BLOCK_HEADLINE;
        }
      else
        {
          ITEM (i)->role = BULLETIN_BLOCK_HEADLINE;
          ITEM (i + 1)->role = BULLETIN_BLOCK_SUBTITLE;
        }
      break;
    default:
      ITEM (i)->role = BULLETIN_BLOCK_KICKER;
      ITEM (i + 1)->role = BULLETIN_BLOCK_HEADLINE;
      ITEM (i + 2)->role = BULLETIN_BLOCK_SUBTITLE;
      break;
    }
}

/* The state of group_articles () as it walks the items. */
typedef struct {
  const char *text;
  GArray     *items;
  GArray     *lines;
  guint       first;
  guint       article;
  guint       n_articles;
  gboolean    open;
  gboolean    has_body;
  gboolean    photo;
  gboolean    photo_head;
  /* the last item ended an article's text: a photo credit after its body */
  gboolean    ended;
  gboolean    was_ended;
  /* the reader joined what starts here to the article before */
  gboolean    join_here;
} Grouper;

#define G_ITEM(g, i) (&g_array_index ((g)->items, Item, (i)))
#define G_LINE(g, i) (&g_array_index ((g)->lines, Line, (i)))

static void
new_article (Grouper *g)
{
  g->article = g->n_articles++;
  g->open = TRUE;
  g->has_body = FALSE;
  g->photo = FALSE;
  g->photo_head = FALSE;
}

/* @n items from @i: of the open article, as @role. */
static void
set_run (Grouper           *g,
         guint              i,
         guint              n,
         BulletinBlockKind  role)
{
  for (guint m = 0; m < n; m++)
    {
      G_ITEM (g, i + m)->role = role;
      G_ITEM (g, i + m)->article = g->article;
    }
}

/* Signals of a new article that has no byline: an end mark (a photo
 * credit) after the body of the one before, or a headline of spaced
 * phrases after a finished paragraph, each followed by body text. */
static gboolean
starts_unsigned_article (Grouper    *g,
                         guint       i,
                         guint       run,
                         const Line *line)
{
  const Item *prev;
  const Line *prevl;

  if (!g->open || !g->has_body || g->photo || i <= g->first ||
      !run_then_body (g->items, g->lines, i, run))
    return FALSE;
  if (g->was_ended)
    return TRUE;
  prev = G_ITEM (g, i - 1);
  prevl = G_LINE (g, prev->last);
  return (prev->role == BULLETIN_BLOCK_PARAGRAPH || prev->role == BULLETIN_BLOCK_FIGURE) &&
         prevl->kind == L_BODY && prevl->ends_sentence && is_spaced_phrases (g->text, line);
}

/* A run of short lines that opens a new article: its headline block (at
 * most RUN_MAX lines), after the lines that belong to what is open. */
static void
group_headline_run (Grouper    *g,
                    guint       i,
                    guint       run,
                    const Line *line)
{
  guint block = MIN (run, RUN_MAX);
  guint k = 0;

  if (run > RUN_MAX)
    {
      /* more short lines than a headline block holds: the first ones
       * belong to what is open, or stand alone */
      gboolean fresh = !g->open;

      if (fresh)
        new_article (g);
      for (; k < run - RUN_MAX; k++)
        {
          G_ITEM (g, i + k)->role = k == 0 && fresh ? BULLETIN_BLOCK_HEADLINE
                                                    : BULLETIN_BLOCK_HEADING;
          G_ITEM (g, i + k)->article = g->article;
        }
    }
  new_article (g);
  assign_headline_roles (g->text, g->items, g->lines, i + k, block);
  if (line->fix == BULLETIN_CORRECTION_NEW_ARTICLE)
    {
      /* the reader's line is the headline */
      for (guint m = 0; m < block; m++)
        G_ITEM (g, i + m)->role = m == 0 ? BULLETIN_BLOCK_HEADLINE
                                : m == 1 ? BULLETIN_BLOCK_SUBTITLE
                                : BULLETIN_BLOCK_HEADING;
    }
  for (guint m = 0; m < block; m++)
    G_ITEM (g, i + k + m)->article = g->article;
}

/* A run of short lines at @i: a new article's headlines, a photo's own
 * headline, or headings of the open article.  Returns the run's length. */
static guint
group_heading_run (Grouper    *g,
                   guint       i,
                   const Line *line)
{
  guint run;
  gboolean head = run_is_head (g->items, g->lines, i, &run);

  if (g->join_here)
    {
      set_run (g, i, run, BULLETIN_BLOCK_HEADING);
      g->photo_head = FALSE;
      return run;
    }
  /* a line the reader said is a headline, subtitle or subhead stays in
   * the article that is open */
  if (line->fix == BULLETIN_CORRECTION_HEADLINE || line->fix == BULLETIN_CORRECTION_SUBTITLE ||
      line->fix == BULLETIN_CORRECTION_SUBHEAD)
    head = FALSE;
  if (line->fix == BULLETIN_CORRECTION_NEW_ARTICLE)
    {
      head = TRUE;
      g->open = FALSE;
      run = MIN (run, RUN_MAX);
    }
  if (!head && starts_unsigned_article (g, i, run, line))
    head = TRUE;

  if (!g->open || head || (g->photo && g->has_body))
    group_headline_run (g, i, run, line);
  else if (g->photo_head && !g->has_body && run <= 2)
    {
      /* 图片新闻 / its own headline / caption */
      assign_headline_roles (g->text, g->items, g->lines, i, run);
      for (guint m = 0; m < run; m++)
        G_ITEM (g, i + m)->article = g->article;
    }
  else
    set_run (g, i, run, BULLETIN_BLOCK_HEADING);
  g->photo_head = FALSE;
  return run;
}

/* The item at @i by its line's kind; returns how many items it took, 0
 * when the item is body text. */
static guint
group_item (Grouper *g,
            guint    i)
{
  Item *item = G_ITEM (g, i);
  const Line *line = G_LINE (g, item->first);

  switch (line->kind)
    {
    case L_SECTION:
    case L_PHOTO_SECTION:
      if (!g->join_here)
        {
          new_article (g);
          g->photo = line->kind == L_PHOTO_SECTION;
          g->photo_head = g->photo;
        }
      set_run (g, i, 1, BULLETIN_BLOCK_SECTION_LABEL);
      return 1;

    case L_HEADING:
      if (line->has_dateline)
        return 0;
      return group_heading_run (g, i, line);

    case L_BYLINE:
      if (!g->open)
        new_article (g);
      set_run (g, i, 1, BULLETIN_BLOCK_BYLINE);
      return 1;

    case L_CREDIT:
      if (!g->open)
        new_article (g);
      set_run (g, i, 1, BULLETIN_BLOCK_SOURCE);
      g->ended = g->has_body;
      return 1;

    case L_SOURCE:
    case L_END:
      if (!g->open)
        new_article (g);
      set_run (g, i, 1, BULLETIN_BLOCK_SOURCE);
      if (g->has_body)
        g->open = FALSE;
      return 1;

    default:
      return 0;
    }
}

/* Body text, a dateline paragraph. */
static void
group_body (Grouper *g,
            guint    i)
{
  Item *item = G_ITEM (g, i);
  gboolean credited = G_LINE (g, item->last)->credit_c > 0;

  if (!g->open)
    new_article (g);
  set_run (g, i, 1, g->photo || credited ? BULLETIN_BLOCK_FIGURE : BULLETIN_BLOCK_PARAGRAPH);
  g->has_body = TRUE;
  g->photo_head = FALSE;
  g->ended = credited;
}

/* What the reader said a line is. */
static void
apply_line_fixes (GArray *items,
                  GArray *lines,
                  guint   first)
{
  for (guint i = first; i < items->len; i++)
    {
      Item *item = ITEM (i);

      switch (LINE (item->first)->fix)
        {
        case BULLETIN_CORRECTION_HEADLINE: item->role = BULLETIN_BLOCK_HEADLINE; break;
        case BULLETIN_CORRECTION_SUBTITLE: item->role = BULLETIN_BLOCK_SUBTITLE; break;
        case BULLETIN_CORRECTION_BYLINE: item->role = BULLETIN_BLOCK_BYLINE; break;
        case BULLETIN_CORRECTION_DATELINE: item->role = BULLETIN_BLOCK_DATELINE; break;
        case BULLETIN_CORRECTION_SUBHEAD: item->role = BULLETIN_BLOCK_HEADING; break;
        case BULLETIN_CORRECTION_BODY:
          if (item->role != BULLETIN_BLOCK_FIGURE)
            item->role = BULLETIN_BLOCK_PARAGRAPH;
          break;
        default:
          break;
        }
    }
}

/* Decides each item's article and role. */
static guint
group_articles (const char *text,
                GArray     *items,
                GArray     *lines,
                guint       first)
{
  Grouper g = { text, items, lines, first, G_MAXUINT, 0, };
  guint i = first;

  while (i < items->len)
    {
      const Line *line = LINE (ITEM (i)->first);
      guint taken;

      if (ITEM (i)->after_separator)
        g.open = FALSE;
      g.was_ended = g.ended;
      g.ended = FALSE;
      g.join_here = line->fix == BULLETIN_CORRECTION_JOIN_PREVIOUS && g.article != G_MAXUINT;
      if (g.join_here)
        g.open = TRUE;

      taken = group_item (&g, i);
      if (taken == 0)
        {
          group_body (&g, i);
          taken = 1;
        }
      i += taken;
    }

  apply_line_fixes (items, lines, first);
  return g.n_articles;
}

#undef G_ITEM
#undef G_LINE

typedef struct {
  const char      *text;
  GArray          *lines;
  BulletinArticle *article;
  guint            cbase;
  GString         *byline;
  GString         *credit;
  char            *dateline;
  char            *located;
  char            *headline;
  char            *kicker;
  char            *subtitle;
  char            *section;
  char            *first_text;
} Builder;

static char *
line_text (Builder    *b,
           const Line *line)
{
  gsize s = line->start + line->skip_b;

  return g_strndup (b->text + s, line->end - s);
}

static void
add_simple_block (Builder           *b,
                  BulletinBlockKind  kind,
                  guint              cstart,
                  guint              cend)
{
  if (cend > cstart)
    bulletin_article_add_block (b->article,
                                bulletin_block_new (kind, cstart - b->cbase, cend - b->cbase));
}

static void
append_name (GString    *s,
             const char *name)
{
  if (name == NULL || *name == 0)
    return;
  if (s->len > 0)
    g_string_append (s, "、");
  g_string_append (s, name);
}

/* "新华社北京3月28日电" -> "北京"; "本报讯" -> NULL */
static char *
dateline_place (const char *lead,
                gsize       len)
{
  static const char * const starts[] = {
    "本报", "新华社", "中新社", "中新网", "人民网", "新华网", "央视网", "央广网",
    "本報", "新華社", "中新網", "人民網", "新華網", "央視網", "中央社",
  };
  const char *p = lead, *end = lead + len, *q;

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      gsize n;

      if (has_prefix (p, end, starts[i], &n))
        {
          p += n;
          break;
        }
    }
  q = p;
  while (q < end && !g_ascii_isdigit (*q) && !has_prefix (q, end, "讯", NULL) &&
         !has_prefix (q, end, "电", NULL) && !has_prefix (q, end, "訊", NULL) &&
         !has_prefix (q, end, "電", NULL) && !has_prefix (q, end, "(", NULL) &&
         !has_prefix (q, end, "（", NULL))
    q = g_utf8_next_char (q);
  return q > p ? g_strndup (p, q - p) : NULL;
}

static void
add_paragraph (Builder *b,
               Item    *item)
{
  GArray *lines = b->lines;
  BulletinBlock *block = NULL;
  const Line *lastl = LINE (item->last);
  GString *first_text = NULL;

  for (guint l = item->first; l <= item->last; l++)
    {
      const Line *line = LINE (l);
      guint cs = line->cstart + line->skip_c, ce = line->cend;

      if (line->kind == L_FOLIO || line->kind == L_SEPARATOR)
        continue;

      if (l == item->first && line->has_dateline)
        {
          const char *lead = b->text + line->start + line->skip_b;
          g_autoptr(GMatchInfo) match = NULL;

          add_simple_block (b, BULLETIN_BLOCK_DATELINE, cs, cs + line->lead_c);
          if (b->dateline == NULL &&
              g_regex_match_full (get_regexes ()->dateline, lead, line->lead_b, 0, 0, &match, NULL))
            {
              g_autofree char *inner = g_match_info_fetch (match, 2);

              b->dateline = g_match_info_fetch (match, 1);
              b->located = dateline_place (b->dateline, strlen (b->dateline));
              if (inner != NULL && *inner != 0 && b->byline->len == 0)
                g_string_append (b->byline, g_strstrip (inner));
            }
          cs += line->lead_c + line->lead_gap_c;
        }
      if (l == item->last && lastl->credit_c > 0)
        ce -= lastl->credit_c + lastl->credit_gap_c;

      if (ce > cs)
        {
          if (block == NULL)
            block = bulletin_block_new (item->role, cs - b->cbase, ce - b->cbase);
          else
            bulletin_block_add_range (block, cs - b->cbase, ce - b->cbase);
          if (b->first_text == NULL && first_text == NULL)
            {
              gsize bs = line->start + line->skip_b +
                         (l == item->first && line->has_dateline ? line->lead_b + line->lead_gap_b : 0);
              first_text = g_string_new_len (b->text + bs, MIN (line->end - bs, 200));
            }
        }
    }

  if (block != NULL)
    bulletin_article_add_block (b->article, block);
  if (first_text != NULL)
    b->first_text = g_string_free (first_text, FALSE);

  if (lastl->credit_c > 0)
    {
      const char *e = b->text + lastl->end;
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *credit = g_strndup (e - lastl->credit_b, lastl->credit_b);
      g_autofree char *spaced = g_strconcat (" ", credit, NULL);

      add_simple_block (b, BULLETIN_BLOCK_SOURCE, lastl->cend - lastl->credit_c, lastl->cend);
      if (g_regex_match (get_regexes ()->credit, spaced, 0, &match))
        {
          g_autofree char *names = g_match_info_fetch (match, 2);
          append_name (b->credit, g_strstrip (names));
        }
    }
}

/* A headline for an article that has none printed: its first words. */
static char *
headline_from_text (const char *text)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p && n < 24; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x3002 || c == 0xFF0C || c == ',' || c == 0xFF01 || c == 0xFF1F ||
          c == '!' || c == '?' || c == 0xFF1B || c == ';' || c == '\n')
        break;
      g_string_append_unichar (s, c);
    }
  if (*text != 0 && n >= 24)
    g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

/* A subtitle without the dashes it is set after. */
static void
take_subtitle (Builder    *b,
               const Line *line)
{
  g_autofree char *s = line_text (b, line);
  char *p = s;

  while (has_prefix (p, p + strlen (p), "—", NULL) ||
         has_prefix (p, p + strlen (p), "－", NULL) || *p == '-')
    p = g_utf8_next_char (p);
  b->subtitle = g_strdup (skip_spaces (p, p + strlen (p)));
}

/* The names of a by-line, markers between them become spaces. */
static void
take_byline (Builder    *b,
             const Line *line)
{
  g_autofree char *s = line_text (b, line);

  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_marker (c) || c == 0x3000 || c == '\t')
        c = ' ';
      if (c == ' ' && (b->byline->len == 0 || b->byline->str[b->byline->len - 1] == ' '))
        continue;
      g_string_append_unichar (b->byline, c);
    }
  if (b->byline->len > 0 && b->byline->str[b->byline->len - 1] == ' ')
    g_string_truncate (b->byline, b->byline->len - 1);
  g_string_append_c (b->byline, ' ');
}

/* The names of a source or credit line ("来源：新华社", "摄影 张三"). */
static void
take_credit (Builder    *b,
             const Line *line)
{
  const char *text = b->text;

  if (line->kind == L_SOURCE)
    {
      g_autofree char *name = source_name (text + line->start, text + line->end);
      append_name (b->credit, name);
    }
  else if (line->kind == L_CREDIT)
    {
      g_autofree char *s = g_strndup (text + line->start, line->end - line->start);
      g_autofree char *spaced = g_strconcat (" ", s, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (get_regexes ()->credit, spaced, 0, &match))
        {
          g_autofree char *names = g_match_info_fetch (match, 2);
          append_name (b->credit, g_strstrip (names));
        }
      else
        {
          /* "图/张三": the byline-like form */
          append_name (b->credit, s + line->skip_b);
        }
    }
}

/* The first line of its role gives the article's field of that name. */
static void
take_first (char       **field,
            Builder     *b,
            const Line  *line)
{
  if (*field == NULL)
    *field = line_text (b, line);
}

/* One item (a line or a paragraph) of the article: its block, and what
 * it tells of the article's metadata. */
static void
add_item (Builder *b,
          Item    *item)
{
  const Line *line = &g_array_index (b->lines, Line, item->first);
  guint cs = line->cstart + line->skip_c;

  if (item->role == BULLETIN_BLOCK_PARAGRAPH || item->role == BULLETIN_BLOCK_FIGURE)
    {
      add_paragraph (b, item);
      return;
    }

  add_simple_block (b, item->role, cs, line->cend);
  switch (item->role)
    {
    case BULLETIN_BLOCK_HEADLINE:
      take_first (&b->headline, b, line);
      break;
    case BULLETIN_BLOCK_KICKER:
      take_first (&b->kicker, b, line);
      break;
    case BULLETIN_BLOCK_SUBTITLE:
      if (b->subtitle == NULL)
        take_subtitle (b, line);
      break;
    case BULLETIN_BLOCK_BYLINE:
      take_byline (b, line);
      break;
    case BULLETIN_BLOCK_SOURCE:
      take_credit (b, line);
      break;
    case BULLETIN_BLOCK_DATELINE:
      /* a line the reader said is a dateline */
      take_first (&b->dateline, b, line);
      break;
    case BULLETIN_BLOCK_SECTION_LABEL:
      take_first (&b->section, b, line);
      break;
    default:
      break;
    }
}

/* Sets the article's metadata from what its items told. */
static void
set_metadata (Builder    *b,
              const char *issue_date)
{
  if (b->headline == NULL && b->section != NULL)
    b->headline = g_strdup (b->section);
  if (b->headline == NULL && b->first_text != NULL)
    b->headline = headline_from_text (b->first_text);

  bulletin_article_set_headline (b->article, b->headline);
  bulletin_article_set_kicker (b->article, b->kicker);
  bulletin_article_set_subtitle (b->article, b->subtitle);
  if (b->byline->len > 0 && b->byline->str[b->byline->len - 1] == ' ')
    g_string_truncate (b->byline, b->byline->len - 1);
  bulletin_article_set_byline (b->article, b->byline->str);
  bulletin_article_set_dateline (b->article, b->dateline);
  bulletin_article_set_located (b->article, b->located);
  bulletin_article_set_credit (b->article, b->credit->str);
  bulletin_article_set_date (b->article, issue_date);
}

static void
builder_clear (Builder *b)
{
  g_string_free (b->byline, TRUE);
  g_string_free (b->credit, TRUE);
  g_free (b->dateline);
  g_free (b->located);
  g_free (b->headline);
  g_free (b->kicker);
  g_free (b->subtitle);
  g_free (b->section);
  g_free (b->first_text);
}

static BulletinArticle *
build_article (const char *text,
               GBytes     *shared,
               GArray     *lines,
               GArray     *items,
               guint       from,
               guint       to,
               const char *issue_language,
               const char *issue_date,
               const char *page,
               const char *section_of_page)
{
  Builder b = { 0, };
  const Line *first = LINE (ITEM (from)->first), *last = LINE (ITEM (to)->last);
  const char *language;

  b.text = text;
  b.lines = lines;
  b.article = bulletin_article_new ();
  b.cbase = first->cstart;
  b.byline = g_string_new (NULL);
  b.credit = g_string_new (NULL);

  if (shared != NULL)
    {
      /* the article's text ends here: nothing after it is read again
       * but later articles', which start on later lines; the lines'
       * character offsets run on through the whole text */
      ((char *)text)[last->end] = 0;
      bulletin_article_set_source_shared (b.article, shared, first->start, last->end - first->start,
                                          last->cend - first->cstart);
    }
  else
    bulletin_article_set_source (b.article, text + first->start, last->end - first->start);

  for (guint i = from; i <= to; i++)
    add_item (&b, ITEM (i));
  set_metadata (&b, issue_date);
  bulletin_article_set_page (b.article, page);
  bulletin_article_set_section (b.article, section_of_page);

  language = bulletin_han_guess_language (text + first->start, last->end - first->start, 120);
  bulletin_article_set_language (b.article, language != NULL ? language : issue_language);

  bulletin_article_finish (b.article);
  builder_clear (&b);
  return b.article;
}

static BulletinParsedIssue *
segment (const char            *text,
         gsize                  len,
         GBytes                *shared,
         const char            *display_name,
         const BulletinLineFix *fixes,
         guint                  n_fixes,
         guint                 *head_only);

/**
 * bulletin_text_segment:
 *
 * Returns: (transfer full): the issue, its articles finished
 */
BulletinParsedIssue *
bulletin_text_segment (const char *text,
                       gsize       len,
                       const char *display_name)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  return segment (text, len, NULL, display_name, NULL, 0, NULL);
}

/**
 * bulletin_text_segment_shared:
 *
 * bulletin_text_segment () of the text in @text (NUL-terminated, its
 * length @len), whose articles keep their source in @text rather than
 * each in a copy.  @text is written: a NUL ends each article's part.
 *
 * Returns: (transfer full): the issue, its articles finished
 */
BulletinParsedIssue *
bulletin_text_segment_shared (GBytes     *text,
                              gsize       len,
                              const char *display_name)
{
  gsize size;
  const char *data = g_bytes_get_data (text, &size);

  g_return_val_if_fail (data != NULL && len < size && data[len] == 0, NULL);

  return segment (data, len, text, display_name, NULL, 0, NULL);
}

/**
 * bulletin_text_segment_fixed:
 *
 * Returns: (transfer full): the issue, its articles finished
 */
BulletinParsedIssue *
bulletin_text_segment_fixed (GBytes                *text,
                             gsize                  len,
                             const char            *display_name,
                             const BulletinLineFix *fixes,
                             guint                  n_fixes)
{
  gsize size;
  const char *data = g_bytes_get_data (text, &size);

  g_return_val_if_fail (data != NULL && len < size && data[len] == 0, NULL);
  g_return_val_if_fail (fixes != NULL || n_fixes == 0, NULL);

  return segment (data, len, text, display_name, fixes, n_fixes, NULL);
}

/**
 * bulletin_text_segment_title:
 *
 * The title that bulletin_text_segment () of @text would give its issue
 * (the masthead's), without building the articles: what a listing needs
 * of the first few KB of a file.  NULL when there is no masthead, or
 * when the segmenter would find no article (bulletin_text_parse () fails
 * then).
 *
 * Returns: (transfer full) (nullable): the title
 */
char *
bulletin_text_segment_title (const char *text,
                             gsize       len,
                             const char *display_name)
{
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  guint n_articles = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  parsed = segment (text, len, NULL, display_name, NULL, 0, &n_articles);
  if (n_articles == 0)
    return NULL;
  return g_steal_pointer (&parsed->title);
}

static BulletinParsedIssue *
segment (const char            *text,
         gsize                  len,
         GBytes                *shared,
         const char            *display_name,
         const BulletinLineFix *fixes,
         guint                  n_fixes,
         guint                 *head_only)
{
  g_autoptr(BulletinParsedIssue) parsed = bulletin_parsed_issue_new ();
  g_autoptr(GArray) lines = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GArray) marks = NULL;
  g_autoptr(GPtrArray) masthead_lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean separator = FALSE;
  guint first, n_articles, start, mark = 0;
  const char *language;

  lines = scan_lines (text, len, fixes, n_fixes);
  items = g_array_sized_new (FALSE, TRUE, sizeof (Item), lines->len);
  for (guint l = 0; l < lines->len; l++)
    {
      Item item = { l, l, BULLETIN_BLOCK_PARAGRAPH, FALSE, 0 };

      if (LINE (l)->kind == L_SEPARATOR)
        {
          separator = TRUE;
          continue;
        }
      if (LINE (l)->kind == L_FOLIO && items->len > 0)
        continue;
      item.after_separator = separator;
      separator = FALSE;
      g_array_append_val (items, item);
    }

  first = read_masthead (text, items, lines, parsed, masthead_lines);

  /* Folio lines at the very start that were not a masthead, and page
   * headers that repeat the masthead, are debris too. */
  {
    guint w = first;

    for (guint i = first; i < items->len; i++)
      {
        const Line *line = LINE (ITEM (i)->first);
        gboolean drop = line->kind == L_FOLIO;

        if (!drop && line->cend - line->cstart <= META_MAX &&
            ITEM (i)->first == ITEM (i)->last)
          drop = is_page_header (text, line, parsed, masthead_lines);
        if (!drop && ITEM (i)->first == ITEM (i)->last)
          drop = is_section_under_page (text, lines, ITEM (i)->first, parsed);
        if (drop)
          {
            /* so that a paragraph joined across it skips it */
            LINE (ITEM (i)->first)->kind = L_FOLIO;
            if (i + 1 < items->len && ITEM (i)->after_separator)
              ITEM (i + 1)->after_separator = TRUE;
            continue;
          }
        *ITEM (w++) = *ITEM (i);
      }
    g_array_set_size (items, w);
  }

  marks = find_page_marks (text, lines, first > 0 ? ITEM (first - 1)->last + 1 : 0, parsed);

  /* Work only on the items after the masthead. */
  if (first > 0)
    g_array_remove_range (items, 0, first);

  repair_page_breaks (items, lines);
  n_articles = group_articles (text, items, lines, 0);
  /* the masthead and the number of articles: nothing more to build */
  if (head_only != NULL)
    {
      *head_only = n_articles;
      return g_steal_pointer (&parsed);
    }

  language = bulletin_han_guess_language (text, len, 4000);
  parsed->language = g_strdup (language);
  if (parsed->date == NULL)
    parsed->date = bulletin_date_from_string (display_name);

  start = 0;
  for (guint a = 0; a < n_articles; a++)
    {
      guint end = start;
      BulletinArticle *article;
      const PageMark *place;
      const char *id;
      guint count;

      while (end + 1 < items->len && ITEM (end + 1)->article == a)
        end++;
      /* the page the article starts on */
      while (mark + 1 < marks->len &&
             g_array_index (marks, PageMark, mark + 1).line <= ITEM (start)->first)
        mark++;
      place = mark < marks->len && g_array_index (marks, PageMark, mark).line <= ITEM (start)->first
              ? &g_array_index (marks, PageMark, mark) : NULL;
      article = build_article (text, shared, lines, items, start, end, language, parsed->date,
                               place != NULL ? place->page : NULL,
                               place != NULL ? place->section : NULL);

      /* Two identical articles in one issue (a repeated photo caption)
       * still need ids of their own. */
      id = bulletin_article_get_id (article);
      count = GPOINTER_TO_UINT (g_hash_table_lookup (seen, id));
      g_hash_table_replace (seen, g_strdup (id), GUINT_TO_POINTER (count + 1));
      if (count > 0)
        {
          g_autofree char *suffix = g_strdup_printf ("-%u", count + 1);
          bulletin_article_set_id_suffix (article, suffix);
        }
      g_ptr_array_add (parsed->articles, article);
      start = end + 1;
    }

  return g_steal_pointer (&parsed);
}
