/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin-annotation-row.h"
#include "bulletin-annotations-controller.h"
#include "bulletin-annotations-view.h"
#include "bulletin-application.h"
#include "bulletin-archive-search.h"
#include "bulletin-display-text.h"
#include "bulletin-memory.h"
#include "bulletin-search-bar.h"
#include "bulletin-typography.h"
#include "bulletin-window.h"
#include "bulletin-window-search.h"
#include "bulletin-test-utils.h"
#include "bulletin-ui-test-utils.h"

/* A day of use in one run: the real window driven through a seeded,
 * random sequence of what a person does (open archives of both formats,
 * directly and through Recent Archives; select articles by click and by
 * keyboard; search the article and the archive; bookmarks and notes,
 * edited, deleted and undone; reading preferences; window sizes), and
 * after every action a check, from outside the code it tests, that
 *
 *   - the reader's buffer is exactly the display text of the selected
 *     article (the core library's, as `--display-text` prints it);
 *   - no child of the reader (image card, placeholder) is another
 *     article's;
 *   - every body paragraph has body formatting, in its tags and in the
 *     layout (the indent of its first line);
 *   - the Bookmarks and Notes pages list what the key file holds, with the
 *     current text;
 *   - the window's subtitle names the open archive.
 *
 * BULLETIN_SCENARIO_SEED (default 1; "random" for a new one each run) and
 * BULLETIN_SCENARIO_ACTIONS (a number, or the comma-separated list printed
 * on failure) replay a run.  BULLETIN_SCENARIO_COUNTS=1 prints, every
 * 100 actions ("each": after every action), what can grow with the number
 * of actions without being a leak: signal handlers on long-lived objects
 * (the app, GtkSettings, the style manager, the icon theme, the reader's
 * buffer and tag table, the window), the reader buffer's marks and tags,
 * sources in the main context, and the windows, reader views and buffers
 * alive.  With
 * --benchmark it runs 5,000 actions and reports actions per second and
 * how much the resident set grew after the first 300. */

#define DEFAULT_ACTIONS   300
#define DEFAULT_SEED      1
#define BENCHMARK_ACTIONS 5000
#define RSS_MARK          300
#define RSS_LIMIT_KIB     (30 * 1024)
#define WAIT_SECONDS      30

typedef enum {
  ACT_OPEN_DIRECT,
  ACT_OPEN_RECENT,
  ACT_EXPAND_ISSUE,
  ACT_SELECT_CLICK,
  ACT_SELECT_KEYBOARD,
  ACT_NEXT_ARTICLE,
  ACT_FIND_IN_ARTICLE,
  ACT_SEARCH_ARCHIVE,
  ACT_TOGGLE_BOOKMARK,
  ACT_REMOVE_BOOKMARK,
  ACT_ADD_NOTE,
  ACT_EDIT_NOTE,
  ACT_DELETE_NOTE,
  ACT_UNDO,
  ACT_OPEN_FROM_PAGE,
  ACT_SHOW_PAGE,
  ACT_PREFERENCES,
  ACT_RESIZE,
  ACT_RESTART,
  ACT_OPEN_AND_READ,
  N_ACTIONS
} ActionKind;

static const char *action_names[N_ACTIONS] = {
  "open", "recent", "expand", "click", "keyboard", "next", "find", "search-archive",
  "bookmark", "remove-bookmark", "add-note", "edit-note", "delete-note", "undo",
  "open-from-page", "page", "preferences", "resize", "restart", "open-and-read",
};

/* how often each is drawn */
static const guint action_weights[N_ACTIONS] = {
  2, 2, 6, 12, 8, 6, 4, 3, 4, 2, 5, 4, 3, 3, 3, 3, 3, 2, 1, 3,
};

typedef struct {
  GFile      *location;   /* NULL: the built-in sample */
  const char *what;
} Archive;

static BulletinApplication *app;
static BulletinWindow      *window;
static GRand               *rng;
static guint32              seed;
static GString             *log_actions;
static GPtrArray           *archives;     /* Archive* */
static char                *keyfile_path;
static guint                step;
static ActionKind           forced[BENCHMARK_ACTIONS];
static guint                n_forced;

/* --- failing --------------------------------------------------------------- */

static gboolean failing;
static gboolean keep_going;
static guint n_failures;
static jmp_buf resume;
static char *home_dir;
static const char *stage = "";
static void screenshot (const char *name);

static void G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN
fail (const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (!failing)
    {
      /* what the window looked like */
      failing = TRUE;
      screenshot ("scenario-failure.png");
    }
  if (keep_going)
    {
      /* the benchmark measures on, and tells at the end */
      n_failures++;
      fprintf (stderr, "\nscenario check failed after action %u%s: %s\n"
               "replay with: BULLETIN_SCENARIO_SEED=%u BULLETIN_SCENARIO_ACTIONS='%s'\n",
               step, stage, message, seed, log_actions->str);
      longjmp (resume, 1);
    }
  fprintf (stderr,
           "\nscenario FAILED after action %u%s: %s\n"
           "(its files: %s)\n"
           "replay with: BULLETIN_SCENARIO_SEED=%u BULLETIN_SCENARIO_ACTIONS='%s'\n",
           step, stage, message, home_dir, seed, log_actions->str);
  fflush (stderr);
  printf ("not ok - scenario seed %u: %s\n", seed, message);
  fflush (stdout);
  exit (1);
}

#define CHECK(cond, ...) G_STMT_START { if (!(cond)) fail (__VA_ARGS__); } G_STMT_END

/* --- the main loop ------------------------------------------------------- */

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (void);

static void
wait_for (Condition   condition,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (5, wake_up, NULL);

  while (!condition () && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (!condition ())
    fail ("timed out waiting for %s", what);
}

/* Runs the loop for @ms milliseconds (frames, ticks, idles). */
static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (4, wake_up, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
library_settled (void)
{
  BulletinLibrary *library = bulletin_window_get_library (window);

  return library == NULL || !bulletin_library_get_loading (library);
}

static gboolean
reader_settled (void)
{
  return bulletin_reader_view_is_complete (bulletin_window_get_reader (window));
}

static gboolean
issues_settled (void)
{
  /* every issue row that is expanded has finished loading */
  GListModel *tree = bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window));
  guint n = g_list_model_get_n_items (tree);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (tree, i);
      gpointer item = gtk_tree_list_row_get_item (row);
      gboolean busy = BULLETIN_IS_ISSUE (item) && gtk_tree_list_row_get_expanded (row) &&
                      !bulletin_issue_is_loaded (item) &&
                      bulletin_issue_get_state (item) != BULLETIN_ISSUE_STATE_ERROR;

      g_clear_object (&item);
      if (busy)
        return FALSE;
    }
  return TRUE;
}

/* An article shown is drawn: the view is mapped and laid out (a window
 * that has just opened takes a few frames) */
static gboolean
reader_drawn (void)
{
  BulletinReaderView *reader_view = bulletin_window_get_reader (window);
  GtkWidget *view = GTK_WIDGET (bulletin_reader_view_get_text_view (reader_view));

  return bulletin_reader_view_get_article (reader_view) == NULL ||
         (gtk_widget_get_mapped (view) && gtk_widget_get_width (view) > 0 && gtk_widget_get_height (view) > 0);
}

/* The bookmarks and notes are read (the store loads the key file in a
 * thread) and on disk (it writes in a thread) */
static gboolean
store_saved (void)
{
  BulletinAnnotations *store =
    bulletin_annotations_controller_get_store (bulletin_annotations_controller_get_for_window (window));

  return !bulletin_annotations_is_writing (store) && !bulletin_annotations_has_unsaved (store) &&
         !bulletin_annotations_is_loading (store);
}

static gboolean
all_settled (void)
{
  return library_settled () && reader_settled () && issues_settled () && reader_drawn () && store_saved ();
}

/* What a person waits for before the next step: the scan, the issue
 * loads and the reader are done, and a few frames are drawn. */
static void
settle (void)
{
  run_for (30);
  wait_for (all_settled, "the window to settle");
  run_for (40);
  wait_for (all_settled, "the window to settle");
}

/* --- archives ------------------------------------------------------------ */

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static const char *headlines[] = {
  "冬季供暖检修提前完成", "春季植树活动招募志愿者", "社区图书室延长开放时间",
  "老旧小区加装电梯进展顺利", "河道清淤工程全面启动", "夏季防汛演练在滨江举行",
  "社区食堂推出新菜单", "青少年科普讲座报名开始",
};

