/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "bulletin-archive"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>

#include "bulletin-archive.h"
#include "bulletin-archive-cache.h"
#include "bulletin-archive-links.h"
#include "bulletin-date.h"
#include "bulletin-formats.h"
#include "bulletin-issue-private.h"

/*
 * The scan runs in a worker thread: it lists the folder, takes what the
 * metadata cache knows, then reads the rest cheaply (each format's skim,
 * bulletin-formats.c), newest names first.  Finished issues wait in
 * a queue that the main thread drains in batches (the first at once, then
 * at most every FLUSH_INTERVAL_MS), merging each batch into the sorted list
 * with one items-changed per run of adjacent insertions.
 */

#define FLUSH_INTERVAL_MS 50
#define CHANGE_DELAY_MS   250

#define ENTRY_ATTRIBUTES                 \
  G_FILE_ATTRIBUTE_STANDARD_NAME ","     \
  G_FILE_ATTRIBUTE_STANDARD_TYPE ","     \
  G_FILE_ATTRIBUTE_STANDARD_SIZE ","     \
  G_FILE_ATTRIBUTE_TIME_MODIFIED ","     \
  G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC "," \
  BULLETIN_ARCHIVE_LINK_ATTRIBUTES

G_DEFINE_QUARK (bulletin-archive-error-quark, bulletin_archive_error)

typedef struct {
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GPtrArray       *ready;         /* BulletinIssue waiting for the main thread */
  gboolean         ready_sorted;  /* ready is in the archive's order */
  guint            n_scanned;
  guint            n_total;
  guint            n_from_cache;
  guint            n_read;
  gboolean         single_file;
  GSource         *flush_source;
  gint64           last_flush;
  GMainContext    *context;
  GWeakRef         archive;
  gboolean         shared_writer; /* bulletin_archive_update_shared_cache () */
} ScanState;

typedef struct {
  BulletinArticle *article;       /* holds the bare id */
  char            *issue_name;
  guint            index;
} IdOwner;

struct _BulletinArchive
{
  GObject       parent_instance;

  GFile        *location;
  GFile        *folder;
  gboolean      single_file;

  GPtrArray    *issues;           /* sorted by bulletin_issue_compare () */
  GHashTable   *by_name;          /* entry name -> issue (borrowed) */

  ScanState    *scan;
  gboolean      shared_cache_writer;
  gboolean      loading;
  gboolean      scanned;
  guint         n_scanned;
  guint         n_total;
  guint         n_from_cache;
  guint         n_read;

  GHashTable   *ids;              /* article id without suffix -> IdOwner */

  gboolean      watching;
  GFileMonitor *monitor;
  GHashTable   *folder_monitors;  /* name of a folder issue -> GFileMonitor */
  GHashTable   *changed_names;    /* seen changed, not yet read again */
  guint         change_source;
  GCancellable *refresh_cancellable;
  gboolean      refreshing;       /* a refresh_thread () runs */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BulletinArchive, bulletin_archive, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_LOADING,
  PROP_N_SCANNED,
  PROP_N_TOTAL,
  PROP_WATCHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_monitor (BulletinArchive *self);
static gboolean apply_changes (gpointer data);
static void sync_folder_monitors (BulletinArchive *self);
static void drop_folder_monitor (GFileMonitor *monitor);

/* scan state, shared by the worker and the main thread */

static ScanState *
scan_state_new (BulletinArchive *archive,
                GMainContext    *context)
{
  ScanState *state = g_new0 (ScanState, 1);

  g_atomic_ref_count_init (&state->ref_count);
  g_mutex_init (&state->mutex);
  state->ready = g_ptr_array_new_with_free_func (g_object_unref);
  state->context = g_main_context_ref (context);
  g_weak_ref_init (&state->archive, archive);
  state->shared_writer = archive->shared_cache_writer;
  return state;
}

static ScanState *
scan_state_ref (ScanState *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
scan_state_unref (ScanState *state)
{
  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;

  g_assert (state->flush_source == NULL);
  g_ptr_array_unref (state->ready);
  g_main_context_unref (state->context);
  g_weak_ref_clear (&state->archive);
  g_mutex_clear (&state->mutex);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScanState, scan_state_unref)

static void insert_issues (BulletinArchive *self,
                           GPtrArray       *batch,
                           gboolean         sorted);
static int  compare_issue_ptrs (gconstpointer a,
                                gconstpointer b);

/* On the main thread: moves what the worker finished into the model. */
static void
scan_state_flush (ScanState *state)
{
  g_autoptr(BulletinArchive) self = g_weak_ref_get (&state->archive);
  g_autoptr(GPtrArray) batch = NULL;
  gboolean batch_sorted;
  guint n_scanned, n_total;

  g_mutex_lock (&state->mutex);
  batch = g_steal_pointer (&state->ready);
  batch_sorted = state->ready_sorted;
  state->ready = g_ptr_array_new_with_free_func (g_object_unref);
  state->ready_sorted = FALSE;
  if (state->flush_source != NULL)
    {
      g_source_destroy (state->flush_source);
      g_clear_pointer (&state->flush_source, g_source_unref);
    }
  state->last_flush = g_get_monotonic_time ();
  n_scanned = state->n_scanned;
  n_total = state->n_total;
  if (self != NULL && self->scan == state)
    {
      self->n_from_cache = state->n_from_cache;
      self->n_read = state->n_read;
      if (state->single_file && !self->single_file)
        {
          self->single_file = TRUE;
          self->folder = g_file_get_parent (self->location);
        }
    }
  g_mutex_unlock (&state->mutex);

  if (self == NULL || self->scan != state)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->n_total != n_total)
    {
      self->n_total = n_total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOTAL]);
    }
  if (self->n_scanned != n_scanned)
    {
      self->n_scanned = n_scanned;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SCANNED]);
    }
  if (batch->len > 0)
    insert_issues (self, batch, batch_sorted);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
flush_cb (gpointer data)
{
  scan_state_flush (data);
  return G_SOURCE_REMOVE;
}

