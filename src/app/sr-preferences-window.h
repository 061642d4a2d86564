/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-preferences-window.h: sync interval, re-poll window, UTC times and the
 * advanced server addresses, all stored in GSettings.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_PREFERENCES_WINDOW (sr_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SrPreferencesWindow, sr_preferences_window, SR, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *sr_preferences_window_new (void);

/* Shows the servers this run uses when they came from --api-url /
 * --auth-url (NULL: not given). */
void       sr_preferences_window_set_urls_in_use (SrPreferencesWindow *self,
                                                  const char          *api_url,
                                                  const char          *auth_url);
const char *sr_preferences_window_get_api_url_text (SrPreferencesWindow *self);

G_END_DECLS
