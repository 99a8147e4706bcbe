/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The postings' lists coded in bits (bulletin-search-index-postings.c,
 * docs/search.md "Postings"): random lists read back as written, damaged
 * or cut ones found bad, never read beyond their end (each list is copied
 * into a buffer of its own length: AddressSanitizer sees an overread).
 */
#include "config.h"

#include <string.h>

#include "bulletin-search-index-private.h"

/* @n entries from @start, gaps and counts of the given kinds */
static GArray *
random_list (GRand  *rand,
             guint   n,
             gint64  start,
             guint   gap_kind,
             guint   count_kind)
{
  GArray *list = g_array_sized_new (FALSE, FALSE, sizeof (ListEntry), n);
  gint64 rowid = start;

  for (guint i = 0; i < n; i++)
    {
      ListEntry e;

      if (i > 0)
        {
          guint64 gap;

          switch (gap_kind)
            {
            case 0:  /* dense */
              gap = g_rand_int_range (rand, 1, 4);
              break;
            case 1:  /* sparse */
              gap = g_rand_int_range (rand, 1, 100000);
              break;
            case 2:  /* dense with some huge gaps */
              gap = g_rand_int_range (rand, 0, 20) == 0 ? ((guint64)g_rand_int (rand) << 20) + 1 : 1;
              break;
            default: /* any size, up to 2^50 */
              gap = ((guint64)g_rand_int (rand) << 32 | g_rand_int (rand)) >> g_rand_int_range (rand, 14, 64);
              gap = MAX (gap, 1);
              break;
            }
          rowid += (gint64)gap;
        }
      e.rowid = rowid;
      switch (count_kind)
        {
        case 0:
          e.count = 1;
          break;
        case 1:
          e.count = g_rand_int_range (rand, 0, 20) == 0 ? (guint32)g_rand_int_range (rand, 2, 5) : 1;
          break;
        default:
          e.count = g_rand_int (rand) >> g_rand_int_range (rand, 0, 32);
          if (e.count == 0 || g_rand_int_range (rand, 0, 3) != 0)
            e.count = 1;
          break;
        }
      g_array_append_val (list, e);
    }
  return list;
}

/* Reads @len bytes of @data (copied to a buffer of that length): the
 * entries, whether the list was found bad */
static GArray *
read_list (const guint8 *data,
           gsize         len,
           gboolean     *bad)
{
  g_autofree guint8 *copy = g_memdup2 (data, len);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (ListEntry));
  ListIter it;

  list_iter_init (&it, copy, len);
  while (list_iter_next (&it))
    {
      ListEntry e = { it.rowid, it.count };

      g_array_append_val (out, e);
      g_assert_cmpuint (out->len, <=, len * 8 + 1);
    }
  /* at the end it stays there */
  g_assert_false (list_iter_next (&it));
  *bad = it.bad;
  return out;
}

static gboolean
same_entries (GArray *a,
              GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_array_index (a, ListEntry, i).rowid != g_array_index (b, ListEntry, i).rowid ||
        g_array_index (a, ListEntry, i).count != g_array_index (b, ListEntry, i).count)
      return FALSE;
  return TRUE;
}

static void
test_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  static const guint sizes[] = { 1, 2, 3, 7, 8, 9, 63, 64, 65, 1000, 20000 };
  static const gint64 starts[] = { G_GINT64_CONSTANT (1) << 20, 0, -5000, (G_GINT64_CONSTANT (1) << 20) + 123456 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint gap_kind = 0; gap_kind < 4; gap_kind++)
      for (guint count_kind = 0; count_kind < 3; count_kind++)
        for (guint st = 0; st < G_N_ELEMENTS (starts); st++)
          {
            g_autoptr(GArray) list = random_list (rand, sizes[s], starts[st], gap_kind, count_kind);
            g_autoptr(GByteArray) coded = g_byte_array_new ();
            g_autoptr(GArray) back = NULL;
            gboolean bad;

            list_encode ((const ListEntry *)list->data, list->len, coded);
            back = read_list (coded->data, coded->len, &bad);
            g_assert_false (bad);
            g_assert_true (same_entries (list, back));
          }
}

