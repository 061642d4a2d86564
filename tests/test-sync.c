/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-sync.c: synchronisation against the sandbox server over real HTTP
 * into a real SQLite file. After each scenario the cache must be identical
 * to the sandbox's account: same count, same counts per status, same
 * checksum over ids and statuses.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include <sqlite3.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-test-sandbox.h"

typedef struct
{
  char    *dir;
  char    *path;
  SrCache *cache;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = sr_test_make_tmpdir ("test-sync");
  fixture->path = g_build_filename (fixture->dir, "account.db", NULL);
  fixture->cache = sr_cache_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->cache);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->cache != NULL)
    sr_cache_close (fixture->cache);
  g_clear_object (&fixture->cache);
  sr_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  GCancellable *cancellable;
  guint         cancel_after_pages;
  GPtrArray    *strategies;     /* every strategy the sync reported */
  guint         max_wait;       /* longest wait before a retry seen, s */
  gboolean      cancel_on_wait; /* cancel once a wait of 60 s or more is seen */
} Runner;

/* The strategies of the last run_sync(), for the tests of the unknowns. */
static GPtrArray *last_strategies;

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Runner *runner = user_data;

  runner->result = g_object_ref (result);
  g_main_loop_quit (runner->loop);
}

static void
on_progress_cb (SrSync *sync,
                Runner *runner)
{
  const char *strategy = sr_sync_get_strategy (sync);
  guint wait = (guint) sr_sync_get_wait (sync, NULL);

  if (runner->cancel_after_pages > 0 &&
      sr_sync_get_pages_done (sync) >= runner->cancel_after_pages)
    g_cancellable_cancel (runner->cancellable);
  if (strategy != NULL && !g_ptr_array_find_with_equal_func (runner->strategies, strategy, g_str_equal, NULL))
    g_ptr_array_add (runner->strategies, g_strdup (strategy));
  runner->max_wait = MAX (runner->max_wait, wait);
  if (runner->cancel_on_wait && wait >= 60)
    g_cancellable_cancel (runner->cancellable);
}

static SrApiClient *
make_client (SrTestSandbox *sandbox,
             const char    *key)
{
  g_autoptr(GError) error = NULL;
  SrApiClient *client;

  client = sr_api_client_new (sr_test_sandbox_get_url (sandbox),
                              sr_test_sandbox_get_url (sandbox),
                              key ? key : sr_test_sandbox_get_api_key (sandbox),
                              &error);
  g_assert_no_error (error);
  /* Faults are injected often in these tests; keep the backoff short. */
  sr_api_client_set_base_delay (client, 20);
  sr_api_client_set_max_attempts (client, 12);
  return client;
}

static guint last_max_wait;
static gboolean cancel_on_wait;

/* Runs one sync. Returns TRUE on success; error and summary are set. */
static gboolean
run_sync (SrCache        *cache,
          SrApiClient    *client,
          guint           page_size,
          guint           cancel_after_pages,
          SrSyncSummary  *summary,
          GError        **error)
{
  g_autoptr(SrSync) sync = sr_sync_new (client, cache);
  Runner runner = { 0 };
  gboolean ok;

  runner.loop = g_main_loop_new (NULL, FALSE);
  runner.cancellable = g_cancellable_new ();
  runner.cancel_after_pages = cancel_after_pages;
  runner.strategies = g_ptr_array_new_with_free_func (g_free);
  runner.cancel_on_wait = cancel_on_wait;

  sr_sync_set_page_size (sync, page_size);
  sr_sync_set_concurrency (sync, 4);
  g_signal_connect (sync, "progress", G_CALLBACK (on_progress_cb), &runner);

  sr_sync_run_async (sync, runner.cancellable, on_sync_done_cb, &runner);
  g_main_loop_run (runner.loop);

  ok = sr_sync_run_finish (sync, runner.result, summary, error);
  g_assert_false (sr_sync_is_running (sync));

  g_object_unref (runner.result);
  g_object_unref (runner.cancellable);
  g_main_loop_unref (runner.loop);
  g_clear_pointer (&last_strategies, g_ptr_array_unref);
  last_strategies = runner.strategies;
  last_max_wait = runner.max_wait;
  return ok;
}

