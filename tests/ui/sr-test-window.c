/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-window.c: see sr-test-window.h.
 */

#include "config.h"

#include <adwaita.h>

#include "sr-core.h"
#include "sr-message-dialog.h"
#include "sr-test-loop.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

gboolean
sr_test_window_left_loading (gpointer window)
{
  return g_strcmp0 (sr_window_get_visible_page (window), "loading") != 0;
}

gboolean
sr_test_window_shows_reports (gpointer window)
{
  return g_strcmp0 (sr_window_get_visible_page (window), "reports") == 0;
}

gboolean
sr_test_window_session_idle (gpointer window)
{
  SrSession *session = sr_window_get_session (window);

  return session != NULL && !sr_session_get_syncing (session);
}

gboolean
sr_test_window_messages_ready (gpointer window)
{
  SrMessageList *list = sr_messages_page_get_list (sr_window_get_messages_page (window));

  return list != NULL && !sr_message_list_get_loading (list);
}

gboolean
sr_test_window_campaigns_ready (gpointer window)
{
  SrCampaignList *list = sr_campaigns_page_get_list (sr_window_get_campaigns_page (window));

  return list != NULL && !sr_campaign_list_get_loading (list);
}

gboolean
sr_test_sign_in_settled (gpointer sign_in_page)
{
  return !sr_sign_in_page_get_busy (sign_in_page);
}

void
sr_test_window_close (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  sr_test_spin (50);
}

/* --- a synced account --- */

static void
sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;
  SrSyncSummary summary;

  if (!sr_sync_run_finish (SR_SYNC (object), result, &summary, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "sync failed");
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
sync_error_is_set (gpointer data)
{
  return *(GError **) data != NULL;
}

SrCache *
sr_test_sync_account (const char *url,
                      const char *key,
                      const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  SrCache *cache;

  client = sr_api_client_new (url, url, key, &error);
  g_assert_no_error (error);
  file_name = sr_cache_dup_account_file_name (sr_api_client_get_api_url (client), key);
  path = g_build_filename (dir, file_name, NULL);
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  sync = sr_sync_new (client, cache);
  sr_sync_run_async (sync, NULL, sync_done_cb, &error);
  sr_test_wait_until (sync_error_is_set, &error, 120, "the fixture sync");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);

  return cache;
}

void
sr_test_load_app_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, RESOURCE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

gpointer
sr_test_app_main_window (gpointer app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SR_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

gboolean
sr_test_message_details_shown (gpointer details_wait)
{
  SrTestDetailsWait *wait = details_wait;
  SrWindow *window = sr_test_app_main_window (wait->app);
  AdwDialog *dialog;

  if (window == NULL)
    return FALSE;
  dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));

  return SR_IS_MESSAGE_DIALOG (dialog)
         && g_strcmp0 (sr_message_get_id (sr_message_dialog_get_message (SR_MESSAGE_DIALOG (dialog))),
                       wait->message_id) == 0;
}

static void
on_dbus_call_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
dbus_call_done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GVariant *
sr_test_dbus_call (GDBusProxy *proxy,
                   const char *method,
                   GVariant   *parameters)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_dbus_proxy_call (proxy, method, parameters, G_DBUS_CALL_FLAGS_NONE, 30000, NULL,
                     on_dbus_call_done_cb, &result);
  sr_test_wait_until (dbus_call_done, &result, 60, method);
  reply = g_dbus_proxy_call_finish (proxy, result, &error);
  g_assert_no_error (error);

  return reply;
}
