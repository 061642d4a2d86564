/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-api-client.c: SrApiClient over real HTTP against the sandbox:
 * requests, filters and ordering, error mapping, retries with backoff and
 * Retry-After, cancellation, timeouts, URL rules, and that the key never
 * shows up in logs or error messages.
 */

#include "config.h"

#include <gio/gio.h>

#include "sr-core.h"
#include "sr-test-sandbox.h"

#define SECRET_KEY "k3y-7a0c-do-not-log"

static GString *captured_log;

static GLogWriterOutput
capture_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        {
          g_string_append_len (captured_log, fields[i].value,
                               fields[i].length < 0 ? (gssize) strlen (fields[i].value) : fields[i].length);
          g_string_append_c (captured_log, '\n');
        }
    }

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
on_ready_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static GAsyncResult *
wait_for (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  if (waiter->loop == NULL)
    waiter->loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (waiter->loop);
  return waiter->result;
}

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  g_clear_pointer (&waiter->loop, g_main_loop_unref);
}

static SrApiClient *
client_for (SrTestSandbox *sandbox,
            const char    *key)
{
  g_autoptr(GError) error = NULL;
  SrApiClient *client;

  client = sr_api_client_new (sr_test_sandbox_get_url (sandbox), sr_test_sandbox_get_url (sandbox),
                              key, &error);
  g_assert_no_error (error);
  sr_api_client_set_base_delay (client, 10);
  return client;
}

static SrPage *
list_messages (SrApiClient          *client,
               const SrMessageQuery *query,
               GError              **error)
{
  Waiter waiter = { 0 };
  SrPage *page;

  sr_api_client_list_messages_async (client, query, NULL, on_ready_cb, &waiter);
  page = sr_api_client_list_messages_finish (client, wait_for (&waiter), error);
  waiter_clear (&waiter);
  return page;
}

static void
test_urls (void)
{
  static const struct { const char *url; gboolean ok; } cases[] = {
    { "https://api.sms.to", TRUE },
    { "https://api.sms.to/", TRUE },
    { "http://127.0.0.1:8080", TRUE },
    { "http://127.3.4.5", TRUE },
    { "http://[::1]:9000", TRUE },
    { "http://localhost:9000", TRUE },
    { "http://api.sms.to", FALSE },
    { "http://192.168.1.10", FALSE },
    { "ftp://api.sms.to", FALSE },
    { "https://user:pass@api.sms.to", FALSE },
    { "not a url", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrApiClient) client = sr_api_client_new (cases[i].url, NULL, "key", &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (client);
          g_assert_false (g_str_has_suffix (sr_api_client_get_api_url (client), "/"));
          g_assert_cmpstr (sr_api_client_get_auth_url (client), ==, "https://auth.sms.to");
        }
      else
        {
          g_assert_error (error, SR_API_ERROR, SR_API_ERROR_INVALID_URL);
          g_assert_null (client);
        }
    }
}

