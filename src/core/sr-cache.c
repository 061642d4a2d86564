/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache.c: owns the SQLite file of one account.
 *
 * - The schema lives in one place: a list of forward migrations, each run in
 *   its own transaction and recorded in PRAGMA user_version. A new file goes
 *   through every step, so the migration path is exercised all the time.
 * - One writer thread owns the write connection (like GNOME Software's
 *   GsWorkerThread owns its context): every write is a GTask queued to it
 *   and completed back in the caller's main context. Each write is atomic
 *   (a savepoint); writes that were already waiting share one commit (group
 *   commit), so a writer that falls behind a sync catches up.
 * - Reads use a small pool of read-only connections (WAL lets them run while
 *   the writer commits); the pool is guarded by a mutex so any thread may
 *   read, and a read running in a thread never blocks one on the main thread.
 * - Filters and sorts become SQL in exactly one place
 *   (append_message_filter(), append_message_order()).
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>

#include "sr-cache.h"
#include "sr-cache-private.h"
#include "sr-campaign-private.h"
#include "sr-enums.h"
#include "sr-message-private.h"
#include "sr-status.h"

G_DEFINE_QUARK (sr-cache-error-quark, sr_cache_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Idle read connections kept open; more are opened when several threads read
 * at once and closed again when they come back. */
#define MAX_IDLE_READERS 4

/* Rowids bound per "rowid IN (...)" query. */
#define ROWID_CHUNK 256

/* A group commit takes at most this many queued writes... */
#define MAX_GROUP_JOBS 64
/* ...and stops adding jobs once it holds this many records. */
#define MAX_GROUP_RECORDS 20000

/* Stops the query after this many VM steps to look at the cancellable. */
#define PROGRESS_STEPS 4096

#define BUSY_TIMEOUT_MS 10000

/* Read-only connections map the file: scans of a million rows then cost no
 * system call per page. Only address space; SQLite caps it at its
 * compile-time maximum. */
#define READ_MMAP_SIZE 2147418112

/* --- columns ------------------------------------------------------------ */

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

static const char * const message_columns[N_MSG_COLS] = {
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

static const char * const campaign_columns[N_CAM_COLS] = {
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

/* The campaign sort expressions; the same text is used by the expression
 * indexes of migration 2, which SQLite only uses for an identical ORDER BY. */
#define CAMPAIGN_RECIPIENTS_SQL \
  "(delivered_messages + failed_messages + pending_messages + sent_messages)"
#define CAMPAIGN_DELIVERY_RATE_SQL \
  "(CASE WHEN delivered_messages + failed_messages + sent_messages > 0 " \
  "THEN CAST (delivered_messages AS REAL) / " \
  "(delivered_messages + failed_messages + sent_messages) ELSE -1 END)"

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

typedef struct
{
  int         version;   /* user_version after this step */
  const char *sql;
} Migration;

static const Migration migrations[] = {
  { 1, schema_v1 },
  { 2, migration_v2 },
  { 3, migration_v3 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SR_CACHE_SCHEMA_VERSION);

/* --- the object ---------------------------------------------------------- */

enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_SAVEPOINT,
  STMT_RELEASE,
  STMT_ROLLBACK_TO,
  STMT_UPSERT_MESSAGE,
  STMT_UPSERT_CAMPAIGN,
  STMT_SET_STATE,
  STMT_DELETE_STATE,
  STMT_SET_BALANCE,
  STMT_SET_LAST_SYNC,
  N_STMTS
};

struct _SrCache
{
  GObject         parent_instance;

  char           *path;
  GMainContext   *context;          /* where "changed" is emitted (owned) */

  /* The write side. write_lock guards closed and the hand-off of jobs, so
   * nothing is queued behind the stop marker. */
  GMutex          write_lock;
  gboolean        closed;
  GThread        *writer_thread;    /* (owned) */
  GAsyncQueue    *write_queue;      /* (owned) GTask or &writer_stop */
  sqlite3        *write_db;         /* used by writer_thread only once it runs */
  sqlite3_stmt   *stmts[N_STMTS];

  /* The read side. */
  GMutex          read_lock;
  GPtrArray      *idle_readers;     /* (owned) sqlite3 */
  gboolean        readers_closed;

  /* "changed" is coalesced: the writer ORs flags in and schedules at most
   * one idle in context. */
  GMutex          changed_lock;
  SrCacheChanged  pending_changed;
  GSource        *changed_source;   /* (owned) */
};

G_DEFINE_FINAL_TYPE (SrCache, sr_cache, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static int writer_stop;

typedef enum {
  WRITE_UPSERT_MESSAGES,
  WRITE_UPSERT_CAMPAIGNS,
  WRITE_UPDATE_ACCOUNT,
  WRITE_SET_STATE,
  WRITE_SET_BULK_LOAD,
} WriteKind;

typedef struct
{
  WriteKind   kind;
  GPtrArray  *records;     /* (owned) SrMessage or SrCampaign */
  GHashTable *state;       /* (owned) (nullable) copy of the caller's */
  double      balance;
  char       *currency;
  gint64      synced_at;
  gboolean    bulk_load;

  GCancellable *cancellable; /* (owned) (nullable) */

  guint       n_new;
  guint       n_updated;
  GError     *error;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_clear_pointer (&job->records, g_ptr_array_unref);
  g_clear_pointer (&job->state, g_hash_table_unref);
  g_clear_pointer (&job->currency, g_free);
  g_clear_object (&job->cancellable);
  g_clear_error (&job->error);
  g_free (job);
}

/* --- small SQLite helpers ------------------------------------------------ */

static void
set_sqlite_error (GError    **error,
                  sqlite3    *db,
                  int         rc,
                  const char *what)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_INTERRUPT:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("Operation was cancelled"));
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT,
                   _("The report cache is damaged: %s"), message);
      break;

    default:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE,
                   "%s: %s", what, message);
      break;
    }
}

static gboolean
db_exec (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  int rc;

  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, "exec");
      return FALSE;
    }

  return TRUE;
}

static gboolean
db_prepare (sqlite3       *db,
            const char    *sql,
            sqlite3_stmt **out_stmt,
            GError       **error)
{
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, out_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, "prepare");
      return FALSE;
    }

  return TRUE;
}

/* Runs a statement that returns at most one integer. */
static gboolean
db_get_int64 (sqlite3     *db,
              const char  *sql,
              gint64      *out_value,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!db_prepare (db, sql, &stmt, error))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_value = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out_value = 0;
  else
    {
      set_sqlite_error (error, db, rc, "step");
      return FALSE;
    }

  return TRUE;
}

static inline void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static inline void
bind_time (sqlite3_stmt *stmt,
           int           index,
           gint64        value)
{
  if (value != SR_TIME_NONE)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static inline char *
column_dup_text (sqlite3_stmt *stmt,
                 int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static int
progress_cb (void *user_data)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

/* Lets a long query stop with SQLITE_INTERRUPT when cancellable is
 * cancelled; pass NULL to remove the handler again. */
static void
watch_cancellable (sqlite3      *db,
                   GCancellable *cancellable)
{
  if (cancellable != NULL)
    sqlite3_progress_handler (db, PROGRESS_STEPS, progress_cb, cancellable);
  else
    sqlite3_progress_handler (db, 0, NULL, NULL);
}

static char *
join_columns (const char * const *columns,
              guint               n_columns)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", columns[i]);

  return g_string_free (s, FALSE);
}

/* INSERT ... ON CONFLICT (id) DO UPDATE, binding column i to ?i. The update
 * only happens when a value differs, so sqlite3_changes() tells whether an
 * existing row really changed. */
static char *
build_upsert_sql (const char         *table,
                  const char * const *columns,
                  guint               n_columns)
{
  GString *s = g_string_new (NULL);

  g_assert (n_columns > 2);
  g_assert (g_str_equal (columns[0], "rowid"));
  g_assert (g_str_equal (columns[1], "id"));

  g_string_append_printf (s, "INSERT INTO %s (", table);
  for (guint i = 1; i < n_columns; i++)
    g_string_append_printf (s, "%s%s", i > 1 ? ", " : "", columns[i]);
  g_string_append (s, ") VALUES (");
  for (guint i = 1; i < n_columns; i++)
    g_string_append_printf (s, "%s?%u", i > 1 ? ", " : "", i);
  g_string_append (s, ") ON CONFLICT (id) DO UPDATE SET ");
  for (guint i = 2; i < n_columns; i++)
    g_string_append_printf (s, "%s%s = excluded.%s",
                            i > 2 ? ", " : "", columns[i], columns[i]);
  g_string_append (s, " WHERE ");
  for (guint i = 2; i < n_columns; i++)
    g_string_append_printf (s, "%s%s IS NOT excluded.%s",
                            i > 2 ? " OR " : "", columns[i], columns[i]);

  return g_string_free (s, FALSE);
}

/* --- SQL building: parameters collected next to the text ---------------- */

typedef struct
{
  gboolean is_text;
  gint64   number;
  char    *text;        /* (owned) */
} SqlParam;

typedef struct
{
  GString *sql;
  GArray  *params;      /* SqlParam */
  guint    n_conditions;
} SqlBuilder;

static void
sql_param_clear (gpointer data)
{
  SqlParam *param = data;

  g_clear_pointer (&param->text, g_free);
}

static void
sql_builder_init (SqlBuilder *builder,
                  const char *sql)
{
  builder->sql = g_string_new (sql);
  builder->params = g_array_new (FALSE, TRUE, sizeof (SqlParam));
  g_array_set_clear_func (builder->params, sql_param_clear);
  builder->n_conditions = 0;
}

static void
sql_builder_clear (SqlBuilder *builder)
{
  if (builder->sql != NULL)
    g_string_free (builder->sql, TRUE);
  g_clear_pointer (&builder->params, g_array_unref);
  builder->sql = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SqlBuilder, sql_builder_clear)

static void G_GNUC_PRINTF (2, 3)
sql_builder_append (SqlBuilder *builder,
                    const char *format,
                    ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (builder->sql, format, args);
  va_end (args);
}

/* Starts a condition: " WHERE " the first time, " AND " afterwards. */
static void
sql_builder_and (SqlBuilder *builder)
{
  g_string_append (builder->sql, builder->n_conditions++ == 0 ? " WHERE " : " AND ");
}

static void
sql_builder_add_text (SqlBuilder *builder,
                      const char *value)
{
  SqlParam param = { TRUE, 0, g_strdup (value) };

  g_array_append_val (builder->params, param);
}

static void
sql_builder_add_int64 (SqlBuilder *builder,
                       gint64      value)
{
  SqlParam param = { FALSE, value, NULL };

  g_array_append_val (builder->params, param);
}

/* The parameters are ?-placeholders in the order they were added; their
 * text stays owned by builder, which must outlive the statement's use. */
static gboolean
sql_builder_prepare (SqlBuilder    *builder,
                     sqlite3       *db,
                     sqlite3_stmt **out_stmt,
                     GError       **error)
{
  if (!db_prepare (db, builder->sql->str, out_stmt, error))
    return FALSE;

  g_assert ((guint) sqlite3_bind_parameter_count (*out_stmt) == builder->params->len);

  for (guint i = 0; i < builder->params->len; i++)
    {
      const SqlParam *param = &g_array_index (builder->params, SqlParam, i);

      if (param->is_text)
        sqlite3_bind_text (*out_stmt, i + 1, param->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (*out_stmt, i + 1, param->number);
    }

  return TRUE;
}

static inline gboolean
is_set (const char *str)
{
  return str != NULL && *str != '\0';
}

/* A LIKE pattern for "contains needle"; used with ESCAPE '\'. */
static char *
like_contains_pattern (const char *needle)
{
  GString *s = g_string_new ("%");

  for (const char *p = needle; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');

  return g_string_free (s, FALSE);
}

/* The smallest string greater than every string starting with prefix, in
 * byte order (SQLite's BINARY collation); NULL when there is none. With it
 * "starts with" becomes a range the recipient index can serve. */
static char *
prefix_upper_bound (const char *prefix)
{
  gsize len = strlen (prefix);
  char *bound;

  while (len > 0 && (guchar) prefix[len - 1] == 0xff)
    len--;
  if (len == 0)
    return NULL;

  bound = g_strndup (prefix, len);
  bound[len - 1] = (char) ((guchar) bound[len - 1] + 1);

  return bound;
}

/* The one translation of SrMessageFilter into SQL; sr_message_filter_matches()
 * applies the same rules in C (NULL and "" strings mean "no condition"). */
static void
append_message_filter (SqlBuilder            *builder,
                       const SrMessageFilter *filter)
{
  if (filter == NULL)
    return;

  if (filter->status_mask != 0)
    {
      const guint all = (1u << SR_N_STATUSES) - 1;
      guint mask = filter->status_mask & all;

      if (mask != all)
        {
          gboolean first = TRUE;

          sql_builder_and (builder);
          if (mask == 0)
            sql_builder_append (builder, "0");
          else
            {
              sql_builder_append (builder, "status_code IN (");
              for (guint i = 0; i < SR_N_STATUSES; i++)
                {
                  if (mask & (1u << i))
                    {
                      sql_builder_append (builder, first ? "%u" : ", %u", i);
                      first = FALSE;
                    }
                }
              sql_builder_append (builder, ")");
            }
        }
    }

  if (filter->from != SR_TIME_NONE)
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "created_at >= ?");
      sql_builder_add_int64 (builder, filter->from);
    }

  if (filter->to != SR_TIME_NONE)
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "created_at < ?");
      sql_builder_add_int64 (builder, filter->to);
    }

  if (is_set (filter->campaign_id))
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "campaign_id = ?");
      sql_builder_add_text (builder, filter->campaign_id);
    }

  if (is_set (filter->recipient))
    {
      /* Case-sensitive substring, like strstr() */
      sql_builder_and (builder);
      sql_builder_append (builder, "instr (recipient, ?) > 0");
      sql_builder_add_text (builder, filter->recipient);
    }

  if (is_set (filter->sender_id))
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "sender_id = ?");
      sql_builder_add_text (builder, filter->sender_id);
    }

  if (is_set (filter->search))
    {
      g_autofree char *pattern = like_contains_pattern (filter->search);

      /* LIKE folds ASCII case only; sr_message_filter_matches() does the same. */
      sql_builder_and (builder);
      sql_builder_append (builder,
                          "(recipient LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\')");
      sql_builder_add_text (builder, pattern);
      sql_builder_add_text (builder, pattern);
    }

  if (is_set (filter->failed_reason))
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "failed_reason = ?");
      sql_builder_add_text (builder, filter->failed_reason);
    }

  if (is_set (filter->country_prefix))
    {
      g_autofree char *bound = prefix_upper_bound (filter->country_prefix);

      sql_builder_and (builder);
      sql_builder_append (builder, "recipient >= ?");
      sql_builder_add_text (builder, filter->country_prefix);
      if (bound != NULL)
        {
          sql_builder_append (builder, " AND recipient < ?");
          sql_builder_add_text (builder, bound);
        }
    }
}

