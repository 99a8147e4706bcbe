/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-note.h"

struct _BulletinNote
{
  GObject  parent_instance;

  char    *uuid;
  char    *article_id;
  char    *text;
  char    *headline;
  char    *issue_id;
  char    *issue_title;
  char    *issue_date;
  char    *archive_uri;
  char    *archive_name;

  gboolean has_range;
  guint    start;
  guint    end;
  char    *quote;
  char    *before;
  char    *after;

  gint64   created;
  gint64   modified;

  BulletinAnchorState anchor_state;
};

G_DEFINE_FINAL_TYPE (BulletinNote, bulletin_note, G_TYPE_OBJECT)

static gboolean replace (char       **field,
                         const char  *value);

enum {
  PROP_0,
  PROP_TEXT,
  PROP_MODIFIED,
  PROP_ANCHOR_STATE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
bulletin_note_finalize (GObject *object)
{
  BulletinNote *self = BULLETIN_NOTE (object);

  g_free (self->uuid);
  g_free (self->article_id);
  g_free (self->text);
  g_free (self->headline);
  g_free (self->issue_id);
  g_free (self->issue_title);
  g_free (self->issue_date);
  g_free (self->archive_uri);
  g_free (self->archive_name);
  g_free (self->quote);
  g_free (self->before);
  g_free (self->after);

  G_OBJECT_CLASS (bulletin_note_parent_class)->finalize (object);
}

static void
bulletin_note_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BulletinNote *self = BULLETIN_NOTE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_MODIFIED:
      g_value_set_int64 (value, self->modified);
      break;
    case PROP_ANCHOR_STATE:
      g_value_set_int (value, self->anchor_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_note_class_init (BulletinNoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bulletin_note_finalize;
  object_class->get_property = bulletin_note_get_property;

  properties [PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_MODIFIED] =
    g_param_spec_int64 ("modified", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_ANCHOR_STATE] =
    g_param_spec_int ("anchor-state", NULL, NULL,
                      BULLETIN_ANCHOR_UNKNOWN, BULLETIN_ANCHOR_DETACHED, BULLETIN_ANCHOR_UNKNOWN,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bulletin_note_init (BulletinNote *self)
{
  self->text = g_strdup ("");
}

BulletinNote *
_bulletin_note_new_with_uuid (const char *uuid,
                              const char *article_id)
{
  BulletinNote *self = g_object_new (BULLETIN_TYPE_NOTE, NULL);

  self->uuid = g_strdup (uuid);
  self->article_id = g_strdup (article_id);
  return self;
}

/* Sets the fields a note read from the key file has, at once and without
 * telling anyone (no one holds the note yet). */
void
_bulletin_note_set_all (BulletinNote *self,
                        const char   *text,
                        const char   *headline,
                        const char   *issue_id,
                        const char   *issue_title,
                        const char   *issue_date,
                        const char   *archive_uri,
                        const char   *archive_name)
{
  g_free (self->text);
  self->text = g_strdup (text != NULL ? text : "");
  replace (&self->headline, headline);
  replace (&self->issue_id, issue_id);
  replace (&self->issue_title, issue_title);
  replace (&self->issue_date, issue_date);
  replace (&self->archive_uri, archive_uri);
  replace (&self->archive_name, archive_name);
}

/**
 * bulletin_note_new:
 * @article_id: the stable id of the article
 *
 * A note on the whole article, with a new uuid, created now.
 *
 * Returns: (transfer full): the note
 */
BulletinNote *
bulletin_note_new (const char *article_id)
{
  g_autofree char *uuid = g_uuid_string_random ();
  BulletinNote *self;

  g_return_val_if_fail (article_id != NULL, NULL);

  self = _bulletin_note_new_with_uuid (uuid, article_id);
  self->created = self->modified = g_get_real_time ();
  return self;
}

/**
 * bulletin_note_new_for_range:
 * @article: a finished article
 * @start: first source character of the passage
 * @end: one past the last
 *
 * A note on a passage: its quote and up to %BULLETIN_NOTE_CONTEXT_CHARS
 * characters of context on each side are taken from the article, so that
 * the passage can be found again when the offsets drift.
 *
 * Returns: (transfer full): the note, its text empty
 */
BulletinNote *
bulletin_note_new_for_range (BulletinArticle *article,
                             guint            start,
                             guint            end)
{
  BulletinNote *self;
  guint length;
  g_autofree char *quote = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), NULL);

  length = bulletin_article_get_source_length (article);
  g_return_val_if_fail (start < end && end <= length, NULL);

  self = bulletin_note_new (bulletin_article_get_id (article));
  quote = bulletin_article_dup_source_range (article, start, end);
  before = bulletin_article_dup_source_range (article,
                                              start > BULLETIN_NOTE_CONTEXT_CHARS
                                                ? start - BULLETIN_NOTE_CONTEXT_CHARS : 0,
                                              start);
  after = bulletin_article_dup_source_range (article, end,
                                             MIN (length, end + BULLETIN_NOTE_CONTEXT_CHARS));
  bulletin_note_set_range (self, start, end, quote, before, after);
  bulletin_note_set_headline (self, bulletin_article_get_headline (article));
  return self;
}

/**
 * bulletin_note_copy:
 *
 * Returns: (transfer full): a copy with the same uuid and times
 */
BulletinNote *
bulletin_note_copy (BulletinNote *self)
{
  BulletinNote *copy;

  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);

  copy = _bulletin_note_new_with_uuid (self->uuid, self->article_id);
  _bulletin_note_assign (copy, self);
  return copy;
}

static gboolean
replace (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Copies everything but the uuid and the anchoring from @from. */
void
_bulletin_note_assign (BulletinNote *self,
                       BulletinNote *from)
{
  gboolean text_changed, modified_changed;

  g_return_if_fail (BULLETIN_IS_NOTE (self));
  g_return_if_fail (BULLETIN_IS_NOTE (from));

  replace (&self->article_id, from->article_id);
  text_changed = replace (&self->text, from->text);
  replace (&self->headline, from->headline);
  replace (&self->issue_id, from->issue_id);
  replace (&self->issue_title, from->issue_title);
  replace (&self->issue_date, from->issue_date);
  replace (&self->archive_uri, from->archive_uri);
  replace (&self->archive_name, from->archive_name);
  self->has_range = from->has_range;
  self->start = from->start;
  self->end = from->end;
  replace (&self->quote, from->quote);
  replace (&self->before, from->before);
  replace (&self->after, from->after);
  self->created = from->created;
  modified_changed = self->modified != from->modified;
  self->modified = from->modified;

  if (text_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TEXT]);
  if (modified_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MODIFIED]);
}

