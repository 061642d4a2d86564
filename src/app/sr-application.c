/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-application.c: starts SMS Reports. --api-url, --auth-url and
 * --data-dir point a run at another server and data folder (tests, the
 * demo, the sandbox); SMSTO_API_KEY gives a key for this run only, never
 * stored. A run with its own data folder is not unique, so a demo can run
 * beside the real app.
 *
 * On its D-Bus connection the app also exports GNOME Shell's search
 * provider (sr-search-provider.c); app.show-message and app.search-messages
 * are what a search result and "search in the app" open.
 *
 * "Keep Refreshing in the Background" (run-in-background): closing the
 * main window then destroys it, but its open account stays: the session
 * (which keeps syncing on the automatic refresh timer, which is what makes
 * notifications arrive) and its notifier move into an SrWindowKept the
 * application holds itself for; the next window (activation, a
 * notification, a Shell search result) takes them over without opening the
 * account again. Turning the setting off with no window ends the app. In
 * Flatpak the app asks the
 * Background portal first (with autostart: --background starts it at login
 * without showing the window); a refusal turns the setting off again and
 * says why.
 */
#define G_LOG_DOMAIN "sr-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "sr-application.h"
#include "sr-core.h"
#include "sr-credentials.h"
#include "sr-legend-window.h"
#include "sr-preferences-dialog.h"
#include "sr-search-provider.h"
#include "sr-window.h"
#include "sr-window-private.h"

struct _SrApplication
{
  AdwApplication  parent_instance;

  char           *api_url;
  char           *auth_url;
  char           *data_dir;
  char           *env_api_key;   /* wiped on free */
  GtkWidget      *legend_window;
  SrSearchProvider *search_provider;
  GSettings      *settings;
  gboolean        start_hidden;   /* --background */
  SrWindowKept   *kept;          /* the account of the window closed into the background */
  gulong          kept_sync_id;
  guint           kept_release_id;
  guint           hidden_start_id;
  guint           memory_releases;
  gboolean        quitting;
};

G_DEFINE_FINAL_TYPE (SrApplication, sr_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "api-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address of the SMS.to reporting API"), N_("URL") },
  { "auth-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address of the SMS.to account API"), N_("URL") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Folder for downloaded reports"), N_("FOLDER") },
  { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start without a window and keep refreshing in the background, if that is turned on in Preferences"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static GtkWindow *
get_main_window (SrApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SR_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static int
sr_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  SrApplication *self = SR_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("sms-reports %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "api-url", "s", &self->api_url);
  g_variant_dict_lookup (options, "auth-url", "s", &self->auth_url);
  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir);
  self->start_hidden = g_variant_dict_contains (options, "background");

  /* A separate data folder is a separate instance (demo next to real use). */
  if (self->data_dir != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (sr_application_parent_class)->handle_local_options (app, options);
}

/* --- idle in the background --- */

static void
release_memory_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  guint closed = sr_cache_release_memory (task_data);

#ifdef __GLIBC__
  malloc_trim (0);
#endif
  g_debug ("Background: closed %u idle read connections, trimmed the heap", closed);
  g_task_return_boolean (task, TRUE);
}

static void
release_memory_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SrApplication *self = SR_APPLICATION (object);

  if (g_task_propagate_boolean (G_TASK (result), NULL))
    self->memory_releases++;
}

/* What the cache's idle readers hold (their page caches) and the heap's
 * free pages go back to the system, on a worker thread (closing files). */
static void
release_memory (SrApplication *self,
                SrSession     *session)
{
  g_autoptr(GTask) task = NULL;
  SrCache *cache = sr_session_get_cache (session);

  if (cache == NULL)
    return;

  task = g_task_new (self, NULL, release_memory_done_cb, NULL);
  g_task_set_source_tag (task, release_memory);
  g_task_set_task_data (task, g_object_ref (cache), g_object_unref);
  g_task_run_in_thread (task, release_memory_thread);
}

/* After a sync the account's readers have been used: release them again
 * once the campaign index and any late reads are done. */
#define RELEASE_AFTER_SYNC_SECONDS 5

static gboolean
release_after_sync_cb (gpointer user_data)
{
  SrApplication *self = user_data;

  self->kept_release_id = 0;
  if (self->kept != NULL)
    release_memory (self, sr_window_kept_get_session (self->kept));

  return G_SOURCE_REMOVE;
}

