/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-credentials.h: the API key in the Secret Service (libsecret; inside
 * Flatpak it goes through the secret portal). One item per account, keyed by
 * the reporting API URL. Never stored anywhere else.
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
