/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the whole plain-text path (decode, segment, display
 * text and its offset map, ninjs export). */
#include "config.h"

#include <string.h>

#include "bulletin-text-import.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;

  parsed = bulletin_text_parse ((const char *)data, size, "fuzz.txt", &error);
  if (parsed == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "fuzz.txt"));
      return 0;
    }
  g_assert_cmpuint (parsed->articles->len, >, 0);
  fuzz_check_issue (parsed);
  return 0;
}
