/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bulletin-search.h"
#include "bulletin-a11y.h"
#include "bulletin-search-bar.h"

/*
 * In-article search over the reader.  The article is folded once (see
 * bulletin-text-fold.h); each keystroke folds the query, finds every hit,
 * maps the hits from source to display offsets and tags them.  Only the
 * hits near what is on screen are tagged, and more as the view scrolls, so
 * that a keystroke costs the same in a long article as in a short one.
 */

#define TAG_MARGIN 600    /* characters tagged beyond the visible ones */

typedef struct {
  guint start;
  guint end;
} Match;

struct _BulletinSearchBar
{
  AdwBin              parent_instance;

  GtkSearchBar       *search_bar;
  GtkSearchEntry     *entry;
  GtkLabel           *status_label;
  GtkButton          *previous_button;
  GtkButton          *next_button;

  BulletinReaderView *reader;
  BulletinArticle    *folded_article;
  BulletinFolded     *folded;
  GArray             *matches;          /* Match, display offsets */
  int                 current;
  GByteArray         *tagged;           /* per match: carries the tag */
  guint               tagged_min;       /* the buffer range that may carry tags */
  guint               tagged_max;
  guint               retag_idle;
  gboolean            fonts_warm;
  char               *status;
  char               *last_query;       /* what the matches are for */
};

G_DEFINE_FINAL_TYPE (BulletinSearchBar, bulletin_search_bar, ADW_TYPE_BIN)

static GtkTextBuffer *
get_buffer (BulletinSearchBar *self)
{
  return gtk_text_view_get_buffer (bulletin_reader_view_get_text_view (self->reader));
}

static GtkTextTag *
ensure_tag (GtkTextBuffer     *buffer,
            const char        *name,
            BulletinHighlight  kind)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);

  if (tag == NULL)
    {
      tag = gtk_text_buffer_create_tag (buffer, name, NULL);
      bulletin_highlight_style_tag (buffer, tag, kind);
    }
  /* above the typography's tags */
  gtk_text_tag_set_priority (tag, gtk_text_tag_table_get_size (table) - 1);
  return tag;
}

static void
clear_tags (BulletinSearchBar *self)
{
  GtkTextBuffer *buffer = get_buffer (self);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextIter start, end;

  /* only where tags were put: removing over the whole of a long buffer
   * would cost more than the search */
  if (self->tagged_max <= self->tagged_min)
    return;
  bulletin_typography_get_iter_at_display (buffer, &start, self->tagged_min);
  bulletin_typography_get_iter_at_display_end (buffer, &end, self->tagged_max);
  self->tagged_min = G_MAXUINT;
  self->tagged_max = 0;
  if (gtk_text_tag_table_lookup (table, BULLETIN_SEARCH_MATCH_TAG) != NULL)
    gtk_text_buffer_remove_tag_by_name (buffer, BULLETIN_SEARCH_MATCH_TAG, &start, &end);
  if (gtk_text_tag_table_lookup (table, BULLETIN_SEARCH_CURRENT_TAG) != NULL)
    gtk_text_buffer_remove_tag_by_name (buffer, BULLETIN_SEARCH_CURRENT_TAG, &start, &end);
  g_byte_array_set_size (self->tagged, 0);
}

static void
tag_match (BulletinSearchBar *self,
           GtkTextBuffer     *buffer,
           GtkTextTag        *tag,
           const Match       *m)
{
  GtkTextIter s, e;

  self->tagged_min = MIN (self->tagged_min, m->start);
  self->tagged_max = MAX (self->tagged_max, m->end);
  bulletin_typography_get_iter_at_display (buffer, &s, m->start);
  bulletin_typography_get_iter_at_display_end (buffer, &e, m->end);
  gtk_text_buffer_apply_tag (buffer, tag, &s, &e);
}

/* First match ending after @offset. */
static guint
match_at (BulletinSearchBar *self,
          guint              offset)
{
  guint lo = 0, hi = self->matches->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->matches, Match, mid).end <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
