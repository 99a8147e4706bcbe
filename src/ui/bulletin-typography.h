/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bulletin-display-text.h"
#include "bulletin-language.h"

G_BEGIN_DECLS

/**
 * BulletinReadingSettings:
 * @family: a family the reader chose, tried before the CJK fallback list;
 *   NULL or "" for none
 * @sans: Hei (sans) instead of Song (serif)
 * @font_size: body text size in points
 * @line_spacing: baseline distance of body text in em, 1.5 to 2.0
 * @column_width: maximum measure in em
 * @widen_punctuation: show half-width punctuation next to Han characters
 *   in its full-width form (the BulletinDisplayFlags the window builds the
 *   display text with, see bulletin_reading_settings_get_display_flags())
 *
 * What the reader lets a person adjust (stored in GSettings by the window,
 * passed here as plain values so that tests and benchmarks can build the
 * same layout without settings).  The colour scheme is the window's.
 */
typedef struct {
  const char *family;
  gboolean    sans;
  double      font_size;
  double      line_spacing;
  guint       column_width;
  gboolean    widen_punctuation;
} BulletinReadingSettings;

/* Names of the tags in the buffer's tag table, for the reader view (search
 * highlights go above them) and for tests that break one on purpose. */
#define BULLETIN_TAG_TEXT       "bulletin-text"       /* whole buffer: language, family, size */
#define BULLETIN_TAG_PARAGRAPH  "bulletin-paragraph"  /* body: indent, justification, pitch */
#define BULLETIN_TAG_NO_BREAK   "bulletin-no-break"   /* allow-breaks = FALSE */
/* pieces of a very long block (see bulletin_display_text_get_piece_breaks ()) */
#define BULLETIN_TAG_PIECE_CONTINUES "bulletin-piece-continues"
#define BULLETIN_TAG_PIECE_BREAKS    "bulletin-piece-breaks"
#define BULLETIN_TAG_HALT       "bulletin-halt"       /* font-features "halt 1" */
#define BULLETIN_TAG_GAP        "bulletin-gap"        /* a gap character: letter-spacing em/4 (body size) */
/* no properties: every other block, so that a tag starts on every line */
#define BULLETIN_TAG_BLOCK_EVEN "bulletin-block-even"
#define BULLETIN_TAG_BLOCK_ODD  "bulletin-block-odd"
/* the headline gap: the last headline-block line ("-" role name), the
 * first body block (BULLETIN_TYPESETTER_HEADLINE_GAP_EM above) */
#define BULLETIN_TAG_HEAD_END   "bulletin-head-end"
#define BULLETIN_TAG_BODY_START "bulletin-body-start"
/* a dateline run into its paragraph: bold Hei */
#define BULLETIN_TAG_RUN_IN     "bulletin-run-in"

#define BULLETIN_READING_MIN_FONT_SIZE  8.0
#define BULLETIN_READING_MAX_FONT_SIZE 32.0

void                 bulletin_reading_settings_init_default      (BulletinReadingSettings       *settings);
BulletinDisplayFlags bulletin_reading_settings_get_display_flags (const BulletinReadingSettings *settings);

/* Sets the view's properties (wrap mode, justification, margins) for
 * @settings. */
void     bulletin_typography_configure_view     (GtkTextView                   *view,
                                                 const BulletinReadingSettings *settings);

/* Replaces the buffer's text with @display and applies every tag the
 * reader uses (roles, language, fonts, line pitch, indent, punctuation
 * compression, Han-Latin gaps).  The buffer holds the display text as
 * shown (bulletin_display_text_dup_shown_text ()) and a gap character at
 * each Han-Latin boundary: map the buffer's offsets to display offsets
 * and back with the functions below. */
void     bulletin_typography_fill_buffer        (GtkTextBuffer                 *buffer,
                                                 BulletinDisplayText           *display,
                                                 const BulletinReadingSettings *settings);

/* The same in pieces: the first @first_chars characters (rounded up to a
 * whole block) now, the rest from idle callbacks, so that a long article
 * shows its first screen at once and the window never freezes.  Changing
 * the buffer's text or calling this again stops a fill in progress.
 * @callback, if not NULL, runs when the whole text is in. */
void     bulletin_typography_fill_buffer_async  (GtkTextBuffer                 *buffer,
                                                 BulletinDisplayText           *display,
                                                 const BulletinReadingSettings *settings,
                                                 guint                          first_chars,
                                                 GCancellable                  *cancellable,
                                                 GAsyncReadyCallback            callback,
                                                 gpointer                       user_data);
gboolean bulletin_typography_fill_buffer_finish (GtkTextBuffer                 *buffer,
                                                 GAsyncResult                  *result,
                                                 GError                       **error);

