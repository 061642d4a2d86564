/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-credentials.c: the API key lives in the Secret Service, one item per
 * account, under a schema named after the application id + ".Account" and
 * keyed by the account's id. The single item of earlier releases (schema
 * named after the application id, keyed by the reporting API URL) is read
 * once to migrate it (sr-accounts.c). Inside Flatpak libsecret talks to the
 * secret portal by itself.
 */

#define G_LOG_DOMAIN "sr-credentials"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "sr-credentials.h"

#define ATTRIBUTE_API_URL "api-url"
#define ATTRIBUTE_ACCOUNT "account-id"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    BASE_APPLICATION_ID, SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_API_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* Items of different schemas never match each other's lookups: the
 * schema name is an attribute libsecret matches too. */
static const SecretSchema *
get_account_schema (void)
{
  static const SecretSchema schema = {
    BASE_APPLICATION_ID ".Account", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_ACCOUNT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_API_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static char *
dup_label (const char *api_url)
{
  g_autoptr(GUri) uri = g_uri_parse (api_url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  /* Translators: the name of the key in the password manager; %s is a host name */
  return g_strdup_printf (_("SMS.to API key for %s"), host ? host : api_url);
}

/* The tables own copies of the values: libsecret keeps a reference to a
 * table until an asynchronous call ends, after the caller's strings may be
 * gone. */
static GHashTable *
legacy_attributes (const char *api_url)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) ATTRIBUTE_API_URL, g_strdup (api_url));
  return attributes;
}

/* api_url may be NULL for a lookup or a clear, which need only the id. */
static GHashTable *
account_attributes (const char *account_id,
                    const char *api_url)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) ATTRIBUTE_ACCOUNT, g_strdup (account_id));
  if (api_url != NULL)
    g_hash_table_insert (attributes, (gpointer) ATTRIBUTE_API_URL, g_strdup (api_url));
  return attributes;
}

/* --- one implementation of each operation, for either kind of item --- */

static void
on_store_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_async (const SecretSchema  *schema,
             GHashTable          *attributes,
             const char          *api_url,
             const char          *api_key,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = dup_label (api_url);

  g_task_set_source_tag (task, source_tag);
  secret_password_storev (schema, attributes, SECRET_COLLECTION_DEFAULT, label, api_key,
                          cancellable, on_store_cb, g_steal_pointer (&task));
}

static void
on_lookup_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *key;

  key = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key, (GDestroyNotify) secret_password_free);
}

static void
lookup_async (const SecretSchema  *schema,
              GHashTable          *attributes,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  secret_password_lookupv (schema, attributes, cancellable, on_lookup_cb, g_steal_pointer (&task));
}

static void
on_clear_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without error means there was nothing to remove: fine. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
clear_async (const SecretSchema  *schema,
             GHashTable          *attributes,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  secret_password_clearv (schema, attributes, cancellable, on_clear_cb, g_steal_pointer (&task));
}

static gboolean
store_sync (const SecretSchema  *schema,
            GHashTable          *attributes,
            const char          *api_url,
            const char          *api_key,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autofree char *label = dup_label (api_url);

  return secret_password_storev_sync (schema, attributes, SECRET_COLLECTION_DEFAULT, label, api_key,
                                      cancellable, error);
}

static gboolean
clear_sync (const SecretSchema  *schema,
            GHashTable          *attributes,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  secret_password_clearv_sync (schema, attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Every _finish: the tasks above return a boolean or a key. */

gboolean
sr_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
sr_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sr_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sr_credentials_store_account_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return sr_credentials_store_finish (result, error);
}

char *
sr_credentials_lookup_account_finish (GAsyncResult  *result,
                                      GError       **error)
{
  return sr_credentials_lookup_finish (result, error);
}

gboolean
sr_credentials_clear_account_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return sr_credentials_clear_finish (result, error);
}

/* --- the single item of earlier releases, keyed by the API URL --- */

void
sr_credentials_store_async (const char          *api_url,
                            const char          *api_key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (api_url != NULL);
  g_return_if_fail (api_key != NULL);

  attributes = legacy_attributes (api_url);
  store_async (get_schema (), attributes, api_url, api_key, cancellable, callback, user_data,
               sr_credentials_store_async);
}

void
sr_credentials_lookup_async (const char          *api_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (api_url != NULL);

  attributes = legacy_attributes (api_url);
  lookup_async (get_schema (), attributes, cancellable, callback, user_data, sr_credentials_lookup_async);
}

void
sr_credentials_clear_async (const char          *api_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (api_url != NULL);

  attributes = legacy_attributes (api_url);
  clear_async (get_schema (), attributes, cancellable, callback, user_data, sr_credentials_clear_async);
}

gboolean
sr_credentials_store (const char    *api_url,
                      const char    *api_key,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (api_url != NULL, FALSE);
  g_return_val_if_fail (api_key != NULL, FALSE);

  attributes = legacy_attributes (api_url);
  return store_sync (get_schema (), attributes, api_url, api_key, cancellable, error);
}

char *
sr_credentials_lookup (const char    *api_url,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (api_url != NULL, NULL);

  attributes = legacy_attributes (api_url);
  return secret_password_lookupv_sync (get_schema (), attributes, cancellable, error);
}

gboolean
sr_credentials_clear (const char    *api_url,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (api_url != NULL, FALSE);

  attributes = legacy_attributes (api_url);
  return clear_sync (get_schema (), attributes, cancellable, error);
}

/* --- one item per account, keyed by its id --- */

void
sr_credentials_store_account_async (const char          *account_id,
                                    const char          *api_url,
                                    const char          *api_key,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL);
  g_return_if_fail (api_url != NULL);
  g_return_if_fail (api_key != NULL);

  attributes = account_attributes (account_id, api_url);
  store_async (get_account_schema (), attributes, api_url, api_key, cancellable, callback, user_data,
               sr_credentials_store_account_async);
}

void
sr_credentials_lookup_account_async (const char          *account_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL);

  attributes = account_attributes (account_id, NULL);
  lookup_async (get_account_schema (), attributes, cancellable, callback, user_data,
                sr_credentials_lookup_account_async);
}

void
sr_credentials_clear_account_async (const char          *account_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL);

  attributes = account_attributes (account_id, NULL);
  clear_async (get_account_schema (), attributes, cancellable, callback, user_data,
               sr_credentials_clear_account_async);
}

gboolean
sr_credentials_store_account (const char    *account_id,
                              const char    *api_url,
                              const char    *api_key,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (api_url != NULL, FALSE);
  g_return_val_if_fail (api_key != NULL, FALSE);

  attributes = account_attributes (account_id, api_url);
  return store_sync (get_account_schema (), attributes, api_url, api_key, cancellable, error);
}

char *
sr_credentials_lookup_account (const char    *account_id,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (account_id != NULL, NULL);

  attributes = account_attributes (account_id, NULL);
  return secret_password_lookupv_sync (get_account_schema (), attributes, cancellable, error);
}

gboolean
sr_credentials_clear_account (const char    *account_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_val_if_fail (account_id != NULL, FALSE);

  attributes = account_attributes (account_id, NULL);
  return clear_sync (get_account_schema (), attributes, cancellable, error);
}

void
sr_credentials_free_key (char *api_key)
{
  /* secret_password_free wipes the memory before freeing it */
  secret_password_free (api_key);
}
