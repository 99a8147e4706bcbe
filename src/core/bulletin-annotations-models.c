/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bulletin-annotations-private.h"

/* ---------------------------------------------------------------------- */
/* the list models */

static gint
compare_bookmarks_newest_first (gconstpointer a,
                                gconstpointer b)
{
  return -bulletin_annotations_compare_bookmarks (a, b);
}

static gint
compare_notes_newest_first (gconstpointer a,
                            gconstpointer b)
{
  return -bulletin_annotations_compare_notes (a, b);
}

typedef gint64 (*GetModified) (gpointer item);

#define LISTED_MODIFIED_KEY "bulletin-annotations-listed-modified"

/* An item changed in place (a note's new text: the store keeps one object
 * per note and gives it the new values) is still the same object in the
 * same place, so the splice below does not see it.  Each item remembers
 * the time it was last listed at; one listed at an older time is put in
 * its place again, so that the rows showing it are bound anew. */
static void
sync_changed_items (GListStore  *store,
                    GetModified  get_modified)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);
      gint64 modified = get_modified (item);
      gint64 *listed = g_object_get_data (item, LISTED_MODIFIED_KEY);

      if (listed == NULL)
        {
          listed = g_new (gint64, 1);
          *listed = modified;
          g_object_set_data_full (item, LISTED_MODIFIED_KEY, listed, g_free);
        }
      else if (*listed != modified)
        {
          *listed = modified;
          g_list_store_splice (store, i, 1, (gpointer *)&item, 1);
        }
    }
}

static void
sync_model (GListStore   *store,
            GHashTable   *table,
            GCompareFunc  compare,
            GetModified   get_modified)
{
  g_autoptr(GPtrArray) items = bulletin_annotations_sorted_values (table, compare);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint first = 0, last_old = n, last_new = items->len;

  /* only the run between the common head and the common tail changes */
  while (first < n && first < items->len)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), first);

      if (item != g_ptr_array_index (items, first))
        break;
      first++;
    }
  while (last_old > first && last_new > first)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), last_old - 1);

      if (item != g_ptr_array_index (items, last_new - 1))
        break;
      last_old--;
      last_new--;
    }
  if (first != last_old || first != last_new)
    g_list_store_splice (store, first, last_old - first,
                         items->pdata + first, last_new - first);
  sync_changed_items (store, get_modified);
}

void
bulletin_annotations_sync_models (BulletinAnnotations *self)
{
  sync_model (self->bookmark_model, self->state.bookmarks, compare_bookmarks_newest_first,
              (GetModified)bulletin_bookmark_get_modified);
  sync_model (self->note_model, self->state.notes, compare_notes_newest_first,
              (GetModified)bulletin_note_get_modified);
}

/* The models are sorted newest first and a record's place is unique (its
 * time, then its id): one record is found by binary search and inserted
 * where it belongs, without sorting or scanning many records. */
int
bulletin_annotations_compare_items_newest_first (gconstpointer a,
                                                 gconstpointer b,
                                                 gpointer      user_data)
{
  GCompareFunc compare = user_data;

  return -compare (&a, &b);
}

static void
model_forget (GListStore   *store,
              gpointer      item,
              GCompareFunc  compare)
{
  guint lo = 0, hi = g_list_model_get_n_items (G_LIST_MODEL (store));

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(GObject) probe = g_list_model_get_item (G_LIST_MODEL (store), mid);
      int cmp;

      if (probe == item)
        {
          g_list_store_remove (store, mid);
          return;
        }
      cmp = bulletin_annotations_compare_items_newest_first (item, probe, compare);
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  /* not where its time says (it changed): look everywhere */
  if (g_list_store_find (store, item, &lo))
    g_list_store_remove (store, lo);
}

void
bulletin_annotations_forget_note (BulletinAnnotations *self,
                                  BulletinNote        *note)
{
  if (note != NULL)
    model_forget (self->note_model, note, bulletin_annotations_compare_notes);
}

void
bulletin_annotations_forget_bookmark (BulletinAnnotations *self,
                                      BulletinBookmark    *bookmark)
{
  if (bookmark != NULL)
    model_forget (self->bookmark_model, bookmark, bulletin_annotations_compare_bookmarks);
}
