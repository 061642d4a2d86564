/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-sync.h: incremental, resumable, cancellable synchronisation of one
 * account's API data into its cache (ARCHITECTURE.md, "Synchronisation").
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"

G_BEGIN_DECLS

typedef struct
{
  guint   n_new;               /* messages not in the cache before */
  guint   n_updated;           /* messages already cached (status may have changed) */
  guint   n_skipped;           /* records without an id */
  guint   n_errors;            /* pages that could not be read (malformed); re-fetched next time */
  guint   n_pages;
  guint   n_campaigns;
  gint64  server_total;        /* "total" of the whole message list, -1 if unknown */
  gint64  cached_total;        /* messages in the cache at the end */
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
