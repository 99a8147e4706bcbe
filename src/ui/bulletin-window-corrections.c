/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-annotations-controller.h"
#include "bulletin-corrections.h"
#include "bulletin-display-text.h"
#include "bulletin-text-decoder.h"
#include "bulletin-window-corrections.h"
#include "bulletin-window-search.h"

/*
 * The reader's corrections of plain-text issues: the line under the
 * cursor (or the article, for Join with the Previous Article) is anchored
 * and kept in the user's store; the issue is read again in the
 * background, its article model changes in place (the sidebar follows),
 * notes whose passage moved to another article follow it, the reader
 * shows the article that now holds the line, and the search index reads
 * the issue again.
 */

static const struct {
  const char             *action;
  BulletinCorrectionKind  kind;
} kinds[] = {
  { "correct-new-article", BULLETIN_CORRECTION_NEW_ARTICLE },
  { "correct-join-previous", BULLETIN_CORRECTION_JOIN_PREVIOUS },
  { "correct-headline", BULLETIN_CORRECTION_HEADLINE },
  { "correct-subtitle", BULLETIN_CORRECTION_SUBTITLE },
  { "correct-byline", BULLETIN_CORRECTION_BYLINE },
  { "correct-dateline", BULLETIN_CORRECTION_DATELINE },
  { "correct-subhead", BULLETIN_CORRECTION_SUBHEAD },
  { "correct-body", BULLETIN_CORRECTION_BODY },
};

/* What Reopen with Encoding offers, kept to those iconv knows here */
static const char * const encodings[] = {
  "UTF-8", "GB18030", "GBK", "GB2312", "BIG5", "BIG5-HKSCS", "CP950", "EUC-TW",
  "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "ISO-2022-CN", "ISO-2022-CN-EXT",
  "SHIFT_JIS", "EUC-JP", "ISO-2022-JP", "EUC-KR", "CP949", "ISO-8859-1", "WINDOWS-1252",
};

GPtrArray *
bulletin_window_corrections_dup_encodings (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      GIConv conv = g_iconv_open ("UTF-8", encodings[i]);

      if (conv == (GIConv) -1)
        continue;
      g_iconv_close (conv);
      g_ptr_array_add (names, g_strdup (encodings[i]));
    }
  return names;
}

/* The issue that holds @article, and the article's place in it */
static BulletinIssue *
issue_of (BulletinWindow  *self,
          BulletinArticle *article,
          guint           *index)
{
  BulletinLibrary *library = bulletin_window_get_library (self);
  BulletinIssue *selected = bulletin_sidebar_get_selected_issue (bulletin_window_get_sidebar (self));
  GListModel *issues;

  if (selected != NULL &&
      g_list_store_find (G_LIST_STORE (bulletin_issue_get_articles (selected)), article, index))
    return g_object_ref (selected);
  if (library == NULL)
    return NULL;
  issues = bulletin_library_get_issues (library);
  for (guint i = 0; issues != NULL && i < g_list_model_get_n_items (issues); i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);

      if (bulletin_issue_is_loaded (issue) &&
          g_list_store_find (G_LIST_STORE (bulletin_issue_get_articles (issue)), article, index))
        return g_steal_pointer (&issue);
    }
  return NULL;
}

static GPtrArray *
snapshot (BulletinIssue *issue)
{
  GListModel *model = bulletin_issue_get_articles (issue);
  GPtrArray *articles = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (articles, g_list_model_get_item (model, i));
  return articles;
}

typedef struct {
  BulletinWindow *window;   /* weak */
  GPtrArray      *old;
  char           *line;
  char           *message;
} Reload;

static void
reload_free (Reload *r)
{
  g_clear_weak_pointer (&r->window);
  g_clear_pointer (&r->old, g_ptr_array_unref);
  g_free (r->line);
  g_free (r->message);
  g_free (r);
}

