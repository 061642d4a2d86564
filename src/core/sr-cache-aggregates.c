/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-aggregates.c: the Dashboard's aggregates (schema 5), kept by the
 * writer in its own transaction, so they can never disagree with the rows.
 *
 * Tables of the same shape (t, key, status_code, n, cost):
 *
 *   agg_hours      t = UTC hour, key = the raw status of unknown statuses
 *                  ("" for the known ones): the chart
 *   agg_statuses   the same per UTC day: the totals and the statuses
 *   agg_senders    t = UTC day, key = sender ID ("" for none)
 *   agg_countries  t = UTC day, key = prefix of the sr_countries entry the
 *                  recipient matches ("" for none)
 *   agg_reasons    t = UTC day, key = failure reason (rows with one only)
 *
 * and each per-day table again per block of 8 and of 64 days (…_8, …_64,
 * t = day / 8 or day / 64), so that All Time reads a few blocks and at most
 * 63 + 63 days of smaller units at its ends rather than every day of the
 * history.
 *
 * n counts the messages, cost is their cost in billionths of the currency
 * (integers: adding and taking out a row gives back exactly what was there,
 * so a maintained table equals one rebuilt from scratch, which the tests
 * check). A cell whose n drops to 0 is deleted.
 *
 * How they follow the rows (no triggers: a trigger on messages gives every
 * upsert a statement journal, see schema 4):
 * - the rows a group inserts (rowid above the largest before the group) are
 *   read once before the commit, summed in hash tables here, and added with
 *   one upsert per cell;
 * - a job of messages first takes out the contribution of the rows with its
 *   ids that existed before the group, and puts them back after its
 *   upserts, whatever the upserts changed (status, cost, time, sender,
 *   recipient, reason). A job of new messages finds none and only pays the
 *   id lookups.
 *
 * The country is the sr_countries entry the recipient matches; the table's
 * fingerprint is kept in sync_state ('aggregates'): a build with another
 * table rebuilds them at open, and a reader of a file whose fingerprint
 * differs (opened read-only) scans the rows instead.
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sr-cache-aggregates.h"
#include "sr-cache-private.h"
#include "sr-countries.h"
#include "sr-message-private.h"
#include "sr-status.h"

#define FINGERPRINT_KEY "aggregates"
#define COST_SCALE 1e9

/* The tables: per hour for the chart; per day, and per block of 8 and of 64
 * days for long periods, for the rest. */
#define N_LEVELS 3
static const gint64 level_days[N_LEVELS] = { 1, 8, 64 };

typedef struct
{
  const char *name;
  SrAggTable  kind;
  guint       level;
} AggTable;

static const AggTable tables[] = {
  { "agg_hours", SR_AGG_HOURS, 0 },
  { "agg_statuses", SR_AGG_STATUSES, 0 },
  { "agg_statuses_8", SR_AGG_STATUSES, 1 },
  { "agg_statuses_64", SR_AGG_STATUSES, 2 },
  { "agg_senders", SR_AGG_SENDERS, 0 },
  { "agg_senders_8", SR_AGG_SENDERS, 1 },
  { "agg_senders_64", SR_AGG_SENDERS, 2 },
  { "agg_countries", SR_AGG_COUNTRIES, 0 },
  { "agg_countries_8", SR_AGG_COUNTRIES, 1 },
  { "agg_countries_64", SR_AGG_COUNTRIES, 2 },
  { "agg_reasons", SR_AGG_REASONS, 0 },
  { "agg_reasons_8", SR_AGG_REASONS, 1 },
  { "agg_reasons_64", SR_AGG_REASONS, 2 },
};
#define N_TABLES G_N_ELEMENTS (tables)

/* The index in tables[] of a kind's level. */
static guint
table_index (SrAggTable kind,
             guint      level)
{
  for (guint i = 0; i < N_TABLES; i++)
    {
      if (tables[i].kind == kind && tables[i].level == level)
        return i;
    }
  g_assert_not_reached ();
}