visible_range (BulletinSearchBar *self,
               guint             *start,
               guint             *end)
{
  GtkTextView *view = bulletin_reader_view_get_text_view (self->reader);
  GdkRectangle rect;
  GtkTextIter s, e;

  gtk_text_view_get_visible_rect (view, &rect);
  gtk_text_view_get_iter_at_location (view, &s, rect.x, rect.y);
  gtk_text_view_get_iter_at_location (view, &e, rect.x + rect.width, rect.y + rect.height);
  *start = bulletin_typography_get_display_offset (&s);
  *end = bulletin_typography_get_display_offset (&e);
}

/* Tags the matches around what is on screen (and around the current one). */
static void
retag (BulletinSearchBar *self)
{
  GtkTextBuffer *buffer = get_buffer (self);
  GtkTextTag *tag;
  guint vis_start, vis_end, from, to;

  if (self->matches->len == 0)
    return;

  tag = ensure_tag (buffer, BULLETIN_SEARCH_MATCH_TAG, BULLETIN_HIGHLIGHT_MATCH);
  ensure_tag (buffer, BULLETIN_SEARCH_CURRENT_TAG, BULLETIN_HIGHLIGHT_CURRENT);

  visible_range (self, &vis_start, &vis_end);
  if (self->current >= 0)
    {
      const Match *m = &g_array_index (self->matches, Match, self->current);

      vis_start = MIN (vis_start, m->start);
      vis_end = MAX (vis_end, m->end);
    }
  from = match_at (self, vis_start > TAG_MARGIN ? vis_start - TAG_MARGIN : 0);
  to = match_at (self, vis_end + TAG_MARGIN);
  to = MIN (self->matches->len, to + 1);

  if (self->tagged->len != self->matches->len)
    {
      g_byte_array_set_size (self->tagged, self->matches->len);
      memset (self->tagged->data, 0, self->tagged->len);
    }
  for (guint i = from; i < to; i++)
    if (!self->tagged->data[i])
      {
        tag_match (self, buffer, tag, &g_array_index (self->matches, Match, i));
        self->tagged->data[i] = TRUE;
      }
}

static gboolean
retag_idle (gpointer data)
{
  BulletinSearchBar *self = data;

  self->retag_idle = 0;
  retag (self);
  return G_SOURCE_REMOVE;
}

static void
scrolled (BulletinSearchBar *self)
{
  if (self->matches->len > 0 && self->retag_idle == 0)
    self->retag_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, retag_idle, self, NULL);
}

static void
set_status (BulletinSearchBar *self,
            const char        *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  /* "3 of 12", "No results": told to a screen reader on the entry, where
   * the focus is while typing */
  if (status != NULL && *status != 0)
    bulletin_announce (GTK_WIDGET (self->entry), status);
}

static void
show_current (BulletinSearchBar *self,
              gboolean           scroll)
{
  GtkTextBuffer *buffer = get_buffer (self);
  GtkTextIter start, end;
  g_autofree char *status = NULL;
  const Match *m;

  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->matches->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->matches->len > 0);

  if (self->matches->len == 0)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

      if (text[0] != 0)
        {
          g_autoptr(BulletinSearchQuery) query = bulletin_search_query_new (text, BULLETIN_SEARCH_DEFAULT);
          const char *problem = bulletin_search_query_get_problem (query);

          /* "-word" alone: say what is missing */
          set_status (self, problem != NULL ? problem : _("No results"));
          gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
        }
      else
        {
          set_status (self, NULL);
          gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
        }
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");

  if (self->tagged_max > self->tagged_min &&
      gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), BULLETIN_SEARCH_CURRENT_TAG))
    {
      bulletin_typography_get_iter_at_display (buffer, &start, self->tagged_min);
      bulletin_typography_get_iter_at_display_end (buffer, &end, self->tagged_max);
      gtk_text_buffer_remove_tag_by_name (buffer, BULLETIN_SEARCH_CURRENT_TAG, &start, &end);
    }

  m = &g_array_index (self->matches, Match, self->current);
  if (scroll)
    bulletin_reader_view_scroll_to_range (self->reader, m->start, m->end);
  retag (self);
  tag_match (self, buffer, ensure_tag (buffer, BULLETIN_SEARCH_CURRENT_TAG, BULLETIN_HIGHLIGHT_CURRENT), m);

  /* Translators: the current match and the number of matches, "3 of 12" */
  status = g_strdup_printf (_("%d of %u"), self->current + 1, self->matches->len);
  set_status (self, status);
}

