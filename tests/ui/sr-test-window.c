/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-window.c: see sr-test-window.h.
 */

#include "config.h"

#include <gtk/gtk.h>

#include "sr-core.h"
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
