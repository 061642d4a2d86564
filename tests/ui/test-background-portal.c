/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-background-portal.c: what the real app asks the Background portal
 * when "Keep Refreshing in the Background" is switched, and what it does
 * with the answer. The app runs with SR_TEST_FLATPAK_PORTAL=1 (its test
 * hook: the Flatpak path outside Flatpak) and its real window under Xvfb,
 * against a sandbox account. A mock portal, on its own connection to the
 * test session's bus, owns org.freedesktop.portal.Desktop, exports
 * org.freedesktop.portal.Background at /org/freedesktop/portal/desktop,
 * records each RequestBackground's options, returns the request path made
 * of the caller's name and handle_token, and emits
 * org.freedesktop.portal.Request.Response there, granted or refused as
 * each test chooses. One test runs with no portal on the bus at all.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sr-application.h"
#include "sr-resources.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"

/* --- the mock portal --- */

typedef struct
{
  char     *sender;          /* the caller's unique name */
  char     *path;            /* the request path returned */
  char     *handle_token;
  char     *reason;
  gboolean  autostart;
  gboolean  dbus_activatable;
  char    **commandline;
} PortalRequest;

typedef struct
{
  GDBusConnection *connection;
  guint            registration;
  GPtrArray       *requests;   /* PortalRequest */
  /* The answer: Response's response code and its "background" result. */
  guint32          response;
  gboolean         background;
} MockPortal;

static const char background_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

static void
portal_request_free (gpointer data)
{
  PortalRequest *request = data;

  g_free (request->sender);
  g_free (request->path);
  g_free (request->handle_token);
  g_free (request->reason);
  g_strfreev (request->commandline);
  g_free (request);
}

static void
on_portal_method_cb (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  MockPortal *portal = user_data;
  PortalRequest *request = g_new0 (PortalRequest, 1);
  g_autoptr(GVariant) options = NULL;
  g_autofree char *escaped = NULL;
  GVariantBuilder results;
  const char *parent_window;

  g_assert_cmpstr (method_name, ==, "RequestBackground");
  g_variant_get (parameters, "(&s@a{sv})", &parent_window, &options);
  request->sender = g_strdup (sender);
  g_variant_lookup (options, "handle_token", "s", &request->handle_token);
  g_variant_lookup (options, "reason", "s", &request->reason);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &request->autostart));
  g_variant_lookup (options, "commandline", "^as", &request->commandline);
  g_variant_lookup (options, "dbus-activatable", "b", &request->dbus_activatable);
  g_assert_nonnull (request->handle_token);

  /* As xdg-desktop-portal does: the sender without ':', '.' made '_' */
  escaped = g_strdelimit (g_strdup (sender + 1), ".", '_');
  request->path = g_strdup_printf (PORTAL_PATH "/request/%s/%s", escaped, request->handle_token);
  g_ptr_array_add (portal->requests, request);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", request->path));

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (portal->background));
  g_variant_builder_add (&results, "{sv}", "autostart",
                         g_variant_new_boolean (portal->background && request->autostart));
  g_dbus_connection_emit_signal (connection, sender, request->path, "org.freedesktop.portal.Request",
                                 "Response", g_variant_new ("(ua{sv})", portal->response, &results), NULL);
}

static GVariant *
on_portal_get_property_cb (GDBusConnection *connection,
                           const char      *sender,
                           const char      *object_path,
                           const char      *interface_name,
                           const char      *property_name,
                           GError         **error,
                           gpointer         user_data)
{
  return g_variant_new_uint32 (2);
}

static const GDBusInterfaceVTable portal_vtable = { on_portal_method_cb, on_portal_get_property_cb, NULL, { 0 } };

/* Starts the mock on its own connection to the session bus and owns the
 * portal's name (fails the test if someone else owns it). */
