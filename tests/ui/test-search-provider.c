/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-search-provider.c: GNOME Shell's search provider over D-Bus, in the
 * test session's private bus, on a cache filled from the sandbox.
 *
 * First the installed way: the real sms-reports binary started as a D-Bus
 * service (--gapplication-service, no window, as Shell's activation starts
 * it), asked with a GDBusProxy like Shell asks; its answers must be the
 * core search's and must not touch the network. Then the app in this
 * process, owning its name on the bus, called from a second connection:
 * ActivateResult opens the message's details in the window, LaunchSearch
 * the Messages Log with the search filled in, and app.show-campaign (what a
 * "campaign done" notification runs) the campaign's window.
 */

#include "config.h"

#include <adwaita.h>
#include <signal.h>
#include <string.h>

#include "sr-application.h"
#include "sr-core.h"
#include "sr-message-dialog.h"
#include "sr-resources.h"
#include "sr-search-provider.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

#define PROVIDER_IFACE "org.gnome.Shell.SearchProvider2"

static struct
{
  SrTestSandbox *sandbox;
  char          *data_home;   /* XDG_DATA_HOME of this run */
  SrCache       *cache;       /* the account's file, where the app looks */
} shared;

static char *
provider_path (void)
{
  g_autofree char *base = g_strdelimit (g_strdup ("/" APPLICATION_ID), ".", '/');

  return g_strconcat (base, SR_SEARCH_PROVIDER_PATH_SUFFIX, NULL);
}

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Fills the cache where the app finds the account of (url, key) with the
 * default data folder. */
static void
sync_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  const char *url = sr_test_sandbox_get_url (shared.sandbox);
  const char *key = sr_test_sandbox_get_api_key (shared.sandbox);
  SrSyncSummary summary;

  client = sr_api_client_new (url, url, key, &error);
  g_assert_no_error (error);
  path = sr_cache_dup_account_path (NULL, sr_api_client_get_api_url (client), key);
  g_assert_true (g_str_has_prefix (path, shared.data_home));
  shared.cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  sync = sr_sync_new (client, shared.cache);
  sr_sync_run_async (sync, NULL, on_sync_done_cb, &result);
  sr_test_wait_until (result_set, &result, 120, "the fixture sync");
  g_assert_true (sr_sync_run_finish (sync, result, &summary, &error));
  g_assert_no_error (error);
}

static GStrv
core_search (const char * const *terms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  messages = sr_message_search (shared.cache, terms, SR_MESSAGE_SEARCH_DEFAULT_LIMIT, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    g_strv_builder_add (ids, sr_message_get_id (g_ptr_array_index (messages, i)));

  return g_strv_builder_end (ids);
}

static void
assert_strv_equal (const char * const *a,
                   const char * const *b)
{
  g_assert_cmpuint (g_strv_length ((GStrv) a), ==, g_strv_length ((GStrv) b));
  for (guint i = 0; a[i] != NULL; i++)
    g_assert_cmpstr (a[i], ==, b[i]);
}

static GStrv
call_result_set (GDBusProxy         *proxy,
                 const char         *method,
                 GVariant           *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GStrv ids = NULL;

  reply = g_dbus_proxy_call_sync (proxy, method, parameters, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(^as)", &ids);

  return ids;
}

/* Checks GetResultMetas for ids against the cached messages. */
static void
check_metas (GDBusProxy         *proxy,
             const char * const *ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) metas = NULL;

  reply = g_dbus_proxy_call_sync (proxy, "GetResultMetas", g_variant_new ("(^as)", ids),
                                  G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  metas = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (metas), ==, g_strv_length ((GStrv) ids));

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GVariant) meta = g_variant_get_child_value (metas, i);
      g_autoptr(SrMessage) message = sr_cache_get_message (shared.cache, ids[i], &error);
      g_autofree char *status = NULL;
      const char *id, *name, *description, *gicon;

      g_assert_no_error (error);
      g_assert_true (g_variant_lookup (meta, "id", "&s", &id));
      g_assert_true (g_variant_lookup (meta, "name", "&s", &name));
      g_assert_true (g_variant_lookup (meta, "description", "&s", &description));
      g_assert_true (g_variant_lookup (meta, "gicon", "&s", &gicon));
      g_assert_cmpstr (id, ==, ids[i]);
      /* The name is the recipient and sender, the description the status
       * (the translated name) and time. */
      g_assert_nonnull (strstr (name, sr_message_get_to (message)));
      g_assert_nonnull (strstr (name, sr_message_get_sender_id (message)));
      status = sr_status_dup_display_name (sr_message_get_status (message), sr_message_get_status_raw (message));
      g_assert_true (g_str_has_prefix (description, status));
      g_assert_cmpstr (gicon, ==, APPLICATION_ID);
    }
}