/* Every sort ends with created_at and rowid so that equal keys keep a
 * stable, chronological order; the (key, created_at) indexes serve it. */
static void
append_message_order (SqlBuilder    *builder,
                      SrMessageSort  sort,
                      gboolean       descending)
{
  const char *dir = descending ? " DESC" : "";
  const char *key = NULL;

  switch (sort)
    {
    case SR_MESSAGE_SORT_CREATED:
      break;
    case SR_MESSAGE_SORT_SENT:
      key = "sent_at";
      break;
    case SR_MESSAGE_SORT_RECIPIENT:
      key = "recipient";
      break;
    case SR_MESSAGE_SORT_SENDER:
      key = "sender_id";
      break;
    case SR_MESSAGE_SORT_STATUS:
      sql_builder_append (builder, " ORDER BY status_code%s, status_raw%s,", dir, dir);
      break;
    case SR_MESSAGE_SORT_PARTS:
      key = "sms_count";
      break;
    case SR_MESSAGE_SORT_COST:
      key = "cost";
      break;
    case SR_MESSAGE_SORT_CAMPAIGN:
      key = "campaign_id";
      break;
    default:
      g_warn_if_reached ();
      break;
    }

  if (key != NULL)
    sql_builder_append (builder, " ORDER BY %s%s,", key, dir);
  else if (sort != SR_MESSAGE_SORT_STATUS)
    sql_builder_append (builder, " ORDER BY");

  sql_builder_append (builder, " created_at%s, rowid%s", dir, dir);
}

static void
append_campaign_filter (SqlBuilder *builder,
                        const char *search)
{
  g_autofree char *pattern = NULL;

  if (!is_set (search))
    return;

  pattern = like_contains_pattern (search);
  sql_builder_and (builder);
  sql_builder_append (builder,
                      "(id LIKE ? ESCAPE '\\' OR sender_id LIKE ? ESCAPE '\\'"
                      " OR message LIKE ? ESCAPE '\\')");
  for (guint i = 0; i < 3; i++)
    sql_builder_add_text (builder, pattern);
}

static void
append_campaign_filter_full (SqlBuilder             *builder,
                             const SrCampaignFilter *filter)
{
  if (filter == NULL)
    return;

  append_campaign_filter (builder, filter->search);

  if (filter->from != SR_TIME_NONE)
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "created_at >= ?");
      sql_builder_add_int64 (builder, filter->from);
    }

  if (filter->to != SR_TIME_NONE)
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "created_at < ?");
      sql_builder_add_int64 (builder, filter->to);
    }

  if (is_set (filter->sender_id))
    {
      sql_builder_and (builder);
      sql_builder_append (builder, "sender_id = ?");
      sql_builder_add_text (builder, filter->sender_id);
    }

  switch (filter->source)
    {
    case SR_CAMPAIGN_SOURCE_ANY:
      break;
    case SR_CAMPAIGN_SOURCE_WEB:
      sql_builder_and (builder);
      sql_builder_append (builder, "is_api = 0");
      break;
    case SR_CAMPAIGN_SOURCE_API:
      sql_builder_and (builder);
      sql_builder_append (builder, "is_api != 0");
      break;
    default:
      g_warn_if_reached ();
      break;
    }
}

static void
append_campaign_order (SqlBuilder     *builder,
                       SrCampaignSort  sort,
                       gboolean        descending)
{
  const char *dir = descending ? " DESC" : "";
  const char *key = NULL;

  switch (sort)
    {
    case SR_CAMPAIGN_SORT_CREATED:
      break;
    case SR_CAMPAIGN_SORT_SENDER:
      key = "sender_id";
      break;
    case SR_CAMPAIGN_SORT_RECIPIENTS:
      key = CAMPAIGN_RECIPIENTS_SQL;
      break;
    case SR_CAMPAIGN_SORT_DELIVERY_RATE:
      key = CAMPAIGN_DELIVERY_RATE_SQL;
      break;
    case SR_CAMPAIGN_SORT_COST:
      key = "client_total_cost";
      break;
    default:
      g_warn_if_reached ();
      break;
    }

  if (key != NULL)
    sql_builder_append (builder, " ORDER BY %s%s, created_at%s, rowid%s", key, dir, dir, dir);
  else
    sql_builder_append (builder, " ORDER BY created_at%s, rowid%s", dir, dir);
}

static void
append_limit (SqlBuilder *builder,
              gint64      limit,
              gint64      offset)
{
  if (limit < 0 && offset <= 0)
    return;

  sql_builder_append (builder, " LIMIT ? OFFSET ?");
  sql_builder_add_int64 (builder, limit < 0 ? -1 : limit);
  sql_builder_add_int64 (builder, MAX (offset, 0));
}

/* --- rows to records ---------------------------------------------------- */

static SrMessage *
message_from_row (sqlite3_stmt *stmt)
{
  SrMessage *message = sr_message_new_empty ();
  int code;

  message->id = column_dup_text (stmt, MSG_COL_ID);
  message->campaign_id = column_dup_text (stmt, MSG_COL_CAMPAIGN_ID);
  message->to = column_dup_text (stmt, MSG_COL_RECIPIENT);
  message->sender_id = column_dup_text (stmt, MSG_COL_SENDER_ID);
  message->message = column_dup_text (stmt, MSG_COL_MESSAGE);
  message->status_raw = column_dup_text (stmt, MSG_COL_STATUS_RAW);
  message->failed_reason = column_dup_text (stmt, MSG_COL_FAILED_REASON);
  message->timezone = column_dup_text (stmt, MSG_COL_TIMEZONE);
  message->message_type = column_dup_text (stmt, MSG_COL_MESSAGE_TYPE);
  message->user_id = column_dup_text (stmt, MSG_COL_USER_ID);
  message->callback_url = column_dup_text (stmt, MSG_COL_CALLBACK_URL);
  message->provider = column_dup_text (stmt, MSG_COL_PROVIDER);
  message->message_id = column_dup_text (stmt, MSG_COL_MESSAGE_ID);
  message->internal_failed_reason = column_dup_text (stmt, MSG_COL_INTERNAL_FAILED_REASON);
  message->created_at = sqlite3_column_int64 (stmt, MSG_COL_CREATED_AT);
  message->updated_at = sqlite3_column_int64 (stmt, MSG_COL_UPDATED_AT);
  message->sent_at = sqlite3_column_int64 (stmt, MSG_COL_SENT_AT);
  message->scheduled_for = sqlite3_column_int64 (stmt, MSG_COL_SCHEDULED_FOR);
  message->cost = sqlite3_column_double (stmt, MSG_COL_COST);
  message->sms_count = sqlite3_column_int (stmt, MSG_COL_SMS_COUNT);
  message->is_api = sqlite3_column_int (stmt, MSG_COL_IS_API) != 0;
  message->optout = sqlite3_column_int (stmt, MSG_COL_OPTOUT) != 0;
  message->final_callback_sent = sqlite3_column_int (stmt, MSG_COL_FINAL_CALLBACK_SENT) != 0;

  code = sqlite3_column_int (stmt, MSG_COL_STATUS_CODE);
  message->status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;

  if (message->id == NULL)
    message->id = g_strdup ("");
  if (message->status_raw == NULL)
    message->status_raw = g_strdup ("");

  return message;
}

