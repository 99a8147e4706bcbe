/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

gboolean
bulletin_ui_test_wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

char *
bulletin_ui_test_make_home (const char *template)
{
  static const char *xdg[] = { "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME" };
  g_autoptr(GError) error = NULL;
  char *home;

  g_setenv ("GTK_A11Y", "none", FALSE);
  home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (xdg); i++)
    {
      g_autofree char *dir = g_build_filename (home, xdg[i] + 4, NULL);

      g_setenv (xdg[i], dir, TRUE);
    }
  return home;
}

BulletinApplication *
bulletin_ui_test_new_app (void)
{
  g_autoptr(GError) error = NULL;
  BulletinApplication *app = bulletin_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

void
bulletin_ui_test_drain (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

void
bulletin_ui_test_reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

/* the window of the running test, whose sidebar a timeout prints */
static BulletinWindow *last_window;

void
bulletin_ui_test_timed_out (const char *what)
{
  BulletinWindow *window = last_window;

  if (window != NULL)
    {
      GListModel *tree = bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window));
      guint n = g_list_model_get_n_items (tree);

      g_printerr ("the sidebar's %u rows:\n", n);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = bulletin_ui_test_row_text (window, i);
          g_autoptr(GtkTreeListRow) row = g_list_model_get_item (tree, i);

          g_strdelimit (text, "\n", '|');
          g_printerr ("  %u%s %s\n", i, gtk_tree_list_row_get_expanded (row) ? " (expanded)" : "", text);
        }
    }
  g_error ("timed out waiting for: %s", what);
}

BulletinWindow *
bulletin_ui_test_new_window (BulletinApplication *app)
{
  BulletinWindow *window;

  bulletin_ui_test_reset_settings ();
  window = bulletin_window_new (app);
  g_set_weak_pointer (&last_window, window);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  return window;
}

void
bulletin_ui_test_close_window (BulletinWindow *window,
                               guint           drain_ms)
{
  gtk_window_destroy (GTK_WINDOW (window));
  bulletin_ui_test_drain (drain_ms);
}

gboolean
bulletin_ui_test_library_done (BulletinWindow *window)
{
  BulletinLibrary *library = bulletin_window_get_library (window);
  return library != NULL && !bulletin_library_get_loading (library);
}

void
bulletin_ui_test_append_labels (GtkWidget *widget,
                                GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    bulletin_ui_test_append_labels (child, out);
}

GtkWidget *
bulletin_ui_test_row_widget_at (BulletinWindow *window,
                                guint           position)
{
  GtkWidget *list = bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window));

  for (GtkWidget *child = gtk_widget_get_first_child (list); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *expander = gtk_widget_get_first_child (child);
      GtkTreeListRow *row;

      if (!GTK_IS_TREE_EXPANDER (expander) || !gtk_widget_get_child_visible (child))
        continue;
      row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander));
      if (row != NULL && gtk_tree_list_row_get_position (row) == position)
        return expander;
    }
  return NULL;
}

char *
bulletin_ui_test_row_text (BulletinWindow *window,
                           guint           position)
{
  GtkWidget *row = bulletin_ui_test_row_widget_at (window, position);
  GString *out = g_string_new (NULL);

  if (row != NULL)
    bulletin_ui_test_append_labels (row, out);
  return g_string_free (out, FALSE);
}

guint
bulletin_ui_test_n_rows (BulletinWindow *window)
{
  return g_list_model_get_n_items (bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window)));
}

int
bulletin_ui_test_find_row (BulletinWindow *window,
                           const char     *needle)
{
  for (guint i = 0; i < bulletin_ui_test_n_rows (window); i++)
    {
      g_autofree char *text = bulletin_ui_test_row_text (window, i);

      if (strstr (text, needle) != NULL)
        return i;
    }
  return -1;
}

gpointer
bulletin_ui_test_dup_row_item (BulletinWindow *window,
                               guint           position)
{
  g_autoptr(GtkTreeListRow) row =
    g_list_model_get_item (bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window)), position);
  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

void
bulletin_ui_test_activate_row (BulletinWindow *window,
                               guint           position)
{
  GtkWidget *list = bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window));

  g_signal_emit_by_name (list, "activate", position);
}

