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
#include <math.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "sr-application.h"
#include "sr-cells.h"
#include "sr-chart.h"
#include "sr-core.h"
#include "sr-legend-window.h"
#include "sr-preferences-dialog.h"
#include "sr-shortcuts-dialog.h"
#include "sr-message-dialog.h"
#include "sr-campaign-view.h"
#include "sr-campaign-window.h"
#include "sr-format.h"
#include "sr-status-bar.h"
#include "sr-resources.h"
#include "sr-selection.h"
#include "sr-test-mount.h"
#include "sr-message-dialog.h"
#include "sr-shortcuts-dialog.h"
#include "sr-status-pill.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

#define N_MESSAGES  "3000"
#define N_CAMPAIGNS "24"

/* One sandbox and one synced account for the whole run (read-only tests). */
static SrTestSandbox *shared_sandbox;
static char          *shared_dir;
static SrCache       *shared_cache;

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
  sr_test_wait_until (item_loaded, &wait, 30, "a block of the list");
  return g_list_model_get_item (list, position);
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

  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");
  sr_test_wait_until (sr_test_window_messages_ready, window, 60, "the Messages Log");

  return window;
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
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");

  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_null (sr_window_get_session (window));
  g_assert_null (sr_sign_in_page_get_error_text (sr_window_get_sign_in_page (window)));

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
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
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");

  page = sr_window_get_sign_in_page (window);
  sr_sign_in_page_set_urls (page, url, url);
  sr_sign_in_page_set_key (page, "not-the-key");
  sr_sign_in_page_submit (page);
  g_assert_true (sr_sign_in_page_get_busy (page));
  sr_test_wait_until (sr_test_sign_in_settled, page, 60, "the key check");

  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_error ((GError *) sr_sign_in_page_get_error (page), SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (sr_sign_in_page_get_error_text (page));
  g_assert_true (strstr (sr_sign_in_page_get_error_text (page), "refused") != NULL);
  g_assert_null (sr_window_get_session (window));

  sr_test_window_close (window);
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
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");

  page = sr_window_get_sign_in_page (window);
  sr_sign_in_page_set_urls (page, url, url);
  sr_sign_in_page_set_key (page, sr_test_sandbox_get_api_key (shared_sandbox));
  sr_sign_in_page_submit (page);

  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page after sign-in");
  session = sr_window_get_session (window);
  g_assert_nonnull (session);
  /* The first sync starts by itself, with progress. */
  g_assert_true (sr_session_get_syncing (session));

  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");
  g_assert_false (sr_session_get_auth_failed (session));
  g_assert_false (sr_session_get_offline (session));
  g_assert_cmpint (sr_session_get_last_sync (session), !=, SR_TIME_NONE);
  g_assert_cmpfloat (sr_session_get_balance (session), >=, 0);

  sr_window_show_content_page (window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  sr_message_list_reload (list);
  sr_test_wait_until (sr_test_window_messages_ready, window, 60, "the Messages Log");

  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                   count_messages (sr_session_get_cache (session), NULL));
  sr_test_sandbox_get_summary (shared_sandbox, &sandbox_total, NULL, NULL);
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, sandbox_total);
  g_assert_cmpstr (sr_messages_page_get_state (sr_window_get_messages_page (window)), ==, "list");

  sr_test_window_close (window);
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
      sr_test_wait_until (list_ready, list, 30, "the filtered list");
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
  sr_test_wait_until (list_ready, list, 30, "the unfiltered list");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                   json_object_get_int_member (stats, "total"));

  sr_test_window_close (window);
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
  sr_test_wait_until (list_sorted, &wait, 30, "the list sorted by cost, descending");

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
  sr_test_wait_until (list_sorted, &wait, 30, "the list sorted by cost, ascending");
  first = list_get_loaded (G_LIST_MODEL (list), 0);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (first),
                                  sr_message_get_cost (g_ptr_array_index (cheap, 0)), 1e-9);

  /* Another header takes over. */
  gtk_column_view_sort_by_column (column_view,
                                  sr_message_view_get_column (view, SR_MESSAGE_SORT_RECIPIENT),
                                  GTK_SORT_ASCENDING);
  wait.sort = SR_MESSAGE_SORT_RECIPIENT;
  sr_test_wait_until (list_sorted, &wait, 30, "the list sorted by recipient");

  sr_test_window_close (window);
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
  sr_test_wait_until (list_ready, list, 30, "the campaign's messages");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpint (n, ==, expected);

  for (guint pos = 0; pos < n; pos++)
    {
      g_autoptr(SrMessage) message = list_get_loaded (G_LIST_MODEL (list), pos);
      g_assert_cmpstr (sr_message_get_campaign_id (message), ==, sr_campaign_get_id (campaign));
    }

  sr_test_wait_until (campaign_counted, campaign_window, 30, "the campaign's status counts");
  for (guint status = 0; status < SR_N_STATUSES; status++)
    counted += sr_campaign_window_get_status_count (campaign_window, status);
  g_assert_cmpint (counted, ==, expected);

  /* A per-status count filters the list below it. */
  sr_campaign_window_set_status_mask (campaign_window, 1u << SR_STATUS_DELIVERED);
  sr_test_wait_until (list_ready, list, 30, "the campaign's delivered messages");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                   sr_campaign_window_get_status_count (campaign_window, SR_STATUS_DELIVERED));

  gtk_window_destroy (GTK_WINDOW (campaign_window));
  sr_test_window_close (window);
}

/* Issue 13 #1: closing the main window (Ctrl+W) with campaign windows open
 * closes them too, without changing the window table while iterating it
 * (a GLib-CRITICAL, fatal in tests). */
static void
test_closing_main_window_closes_campaign_windows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  SrWindow *window = open_shared_window ();
  GtkWidget *opened[3] = { NULL, };
  guint n_open = 0;

  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, 3, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (campaigns->len, >=, 2);

  for (guint i = 0; i < campaigns->len; i++)
    {
      opened[i] = GTK_WIDGET (sr_window_open_campaign (window, sr_campaign_get_id (g_ptr_array_index (campaigns, i))));
      g_assert_nonnull (opened[i]);
      g_object_add_weak_pointer (G_OBJECT (opened[i]), (gpointer *) &opened[i]);
      n_open++;
    }
  sr_test_spin (100);

  /* What Ctrl+W does. */
  gtk_window_close (GTK_WINDOW (window));
  sr_test_spin (100);

  for (guint i = 0; i < n_open; i++)
    g_assert_null (opened[i]);
}

static void
collect_keycaps (GtkWidget *widget,
                 GString   *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "keycap"))
        g_string_append_printf (out, "%s%s", out->len > 0 ? "+" : "", gtk_label_get_label (GTK_LABEL (child)));
      collect_keycaps (child, out);
    }
}

static GtkWidget *
find_row_titled (GtkWidget  *widget,
                 const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_PREFERENCES_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      if ((found = find_row_titled (child, title)) != NULL)
        return found;
    }

  return NULL;
}

/* Issue 13 #3: the key the shortcuts list shows for Preferences is the one
 * that opens Preferences (and Ctrl+., which the comma was read as, works
 * too). */
static void
test_shortcuts_window_preferences_key (void)
{
  g_autoptr(SrApplication) app = sr_application_new ();
  g_autoptr(GtkWidget) dialog = g_object_ref_sink (sr_shortcuts_dialog_new ());
  g_autoptr(GString) shown = g_string_new (NULL);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_auto(GStrv) by_period = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Control>period");
  GtkWidget *row;
  gboolean matched = FALSE;
  GtkWidget *window = gtk_window_new ();

  /* Built when presented in a window, like the app does. */
  gtk_window_present (GTK_WINDOW (window));
  adw_dialog_present (ADW_DIALOG (dialog), window);
  sr_test_spin (100);
  row = find_row_titled (dialog, "Preferences");

  g_assert_nonnull (row);
  collect_keycaps (row, shown);
  g_test_message ("Preferences is shown as %s", shown->str);

  for (guint i = 0; accels[i] != NULL; i++)
    {
      guint key;
      GdkModifierType mods;
      g_autofree char *label = NULL;

      g_assert_true (gtk_accelerator_parse (accels[i], &key, &mods));
      label = gtk_accelerator_get_label (key, mods);
      if (g_strcmp0 (label, shown->str) == 0)
        matched = TRUE;
    }
  g_assert_true (matched);
  g_assert_nonnull (by_period);
  g_assert_true (g_strv_contains ((const char * const *) by_period, "app.preferences"));

  adw_dialog_force_close (ADW_DIALOG (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
campaign_index_loaded (gpointer data)
{
  SrSession *session = sr_window_get_session (data);

  return session != NULL && sr_session_get_campaign_index (session) != NULL;
}

/* Issue 13 #4: the Campaign Log's Failed column counts what the campaign
 * window calls Failed (FAILED only), not SMS.to's failed counter, which
 * also holds Rejected, Unsubscribed and unknown statuses. */
static void
test_campaign_log_failed_matches_campaign_window (void)
{
  SrWindow *window = open_shared_window ();
  SrCampaignsPage *page = sr_window_get_campaigns_page (window);
  SrCampaignList *list;
  guint n, checked = 0, differs_from_api = 0;

  sr_window_show_content_page (window, "campaigns");
  list = sr_campaigns_page_get_list (page);
  sr_test_wait_until (campaign_list_ready, list, 30, "the Campaign Log");
  sr_test_wait_until (campaign_index_loaded, window, 30, "the campaign index");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, >, 0);

  for (guint pos = 0; pos < n; pos++)
    {
      g_autoptr(SrCampaign) campaign = g_list_model_get_item (G_LIST_MODEL (list), pos);
      gint64 by_group[SR_N_STATUS_GROUPS];
      gint64 window_total = 0;
      SrCampaignWindow *campaign_window;

      if (!sr_campaigns_page_get_row_counts (page, pos, by_group))
        continue;

      campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (campaign));
      sr_test_wait_until (campaign_counted, campaign_window, 30, "the campaign's status counts");

      g_assert_cmpint (by_group[SR_STATUS_GROUP_FAILED], ==,
                       sr_campaign_window_get_status_count (campaign_window, SR_STATUS_FAILED));
      g_assert_cmpint (by_group[SR_STATUS_GROUP_DELIVERED], ==,
                       sr_campaign_window_get_status_count (campaign_window, SR_STATUS_DELIVERED));
      g_assert_cmpint (by_group[SR_STATUS_GROUP_NOT_SENT], ==,
                       sr_campaign_window_get_status_count (campaign_window, SR_STATUS_REJECTED)
                       + sr_campaign_window_get_status_count (campaign_window, SR_STATUS_UNSUBSCRIBED));
      for (guint status = 0; status < SR_N_STATUSES; status++)
        window_total += sr_campaign_window_get_status_count (campaign_window, status);
      g_assert_cmpint (by_group[SR_STATUS_GROUP_DELIVERED] + by_group[SR_STATUS_GROUP_UNCONFIRMED]
                       + by_group[SR_STATUS_GROUP_PENDING] + by_group[SR_STATUS_GROUP_FAILED]
                       + by_group[SR_STATUS_GROUP_NOT_SENT] + by_group[SR_STATUS_GROUP_OTHER], ==, window_total);

      if (by_group[SR_STATUS_GROUP_FAILED] != sr_campaign_get_failed_messages (campaign))
        differs_from_api++;
      checked++;
      gtk_window_destroy (GTK_WINDOW (campaign_window));
    }

  g_test_message ("%u campaigns checked, %u where SMS.to's failed counter differs", checked, differs_from_api);
  g_assert_cmpuint (checked, >, 0);
  /* The fixture has rejected and unsubscribed messages in campaigns, so the
   * old column (SMS.to's counter) would have shown other numbers. */
  g_assert_cmpuint (differs_from_api, >, 0);

  sr_test_window_close (window);
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) widget = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
        return widget;
    }

  return NULL;
}

static gboolean
campaign_window_shown (gpointer data)
{
  return find_toplevel (SR_TYPE_CAMPAIGN_WINDOW) != NULL;
}

/* Issue 13 #7 and #8: a message's details name its campaign by text,
 * sender and time (not a shortened id), and the whole campaign row opens
 * the campaign. */
static void
test_message_details_campaign_row (void)
{
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageList *list = sr_messages_page_get_list (page);
  SrSession *session = sr_window_get_session (window);
  g_autoptr(SrMessage) message = NULL;
  g_autofree char *expected_name = NULL;
  SrMessageDialog *dialog;
  SrCampaignWindow *campaign_window;
  SrCampaign *campaign = NULL;
  GtkWidget *row;
  GtkLabel *value;
  guint n, pos;

  sr_window_show_content_page (window, "messages");
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");
  sr_test_wait_until (campaign_index_loaded, window, 30, "the campaign index");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (pos = 0; pos < n && campaign == NULL; pos++)
    {
      g_clear_object (&message);
      message = g_list_model_get_item (G_LIST_MODEL (list), pos);
      campaign = sr_campaign_index_lookup (sr_session_get_campaign_index (session),
                                           sr_message_get_campaign_id (message));
    }
  g_assert_nonnull (campaign);
  pos--;

  g_signal_emit_by_name (sr_message_view_get_column_view (sr_messages_page_get_view (page)), "activate", pos);
  dialog = SR_MESSAGE_DIALOG (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)));
  g_assert_nonnull (dialog);
  g_assert_true (sr_message_dialog_get_message (dialog) == message);

  row = sr_message_dialog_get_campaign_row (dialog);
  g_assert_nonnull (row);
  value = g_object_get_data (G_OBJECT (row), "sr-value");
  expected_name = sr_format_campaign_name (campaign);
  g_assert_cmpstr (gtk_label_get_label (value), ==, expected_name);
  g_assert_null (strstr (gtk_label_get_label (value), sr_campaign_get_id (campaign)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), sr_campaign_get_sender_id (campaign)));
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));

  /* Activating the row itself (not the chevron) opens the campaign. */
  g_signal_emit_by_name (row, "activate");
  sr_test_wait_until (campaign_window_shown, NULL, 10, "the campaign window");
  campaign_window = SR_CAMPAIGN_WINDOW (find_toplevel (SR_TYPE_CAMPAIGN_WINDOW));
  g_assert_cmpstr (sr_campaign_window_get_campaign_id (campaign_window), ==, sr_campaign_get_id (campaign));

  gtk_window_destroy (GTK_WINDOW (campaign_window));
  if (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)) != NULL)
    adw_dialog_force_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)));
  sr_test_window_close (window);
}

/* Issue 13 #15: the failure reason card says each thing once: no second
 * "temporary, send again later" line under an explanation that says it. */
