/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-aggregates.h: the Dashboard's aggregates (schema 5), private to
 * the core. The writer keeps them in its own transaction (so they never
 * disagree with the rows); sr-insights.c reads them through one snapshot.
 * See sr-cache-aggregates.c for the tables.
 */
#pragma once

#include <sqlite3.h>

#include "sr-cache.h"

G_BEGIN_DECLS

#define SR_AGG_HOUR_USEC ((gint64) G_TIME_SPAN_HOUR)
#define SR_AGG_DAY_USEC  ((gint64) G_TIME_SPAN_DAY)

/* --- the writer (sr-cache-writer.c), on its connection, in its transaction */

/* At open, after the migrations, in a transaction of its own: builds the
 * tables from every row when they are not current (just created by the
 * migration, or written with another calling-code table). */
gboolean sr_cache_aggregates_open        (sqlite3     *db,
                                          GError     **error);
/* Adds the rows above rowid (the rows a group inserted), before its commit. */
gboolean sr_cache_aggregates_add_new     (sqlite3     *db,
                                          gint64       above_rowid,
                                          GError     **error);
/* Around the upserts of a job of SrMessages: sign -1 before takes out the
 * contribution of the rows with their ids that existed before the group
 * (rowid <= max_rowid), sign +1 after puts them back with what the upserts
 * wrote. *out_found (before) tells whether there were any: when none, the
 * call after may be skipped. */
gboolean sr_cache_aggregates_apply_ids   (sqlite3     *db,
                                          GPtrArray   *messages,
                                          gint64       max_rowid,
                                          int          sign,
                                          gboolean    *out_found,
                                          GError     **error);
/* The same for rows given by rowid (gint64), when the writer knows them
 * without the unique id index (a bulk load, sr-cache-writer.c). */
gboolean sr_cache_aggregates_apply_rowids (sqlite3    *db,
                                           GArray     *rowids,
                                           int         sign,
                                           GError    **error);

/* Clears the tables and builds them again from every row; for the open and
 * for tests, in the caller's transaction. */
gboolean sr_cache_aggregates_rebuild     (sqlite3     *db,
                                          GError     **error);
/* Every row of the four tables (n != 0) as text lines in key order, to
 * compare a maintained set with a rebuilt one. */
char    *sr_cache_aggregates_dump        (sqlite3     *db,
                                          GError     **error);

/* --- the reader (sr-insights.c) -------------------------------------------- */

typedef enum {
  SR_AGG_HOURS,      /* per hour; key: the raw status of unknown statuses, else "" */
  SR_AGG_STATUSES,   /* the same per day */
  SR_AGG_SENDERS,    /* key: the sender ID ("" when none) */
  SR_AGG_COUNTRIES,  /* key: the prefix of the sr_countries entry ("" when none) */
  SR_AGG_REASONS,    /* key: the failure reason (rows with one only) */
  SR_N_AGG_TABLES
} SrAggTable;

/* time: hours (SR_AGG_HOURS) or days since the epoch, UTC, or 0. */
typedef gboolean (*SrAggCellFunc) (gint64      time,
                                   SrStatus    status,
                                   const char *key,
                                   gint64      n,
                                   double      cost,
                                   gpointer    user_data);
typedef struct _SrAggReader SrAggReader;

/* One read transaction on a pooled connection. NULL without an error when
 * the file has no current aggregates (opened read-only with aggregates of
 * another calling-code table): then scan the rows. */
SrAggReader *sr_agg_reader_begin        (SrCache        *cache,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* The report rows with created_at in [from, to) (one range scan of the
 * covering index messages_insights). */
gboolean     sr_agg_reader_foreach_row  (SrAggReader    *reader,
                                         gint64          from,
                                         gint64          to,
                                         SrReportRowFunc func,
                                         gpointer        user_data,
                                         GError        **error);
/* The raw strings of the unknown statuses of [from, to), with their counts
 * and cost (time is 0, status SR_STATUS_UNKNOWN). */
gboolean     sr_agg_reader_foreach_unknown_status (SrAggReader   *reader,
                                                   gint64         from,
                                                   gint64         to,
                                                   SrAggCellFunc  func,
                                                   gpointer       user_data,
                                                   GError       **error);
/* The cells of table with time (hours for SR_AGG_HOURS, else days) in
 * [first, end), summed over time by SQLite: calls per (key, status), with
 * time 0, to be added up (a period of days is read from blocks of 64 and 8
 * days and single days, a few queries). */
gboolean     sr_agg_reader_foreach_sum  (SrAggReader    *reader,
                                         SrAggTable      table,
                                         gint64          first,
                                         gint64          end,
                                         SrAggCellFunc   func,
                                         gpointer        user_data,
                                         GError        **error);
/* One call per hour of [first, end) with messages: their count per status
 * group (SR_N_STATUS_GROUPS) and their cost. */
typedef gboolean (*SrAggHourFunc) (gint64        hour,
                                   const gint64 *by_group,
                                   double        cost,
                                   gpointer      user_data);
gboolean     sr_agg_reader_foreach_hour (SrAggReader    *reader,
                                         gint64          first,
                                         gint64          end,
                                         SrAggHourFunc   func,
                                         gpointer        user_data,
                                         GError        **error);
void         sr_agg_reader_end          (SrAggReader    *reader);

G_END_DECLS
