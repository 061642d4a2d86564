/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-ui.c: the real SrWindow (and its pages and windows) against caches
 * filled from the sandbox server over HTTP. Keys come from the window's
 * api-key (as SMSTO_API_KEY would), never from the keyring, so the tests
 * do not depend on a Secret Service. Exports go through the pages' test
 * hooks, which take the file the file chooser would have returned.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sr-chart.h"
#include "sr-core.h"
#include "sr-legend-window.h"
#include "sr-format.h"
#include "sr-status-bar.h"
#include "sr-resources.h"
#include "sr-selection.h"
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

typedef struct
{
  GListModel *list;
  guint       position;
} LoadedWait;

static gboolean
item_loaded (gpointer data)
{
  LoadedWait *wait = data;

  if (SR_IS_MESSAGE_LIST (wait->list))
    return sr_message_list_is_loaded (SR_MESSAGE_LIST (wait->list), wait->position);
  return sr_campaign_list_is_loaded (SR_CAMPAIGN_LIST (wait->list), wait->position);
}

/* The lazy lists never read the cache in get_item(): a row not read yet is
 * a placeholder until its block lands. Holding it, waits for the real one. */
static gpointer
list_get_loaded (GListModel *list,
                 guint       position)
{
  g_autoptr(GObject) placeholder = g_list_model_get_item (list, position);
  LoadedWait wait = { list, position };

  if (placeholder == NULL)
    return NULL;
  wait_until (item_loaded, &wait, 30, "a block of the list");
  return g_list_model_get_item (list, position);
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
          g_autoptr(SrMessage) message = list_get_loaded (G_LIST_MODEL (list), pos);
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

  first = list_get_loaded (G_LIST_MODEL (list), 0);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (first),
                                  sr_message_get_cost (g_ptr_array_index (expensive, 0)), 1e-9);
  for (guint pos = 1; pos < 50; pos++)
    {
      g_autoptr(SrMessage) message = list_get_loaded (G_LIST_MODEL (list), pos);
      g_assert_cmpfloat (sr_message_get_cost (message), <=, sr_message_get_cost (first));
    }
  g_clear_object (&first);

  gtk_column_view_sort_by_column (column_view, cost_column, GTK_SORT_ASCENDING);
  wait.descending = FALSE;
  wait_until (list_sorted, &wait, 30, "the list sorted by cost, ascending");
  first = list_get_loaded (G_LIST_MODEL (list), 0);
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
      g_autoptr(SrMessage) message = list_get_loaded (G_LIST_MODEL (list), pos);
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
  n_api = sr_cache_count_campaigns (shared_cache, filter, &error);
  g_assert_no_error (error);
  filter->source = SR_CAMPAIGN_SOURCE_WEB;
  n_web = sr_cache_count_campaigns (shared_cache, filter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n_api + n_web, ==, g_ascii_strtoll (N_CAMPAIGNS, NULL, 10));

  sr_campaigns_page_set_source (page, 1);
  wait_until (campaign_list_ready, list, 30, "the API campaigns");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_api);
  for (guint pos = 0; pos < g_list_model_get_n_items (G_LIST_MODEL (list)); pos++)
    {
      g_autoptr(SrCampaign) campaign = list_get_loaded (G_LIST_MODEL (list), pos);
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
  return adw_banner_get_revealed (sr_window_get_offline_banner (data));
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
  g_assert_false (adw_banner_get_revealed (sr_window_get_offline_banner (window)));

  /* The server goes away. */
  sr_test_sandbox_stop (sandbox);
  session = sr_window_get_session (window);
  sr_api_client_set_max_attempts (sr_session_get_client (session), 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync", NULL));
  wait_until (offline_banner_shown, window, 60, "the offline banner");
  g_assert_true (sr_session_get_offline (session));
  g_assert_false (sr_session_get_auth_failed (session));
  g_assert_true (g_str_has_prefix (adw_banner_get_title (sr_window_get_offline_banner (window)), "Offline"));

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
  return adw_banner_get_revealed (sr_window_get_auth_banner (data));
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
  g_assert_false (adw_banner_get_revealed (sr_window_get_offline_banner (window)));
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


/* --- the selection model --- */

/* A million items that count how often they are asked for. */
typedef struct
{
  GObject parent_instance;
  guint   n_get_item;
} CountingModel;

typedef GObjectClass CountingModelClass;

static GType counting_model_get_type (void);
static void counting_model_list_model_init (GListModelInterface *iface);

G_DEFINE_TYPE_WITH_CODE (CountingModel, counting_model, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, counting_model_list_model_init))

static GType
counting_model_get_item_type (GListModel *list)
{
  return G_TYPE_OBJECT;
}

static guint
counting_model_get_n_items (GListModel *list)
{
  return 1000000;
}

static gpointer
counting_model_get_item (GListModel *list,
                         guint       position)
{
  ((CountingModel *) list)->n_get_item++;
  return position < 1000000 ? g_object_new (G_TYPE_OBJECT, NULL) : NULL;
}

static void
counting_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = counting_model_get_item_type;
  iface->get_n_items = counting_model_get_n_items;
  iface->get_item = counting_model_get_item;
}