static const char *sentences[] = {
  "区供热办日前通报，辖区内二十三个小区的供暖管网检修已经全部完成。",
  "今年的检修工作比往年提前了两周，居民反映良好。",
  "活动当天将提供树苗和工具，参加者请穿运动鞋。",
  "报名请到社区服务中心登记，名额有限，额满为止。",
  "工作人员介绍，新措施将在下个月正式实施，届时将有更多居民受益。",
  "据统计，今年以来已有三百余户居民参与了相关活动。",
};

static char *
text_issue (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint a = 0; a < 1 + n % 2; a++)
    {
      g_string_append_printf (text, "%s\n\n", headlines[(n + a * 3) % G_N_ELEMENTS (headlines)]);
      for (guint p = 0; p < 2 + (n + a) % 3; p++)
        {
          g_string_append (text, sentences[(n + p) % G_N_ELEMENTS (sentences)]);
          g_string_append (text, sentences[(n + p + 2) % G_N_ELEMENTS (sentences)]);
          g_string_append (text, "\n\n");
        }
      g_string_append (text, "\n\n");
    }
  return g_string_free (text, FALSE);
}

static void
copy_sample_file (const char *resource,
                  const char *dir,
                  const char *name)
{
  g_autofree char *path = g_strconcat ("/io/github/bulletinreader/BulletinReader/sample-archive/", resource, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);

  g_assert_nonnull (bytes);
  write_file (dir, name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static char *
make_folder (const char *home,
             const char *name,
             gboolean    broken)
{
  g_autofree char *dir = g_build_filename (home, name, NULL);

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < (broken ? 3 : 300); i++)
    {
      g_autofree char *file = g_strdup_printf ("20%02u-%02u-%02u-%u.txt", 21 + i % 4, 1 + (i * 5) % 12, 1 + (i * 7) % 28, i);
      g_autofree char *text = text_issue (i + (broken ? 11 : 0));

      write_file (dir, file, text, -1);
    }
  if (broken)
    {
      static const char garbage[] = { 0x00, (char)0xff, (char)0xfe, 0x12, 0x00, (char)0x80 };

      write_file (dir, "2024-02-01.json", "{ \"headlines\": [ { \"value\": \"坏", -1);
      write_file (dir, "2023-07-07.json", "[1, 2, 3]", -1);
      write_file (dir, "2022-09-09.txt", garbage, sizeof garbage);
    }
  else
    {
      /* ninjs: a composite issue and a folder issue */
      g_autofree char *folder = g_build_filename (dir, "2023-06-03", NULL);

      /* and a long one, which the reader fills in pieces */
      {
        GString *text = g_string_new ("长篇通讯：街道三十年变迁\n\n");

        for (guint p = 0; p < 160; p++)
          {
            for (guint k = 0; k < 6; k++)
              g_string_append (text, sentences[(p + k) % G_N_ELEMENTS (sentences)]);
            g_string_append (text, "\n\n");
          }
        write_file (dir, "2020-12-31.txt", text->str, -1);
        g_string_free (text, TRUE);
      }
      copy_sample_file ("2024-05-20.json", dir, "2023-05-20.json");
      g_mkdir_with_parents (folder, 0755);
      copy_sample_file ("2024-06-03/issue.json", folder, "issue.json");
      copy_sample_file ("2024-06-03/01-food-safety.json", folder, "01-food-safety.json");
      copy_sample_file ("2024-06-03/02-cobbler.json", folder, "02-cobbler.json");
    }
  return g_steal_pointer (&dir);
}

static void
add_archive (GFile      *location,
             const char *what)
{
  Archive *archive = g_new0 (Archive, 1);

  archive->location = location;
  archive->what = what;
  g_ptr_array_add (archives, archive);
}

static void
make_archives (const char *home)
{
  g_autofree char *folder = make_folder (home, "generated_archive", FALSE);
  g_autofree char *broken = make_folder (home, "archive with unreadable files", TRUE);
  g_autofree char *text_dir = g_build_filename (home, "single", NULL);
  g_autofree char *sample_text = bulletin_test_shared_path ("samples/000_1b466bc7855b1717.txt");
  g_autofree char *text = text_issue (4);

  add_archive (NULL, "the built-in sample");
  add_archive (g_file_new_for_path (folder), "a generated folder");
  add_archive (g_file_new_for_path (broken), "a folder with unreadable files");
  g_mkdir_with_parents (text_dir, 0755);
  write_file (text_dir, "2024-04-01.txt", text, -1);
  {
    g_autofree char *path = g_build_filename (text_dir, "2024-04-01.txt", NULL);
    add_archive (g_file_new_for_path (path), "a plain-text file");
  }
  if (sample_text != NULL)
    add_archive (g_file_new_for_path (sample_text), "the sample bulletin");
}

/* --- reading the window ---------------------------------------------------- */

static BulletinReaderView *
reader (void)
{
  return bulletin_window_get_reader (window);
}

static GtkTextView *
text_view (void)
{
  return bulletin_reader_view_get_text_view (reader ());
}

static GListModel *
tree (void)
{
  return bulletin_sidebar_get_tree_model (bulletin_window_get_sidebar (window));
}

static gpointer
dup_row_item (guint position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (tree (), position);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static GArray *
positions_of (GType type)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = g_list_model_get_n_items (tree ());

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = dup_row_item (i);

      if (item != NULL && G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        g_array_append_val (found, i);
    }
  return found;
}

static GtkWidget *
row_widget_at (guint position)
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

static BulletinAnnotationsController *
controller (void)
{
  return bulletin_annotations_controller_get_for_window (window);
}

static BulletinAnnotationsView *
page_view (gboolean notes)
{
  return BULLETIN_ANNOTATIONS_VIEW (bulletin_annotations_controller_get_view (controller (), notes));
}

static gboolean
widen_punctuation (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  return g_settings_get_boolean (settings, "reading-full-width-punctuation");
}

/* --- the checks ------------------------------------------------------------ */

static char *
buffer_text (void)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view ());
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  /* what the reader shows, without its Han-Latin gap characters (which
   * are not text: see docs/typography.md) */
  return bulletin_typography_dup_text (&start, &end);
}

static GtkStack *
content_stack (void)
{
  GtkWidget *w = GTK_WIDGET (reader ());

  while (w != NULL && !GTK_IS_STACK (w))
    w = gtk_widget_get_parent (w);
  return GTK_STACK (w);
}

/* Image cards and pictures inside the text view (popovers aside) */
static void
collect_figures (GtkWidget *widget,
                 GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child))
        continue;
      if (GTK_IS_PICTURE (child) || (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "card")))
        g_ptr_array_add (out, child);
      collect_figures (child, out);
    }
}

static GtkTextTag *
lookup_tag (const char *name)
{
  return gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (text_view ())), name);
}

/* The value of @property at @iter: that of the tag of highest priority
 * that sets it, or NULL when none does. */
static GtkTextTag *
deciding_tag (const GtkTextIter *iter,
              const char        *set_property)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);
  GtkTextTag *best = NULL;

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      gboolean set = FALSE;

      g_object_get (l->data, set_property, &set, NULL);
      if (set && (best == NULL || gtk_text_tag_get_priority (l->data) > gtk_text_tag_get_priority (best)))
        best = l->data;
    }
  return best;
}

