/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-private.h: what only the core and its tests may call. The query
 * plans let test-cache check that every sort and the dashboard aggregates
 * are served by the indexes they were designed for.
 */
#pragma once

#include "sr-cache.h"

G_BEGIN_DECLS

/* EXPLAIN QUERY PLAN of sr_cache_query_message_rowids() and of
 * sr_cache_query_stats(): the "detail" lines, joined with '\n'. */
char *sr_cache_dup_rowids_plan (SrCache                *self,
                                const SrMessageFilter  *filter,
                                SrMessageSort           sort,
                                gboolean                descending,
                                GError                **error);
char *sr_cache_dup_stats_plan  (SrCache                *self,
                                const SrMessageFilter  *filter,
                                GError                **error);

/* EXPLAIN QUERY PLAN of sr_cache_foreach_report_row(). */
char *sr_cache_dup_report_rows_plan (SrCache                *self,
                                     const SrMessageFilter  *filter,
                                     GError                **error);

G_END_DECLS
