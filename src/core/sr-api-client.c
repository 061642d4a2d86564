/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-client.c: owns the SoupSession that talks to SMS.to. Every call is
 * one logical request that may be sent several times: 429, 5xx and network
 * failures are retried with exponential backoff and jitter (or Retry-After
 * when the server gives one). Bodies are parsed in a worker thread so large
 * pages never block the main loop. The API key only ever lives in the
 * Authorization header; URLs, logs and errors never contain it.
 *
 * Signed in with a client id and secret instead (sr_api_credential_for_client()),
 * the client first gets a JWT from POST /oauth/token on the account host
 * and sends that as the Bearer token. It asks for a token that lasts
 * TOKEN_LIFETIME_MIN minutes and gets a new one TOKEN_MARGIN_S before that
 * on its own clock; a request refused with 401/403 gets one new token and
 * is sent again (the server's clock decides, and SMS.to's "expires" is not
 * documented precisely enough to rely on). Requests that need a token
 * while one is being fetched wait for it. The secret, like the key, is only
 * ever in the token request's body.
 */

#define G_LOG_DOMAIN "sr-api-client"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sr-api-client.h"
#include "sr-api-parse.h"
#include "sr-campaign.h"
#include "sr-message.h"

#define DEFAULT_MAX_ATTEMPTS  6
#define DEFAULT_BASE_DELAY_MS 500
#define DEFAULT_TIMEOUT_S     60
#define MAX_DELAY_MS          30000
#define MAX_RETRY_AFTER_S     120
/* Whole request, retries and waits included (seconds). */
#define DEFAULT_DEADLINE_S    300
/* Larger bodies are refused: a page of 1000 messages is about 1 MB. */
#define DEFAULT_MAX_BODY      (64 * 1024 * 1024)
#define READ_CHUNK            (64 * 1024)
/* A body that cannot be read is asked for again this many times. */
#define MAX_BAD_BODY_RETRIES  2
#define MAX_REDIRECTS         3
/* Longest server message quoted in an error. */
#define MAX_SERVER_MESSAGE    200
/* OAuth: the lifetime asked for, and how long before its end a token is
 * replaced. */
#define TOKEN_LIFETIME_MIN    60
#define TOKEN_MARGIN_S        300
/* Marks a credential that is a client id and secret (line breaks never
 * occur in an API key: sr_api_client_new() refuses them). */
#define CLIENT_CREDENTIAL_PREFIX "oauth-client\n"

struct _SrApiClient
{
  GObject      parent_instance;

  SoupSession *session;        /* owned */
  char        *user_agent;
  char        *api_url;        /* no trailing slash */
  char        *auth_url;       /* no trailing slash */
  char        *authorization;  /* "Bearer <key or JWT>", never logged; NULL while no JWT */
  char        *client_id;      /* OAuth; NULL with an API key */
  char        *client_secret;  /* wiped on free, never logged */
  gint64       token_renew_at; /* monotonic, usec */
  guint        token_generation;
  guint        n_tokens;
  gboolean     token_pending;
  GPtrArray   *token_waiters;  /* GTask, waiting for a JWT */
  guint        max_attempts;
  guint        base_delay_ms;
  guint        timeout_s;
  guint        deadline_s;
  gsize        max_body;
  guint        n_requests;     /* atomic */
  guint        n_retries;      /* atomic */
};

G_DEFINE_FINAL_TYPE (SrApiClient, sr_api_client, G_TYPE_OBJECT)

enum {
  RETRY_SCHEDULED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  REQUEST_BALANCE,
  REQUEST_MESSAGES,
  REQUEST_MESSAGE,
  REQUEST_CAMPAIGNS,
  REQUEST_CAMPAIGN,
  REQUEST_TOKEN,
} RequestKind;

typedef struct
{
  RequestKind   kind;
  char         *url;           /* full URL, without credentials */
  char         *path;          /* for logs and error messages */
  guint         attempt;
  guint         bad_bodies;    /* unreadable bodies so far */
  guint         redirects;
  GBytes       *body;
  GByteArray   *buffer;        /* body being read */
  GInputStream *stream;
  SoupMessage  *msg;           /* the attempt under way */
  GCancellable *attempt_cancellable;
  gulong        cancel_handler;
  GSource      *deadline_source; /* ends an attempt that takes too long */
  SoupSession  *session;         /* of this attempt */
  gboolean      in_send;         /* until the response headers are in */
  gboolean      deadline_hit;
  gint64        started;       /* monotonic, usec: first attempt */
  gint64        sent_at;       /* monotonic, usec */
  double        fetch_seconds;
  GSource      *timeout_source;  /* pending retry */
  GSource      *cancel_source;   /* ends the retry wait on cancellation */
  GBytes       *post_body;       /* POST when set (the token request) */
  guint         token_generation; /* of the JWT the request was sent with */
  gboolean      auth_retried;    /* sent again once with a new JWT */
} Request;

static void send_attempt        (GTask   *task);
static void send_with_token     (GTask   *task);
static void clear_retry_sources (Request *request);

static gboolean
unref_session_cb (gpointer session)
{
  g_object_unref (session);
  return G_SOURCE_REMOVE;
}

/* The attempt's session goes once libsoup is done with the callback that
 * ended the attempt: disposing a session aborts what it still has queued. */