static void
check_body_formatting (BulletinDisplayText *display)
{
  GtkTextTag *paragraph = lookup_tag (BULLETIN_TAG_PARAGRAPH);
  const BulletinSpan *spans;
  guint n;
  int want_indent, want_weight;
  GtkJustification want_justification;
  g_autofree char *want_family = NULL;
  int left = gtk_text_view_get_left_margin (text_view ());

  CHECK (paragraph != NULL, "the reader has no body paragraph tag");
  g_object_get (paragraph, "indent", &want_indent, "weight", &want_weight,
                "justification", &want_justification, NULL);
  {
    GtkTextTag *text_tag = lookup_tag (BULLETIN_TAG_TEXT);

    g_object_get (text_tag, "family", &want_family, NULL);
  }

  spans = bulletin_display_text_get_spans (display, &n);
  for (guint i = 0; i < n; i++)
    {
      static const struct { const char *set; const char *prop; } props[] = {
        { "indent-set", "indent" }, { "weight-set", "weight" },
        { "justification-set", "justification" }, { "family-set", "family" },
        { "scale-set", "scale" },
      };
      GtkTextIter iter;
      GdkRectangle location;

      if (spans[i].kind != BULLETIN_BLOCK_PARAGRAPH || spans[i].end <= spans[i].start)
        continue;
      bulletin_typography_get_iter_at_display (gtk_text_view_get_buffer (text_view ()), &iter, spans[i].start);
      CHECK (gtk_text_iter_has_tag (&iter, paragraph),
             "body paragraph %u (offset %u) has no body tag", i, spans[i].start);

      for (guint p = 0; p < G_N_ELEMENTS (props); p++)
        {
          GtkTextTag *tag = deciding_tag (&iter, props[p].set);
          g_autofree char *tag_name = NULL;

          if (tag == NULL)
            continue;
          g_object_get (tag, "name", &tag_name, NULL);
          if (g_str_equal (props[p].prop, "family"))
            {
              g_autofree char *family = NULL;

              g_object_get (tag, "family", &family, NULL);
              CHECK (g_strcmp0 (family, want_family) == 0,
                     "body paragraph %u: family “%s” from tag %s, not the body's “%s”",
                     i, family, tag_name, want_family);
            }
          else if (g_str_equal (props[p].prop, "scale"))
            {
              double scale;

              g_object_get (tag, "scale", &scale, NULL);
              CHECK (scale == 1.0, "body paragraph %u: scale %g from tag %s", i, scale, tag_name);
            }
          else
            {
              int value;
              int want = g_str_equal (props[p].prop, "indent") ? want_indent
                         : g_str_equal (props[p].prop, "weight") ? want_weight
                         : (int)want_justification;

              g_object_get (tag, props[p].prop, &value, NULL);
              CHECK (value == want, "body paragraph %u: %s %d from tag %s, not the body's %d",
                     i, props[p].prop, value, tag_name, want);
            }
        }

      /* and as laid out: the first line starts at the margin plus the
       * indent (unless a dateline runs into it) */
      if (i > 0 && bulletin_display_text_is_run_in (display, i - 1))
        continue;
      gtk_text_view_get_iter_location (text_view (), &iter, &location);
      CHECK (ABS (location.x - (left + want_indent)) <= 1,
             "body paragraph %u (offset %u) is laid out at x %d, not at the margin %d plus the indent %d",
             i, spans[i].start, location.x, left, want_indent);
    }
}

static void
check_reader (void)
{
  BulletinArticle *shown = bulletin_reader_view_get_article (reader ());
  BulletinArticle *selected = bulletin_sidebar_get_selected_article (bulletin_window_get_sidebar (window));
  g_autoptr(GPtrArray) figures = g_ptr_array_new ();
  g_autofree char *text = buffer_text ();
  const char *page = gtk_stack_get_visible_child_name (content_stack ());

  if (selected != NULL)
    CHECK (shown == selected, "the list selects “%s”, the reader shows “%s”",
           bulletin_article_get_headline (selected),
           shown != NULL ? bulletin_article_get_headline (shown) : "nothing");

  collect_figures (GTK_WIDGET (text_view ()), figures);
  if (shown == NULL)
    {
      CHECK (*text == '\0', "the reader holds text with no article: “%.60s”", text);
      CHECK (figures->len == 0, "the reader holds %u image cards with no article", figures->len);
      CHECK (g_strcmp0 (page, "reader") != 0, "the reader is shown empty, without a status page");
      return;
    }

  CHECK (g_strcmp0 (page, "reader") == 0, "an article is selected, the window shows its “%s” page", page);
  /* and the text is on screen: the view is drawn, and its visible part
   * is within the text */
  {
    GdkRectangle visible;
    GtkTextIter end;
    int end_y, end_height;

    if (!gtk_widget_get_mapped (GTK_WIDGET (text_view ())) || gtk_widget_get_height (GTK_WIDGET (text_view ())) <= 0)
      {
        GtkWidget *w = GTK_WIDGET (text_view ());

        /* the outermost widget that is not shown */
        while (gtk_widget_get_parent (w) != NULL && !gtk_widget_get_mapped (gtk_widget_get_parent (w)))
          w = gtk_widget_get_parent (w);
        fail ("the reader's text view is not on screen (height %d; %s %s unmapped, visible %d, "
              "child-visible %d; its parent %s %dx%d)",
              gtk_widget_get_height (GTK_WIDGET (text_view ())), G_OBJECT_TYPE_NAME (w),
              gtk_widget_get_name (w), gtk_widget_get_visible (w), gtk_widget_get_child_visible (w),
              G_OBJECT_TYPE_NAME (gtk_widget_get_parent (w)), gtk_widget_get_width (gtk_widget_get_parent (w)),
              gtk_widget_get_height (gtk_widget_get_parent (w)));
      }
    gtk_text_view_get_visible_rect (text_view (), &visible);
    gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (text_view ()), &end);
    gtk_text_view_get_line_yrange (text_view (), &end, &end_y, &end_height);
    CHECK (visible.y < end_y + end_height,
           "the reader shows nothing: its visible part starts at y %d, its text ends at %d",
           visible.y, end_y + end_height);
  }
  {
    g_autoptr(BulletinDisplayText) display =
      bulletin_display_text_new (shown, widen_punctuation () ? BULLETIN_DISPLAY_DEFAULT : BULLETIN_DISPLAY_NONE);
    /* what --display-text prints: run-in datelines with a space */
    g_autofree char *want = bulletin_display_text_dup_shown_text (display, NULL);
    const BulletinSpan *spans;
    guint n, n_figures = 0;

    CHECK (g_strcmp0 (text, want) == 0,
           "the reader's text is not the display text of “%s”:\nreader: %.200s\nwanted: %.200s",
           bulletin_article_get_headline (shown), text, want);

    spans = bulletin_display_text_get_spans (display, &n);
    for (guint i = 0; i < n; i++)
      if (spans[i].kind == BULLETIN_BLOCK_FIGURE)
        n_figures++;
    CHECK (figures->len == n_figures,
           "the reader holds %u image cards, “%s” has %u figures",
           figures->len, bulletin_article_get_headline (shown), n_figures);
    check_body_formatting (display);
  }
}

typedef struct {
  GHashTable *bookmarks;  /* article id → headline */
  GHashTable *notes;      /* uuid → text */
} KeyFileState;

static void
read_key_file (KeyFileState *state)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  state->bookmarks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_key_file_load_from_file (file, keyfile_path, G_KEY_FILE_NONE, NULL))
    return;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (g_key_file_has_key (file, groups[i], "deleted", NULL))
        continue;
      if (g_str_has_prefix (groups[i], "Bookmark "))
        g_hash_table_insert (state->bookmarks, g_key_file_get_string (file, groups[i], "article", NULL),
                             g_key_file_get_string (file, groups[i], "headline", NULL));
      else if (g_str_has_prefix (groups[i], "Note "))
        {
          char *text = g_key_file_get_string (file, groups[i], "text", NULL);

          g_hash_table_insert (state->notes, g_strdup (groups[i] + 5), text != NULL ? text : g_strdup (""));
        }
    }
}

static char *
shortened (const char *text,
           guint       max)
{
  g_autofree char *head = NULL;

  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, max);
  return g_strconcat (head, "…", NULL);
}

static gboolean
model_holds (GListModel *model,
             gpointer    item)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (model, i);

      if (other == item)
        return TRUE;
    }
  return FALSE;
}

static void
check_pages (void)
{
  KeyFileState state;
  GListModel *bookmarks = bulletin_annotations_view_get_model (page_view (FALSE));
  GListModel *notes = bulletin_annotations_view_get_model (page_view (TRUE));
  GtkWidget *list = GTK_WIDGET (bulletin_annotations_view_get_list (page_view (TRUE)));

  read_key_file (&state);
  CHECK (g_list_model_get_n_items (bookmarks) == g_hash_table_size (state.bookmarks),
         "the Bookmarks page lists %u, the key file holds %u",
         g_list_model_get_n_items (bookmarks), g_hash_table_size (state.bookmarks));
  for (guint i = 0; i < g_list_model_get_n_items (bookmarks); i++)
    {
      g_autoptr(BulletinBookmark) b = g_list_model_get_item (bookmarks, i);

      CHECK (g_hash_table_contains (state.bookmarks, bulletin_bookmark_get_article_id (b)),
             "the Bookmarks page lists %s, which the key file does not hold",
             bulletin_bookmark_get_article_id (b));
    }

  CHECK (g_list_model_get_n_items (notes) == g_hash_table_size (state.notes),
         "the Notes page lists %u, the key file holds %u",
         g_list_model_get_n_items (notes), g_hash_table_size (state.notes));
  for (guint i = 0; i < g_list_model_get_n_items (notes); i++)
    {
      g_autoptr(BulletinNote) note = g_list_model_get_item (notes, i);
      const char *text = g_hash_table_lookup (state.notes, bulletin_note_get_uuid (note));

      CHECK (text != NULL, "the Notes page lists note %s, which the key file does not hold",
             bulletin_note_get_uuid (note));
    }

  /* what the rows on the page say */
  for (GtkWidget *child = gtk_widget_get_first_child (list); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      gpointer item;
      const char *text;

      if (!BULLETIN_IS_ANNOTATION_ROW (row) || !gtk_widget_get_child_visible (child))
        continue;
      item = bulletin_annotation_row_get_item (BULLETIN_ANNOTATION_ROW (row));
      if (item == NULL || !model_holds (notes, item))
        continue;
      text = g_hash_table_lookup (state.notes, bulletin_note_get_uuid (item));
      {
        g_autofree char *want = shortened (text, 120);
        const char *shown = bulletin_annotation_row_get_text (BULLETIN_ANNOTATION_ROW (row));

        CHECK (g_strcmp0 (shown, want) == 0,
               "a row of the Notes page says “%s”, the note's text is “%s”", shown, want);
      }
    }
  g_hash_table_unref (state.bookmarks);
  g_hash_table_unref (state.notes);
}

