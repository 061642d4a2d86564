/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-account-switch.c: several accounts in the real window, with the
 * real keyring of the test session and two sandboxes with different data
 * over HTTP: add a second account from the sign-in page, switch between
 * them (the Dashboard, the Messages Log and the switcher show the other
 * account's data, the old account's campaign windows close), the last one
 * used reopens at start (Dashboard, Messages Log and Campaign Log each
 * count the account's own data), Preferences lists and removes them (keeping or
 * deleting the reports) and the other account stays whole; and the key of
 * an earlier release opens its reports without signing in again.
 */

#include "config.h"

#include <adwaita.h>
#include <signal.h>
#include <string.h>

#include "a11y-walk.h"
#include "sr-core.h"
#include "sr-preferences-dialog.h"
#include "sr-search-provider.h"
#include "sr-resources.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

static SrTestSandbox *sandbox_a;
static SrTestSandbox *sandbox_b;
static gint64 total_a;
static gint64 total_b;

/* Each sandbox's campaigns (its --campaigns). */
#define N_CAMPAIGNS_A 10
#define N_CAMPAIGNS_B 4

typedef struct
{
  SrWindow *window;
  gint64    total;
  guint     n_campaigns;
} Expect;

/* The Dashboard (All Time) and the Messages Log both count total, the
 * Campaign Log lists n_campaigns. */
static gboolean
shows_total (gpointer data)
{
  Expect *expect = data;
  SrMessageList *list = sr_messages_page_get_list (sr_window_get_messages_page (expect->window));
  SrCampaignList *campaigns = sr_campaigns_page_get_list (sr_window_get_campaigns_page (expect->window));

  return sr_test_window_session_idle (expect->window) &&
         sr_dashboard_page_get_total (sr_window_get_dashboard_page (expect->window)) == expect->total &&
         list != NULL && !sr_message_list_get_loading (list) &&
         g_list_model_get_n_items (G_LIST_MODEL (list)) == (guint) expect->total &&
         campaigns != NULL && !sr_campaign_list_get_loading (campaigns) &&
         g_list_model_get_n_items (G_LIST_MODEL (campaigns)) == expect->n_campaigns;
}

/* Reports are deleted on a worker. */
static gboolean
file_gone (gpointer user_data)
{
  return !g_file_test (user_data, G_FILE_TEST_EXISTS);
}

static void
wait_for_total (SrWindow   *window,
                gint64      total,
                guint       n_campaigns,
                const char *what)
{
  Expect expect = { window, total, n_campaigns };

  sr_test_wait_until (shows_total, &expect, 120, what);
}

static gboolean
shows_sign_in (gpointer window)
{
  return g_strcmp0 (sr_window_get_visible_page (window), "sign-in") == 0;
}

static void
sign_in (SrWindow      *window,
         SrTestSandbox *sandbox,
         const char    *label)
{
  SrSignInPage *page = sr_window_get_sign_in_page (window);
  const char *url = sr_test_sandbox_get_url (sandbox);

  sr_sign_in_page_set_urls (page, url, url);
  if (label != NULL)
    sr_sign_in_page_set_label (page, label);
  sr_sign_in_page_set_key (page, sr_test_sandbox_get_api_key (sandbox));
  sr_sign_in_page_submit (page);
}

/* Screen readers hear the account by its name: an interactive node under
 * root is named needle. */
static void
assert_accessible_name (GtkWidget  *root,
                        const char *needle)
{
  A11yWalk walk;

  a11y_walk_init (&walk);
  a11y_walk (&walk, GTK_ACCESSIBLE (root));
  /* A dialog maps its content once its opening transition has started:
   * walk again until it is there (as test-a11y does). */
  for (guint tries = 0; !a11y_walk_has_name (&walk, needle) && tries < 50; tries++)
    {
      a11y_walk_clear (&walk);
      sr_test_spin (200);
      a11y_walk_init (&walk);
      a11y_walk (&walk, GTK_ACCESSIBLE (root));
    }
  if (!a11y_walk_has_name (&walk, needle))
    for (guint i = 0; i < walk.names->len; i++)
      g_test_message ("%s", (const char *) walk.names->pdata[i]);
  g_assert_true (a11y_walk_has_name (&walk, needle));
  a11y_walk_clear (&walk);
}

static char *
dup_cache_path (const char    *dir,
                SrTestSandbox *sandbox)
{
  return sr_cache_dup_account_path (dir, sr_test_sandbox_get_url (sandbox), sr_test_sandbox_get_api_key (sandbox));
}

static gint64
count_file (const char *path)
{
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  count = sr_cache_count_messages (cache, NULL, &error);
  g_assert_no_error (error);
  sr_cache_close (cache);
  return count;
}