/* Called with the mutex held: makes sure a flush is coming. */
static void
schedule_flush_locked (ScanState *state)
{
  gint64 since;
  guint delay = 0;

  if (state->flush_source != NULL)
    return;

  since = (g_get_monotonic_time () - state->last_flush) / 1000;
  if (state->last_flush != 0 && since < FLUSH_INTERVAL_MS)
    delay = FLUSH_INTERVAL_MS - since;

  state->flush_source = g_timeout_source_new (delay);
  g_source_set_priority (state->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (state->flush_source, "[bulletin] archive scan flush");
  g_source_set_callback (state->flush_source, flush_cb, scan_state_ref (state),
                         (GDestroyNotify)scan_state_unref);
  g_source_attach (state->flush_source, state->context);
}

/* From the worker: takes @issue. */
static void
scan_state_push (ScanState     *state,
                 BulletinIssue *issue,
                 gboolean       from_cache)
{
  g_mutex_lock (&state->mutex);
  if (issue != NULL)
    {
      g_ptr_array_add (state->ready, issue);
      state->ready_sorted = FALSE;
    }
  state->n_scanned++;
  if (from_cache)
    state->n_from_cache++;
  else
    state->n_read++;
  schedule_flush_locked (state);
  g_mutex_unlock (&state->mutex);
}

/* From a listing thread: takes the issues of @issues (which frees none),
 * listed from the cache, at once (one lock for a batch) */
static void
scan_state_push_cached (ScanState *state,
                        GPtrArray *issues)
{
  if (issues->len == 0)
    return;
  g_mutex_lock (&state->mutex);
  for (guint i = 0; i < issues->len; i++)
    g_ptr_array_add (state->ready, issues->pdata[i]);
  state->ready_sorted = FALSE;
  state->n_scanned += issues->len;
  state->n_from_cache += issues->len;
  schedule_flush_locked (state);
  g_mutex_unlock (&state->mutex);
  g_ptr_array_set_size (issues, 0);
}

/* From the scan's thread, once nothing more is coming: sorts what waits
 * for the main thread, whose last batch is then only merged (sorting the
 * last 10,000 issues of a cached listing took a third of that batch's
 * time on the main thread) */
static void
scan_state_sort_ready (ScanState *state)
{
  g_mutex_lock (&state->mutex);
  if (!state->ready_sorted)
    g_ptr_array_sort (state->ready, compare_issue_ptrs);
  state->ready_sorted = TRUE;
  g_mutex_unlock (&state->mutex);
}

static void
scan_state_set_total (ScanState *state,
                      guint      n_total)
{
  g_mutex_lock (&state->mutex);
  state->n_total = n_total;
  schedule_flush_locked (state);
  g_mutex_unlock (&state->mutex);
}

/* reading one entry (worker thread) */

typedef struct {
  char              *name;
  GFile             *file;
  BulletinIssueKind  kind;
  guint64            size;
  gint64             mtime;
  gint64             name_date;   /* YYYYMMDD from the name, 0 when none;
                                   * set for the entries to read */
  gboolean           done;
  gboolean           looked_up;   /* in the cache, by a listing thread */
  gboolean           listed;      /* from the cache, by a listing thread */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  g_object_unref (entry->file);
  g_free (entry);
}

static gint64
date_key (const char *date)
{
  if (date == NULL || strlen (date) < 10)
    return 0;
  return g_ascii_strtoll (date, NULL, 10) * 10000 +
         g_ascii_strtoll (date + 5, NULL, 10) * 100 +
         g_ascii_strtoll (date + 8, NULL, 10);
}

static int
compare_entries_newest_first (gconstpointer a,
                              gconstpointer b)
{
  const Entry *ea = *(Entry * const *)a;
  const Entry *eb = *(Entry * const *)b;

  if (ea->name_date != eb->name_date)
    return ea->name_date > eb->name_date ? -1 : 1;
  return strcmp (ea->name, eb->name);
}

static BulletinCacheEntry *
cache_entry_from_issue (BulletinIssue *issue)
{
  BulletinCacheEntry *entry = g_new0 (BulletinCacheEntry, 1);

  if (bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
    {
      entry->error = g_strdup (bulletin_issue_get_error_message (issue));
      return entry;
    }
  if (bulletin_issue_get_date (issue) != NULL)
    entry->date = g_strdup (bulletin_issue_get_date (issue));
  entry->title = g_strdup (bulletin_issue_get_title (issue));
  entry->number = g_strdup (bulletin_issue_get_number (issue));
  entry->edition = g_strdup (bulletin_issue_get_edition (issue));
  entry->n_articles = bulletin_issue_get_n_articles (issue);
  return entry;
}

/* Lists @issue by its format's skim: the number, when the format found
 * none, from the title, else from the name. */
static gboolean
read_format_entry (BulletinIssue  *issue,
                   gboolean       *io_error,
                   GCancellable   *cancellable,
                   GError        **error)
{
  const char *display_name = bulletin_issue_get_display_name (issue);
  BulletinFormatSkim skim;

  if (!bulletin_format_skim_file (bulletin_issue_get_kind (issue), bulletin_issue_get_file (issue),
                                  display_name, &skim, io_error, cancellable, error))
    {
      bulletin_format_skim_clear (&skim);
      return FALSE;
    }

  if (skim.number == NULL)
    skim.number = bulletin_number_from_string (skim.title);
  if (skim.number == NULL)
    skim.number = bulletin_number_from_string (display_name);
  bulletin_issue_set_metadata (issue, skim.title, skim.date, skim.number, NULL, skim.n_articles);
  bulletin_format_skim_clear (&skim);
  return TRUE;
}

typedef enum {
  READ_OK,
  READ_SKIP,       /* not an issue */
  READ_IO_ERROR,   /* listed with the error, not cached */
  READ_CANCELLED,
} ReadResult;

/* Reads the cheap metadata of one entry into @issue: an error becomes the
 * issue's error state. */
static ReadResult
read_entry (BulletinIssue *issue,
            GCancellable  *cancellable)
{
  g_autoptr(GError) error = NULL;
  gboolean io_error = FALSE;
  gboolean ok;

  ok = read_format_entry (issue, &io_error, cancellable, &error);
  /* a folder without articles */
  if (!ok && error == NULL)
    return READ_SKIP;
  if (ok)
    return READ_OK;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return READ_CANCELLED;
  bulletin_issue_set_error (issue, error->message);
  return io_error ? READ_IO_ERROR : READ_OK;
}

static gboolean
location_is_cacheable (GFile *location)
{
  /* resources are built into the program: nothing to gain */
  return !g_file_has_uri_scheme (location, "resource");
}

static gboolean
scan_single_file (ScanState     *state,
                  GFile         *location,
                  GFileType      type,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(BulletinIssue) issue = NULL;
  BulletinIssueKind kind;

  if (!bulletin_issue_kind_for_file (location, type, &kind))
    {
      g_autofree char *name = g_file_get_parse_name (location);
      g_autofree char *message = bulletin_format_dup_not_an_issue (name);

      g_set_error_literal (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_NOT_AN_ARCHIVE,
                           message);
      return FALSE;
    }

  g_mutex_lock (&state->mutex);
  state->single_file = TRUE;
  g_mutex_unlock (&state->mutex);
  scan_state_set_total (state, 1);
  issue = bulletin_issue_new (location, kind);
  if (read_entry (issue, cancellable) == READ_CANCELLED)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);
  scan_state_push (state, g_steal_pointer (&issue), FALSE);
  return TRUE;
}

typedef struct {
  ScanState            *state;
  BulletinArchiveCache *cache;
  BulletinArchiveCache *shared_cache; /* read-only: bulletin-reader --index's */
  GCancellable         *cancellable;
  guint                 n_total;   /* entries found to be issues */
  guint                 n_pending; /* entries not read yet */
  guint                 n_pushed;
  GMutex                lock;      /* the above and the cache, while readers run */
} Scan;

static void
count_entry (Scan *scan)
{
  scan->n_total++;
}

static void
update_total (Scan *scan)
{
  scan_state_set_total (scan->state, scan->n_total + scan->n_pending);
}

/* Lists @entry from the cache when it has not changed; TRUE when done. */
static gboolean
take_from_cache (Scan  *scan,
                 Entry *entry)
{
  g_autofree char *extra = NULL;
  const BulletinCacheEntry *hit;
  BulletinIssue *issue;

  if (scan->cache == NULL || (entry->looked_up && scan->shared_cache == NULL))
    return FALSE;
  extra = bulletin_format_dup_stamp (entry->kind, entry->file, scan->cancellable);
  /* the listing threads look too, and a read stores meanwhile */
  g_mutex_lock (&scan->lock);
  hit = entry->looked_up ? NULL : bulletin_archive_cache_lookup (scan->cache, entry->name, entry->kind,
                                                                 entry->size, entry->mtime, extra);
  g_mutex_unlock (&scan->lock);
  /* then the shared cache beside the archive, copied into ours */
  if (hit == NULL && scan->shared_cache != NULL)
    {
      hit = bulletin_archive_cache_lookup (scan->shared_cache, entry->name, entry->kind, entry->size,
                                           entry->mtime, extra);
      if (hit != NULL)
        {
          g_mutex_lock (&scan->lock);
          bulletin_archive_cache_store (scan->cache, entry->name, bulletin_cache_entry_copy (hit));
          g_mutex_unlock (&scan->lock);
        }
    }
  if (hit == NULL)
    return FALSE;

  entry->done = TRUE;
  if (hit->skip)
    return TRUE;

  count_entry (scan);
  issue = bulletin_issue_new_listed (entry->file, entry->name, entry->kind, hit->title, hit->date,
                                     hit->number, hit->edition, hit->n_articles, hit->error);
  scan_state_push (scan->state, issue, TRUE);
  scan->n_pushed++;
  return TRUE;
}

/* Reads @entry's metadata, lists it and remembers it in the cache. */
static ReadResult
read_and_push (Scan  *scan,
               Entry *entry)
{
  g_autoptr(BulletinIssue) issue = bulletin_issue_new (entry->file, entry->kind);
  ReadResult result;

  result = read_entry (issue, scan->cancellable);
  if (result == READ_CANCELLED)
    return result;
  entry->done = TRUE;

  if (scan->cache != NULL && result != READ_IO_ERROR)
    {
      BulletinCacheEntry *cached = result == READ_SKIP ? g_new0 (BulletinCacheEntry, 1)
                                                       : cache_entry_from_issue (issue);

      cached->kind = entry->kind;
      cached->size = entry->size;
      cached->mtime = entry->mtime;
      cached->skip = result == READ_SKIP;
      cached->extra = bulletin_format_dup_stamp (entry->kind, entry->file, NULL);
      g_mutex_lock (&scan->lock);
      bulletin_archive_cache_store (scan->cache, entry->name, cached);
      g_mutex_unlock (&scan->lock);
    }

  if (result != READ_SKIP)
    {
      g_mutex_lock (&scan->lock);
      count_entry (scan);
      scan->n_pushed++;
      g_mutex_unlock (&scan->lock);
      scan_state_push (scan->state, g_steal_pointer (&issue), FALSE);
    }
  return result;
}

/* Reading the entries the cache did not know, by several threads: on a
 * file server most of the time is waiting, and a local disk has cores to
 * spare.  Each takes the next entry in newest-first order. */
typedef struct {
  Scan      *scan;
  GPtrArray *misses;
  gint       next;
  gint       cancelled;
} Readers;

static gpointer
reader_thread (gpointer data)
{
  Readers *readers = data;
  Scan *scan = readers->scan;

  for (;;)
    {
      guint i = (guint)g_atomic_int_add (&readers->next, 1);
      ReadResult result;

      if (i >= readers->misses->len)
        break;
      if (g_cancellable_is_cancelled (scan->cancellable) ||
          (result = read_and_push (scan, g_ptr_array_index (readers->misses, i))) == READ_CANCELLED)
        {
          g_atomic_int_set (&readers->cancelled, TRUE);
          break;
        }

      g_mutex_lock (&scan->lock);
      scan->n_pending--;
      /* a folder that turned out not to be an issue */
      if (result == READ_SKIP)
        update_total (scan);
      g_mutex_unlock (&scan->lock);
    }
  return NULL;
}

static guint
n_reader_threads (GFile *location)
{
  /* remote: waiting dominates; local: as many as there are cores */
  if (!g_file_is_native (location))
    return 4;
  return CLAMP (g_get_num_processors (), 1, 4);
}

static gboolean
read_misses (Scan      *scan,
             GPtrArray *misses,
             GFile     *location)
{
  Readers readers = { scan, misses, 0, FALSE };
  guint n_threads = MIN (n_reader_threads (location), MAX (misses->len / 16, 1));
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  for (guint i = 1; i < n_threads; i++)
    {
      GThread *thread = g_thread_try_new ("bulletin-scan", reader_thread, &readers, NULL);
      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }
  reader_thread (&readers);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));

  return !g_atomic_int_get (&readers.cancelled);
}

