/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin-corrections.h"
#include "bulletin-date.h"
#include "bulletin-formats.h"
#include "bulletin-issue.h"
#include "bulletin-issue-private.h"

struct _BulletinIssue
{
  GObject             parent_instance;

  GFile              *file;
  BulletinIssueKind   kind;
  BulletinIssueState  state;
  char               *display_name;
  char               *name_title;   /* the name without its extension */
  char               *collate_key;  /* for ties between issues of one date:
                                     * made when first needed (atomically) */
  char               *id;
  char               *title;
  char               *date;
  gint64              sort_key;     /* YYYYMMDD of date, 0 when undated */
  char               *number;
  char               *edition;
  char               *error_message;
  guint               n_articles;
  GListStore         *articles;
  GPtrArray          *warnings;
  char               *text_key;      /* plain text: its corrections' identity */
  char               *encoding;      /* plain text: what it was decoded from */
  guint               n_corrections;
  GPtrArray          *missing_corrections;
  GPtrArray          *waiting;   /* GTask, callers of load_async while a load runs */
  guint               loaded : 1;
  guint               loading : 1;
  guint               refused : 1;   /* never read: a link out of the archive */

  BulletinIssueArticlesHook articles_hook;
  gpointer                  articles_hook_data;
  BulletinIssueDateHook     date_hook;
  gpointer                  date_hook_data;
};

G_DEFINE_FINAL_TYPE (BulletinIssue, bulletin_issue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_DATE,
  PROP_STATE,
  PROP_N_ARTICLES,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_str (char       **field,
         const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  *field = (value != NULL && *value != 0) ? g_strdup (value) : NULL;
}

static gint64
date_sort_key (const char *date)
{
  if (date == NULL || strlen (date) < 10)
    return 0;
  return g_ascii_strtoll (date, NULL, 10) * 10000 +
         g_ascii_strtoll (date + 5, NULL, 10) * 100 +
         g_ascii_strtoll (date + 8, NULL, 10);
}

/* The article store exists once someone asks: a 5,000-issue archive
 * lists its issues without 5,000 empty stores. */
static GListStore *
ensure_articles (BulletinIssue *self)
{
  if (self->articles == NULL)
    self->articles = g_list_store_new (BULLETIN_TYPE_ARTICLE);
  return self->articles;
}

static void
bulletin_issue_finalize (GObject *object)
{
  BulletinIssue *self = (BulletinIssue *)object;

  g_clear_object (&self->file);
  g_free (self->display_name);
  g_free (self->name_title);
  g_free (self->collate_key);
  g_free (self->id);
  g_free (self->title);
  g_free (self->date);
  g_free (self->number);
  g_free (self->edition);
  g_free (self->error_message);
  g_clear_object (&self->articles);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_free (self->text_key);
  g_free (self->encoding);
  g_clear_pointer (&self->missing_corrections, g_ptr_array_unref);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);

  G_OBJECT_CLASS (bulletin_issue_parent_class)->finalize (object);
}

