/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bulletin-annotations.h"
#include "bulletin-text-fold.h"

/*
 * Finding a noted passage again.  The offsets are tried first; when the
 * text there is no longer the quote (an issue re-imported, edited, or
 * re-exported with other punctuation widths or line breaks), the quote is
 * searched in a folded copy of the article (the search's folding:
 * compatibility forms, case, Traditional to Simplified; white space
 * dropped) that remembers the source offset of every folded
 * character.  Several matches are told apart by how well the context kept
 * beside the quote agrees with theirs, then by nearness to the old offset.
 * A passage that is not found leaves the note detached: kept, never lost.
 */

typedef struct {
  GArray *chars;   /* gunichar */
  GArray *offsets; /* guint: source offset of each folded character */
  GArray *ends;    /* guint: one past the source characters it came from */
} Folded;

/* The search's folding (bulletin-text-fold.h: compatibility forms, case,
 * Traditional to Simplified), without its white space: a passage is
 * found again across other line breaks and spacing. */
static void
fold_text (const char *text,
           Folded     *out,
           guint       first_offset)
{
  g_autoptr(BulletinFolded) folded = bulletin_folded_new ();
  const gunichar *chars;
  guint n;

  out->chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  out->offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  out->ends = g_array_new (FALSE, FALSE, sizeof (guint));
  if (text == NULL)
    return;

  bulletin_folded_append (folded, text, strlen (text), first_offset);
  bulletin_folded_end_block (folded);
  chars = bulletin_folded_get_chars (folded);
  n = bulletin_folded_get_length (folded);
  for (guint i = 0; i < n; i++)
    {
      guint start = bulletin_folded_get_start (folded, i);
      guint end = bulletin_folded_get_end (folded, i);

      if (chars[i] == ' ' || chars[i] == '\n')
        continue;
      g_array_append_val (out->chars, chars[i]);
      g_array_append_val (out->offsets, start);
      g_array_append_val (out->ends, end);
    }
}

static void
folded_clear (Folded *folded)
{
  g_clear_pointer (&folded->chars, g_array_unref);
  g_clear_pointer (&folded->offsets, g_array_unref);
  g_clear_pointer (&folded->ends, g_array_unref);
}

#define CHAR_AT(f, i) (g_array_index ((f)->chars, gunichar, (i)))

static gboolean
match_at (const Folded *hay,
          guint         at,
          const Folded *needle)
{
  if (at + needle->chars->len > hay->chars->len)
    return FALSE;
  return memcmp (&CHAR_AT (hay, at), &CHAR_AT (needle, 0),
                 needle->chars->len * sizeof (gunichar)) == 0;
}

/* How well @context agrees with the text beside a match, walking away
 * from the match from @at in @direction (+1 after it, -1 before it): the
 * context's characters are aligned greedily, each looked for a little
 * ahead of where the last one was found, so that a few characters
 * inserted, removed or changed do not lose the rest.  A character's
 * weight halves every four characters away from the match, so that far
 * context (which may run into a neighbouring paragraph that repeats the
 * phrase) cannot outweigh near context. */
#define LOOK_BEHIND 1
#define LOOK_AHEAD 8

static guint
likeness (const Folded *hay,
          gint64        at,
          int           direction,
          const Folded *context)
{
  guint n = context->chars->len;
  gint64 expected = 0; /* steps away from @at */
  guint score = 0;

  for (guint j = 0; j < n; j++)
    {
      gunichar c = CHAR_AT (context, direction > 0 ? j : n - 1 - j);
      gboolean found = FALSE;

      for (gint64 step = MAX (0, expected - LOOK_BEHIND); step <= expected + LOOK_AHEAD; step++)
        {
          gint64 pos = at + direction * step;

          if (pos < 0 || pos >= (gint64) hay->chars->len)
            break;
          if (CHAR_AT (hay, pos) == c)
            {
              score += 4096 >> MIN (j / 4, 12);
              expected = step + 1;
              found = TRUE;
              break;
            }
        }
      if (!found)
        expected++;
    }
  return score;
}

