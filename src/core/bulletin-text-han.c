/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-text-han.h"
#include "bulletin-unicode.h"

/* Bit sets over U+3400..U+9FFF: the CJK unified ideographs and extension A,
 * where every character of GB2312 and Big5 lies. */
#define HAN_FIRST 0x3400
#define HAN_LAST  0x9FFF
#define HAN_WORDS (((HAN_LAST - HAN_FIRST + 1) + 31) / 32)

typedef struct {
  guint32 gb_common[HAN_WORDS];
  guint32 gb_all[HAN_WORDS];
  guint32 big5_common[HAN_WORDS];
  guint32 big5_all[HAN_WORDS];
} HanTables;

static HanTables *tables;

static inline void
set_bit (guint32  *set,
         gunichar  c)
{
  if (c >= HAN_FIRST && c <= HAN_LAST)
    set[(c - HAN_FIRST) / 32] |= 1u << ((c - HAN_FIRST) % 32);
}

/* Decodes the two-byte code @hi @lo of @conv and marks the character. */
static void
mark (GIConv    conv,
      guchar    hi,
      guchar    lo,
      guint32  *set_a,
      guint32  *set_b)
{
  char in[2] = { (char)hi, (char)lo };
  char out[16];
  char *inp = in, *outp = out;
  gsize in_left = 2, out_left = sizeof out;
  gunichar c;

  g_iconv (conv, NULL, NULL, NULL, NULL);
  if (g_iconv (conv, &inp, &in_left, &outp, &out_left) == (gsize)-1 || in_left != 0)
    return;
  *outp = 0;
  c = g_utf8_get_char_validated (out, outp - out);
  if (c == (gunichar)-1 || c == (gunichar)-2)
    return;
  set_bit (set_a, c);
  if (set_b != NULL)
    set_bit (set_b, c);
}

static void
build_tables (HanTables *t)
{
  GIConv conv;

  conv = g_iconv_open ("UTF-8", "GB2312");
  if (conv != (GIConv)-1)
    {
      /* Han rows B0-F7; level 1 (by frequency) is B0-D7. */
      for (guint hi = 0xB0; hi <= 0xF7; hi++)
        for (guint lo = 0xA1; lo <= 0xFE; lo++)
          mark (conv, hi, lo, t->gb_all, hi <= 0xD7 ? t->gb_common : NULL);
      g_iconv_close (conv);
    }

  conv = g_iconv_open ("UTF-8", "BIG5");
  if (conv != (GIConv)-1)
    {
      /* Han from A440; frequently used A440-C67E, less used C940-F9D5. */
      for (guint hi = 0xA4; hi <= 0xF9; hi++)
        {
          for (guint lo = 0x40; lo <= 0xFE; lo++)
            {
              gboolean common = (hi < 0xC6) || (hi == 0xC6 && lo <= 0x7E);

              if (lo > 0x7E && lo < 0xA1)
                continue;
              mark (conv, hi, lo, t->big5_all, common ? t->big5_common : NULL);
            }
        }
      g_iconv_close (conv);
    }
}

static void
ensure_tables (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      tables = g_new0 (HanTables, 1);
      build_tables (tables);
      g_once_init_leave (&once, 1);
    }
}

BulletinHanFlags
bulletin_han_classify (gunichar c)
{
  BulletinHanFlags flags;
  gboolean gb, big5;
  guint i, bit;

  if (!bulletin_unichar_is_unified_ideograph_bmp (c))
    return bulletin_unichar_is_han_ideograph (c) ? BULLETIN_HAN_ANY : BULLETIN_HAN_NONE;

  ensure_tables ();
  i = (c - HAN_FIRST) / 32;
  bit = 1u << ((c - HAN_FIRST) % 32);

  flags = BULLETIN_HAN_ANY;
  if ((tables->gb_common[i] | tables->big5_common[i]) & bit)
    flags |= BULLETIN_HAN_COMMON;
  gb = (tables->gb_all[i] & bit) != 0;
  big5 = (tables->big5_all[i] & bit) != 0;
  if (gb && !big5)
    flags |= BULLETIN_HAN_SIMPLIFIED;
  else if (big5 && !gb)
    flags |= BULLETIN_HAN_TRADITIONAL;
  return flags;
}

const char *
bulletin_han_guess_language (const char *text,
                             gsize       len,
                             guint       max_han)
{
  const char *p = text, *end = text + len;
  guint n_han = 0, simplified = 0, traditional = 0;

  while (p < end && n_han < max_han)
    {
      gunichar c;
      BulletinHanFlags flags;

      if ((guchar)*p < 0xE3)   /* below U+3000: no Han */
        {
          p++;
          continue;
        }
      if (((guchar)*p & 0xF0) == 0xE0 && end - p >= 3)
        {
          c = (((guchar)p[0] & 0x0F) << 12) | (((guchar)p[1] & 0x3F) << 6) | ((guchar)p[2] & 0x3F);
          p += 3;
        }
      else
        {
          c = g_utf8_get_char (p);
          p = g_utf8_next_char (p);
        }
      if (c < HAN_FIRST)
        continue;
      flags = bulletin_han_classify (c);
      if (flags == BULLETIN_HAN_NONE)
        continue;
      n_han++;
      if (flags & BULLETIN_HAN_SIMPLIFIED)
        simplified++;
      else if (flags & BULLETIN_HAN_TRADITIONAL)
        traditional++;
    }

  if (n_han == 0)
    return NULL;
  return traditional > simplified ? "zh-Hant" : "zh-Hans";
}
