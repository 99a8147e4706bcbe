/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-cli-private.h"

G_BEGIN_DECLS

/* `bulletin-reader --index ARCHIVE`: builds or updates the shared search
 * index and listing cache in the archive folder itself
 * (ARCHIVE/.bulletin-reader/), for a job on the file server; clients open
 * them read-only and index only what is newer (docs/search.md). */
BulletinCliStatus bulletin_cli_index (const BulletinCliArgs *args);

G_END_DECLS