static void
release_session (Request *request)
{
  SoupSession *session = g_steal_pointer (&request->session);
  GSource *source;

  if (session == NULL)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, unref_session_cb, session, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
clear_attempt (Request *request,
               GTask   *task)
{
  if (request->deadline_source != NULL)
    {
      g_source_destroy (request->deadline_source);
      g_clear_pointer (&request->deadline_source, g_source_unref);
    }
  if (request->cancel_handler != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), request->cancel_handler);
      request->cancel_handler = 0;
    }
  g_clear_object (&request->attempt_cancellable);
  g_clear_object (&request->stream);
  g_clear_object (&request->msg);
  release_session (request);
  g_clear_pointer (&request->buffer, g_byte_array_unref);
}

static void
request_free (Request *request)
{
  clear_retry_sources (request);
  g_assert (request->deadline_source == NULL && request->cancel_handler == 0);
  g_clear_object (&request->attempt_cancellable);
  g_clear_object (&request->stream);
  g_clear_object (&request->msg);
  release_session (request);
  g_clear_pointer (&request->buffer, g_byte_array_unref);
  g_clear_pointer (&request->url, g_free);
  g_clear_pointer (&request->path, g_free);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->post_body, g_bytes_unref);
  g_free (request);
}

static void
wipe_string (char **text)
{
  if (*text != NULL)
    {
      volatile char *p = *text;

      while (*p != '\0')
        *p++ = '\0';
      g_clear_pointer (text, g_free);
    }
}

static void
sr_api_client_finalize (GObject *object)
{
  SrApiClient *self = (SrApiClient *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->user_agent, g_free);
  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->auth_url, g_free);
  if (self->authorization != NULL)
    {
      memset (self->authorization, 0, strlen (self->authorization));
      g_clear_pointer (&self->authorization, g_free);
    }
  g_clear_pointer (&self->client_id, g_free);
  wipe_string (&self->client_secret);
  g_clear_pointer (&self->token_waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_api_client_parent_class)->finalize (object);
}

static void
sr_api_client_class_init (SrApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_api_client_finalize;

  /**
   * SrApiClient::retry-scheduled:
   * @delay_ms: the wait before the next attempt
   * @http_status: 429, 5xx, 200 for a body that could not be read, 0 for a
   *   network failure
   *
   * Emitted on the client's main context when a request waits before trying
   * again, so the UI can say so ("SMS.to asked us to wait…").
   */
  signals[RETRY_SCHEDULED] =
    g_signal_new ("retry-scheduled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
sr_api_client_init (SrApiClient *self)
{
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->timeout_s = DEFAULT_TIMEOUT_S;
  self->deadline_s = DEFAULT_DEADLINE_S;
  self->max_body = DEFAULT_MAX_BODY;
}

gboolean
sr_api_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static char *
normalize_base_url (const char  *url,
                    const char  *what,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  g_autofree char *result = NULL;
  gsize len;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, SR_API_ERROR, SR_API_ERROR_INVALID_URL,
                   /* Translators: %s is "API address" or "account address", the second %s the URL */
                   _("The %s “%s” is not a valid web address"), what, url);
      return NULL;
    }

  if (g_uri_get_user (uri) != NULL || g_uri_get_password (uri) != NULL)
    {
      g_set_error (error, SR_API_ERROR, SR_API_ERROR_INVALID_URL,
                   _("The %s must not contain a user name or password"), what);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      if (g_ascii_strcasecmp (scheme, "http") != 0 || !sr_api_url_is_loopback (url))
        {
          g_set_error (error, SR_API_ERROR, SR_API_ERROR_INVALID_URL,
                       _("The %s “%s” must start with https:// (plain http is only allowed for this computer)"),
                       what, url);
          return NULL;
        }
    }

  result = g_strdup (url);
  len = strlen (result);
  while (len > 0 && result[len - 1] == '/')
    result[--len] = '\0';

  return g_steal_pointer (&result);
}

SrApiClient *
sr_api_client_new (const char  *api_url,
                   const char  *auth_url,
                   const char  *api_key,
                   GError     **error)
{
  g_autoptr(SrApiClient) self = NULL;
  g_autofree char *user_agent = NULL;

  g_return_val_if_fail (api_key != NULL, NULL);

  if (api_url == NULL || *api_url == '\0')
    api_url = SR_DEFAULT_API_URL;
  if (auth_url == NULL || *auth_url == '\0')
    auth_url = SR_DEFAULT_AUTH_URL;

  self = g_object_new (SR_TYPE_API_CLIENT, NULL);

  if (!(self->api_url = normalize_base_url (api_url, _("API address"), error)) ||
      !(self->auth_url = normalize_base_url (auth_url, _("account address"), error)))
    return NULL;

  if (sr_api_credential_is_client (api_key))
    {
      g_auto(GStrv) parts = g_strsplit (api_key + strlen (CLIENT_CREDENTIAL_PREFIX), "\n", -1);

      if (g_strv_length (parts) != 2 || *parts[0] == '\0' || *parts[1] == '\0'
          || strchr (parts[0], '\r') != NULL || strchr (parts[1], '\r') != NULL)
        {
          if (parts != NULL)
            for (guint i = 0; parts[i] != NULL; i++)
              memset (parts[i], 0, strlen (parts[i]));
          g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                               _("The client ID or secret is empty or contains line breaks"));
          return NULL;
        }
      self->client_id = g_strdup (parts[0]);
      self->client_secret = g_strdup (parts[1]);
      memset (parts[1], 0, strlen (parts[1]));
      self->token_waiters = g_ptr_array_new_with_free_func (g_object_unref);
    }
  else if (*api_key == '\0' || strpbrk (api_key, "\r\n") != NULL)
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                           _("The API key is empty or contains line breaks"));
      return NULL;
    }
  else
    self->authorization = g_strconcat ("Bearer ", api_key, NULL);

  user_agent = g_strdup_printf ("sms-reports/%s ", PACKAGE_VERSION);
  /* TLS certificates are verified by libsoup against the system database;
   * nothing here ever relaxes that. */
  self->user_agent = g_strdup (user_agent);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", self->timeout_s,
                                                 "max-conns-per-host", 8,
                                                 NULL);

  return g_steal_pointer (&self);
}

