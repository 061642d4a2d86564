/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-format.h: how the app writes numbers, money, dates and durations for
 * people (translated, locale-aware). Shared by every page and window.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "12,345" with the locale's digit grouping. */
char *sr_format_count          (gint64       n);
/* "€12.34" / "12.34 CHF"; decimals < 0 picks 2 for totals. currency may be NULL. */
char *sr_format_money          (double       amount,
                                const char  *currency,
                                int          decimals);
/* "97.3 %"; a fraction < 0 gives an em dash (nothing to compute a rate on). */
char *sr_format_percent        (double       fraction);
/* "2024-05-03 14:05" in local time or UTC; an em dash for SR_TIME_NONE. */
char *sr_format_time           (gint64       usec,
                                gboolean     utc);
/* The same with seconds and the zone name, for detail views. */
char *sr_format_time_long      (gint64       usec,
                                gboolean     utc);
/* "just now", "3 minutes ago", "yesterday at 14:05", … relative to now_usec. */
char *sr_format_relative_time  (gint64       usec,
                                gint64       now_usec);
/* "2 hours 5 minutes" between two times, for the message timeline. */
char *sr_format_duration       (gint64       usec);

G_END_DECLS
