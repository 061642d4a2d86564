/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-preferences-dialog.h: the accounts (rename, remove), sync interval,
 * re-poll window, UTC times and the advanced server addresses (GSettings).
 */
#pragma once

#include <adwaita.h>

#include "sr-window.h"

G_BEGIN_DECLS

#define SR_TYPE_PREFERENCES_DIALOG (sr_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrPreferencesDialog, sr_preferences_dialog, SR, PREFERENCES_DIALOG, AdwPreferencesDialog)

GtkWidget *sr_preferences_dialog_new (void);

/* Shows the servers this run uses when they came from --api-url /
 * --auth-url (NULL: not given). */
void        sr_preferences_dialog_set_urls_in_use  (SrPreferencesDialog *self,
                                                    const char          *api_url,
                                                    const char          *auth_url);
/* Lists window's accounts in the Accounts group (hidden without them). */
void        sr_preferences_dialog_set_window       (SrPreferencesDialog *self,
                                                    SrWindow            *window);
/* For tests: the account rows' titles, in order; and what the Remove
 * question's answers ("keep", "delete", "cancel") and Rename do. */
GStrv       sr_preferences_dialog_dup_account_titles (SrPreferencesDialog *self);
void        sr_preferences_dialog_answer_remove    (SrPreferencesDialog *self,
                                                    const char          *account_id,
                                                    const char          *response);
gboolean    sr_preferences_dialog_rename           (SrPreferencesDialog *self,
                                                    const char          *account_id,
                                                    const char          *label);
const char *sr_preferences_dialog_get_api_url_text (SrPreferencesDialog *self);
/* What the Automatic Refresh switch and interval do (for tests). */
void        sr_preferences_dialog_set_auto_refresh (SrPreferencesDialog *self,
                                                    gboolean             on,
                                                    guint                minutes);

G_END_DECLS