static void
test_message_details_failure_reason_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  SrWindow *window = open_shared_window ();
  guint checked = 0;

  filter->status_mask = 1u << SR_STATUS_FAILED;
  messages = sr_cache_query_messages (shared_cache, filter, SR_MESSAGE_SORT_CREATED, TRUE, 400, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *message = g_ptr_array_index (messages, i);
      gboolean permanent = FALSE;
      const char *explanation = sr_failure_reason_explain (sr_message_get_failed_reason (message), &permanent);
      GtkWidget *dialog;
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (explanation == NULL || permanent)
        continue;

      dialog = sr_message_dialog_new (message, "EUR", FALSE);
      adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
      text = sr_message_dialog_dup_failure_text (SR_MESSAGE_DIALOG (dialog));
      lines = g_strsplit (text, "\n", -1);

      /* The reason, then its explanation, and nothing else. */
      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_cmpstr (lines[0], ==, sr_message_get_failed_reason (message));
      g_assert_cmpstr (lines[1], ==, explanation);
      g_assert_nonnull (strstr (lines[1], "again later"));
      g_assert_cmpstr (lines[2], ==, "");

      adw_dialog_force_close (ADW_DIALOG (dialog));
      if (++checked == 3)
        break;
    }
  g_assert_cmpuint (checked, >, 0);

  sr_test_window_close (window);
}

/* Issue 13 #10: the sidebar and the Balance card say the same "Synced …",
 * from the session's one clock, after a sync and after the clock ticks. */
static void
test_synced_text_one_source (void)
{
  SrWindow *window = open_shared_window ();
  SrSession *session = sr_window_get_session (window);
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  const char *text = sr_session_get_synced_text (session);

  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "Synced"));
  g_assert_cmpstr (sr_window_get_sync_status_text (window), ==, text);
  g_assert_cmpstr (sr_dashboard_page_get_balance_detail (dashboard), ==, text);

  /* A second sync: both follow the session's text at once. */
  sr_session_sync (session, TRUE);
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the second sync");
  sr_test_spin (100);
  g_assert_cmpstr (sr_window_get_sync_status_text (window), ==, sr_session_get_synced_text (session));
  g_assert_cmpstr (sr_dashboard_page_get_balance_detail (dashboard), ==, sr_session_get_synced_text (session));

  sr_test_window_close (window);
}

/* Issue 13 #13: with servers given on the command line, Preferences shows
 * those (the ones in use), not the saved defaults. */
static void
test_preferences_show_servers_in_use (void)
{
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  GtkWidget *prefs = g_object_ref_sink (sr_preferences_dialog_new ());

  g_assert_cmpstr (sr_preferences_dialog_get_api_url_text (SR_PREFERENCES_DIALOG (prefs)), ==, SR_DEFAULT_API_URL);

  sr_preferences_dialog_set_urls_in_use (SR_PREFERENCES_DIALOG (prefs), url, url);
  g_assert_cmpstr (sr_preferences_dialog_get_api_url_text (SR_PREFERENCES_DIALOG (prefs)), ==, url);

  g_object_unref (prefs);
}

/* Issue 13 #14: "Show in Messages Log" from a campaign shows all of its
 * messages, whatever filters the Log had before. */
static void
test_show_in_log_resets_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageList *list = sr_messages_page_get_list (page);
  SrCampaignWindow *campaign_window;
  SrCampaign *campaign = NULL;
  gint64 expected = 0;

  campaigns = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_RECIPIENTS, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < campaigns->len && expected < 2; i++)
    {
      campaign = g_ptr_array_index (campaigns, i);
      g_free (filter->campaign_id);
      filter->campaign_id = g_strdup (sr_campaign_get_id (campaign));
      expected = count_messages (shared_cache, filter);
    }
  g_assert_cmpint (expected, >=, 2);

  /* The Log shows only failed messages first. */
  sr_window_show_content_page (window, "messages");
  sr_messages_page_set_status_mask (page, 1u << SR_STATUS_FAILED);
  sr_test_wait_until (list_ready, list, 30, "the failed messages");

  campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (campaign));
  g_signal_emit_by_name (campaign_window, "show-in-log", sr_campaign_get_id (campaign), "a campaign");
  sr_test_spin (50);
  sr_test_wait_until (list_ready, list, 30, "the campaign's messages in the Log");

  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  g_assert_cmpuint (sr_message_list_get_filter (list)->status_mask, ==, 0);
  g_assert_cmpstr (sr_message_list_get_filter (list)->campaign_id, ==, sr_campaign_get_id (campaign));
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected);

  gtk_window_destroy (GTK_WINDOW (campaign_window));
  sr_test_window_close (window);
}

/* Issue 13 #18: automatic refresh is a switch plus an interval; the
 * interval survives turning it off and on again. */
static void
test_preferences_auto_refresh_switch (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GtkWidget) prefs = g_object_ref_sink (sr_preferences_dialog_new ());

  sr_preferences_dialog_set_auto_refresh (SR_PREFERENCES_DIALOG (prefs), TRUE, 30);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-refresh-minutes"), ==, 30);

  sr_preferences_dialog_set_auto_refresh (SR_PREFERENCES_DIALOG (prefs), FALSE, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-refresh-minutes"), ==, 0);

  sr_preferences_dialog_set_auto_refresh (SR_PREFERENCES_DIALOG (prefs), TRUE, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-refresh-minutes"), ==, 30);

  /* A change made elsewhere shows in the rows. */
  g_settings_set_uint (settings, "auto-refresh-minutes", 0);
  g_settings_reset (settings, "auto-refresh-minutes");
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-refresh-minutes"), ==, 15);
}

/* Issue 13 features: a row's context menu copies its id, number and text
 * and opens its campaign. */
static void
test_messages_row_context_menu (void)
{
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageView *view = sr_messages_page_get_view (page);
  SrMessageList *list = sr_messages_page_get_list (page);
  g_autoptr(SrMessage) message = NULL;
  SrCampaignWindow *campaign_window;
  guint n, pos;

  sr_window_show_content_page (window, "messages");
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (pos = 0; pos < n; pos++)
    {
      g_clear_object (&message);
      message = g_list_model_get_item (G_LIST_MODEL (list), pos);
      if (sr_message_get_campaign_id (message) != NULL && sr_message_get_message (message) != NULL)
        break;
    }
  g_assert_cmpuint (pos, <, n);

  sr_message_view_set_context_row (view, pos);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message-row.copy-id", NULL));
  g_assert_cmpstr (sr_message_view_get_last_copied (view), ==, sr_message_get_id (message));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message-row.copy-number", NULL));
  g_assert_cmpstr (sr_message_view_get_last_copied (view), ==, sr_message_get_to (message));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message-row.copy-text", NULL));
  g_assert_cmpstr (sr_message_view_get_last_copied (view), ==, sr_message_get_message (message));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message-row.open-campaign", NULL));
  sr_test_wait_until (campaign_window_shown, NULL, 10, "the campaign window");
  campaign_window = SR_CAMPAIGN_WINDOW (find_toplevel (SR_TYPE_CAMPAIGN_WINDOW));
  g_assert_cmpstr (sr_campaign_window_get_campaign_id (campaign_window), ==, sr_message_get_campaign_id (message));

  gtk_window_destroy (GTK_WINDOW (campaign_window));
  sr_test_window_close (window);
}

/* Issue 13 features: the optional Failure Reason column, toggled from the
 * column headers' menu. */
static void
test_messages_failure_reason_column (void)
{
  SrWindow *window = open_shared_window ();
  SrMessageView *view = sr_messages_page_get_view (sr_window_get_messages_page (window));
  GListModel *columns = gtk_column_view_get_columns (sr_message_view_get_column_view (view));
  GtkColumnViewColumn *reason = NULL;
  gboolean shown = TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_nonnull (gtk_column_view_column_get_header_menu (column));
      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Failure Reason") == 0)
        reason = column;
    }
  g_assert_nonnull (reason);
  g_assert_false (gtk_column_view_column_get_visible (reason));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message-view.show-failure-reason", NULL));
  g_assert_true (gtk_column_view_column_get_visible (reason));
  g_object_get (view, "show-failure-reason", &shown, NULL);
  g_assert_true (shown);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message-view.show-failure-reason", NULL));
  g_assert_false (gtk_column_view_column_get_visible (reason));

  sr_test_window_close (window);
}

/* Issue 13 features: the Messages Log filters by sender ID, country and
 * failure reason, combined with each other and with the status filter,
 * each a removable chip (here added from a row's context menu). */
static void
test_messages_filter_chips (void)
{
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageView *view = sr_messages_page_get_view (page);
  SrMessageList *list = sr_messages_page_get_list (page);
  g_autoptr(SrMessageFilter) expected = sr_message_filter_new ();
  g_autoptr(SrMessage) message = NULL;
  const SrCountry *country = NULL;
  g_auto(GStrv) chips = NULL;
  guint n, pos;

  sr_window_show_content_page (window, "messages");
  sr_messages_page_set_status_mask (page, 1u << SR_STATUS_FAILED);
  sr_test_wait_until (list_ready, list, 30, "the failed messages");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (pos = 0; pos < n; pos++)
    {
      g_clear_object (&message);
      message = g_list_model_get_item (G_LIST_MODEL (list), pos);
      country = sr_country_from_number (sr_message_get_to (message));
      if (sr_message_get_failed_reason (message) != NULL && sr_message_get_sender_id (message) != NULL &&
          country != NULL)
        break;
    }
  g_assert_cmpuint (pos, <, n);

  sr_message_view_set_context_row (view, pos);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "messages-page.filter-by", "(ss)",
                                             "sender", sr_message_get_sender_id (message)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "messages-page.filter-by", "(ss)",
                                             "country", sr_country_get_calling_code (country)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "messages-page.filter-by", "(ss)",
                                             "reason", sr_message_get_failed_reason (message)));
  sr_test_spin (20);
  sr_test_wait_until (list_ready, list, 30, "the narrowed Log");

  expected->status_mask = 1u << SR_STATUS_FAILED;
  expected->sender_id = g_strdup (sr_message_get_sender_id (message));
  expected->country_prefix = g_strdup (sr_country_get_calling_code (country));
  expected->failed_reason = g_strdup (sr_message_get_failed_reason (message));
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, count_messages (shared_cache, expected));
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 0);

  chips = sr_messages_page_dup_chip_texts (page);
  g_assert_cmpuint (g_strv_length (chips), ==, 3);
  g_assert_nonnull (strstr (chips[0], sr_message_get_sender_id (message)));
  g_assert_nonnull (strstr (chips[2], sr_message_get_failed_reason (message)));

  /* Removing the sender chip keeps the other two conditions. */
  g_assert_true (sr_messages_page_remove_chip (page, 0));
  sr_test_spin (20);
  sr_test_wait_until (list_ready, list, 30, "the Log without the sender");
  g_clear_pointer (&expected->sender_id, g_free);
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, count_messages (shared_cache, expected));
  g_assert_null (sr_message_list_get_filter (list)->sender_id);
  g_assert_cmpstr (sr_message_list_get_filter (list)->failed_reason, ==, expected->failed_reason);
  g_strfreev (g_steal_pointer (&chips));
  chips = sr_messages_page_dup_chip_texts (page);
  g_assert_cmpuint (g_strv_length (chips), ==, 2);

  sr_test_window_close (window);
}

/* Issue 13 features: the Campaign Log filters by period, sender ID and
 * campaign status, combined; the list matches the cache's own count. */
