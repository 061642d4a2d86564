/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-search-provider.h: GNOME Shell's search in the Activities overview
 * (org.gnome.Shell.SearchProvider2), exported by the application on its
 * D-Bus connection. Finds cached messages only, never the network.
 */
#pragma once

#include <gio/gio.h>

#include "sr-application.h"

G_BEGIN_DECLS

/* Where the provider is exported, under the application's object path. */
#define SR_SEARCH_PROVIDER_PATH_SUFFIX "/SearchProvider"

#define SR_TYPE_SEARCH_PROVIDER (sr_search_provider_get_type ())
G_DECLARE_FINAL_TYPE (SrSearchProvider, sr_search_provider, SR, SEARCH_PROVIDER, GObject)

SrSearchProvider *sr_search_provider_new        (SrApplication    *application);
gboolean          sr_search_provider_export     (SrSearchProvider *self,
                                                 GDBusConnection  *connection,
                                                 const char       *object_path,
                                                 GError          **error);
void              sr_search_provider_unexport   (SrSearchProvider *self);

G_END_DECLS
