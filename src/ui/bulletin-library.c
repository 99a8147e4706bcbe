/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-archive.h"
#include "bulletin-library.h"
#include "bulletin-memory.h"


#define SAMPLE_URI "resource://" RESOURCE_PREFIX "/sample-archive/"

struct _BulletinLibrary
{
  GObject              parent_instance;

  GFile               *location;
  char                *display_name;
  BulletinArchive     *archive;
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

  g_clear_object (&self->archive);

  G_OBJECT_CLASS (bulletin_library_parent_class)->dispose (object);
}

static void
bulletin_library_finalize (GObject *object)
{
  BulletinLibrary *self = (BulletinLibrary *)object;

  g_clear_object (&self->location);
  g_free (self->display_name);

  G_OBJECT_CLASS (bulletin_library_parent_class)->finalize (object);
  /* its issues and articles are gone: their pages back to the system */
  bulletin_memory_trim_when_idle ();
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
  self->archive = bulletin_archive_new (location);
  /* issues added, changed or removed while the archive is open show up
   * (where the location can be watched) */
  bulletin_archive_set_watching (self->archive, TRUE);
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
  return G_LIST_MODEL (self->archive);
}

/**
 * bulletin_library_get_archive:
 *
 * Returns: (transfer none): the archive (progress, image resolution)
 */
BulletinArchive *
bulletin_library_get_archive (BulletinLibrary *self)
{
  g_return_val_if_fail (BULLETIN_IS_LIBRARY (self), NULL);
  return self->archive;
}

static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BulletinLibrary *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->single_file = bulletin_archive_is_single_file (BULLETIN_ARCHIVE (object));
  set_loading (self, FALSE);
  if (!bulletin_archive_scan_finish (BULLETIN_ARCHIVE (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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

  bulletin_archive_scan_async (self->archive, cancellable, scan_done, g_steal_pointer (&task));
}

gboolean
bulletin_library_open_finish (BulletinLibrary  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
