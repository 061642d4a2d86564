/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-window.h: conditions on a real SrWindow that the window tests,
 * the translation tests and the Dashboard benchmark wait for with
 * sr_test_wait_until(). Each takes the window (or, for the sign-in one, the
 * sign-in page) as data.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* The window shows something other than its loading page. */
gboolean sr_test_window_left_loading   (gpointer window);
/* The window shows the reports (Dashboard, logs). */
gboolean sr_test_window_shows_reports  (gpointer window);
/* The window has a session and it is not syncing. */
gboolean sr_test_window_session_idle   (gpointer window);
/* The Messages Log has a list and it has loaded. */
gboolean sr_test_window_messages_ready (gpointer window);
/* The Campaign Log has a list and it has loaded. */
gboolean sr_test_window_campaigns_ready (gpointer window);
/* Destroys the window and lets the main loop run its last idles. */
void     sr_test_window_close          (gpointer window);

/* The sign-in page is not checking a key. */
gboolean sr_test_sign_in_settled       (gpointer sign_in_page);

/* What AdwApplication does for the app (test windows have none): loads
 * the app's stylesheet, so sizes and screenshots are the app's. */
void     sr_test_load_app_style        (void);

/* Fills the cache of (url, key) in dir with the core's SrSync, as the app
 * and the CLI do, and returns it open. */
SrCache *sr_test_sync_account         (const char *url,
                                        const char *key,
                                        const char *dir);

/* The application's main window (an SrWindow), or NULL while it has none. */
gpointer sr_test_app_main_window       (gpointer app);

/* For sr_test_message_details_shown(): the application and the message. */
typedef struct
{
  gpointer    app;
  const char *message_id;
} SrTestDetailsWait;

/* The app's main window shows the details dialog of wait->message_id. */
gboolean sr_test_message_details_shown (gpointer details_wait);

/* Calls method through proxy as another client of the bus would (GNOME
 * Shell), runs the main loop until the reply and returns it; fails the
 * test on an error. */
GVariant *sr_test_dbus_call            (GDBusProxy *proxy,
                                        const char *method,
                                        GVariant   *parameters);

G_END_DECLS
