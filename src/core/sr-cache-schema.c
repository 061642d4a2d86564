/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-schema.c: the schema lives in one place: a list of forward
 * migrations, each run in its own transaction and recorded in PRAGMA
 * user_version. A new file goes through every step, so the migration path
 * is exercised all the time. docs/ARCHITECTURE.md describes each version.
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-cache-schema.h"
#include "sr-status.h"


const char * const sr_cache_message_columns[N_MSG_COLS] = {
  [MSG_COL_ROWID] = "rowid",
  [MSG_COL_ID] = "id",
  [MSG_COL_CAMPAIGN_ID] = "campaign_id",
  [MSG_COL_RECIPIENT] = "recipient",
  [MSG_COL_SENDER_ID] = "sender_id",
  [MSG_COL_MESSAGE] = "message",
  [MSG_COL_STATUS_RAW] = "status_raw",
  [MSG_COL_STATUS_CODE] = "status_code",
  [MSG_COL_FAILED_REASON] = "failed_reason",
  [MSG_COL_TIMEZONE] = "timezone",
  [MSG_COL_MESSAGE_TYPE] = "message_type",
  [MSG_COL_USER_ID] = "user_id",
  [MSG_COL_CALLBACK_URL] = "callback_url",
  [MSG_COL_PROVIDER] = "provider",
  [MSG_COL_MESSAGE_ID] = "message_id",
  [MSG_COL_INTERNAL_FAILED_REASON] = "internal_failed_reason",
  [MSG_COL_CREATED_AT] = "created_at",
  [MSG_COL_UPDATED_AT] = "updated_at",
  [MSG_COL_SENT_AT] = "sent_at",
  [MSG_COL_SCHEDULED_FOR] = "scheduled_for",
  [MSG_COL_COST] = "cost",
  [MSG_COL_SMS_COUNT] = "sms_count",
  [MSG_COL_IS_API] = "is_api",
  [MSG_COL_OPTOUT] = "optout",
  [MSG_COL_FINAL_CALLBACK_SENT] = "final_callback_sent",
};

const char * const sr_cache_campaign_columns[N_CAM_COLS] = {
  [CAM_COL_ROWID] = "rowid",
  [CAM_COL_ID] = "id",
  [CAM_COL_CAMPAIGN_TYPE] = "campaign_type",
  [CAM_COL_USER_ID] = "user_id",
  [CAM_COL_SENDER_ID] = "sender_id",
  [CAM_COL_TEMPLATE_ID] = "template_id",
  [CAM_COL_MESSAGE] = "message",
  [CAM_COL_LIST_ID] = "list_id",
  [CAM_COL_STATUS] = "status",
  [CAM_COL_CALLBACK_URL] = "callback_url",
  [CAM_COL_TIMEZONE] = "timezone",
  [CAM_COL_CLIENT_TOTAL_COST] = "client_total_cost",
  [CAM_COL_ESTIMATED_COST] = "estimated_cost",
  [CAM_COL_DELIVERED_MESSAGES] = "delivered_messages",
  [CAM_COL_FAILED_MESSAGES] = "failed_messages",
  [CAM_COL_PENDING_MESSAGES] = "pending_messages",
  [CAM_COL_SENT_MESSAGES] = "sent_messages",
  [CAM_COL_SCHEDULED_FOR] = "scheduled_for",
  [CAM_COL_CREATED_AT] = "created_at",
  [CAM_COL_UPDATED_AT] = "updated_at",
  [CAM_COL_CANCELED_AT] = "canceled_at",
  [CAM_COL_SMS_COUNT] = "sms_count",
  [CAM_COL_BYPASS_OPTOUT] = "bypass_optout",
  [CAM_COL_IS_API] = "is_api",
};

/* --- schema and migrations ---------------------------------------------- */

/* Version 1: what the first releases wrote. Messages knew only their raw
 * status, fewer API fields were kept, there were two indexes and no place for
 * a sync checkpoint. Keep this text frozen: tests/data/cache/make-v1.sql is
 * the same schema with a few rows. */
