/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "bulletin-about.h"
#include "bulletin-accels.h"
#include "bulletin-application.h"
#include "bulletin-test-utils.h"

/* The About dialog, and the shortcuts window that must list every
 * accelerator the running application sets: the application-wide ones
 * (gtk_application_list_action_descriptions) and those that the app's own
 * widgets handle in shortcut controllers. */

static gboolean have_display;

/* One application per process: a registered application keeps its D-Bus
 * object path until the process ends. */
static GtkApplication *app;

static GtkApplication *
start_app (void)
{
  g_autoptr(GError) error = NULL;

  if (app != NULL)
    {
      g_application_activate (G_APPLICATION (app));
      bulletin_test_iterate (100);
      return app;
    }
  app = GTK_APPLICATION (bulletin_application_new ());

  /* Tests run in parallel on one session bus: never hand over to another. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  bulletin_test_iterate (200);
  g_assert_nonnull (gtk_application_get_active_window (app));

  return app;
}

/* Closes every window but the main one. */
static void
close_dialogs (GtkApplication *application)
{
  GtkWindow *main_window = gtk_application_get_active_window (application);
  GList *l;

  /* One at a time: a transient window goes with its parent. */
  while ((l = g_list_last (gtk_application_get_windows (application))) != NULL && l->data != main_window)
    gtk_window_destroy (l->data);
#if ADW_CHECK_VERSION (1, 5, 0)
  if (ADW_IS_APPLICATION_WINDOW (main_window))
    while (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (main_window)) != NULL)
      adw_dialog_force_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (main_window)));
#endif
  bulletin_test_iterate (50);
}

/* The accelerator in one canonical spelling ("<Control>question"), so that
 * "<Primary>question" and "<Ctrl>question" compare equal. */
static char *
canonical_accel (const char *accel)
{
  guint keyval = 0;
  GdkModifierType mods = 0;

  if (!gtk_accelerator_parse (accel, &keyval, &mods) || keyval == 0)
    return NULL;
  return gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods);
}

static void
add_accels (GHashTable *set,
            const char *accels,
            const char *where)
{
  g_auto(GStrv) parts = g_strsplit (accels, " ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *canonical;

      if (*parts[i] == '\0')
        continue;
      canonical = canonical_accel (parts[i]);
      if (canonical == NULL)
        g_error ("%s: “%s” is not an accelerator", where, parts[i]);
      g_hash_table_add (set, canonical);
    }
}

static void
add_trigger (GHashTable         *set,
             GtkShortcutTrigger *trigger)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      add_trigger (set, gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)));
      add_trigger (set, gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)));
    }
  else if (GTK_IS_KEYVAL_TRIGGER (trigger))
    {
      GtkKeyvalTrigger *kt = GTK_KEYVAL_TRIGGER (trigger);

      g_hash_table_add (set, gtk_accelerator_name (gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (kt)),
                                                   gtk_keyval_trigger_get_modifiers (kt)));
    }
}

/* Action groups that belong to the app: app., win., window. and the
 * prefixes of actions installed on the app's own widget classes. */
static void
collect_prefixes (GtkWidget  *widget,
                  GHashTable *prefixes)
{
  if (g_str_has_prefix (G_OBJECT_TYPE_NAME (widget), "Bulletin"))
    {
      GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (widget);
      const char *name;
      GType owner;
      const GVariantType *param;
      const char *property;

      for (guint i = 0; gtk_widget_class_query_action (klass, i, &owner, &name, &param, &property); i++)
        {
          const char *dot = strchr (name, '.');
          if (dot != NULL)
            g_hash_table_add (prefixes, g_strndup (name, dot - name));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_prefixes (child, prefixes);
}

/* Shortcuts that the app's widgets handle: named actions of the app's
 * groups anywhere, and every shortcut of a capture-phase shortcut
 * controller inside one of the app's own widgets (bulletin-accels.c adds
 * those, calling back into the action; GTK's own key bindings are
 * bubble-phase). */
static void
collect_widget_accels (GtkWidget  *widget,
                       GHashTable *prefixes,
                       GHashTable *set,
                       gboolean    in_app_widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  in_app_widget = in_app_widget || g_str_has_prefix (G_OBJECT_TYPE_NAME (widget), "Bulletin");
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      gboolean app_controller;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      app_controller = in_app_widget &&
        gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)) == GTK_PHASE_CAPTURE;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *prefix = NULL;
          const char *name, *dot;

          if (app_controller)
            {
              add_trigger (set, gtk_shortcut_get_trigger (shortcut));
              continue;
            }
          if (!GTK_IS_NAMED_ACTION (action))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          dot = strchr (name, '.');
          prefix = dot ? g_strndup (name, dot - name) : g_strdup ("");
          if (g_hash_table_contains (prefixes, prefix))
            add_trigger (set, gtk_shortcut_get_trigger (shortcut));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_widget_accels (child, prefixes, set, in_app_widget);
}

