/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <utime.h>
#include <unistd.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bulletin-annotations.h"
#include "bulletin-text-import.h"
#include "bulletin-test-utils.h"

/* Every test has a data folder of its own under one temporary folder
 * (not G_TEST_OPTION_ISOLATE_DIRS, whose resetting of GLib's user folders
 * leaks, which the sanitizer builds report); the writer processes find it
 * as their XDG_DATA_HOME, where the store's default folder is. */

static char *base_dir;

static char *writer_path (void);

/* The current test's stand-in for XDG_DATA_HOME */
static char *
test_home (void)
{
  g_autofree char *name = g_strdup (g_test_get_path ());
  char *home;

  g_strdelimit (name, "/", '_');
  home = g_build_filename (base_dir, name, NULL);
  g_mkdir_with_parents (home, 0700);
  return home;
}

static char *
store_dir (void)
{
  g_autofree char *home = test_home ();

  return g_build_filename (home, "bulletin-reader", NULL);
}

static BulletinAnnotations *
new_store (void)
{
  g_autofree char *dir = store_dir ();

  return bulletin_annotations_new (dir);
}

static BulletinAnnotations *
open_store (void)
{
  BulletinAnnotations *store = new_store ();
  g_autoptr(GError) error = NULL;

  bulletin_annotations_set_monitored (store, FALSE);
  g_assert_true (bulletin_annotations_load (store, &error));
  g_assert_no_error (error);
  return store;
}

static void
count_problem (BulletinAnnotations *store,
               const char          *message,
               gpointer             user_data)
{
  GPtrArray *problems = user_data;

  g_ptr_array_add (problems, g_strdup (message));
}

/* ---------------------------------------------------------------------- */

static const char *awkward_texts[] = {
  "plain",
  "two\nlines\n\nand a blank one",
  "\ttab first, tab\tinside, tab last\t",
  "  leading and trailing spaces  ",
  "[group] like = and ]] and [[",
  "key=value=more",
  "non-BMP: 𠀀𠮷𪚥 and 😀, CJK 字 and 。，",
  "backslashes \\ \\n \\t \\s \\\\ literal",
  "carriage\r\nreturn",
  "# not a comment\n; nor this",
  "\n",
  "",
};

static void
test_round_trip (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) again = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *article_id = "urn:x:[odd]=id\twith\nnewline 𠮷";

  for (guint i = 0; i < G_N_ELEMENTS (awkward_texts); i++)
    {
      g_autoptr(BulletinNote) note = bulletin_note_new (article_id);

      bulletin_note_set_text (note, awkward_texts[i]);
      bulletin_note_set_headline (note, awkward_texts[(i + 1) % G_N_ELEMENTS (awkward_texts)]);
      bulletin_note_set_issue (note, "issue [1]", awkward_texts[(i + 2) % G_N_ELEMENTS (awkward_texts)],
                               "2022-04-05");
      if (i % 3 != 0)
        bulletin_note_set_range (note, 10 + i, 20 + i,
                                 awkward_texts[(i + 3) % G_N_ELEMENTS (awkward_texts)],
                                 awkward_texts[(i + 4) % G_N_ELEMENTS (awkward_texts)],
                                 awkward_texts[(i + 5) % G_N_ELEMENTS (awkward_texts)]);
      g_assert_true (bulletin_annotations_add_note (store, note, &error));
      g_assert_no_error (error);
      g_ptr_array_add (uuids, g_strdup (bulletin_note_get_uuid (note)));
    }

  {
    g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new (article_id);

    bulletin_bookmark_set_headline (bookmark, "标题 [with] = and\ttab\nand line 😀");
    bulletin_bookmark_set_issue (bookmark, "issue-7", "徐汇报 第7期", "2022-04-05");
    g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, &error));
    g_assert_no_error (error);
  }
  g_assert_true (bulletin_annotations_set_position (store, "file:///arch/[a]", "issue [9]", article_id, 1234, &error));
  g_assert_no_error (error);

  again = open_store ();
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (again)), ==,
                    G_N_ELEMENTS (awkward_texts));
  for (guint i = 0; i < uuids->len; i++)
    {
      BulletinNote *a = bulletin_annotations_lookup_note (store, g_ptr_array_index (uuids, i));
      BulletinNote *b = bulletin_annotations_lookup_note (again, g_ptr_array_index (uuids, i));

      g_assert_nonnull (b);
      g_assert_cmpstr (bulletin_note_get_uuid (b), ==, bulletin_note_get_uuid (a));
      g_assert_cmpstr (bulletin_note_get_article_id (b), ==, article_id);
      g_assert_cmpstr (bulletin_note_get_text (b), ==, awkward_texts[i]);
      g_assert_cmpstr (bulletin_note_get_text (b), ==, bulletin_note_get_text (a));
      g_assert_cmpstr (bulletin_note_get_headline (b), ==, bulletin_note_get_headline (a));
      g_assert_cmpstr (bulletin_note_get_issue_id (b), ==, "issue [1]");
      g_assert_cmpstr (bulletin_note_get_issue_title (b), ==, bulletin_note_get_issue_title (a));
      g_assert_cmpstr (bulletin_note_get_issue_date (b), ==, "2022-04-05");
      g_assert_cmpint (bulletin_note_has_range (b), ==, bulletin_note_has_range (a));
      g_assert_cmpuint (bulletin_note_get_start (b), ==, bulletin_note_get_start (a));
      g_assert_cmpuint (bulletin_note_get_end (b), ==, bulletin_note_get_end (a));
      g_assert_cmpstr (bulletin_note_get_quote (b), ==, bulletin_note_get_quote (a));
      g_assert_cmpstr (bulletin_note_get_context_before (b), ==, bulletin_note_get_context_before (a));
      g_assert_cmpstr (bulletin_note_get_context_after (b), ==, bulletin_note_get_context_after (a));
      g_assert_cmpint (bulletin_note_get_created (b), ==, bulletin_note_get_created (a));
      g_assert_cmpint (bulletin_note_get_modified (b), ==, bulletin_note_get_modified (a));
    }

  {
    BulletinBookmark *a = bulletin_annotations_lookup_bookmark (store, article_id);
    BulletinBookmark *b = bulletin_annotations_lookup_bookmark (again, article_id);
    g_autofree char *archive = NULL;
    g_autofree char *article = NULL;
    g_autofree char *issue = NULL;
    guint offset = 0;

    g_assert_nonnull (b);
    g_assert_cmpstr (bulletin_bookmark_get_headline (b), ==, bulletin_bookmark_get_headline (a));
    g_assert_cmpstr (bulletin_bookmark_get_issue_id (b), ==, "issue-7");
    g_assert_cmpstr (bulletin_bookmark_get_issue_title (b), ==, "徐汇报 第7期");
    g_assert_cmpstr (bulletin_bookmark_get_issue_date (b), ==, "2022-04-05");
    g_assert_cmpint (bulletin_bookmark_get_added (b), ==, bulletin_bookmark_get_added (a));
    g_assert_cmpint (bulletin_bookmark_get_modified (b), ==, bulletin_bookmark_get_modified (a));

    g_assert_true (bulletin_annotations_get_last_position (again, &archive, &issue, &article, &offset));
    g_assert_cmpstr (archive, ==, "file:///arch/[a]");
    g_assert_cmpstr (issue, ==, "issue [9]");
    g_assert_cmpstr (article, ==, article_id);
    g_assert_cmpuint (offset, ==, 1234);
  }
}

static void
test_times (void)
{
  gint64 t = G_GINT64_CONSTANT (1669642200123456), back = 0;
  g_autofree char *s = bulletin_annotations_format_time (t);

  g_assert_cmpstr (s, ==, "2022-11-28T13:30:00.123456Z");
  g_assert_true (bulletin_annotations_parse_time (s, &back));
  g_assert_cmpint (back, ==, t);
  g_assert_false (bulletin_annotations_parse_time ("yesterday", &back));
}

static void
test_positions (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) again = NULL;
  g_autofree char *article = NULL;
  g_autofree char *archive = NULL;
  guint offset = 0;

  g_assert_false (bulletin_annotations_get_last_position (store, NULL, NULL, NULL, NULL));
  g_assert_true (bulletin_annotations_set_position (store, "file:///a", NULL, "art-1", 10, NULL));
  g_assert_true (bulletin_annotations_set_position (store, "file:///b", "i2", "art-2", 20, NULL));
  g_assert_true (bulletin_annotations_set_position (store, "file:///a", NULL, "art-3", 30, NULL));

  again = open_store ();
  g_assert_true (bulletin_annotations_get_position (again, "file:///b", NULL, &article, &offset));
  g_assert_cmpstr (article, ==, "art-2");
  g_assert_cmpuint (offset, ==, 20);
  g_clear_pointer (&article, g_free);
  g_assert_true (bulletin_annotations_get_last_position (again, &archive, NULL, &article, &offset));
  g_assert_cmpstr (archive, ==, "file:///a");
  g_assert_cmpstr (article, ==, "art-3");
  g_assert_cmpuint (offset, ==, 30);
}

