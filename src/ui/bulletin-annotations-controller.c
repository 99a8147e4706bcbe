/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bulletin-a11y.h"
#include "bulletin-accels.h"
#include "bulletin-annotations-controller.h"
#include "bulletin-annotations-view.h"
#include "bulletin-corrections.h"
#include "bulletin-window-corrections.h"
#include "bulletin-window-private.h"

#define POSITION_DELAY_MS 800
#define NOTE_TAG "bulletin-note"

typedef struct {
  guint  start;  /* display offsets */
  guint  end;
  char  *uuid;
} Highlight;

struct _BulletinAnnotationsController
{
  GObject              parent_instance;

  BulletinWindow      *window;        /* owns us */
  BulletinReaderView  *reader;
  GtkTextView         *text_view;
  BulletinAnnotations *store;

  GSimpleAction       *bookmark_action;
  GSimpleAction       *add_note_action;
  GSimpleAction       *article_note_action;
  GSimpleAction       *citation_action;
  GtkWidget           *bookmark_button;  /* the window's */

  GtkStack            *sidebar_stack;   /* the window's */
  GtkWidget           *bookmarks_view;
  GtkWidget           *notes_view;

  GtkPopover          *editor;
  GtkTextView         *editor_text;
  GtkLabel            *editor_quote;
  GtkWidget           *editor_delete;
  BulletinNote        *editing;
  gboolean             editing_new;
  char                *editing_text;   /* the text when the editor opened */
  gboolean             confirming;     /* asking whether to discard it */
  GObject             *dialog;         /* the question asked, if any (weak) */
  GObject             *asked_item;     /* Open “archive”?: the row's record */
  char                *asked_uri;      /* and the archive it was made in */
  char                *damaged_path;   /* a damaged copy offered to restore */

  /* Ctrl+Z: what can be undone, the newest last */
  GPtrArray           *undo_stack;
  GSimpleAction       *undo_action;

  GArray              *highlights;
  BulletinIssue       *issue;

  /* opening an article, then scrolling to a source range */
  char                *pending_article;
  guint                pending_start;
  guint                pending_end;
  gboolean             pending_is_note;
  gboolean             pending_quiet;   /* a restore: no message if it is gone */
  gpointer             pending_issue;   /* the issue loading for it (compared only) */
  gboolean             pending_scroll;

  /* the reading position: restored when asked (at start), for the
   * archive open then, once */
  gpointer             seen_library;  /* compared, not dereferenced */
  gboolean             restore_done;
  gboolean             restore_armed;
  guint                position_source;
  gboolean             restoring;
  gboolean             opening;       /* open_article () loading or searching */
  gpointer             watched_library;

  /* an article to open once the archive at target_uri is open (a row
   * made in another archive) */
  char                *target_uri;
  char                *target_issue_id;
  char                *target_issue_date;
  char                *target_article;
  guint                target_start;
  guint                target_end;
  gboolean             target_scroll;
  gboolean             target_is_note;
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;
  int                  chooser_job;    /* a FileJob */
#endif

  /* closing with unsaved bookmarks or notes: asked once at a time */
  GtkWidget           *unsaved_dialog;
  gboolean             discard_unsaved;
};

G_DEFINE_FINAL_TYPE (BulletinAnnotationsController, bulletin_annotations_controller, G_TYPE_OBJECT)

static void apply_highlights (BulletinAnnotationsController *self);
static void open_article (BulletinAnnotationsController *self,
                          const char                    *issue_id,
                          const char                    *issue_date,
                          const char                    *article_id,
                          gboolean                       scroll,
                          guint                          start,
                          guint                          end,
                          gboolean                       is_note);

static void
highlight_clear (gpointer data)
{
  Highlight *h = data;

  g_free (h->uuid);
}

static BulletinArticle *
current_article (BulletinAnnotationsController *self)
{
  /* the window and its reader are gone: the store may still tell of a
   * load or a save that finished after */
  if (self->window == NULL)
    return NULL;
  return bulletin_reader_view_get_article (self->reader);
}

static void
show_error (BulletinAnnotationsController *self,
            GError                        *error)
{
  if (error == NULL || self->window == NULL)
    return;
  if (g_error_matches (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_WRITE) ||
      g_error_matches (error, BULLETIN_ANNOTATIONS_ERROR, BULLETIN_ANNOTATIONS_ERROR_LOCK))
    {
      /* Translators: after why saving failed */
      g_autofree char *message = g_strdup_printf (_("%s. The change is kept, marked “Not saved”, and "
                                                    "saving is tried again."), error->message);

      bulletin_window_show_message (self->window, message);
    }
  else
    bulletin_window_show_message (self->window, error->message);
}

/* At most @max characters of @text, "…" marking a cut. */
static char *
shorten (const char *text,
         guint       max)
{
  g_autofree char *head = NULL;

  if (text == NULL)
    return g_strdup ("");
  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, max);
  return g_strconcat (head, "…", NULL);
}

/* --- source and display offsets ------------------------------------------- */

static gboolean
selection_source_range (BulletinAnnotationsController *self,
                        guint                         *start,
                        guint                         *end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (self->reader);
  GtkTextIter s, e;
  guint ds, de;

  if (display == NULL || !gtk_text_buffer_get_selection_bounds (buffer, &s, &e))
    return FALSE;
  ds = bulletin_typography_get_display_offset (&s);
  de = bulletin_typography_get_display_offset (&e);
  if (de <= ds)
    return FALSE;
  *start = bulletin_display_text_to_source (display, ds);
  *end = bulletin_display_text_to_source (display, de - 1) + 1;
  return *end > *start;
}

static void
source_to_display (BulletinAnnotationsController *self,
                   guint                          start,
                   guint                          end,
                   guint                         *ds,
                   guint                         *de)
{
  BulletinDisplayText *display = bulletin_reader_view_get_display_text (self->reader);

  *ds = bulletin_display_text_from_source (display, start);
  *de = end > start ? bulletin_display_text_from_source (display, end - 1) + 1 : *ds;
}

/* --- bookmarks ------------------------------------------------------------ */

static void
update_actions (BulletinAnnotationsController *self)
{
  BulletinArticle *article = current_article (self);
  gboolean marked = FALSE;

  if (article != NULL)
    marked = bulletin_annotations_lookup_bookmark (self->store, bulletin_article_get_id (article)) != NULL;

  g_simple_action_set_enabled (self->bookmark_action, article != NULL);
  g_simple_action_set_enabled (self->add_note_action, article != NULL);
  g_simple_action_set_enabled (self->article_note_action, article != NULL);
  g_simple_action_set_enabled (self->citation_action, article != NULL);
  g_simple_action_set_state (self->bookmark_action, g_variant_new_boolean (marked));
  /* what the button shows is on disk, or it says that it is not */
  if (article != NULL && !bulletin_annotations_is_bookmark_saved (self->store, bulletin_article_get_id (article)))
    {
      gtk_widget_add_css_class (self->bookmark_button, "error");
      gtk_button_set_icon_name (GTK_BUTTON (self->bookmark_button), "dialog-warning-symbolic");
      gtk_widget_set_tooltip_text (self->bookmark_button,
                                   marked ? _("Bookmarked, not saved yet: Remove Bookmark (Ctrl+D)")
                                          : _("Bookmark removed, not saved yet: Bookmark This Article (Ctrl+D)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->bookmark_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      marked ? _("Remove bookmark (not saved)") : _("Bookmark (removal not saved)"), -1);
      return;
    }
  gtk_widget_remove_css_class (self->bookmark_button, "error");
  gtk_button_set_icon_name (GTK_BUTTON (self->bookmark_button), "user-bookmarks-symbolic");
  gtk_widget_set_tooltip_text (self->bookmark_button,
                               marked ? _("Remove Bookmark (Ctrl+D)") : _("Bookmark This Article (Ctrl+D)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bookmark_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  marked ? _("Remove bookmark") : _("Bookmark"), -1);
}

/* --- undo ------------------------------------------------------------------ */

/* One undoable change: @item is a copy of the bookmark or note as it was
 * before it was deleted, or of the note before its text was edited. */
typedef struct {
  GObject  *item;
  gboolean  edited;
  AdwToast *toast;  /* weak: the toast offering it, while shown */
} UndoEntry;

static void
undo_entry_free (gpointer data)
{
  UndoEntry *entry = data;

  if (entry->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (entry->toast), (gpointer *) &entry->toast);
  g_object_unref (entry->item);
  g_free (entry);
}

static void
update_undo (BulletinAnnotationsController *self)
{
  if (self->undo_action != NULL)
    g_simple_action_set_enabled (self->undo_action, self->undo_stack->len > 0);
}

static UndoEntry *
push_undo (BulletinAnnotationsController *self,
           GObject                       *item,
           gboolean                       edited)
{
  UndoEntry *entry = g_new0 (UndoEntry, 1);

  entry->item = g_object_ref (item);
  entry->edited = edited;
  g_ptr_array_add (self->undo_stack, entry);
  update_undo (self);
  return entry;
}

/* Puts back what @entry took away, and forgets it. */
static void
apply_undo (BulletinAnnotationsController *self,
            guint                          index)
{
  UndoEntry *entry = g_ptr_array_steal_index (self->undo_stack, index);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  update_undo (self);
  if (entry->toast != NULL)
    adw_toast_dismiss (entry->toast);
  if (BULLETIN_IS_BOOKMARK (entry->item))
    ok = bulletin_annotations_add_bookmark (self->store, BULLETIN_BOOKMARK (entry->item), &error);
  else if (!entry->edited)
    ok = bulletin_annotations_add_note (self->store, BULLETIN_NOTE (entry->item), &error);
  else
    {
      /* the text before the edit, as a newer version */
      g_autoptr(BulletinNote) note = bulletin_note_copy (BULLETIN_NOTE (entry->item));

      ok = bulletin_annotations_update_note (self->store, note, &error);
    }
  /* said to screen readers; a toast would hold back the next one */
  if (!ok)
    show_error (self, error);
  else if (BULLETIN_IS_BOOKMARK (entry->item))
    bulletin_announce (GTK_WIDGET (self->window), _("Bookmark restored"));
  else
    bulletin_announce (GTK_WIDGET (self->window), entry->edited ? _("Note restored as it was")
                                                                : _("Note restored"));
  undo_entry_free (entry);
  apply_highlights (self);
  update_actions (self);
}

/* Ctrl+Z: the last deletion or edit.  In a text field it is the field's
 * own Undo. */
void
_bulletin_window_undo (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BulletinAnnotationsController *self = BULLETIN_WINDOW (user_data)->annotations;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self->window));

  if (focus != NULL &&
      (GTK_IS_TEXT (focus) || (GTK_IS_TEXT_VIEW (focus) && gtk_text_view_get_editable (GTK_TEXT_VIEW (focus)))))
    {
      gtk_widget_activate_action (focus, "text.undo", NULL);
      return;
    }
  if (self->undo_stack->len == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self->window));
      return;
    }
  apply_undo (self, self->undo_stack->len - 1);
}

