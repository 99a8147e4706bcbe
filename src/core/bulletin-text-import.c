/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-corrections.h"
#include "bulletin-date.h"
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

BulletinParsedIssue *
bulletin_text_format_parse (const char  *data,
                            gsize        len,
                            GFile       *file,
                            const char  *display_name,
                            GError     **error)
{
  BulletinCorrections *store = bulletin_corrections_get_default ();
  g_autofree char *encoding = NULL;

  (void)file;
  /* the reader's corrections apply (docs/corrections-format.md), and the
   * encoding a reader chose for this file, if any */
  if (store != NULL && !bulletin_corrections_is_empty (store))
    {
      g_autofree char *file_key = bulletin_corrections_file_key (data, len);
      encoding = bulletin_corrections_dup_encoding (store, file_key);
    }
  return bulletin_text_parse_full (data, len, display_name, store, encoding, error);
}

/* The first few KB as UTF-8, whatever the encoding the importer will find
 * (UTF-8, UTF-16 with a BOM, GB18030); NULL when none fits. */
static char *
text_prefix_to_utf8 (const char *buf,
                     gsize       len)
{
  const char *end = NULL;

  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    {
      buf += 3;
      len -= 3;
    }
  else if (len >= 2 && (memcmp (buf, "\xff\xfe", 2) == 0 || memcmp (buf, "\xfe\xff", 2) == 0))
    {
      const char *from = buf[0] == '\xff' ? "UTF-16LE" : "UTF-16BE";
      gsize even = (len - 2) & ~(gsize)1;

      return g_convert (buf + 2, even, "UTF-8", from, NULL, NULL, NULL);
    }

  if (g_utf8_validate_len (buf, len, &end))
    return g_strndup (buf, len);
  /* cut in the middle of a character by the read size */
  if (len - (end - buf) < 4 && g_utf8_get_char_validated (end, len - (end - buf)) == (gunichar)-2)
    return g_strndup (buf, end - buf);

  /* not UTF-8: GB18030, the usual other encoding of Chinese bulletins;
   * up to the last line end, so that no character is cut */
  {
    const char *nl = g_strrstr_len (buf, len, "\n");
    gsize n = nl != NULL ? (gsize)(nl - buf) : len;

    return g_convert (buf, n, "UTF-8", "GB18030", NULL, NULL, NULL);
  }
}

/* Lists a plain-text issue from its first few KB (@data): the title is
 * the masthead's, as the importer finds it when the issue loads (else the
 * file name), so that the row does not change; the number of articles is
 * known only once the importer has run. */
gboolean
bulletin_text_format_skim (const char          *data,
                           gsize                len,
                           GFile               *file,
                           const char          *display_name,
                           BulletinFormatSkim  *skim,
                           GError             **error)
{
  g_autofree char *text = text_prefix_to_utf8 (data, len);
  g_autofree char *name_date = bulletin_date_from_string (display_name);

  (void)file;
  (void)error;
  if (text != NULL)
    {
      char *end = strrchr (text, '\n');
      /* the title bulletin_text_parse () would give, without building
       * the articles (most of its time); @text is valid UTF-8 */
      g_autoptr(BulletinDecodedText) decoded =
        bulletin_text_decode_utf8 (text, end != NULL ? (gsize)(end - text) : strlen (text),
                                   display_name, NULL);

      if (decoded != NULL)
        skim->title = bulletin_text_segment_title (decoded->text, decoded->len, display_name);
      /* a date in the file name wins */
      if (name_date == NULL)
        skim->date = bulletin_date_from_string (text);
      skim->number = bulletin_number_from_string (text);
    }
  if (skim->number == NULL)
    skim->number = bulletin_number_from_string (display_name);
  return TRUE;
}
