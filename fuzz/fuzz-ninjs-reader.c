/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the ninjs reader (JSON, HTML bodies), then the same
 * invariants as the text path and a ninjs export of what it read. */
#include "config.h"

#include "bulletin-ninjs-reader.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BulletinParsedIssue) parsed = NULL;

  parsed = bulletin_ninjs_parse ((const char *)data, size, "fuzz.json", &error);
  if (parsed == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  fuzz_check_issue (parsed);
  return 0;
}
