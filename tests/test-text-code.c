/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-search-index-private.h"
#include "bulletin-test-utils.h"

/* The stored texts' code (bulletin-search-index-chars.c): texts recoded
 * by character rank round-trip exactly, whatever their characters; a
 * damaged code or table is reported, never read past. */

static const char *training =
  "疫情防控工作领导小组召开会议，研究部署下一阶段的工作。会议指出，"
  "各地区各部门要坚持人民至上、生命至上。\n\n"
  "The committee met on Monday (2021-03-04) at 9:30.\n"
  "社区、学校、医院的防控措施要落实到位。国家卫生健康委员会发布通知。";

typedef struct {
  GBytes    *chars;
  CharTable  table;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->chars = char_table_train (training, strlen (training));
  g_assert_true (char_table_init (&f->table, g_bytes_get_data (f->chars, NULL), g_bytes_get_size (f->chars)));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  char_table_clear (&f->table);
  g_bytes_unref (f->chars);
}

static GByteArray *
encode (CharTable  *t,
        const char *text,
        gsize       len)
{
  GByteArray *code = g_byte_array_new ();

  char_table_encode (t, text, len, code);
  return code;
}

/* the text of @code, or NULL when it is not one of @text_len bytes; in a
 * buffer of exactly the room decode () may use */
static char *
decode (const CharTable *t,
        const guint8    *code,
        gsize            len,
        gsize            text_len)
{
  g_autofree char *out = g_malloc (text_len + 4);

  if (!char_table_decode (t, code, len, out, text_len))
    return NULL;
  g_assert_cmpint (out[text_len], ==, 0);
  return g_steal_pointer (&out);
}

static void
assert_round_trip (CharTable  *t,
                   const char *text,
                   gsize       len)
{
  g_autoptr(GByteArray) code = encode (t, text, len);
  g_autofree char *back = decode (t, code->data, code->len, len);

  /* never longer than twice the text */
  g_assert_cmpuint (code->len, <=, 2 * len + 1);
  g_assert_nonnull (back);
  g_assert_cmpmem (back, len, text, len);
  /* one byte fewer of code, or a text one byte longer or shorter: damaged */
  if (code->len > 0)
    g_assert_null (decode (t, code->data, code->len - 1, len));
  g_assert_null (decode (t, code->data, code->len, len + 1));
  if (len > 0)
    g_assert_null (decode (t, code->data, code->len, len - 1));
}

/* The training text's characters are ranked by frequency: Chinese of the
 * text one byte a character, its most frequent first */
static void
test_table (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GByteArray) code = NULL;
  const char *text = "工研";

  g_assert_cmpuint (f->table.n, >, 60);
  g_assert_cmpuint (f->table.n, <, CHARS_ONE_BYTE);
  code = encode (&f->table, text, strlen (text));
  g_assert_cmpuint (code->len, ==, 2);
  /* three times in the text, before once */
  g_assert_cmpuint (code->data[0], <, code->data[1]);
  assert_round_trip (&f->table, training, strlen (training));
}

/* Random strings of the table's characters, ASCII with its control
 * characters, newlines, Latin-1, the BMP and astral characters */
static void
test_random (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  CharTable empty;

  g_assert_true (char_table_init (&empty, NULL, 0));
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 200);

      for (guint k = 0; k < n; k++)
        {
          gunichar c;

          switch (g_rand_int_range (rand, 0, 6))
            {
            case 0:
            case 1:
              c = g_utf8_get_char ((const char *)&f->table.utf8[g_rand_int_range (rand, 0, f->table.n)]);
              break;
            case 2:
              c = g_rand_boolean (rand) ? '\n' : g_rand_int_range (rand, 1, 0x80);
              break;
            case 3:
              c = g_rand_int_range (rand, 0x80, 0x800);
              break;
            case 4:
              do
                c = g_rand_int_range (rand, 0x800, 0x10000);
              while (c >= 0xD800 && c <= 0xDFFF);
              break;
            default:
              c = g_rand_int_range (rand, 0x10000, 0x110000);
              break;
            }
          g_string_append_unichar (s, c);
        }
      assert_round_trip (&f->table, s->str, s->len);
      assert_round_trip (&empty, s->str, s->len);
    }
  char_table_clear (&empty);
}

