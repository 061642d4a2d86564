/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-preferences-dialog.h: sync interval, re-poll window, UTC times and the
 * advanced server addresses, all stored in GSettings.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_PREFERENCES_DIALOG (sr_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrPreferencesDialog, sr_preferences_dialog, SR, PREFERENCES_DIALOG, AdwPreferencesDialog)

GtkWidget *sr_preferences_dialog_new (void);

/* Shows the servers this run uses when they came from --api-url /
 * --auth-url (NULL: not given). */
void        sr_preferences_dialog_set_urls_in_use  (SrPreferencesDialog *self,
                                                    const char          *api_url,
                                                    const char          *auth_url);
const char *sr_preferences_dialog_get_api_url_text (SrPreferencesDialog *self);
/* What the Automatic Refresh switch and interval do (for tests). */
void        sr_preferences_dialog_set_auto_refresh (SrPreferencesDialog *self,
                                                    gboolean             on,
                                                    guint                minutes);

G_END_DECLS
