/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-session.h: the signed-in account of a window: its API client, cache and
 * sync, auto-refresh, offline detection and the state the UI shows about
 * them (balance, last sync, progress, errors).
 */
#pragma once

#include <gio/gio.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_SESSION (sr_session_get_type ())
G_DECLARE_FINAL_TYPE (SrSession, sr_session, SR, SESSION, GObject)

/* <data_dir or the default dir>/<sr_cache_dup_account_file_name()> */
char          *sr_session_build_cache_path   (const char          *api_url,
                                              const char          *api_key,
                                              const char          *data_dir);

/* Creates the client and opens (and migrates) the cache off the main thread.
 * Cache errors come back as SR_CACHE_ERROR, a bad URL as SR_API_ERROR. */
void           sr_session_open_async         (const char          *api_url,
                                              const char          *auth_url,
                                              const char          *api_key,
                                              const char          *data_dir,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
SrSession     *sr_session_open_finish        (GAsyncResult        *result,
                                              GError             **error);

SrCache       *sr_session_get_cache          (SrSession           *self);
/* The Messages Log's first rows (every message, newest first), read with
 * the opening; once (transfer full), and NULL after a change of the cache
 * or when they could not be read. */
SrMessageListHead *sr_session_take_messages_head (SrSession       *self);
/* Every campaign by id, with the counts of its downloaded messages; NULL
 * until loaded; reloaded (notify::campaign-index) when the cache changes. */
SrCampaignIndex *sr_session_get_campaign_index (SrSession         *self);
SrApiClient   *sr_session_get_client         (SrSession           *self);
const char    *sr_session_get_api_url        (SrSession           *self);
const char    *sr_session_get_cache_path     (SrSession           *self);
/* < 0 while unknown. */
double         sr_session_get_balance        (SrSession           *self);
const char    *sr_session_get_currency       (SrSession           *self);
gint64         sr_session_get_last_sync      (SrSession           *self);
/* "Synced 3 minutes ago" / "Not synced yet": the one wording and clock for
 * every place that shows it (notify::synced-text). */
const char    *sr_session_get_synced_text    (SrSession           *self);
gboolean       sr_session_get_syncing        (SrSession           *self);
/* 0..1, or < 0 when the amount of work is not known yet. */
double         sr_session_get_progress       (SrSession           *self);
const char    *sr_session_get_progress_text  (SrSession           *self);
/* No network, or the server could not be reached on the last attempt. */
gboolean       sr_session_get_offline        (SrSession           *self);
/* The server refused the key (401/403) on the last attempt. */
gboolean       sr_session_get_auth_failed    (SrSession           *self);

/* Starts a sync unless one is running. user_requested only travels to
 * "sync-finished" so the UI can report quiet background syncs quietly. */
void           sr_session_sync               (SrSession           *self,
                                              gboolean             user_requested);
void           sr_session_cancel_sync        (SrSession           *self);
/* Stops syncing and timers and closes the cache; the session is unusable
 * afterwards. */
void           sr_session_close              (SrSession           *self);

G_END_DECLS