/* An entry as the folder's listing gives it: its name, and its type,
 * size and time with links followed */
typedef struct {
  char      *name;
  GFileType  type;
  guint64    size;
  gint64     mtime;   /* microseconds */
  GFileInfo *info;    /* a link's (with BULLETIN_ARCHIVE_LINK_ATTRIBUTES), else NULL */
  Entry     *entry;   /* an issue's entry, made by a listing thread (then no name) */
} Listed;

static void
listed_clear (gpointer data)
{
  Listed *listed = data;

  g_free (listed->name);
  g_clear_object (&listed->info);
  g_clear_pointer (&listed->entry, entry_free);
}

static GArray *
listed_array_new (guint reserved)
{
  GArray *array = g_array_sized_new (FALSE, TRUE, sizeof (Listed), reserved);

  g_array_set_clear_func (array, listed_clear);
  return array;
}

/* Takes @info */
static void
listed_append_info (GArray    *array,
                    GFileInfo *info)
{
  Listed listed = { 0 };

  listed.name = g_strdup (g_file_info_get_name (info));
  listed.type = g_file_info_get_file_type (info);
  listed.size = (guint64)g_file_info_get_size (info);
  listed.mtime = (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
                 * G_USEC_PER_SEC +
                 g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  if (bulletin_archive_links_is_link (info))
    listed.info = info;
  else
    g_object_unref (info);
  g_array_append_val (array, listed);
}

static Entry *
entry_new (GFile        *location,
           const Listed *listed)
{
  g_autoptr(GFile) child = NULL;
  BulletinIssueKind kind;
  Entry *entry;

  /* not bulletin-reader --index's folder, nor any other hidden name */
  if (!bulletin_issue_kind_for_name (listed->name, listed->type, &kind))
    return NULL;
  child = g_file_get_child (location, listed->name);

  entry = g_new0 (Entry, 1);
  entry->name = g_strdup (listed->name);
  entry->file = g_steal_pointer (&child);
  entry->kind = kind;
  entry->size = bulletin_format_kind_is_folder (kind) ? 0 : listed->size;
  entry->mtime = listed->mtime;
  return entry;
}

/* Lists @entry (NULL: not an issue) as the folder listing finds it; FALSE
 * when cancelled. */
static gboolean
take_entry (Scan       *scan,
            GPtrArray  *entries,
            GHashTable *names,
            Entry      *entry)
{
  if (entry == NULL)
    return TRUE;
  g_ptr_array_add (entries, entry);
  g_hash_table_add (names, entry->name);
  /* the total grows while the folder is listed: tell it now and then */
  if (entries->len % 256 == 1)
    update_total (scan);

  /* listed from the cache by a listing thread */
  if (entry->done)
    {
      if (entry->listed)
        {
          count_entry (scan);
          scan->n_pushed++;
        }
      return TRUE;
    }
  if (take_from_cache (scan, entry))
    return TRUE;
  if (scan->n_pushed == 0 && read_and_push (scan, entry) == READ_CANCELLED)
    return FALSE;
  if (!entry->done)
    scan->n_pending++;
  return TRUE;
}

/* A link out of the archive: listed, with where it points, never read
 * (nor cached: it costs nothing to judge again). */
static void
push_refused (Scan       *scan,
              GFile      *file,
              GFileType   type,
              const char *target)
{
  g_autoptr(BulletinIssue) issue = NULL;
  g_autofree char *message = NULL;
  BulletinIssueKind kind;

  if (!bulletin_issue_kind_for_file (file, type, &kind))
    return;
  issue = bulletin_issue_new (file, kind);
  message = bulletin_archive_links_describe (target);
  bulletin_issue_set_refused (issue, message);
  g_mutex_lock (&scan->lock);
  count_entry (scan);
  scan->n_pushed++;
  g_mutex_unlock (&scan->lock);
  scan_state_push (scan->state, g_steal_pointer (&issue), FALSE);
}

static int
compare_infos_by_name (gconstpointer a,
                       gconstpointer b)
{
  return strcmp (g_file_info_get_name (*(GFileInfo * const *)a),
                 g_file_info_get_name (*(GFileInfo * const *)b));
}

/* The listing cache of @location (the shared one, when this scan writes
 * it), and the shared one beside the archive to read from. */
static void
load_caches (ScanState             *state,
             GFile                 *location,
             BulletinArchiveCache **cache,
             BulletinArchiveCache **shared_cache)
{
  g_autofree char *uri = g_file_get_uri (location);
  g_autofree char *path = bulletin_archive_dup_cache_path (location);
  g_autofree char *shared_path = bulletin_archive_dup_shared_cache_path (location);
  const char *env = g_getenv ("BULLETIN_SHARED_INDEX");

  /* the shared one names no URI: the file server and its clients mount
   * the archive at different places */
  if (state->shared_writer && shared_path != NULL)
    {
      *cache = bulletin_archive_cache_load (shared_path, BULLETIN_ARCHIVE_CACHE_SHARED);
      return;
    }
  *cache = bulletin_archive_cache_load (path, uri);
  if (shared_path != NULL && g_strcmp0 (env, "0") != 0 &&
      g_file_test (shared_path, G_FILE_TEST_IS_REGULAR))
    *shared_cache = bulletin_archive_cache_load (shared_path, BULLETIN_ARCHIVE_CACHE_SHARED);
}

/* The folder is listed by threads of their own, in batches, while the
 * scan's thread lists what they find.  A local folder is read with
 * readdir () (all of it, while the scan's thread loads the cache), then
 * its entries are asked for their size and time with fstatat () on the
 * folder's descriptor by up to four threads, which also look each entry
 * up in the cache and make the issues it knows: on a second opening that
 * is all the work, and a stat costs as much as the rest.  Until the
 * cache is loaded, the scan's thread looks up what they hand over, so
 * that nobody waits for it on a busy machine.  (GIO's enumerator looked
 * each entry up by its full path and made a GFileInfo of it, and the
 * scan's thread alone made the issues: bench-scale's 20,000 entries took
 * 200-450 ms from the cache on the loaded 2-core machine.)  A link is
 * asked of GIO, as before, for its link attributes.
 * Another folder (GVfs, resources) is listed by GIO's enumerator in one
 * thread, and the scan's thread does the rest. */
typedef struct {
  Scan            *scan;
  GFile           *location;
  char            *path;       /* a local folder's, else NULL: GIO's enumerator */
  GFileEnumerator *enumerator;
  GCancellable    *cancellable;
  GAsyncQueue     *queue;     /* GArray of Listed; an empty one ends */
  GThread         *thread;
  GError          *error;
  gint             stop;
  /* a local folder */
  GPtrArray       *names;     /* what readdir () gave */
  DIR             *dir;
  gint             cache_ready;  /* atomic: the scan's cache can be looked in */
  GMutex           mutex;     /* the fields below */
  guint            next;      /* the next name to take */
} Lister;

#define LIST_BATCH 64

static GFileType
type_of_mode (mode_t mode)
{
  if (S_ISDIR (mode))
    return G_FILE_TYPE_DIRECTORY;
  if (S_ISREG (mode))
    return G_FILE_TYPE_REGULAR;
  if (S_ISLNK (mode))
    return G_FILE_TYPE_SYMBOLIC_LINK;
  return G_FILE_TYPE_SPECIAL;
}

static void
lister_set_error (Lister     *lister,
                  int         saved_errno)
{
  g_mutex_lock (&lister->mutex);
  if (lister->error == NULL)
    g_set_error (&lister->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "%s: %s", lister->path, g_strerror (saved_errno));
  g_mutex_unlock (&lister->mutex);
}

/* The names of the local folder into lister->names, up to @max (0:
 * every one left); FALSE at the end or on an error */
static gboolean
read_names (Lister *lister,
            guint   max)
{
  if (lister->dir == NULL)
    {
      lister->dir = opendir (lister->path);
      if (lister->dir == NULL)
        {
          lister_set_error (lister, errno);
          return FALSE;
        }
      lister->names = g_ptr_array_new_with_free_func (g_free);
    }
  for (guint n = 0; max == 0 || n < max;)
    {
      struct dirent *d;

      errno = 0;
      d = readdir (lister->dir);
      if (d == NULL)
        {
          if (errno != 0)
            lister_set_error (lister, errno);
          return FALSE;
        }
      if (strcmp (d->d_name, ".") != 0 && strcmp (d->d_name, "..") != 0)
        {
          g_ptr_array_add (lister->names, g_strdup (d->d_name));
          n++;
        }
    }
  return TRUE;
}

/* The next names to take, LIST_BATCH at a time; FALSE when none is left */
static gboolean
take_names (Lister *lister,
            guint  *first,
            guint  *n,
            guint   n_names)
{
  gboolean more;

  g_mutex_lock (&lister->mutex);
  *first = lister->next;
  *n = MIN (LIST_BATCH, n_names - lister->next);
  lister->next += *n;
  more = *n > 0 && !g_atomic_int_get (&lister->stop) && lister->error == NULL;
  g_mutex_unlock (&lister->mutex);
  return more && !g_cancellable_is_cancelled (lister->cancellable);
}

/* Lists the local entry @name into @batch: an issue the cache knows is
 * made at once, into @issues */
static void
list_local_entry (Lister     *lister,
                  const char *name,
                  GArray     *batch,
                  GPtrArray  *issues)
{
  Scan *scan = lister->scan;
  struct stat st;
  Listed listed = { 0 };
  const BulletinCacheEntry *hit = NULL;
  g_autofree char *extra = NULL;
  Entry *entry;

  /* gone since it was listed: as if it had not been there */
  if (fstatat (dirfd (lister->dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return;
  if (S_ISLNK (st.st_mode))
    {
      /* GIO's view, links followed: the link rules want it */
      g_autoptr(GFile) child = g_file_get_child (lister->location, name);
      GFileInfo *info = g_file_query_info (child, ENTRY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                           lister->cancellable, NULL);

      if (info != NULL)
        listed_append_info (batch, info);
      return;
    }
  listed.name = (char *)name;
  listed.type = type_of_mode (st.st_mode);
  listed.size = (guint64)st.st_size;
  listed.mtime = (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  entry = entry_new (lister->location, &listed);
  if (entry == NULL)
    return;

  /* until the scan's thread has loaded the cache, it looks the entries
   * up itself */
  if (g_atomic_int_get (&lister->cache_ready) && scan->cache != NULL)
    {
      extra = bulletin_format_dup_stamp (entry->kind, entry->file, lister->cancellable);
      g_mutex_lock (&scan->lock);
      hit = bulletin_archive_cache_lookup (scan->cache, entry->name, entry->kind, entry->size,
                                           entry->mtime, extra);
      g_mutex_unlock (&scan->lock);
      entry->looked_up = TRUE;
    }
  if (hit != NULL)
    {
      entry->done = TRUE;
      if (!hit->skip)
        {
          entry->listed = TRUE;
          g_ptr_array_add (issues, bulletin_issue_new_listed (entry->file, entry->name, entry->kind,
                                                              hit->title, hit->date, hit->number,
                                                              hit->edition, hit->n_articles, hit->error));
        }
    }
  listed.name = NULL;
  listed.entry = entry;
  g_array_append_val (batch, listed);
}

static gpointer
local_worker (gpointer data)
{
  Lister *lister = data;
  g_autoptr(GPtrArray) issues = g_ptr_array_new ();   /* always pushed */
  guint first, n;

  while (take_names (lister, &first, &n, lister->names->len))
    {
      GArray *batch = listed_array_new (n);

      for (guint i = first; i < first + n; i++)
        list_local_entry (lister, g_ptr_array_index (lister->names, i), batch, issues);
      /* the issues first: the scan's thread counts them when it takes
       * their entries */
      scan_state_push_cached (lister->scan->state, issues);
      if (batch->len > 0)
        g_async_queue_push (lister->queue, batch);
      else
        g_array_unref (batch);
    }
  return NULL;
}

/* The threads to stat a local folder with: a stat is mostly the
 * kernel's CPU time */
static guint
n_local_workers (void)
{
  return CLAMP (g_get_num_processors (), 1, 4);
}

static void
list_local (Lister *lister)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  gboolean more;

  /* the first entry at once, to be listed at once (a first opening
   * reads it before the others are even listed), then all the names */
  more = read_names (lister, 1);
  if (lister->names == NULL)
    return;
  if (lister->names->len > 0)
    {
      g_autoptr(GPtrArray) issues = g_ptr_array_new ();   /* always pushed */
      GArray *batch = listed_array_new (1);

      lister->next = 1;
      list_local_entry (lister, g_ptr_array_index (lister->names, 0), batch, issues);
      scan_state_push_cached (lister->scan->state, issues);
      if (batch->len > 0)
        g_async_queue_push (lister->queue, batch);
      else
        g_array_unref (batch);   /* an empty batch would end the listing */
    }
  if (more && !read_names (lister, 0) && lister->error != NULL)
    return;

  for (guint i = 1; i < n_local_workers () && i * LIST_BATCH < lister->names->len; i++)
    {
      GThread *thread = g_thread_try_new ("bulletin-list", local_worker, lister, NULL);

      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }
  local_worker (lister);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

static void
list_with_gio (Lister *lister)
{
  GArray *batch = listed_array_new (1);
  guint size = 1;   /* the first entry at once, to be listed at once */
  GFileInfo *info;

  while (!g_atomic_int_get (&lister->stop) &&
         (info = g_file_enumerator_next_file (lister->enumerator, lister->cancellable,
                                              &lister->error)) != NULL)
    {
      listed_append_info (batch, info);
      if (batch->len >= size)
        {
          g_async_queue_push (lister->queue, batch);
          size = LIST_BATCH;
          batch = listed_array_new (size);
        }
    }
  if (batch->len > 0)
    g_async_queue_push (lister->queue, batch);
  else
    g_array_unref (batch);
}

static gpointer
lister_thread (gpointer data)
{
  Lister *lister = data;

  if (lister->path != NULL)
    list_local (lister);
  else
    list_with_gio (lister);
  /* the end */
  g_async_queue_push (lister->queue, listed_array_new (0));
  return NULL;
}

/* Starts listing @location (the entries are looked up in the cache by
 * the listing threads from lister_cache_ready () on) */
static gboolean
lister_start (Lister        *lister,
              Scan          *scan,
              GFile         *location,
              GCancellable  *cancellable,
              GError       **error)
{
  memset (lister, 0, sizeof *lister);
  g_mutex_init (&lister->mutex);
  lister->scan = scan;
  lister->location = location;
  lister->cancellable = cancellable;
  if (g_file_is_native (location))
    lister->path = g_file_get_path (location);
  if (lister->path == NULL)
    {
      lister->enumerator = g_file_enumerate_children (location, ENTRY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                                      cancellable, error);
      if (lister->enumerator == NULL)
        {
          g_mutex_clear (&lister->mutex);
          return FALSE;
        }
    }
  lister->queue = g_async_queue_new ();
  lister->thread = g_thread_try_new ("bulletin-list", lister_thread, lister, NULL);
  return TRUE;
}

/* The scan's cache is loaded (or there is none): the entries can be
 * looked up */
static void
lister_cache_ready (Lister *lister)
{
  g_atomic_int_set (&lister->cache_ready, TRUE);
}

static void
lister_clear (Lister *lister)
{
  lister_cache_ready (lister);
  if (lister->queue != NULL)
    {
      /* stopped early: the threads' batches are dropped as they come */
      g_atomic_int_set (&lister->stop, TRUE);
      if (lister->thread != NULL)
        {
          for (;;)
            {
              GArray *batch = g_async_queue_pop (lister->queue);
              gboolean last = batch->len == 0;

              g_array_unref (batch);
              if (last)
                break;
            }
          g_thread_join (g_steal_pointer (&lister->thread));
        }
      g_clear_pointer (&lister->queue, g_async_queue_unref);
    }
  g_clear_pointer (&lister->dir, closedir);
  g_clear_pointer (&lister->names, g_ptr_array_unref);
  g_clear_object (&lister->enumerator);
  g_clear_pointer (&lister->path, g_free);
  g_clear_error (&lister->error);
  g_mutex_clear (&lister->mutex);
}

/* Lists the folder.  While it is listed, what the cache knows is listed
 * at once (a second opening reads no issue file), and on a first opening
 * the first entry is read at once, so that something shows without
 * waiting for a long listing (5,000 entries on a file server).  Links
 * are put in @links, to be judged once the listing is complete. */
static gboolean
list_entries (Scan             *scan,
              Lister           *lister,
              GPtrArray        *entries,
              GHashTable       *names,
              GPtrArray        *links,
              gboolean         *stop,
              GError          **error)
{
  lister_cache_ready (lister);
  if (lister->thread == NULL)
    lister_thread (lister);
  for (;;)
    {
      g_autoptr(GArray) batch = g_async_queue_pop (lister->queue);

      if (batch->len == 0)
        break;
      /* after a stop, what is still coming is dropped */
      for (guint i = 0; i < batch->len && !*stop; i++)
        {
          Listed *listed = &g_array_index (batch, Listed, i);

          Entry *entry;

          if (listed->info != NULL)
            {
              g_ptr_array_add (links, g_steal_pointer (&listed->info));
              continue;
            }
          entry = listed->entry != NULL ? g_steal_pointer (&listed->entry)
                                        : entry_new (lister->location, listed);
          if (!take_entry (scan, entries, names, entry))
            {
              *stop = TRUE;
              g_atomic_int_set (&lister->stop, TRUE);
            }
        }
    }
  if (lister->thread != NULL)
    g_thread_join (g_steal_pointer (&lister->thread));
  g_clear_pointer (&lister->queue, g_async_queue_unref);

  /* a stop is a cancelled read: the scan says so, and keeps what it
   * learnt */
  if (lister->error != NULL && !*stop)
    {
      g_propagate_error (error, g_steal_pointer (&lister->error));
      return FALSE;
    }
  return TRUE;
}

/* Judges the links, in name order: a duplicate is left out, a link out
 * of the archive listed as refused, the others listed as entries.
 * Returns FALSE when a read was cancelled. */
static gboolean
take_links (Scan            *scan,
            GFile           *location,
            GPtrArray       *links,
            GPtrArray       *entries,
            GHashTable      *names,
            GCancellable    *cancellable)
{
  g_autoptr(BulletinArchiveLinks) checker = NULL;
  gboolean stop = FALSE;

  g_ptr_array_sort (links, compare_infos_by_name);
  for (guint i = 0; i < links->len && !stop; i++)
    {
      GFileInfo *link = g_ptr_array_index (links, i);
      g_autoptr(GFile) child = g_file_get_child (location, g_file_info_get_name (link));
      g_autofree char *target = NULL;

      if (checker == NULL)
        checker = bulletin_archive_links_new (location);
      switch (bulletin_archive_links_check (checker, child, link, &target, cancellable))
        {
        case BULLETIN_LINK_DUPLICATE:
          break;
        case BULLETIN_LINK_OUTSIDE:
          push_refused (scan, child, g_file_info_get_file_type (link), target);
          break;
        case BULLETIN_LINK_NONE:
        case BULLETIN_LINK_FOLLOW:
        default:
          {
            g_autoptr(GArray) one = listed_array_new (1);

            listed_append_info (one, g_object_ref (link));
            stop = !take_entry (scan, entries, names,
                                entry_new (location, &g_array_index (one, Listed, 0)));
          }
          break;
        }
    }
  return !stop;
}

/* Reads the entries the cache did not know, newest names first, so that
 * the list fills in roughly in its final order.  FALSE when cancelled. */
static gboolean
read_unknown_entries (Scan      *scan,
                      GPtrArray *entries,
                      GFile     *location)
{
  g_autoptr(GPtrArray) misses = g_ptr_array_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (!entry->done)
        {
          /* only the entries to read need the order (most of a second
           * opening is listed from the cache) */
          g_autofree char *date = bulletin_date_from_string (entry->name);

          entry->name_date = date_key (date);
          g_ptr_array_add (misses, entry);
        }
    }
  g_ptr_array_sort (misses, compare_entries_newest_first);
  return read_misses (scan, misses, location);
}

/* A cancelled scan keeps what it learnt, and forgets nothing. */
static void
save_cache (BulletinArchiveCache *cache,
            GHashTable           *names,
            gboolean              cancelled,
            GCancellable         *cancellable)
{
  g_autoptr(GError) save_error = NULL;

  if (!cancelled && !g_cancellable_is_cancelled (cancellable))
    bulletin_archive_cache_retain (cache, names);
  if (bulletin_archive_cache_is_dirty (cache) &&
      !bulletin_archive_cache_save (cache, &save_error))
    g_warning ("Could not write the archive metadata cache: %s", save_error->message);
}

static gboolean
scan_run_with (Scan          *scan,
               ScanState     *state,
               GFile         *location,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFileInfo) root_info = NULL;
  Lister lister;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  BulletinArchiveCache *cache = NULL;
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_object_unref);
  BulletinArchiveCache *shared_cache = NULL;
  gboolean cancelled = FALSE;
  gboolean stop = FALSE;   /* a read cancelled while listing: read_misses stops too */
  gboolean ok;
  GFileType type;
  gint64 t0 = g_get_monotonic_time ();

  root_info = g_file_query_info (location, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (root_info == NULL)
    return FALSE;
  type = g_file_info_get_file_type (root_info);
  if (type != G_FILE_TYPE_DIRECTORY)
    return scan_single_file (state, location, type, cancellable, error);

  /* the listing starts while the cache is loaded */
  if (!lister_start (&lister, scan, location, cancellable, error))
    return FALSE;
  if (location_is_cacheable (location))
    {
      /* freed by the caller of scan_run () */
      load_caches (state, location, &cache, &shared_cache);
      scan->cache = cache;
      scan->shared_cache = shared_cache;
      g_debug ("archive scan: cache loaded after %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
    }

  ok = list_entries (scan, &lister, entries, names, links, &stop, error);
  lister_clear (&lister);
  if (!ok)
    return FALSE;
  if (!stop)
    stop = !take_links (scan, location, links, entries, names, cancellable);

  update_total (scan);
  g_debug ("archive scan: %u entries listed after %.1f ms", entries->len,
           (g_get_monotonic_time () - t0) / 1e3);

  cancelled = !read_unknown_entries (scan, entries, location);
  scan_state_sort_ready (state);
  g_debug ("archive scan: entries read after %.1f ms", (g_get_monotonic_time () - t0) / 1e3);

  if (cache != NULL)
    save_cache (cache, names, cancelled, cancellable);

  g_debug ("archive scan: done after %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* @caches: (out) (optional): the caches the scan used, for the caller to
 * free once it has told the result (20,000 entries take a while to free):
 * a GPtrArray freeing them, or NULL */
static gboolean
scan_run (ScanState     *state,
          GFile         *location,
          GPtrArray    **caches,
          GCancellable  *cancellable,
          GError       **error)
{
  Scan scan = { state, NULL, NULL, cancellable, 0, 0, 0, };
  g_autoptr(GPtrArray) used = g_ptr_array_new_with_free_func ((GDestroyNotify)bulletin_archive_cache_free);
  gboolean ok;

  g_mutex_init (&scan.lock);
  ok = scan_run_with (&scan, state, location, cancellable, error);
  g_mutex_clear (&scan.lock);
  if (scan.cache != NULL)
    g_ptr_array_add (used, scan.cache);
  if (scan.shared_cache != NULL)
    g_ptr_array_add (used, scan.shared_cache);
  if (caches != NULL)
    *caches = g_steal_pointer (&used);
  return ok;
}

typedef struct {
  ScanState *state;
  GFile     *location;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  scan_state_unref (data->state);
  g_object_unref (data->location);
  g_free (data);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  g_autoptr(GPtrArray) caches = NULL;
  GError *error = NULL;

  if (scan_run (data->state, data->location, &caches, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  /* caches freed here, once the result is on its way */
}

/* the model */

static GType
bulletin_archive_get_item_type (GListModel *model)
{
  return BULLETIN_TYPE_ISSUE;
}

static guint
bulletin_archive_get_n_items (GListModel *model)
{
  return BULLETIN_ARCHIVE (model)->issues->len;
}

static gpointer
bulletin_archive_get_item (GListModel *model,
                           guint       position)
{
  BulletinArchive *self = BULLETIN_ARCHIVE (model);

  if (position >= self->issues->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->issues, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = bulletin_archive_get_item_type;
  iface->get_n_items = bulletin_archive_get_n_items;
  iface->get_item = bulletin_archive_get_item;
}

static int
compare_issue_ptrs (gconstpointer a,
                    gconstpointer b)
{
  return bulletin_issue_compare (*(BulletinIssue * const *)a, *(BulletinIssue * const *)b);
}

/* first position at or after @from whose issue comes after @issue */
static guint
find_insert_position (BulletinArchive *self,
                      BulletinIssue   *issue,
                      guint            from)
{
  guint lo = from, hi = self->issues->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (bulletin_issue_compare (g_ptr_array_index (self->issues, mid), issue) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void on_issue_date_changed (BulletinIssue *issue,
                                   gpointer       data);

static void
articles_hook (BulletinIssue *issue,
               GPtrArray     *articles,
               gpointer       data)
{
  bulletin_archive_register_articles (data, issue, articles);
}

static void
adopt_issue (BulletinArchive *self,
             BulletinIssue   *issue)
{
  g_hash_table_replace (self->by_name, (gpointer)bulletin_issue_get_display_name (issue), issue);
  bulletin_issue_set_date_hook (issue, on_issue_date_changed, self);
  bulletin_issue_set_articles_hook (issue, articles_hook, self);
}

static void
release_issue (BulletinArchive *self,
               BulletinIssue   *issue)
{
  const char *name = bulletin_issue_get_display_name (issue);

  if (g_hash_table_lookup (self->by_name, name) == issue)
    g_hash_table_remove (self->by_name, name);
  bulletin_issue_set_date_hook (issue, NULL, NULL);
  bulletin_issue_set_articles_hook (issue, NULL, NULL);
}

/* Inserts @n issues at @position, taking their references. */
static void
insert_run (BulletinArchive  *self,
            guint             position,
            BulletinIssue   **run,
            guint             n)
{
  guint old_len = self->issues->len;

  g_ptr_array_set_size (self->issues, old_len + n);
  memmove (self->issues->pdata + position + n, self->issues->pdata + position,
           (old_len - position) * sizeof (gpointer));
  for (guint i = 0; i < n; i++)
    {
      self->issues->pdata[position + i] = g_object_ref (run[i]);
      adopt_issue (self, run[i]);
    }
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n);
}

/* How many runs of adjacent insertions @batch (sorted) makes. */
static guint
count_runs (BulletinArchive *self,
            GPtrArray       *batch)
{
  guint i = 0, position = 0, n_runs = 0;

  while (i < batch->len)
    {
      position = find_insert_position (self, g_ptr_array_index (batch, i), position);
      i++;
      while (i < batch->len &&
             (position >= self->issues->len ||
              bulletin_issue_compare (g_ptr_array_index (batch, i),
                                      g_ptr_array_index (self->issues, position)) < 0))
        i++;
      n_runs++;
    }
  return n_runs;
}

/* Many scattered insertions (the cache lists a folder in directory order):
 * one merge, and one items-changed from the first new issue on, rather
 * than thousands of signals and moves. */
static void
merge_issues (BulletinArchive *self,
              GPtrArray       *batch)
{
  guint old_len = self->issues->len, first = G_MAXUINT;
  g_autoptr(GPtrArray) merged = g_ptr_array_new_full (old_len + batch->len, g_object_unref);
  g_autofree gpointer *old = NULL;
  guint i = 0, j = 0;

  old = g_ptr_array_steal (self->issues, NULL);
  while (i < old_len || j < batch->len)
    {
      if (j >= batch->len ||
          (i < old_len && bulletin_issue_compare (old[i], g_ptr_array_index (batch, j)) < 0))
        g_ptr_array_add (merged, old[i++]);
      else
        {
          BulletinIssue *issue = g_ptr_array_index (batch, j++);

          if (first == G_MAXUINT)
            first = merged->len;
          g_ptr_array_add (merged, g_object_ref (issue));
          adopt_issue (self, issue);
        }
    }

  g_ptr_array_unref (self->issues);
  self->issues = g_steal_pointer (&merged);
  g_list_model_items_changed (G_LIST_MODEL (self), first, old_len - first,
                              self->issues->len - first);
}

#define MAX_RUNS_SIGNALLED 16

/* Merges a batch into the sorted list: one items-changed per run of
 * issues that land next to each other, or one for all when there are many
 * runs. */
static void
insert_issues (BulletinArchive *self,
               GPtrArray       *batch,
               gboolean         sorted)
{
  guint i = 0, position = 0;

  if (!sorted)
    g_ptr_array_sort (batch, compare_issue_ptrs);

  if (count_runs (self, batch) > MAX_RUNS_SIGNALLED)
    {
      merge_issues (self, batch);
      return;
    }

  while (i < batch->len)
    {
      guint j = i + 1;

      position = find_insert_position (self, g_ptr_array_index (batch, i), position);
      while (j < batch->len &&
             (position >= self->issues->len ||
              bulletin_issue_compare (g_ptr_array_index (batch, j),
                                      g_ptr_array_index (self->issues, position)) < 0))
        j++;

      insert_run (self, position, (BulletinIssue **)batch->pdata + i, j - i);
      position += j - i;
      i = j;
    }
}

static void
remove_at (BulletinArchive *self,
           guint            position)
{
  BulletinIssue *issue = g_ptr_array_steal_index (self->issues, position);

  release_issue (self, issue);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_unref (issue);
}

static gboolean
find_position (BulletinArchive *self,
               BulletinIssue   *issue,
               guint           *position)
{
  return g_ptr_array_find (self->issues, issue, position);
}

/* Loading an issue can tell its real date: it moves to its place. */
static void
on_issue_date_changed (BulletinIssue *issue,
                       gpointer       data)
{
  BulletinArchive *self = data;
  guint position, target;
  gboolean in_order;

  if (!find_position (self, issue, &position))
    return;

  in_order = (position == 0 ||
              bulletin_issue_compare (g_ptr_array_index (self->issues, position - 1), issue) < 0) &&
             (position + 1 >= self->issues->len ||
              bulletin_issue_compare (issue, g_ptr_array_index (self->issues, position + 1)) < 0);
  if (in_order)
    return;

  g_object_ref (issue);
  g_ptr_array_remove_index (self->issues, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  target = find_insert_position (self, issue, 0);
  g_ptr_array_insert (self->issues, target, issue);
  g_list_model_items_changed (G_LIST_MODEL (self), target, 0, 1);
}

static void
clear_issues (BulletinArchive *self)
{
  guint n = self->issues->len;

  for (guint i = 0; i < n; i++)
    release_issue (self, g_ptr_array_index (self->issues, i));
  g_ptr_array_set_size (self->issues, 0);
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

/* the object */

static void
id_owner_free (IdOwner *owner)
{
  g_object_unref (owner->article);
  g_free (owner->issue_name);
  g_free (owner);
}

static void
bulletin_archive_dispose (GObject *object)
{
  BulletinArchive *self = (BulletinArchive *)object;

  for (guint i = 0; i < self->issues->len; i++)
    release_issue (self, g_ptr_array_index (self->issues, i));
  g_ptr_array_set_size (self->issues, 0);
  g_clear_pointer (&self->scan, scan_state_unref);
  g_clear_handle_id (&self->change_source, g_source_remove);
  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_hash_table_remove_all (self->folder_monitors);
  g_hash_table_remove_all (self->ids);

  G_OBJECT_CLASS (bulletin_archive_parent_class)->dispose (object);
}

static void
bulletin_archive_finalize (GObject *object)
{
  BulletinArchive *self = (BulletinArchive *)object;

  g_clear_object (&self->location);
  g_clear_object (&self->folder);
  g_ptr_array_unref (self->issues);
  g_hash_table_unref (self->by_name);
  g_hash_table_unref (self->ids);
  g_hash_table_unref (self->changed_names);
  g_hash_table_unref (self->folder_monitors);

  G_OBJECT_CLASS (bulletin_archive_parent_class)->finalize (object);
}

static void
bulletin_archive_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BulletinArchive *self = BULLETIN_ARCHIVE (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      g_value_set_object (value, self->location);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_SCANNED:
      g_value_set_uint (value, self->n_scanned);
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, self->n_total);
      break;
    case PROP_WATCHING:
      g_value_set_boolean (value, self->watching);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_archive_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BulletinArchive *self = BULLETIN_ARCHIVE (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      self->location = g_value_dup_object (value);
      break;
    case PROP_WATCHING:
      bulletin_archive_set_watching (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_archive_class_init (BulletinArchiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bulletin_archive_dispose;
  object_class->finalize = bulletin_archive_finalize;
  object_class->get_property = bulletin_archive_get_property;
  object_class->set_property = bulletin_archive_set_property;

  properties[PROP_LOCATION] =
    g_param_spec_object ("location", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SCANNED] =
    g_param_spec_uint ("n-scanned", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_TOTAL] =
    g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WATCHING] =
    g_param_spec_boolean ("watching", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bulletin_archive_init (BulletinArchive *self)
{
  self->issues = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)id_owner_free);
  self->changed_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->folder_monitors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify)drop_folder_monitor);
}

/**
 * bulletin_archive_new:
 * @location: a folder of issues, or a single issue file
 *
 * Returns: (transfer full): an empty archive; call
 * bulletin_archive_scan_async () to fill it
 */
BulletinArchive *
bulletin_archive_new (GFile *location)
{
  g_return_val_if_fail (G_IS_FILE (location), NULL);

  return g_object_new (BULLETIN_TYPE_ARCHIVE, "location", location, NULL);
}

/**
 * bulletin_archive_get_location:
 *
 * Returns: (transfer none): what was opened: a folder or a single file
 */
GFile *
bulletin_archive_get_location (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), NULL);
  return self->location;
}

/**
 * bulletin_archive_get_folder:
 *
 * Returns: (transfer none): the archive folder: the location, or the
 * folder holding it when a single file was opened (known once the scan
 * has listed it)
 */
GFile *
bulletin_archive_get_folder (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), NULL);
  return self->folder != NULL ? self->folder : self->location;
}

gboolean
bulletin_archive_is_single_file (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), FALSE);
  return self->single_file;
}

gboolean
bulletin_archive_get_loading (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), FALSE);
  return self->loading;
}

guint
bulletin_archive_get_n_scanned (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), 0);
  return self->n_scanned;
}

guint
bulletin_archive_get_n_total (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), 0);
  return self->n_total;
}

