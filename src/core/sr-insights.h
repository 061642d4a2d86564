/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-insights.h: the Dashboard's numbers for a period, computed from the
 * cache on a worker thread: messages per day (or hour) by status group with
 * their cost, the status breakdown, delivery by destination country and by
 * sender ID, and the top failure reasons. A period of days is read from the
 * aggregates the cache keeps per hour and day (schema 5) and the rows of
 * its partial days at the edges, so it costs about the same for a week or
 * All Time; other queries scan the rows of the period once.
 *
 * Typical use (the Dashboard):
 *
 *   filter->from = local midnight 30 days ago; filter->to = next local midnight;
 *   sr_insights_query_in_zone_async (cache, filter, SR_INSIGHTS_ALL, zone,
 *                                    cancellable, on_insights_cb, self);
 *   …
 *   g_autoptr(SrInsights) insights = sr_insights_query_finish (cache, result, &error);
 *   buckets = sr_insights_get_buckets (insights, &n_buckets);
 *
 * Everything an SrInsights returns is owned by it and lives as long as it
 * does; it never changes once returned, so it may be shared between
 * threads.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

/**
 * SrInsightsFlags:
 *
 * What to compute besides the totals (which are always there). Leaving out
 * what a view does not show makes the query cheaper.
 */
typedef enum {
  SR_INSIGHTS_NONE      = 0,
  SR_INSIGHTS_BUCKETS   = 1 << 0,  /* per day / hour: counts by group and cost */
  SR_INSIGHTS_STATUSES  = 1 << 1,  /* per raw status string */
  SR_INSIGHTS_COUNTRIES = 1 << 2,  /* delivery by destination country */
  SR_INSIGHTS_SENDERS   = 1 << 3,  /* delivery by sender ID */
  SR_INSIGHTS_FAILURES  = 1 << 4,  /* failure reasons */
  SR_INSIGHTS_ALL       = 0x1f,
} SrInsightsFlags;

typedef enum {
  SR_INSIGHTS_BUCKET_DAY,
  SR_INSIGHTS_BUCKET_HOUR,
} SrInsightsBucketSize;

/* Totals over the whole period. */
typedef struct
{
  gint64 total;
  gint64 by_status[SR_N_STATUSES];       /* SR_STATUS_UNKNOWN: every unknown value */
  double cost_by_status[SR_N_STATUSES];
  gint64 by_group[SR_N_STATUS_GROUPS];
  gint64 billable;                       /* every status but REJECTED and UNSUBSCRIBED */
  gint64 non_billable;                   /* REJECTED + UNSUBSCRIBED */
  double cost;
} SrInsightsTotals;

/* One bar of the chart: [start, end) in microseconds UTC; a local day (a
 * local midnight to the next, 23 to 25 hours around DST changes) or a local
 * hour. Empty buckets are included. The first bucket starts at or before the
 * period's start and the last ends at or after its end; only messages inside
 * the period are counted. */
typedef struct
{
  gint64 start;
  gint64 end;
  gint64 total;
  gint64 by_group[SR_N_STATUS_GROUPS];   /* unconfirmed = SENT + EXPIRED, never failed */
  double cost;                           /* spend, in the account currency */
} SrInsightsBucket;

/* One row of the status breakdown: a raw status string as received. */
typedef struct
{
  const char    *status_raw;             /* "DELIVERED", "UNDELIVERED", … ("" if missing) */
  SrStatus       status;                 /* SR_STATUS_UNKNOWN for values we do not know */
  SrStatusGroup  group;
  gboolean       billable;
  gint64         count;
  double         cost;
} SrInsightsStatus;

/**
 * SrDeliveryRow:
 * @key: the country's ISO 3166 code ("CY"; "" for numbers without a known
 *   calling code), or the sender ID ("" when the messages had none)
 * @label: what to show: the translated country name ("Cyprus", "Unknown"),
 *   or the sender ID
 * @prefix: countries only: the calling code ("+357"), usable as
 *   SrMessageFilter.country_prefix to open the matching Messages Log; NULL
 *   for the unknown row and for senders
 * @prefix_shared: the calling code is shared with other countries (+1 for
 *   the United States, Canada and the Caribbean, +7, +44 for the Crown
 *   Dependencies, …), so a filter on @prefix also shows their messages
 * @total: messages
 * @delivered: DELIVERED
 * @failed: FAILED, REJECTED and UNSUBSCRIBED (failed or never sent)
 * @unconfirmed: SENT and EXPIRED — not failures
 * @pending: SENDING, QUEUED and SCHEDULED — not settled yet, never failures
 * @other: unknown statuses (such as UNDELIVERED)
 * @cost: their cost
 *
 * Delivery of one destination country or one sender ID. The columns add up
 * to @total. See sr_delivery_row_get_rate().
 */
