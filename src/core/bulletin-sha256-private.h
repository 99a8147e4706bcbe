/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* SHA-256 for article ids: the same digests as GChecksum, with the x86
 * SHA extensions where the processor has them (an import hashes every
 * article; see bench/bench-text-import.c).  The tests check it against
 * GChecksum, on both paths. */

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