static gboolean
name_owned (gpointer data)
{
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (data, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APPLICATION_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply == NULL)
    return FALSE;

  return g_variant_get_boolean (g_variant_get_child_value (reply, 0));
}

static gboolean
name_free (gpointer data)
{
  return !name_owned (data);
}

/* --- the service Shell starts --- */

static void
test_service_answers_from_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusProxy) proxy = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) service = NULL;
  g_autofree char *path = provider_path ();
  const char *sender_terms[] = { "coffeelab", NULL };
  const char *number_terms[] = { NULL, NULL };
  const char *narrow_terms[] = { "coffeelab", "coffee", NULL };
  g_autoptr(SrMessage) newest = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) expected = NULL;
  g_auto(GStrv) narrowed = NULL;
  g_auto(GStrv) expected_narrowed = NULL;
  g_auto(GStrv) by_number = NULL;
  g_auto(GStrv) none = NULL;
  gint64 requests_before, requests_after;
  g_autoptr(GPtrArray) first = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", shared.data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "SMSTO_API_KEY", sr_test_sandbox_get_api_key (shared.sandbox), TRUE);
  service = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SR_APP_PATH"),
                                         "--gapplication-service",
                                         "--api-url", sr_test_sandbox_get_url (shared.sandbox),
                                         NULL);
  g_assert_no_error (error);
  sr_test_wait_until (name_owned, bus, 30, "the app's name on the bus");

  proxy = g_dbus_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                 NULL, APPLICATION_ID, path, PROVIDER_IFACE, NULL, &error);
  g_assert_no_error (error);

  sr_test_sandbox_get_counters (shared.sandbox, &requests_before, NULL);

  /* A sender id in another case. */
  ids = call_result_set (proxy, "GetInitialResultSet", g_variant_new ("(^as)", sender_terms));
  expected = core_search (sender_terms);
  g_assert_cmpuint (g_strv_length (ids), ==, SR_MESSAGE_SEARCH_DEFAULT_LIMIT);
  assert_strv_equal ((const char * const *) ids, (const char * const *) expected);
  check_metas (proxy, (const char * const *) ids);

  /* Narrowing while typing. */
  narrowed = call_result_set (proxy, "GetSubsearchResultSet",
                              g_variant_new ("(^as^as)", ids, narrow_terms));
  expected_narrowed = core_search (narrow_terms);
  assert_strv_equal ((const char * const *) narrowed, (const char * const *) expected_narrowed);

  /* The newest message by its number without the '+'. */
  first = sr_cache_query_messages (shared.cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  newest = g_object_ref (g_ptr_array_index (first, 0));
  g_assert_true (sr_message_get_to (newest)[0] == '+');
  number_terms[0] = sr_message_get_to (newest) + 1;
  by_number = call_result_set (proxy, "GetInitialResultSet", g_variant_new ("(^as)", number_terms));
  g_assert_cmpuint (g_strv_length (by_number), >=, 1);
  g_assert_cmpstr (by_number[0], ==, sr_message_get_id (newest));
  check_metas (proxy, (const char * const *) by_number);

  {
    const char *nothing[] = { "zzqqxx", NULL };

    none = call_result_set (proxy, "GetInitialResultSet", g_variant_new ("(^as)", nothing));
    g_assert_cmpuint (g_strv_length (none), ==, 0);
  }

  /* From the cache only. */
  sr_test_sandbox_get_counters (shared.sandbox, &requests_after, NULL);
  g_assert_cmpint (requests_after, ==, requests_before);

  g_subprocess_send_signal (service, SIGTERM);
  g_subprocess_wait (service, NULL, &error);
  g_assert_no_error (error);
  sr_test_wait_until (name_free, bus, 30, "the service to leave the bus");
}

/* --- the app in this process --- */

static gboolean
log_searching (gpointer data)
{
  SrWindow *window = sr_test_app_main_window (data);
  SrMessageList *list;
  const SrMessageFilter *filter;

  if (window == NULL || g_strcmp0 (sr_window_get_content_page (window), "messages") != 0)
    return FALSE;
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  if (list == NULL)
    return FALSE;
  filter = sr_message_list_get_filter (list);

  return filter != NULL && g_strcmp0 (filter->search, "spring offer") == 0;
}

static gboolean
campaign_window_shown (gpointer data)
{
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (SR_IS_CAMPAIGN_WINDOW (l->data) && gtk_widget_get_visible (l->data)
        && g_strcmp0 (sr_campaign_window_get_campaign_id (l->data), data) == 0)
      {
        g_list_free (l);
        return TRUE;
      }

  return FALSE;
}