static gboolean
strategy_seen (const char *needle)
{
  for (guint i = 0; last_strategies != NULL && i < last_strategies->len; i++)
    if (strstr (g_ptr_array_index (last_strategies, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_identical (SrTestSandbox *sandbox,
                  SrCache       *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_status = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *cache_checksum = NULL;
  gint64 total = -1;
  gint64 cached;

  sr_test_sandbox_get_summary (sandbox, &total, &checksum, &by_status);

  cached = sr_cache_count_messages (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cached, ==, total);

  counts = sr_cache_query_status_counts (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, g_hash_table_size (by_status));
  for (guint i = 0; i < counts->len; i++)
    {
      SrStatusCount *count = g_ptr_array_index (counts, i);
      gpointer expected;

      g_assert_true (g_hash_table_lookup_extended (by_status, count->status_raw, NULL, &expected));
      g_assert_cmpint (count->count, ==, GPOINTER_TO_INT (expected));
    }

  cache_checksum = sr_cache_dup_checksum (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cache_checksum, ==, checksum);

  g_assert_true (sr_cache_check_integrity (cache, &error));
  g_assert_no_error (error);
}

/* Every index of a fresh file is there, and none is waiting to be built:
 * the first sync defers them and must always put them back. */
static void
assert_indexes_complete (const char *path)
{
  g_autofree char *fresh_dir = sr_test_make_tmpdir ("test-sync-fresh");
  g_autofree char *fresh_path = g_build_filename (fresh_dir, "fresh.db", NULL);
  g_autoptr(SrCache) fresh = NULL;
  const char *query = "SELECT group_concat(name, ',') FROM"
                      " (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name)";
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;

  fresh = sr_cache_open (fresh_path, NULL);
  g_assert_nonnull (fresh);
  sr_cache_close (fresh);

  for (guint i = 0; i < 2; i++)
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (i == 0 ? fresh_path : path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (i == 0)
        expected = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else
        actual = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);

      if (i == 1 && sqlite3_prepare_v2 (db, "SELECT count(*) FROM deferred_indexes", -1, &stmt, NULL) == SQLITE_OK)
        {
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
          sqlite3_finalize (stmt);
        }
      sqlite3_close (db);
    }

  g_assert_nonnull (strstr (expected, "messages_cost"));
  g_assert_cmpstr (actual, ==, expected);
  sr_test_remove_tree (fresh_dir);
}

static void
test_full_sync (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;
  SrSyncSummary summary;
  double balance = -1;
  gint64 last_sync = SR_TIME_NONE;

  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "120", "--seed", "11",
                                   "--balance", "42.5", "--currency", "EUR", NULL);
  client = make_client (sandbox, NULL);

  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, 20000);
  g_assert_cmpuint (summary.n_updated, ==, 0);
  g_assert_cmpuint (summary.n_errors, ==, 0);
  g_assert_cmpint (summary.server_total, ==, 20000);
  g_assert_cmpint (summary.cached_total, ==, 20000);
  g_assert_cmpuint (summary.n_campaigns, ==, 120);
  g_assert_cmpint (sr_cache_count_campaigns (fixture->cache, NULL, NULL), ==, 120);
  assert_identical (sandbox, fixture->cache);
  assert_indexes_complete (fixture->path);

  g_assert_true (sr_cache_get_account (fixture->cache, &balance, &currency, &last_sync, NULL));
  g_assert_cmpfloat_with_epsilon (balance, 42.5, 0.001);
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_cmpint (last_sync, >, g_get_real_time () - 5 * G_TIME_SPAN_MINUTE);

  /* Nothing changed on the server: an incremental sync adds nothing. */
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, 0);
  g_assert_cmpuint (summary.n_pages, <, 20);
  assert_identical (sandbox, fixture->cache);
}