static SrCampaign *
campaign_from_row (sqlite3_stmt *stmt)
{
  SrCampaign *campaign = sr_campaign_new_empty ();

  campaign->id = column_dup_text (stmt, CAM_COL_ID);
  campaign->campaign_type = column_dup_text (stmt, CAM_COL_CAMPAIGN_TYPE);
  campaign->user_id = column_dup_text (stmt, CAM_COL_USER_ID);
  campaign->sender_id = column_dup_text (stmt, CAM_COL_SENDER_ID);
  campaign->template_id = column_dup_text (stmt, CAM_COL_TEMPLATE_ID);
  campaign->message = column_dup_text (stmt, CAM_COL_MESSAGE);
  campaign->list_id = column_dup_text (stmt, CAM_COL_LIST_ID);
  campaign->status = column_dup_text (stmt, CAM_COL_STATUS);
  campaign->callback_url = column_dup_text (stmt, CAM_COL_CALLBACK_URL);
  campaign->timezone = column_dup_text (stmt, CAM_COL_TIMEZONE);
  campaign->client_total_cost = sqlite3_column_double (stmt, CAM_COL_CLIENT_TOTAL_COST);
  campaign->estimated_cost = sqlite3_column_double (stmt, CAM_COL_ESTIMATED_COST);
  campaign->delivered_messages = sqlite3_column_int64 (stmt, CAM_COL_DELIVERED_MESSAGES);
  campaign->failed_messages = sqlite3_column_int64 (stmt, CAM_COL_FAILED_MESSAGES);
  campaign->pending_messages = sqlite3_column_int64 (stmt, CAM_COL_PENDING_MESSAGES);
  campaign->sent_messages = sqlite3_column_int64 (stmt, CAM_COL_SENT_MESSAGES);
  campaign->scheduled_for = sqlite3_column_int64 (stmt, CAM_COL_SCHEDULED_FOR);
  campaign->created_at = sqlite3_column_int64 (stmt, CAM_COL_CREATED_AT);
  campaign->updated_at = sqlite3_column_int64 (stmt, CAM_COL_UPDATED_AT);
  campaign->canceled_at = sqlite3_column_int64 (stmt, CAM_COL_CANCELED_AT);
  campaign->sms_count = sqlite3_column_int (stmt, CAM_COL_SMS_COUNT);
  campaign->bypass_optout = sqlite3_column_int (stmt, CAM_COL_BYPASS_OPTOUT) != 0;
  campaign->is_api = sqlite3_column_int (stmt, CAM_COL_IS_API) != 0;

  if (campaign->id == NULL)
    campaign->id = g_strdup ("");

  return campaign;
}

static void
bind_message (sqlite3_stmt *stmt,
              SrMessage    *message)
{
  bind_text (stmt, MSG_COL_ID, message->id);
  bind_text (stmt, MSG_COL_CAMPAIGN_ID, message->campaign_id);
  bind_text (stmt, MSG_COL_RECIPIENT, message->to);
  bind_text (stmt, MSG_COL_SENDER_ID, message->sender_id);
  bind_text (stmt, MSG_COL_MESSAGE, message->message);
  bind_text (stmt, MSG_COL_STATUS_RAW, message->status_raw != NULL ? message->status_raw : "");
  sqlite3_bind_int (stmt, MSG_COL_STATUS_CODE, (int) message->status);
  bind_text (stmt, MSG_COL_FAILED_REASON, message->failed_reason);
  bind_text (stmt, MSG_COL_TIMEZONE, message->timezone);
  bind_text (stmt, MSG_COL_MESSAGE_TYPE, message->message_type);
  bind_text (stmt, MSG_COL_USER_ID, message->user_id);
  bind_text (stmt, MSG_COL_CALLBACK_URL, message->callback_url);
  bind_text (stmt, MSG_COL_PROVIDER, message->provider);
  bind_text (stmt, MSG_COL_MESSAGE_ID, message->message_id);
  bind_text (stmt, MSG_COL_INTERNAL_FAILED_REASON, message->internal_failed_reason);
  sqlite3_bind_int64 (stmt, MSG_COL_CREATED_AT, message->created_at);
  bind_time (stmt, MSG_COL_UPDATED_AT, message->updated_at);
  bind_time (stmt, MSG_COL_SENT_AT, message->sent_at);
  bind_time (stmt, MSG_COL_SCHEDULED_FOR, message->scheduled_for);
  sqlite3_bind_double (stmt, MSG_COL_COST, message->cost);
  sqlite3_bind_int (stmt, MSG_COL_SMS_COUNT, message->sms_count);
  sqlite3_bind_int (stmt, MSG_COL_IS_API, message->is_api);
  sqlite3_bind_int (stmt, MSG_COL_OPTOUT, message->optout);
  sqlite3_bind_int (stmt, MSG_COL_FINAL_CALLBACK_SENT, message->final_callback_sent);
}

static inline gint64
clamp_counter (gint64 value)
{
  return CLAMP (value, 0, G_MAXINT64 / 4);
}

static void
bind_campaign (sqlite3_stmt *stmt,
               SrCampaign   *campaign)
{
  bind_text (stmt, CAM_COL_ID, campaign->id);
  bind_text (stmt, CAM_COL_CAMPAIGN_TYPE, campaign->campaign_type);
  bind_text (stmt, CAM_COL_USER_ID, campaign->user_id);
  bind_text (stmt, CAM_COL_SENDER_ID, campaign->sender_id);
  bind_text (stmt, CAM_COL_TEMPLATE_ID, campaign->template_id);
  bind_text (stmt, CAM_COL_MESSAGE, campaign->message);
  bind_text (stmt, CAM_COL_LIST_ID, campaign->list_id);
  bind_text (stmt, CAM_COL_STATUS, campaign->status);
  bind_text (stmt, CAM_COL_CALLBACK_URL, campaign->callback_url);
  bind_text (stmt, CAM_COL_TIMEZONE, campaign->timezone);
  sqlite3_bind_double (stmt, CAM_COL_CLIENT_TOTAL_COST, campaign->client_total_cost);
  sqlite3_bind_double (stmt, CAM_COL_ESTIMATED_COST, campaign->estimated_cost);
  /* Clamped like the SrCampaign getters do, so the sort expressions agree
   * with sr_campaign_get_recipients() and sr_campaign_get_delivery_rate(). */
  sqlite3_bind_int64 (stmt, CAM_COL_DELIVERED_MESSAGES, clamp_counter (campaign->delivered_messages));
  sqlite3_bind_int64 (stmt, CAM_COL_FAILED_MESSAGES, clamp_counter (campaign->failed_messages));
  sqlite3_bind_int64 (stmt, CAM_COL_PENDING_MESSAGES, clamp_counter (campaign->pending_messages));
  sqlite3_bind_int64 (stmt, CAM_COL_SENT_MESSAGES, clamp_counter (campaign->sent_messages));
  bind_time (stmt, CAM_COL_SCHEDULED_FOR, campaign->scheduled_for);
  sqlite3_bind_int64 (stmt, CAM_COL_CREATED_AT, campaign->created_at);
  bind_time (stmt, CAM_COL_UPDATED_AT, campaign->updated_at);
  bind_time (stmt, CAM_COL_CANCELED_AT, campaign->canceled_at);
  sqlite3_bind_int (stmt, CAM_COL_SMS_COUNT, campaign->sms_count);
  sqlite3_bind_int (stmt, CAM_COL_BYPASS_OPTOUT, campaign->bypass_optout);
  sqlite3_bind_int (stmt, CAM_COL_IS_API, campaign->is_api);
}

/* --- opening: checks, migrations ----------------------------------------- */

static void
sr_status_code_func (sqlite3_context  *context,
                     int               argc,
                     sqlite3_value   **argv)
{
  const unsigned char *raw = sqlite3_value_text (argv[0]);

  sqlite3_result_int (context, (int) sr_status_from_string ((const char *) raw));
}

/* Looks at an existing file without writing to it: a read-only connection
 * that never checkpoints, so a file we refuse stays byte-identical. */
static gboolean
check_existing_file (const char  *path,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = NULL;
  gint64 version = 0;
  gboolean ok = FALSE;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot open the report cache “%s”: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      goto out;
    }
  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  /* The quick check reads every page: mapped, that is several times faster
   * than one pread() per page. */
  sqlite3_exec (db, "PRAGMA mmap_size = " G_STRINGIFY (READ_MMAP_SIZE), NULL, NULL, NULL);

  if (!db_get_int64 (db, "PRAGMA user_version", &version, error))
    goto out;

  if (version > SR_CACHE_SCHEMA_VERSION)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_TOO_NEW,
                   _("The report cache “%s” was written by a newer version of SMS Reports "
                     "(schema %lld, this version knows %d)"),
                   path, (long long) version, SR_CACHE_SCHEMA_VERSION);
      goto out;
    }

  if (!db_prepare (db, "PRAGMA quick_check", &stmt, error))
    goto out;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, db, rc, "quick_check");
      goto out;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT,
                   _("The report cache “%s” is damaged: %s"),
                   path, (const char *) sqlite3_column_text (stmt, 0));
      goto out;
    }

  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  if (!ok && error != NULL && *error != NULL && (*error)->domain == SR_CACHE_ERROR &&
      (*error)->code == SR_CACHE_ERROR_SQLITE)
    (*error)->code = SR_CACHE_ERROR_OPEN;

  return ok;
}

/* Bulk loading (a first sync): keeping eleven secondary indexes up to date
 * row by row costs more than building them once at the end, so they are
 * dropped while the history downloads and created again afterwards. Their
 * definitions wait in deferred_indexes, written in the same transaction as
 * the drop, so a crash in between only means sr_cache_open() builds them
 * again. The unique id index and created_at (which the sync itself reads)
 * stay. */