gboolean
_bulletin_note_equal (BulletinNote *a,
                      BulletinNote *b)
{
  return g_strcmp0 (a->uuid, b->uuid) == 0 &&
         g_strcmp0 (a->article_id, b->article_id) == 0 &&
         g_strcmp0 (a->text, b->text) == 0 &&
         g_strcmp0 (a->headline, b->headline) == 0 &&
         g_strcmp0 (a->issue_id, b->issue_id) == 0 &&
         g_strcmp0 (a->issue_title, b->issue_title) == 0 &&
         g_strcmp0 (a->issue_date, b->issue_date) == 0 &&
         g_strcmp0 (a->archive_uri, b->archive_uri) == 0 &&
         g_strcmp0 (a->archive_name, b->archive_name) == 0 &&
         a->has_range == b->has_range &&
         a->start == b->start &&
         a->end == b->end &&
         g_strcmp0 (a->quote, b->quote) == 0 &&
         g_strcmp0 (a->before, b->before) == 0 &&
         g_strcmp0 (a->after, b->after) == 0 &&
         a->created == b->created &&
         a->modified == b->modified;
}

const char *
bulletin_note_get_uuid (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->uuid;
}

const char *
bulletin_note_get_article_id (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->article_id;
}

const char *
bulletin_note_get_text (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->text;
}

