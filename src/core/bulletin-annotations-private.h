/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The store of bookmarks and notes (bulletin-annotations.h) is one class in
 * sibling files, each with one job:
 *
 *   bulletin-annotations.c            the object: signals, the file monitor,
 *                                     loading, changes, reading positions
 *   bulletin-annotations-state.c      records in memory and how two states merge
 *   bulletin-annotations-parse.c      the key file's text -> a state
 *   bulletin-annotations-serialize.c  a state -> the key file's text
 *   bulletin-annotations-seen.c       hashes of the groups as the file held them
 *   bulletin-annotations-file.c       the lock, atomic writes, damaged copies
 *   bulletin-annotations-sync.c       merging with the file under the lock,
 *                                     what is saved and what is not
 *   bulletin-annotations-save.c       saving in a thread
 *   bulletin-annotations-load.c       loading and merging in a thread
 *   bulletin-annotations-models.c     the list models of bookmarks and notes
 *   bulletin-annotations-backup.c     backup, import, restoring damaged copies
 *   bulletin-annotations-export.c     Markdown and citations
 */

#include <sys/stat.h>

#include "bulletin-annotations.h"

G_BEGIN_DECLS

/*
 * One key file holds everything (docs/annotations-format.md).  Every record
 * is a group with a modification time; a deletion leaves a group holding only
 * the time of the deletion (a tombstone).  Merging two states keeps, group by
 * group, whichever happened last, a deletion winning a tie: the merge is
 * commutative and idempotent, so a writer merely merges the file's current
 * content into its own state under the lock and writes the result, and no
 * stale copy can bring a deleted note back.
 */

#define FORMAT_VERSION 1
#define HEADER_GROUP "Bulletin Reader"
#define NOTE_PREFIX "Note "
#define BOOKMARK_PREFIX "Bookmark "
#define POSITION_PREFIX "Position "
#define RELOAD_DELAY_MS 100
#define RETRY_DELAY_S 5
/* temporary files: a name nobody else uses, and only these are cleaned */
#define TEMP_PREFIX "." BULLETIN_ANNOTATIONS_FILE_NAME ".bulletin-tmp-"
#define DAMAGED_INFIX ".damaged-"
/* a group name standing for "many groups" (an import) */
#define ALL_GROUPS "*"

typedef struct {
  char   *archive;
  char   *issue_id;
  char   *article_id;
  guint   offset;
  gint64  modified;
} Position;

typedef struct {
  GHashTable *notes;      /* uuid -> BulletinNote */
  GHashTable *bookmarks;  /* article id -> BulletinBookmark */
  GHashTable *positions;  /* archive uri -> Position */
  GHashTable *deleted;    /* group name -> gint64 time of deletion */
  GHashTable *extra;      /* group name -> text: groups of a newer version, kept as they are */
} State;

typedef struct _Seen Seen;

/* What a merge tells the list models: a note or bookmark leaves them
 * (before it changes or goes), and comes (after it came or changed). */
typedef struct {
  void     (*forget) (gpointer data,
                      gpointer item);
  void     (*show)   (gpointer data,
                      gpointer item);
  gpointer   data;
} MergeHooks;

/* group name -> hash of its text, as 64-bit hashes of both in an open
 * addressing table: 16 bytes a group, no allocation per group */
struct _Seen {
  guint64 *slots;  /* key, value, key, value...; key 0: empty */
  gsize    mask;   /* capacity - 1, a power of two */
  gsize    n;
};

/* A record as written: reused while the record keeps its time. */
typedef struct {
  gboolean  tombstone;
  gint64    stamp;
  char     *text;
} Chunk;

/* A temporary file of a name nobody else uses (TEMP_PREFIX + 6 random
 * characters, made with g_mkstemp) in the key file's folder, written in
 * pieces, then fsynced, renamed over the key file, and the folder
 * fsynced.  On any failure the temporary file is removed and the key file
 * is as it was. */
typedef struct {
  int      fd;
  char    *tmp;
  GString *buf;
  int      error;  /* errno of the first failure */
} TempFile;

/* What reading the file gave (bulletin_annotations_read_locked ()) */
typedef enum {
  FILE_READ_UNCHANGED,  /* as we last saw it, or absent */
  FILE_READ_REMOVED,    /* removed since we saw it */
  FILE_READ_READ,       /* read */
  FILE_READ_DAMAGED,    /* what could be read is in state; aside: its copy */
  FILE_READ_FAILED,     /* error */
} FileReadOutcome;

typedef struct {
  FileReadOutcome  outcome;
  State            state;     /* the groups that changed since @seen */
  Seen            *now_seen;  /* every group of the file */
  struct stat      st;
  char            *reason;    /* why it is damaged */
  char            *aside;     /* the damaged file's copy */
  GError          *error;
} FileRead;

/* takes what was read into the state; whether the state changed */
typedef gboolean (*TakeRead) (BulletinAnnotations *self,
                              FileRead            *r,
                              gpointer             data);

struct _BulletinAnnotations
{
  GObject       parent_instance;