static void
counting_model_class_init (CountingModelClass *klass)
{
}

static void
counting_model_init (CountingModel *self)
{
}

static void
test_selection_never_creates_items (void)
{
  CountingModel *model = g_object_new (counting_model_get_type (), NULL);
  g_autoptr(SrSelection) selection = sr_selection_new (G_LIST_MODEL (model));
  GtkSelectionModel *sel = GTK_SELECTION_MODEL (selection);
  g_autoptr(GtkBitset) selected = NULL;

  /* Ctrl+A on a million rows. */
  g_assert_true (gtk_selection_model_select_all (sel));
  selected = gtk_selection_model_get_selection (sel);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1000000);
  g_clear_pointer (&selected, gtk_bitset_unref);

  g_assert_true (gtk_selection_model_unselect_range (sel, 10, 5));
  g_assert_false (gtk_selection_model_is_selected (sel, 12));
  g_assert_true (gtk_selection_model_is_selected (sel, 15));

  /* A click: only that row. */
  g_assert_true (gtk_selection_model_select_item (sel, 42, TRUE));
  selected = gtk_selection_model_get_selection (sel);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
  g_assert_true (gtk_bitset_contains (selected, 42));
  g_clear_pointer (&selected, gtk_bitset_unref);

  /* Rows inserted above move the selection along. */
  g_list_model_items_changed (G_LIST_MODEL (model), 0, 0, 3);
  g_assert_true (gtk_selection_model_is_selected (sel, 45));
  g_assert_false (gtk_selection_model_is_selected (sel, 42));

  g_assert_cmpuint (model->n_get_item, ==, 0);

  g_clear_object (&selection);
  g_object_unref (model);
}

/* --- dashboard --- */

static SrInsights *
query_insights (gint64 from,
                gint64 to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  SrInsights *insights;

  filter->from = from;
  filter->to = to;
  insights = sr_insights_query (shared_cache, filter, SR_INSIGHTS_ALL, zone, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (insights);

  return insights;
}

static gint64
local_midnight (int days_from_today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now),
                                                      0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (today, days_from_today);

  return g_date_time_to_unix (day) * G_USEC_PER_SEC;
}

typedef struct
{
  guint   n_pixels;
  guint   n_painted;     /* not fully transparent */
  guint   n_delivered;   /* the delivered colour */
} PixelCount;

static gboolean
color_close (const guchar  *bgra,
             const GdkRGBA *rgba)
{
  /* GDK_MEMORY_DEFAULT is B8G8R8A8 premultiplied; the bars are opaque. */
  return bgra[3] == 255 &&
         ABS (bgra[2] - (int) (rgba->red * 255)) <= 2 &&
         ABS (bgra[1] - (int) (rgba->green * 255)) <= 2 &&
         ABS (bgra[0] - (int) (rgba->blue * 255)) <= 2;
}