/**
 * bulletin_search_bar_update:
 *
 * Runs the search again now, on the reader's current article.
 */
void
bulletin_search_bar_update (BulletinSearchBar *self)
{
  BulletinArticle *article;
  BulletinDisplayText *display;
  const char *text;
  g_autoptr(BulletinSearchQuery) query = NULL;
  g_autoptr(GArray) hits = NULL;
  guint buffer_len;

  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));

  clear_tags (self);
  g_array_set_size (self->matches, 0);
  self->current = -1;

  article = bulletin_reader_view_get_article (self->reader);
  display = bulletin_reader_view_get_display_text (self->reader);
  text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  if (article == NULL || display == NULL || !gtk_search_bar_get_search_mode (self->search_bar))
    {
      set_status (self, NULL);
      return;
    }

  if (self->folded_article != article)
    {
      g_clear_pointer (&self->folded, bulletin_folded_free);
      g_set_object (&self->folded_article, article);
      self->folded = bulletin_folded_new_for_article (article);
    }

  g_free (self->last_query);
  self->last_query = g_strdup (text);
  query = bulletin_search_query_new (text, BULLETIN_SEARCH_DEFAULT);
  hits = bulletin_search_folded (self->folded, query, 0);
  {
    GtkTextIter buffer_end;

    /* in display characters */
    gtk_text_buffer_get_end_iter (get_buffer (self), &buffer_end);
    buffer_len = bulletin_typography_get_display_offset (&buffer_end);
  }
  for (guint i = 0, start_cursor = 0, end_cursor = 0; i < hits->len; i++)
    {
      const BulletinSearchHit *hit = &g_array_index (hits, BulletinSearchHit, i);
      Match m;

      /* hits come in order: walk the offset map rather than search it
       * twice per hit (a one-character query has thousands) */
      m.start = bulletin_display_text_from_source_sorted (display, hit->start, &start_cursor);
      m.end = bulletin_display_text_from_source_sorted (display, hit->end - 1, &end_cursor) + 1;
      if (m.end <= m.start || m.end > bulletin_display_text_get_length (display))
        continue;
      g_array_append_val (self->matches, m);
    }

  /* a long article may still be filling in: the hits need the whole text */
  if (self->matches->len > 0 &&
      g_array_index (self->matches, Match, self->matches->len - 1).end > buffer_len)
    bulletin_reader_view_complete (self->reader);

  if (self->matches->len > 0)
    self->current = 0;
  show_current (self, TRUE);
}

static void
search_changed (BulletinSearchBar *self)
{
  /* the entry reports a change late: bulletin_search_bar_set_query ()
   * has searched for it already */
  if (g_strcmp0 (self->last_query, gtk_editable_get_text (GTK_EDITABLE (self->entry))) == 0 &&
      self->folded_article == bulletin_reader_view_get_article (self->reader))
    return;
  bulletin_search_bar_update (self);
}

/**
 * bulletin_search_bar_next:
 *
 * Makes the next match current, wrapping after the last, and scrolls to it.
 */
void
bulletin_search_bar_next (BulletinSearchBar *self)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));

  if (self->matches->len == 0)
    return;
  self->current = (self->current + 1) % self->matches->len;
  show_current (self, TRUE);
}

void
bulletin_search_bar_previous (BulletinSearchBar *self)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));

  if (self->matches->len == 0)
    return;
  self->current = (self->current + self->matches->len - 1) % self->matches->len;
  show_current (self, TRUE);
}

/* The count of an older query is not shown while the new one waits for
 * the entry's search delay. */
static void
text_changed (BulletinSearchBar *self)
{
  if (g_strcmp0 (self->last_query, gtk_editable_get_text (GTK_EDITABLE (self->entry))) != 0)
    set_status (self, NULL);
}

static gboolean
entry_key_pressed (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   BulletinSearchBar     *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & GDK_SHIFT_MASK))
    {
      bulletin_search_bar_previous (self);
      return TRUE;
    }
  return FALSE;
}

