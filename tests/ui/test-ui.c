/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-ui.c: the real SrWindow (and its pages and windows) against caches
 * filled from the sandbox server over HTTP. Keys come from the window's
 * api-key (as SMSTO_API_KEY would), never from the keyring, so the tests
 * do not depend on a Secret Service.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sr-core.h"
#include "sr-legend-window.h"
#include "sr-resources.h"
#include "sr-test-sandbox.h"
#include "sr-window-private.h"

#define N_MESSAGES  "3000"
#define N_CAMPAIGNS "24"

/* One sandbox and one synced account for the whole run (read-only tests). */
static SrTestSandbox *shared_sandbox;
static char          *shared_dir;
static SrCache       *shared_cache;

typedef gboolean (*Predicate) (gpointer data);

static gboolean
on_wait_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until predicate(data) holds; fails the test after
 * timeout seconds. */
static void
wait_until (Predicate    predicate,
            gpointer     data,
            guint        timeout,
            const char  *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (timeout, on_wait_timeout_cb, &timed_out);

  while (!predicate (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %u s waiting for: %s", timeout, what);

  g_source_remove (source);
}

static gboolean
on_spin_done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_spin_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;
  SrSyncSummary summary;

  if (!sr_sync_run_finish (SR_SYNC (object), result, &summary, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "sync failed");
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
error_is_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* Fills the cache of (url, key) in dir with the core's SrSync, like the app
 * and the CLI do. Returns the open cache. */
static SrCache *
sync_account (const char *url,
              const char *key,
              const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  SrCache *cache;

  client = sr_api_client_new (url, url, key, &error);
  g_assert_no_error (error);

  file_name = sr_cache_dup_account_file_name (sr_api_client_get_api_url (client), key);
  path = g_build_filename (dir, file_name, NULL);
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  sync = sr_sync_new (client, cache);
  sr_sync_run_async (sync, NULL, on_sync_done_cb, &error);
  wait_until (error_is_set, &error, 120, "the fixture sync");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);

  return cache;
}

static gint64
count_messages (SrCache               *cache,
                const SrMessageFilter *filter)
{
  g_autoptr(GError) error = NULL;
  gint64 n = sr_cache_count_messages (cache, filter, &error);

  g_assert_no_error (error);
  return n;
}

/* --- window helpers --- */

static gboolean
window_left_loading (gpointer data)
{
  const char *page = sr_window_get_visible_page (data);

  return g_strcmp0 (page, "loading") != 0;
}

static gboolean
window_shows_reports (gpointer data)
{
  return g_strcmp0 (sr_window_get_visible_page (data), "reports") == 0;
}

static gboolean
session_idle (gpointer data)
{
  SrSession *session = sr_window_get_session (data);

  return session != NULL && !sr_session_get_syncing (session);
}

static gboolean
messages_list_ready (gpointer data)
{
  SrMessageList *list = sr_messages_page_get_list (sr_window_get_messages_page (data));

  return list != NULL && !sr_message_list_get_loading (list);
}

static gboolean
list_ready (gpointer data)
{
  return !sr_message_list_get_loading (data);
}

static gboolean
campaign_list_ready (gpointer data)
{
  return !sr_campaign_list_get_loading (data);
}

/* A window on the shared account, shown, with its first sync finished. */
static SrWindow *
open_shared_window (void)
{
  SrWindow *window;
  const char *url = sr_test_sandbox_get_url (shared_sandbox);

  window = sr_window_new_for_test (url, url, shared_dir, sr_test_sandbox_get_api_key (shared_sandbox));
  gtk_window_present (GTK_WINDOW (window));

  wait_until (window_shows_reports, window, 60, "the reports page");
  wait_until (session_idle, window, 120, "the first sync");
  wait_until (messages_list_ready, window, 60, "the Messages Log");

  return window;
}

static void
close_window (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
}

/* --- tests --- */

static void
test_sign_in_shown_without_key (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-nokey");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  SrWindow *window;

  window = sr_window_new_for_test (url, url, dir, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_left_loading, window, 10, "the first page");

  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_null (sr_window_get_session (window));
  g_assert_null (sr_sign_in_page_get_error_text (sr_window_get_sign_in_page (window)));

  close_window (window);
  sr_test_remove_tree (dir);
}

static gboolean
sign_in_settled (gpointer data)
{
  return !sr_sign_in_page_get_busy (data);
}

static void
test_sign_in_refused_key (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-refused");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  SrSignInPage *page;
  SrWindow *window;

  window = sr_window_new_for_test (url, url, dir, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_left_loading, window, 10, "the first page");

  page = sr_window_get_sign_in_page (window);
  sr_sign_in_page_set_urls (page, url, url);
  sr_sign_in_page_set_key (page, "not-the-key");
  sr_sign_in_page_submit (page);
  g_assert_true (sr_sign_in_page_get_busy (page));
  wait_until (sign_in_settled, page, 60, "the key check");

  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_error ((GError *) sr_sign_in_page_get_error (page), SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (sr_sign_in_page_get_error_text (page));
  g_assert_true (strstr (sr_sign_in_page_get_error_text (page), "refused") != NULL);
  g_assert_null (sr_window_get_session (window));

  close_window (window);
  sr_test_remove_tree (dir);
}

static void
test_sign_in_then_messages_log_count (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-signin");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  SrSignInPage *page;
  SrWindow *window;
  SrSession *session;
  SrMessageList *list;
  gint64 sandbox_total = 0;

  window = sr_window_new_for_test (url, url, dir, NULL);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");

  page = sr_window_get_sign_in_page (window);
  sr_sign_in_page_set_urls (page, url, url);
  sr_sign_in_page_set_key (page, sr_test_sandbox_get_api_key (shared_sandbox));
  sr_sign_in_page_submit (page);

  wait_until (window_shows_reports, window, 60, "the reports page after sign-in");
  session = sr_window_get_session (window);
  g_assert_nonnull (session);
  /* The first sync starts by itself, with progress. */
  g_assert_true (sr_session_get_syncing (session));

  wait_until (session_idle, window, 120, "the first sync");
  g_assert_false (sr_session_get_auth_failed (session));
  g_assert_false (sr_session_get_offline (session));
  g_assert_cmpint (sr_session_get_last_sync (session), !=, SR_TIME_NONE);
  g_assert_cmpfloat (sr_session_get_balance (session), >=, 0);

  sr_window_show_content_page (window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  sr_message_list_reload (list);
  wait_until (messages_list_ready, window, 60, "the Messages Log");

  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                   count_messages (sr_session_get_cache (session), NULL));
  sr_test_sandbox_get_summary (shared_sandbox, &sandbox_total, NULL, NULL);
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, sandbox_total);
  g_assert_cmpstr (sr_messages_page_get_state (sr_window_get_messages_page (window)), ==, "list");

  close_window (window);
  sr_test_remove_tree (dir);
}

/* Runs sms-reports-cli stats --json on the shared account. */
static JsonObject *
run_cli_stats (void)
{
  const char *cli = g_getenv ("SR_CLI_PATH");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) env = g_get_environ ();
  int status = 0;
  const char *argv[] = {
    cli, "--api-url", url, "--auth-url", url, "--data-dir", shared_dir, "stats", "--json", NULL
  };

  g_assert_nonnull (cli);
  env = g_environ_setenv (env, "SMSTO_API_KEY", sr_test_sandbox_get_api_key (shared_sandbox), TRUE);

  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sms-reports-cli stats failed: %s", err);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gint64
cli_count (JsonObject *stats,
           guint       mask)
{
  JsonObject *by_status = json_object_get_object_member (stats, "by_status");
  g_autoptr(GList) names = json_object_get_members (by_status);
  gint64 total = 0;

  for (GList *l = names; l != NULL; l = l->next)
    {
      SrStatus status = sr_status_from_string (l->data);

      if (mask & (1u << status))
        total += json_object_get_int_member (by_status, l->data);
    }

  return total;
}

static void
test_status_filter_matches_cli (void)
{
  g_autoptr(JsonObject) stats = NULL;
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageList *list = sr_messages_page_get_list (page);
  static const guint masks[] = {
    1u << SR_STATUS_DELIVERED,
    1u << SR_STATUS_FAILED,
    (1u << SR_STATUS_SENT) | (1u << SR_STATUS_EXPIRED),
    1u << SR_STATUS_UNKNOWN,   /* "Other": every status the app does not know */
  };

  stats = run_cli_stats ();
  g_assert_cmpint (json_object_get_int_member (stats, "total"), ==,
                   g_list_model_get_n_items (G_LIST_MODEL (list)));

  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      guint n;

      sr_messages_page_set_status_mask (page, masks[i]);
      wait_until (list_ready, list, 30, "the filtered list");
      n = g_list_model_get_n_items (G_LIST_MODEL (list));

      g_test_message ("mask 0x%x: %u messages", masks[i], n);
      g_assert_cmpint (n, ==, cli_count (stats, masks[i]));
      if (masks[i] != (1u << SR_STATUS_UNKNOWN))
        g_assert_cmpint (n, >, 0);

      /* Every row shown has one of the statuses asked for. */
      for (guint pos = 0; pos < MIN (n, 200u); pos++)
        {
          g_autoptr(SrMessage) message = g_list_model_get_item (G_LIST_MODEL (list), pos);
          g_assert_true (masks[i] & (1u << sr_message_get_status (message)));
        }
    }

  sr_messages_page_set_status_mask (page, 0);
  wait_until (list_ready, list, 30, "the unfiltered list");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                   json_object_get_int_member (stats, "total"));

  close_window (window);
}