/* A toast's Undo button: the change it offered, wherever it is in the
 * stack now (nothing if Ctrl+Z undid it already) */
static void
undo_clicked (AdwToast                      *toast,
              BulletinAnnotationsController *self)
{
  if (self->window == NULL)
    return;
  for (guint i = self->undo_stack->len; i > 0; i--)
    {
      UndoEntry *entry = g_ptr_array_index (self->undo_stack, i - 1);

      if (entry->toast == toast)
        {
          apply_undo (self, i - 1);
          return;
        }
    }
}

/* A toast saying what was removed or changed, whose Undo button puts back
 * @item (a copy of what was there before), as Ctrl+Z does. */
static void
offer_undo (BulletinAnnotationsController *self,
            const char                    *message,
            GObject                       *item,
            gboolean                       edited)
{
  AdwToast *toast = adw_toast_new (message);
  UndoEntry *entry = push_undo (self, item, edited);

  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked), self, 0);
  entry->toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &entry->toast);
  bulletin_window_add_toast (self->window, toast);
}

static void
remove_bookmark (BulletinAnnotationsController *self,
                 const char                    *article_id)
{
  BulletinBookmark *bookmark = bulletin_annotations_lookup_bookmark (self->store, article_id);
  g_autoptr(BulletinBookmark) copy = NULL;
  g_autoptr(GError) error = NULL;

  if (bookmark == NULL)
    return;
  copy = bulletin_bookmark_copy (bookmark);
  if (!bulletin_annotations_remove_bookmark (self->store, article_id, &error))
    {
      show_error (self, error);
      return;
    }
  offer_undo (self, _("Bookmark removed"), G_OBJECT (copy), FALSE);
}

static void
fill_issue (BulletinAnnotationsController *self,
            const char                   **id,
            const char                   **title,
            const char                   **date)
{
  *id = *title = *date = NULL;
  if (self->issue != NULL)
    {
      *id = bulletin_issue_get_id (self->issue);
      *title = bulletin_issue_get_title (self->issue);
      *date = bulletin_issue_get_date (self->issue);
    }
}

/* The archive open now, as bookmarks and notes record it */
static void
fill_archive (BulletinAnnotationsController *self,
              char                         **uri,
              const char                   **name)
{
  BulletinLibrary *library = self->window->library;

  *uri = library != NULL ? g_file_get_uri (bulletin_library_get_location (library)) : NULL;
  *name = library != NULL ? bulletin_library_get_display_name (library) : NULL;
}

void
_bulletin_window_toggle_bookmark (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  BulletinAnnotationsController *self = BULLETIN_WINDOW (user_data)->annotations;
  BulletinArticle *article = current_article (self);
  const char *announcement = NULL;
  const char *id;
  g_autoptr(GError) error = NULL;

  if (article == NULL)
    return;
  id = bulletin_article_get_id (article);
  if (bulletin_annotations_lookup_bookmark (self->store, id) != NULL)
    {
      remove_bookmark (self, id);
      announcement = _("Bookmark removed");
    }
  else
    {
      g_autoptr(BulletinBookmark) bookmark = bulletin_bookmark_new_for_article (article);
      const char *issue_id, *title, *date, *archive_name;
      g_autofree char *archive_uri = NULL;

      fill_issue (self, &issue_id, &title, &date);
      bulletin_bookmark_set_issue (bookmark, issue_id, title, date);
      fill_archive (self, &archive_uri, &archive_name);
      bulletin_bookmark_set_archive (bookmark, archive_uri, archive_name);
      if (!bulletin_annotations_add_bookmark (self->store, bookmark, &error))
        show_error (self, error);
      else
        announcement = _("Bookmark added");
    }
  update_actions (self);
  /* after the button's tooltip changed, which GTK also makes its description */
  if (announcement != NULL)
    bulletin_announce (self->bookmark_button, announcement);
}

/* --- the note editor --------------------------------------------------------- */

static void
finish_editing (BulletinAnnotationsController *self)
{
  g_clear_object (&self->editing);
  g_clear_pointer (&self->editing_text, g_free);
  self->editing_new = FALSE;
}

static char *
editor_dup_text (BulletinAnnotationsController *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor_text);
  GtkTextIter s, e;

  gtk_text_buffer_get_bounds (buffer, &s, &e);
  return gtk_text_buffer_get_text (buffer, &s, &e, FALSE);
}

/* Saves what the editor holds: a new note with text is added, a changed
 * one updated (and the change can be undone).  Nothing typed is ever
 * dropped silently. */
void
bulletin_annotations_controller_save_editor (BulletinAnnotationsController *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));

  if (self->editing == NULL)
    return;

  text = editor_dup_text (self);

  if (self->editing_new)
    {
      if (*text != '\0')
        {
          bulletin_note_set_text (self->editing, text);
          if (!bulletin_annotations_add_note (self->store, self->editing, &error))
            show_error (self, error);
        }
    }
  else if (g_strcmp0 (text, bulletin_note_get_text (self->editing)) != 0)
    {
      g_autoptr(BulletinNote) before = bulletin_note_copy (self->editing);

      bulletin_note_set_text (self->editing, text);
      /* Ctrl+Z undoes it; no toast, which would hold back the next one */
      if (!bulletin_annotations_update_note (self->store, self->editing, &error))
        show_error (self, error);
      else
        push_undo (self, G_OBJECT (before), TRUE);
    }
  finish_editing (self);
  apply_highlights (self);
}

static void
editor_closed (GtkPopover                    *popover,
               BulletinAnnotationsController *self)
{
  /* closed to ask whether to discard: the answer decides */
  if (self->confirming)
    return;
  bulletin_annotations_controller_save_editor (self);
}

static void
save_clicked (GtkButton                     *button,
              BulletinAnnotationsController *self)
{
  gtk_popover_popdown (self->editor);
  bulletin_annotations_controller_save_editor (self);
}

/* The question asked (AdwMessageDialog, or AdwAlertDialog where it
 * exists): "response" carries the id of the answer. */
static GObject *
ask (BulletinAnnotationsController *self,
     const char                    *heading,
     const char                    *body,
     const char                    *cancel_label,
     const char                    *yes_id,
     const char                    *yes_label,
     gboolean                       destructive,
     GCallback                      response,
     gpointer                       data,
     GDestroyNotify                 destroy)
{
#if ADW_CHECK_VERSION (1, 6, 0)
  AdwAlertDialog *dialog = ADW_ALERT_DIALOG (adw_alert_dialog_new (heading, body));

  adw_alert_dialog_add_responses (dialog, "cancel", cancel_label, yes_id, yes_label, NULL);
  adw_alert_dialog_set_response_appearance (dialog, yes_id, destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                                        : ADW_RESPONSE_SUGGESTED);
  adw_alert_dialog_set_default_response (dialog, destructive ? "cancel" : yes_id);
  adw_alert_dialog_set_close_response (dialog, "cancel");
#else
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", cancel_label, yes_id, yes_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, yes_id, destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                                          : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, destructive ? "cancel" : yes_id);
  adw_message_dialog_set_close_response (dialog, "cancel");
#endif
  g_signal_connect_data (dialog, "response", response, data, (GClosureNotify) (void (*) (void)) destroy, 0);
  if (self->dialog != NULL)
    g_object_remove_weak_pointer (self->dialog, (gpointer *) &self->dialog);
  self->dialog = G_OBJECT (dialog);
  g_object_add_weak_pointer (self->dialog, (gpointer *) &self->dialog);
#if ADW_CHECK_VERSION (1, 6, 0)
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self->window));
#else
  gtk_window_present (GTK_WINDOW (dialog));