static void
test_bookmarks (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) other = open_store ();
  g_autoptr(BulletinBookmark) a = bulletin_bookmark_new ("urn:a");
  g_autoptr(BulletinBookmark) b = bulletin_bookmark_new ("urn:b");
  g_autoptr(GError) error = NULL;
  GListModel *model = bulletin_annotations_get_bookmarks (store);

  g_assert_true (bulletin_annotations_add_bookmark (store, a, NULL));
  g_assert_true (bulletin_annotations_add_bookmark (store, b, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  {
    g_autoptr(BulletinBookmark) first = g_list_model_get_item (model, 0);
    /* newest first */
    g_assert_true (first == b);
  }

  g_assert_true (bulletin_annotations_reload (other, NULL));
  g_assert_nonnull (bulletin_annotations_lookup_bookmark (other, "urn:a"));

  /* removed, and a stale copy elsewhere does not bring it back */
  g_assert_true (bulletin_annotations_remove_bookmark (store, "urn:a", NULL));
  g_assert_null (bulletin_annotations_lookup_bookmark (store, "urn:a"));
  g_assert_false (bulletin_annotations_remove_bookmark (store, "urn:a", &error));
  g_assert_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (bulletin_annotations_set_position (other, "file:///x", NULL, "urn:b", 1, NULL));
  g_assert_null (bulletin_annotations_lookup_bookmark (other, "urn:a"));
  g_assert_true (bulletin_annotations_reload (store, NULL));
  g_assert_null (bulletin_annotations_lookup_bookmark (store, "urn:a"));

  /* undo: adding it again wins over the deletion */
  g_assert_true (bulletin_annotations_add_bookmark (store, a, NULL));
  g_assert_true (bulletin_annotations_reload (other, NULL));
  g_assert_nonnull (bulletin_annotations_lookup_bookmark (other, "urn:a"));
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_bookmarks (other)), ==, 2);
}

/* Bookmarks and notes remember the archive they were made in (location
 * and name, keys "archive" and "archive-name"); files written before those
 * keys existed still load, their records without an archive. */
static void
test_archive_of_origin (void)
{
  g_autofree char *dir = store_dir ();
  g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
  const char *old_file =
    "[Bulletin Reader]\n"
    "version=1\n"
    "\n"
    "[Bookmark 00000000000000000000000000000001]\n"
    "article=urn:old\n"
    "headline=旧书签\n"
    "added=2026-11-28T13:55:48.304151Z\n"
    "modified=2026-11-28T13:55:48.304170Z\n"
    "\n"
    "[Note 6f1d3c1e-0000-4000-8000-000000000001]\n"
    "article=urn:old\n"
    "text=旧笔记\n"
    "created=2026-11-28T13:55:48.276788Z\n"
    "modified=2026-11-28T13:55:48.276799Z\n";
  const char *uri = "file:///home/me/%E6%A1%A3%E6%A1%88%20%5B2023%5D";
  const char *name = " 档案 [2023] = #1";
  g_autoptr(BulletinAnnotations) store = NULL;
  g_autoptr(BulletinAnnotations) again = NULL;
  g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:new");
  g_autoptr(BulletinNote) note = bulletin_note_new ("urn:new");
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  BulletinBookmark *b;
  BulletinNote *n;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, old_file, -1, NULL));
  store = open_store ();

  /* old records: read, no archive */
  b = bulletin_annotations_lookup_bookmark (store, "urn:old");
  g_assert_nonnull (b);
  g_assert_null (bulletin_bookmark_get_archive_uri (b));
  g_assert_null (bulletin_bookmark_get_archive_name (b));
  n = bulletin_annotations_lookup_note (store, "6f1d3c1e-0000-4000-8000-000000000001");
  g_assert_nonnull (n);
  g_assert_cmpstr (bulletin_note_get_text (n), ==, "旧笔记");
  g_assert_null (bulletin_note_get_archive_uri (n));

  /* new records keep theirs */
  bulletin_bookmark_set_archive (bookmark, uri, name);
  bulletin_note_set_text (note, "新笔记");
  bulletin_note_set_archive (note, uri, name);
  g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, &error));
  g_assert_no_error (error);
  g_assert_true (bulletin_annotations_add_note (store, note, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "archive=file:///home/me/%E6%A1%A3%E6%A1%88%20%5B2023%5D\n"));
  /* a leading space escaped, the rest as it is */
  g_assert_nonnull (strstr (written, "archive-name=\\s档案 [2023] = #1\n"));

  again = open_store ();
  b = bulletin_annotations_lookup_bookmark (again, "urn:new");
  g_assert_nonnull (b);
  g_assert_cmpstr (bulletin_bookmark_get_archive_uri (b), ==, uri);
  g_assert_cmpstr (bulletin_bookmark_get_archive_name (b), ==, name);
  n = bulletin_annotations_lookup_note (again, bulletin_note_get_uuid (note));
  g_assert_nonnull (n);
  g_assert_cmpstr (bulletin_note_get_archive_uri (n), ==, uri);
  g_assert_cmpstr (bulletin_note_get_archive_name (n), ==, name);
  /* and the old ones are still there, still without */
  b = bulletin_annotations_lookup_bookmark (again, "urn:old");
  g_assert_nonnull (b);
  g_assert_null (bulletin_bookmark_get_archive_uri (b));
  g_assert_nonnull (bulletin_annotations_lookup_note (again, "6f1d3c1e-0000-4000-8000-000000000001"));

  /* copies carry it (Undo puts back a copy) */
  {
    g_autoptr(BulletinNote) copy = bulletin_note_copy (n);
    g_autoptr(BulletinBookmark) bcopy = bulletin_bookmark_copy (bulletin_annotations_lookup_bookmark (again, "urn:new"));

    g_assert_cmpstr (bulletin_note_get_archive_name (copy), ==, name);
    g_assert_cmpstr (bulletin_bookmark_get_archive_uri (bcopy), ==, uri);
  }
}

static void
test_merge_deletions (void)
{
  g_autoptr(BulletinAnnotations) a = open_store ();
  g_autoptr(BulletinAnnotations) b = NULL;
  g_autoptr(BulletinAnnotations) check = NULL;
  g_autoptr(BulletinNote) n1 = bulletin_note_new ("urn:art");
  g_autoptr(BulletinNote) n2 = bulletin_note_new ("urn:art");
  g_autoptr(BulletinNote) n3 = bulletin_note_new ("urn:art");
  BulletinNote *b1;

  bulletin_note_set_text (n1, "one");
  bulletin_note_set_text (n2, "two");
  g_assert_true (bulletin_annotations_add_note (a, n1, NULL));
  g_assert_true (bulletin_annotations_add_note (a, n2, NULL));

  b = open_store ();
  g_assert_nonnull (bulletin_annotations_lookup_note (b, bulletin_note_get_uuid (n1)));

  /* a deletes n1 and edits n2; b, stale, adds n3 and edits its copy of
   * n1 before it sees a's deletion: the deletion is later than b's
   * copy... */
  g_assert_true (bulletin_annotations_remove_note (a, bulletin_note_get_uuid (n1), NULL));
  bulletin_note_set_text (n2, "two, edited");
  g_assert_true (bulletin_annotations_update_note (a, n2, NULL));
  g_assert_true (bulletin_annotations_add_note (b, n3, NULL));

  check = open_store ();
  g_assert_null (bulletin_annotations_lookup_note (check, bulletin_note_get_uuid (n1)));
  g_assert_cmpstr (bulletin_note_get_text (bulletin_annotations_lookup_note (check, bulletin_note_get_uuid (n2))),
                   ==, "two, edited");
  g_assert_nonnull (bulletin_annotations_lookup_note (check, bulletin_note_get_uuid (n3)));
  g_assert_cmpuint (bulletin_annotations_get_n_deleted (check), ==, 1);

  /* b merged a's work into its own state, the same objects updated */
  b1 = bulletin_annotations_lookup_note (b, bulletin_note_get_uuid (n2));
  g_assert_cmpstr (bulletin_note_get_text (b1), ==, "two, edited");
  g_assert_null (bulletin_annotations_lookup_note (b, bulletin_note_get_uuid (n1)));
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (b)), ==, 2);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
changed_cb (BulletinAnnotations *store,
            gpointer             user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_monitor (void)
{
  g_autoptr(BulletinAnnotations) watcher = new_store ();
  g_autoptr(BulletinAnnotations) writer = open_store ();
  g_autoptr(BulletinNote) note = bulletin_note_new ("urn:watched");
  gboolean timed_out = FALSE;
  guint changes = 0, timeout;

  g_assert_true (bulletin_annotations_load (watcher, NULL));
  g_signal_connect (watcher, "changed", G_CALLBACK (changed_cb), &changes);

  g_assert_true (bulletin_annotations_add_note (writer, note, NULL));
  timeout = g_timeout_add_seconds (10, timeout_cb, &timed_out);
  while (changes == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_assert_nonnull (bulletin_annotations_lookup_note (watcher, bulletin_note_get_uuid (note)));
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (watcher)), ==, 1);
}

