/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-formats.h"

G_BEGIN_DECLS

/* IPTC NewsML-G2: a newsItem is an article, a packageItem an issue (its
 * itemRefs name the articles, found in the same newsMessage or as files
 * beside the package), a newsMessage a bundle of items. */
gboolean             bulletin_newsml_g2_sniff (const char          *head,
                                               gsize                len);
BulletinParsedIssue *bulletin_newsml_g2_parse (const char          *data,
                                               gsize                len,
                                               GFile               *file,
                                               const char          *display_name,
                                               GError             **error);
gboolean             bulletin_newsml_g2_skim  (const char          *data,
                                               gsize                len,
                                               GFile               *file,
                                               const char          *display_name,
                                               BulletinFormatSkim  *skim,
                                               GError             **error);

G_END_DECLS