typedef struct
{
  SrMessageList *list;
  SrMessageSort  sort;
  gboolean       descending;
} SortWait;

static gboolean
list_sorted (gpointer data)
{
  SortWait *wait = data;

  return sr_message_list_get_sort (wait->list) == wait->sort &&
         sr_message_list_get_descending (wait->list) == wait->descending &&
         !sr_message_list_get_loading (wait->list);
}

static void
test_sort_by_cost_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expensive = NULL;
  g_autoptr(GPtrArray) cheap = NULL;
  g_autoptr(SrMessage) first = NULL;
  SrWindow *window = open_shared_window ();
  SrMessageView *view = sr_messages_page_get_view (sr_window_get_messages_page (window));
  SrMessageList *list = sr_message_view_get_list (view);
  GtkColumnView *column_view = sr_message_view_get_column_view (view);
  GtkColumnViewColumn *cost_column = sr_message_view_get_column (view, SR_MESSAGE_SORT_COST);
  SortWait wait = { list, SR_MESSAGE_SORT_COST, TRUE };

  expensive = sr_cache_query_messages (shared_cache, NULL, SR_MESSAGE_SORT_COST, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  cheap = sr_cache_query_messages (shared_cache, NULL, SR_MESSAGE_SORT_COST, FALSE, 1, 0, &error);
  g_assert_no_error (error);

  /* What a click on the header does: the column view's sorter changes. */
  gtk_column_view_sort_by_column (column_view, cost_column, GTK_SORT_DESCENDING);
  wait_until (list_sorted, &wait, 30, "the list sorted by cost, descending");

  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (first),
                                  sr_message_get_cost (g_ptr_array_index (expensive, 0)), 1e-9);
  for (guint pos = 1; pos < 50; pos++)
    {
      g_autoptr(SrMessage) message = g_list_model_get_item (G_LIST_MODEL (list), pos);
      g_assert_cmpfloat (sr_message_get_cost (message), <=, sr_message_get_cost (first));
    }
  g_clear_object (&first);

  gtk_column_view_sort_by_column (column_view, cost_column, GTK_SORT_ASCENDING);
  wait.descending = FALSE;
  wait_until (list_sorted, &wait, 30, "the list sorted by cost, ascending");
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (first),
                                  sr_message_get_cost (g_ptr_array_index (cheap, 0)), 1e-9);

  /* Another header takes over. */
  gtk_column_view_sort_by_column (column_view,
                                  sr_message_view_get_column (view, SR_MESSAGE_SORT_RECIPIENT),
                                  GTK_SORT_ASCENDING);
  wait.sort = SR_MESSAGE_SORT_RECIPIENT;
  wait_until (list_sorted, &wait, 30, "the list sorted by recipient");

  close_window (window);
}