static AdwWindowTitle *
find_window_title (GtkWidget *widget)
{
  if (ADW_IS_WINDOW_TITLE (widget))
    return ADW_WINDOW_TITLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwWindowTitle *found = find_window_title (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static Archive *current_archive;

static void
check_title (void)
{
  AdwWindowTitle *title = find_window_title (GTK_WIDGET (bulletin_window_get_header_bar (window)));
  const char *subtitle;

  if (current_archive == NULL)
    return;
  CHECK (title != NULL, "the header bar has no window title");
  subtitle = adw_window_title_get_subtitle (title);
  CHECK (g_strcmp0 (adw_window_title_get_title (title), "Bulletin Reader") == 0,
         "the window's title is “%s”", adw_window_title_get_title (title));
  if (current_archive->location == NULL)
    CHECK (g_strcmp0 (subtitle, "Sample Archive") == 0, "the subtitle is “%s” for the sample", subtitle);
  else
    {
      g_autofree char *name = g_file_get_basename (current_archive->location);

      CHECK (g_strcmp0 (subtitle, name) == 0, "the subtitle is “%s”, the archive open is “%s”", subtitle, name);
    }
}

/* A widget drawn without an allocation (GTK 4.8 says "Trying to snapshot
 * ... without a current allocation" and draws nothing of it for that
 * frame): the reader's scrollbar trough did, when its text view laid out
 * its lines while it was drawn.  (The box the tests tolerate aside, see
 * bulletin-test-utils.c; warnings are not fatal in this test.) */
static void
check_drawn (void)
{
  g_autofree char *message = bulletin_test_take_undrawn ();

  CHECK (message == NULL, "GTK drew a widget without an allocation: %s", message);
}

/* Any critical or warning of the app's or the toolkit's (but the noise
 * bulletin-test-utils.c tolerates): the scenario runs without
 * g_test_init (), so that they are not fatal by themselves, and the
 * benchmark goes on after a failed check. */
static void
check_logged (void)
{
  g_autofree char *message = bulletin_test_take_logged ();

  CHECK (message == NULL, "logged: %s", message);
}

static void
check_all (void)
{
  check_reader ();
  check_pages ();
  check_title ();
  check_drawn ();
  check_logged ();
}

/* --- screenshots ------------------------------------------------------------- */

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("BULLETIN_ARTIFACTS_DIR");
  GtkWidget *widget;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL || window == NULL)
    return;
  run_for (300);
  widget = GTK_WIDGET (window);
  if (!gtk_widget_get_mapped (widget))
    return;
  texture = bulletin_ui_test_render_widget (widget);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  if (gdk_texture_save_to_png (texture, path))
    g_printerr ("# screenshot: %s\n", path);
}

/* --- the actions -------------------------------------------------------------- */

static guint
pick (guint n)
{
  return n == 0 ? 0 : (guint)g_rand_int_range (rng, 0, (gint32)n);
}

static void
open_archive (Archive *archive)
{
  current_archive = archive;
  bulletin_window_open (window, archive->location);
}

static void
act_open_direct (void)
{
  open_archive (g_ptr_array_index (archives, pick (archives->len)));
}

/* the shared helper (bulletin-ui-test-utils.h) by this file's name */
#define find_primary_menu_button(w) bulletin_ui_test_find_primary_menu_button (w)

/* The URIs under "Recent Archives" in the primary menu */
static GPtrArray *
recent_items (void)
{
  GtkWidget *button = find_primary_menu_button (GTK_WIDGET (bulletin_window_get_header_bar (window)));
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (section, j, G_MENU_LINK_SUBMENU);

          for (int k = 0; submenu != NULL && k < g_menu_model_get_n_items (submenu); k++)
            {
              GVariant *target = g_menu_model_get_item_attribute_value (submenu, k, G_MENU_ATTRIBUTE_TARGET,
                                                                        G_VARIANT_TYPE_STRING);
              if (target != NULL)
                g_ptr_array_add (out, target);
            }
        }
    }
  return out;
}

static void
act_open_recent (void)
{
  g_autoptr(GPtrArray) items = recent_items ();
  GVariant *target;
  g_autoptr(GFile) file = NULL;

  if (items->len == 0)
    {
      act_open_direct ();
      return;
    }
  target = g_ptr_array_index (items, pick (items->len));
  file = g_file_new_for_uri (g_variant_get_string (target, NULL));
  current_archive = NULL;
  for (guint i = 0; i < archives->len; i++)
    {
      Archive *a = g_ptr_array_index (archives, i);

      if (a->location != NULL && g_file_equal (a->location, file))
        current_archive = a;
    }
  CHECK (current_archive != NULL, "Recent Archives offers %s, never opened", g_variant_get_string (target, NULL));
  /* the menu opens, the item's action runs, the menu closes */
  {
    GtkMenuButton *button =
      GTK_MENU_BUTTON (find_primary_menu_button (GTK_WIDGET (bulletin_window_get_header_bar (window))));

    gtk_menu_button_popup (button);
    run_for (30);
    CHECK (gtk_widget_activate_action_variant (gtk_widget_get_first_child (GTK_WIDGET (gtk_menu_button_get_popover (button))) != NULL
                                                 ? GTK_WIDGET (gtk_menu_button_get_popover (button)) : GTK_WIDGET (window),
                                               "win.open-uri", target),
           "the Recent Archives item has no action");
    gtk_menu_button_popdown (button);
  }
}

static void
act_expand_issue (void)
{
  g_autoptr(GArray) issues = positions_of (BULLETIN_TYPE_ISSUE);
  GtkWidget *list = bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window));
  guint position;

  if (issues->len == 0)
    return;
  position = g_array_index (issues, guint, pick (issues->len));
  /* Enter or a double click on the row */
  g_signal_emit_by_name (list, "activate", position);
}

/* A click on the row: the list item's own action */
static void
click_row (guint position)
{
  GtkWidget *list = bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window));
  GtkWidget *row;

  gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
  run_for (20);
  row = row_widget_at (position);
  if (row != NULL)
    CHECK (gtk_widget_activate_action (row, "listitem.select", "(bb)", FALSE, FALSE),
           "the row has no listitem.select action");
  else
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list))),
                                     position, TRUE);
}

static void
act_select_click (void)
{
  g_autoptr(GArray) articles = positions_of (BULLETIN_TYPE_ARTICLE);

  if (articles->len == 0)
    {
      act_expand_issue ();
      return;
    }
  click_row (g_array_index (articles, guint, pick (articles->len)));
}

static void
act_select_keyboard (void)
{
  g_autoptr(GArray) articles = positions_of (BULLETIN_TYPE_ARTICLE);
  GtkWidget *sidebar = GTK_WIDGET (bulletin_window_get_sidebar (window));

  /* Escape to the list, arrows to a row, Enter */
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-sidebar", NULL);
  run_for (20);
  if (articles->len == 0)
    {
      gtk_widget_activate_action (sidebar, "sidebar.expand", NULL);
      return;
    }
  click_row (g_array_index (articles, guint, pick (articles->len)));
  run_for (20);
  gtk_widget_activate_action (sidebar, "sidebar.activate", NULL);
}

static void
act_next_article (void)
{
  /* Ctrl+Page Down / Up */
  g_action_group_activate_action (G_ACTION_GROUP (window), pick (3) == 0 ? "previous-article" : "next-article", NULL);
}

/* Two Han characters of the article shown, or NULL */
static char *
query_from_article (void)
{
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader ());
  const char *text;
  glong n;
  guint tries;

  if (display == NULL)
    return NULL;
  text = bulletin_display_text_get_text (display, NULL);
  n = g_utf8_strlen (text, -1);
  for (tries = 0; tries < 50 && n > 2; tries++)
    {
      glong at = pick (n - 1);
      const char *p = g_utf8_offset_to_pointer (text, at);
      gunichar a = g_utf8_get_char (p), b = g_utf8_get_char (g_utf8_next_char (p));

      if (g_unichar_get_script (a) == G_UNICODE_SCRIPT_HAN && g_unichar_get_script (b) == G_UNICODE_SCRIPT_HAN)
        return g_utf8_substring (text, at, at + 2);
    }
  return NULL;
}