static void
on_kept_sync_finished_cb (SrSession     *session,
                          gpointer       summary,
                          GError        *error,
                          gboolean       user_requested,
                          SrApplication *self)
{
  if (self->kept_release_id == 0)
    self->kept_release_id = g_timeout_add_seconds (RELEASE_AFTER_SYNC_SECONDS, release_after_sync_cb, self);
}

/* The account kept open leaves the application, for a new window or to
 * be closed; the caller then releases the application's hold for it
 * (release_kept_hold()), once a window holds the application instead. */
static SrWindowKept *
take_kept (SrApplication *self)
{
  SrWindowKept *kept = g_steal_pointer (&self->kept);

  g_clear_handle_id (&self->kept_release_id, g_source_remove);
  if (kept != NULL)
    g_clear_signal_handler (&self->kept_sync_id, sr_window_kept_get_session (kept));

  return kept;
}

static void
release_kept_hold (SrApplication *self)
{
  g_application_release (G_APPLICATION (self));
}

/* The closed window is gone: its widgets, lists and pages with it. */
static void
on_closed_window_gone_cb (gpointer  user_data,
                          GObject  *where_the_window_was)
{
  g_autoptr(SrApplication) self = user_data;

  if (self->kept != NULL)
    release_memory (self, sr_window_kept_get_session (self->kept));
}

/* Keeps window's account open without the window, which is then
 * destroyed: the session (its refresh timer, a sync under way) and its
 * notifier go on; the application holds itself until a window takes them
 * again or background refresh is turned off. */
static gboolean
keep_in_background (SrApplication *self,
                    GtkWindow     *window)
{
  SrWindowKept *kept;

  if (self->kept != NULL || self->quitting ||
      !g_settings_get_boolean (self->settings, "run-in-background"))
    return FALSE;

  kept = sr_window_keep_session (SR_WINDOW (window));
  if (kept == NULL)
    return FALSE;

  g_debug ("Background: the window closes, its account stays open");
  g_application_hold (G_APPLICATION (self));
  self->kept = kept;
  self->kept_sync_id = g_signal_connect_object (sr_window_kept_get_session (kept), "sync-finished",
                                                G_CALLBACK (on_kept_sync_finished_cb), self, 0);
  g_object_weak_ref (G_OBJECT (window), on_closed_window_gone_cb, g_object_ref (self));

  return TRUE;
}

/* Runs after the window saved its size and page: in the background, its
 * account stays and the window itself is destroyed as usual. */
static gboolean
on_main_window_close_request_cb (GtkWindow     *window,
                                 SrApplication *self)
{
  keep_in_background (self, window);

  return FALSE;
}

/* --background: the window opens the account unseen; once it has, the
 * account stays and the window goes. */
static gboolean
hidden_start_cb (gpointer user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = get_main_window (self);

  self->hidden_start_id = 0;
  if (window != NULL && !gtk_widget_get_visible (GTK_WIDGET (window)) &&
      keep_in_background (self, window))
    gtk_window_destroy (window);

  return G_SOURCE_REMOVE;
}

static void
on_main_window_session_cb (GtkWindow     *window,
                           GParamSpec    *pspec,
                           SrApplication *self)
{
  /* Not inside the window's own opening: from the main loop. */
  if (!gtk_widget_get_visible (GTK_WIDGET (window)) && self->hidden_start_id == 0 &&
      sr_window_get_session (SR_WINDOW (window)) != NULL)
    self->hidden_start_id = g_idle_add (hidden_start_cb, self);
}

static GtkWindow *
ensure_main_window (SrApplication *self)
{
  GtkWindow *window = get_main_window (self);

  if (window == NULL)
    {
      SrWindowKept *kept = take_kept (self);

      /* The account kept open in the background: no second opening, no
       * second sync. The window holds the application from now on. */
      if (kept != NULL)
        {
          window = GTK_WINDOW (sr_window_new_for_kept (GTK_APPLICATION (self), self->data_dir, kept));
          release_kept_hold (self);
        }
      else
        window = GTK_WINDOW (sr_window_new (GTK_APPLICATION (self),
                                            self->api_url,
                                            self->auth_url,
                                            self->data_dir,
                                            self->env_api_key));
      g_signal_connect_object (window, "close-request",
                               G_CALLBACK (on_main_window_close_request_cb), self, G_CONNECT_AFTER);
      g_signal_connect_object (window, "notify::session",
                               G_CALLBACK (on_main_window_session_cb), self, 0);
    }

  return window;
}