static GHashTable *
app_accels (GtkApplication *application)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (application);
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (application));

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        add_accels (set, accels[j], actions[i]);
    }

  g_hash_table_add (prefixes, g_strdup ("app"));
  g_hash_table_add (prefixes, g_strdup ("win"));
  g_hash_table_add (prefixes, g_strdup ("window"));
  collect_prefixes (window, prefixes);
  collect_widget_accels (window, prefixes, set, FALSE);

  return set;
}

/* Accelerators listed by the objects of a shortcuts .ui of type @item_type
 * (GtkShortcutsShortcut, AdwShortcutsItem). */
static GHashTable *
listed_accels (const char *resource,
               const char *item_type)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (resource);
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  guint n_items = 0;

  for (GSList *l = objects; l != NULL; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), item_type))
      {
        g_autofree char *accel = NULL;
        g_autofree char *title = NULL;

        g_object_get (l->data, "accelerator", &accel, "title", &title, NULL);
        g_assert_nonnull (accel);
        g_assert_cmpstr (title, !=, "");
        add_accels (set, accel, resource);
        n_items++;
      }
  g_assert_cmpuint (n_items, >, 0);

  /* The builder's toplevel window is ours to destroy. */
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_WINDOW (l->data))
      gtk_window_destroy (l->data);

  return set;
}

static void
assert_all_listed (GHashTable *set,
                   GHashTable *listed,
                   const char *where)
{
  GHashTableIter iter;
  const char *accel;
  guint missing = 0;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, (gpointer *) &accel, NULL))
    if (!g_hash_table_contains (listed, accel))
      {
        g_printerr ("%s does not have %s\n", where, accel);
        missing++;
      }
  g_assert_cmpuint (missing, ==, 0);
}

/* Each row of the shortcuts window shows each shortcut once, with the
 * keys' proper names: no keypad twin (GtkShortcutLabel shows "KP_Right",
 * or "+" twice for Ctrl+plus and Ctrl+KP_Add) and no key that GTK labels
 * with its raw keysym in English ("Page_Down"). */
static void
test_shortcuts_names (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/bulletin-shortcuts-window.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  guint n_rows = 0, bad = 0;

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accel = NULL;
      g_autofree char *title = NULL;
      g_auto(GStrv) parts = NULL;
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      if (!g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GtkShortcutsShortcut"))
        continue;
      n_rows++;
      g_object_get (l->data, "accelerator", &accel, "title", &title, NULL);
      parts = g_strsplit (accel, " ", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          guint keyval = 0;
          GdkModifierType mods = 0;
          gunichar ch;
          const char *name;
          char *shown;

          if (*parts[i] == '\0')
            continue;
          g_assert_true (gtk_accelerator_parse (parts[i], &keyval, &mods));
          name = gdk_keyval_name (keyval);
          if (g_str_has_prefix (name, "KP_") || keyval == GDK_KEY_Page_Up || keyval == GDK_KEY_Page_Down)
            {
              g_printerr ("“%s” shows %s by its raw name\n", title, parts[i]);
              bad++;
            }
          /* what the key cap says: its character, else its name */
          ch = gdk_keyval_to_unicode (keyval);
          shown = ch != 0 ? g_strdup_printf ("%x:U+%04X", mods, ch)
                          : g_strdup_printf ("%x:%s", mods, name);
          if (!g_hash_table_add (seen, shown))
            {
              g_printerr ("“%s” shows %s twice\n", title, parts[i]);
              bad++;
            }
        }
    }
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_WINDOW (l->data))
      gtk_window_destroy (l->data);

  g_assert_cmpuint (n_rows, >, 10);
  g_assert_cmpuint (bad, ==, 0);
}

