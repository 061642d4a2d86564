/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-search-provider.c: answers GNOME Shell's searches
 * (org.gnome.Shell.SearchProvider2) from the cache of the signed-in
 * account, with sr_message_search() on a worker thread, never the network.
 *
 * The cache is the open window's when there is one. When Shell started the
 * app only to search (D-Bus activation, no window), the provider finds the
 * account the window would open (the key from SMSTO_API_KEY or the
 * keyring, the same file name) and opens that file itself; it never
 * creates one, and closes it after a minute without searches or as soon as
 * a window has the account open. Each call holds the application so a
 * service started for a search lives until it has answered.
 *
 * A result is a message id; its name is the recipient and sender, its
 * description the status and time. Activating one runs app.show-message,
 * "search in the app" runs app.search-messages.
 */
#define G_LOG_DOMAIN "sr-search-provider"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-core.h"
#include "sr-format.h"
#include "sr-search-provider.h"
#include "sr-session.h"
#include "sr-window-private.h"

#define OWN_CACHE_IDLE_SECONDS 60

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.gnome.Shell.SearchProvider2'>"
  "    <method name='GetInitialResultSet'>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='as' name='results' direction='out'/>"
  "    </method>"
  "    <method name='GetSubsearchResultSet'>"
  "      <arg type='as' name='previous_results' direction='in'/>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='as' name='results' direction='out'/>"
  "    </method>"
  "    <method name='GetResultMetas'>"
  "      <arg type='as' name='identifiers' direction='in'/>"
  "      <arg type='aa{sv}' name='metas' direction='out'/>"
  "    </method>"
  "    <method name='ActivateResult'>"
  "      <arg type='s' name='identifier' direction='in'/>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "    <method name='LaunchSearch'>"
  "      <arg type='as' name='terms' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

struct _SrSearchProvider
{
  GObject          parent_instance;

  SrApplication   *application;     /* unowned: the application owns us */
  GDBusConnection *connection;
  guint            registration_id;

  SrCache         *own_cache;       /* when no window has the account open */
  char            *own_cache_path;
  char            *account_api_url; /* of the account being opened */
  guint            own_cache_timeout;
  GPtrArray       *waiting;         /* GTask waiting for the cache to open */
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (SrSearchProvider, sr_search_provider, G_TYPE_OBJECT)

/* --- which cache --- */

static SrCache *
get_window_cache (SrSearchProvider *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self->application));

  for (GList *l = windows; l != NULL; l = l->next)
    {
      SrSession *session;

      if (!SR_IS_WINDOW (l->data))
        continue;
      session = sr_window_get_session (l->data);
      if (session != NULL)
        return sr_session_get_cache (session);
    }

  /* The window closed, its account kept open in the background. */
  if (sr_application_get_background_session (self->application) != NULL)
    return sr_session_get_cache (sr_application_get_background_session (self->application));

  return NULL;
}

static void
close_own_cache (SrSearchProvider *self)
{
  g_clear_handle_id (&self->own_cache_timeout, g_source_remove);
  if (self->own_cache != NULL)
    {
      g_debug ("Closing the reports opened for searching");
      sr_cache_close (self->own_cache);
      g_clear_object (&self->own_cache);
    }
}

static gboolean
own_cache_timeout_cb (gpointer user_data)
{
  SrSearchProvider *self = user_data;

  self->own_cache_timeout = 0;
  close_own_cache (self);

  return G_SOURCE_REMOVE;
}

static void
finish_waiting (SrSearchProvider *self)
{
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->waiting);

  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      /* NULL without error: no account, or nothing downloaded yet. */
      g_task_return_pointer (task,
                             self->own_cache != NULL ? g_object_ref (self->own_cache) : NULL,
                             g_object_unref);
    }
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  SrCache *cache;

  /* A search never creates reports that were never downloaded. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  cache = sr_cache_open (path, &error);
  if (cache == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, cache, g_object_unref);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SrSearchProvider) self = user_data;
  g_autoptr(GError) error = NULL;
  SrCache *cache;

  cache = g_task_propagate_pointer (G_TASK (result), &error);
  if (error != NULL)
    g_debug ("Cannot open the reports for searching: %s", error->message);

  /* A window may have opened the account meanwhile: use its cache. */
  if (cache != NULL && get_window_cache (self) != NULL)
    {
      sr_cache_close (cache);
      g_clear_object (&cache);
    }
  else if (cache != NULL)
    {
      self->own_cache = cache;
      self->own_cache_timeout = g_timeout_add_seconds (OWN_CACHE_IDLE_SECONDS, own_cache_timeout_cb, self);
    }

  finish_waiting (self);
}