static gboolean
defer_message_indexes (sqlite3  *db,
                       GError  **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (!db_exec (db,
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
      if (!db_exec (db, sql, error))
        return FALSE;
    }

  return TRUE;
}

/* Creates the indexes deferred by defer_message_indexes(), if any. */
static gboolean
restore_deferred_indexes (sqlite3  *db,
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
    if (!db_exec (db, g_ptr_array_index (sqls, i), error))
      return FALSE;

  return db_exec (db, "DELETE FROM deferred_indexes;", error);
}

static gboolean
migrate (sqlite3  *db,
         GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      const Migration *step = &migrations[i];
      g_autofree char *set_version = NULL;
      gint64 version;

      /* IMMEDIATE: another process opening the same file waits instead of
       * migrating it a second time. */
      if (!db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!db_get_int64 (db, "PRAGMA user_version", &version, error))
        goto fail;

      if (version > SR_CACHE_SCHEMA_VERSION)
        {
          g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_TOO_NEW,
                       _("The report cache was written by a newer version of SMS Reports"));
          goto fail;
        }

      if (version >= step->version)
        {
          if (!db_exec (db, "COMMIT", error))
            goto fail;
          continue;
        }

      g_assert (version == step->version - 1);
      g_debug ("Migrating the cache from schema %" G_GINT64_FORMAT " to %d",
               version, step->version);

      set_version = g_strdup_printf ("PRAGMA user_version = %d", step->version);
      if (!db_exec (db, step->sql, error) ||
          !db_exec (db, set_version, error) ||
          !db_exec (db, "COMMIT", error))
        goto fail;
    }

  return TRUE;

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
writer_open (SrCache  *self,
             GError  **error)
{
  g_autofree char *upsert_message = NULL;
  g_autofree char *upsert_campaign = NULL;
  const char *statements[N_STMTS] = { NULL, };
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->write_db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot open the report cache “%s”: %s"), self->path,
                   self->write_db != NULL ? sqlite3_errmsg (self->write_db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->write_db, TRUE);
  sqlite3_busy_timeout (self->write_db, BUSY_TIMEOUT_MS);

  rc = sqlite3_create_function (self->write_db, "sr_status_code", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                NULL, sr_status_code_func, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->write_db, rc, "create_function");
      return FALSE;
    }

  /* WAL: readers never block the writer and the other way round;
   * synchronous=NORMAL is durable across application crashes and, in WAL
   * mode, consistent across power loss (the last commits may be lost, and
   * the sync checkpoint goes back with them).
   *
   * A commit rewrites every index page it touched, and a checkpoint copies
   * the WAL into the database and syncs it; with a dozen indexes a page of
   * 1000 messages touches thousands of pages, so checkpointing every 64 MB
   * rather than every 4 MB (the default) halves the cost of a sync, as the
   * same hot pages are copied once instead of after every commit. */
  if (!db_exec (self->write_db,
                "PRAGMA journal_mode = WAL;"
                "PRAGMA synchronous = NORMAL;"
                "PRAGMA wal_autocheckpoint = 16384;"
                "PRAGMA journal_size_limit = 67108864;"
                "PRAGMA foreign_keys = OFF;"
                "PRAGMA temp_store = MEMORY;"
                "PRAGMA cache_size = -65536;"
                "PRAGMA analysis_limit = 1000;",
                error))
    return FALSE;

  if (!migrate (self->write_db, error))
    return FALSE;

  /* A bulk load that never finished (crash, kill) left indexes to build. */
  if (!db_exec (self->write_db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!restore_deferred_indexes (self->write_db, error))
    {
      db_exec (self->write_db, "ROLLBACK", NULL);
      return FALSE;
    }
  if (!db_exec (self->write_db, "COMMIT", error))
    return FALSE;


  upsert_message = build_upsert_sql ("messages", message_columns, N_MSG_COLS);
  upsert_campaign = build_upsert_sql ("campaigns", campaign_columns, N_CAM_COLS);

  statements[STMT_BEGIN] = "BEGIN IMMEDIATE";
  statements[STMT_COMMIT] = "COMMIT";
  statements[STMT_ROLLBACK] = "ROLLBACK";
  statements[STMT_SAVEPOINT] = "SAVEPOINT sr_write";
  statements[STMT_RELEASE] = "RELEASE sr_write";
  statements[STMT_ROLLBACK_TO] = "ROLLBACK TO sr_write";
  statements[STMT_UPSERT_MESSAGE] = upsert_message;
  statements[STMT_UPSERT_CAMPAIGN] = upsert_campaign;
  statements[STMT_SET_STATE] =
    "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  statements[STMT_DELETE_STATE] = "DELETE FROM sync_state WHERE key = ?1";
  statements[STMT_SET_BALANCE] =
    "INSERT INTO account (id, balance, currency) VALUES (1, ?1, ?2)"
    " ON CONFLICT (id) DO UPDATE SET balance = excluded.balance,"
    " currency = coalesce (excluded.currency, currency)";
  statements[STMT_SET_LAST_SYNC] =
    "INSERT INTO account (id, last_sync) VALUES (1, ?1)"
    " ON CONFLICT (id) DO UPDATE SET last_sync = excluded.last_sync";

  for (guint i = 0; i < N_STMTS; i++)
    {
      rc = sqlite3_prepare_v3 (self->write_db, statements[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, self->write_db, rc, "prepare");
          return FALSE;
        }
    }

  return TRUE;
}

static void
writer_close (SrCache *self)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);

  if (self->write_db != NULL)
    {
      /* Keeps the planner's statistics current after big syncs; cheap
       * thanks to analysis_limit. */
      sqlite3_exec (self->write_db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close (self->write_db);
      self->write_db = NULL;
    }
}

/* --- readers ------------------------------------------------------------- */

static sqlite3 *
reader_acquire (SrCache  *self,
                GError  **error)
{
  sqlite3 *db = NULL;
  int rc;

  g_mutex_lock (&self->read_lock);
  if (self->readers_closed)
    {
      g_mutex_unlock (&self->read_lock);
      g_set_error_literal (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED,
                           _("The report cache is closed"));
      return NULL;
    }
  if (self->idle_readers->len > 0)
    db = g_ptr_array_steal_index (self->idle_readers, self->idle_readers->len - 1);
  g_mutex_unlock (&self->read_lock);

  if (db != NULL)
    return db;

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot open the report cache “%s”: %s"), self->path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_exec (db,
                "PRAGMA cache_size = -16384;"
                "PRAGMA temp_store = MEMORY;"
                "PRAGMA mmap_size = " G_STRINGIFY (READ_MMAP_SIZE),
                NULL, NULL, NULL);

  return db;
}

static void
reader_release (SrCache *self,
                sqlite3 *db)
{
  if (db == NULL)
    return;

  watch_cancellable (db, NULL);

  g_mutex_lock (&self->read_lock);
  if (!self->readers_closed && self->idle_readers->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (self->idle_readers, db);
      db = NULL;
    }
  g_mutex_unlock (&self->read_lock);

  if (db != NULL)
    sqlite3_close (db);
}

/* --- "changed" ----------------------------------------------------------- */

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static gboolean
emit_changed_cb (gpointer user_data)
{
  g_autoptr(SrCache) self = g_weak_ref_get (user_data);
  SrCacheChanged what;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->changed_lock);
  what = self->pending_changed;
  self->pending_changed = 0;
  g_clear_pointer (&self->changed_source, g_source_unref);
  g_mutex_unlock (&self->changed_lock);

  if (what != 0)
    g_signal_emit (self, signals[CHANGED], 0, what);

  return G_SOURCE_REMOVE;
}

/* Called by the writer after a commit. */
static void
queue_changed (SrCache        *self,
               SrCacheChanged  what)
{
  if (what == 0)
    return;

  g_mutex_lock (&self->changed_lock);
  self->pending_changed |= what;
  if (self->changed_source == NULL)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      self->changed_source = g_idle_source_new ();
      g_source_set_priority (self->changed_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->changed_source, "[sr-cache] changed");
      g_source_set_callback (self->changed_source, emit_changed_cb, ref, weak_ref_free);
      g_source_attach (self->changed_source, self->context);
    }
  g_mutex_unlock (&self->changed_lock);
}

/* --- the writer thread --------------------------------------------------- */

static gboolean
writer_step (SrCache  *self,
             guint     stmt_index,
             GError  **error)
{
  sqlite3_stmt *stmt = self->stmts[stmt_index];
  int rc;

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->write_db, rc, "write");
      return FALSE;
    }

  return TRUE;
}

static gboolean
writer_write_state (SrCache     *self,
                    GHashTable  *state,
                    GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (state == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, state);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint index = value != NULL ? STMT_SET_STATE : STMT_DELETE_STATE;

      bind_text (self->stmts[index], 1, key);
      if (value != NULL)
        bind_text (self->stmts[index], 2, value);
      if (!writer_step (self, index, error))
        return FALSE;
    }

  return TRUE;
}

/* Upserts records keyed by id; returns how many rows were inserted or
 * really modified. Whether a row is new is read from last_insert_rowid(),
 * which only the INSERT branch of an upsert sets: no extra lookup by id. */
static gboolean
writer_upsert (SrCache    *self,
               WriteJob   *job,
               guint       upsert_index,
               guint      *out_modified,
               GError    **error)
{
  sqlite3_stmt *upsert = self->stmts[upsert_index];
  guint modified = 0;

  for (guint i = 0; i < job->records->len; i++)
    {
      gpointer record = g_ptr_array_index (job->records, i);
      const char *id;

      if (job->kind == WRITE_UPSERT_MESSAGES)
        id = ((SrMessage *) record)->id;
      else
        id = ((SrCampaign *) record)->id;

      if (!is_set (id))
        {
          g_debug ("Skipping a record without id");
          continue;
        }

      if (job->kind == WRITE_UPSERT_MESSAGES)
        bind_message (upsert, record);
      else
        bind_campaign (upsert, record);

      sqlite3_set_last_insert_rowid (self->write_db, 0);
      if (!writer_step (self, upsert_index, error))
        return FALSE;

      if (sqlite3_changes (self->write_db) > 0)
        modified++;
      if (sqlite3_last_insert_rowid (self->write_db) != 0)
        job->n_new++;
      else
        job->n_updated++;
    }

  *out_modified = modified;
  return TRUE;
}

static gboolean
writer_update_account (SrCache   *self,
                       WriteJob  *job,
                       gboolean  *out_modified,
                       GError   **error)
{
  *out_modified = FALSE;

  if (job->balance >= 0)
    {
      sqlite3_bind_double (self->stmts[STMT_SET_BALANCE], 1, job->balance);
      bind_text (self->stmts[STMT_SET_BALANCE], 2, job->currency);
      if (!writer_step (self, STMT_SET_BALANCE, error))
        return FALSE;
      *out_modified = TRUE;
    }

  if (job->synced_at != SR_TIME_NONE)
    {
      sqlite3_bind_int64 (self->stmts[STMT_SET_LAST_SYNC], 1, job->synced_at);
      if (!writer_step (self, STMT_SET_LAST_SYNC, error))
        return FALSE;
      *out_modified = TRUE;
    }

  return TRUE;
}

/* Runs one job inside the current transaction, in its own savepoint so that
 * it is all or nothing even when it shares the transaction with others. */
static SrCacheChanged
writer_run_job (SrCache  *self,
                WriteJob *job)
{
  SrCacheChanged changed = 0;
  guint modified = 0;
  gboolean account_modified = FALSE;
  gboolean ok = FALSE;

  /* A write that was cancelled before it started is not done; once
   * started it runs to its commit, which is then reported as such. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return 0;

  if (!writer_step (self, STMT_SAVEPOINT, &job->error))
    return 0;

  switch (job->kind)
    {
    case WRITE_UPSERT_MESSAGES:
      /* The messages and the state (the sync checkpoint) commit together
       * or not at all. */
      ok = writer_upsert (self, job, STMT_UPSERT_MESSAGE, &modified, &job->error) &&
           writer_write_state (self, job->state, &job->error);
      if (modified > 0)
        changed |= SR_CACHE_CHANGED_MESSAGES;
      break;

    case WRITE_UPSERT_CAMPAIGNS:
      ok = writer_upsert (self, job, STMT_UPSERT_CAMPAIGN, &modified, &job->error);
      if (modified > 0)
        changed |= SR_CACHE_CHANGED_CAMPAIGNS;
      break;

    case WRITE_UPDATE_ACCOUNT:
      ok = writer_update_account (self, job, &account_modified, &job->error);
      if (account_modified)
        changed |= SR_CACHE_CHANGED_ACCOUNT;
      break;

    case WRITE_SET_STATE:
      ok = writer_write_state (self, job->state, &job->error);
      break;

    case WRITE_SET_BULK_LOAD:
      if (job->bulk_load)
        ok = defer_message_indexes (self->write_db, &job->error);
      else
        ok = restore_deferred_indexes (self->write_db, &job->error);
      break;

    default:
      g_assert_not_reached ();
    }

  /* Do not keep pointers into the job's records in the statements. */
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_clear_bindings (self->stmts[i]);

  if (ok && writer_step (self, STMT_RELEASE, &job->error))
    return changed;

  job->n_new = 0;
  job->n_updated = 0;
  writer_step (self, STMT_ROLLBACK_TO, NULL);
  writer_step (self, STMT_RELEASE, NULL);

  return 0;
}

