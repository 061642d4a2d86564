/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-insights.c: the Dashboard's aggregates (sr-insights) and the
 * calling-code table (sr-countries).
 *
 * A cache is filled from the sandbox (20,000 messages, with the DST change
 * of Europe/Nicosia inside the history) and every aggregate is checked
 * against independent SQL run with sqlite3 directly on the cache file: the
 * status groups there come from the raw status strings and the documented
 * rules, not from the app's tables, and time buckets from GDateTime.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "sr-cache-aggregates.h"
#include "sr-cache-private.h"
#include "sr-core.h"
#include "sr-insights-private.h"
#include "sr-message-private.h"
#include "sr-test-mount.h"
#include "sr-test-sandbox.h"

/* The sandbox's clock: two days after the end of summer time began in
 * Cyprus (Sunday 29 March 2026, 03:00 → 04:00). */
#define SANDBOX_NOW "2026-03-31T10:00:00Z"
#define ZONE "Europe/Nicosia"

/* The group of a raw status, as docs/SMSTO-API.md and docs/ARCHITECTURE.md define
 * them: 0 delivered, 1 unconfirmed (SENT, EXPIRED), 2 pending, 3 failed,
 * 4 not sent (REJECTED, UNSUBSCRIBED), 5 other. */
#define GROUP_SQL \
  "(CASE status_raw WHEN 'DELIVERED' THEN 0 WHEN 'SENT' THEN 1 WHEN 'EXPIRED' THEN 1" \
  " WHEN 'SENDING' THEN 2 WHEN 'QUEUED' THEN 2 WHEN 'SCHEDULED' THEN 2" \
  " WHEN 'FAILED' THEN 3 WHEN 'REJECTED' THEN 4 WHEN 'UNSUBSCRIBED' THEN 4 ELSE 5 END)"

G_STATIC_ASSERT (SR_STATUS_GROUP_DELIVERED == 0);
G_STATIC_ASSERT (SR_STATUS_GROUP_UNCONFIRMED == 1);
G_STATIC_ASSERT (SR_STATUS_GROUP_PENDING == 2);
G_STATIC_ASSERT (SR_STATUS_GROUP_FAILED == 3);
G_STATIC_ASSERT (SR_STATUS_GROUP_NOT_SENT == 4);
G_STATIC_ASSERT (SR_STATUS_GROUP_OTHER == 5);

/* --- the shared sandbox cache -------------------------------------------- */

static struct
{
  SrTestSandbox *sandbox;
  char          *dir;
  char          *path;
  SrCache       *cache;
  sqlite3       *raw;
  GTimeZone     *zone;
  gint64         now;
} shared;

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
ensure_shared_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GDateTime) now = NULL;
  SrSyncSummary summary;

  if (shared.cache != NULL)
    return;

  shared.zone = g_time_zone_new_identifier (ZONE);
  g_assert_nonnull (shared.zone);
  now = g_date_time_new_from_iso8601 (SANDBOX_NOW, NULL);
  shared.now = g_date_time_to_unix (now) * G_USEC_PER_SEC;

  shared.sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "120",
                                          "--seed", "7", "--now", SANDBOX_NOW, NULL);
  shared.dir = sr_test_make_tmpdir ("test-insights");
  shared.path = g_build_filename (shared.dir, "account.db", NULL);
  shared.cache = sr_cache_open (shared.path, &error);
  g_assert_no_error (error);

  client = sr_api_client_new (sr_test_sandbox_get_url (shared.sandbox),
                              sr_test_sandbox_get_url (shared.sandbox),
                              sr_test_sandbox_get_api_key (shared.sandbox), &error);
  g_assert_no_error (error);
  sync = sr_sync_new (client, shared.cache);
  sr_sync_set_page_size (sync, 1000);
  sr_sync_set_concurrency (sync, 4);
  sr_sync_run_async (sync, NULL, on_sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sr_sync_run_finish (sync, result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sr_cache_count_messages (shared.cache, NULL, NULL), ==, 20000);

  g_assert_cmpint (sqlite3_open_v2 (shared.path, &shared.raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
}

static void
free_shared_cache (void)
{
  if (shared.raw != NULL)
    sqlite3_close (shared.raw);
  if (shared.cache != NULL)
    sr_cache_close (shared.cache);
  g_clear_object (&shared.cache);
  g_clear_pointer (&shared.sandbox, sr_test_sandbox_free);
  if (shared.dir != NULL)
    sr_test_remove_tree (shared.dir);
  g_clear_pointer (&shared.dir, g_free);
  g_clear_pointer (&shared.path, g_free);
  g_clear_pointer (&shared.zone, g_time_zone_unref);
}

/* --- raw SQL ------------------------------------------------------------- */

typedef void (*RawRowFunc) (sqlite3_stmt *stmt,
                            gpointer      user_data);

/* Runs sql with ?1 = from and ?2 = to bound, calling func for each row. */
static void
raw_foreach (const char *sql,
             gint64      from,
             gint64      to,
             RawRowFunc  func,
             gpointer    user_data)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (shared.raw, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (shared.raw));
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    {
      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, to);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (stmt, user_data);
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

static void
get_int64_cb (sqlite3_stmt *stmt,
              gpointer      user_data)
{
  *(gint64 *) user_data = sqlite3_column_int64 (stmt, 0);
}

static gint64
raw_count (const char *sql,
           gint64      from,
           gint64      to)
{
  gint64 value = -1;

  raw_foreach (sql, from, to, get_int64_cb, &value);
  return value;
}

/* Counts per key and status group, with cost. */
typedef struct
{
  gint64 by_group[SR_N_STATUS_GROUPS];
  double cost;
} Expected;

static Expected *
expected_lookup (GHashTable *table,
                 const char *key)
{
  Expected *expected = g_hash_table_lookup (table, key);

  if (expected == NULL)
    {
      expected = g_new0 (Expected, 1);
      g_hash_table_insert (table, g_strdup (key), expected);
    }
  return expected;
}

static GHashTable *
expected_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
collect_keyed_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  const char *key = (const char *) sqlite3_column_text (stmt, 0);
  Expected *expected = expected_lookup (user_data, key != NULL ? key : "");

  expected->by_group[sqlite3_column_int (stmt, 1)] += sqlite3_column_int64 (stmt, 2);
  expected->cost += sqlite3_column_double (stmt, 3);
}

static void
assert_row_matches (const SrDeliveryRow *row,
                    const Expected      *expected)
{
  g_assert_nonnull (expected);
  g_assert_cmpint (row->delivered, ==, expected->by_group[0]);
  g_assert_cmpint (row->unconfirmed, ==, expected->by_group[1]);
  g_assert_cmpint (row->pending, ==, expected->by_group[2]);
  g_assert_cmpint (row->failed, ==, expected->by_group[3] + expected->by_group[4]);
  g_assert_cmpint (row->other, ==, expected->by_group[5]);
  g_assert_cmpint (row->total, ==, row->delivered + row->unconfirmed + row->pending +
                                   row->failed + row->other);
  g_assert_cmpfloat_with_epsilon (row->cost, expected->cost, 1e-6);

  /* Pending messages are left out of the rate, never counted as failures. */
  if (row->total - row->pending > 0)
    g_assert_cmpfloat_with_epsilon (sr_delivery_row_get_rate (row),
                                    (double) expected->by_group[0] /
                                    (double) (row->total - expected->by_group[2]), 1e-12);
  else
    g_assert_cmpfloat (sr_delivery_row_get_rate (row), ==, -1);
}

/* --- the checks ------------------------------------------------------------ */

/* The expected day (or hour) starts, computed with GDateTime alone. */
static GArray *
expected_bucket_starts (gint64   from,
                        gint64   to,
                        gboolean hourly)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GDateTime) first = g_date_time_to_timezone (g_date_time_new_from_unix_utc (from / G_USEC_PER_SEC), shared.zone);
  g_autoptr(GDateTime) day = g_date_time_new (shared.zone, g_date_time_get_year (first),
                                              g_date_time_get_month (first),
                                              g_date_time_get_day_of_month (first),
                                              hourly ? g_date_time_get_hour (first) : 0, 0, 0);

  for (;;)
    {
      g_autoptr(GDateTime) next = NULL;
      gint64 start = g_date_time_to_unix (day) * G_USEC_PER_SEC;

      if (start >= to)
        break;
      g_array_append_val (starts, start);
      if (hourly)
        next = g_date_time_add_hours (day, 1);
      else
        {
          g_autoptr(GDateTime) noon = g_date_time_add_hours (day, 12);
          g_autoptr(GDateTime) tomorrow = g_date_time_add_days (noon, 1);

          next = g_date_time_new (shared.zone, g_date_time_get_year (tomorrow),
                                  g_date_time_get_month (tomorrow),
                                  g_date_time_get_day_of_month (tomorrow), 0, 0, 0);
        }
      g_date_time_unref (day);
      day = g_steal_pointer (&next);
    }

  return starts;
}