static const char schema_v1[] =
  "CREATE TABLE messages ("
  "  rowid          INTEGER PRIMARY KEY,"
  "  id             TEXT NOT NULL UNIQUE,"
  "  campaign_id    TEXT,"
  "  recipient      TEXT,"
  "  sender_id      TEXT,"
  "  message        TEXT,"
  "  status_raw     TEXT NOT NULL DEFAULT '',"
  "  failed_reason  TEXT,"
  "  timezone       TEXT,"
  "  created_at     INTEGER NOT NULL DEFAULT 0,"
  "  updated_at     INTEGER,"
  "  sent_at        INTEGER,"
  "  scheduled_for  INTEGER,"
  "  cost           REAL NOT NULL DEFAULT 0,"
  "  sms_count      INTEGER NOT NULL DEFAULT 0,"
  "  is_api         INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX messages_created_at ON messages (created_at);"
  "CREATE INDEX messages_status_raw ON messages (status_raw);"
  "CREATE TABLE campaigns ("
  "  rowid               INTEGER PRIMARY KEY,"
  "  id                  TEXT NOT NULL UNIQUE,"
  "  campaign_type       TEXT,"
  "  sender_id           TEXT,"
  "  message             TEXT,"
  "  status              TEXT,"
  "  client_total_cost   REAL NOT NULL DEFAULT 0,"
  "  estimated_cost      REAL NOT NULL DEFAULT 0,"
  "  delivered_messages  INTEGER NOT NULL DEFAULT 0,"
  "  failed_messages     INTEGER NOT NULL DEFAULT 0,"
  "  pending_messages    INTEGER NOT NULL DEFAULT 0,"
  "  sent_messages       INTEGER NOT NULL DEFAULT 0,"
  "  scheduled_for       INTEGER,"
  "  created_at          INTEGER NOT NULL DEFAULT 0,"
  "  updated_at          INTEGER,"
  "  sms_count           INTEGER NOT NULL DEFAULT 0,"
  "  is_api              INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX campaigns_created_at ON campaigns (created_at);"
  "CREATE TABLE account ("
  "  id         INTEGER PRIMARY KEY CHECK (id = 1),"
  "  balance    REAL,"
  "  currency   TEXT,"
  "  last_sync  INTEGER"
  ");";

/* Version 2: the status code next to the raw string (computed for existing
 * rows by sr_status_code(), registered on the write connection), every API
 * field, the sync_state table that holds the checkpoint, and indexes for
 * every sort and filter of the views.
 *
 * Every sort is "<key>, created_at, rowid", so an index on (key, created_at)
 * (rowid is implicitly last in every index) serves it without a sort step.
 * messages_report covers what the dashboard aggregates read (by period,
 * status and campaign), so those queries never touch the wide table rows. */