static void
sr_application_activate (GApplication *app)
{
  SrApplication *self = SR_APPLICATION (app);

  /* Started at login: the window (and its session) without showing it;
   * nothing at all when background refresh was turned off since. */
  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      if (g_settings_get_boolean (self->settings, "run-in-background"))
        ensure_main_window (self);
      return;
    }

  gtk_window_present (ensure_main_window (self));
}

/* SR_TEST_FLATPAK_PORTAL=1 is a test hook, for tests only: the app then
 * takes the Flatpak path (asks the Background portal) outside Flatpak, so
 * tests/ui/test-background-portal.c can answer it with a mock portal. */
static gboolean
is_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)
         || g_strcmp0 (g_getenv ("SR_TEST_FLATPAK_PORTAL"), "1") == 0;
}

/* error: why the call failed (NULL: the portal answered no) */
static void
show_background_refused (SrApplication *self,
                         const GError  *error)
{
  GtkWindow *window = get_main_window (self);
  AdwDialog *dialog;
  gboolean no_portal;

  g_debug ("Background refresh refused: %s", error != NULL ? error->message : "by the user or the system");
  g_settings_set_boolean (self->settings, "run-in-background", FALSE);

  if (window == NULL || !gtk_widget_get_visible (GTK_WIDGET (window)))
    return;
  /* Nobody to ask: no portal on the bus, or one without Background */
  no_portal = error != NULL
              && (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
                  || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
                  || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE)
                  || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
                  || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT));
  dialog = adw_alert_dialog_new (_("Background Refresh Not Allowed"),
                                 no_portal
                                 ? _("SMS Reports could not ask the system to let it run in the background: the desktop’s portal service (xdg-desktop-portal) is not running. So it stops when its window is closed. Turn it on again in Preferences once that service runs.")
                                 : _("The system did not allow SMS Reports to run in the background, so it stops when its window is closed. You can allow it in the system’s settings for apps and then turn it on again in Preferences."));
  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "close", _("_Close"));
  adw_dialog_present (dialog, GTK_WIDGET (window));
}

typedef struct
{
  SrApplication   *self;
  GDBusConnection *connection;
  guint            subscription;
  gboolean         wanted;
} BackgroundRequest;

static void
background_request_free (BackgroundRequest *request)
{
  if (request->subscription != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->subscription);
  g_object_unref (request->connection);
  g_object_unref (request->self);
  g_free (request);
}

/* org.freedesktop.portal.Request::Response (u response, a{sv} results) */
static void
on_background_response_cb (GDBusConnection *connection,
                           const char      *sender_name,
                           const char      *object_path,
                           const char      *interface_name,
                           const char      *signal_name,
                           GVariant        *parameters,
                           gpointer         user_data)
{
  BackgroundRequest *request = user_data;
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean background = FALSE;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    {
      g_variant_get (parameters, "(u@a{sv})", &response, &results);
      g_variant_lookup (results, "background", "b", &background);
    }

  if (request->wanted && (response != 0 || !background))
    show_background_refused (request->self, NULL);

  background_request_free (request);
}

static void
on_background_called_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  BackgroundRequest *request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* No answer will come: without the portal's permission the sandbox
       * may stop the app, so the setting cannot stay on. */
      if (request->wanted)
        show_background_refused (request->self, error);
      background_request_free (request);
    }
}

/* org.freedesktop.portal.Background.RequestBackground: wanted asks to run
 * in the background and start at login; !wanted withdraws the autostart. */
static void
request_background (SrApplication *self,
                    gboolean       wanted)
{
  GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (self));
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *handle = NULL;
  const char *commandline[] = { "sms-reports", "--background", NULL };
  BackgroundRequest *request;
  GVariantBuilder options;

  if (connection == NULL)
    return;

  /* The request's object path is known before the call, so the answer
   * cannot come before we listen. */
  sender = g_strdelimit (g_strdup (g_dbus_connection_get_unique_name (connection) + 1), ".", '_');
  token = g_strdup_printf ("sms_reports_%u", g_random_int ());
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);

  request = g_new0 (BackgroundRequest, 1);
  request->self = g_object_ref (self);
  request->connection = g_object_ref (connection);
  request->wanted = wanted;
  request->subscription =
    g_dbus_connection_signal_subscribe (connection, "org.freedesktop.portal.Desktop",
                                        "org.freedesktop.portal.Request", "Response",
                                        handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_background_response_cb, request, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keeps your SMS.to reports up to date and notifies you when a campaign is done or the balance is low, also when the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (wanted));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (connection, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_background_called_cb, request);
}