static void
reloaded (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  BulletinIssue *issue = BULLETIN_ISSUE (object);
  Reload *r = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) now = NULL;
  BulletinAnnotationsController *notes;
  BulletinArchiveSearch *search;
  BulletinArticle *show = NULL;

  if (!bulletin_issue_load_finish (issue, result, &error))
    {
      if (r->window != NULL)
        bulletin_window_show_message (r->window, error->message);
      reload_free (r);
      return;
    }
  if (r->window == NULL)
    {
      reload_free (r);
      return;
    }

  now = snapshot (issue);

  /* notes on passages that went into another article follow them */
  notes = bulletin_annotations_controller_get_for_window (r->window);
  if (notes != NULL && bulletin_annotations_controller_get_store (notes) != NULL && r->old != NULL)
    bulletin_corrections_rehome_notes (bulletin_annotations_controller_get_store (notes), r->old, now);

  /* the search index reads the issue again */
  search = bulletin_window_get_archive_search (r->window);
  if (search != NULL && bulletin_archive_search_get_index (search) != NULL)
    {
      BulletinSearchIndex *index = bulletin_archive_search_get_index (search);

      bulletin_search_index_forget_issue (index, bulletin_issue_get_file (issue), NULL);
      bulletin_archive_search_set_root (search, bulletin_search_index_get_root (index), NULL);
    }

  /* the reader shows the article that now holds the line */
  for (guint i = 0; r->line != NULL && i < now->len && show == NULL; i++)
    {
      BulletinArticle *a = g_ptr_array_index (now, i);

      if (g_strstr_len (bulletin_article_get_source (a), bulletin_article_get_source_bytes (a), r->line) != NULL)
        show = a;
    }
  if (show == NULL && now->len > 0)
    show = g_ptr_array_index (now, 0);
  if (show != NULL)
    bulletin_window_show_article (r->window, issue, show);
  if (r->message != NULL)
    bulletin_window_show_message (r->window, r->message);
  reload_free (r);
}

static void
reload (BulletinWindow *self,
        BulletinIssue  *issue,
        GPtrArray      *old,
        const char     *line,
        const char     *message)
{
  Reload *r = g_new0 (Reload, 1);

  g_set_weak_pointer (&r->window, self);
  r->old = old != NULL ? g_ptr_array_ref (old) : NULL;
  r->line = g_strdup (line);
  r->message = g_strdup (message);
  bulletin_issue_reload_async (issue, NULL, reloaded, r);
}

static char *
issue_name (BulletinIssue *issue)
{
  return g_file_get_basename (bulletin_issue_get_file (issue));
}

static BulletinCorrections *
store_for (BulletinWindow *self)
{
  BulletinCorrections *store = bulletin_corrections_get_default ();
  BulletinLibrary *library = bulletin_window_get_library (self);

  if (store != NULL && library != NULL && bulletin_library_get_archive (library) != NULL)
    {
      g_autofree char *uri = g_file_get_uri (bulletin_archive_get_location (bulletin_library_get_archive (library)));
      bulletin_corrections_set_archive (store, uri);
    }
  return store;
}

/* The plain-text issue of the article shown, the article's place in it
 * and the source offset of the cursor; NULL (with a message) when there
 * is nothing to correct */
static BulletinIssue *
target (BulletinWindow   *self,
        BulletinArticle **article_out,
        guint            *index,
        guint            *offset)
{
  BulletinReaderView *reader = bulletin_window_get_reader (self);
  BulletinArticle *article = bulletin_reader_view_get_article (reader);
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (reader);
  GtkTextBuffer *buffer;
  GtkTextIter iter;
  g_autoptr(BulletinIssue) issue = NULL;

  if (article == NULL || display == NULL)
    return NULL;
  issue = issue_of (self, article, index);
  if (issue == NULL || bulletin_issue_get_kind (issue) != BULLETIN_ISSUE_TEXT_FILE ||
      bulletin_issue_get_text_key (issue) == NULL)
    {
      bulletin_window_show_message (self, _("Only plain-text issues can be corrected"));
      return NULL;
    }
  if (bulletin_corrections_get_default () == NULL)
    return NULL;
  buffer = gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (reader));
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  *offset = bulletin_display_text_to_source (display, bulletin_typography_get_display_offset (&iter));
  *article_out = article;
  return g_steal_pointer (&issue);
}

static void
correct (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  BulletinWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  BulletinCorrectionKind kind = BULLETIN_CORRECTION_NONE;
  g_autoptr(BulletinIssue) issue = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(BulletinCorrection) correction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *message = NULL;
  BulletinArticle *article = NULL;
  guint index = 0, offset = 0;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].action, name))
      kind = kinds[i].kind;
  g_return_if_fail (kind != BULLETIN_CORRECTION_NONE);

  issue = target (self, &article, &index, &offset);
  if (issue == NULL)
    return;
  if (kind == BULLETIN_CORRECTION_JOIN_PREVIOUS)
    {
      if (index == 0)
        {
          bulletin_window_show_message (self, _("This is the first article of the issue"));
          return;
        }
      offset = 0;   /* the article's first line */
    }

  articles = snapshot (issue);
  correction = bulletin_correction_new_in_article (kind, articles, index, offset);
  if (correction == NULL)
    return;
  file_name = issue_name (issue);
  if (!bulletin_corrections_add (store_for (self), bulletin_issue_get_text_key (issue), file_name,
                                 correction, &error))
    {
      bulletin_window_show_message (self, error->message);
      return;
    }
  /* Translators: %s is a correction, e.g. "Start a New Article Here" */
  message = g_strdup_printf (_("Corrected: %s"), bulletin_correction_kind_get_label (kind));
  reload (self, issue, articles, correction->line, message);
}