static void
open_own_cache (SrSearchProvider *self,
                const char       *api_url,
                const char       *api_key)
{
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  client = sr_api_client_new (api_url, NULL, api_key, &error);
  if (client == NULL)
    {
      g_debug ("No reports to search: %s", error->message);
      finish_waiting (self);
      return;
    }

  g_free (self->own_cache_path);
  self->own_cache_path = sr_session_build_cache_path (sr_api_client_get_api_url (client), api_key,
                                                      sr_application_get_data_dir (self->application));

  task = g_task_new (NULL, self->cancellable, open_cb, g_object_ref (self));
  g_task_set_source_tag (task, open_own_cache);
  g_task_set_task_data (task, g_strdup (self->own_cache_path), g_free);
  g_task_run_in_thread (task, open_thread);
}

static char *
dup_api_url (SrSearchProvider *self)
{
  g_autoptr(GSettings) settings = NULL;

  if (sr_application_get_api_url (self->application) != NULL)
    return g_strdup (sr_application_get_api_url (self->application));

  settings = g_settings_new (APPLICATION_ID);
  return g_settings_get_string (settings, "api-url");
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrSearchProvider) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = NULL;
  char *key;

  key = sr_credentials_lookup_finish (result, &error);
  if (key == NULL)
    {
      if (error != NULL)
        g_debug ("Keyring lookup for searching failed: %s", error->message);
      finish_waiting (self);
      return;
    }

  api_url = dup_api_url (self);
  open_own_cache (self, api_url, key);
  sr_credentials_free_key (key);
}

/* The account the window would open: the one used last. */
static void
account_key_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SrSearchProvider) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = sr_credentials_lookup_account_finish (result, &error);
  if (key == NULL)
    {
      if (error != NULL)
        g_debug ("Keyring lookup for searching failed: %s", error->message);
      finish_waiting (self);
      return;
    }

  open_own_cache (self, self->account_api_url, key);
  sr_credentials_free_key (key);
}

static void
accounts_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrSearchProvider) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  g_autofree char *api_url = NULL;
  const SrAccount *current;

  accounts = sr_accounts_load_finish (result, &error);
  current = accounts != NULL ? sr_accounts_get_current (accounts) : NULL;
  if (current != NULL)
    {
      g_free (self->account_api_url);
      self->account_api_url = g_strdup (sr_account_get_api_url (current));
      sr_credentials_lookup_account_async (sr_account_get_id (current), self->cancellable,
                                           account_key_cb, g_object_ref (self));
      return;
    }
  if (error != NULL)
    g_debug ("No accounts to search: %s", error->message);

  /* No accounts yet: the key of an earlier release, which the window
   * moves to an account when it opens (not here, so the two never race). */
  api_url = dup_api_url (self);
  sr_credentials_lookup_async (api_url, self->cancellable, lookup_cb, g_object_ref (self));
}

static void
get_cache_async (SrSearchProvider    *self,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, user_data);
  SrCache *cache = get_window_cache (self);
  const char *env_key;
  g_autofree char *api_url = NULL;

  g_task_set_source_tag (task, get_cache_async);

  if (cache != NULL)
    {
      close_own_cache (self);
      g_task_return_pointer (task, g_object_ref (cache), g_object_unref);
      return;
    }

  if (self->own_cache != NULL)
    {
      g_clear_handle_id (&self->own_cache_timeout, g_source_remove);
      self->own_cache_timeout = g_timeout_add_seconds (OWN_CACHE_IDLE_SECONDS, own_cache_timeout_cb, self);
      g_task_return_pointer (task, g_object_ref (self->own_cache), g_object_unref);
      return;
    }

  if (self->waiting != NULL)
    {
      g_ptr_array_add (self->waiting, g_steal_pointer (&task));
      return;
    }

  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->waiting, g_steal_pointer (&task));

  api_url = dup_api_url (self);
  env_key = sr_application_get_env_api_key (self->application);
  if (env_key != NULL)
    open_own_cache (self, api_url, env_key);
  else
    sr_accounts_load_async (sr_application_get_data_dir (self->application), NULL, NULL,
                            self->cancellable, accounts_cb, g_object_ref (self));
}

