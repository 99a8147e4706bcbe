/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-unicode.h"

/* The character classes of bulletin-unicode.h on the code points at the
 * edges of their ranges. */

typedef struct {
  gunichar c;
  gboolean unified;
  gboolean ideograph;
  gboolean han;
  gboolean context;
  gboolean cjk;
} Row;

static const Row rows[] = {
  /*  c         unified ideogr. han    context cjk */
  { 'A',        FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x2E7F,     FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x2E80,     FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* ⺀ first radical */
  { 0x2FD5,     FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* ⿕ last Kangxi radical */
  { 0x2FF0,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ⿰ description character */
  { 0x3000,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ideographic space */
  { 0x3001,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* 、 */
  { 0x3005,     FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* 々 */
  { 0x3007,     FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* 〇 */
  { 0x3021,     FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* 〡 */
  { 0x303B,     FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* 〻 */
  { 0x303F,     FALSE, FALSE, FALSE, TRUE,  FALSE },
  { 0x3041,     FALSE, FALSE, FALSE, FALSE, TRUE  },  /* ぁ */
  { 0x3105,     FALSE, FALSE, FALSE, FALSE, TRUE  },  /* ㄅ */
  { 0x33FF,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ㏿ */
  { 0x3400,     TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* 㐀 extension A */
  { 0x4DBF,     TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },
  { 0x4DC0,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ䷀ hexagram */
  { 0x4DFF,     FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x4E00,     TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* 一 */
  { 0x570B,     TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* 國 */
  { 0x9FA5,     TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* last of Unicode 1.1 */
  { 0x9FFF,     TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },
  { 0xA000,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ꀀ Yi */
  { 0xAC00,     FALSE, FALSE, FALSE, FALSE, TRUE  },  /* 가 */
  { 0xF8FF,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* private use */
  { 0xF900,     FALSE, TRUE,  TRUE,  TRUE,  TRUE  },  /* 豈 compatibility */
  { 0xFAD9,     FALSE, TRUE,  TRUE,  TRUE,  TRUE  },
  { 0xFB00,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ﬀ */
  { 0xFE2F,     FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0xFE30,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ︰ compatibility forms */
  { 0xFE4F,     FALSE, FALSE, FALSE, TRUE,  FALSE },
  { 0xFE50,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ﹐ small forms */
  { 0xFF00,     FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0xFF01,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ！ */
  { 0xFF0C,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ， */
  { 0xFF60,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ｠ */
  { 0xFF61,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* ｡ half-width */
  { 0x2018,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ‘ */
  { 0x201D,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* ” */
  { 0x2014,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* — */
  { 0x2026,     FALSE, FALSE, FALSE, TRUE,  FALSE },  /* … */
  { 0x2013,     FALSE, FALSE, FALSE, FALSE, FALSE },  /* – */
  { 0x16FE2,    FALSE, FALSE, TRUE,  TRUE,  TRUE  },  /* old Chinese hook mark */
  { 0x1FFFF,    FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x20000,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* 𠀀 extension B */
  { 0x2A6DF,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },
  { 0x2A6E0,    FALSE, FALSE, FALSE, FALSE, FALSE },  /* between B and C */
  { 0x2A700,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension C */
  { 0x2B740,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension D */
  { 0x2B820,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension E */
  { 0x2CEB0,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension F */
  { 0x2EBE0,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* last of F */
  { 0x2EBF0,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension I (Unicode 15.1) */
  { 0x2EE5F,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },
  { 0x2EE60,    FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x2F7FF,    FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x2F800,    FALSE, TRUE,  TRUE,  TRUE,  TRUE  },  /* 丽 compatibility supplement */
  { 0x2FA1D,    FALSE, TRUE,  TRUE,  TRUE,  TRUE  },
  { 0x2FA20,    FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x2FFFF,    FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0x30000,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension G */
  { 0x31350,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension H */
  { 0x323AF,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },
  { 0x323B0,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },  /* extension J (Unicode 17) */
  { 0x3347F,    TRUE,  TRUE,  TRUE,  TRUE,  TRUE  },
  { 0x33480,    FALSE, FALSE, FALSE, FALSE, FALSE },
  { 0xE0100,    FALSE, FALSE, FALSE, FALSE, FALSE },  /* variation selector */
};

static void
test_boundaries (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const Row *r = &rows[i];

      g_test_message ("U+%04X", r->c);
      g_assert_cmpint (bulletin_unichar_is_unified_ideograph (r->c), ==, r->unified);
      g_assert_cmpint (bulletin_unichar_is_unified_ideograph_bmp (r->c), ==, r->unified && r->c <= 0xFFFF);
      g_assert_cmpint (bulletin_unichar_is_han_ideograph (r->c), ==, r->ideograph);
      g_assert_cmpint (bulletin_unichar_is_han (r->c), ==, r->han);
      g_assert_cmpint (bulletin_unichar_is_chinese_context (r->c), ==, r->context);
      /* the tokenizer's class follows GLib's scripts beyond the BMP's
       * unified ideographs: only what this GLib knows */
      if (r->c <= 0xFFFF || g_unichar_get_script (r->c) != G_UNICODE_SCRIPT_UNKNOWN)
        g_assert_cmpint (bulletin_unichar_is_cjk (r->c), ==, r->cjk);
    }
}

/* Han is the Han script of the Unicode standard: every character GLib
 * knows agrees (a newer Unicode with Han beyond these ranges fails here,
 * which is the time to add them) */
static void
test_han_is_the_script (void)
{
  for (gunichar c = 0; c <= 0x10FFFF; c++)
    {
      GUnicodeScript script = g_unichar_get_script (c);

      if (script == G_UNICODE_SCRIPT_UNKNOWN)
        continue;
      if ((script == G_UNICODE_SCRIPT_HAN) != bulletin_unichar_is_han (c))
        g_error ("U+%04X: script %d, bulletin_unichar_is_han () %d",
                 c, script, bulletin_unichar_is_han (c));
      if (bulletin_unichar_is_han_ideograph (c))
        g_assert_true (bulletin_unichar_is_cjk (c));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/unicode/boundaries", test_boundaries);
  g_test_add_func ("/unicode/han-is-the-script", test_han_is_the_script);

  return g_test_run ();
}
