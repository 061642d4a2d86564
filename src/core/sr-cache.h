/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache.h: the SQLite database of one account. WAL; schema version with
 * forward migrations; one worker thread owns the write connection and every
 * write goes through it (async); reads use a separate connection, are
 * thread-safe and synchronous, so callers that may touch many rows run them
 * in a GTask thread.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

#define SR_CACHE_ERROR (sr_cache_error_quark ())
GQuark sr_cache_error_quark (void);

typedef enum {
  SR_CACHE_ERROR_OPEN,       /* cannot create or open the file */
  SR_CACHE_ERROR_CORRUPT,    /* not a database, or integrity check failed */
  SR_CACHE_ERROR_TOO_NEW,    /* written by a newer version of the app */
  SR_CACHE_ERROR_SQLITE,     /* any other SQLite failure */
  SR_CACHE_ERROR_CLOSED,
} SrCacheError;

/* Current schema version; migrations bring older files up to it. */
#define SR_CACHE_SCHEMA_VERSION 3

/* What changed in a commit, for the "changed" signal. */
typedef enum {
  SR_CACHE_CHANGED_MESSAGES  = 1 << 0,
  SR_CACHE_CHANGED_CAMPAIGNS = 1 << 1,
  SR_CACHE_CHANGED_ACCOUNT   = 1 << 2,
} SrCacheChanged;

typedef struct
{
  gint64 total;
  gint64 by_status[SR_N_STATUSES];
  double cost_by_status[SR_N_STATUSES];
  gint64 by_group[SR_N_STATUS_GROUPS];
  gint64 billable;
  gint64 non_billable;
  double cost;
  gint64 n_campaigns;        /* distinct non-null campaign ids among the messages */
} SrStats;

/* One row of sr_cache_query_status_counts(): counts per raw status string. */
typedef struct
{
  char    *status_raw;
  SrStatus status;
  gint64   count;
  double   cost;
} SrStatusCount;

/* One bucket of sr_cache_query_stats_by_period(). */
typedef struct
{
  gint64 start;                          /* bucket start, usec UTC */
  gint64 by_group[SR_N_STATUS_GROUPS];
  gint64 total;
  double cost;
} SrPeriodStats;

#define SR_TYPE_CACHE (sr_cache_get_type ())
G_DECLARE_FINAL_TYPE (SrCache, sr_cache, SR, CACHE, GObject)

/* $XDG_DATA_HOME/sms-reports (or data_dir when not NULL) */
char        *sr_cache_dup_default_dir        (void);
/* A stable, non-reversible file name for an account: "account-<16 hex>.db",
 * derived from the API URL and the key (the key itself is never written). */
char        *sr_cache_dup_account_file_name  (const char   *api_url,
                                              const char   *api_key);

/* Opens (creating directories and file as needed) and migrates. A file that
 * is not a database or fails the quick check gives SR_CACHE_ERROR_CORRUPT and
 * is left untouched. "changed" is emitted in the thread-default main context
 * of the caller of sr_cache_open(). */
SrCache     *sr_cache_open                   (const char   *path,
                                              GError      **error);
const char  *sr_cache_get_path               (SrCache      *self);
/* Waits for queued writes, stops the writer thread, closes connections. */
void         sr_cache_close                  (SrCache      *self);

/* --- writes (worker thread, each one transaction) --- */

/* Upserts messages (by id) and, in the same transaction, the key/value pairs
 * of state (string → string; a NULL value deletes the key). */