static gboolean
campaign_counted (gpointer data)
{
  return sr_campaign_window_get_status_count (data, SR_STATUS_DELIVERED) >= 0;
}

static void
test_campaign_window_lists_its_messages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  SrWindow *window = open_shared_window ();
  SrCampaignWindow *campaign_window;
  SrMessageList *list;
  SrCampaign *campaign = NULL;
  gint64 expected = 0;
  gint64 counted = 0;
  guint n;

  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, -1, 0, &error);
  g_assert_no_error (error);

  /* The newest campaign that has messages in the cache. */
  for (guint i = 0; i < campaigns->len && expected == 0; i++)
    {
      campaign = g_ptr_array_index (campaigns, i);
      g_free (filter->campaign_id);
      filter->campaign_id = g_strdup (sr_campaign_get_id (campaign));
      expected = count_messages (shared_cache, filter);
    }
  g_assert_cmpint (expected, >, 0);

  campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (campaign));
  g_assert_nonnull (campaign_window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (campaign_window)));
  /* Opening it again presents the same window. */
  g_assert_true (sr_window_open_campaign (window, sr_campaign_get_id (campaign)) == campaign_window);

  list = sr_campaign_window_get_list (campaign_window);
  wait_until (list_ready, list, 30, "the campaign's messages");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpint (n, ==, expected);

  for (guint pos = 0; pos < n; pos++)
    {
      g_autoptr(SrMessage) message = g_list_model_get_item (G_LIST_MODEL (list), pos);
      g_assert_cmpstr (sr_message_get_campaign_id (message), ==, sr_campaign_get_id (campaign));
    }

  wait_until (campaign_counted, campaign_window, 30, "the campaign's status counts");
  for (guint status = 0; status < SR_N_STATUSES; status++)
    counted += sr_campaign_window_get_status_count (campaign_window, status);
  g_assert_cmpint (counted, ==, expected);

  /* A per-status count filters the list below it. */
  sr_campaign_window_set_status_mask (campaign_window, 1u << SR_STATUS_DELIVERED);
  wait_until (list_ready, list, 30, "the campaign's delivered messages");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                   sr_campaign_window_get_status_count (campaign_window, SR_STATUS_DELIVERED));

  gtk_window_destroy (GTK_WINDOW (campaign_window));
  close_window (window);
}

