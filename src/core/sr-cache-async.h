/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-async.h: the cache's opening and the reads a user interface
 * needs, as _async/_finish pairs. Each runs on GLib's thread pool with its
 * own copies of the inputs (a filter is copied at the call), and completes
 * in the caller's thread-default main context; the synchronous reads of
 * sr-cache.h stay for the CLI, the tests and other workers.
 */
#pragma once

#include <gio/gio.h>

#include "sr-cache.h"

G_BEGIN_DECLS

/* sr_cache_open() on a worker: opening migrates and runs a quick check,
 * seconds on a big file. "changed" is emitted in the thread-default main
 * context of the caller of sr_cache_open_async(). */
void         sr_cache_open_async                 (const char             *path,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
SrCache     *sr_cache_open_finish                (GAsyncResult           *result,
                                                  GError                **error);

/* Work for the worker that opened the cache, before the caller hears of
 * it: the first reads a window shows, without a trip through the (busy)
 * main thread in between. FALSE with error fails the open (the cache is
 * closed); data belongs to the caller. */
typedef gboolean (*SrCacheOpenedFunc)                (SrCache                *cache,
                                                  gpointer                data,
                                                  GCancellable           *cancellable,
                                                  GError                **error);

/* sr_cache_open_async(), then opened_func (may be NULL) on the same worker.
 * Finish with sr_cache_open_finish(). */
void         sr_cache_open_async_full            (const char             *path,
                                                  SrCacheOpenedFunc       opened_func,
                                                  gpointer                opened_data,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);

/* sr_cache_query_status_counts(): an array of SrStatusCount. */
void         sr_cache_query_status_counts_async  (SrCache                *self,
                                                  const SrMessageFilter  *filter,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
GPtrArray   *sr_cache_query_status_counts_finish (SrCache                *self,
                                                  GAsyncResult           *result,
                                                  GError                **error);

/* sr_cache_count_messages(): -1 on error. */
void         sr_cache_count_messages_async       (SrCache                *self,
                                                  const SrMessageFilter  *filter,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
gint64       sr_cache_count_messages_finish      (SrCache                *self,
                                                  GAsyncResult           *result,
                                                  GError                **error);

/* sr_cache_get_account(): FALSE without error when there is no account row
 * yet (the out values are then -1, NULL and SR_TIME_NONE). */
void         sr_cache_get_account_async          (SrCache                *self,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
gboolean     sr_cache_get_account_finish         (SrCache                *self,
                                                  GAsyncResult           *result,
                                                  double                 *out_balance,
                                                  char                  **out_currency,
                                                  gint64                 *out_last_sync,
                                                  GError                **error);

/* sr_cache_get_campaign(): G_IO_ERROR_NOT_FOUND when it is not cached. */
void         sr_cache_get_campaign_async         (SrCache                *self,
                                                  const char             *id,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
SrCampaign  *sr_cache_get_campaign_finish        (SrCache                *self,
                                                  GAsyncResult           *result,
                                                  GError                **error);

/* What an overview shows besides its aggregates: whether any message is
 * cached (the top of an index, no count over every row) and the
 * n_campaigns newest campaigns, newest first. */
void         sr_cache_query_overview_async       (SrCache                *self,
                                                  guint                   n_campaigns,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
GPtrArray   *sr_cache_query_overview_finish      (SrCache                *self,
                                                  GAsyncResult           *result,
                                                  gboolean               *out_has_messages,
                                                  GError                **error);

G_END_DECLS
