/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "bulletin-test-utils.h"

#include <gio/gio.h>
#include <string.h>

const char *
bulletin_test_get_shared_dir (void)
{
  const char *dir = g_getenv ("BULLETIN_SHARED_DIR");

  if (dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;
  return NULL;
}

gboolean
bulletin_test_shared_required (void)
{
  return g_strcmp0 (g_getenv ("CI"), "true") == 0;
}

void
bulletin_test_shared_missing (const char *message)
{
  if (bulletin_test_shared_required ())
    g_test_fail_printf ("%s (CI=true: the shared test data must be there)", message);
  else
    g_test_skip (message);
}

char *
bulletin_test_shared_path (const char *relative)
{
  const char *dir = bulletin_test_get_shared_dir ();
  char *path;

  if (dir == NULL)
    {
      bulletin_test_shared_missing ("no shared test data beside this checkout (../shared)");
      return NULL;
    }

  path = g_build_filename (dir, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("%s is absent", path);
      bulletin_test_shared_missing (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

char *
bulletin_test_read_file (const char *path,
                         gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

void
bulletin_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

gboolean
bulletin_test_wait_for (BulletinTestCondition condition,
                        gpointer              data,
                        guint                 seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      if (condition (data))
        return TRUE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return condition (data);
}

static gboolean
is_toolkit_noise (GLogLevelFlags  log_level,
                  const char     *log_domain,
                  const char     *message)
{
  if (message == NULL || !(log_level & G_LOG_LEVEL_WARNING))
    return FALSE;
  if (g_strcmp0 (log_domain, "Gdk") == 0)
    return strstr (message, "gdk_frame_timings_submitted") != NULL;
  /* GTK 4.8 on a loaded machine: a frame that draws a box of the window
   * (AdwToastOverlay > GtkBox > GtkBox) queued for allocation after the
   * frame's layout; the next frame draws it.  Seen in
   * test-ui-reading-state run beside other UI tests, and in two scenario
   * benchmarks side by side at the same moments as the load rose, with
   * nothing queueing the box while the frame was drawn (docs/ui.md,
   * "Criticals and undrawn widgets over a day").  Only that box: the reader's scrollbar trough (a GtkGizmo),
   * which its text view used to lay out while it was drawn, is an error
   * again (see text_changed () in bulletin-reader-view.c). */
  if (g_strcmp0 (log_domain, "Gtk") == 0)
    return g_str_has_prefix (message, "Trying to snapshot GtkBox ") &&
           g_str_has_suffix (message, " without a current allocation");
  return FALSE;
}

/* (worker threads log too) */
G_LOCK_DEFINE_STATIC (logged);
static char *undrawn;
static char *logged;

static G_GNUC_NO_INLINE void
keep_logged (GLogLevelFlags  log_level,
             const char     *domain,
             const char     *message)
{
  G_LOCK (logged);
  if (message != NULL && g_str_has_prefix (message, "Trying to snapshot ") &&
      g_str_has_suffix (message, " without a current allocation"))
    {
      if (undrawn == NULL)
        undrawn = g_strdup (message);
    }
  else if (logged == NULL)
    logged = g_strdup_printf ("%s-%s: %s", domain != NULL ? domain : "(no domain)",
                              (log_level & G_LOG_LEVEL_CRITICAL) ? "CRITICAL" : "WARNING",
                              message != NULL ? message : "(no message)");
  G_UNLOCK (logged);
}

/* GTK logs through the structured API, whose default writer aborts on
 * g_test_init()'s fatal levels without asking a test's fatal handler. */
static GLogWriterOutput
writer (GLogLevelFlags   log_level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
    }
  if (is_toolkit_noise (log_level, domain, message))
    return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    keep_logged (log_level, domain, message);
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static gboolean
fatal_unless_toolkit_noise (const char     *log_domain,
                            GLogLevelFlags  log_level,
                            const char     *message,
                            gpointer        user_data)
{
  return !is_toolkit_noise (log_level, log_domain, message);
}

/* The first "Trying to snapshot ... without a current allocation" since
 * the last call that is no toolkit noise (a widget GTK drew nothing of for
 * a frame), NULL if none: for a test whose warnings are not fatal. */
char *
bulletin_test_take_undrawn (void)
{
  char *message;

  G_LOCK (logged);
  message = g_steal_pointer (&undrawn);
  G_UNLOCK (logged);
  return message;
}

/* The first critical or warning since the last call that is no toolkit
 * noise and no widget drawn without an allocation (see
 * bulletin_test_take_undrawn ()), as "DOMAIN-LEVEL: message"; NULL if
 * none: for a test whose warnings are not fatal (the scenario, which runs
 * without g_test_init ()). */
char *
bulletin_test_take_logged (void)
{
  char *message;

  G_LOCK (logged);
  message = g_steal_pointer (&logged);
  G_UNLOCK (logged);
  return message;
}

void
bulletin_test_tolerate_toolkit_warnings (void)
{
  g_log_set_writer_func (writer, NULL, NULL);
  g_test_log_set_fatal_handler (fatal_unless_toolkit_noise, NULL);
}

void
bulletin_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bulletin_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* --- the items-changed contract ------------------------------------------- */

typedef struct {
  guint n_items;     /* as the last items-changed left it */
  guint depth;       /* items-changed being delivered */
} ModelWatch;

static GQuark model_watch_quark;

static void
items_changed_done (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    gpointer    user_data)
{
  ModelWatch *watch = g_object_get_qdata (G_OBJECT (model), model_watch_quark);

  if (watch != NULL && watch->depth > 0)
    watch->depth--;
}

static gboolean
items_changed_hook (GSignalInvocationHint *hint,
                    guint                  n_params,
                    const GValue          *params,
                    gpointer               user_data)
{
  GObject *object = g_value_get_object (&params[0]);
  GListModel *model = G_LIST_MODEL (object);
  guint position = g_value_get_uint (&params[1]);
  guint removed = g_value_get_uint (&params[2]);
  guint added = g_value_get_uint (&params[3]);
  guint n_items = g_list_model_get_n_items (model);
  ModelWatch *watch = g_object_get_qdata (object, model_watch_quark);

  if (watch == NULL)
    {
      /* first heard of: what it held before cannot be known */
      watch = g_new0 (ModelWatch, 1);
      watch->n_items = n_items;
      g_object_set_qdata_full (object, model_watch_quark, watch, g_free);
      /* (it may or may not run in this emission: depth counts from the next) */
      g_signal_connect_after (object, "items-changed", G_CALLBACK (items_changed_done), NULL);
      return TRUE;
    }

  if (watch->depth > 0)
    g_error ("%s %p: items-changed (%u, -%u, +%u) while its previous items-changed "
                "is still being delivered",
                G_OBJECT_TYPE_NAME (object), object, position, removed, added);
  else if (position + removed > watch->n_items)
    g_error ("%s %p: items-changed (%u, -%u, +%u) beyond its %u items",
                G_OBJECT_TYPE_NAME (object), object, position, removed, added, watch->n_items);
  else if (watch->n_items - removed + added != n_items)
    g_error ("%s %p: items-changed (%u, -%u, +%u) of %u items, but it holds %u",
                G_OBJECT_TYPE_NAME (object), object, position, removed, added, watch->n_items, n_items);
  else if (added > 0)
    {
      g_autoptr(GObject) last = g_list_model_get_item (model, position + added - 1);

      if (last == NULL)
        g_error ("%s %p: items-changed (%u, -%u, +%u), but no item at %u",
                    G_OBJECT_TYPE_NAME (object), object, position, removed, added,
                    position + added - 1);
    }

  watch->n_items = n_items;
  watch->depth++;
  return TRUE;
}

void
bulletin_test_check_list_models (void)
{
  gpointer iface = g_type_default_interface_ref (G_TYPE_LIST_MODEL);

  model_watch_quark = g_quark_from_static_string ("bulletin-test-model-watch");
  g_signal_add_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), 0,
                              items_changed_hook, NULL, NULL);
  g_type_default_interface_unref (iface);
}
