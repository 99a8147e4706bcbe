/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BULLETIN_SEARCH_PROVIDER_PATH "/io/github/bulletinreader/BulletinReader/SearchProvider"

#define BULLETIN_TYPE_SEARCH_PROVIDER (bulletin_search_provider_get_type ())

G_DECLARE_FINAL_TYPE (BulletinSearchProvider, bulletin_search_provider, BULLETIN, SEARCH_PROVIDER, GObject)

BulletinSearchProvider *bulletin_search_provider_new        (GApplication            *application);
gboolean                bulletin_search_provider_register   (BulletinSearchProvider  *self,
                                                             GDBusConnection         *connection,
                                                             const char              *object_path,
                                                             GError                 **error);
void                    bulletin_search_provider_unregister (BulletinSearchProvider  *self);

G_END_DECLS
