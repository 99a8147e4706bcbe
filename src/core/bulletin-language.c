/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-language.h"
#include "bulletin-unicode.h"

#define DETECT_MAX_CHARS 20000

/* Frequent characters that exist in one script only: the simplified form
 * of each pair on the left, the traditional one on the right.  A few dozen
 * frequent pairs are enough to tell a news story's script within its first
 * sentences. */
static const char simplified_only[] =
  "这个们来时为说国会对发过学经现动实机长进还种开问关头间样体点"
  "两电业员东门车们给听让见觉钱应该选团书议论军产历观环态农区华专价"
  "网络览爱报讯组织务层众边线设双级领导购买卖区县乡镇运输条济";
static const char traditional_only[] =
  "這個們來時為說國會對發過學經現動實機長進還種開問關頭間樣體點"
  "兩電業員東門車們給聽讓見覺錢應該選團書議論軍產歷觀環態農區華專價"
  "網絡覽愛報訊組織務層眾邊線設雙級領導購買賣區縣鄉鎮運輸條濟";

static GHashTable *
load_set (const char *chars)
{
  GHashTable *set = g_hash_table_new (NULL, NULL);

  for (const char *p = chars; *p; p = g_utf8_next_char (p))
    g_hash_table_add (set, GUINT_TO_POINTER (g_utf8_get_char (p)));
  return set;
}

static void
script_sets (GHashTable **simp,
             GHashTable **trad)
{
  static GHashTable *s_simp, *s_trad;

  if (g_once_init_enter (&s_simp))
    {
      GHashTable *a = load_set (simplified_only);
      GHashTable *b = load_set (traditional_only);
      GHashTableIter iter;
      gpointer key;

      /* Characters written alike in both lists (疫, 区 ...) say nothing. */
      g_hash_table_iter_init (&iter, a);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_hash_table_contains (b, key))
          {
            g_hash_table_remove (b, key);
            g_hash_table_iter_remove (&iter);
          }
      s_trad = b;
      g_once_init_leave (&s_simp, a);
    }
  *simp = s_simp;
  *trad = s_trad;
}

typedef struct {
  const char *tag;
  const char *words; /* space-separated frequent words, lower case */
  const char *letters; /* letters particular to the language */
} LatinLanguage;

static const LatinLanguage latin_languages[] = {
  { "en", "the and of to in is that for was with on as are by it from this be", "" },
  { "de", "der die und das ist nicht mit den von zu sich des auf ein eine für im dem", "äöüß" },
  { "sv", "och att det som en är av för med på inte till den har om var", "åäö" },
  { "no", "og i det som er en av for med på ikke til den har om var å", "åæø" },
  { "fr", "le la les et des est une un pour dans que qui sur pas par du", "éèàç" },
};

static const char *
detect_latin (const char *text,
              const char *end)
{
  guint scores[G_N_ELEMENTS (latin_languages)] = { 0 };
  const char *p = text;
  guint best = 0;

  while (p < end)
    {
      const char *word = p;
      g_autofree char *lower = NULL;

      while (p < end && g_unichar_isalpha (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p == word)
        {
          p = g_utf8_next_char (p);
          continue;
        }

      lower = g_utf8_strdown (word, p - word);
      for (guint i = 0; i < G_N_ELEMENTS (latin_languages); i++)
        {
          const char *w = latin_languages[i].words;
          gsize n = strlen (lower);

          while ((w = strstr (w, lower)) != NULL)
            {
              if ((w == latin_languages[i].words || w[-1] == ' ') &&
                  (w[n] == ' ' || w[n] == '\0'))
                {
                  scores[i] += 2;
                  break;
                }
              w += n;
            }
          for (const char *l = lower; *l; l = g_utf8_next_char (l))
            if (*latin_languages[i].letters &&
                g_utf8_strchr (latin_languages[i].letters, -1, g_utf8_get_char (l)))
              scores[i] += 1;
        }
    }

  for (guint i = 1; i < G_N_ELEMENTS (latin_languages); i++)
    if (scores[i] > scores[best])
      best = i;
  return scores[best] >= 4 ? latin_languages[best].tag : NULL;
}

const char *
bulletin_language_detect (const char *text,
                          gssize      len)
{
  GHashTable *simp, *trad;
  const char *p, *end;
  guint n = 0, n_han = 0, n_latin = 0, n_simp = 0, n_trad = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len < 0)
    len = strlen (text);
  end = text + len;
  script_sets (&simp, &trad);

  for (p = text; p < end && n < DETECT_MAX_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (bulletin_unichar_is_han (c))
        {
          n_han++;
          if (g_hash_table_contains (simp, GUINT_TO_POINTER (c)))
            n_simp++;
          else if (g_hash_table_contains (trad, GUINT_TO_POINTER (c)))
            n_trad++;
        }
      else if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_LATIN)
        n_latin++;
    }

  if (n_han > 0 && n_han * 4 >= n_latin)
    return n_trad > n_simp ? "zh-Hant" : "zh-Hans";
  if (n_latin > 0)
    return detect_latin (text, p);
  return NULL;
}