static void
on_run_in_background_cb (SrApplication *self)
{
  gboolean on = g_settings_get_boolean (self->settings, "run-in-background");
  GtkWindow *window = get_main_window (self);

  /* Off with the window closed: nothing is left to keep the app. */
  if (!on && self->kept != NULL)
    {
      sr_window_kept_free (take_kept (self));
      release_kept_hold (self);
    }
  if (!on && window != NULL && !gtk_widget_get_visible (GTK_WIDGET (window)))
    gtk_window_destroy (window);

  if (is_flatpak ())
    request_background (self, on);
}

static void
read_env_api_key (SrApplication *self)
{
  const char *key;

  if (self->env_api_key != NULL)
    return;

  /* For this run only: handed to the window, never stored. */
  key = g_getenv ("SMSTO_API_KEY");
  if (key != NULL && *key != '\0')
    self->env_api_key = g_strdup (key);
}

static void
sr_application_startup (GApplication *app)
{
  SrApplication *self = SR_APPLICATION (app);

  G_APPLICATION_CLASS (sr_application_parent_class)->startup (app);

  read_env_api_key (self);
  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (on_run_in_background_cb), self, G_CONNECT_SWAPPED);
}

static gboolean
sr_application_dbus_register (GApplication     *app,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  SrApplication *self = SR_APPLICATION (app);
  g_autofree char *path = NULL;

  if (!G_APPLICATION_CLASS (sr_application_parent_class)->dbus_register (app, connection, object_path, error))
    return FALSE;

  /* Searches can come before startup has run. */
  read_env_api_key (self);

  path = g_strconcat (object_path, SR_SEARCH_PROVIDER_PATH_SUFFIX, NULL);
  self->search_provider = sr_search_provider_new (self);
  if (!sr_search_provider_export (self->search_provider, connection, path, error))
    {
      g_clear_object (&self->search_provider);
      return FALSE;
    }

  return TRUE;
}

static void
sr_application_dbus_unregister (GApplication    *app,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  SrApplication *self = SR_APPLICATION (app);

  if (self->search_provider != NULL)
    {
      sr_search_provider_unexport (self->search_provider);
      g_clear_object (&self->search_provider);
    }

  G_APPLICATION_CLASS (sr_application_parent_class)->dbus_unregister (app, connection, object_path);
}

static void
sr_application_finalize (GObject *object)
{
  SrApplication *self = SR_APPLICATION (object);

  g_clear_handle_id (&self->hidden_start_id, g_source_remove);
  g_clear_handle_id (&self->kept_release_id, g_source_remove);
  g_clear_pointer (&self->kept, sr_window_kept_free);
  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->auth_url, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->env_api_key, sr_credentials_free_key);
  g_clear_object (&self->search_provider);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_application_parent_class)->finalize (object);
}

