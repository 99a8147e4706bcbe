/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-memory.h"

/* The heap trim that runs after an archive or a window has gone: asks
 * from any thread make one trim, and the trim gives the free pages in
 * the middle of the heap back to the system.  And the tuning at startup:
 * large blocks go back when they are freed. */

/* Under AddressSanitizer its own allocator serves malloc (), with a
 * quarantine for what is freed: glibc's thresholds and trim do not apply */
#if defined (__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined (__has_feature)
#if __has_feature (address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static gboolean
skip_under_asan (void)
{
#ifdef UNDER_ASAN
  g_test_skip ("AddressSanitizer's allocator is not glibc's");
  return TRUE;
#else
  return FALSE;
#endif
}

static void
run_pending (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gpointer
ask_from_thread (gpointer data)
{
  bulletin_memory_trim_when_idle ();
  return NULL;
}

static void
test_one_trim_for_many_asks (void)
{
  guint before;
  GThread *thread;

  run_pending ();
  before = bulletin_memory_get_n_trims ();
  bulletin_memory_trim_when_idle ();
  bulletin_memory_trim_when_idle ();
  thread = g_thread_new ("ask", ask_from_thread, NULL);
  g_thread_join (thread);
  /* not at once: when the loop has nothing else to do */
  g_assert_cmpuint (bulletin_memory_get_n_trims (), ==, before);
  run_pending ();
  g_assert_cmpuint (bulletin_memory_get_n_trims (), ==, before + 1);

  /* and again after that */
  bulletin_memory_trim_when_idle ();
  run_pending ();
  g_assert_cmpuint (bulletin_memory_get_n_trims (), ==, before + 2);
}

/* RssAnon of /proc/self/status, in KiB (0 where there is none) */
static gsize
anonymous_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "RssAnon:");
  return line != NULL ? (gsize)g_ascii_strtoull (line + strlen ("RssAnon:"), NULL, 10) : 0;
}

#define BLOCK   4000               /* below the mmap threshold: in the heap */
#define N_BLOCKS (64 * 1024 * 1024 / BLOCK)
#define KEEP    64                 /* one block in 64 stays: a fragmented heap */

static void
test_trim_returns_free_pages (void)
{
#ifdef __GLIBC__
  char **blocks;
  gsize full, freed, trimmed;

  if (skip_under_asan ())
    return;
  if (anonymous_kib () == 0)
    {
      g_test_skip ("no RssAnon in /proc/self/status");
      return;
    }
  run_pending ();
  blocks = g_new (char *, N_BLOCKS);
  for (guint i = 0; i < N_BLOCKS; i++)
    {
      blocks[i] = g_malloc (BLOCK);
      memset (blocks[i], 1, BLOCK);
    }
  full = anonymous_kib ();
  /* what an archive leaves: most of it freed, a few blocks between */
  for (guint i = 0; i < N_BLOCKS; i++)
    if (i % KEEP != 0)
      g_clear_pointer (&blocks[i], g_free);
  freed = anonymous_kib ();
  bulletin_memory_trim_when_idle ();
  run_pending ();
  trimmed = anonymous_kib ();
  g_test_message ("RssAnon: %zu KiB in use, %zu KiB freed, %zu KiB trimmed", full, freed, trimmed);

  /* free () alone keeps most of the 64 MiB resident: the blocks still in
   * use hold the top of the heap */
  g_assert_cmpuint (freed, >, full - 16 * 1024);
  /* the trim gives back at least 40 of them */
  g_assert_cmpuint (trimmed + 40 * 1024, <, freed);

  for (guint i = 0; i < N_BLOCKS; i++)
    g_free (blocks[i]);
  g_free (blocks);
#else
  g_test_skip ("malloc_trim () is glibc's");
#endif
}

#define LARGE      (1024 * 1024)   /* an issue file, a decoded text */
#define N_LARGE    32
#define VERY_LARGE (8 * 1024 * 1024)

/* Large blocks go back to the system as soon as they are freed, also after
 * a larger one has been (which, untuned, raises glibc's thresholds and
 * puts every later block of a few MiB in the heap, to stay there). */
static void
test_large_blocks_go_back (void)
{
#ifdef __GLIBC__
  char *large[N_LARGE], *small[N_LARGE];
  char *very_large;
  gsize before, full, freed;

  if (skip_under_asan ())
    return;
  if (anonymous_kib () == 0)
    {
      g_test_skip ("no RssAnon in /proc/self/status");
      return;
    }
  bulletin_memory_tune ();
  very_large = g_malloc (VERY_LARGE);
  memset (very_large, 1, VERY_LARGE);
  g_free (very_large);

  before = anonymous_kib ();
  for (guint i = 0; i < N_LARGE; i++)
    {
      large[i] = g_malloc (LARGE);
      memset (large[i], 1, LARGE);
      /* a smaller block after each (carved from the top of the heap where
       * the large one was), still in use when the large one goes */
      small[i] = g_malloc (LARGE / 4);
    }
  full = anonymous_kib ();
  for (guint i = 0; i < N_LARGE; i++)
    g_free (large[i]);
  freed = anonymous_kib ();
  g_test_message ("RssAnon: %zu KiB before, %zu KiB with the blocks, %zu KiB after free ()",
                  before, full, freed);

  g_assert_cmpuint (full, >, before + 24 * 1024);
  /* back without a trim */
  g_assert_cmpuint (freed + 24 * 1024, <, full);

  for (guint i = 0; i < N_LARGE; i++)
    g_free (small[i]);
#else
  g_test_skip ("the thresholds are glibc's");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memory/one-trim-for-many-asks", test_one_trim_for_many_asks);
  g_test_add_func ("/memory/trim-returns-free-pages", test_trim_returns_free_pages);
  g_test_add_func ("/memory/large-blocks-go-back", test_large_blocks_go_back);

  return g_test_run ();
}