#endif
  return G_OBJECT (dialog);
}

static void
reopen_editor (BulletinAnnotationsController *self)
{
  if (self->editing == NULL || self->window == NULL)
    return;
  gtk_popover_popup (self->editor);
  gtk_widget_grab_focus (GTK_WIDGET (self->editor_text));
}

static void
discard_response (GObject                       *dialog,
                  const char                    *response,
                  BulletinAnnotationsController *self)
{
  self->confirming = FALSE;
  if (g_strcmp0 (response, "discard") == 0)
    finish_editing (self);
  else if (self->editing != NULL && self->window != NULL)
    {
      /* back to the text as it was left, once the dialog is gone: a
       * popover shown while the dialog is still up loses its grab when
       * the dialog goes, and closes again */
      g_signal_connect_object (dialog,
#if ADW_CHECK_VERSION (1, 6, 0)
                               "closed",
#else
                               "destroy",
#endif
                               G_CALLBACK (reopen_editor), self, G_CONNECT_SWAPPED);
    }
}

/* Escape in the editor: closes it without saving, asking first when the
 * text was changed. */
static void
cancel_editor (BulletinAnnotationsController *self)
{
  g_autofree char *text = NULL;

  if (self->editing == NULL)
    {
      gtk_popover_popdown (self->editor);
      return;
    }
  text = editor_dup_text (self);
  if (g_strcmp0 (text, self->editing_text) == 0)
    {
      finish_editing (self);
      gtk_popover_popdown (self->editor);
      return;
    }
  self->confirming = TRUE;
  gtk_popover_popdown (self->editor);
  ask (self,
       self->editing_new ? _("Discard the Note?") : _("Discard the Changes?"),
       self->editing_new ? _("The text typed will be lost.")
                         : _("The note will keep the text it had before."),
       _("_Keep Editing"), "discard", _("_Discard"), TRUE,
       G_CALLBACK (discard_response), g_object_ref (self), g_object_unref);
}

static void
note_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  BulletinAnnotationsController *self = user_data;

  if (g_str_equal (g_action_get_name (G_ACTION (action)), "save"))
    save_clicked (NULL, self);
  else
    cancel_editor (self);
}

static void
remove_note (BulletinAnnotationsController *self,
             BulletinNote                  *note)
{
  g_autoptr(BulletinNote) copy = bulletin_note_copy (note);
  g_autoptr(GError) error = NULL;

  if (!bulletin_annotations_remove_note (self->store, bulletin_note_get_uuid (note), &error))
    {
      show_error (self, error);
      return;
    }
  offer_undo (self, _("Note deleted"), G_OBJECT (copy), FALSE);
  apply_highlights (self);
}

static void
delete_clicked (GtkButton                     *button,
                BulletinAnnotationsController *self)
{
  g_autoptr(BulletinNote) note = self->editing ? g_object_ref (self->editing) : NULL;
  gboolean was_new = self->editing_new;

  finish_editing (self);
  gtk_popover_popdown (self->editor);
  if (note != NULL && !was_new)
    remove_note (self, note);
}

static void
build_editor (BulletinAnnotationsController *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));
  GtkWidget *quote = gtk_label_new (NULL);

  /* in the box around the reader: a text view takes only its own kind of
   * children; we keep a reference, the box may drop it first */
  self->editor = g_object_ref_sink (GTK_POPOVER (gtk_popover_new ()));
  gtk_widget_set_parent (GTK_WIDGET (self->editor), GTK_WIDGET (self->window->reader_area));
  gtk_popover_set_position (self->editor, GTK_POS_BOTTOM);

  self->editor_quote = GTK_LABEL (quote);
  gtk_label_set_wrap (self->editor_quote, TRUE);
  gtk_label_set_wrap_mode (self->editor_quote, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (self->editor_quote, 30);
  gtk_label_set_xalign (self->editor_quote, 0.0);
  gtk_widget_add_css_class (quote, "dim-label");

  self->editor_text = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->editor_text, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (self->editor_text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor_text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->editor_text));
  gtk_accessible_update_property (GTK_ACCESSIBLE (scrolled), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note"), -1);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 120);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_widget_add_css_class (scrolled, "card");

  self->editor_delete = gtk_button_new_with_mnemonic (_("_Delete"));
  gtk_widget_add_css_class (self->editor_delete, "destructive-action");
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_widget_set_hexpand (save, TRUE);
  gtk_widget_set_halign (save, GTK_ALIGN_END);
  g_signal_connect_object (save, "clicked", G_CALLBACK (save_clicked), self, 0);
  g_signal_connect_object (self->editor_delete, "clicked", G_CALLBACK (delete_clicked), self, 0);
  gtk_box_append (GTK_BOX (buttons), self->editor_delete);
  gtk_box_append (GTK_BOX (buttons), save);

  gtk_box_append (GTK_BOX (box), quote);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_popover_set_child (self->editor, box);
  gtk_popover_set_default_widget (self->editor, save);
  g_signal_connect_object (self->editor, "closed", G_CALLBACK (editor_closed), self, 0);

  /* note.save (Ctrl+Enter) and note.cancel (Escape), from the one table
   * of shortcuts; they win over the popover's own Escape */
  {
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
    const GActionEntry entries[] = {
      { "save", note_action },
      { "cancel", note_action },
    };

    g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
    gtk_widget_insert_action_group (GTK_WIDGET (self->editor), "note", G_ACTION_GROUP (group));
    gtk_widget_add_controller (GTK_WIDGET (self->editor), bulletin_accels_new_controller ("note."));
  }
}

/* Shows @note in the editor, pointing at the display range (or at the top
 * of the reader for an article note). */
static void
open_editor (BulletinAnnotationsController *self,
             BulletinNote                  *note,
             gboolean                       is_new,
             gboolean                       has_range,
             guint                          ds,
             guint                          de)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GdkRectangle rect = { 0, 0, 1, 1 };

  if (self->editing != NULL)
    bulletin_annotations_controller_save_editor (self);

  /* a stored note is edited as a copy, given back by update_note (): the
   * store writes in a thread and owns what it holds */
  self->editing = is_new ? g_object_ref (note) : bulletin_note_copy (note);
  self->editing_new = is_new;
  self->editing_text = g_strdup (bulletin_note_get_text (note) ? bulletin_note_get_text (note) : "");

  if (bulletin_note_has_range (note))
    {
      g_autofree char *shortened = shorten (bulletin_note_get_quote (note), 80);
      g_autofree char *quoted = g_strdup_printf (_("“%s”"), shortened);

      gtk_label_set_text (self->editor_quote, quoted);
    }
  else
    gtk_label_set_text (self->editor_quote, _("Note on the article"));
  {
    GtkTextBuffer *editor_buffer = gtk_text_view_get_buffer (self->editor_text);

    /* the note's text is where Undo in the editor stops */
    gtk_text_buffer_begin_irreversible_action (editor_buffer);
    gtk_text_buffer_set_text (editor_buffer, bulletin_note_get_text (note), -1);
    gtk_text_buffer_end_irreversible_action (editor_buffer);
  }
  gtk_widget_set_visible (self->editor_delete, !is_new);

  if (has_range)
    {
      GtkTextIter s, e;
      GdkRectangle a, b;

      bulletin_typography_get_iter_at_display (buffer, &s, ds);
      bulletin_typography_get_iter_at_display_end (buffer, &e, de);
      gtk_text_view_get_iter_location (self->text_view, &s, &a);
      gtk_text_view_get_iter_location (self->text_view, &e, &b);
      if (b.y == a.y)
        gdk_rectangle_union (&a, &b, &rect);
      else
        rect = a;
      gtk_text_view_buffer_to_window_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET,
                                             rect.x, rect.y, &rect.x, &rect.y);
    }
  else
    {
      rect.x = gtk_widget_get_width (GTK_WIDGET (self->text_view)) / 2;
      rect.y = 12;
    }
  /* a passage out of view (selected, then scrolled away): the editor
   * points at the reader's edge nearest to it.  GTK 4.8 on X11 places a
   * popover whose anchor is on no monitor with bounds it never set
   * ("gdk_monitor_get_geometry: assertion 'GDK_IS_MONITOR (monitor)'
   * failed", its contents allocated a negative height). */
  {
    int width = MAX (gtk_widget_get_width (GTK_WIDGET (self->text_view)), 1);
    int height = MAX (gtk_widget_get_height (GTK_WIDGET (self->text_view)), 1);

    rect.x = CLAMP (rect.x, 0, width - 1);
    rect.y = CLAMP (rect.y, 0, height - 1);
    rect.width = CLAMP (rect.width, 1, width - rect.x);
    rect.height = CLAMP (rect.height, 1, height - rect.y);
  }
  {
    GtkWidget *area = gtk_widget_get_parent (GTK_WIDGET (self->editor));
#if GTK_CHECK_VERSION (4, 10, 0)
    graphene_point_t p = GRAPHENE_POINT_INIT (rect.x, rect.y), q;

    if (gtk_widget_compute_point (GTK_WIDGET (self->text_view), area, &p, &q))
      {
        rect.x = q.x;
        rect.y = q.y;
      }
#else
    double qx, qy;

    if (gtk_widget_translate_coordinates (GTK_WIDGET (self->text_view), area, rect.x, rect.y, &qx, &qy))
      {
        rect.x = qx;
        rect.y = qy;
      }
#endif
  }
  gtk_popover_set_pointing_to (self->editor, &rect);
  gtk_popover_popup (self->editor);
  gtk_widget_grab_focus (GTK_WIDGET (self->editor_text));
}