static void
test_campaign_log_source_filter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCampaignFilter) filter = sr_campaign_filter_new ();
  SrWindow *window = open_shared_window ();
  SrCampaignsPage *page = sr_window_get_campaigns_page (window);
  SrCampaignList *list = sr_campaigns_page_get_list (page);
  gint64 n_api, n_web;

  sr_window_show_content_page (window, "campaigns");
  wait_until (campaign_list_ready, list, 30, "the Campaign Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, g_ascii_strtoll (N_CAMPAIGNS, NULL, 10));

  filter->source = SR_CAMPAIGN_SOURCE_API;
  n_api = sr_cache_count_campaigns_filtered (shared_cache, filter, &error);
  g_assert_no_error (error);
  filter->source = SR_CAMPAIGN_SOURCE_WEB;
  n_web = sr_cache_count_campaigns_filtered (shared_cache, filter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n_api + n_web, ==, g_ascii_strtoll (N_CAMPAIGNS, NULL, 10));

  sr_campaigns_page_set_source (page, 1);
  wait_until (campaign_list_ready, list, 30, "the API campaigns");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_api);
  for (guint pos = 0; pos < g_list_model_get_n_items (G_LIST_MODEL (list)); pos++)
    {
      g_autoptr(SrCampaign) campaign = g_list_model_get_item (G_LIST_MODEL (list), pos);
      g_assert_true (sr_campaign_get_is_api (campaign));
    }

  sr_campaigns_page_set_source (page, 0);
  wait_until (campaign_list_ready, list, 30, "the web campaigns");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_web);

  close_window (window);
}

