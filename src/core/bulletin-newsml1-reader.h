/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bulletin-formats.h"

G_BEGIN_DECLS

/* IPTC NewsML 1.x: each NewsItem's NewsComponent is an article, or, when
 * it holds article components (nested at any depth), an issue of them. */
gboolean             bulletin_newsml1_sniff (const char          *head,
                                             gsize                len);
BulletinParsedIssue *bulletin_newsml1_parse (const char          *data,
                                             gsize                len,
                                             GFile               *file,
                                             const char          *display_name,
                                             GError             **error);

G_END_DECLS