static void
test_live_incremental (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after_sandbox = NULL;
  g_autoptr(SrMessageFilter) open_filter = sr_message_filter_new ();
  SrSyncSummary summary;
  gint64 total_before, total_after, open_before;

  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "80", "--seed", "12",
                                   "--live", "--manual-clock", "--live-rate", "120", NULL);
  client = make_client (sandbox, NULL);

  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  assert_identical (sandbox, fixture->cache);

  open_filter->status_mask = sr_status_non_final_mask ();
  open_before = sr_cache_count_messages (fixture->cache, open_filter, NULL);
  g_assert_cmpint (open_before, >, 0);
  before = sr_cache_dup_checksum (fixture->cache, NULL);
  total_before = sr_cache_count_messages (fixture->cache, NULL, NULL);

  /* Two hours later: new messages have arrived and pending ones settled. */
  sr_test_sandbox_advance (sandbox, 2 * 3600);
  sr_test_sandbox_get_summary (sandbox, &total_after, &after_sandbox, NULL);
  g_assert_cmpint (total_after, >, total_before);
  g_assert_cmpstr (after_sandbox, !=, before);

  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, total_after - total_before);
  g_assert_cmpuint (summary.n_updated, >, 0);
  /* Only the recent part of the history was fetched again. */
  g_assert_cmpuint (summary.n_new + summary.n_updated, <, total_after);
  assert_identical (sandbox, fixture->cache);
}

static void
test_cancel_and_resume (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *run_from = NULL;
  SrSyncSummary summary;
  gint64 partial;

  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "50", "--seed", "13", NULL);
  client = make_client (sandbox, NULL);

  g_assert_false (run_sync (fixture->cache, client, 500, 10, &summary, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  partial = sr_cache_count_messages (fixture->cache, NULL, NULL);
  /* Ten pages were committed before the cancel; on a first sync one of
   * them may be the upward walk's page after T0, which is empty here (the
   * account gets no new messages), so nine are full pages of history. */
  g_assert_cmpint (partial, >=, 9 * 500);
  g_assert_cmpint (partial, <, 20000);
  run_from = sr_cache_dup_state (fixture->cache, "sync.run_from", NULL);
  g_assert_nonnull (run_from);
  /* A cancelled first sync still builds the indexes it deferred. */
  assert_indexes_complete (fixture->path);

  /* The next run resumes at the checkpoint instead of starting over. */
  g_assert_true (run_sync (fixture->cache, client, 500, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, 20000 - partial);
  g_assert_cmpuint (summary.n_new + summary.n_updated, <=, 20000 - partial + 500);
  assert_identical (sandbox, fixture->cache);
  g_assert_null (sr_cache_dup_state (fixture->cache, "sync.run_from", NULL));
}

static gint64
parse_state_int (SrCache    *cache,
                 const char *key)
{
  g_autofree char *text = sr_cache_dup_state (cache, key, NULL);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

/* A read-only look at the file, without opening it as a cache (which would
 * build the indexes the running sync deferred). */
static gint64
raw_count (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 5000);
      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);

  return value;
}

/* 30,000 messages: more than a bulk load needs, so every run defers the
 * indexes, the unique id index among them, and the kills land while it is
 * missing. With data ("--ignore-page") the server ignores page numbers and
 * the walk reads keyset windows, whose resumed first window reads again
 * messages of the second it stopped in: they must be updated, not stored a
 * second time. */
static void
test_kill_and_rerun (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *name = NULL;
  const char *cli = g_getenv ("SR_CLI_PATH");
  gint64 partial = 0;

  g_assert_nonnull (cli);

  /* Slow pages so the kill lands in the middle of the run. */
  sandbox = sr_test_sandbox_start ("--messages", "30000", "--campaigns", "50", "--seed", "14",
                                   "--latency-ms", "40", (const char *) data, NULL);
  data_dir = g_build_filename (fixture->dir, "cli-data", NULL);
  name = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (sandbox),
                                         sr_test_sandbox_get_api_key (sandbox));
  db_path = g_build_filename (data_dir, name, NULL);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_autoptr(GSubprocess) process = NULL;
      const char *url = sr_test_sandbox_get_url (sandbox);

      g_subprocess_launcher_setenv (launcher, "SMSTO_API_KEY", sr_test_sandbox_get_api_key (sandbox), TRUE);
      process = g_subprocess_launcher_spawn (launcher, &error, cli,
                                             "--api-url", url, "--auth-url", url,
                                             "--data-dir", data_dir,
                                             "sync", "--page-size", "200", "--concurrency", "2",
                                             NULL);
      g_assert_no_error (error);

      /* Wait until some pages are committed, then kill without warning. */
      for (guint i = 0; i < 600; i++)
        {
          g_usleep (50 * 1000);
          if (g_file_test (db_path, G_FILE_TEST_EXISTS))
            {
              partial = raw_count (db_path, "SELECT count (*) FROM messages");
              if (partial >= 2000 * (round + 1))
                break;
            }
        }
      g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, NULL);
      g_assert_true (g_subprocess_get_if_signaled (process));
      g_assert_cmpint (partial, <, 30000);

      /* Killed during the bulk load: no unique index checks the ids (its
       * definition waits in deferred_indexes), and still no id twice. */
      g_assert_cmpint (raw_count (db_path, "SELECT count (*) FROM sqlite_schema WHERE name = 'messages_id'"), ==, 0);
      g_assert_cmpint (raw_count (db_path, "SELECT count (*) FROM deferred_indexes WHERE name = 'messages_id'"), ==, 1);
      g_assert_cmpint (raw_count (db_path, "SELECT count (DISTINCT id) FROM messages"), ==,
                       raw_count (db_path, "SELECT count (*) FROM messages"));

      /* Killed in the middle of the history walk: its checkpoint is there,
       * and what is cached is the newest part of the history. */
      {
        g_autoptr(SrCache) peek = sr_cache_open (db_path, &error);
        SrSyncHistory history;

        g_assert_no_error (error);
        g_assert_cmpint (parse_state_int (peek, "sync.down_t0"), >, 0);
        g_assert_true (sr_sync_read_history (peek, &history));
        g_assert_false (history.complete);
        g_assert_cmpint (history.oldest, !=, SR_TIME_NONE);
        g_assert_cmpint (sr_cache_get_newest_created_at (peek, NULL), <=,
                         parse_state_int (peek, "sync.down_t0") + G_USEC_PER_SEC);
        sr_cache_close (peek);
      }
    }

  /* Rerun to the end with the same tool. */
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autoptr(GSubprocess) process = NULL;
    const char *url = sr_test_sandbox_get_url (sandbox);
    g_autoptr(SrCache) cache = NULL;

    g_subprocess_launcher_setenv (launcher, "SMSTO_API_KEY", sr_test_sandbox_get_api_key (sandbox), TRUE);
    process = g_subprocess_launcher_spawn (launcher, &error, cli,
                                           "--api-url", url, "--auth-url", url,
                                           "--data-dir", data_dir, "sync", NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (process, NULL, &error));
    g_assert_no_error (error);

    cache = sr_cache_open (db_path, &error);
    g_assert_no_error (error);
    assert_identical (sandbox, cache);
    sr_cache_close (cache);
    assert_indexes_complete (db_path);
  }
}