char *
sr_api_credential_for_client (const char *client_id,
                              const char *secret)
{
  g_return_val_if_fail (client_id != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  return g_strconcat (CLIENT_CREDENTIAL_PREFIX, client_id, "\n", secret, NULL);
}

gboolean
sr_api_credential_is_client (const char *credential)
{
  return credential != NULL && g_str_has_prefix (credential, CLIENT_CREDENTIAL_PREFIX);
}

char *
sr_api_credential_dup_client_id (const char *credential)
{
  const char *start, *end;

  if (!sr_api_credential_is_client (credential))
    return NULL;
  start = credential + strlen (CLIENT_CREDENTIAL_PREFIX);
  end = strchr (start, '\n');
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

guint
sr_api_client_get_n_tokens (SrApiClient *self)
{
  g_return_val_if_fail (SR_IS_API_CLIENT (self), 0);
  return self->n_tokens;
}

const char *
sr_api_client_get_api_url (SrApiClient *self)
{
  g_return_val_if_fail (SR_IS_API_CLIENT (self), NULL);
  return self->api_url;
}

const char *
sr_api_client_get_auth_url (SrApiClient *self)
{
  g_return_val_if_fail (SR_IS_API_CLIENT (self), NULL);
  return self->auth_url;
}

void
sr_api_client_set_max_attempts (SrApiClient *self,
                                guint        max_attempts)
{
  g_return_if_fail (SR_IS_API_CLIENT (self));
  self->max_attempts = MAX (1, max_attempts);
}

void
sr_api_client_set_base_delay (SrApiClient *self,
                              guint        delay_ms)
{
  g_return_if_fail (SR_IS_API_CLIENT (self));
  self->base_delay_ms = delay_ms;
}

void
sr_api_client_set_timeout (SrApiClient *self,
                           guint        seconds)
{
  g_return_if_fail (SR_IS_API_CLIENT (self));
  self->timeout_s = seconds;
  soup_session_set_timeout (self->session, seconds);
}

void
sr_api_client_set_deadline (SrApiClient *self,
                            guint        seconds)
{
  g_return_if_fail (SR_IS_API_CLIENT (self));
  self->deadline_s = MAX (1, seconds);
}

void
sr_api_client_set_max_body_size (SrApiClient *self,
                                 gsize        max_bytes)
{
  g_return_if_fail (SR_IS_API_CLIENT (self));
  self->max_body = MAX (1024, max_bytes);
}

guint
sr_api_client_get_n_requests (SrApiClient *self)
{
  g_return_val_if_fail (SR_IS_API_CLIENT (self), 0);
  return g_atomic_int_get (&self->n_requests);
}

guint
sr_api_client_get_n_retries (SrApiClient *self)
{
  g_return_val_if_fail (SR_IS_API_CLIENT (self), 0);
  return g_atomic_int_get (&self->n_retries);
}

/* Delay before attempt n+1: base·2^(n-1), ±50 % jitter so many clients (or
 * many pages in flight) do not hit the server in lockstep. */
static guint
backoff_delay_ms (SrApiClient *self,
                  guint        attempt)
{
  double delay = self->base_delay_ms * (double)(1u << MIN (attempt - 1, 16));

  delay = MIN (delay, MAX_DELAY_MS);
  return (guint)(delay * g_random_double_range (0.5, 1.5));
}

/* Retry-After is either delta-seconds or an HTTP date. Returns -1 if absent. */
static int
parse_retry_after (SoupMessage *msg)
{
  const char *value;
  char *end = NULL;
  gint64 seconds;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  if (value == NULL)
    return -1;

  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && (*end == '\0' || g_ascii_isspace (*end)))
    return (int) CLAMP (seconds, 0, MAX_RETRY_AFTER_S);

  {
    g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (date == NULL)
      return -1;
    seconds = g_date_time_difference (date, now) / G_USEC_PER_SEC;
    return (int) CLAMP (seconds, 0, MAX_RETRY_AFTER_S);
  }
}

static void
clear_retry_sources (Request *request)
{
  if (request->timeout_source != NULL)
    {
      g_source_destroy (request->timeout_source);
      g_clear_pointer (&request->timeout_source, g_source_unref);
    }
  if (request->cancel_source != NULL)
    {
      g_source_destroy (request->cancel_source);
      g_clear_pointer (&request->cancel_source, g_source_unref);
    }
}

static gboolean
retry_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);

  g_object_ref (task);
  clear_retry_sources (request);
  send_attempt (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);

  g_object_ref (task);
  clear_retry_sources (request);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

