/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The SHA-256 the app once hashed article ids with (the x86 SHA
 * extensions where the processor has them, else portable code), kept only
 * for bench-sha256, which compares it with GChecksum: the app uses
 * GChecksum since the benchmark showed the difference to be 22 ms over a
 * 16,000-article import.  bench-sha256 checks that both give the same
 * digests. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint32 state[8];
  guint64 length;       /* bytes hashed so far */
  guint8  buffer[64];
  guint   buffered;
} BulletinSha256;

void     bulletin_sha256_init          (BulletinSha256 *sha);
void     bulletin_sha256_update        (BulletinSha256 *sha,
                                        const void     *data,
                                        gsize           len);
void     bulletin_sha256_finish        (BulletinSha256 *sha,
                                        guint8          digest[32]);

/* for the tests: TRUE when the SHA extensions are used; @allow FALSE
 * forces the portable code */
gboolean bulletin_sha256_use_hardware  (gboolean        allow);

G_END_DECLS
