/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GListModel *bulletin_reader_menu_attach (GtkTextView *view);

G_END_DECLS