/* Schedules another attempt, or returns FALSE when the attempts are used up.
 * The wait ends early if the task is cancelled. */
static gboolean
schedule_retry (GTask *task,
                int    retry_after_s,
                guint  http_status)
{
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint delay_ms;
  gint64 deadline;

  if (request->attempt >= self->max_attempts)
    return FALSE;

  if (retry_after_s >= 0)
    delay_ms = retry_after_s * 1000 + g_random_int_range (0, 250);
  else
    delay_ms = backoff_delay_ms (self, request->attempt);

  /* No attempt starts after the request's deadline. */
  deadline = request->started + (gint64) self->deadline_s * G_USEC_PER_SEC;
  if (g_get_monotonic_time () + (gint64) delay_ms * 1000 >= deadline)
    {
      g_debug ("Not retrying %s: its deadline of %u s would pass", request->path, self->deadline_s);
      return FALSE;
    }
  g_signal_emit (self, signals[RETRY_SCHEDULED], 0, delay_ms, http_status);

  g_atomic_int_inc (&self->n_retries);
  g_debug ("Retrying %s in %u ms (attempt %u of %u)",
           request->path, delay_ms, request->attempt + 1, self->max_attempts);

  request->timeout_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (request->timeout_source, retry_timeout_cb,
                         g_object_ref (task), g_object_unref);
  g_source_attach (request->timeout_source, g_task_get_context (task));

  if (cancellable != NULL)
    {
      request->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (request->cancel_source, (GSourceFunc) retry_cancelled_cb,
                             g_object_ref (task), g_object_unref);
      g_source_attach (request->cancel_source, g_task_get_context (task));
    }

  return TRUE;
}

typedef struct
{
  double  balance;
  char   *currency;
} Balance;

static void
balance_free (Balance *balance)
{
  g_free (balance->currency);
  g_free (balance);
}

static void
wipe_jwt (char *jwt)
{
  wipe_string (&jwt);
}

/* {"jwt": "…", "expires": …, "token_type": "bearer"}: only the JWT is
 * relied on. An answer without one refuses the credentials, like a balance
 * without "balance" refuses a key. */
static char *
parse_token (GBytes  *body,
             GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;
  JsonNode *node;
  const char *jwt = NULL;

  if (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  if (object == NULL)
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The answer to the sign-in with a client ID could not be read"));
      return NULL;
    }

  node = json_object_get_member (object, "jwt");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    jwt = json_node_get_string (node);
  if (jwt == NULL || *jwt == '\0' || strpbrk (jwt, "\r\n") != NULL)
    {
      g_autofree char *message = sr_api_parse_error_message (body);

      g_set_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                   _("The client ID or secret was refused%s%s"),
                   message != NULL ? ": " : "", message != NULL ? message : "");
      return NULL;
    }

  return g_strdup (jwt);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  switch (request->kind)
    {
    case REQUEST_BALANCE:
      {
        g_autofree Balance *balance = g_new0 (Balance, 1);

        if (!sr_api_parse_balance (request->body, &balance->balance, &balance->currency, &error))
          {
            g_task_return_error (task, error);
            return;
          }
        g_task_return_pointer (task, g_steal_pointer (&balance), (GDestroyNotify) balance_free);
        return;
      }

    case REQUEST_MESSAGES:
    case REQUEST_CAMPAIGNS:
      {
        SrPage *page;

        if (request->kind == REQUEST_MESSAGES)
          page = sr_api_parse_messages_page (request->body, &error);
        else
          page = sr_api_parse_campaigns_page (request->body, &error);

        if (page == NULL)
          {
            g_prefix_error (&error, _("Could not read %s: "), request->path);
            g_task_return_error (task, error);
            return;
          }
        page->n_bytes = g_bytes_get_size (request->body);
        page->fetch_seconds = request->fetch_seconds;
        page->parse_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
        g_task_return_pointer (task, page, (GDestroyNotify) sr_page_free);
        return;
      }

    case REQUEST_MESSAGE:
    case REQUEST_CAMPAIGN:
      {
        GObject *record;

        if (request->kind == REQUEST_MESSAGE)
          record = (GObject *) sr_api_parse_message (request->body, &error);
        else
          record = (GObject *) sr_api_parse_campaign (request->body, &error);

        if (record == NULL)
          {
            g_prefix_error (&error, _("Could not read %s: "), request->path);
            g_task_return_error (task, error);
            return;
          }
        g_task_return_pointer (task, record, g_object_unref);
        return;
      }

    case REQUEST_TOKEN:
      {
        char *jwt = parse_token (request->body, &error);

        if (jwt == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, jwt, (GDestroyNotify) wipe_jwt);
        return;
      }

    default:
      g_assert_not_reached ();
    }
}

static GDestroyNotify
result_free_func (RequestKind kind)
{
  switch (kind)
    {
    case REQUEST_TOKEN:
      return (GDestroyNotify) wipe_jwt;
    case REQUEST_BALANCE:
      return (GDestroyNotify) balance_free;
    case REQUEST_MESSAGES:
    case REQUEST_CAMPAIGNS:
      return (GDestroyNotify) sr_page_free;
    case REQUEST_MESSAGE:
    case REQUEST_CAMPAIGN:
    default:
      return g_object_unref;
    }
}

