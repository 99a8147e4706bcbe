/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

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
  g_autoptr(BulletinDecodedText) decoded = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;
  g_autoptr(GBytes) text = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = "?";

  decoded = bulletin_text_decode (data, len, display_name, error);
  if (decoded == NULL)
    return NULL;

  /* the articles keep their text in the decoded file's, which they
   * share; the decoder's spare room goes back first */
  text = g_bytes_new_take (g_realloc (g_steal_pointer (&decoded->text), decoded->len + 1),
                           decoded->len + 1);
  parsed = bulletin_text_segment_shared (text, decoded->len, display_name);
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
