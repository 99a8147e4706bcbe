/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       bulletin_about_install_actions (GtkApplication *application);
void       bulletin_about_present         (GtkWindow      *parent);
GtkWidget *bulletin_about_present_shortcuts (GtkWindow    *parent);

G_END_DECLS