void
_bulletin_window_add_note (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  BulletinAnnotationsController *self = BULLETIN_WINDOW (user_data)->annotations;
  BulletinArticle *article = current_article (self);
  g_autoptr(BulletinNote) note = NULL;
  const char *issue_id, *title, *date, *archive_name;
  g_autofree char *archive_uri = NULL;
  guint start, end, ds, de;
  gboolean range;

  if (article == NULL)
    return;
  bulletin_reader_view_complete (self->reader);
  range = g_str_equal (g_action_get_name (G_ACTION (action)), "add-note") &&
          selection_source_range (self, &start, &end);
  if (range)
    note = bulletin_note_new_for_range (article, start, end);
  else
    {
      note = bulletin_note_new (bulletin_article_get_id (article));
      bulletin_note_set_headline (note, bulletin_article_get_headline (article));
    }
  fill_issue (self, &issue_id, &title, &date);
  bulletin_note_set_issue (note, issue_id, title, date);
  fill_archive (self, &archive_uri, &archive_name);
  bulletin_note_set_archive (note, archive_uri, archive_name);
  if (range)
    source_to_display (self, start, end, &ds, &de);
  open_editor (self, note, TRUE, range, range ? ds : 0, range ? de : 0);
}

/* --- highlights ---------------------------------------------------------------- */

static GtkTextTag *
note_tag (BulletinAnnotationsController *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, NOTE_TAG);

  if (tag == NULL)
    {
      tag = gtk_text_buffer_create_tag (buffer, NOTE_TAG, NULL);
      bulletin_highlight_style_tag (buffer, tag, BULLETIN_HIGHLIGHT_NOTE);
    }
  return tag;
}

static void
apply_highlights (BulletinAnnotationsController *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  BulletinArticle *article = current_article (self);
  GtkTextTag *tag = note_tag (self);
  g_autoptr(GPtrArray) notes = NULL;
  GtkTextIter s, e;

  gtk_text_buffer_get_bounds (buffer, &s, &e);
  gtk_text_buffer_remove_tag (buffer, tag, &s, &e);
  g_array_set_size (self->highlights, 0);

  if (article == NULL || bulletin_reader_view_get_display_text (self->reader) == NULL ||
      !bulletin_reader_view_is_complete (self->reader))
    return;

  notes = bulletin_annotations_dup_notes_for_article (self->store, bulletin_article_get_id (article));
  for (guint i = 0; i < notes->len; i++)
    {
      BulletinNote *note = g_ptr_array_index (notes, i);
      BulletinAnchorState state;
      guint start, end;
      Highlight h;

      state = bulletin_annotations_anchor_note (note, article, &start, &end);
      if (state != BULLETIN_ANCHOR_EXACT && state != BULLETIN_ANCHOR_MOVED)
        continue;
      source_to_display (self, start, end, &h.start, &h.end);
      h.uuid = g_strdup (bulletin_note_get_uuid (note));
      g_array_append_val (self->highlights, h);
      bulletin_typography_get_iter_at_display (buffer, &s, h.start);
      bulletin_typography_get_iter_at_display_end (buffer, &e, h.end);
      gtk_text_buffer_apply_tag (buffer, tag, &s, &e);
    }
}

static void
text_clicked (GtkGestureClick               *gesture,
              int                            n_press,
              double                         x,
              double                         y,
              BulletinAnnotationsController *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter iter;
  int bx, by;
  guint offset;

  if (n_press != 1 || gtk_text_buffer_get_has_selection (buffer))
    return;
  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (self->text_view, &iter, bx, by))
    return;
  offset = bulletin_typography_get_display_offset (&iter);

  for (guint i = 0; i < self->highlights->len; i++)
    {
      Highlight *h = &g_array_index (self->highlights, Highlight, i);

      if (offset >= h->start && offset < h->end)
        {
          BulletinNote *note = bulletin_annotations_lookup_note (self->store, h->uuid);

          if (note != NULL)
            open_editor (self, note, FALSE, TRUE, h->start, h->end);
          return;
        }
    }
}

/**
 * bulletin_annotations_controller_edit_note:
 * @note: a note on the article shown
 *
 * Opens @note in the editor, pointing at its passage, as clicking the
 * passage does.
 */
void
bulletin_annotations_controller_edit_note (BulletinAnnotationsController *self,
                                           BulletinNote                  *note)
{
  BulletinArticle *article;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));
  g_return_if_fail (BULLETIN_IS_NOTE (note));

  article = current_article (self);
  if (article == NULL || g_strcmp0 (bulletin_article_get_id (article), bulletin_note_get_article_id (note)) != 0)
    return;
  for (guint i = 0; i < self->highlights->len; i++)
    {
      Highlight *h = &g_array_index (self->highlights, Highlight, i);

      if (g_strcmp0 (h->uuid, bulletin_note_get_uuid (note)) == 0)
        {
          open_editor (self, note, FALSE, TRUE, h->start, h->end);
          return;
        }
    }
  open_editor (self, note, FALSE, FALSE, 0, 0);
}

/* --- citation, export -------------------------------------------------------- */

void
_bulletin_window_copy_citation (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  BulletinAnnotationsController *self = BULLETIN_WINDOW (user_data)->annotations;
  BulletinArticle *article = current_article (self);
  const char *issue_id, *title, *date;
  g_autofree char *quote = NULL;
  g_autofree char *citation = NULL;
  guint start, end;

  if (article == NULL)
    return;
  if (selection_source_range (self, &start, &end))
    quote = bulletin_article_dup_source_range (article, start, end);
  fill_issue (self, &issue_id, &title, &date);
  citation = bulletin_annotations_build_citation (bulletin_article_get_headline (article),
                                                  title, date, quote);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self->window)), citation);
  bulletin_window_show_message (self->window, _("Citation copied"));
}

typedef enum {
  FILE_EXPORT,
  FILE_BACKUP,
  FILE_IMPORT,
  FILE_BACKUP_AND_CLOSE,  /* the unsaved-changes dialog's Export */
} FileJob;

static void
file_chosen (BulletinAnnotationsController *self,
             FileJob                        job,
             GFile                         *file)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  /* a backup holds the corrections too, even while --no-corrections
   * leaves them unapplied */
  g_autoptr(BulletinCorrections) corrections = bulletin_corrections_get_default () != NULL
                                               ? g_object_ref (bulletin_corrections_get_default ())
                                               : bulletin_corrections_new (NULL);

  switch (job)
    {
    case FILE_EXPORT:
      {
        g_autofree char *markdown = bulletin_annotations_export_markdown (self->store);

        if (g_file_replace_contents (file, markdown, strlen (markdown), NULL, FALSE,
                                     G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
          message = g_strdup_printf (_("Bookmarks and notes saved to “%s”"), name);
      }
      break;
    case FILE_BACKUP:
      if (bulletin_corrections_backup (corrections, self->store, file, &error))
        message = g_strdup_printf (_("Backup saved to “%s”"), name);
      break;
    case FILE_IMPORT:
      {
        BulletinRestoreCounts counts;

        if (bulletin_corrections_restore (corrections, self->store, file, &counts, &error))
          {
            g_autofree char *notes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note", "%u notes", counts.notes), counts.notes);
            g_autofree char *bookmarks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bookmark", "%u bookmarks", counts.bookmarks), counts.bookmarks);
            g_autofree char *fixes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u correction", "%u corrections", counts.corrections), counts.corrections);

            /* Translators: e.g. "Restored 3 notes, 2 bookmarks and 1 correction from “backup.ini”" */
            message = g_strdup_printf (_("Restored %s, %s and %s from “%s”"), notes, bookmarks, fixes, name);
            if (counts.corrections > 0)
              {
                /* the issue shown is read again with the corrections */
                bulletin_window_corrections_refresh (self->window, message);
                return;
              }
          }
      }
      break;
    case FILE_BACKUP_AND_CLOSE:
      if (bulletin_corrections_backup (corrections, self->store, file, &error))
        {
          /* everything is in that file: the window may close */
          self->discard_unsaved = TRUE;
          gtk_window_close (GTK_WINDOW (self->window));
          return;
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (message == NULL)
    message = g_strdup_printf (_("Could not use “%s”: %s"), name, error->message);
  bulletin_window_show_message (self->window, message);
}

/* What the file dialogs of Back Up… and Import… do with the file chosen */
void
bulletin_annotations_controller_back_up_to (BulletinAnnotationsController *self,
                                            GFile                         *file)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));
  g_return_if_fail (G_IS_FILE (file));

  file_chosen (self, FILE_BACKUP, file);
}

void
bulletin_annotations_controller_restore_from (BulletinAnnotationsController *self,
                                              GFile                         *file)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));
  g_return_if_fail (G_IS_FILE (file));

  file_chosen (self, FILE_IMPORT, file);
}

#if GTK_CHECK_VERSION (4, 10, 0)
typedef struct {
  BulletinAnnotationsController *self;
  FileJob                        job;
} FileRequest;