static void
sr_application_class_init (SrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sr_application_finalize;
  app_class->activate = sr_application_activate;
  app_class->startup = sr_application_startup;
  app_class->handle_local_options = sr_application_handle_local_options;
  app_class->dbus_register = sr_application_dbus_register;
  app_class->dbus_unregister = sr_application_dbus_unregister;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SrApplication *self = user_data;

  /* Close windows properly so the main window saves its state; nothing
   * stays in the background. */
  self->quitting = TRUE;
  if (self->kept != NULL)
    {
      sr_window_kept_free (take_kept (self));
      release_kept_hold (self);
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SrApplication *self = user_data;

  GtkWidget *dialog = sr_preferences_dialog_new ();
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  sr_preferences_dialog_set_urls_in_use (SR_PREFERENCES_DIALOG (dialog), self->api_url, self->auth_url);
  if (SR_IS_WINDOW (window))
    sr_preferences_dialog_set_window (SR_PREFERENCES_DIALOG (dialog), SR_WINDOW (window));
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
}

static void
legend_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SrApplication *self = user_data;

  if (self->legend_window == NULL)
    {
      self->legend_window = sr_legend_window_new ();
      gtk_window_set_application (GTK_WINDOW (self->legend_window), GTK_APPLICATION (self));
      g_object_add_weak_pointer (G_OBJECT (self->legend_window), (gpointer *) &self->legend_window);
    }

  gtk_window_set_transient_for (GTK_WINDOW (self->legend_window),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (self->legend_window));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SrApplication *self = user_data;
  static const char *developers[] = { "The SMS Reports contributors", NULL };
  AdwDialog *about;

  about = g_object_new (ADW_TYPE_ABOUT_DIALOG,
                        "application-name", _("SMS Reports"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The SMS Reports contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Read the delivery reports of the SMS you send through SMS.to: every message, every campaign and what each status means — also offline."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_dialog_add_legal_section (ADW_ABOUT_DIALOG (about),
                                      _("SMS.to"),
                                      NULL,
                                      GTK_LICENSE_CUSTOM,
                                      _("SMS Reports is not made by SMS.to. It uses the public SMS.to API with your own API key."));
  adw_dialog_present (about, GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

/* A search result in GNOME Shell: the message's details, in the window
 * (opened on the account first when it was not). */
static void
show_message_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = ensure_main_window (self);

  gtk_window_present (window);
  sr_window_show_message (SR_WINDOW (window), g_variant_get_string (parameter, NULL));
}

/* "Search in the app" from GNOME Shell: the Messages Log with the search
 * filled in. */
static void
search_messages_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = ensure_main_window (self);

  gtk_window_present (window);
  sr_window_search_messages (SR_WINDOW (window), g_variant_get_string (parameter, NULL));
}

/* A "campaign done" notification: that campaign's window. */
static void
show_campaign_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = ensure_main_window (self);

  gtk_window_present (window);
  if (sr_window_get_session (SR_WINDOW (window)) != NULL)
    sr_window_open_campaign (SR_WINDOW (window), g_variant_get_string (parameter, NULL));
}

/* A "Balance low" notification: the Dashboard, with the Balance card. */
static void
show_dashboard_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = ensure_main_window (self);

  gtk_window_present (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dashboard");
}

/* A "Delivery Rate Dropped" notification: the messages of that hour that
 * did not arrive, in the Messages Log. */
static void
show_undelivered_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = ensure_main_window (self);
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

  g_variant_get (parameter, "(xx)", &filter->from, &filter->to);
  filter->status_mask = sr_status_not_arrived_mask ();
  gtk_window_present (window);
  sr_window_show_messages (SR_WINDOW (window), filter);
}

static const GActionEntry app_actions[] = {
  { "show-undelivered", show_undelivered_activated, "(xx)", NULL, NULL },
  { "show-dashboard", show_dashboard_activated, NULL, NULL, NULL },
  { "show-message", show_message_activated, "s", NULL, NULL },
  { "show-campaign", show_campaign_activated, "s", NULL, NULL },
  { "search-messages", search_messages_activated, "s", NULL, NULL },
  { "quit", quit_activated, NULL, NULL, NULL },
  { "preferences", preferences_activated, NULL, NULL, NULL },
  { "legend", legend_activated, NULL, NULL, NULL },
  { "about", about_activated, NULL, NULL, NULL },
};

static void
sr_application_init (SrApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  /* A comma on a key cap is easily read as a full stop, so Ctrl+. opens
   * Preferences as well. */
  static const char *preferences_accels[] = { "<Control>comma", "<Control>period", NULL };

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Delivery reports of your SMS.to account. The environment variable SMSTO_API_KEY gives a key for this run only."));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

const char *
sr_application_get_api_url (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);

  return self->api_url;
}

const char *
sr_application_get_data_dir (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

/* The session of the account kept open in the background with no window;
 * NULL otherwise. */
SrSession *
sr_application_get_background_session (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);

  return self->kept != NULL ? sr_window_kept_get_session (self->kept) : NULL;
}

SrCampaignNotifier *
sr_application_get_background_notifier (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);

  return self->kept != NULL ? sr_window_kept_get_notifier (self->kept) : NULL;
}

guint
sr_application_get_memory_releases (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), 0);

  return self->memory_releases;
}

const char *
sr_application_get_env_api_key (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);

  return self->env_api_key;
}

SrApplication *
sr_application_new (void)
{
  return g_object_new (SR_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* Started by Shell only to search, stay for the next
                       * keystrokes instead of starting again for each. */
                       "inactivity-timeout", 30000,
                       /* The .Devel build shares the resources of the normal one. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
