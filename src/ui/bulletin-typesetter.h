/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pango/pango.h>

#include "bulletin-display-text.h"
#include "bulletin-language.h"

G_BEGIN_DECLS

/*
 * The one source of the reader's typography rules, at the Pango level (no
 * GTK widgets): the reader's GtkTextView tags (bulletin-typography.c),
 * printing and export (bulletin-paginator.c) all take them from here, so
 * that screen, paper and image cannot drift apart.
 */

/**
 * BulletinRoleStyle:
 * @name: the tag name of the role in the reader
 * @scale: size as a share of the body size
 * @weight: weight
 * @sans: a Hei face whatever the body face
 * @centred: centred (the headline block)
 * @above: space above, in em of the body
 * @below: space below, in em of the body
 * @pitch: baseline distance in em of the role's size; 0: the body's
 * @margin: left and right margin in em of the body
 * @indent: first-line indent of 2 em
 */
typedef struct {
  const char *name;
  double      scale;
  PangoWeight weight;
  gboolean    sans;
  gboolean    centred;
  double      above;
  double      below;
  double      pitch;
  double      margin;
  gboolean    indent;
} BulletinRoleStyle;

const BulletinRoleStyle *bulletin_typesetter_get_role_style (BulletinBlockKind kind);

/* The one rule for the space between the headline block (kicker,
 * headline, subtitle, and the byline/dateline/source lines right under
 * it) and the body, in em of the body, whatever comes first in the body. */
#define BULLETIN_TYPESETTER_HEADLINE_GAP_EM 1.5

/* Whether block @kind belongs to the headline block at the top of an
 * article (the space above is then the headline gap, see above). */
gboolean bulletin_typesetter_is_head_kind (BulletinBlockKind kind);

/* The index of the first body span of @display (the first after the
 * headline block), or n_spans when there is none.  The headline gap goes
 * above it. */
guint    bulletin_typesetter_get_body_start (BulletinDisplayText *display);

/* Whether span @index is a dateline (本报讯, 新华社北京3月1日电) that is run
 * into the paragraph after it, in bold. */
gboolean bulletin_typesetter_is_run_in (BulletinDisplayText *display,
                                        guint                index);

/**
 * BulletinMark:
 * @BULLETIN_MARK_NO_BREAK: no line break inside the range (allow-breaks)
 * @BULLETIN_MARK_HALT: half-width form of the mark (font-features halt)
 * @BULLETIN_MARK_GAP_AFTER: the Han-Latin gap after the character
 * @BULLETIN_MARK_GAP_BEFORE: the Han-Latin gap before the character
 * @BULLETIN_MARK_GAP_BOTH: a single Latin letter or digit between two Han
 *   characters: the gap on each side of it, half a letter-spacing each
 *
 * A per-character rule.  A gap is carried as letter-spacing by the
 * character at the boundary; Pango puts half of a letter-spacing before
 * the character and half after it, so a layout laid out by
 * bulletin_typesetter_fix_gaps() moves the glyph so that the whole gap is
 * on the side the mark says.
 */
typedef enum {
  BULLETIN_MARK_NO_BREAK,
  BULLETIN_MARK_HALT,
  BULLETIN_MARK_GAP_AFTER,
  BULLETIN_MARK_GAP_BEFORE,
  BULLETIN_MARK_GAP_BOTH,
} BulletinMark;

/* Called for each rule with display character offsets [start, end). */
typedef void (*BulletinMarkFunc) (BulletinMark mark,
                                  guint        start,
                                  guint        end,
                                  gpointer     user_data);

/* The per-character rules of a block whose text [@text, @end) starts at
 * display offset @offset. */
void     bulletin_typesetter_scan       (const char        *text,
                                         const char        *end,
                                         guint              offset,
                                         BulletinScript     script,
                                         BulletinMarkFunc   func,
                                         gpointer           user_data);

/* A quarter em in Pango units: in whole even pixels when @whole_pixels
 * (the screen, with hinted metrics), else exact. */
int      bulletin_typesetter_gap_units  (double             em,
                                         gboolean           whole_pixels);

/* The language tag @script is shaped with (zh-cn, zh-tw, zh-hk, or
 * @font_tag, the article's own, for Latin text). */
const char *bulletin_typesetter_language_for_script (BulletinScript  script,
                                                     const char     *font_tag);

/* The family list for @script: @family first (NULL or "" for none), then
 * the CJK fallbacks, then the fontconfig generic.
 * Returns: (transfer full): a comma-separated family list */
