/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-formats.h"
#include "bulletin-newsml-g2-reader.h"
#include "bulletin-newsml-xml.h"
#include "bulletin-newsml1-reader.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-text-import.h"

/*
 * The file formats, in one table: adding a format is a reader and a row
 * here (see docs/architecture.md).  The issue kind is what the archive
 * cache stores; formats that share an extension (NewsML-G2 and NewsML 1,
 * both .xml) share a kind and are told apart by their first bytes when the
 * file is read.  Folders of ninjs files are the one kind that is not a
 * file format (bulletin-issue.c reads them).
 */

static BulletinParsedIssue *
parse_ninjs (const char  *data,
             gsize        len,
             GFile       *file,
             const char  *display_name,
             GError     **error)
{
  (void)file;
  return bulletin_ninjs_parse (data, len, display_name, error);
}

static BulletinParsedIssue *
parse_text (const char  *data,
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

static const char * const json_extensions[] = { "json", NULL };
static const char * const text_extensions[] = { "txt", NULL };
static const char * const xml_extensions[] = { "xml", NULL };

static const BulletinFormat formats[] = {
  {
    .name = "ninjs",
    .description = "IPTC ninjs (JSON)",
    .kind = BULLETIN_ISSUE_NINJS_FILE,
    .extensions = json_extensions,
    .parse = parse_ninjs,
    /* the scanner streams ninjs (bulletin-ninjs-skim.c) */
  },
  {
    .name = "text",
    .description = "plain text",
    .kind = BULLETIN_ISSUE_TEXT_FILE,
    .extensions = text_extensions,
    .parse = parse_text,
    /* the scanner reads the first few KB of text */
  },
  {
    .name = "newsml-g2",
    .description = "IPTC NewsML-G2",
    .kind = BULLETIN_ISSUE_NEWSML_FILE,
    .extensions = xml_extensions,
    .sniff = bulletin_newsml_g2_sniff,
    .parse = bulletin_newsml_g2_parse,
    .skim = bulletin_newsml_g2_skim,
  },
  {
    .name = "newsml1",
    .description = "IPTC NewsML 1.x",
    .kind = BULLETIN_ISSUE_NEWSML_FILE,
    .extensions = xml_extensions,
    .sniff = bulletin_newsml1_sniff,
    .parse = bulletin_newsml1_parse,
    .skim = bulletin_newsml1_skim,
  },
};

/* what the sniffers look at */
#define HEAD_BYTES 4096

void
bulletin_format_skim_clear (BulletinFormatSkim *skim)
{
  g_clear_pointer (&skim->title, g_free);
  g_clear_pointer (&skim->date, g_free);
  skim->n_articles = 0;
}

const BulletinFormat *
bulletin_formats_get (guint *n_formats)
{
  *n_formats = G_N_ELEMENTS (formats);
  return formats;
}

/* The kind of a file called @name, by its extension (any case). */
gboolean
bulletin_format_kind_for_name (const char        *name,
                               BulletinIssueKind *kind)
{
  const char *dot = name != NULL ? strrchr (name, '.') : NULL;

  if (dot == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    for (guint j = 0; formats[i].extensions[j] != NULL; j++)
      if (g_ascii_strcasecmp (dot + 1, formats[i].extensions[j]) == 0)
        {
          *kind = formats[i].kind;
          return TRUE;
        }
  return FALSE;
}

/* The format of a file of @kind that starts with @head. */
const BulletinFormat *
bulletin_format_detect (BulletinIssueKind  kind,
                        const char        *head,
                        gsize              len)
{
  const BulletinFormat *fallback = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      if (formats[i].kind != kind)
        continue;
      if (formats[i].sniff == NULL)
        fallback = fallback != NULL ? fallback : &formats[i];
      else if (formats[i].sniff (head, MIN (len, HEAD_BYTES)))
        return &formats[i];
    }
  return fallback;
}

static gboolean
no_format (const char  *display_name,
           GError     **error)
{
  /* Translators: %s is a file name */
  g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_NOT_NEWSML,
               _("%s: neither NewsML-G2 nor NewsML 1 (no newsItem, packageItem, newsMessage or NewsML element at its start)"),
               display_name);
  return FALSE;
}

BulletinParsedIssue *
bulletin_format_parse (BulletinIssueKind   kind,
                       const char         *data,
                       gsize               len,
                       GFile              *file,
                       const char         *display_name,
                       GError            **error)
{
  const BulletinFormat *format = bulletin_format_detect (kind, data, len);

  if (format == NULL)
    {
      no_format (display_name, error);
      return NULL;
    }
  return format->parse (data, len, file, display_name, error);
}

gboolean
bulletin_format_has_skim (BulletinIssueKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].kind == kind && formats[i].skim != NULL)
      return TRUE;
  return FALSE;
}

/* Lists @file by its format's skim (worker thread).  @io_error is set
 * when the file could not be read, as opposed to read and found wrong. */
gboolean
bulletin_format_skim_file (BulletinIssueKind    kind,
                           GFile               *file,
                           const char          *display_name,
                           BulletinFormatSkim  *skim,
                           gboolean            *io_error,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autofree char *data = NULL;
  const BulletinFormat *format;
  gsize len = 0;

  memset (skim, 0, sizeof *skim);
  *io_error = TRUE;
  {
    g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                   G_FILE_QUERY_INFO_NONE, cancellable, error);
    if (info == NULL)
      return FALSE;
    if (g_file_info_get_size (info) > BULLETIN_NEWSML_MAX_BYTES)
      {
        *io_error = FALSE;
        /* Translators: %s is a file name, %u a size in megabytes */
        g_set_error (error, BULLETIN_NEWSML_ERROR, BULLETIN_NEWSML_ERROR_TOO_LARGE,
                     _("%s: too large for an XML news file (over %u MB)"), display_name,
                     (guint)(BULLETIN_NEWSML_MAX_BYTES / (1024 * 1024)));
        return FALSE;
      }
  }
  if (!g_file_load_contents (file, cancellable, &data, &len, NULL, error))
    return FALSE;
  *io_error = FALSE;

  format = bulletin_format_detect (kind, data, len);
  if (format == NULL)
    return no_format (display_name, error);
  if (format->skim != NULL)
    return format->skim (data, len, file, display_name, skim, error);
  {
    g_autoptr(BulletinParsedIssue) parsed = format->parse (data, len, file, display_name, error);

    if (parsed == NULL)
      return FALSE;
    skim->title = g_steal_pointer (&parsed->title);
    skim->date = g_steal_pointer (&parsed->date);
    skim->n_articles = parsed->articles->len;
    return TRUE;
  }
}