static void
bulletin_issue_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BulletinIssue *self = BULLETIN_ISSUE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, bulletin_issue_get_title (self));
      break;
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_ARTICLES:
      g_value_set_uint (value, self->n_articles);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_issue_class_init (BulletinIssueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bulletin_issue_finalize;
  object_class->get_property = bulletin_issue_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, BULLETIN_ISSUE_STATE_ERROR, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ARTICLES] =
    g_param_spec_uint ("n-articles", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bulletin_issue_init (BulletinIssue *self)
{
  /* the warnings made when asked for or parsed: an archive lists
   * thousands of issues it never opens */
}

static GPtrArray *
ensure_warnings (BulletinIssue *self)
{
  if (self->warnings == NULL)
    self->warnings = g_ptr_array_new_with_free_func (g_free);
  return self->warnings;
}

/**
 * bulletin_issue_new:
 *
 * Returns: (transfer full): an issue for @file, metadata still pending
 */
BulletinIssue *
bulletin_issue_new (GFile             *file,
                    BulletinIssueKind  kind)
{
  BulletinIssue *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (BULLETIN_TYPE_ISSUE, NULL);
  self->file = g_object_ref (file);
  self->kind = kind;
  self->display_name = g_file_get_basename (file);
  if (self->display_name == NULL)
    self->display_name = g_file_get_uri (file);
  if (!bulletin_format_kind_is_folder (kind))
    {
      const char *dot = strrchr (self->display_name, '.');

      if (dot != NULL && dot != self->display_name)
        self->name_title = g_strndup (self->display_name, dot - self->display_name);
    }
  /* Until the content says otherwise, the name may carry the date. */
  self->date = bulletin_date_from_string (self->display_name);
  self->sort_key = date_sort_key (self->date);
  return self;
}

BulletinIssue *
bulletin_issue_new_listed (GFile             *file,
                           const char        *name,
                           BulletinIssueKind  kind,
                           const char        *title,
                           const char        *date,
                           const char        *number,
                           const char        *edition,
                           guint              n_articles,
                           const char        *error)
{
  BulletinIssue *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (BULLETIN_TYPE_ISSUE, NULL);
  self->file = g_object_ref (file);
  self->kind = kind;
  self->display_name = g_strdup (name);
  if (!bulletin_format_kind_is_folder (kind))
    {
      const char *dot = strrchr (self->display_name, '.');

      if (dot != NULL && dot != self->display_name)
        self->name_title = g_strndup (self->display_name, dot - self->display_name);
    }
  if (error != NULL)
    {
      /* bulletin_issue_set_error (): the date the name gives */
      self->date = bulletin_date_from_string (self->display_name);
      self->sort_key = date_sort_key (self->date);
      set_str (&self->error_message, error);
      self->state = BULLETIN_ISSUE_STATE_ERROR;
      return self;
    }
  /* bulletin_issue_set_metadata (): the content's date, else the name's */
  if (date != NULL)
    set_str (&self->date, date);
  else
    self->date = bulletin_date_from_string (self->display_name);
  self->sort_key = date_sort_key (self->date);
  set_str (&self->title, title);
  set_str (&self->number, number);
  set_str (&self->edition, edition);
  self->n_articles = n_articles;
  self->state = BULLETIN_ISSUE_STATE_READY;
  return self;
}

/**
 * bulletin_issue_get_file:
 *
 * Returns: (transfer none): the issue's file or folder
 */
GFile *
bulletin_issue_get_file (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->file;
}

BulletinIssueKind
bulletin_issue_get_kind (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), 0);
  return self->kind;
}

BulletinIssueState
bulletin_issue_get_state (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), 0);
  return self->state;
}

const char *
bulletin_issue_get_id (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->id;
}

/* The title as shown: the content's, else the file name without its
 * extension. */
const char *
bulletin_issue_get_title (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  if (self->title != NULL)
    return self->title;
  return self->name_title != NULL ? self->name_title : self->display_name;
}

/* YYYY-MM-DD, or NULL when undated */
const char *
bulletin_issue_get_date (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->date;
}

const char *
bulletin_issue_get_number (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->number;
}

const char *
bulletin_issue_get_edition (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->edition;
}

const char *
bulletin_issue_get_error_message (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->error_message;
}

const char *
bulletin_issue_get_display_name (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->display_name;
}

/* 0 when undated */
guint
bulletin_issue_get_year (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), 0);
  return self->date != NULL ? (guint)g_ascii_strtoull (self->date, NULL, 10) : 0;
}

/* YYYYMMDD as a number; 0 when undated, so undated issues sort last in a
 * newest-first list */
gint64
bulletin_issue_get_sort_key (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), 0);

  return self->sort_key;
}

/* The name's collation key, made on first use: most issues of an archive
 * have a date of their own and never need it (20,000 of them listed
 * from the cache spent a tenth of the time making keys).  Issues are
 * compared in more than one thread (a scan sorts in its worker), so the
 * key is set once, atomically; the display name never changes. */
static const char *
get_collate_key (BulletinIssue *self)
{
  char *key = g_atomic_pointer_get (&self->collate_key);

  if (key == NULL)
    {
      key = g_utf8_collate_key_for_filename (self->display_name, -1);
      if (!g_atomic_pointer_compare_and_exchange (&self->collate_key, NULL, key))
        {
          g_free (key);
          key = g_atomic_pointer_get (&self->collate_key);
        }
    }
  return key;
}

/**
 * bulletin_issue_compare:
 *
 * The archive's order: newest first by date (never by file time), undated
 * issues last, issues of one date by name (digits compared as numbers).
 *
 * Returns: negative when @a comes before @b
 */
int
bulletin_issue_compare (BulletinIssue *a,
                        BulletinIssue *b)
{
  gint64 ka, kb;

  g_return_val_if_fail (BULLETIN_IS_ISSUE (a), 0);
  g_return_val_if_fail (BULLETIN_IS_ISSUE (b), 0);

  ka = a->sort_key;
  kb = b->sort_key;
  if (ka != kb)
    return ka > kb ? -1 : 1;
  return strcmp (get_collate_key (a), get_collate_key (b));
}

