/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GNOME Shell search provider (org.gnome.Shell.SearchProvider2): words
 * typed in the Activities overview find articles in the last opened
 * archive, from its search index alone (never by reading the files, and
 * never for longer than QUERY_TIME_LIMIT_MS), and choosing one opens the
 * app at the passage.
 *
 * A result id is "bulletin-result" and the archive's URI, the issue's path
 * and id, the article's id and the first hit's source offset, separated by
 * newlines. */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-application.h"
#include "bulletin-search-index.h"
#include "bulletin-search.h"
#include "bulletin-search-provider.h"
#include "bulletin-window-search.h"
#include "bulletin-window.h"

#define ID_PREFIX "bulletin-result"
#define MAX_RESULTS 20
#define QUERY_TIME_LIMIT_MS 1500

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.gnome.Shell.SearchProvider2'>"
  "    <method name='GetInitialResultSet'>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='as' name='results' direction='out'/>"
  "    </method>"
  "    <method name='GetSubsearchResultSet'>"
  "      <arg type='as' name='previous_results' direction='in'/>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='as' name='results' direction='out'/>"
  "    </method>"
  "    <method name='GetResultMetas'>"
  "      <arg type='as' name='identifiers' direction='in'/>"
  "      <arg type='aa{sv}' name='metas' direction='out'/>"
  "    </method>"
  "    <method name='ActivateResult'>"
  "      <arg type='s' name='identifier' direction='in'/>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "    <method name='LaunchSearch'>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

/* for the tests only (BULLETIN_TEST_DBUS=1): what the window shows */
static const char test_xml[] =
  "<node>"
  "  <interface name='io.github.bulletinreader.BulletinReader.Test'>"
  "    <method name='GetShown'>"
  "      <arg type='s' name='article_id' direction='out'/>"
  "      <arg type='s' name='headline' direction='out'/>"
  "      <arg type='s' name='search_status' direction='out'/>"
  "      <arg type='s' name='archive_search_query' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

struct _BulletinSearchProvider
{
  GObject              parent_instance;

  GApplication        *application;  /* weak */
  GDBusConnection     *connection;
  guint                registration;
  guint                test_registration;
  GSettings           *settings;
  GFile               *root;
  BulletinSearchIndex *index;
  GHashTable          *metas;        /* id -> GVariant a{sv} */
};

G_DEFINE_FINAL_TYPE (BulletinSearchProvider, bulletin_search_provider, G_TYPE_OBJECT)

static GDBusNodeInfo *
node_info (const char *xml)
{
  GDBusNodeInfo *info = g_dbus_node_info_new_for_xml (xml, NULL);

  g_assert (info != NULL);
  return info;
}

static char *
join_terms (GVariant *terms)
{
  g_autofree const char **strv = g_variant_get_strv (terms, NULL);

  return g_strjoinv (" ", (char **)strv);
}

/* the index of the archive the app opened last; NULL when none */
static BulletinSearchIndex *
ensure_index (BulletinSearchProvider *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "last-archive");
  g_autoptr(GFile) root = NULL;

  if (uri == NULL || *uri == 0)
    return NULL;
  root = g_file_new_for_uri (uri);
  if (self->root == NULL || !g_file_equal (self->root, root))
    {
      g_set_object (&self->root, root);
      g_clear_object (&self->index);
      self->index = bulletin_search_index_new (root, NULL);
      bulletin_search_index_set_index_only (self->index, TRUE);
      g_hash_table_remove_all (self->metas);
    }
  return self->index;
}

typedef struct {
  BulletinSearchProvider *self;
  GDBusMethodInvocation  *invocation;
  GCancellable           *cancellable;
  guint                   timeout;
} QueryData;

static gboolean
query_timed_out (gpointer user_data)
{
  QueryData *data = user_data;

  data->timeout = 0;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static char *
make_id (GFile                      *root,
         const BulletinSearchResult *r)
{
  g_autofree char *uri = g_file_get_uri (root);
  guint offset = r->hits != NULL && r->hits->len > 0 ? g_array_index (r->hits, BulletinRange, 0).start : 0;

  return g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%u", ID_PREFIX, uri, r->issue_path,
                          r->issue_id != NULL ? r->issue_id : "", r->article_id, offset);
}

static GVariant *
make_meta (const char                 *id,
           const BulletinSearchResult *r)
{
  GVariantBuilder builder;
  g_autoptr(GIcon) icon = g_themed_icon_new (APP_ID);
  g_autofree char *icon_string = g_icon_to_string (icon);
  g_autofree char *description = NULL;
  const char *name = r->headline != NULL && *r->headline ? r->headline
                   : r->issue_title != NULL ? r->issue_title : r->article_id;

  if (r->issue_date != NULL && r->snippet != NULL)
    /* TRANSLATORS: a search result in GNOME Shell: the issue's date, then
     * the text around the hit */
    description = g_strdup_printf (_("%s · %s"), r->issue_date, r->snippet);
  else
    description = g_strdup (r->snippet != NULL ? r->snippet : r->issue_date != NULL ? r->issue_date : "");

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string (id));
  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (name));
  g_variant_builder_add (&builder, "{sv}", "description", g_variant_new_string (description));
  g_variant_builder_add (&builder, "{sv}", "gicon", g_variant_new_string (icon_string));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