static const char migration_v2[] =
  "ALTER TABLE messages ADD COLUMN status_code INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN message_type TEXT;"
  "ALTER TABLE messages ADD COLUMN user_id TEXT;"
  "ALTER TABLE messages ADD COLUMN callback_url TEXT;"
  "ALTER TABLE messages ADD COLUMN provider TEXT;"
  "ALTER TABLE messages ADD COLUMN message_id TEXT;"
  "ALTER TABLE messages ADD COLUMN internal_failed_reason TEXT;"
  "ALTER TABLE messages ADD COLUMN optout INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN final_callback_sent INTEGER NOT NULL DEFAULT 0;"
  "UPDATE messages SET status_code = sr_status_code (status_raw);"
  "DROP INDEX messages_created_at;"
  "DROP INDEX messages_status_raw;"
  "CREATE INDEX messages_report ON messages (created_at, status_code, status_raw, cost, campaign_id);"
  "CREATE INDEX messages_created_at ON messages (created_at);"
  "CREATE INDEX messages_sent_at ON messages (sent_at, created_at);"
  "CREATE INDEX messages_status ON messages (status_code, status_raw, created_at);"
  "CREATE INDEX messages_cost ON messages (cost, created_at);"
  "CREATE INDEX messages_recipient ON messages (recipient, created_at);"
  "CREATE INDEX messages_sender_id ON messages (sender_id, created_at);"
  "CREATE INDEX messages_campaign_id ON messages (campaign_id, created_at);"
  "CREATE INDEX messages_sms_count ON messages (sms_count, created_at);"
  "CREATE INDEX messages_failed_reason ON messages (failed_reason) WHERE failed_reason IS NOT NULL;"
  "ALTER TABLE campaigns ADD COLUMN user_id TEXT;"
  "ALTER TABLE campaigns ADD COLUMN template_id TEXT;"
  "ALTER TABLE campaigns ADD COLUMN list_id TEXT;"
  "ALTER TABLE campaigns ADD COLUMN callback_url TEXT;"
  "ALTER TABLE campaigns ADD COLUMN timezone TEXT;"
  "ALTER TABLE campaigns ADD COLUMN canceled_at INTEGER;"
  "ALTER TABLE campaigns ADD COLUMN bypass_optout INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX campaigns_sender_id ON campaigns (sender_id, created_at);"
  "CREATE INDEX campaigns_cost ON campaigns (client_total_cost, created_at);"
  "CREATE INDEX campaigns_recipients ON campaigns (" CAMPAIGN_RECIPIENTS_SQL ", created_at);"
  "CREATE INDEX campaigns_delivery_rate ON campaigns (" CAMPAIGN_DELIVERY_RATE_SQL ", created_at);"
  "CREATE TABLE sync_state ("
  "  key    TEXT PRIMARY KEY,"
  "  value  TEXT NOT NULL"
  ") WITHOUT ROWID;";

/* Version 3: the dashboard's insights (sr-insights.c) read, for every
 * message of a period, its time, status, cost, sender, recipient and failure
 * reason. messages_insights covers exactly those, in created_at order, so a
 * period is one range scan of a narrow index and never touches the wide
 * table rows (message texts). The destination country is derived from the
 * recipient at query time rather than stored: a better calling-code table in
 * a later version then applies to old rows without a backfill. */
static const char migration_v3[] =
  "CREATE INDEX messages_insights ON messages"
  " (created_at, status_code, cost, sender_id, recipient, failed_reason);";

/* Version 4: full-text search over the message text and the sender ID.
 * messages_fts is an FTS5 index with external content (the words are
 * indexed, the text stays in messages only). unicode61 folds the case of
 * every script and, with remove_diacritics 2, the accents of Latin letters:
 * "olmesi" finds "Ölmesi" (Greek keeps its accents). Recipients are not in
 * it: numbers are searched with "contains" on the recipient column
 * (sr-cache-sql.c).
 *
 * It changes with the rows, in the writer's transaction (sr-cache-writer.c):
 * new rows are added in one INSERT … SELECT per group commit, and the rare
 * change of a text or sender by three statements for that row. Triggers
 * would be simpler but cost ten times more: a trigger gives every upsert a
 * statement journal, and inside the write's savepoint SQLite walks its
 * in-memory journal from the start at every statement (quadratic in the
 * rows of a write). Only a delete, which the app never does, goes through
 * a trigger. A status change (the usual update) does not touch the index. Existing rows are
 * indexed by the rebuild. deferred_indexes (see
 * sr_cache_schema_defer_indexes()) is created here so that every file has
 * it. */
static const char migration_v4[] =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  message, sender_id,"
  "  content = 'messages', content_rowid = 'rowid',"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, message, sender_id)"
  "    VALUES ('delete', old.rowid, old.message, old.sender_id);"
  " END;"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "CREATE TABLE IF NOT EXISTS deferred_indexes (name TEXT PRIMARY KEY, sql TEXT NOT NULL);";