static BulletinSearchBar *search_bar_for_wait;

static gboolean
search_found (void)
{
  return bulletin_search_bar_get_n_matches (search_bar_for_wait) > 0;
}

static void
act_find_in_article (void)
{
  g_autofree char *query = query_from_article ();
  BulletinSearchBar *bar = bulletin_window_get_search_bar (window);

  if (query == NULL)
    return;
  /* Ctrl+F, type, Enter a few times, Escape */
  g_action_group_activate_action (G_ACTION_GROUP (window), "find", NULL);
  bulletin_search_bar_set_query (bar, query);
  search_bar_for_wait = bar;
  wait_for (search_found, "the search in the article to find what is in it");
  for (guint i = pick (3); i > 0; i--)
    g_action_group_activate_action (G_ACTION_GROUP (window), "find-next", NULL);
  if (pick (2) == 0)
    bulletin_search_bar_close (bar);
}

static BulletinArchiveSearch *archive_search;

static gboolean
archive_search_done (void)
{
  const char *summary = bulletin_archive_search_get_summary (archive_search);
  BulletinSearchIndex *index = bulletin_archive_search_get_index (archive_search);

  /* no index: nothing more will come */
  if (index == NULL)
    return TRUE;
  return summary != NULL && *summary != '\0' && !g_str_has_prefix (summary, "Searching") &&
         !g_str_has_prefix (summary, "Newest") &&
         !bulletin_search_index_get_building (index);
}

static const char *wanted_query;

static gboolean
reader_shows_query (void)
{
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader ());

  return display != NULL && reader_settled () &&
         strstr (bulletin_display_text_get_text (display, NULL), wanted_query) != NULL;
}

static void
act_search_archive (void)
{
  g_autofree char *query = query_from_article ();
  GtkListBox *list;
  GtkListBoxRow *row = NULL;

  if (query == NULL)
    return;
  /* Ctrl+Shift+F, type */
  g_action_group_activate_action (G_ACTION_GROUP (window), "search-archive", NULL);
  archive_search = bulletin_window_get_archive_search (window);
  CHECK (archive_search != NULL, "Ctrl+Shift+F opened no archive search");
  bulletin_archive_search_set_query (archive_search, query);
  wait_for (archive_search_done, "the archive search to finish");
  /* the query is in the article shown: the archive has it.  (Once the
   * index is built the window runs the query again: give it a moment,
   * and then type the query once more before calling it a failure.) */
  list = bulletin_archive_search_get_list (archive_search);
  for (guint attempt = 0; attempt < 2 && row == NULL; attempt++)
    {
      run_for (attempt == 0 ? 100 : 500);
      if (attempt > 0)
        {
          bulletin_archive_search_set_query (archive_search, query);
          run_for (500);
          wait_for (archive_search_done, "the archive search to finish");
        }
      for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
        if (gtk_list_box_row_get_activatable (row) && gtk_widget_get_visible (GTK_WIDGET (row)))
          break;
    }
  CHECK (row != NULL, "searching the archive for “%s”, which the article shown holds, lists nothing (%s)",
         query, bulletin_archive_search_get_summary (archive_search));
  if (pick (3) > 0)
    {
      /* jump to the first hit */
      g_signal_emit_by_name (row, "activate");
      wanted_query = query;
      wait_for (reader_shows_query, "the reader to show the hit");
    }
  gtk_widget_set_visible (GTK_WIDGET (archive_search), FALSE);
}

static void
act_toggle_bookmark (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-bookmark", NULL);
}

/* The trash button of a row of a page, as clicked */
static void
click_remove (gboolean notes)
{
  BulletinAnnotationsView *view = page_view (notes);
  GListModel *model = bulletin_annotations_view_get_model (view);
  g_autoptr(GObject) item = NULL;
  guint n = g_list_model_get_n_items (model);

  if (n == 0)
    return;
  item = g_list_model_get_item (model, pick (n));
  g_signal_emit_by_name (view, "remove", item);
}

static void
act_remove_bookmark (void)
{
  click_remove (FALSE);
}

/* A passage of a body paragraph of the article shown */
static gboolean
pick_passage (guint *ds,
              guint *de)
{
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader ());
  const BulletinSpan *spans;
  guint n;
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));

  if (display == NULL)
    return FALSE;
  spans = bulletin_display_text_get_spans (display, &n);
  for (guint i = 0; i < n; i++)
    if (spans[i].kind == BULLETIN_BLOCK_PARAGRAPH && spans[i].end - spans[i].start >= 12)
      g_array_append_val (candidates, i);
  if (candidates->len == 0)
    return FALSE;
  {
    const BulletinSpan *s = &spans[g_array_index (candidates, guint, pick (candidates->len))];
    guint len = 2 + pick (MIN (10, s->end - s->start - 2));

    *ds = s->start + pick (s->end - s->start - len);
    *de = *ds + len;
  }
  return TRUE;
}

static char *
random_note_text (void)
{
  static const char *words[] = { "记下", "要点", "待核实", "note", "[x] = y", "𠮷", "第二行\n", "\t", "重要" };
  GString *text = g_string_new (NULL);

  for (guint i = 1 + pick (4); i > 0; i--)
    g_string_append (text, words[pick (G_N_ELEMENTS (words))]);
  g_string_append_printf (text, " %u", step);
  return g_string_free (text, FALSE);
}

static void
type_into_editor (const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (bulletin_annotations_controller_get_editor_text (controller ()));

  gtk_text_buffer_set_text (buffer, text, -1);
}

static void
save_editor (void)
{
  /* the popover closes (a click outside, Escape, or Save): it saves */
  gtk_popover_popdown (bulletin_annotations_controller_get_editor (controller ()));
  run_for (20);
  bulletin_annotations_controller_save_editor (controller ());
}

static void
act_add_note (void)
{
  guint ds, de;
  g_autofree char *text = random_note_text ();

  if (bulletin_reader_view_get_article (reader ()) == NULL)
    return;
  if (pick (4) > 0 && pick_passage (&ds, &de))
    {
      /* select, Ctrl+M */
      bulletin_reader_view_select_range (reader (), ds, de);
      g_action_group_activate_action (G_ACTION_GROUP (window), "add-note", NULL);
    }
  else
    g_action_group_activate_action (G_ACTION_GROUP (window), "add-article-note", NULL);
  run_for (20);
  if (!gtk_widget_get_visible (GTK_WIDGET (bulletin_annotations_controller_get_editor (controller ()))))
    return;
  type_into_editor (text);
  save_editor ();
}

/* A click on the note's highlight in the reader opens its editor */
static gboolean
click_highlight (guint ds)
{
  GtkTextView *view = text_view ();
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
  guint released = g_signal_lookup ("released", GTK_TYPE_GESTURE_CLICK);
  GtkTextIter iter;
  GdkRectangle rect;
  int x, y;
  gboolean clicked = FALSE;

  bulletin_typography_get_iter_at_display (gtk_text_view_get_buffer (view), &iter, ds);
  gtk_text_view_get_iter_location (view, &iter, &rect);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x + rect.width / 2,
                                         rect.y + rect.height / 2, &x, &y);
  gtk_text_buffer_place_cursor (gtk_text_view_get_buffer (view), &iter);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (c) && g_signal_has_handler_pending (c, released, 0, FALSE))
        {
          g_signal_emit_by_name (c, "released", 1, (double)x, (double)y);
          clicked = TRUE;
        }
    }
  return clicked;
}

/* A note of the article shown with a highlight, as display offsets */
static BulletinNote *
note_on_screen (guint *ds)
{
  BulletinArticle *article = bulletin_reader_view_get_article (reader ());
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader ());
  GListModel *notes = bulletin_annotations_view_get_model (page_view (TRUE));
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

  if (article == NULL || display == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (notes); i++)
    {
      g_autoptr(BulletinNote) note = g_list_model_get_item (notes, i);
      guint start, end;
      BulletinAnchorState state;

      if (!bulletin_note_has_range (note) ||
          g_strcmp0 (bulletin_note_get_article_id (note), bulletin_article_get_id (article)) != 0)
        continue;
      state = bulletin_annotations_anchor_note (note, article, &start, &end);
      if (state != BULLETIN_ANCHOR_EXACT || end <= start)
        continue;
      g_ptr_array_add (found, g_steal_pointer (&note));
    }
  if (found->len == 0)
    return NULL;
  {
    BulletinNote *note = g_ptr_array_index (found, pick (found->len));
    guint start, end;

    bulletin_annotations_anchor_note (note, article, &start, &end);
    *ds = bulletin_display_text_from_source (display, start);
    return g_object_ref (note);
  }
}