query_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  QueryData *data = user_data;
  BulletinSearchProvider *self = data->self;
  g_autoptr(BulletinSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;

  results = bulletin_search_index_query_finish (BULLETIN_SEARCH_INDEX (object), result, &error);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("as"));
  if (results == NULL)
    g_debug ("search provider: %s", error->message);
  for (guint i = 0; results != NULL && i < results->results->len && i < MAX_RESULTS; i++)
    {
      BulletinSearchResult *r = g_ptr_array_index (results->results, i);
      g_autofree char *id = NULL;

      if (r->hits == NULL)
        break;  /* beyond the details asked for */
      id = make_id (bulletin_search_index_get_root (BULLETIN_SEARCH_INDEX (object)), r);
      g_hash_table_replace (self->metas, g_strdup (id), make_meta (id, r));
      g_variant_builder_add (&builder, "s", id);
    }
  g_dbus_method_invocation_return_value (data->invocation, g_variant_new ("(as)", &builder));

  g_clear_handle_id (&data->timeout, g_source_remove);
  g_application_release (self->application);
  g_object_unref (data->cancellable);
  g_object_unref (data->self);
  g_free (data);
}

static void
get_result_set (BulletinSearchProvider *self,
                GVariant               *terms,
                GDBusMethodInvocation  *invocation)
{
  g_autofree char *query = join_terms (terms);
  BulletinSearchIndex *index = ensure_index (self);
  g_autoptr(BulletinSearchQuery) q = bulletin_search_query_new (query, BULLETIN_SEARCH_WORD_START);
  QueryData *data;

  /* an index that cannot answer (none, not even a shared one beside the
   * archive) says so at once: index-only */
  if (index == NULL || bulletin_search_query_is_empty (q))
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as [],)"));
      return;
    }

  data = g_new0 (QueryData, 1);
  data->self = g_object_ref (self);
  data->invocation = invocation;
  data->cancellable = g_cancellable_new ();
  /* the Shell waits for every provider: never long */
  data->timeout = g_timeout_add (QUERY_TIME_LIMIT_MS, query_timed_out, data);
  g_application_hold (self->application);
  bulletin_search_index_query_async (index, query, MAX_RESULTS, MAX_RESULTS, data->cancellable,
                                     query_done, data);
}

static GVariant *
get_result_metas (BulletinSearchProvider *self,
                  GVariant               *ids)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *id;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_iter_init (&iter, ids);
  while (g_variant_iter_next (&iter, "&s", &id))
    {
      GVariant *meta = g_hash_table_lookup (self->metas, id);

      if (meta != NULL)
        g_variant_builder_add_value (&builder, meta);
    }
  return g_variant_new ("(aa{sv})", &builder);
}

static BulletinWindow *
ensure_window (BulletinSearchProvider *self,
               gboolean               *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self->application));

  *created = window == NULL;
  if (window == NULL)
    window = GTK_WINDOW (bulletin_window_new (BULLETIN_APPLICATION (self->application)));
  return BULLETIN_WINDOW (window);
}

/* The Shell's timestamp lets the window take the focus on X11; GTK 4.14
 * deprecates passing it and takes the activation token instead. */
static void
present_window (BulletinWindow *window,
                guint32         timestamp)
{
#if GTK_CHECK_VERSION (4, 14, 0)
  (void) timestamp;
  gtk_window_present (GTK_WINDOW (window));
#else
  gtk_window_present_with_time (GTK_WINDOW (window), timestamp);
#endif
}

static void
activate_result (BulletinSearchProvider *self,
                 const char             *id,
                 GVariant               *terms,
                 guint32                 timestamp)
{
  g_auto(GStrv) fields = g_strsplit (id, "\n", -1);
  g_autofree char *query = join_terms (terms);
  g_autoptr(GFile) root = NULL;
  BulletinWindow *window;
  gboolean created;

  if (g_strv_length (fields) != 6 || !g_str_equal (fields[0], ID_PREFIX))
    return;
  root = g_file_new_for_uri (fields[1]);
  window = ensure_window (self, &created);
  present_window (window, timestamp);
  bulletin_window_show_search_result (window, root, fields[2], *fields[3] ? fields[3] : NULL, fields[4], query);
}