/* Renders the widget alone (as GTK would in its window) into a texture. */
static void
render_widget (GtkWidget  *widget,
               PixelCount *count)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *data = NULL;
  GskRenderer *renderer;
  GdkRGBA delivered;
  gsize stride;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);

  stride = (gsize) gdk_texture_get_width (texture) * 4;
  data = g_malloc (stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, data, stride);

  sr_status_group_lookup_color (widget, SR_STATUS_GROUP_DELIVERED, &delivered);
  memset (count, 0, sizeof *count);
  for (int y = 0; y < gdk_texture_get_height (texture); y++)
    for (int x = 0; x < gdk_texture_get_width (texture); x++)
      {
        const guchar *pixel = data + y * stride + x * 4;

        count->n_pixels++;
        if (pixel[3] != 0)
          count->n_painted++;
        if (color_close (pixel, &delivered))
          count->n_delivered++;
      }
}

static gboolean
widget_has_size (gpointer data)
{
  return gtk_widget_get_width (data) > 100 && gtk_widget_get_height (data) > 100;
}

static void
check_chart_draws (GtkWidget  *window,
                   SrChart    *chart,
                   SrInsights *insights,
                   guint       expected_buckets_min,
                   guint       expected_buckets_max)
{
  const SrInsightsBucket *buckets;
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  PixelCount count;
  guint n_buckets = 0;
  gint64 total = 0;

  buckets = sr_insights_get_buckets (insights, &n_buckets);
  g_assert_cmpuint (n_buckets, >=, expected_buckets_min);
  g_assert_cmpuint (n_buckets, <=, expected_buckets_max);
  for (guint i = 0; i < n_buckets; i++)
    total += buckets[i].total;

  sr_chart_set_buckets (chart, buckets, n_buckets, sr_insights_get_bucket_size (insights), zone, "EUR");
  wait_until (widget_has_size, chart, 10, "the chart to be allocated");
  spin (100);

  render_widget (GTK_WIDGET (chart), &count);
  g_test_message ("%u buckets, %" G_GINT64_FORMAT " messages: %u painted pixels, %u delivered",
                  n_buckets, total, count.n_painted, count.n_delivered);

  /* Axis and labels are always there; bars only with messages. */
  g_assert_cmpuint (count.n_painted, >, 0);
  g_assert_cmpint (sr_chart_get_total (chart), ==, total);
  g_assert_nonnull (sr_chart_get_summary (chart));
  g_assert_cmpstr (sr_chart_get_summary (chart), !=, "");

  if (total == 0)
    {
      g_assert_cmpuint (count.n_delivered, ==, 0);
      g_assert_nonnull (strstr (sr_chart_get_summary (chart), "No messages"));
    }
  else
    {
      g_assert_cmpuint (count.n_delivered, >, 0);
      g_assert_cmpuint (sr_chart_get_n_bars (chart), >, 0);
    }

  /* Every bar has a tooltip with its exact counts. */
  for (guint bar = 0; bar < sr_chart_get_n_bars (chart); bar++)
    {
      g_autofree char *text = sr_chart_dup_bar_text (chart, bar);

      g_assert_nonnull (text);
      g_assert_cmpstr (text, !=, "");
    }

  /* The spend series of the same buckets. */
  sr_chart_set_mode (chart, SR_CHART_MODE_SPEND);
  spin (50);
  render_widget (GTK_WIDGET (chart), &count);
  g_assert_cmpuint (count.n_painted, >, 0);
  sr_chart_set_mode (chart, SR_CHART_MODE_MESSAGES);
}

