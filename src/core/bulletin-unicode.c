/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-unicode.h"

/* see bulletin-unicode.h */

gboolean
bulletin_unichar_is_unified_ideograph (gunichar c)
{
  if (c < 0x3400)
    return FALSE;
  if (bulletin_unichar_is_unified_ideograph_bmp (c))
    return TRUE;
  return (c >= 0x20000 && c <= 0x2A6DF) ||  /* Extension B */
         (c >= 0x2A700 && c <= 0x2EBEF) ||  /* Extensions C, D, E, F */
         (c >= 0x2EBF0 && c <= 0x2EE5F) ||  /* Extension I */
         (c >= 0x30000 && c <= 0x323AF) ||  /* Extensions G, H */
         (c >= 0x323B0 && c <= 0x3347F);    /* Extension J */
}

gboolean
bulletin_unichar_is_han_ideograph (gunichar c)
{
  return bulletin_unichar_is_unified_ideograph (c) ||
         (c >= 0xF900 && c <= 0xFAFF) ||    /* CJK Compatibility Ideographs */
         (c >= 0x2F800 && c <= 0x2FA1F);    /* ... Supplement */
}

gboolean
bulletin_unichar_is_han (gunichar c)
{
  if (c < 0x2E80)
    return FALSE;
  if (bulletin_unichar_is_han_ideograph (c))
    return TRUE;
  return (c >= 0x2E80 && c <= 0x2FDF) ||    /* radicals: supplement, Kangxi */
         c == 0x3005 || c == 0x3007 ||      /* 々 〇 */
         (c >= 0x3021 && c <= 0x3029) ||    /* Hangzhou numerals 〡..〩 */
         (c >= 0x3038 && c <= 0x303B) ||    /* 〸 〹 〺 〻 */
         c == 0x16FE2 || c == 0x16FE3 ||    /* old Chinese hook and iteration marks */
         c == 0x16FF0 || c == 0x16FF1;      /* Vietnamese alternate reading marks */
}

gboolean
bulletin_unichar_is_chinese_context (gunichar c)
{
  return bulletin_unichar_is_han (c) ||
         (c >= 0x3000 && c <= 0x303F) ||    /* CJK symbols and punctuation */
         (c >= 0xFF01 && c <= 0xFF60) ||    /* full-width forms */
         (c >= 0xFE30 && c <= 0xFE4F) ||    /* CJK compatibility forms */
         c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || /* “”‘’ */
         c == 0x2014 || c == 0x2026;        /* — … */
}

gboolean
bulletin_unichar_is_cjk (gunichar c)
{
  GUnicodeScript script;

  if (c < 0x2E80)
    return FALSE;
  if (bulletin_unichar_is_unified_ideograph_bmp (c))
    return TRUE;
  script = g_unichar_get_script (c);
  return script == G_UNICODE_SCRIPT_HAN ||
         script == G_UNICODE_SCRIPT_HIRAGANA ||
         script == G_UNICODE_SCRIPT_KATAKANA ||
         script == G_UNICODE_SCRIPT_HANGUL ||
         script == G_UNICODE_SCRIPT_BOPOMOFO;
}