static void
test_activate_opens_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApplication) app = NULL;
  g_autoptr(GDBusConnection) shell = NULL;
  g_autoptr(GDBusProxy) proxy = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *address = NULL;
  g_autofree char *path = provider_path ();
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  const char *terms[] = { "bank", "alert", NULL };
  const char *launch_terms[] = { "spring", "offer", NULL };
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) expected = NULL;
  SrTestDetailsWait wait;
  SrWindow *window;

  /* Where the app finds the account, as the service above did. */
  g_settings_set_string (settings, "api-url", sr_test_sandbox_get_url (shared.sandbox));
  g_settings_set_string (settings, "auth-url", sr_test_sandbox_get_url (shared.sandbox));
  g_setenv ("SMSTO_API_KEY", sr_test_sandbox_get_api_key (shared.sandbox), TRUE);

  app = sr_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  /* Shell is another client of the bus. */
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  shell = g_dbus_connection_new_for_address_sync (address,
                                                  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                  | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                  NULL, NULL, &error);
  g_assert_no_error (error);
  proxy = g_dbus_proxy_new_sync (shell, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                 NULL, APPLICATION_ID, path, PROVIDER_IFACE, NULL, &error);
  g_assert_no_error (error);

  /* No window yet: the provider opens the account's file itself. */
  reply = sr_test_dbus_call (proxy, "GetInitialResultSet", g_variant_new ("(^as)", terms));
  g_variant_get (reply, "(^as)", &ids);
  expected = core_search (terms);
  g_assert_cmpuint (g_strv_length (ids), >, 0);
  assert_strv_equal ((const char * const *) ids, (const char * const *) expected);
  g_assert_null (sr_test_app_main_window (app));
  g_clear_pointer (&reply, g_variant_unref);

  /* Activating a result opens the window on that message's details. */
  reply = sr_test_dbus_call (proxy, "ActivateResult",
                               g_variant_new ("(s^asu)", ids[1], terms, 0));
  wait.app = app;
  wait.message_id = ids[1];
  sr_test_wait_until (sr_test_message_details_shown, &wait, 60, "the message's details");
  window = sr_test_app_main_window (app);
  g_assert_nonnull (window);
  g_clear_pointer (&reply, g_variant_unref);

  /* With the window open, its cache answers. */
  g_clear_pointer (&ids, g_strfreev);
  reply = sr_test_dbus_call (proxy, "GetInitialResultSet", g_variant_new ("(^as)", terms));
  g_variant_get (reply, "(^as)", &ids);
  assert_strv_equal ((const char * const *) ids, (const char * const *) expected);
  g_clear_pointer (&reply, g_variant_unref);

  /* "Search in the app": the Messages Log with the search filled in. */
  adw_dialog_force_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)));
  reply = sr_test_dbus_call (proxy, "LaunchSearch", g_variant_new ("(^asu)", launch_terms, 0));
  sr_test_wait_until (log_searching, app, 30, "the Messages Log searching");

  /* What a "campaign done" notification opens. */
  {
    g_autoptr(GPtrArray) campaigns = sr_cache_query_campaigns (shared.cache, NULL, SR_CAMPAIGN_SORT_CREATED,
                                                               TRUE, 1, 0, &error);
    const char *campaign_id;

    g_assert_no_error (error);
    g_assert_cmpuint (campaigns->len, ==, 1);
    campaign_id = sr_campaign_get_id (g_ptr_array_index (campaigns, 0));
    g_action_group_activate_action (G_ACTION_GROUP (app), "show-campaign", g_variant_new_string (campaign_id));
    sr_test_wait_until (campaign_window_shown, (gpointer) campaign_id, 30, "the campaign's window");
  }

  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the window's sync");
  sr_test_window_close (window);
  g_settings_reset (settings, "api-url");
  g_settings_reset (settings, "auth-url");
  g_unsetenv ("SMSTO_API_KEY");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Before anything asks GLib for it: the app's default data folder. */
  shared.data_home = sr_test_make_tmpdir ("test-search-provider");
  g_setenv ("XDG_DATA_HOME", shared.data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display");
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  shared.sandbox = sr_test_sandbox_start ("--messages", "3000", "--campaigns", "30", "--seed", "11", NULL);
  sync_account ();

  g_test_add_func ("/search-provider/service-answers-from-cache", test_service_answers_from_cache);
  g_test_add_func ("/search-provider/activate-opens-details", test_activate_opens_details);

  ret = g_test_run ();

  sr_cache_close (shared.cache);
  g_clear_object (&shared.cache);
  g_clear_pointer (&shared.sandbox, sr_test_sandbox_free);
  sr_test_remove_tree (shared.data_home);
  g_free (shared.data_home);

  return ret;
}
