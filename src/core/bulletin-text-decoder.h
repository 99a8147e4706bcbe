/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * BulletinDecodedText:
 * @text: the decoded text, UTF-8, NUL-terminated, line ends turned to LF
 *   (CRLF and lone CR alike), a byte-order mark removed
 * @len: its length in bytes
 * @encoding: what it was decoded from: "UTF-8", "UTF-16LE", "UTF-16BE",
 *   "GB18030" (which covers GBK and GB2312), "Big5" or "Big5-HKSCS"
 * @n_replaced: invalid bytes shown as U+FFFD (a damaged UTF-8 file whose
 *   damage is small enough that UTF-8 stays the most plausible reading)
 */
typedef struct {
  char       *text;
  gsize       len;
  const char *encoding;
  guint       n_replaced;
} BulletinDecodedText;

BulletinDecodedText *bulletin_text_decode             (const char          *data,
                                                       gsize                len,
                                                       const char          *display_name,
                                                       GError             **error);
/* The same of @data known to be valid UTF-8, without checking it again */
BulletinDecodedText *bulletin_text_decode_utf8        (const char          *data,
                                                       gsize                len,
                                                       const char          *display_name,
                                                       GError             **error);
/* From @encoding, a name iconv knows, whatever the file seems to be */
BulletinDecodedText *bulletin_text_decode_as          (const char          *data,
                                                       gsize                len,
                                                       const char          *display_name,
                                                       const char          *encoding,
                                                       GError             **error);
/* Encodings a reader may choose: Chinese ones first, then all iconv has */
GPtrArray           *bulletin_text_dup_encoding_names (void);
void                 bulletin_decoded_text_free       (BulletinDecodedText *decoded);

/* How plausible @text (UTF-8) is as Chinese: the share of its Han
 * characters (and of the characters no Chinese text has: private use,
 * kana, C1 controls ...) that are common Han characters; 0.5 when it has
 * none of either.  @n_counted receives how many were counted. */
double               bulletin_text_score_chinese      (const char          *text,
                                                       gsize                len,
                                                       guint               *n_counted);

/* GB18030 to UTF-8 by table, faster than iconv; NULL when @data is not
 * valid GB18030 (iconv then says where). */
char                *bulletin_text_decode_gb18030     (const char          *data,
                                                       gsize                len,
                                                       gsize               *out_len);

/* Turns CRLF and CR into LF in place; returns the new length. */
gsize                bulletin_text_normalize_newlines (char                *text,
                                                       gsize                len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulletinDecodedText, bulletin_decoded_text_free)

G_END_DECLS
