/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-annotations.h"
#include "bulletin-article.h"
#include "bulletin-text-segmenter.h"

G_BEGIN_DECLS

/*
 * A reader's corrections of how plain-text issues are split into articles
 * (docs/corrections-format.md): where an article starts, which article
 * goes on the one before, what a line is.  Each is anchored by the line's
 * text and the lines beside it, so it survives a moved archive, another
 * encoding and other line ends.  One key file per archive in the user's
 * data folder, one group per issue keyed by the issue's content identity.
 */

#define BULLETIN_CORRECTIONS_ERROR (bulletin_corrections_error_quark ())

typedef enum {
  BULLETIN_CORRECTIONS_ERROR_WRITE,
  BULLETIN_CORRECTIONS_ERROR_READ,
} BulletinCorrectionsError;

GQuark bulletin_corrections_error_quark (void);

typedef struct {
  BulletinCorrectionKind kind;
  char                  *line;    /* the line's text, white space at its ends dropped */
  char                  *before;  /* the non-blank line before it, or "" */
  char                  *after;   /* the one after it, or "" */
  gint64                 created; /* microseconds since the epoch */
  gboolean               found;   /* set by bulletin_corrections_resolve () */
} BulletinCorrection;

BulletinCorrection *bulletin_correction_new       (BulletinCorrectionKind  kind,
                                                   const char             *line,
                                                   const char             *before,
                                                   const char             *after);
/* The correction of the line holding source character @offset of article
 * @index of @articles (BulletinArticle, in the issue's order); the lines
 * beside it are its context, across the article's ends. */
BulletinCorrection *bulletin_correction_new_in_article (BulletinCorrectionKind  kind,
                                                        GPtrArray              *articles,
                                                        guint                   index,
                                                        guint                   offset);
BulletinCorrection *bulletin_correction_copy      (const BulletinCorrection *correction);
void                bulletin_correction_free      (BulletinCorrection     *correction);
const char         *bulletin_correction_kind_to_string   (BulletinCorrectionKind kind);
BulletinCorrectionKind bulletin_correction_kind_from_string (const char *text);
/* "Start a New Article Here" ...: the menu's words, translated */
const char         *bulletin_correction_kind_get_label   (BulletinCorrectionKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinCorrection, bulletin_correction_free)

#define BULLETIN_TYPE_CORRECTIONS (bulletin_corrections_get_type ())

G_DECLARE_FINAL_TYPE (BulletinCorrections, bulletin_corrections, BULLETIN, CORRECTIONS, GObject)

/* @dir: the folder of the key files; NULL for
 * $XDG_DATA_HOME/bulletin-reader/corrections */
BulletinCorrections *bulletin_corrections_new          (const char          *dir);
const char          *bulletin_corrections_get_dir      (BulletinCorrections *self);

/* The store the issue loader applies: the user's, unless set otherwise
 * (NULL: corrections are not applied, as --no-corrections asks) */
BulletinCorrections *bulletin_corrections_get_default  (void);
void                 bulletin_corrections_set_default  (BulletinCorrections *store);

/* The archive (a URI) whose key file new corrections go to */
void                 bulletin_corrections_set_archive  (BulletinCorrections *self,
                                                        const char          *archive_uri);
char                *bulletin_corrections_dup_path     (BulletinCorrections *self);

/* The content identity of an issue: of its decoded text */
char                *bulletin_corrections_issue_key    (const char          *text,
                                                        gsize                len);
gboolean             bulletin_corrections_is_empty     (BulletinCorrections *self);

/* The corrections of the issue @key (or, when no group has that key, of
 * the issue of the same file name @name: an issue edited since); a new
 * array of copies, never NULL */
GPtrArray           *bulletin_corrections_lookup       (BulletinCorrections *self,
                                                        const char          *key,
                                                        const char          *name);
/* Adds @correction (a copy) to issue @key, replacing one of the same
 * line, and saves.  A correction of kind NONE removes that line's. */
gboolean             bulletin_corrections_add          (BulletinCorrections      *self,
                                                        const char               *key,
                                                        const char               *name,
                                                        const BulletinCorrection *correction,
                                                        GError                  **error);
gboolean             bulletin_corrections_reset        (BulletinCorrections *self,
                                                        const char          *key,
                                                        const char          *name,
                                                        GError             **error);
/* The encoding a reader chose for a file (Reopen with Encoding), kept
 * under the identity of the file's bytes; NULL for the one it seems to
 * be in.  Setting NULL forgets the choice. */
char                *bulletin_corrections_file_key     (const char          *data,
                                                        gsize                len);
char                *bulletin_corrections_dup_encoding (BulletinCorrections *self,
                                                        const char          *file_key);
gboolean             bulletin_corrections_set_encoding (BulletinCorrections *self,
                                                        const char          *file_key,
                                                        const char          *name,
                                                        const char          *encoding,
                                                        GError             **error);
/* Re-reads the key files */
void                 bulletin_corrections_reload       (BulletinCorrections *self);

/* Finds each correction's line in the decoded @text and sets its found
 * flag.  Returns: (transfer full): BulletinLineFix, sorted by offset */
GArray              *bulletin_corrections_resolve      (GPtrArray           *corrections,
                                                        const char          *text,
                                                        gsize                len);

/* After an issue is read again with other corrections: the notes on its
 * passages that are no longer in their article go to the article of
 * @new_articles that now holds the passage.  Returns how many moved. */
guint                bulletin_corrections_rehome_notes (BulletinAnnotations *annotations,
                                                        GPtrArray           *old_articles,
                                                        GPtrArray           *new_articles);

/* Backup and restore of all the user's work: bookmarks and notes, then
 * every archive's corrections as `[Corrections …]` groups of the same
 * key file (docs/annotations-format.md, docs/corrections-format.md) */
typedef struct {
  guint bookmarks;
  guint notes;
  guint corrections;
} BulletinRestoreCounts;

char                *bulletin_corrections_to_data      (BulletinCorrections *self,
                                                        guint               *n_corrections);
gboolean             bulletin_corrections_restore_data (BulletinCorrections *self,
                                                        const char          *data,
                                                        gsize                length,
                                                        guint               *n_corrections,
                                                        GError             **error);
gboolean             bulletin_corrections_backup       (BulletinCorrections   *self,
                                                        BulletinAnnotations   *annotations,
                                                        GFile                 *file,
                                                        GError               **error);
gboolean             bulletin_corrections_restore      (BulletinCorrections   *self,
                                                        BulletinAnnotations   *annotations,
                                                        GFile                 *file,
                                                        BulletinRestoreCounts *counts,
                                                        GError               **error);

G_END_DECLS
