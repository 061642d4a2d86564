/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-insights-private.h: for tests and benchmarks only.
 */
#pragma once

#include "sr-insights.h"

G_BEGIN_DECLS

/* sr_insights_query() computed from a scan of every row of the period,
 * never from the aggregates of schema 5: what the aggregates must equal. */
SrInsights *sr_insights_query_rows          (SrCache                *cache,
                                             const SrMessageFilter  *period_filter,
                                             SrInsightsFlags         what,
                                             GTimeZone              *zone,
                                             GError                **error);
/* Whether the figures came from the aggregates (with the edges scanned). */
gboolean    sr_insights_get_from_aggregates (SrInsights             *self);

G_END_DECLS
