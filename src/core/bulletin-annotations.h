/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-article.h"
#include "bulletin-bookmark.h"
#include "bulletin-note.h"

G_BEGIN_DECLS

#define BULLETIN_ANNOTATIONS_ERROR (bulletin_annotations_error_quark ())

typedef enum {
  BULLETIN_ANNOTATIONS_ERROR_CORRUPT,   /* a file that could not be read completely */
  BULLETIN_ANNOTATIONS_ERROR_LOCK,      /* the lock file could not be taken */
  BULLETIN_ANNOTATIONS_ERROR_WRITE,     /* the file could not be written */
  BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND, /* no such note or bookmark */
} BulletinAnnotationsError;

GQuark               bulletin_annotations_error_quark (void);

#define BULLETIN_TYPE_ANNOTATIONS (bulletin_annotations_get_type ())

G_DECLARE_FINAL_TYPE (BulletinAnnotations, bulletin_annotations, BULLETIN, ANNOTATIONS, GObject)

/* The file name inside the folder, beside it the lock file "<name>.lock" */
#define BULLETIN_ANNOTATIONS_FILE_NAME "annotations.ini"

/*
 * The store of bookmarks, notes and reading positions, kept in one key file
 * (docs/annotations-format.md).  @dir NULL means
 * g_get_user_data_dir ()/bulletin-reader.  Every change is merged with the
 * file under a lock and written at once; a file monitor merges changes made
 * by other processes ("changed").  A damaged file is moved aside and what
 * can be read of it is kept ("problem", with a message for people).
 */
BulletinAnnotations *bulletin_annotations_new              (const char           *dir);
gboolean             bulletin_annotations_load             (BulletinAnnotations  *self,
                                                            GError              **error);
void                 bulletin_annotations_load_async       (BulletinAnnotations  *self,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             bulletin_annotations_load_finish      (BulletinAnnotations  *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
gboolean             bulletin_annotations_is_loading       (BulletinAnnotations  *self);
gboolean             bulletin_annotations_reload           (BulletinAnnotations  *self,
                                                            GError              **error);
const char          *bulletin_annotations_get_path         (BulletinAnnotations  *self);
void                 bulletin_annotations_set_monitored    (BulletinAnnotations  *self,
                                                            gboolean              monitored);

/* bookmarks, newest first */
GListModel          *bulletin_annotations_get_bookmarks    (BulletinAnnotations  *self);
BulletinBookmark    *bulletin_annotations_lookup_bookmark  (BulletinAnnotations  *self,
                                                            const char           *article_id);
gboolean             bulletin_annotations_add_bookmark     (BulletinAnnotations  *self,
                                                            BulletinBookmark     *bookmark,
                                                            GError              **error);
gboolean             bulletin_annotations_remove_bookmark  (BulletinAnnotations  *self,
                                                            const char           *article_id,
                                                            GError              **error);

/* notes, newest first */
GListModel          *bulletin_annotations_get_notes        (BulletinAnnotations  *self);
BulletinNote        *bulletin_annotations_lookup_note      (BulletinAnnotations  *self,
                                                            const char           *uuid);
GPtrArray           *bulletin_annotations_dup_notes_for_article (BulletinAnnotations *self,
                                                            const char           *article_id);
gboolean             bulletin_annotations_add_note         (BulletinAnnotations  *self,
                                                            BulletinNote         *note,
                                                            GError              **error);
gboolean             bulletin_annotations_update_note      (BulletinAnnotations  *self,
                                                            BulletinNote         *note,
                                                            GError              **error);
gboolean             bulletin_annotations_remove_note      (BulletinAnnotations  *self,
                                                            const char           *uuid,
                                                            GError              **error);
guint                bulletin_annotations_get_n_deleted    (BulletinAnnotations  *self);

/* what is saved: a failed write keeps changes in memory, marked unsaved,
 * and retries ("save-state-changed") */
gboolean             bulletin_annotations_has_unsaved      (BulletinAnnotations  *self);
gboolean             bulletin_annotations_is_bookmark_saved (BulletinAnnotations *self,
                                                            const char           *article_id);
gboolean             bulletin_annotations_is_note_saved    (BulletinAnnotations  *self,
                                                            const char           *uuid);
const char          *bulletin_annotations_get_save_error   (BulletinAnnotations  *self);
gboolean             bulletin_annotations_save_now         (BulletinAnnotations  *self,
                                                            GError              **error);
gboolean             bulletin_annotations_is_writing       (BulletinAnnotations  *self);
void                 bulletin_annotations_set_async_writes (BulletinAnnotations  *self,
                                                            gboolean              async_writes);

/* copies of damaged files ("annotations.ini.damaged-TIME") */
char                *bulletin_annotations_find_newer_damaged_copy (BulletinAnnotations *self);
gboolean             bulletin_annotations_restore_damaged_copy (BulletinAnnotations *self,
                                                            const char           *path,
                                                            GError              **error);

/* reading positions, one per archive */
gboolean             bulletin_annotations_set_position     (BulletinAnnotations  *self,
                                                            const char           *archive_uri,
                                                            const char           *issue_id,
                                                            const char           *article_id,
                                                            guint                 offset,
                                                            GError              **error);
gboolean             bulletin_annotations_get_position     (BulletinAnnotations  *self,
                                                            const char           *archive_uri,
                                                            char                **issue_id,
                                                            char                **article_id,
                                                            guint                *offset);
gboolean             bulletin_annotations_get_last_position (BulletinAnnotations *self,
                                                            char                **archive_uri,
                                                            char                **issue_id,
                                                            char                **article_id,
                                                            guint                *offset);

/* anchoring a note's passage in the article as it is now */
BulletinAnchorState  bulletin_annotations_anchor_note      (BulletinNote         *note,
                                                            BulletinArticle      *article,
                                                            guint                *start,
                                                            guint                *end);

/* export, backup, restore */
char                *bulletin_annotations_export_markdown  (BulletinAnnotations  *self);
char                *bulletin_annotations_build_citation   (const char           *headline,
                                                            const char           *issue_title,
                                                            const char           *issue_date,
                                                            const char           *quote);
char                *bulletin_annotations_to_data          (BulletinAnnotations  *self,
                                                            gsize                *length);
gboolean             bulletin_annotations_backup           (BulletinAnnotations  *self,
                                                            GFile                *file,
                                                            GError              **error);
gboolean             bulletin_annotations_import_data      (BulletinAnnotations  *self,
                                                            const char           *data,
                                                            gsize                 length,
                                                            GError              **error);
/* the groups of a backup that hold the user's corrections of plain-text
 * issues (bulletin-corrections.h); a store leaves them out */
#define BULLETIN_ANNOTATIONS_CORRECTIONS_PREFIX "Corrections "
gboolean             bulletin_annotations_import_data_counted (BulletinAnnotations *self,
                                                            const char           *data,
                                                            gsize                 length,
                                                            guint                *n_bookmarks,
                                                            guint                *n_notes,
                                                            GError              **error);
gboolean             bulletin_annotations_import           (BulletinAnnotations  *self,
                                                            GFile                *file,
                                                            GError              **error);

/* times as written in the file: ISO 8601 UTC with microseconds */
char                *bulletin_annotations_format_time      (gint64                usec);
gboolean             bulletin_annotations_parse_time       (const char           *text,
                                                            gint64               *usec);

G_END_DECLS
