/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-accounts.c: the list of accounts (sr-accounts.c) in a real file in a
 * temporary folder: add, rename, remove, labels refused, the same key twice,
 * saving in order, a damaged file; and with the real keyring of the test
 * session, one item per account and the move of an earlier release's
 * single key to an account (same reports file, nobody asked to sign in).
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sr-core.h"
#include "sr-test-sandbox.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = sr_test_make_tmpdir ("test-accounts");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
read_list_file (Fixture *fixture)
{
  g_autofree char *path = sr_accounts_dup_path (fixture->dir);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
test_add_rename_remove (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SrAccounts) accounts = NULL;
  g_autoptr(SrAccounts) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autofree char *long_label = NULL;
  g_autofree char *live_id = NULL;
  g_autofree char *test_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *expected_file = NULL;
  g_autofree char *client = NULL;
  const SrAccount *live;
  const SrAccount *test;
  const SrAccount *found;
  GStatBuf st;

  accounts = sr_accounts_load (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (accounts);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 0);
  g_assert_null (sr_accounts_get_current (accounts));

  live = sr_accounts_add (accounts, "  Agency (live) ", "https://api.sms.to", NULL,
                          "live-secret-key", &error);
  g_assert_no_error (error);
  g_assert_nonnull (live);
  live_id = g_strdup (sr_account_get_id (live));
  g_assert_cmpstr (sr_account_get_label (live), ==, "Agency (live)");
  g_assert_false (sr_account_get_is_client (live));
  g_assert_null (sr_account_get_auth_url (live));
  expected_file = sr_cache_dup_account_file_name ("https://api.sms.to", "live-secret-key");
  g_assert_cmpstr (sr_account_get_file_name (live), ==, expected_file);
  /* The first account added becomes the current one. */
  g_assert_true (sr_accounts_get_current (accounts) == live);

  client = sr_api_credential_for_client ("client-1", "client-secret");
  test = sr_accounts_add (accounts, "Test", "http://127.0.0.1:9", "http://127.0.0.1:9",
                          client, &error);
  g_assert_no_error (error);
  test_id = g_strdup (sr_account_get_id (test));
  g_assert_cmpstr (live_id, !=, test_id);
  g_assert_true (sr_account_get_is_client (test));
  g_assert_true (sr_accounts_get_current (accounts) == live);

  /* Labels refused: empty, taken (in another case), too long, a line break. */
  g_assert_null (sr_accounts_add (accounts, "   ", "https://api.sms.to", NULL, "k3", &error));
  g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_EMPTY);
  g_clear_error (&error);
  g_assert_null (sr_accounts_add (accounts, "AGENCY (LIVE)", "https://api.sms.to", NULL, "k3", &error));
  g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_TAKEN);
  g_clear_error (&error);
  long_label = g_strnfill (SR_ACCOUNT_LABEL_MAX_CHARS + 1, 'x');
  g_assert_null (sr_accounts_add (accounts, long_label, "https://api.sms.to", NULL, "k3", &error));
  g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_TOO_LONG);
  g_clear_error (&error);
  g_assert_null (sr_accounts_add (accounts, "two\nlines", "https://api.sms.to", NULL, "k3", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* The same key on the same server twice would share one reports file. */
  g_assert_null (sr_accounts_add (accounts, "Again", "https://api.sms.to", NULL, "live-secret-key", &error));
  g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_ALREADY_ADDED);
  g_clear_error (&error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 2);

  g_assert_true (sr_accounts_set_currency (accounts, live_id, "EUR"));
  name = sr_account_dup_display_name (live);
  g_assert_true (g_str_has_prefix (name, "Agency (live)"));
  g_assert_nonnull (strstr (name, "EUR"));
  g_assert_true (sr_accounts_set_current (accounts, test_id));
  g_assert_false (sr_accounts_set_current (accounts, "no-such-id"));

  g_assert_true (sr_accounts_save (accounts, &error));
  g_assert_no_error (error);

  /* The file: private, and no key in it. */
  path = sr_accounts_dup_path (fixture->dir);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  contents = read_list_file (fixture);
  g_assert_null (strstr (contents, "live-secret-key"));
  g_assert_null (strstr (contents, "client-secret"));

  /* Read back: the same accounts, in order, with the current one. */
  again = sr_accounts_load (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (again), ==, 2);
  g_assert_cmpstr (sr_account_get_id (sr_accounts_get_account (again, 0)), ==, live_id);
  g_assert_cmpstr (sr_account_get_id (sr_accounts_get_account (again, 1)), ==, test_id);
  g_assert_cmpstr (sr_account_get_id (sr_accounts_get_current (again)), ==, test_id);
  found = sr_accounts_find_by_label (again, "agency (live)");
  g_assert_nonnull (found);
  g_assert_cmpstr (sr_account_get_currency (found), ==, "EUR");
  g_assert_cmpstr (sr_account_get_file_name (found), ==, expected_file);
  g_assert_cmpstr (sr_account_get_auth_url (sr_accounts_find (again, test_id)), ==, "http://127.0.0.1:9");
  g_assert_true (sr_account_get_is_client (sr_accounts_find (again, test_id)));

  /* Rename: its own label in another case is fine, another's is not. */
  g_assert_true (sr_accounts_rename (again, live_id, "AGENCY (live)", &error));
  g_assert_no_error (error);
  g_assert_false (sr_accounts_rename (again, live_id, "test", &error));
  g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_TAKEN);
  g_clear_error (&error);
  g_assert_false (sr_accounts_rename (again, "no-such-id", "x", &error));
  g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpstr (sr_account_get_label (sr_accounts_find (again, live_id)), ==, "AGENCY (live)");

  /* Removing the current account makes the other one current. */
  g_assert_true (sr_accounts_remove (again, test_id));
  g_assert_false (sr_accounts_remove (again, test_id));
  g_assert_cmpuint (sr_accounts_get_n_accounts (again), ==, 1);
  g_assert_cmpstr (sr_account_get_id (sr_accounts_get_current (again)), ==, live_id);
  g_assert_true (sr_accounts_save (again, &error));

  g_clear_object (&accounts);
  accounts = sr_accounts_load (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 1);
  g_assert_cmpstr (sr_account_get_label (sr_accounts_get_current (accounts)), ==, "AGENCY (live)");
  g_assert_null (sr_accounts_find (accounts, test_id));
}

