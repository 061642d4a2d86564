/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-oauth.c: signing in with a client id and secret (SMS.to's
 * POST /oauth/token) against the sandbox over real HTTP: a token is
 * obtained once and shared, a token that expired on the sandbox's clock is
 * replaced and the request goes through, a wrong secret is refused like a
 * bad key, and neither the secret nor a token ever shows in an error or
 * the debug log. A whole sync with the credential fills the cache like one
 * with a key.
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "sr-cache-private.h"
#include "sr-core.h"
#include "sr-test-sandbox.h"

#define CLIENT_ID "test-client"
#define SECRET    "test-secret"

static GString *debug_log;

static GLogWriterOutput
capture_log_cb (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      {
        g_string_append (debug_log, fields[i].value);
        g_string_append_c (debug_log, '\n');
      }

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
on_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static SrApiClient *
new_client (SrTestSandbox *sandbox,
            const char    *client_id,
            const char    *secret)
{
  g_autoptr(GError) error = NULL;
  char *credential = sr_api_credential_for_client (client_id, secret);
  SrApiClient *client;

  client = sr_api_client_new (sr_test_sandbox_get_url (sandbox), sr_test_sandbox_get_url (sandbox),
                              credential, &error);
  sr_credentials_free_key (credential);
  g_assert_no_error (error);
  sr_api_client_set_base_delay (client, 10);

  return client;
}

static gboolean
get_balance (SrApiClient  *client,
             double       *out_balance,
             GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_api_client_get_balance_async (client, NULL, on_done_cb, &result);
  return sr_api_client_get_balance_finish (client, wait_result (&result), out_balance, NULL, error);
}

static void
assert_no_secret (const char *text)
{
  g_assert_null (strstr (text, SECRET));
  /* The sandbox's JWTs start like this. */
  g_assert_null (strstr (text, "eyJzYW5kYm94IjoxfQ"));
}

static void
test_credential_format (void)
{
  g_autofree char *credential = sr_api_credential_for_client ("id-1", "s3cret");
  g_autofree char *client_id = sr_api_credential_dup_client_id (credential);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autofree char *bad = sr_api_credential_for_client ("id", "");

  g_assert_true (sr_api_credential_is_client (credential));
  g_assert_false (sr_api_credential_is_client ("an-api-key"));
  g_assert_cmpstr (client_id, ==, "id-1");
  g_assert_null (sr_api_credential_dup_client_id ("an-api-key"));
  /* Different credentials, different cache files. */
  {
    g_autofree char *a = sr_cache_dup_account_file_name ("https://api.sms.to", credential);
    g_autofree char *b = sr_cache_dup_account_file_name ("https://api.sms.to", "an-api-key");

    g_assert_cmpstr (a, !=, b);
  }

  client = sr_api_client_new (NULL, NULL, bad, &error);
  g_assert_null (client);
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
}

static void
test_sign_in_shares_one_token (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "500", "--campaigns", "5", NULL);
  g_autoptr(SrApiClient) client = new_client (sandbox, CLIENT_ID, SECRET);
  g_autoptr(GError) error = NULL;
  GAsyncResult *results[4] = { NULL, };
  double balance = -1;

  g_assert_true (get_balance (client, &balance, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (balance, ==, 1250.75);
  g_assert_cmpuint (sr_api_client_get_n_tokens (client), ==, 1);

  /* Several requests at once, one token. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      SrMessageQuery query = { .page = i + 1, .limit = 50, .created_at_from = SR_TIME_NONE,
                               .created_at_to = SR_TIME_NONE };

      sr_api_client_list_messages_async (client, &query, NULL, on_done_cb, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(SrPage) page = NULL;

      page = sr_api_client_list_messages_finish (client, wait_result (&results[i]), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->items->len, ==, 50);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (sr_api_client_get_n_tokens (client), ==, 1);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_issued"), ==, 1);
}

static void
test_expired_token_replaced (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "500", "--campaigns", "5",
                                                            "--manual-clock", NULL);
  g_autoptr(SrApiClient) client = new_client (sandbox, CLIENT_ID, SECRET);
  g_autoptr(GError) error = NULL;
  double balance = -1;

  g_assert_true (get_balance (client, &balance, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_issued"), ==, 1);

  /* Two hours later on the server's clock the token has expired; the
   * client's own clock has not moved, so only the server can tell it. */
  sr_test_sandbox_advance (sandbox, 2 * 3600);
  g_assert_true (get_balance (client, &balance, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_expired"), ==, 1);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_issued"), ==, 2);
  g_assert_cmpuint (sr_api_client_get_n_tokens (client), ==, 2);

  /* The new token is used from then on. */
  g_assert_true (get_balance (client, &balance, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_issued"), ==, 2);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_expired"), ==, 1);
}

static void
test_wrong_secret_refused_like_a_key (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "100", "--campaigns", "2", NULL);
  g_autoptr(SrApiClient) client = new_client (sandbox, CLIENT_ID, "not-the-" SECRET);
  g_autoptr(SrApiClient) wrong_id = new_client (sandbox, "someone-else", SECRET);
  g_autoptr(SrApiClient) bad_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autoptr(GError) id_error = NULL;

  bad_key = sr_api_client_new (sr_test_sandbox_get_url (sandbox), sr_test_sandbox_get_url (sandbox),
                               "not-the-key", &error);
  g_assert_no_error (error);

  g_assert_false (get_balance (client, NULL, &error));
  g_assert_false (get_balance (wrong_id, NULL, &id_error));
  g_assert_false (get_balance (bad_key, NULL, &key_error));

  /* The same error a bad key gives, so every caller asks again. */
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_assert_error (id_error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_assert_error (key_error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_test_message ("wrong secret: %s", error->message);
  g_test_message ("bad key: %s", key_error->message);
  g_assert_nonnull (strstr (error->message, "client ID or secret"));
  g_assert_nonnull (strstr (error->message, "Invalid client credentials"));
  g_assert_null (strstr (error->message, "not-the-"));
  assert_no_secret (error->message);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_refused"), ==, 2);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_issued"), ==, 0);
}

static void
test_sync_with_client_credential (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "2000", "--campaigns", "10", NULL);
  g_autoptr(SrApiClient) client = new_client (sandbox, CLIENT_ID, SECRET);
  g_autofree char *dir = sr_test_make_tmpdir ("test-oauth");
  g_autofree char *path = g_build_filename (dir, "account.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *expected_checksum = NULL;
  gint64 expected_total;
  SrSyncSummary summary;

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  sync = sr_sync_new (client, cache);
  sr_sync_run_async (sync, NULL, on_done_cb, &result);
  g_assert_true (sr_sync_run_finish (sync, wait_result (&result), &summary, &error));
  g_assert_no_error (error);

  sr_test_sandbox_get_summary (sandbox, &expected_total, &expected_checksum, NULL);
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, NULL), ==, expected_total);
  checksum = sr_cache_dup_checksum (cache, NULL);
  g_assert_cmpstr (checksum, ==, expected_checksum);
  g_assert_cmpuint (sr_api_client_get_n_tokens (client), ==, 1);

  sr_cache_close (cache);
  sr_test_remove_tree (dir);
}