static gboolean
is_retryable_transport_error (const GError *error)
{
  /* A certificate problem will not go away by trying again, and retrying
   * must never be a way around verification. */
  if (error->domain == G_TLS_ERROR)
    return FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  return TRUE;
}

/* Nobody is listening there, or there is no way to get there: trying again
 * in a few seconds will not help, and the app should go offline at once. */
static gboolean
is_unreachable_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
}

/* The server's "message", short and on one line; NULL if none. */
static char *
dup_server_message (GBytes *body)
{
  g_autofree char *text = NULL;
  GString *out;
  const char *p;

  if (body == NULL || (text = sr_api_parse_error_message (body)) == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (p = text; *p != '\0' && g_utf8_strlen (out->str, -1) < MAX_SERVER_MESSAGE; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static void
return_http_error (GTask *task,
                   guint  status,
                   int    code)
{
  Request *request = g_task_get_task_data (task);
  g_autofree char *server_message = NULL;

  server_message = dup_server_message (request->body);

  switch (code)
    {
    case SR_API_ERROR_UNAUTHORIZED:
      /* Signed in with a client id and secret, a refusal is theirs. */
      if (SR_API_CLIENT (g_task_get_source_object (task))->client_id != NULL)
        {
          g_task_return_new_error (task, SR_API_ERROR, code,
                                   _("The client ID or secret was refused (HTTP %u%s%s)"),
                                   status,
                                   server_message ? ": " : "",
                                   server_message ? server_message : "");
          break;
        }
      g_task_return_new_error (task, SR_API_ERROR, code,
                               _("The API key was refused (HTTP %u%s%s)"),
                               status,
                               server_message ? ": " : "",
                               server_message ? server_message : "");
      break;

    case SR_API_ERROR_RATE_LIMITED:
      g_task_return_new_error (task, SR_API_ERROR, code,
                               _("SMS.to is limiting requests; try again in a minute (HTTP %u)"),
                               status);
      break;

    case SR_API_ERROR_SERVER:
      g_task_return_new_error (task, SR_API_ERROR, code,
                               _("The server had a problem answering %s (HTTP %u%s%s)"),
                               request->path, status,
                               server_message ? ": " : "",
                               server_message ? server_message : "");
      break;

    default:
      g_task_return_new_error (task, SR_API_ERROR, code,
                               _("The server refused the request %s (HTTP %u%s%s)"),
                               request->path, status,
                               server_message ? ": " : "",
                               server_message ? server_message : "");
      break;
    }
}

static void
on_parsed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer record;

  record = g_task_propagate_pointer (G_TASK (result), &error);
  if (record != NULL)
    {
      g_task_return_pointer (task, record, result_free_func (request->kind));
      return;
    }

  /* A maintenance page, a truncated or garbled body: maybe the next answer
   * is better, but not for ever. */
  if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE) &&
      (request->kind == REQUEST_MESSAGES || request->kind == REQUEST_CAMPAIGNS) &&
      request->bad_bodies < MAX_BAD_BODY_RETRIES)
    {
      g_debug ("%s", error->message);
      request->bad_bodies++;
      if (schedule_retry (task, -1, SOUP_STATUS_OK))
        {
          g_error_free (error);
          return;
        }
    }
  g_task_return_error (task, error);
}

static void
transport_failed (GTask  *task,
                  GError *error)
{
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  gboolean deadline_hit = request->deadline_hit;

  request->fetch_seconds = (g_get_monotonic_time () - request->sent_at) / (double) G_USEC_PER_SEC;
  clear_attempt (request, task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_error_free (error);
      return;
    }

  g_debug ("%s failed: %s", request->path, deadline_hit ? "no answer in time" : error->message);

  if (!deadline_hit && is_unreachable_error (error))
    {
      g_task_return_new_error (task, SR_API_ERROR, SR_API_ERROR_NETWORK,
                               _("Could not reach the server: %s"), error->message);
      g_error_free (error);
      return;
    }

  if ((deadline_hit || is_retryable_transport_error (error)) && schedule_retry (task, -1, 0))
    {
      g_error_free (error);
      return;
    }

  if (deadline_hit || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, SR_API_ERROR, SR_API_ERROR_TIMEOUT,
                             _("The server did not answer %s within %u s"),
                             request->path, self->timeout_s);
  else
    g_task_return_new_error (task, SR_API_ERROR, SR_API_ERROR_NETWORK,
                             _("Could not reach the server: %s"), error->message);
  g_error_free (error);
}

static void
body_too_large (GTask *task)
{
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  g_cancellable_cancel (request->attempt_cancellable);
  clear_attempt (request, task);
  g_task_return_new_error (task, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The answer to %s is larger than %" G_GSIZE_FORMAT " MB; it was refused"),
                           request->path, self->max_body / (1024 * 1024));
}