static void
act_edit_note (void)
{
  g_autoptr(BulletinNote) note = NULL;
  g_autofree char *text = random_note_text ();
  guint ds;

  note = note_on_screen (&ds);
  if (note == NULL)
    {
      /* open one from the Notes page first */
      GListModel *notes = bulletin_annotations_view_get_model (page_view (TRUE));

      if (g_list_model_get_n_items (notes) == 0)
        return;
      gtk_stack_set_visible_child_name (bulletin_annotations_controller_get_sidebar_stack (controller ()), "notes");
      run_for (30);
      bulletin_annotations_view_activate (page_view (TRUE), pick (g_list_model_get_n_items (notes)));
      settle ();
      note = note_on_screen (&ds);
      if (note == NULL)
        return;
    }
  if (!click_highlight (ds + 0))
    return;
  run_for (20);
  if (!gtk_widget_get_visible (GTK_WIDGET (bulletin_annotations_controller_get_editor (controller ()))))
    return;
  type_into_editor (text);
  save_editor ();
}

static void
act_delete_note (void)
{
  click_remove (TRUE);
}

/* the shared helper (bulletin-ui-test-utils.h) by this file's name */
#define find_button(w, label) bulletin_ui_test_find_button ((w), (label))

static void
act_undo (void)
{
  GtkWidget *undo = find_button (GTK_WIDGET (window), "_Undo");

  if (undo != NULL)
    g_signal_emit_by_name (undo, "clicked");
}

static void
act_open_from_page (void)
{
  gboolean notes = pick (2);
  GListModel *model = bulletin_annotations_view_get_model (page_view (notes));

  if (g_list_model_get_n_items (model) == 0)
    return;
  gtk_stack_set_visible_child_name (bulletin_annotations_controller_get_sidebar_stack (controller ()),
                                    notes ? "notes" : "bookmarks");
  run_for (30);
  bulletin_annotations_view_activate (page_view (notes), pick (g_list_model_get_n_items (model)));
}

static void
act_show_page (void)
{
  static const char *pages[] = { "issues", "bookmarks", "notes" };
  GtkStack *stack = bulletin_annotations_controller_get_sidebar_stack (controller ());
  const char *name = pages[pick (G_N_ELEMENTS (pages))];

  if (gtk_stack_get_child_by_name (stack, name) != NULL)
    gtk_stack_set_visible_child_name (stack, name);
}

static void
act_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  switch (pick (5))
    {
    case 0:
      g_settings_set_double (settings, "reading-font-size", 10 + pick (10));
      break;
    case 1:
      g_settings_set_double (settings, "reading-line-spacing", 1.5 + pick (6) * 0.1);
      break;
    case 2:
      g_settings_set_uint (settings, "reading-column-width", 24 + pick (30));
      break;
    case 3:
      g_settings_set_boolean (settings, "reading-sans", !g_settings_get_boolean (settings, "reading-sans"));
      break;
    default:
      g_settings_set_boolean (settings, "reading-full-width-punctuation", !widen_punctuation ());
      break;
    }
}

static void
act_resize (void)
{
  static const int sizes[][2] = { { 1000, 700 }, { 1280, 800 }, { 800, 600 }, { 360, 640 }, { 640, 720 } };
  guint i = pick (G_N_ELEMENTS (sizes));

  gtk_window_set_default_size (GTK_WINDOW (window), sizes[i][0], sizes[i][1]);
}

/* As the app starts: the window opens the archive open last (else the
 * sample) and goes back to where the reader left off in it. */
static void watch_marks (void);

static void
start_app (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last = g_settings_get_string (settings, "last-archive");

  current_archive = g_ptr_array_index (archives, 0);
  for (guint i = 0; i < archives->len && *last != '\0'; i++)
    {
      Archive *a = g_ptr_array_index (archives, i);
      g_autofree char *uri = a->location != NULL ? g_file_get_uri (a->location) : NULL;

      if (g_strcmp0 (uri, last) == 0)
        current_archive = a;
    }
  g_application_activate (G_APPLICATION (app));
  window = BULLETIN_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  CHECK (window != NULL, "starting the app opened no window");
  if (g_getenv ("BULLETIN_SCENARIO_COUNTS") != NULL)
    watch_marks ();
}


/* --- counts (BULLETIN_SCENARIO_COUNTS=1) ----------------------------------- */

/* What grows with the number of actions without being a leak: handlers on
 * long-lived objects, marks and tags in the reader's buffer, sources left
 * in the main context.  Printed every 100 actions when asked. */

static GHashTable *live_marks;
static int live_windows, live_views, live_buffers, live_bars, live_readers;

static void
count_gone (gpointer  data,
            GObject  *where)
{
  (*(int *)data)--;
}

static void
count_live (gpointer  object,
            int      *count)
{
  (*count)++;
  g_object_weak_ref (object, count_gone, count);
}

static void
count_mark_set (GtkTextBuffer     *buffer,
                const GtkTextIter *iter,
                GtkTextMark       *mark)
{
  g_hash_table_add (live_marks, mark);
}

static void
count_mark_deleted (GtkTextBuffer *buffer,
                    GtkTextMark   *mark)
{
  g_hash_table_remove (live_marks, mark);
}

static void
watch_marks (void)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view ());

  if (live_marks == NULL)
    live_marks = g_hash_table_new (NULL, NULL);
  g_hash_table_remove_all (live_marks);
  count_live (window, &live_windows);
  count_live (text_view (), &live_views);
  count_live (buffer, &live_buffers);
  count_live (bulletin_window_get_search_bar (window), &live_bars);
  count_live (reader (), &live_readers);
  g_signal_connect (buffer, "mark-set", G_CALLBACK (count_mark_set), NULL);
  g_signal_connect (buffer, "mark-deleted", G_CALLBACK (count_mark_deleted), NULL);
}

/* Handler ids are handed out in order: the handlers of @instance are
 * those of the ids up to the last one handed out that it has. */
static void
count_nothing (void)
{
}

static guint
count_handlers (gpointer instance)
{
  gulong last;
  guint n = 0;

  if (instance == NULL)
    return 0;
  last = g_signal_connect (instance, "notify", G_CALLBACK (count_nothing), NULL);
  g_signal_handler_disconnect (instance, last);
  for (gulong id = 1; id < last; id++)
    if (g_signal_handler_is_connected (instance, id))
      n++;
  return n;
}

static guint
count_sources (void)
{
  guint last = g_idle_add (bulletin_ui_test_wake_up, NULL), n = 0;

  g_source_remove (last);
  for (guint id = 1; id < last; id++)
    if (g_main_context_find_source_by_id (NULL, id) != NULL)
      n++;
  return n;
}

static void
print_counts (void)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view ());
  GdkDisplay *display = gdk_display_get_default ();

  printf ("# counts %5u: marks %u tags %d | handlers: app %u settings %u style %u icons %u buffer %u tags %u"
          " window %u reader %u view %u | sources %u | alive: windows %d readers %d text views %d buffers %d search bars %d\n",
          step, live_marks != NULL ? g_hash_table_size (live_marks) : 0,
          gtk_text_tag_table_get_size (gtk_text_buffer_get_tag_table (buffer)),
          count_handlers (app), count_handlers (gtk_settings_get_for_display (display)),
          count_handlers (adw_style_manager_get_default ()),
          count_handlers (gtk_icon_theme_get_for_display (display)),
          count_handlers (buffer), count_handlers (gtk_text_buffer_get_tag_table (buffer)),
          count_handlers (window), count_handlers (reader ()), count_handlers (text_view ()),
          count_sources (), live_windows, live_readers, live_views, live_buffers, live_bars);
  fflush (stdout);
}

/* Quit (close the window) and start again */
static gboolean
app_has_no_window (void)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/* What a closed window made goes with it: its search bar, and the
 * reader and text view the bar searches (a restart after a search in the
 * article left them alive, with the buffer, once per such restart).  Not
 * the buffer itself: the last text selected stays the primary selection,
 * and GTK keeps its buffer for it until another selection is made (one
 * buffer at most, BULLETIN_SCENARIO_COUNTS shows it). */
static gpointer closed_parts[5];

static gboolean
closed_window_gone (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (closed_parts); i++)
    if (closed_parts[i] != NULL)
      return FALSE;
  return TRUE;
}