/* Group commit: the jobs that were waiting together share one transaction
 * (each still atomic in its savepoint), so a writer that falls behind its
 * producers catches up instead of paying one commit (and the rewrite of
 * every touched index page) per call. */
static void
writer_run_group (SrCache   *self,
                  GPtrArray *tasks)
{
  SrCacheChanged changed = 0;
  g_autoptr(GError) error = NULL;

  if (writer_step (self, STMT_BEGIN, &error))
    {
      for (guint i = 0; i < tasks->len && error == NULL; i++)
        {
          WriteJob *job = g_task_get_task_data (g_ptr_array_index (tasks, i));

          changed |= writer_run_job (self, job);

          /* Some errors (disk full, I/O) make SQLite roll back the whole
           * transaction: then nothing of the group is written. */
          if (sqlite3_get_autocommit (self->write_db))
            g_set_error_literal (&error, SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE,
                                 job->error != NULL ? job->error->message
                                                    : "transaction rolled back");
        }

      if (error == NULL && writer_step (self, STMT_COMMIT, &error))
        {
          queue_changed (self, changed);
          return;
        }

      if (sqlite3_get_autocommit (self->write_db) == 0)
        writer_step (self, STMT_ROLLBACK, NULL);
    }

  for (guint i = 0; i < tasks->len; i++)
    {
      WriteJob *job = g_task_get_task_data (g_ptr_array_index (tasks, i));

      job->n_new = 0;
      job->n_updated = 0;
      if (job->error == NULL)
        job->error = g_error_copy (error);
    }
}

static gboolean
complete_write_cb (gpointer user_data)
{
  GTask *task = user_data;
  WriteJob *job = g_task_get_task_data (task);

  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

static gpointer
writer_thread_func (gpointer data)
{
  SrCache *self = data;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      gpointer item = g_async_queue_pop (self->write_queue);
      guint n_records = 0;

      while (item != NULL)
        {
          WriteJob *job;

          if (item == &writer_stop)
            {
              stop = TRUE;
              break;
            }

          job = g_task_get_task_data (item);
          n_records += job->records != NULL ? job->records->len : 1;
          g_ptr_array_add (tasks, item);

          if (tasks->len >= MAX_GROUP_JOBS || n_records >= MAX_GROUP_RECORDS)
            break;
          item = g_async_queue_try_pop (self->write_queue);
        }

      if (tasks->len == 0)
        continue;

      writer_run_group (self, tasks);

      /* Complete, and drop our reference, in each caller's context: the
       * last reference to a task (and so to self) must never go away here,
       * where disposing self would have to join this very thread. */
      for (guint i = 0; i < tasks->len; i++)
        {
          GTask *task = g_ptr_array_index (tasks, i);
          GSource *source = g_idle_source_new ();

          g_source_set_static_name (source, "[sr-cache] write done");
          /* Default priority, like any I/O completion: at idle priority a
           * busy redraw (spinners, progress) would starve the sync. */
          g_source_set_priority (source, G_PRIORITY_DEFAULT);
          g_source_set_callback (source, complete_write_cb, task, g_object_unref);
          g_source_attach (source, g_task_get_context (task));
          g_source_unref (source);
        }
      g_ptr_array_set_size (tasks, 0);
    }

  return NULL;
}

static void
writer_queue (SrCache *self,
              GTask   *task)
{
  g_mutex_lock (&self->write_lock);
  if (!self->closed && self->writer_thread != NULL)
    {
      g_async_queue_push (self->write_queue, task);
      task = NULL;
    }
  g_mutex_unlock (&self->write_lock);

  if (task != NULL)
    {
      g_task_return_new_error (task, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED,
                               _("The report cache is closed"));
      g_object_unref (task);
    }
}

static void
queue_job (SrCache             *self,
           WriteJob            *job,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[sr-cache] write");
  /* A committed write must be reported as committed, even when the
   * cancellable fires meanwhile. */
  g_task_set_check_cancellable (task, FALSE);
  g_set_object (&job->cancellable, cancellable);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);

  writer_queue (self, task);
}

static GHashTable *
copy_state (GHashTable *state)
{
  GHashTable *copy;
  GHashTableIter iter;
  gpointer key, value;

  if (state == NULL)
    return NULL;

  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, state);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));

  return copy;
}

static gpointer
copy_object (gconstpointer src,
             gpointer      data)
{
  return g_object_ref ((gpointer) src);
}

/* --- GObject ------------------------------------------------------------- */

static void
sr_cache_dispose (GObject *object)
{
  SrCache *self = SR_CACHE (object);

  sr_cache_close (self);

  g_mutex_lock (&self->changed_lock);
  if (self->changed_source != NULL)
    {
      g_source_destroy (self->changed_source);
      g_clear_pointer (&self->changed_source, g_source_unref);
    }
  g_mutex_unlock (&self->changed_lock);

  G_OBJECT_CLASS (sr_cache_parent_class)->dispose (object);
}

static void
sr_cache_finalize (GObject *object)
{
  SrCache *self = SR_CACHE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->write_queue, g_async_queue_unref);
  g_clear_pointer (&self->idle_readers, g_ptr_array_unref);
  g_mutex_clear (&self->write_lock);
  g_mutex_clear (&self->read_lock);
  g_mutex_clear (&self->changed_lock);

  G_OBJECT_CLASS (sr_cache_parent_class)->finalize (object);
}

static void
sr_cache_class_init (SrCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_cache_dispose;
  object_class->finalize = sr_cache_finalize;

  /**
   * SrCache::changed:
   * @what: #SrCacheChanged flags
   *
   * Emitted after a commit that changed rows, in the thread-default main
   * context of sr_cache_open(). Several commits may be folded into one
   * emission.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SR_TYPE_CACHE_CHANGED);
}

static void
sr_cache_init (SrCache *self)
{
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->read_lock);
  g_mutex_init (&self->changed_lock);
  self->write_queue = g_async_queue_new ();
  self->idle_readers = g_ptr_array_new ();
}

/* --- public: files -------------------------------------------------------- */

char *
sr_cache_dup_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "sms-reports", NULL);
}

char *
sr_cache_dup_account_file_name (const char *api_url,
                                const char *api_key)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) "sms-reports:", -1);
  g_checksum_update (checksum, (const guchar *) api_url, -1);
  g_checksum_update (checksum, (const guchar *) ":", -1);
  g_checksum_update (checksum, (const guchar *) api_key, -1);
  hex = g_strndup (g_checksum_get_string (checksum), 16);

  return g_strdup_printf ("account-%s.db", hex);
}

SrCache *
sr_cache_open (const char  *path,
               GError     **error)
{
  g_autoptr(SrCache) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!check_existing_file (path, error))
    return NULL;

  /* The cache holds message texts and numbers: only for the user. SQLite
   * gives the -wal and -shm files the mode of the database file. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                       _("Cannot create the report cache “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
      g_close (fd, NULL);
    }

  self = g_object_new (SR_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();

  if (!writer_open (self, error))
    return NULL;

  self->writer_thread = g_thread_try_new ("sr-cache-writer", writer_thread_func, self, error);
  if (self->writer_thread == NULL)
    return NULL;

  g_debug ("Opened %s", path);

  return g_steal_pointer (&self);
}

const char *
sr_cache_get_path (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  return self->path;
}

void
sr_cache_close (SrCache *self)
{
  GThread *thread;
  g_autoptr(GPtrArray) readers = NULL;

  g_return_if_fail (SR_IS_CACHE (self));

  g_mutex_lock (&self->write_lock);
  self->closed = TRUE;
  thread = g_steal_pointer (&self->writer_thread);
  if (thread != NULL)
    g_async_queue_push (self->write_queue, &writer_stop);
  g_mutex_unlock (&self->write_lock);

  /* Everything queued before the stop marker is written first. */
  if (thread != NULL)
    {
      g_assert (thread != g_thread_self ());
      g_thread_join (thread);
    }

  writer_close (self);

  g_mutex_lock (&self->read_lock);
  self->readers_closed = TRUE;
  readers = g_steal_pointer (&self->idle_readers);
  self->idle_readers = g_ptr_array_new ();
  g_mutex_unlock (&self->read_lock);

  for (guint i = 0; i < readers->len; i++)
    sqlite3_close (g_ptr_array_index (readers, i));
}

/* --- public: writes ------------------------------------------------------- */

void
sr_cache_upsert_messages_async (SrCache             *self,
                                GPtrArray           *messages,
                                GHashTable          *state,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_UPSERT_MESSAGES;
  job->records = g_ptr_array_copy (messages, copy_object, NULL);
  g_ptr_array_set_free_func (job->records, g_object_unref);
  job->state = copy_state (state);

  queue_job (self, job, sr_cache_upsert_messages_async, cancellable, callback, user_data);
}

static gboolean
finish_upsert (SrCache       *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               guint         *out_new,
               guint         *out_updated,
               GError       **error)
{
  WriteJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (out_new != NULL)
    *out_new = 0;
  if (out_updated != NULL)
    *out_updated = 0;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (out_new != NULL)
    *out_new = job->n_new;
  if (out_updated != NULL)
    *out_updated = job->n_updated;

  return TRUE;
}

gboolean
sr_cache_upsert_messages_finish (SrCache       *self,
                                 GAsyncResult  *result,
                                 guint         *out_new,
                                 guint         *out_updated,
                                 GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  return finish_upsert (self, result, sr_cache_upsert_messages_async,
                        out_new, out_updated, error);
}