static void
file_dialog_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FileRequest *request = user_data;
  g_autoptr(BulletinAnnotationsController) self = request->self;
  FileJob job = request->job;
  g_autoptr(GFile) file = NULL;

  g_free (request);
  if (job == FILE_IMPORT)
    file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, NULL);
  else
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, NULL);
  if (file != NULL && self->window != NULL)
    file_chosen (self, job, file);
}
#else
static void
chooser_response (GtkNativeDialog               *dialog,
                  int                            response,
                  BulletinAnnotationsController *self)
{
  FileJob job = self->chooser_job;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        file_chosen (self, job, file);
    }
  g_clear_object (&self->chooser);
}
#endif

static void
choose_file (BulletinAnnotationsController *self,
             FileJob                        job)
{
  const char *title = job == FILE_EXPORT ? _("Export Bookmarks and Notes")
                    : job == FILE_BACKUP ? _("Back Up Bookmarks and Notes")
                    : job == FILE_BACKUP_AND_CLOSE ? _("Export Unsaved Bookmarks and Notes")
                                         : _("Import Bookmarks and Notes");
  const char *name = job == FILE_EXPORT ? _("Notes.md") : _("Bookmarks and notes backup.ini");
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  FileRequest *request = g_new0 (FileRequest, 1);

  request->self = g_object_ref (self);
  request->job = job;
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (job == FILE_IMPORT)
    gtk_file_dialog_open (dialog, GTK_WINDOW (self->window), NULL, file_dialog_done, request);
  else
    {
      gtk_file_dialog_set_initial_name (dialog, name);
      gtk_file_dialog_save (dialog, GTK_WINDOW (self->window), NULL, file_dialog_done, request);
    }
#else
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self->window),
                                               job == FILE_IMPORT ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                                  : GTK_FILE_CHOOSER_ACTION_SAVE,
                                               job == FILE_IMPORT ? _("_Import") : _("_Save"),
                                               _("_Cancel"));
  if (job != FILE_IMPORT)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  self->chooser_job = job;
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
#endif
}

void
_bulletin_window_notes_file (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  BulletinAnnotationsController *self = BULLETIN_WINDOW (user_data)->annotations;
  const char *name = g_action_get_name (G_ACTION (action));

  choose_file (self, g_str_equal (name, "export-notes") ? FILE_EXPORT
                     : g_str_equal (name, "backup-notes") ? FILE_BACKUP : FILE_IMPORT);
}

/* --- opening articles ---------------------------------------------------------- */

static void
scroll_pending (BulletinAnnotationsController *self)
{
  BulletinArticle *article = current_article (self);
  guint ds, de;

  if (!self->pending_scroll || article == NULL ||
      g_strcmp0 (bulletin_article_get_id (article), self->pending_article) != 0)
    return;

  self->pending_scroll = FALSE;
  bulletin_reader_view_complete (self->reader);
  source_to_display (self, self->pending_start, self->pending_end, &ds, &de);
  if (self->pending_is_note)
    bulletin_reader_view_scroll_to_range (self->reader, ds, de);
  else
    /* (GtkTextView alone would place the line with the lines above it
     * not laid out yet, as good as at the top of a long article) */
    bulletin_reader_view_scroll_to_line (self->reader, ds);
}

static void
show_loaded (BulletinAnnotationsController *self,
             BulletinIssue                 *issue)
{
  BulletinArticle *article = bulletin_issue_find_article (issue, self->pending_article);
  BulletinArticle *shown = current_article (self);

  self->opening = FALSE;
  if (article == NULL)
    {
      if (!self->pending_quiet)
        bulletin_window_show_message (self->window, _("The article is no longer in this issue"));
      self->pending_scroll = FALSE;
      return;
    }
  g_set_object (&self->issue, issue);
  if (shown != NULL && g_strcmp0 (bulletin_article_get_id (shown), self->pending_article) == 0)
    scroll_pending (self);
  else
    bulletin_window_show_article (self->window, issue, article);
}

static void
issue_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BulletinAnnotationsController) self = user_data;
  g_autoptr(GError) error = NULL;

  /* unless the person chose another article meanwhile, or another
   * archive was opened */
  if (!self->opening || object != self->pending_issue)
    return;
  if (!bulletin_issue_load_finish (BULLETIN_ISSUE (object), result, &error))
    {
      self->opening = FALSE;
      if (self->window != NULL && !self->pending_quiet)
        show_error (self, error);
      return;
    }
  if (self->window != NULL)
    show_loaded (self, BULLETIN_ISSUE (object));
}

static BulletinIssue *
find_issue (BulletinAnnotationsController *self,
            const char                    *issue_id,
            const char                    *article_id)
{
  BulletinLibrary *library = self->window->library;
  GListModel *issues;
  guint n;

  if (library == NULL)
    return NULL;
  issues = bulletin_library_get_issues (library);
  n = g_list_model_get_n_items (issues);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BulletinIssue) issue = g_list_model_get_item (issues, i);

      if (issue_id != NULL ? g_strcmp0 (bulletin_issue_get_id (issue), issue_id) == 0
                           : (bulletin_issue_is_loaded (issue) &&
                              bulletin_issue_find_article (issue, article_id) != NULL))
        return g_steal_pointer (&issue);
    }
  return NULL;
}

/* Looking through the issues not loaded yet for an article (an issue's
 * id is known only once it is loaded): those of @date first, newest
 * first, one at a time. */
typedef struct {
  BulletinAnnotationsController *self;
  BulletinLibrary               *library;  /* the archive searched */
  char                          *article_id;
  GPtrArray                     *candidates;
  guint                          next;
} Search;

/* The search is still wanted: the window is open, with the archive it
 * searches, and the article is still the one to open.  (Two archives can
 * hold the same article, and the archive opened next may ask for it too:
 * the id alone does not tell.) */
static gboolean
search_wanted (Search *search)
{
  return search->self->window != NULL &&
         search->self->window->library == search->library &&
         g_strcmp0 (search->self->pending_article, search->article_id) == 0;
}

static void
search_free (Search *search)
{
  g_object_unref (search->self);
  g_object_unref (search->library);
  g_free (search->article_id);
  g_ptr_array_unref (search->candidates);
  g_free (search);
}

static void search_next (Search *search);

static void
search_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Search *search = user_data;
  BulletinIssue *issue = BULLETIN_ISSUE (object);

  if (bulletin_issue_load_finish (issue, result, NULL) &&
      search_wanted (search) &&
      bulletin_issue_find_article (issue, search->article_id) != NULL)
    {
      show_loaded (search->self, issue);
      search_free (search);
      return;
    }
  search_next (search);
}

static void
search_next (Search *search)
{
  BulletinIssue *issue;

  if (!search_wanted (search))
    {
      search_free (search);
      return;
    }
  if (search->next >= search->candidates->len)
    {
      search->self->opening = FALSE;
      if (!search->self->pending_quiet)
        bulletin_window_show_message (search->self->window,
                                      _("The article is not in the archive that is open"));
      search->self->pending_scroll = FALSE;
      search_free (search);
      return;
    }
  issue = g_ptr_array_index (search->candidates, search->next++);
  bulletin_issue_load_async (issue, NULL, search_loaded, search);
}

static void
open_article (BulletinAnnotationsController *self,
              const char                    *issue_id,
              const char                    *issue_date,
              const char                    *article_id,
              gboolean                       scroll,
              guint                          start,
              guint                          end,
              gboolean                       is_note)
{
  g_autoptr(BulletinIssue) issue = find_issue (self, issue_id, article_id);
  BulletinLibrary *library = self->window->library;

  g_free (self->pending_article);
  self->pending_article = g_strdup (article_id);
  self->pending_scroll = scroll;
  self->pending_start = start;
  self->pending_end = end;
  self->pending_is_note = is_note;
  self->pending_issue = NULL;
  self->opening = TRUE;

  if (issue == NULL && issue_id != NULL)
    issue = find_issue (self, NULL, article_id);

  if (issue != NULL)
    {
      if (bulletin_issue_is_loaded (issue))
        show_loaded (self, issue);
      else
        {
          self->pending_issue = issue;
          bulletin_issue_load_async (issue, NULL, issue_loaded, g_object_ref (self));
        }
    }
  else if (library != NULL)
    {
      GListModel *issues = bulletin_library_get_issues (library);
      Search *search = g_new0 (Search, 1);
      guint n = g_list_model_get_n_items (issues);

      search->self = g_object_ref (self);
      search->library = g_object_ref (library);
      search->article_id = g_strdup (article_id);
      search->candidates = g_ptr_array_new_with_free_func (g_object_unref);
      for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(BulletinIssue) candidate = g_list_model_get_item (issues, i);
            gboolean same_date = issue_date != NULL &&
                                 g_strcmp0 (bulletin_issue_get_date (candidate), issue_date) == 0;

            if (bulletin_issue_is_loaded (candidate) || same_date != (pass == 0))
              continue;
            g_ptr_array_add (search->candidates, g_steal_pointer (&candidate));
          }
      search_next (search);
    }
  else
    {
      self->opening = FALSE;
      bulletin_window_show_message (self->window, _("Open the archive that holds the article first"));
    }
}

static void
clear_target (BulletinAnnotationsController *self)
{
  g_clear_pointer (&self->target_uri, g_free);
  g_clear_pointer (&self->target_issue_id, g_free);
  g_clear_pointer (&self->target_issue_date, g_free);
  g_clear_pointer (&self->target_article, g_free);
}