/* the extremes: counts of 2^32 - 1, gaps of 2^62 and more */
static void
test_extremes (void)
{
  ListEntry lists[][3] = {
    { { 1 << 20, G_MAXUINT32 }, { (1 << 20) + 1, G_MAXUINT32 }, { (1 << 20) + 2, 2 } },
    /* (a first rowid is zigzag-coded, shifted left by one: within 2^61
     * of 2^20) */
    { { G_MININT64 / 4, 1 }, { G_MAXINT64 / 4 * 3, 3 }, { G_MAXINT64 / 4 * 3 + 1, 1 } },
    { { 1 << 20, 1 }, { (1 << 20) + 1, 1 }, { (G_GINT64_CONSTANT (1) << 62) + 7, 1 << 16 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(GByteArray) coded = g_byte_array_new ();
      g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (ListEntry));
      g_autoptr(GArray) back = NULL;
      gboolean bad;

      g_array_append_vals (list, lists[i], 3);
      list_encode (lists[i], 3, coded);
      back = read_list (coded->data, coded->len, &bad);
      g_assert_false (bad);
      g_assert_true (same_entries (list, back));
    }
}

/* A dense list takes about 2 bits an entry, not a byte */
static void
test_size (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GArray) list = random_list (rand, 10000, 1 << 20, 0, 0);
  g_autoptr(GByteArray) coded = g_byte_array_new ();

  list_encode ((const ListEntry *)list->data, list->len, coded);
  g_assert_cmpuint (coded->len, <, 10000 * 3 / 8);
}

/* Cut or changed lists: read no further than their end, and most are
 * found bad (a cut one is bad but where it ends between entries, which
 * may look like an end; a changed byte may give other entries) */
static void
test_damage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint cut_bad = 0, cut_total = 0, changed_differ = 0, changed_total = 0;

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GArray) list = random_list (rand, g_rand_int_range (rand, 2, 300), 1 << 20,
                                            g_rand_int_range (rand, 0, 4), g_rand_int_range (rand, 0, 3));
      g_autoptr(GByteArray) coded = g_byte_array_new ();

      list_encode ((const ListEntry *)list->data, list->len, coded);
      for (guint cut = 0; cut < coded->len; cut++)
        {
          gboolean bad;
          g_autoptr(GArray) back = read_list (coded->data, cut, &bad);

          /* never the whole list */
          g_assert_false (same_entries (list, back) && !bad);
          cut_bad += bad;
          cut_total++;
        }
      for (guint j = 0; j < 8; j++)
        {
          g_autofree guint8 *changed = g_memdup2 (coded->data, coded->len);
          guint at = g_rand_int_range (rand, 0, coded->len);
          gboolean bad;
          g_autoptr(GArray) back = NULL;

          changed[at] ^= (guint8)g_rand_int_range (rand, 1, 256);
          back = read_list (changed, coded->len, &bad);
          changed_differ += bad || !same_entries (list, back);
          changed_total++;
        }
    }
  g_test_message ("cut lists found bad: %u of %u; changed ones read otherwise: %u of %u",
                  cut_bad, cut_total, changed_differ, changed_total);
  g_assert_cmpuint (cut_bad, >, cut_total / 2);
  g_assert_cmpuint (changed_differ, ==, changed_total);
}

/* Random bytes: never read beyond them, never rowids out of order */
static void
test_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 20000; round++)
    {
      guint len = g_rand_int_range (rand, 0, 40);
      g_autofree guint8 *data = g_malloc (MAX (len, 1));
      g_autoptr(GArray) back = NULL;
      gboolean bad;

      for (guint i = 0; i < len; i++)
        data[i] = (guint8)g_rand_int (rand);
      back = read_list (data, len, &bad);
      for (guint i = 1; i < back->len; i++)
        g_assert_cmpint (g_array_index (back, ListEntry, i - 1).rowid, <, g_array_index (back, ListEntry, i).rowid);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/postings-coder/round-trip", test_round_trip);
  g_test_add_func ("/postings-coder/extremes", test_extremes);
  g_test_add_func ("/postings-coder/size", test_size);
  g_test_add_func ("/postings-coder/damage", test_damage);
  g_test_add_func ("/postings-coder/garbage", test_garbage);
  return g_test_run ();
}