static void
test_legend_lists_nine_statuses (void)
{
  static const char * const expected[] = {
    "DELIVERED", "SENDING", "SENT", "FAILED", "EXPIRED",
    "QUEUED", "SCHEDULED", "REJECTED", "UNSUBSCRIBED",
  };
  GtkWidget *legend = sr_legend_window_new ();
  g_auto(GStrv) statuses = NULL;

  gtk_window_present (GTK_WINDOW (legend));
  spin (50);

  statuses = sr_legend_window_dup_statuses (SR_LEGEND_WINDOW (legend));
  g_assert_cmpuint (g_strv_length (statuses), ==, 9);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_strv_contains ((const char * const *) statuses, expected[i]));

  gtk_window_destroy (GTK_WINDOW (legend));
}

static gboolean
offline_banner_shown (gpointer data)
{
  return sr_banner_get_revealed (sr_window_get_offline_banner (data));
}

static void
test_offline_banner_and_lists_keep_working (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-offline");
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autofree char *url = NULL;
  SrCache *cache;
  SrWindow *window;
  SrSession *session;
  SrMessagesPage *page;
  SrMessageList *list;
  gint64 total;

  sandbox = sr_test_sandbox_start ("--messages", "800", "--campaigns", "5", NULL);
  url = g_strdup (sr_test_sandbox_get_url (sandbox));
  cache = sync_account (url, sr_test_sandbox_get_api_key (sandbox), dir);
  total = count_messages (cache, NULL);
  g_assert_cmpint (total, >, 0);

  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_shows_reports, window, 60, "the reports page");
  wait_until (session_idle, window, 120, "the first sync");
  g_assert_false (sr_banner_get_revealed (sr_window_get_offline_banner (window)));

  /* The server goes away. */
  sr_test_sandbox_stop (sandbox);
  session = sr_window_get_session (window);
  sr_api_client_set_max_attempts (sr_session_get_client (session), 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync", NULL));
  wait_until (offline_banner_shown, window, 60, "the offline banner");
  g_assert_true (sr_session_get_offline (session));
  g_assert_false (sr_session_get_auth_failed (session));
  g_assert_true (g_str_has_prefix (sr_banner_get_title (sr_window_get_offline_banner (window)), "Offline"));

  /* Everything cached is still there and filters still work. */
  sr_window_show_content_page (window, "messages");
  page = sr_window_get_messages_page (window);
  list = sr_messages_page_get_list (page);
  wait_until (list_ready, list, 30, "the Messages Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);

  sr_messages_page_set_status_mask (page, 1u << SR_STATUS_DELIVERED);
  wait_until (list_ready, list, 30, "the filtered Messages Log");
  filter->status_mask = 1u << SR_STATUS_DELIVERED;
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, count_messages (cache, filter));

  sr_window_show_content_page (window, "campaigns");
  wait_until (campaign_list_ready, sr_campaigns_page_get_list (sr_window_get_campaigns_page (window)),
              30, "the Campaign Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (sr_campaigns_page_get_list (sr_window_get_campaigns_page (window)))),
                   ==, 5);

  close_window (window);
  sr_cache_close (cache);
  g_object_unref (cache);
  sr_test_remove_tree (dir);
}

static gboolean
auth_banner_shown (gpointer data)
{
  return sr_banner_get_revealed (sr_window_get_auth_banner (data));
}