static void
reset_corrections (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  BulletinWindow *self = user_data;
  g_autoptr(BulletinIssue) issue = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(BulletinCorrection) here = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_name = NULL;
  BulletinArticle *article = NULL;
  guint index = 0, offset = 0;

  issue = target (self, &article, &index, &offset);
  if (issue == NULL)
    return;
  articles = snapshot (issue);
  here = bulletin_correction_new_in_article (BULLETIN_CORRECTION_NONE, articles, index, offset);
  file_name = issue_name (issue);
  if (!bulletin_corrections_reset (store_for (self), bulletin_issue_get_text_key (issue), file_name, &error))
    {
      bulletin_window_show_message (self, error->message);
      return;
    }
  reload (self, issue, articles, here != NULL ? here->line : NULL,
          _("The issue is read as the rules read it"));
}

void
bulletin_window_corrections_refresh (BulletinWindow *self,
                                     const char     *message)
{
  BulletinArticle *article = bulletin_reader_view_get_article (bulletin_window_get_reader (self));
  g_autoptr(BulletinIssue) issue = NULL;
  guint index = 0;

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  if (article != NULL)
    issue = issue_of (self, article, &index);
  if (issue != NULL && bulletin_issue_get_kind (issue) == BULLETIN_ISSUE_TEXT_FILE &&
      bulletin_corrections_get_default () != NULL)
    {
      g_autoptr(GPtrArray) articles = snapshot (issue);

      reload (self, issue, articles, bulletin_article_get_headline (article), message);
      return;
    }
  if (message != NULL)
    bulletin_window_show_message (self, message);
}

typedef struct {
  BulletinWindow *window;   /* weak */
  BulletinIssue  *issue;
  char           *encoding;
} Reopen;

static void
reopen_free (Reopen *r)
{
  g_clear_weak_pointer (&r->window);
  g_clear_object (&r->issue);
  g_free (r->encoding);
  g_free (r);
}

static void
reopen_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Reopen *r = user_data;
  g_autofree char *contents = NULL;
  g_autofree char *key = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error))
    {
      if (r->window != NULL)
        bulletin_window_show_message (r->window, error->message);
      reopen_free (r);
      return;
    }
  if (r->window == NULL)
    {
      reopen_free (r);
      return;
    }
  key = bulletin_corrections_file_key (contents, len);
  file_name = issue_name (r->issue);
  if (!bulletin_corrections_set_encoding (store_for (r->window), key, file_name,
                                          *r->encoding != 0 ? r->encoding : NULL, &error))
    {
      bulletin_window_show_message (r->window, error->message);
      reopen_free (r);
      return;
    }
  if (*r->encoding != 0)
    /* Translators: %s is an encoding, e.g. GB18030 */
    message = g_strdup_printf (_("Read as %s"), r->encoding);
  else
    message = g_strdup (_("Read in the encoding the file seems to be in"));
  {
    g_autoptr(GPtrArray) old = bulletin_issue_is_loaded (r->issue) ? snapshot (r->issue) : NULL;
    reload (r->window, r->issue, old, NULL, message);
  }
  reopen_free (r);
}

static void
reopen_with_encoding (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BulletinWindow *self = user_data;
  BulletinIssue *selected = bulletin_sidebar_get_selected_issue (bulletin_window_get_sidebar (self));
  BulletinArticle *article = bulletin_reader_view_get_article (bulletin_window_get_reader (self));
  g_autoptr(BulletinIssue) issue = NULL;
  Reopen *r;
  guint index;

  /* the issue selected in the list (perhaps one that could not be read),
   * else the one of the article shown */
  if (selected != NULL && bulletin_issue_get_kind (selected) == BULLETIN_ISSUE_TEXT_FILE)
    issue = g_object_ref (selected);
  if (issue == NULL && article != NULL)
    issue = issue_of (self, article, &index);
  if (issue == NULL || bulletin_issue_get_kind (issue) != BULLETIN_ISSUE_TEXT_FILE)
    {
      bulletin_window_show_message (self, _("Only a plain-text issue can be read in another encoding"));
      return;
    }
  if (bulletin_corrections_get_default () == NULL)
    return;

  r = g_new0 (Reopen, 1);
  g_set_weak_pointer (&r->window, self);
  r->issue = g_steal_pointer (&issue);
  r->encoding = g_variant_dup_string (parameter, NULL);
  g_file_load_contents_async (bulletin_issue_get_file (r->issue), NULL, reopen_loaded, r);
}

