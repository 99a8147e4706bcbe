/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The window's own header, for the files of the window class:
 * bulletin-window.c (widgets, opening, panes, the sidebar column),
 * bulletin-window-search.c, bulletin-window-print.c,
 * bulletin-window-corrections.c and the annotations controller.
 * They share the instance struct rather than public getters.
 */

#include "bulletin-annotations-controller.h"
#include "bulletin-annotations-view.h"
#include "bulletin-archive-search.h"
#include "bulletin-search-bar.h"
#include "bulletin-window.h"

G_BEGIN_DECLS

struct _BulletinWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *sidebar_button;
  GtkWidget            *open_button;
  GtkMenuButton        *menu_button;
  GtkWidget            *scan_box;
  GtkSpinner           *scan_spinner;
  GtkWidget            *bookmark_button;
  GtkWidget            *search_button;
  GtkMenuButton        *reading_button;
  GtkWidget            *body;
  GtkWidget            *sidebar_column;
  GtkWidget            *split;          /* AdwFlap, or AdwOverlaySplitView */
  GtkStack             *sidebar_stack;  /* Issues, Bookmarks, Notes */
  GtkWidget            *issues_button;
  GtkWidget            *bookmarks_button;
  GtkWidget            *notes_button;
  BulletinSidebar      *sidebar;
  GtkWidget            *bookmarks_view;
  GtkWidget            *notes_view;
  GtkBox               *reader_area;
  GtkStack             *content_stack;
  AdwStatusPage        *status_page;
  GtkSpinner           *status_spinner;
  GtkWidget            *status_buttons;
  BulletinReaderView   *reader;

  GSettings            *settings;
  GMenu                *recent_menu;
  GMenu                *open_section;  /* of the primary menu, built once */
  BulletinLibrary      *library;
  GCancellable         *cancellable;
  GError               *open_error;
  BulletinIssue        *unreadable;     /* the unreadable file selected, if any */
  GPtrArray            *extra_panes;

  /* the issue the reader's article came from, to notice when the archive
   * reads its file again (changed, emptied, removed) */
  BulletinIssue        *shown_issue;
  char                 *shown_issue_name;
  char                 *shown_article_id;
  guint                 shown_article_index;
  GCancellable         *reload_cancellable;
  guint                 folded_idle_id;
  GListModel           *children;       /* to find GTK's tooltip */
  guint                 recent_generation;
  guint                 focus_tick_id;
  guint                 reveal_tick_id;  /* AdwFlap: a reveal waits for its first layout */
  gboolean              pending_reveal;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;
#endif

  /* bookmarks, notes and the reading position:
   * bulletin-annotations-controller.c */
  BulletinAnnotationsController *annotations;

  /* bulletin-window-navigation.c: Go to Date */
  struct _BulletinWindowNavigation *navigation;

  /* bulletin-window-search.c */
  BulletinSearchBar    *search_bar;     /* over the reader */
  BulletinArchiveSearch *archive_search; /* a page of the sidebar */

  /* bulletin-window-print.c: the strings of the last print options */
  char                 *print_family;
  char                 *print_paper_name;
  char                 *print_issue_date;
  char                 *print_issue_number;
  char                 *print_archive_name;
  GStrv                 print_notes;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *export_chooser;
  gboolean              export_image;
#endif
};

/* The window's actions are one table (win_actions in bulletin-window.c);
 * the handlers of the other files of the window take the window. */
#define BULLETIN_WINDOW_ACTION(name) \
  void name (GSimpleAction *action, GVariant *parameter, gpointer user_data)

/* bulletin-window-search.c */
BULLETIN_WINDOW_ACTION (_bulletin_window_find);
BULLETIN_WINDOW_ACTION (_bulletin_window_find_next);
BULLETIN_WINDOW_ACTION (_bulletin_window_find_previous);
BULLETIN_WINDOW_ACTION (_bulletin_window_search_archive);
/* bulletin-window-print.c */
BULLETIN_WINDOW_ACTION (_bulletin_window_print);
BULLETIN_WINDOW_ACTION (_bulletin_window_print_preview);
BULLETIN_WINDOW_ACTION (_bulletin_window_export_pdf);
BULLETIN_WINDOW_ACTION (_bulletin_window_export_image);
/* bulletin-window-corrections.c */
BULLETIN_WINDOW_ACTION (_bulletin_window_correct);
BULLETIN_WINDOW_ACTION (_bulletin_window_reset_corrections);
BULLETIN_WINDOW_ACTION (_bulletin_window_reopen_with_encoding);
BULLETIN_WINDOW_ACTION (_bulletin_window_choose_encoding);
/* bulletin-window-navigation.c */
BULLETIN_WINDOW_ACTION (_bulletin_window_go_to_date);
BULLETIN_WINDOW_ACTION (_bulletin_window_open_containing_folder);
/* bulletin-annotations-controller.c */
BULLETIN_WINDOW_ACTION (_bulletin_window_toggle_bookmark);
BULLETIN_WINDOW_ACTION (_bulletin_window_add_note);
BULLETIN_WINDOW_ACTION (_bulletin_window_copy_citation);
BULLETIN_WINDOW_ACTION (_bulletin_window_notes_file);
BULLETIN_WINDOW_ACTION (_bulletin_window_undo);

void _bulletin_window_search_init       (BulletinWindow *self);
void _bulletin_window_search_dispose    (BulletinWindow *self);
void _bulletin_window_navigation_init   (BulletinWindow *self);
void _bulletin_window_navigation_dispose (BulletinWindow *self);
void _bulletin_window_print_init        (BulletinWindow *self);
void _bulletin_window_print_dispose     (BulletinWindow *self);
void _bulletin_window_corrections_init  (BulletinWindow *self);

G_END_DECLS
