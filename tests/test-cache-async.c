/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cache-async.c: the _async jobs the app calls instead of starting
 * threads itself (sr-cache-async.c, sr_delivery_time_query_async(),
 * sr-export-selection.c), on a real SQLite file: each must give what the
 * blocking read gives, from its own copy of the inputs; and the
 * SR_CHECK_READ_THREAD check that the UI tests turn on.
 */

#define G_LOG_DOMAIN "test-cache-async"

#include "config.h"

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-test-sandbox.h"

#define BASE_TIME G_GINT64_CONSTANT (1709251200000000)   /* 2024-03-01 00:00:00 UTC */

static const char * const statuses[] = { "DELIVERED", "SENT", "FAILED", "QUEUED", "REJECTED", "PENDING" };

typedef struct
{
  char    *dir;
  char    *path;
  SrCache *cache;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = sr_test_make_tmpdir ("test-cache-async");
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->cache = sr_cache_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->cache != NULL)
    sr_cache_close (fixture->cache);
  g_clear_object (&fixture->cache);
  sr_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

/* n messages a minute apart; every third in one of two campaigns (nine
 * in a row alternate between them). */
static void
fixture_fill (Fixture *fixture,
              guint    n)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) campaigns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      SrMessage *m = sr_message_new_empty ();
      const char *status = statuses[i % G_N_ELEMENTS (statuses)];

      m->id = g_strdup_printf ("msg-%05u", i);
      m->status_raw = g_strdup (status);
      m->status = sr_status_from_string (status);
      m->created_at = BASE_TIME + (gint64) i * 60 * G_USEC_PER_SEC;
      m->sent_at = m->created_at + G_USEC_PER_SEC;
      m->updated_at = m->created_at + (gint64) (1 + i % 7) * 10 * G_USEC_PER_SEC;
      m->to = g_strdup_printf ("+35799%06u", i);
      m->sender_id = g_strdup (i % 2 ? "ACME" : "Shop");
      m->message = g_strdup_printf ("Text\tnumber %u", i);
      m->cost = (i % 4) * 0.0125;
      if (i % 3 == 0)
        m->campaign_id = g_strdup_printf ("camp-%u", (i / 9) % 2);
      g_ptr_array_add (messages, m);
    }
  for (guint i = 0; i < 2; i++)
    {
      SrCampaign *c = sr_campaign_new_empty ();

      c->id = g_strdup_printf ("camp-%u", i);
      c->sender_id = g_strdup ("ACME");
      c->message = g_strdup_printf ("Campaign %u", i);
      c->status = g_strdup ("completed");
      c->created_at = BASE_TIME + (gint64) i * G_USEC_PER_SEC;
      g_ptr_array_add (campaigns, c);
    }

  g_assert_true (sr_cache_upsert_messages (fixture->cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sr_cache_upsert_campaigns (fixture->cache, campaigns, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GMainContext  *context,
             GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (context, TRUE);

  return *result;
}

static void
changed_cb (SrCache        *cache,
            SrCacheChanged  what,
            gpointer        user_data)
{
  *(GThread **) user_data = g_thread_self ();
}

/* The cache opens on a worker, yet "changed" comes in the caller's context. */
static void
test_open (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "not-a-dir", "x", NULL);
  g_autofree char *blocker = g_build_filename (fixture->dir, "not-a-dir", NULL);
  GThread *changed_in = NULL;

  sr_cache_close (fixture->cache);
  g_clear_object (&fixture->cache);

  g_main_context_push_thread_default (context);
  sr_cache_open_async (fixture->path, NULL, done_cb, &result);
  cache = sr_cache_open_finish (wait_result (context, &result), &error);
  g_assert_no_error (error);
  g_assert_true (SR_IS_CACHE (cache));
  g_assert_cmpstr (sr_cache_get_path (cache), ==, fixture->path);

  g_signal_connect (cache, "changed", G_CALLBACK (changed_cb), &changed_in);
  sr_cache_update_account_async (cache, 3.5, "EUR", BASE_TIME, NULL, done_cb, &written);
  g_assert_true (sr_cache_update_account_finish (cache, wait_result (context, &written), &error));
  g_assert_no_error (error);
  /* Queued before the completion, in the same context. */
  g_assert_true (changed_in == g_thread_self ());
  sr_cache_close (cache);
  g_main_context_pop_thread_default (context);

  /* A failure is the error of sr_cache_open(). */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_clear_object (&result);
  sr_cache_open_async (missing, NULL, done_cb, &result);
  g_assert_null (sr_cache_open_finish (wait_result (NULL, &result), &error));
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN);
}