static void
test_campaign_log_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  SrWindow *window = open_shared_window ();
  SrCampaignsPage *page = sr_window_get_campaigns_page (window);
  SrCampaignList *list = sr_campaigns_page_get_list (page);
  g_autoptr(SrCampaignFilter) expected = sr_campaign_filter_new ();
  SrCampaign *sample;
  guint n;

  sr_window_show_content_page (window, "campaigns");
  sr_test_wait_until (campaign_index_loaded, window, 30, "the campaign index");
  sr_test_wait_until (campaign_list_ready, list, 30, "the Campaign Log");
  all = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  sample = g_ptr_array_index (all, 0);   /* the newest: inside the last 30 days */

  sr_campaigns_page_set_filters (page, SR_PERIOD_30_DAYS, sr_campaign_get_sender_id (sample), sr_campaign_get_status (sample));
  sr_test_spin (20);
  sr_test_wait_until (campaign_list_ready, list, 30, "the filtered Campaign Log");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  expected->from = sr_campaign_list_get_filter (list)->from;
  expected->to = sr_campaign_list_get_filter (list)->to;
  expected->sender_id = g_strdup (sr_campaign_get_sender_id (sample));
  expected->status = g_strdup (sr_campaign_get_status (sample));
  g_assert_cmpint (expected->from, >, SR_TIME_NONE);
  g_assert_cmpint (n, ==, sr_cache_count_campaigns (shared_cache, expected, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, all->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrCampaign) campaign = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (sr_campaign_filter_matches (expected, campaign));
    }

  sr_campaigns_page_set_filters (page, SR_PERIOD_ALL, NULL, NULL);
  sr_test_spin (20);
  sr_test_wait_until (campaign_list_ready, list, 30, "the whole Campaign Log");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, all->len);

  sr_test_window_close (window);
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
  sr_test_wait_until (campaign_list_ready, list, 30, "the Campaign Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, g_ascii_strtoll (N_CAMPAIGNS, NULL, 10));

  filter->source = SR_CAMPAIGN_SOURCE_API;
  n_api = sr_cache_count_campaigns (shared_cache, filter, &error);
  g_assert_no_error (error);
  filter->source = SR_CAMPAIGN_SOURCE_WEB;
  n_web = sr_cache_count_campaigns (shared_cache, filter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n_api + n_web, ==, g_ascii_strtoll (N_CAMPAIGNS, NULL, 10));

  sr_campaigns_page_set_source (page, 1);
  sr_test_wait_until (campaign_list_ready, list, 30, "the API campaigns");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_api);
  for (guint pos = 0; pos < g_list_model_get_n_items (G_LIST_MODEL (list)); pos++)
    {
      g_autoptr(SrCampaign) campaign = list_get_loaded (G_LIST_MODEL (list), pos);
      g_assert_true (sr_campaign_get_is_api (campaign));
    }

  sr_campaigns_page_set_source (page, 0);
  sr_test_wait_until (campaign_list_ready, list, 30, "the web campaigns");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_web);

  sr_test_window_close (window);
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
  sr_test_spin (50);

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
  cache = sr_test_sync_account (url, sr_test_sandbox_get_api_key (sandbox), dir);
  total = count_messages (cache, NULL);
  g_assert_cmpint (total, >, 0);

  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");
  g_assert_false (adw_banner_get_revealed (sr_window_get_offline_banner (window)));

  /* The server goes away. */
  sr_test_sandbox_stop (sandbox);
  session = sr_window_get_session (window);
  sr_api_client_set_max_attempts (sr_session_get_client (session), 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync", NULL));
  sr_test_wait_until (offline_banner_shown, window, 60, "the offline banner");
  g_assert_true (sr_session_get_offline (session));
  g_assert_false (sr_session_get_auth_failed (session));
  g_assert_true (g_str_has_prefix (adw_banner_get_title (sr_window_get_offline_banner (window)), "Offline"));

  /* Everything cached is still there and filters still work. */
  sr_window_show_content_page (window, "messages");
  page = sr_window_get_messages_page (window);
  list = sr_messages_page_get_list (page);
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);

  sr_messages_page_set_status_mask (page, 1u << SR_STATUS_DELIVERED);
  sr_test_wait_until (list_ready, list, 30, "the filtered Messages Log");
  filter->status_mask = 1u << SR_STATUS_DELIVERED;
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, count_messages (cache, filter));

  sr_window_show_content_page (window, "campaigns");
  sr_test_wait_until (campaign_list_ready, sr_campaigns_page_get_list (sr_window_get_campaigns_page (window)),
              30, "the Campaign Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (sr_campaigns_page_get_list (sr_window_get_campaigns_page (window)))),
                   ==, 5);

  sr_test_window_close (window);
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
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (auth_banner_shown, window, 60, "the refused-key banner");

  g_assert_true (sr_session_get_auth_failed (sr_window_get_session (window)));
  g_assert_false (adw_banner_get_revealed (sr_window_get_offline_banner (window)));
  /* The reports stay on screen. */
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "reports");

  /* "Sign In Again" leads to the sign-in page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in-again", NULL));
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");

  sr_test_window_close (window);
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
  sr_test_wait_until (window_shows_problem, window, 30, "the damaged-file page");
  g_assert_nonnull (sr_window_get_problem_title (window));
  /* Plain words, not SQLite's "file is not a database" */
  g_assert_nonnull (strstr (sr_window_get_problem_description (window), "damaged"));
  g_assert_null (strstr (sr_window_get_problem_description (window), "not a database"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.move-cache-aside", NULL));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page after moving the file aside");

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

  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the sync into the fresh file");
  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

/* A folder where the reports file should be: the problem page says so in
 * plain words, without SQLite's "disk I/O error", and offers no move-aside. */
static void
test_cache_path_is_a_folder (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-folder");
  const char *url = sr_test_sandbox_get_url (shared_sandbox);
  const char *key = sr_test_sandbox_get_api_key (shared_sandbox);
  g_autofree char *file_name = sr_cache_dup_account_file_name (url, key);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  const char *description;
  SrWindow *window;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);

  window = sr_window_new_for_test (url, url, dir, key);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (window_shows_problem, window, 30, "the problem page");
  g_assert_cmpstr (sr_window_get_problem_title (window), ==, "Saved Reports Cannot Be Opened");
  description = sr_window_get_problem_description (window);
  g_assert_nonnull (strstr (description, "folder"));
  g_assert_nonnull (strstr (description, path));
  g_assert_null (strstr (description, "disk I/O"));
  g_assert_null (strstr (description, "unable to open"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static gboolean
storage_banner_shown (gpointer data)
{
  return adw_banner_get_revealed (sr_window_get_storage_banner (data));
}

/* Saved reports in a read-only folder: the window shows them, a banner says
 * syncing is unavailable, and Sync is disabled. */
static gboolean
file_gone (gpointer user_data)
{
  return !g_file_test (user_data, G_FILE_TEST_EXISTS);
}

static gboolean
opening_slow_label_shown (gpointer user_data)
{
  return gtk_widget_get_mapped (sr_window_get_opening_slow_label (SR_WINDOW (user_data)));
}

static gboolean
window_has_session (gpointer user_data)
{
  return sr_window_get_session (SR_WINDOW (user_data)) != NULL;
}

/* An open that takes long (here: another program holds the file's write
 * lock, as a migration or a check would take time) says why on the cover,
 * and the reports open normally once the file is free. */
static void
test_slow_open_explained (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-slow-open");
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  SrCache *cache;
  SrWindow *window;
  SrMessageList *list;
  sqlite3 *db = NULL;
  gint64 total;

  sandbox = sr_test_sandbox_start ("--messages", "300", "--campaigns", "3", NULL);
  url = g_strdup (sr_test_sandbox_get_url (sandbox));
  cache = sr_test_sync_account (url, sr_test_sandbox_get_api_key (sandbox), dir);
  total = count_messages (cache, NULL);
  g_assert_cmpint (total, >, 0);
  sr_cache_close (cache);
  g_object_unref (cache);

  path = sr_session_build_cache_path (url, sr_test_sandbox_get_api_key (sandbox), dir);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  /* Not at once: a quick open shows only the spinner. */
  sr_test_spin (300);
  g_assert_false (gtk_widget_get_mapped (sr_window_get_opening_slow_label (window)));
  g_assert_null (sr_window_get_session (window));
  sr_test_wait_until (opening_slow_label_shown, window, 8, "the slow-open explanation");
  g_assert_null (sr_window_get_session (window));

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  sr_test_wait_until (window_has_session, window, 30, "the account opened");
  g_assert_false (gtk_widget_get_mapped (sr_window_get_opening_slow_label (window)));
  sr_window_show_content_page (window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static void
test_read_only_reports_shown (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-read-only");
  g_autofree char *url = NULL;
  SrCache *cache;
  SrWindow *window;
  SrMessageList *list;
  gint64 total;

  sandbox = sr_test_sandbox_start ("--messages", "500", "--campaigns", "3", NULL);
  url = g_strdup (sr_test_sandbox_get_url (sandbox));
  cache = sr_test_sync_account (url, sr_test_sandbox_get_api_key (sandbox), dir);
  total = count_messages (cache, NULL);
  g_assert_cmpint (total, >, 0);
  sr_cache_close (cache);
  g_object_unref (cache);

  if (!sr_test_make_read_only (dir))
    {
      g_test_skip ("Cannot make a read-only folder here");
      sr_test_remove_tree (dir);
      return;
    }

  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (storage_banner_shown, window, 30, "the read-only banner");
  g_assert_nonnull (strstr (adw_banner_get_title (sr_window_get_storage_banner (window)), "read-only"));
  /* Sync (Ctrl+R, F5) does nothing: nothing asked of the server */
  {
    gint64 before = 0, after = 0;

    sr_test_sandbox_get_counters (sandbox, &before, NULL);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.sync", NULL);
    sr_session_sync (sr_window_get_session (window), TRUE);
    g_assert_false (sr_session_get_syncing (sr_window_get_session (window)));
    sr_test_sandbox_get_counters (sandbox, &after, NULL);
    g_assert_cmpint (after, ==, before);
  }

  sr_window_show_content_page (window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);

  sr_test_window_close (window);
  sr_test_make_writable (dir);
  sr_test_remove_tree (dir);
}

static void
on_failed_sync_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;
  SrSyncSummary summary;

  if (sr_sync_run_finish (SR_SYNC (object), result, &summary, error))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

/* A first sync stopped by a full disk (a 2 MB tmpfs), then not a byte left:
 * the window opens the saved reports, shows them, and a banner says the disk
 * is full. */
static void
test_full_disk_reports_shown (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autofree char *dir = sr_test_mount_tmpfs ("test-ui-full", 2048);
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  SrCache *cache;
  SrWindow *window;
  SrMessageList *list;
  gint64 stored;

  if (dir == NULL)
    {
      g_test_skip ("Mounting a small tmpfs needs root");
      return;
    }
  sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "5", "--seed", "5", NULL);
  url = g_strdup (sr_test_sandbox_get_url (sandbox));
  client = sr_api_client_new (url, url, sr_test_sandbox_get_api_key (sandbox), &error);
  g_assert_no_error (error);
  {
    g_autofree char *file_name = sr_cache_dup_account_file_name (sr_api_client_get_api_url (client),
                                                                 sr_test_sandbox_get_api_key (sandbox));
    path = g_build_filename (dir, file_name, NULL);
  }
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  sync = sr_sync_new (client, cache);
  sr_sync_set_concurrency (sync, 1);
  sr_sync_run_async (sync, NULL, on_failed_sync_cb, &error);
  sr_test_wait_until (error_is_set, &error, 120, "the sync that fills the disk");
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL);
  g_clear_error (&error);
  g_clear_object (&sync);
  stored = count_messages (cache, NULL);
  g_assert_cmpint (stored, >, 0);
  sr_cache_close (cache);
  g_object_unref (cache);
  sr_test_fill_disk (dir);

  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (storage_banner_shown, window, 30, "the full-disk banner");
  g_assert_nonnull (strstr (adw_banner_get_title (sr_window_get_storage_banner (window)), "disk is full"));

  sr_window_show_content_page (window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, stored);

  /* Let a sync the window may have started fail on the full disk first */
  sr_test_wait_until (sr_test_window_session_idle, window, 60, "the sync to stop");
  sr_test_window_close (window);
  sr_test_unmount (dir);
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
      sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
      sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");

      g_free (path);
      path = g_strdup (sr_session_get_cache_path (sr_window_get_session (window)));
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

      sr_window_sign_out (window, delete_reports);
      g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
      g_assert_null (sr_window_get_session (window));
      /* The files are deleted on a worker, at once. */
      if (delete_reports)
        sr_test_wait_until (file_gone, path, 10, "the reports file deleted");
      else
        g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

      sr_test_window_close (window);
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
  /* Allocated and mapped: a widget that is not drawable snapshots nothing. */
  return gtk_widget_get_width (data) > 100 && gtk_widget_get_height (data) > 100 &&
         gtk_widget_is_drawable (data);
}

/* The widget has been laid out since its last change and draws something:
 * on a loaded machine that can take more than one frame. */
static gboolean
widget_draws (gpointer data)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;

  if (!gtk_widget_get_mapped (data) ||
      gtk_widget_get_width (data) <= 0 || gtk_widget_get_height (data) <= 0)
    return FALSE;

  paintable = gtk_widget_paintable_new (data);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (data), gtk_widget_get_height (data));
  node = gtk_snapshot_free_to_node (snapshot);

  return node != NULL;
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
  sr_test_wait_until (widget_has_size, chart, 10, "the chart to be allocated");
  sr_test_spin (100);
  sr_test_wait_until (widget_draws, chart, 10, "the chart to draw");

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
  sr_test_spin (50);
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
  /* Issue 13 #12: whole, distinct steps, never "0, 1, 1". */
  {
    g_auto(GStrv) values = sr_chart_dup_axis_values (SR_CHART (chart));

    g_assert_cmpuint (g_strv_length (values), ==, 2);
    g_assert_cmpstr (values[0], ==, "0");
    g_assert_cmpstr (values[1], ==, "1");
  }

  /* One day: hourly buckets (the day of the newest message, so it has some). */
  one_day = query_insights (one_day_from, g_date_time_to_unix (busy_next) * G_USEC_PER_SEC);
  g_assert_cmpint (sr_insights_get_bucket_size (one_day), ==, SR_INSIGHTS_BUCKET_HOUR);
  g_assert_cmpint (sr_insights_get_totals (one_day)->total, >, 0);
  check_chart_draws (window, SR_CHART (chart), one_day, 23, 25);
  /* Issue 13 features: the rate lines use the cards' definition per bar. */
  if (sr_chart_get_n_bars (SR_CHART (chart)) == sr_chart_get_n_buckets (SR_CHART (chart)))
    {
      guint n_buckets;
      const SrInsightsBucket *buckets = sr_insights_get_buckets (one_day, &n_buckets);
      guint checked = 0;

      for (guint i = 0; i < n_buckets; i++)
        {
          gint64 settled = buckets[i].total - buckets[i].by_group[SR_STATUS_GROUP_PENDING];
          double rate = sr_chart_get_bar_rate (SR_CHART (chart), i, SR_STATUS_GROUP_DELIVERED);

          if (settled == 0)
            {
              g_assert_cmpfloat (rate, <, 0);
              continue;
            }
          g_assert_cmpfloat_with_epsilon (rate, (double) buckets[i].by_group[SR_STATUS_GROUP_DELIVERED] / settled, 1e-9);
          g_assert_cmpfloat_with_epsilon (sr_chart_get_bar_rate (SR_CHART (chart), i, SR_STATUS_GROUP_FAILED),
                                          (double) buckets[i].by_group[SR_STATUS_GROUP_FAILED] / settled, 1e-9);
          checked++;
        }
      g_assert_cmpuint (checked, >, 0);
    }
  {
    g_auto(GStrv) values = sr_chart_dup_axis_values (SR_CHART (chart));

    for (guint i = 1; values[i] != NULL; i++)
      g_assert_cmpstr (values[i], !=, values[i - 1]);
  }

  /* 90 days: daily buckets. */
  ninety_days = query_insights (local_midnight (-89), local_midnight (1));
  g_assert_cmpint (sr_insights_get_bucket_size (ninety_days), ==, SR_INSIGHTS_BUCKET_DAY);
  g_assert_cmpint (sr_insights_get_totals (ninety_days)->total, >, 0);
  check_chart_draws (window, SR_CHART (chart), ninety_days, 90, 91);

  /* Too narrow for a bar per day: days are summed, nothing is lost. */
  gtk_widget_set_size_request (chart, -1, -1);
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 160);
  sr_test_spin (200);
  {
    guint n_bars = sr_chart_get_n_bars (SR_CHART (chart));
    PixelCount count;

    g_test_message ("%u bars at %d px", n_bars, gtk_widget_get_width (chart));
    g_assert_cmpuint (n_bars, >, 0);
    g_assert_cmpuint (n_bars, <=, 90 + 1);
    sr_test_wait_until (widget_draws, chart, 10, "the chart to draw");
    render_widget (chart, &count);
    g_assert_cmpuint (count.n_delivered, >, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  sr_test_spin (50);
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
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");

  totals = sr_insights_get_totals (sr_dashboard_page_get_insights (dashboard));
  expected = totals->by_status[status];
  g_assert_cmpint (expected, >, 0);

  /* A click on the status's row of the breakdown. */
  g_assert_true (sr_dashboard_page_activate_status (dashboard, status));
  g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
  sr_test_wait_until (list_ready, list, 30, "the filtered Messages Log");

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

  sr_test_window_close (window);
}

/* Issue 13 #9: one definition of the Delivered and Failed rates on the
 * Dashboard: the cards and the Status Breakdown show the same figure. */
static void
test_dashboard_one_rate_definition (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  const SrInsightsTotals *totals;
  g_autofree char *delivered = NULL;
  gint64 settled;

  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_ALL);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  totals = sr_insights_get_totals (sr_dashboard_page_get_insights (dashboard));
  settled = totals->total - totals->by_group[SR_STATUS_GROUP_PENDING];
  g_assert_cmpint (totals->by_group[SR_STATUS_GROUP_PENDING], >, 0);   /* else both would agree anyway */

  g_assert_cmpstr (sr_dashboard_page_get_card_value (dashboard, SR_STATUS_GROUP_DELIVERED), ==,
                   sr_dashboard_page_get_status_share (dashboard, SR_STATUS_DELIVERED));
  g_assert_cmpstr (sr_dashboard_page_get_card_value (dashboard, SR_STATUS_GROUP_FAILED), ==,
                   sr_dashboard_page_get_status_share (dashboard, SR_STATUS_FAILED));
  delivered = sr_format_percent ((double) totals->by_status[SR_STATUS_DELIVERED] / (double) settled);
  g_assert_cmpstr (sr_dashboard_page_get_status_share (dashboard, SR_STATUS_DELIVERED), ==, delivered);

  sr_test_window_close (window);
}

/* Issue 13 #16: a period without data reads as text, not "— · no report". */
static void
test_dashboard_empty_period_cards (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  g_autoptr(GDateTime) from = g_date_time_new_local (2001, 3, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_local (2001, 3, 7, 0, 0, 0);
  static const SrStatusGroup groups[] = {
    SR_STATUS_GROUP_DELIVERED, SR_STATUS_GROUP_UNCONFIRMED, SR_STATUS_GROUP_PENDING,
    SR_STATUS_GROUP_FAILED, SR_STATUS_GROUP_NOT_SENT,
  };

  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_custom_period (dashboard, from, to);
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_CUSTOM);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the empty period's figures");
  g_assert_cmpint (sr_dashboard_page_get_total (dashboard), ==, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      const char *detail = sr_dashboard_page_get_card_detail (dashboard, groups[i]);

      g_test_message ("group %d: %s", groups[i], detail);
      g_assert_nonnull (detail);
      g_assert_false (g_str_has_prefix (detail, "—"));
    }

  sr_test_window_close (window);
}

static gboolean
previous_loaded (gpointer data)
{
  return sr_dashboard_page_get_previous_insights (data) != NULL;
}

/* Issue 13 features: each card compares with the previous period of the
 * same length (↑/↓), computed from exactly that period's messages. */
static void
test_dashboard_previous_period (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  g_autoptr(SrInsights) expected = NULL;
  const SrInsightsTotals *now, *before;
  gint64 from, to;
  g_autofree char *percent = NULL;
  const char *text;

  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_30_DAYS);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  sr_test_wait_until (previous_loaded, dashboard, 60, "the previous period");

  sr_insights_get_period (sr_dashboard_page_get_insights (dashboard), &from, &to);
  expected = query_insights (from - (to - from), from);
  now = sr_insights_get_totals (sr_dashboard_page_get_insights (dashboard));
  before = sr_insights_get_totals (sr_dashboard_page_get_previous_insights (dashboard));
  g_assert_cmpint (before->total, ==, sr_insights_get_totals (expected)->total);
  g_assert_cmpint (before->total, >, 0);

  text = sr_dashboard_page_get_comparison (dashboard, 0);
  g_test_message ("Messages: %" G_GINT64_FORMAT " now, %" G_GINT64_FORMAT " before: %s", now->total, before->total, text);
  g_assert_nonnull (text);
  percent = sr_format_percent (fabs ((double) (now->total - before->total) / (double) before->total));
  g_assert_nonnull (strstr (text, percent));
  g_assert_true (g_str_has_prefix (text, now->total > before->total ? "↑" : now->total < before->total ? "↓" : "="));
  for (guint card = 0; card < 7; card++)
    g_assert_nonnull (sr_dashboard_page_get_comparison (dashboard, card));

  /* All Time has no previous period. */
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_ALL);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "all time's figures");
  g_assert_null (sr_dashboard_page_get_comparison (dashboard, 0));

  sr_test_window_close (window);
}