static void
launch_search (BulletinSearchProvider *self,
               GVariant               *terms,
               guint32                 timestamp)
{
  g_autofree char *query = join_terms (terms);
  BulletinWindow *window;
  gboolean created;

  window = ensure_window (self, &created);
  present_window (window, timestamp);
  if (created)
    bulletin_window_open_initial (window);
  bulletin_window_search_archive_for (window, query);
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  BulletinSearchProvider *self = user_data;

  if (g_str_equal (method_name, "GetInitialResultSet"))
    {
      g_autoptr(GVariant) terms = g_variant_get_child_value (parameters, 0);

      get_result_set (self, terms, invocation);
    }
  else if (g_str_equal (method_name, "GetSubsearchResultSet"))
    {
      g_autoptr(GVariant) terms = g_variant_get_child_value (parameters, 1);

      get_result_set (self, terms, invocation);
    }
  else if (g_str_equal (method_name, "GetResultMetas"))
    {
      g_autoptr(GVariant) ids = g_variant_get_child_value (parameters, 0);

      g_dbus_method_invocation_return_value (invocation, get_result_metas (self, ids));
    }
  else if (g_str_equal (method_name, "ActivateResult"))
    {
      const char *id;
      g_autoptr(GVariant) terms = NULL;
      guint32 timestamp;

      g_variant_get (parameters, "(&s@asu)", &id, &terms, &timestamp);
      activate_result (self, id, terms, timestamp);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "LaunchSearch"))
    {
      g_autoptr(GVariant) terms = NULL;
      guint32 timestamp;

      g_variant_get (parameters, "(@asu)", &terms, &timestamp);
      launch_search (self, terms, timestamp);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static void
test_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  BulletinSearchProvider *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  BulletinArticle *article = NULL;
  const char *status = NULL, *archive_query = "";

  if (window != NULL)
    {
      BulletinArchiveSearch *archive = bulletin_window_get_archive_search (BULLETIN_WINDOW (window));

      article = bulletin_reader_view_get_article (bulletin_window_get_reader (BULLETIN_WINDOW (window)));
      status = bulletin_search_bar_get_status (bulletin_window_get_search_bar (BULLETIN_WINDOW (window)));
      if (archive != NULL)
        archive_query = bulletin_archive_search_get_query (archive);
    }
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(ssss)",
                                                        article != NULL ? bulletin_article_get_id (article) : "",
                                                        article != NULL && bulletin_article_get_headline (article) != NULL
                                                          ? bulletin_article_get_headline (article) : "",
                                                        status != NULL ? status : "",
                                                        archive_query != NULL ? archive_query : ""));
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };
static const GDBusInterfaceVTable test_vtable = { test_method_call, NULL, NULL, { 0 } };

/**
 * bulletin_search_provider_register:
 *
 * Exports the provider at @object_path on @connection (from the
 * application's dbus_register).
 */
gboolean
bulletin_search_provider_register (BulletinSearchProvider  *self,
                                   GDBusConnection         *connection,
                                   const char              *object_path,
                                   GError                 **error)
{
  g_autoptr(GDBusNodeInfo) info = node_info (introspection_xml);

  g_return_val_if_fail (BULLETIN_IS_SEARCH_PROVIDER (self), FALSE);

  self->registration = g_dbus_connection_register_object (connection, object_path, info->interfaces[0],
                                                          &vtable, self, NULL, error);
  if (self->registration == 0)
    return FALSE;
  g_set_object (&self->connection, connection);
  if (g_strcmp0 (g_getenv ("BULLETIN_TEST_DBUS"), "1") == 0)
    {
      g_autoptr(GDBusNodeInfo) test_info = node_info (test_xml);

      self->test_registration = g_dbus_connection_register_object (connection, object_path,
                                                                   test_info->interfaces[0],
                                                                   &test_vtable, self, NULL, NULL);
    }
  return TRUE;
}

void
bulletin_search_provider_unregister (BulletinSearchProvider *self)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_PROVIDER (self));

  if (self->connection == NULL)
    return;
  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  if (self->test_registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->test_registration);
  self->registration = self->test_registration = 0;
  g_clear_object (&self->connection);
}

static void
bulletin_search_provider_dispose (GObject *object)
{
  BulletinSearchProvider *self = BULLETIN_SEARCH_PROVIDER (object);

  bulletin_search_provider_unregister (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->root);
  g_clear_object (&self->index);
  g_clear_pointer (&self->metas, g_hash_table_unref);
  G_OBJECT_CLASS (bulletin_search_provider_parent_class)->dispose (object);
}

static void
bulletin_search_provider_class_init (BulletinSearchProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bulletin_search_provider_dispose;
}

static void
bulletin_search_provider_init (BulletinSearchProvider *self)
{
  self->settings = g_settings_new (APP_ID);
  self->metas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_variant_unref);
}

/**
 * bulletin_search_provider_new:
 * @application: the app, held while a query runs (a D-Bus activated
 *   service would otherwise quit meanwhile)
 *
 * Returns: (transfer full): the provider
 */
BulletinSearchProvider *
bulletin_search_provider_new (GApplication *application)
{
  BulletinSearchProvider *self = g_object_new (BULLETIN_TYPE_SEARCH_PROVIDER, NULL);

  self->application = application;
  return self;
}