#define SELECT_ROWS \
  "SELECT created_at, status_code, status_raw, cost, sender_id, recipient, failed_reason" \
  " FROM messages"

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b < 0 ? 1 : 0);
}

/* "1:" and a SHA-1 of the calling-code table: aggregates written with
 * another table are rebuilt. */
static const char *
get_fingerprint (void)
{
  static gsize fingerprint = 0;

  if (g_once_init_enter (&fingerprint))
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
      const SrCountry *countries;
      guint n_countries;
      char *value;

      countries = sr_countries_get_all (&n_countries);
      for (guint i = 0; i < n_countries; i++)
        {
          g_checksum_update (checksum, (const guchar *) countries[i].code, -1);
          g_checksum_update (checksum, (const guchar *) ":", 1);
          g_checksum_update (checksum, (const guchar *) countries[i].prefix, -1);
          g_checksum_update (checksum, (const guchar *) "\n", 1);
        }
      value = g_strconcat ("1:", g_checksum_get_string (checksum), NULL);
      g_once_init_leave (&fingerprint, (gsize) value);
    }

  return (const char *) fingerprint;
}

/* --- summing rows in memory ------------------------------------------------- */

typedef struct
{
  gint64      t;
  int         code;
  const char *key;    /* interned in Fold.strings (or static) */
  gint64      n;
  gint64      cost;
} Cell;

static guint
cell_hash (gconstpointer data)
{
  const Cell *cell = data;
  guint64 h = (guint64) cell->t * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  h ^= (guint64) (guintptr) cell->key * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F);
  h ^= (guint64) cell->code;
  return (guint) (h ^ (h >> 32));
}

static gboolean
cell_equal (gconstpointer a,
            gconstpointer b)
{
  const Cell *ca = a;
  const Cell *cb = b;

  return ca->t == cb->t && ca->code == cb->code && ca->key == cb->key;
}

typedef struct
{
  GStringChunk *strings;
  GHashTable   *cells[N_TABLES];
  guint         first[SR_N_AGG_TABLES];   /* tables[] index of each kind's days */
  /* consecutive rows often share a sender */
  const char   *last_sender;
  gboolean      found;
} Fold;

static void
fold_init (Fold *fold)
{
  fold->strings = g_string_chunk_new (4096);
  for (guint i = 0; i < N_TABLES; i++)
    fold->cells[i] = g_hash_table_new_full (cell_hash, cell_equal, g_free, NULL);
  for (guint kind = 0; kind < SR_N_AGG_TABLES; kind++)
    fold->first[kind] = table_index (kind, 0);
}

static void
fold_clear (Fold *fold)
{
  for (guint i = 0; i < N_TABLES; i++)
    g_clear_pointer (&fold->cells[i], g_hash_table_unref);
  g_clear_pointer (&fold->strings, g_string_chunk_free);
}

static inline void
fold_add_n (Fold       *fold,
            guint       table,
            gint64      t,
            int         code,
            const char *key,
            gint64      n,
            gint64      cost)
{
  Cell probe = { t, code, key, 0, 0 };
  Cell *cell = g_hash_table_lookup (fold->cells[table], &probe);

  if (cell == NULL)
    {
      cell = g_memdup2 (&probe, sizeof probe);
      g_hash_table_add (fold->cells[table], cell);
    }
  cell->n += n;
  cell->cost += cost;
}

static inline void
fold_add (Fold       *fold,
          SrAggTable  kind,
          gint64      t,
          int         code,
          const char *key,
          gint64      cost)
{
  fold_add_n (fold, fold->first[kind], t, code, key, 1, cost);
}

/* The blocks of 8 and 64 days, from the days (cells, not rows). */
static void
fold_add_blocks (Fold *fold)
{
  for (guint i = 0; i < N_TABLES; i++)
    {
      GHashTableIter iter;
      gpointer value;

      if (tables[i].kind == SR_AGG_HOURS || tables[i].level != 0)
        continue;

      g_hash_table_iter_init (&iter, fold->cells[i]);
      while (g_hash_table_iter_next (&iter, &value, NULL))
        {
          const Cell *day = value;

          for (guint level = 1; level < N_LEVELS; level++)
            fold_add_n (fold, table_index (tables[i].kind, level),
                        floor_div (day->t, level_days[level]), day->code, day->key,
                        day->n, day->cost);
        }
    }
}