static void
on_ready_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_save_async_in_order (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SrAccounts) accounts = NULL;
  g_autoptr(SrAccounts) again = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *results[20] = { NULL, };
  const SrAccount *account;

  accounts = sr_accounts_load (fixture->dir, &error);
  g_assert_no_error (error);
  account = sr_accounts_add (accounts, "Label 0", "https://api.sms.to", NULL, "key", &error);
  g_assert_no_error (error);

  /* Twenty saves in a row, each of a later state, on GLib's thread pool:
   * the file ends with the last one whatever order the threads ran in. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *label = g_strdup_printf ("Label %u", i + 1);

      g_assert_true (sr_accounts_rename (accounts, sr_account_get_id (account), label, &error));
      sr_accounts_save_async (accounts, NULL, on_ready_cb, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_true (sr_accounts_save_finish (wait_result (&results[i]), &error));
      g_assert_no_error (error);
      g_object_unref (results[i]);
    }

  again = sr_accounts_load (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_account_get_label (sr_accounts_get_account (again, 0)), ==, "Label 20");
}

static void
test_bad_file (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = sr_accounts_dup_path (fixture->dir);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const bad[] = {
    "this is not a key file\n\x01\x02",
    /* A file name that is a path must never be followed when deleting. */
    "[Accounts]\nOrder=a1;\n[Account a1]\nLabel=x\nApiUrl=https://api.sms.to\nFile=../../etc/passwd\n",
    /* An account without a label. */
    "[Accounts]\nOrder=a1;\n[Account a1]\nApiUrl=https://api.sms.to\nFile=account-00.db\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SrAccounts) accounts = NULL;

      g_assert_true (g_file_set_contents (path, bad[i], -1, &error));
      accounts = sr_accounts_load (fixture->dir, &error);
      g_assert_null (accounts);
      g_assert_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_BAD_FILE);
      g_clear_error (&error);

      /* Left as it was. */
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, bad[i]);
      g_clear_pointer (&after, g_free);
    }
}

