/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-format.h: how the app writes numbers, money, dates and durations for
 * people (translated, locale-aware). Shared by every page and window.
 */
#pragma once

#include <glib.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* "12,345" / "12.345" with the locale's digit grouping. */
char     *sr_format_count          (gint64       n);
/* "0.5" / "0,5": a number with the locale's decimal separator (and
 * grouping), with exactly decimals digits after it. */
char     *sr_format_decimal        (double       value,
                                    int          decimals);
/* "1,385.49 EUR" / "1.385,49 EUR": always the ISO code, never a symbol, so
 * amounts in different currencies cannot be mistaken for each other;
 * decimals < 0 picks 2 for totals. currency may be NULL (number only). */
char     *sr_format_money          (double       amount,
                                    const char  *currency,
                                    int          decimals);
/* "97.3 %"; a fraction < 0 gives an em dash (nothing to compute a rate on). */
char     *sr_format_percent        (double       fraction);

/* Whether times are written with a 12-hour clock: the desktop's
 * clock-format when the user set it, else the locale's time format. */
gboolean  sr_format_uses_12h       (void);
/* A date and time in lists: the locale's date (ISO 8601 in the C locale)
 * and hours:minutes in local time or UTC; an em dash for SR_TIME_NONE. */
char     *sr_format_time           (gint64       usec,
                                    gboolean     utc);
/* The same with seconds and the zone name, for detail views. */
char     *sr_format_time_long      (gint64       usec,
                                    gboolean     utc);
/* "just now", "3 minutes ago", "yesterday at 14:05", … relative to now_usec. */
char     *sr_format_relative_time  (gint64       usec,
                                    gint64       now_usec);
/* "2 hours 5 minutes" between two times, for the message timeline. */
char     *sr_format_duration       (gint64       usec);

/* "Nov 27, 2026" (translatable order, localized month names). */
char     *sr_format_day            (GDateTime   *dt);
/* "Nov 27", for chart axes. */
char     *sr_format_day_short      (GDateTime   *dt);
/* "14:05" or "2:05 PM", following sr_format_uses_12h(). */
char     *sr_format_clock          (GDateTime   *dt);
/* "14:00" or "2 PM": a whole hour, for chart axes. */
char     *sr_format_hour           (GDateTime   *dt);

/* How a campaign is named wherever it appears, so people recognise it
 * (campaign ids all look alike): the start of its text in quotes,
 * “Your code is 4412…”, or the sender ID when it has no text. */
char     *sr_format_campaign_name  (SrCampaign  *campaign);
/* "SMSto · 27 Nov 2026 14:05 · 242 recipients". */
char     *sr_format_campaign_details (SrCampaign *campaign,
                                      gboolean    utc);

G_END_DECLS