/* Every Unicode scalar value but NUL, in one text, with the table and
 * without one; a text that is not valid UTF-8, as it is */
static void
test_every_character (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GString) s = g_string_new (NULL);
  static const char not_utf8[] = "abc\xff\xfe 疫情\xe4\xb8 \0x";
  g_autoptr(GByteArray) code = NULL;

  for (gunichar c = 1; c < 0x110000; c++)
    if (c < 0xD800 || c > 0xDFFF)
      g_string_append_unichar (s, c);
  assert_round_trip (&f->table, s->str, s->len);

  assert_round_trip (&f->table, not_utf8, sizeof not_utf8);
  code = encode (&f->table, not_utf8, sizeof not_utf8);
  g_assert_cmpuint (code->data[0], ==, 255);
}

/* Damaged code: a bad escape, a rank past the table, the raw mark
 * inside, a truncated code */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  guint n = f->table.n;
  const struct {
    guint8 code[5];
    gsize  len;
    gsize  text_len;
  } bad[] = {
    { { n }, 1, 3 },                              /* one byte, past the table */
    { { CHARS_ONE_BYTE, 0 }, 2, 3 },              /* two bytes, past it */
    { { 251, 255 }, 2, 3 },
    { { CHARS_ONE_BYTE }, 1, 3 },                 /* truncated */
    { { 252 }, 1, 1 },
    { { 253, 0x4e }, 2, 3 },
    { { 254, 0x01, 0x00 }, 3, 4 },
    { { 253, 0x00, 0x41 }, 3, 1 },                /* not the shortest escape */
    { { 254, 0x00, 0x4e, 0x00 }, 4, 3 },
    { { 253, 0xd8, 0x00 }, 3, 3 },                /* a surrogate */
    { { 254, 0x11, 0x00, 0x00 }, 4, 4 },          /* past Unicode */
    { { 252, 'a', 255, 'b' }, 4, 2 },             /* the raw mark inside */
    { { 255, 'a' }, 2, 2 },                       /* raw, of another length */
    { { 0, 0 }, 2, 1000 },                        /* too short a text */
  };
  static const guint8 escaped[] = { 252, 'a', 253, 0x4e, 0x00, 254, 0x02, 0x00, 0x00 };
  g_autofree char *good = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (decode (&f->table, bad[i].code, bad[i].len, bad[i].text_len));
  /* the same escapes, right */
  good = decode (&f->table, escaped, sizeof escaped, 8);
  g_assert_cmpstr (good, ==, "a一\xf0\xa0\x80\x80");
}

/* Random code, of random lengths: decoded or refused, and never written
 * or read beyond its buffers (the sanitizer build) */
static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1500);

  for (guint i = 0; i < 20000; i++)
    {
      gsize len = g_rand_int_range (rand, 0, 64);
      gsize text_len = g_rand_int_range (rand, 0, 128);
      g_autofree guint8 *code = g_malloc (len + 1);
      g_autofree char *text = NULL;

      for (gsize k = 0; k < len; k++)
        code[k] = g_rand_int_range (rand, 0, 256);
      text = decode (&f->table, code, len, text_len);
      if (text != NULL)
        g_assert_true (code[0] == 255 || g_utf8_validate_len (text, text_len, NULL));
    }
}

/* a table of @chars (@len bytes) with its checksum, right or not */
static GBytes *
table_bytes (const char *chars,
             gsize       len)
{
  guint64 h = CRC_START;
  GByteArray *a = g_byte_array_new ();

  crc_add (&h, chars, len);
  g_byte_array_append (a, (const guint8 *)chars, len);
  for (guint i = 0; i < 8; i++)
    {
      guint8 b = h >> (8 * i);

      g_byte_array_append (a, &b, 1);
    }
  return g_byte_array_free_to_bytes (a);
}