static MockPortal *
mock_portal_start (guint32  response,
                   gboolean background)
{
  MockPortal *portal = g_new0 (MockPortal, 1);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (background_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;
  guint32 owned;

  g_assert_no_error (error);
  portal->requests = g_ptr_array_new_with_free_func (portal_request_free);
  portal->response = response;
  portal->background = background;
  portal->connection = g_dbus_connection_new_for_address_sync (address,
                                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                               | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                               NULL, NULL, &error);
  g_assert_no_error (error);
  portal->registration = g_dbus_connection_register_object (portal->connection, PORTAL_PATH,
                                                            info->interfaces[0], &portal_vtable,
                                                            portal, NULL, &error);
  g_assert_no_error (error);

  /* DBUS_NAME_FLAG_DO_NOT_QUEUE; 1: DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
  reply = g_dbus_connection_call_sync (portal->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", PORTAL_NAME, 4), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &owned);
  g_assert_cmpuint (owned, ==, 1);

  return portal;
}

static void
mock_portal_stop (MockPortal *portal)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_unregister_object (portal->connection, portal->registration);
  g_dbus_connection_close_sync (portal->connection, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (portal->connection);
  g_ptr_array_unref (portal->requests);
  g_free (portal);
}

static PortalRequest *
mock_portal_request (MockPortal *portal,
                     guint       i)
{
  g_assert_cmpuint (i, <, portal->requests->len);
  return g_ptr_array_index (portal->requests, i);
}

/* --- the app --- */

typedef struct
{
  SrTestSandbox  *sandbox;
  SrApplication  *app;
  GSettings      *settings;
  GtkWindow      *window;
  /* Request::Response signals seen on the app's own connection, by path.
   * The app subscribed before this test did, so when the test's callback
   * runs the app's has run too (both in the default main context, in the
   * order they subscribed). */
  GPtrArray      *responses;
  guint           subscription;
} Fixture;

static AdwDialog *
visible_dialog (Fixture *fixture)
{
  return adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (fixture->window));
}

static gboolean
session_idle (gpointer data)
{
  Fixture *fixture = data;

  return sr_test_window_session_idle (fixture->window);
}

static void
on_response_seen_cb (GDBusConnection *connection,
                     const char      *sender_name,
                     const char      *object_path,
                     const char      *interface_name,
                     const char      *signal_name,
                     GVariant        *parameters,
                     gpointer         user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->responses, g_strdup (object_path));
}

/* The real app with the Flatpak path taken, its window shown on a sandbox
 * account: one for all the tests (a second app in the process could not
 * export itself on the same connection while the first one lives). */
static Fixture app_fixture;