static const char *
intern (Fold       *fold,
        const char *str)
{
  if (str == NULL || *str == '\0')
    return "";
  return g_string_chunk_insert_const (fold->strings, str);
}

static void
fold_row (Fold         *fold,
          sqlite3_stmt *stmt)
{
  gint64 created_at = sqlite3_column_int64 (stmt, 0);
  int code = sqlite3_column_int (stmt, 1);
  const char *raw = (const char *) sqlite3_column_text (stmt, 2);
  gint64 cost = (gint64) llround (sqlite3_column_double (stmt, 3) * COST_SCALE);
  const char *sender = (const char *) sqlite3_column_text (stmt, 4);
  const char *recipient = (const char *) sqlite3_column_text (stmt, 5);
  const char *reason = (const char *) sqlite3_column_text (stmt, 6);
  gint64 day = floor_div (created_at, SR_AGG_DAY_USEC);
  const SrCountry *country;

  fold->found = TRUE;

  raw = code == SR_STATUS_UNKNOWN ? intern (fold, raw) : "";
  fold_add (fold, SR_AGG_HOURS, floor_div (created_at, SR_AGG_HOUR_USEC), code, raw, cost);
  fold_add (fold, SR_AGG_STATUSES, day, code, raw, cost);

  if (sender == NULL || *sender == '\0')
    sender = "";
  else if (fold->last_sender == NULL || strcmp (fold->last_sender, sender) != 0)
    sender = fold->last_sender = intern (fold, sender);
  else
    sender = fold->last_sender;
  fold_add (fold, SR_AGG_SENDERS, day, code, sender, cost);

  country = sr_country_from_number (recipient);
  fold_add (fold, SR_AGG_COUNTRIES, day, code, country != NULL ? country->prefix : "", cost);

  if (reason != NULL && *reason != '\0')
    fold_add (fold, SR_AGG_REASONS, day, code, intern (fold, reason), cost);
}

/* Runs stmt (already bound) and sums its rows. */
static gboolean
fold_rows (Fold          *fold,
           sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    fold_row (fold, stmt);
  if (rc != SQLITE_DONE)
    {
      sr_db_set_error (error, db, rc, "aggregates");
      return FALSE;
    }

  return TRUE;
}

/* Adds (sign 1) or takes out (sign -1) the cells; a cell that drops to 0
 * messages goes. */
