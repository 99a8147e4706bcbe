/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-cli-private.h"

G_BEGIN_DECLS

/* `bulletin-reader --search QUERY PATH`: one JSON object per matching
 * article, newest issue first.  PATH is an archive folder or one issue
 * file. */
BulletinCliStatus bulletin_cli_search (const BulletinCliArgs *args);

G_END_DECLS