typedef struct
{
  const char *key;
  const char *label;
  const char *prefix;
  gboolean    prefix_shared;
  gint64      total;
  gint64      delivered;
  gint64      failed;
  gint64      unconfirmed;
  gint64      pending;
  gint64      other;
  double      cost;
} SrDeliveryRow;

/* delivered / (total - pending), in 0..1; pending messages are left out,
 * never counted as failures. -1 when nothing is settled yet. */
double sr_delivery_row_get_rate (const SrDeliveryRow *row);

/* A failure reason, as received, of messages that did not arrive: FAILED,
 * REJECTED, UNSUBSCRIBED or an unknown status such as UNDELIVERED. Use
 * @reason as SrMessageFilter.failed_reason to open the matching messages. */
typedef struct
{
  const char *reason;
  gint64      count;
  const char *explanation;   /* translated plain explanation; NULL when unknown */
  gboolean    permanent;     /* with an explanation: fix or remove the number */
} SrFailureReasonRow;

typedef struct _SrInsights SrInsights;

#define SR_TYPE_INSIGHTS (sr_insights_get_type ())
GType        sr_insights_get_type        (void) G_GNUC_CONST;
SrInsights  *sr_insights_ref             (SrInsights *self);
void         sr_insights_unref           (SrInsights *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrInsights, sr_insights_unref)

/* Computes the insights of the messages that pass period_filter (usually
 * only from/to set; other conditions are applied too). Days are local days
 * of the time zone (zone NULL: the local zone); the buckets are hours when
 * the period is at most one day. An open from/to is taken from the oldest /
 * newest matching message. Runs on a worker thread with its own read
 * connection; the callback runs in the thread-default main context of the
 * caller. */
void         sr_insights_query_in_zone_async (SrCache               *cache,
                                              const SrMessageFilter *period_filter,
                                              SrInsightsFlags        what,
                                              GTimeZone             *zone,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
/* Same with a fixed offset from UTC (g_date_time_get_utc_offset() of the
 * period's start). Across a DST change the day boundaries after it are then
 * an hour off; prefer sr_insights_query_in_zone_async(). */
void         sr_insights_query_async     (SrCache               *cache,
                                          const SrMessageFilter *period_filter,
                                          SrInsightsFlags        what,
                                          gint64                 utc_offset_usec,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data);
/* For both; NULL on error (G_IO_ERROR_CANCELLED when cancelled). */
SrInsights  *sr_insights_query_finish    (SrCache               *cache,
                                          GAsyncResult          *result,
                                          GError               **error);
/* Blocking, for the CLI, tests and benchmarks. */
SrInsights  *sr_insights_query           (SrCache               *cache,
                                          const SrMessageFilter *period_filter,
                                          SrInsightsFlags        what,
                                          GTimeZone             *zone,
                                          GCancellable          *cancellable,
                                          GError               **error);

SrInsightsFlags          sr_insights_get_flags           (SrInsights *self);
/* The period covered: [from, to) of the filter, or of the messages when the
 * filter left it open. Both SR_TIME_NONE when open and there is no message. */
void                     sr_insights_get_period          (SrInsights *self,
                                                          gint64     *out_from,
                                                          gint64     *out_to);
const SrInsightsTotals  *sr_insights_get_totals          (SrInsights *self);
/* The account currency ("EUR"); NULL before the first sync. */
const char              *sr_insights_get_currency        (SrInsights *self);
SrInsightsBucketSize     sr_insights_get_bucket_size     (SrInsights *self);
/* In time order; none without SR_INSIGHTS_BUCKETS. */
const SrInsightsBucket  *sr_insights_get_buckets         (SrInsights *self,
                                                          guint      *n_buckets);
/* Biggest count first. */
const SrInsightsStatus  *sr_insights_get_statuses        (SrInsights *self,
                                                          guint      *n_statuses);
/* Most messages first. */
const SrDeliveryRow     *sr_insights_get_countries       (SrInsights *self,
                                                          guint      *n_countries);
const SrDeliveryRow     *sr_insights_get_senders         (SrInsights *self,
                                                          guint      *n_senders);
/* Most frequent first. */
const SrFailureReasonRow *sr_insights_get_failure_reasons (SrInsights *self,
                                                          guint      *n_reasons);

G_END_DECLS