/* ---------------------------------------------------------------------- */

static void
test_corrupt (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) reopened = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(GString) broken = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name, *second;
  gsize length;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BulletinNote) note = bulletin_note_new ("urn:art");
      g_autofree char *text = g_strdup_printf ("note %u\nline two", i);

      bulletin_note_set_text (note, text);
      g_assert_true (bulletin_annotations_add_note (store, note, NULL));
      g_ptr_array_add (uuids, g_strdup (bulletin_note_get_uuid (note)));
    }
  g_clear_object (&store);

  /* damage the second note's group: a line that is no key file line, and
   * bytes that are no UTF-8 */
  g_assert_true (g_file_get_contents (bulletin_annotations_get_path (open_store ()), &data, &length, NULL));
  second = strstr (data, g_ptr_array_index (uuids, 1));
  g_assert_nonnull (second);
  second = strstr (second, "\ntext=");
  g_assert_nonnull (second);
  broken = g_string_new_len (data, second - data);
  g_string_append (broken, "\nthis line is garbage\n\xff\xfe=\x80\n");
  g_string_append (broken, second);
  damaged = g_strdup (broken->str);

  store = new_store ();
  bulletin_annotations_set_monitored (store, FALSE);
  g_assert_true (g_file_set_contents (bulletin_annotations_get_path (store), damaged, -1, NULL));
  g_signal_connect (store, "problem", G_CALLBACK (count_problem), problems);
  g_assert_true (bulletin_annotations_load (store, NULL));

  /* told, with the file's name */
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), bulletin_annotations_get_path (store)));

  /* the damaged file is kept as it was, beside */
  dir = g_path_get_dirname (bulletin_annotations_get_path (store));
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (strstr (name, ".damaged-") != NULL)
      {
        g_assert_null (aside);
        aside = g_build_filename (dir, name, NULL);
      }
  g_assert_nonnull (aside);
  {
    g_autofree char *kept = NULL;

    g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
    g_assert_cmpstr (kept, ==, damaged);
  }

  /* everything recovered: the bad lines were not part of any note */
  for (guint i = 0; i < uuids->len; i++)
    g_assert_nonnull (bulletin_annotations_lookup_note (store, g_ptr_array_index (uuids, i)));
  g_assert_cmpstr (bulletin_note_get_text (bulletin_annotations_lookup_note (store, g_ptr_array_index (uuids, 1))),
                   ==, "note 1\nline two");

  /* and the file in place is whole again */
  g_ptr_array_set_size (problems, 0);
  reopened = new_store ();
  bulletin_annotations_set_monitored (reopened, FALSE);
  g_signal_connect (reopened, "problem", G_CALLBACK (count_problem), problems);
  g_assert_true (bulletin_annotations_load (reopened, NULL));
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (reopened)), ==, 3);
}

static void
test_corrupt_garbage (void)
{
  g_autoptr(BulletinAnnotations) store = new_store ();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = g_path_get_dirname (bulletin_annotations_get_path (store));
  g_autoptr(BulletinNote) note = bulletin_note_new ("urn:after");
  const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0binary, not a key file at all";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (bulletin_annotations_get_path (store), garbage, sizeof garbage, NULL));
  bulletin_annotations_set_monitored (store, FALSE);
  g_signal_connect (store, "problem", G_CALLBACK (count_problem), problems);
  g_assert_true (bulletin_annotations_load (store, NULL));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 0);

  /* still usable */
  g_assert_true (bulletin_annotations_add_note (store, note, NULL));
  {
    g_autoptr(BulletinAnnotations) again = open_store ();
    g_assert_nonnull (bulletin_annotations_lookup_note (again, bulletin_note_get_uuid (note)));
  }
}

/* ---------------------------------------------------------------------- */
/* the user's files, temporary files, full disks */

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static gboolean
file_exists (const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Files beside the key file that look like someone's copies are theirs:
 * only the writers' own temporary files are removed at a start. */
static void
test_user_files_kept (void)
{
  g_autoptr(BulletinAnnotations) store = NULL;
  g_autofree char *dir = store_dir ();
  const char *users[] = {
    "annotations.ini.backup", "annotations.ini.old123", "annotations.ini.bak001",
    "annotations.ini.copy01", "annotations.ini.AbC123", "annotations.ini.damaged",
    ".annotations.ini.bulletin-tmp-x", "annotations.ini.bulletin-tmp-Ab12Cd",
  };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_file (dir, BULLETIN_ANNOTATIONS_FILE_NAME, "[Bulletin Reader]\nversion=1\n");
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    write_file (dir, users[i], "the user's own file\n");
  /* a writer killed before its rename left this */
  write_file (dir, ".annotations.ini.bulletin-tmp-Ab12Cd", "[Bulletin Reader]\n");

  store = open_store ();
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    if (!file_exists (dir, users[i]))
      g_error ("%s was removed at the start", users[i]);
  g_assert_false (file_exists (dir, ".annotations.ini.bulletin-tmp-Ab12Cd"));

  /* a save leaves no temporary file */
  {
    g_autoptr(BulletinNote) note = bulletin_note_new ("urn:a");
    g_autoptr(GDir) listing = NULL;
    const char *name;

    g_assert_true (bulletin_annotations_add_note (store, note, NULL));
    listing = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".annotations.ini.bulletin-tmp-") &&
                      strlen (name) == strlen (".annotations.ini.bulletin-tmp-XXXXXX"));
  }
}

/* A small file system of our own, filled up: root only (SKIP otherwise).
 * Returns the mount point, or NULL. */
static char *
mount_small_tmpfs (const char *size)
{
  g_autofree char *home = test_home ();
  char *point = g_build_filename (home, "small-disk", NULL);
  g_autofree char *command = NULL;
  int status;

  if (geteuid () != 0)
    {
      g_test_skip ("mounting a small tmpfs needs root");
      g_free (point);
      return NULL;
    }
  g_assert_cmpint (g_mkdir_with_parents (point, 0700), ==, 0);
  command = g_strdup_printf ("mount -t tmpfs -o size=%s,mode=0755 bulletin-test '%s'", size, point);
  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("cannot mount a tmpfs here");
      g_free (point);
      return NULL;
    }
  return point;
}

static void
unmount (const char *point)
{
  g_autofree char *command = g_strdup_printf ("umount '%s'", point);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

/* Takes the file system's last free byte. */
static void
fill_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  g_autofree char *block = g_malloc0 (4096);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, 4096) > 0)
    ;
  while (write (fd, block, 1) > 0)
    ;
  close (fd);
}

static BulletinAnnotations *
load_counting (const char *dir,
               GPtrArray  *problems)
{
  BulletinAnnotations *store = bulletin_annotations_new (dir);

  bulletin_annotations_set_monitored (store, FALSE);
  g_ptr_array_set_size (problems, 0);
  g_signal_connect (store, "problem", G_CALLBACK (count_problem), problems);
  /* usable even when a repaired file cannot be written */
  if (!bulletin_annotations_load (store, NULL))
    g_ptr_array_add (problems, g_strdup ("load failed"));
  return store;
}

/* A damaged key file on a full disk: the repaired file cannot be written,
 * and the damaged one, the only copy of the notes, must stay readable in
 * place: the next start finds every note again. */
static void
test_damaged_full_disk (void)
{
  g_autofree char *point = mount_small_tmpfs ("512k");
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) broken = NULL;
  const guint n = 303;
  char *middle;

  if (point == NULL)
    return;
  dir = g_build_filename (point, "bulletin-reader", NULL);
  {
    g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
    GString *backup = g_string_new ("[Bulletin Reader]\nversion=1\n");

    bulletin_annotations_set_monitored (store, FALSE);
    g_assert_true (bulletin_annotations_load (store, NULL));
    for (guint i = 0; i < n; i++)
      g_string_append_printf (backup,
                              "\n[Note full-%06u]\narticle=urn:full:%u\ntext=note %u\n"
                              "created=2026-01-01T00:00:00.%06uZ\nmodified=2026-01-01T00:00:00.%06uZ\n",
                              i, i, i, i, i);
    {
      g_autoptr(GError) error = NULL;

      bulletin_annotations_import_data (store, backup->str, backup->len, &error);
      g_assert_no_error (error);
    }
    g_string_free (backup, TRUE);
    g_assert_true (g_file_get_contents (bulletin_annotations_get_path (store), &data, NULL, NULL));
  }

  /* a line that is no key file line, in the middle */
  middle = strstr (data, "\n[Note full-000150]");
  g_assert_nonnull (middle);
  broken = g_string_new_len (data, middle - data);
  g_string_append (broken, "\nthis line is garbage");
  g_string_append (broken, middle);
  {
    g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);

    g_assert_true (g_file_set_contents (path, broken->str, broken->len, NULL));
  }
  fill_disk (point);

  for (guint start = 0; start < 3; start++)
    {
      g_autoptr(BulletinAnnotations) store = load_counting (dir, problems);

      /* said so, every time, and every note is there */
      g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, n);
      g_assert_cmpuint (problems->len, >=, 1);
      for (guint i = 0; i < problems->len; i++)
        g_assert_cmpstr (g_ptr_array_index (problems, i), !=, "load failed");
    }

  /* space again: the repaired file is written, and the next start is clean */
  {
    g_autofree char *filler = g_build_filename (point, "filler", NULL);
    g_autoptr(BulletinAnnotations) store = NULL;

    g_unlink (filler);
    store = load_counting (dir, problems);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, n);
  }
  {
    g_autoptr(BulletinAnnotations) store = load_counting (dir, problems);

    g_assert_cmpuint (problems->len, ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, n);
  }
  unmount (point);
}

