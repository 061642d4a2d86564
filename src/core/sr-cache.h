/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache.h: the SQLite database of one account. WAL; schema version with
 * forward migrations; one writer thread owns the write connection and every
 * write goes through it (async); reads take a connection from a small pool,
 * are thread-safe and synchronous, so callers that may touch many rows run
 * them in a GTask thread. The implementation is split over sr-cache-*.c
 * (see sr-cache-private.h).
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-campaign-filter.h"
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
  SR_CACHE_ERROR_BUSY,       /* another process kept the file locked too long */
  SR_CACHE_ERROR_FULL,       /* the disk is full */
  SR_CACHE_ERROR_READ_ONLY,  /* a write to a cache opened for viewing only */
} SrCacheError;

/* Current schema version; migrations bring older files up to it. */
#define SR_CACHE_SCHEMA_VERSION 7

/* What changed in a commit, for the "changed" signal. */
typedef enum {
  SR_CACHE_CHANGED_MESSAGES  = 1 << 0,
  SR_CACHE_CHANGED_CAMPAIGNS = 1 << 1,
  SR_CACHE_CHANGED_ACCOUNT   = 1 << 2,
} SrCacheChanged;

/* One row of sr_cache_query_status_counts(): counts per raw status string. */
typedef struct
{
  char    *status_raw;
  SrStatus status;
  gint64   count;
  double   cost;
} SrStatusCount;

#define SR_TYPE_CACHE (sr_cache_get_type ())
G_DECLARE_FINAL_TYPE (SrCache, sr_cache, SR, CACHE, GObject)

/* $XDG_DATA_HOME/sms-reports: where the account files live. */
char        *sr_cache_dup_default_dir        (void);
/* A stable, non-reversible file name for an account: "account-<16 hex>.db",
 * derived from the API URL and the key (the key itself is never written). */
char        *sr_cache_dup_account_file_name  (const char   *api_url,
                                              const char   *api_key);
/* Where the cache of an account lives: the account file name in data_dir
 * (NULL: sr_cache_dup_default_dir()). The app and the CLI both use it. */
char        *sr_cache_dup_account_path       (const char   *data_dir,
                                              const char   *api_url,
                                              const char   *api_key);
/* Deletes the cache file at path and the files SQLite keeps next to it
 * (-wal, -shm, -journal); missing ones are fine. Close the cache first. On
 * failure the other files are still tried and the first error returned. */
gboolean     sr_cache_delete_files           (const char   *path,
                                              GError      **error);
/* Renames a damaged cache and its companion files to
 * "<path>.damaged-<local time><suffix>" so that a new one can be made, and
 * returns the new name of the main file (NULL without error when there was
 * none). Close the cache first. */
char        *sr_cache_move_files_aside       (const char   *path,
                                              GError      **error);

/* Opens (creating directories and file as needed) and migrates. A file that
 * is not a database, or that was not closed cleanly (crash, kill) and fails
 * the quick check, gives SR_CACHE_ERROR_CORRUPT and is left untouched. "changed" is emitted in the thread-default main context
 * of the caller of sr_cache_open().
 *
 * Viewing never needs to write: when the file or its folder cannot be
 * written (a read-only folder, mount or file), or there is no room on the
 * disk to open it for writing, the cache opens read-only (see
 * sr_cache_get_read_only()); when the indexes a first sync deferred cannot
 * be built for lack of space, it opens without them (see
 * sr_cache_get_indexes_pending()). */
SrCache     *sr_cache_open                   (const char   *path,
                                              GError      **error);
const char  *sr_cache_get_path               (SrCache      *self);
/* TRUE when the cache was opened for viewing only: every read works, every
 * write fails with SR_CACHE_ERROR_READ_ONLY, nothing is migrated or
 * maintained. Whether because the file cannot be written or because the disk
 * was full: see sr_cache_get_no_space(). */
gboolean     sr_cache_get_read_only          (SrCache      *self);
/* Gives back what the idle read connections hold (their page caches) by
 * closing them; the next read opens a fresh one. Returns how many it
 * closed. Closes files: call it from a worker thread. For an app idle in
 * the background. */
guint        sr_cache_release_memory         (SrCache      *self);
/* TRUE when the disk was full when the cache was opened (so it opened
 * read-only, or without its deferred indexes) or at the last write; FALSE
 * again once a write or the index rebuild succeeds. */
gboolean     sr_cache_get_no_space           (SrCache      *self);
/* TRUE while the indexes deferred by a first sync (sr_cache_set_bulk_load())
 * are not built yet because the disk was full or the file is read-only:
 * reads stay correct, sorted and filtered ones are slower. The writer builds
 * them at the next commit, or the next sr_cache_open(), once there is room. */