/* Other Encoding…: every encoding iconv knows, in a list to search */
static void
encoding_chosen (GtkButton *button,
                 GtkWindow *dialog)
{
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (dialog), "bulletin-dropdown");
  BulletinWindow *window = BULLETIN_WINDOW (gtk_window_get_transient_for (dialog));
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  if (item != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (window), "reopen-with-encoding",
                                     g_variant_new_string (gtk_string_object_get_string (item)));
  gtk_window_destroy (dialog);
}

static void
choose_encoding (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  BulletinWindow *self = user_data;
  g_autoptr(GPtrArray) names = bulletin_text_dup_encoding_names ();
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) expression = NULL;
  GtkWidget *dialog = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *label = gtk_label_new (_("Read the issue’s file as:"));
  GtkWidget *dropdown;
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *reopen = gtk_button_new_with_mnemonic (_("_Reopen"));

  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (names, i));
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (list)), NULL);
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (GTK_DROP_DOWN (dropdown), expression);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (dropdown), TRUE);
  gtk_widget_set_tooltip_text (dropdown, _("The encoding to read the file in"));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (dropdown),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);

  gtk_window_set_title (GTK_WINDOW (dialog), _("Reopen with Encoding"));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, -1);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_add_css_class (reopen, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), reopen);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (dialog), box);
  gtk_window_set_default_widget (GTK_WINDOW (dialog), reopen);
  g_object_set_data (G_OBJECT (dialog), "bulletin-dropdown", dropdown);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), dialog);
  g_signal_connect (reopen, "clicked", G_CALLBACK (encoding_chosen), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GMenuModel *
build_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) correct_menu = g_menu_new ();
  g_autoptr(GMenu) split = g_menu_new ();
  g_autoptr(GMenu) lines = g_menu_new ();
  g_autoptr(GMenu) reset = g_menu_new ();
  g_autoptr(GMenu) encoding_menu = g_menu_new ();
  g_autoptr(GPtrArray) names = bulletin_window_corrections_dup_encodings ();

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *action = g_strconcat ("win.", kinds[i].action, NULL);
      GMenu *section = i < 2 ? split : lines;

      g_menu_append (section, bulletin_correction_kind_get_label (kinds[i].kind), action);
    }
  g_menu_append (reset, _("Reset This Issue’s Corrections"), "win.reset-corrections");
  g_menu_append_section (correct_menu, NULL, G_MENU_MODEL (split));
  g_menu_append_section (correct_menu, NULL, G_MENU_MODEL (lines));
  g_menu_append_section (correct_menu, NULL, G_MENU_MODEL (reset));

  {
    g_autoptr(GMenuItem) automatic = g_menu_item_new (_("As Detected"), NULL);

    g_menu_item_set_action_and_target_value (automatic, "win.reopen-with-encoding", g_variant_new_string (""));
    g_menu_append_item (encoding_menu, automatic);
  }
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (g_ptr_array_index (names, i), NULL);

      g_menu_item_set_action_and_target_value (item, "win.reopen-with-encoding",
                                               g_variant_new_string (g_ptr_array_index (names, i)));
      g_menu_append_item (encoding_menu, item);
    }

  {
    g_autoptr(GMenu) other = g_menu_new ();

    g_menu_append (other, _("Other Encoding…"), "win.choose-encoding");
    g_menu_append_section (encoding_menu, NULL, G_MENU_MODEL (other));
  }

  g_menu_append_submenu (menu, _("Correct"), G_MENU_MODEL (correct_menu));
  g_menu_append_submenu (menu, _("Reopen with Encoding"), G_MENU_MODEL (encoding_menu));
  return G_MENU_MODEL (menu);
}

/* Our items go after whatever the reader's context menu already has */
static void
add_to_context_menu (BulletinWindow *self)
{
  GtkTextView *view = bulletin_reader_view_get_text_view (bulletin_window_get_reader (self));
  GMenuModel *existing = gtk_text_view_get_extra_menu (view);
  g_autoptr(GMenuModel) ours = build_menu ();
  g_autoptr(GMenu) both = g_menu_new ();

  if (existing != NULL)
    g_menu_append_section (both, NULL, existing);
  g_menu_append_section (both, NULL, ours);
  gtk_text_view_set_extra_menu (view, G_MENU_MODEL (both));
}

void
bulletin_window_corrections_init (BulletinWindow *self)
{
  const GActionEntry entries[] = {
    { "reset-corrections", reset_corrections, NULL, NULL, NULL, { 0 } },
    { "reopen-with-encoding", reopen_with_encoding, "s", NULL, NULL, { 0 } },
    { "choose-encoding", choose_encoding, NULL, NULL, NULL, { 0 } },
  };

  g_return_if_fail (BULLETIN_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (kinds[i].action, NULL);

      g_signal_connect (action, "activate", G_CALLBACK (correct), self);
      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
    }
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  add_to_context_menu (self);
}