static gboolean
cancel_idle_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Stops the sync once the first page of history has been committed. */
static void
on_first_history_page_cb (SrSync       *sync,
                          GCancellable *cancellable)
{
  if (sr_sync_get_history_from (sync) != SR_TIME_NONE && !g_cancellable_is_cancelled (cancellable))
    g_idle_add_full (G_PRIORITY_HIGH, cancel_idle_cb, g_object_ref (cancellable), g_object_unref);
}

static gboolean
history_notice_shown (gpointer data)
{
  return sr_dashboard_page_get_history_notice (data) != NULL;
}

static gboolean
history_notice_hidden (gpointer data)
{
  return dashboard_ready (data) && sr_dashboard_page_get_history_notice (data) == NULL;
}

/* Issue 11: a first sync downloads the newest messages first. A period
 * reaching back before what has arrived says it is not complete yet (with
 * the day it is counted from) instead of passing part of it off as all of
 * it; a period inside the downloaded part says nothing. */
static void
test_dashboard_incomplete_history (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-history");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  SrSyncHistory history;
  SrDashboardPage *dashboard;
  SrWindow *window;
  SrCache *cache;
  const char *notice;

  /* 600 messages spread over 90 days, 100 to a page: one page holds about
   * two weeks. */
  sandbox = sr_test_sandbox_start ("--messages", "600", "--campaigns", "0", "--days", "90",
                                   "--max-per-page", "100", NULL);
  url = g_strdup (sr_test_sandbox_get_url (sandbox));
  client = sr_api_client_new (url, url, sr_test_sandbox_get_api_key (sandbox), &error);
  g_assert_no_error (error);
  file_name = sr_cache_dup_account_file_name (sr_api_client_get_api_url (client), sr_test_sandbox_get_api_key (sandbox));
  path = g_build_filename (dir, file_name, NULL);
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  sync = sr_sync_new (client, cache);
  sr_sync_set_page_size (sync, 100);
  sr_sync_set_concurrency (sync, 1);
  g_signal_connect (sync, "progress", G_CALLBACK (on_first_history_page_cb), cancellable);
  sr_sync_run_async (sync, cancellable, on_sync_done_cb, &error);
  sr_test_wait_until (error_is_set, &error, 120, "the interrupted sync");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (sr_sync_read_history (cache, &history));
  g_assert_false (history.complete);
  g_assert_cmpint (history.complete_since, !=, SR_TIME_NONE);
  g_assert_cmpint (count_messages (cache, NULL), <, 600);
  g_assert_cmpint (count_messages (cache, NULL), >, 0);
  sr_cache_close (cache);
  g_object_unref (cache);

  /* The server goes away: the window shows what the interrupted sync left. */
  sr_test_sandbox_stop (sandbox);
  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  dashboard = sr_window_get_dashboard_page (window);
  sr_window_show_content_page (window, "dashboard");

  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_ALL);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "all time's figures");
  sr_test_wait_until (history_notice_shown, dashboard, 30, "the incomplete-history notice");
  notice = sr_dashboard_page_get_history_notice (dashboard);
  g_test_message ("All Time: %s", notice);
  g_assert_nonnull (strstr (notice, "Not complete yet"));
  {
    g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (history.complete_since / G_USEC_PER_SEC);
    g_autoptr(GDateTime) local = g_date_time_to_local (since);
    g_autofree char *day = sr_format_day (local);

    g_assert_nonnull (strstr (notice, day));
  }

  /* The last 7 days lie inside the downloaded part. */
  g_assert_cmpint (history.complete_since, <, g_get_real_time () - (gint64) 8 * 86400 * G_USEC_PER_SEC);
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_7_DAYS);
  sr_test_wait_until (history_notice_hidden, dashboard, 60, "the notice to go for the last 7 days");

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

/* Issue 13 features: every number on the cards and in the Status
 * Breakdown opens exactly the messages it counts: the Log's row count
 * equals the number clicked. */
static void
test_dashboard_click_through_counts (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  SrMessageList *list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  g_autoptr(SrInsights) insights = NULL;
  const SrInsightsTotals *totals;
  const SrInsightsStatus *statuses;
  guint n_statuses;
  gint64 expected[7];

  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_30_DAYS);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  insights = sr_insights_ref (sr_dashboard_page_get_insights (dashboard));
  totals = sr_insights_get_totals (insights);

  expected[0] = totals->total;
  expected[1] = totals->by_group[SR_STATUS_GROUP_DELIVERED];
  expected[2] = totals->by_group[SR_STATUS_GROUP_UNCONFIRMED];
  expected[3] = totals->by_group[SR_STATUS_GROUP_PENDING];
  expected[4] = totals->by_group[SR_STATUS_GROUP_FAILED];
  expected[5] = totals->by_group[SR_STATUS_GROUP_NOT_SENT];
  expected[6] = totals->billable;

  for (guint card = 0; card < 7; card++)
    {
      sr_window_show_content_page (window, "dashboard");
      g_assert_true (sr_dashboard_page_activate_card (dashboard, card));
      g_assert_cmpstr (sr_window_get_content_page (window), ==, "messages");
      sr_test_spin (20);
      sr_test_wait_until (list_ready, list, 30, "the card's messages");
      g_test_message ("card %u: %" G_GINT64_FORMAT " counted, %u listed", card, expected[card],
                      g_list_model_get_n_items (G_LIST_MODEL (list)));
      g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected[card]);
    }

  statuses = sr_insights_get_statuses (insights, &n_statuses);
  g_assert_cmpuint (n_statuses, >, 0);
  for (guint i = 0; i < n_statuses; i++)
    {
      sr_window_show_content_page (window, "dashboard");
      g_assert_true (sr_dashboard_page_activate_status (dashboard, statuses[i].status));
      sr_test_spin (20);
      sr_test_wait_until (list_ready, list, 30, "the status's messages");
      g_test_message ("status %s: %" G_GINT64_FORMAT " counted, %u listed", statuses[i].status_raw,
                      statuses[i].count, g_list_model_get_n_items (G_LIST_MODEL (list)));
      g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, statuses[i].count);
    }

  sr_test_window_close (window);
}

static gboolean
delivery_time_loaded (gpointer data)
{
  SrDeliveryTime time;

  return sr_dashboard_page_get_delivery_time (data, &time);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Issue 13 features: time to delivery (median and 90th percentile of
 * sent → delivered) of the period, checked against the messages. */
static void
test_dashboard_time_to_delivery (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) delivered = NULL;
  g_autoptr(GArray) durations = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *median_text = NULL;
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  SrDeliveryTime time;
  gint64 from, to;

  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_30_DAYS);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  sr_test_wait_until (delivery_time_loaded, dashboard, 60, "the time to delivery");
  g_assert_true (sr_dashboard_page_get_delivery_time (dashboard, &time));

  sr_insights_get_period (sr_dashboard_page_get_insights (dashboard), &from, &to);
  filter->from = from;
  filter->to = to;
  filter->status_mask = 1u << SR_STATUS_DELIVERED;
  delivered = sr_cache_query_messages (shared_cache, filter, SR_MESSAGE_SORT_CREATED, FALSE, -1, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < delivered->len; i++)
    {
      SrMessage *message = g_ptr_array_index (delivered, i);
      gint64 sent = sr_message_get_sent_at (message);
      gint64 done = sr_message_get_updated_at (message);

      if (sent != SR_TIME_NONE && done != SR_TIME_NONE && done >= sent)
        g_array_append_val (durations, (gint64) { done - sent });
    }
  g_array_sort (durations, compare_gint64);

  g_test_message ("%u delivered, %u timed, median %" G_GINT64_FORMAT " us, p90 %" G_GINT64_FORMAT " us",
                  delivered->len, durations->len, time.median, time.p90);
  g_assert_cmpint (time.n_timed, ==, durations->len);
  g_assert_cmpint (time.n_timed + time.n_untimed, ==, delivered->len);
  g_assert_cmpuint (durations->len, >, 0);
  g_assert_cmpint (time.median, ==, g_array_index (durations, gint64, (durations->len + 1) / 2 - 1));
  g_assert_cmpint (time.p90, >=, time.median);
  median_text = sr_format_duration (time.median);
  g_assert_cmpstr (sr_dashboard_page_get_delivery_time_text (dashboard), ==, median_text);

  sr_test_window_close (window);
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
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");

  /* A bar: that day's messages. */
  buckets = sr_insights_get_buckets (sr_dashboard_page_get_insights (dashboard), &n_buckets);
  for (guint i = 0; i < n_buckets; i++)
    if (busiest == NULL || buckets[i].total > busiest->total)
      busiest = &buckets[i];
  g_assert_nonnull (busiest);
  g_assert_cmpint (busiest->total, >, 0);

  g_signal_emit_by_name (chart, "bar-activated", busiest->start, busiest->end);
  sr_test_wait_until (window_shows_messages, window, 5, "the Messages Log");
  sr_test_wait_until (list_ready, list, 30, "the day's messages");
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
    sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
    click->from = SR_TIME_NONE;
    click->to = SR_TIME_NONE;
    g_signal_emit_by_name (dashboard, "show-messages", click, "Country");
    sr_test_wait_until (list_ready, list, 30, "the country's messages");

    shown = sr_message_filter_copy (sr_message_list_get_filter (list));
    g_assert_cmpstr (shown->country_prefix, ==, click->country_prefix);
    expected = count_messages (shared_cache, click);
    g_assert_cmpint (expected, >, 0);
    g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected);
    g_assert_cmpstr (sr_messages_page_get_extra_text (messages), ==, "Country");
    sr_message_filter_free (click);
  }

  sr_test_window_close (window);
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
  sr_test_wait_until (export_finished, bar, 60, "the export");
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
  sr_test_wait_until (list_sorted, &wait, 30, "the filtered list sorted by cost");
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
    sr_test_wait_until (list_ready, list, 30, "the whole list");
    sr_messages_page_export (page, cancelled);
    g_assert_true (sr_export_bar_get_running (bar));
    sr_export_bar_cancel (bar);
    sr_test_wait_until (export_finished, bar, 60, "the cancelled export");

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

  sr_test_window_close (window);
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
  sr_test_wait_until (list_ready, sr_campaign_window_get_list (campaign_window), 30, "the campaign's messages");
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
  sr_test_wait_until (campaign_list_ready, sr_campaigns_page_get_list (campaigns_page), 30, "the API campaigns");
  sr_campaigns_page_export (campaigns_page, log_file);
  {
    g_autofree char *contents = NULL;

    sr_test_wait_until (export_finished, sr_campaigns_page_get_export_bar (campaigns_page), 60, "the campaign export");
    g_assert_no_error ((GError *) sr_export_bar_get_last_error (sr_campaigns_page_get_export_bar (campaigns_page)));
    g_file_load_contents (log_file, NULL, &contents, NULL, NULL, &error);
    g_assert_no_error (error);
    records = parse_csv (contents);
    g_assert_cmpuint (records->len, ==,
                      g_list_model_get_n_items (G_LIST_MODEL (sr_campaigns_page_get_list (campaigns_page))) + 1);
  }

  sr_test_window_close (window);
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
  sr_test_wait_until (list_ready, list, 30, "the delivered messages");

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
  sr_test_wait_until (copied, view, 30, "the copied rows");
  g_assert_cmpstr (sr_message_view_get_last_copied (view), ==, expected);
  {
    g_auto(GStrv) lines = g_strsplit (expected, "\n", -1);
    /* A header, the rows, and the empty string after the last "\n". */
    g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (positions) + 2);
  }

  /* And that is what the clipboard holds. */
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (view)), NULL,
                                 on_clipboard_read_cb, &read);
  sr_test_wait_until (clipboard_read, &read, 10, "the clipboard");
  g_assert_cmpstr (read.text, ==, expected);
  g_free (read.text);

  sr_test_window_close (window);
}