/* 0 to 1; 1 when nothing is left to scan */
double
bulletin_archive_get_progress (BulletinArchive *self)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), 0.0);

  if (self->n_total == 0)
    return self->loading ? 0.0 : 1.0;
  return MIN (1.0, (double)self->n_scanned / self->n_total);
}

void
bulletin_archive_get_scan_stats (BulletinArchive *self,
                                 guint           *n_from_cache,
                                 guint           *n_read)
{
  g_return_if_fail (BULLETIN_IS_ARCHIVE (self));

  if (n_from_cache != NULL)
    *n_from_cache = self->n_from_cache;
  if (n_read != NULL)
    *n_read = self->n_read;
}

/**
 * bulletin_archive_find_issue:
 * @name: the entry's name in the archive folder
 *
 * Returns: (transfer none) (nullable): the issue listed for @name
 */
BulletinIssue *
bulletin_archive_find_issue (BulletinArchive *self,
                             const char      *name)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->by_name, name);
}

/**
 * bulletin_archive_dup_cache_path:
 *
 * Returns: (transfer full): the metadata cache file for the archive at
 * @location, under the user cache folder
 */
char *
bulletin_archive_dup_shared_cache_path (GFile *location)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (location), NULL);

  path = g_file_get_path (location);
  return path != NULL ? g_build_filename (path, ".bulletin-reader", "listing.cache", NULL) : NULL;
}

