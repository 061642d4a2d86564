/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-sign-in-client.c: the sign-in page's second way in, a client ID and
 * secret (SMS.to's POST /oauth/token), in the real window against the
 * sandbox over HTTP: it opens the account and syncs it, a wrong secret is
 * refused like a wrong key and leaves the page as it was.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sr-core.h"
#include "sr-resources.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

static SrTestSandbox *sandbox;

static SrWindow *
open_sign_in (const char *dir)
{
  const char *url = sr_test_sandbox_get_url (sandbox);
  SrWindow *window = sr_window_new_for_test (url, url, dir, NULL);

  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  sr_sign_in_page_set_urls (sr_window_get_sign_in_page (window), url, url);

  return window;
}

static void
test_client_signs_in_and_syncs (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-sign-in-client");
  g_autofree char *credential = sr_api_credential_for_client ("test-client", "test-secret");
  g_autofree char *expected_path = NULL;
  g_autoptr(SrApiClient) client = NULL;
  SrWindow *window = open_sign_in (dir);
  SrSignInPage *page = sr_window_get_sign_in_page (window);
  SrSession *session;
  gint64 total;

  sr_sign_in_page_set_client (page, "test-client", "test-secret");
  g_assert_true (sr_sign_in_page_get_use_client (page));
  sr_sign_in_page_submit (page);
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports after signing in");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");

  session = sr_window_get_session (window);
  g_assert_false (sr_session_get_auth_failed (session));
  g_assert_cmpfloat (sr_session_get_balance (session), ==, 1250.75);
  sr_test_sandbox_get_summary (sandbox, &total, NULL, NULL);
  g_assert_cmpint (sr_cache_count_messages (sr_session_get_cache (session), NULL, NULL), ==, total);
  g_assert_cmpint (sr_test_sandbox_get_stat (sandbox, "jwts_issued"), >=, 2);

  /* The account's own file, named from the credential like a key's. */
  client = sr_api_client_new (sr_test_sandbox_get_url (sandbox), NULL, credential, NULL);
  expected_path = sr_cache_dup_account_path (dir, sr_api_client_get_api_url (client), credential);
  g_assert_cmpstr (sr_session_get_cache_path (session), ==, expected_path);

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static void
test_wrong_secret_refused_like_a_key (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-sign-in-client-wrong");
  SrWindow *window = open_sign_in (dir);
  SrSignInPage *page = sr_window_get_sign_in_page (window);
  g_autofree char *key_text = NULL;
  GQuark key_domain;
  int key_code;

  /* A wrong key first, for comparison. */
  sr_sign_in_page_set_key (page, "not-the-key");
  sr_sign_in_page_submit (page);
  sr_test_wait_until (sr_test_sign_in_settled, page, 60, "the key check");
  key_domain = sr_sign_in_page_get_error (page)->domain;
  key_code = sr_sign_in_page_get_error (page)->code;
  key_text = g_strdup (sr_sign_in_page_get_error_text (page));

  sr_sign_in_page_set_client (page, "test-client", "not-the-secret");
  sr_sign_in_page_submit (page);
  g_assert_true (sr_sign_in_page_get_busy (page));
  sr_test_wait_until (sr_test_sign_in_settled, page, 60, "the client check");

  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");
  g_assert_null (sr_window_get_session (window));
  g_assert_error ((GError *) sr_sign_in_page_get_error (page), key_domain, key_code);
  g_assert_error ((GError *) sr_sign_in_page_get_error (page), SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
  g_test_message ("key: %s", key_text);
  g_test_message ("client: %s", sr_sign_in_page_get_error_text (page));
  g_assert_nonnull (strstr (sr_sign_in_page_get_error_text (page), "refused this client ID and secret"));
  g_assert_nonnull (strstr (key_text, "refused this API key"));
  g_assert_null (strstr (sr_sign_in_page_get_error_text (page), "not-the-secret"));
  g_assert_true (sr_sign_in_page_get_use_client (page));

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display");
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  sandbox = sr_test_sandbox_start ("--messages", "1500", "--campaigns", "10", NULL);

  g_test_add_func ("/sign-in-client/signs-in-and-syncs", test_client_signs_in_and_syncs);
  g_test_add_func ("/sign-in-client/wrong-secret-refused-like-a-key", test_wrong_secret_refused_like_a_key);

  ret = g_test_run ();
  sr_test_sandbox_free (sandbox);

  return ret;
}
