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
} Runner;

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
  if (runner->cancel_after_pages > 0 &&
      sr_sync_get_pages_done (sync) >= runner->cancel_after_pages)
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
  return ok;
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

  g_assert_true (sr_cache_get_account (fixture->cache, &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);
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
  g_assert_cmpint (partial, >=, 10 * 500);
  g_assert_cmpint (partial, <, 20000);
  run_from = sr_cache_dup_state (fixture->cache, "sync.run_from", &error);
  g_assert_no_error (error);
  g_assert_nonnull (run_from);
  /* A cancelled first sync still builds the indexes it deferred. */
  assert_indexes_complete (fixture->path);

  /* The next run resumes at the checkpoint instead of starting over. */
  g_assert_true (run_sync (fixture->cache, client, 500, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_new, ==, 20000 - partial);
  g_assert_cmpuint (summary.n_new + summary.n_updated, <=, 20000 - partial + 500);
  assert_identical (sandbox, fixture->cache);
  g_assert_null (sr_cache_dup_state (fixture->cache, "sync.run_from", &error));
  g_assert_no_error (error);
}

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
  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "50", "--seed", "14",
                                   "--latency-ms", "40", NULL);
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
              g_autoptr(SrCache) peek = sr_cache_open (db_path, NULL);

              if (peek != NULL)
                {
                  partial = sr_cache_count_messages (peek, NULL, NULL);
                  sr_cache_close (peek);
                }
              if (partial >= 2000 * (round + 1))
                break;
            }
        }
      g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, NULL);
      g_assert_true (g_subprocess_get_if_signaled (process));
      g_assert_cmpint (partial, <, 20000);
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
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary;
  gint64 total = 0;

  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "60", "--seed", "16",
                                   "--malformed-page", "4", NULL);
  client = make_client (sandbox, NULL);

  /* The run goes on past the broken page and reports it. */
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_errors, ==, 1);
  sr_test_sandbox_get_summary (sandbox, &total, NULL, NULL);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, total - 1000);
  g_assert_nonnull (sr_cache_dup_state (fixture->cache, "sync.refetch_from", &error));
  g_assert_no_error (error);

  /* The next sync fetches what was missing; nothing else was lost. */
  g_assert_true (run_sync (fixture->cache, client, 1000, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_errors, ==, 0);
  g_assert_cmpuint (summary.n_new, ==, 1000);
  assert_identical (sandbox, fixture->cache);
  g_assert_null (sr_cache_dup_state (fixture->cache, "sync.refetch_from", &error));
  g_assert_no_error (error);
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
  g_assert_cmpuint (summary.n_pages, ==, 20);
  assert_identical (sandbox, fixture->cache);
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
  g_test_add ("/sync/faults", Fixture, NULL, fixture_set_up, test_faults, fixture_tear_down);
  g_test_add ("/sync/malformed-page", Fixture, NULL, fixture_set_up, test_malformed_page, fixture_tear_down);
  g_test_add ("/sync/wrong-key", Fixture, NULL, fixture_set_up, test_wrong_key, fixture_tear_down);
  g_test_add ("/sync/legacy-variant", Fixture, NULL, fixture_set_up, test_legacy_variant, fixture_tear_down);

  return g_test_run ();
}
