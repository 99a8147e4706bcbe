/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the archive scanner's ninjs skim, a hand-written JSON
 * tokenizer that sees every file of an archive. */
#include "config.h"

#include <string.h>

#include "bulletin-ninjs-skim.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  BulletinNinjsSkim skim;

  if (!bulletin_ninjs_skim ((const char *)data, size, "fuzz.json", &skim, &error))
    {
      g_assert_nonnull (error);
      g_assert_null (skim.headline);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (skim.n_articles, >=, 1);
  g_assert_true (skim.headline == NULL || g_utf8_validate (skim.headline, -1, NULL));
  g_assert_true (skim.date == NULL || strlen (skim.date) == 10);
  bulletin_ninjs_skim_clear (&skim);
  return 0;
}
