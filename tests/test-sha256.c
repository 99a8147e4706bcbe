/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-sha256-private.h"

static char *
digest_hex (const guint8 *data,
            gsize         len,
            gsize         split)
{
  BulletinSha256 sha;
  guint8 digest[32];
  GString *s = g_string_new (NULL);

  bulletin_sha256_init (&sha);
  /* in pieces of @split bytes, as the id is hashed in three */
  for (gsize off = 0; off < len; off += split)
    bulletin_sha256_update (&sha, data + off, MIN (split, len - off));
  if (len == 0)
    bulletin_sha256_update (&sha, "", 0);
  bulletin_sha256_finish (&sha, digest);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (s, "%02x", digest[i]);
  return g_string_free (s, FALSE);
}

/* Every length to 300 (the padding cases 55, 56, 63, 64 among them) and
 * some long ones, whole and in pieces, against GChecksum. */
static void
check_against_gchecksum (void)
{
  GRand *rand = g_rand_new_with_seed (20240606);
  static const gsize splits[] = { 1, 3, 55, 56, 63, 64, 65, 1000000 };
  static const gsize long_lengths[] = { 511, 512, 513, 4095, 4096, 65536 + 7 };
  g_autofree guint8 *data = g_malloc (65536 + 64);

  for (gsize i = 0; i < 65536 + 64; i++)
    data[i] = g_rand_int_range (rand, 0, 256);

  for (gsize len = 0; len <= 300 + G_N_ELEMENTS (long_lengths); len++)
    {
      gsize n = len <= 300 ? len : long_lengths[len - 301];
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, n);

      for (guint s = 0; s < G_N_ELEMENTS (splits); s++)
        {
          g_autofree char *got = digest_hex (data, n, splits[s]);

          if (g_strcmp0 (got, expected) != 0)
            g_error ("length %" G_GSIZE_FORMAT " in pieces of %" G_GSIZE_FORMAT ": %s, not %s",
                     n, splits[s], got, expected);
        }
    }

  /* text like an id's input: UTF-8, the unit separator */
  {
    const char *text = "邻里相助守望如家\x1f在社区服务工作中青溪街道";
    g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
    g_autofree char *got = digest_hex ((const guint8 *)text, strlen (text), 7);

    g_assert_cmpstr (got, ==, expected);
  }
  g_rand_free (rand);
}

static void
test_portable (void)
{
  bulletin_sha256_use_hardware (FALSE);
  check_against_gchecksum ();
  bulletin_sha256_use_hardware (TRUE);
}

static void
test_hardware (void)
{
  if (!bulletin_sha256_use_hardware (TRUE))
    {
      g_test_skip ("no SHA extensions on this processor");
      return;
    }
  check_against_gchecksum ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulletin/sha256/portable", test_portable);
  g_test_add_func ("/bulletin/sha256/hardware", test_hardware);

  return g_test_run ();
}