/* A full disk for a save: the change stays in memory and is not lost, the
 * file keeps what it had, and no temporary file is left. */
static void
test_full_disk_save (void)
{
  g_autofree char *point = mount_small_tmpfs ("64k");
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BulletinAnnotations) store = NULL;
  g_autoptr(BulletinNote) first = bulletin_note_new ("urn:a");
  g_autoptr(BulletinNote) second = bulletin_note_new ("urn:a");
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (30000, 'x');

  if (point == NULL)
    return;
  dir = g_build_filename (point, "bulletin-reader", NULL);
  store = load_counting (dir, problems);
  g_assert_true (bulletin_annotations_add_note (store, first, NULL));
  fill_disk (point);

  bulletin_note_set_text (second, big);
  g_assert_false (bulletin_annotations_add_note (store, second, &error));
  g_assert_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE);
  g_assert_nonnull (bulletin_annotations_lookup_note (store, bulletin_note_get_uuid (second)));
  g_assert_true (bulletin_annotations_has_unsaved (store));
  g_assert_false (bulletin_annotations_is_note_saved (store, bulletin_note_get_uuid (second)));
  g_assert_true (bulletin_annotations_is_note_saved (store, bulletin_note_get_uuid (first)));
  g_assert_nonnull (bulletin_annotations_get_save_error (store));
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".annotations.ini.bulletin-tmp-"));
  }
  {
    g_autoptr(BulletinAnnotations) other = load_counting (dir, problems);

    g_assert_nonnull (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (first)));
    g_assert_null (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (second)));
  }

  /* Retry on a disk still full: still unsaved, still kept */
  g_clear_error (&error);
  g_assert_false (bulletin_annotations_save_now (store, &error));
  g_assert_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE);
  g_assert_true (bulletin_annotations_has_unsaved (store));

  /* space again: the next change writes it too */
  {
    g_autofree char *filler = g_build_filename (point, "filler", NULL);
    g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:next-change");

    g_unlink (filler);
    g_clear_error (&error);
    g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, &error));
    g_assert_no_error (error);
  }
  g_assert_false (bulletin_annotations_has_unsaved (store));
  g_assert_null (bulletin_annotations_get_save_error (store));
  g_assert_true (bulletin_annotations_is_note_saved (store, bulletin_note_get_uuid (second)));
  {
    g_autoptr(BulletinAnnotations) other = load_counting (dir, problems);

    g_assert_nonnull (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (second)));
  }
  g_clear_object (&store);
  unmount (point);
}

/* A data folder the user cannot write (run as nobody: root ignores
 * permissions): the bookmark is kept, marked unsaved, not claimed saved,
 * and can be exported; the file is untouched. */
static void
test_read_only_folder (void)
{
  g_autofree char *top = g_strdup ("/tmp/bulletin-read-only-XXXXXX");
  g_autofree char *dir = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *writer = writer_path ();
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (geteuid () != 0 || !g_file_test ("/usr/bin/setpriv", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("running a writer as nobody needs root and setpriv");
      return;
    }
  g_assert_nonnull (g_mkdtemp_full (top, 0755));
  dir = g_build_filename (top, "bulletin-reader", NULL);
  out_dir = g_build_filename (top, "out", NULL);
  out = g_build_filename (out_dir, "exported.ini", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0777), ==, 0);
  g_assert_cmpint (g_chmod (out_dir, 0777), ==, 0);
  {
    g_autoptr(BulletinAnnotations) store = bulletin_annotations_new (dir);
    g_autoptr(BulletinNote) note = bulletin_note_new ("urn:a");
    g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
    g_autofree char *lock = g_strconcat (path, ".lock", NULL);

    bulletin_annotations_set_monitored (store, FALSE);
    g_assert_true (bulletin_annotations_load (store, NULL));
    g_assert_true (bulletin_annotations_add_note (store, note, NULL));
    g_assert_cmpint (g_chmod (path, 0644), ==, 0);
    g_assert_cmpint (g_chmod (lock, 0644), ==, 0);
    g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  }

  {
    const char *argv[] = { "/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                           writer, "read-only", dir, out, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                       &stdout_text, &stderr_text, &status, &error))
      {
        g_test_skip (error->message);
        return;
      }
  }
  g_test_message ("%s%s", stdout_text, stderr_text);
  if (strstr (stderr_text, "setpriv") != NULL)
    {
      g_test_skip (stderr_text);
      return;
    }
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (stdout_text, "loaded 1\n"));
  /* not saved, and not said to be */
  g_assert_nonnull (strstr (stdout_text, "added 0\n"));
  g_assert_nonnull (strstr (stdout_text, "present 1\n"));
  g_assert_nonnull (strstr (stdout_text, "unsaved 1\n"));
  g_assert_nonnull (strstr (stdout_text, "bookmark-saved 0\n"));
  g_assert_nonnull (strstr (stdout_text, "retry 0\n"));
  g_assert_nonnull (strstr (stdout_text, "exported\n"));

  /* the file is as it was; the export holds the bookmark */
  {
    g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
    g_autoptr(GFile) file = g_file_new_for_path (out);
    g_autoptr(BulletinAnnotations) store = NULL;

    g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, before);
    store = bulletin_annotations_new (dir);
    bulletin_annotations_set_monitored (store, FALSE);
    g_assert_true (bulletin_annotations_load (store, NULL));
    g_assert_null (bulletin_annotations_lookup_bookmark (store, "urn:test:read-only"));
    g_assert_true (bulletin_annotations_import (store, file, &error));
    g_assert_no_error (error);
    g_assert_nonnull (bulletin_annotations_lookup_bookmark (store, "urn:test:read-only"));
  }
  bulletin_test_remove_tree (out_dir);
  bulletin_test_remove_tree (dir);
  g_rmdir (top);
}

/* Writing in a thread (as the app does): changes show at once, are
 * written coalesced, and another writer's changes made meanwhile are
 * merged, not overwritten; save_now waits for the write. */
