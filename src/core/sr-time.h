/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-time.h: parsing and formatting the times of the SMS.to API (UTC,
 * microseconds since the epoch).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ISO 8601 with or without fraction/zone, or "Y-m-d H:i:s" (UTC assumed).
 * Returns FALSE for NULL, empty or unparsable strings. */
gboolean    sr_api_parse_time              (const char  *str,
                                            gint64      *out_usec);
/* "Y-m-d H:i:s" in UTC, as the API's created_at_from/to expect. */
char       *sr_api_format_query_time       (gint64       usec);
/* "2022-02-01T07:29:59.000000Z", as the API sends created_at. */
char       *sr_api_format_iso_time         (gint64       usec);

G_END_DECLS
