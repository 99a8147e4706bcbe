/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bulletin-date.h"
#include "bulletin-formats.h"
#include "bulletin-newsml-g2-reader.h"
#include "bulletin-newsml-xml.h"
#include "bulletin-newsml1-reader.h"
#include "bulletin-ninjs-folder.h"
#include "bulletin-ninjs-reader.h"
#include "bulletin-ninjs-skim.h"
#include "bulletin-text-import.h"

/*
 * The formats of issue files, in one table: adding a format is a reader
 * and a row here (see docs/architecture.md).  Formats that share an
 * extension (NewsML-G2 and NewsML 1, both .xml) share an issue kind and are
 * told apart by their first bytes; the archive cache stores a kind by the
 * name of its first format here, never by its number.  The
 * scanner, the issue and the search index know no format by name: they
 * detect, parse and skim through the functions below.
 */

static const char * const json_extensions[] = { "json", NULL };
static const char * const text_extensions[] = { "txt", NULL };
static const char * const xml_extensions[] = { "xml", NULL };

static const BulletinFormat formats[] = {
  {
    .name = "ninjs",
    .description = "IPTC ninjs (JSON)",
    .kind = BULLETIN_ISSUE_NINJS_FILE,
    .extensions = json_extensions,
    .parse = bulletin_ninjs_format_parse,
    .skim = bulletin_ninjs_format_skim,
  },
  {
    .name = "text",
    .description = "plain text",
    .kind = BULLETIN_ISSUE_TEXT_FILE,
    .extensions = text_extensions,
    .parse = bulletin_text_format_parse,
    .skim = bulletin_text_format_skim,
    .skim_head = TRUE,
  },
  {
    .name = "newsml-g2",
    .description = "IPTC NewsML-G2",
    .kind = BULLETIN_ISSUE_NEWSML_FILE,
    .extensions = xml_extensions,
    .sniff = bulletin_newsml_g2_sniff,
    .parse = bulletin_newsml_g2_parse,
    .skim = bulletin_newsml_g2_skim,
    .max_bytes = BULLETIN_NEWSML_MAX_BYTES,
    .too_large = bulletin_newsml_too_large,
    .unrecognised = bulletin_newsml_unrecognised,
  },
  {
    .name = "newsml1",
    .description = "IPTC NewsML 1.x",
    .kind = BULLETIN_ISSUE_NEWSML_FILE,
    .extensions = xml_extensions,
    .sniff = bulletin_newsml1_sniff,
    .parse = bulletin_newsml1_parse,
    .max_bytes = BULLETIN_NEWSML_MAX_BYTES,
    .too_large = bulletin_newsml_too_large,
    .unrecognised = bulletin_newsml_unrecognised,
  },
};

/* The one format whose issues are folders, not files: beside the table,
 * which lists what a file name can be. */
static const BulletinFormat folder_issues = {
  .name = "ninjs-folder",
  .description = "a folder of ninjs files",
  .kind = BULLETIN_ISSUE_NINJS_FOLDER,
  .parse_folder = bulletin_ninjs_folder_parse,
  .skim_folder = bulletin_ninjs_folder_skim,
  .stamp = bulletin_ninjs_folder_stamp,
};

/* what the sniffers look at */
#define HEAD_BYTES 4096

void
bulletin_format_skim_clear (BulletinFormatSkim *skim)
{
  g_clear_pointer (&skim->title, g_free);
  g_clear_pointer (&skim->date, g_free);
  g_clear_pointer (&skim->number, g_free);
  skim->n_articles = 0;
}

/* What a skim lists of a parsed issue: for formats whose listing is a
 * parse.  An undated issue takes its first article's date. */
void
bulletin_format_skim_parsed (BulletinParsedIssue *parsed,
                             BulletinFormatSkim  *skim)
{
  skim->title = g_steal_pointer (&parsed->title);
  skim->date = g_steal_pointer (&parsed->date);
  if (skim->date == NULL && parsed->articles->len > 0)
    skim->date = bulletin_date_from_string (bulletin_article_get_date (g_ptr_array_index (parsed->articles, 0)));
  skim->n_articles = parsed->articles->len;
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
    for (guint j = 0; formats[i].extensions != NULL && formats[i].extensions[j] != NULL; j++)
      if (g_ascii_strcasecmp (dot + 1, formats[i].extensions[j]) == 0)
        {
          *kind = formats[i].kind;
          return TRUE;
        }
  return FALSE;
}