static void
test_async_writes (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) other = open_store ();
  g_autoptr(BulletinNote) theirs = bulletin_note_new ("urn:theirs");
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  bulletin_annotations_set_async_writes (store, TRUE);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(BulletinNote) note = bulletin_note_new ("urn:mine");

      g_assert_true (bulletin_annotations_add_note (store, note, NULL));
      g_ptr_array_add (uuids, g_strdup (bulletin_note_get_uuid (note)));
      /* shown at once, not marked unsaved while the write runs */
      g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, i + 1);
      g_assert_true (bulletin_annotations_is_note_saved (store, bulletin_note_get_uuid (note)));
      if (i == 10)
        g_assert_true (bulletin_annotations_add_note (other, theirs, NULL));
    }
  g_assert_true (bulletin_annotations_is_writing (store));
  g_assert_true (bulletin_annotations_has_unsaved (store));
  while (bulletin_annotations_is_writing (store))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (bulletin_annotations_save_now (store, &error));
  g_assert_no_error (error);
  g_assert_false (bulletin_annotations_has_unsaved (store));

  {
    g_autoptr(BulletinAnnotations) check = open_store ();

    for (guint i = 0; i < uuids->len; i++)
      g_assert_nonnull (bulletin_annotations_lookup_note (check, g_ptr_array_index (uuids, i)));
    g_assert_nonnull (bulletin_annotations_lookup_note (check, bulletin_note_get_uuid (theirs)));
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (check)), ==, 21);
  }

  /* one more, and save_now at once (as closing the window does) */
  {
    g_autoptr(BulletinNote) last = bulletin_note_new ("urn:mine");
    g_autoptr(BulletinAnnotations) check = NULL;

    g_assert_true (bulletin_annotations_add_note (store, last, NULL));
    g_assert_true (bulletin_annotations_save_now (store, NULL));
    g_assert_false (bulletin_annotations_is_writing (store));
    check = open_store ();
    g_assert_nonnull (bulletin_annotations_lookup_note (check, bulletin_note_get_uuid (last)));
  }
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (bulletin_annotations_load_finish (BULLETIN_ANNOTATIONS (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* The models list what the store holds, newest first, each once. */
static void
assert_models_match (BulletinAnnotations *store)
{
  GListModel *notes = bulletin_annotations_get_notes (store);
  GListModel *bookmarks = bulletin_annotations_get_bookmarks (store);
  gint64 last = G_MAXINT64;

  for (guint i = 0; i < g_list_model_get_n_items (notes); i++)
    {
      g_autoptr(BulletinNote) note = g_list_model_get_item (notes, i);

      g_assert_true (note == bulletin_annotations_lookup_note (store, bulletin_note_get_uuid (note)));
      g_assert_cmpint (bulletin_note_get_created (note), <=, last);
      last = bulletin_note_get_created (note);
    }
  last = G_MAXINT64;
  for (guint i = 0; i < g_list_model_get_n_items (bookmarks); i++)
    {
      g_autoptr(BulletinBookmark) bookmark = g_list_model_get_item (bookmarks, i);

      g_assert_true (bookmark == bulletin_annotations_lookup_bookmark (store, bulletin_bookmark_get_article_id (bookmark)));
      g_assert_cmpint (bulletin_bookmark_get_added (bookmark), <=, last);
      last = bulletin_bookmark_get_added (bookmark);
    }
}

/* The window does not wait for the file (issue 12, point 10): it is read
 * in a thread.  Changes made before the load finished (a new note, a new
 * bookmark, an edit of a note the file holds, made from another copy of
 * it) are kept, merged with what the file held and written after it. */
static void
test_edit_while_loading (void)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BulletinAnnotations) store = NULL;
  g_autoptr(BulletinNote) edited = NULL;
  g_autoptr(BulletinNote) added = bulletin_note_new ("urn:while-loading");
  g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:while-loading");
  gboolean done = FALSE;

  {
    g_autoptr(BulletinAnnotations) writer = open_store ();
    GString *backup = g_string_new ("[Bulletin Reader]\nversion=1\n");

    for (guint i = 0; i < 300; i++)
      {
        g_string_append_printf (backup,
                                "\n[Note load-%04u]\narticle=urn:load:%u\ntext=note %u\n"
                                "created=2026-01-01T00:00:%02u.%06uZ\nmodified=2026-01-01T00:00:%02u.%06uZ\n",
                                i, i % 7, i, i % 60, i, i % 60, i);
        if (i % 3 == 0)
          g_string_append_printf (backup,
                                  "\n[Bookmark %u]\narticle=urn:load:%u\nadded=2026-01-01T00:00:00.%06uZ\n"
                                  "modified=2026-01-01T00:00:00.%06uZ\n", i, i, i, i);
      }
    g_assert_true (bulletin_annotations_import_data (writer, backup->str, backup->len, NULL));
    g_string_free (backup, TRUE);
    edited = bulletin_note_copy (bulletin_annotations_lookup_note (writer, "load-0007"));
  }

  store = new_store ();
  bulletin_annotations_set_monitored (store, FALSE);
  bulletin_annotations_set_async_writes (store, TRUE);
  bulletin_annotations_load_async (store, NULL, load_done, &done);
  g_assert_true (bulletin_annotations_is_loading (store));

  /* before the main loop ran once: the load cannot have finished */
  bulletin_note_set_text (edited, "edited while loading");
  g_assert_true (bulletin_annotations_add_note (store, edited, NULL));
  g_assert_true (bulletin_annotations_add_note (store, added, NULL));
  g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, NULL));
  g_assert_false (done);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 2);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (bulletin_annotations_is_loading (store));
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 301);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_bookmarks (store)), ==, 101);
  g_assert_cmpstr (bulletin_note_get_text (bulletin_annotations_lookup_note (store, "load-0007")), ==,
                   "edited while loading");
  /* the window's objects are the store's */
  g_assert_true (bulletin_annotations_lookup_note (store, "load-0007") == edited);
  g_assert_true (bulletin_annotations_lookup_bookmark (store, "urn:while-loading") == bookmark);
  assert_models_match (store);

  /* written after the load, with what the file held */
  while (bulletin_annotations_is_writing (store))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (bulletin_annotations_has_unsaved (store));
  {
    g_autoptr(BulletinAnnotations) check = open_store ();

    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (check)), ==, 301);
    g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_bookmarks (check)), ==, 101);
    g_assert_cmpstr (bulletin_note_get_text (bulletin_annotations_lookup_note (check, "load-0007")), ==,
                     "edited while loading");
    g_assert_nonnull (bulletin_annotations_lookup_note (check, bulletin_note_get_uuid (added)));
    g_assert_nonnull (bulletin_annotations_lookup_bookmark (check, "urn:while-loading"));
  }
}

/* Another writer's change is merged in a thread (the window's way) and
 * reaches the models one row at a time: the models stay what the store
 * holds, a note changed by the other writer keeps its object. */
static void
test_merge_in_thread (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) other = NULL;
  g_autoptr(BulletinNote) note = bulletin_note_new ("urn:merge");
  g_autoptr(BulletinNote) theirs = NULL;
  g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new ("urn:merge:gone");
  BulletinNote *mine;

  bulletin_annotations_set_async_writes (store, TRUE);
  g_assert_true (bulletin_annotations_add_note (store, note, NULL));
  g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, NULL));
  g_assert_true (bulletin_annotations_save_now (store, NULL));
  mine = bulletin_annotations_lookup_note (store, bulletin_note_get_uuid (note));

  other = open_store ();
  theirs = bulletin_note_copy (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (note)));
  bulletin_note_set_text (theirs, "changed by the other");
  g_assert_true (bulletin_annotations_update_note (other, theirs, NULL));
  g_assert_true (bulletin_annotations_remove_bookmark (other, "urn:merge:gone", NULL));
  {
    g_autoptr(BulletinBookmark) added = bulletin_bookmark_new ("urn:merge:new");

    g_assert_true (bulletin_annotations_add_bookmark (other, added, NULL));
  }

  /* a change of ours finds the file changed: merged in a thread, then
   * written */
  {
    g_autoptr(BulletinNote) ours = bulletin_note_new ("urn:merge:ours");

    g_assert_true (bulletin_annotations_add_note (store, ours, NULL));
  }
  do
    g_main_context_iteration (NULL, TRUE);
  while (bulletin_annotations_is_writing (store));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (bulletin_annotations_lookup_note (store, bulletin_note_get_uuid (note)) == mine);
  g_assert_cmpstr (bulletin_note_get_text (mine), ==, "changed by the other");
  g_assert_null (bulletin_annotations_lookup_bookmark (store, "urn:merge:gone"));
  g_assert_nonnull (bulletin_annotations_lookup_bookmark (store, "urn:merge:new"));
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_bookmarks (store)), ==, 1);
  assert_models_match (store);
  g_assert_false (bulletin_annotations_has_unsaved (store));
  g_assert_true (bulletin_annotations_reload (other, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (other)), ==, 2);
}

/* A copy of a damaged file newer than the key file (an older version moved
 * the file aside and could not write the repaired one): found, and
 * restored from on request. */
static void
test_damaged_copy_newer (void)
{
  g_autofree char *dir = store_dir ();
  g_autofree char *copy = NULL;
  g_autofree char *found = NULL;
  g_autoptr(BulletinAnnotations) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *notes = "[Bulletin Reader]\nversion=1\n\n"
                      "[Note one]\narticle=urn:a\ntext=one\ncreated=2026-01-01T00:00:00.000001Z\n"
                      "modified=2026-01-01T00:00:00.000001Z\n\n"
                      "[Note two]\narticle=urn:a\ntext=two\ncreated=2026-01-01T00:00:00.000002Z\n"
                      "modified=2026-01-01T00:00:00.000002Z\n"
                      "a broken line\n";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  copy = g_build_filename (dir, "annotations.ini.damaged-20260101T000000", NULL);
  g_assert_true (g_file_set_contents (copy, notes, -1, NULL));

  /* no key file at all: the copy is found */
  store = open_store ();
  found = bulletin_annotations_find_newer_damaged_copy (store);
  g_assert_cmpstr (found, ==, copy);
  g_clear_pointer (&found, g_free);
  g_clear_object (&store);

  /* a key file older than the copy */
  write_file (dir, BULLETIN_ANNOTATIONS_FILE_NAME, "[Bulletin Reader]\nversion=1\n");
  {
    g_autofree char *path = g_build_filename (dir, BULLETIN_ANNOTATIONS_FILE_NAME, NULL);
    struct utimbuf old = { 1000000000, 1000000000 };

    g_assert_cmpint (utime (path, &old), ==, 0);
  }
  store = open_store ();
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 0);
  found = bulletin_annotations_find_newer_damaged_copy (store);
  g_assert_cmpstr (found, ==, copy);
  g_assert_true (bulletin_annotations_restore_damaged_copy (store, found, &error));
  g_assert_no_error (error);
  g_assert_nonnull (bulletin_annotations_lookup_note (store, "one"));
  g_assert_nonnull (bulletin_annotations_lookup_note (store, "two"));
  g_clear_pointer (&found, g_free);

  /* restored: the key file is newer now, and nothing more is offered */
  g_clear_object (&store);
  store = open_store ();
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 2);
  g_assert_null (bulletin_annotations_find_newer_damaged_copy (store));
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));
}