/* The first GtkSearchEntry inside widget, as a person would find it. */
static GtkEditable *
find_search_entry (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_search_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
message_search_applied (gpointer data)
{
  SrMessageList *list = data;
  const SrMessageFilter *filter = sr_message_list_get_filter (list);

  return filter != NULL && filter->search != NULL && !sr_message_list_get_loading (list);
}

static const char *
campaign_list_search (SrCampaignList *list)
{
  const SrCampaignFilter *filter = sr_campaign_list_get_filter (list);

  return filter != NULL ? filter->search : NULL;
}

static gboolean
campaign_search_applied (gpointer data)
{
  SrCampaignList *list = data;

  return campaign_list_search (list) != NULL && !sr_campaign_list_get_loading (list);
}

/* Pasting a page of text into a search entry keeps the first
 * SR_FILTER_TEXT_MAX_CHARS characters (not bytes) and the list answers. */
static void
test_search_entries_are_capped (void)
{
  SrWindow *window = open_shared_window ();
  SrMessagesPage *messages_page = sr_window_get_messages_page (window);
  SrCampaignsPage *campaigns_page = sr_window_get_campaigns_page (window);
  g_autoptr(GString) pasted = g_string_new (NULL);
  g_autofree char *kept = NULL;
  GtkEditable *entry;

  for (guint i = 0; i < SR_FILTER_TEXT_MAX_CHARS + 500; i++)
    g_string_append (pasted, "é");
  kept = g_utf8_substring (pasted->str, 0, SR_FILTER_TEXT_MAX_CHARS);

  sr_window_show_content_page (window, "messages");
  entry = find_search_entry (GTK_WIDGET (messages_page));
  g_assert_nonnull (entry);
  gtk_editable_set_text (entry, pasted->str);
  g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (entry), -1), ==, SR_FILTER_TEXT_MAX_CHARS);
  sr_test_wait_until (message_search_applied, sr_messages_page_get_list (messages_page), 30, "the searched Messages Log");
  g_assert_cmpstr (sr_message_list_get_filter (sr_messages_page_get_list (messages_page))->search, ==, kept);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sr_messages_page_get_list (messages_page))), ==, 0);
  g_assert_cmpstr (sr_messages_page_get_state (messages_page), !=, "error");

  sr_window_show_content_page (window, "campaigns");
  entry = find_search_entry (GTK_WIDGET (campaigns_page));
  g_assert_nonnull (entry);
  gtk_editable_set_text (entry, pasted->str);
  g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (entry), -1), ==, SR_FILTER_TEXT_MAX_CHARS);
  sr_test_wait_until (campaign_search_applied, sr_campaigns_page_get_list (campaigns_page), 30, "the searched Campaign Log");
  g_assert_cmpstr (campaign_list_search (sr_campaigns_page_get_list (campaigns_page)), ==, kept);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sr_campaigns_page_get_list (campaigns_page))), ==, 0);

  sr_test_window_close (window);
}

/* --- adaptive layout --- */

static gboolean
window_width_is (gpointer data)
{
  GtkWidget *window = data;
  int wanted = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "test-width"));

  return ABS (gtk_widget_get_width (window) - wanted) <= 12;
}

static void
resize_window (SrWindow *window,
               int       width,
               int       height)
{
  g_object_set_data (G_OBJECT (window), "test-width", GINT_TO_POINTER (width));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  sr_test_wait_until (window_width_is, window, 10, "the window's new width");
  /* Breakpoints apply on the next frame; let the pages settle. */
  sr_test_spin (400);
}

/* Every mapped widget fits the window: its minimum width is no more than
 * the window's content area, and it does not reach past its right edge
 * unless a scrolled window clips it. Returns how many widgets were
 * checked. */
static guint
assert_fits_in (GtkWidget  *widget,
                GtkWidget  *window,
                const char *where)
{
  int window_width = gtk_widget_get_width (window);
  guint checked = 1;
  int min;

  if (!gtk_widget_get_mapped (widget))
    return 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min > window_width)
    g_error ("%s: %s (%s) needs %d px, the window is %d px wide",
             where, G_OBJECT_TYPE_NAME (widget), gtk_widget_get_css_name (widget), min, window_width);

  if (widget != window)
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
      /* One pixel of slack: a border may be drawn on the edge. */
      if (bounds.origin.x + bounds.size.width > window_width + 1.5)
        g_error ("%s: %s (%s) reaches %.0f px, the window is %d px wide",
                 where, G_OBJECT_TYPE_NAME (widget), gtk_widget_get_css_name (widget),
                 bounds.origin.x + bounds.size.width, window_width);
    }

  /* Inside a scrolled window only the vertical direction may scroll. */
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkPolicyType hpolicy;
      GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (widget));

      gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (widget), &hpolicy, NULL);
      if (hpolicy != GTK_POLICY_NEVER &&
          gtk_adjustment_get_upper (hadjustment) - gtk_adjustment_get_lower (hadjustment) >
          gtk_adjustment_get_page_size (hadjustment) + 0.5)
        g_error ("%s: a scrolled window scrolls sideways (%.0f px of content in %.0f px)",
                 where, gtk_adjustment_get_upper (hadjustment), gtk_adjustment_get_page_size (hadjustment));
      return checked;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += assert_fits_in (child, window, where);

  return checked;
}

/* The window's content area: without a compositor (Xvfb) GTK keeps a
 * frame inside the window, so the window itself is wider than its content. */
static guint
assert_fits (GtkWidget  *window,
             GtkWidget  *unused,
             const char *where)
{
  GtkWidget *content = gtk_widget_get_first_child (window);

  g_assert_nonnull (content);
  g_assert_cmpint (gtk_widget_get_width (content), <=, 360);
  return assert_fits_in (content, content, where);
}

/* No status pill in sight is cut short. Returns how many were seen. */
static guint
assert_pills_whole (GtkWidget *widget)
{
  guint seen = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;

  if (SR_IS_STATUS_PILL (widget))
    {
      int natural;

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      if (gtk_widget_get_width (widget) < natural - gtk_widget_get_margin_start (widget) - gtk_widget_get_margin_end (widget))
        g_error ("The status pill “%s” is %d px wide but needs %d px",
                 sr_status_pill_get_text (SR_STATUS_PILL (widget)), gtk_widget_get_width (widget), natural);
      return 1;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    seen += assert_pills_whole (child);

  return seen;
}

/* The "subtitle" label of an AdwActionRow (its explanation). */
static GtkLabel *
find_subtitle_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "subtitle"))
        return GTK_LABEL (child);
      if ((found = find_subtitle_label (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The rows of "Top Failure Reasons" that are shown, in order. */
static GPtrArray *
shown_reason_rows (SrDashboardPage *dashboard,
                   guint           *n_made)
{
  GPtrArray *rows = g_ptr_array_new ();

  *n_made = 0;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (sr_dashboard_page_get_reason_list (dashboard)));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      /* a reason's row leads to its messages; "Show All" and the
       * placeholder do not carry a filter */
      if (g_object_get_data (G_OBJECT (row), "sr-count") == NULL)
        continue;
      (*n_made)++;
      if (gtk_widget_get_visible (row))
        g_ptr_array_add (rows, row);
    }
  return rows;
}

/* The failure reasons' explanations are read whole: every shown row has
 * its reason and the whole explanation, wrapped over as many lines as it
 * needs, never cut; the rows made in advance (while the page is idle) are
 * not shown until a period needs them. */
static void
test_dashboard_failure_reasons_whole (void)
{
  SrWindow *window = open_shared_window ();
  SrDashboardPage *dashboard = sr_window_get_dashboard_page (window);
  const SrFailureReasonRow *reasons;
  g_autoptr(GPtrArray) rows = NULL;
  guint n_reasons = 0, n_made = 0;

  resize_window (window, 1100, 800);
  sr_window_show_content_page (window, "dashboard");
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_ALL);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  sr_test_spin (400);

  reasons = sr_insights_get_failure_reasons (sr_dashboard_page_get_insights (dashboard), &n_reasons);
  g_assert_cmpuint (n_reasons, >, 1);
  rows = shown_reason_rows (dashboard, &n_made);
  g_assert_cmpuint (rows->len, ==, MIN (n_reasons, 8));
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkLabel *explanation = find_subtitle_label (row);
      int minimum;

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, reasons[i].reason);
      if (reasons[i].explanation != NULL)
        g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, reasons[i].explanation);
      g_assert_nonnull (explanation);
      g_assert_cmpstr (gtk_label_get_label (explanation), ==, adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (explanation)));
      g_assert_true (gtk_label_get_wrap (explanation));
      g_assert_cmpint (gtk_label_get_ellipsize (explanation), ==, PANGO_ELLIPSIZE_NONE);
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (explanation)));
      /* all its lines fit the height it was given */
      gtk_widget_measure (GTK_WIDGET (explanation), GTK_ORIENTATION_VERTICAL,
                          gtk_widget_get_width (GTK_WIDGET (explanation)), &minimum, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (explanation)), >=, minimum);
    }

  /* A period with fewer reasons: the rows made for All Time (or in
   * advance) stay hidden. */
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_TODAY);
  sr_test_wait_until (dashboard_ready, dashboard, 60, "the dashboard's figures");
  sr_test_spin (200);
  reasons = sr_insights_get_failure_reasons (sr_dashboard_page_get_insights (dashboard), &n_reasons);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = shown_reason_rows (dashboard, &n_made);
  g_assert_cmpuint (rows->len, ==, MIN (n_reasons, 8));
  g_assert_cmpuint (n_made, >=, 8);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (g_ptr_array_index (rows, i))), ==,
                     reasons[i].reason);
}

static void
test_narrow_window_fits (void)
{
  SrWindow *window = open_shared_window ();
  SrMessageView *view = sr_messages_page_get_view (sr_window_get_messages_page (window));
  SrCampaignsPage *campaigns = sr_window_get_campaigns_page (window);
  static const char *pages[] = { "dashboard", "messages", "campaigns" };

  resize_window (window, 1280, 800);
  g_assert_false (sr_window_get_collapsed (window));
  g_assert_false (sr_message_view_get_compact (view));
  g_assert_false (sr_dashboard_page_get_narrow (sr_window_get_dashboard_page (window)));

  resize_window (window, 360, 720);
  g_assert_true (sr_window_get_collapsed (window));
  g_assert_true (sr_dashboard_page_get_narrow (sr_window_get_dashboard_page (window)));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s at 360 px", pages[i]);

      sr_window_show_content_page (window, pages[i]);
      sr_test_wait_until (sr_test_window_messages_ready, window, 60, "the Messages Log");
      sr_test_wait_until (campaign_list_ready, sr_campaigns_page_get_list (campaigns), 60, "the Campaign Log");
      sr_test_spin (600);
      g_assert_cmpuint (assert_fits (GTK_WIDGET (window), GTK_WIDGET (window), where), >, 20);
    }

  /* Both logs are rich rows: the list views are on screen, the columns not. */
  g_assert_true (sr_message_view_get_compact (view));
  g_assert_true (sr_campaigns_page_get_compact (campaigns));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (sr_campaigns_page_get_list_view (campaigns))));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (sr_campaigns_page_get_column_view (campaigns))));

  sr_window_show_content_page (window, "messages");
  sr_test_spin (600);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (sr_message_view_get_list_view (view))));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (sr_message_view_get_column_view (view))));
  /* The rich rows show the same model, with whole status pills. */
  g_assert_true (gtk_list_view_get_model (sr_message_view_get_list_view (view)) ==
                 sr_message_view_get_selection (view));
  g_assert_cmpuint (assert_pills_whole (GTK_WIDGET (sr_message_view_get_list_view (view))), >=, 5);

  /* The sidebar alone fits too. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  sr_test_spin (800);
  assert_fits (GTK_WIDGET (window), GTK_WIDGET (window), "sidebar at 360 px");

  /* Wide again: columns, sidebar beside the content. */
  resize_window (window, 1280, 800);
  sr_window_show_content_page (window, "messages");
  sr_test_spin (600);
  g_assert_false (sr_window_get_collapsed (window));
  g_assert_false (sr_message_view_get_compact (view));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (sr_message_view_get_column_view (view))));
  g_assert_cmpuint (assert_pills_whole (GTK_WIDGET (sr_message_view_get_column_view (view))), >=, 5);

  /* A page's breakpoint follows its own width once it is shown. */
  sr_window_show_content_page (window, "campaigns");
  sr_test_spin (600);
  g_assert_false (sr_campaigns_page_get_compact (campaigns));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (sr_campaigns_page_get_column_view (campaigns))));

  sr_test_window_close (window);
}

static gboolean
dialog_shown (gpointer data)
{
  return adw_application_window_get_visible_dialog (data) != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return adw_application_window_get_visible_dialog (data) == NULL;
}

/* Message details and the shortcuts are dialogs inside the main window
 * that fit it at 360 px, not windows of a fixed size. */
static void
test_dialogs_follow_narrow_window (void)
{
  SrWindow *window = open_shared_window ();
  SrMessageView *view = sr_messages_page_get_view (sr_window_get_messages_page (window));
  AdwDialog *dialog;

  resize_window (window, 360, 720);
  sr_window_show_content_page (window, "messages");
  sr_test_spin (600);
  g_assert_true (sr_message_view_get_compact (view));

  /* A click on a rich row opens that message's details. */
  g_signal_emit_by_name (sr_message_view_get_list_view (view), "activate", 0);
  sr_test_wait_until (dialog_shown, window, 10, "the message details");
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (SR_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (gtk_widget_get_root (GTK_WIDGET (dialog)) == GTK_ROOT (window));
  {
    g_autoptr(SrMessage) first = g_list_model_get_item (G_LIST_MODEL (sr_message_view_get_list (view)), 0);
    g_assert_cmpstr (sr_message_get_id (sr_message_dialog_get_message (SR_MESSAGE_DIALOG (dialog))), ==,
                     sr_message_get_id (first));
  }
  sr_test_spin (600);
  assert_fits (GTK_WIDGET (window), GTK_WIDGET (window), "message details at 360 px");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, gtk_widget_get_width (GTK_WIDGET (window)));
  adw_dialog_close (dialog);
  sr_test_wait_until (dialog_gone, window, 10, "the message details to close");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-shortcuts", NULL));
  sr_test_wait_until (dialog_shown, window, 10, "the shortcuts");
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (SR_IS_SHORTCUTS_DIALOG (dialog));
  g_assert_cmpuint (sr_shortcuts_dialog_get_n_shortcuts (SR_SHORTCUTS_DIALOG (dialog)), ==, 16);
  sr_test_spin (600);
  assert_fits (GTK_WIDGET (window), GTK_WIDGET (window), "shortcuts at 360 px");
  adw_dialog_close (dialog);
  sr_test_wait_until (dialog_gone, window, 10, "the shortcuts to close");

  sr_test_window_close (window);
}

/* --- issue 13 #11: one period picker; the Messages Log's filter menu --- */

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The three pages offer the same periods in the same order, and the
 * custom range fits a 360 × 800 window with its Apply button. */
