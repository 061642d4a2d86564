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

G_END_DECLS