/**
 * bulletin_issue_dup_section_title:
 *
 * Returns: (transfer full): the heading the issue is listed under: its
 * year, or "Undated"
 */
char *
bulletin_issue_dup_section_title (BulletinIssue *self)
{
  guint year;

  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);

  year = bulletin_issue_get_year (self);
  if (year == 0)
    return g_strdup (_("Undated"));
  return g_strdup_printf ("%u", year);
}

void
bulletin_issue_set_date_hook (BulletinIssue         *self,
                              BulletinIssueDateHook  hook,
                              gpointer               data)
{
  g_return_if_fail (BULLETIN_IS_ISSUE (self));

  self->date_hook = hook;
  self->date_hook_data = data;
}

void
bulletin_issue_set_articles_hook (BulletinIssue             *self,
                                  BulletinIssueArticlesHook  hook,
                                  gpointer                   data)
{
  g_return_if_fail (BULLETIN_IS_ISSUE (self));

  self->articles_hook = hook;
  self->articles_hook_data = data;
}

guint
bulletin_issue_get_n_articles (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), 0);
  return self->n_articles;
}

/**
 * bulletin_issue_get_warnings:
 *
 * Returns: (transfer none) (element-type utf8): what the reader noticed
 */
GPtrArray *
bulletin_issue_get_warnings (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return ensure_warnings (self);
}

void
bulletin_issue_set_metadata (BulletinIssue *self,
                             const char    *title,
                             const char    *date,
                             const char    *number,
                             const char    *edition,
                             guint          n_articles)
{
  gboolean date_changed = FALSE;

  g_return_if_fail (BULLETIN_IS_ISSUE (self));

  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (title, self->title) != 0)
    {
      set_str (&self->title, title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  if (date != NULL && g_strcmp0 (date, self->date) != 0)
    {
      set_str (&self->date, date);
      self->sort_key = date_sort_key (self->date);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
      date_changed = TRUE;
    }
  set_str (&self->number, number);
  set_str (&self->edition, edition);
  if (self->n_articles != n_articles)
    {
      self->n_articles = n_articles;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ARTICLES]);
    }
  if (self->state != BULLETIN_ISSUE_STATE_READY)
    {
      self->state = BULLETIN_ISSUE_STATE_READY;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
  /* once every field is set, as the notifications are */
  if (date_changed && self->date_hook != NULL)
    self->date_hook (self, self->date_hook_data);
}

void
bulletin_issue_set_error (BulletinIssue *self,
                          const char    *message)
{
  g_return_if_fail (BULLETIN_IS_ISSUE (self));
  g_return_if_fail (message != NULL);

  set_str (&self->error_message, message);
  if (self->state != BULLETIN_ISSUE_STATE_ERROR)
    {
      self->state = BULLETIN_ISSUE_STATE_ERROR;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

void
bulletin_issue_set_refused (BulletinIssue *self,
                            const char    *message)
{
  g_return_if_fail (BULLETIN_IS_ISSUE (self));

  self->refused = TRUE;
  bulletin_issue_set_error (self, message);
}

static gboolean
check_refused (BulletinIssue  *self,
               GError        **error)
{
  if (!self->refused)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, self->error_message);
  return FALSE;
}

/**
 * bulletin_issue_get_articles:
 *
 * Returns: (transfer none): a #GListModel of #BulletinArticle, empty until
 * the issue is loaded
 */
GListModel *
bulletin_issue_get_articles (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return G_LIST_MODEL (ensure_articles (self));
}

gboolean
bulletin_issue_is_loaded (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), FALSE);
  return self->loaded;
}

gboolean
bulletin_issue_kind_for_file (GFile             *file,
                              GFileType          type,
                              BulletinIssueKind *kind)
{
  g_autofree char *name = g_file_get_basename (file);

  return bulletin_issue_kind_for_name (name, type, kind);
}

/**
 * bulletin_issue_kind_for_name:
 * @name: (nullable): an entry's base name
 *
 * As bulletin_issue_kind_for_file (), for an entry named @name.
 */
