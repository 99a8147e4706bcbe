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

/* Segments in a database of small pages: lists of many blocks, cut at
 * every block's end, read back whole, from any term on, and merged */
static void
test_segments (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 n_blocks = 0, n_continued = 0;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (index_exec (db, "PRAGMA page_size = 1024;"
                                   "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                                   "CREATE TABLE postings (seg INTEGER NOT NULL, term BLOB NOT NULL, data BLOB NOT NULL);"
                                   "CREATE UNIQUE INDEX postings_key ON postings (seg, term);"
                                   "CREATE TABLE segs (seg INTEGER PRIMARY KEY, level INTEGER NOT NULL);"), ==, SQLITE_OK);

  /* terms in order: short ones and long ones (words of more than 8
   * bytes), some with lists of thousands of entries */
  for (guint i = 0; i < 400; i++)
    {
      char *term = i % 7 == 3 ? g_strdup_printf ("t%03u-a-long-word-%u", i, i) : g_strdup_printf ("t%03u", i);
      guint n = i % 50 == 0 ? 6000 : (guint)g_rand_int_range (rand, 1, 40);

      g_ptr_array_add (terms, term);
      g_ptr_array_add (lists, random_list (rand, n, 1 << 20, 1 + (i % 3 == 0), i % 2));
    }

  /* written in ten batches of their rowids (each batch a segment, those
   * of a level merged), then merged into one */
  for (guint batch = 0; batch < 10; batch++)
    {
      PostingsBuilder *b = postings_builder_new ();
      gint64 lo = batch == 0 ? G_MININT64 : (1 << 20) + batch * G_GINT64_CONSTANT (20000000),
             hi = batch == 9 ? G_MAXINT64 : (1 << 20) + (batch + 1) * G_GINT64_CONSTANT (20000000);

      /* each term's rowids ascending (as an article's terms come) */
      for (guint t = 0; t < terms->len; t++)
        {
          GArray *list = g_ptr_array_index (lists, t);
          const char *term = g_ptr_array_index (terms, t);

          for (guint j = 0; j < list->len; j++)
            {
              ListEntry *e = &g_array_index (list, ListEntry, j);

              if (e->rowid >= lo && e->rowid < hi)
                for (guint c = 0; c < MIN (e->count, 3); c++)
                  postings_builder_add (b, term, strlen (term), e->rowid);
            }
        }
      g_assert_cmpint (postings_builder_write (b, db), ==, SQLITE_OK);
      postings_builder_free (b);
    }
  g_assert_cmpint (postings_optimize (db), ==, SQLITE_OK);
  g_assert_true (index_query_int64 (db, "SELECT count(*) FROM postings", &n_blocks));
  g_assert_true (index_query_int64 (db, "SELECT count(*) FROM postings WHERE instr (term, x'00') > 0", &n_continued));
  g_test_message ("%" G_GINT64_FORMAT " blocks, %" G_GINT64_FORMAT " of them going on with a list",
                  n_blocks, n_continued);
  g_assert_cmpint (n_continued, >, 10);
  g_assert_cmpint (postings_segments (db, segs), ==, SQLITE_OK);
  g_assert_cmpuint (segs->len, ==, 1);

  /* read from every term on: each term's list as written (its counts up
   * to 3: the builder counted the occurrences added) */
  for (guint from = 0; from < terms->len; from += 1 + (from % 5))
    {
      SegReader r;
      guint t = from;
      const char *start = g_ptr_array_index (terms, from);

      seg_reader_init (&r, db, g_array_index (segs, gint64, 0), start, strlen (start));
      while (seg_reader_next (&r))
        {
          GArray *list = g_ptr_array_index (lists, t);
          const char *term = g_ptr_array_index (terms, t);
          g_autoptr(GArray) back = NULL;
          gboolean bad;

          g_assert_cmpmem (r.term->data, r.term->len, term, strlen (term));
          back = read_list (r.list, r.list_len, &bad);
          g_assert_false (bad);
          g_assert_cmpuint (back->len, ==, list->len);
          for (guint j = 0; j < list->len; j++)
            {
              g_assert_cmpint (g_array_index (back, ListEntry, j).rowid, ==, g_array_index (list, ListEntry, j).rowid);
              g_assert_cmpuint (g_array_index (back, ListEntry, j).count, ==,
                                MIN (g_array_index (list, ListEntry, j).count, 3));
            }
          t++;
          if (from % 3 == 0 && t > from + 20)
            break;
        }
      g_assert_cmpint (r.rc, ==, SQLITE_OK);
      if (from % 3 != 0)
        g_assert_cmpuint (t, ==, terms->len);
      seg_reader_clear (&r);
    }

  /* a continuing block lost: the list that went on in it is damaged */
  {
    SegReader r;
    gboolean corrupt = FALSE;

    g_assert_cmpint (index_exec (db, "DELETE FROM postings WHERE rowid = (SELECT rowid FROM postings"
                                     " WHERE instr (term, x'00') > 0 ORDER BY term LIMIT 1 OFFSET 3)"), ==, SQLITE_OK);
    seg_reader_init (&r, db, g_array_index (segs, gint64, 0), NULL, 0);
    while (seg_reader_next (&r))
      {
        ListIter it;

        list_iter_init (&it, r.list, r.list_len);
        while (list_iter_next (&it))
          ;
        corrupt = corrupt || it.bad;
      }
    g_assert_true (corrupt || r.rc == SQLITE_CORRUPT);
    seg_reader_clear (&r);
  }
  sqlite3_close (db);
}