gboolean     sr_cache_get_indexes_pending    (SrCache      *self);
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
/* --- reads (synchronous, thread-safe) --- */

/* The reads below fail only with SR_CACHE_ERROR (closed, damaged, I/O). */

/* The value of a sync_state key; NULL without error when it is not set. */
char        *sr_cache_dup_state              (SrCache      *self,
                                              const char   *key,
                                              GError      **error);
/* FALSE without error when there is no account row yet. A balance never
 * fetched is -1. */
gboolean     sr_cache_get_account            (SrCache      *self,
                                              double       *out_balance,
                                              char        **out_currency,
                                              gint64       *out_last_sync,
                                              GError      **error);
/* SR_TIME_NONE when there are no messages (or on error). */
gint64       sr_cache_get_newest_created_at  (SrCache      *self,
                                              GError      **error);
/* Every sender id of the cached messages, in byte order (empty ones left
 * out). Quick: one index seek per sender. */
GStrv        sr_cache_dup_sender_ids         (SrCache      *self,
                                              GError      **error);
/* Oldest created_at of a non-final message created at or after since;
 * SR_TIME_NONE when there is none (or on error). */
gint64       sr_cache_get_oldest_non_final_since (SrCache  *self,
                                              gint64        since,
                                              GError      **error);
gint64       sr_cache_count_messages         (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              GError      **error);
gint64       sr_cache_count_campaigns        (SrCache      *self,
                                              const SrCampaignFilter *filter,
                                              GError      **error);
/* Distinct campaigns among the messages that pass filter. */
gint64       sr_cache_count_message_campaigns (SrCache     *self,
                                              const SrMessageFilter *filter,
                                              GError      **error);
/* Array of SrStatusCount (free with sr_status_count_free), biggest first. */
GPtrArray   *sr_cache_query_status_counts    (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              GError      **error);
void         sr_status_count_free            (SrStatusCount *count);
SrMessage   *sr_cache_get_message            (SrCache      *self,
                                              const char   *id,
                                              GError      **error);
SrCampaign  *sr_cache_get_campaign           (SrCache      *self,
                                              const char   *id,
                                              GError      **error);
/* Messages in order, limit -1 for all. A NULL filter means all, here and
 * in every query below. */
GPtrArray   *sr_cache_query_messages         (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              SrMessageSort sort,
                                              gboolean      descending,
                                              gint64        limit,
                                              gint64        offset,
                                              GError      **error);
/* The messages a search text finds, newest first, at most limit (< 0: all).
 * The same search as SrMessageFilter.search (sr-message-filter.h): words
 * start words of the text or sender ID, any case, Latin accents ignored;
 * numbers ("4479", "+4479") occur in the recipient. An empty text (or only
 * spaces) finds nothing. With a limit, the newest rows are tested first
 * (a common word is answered from the first few dozen), then the full-text
 * and recipient indexes; thread-safe, for search providers and the like. */
GPtrArray   *sr_cache_search_messages        (SrCache      *self,
                                              const char   *text,
                                              gint64        limit,
                                              GCancellable *cancellable,
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
                                              const SrCampaignFilter *filter,
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
/* The first limit of them (limit < 0: all): the lazy lists show a first
 * screenful from this before the whole set is known. */
GArray      *sr_cache_query_message_rowids_limited (SrCache      *self,
                                              const SrMessageFilter *filter,
                                              SrMessageSort sort,
                                              gboolean      descending,
                                              gint64        limit,
                                              GCancellable *cancellable,
                                              GError      **error);
GPtrArray   *sr_cache_get_messages_by_rowid  (SrCache      *self,
                                              const gint64 *rowids,
                                              guint         n_rowids,
                                              GError      **error);
GArray      *sr_cache_query_campaign_rowids  (SrCache      *self,
                                              const SrCampaignFilter *filter,
                                              SrCampaignSort sort,
                                              gboolean      descending,
                                              GCancellable *cancellable,
                                              GError      **error);
GArray      *sr_cache_query_campaign_rowids_limited (SrCache      *self,
                                              const SrCampaignFilter *filter,
                                              SrCampaignSort sort,
                                              gboolean      descending,
                                              gint64        limit,
                                              GCancellable *cancellable,
                                              GError      **error);
GPtrArray   *sr_cache_get_campaigns_by_rowid (SrCache      *self,
                                              const gint64 *rowids,
                                              guint         n_rowids,
                                              GError      **error);

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
