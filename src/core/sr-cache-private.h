/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-private.h: the SrCache instance and what only the core and its
 * tests may call.
 *
 * SrCache is split over files of one subject each, layered so that no
 * header includes another in a circle:
 *
 *   sr-cache.c         the object: opening, closing, the account file name
 *   sr-cache-writer.c  the writer thread, group commit, "changed", the writes
 *   sr-cache-query.c   every read
 *   sr-cache-sql.c     filters and sorts as SQL, rows <-> records
 *   sr-cache-schema.c  columns, migrations, deferred indexes
 *   sr-cache-db.c      SQLite helpers and the read pool (knows no SrCache)
 */
#pragma once

#include "sr-cache.h"
#include "sr-cache-db.h"
#include "sr-cache-writer.h"

G_BEGIN_DECLS

struct _SrCache
{
  GObject          parent_instance;

  char            *path;
  SrCacheWriter   *writer;    /* (owned) (nullable) NULL once disposed, or read-only */
  SrCacheReadPool *readers;   /* (owned) */

  /* Opened for viewing only (no writer): why, and what the file holds. */
  gboolean         read_only;
  gboolean         read_only_no_space;
  gboolean         read_only_indexes_pending;
};

/* sr_cache_open() with "changed" emitted in context rather than in the
 * caller's: sr_cache_open_async() opens on a worker for the caller's. */
SrCache     *sr_cache_open_in_context        (const char          *path,
                                              GMainContext        *context,
                                              GError             **error);

/* Blocking variants of the writes, for tests and benchmarks (still executed
 * on the writer thread; they iterate a private main context). */
gboolean     sr_cache_upsert_messages        (SrCache             *self,
                                              GPtrArray           *messages,
                                              GHashTable          *state,
                                              guint               *out_new,
                                              guint               *out_updated,
                                              GError             **error);
gboolean     sr_cache_upsert_campaigns       (SrCache             *self,
                                              GPtrArray           *campaigns,
                                              guint               *out_new,
                                              guint               *out_updated,
                                              GError             **error);

/* SHA-256 hex over the sorted lines "<id>:<STATUS>\n" of every message; the
 * sandbox computes the same over its account, so tests can compare. */
char        *sr_cache_dup_checksum           (SrCache      *self,
                                              GError      **error);
/* PRAGMA integrity_check == "ok" */
gboolean     sr_cache_check_integrity        (SrCache      *self,
                                              GError      **error);

/* EXPLAIN QUERY PLAN of sr_cache_query_message_rowids() and of
 * sr_cache_query_status_counts(): the "detail" lines, joined with '\n'.
 * The plans let test-cache check that every sort and the aggregates are
 * served by the indexes they were designed for. */
char *sr_cache_dup_rowids_plan (SrCache                *self,
                                const SrMessageFilter  *filter,
                                SrMessageSort           sort,
                                gboolean                descending,
                                GError                **error);
char *sr_cache_dup_status_counts_plan (SrCache                *self,
                                        const SrMessageFilter  *filter,
                                        GError                **error);

/* How many rows of an order the first rows of a filter read and test one
 * by one (a limited sr_cache_search_messages(), the newest; the lists'
 * first screenful, sr_cache_query_message_rowids_limited()) before they
 * ask the indexes instead. */
#define SR_CACHE_SEARCH_SCAN_ROWS 4000

/* EXPLAIN QUERY PLAN of sr_cache_foreach_report_row(). */
char *sr_cache_dup_report_rows_plan (SrCache                *self,
                                     const SrMessageFilter  *filter,
                                     GError                **error);

G_END_DECLS