static void
test_keyring_per_account (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SrAccounts) accounts = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = "http://127.0.0.1:9/per-account";
  const SrAccount *a;
  const SrAccount *b;
  char *key;

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  accounts = sr_accounts_load (fixture->dir, &error);
  a = sr_accounts_add (accounts, "A", url, NULL, "key-a", &error);
  g_assert_no_error (error);
  b = sr_accounts_add (accounts, "B", url, NULL, "key-b", &error);
  g_assert_no_error (error);

  /* Two accounts on the same server: one item each. */
  g_assert_true (sr_credentials_store_account (sr_account_get_id (a), url, "key-a", NULL, &error));
  g_assert_true (sr_credentials_store_account (sr_account_get_id (b), url, "key-b", NULL, &error));
  g_assert_no_error (error);

  key = sr_credentials_lookup_account (sr_account_get_id (a), NULL, &error);
  g_assert_cmpstr (key, ==, "key-a");
  sr_credentials_free_key (key);
  key = sr_credentials_lookup_account (sr_account_get_id (b), NULL, &error);
  g_assert_cmpstr (key, ==, "key-b");
  sr_credentials_free_key (key);
  /* Per-account items are not the single key of earlier releases. */
  key = sr_credentials_lookup (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  /* Removing one leaves the other. */
  g_assert_true (sr_credentials_clear_account (sr_account_get_id (a), NULL, &error));
  g_assert_no_error (error);
  key = sr_credentials_lookup_account (sr_account_get_id (a), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  key = sr_credentials_lookup_account (sr_account_get_id (b), NULL, &error);
  g_assert_cmpstr (key, ==, "key-b");
  sr_credentials_free_key (key);
  g_assert_true (sr_credentials_clear_account (sr_account_get_id (b), NULL, &error));
}

static void
test_migrate_legacy (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  g_autoptr(SrAccounts) again = NULL;
  g_autoptr(SrAccounts) none = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *other_url = NULL;
  g_autofree char *expected_path = NULL;
  g_autofree char *path = NULL;
  GAsyncResult *result = NULL;
  const SrAccount *account;
  char *key;

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  /* A URL of this test's own, so no other test's item can answer. */
  base = g_path_get_basename (fixture->dir);
  url = g_strdup_printf ("http://127.0.0.1:9/migrate-%s", base);
  other_url = g_strconcat (url, "-nothing", NULL);

  /* Nothing to move: an empty list, no error. */
  none = sr_accounts_load (fixture->dir, &error);
  g_assert_false (sr_accounts_migrate_legacy (none, other_url, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (none), ==, 0);

  /* What an earlier release left: one item keyed by the URL. */
  g_assert_true (sr_credentials_store (url, "legacy-key", NULL, &error));
  g_assert_no_error (error);

  /* The app's way: load and migrate in a thread. */
  sr_accounts_load_async (fixture->dir, url, url, NULL, on_ready_cb, &result);
  accounts = sr_accounts_load_finish (wait_result (&result), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (accounts), ==, 1);
  account = sr_accounts_get_current (accounts);
  g_assert_nonnull (account);
  g_assert_cmpstr (sr_account_get_api_url (account), ==, url);
  g_assert_cmpstr (sr_account_get_label (account), ==, "127.0.0.1");

  /* The same reports file as before, so nothing is downloaded again. */
  expected_path = sr_cache_dup_account_path (fixture->dir, url, "legacy-key");
  path = sr_accounts_dup_cache_path (accounts, account);
  g_assert_cmpstr (path, ==, expected_path);

  /* The key moved: the account's item has it, the old item is gone. */
  key = sr_credentials_lookup_account (sr_account_get_id (account), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "legacy-key");
  sr_credentials_free_key (key);
  key = sr_credentials_lookup (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  /* Saved: the next start reads the account and migrates nothing. */
  again = sr_accounts_load (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (again), ==, 1);
  g_assert_false (sr_accounts_migrate_legacy (again, url, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sr_accounts_get_n_accounts (again), ==, 1);

  g_assert_true (sr_credentials_clear_account (sr_account_get_id (account), NULL, &error));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/accounts/add-rename-remove", Fixture, NULL,
              fixture_set_up, test_add_rename_remove, fixture_tear_down);
  g_test_add ("/accounts/save-async-in-order", Fixture, NULL,
              fixture_set_up, test_save_async_in_order, fixture_tear_down);
  g_test_add ("/accounts/bad-file", Fixture, NULL,
              fixture_set_up, test_bad_file, fixture_tear_down);
  g_test_add ("/accounts/keyring-per-account", Fixture, NULL,
              fixture_set_up, test_keyring_per_account, fixture_tear_down);
  g_test_add ("/accounts/migrate-legacy", Fixture, NULL,
              fixture_set_up, test_migrate_legacy, fixture_tear_down);

  return g_test_run ();
}
