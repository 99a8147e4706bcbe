/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-cli-private.h"

G_BEGIN_DECLS

/* `bulletin-reader --export-pdf FILE PATH [--article ARTICLE] [--paper SIZE]`
 * and `--export-image FILE PATH [--article ARTICLE]`: one article of
 * PATH (the only one, or the one whose id or headline is ARTICLE, as
 * --display-text prints them) set as the reader sets it, to a PDF on A4,
 * A5, B5 or Letter, or to a PNG image 1080 pixels wide. */
BulletinCliStatus bulletin_cli_export_pdf   (const BulletinCliArgs *args);
BulletinCliStatus bulletin_cli_export_image (const BulletinCliArgs *args);

G_END_DECLS
