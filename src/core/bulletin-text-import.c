/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "bulletin-corrections.h"
#include "bulletin-text-decoder.h"
#include "bulletin-text-import.h"
#include "bulletin-text-segmenter.h"

G_DEFINE_QUARK (bulletin-text-error-quark, bulletin_text_error)

/**
 * bulletin_text_parse:
 *
 * Decodes a plain-text bulletin (see bulletin_text_decode ()) and splits
 * it into articles (see bulletin_text_segment ()).
 *
 * Returns: (transfer full) (nullable): the issue
 */
BulletinParsedIssue *
bulletin_text_parse (const char  *data,
                     gsize        len,
                     const char  *display_name,
                     GError     **error)
{
  return bulletin_text_parse_full (data, len, display_name, NULL, NULL, error);
}

/**
 * bulletin_text_parse_full:
 *
 * Returns: (transfer full) (nullable): the issue
 */
BulletinParsedIssue *
bulletin_text_parse_full (const char          *data,
                          gsize                len,
                          const char          *display_name,
                          BulletinCorrections *corrections,
                          const char          *encoding,
                          GError             **error)
{
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GArray) fixes = NULL;
  g_autofree char *key = NULL;
  g_autoptr(BulletinDecodedText) decoded = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GBytes) text = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = "?";

  if (encoding != NULL)
    decoded = bulletin_text_decode_as (data, len, display_name, encoding, error);
  else
    decoded = bulletin_text_decode (data, len, display_name, error);
  if (decoded == NULL)
    return NULL;

  /* the reader's corrections of this issue: its identity is that of its
   * decoded text, whatever the encoding and line ends of the file */
  if (corrections != NULL)
    key = bulletin_corrections_issue_key (decoded->text, decoded->len);
  if (corrections != NULL && !bulletin_corrections_is_empty (corrections))
    {
      wanted = bulletin_corrections_lookup (corrections, key, display_name);
      fixes = bulletin_corrections_resolve (wanted, decoded->text, decoded->len);
    }

  /* the articles keep their text in the decoded file's, which they
   * share; the decoder's spare room goes back first */
  text = g_bytes_new_take (g_realloc (g_steal_pointer (&decoded->text), decoded->len + 1),
                           decoded->len + 1);
  if (fixes != NULL && fixes->len > 0)
    parsed = bulletin_text_segment_fixed (text, decoded->len, display_name,
                                          (const BulletinLineFix *) (gpointer) fixes->data, fixes->len);
  else
    parsed = bulletin_text_segment_shared (text, decoded->len, display_name);
  parsed->text_key = g_steal_pointer (&key);
  parsed->encoding = g_strdup (decoded->encoding);
  for (guint c = 0; wanted != NULL && c < wanted->len; c++)
    {
      BulletinCorrection *corr = g_ptr_array_index (wanted, c);

      if (corr->found)
        {
          parsed->n_corrections++;
          continue;
        }
      if (parsed->missing_corrections == NULL)
        parsed->missing_corrections = g_ptr_array_new_with_free_func ((GDestroyNotify) bulletin_correction_free);
      g_ptr_array_add (parsed->missing_corrections, bulletin_correction_copy (corr));
      bulletin_parsed_issue_add_warning (parsed,
                                         _("%s: a correction (%s) was not applied: its line is no longer in the file: %s"),
                                         display_name, bulletin_correction_kind_get_label (corr->kind),
                                         corr->line);
    }
  if (parsed->articles->len == 0)
    {
      g_set_error (error, BULLETIN_TEXT_ERROR, BULLETIN_TEXT_ERROR_EMPTY,
                   _("%s: the file has no text, only blank lines"), display_name);
      return NULL;
    }

  if (decoded->n_replaced > 0)
    bulletin_parsed_issue_add_warning (parsed,
                                       g_dngettext (GETTEXT_PACKAGE,
                                                    "%s: %u byte is not valid %s and is shown as �",
                                                    "%s: %u bytes are not valid %s and are shown as �",
                                                    decoded->n_replaced),
                                       display_name, decoded->n_replaced, decoded->encoding);
  return g_steal_pointer (&parsed);
}
