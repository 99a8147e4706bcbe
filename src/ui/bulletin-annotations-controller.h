/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-annotations.h"
#include "bulletin-window.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_ANNOTATIONS_CONTROLLER (bulletin_annotations_controller_get_type ())

G_DECLARE_FINAL_TYPE (BulletinAnnotationsController, bulletin_annotations_controller,
                      BULLETIN, ANNOTATIONS_CONTROLLER, GObject)

/*
 * Bookmarks, notes and the reading position in a window: the bookmark
 * button and Ctrl+D, Bookmarks and Notes pages beside the list of issues,
 * notes on a selection (context menu, Ctrl+M) shown as highlights that open
 * the note when clicked, notes on the article, Markdown export, Copy
 * Citation, and reopening where the reader left off.  Each window has its
 * own store on the shared file; they merge through it.
 *
 * Window actions: win.toggle-bookmark (stateful), win.add-note,
 * win.add-article-note, win.copy-citation, win.export-notes, win.undo
 * (the last deletion or edit of a bookmark or note, as long as the window
 * is open).  In the note editor: note.save (Ctrl+Enter), note.cancel
 * (Escape, asking first when the text changed).
 */
BulletinAnnotationsController *bulletin_annotations_controller_attach      (BulletinWindow                *window);
BulletinAnnotationsController *bulletin_annotations_controller_get_for_window (BulletinWindow           *window);
BulletinAnnotations           *bulletin_annotations_controller_get_store   (BulletinAnnotationsController *self);
GtkWidget                     *bulletin_annotations_controller_get_view    (BulletinAnnotationsController *self,
                                                                            gboolean                       notes);
GtkStack                      *bulletin_annotations_controller_get_sidebar_stack (BulletinAnnotationsController *self);
GtkPopover                    *bulletin_annotations_controller_get_editor  (BulletinAnnotationsController *self);
GtkTextView                   *bulletin_annotations_controller_get_editor_text (BulletinAnnotationsController *self);
void                           bulletin_annotations_controller_save_editor (BulletinAnnotationsController *self);
void                           bulletin_annotations_controller_edit_note   (BulletinAnnotationsController *self,
                                                                            BulletinNote                  *note);
void                           bulletin_annotations_controller_save_position (BulletinAnnotationsController *self);
void                           bulletin_annotations_controller_restore_position (BulletinAnnotationsController *self);
GtkWidget                     *bulletin_annotations_controller_get_unsaved_dialog (BulletinAnnotationsController *self);
void                           bulletin_annotations_controller_archive_opened (BulletinAnnotationsController *self);
gboolean                       bulletin_annotations_controller_is_opening  (BulletinAnnotationsController *self);
GObject                       *bulletin_annotations_controller_get_dialog  (BulletinAnnotationsController *self);

/* Back Up… and Import… (restore) with the file already chosen: the
 * bookmarks, notes and corrections (bulletin_corrections_backup ()); a
 * message says what was saved or restored */
void bulletin_annotations_controller_back_up_to   (BulletinAnnotationsController *self,
                                                   GFile                         *file);
void bulletin_annotations_controller_restore_from (BulletinAnnotationsController *self,
                                                   GFile                         *file);

G_END_DECLS