static gint64
count_of (GPtrArray *counts,
          SrStatus   status)
{
  gint64 total = 0;

  for (guint i = 0; i < counts->len; i++)
    {
      SrStatusCount *count = g_ptr_array_index (counts, i);
      if (count->status == status)
        total += count->count;
    }

  return total;
}

static void
test_status_counts (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  SrMessageFilter *filter = sr_message_filter_new ();
  gint64 delivered = 0;

  fixture_fill (fixture, 600);
  for (guint i = 0; i < 600; i += 3)
    if ((i / 9) % 2 == 0 && g_str_equal (statuses[i % G_N_ELEMENTS (statuses)], "DELIVERED"))
      delivered++;

  filter->campaign_id = g_strdup ("camp-0");
  expected = sr_cache_query_status_counts (fixture->cache, filter, &error);
  g_assert_no_error (error);

  sr_cache_query_status_counts_async (fixture->cache, filter, NULL, done_cb, &result);
  /* The job has its own copy. */
  sr_message_filter_free (filter);

  counts = sr_cache_query_status_counts_finish (fixture->cache, wait_result (NULL, &result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, expected->len);
  g_assert_cmpuint (counts->len, >, 1);
  for (SrStatus status = 0; status < SR_N_STATUSES; status++)
    g_assert_cmpint (count_of (counts, status), ==, count_of (expected, status));
  g_assert_cmpint (count_of (counts, SR_STATUS_DELIVERED), ==, delivered);
  g_assert_cmpint (delivered, >, 0);
}

static void
test_count_messages (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SrMessageFilter *filter = sr_message_filter_new ();

  fixture_fill (fixture, 90);
  /* The first 40 minutes: messages 0 to 39. */
  filter->to = BASE_TIME + G_GINT64_CONSTANT (40) * 60 * G_USEC_PER_SEC;
  sr_cache_count_messages_async (fixture->cache, filter, NULL, done_cb, &result);
  sr_message_filter_free (filter);
  g_assert_cmpint (sr_cache_count_messages_finish (fixture->cache, wait_result (NULL, &result), &error), ==, 40);
  g_assert_no_error (error);
  g_clear_object (&result);

  sr_cache_count_messages_async (fixture->cache, NULL, NULL, done_cb, &result);
  g_assert_cmpint (sr_cache_count_messages_finish (fixture->cache, wait_result (NULL, &result), &error), ==, 90);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* A closed cache is an error, not a count. */
  sr_cache_close (fixture->cache);
  sr_cache_count_messages_async (fixture->cache, NULL, NULL, done_cb, &result);
  g_assert_cmpint (sr_cache_count_messages_finish (fixture->cache, wait_result (NULL, &result), &error), ==, -1);
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED);
}

