/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-csv.h: messages as RFC 4180 CSV (UTF-8, CRLF, quoted where needed),
 * shared by `sms-reports-cli messages --format csv` and the app's export.
 */
#pragma once

#include <glib.h>

#include "sr-types.h"

G_BEGIN_DECLS

typedef enum {
  SR_CSV_FLAGS_NONE       = 0,
  /* Adds a local_time column (created_at in the local time zone) */
  SR_CSV_FLAGS_LOCAL_TIME = 1 << 0,
} SrCsvFlags;

/* id,created_at,sent_at,updated_at,to,sender_id,status,sms_count,cost,
 * campaign_id,failed_reason,message[,local_time] and CRLF */
void   sr_csv_append_message_header (GString    *out,
                                     SrCsvFlags  flags);
void   sr_csv_append_message        (GString    *out,
                                     SrMessage  *message,
                                     SrCsvFlags  flags);
/* One field, quoted if it holds a comma, a quote, CR or LF. */
void   sr_csv_append_field          (GString    *out,
                                     const char *value);
/* "2026-11-27T10:00:00Z"; "" for SR_TIME_NONE */
char  *sr_csv_format_utc            (gint64      usec);

G_END_DECLS