/* Opens the archive at @uri, then the article of @item in it */
static void
open_in_archive (BulletinAnnotationsController *self,
                 GObject                       *item,
                 const char                    *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);

  clear_target (self);
  self->target_uri = g_strdup (uri);
  if (BULLETIN_IS_BOOKMARK (item))
    {
      BulletinBookmark *b = BULLETIN_BOOKMARK (item);

      self->target_issue_id = g_strdup (bulletin_bookmark_get_issue_id (b));
      self->target_issue_date = g_strdup (bulletin_bookmark_get_issue_date (b));
      self->target_article = g_strdup (bulletin_bookmark_get_article_id (b));
      self->target_scroll = FALSE;
      self->target_start = self->target_end = 0;
      self->target_is_note = FALSE;
    }
  else
    {
      BulletinNote *n = BULLETIN_NOTE (item);

      self->target_issue_id = g_strdup (bulletin_note_get_issue_id (n));
      self->target_issue_date = g_strdup (bulletin_note_get_issue_date (n));
      self->target_article = g_strdup (bulletin_note_get_article_id (n));
      self->target_scroll = bulletin_note_has_range (n);
      self->target_start = bulletin_note_get_start (n);
      self->target_end = bulletin_note_get_end (n);
      self->target_is_note = TRUE;
    }
  /* the window calls bulletin_annotations_controller_archive_opened (),
   * which goes to the target once the archive is listed */
  bulletin_window_open (self->window, file);
}

static void
open_archive_response (GObject                       *dialog,
                       const char                    *response,
                       BulletinAnnotationsController *self)
{
  g_autoptr(GObject) item = g_steal_pointer (&self->asked_item);
  g_autofree char *uri = g_steal_pointer (&self->asked_uri);

  if (g_strcmp0 (response, "open") == 0 && self->window != NULL && item != NULL)
    open_in_archive (self, item, uri);
}

/* The archive @item was made in, when that is not the archive open and
 * can still be opened; else NULL. */
static const char *
other_archive (BulletinAnnotationsController *self,
               GObject                       *item,
               const char                   **name)
{
  BulletinLibrary *library = self->window->library;
  const char *uri;
  g_autofree char *current = NULL;
  g_autoptr(GFile) file = NULL;

  if (BULLETIN_IS_BOOKMARK (item))
    {
      uri = bulletin_bookmark_get_archive_uri (BULLETIN_BOOKMARK (item));
      *name = bulletin_bookmark_get_archive_name (BULLETIN_BOOKMARK (item));
    }
  else
    {
      uri = bulletin_note_get_archive_uri (BULLETIN_NOTE (item));
      *name = bulletin_note_get_archive_name (BULLETIN_NOTE (item));
    }
  if (uri == NULL)
    return NULL;
  if (library != NULL)
    {
      current = g_file_get_uri (bulletin_library_get_location (library));
      if (g_str_equal (current, uri))
        return NULL;
    }
  /* a local archive that has gone (moved, renamed): look in the one open */
  file = g_file_new_for_uri (uri);
  if (g_file_is_native (file) && !g_file_query_exists (file, NULL))
    return NULL;
  return uri;
}

static void
view_open (BulletinAnnotationsView       *view,
           GObject                       *item,
           BulletinAnnotationsController *self)
{
  const char *name = NULL;
  const char *uri = other_archive (self, item, &name);

  if (uri != NULL)
    {
      BulletinLibrary *library = self->window->library;
      g_autofree char *shown = NULL;
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;
      if (name == NULL)
        {
          g_autoptr(GFile) file = g_file_new_for_uri (uri);

          name = shown = g_file_get_parse_name (file);
        }
      if (library == NULL)
        {
          open_in_archive (self, item, uri);
          return;
        }
      /* Translators: a question; %s is the name of an archive */
      heading = g_strdup_printf (_("Open “%s”?"), name);
      body = g_strdup_printf (BULLETIN_IS_BOOKMARK (item)
                                ? _("The bookmark was made in “%s”. It opens in place of “%s”.")
                                : _("The note was made in “%s”. It opens in place of “%s”."),
                              name, bulletin_library_get_display_name (library));
      g_set_object (&self->asked_item, item);
      g_free (self->asked_uri);
      self->asked_uri = g_strdup (uri);
      ask (self, heading, body, _("_Cancel"), "open", _("_Open"), FALSE,
           G_CALLBACK (open_archive_response), g_object_ref (self), g_object_unref);
      return;
    }

  self->pending_quiet = FALSE;
  if (BULLETIN_IS_BOOKMARK (item))
    open_article (self, bulletin_bookmark_get_issue_id (BULLETIN_BOOKMARK (item)),
                  bulletin_bookmark_get_issue_date (BULLETIN_BOOKMARK (item)),
                  bulletin_bookmark_get_article_id (BULLETIN_BOOKMARK (item)), FALSE, 0, 0, FALSE);
  else
    {
      BulletinNote *note = BULLETIN_NOTE (item);

      open_article (self, bulletin_note_get_issue_id (note), bulletin_note_get_issue_date (note),
                    bulletin_note_get_article_id (note),
                    bulletin_note_has_range (note), bulletin_note_get_start (note),
                    bulletin_note_get_end (note), TRUE);
    }
}

static void
view_remove (BulletinAnnotationsView       *view,
             GObject                       *item,
             BulletinAnnotationsController *self)
{
  if (BULLETIN_IS_BOOKMARK (item))
    remove_bookmark (self, bulletin_bookmark_get_article_id (BULLETIN_BOOKMARK (item)));
  else
    remove_note (self, BULLETIN_NOTE (item));
  update_actions (self);
}

/* --- the reading position -------------------------------------------------- */

/**
 * bulletin_annotations_controller_save_position:
 *
 * Remembers the archive, the article and the source offset of the first
 * line in view.
 */
void
bulletin_annotations_controller_save_position (BulletinAnnotationsController *self)
{
  BulletinLibrary *library;
  BulletinArticle *article;
  BulletinDisplayText *display;
  GdkRectangle rect;
  GtkTextIter iter;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  guint offset;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));

  g_clear_handle_id (&self->position_source, g_source_remove);
  if (self->window == NULL || self->restoring)
    return;
  library = self->window->library;
  article = current_article (self);
  display = bulletin_reader_view_get_display_text (self->reader);
  if (library == NULL || article == NULL || display == NULL)
    return;

  gtk_text_view_get_visible_rect (self->text_view, &rect);
  gtk_text_view_get_line_at_y (self->text_view, &iter, rect.y, NULL);
  offset = bulletin_display_text_to_source (display, bulletin_typography_get_display_offset (&iter));
  uri = g_file_get_uri (bulletin_library_get_location (library));
  if (!bulletin_annotations_set_position (self->store, uri,
                                          self->issue ? bulletin_issue_get_id (self->issue) : NULL,
                                          bulletin_article_get_id (article), offset, &error))
    /* kept in memory and tried again with the next save */
    g_message ("Cannot save the reading position: %s", error->message);
}

static gboolean
position_timeout (gpointer user_data)
{
  BulletinAnnotationsController *self = user_data;

  self->position_source = 0;
  bulletin_annotations_controller_save_position (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_position (BulletinAnnotationsController *self)
{
  if (self->position_source == 0)
    self->position_source = g_timeout_add (POSITION_DELAY_MS, position_timeout, self);
}

static void
try_restore (BulletinAnnotationsController *self)
{
  BulletinLibrary *library;
  g_autofree char *uri = NULL;
  g_autofree char *issue_id = NULL;
  g_autofree char *issue_date = NULL;
  g_autofree char *article_id = NULL;
  g_autoptr(BulletinIssue) issue = NULL;
  guint start, end;
  gboolean scroll = TRUE, is_note = FALSE, from_target = FALSE;

  if (!self->restore_armed || self->window == NULL)
    return;
  library = self->window->library;
  if (library != self->seen_library)
    {
      if (self->seen_library != NULL)
        {
          /* another archive was opened meanwhile: not the one to restore */
          self->restore_armed = FALSE;
          return;
        }
      self->seen_library = library;
      if (library != NULL && library != self->watched_library)
        {
          self->watched_library = library;
          g_signal_connect_object (library, "notify::loading", G_CALLBACK (try_restore),
                                   self, G_CONNECT_SWAPPED);
        }
    }
  if (library == NULL || self->restore_done)
    return;
  if (current_article (self) != NULL)
    {
      /* the person chose something already */
      self->restore_done = TRUE;
      clear_target (self);
      return;
    }

  uri = g_file_get_uri (bulletin_library_get_location (library));
  if (self->target_uri != NULL && g_str_equal (self->target_uri, uri))
    {
      /* a bookmark or note of this archive asked for it */
      issue_id = g_strdup (self->target_issue_id);
      issue_date = g_strdup (self->target_issue_date);
      article_id = g_strdup (self->target_article);
      start = self->target_start;
      end = self->target_end;
      scroll = self->target_scroll;
      is_note = self->target_is_note;
      from_target = TRUE;
    }
  else if (bulletin_annotations_get_position (self->store, uri, &issue_id, &article_id, &start))
    end = start;
  else if (bulletin_annotations_is_loading (self->store))
    return;  /* again once it is loaded */
  else
    {
      self->restore_done = TRUE;
      return;
    }
  /* wait until the archive is open: an issue's id is known only once it
   * is loaded, so it may take a search; before the scan starts the
   * library is not loading either, but lists nothing */
  issue = find_issue (self, issue_id, article_id);
  if (issue == NULL &&
      (bulletin_library_get_loading (library) ||
       g_list_model_get_n_items (bulletin_library_get_issues (library)) == 0))
    return;
  self->restore_done = TRUE;
  clear_target (self);
  /* a reading position whose article has gone is no news */
  self->pending_quiet = !from_target;
  open_article (self, issue_id, issue_date, article_id, scroll, start, end, is_note);
}

/**
 * bulletin_annotations_controller_restore_position:
 *
 * Reopens the article and the place where the reader left off in the
 * archive the window is opening (or has open), once it is listed.
 */
void
bulletin_annotations_controller_restore_position (BulletinAnnotationsController *self)
{
  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));

  self->restore_armed = TRUE;
  self->restore_done = FALSE;
  self->seen_library = NULL;
  try_restore (self);
}