typedef struct
{
  GArray *starts;       /* gint64 */
  GArray *expected;     /* Expected */
  gint64  end;
} BucketCheck;

/* Hours of UTC: every local midnight and hour of the zone is one. */
static void
collect_hour_cb (sqlite3_stmt *stmt,
                 gpointer      user_data)
{
  BucketCheck *check = user_data;
  gint64 hour_start = sqlite3_column_int64 (stmt, 0) * G_TIME_SPAN_HOUR;
  guint i;
  Expected *expected;

  for (i = check->starts->len; i > 0; i--)
    if (hour_start >= g_array_index (check->starts, gint64, i - 1))
      break;
  g_assert_cmpuint (i, >, 0);

  expected = &g_array_index (check->expected, Expected, i - 1);
  expected->by_group[sqlite3_column_int (stmt, 1)] += sqlite3_column_int64 (stmt, 2);
  expected->cost += sqlite3_column_double (stmt, 3);
}

static void
check_buckets (SrInsights *insights,
               gint64      from,
               gint64      to,
               gboolean    hourly)
{
  g_autoptr(GArray) starts = expected_bucket_starts (from, to, hourly);
  g_autoptr(GArray) expected = g_array_new (FALSE, TRUE, sizeof (Expected));
  BucketCheck check = { starts, expected, to };
  const SrInsightsBucket *buckets;
  guint n_buckets;
  gint64 sum = 0;

  g_assert_cmpint (sr_insights_get_bucket_size (insights), ==,
                   hourly ? SR_INSIGHTS_BUCKET_HOUR : SR_INSIGHTS_BUCKET_DAY);

  g_array_set_size (expected, starts->len);
  raw_foreach ("SELECT created_at / 3600000000, " GROUP_SQL ", count (*), total (cost)"
               " FROM messages WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2",
               from, to, collect_hour_cb, &check);

  buckets = sr_insights_get_buckets (insights, &n_buckets);
  g_assert_cmpuint (n_buckets, ==, starts->len);
  for (guint i = 0; i < n_buckets; i++)
    {
      const Expected *e = &g_array_index (expected, Expected, i);
      gint64 total = 0;

      g_assert_cmpint (buckets[i].start, ==, g_array_index (starts, gint64, i));
      if (i + 1 < n_buckets)
        g_assert_cmpint (buckets[i].end, ==, buckets[i + 1].start);
      else
        g_assert_cmpint (buckets[i].end, >=, to);

      for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
        {
          g_assert_cmpint (buckets[i].by_group[g], ==, e->by_group[g]);
          total += e->by_group[g];
        }
      g_assert_cmpint (buckets[i].total, ==, total);
      g_assert_cmpfloat_with_epsilon (buckets[i].cost, e->cost, 1e-6);
      sum += total;
    }

  g_assert_cmpint (sum, ==, sr_insights_get_totals (insights)->total);
}

typedef struct
{
  SrInsights *insights;
  guint       n_seen;
} StatusCheck;

static void
check_status_row_cb (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  StatusCheck *check = user_data;
  const char *raw = (const char *) sqlite3_column_text (stmt, 0);
  const SrInsightsStatus *rows;
  guint n_rows;
  gboolean found = FALSE;

  rows = sr_insights_get_statuses (check->insights, &n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      if (g_strcmp0 (rows[i].status_raw, raw) != 0)
        continue;

      found = TRUE;
      g_assert_cmpint (rows[i].count, ==, sqlite3_column_int64 (stmt, 1));
      g_assert_cmpfloat_with_epsilon (rows[i].cost, sqlite3_column_double (stmt, 2), 1e-6);
      g_assert_cmpint (rows[i].status, ==, sr_status_from_string (raw));
      g_assert_cmpint (rows[i].billable, ==,
                       !g_str_equal (raw, "REJECTED") && !g_str_equal (raw, "UNSUBSCRIBED"));
    }
  g_assert_true (found);
  check->n_seen++;
}

static void
check_statuses (SrInsights *insights,
                gint64      from,
                gint64      to)
{
  StatusCheck check = { insights, 0 };
  const SrInsightsTotals *totals = sr_insights_get_totals (insights);
  const SrInsightsStatus *rows;
  guint n_rows;

  raw_foreach ("SELECT status_raw, count (*), total (cost) FROM messages"
               " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY status_raw",
               from, to, check_status_row_cb, &check);
  rows = sr_insights_get_statuses (insights, &n_rows);
  g_assert_cmpuint (n_rows, ==, check.n_seen);
  for (guint i = 1; i < n_rows; i++)
    g_assert_cmpint (rows[i - 1].count, >=, rows[i].count);

  g_assert_cmpint (totals->total, ==,
                   raw_count ("SELECT count (*) FROM messages WHERE created_at >= ?1 AND created_at < ?2", from, to));
  g_assert_cmpint (totals->non_billable, ==,
                   raw_count ("SELECT count (*) FROM messages WHERE created_at >= ?1 AND created_at < ?2"
                              " AND status_raw IN ('REJECTED', 'UNSUBSCRIBED')", from, to));
  g_assert_cmpint (totals->billable + totals->non_billable, ==, totals->total);
  g_assert_cmpint (totals->by_group[SR_STATUS_GROUP_PENDING], ==,
                   raw_count ("SELECT count (*) FROM messages WHERE created_at >= ?1 AND created_at < ?2"
                              " AND status_raw IN ('SENDING', 'QUEUED', 'SCHEDULED')", from, to));
}

static void
check_countries (SrInsights *insights,
                 gint64      from,
                 gint64      to)
{
  g_autoptr(GHashTable) by_recipient = expected_table_new ();
  g_autoptr(GHashTable) by_country = expected_table_new ();
  const SrDeliveryRow *rows;
  GHashTableIter iter;
  gpointer key, value;
  guint n_rows;
  gint64 sum = 0;

  raw_foreach ("SELECT recipient, " GROUP_SQL ", count (*), total (cost) FROM messages"
               " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2",
               from, to, collect_keyed_cb, by_recipient);

  /* Recipient → country with the table (tested on its own below). */
  g_hash_table_iter_init (&iter, by_recipient);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const SrCountry *country = sr_country_from_number (key);
      Expected *from_recipient = value;
      Expected *expected = expected_lookup (by_country, country != NULL ? country->code : "");

      for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
        expected->by_group[g] += from_recipient->by_group[g];
      expected->cost += from_recipient->cost;
    }

  rows = sr_insights_get_countries (insights, &n_rows);
  g_assert_cmpuint (n_rows, ==, g_hash_table_size (by_country));
  for (guint i = 0; i < n_rows; i++)
    {
      assert_row_matches (&rows[i], g_hash_table_lookup (by_country, rows[i].key));
      sum += rows[i].total;
      if (i > 0)
        g_assert_cmpint (rows[i - 1].total, >=, rows[i].total);
      g_assert_nonnull (rows[i].label);

      /* Countries with a calling code of their own: a prefix count in SQL. */
      if (rows[i].prefix != NULL && !rows[i].prefix_shared)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM messages WHERE created_at >= ?1"
                                                  " AND created_at < ?2 AND recipient LIKE '%s%%'",
                                                  rows[i].prefix);

          g_assert_cmpint (rows[i].total, ==, raw_count (sql, from, to));
        }
      if (g_str_equal (rows[i].key, "CY"))
        {
          g_assert_cmpstr (rows[i].prefix, ==, "+357");
          g_assert_cmpstr (rows[i].label, ==, "Cyprus");
        }
    }
  g_assert_cmpint (sum, ==, sr_insights_get_totals (insights)->total);
}

