/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "bulletin-article.h"

G_BEGIN_DECLS

/**
 * BulletinAnchorState:
 * @BULLETIN_ANCHOR_ARTICLE: a note on the whole article, no passage
 * @BULLETIN_ANCHOR_EXACT: the passage is where the note says
 * @BULLETIN_ANCHOR_MOVED: the passage was found by its quote elsewhere
 * @BULLETIN_ANCHOR_DETACHED: the passage is gone; the note is kept
 * @BULLETIN_ANCHOR_UNKNOWN: not anchored against an article yet
 */
typedef enum {
  BULLETIN_ANCHOR_UNKNOWN,
  BULLETIN_ANCHOR_ARTICLE,
  BULLETIN_ANCHOR_EXACT,
  BULLETIN_ANCHOR_MOVED,
  BULLETIN_ANCHOR_DETACHED,
} BulletinAnchorState;

/* characters of context kept on each side of a noted passage */
#define BULLETIN_NOTE_CONTEXT_CHARS 32

#define BULLETIN_TYPE_NOTE (bulletin_note_get_type ())

G_DECLARE_FINAL_TYPE (BulletinNote, bulletin_note, BULLETIN, NOTE, GObject)

BulletinNote       *bulletin_note_new                  (const char        *article_id);
BulletinNote       *bulletin_note_new_for_range        (BulletinArticle   *article,
                                                        guint              start,
                                                        guint              end);
BulletinNote       *bulletin_note_copy                 (BulletinNote      *self);

const char         *bulletin_note_get_uuid             (BulletinNote      *self);
const char         *bulletin_note_get_article_id       (BulletinNote      *self);
const char         *bulletin_note_get_text             (BulletinNote      *self);
void                bulletin_note_set_text             (BulletinNote      *self,
                                                        const char        *text);

/* where the article was found, shown while it is not loaded */
const char         *bulletin_note_get_headline         (BulletinNote      *self);
const char         *bulletin_note_get_issue_id         (BulletinNote      *self);
const char         *bulletin_note_get_issue_title      (BulletinNote      *self);
const char         *bulletin_note_get_issue_date       (BulletinNote      *self);
void                bulletin_note_set_headline         (BulletinNote      *self,
                                                        const char        *headline);
void                bulletin_note_set_issue            (BulletinNote      *self,
                                                        const char        *issue_id,
                                                        const char        *title,
                                                        const char        *date);

/* the archive (folder or file) it was made in: NULL in files written
 * before this was kept */
const char         *bulletin_note_get_archive_uri      (BulletinNote      *self);
const char         *bulletin_note_get_archive_name     (BulletinNote      *self);
void                bulletin_note_set_archive          (BulletinNote      *self,
                                                        const char        *uri,
                                                        const char        *name);

/* the passage: source offsets, quoted text and context; none on an
 * article note */
gboolean            bulletin_note_has_range            (BulletinNote      *self);
guint               bulletin_note_get_start            (BulletinNote      *self);
guint               bulletin_note_get_end              (BulletinNote      *self);
const char         *bulletin_note_get_quote            (BulletinNote      *self);
const char         *bulletin_note_get_context_before   (BulletinNote      *self);
const char         *bulletin_note_get_context_after    (BulletinNote      *self);
void                bulletin_note_set_range            (BulletinNote      *self,
                                                        guint              start,
                                                        guint              end,
                                                        const char        *quote,
                                                        const char        *before,
                                                        const char        *after);

/* times in microseconds since the epoch (g_get_real_time ()) */
gint64              bulletin_note_get_created          (BulletinNote      *self);
gint64              bulletin_note_get_modified         (BulletinNote      *self);
void                bulletin_note_set_times            (BulletinNote      *self,
                                                        gint64             created,
                                                        gint64             modified);

/* the last anchoring: not stored, set by bulletin_annotations_anchor_note () */
BulletinAnchorState bulletin_note_get_anchor_state     (BulletinNote      *self);

/* internal to the store */
BulletinNote       *_bulletin_note_new_with_uuid       (const char        *uuid,
                                                        const char        *article_id);
void                _bulletin_note_set_all             (BulletinNote      *self,
                                                        const char        *text,
                                                        const char        *headline,
                                                        const char        *issue_id,
                                                        const char        *issue_title,
                                                        const char        *issue_date,
                                                        const char        *archive_uri,
                                                        const char        *archive_name);
void                _bulletin_note_assign              (BulletinNote      *self,
                                                        BulletinNote      *from);
gboolean            _bulletin_note_equal               (BulletinNote      *a,
                                                        BulletinNote      *b);
void                _bulletin_note_set_anchor_state    (BulletinNote      *self,
                                                        BulletinAnchorState state);

G_END_DECLS