static const BulletinFormat *
folder_format (void)
{
  return &folder_issues;
}

/* The kind of a folder: FALSE when no format's issues are folders. */
gboolean
bulletin_format_kind_for_folder (BulletinIssueKind *kind)
{
  const BulletinFormat *format = folder_format ();

  if (format == NULL)
    return FALSE;
  *kind = format->kind;
  return TRUE;
}

/* Whether issues of @kind are folders (their images are found from the
 * folder itself, their changes seen by a monitor of it). */
gboolean
bulletin_format_kind_is_folder (BulletinIssueKind kind)
{
  const BulletinFormat *format = folder_format ();

  return format != NULL && format->kind == kind;
}

static const BulletinFormat *
first_of_kind (BulletinIssueKind kind)
{
  if (folder_issues.kind == kind)
    return &folder_issues;
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].kind == kind)
      return &formats[i];
  return NULL;
}

/**
 * bulletin_format_kind_name:
 *
 * The stable name of @kind, for what is stored on disk (the listing
 * cache): the name of its first format in the table.
 *
 * Returns: (transfer none) (nullable): the name, NULL for no format's kind
 */
const char *
bulletin_format_kind_name (BulletinIssueKind kind)
{
  const BulletinFormat *format = first_of_kind (kind);

  return format != NULL ? format->name : NULL;
}

/* The kind of the format called @name (any format's name, as
 * bulletin_format_kind_name () gives or the table lists). */
gboolean
bulletin_format_kind_for_format_name (const char        *name,
                                      BulletinIssueKind *kind)
{
  if (name == NULL)
    return FALSE;
  if (g_strcmp0 (folder_issues.name, name) == 0)
    {
      *kind = folder_issues.kind;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (strcmp (formats[i].name, name) == 0)
      {
        *kind = formats[i].kind;
        return TRUE;
      }
  return FALSE;
}

/**
 * bulletin_format_dup_extensions:
 *
 * The extensions of the table's formats, each once, as a person reads
 * them in a message: ".json, .txt, .xml".
 *
 * Returns: (transfer full): the list
 */
char *
bulletin_format_dup_extensions (void)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    for (guint j = 0; formats[i].extensions != NULL && formats[i].extensions[j] != NULL; j++)
      {
        const char *ext = formats[i].extensions[j];

        if (g_ptr_array_find_with_equal_func (seen, ext, g_str_equal, NULL))
          continue;
        g_ptr_array_add (seen, (gpointer)ext);
        if (out->len > 0)
          g_string_append (out, ", ");
        g_string_append_printf (out, ".%s", ext);
      }
  return g_string_free (out, FALSE);
}

/**
 * bulletin_format_dup_not_an_issue:
 *
 * The message for @display_name, which is neither a folder nor a file of
 * any format in the table: built from the table, so it names every
 * extension there is.
 *
 * Returns: (transfer full): the message
 */
char *
bulletin_format_dup_not_an_issue (const char *display_name)
{
  g_autofree char *extensions = bulletin_format_dup_extensions ();

  /* Translators: the first %s is a file name, the second a list of file
   * name extensions such as ".json, .txt, .xml" */
  return g_strdup_printf (_("%s: not a folder or a file of a format this program reads (%s)"),
                          display_name, extensions);
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

/* The error for a file of @kind that no format recognised. */
static gboolean
no_format (BulletinIssueKind   kind,
           const char         *display_name,
           GError            **error)
{
  const BulletinFormat *format = first_of_kind (kind);

  if (format != NULL && format->unrecognised != NULL)
    format->unrecognised (display_name, error);
  else
    /* Translators: %s is a file name */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("%s: not a file of a format this program reads"), display_name);
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

  if (format == NULL || format->parse == NULL)
    {
      no_format (kind, display_name, error);
      return NULL;
    }
  return format->parse (data, len, file, display_name, error);
}

/**
 * bulletin_format_parse_file:
 *
 * Reads @file (any GIO location: local, smb://, sftp://, a document
 * portal path; a folder for a folder format) and parses it as @kind.
 *
 * Returns: (transfer full) (nullable): the parsed issue
 */
BulletinParsedIssue *
bulletin_format_parse_file (BulletinIssueKind   kind,
                            GFile              *file,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize len = 0;

  if (bulletin_format_kind_is_folder (kind))
    return folder_format ()->parse_folder (file, cancellable, error);

  name = g_file_get_basename (file);
  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;
  return bulletin_format_parse (kind, contents, len, file, name, error);
}