/* Whether no piece of a fill is pending; completes a pending fill now;
 * stops it where it is. */
gboolean bulletin_typography_fill_buffer_is_complete (GtkTextBuffer            *buffer);
void     bulletin_typography_fill_buffer_complete    (GtkTextBuffer            *buffer);
void     bulletin_typography_fill_buffer_cancel      (GtkTextBuffer            *buffer);

/* Applies changed @settings (typeface, size, line spacing) to a buffer
 * filled before, without refilling it: only tag properties change.  A
 * change of @widen_punctuation needs a new display text and a refill. */
void     bulletin_typography_apply_settings     (GtkTextBuffer                 *buffer,
                                                 const BulletinReadingSettings *settings);

/* Gives @view's Pango contexts the language @display is shaped for
 * (zh-cn, zh-tw, zh-hk, or the article's own).  GTK 4's text view
 * shapes with its contexts' language, the locale's, and not with the
 * tags' "language": without this a Traditional article read under
 * LC_CTYPE=zh_CN takes the mainland forms of its punctuation (HarfBuzz's
 * locl).  Call before filling the buffer, so that every line is laid out
 * anew. */
void     bulletin_typography_set_view_language  (GtkTextView                   *view,
                                                 BulletinDisplayText           *display);

/* Shows the figures of @display (NULL: none) above their captions in
 * @view: a local image scaled to the column, a remote one as a
 * placeholder naming its address (never fetched).  Call after filling the
 * view's buffer; the space is reserved above each caption line, so the
 * buffer's offsets stay display offsets. */
void     bulletin_typography_attach_figures     (GtkTextView                   *view,
                                                 BulletinDisplayText           *display);

/* The Han-Latin gap on screen is a character of its own in the reader's
 * buffer, at the boundary: U+2060 WORD JOINER, of no width, with the gap
 * as letter-spacing (see docs/typography.md).  It is not in the
 * display text, nor in what the reader copies.  A buffer that the
 * functions above did not fill has no gap characters: the offsets are then
 * the same. */
#define BULLETIN_TYPOGRAPHY_GAP_CHAR 0x2060

/* The iter at the display character at @offset (after a gap character
 * before it): where a range starts, or a position. */
void     bulletin_typography_get_iter_at_display     (GtkTextBuffer     *buffer,
                                                      GtkTextIter       *iter,
                                                      guint              offset);
/* The iter where a range of display characters that ends at @offset ends
 * (before a gap character there). */
void     bulletin_typography_get_iter_at_display_end (GtkTextBuffer     *buffer,
                                                      GtkTextIter       *iter,
                                                      guint              offset);
/* The display offset of @iter; a gap character's is that of the display
 * character after it. */
guint    bulletin_typography_get_display_offset      (const GtkTextIter *iter);
/* Whether @iter is at a gap character. */
gboolean bulletin_typography_iter_is_gap             (const GtkTextIter *iter);
/* The buffer's text from @start to @end without its gap characters: the
 * shown text of that display range.
 * Returns: (transfer full) */
char    *bulletin_typography_dup_text                (const GtkTextIter *start,
                                                      const GtkTextIter *end);
/* Makes @view copy its selection (Ctrl+C, the menu, the primary selection)
 * without the gap characters.  For the buffer @view has now. */
void     bulletin_typography_copy_without_gaps       (GtkTextView       *view);

/* The script the buffer was filled for. */
BulletinScript bulletin_typography_get_script   (GtkTextBuffer                 *buffer);

/* The family list asked for the body text of @script (the chosen family
 * first, then the CJK fallbacks, then the fontconfig generic).
 * Returns: (transfer full): a comma-separated family list */
char    *bulletin_typography_dup_family_list    (const BulletinReadingSettings *settings,
                                                 BulletinScript                 script);

/* Pango attributes for a label of the UI font that shows Chinese text (a
 * headline in the sidebar or in search results), in the language @bcp47
 * (NULL: @text decides): the language tag the CJK fonts honour (zh-cn,
 * zh-tw, zh-hk) on the whole text, and the CJK Hei family on the quotation
 * marks “ ” ‘ ’ next to Han text, which the UI font would show at half
 * width (TYPOGRAPHY.md).  NULL when @text has no Han character. */
PangoAttrList *bulletin_typography_label_attributes (const char *text,
                                                     const char *bcp47);

/* TRUE when some installed font has Han characters, so the window can say
 * once that Chinese text cannot be shown instead of showing boxes. */
gboolean bulletin_typography_have_cjk_font      (void);

/* Drops what Pango keeps of the fonts shown so far (fontsets, faces); the
 * fonts in use stay with the layouts that use them. */
void     bulletin_typography_release_fonts      (void);

G_END_DECLS