/* The keyring item is removed in the background. */
static gboolean
key_is_gone (gpointer account_id)
{
  g_autoptr(GError) error = NULL;
  char *key = sr_credentials_lookup_account (account_id, NULL, &error);

  g_assert_no_error (error);
  if (key == NULL)
    return TRUE;
  sr_credentials_free_key (key);
  return FALSE;
}

static void
test_add_switch_remove (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-account-switch");
  g_autofree char *path_a = dup_cache_path (dir, sandbox_a);
  g_autofree char *path_b = dup_cache_path (dir, sandbox_b);
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_auto(GStrv) titles = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  SrPreferencesDialog *preferences;
  SrCampaignWindow *campaign_window;
  SrSignInPage *page;
  SrAccounts *accounts;
  SrSession *session;
  SrWindow *window;

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  /* No account yet: the sign-in page, as always. */
  window = sr_window_new_with_accounts_for_test (sr_test_sandbox_get_url (sandbox_a), dir);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_left_loading, window, 30, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_null (sr_window_get_account_switcher_text (window));
  page = sr_window_get_sign_in_page (window);
  g_assert_false (sr_sign_in_page_get_adding (page));

  /* The first account is named after its server until renamed. */
  sign_in (window, sandbox_a, NULL);
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the first account's reports");
  wait_for_total (window, total_a, N_CAMPAIGNS_A, "account A's Dashboard and Messages Log");
  accounts = sr_window_get_accounts (window);
  g_assert_nonnull (accounts);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 1);
  id_a = g_strdup (sr_window_get_account_id (window));
  g_assert_cmpstr (sr_account_get_label (sr_accounts_find (accounts, id_a)), ==, "127.0.0.1");
  /* Named by label and balance currency, never by the key. */
  g_assert_cmpstr (sr_window_get_account_switcher_text (window), ==, "127.0.0.1 · EUR");
  g_assert_true (sr_window_rename_account (window, id_a, "Agency", NULL));
  g_assert_cmpstr (sr_window_get_account_switcher_text (window), ==, "Agency · EUR");

  /* One of A's campaigns open in its own window. */
  campaigns = sr_cache_query_campaigns (sr_session_get_cache (sr_window_get_session (window)), NULL,
                                       SR_CAMPAIGN_SORT_CREATED, TRUE, 1, 0, NULL);
  g_assert_cmpuint (campaigns->len, ==, 1);
  campaign_window = sr_window_open_campaign (window, sr_campaign_get_id (campaigns->pdata[0]));
  g_assert_nonnull (campaign_window);
  g_object_add_weak_pointer (G_OBJECT (campaign_window), (gpointer *) &campaign_window);

  /* Add Account: a name in use is refused before the key is checked. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL));
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_true (sr_sign_in_page_get_adding (page));
  sign_in (window, sandbox_b, "AGENCY");
  g_assert_false (sr_sign_in_page_get_busy (page));
  g_assert_error ((GError *) sr_sign_in_page_get_error (page), SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_TAKEN);
  /* The same key twice is refused after the check. */
  sign_in (window, sandbox_a, "Again");
  sr_test_wait_until (sr_test_sign_in_settled, page, 60, "the key check");
  g_assert_error ((GError *) sr_sign_in_page_get_error (page), SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_ALREADY_ADDED);
  g_assert_cmpstr (sr_window_get_account_id (window), ==, id_a);

  /* Cancel goes back to A, still open. */
  g_signal_emit_by_name (page, "cancelled");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "reports");
  g_assert_nonnull (campaign_window);

  /* Signing in again (after a refused key) can wait too: Cancel goes back
   * to the same session. */
  session = sr_window_get_session (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in-again", NULL));
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_false (sr_sign_in_page_get_adding (page));
  g_signal_emit_by_name (page, "cancelled");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "reports");
  g_assert_true (sr_window_get_session (window) == session);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL));
  sign_in (window, sandbox_b, "Test");
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "account B's reports");
  id_b = g_strdup (sr_window_get_account_id (window));
  g_assert_cmpstr (id_b, !=, id_a);
  /* Nothing of A stays: its campaign window is gone, the pages count B. */
  g_assert_null (campaign_window);
  wait_for_total (window, total_b, N_CAMPAIGNS_B, "account B's Dashboard and Messages Log");
  g_assert_cmpstr (sr_session_get_cache_path (sr_window_get_session (window)), ==, path_b);
  g_assert_cmpstr (sr_window_get_account_switcher_text (window), ==, "Test · EUR");
  assert_accessible_name (GTK_WIDGET (window), "Account: Test · EUR");

  /* The switcher's action: back to A, from its file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.account", "s", id_a));
  wait_for_total (window, total_a, N_CAMPAIGNS_A, "account A again");
  g_assert_cmpstr (sr_window_get_account_id (window), ==, id_a);
  g_assert_cmpstr (sr_session_get_cache_path (sr_window_get_session (window)), ==, path_a);
  g_assert_cmpstr (sr_window_get_account_switcher_text (window), ==, "Agency · EUR");
  sr_test_window_close (window);

  /* Start again: the last account used opens, without signing in. */
  window = sr_window_new_with_accounts_for_test (sr_test_sandbox_get_url (sandbox_a), dir);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports at start");
  g_assert_cmpstr (sr_window_get_account_id (window), ==, id_a);
  wait_for_total (window, total_a, N_CAMPAIGNS_A, "account A at start");
  accounts = sr_window_get_accounts (window);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 2);

  /* Preferences lists both. */
  preferences = SR_PREFERENCES_DIALOG (sr_preferences_dialog_new ());
  sr_preferences_dialog_set_window (preferences, window);
  adw_dialog_present (ADW_DIALOG (preferences), GTK_WIDGET (window));
  titles = sr_preferences_dialog_dup_account_titles (preferences);
  g_assert_cmpuint (g_strv_length (titles), ==, 2);
  g_assert_cmpstr (titles[0], ==, "Agency · EUR");
  g_assert_cmpstr (titles[1], ==, "Test · EUR");
  g_clear_pointer (&titles, g_strfreev);
  assert_accessible_name (GTK_WIDGET (preferences), "Remove “Agency”");
  assert_accessible_name (GTK_WIDGET (preferences), "Rename “Agency”");

  /* Remove the open one (A), keeping its reports: B opens. */
  sr_preferences_dialog_answer_remove (preferences, id_a, "cancel");
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 2);
  sr_preferences_dialog_answer_remove (preferences, id_a, "keep");
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 1);
  titles = sr_preferences_dialog_dup_account_titles (preferences);
  g_assert_cmpuint (g_strv_length (titles), ==, 1);
  g_assert_cmpstr (titles[0], ==, "Test · EUR");
  wait_for_total (window, total_b, N_CAMPAIGNS_B, "account B after removing A");
  g_assert_cmpstr (sr_window_get_account_id (window), ==, id_b);
  g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
  sr_test_wait_until (key_is_gone, id_a, 30, "A's key to leave the keyring");

  /* Remove B deleting its reports: its file goes, A's stays whole. */
  sr_preferences_dialog_answer_remove (preferences, id_b, "delete");
  sr_test_wait_until (shows_sign_in, window, 30, "the sign-in page");
  g_assert_null (sr_window_get_session (window));
  g_assert_null (sr_window_get_account_switcher_text (window));
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 0);
  sr_test_wait_until (file_gone, path_b, 10, "B's reports deleted");
  g_assert_cmpint (count_file (path_a), ==, total_a);
  sr_test_wait_until (key_is_gone, id_b, 30, "B's key to leave the keyring");

  adw_dialog_force_close (ADW_DIALOG (preferences));
  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static void