static void
act_restart (void)
{
  closed_parts[0] = window;
  closed_parts[1] = bulletin_window_get_search_bar (window);
  closed_parts[2] = reader ();
  closed_parts[3] = text_view ();
  closed_parts[4] = bulletin_window_get_archive_search (window);
  for (guint i = 0; i < G_N_ELEMENTS (closed_parts); i++)
    g_object_add_weak_pointer (closed_parts[i], &closed_parts[i]);

  gtk_window_close (GTK_WINDOW (window));
  wait_for (app_has_no_window, "the window to close");
  window = NULL;
  {
    gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
    guint tick = g_timeout_add (5, wake_up, NULL);

    while (!closed_window_gone () && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (tick);
  }
  archive_search = NULL;
  start_app ();
  if (!closed_window_gone ())
    {
      static const char *names[] = { "window", "search bar", "reader view", "text view", "archive search" };
      g_autoptr(GString) alive = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (closed_parts); i++)
        if (closed_parts[i] != NULL)
          {
            g_string_append_printf (alive, "%s%s", alive->len > 0 ? ", " : "", names[i]);
            g_object_remove_weak_pointer (closed_parts[i], &closed_parts[i]);
            closed_parts[i] = NULL;
          }
      fail ("the closed window's %s still alive", alive->str);
    }
}

static gboolean
some_issue_listed (void)
{
  g_autoptr(GArray) issues = positions_of (BULLETIN_TYPE_ISSUE);

  return issues->len > 0 || library_settled ();
}

static gboolean
some_article_listed (void)
{
  g_autoptr(GArray) articles = positions_of (BULLETIN_TYPE_ARTICLE);

  return articles->len > 0 || (library_settled () && issues_settled ());
}

/* Open an archive (through Recent Archives or directly) and, as a person
 * does, expand an issue and click an article as soon as they are listed,
 * while the archive is still being read. */
static void
act_open_and_read (void)
{
  g_autoptr(GArray) issues = NULL;
  g_autoptr(GArray) articles = NULL;

  if (pick (2) == 0)
    act_open_recent ();
  else
    act_open_direct ();
  wait_for (some_issue_listed, "an issue to be listed");
  issues = positions_of (BULLETIN_TYPE_ISSUE);
  if (issues->len == 0)
    return;
  g_signal_emit_by_name (bulletin_sidebar_get_list_view (bulletin_window_get_sidebar (window)), "activate",
                         g_array_index (issues, guint, pick (MIN (issues->len, 3))));
  wait_for (some_article_listed, "an article to be listed");
  articles = positions_of (BULLETIN_TYPE_ARTICLE);
  if (articles->len > 0)
    click_row (g_array_index (articles, guint, 0));
}

static void (*const action_funcs[N_ACTIONS]) (void) = {
  act_open_direct, act_open_recent, act_expand_issue, act_select_click, act_select_keyboard,
  act_next_article, act_find_in_article, act_search_archive, act_toggle_bookmark,
  act_remove_bookmark, act_add_note, act_edit_note, act_delete_note, act_undo,
  act_open_from_page, act_show_page, act_preferences, act_resize, act_restart,
  act_open_and_read,
};

static ActionKind
draw_action (void)
{
  guint total = 0, r;

  for (guint i = 0; i < N_ACTIONS; i++)
    total += action_weights[i];
  r = pick (total);
  for (guint i = 0; i < N_ACTIONS; i++)
    {
      if (r < action_weights[i])
        return i;
      r -= action_weights[i];
    }
  return ACT_SELECT_CLICK;
}

static void
run_action (ActionKind kind)
{
  if (log_actions->len > 0)
    g_string_append_c (log_actions, ',');
  g_string_append (log_actions, action_names[kind]);
  action_funcs[kind] ();
  settle ();
  check_all ();
}

/* An action whose failed check, in the benchmark, comes back here */
static void
run_guarded (ActionKind kind)
{
  if (setjmp (resume) == 0)
    run_action (kind);
}

/* --- the shots of the issue's states ------------------------------------------ */

static int
find_article_row (const char *headline_prefix)
{
  guint n = g_list_model_get_n_items (tree ());

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = dup_row_item (i);

      if (BULLETIN_IS_ARTICLE (item) && bulletin_article_get_headline (BULLETIN_ARTICLE (item)) != NULL &&
          g_str_has_prefix (bulletin_article_get_headline (BULLETIN_ARTICLE (item)), headline_prefix))
        return i;
    }
  return -1;
}

/* The issue's first steps: the sample bulletin, 图片新闻 then 15人送餐……,
 * a note deleted and undone, a narrow window; checked as every other
 * step, and photographed. */
static void
fixed_opening (void)
{
  Archive *bulletin = NULL;
  int pos;

  for (guint i = 0; i < archives->len; i++)
    if (g_str_equal (((Archive *)g_ptr_array_index (archives, i))->what, "the sample bulletin"))
      bulletin = g_ptr_array_index (archives, i);
  if (bulletin == NULL)
    return;

  stage = " (opening the sample bulletin)";
  open_archive (bulletin);
  settle ();
  check_all ();
  pos = find_article_row ("图片新闻");
  if (pos >= 0)
    {
      stage = " (opening: 图片新闻)";
      click_row (pos);
      settle ();
      check_all ();
      pos = find_article_row ("15人送餐");
      if (pos >= 0)
        {
          stage = " (opening: then 15人送餐……)";
          click_row (pos);
          settle ();
          check_all ();
          screenshot ("scenario-after-picture-news.png");
        }
    }

  /* a note on this article, deleted, and put back */
  {
    guint ds, de;

    if (pick_passage (&ds, &de))
      {
        GListModel *notes = bulletin_annotations_view_get_model (page_view (TRUE));
        g_autoptr(GObject) note = NULL;

        bulletin_reader_view_select_range (reader (), ds, de);
        g_action_group_activate_action (G_ACTION_GROUP (window), "add-note", NULL);
        run_for (20);
        stage = " (opening: a note saved)";
        type_into_editor ("笔记：撤销后应照常排版");
        save_editor ();
        settle ();
        check_all ();
        if (g_list_model_get_n_items (notes) > 0)
          {
            note = g_list_model_get_item (notes, 0);
            stage = " (opening: the note deleted)";
            g_signal_emit_by_name (page_view (TRUE), "remove", note);
            settle ();
            check_all ();
            stage = " (opening: the deletion undone)";
            act_undo ();
            settle ();
            check_all ();
            bulletin_reader_view_scroll_to_range (reader (), ds, de);
            screenshot ("scenario-note-after-undo.png");
          }
      }
  }

  stage = " (opening: a narrow window)";
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  settle ();
  check_all ();
  screenshot ("scenario-narrow-window.png");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  settle ();
  stage = "";
}

/* --- running ------------------------------------------------------------------- */

/* the shared helper (bulletin-test-utils.h) by this file's name */
#define remove_tree(path) bulletin_test_remove_tree (path)

/* A field of /proc/self/status, in KiB */
static gsize
status_kib (const char *status,
            const char *field)
{
  const char *line = status != NULL ? strstr (status, field) : NULL;

  return line != NULL ? (gsize)g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

/* The resident set, and what it is made of: anonymous memory (the heap,
 * which leaks grow) and mapped files (fonts, whose pages come in as
 * glyphs are first drawn, up to the files' size) */
typedef struct {
  gsize rss, anon, file;
  gsize fonts;     /* of the files: the font files' pages, in every mapping */
  guint n_fonts;   /* the mappings of font files (one file may have several) */
  gsize heap;  /* what malloc has handed out and not had back */
  gsize free;  /* what it has had back and keeps (in RSS where touched) */
} Memory;

/* The resident pages of the mapped font files, from /proc/self/smaps:
 * FreeType (for cairo) and HarfBuzz (for Pango) each map a face's file,
 * once for each face of a collection (Noto CJK's SC, TC, JP...), and RSS
 * counts a page once in each mapping */
static void
read_font_maps (Memory *m)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_font = FALSE;

  m->fonts = 0;
  m->n_fonts = 0;
  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_ascii_isxdigit (line[0]) && strchr (line, '-') != NULL && strchr (line, ' ') > strchr (line, '-'))
        {
          /* a mapping's first line: range perms offset dev inode path */
          in_font = g_str_has_suffix (line, ".ttc") || g_str_has_suffix (line, ".ttf") ||
                    g_str_has_suffix (line, ".otf") || g_str_has_suffix (line, ".otc");
          if (in_font)
            m->n_fonts++;
        }
      else if (in_font && g_str_has_prefix (line, "Rss:"))
        m->fonts += (gsize)g_ascii_strtoull (line + 4, NULL, 10);
    }
}