static void
update_views_archive (BulletinAnnotationsController *self)
{
  BulletinLibrary *library = self->window->library;
  g_autofree char *uri = NULL;

  if (library != NULL)
    uri = g_file_get_uri (bulletin_library_get_location (library));
  bulletin_annotations_view_set_current_archive (BULLETIN_ANNOTATIONS_VIEW (self->bookmarks_view), uri);
  bulletin_annotations_view_set_current_archive (BULLETIN_ANNOTATIONS_VIEW (self->notes_view), uri);
}

/**
 * bulletin_annotations_controller_archive_opened:
 *
 * The window calls this whenever it starts opening an archive, by any
 * path (at start, Open, Recent Archives, the command line, a file handed
 * over by the file manager): the reader then goes back to where it left
 * off in that archive, or to the bookmark or note that asked for it.
 */
void
bulletin_annotations_controller_archive_opened (BulletinAnnotationsController *self)
{
  BulletinLibrary *library;

  g_return_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self));

  if (self->window == NULL)
    return;
  library = self->window->library;
  if (self->target_uri != NULL)
    {
      g_autofree char *uri = library != NULL ? g_file_get_uri (bulletin_library_get_location (library)) : NULL;

      if (g_strcmp0 (uri, self->target_uri) != 0)
        clear_target (self);
    }
  /* whatever the last archive was still opening is not wanted now */
  g_clear_pointer (&self->pending_article, g_free);
  self->pending_scroll = FALSE;
  self->opening = FALSE;
  g_clear_object (&self->issue);
  update_views_archive (self);
  bulletin_annotations_controller_restore_position (self);
}

/**
 * bulletin_annotations_controller_is_opening:
 *
 * Returns: whether an article is being opened (a reading position being
 *   restored, a bookmark or note's article being looked for)
 */
gboolean
bulletin_annotations_controller_is_opening (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), FALSE);

  return self->opening ||
         (self->restore_armed && !self->restore_done && self->window != NULL &&
          self->window->library == self->seen_library);
}

/**
 * bulletin_annotations_controller_get_dialog:
 *
 * Returns: (transfer none) (nullable): the question the controller asks
 *   now (an AdwMessageDialog, or an AdwAlertDialog on libadwaita 1.6 and
 *   later), whose "response" signal takes its answer
 */
GObject *
bulletin_annotations_controller_get_dialog (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return self->dialog;
}

/* --- reader and store events --------------------------------------------------- */

static void
article_shown (BulletinReaderView            *reader,
               BulletinAnnotationsController *self)
{
  apply_highlights (self);
  update_actions (self);
  if (self->pending_scroll)
    {
      self->restoring = TRUE;
      scroll_pending (self);
      self->restoring = FALSE;
    }
  schedule_position (self);
}

static void
article_changed (BulletinAnnotationsController *self)
{
  BulletinArticle *article = current_article (self);

  /* the person chose another article while one was being opened (the
   * reading position, a bookmark): theirs wins */
  if (self->opening && article != NULL &&
      g_strcmp0 (bulletin_article_get_id (article), self->pending_article) != 0)
    {
      self->opening = FALSE;
      self->pending_scroll = FALSE;
      g_clear_pointer (&self->pending_article, g_free);
    }
  if (self->editing != NULL)
    {
      gtk_popover_popdown (self->editor);
      bulletin_annotations_controller_save_editor (self);
    }
  g_array_set_size (self->highlights, 0);
  update_actions (self);
}

static void
article_selected (BulletinSidebar               *sidebar,
                  BulletinIssue                 *issue,
                  BulletinArticle               *article,
                  BulletinAnnotationsController *self)
{
  g_set_object (&self->issue, issue);
}

static void
store_changed (BulletinAnnotationsController *self)
{
  if (self->window == NULL)
    return;
  if (bulletin_reader_view_is_complete (self->reader))
    apply_highlights (self);
  update_actions (self);
}

static void
store_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BulletinAnnotationsController) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bulletin_annotations_load_finish (BULLETIN_ANNOTATIONS (source), result, &error))
    show_error (self, error);
  if (self->window == NULL)
    return;
  update_actions (self);
  try_restore (self);
}

static void
store_problem (BulletinAnnotations           *store,
               const char                    *message,
               BulletinAnnotationsController *self)
{
  if (self->window != NULL)
    bulletin_window_show_message (self->window, message);
}

static void ask_about_unsaved (BulletinAnnotationsController *self);

static void
unsaved_response (GtkWidget                     *dialog,
                  const char                    *response,
                  BulletinAnnotationsController *self)
{
  g_autoptr(GError) error = NULL;

  self->unsaved_dialog = NULL;
  if (self->window == NULL)
    return;
#if !ADW_CHECK_VERSION (1, 5, 0)
  /* The answer may close the window, which nothing else keeps: the dialog,
   * finished and about to go, must not point at it any more. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
#endif
  if (g_strcmp0 (response, "retry") == 0)
    {
      if (bulletin_annotations_save_now (self->store, &error) &&
          !bulletin_annotations_has_unsaved (self->store))
        gtk_window_close (GTK_WINDOW (self->window));
      else
        ask_about_unsaved (self);
    }
  else if (g_strcmp0 (response, "export") == 0)
    choose_file (self, FILE_BACKUP_AND_CLOSE);
  else if (g_strcmp0 (response, "discard") == 0)
    {
      self->discard_unsaved = TRUE;
      gtk_window_close (GTK_WINDOW (self->window));
    }
}

/* Bookmarks or notes could not be saved and the window is closing: Retry,
 * Export them to a file, Discard them, or Cancel the closing. */
static void
ask_about_unsaved (BulletinAnnotationsController *self)
{
  const char *why = bulletin_annotations_get_save_error (self->store);
  g_autofree char *body = g_strdup_printf (_("Some bookmarks or notes could not be saved to %s%s%s. "
                                             "Try again, export them to a file of your choice "
                                             "(import it later), or discard them."),
                                           bulletin_annotations_get_path (self->store),
                                           why != NULL ? ": " : "", why != NULL ? why : "");
  const char *heading = _("Bookmarks and Notes Not Saved");
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwAlertDialog *dialog = ADW_ALERT_DIALOG (adw_alert_dialog_new (heading, body));

  adw_alert_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"),
                                  "export", _("_Export…"), "retry", _("_Try Again"), NULL);
  adw_alert_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_response_appearance (dialog, "retry", ADW_RESPONSE_SUGGESTED);
  adw_alert_dialog_set_default_response (dialog, "retry");
  adw_alert_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unsaved_response), self, 0);
  self->unsaved_dialog = GTK_WIDGET (dialog);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self->window));
#else
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window),
                                                                         heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"),
                                    "export", _("_Export…"), "retry", _("_Try Again"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "retry", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "retry");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unsaved_response), self, 0);
  self->unsaved_dialog = GTK_WIDGET (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
#endif
}

static gboolean
window_close_request (GtkWindow                     *window,
                      BulletinAnnotationsController *self)
{
  if (self->editing != NULL)
    bulletin_annotations_controller_save_editor (self);
  bulletin_annotations_controller_save_position (self);
  if (self->discard_unsaved)
    return FALSE;
  /* what is still to be written (the write thread's, the position just
   * saved) is written now: the application may end with this window;
   * unsaved changes get one last try, then the question */
  if (bulletin_annotations_save_now (self->store, NULL) && !bulletin_annotations_has_unsaved (self->store))
    return FALSE;
  if (!bulletin_annotations_has_unsaved (self->store))
    return FALSE;
  if (self->unsaved_dialog == NULL)
    ask_about_unsaved (self);
  return TRUE;
}

/**
 * bulletin_annotations_controller_get_unsaved_dialog:
 *
 * Returns: (transfer none) (nullable): the dialog asking what to do with
 *   unsaved bookmarks and notes while it is shown (an #AdwAlertDialog or
 *   #AdwMessageDialog, both with a "response" signal)
 */
GtkWidget *
bulletin_annotations_controller_get_unsaved_dialog (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return self->unsaved_dialog;
}

static void
restore_damaged_clicked (AdwToast                      *toast,
                         BulletinAnnotationsController *self)
{
  g_autoptr(GError) error = NULL;

  if (self->damaged_path == NULL)
    return;
  if (!bulletin_annotations_restore_damaged_copy (self->store, self->damaged_path, &error))
    show_error (self, error);
  else
    bulletin_window_show_message (self->window, _("Bookmarks and notes restored from the damaged copy"));
}