static void
test_balance_and_key (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrApiClient) wrong = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;
  Waiter waiter = { 0 };
  double balance = 0;

  sandbox = sr_test_sandbox_start ("--api-key", SECRET_KEY, "--messages", "500",
                                   "--balance", "17.25", "--currency", "USD", NULL);
  client = client_for (sandbox, SECRET_KEY);

  sr_api_client_get_balance_async (client, NULL, on_ready_cb, &waiter);
  g_assert_true (sr_api_client_get_balance_finish (client, wait_for (&waiter), &balance, &currency, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (balance, 17.25, 0.0001);
  g_assert_cmpstr (currency, ==, "USD");

  wrong = client_for (sandbox, "wrong-" SECRET_KEY);
  sr_api_client_get_balance_async (wrong, NULL, on_ready_cb, &waiter);
  g_assert_false (sr_api_client_get_balance_finish (wrong, wait_for (&waiter), NULL, NULL, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_assert_null (strstr (error->message, SECRET_KEY));
  /* A refused key is not retried. */
  g_assert_cmpuint (sr_api_client_get_n_requests (wrong), ==, 1);

  waiter_clear (&waiter);

  /* Nothing logged so far (debug messages included) holds the key. */
  g_assert_null (strstr (captured_log->str, SECRET_KEY));
  g_assert_nonnull (strstr (captured_log->str, "/api/balance"));
}

static void
test_messages_queries (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPage) page = NULL;
  g_autoptr(SrPage) by_cost = NULL;
  g_autoptr(SrPage) delivered = NULL;
  g_autoptr(SrPage) since = NULL;
  g_autoptr(SrMessage) single = NULL;
  SrMessageQuery query = { 0 };
  Waiter waiter = { 0 };
  gint64 middle;

  sandbox = sr_test_sandbox_start ("--messages", "3000", "--campaigns", "20",
                                   "--max-per-page", "200", NULL);
  client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));

  /* Ask for more than the cap: per_page tells what we really got. */
  query = (SrMessageQuery) { .page = 2, .limit = 500, .order_by = "created_at" };
  page = list_messages (client, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->info.per_page, ==, 200);
  g_assert_cmpint (page->info.current_page, ==, 2);
  g_assert_cmpint (page->info.total, ==, 3000);
  g_assert_cmpint (page->info.last_page, ==, 15);
  g_assert_cmpuint (page->items->len, ==, 200);
  g_assert_cmpuint (page->n_bytes, >, 0);
  for (guint i = 1; i < page->items->len; i++)
    g_assert_cmpint (sr_message_get_created_at (g_ptr_array_index (page->items, i - 1)), <=,
                     sr_message_get_created_at (g_ptr_array_index (page->items, i)));

  query = (SrMessageQuery) { .page = 1, .limit = 100, .order_by = "cost", .descending = TRUE };
  by_cost = list_messages (client, &query, &error);
  g_assert_no_error (error);
  for (guint i = 1; i < by_cost->items->len; i++)
    g_assert_cmpfloat (sr_message_get_cost (g_ptr_array_index (by_cost->items, i - 1)), >=,
                       sr_message_get_cost (g_ptr_array_index (by_cost->items, i)));

  query = (SrMessageQuery) { .page = 1, .limit = 200, .status = "DELIVERED" };
  delivered = list_messages (client, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (delivered->items->len, >, 0);
  for (guint i = 0; i < delivered->items->len; i++)
    g_assert_cmpint (sr_message_get_status (g_ptr_array_index (delivered->items, i)), ==, SR_STATUS_DELIVERED);

  middle = sr_message_get_created_at (g_ptr_array_index (page->items, 100));
  query = (SrMessageQuery) { .page = 1, .limit = 200, .order_by = "created_at", .created_at_from = middle };
  since = list_messages (client, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpint (since->info.total, <, 3000);
  for (guint i = 0; i < since->items->len; i++)
    g_assert_cmpint (sr_message_get_created_at (g_ptr_array_index (since->items, i)), >=,
                     middle - middle % G_USEC_PER_SEC);

  /* One message by id (the API's /message/{id}, no /v2) */
  sr_api_client_get_message_async (client, sr_message_get_id (g_ptr_array_index (page->items, 7)),
                                   NULL, on_ready_cb, &waiter);
  single = sr_api_client_get_message_finish (client, wait_for (&waiter), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_message_get_id (single), ==, sr_message_get_id (g_ptr_array_index (page->items, 7)));
  g_assert_cmpstr (sr_message_get_to (single), ==, sr_message_get_to (g_ptr_array_index (page->items, 7)));

  /* An unknown id is a request error, not retried */
  {
    g_autoptr(SrMessage) missing = NULL;
    guint before = sr_api_client_get_n_requests (client);

    sr_api_client_get_message_async (client, "no-such-id", NULL, on_ready_cb, &waiter);
    missing = sr_api_client_get_message_finish (client, wait_for (&waiter), &error);
    g_assert_null (missing);
    g_assert_error (error, SR_API_ERROR, SR_API_ERROR_REQUEST);
    g_clear_error (&error);
    g_assert_cmpuint (sr_api_client_get_n_requests (client), ==, before + 1);
  }

  waiter_clear (&waiter);
}

static void
test_campaigns (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPage) page = NULL;
  g_autoptr(SrCampaign) campaign = NULL;
  Waiter waiter = { 0 };
  SrCampaign *first;

  sandbox = sr_test_sandbox_start ("--messages", "4000", "--campaigns", "130", NULL);
  client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));

  sr_api_client_list_campaigns_async (client, 2, 100, NULL, NULL, on_ready_cb, &waiter);
  page = sr_api_client_list_campaigns_finish (client, wait_for (&waiter), &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->info.total, ==, 130);
  g_assert_cmpint (page->info.last_page, ==, 2);
  g_assert_cmpuint (page->items->len, ==, 30);

  first = g_ptr_array_index (page->items, 0);
  sr_api_client_get_campaign_async (client, sr_campaign_get_id (first), NULL, on_ready_cb, &waiter);
  campaign = sr_api_client_get_campaign_finish (client, wait_for (&waiter), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_campaign_get_id (campaign), ==, sr_campaign_get_id (first));
  g_assert_cmpint (sr_campaign_get_recipients (campaign), ==, sr_campaign_get_recipients (first));

  waiter_clear (&waiter);
}