static void
check_senders (SrInsights *insights,
               gint64      from,
               gint64      to)
{
  g_autoptr(GHashTable) expected = expected_table_new ();
  const SrDeliveryRow *rows;
  guint n_rows;
  gint64 sum = 0;

  raw_foreach ("SELECT coalesce (sender_id, ''), " GROUP_SQL ", count (*), total (cost) FROM messages"
               " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2",
               from, to, collect_keyed_cb, expected);

  rows = sr_insights_get_senders (insights, &n_rows);
  g_assert_cmpuint (n_rows, ==, g_hash_table_size (expected));
  for (guint i = 0; i < n_rows; i++)
    {
      assert_row_matches (&rows[i], g_hash_table_lookup (expected, rows[i].key));
      g_assert_null (rows[i].prefix);
      g_assert_cmpstr (rows[i].label, ==, rows[i].key);
      sum += rows[i].total;
    }
  g_assert_cmpint (sum, ==, sr_insights_get_totals (insights)->total);
}

static void
collect_reason_cb (sqlite3_stmt *stmt,
                   gpointer      user_data)
{
  g_hash_table_insert (user_data, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                       g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
}

static void
check_failure_reasons (SrInsights *insights,
                       gint64      from,
                       gint64      to)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const SrFailureReasonRow *rows;
  guint n_rows;
  gboolean saw_explained = FALSE;
  gboolean saw_unexplained = FALSE;

  raw_foreach ("SELECT failed_reason, count (*) FROM messages"
               " WHERE created_at >= ?1 AND created_at < ?2 AND failed_reason <> ''"
               " AND " GROUP_SQL " IN (3, 4, 5) GROUP BY 1",
               from, to, collect_reason_cb, expected);

  rows = sr_insights_get_failure_reasons (insights, &n_rows);
  g_assert_cmpuint (n_rows, ==, g_hash_table_size (expected));
  for (guint i = 0; i < n_rows; i++)
    {
      gint64 *count = g_hash_table_lookup (expected, rows[i].reason);

      g_assert_nonnull (count);
      g_assert_cmpint (rows[i].count, ==, *count);
      if (i > 0)
        g_assert_cmpint (rows[i - 1].count, >=, rows[i].count);

      g_assert_true (rows[i].explanation == sr_failure_reason_explain (rows[i].reason, NULL));
      if (g_str_equal (rows[i].reason, "Unknown Subscriber") ||
          g_str_equal (rows[i].reason, "1 - Unknown Subscriber"))
        {
          g_assert_nonnull (rows[i].explanation);
          g_assert_true (rows[i].permanent);
        }
      if (g_str_equal (rows[i].reason, "Absent Subscriber"))
        {
          g_assert_nonnull (rows[i].explanation);
          g_assert_false (rows[i].permanent);
        }
      if (rows[i].explanation != NULL)
        saw_explained = TRUE;
      else
        saw_unexplained = TRUE;
    }
  /* A big enough period has both kinds */
  if (sr_insights_get_totals (insights)->total > 2000)
    {
      g_assert_cmpuint (n_rows, >, 3);
      g_assert_true (saw_explained);
      g_assert_true (saw_unexplained);
    }
}

static void
check_everything (SrInsights *insights,
                  gint64      from,
                  gint64      to,
                  gboolean    hourly)
{
  gint64 period_from, period_to;

  sr_insights_get_period (insights, &period_from, &period_to);
  g_assert_cmpint (period_from, ==, from);
  g_assert_cmpint (period_to, ==, to);
  g_assert_cmpstr (sr_insights_get_currency (insights), ==, "EUR");

  check_buckets (insights, from, to, hourly);
  check_statuses (insights, from, to);
  check_countries (insights, from, to);
  check_senders (insights, from, to);
  check_failure_reasons (insights, from, to);
}

/* [local midnight of day - (n_days - 1), local midnight after day) */
static SrMessageFilter *
local_days (gint64 day,
            int    n_days)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (day / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, shared.zone);
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) next = NULL;
  SrMessageFilter *filter = sr_message_filter_new ();

  first = g_date_time_new (shared.zone, g_date_time_get_year (local), g_date_time_get_month (local),
                           g_date_time_get_day_of_month (local) , 0, 0, 0);
  next = g_date_time_add_days (first, 1);
  filter->to = g_date_time_to_unix (next) * G_USEC_PER_SEC;
  g_clear_pointer (&first, g_date_time_unref);
  {
    g_autoptr(GDateTime) back = g_date_time_add_days (local, 1 - n_days);

    first = g_date_time_new (shared.zone, g_date_time_get_year (back), g_date_time_get_month (back),
                             g_date_time_get_day_of_month (back), 0, 0, 0);
  }
  filter->from = g_date_time_to_unix (first) * G_USEC_PER_SEC;

  return filter;
}

static SrInsights *
query (const SrMessageFilter *filter)
{
  g_autoptr(GError) error = NULL;
  SrInsights *insights;

  insights = sr_insights_query (shared.cache, filter, SR_INSIGHTS_ALL, shared.zone, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (insights);
  return insights;
}

static void
test_thirty_days (void)
{
  g_autoptr(SrMessageFilter) filter = NULL;
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  const SrInsightsBucket *buckets;
  guint n_buckets;

  ensure_shared_cache ();
  filter = local_days (shared.now, 30);
  insights = query (filter);
  check_everything (insights, filter->from, filter->to, FALSE);

  /* 30 local days, one of them 23 hours long (the DST change). */
  buckets = sr_insights_get_buckets (insights, &n_buckets);
  g_assert_cmpuint (n_buckets, ==, 30);
  {
    guint n_short = 0;

    for (guint i = 0; i < n_buckets; i++)
      {
        gint64 length = buckets[i].end - buckets[i].start;

        g_assert_true (length == G_TIME_SPAN_DAY || length == G_TIME_SPAN_DAY - G_TIME_SPAN_HOUR);
        n_short += length != G_TIME_SPAN_DAY;
      }
    g_assert_cmpuint (n_short, ==, 1);
  }
  g_assert_cmpint (sr_insights_get_totals (insights)->total, >, 5000);

  /* One range scan of the covering index, no table rows. */
  plan = sr_cache_dup_report_rows_plan (shared.cache, filter, &error);
  g_assert_no_error (error);
  g_test_message ("plan: %s", plan);
  g_assert_nonnull (strstr (plan, "COVERING INDEX messages_insights"));
  g_assert_nonnull (strstr (plan, "created_at>?"));
}

static void
test_all_time (void)
{
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  gint64 from, to;

  ensure_shared_cache ();
  insights = query (NULL);

  from = raw_count ("SELECT min (created_at) FROM messages", 0, 0);
  to = raw_count ("SELECT max (created_at) FROM messages", 0, 0) + 1;
  check_everything (insights, from, to, FALSE);
  g_assert_cmpint (sr_insights_get_totals (insights)->total, ==, 20000);

  plan = sr_cache_dup_report_rows_plan (shared.cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (plan, "COVERING INDEX messages_insights"));
}

static void
test_one_day (void)
{
  static const struct
  {
    const char *day;
    guint       n_hours;
  } days[] = {
    { "2026-03-27T12:00:00Z", 24 },   /* a Friday */
    { "2026-03-29T12:00:00Z", 23 },   /* summer time starts */
  };

  ensure_shared_cache ();

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autoptr(GDateTime) day = g_date_time_new_from_iso8601 (days[i].day, NULL);
      g_autoptr(SrMessageFilter) filter = local_days (g_date_time_to_unix (day) * G_USEC_PER_SEC, 1);
      g_autoptr(SrInsights) insights = query (filter);
      guint n_buckets;

      check_everything (insights, filter->from, filter->to, TRUE);
      sr_insights_get_buckets (insights, &n_buckets);
      g_assert_cmpuint (n_buckets, ==, days[i].n_hours);
      g_assert_cmpint (sr_insights_get_totals (insights)->total, >, 0);
    }

  /* Today so far: hours up to now, still hourly. */
  {
    g_autoptr(SrMessageFilter) filter = local_days (shared.now, 1);
    g_autoptr(SrInsights) insights = NULL;

    filter->to = shared.now;
    insights = query (filter);
    check_everything (insights, filter->from, filter->to, TRUE);
  }
}