  char         *dir;
  char         *path;
  char         *lock_path;

  State         state;
  /* group name -> Chunk: what each record was last written as */
  GHashTable   *written;
  /* group name -> hash of its text as the file held it when we last read
   * or wrote it; a group unchanged since need not be parsed again */
  Seen         *seen;
  GListStore   *bookmark_model;
  GListStore   *note_model;
  /* filling the models after a load, a slice at a time */
  GPtrArray    *fill_notes;
  GPtrArray    *fill_bookmarks;
  guint         fill_notes_done;
  guint         fill_bookmarks_done;
  guint         fill_source;
  GTask        *fill_task;

  GFileMonitor *monitor;
  guint         reload_source;
  gboolean      monitored;

  /* the file as we last read or wrote it: unchanged, it need not be read */
  gboolean      have_stat;
  struct stat   last_stat;
  /* changes not yet written (a write failed) */
  gboolean      dirty;
  gboolean      loaded;
  /* group names changed and not yet written (ALL_GROUPS: many); retried
   * every RETRY_DELAY_S and at the next change */
  GHashTable   *unsaved;
  guint         retry_source;
  char         *last_error;

  /* writing in a thread (set_async_writes): the thread serializes the
   * state under state_lock, which every change of the state, `written`
   * and `seen` takes while a write may run; changes made meanwhile are
   * written by the next write */
  gboolean      async_writes;
  GMutex        state_lock;
  gboolean      writing;        /* a write thread runs */
  gboolean      reading;        /* a read thread runs (load, merge) */
  gboolean      loading;        /* the load's read runs */
  gboolean      write_again;    /* changes came while it ran */
  gboolean      reload_again;   /* the file changed while it ran */
  guint         write_source;   /* a write is scheduled */
  guint64       change_gen;     /* counts changes */
};

/* bulletin-annotations-state.c */
void                  bulletin_annotations_state_init (State *state);
void                  bulletin_annotations_state_clear (State *state);
gboolean              bulletin_annotations_state_is_empty (State *state);
char *                bulletin_annotations_note_group (const char *uuid);
char *                bulletin_annotations_digest_group (const char *prefix,
                                                         const char *key);
char *                bulletin_annotations_bookmark_group (const char *article_id);
gint64                bulletin_annotations_state_deleted_time (State      *state,
                                                               const char *group);
void                  bulletin_annotations_state_set_deleted (State      *state,
                                                              const char *group,
                                                              gint64      when);
gboolean              bulletin_annotations_note_newer (BulletinNote *a,
                                                       BulletinNote *b);
gboolean              bulletin_annotations_bookmark_newer (BulletinBookmark *a,
                                                           BulletinBookmark *b);
void                  bulletin_annotations_state_apply_deletions (State *state);
char *                bulletin_annotations_group_of_bookmark (BulletinBookmark *bookmark);
gboolean              bulletin_annotations_bookmark_group_digest (const char *group,
                                                                  guint8      digest[16]);
gboolean              bulletin_annotations_state_merge_full (State      *into,
                                                             State      *from,
                                                             gboolean    keep_from,
                                                             MergeHooks *hooks);
gint                  bulletin_annotations_compare_notes (gconstpointer a,
                                                          gconstpointer b);
gint                  bulletin_annotations_compare_bookmarks (gconstpointer a,
                                                              gconstpointer b);
GPtrArray *           bulletin_annotations_sorted_values (GHashTable   *table,
                                                          GCompareFunc  compare);
gint                  bulletin_annotations_compare_positions (gconstpointer a,
                                                              gconstpointer b);
gint                  bulletin_annotations_compare_by_position (gconstpointer a,
                                                                gconstpointer b);

/* bulletin-annotations-seen.c */
guint64               bulletin_annotations_text_hash (const char *text,
                                                      gsize       n);
Seen *                bulletin_annotations_seen_new_for (gsize n);
Seen *                bulletin_annotations_seen_new (void);
void                  bulletin_annotations_seen_free (Seen *seen);
void                  bulletin_annotations_seen_clear (Seen *seen);
guint64               bulletin_annotations_group_key (const char *group);
void                  bulletin_annotations_seen_set (Seen    *seen,
                                                     guint64  key,
                                                     guint64  value);
gboolean              bulletin_annotations_seen_get (Seen    *seen,
                                                     guint64  key,
                                                     guint64 *value);
void                  bulletin_annotations_seen_put (Seen       *seen,
                                                     const char *group,
                                                     const char *text,
                                                     gsize       n);

/* bulletin-annotations-parse.c */
gboolean              bulletin_annotations_parse_data (const char  *data,
                                                       gsize        length,
                                                       State       *state,
                                                       Seen        *seen,
                                                       Seen        *now_seen,
                                                       char       **reason);
int                   bulletin_annotations_parse_file (const char  *path,
                                                       State       *state,
                                                       Seen        *seen,
                                                       Seen        *now_seen,
                                                       char       **reason,
                                                       GError     **error);