/**
 * bulletin_archive_update_shared_cache:
 * @location: an archive folder
 *
 * Lists the archive at @location, keeping what it learns in the shared
 * listing cache in the folder itself (`.bulletin-reader/listing.cache`,
 * bulletin_archive_dup_shared_cache_path ()), which clients read before
 * reading an issue file (`bulletin-reader --index`).
 *
 * Returns: FALSE with @error set when it could not be listed
 */
gboolean
bulletin_archive_update_shared_cache (GFile   *location,
                                      GError **error)
{
  g_autoptr(BulletinArchive) archive = NULL;

  g_return_val_if_fail (G_IS_FILE (location), FALSE);

  archive = bulletin_archive_new (location);
  archive->shared_cache_writer = TRUE;
  return bulletin_archive_scan (archive, NULL, error);
}

char *
bulletin_archive_dup_cache_path (GFile *location)
{
  g_autofree char *uri = NULL;

  g_return_val_if_fail (G_IS_FILE (location), NULL);

  uri = g_file_get_uri (location);
  return bulletin_archive_cache_path_for (uri);
}

static void
begin_scan (BulletinArchive *self,
            ScanState       *state)
{
  clear_issues (self);
  g_clear_pointer (&self->scan, scan_state_unref);
  self->scan = scan_state_ref (state);
  self->n_from_cache = self->n_read = 0;
  self->single_file = FALSE;
  g_clear_object (&self->folder);
  self->scanned = FALSE;
  /* the scan reads what changed before it; what changes while it runs
   * is seen by the monitor, which watches from now on */
  g_clear_handle_id (&self->change_source, g_source_remove);
  g_hash_table_remove_all (self->changed_names);
  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  self->refreshing = FALSE;
  update_monitor (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (!self->loading)
    {
      self->loading = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
  if (self->n_scanned != 0)
    {
      self->n_scanned = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SCANNED]);
    }
  if (self->n_total != 0)
    {
      self->n_total = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOTAL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
end_scan (BulletinArchive *self,
          ScanState       *state,
          gboolean         ok)
{
  /* everything the worker finished is listed before the caller hears */
  scan_state_flush (state);

  if (self->scan != state)
    return;

  g_clear_pointer (&self->scan, scan_state_unref);
  self->scanned = ok;
  self->loading = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  update_monitor (self);
  /* what changed while it ran, after it listed the folder */
  if (self->monitor == NULL)
    g_hash_table_remove_all (self->changed_names);
  else if (g_hash_table_size (self->changed_names) > 0 && self->change_source == 0)
    self->change_source = g_timeout_add (CHANGE_DELAY_MS, apply_changes, self);
}

static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  BulletinArchive *self = BULLETIN_ARCHIVE (object);
  g_autoptr(GTask) outer = user_data;
  ScanData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  end_scan (self, data->state, ok);

  if (ok)
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

/**
 * bulletin_archive_scan_async:
 *
 * Lists the archive's issues in a worker thread; the model fills in on the
 * calling thread's main context while it runs.  Scanning again starts from
 * an empty list.  A cancelled scan leaves what it listed so far.
 */
void
bulletin_archive_scan_async (BulletinArchive     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autoptr(ScanState) state = NULL;
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  ScanData *data;

  g_return_if_fail (BULLETIN_IS_ARCHIVE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, bulletin_archive_scan_async);

  state = scan_state_new (self, context);
  begin_scan (self, state);

  data = g_new0 (ScanData, 1);
  data->state = scan_state_ref (state);
  data->location = g_object_ref (self->location);

  worker = g_task_new (self, cancellable, scan_done, g_steal_pointer (&outer));
  g_task_set_source_tag (worker, bulletin_archive_scan_async);
  g_task_set_task_data (worker, data, (GDestroyNotify)scan_data_free);
  g_task_set_return_on_cancel (worker, FALSE);
  g_task_run_in_thread (worker, scan_thread);
}

gboolean
bulletin_archive_scan_finish (BulletinArchive  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * bulletin_archive_scan:
 *
 * Scans in the calling thread and fills the model before returning (the
 * command line, tests).
 */
gboolean
bulletin_archive_scan (BulletinArchive  *self,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr(ScanState) state = NULL;
  gboolean ok;

  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), FALSE);

  state = scan_state_new (self, context);
  begin_scan (self, state);
  ok = scan_run (state, self->location, NULL, cancellable, error);
  end_scan (self, state, ok);
  return ok;
}

/* article ids */

static char *
content_suffix (BulletinArticle *article,
                const char      *base)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                        bulletin_article_get_source (article),
                                                        -1);

  return g_strdup_printf ("%c%.16s", strchr (base, '#') != NULL ? '-' : '#', sum);
}