static void
body_complete (GTask *task)
{
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  guint status = soup_message_get_status (request->msg);
  int retry_after = parse_retry_after (request->msg);

  request->fetch_seconds = (g_get_monotonic_time () - request->sent_at) / (double) G_USEC_PER_SEC;
  g_clear_pointer (&request->body, g_bytes_unref);
  request->body = g_byte_array_free_to_bytes (g_steal_pointer (&request->buffer));
  clear_attempt (request, task);

  g_debug ("%s → HTTP %u, %" G_GSIZE_FORMAT " bytes in %.3f s",
           request->path, status, g_bytes_get_size (request->body), request->fetch_seconds);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      GTask *parse = g_task_new (self, NULL, on_parsed_cb, g_object_ref (task));

      g_task_set_task_data (parse, request, NULL);
      g_task_run_in_thread (parse, parse_in_thread);
      g_object_unref (parse);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      /* The JWT may have expired by the server's clock: one new token. */
      if (self->client_id != NULL && request->kind != REQUEST_TOKEN && !request->auth_retried)
        {
          request->auth_retried = TRUE;
          if (request->token_generation == self->token_generation)
            wipe_string (&self->authorization);
          g_debug ("%s refused the token (HTTP %u); getting a new one", request->path, status);
          send_with_token (task);
          return;
        }
      return_http_error (task, status, SR_API_ERROR_UNAUTHORIZED);
      return;
    }

  if (status == 429)
    {
      if (schedule_retry (task, retry_after, status))
        return;
      return_http_error (task, status, SR_API_ERROR_RATE_LIMITED);
      return;
    }

  if (status >= 500)
    {
      if (schedule_retry (task, retry_after, status))
        return;
      return_http_error (task, status, SR_API_ERROR_SERVER);
      return;
    }

  return_http_error (task, status, SR_API_ERROR_REQUEST);
}

static void read_more (GTask *task);

static void
on_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      transport_failed (task, error);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      body_complete (task);
      return;
    }
  if (request->buffer->len + g_bytes_get_size (bytes) > self->max_body)
    {
      body_too_large (task);
      return;
    }
  g_byte_array_append (request->buffer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_more (task);
}

static void
read_more (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   request->attempt_cancellable, on_read_cb, g_object_ref (task));
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  const char *scheme_a = g_uri_get_scheme (a), *scheme_b = g_uri_get_scheme (b);
  int port_a = g_uri_get_port (a), port_b = g_uri_get_port (b);

  if (scheme_a == NULL || scheme_b == NULL || g_ascii_strcasecmp (scheme_a, scheme_b) != 0)
    return FALSE;
  if (g_uri_get_host (a) == NULL || g_uri_get_host (b) == NULL ||
      g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) != 0)
    return FALSE;
  if (port_a < 0)
    port_a = g_ascii_strcasecmp (scheme_a, "https") == 0 ? 443 : 80;
  if (port_b < 0)
    port_b = g_ascii_strcasecmp (scheme_b, "https") == 0 ? 443 : 80;
  return port_a == port_b;
}

/* Redirects are followed only to the same origin (scheme, host and port):
 * anywhere else could be plain http or a host that must not see our
 * requests. */
static void
handle_redirect (GTask *task,
                 guint  status)
{
  Request *request = g_task_get_task_data (task);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (request->msg), "Location");
  g_autoptr(GUri) base = g_uri_parse (request->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) target = NULL;

  if (location != NULL && base != NULL)
    target = g_uri_parse_relative (base, location, G_URI_FLAGS_NONE, NULL);
  clear_attempt (request, task);

  if (target != NULL && same_origin (base, target) && request->redirects < MAX_REDIRECTS)
    {
      request->redirects++;
      g_free (request->url);
      request->url = g_uri_to_string (target);
      request->attempt--;
      g_debug ("%s redirected within the same server", request->path);
      send_attempt (task);
      return;
    }

  g_task_return_new_error (task, SR_API_ERROR, SR_API_ERROR_REQUEST,
                           _("The server sent the request %s to another address (HTTP %u, %s); "
                             "for safety it was not followed"),
                           request->path, status,
                           target != NULL && g_uri_get_host (target) != NULL ? g_uri_get_host (target) : "?");
}

static void
on_sent_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SoupSession *session = (SoupSession *)object;
  g_autoptr(GTask) task = user_data;
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  SoupMessageHeaders *headers;
  guint status;

  request->in_send = FALSE;
  request->stream = soup_session_send_finish (session, result, &error);
  if (request->stream == NULL)
    {
      transport_failed (task, error);
      return;
    }
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      transport_failed (task, error);
      return;
    }

  status = soup_message_get_status (request->msg);
  headers = soup_message_get_response_headers (request->msg);
  if (SOUP_STATUS_IS_REDIRECTION (status) && soup_message_headers_get_one (headers, "Location") != NULL)
    {
      handle_redirect (task, status);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) self->max_body)
    {
      body_too_large (task);
      return;
    }

  request->buffer = g_byte_array_new ();
  read_more (task);
}

/* The caller's cancellation stops the reading of a body at once, but not
 * a request still connecting or waiting for its headers: libsoup 3.6 can
 * crash when a message is cancelled while its connection is being made
 * (soup_session_send_finish() on freed state; test-sync's cancel-and-
 * resume tests hit it about once in 20 runs). Such a request ends by
 * itself (the session's timeout, or the attempt's deadline) and
 * on_sent_cb() then returns the cancellation. */
