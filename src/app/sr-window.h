/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-window.h: the main window: sign-in, the account switcher, the open account's pages
 * (Dashboard, Messages Log, Campaign Log) behind a folding sidebar, sync
 * controls and the offline / refused-key banners.
 */
#pragma once

#include <adwaita.h>

#include "sr-accounts.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

#define SR_TYPE_WINDOW (sr_window_get_type ())
G_DECLARE_FINAL_TYPE (SrWindow, sr_window, SR, WINDOW, AdwApplicationWindow)

/* An open account taken out of a window (background refresh). */
typedef struct _SrWindowKept SrWindowKept;

/* api_key: a key to use for this run only (SMSTO_API_KEY), never stored;
 * NULL to use the keyring or ask. NULL URLs: settings, then SMS.to's. */
SrWindow *sr_window_new (GtkApplication *application,
                         const char     *api_url,
                         const char     *auth_url,
                         const char     *data_dir,
                         const char     *api_key);

/* The details of a cached message, once the account is open (GNOME
 * Shell's search results). */
SrWindow *sr_window_new_for_kept (GtkApplication *application,
                                  const char     *data_dir,
                                  SrWindowKept   *kept);
SrWindowKept *sr_window_keep_session (SrWindow  *self);
void      sr_window_kept_free       (SrWindowKept   *kept);

void      sr_window_show_message    (SrWindow       *self,
                                     const char     *message_id);
/* The Messages Log searching for text, once the account is open. */
void      sr_window_search_messages (SrWindow       *self,
                                     const char     *text);
/* The Messages Log showing the messages that pass filter (nothing before
 * the account is open). */
void      sr_window_show_messages   (SrWindow              *self,
                                     const SrMessageFilter *filter);

/* The accounts of this window (NULL when it runs on a key from the
 * environment or without the keyring) and the one open or being opened. */
SrAccounts *sr_window_get_accounts   (SrWindow       *self);
const char *sr_window_get_account_id (SrWindow       *self);
/* Closes the account open and opens the one with this id. */
void      sr_window_switch_account  (SrWindow       *self,
                                     const char     *account_id);
gboolean  sr_window_rename_account  (SrWindow       *self,
                                     const char     *account_id,
                                     const char     *label,
                                     GError        **error);
/* Forgets the account's key and, with delete_reports, its reports file.
 * The account open: the window opens the one used before it, or asks to
 * sign in when none is left. */
void      sr_window_remove_account  (SrWindow       *self,
                                     const char     *account_id,
                                     gboolean        delete_reports);

/* The question of signing out and of removing an account: responses
 * "cancel", "delete" (the reports too) and "keep" (the default). */
AdwAlertDialog *sr_window_new_keep_reports_question (const char *heading,
                                                     const char *body,
                                                     const char *delete_label,
                                                     const char *keep_label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrWindowKept, sr_window_kept_free)

G_END_DECLS