/* ---------------------------------------------------------------------- */
/* anchoring */

/* The sample as articles: the importer's, whatever it makes of it; the
 * article holding @needle. */
static BulletinArticle *
article_with (const char *text,
              gsize       len,
              const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = bulletin_text_parse (text, len, "sample", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < parsed->articles->len; i++)
    {
      BulletinArticle *article = g_ptr_array_index (parsed->articles, i);

      if (strstr (bulletin_article_get_source (article), needle) != NULL)
        return g_object_ref (article);
    }
  return NULL;
}

/* GB18030 bytes, read back as the importer reads them: directly when it
 * detects the encoding, else decoded here first */
static BulletinArticle *
article_from_gb18030 (const char *utf8,
                      const char *needle)
{
  g_autoptr(GError) error = NULL;
  gsize n = 0, back_n = 0;
  g_autofree char *gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &n, &error);
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  parsed = bulletin_text_parse (gb, n, "sample-gb18030", NULL);
  if (parsed != NULL)
    {
      for (guint i = 0; i < parsed->articles->len; i++)
        {
          BulletinArticle *article = g_ptr_array_index (parsed->articles, i);

          if (strstr (bulletin_article_get_source (article), needle) != NULL)
            return g_object_ref (article);
        }
    }
  back = g_convert (gb, n, "UTF-8", "GB18030", NULL, &back_n, &error);
  g_assert_no_error (error);
  return article_with (back, back_n, needle);
}

static char *
dup_chars (const char *text,
           guint       start,
           guint       end)
{
  const char *a = g_utf8_offset_to_pointer (text, start);
  const char *b = g_utf8_offset_to_pointer (text, end);

  return g_strndup (a, b - a);
}

/* Replaces [@start, @end) (characters) of @text. */
static char *
splice (const char *text,
        guint       start,
        guint       end,
        const char *with)
{
  const char *a = g_utf8_offset_to_pointer (text, start);
  const char *b = g_utf8_offset_to_pointer (text, end);

  return g_strdup_printf ("%.*s%s%s", (int) (a - text), text, with, b);
}

/* every ASCII comma full-width, as a re-export might have it */
static char *
widen_commas (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  return g_strjoinv ("，", parts);
}

static BulletinNote *
stored_note (BulletinArticle *article,
             guint            start,
             guint            end,
             const char      *text)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinAnnotations) again = NULL;
  g_autoptr(BulletinNote) note = bulletin_note_new_for_range (article, start, end);

  bulletin_note_set_text (note, text);
  g_assert_true (bulletin_annotations_add_note (store, note, NULL));
  /* what is anchored is what was read back */
  again = open_store ();
  return g_object_ref (bulletin_annotations_lookup_note (again, bulletin_note_get_uuid (note)));
}

static void
test_anchor_sample (void)
{
  g_autofree char *path = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *text = NULL;
  g_autofree char *para = NULL;
  g_autofree char *quote = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *gone = NULL;
  g_autoptr(BulletinArticle) article = NULL;
  g_autoptr(BulletinArticle) reencoded = NULL;
  g_autoptr(BulletinArticle) changed = NULL;
  g_autoptr(BulletinNote) note = NULL;
  g_auto(GStrv) paras = NULL;
  g_autoptr(GString) rebuilt = NULL;
  guint target = 0, qstart, qend, start, end, i;
  gsize len;

  if (path == NULL)
    return;
  text = bulletin_test_read_file (path, &len);

  /* a paragraph in the middle, long enough; the passage is 12 of its
   * characters after the first 10 */
  paras = g_strsplit (text, "\n\n", -1);
  for (i = g_strv_length (paras) / 2; paras[i] != NULL; i++)
    if (g_utf8_strlen (g_strstrip (paras[i]), -1) > 60)
      break;
  g_assert_nonnull (paras[i]);
  target = i;
  para = g_strdup (paras[target]);
  quote = dup_chars (para, 10, 22);

  article = article_with (text, len, para);
  g_assert_nonnull (article);
  {
    const char *src = bulletin_article_get_source (article);
    const char *at = strstr (src, para);

    qstart = g_utf8_pointer_to_offset (src, at) + 10;
    qend = qstart + 12;
  }
  note = stored_note (article, qstart, qend, "a note\non two lines");
  g_assert_cmpstr (bulletin_note_get_quote (note), ==, quote);

  /* the same article: exact */
  g_assert_cmpint (bulletin_annotations_anchor_note (note, article, &start, &end), ==,
                   BULLETIN_ANCHOR_EXACT);
  g_assert_cmpuint (start, ==, qstart);
  g_assert_cmpuint (end, ==, qend);

  /* re-encoded as GB18030: the same text, the same place */
  reencoded = article_from_gb18030 (text, para);
  g_assert_nonnull (reencoded);
  g_assert_cmpint (bulletin_annotations_anchor_note (note, reencoded, &start, &end), ==,
                   BULLETIN_ANCHOR_EXACT);
  g_assert_cmpuint (start, ==, qstart);

  /* moved: the paragraph goes to the end, a new one comes first; edited
   * around the passage (the characters either side replaced); commas made
   * full-width and a line break put inside the passage; then re-encoded */
  edited = splice (para, 9, 10, "※");
  {
    char *tmp = splice (edited, 22, 23, "（新增内容）");
    g_free (edited);
    edited = tmp;
    tmp = splice (edited, 16, 16, "\n");
    g_free (edited);
    edited = tmp;
  }
  rebuilt = g_string_new (NULL);
  for (i = 0; paras[i] != NULL; i++)
    {
      if (i == 1)
        g_string_append (rebuilt, "编者按:本期新增一段说明文字,用于测试。\n\n");
      if (i != target)
        g_string_append_printf (rebuilt, "%s\n\n", paras[i]);
    }
  /* without the noted passage, for the end */
  gone = widen_commas (rebuilt->str);
  g_string_append_printf (rebuilt, "%s\n", edited);
  moved = widen_commas (rebuilt->str);

  changed = article_from_gb18030 (moved, "（新增内容）");
  g_assert_nonnull (changed);
  g_assert_cmpint (bulletin_annotations_anchor_note (note, changed, &start, &end), ==,
                   BULLETIN_ANCHOR_MOVED);
  g_assert_cmpint (bulletin_note_get_anchor_state (note), ==, BULLETIN_ANCHOR_MOVED);
  {
    g_autofree char *found = bulletin_article_dup_source_range (changed, start, end);
    g_autofree char *a = bulletin_normalize_for_identity (found, 0);
    g_autofree char *b = bulletin_normalize_for_identity (quote, 0);
    const char *after = bulletin_article_offset_to_pointer (changed, end);

    g_assert_cmpstr (a, ==, b);
    g_assert_true (g_str_has_prefix (after, "（新增内容）"));
    /* it moved: the passage is no longer where it was (the importer may
     * make the moved paragraph an article of its own, or not) */
    g_assert_true (start != qstart || bulletin_article_get_source_length (changed) !=
                                      bulletin_article_get_source_length (article));
    g_assert_cmpuint (bulletin_article_get_source_length (changed), >=, end);
    /* the line break inside the passage is inside the range */
    g_assert_nonnull (strchr (found, '\n'));
  }

  /* the passage gone: detached, and the note is still there */
  {
    g_autoptr(BulletinArticle) without = NULL;
    g_autoptr(BulletinAnnotations) store = NULL;
    g_autofree char *needle = g_strndup (gone, g_utf8_offset_to_pointer (gone, 6) - gone);

    g_assert_null (strstr (gone, "（新增内容）"));
    without = article_with (gone, strlen (gone), g_strstrip (needle));
    g_assert_nonnull (without);
    g_assert_cmpint (bulletin_annotations_anchor_note (note, without, &start, &end), ==,
                     BULLETIN_ANCHOR_DETACHED);
    store = open_store ();
    g_assert_nonnull (bulletin_annotations_lookup_note (store, bulletin_note_get_uuid (note)));
  }
}

