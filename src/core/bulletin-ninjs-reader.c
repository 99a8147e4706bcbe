/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bulletin-ninjs-reader.h"

G_DEFINE_QUARK (bulletin-ninjs-error-quark, bulletin_ninjs_error)

/* Replaced by the json-glib reader. */
BulletinParsedIssue *
bulletin_ninjs_parse (const char  *data,
                      gsize        len,
                      const char  *display_name,
                      GError     **error)
{
  g_set_error (error, BULLETIN_NINJS_ERROR, BULLETIN_NINJS_ERROR_NOT_NINJS,
               "%s: ninjs is not read yet", display_name);
  return NULL;
}
