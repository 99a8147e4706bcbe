/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-cli-private.h"

G_BEGIN_DECLS

/* `bulletin-reader --export-ninjs PATH...` */
BulletinCliStatus bulletin_cli_export_ninjs (const BulletinCliArgs *args);

G_END_DECLS