/* A term's bytes after another's: memcmp, then the shorter first */
static int
compare_bytes (const guint8 *a,
               gsize         a_len,
               const guint8 *b,
               gsize         b_len)
{
  int c = MIN (a_len, b_len) > 0 ? memcmp (a, b, MIN (a_len, b_len)) : 0;

  return c != 0 ? c : (a_len < b_len ? -1 : a_len > b_len);
}

/* Many batches, merged level by level and then into one: terms in one
 * batch alone (their lists copied as coded by every merge), in every
 * batch and in some; short and long terms that share their first 8 bytes
 * (the merge compares terms by those first).  The merged segment holds
 * every term once, in order, each with the list it had, coded as
 * list_encode () codes it (copying a list as coded and merging lists make
 * the same bytes) */
static void
test_merges (void)
{
  const char *prefixes[] = { "a", "abcdefg", "abcdefgh", "abcdefgi", "\xe4\xb8\xad\xe6\x96\x87", "\xff\x01\x02" };
  const char *suffixes[] = { "", "1", "12", "h", "hz", "x-long-suffix", "x-long-suffiy", "\xe4\xb8\x80" };
  const guint n_batches = 70, per_batch = 150;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint *at = NULL;
  g_autofree char *prev = NULL;
  guint n_read = 0, in_one = 0, in_many = 0;
  sqlite3 *db = NULL;
  SegReader r;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (index_exec (db, "PRAGMA page_size = 4096;"
                                   "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                                   "CREATE TABLE postings (seg INTEGER NOT NULL, term BLOB NOT NULL, data BLOB NOT NULL);"
                                   "CREATE UNIQUE INDEX postings_key ON postings (seg, term);"
                                   "CREATE TABLE segs (seg INTEGER PRIMARY KEY, level INTEGER NOT NULL);"), ==, SQLITE_OK);

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (suffixes); j++)
      {
        char *term = g_strconcat (prefixes[i], suffixes[j], NULL);

        if (g_hash_table_add (seen, term))
          g_ptr_array_add (terms, term);
        else
          g_free (term);
      }
  for (guint i = 0; i < 120; i++)
    g_ptr_array_add (terms, i % 2 ? g_strdup_printf ("w%03u", i) : g_strdup_printf ("w%03u-a-long-word", i));

  /* each term's entries: in one batch, every batch, every 13th, or
   * about one in ten; a few articles of a batch each, some counted more
   * than once */
  for (guint t = 0; t < terms->len; t++)
    {
      GArray *list = g_array_new (FALSE, FALSE, sizeof (ListEntry));

      for (guint batch = 0; batch < n_batches; batch++)
        {
          gboolean in;

          switch (t % 4)
            {
            case 0:
              in = batch == (t * 7) % n_batches;
              break;
            case 1:
              in = TRUE;
              break;
            case 2:
              in = batch % 13 == t % 13;
              break;
            default:
              in = g_rand_int_range (rand, 0, 10) == 0;
              break;
            }
          for (guint a = 0; in && a < per_batch; a++)
            if (g_rand_int_range (rand, 0, 8) == 0 || (t % 4 == 0 && a == 0))
              {
                ListEntry e = { ROWID_START + batch * per_batch + a,
                                g_rand_int_range (rand, 0, 6) == 0 ? (guint32)g_rand_int_range (rand, 2, 5) : 1 };

                g_array_append_val (list, e);
              }
        }
      g_ptr_array_add (lists, list);
    }

  /* the batches: each article's terms, in rowid order */
  at = g_new0 (guint, terms->len);
  for (guint batch = 0; batch < n_batches; batch++)
    {
      PostingsBuilder *b = postings_builder_new ();

      for (guint a = 0; a < per_batch; a++)
        {
          gint64 rowid = ROWID_START + batch * per_batch + a;

          for (guint t = 0; t < terms->len; t++)
            {
              GArray *list = g_ptr_array_index (lists, t);
              const char *term = g_ptr_array_index (terms, t);

              if (at[t] < list->len && g_array_index (list, ListEntry, at[t]).rowid == rowid)
                {
                  for (guint c = 0; c < g_array_index (list, ListEntry, at[t]).count; c++)
                    postings_builder_add (b, term, strlen (term), rowid);
                  at[t]++;
                }
            }
        }
      g_assert_cmpint (postings_builder_write (b, db), ==, SQLITE_OK);
      postings_builder_free (b);
      /* merged as they come: never many segments for a query to read */
      g_assert_cmpint (postings_segments (db, segs), ==, SQLITE_OK);
      g_assert_cmpuint (segs->len, <=, 64);
    }
  g_assert_cmpint (postings_segments (db, segs), ==, SQLITE_OK);
  g_assert_cmpuint (segs->len, <, n_batches);
  g_assert_cmpuint (segs->len, >, 1);
  g_assert_cmpint (postings_optimize (db), ==, SQLITE_OK);
  g_assert_cmpint (postings_segments (db, segs), ==, SQLITE_OK);
  g_assert_cmpuint (segs->len, ==, 1);

  seg_reader_init (&r, db, g_array_index (segs, gint64, 0), NULL, 0);
  while (seg_reader_next (&r))
    {
      g_autofree char *term = g_strndup ((const char *)r.term->data, r.term->len);
      g_autoptr(GByteArray) coded = g_byte_array_new ();
      g_autoptr(GArray) back = NULL;
      GArray *list = NULL;
      gboolean bad;

      for (guint t = 0; t < terms->len && list == NULL; t++)
        if (strcmp (g_ptr_array_index (terms, t), term) == 0)
          list = g_ptr_array_index (lists, t);
      g_assert_nonnull (list);
      /* in order, once each */
      if (prev != NULL)
        g_assert_cmpint (compare_bytes ((const guint8 *)prev, strlen (prev), r.term->data, r.term->len), <, 0);
      g_free (prev);
      prev = g_strdup (term);
      n_read++;
      back = read_list (r.list, r.list_len, &bad);
      g_assert_false (bad);
      g_assert_true (same_entries (back, list));
      list_encode ((const ListEntry *)list->data, list->len, coded);
      g_assert_cmpmem (r.list, r.list_len, coded->data, coded->len);
      if (g_array_index (list, ListEntry, list->len - 1).rowid - g_array_index (list, ListEntry, 0).rowid < per_batch)
        in_one++;
      else
        in_many++;
    }
  g_assert_cmpint (r.rc, ==, SQLITE_OK);
  seg_reader_clear (&r);
  g_assert_cmpuint (n_read, ==, terms->len);
  g_assert_cmpuint (in_one, >, 20);
  g_assert_cmpuint (in_many, >, 20);
  sqlite3_close (db);
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
  g_test_add_func ("/postings-coder/segments", test_segments);
  g_test_add_func ("/postings-coder/merges", test_merges);
  return g_test_run ();
}
