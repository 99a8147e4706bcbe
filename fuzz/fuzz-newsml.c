/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the NewsML readers (G2 and 1.x, libxml2, XHTML and
 * NITF bodies) on every input, the formats' sniffing, then the same
 * invariants as the other readers and a ninjs export of what they read. */
#include "config.h"

#include "bulletin-formats.h"
#include "bulletin-newsml-g2-reader.h"
#include "bulletin-newsml1-reader.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *)data;

  (void)bulletin_format_detect (BULLETIN_ISSUE_NEWSML_FILE, text, size);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BulletinParsedIssue) parsed = bulletin_newsml_g2_parse (text, size, NULL, "fuzz.xml", &error);

    if (parsed == NULL)
      g_assert_nonnull (error);
    else
      fuzz_check_issue (parsed);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BulletinParsedIssue) parsed = bulletin_newsml1_parse (text, size, NULL, "fuzz.xml", &error);

    if (parsed == NULL)
      g_assert_nonnull (error);
    else
      fuzz_check_issue (parsed);
  }
  return 0;
}