static void
article_shown (BulletinSearchBar *self)
{
  /* switching articles keeps the text and runs it again */
  if (gtk_search_bar_get_search_mode (self->search_bar))
    bulletin_search_bar_update (self);
}

/* Gives the focus back to the reader.  Before the bar hides: hiding the
 * widget that has the focus makes GtkWindow keep a reference to it, to
 * move the focus in its next frame, and a window closed before that frame
 * never drops it (GTK 4.8): the bar stayed alive, and with it the reader,
 * its text view and buffer, after each window closed just after a search
 * in the article. */
static void
focus_reader (BulletinSearchBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!gtk_widget_grab_focus (GTK_WIDGET (bulletin_reader_view_get_text_view (self->reader))) &&
      focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_root_set_focus (root, NULL);
}

static void
search_mode_changed (BulletinSearchBar *self)
{
  gboolean open = gtk_search_bar_get_search_mode (self->search_bar);

  if (!open)
    focus_reader (self);
  /* hidden when closed, so that F6 passes it by */
  gtk_widget_set_visible (GTK_WIDGET (self), open);
  if (!open)
    {
      g_array_set_size (self->matches, 0);
      self->current = -1;
      clear_tags (self);
      set_status (self, NULL);
    }
}

static void
bulletin_search_bar_dispose (GObject *object)
{
  BulletinSearchBar *self = (BulletinSearchBar *)object;

  g_clear_handle_id (&self->retag_idle, g_source_remove);
  g_clear_object (&self->reader);
  g_clear_object (&self->folded_article);
  g_clear_pointer (&self->folded, bulletin_folded_free);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BULLETIN_TYPE_SEARCH_BAR);

  G_OBJECT_CLASS (bulletin_search_bar_parent_class)->dispose (object);
}

static void
bulletin_search_bar_finalize (GObject *object)
{
  BulletinSearchBar *self = (BulletinSearchBar *)object;

  g_array_unref (self->matches);
  g_byte_array_unref (self->tagged);
  g_free (self->status);
  g_free (self->last_query);

  G_OBJECT_CLASS (bulletin_search_bar_parent_class)->finalize (object);
}

static void
bulletin_search_bar_class_init (BulletinSearchBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bulletin_search_bar_dispose;
  object_class->finalize = bulletin_search_bar_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bulletin-search-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, BulletinSearchBar, search_bar);
  gtk_widget_class_bind_template_child (widget_class, BulletinSearchBar, entry);
  gtk_widget_class_bind_template_child (widget_class, BulletinSearchBar, status_label);
  gtk_widget_class_bind_template_child (widget_class, BulletinSearchBar, previous_button);
  gtk_widget_class_bind_template_child (widget_class, BulletinSearchBar, next_button);
}

static void
bulletin_search_bar_init (BulletinSearchBar *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->matches = g_array_new (FALSE, FALSE, sizeof (Match));
  self->tagged = g_byte_array_new ();
  self->tagged_min = G_MAXUINT;
  self->current = -1;

  gtk_search_entry_set_search_delay (self->entry, 200);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->entry));
  g_signal_connect_swapped (self->entry, "search-changed", G_CALLBACK (search_changed), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (text_changed), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (bulletin_search_bar_next), self);
  g_signal_connect_swapped (self->entry, "next-match", G_CALLBACK (bulletin_search_bar_next), self);
  g_signal_connect_swapped (self->entry, "previous-match", G_CALLBACK (bulletin_search_bar_previous), self);
  g_signal_connect_swapped (self->entry, "stop-search", G_CALLBACK (bulletin_search_bar_close), self);
  g_signal_connect_swapped (self->next_button, "clicked", G_CALLBACK (bulletin_search_bar_next), self);
  g_signal_connect_swapped (self->previous_button, "clicked", G_CALLBACK (bulletin_search_bar_previous), self);
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled",
                            G_CALLBACK (search_mode_changed), self);

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

/**
 * bulletin_search_bar_new:
 *
 * Returns: (transfer full): a search bar over @reader
 */