static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;
  gint64 requests = 0, faults = 0;

  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "60", "--seed", "15",
                                   "--fail-rate", "0.1", "--rate-limit", "--drop-rate", "0.05",
                                   NULL);
  client = make_client (sandbox, NULL);

  g_assert_true (run_sync (fixture->cache, client, 500, 0, &summary, &error));
  g_assert_no_error (error);
  assert_identical (sandbox, fixture->cache);

  sr_test_sandbox_get_counters (sandbox, &requests, &faults);
  g_assert_cmpint (faults, >, 0);
  g_assert_cmpuint (sr_api_client_get_n_retries (client), >, 0);
}

static void
test_malformed_page (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SrTestSandbox) once = NULL;
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;
  gint64 total = 0;

  /* Broken once: the client asks for the page again, nothing is lost. */
  once = sr_test_sandbox_start ("--messages", "8000", "--campaigns", "30", "--seed", "16",
                                "--malformed-page", "4", NULL);
  client = make_client (once, NULL);
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_errors, ==, 0);
  g_assert_cmpuint (sr_api_client_get_n_retries (client), >=, 1);
  assert_identical (once, fixture->cache);
  g_clear_object (&client);
  sr_cache_close (fixture->cache);
  g_clear_object (&fixture->cache);
  g_remove (fixture->path);
  fixture->cache = sr_cache_open (fixture->path, &error);
  g_assert_no_error (error);

  /* Unreadable after its retries: the sync stops with a clear error and
   * keeps the pages before it (page 4 of the history walk, newest first). */
  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "60", "--seed", "16",
                                   "--malformed-page", "4", "--malformed-times", "3", NULL);
  client = make_client (sandbox, NULL);
  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, 3000);
  g_assert_cmpint (parse_state_int (fixture->cache, "sync.down_t0"), >, 0);

  /* The next sync resumes at page 4 and completes. */
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, 17000);
  sr_test_sandbox_get_summary (sandbox, &total, NULL, NULL);
  assert_identical (sandbox, fixture->cache);
  g_assert_null (sr_cache_dup_state (fixture->cache, "sync.down_t0", NULL));
}

