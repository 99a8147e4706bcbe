/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bulletin-annotations.h"

/*
 * A second process for tests/test-annotations.c, writing to the store in
 * $XDG_DATA_HOME (or the folder given last):
 *
 *   annotations-writer add-delete N TAG [DIR]
 *       adds N notes, and after every fifth deletes one of its own earlier
 *       ones; then prints "live UUID" / "deleted UUID" for each
 *   annotations-writer crash [DIR]
 *       adds notes until killed, printing "saved UUID" once each is saved
 *   annotations-writer crash-in-thread [DIR]
 *       the same, writing in a thread as the window does
 *   annotations-writer read-only DIR OUT
 *       in a folder it cannot write (run as another user): bookmarks, says
 *       what it sees, exports everything to OUT
 */

static BulletinNote *
make_note (const char *tag,
           guint       i)
{
  g_autofree char *article = g_strdup_printf ("urn:test:article:%s:%u", tag, i % 7);
  g_autofree char *text = g_strdup_printf ("note %u of %s\nsecond line\twith a tab [x]=y", i, tag);
  BulletinNote *note = bulletin_note_new (article);

  bulletin_note_set_text (note, text);
  bulletin_note_set_range (note, i, i + 4, "引文测试", "前文", "后文");
  return note;
}

static int
add_delete (guint       n,
            const char *tag,
            const char *dir)
{
  g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
  g_autoptr(GPtrArray) live = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new ();

  bulletin_annotations_set_monitored (store, FALSE);
  if (!bulletin_annotations_load (store, &error))
    {
      g_printerr ("load: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinNote) note = make_note (tag, i);

      if (!bulletin_annotations_add_note (store, note, &error))
        {
          g_printerr ("add: %s\n", error->message);
          return 1;
        }
      g_ptr_array_add (live, g_strdup (bulletin_note_get_uuid (note)));

      if (i % 5 == 4)
        {
          guint victim = g_rand_int_range (rand, 0, live->len);
          char *uuid = g_ptr_array_steal_index (live, victim);

          if (!bulletin_annotations_remove_note (store, uuid, &error))
            {
              g_printerr ("remove %s: %s\n", uuid, error->message);
              return 1;
            }
          g_ptr_array_add (deleted, uuid);
        }
    }

  for (guint i = 0; i < live->len; i++)
    printf ("live %s\n", (char *) g_ptr_array_index (live, i));
  for (guint i = 0; i < deleted->len; i++)
    printf ("deleted %s\n", (char *) g_ptr_array_index (deleted, i));
  g_rand_free (rand);
  return 0;
}

static int
crash (const char *dir,
       gboolean    in_thread)
{
  g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
  g_autoptr(GError) error = NULL;

  bulletin_annotations_set_monitored (store, FALSE);
  /* as the window writes: in a thread, "saved" once it has written */
  bulletin_annotations_set_async_writes (store, in_thread);
  if (!bulletin_annotations_load (store, &error))
    {
      g_printerr ("load: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; ; i++)
    {
      g_autoptr(BulletinNote) note = make_note ("crash", i);

      if (!bulletin_annotations_add_note (store, note, &error))
        {
          g_printerr ("add: %s\n", error->message);
          return 1;
        }
      while (bulletin_annotations_is_writing (store))
        g_main_context_iteration (NULL, TRUE);
      if (bulletin_annotations_has_unsaved (store))
        {
          g_printerr ("add: %s\n", bulletin_annotations_get_save_error (store));
          return 1;
        }
      printf ("saved %s\n", bulletin_note_get_uuid (note));
      fflush (stdout);
      g_usleep (200);
    }
  return 0;
}

/* In a folder this process cannot write: a bookmark is kept in memory,
 * marked unsaved, and can be exported to @out. */
static int
read_only (const char *dir,
           const char *out)
{
  g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
  g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:test:read-only");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (out);
  gboolean added;

  bulletin_annotations_set_monitored (store, FALSE);
  if (!bulletin_annotations_load (store, &error))
    {
      g_printerr ("load: %s\n", error->message);
      return 1;
    }
  printf ("loaded %u\n", g_list_model_get_n_items (bulletin_annotations_get_notes (store)));
  added = bulletin_annotations_add_bookmark (store, bookmark, &error);
  printf ("added %d\n", added);
  printf ("present %d\n", bulletin_annotations_lookup_bookmark (store, "urn:test:read-only") != NULL);
  printf ("unsaved %d\n", bulletin_annotations_has_unsaved (store));
  printf ("bookmark-saved %d\n", bulletin_annotations_is_bookmark_saved (store, "urn:test:read-only"));
  printf ("retry %d\n", bulletin_annotations_save_now (store, NULL));
  g_clear_error (&error);
  if (!bulletin_annotations_backup (store, file, &error))
    {
      g_printerr ("export: %s\n", error->message);
      return 1;
    }
  printf ("exported\n");
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc >= 4 && g_str_equal (argv[1], "add-delete"))
    return add_delete (atoi (argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
  if (argc >= 4 && g_str_equal (argv[1], "read-only"))
    return read_only (argv[2], argv[3]);
  if (argc >= 2 && g_str_equal (argv[1], "crash"))
    return crash (argc > 2 ? argv[2] : NULL, FALSE);
  if (argc >= 2 && g_str_equal (argv[1], "crash-in-thread"))
    return crash (argc > 2 ? argv[2] : NULL, TRUE);

  g_printerr ("usage: %s add-delete N TAG [DIR] | crash [DIR] | crash-in-thread [DIR] | read-only DIR OUT\n", argv[0]);
  return 2;
}