static void
test_chart_draws_periods (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = sr_chart_new ();
  g_autoptr(SrInsights) empty = NULL;
  g_autoptr(SrInsights) one_day = NULL;
  g_autoptr(SrInsights) ninety_days = NULL;
  g_autoptr(GDateTime) old_start = g_date_time_new_local (2001, 3, 1, 0, 0, 0);
  g_autoptr(GDateTime) old_end = g_date_time_add_days (old_start, 7);
  gint64 newest = sr_cache_get_newest_created_at (shared_cache, NULL);
  g_autoptr(GDateTime) newest_utc = g_date_time_new_from_unix_utc (newest / G_USEC_PER_SEC);
  g_autoptr(GDateTime) newest_local = g_date_time_to_local (newest_utc);
  g_autoptr(GDateTime) busy_day = g_date_time_new_local (g_date_time_get_year (newest_local),
                                                         g_date_time_get_month (newest_local),
                                                         g_date_time_get_day_of_month (newest_local),
                                                         0, 0, 0);
  g_autoptr(GDateTime) busy_next = g_date_time_add_days (busy_day, 1);
  gint64 one_day_from = g_date_time_to_unix (busy_day) * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 240);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));

  /* An empty week long ago. */
  empty = query_insights (g_date_time_to_unix (old_start) * G_USEC_PER_SEC,
                          g_date_time_to_unix (old_end) * G_USEC_PER_SEC);
  g_assert_cmpint (sr_insights_get_totals (empty)->total, ==, 0);
  check_chart_draws (window, SR_CHART (chart), empty, 7, 8);

  /* One day: hourly buckets (the day of the newest message, so it has some). */
  one_day = query_insights (one_day_from, g_date_time_to_unix (busy_next) * G_USEC_PER_SEC);
  g_assert_cmpint (sr_insights_get_bucket_size (one_day), ==, SR_INSIGHTS_BUCKET_HOUR);
  g_assert_cmpint (sr_insights_get_totals (one_day)->total, >, 0);
  check_chart_draws (window, SR_CHART (chart), one_day, 23, 25);

  /* 90 days: daily buckets. */
  ninety_days = query_insights (local_midnight (-89), local_midnight (1));
  g_assert_cmpint (sr_insights_get_bucket_size (ninety_days), ==, SR_INSIGHTS_BUCKET_DAY);
  g_assert_cmpint (sr_insights_get_totals (ninety_days)->total, >, 0);
  check_chart_draws (window, SR_CHART (chart), ninety_days, 90, 91);

  /* Too narrow for a bar per day: days are summed, nothing is lost. */
  gtk_widget_set_size_request (chart, -1, -1);
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 160);
  spin (200);
  {
    guint n_bars = sr_chart_get_n_bars (SR_CHART (chart));
    PixelCount count;

    g_test_message ("%u bars at %d px", n_bars, gtk_widget_get_width (chart));
    g_assert_cmpuint (n_bars, >, 0);
    g_assert_cmpuint (n_bars, <=, 90 + 1);
    render_widget (chart, &count);
    g_assert_cmpuint (count.n_delivered, >, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
}

static gboolean
dashboard_ready (gpointer data)
{
  SrDashboardPage *page = data;

  return !sr_dashboard_page_get_loading (page) && sr_dashboard_page_get_insights (page) != NULL;
}

static gboolean
window_shows_messages (gpointer data)
{
  return g_strcmp0 (sr_window_get_content_page (data), "messages") == 0;
}

static void
check_status_click (SrWindow          *window,
                    SrDashboardPeriod  period,
                    SrStatus           status)
{
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  SrMessagesPage *messages = sr_window_get_messages_page (window);
  SrMessageList *list = sr_messages_page_get_list (messages);
  const SrInsightsTotals *totals;
  gint64 expected;
  guint n;

  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_period (dashboard, period);
  g_assert_true (sr_dashboard_page_get_loading (dashboard));
  wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");

  totals = sr_insights_get_totals (sr_dashboard_page_get_insights (dashboard));
  expected = totals->by_status[status];
  g_assert_cmpint (expected, >, 0);

  /* A click on the status's row of the breakdown. */
  g_assert_true (sr_dashboard_page_activate_status (dashboard, status));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  wait_until (list_ready, list, 30, "the filtered Messages Log");

  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_test_message ("period %d, status %s: %u messages", period, sr_status_to_string (status), n);
  g_assert_cmpint (n, ==, expected);
  g_assert_cmpuint (sr_message_list_get_filter (list)->status_mask, ==, 1u << status);

  /* The same as counting in the cache with that filter. */
  g_assert_cmpint (n, ==, count_messages (shared_cache, sr_message_list_get_filter (list)));
  for (guint pos = 0; pos < MIN (n, 100u); pos++)
    {
      g_autoptr(SrMessage) message = list_get_loaded (G_LIST_MODEL (list), pos);
      g_assert_cmpint (sr_message_get_status (message), ==, status);
    }
}

static void
test_dashboard_status_opens_filtered_log (void)
{
  SrWindow *window = open_shared_window ();

  check_status_click (window, SR_DASHBOARD_PERIOD_ALL, SR_STATUS_FAILED);
  check_status_click (window, SR_DASHBOARD_PERIOD_30_DAYS, SR_STATUS_DELIVERED);
  /* The 30 days are the Messages Log's own "Last 30 Days": no extra chip. */
  g_assert_null (sr_messages_page_get_extra_text (sr_window_get_messages_page (window)));

  close_window (window);
}

static void
test_dashboard_bar_and_country_open_filtered_log (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  SrMessagesPage *messages = sr_window_get_messages_page (window);
  SrMessageList *list = sr_messages_page_get_list (messages);
  SrChart *chart = sr_dashboard_page_get_chart (dashboard);
  const SrInsightsBucket *buckets;
  const SrDeliveryRow *countries;
  const SrInsightsBucket *busiest = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  guint n_buckets = 0, n_countries = 0;

  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_30_DAYS);
  wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");

  /* A bar: that day's messages. */
  buckets = sr_insights_get_buckets (sr_dashboard_page_get_insights (dashboard), &n_buckets);
  for (guint i = 0; i < n_buckets; i++)
    if (busiest == NULL || buckets[i].total > busiest->total)
      busiest = &buckets[i];
  g_assert_nonnull (busiest);
  g_assert_cmpint (busiest->total, >, 0);

  g_signal_emit_by_name (chart, "bar-activated", busiest->start, busiest->end);
  wait_until (window_shows_messages, window, 5, "the Messages Log");
  wait_until (list_ready, list, 30, "the day's messages");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, busiest->total);
  /* A whole day fits the date filter. */
  g_assert_null (sr_messages_page_get_extra_text (messages));

  /* A country: its calling code, in a chip that can be removed. */
  sr_window_show_content_page (window, "dashboard");
  countries = sr_insights_get_countries (sr_dashboard_page_get_insights (dashboard), &n_countries);
  for (guint i = 0; i < n_countries; i++)
    {
      if (countries[i].prefix == NULL || countries[i].prefix_shared)
        continue;

      filter->from = sr_message_list_get_filter (list)->from;
      g_free (filter->country_prefix);
      filter->country_prefix = g_strdup (countries[i].prefix);
      break;
    }
  g_assert_nonnull (filter->country_prefix);

  {
    g_autoptr(SrMessageFilter) shown = NULL;
    SrMessageFilter *click = sr_message_filter_copy (filter);
    gint64 expected;

    /* What the country row does, through the window. */
    sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_ALL);
    wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
    click->from = SR_TIME_NONE;
    click->to = SR_TIME_NONE;
    g_signal_emit_by_name (dashboard, "show-messages", click, "Country");
    wait_until (list_ready, list, 30, "the country's messages");

    shown = sr_message_filter_copy (sr_message_list_get_filter (list));
    g_assert_cmpstr (shown->country_prefix, ==, click->country_prefix);
    expected = count_messages (shared_cache, click);
    g_assert_cmpint (expected, >, 0);
    g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected);
    g_assert_cmpstr (sr_messages_page_get_extra_text (messages), ==, "Country");
    sr_message_filter_free (click);
  }

  close_window (window);
}

