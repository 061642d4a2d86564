/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-schema.h: the shape of the cache file, private to the cache: the
 * columns of the two record tables in the order every SELECT and upsert
 * lists them, the campaign sort expressions shared with their indexes, the
 * forward migrations, the check of an existing file, and the indexes
 * deferred during a bulk load.
 */
#pragma once

#include "sr-cache-db.h"

G_BEGIN_DECLS

/* The columns of messages in the order SELECTs list them; the upsert binds
 * column i to parameter ?i, so the order is also the binding order. */
enum {
  MSG_COL_ROWID,
  MSG_COL_ID,
  MSG_COL_CAMPAIGN_ID,
  MSG_COL_RECIPIENT,
  MSG_COL_SENDER_ID,
  MSG_COL_MESSAGE,
  MSG_COL_STATUS_RAW,
  MSG_COL_STATUS_CODE,
  MSG_COL_FAILED_REASON,
  MSG_COL_TIMEZONE,
  MSG_COL_MESSAGE_TYPE,
  MSG_COL_USER_ID,
  MSG_COL_CALLBACK_URL,
  MSG_COL_PROVIDER,
  MSG_COL_MESSAGE_ID,
  MSG_COL_INTERNAL_FAILED_REASON,
  MSG_COL_CREATED_AT,
  MSG_COL_UPDATED_AT,
  MSG_COL_SENT_AT,
  MSG_COL_SCHEDULED_FOR,
  MSG_COL_COST,
  MSG_COL_SMS_COUNT,
  MSG_COL_IS_API,
  MSG_COL_OPTOUT,
  MSG_COL_FINAL_CALLBACK_SENT,
  N_MSG_COLS
};

extern const char * const sr_cache_message_columns[N_MSG_COLS];

enum {
  CAM_COL_ROWID,
  CAM_COL_ID,
  CAM_COL_CAMPAIGN_TYPE,
  CAM_COL_USER_ID,
  CAM_COL_SENDER_ID,
  CAM_COL_TEMPLATE_ID,
  CAM_COL_MESSAGE,
  CAM_COL_LIST_ID,
  CAM_COL_STATUS,
  CAM_COL_CALLBACK_URL,
  CAM_COL_TIMEZONE,
  CAM_COL_CLIENT_TOTAL_COST,
  CAM_COL_ESTIMATED_COST,
  CAM_COL_DELIVERED_MESSAGES,
  CAM_COL_FAILED_MESSAGES,
  CAM_COL_PENDING_MESSAGES,
  CAM_COL_SENT_MESSAGES,
  CAM_COL_SCHEDULED_FOR,
  CAM_COL_CREATED_AT,
  CAM_COL_UPDATED_AT,
  CAM_COL_CANCELED_AT,
  CAM_COL_SMS_COUNT,
  CAM_COL_BYPASS_OPTOUT,
  CAM_COL_IS_API,
  N_CAM_COLS
};

extern const char * const sr_cache_campaign_columns[N_CAM_COLS];

/* The campaign sort expressions; the same text is used by the expression
 * indexes of migration 2, which SQLite only uses for an identical ORDER BY. */
#define CAMPAIGN_RECIPIENTS_SQL \
  "(delivered_messages + failed_messages + pending_messages + sent_messages)"
#define CAMPAIGN_DELIVERY_RATE_SQL \
  "(CASE WHEN delivered_messages + failed_messages + sent_messages > 0 " \
  "THEN CAST (delivered_messages AS REAL) / " \
  "(delivered_messages + failed_messages + sent_messages) ELSE -1 END)"

/* Looks at an existing file without writing to it: a read-only connection
 * (with immutable=1 when asked: see sr_db_dup_immutable_uri()) that never
 * checkpoints, so a file we refuse (SR_CACHE_ERROR_CORRUPT,
 * SR_CACHE_ERROR_TOO_NEW, SR_CACHE_ERROR_OPEN) stays byte-identical. A
 * missing file passes (version 0). Gives the schema version and whether
 * deferred indexes wait to be built. */
gboolean sr_cache_schema_check_file         (const char  *path,
                                             gboolean     immutable,
                                             gint64      *out_version,
                                             gboolean    *out_indexes_pending,
                                             GError     **error);
/* Clean shutdown: the writer deletes this sync_state key when it opens the
 * file and writes it back when it closes it. A file without it (a crash, a
 * kill, power loss, or a file we never closed) gets PRAGMA quick_check in
 * sr_cache_schema_check_file(); a cleanly closed one opens without reading
 * every page. */
#define SR_CACHE_CLEAN_CLOSE_KEY "cache.closed-cleanly"
gboolean sr_cache_schema_closed_cleanly     (sqlite3     *db);
gboolean sr_cache_schema_mark_open          (sqlite3     *db,
                                             GError     **error);
gboolean sr_cache_schema_mark_closed        (sqlite3     *db,
                                             GError     **error);
/* Registers the SQL functions the migrations use (sr_status_code()). */
gboolean sr_cache_schema_register_functions (sqlite3     *db,
                                             GError     **error);
/* Brings the file up to SR_CACHE_SCHEMA_VERSION, one transaction a step. */
gboolean sr_cache_schema_migrate            (sqlite3     *db,
                                             GError     **error);
/* Inside a transaction: drops the secondary message indexes, keeping their
 * definitions in the file... */
gboolean sr_cache_schema_defer_indexes      (sqlite3     *db,
                                             GError     **error);
/* TRUE when indexes deferred by sr_cache_schema_defer_indexes() are not
 * built yet. */
gboolean sr_cache_schema_get_indexes_pending (sqlite3    *db);
/* ...and builds them again (nothing to do when none were deferred). */
gboolean sr_cache_schema_restore_indexes    (sqlite3     *db,
                                             GError     **error);

G_END_DECLS