static void
test_retries (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 requests = 0, faults = 0;

  /* Half of all requests fail or are dropped; every call still succeeds. */
  sandbox = sr_test_sandbox_start ("--messages", "2000", "--fail-rate", "0.3", "--drop-rate", "0.2",
                                   "--seed", "3", NULL);
  client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));
  sr_api_client_set_max_attempts (client, 30);

  for (int i = 1; i <= 10; i++)
    {
      SrMessageQuery query = { .page = i, .limit = 100, .order_by = "created_at" };
      g_autoptr(SrPage) page = list_messages (client, &query, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->items->len, ==, 100);
    }

  sr_test_sandbox_get_counters (sandbox, &requests, &faults);
  g_assert_cmpint (faults, >, 0);
  /* libsoup itself re-sends a request once when a kept-alive connection
   * turns out to be closed, so some dropped connections never reach us. */
  g_assert_cmpuint (sr_api_client_get_n_retries (client), >, 0);
  g_assert_cmpuint (sr_api_client_get_n_retries (client), <=, (guint) faults);
  g_assert_cmpuint (sr_api_client_get_n_requests (client), ==, 10 + sr_api_client_get_n_retries (client));
}

static void
test_give_up (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPage) page = NULL;
  SrMessageQuery query = { .page = 1, .limit = 10 };

  sandbox = sr_test_sandbox_start ("--messages", "100", "--fail-rate", "1", NULL);
  client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));
  sr_api_client_set_max_attempts (client, 3);

  page = list_messages (client, &query, &error);
  g_assert_null (page);
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_SERVER);
  g_assert_cmpuint (sr_api_client_get_n_requests (client), ==, 3);
}

static void
on_page_counted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPage) page = NULL;

  page = sr_api_client_list_messages_finish (SR_API_CLIENT (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 50);
  (*done)++;
}