void
sr_cache_upsert_campaigns_async (SrCache             *self,
                                 GPtrArray           *campaigns,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (campaigns != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_UPSERT_CAMPAIGNS;
  job->records = g_ptr_array_copy (campaigns, copy_object, NULL);
  g_ptr_array_set_free_func (job->records, g_object_unref);

  queue_job (self, job, sr_cache_upsert_campaigns_async, cancellable, callback, user_data);
}

gboolean
sr_cache_upsert_campaigns_finish (SrCache       *self,
                                  GAsyncResult  *result,
                                  guint         *out_new,
                                  guint         *out_updated,
                                  GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  return finish_upsert (self, result, sr_cache_upsert_campaigns_async,
                        out_new, out_updated, error);
}

void
sr_cache_update_account_async (SrCache             *self,
                               double               balance,
                               const char          *currency,
                               gint64               synced_at,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_UPDATE_ACCOUNT;
  job->balance = balance;
  job->currency = g_strdup (currency);
  job->synced_at = synced_at;

  queue_job (self, job, sr_cache_update_account_async, cancellable, callback, user_data);
}

gboolean
sr_cache_update_account_finish (SrCache       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_update_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sr_cache_set_state_async (SrCache             *self,
                          GHashTable          *state,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (state != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_SET_STATE;
  job->state = copy_state (state);

  queue_job (self, job, sr_cache_set_state_async, cancellable, callback, user_data);
}

gboolean
sr_cache_set_state_finish (SrCache       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_set_state_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sr_cache_set_bulk_load_async (SrCache             *self,
                              gboolean             bulk_load,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_SET_BULK_LOAD;
  job->bulk_load = !!bulk_load;

  queue_job (self, job, sr_cache_set_bulk_load_async, cancellable, callback, user_data);
}

gboolean
sr_cache_set_bulk_load_finish (SrCache       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_set_bulk_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out_result = user_data;

  *out_result = g_object_ref (result);
}

/* The blocking writes run the same job on the writer thread and iterate a
 * private main context until it completes. */
gboolean
sr_cache_upsert_messages (SrCache     *self,
                          GPtrArray   *messages,
                          GHashTable  *state,
                          guint       *out_new,
                          guint       *out_updated,
                          GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  g_main_context_push_thread_default (context);
  sr_cache_upsert_messages_async (self, messages, state, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return sr_cache_upsert_messages_finish (self, result, out_new, out_updated, error);
}

gboolean
sr_cache_upsert_campaigns (SrCache     *self,
                           GPtrArray   *campaigns,
                           guint       *out_new,
                           guint       *out_updated,
                           GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (campaigns != NULL, FALSE);

  g_main_context_push_thread_default (context);
  sr_cache_upsert_campaigns_async (self, campaigns, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return sr_cache_upsert_campaigns_finish (self, result, out_new, out_updated, error);
}

/* --- public: reads -------------------------------------------------------- */

/* Runs a query built by builder and hands each row to func; stops early
 * when func returns FALSE. */
typedef gboolean (*RowFunc) (sqlite3_stmt *stmt,
                             gpointer      user_data);

static gboolean
run_query (SrCache       *self,
           SqlBuilder    *builder,
           GCancellable  *cancellable,
           RowFunc        func,
           gpointer       user_data,
           GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db;
  gboolean ok = FALSE;
  int rc;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  db = reader_acquire (self, error);
  if (db == NULL)
    return FALSE;

  if (!sql_builder_prepare (builder, db, &stmt, error))
    goto out;

  watch_cancellable (db, cancellable);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func (stmt, user_data))
        break;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (error, db, rc, "query");
      goto out;
    }

  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  reader_release (self, db);
  return ok;
}

static gboolean
get_int64_row_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  gint64 *out_value = user_data;

  *out_value = sqlite3_column_int64 (stmt, 0);
  return FALSE;
}

char *
sr_cache_dup_state (SrCache    *self,
                    const char *key)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  char *value = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  db = reader_acquire (self, &error);
  if (db == NULL)
    {
      g_debug ("Cannot read state “%s”: %s", key, error->message);
      return NULL;
    }

  sql_builder_init (&builder, "SELECT value FROM sync_state WHERE key = ?");
  sql_builder_add_text (&builder, key);
  if (sql_builder_prepare (&builder, db, &stmt, &error))
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        value = column_dup_text (stmt, 0);
      else if (rc != SQLITE_DONE)
        set_sqlite_error (&error, db, rc, "query");
    }

  if (error != NULL)
    g_warning ("Cannot read state “%s”: %s", key, error->message);

  g_clear_pointer (&stmt, sqlite3_finalize);
  reader_release (self, db);

  return value;
}

gboolean
sr_cache_get_account (SrCache  *self,
                      double   *out_balance,
                      char    **out_currency,
                      gint64   *out_last_sync)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  db = reader_acquire (self, &error);
  if (db == NULL)
    return FALSE;

  if (db_prepare (db, "SELECT balance, currency, last_sync FROM account WHERE id = 1",
                  &stmt, &error))
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          found = TRUE;
          if (out_balance != NULL)
            *out_balance = sqlite3_column_type (stmt, 0) == SQLITE_NULL
                           ? -1 : sqlite3_column_double (stmt, 0);
          if (out_currency != NULL)
            *out_currency = column_dup_text (stmt, 1);
          if (out_last_sync != NULL)
            *out_last_sync = sqlite3_column_int64 (stmt, 2);
        }
      else if (rc != SQLITE_DONE)
        set_sqlite_error (&error, db, rc, "query");
    }

  if (error != NULL)
    g_warning ("Cannot read the account: %s", error->message);

  g_clear_pointer (&stmt, sqlite3_finalize);
  reader_release (self, db);

  return found;
}

gint64
sr_cache_get_newest_created_at (SrCache *self)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GError) error = NULL;
  gint64 newest = SR_TIME_NONE;

  g_return_val_if_fail (SR_IS_CACHE (self), SR_TIME_NONE);

  sql_builder_init (&builder, "SELECT created_at FROM messages ORDER BY created_at DESC LIMIT 1");
  if (!run_query (self, &builder, NULL, get_int64_row_cb, &newest, &error))
    g_warning ("Cannot read the newest message: %s", error->message);

  return newest;
}

gint64
sr_cache_get_oldest_non_final_since (SrCache *self,
                                     gint64   since)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GError) error = NULL;
  SrMessageFilter filter = { 0, };
  gint64 oldest = SR_TIME_NONE;

  g_return_val_if_fail (SR_IS_CACHE (self), SR_TIME_NONE);

  filter.status_mask = sr_status_non_final_mask ();
  filter.from = since;

  sql_builder_init (&builder, "SELECT created_at FROM messages");
  append_message_filter (&builder, &filter);
  sql_builder_append (&builder, " ORDER BY created_at LIMIT 1");
  if (!run_query (self, &builder, NULL, get_int64_row_cb, &oldest, &error))
    g_warning ("Cannot read the oldest pending message: %s", error->message);

  return oldest;
}

gint64
sr_cache_count_messages (SrCache                *self,
                         const SrMessageFilter  *filter,
                         GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  gint64 count = 0;

  g_return_val_if_fail (SR_IS_CACHE (self), -1);

  sql_builder_init (&builder, "SELECT count(*) FROM messages");
  append_message_filter (&builder, filter);
  if (!run_query (self, &builder, NULL, get_int64_row_cb, &count, error))
    return -1;

  return count;
}

gint64
sr_cache_count_campaigns (SrCache     *self,
                          const char  *search,
                          GError     **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  gint64 count = 0;

  g_return_val_if_fail (SR_IS_CACHE (self), -1);

  sql_builder_init (&builder, "SELECT count(*) FROM campaigns");
  append_campaign_filter (&builder, search);
  if (!run_query (self, &builder, NULL, get_int64_row_cb, &count, error))
    return -1;

  return count;
}

/* Aggregates are computed in C over rows streamed from the covering index
 * messages_report: one pass, no temporary b-tree (SQLite has no hash
 * aggregation, so GROUP BY over a million rows would sort them). */
typedef struct
{
  SrStats    *stats;
  GHashTable *campaigns;     /* (owned) distinct campaign ids */
} StatsData;

static gboolean
stats_row_cb (sqlite3_stmt *stmt,
              gpointer      user_data)
{
  StatsData *data = user_data;
  int code = sqlite3_column_int (stmt, 0);
  double cost = sqlite3_column_double (stmt, 1);
  const char *campaign_id = (const char *) sqlite3_column_text (stmt, 2);

  if (code < 0 || code >= SR_N_STATUSES)
    code = SR_STATUS_UNKNOWN;

  data->stats->by_status[code]++;
  data->stats->cost_by_status[code] += cost;

  if (campaign_id != NULL && !g_hash_table_contains (data->campaigns, campaign_id))
    g_hash_table_add (data->campaigns, g_strdup (campaign_id));

  return TRUE;
}

static void
build_stats_query (SqlBuilder            *builder,
                   const char            *prefix,
                   const SrMessageFilter *filter)
{
  sql_builder_init (builder, prefix);
  sql_builder_append (builder, "SELECT status_code, cost, campaign_id FROM messages");
  append_message_filter (builder, filter);
}

gboolean
sr_cache_query_stats (SrCache                *self,
                      const SrMessageFilter  *filter,
                      SrStats                *out_stats,
                      GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GHashTable) campaigns = NULL;
  SrStats stats = { 0, };
  StatsData data;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (out_stats != NULL, FALSE);

  campaigns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data.stats = &stats;
  data.campaigns = campaigns;

  build_stats_query (&builder, "", filter);
  if (!run_query (self, &builder, NULL, stats_row_cb, &data, error))
    return FALSE;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      stats.total += stats.by_status[i];
      stats.cost += stats.cost_by_status[i];
      stats.by_group[sr_status_get_group (i)] += stats.by_status[i];
      if (sr_status_is_billable (i))
        stats.billable += stats.by_status[i];
      else
        stats.non_billable += stats.by_status[i];
    }
  stats.n_campaigns = g_hash_table_size (campaigns);

  *out_stats = stats;
  return TRUE;
}

void
sr_status_count_free (SrStatusCount *count)
{
  if (count == NULL)
    return;

  g_free (count->status_raw);
  g_free (count);
}

static gboolean
status_count_row_cb (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  GHashTable *counts = user_data;
  const char *raw = (const char *) sqlite3_column_text (stmt, 1);
  SrStatusCount *count;

  if (raw == NULL)
    raw = "";

  count = g_hash_table_lookup (counts, raw);
  if (count == NULL)
    {
      int code = sqlite3_column_int (stmt, 0);

      count = g_new0 (SrStatusCount, 1);
      count->status_raw = g_strdup (raw);
      count->status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;
      g_hash_table_insert (counts, count->status_raw, count);
    }

  count->count++;
  count->cost += sqlite3_column_double (stmt, 2);

  return TRUE;
}

static int
compare_status_counts (gconstpointer a,
                       gconstpointer b)
{
  const SrStatusCount *ca = *(const SrStatusCount * const *) a;
  const SrStatusCount *cb = *(const SrStatusCount * const *) b;

  if (ca->count != cb->count)
    return ca->count > cb->count ? -1 : 1;

  return strcmp (ca->status_raw, cb->status_raw);
}

GPtrArray *
sr_cache_query_status_counts (SrCache                *self,
                              const SrMessageFilter  *filter,
                              GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GHashTable) counts = NULL;
  GPtrArray *result;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  counts = g_hash_table_new (g_str_hash, g_str_equal);

  sql_builder_init (&builder, "SELECT status_code, status_raw, cost FROM messages");
  append_message_filter (&builder, filter);
  if (!run_query (self, &builder, NULL, status_count_row_cb, counts, error))
    {
      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        sr_status_count_free (value);
      return NULL;
    }

  result = g_ptr_array_new_full (g_hash_table_size (counts), (GDestroyNotify) sr_status_count_free);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (result, value);
  g_ptr_array_sort (result, compare_status_counts);

  return result;
}

static gboolean
min_max_row_cb (sqlite3_stmt *stmt,
                gpointer      user_data)
{
  gint64 *min_max = user_data;

  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      min_max[0] = sqlite3_column_int64 (stmt, 0);
      min_max[1] = sqlite3_column_int64 (stmt, 1);
    }

  return FALSE;
}

typedef struct
{
  GArray *buckets;
  gint64  origin;
  gint64  bucket_usec;
} PeriodData;

static gboolean
period_row_cb (sqlite3_stmt *stmt,
               gpointer      user_data)
{
  PeriodData *data = user_data;
  gint64 created_at = sqlite3_column_int64 (stmt, 0);
  int code = sqlite3_column_int (stmt, 1);
  gint64 index;
  SrPeriodStats *bucket;

  if (created_at < data->origin)
    return TRUE;

  index = (created_at - data->origin) / data->bucket_usec;
  if (index >= data->buckets->len)
    return TRUE;

  if (code < 0 || code >= SR_N_STATUSES)
    code = SR_STATUS_UNKNOWN;

  bucket = &g_array_index (data->buckets, SrPeriodStats, index);
  bucket->total++;
  bucket->by_group[sr_status_get_group (code)]++;
  bucket->cost += sqlite3_column_double (stmt, 2);

  return TRUE;
}

