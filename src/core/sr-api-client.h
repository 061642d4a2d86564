/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-client.h: the SMS.to REST API over one SoupSession: Bearer auth,
 * two base URLs (reporting and account hosts), retries with backoff, errors in
 * the SR_API_ERROR domain. The key never appears in logs or error messages.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-api-error.h"
#include "sr-api-parse.h"

G_BEGIN_DECLS

#define SR_TYPE_API_CLIENT (sr_api_client_get_type ())
G_DECLARE_FINAL_TYPE (SrApiClient, sr_api_client, SR, API_CLIENT, GObject)

/* Message list query; zero/NULL fields are left out of the request. */
typedef struct
{
  int         page;             /* 1-based */
  int         limit;
  const char *order_by;         /* created_at, id, sent_at, sender_id, is_api, status, cost */
  gboolean    descending;
  const char *status;
  const char *to;
  gint64      created_at_from;  /* SR_TIME_NONE = no bound */
  gint64      created_at_to;
} SrMessageQuery;

/* A client id and secret (SMS.to's POST /oauth/token) as one credential
 * that goes wherever an API key goes: sr_api_client_new(), the keyring, the
 * cache file name. Line breaks separate the parts, and no API key has one,
 * so the two cannot be confused. Free it with sr_credentials_free_key(). */
char        *sr_api_credential_for_client   (const char      *client_id,
                                             const char      *secret);
gboolean     sr_api_credential_is_client    (const char      *credential);
/* The client id of such a credential (not a secret), else NULL. */
char        *sr_api_credential_dup_client_id (const char     *credential);

/* api_url/auth_url NULL = SMS.to's defaults. Fails with
 * SR_API_ERROR_INVALID_URL for a URL that is not https (or http to loopback).
 * api_key is an API key or a credential from sr_api_credential_for_client(). */
SrApiClient *sr_api_client_new              (const char      *api_url,
                                             const char      *auth_url,
                                             const char      *api_key,
                                             GError         **error);
const char  *sr_api_client_get_api_url      (SrApiClient     *self);
const char  *sr_api_client_get_auth_url     (SrApiClient     *self);
/* Attempts per request including the first (default 6); 1 disables retries. */
void         sr_api_client_set_max_attempts (SrApiClient     *self,
                                             guint            max_attempts);
/* First backoff delay in ms (default 500); doubles each attempt, with jitter. */
void         sr_api_client_set_base_delay   (SrApiClient     *self,
                                             guint            delay_ms);
/* Deadline of one attempt in seconds, whatever the server sends meanwhile
 * (default 60). */
void         sr_api_client_set_timeout      (SrApiClient     *self,
                                             guint            seconds);
/* Deadline of a whole request, retries and waits included (default 300 s):
 * no attempt starts after it. */
void         sr_api_client_set_deadline     (SrApiClient     *self,
                                             guint            seconds);
/* Larger bodies are refused with SR_API_ERROR_BAD_RESPONSE (default 64 MB). */
void         sr_api_client_set_max_body_size (SrApiClient    *self,
                                             gsize            max_bytes);
/* Requests and retries so far, for tests and benchmarks. */
guint        sr_api_client_get_n_requests   (SrApiClient     *self);
guint        sr_api_client_get_n_retries    (SrApiClient     *self);
/* Access tokens obtained so far (0 with an API key). */
guint        sr_api_client_get_n_tokens     (SrApiClient     *self);

void         sr_api_client_get_balance_async   (SrApiClient          *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean     sr_api_client_get_balance_finish  (SrApiClient          *self,
                                                GAsyncResult         *result,
                                                double               *out_balance,
                                                char                **out_currency,
                                                GError              **error);

void         sr_api_client_list_messages_async (SrApiClient          *self,
                                                const SrMessageQuery *query,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SrPage      *sr_api_client_list_messages_finish (SrApiClient         *self,
                                                GAsyncResult         *result,
                                                GError              **error);

void         sr_api_client_get_message_async   (SrApiClient          *self,
                                                const char           *id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SrMessage   *sr_api_client_get_message_finish  (SrApiClient          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

void         sr_api_client_list_campaigns_async (SrApiClient         *self,
                                                int                   page,
                                                int                   limit,
                                                const char           *search,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SrPage      *sr_api_client_list_campaigns_finish (SrApiClient        *self,
                                                GAsyncResult         *result,
                                                GError              **error);

void         sr_api_client_get_campaign_async  (SrApiClient          *self,
                                                const char           *id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SrCampaign  *sr_api_client_get_campaign_finish (SrApiClient          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* TRUE when url's host is 127.0.0.0/8, ::1 or "localhost". */
gboolean     sr_api_url_is_loopback            (const char           *url);

G_END_DECLS