/* Version 5: the Dashboard's aggregates (sr-cache-aggregates.c): message
 * counts and cost per UTC hour and status (the chart), and per UTC day (and
 * blocks of 8 and 64 days) and status, by status, sender, destination (the
 * sr_countries entry) and failure reason (the totals and breakdowns). Kept by the writer in its
 * transaction; filled from the existing rows at the first open after this
 * step (sr_cache_aggregates_open(), which also rebuilds them when the
 * calling-code table changes). */
#define AGGREGATE_TABLE(name) \
  "CREATE TABLE " name " (" \
  "  t            INTEGER NOT NULL," \
  "  key          TEXT NOT NULL," \
  "  status_code  INTEGER NOT NULL," \
  "  n            INTEGER NOT NULL," \
  "  cost         INTEGER NOT NULL," \
  "  PRIMARY KEY (t, key, status_code)" \
  ") WITHOUT ROWID;"
#define AGGREGATE_DAY_TABLES(name) \
  AGGREGATE_TABLE (name) AGGREGATE_TABLE (name "_8") AGGREGATE_TABLE (name "_64")
static const char migration_v5[] =
  AGGREGATE_TABLE ("agg_hours")
  AGGREGATE_DAY_TABLES ("agg_statuses")
  AGGREGATE_DAY_TABLES ("agg_senders")
  AGGREGATE_DAY_TABLES ("agg_countries")
  AGGREGATE_DAY_TABLES ("agg_reasons");

/* Version 6: "contains" on the recipient from an index. A number in a
 * search matches when the recipient contains it anywhere (sr-cache-sql.c);
 * without an index that read every row (about half a second at a million
 * rows). messages_recipient_fts is an FTS5 index of the recipient's
 * trigrams (external content, like messages_fts) that records only which
 * rows have a trigram (detail = none: no positions; columnsize = 0: no
 * per-row sizes, nothing ranks by them), which makes it two to three times
 * cheaper to write than a full index. It cannot answer phrases, so a
 * search takes the rows that have trigrams covering the number ("447"
 * and "479" for "4479") and checks the number in each with instr()
 * (sr-cache-sql.c). Case folding does not matter for numbers; queries of
 * fewer than three characters have no trigram and keep the scan
 * (sr_cache_search_messages() stops it early).
 *
 * Existing rows go in in rowid order, not by FTS5's 'rebuild': that reads
 * the rows the way the planner likes, here the covering index
 * messages_recipient, in recipient order, and FTS5 writes out its pending
 * postings whenever a rowid is lower than the one before (12.7 s of CPU
 * for a million rows instead of 1.4 s).
 *
 * The writer keeps it in its transaction next to messages_fts: the group's
 * new rows in one INSERT … SELECT, and a recipient that changes on an
 * existing row out and back in with the text (sr-cache-writer.c). */
static const char migration_v6[] =
  "CREATE VIRTUAL TABLE messages_recipient_fts USING fts5 ("
  "  recipient,"
  "  content = 'messages', content_rowid = 'rowid',"
  "  tokenize = 'trigram', detail = none, columnsize = 0);"
  "CREATE TRIGGER messages_recipient_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_recipient_fts (messages_recipient_fts, rowid, recipient)"
  "    VALUES ('delete', old.rowid, old.recipient);"
  " END;"
  "INSERT INTO messages_recipient_fts (rowid, recipient)"
  "  SELECT rowid, recipient FROM messages ORDER BY rowid;";

/* Version 7: the unique id index apart from the table, so that a bulk load
 * can defer it like the other indexes. The UNIQUE of version 1 was inline in
 * messages (an automatic index SQLite keeps with the table), and a first
 * sync of a million messages spent most of its writes on it: ids are random,
 * so each commit rewrote thousands of its leaf pages (about 2.5 GB of the
 * 6.6 GB written). Inline, it cannot be dropped; a named unique index
 * (messages_id) can. During a bulk load the writer tells new ids from known
 * ones by a hash table of the ids in the file (sr-cache-writer.c) and builds
 * messages_id at the end with the other deferred indexes.
 *
 * The table is rebuilt the way SQLite documents for changes ALTER TABLE
 * cannot make: a new table with the same columns in the same order, the
 * rows copied with their rowids (both search indexes refer to rows by
 * rowid, so they stay valid and are not rebuilt), the old table dropped
 * (which drops its indexes and triggers, without firing any), the new one
 * renamed, the indexes and triggers created again.
 *
 * In the same step messages_report (version 2) and messages_insights
 * (version 3), which both start with created_at, become one covering index
 * messages_insights with the columns of both: the status counts, the
 * distinct campaigns and the Dashboard's rows read it, and a bulk load
 * builds one index fewer. messages_created_at stays: the log's default
 * sort reads its rowids in order, and a narrow index is seven times fewer
 * pages to read than the covering one. Indexes a first sync deferred are
 * all created here, so deferred_indexes is emptied (it may hold the old
 * definitions). */