static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrApiClient) wrong = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SrSyncSummary summary;

  sandbox = sr_test_sandbox_start ("--messages", "3000", "--campaigns", "20", "--seed", "17", NULL);
  client = make_client (sandbox, NULL);
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  before = sr_cache_dup_checksum (fixture->cache, NULL);

  wrong = make_client (sandbox, "not-the-key-5f1b");
  g_assert_false (run_sync (fixture->cache, wrong, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_assert_null (strstr (error->message, "not-the-key-5f1b"));

  after = sr_cache_dup_checksum (fixture->cache, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, 3000);
}

static void
test_legacy_variant (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;

  sandbox = sr_test_sandbox_start ("--messages", "5000", "--campaigns", "30", "--seed", "18",
                                   "--variant", "legacy", "--max-per-page", "250", NULL);
  client = make_client (sandbox, NULL);

  /* Asks for 1000 per page; the server's cap of 250 wins. */
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  /* 20 pages of history, plus the upward check after T0 */
  g_assert_cmpuint (summary.n_pages, >=, 20);
  g_assert_cmpuint (summary.n_pages, <=, 22);
  assert_identical (sandbox, fixture->cache);
}


/* Newest first: stopped after its first pages, a first sync has the newest
 * messages, says how far back it got, and resumes to an exact copy. */
static void
test_newest_first (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;
  SrSyncHistory history;
  gint64 day_ago, partial;

  sandbox = sr_test_sandbox_start ("--messages", "30000", "--campaigns", "60", "--seed", "21",
                                   "--days", "60", NULL);
  client = make_client (sandbox, NULL);

  /* The upward check after T0, then two pages of history. */
  g_assert_false (run_sync (fixture->cache, client, 1000, 3, &summary, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  partial = sr_cache_count_messages (fixture->cache, NULL, NULL);
  g_assert_cmpint (partial, >=, 2000);
  g_assert_cmpint (partial, <, 30000);

  /* The newest message on the server is the newest in the cache, and what
   * is cached is the most recent part of the history. */
  {
    g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
    gint64 newest_cached = sr_cache_get_newest_created_at (fixture->cache, NULL);

    g_assert_true (sr_sync_read_history (fixture->cache, &history));
    g_assert_false (history.complete);
    g_assert_cmpint (history.oldest, !=, SR_TIME_NONE);
    g_assert_cmpfloat (history.fraction, >, 0.0);
    g_assert_cmpfloat (history.fraction, <, 1.0);
    g_assert_cmpint (history.complete_since, >, history.oldest);
    g_assert_cmpint (history.complete_until, >=, newest_cached);
    /* the last day: 30000 messages over 60 days is ~500 a day */
    day_ago = newest_cached - G_TIME_SPAN_DAY;
    g_assert_true (sr_sync_history_covers (&history, day_ago, newest_cached));
    g_assert_false (sr_sync_history_covers (&history, history.oldest - G_TIME_SPAN_DAY, newest_cached));
    filter->to = history.oldest;
    g_assert_cmpint (sr_cache_count_messages (fixture->cache, filter, NULL), ==, 0);
  }

  /* The rest comes with the next run, nothing twice. */
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, 30000 - partial);
  assert_identical (sandbox, fixture->cache);
  g_assert_true (sr_sync_read_history (fixture->cache, &history));
  g_assert_true (history.complete);
  g_assert_true (sr_sync_history_covers (&history, 0, SR_TIME_NONE));
}

/* Each unknown of the real API, and combinations, with faults on: the
 * cache must equal the server, in a first sync, a resumed one and an
 * incremental one. */
typedef struct
{
  const char *name;
  const char *args[8];
  guint       page_size;
  const char *expect;        /* a phrase of the strategy the sync must report */
} Unknown;

static const Unknown unknowns[] = {
  { "page-ignored", { "--ignore-page" }, 500, "keyset windows" },
  { "page-cap", { "--max-per-page", "100" }, 1000, "100 per page" },
  { "zone-east", { "--filter-timezone=+03:00" }, 1000, "UTC+03:00" },
  { "zone-west", { "--filter-timezone=-05:00" }, 1000, "UTC-05:00" },
  { "burst", { "--burst", "2500" }, 1000, "page numbers" },
  { "burst-page-ignored", { "--burst", "350", "--ignore-page", "--max-per-page", "100" }, 1000, "keyset windows" },
  { "all", { "--burst", "300", "--ignore-page", "--max-per-page", "150", "--filter-timezone=+05:30" }, 1000, "UTC+05:30" },
};

static void
test_unknown (Fixture       *fixture,
              gconstpointer  data)
{
  const Unknown *unknown = data;
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  SrSyncSummary summary;
  gint64 total_before, total_after;
  gboolean ok;

  g_ptr_array_add (args, (char *) "--messages");
  g_ptr_array_add (args, (char *) "12000");
  g_ptr_array_add (args, (char *) "--campaigns");
  g_ptr_array_add (args, (char *) "40");
  g_ptr_array_add (args, (char *) "--seed");
  g_ptr_array_add (args, (char *) "22");
  g_ptr_array_add (args, (char *) "--fail-rate");
  g_ptr_array_add (args, (char *) "0.1");
  g_ptr_array_add (args, (char *) "--drop-rate");
  g_ptr_array_add (args, (char *) "0.03");
  g_ptr_array_add (args, (char *) "--live");
  g_ptr_array_add (args, (char *) "--manual-clock");
  for (guint i = 0; i < G_N_ELEMENTS (unknown->args) && unknown->args[i] != NULL; i++)
    g_ptr_array_add (args, (char *) unknown->args[i]);
  g_ptr_array_add (args, NULL);
  sandbox = sr_test_sandbox_startv ((const char * const *) args->pdata);
  client = make_client (sandbox, NULL);

  /* A first sync, stopped after a few pages, then resumed. */
  g_assert_false (run_sync (fixture->cache, client, unknown->page_size, 4, &summary, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  ok = run_sync (fixture->cache, client, unknown->page_size, 0, &summary, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  if (!strategy_seen (unknown->expect))
    {
      for (guint i = 0; i < last_strategies->len; i++)
        g_test_message ("strategy: %s", (char *) g_ptr_array_index (last_strategies, i));
      g_error ("no strategy mentions “%s”", unknown->expect);
    }
  assert_identical (sandbox, fixture->cache);

  /* Later: new messages, settled statuses. */
  total_before = sr_cache_count_messages (fixture->cache, NULL, NULL);
  sr_test_sandbox_advance (sandbox, 3 * 3600);
  sr_test_sandbox_get_summary (sandbox, &total_after, NULL, NULL);
  g_assert_cmpint (total_after, >, total_before);
  ok = run_sync (fixture->cache, client, unknown->page_size, 0, &summary, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (summary.n_new, ==, total_after - total_before);
  assert_identical (sandbox, fixture->cache);
}

/* A second with far more messages than a page, on a server that ignores
 * page numbers: not everything can be read, and the sync says so instead of
 * skipping some. */
static void
test_burst_unreadable (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;

  sandbox = sr_test_sandbox_start ("--messages", "6000", "--campaigns", "10", "--seed", "24",
                                   "--burst", "3000", "--ignore-page", "--max-per-page", "100", NULL);
  client = make_client (sandbox, NULL);
  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, " messages were sent at "));
  g_assert_nonnull (strstr (error->message, "ignores page numbers"));
  /* what came before the burst (newest first) is kept */
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), >, 0);
}

/* --- hostile servers --- */

static SrTestSandbox *
start_hostile (const char *mode)
{
  return sr_test_sandbox_start ("--messages", "3000", "--campaigns", "10", "--seed", "23",
                                "--hostile", mode, NULL);
}

static void
test_hostile_garbage (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = start_hostile ("garbage");
  g_autoptr(SrApiClient) client = make_client (sandbox, NULL);
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;
  guint requests_before = sr_api_client_get_n_requests (client);

  /* Every page is an HTML maintenance page: the sync stops, quickly. */
  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "Down for maintenance"));
  /* balance, campaigns, then one page and its two retries */
  g_assert_cmpuint (sr_api_client_get_n_requests (client) - requests_before, <=, 6);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, 0);
}