static gboolean
owner_precedes (const char *name_a,
                guint       index_a,
                const char *name_b,
                guint       index_b)
{
  int c = strcmp (name_a, name_b);

  return c < 0 || (c == 0 && index_a < index_b);
}

/**
 * bulletin_archive_register_articles:
 * @articles: (element-type BulletinArticle): the finished articles of @issue
 *
 * Tells apart articles of the archive that share an id (the same ninjs
 * uri, as IPTC's own samples do).  Of all the articles carrying one id,
 * the one first in archive order (entry name, then position in the issue)
 * keeps it; the others get a suffix made of a hash of their text, so that
 * each id is the same whichever issue is opened first.  The archive calls
 * this itself when one of its issues loads.
 */
void
bulletin_archive_register_articles (BulletinArchive *self,
                                    BulletinIssue   *issue,
                                    GPtrArray       *articles)
{
  const char *issue_name;

  g_return_if_fail (BULLETIN_IS_ARCHIVE (self));
  g_return_if_fail (BULLETIN_IS_ISSUE (issue));
  g_return_if_fail (articles != NULL);

  issue_name = bulletin_issue_get_display_name (issue);

  for (guint i = 0; i < articles->len; i++)
    {
      BulletinArticle *article = g_ptr_array_index (articles, i);
      g_autofree char *base = g_strdup (bulletin_article_get_id (article));
      IdOwner *owner;

      if (base == NULL)
        continue;

      owner = g_hash_table_lookup (self->ids, base);
      if (owner == NULL)
        {
          owner = g_new0 (IdOwner, 1);
          owner->article = g_object_ref (article);
          owner->issue_name = g_strdup (issue_name);
          owner->index = i;
          g_hash_table_insert (self->ids, g_steal_pointer (&base), owner);
          continue;
        }
      if (owner->article == article)
        continue;
      if (strcmp (owner->issue_name, issue_name) == 0 && owner->index == i)
        {
          /* the same issue read again: this is the article now */
          g_set_object (&owner->article, article);
          continue;
        }

      if (owner_precedes (issue_name, i, owner->issue_name, owner->index))
        {
          g_autofree char *suffix = content_suffix (owner->article, base);

          bulletin_article_set_id_suffix (owner->article, suffix);
          g_set_object (&owner->article, article);
          g_free (owner->issue_name);
          owner->issue_name = g_strdup (issue_name);
          owner->index = i;
        }
      else
        {
          g_autofree char *suffix = content_suffix (article, base);

          bulletin_article_set_id_suffix (article, suffix);
        }
    }
}

