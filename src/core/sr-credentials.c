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

void
sr_credentials_store_async (const char          *api_url,
                            const char          *api_key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (api_url != NULL);
  g_return_if_fail (api_key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_credentials_store_async);

  label = dup_label (api_url);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, api_key,
                         cancellable, on_store_cb, g_steal_pointer (&task),
                         ATTRIBUTE_API_URL, api_url,
                         NULL);
}

gboolean
sr_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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

void
sr_credentials_lookup_async (const char          *api_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (api_url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_credentials_lookup_async);

  secret_password_lookup (get_schema (), cancellable, on_lookup_cb, g_steal_pointer (&task),
                          ATTRIBUTE_API_URL, api_url,
                          NULL);
}

char *
sr_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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

void
sr_credentials_clear_async (const char          *api_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (api_url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_credentials_clear_async);

  secret_password_clear (get_schema (), cancellable, on_clear_cb, g_steal_pointer (&task),
                         ATTRIBUTE_API_URL, api_url,
                         NULL);
}

gboolean
sr_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sr_credentials_store (const char    *api_url,
                      const char    *api_key,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (api_url != NULL, FALSE);
  g_return_val_if_fail (api_key != NULL, FALSE);

  label = dup_label (api_url);
  return secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, api_key,
                                     cancellable, error,
                                     ATTRIBUTE_API_URL, api_url,
                                     NULL);
}

char *
sr_credentials_lookup (const char    *api_url,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (api_url != NULL, NULL);

  return secret_password_lookup_sync (get_schema (), cancellable, error,
                                      ATTRIBUTE_API_URL, api_url,
                                      NULL);
}

gboolean
sr_credentials_clear (const char    *api_url,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (api_url != NULL, FALSE);

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              ATTRIBUTE_API_URL, api_url,
                              NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
sr_credentials_free_key (char *api_key)
{
  /* secret_password_free wipes the memory before freeing it */
  secret_password_free (api_key);
}

/* --- one item per account --- */

void
sr_credentials_store_account_async (const char          *account_id,
                                    const char          *api_url,
                                    const char          *api_key,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (account_id != NULL);
  g_return_if_fail (api_url != NULL);
  g_return_if_fail (api_key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_credentials_store_account_async);

  label = dup_label (api_url);
  secret_password_store (get_account_schema (), SECRET_COLLECTION_DEFAULT, label, api_key,
                         cancellable, on_store_cb, g_steal_pointer (&task),
                         ATTRIBUTE_ACCOUNT, account_id,
                         ATTRIBUTE_API_URL, api_url,
                         NULL);
}

gboolean
sr_credentials_store_account_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sr_credentials_lookup_account_async (const char          *account_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_credentials_lookup_account_async);

  secret_password_lookup (get_account_schema (), cancellable, on_lookup_cb, g_steal_pointer (&task),
                          ATTRIBUTE_ACCOUNT, account_id,
                          NULL);
}

char *
sr_credentials_lookup_account_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sr_credentials_clear_account_async (const char          *account_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (account_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_credentials_clear_account_async);

  secret_password_clear (get_account_schema (), cancellable, on_clear_cb, g_steal_pointer (&task),
                         ATTRIBUTE_ACCOUNT, account_id,
                         NULL);
}

gboolean
sr_credentials_clear_account_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sr_credentials_store_account (const char    *account_id,
                              const char    *api_url,
                              const char    *api_key,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (api_url != NULL, FALSE);
  g_return_val_if_fail (api_key != NULL, FALSE);

  label = dup_label (api_url);
  return secret_password_store_sync (get_account_schema (), SECRET_COLLECTION_DEFAULT, label, api_key,
                                     cancellable, error,
                                     ATTRIBUTE_ACCOUNT, account_id,
                                     ATTRIBUTE_API_URL, api_url,
                                     NULL);
}

char *
sr_credentials_lookup_account (const char    *account_id,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_return_val_if_fail (account_id != NULL, NULL);

  return secret_password_lookup_sync (get_account_schema (), cancellable, error,
                                      ATTRIBUTE_ACCOUNT, account_id,
                                      NULL);
}

gboolean
sr_credentials_clear_account (const char    *account_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (account_id != NULL, FALSE);

  secret_password_clear_sync (get_account_schema (), cancellable, &local_error,
                              ATTRIBUTE_ACCOUNT, account_id,
                              NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