static void
test_account (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;
  double balance = 0;
  gint64 last_sync = 0;

  /* No row yet: FALSE without an error. */
  sr_cache_get_account_async (fixture->cache, NULL, done_cb, &result);
  g_assert_false (sr_cache_get_account_finish (fixture->cache, wait_result (NULL, &result),
                                               &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (balance, ==, -1);
  g_assert_null (currency);
  g_assert_cmpint (last_sync, ==, SR_TIME_NONE);
  g_clear_object (&result);

  sr_cache_update_account_async (fixture->cache, 42.25, "GBP", BASE_TIME + 5, NULL, done_cb, &written);
  g_assert_true (sr_cache_update_account_finish (fixture->cache, wait_result (NULL, &written), &error));
  g_assert_no_error (error);

  sr_cache_get_account_async (fixture->cache, NULL, done_cb, &result);
  g_assert_true (sr_cache_get_account_finish (fixture->cache, wait_result (NULL, &result),
                                              &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (balance, ==, 42.25);
  g_assert_cmpstr (currency, ==, "GBP");
  g_assert_cmpint (last_sync, ==, BASE_TIME + 5);
}

static void
test_campaign_and_overview (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCampaign) campaign = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  gboolean has_messages = TRUE;

  /* An empty cache: no messages, no campaigns. */
  sr_cache_query_overview_async (fixture->cache, 5, NULL, done_cb, &result);
  campaigns = sr_cache_query_overview_finish (fixture->cache, wait_result (NULL, &result), &has_messages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (campaigns->len, ==, 0);
  g_assert_false (has_messages);
  g_clear_pointer (&campaigns, g_ptr_array_unref);
  g_clear_object (&result);

  fixture_fill (fixture, 30);

  sr_cache_query_overview_async (fixture->cache, 1, NULL, done_cb, &result);
  campaigns = sr_cache_query_overview_finish (fixture->cache, wait_result (NULL, &result), &has_messages, &error);
  g_assert_no_error (error);
  g_assert_true (has_messages);
  g_assert_cmpuint (campaigns->len, ==, 1);
  /* Newest first. */
  g_assert_cmpstr (sr_campaign_get_id (g_ptr_array_index (campaigns, 0)), ==, "camp-1");
  g_clear_object (&result);

  sr_cache_get_campaign_async (fixture->cache, "camp-0", NULL, done_cb, &result);
  campaign = sr_cache_get_campaign_finish (fixture->cache, wait_result (NULL, &result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_campaign_get_message (campaign), ==, "Campaign 0");
  g_clear_object (&result);

  sr_cache_get_campaign_async (fixture->cache, "camp-9", NULL, done_cb, &result);
  g_assert_null (sr_cache_get_campaign_finish (fixture->cache, wait_result (NULL, &result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_delivery_time (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  SrDeliveryTime expected, time;

  fixture_fill (fixture, 300);
  filter->from = BASE_TIME + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;

  g_assert_true (sr_delivery_time_query (fixture->cache, filter, &expected, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (expected.n_timed, >, 0);

  sr_delivery_time_query_async (fixture->cache, filter, NULL, done_cb, &result);
  g_assert_true (sr_delivery_time_query_finish (fixture->cache, wait_result (NULL, &result), &time, &error));
  g_assert_no_error (error);
  g_assert_cmpint (time.n_timed, ==, expected.n_timed);
  g_assert_cmpint (time.n_untimed, ==, expected.n_untimed);
  g_assert_cmpint (time.median, ==, expected.median);
  g_assert_cmpint (time.p90, ==, expected.p90);
}

/* The text of the selection, from the positions of the whole sorted list. */
static char *
expected_tsv (GPtrArray             *all,
              const SrPositionRange *ranges,
              guint                  n_ranges)
{
  g_autoptr(GPtrArray) picked = g_ptr_array_new ();

  for (guint r = 0; r < n_ranges; r++)
    for (guint i = ranges[r].start; i < ranges[r].start + ranges[r].n && i < all->len; i++)
      g_ptr_array_add (picked, g_ptr_array_index (all, i));

  return sr_export_format_messages_tsv (picked, SR_CSV_FLAGS_NONE, TRUE);
}

static void
check_selection (Fixture               *fixture,
                 const SrMessageFilter *filter,
                 GPtrArray             *all,
                 const SrPositionRange *ranges,
                 guint                  n_ranges,
                 guint                  n_expected)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = expected_tsv (all, ranges, n_ranges);
  guint n_messages = 0;

  sr_export_selection_tsv_async (fixture->cache, filter, SR_MESSAGE_SORT_COST, TRUE,
                                 ranges, n_ranges, SR_CSV_FLAGS_NONE, NULL, done_cb, &result);
  text = sr_export_selection_tsv_finish (fixture->cache, wait_result (NULL, &result), &n_messages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_messages, ==, n_expected);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_export_selection (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) scattered = g_array_new (FALSE, FALSE, sizeof (SrPositionRange));
  g_autoptr(GError) error = NULL;
  const SrPositionRange few[] = { { 0, 3 }, { 10, 1 }, { 40, 25 } };
  guint n_scattered = 0;

  fixture_fill (fixture, 400);
  filter->sender_id = g_strdup ("ACME");
  all = sr_cache_query_messages (fixture->cache, filter, SR_MESSAGE_SORT_COST, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 200);

  /* A few runs: a query each. */
  check_selection (fixture, filter, all, few, G_N_ELEMENTS (few), 29);

  /* Many runs: one pass up to the last. */
  for (guint start = 1; start < 190; start += 3)
    {
      SrPositionRange range = { start, start % 2 + 1 };

      g_array_append_val (scattered, range);
      n_scattered += range.n;
    }
  g_assert_cmpuint (scattered->len, >, 32);
  check_selection (fixture, filter, all, (SrPositionRange *) (gpointer) scattered->data,
                   scattered->len, n_scattered);

  /* Positions past the end (the list changed meanwhile) are left out. */
  {
    const SrPositionRange past[] = { { 195, 10 } };
    check_selection (fixture, filter, all, past, 1, 5);
  }
}

/* --- the main-thread check ------------------------------------------------ */

typedef struct
{
  SrCache  *cache;
  gboolean  done;
} ReadInDispatch;

static gboolean
read_in_dispatch_cb (gpointer user_data)
{
  ReadInDispatch *data = user_data;

  sr_cache_count_messages (data->cache, NULL, NULL);
  data->done = TRUE;

  return G_SOURCE_REMOVE;
}

static void
run_in_dispatch (SrCache *cache)
{
  ReadInDispatch data = { cache, FALSE };

  g_idle_add (read_in_dispatch_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_read_thread_check (Fixture       *fixture,
                        gconstpointer  user_data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) counts = NULL;
      const char *mode = g_getenv ("TEST_CHECK_MODE");

      fixture_fill (fixture, 10);

      /* Outside a dispatch (a test's own code, the CLI) and on a worker:
       * fine. */
      g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, NULL), ==, 10);
      sr_cache_query_status_counts_async (fixture->cache, NULL, NULL, done_cb, &result);
      counts = sr_cache_query_status_counts_finish (fixture->cache, wait_result (NULL, &result), NULL);
      g_assert_nonnull (counts);

      if (g_strcmp0 (mode, "allowed") == 0)
        {
          sr_cache_db_allow_main_thread_reads (TRUE);
          run_in_dispatch (fixture->cache);
          sr_cache_db_allow_main_thread_reads (FALSE);
        }
      else
        {
          /* From a main-loop callback: what the app must never do. */
          run_in_dispatch (fixture->cache);
        }
      return;
    }

  g_setenv ("TEST_CHECK_MODE", "dispatch", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*cache read on the main thread*");

  g_setenv ("TEST_CHECK_MODE", "allowed", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* Read once, at the first read: before the fixture opens the cache. */
  if (g_test_subprocess ())
    g_setenv ("SR_CHECK_READ_THREAD", "1", TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cache-async/open", test_open);
  ADD ("/cache-async/status-counts", test_status_counts);
  ADD ("/cache-async/count-messages", test_count_messages);
  ADD ("/cache-async/account", test_account);
  ADD ("/cache-async/campaign-and-overview", test_campaign_and_overview);
  ADD ("/cache-async/delivery-time", test_delivery_time);
  ADD ("/cache-async/export-selection", test_export_selection);
  ADD ("/cache-async/read-thread-check", test_read_thread_check);
#undef ADD

  return g_test_run ();
}
