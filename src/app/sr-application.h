/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-application.h: the application: command-line options, app actions
 * (preferences, legend, about, quit, show-message, search-messages, and
 * what notifications open: show-campaign, show-dashboard, show-undelivered),
 * the main window, background refresh and GNOME Shell's search provider.
 */
#pragma once

#include <adwaita.h>

#include "sr-campaign-notifier.h"

G_BEGIN_DECLS

#define SR_TYPE_APPLICATION (sr_application_get_type ())
G_DECLARE_FINAL_TYPE (SrApplication, sr_application, SR, APPLICATION, AdwApplication)

SrApplication *sr_application_new              (void);
/* What this run was pointed at: --api-url (NULL: the saved address),
 * --data-dir (NULL: the default folder), SMSTO_API_KEY (NULL: the keyring). */
const char    *sr_application_get_api_url     (SrApplication *self);
const char    *sr_application_get_data_dir    (SrApplication *self);
const char    *sr_application_get_env_api_key (SrApplication *self);
/* How many times the memory of the account was released with the window
 * closed into the background (for tests). */
guint          sr_application_get_memory_releases (SrApplication *self);
SrSession     *sr_application_get_background_session (SrApplication *self);
SrCampaignNotifier *sr_application_get_background_notifier (SrApplication *self);

G_END_DECLS
