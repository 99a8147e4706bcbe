/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "bulletin-issue.h"
#include "bulletin-library.h"

#ifdef HAVE_BULLETIN_ARCHIVE
# include "bulletin-archive.h"
#endif

#define SAMPLE_URI "resource://" RESOURCE_PREFIX "/sample-archive/"

struct _BulletinLibrary
{
  GObject              parent_instance;

  GFile               *location;
  char                *display_name;
  GListStore          *models;    /* the one concrete model, once known */
  GtkFlattenListModel *issues;
  guint                loading : 1;
  guint                single_file : 1;
  guint                opened : 1;
};

G_DEFINE_FINAL_TYPE (BulletinLibrary, bulletin_library, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bulletin_library_dispose (GObject *object)
{
  BulletinLibrary *self = (BulletinLibrary *)object;

  g_clear_object (&self->issues);
  g_clear_object (&self->models);

  G_OBJECT_CLASS (bulletin_library_parent_class)->dispose (object);
}

static void
bulletin_library_finalize (GObject *object)
{
  BulletinLibrary *self = (BulletinLibrary *)object;

  g_clear_object (&self->location);
  g_free (self->display_name);

  G_OBJECT_CLASS (bulletin_library_parent_class)->finalize (object);
}

static void
bulletin_library_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BulletinLibrary *self = BULLETIN_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bulletin_library_class_init (BulletinLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bulletin_library_dispose;
  object_class->finalize = bulletin_library_finalize;
  object_class->get_property = bulletin_library_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bulletin_library_init (BulletinLibrary *self)
{
  self->models = g_list_store_new (G_TYPE_LIST_MODEL);
  self->issues = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->models)));
}

static void
set_loading (BulletinLibrary *self,
             gboolean         loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/**
 * bulletin_library_dup_sample_location:
 *
 * Returns: (transfer full): the built-in sample archive
 */
GFile *
bulletin_library_dup_sample_location (void)
{
  return g_file_new_for_uri (SAMPLE_URI);
}

/**
 * bulletin_library_new:
 *
 * Returns: (transfer full): a library for @location, not opened yet
 */
BulletinLibrary *
bulletin_library_new (GFile *location)
{
  BulletinLibrary *self;
  g_autoptr(GFile) sample = bulletin_library_dup_sample_location ();

  g_return_val_if_fail (G_IS_FILE (location), NULL);

  self = g_object_new (BULLETIN_TYPE_LIBRARY, NULL);
  self->location = g_object_ref (location);
  if (g_file_equal (location, sample))
    self->display_name = g_strdup (_("Sample Archive"));
  else
    {
      self->display_name = g_file_get_basename (location);
      if (self->display_name == NULL || g_str_equal (self->display_name, "/"))
        {
          g_free (self->display_name);
          self->display_name = g_file_get_parse_name (location);
        }
    }
  return self;
}

/**
 * bulletin_library_get_location:
 *
 * Returns: (transfer none): the folder or file
 */
GFile *
bulletin_library_get_location (BulletinLibrary *self)
{
  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), NULL);
  return self->location;
}

const char *
bulletin_library_get_display_name (BulletinLibrary *self)
{
  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), NULL);
  return self->display_name;
}

gboolean
bulletin_library_is_sample (BulletinLibrary *self)
{
  g_autoptr(GFile) sample = bulletin_library_dup_sample_location ();

  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), FALSE);
  return g_file_equal (self->location, sample);
}

gboolean
bulletin_library_is_single_file (BulletinLibrary *self)
{
  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), FALSE);
  return self->single_file;
}

gboolean
bulletin_library_get_loading (BulletinLibrary *self)
{
  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), FALSE);
  return self->loading;
}

/**
 * bulletin_library_get_issues:
 *
 * Returns: (transfer none): a #GListModel of #BulletinIssue, newest first;
 * empty until opening has found them
 */
GListModel *
bulletin_library_get_issues (BulletinLibrary *self)
{
  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->issues);
}

static void
open_failed (GTask  *task,
             GError *error)
{
  BulletinLibrary *self = g_task_get_source_object (task);

  set_loading (self, FALSE);
  g_task_return_error (task, error);
}

/* A single file: one issue, loaded at once so that its row shows the
 * content's title and date, or why it cannot be read. */
