/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-test-utils.h"
#include "bulletin-text-decoder.h"
#include "bulletin-text-han.h"
#include "bulletin-text-import.h"

static BulletinDecodedText *
decode_ok (const char *data,
           gsize       len)
{
  g_autoptr(GError) error = NULL;
  BulletinDecodedText *decoded = bulletin_text_decode (data, len, "t.txt", &error);

  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  return decoded;
}

static void
test_boms (void)
{
  g_autoptr(BulletinDecodedText) utf8 = decode_ok ("\xEF\xBB\xBF标题\r\n正文\r尾", strlen ("\xEF\xBB\xBF标题\r\n正文\r尾"));
  g_autoptr(BulletinDecodedText) le = decode_ok ("\xFF\xFE\x07\x68\x98\x98\r\0\n\0", 10);
  g_autoptr(BulletinDecodedText) be = decode_ok ("\xFE\xFF\x68\x07\x98\x98\0\n", 8);

  g_assert_cmpstr (utf8->text, ==, "标题\n正文\n尾");
  g_assert_cmpstr (utf8->encoding, ==, "UTF-8");
  g_assert_cmpstr (le->text, ==, "标题\n");
  g_assert_cmpstr (le->encoding, ==, "UTF-16LE");
  g_assert_cmpstr (be->text, ==, "标题\n");
  g_assert_cmpstr (be->encoding, ==, "UTF-16BE");
}

/* GB18030 and Big5 bytes of the same texts are each recognised. */
static void
test_legacy (void)
{
  static const char *simplified = "社区长者食堂本周起推出秋季新菜单，每天提供两款荤菜、两款素菜和一款汤品。";
  static const char *traditional = "社區長者食堂本週起推出秋季新菜單，每天提供兩款葷菜、兩款素菜和一款湯品。";
  g_autofree char *gb = g_convert (simplified, -1, "GB18030", "UTF-8", NULL, NULL, NULL);
  g_autofree char *big5 = g_convert (traditional, -1, "BIG5", "UTF-8", NULL, NULL, NULL);
  g_autofree char *gb2312 = g_convert (simplified, -1, "GB2312", "UTF-8", NULL, NULL, NULL);
  g_autoptr(BulletinDecodedText) d1 = decode_ok (gb, strlen (gb));
  g_autoptr(BulletinDecodedText) d2 = decode_ok (big5, strlen (big5));
  g_autoptr(BulletinDecodedText) d3 = decode_ok (gb2312, strlen (gb2312));

  g_assert_cmpstr (d1->encoding, ==, "GB18030");
  g_assert_cmpstr (d1->text, ==, simplified);
  g_assert_cmpstr (d2->encoding, ==, "Big5");
  g_assert_cmpstr (d2->text, ==, traditional);
  /* GB2312 bytes are valid Big5 too: the plausible reading wins */
  g_assert_cmpstr (d3->encoding, ==, "GB18030");
  g_assert_cmpstr (d3->text, ==, simplified);
}

static void
test_scores (void)
{
  g_assert_cmpfloat (bulletin_text_score_chinese ("天气转凉,注意保暖。", strlen ("天气转凉,注意保暖。"), NULL), >, 0.9);
  g_assert_cmpfloat (bulletin_text_score_chinese ("\xEE\x80\x80\xEE\x80\x81" "丂丄", 10, NULL), <, 0.5);
  g_assert_cmpstr (bulletin_han_guess_language ("这是简体中文", strlen ("这是简体中文"), 100), ==, "zh-Hans");
  g_assert_cmpstr (bulletin_han_guess_language ("這是繁體中文", strlen ("這是繁體中文"), 100), ==, "zh-Hant");
  g_assert_null (bulletin_han_guess_language ("only latin", 10, 100));
  g_assert_true (bulletin_han_classify (0x8FD9) & BULLETIN_HAN_SIMPLIFIED);   /* 这 */
  g_assert_true (bulletin_han_classify (0x9019) & BULLETIN_HAN_TRADITIONAL);  /* 這 */
  g_assert_true (bulletin_han_classify (0x7684) & BULLETIN_HAN_COMMON);       /* 的 */
}

/* The table decoder gives what iconv gives, on every kind of code:
 * ASCII, two-byte Han and symbols, private use, four-byte codes. */