static SrCache *
get_cache_finish (SrSearchProvider  *self,
                  GAsyncResult      *result,
                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- one D-Bus call --- */

typedef struct
{
  SrSearchProvider      *self;         /* owned */
  GDBusMethodInvocation *invocation;   /* owned */
  GStrv                  strings;      /* terms or ids */
} Call;

static Call *
call_new (SrSearchProvider      *self,
          GDBusMethodInvocation *invocation,
          GStrv                  strings)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->strings = strings;
  /* A service started for a search stays until it has answered. */
  g_application_hold (G_APPLICATION (self->application));

  return call;
}

static void
call_free (Call *call)
{
  g_application_release (G_APPLICATION (call->self->application));
  g_clear_object (&call->invocation);
  g_clear_pointer (&call->strings, g_strfreev);
  g_clear_object (&call->self);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
return_ids (GDBusMethodInvocation *invocation,
            GPtrArray             *messages)
{
  g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("as"));

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    g_variant_builder_add (builder, "s", sr_message_get_id (g_ptr_array_index (messages, i)));

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(as)", builder));
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  messages = sr_message_search_finish (result, &error);
  if (messages == NULL)
    g_debug ("Search failed: %s", error->message);

  /* Shell shows no error; an empty answer is the honest one. */
  return_ids (call->invocation, messages);
}

static void
search_cache_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  const char * const *terms;

  cache = get_cache_finish (call->self, result, &error);
  if (cache == NULL)
    {
      return_ids (call->invocation, NULL);
      return;
    }

  terms = (const char * const *) call->strings;
  sr_message_search_async (cache, terms, SR_MESSAGE_SEARCH_DEFAULT_LIMIT, NULL,
                           search_cb, g_steal_pointer (&call));
}

static GVariant *
build_meta (SrMessage *message,
            gboolean   show_utc)
{
  GVariantDict dict;
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;
  g_autofree char *time = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GIcon) icon = g_themed_icon_new (APPLICATION_ID);
  const char *to = sr_message_get_to (message);
  const char *sender = sr_message_get_sender_id (message);

  if (to == NULL || *to == '\0')
    to = _("No recipient");
  if (sender != NULL && *sender != '\0')
    /* Translators: a search result in GNOME Shell: recipient and sender,
     * e.g. "+35799123456 from ACME" */
    name = g_strdup_printf (_("%s from %s"), to, sender);
  else
    name = g_strdup (to);

  status = sr_status_dup_display_name (sr_message_get_status (message),
                                       sr_message_get_status_raw (message));
  time = sr_format_time (sr_message_get_created_at (message), show_utc);
  /* Translators: a search result's description: status and time,
   * e.g. "Delivered · 4 Dec 2026, 14:05" */
  description = g_strdup_printf (_("%s · %s"), status, time);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "id", "s", sr_message_get_id (message));
  g_variant_dict_insert (&dict, "name", "s", name);
  g_variant_dict_insert (&dict, "description", "s", description);
  g_variant_dict_insert_value (&dict, "gicon", g_variant_new_take_string (g_icon_to_string (icon)));

  return g_variant_dict_end (&dict);
}

static void
metas_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  gboolean show_utc = g_settings_get_boolean (settings, "show-utc");
  GVariantBuilder builder;

  messages = sr_message_search_get_messages_finish (result, &error);
  if (messages == NULL)
    g_debug ("Reading search results failed: %s", error->message);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    g_variant_builder_add_value (&builder, build_meta (g_ptr_array_index (messages, i), show_utc));

  g_dbus_method_invocation_return_value (call->invocation, g_variant_new ("(aa{sv})", &builder));
}