static void
test_shortcuts_listed (void)
{
  g_autoptr(GHashTable) set = NULL;
  g_autoptr(GHashTable) listed = NULL;
  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  start_app ();
  set = app_accels (app);
  /* At least the shortcuts window's own Ctrl+? */
  g_assert_true (g_hash_table_contains (set, "<Control>question"));

  /* Keypad twins and keys GTK would name by their raw keysyms are set
   * but not listed: the table says which (its "shown" column). */
  {
    guint n;
    const BulletinAccel *table = bulletin_accels_get (&n);

    for (guint i = 0; i < n; i++)
      if (table[i].shown != NULL)
        {
          g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

          add_accels (shown, table[i].shown, table[i].action);
          for (guint j = 0; table[i].accels[j] != NULL; j++)
            {
              g_autofree char *accel = canonical_accel (table[i].accels[j]);

              g_assert_nonnull (accel);
              if (!g_hash_table_contains (shown, accel))
                g_hash_table_remove (set, accel);
            }
        }
  }

  listed = listed_accels (RESOURCE_PREFIX "/bulletin-shortcuts-window.ui", "GtkShortcutsShortcut");
  assert_all_listed (set, listed, "bulletin-shortcuts-window.ui");
#if ADW_CHECK_VERSION (1, 8, 0)
  {
    g_autoptr(GHashTable) dialog = listed_accels (RESOURCE_PREFIX "/bulletin-shortcuts-dialog.ui",
                                                  "AdwShortcutsItem");
    assert_all_listed (set, dialog, "bulletin-shortcuts-dialog.ui");
  }
#endif

  /* Nor does it list a shortcut that the app no longer has. */
  assert_all_listed (listed, set, "the running application");

  /* The check itself: an accelerator the window does not list is caught. */
  g_hash_table_add (set, g_strdup ("<Control><Alt>F12"));
  g_assert_false (g_hash_table_contains (listed, "<Control><Alt>F12"));

  close_dialogs (app);
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             const char *type_name)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), type_name))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type_name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The window or dialog of @type_name that came up, wherever libadwaita
 * puts it (a toplevel before 1.5, inside the app window after). */
static GtkWidget *
find_shown (const char *type_name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);
      GtkWidget *found = find_widget (toplevel, type_name);

      if (found != NULL && gtk_widget_get_mapped (found))
        return found;
    }
  return NULL;
}

static void
test_about_dialog (void)
{
  GtkWidget *about;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  g_autofree char *icon = NULL;
  GtkIconTheme *theme;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  start_app ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  bulletin_test_iterate (300);
#if ADW_CHECK_VERSION (1, 5, 0)
  about = find_shown ("AdwAboutDialog");
#else
  about = find_shown ("AdwAboutWindow");
#endif
  g_assert_nonnull (about);

  g_object_get (about, "application-name", &name, "version", &version, "application-icon", &icon, NULL);
  g_assert_cmpstr (name, ==, "Bulletin Reader");
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
  g_assert_cmpstr (icon, ==, APP_ID);

  /* The icon it names is the one data/ installs. */
  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  gtk_icon_theme_add_search_path (theme, g_test_get_filename (G_TEST_DIST, "..", "data", "icons", NULL));
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID "-symbolic"));

  close_dialogs (app);
}

static void
test_shortcuts_opens (void)
{
  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  start_app ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  bulletin_test_iterate (300);
#if ADW_CHECK_VERSION (1, 8, 0)
  g_assert_nonnull (find_shown ("AdwShortcutsDialog"));
#else
  g_assert_nonnull (find_shown ("GtkShortcutsWindow"));
#endif
  close_dialogs (app);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bulletin_test_tolerate_toolkit_warnings ();
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/bulletin/about/dialog", test_about_dialog);
  g_test_add_func ("/bulletin/about/shortcuts-opens", test_shortcuts_opens);
  g_test_add_func ("/bulletin/about/shortcuts-lists-every-accel", test_shortcuts_listed);
  g_test_add_func ("/bulletin/about/shortcuts-each-once-by-name", test_shortcuts_names);

  return g_test_run ();
}