gboolean
bulletin_issue_kind_for_name (const char        *name,
                              GFileType          type,
                              BulletinIssueKind *kind)
{
  if (name == NULL || name[0] == '.')
    return FALSE;

  if (type == G_FILE_TYPE_DIRECTORY)
    return bulletin_format_kind_for_folder (kind);
  /* a link that could not be followed is listed, as an entry that cannot
   * be read, rather than silently left out */
  if (type != G_FILE_TYPE_REGULAR && type != G_FILE_TYPE_SYMBOLIC_LINK)
    return FALSE;
  /* the file formats' table knows their extensions */
  return bulletin_format_kind_for_name (name, kind);
}

/**
 * bulletin_issue_parse_file:
 *
 * Reads @file (any GIO location: local, smb://, sftp://, a document
 * portal path) and parses it as @kind, by the formats' table.
 *
 * Returns: (transfer full) (nullable): the parsed issue
 */
BulletinParsedIssue *
bulletin_issue_parse_file (GFile              *file,
                           BulletinIssueKind   kind,
                           GCancellable       *cancellable,
                           GError            **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return bulletin_format_parse_file (kind, file, cancellable, error);
}

static char *
compute_issue_id (BulletinParsedIssue *parsed)
{
  g_autoptr(GChecksum) sum = NULL;

  if (parsed->uri != NULL)
    return g_strdup (parsed->uri);

  sum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < parsed->articles->len; i++)
    {
      const char *id = bulletin_article_get_id (g_ptr_array_index (parsed->articles, i));
      g_checksum_update (sum, (const guchar *)id, -1);
      g_checksum_update (sum, (const guchar *)"\n", 1);
    }
  return g_strdup_printf ("urn:bulletin:issue:%.32s", g_checksum_get_string (sum));
}

static void
apply_parsed (BulletinIssue       *self,
              BulletinParsedIssue *parsed)
{
  g_autofree char *date = NULL;
  g_autofree char *number = NULL;

  set_str (&self->id, NULL);
  self->id = compute_issue_id (parsed);

  date = g_strdup (parsed->date);
  if (date == NULL && parsed->articles->len > 0)
    date = bulletin_date_from_string (bulletin_article_get_date (g_ptr_array_index (parsed->articles, 0)));

  /* The number the listing found (bulletin-archive.c, read_format_entry ()):
   * the format's own, else from the title ("第45期"), else from the file's
   * name, else the one listed; so that the row keeps one label before and
   * after the issue loads. */
  number = g_strdup (parsed->number);
  if (number == NULL)
    number = bulletin_number_from_string (parsed->title);
  if (number == NULL)
    number = bulletin_number_from_string (self->display_name);
  if (number == NULL)
    number = g_strdup (self->number);

  bulletin_issue_set_metadata (self, parsed->title, date, number, parsed->edition,
                               parsed->articles->len);

  g_free (self->text_key);
  self->text_key = g_strdup (parsed->text_key);
  g_free (self->encoding);
  self->encoding = g_strdup (parsed->encoding);
  self->n_corrections = parsed->n_corrections;
  g_clear_pointer (&self->missing_corrections, g_ptr_array_unref);
  if (parsed->missing_corrections != NULL)
    self->missing_corrections = g_ptr_array_ref (parsed->missing_corrections);

  g_ptr_array_set_size (ensure_warnings (self), 0);
  for (guint i = 0; i < parsed->warnings->len; i++)
    g_ptr_array_add (self->warnings, g_strdup (g_ptr_array_index (parsed->warnings, i)));

  /* before anyone sees the articles: the archive tells apart ids shared
   * with other issues */
  if (self->articles_hook != NULL)
    self->articles_hook (self, parsed->articles, self->articles_hook_data);

  ensure_articles (self);
  g_list_store_splice (self->articles, 0, g_list_model_get_n_items (G_LIST_MODEL (self->articles)),
                       parsed->articles->pdata, parsed->articles->len);

  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

/* Loads the articles in the calling thread (the command line, tests). */
gboolean
bulletin_issue_load (BulletinIssue  *self,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), FALSE);

  if (self->loaded)
    return TRUE;
  if (!check_refused (self, error))
    return FALSE;

  parsed = bulletin_issue_parse_file (self->file, self->kind, cancellable, &local_error);
  if (parsed == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        bulletin_issue_set_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  apply_parsed (self, parsed);
  return TRUE;
}