static void
single_issue_loaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BulletinLibrary *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* An unreadable file is an issue in the error state, not a failure to
   * open: its row says what is wrong. */
  if (!bulletin_issue_load_finish (BULLETIN_ISSUE (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      open_failed (task, g_steal_pointer (&error));
      return;
    }

  set_loading (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

#ifndef HAVE_BULLETIN_ARCHIVE
/* Until the archive scanner lands: list the folder's entries in a thread and
 * read each one there. */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  BulletinIssue *ia = *(BulletinIssue **)a;
  BulletinIssue *ib = *(BulletinIssue **)b;
  gint64 ka = bulletin_issue_get_sort_key (ia);
  gint64 kb = bulletin_issue_get_sort_key (ib);

  if (ka != kb)
    return ka < kb ? 1 : -1;
  return g_strcmp0 (bulletin_issue_get_display_name (ia), bulletin_issue_get_display_name (ib));
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *folder = task_data;
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) issues = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (enumerator == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  while ((info = g_file_enumerator_next_file (enumerator, cancellable, &error)))
    {
      g_autoptr(GFile) child = g_file_enumerator_get_child (enumerator, info);
      BulletinIssueKind kind;

      if (bulletin_issue_kind_for_file (child, g_file_info_get_file_type (info), &kind))
        {
          BulletinIssue *issue = bulletin_issue_new (child, kind);

          bulletin_issue_load (issue, cancellable, NULL);
          g_ptr_array_add (issues, issue);
        }
      g_object_unref (info);
    }
  if (error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_ptr_array_sort (issues, compare_newest_first);
  g_task_return_pointer (task, g_steal_pointer (&issues), (GDestroyNotify)g_ptr_array_unref);
}

static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BulletinLibrary *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) issues = NULL;
  GError *error = NULL;

  issues = g_task_propagate_pointer (G_TASK (result), &error);
  if (issues == NULL)
    {
      open_failed (task, error);
      return;
    }

  if (self->issues != NULL)
    {
      g_autoptr(GListStore) store = g_list_store_new (BULLETIN_TYPE_ISSUE);

      g_list_store_splice (store, 0, 0, issues->pdata, issues->len);
      g_list_store_append (self->models, store);
    }
  set_loading (self, FALSE);
  g_task_return_boolean (task, TRUE);
}
#else
static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!bulletin_archive_scan_finish (BULLETIN_ARCHIVE (object), result, &error))
    {
      open_failed (task, error);
      return;
    }
  set_loading (g_task_get_source_object (task), FALSE);
  g_task_return_boolean (task, TRUE);
}
#endif

static void
query_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BulletinLibrary *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;
  GFileType type;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (info == NULL)
    {
      open_failed (task, error);
      return;
    }

  type = g_file_info_get_file_type (info);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
#ifdef HAVE_BULLETIN_ARCHIVE
      g_autoptr(BulletinArchive) archive = bulletin_archive_new (self->location);

      g_list_store_append (self->models, archive);
      bulletin_archive_scan_async (archive, cancellable, scan_done, g_steal_pointer (&task));
#else
      g_autoptr(GTask) scan = g_task_new (self, cancellable, scan_done, g_steal_pointer (&task));

      g_task_set_task_data (scan, g_object_ref (self->location), g_object_unref);
      g_task_run_in_thread (scan, scan_thread);
#endif
    }
  else
    {
      g_autoptr(GListStore) store = g_list_store_new (BULLETIN_TYPE_ISSUE);
      g_autoptr(BulletinIssue) issue = NULL;
      BulletinIssueKind kind;

      if (!bulletin_issue_kind_for_file (self->location, type, &kind))
        {
          open_failed (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                          _("“%s” is neither a folder, a ninjs file (.json) nor a text file (.txt)"),
                                          self->display_name));
          return;
        }

      self->single_file = TRUE;
      issue = bulletin_issue_new (self->location, kind);
      g_list_store_append (store, issue);
      g_list_store_append (self->models, store);
      bulletin_issue_load_async (issue, cancellable, single_issue_loaded, g_steal_pointer (&task));
    }
}

/* Opens the folder or file: the issues model fills in as it goes; the
 * call completes when every entry is listed, or fails when the location
 * itself cannot be read. */
void
bulletin_library_open_async (BulletinLibrary     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BULLETIN_IS_LIBRARY (self));
  g_return_if_fail (!self->opened);

  self->opened = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bulletin_library_open_async);
  set_loading (self, TRUE);

  g_file_query_info_async (self->location,
                           G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           query_done, g_steal_pointer (&task));
}

gboolean
bulletin_library_open_finish (BulletinLibrary  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