/* A passage that occurs twice: the context tells which. */
static void
test_anchor_repeated (void)
{
  const char *original =
    "标题\n\n"
    "第一段说到志愿者服务队的工作,十分辛苦。\n\n"
    "第二段又说到志愿者服务队的工作,得到居民称赞。\n";
  const char *changed_text =
    "标题\n\n"
    "新加的一段:志愿者服务队的工作。\n\n"
    "第二段又说到志愿者服务队的工作,得到居民称赞!\n\n"
    "第一段说到志愿者服务队的工作,十分辛苦。\n";
  g_autoptr(BulletinArticle) a = article_with (original, strlen (original), "第二段");
  g_autoptr(BulletinArticle) b = article_with (changed_text, strlen (changed_text), "第二段");
  g_autoptr(BulletinNote) first = NULL;
  g_autoptr(BulletinNote) second = NULL;
  const char *src = bulletin_article_get_source (a);
  const char *p1 = strstr (src, "志愿者服务队");
  const char *p2 = strstr (p1 + 1, "志愿者服务队");
  guint s1 = g_utf8_pointer_to_offset (src, p1);
  guint s2 = g_utf8_pointer_to_offset (src, p2);
  guint start, end;
  const char *bsrc = bulletin_article_get_source (b);

  first = stored_note (a, s1, s1 + 6, "first");
  second = stored_note (a, s2, s2 + 6, "second");

  g_assert_cmpint (bulletin_annotations_anchor_note (second, b, &start, &end), ==,
                   BULLETIN_ANCHOR_MOVED);
  g_assert_cmpuint (start, ==, g_utf8_pointer_to_offset (bsrc, strstr (bsrc, "第二段")) + 6);
  g_assert_cmpuint (end - start, ==, 6);

  g_assert_cmpint (bulletin_annotations_anchor_note (first, b, &start, &end), ==,
                   BULLETIN_ANCHOR_MOVED);
  g_assert_cmpuint (start, ==, g_utf8_pointer_to_offset (bsrc, strstr (bsrc, "第一段")) + 5);

  /* an article note has nothing to find */
  {
    g_autoptr(BulletinNote) whole = bulletin_note_new (bulletin_article_get_id (a));
    g_assert_cmpint (bulletin_annotations_anchor_note (whole, b, NULL, NULL), ==,
                     BULLETIN_ANCHOR_ARTICLE);
  }
}

/* A note made on Traditional text finds its passage in the Simplified
 * re-export of the issue, with other punctuation widths and line breaks:
 * re-anchoring folds as the search does (國 finds 国). */
static void
test_anchor_simplified_reexport (void)
{
  const char *traditional =
    "標題\n\n"
    "中華民國的國會通過了這項法案,各界關注。\n\n"
    "另一段說到別的事。\n";
  const char *simplified =
    "标题\n\n"
    "前面加了一句。中华民国的国\n会通过了这项法案，各界关注。\n\n"
    "另一段说到别的事。\n";
  g_autoptr(BulletinArticle) a = article_with (traditional, strlen (traditional), "國會");
  g_autoptr(BulletinArticle) b = article_with (simplified, strlen (simplified), "国");
  g_autoptr(BulletinNote) note = NULL;
  const char *src, *bsrc;
  guint s, start, end;
  g_autofree char *found = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  src = bulletin_article_get_source (a);
  bsrc = bulletin_article_get_source (b);
  s = g_utf8_pointer_to_offset (src, strstr (src, "國的國會通過"));
  note = stored_note (a, s, s + 6, "on Traditional text");
  g_assert_cmpstr (bulletin_note_get_quote (note), ==, "國的國會通過");

  g_assert_cmpint (bulletin_annotations_anchor_note (note, b, &start, &end), ==,
                   BULLETIN_ANCHOR_MOVED);
  found = g_utf8_substring (bsrc, start, end);
  g_assert_cmpstr (found, ==, "国的国\n会通过");
  g_assert_cmpint (bulletin_note_get_anchor_state (note), ==, BULLETIN_ANCHOR_MOVED);
}

/* ---------------------------------------------------------------------- */
/* export, citation, backup */

static void
test_export (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  const char *text = "标题一\n\n正文里有一句值得记下的话,还有下文。\n";
  g_autoptr(BulletinArticle) article = article_with (text, strlen (text), "值得");
  g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new_for_article (article);
  const char *src = bulletin_article_get_source (article);
  guint s = g_utf8_pointer_to_offset (src, strstr (src, "值得"));
  g_autoptr(BulletinNote) note = bulletin_note_new_for_range (article, s, s + 6);
  g_autoptr(BulletinNote) whole = bulletin_note_new (bulletin_article_get_id (article));
  g_autofree char *md = NULL;
  g_autofree char *citation = NULL;
  const char *h, *q, *n;

  bulletin_bookmark_set_issue (bookmark, "i1", "徐汇报 第3期", "2022-04-05");
  bulletin_note_set_issue (note, "i1", "徐汇报 第3期", "2022-04-05");
  bulletin_note_set_text (note, "my *own* note\nsecond line");
  bulletin_note_set_text (whole, "about the whole article");
  g_assert_true (bulletin_annotations_add_bookmark (store, bookmark, NULL));
  g_assert_true (bulletin_annotations_add_note (store, note, NULL));
  g_assert_true (bulletin_annotations_add_note (store, whole, NULL));

  md = bulletin_annotations_export_markdown (store);
  h = strstr (md, "\n## 标题一\n");
  g_assert_nonnull (h);
  g_assert_nonnull (strstr (h, "*徐汇报 第3期, 2022-04-05*"));
  n = strstr (h, "about the whole article");
  q = strstr (h, "\n> 值得记下的话\n");
  g_assert_nonnull (q);
  g_assert_nonnull (n);
  /* the article note first, then the passage and its note */
  g_assert_true (n < q);
  g_assert_nonnull (strstr (q, "\n\nmy *own* note\nsecond line\n"));
  /* one section for the article */
  g_assert_null (strstr (h + 1, "\n## "));

  citation = bulletin_annotations_build_citation ("标题一", "徐汇报 第3期", "2022-04-05", "值得记下的话");
  g_assert_nonnull (strstr (citation, "值得记下的话"));
  g_assert_nonnull (strstr (citation, "标题一"));
  g_assert_nonnull (strstr (citation, "徐汇报 第3期"));
  g_assert_nonnull (strstr (citation, "2022-04-05"));
  g_assert_true (strstr (citation, "值得") < strstr (citation, "标题一"));
}

static void
test_backup_restore (void)
{
  g_autoptr(BulletinAnnotations) store = open_store ();
  g_autoptr(BulletinNote) kept = bulletin_note_new ("urn:a");
  g_autoptr(BulletinNote) gone = bulletin_note_new ("urn:a");
  g_autoptr(BulletinNote) mine = bulletin_note_new ("urn:b");
  g_autofree char *backup = NULL;
  g_autofree char *home = test_home ();
  g_autofree char *other_dir = g_build_filename (home, "elsewhere", NULL);
  g_autoptr(BulletinAnnotations) other = bulletin_annotations_new (other_dir);
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (bulletin_annotations_add_note (store, kept, NULL));
  g_assert_true (bulletin_annotations_add_note (store, gone, NULL));

  /* the other store has "gone" too, and a note of its own */
  bulletin_annotations_set_monitored (other, FALSE);
  g_assert_true (bulletin_annotations_load (other, NULL));
  backup = bulletin_annotations_to_data (store, &length);
  g_assert_true (bulletin_annotations_import_data (other, backup, length, NULL));
  g_assert_true (bulletin_annotations_add_note (other, mine, NULL));
  g_clear_pointer (&backup, g_free);

  g_assert_true (bulletin_annotations_remove_note (store, bulletin_note_get_uuid (gone), NULL));
  backup = bulletin_annotations_to_data (store, &length);
  g_assert_true (bulletin_annotations_import_data (other, backup, length, &error));
  g_assert_no_error (error);

  g_assert_nonnull (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (kept)));
  g_assert_nonnull (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (mine)));
  g_assert_null (bulletin_annotations_lookup_note (other, bulletin_note_get_uuid (gone)));

  /* a backup that does not parse changes nothing */
  g_assert_false (bulletin_annotations_import_data (other, "[Note x\nnonsense", 16, &error));
  g_assert_error (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_CORRUPT);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (other)), ==, 2);
}

/* ---------------------------------------------------------------------- */
/* other processes */

static char *
writer_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "annotations-writer", NULL);
}

/* The many-process tests measure locking, merging and atomic replacement,
 * not the disk: they run in memory (tmpfs) when the system has one, where
 * a save costs no fsync wait.  Returns the folder to use as
 * XDG_DATA_HOME. */
static char *
make_scratch_home (void)
{
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && g_access ("/dev/shm", W_OK) == 0)
    {
      char *dir = g_strdup ("/dev/shm/bulletin-annotations-test-XXXXXX");

      if (g_mkdtemp (dir) != NULL)
        return dir;
      g_free (dir);
    }
  return test_home ();
}

static void
remove_scratch_home (const char *home)
{
  if (g_str_has_prefix (home, "/dev/shm/bulletin-annotations-test-"))
    bulletin_test_remove_tree (home);
}

static BulletinAnnotations *
open_store_in (const char *home)
{
  g_autofree char *dir = g_build_filename (home, "bulletin-reader", NULL);
  BulletinAnnotations *store = bulletin_annotations_new (dir);

  bulletin_annotations_set_monitored (store, FALSE);
  g_assert_true (bulletin_annotations_load (store, NULL));
  return store;
}

/* for the next writers: a pause between their synced temporary file and
 * the rename, in microseconds */
static const char *writer_rename_delay;

/* GLib keeps the isolated folders to itself: hand ours to the child */
static GSubprocess *
spawn_writer (const char  *home,
              GError     **error,
              ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *writer = writer_path ();
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  if (writer_rename_delay != NULL)
    g_subprocess_launcher_setenv (launcher, "BULLETIN_ANNOTATIONS_TEST_RENAME_DELAY_US",
                                  writer_rename_delay, TRUE);
  g_ptr_array_add (args, writer);
  va_start (ap, error);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
}