static void
test_gb18030_table (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autofree char *gb = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;
      gsize gb_len = 0, expected_len = 0, got_len = 0;

      for (guint i = 0; i < 300; i++)
        {
          gunichar c;

          switch (g_rand_int_range (rand, 0, 7))
            {
            case 0: c = g_rand_int_range (rand, 0x20, 0x7F); break;
            case 1: case 2: c = g_rand_int_range (rand, 0x4E00, 0x9FA6); break;
            case 3: c = g_rand_int_range (rand, 0x3000, 0x3040); break;
            case 4: c = g_rand_int_range (rand, 0xE000, 0xE766); break;
            case 5: c = g_rand_int_range (rand, 0x00C0, 0x0250); break;
            default: c = g_rand_int_range (rand, 0x20000, 0x20100); break;
            }
          g_string_append_unichar (s, c);
        }
      gb = g_convert (s->str, s->len, "GB18030", "UTF-8", NULL, &gb_len, NULL);
      g_assert_nonnull (gb);
      expected = g_convert (gb, gb_len, "UTF-8", "GB18030", NULL, &expected_len, NULL);
      got = bulletin_text_decode_gb18030 (gb, gb_len, &got_len);
      g_assert_nonnull (got);
      g_assert_cmpmem (got, got_len, expected, expected_len);
    }

  /* invalid and cut sequences are left to iconv */
  g_assert_null (bulletin_text_decode_gb18030 ("\x81", 1, NULL));
  g_assert_null (bulletin_text_decode_gb18030 ("a\xFF\x40", 3, NULL));
  g_assert_null (bulletin_text_decode_gb18030 ("\x81\x30\x81", 3, NULL));
  g_rand_free (rand);
}

/* bulletin_text_decode_utf8 () of valid UTF-8 gives what
 * bulletin_text_decode () gives: text, encoding, replacements, errors. */
static void
test_decode_utf8 (void)
{
  static const struct { const char *data; gsize len; } cases[] = {
    { "河畔社区通讯\n第42期\n", 0 },
    { "\xEF\xBB\xBF" "河畔社区通讯\r\n正文\r\n", 0 },
    { "line\r\nother\rlast", 0 },
    { "", 0 },
    { "\xEF\xBB\xBF", 0 },
    { "a\0b\0c\n", 6 },                     /* NULs: not taken as UTF-8 */
    { "\x01\x02\x03\x04\x05\x06", 0 },        /* control characters: binary */
    { "%PDF-1.7\n", 0 },                       /* a magic number: binary */
    { "\t\x1b[1m粗体\x1b[0m\n", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = cases[i].len != 0 ? cases[i].len : strlen (cases[i].data);
      g_autoptr(GError) error_a = NULL;
      g_autoptr(GError) error_b = NULL;
      g_autoptr(BulletinDecodedText) a = bulletin_text_decode (cases[i].data, len, "x.txt", &error_a);
      g_autoptr(BulletinDecodedText) b = bulletin_text_decode_utf8 (cases[i].data, len, "x.txt", &error_b);

      g_assert_true ((a == NULL) == (b == NULL));
      if (a == NULL)
        {
          g_assert_nonnull (error_a);
          g_assert_error (error_b, error_a->domain, error_a->code);
          g_assert_cmpstr (error_b->message, ==, error_a->message);
          continue;
        }
      g_assert_cmpmem (b->text, b->len, a->text, a->len);
      g_assert_cmpint (b->text[b->len], ==, 0);
      g_assert_cmpstr (b->encoding, ==, a->encoding);
      g_assert_cmpuint (b->n_replaced, ==, a->n_replaced);
    }
}

/* Control characters make binary data when there are more than two and
 * more than 1 % of the sample, wherever they fall in the bytes (the
 * check goes eight bytes at a time); tabs, line ends, form feeds, ^Z and
 * escapes are no such characters. */
static void
test_binary_controls (void)
{
  for (guint shift = 0; shift < 16; shift++)
    for (guint n = 2; n <= 3; n++)
      for (guint len = 200; len <= 400; len += 200)
        {
          g_autofree char *data = g_malloc (len);
          g_autoptr(GError) error = NULL;
          g_autoptr(BulletinDecodedText) decoded = NULL;
          gboolean binary = n > 2 && n * 100 > len;

          memset (data, 'a', len);
          /* allowed controls everywhere do not count */
          for (guint i = 3; i < len; i += 11)
            data[i] = "\t\n\r\f\v\x1a\x1b"[i % 7];
          for (guint k = 0; k < n; k++)
            data[shift + k * 9] = (char)(1 + k);
          decoded = bulletin_text_decode (data, len, "x.txt", &error);
          if (binary)
            {
              g_assert_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_BINARY);
              g_assert_null (decoded);
            }
          else
            {
              g_assert_no_error (error);
              g_assert_nonnull (decoded);
            }
        }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/text-decoder/boms", test_boms);
  g_test_add_func ("/bulletin/text-decoder/legacy", test_legacy);
  g_test_add_func ("/bulletin/text-decoder/scores", test_scores);
  g_test_add_func ("/bulletin/text-decoder/gb18030-table", test_gb18030_table);
  g_test_add_func ("/bulletin/text-decoder/decode-utf8", test_decode_utf8);
  g_test_add_func ("/bulletin/text-decoder/binary-controls", test_binary_controls);
  return g_test_run ();
}