/* A damaged table: not UTF-8, a NUL inside, a character changed for
 * another (its checksum), cut short; and a decompressor with one reads
 * no text */
static void
test_damaged_table (void)
{
  CharTable t;
  Decompressor z = { 0 };
  Compressor c = { 0 };
  g_autoptr(GBytes) chars = char_table_train (training, strlen (training));
  g_autoptr(GBytes) not_utf8 = table_bytes ("ab\xff", 3);
  g_autoptr(GBytes) nul = table_bytes ("ab\0c", 4);
  g_autoptr(GBytes) other = table_bytes ("ab", 2);
  g_autofree guint8 *changed = g_memdup2 (g_bytes_get_data (chars, NULL), g_bytes_get_size (chars));
  const guint8 *compressed;
  gsize len = 0;

  g_assert_true (char_table_init (&t, g_bytes_get_data (other, NULL), g_bytes_get_size (other)));
  g_assert_cmpuint (t.n, ==, 2);
  char_table_clear (&t);
  g_assert_false (char_table_init (&t, g_bytes_get_data (not_utf8, NULL), g_bytes_get_size (not_utf8)));
  g_assert_cmpuint (t.n, ==, 0);
  char_table_clear (&t);
  g_assert_false (char_table_init (&t, g_bytes_get_data (nul, NULL), g_bytes_get_size (nul)));
  char_table_clear (&t);
  /* the first character for another of the same length (the last bit
   * of its last byte): still a table of valid UTF-8 */
  changed[g_utf8_next_char ((const char *)changed) - (const char *)changed - 1] ^= 1;
  g_assert_true (g_utf8_validate_len ((const char *)changed, g_bytes_get_size (chars) - 8, NULL));
  g_assert_false (char_table_init (&t, changed, g_bytes_get_size (chars)));
  char_table_clear (&t);
  g_assert_false (char_table_init (&t, g_bytes_get_data (chars, NULL), g_bytes_get_size (chars) - 1));
  char_table_clear (&t);
  g_assert_false (char_table_init (&t, (const guint8 *)"ab", 2));
  char_table_clear (&t);

  compressor_set_dictionary (&c, NULL, 0, g_bytes_get_data (chars, NULL), g_bytes_get_size (chars));
  compressed = compressor_run (&c, training, strlen (training), &len);
  decompressor_set_dictionary (&z, NULL, 0, g_bytes_get_data (chars, NULL), g_bytes_get_size (chars));
  g_assert_cmpstr (decompressor_run (&z, compressed, len, strlen (training)), ==, training);
  decompressor_set_dictionary (&z, NULL, 0, changed, g_bytes_get_size (chars));
  g_assert_null (decompressor_run (&z, compressed, len, strlen (training)));
  /* another table: ranks past it, or other characters of other lengths */
  decompressor_set_dictionary (&z, NULL, 0, g_bytes_get_data (other, NULL), g_bytes_get_size (other));
  g_assert_null (decompressor_run (&z, compressed, len, strlen (training)));
  decompressor_clear (&z);
  compressor_clear (&c);
}

/* zstd and the code together, with a dictionary trained on recoded
 * texts: texts round-trip; truncated or corrupted compressed text is
 * refused */