static void
test_hostile_cli_exit (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *modes[] = { "garbage", "too-many" };
  const char *cli = g_getenv ("SR_CLI_PATH");

  g_assert_nonnull (cli);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(SrTestSandbox) sandbox = start_hostile (modes[i]);
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *data_dir = g_build_filename (fixture->dir, modes[i], NULL);
      g_autofree char *err = NULL;
      const char *url = sr_test_sandbox_get_url (sandbox);

      g_subprocess_launcher_setenv (launcher, "SMSTO_API_KEY", sr_test_sandbox_get_api_key (sandbox), TRUE);
      process = g_subprocess_launcher_spawn (launcher, &error, cli, "--api-url", url, "--auth-url", url,
                                             "--data-dir", data_dir, "sync", NULL);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      /* 4: the data could not be used */
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
      g_assert_nonnull (strstr (err, "sms-reports-cli: "));
      g_assert_cmpuint (strlen (err), <, 2000);
    }
}

static void
test_hostile_bad_records (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = start_hostile ("bad-records");
  g_autoptr(SrApiClient) client = make_client (sandbox, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  SrSyncSummary summary;
  gint64 total = 0;
  gboolean seen_repaired = FALSE, seen_clamped = FALSE;

  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  sr_test_sandbox_get_summary (sandbox, &total, NULL, NULL);
  /* One record without an id is skipped and counted; the other 999 of its
   * page and the rest of the history are all there. */
  g_assert_cmpuint (summary.n_skipped, ==, 1);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, total - 1);
  g_assert_cmpuint (summary.n_repaired, >=, 2);

  list = sr_cache_query_messages (fixture->cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      SrMessage *message = g_ptr_array_index (list, i);
      const char *text = sr_message_get_message (message);

      if (text != NULL && g_str_has_prefix (text, "bad "))
        {
          /* the byte became U+FFFD, the NUL did not cut the text */
          g_assert_true (g_utf8_validate (text, -1, NULL));
          g_assert_nonnull (strstr (text, "bad \xEF\xBF\xBD byte"));
          g_assert_nonnull (strstr (text, "kept, "));
          seen_repaired = TRUE;
        }
      if (g_strcmp0 (text, "values out of range") == 0)
        {
          g_assert_cmpfloat (ABS (sr_message_get_cost (message)), <=, 1e6);
          g_assert_cmpint (sr_message_get_sms_count (message), >=, 0);
          g_assert_cmpuint (strlen (sr_message_get_status_raw (message)), <=, 64);
          seen_clamped = TRUE;
        }
    }
  g_assert_true (seen_repaired);
  g_assert_true (seen_clamped);
}