/**
 * bulletin_annotations_anchor_note:
 * @note: a note
 * @article: the article as it is now
 * @start: (out) (optional): first source character of the passage
 * @end: (out) (optional): one past the last
 *
 * Finds the note's passage in @article and records the result on the note
 * (bulletin_note_get_anchor_state ()).  The note itself is not changed.
 *
 * Returns: %BULLETIN_ANCHOR_EXACT or %BULLETIN_ANCHOR_MOVED with the range
 *   in @start and @end; %BULLETIN_ANCHOR_ARTICLE for an article note;
 *   %BULLETIN_ANCHOR_DETACHED when the passage is gone.
 */
BulletinAnchorState
bulletin_annotations_anchor_note (BulletinNote    *note,
                                  BulletinArticle *article,
                                  guint           *start,
                                  guint           *end)
{
  const char *quote;
  guint length, s, e, best_start = 0, best_end = 0;
  Folded hay = { 0 }, needle = { 0 }, before = { 0 }, after = { 0 };
  gint64 best_score = -1;
  guint64 best_distance = G_MAXUINT64;
  BulletinAnchorState state;

  g_return_val_if_fail (BULLETIN_IS_NOTE (note), BULLETIN_ANCHOR_UNKNOWN);
  g_return_val_if_fail (BULLETIN_IS_ARTICLE (article), BULLETIN_ANCHOR_UNKNOWN);

  if (start != NULL)
    *start = 0;
  if (end != NULL)
    *end = 0;

  if (!bulletin_note_has_range (note))
    {
      _bulletin_note_set_anchor_state (note, BULLETIN_ANCHOR_ARTICLE);
      return BULLETIN_ANCHOR_ARTICLE;
    }

  quote = bulletin_note_get_quote (note);
  length = bulletin_article_get_source_length (article);
  s = bulletin_note_get_start (note);
  e = bulletin_note_get_end (note);

  if (e <= length && s <= e)
    {
      const char *a = bulletin_article_offset_to_pointer (article, s);
      const char *b = bulletin_article_offset_to_pointer (article, e);

      if ((gsize) (b - a) == strlen (quote) && memcmp (a, quote, b - a) == 0)
        {
          if (start != NULL)
            *start = s;
          if (end != NULL)
            *end = e;
          _bulletin_note_set_anchor_state (note, BULLETIN_ANCHOR_EXACT);
          return BULLETIN_ANCHOR_EXACT;
        }
    }

  fold_text (quote, &needle, 0);
  if (needle.chars->len == 0)
    {
      folded_clear (&needle);
      _bulletin_note_set_anchor_state (note, BULLETIN_ANCHOR_DETACHED);
      return BULLETIN_ANCHOR_DETACHED;
    }

  fold_text (bulletin_article_get_source (article), &hay, 0);
  fold_text (bulletin_note_get_context_before (note), &before, 0);
  fold_text (bulletin_note_get_context_after (note), &after, 0);

  for (guint i = 0; i + needle.chars->len <= hay.chars->len; i++)
    {
      guint m_start, m_end;
      gint64 score;
      guint64 distance;

      if (CHAR_AT (&hay, i) != CHAR_AT (&needle, 0) || !match_at (&hay, i, &needle))
        continue;

      m_start = g_array_index (hay.offsets, guint, i);
      m_end = g_array_index (hay.ends, guint, i + needle.chars->len - 1);
      score = likeness (&hay, (gint64) i - 1, -1, &before) +
              likeness (&hay, i + needle.chars->len, +1, &after);
      distance = m_start > s ? m_start - s : s - m_start;

      if (score > best_score || (score == best_score && distance < best_distance))
        {
          best_score = score;
          best_distance = distance;
          best_start = m_start;
          best_end = m_end;
        }
    }

  folded_clear (&hay);
  folded_clear (&needle);
  folded_clear (&before);
  folded_clear (&after);

  if (best_score < 0)
    state = BULLETIN_ANCHOR_DETACHED;
  else
    {
      state = BULLETIN_ANCHOR_MOVED;
      if (start != NULL)
        *start = best_start;
      if (end != NULL)
        *end = best_end;
    }
  _bulletin_note_set_anchor_state (note, state);
  return state;
}
