/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-annotations-private.h"

/*
 * The list models: bookmarks and notes, newest first.  A record's place
 * is unique (its time, then its id), so that one record is found by binary
 * search and put where it belongs, without sorting or scanning many: every
 * change after the load comes one record at a time (forget before it
 * changes or goes, show after it came or changed).  A load fills them from
 * arrays sorted in its thread, a slice per main loop iteration, so that
 * the window never waits for a hundred thousand rows.
 */

/* how long one slice of a fill may take */
#define FILL_SLICE_US 2000
#define FILL_CHUNK 512

/* the key a record is sorted by, taken out once for a large sort */
typedef struct {
  gint64      time;
  const char *id;
  gpointer    item;
} SortKey;

static int
compare_keys_newest_first (gconstpointer a,
                           gconstpointer b)
{
  const SortKey *ka = a, *kb = b;

  if (ka->time != kb->time)
    return ka->time > kb->time ? -1 : 1;
  return -strcmp (ka->id, kb->id);
}

/* frees an element of a sorted array: NULL once the models took it */
void
bulletin_annotations_unref_item (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

/* The notes (@notes) or bookmarks of @table, newest first, as the models
 * list them (references).  Runs in a thread too: @lock (or NULL) is held
 * while the table is looked at, not while sorting (a record's time is
 * copied, and its id, the key, never changes). */
GPtrArray *
bulletin_annotations_sort_newest_first (GHashTable *table,
                                        gboolean    notes,
                                        GMutex     *lock)
{
  g_autofree SortKey *keys = NULL;
  GPtrArray *array;
  GHashTableIter iter;
  gpointer value;
  guint n, i = 0;

  if (lock != NULL)
    g_mutex_lock (lock);
  n = g_hash_table_size (table);
  keys = g_new (SortKey, MAX (n, 1));
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      keys[i].item = g_object_ref (value);
      keys[i].time = notes ? bulletin_note_get_created (value) : bulletin_bookmark_get_added (value);
      keys[i].id = notes ? bulletin_note_get_uuid (value) : bulletin_bookmark_get_article_id (value);
      i++;
    }
  if (lock != NULL)
    g_mutex_unlock (lock);
  qsort (keys, n, sizeof *keys, compare_keys_newest_first);
  array = g_ptr_array_new_full (n, bulletin_annotations_unref_item);
  for (i = 0; i < n; i++)
    g_ptr_array_add (array, keys[i].item);
  return array;
}

/* ---------------------------------------------------------------------- */
/* filling after a load */

static gboolean
fill_store (GListStore *store,
            GPtrArray  *items,
            guint      *done,
            gint64      until)
{
  while (*done < items->len)
    {
      guint n = MIN (FILL_CHUNK, items->len - *done);

      g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0,
                           items->pdata + *done, n);
      /* the store holds them now: let go a slice at a time, not a
       * hundred thousand at the end */
      for (guint i = *done; i < *done + n; i++)
        g_clear_object (&items->pdata[i]);
      *done += n;
      if (until > 0 && g_get_monotonic_time () >= until)
        break;
    }
  return *done == items->len;
}