static void
read_memory (Memory *m)
{
  g_autofree char *status = NULL;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  m->rss = status_kib (status, "VmRSS:");
  m->anon = status_kib (status, "RssAnon:");
  m->file = status_kib (status, "RssFile:") + status_kib (status, "RssShmem:");
  /* (the font maps are read where they are printed: smaps is long) */
  m->fonts = 0;
  m->n_fonts = 0;
#if defined (__GLIBC__) && __GLIBC_PREREQ (2, 33)
  {
    struct mallinfo2 info = mallinfo2 ();

    m->heap = (info.uordblks + info.hblkhd) / 1024;
    m->free = info.fordblks / 1024;
  }
#else
  m->heap = 0;
  m->free = 0;
#endif
}

static gsize
rss_kib (void)
{
  Memory m;

  read_memory (&m);
  return m.rss;
}

static void
print_memory (const char *prefix,
              guint       actions,
              double      seconds)
{
  Memory m;

  read_memory (&m);
  read_font_maps (&m);
  printf ("# %s%5u actions %7.1f s  RSS %6.1f MiB (anonymous %6.1f, files %5.1f of which fonts %5.1f in %u maps;"
          " heap in use %6.1f, free %5.1f)\n",
          prefix, actions, seconds, m.rss / 1024.0, m.anon / 1024.0, m.file / 1024.0, m.fonts / 1024.0,
          m.n_fonts, m.heap / 1024.0, m.free / 1024.0);
  fflush (stdout);
}

static void
parse_actions (const char *spec,
               guint      *n_actions)
{
  g_auto(GStrv) names = NULL;

  if (spec == NULL || *spec == '\0')
    return;
  if (g_ascii_isdigit (*spec))
    {
      *n_actions = (guint)g_ascii_strtoull (spec, NULL, 10);
      return;
    }
  names = g_strsplit (spec, ",", -1);
  for (guint i = 0; names[i] != NULL && n_forced < G_N_ELEMENTS (forced); i++)
    {
      if (g_str_has_prefix (names[i], "(opening)"))
        {
          if (names[i][9] == '\0')
            continue;
          memmove (names[i], names[i] + 9, strlen (names[i] + 9) + 1);
        }
      for (guint k = 0; k < N_ACTIONS; k++)
        if (g_str_equal (names[i], action_names[k]))
          forced[n_forced++] = k;
    }
  *n_actions = n_forced;
}

int
main (int   argc,
      char *argv[])
{
  static const char *xdg[] = { "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME" };
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  gboolean benchmark = argc > 1 && g_str_equal (argv[1], "--benchmark");
  guint n_actions = benchmark ? BENCHMARK_ACTIONS : DEFAULT_ACTIONS;
  const char *seed_env = g_getenv ("BULLETIN_SCENARIO_SEED");
  gint64 started;
  gsize rss_mark = 0, rss_end;
  double seconds;
  struct { guint step; Memory memory; } marks[BENCHMARK_ACTIONS / 500 + 2];
  guint n_marks = 0;
  gssize heap_growth[N_ACTIONS] = { 0 };
  guint kind_count[N_ACTIONS] = { 0 };

  g_setenv ("GTK_A11Y", "none", FALSE);
  /* the person's own files stay out of it: a HOME and XDG folders of its own */
  home = g_dir_make_tmp ("bulletin-scenario-XXXXXX", &error);
  g_assert_no_error (error);
  home_dir = home;
  g_setenv ("HOME", home, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (xdg); i++)
    {
      g_autofree char *dir = g_build_filename (home, xdg[i] + 4, NULL);
      g_setenv (xdg[i], dir, TRUE);
    }
  keyfile_path = g_build_filename (home, "DATA_HOME", "bulletin-reader", BULLETIN_ANNOTATIONS_FILE_NAME, NULL);

  gtk_init ();
  bulletin_test_tolerate_toolkit_warnings ();
  bulletin_test_check_list_models ();

  /* a fixed seed unless asked: the suite's run is the same on every
   * machine, and BULLETIN_SCENARIO_SEED=random explores */
  if (g_strcmp0 (seed_env, "random") == 0)
    seed = g_random_int ();
  else
    seed = seed_env != NULL ? (guint32)g_ascii_strtoull (seed_env, NULL, 10) : DEFAULT_SEED;
  parse_actions (g_getenv ("BULLETIN_SCENARIO_ACTIONS"), &n_actions);
  rng = g_rand_new_with_seed (seed);
  log_actions = g_string_new (NULL);
  archives = g_ptr_array_new ();
  printf ("TAP version 13\n1..1\n# seed %u, %u actions\n", seed, n_actions);
  fflush (stdout);

  app = bulletin_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  make_archives (home);

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_int (settings, "window-width", 1000);
    g_settings_set_int (settings, "window-height", 700);
  }
  start_app ();
  settle ();
  check_all ();

  started = g_get_monotonic_time ();
  fixed_opening ();
  keep_going = benchmark;
  for (step = 1; step <= n_actions; step++)
    {
      ActionKind kind = draw_action ();
      Memory before, after;

      if (n_forced > 0)
        kind = forced[step - 1];
      if (benchmark)
        read_memory (&before);
      run_guarded (kind);
      if (benchmark && step > RSS_MARK)
        {
          /* what each kind of action leaves on the heap, once warm */
          read_memory (&after);
          heap_growth[kind] += (gssize)after.heap - (gssize)before.heap;
          kind_count[kind]++;
        }
      if (step == RSS_MARK)
        rss_mark = rss_kib ();
      if (g_getenv ("BULLETIN_SCENARIO_COUNTS") != NULL &&
          (step % 100 == 0 || g_str_equal (g_getenv ("BULLETIN_SCENARIO_COUNTS"), "each")))
        {
          printf ("# %s\n", action_names[kind]);
          print_counts ();
        }
      if (benchmark && step % 100 == 0)
        print_memory ("", step, (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);
      if (benchmark && (step % 500 == 0 || step == RSS_MARK) && n_marks < G_N_ELEMENTS (marks))
        {
          marks[n_marks].step = step;
          read_memory (&marks[n_marks].memory);
          read_font_maps (&marks[n_marks].memory);
          n_marks++;
        }
    }
  seconds = (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC;
  rss_end = rss_kib ();

  printf ("# %u actions in %.1f s: %.1f actions/s\n", n_actions, seconds, n_actions / seconds);
  if (benchmark)
    {
      gboolean pass = rss_end <= rss_mark + RSS_LIMIT_KIB;

      printf ("# resident set by actions (MiB): RSS = anonymous + mapped files (of which font files, in\n"
              "# all their mappings); heap in use, and free heap that malloc keeps (%u trims)\n",
              bulletin_memory_get_n_trims ());
      for (guint i = 0; i < n_marks; i++)
        printf ("#   %5u  RSS %6.1f  anonymous %6.1f  files %5.1f  fonts %5.1f (%2u maps)  heap %6.1f  free %5.1f\n",
                marks[i].step, marks[i].memory.rss / 1024.0, marks[i].memory.anon / 1024.0,
                marks[i].memory.file / 1024.0, marks[i].memory.fonts / 1024.0, marks[i].memory.n_fonts,
                marks[i].memory.heap / 1024.0, marks[i].memory.free / 1024.0);
      if (n_actions > RSS_MARK)
        {
          printf ("# heap left by each kind of action after the first %u (KiB per action; noise is a few KiB)\n",
                  RSS_MARK);
          for (guint k = 0; k < N_ACTIONS; k++)
            if (kind_count[k] > 0)
              printf ("#   %-16s %5u actions  %+8.1f KiB each\n", action_names[k], kind_count[k],
                      heap_growth[k] / (double)kind_count[k]);
        }
      printf ("# %.1f actions/s\n", n_actions / seconds);
      printf ("# RSS after %u actions: %.1f MiB; after %u: %.1f MiB; growth %.1f MiB (target: at most 30 MiB) %s\n",
              RSS_MARK, rss_mark / 1024.0, n_actions, rss_end / 1024.0,
              ((double)rss_end - (double)rss_mark) / 1024.0, pass ? "PASS" : "FAIL");
      printf ("# %u check failures (above, each with its replay)\n", n_failures);
      printf ("%s - scenario benchmark seed %u\n", pass && n_failures == 0 ? "ok 1" : "not ok 1", seed);
      remove_tree (home);
      return pass && n_failures == 0 ? 0 : 1;
    }
  printf ("ok 1 - scenario seed %u, %u actions\n", seed, n_actions);
  /* (on failure the folder stays, to look into) */
  remove_tree (home);
  return 0;
}