static gboolean
fold_write (Fold     *fold,
            sqlite3  *db,
            int       sign,
            GError  **error)
{
  fold_add_blocks (fold);

  for (guint table = 0; table < N_TABLES; table++)
    {
      g_autoptr(sqlite3_stmt) upsert = NULL;
      g_autoptr(sqlite3_stmt) delete = NULL;
      g_autofree char *upsert_sql = NULL;
      g_autofree char *delete_sql = NULL;
      GHashTableIter iter;
      gpointer value;

      if (g_hash_table_size (fold->cells[table]) == 0)
        continue;

      /* Only taking out can empty a cell: only then is n read back. */
      upsert_sql = g_strdup_printf ("INSERT INTO %s (t, key, status_code, n, cost)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5)"
                                    " ON CONFLICT (t, key, status_code) DO UPDATE"
                                    " SET n = n + excluded.n, cost = cost + excluded.cost%s",
                                    tables[table].name, sign < 0 ? " RETURNING n" : "");
      if (!sr_db_prepare (db, upsert_sql, &upsert, error))
        return FALSE;
      if (sign < 0)
        {
          delete_sql = g_strdup_printf ("DELETE FROM %s WHERE t = ?1 AND key = ?2 AND status_code = ?3",
                                        tables[table].name);
          if (!sr_db_prepare (db, delete_sql, &delete, error))
            return FALSE;
        }

      g_hash_table_iter_init (&iter, fold->cells[table]);
      while (g_hash_table_iter_next (&iter, &value, NULL))
        {
          const Cell *cell = value;
          gint64 n = -1;
          int rc;

          sqlite3_bind_int64 (upsert, 1, cell->t);
          sqlite3_bind_text (upsert, 2, cell->key, -1, SQLITE_STATIC);
          sqlite3_bind_int (upsert, 3, cell->code);
          sqlite3_bind_int64 (upsert, 4, sign * cell->n);
          sqlite3_bind_int64 (upsert, 5, sign * cell->cost);
          while ((rc = sqlite3_step (upsert)) == SQLITE_ROW)
            n = sqlite3_column_int64 (upsert, 0);
          sqlite3_reset (upsert);
          if (rc != SQLITE_DONE)
            {
              sr_db_set_error (error, db, rc, "aggregates");
              return FALSE;
            }

          if (sign < 0 && n == 0)
            {
              sqlite3_bind_int64 (delete, 1, cell->t);
              sqlite3_bind_text (delete, 2, cell->key, -1, SQLITE_STATIC);
              sqlite3_bind_int (delete, 3, cell->code);
              rc = sqlite3_step (delete);
              sqlite3_reset (delete);
              if (rc != SQLITE_DONE)
                {
                  sr_db_set_error (error, db, rc, "aggregates");
                  return FALSE;
                }
            }
        }
    }

  return TRUE;
}

/* Sums the rows of sql (?1, ?2 bound to the given values when set) and adds
 * them with sign. */
static gboolean
apply_rows (sqlite3     *db,
            const char  *sql,
            const char  *text1,
            gint64       int1,
            gint64       int2,
            int          sign,
            gboolean    *out_found,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Fold fold = { NULL, };
  gboolean ok;

  if (!sr_db_prepare (db, sql, &stmt, error))
    return FALSE;
  if (text1 != NULL)
    {
      sqlite3_bind_text (stmt, 1, text1, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, int2);
    }
  else
    sqlite3_bind_int64 (stmt, 1, int1);

  fold_init (&fold);
  ok = fold_rows (&fold, db, stmt, error) && fold_write (&fold, db, sign, error);
  if (out_found != NULL)
    *out_found = fold.found;
  fold_clear (&fold);

  return ok;
}

/* --- the writer ------------------------------------------------------------ */

gboolean
sr_cache_aggregates_rebuild (sqlite3  *db,
                             GError  **error)
{
  for (guint table = 0; table < N_TABLES; table++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", tables[table].name);

      if (!sr_db_exec (db, sql, error))
        return FALSE;
    }

  return apply_rows (db, SELECT_ROWS " WHERE rowid > ?1", NULL, G_MININT64, 0, 1, NULL, error);
}

gboolean
sr_cache_aggregates_open (sqlite3  *db,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean current;
  gint64 started = g_get_monotonic_time ();

  if (!sr_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!sr_db_prepare (db, "SELECT value FROM sync_state WHERE key = '" FINGERPRINT_KEY "'",
                      &stmt, error))
    goto fail;
  current = sqlite3_step (stmt) == SQLITE_ROW &&
            g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), get_fingerprint ()) == 0;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!current)
    {
      if (!sr_cache_aggregates_rebuild (db, error) ||
          !sr_db_prepare (db,
                          "INSERT OR REPLACE INTO sync_state (key, value)"
                          " VALUES ('" FINGERPRINT_KEY "', ?1)",
                          &stmt, error))
        goto fail;
      sqlite3_bind_text (stmt, 1, get_fingerprint (), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sr_db_set_error (error, db, sqlite3_errcode (db), "aggregates");
          goto fail;
        }
      g_debug ("Built the Dashboard's aggregates in %.1f ms",
               (g_get_monotonic_time () - started) / 1000.0);
    }

  if (!sr_db_exec (db, "COMMIT", error))
    goto fail;

  return TRUE;

fail:
  if (sqlite3_get_autocommit (db) == 0)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