void         sr_cache_upsert_messages_async  (SrCache             *self,
                                              GPtrArray           *messages,
                                              GHashTable          *state,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     sr_cache_upsert_messages_finish (SrCache             *self,
                                              GAsyncResult        *result,
                                              guint               *out_new,
                                              guint               *out_updated,
                                              GError             **error);
void         sr_cache_upsert_campaigns_async (SrCache             *self,
                                              GPtrArray           *campaigns,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     sr_cache_upsert_campaigns_finish (SrCache            *self,
                                              GAsyncResult        *result,
                                              guint               *out_new,
                                              guint               *out_updated,
                                              GError             **error);
/* balance < 0 leaves balance and currency; synced_at SR_TIME_NONE leaves it. */
void         sr_cache_update_account_async   (SrCache             *self,
                                              double               balance,
                                              const char          *currency,
                                              gint64               synced_at,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     sr_cache_update_account_finish  (SrCache             *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void         sr_cache_set_state_async        (SrCache             *self,
                                              GHashTable          *state,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     sr_cache_set_state_finish       (SrCache             *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* Bulk loading, for a first sync: TRUE drops the secondary message indexes
 * (their definitions are kept in the file), FALSE builds them again. A file
 * closed in bulk mode (crash, kill) gets them back in sr_cache_open(). Sorted
 * and filtered reads stay correct in bulk mode, only slower. */
void         sr_cache_set_bulk_load_async    (SrCache             *self,
                                              gboolean             bulk_load,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     sr_cache_set_bulk_load_finish   (SrCache             *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* Blocking variants of the writes, for the CLI and tests (still executed on
 * the writer thread). */
gboolean     sr_cache_upsert_messages        (SrCache             *self,
                                              GPtrArray           *messages,
                                              GHashTable          *state,
                                              guint               *out_new,
                                              guint               *out_updated,
                                              GError             **error);
gboolean     sr_cache_upsert_campaigns       (SrCache             *self,
                                              GPtrArray           *campaigns,
                                              guint               *out_new,
                                              guint               *out_updated,
                                              GError             **error);

/* --- reads (synchronous, thread-safe) --- */

char        *sr_cache_dup_state              (SrCache      *self,
                                              const char   *key);
/* Returns FALSE if no account row yet. */
gboolean     sr_cache_get_account            (SrCache      *self,
                                              double       *out_balance,
                                              char        **out_currency,
                                              gint64       *out_last_sync);
gint64       sr_cache_get_newest_created_at  (SrCache      *self);
/* Oldest created_at of a non-final message created at or after since. */
gint64       sr_cache_get_oldest_non_final_since (SrCache  *self,
                                              gint64        since);
gint64       sr_cache_count_messages         (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              GError      **error);
gint64       sr_cache_count_campaigns        (SrCache      *self,
                                              const char   *search,
                                              GError      **error);
gboolean     sr_cache_query_stats            (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              SrStats      *out_stats,
                                              GError      **error);
/* Array of SrStatusCount (free with sr_status_count_free), biggest first. */
GPtrArray   *sr_cache_query_status_counts    (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              GError      **error);
void         sr_status_count_free            (SrStatusCount *count);
/* GArray of SrPeriodStats, buckets of bucket_usec starting at filter->from
 * (or the first message), shifted by utc_offset_usec so days are local days;
 * empty buckets included. */
GArray      *sr_cache_query_stats_by_period  (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              gint64        bucket_usec,
                                              gint64        utc_offset_usec,
                                              GError      **error);
SrMessage   *sr_cache_get_message            (SrCache      *self,
                                              const char   *id,
                                              GError      **error);
SrCampaign  *sr_cache_get_campaign           (SrCache      *self,
                                              const char   *id,
                                              GError      **error);
/* Messages in order, limit -1 for all. */
GPtrArray   *sr_cache_query_messages         (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              SrMessageSort sort,
                                              gboolean      descending,
                                              gint64        limit,
                                              gint64        offset,
                                              GError      **error);
typedef gboolean (*SrMessageFunc) (SrMessage *message, gpointer user_data);
/* Streams matching messages to func (return FALSE to stop) without holding
 * them all in memory. Honours cancellable between rows. */
gboolean     sr_cache_foreach_message        (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              SrMessageSort sort,
                                              gboolean      descending,
                                              gint64        limit,
                                              SrMessageFunc func,
                                              gpointer      user_data,
                                              GCancellable *cancellable,
                                              GError      **error);
GPtrArray   *sr_cache_query_campaigns        (SrCache      *self,
                                              const char   *search,
                                              SrCampaignSort sort,
                                              gboolean      descending,
                                              gint64        limit,
                                              gint64        offset,
                                              GError      **error);
/* For the lazy list models: the ordered rowids of a query, then the records
 * of some rowids (returned in the order asked; missing ones are skipped). */
GArray      *sr_cache_query_message_rowids   (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              SrMessageSort sort,
                                              gboolean      descending,
                                              GCancellable *cancellable,
                                              GError      **error);
GPtrArray   *sr_cache_get_messages_by_rowid  (SrCache      *self,
                                              const gint64 *rowids,
                                              guint         n_rowids,
                                              GError      **error);
GArray      *sr_cache_query_campaign_rowids  (SrCache      *self,
                                              const char   *search,
                                              SrCampaignSort sort,
                                              gboolean      descending,
                                              GCancellable *cancellable,
                                              GError      **error);
GPtrArray   *sr_cache_get_campaigns_by_rowid (SrCache      *self,
                                              const gint64 *rowids,
                                              guint         n_rowids,
                                              GError      **error);
/* SHA-256 hex over the sorted lines "<id>:<STATUS>\n" of every message; the
 * sandbox computes the same over its account, so tests can compare. */
char        *sr_cache_dup_checksum           (SrCache      *self,
                                              GError      **error);
/* PRAGMA integrity_check == "ok" */
gboolean     sr_cache_check_integrity        (SrCache      *self,
                                              GError      **error);

/* --- campaign filters (the Campaign Log's filters; also the CLI's) --- */

/* Where a campaign was sent from: the web dashboard or the API
 * (campaign is_api). */
typedef enum {
  SR_CAMPAIGN_SOURCE_ANY,
  SR_CAMPAIGN_SOURCE_WEB,
  SR_CAMPAIGN_SOURCE_API,
} SrCampaignSource;

/* Which campaigns a report shows. NULL or "" strings and SR_TIME_NONE mean
 * "no condition"; all conditions must hold. */
typedef struct
{
  char             *search;     /* id, sender or text contains, ASCII case ignored */
  gint64            from;       /* created_at >= from */
  gint64            to;         /* created_at <  to */
  char             *sender_id;  /* exact */
  SrCampaignSource  source;
} SrCampaignFilter;

#define SR_TYPE_CAMPAIGN_FILTER (sr_campaign_filter_get_type ())
GType             sr_campaign_filter_get_type (void) G_GNUC_CONST;
SrCampaignFilter *sr_campaign_filter_new      (void);
SrCampaignFilter *sr_campaign_filter_copy     (const SrCampaignFilter *filter);
void              sr_campaign_filter_free     (SrCampaignFilter       *filter);
gboolean          sr_campaign_filter_equal    (const SrCampaignFilter *a,
                                               const SrCampaignFilter *b);
/* TRUE if campaign passes the filter (same rules as the SQL). */
gboolean          sr_campaign_filter_matches  (const SrCampaignFilter *filter,
                                               SrCampaign             *campaign);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrCampaignFilter, sr_campaign_filter_free)

/* Like sr_cache_count_campaigns(), sr_cache_query_campaigns() and
 * sr_cache_query_campaign_rowids() with a full filter (NULL: all). */
gint64       sr_cache_count_campaigns_filtered      (SrCache                *self,
                                                     const SrCampaignFilter *filter,
                                                     GError                **error);
GPtrArray   *sr_cache_query_campaigns_filtered      (SrCache                *self,
                                                     const SrCampaignFilter *filter,
                                                     SrCampaignSort          sort,
                                                     gboolean                descending,
                                                     gint64                  limit,
                                                     gint64                  offset,
                                                     GError                **error);
GArray      *sr_cache_query_campaign_rowids_filtered (SrCache               *self,
                                                     const SrCampaignFilter *filter,
                                                     SrCampaignSort          sort,
                                                     gboolean                descending,
                                                     GCancellable           *cancellable,
                                                     GError                **error);

/* --- report rows (for aggregates computed outside the cache) --- */

/* The columns of one message that the dashboard aggregates read, all served
 * by the covering index messages_insights (schema 3). Strings are borrowed
 * for the duration of the callback only; each may be NULL. */
typedef struct
{
  gint64      created_at;
  SrStatus    status;
  double      cost;
  const char *sender_id;
  const char *recipient;
  const char *failed_reason;
} SrReportRow;

/* Return FALSE to stop. */
typedef gboolean (*SrReportRowFunc) (const SrReportRow *row,
                                     gpointer           user_data);

/* Streams the report rows of the messages that pass filter, in created_at
 * order when the filter is a time range. One pass over an index, no
 * allocation per row. Honours cancellable (G_IO_ERROR_CANCELLED). */
gboolean     sr_cache_foreach_report_row    (SrCache                *self,
                                             const SrMessageFilter  *filter,
                                             SrReportRowFunc         func,
                                             gpointer                user_data,
                                             GCancellable           *cancellable,
                                             GError                **error);

G_END_DECLS