GtkWidget *
bulletin_search_bar_new (BulletinReaderView *reader)
{
  BulletinSearchBar *self;

  g_return_val_if_fail (BULLETIN_IS_READER_VIEW (reader), NULL);

  self = g_object_new (BULLETIN_TYPE_SEARCH_BAR, NULL);
  bulletin_search_bar_set_reader (self, reader);
  return GTK_WIDGET (self);
}

/**
 * bulletin_search_bar_set_reader:
 *
 * The reader the bar searches (a bar declared in a .ui is given it once,
 * before it is used).
 */
void
bulletin_search_bar_set_reader (BulletinSearchBar  *self,
                                BulletinReaderView *reader)
{
  GtkAdjustment *adj;

  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));
  g_return_if_fail (BULLETIN_IS_READER_VIEW (reader));
  g_return_if_fail (self->reader == NULL);

  self->reader = g_object_ref (reader);
  g_signal_connect_object (reader, "article-shown", G_CALLBACK (article_shown), self, G_CONNECT_SWAPPED);
  adj = gtk_scrolled_window_get_vadjustment (bulletin_reader_view_get_scrolled_window (reader));
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (scrolled), self, G_CONNECT_SWAPPED);
}

static void
warm_fonts (GtkSearchEntry *entry)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (entry), "中文，检索");

  pango_layout_get_pixel_size (layout, NULL, NULL);
}

/* Opens the bar (Ctrl+F) with the entry focused and its text selected. */
void
bulletin_search_bar_open (BulletinSearchBar *self)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));

  /* The entry's font (the interface's) has no Han: the first character
   * typed would wait some milliseconds for the fallback fonts to load.
   * Load them on opening, once (an idle would lose to the reader's own
   * idle work on a long article). */
  if (!self->fonts_warm)
    {
      self->fonts_warm = TRUE;
      warm_fonts (self->entry);
    }

  if (!gtk_search_bar_get_search_mode (self->search_bar))
    {
      gtk_search_bar_set_search_mode (self->search_bar, TRUE);
      bulletin_search_bar_update (self);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

/* Closes the bar (Escape), clears the highlights, gives the focus back to
 * the reader. */
void
bulletin_search_bar_close (BulletinSearchBar *self)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));

  if (gtk_search_bar_get_search_mode (self->search_bar))
    gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  else
    search_mode_changed (self);
}

gboolean
bulletin_search_bar_is_open (BulletinSearchBar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_BAR (self), FALSE);
  return gtk_search_bar_get_search_mode (self->search_bar);
}

/* Sets the entry's text and searches at once (no typing delay). */
void
bulletin_search_bar_set_query (BulletinSearchBar *self,
                               const char        *query)
{
  g_return_if_fail (BULLETIN_IS_SEARCH_BAR (self));
  g_return_if_fail (query != NULL);

  g_signal_handlers_block_by_func (self->entry, search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), query);
  g_signal_handlers_unblock_by_func (self->entry, search_changed, self);
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  bulletin_search_bar_update (self);
}

/**
 * bulletin_search_bar_get_query:
 *
 * Returns: (transfer none): the entry's text
 */
const char *
bulletin_search_bar_get_query (BulletinSearchBar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_BAR (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

guint
bulletin_search_bar_get_n_matches (BulletinSearchBar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_BAR (self), 0);
  return self->matches->len;
}

int
bulletin_search_bar_get_current (BulletinSearchBar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_BAR (self), -1);
  return self->current;
}

/* The display range of match @index. */
gboolean
bulletin_search_bar_get_match (BulletinSearchBar *self,
                               guint              index,
                               guint             *start,
                               guint             *end)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_BAR (self), FALSE);

  if (index >= self->matches->len)
    return FALSE;
  *start = g_array_index (self->matches, Match, index).start;
  *end = g_array_index (self->matches, Match, index).end;
  return TRUE;
}

/**
 * bulletin_search_bar_get_status:
 *
 * Returns: (transfer none) (nullable): what the entry says: "3 of 12",
 *   "No results", or nothing
 */
const char *
bulletin_search_bar_get_status (BulletinSearchBar *self)
{
  g_return_val_if_fail (BULLETIN_IS_SEARCH_BAR (self), NULL);
  return self->status;
}