static void
test_hostile_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  /* A body over the cap and a page far longer than asked are refused. */
  const char *modes[] = { "huge-body", "too-many" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(SrTestSandbox) sandbox = start_hostile (modes[i]);
      g_autoptr(SrApiClient) client = make_client (sandbox, NULL);
      g_autoptr(GError) error = NULL;
      SrSyncSummary summary;

      sr_api_client_set_max_body_size (client, 2 * 1024 * 1024);
      g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
      g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
      g_test_message ("%s: %s", modes[i], error->message);
      g_assert_nonnull (strstr (error->message, i == 0 ? "larger than 2 MB" : "for a page of"));
      g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, 0);
    }
}

static void
test_hostile_slow (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = start_hostile ("slow");
  g_autoptr(SrApiClient) client = make_client (sandbox, NULL);
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;

  /* One byte every half second: each attempt ends at its deadline, and the
   * request at the overall one. */
  sr_api_client_set_timeout (client, 1);
  sr_api_client_set_deadline (client, 3);
  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_TIMEOUT);
}

static void
test_hostile_long_wait (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = start_hostile ("long-wait");
  g_autoptr(SrApiClient) client = make_client (sandbox, NULL);
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;

  /* Retry-After: 100000 is capped at two minutes, and the wait is visible
   * (the test stops there). */
  cancel_on_wait = TRUE;
  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  cancel_on_wait = FALSE;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (last_max_wait, >=, 60);
  g_assert_cmpuint (last_max_wait, <=, 121);
}