char    *bulletin_typesetter_dup_family_list (const char     *family,
                                              gboolean        sans,
                                              BulletinScript  script);

/**
 * BulletinTypesetter:
 *
 * Sets the blocks of one display text as PangoLayouts at a given body
 * size, for paper and images.
 */
typedef struct _BulletinTypesetter BulletinTypesetter;

/* @family: the reader's typeface (NULL: the default); @size: body size in
 * the units of the layouts' context (points at 72 dpi for paper). */
BulletinTypesetter *bulletin_typesetter_new       (BulletinDisplayText *display,
                                                   const char          *family,
                                                   gboolean             sans,
                                                   double               size);
void                bulletin_typesetter_free      (BulletinTypesetter  *self);
BulletinDisplayText *bulletin_typesetter_get_display (BulletinTypesetter *self);
BulletinScript      bulletin_typesetter_get_script (BulletinTypesetter *self);
const char         *bulletin_typesetter_get_language (BulletinTypesetter *self);
double              bulletin_typesetter_get_size  (BulletinTypesetter  *self);
/* Body baseline distance, in the layouts' units. */
double              bulletin_typesetter_get_pitch (BulletinTypesetter  *self);
void                bulletin_typesetter_set_line_spacing (BulletinTypesetter *self,
                                                          double              em);

/* The attributes of display range [@start, @end) when it is laid out as a
 * text of its own starting at byte 0 (every rule: language, fonts, role
 * sizes and weights, no-break ranges, punctuation compression, Han-Latin
 * gaps).  The range may cover several spans and their separators. */
PangoAttrList      *bulletin_typesetter_dup_attrs (BulletinTypesetter  *self,
                                                   guint                start,
                                                   guint                end);

/**
 * BulletinSetBlock:
 * @layout: the block's layout (width, indent, justification set)
 * @kind: the role that decides spacing
 * @first_span: the first span it sets (a run-in dateline and its
 *   paragraph are one block)
 * @n_spans: how many spans
 * @start: first display character
 * @end: one past the last display character
 * @pitch: baseline distance of its lines
 * @above: space above
 * @below: space below
 *
 * One block set for paper.
 */
typedef struct {
  PangoLayout      *layout;
  BulletinBlockKind kind;
  guint             first_span;
  guint             n_spans;
  guint             start;
  guint             end;
  double            pitch;
  double            above;
  double            below;
} BulletinSetBlock;

/* Sets the spans of display range [@start, @end) (all: 0, G_MAXUINT) at
 * @width in @context's units: an array of BulletinSetBlock, which owns
 * its layouts (g_array_unref () frees them).  A run-in dateline shares its paragraph's layout. */
GArray             *bulletin_typesetter_set_blocks (BulletinTypesetter *self,
                                                    PangoContext       *context,
                                                    double              width,
                                                    guint               start,
                                                    guint               end);

/* The same for the spans [@first_span, @end_span) only (G_MAXUINT: to
 * the end), to set a long article in steps: a run-in dateline at
 * @end_span - 1 takes its paragraph with it, so start the next step after
 * it (bulletin_typesetter_is_run_in ()). */
GArray             *bulletin_typesetter_set_span_blocks (BulletinTypesetter *self,
                                                         PangoContext       *context,
                                                         double              width,
                                                         guint               first_span,
                                                         guint               end_span,
                                                         guint               start,
                                                         guint               end);

/* A layout of @text that is not the article's (a header, a note) in the
 * article's language and faces at @scale of the body size; @width <= 0
 * for no wrapping. */
PangoLayout        *bulletin_typesetter_new_text_layout (BulletinTypesetter *self,
                                                         PangoContext       *context,
                                                         const char         *text,
                                                         double              scale,
                                                         gboolean            sans,
                                                         PangoWeight         weight,
                                                         double              width);

/* Ascent and descent of the role's face at its size, for an even line
 * pitch whatever fonts a line falls back on. */
void                bulletin_typesetter_get_metrics (BulletinTypesetter *self,
                                                     PangoContext       *context,
                                                     double              scale,
                                                     gboolean            sans,
                                                     PangoWeight         weight,
                                                     double             *ascent,
                                                     double             *descent);

/* Moves each glyph that carries a Han-Latin gap so that the whole gap is
 * on the Latin side of the boundary (call after the layout's last
 * change; a new change lays it out anew). */
void                bulletin_typesetter_fix_gaps  (PangoLayout         *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinTypesetter, bulletin_typesetter_free)

G_END_DECLS
