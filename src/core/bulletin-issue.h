/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-article.h"
#include "bulletin-parsed-issue.h"

G_BEGIN_DECLS

typedef enum {
  BULLETIN_ISSUE_NINJS_FILE,    /* one ninjs file: composite, single item or array */
  BULLETIN_ISSUE_NINJS_FOLDER,  /* a folder of ninjs files, optional issue.json */
  BULLETIN_ISSUE_TEXT_FILE,     /* a plain-text bulletin */
  BULLETIN_ISSUE_NEWSML_FILE,   /* an XML file: NewsML-G2 or NewsML 1.x (sniffed) */
  /* kept in memory only: the listing cache stores a kind by its format's
   * name (bulletin_format_kind_name ()), so the numbers may change.  A
   * format with a file extension of its own adds a kind here and its row
   * in bulletin-formats.c; formats sharing an extension share a kind.  The
   * kinds stay an enum because the window's corrections (plain text only)
   * and the tests name them. */
} BulletinIssueKind;

typedef enum {
  BULLETIN_ISSUE_STATE_PENDING, /* metadata not read yet */
  BULLETIN_ISSUE_STATE_READY,
  BULLETIN_ISSUE_STATE_ERROR,   /* unreadable: see error-message */
} BulletinIssueState;

#define BULLETIN_TYPE_ISSUE (bulletin_issue_get_type ())

G_DECLARE_FINAL_TYPE (BulletinIssue, bulletin_issue, BULLETIN, ISSUE, GObject)

BulletinIssue      *bulletin_issue_new               (GFile              *file,
                                                      BulletinIssueKind   kind);
GFile              *bulletin_issue_get_file          (BulletinIssue      *self);
BulletinIssueKind   bulletin_issue_get_kind          (BulletinIssue      *self);
BulletinIssueState  bulletin_issue_get_state         (BulletinIssue      *self);
const char         *bulletin_issue_get_id            (BulletinIssue      *self);
const char         *bulletin_issue_get_title         (BulletinIssue      *self);
const char         *bulletin_issue_get_date          (BulletinIssue      *self);
const char         *bulletin_issue_get_number        (BulletinIssue      *self);
const char         *bulletin_issue_get_edition       (BulletinIssue      *self);
const char         *bulletin_issue_get_error_message (BulletinIssue      *self);
const char         *bulletin_issue_get_display_name  (BulletinIssue      *self);
guint               bulletin_issue_get_year          (BulletinIssue      *self);
gint64              bulletin_issue_get_sort_key      (BulletinIssue      *self);
guint               bulletin_issue_get_n_articles    (BulletinIssue      *self);
int                 bulletin_issue_compare           (BulletinIssue      *a,
                                                      BulletinIssue      *b);
char               *bulletin_issue_dup_section_title (BulletinIssue      *self);
GPtrArray          *bulletin_issue_get_warnings      (BulletinIssue      *self);

/* metadata, set by the scanner (from the content, the cache or the name) */
void                bulletin_issue_set_metadata      (BulletinIssue      *self,
                                                      const char         *title,
                                                      const char         *date,
                                                      const char         *number,
                                                      const char         *edition,
                                                      guint               n_articles);
void                bulletin_issue_set_error         (BulletinIssue      *self,
                                                      const char         *message);

/* articles: an empty model until loaded; loading fills it in place */
GListModel         *bulletin_issue_get_articles      (BulletinIssue      *self);
gboolean            bulletin_issue_is_loaded         (BulletinIssue      *self);
gboolean            bulletin_issue_load              (BulletinIssue      *self,
                                                      GCancellable       *cancellable,
                                                      GError            **error);
void                bulletin_issue_load_async        (BulletinIssue      *self,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean            bulletin_issue_load_finish       (BulletinIssue      *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void                bulletin_issue_reload_async      (BulletinIssue       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
const char         *bulletin_issue_get_text_key      (BulletinIssue      *self);
const char         *bulletin_issue_get_encoding      (BulletinIssue      *self);
guint               bulletin_issue_get_n_corrections (BulletinIssue      *self);
GPtrArray          *bulletin_issue_get_missing_corrections (BulletinIssue *self);
char               *bulletin_issue_dup_text_details  (BulletinIssue      *self);
BulletinArticle    *bulletin_issue_find_article      (BulletinIssue      *self,
                                                      const char         *article_id);

/* reading a file or folder into articles, without an issue object (the
 * command line, tests); runs in the calling thread */
BulletinParsedIssue *bulletin_issue_parse_file       (GFile              *file,
                                                      BulletinIssueKind   kind,
                                                      GCancellable       *cancellable,
                                                      GError            **error);
gboolean            bulletin_issue_kind_for_file     (GFile              *file,
                                                      GFileType           type,
                                                      BulletinIssueKind  *kind);
gboolean            bulletin_issue_kind_for_name     (const char         *name,
                                                      GFileType           type,
                                                      BulletinIssueKind  *kind);

G_END_DECLS