/* --- export and copy --- */

/* A small RFC 4180 reader: quoted fields may hold commas, quotes and line
 * breaks. Returns the records as arrays of fields. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GPtrArray *fields = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  const char *p = text;
  gboolean quoted = FALSE;

  while (*p != '\0')
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p += 2;
            }
          else if (*p == '"')
            {
              quoted = FALSE;
              p++;
            }
          else
            g_string_append_c (field, *p++);
          continue;
        }

      if (*p == '"')
        {
          quoted = TRUE;
          p++;
        }
      else if (*p == ',')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          p++;
        }
      else if (*p == '\r' && p[1] == '\n')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
          fields = g_ptr_array_new ();
          p += 2;
        }
      else
        g_string_append_c (field, *p++);
    }

  g_assert_false (quoted);
  g_assert_cmpuint (field->len, ==, 0);
  g_ptr_array_free (fields, TRUE);
  g_string_free (field, TRUE);

  return records;
}

static gboolean
export_finished (gpointer data)
{
  return !sr_export_bar_get_running (data);
}

static GPtrArray *
export_and_read (SrExportBar *bar,
                 GFile       *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (sr_export_bar_get_running (bar));
  wait_until (export_finished, bar, 60, "the export");
  g_assert_no_error ((GError *) sr_export_bar_get_last_error (bar));

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "id,created_at,"));

  return parse_csv (contents);
}

static void
test_export_filtered_messages_log (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-export");
  g_autofree char *path = g_build_filename (dir, "messages-export.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GDir) listing = NULL;
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageView *view = sr_messages_page_get_view (page);
  SrMessageList *list = sr_messages_page_get_list (page);
  SrExportBar *bar = sr_messages_page_get_export_bar (page);
  GtkColumnView *column_view = sr_message_view_get_column_view (view);
  SortWait wait = { list, SR_MESSAGE_SORT_COST, TRUE };
  g_autofree char *expected_message = NULL;
  const char *name;
  guint n;

  /* A filtered, re-sorted view. */
  sr_window_show_content_page (window, "messages");
  sr_messages_page_set_status_mask (page, (1u << SR_STATUS_FAILED) | (1u << SR_STATUS_DELIVERED));
  gtk_column_view_sort_by_column (column_view, sr_message_view_get_column (view, SR_MESSAGE_SORT_COST),
                                  GTK_SORT_DESCENDING);
  wait_until (list_sorted, &wait, 30, "the filtered list sorted by cost");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, count_messages (shared_cache, NULL));

  sr_messages_page_export (page, file);
  records = export_and_read (bar, file);
  g_assert_cmpint (sr_export_bar_get_last_rows (bar), ==, n);

  /* Header plus exactly the view's rows, in the view's order. */
  g_assert_cmpuint (records->len, ==, n + 1);
  g_assert_cmpstr (((char **) g_ptr_array_index (records, 0))[0], ==, "id");
  g_assert_true (g_strv_contains (g_ptr_array_index (records, 0), "local_time"));
  for (guint pos = 0; pos < n; pos++)
    {
      g_autoptr(SrMessage) message = list_get_loaded (G_LIST_MODEL (list), pos);
      char **record = g_ptr_array_index (records, pos + 1);

      g_assert_cmpstr (record[0], ==, sr_message_get_id (message));
    }

  /* The toast says how many, and nothing but the file is left. */
  {
    g_autofree char *count = sr_format_count (n);
    expected_message = g_strdup_printf ("Exported %s messages", count);
  }
  g_assert_cmpstr (sr_export_bar_get_last_message (bar), ==, expected_message);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "messages-export.csv");
  g_assert_null (g_dir_read_name (listing));
  g_clear_pointer (&listing, g_dir_close);

  /* Cancel right away: no file (unless it was already complete). */
  {
    g_autofree char *cancelled_path = g_build_filename (dir, "cancelled.csv", NULL);
    g_autoptr(GFile) cancelled = g_file_new_for_path (cancelled_path);
    const GError *error;

    sr_messages_page_set_status_mask (page, 0);
    wait_until (list_ready, list, 30, "the whole list");
    sr_messages_page_export (page, cancelled);
    g_assert_true (sr_export_bar_get_running (bar));
    sr_export_bar_cancel (bar);
    wait_until (export_finished, bar, 60, "the cancelled export");

    error = sr_export_bar_get_last_error (bar);
    g_test_message ("cancelled export: %s", error != NULL ? error->message : "finished first");
    if (error != NULL)
      {
        g_assert_error ((GError *) error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_false (g_file_query_exists (cancelled, NULL));
        g_assert_cmpstr (sr_export_bar_get_last_message (bar), ==, "Export cancelled; no file was written");
      }
    else
      g_assert_cmpint (sr_export_bar_get_last_rows (bar), ==, g_list_model_get_n_items (G_LIST_MODEL (list)));

    listing = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_true (g_str_equal (name, "messages-export.csv") ||
                     (error == NULL && g_str_equal (name, "cancelled.csv")));
  }

  close_window (window);
  sr_test_remove_tree (dir);
}

