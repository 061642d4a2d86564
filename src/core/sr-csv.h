/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-csv.h: messages as RFC 4180 CSV (UTF-8, CRLF, quoted where needed),
 * shared by `sms-reports-cli messages --format csv` and the app's export.
 *
 * Spreadsheet safety (OWASP "CSV Injection"): by default a text field whose
 * first character is =, +, -, @, a tab or a carriage return is written with a
 * leading ' and quoted, so a spreadsheet shows it as text instead of running
 * it as a formula. This applies to every text field, recipients included: a
 * spreadsheet would evaluate "+447700900123" as a formula too (and show the
 * number 447700900123, without its +), while "'+447700900123" stays the
 * recipient as text. Numbers we write ourselves (sms_count, cost, counts,
 * rates, a negative cost) are never prefixed: they stay numbers.
 * SR_CSV_FLAGS_EXACT turns this off for scripts that want the stored data.
 */
#pragma once

#include <glib.h>

#include "sr-types.h"

G_BEGIN_DECLS

typedef enum {
  SR_CSV_FLAGS_NONE       = 0,
  /* Adds a local_time column (created_at in the local time zone) */
  SR_CSV_FLAGS_LOCAL_TIME = 1 << 0,
  /* Text fields exactly as stored, not made safe for spreadsheets */
  SR_CSV_FLAGS_EXACT      = 1 << 1,
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
/* One text field: like sr_csv_append_field(), and without SR_CSV_FLAGS_EXACT
 * a value that a spreadsheet would take for a formula gets a leading ' and
 * quotes. */
void   sr_csv_append_text           (GString    *out,
                                     const char *value,
                                     SrCsvFlags  flags);
/* TRUE when a spreadsheet would read value as a formula: its first character
 * is =, +, -, @, a tab or a carriage return. */
gboolean sr_csv_is_formula_trigger  (const char *value);
/* "2026-11-27T10:00:00Z"; "" for SR_TIME_NONE */
char  *sr_csv_format_utc            (gint64      usec);

G_END_DECLS