gboolean
sr_cache_aggregates_add_new (sqlite3  *db,
                             gint64    above_rowid,
                             GError  **error)
{
  return apply_rows (db, SELECT_ROWS " WHERE rowid > ?1", NULL, above_rowid, 0, 1, NULL, error);
}

static void
append_json_string (GString    *json,
                    const char *str)
{
  g_string_append_c (json, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (json, '\\');
          g_string_append_c (json, *p);
        }
      else if ((guchar) *p < 0x20)
        g_string_append_printf (json, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (json, *p);
    }
  g_string_append_c (json, '"');
}

gboolean
sr_cache_aggregates_apply_ids (sqlite3    *db,
                               GPtrArray  *messages,
                               gint64      max_rowid,
                               int         sign,
                               gboolean   *out_found,
                               GError    **error)
{
  g_autoptr(GString) ids = g_string_sized_new (messages->len * 40 + 2);
  gboolean any = FALSE;

  if (out_found != NULL)
    *out_found = FALSE;

  g_string_append_c (ids, '[');
  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *message = g_ptr_array_index (messages, i);

      if (message->id == NULL || *message->id == '\0')
        continue;
      if (any)
        g_string_append_c (ids, ',');
      append_json_string (ids, message->id);
      any = TRUE;
    }
  g_string_append_c (ids, ']');

  if (!any)
    return TRUE;

  return apply_rows (db,
                     SELECT_ROWS " WHERE id IN (SELECT value FROM json_each (?1)) AND rowid <= ?2",
                     ids->str, 0, max_rowid, sign, out_found, error);
}

gboolean
sr_cache_aggregates_apply_rowids (sqlite3  *db,
                                  GArray   *rowids,
                                  int       sign,
                                  GError  **error)
{
  g_autoptr(GString) json = NULL;

  if (rowids == NULL || rowids->len == 0)
    return TRUE;

  json = g_string_sized_new (rowids->len * 12 + 2);
  g_string_append_c (json, '[');
  for (guint i = 0; i < rowids->len; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (rowids, gint64, i));
  g_string_append_c (json, ']');

  return apply_rows (db,
                     SELECT_ROWS " WHERE rowid IN (SELECT value FROM json_each (?1)) AND rowid <= ?2",
                     json->str, 0, G_MAXINT64, sign, NULL, error);
}

char *
sr_cache_aggregates_dump (sqlite3  *db,
                          GError  **error)
{
  g_autoptr(GString) dump = g_string_new (NULL);

  for (guint table = 0; table < N_TABLES; table++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = g_strdup_printf ("SELECT t, key, status_code, n, cost FROM %s"
                                              " WHERE n <> 0 ORDER BY t, key, status_code",
                                              tables[table].name);
      int rc;

      if (!sr_db_prepare (db, sql, &stmt, error))
        return NULL;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_string_append_printf (dump, "%s %" G_GINT64_FORMAT " \"%s\" %d %" G_GINT64_FORMAT
                                " %" G_GINT64_FORMAT "\n",
                                tables[table].name,
                                (gint64) sqlite3_column_int64 (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1),
                                sqlite3_column_int (stmt, 2),
                                (gint64) sqlite3_column_int64 (stmt, 3),
                                (gint64) sqlite3_column_int64 (stmt, 4));
      if (rc != SQLITE_DONE)
        {
          sr_db_set_error (error, db, rc, "aggregates");
          return NULL;
        }
    }

  return g_string_free (g_steal_pointer (&dump), FALSE);
}

/* --- the reader ------------------------------------------------------------ */

struct _SrAggReader
{
  SrCache *cache;   /* (owned) */
  sqlite3 *db;      /* from the pool */
};

static void
reader_free (SrAggReader *reader)
{
  if (reader->db != NULL)
    {
      if (sqlite3_get_autocommit (reader->db) == 0)
        sqlite3_exec (reader->db, "COMMIT", NULL, NULL, NULL);
      sr_db_watch_cancellable (reader->db, NULL);
      sr_cache_read_pool_release (reader->cache->readers, reader->db);
    }
  g_object_unref (reader->cache);
  g_free (reader);
}

