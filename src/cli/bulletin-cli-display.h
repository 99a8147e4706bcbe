/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-cli-private.h"

G_BEGIN_DECLS

/* `bulletin-reader --display-text PATH`: every article of PATH, newest
 * issue first, as one JSON object a line with the text exactly as the
 * reader displays it (for scripts, and for the accessibility tests that
 * compare it with what a screen reader is given). */
BulletinCliStatus bulletin_cli_display_text (const BulletinCliArgs *args);

G_END_DECLS
