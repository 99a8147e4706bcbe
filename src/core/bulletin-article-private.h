/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bulletin-article.h"

G_BEGIN_DECLS

void bulletin_article_set_source_shared (BulletinArticle *self,
                                         GBytes          *owner,
                                         gsize            offset,
                                         gsize            len,
                                         guint            n_chars);

G_END_DECLS
