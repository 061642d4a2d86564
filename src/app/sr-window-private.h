/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-window-private.h: hooks the UI tests use to drive and inspect the real
 * window without poking at widgets by name.
 */
#pragma once

#include <adwaita.h>

#include "sr-campaign-notifier.h"
#include "sr-campaign-window.h"
#include "sr-campaigns-page.h"
#include "sr-dashboard-page.h"
#include "sr-messages-page.h"
#include "sr-session.h"
#include "sr-sign-in-page.h"
#include "sr-window.h"

G_BEGIN_DECLS

/* Like sr_window_new(), with the keyring turned off: no lookup, no store. */
SrWindow         *sr_window_new_for_test         (const char *api_url,
                                                  const char *auth_url,
                                                  const char *data_dir,
                                                  const char *api_key);
/* With the keyring and the list of accounts in data_dir, as the app runs;
 * api_url as if given on the command line (the server an earlier release's
 * key was saved for, and the one a new account starts from). */
SrWindow         *sr_window_new_with_accounts_for_test (const char *api_url,
                                                        const char *data_dir);
GtkMenuButton    *sr_window_get_account_button   (SrWindow   *self);
/* The switcher's text ("Label · EUR"), or NULL while it is hidden. */
const char       *sr_window_get_account_switcher_text (SrWindow *self);
/* "loading" (reading the keyring), "opening" (the reports' chrome while
 * the account's file opens), "sign-in", "problem" or "reports" (an account
 * is open) */
const char       *sr_window_get_visible_page     (SrWindow   *self);
/* "dashboard", "messages" or "campaigns" */
const char       *sr_window_get_content_page     (SrWindow   *self);
void              sr_window_show_content_page    (SrWindow   *self,
                                                  const char *name);
SrSession        *sr_window_get_session          (SrWindow   *self);
/* NULL while no account is open. */
SrCampaignNotifier *sr_window_get_campaign_notifier (SrWindow *self);
SrSession        *sr_window_kept_get_session     (SrWindowKept *kept);
SrCampaignNotifier *sr_window_kept_get_notifier  (SrWindowKept *kept);
/* The sidebar's "Synced 3 minutes ago". */
const char       *sr_window_get_sync_status_text (SrWindow   *self);
SrSignInPage     *sr_window_get_sign_in_page     (SrWindow   *self);
SrDashboardPage  *sr_window_get_dashboard_page   (SrWindow   *self);
SrMessagesPage   *sr_window_get_messages_page    (SrWindow   *self);
SrCampaignsPage  *sr_window_get_campaigns_page   (SrWindow   *self);
AdwBanner        *sr_window_get_offline_banner   (SrWindow   *self);
AdwBanner        *sr_window_get_auth_banner      (SrWindow   *self);
/* Shown when the saved reports are opened for viewing only (a read-only
 * file or folder, a full disk) or wait for room to build their indexes. */
AdwBanner        *sr_window_get_storage_banner   (SrWindow   *self);
GtkWidget        *sr_window_get_opening_slow_label (SrWindow *self);
/* Collapsed below the window's breakpoint: one page at a time. */
gboolean          sr_window_get_collapsed        (SrWindow   *self);
/* The problem page's title and description, when it is shown. */
const char       *sr_window_get_problem_title    (SrWindow   *self);
const char       *sr_window_get_problem_description (SrWindow *self);
SrCampaignWindow *sr_window_open_campaign        (SrWindow   *self,
                                                  const char *campaign_id);
/* What the Sign Out dialog's "Sign Out" / "Delete Reports" answers do. */
void              sr_window_sign_out             (SrWindow   *self,
                                                  gboolean    delete_reports);

G_END_DECLS