static void
test_period_picker_same_everywhere (void)
{
  static const char * const expected[] = {
    "Today", "Last 7 Days", "Last 30 Days", "This Month", "Last Month", "All Time", "Custom Range…", NULL
  };
  SrWindow *window = open_shared_window ();
  SrPeriodPicker *pickers[] = {
    sr_dashboard_page_get_period_picker (sr_window_get_dashboard_page (window)),
    sr_messages_page_get_period_picker (sr_window_get_messages_page (window)),
    sr_campaigns_page_get_period_picker (sr_window_get_campaigns_page (window)),
  };
  SrPeriodPicker *picker = pickers[2];
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) week_ago = g_date_time_add_days (today, -6);
  GtkPopover *popover;
  int min_w, nat_w, min_h, nat_h;

  for (guint i = 0; i < G_N_ELEMENTS (pickers); i++)
    {
      g_auto(GStrv) choices = sr_period_picker_dup_choices (pickers[i]);

      g_assert_cmpstrv (choices, expected);
    }

  /* The custom range opens in place of the presets, at its days; its
   * size is measured against a 360 × 800 window. */
  sr_window_show_content_page (window, "campaigns");
  sr_test_wait_until (widget_is_mapped, picker, 30, "the Campaign Log's period picker");
  sr_period_picker_set_custom_days (picker, week_ago, today);
  popover = sr_period_picker_get_popover (picker);
  gtk_popover_popup (popover);
  sr_test_wait_until (widget_is_mapped, popover, 30, "the period popover");
  gtk_widget_measure (GTK_WIDGET (popover), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (popover), GTK_ORIENTATION_VERTICAL, MAX (min_w, MIN (nat_w, 360)),
                      &min_h, &nat_h, NULL, NULL);
  g_test_message ("custom range popover: %d–%d × %d–%d px", min_w, nat_w, min_h, nat_h);
  g_assert_cmpint (min_w, <=, 360);
  /* Room for the header bar and the filter bars above it. */
  g_assert_cmpint (nat_h, <=, 800 - 200);
  gtk_popover_popdown (popover);

  sr_test_window_close (window);
}

/* Issue 13 features: the Campaign Log takes a custom range of days and
 * shows exactly the campaigns created on those days. */
static void
test_campaign_log_custom_range (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  SrWindow *window = open_shared_window ();
  SrCampaignsPage *page = sr_window_get_campaigns_page (window);
  SrCampaignList *list = sr_campaigns_page_get_list (page);
  g_autoptr(GDateTime) newer = NULL;
  g_autoptr(GDateTime) older = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autoptr(GDateTime) end = NULL;
  gint64 from, to;
  guint n, n_expected = 0;

  sr_window_show_content_page (window, "campaigns");
  sr_test_wait_until (campaign_index_loaded, window, 30, "the campaign index");
  sr_test_wait_until (campaign_list_ready, list, 30, "the Campaign Log");
  all = sr_cache_query_campaigns (shared_cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >=, 8);

  /* Local days from a newer to an older campaign's, in either order. */
  newer = g_date_time_new_from_unix_local (sr_campaign_get_created_at (g_ptr_array_index (all, all->len / 4)) / G_USEC_PER_SEC);
  older = g_date_time_new_from_unix_local (sr_campaign_get_created_at (g_ptr_array_index (all, all->len / 2)) / G_USEC_PER_SEC);
  sr_campaigns_page_set_custom_days (page, newer, older);
  sr_test_spin (20);
  sr_test_wait_until (campaign_list_ready, list, 30, "the Campaign Log of the days");

  first = g_date_time_new_local (g_date_time_get_year (older), g_date_time_get_month (older),
                                 g_date_time_get_day_of_month (older), 0, 0, 0);
  last = g_date_time_new_local (g_date_time_get_year (newer), g_date_time_get_month (newer),
                                g_date_time_get_day_of_month (newer), 0, 0, 0);
  end = g_date_time_add_days (last, 1);
  from = g_date_time_to_unix (first) * G_USEC_PER_SEC;
  to = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  g_assert_cmpint (sr_campaign_list_get_filter (list)->from, ==, from);
  g_assert_cmpint (sr_campaign_list_get_filter (list)->to, ==, to);
  g_assert_cmpint (sr_period_picker_get_period (sr_campaigns_page_get_period_picker (page)), ==, SR_PERIOD_CUSTOM);

  /* The right rows: those created in [from, to), counted here. */
  for (guint i = 0; i < all->len; i++)
    {
      gint64 created = sr_campaign_get_created_at (g_ptr_array_index (all, i));

      if (created >= from && created < to)
        n_expected++;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, n_expected);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, all->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrCampaign) campaign = list_get_loaded (G_LIST_MODEL (list), i);

      g_assert_cmpint (sr_campaign_get_created_at (campaign), >=, from);
      g_assert_cmpint (sr_campaign_get_created_at (campaign), <, to);
    }

  sr_campaigns_page_set_filters (page, SR_PERIOD_ALL, NULL, NULL);
  sr_test_spin (20);
  sr_test_wait_until (campaign_list_ready, list, 30, "the whole Campaign Log");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, all->len);

  sr_test_window_close (window);
}

static gboolean
filter_choices_ready (gpointer data)
{
  return sr_messages_page_get_filter_choices_ready (data);
}

/* Issue 13 features: the Log's Filter menu offers the sender IDs,
 * countries and failure reasons of the messages shown with their counts;
 * picking a sender and a country narrows the Log to exactly the core's
 * count, as two chips; removing one restores the count before it. */
static void
test_messages_filter_menu (void)
{
  SrWindow *window = open_shared_window ();
  SrMessagesPage *page = sr_window_get_messages_page (window);
  SrMessageList *list = sr_messages_page_get_list (page);
  g_autoptr(SrMessageFilter) expected = sr_message_filter_new ();
  g_auto(GStrv) senders = NULL;
  g_auto(GStrv) countries = NULL;
  g_auto(GStrv) reasons = NULL;
  g_auto(GStrv) chips = NULL;
  gint64 sender_count, country_count;

  sr_window_show_content_page (window, "messages");
  sr_test_wait_until (list_ready, list, 30, "the Messages Log");

  sr_messages_page_popup_filter_menu (page);
  sr_test_wait_until (filter_choices_ready, page, 60, "the filter choices");
  senders = sr_messages_page_dup_filter_choices (page, "sender");
  countries = sr_messages_page_dup_filter_choices (page, "country");
  reasons = sr_messages_page_dup_filter_choices (page, "reason");
  g_assert_cmpuint (g_strv_length (senders), >, 1);
  g_assert_cmpuint (g_strv_length (countries), >, 1);
  g_assert_cmpuint (g_strv_length (reasons), >, 0);

  /* Each count is the core's count of that condition. */
  expected->sender_id = g_strdup (senders[0]);
  sender_count = sr_messages_page_get_filter_choice_count (page, "sender", senders[0]);
  g_assert_cmpint (sender_count, ==, count_messages (shared_cache, expected));
  g_clear_pointer (&expected->sender_id, g_free);
  expected->failed_reason = g_strdup (reasons[0]);
  g_assert_cmpint (sr_messages_page_get_filter_choice_count (page, "reason", reasons[0]),
                   <=, count_messages (shared_cache, expected));
  g_clear_pointer (&expected->failed_reason, g_free);

  g_assert_true (sr_messages_page_activate_filter_choice (page, "sender", senders[0]));
  sr_test_spin (20);
  sr_test_wait_until (list_ready, list, 30, "the Log of one sender");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, sender_count);

  /* The menu now counts within that sender. */
  sr_messages_page_popup_filter_menu (page);
  sr_test_wait_until (filter_choices_ready, page, 60, "the sender's filter choices");
  g_strfreev (countries);
  countries = sr_messages_page_dup_filter_choices (page, "country");
  g_assert_cmpuint (g_strv_length (countries), >, 0);
  country_count = sr_messages_page_get_filter_choice_count (page, "country", countries[0]);
  g_assert_true (sr_messages_page_activate_filter_choice (page, "country", countries[0]));
  sr_test_spin (20);
  sr_test_wait_until (list_ready, list, 30, "the Log of one sender and country");

  expected->sender_id = g_strdup (senders[0]);
  expected->country_prefix = g_strdup (countries[0]);
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, count_messages (shared_cache, expected));
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, country_count);
  g_assert_cmpint (country_count, >, 0);
  g_assert_cmpint (country_count, <, sender_count);
  chips = sr_messages_page_dup_chip_texts (page);
  g_assert_cmpuint (g_strv_length (chips), ==, 2);
  g_assert_nonnull (strstr (chips[0], senders[0]));
  g_assert_nonnull (strstr (chips[1], countries[0]));

  /* Removing the country chip restores the sender's count. */
  g_assert_true (sr_messages_page_remove_chip (page, 1));
  sr_test_spin (20);
  sr_test_wait_until (list_ready, list, 30, "the Log without the country");
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, sender_count);
  g_strfreev (g_steal_pointer (&chips));
  chips = sr_messages_page_dup_chip_texts (page);
  g_assert_cmpuint (g_strv_length (chips), ==, 1);

  sr_test_window_close (window);
}

/* Issue 13 #17: launched with the server gone, the window shows its own
 * chrome at once (never a bare spinner), then the cached rows, then the
 * offline banner. */
typedef struct
{
  SrWindow *window;
  gboolean  saw_loading;
} LaunchWatch;

static gboolean
launch_shows_rows (gpointer data)
{
  LaunchWatch *watch = data;

  if (g_strcmp0 (sr_window_get_visible_page (watch->window), "loading") == 0)
    watch->saw_loading = TRUE;
  return sr_test_window_shows_reports (watch->window) && sr_test_window_messages_ready (watch->window);
}

static void
test_offline_launch_shows_cached_rows (void)
{
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-offline-launch");
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  LaunchWatch watch = { NULL, FALSE };
  SrMessageList *list;
  SrCache *cache;
  gint64 total;

  sandbox = sr_test_sandbox_start ("--messages", "800", "--campaigns", "5", NULL);
  url = g_strdup (sr_test_sandbox_get_url (sandbox));
  key = g_strdup (sr_test_sandbox_get_api_key (sandbox));
  cache = sr_test_sync_account (url, key, dir);
  total = count_messages (cache, NULL);
  g_assert_cmpint (total, >, 0);
  sr_cache_close (cache);
  g_object_unref (cache);
  sr_test_sandbox_stop (sandbox);

  watch.window = sr_window_new_for_test (url, url, dir, key);
  gtk_window_present (GTK_WINDOW (watch.window));
  /* The reports' own chrome from the first frame. */
  g_assert_cmpstr (sr_window_get_visible_page (watch.window), ==, "opening");
  sr_test_wait_until (launch_shows_rows, &watch, 60, "the cached rows");
  g_assert_false (watch.saw_loading);

  sr_window_show_content_page (watch.window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (watch.window));
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);

  sr_test_wait_until (offline_banner_shown, watch.window, 60, "the offline banner");
  g_assert_true (sr_session_get_offline (sr_window_get_session (watch.window)));
  g_assert_true (g_str_has_prefix (adw_banner_get_title (sr_window_get_offline_banner (watch.window)), "Offline"));
  /* The rows stay. */
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);

  sr_test_window_close (watch.window);
  sr_test_remove_tree (dir);
}

/* --- a sort lands on the first row of the new order --- */

typedef struct
{
  GtkWidget   *list_view;   /* the column view's rows */
  GtkListItem *item;        /* of the top visible row, or NULL */
  float        y;
} TopRow;

/* Every cell's child knows its list item ("sr-list-item", set when bound):
 * the top visible row is the one whose cells start highest in the view. */
static void
find_top_row (GtkWidget *widget,
              TopRow    *top)
{
  GtkListItem *item;
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget))
    return;

  item = g_object_get_data (G_OBJECT (widget), "sr-list-item");
  item = g_object_get_data (G_OBJECT (widget), "sr-list-item");
  if (item != NULL && gtk_list_item_get_item (item) != NULL &&
      gtk_widget_compute_bounds (widget, top->list_view, &bounds) &&
      bounds.origin.y + bounds.size.height > 1 &&
      bounds.origin.y < gtk_widget_get_height (top->list_view) &&
      (top->item == NULL || bounds.origin.y < top->y))
    {
      top->item = item;
      top->y = bounds.origin.y;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    find_top_row (c, top);
}

static GtkListItem *
top_visible_item (GtkColumnView *column_view)
{
  TopRow top = { NULL, NULL, 0 };
  GtkWidget *child;

  /* The rows are in the column view's list view, below the header. */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (column_view));
       child != NULL && !GTK_IS_LIST_VIEW (child);
       child = gtk_widget_get_next_sibling (child))
    ;
  g_assert_nonnull (child);
  top.list_view = child;
  find_top_row (child, &top);

  return top.item;
}

static gboolean
top_row_loaded (gpointer data)
{
  GtkListItem *item = top_visible_item (data);

  return item != NULL && *sr_message_get_id (gtk_list_item_get_item (item)) != '\0';
}