static void
cancel_attempt_cb (GCancellable *cancellable,
                   Request      *request)
{
  if (!request->in_send)
    g_cancellable_cancel (request->attempt_cancellable);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Request *request = user_data;

  request->deadline_hit = TRUE;
  g_clear_pointer (&request->deadline_source, g_source_unref);
  g_cancellable_cancel (request->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
send_attempt (GTask *task)
{
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  request->msg = soup_message_new (request->post_body != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET,
                                  request->url);
  if (request->msg == NULL)
    {
      g_task_return_new_error (task, SR_API_ERROR, SR_API_ERROR_INVALID_URL,
                               _("Could not build a request for %s"), request->path);
      return;
    }
  /* Redirects are ours to judge (handle_redirect()). */
  soup_message_add_flags (request->msg, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (request->msg);
  if (request->kind != REQUEST_TOKEN && self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  if (request->post_body != NULL)
    soup_message_set_request_body_from_bytes (request->msg, "application/json", request->post_body);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  /* One connection per request. libsoup 3.2 re-sends a request by itself
   * when a kept-alive connection turns out to be closed by the server, and
   * that path can dereference NULL (seen in test-sync's fault test, about
   * one run in four). Pages are large, so the extra handshakes cost little;
   * our own retries handle dropped connections. */
  soup_message_headers_replace (headers, "Connection", "close");

  request->attempt++;
  request->sent_at = g_get_monotonic_time ();
  if (request->started == 0)
    request->started = request->sent_at;
  request->deadline_hit = FALSE;
  g_atomic_int_inc (&self->n_requests);

  /* Each attempt has its own deadline (the session's timeout only covers
   * silence between bytes): a server that sends a byte now and then does
   * not keep us for ever. */
  request->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    request->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_attempt_cb),
                                                     request, NULL);
  request->deadline_source = g_timeout_source_new_seconds (MAX (1, self->timeout_s));
  g_source_set_callback (request->deadline_source, deadline_cb, request, NULL);
  g_source_attach (request->deadline_source, g_task_get_context (task));

  /* And one session per attempt: with several requests in flight on one
   * session, libsoup 3.6 dereferences NULL now and then when a connection
   * is dropped (test-sync's page-cap test crashed in 3 of 40 runs under
   * load, and in 18 of 20 with kept-alive connections); separate sessions
   * share nothing (0 of 20, kept alive). */
  request->session = soup_session_new_with_options ("user-agent", self->user_agent,
                                                    "timeout", self->timeout_s,
                                                    "max-conns-per-host", 1,
                                                    NULL);
  request->in_send = TRUE;
  soup_session_send_async (request->session, request->msg, G_PRIORITY_DEFAULT,
                           request->attempt_cancellable, on_sent_cb, g_object_ref (task));
}

/* --- OAuth tokens --- */

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrApiClient *self = SR_API_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  char *jwt;

  jwt = g_task_propagate_pointer (G_TASK (result), &error);
  self->token_pending = FALSE;
  waiters = g_steal_pointer (&self->token_waiters);
  self->token_waiters = g_ptr_array_new_with_free_func (g_object_unref);

  if (jwt != NULL)
    {
      wipe_string (&self->authorization);
      self->authorization = g_strconcat ("Bearer ", jwt, NULL);
      wipe_jwt (jwt);
      self->token_generation++;
      self->n_tokens++;
      self->token_renew_at = g_get_monotonic_time ()
                             + (gint64) (TOKEN_LIFETIME_MIN * 60 - TOKEN_MARGIN_S) * G_USEC_PER_SEC;
      g_debug ("Got an access token (%u so far)", self->n_tokens);
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      Request *request = g_task_get_task_data (task);

      if (g_task_return_error_if_cancelled (task))
        continue;
      if (jwt == NULL)
        {
          g_task_return_error (task, g_error_copy (error));
          continue;
        }
      request->token_generation = self->token_generation;
      send_attempt (task);
    }
}

static void
wipe_bytes (gpointer data)
{
  wipe_string ((char **) &data);
}

static void start_request_with_body (SrApiClient *self, RequestKind kind, const char *base,
                                     const char *path, const char *query, GBytes *post_body,
                                     gpointer source_tag, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);

static void
request_token (SrApiClient *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  char *text;

  self->token_pending = TRUE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, self->client_id);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, self->client_secret);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, TOKEN_LIFETIME_MIN);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  /* The body holds the secret: wiped when the request is done. */
  body = g_bytes_new_with_free_func (text, strlen (text), wipe_bytes, text);

  /* Not cancellable: several requests may be waiting for it. */
  start_request_with_body (self, REQUEST_TOKEN, self->auth_url, "/oauth/token", NULL, body,
                           request_token, NULL, on_token_cb, NULL);
}

/* Sends the request now, or once there is a JWT that is not about to
 * expire. */
static void
send_with_token (GTask *task)
{
  SrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  if (self->client_id == NULL || request->kind == REQUEST_TOKEN)
    {
      send_attempt (task);
      return;
    }

  if (self->authorization != NULL && g_get_monotonic_time () < self->token_renew_at)
    {
      request->token_generation = self->token_generation;
      send_attempt (task);
      return;
    }

  g_ptr_array_add (self->token_waiters, g_object_ref (task));
  if (!self->token_pending)
    request_token (self);
}