/* images */

/**
 * bulletin_archive_resolve_image:
 * @issue: (nullable): the issue the reference comes from
 * @ref: an image reference as written in the issue (relative, `/`
 *   separated, possibly %-escaped)
 *
 * Finds a local image.  Only a relative reference that stays inside the
 * archive folder is accepted: absolute paths, `file:` and remote URLs, and
 * paths that climb out with `..` are refused with a message saying so.
 * Nothing is read and nothing is fetched.
 *
 * Returns: (transfer full) (nullable): the image file
 */
GFile *
bulletin_archive_resolve_image (BulletinArchive  *self,
                                BulletinIssue    *issue,
                                const char       *ref,
                                GError          **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *plain = NULL;
  g_autofree char *unescaped = NULL;
  g_autofree char *scheme = NULL;
  g_auto(GStrv) components = NULL;
  GFile *folder;
  g_autoptr(GFile) result = NULL;

  g_return_val_if_fail (BULLETIN_IS_ARCHIVE (self), NULL);
  g_return_val_if_fail (issue == NULL || BULLETIN_IS_ISSUE (issue), NULL);

  if (ref == NULL || *ref == 0)
    {
      g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_INVALID,
                   _("The image reference is empty"));
      return NULL;
    }

  scheme = g_uri_parse_scheme (ref);
  if (scheme != NULL)
    {
      if (g_ascii_strcasecmp (scheme, "file") == 0)
        g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_OUTSIDE,
                     _("The image “%s” is an absolute file address; only images inside the "
                       "archive folder are shown"), ref);
      else
        g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_REMOTE,
                     _("The image “%s” is not in the archive; remote images are never "
                       "fetched"), ref);
      return NULL;
    }
  if (ref[0] == '/' || ref[0] == '\\')
    {
      g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_OUTSIDE,
                   _("The image “%s” is an absolute path; only images inside the archive "
                     "folder are shown"), ref);
      return NULL;
    }

  plain = g_strndup (ref, strcspn (ref, "?#"));
  unescaped = g_uri_unescape_string (plain, "/");
  if (unescaped == NULL || !g_utf8_validate (unescaped, -1, NULL))
    {
      g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_INVALID,
                   _("The image reference “%s” is malformed"), ref);
      return NULL;
    }
  g_strdelimit (unescaped, "\\", '/');

  folder = bulletin_archive_get_folder (self);

  /* where the reference starts from: a folder issue's own folder, else the
   * folder that holds the issue file */
  if (issue != NULL)
    {
      GFile *file = bulletin_issue_get_file (issue);
      g_autoptr(GFile) base = bulletin_format_kind_is_folder (bulletin_issue_get_kind (issue))
                              ? g_object_ref (file) : g_file_get_parent (file);
      g_autofree char *relative = base ? g_file_get_relative_path (folder, base) : NULL;

      if (relative != NULL)
        {
          g_auto(GStrv) base_parts = g_strsplit (relative, "/", -1);

          for (guint i = 0; base_parts[i] != NULL; i++)
            if (*base_parts[i] != 0)
              g_ptr_array_add (parts, g_strdup (base_parts[i]));
        }
    }

  components = g_strsplit (unescaped, "/", -1);
  for (guint i = 0; components[i] != NULL; i++)
    {
      const char *c = components[i];

      if (*c == 0 || strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          if (parts->len == 0)
            {
              g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_OUTSIDE,
                           _("The image “%s” lies outside the archive folder"), ref);
              return NULL;
            }
          g_ptr_array_remove_index (parts, parts->len - 1);
          continue;
        }
      g_ptr_array_add (parts, g_strdup (c));
    }

  if (parts->len == 0)
    {
      g_set_error (error, BULLETIN_ARCHIVE_ERROR, BULLETIN_ARCHIVE_ERROR_INVALID,
                   _("The image reference “%s” names no file"), ref);
      return NULL;
    }

  result = g_object_ref (folder);
  for (guint i = 0; i < parts->len; i++)
    {
      GFile *child = g_file_get_child (result, g_ptr_array_index (parts, i));
      g_object_unref (result);
      result = child;
    }
  return g_steal_pointer (&result);
}

