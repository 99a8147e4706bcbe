/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * BulletinScript:
 *
 * The writing system the reader sets an article in.
 */
typedef enum {
  BULLETIN_SCRIPT_HANS,    /* Simplified Chinese */
  BULLETIN_SCRIPT_HANT,    /* Traditional Chinese (Taiwan) */
  BULLETIN_SCRIPT_HANT_HK, /* Traditional Chinese (Hong Kong, Macao) */
  BULLETIN_SCRIPT_LATIN,
} BulletinScript;

/* Guesses the BCP 47 language of @text: "zh-Hans" or "zh-Hant" for Han
 * text (by characters that exist in one script only), "en", "de", "no",
 * "sv" ... for Latin text (by frequent words), or NULL when it cannot
 * tell.  Reads at most the first 20,000 characters. */
const char     *bulletin_language_detect        (const char  *text,
                                                 gssize       len);

/* The script an article in @bcp47 is set in; @text decides when the tag
 * does not ("zh", "", NULL). */
BulletinScript  bulletin_language_get_script    (const char  *bcp47,
                                                 const char  *text,
                                                 gssize       len);

/* The language tag the font stack honours for @bcp47 (fontconfig's
 * orthographies: "zh-cn", "zh-tw", "zh-hk"; lower-case primary subtag for
 * the others), using @text when the tag does not say which Chinese.
 * Returns: (transfer full): the tag */
char           *bulletin_language_to_font_tag   (const char  *bcp47,
                                                 const char  *text,
                                                 gssize       len);

G_END_DECLS