static void
test_empty_period (void)
{
  g_autoptr(GDateTime) before = g_date_time_new_from_iso8601 ("2025-06-10T12:00:00Z", NULL);
  g_autoptr(SrMessageFilter) filter = NULL;
  g_autoptr(SrInsights) insights = NULL;
  const SrInsightsTotals *totals;
  const SrInsightsBucket *buckets;
  guint n;

  ensure_shared_cache ();

  /* A week before the history starts: seven empty days. */
  filter = local_days (g_date_time_to_unix (before) * G_USEC_PER_SEC, 7);
  insights = query (filter);
  totals = sr_insights_get_totals (insights);
  g_assert_cmpint (totals->total, ==, 0);
  g_assert_cmpfloat (totals->cost, ==, 0);
  buckets = sr_insights_get_buckets (insights, &n);
  g_assert_cmpuint (n, ==, 7);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (buckets[i].total, ==, 0);
  g_assert_null (sr_insights_get_statuses (insights, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (sr_insights_get_countries (insights, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (sr_insights_get_senders (insights, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (sr_insights_get_failure_reasons (insights, &n));
  g_assert_cmpuint (n, ==, 0);
  check_everything (insights, filter->from, filter->to, FALSE);

  /* A filter that matches nothing and leaves the period open */
  {
    g_autoptr(SrMessageFilter) none = sr_message_filter_new ();
    g_autoptr(SrInsights) empty = NULL;
    gint64 from, to;

    none->sender_id = g_strdup ("nobody-sends-as-this");
    empty = query (none);
    sr_insights_get_period (empty, &from, &to);
    g_assert_cmpint (from, ==, SR_TIME_NONE);
    g_assert_cmpint (to, ==, SR_TIME_NONE);
    g_assert_cmpint (sr_insights_get_totals (empty)->total, ==, 0);
    g_assert_null (sr_insights_get_buckets (empty, &n));
    g_assert_cmpuint (n, ==, 0);
  }
}

/* Other conditions of the filter apply too (the Dashboard of one sender). */
static void
test_filtered (void)
{
  g_autoptr(SrMessageFilter) filter = NULL;
  g_autoptr(SrInsights) insights = NULL;
  const SrDeliveryRow *senders;
  guint n;

  ensure_shared_cache ();
  filter = local_days (shared.now, 30);
  filter->sender_id = g_strdup ("Bank");
  insights = query (filter);

  senders = sr_insights_get_senders (insights, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (senders[0].key, ==, "Bank");
  g_assert_cmpint (senders[0].total, ==, sr_insights_get_totals (insights)->total);
  {
    g_autofree char *sql = g_strdup ("SELECT count (*) FROM messages WHERE created_at >= ?1"
                                     " AND created_at < ?2 AND sender_id = 'Bank'");

    g_assert_cmpint (senders[0].total, ==, raw_count (sql, filter->from, filter->to));
  }
}

static void
on_insights_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static SrInsights *
query_async (const SrMessageFilter  *filter,
             gboolean                fixed_offset,
             gint64                  offset,
             GCancellable           *cancellable,
             GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (fixed_offset)
    sr_insights_query_async (shared.cache, filter, SR_INSIGHTS_ALL, offset, cancellable,
                             on_insights_cb, &result);
  else
    sr_insights_query_in_zone_async (shared.cache, filter, SR_INSIGHTS_ALL, shared.zone, cancellable,
                                     on_insights_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return sr_insights_query_finish (shared.cache, result, error);
}

static void
test_async (void)
{
  g_autoptr(SrMessageFilter) filter = NULL;
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(SrInsights) sync_insights = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  const SrInsightsBucket *buckets;
  guint n;

  ensure_shared_cache ();
  filter = local_days (shared.now, 7);

  insights = query_async (filter, FALSE, 0, NULL, &error);
  g_assert_no_error (error);
  check_everything (insights, filter->from, filter->to, FALSE);
  sync_insights = query (filter);
  g_assert_cmpmem (sr_insights_get_totals (insights), sizeof (SrInsightsTotals),
                   sr_insights_get_totals (sync_insights), sizeof (SrInsightsTotals));
  g_clear_pointer (&insights, sr_insights_unref);

  /* A fixed offset of UTC+3 (Cyprus in summer): buckets at 21:00 UTC. */
  insights = query_async (filter, TRUE, 3 * G_TIME_SPAN_HOUR, NULL, &error);
  g_assert_no_error (error);
  buckets = sr_insights_get_buckets (insights, &n);
  g_assert_cmpuint (n, >=, 7);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint ((buckets[i].start + 3 * G_TIME_SPAN_HOUR) % G_TIME_SPAN_DAY, ==, 0);
      g_assert_cmpint (buckets[i].end - buckets[i].start, ==, G_TIME_SPAN_DAY);
    }
  g_assert_cmpint (sr_insights_get_totals (insights)->total, ==,
                   sr_insights_get_totals (sync_insights)->total);
  g_clear_pointer (&insights, sr_insights_unref);

  /* Cancelled */
  g_cancellable_cancel (cancellable);
  insights = query_async (filter, FALSE, 0, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (insights);
}

/* --- pending is never a failure (a cache written by hand) ----------------- */

static SrMessage *
make_message (const char *id,
              const char *to,
              const char *status_raw,
              gint64      created_at)
{
  SrMessage *message = sr_message_new_empty ();

  message->id = g_strdup (id);
  message->to = g_strdup (to);
  message->sender_id = g_strdup ("Shop");
  message->status_raw = g_strdup (status_raw);
  message->status = sr_status_from_string (status_raw);
  message->created_at = created_at;
  message->cost = sr_status_is_billable (message->status) ? 0.05 : 0;
  if (g_str_equal (status_raw, "FAILED") || g_str_equal (status_raw, "UNDELIVERED"))
    message->failed_reason = g_strdup ("Absent Subscriber");
  return message;
}

static void
test_pending_not_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-insights-pending");
  g_autofree char *path = g_build_filename (dir, "account.db", NULL);
  g_autoptr(SrCache) cache = sr_cache_open (path, &error);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 t0 = G_GINT64_CONSTANT (1774000000) * G_USEC_PER_SEC;
  const SrDeliveryRow *rows;
  const SrFailureReasonRow *reasons;
  const SrInsightsStatus *statuses;
  guint n;
  struct
  {
    const char *status;
    guint       count;
  } mix[] = {
    { "DELIVERED", 6 }, { "SENDING", 5 }, { "QUEUED", 4 }, { "SCHEDULED", 3 },
    { "SENT", 2 }, { "EXPIRED", 1 }, { "FAILED", 2 }, { "REJECTED", 1 }, { "UNDELIVERED", 1 },
  };
  guint k = 0;

  g_assert_no_error (error);

  /* Cyprus: a settled mix. Greece: only pending messages. */
  for (guint i = 0; i < G_N_ELEMENTS (mix); i++)
    for (guint j = 0; j < mix[i].count; j++, k++)
      {
        g_autofree char *id = g_strdup_printf ("cy-%u", k);

        g_ptr_array_add (messages, make_message (id, "+35799000000", mix[i].status, t0 + (gint64) k * G_USEC_PER_SEC));
      }
  for (guint j = 0; j < 4; j++)
    {
      g_autofree char *id = g_strdup_printf ("gr-%u", j);

      g_ptr_array_add (messages, make_message (id, "+306900000000", j % 2 ? "QUEUED" : "SENDING",
                                               t0 + (gint64) j * G_USEC_PER_SEC));
    }
  g_assert_true (sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  insights = sr_insights_query (cache, NULL, SR_INSIGHTS_ALL, utc, NULL, &error);
  g_assert_no_error (error);

  /* Everything within a minute: hourly buckets. */
  g_assert_cmpint (sr_insights_get_bucket_size (insights), ==, SR_INSIGHTS_BUCKET_HOUR);
  g_assert_null (sr_insights_get_currency (insights));

  rows = sr_insights_get_countries (insights, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (rows[0].key, ==, "CY");
  g_assert_cmpint (rows[0].total, ==, 25);
  g_assert_cmpint (rows[0].delivered, ==, 6);
  g_assert_cmpint (rows[0].pending, ==, 12);
  g_assert_cmpint (rows[0].unconfirmed, ==, 3);
  g_assert_cmpint (rows[0].failed, ==, 3);        /* FAILED and REJECTED, no pending */
  g_assert_cmpint (rows[0].other, ==, 1);         /* UNDELIVERED */
  g_assert_cmpfloat_with_epsilon (sr_delivery_row_get_rate (&rows[0]), 6.0 / 13.0, 1e-12);

  g_assert_cmpstr (rows[1].key, ==, "GR");
  g_assert_cmpint (rows[1].pending, ==, 4);
  g_assert_cmpint (rows[1].failed, ==, 0);
  g_assert_cmpfloat (sr_delivery_row_get_rate (&rows[1]), ==, -1);

  g_assert_cmpint (sr_insights_get_totals (insights)->by_group[SR_STATUS_GROUP_FAILED], ==, 2);
  g_assert_cmpint (sr_insights_get_totals (insights)->by_group[SR_STATUS_GROUP_PENDING], ==, 16);
  g_assert_cmpint (sr_insights_get_totals (insights)->non_billable, ==, 1);

  /* The unknown status keeps its name in the breakdown. */
  statuses = sr_insights_get_statuses (insights, &n);
  {
    gboolean found = FALSE;

    for (guint i = 0; i < n; i++)
      if (g_str_equal (statuses[i].status_raw, "UNDELIVERED"))
        {
          found = TRUE;
          g_assert_cmpint (statuses[i].status, ==, SR_STATUS_UNKNOWN);
          g_assert_cmpint (statuses[i].group, ==, SR_STATUS_GROUP_OTHER);
          g_assert_cmpint (statuses[i].count, ==, 1);
        }
    g_assert_true (found);
  }

  reasons = sr_insights_get_failure_reasons (insights, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (reasons[0].reason, ==, "Absent Subscriber");
  g_assert_cmpint (reasons[0].count, ==, 3);
  g_assert_nonnull (reasons[0].explanation);
  g_assert_false (reasons[0].permanent);

  /* Leaving out what a view does not show */
  {
    g_autoptr(SrInsights) totals_only = sr_insights_query (cache, NULL, SR_INSIGHTS_NONE, utc, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (sr_insights_get_totals (totals_only)->total, ==, 29);
    g_assert_null (sr_insights_get_buckets (totals_only, &n));
    g_assert_null (sr_insights_get_countries (totals_only, &n));
    g_assert_null (sr_insights_get_statuses (totals_only, &n));
  }

  sr_cache_close (cache);
  sr_test_remove_tree (dir);
}

/* --- the aggregates of schema 5 against the rows ---------------------------
 *
 * A cache written by hand with every kind of write the writer sees: plain
 * groups, a bulk load (deferred indexes), updates of existing rows (late
 * delivery reports, and changes of cost, time, sender, recipient and
 * reason), an insert and an update of the same message in one group. Then
 * the Dashboard's figures computed from the aggregates must equal those of a
 * scan of the rows for several periods in several zones (whole-hour, half-hour
 * and DST), and the maintained tables must equal tables rebuilt from
 * scratch, and four of them independent SQL over the rows. */

#define AGG_T0 (G_GINT64_CONSTANT (1772323200) * G_USEC_PER_SEC)   /* 2026-03-01T00:00:00Z */
#define AGG_DAYS 40

static const char * const agg_statuses[] = {
  "DELIVERED", "DELIVERED", "DELIVERED", "SENT", "EXPIRED", "SENDING", "QUEUED", "SCHEDULED",
  "FAILED", "REJECTED", "UNSUBSCRIBED", "UNDELIVERED", "BOUNCED",
};
static const char * const agg_recipients[] = {
  "+35799123456", "+306912345678", "+12045551234", "+14155550000", "+447700900000",
  "+919812345678", "+74951234567", "+441481123456", "999", "", NULL,
};
static const char * const agg_senders[] = { "Shop", "Bank", "Alerts", "ΕΛΛΑΔΑ", "", NULL };
static const double agg_costs[] = { 0, 0.0375, 0.05, 0.1234567, 0.07, 1.5 };
static const char * const agg_reasons[] = { "Absent Subscriber", "Blocked", "Unknown Subscriber", NULL };

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static void
agg_fill (SrMessage *message,
          GRand     *rand)
{
  SrStatusGroup group;

  g_free (message->status_raw);
  message->status_raw = g_strdup (PICK (rand, agg_statuses));
  message->status = sr_status_from_string (message->status_raw);
  g_free (message->to);
  message->to = g_strdup (PICK (rand, agg_recipients));
  g_free (message->sender_id);
  message->sender_id = g_strdup (PICK (rand, agg_senders));
  message->cost = PICK (rand, agg_costs);
  group = sr_status_get_group (message->status);
  g_free (message->failed_reason);
  /* Reasons on failures mostly, now and then on others (not counted) */
  message->failed_reason = (group == SR_STATUS_GROUP_FAILED || group == SR_STATUS_GROUP_NOT_SENT ||
                            group == SR_STATUS_GROUP_OTHER || g_rand_int_range (rand, 0, 10) == 0)
                           ? g_strdup (PICK (rand, agg_reasons)) : NULL;
  g_free (message->message);
  message->message = g_strdup_printf ("Text %u", g_rand_int (rand));
}

static SrMessage *
agg_message (GRand  *rand,
             guint   n,
             gint64  created_at)
{
  SrMessage *message = sr_message_new_empty ();

  message->id = g_strdup_printf ("agg-%05u", n);
  message->created_at = created_at;
  agg_fill (message, rand);
  return message;
}

/* A copy of message as a later page of the API could return it. */
static SrMessage *
agg_changed (SrMessage *old,
             GRand     *rand)
{
  SrMessage *message = sr_message_new_empty ();

  message->id = g_strdup (old->id);
  message->to = g_strdup (old->to);
  message->sender_id = g_strdup (old->sender_id);
  message->status_raw = g_strdup (old->status_raw);
  message->status = old->status;
  message->failed_reason = g_strdup (old->failed_reason);
  message->message = g_strdup (old->message);
  message->created_at = old->created_at;
  message->cost = old->cost;

  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0: case 1: case 2:   /* a late delivery report */
      g_free (message->status_raw);
      message->status_raw = g_strdup (g_rand_boolean (rand) ? "DELIVERED" : "UNDELIVERED");
      message->status = sr_status_from_string (message->status_raw);
      break;
    case 3:
      message->cost += 0.01;
      break;
    case 4:                   /* another day, another hour */
      message->created_at += (gint64) g_rand_int_range (rand, -3 * 24, 3 * 24) * G_TIME_SPAN_HOUR +
                             (gint64) g_rand_int_range (rand, 1, 3600) * G_USEC_PER_SEC;
      break;
    case 5:
      agg_fill (message, rand);  /* everything at once */
      break;
    default:                  /* the same again */
      break;
    }

  return message;
}

static void
agg_upsert (SrCache   *cache,
            GPtrArray *messages)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
agg_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
agg_set_bulk_load (SrCache  *cache,
                   gboolean  bulk_load)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sr_cache_set_bulk_load_async (cache, bulk_load, NULL, agg_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sr_cache_set_bulk_load_finish (cache, result, &error));
  g_assert_no_error (error);
}

#define COST_EPSILON 1e-6

static void
assert_delivery_rows_equal (const SrDeliveryRow *a,
                            guint                n_a,
                            const SrDeliveryRow *b,
                            guint                n_b)
{
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpstr (a[i].key, ==, b[i].key);
      g_assert_cmpstr (a[i].label, ==, b[i].label);
      g_assert_cmpstr (a[i].prefix, ==, b[i].prefix);
      g_assert_cmpint (a[i].total, ==, b[i].total);
      g_assert_cmpint (a[i].delivered, ==, b[i].delivered);
      g_assert_cmpint (a[i].failed, ==, b[i].failed);
      g_assert_cmpint (a[i].unconfirmed, ==, b[i].unconfirmed);
      g_assert_cmpint (a[i].pending, ==, b[i].pending);
      g_assert_cmpint (a[i].other, ==, b[i].other);
      g_assert_cmpfloat_with_epsilon (a[i].cost, b[i].cost, COST_EPSILON);
    }
}

/* Everything the Dashboard shows, a from the aggregates, b from the rows. */
static void
assert_insights_equal (SrInsights *a,
                       SrInsights *b)
{
  const SrInsightsTotals *ta = sr_insights_get_totals (a);
  const SrInsightsTotals *tb = sr_insights_get_totals (b);
  const SrInsightsBucket *ba, *bb;
  const SrInsightsStatus *sa, *sb;
  const SrDeliveryRow *da, *db;
  const SrFailureReasonRow *fa, *fb;
  gint64 from_a, to_a, from_b, to_b;
  guint n_a, n_b;

  sr_insights_get_period (a, &from_a, &to_a);
  sr_insights_get_period (b, &from_b, &to_b);
  g_assert_cmpint (from_a, ==, from_b);
  g_assert_cmpint (to_a, ==, to_b);
  g_assert_cmpint (sr_insights_get_bucket_size (a), ==, sr_insights_get_bucket_size (b));

  g_assert_cmpint (ta->total, >, 0);
  g_assert_cmpint (ta->total, ==, tb->total);
  g_assert_cmpint (ta->billable, ==, tb->billable);
  g_assert_cmpint (ta->non_billable, ==, tb->non_billable);
  g_assert_cmpfloat_with_epsilon (ta->cost, tb->cost, COST_EPSILON);
  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      g_assert_cmpint (ta->by_status[i], ==, tb->by_status[i]);
      g_assert_cmpfloat_with_epsilon (ta->cost_by_status[i], tb->cost_by_status[i], COST_EPSILON);
    }
  for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
    g_assert_cmpint (ta->by_group[g], ==, tb->by_group[g]);

  ba = sr_insights_get_buckets (a, &n_a);
  bb = sr_insights_get_buckets (b, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  g_assert_cmpuint (n_a, >, 1);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpint (ba[i].start, ==, bb[i].start);
      g_assert_cmpint (ba[i].end, ==, bb[i].end);
      g_assert_cmpint (ba[i].total, ==, bb[i].total);
      for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
        g_assert_cmpint (ba[i].by_group[g], ==, bb[i].by_group[g]);
      g_assert_cmpfloat_with_epsilon (ba[i].cost, bb[i].cost, COST_EPSILON);
    }

  sa = sr_insights_get_statuses (a, &n_a);
  sb = sr_insights_get_statuses (b, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpstr (sa[i].status_raw, ==, sb[i].status_raw);
      g_assert_cmpint (sa[i].status, ==, sb[i].status);
      g_assert_cmpint (sa[i].count, ==, sb[i].count);
      g_assert_cmpfloat_with_epsilon (sa[i].cost, sb[i].cost, COST_EPSILON);
    }

  da = sr_insights_get_countries (a, &n_a);
  db = sr_insights_get_countries (b, &n_b);
  assert_delivery_rows_equal (da, n_a, db, n_b);
  da = sr_insights_get_senders (a, &n_a);
  db = sr_insights_get_senders (b, &n_b);
  assert_delivery_rows_equal (da, n_a, db, n_b);

  fa = sr_insights_get_failure_reasons (a, &n_a);
  fb = sr_insights_get_failure_reasons (b, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  for (guint i = 0; i < n_a; i++)
    {
      g_assert_cmpstr (fa[i].reason, ==, fb[i].reason);
      g_assert_cmpint (fa[i].count, ==, fb[i].count);
    }
}

/* [local midnight (n_days - 1) days before the day of last, next midnight) */
static SrMessageFilter *
agg_local_days (GTimeZone *zone,
                gint64     last,
                int        n_days)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (last / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) midnight = g_date_time_new (zone, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);
  g_autoptr(GDateTime) from = g_date_time_add_days (midnight, 1 - n_days);
  g_autoptr(GDateTime) to = g_date_time_add_days (midnight, 1);
  SrMessageFilter *filter = sr_message_filter_new ();

  filter->from = g_date_time_to_unix (from) * G_USEC_PER_SEC;
  filter->to = g_date_time_to_unix (to) * G_USEC_PER_SEC;
  return filter;
}

/* The Dashboard's periods in several zones: from the aggregates, equal to
 * the rows. expect_aggregates FALSE: the aggregates must not be used. */
static void
assert_dashboard_matches_rows (SrCache  *cache,
                               gboolean  expect_aggregates)
{
  const char *zones[] = { "UTC", "+03:00", "+05:30", "-09:30", ZONE };
  gint64 last = AGG_T0 + (AGG_DAYS - 2) * G_TIME_SPAN_DAY + 5 * G_TIME_SPAN_HOUR;

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (zones[z]);
      SrMessageFilter *periods[5];

      g_assert_nonnull (zone);
      periods[0] = agg_local_days (zone, last, 7);
      periods[1] = agg_local_days (zone, last, 30);
      periods[2] = NULL;   /* All Time */
      /* a custom range with edges in the middle of hours */
      periods[3] = sr_message_filter_new ();
      periods[3]->from = AGG_T0 + 5 * G_TIME_SPAN_DAY + 7 * G_TIME_SPAN_HOUR + 13 * G_TIME_SPAN_MINUTE;
      periods[3]->to = AGG_T0 + 17 * G_TIME_SPAN_DAY + 2 * G_TIME_SPAN_HOUR + 1;
      /* across the change to summer time in Cyprus (29 March) */
      periods[4] = agg_local_days (zone, AGG_T0 + 30 * G_TIME_SPAN_DAY, 3);

      for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(SrInsights) from_aggregates = NULL;
          g_autoptr(SrInsights) from_rows = NULL;

          g_test_message ("zone %s, period %u", zones[z], p);
          from_aggregates = sr_insights_query (cache, periods[p], SR_INSIGHTS_ALL, zone, NULL, &error);
          g_assert_no_error (error);
          from_rows = sr_insights_query_rows (cache, periods[p], SR_INSIGHTS_ALL, zone, &error);
          g_assert_no_error (error);

          g_assert_cmpint (sr_insights_get_from_aggregates (from_aggregates), ==, expect_aggregates);
          g_assert_false (sr_insights_get_from_aggregates (from_rows));
          assert_insights_equal (from_aggregates, from_rows);

          /* What the Dashboard's comparison asks: totals only */
          {
            g_autoptr(SrInsights) totals = sr_insights_query (cache, periods[p], SR_INSIGHTS_NONE,
                                                              zone, NULL, &error);

            g_assert_no_error (error);
            g_assert_cmpint (sr_insights_get_totals (totals)->total, ==,
                             sr_insights_get_totals (from_rows)->total);
          }
        }

      for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
        g_clear_pointer (&periods[p], sr_message_filter_free);
    }
}

static char *
agg_dump (sqlite3 *db)
{
  g_autoptr(GError) error = NULL;
  char *dump = sr_cache_aggregates_dump (db, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dump);
  return dump;
}

/* Three of the tables as plain SQL over the rows, in the dump's format. */
static char *
agg_dump_by_sql (sqlite3 *db)
{
  const char *sql =
    "SELECT 'agg_hours', created_at / 3600000000,"
    "       CASE WHEN status_code = 0 THEN coalesce (status_raw, '') ELSE '' END AS k, status_code,"
    "       count (*), sum (CAST (round (cost * 1e9) AS INTEGER))"
    "  FROM messages GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;"
    "SELECT 'agg_statuses', created_at / 86400000000,"
    "       CASE WHEN status_code = 0 THEN coalesce (status_raw, '') ELSE '' END AS k, status_code,"
    "       count (*), sum (CAST (round (cost * 1e9) AS INTEGER))"
    "  FROM messages GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;"
    "SELECT 'agg_senders', created_at / 86400000000, coalesce (sender_id, ''), status_code,"
    "       count (*), sum (CAST (round (cost * 1e9) AS INTEGER))"
    "  FROM messages GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;"
    "SELECT 'agg_reasons', created_at / 86400000000, failed_reason, status_code,"
    "       count (*), sum (CAST (round (cost * 1e9) AS INTEGER))"
    "  FROM messages WHERE failed_reason <> '' GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;";
  g_autoptr(GString) dump = g_string_new (NULL);
  const char *tail = sql;

  while (*tail != '\0')
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, tail, -1, &stmt, &tail), ==, SQLITE_OK);
      if (stmt == NULL)
        break;
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (dump, "%s %" G_GINT64_FORMAT " \"%s\" %d %" G_GINT64_FORMAT
                                " %" G_GINT64_FORMAT "\n",
                                (const char *) sqlite3_column_text (stmt, 0),
                                (gint64) sqlite3_column_int64 (stmt, 1),
                                (const char *) sqlite3_column_text (stmt, 2),
                                sqlite3_column_int (stmt, 3),
                                (gint64) sqlite3_column_int64 (stmt, 4),
                                (gint64) sqlite3_column_int64 (stmt, 5));
      sqlite3_finalize (stmt);
    }

  return g_string_free (g_steal_pointer (&dump), FALSE);
}

/* The lines of dump of the tables agg_dump_by_sql() computes. */
static char *
agg_sql_tables_only (const char *dump)
{
  g_auto(GStrv) lines = g_strsplit (dump, "\n", -1);
  g_autoptr(GString) kept = g_string_new (NULL);
  const char *names[] = { "agg_hours ", "agg_statuses ", "agg_senders ", "agg_reasons " };

  for (guint i = 0; lines[i] != NULL; i++)
    {
      for (guint k = 0; k < G_N_ELEMENTS (names); k++)
        {
          if (g_str_has_prefix (lines[i], names[k]))
            g_string_append_printf (kept, "%s\n", lines[i]);
        }
    }
  return g_string_free (g_steal_pointer (&kept), FALSE);
}

/* The tables the writer kept equal tables rebuilt from scratch, and plain
 * SQL over the rows. */
static void
assert_tables_match_rows (const char *path)
{
  sqlite3 *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *rebuilt = NULL;
  g_autofree char *kept_sql_part = NULL;
  g_autofree char *by_sql = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  kept = agg_dump (db);
  g_assert_nonnull (strstr (kept, "agg_countries "));
  g_assert_nonnull (strstr (kept, "agg_senders_8 "));
  g_assert_nonnull (strstr (kept, "agg_reasons_64 "));
  g_assert_nonnull (strstr (kept, "\"UNDELIVERED\""));

  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (sr_cache_aggregates_rebuild (db, &error));
  g_assert_no_error (error);
  rebuilt = agg_dump (db);
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpstr (kept, ==, rebuilt);

  kept_sql_part = agg_sql_tables_only (kept);
  by_sql = agg_dump_by_sql (db);
  g_assert_cmpstr (kept_sql_part, ==, by_sql);

  sqlite3_close (db);
}

static void
agg_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
test_aggregates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-insights-aggregates");
  g_autofree char *path = g_build_filename (dir, "account.db", NULL);
  g_autoptr(SrCache) cache = sr_cache_open (path, &error);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint n = 0;

  g_assert_no_error (error);

  /* Spread over 40 days, and some on the edges that matter: UTC midnights,
   * local midnights at +03:00, +05:30 and -09:30, one microsecond either
   * side. */
  for (guint i = 0; i < 3000; i++, n++)
    g_ptr_array_add (all, agg_message (rand, n, AGG_T0 + (gint64) g_rand_double_range (rand, 0, AGG_DAYS * (double) G_TIME_SPAN_DAY)));
  for (gint64 day = 0; day < AGG_DAYS; day++)
    {
      const gint64 edges[] = { 0, 21 * G_TIME_SPAN_HOUR, 18 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE,
                               9 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE };

      for (guint e = 0; e < G_N_ELEMENTS (edges); e++)
        for (gint64 delta = -1; delta <= 1; delta++, n++)
          g_ptr_array_add (all, agg_message (rand, n, AGG_T0 + day * G_TIME_SPAN_DAY + edges[e] + delta));
    }

  /* A few older ones, months back, so that All Time spans blocks of 64
   * days */
  for (guint i = 0; i < 200; i++, n++)
    g_ptr_array_add (all, agg_message (rand, n, AGG_T0 - (gint64) g_rand_double_range (rand, 1, 300 * (double) G_TIME_SPAN_DAY)));

  /* Plain groups */
  for (guint start = 0; start < all->len / 2; start += 500)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = start; i < MIN (start + 500, all->len / 2); i++)
        g_ptr_array_add (batch, g_ptr_array_index (all, i));
      agg_upsert (cache, batch);
    }

  /* A first sync's bulk load */
  agg_set_bulk_load (cache, TRUE);
  {
    g_autoptr(GPtrArray) batch = g_ptr_array_new ();

    for (guint i = all->len / 2; i < all->len; i++)
      g_ptr_array_add (batch, g_ptr_array_index (all, i));
    agg_upsert (cache, batch);
  }
  assert_dashboard_matches_rows (cache, TRUE);
  agg_set_bulk_load (cache, FALSE);

  /* Updates of existing rows, new rows, and in one group (two writes queued
   * together) a new message and its update */
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GAsyncResult) result1 = NULL;
      g_autoptr(GAsyncResult) result2 = NULL;

      for (guint i = 0; i < 400; i++)
        {
          guint k = g_rand_int_range (rand, 0, all->len);
          SrMessage *changed = agg_changed (g_ptr_array_index (all, k), rand);

          g_ptr_array_add (first, g_object_ref (changed));
          g_ptr_array_index (all, k) = changed;   /* the old one goes with all's free func */
        }
      for (guint i = 0; i < 100; i++, n++)
        {
          SrMessage *fresh = agg_message (rand, n, AGG_T0 + (gint64) g_rand_double_range (rand, 0, AGG_DAYS * (double) G_TIME_SPAN_DAY));

          g_ptr_array_add (first, g_object_ref (fresh));
          g_ptr_array_add (second, agg_changed (fresh, rand));
          g_ptr_array_add (all, fresh);
        }

      sr_cache_upsert_messages_async (cache, first, NULL, NULL, agg_done_cb, &result1);
      sr_cache_upsert_messages_async (cache, second, NULL, NULL, agg_done_cb, &result2);
      while (result1 == NULL || result2 == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (sr_cache_upsert_messages_finish (cache, result1, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (sr_cache_upsert_messages_finish (cache, result2, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  assert_dashboard_matches_rows (cache, TRUE);
  sr_cache_close (cache);
  g_clear_object (&cache);
  assert_tables_match_rows (path);

  /* Opened read-only, the aggregates serve as well */
  if (sr_test_make_read_only (dir))
    {
      cache = sr_cache_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (sr_cache_get_read_only (cache));
      assert_dashboard_matches_rows (cache, TRUE);
      sr_cache_close (cache);
      g_clear_object (&cache);
      sr_test_make_writable (dir);
    }
  else
    g_test_message ("Cannot make a read-only folder here: read-only part skipped");

  /* Aggregates written with another calling-code table (and wrong, to be
   * sure they are not read): a reader scans the rows, the next writer
   * rebuilds them. */
  agg_exec (path,
            "UPDATE sync_state SET value = '0:older' WHERE key = 'aggregates';"
            "UPDATE agg_hours SET n = n + 1000;"
            "UPDATE agg_countries SET key = key || '-old';");
  if (sr_test_make_read_only (dir))
    {
      cache = sr_cache_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (sr_cache_get_read_only (cache));
      assert_dashboard_matches_rows (cache, FALSE);
      sr_cache_close (cache);
      g_clear_object (&cache);
      sr_test_make_writable (dir);
    }
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  assert_dashboard_matches_rows (cache, TRUE);
  sr_cache_close (cache);
  g_clear_object (&cache);
  assert_tables_match_rows (path);

  /* A file of schema 4 (without the later steps: the aggregates and the
   * recipient index): the migration builds them from the rows */
  {
    const char *kinds[] = { "statuses", "senders", "countries", "reasons" };
    g_autoptr(GString) sql = g_string_new ("DROP TABLE agg_hours;"
                                           "DROP TRIGGER messages_recipient_fts_delete;"
                                           "DROP TABLE messages_recipient_fts;");

    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      g_string_append_printf (sql, "DROP TABLE agg_%s; DROP TABLE agg_%s_8; DROP TABLE agg_%s_64;",
                              kinds[k], kinds[k], kinds[k]);
    g_string_append (sql, "DELETE FROM sync_state WHERE key = 'aggregates'; PRAGMA user_version = 4;");
    agg_exec (path, sql->str);
  }
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  assert_dashboard_matches_rows (cache, TRUE);
  sr_cache_close (cache);
  g_clear_object (&cache);
  assert_tables_match_rows (path);

  sr_test_remove_tree (dir);
}

/* --- the calling-code table ----------------------------------------------- */

static void
assert_country (const char *number,
                const char *code,
                const char *prefix)
{
  const SrCountry *country = sr_country_from_number (number);

  if (code == NULL)
    {
      g_assert_null (country);
      return;
    }
  g_assert_nonnull (country);
  g_assert_cmpstr (country->code, ==, code);
  g_assert_cmpstr (country->prefix, ==, prefix);
}

static void
test_countries (void)
{
  const SrCountry *cy = sr_country_from_number ("+35799123456");
  const SrCountry *all;
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) prefixes = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  g_assert_nonnull (cy);
  g_assert_cmpstr (cy->code, ==, "CY");
  g_assert_cmpstr (cy->name, ==, "Cyprus");
  g_assert_cmpstr (cy->prefix, ==, "+357");
  g_assert_cmpstr (sr_country_get_name (cy), ==, "Cyprus");
  g_assert_cmpstr (sr_country_get_calling_code (cy), ==, "+357");
  g_assert_false (sr_country_is_calling_code_shared (cy));

  /* +1: the United States unless the area code says otherwise */
  assert_country ("+12125550100", "US", "+1");
  assert_country ("+12425550100", "BS", "+1242");
  assert_country ("+14165550100", "CA", "+1416");
  assert_country ("+18095550100", "DO", "+1809");
  assert_country ("+17875550100", "PR", "+1787");
  g_assert_cmpstr (sr_country_get_calling_code (sr_country_from_number ("+12425550100")), ==, "+1");
  g_assert_true (sr_country_is_calling_code_shared (sr_country_from_number ("+12425550100")));
  g_assert_true (sr_country_is_calling_code_shared (sr_country_from_number ("+12125550100")));

  assert_country ("+447700900123", "GB", "+44");
  assert_country ("+441481123456", "GG", "+441481");
  g_assert_cmpstr (sr_country_get_calling_code (sr_country_from_number ("+441481123456")), ==, "+44");
  assert_country ("+306912345678", "GR", "+30");
  assert_country ("+4915112345678", "DE", "+49");
  assert_country ("+79161234567", "RU", "+7");
  assert_country ("+77011234567", "KZ", "+77");
  assert_country ("+2348031234567", "NG", "+234");
  assert_country ("+971501234567", "AE", "+971");
  assert_country ("+61412345678", "AU", "+61");
  assert_country ("+919812345678", "IN", "+91");
  assert_country ("+358181234567", "AX", "+35818");
  assert_country ("+358401234567", "FI", "+358");
  assert_country ("+262269123456", "YT", "+262269");
  assert_country ("+262692123456", "RE", "+262");

  /* Written loosely */
  assert_country ("00357 99 123456", "CY", "+357");
  assert_country ("+357-99-123456", "CY", "+357");
  assert_country ("+1 (242) 555-0100", "BS", "+1242");
  assert_country ("35799123456", "CY", "+357");

  /* No such calling code, or no number */
  assert_country ("+9991234567", NULL, NULL);
  assert_country ("+8001234567", NULL, NULL);
  assert_country ("+", NULL, NULL);
  assert_country ("", NULL, NULL);
  assert_country ("Bank", NULL, NULL);
  assert_country (NULL, NULL, NULL);

  g_assert_true (sr_country_from_code ("cy") == cy);
  g_assert_cmpstr (sr_country_from_code ("CA")->name, ==, "Canada");
  g_assert_null (sr_country_from_code ("ZZ"));

  /* At least the ~240 ITU codes, well formed */
  all = sr_countries_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (strlen (all[i].code), ==, 2);
      g_assert_true (g_ascii_isupper (all[i].code[0]) && g_ascii_isupper (all[i].code[1]));
      g_assert_true (all[i].prefix[0] == '+');
      for (const char *p = all[i].prefix + 1; *p; p++)
        g_assert_true (g_ascii_isdigit (*p));
      g_assert_true (sr_country_from_number (all[i].prefix) == &all[i]);
      g_assert_false (g_hash_table_contains (prefixes, all[i].prefix));
      g_hash_table_add (prefixes, (gpointer) all[i].prefix);
      g_hash_table_add (codes, (gpointer) all[i].code);
    }
  g_assert_cmpuint (g_hash_table_size (codes), >=, 235);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/insights/countries", test_countries);
  g_test_add_func ("/insights/pending-not-failure", test_pending_not_failure);
  g_test_add_func ("/insights/thirty-days", test_thirty_days);
  g_test_add_func ("/insights/all-time", test_all_time);
  g_test_add_func ("/insights/one-day", test_one_day);
  g_test_add_func ("/insights/empty-period", test_empty_period);
  g_test_add_func ("/insights/filtered", test_filtered);
  g_test_add_func ("/insights/async", test_async);
  g_test_add_func ("/insights/aggregates", test_aggregates);

  ret = g_test_run ();
  free_shared_cache ();

  return ret;
}
