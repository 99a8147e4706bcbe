/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BULLETIN_TYPE_APPLICATION (bulletin_application_get_type ())

G_DECLARE_FINAL_TYPE (BulletinApplication, bulletin_application, BULLETIN, APPLICATION, AdwApplication)

BulletinApplication *bulletin_application_new (void);

G_END_DECLS
