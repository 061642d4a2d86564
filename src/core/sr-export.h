/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-export.h: CSV exports of the reports (the Messages Log's current view,
 * a campaign's messages, the Campaign Log), streamed from the cache on a
 * worker thread into a file that appears only once it is complete.
 *
 * Typical use (the "Export…" action, once the file chooser gave a GFile):
 *
 *   sr_export_messages_async (cache, filter, sort, descending, file,
 *                             SR_CSV_FLAGS_LOCAL_TIME, cancellable,
 *                             on_export_progress, self, NULL,
 *                             on_export_done_cb, self);
 *   …
 *   rows = sr_export_messages_finish (cache, result, &error);
 *
 * Only the ones that did not arrive, for a campaign:
 *
 *   filter->campaign_id = g_strdup (id);
 *   filter->status_mask = sr_status_not_arrived_mask ();
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-cache.h"
#include "sr-csv.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

/* Called in the main context of the caller of the _async function, at most
 * about ten times a second: once with rows_done 0 when the number of rows is
 * known, then as rows are written, and once more with the final count just
 * before the export completes successfully. Never after the callback. */
typedef void (*SrExportProgressFunc) (gint64   rows_done,
                                      gint64   rows_total,
                                      gpointer user_data);

/* Writes the messages that pass filter, in the given order, to destination
 * as CSV: the columns of sr_csv_append_message() (those of
 * `sms-reports-cli messages --format csv`), plus local_time with
 * SR_CSV_FLAGS_LOCAL_TIME. Memory use does not depend on the number of rows.
 *
 * The file is written like g_file_replace(): into a temporary file next to
 * destination, renamed over it when complete. When the export fails or is
 * cancelled, nothing is left behind and a file that was at destination is
 * untouched (except where GIO cannot use a temporary file, e.g. a
 * destination with several hard links). progress_data_free is called on
 * progress_data in the caller's main context before callback. */
void    sr_export_messages_async    (SrCache                *cache,
                                     const SrMessageFilter  *filter,
                                     SrMessageSort           sort,
                                     gboolean                descending,
                                     GFile                  *destination,
                                     SrCsvFlags              flags,
                                     GCancellable           *cancellable,
                                     SrExportProgressFunc    progress,
                                     gpointer                progress_data,
                                     GDestroyNotify          progress_data_free,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);
/* The number of rows written (header not counted), or -1 with error set
 * (G_IO_ERROR_CANCELLED when cancelled). An export that finished writing
 * before the cancellation is reported as a success. */
gint64  sr_export_messages_finish   (SrCache                *cache,
                                     GAsyncResult           *result,
                                     GError                **error);

/* The Campaign Log: the columns of sr_export_append_campaign(). */
void    sr_export_campaigns_async   (SrCache                *cache,
                                     const SrCampaignFilter *filter,
                                     SrCampaignSort          sort,
                                     gboolean                descending,
                                     GFile                  *destination,
                                     SrCsvFlags              flags,
                                     GCancellable           *cancellable,
                                     SrExportProgressFunc    progress,
                                     gpointer                progress_data,
                                     GDestroyNotify          progress_data_free,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);
gint64  sr_export_campaigns_finish  (SrCache                *cache,
                                     GAsyncResult           *result,
                                     GError                **error);

/* Blocking variants (same file handling, no progress), for the CLI, tests
 * and benchmarks. */
gint64  sr_export_messages          (SrCache                *cache,
                                     const SrMessageFilter  *filter,
                                     SrMessageSort           sort,
                                     gboolean                descending,
                                     GFile                  *destination,
                                     SrCsvFlags              flags,
                                     GCancellable           *cancellable,
                                     GError                **error);
gint64  sr_export_campaigns         (SrCache                *cache,
                                     const SrCampaignFilter *filter,
                                     SrCampaignSort          sort,
                                     gboolean                descending,
                                     GFile                  *destination,
                                     SrCsvFlags              flags,
                                     GCancellable           *cancellable,
                                     GError                **error);

/* Campaign rows as RFC 4180 CSV, shared with `sms-reports-cli campaigns
 * --format csv`: id,created_at,sender_id,source,status,recipients,delivered,
 * sent,pending,failed,delivery_rate,cost,message[,local_time] and CRLF.
 * source is "API" or "Web"; delivery_rate is empty while nothing is settled. */
void    sr_export_append_campaign_header (GString        *out,
                                          SrCsvFlags      flags);
void    sr_export_append_campaign        (GString        *out,
                                          SrCampaign     *campaign,
                                          SrCsvFlags      flags);

/* Messages as tab-separated text for the clipboard (Ctrl+C in the Messages
 * Log): the CSV columns, one line per message ending in "\n", tabs and line
 * breaks inside fields turned into spaces; with a header line when
 * with_header. */
char   *sr_export_format_messages_tsv    (GPtrArray      *messages,
                                          SrCsvFlags      flags,
                                          gboolean        with_header);

G_END_DECLS
