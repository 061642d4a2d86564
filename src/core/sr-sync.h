/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-sync.h: incremental, resumable, cancellable synchronisation of one
 * account's API data into its cache (docs/ARCHITECTURE.md, "The sync algorithm").
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"

G_BEGIN_DECLS

typedef struct
{
  guint   n_new;               /* messages not in the cache before */
  guint   n_updated;           /* messages already cached (status may have changed) */
  guint   n_skipped;           /* records that could not be used (no id, not an object) */
  guint   n_repaired;          /* records kept with a repaired or clamped field (invalid
                                * UTF-8, NUL, out-of-range number, over-long text) */
  guint   n_errors;            /* always 0: an unreadable page now stops the sync */
  guint   n_pages;
  guint   n_campaigns;
  /* The cross-check at the end counts, on the server and in the cache, the
   * messages created up to checked_until (the newest one synced), so that
   * messages sent during the sync do not show as a difference. */
  gint64  server_total;        /* on the server up to checked_until, -1 if unknown */
  gint64  cached_total;        /* in the cache up to checked_until */
  gint64  checked_until;       /* SR_TIME_NONE: no messages; then both count everything */
  gint64  bytes;
  double  seconds;
  /* time spent (seconds, summed over work items) for benchmarks */
  double  http_seconds;
  double  parse_seconds;
  double  write_seconds;
} SrSyncSummary;

typedef enum {
  SR_SYNC_PHASE_IDLE,
  SR_SYNC_PHASE_ACCOUNT,
  SR_SYNC_PHASE_CAMPAIGNS,
  SR_SYNC_PHASE_MESSAGES,
  SR_SYNC_PHASE_CHECK,
} SrSyncPhase;

/* Why a sync is waiting before its next attempt (sr_sync_get_wait()). */
typedef enum {
  SR_SYNC_WAIT_RATE_LIMITED,   /* HTTP 429 */
  SR_SYNC_WAIT_SERVER,         /* HTTP 5xx */
  SR_SYNC_WAIT_NETWORK,        /* connection failed or dropped */
  SR_SYNC_WAIT_UNREADABLE,     /* a body that could not be read */
} SrSyncWait;

/* How much of an account's message history is in its cache. A first sync
 * downloads the history newest first: everything created at or after
 * complete_since (and not after complete_until) is there. */
typedef struct
{
  gboolean complete;           /* the whole history, up to the last sync */
  gint64   complete_since;     /* G_MININT64 when complete; SR_TIME_NONE: nothing known yet */
  gint64   complete_until;     /* last sync (or T0 of the walk under way); SR_TIME_NONE */
  gint64   oldest;             /* oldest message of the walk under way, SR_TIME_NONE */
  double   fraction;           /* 0…1 of the history downloaded, -1 unknown */
} SrSyncHistory;

#define SR_TYPE_SYNC (sr_sync_get_type ())
G_DECLARE_FINAL_TYPE (SrSync, sr_sync, SR, SYNC, GObject)

SrSync        *sr_sync_new                 (SrApiClient         *client,
                                            SrCache             *cache);
/* How long after creation non-final messages are re-polled (default 72 h). */
void           sr_sync_set_repoll_window   (SrSync              *self,
                                            gint64               usec);
/* Pages in flight at once on a first (or full) sync; default 4. */
void           sr_sync_set_concurrency     (SrSync              *self,
                                            guint                n_pages);
/* Records asked per page; the server's per_page wins. Default 1000. */
void           sr_sync_set_page_size       (SrSync              *self,
                                            guint                limit);
/* Ignore what is cached and fetch the whole history again. */
void           sr_sync_set_full            (SrSync              *self,
                                            gboolean             full);

SrSyncPhase    sr_sync_get_phase           (SrSync              *self);
guint          sr_sync_get_pages_done      (SrSync              *self);
guint          sr_sync_get_pages_expected  (SrSync              *self);
gint64         sr_sync_get_records         (SrSync              *self);
gint64         sr_sync_get_records_expected (SrSync             *self);
gboolean       sr_sync_is_running          (SrSync              *self);

/* History walk of the running (or last) sync: the oldest message downloaded
 * so far (SR_TIME_NONE if none), the share done (0…1, -1 unknown), and
 * whether the history is complete. Updated before each "progress". */
gint64         sr_sync_get_history_from    (SrSync              *self);
double         sr_sync_get_history_fraction (SrSync             *self);
gboolean       sr_sync_get_history_complete (SrSync             *self);
/* How pages are read, in plain words, for --verbose and debug logs. */
const char    *sr_sync_get_strategy        (SrSync              *self);
/* Seconds until the next attempt of a request that is waiting (Retry-After
 * or backoff), 0 when not waiting. "progress" is emitted when a wait of 2 s
 * or more starts. */
int            sr_sync_get_wait            (SrSync              *self,
                                            SrSyncWait          *out_reason);

/* The same in words for a status line, NULL when there is nothing to say:
 * "SMS.to asked us to wait, retrying in 40 s" (waits of 2 s or more),
 * "History back to 12 Sep 2026, 35 %" (while the history walk runs). */
char          *sr_sync_dup_wait_text       (SrSync              *self);
char          *sr_sync_dup_history_text    (SrSync              *self);

/* What the cache holds, from the sync's checkpoint; FALSE when the account
 * was never synced. A few small reads of the cache's state table on the
 * calling thread: in the app, call it from a worker (with the Dashboard's
 * other queries); during a sync the same values come with "progress"
 * through sr_sync_get_history_*(). */
gboolean       sr_sync_read_history        (SrCache             *cache,
                                            SrSyncHistory       *out_history);
/* The same on a worker of GLib's pool, for the app's main thread. The
 * result is FALSE with no error when the account was never synced. */
void           sr_sync_read_history_async  (SrCache             *cache,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       sr_sync_read_history_finish (GAsyncResult        *result,
                                            SrSyncHistory       *out_history,
                                            GError             **error);
/* TRUE when every message created in [from, to] is in the cache according
 * to history (to SR_TIME_NONE = up to now). For the Dashboard's periods. */
gboolean       sr_sync_history_covers      (const SrSyncHistory *history,
                                            gint64               from,
                                            gint64               to);

/* "progress" is emitted after every committed page. */
void           sr_sync_run_async           (SrSync              *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* A cancelled sync returns G_IO_ERROR_CANCELLED; what was committed stays
 * and the next run resumes from the checkpoint. */
gboolean       sr_sync_run_finish          (SrSync              *self,
                                            GAsyncResult        *result,
                                            SrSyncSummary       *out_summary,
                                            GError             **error);

G_END_DECLS