test_migrates_legacy_key (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-account-legacy");
  const char *url = sr_test_sandbox_get_url (sandbox_a);
  const char *key = sr_test_sandbox_get_api_key (sandbox_a);
  g_autofree char *path = dup_cache_path (dir, sandbox_a);
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  SrAccounts *accounts;
  SrWindow *window;
  char *left;

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  /* What an earlier release left: reports and one key for the server. */
  cache = sr_test_sync_account (url, key, dir);
  sr_cache_close (cache);
  g_assert_true (sr_credentials_store (url, key, NULL, &error));
  g_assert_no_error (error);

  window = sr_window_new_with_accounts_for_test (url, dir);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_left_loading, window, 30, "the first page");
  /* Not asked to sign in: the same reports file opens. */
  g_assert_cmpstr (sr_window_get_visible_page (window), !=, "sign-in");
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the migrated account's reports");
  wait_for_total (window, total_a, N_CAMPAIGNS_A, "the migrated account's reports");
  g_assert_cmpstr (sr_session_get_cache_path (sr_window_get_session (window)), ==, path);
  accounts = sr_window_get_accounts (window);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 1);

  /* The key moved to the account's item. */
  left = sr_credentials_lookup (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (left);
  left = sr_credentials_lookup_account (sr_window_get_account_id (window), NULL, &error);
  g_assert_cmpstr (left, ==, key);
  sr_credentials_free_key (left);

  sr_window_remove_account (window, sr_window_get_account_id (window), TRUE);
  sr_test_wait_until (shows_sign_in, window, 30, "the sign-in page");
  sr_test_wait_until (file_gone, path, 10, "the reports deleted");
  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

/* --- GNOME Shell's search, started without a window --- */

static gboolean
app_on_bus (gpointer bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APPLICATION_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
app_off_bus (gpointer bus)
{
  return !app_on_bus (bus);
}

/* The newest message of a cache, and its number without the '+' (a
 * search term that finds it). */
static SrMessage *
dup_newest (SrCache *cache)
{
  g_autoptr(GPtrArray) newest = sr_cache_query_messages (cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, 0, NULL);

  g_assert_cmpuint (newest->len, ==, 1);
  return g_object_ref (newest->pdata[0]);
}

static GStrv
shell_search (GDBusProxy *proxy,
              const char *term)
{
  const char *terms[] = { term, NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GStrv ids = NULL;

  reply = g_dbus_proxy_call_sync (proxy, "GetInitialResultSet", g_variant_new ("(^as)", terms),
                                  G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(^as)", &ids);
  return ids;
}

/* Shell starts the app only to search (no window, no SMSTO_API_KEY): it
 * searches the account used last, from its own file and keyring item, and
 * finds nothing of the other account. */
static void
test_shell_search_reads_account_used_last (void)
{
  g_autofree char *home = sr_test_make_tmpdir ("test-account-search");
  g_autofree char *dir = g_build_filename (home, "sms-reports", NULL);
  /* The application's object path ("/io/github/…") and the provider's. */
  g_autofree char *object_path = g_strdelimit (g_strconcat ("/", APPLICATION_ID, SR_SEARCH_PROVIDER_PATH_SUFFIX, NULL),
                                               ".", '/');
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusProxy) proxy = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) service = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  g_autoptr(SrCache) cache_a = NULL;
  g_autoptr(SrCache) cache_b = NULL;
  g_autoptr(SrMessage) newest_a = NULL;
  g_autoptr(SrMessage) newest_b = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) found_b = NULL;
  g_auto(GStrv) found_a = NULL;
  const SrAccount *a;
  const SrAccount *b;

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  cache_a = sr_test_sync_account (sr_test_sandbox_get_url (sandbox_a), "key-a", dir);
  cache_b = sr_test_sync_account (sr_test_sandbox_get_url (sandbox_b), "key-b", dir);
  newest_a = dup_newest (cache_a);
  newest_b = dup_newest (cache_b);

  accounts = sr_accounts_load (dir, &error);
  g_assert_no_error (error);
  a = sr_accounts_add (accounts, "A", sr_test_sandbox_get_url (sandbox_a), NULL, "key-a", &error);
  b = sr_accounts_add (accounts, "B", sr_test_sandbox_get_url (sandbox_b), NULL, "key-b", &error);
  g_assert_no_error (error);
  g_assert_true (sr_credentials_store_account (sr_account_get_id (a), sr_account_get_api_url (a), "key-a", NULL, &error));
  g_assert_true (sr_credentials_store_account (sr_account_get_id (b), sr_account_get_api_url (b), "key-b", NULL, &error));
  g_assert_true (sr_accounts_set_current (accounts, sr_account_get_id (b)));
  g_assert_true (sr_accounts_save (accounts, &error));
  g_assert_no_error (error);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "SMSTO_API_KEY");
  service = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SR_APP_PATH"), "--gapplication-service", NULL);
  g_assert_no_error (error);
  sr_test_wait_until (app_on_bus, bus, 30, "the app's name on the bus");
  proxy = g_dbus_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                 NULL, APPLICATION_ID, object_path, "org.gnome.Shell.SearchProvider2", NULL, &error);
  g_assert_no_error (error);

  /* B's newest message by its number: found, first. */
  found_b = shell_search (proxy, sr_message_get_to (newest_b) + 1);
  g_assert_cmpuint (g_strv_length (found_b), >=, 1);
  g_assert_cmpstr (found_b[0], ==, sr_message_get_id (newest_b));
  /* Every result is one of B's messages. */
  for (guint i = 0; found_b[i] != NULL; i++)
    {
      g_autoptr(SrMessage) message = sr_cache_get_message (cache_b, found_b[i], NULL);

      g_assert_nonnull (message);
    }
  /* A's newest message is not searched. */
  found_a = shell_search (proxy, sr_message_get_to (newest_a) + 1);
  g_assert_false (g_strv_contains ((const char * const *) found_a, sr_message_get_id (newest_a)));

  g_subprocess_send_signal (service, SIGTERM);
  g_subprocess_wait (service, NULL, &error);
  g_assert_no_error (error);
  sr_test_wait_until (app_off_bus, bus, 30, "the service to leave the bus");

  sr_credentials_clear_account (sr_account_get_id (a), NULL, NULL);
  sr_credentials_clear_account (sr_account_get_id (b), NULL, NULL);
  sr_cache_close (cache_a);
  sr_cache_close (cache_b);
  sr_test_remove_tree (home);
}