static void
start_request (SrApiClient         *self,
               RequestKind          kind,
               const char          *base,
               const char          *path,
               const char          *query,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  start_request_with_body (self, kind, base, path, query, NULL, source_tag,
                           cancellable, callback, user_data);
}

static void
start_request_with_body (SrApiClient         *self,
                         RequestKind          kind,
                         const char          *base,
                         const char          *path,
                         const char          *query,
                         GBytes              *post_body,
                         gpointer             source_tag,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, TRUE);

  request = g_new0 (Request, 1);
  request->kind = kind;
  request->path = g_strdup (path);
  request->url = g_strconcat (base, path, query ? "?" : "", query ? query : "", NULL);
  if (post_body != NULL)
    request->post_body = g_bytes_ref (post_body);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  send_with_token (task);
}

static void
append_param (GString    *query,
              const char *name,
              const char *value)
{
  if (value == NULL)
    return;
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append (query, name);
  g_string_append_c (query, '=');
  g_string_append_uri_escaped (query, value, NULL, FALSE);
}

static void
append_int_param (GString    *query,
                  const char *name,
                  int         value)
{
  char buf[32];

  if (value <= 0)
    return;
  g_snprintf (buf, sizeof buf, "%d", value);
  append_param (query, name, buf);
}

/* --- balance --- */

void
sr_api_client_get_balance_async (SrApiClient         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SR_IS_API_CLIENT (self));

  start_request (self, REQUEST_BALANCE, self->auth_url, "/api/balance", NULL,
                 sr_api_client_get_balance_async, cancellable, callback, user_data);
}

gboolean
sr_api_client_get_balance_finish (SrApiClient   *self,
                                  GAsyncResult  *result,
                                  double        *out_balance,
                                  char         **out_currency,
                                  GError       **error)
{
  Balance *balance;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_api_client_get_balance_async, FALSE);

  balance = g_task_propagate_pointer (G_TASK (result), error);
  if (balance == NULL)
    return FALSE;

  if (out_balance)
    *out_balance = balance->balance;
  if (out_currency)
    *out_currency = g_steal_pointer (&balance->currency);
  balance_free (balance);

  return TRUE;
}

/* --- messages --- */

void
sr_api_client_list_messages_async (SrApiClient          *self,
                                   const SrMessageQuery *q,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GString) query = g_string_new (NULL);

  g_return_if_fail (SR_IS_API_CLIENT (self));
  g_return_if_fail (q != NULL);

  append_int_param (query, "limit", q->limit);
  append_int_param (query, "page", q->page);
  if (q->order_by != NULL)
    {
      append_param (query, "order_by", q->order_by);
      append_param (query, "order_direction", q->descending ? "desc" : "asc");
    }
  append_param (query, "status", q->status);
  append_param (query, "to", q->to);
  if (q->created_at_from != SR_TIME_NONE)
    {
      g_autofree char *from = sr_api_format_query_time (q->created_at_from);
      append_param (query, "created_at_from", from);
    }
  if (q->created_at_to != SR_TIME_NONE)
    {
      g_autofree char *to = sr_api_format_query_time (q->created_at_to);
      append_param (query, "created_at_to", to);
    }

  start_request (self, REQUEST_MESSAGES, self->api_url, "/v2/messages",
                 query->len ? query->str : NULL,
                 sr_api_client_list_messages_async, cancellable, callback, user_data);
}

SrPage *
sr_api_client_list_messages_finish (SrApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_api_client_list_messages_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sr_api_client_get_message_async (SrApiClient         *self,
                                 const char          *id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SR_IS_API_CLIENT (self));
  g_return_if_fail (id != NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  /* No /v2 prefix for a single message (docs/SMSTO-API.md). */
  path = g_strconcat ("/message/", escaped, NULL);
  start_request (self, REQUEST_MESSAGE, self->api_url, path, NULL,
                 sr_api_client_get_message_async, cancellable, callback, user_data);
}

SrMessage *
sr_api_client_get_message_finish (SrApiClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_api_client_get_message_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- campaigns --- */

void
sr_api_client_list_campaigns_async (SrApiClient         *self,
                                    int                  page,
                                    int                  limit,
                                    const char          *search,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GString) query = g_string_new (NULL);

  g_return_if_fail (SR_IS_API_CLIENT (self));

  append_int_param (query, "limit", limit);
  append_int_param (query, "page", page);
  if (search != NULL && *search != '\0')
    append_param (query, "search", search);

  start_request (self, REQUEST_CAMPAIGNS, self->api_url, "/v2/campaigns",
                 query->len ? query->str : NULL,
                 sr_api_client_list_campaigns_async, cancellable, callback, user_data);
}

SrPage *
sr_api_client_list_campaigns_finish (SrApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_api_client_list_campaigns_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sr_api_client_get_campaign_async (SrApiClient         *self,
                                  const char          *id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (SR_IS_API_CLIENT (self));
  g_return_if_fail (id != NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("/v2/campaigns/", escaped, NULL);
  start_request (self, REQUEST_CAMPAIGN, self->api_url, path, NULL,
                 sr_api_client_get_campaign_async, cancellable, callback, user_data);
}

SrCampaign *
sr_api_client_get_campaign_finish (SrApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_api_client_get_campaign_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