SrAggReader *
sr_agg_reader_begin (SrCache       *cache,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SrAggReader *reader;
  sqlite3_stmt *stmt = NULL;
  gboolean current = FALSE;
  int rc;

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  reader = g_new0 (SrAggReader, 1);
  reader->cache = g_object_ref (cache);
  reader->db = sr_cache_read_pool_acquire (cache->readers, error);
  if (reader->db == NULL)
    {
      reader_free (reader);
      return NULL;
    }
  sr_db_watch_cancellable (reader->db, cancellable);

  /* One snapshot for every query of the reader. */
  if (!sr_db_exec (reader->db, "BEGIN", error))
    {
      reader_free (reader);
      return NULL;
    }

  /* Aggregates of another calling-code table (a read-only file the writer
   * could not rebuild), or no tables at all: not an error, the caller
   * scans the rows. */
  rc = sqlite3_prepare_v2 (reader->db,
                           "SELECT value, (SELECT 1 FROM agg_hours LIMIT 1) FROM sync_state"
                           " WHERE key = '" FINGERPRINT_KEY "'",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      current = rc == SQLITE_ROW &&
                g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), get_fingerprint ()) == 0;
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          sr_db_set_error (error, reader->db, rc, "aggregates");
          sqlite3_finalize (stmt);
          reader_free (reader);
          return NULL;
        }
    }
  sqlite3_finalize (stmt);

  if (!current)
    {
      g_debug ("No current aggregates in the cache: scanning the rows");
      reader_free (reader);
      return NULL;
    }

  return reader;
}

void
sr_agg_reader_end (SrAggReader *reader)
{
  if (reader != NULL)
    reader_free (reader);
}

static gboolean
reader_step_error (SrAggReader  *reader,
                   int           rc,
                   GError      **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;

  sr_db_set_error (error, reader->db, rc, "aggregates");
  return FALSE;
}