static gboolean
label_shows (GtkWidget  *widget,
             const char *text)
{
  /* The logs' cells are SrCells, other text is in labels. */
  if ((GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0) ||
      (SR_IS_CELL (widget) && g_strcmp0 (sr_cell_get_text (widget), text) == 0))
    return gtk_widget_get_mapped (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (label_shows (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
adjustment_scrolls (gpointer data)
{
  return gtk_adjustment_get_upper (data) > 4 * gtk_adjustment_get_page_size (data) &&
         gtk_adjustment_get_page_size (data) > 0;
}

/* Scrolls the log half-way down, clicks a column header, and checks that the
 * view then shows the first row of the new order at its top, as the cache
 * orders it, not the row that was in view before (issue 13, defect 2). */
static void
sort_and_check_top_row (SrMessageView *view,
                        SrMessageSort  sort)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  SrMessageList *list = sr_message_view_get_list (view);
  GtkColumnView *column_view = sr_message_view_get_column_view (view);
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (column_view), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  SortWait wait = { list, sort, FALSE };
  GtkListItem *top;
  SrMessage *shown;
  SrMessage *first;

  /* Scrolled half-way down, rows read there. */
  sr_test_wait_until (list_ready, list, 30, "the log loaded");
  sr_test_wait_until (adjustment_scrolls, vadjustment, 30, "the log laid out");
  /* A scroll to the top the view had queued (its first load) may still
   * come: scrolled again until the position holds. */
  for (guint i = 0; i < 20 && gtk_adjustment_get_value (vadjustment) < 4 * gtk_adjustment_get_page_size (vadjustment); i++)
    {
      gtk_adjustment_set_value (vadjustment,
                                (gtk_adjustment_get_upper (vadjustment) - gtk_adjustment_get_page_size (vadjustment)) / 2);
      sr_test_spin (300);
    }
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 4 * gtk_adjustment_get_page_size (vadjustment));

  /* The first row of the new order, as the cache gives it. */
  expected = sr_cache_query_messages (shared_cache, NULL, sort, FALSE, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 1);
  first = g_ptr_array_index (expected, 0);

  /* What a click on the header does: the column view's sorter changes. */
  gtk_column_view_sort_by_column (column_view, sr_message_view_get_column (view, sort), GTK_SORT_ASCENDING);
  sr_test_wait_until (list_sorted, &wait, 30, "the list in the new order");
  sr_test_wait_until (top_row_loaded, column_view, 30, "the rows of the new order");
  /* a few frames: a view that kept the old row would have gone back to it */
  sr_test_spin (300);
  sr_test_wait_until (top_row_loaded, column_view, 30, "the rows of the new order");

  top = top_visible_item (column_view);
  shown = gtk_list_item_get_item (top);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  g_assert_cmpuint (gtk_list_item_get_position (top), ==, 0);
  g_assert_cmpstr (sr_message_get_id (shown), ==, sr_message_get_id (first));
  if (sort == SR_MESSAGE_SORT_COST)
    g_assert_cmpfloat_with_epsilon (sr_message_get_cost (shown), sr_message_get_cost (first), 1e-9);
  /* and on screen: a mapped label shows its recipient */
  g_assert_true (label_shows (GTK_WIDGET (column_view), sr_message_get_to (first)));
}

static void
test_sort_lands_on_first_row (void)
{
  SrWindow *window = open_shared_window ();
  SrMessageView *view = sr_messages_page_get_view (sr_window_get_messages_page (window));

  /* wide: the column view, not the narrow rows */
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  sr_window_show_content_page (window, "messages");
  sr_test_spin (300);

  sort_and_check_top_row (view, SR_MESSAGE_SORT_COST);
  sort_and_check_top_row (view, SR_MESSAGE_SORT_RECIPIENT);

  sr_test_window_close (window);
}

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        guint      *count)
{
  (*count)++;
}

typedef struct
{
  GtkWidget  *view;
  const char *text;
} ShownWait;

static gboolean
row_shown (gpointer data)
{
  ShownWait *wait = data;

  return label_shows (wait->view, wait->text);
}

/* Jumps to the end of the log (End) in the given layout and waits for the
 * last row, read after its placeholder was bound, to show its recipient.
 * Returns the number of items-changed the list emitted meanwhile. */
static guint
jump_to_end_and_check (SrMessageView *view,
                       GtkWidget     *rows,
                       SrMessageSort  sort,
                       gboolean       descending,
                       gboolean       unread)
{
  SrMessageList *list = sr_message_view_get_list (view);
  GtkWidget *scrolled = gtk_widget_get_ancestor (rows, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  SrMessage *last;
  LoadedWait loaded;
  ShownWait shown;
  guint changes = 0;
  gulong handler;
  guint n;

  sr_test_wait_until (list_ready, list, 30, "the log loaded");
  sr_test_wait_until (adjustment_scrolls, vadjustment, 30, "the log laid out");
  sr_test_spin (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, >, 1000);
  /* unread: the end was never read, its rows will be placeholders first
   * (after a new order, rows read before may be there already) */
  if (unread)
    g_assert_false (sr_message_list_is_loaded (list, n - 1));
  expected = sr_cache_query_messages (shared_cache, sr_message_list_get_filter (list),
                                      sort, descending, 1, n - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 1);
  last = g_ptr_array_index (expected, 0);
  g_assert_false (label_shows (rows, sr_message_get_to (last)));

  handler = g_signal_connect (list, "items-changed", G_CALLBACK (count_items_changed_cb), &changes);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  loaded = (LoadedWait) { G_LIST_MODEL (list), n - 1 };
  shown = (ShownWait) { rows, sr_message_get_to (last) };
  sr_test_wait_until (item_loaded, &loaded, 30, "the last row read");
  sr_test_wait_until (row_shown, &shown, 30, "the last row shown");
  sr_test_spin (200);
  g_signal_handler_disconnect (list, handler);

  g_assert_true (label_shows (rows, sr_message_get_to (last)));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);

  return changes;
}

/* A jump to the end of the log: the rows there are bound as placeholders
 * at once, and when their block arrives the list fills those very items
 * (no items-changed, so GTK keeps the row widgets) and the cells bind
 * again: the last row's recipient is on screen. In the columns, again
 * right after a new order put the view on its first row, and in the rich
 * rows of a narrow window. */
static void
test_jump_fills_rows_in_place (void)
{
  SrWindow *window = open_shared_window ();
  SrMessageView *view = sr_messages_page_get_view (sr_window_get_messages_page (window));
  GtkColumnView *column_view = sr_message_view_get_column_view (view);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  sr_window_show_content_page (window, "messages");
  g_assert_cmpuint (jump_to_end_and_check (view, GTK_WIDGET (column_view), SR_MESSAGE_SORT_CREATED, TRUE, TRUE), ==, 0);

  gtk_column_view_sort_by_column (column_view, sr_message_view_get_column (view, SR_MESSAGE_SORT_RECIPIENT),
                                  GTK_SORT_ASCENDING);
  sr_test_wait_until (top_row_loaded, column_view, 30, "the first rows of the new order");
  g_assert_cmpuint (jump_to_end_and_check (view, GTK_WIDGET (column_view), SR_MESSAGE_SORT_RECIPIENT, FALSE, FALSE), ==, 0);
  sr_test_window_close (window);

  /* the rich rows, on a log just opened */
  window = open_shared_window ();
  view = sr_messages_page_get_view (sr_window_get_messages_page (window));
  sr_window_show_content_page (window, "messages");
  sr_message_view_set_compact (view, TRUE);
  sr_test_spin (300);
  g_assert_cmpuint (jump_to_end_and_check (view, GTK_WIDGET (sr_message_view_get_list_view (view)),
                                           SR_MESSAGE_SORT_CREATED, TRUE, TRUE), ==, 0);
  sr_test_window_close (window);
}

/* Rows in view of a log, and how many of them show their content (a row
 * bound blank has cells without text). */
typedef struct
{
  GtkWidget *scrolled;
  GArray    *filled;      /* (element-type guint) per painted frame */
  guint      in_view;
} PacedRows;

static void
count_rows_in_view (GtkWidget  *widget,
                    GtkWidget  *scrolled,
                    GHashTable *rows)
{
  if (SR_IS_CELL (widget) && gtk_widget_get_mapped (widget))
    {
      GtkWidget *row = gtk_widget_get_parent (gtk_widget_get_parent (widget));
      graphene_rect_t bounds;

      if (gtk_widget_compute_bounds (row, scrolled, &bounds) &&
          bounds.origin.y >= 0 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scrolled))
        {
          /* (a row is filled if any of its cells has text) */
          if (sr_cell_get_text (widget) != NULL)
            g_hash_table_insert (rows, row, GINT_TO_POINTER (TRUE));
          else if (!g_hash_table_contains (rows, row))
            g_hash_table_insert (rows, row, GINT_TO_POINTER (FALSE));
        }
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    count_rows_in_view (c, scrolled, rows);
}

static guint
rows_filled (GtkWidget *scrolled,
             guint     *in_view)
{
  g_autoptr(GHashTable) rows = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer filled;
  guint n = 0;

  count_rows_in_view (scrolled, scrolled, rows);
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &filled))
    n += GPOINTER_TO_INT (filled);
  if (in_view != NULL)
    *in_view = g_hash_table_size (rows);
  return n;
}

static void
paced_after_paint_cb (GdkFrameClock *clock,
                      PacedRows     *paced)
{
  guint filled = rows_filled (paced->scrolled, &paced->in_view);

  g_array_append_val (paced->filled, filled);
}

static gboolean
some_frame_painted (gpointer data)
{
  return ((PacedRows *) data)->filled->len > 0;
}

/* Every cell bound has its text: no row waits any more. */
static gboolean
cells_filled (GtkWidget *widget)
{
  if (SR_IS_CELL (widget))
    return sr_cell_get_text (widget) != NULL;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (!cells_filled (c))
      return FALSE;
  return TRUE;
}

static gboolean
all_cells_filled (gpointer data)
{
  return cells_filled (data);
}

static gboolean
paced_all_filled (gpointer data)
{
  PacedRows *paced = data;

  return paced->filled->len > 0 && paced->in_view > 0 &&
         g_array_index (paced->filled, guint, paced->filled->len - 1) == paced->in_view;
}

/* The Messages Log of the shared window, 1280×800, loaded and laid out. */
typedef struct
{
  SrWindow      *window;
  SrMessageView *view;
  GtkColumnView *column_view;
  SrMessageList *list;
  GtkWidget     *scrolled;
  GtkAdjustment *vadjustment;
} OpenLog;

static OpenLog
open_messages_log (void)
{
  OpenLog log;

  log.window = open_shared_window ();
  log.view = sr_messages_page_get_view (sr_window_get_messages_page (log.window));
  log.column_view = sr_message_view_get_column_view (log.view);
  log.list = sr_message_view_get_list (log.view);
  log.scrolled = gtk_widget_get_ancestor (GTK_WIDGET (log.column_view), GTK_TYPE_SCROLLED_WINDOW);
  log.vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (log.scrolled));

  gtk_window_set_default_size (GTK_WINDOW (log.window), 1280, 800);
  sr_window_show_content_page (log.window, "messages");
  sr_test_wait_until (list_ready, log.list, 30, "the log loaded");
  sr_test_wait_until (adjustment_scrolls, log.vadjustment, 30, "the log laid out");
  return log;
}

/* Home in a log whose first rows were read: ~200 rows bind at once, and
 * a frame shows at most SR_CELL_ROWS_PER_FRAME of them plus as many that
 * its own binding had room for; the rest of the rows in view fill in on
 * the next frames, all of them, and the rows out of view after. The pills
 * of the status column are all as wide, whatever their status. */
static void
test_rows_shown_a_few_per_frame (void)
{
  OpenLog log = open_messages_log ();
  SrWindow *window = log.window;
  SrMessageView *view = log.view;
  GtkColumnView *column_view = log.column_view;
  SrMessageList *list = log.list;
  GtkWidget *scrolled = log.scrolled;
  GtkAdjustment *vadjustment = log.vadjustment;
  GdkFrameClock *clock;
  PacedRows paced = { scrolled, NULL, 0 };
  g_autoptr(GHashTable) widths = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) statuses = g_hash_table_new (NULL, NULL);
  LoadedWait loaded;
  gulong handler;
  guint frames_to_fill, in_view;

  sr_test_spin (300);
  g_assert_cmpuint (rows_filled (scrolled, &in_view), ==, in_view);
  /* more rows in view than two frames' worth */
  g_assert_cmpuint (in_view, >, 2 * SR_CELL_ROWS_PER_FRAME);

  /* End, and back Home once the end is read and shown */
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  loaded = (LoadedWait) { G_LIST_MODEL (list), g_list_model_get_n_items (G_LIST_MODEL (list)) - 1 };
  sr_test_wait_until (item_loaded, &loaded, 30, "the last row read");
  sr_test_spin (500);
  g_assert_cmpuint (rows_filled (scrolled, &in_view), ==, in_view);
  g_assert_true (sr_message_list_is_loaded (list, 0));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  paced.filled = g_array_new (FALSE, FALSE, sizeof (guint));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (paced_after_paint_cb), &paced);
  gtk_adjustment_set_value (vadjustment, 0);
  sr_test_wait_until (paced_all_filled, &paced, 30, "the rows in view filled");
  g_signal_handler_disconnect (clock, handler);

  /* the first frame had room for the rows its binding allowed and those
   * the pacer showed, not all of them; the others followed, those in
   * view before the ~180 out of view (a frame may go by without new
   * rows on a busy machine, hence the margin) */
  g_assert_cmpuint (g_array_index (paced.filled, guint, 0), <=, 2 * SR_CELL_ROWS_PER_FRAME);
  frames_to_fill = paced.filled->len;
  g_assert_cmpuint (frames_to_fill, >=, 2);
  g_assert_cmpuint (frames_to_fill, <=, paced.in_view);

  /* the rows out of view are shown too, before they come into view */
  sr_test_wait_until (all_cells_filled, column_view, 30, "every bound row filled");
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_page_size (vadjustment));
  g_array_set_size (paced.filled, 0);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (paced_after_paint_cb), &paced);
  sr_test_wait_until (some_frame_painted, &paced, 30, "a frame");
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (g_array_index (paced.filled, guint, 0), ==, paced.in_view);

  /* Rows formatted again while they wait (UTC times) wait on, and a
   * column shown while they wait binds a cell in each: every row ends
   * up filled, once. */
  gtk_adjustment_set_value (vadjustment, 0);
  sr_test_spin (20);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  g_object_set (view, "show-utc", TRUE, "show-failure-reason", TRUE, NULL);
  sr_test_spin (20);
  gtk_adjustment_set_value (vadjustment, 0);
  g_object_set (view, "show-failure-reason", FALSE, "show-utc", FALSE, NULL);
  sr_test_wait_until (all_cells_filled, column_view, 30, "every bound row filled again");
  g_assert_cmpuint (rows_filled (scrolled, &in_view), ==, in_view);

  /* one width for every pill of the column, whatever its status */
  for (GtkWidget *w = GTK_WIDGET (column_view); w != NULL; )
    {
      GtkWidget *next = gtk_widget_get_first_child (w);

      if (SR_IS_STATUS_PILL (w) && gtk_widget_get_mapped (w))
        {
          g_hash_table_add (widths, GINT_TO_POINTER (gtk_widget_get_width (w)));
          g_hash_table_add (statuses, GINT_TO_POINTER (sr_status_pill_get_status (SR_STATUS_PILL (w)) + 1));
        }
      /* (depth first, without recursion) */
      while (next == NULL && w != NULL && w != GTK_WIDGET (column_view))
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
        }
      w = next;
    }
  g_assert_cmpuint (g_hash_table_size (statuses), >, 1);
  g_assert_cmpuint (g_hash_table_size (widths), ==, 1);

  g_array_unref (paced.filled);
  sr_test_window_close (window);
}

/* What the drawn cells and pills of a log show: per (type, style classes,
 * width, text), the layout they drew. */
typedef struct
{
  GHashTable *by_look;      /* "look" → PangoLayout */
  GHashTable *looks;        /* PangoLayout → "look" (owned) */
  guint       drawn;
  guint       bad;          /* a layout that is not the cell's text */
  double      resolution;   /* of the last layout's context */
  gboolean    one_resolution;
} DrawnTexts;