static const char migration_v7[] =
  "CREATE TABLE messages_v7 ("
  "  rowid          INTEGER PRIMARY KEY,"
  "  id             TEXT NOT NULL,"
  "  campaign_id    TEXT,"
  "  recipient      TEXT,"
  "  sender_id      TEXT,"
  "  message        TEXT,"
  "  status_raw     TEXT NOT NULL DEFAULT '',"
  "  failed_reason  TEXT,"
  "  timezone       TEXT,"
  "  created_at     INTEGER NOT NULL DEFAULT 0,"
  "  updated_at     INTEGER,"
  "  sent_at        INTEGER,"
  "  scheduled_for  INTEGER,"
  "  cost           REAL NOT NULL DEFAULT 0,"
  "  sms_count      INTEGER NOT NULL DEFAULT 0,"
  "  is_api         INTEGER NOT NULL DEFAULT 0,"
  "  status_code    INTEGER NOT NULL DEFAULT 0,"
  "  message_type   TEXT,"
  "  user_id        TEXT,"
  "  callback_url   TEXT,"
  "  provider       TEXT,"
  "  message_id     TEXT,"
  "  internal_failed_reason TEXT,"
  "  optout         INTEGER NOT NULL DEFAULT 0,"
  "  final_callback_sent INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO messages_v7 SELECT * FROM messages ORDER BY rowid;"
  "DROP TABLE messages;"
  "ALTER TABLE messages_v7 RENAME TO messages;"
  "CREATE UNIQUE INDEX messages_id ON messages (id);"
  "CREATE INDEX messages_created_at ON messages (created_at);"
  "CREATE INDEX messages_insights ON messages"
  " (created_at, status_code, cost, sender_id, recipient, failed_reason, status_raw, campaign_id);"
  "CREATE INDEX messages_sent_at ON messages (sent_at, created_at);"
  "CREATE INDEX messages_status ON messages (status_code, status_raw, created_at);"
  "CREATE INDEX messages_cost ON messages (cost, created_at);"
  "CREATE INDEX messages_recipient ON messages (recipient, created_at);"
  "CREATE INDEX messages_sender_id ON messages (sender_id, created_at);"
  "CREATE INDEX messages_campaign_id ON messages (campaign_id, created_at);"
  "CREATE INDEX messages_sms_count ON messages (sms_count, created_at);"
  "CREATE INDEX messages_failed_reason ON messages (failed_reason) WHERE failed_reason IS NOT NULL;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, message, sender_id)"
  "    VALUES ('delete', old.rowid, old.message, old.sender_id);"
  " END;"
  "CREATE TRIGGER messages_recipient_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_recipient_fts (messages_recipient_fts, rowid, recipient)"
  "    VALUES ('delete', old.rowid, old.recipient);"
  " END;"
  "DELETE FROM deferred_indexes;";

typedef struct
{
  int         version;   /* user_version after this step */
  const char *sql;
} Migration;