static void
test_export_campaign_and_campaign_log (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-export-campaign");
  g_autofree char *path = g_build_filename (dir, "campaign.csv", NULL);
  g_autofree char *log_path = g_build_filename (dir, "campaigns.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) log_file = g_file_new_for_path (log_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  SrWindow *window = open_shared_window ();
  SrCampaignWindow *campaign_window;
  SrCampaignsPage *campaigns_page;
  const char *id = NULL;
  gint64 expected = 0;

  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_RECIPIENTS, TRUE, -1, 0, &error);
  g_assert_no_error (error);

  /* A campaign with messages that did not arrive. */
  filter->status_mask = sr_status_not_arrived_mask ();
  for (guint i = 0; i < campaigns->len && expected == 0; i++)
    {
      id = sr_campaign_get_id (g_ptr_array_index (campaigns, i));
      g_free (filter->campaign_id);
      filter->campaign_id = g_strdup (id);
      expected = count_messages (shared_cache, filter);
    }
  g_assert_cmpint (expected, >, 0);

  campaign_window = sr_window_open_campaign (window, id);
  wait_until (list_ready, sr_campaign_window_get_list (campaign_window), 30, "the campaign's messages");
  sr_campaign_window_export (campaign_window, TRUE, file);
  records = export_and_read (sr_campaign_window_get_export_bar (campaign_window), file);
  g_assert_cmpuint (records->len, ==, expected + 1);
  for (guint i = 1; i < records->len; i++)
    {
      char **record = g_ptr_array_index (records, i);
      g_autoptr(SrMessage) message = sr_cache_get_message (shared_cache, record[0], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (sr_message_get_campaign_id (message), ==, id);
      g_assert_true (sr_status_not_arrived_mask () & (1u << sr_message_get_status (message)));
    }
  g_clear_pointer (&records, g_ptr_array_unref);

  /* Every message of it. */
  sr_campaign_window_export (campaign_window, FALSE, file);
  records = export_and_read (sr_campaign_window_get_export_bar (campaign_window), file);
  g_free (filter->campaign_id);
  filter->campaign_id = g_strdup (id);
  filter->status_mask = 0;
  g_assert_cmpuint (records->len, ==, count_messages (shared_cache, filter) + 1);
  g_clear_pointer (&records, g_ptr_array_unref);
  gtk_window_destroy (GTK_WINDOW (campaign_window));

  /* The Campaign Log, filtered by source. */
  campaigns_page = sr_window_get_campaigns_page (window);
  sr_window_show_content_page (window, "campaigns");
  sr_campaigns_page_set_source (campaigns_page, 1);
  wait_until (campaign_list_ready, sr_campaigns_page_get_list (campaigns_page), 30, "the API campaigns");
  sr_campaigns_page_export (campaigns_page, log_file);
  {
    g_autofree char *contents = NULL;

    wait_until (export_finished, sr_campaigns_page_get_export_bar (campaigns_page), 60, "the campaign export");
    g_assert_no_error ((GError *) sr_export_bar_get_last_error (sr_campaigns_page_get_export_bar (campaigns_page)));
    g_file_load_contents (log_file, NULL, &contents, NULL, NULL, &error);
    g_assert_no_error (error);
    records = parse_csv (contents);
    g_assert_cmpuint (records->len, ==,
                      g_list_model_get_n_items (G_LIST_MODEL (sr_campaigns_page_get_list (campaigns_page))) + 1);
  }

  close_window (window);
  sr_test_remove_tree (dir);
}

static gboolean
copied (gpointer data)
{
  return sr_message_view_get_last_copied (data) != NULL;
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_clipboard_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_read (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static void
test_copy_selection_as_tsv (void)
{
  static const guint positions[] = { 0, 1, 2, 5, 9 };
  g_autoptr(GPtrArray) expected_messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) selection = NULL;
  g_autofree char *expected = NULL;
  ClipboardRead read = { NULL, FALSE };
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageView *view = sr_messages_page_get_view (page);
  SrMessageList *list = sr_messages_page_get_list (page);
  GtkSelectionModel *model = sr_message_view_get_selection (view);

  sr_window_show_content_page (window, "messages");
  sr_messages_page_set_status_mask (page, 1u << SR_STATUS_DELIVERED);
  wait_until (list_ready, list, 30, "the delivered messages");

  /* Select all, then pick rows. */
  gtk_selection_model_select_all (model);
  selection = gtk_selection_model_get_selection (model);
  g_assert_cmpuint (gtk_bitset_get_size (selection), ==, g_list_model_get_n_items (G_LIST_MODEL (list)));
  g_clear_pointer (&selection, gtk_bitset_unref);
  gtk_selection_model_unselect_all (model);

  /* Two runs of rows, Ctrl+click style. */
  gtk_selection_model_select_range (model, 0, 3, TRUE);
  gtk_selection_model_select_item (model, 5, FALSE);
  gtk_selection_model_select_item (model, 9, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_assert_true (gtk_selection_model_is_selected (model, positions[i]));
      g_ptr_array_add (expected_messages, list_get_loaded (G_LIST_MODEL (list), positions[i]));
    }
  g_assert_false (gtk_selection_model_is_selected (model, 3));
  expected = sr_export_format_messages_tsv (expected_messages, SR_CSV_FLAGS_LOCAL_TIME, TRUE);

  /* Ctrl+C */
  gtk_widget_grab_focus (GTK_WIDGET (sr_message_view_get_column_view (view)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "messages.copy", NULL));
  wait_until (copied, view, 30, "the copied rows");
  g_assert_cmpstr (sr_message_view_get_last_copied (view), ==, expected);
  {
    g_auto(GStrv) lines = g_strsplit (expected, "\n", -1);
    /* A header, the rows, and the empty string after the last "\n". */
    g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (positions) + 2);
  }

  /* And that is what the clipboard holds. */
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (view)), NULL,
                                 on_clipboard_read_cb, &read);
  wait_until (clipboard_read, &read, 10, "the clipboard");
  g_assert_cmpstr (read.text, ==, expected);
  g_free (read.text);

  close_window (window);
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
  g_test_add_func ("/ui/selection/never-creates-items", test_selection_never_creates_items);
  g_test_add_func ("/ui/chart/draws-empty-one-day-90-days", test_chart_draws_periods);
  g_test_add_func ("/ui/dashboard/status-opens-filtered-log", test_dashboard_status_opens_filtered_log);
  g_test_add_func ("/ui/dashboard/bar-and-country-open-filtered-log", test_dashboard_bar_and_country_open_filtered_log);
  g_test_add_func ("/ui/messages/export-filtered-view", test_export_filtered_messages_log);
  g_test_add_func ("/ui/campaign/export-not-arrived-and-campaign-log", test_export_campaign_and_campaign_log);
  g_test_add_func ("/ui/messages/copy-selection-as-tsv", test_copy_selection_as_tsv);

  ret = g_test_run ();

  sr_cache_close (shared_cache);
  g_clear_object (&shared_cache);
  sr_test_remove_tree (shared_dir);
  g_clear_pointer (&shared_dir, g_free);
  g_clear_pointer (&shared_sandbox, sr_test_sandbox_free);

  return ret;
}
