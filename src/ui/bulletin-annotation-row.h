/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bulletin-annotations.h"

G_BEGIN_DECLS

#define BULLETIN_TYPE_ANNOTATION_ROW (bulletin_annotation_row_get_type ())

G_DECLARE_FINAL_TYPE (BulletinAnnotationRow, bulletin_annotation_row, BULLETIN, ANNOTATION_ROW, GtkWidget)

/*
 * A row of the Bookmarks or Notes page: the headline (or the quoted
 * passage), the note's text, where and when it was made, "Not saved"
 * while the store could not write it, and a button that emits "remove".
 */
GtkWidget  *bulletin_annotation_row_new      (void);
void        bulletin_annotation_row_bind     (BulletinAnnotationRow *self,
                                              BulletinAnnotations   *store,
                                              GObject               *item,
                                              const char            *current_archive);
void        bulletin_annotation_row_unbind   (BulletinAnnotationRow *self);
GObject    *bulletin_annotation_row_get_item (BulletinAnnotationRow *self);
const char *bulletin_annotation_row_get_text (BulletinAnnotationRow *self);

G_END_DECLS