typedef struct {
  GFile             *file;
  BulletinIssueKind  kind;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_object_unref (data->file);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  BulletinParsedIssue *parsed;

  parsed = bulletin_issue_parse_file (data->file, data->kind, cancellable, &error);
  if (parsed == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, parsed, (GDestroyNotify)bulletin_parsed_issue_free);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  BulletinIssue *self = BULLETIN_ISSUE (object);
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->waiting);

  self->loading = FALSE;
  parsed = g_task_propagate_pointer (G_TASK (result), &error);

  if (parsed != NULL)
    apply_parsed (self, parsed);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    bulletin_issue_set_error (self, error->message);

  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (parsed != NULL)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

/* Parses the issue in a worker thread and fills the article model on the
 * calling thread's main context.  Concurrent calls share one load. */
void
bulletin_issue_load_async (BulletinIssue       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BULLETIN_IS_ISSUE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_issue_load_async);

  if (self->loaded)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->refused)
    {
      GError *refused = NULL;

      check_refused (self, &refused);
      g_task_return_error (task, refused);
      return;
    }

  if (self->waiting == NULL)
    self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->waiting, g_steal_pointer (&task));

  if (!self->loading)
    {
      g_autoptr(GTask) worker = g_task_new (self, NULL, load_done, NULL);
      LoadData *data = g_new0 (LoadData, 1);

      self->loading = TRUE;
      data->file = g_object_ref (self->file);
      data->kind = self->kind;
      g_task_set_task_data (worker, data, (GDestroyNotify)load_data_free);
      g_task_run_in_thread (worker, load_thread);
    }
}

/**
 * bulletin_issue_reload_async:
 *
 * Reads the issue again (after the reader corrected it, or chose another
 * encoding): the article model changes in place when it is done.
 */
void
bulletin_issue_reload_async (BulletinIssue       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (BULLETIN_IS_ISSUE (self));

  self->loaded = FALSE;
  bulletin_issue_load_async (self, cancellable, callback, user_data);
}

/* Plain text: the identity its corrections are kept under, the encoding
 * it was read in, the corrections applied and those whose line is gone */
const char *
bulletin_issue_get_text_key (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->text_key;
}

const char *
bulletin_issue_get_encoding (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->encoding;
}

guint
bulletin_issue_get_n_corrections (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), 0);
  return self->n_corrections;
}

/**
 * bulletin_issue_get_missing_corrections:
 *
 * Returns: (transfer none) (nullable) (element-type BulletinCorrection):
 *   the corrections whose line was not found
 */
GPtrArray *
bulletin_issue_get_missing_corrections (BulletinIssue *self)
{
  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);
  return self->missing_corrections;
}

/**
 * bulletin_issue_dup_text_details:
 *
 * For the issue's details: the encoding a loaded plain-text issue was
 * read in, how many of the reader's corrections apply, and those whose
 * line is no longer in the file.
 *
 * Returns: (transfer full) (nullable): the text, or NULL
 */
char *
bulletin_issue_dup_text_details (BulletinIssue *self)
{
  GString *s;

  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);

  /* only the plain-text reader decodes, and says from what */
  if (!self->loaded || self->encoding == NULL)
    return NULL;
  s = g_string_new (NULL);
  /* Translators: %s is an encoding, e.g. GB18030 */
  g_string_append_printf (s, _("Encoding: %s"), self->encoding);
  if (self->n_corrections > 0)
    {
      g_string_append_c (s, '\n');
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u correction applied",
                                              "%u corrections applied", self->n_corrections),
                              self->n_corrections);
    }
  for (guint i = 0; self->missing_corrections != NULL && i < self->missing_corrections->len; i++)
    {
      BulletinCorrection *c = g_ptr_array_index (self->missing_corrections, i);

      g_string_append_c (s, '\n');
      /* Translators: a correction whose line is no longer in the file: what it was, the line */
      g_string_append_printf (s, _("Not applied, the line is gone: %s: %s"),
                              bulletin_correction_kind_get_label (c->kind), c->line);
    }
  return g_string_free (s, FALSE);
}

gboolean
bulletin_issue_load_finish (BulletinIssue  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * bulletin_issue_find_article:
 *
 * Returns: (transfer none) (nullable): the loaded article with @article_id
 */
BulletinArticle *
bulletin_issue_find_article (BulletinIssue *self,
                             const char    *article_id)
{
  guint n;

  g_return_val_if_fail (BULLETIN_IS_ISSUE (self), NULL);

  if (self->articles == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->articles));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinArticle) article = g_list_model_get_item (G_LIST_MODEL (self->articles), i);

      if (g_strcmp0 (bulletin_article_get_id (article), article_id) == 0)
        return article; /* the store keeps its reference */
    }
  return NULL;
}