/* Buckets start at filter->from when it is set: the caller chose where its
 * period starts (usually a local midnight). Otherwise the first bucket is the
 * local period holding the first message, aligned on a grid shifted by
 * utc_offset_usec. The last bucket holds filter->to - 1 (or the last
 * message). */
GArray *
sr_cache_query_stats_by_period (SrCache                *self,
                                const SrMessageFilter  *filter,
                                gint64                  bucket_usec,
                                gint64                  utc_offset_usec,
                                GError                **error)
{
  g_autoptr(GArray) buckets = NULL;
  gint64 origin = SR_TIME_NONE;
  gint64 end = SR_TIME_NONE;
  gint64 n_buckets;
  PeriodData data;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (bucket_usec > 0, NULL);

  buckets = g_array_new (FALSE, TRUE, sizeof (SrPeriodStats));

  if (filter != NULL)
    {
      origin = filter->from;
      end = filter->to;
    }

  if (origin == SR_TIME_NONE || end == SR_TIME_NONE)
    {
      g_auto(SqlBuilder) builder = { NULL, };
      gint64 min_max[2] = { SR_TIME_NONE, SR_TIME_NONE };

      sql_builder_init (&builder, "SELECT min (created_at), max (created_at) FROM messages");
      append_message_filter (&builder, filter);
      if (!run_query (self, &builder, NULL, min_max_row_cb, min_max, error))
        return NULL;

      if (min_max[0] == SR_TIME_NONE && min_max[1] == SR_TIME_NONE)
        return g_steal_pointer (&buckets);

      if (origin == SR_TIME_NONE)
        {
          gint64 local = min_max[0] + utc_offset_usec;
          gint64 rem = local % bucket_usec;

          if (rem < 0)
            rem += bucket_usec;
          origin = local - rem - utc_offset_usec;
        }
      if (end == SR_TIME_NONE)
        end = min_max[1] + 1;
    }

  if (end <= origin)
    return g_steal_pointer (&buckets);

  n_buckets = (end - origin - 1) / bucket_usec + 1;
  if (n_buckets > 1000000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Too many buckets (%" G_GINT64_FORMAT ")", n_buckets);
      return NULL;
    }

  g_array_set_size (buckets, n_buckets);
  for (gint64 i = 0; i < n_buckets; i++)
    g_array_index (buckets, SrPeriodStats, i).start = origin + i * bucket_usec;

  {
    g_auto(SqlBuilder) builder = { NULL, };

    data.buckets = buckets;
    data.origin = origin;
    data.bucket_usec = bucket_usec;

    sql_builder_init (&builder, "SELECT created_at, status_code, cost FROM messages");
    append_message_filter (&builder, filter);
    if (!run_query (self, &builder, NULL, period_row_cb, &data, error))
      return NULL;
  }

  return g_steal_pointer (&buckets);
}

static gboolean
get_message_row_cb (sqlite3_stmt *stmt,
                    gpointer      user_data)
{
  SrMessage **out_message = user_data;

  *out_message = message_from_row (stmt);
  return FALSE;
}

static char *
message_select_sql (void)
{
  g_autofree char *columns = join_columns (message_columns, N_MSG_COLS);

  return g_strdup_printf ("SELECT %s FROM messages", columns);
}

static char *
campaign_select_sql (void)
{
  g_autofree char *columns = join_columns (campaign_columns, N_CAM_COLS);

  return g_strdup_printf ("SELECT %s FROM campaigns", columns);
}

SrMessage *
sr_cache_get_message (SrCache     *self,
                      const char  *id,
                      GError     **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autofree char *select = message_select_sql ();
  SrMessage *message = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sql_builder_init (&builder, select);
  sql_builder_append (&builder, " WHERE id = ?");
  sql_builder_add_text (&builder, id);
  if (!run_query (self, &builder, NULL, get_message_row_cb, &message, error))
    return NULL;

  if (message == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("No message “%s” in the cache"), id);

  return message;
}

static gboolean
get_campaign_row_cb (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  SrCampaign **out_campaign = user_data;

  *out_campaign = campaign_from_row (stmt);
  return FALSE;
}

SrCampaign *
sr_cache_get_campaign (SrCache     *self,
                       const char  *id,
                       GError     **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autofree char *select = campaign_select_sql ();
  SrCampaign *campaign = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sql_builder_init (&builder, select);
  sql_builder_append (&builder, " WHERE id = ?");
  sql_builder_add_text (&builder, id);
  if (!run_query (self, &builder, NULL, get_campaign_row_cb, &campaign, error))
    return NULL;

  if (campaign == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("No campaign “%s” in the cache"), id);

  return campaign;
}

static gboolean
collect_message_row_cb (sqlite3_stmt *stmt,
                        gpointer      user_data)
{
  g_ptr_array_add (user_data, message_from_row (stmt));
  return TRUE;
}

static gboolean
collect_campaign_row_cb (sqlite3_stmt *stmt,
                         gpointer      user_data)
{
  g_ptr_array_add (user_data, campaign_from_row (stmt));
  return TRUE;
}

GPtrArray *
sr_cache_query_messages (SrCache                *self,
                         const SrMessageFilter  *filter,
                         SrMessageSort           sort,
                         gboolean                descending,
                         gint64                  limit,
                         gint64                  offset,
                         GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autofree char *select = message_select_sql ();
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sql_builder_init (&builder, select);
  append_message_filter (&builder, filter);
  append_message_order (&builder, sort, descending);
  append_limit (&builder, limit, offset);
  if (!run_query (self, &builder, NULL, collect_message_row_cb, messages, error))
    return NULL;

  return g_steal_pointer (&messages);
}

typedef struct
{
  SrMessageFunc  func;
  gpointer       user_data;
  GCancellable  *cancellable;
  gboolean       cancelled;
} ForeachData;

static gboolean
foreach_message_row_cb (sqlite3_stmt *stmt,
                        gpointer      user_data)
{
  ForeachData *data = user_data;
  g_autoptr(SrMessage) message = NULL;

  if (g_cancellable_is_cancelled (data->cancellable))
    {
      data->cancelled = TRUE;
      return FALSE;
    }

  message = message_from_row (stmt);
  return data->func (message, data->user_data);
}

/* Each row becomes one short-lived SrMessage, so memory stays flat. The
 * statement keeps its own read connection, so func may call back into the
 * cache. */
gboolean
sr_cache_foreach_message (SrCache                *self,
                          const SrMessageFilter  *filter,
                          SrMessageSort           sort,
                          gboolean                descending,
                          gint64                  limit,
                          SrMessageFunc           func,
                          gpointer                user_data,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autofree char *select = message_select_sql ();
  ForeachData data = { func, user_data, cancellable, FALSE };

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  sql_builder_init (&builder, select);
  append_message_filter (&builder, filter);
  append_message_order (&builder, sort, descending);
  append_limit (&builder, limit, 0);
  if (!run_query (self, &builder, cancellable, foreach_message_row_cb, &data, error))
    return FALSE;

  if (data.cancelled)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);

  return TRUE;
}

GPtrArray *
sr_cache_query_campaigns (SrCache         *self,
                          const char      *search,
                          SrCampaignSort   sort,
                          gboolean         descending,
                          gint64           limit,
                          gint64           offset,
                          GError         **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autofree char *select = campaign_select_sql ();
  g_autoptr(GPtrArray) campaigns = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sql_builder_init (&builder, select);
  append_campaign_filter (&builder, search);
  append_campaign_order (&builder, sort, descending);
  append_limit (&builder, limit, offset);
  if (!run_query (self, &builder, NULL, collect_campaign_row_cb, campaigns, error))
    return NULL;

  return g_steal_pointer (&campaigns);
}

static gboolean
collect_rowid_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  gint64 rowid = sqlite3_column_int64 (stmt, 0);

  g_array_append_val ((GArray *) user_data, rowid);
  return TRUE;
}

static void
build_rowids_query (SqlBuilder            *builder,
                    const char            *prefix,
                    const SrMessageFilter *filter,
                    SrMessageSort          sort,
                    gboolean               descending)
{
  sql_builder_init (builder, prefix);
  sql_builder_append (builder, "SELECT rowid FROM messages");
  append_message_filter (builder, filter);
  append_message_order (builder, sort, descending);
}