/* Changes the text; the store stamps the modification time when it saves
 * the note (bulletin_annotations_update_note ()). */
void
bulletin_note_set_text (BulletinNote *self,
                        const char   *text)
{
  g_return_if_fail (BULLETIN_IS_NOTE (self));

  if (replace (&self->text, text != NULL ? text : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TEXT]);
}

const char *
bulletin_note_get_headline (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->headline;
}

const char *
bulletin_note_get_issue_id (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->issue_id;
}

const char *
bulletin_note_get_issue_title (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->issue_title;
}

const char *
bulletin_note_get_issue_date (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->issue_date;
}

void
bulletin_note_set_headline (BulletinNote *self,
                            const char   *headline)
{
  g_return_if_fail (BULLETIN_IS_NOTE (self));
  replace (&self->headline, headline);
}

void
bulletin_note_set_issue (BulletinNote *self,
                         const char   *issue_id,
                         const char   *title,
                         const char   *date)
{
  g_return_if_fail (BULLETIN_IS_NOTE (self));
  replace (&self->issue_id, issue_id);
  replace (&self->issue_title, title);
  replace (&self->issue_date, date);
}

gboolean
bulletin_note_has_range (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), FALSE);
  return self->has_range;
}

guint
bulletin_note_get_start (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), 0);
  return self->start;
}

guint
bulletin_note_get_end (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), 0);
  return self->end;
}

const char *
bulletin_note_get_quote (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->quote;
}

const char *
bulletin_note_get_context_before (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->before;
}

const char *
bulletin_note_get_context_after (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->after;
}

/* @quote NULL makes the note an article note. */
void
bulletin_note_set_range (BulletinNote *self,
                         guint         start,
                         guint         end,
                         const char   *quote,
                         const char   *before,
                         const char   *after)
{
  g_return_if_fail (BULLETIN_IS_NOTE (self));
  g_return_if_fail (quote == NULL || start <= end);

  self->has_range = quote != NULL;
  self->start = self->has_range ? start : 0;
  self->end = self->has_range ? end : 0;
  replace (&self->quote, quote);
  replace (&self->before, self->has_range ? before : NULL);
  replace (&self->after, self->has_range ? after : NULL);
}

gint64
bulletin_note_get_created (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), 0);
  return self->created;
}

gint64
bulletin_note_get_modified (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), 0);
  return self->modified;
}

void
bulletin_note_set_times (BulletinNote *self,
                         gint64        created,
                         gint64        modified)
{
  g_return_if_fail (BULLETIN_IS_NOTE (self));

  self->created = created;
  if (self->modified != modified)
    {
      self->modified = modified;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MODIFIED]);
    }
}

BulletinAnchorState
bulletin_note_get_anchor_state (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), BULLETIN_ANCHOR_UNKNOWN);
  return self->anchor_state;
}

void
_bulletin_note_set_anchor_state (BulletinNote        *self,
                                 BulletinAnchorState  state)
{
  if (self->anchor_state != state)
    {
      self->anchor_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ANCHOR_STATE]);
    }
}

/**
 * bulletin_note_get_archive_uri:
 *
 * Returns: (nullable): the URI of the archive (folder or file) the
 *   note was made in, or %NULL when it is not known (older files)
 */
const char *
bulletin_note_get_archive_uri (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->archive_uri;
}

/**
 * bulletin_note_get_archive_name:
 *
 * Returns: (nullable): the name the archive was shown under then
 */
const char *
bulletin_note_get_archive_name (BulletinNote *self)
{
  g_return_val_if_fail (BULLETIN_IS_NOTE (self), NULL);
  return self->archive_name;
}

/**
 * bulletin_note_set_archive:
 * @uri: (nullable): the archive's location as a URI
 * @name: (nullable): its name for people
 *
 * Records the archive the note was made in.
 */
void
bulletin_note_set_archive (BulletinNote *self,
                           const char   *uri,
                           const char   *name)
{
  g_return_if_fail (BULLETIN_IS_NOTE (self));
  replace (&self->archive_uri, uri);
  replace (&self->archive_name, name);
}