/* bulletin-annotations-serialize.c */
char *                bulletin_annotations_note_to_text (const char   *group,
                                                         BulletinNote *n);
char *                bulletin_annotations_bookmark_to_text (const char       *group,
                                                             BulletinBookmark *b);
char *                bulletin_annotations_position_to_text (const char *group,
                                                             Position   *pos);
char *                bulletin_annotations_tombstone_to_text (const char *group,
                                                              gint64      when);
void                  bulletin_annotations_chunk_free (Chunk *chunk);
char *                bulletin_annotations_state_to_data (State       *state,
                                                          GHashTable **cache,
                                                          Seen        *now_seen,
                                                          gsize       *length);

/* bulletin-annotations-file.c */
int                   bulletin_annotations_take_lock (BulletinAnnotations  *self,
                                                      GError              **error);
void                  bulletin_annotations_release_lock (int fd);
gboolean              bulletin_annotations_same_stat (const struct stat *a,
                                                      const struct stat *b);
char *                bulletin_annotations_keep_damaged_copy (BulletinAnnotations  *self,
                                                              GError              **error);
gboolean              bulletin_annotations_temp_open (TempFile    *t,
                                                      const char  *dir,
                                                      GError     **error);
void                  bulletin_annotations_temp_append (TempFile   *t,
                                                        const char *text,
                                                        gssize      length);
gboolean              bulletin_annotations_temp_commit (TempFile    *t,
                                                        const char  *dir,
                                                        const char  *path,
                                                        GError     **error);
gboolean              bulletin_annotations_write_file_atomically (const char  *dir,
                                                                  const char  *path,
                                                                  const char  *data,
                                                                  gsize        length,
                                                                  GError     **error);
void                  bulletin_annotations_remove_stale_temporaries (BulletinAnnotations *self);

/* bulletin-annotations-sync.c */
void                  bulletin_annotations_read_locked (BulletinAnnotations *self,
                                                        Seen                *seen,
                                                        FileRead            *r);
void                  bulletin_annotations_file_read_clear (FileRead *r);
gboolean              bulletin_annotations_take_read (BulletinAnnotations *self,
                                                      FileRead            *r,
                                                      gpointer             data);
gboolean              bulletin_annotations_apply_read (BulletinAnnotations  *self,
                                                       FileRead             *r,
                                                       TakeRead              take,
                                                       gpointer              data,
                                                       gboolean             *merged,
                                                       gboolean             *write,
                                                       GError              **error);
gboolean              bulletin_annotations_sync_with_file (BulletinAnnotations  *self,
                                                           gboolean              write,
                                                           GError              **error);
void                  bulletin_annotations_mark_unsaved (BulletinAnnotations *self,
                                                         const char          *group);
void                  bulletin_annotations_update_save_state (BulletinAnnotations *self,
                                                              const GError        *error);

/* bulletin-annotations-save.c */
void                  bulletin_annotations_schedule_write (BulletinAnnotations *self);
void                  bulletin_annotations_wait_for_write (BulletinAnnotations *self);
void                  bulletin_annotations_run_as_batch (void     (*work) (gpointer source,
                                                                           gpointer data),
                                                         gpointer   source,
                                                         gpointer   data);

/* bulletin-annotations-load.c */
void                  bulletin_annotations_start_read (BulletinAnnotations *self,
                                                       gboolean             first,
                                                       gboolean             write_after,
                                                       GTask               *load_task);

/* bulletin-annotations-models.c */
void                  bulletin_annotations_unref_item (gpointer item);
GPtrArray *           bulletin_annotations_sort_newest_first (GHashTable *table,
                                                              gboolean    notes,
                                                              GMutex     *lock);
void                  bulletin_annotations_models_fill (BulletinAnnotations *self,
                                                        GPtrArray           *notes,
                                                        GPtrArray           *bookmarks,
                                                        GTask               *task);
void                  bulletin_annotations_models_flush (BulletinAnnotations *self);
gboolean              bulletin_annotations_models_filling (BulletinAnnotations *self);
void                  bulletin_annotations_sync_models (BulletinAnnotations *self);
void                  bulletin_annotations_models_forget (BulletinAnnotations *self,
                                                          gpointer             item);
void                  bulletin_annotations_models_show (BulletinAnnotations *self,
                                                        gpointer             item);
void                  bulletin_annotations_models_hooks (BulletinAnnotations *self,
                                                         MergeHooks          *hooks);
gboolean              bulletin_annotations_merge_shown (BulletinAnnotations *self,
                                                        State               *from);

/* bulletin-annotations.c */
void                  bulletin_annotations_report_problem (BulletinAnnotations *self,
                                                           const char          *message);
gboolean              bulletin_annotations_save_change (BulletinAnnotations  *self,
                                                        const char           *group,
                                                        const char           *key,
                                                        GError              **error);
void                  bulletin_annotations_emit_changed (BulletinAnnotations *self);
void                  bulletin_annotations_emit_save_state_changed (BulletinAnnotations *self);

G_END_DECLS
