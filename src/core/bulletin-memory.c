/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-memory.h"

#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

/* glibc's malloc keeps what the program frees for the next allocation:
 * the free space at the top of the heap above M_TRIM_THRESHOLD goes back
 * at once, but the free pages between the chunks still in use (after an
 * archive's issues, articles and search rows, a window's widgets and
 * surfaces) stay resident until malloc_trim () hands them back with
 * MADV_DONTNEED.  Over a day of opening archives the resident set grew by
 * tens of MiB of free heap this way.  The trim walks the free lists of
 * every arena (a few milliseconds for a heap of 100 MiB), so it runs once,
 * at low priority, after such a piece of work has gone. */

/* Large blocks (an issue file read whole, its decoded text, the search
 * index's compressed texts, SQLite's pages in bulk) come from mmap () above
 * M_MMAP_THRESHOLD and go back to the system on free ().  glibc raises that
 * threshold (up to 32 MiB) each time it frees such a block, and the trim
 * threshold with it, so that after the first archive every later block of
 * a few MiB comes from the heap of the thread that read it, and stays
 * there, free, between smaller chunks still in use: in the scenario
 * benchmark that was 20 to 35 MiB of free heap kept resident, most of it
 * in the worker threads' arenas.  Fixing both thresholds at glibc's own
 * starting value (128 KiB) keeps the large blocks out of the heaps; the
 * cost is an mmap () and a munmap () for each, a few microseconds against
 * the reading of a file.  Where the user has set these in the environment
 * (MALLOC_MMAP_THRESHOLD_, GLIBC_TUNABLES), theirs stand. */
#define LARGE_BLOCK (128 * 1024)

void
bulletin_memory_tune (void)
{
#ifdef __GLIBC__
  const char *tunables = g_getenv ("GLIBC_TUNABLES");

  if (g_getenv ("MALLOC_MMAP_THRESHOLD_") == NULL &&
      (tunables == NULL || strstr (tunables, "mmap_threshold") == NULL))
    mallopt (M_MMAP_THRESHOLD, LARGE_BLOCK);
  if (g_getenv ("MALLOC_TRIM_THRESHOLD_") == NULL &&
      (tunables == NULL || strstr (tunables, "trim_threshold") == NULL))
    mallopt (M_TRIM_THRESHOLD, LARGE_BLOCK);
#endif
}

static guint trim_source;
static guint n_trims;
G_LOCK_DEFINE_STATIC (trim);

static gboolean
trim_now (gpointer data)
{
  G_LOCK (trim);
  trim_source = 0;
  G_UNLOCK (trim);
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  g_atomic_int_inc (&n_trims);
  return G_SOURCE_REMOVE;
}

/* Asks for a trim of the heap when the main loop has nothing else to do.
 * Any thread may ask; asks before the trim has run make one trim. */
void
bulletin_memory_trim_when_idle (void)
{
  G_LOCK (trim);
  if (trim_source == 0)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_LOW);
      g_source_set_callback (source, trim_now, NULL, NULL);
      g_source_set_static_name (source, "[bulletin] malloc_trim");
      trim_source = g_source_attach (source, NULL);
      g_source_unref (source);
    }
  G_UNLOCK (trim);
}

/* How many trims have run: for the tests */
guint
bulletin_memory_get_n_trims (void)
{
  return g_atomic_int_get (&n_trims);
}