/* Not a check: with SR_ACCOUNTS_SCREENSHOT_DIR set, saves the switcher
 * open in a 360 px window, light and dark, to look at. The menu is a
 * popover (its own surface): drawn over the window where it shows. */
static void
save_with_popover (GtkWidget  *window,
                   GtkWidget  *popover,
                   const char *path)
{
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) window_paintable = gtk_widget_paintable_new (window);
  g_autoptr(GdkPaintable) popover_paintable = gtk_widget_paintable_new (popover);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t bounds;

  gdk_paintable_snapshot (window_paintable, snapshot, width, height);
  if (gtk_widget_compute_bounds (popover, window, &bounds))
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (bounds.origin.x, bounds.origin.y));
      gdk_paintable_snapshot (popover_paintable, snapshot,
                              gtk_widget_get_width (popover), gtk_widget_get_height (popover));
      gtk_snapshot_restore (snapshot);
    }
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static void
test_screenshots (void)
{
  const char *shots = g_getenv ("SR_ACCOUNTS_SCREENSHOT_DIR");
  g_autofree char *dir = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();
  SrWindow *window;

  if (shots == NULL)
    {
      g_test_skip ("SR_ACCOUNTS_SCREENSHOT_DIR is not set");
      return;
    }
  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  dir = sr_test_make_tmpdir ("test-account-shots");
  window = sr_window_new_with_accounts_for_test (sr_test_sandbox_get_url (sandbox_a), dir);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_left_loading, window, 30, "the first page");
  sign_in (window, sandbox_a, NULL);
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the first account");
  wait_for_total (window, total_a, N_CAMPAIGNS_A, "account A");
  sr_window_rename_account (window, sr_window_get_account_id (window), "Agency (live)", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL));
  sign_in (window, sandbox_b, "Agency (test)");
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the second account");
  wait_for_total (window, total_b, N_CAMPAIGNS_B, "account B");

  for (guint dark = 0; dark < 2; dark++)
    {
      GtkMenuButton *button = sr_window_get_account_button (window);
      g_autofree char *file = g_strdup_printf ("account-switcher-360-%s.png", dark ? "dark" : "light");
      g_autofree char *path = g_build_filename (shots, file, NULL);

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
      sr_test_spin (800);
      gtk_menu_button_popup (button);
      sr_test_spin (800);
      save_with_popover (GTK_WIDGET (window), GTK_WIDGET (gtk_menu_button_get_popover (button)), path);
      gtk_menu_button_popdown (button);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  for (guint i = sr_accounts_get_n_accounts (sr_window_get_accounts (window)); i > 0; i--)
    sr_window_remove_account (window, sr_account_get_id (sr_accounts_get_account (sr_window_get_accounts (window), i - 1)), TRUE);
  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* GTK's test backend keeps the accessible attributes a11y-walk reads. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  if (!gtk_init_check ())
    {
      g_test_skip ("No display");
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();
  sr_test_load_app_style ();

  /* The Dashboard counts every message, like the Messages Log. */
  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "dashboard-period", "all");

  sandbox_a = sr_test_sandbox_start ("--messages", "1500", "--campaigns", G_STRINGIFY (N_CAMPAIGNS_A),
                                     "--seed", "5", "--api-key", "key-a", NULL);
  sandbox_b = sr_test_sandbox_start ("--messages", "700", "--campaigns", G_STRINGIFY (N_CAMPAIGNS_B),
                                     "--seed", "9", "--api-key", "key-b", NULL);
  sr_test_sandbox_get_summary (sandbox_a, &total_a, NULL, NULL);
  sr_test_sandbox_get_summary (sandbox_b, &total_b, NULL, NULL);
  g_assert_cmpint (total_a, !=, total_b);

  g_test_add_func ("/account-switch/add-switch-remove", test_add_switch_remove);
  g_test_add_func ("/account-switch/migrates-legacy-key", test_migrates_legacy_key);
  g_test_add_func ("/account-switch/shell-search-reads-account-used-last", test_shell_search_reads_account_used_last);
  g_test_add_func ("/account-switch/screenshots", test_screenshots);

  ret = g_test_run ();
  sr_test_sandbox_free (sandbox_a);
  sr_test_sandbox_free (sandbox_b);

  return ret;
}
