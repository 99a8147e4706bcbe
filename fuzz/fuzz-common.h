/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bulletin-display-text.h"
#include "bulletin-ninjs-writer.h"
#include "bulletin-parsed-issue.h"

/* Invariants that every parsed issue keeps, whatever its input: blocks
 * inside their article's source and in order, display offsets mapping
 * monotonically into the source and back, and the ninjs export valid
 * JSON.  Aborts (a crash for libFuzzer) when one fails. */
static inline void
fuzz_check_issue (BulletinParsedIssue *parsed)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *json = NULL;
  gsize json_len = 0;

  for (guint a = 0; a < parsed->articles->len; a++)
    {
      BulletinArticle *article = g_ptr_array_index (parsed->articles, a);
      g_autoptr(BulletinDisplayText) display = NULL;
      guint source_len = bulletin_article_get_source_length (article);
      guint prev = 0, n_spans, display_len;
      const BulletinSpan *spans;

      g_assert_nonnull (bulletin_article_get_id (article));
      g_assert_true (g_utf8_validate (bulletin_article_get_source (article), -1, NULL));
      for (guint b = 0; b < bulletin_article_get_n_blocks (article); b++)
        {
          const BulletinBlock *block = bulletin_article_get_block (article, b);

          for (guint r = 0; r < block->n_ranges; r++)
            {
              g_assert_cmpuint (block->ranges[r].start, <=, block->ranges[r].end);
              g_assert_cmpuint (block->ranges[r].end, <=, source_len);
            }
        }

      display = bulletin_display_text_new (article, BULLETIN_DISPLAY_DEFAULT);
      display_len = bulletin_display_text_get_length (display);
      g_assert_cmpuint (display_len, ==, g_utf8_strlen (bulletin_display_text_get_text (display, NULL), -1));
      for (guint d = 0; d <= display_len && d < 4096; d++)
        {
          guint s = bulletin_display_text_to_source (display, d);

          g_assert_cmpuint (s, >=, prev);
          g_assert_cmpuint (s, <=, source_len);
          prev = s;
        }
      spans = bulletin_display_text_get_spans (display, &n_spans);
      for (guint i = 0; i < n_spans; i++)
        {
          g_autoptr(GArray) splits = bulletin_display_text_dup_splits (display, i, 64);
          guint last = spans[i].start;

          g_assert_cmpuint (spans[i].start, <=, spans[i].end);
          g_assert_cmpuint (spans[i].end, <=, display_len);
          /* every shown source character maps there and back (list
           * markers and piece breaks exist only on the display) */
          for (guint d = spans[i].start; d < spans[i].end && d < spans[i].start + 4096; d++)
            if (bulletin_display_text_is_source_char (display, d))
              g_assert_cmpuint (bulletin_display_text_from_source (display,
                                  bulletin_display_text_to_source (display, d)), ==, d);
          for (guint k = 0; k < splits->len; k++)
            {
              guint at = g_array_index (splits, guint, k);
              g_assert_cmpuint (at, >, last);
              g_assert_cmpuint (at, <, spans[i].end);
              last = at;
            }
        }
    }

  node = bulletin_ninjs_write_issue (parsed);
  g_assert_nonnull (node);
  json = bulletin_ninjs_to_data (node, &json_len);
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, json_len, NULL));
}
