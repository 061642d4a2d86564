/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-credentials.h: the API key in the Secret Service (libsecret; inside
 * Flatpak it goes through the secret portal). One item per account, keyed by
 * the account's id (sr-accounts.h). Never stored anywhere else.
 *
 * The functions that take only an API URL read and write the single item
 * of the releases before several accounts ("legacy"); SrAccounts moves it
 * to an account's item once (sr_accounts_migrate_legacy()).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      sr_credentials_store_async   (const char          *api_url,
                                        const char          *api_key,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  sr_credentials_store_finish  (GAsyncResult        *result,
                                        GError             **error);
/* Returns NULL without error when there is no key. Free with
 * sr_credentials_free_key() (the memory is wiped). */
void      sr_credentials_lookup_async  (const char          *api_url,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char     *sr_credentials_lookup_finish (GAsyncResult        *result,
                                        GError             **error);
void      sr_credentials_clear_async   (const char          *api_url,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  sr_credentials_clear_finish  (GAsyncResult        *result,
                                        GError             **error);

/* The item of one account (sr-accounts.h), keyed by its id; api_url is
 * kept beside it so the item says in a password manager what it is for. */
void      sr_credentials_store_account_async   (const char          *account_id,
                                                const char          *api_url,
                                                const char          *api_key,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean  sr_credentials_store_account_finish  (GAsyncResult        *result,
                                                GError             **error);
/* NULL without error when the account has no item. */
void      sr_credentials_lookup_account_async  (const char          *account_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char     *sr_credentials_lookup_account_finish (GAsyncResult        *result,
                                                GError             **error);
void      sr_credentials_clear_account_async   (const char          *account_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean  sr_credentials_clear_account_finish  (GAsyncResult        *result,
                                                GError             **error);
gboolean  sr_credentials_store_account         (const char          *account_id,
                                                const char          *api_url,
                                                const char          *api_key,
                                                GCancellable        *cancellable,
                                                GError             **error);
char     *sr_credentials_lookup_account        (const char          *account_id,
                                                GCancellable        *cancellable,
                                                GError             **error);
gboolean  sr_credentials_clear_account         (const char          *account_id,
                                                GCancellable        *cancellable,
                                                GError             **error);

/* Blocking variants for the command-line tool. */
gboolean  sr_credentials_store         (const char          *api_url,
                                        const char          *api_key,
                                        GCancellable        *cancellable,
                                        GError             **error);
char     *sr_credentials_lookup        (const char          *api_url,
                                        GCancellable        *cancellable,
                                        GError             **error);
gboolean  sr_credentials_clear         (const char          *api_url,
                                        GCancellable        *cancellable,
                                        GError             **error);
/* Wipes and frees an API key: one from the keyring (secure memory) or any
 * g_malloc()ed copy (libsecret falls back to g_free() for those). The wipe
 * writes through a volatile pointer, so the compiler cannot drop it the way
 * it may drop a memset() before free(). The one way to free a key. */
void      sr_credentials_free_key      (char                *api_key);

G_END_DECLS