/* Reads the rest of @stream after the @head_len bytes of @buffer. */
static gboolean
read_rest (GFileInputStream  *stream,
           GByteArray        *buffer,
           GCancellable      *cancellable,
           GError           **error)
{
  for (;;)
    {
      gsize at = buffer->len;
      gsize n = 0;

      g_byte_array_set_size (buffer, at + 65536);
      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer->data + at, 65536, &n,
                                    cancellable, error))
        return FALSE;
      g_byte_array_set_size (buffer, at + n);
      if (n < 65536)
        return TRUE;
    }
}

/* Whether @stream's file is over @format's limit (the error set). */
static gboolean
over_limit (const BulletinFormat *format,
            GFileInputStream     *stream,
            const char           *display_name,
            GCancellable         *cancellable,
            GError              **error)
{
  g_autoptr(GFileInfo) info = NULL;

  if (format->max_bytes == 0)
    return FALSE;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info == NULL || (guint64)g_file_info_get_size (info) <= format->max_bytes)
    return FALSE;
  if (format->too_large != NULL)
    format->too_large (display_name, format->max_bytes, error);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("%s: not a file of a format this program reads"), display_name);
  return TRUE;
}

static gboolean
skim_folder (const BulletinFormat  *format,
             GFile                 *folder,
             const char            *display_name,
             BulletinFormatSkim    *skim,
             gboolean              *io_error,
             GCancellable          *cancellable,
             GError               **error)
{
  *io_error = FALSE;
  return format->skim_folder (folder, display_name, skim, io_error, cancellable, error);
}

/* Skims the data of a file: by the format's skim, else by a parse. */
static gboolean
skim_data (const BulletinFormat  *format,
           const char            *data,
           gsize                  len,
           GFile                 *file,
           const char            *display_name,
           BulletinFormatSkim    *skim,
           GError               **error)
{
  g_autoptr(BulletinParsedIssue) parsed = NULL;

  if (format->skim != NULL)
    return format->skim (data, len, file, display_name, skim, error);
  parsed = format->parse (data, len, file, display_name, error);
  if (parsed == NULL)
    return FALSE;
  bulletin_format_skim_parsed (parsed, skim);
  return TRUE;
}

/**
 * bulletin_format_skim_file:
 *
 * Lists @file by its format (worker thread): the first 4 KB tell the
 * format, which reads no more than it needs.  @io_error is set when the
 * file could not be read, as opposed to read and found wrong; a folder
 * format returns FALSE without an error for a folder that is no issue.
 */
gboolean
bulletin_format_skim_file (BulletinIssueKind    kind,
                           GFile               *file,
                           const char          *display_name,
                           BulletinFormatSkim  *skim,
                           gboolean            *io_error,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  const BulletinFormat *format;
  gsize len = 0;

  memset (skim, 0, sizeof *skim);
  if (bulletin_format_kind_is_folder (kind))
    return skim_folder (folder_format (), file, display_name, skim, io_error, cancellable, error);

  *io_error = TRUE;
  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return FALSE;
  buffer = g_byte_array_sized_new (HEAD_BYTES + 1);
  g_byte_array_set_size (buffer, HEAD_BYTES);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer->data, HEAD_BYTES, &len,
                                cancellable, error))
    return FALSE;
  g_byte_array_set_size (buffer, len);
  *io_error = FALSE;

  format = bulletin_format_detect (kind, (const char *)buffer->data, buffer->len);
  if (format == NULL || format->parse == NULL)
    return no_format (kind, display_name, error);
  if (!format->skim_head || format->skim == NULL)
    {
      if (over_limit (format, stream, display_name, cancellable, error))
        return FALSE;
      *io_error = TRUE;
      if (len == HEAD_BYTES && !read_rest (stream, buffer, cancellable, error))
        return FALSE;
      *io_error = FALSE;
    }
  return skim_data (format, (const char *)buffer->data, buffer->len, file, display_name,
                    skim, error);
}

/* What besides its size and time tells the listing cache that an entry of
 * @kind changed; NULL when nothing does. */
char *
bulletin_format_dup_stamp (BulletinIssueKind  kind,
                           GFile             *entry,
                           GCancellable      *cancellable)
{
  const BulletinFormat *format = first_of_kind (kind);

  if (format == NULL || format->stamp == NULL)
    return NULL;
  return format->stamp (entry, cancellable);
}