static void
fixture_set_up (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GList *windows;
  const char *url;

  fixture->sandbox = sr_test_sandbox_start ("--messages", "200", "--campaigns", "2", NULL);
  url = sr_test_sandbox_get_url (fixture->sandbox);
  fixture->settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (fixture->settings, "api-url", url);
  g_settings_set_string (fixture->settings, "auth-url", url);
  g_setenv ("SMSTO_API_KEY", sr_test_sandbox_get_api_key (fixture->sandbox), TRUE);
  g_setenv ("SR_TEST_FLATPAK_PORTAL", "1", TRUE);

  fixture->app = sr_application_new ();
  g_application_set_flags (G_APPLICATION (fixture->app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture->app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_settings_get_boolean (fixture->settings, "run-in-background"));

  g_application_activate (G_APPLICATION (fixture->app));
  windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  fixture->window = windows->data;
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  sr_test_wait_until (session_idle, fixture, 60, "the account to open and sync");

  fixture->responses = g_ptr_array_new_with_free_func (g_free);
  fixture->subscription =
    g_dbus_connection_signal_subscribe (g_application_get_dbus_connection (G_APPLICATION (fixture->app)),
                                        NULL, "org.freedesktop.portal.Request", "Response", NULL, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_response_seen_cb, fixture, NULL);
}

/* Each test starts with the setting off, no alert and no responses seen */
static void
fixture_reset (Fixture *fixture)
{
  if (visible_dialog (fixture) != NULL)
    adw_dialog_force_close (visible_dialog (fixture));
  g_assert_false (g_settings_get_boolean (fixture->settings, "run-in-background"));
  g_ptr_array_set_size (fixture->responses, 0);
}

static void
fixture_tear_down (Fixture *fixture)
{
  g_dbus_connection_signal_unsubscribe (g_application_get_dbus_connection (G_APPLICATION (fixture->app)),
                                        fixture->subscription);
  fixture_reset (fixture);
  g_clear_pointer (&fixture->responses, g_ptr_array_unref);
  sr_test_wait_until (session_idle, fixture, 60, "the sync to end");
  sr_test_window_close (fixture->window);
  g_clear_object (&fixture->app);

  g_settings_reset (fixture->settings, "run-in-background");
  g_settings_reset (fixture->settings, "api-url");
  g_settings_reset (fixture->settings, "auth-url");
  g_clear_object (&fixture->settings);
  g_unsetenv ("SMSTO_API_KEY");
  g_unsetenv ("SR_TEST_FLATPAK_PORTAL");
  g_clear_pointer (&fixture->sandbox, sr_test_sandbox_free);
}

typedef struct
{
  Fixture    *fixture;
  MockPortal *portal;
  guint       n;
} Answered;

/* The portal got n requests and the app's connection got their n
 * responses. */
static gboolean
answered (gpointer data)
{
  Answered *a = data;

  return a->portal->requests->len >= a->n && a->fixture->responses->len >= a->n;
}

static void
wait_answered (Fixture    *fixture,
               MockPortal *portal,
               guint       n)
{
  Answered a = { fixture, portal, n };

  sr_test_wait_until (answered, &a, 10, "the portal's requests and their responses");
  g_assert_cmpuint (portal->requests->len, ==, n);
  g_assert_cmpuint (fixture->responses->len, ==, n);
  /* Each response came on the path the portal returned for its request */
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->responses, i), ==, mock_portal_request (portal, i)->path);
}

/* What every request of the app carries: from the app's own connection,
 * a handle token of its own, a reason to show, the command line that
 * starts it hidden, not D-Bus activated. */
static void
assert_request (Fixture       *fixture,
                PortalRequest *request,
                gboolean       autostart)
{
  GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (fixture->app));

  g_assert_cmpstr (request->sender, ==, g_dbus_connection_get_unique_name (connection));
  g_assert_true (g_str_has_prefix (request->handle_token, "sms_reports_"));
  g_assert_nonnull (request->reason);
  g_assert_cmpuint (strlen (request->reason), >, 20);
  g_assert_cmpint (request->autostart, ==, autostart);
  g_assert_false (request->dbus_activatable);
  g_assert_nonnull (request->commandline);
  g_assert_cmpstr (request->commandline[0], ==, "sms-reports");
  g_assert_true (g_strv_contains ((const char * const *) request->commandline, "--background"));
}

static gboolean
dialog_shown (gpointer data)
{
  return visible_dialog (data) != NULL;
}

/* The alert, and in its body why: refused, or no portal to ask */
static void
assert_refused_alert (Fixture    *fixture,
                      const char *why)
{
  AdwDialog *dialog;

  sr_test_wait_until (dialog_shown, fixture, 10, "the refusal's alert");
  dialog = visible_dialog (fixture);
  g_assert_true (ADW_IS_ALERT_DIALOG (dialog));
  g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==, "Background Refresh Not Allowed");
  g_assert_nonnull (strstr (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)), why));
}

/* Granted: one request with autostart and the hidden command line; the
 * setting stays on and nothing is shown. Switched off: a request that
 * withdraws the autostart. */
static void
test_granted (void)
{
  MockPortal *portal;

  fixture_reset (&app_fixture);
  portal = mock_portal_start (0, TRUE);

  g_settings_set_boolean (app_fixture.settings, "run-in-background", TRUE);
  wait_answered (&app_fixture, portal, 1);
  assert_request (&app_fixture, mock_portal_request (portal, 0), TRUE);
  g_assert_true (g_settings_get_boolean (app_fixture.settings, "run-in-background"));
  g_assert_null (visible_dialog (&app_fixture));

  g_settings_set_boolean (app_fixture.settings, "run-in-background", FALSE);
  wait_answered (&app_fixture, portal, 2);
  assert_request (&app_fixture, mock_portal_request (portal, 1), FALSE);
  g_assert_cmpstr (mock_portal_request (portal, 0)->handle_token, !=, mock_portal_request (portal, 1)->handle_token);
  g_assert_false (g_settings_get_boolean (app_fixture.settings, "run-in-background"));
  g_assert_null (visible_dialog (&app_fixture));

  mock_portal_stop (portal);
}