/* A copy of a damaged file newer than the key file: say so, offer to
 * restore what can be read of it. */
static void
offer_damaged_copy (BulletinAnnotationsController *self)
{
  g_autofree char *path = bulletin_annotations_find_newer_damaged_copy (self->store);
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  if (path == NULL)
    return;
  message = g_strdup_printf (_("%s, a copy of a damaged bookmarks and notes file, is newer than %s "
                               "and may hold bookmarks and notes it lacks"),
                             path, bulletin_annotations_get_path (self->store));
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Restore"));
  g_free (self->damaged_path);
  self->damaged_path = g_steal_pointer (&path);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (restore_damaged_clicked), self, 0);
  bulletin_window_add_toast (self->window, toast);
  bulletin_announce (GTK_WIDGET (self->window), message);
}

/* --- setting up -------------------------------------------------------------- */

/* The Bookmarks and Notes lists are pages of the sidebar, beside the list
 * of issues (the window's .ui): they list this window's store. */
static void
add_pages (BulletinAnnotationsController *self)
{
  self->bookmarks_view = g_object_ref (self->window->bookmarks_view);
  self->notes_view = g_object_ref (self->window->notes_view);
  self->sidebar_stack = self->window->sidebar_stack;
  bulletin_annotations_view_set_store (BULLETIN_ANNOTATIONS_VIEW (self->bookmarks_view), self->store);
  bulletin_annotations_view_set_store (BULLETIN_ANNOTATIONS_VIEW (self->notes_view), self->store);
  g_signal_connect_object (self->bookmarks_view, "open", G_CALLBACK (view_open), self, 0);
  g_signal_connect_object (self->notes_view, "open", G_CALLBACK (view_open), self, 0);
  g_signal_connect_object (self->bookmarks_view, "remove", G_CALLBACK (view_remove), self, 0);
  g_signal_connect_object (self->notes_view, "remove", G_CALLBACK (view_remove), self, 0);

  /* F6 reaches the lists while they are shown */
  bulletin_window_add_pane (self->window, self->bookmarks_view);
  bulletin_window_add_pane (self->window, self->notes_view);
}

static void
bulletin_annotations_controller_dispose (GObject *object)
{
  BulletinAnnotationsController *self = BULLETIN_ANNOTATIONS_CONTROLLER (object);

  g_clear_handle_id (&self->position_source, g_source_remove);
  if (self->dialog != NULL)
    g_object_remove_weak_pointer (self->dialog, (gpointer *) &self->dialog);
  self->dialog = NULL;
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_object (&self->undo_action);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif
  if (self->editor != NULL && gtk_widget_get_parent (GTK_WIDGET (self->editor)) != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->editor));
  g_clear_object (&self->editor);
  g_clear_object (&self->editing);
  g_clear_object (&self->asked_item);
  if (self->window != NULL && self->bookmarks_view != NULL)
    {
      bulletin_window_remove_pane (self->window, self->bookmarks_view);
      bulletin_window_remove_pane (self->window, self->notes_view);
    }
  g_clear_object (&self->bookmarks_view);
  g_clear_object (&self->notes_view);
  g_clear_object (&self->issue);
  g_clear_object (&self->bookmark_action);
  g_clear_object (&self->add_note_action);
  g_clear_object (&self->article_note_action);
  g_clear_object (&self->citation_action);
  g_clear_object (&self->store);
  self->window = NULL;

  G_OBJECT_CLASS (bulletin_annotations_controller_parent_class)->dispose (object);
}

static void
bulletin_annotations_controller_finalize (GObject *object)
{
  BulletinAnnotationsController *self = BULLETIN_ANNOTATIONS_CONTROLLER (object);

  g_clear_pointer (&self->highlights, g_array_unref);
  g_free (self->pending_article);
  g_free (self->editing_text);
  g_free (self->asked_uri);
  g_free (self->damaged_path);
  clear_target (self);

  G_OBJECT_CLASS (bulletin_annotations_controller_parent_class)->finalize (object);
}

static void
bulletin_annotations_controller_class_init (BulletinAnnotationsControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bulletin_annotations_controller_dispose;
  object_class->finalize = bulletin_annotations_controller_finalize;
}

static void
bulletin_annotations_controller_init (BulletinAnnotationsController *self)
{
  self->highlights = g_array_new (FALSE, FALSE, sizeof (Highlight));
  g_array_set_clear_func (self->highlights, highlight_clear);
  self->undo_stack = g_ptr_array_new_with_free_func (undo_entry_free);
}

static void
window_destroyed (BulletinAnnotationsController *self)
{
  if (self->editor != NULL && gtk_widget_get_parent (GTK_WIDGET (self->editor)) != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->editor));
  self->window = NULL;
}

/**
 * bulletin_annotations_controller_attach:
 * @window: a window
 *
 * Adds bookmarks, notes and the reading position to @window.
 *
 * Returns: (transfer full): the controller, for the window to keep
 */
BulletinAnnotationsController *
bulletin_annotations_controller_attach (BulletinWindow *window)
{
  BulletinAnnotationsController *self;
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkGesture *click;

  g_return_val_if_fail (BULLETIN_IS_WINDOW (window), NULL);

  self = g_object_new (BULLETIN_TYPE_ANNOTATIONS_CONTROLLER, NULL);
  self->window = window;
  self->reader = window->reader;
  self->text_view = bulletin_reader_view_get_text_view (self->reader);
  g_signal_connect_object (window, "destroy", G_CALLBACK (window_destroyed), self, G_CONNECT_SWAPPED);

  self->store = bulletin_annotations_new (NULL);
  /* saving never blocks the window */
  bulletin_annotations_set_async_writes (self->store, TRUE);
  g_signal_connect_object (self->store, "problem", G_CALLBACK (store_problem), self, 0);
  /* the window does not wait for the file: it is read in a thread, the
   * pages fill in when it is parsed, and changes made meanwhile are kept */
  bulletin_annotations_load_async (self->store, NULL, store_loaded, g_object_ref (self));
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "save-state-changed", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  /* the actions are the window's (bulletin-window.c); their handlers here */
  self->bookmark_action = g_object_ref (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (window), "toggle-bookmark")));
  self->add_note_action = g_object_ref (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (window), "add-note")));
  self->article_note_action = g_object_ref (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (window), "add-article-note")));
  self->citation_action = g_object_ref (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (window), "copy-citation")));
  self->undo_action = g_object_ref (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (window), "undo")));
  update_undo (self);

  self->bookmark_button = window->bookmark_button;

  add_pages (self);
  build_editor (self);

  g_menu_append (menu, _("Add _Note…"), "win.add-note");
  g_menu_append (menu, _("Note on the _Article…"), "win.add-article-note");
  g_menu_append (menu, _("Copy _Citation"), "win.copy-citation");
  gtk_text_view_set_extra_menu (self->text_view, G_MENU_MODEL (menu));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (text_clicked), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (self->reader, "article-shown", G_CALLBACK (article_shown), self, 0);
  g_signal_connect_object (self->reader, "notify::article", G_CALLBACK (article_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (window->sidebar, "article-selected",
                           G_CALLBACK (article_selected), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (bulletin_reader_view_get_scrolled_window (self->reader)),
                           "value-changed", G_CALLBACK (schedule_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (bulletin_sidebar_get_tree_model (window->sidebar),
                           "items-changed", G_CALLBACK (try_restore), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "close-request", G_CALLBACK (window_close_request), self, 0);

  update_actions (self);
  offer_damaged_copy (self);
  return self;
}

/**
 * bulletin_annotations_controller_get_for_window:
 *
 * Returns: (transfer none) (nullable): the window's controller
 */
BulletinAnnotationsController *
bulletin_annotations_controller_get_for_window (BulletinWindow *window)
{
  g_return_val_if_fail (BULLETIN_IS_WINDOW (window), NULL);
  return window->annotations;
}

/**
 * bulletin_annotations_controller_get_store:
 *
 * Returns: (transfer none): the window's store
 */
BulletinAnnotations *
bulletin_annotations_controller_get_store (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return self->store;
}

/**
 * bulletin_annotations_controller_get_view:
 * @notes: the Notes page, else the Bookmarks page
 *
 * Returns: (transfer none): a #BulletinAnnotationsView
 */
GtkWidget *
bulletin_annotations_controller_get_view (BulletinAnnotationsController *self,
                                          gboolean                       notes)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return notes ? self->notes_view : self->bookmarks_view;
}

/**
 * bulletin_annotations_controller_get_sidebar_stack:
 *
 * Returns: (transfer none) (nullable): the stack of Issues, Bookmarks, Notes
 */
GtkStack *
bulletin_annotations_controller_get_sidebar_stack (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return self->sidebar_stack;
}

/**
 * bulletin_annotations_controller_get_editor:
 *
 * Returns: (transfer none): the note popover
 */
GtkPopover *
bulletin_annotations_controller_get_editor (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return self->editor;
}

/**
 * bulletin_annotations_controller_get_editor_text:
 *
 * Returns: (transfer none): the text view in the note popover
 */
GtkTextView *
bulletin_annotations_controller_get_editor_text (BulletinAnnotationsController *self)
{
  g_return_val_if_fail (BULLETIN_IS_ANNOTATIONS_CONTROLLER (self), NULL);
  return self->editor_text;
}
