/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-delivery-time.h: how long delivered messages took from being sent to
 * being delivered (median and 90th percentile), where SMS.to gives both
 * times: sent_at, and updated_at of a DELIVERED message (the time its
 * delivery report changed it). Messages without sent_at, or with a report
 * time before it, are left out and counted as such.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 n_timed;      /* delivered messages with both times */
  gint64 n_untimed;    /* delivered messages without usable times */
  gint64 median;       /* microseconds; -1 when n_timed is 0 */
  gint64 p90;          /* 90 % were delivered within this; -1 when n_timed is 0 */
} SrDeliveryTime;

/* The DELIVERED messages that pass filter (its status mask is replaced).
 * Blocking: call it on a worker thread. */
gboolean sr_delivery_time_query (SrCache               *cache,
                                 const SrMessageFilter *filter,
                                 SrDeliveryTime        *out_time,
                                 GCancellable          *cancellable,
                                 GError               **error);
/* The same on GLib's thread pool, with a copy of filter. */
void     sr_delivery_time_query_async  (SrCache               *cache,
                                        const SrMessageFilter *filter,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
gboolean sr_delivery_time_query_finish (SrCache               *cache,
                                        GAsyncResult          *result,
                                        SrDeliveryTime        *out_time,
                                        GError               **error);

G_END_DECLS