static const Migration migrations[] = {
  { 1, schema_v1 },
  { 2, migration_v2 },
  { 3, migration_v3 },
  { 4, migration_v4 },
  { 5, migration_v5 },
  { 6, migration_v6 },
  { 7, migration_v7 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SR_CACHE_SCHEMA_VERSION);

/* --- opening: checks, migrations ----------------------------------------- */

static void
sr_status_code_func (sqlite3_context  *context,
                     int               argc,
                     sqlite3_value   **argv)
{
  const unsigned char *raw = sqlite3_value_text (argv[0]);

  sqlite3_result_int (context, (int) sr_status_from_string ((const char *) raw));
}

gboolean
sr_cache_schema_register_functions (sqlite3  *db,
                                    GError  **error)
{
  int rc;

  rc = sqlite3_create_function (db, "sr_status_code", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                NULL, sr_status_code_func, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      sr_db_set_error (error, db, rc, "create_function");
      return FALSE;
    }

  return TRUE;
}

/* --- clean shutdown ------------------------------------------------------ */

gboolean
sr_cache_schema_closed_cleanly (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* No sync_state (schema 1, or not our file): not known to be clean. */
  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM sync_state WHERE key = '" SR_CACHE_CLEAN_CLOSE_KEY "'",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;

  return sqlite3_step (stmt) == SQLITE_ROW;
}

gboolean
sr_cache_schema_mark_open (sqlite3  *db,
                           GError  **error)
{
  return sr_db_exec (db, "DELETE FROM sync_state WHERE key = '" SR_CACHE_CLEAN_CLOSE_KEY "'", error);
}

gboolean
sr_cache_schema_mark_closed (sqlite3  *db,
                             GError  **error)
{
  return sr_db_exec (db,
                     "INSERT OR REPLACE INTO sync_state (key, value)"
                     " VALUES ('" SR_CACHE_CLEAN_CLOSE_KEY "', '1')",
                     error);
}

static gboolean
quick_check (sqlite3     *db,
             const char  *path,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_debug ("Checking %s (not closed cleanly)", path);

  /* The quick check reads every page: mapped, that is several times faster
   * than one pread() per page (the mapping goes with the connection). */
  sqlite3_exec (db, "PRAGMA mmap_size = " G_STRINGIFY (SR_DB_READ_MMAP_SIZE), NULL, NULL, NULL);

  if (!sr_db_prepare (db, "PRAGMA quick_check", &stmt, error))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sr_db_set_error (error, db, rc, "quick_check");
      return FALSE;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT,
                   _("The report cache “%s” is damaged: %s"),
                   path, (const char *) sqlite3_column_text (stmt, 0));
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_cache_schema_check_file (const char  *path,
                            gboolean     immutable,
                            gint64      *out_version,
                            gboolean    *out_indexes_pending,
                            GError     **error)
{
  sqlite3 *db = NULL;
  gint64 version = 0;
  gboolean ok = FALSE;
  int rc;

  if (out_version != NULL)
    *out_version = 0;
  if (out_indexes_pending != NULL)
    *out_indexes_pending = FALSE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  rc = sr_db_open_read_only (path, immutable, &db);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot open the report cache “%s”: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      goto out;
    }
  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_busy_timeout (db, SR_DB_BUSY_TIMEOUT_MS);

  if (!sr_db_get_int64 (db, "PRAGMA user_version", &version, error))
    goto out;

  if (version > SR_CACHE_SCHEMA_VERSION)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_TOO_NEW,
                   _("The report cache “%s” was written by a newer version of SMS Reports "
                     "(schema %lld, this version knows %d)"),
                   path, (long long) version, SR_CACHE_SCHEMA_VERSION);
      goto out;
    }

  /* The quick check reads every page of the file (a second or more and
   * hundreds of MB resident at a million messages): only when the last
   * session did not end cleanly, or the file is not one we closed. */
  if (!sr_cache_schema_closed_cleanly (db) && !quick_check (db, path, error))
    goto out;

  if (out_version != NULL)
    *out_version = version;
  if (out_indexes_pending != NULL)
    *out_indexes_pending = sr_cache_schema_get_indexes_pending (db);
  ok = TRUE;

