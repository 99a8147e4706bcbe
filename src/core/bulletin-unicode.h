/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Classes of characters, written down once for the whole program.  This
 * module depends on GLib alone, so that any other may use it.  The ranges
 * are those of the Unicode blocks (a block's unassigned code points
 * count), so that the answer does not change with GLib's Unicode version.
 *
 *  - a unified ideograph: CJK Unified Ideographs and Extensions A to J;
 *  - a Han ideograph: a unified ideograph or a CJK Compatibility Ideograph
 *    (U+F900..U+FAFF, U+2F800..U+2FA1F);
 *  - Han: the characters of the Han script: the ideographs, the radicals
 *    (U+2E80..U+2FDF), 々, 〇, the Hangzhou numerals 〡..〩, 〸..〻 and the
 *    ideographic marks U+16FE2, U+16FE3, U+16FF0, U+16FF1;
 *  - Chinese context: Han, or the punctuation Chinese text is set with:
 *    CJK Symbols and Punctuation, Full-width Forms (U+FF01..U+FF60), CJK
 *    Compatibility Forms (U+FE30..U+FE4F), “”‘’, — and …: a neighbour
 *    of one of these is in Chinese text (punctuation widening, line-break
 *    joining of the search folding);
 *  - CJK: the scripts written without spaces between words, tokenized a
 *    character at a time by the search: Han, Hiragana, Katakana, Hangul
 *    and Bopomofo.
 */

/* CJK Unified Ideographs and Extension A: the Basic Multilingual Plane's
 * unified ideographs, none of which has a compatibility or case mapping
 * (the fast paths of the foldings; the article ids depend on it) */
static inline gboolean
bulletin_unichar_is_unified_ideograph_bmp (gunichar c)
{
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

gboolean  bulletin_unichar_is_unified_ideograph (gunichar c);
gboolean  bulletin_unichar_is_han_ideograph     (gunichar c);
gboolean  bulletin_unichar_is_han               (gunichar c);
gboolean  bulletin_unichar_is_chinese_context   (gunichar c);
gboolean  bulletin_unichar_is_cjk               (gunichar c);

G_END_DECLS