static void
test_rate_limit (void)
{
  for (guint with_header = 0; with_header < 2; with_header++)
    {
      g_autoptr(SrTestSandbox) sandbox = NULL;
      g_autoptr(SrApiClient) client = NULL;
      Waiter waiter = { 0 };
      guint done = 0;
      gint64 started = g_get_monotonic_time ();

      sandbox = sr_test_sandbox_start ("--messages", "2000", "--rate-limit=5",
                                       with_header ? "--retry-after" : "--no-retry-after", NULL);
      client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));
      sr_api_client_set_base_delay (client, 100);
      sr_api_client_set_max_attempts (client, 20);

      /* 12 requests at once against 5 per second */
      waiter.loop = g_main_loop_new (NULL, FALSE);
      for (int i = 1; i <= 12; i++)
        {
          SrMessageQuery query = { .page = i, .limit = 50 };
          sr_api_client_list_messages_async (client, &query, NULL, on_page_counted_cb, &done);
        }
      while (done < 12)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (sr_api_client_get_n_retries (client), >, 0);
      if (with_header)
        /* Retry-After: 1 makes the client wait at least a second */
        g_assert_cmpint (g_get_monotonic_time () - started, >=, G_USEC_PER_SEC);
      waiter_clear (&waiter);
    }
}

static void
test_network_error (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autofree char *url = NULL;
  Waiter waiter = { 0 };
  guint16 port;

  /* A port nobody listens on: bind one, note it, close it. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);

  client = sr_api_client_new (url, url, "key", &error);
  g_assert_no_error (error);
  sr_api_client_set_base_delay (client, 5);
  sr_api_client_set_max_attempts (client, 3);

  sr_api_client_get_balance_async (client, NULL, on_ready_cb, &waiter);
  g_assert_false (sr_api_client_get_balance_finish (client, wait_for (&waiter), NULL, NULL, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_NETWORK);
  /* A refused connection is final at once: no retries, so the app can go
   * offline without waiting for a backoff. */
  g_assert_cmpuint (sr_api_client_get_n_requests (client), ==, 1);
  g_assert_cmpuint (sr_api_client_get_n_retries (client), ==, 0);
  waiter_clear (&waiter);
}

static void
test_timeout (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  sandbox = sr_test_sandbox_start ("--messages", "100", "--latency-ms", "3000", NULL);
  client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));
  sr_api_client_set_timeout (client, 1);
  sr_api_client_set_max_attempts (client, 1);

  sr_api_client_get_balance_async (client, NULL, on_ready_cb, &waiter);
  g_assert_false (sr_api_client_get_balance_finish (client, wait_for (&waiter), NULL, NULL, &error));
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_TIMEOUT);
  waiter_clear (&waiter);
}

static gboolean
cancel_later_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_backoff (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SrMessageQuery query = { .page = 1, .limit = 10 };
  Waiter waiter = { 0 };
  gint64 started;

  sandbox = sr_test_sandbox_start ("--messages", "100", "--fail-rate", "1", NULL);
  client = client_for (sandbox, sr_test_sandbox_get_api_key (sandbox));
  sr_api_client_set_base_delay (client, 20000);

  started = g_get_monotonic_time ();
  g_timeout_add (300, cancel_later_cb, cancellable);
  sr_api_client_list_messages_async (client, &query, cancellable, on_ready_cb, &waiter);
  g_assert_null (sr_api_client_list_messages_finish (client, wait_for (&waiter), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The 10–30 s backoff was cut short */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  waiter_clear (&waiter);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  captured_log = g_string_new (NULL);
  g_setenv ("G_MESSAGES_DEBUG", "sr-api-client sr-api-parse", TRUE);
  g_log_set_writer_func (capture_log_writer, NULL, NULL);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-client/urls", test_urls);
  g_test_add_func ("/api-client/balance-and-key", test_balance_and_key);
  g_test_add_func ("/api-client/messages-queries", test_messages_queries);
  g_test_add_func ("/api-client/campaigns", test_campaigns);
  g_test_add_func ("/api-client/retries", test_retries);
  g_test_add_func ("/api-client/give-up", test_give_up);
  g_test_add_func ("/api-client/rate-limit", test_rate_limit);
  g_test_add_func ("/api-client/network-error", test_network_error);
  g_test_add_func ("/api-client/timeout", test_timeout);
  g_test_add_func ("/api-client/cancel-during-backoff", test_cancel_during_backoff);

  ret = g_test_run ();
  g_string_free (captured_log, TRUE);
  return ret;
}