static void
metas_cache_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  const char * const *ids;

  cache = get_cache_finish (call->self, result, &error);
  if (cache == NULL)
    {
      g_dbus_method_invocation_return_value (call->invocation, g_variant_new_parsed ("(@aa{sv} [],)"));
      return;
    }

  ids = (const char * const *) call->strings;
  sr_message_search_get_messages_async (cache, ids, NULL, metas_cb, g_steal_pointer (&call));
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  SrSearchProvider *self = user_data;
  GStrv strings = NULL;

  if (g_str_equal (method_name, "GetInitialResultSet"))
    {
      g_variant_get (parameters, "(^as)", &strings);
      /* Results carry the provider's reference until they are answered. */
      get_cache_async (self, search_cache_cb, call_new (self, invocation, strings));
    }
  else if (g_str_equal (method_name, "GetSubsearchResultSet"))
    {
      /* The previous results are at most a limited few: searching again
       * finds the messages that the narrower terms let in. */
      g_variant_get (parameters, "(^a&s^as)", NULL, &strings);
      get_cache_async (self, search_cache_cb, call_new (self, invocation, strings));
    }
  else if (g_str_equal (method_name, "GetResultMetas"))
    {
      g_variant_get (parameters, "(^as)", &strings);
      get_cache_async (self, metas_cache_cb, call_new (self, invocation, strings));
    }
  else if (g_str_equal (method_name, "ActivateResult"))
    {
      const char *id;

      g_variant_get (parameters, "(&sasu)", &id, NULL, NULL);
      g_action_group_activate_action (G_ACTION_GROUP (self->application), "show-message",
                                      g_variant_new_string (id));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "LaunchSearch"))
    {
      g_autofree char *text = NULL;

      g_variant_get (parameters, "(^asu)", &strings, NULL);
      text = g_strjoinv (" ", strings);
      g_action_group_activate_action (G_ACTION_GROUP (self->application), "search-messages",
                                      g_variant_new_string (text));
      g_strfreev (strings);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static const GDBusInterfaceVTable vtable = { method_call_cb, NULL, NULL, { NULL, } };

gboolean
sr_search_provider_export (SrSearchProvider  *self,
                           GDBusConnection   *connection,
                           const char        *object_path,
                           GError           **error)
{
  g_autoptr(GDBusNodeInfo) info = NULL;

  g_return_val_if_fail (SR_IS_SEARCH_PROVIDER (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  info = g_dbus_node_info_new_for_xml (introspection_xml, error);
  if (info == NULL)
    return FALSE;

  self->registration_id = g_dbus_connection_register_object (connection, object_path,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;

  self->connection = g_object_ref (connection);
  return TRUE;
}

void
sr_search_provider_unexport (SrSearchProvider *self)
{
  g_return_if_fail (SR_IS_SEARCH_PROVIDER (self));

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
  g_cancellable_cancel (self->cancellable);
  close_own_cache (self);
}

static void
sr_search_provider_dispose (GObject *object)
{
  SrSearchProvider *self = SR_SEARCH_PROVIDER (object);

  sr_search_provider_unexport (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sr_search_provider_parent_class)->dispose (object);
}

static void
sr_search_provider_finalize (GObject *object)
{
  SrSearchProvider *self = SR_SEARCH_PROVIDER (object);

  g_clear_pointer (&self->own_cache_path, g_free);
  g_clear_pointer (&self->account_api_url, g_free);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_search_provider_parent_class)->finalize (object);
}

static void
sr_search_provider_class_init (SrSearchProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_search_provider_dispose;
  object_class->finalize = sr_search_provider_finalize;
}

static void
sr_search_provider_init (SrSearchProvider *self)
{
  self->cancellable = g_cancellable_new ();
}

SrSearchProvider *
sr_search_provider_new (SrApplication *application)
{
  SrSearchProvider *self;

  g_return_val_if_fail (SR_IS_APPLICATION (application), NULL);

  self = g_object_new (SR_TYPE_SEARCH_PROVIDER, NULL);
  self->application = application;

  return self;
}
