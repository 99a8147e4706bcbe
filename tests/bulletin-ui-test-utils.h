/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bulletin-application.h"
#include "bulletin-window.h"

G_BEGIN_DECLS

/* What the UI tests on the real window under Xvfb share: a home of their
 * own, the application, waiting for what a person would see, and reading
 * the sidebar's rows back from the widgets. */

#define BULLETIN_UI_TEST_TIMEOUT_US (30 * G_USEC_PER_SEC)  /* generous: CI machines are busy */

gboolean             bulletin_ui_test_wake_up        (gpointer data);

/* Fails the test: @what did not come.  Prints first what the sidebar of
 * the last window of bulletin_ui_test_new_window () lists (CI reports a
 * g_error as a bare SIGTRAP). */
G_NORETURN void      bulletin_ui_test_timed_out      (const char *what);

/* Iterates the main loop until @cond holds; the test fails when it does
 * not within BULLETIN_UI_TEST_TIMEOUT_US. */
#define WAIT_UNTIL(cond)                                                        \
  G_STMT_START {                                                                \
    gint64 _deadline = g_get_monotonic_time () + BULLETIN_UI_TEST_TIMEOUT_US;   \
    guint _tick = g_timeout_add (10, bulletin_ui_test_wake_up, NULL);           \
    while (!(cond) && g_get_monotonic_time () < _deadline)                      \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_source_remove (_tick);                                                    \
    if (!(cond))                                                                \
      bulletin_ui_test_timed_out (#cond);                                       \
  } G_STMT_END

/* A HOME and XDG folders of its own, made from @template (no reading
 * position, cache or notes from another run; the system's XDG_DATA_DIRS
 * stay: icons, MIME types), and no accessibility bus.  Returns the home,
 * to remove at the end. */
char                *bulletin_ui_test_make_home      (const char *template);

/* XDG data, config, cache and state folders of their own, in a folder
 * made from @template (not G_TEST_OPTION_ISOLATE_DIRS, which hides
 * XDG_DATA_DIRS and with it the MIME database that icons need).  Returns
 * the folder. */
char                *bulletin_ui_test_make_data_dirs (const char *template);

/* The application, non-unique, registered. */
BulletinApplication *bulletin_ui_test_new_app        (void);

/* Runs the main context for @ms milliseconds. */
void                 bulletin_ui_test_drain          (guint ms);

/* Every key of the application's settings back to its default. */
void                 bulletin_ui_test_reset_settings (void);

/* A new window with the default settings, once it is mapped. */
BulletinWindow      *bulletin_ui_test_new_window     (BulletinApplication *app);

/* Destroys @window, then drains the main context for @drain_ms. */
void                 bulletin_ui_test_close_window   (BulletinWindow *window,
                                                      guint           drain_ms);

/* The library is loaded and not loading. */
gboolean             bulletin_ui_test_library_done   (BulletinWindow *window);

/* The sidebar's rows: the visible labels of a widget joined by "\n", the
 * row widget at @position (its expander), its text, how many rows the
 * model has, and the position of the first row whose text contains
 * @needle (-1: none). */
void                 bulletin_ui_test_append_labels  (GtkWidget      *widget,
                                                      GString        *out);
GtkWidget           *bulletin_ui_test_row_widget_at  (BulletinWindow *window,
                                                      guint           position);
char                *bulletin_ui_test_row_text       (BulletinWindow *window,
                                                      guint           position);
guint                bulletin_ui_test_n_rows         (BulletinWindow *window);
int                  bulletin_ui_test_find_row       (BulletinWindow *window,
                                                      const char     *needle);
/* the sidebar model's item at @position: an issue or an article */
gpointer             bulletin_ui_test_dup_row_item   (BulletinWindow *window,
                                                      guint           position);
/* activates the row at @position, as a click or Enter does */
void                 bulletin_ui_test_activate_row   (BulletinWindow *window,
                                                      guint           position);

/* Writes @contents to @dir/@name, failing the test when it cannot. */
void                 bulletin_ui_test_write_file     (const char     *dir,
                                                      const char     *name,
                                                      const char     *contents);

/* The primary menu button (F10) under @widget: other parts add menu
 * buttons of their own. */
GtkWidget           *bulletin_ui_test_find_primary_menu_button (GtkWidget *widget);

/* The mapped button labelled @label under @widget (a toast's), or NULL. */
GtkWidget           *bulletin_ui_test_find_button    (GtkWidget  *widget,
                                                      const char *label);

/* Waits until @widget is mapped and has a size, then for @n frames of its
 * toplevel painted one after the other, at least 20 ms apart (time for
 * idle work: a text view's layout, an image loading).  Under load the
 * frames come later, and so does the end of the wait. */
void                 bulletin_ui_test_wait_frames     (GtkWidget *widget,
                                                       guint      n);

/* What @widget shows, once it has really been drawn: waits until it is
 * mapped and has a size, then for a frame its toplevel paints from now on
 * (the frame clock's ::after-paint), and takes its render node; one still
 * empty (under load the first frames may come before it is laid out and
 * drawn) is taken again at the next frame.  Never NULL: the test fails
 * after BULLETIN_UI_TEST_TIMEOUT_US.  The texture is @widget's size, in
 * its native's renderer. */
GskRenderNode       *bulletin_ui_test_snapshot_widget (GtkWidget *widget);
GdkTexture          *bulletin_ui_test_render_widget   (GtkWidget *widget);

/* Saves what @widget shows as @name in $BULLETIN_ARTIFACTS_DIR, when it
 * is set (for a person to look at), drawn as
 * bulletin_ui_test_render_widget () draws it; nothing when @widget is not
 * mapped. */
void                 bulletin_ui_test_save_screenshot (GtkWidget  *widget,
                                                       const char *name);

/* Resizes @window to @width × @height as a person (through the window
 * manager) would, once it has a size: GTK 4 has no call for it, a default
 * size only applies before it maps.  FALSE where the display is not X11
 * (only there can it be done). */
gboolean             bulletin_ui_test_resize_window   (GtkWindow *window,
                                                       int        width,
                                                       int        height);

/* The shortcut bound to @keyval with @mods on a controller of @widget or
 * one of its ancestors (a widget class's key bindings included),
 * activated as a key press would.  FALSE when none is bound or it did not
 * activate. */
gboolean             bulletin_ui_test_press_key_in    (GtkWidget       *widget,
                                                       guint            keyval,
                                                       GdkModifierType  mods);

G_END_DECLS