static void
test_hostile_big_error (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SrTestSandbox) sandbox = start_hostile ("big-error");
  g_autoptr(SrApiClient) client = make_client (sandbox, NULL);
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;

  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_REQUEST);
  g_assert_nonnull (strstr (error->message, "Bad request: EEE"));
  g_assert_cmpuint (strlen (error->message), <, 600);
}

static void
test_hostile_redirect (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SrTestSandbox) other = start_hostile ("redirect");
  g_autoptr(SrTestSandbox) same = NULL;
  g_autoptr(SrApiClient) client = make_client (other, NULL);
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;

  /* To another origin (an IPv4-mapped address of this computer): refused. */
  g_assert_false (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_REQUEST);
  g_assert_nonnull (strstr (error->message, "not followed"));
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, 0);
  g_clear_error (&error);
  g_clear_object (&client);

  /* Within the same origin: followed. */
  same = start_hostile ("redirect-same");
  client = make_client (same, NULL);
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  assert_identical (same, fixture->cache);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/full", Fixture, NULL, fixture_set_up, test_full_sync, fixture_tear_down);
  g_test_add ("/sync/live-incremental", Fixture, NULL, fixture_set_up, test_live_incremental, fixture_tear_down);
  g_test_add ("/sync/cancel-and-resume", Fixture, NULL, fixture_set_up, test_cancel_and_resume, fixture_tear_down);
  g_test_add ("/sync/kill-and-rerun", Fixture, NULL, fixture_set_up, test_kill_and_rerun, fixture_tear_down);
  g_test_add ("/sync/kill-and-rerun/keyset", Fixture, "--ignore-page", fixture_set_up, test_kill_and_rerun, fixture_tear_down);
  g_test_add ("/sync/faults", Fixture, NULL, fixture_set_up, test_faults, fixture_tear_down);
  g_test_add ("/sync/malformed-page", Fixture, NULL, fixture_set_up, test_malformed_page, fixture_tear_down);
  g_test_add ("/sync/wrong-key", Fixture, NULL, fixture_set_up, test_wrong_key, fixture_tear_down);
  g_test_add ("/sync/legacy-variant", Fixture, NULL, fixture_set_up, test_legacy_variant, fixture_tear_down);
  g_test_add ("/sync/newest-first", Fixture, NULL, fixture_set_up, test_newest_first, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (unknowns); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/unknown/%s", unknowns[i].name);

      g_test_add (path, Fixture, &unknowns[i], fixture_set_up, test_unknown, fixture_tear_down);
    }
  g_test_add ("/sync/unknown/burst-unreadable", Fixture, NULL, fixture_set_up, test_burst_unreadable, fixture_tear_down);
  g_test_add ("/sync/hostile/garbage", Fixture, NULL, fixture_set_up, test_hostile_garbage, fixture_tear_down);
  g_test_add ("/sync/hostile/cli-exit", Fixture, NULL, fixture_set_up, test_hostile_cli_exit, fixture_tear_down);
  g_test_add ("/sync/hostile/bad-records", Fixture, NULL, fixture_set_up, test_hostile_bad_records, fixture_tear_down);
  g_test_add ("/sync/hostile/refused", Fixture, NULL, fixture_set_up, test_hostile_refused, fixture_tear_down);
  g_test_add ("/sync/hostile/slow", Fixture, NULL, fixture_set_up, test_hostile_slow, fixture_tear_down);
  g_test_add ("/sync/hostile/long-wait", Fixture, NULL, fixture_set_up, test_hostile_long_wait, fixture_tear_down);
  g_test_add ("/sync/hostile/big-error", Fixture, NULL, fixture_set_up, test_hostile_big_error, fixture_tear_down);
  g_test_add ("/sync/hostile/redirect", Fixture, NULL, fixture_set_up, test_hostile_redirect, fixture_tear_down);

  return g_test_run ();
}