static void
collect_drawn_texts (GtkWidget  *widget,
                     DrawnTexts *drawn)
{
  PangoLayout *layout = NULL;
  const char *text = NULL;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (SR_IS_CELL (widget))
    {
      layout = sr_cell_get_layout (widget);
      text = sr_cell_get_text (widget);
    }
  else if (SR_IS_STATUS_PILL (widget))
    {
      layout = sr_status_pill_get_layout (SR_STATUS_PILL (widget));
      text = sr_status_pill_get_text (SR_STATUS_PILL (widget));
    }

  if (layout != NULL && text != NULL && *text != '\0')
    {
      g_auto(GStrv) classes = gtk_widget_get_css_classes (widget);
      g_autofree char *joined = g_strjoinv (".", classes);
      /* a pill's status classes set colours only: its status is its text */
      char *look = g_strdup_printf ("%s.%s %d %s", G_OBJECT_TYPE_NAME (widget),
                                    SR_IS_STATUS_PILL (widget) ? "" : joined,
                                    gtk_widget_get_width (widget), text);
      double resolution = pango_cairo_context_get_resolution (pango_layout_get_context (layout));
      PangoLayout *seen = g_hash_table_lookup (drawn->by_look, look);
      const char *seen_look = g_hash_table_lookup (drawn->looks, layout);

      /* what the widget's own context would have drawn with (made apart:
       * a context kept by the widget would be updated by GTK for it) */
      PangoContext *own = gtk_widget_create_pango_context (widget);
      PangoContext *shared = pango_layout_get_context (layout);
      const cairo_font_options_t *own_options = pango_cairo_context_get_font_options (own);
      const cairo_font_options_t *shared_options = pango_cairo_context_get_font_options (shared);

      drawn->drawn++;
      if (!pango_font_description_equal (pango_context_get_font_description (own),
                                         pango_context_get_font_description (shared)) ||
          pango_context_get_base_dir (own) != pango_context_get_base_dir (shared) ||
          pango_cairo_context_get_resolution (own) != resolution ||
          (own_options == NULL) != (shared_options == NULL) ||
          (own_options != NULL && !cairo_font_options_equal (own_options, shared_options)))
        {
          g_test_message ("cell \"%s\" drew with another font or font options", look);
          drawn->bad++;
        }
      g_object_unref (own);
      if (g_strcmp0 (pango_layout_get_text (layout), text) != 0 ||
          (seen != NULL && seen != layout) ||
          (seen_look != NULL && strcmp (seen_look, look) != 0))
        {
          g_test_message ("cell \"%s\" drew \"%s\"", look, pango_layout_get_text (layout));
          drawn->bad++;
        }
      if (drawn->drawn > 1 && resolution != drawn->resolution)
        drawn->one_resolution = FALSE;
      drawn->resolution = resolution;
      g_hash_table_insert (drawn->by_look, g_strdup (look), layout);
      g_hash_table_insert (drawn->looks, layout, look);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_drawn_texts (child, drawn);
}

static void
drawn_texts_clear (DrawnTexts *drawn)
{
  g_clear_pointer (&drawn->by_look, g_hash_table_unref);
  g_clear_pointer (&drawn->looks, g_hash_table_unref);
}

static void
collect_drawn (GtkWidget  *view,
               DrawnTexts *drawn)
{
  drawn_texts_clear (drawn);
  *drawn = (DrawnTexts) {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_hash_table_new_full (NULL, NULL, NULL, g_free),
    0, 0, 0, TRUE,
  };
  collect_drawn_texts (view, drawn);
}

/* The cells and pills of a log that show the same text at the same width
 * in the same style draw one shared layout, and only those: a cell never
 * draws another's text, a numeric cell never shares with a plain one, and
 * a change of the text settings (text scaling) makes them anew. */
static void
test_cells_share_layouts (void)
{
  OpenLog log = open_messages_log ();
  SrWindow *window = log.window;
  GtkColumnView *column_view = log.column_view;
  GtkWidget *scrolled = log.scrolled;
  GtkAdjustment *vadjustment = log.vadjustment;
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (window));
  DrawnTexts drawn = { NULL, };
  guint in_view;
  int dpi;
  double resolution;

  sr_test_wait_until (all_cells_filled, column_view, 30, "every bound row filled");
  sr_test_spin (200);
  g_assert_cmpuint (rows_filled (scrolled, &in_view), ==, in_view);

  collect_drawn (GTK_WIDGET (column_view), &drawn);
  g_assert_cmpuint (drawn.bad, ==, 0);
  /* every row of the view drew its cells, and the statuses, senders and
   * prices its rows have in common were shaped once */
  g_assert_cmpuint (drawn.drawn, >=, in_view * 5);
  g_assert_cmpuint (g_hash_table_size (drawn.looks), <, drawn.drawn * 3 / 4);
  g_assert_true (drawn.one_resolution);
  resolution = drawn.resolution;

  /* other rows, a page at a time: GTK binds the row widgets that leave
   * its range to the rows that come in, and the cells that drew other
   * texts draw theirs */
  for (guint page = 1; page <= 15; page++)
    {
      gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_page_size (vadjustment) * page);
      sr_test_wait_until (all_cells_filled, column_view, 30, "the rows of the page filled");
      sr_test_spin (20);
      collect_drawn (GTK_WIDGET (column_view), &drawn);
      g_assert_cmpuint (drawn.bad, ==, 0);
    }
  sr_test_spin (200);
  collect_drawn (GTK_WIDGET (column_view), &drawn);
  g_assert_cmpuint (drawn.bad, ==, 0);
  g_assert_cmpuint (drawn.drawn, >=, in_view * 5);

  /* larger text: every layout is made again with the new resolution */
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_object_set (settings, "gtk-xft-dpi", dpi * 9 / 8, NULL);
  sr_test_spin (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (column_view)));
  collect_drawn (GTK_WIDGET (column_view), &drawn);
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  g_assert_cmpuint (drawn.bad, ==, 0);
  g_assert_cmpuint (drawn.drawn, >, 0);
  g_assert_true (drawn.one_resolution);
  g_assert_cmpfloat (drawn.resolution, >, resolution * 1.1);

  sr_test_spin (300);
  collect_drawn (GTK_WIDGET (column_view), &drawn);
  g_assert_cmpuint (drawn.bad, ==, 0);
  g_assert_true (drawn.one_resolution);
  g_assert_cmpfloat (drawn.resolution, ==, resolution);

#if GTK_CHECK_VERSION (4, 16, 0)
  /* other hinting: no cell is restyled, and every cell draws with the
   * new font options all the same */
  g_object_set (settings, "gtk-font-rendering", GTK_FONT_RENDERING_MANUAL,
                "gtk-xft-hintstyle", "hintfull", "gtk-xft-antialias", 0, NULL);
  sr_test_spin (300);
  collect_drawn (GTK_WIDGET (column_view), &drawn);
  gtk_settings_reset_property (settings, "gtk-font-rendering");
  gtk_settings_reset_property (settings, "gtk-xft-hintstyle");
  gtk_settings_reset_property (settings, "gtk-xft-antialias");
  g_assert_cmpuint (drawn.drawn, >=, in_view * 5);
  g_assert_cmpuint (drawn.bad, ==, 0);
  sr_test_spin (300);
  collect_drawn (GTK_WIDGET (column_view), &drawn);
  g_assert_cmpuint (drawn.bad, ==, 0);
#endif

  drawn_texts_clear (&drawn);
  gtk_adjustment_set_value (vadjustment, 0);
  sr_test_window_close (window);
}

/* Campaign rows not read yet are placeholders that fill in place: the
 * view keeps the items it bound (no items-changed replaces them) and
 * their cells show the campaign once its block is read. */
static void
on_campaigns_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         guint      *n_replaced)
{
  if (removed > 0 && added > 0)
    (*n_replaced)++;
}

static gboolean
list_has_items (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

/* Whether a mapped cell under widget shows text. */
static gboolean
mapped_cell_shows (GtkWidget  *widget,
                   const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (SR_IS_CELL (widget) && g_strcmp0 (sr_cell_get_text (widget), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (mapped_cell_shows (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
list_idle_campaigns (gpointer data)
{
  return !sr_campaign_list_get_loading (data);
}

static gboolean
campaign_filled (gpointer data)
{
  return *sr_campaign_get_id (data) != '\0';
}

static void
test_campaign_rows_fill_in_place (void)
{
  /* More campaigns than the first screenful a new list reads at once. */
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "50", "--campaigns", "400", NULL);
  g_autofree char *dir = sr_test_make_tmpdir ("test-ui-campaigns");
  g_autoptr(SrCache) cache = sr_test_sync_account (sr_test_sandbox_get_url (sandbox),
                                                   sr_test_sandbox_get_api_key (sandbox), dir);
  g_autoptr(SrCampaignList) list = sr_campaign_list_new (cache);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = g_object_new (SR_TYPE_CAMPAIGN_VIEW, NULL);
  GtkColumnView *column_view = sr_campaign_view_get_column_view (SR_CAMPAIGN_VIEW (view));
  g_autoptr(SrCampaign) last = NULL;
  guint n_replaced = 0, n;
  g_autofree char *date = NULL;
  GtkAdjustment *adjustment;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_campaigns_changed_cb), &n_replaced);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), view);
  sr_campaign_view_set_list (SR_CAMPAIGN_VIEW (view), list);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (list_has_items, list, 30, "the campaigns");
  sr_test_wait_until (list_idle_campaigns, list, 30, "all the campaigns");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, 400);

  /* Nothing is read on the main thread: the last row is a placeholder,
   * shown as such when the view jumps there, and filled in place. */
  last = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  g_assert_cmpstr (sr_campaign_get_id (last), ==, "");
  /* As a drag of the scroll bar does (see sr_message_view_reset_scroll()
   * for why not gtk_column_view_scroll_to()). */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
  sr_test_wait_until (adjustment_scrolls, adjustment, 30, "the log laid out");
  sr_test_spin (300);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  sr_test_wait_until (campaign_filled, last, 30, "the last campaign");
  sr_test_spin (300);

  g_assert_cmpuint (n_replaced, ==, 0);
  {
    g_autoptr(SrCampaign) again = g_list_model_get_item (G_LIST_MODEL (list), n - 1);

    g_assert_true (again == last);
  }
  g_assert_nonnull (sr_campaign_get_id (last));
  date = sr_format_time (sr_campaign_get_created_at (last), FALSE);
  g_assert_true (mapped_cell_shows (view, date));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&list);
  sr_cache_close (cache);
  g_clear_object (&cache);
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
  shared_cache = sr_test_sync_account (sr_test_sandbox_get_url (shared_sandbox),
                               sr_test_sandbox_get_api_key (shared_sandbox),
                               shared_dir);

  g_test_add_func ("/ui/sign-in/shown-without-key", test_sign_in_shown_without_key);
  g_test_add_func ("/ui/sign-in/refused-key", test_sign_in_refused_key);
  g_test_add_func ("/ui/sign-in/messages-log-count", test_sign_in_then_messages_log_count);
  g_test_add_func ("/ui/messages/status-filter-matches-cli", test_status_filter_matches_cli);
  g_test_add_func ("/ui/messages/sort-by-cost-header", test_sort_by_cost_header);
  g_test_add_func ("/ui/campaign/window-lists-its-messages", test_campaign_window_lists_its_messages);
  g_test_add_func ("/ui/campaign/main-window-close-closes-campaigns", test_closing_main_window_closes_campaign_windows);
  g_test_add_func ("/ui/shortcuts/preferences-key", test_shortcuts_window_preferences_key);
  g_test_add_func ("/ui/campaigns/failed-matches-campaign-window", test_campaign_log_failed_matches_campaign_window);
  g_test_add_func ("/ui/messages/details-campaign-row", test_message_details_campaign_row);
  g_test_add_func ("/ui/dashboard/synced-text-one-source", test_synced_text_one_source);
  g_test_add_func ("/ui/preferences/servers-in-use", test_preferences_show_servers_in_use);
  g_test_add_func ("/ui/campaign/show-in-log-resets-filters", test_show_in_log_resets_filters);
  g_test_add_func ("/ui/messages/details-failure-reason-once", test_message_details_failure_reason_once);
  g_test_add_func ("/ui/preferences/auto-refresh-switch", test_preferences_auto_refresh_switch);
  g_test_add_func ("/ui/messages/row-context-menu", test_messages_row_context_menu);
  g_test_add_func ("/ui/messages/failure-reason-column", test_messages_failure_reason_column);
  g_test_add_func ("/ui/messages/filter-chips", test_messages_filter_chips);
  g_test_add_func ("/ui/campaigns/period-sender-status-filters", test_campaign_log_filters);
  g_test_add_func ("/ui/campaigns/source-filter", test_campaign_log_source_filter);
  g_test_add_func ("/ui/legend/nine-statuses", test_legend_lists_nine_statuses);
  g_test_add_func ("/ui/offline/banner-and-cached-lists", test_offline_banner_and_lists_keep_working);
  g_test_add_func ("/ui/dashboard/incomplete-history", test_dashboard_incomplete_history);
  g_test_add_func ("/ui/account/refused-key-banner", test_refused_key_later_shows_banner);
  g_test_add_func ("/ui/account/corrupt-cache-moved-aside", test_corrupt_cache_is_moved_aside);
  g_test_add_func ("/ui/account/cache-path-is-a-folder", test_cache_path_is_a_folder);
  g_test_add_func ("/ui/account/read-only-reports-shown", test_read_only_reports_shown);
  g_test_add_func ("/ui/account/slow-open-explained", test_slow_open_explained);
  g_test_add_func ("/ui/account/full-disk-reports-shown", test_full_disk_reports_shown);
  g_test_add_func ("/ui/account/sign-out", test_sign_out_keeps_or_deletes_reports);
  g_test_add_func ("/ui/selection/never-creates-items", test_selection_never_creates_items);
  g_test_add_func ("/ui/chart/draws-empty-one-day-90-days", test_chart_draws_periods);
  g_test_add_func ("/ui/dashboard/status-opens-filtered-log", test_dashboard_status_opens_filtered_log);
  g_test_add_func ("/ui/dashboard/one-rate-definition", test_dashboard_one_rate_definition);
  g_test_add_func ("/ui/dashboard/empty-period-cards", test_dashboard_empty_period_cards);
  g_test_add_func ("/ui/dashboard/previous-period", test_dashboard_previous_period);
  g_test_add_func ("/ui/dashboard/click-through-counts", test_dashboard_click_through_counts);
  g_test_add_func ("/ui/dashboard/time-to-delivery", test_dashboard_time_to_delivery);
  g_test_add_func ("/ui/dashboard/bar-and-country-open-filtered-log", test_dashboard_bar_and_country_open_filtered_log);
  g_test_add_func ("/ui/dashboard/failure-reasons-whole", test_dashboard_failure_reasons_whole);
  g_test_add_func ("/ui/messages/export-filtered-view", test_export_filtered_messages_log);
  g_test_add_func ("/ui/campaign/export-not-arrived-and-campaign-log", test_export_campaign_and_campaign_log);
  g_test_add_func ("/ui/messages/copy-selection-as-tsv", test_copy_selection_as_tsv);
  g_test_add_func ("/ui/messages/search-entries-capped", test_search_entries_are_capped);
  g_test_add_func ("/ui/adaptive/narrow-window-fits", test_narrow_window_fits);
  g_test_add_func ("/ui/adaptive/dialogs-follow-narrow-window", test_dialogs_follow_narrow_window);
  g_test_add_func ("/ui/period/same-presets-everywhere", test_period_picker_same_everywhere);
  g_test_add_func ("/ui/campaigns/custom-range", test_campaign_log_custom_range);
  g_test_add_func ("/ui/messages/filter-menu", test_messages_filter_menu);
  g_test_add_func ("/ui/offline/launch-shows-cached-rows", test_offline_launch_shows_cached_rows);

  g_test_add_func ("/ui/messages/sort-lands-on-first-row", test_sort_lands_on_first_row);
  g_test_add_func ("/ui/messages/jump-fills-rows-in-place", test_jump_fills_rows_in_place);
  g_test_add_func ("/ui/messages/rows-shown-a-few-per-frame", test_rows_shown_a_few_per_frame);
  g_test_add_func ("/ui/messages/cells-share-layouts", test_cells_share_layouts);
  g_test_add_func ("/ui/campaigns/rows-fill-in-place", test_campaign_rows_fill_in_place);

  ret = g_test_run ();

  sr_cache_close (shared_cache);
  g_clear_object (&shared_cache);
  sr_test_remove_tree (shared_dir);
  g_clear_pointer (&shared_dir, g_free);
  g_clear_pointer (&shared_sandbox, sr_test_sandbox_free);

  return ret;
}