GArray *
sr_cache_query_message_rowids (SrCache                *self,
                               const SrMessageFilter  *filter,
                               SrMessageSort           sort,
                               gboolean                descending,
                               GCancellable           *cancellable,
                               GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_rowids_query (&builder, "", filter, sort, descending);
  if (!run_query (self, &builder, cancellable, collect_rowid_cb, rowids, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

GArray *
sr_cache_query_campaign_rowids (SrCache         *self,
                                const char      *search,
                                SrCampaignSort   sort,
                                gboolean         descending,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sql_builder_init (&builder, "SELECT rowid FROM campaigns");
  append_campaign_filter (&builder, search);
  append_campaign_order (&builder, sort, descending);
  if (!run_query (self, &builder, cancellable, collect_rowid_cb, rowids, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

typedef gpointer (*RecordFromRow) (sqlite3_stmt *stmt);

static gpointer
message_record_from_row (sqlite3_stmt *stmt)
{
  return message_from_row (stmt);
}

static gpointer
campaign_record_from_row (sqlite3_stmt *stmt)
{
  return campaign_from_row (stmt);
}

typedef struct
{
  GHashTable    *by_rowid;  /* gint64 → record */
  RecordFromRow  from_row;
} ByRowidData;

static gboolean
by_rowid_row_cb (sqlite3_stmt *stmt,
                 gpointer      user_data)
{
  ByRowidData *data = user_data;
  gint64 rowid = sqlite3_column_int64 (stmt, 0);

  g_hash_table_insert (data->by_rowid, g_memdup2 (&rowid, sizeof rowid), data->from_row (stmt));
  return TRUE;
}

/* Reads the records in chunks of "rowid IN (?, ...)" (each a handful of
 * primary-key lookups) and returns them in the order asked. */
static GPtrArray *
get_by_rowid (SrCache       *self,
              const char    *select,
              RecordFromRow  from_row,
              const gint64  *rowids,
              guint          n_rowids,
              GError       **error)
{
  g_autoptr(GHashTable) by_rowid = NULL;
  g_autoptr(GPtrArray) records = NULL;
  ByRowidData data;

  by_rowid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  data.by_rowid = by_rowid;
  data.from_row = from_row;

  for (guint start = 0; start < n_rowids; start += ROWID_CHUNK)
    {
      g_auto(SqlBuilder) builder = { NULL, };
      guint n = MIN (ROWID_CHUNK, n_rowids - start);

      sql_builder_init (&builder, select);
      sql_builder_append (&builder, " WHERE rowid IN (");
      for (guint i = 0; i < n; i++)
        {
          sql_builder_append (&builder, i > 0 ? ", ?" : "?");
          sql_builder_add_int64 (&builder, rowids[start + i]);
        }
      sql_builder_append (&builder, ")");

      if (!run_query (self, &builder, NULL, by_rowid_row_cb, &data, error))
        return NULL;
    }

  records = g_ptr_array_new_full (n_rowids, g_object_unref);
  for (guint i = 0; i < n_rowids; i++)
    {
      gpointer record = g_hash_table_lookup (by_rowid, &rowids[i]);

      if (record != NULL)
        g_ptr_array_add (records, g_object_ref (record));
    }

  return g_steal_pointer (&records);
}

GPtrArray *
sr_cache_get_messages_by_rowid (SrCache       *self,
                                const gint64  *rowids,
                                guint          n_rowids,
                                GError       **error)
{
  g_autofree char *select = message_select_sql ();

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (rowids != NULL || n_rowids == 0, NULL);

  return get_by_rowid (self, select, message_record_from_row, rowids, n_rowids, error);
}

GPtrArray *
sr_cache_get_campaigns_by_rowid (SrCache       *self,
                                 const gint64  *rowids,
                                 guint          n_rowids,
                                 GError       **error)
{
  g_autofree char *select = campaign_select_sql ();

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (rowids != NULL || n_rowids == 0, NULL);

  return get_by_rowid (self, select, campaign_record_from_row, rowids, n_rowids, error);
}

static gboolean
checksum_row_cb (sqlite3_stmt *stmt,
                 gpointer      user_data)
{
  GChecksum *checksum = user_data;
  const guchar *id = sqlite3_column_text (stmt, 0);
  const guchar *status = sqlite3_column_text (stmt, 1);

  g_checksum_update (checksum, id, sqlite3_column_bytes (stmt, 0));
  g_checksum_update (checksum, (const guchar *) ":", 1);
  if (status != NULL)
    g_checksum_update (checksum, status, sqlite3_column_bytes (stmt, 1));
  g_checksum_update (checksum, (const guchar *) "\n", 1);

  return TRUE;
}

char *
sr_cache_dup_checksum (SrCache  *self,
                       GError  **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GChecksum) checksum = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* BINARY collation: byte order, as the sandbox sorts its ids. */
  sql_builder_init (&builder,
                    "SELECT id, status_raw FROM messages ORDER BY id COLLATE BINARY");
  if (!run_query (self, &builder, NULL, checksum_row_cb, checksum, error))
    return NULL;

  return g_strdup (g_checksum_get_string (checksum));
}

typedef struct
{
  GString *problems;
} IntegrityData;

static gboolean
integrity_row_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  IntegrityData *data = user_data;
  const char *line = (const char *) sqlite3_column_text (stmt, 0);

  if (g_strcmp0 (line, "ok") == 0)
    return TRUE;

  if (data->problems->len > 0)
    g_string_append (data->problems, "; ");
  g_string_append (data->problems, line != NULL ? line : "?");

  return TRUE;
}

gboolean
sr_cache_check_integrity (SrCache  *self,
                          GError  **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GString) problems = g_string_new (NULL);
  IntegrityData data = { problems };

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  sql_builder_init (&builder, "PRAGMA integrity_check");
  if (!run_query (self, &builder, NULL, integrity_row_cb, &data, error))
    return FALSE;

  if (problems->len > 0)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT,
                   _("The report cache is damaged: %s"), problems->str);
      return FALSE;
    }

  return TRUE;
}

/* --- public: campaign filters ------------------------------------------- */

G_DEFINE_BOXED_TYPE (SrCampaignFilter, sr_campaign_filter,
                     sr_campaign_filter_copy, sr_campaign_filter_free)

SrCampaignFilter *
sr_campaign_filter_new (void)
{
  return g_new0 (SrCampaignFilter, 1);
}

SrCampaignFilter *
sr_campaign_filter_copy (const SrCampaignFilter *filter)
{
  SrCampaignFilter *copy;

  g_return_val_if_fail (filter != NULL, NULL);

  copy = g_new0 (SrCampaignFilter, 1);
  copy->search = g_strdup (filter->search);
  copy->from = filter->from;
  copy->to = filter->to;
  copy->sender_id = g_strdup (filter->sender_id);
  copy->source = filter->source;

  return copy;
}

void
sr_campaign_filter_free (SrCampaignFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->search);
  g_free (filter->sender_id);
  g_free (filter);
}

/* NULL and "" are the same: no condition. */
static inline const char *
condition_text (const char *str)
{
  return is_set (str) ? str : NULL;
}

gboolean
sr_campaign_filter_equal (const SrCampaignFilter *a,
                          const SrCampaignFilter *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (condition_text (a->search), condition_text (b->search)) == 0 &&
         a->from == b->from &&
         a->to == b->to &&
         g_strcmp0 (condition_text (a->sender_id), condition_text (b->sender_id)) == 0 &&
         a->source == b->source;
}

/* Like LIKE '%needle%' without ESCAPE surprises: ASCII case folded only. */
static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  gsize needle_len = strlen (needle);

  if (haystack == NULL)
    return FALSE;

  for (const char *p = haystack; *p != '\0'; p++)
    {
      if (g_ascii_strncasecmp (p, needle, needle_len) == 0)
        return TRUE;
    }

  return needle_len == 0;
}

gboolean
sr_campaign_filter_matches (const SrCampaignFilter *filter,
                            SrCampaign             *campaign)
{
  const char *str;

  g_return_val_if_fail (filter != NULL, FALSE);
  g_return_val_if_fail (SR_IS_CAMPAIGN (campaign), FALSE);

  if ((str = condition_text (filter->search)) != NULL &&
      !contains_ascii_nocase (campaign->id, str) &&
      !contains_ascii_nocase (campaign->sender_id, str) &&
      !contains_ascii_nocase (campaign->message, str))
    return FALSE;

  if (filter->from != SR_TIME_NONE && campaign->created_at < filter->from)
    return FALSE;

  if (filter->to != SR_TIME_NONE && campaign->created_at >= filter->to)
    return FALSE;

  if ((str = condition_text (filter->sender_id)) != NULL &&
      g_strcmp0 (campaign->sender_id, str) != 0)
    return FALSE;

  if ((filter->source == SR_CAMPAIGN_SOURCE_WEB && campaign->is_api) ||
      (filter->source == SR_CAMPAIGN_SOURCE_API && !campaign->is_api))
    return FALSE;

  return TRUE;
}

gint64
sr_cache_count_campaigns_filtered (SrCache                 *self,
                                   const SrCampaignFilter  *filter,
                                   GError                 **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  gint64 count = 0;

  g_return_val_if_fail (SR_IS_CACHE (self), -1);

  sql_builder_init (&builder, "SELECT count(*) FROM campaigns");
  append_campaign_filter_full (&builder, filter);
  if (!run_query (self, &builder, NULL, get_int64_row_cb, &count, error))
    return -1;

  return count;
}

GPtrArray *
sr_cache_query_campaigns_filtered (SrCache                 *self,
                                   const SrCampaignFilter  *filter,
                                   SrCampaignSort           sort,
                                   gboolean                 descending,
                                   gint64                   limit,
                                   gint64                   offset,
                                   GError                 **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autofree char *select = campaign_select_sql ();
  g_autoptr(GPtrArray) campaigns = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sql_builder_init (&builder, select);
  append_campaign_filter_full (&builder, filter);
  append_campaign_order (&builder, sort, descending);
  append_limit (&builder, limit, offset);
  if (!run_query (self, &builder, NULL, collect_campaign_row_cb, campaigns, error))
    return NULL;

  return g_steal_pointer (&campaigns);
}

GArray *
sr_cache_query_campaign_rowids_filtered (SrCache                 *self,
                                         const SrCampaignFilter  *filter,
                                         SrCampaignSort           sort,
                                         gboolean                 descending,
                                         GCancellable            *cancellable,
                                         GError                 **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sql_builder_init (&builder, "SELECT rowid FROM campaigns");
  append_campaign_filter_full (&builder, filter);
  append_campaign_order (&builder, sort, descending);
  if (!run_query (self, &builder, cancellable, collect_rowid_cb, rowids, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

/* --- public: report rows -------------------------------------------------- */

typedef struct
{
  SrReportRowFunc func;
  gpointer        user_data;
  SrReportRow     row;
} ReportData;

static gboolean
report_row_cb (sqlite3_stmt *stmt,
               gpointer      user_data)
{
  ReportData *data = user_data;
  int code = sqlite3_column_int (stmt, 1);

  data->row.created_at = sqlite3_column_int64 (stmt, 0);
  data->row.status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;
  data->row.cost = sqlite3_column_double (stmt, 2);
  data->row.sender_id = (const char *) sqlite3_column_text (stmt, 3);
  data->row.recipient = (const char *) sqlite3_column_text (stmt, 4);
  data->row.failed_reason = (const char *) sqlite3_column_text (stmt, 5);

  return data->func (&data->row, data->user_data);
}

/* Exactly the columns of messages_insights, so that index covers the query
 * whenever the filter is a time range (or nothing). */
static void
build_report_rows_query (SqlBuilder            *builder,
                         const char            *prefix,
                         const SrMessageFilter *filter)
{
  sql_builder_init (builder, prefix);
  sql_builder_append (builder,
                      "SELECT created_at, status_code, cost, sender_id, recipient, failed_reason"
                      " FROM messages");
  append_message_filter (builder, filter);
}

gboolean
sr_cache_foreach_report_row (SrCache                *self,
                             const SrMessageFilter  *filter,
                             SrReportRowFunc         func,
                             gpointer                user_data,
                             GCancellable           *cancellable,
                             GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };
  ReportData data = { func, user_data, { 0, } };

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  build_report_rows_query (&builder, "", filter);
  return run_query (self, &builder, cancellable, report_row_cb, &data, error);
}

/* --- private: query plans ------------------------------------------------- */

static gboolean
plan_row_cb (sqlite3_stmt *stmt,
             gpointer      user_data)
{
  GString *plan = user_data;

  if (plan->len > 0)
    g_string_append_c (plan, '\n');
  g_string_append (plan, (const char *) sqlite3_column_text (stmt, 3));

  return TRUE;
}

static char *
dup_plan (SrCache     *self,
          SqlBuilder  *builder,
          GError     **error)
{
  g_autoptr(GString) plan = g_string_new (NULL);

  if (!run_query (self, builder, NULL, plan_row_cb, plan, error))
    return NULL;

  return g_string_free (g_steal_pointer (&plan), FALSE);
}

char *
sr_cache_dup_rowids_plan (SrCache                *self,
                          const SrMessageFilter  *filter,
                          SrMessageSort           sort,
                          gboolean                descending,
                          GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_rowids_query (&builder, "EXPLAIN QUERY PLAN ", filter, sort, descending);
  return dup_plan (self, &builder, error);
}

char *
sr_cache_dup_stats_plan (SrCache                *self,
                         const SrMessageFilter  *filter,
                         GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_stats_query (&builder, "EXPLAIN QUERY PLAN ", filter);
  return dup_plan (self, &builder, error);
}

char *
sr_cache_dup_report_rows_plan (SrCache                *self,
                               const SrMessageFilter  *filter,
                               GError                **error)
{
  g_auto(SqlBuilder) builder = { NULL, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_report_rows_query (&builder, "EXPLAIN QUERY PLAN ", filter);
  return dup_plan (self, &builder, error);
}