BulletinScript
bulletin_language_get_script (const char *bcp47,
                              const char *text,
                              gssize      len)
{
  g_auto(GStrv) subtags = NULL;
  const char *detected;

  if (bcp47 != NULL && *bcp47 != '\0')
    {
      subtags = g_strsplit_set (bcp47, "-_", -1);
      if (g_ascii_strcasecmp (subtags[0], "zh") != 0 &&
          g_ascii_strcasecmp (subtags[0], "cmn") != 0 &&
          g_ascii_strcasecmp (subtags[0], "yue") != 0)
        return BULLETIN_SCRIPT_LATIN;

      for (guint i = 1; subtags[i] != NULL; i++)
        {
          const char *s = subtags[i];

          if (g_ascii_strcasecmp (s, "hk") == 0 || g_ascii_strcasecmp (s, "mo") == 0)
            return BULLETIN_SCRIPT_HANT_HK;
          if (g_ascii_strcasecmp (s, "tw") == 0)
            return BULLETIN_SCRIPT_HANT;
          if (g_ascii_strcasecmp (s, "cn") == 0 || g_ascii_strcasecmp (s, "sg") == 0 ||
              g_ascii_strcasecmp (s, "my") == 0)
            return BULLETIN_SCRIPT_HANS;
        }
      /* A script subtag, when there is no region to decide. */
      for (guint i = 1; subtags[i] != NULL; i++)
        {
          if (g_ascii_strcasecmp (subtags[i], "hant") == 0)
            return BULLETIN_SCRIPT_HANT;
          if (g_ascii_strcasecmp (subtags[i], "hans") == 0)
            return BULLETIN_SCRIPT_HANS;
        }
    }

  if (text == NULL)
    return subtags != NULL ? BULLETIN_SCRIPT_HANS : BULLETIN_SCRIPT_LATIN;

  detected = bulletin_language_detect (text, len);
  if (g_strcmp0 (detected, "zh-Hant") == 0)
    return BULLETIN_SCRIPT_HANT;
  if (g_strcmp0 (detected, "zh-Hans") == 0 || subtags != NULL)
    return BULLETIN_SCRIPT_HANS;
  return BULLETIN_SCRIPT_LATIN;
}

/**
 * bulletin_language_to_font_tag:
 *
 * Returns: (transfer full): the tag for the font stack
 */
char *
bulletin_language_to_font_tag (const char *bcp47,
                               const char *text,
                               gssize      len)
{
  const char *dash;

  switch (bulletin_language_get_script (bcp47, text, len))
    {
    case BULLETIN_SCRIPT_HANS:
      return g_strdup ("zh-cn");
    case BULLETIN_SCRIPT_HANT:
      return g_strdup ("zh-tw");
    case BULLETIN_SCRIPT_HANT_HK:
      return g_strdup ("zh-hk");
    case BULLETIN_SCRIPT_LATIN:
    default:
      break;
    }

  if (bcp47 == NULL || *bcp47 == '\0')
    {
      bcp47 = text != NULL ? bulletin_language_detect (text, len) : NULL;
      if (bcp47 == NULL)
        return g_strdup ("en");
    }
  /* Norwegian: fontconfig and hyphenation tables know "nb" and "nn"
   * under "no" as well, so the primary subtag is enough. */
  dash = strpbrk (bcp47, "-_");
  return g_ascii_strdown (bcp47, dash != NULL ? dash - bcp47 : -1);
}
