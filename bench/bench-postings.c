/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How fast the postings' lists decode (docs/search.md, "Postings"): every
 * list of an index read into memory, then decoded (best of five), in
 * entries per CPU second; and the lists of the terms that start with
 * each of a few characters, read from the database as a query reads them.
 *
 *   build/bench/bench-postings ARCHIVE/.bulletin-reader/index.sqlite
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "bulletin-search-index-private.h"

#include <locale.h>

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  static const char *prefixes[] = { "了", "的", "国", "中" };
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GByteArray) lists = g_byte_array_new ();
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) error = NULL;
  guint64 n_entries = 0, sum = 0, n_flagged = 0, n_more = 0, n_single = 0;
  double best = G_MAXDOUBLE;
  sqlite3 *db;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("usage: %s INDEX.sqlite\n", argv[0]);
      return 2;
    }
  db = db_open_read (argv[1], FALSE, &error);
  if (db == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  postings_segments (db, segs);
  for (guint s = 0; s < segs->len; s++)
    {
      SegReader r;

      seg_reader_init (&r, db, g_array_index (segs, gint64, s), NULL, 0);
      while (seg_reader_next (&r))
        {
          gsize at = lists->len;

          g_array_append_val (offsets, at);
          g_byte_array_append (lists, r.list, r.list_len);
        }
      seg_reader_clear (&r);
    }
  {
    gsize at = lists->len;

    g_array_append_val (offsets, at);
  }

  for (int round = 0; round < 5; round++)
    {
      double t0 = cpu_seconds (), t;
      guint64 n = 0;

      for (guint i = 0; i + 1 < offsets->len; i++)
        {
          gsize a = g_array_index (offsets, gsize, i), b = g_array_index (offsets, gsize, i + 1);
          ListIter it;

          list_iter_init (&it, lists->data + a, b - a);
          while (list_iter_next (&it))
            {
              n++;
              sum += (guint64)it.rowid + it.count;
            }
          if (round == 0)
            {
              ListIter c;
              guint64 m = 0;

              list_iter_init (&c, lists->data + a, b - a);
              while (list_iter_next (&c))
                {
                  m++;
                  n_more += c.count > 1;
                }
              n_single += m == 1;
#if 1
              n_flagged += c.counts == LIST_COUNTS_FLAGS ? m : 0;
#endif
            }
          if (it.bad)
            {
              g_printerr ("a damaged list\n");
              return 1;
            }
        }
      t = cpu_seconds () - t0;
      best = MIN (best, t);
      n_entries = n;
    }
  g_print ("lists: %u, %" G_GUINT64_FORMAT " entries in %.1f MB (%.3f bytes an entry)\n",
           offsets->len - 1, n_entries, lists->len / 1e6, (double)lists->len / MAX (n_entries, 1));
  g_print ("lists of one entry: %" G_GUINT64_FORMAT "; entries counted more than once: %" G_GUINT64_FORMAT
           "; entries with a count flag: %" G_GUINT64_FORMAT "\n", n_single, n_more, n_flagged);
  g_print ("decode, in memory: %.3f s CPU, %.1f M entries/s (check %" G_GUINT64_FORMAT ")\n",
           best, n_entries / best / 1e6, sum % 1000);

  for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
    {
      gint64 lo = 0, hi = 0;
      double best_q = G_MAXDOUBLE;
      CandidateSet set = { 0 };
      IndexTerm term = { (char *)prefixes[p], strlen (prefixes[p]), TRUE };

      index_query_int64 (db, "SELECT min(id) FROM docs", &lo);
      index_query_int64 (db, "SELECT max(id) FROM docs", &hi);
      for (int round = 0; round < 5; round++)
        {
          double t0 = cpu_seconds ();

          if (candidate_set_read (&set, db, &term, 1, lo, hi - lo + 1) != SQLITE_OK)
            {
              g_printerr ("cannot read the postings of %s\n", prefixes[p]);
              return 1;
            }
          best_q = MIN (best_q, cpu_seconds () - t0);
        }
      g_print ("prefix %s: %" G_GINT64_FORMAT " articles, %.1f ms CPU\n", prefixes[p], set.n_candidates,
               best_q * 1000);
      candidate_set_clear (&set);
    }
  sqlite3_close (db);
  return 0;
}