/* Runs the CLI with env (NULL-terminated pairs) and stdin; returns the exit
 * status and stderr. */
static int
run_cli (const char * const *env,
         const char         *input,
         char              **out_stderr,
         const char         *first_arg,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_subprocess_launcher_unsetenv (launcher, "SMSTO_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "SMSTO_CLIENT_ID");
  g_subprocess_launcher_unsetenv (launcher, "SMSTO_CLIENT_SECRET");
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  g_ptr_array_add (argv, (gpointer) g_getenv ("SR_CLI_PATH"));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, NULL, out_stderr, &error);
  g_assert_no_error (error);

  return g_subprocess_get_exit_status (process);
}

static void
test_cli_login_and_env (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "300", "--campaigns", "3", NULL);
  g_autofree char *dir = sr_test_make_tmpdir ("test-oauth-cli");
  const char *url = sr_test_sandbox_get_url (sandbox);
  const char *secret_env[] = { "SMSTO_CLIENT_SECRET", SECRET, NULL };
  const char *client_env[] = { "SMSTO_CLIENT_ID", CLIENT_ID, "SMSTO_CLIENT_SECRET", SECRET, NULL };
  const char *wrong_env[] = { "SMSTO_CLIENT_ID", CLIENT_ID, "SMSTO_CLIENT_SECRET", "wrong-" SECRET, NULL };
  g_autofree char *err = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  const SrAccount *account;
  int status;

  /* Only the environment, nothing stored. */
  status = run_cli (client_env, NULL, &err, "sync", "--api-url", url, "--auth-url", url, "--data-dir", dir, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&err, g_free);

  /* A wrong secret: exit 2, like a wrong key, and the secret is not shown. */
  status = run_cli (wrong_env, NULL, &err, "sync", "--api-url", url, "--auth-url", url, "--data-dir", dir, NULL);
  g_test_message ("wrong secret: %s", err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "client ID or secret"));
  g_assert_null (strstr (err, "wrong-"));
  g_clear_pointer (&err, g_free);

  /* login --client-id with the secret on standard input, then sync from
   * the keyring alone. */
  status = run_cli (NULL, "wrong-secret\n", &err, "login", "--client-id", CLIENT_ID,
                    "--api-url", url, "--auth-url", url, "--data-dir", dir, NULL);
  g_assert_cmpint (status, ==, 2);
  g_clear_pointer (&err, g_free);
  status = run_cli (secret_env, NULL, &err, "login", "--client-id", CLIENT_ID,
                    "--api-url", url, "--auth-url", url, "--data-dir", dir, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&err, g_free);

  /* Saved as an account that signs in with a client ID, in its own
   * keyring item. */
  accounts = sr_accounts_load (dir, NULL);
  g_assert_nonnull (accounts);
  account = sr_accounts_get_current (accounts);
  g_assert_nonnull (account);
  g_assert_true (sr_account_get_is_client (account));
  stored = sr_credentials_lookup_account (sr_account_get_id (account), NULL, NULL);
  g_assert_true (sr_api_credential_is_client (stored));
  {
    g_autofree char *stored_id = sr_api_credential_dup_client_id (stored);

    g_assert_cmpstr (stored_id, ==, CLIENT_ID);
  }

  status = run_cli (NULL, NULL, &err, "sync", "--api-url", url, "--auth-url", url, "--data-dir", dir, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&err, g_free);

  status = run_cli (NULL, NULL, &err, "logout", "--data-dir", dir, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&err, g_free);
  /* Signed out: no account, no key left. */
  g_clear_object (&accounts);
  accounts = sr_accounts_load (dir, NULL);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 0);
  status = run_cli (NULL, NULL, &err, "stats", "--data-dir", dir, NULL);
  g_assert_cmpint (status, ==, 2);
  sr_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  /* Everything logged, debug included (a writer gets it whatever
   * G_MESSAGES_DEBUG says), is searched for secrets. */
  debug_log = g_string_new (NULL);
  g_log_set_writer_func (capture_log_cb, NULL, NULL);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/credential-format", test_credential_format);
  g_test_add_func ("/oauth/sign-in-shares-one-token", test_sign_in_shares_one_token);
  g_test_add_func ("/oauth/expired-token-replaced", test_expired_token_replaced);
  g_test_add_func ("/oauth/wrong-secret-refused-like-a-key", test_wrong_secret_refused_like_a_key);
  g_test_add_func ("/oauth/sync-with-client-credential", test_sync_with_client_credential);
  g_test_add_func ("/oauth/cli-login-and-env", test_cli_login_and_env);

  ret = g_test_run ();

  /* The log did record the requests, and never a secret or a token. */
  g_assert_nonnull (strstr (debug_log->str, "/oauth/token"));
  assert_no_secret (debug_log->str);
  g_string_free (debug_log, TRUE);

  return ret;
}
