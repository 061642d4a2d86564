/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-export-selection.h: the messages at some positions of a sorted,
 * filtered list, as tab-separated text (Ctrl+C in a message list). The
 * positions are those of the list the user sees; the job reads them again
 * from the cache on GLib's thread pool.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-csv.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

/* One run of consecutive positions. */
typedef struct
{
  guint start;
  guint n;
} SrPositionRange;

/* ranges: ascending and not overlapping; copied, like filter. The text is
 * that of sr_export_format_messages_tsv() with a header. */
void   sr_export_selection_tsv_async  (SrCache               *cache,
                                       const SrMessageFilter *filter,
                                       SrMessageSort          sort,
                                       gboolean               descending,
                                       const SrPositionRange *ranges,
                                       guint                  n_ranges,
                                       SrCsvFlags             flags,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
char  *sr_export_selection_tsv_finish (SrCache               *cache,
                                       GAsyncResult          *result,
                                       guint                 *out_n_messages,
                                       GError               **error);

G_END_DECLS