static gboolean
return_task (gpointer data)
{
  g_autoptr(GTask) task = data;

  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
fill_finish (BulletinAnnotations *self)
{
  GTask *task = g_steal_pointer (&self->fill_task);

  g_clear_handle_id (&self->fill_source, g_source_remove);
  g_clear_pointer (&self->fill_notes, g_ptr_array_unref);
  g_clear_pointer (&self->fill_bookmarks, g_ptr_array_unref);
  /* from the main loop: a flush comes in the middle of a change, which
   * the caller's callback must not see half done */
  if (task != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, return_task, task, NULL);
}

static gboolean
fill_cb (gpointer user_data)
{
  BulletinAnnotations *self = user_data;
  gint64 until = g_get_monotonic_time () + FILL_SLICE_US;

  /* bookmarks first: there are fewer */
  if (fill_store (self->bookmark_model, self->fill_bookmarks, &self->fill_bookmarks_done, until) &&
      fill_store (self->note_model, self->fill_notes, &self->fill_notes_done, until))
    {
      self->fill_source = 0;
      fill_finish (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/**
 * bulletin_annotations_models_fill:
 * @notes: (transfer full): every note, newest first
 * @bookmarks: (transfer full): every bookmark, newest first
 * @task: (transfer full) (nullable): returned when the models are full
 *
 * Makes the models list @notes and @bookmarks, a slice at a time.
 */
void
bulletin_annotations_models_fill (BulletinAnnotations *self,
                                  GPtrArray           *notes,
                                  GPtrArray           *bookmarks,
                                  GTask               *task)
{
  bulletin_annotations_models_flush (self);
  g_list_store_remove_all (self->note_model);
  g_list_store_remove_all (self->bookmark_model);
  self->fill_notes = notes;
  self->fill_bookmarks = bookmarks;
  self->fill_notes_done = self->fill_bookmarks_done = 0;
  self->fill_task = task;
  self->fill_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, fill_cb, self, NULL);
}

/* Completes a fill at once: before the models change otherwise. */
void
bulletin_annotations_models_flush (BulletinAnnotations *self)
{
  if (self->fill_notes == NULL)
    return;
  fill_store (self->bookmark_model, self->fill_bookmarks, &self->fill_bookmarks_done, 0);
  fill_store (self->note_model, self->fill_notes, &self->fill_notes_done, 0);
  fill_finish (self);
}

gboolean
bulletin_annotations_models_filling (BulletinAnnotations *self)
{
  return self->fill_notes != NULL;
}

/* The models as the state is, at once (after a synchronous load) */
void
bulletin_annotations_sync_models (BulletinAnnotations *self)
{
  GPtrArray *notes = bulletin_annotations_sort_newest_first (self->state.notes, TRUE, NULL);
  GPtrArray *bookmarks = bulletin_annotations_sort_newest_first (self->state.bookmarks, FALSE, NULL);

  /* models_fill () empties the models first */
  bulletin_annotations_models_fill (self, notes, bookmarks, NULL);
  bulletin_annotations_models_flush (self);
}

/* ---------------------------------------------------------------------- */
/* one record at a time */

static int
compare_items_newest_first (gconstpointer a,
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
      cmp = compare_items_newest_first (item, probe, compare);
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  /* not where its time says (it changed): look everywhere */
  if (g_list_store_find (store, item, &lo))
    g_list_store_remove (store, lo);
}

/* A note or bookmark leaves the models: before it changes or goes. */
void
bulletin_annotations_models_forget (BulletinAnnotations *self,
                                    gpointer             item)
{
  if (item == NULL)
    return;
  bulletin_annotations_models_flush (self);
  if (BULLETIN_IS_NOTE (item))
    model_forget (self->note_model, item, bulletin_annotations_compare_notes);
  else
    model_forget (self->bookmark_model, item, bulletin_annotations_compare_bookmarks);
}

/* A note or bookmark comes to the models: after it came or changed. */
void
bulletin_annotations_models_show (BulletinAnnotations *self,
                                  gpointer             item)
{
  bulletin_annotations_models_flush (self);
  if (BULLETIN_IS_NOTE (item))
    g_list_store_insert_sorted (self->note_model, item, compare_items_newest_first,
                                bulletin_annotations_compare_notes);
  else
    g_list_store_insert_sorted (self->bookmark_model, item, compare_items_newest_first,
                                bulletin_annotations_compare_bookmarks);
}

static void
hook_forget (gpointer data,
             gpointer item)
{
  bulletin_annotations_models_forget (data, item);
}

static void
hook_show (gpointer data,
           gpointer item)
{
  bulletin_annotations_models_show (data, item);
}

/* Hooks for bulletin_annotations_state_merge_full () that keep the models
 * as the state is. */
void
bulletin_annotations_models_hooks (BulletinAnnotations *self,
                                   MergeHooks          *hooks)
{
  hooks->forget = hook_forget;
  hooks->show = hook_show;
  hooks->data = self;
}

/* Merges @from into the store's state, the models changing with it a row
 * at a time; whether anything changed. */
gboolean
bulletin_annotations_merge_shown (BulletinAnnotations *self,
                                  State               *from)
{
  MergeHooks hooks;

  bulletin_annotations_models_hooks (self, &hooks);
  return bulletin_annotations_state_merge_full (&self->state, from, FALSE, &hooks);
}
