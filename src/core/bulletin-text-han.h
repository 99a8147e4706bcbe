/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What the plain-text importer knows of Han characters, learnt at run time
 * from the system's GB2312 and Big5 tables (iconv), so that no list is
 * written down here:
 *  - COMMON: in GB2312 level 1 (the 3755 most frequent simplified
 *    characters) or in Big5's frequently-used block (5401 characters);
 *  - SIMPLIFIED: in GB2312 but not in Big5 (这, 们, 国 ...);
 *  - TRADITIONAL: in Big5 but not in GB2312 (這, 們, 國 ...).
 */
typedef enum {
  BULLETIN_HAN_NONE        = 0,
  BULLETIN_HAN_COMMON      = 1 << 0,
  BULLETIN_HAN_SIMPLIFIED  = 1 << 1,
  BULLETIN_HAN_TRADITIONAL = 1 << 2,
  BULLETIN_HAN_ANY         = 1 << 3,   /* bulletin_unichar_is_han_ideograph () */
} BulletinHanFlags;

BulletinHanFlags  bulletin_han_classify       (gunichar     c);

/* "zh-Hant" when traditional-only characters outnumber simplified-only
 * ones in the first @max_han Han characters of @text, "zh-Hans" when the
 * text has Han characters otherwise, NULL when it has none.  Static
 * strings. */
const char       *bulletin_han_guess_language (const char  *text,
                                               gsize        len,
                                               guint        max_han);

G_END_DECLS