static void
test_refused_key_later_shows_banner (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-401");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  SrWindow *window;

  /* A key the server refuses when the app syncs (as when a key is deleted
   * from the account after signing in). */
  window = sr_window_new_for_test (url, url, dir, "revoked-key");
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_shows_reports, window, 60, "the reports page");
  wait_until (auth_banner_shown, window, 60, "the refused-key banner");

  g_assert_true (sr_session_get_auth_failed (sr_window_get_session (window)));
  g_assert_false (sr_banner_get_revealed (sr_window_get_offline_banner (window)));
  /* The reports stay on screen. */
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "reports");

  /* "Sign In Again" leads to the sign-in page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in-again", NULL));
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");

  close_window (window);
  sr_test_remove_tree (dir);
}

static gboolean
window_shows_problem (gpointer data)
{
  return g_strcmp0 (sr_window_get_visible_page (data), "problem") == 0;
}

static void
test_corrupt_cache_is_moved_aside (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-corrupt");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  const char *key = sr_test_sandbox_get_api_key (shared_sandbox);
  g_autofree char *file_name = sr_cache_dup_account_file_name (url, key);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  gboolean found_moved = FALSE;
  SrWindow *window;

  g_file_set_contents (path, "this is not an SQLite database, not at all. ........................", -1, &error);
  g_assert_no_error (error);

  window = sr_window_new_for_test (url, url, dir, key);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_shows_problem, window, 30, "the damaged-file page");
  g_assert_nonnull (sr_window_get_problem_title (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.move-cache-aside", NULL));
  wait_until (window_shows_reports, window, 60, "the reports page after moving the file aside");

  /* Renamed, never deleted. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, file_name) && strstr (name, ".damaged-") != NULL)
      {
        g_autofree char *moved = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;

        g_file_get_contents (moved, &contents, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (g_str_has_prefix (contents, "this is not an SQLite database"));
        found_moved = TRUE;
      }
  g_assert_true (found_moved);

  wait_until (session_idle, window, 120, "the sync into the fresh file");
  close_window (window);
  sr_test_remove_tree (dir);
}

static void
test_sign_out_keeps_or_deletes_reports (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-signout");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  const char *key = sr_test_sandbox_get_api_key (shared_sandbox);
  g_autofree char *path = NULL;
  SrWindow *window;

  for (int delete_reports = 0; delete_reports <= 1; delete_reports++)
    {
      window = sr_window_new_for_test (url, url, dir, key);
      gtk_window_present (GTK_WINDOW (window));
      wait_until (window_shows_reports, window, 60, "the reports page");
      wait_until (session_idle, window, 120, "the first sync");

      g_free (path);
      path = g_strdup (sr_session_get_cache_path (sr_window_get_session (window)));
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

      sr_window_sign_out (window, delete_reports);
      g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
      g_assert_null (sr_window_get_session (window));
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS) == !delete_reports);

      close_window (window);
    }

  sr_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display");
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  shared_sandbox = sr_test_sandbox_start ("--messages", N_MESSAGES, "--campaigns", N_CAMPAIGNS, NULL);
  shared_dir = sr_test_make_tmpdir ("test-ui");
  shared_cache = sync_account (sr_test_sandbox_get_url (shared_sandbox),
                               sr_test_sandbox_get_api_key (shared_sandbox),
                               shared_dir);

  g_test_add_func ("/ui/sign-in/shown-without-key", test_sign_in_shown_without_key);
  g_test_add_func ("/ui/sign-in/refused-key", test_sign_in_refused_key);
  g_test_add_func ("/ui/sign-in/messages-log-count", test_sign_in_then_messages_log_count);
  g_test_add_func ("/ui/messages/status-filter-matches-cli", test_status_filter_matches_cli);
  g_test_add_func ("/ui/messages/sort-by-cost-header", test_sort_by_cost_header);
  g_test_add_func ("/ui/campaign/window-lists-its-messages", test_campaign_window_lists_its_messages);
  g_test_add_func ("/ui/campaigns/source-filter", test_campaign_log_source_filter);
  g_test_add_func ("/ui/legend/nine-statuses", test_legend_lists_nine_statuses);
  g_test_add_func ("/ui/offline/banner-and-cached-lists", test_offline_banner_and_lists_keep_working);
  g_test_add_func ("/ui/account/refused-key-banner", test_refused_key_later_shows_banner);
  g_test_add_func ("/ui/account/corrupt-cache-moved-aside", test_corrupt_cache_is_moved_aside);
  g_test_add_func ("/ui/account/sign-out", test_sign_out_keeps_or_deletes_reports);

  ret = g_test_run ();

  sr_cache_close (shared_cache);
  g_clear_object (&shared_cache);
  sr_test_remove_tree (shared_dir);
  g_clear_pointer (&shared_dir, g_free);
  g_clear_pointer (&shared_sandbox, sr_test_sandbox_free);

  return ret;
}