typedef struct {
  char    *stdout_text;
  gboolean done;
  GError  *error;
} Communication;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *c = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                        &c->stdout_text, NULL, &c->error);
  c->done = TRUE;
}

static void
test_two_writers (void)
{
  g_autoptr(GSubprocess) p1 = NULL;
  g_autoptr(GSubprocess) p2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(BulletinAnnotations) store = NULL;
  g_autofree char *home = make_scratch_home ();
  Communication c1 = { 0 }, c2 = { 0 };
  guint n_deleted = 0;
  Communication *cs[] = { &c1, &c2 };

  p1 = spawn_writer (home, &error, "add-delete", "500", "one", NULL);
  g_assert_no_error (error);
  p2 = spawn_writer (home, &error, "add-delete", "500", "two", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (p1, NULL, NULL, communicated_cb, &c1);
  g_subprocess_communicate_utf8_async (p2, NULL, NULL, communicated_cb, &c2);
  while (!c1.done || !c2.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (c1.error);
  g_assert_no_error (c2.error);
  g_assert_true (g_subprocess_get_successful (p1));
  g_assert_true (g_subprocess_get_successful (p2));

  for (guint k = 0; k < G_N_ELEMENTS (cs); k++)
    {
      g_auto(GStrv) lines = g_strsplit (cs[k]->stdout_text, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "live "))
          g_hash_table_add (live, g_strdup (lines[i] + 5));
        else if (g_str_has_prefix (lines[i], "deleted "))
          n_deleted++;
      g_free (cs[k]->stdout_text);
    }
  g_assert_cmpuint (g_hash_table_size (live), ==, 800);
  g_assert_cmpuint (n_deleted, ==, 200);

  store = open_store_in (home);
  g_assert_cmpuint (g_list_model_get_n_items (bulletin_annotations_get_notes (store)), ==, 800);
  g_assert_cmpuint (bulletin_annotations_get_n_deleted (store), ==, 200);
  for (guint i = 0; i < 800; i++)
    {
      g_autoptr(BulletinNote) note = g_list_model_get_item (bulletin_annotations_get_notes (store), i);
      g_assert_true (g_hash_table_contains (live, bulletin_note_get_uuid (note)));
    }
  g_clear_object (&store);
  remove_scratch_home (home);
}

/* A writer's temporary file left complete beside the key file: the kill
 * landed between writing it and the rename. */
static gboolean
complete_temporary_left (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  gboolean found = FALSE;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, ".annotations.ini.bulletin-tmp-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *data = NULL;
        gsize length;

        if (g_file_get_contents (path, &data, &length, NULL) && length > 0 &&
            data[length - 1] == '\n' && strstr (data, "[Bulletin Reader]") != NULL)
          found = TRUE;
      }
  return found;
}

/* SIGKILL during note saves, many times, on a real disk (fsync matters
 * there, not in tmpfs).  The writers pause between their synced temporary
 * file and the rename (a test hook), so that many kills land there; every
 * note any earlier writer reported saved is checked again after every
 * kill. */
static void
test_crash (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) all_saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *home = test_home ();
  g_autofree char *dir = g_build_filename (home, "bulletin-reader", NULL);
  guint kills = 200, with_saves = 0, in_window = 0;
  const char *env = g_getenv ("BULLETIN_CRASH_KILLS");

  if (env != NULL)
    kills = atoi (env);
  writer_rename_delay = "4000";

  for (guint k = 0; k < kills; k++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(BulletinAnnotations) store = NULL;
      g_auto(GStrv) lines = NULL;
      GHashTableIter iter;
      gpointer uuid;
      GInputStream *stream;
      char buf[4096];
      gssize n;
      guint saved = 0;

      /* every other writer writes in a thread, as the window does */
      child = spawn_writer (home, &error, k % 2 == 0 ? "crash" : "crash-in-thread", NULL);
      g_assert_no_error (error);
      stream = g_subprocess_get_stdout_pipe (child);

      /* Kill at a random moment while the child is saving: after a
       * random number of saves (none, one in five times: while it
       * starts), then a random pause of up to a save or so.  Timing
       * from the spawn alone would mostly hit the start on a busy
       * machine. */
      {
        guint wait_saves = g_test_rand_int_range (0, 5);
        gsize seen_lines = 0;

        while (seen_lines < wait_saves &&
               (n = g_input_stream_read (stream, buf, sizeof buf, NULL, &error)) > 0)
          {
            g_string_append_len (out, buf, n);
            for (gssize i = 0; i < n; i++)
              seen_lines += buf[i] == '\n';
          }
        g_assert_no_error (error);
      }
      g_usleep (g_test_rand_int_range (0, 6000));
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (g_subprocess_get_if_exited (child));

      while ((n = g_input_stream_read (stream, buf, sizeof buf, NULL, &error)) > 0)
        g_string_append_len (out, buf, n);
      g_assert_no_error (error);

      if (complete_temporary_left (dir))
        in_window++;

      store = bulletin_annotations_new (dir);
      bulletin_annotations_set_monitored (store, FALSE);
      g_signal_connect (store, "problem", G_CALLBACK (count_problem), problems);
      g_assert_true (bulletin_annotations_load (store, NULL));
      g_assert_cmpuint (problems->len, ==, 0);
      /* the start removed what the kill left */
      g_assert_false (complete_temporary_left (dir));

      /* only whole lines were reported */
      lines = g_strsplit (out->str, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        {
          g_assert_true (g_str_has_prefix (lines[i], "saved "));
          g_hash_table_add (all_saved, g_strdup (lines[i] + 6));
          saved++;
        }
      if (saved > 0)
        with_saves++;

      /* this child's notes and every earlier child's */
      g_hash_table_iter_init (&iter, all_saved);
      while (g_hash_table_iter_next (&iter, &uuid, NULL))
        if (bulletin_annotations_lookup_note (store, uuid) == NULL)
          g_error ("kill %u: note %s was reported saved but is missing", k, (char *) uuid);
    }
  writer_rename_delay = NULL;

  g_test_message ("%u kills, %u with saved notes, %u notes saved in all and all kept; "
                  "%u kills (%.0f %%) between a complete temporary file and its rename",
                  kills, with_saves, g_hash_table_size (all_saved), in_window,
                  kills > 0 ? 100.0 * in_window / kills : 0.0);
  /* the kills did land while notes were being written, and a fair share
   * of them in the window that matters */
  g_assert_cmpuint (with_saves, >, kills / 2);
  g_assert_cmpuint (in_window * 5, >=, kills);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  base_dir = g_dir_make_tmp ("test-annotations-XXXXXX", NULL);
  g_assert_nonnull (base_dir);

  g_test_add_func ("/bulletin/annotations/round-trip", test_round_trip);
  g_test_add_func ("/bulletin/annotations/times", test_times);
  g_test_add_func ("/bulletin/annotations/positions", test_positions);
  g_test_add_func ("/bulletin/annotations/bookmarks", test_bookmarks);
  g_test_add_func ("/bulletin/annotations/archive-of-origin", test_archive_of_origin);
  g_test_add_func ("/bulletin/annotations/merge-deletions", test_merge_deletions);
  g_test_add_func ("/bulletin/annotations/monitor", test_monitor);
  g_test_add_func ("/bulletin/annotations/corrupt", test_corrupt);
  g_test_add_func ("/bulletin/annotations/corrupt-garbage", test_corrupt_garbage);
  g_test_add_func ("/bulletin/annotations/user-files-kept", test_user_files_kept);
  g_test_add_func ("/bulletin/annotations/damaged-full-disk", test_damaged_full_disk);
  g_test_add_func ("/bulletin/annotations/full-disk-save", test_full_disk_save);
  g_test_add_func ("/bulletin/annotations/damaged-copy-newer", test_damaged_copy_newer);
  g_test_add_func ("/bulletin/annotations/read-only-folder", test_read_only_folder);
  g_test_add_func ("/bulletin/annotations/async-writes", test_async_writes);
  g_test_add_func ("/bulletin/annotations/edit-while-loading", test_edit_while_loading);
  g_test_add_func ("/bulletin/annotations/merge-in-thread", test_merge_in_thread);
  g_test_add_func ("/bulletin/annotations/anchor-sample", test_anchor_sample);
  g_test_add_func ("/bulletin/annotations/anchor-repeated", test_anchor_repeated);
  g_test_add_func ("/bulletin/annotations/anchor-simplified-reexport", test_anchor_simplified_reexport);
  g_test_add_func ("/bulletin/annotations/export", test_export);
  g_test_add_func ("/bulletin/annotations/backup-restore", test_backup_restore);
  g_test_add_func ("/bulletin/annotations/two-writers", test_two_writers);
  g_test_add_func ("/bulletin/annotations/crash", test_crash);

  status = g_test_run ();
  bulletin_test_remove_tree (base_dir);
  g_free (base_dir);
  return status;
}