out:
  sqlite3_close (db);
  /* A full disk stays a full disk: the caller opens read-only then. */
  if (!ok && error != NULL && *error != NULL && (*error)->domain == SR_CACHE_ERROR &&
      (*error)->code == SR_CACHE_ERROR_SQLITE)
    (*error)->code = SR_CACHE_ERROR_OPEN;

  return ok;
}

/* Bulk loading (a first sync): keeping the message indexes up to date row
 * by row costs more than building them once at the end, so they are
 * dropped while the history downloads and created again afterwards. Their
 * definitions wait in deferred_indexes, written in the same transaction as
 * the drop, so a crash in between only means sr_cache_open() builds them
 * again. Since schema 7 that includes the unique id index messages_id: the
 * writer keeps the ids itself meanwhile (sr-cache-writer.c). Only
 * created_at (which the sync itself reads) stays. */
gboolean
sr_cache_schema_defer_indexes (sqlite3  *db,
                               GError  **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (!sr_db_exec (db,
                   "CREATE TABLE IF NOT EXISTS deferred_indexes (name TEXT PRIMARY KEY, sql TEXT NOT NULL);"
                   "INSERT OR IGNORE INTO deferred_indexes (name, sql)"
                   "  SELECT name, sql FROM sqlite_master"
                   "  WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL"
                   "    AND name <> 'messages_created_at';",
                   error))
    return FALSE;

  if (sqlite3_prepare_v2 (db,
                          "SELECT d.name FROM deferred_indexes d"
                          " JOIN sqlite_master m ON m.type = 'index' AND m.name = d.name",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE, "%s", sqlite3_errmsg (db));
      return FALSE;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("DROP INDEX IF EXISTS \"%s\"",
                                              (const char *) g_ptr_array_index (names, i));
      if (!sr_db_exec (db, sql, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
sr_cache_schema_get_indexes_pending (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* No such table: nothing was ever deferred. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT 1 FROM deferred_indexes d"
                          " WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m"
                          "                   WHERE m.type = 'index' AND m.name = d.name)"
                          " LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;

  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* Creates the indexes deferred by sr_cache_schema_defer_indexes(), if any. */
gboolean
sr_cache_schema_restore_indexes (sqlite3  *db,
                                 GError  **error)
{
  g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db,
                          "SELECT d.sql FROM deferred_indexes d"
                          " WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m"
                          "                   WHERE m.type = 'index' AND m.name = d.name)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      /* No such table: nothing was ever deferred. */
      sqlite3_finalize (stmt);
      return TRUE;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (sqls, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < sqls->len; i++)
    if (!sr_db_exec (db, g_ptr_array_index (sqls, i), error))
      return FALSE;

  return sr_db_exec (db, "DELETE FROM deferred_indexes;", error);
}

gboolean
sr_cache_schema_migrate (sqlite3  *db,
                         GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      const Migration *step = &migrations[i];
      g_autofree char *set_version = NULL;
      gint64 version;
      gint64 started;

      /* IMMEDIATE: another process opening the same file waits instead of
       * migrating it a second time. */
      if (!sr_db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!sr_db_get_int64 (db, "PRAGMA user_version", &version, error))
        goto fail;

      if (version > SR_CACHE_SCHEMA_VERSION)
        {
          g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_TOO_NEW,
                       _("The report cache was written by a newer version of SMS Reports"));
          goto fail;
        }

      if (version >= step->version)
        {
          if (!sr_db_exec (db, "COMMIT", error))
            goto fail;
          continue;
        }

      g_assert (version == step->version - 1);
      g_debug ("Migrating the cache from schema %" G_GINT64_FORMAT " to %d",
               version, step->version);

      set_version = g_strdup_printf ("PRAGMA user_version = %d", step->version);
      started = g_get_monotonic_time ();
      if (!sr_db_exec (db, step->sql, error) ||
             !sr_db_exec (db, set_version, error) ||
             !sr_db_exec (db, "COMMIT", error))
        goto fail;
      g_debug ("Migrated the cache to schema %d in %.2f s", step->version,
               (g_get_monotonic_time () - started) / 1e6);
    }

  return TRUE;

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