void
bulletin_ui_test_write_file (const char *dir,
                             const char *name,
                             const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

GtkWidget *
bulletin_ui_test_find_primary_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = bulletin_ui_test_find_primary_menu_button (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
count_frame (GdkFrameClock *clock,
             gpointer       data)
{
  (*(guint *)data)++;
}

/* Waits for a frame of @widget's toplevel painted from now on. */
static void
wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint painted = 0;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &painted);
  gtk_widget_queue_draw (widget);
  WAIT_UNTIL (painted > 0);
  g_signal_handler_disconnect (clock, handler);
}

static void
wait_mapped (GtkWidget *widget)
{
  WAIT_UNTIL (gtk_widget_get_mapped (widget) &&
              gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0);
}

void
bulletin_ui_test_wait_frames (GtkWidget *widget,
                              guint      n)
{
  wait_mapped (widget);
  for (guint i = 0; i < n; i++)
    {
      gint64 until = g_get_monotonic_time () + 20 * 1000;

      wait_for_paint (widget);
      bulletin_ui_test_drain (MAX (0, until - g_get_monotonic_time ()) / 1000);
    }
}

static GskRenderNode *
snapshot_widget (GtkWidget *widget,
                 int       *width,
                 int       *height)
{
  gint64 deadline = g_get_monotonic_time () + BULLETIN_UI_TEST_TIMEOUT_US;

  wait_mapped (widget);
  for (guint frame = 1; ; frame++)
    {
      g_autoptr(GdkPaintable) paintable = NULL;
      GtkSnapshot *snapshot;
      GskRenderNode *node;

      /* a GtkWidgetPaintable shows the render node of the widget's last
       * drawing: nothing until it has been drawn */
      wait_for_paint (widget);
      *width = gtk_widget_get_width (widget);
      *height = gtk_widget_get_height (widget);
      paintable = gtk_widget_paintable_new (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, *width, *height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        {
          if (frame > 1)
            g_test_message ("%s drawn at frame %u", G_OBJECT_TYPE_NAME (widget), frame);
          return node;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("%s was mapped but drew nothing in %u frames", G_OBJECT_TYPE_NAME (widget), frame);
    }
}

GskRenderNode *
bulletin_ui_test_snapshot_widget (GtkWidget *widget)
{
  int width, height;

  return snapshot_widget (widget, &width, &height);
}

GdkTexture *
bulletin_ui_test_render_widget (GtkWidget *widget)
{
  int width, height;
  g_autoptr(GskRenderNode) node = snapshot_widget (widget, &width, &height);

  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                      node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

void
bulletin_ui_test_save_screenshot (GtkWidget  *widget,
                                  const char *name)
{
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL || !gtk_widget_get_mapped (widget))
    return;
  g_mkdir_with_parents (dir, 0755);
  texture = bulletin_ui_test_render_widget (widget);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

GtkWidget *
bulletin_ui_test_find_button (GtkWidget  *widget,
                              const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = bulletin_ui_test_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

char *
bulletin_ui_test_make_data_dirs (const char *template)
{
  const char *vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
  char *home = g_dir_make_tmp (template, NULL);

  g_assert_nonnull (home);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (home, vars[i], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (vars[i], dir, TRUE);
    }
  return home;
}

gboolean
bulletin_ui_test_resize_window (GtkWindow *window,
                                int        width,
                                int        height)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));

  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) > 1);
  if (GDK_IS_X11_DISPLAY (display))
    {
      /* the X window has the client-side decorations' margins too */
      int dx = gdk_surface_get_width (surface) - gtk_widget_get_width (GTK_WIDGET (window));
      int dy = gdk_surface_get_height (surface) - gtk_widget_get_height (GTK_WIDGET (window));

      /* GTK 4.18 deprecates the X11 backend's API; a test under Xvfb
       * resizes as a window manager would, through X itself */
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      XResizeWindow (gdk_x11_display_get_xdisplay (display), gdk_x11_surface_get_xid (surface),
                     width + dx, height + dy);
      XFlush (gdk_x11_display_get_xdisplay (display));
      G_GNUC_END_IGNORE_DEPRECATIONS
      return TRUE;
    }
#endif
  return FALSE;
}

gboolean
bulletin_ui_test_press_key_in (GtkWidget       *widget,
                               guint            keyval,
                               GdkModifierType  mods)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (w);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

          if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
            continue;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
              GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

              if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
                  gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
                  gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods &&
                  gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, w,
                                                gtk_shortcut_get_arguments (shortcut)))
                return TRUE;
            }
        }
    }
  return FALSE;
}