/* Refused (by the response code, or by background=false in a success):
 * the setting goes back off, which withdraws the autostart again, and the
 * alert says so. */
static void
run_refused (guint32  response,
             gboolean background)
{
  MockPortal *portal;

  fixture_reset (&app_fixture);
  portal = mock_portal_start (response, background);

  g_settings_set_boolean (app_fixture.settings, "run-in-background", TRUE);
  assert_refused_alert (&app_fixture, "The system did not allow");
  g_assert_false (g_settings_get_boolean (app_fixture.settings, "run-in-background"));
  g_assert_false (gtk_window_get_hide_on_close (app_fixture.window));
  wait_answered (&app_fixture, portal, 2);
  assert_request (&app_fixture, mock_portal_request (portal, 0), TRUE);
  assert_request (&app_fixture, mock_portal_request (portal, 1), FALSE);
  g_assert_false (g_settings_get_boolean (app_fixture.settings, "run-in-background"));

  mock_portal_stop (portal);
}

static void
test_refused_response (void)
{
  run_refused (1, FALSE);
}

static void
test_refused_background (void)
{
  run_refused (0, FALSE);
}

static gboolean
setting_off (gpointer data)
{
  return !g_settings_get_boolean (data, "run-in-background");
}

/* No portal on the bus (and none to start): the call fails, the setting
 * goes back off and the alert says there was no portal to ask. */
static void
test_no_portal (void)
{
  GDBusConnection *connection;
  g_autoptr(GVariant) owned = NULL;
  gboolean has_owner = TRUE;
  g_autoptr(GVariant) activatable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **names = NULL;

  fixture_reset (&app_fixture);
  connection = g_application_get_dbus_connection (G_APPLICATION (app_fixture.app));
  owned = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", PORTAL_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (owned, "(b)", &has_owner);
  g_assert_false (has_owner);
  activatable = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                             G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (activatable, "(^a&s)", &names);
  g_assert_false (g_strv_contains (names, PORTAL_NAME));

  g_settings_set_boolean (app_fixture.settings, "run-in-background", TRUE);
  sr_test_wait_until (setting_off, app_fixture.settings, 30, "the setting to go back off");
  assert_refused_alert (&app_fixture, "portal service (xdg-desktop-portal) is not running");
  g_assert_false (gtk_window_get_hide_on_close (app_fixture.window));
  g_assert_cmpuint (app_fixture.responses->len, ==, 0);
  /* The withdrawal that follows fails too, and shows nothing more */
  sr_test_spin (200);
  g_assert_false (g_settings_get_boolean (app_fixture.settings, "run-in-background"));
}

/* Known: libadwaita 1.7 measures the alert's label below its minimum
 * width ("Trying to measure GtkLabel for width of 324, but it needs at
 * least 338") when this heading and body are shown together, in any
 * window. Only that warning is let through; all else goes to the default
 * writer, where warnings stay fatal in tests. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
    }
  if ((log_level & G_LOG_LEVEL_WARNING) != 0 && g_strcmp0 (domain, "Gtk") == 0 && message != NULL
      && g_str_has_prefix (message, "Trying to measure GtkLabel"))
    {
      g_test_message ("Known libadwaita layout warning: %s", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display");
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  g_test_add_func ("/background-portal/granted", test_granted);
  g_test_add_func ("/background-portal/refused-response", test_refused_response);
  g_test_add_func ("/background-portal/refused-background", test_refused_background);
  g_test_add_func ("/background-portal/no-portal", test_no_portal);

  fixture_set_up (&app_fixture);
  status = g_test_run ();
  fixture_tear_down (&app_fixture);

  return status;
}