gboolean
sr_agg_reader_foreach_row (SrAggReader      *reader,
                           gint64            from,
                           gint64            to,
                           SrReportRowFunc   func,
                           gpointer          user_data,
                           GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  SrReportRow row = { 0, };
  int rc;

  /* The columns of messages_insights, as sr_cache_foreach_report_row(). */
  if (!sr_db_prepare (reader->db,
                      "SELECT created_at, status_code, cost, sender_id, recipient, failed_reason"
                      " FROM messages WHERE created_at >= ?1 AND created_at < ?2",
                      &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int code = sqlite3_column_int (stmt, 1);

      row.created_at = sqlite3_column_int64 (stmt, 0);
      row.status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;
      row.cost = sqlite3_column_double (stmt, 2);
      row.sender_id = (const char *) sqlite3_column_text (stmt, 3);
      row.recipient = (const char *) sqlite3_column_text (stmt, 4);
      row.failed_reason = (const char *) sqlite3_column_text (stmt, 5);
      if (!func (&row, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }

  return reader_step_error (reader, rc, error);
}

gboolean
sr_agg_reader_foreach_unknown_status (SrAggReader    *reader,
                                      gint64          from,
                                      gint64          to,
                                      SrAggCellFunc   func,
                                      gpointer        user_data,
                                      GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!sr_db_prepare (reader->db,
                      "SELECT coalesce (status_raw, ''), count (*), total (cost) FROM messages"
                      " WHERE status_code = 0 AND created_at >= ?1 AND created_at < ?2"
                      " GROUP BY 1",
                      &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func (0, SR_STATUS_UNKNOWN, (const char *) sqlite3_column_text (stmt, 0),
                 sqlite3_column_int64 (stmt, 1), sqlite3_column_double (stmt, 2), user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }

  return reader_step_error (reader, rc, error);
}

static gboolean
sum_segment (SrAggReader    *reader,
             guint           table,
             gint64          first,
             gint64          end,
             SrAggCellFunc   func,
             gpointer        user_data,
             GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  int rc;

  /* SQLite sums the cells, the caller sees one row per key and status. */
  sql = g_strdup_printf ("SELECT status_code, key, sum (n), sum (cost) FROM %s"
                         " WHERE t >= ?1 AND t < ?2 GROUP BY key, status_code"
                         " HAVING sum (n) <> 0",
                         tables[table].name);
  if (!sr_db_prepare (reader->db, sql, &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, end);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int code = sqlite3_column_int (stmt, 0);
      SrStatus status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;

      if (!func (0, status, (const char *) sqlite3_column_text (stmt, 1),
                 sqlite3_column_int64 (stmt, 2),
                 (double) sqlite3_column_int64 (stmt, 3) / COST_SCALE,
                 user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }

  return reader_step_error (reader, rc, error);
}

/* The days [first, end) of kind as whole blocks of the largest level that
 * fits, and the rest at the levels below. */
static gboolean
sum_days (SrAggReader    *reader,
          SrAggTable      kind,
          guint           level,
          gint64          first,
          gint64          end,
          SrAggCellFunc   func,
          gpointer        user_data,
          GError        **error)
{
  gint64 size = level_days[level];
  gint64 a = -floor_div (-first, size) * size;
  gint64 b = floor_div (end, size) * size;

  if (first >= end)
    return TRUE;
  if (level == 0)
    return sum_segment (reader, table_index (kind, 0), first, end, func, user_data, error);
  if (a >= b)
    return sum_days (reader, kind, level - 1, first, end, func, user_data, error);

  return sum_segment (reader, table_index (kind, level), a / size, b / size, func, user_data, error) &&
         sum_days (reader, kind, level - 1, first, a, func, user_data, error) &&
         sum_days (reader, kind, level - 1, b, end, func, user_data, error);
}

gboolean
sr_agg_reader_foreach_sum (SrAggReader    *reader,
                           SrAggTable      table,
                           gint64          first,
                           gint64          end,
                           SrAggCellFunc   func,
                           gpointer        user_data,
                           GError        **error)
{
  g_return_val_if_fail (table < SR_N_AGG_TABLES, FALSE);

  if (table == SR_AGG_HOURS)
    return sum_segment (reader, table_index (SR_AGG_HOURS, 0), first, end, func, user_data, error);

  return sum_days (reader, table, N_LEVELS - 1, first, end, func, user_data, error);
}

gboolean
sr_agg_reader_foreach_hour (SrAggReader    *reader,
                            gint64          first,
                            gint64          end,
                            SrAggHourFunc   func,
                            gpointer        user_data,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT t, sum (cost)");
  int rc;

  /* One row per hour, the statuses summed by group in SQL (the rows come
   * in key order, so GROUP BY t needs no sort). Codes outside the known
   * statuses count as unknown, as everywhere. */
  for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
    {
      gboolean other = sr_status_get_group (SR_STATUS_UNKNOWN) == g;
      gboolean first_code = TRUE;

      g_string_append (sql, ", sum (CASE WHEN status_code IN (");
      for (guint i = 0; i < SR_N_STATUSES; i++)
        {
          if (sr_status_get_group (i) != g)
            continue;
          g_string_append_printf (sql, first_code ? "%u" : ", %u", i);
          first_code = FALSE;
        }
      if (first_code)
        g_string_append (sql, "NULL");
      g_string_append (sql, ")");
      if (other)
        g_string_append_printf (sql, " OR status_code < 0 OR status_code >= %d", SR_N_STATUSES);
      g_string_append (sql, " THEN n ELSE 0 END)");
    }
  g_string_append (sql, " FROM agg_hours WHERE t >= ?1 AND t < ?2 GROUP BY t");

  if (!sr_db_prepare (reader->db, sql->str, &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, end);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 by_group[SR_N_STATUS_GROUPS];

      for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
        by_group[g] = sqlite3_column_int64 (stmt, 2 + g);
      if (!func (sqlite3_column_int64 (stmt, 0), by_group,
                 (double) sqlite3_column_int64 (stmt, 1) / COST_SCALE, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }

  return reader_step_error (reader, rc, error);
}