static void
test_compressed (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GByteArray) code = g_byte_array_new ();
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr(GBytes) dictionary = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Compressor c = { 0 };
  Decompressor z = { 0 };

  for (guint i = 0; i < 40; i++)
    {
      size_t before = code->len;

      char_table_encode (&f->table, training + 3 * (i % 20), strlen (training) - 3 * (i % 20), code);
      before = code->len - before;
      g_array_append_val (sizes, before);
    }
  dictionary = dictionary_train ((const char *)code->data, code->len, (const size_t *)sizes->data, sizes->len);
  compressor_set_dictionary (&c, g_bytes_get_data (dictionary, NULL), g_bytes_get_size (dictionary),
                             g_bytes_get_data (f->chars, NULL), g_bytes_get_size (f->chars));
  decompressor_set_dictionary (&z, g_bytes_get_data (dictionary, NULL), g_bytes_get_size (dictionary),
                               g_bytes_get_data (f->chars, NULL), g_bytes_get_size (f->chars));
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autofree guint8 *stored = NULL;
      const guint8 *compressed;
      gsize len = 0;
      const char *back;

      for (guint k = g_rand_int_range (rand, 0, 400); k > 0; k--)
        g_string_append_unichar (s, g_rand_int_range (rand, 0, 4) == 0
                                      ? (gunichar)g_rand_int_range (rand, 0x10000, 0x20000)
                                      : g_utf8_get_char ((const char *)&f->table.utf8[g_rand_int_range (rand, 0, f->table.n)]));
      compressed = compressor_run (&c, s->str, s->len, &len);
      stored = g_memdup2 (compressed, len);
      back = decompressor_run (&z, stored, len, s->len);
      g_assert_nonnull (back);
      g_assert_cmpmem (back, s->len, s->str, s->len);
      g_assert_null (decompressor_run (&z, stored, len - 1, s->len));
      g_assert_null (decompressor_run (&z, stored, len, s->len + 1));
      if (s->len > 0)
        g_assert_null (decompressor_run (&z, stored, len, s->len - 1));
      /* corrupted: refused, or (when zstd does not see it) decoded */
      stored[g_rand_int_range (rand, 0, len)] ^= 1 << g_rand_int_range (rand, 0, 8);
      back = decompressor_run (&z, stored, len, s->len);
      g_assert_true (back == NULL || strlen (back) <= s->len);
    }
  decompressor_clear (&z);
  compressor_clear (&c);
}

/* A text is coded raw exactly when g_utf8_validate_len () rejects it
 * (the encoder checks each character as it goes): random texts of valid
 * characters of every length and of sequences that are not (overlong,
 * surrogates, beyond U+10FFFF, NUL, a lone continuation byte, a character
 * cut short, at the end too), each round-tripped */
static void
test_validity (Fixture       *f,
               gconstpointer  data)
{
  static const char *const pieces[] = {
    "a", "疫", "情", "é", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xef\xbf\xbe",
    "\xf0\xa0\x80\x80", "\xf4\x8f\xbf\xbf", "\xdf\xbf", "\xc2\x80",
    "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
    "\xc0\xaf", "\xc1\xbf", "\x80", "\xbf", "\xff", "\xe4\xb8", "\xf0\xa0\x80", "\xc3",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint n_raw = 0, n_valid = 0;

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(GByteArray) code = NULL;
      guint len = g_rand_int_range (rand, 1, 12);
      gboolean valid;

      for (guint i = 0; i < len; i++)
        {
          /* one text in two of valid pieces only (the first 13) */
          guint k = round % 2 == 0 ? g_rand_int_range (rand, 0, 13) : g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces));

          g_string_append (s, pieces[k]);
        }
      if (round % 7 == 0)
        g_string_append_c (s, 0);  /* a NUL, here at the end */
      valid = g_utf8_validate_len (s->str, s->len, NULL);
      code = encode (&f->table, s->str, s->len);
      g_assert_cmpint (code->len > 0 && code->data[0] == 255, ==, !valid);
      assert_round_trip (&f->table, s->str, s->len);
      n_raw += !valid;
      n_valid += valid;
    }
  g_assert_cmpuint (n_raw, >, 500);
  g_assert_cmpuint (n_valid, >, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/bulletin/text-code/table", test_table);
  ADD ("/bulletin/text-code/random", test_random);
  ADD ("/bulletin/text-code/every-character", test_every_character);
  ADD ("/bulletin/text-code/validity", test_validity);
  ADD ("/bulletin/text-code/damaged", test_damaged);
  ADD ("/bulletin/text-code/garbage", test_garbage);
  ADD ("/bulletin/text-code/compressed", test_compressed);
  g_test_add_func ("/bulletin/text-code/damaged-table", test_damaged_table);
  return g_test_run ();
}
