/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bulletin-annotations.h"

G_BEGIN_DECLS

typedef enum {
  BULLETIN_ANNOTATIONS_VIEW_BOOKMARKS,
  BULLETIN_ANNOTATIONS_VIEW_NOTES,
} BulletinAnnotationsViewKind;

#define BULLETIN_TYPE_ANNOTATIONS_VIEW_KIND (bulletin_annotations_view_kind_get_type ())

GType bulletin_annotations_view_kind_get_type (void) G_GNUC_CONST;

#define BULLETIN_TYPE_ANNOTATIONS_VIEW (bulletin_annotations_view_get_type ())

G_DECLARE_FINAL_TYPE (BulletinAnnotationsView, bulletin_annotations_view, BULLETIN, ANNOTATIONS_VIEW, GtkBox)

/*
 * A sidebar page listing bookmarks or notes, newest first.  Activating a
 * row emits "open" with the bookmark or note; its remove button emits
 * "remove".  The owner does the work (and offers Undo).  In a .ui:
 * the "kind" property, then bulletin_annotations_view_set_store ().
 */
GtkWidget          *bulletin_annotations_view_new        (BulletinAnnotations         *store,
                                                          BulletinAnnotationsViewKind  kind);
void                bulletin_annotations_view_set_store  (BulletinAnnotationsView     *self,
                                                          BulletinAnnotations         *store);
GtkListView        *bulletin_annotations_view_get_list   (BulletinAnnotationsView     *self);
GListModel         *bulletin_annotations_view_get_model  (BulletinAnnotationsView     *self);
void                bulletin_annotations_view_activate   (BulletinAnnotationsView     *self,
                                                          guint                        position);
/* rows made in another archive than @uri (NULL: none open) say which */
void                bulletin_annotations_view_set_current_archive (BulletinAnnotationsView *self,
                                                          const char                  *uri);

G_END_DECLS
