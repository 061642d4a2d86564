/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-credentials.c: the API key in a real Secret Service. build-aux/test
 * runs the suite inside dbus-run-session with a throwaway, unlocked
 * gnome-keyring; without a Secret Service on the bus this test is skipped.
 */

#include "config.h"

#include <gio/gio.h>

#include "sr-core.h"
#include "sr-test-sandbox.h"

static void
test_sync_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  char *key;
  const char *url_a = "http://127.0.0.1:9/test-a";
  const char *url_b = "http://127.0.0.1:9/test-b";

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      return;
    }

  g_assert_true (sr_credentials_clear (url_a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sr_credentials_clear (url_b, NULL, &error));
  g_assert_no_error (error);

  key = sr_credentials_lookup (url_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  g_assert_true (sr_credentials_store (url_a, "key-for-a", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sr_credentials_store (url_b, "key-for-b", NULL, &error));
  g_assert_no_error (error);

  /* One item per account: they do not overwrite each other */
  key = sr_credentials_lookup (url_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "key-for-a");
  sr_credentials_free_key (key);

  /* Storing again replaces the key */
  g_assert_true (sr_credentials_store (url_a, "new-key-for-a", NULL, &error));
  key = sr_credentials_lookup (url_a, NULL, &error);
  g_assert_cmpstr (key, ==, "new-key-for-a");
  sr_credentials_free_key (key);

  g_assert_true (sr_credentials_clear (url_a, NULL, &error));
  g_assert_no_error (error);
  key = sr_credentials_lookup (url_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  key = sr_credentials_lookup (url_b, NULL, &error);
  g_assert_cmpstr (key, ==, "key-for-b");
  sr_credentials_free_key (key);
  g_assert_true (sr_credentials_clear (url_b, NULL, &error));
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
on_ready_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_clear_object (&waiter->result);
  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static void
test_async_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  const char *url = "https://api.example.invalid";
  char *key;

  if (!sr_test_have_secret_service ())
    {
      g_test_skip ("No Secret Service on the session bus (run through build-aux/test)");
      g_main_loop_unref (waiter.loop);
      return;
    }

  sr_credentials_store_async (url, "async-key", NULL, on_ready_cb, &waiter);
  g_main_loop_run (waiter.loop);
  g_assert_true (sr_credentials_store_finish (waiter.result, &error));
  g_assert_no_error (error);

  sr_credentials_lookup_async (url, NULL, on_ready_cb, &waiter);
  g_main_loop_run (waiter.loop);
  key = sr_credentials_lookup_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "async-key");
  sr_credentials_free_key (key);

  sr_credentials_clear_async (url, NULL, on_ready_cb, &waiter);
  g_main_loop_run (waiter.loop);
  g_assert_true (sr_credentials_clear_finish (waiter.result, &error));
  g_assert_no_error (error);

  sr_credentials_lookup_async (url, NULL, on_ready_cb, &waiter);
  g_main_loop_run (waiter.loop);
  key = sr_credentials_lookup_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  g_clear_object (&waiter.result);
  g_main_loop_unref (waiter.loop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/sync-roundtrip", test_sync_roundtrip);
  g_test_add_func ("/credentials/async-roundtrip", test_async_roundtrip);

  return g_test_run ();
}