/* watching for changes */

typedef struct {
  char          *name;
  GFile         *file;
  BulletinIssue *issue;    /* NULL: the entry is gone or is not an issue */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_free (refresh->name);
  g_object_unref (refresh->file);
  g_clear_object (&refresh->issue);
  g_free (refresh);
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GPtrArray *refreshes = task_data;
  g_autoptr(BulletinArchiveLinks) checker = NULL;

  if (refreshes->len > 0)
    {
      Refresh *first = g_ptr_array_index (refreshes, 0);
      g_autoptr(GFile) root = g_file_get_parent (first->file);

      checker = bulletin_archive_links_new (root != NULL ? root : first->file);
    }

  for (guint i = 0; i < refreshes->len; i++)
    {
      Refresh *refresh = g_ptr_array_index (refreshes, i);
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(BulletinIssue) issue = NULL;
      g_autofree char *target = NULL;
      BulletinIssueKind kind;
      BulletinLinkVerdict link;

      info = g_file_query_info (refresh->file,
                                G_FILE_ATTRIBUTE_STANDARD_TYPE "," BULLETIN_ARCHIVE_LINK_ATTRIBUTES,
                                G_FILE_QUERY_INFO_NONE, cancellable, NULL);
      if (info == NULL ||
          !bulletin_issue_kind_for_file (refresh->file, g_file_info_get_file_type (info), &kind))
        continue;
      link = bulletin_archive_links_check (checker, refresh->file, info, &target, cancellable);
      if (link == BULLETIN_LINK_DUPLICATE)
        continue;
      issue = bulletin_issue_new (refresh->file, kind);
      if (link == BULLETIN_LINK_OUTSIDE)
        {
          g_autofree char *message = bulletin_archive_links_describe (target);

          bulletin_issue_set_refused (issue, message);
          refresh->issue = g_steal_pointer (&issue);
          continue;
        }
      if (read_entry (issue, cancellable) == READ_OK ||
          bulletin_issue_get_state (issue) == BULLETIN_ISSUE_STATE_ERROR)
        refresh->issue = g_steal_pointer (&issue);
    }
  g_task_return_boolean (task, TRUE);
}

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  BulletinArchive *self = BULLETIN_ARCHIVE (object);
  GPtrArray *refreshes = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  self->refreshing = FALSE;
  /* what changed while it ran */
  if (g_hash_table_size (self->changed_names) > 0 && self->change_source == 0)
    self->change_source = g_timeout_add (CHANGE_DELAY_MS, apply_changes, self);

  for (guint i = 0; i < refreshes->len; i++)
    {
      Refresh *refresh = g_ptr_array_index (refreshes, i);
      BulletinIssue *old = g_hash_table_lookup (self->by_name, refresh->name);
      guint position;

      if (old != NULL && find_position (self, old, &position))
        remove_at (self, position);
      if (refresh->issue != NULL)
        g_ptr_array_add (batch, g_steal_pointer (&refresh->issue));
    }
  if (batch->len > 0)
    insert_issues (self, batch, FALSE);
  sync_folder_monitors (self);
}

static gboolean
apply_changes (gpointer data)
{
  BulletinArchive *self = data;
  g_autoptr(GTask) task = NULL;
  GPtrArray *refreshes = g_ptr_array_new_with_free_func ((GDestroyNotify)refresh_free);
  GHashTableIter iter;
  gpointer key;

  self->change_source = 0;
  /* after the scan, and one refresh at a time (its results replace
   * entries by name, in the order they come) */
  if (self->scan != NULL || self->refreshing)
    return G_SOURCE_REMOVE;

  g_hash_table_iter_init (&iter, self->changed_names);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Refresh *refresh = g_new0 (Refresh, 1);

      refresh->name = g_strdup (key);
      refresh->file = g_file_get_child (self->location, key);
      g_ptr_array_add (refreshes, refresh);
    }
  g_hash_table_remove_all (self->changed_names);

  if (self->refresh_cancellable == NULL)
    self->refresh_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->refresh_cancellable, refresh_done, NULL);
  g_task_set_source_tag (task, apply_changes);
  g_task_set_task_data (task, refreshes, (GDestroyNotify)g_ptr_array_unref);
  self->refreshing = TRUE;
  g_task_run_in_thread (task, refresh_thread);
  return G_SOURCE_REMOVE;
}

static void
note_change (BulletinArchive *self,
             GFile           *file)
{
  g_autoptr(GFile) parent = NULL;

  if (file == NULL)
    return;
  parent = g_file_get_parent (file);
  if (parent == NULL || !g_file_equal (parent, self->location))
    return;

  g_hash_table_add (self->changed_names, g_file_get_basename (file));
  g_clear_handle_id (&self->change_source, g_source_remove);
  self->change_source = g_timeout_add (CHANGE_DELAY_MS, apply_changes, self);
}

/* The events that can change what an issue holds. */
static gboolean
changes_content (GFileMonitorEvent event)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
      return TRUE;
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      return FALSE;
    }
}

static void
on_folder_changed (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   BulletinArchive   *self)
{
  if (!changes_content (event))
    return;
  note_change (self, file);
  if (event == G_FILE_MONITOR_EVENT_RENAMED)
    note_change (self, other_file);
}

/* A file inside a folder issue changed: the folder is the issue to read
 * again. */
static void
on_issue_folder_changed (GFileMonitor      *monitor,
                         GFile             *file,
                         GFile             *other_file,
                         GFileMonitorEvent  event,
                         BulletinArchive   *self)
{
  g_autoptr(GFile) folder = NULL;

  if (!changes_content (event) || file == NULL)
    return;
  folder = g_file_get_parent (file);
  note_change (self, folder);
}

static void
drop_folder_monitor (GFileMonitor *monitor)
{
  g_signal_handlers_disconnect_matched (monitor, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_issue_folder_changed, NULL);
  g_file_monitor_cancel (monitor);
  g_object_unref (monitor);
}

/* More folders than this are not watched inside (each takes an inotify
 * watch, of which a user has a limited number). */
#define MAX_FOLDER_MONITORS 2048

/* Watches inside every folder issue while the archive is watched, so that
 * an article file added, changed or removed there updates its issue. */
static void
sync_folder_monitors (BulletinArchive *self)
{
  gboolean want = self->watching && self->scanned && !self->single_file;
  GHashTableIter iter;
  gpointer key, value;

  if (!want)
    {
      g_hash_table_remove_all (self->folder_monitors);
      return;
    }

  g_hash_table_iter_init (&iter, self->folder_monitors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      BulletinIssue *issue = g_hash_table_lookup (self->by_name, key);

      if (issue == NULL || !bulletin_format_kind_is_folder (bulletin_issue_get_kind (issue)))
        g_hash_table_iter_remove (&iter);
    }

  g_hash_table_iter_init (&iter, self->by_name);
  while (g_hash_table_iter_next (&iter, &key, &value) &&
         g_hash_table_size (self->folder_monitors) < MAX_FOLDER_MONITORS)
    {
      g_autoptr(GFile) folder = NULL;
      GFileMonitor *monitor;

      if (!bulletin_format_kind_is_folder (bulletin_issue_get_kind (value)) ||
          g_hash_table_contains (self->folder_monitors, key))
        continue;
      folder = g_file_get_child (self->location, key);
      monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (monitor == NULL)
        continue;
      g_signal_connect (monitor, "changed", G_CALLBACK (on_issue_folder_changed), self);
      g_hash_table_insert (self->folder_monitors, g_strdup (key), monitor);
    }
}

/* The folder is watched from the start of a scan (a file added after
 * the scan listed the folder is seen; its change is read once the scan
 * ends) until another scan, or for good once a scan found it. */
static void
update_monitor (BulletinArchive *self)
{
  gboolean want = self->watching && (self->scanned || self->scan != NULL) && !self->single_file;

  if (want && self->monitor == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->monitor = g_file_monitor_directory (self->location, G_FILE_MONITOR_WATCH_MOVES,
                                                NULL, &error);
      if (self->monitor == NULL)
        {
          g_debug ("Not watching the archive: %s", error->message);
          return;
        }
      g_signal_connect (self->monitor, "changed", G_CALLBACK (on_folder_changed), self);
    }
  else if (!want && self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  sync_folder_monitors (self);
}

/**
 * bulletin_archive_set_watching:
 *
 * Watches the archive folder once it is scanned: entries added, changed or
 * removed update the list, and so do article files added, changed or
 * removed inside a folder issue.
 */
void
bulletin_archive_set_watching (BulletinArchive *self,
                               gboolean         watching)
{
  g_return_if_fail (BULLETIN_IS_ARCHIVE (self));

  watching = !!watching;
  if (self->watching == watching)
    return;
  self->watching = watching;
  update_monitor (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
}
