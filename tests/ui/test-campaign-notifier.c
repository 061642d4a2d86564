/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-campaign-notifier.c: "campaign done" notifications on a real session
 * synced from the sandbox, with the sandbox's manual clock: the first
 * download (finished campaigns and running ones alike) notifies nothing; an
 * hour later on the sandbox's clock the campaign that was being sent is
 * done, and exactly the campaigns seen in progress that are done now are
 * notified, with their delivery rate and failures. The balance alert: with
 * the sandbox's balance moved between syncs, exactly the crossings below the
 * threshold notify, never the first sync of a new account.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sr-application.h"
#include "sr-campaign-notifier.h"
#include "sr-core.h"
#include "sr-format.h"
#include "sr-message-dialog.h"
#include "sr-preferences-dialog.h"
#include "sr-search-provider.h"
#include "sr-resources.h"
#include "sr-session.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

typedef struct
{
  GPtrArray *ids;      /* notified campaign ids */
  GPtrArray *bodies;
  guint      n_indexes;
} Seen;

static void
on_finished_cb (SrCampaignNotifier *notifier,
                SrCampaign         *campaign,
                const char         *title,
                const char         *body,
                Seen               *seen)
{
  g_autofree char *name = sr_format_campaign_name (campaign);

  g_assert_cmpstr (title, ==, name);
  g_ptr_array_add (seen->ids, g_strdup (sr_campaign_get_id (campaign)));
  g_ptr_array_add (seen->bodies, g_strdup (body));
}

static void
on_index_cb (SrSession *session,
             GParamSpec *pspec,
             Seen       *seen)
{
  seen->n_indexes++;
}

static void
on_open_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
synced_and_indexed (gpointer data)
{
  SrSession *session = data;
  guint *target = g_object_get_data (G_OBJECT (session), "target-indexes");
  Seen *seen = g_object_get_data (G_OBJECT (session), "seen");

  return !sr_session_get_syncing (session) && sr_session_get_campaign_index (session) != NULL
         && seen->n_indexes >= *target;
}

/* Runs a sync and waits for the campaign index that follows it (when the
 * sync changes something: otherwise the index stays). */
static void
sync_and_wait (SrSession *session,
               Seen      *seen,
               gboolean   changes)
{
  guint target = seen->n_indexes + (changes ? 1 : 0);

  g_object_set_data (G_OBJECT (session), "target-indexes", &target);
  sr_session_sync (session, TRUE);
  g_assert_true (sr_session_get_syncing (session));
  sr_test_wait_until (synced_and_indexed, session, 120, "a sync and its campaign index");
  /* A second reload may follow the last commits; let it land. */
  sr_test_spin (500);
}

static GHashTable *
in_progress_ids (SrCampaignIndex *index)
{
  g_autoptr(GPtrArray) campaigns = sr_campaign_index_dup_campaigns (index);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < campaigns->len; i++)
    if (sr_campaign_watch_in_progress (index, g_ptr_array_index (campaigns, i)))
      g_hash_table_add (ids, g_strdup (sr_campaign_get_id (g_ptr_array_index (campaigns, i))));

  return ids;
}

static void
test_notifies_only_campaigns_seen_running (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "3000", "--campaigns", "12",
                                                            "--manual-clock", "--seed", "5", NULL);
  g_autofree char *dir = sr_test_make_tmpdir ("test-campaign-notifier");
  const char *url = sr_test_sandbox_get_url (sandbox);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSession) session = NULL;
  g_autoptr(SrCampaignNotifier) notifier = NULL;
  g_autoptr(GHashTable) running_before = NULL;
  g_autoptr(GHashTable) running_after = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  Seen seen = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free), 0 };
  GHashTableIter iter;
  gpointer id;

  sr_session_open_async (url, url, sr_test_sandbox_get_api_key (sandbox), dir, NULL, on_open_cb, &result);
  sr_test_wait_until (result_set, &result, 60, "the session");
  session = sr_session_open_finish (result, &error);
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (session), "seen", &seen);
  g_signal_connect (session, "notify::campaign-index", G_CALLBACK (on_index_cb), &seen);

  notifier = sr_campaign_notifier_new (session);
  g_signal_connect (notifier, "campaign-finished", G_CALLBACK (on_finished_cb), &seen);

  /* The first download: finished history and running campaigns. */
  sync_and_wait (session, &seen, TRUE);
  running_before = in_progress_ids (sr_session_get_campaign_index (session));
  g_test_message ("%u campaigns, %u in progress", sr_campaign_index_get_n_campaigns (sr_session_get_campaign_index (session)),
                  g_hash_table_size (running_before));
  g_assert_cmpuint (g_hash_table_size (running_before), >, 0);
  g_assert_cmpuint (sr_campaign_index_get_n_campaigns (sr_session_get_campaign_index (session)), >,
                    g_hash_table_size (running_before));
  g_assert_cmpuint (seen.ids->len, ==, 0);

  /* An hour later on the sandbox's clock. */
  sr_test_sandbox_advance (sandbox, 3600);
  sync_and_wait (session, &seen, TRUE);
  running_after = in_progress_ids (sr_session_get_campaign_index (session));

  g_hash_table_iter_init (&iter, running_before);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (running_after, id))
      g_hash_table_add (expected, id);
  g_test_message ("%u done since", g_hash_table_size (expected));
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);
  g_assert_cmpuint (seen.ids->len, ==, g_hash_table_size (expected));
  for (guint i = 0; i < seen.ids->len; i++)
    {
      const char *body = g_ptr_array_index (seen.bodies, i);

      g_test_message ("%s: %s", (char *) g_ptr_array_index (seen.ids, i), body);
      const SrCampaignCounts *counts = sr_campaign_index_get_counts (sr_session_get_campaign_index (session),
                                                                     g_ptr_array_index (seen.ids, i));
      g_autofree char *rate = NULL;
      g_autofree char *failed = NULL;

      g_assert_true (g_hash_table_contains (expected, g_ptr_array_index (seen.ids, i)));
      /* "96.1 % delivered, 12 failed", from the downloaded messages. */
      g_assert_nonnull (counts);
      g_assert_cmpint (counts->total, >, 0);
      rate = sr_format_percent ((double) counts->by_group[SR_STATUS_GROUP_DELIVERED] / counts->total);
      failed = g_strdup_printf (" %" G_GINT64_FORMAT " failed", counts->by_group[SR_STATUS_GROUP_FAILED]);
      g_assert_true (g_str_has_prefix (body, rate));
      g_assert_true (g_str_has_suffix (body, failed));
    }

  /* Another sync: nothing notified again. */
  sync_and_wait (session, &seen, FALSE);
  g_assert_cmpuint (seen.ids->len, ==, g_hash_table_size (expected));

  sr_session_close (session);
  g_ptr_array_unref (seen.ids);
  g_ptr_array_unref (seen.bodies);
  sr_test_remove_tree (dir);
}

static void
on_balance_low_cb (SrCampaignNotifier *notifier,
                   double              balance,
                   const char         *title,
                   GPtrArray          *titles)
{
  g_ptr_array_add (titles, g_strdup (title));
}

static gboolean
not_syncing (gpointer data)
{
  return !sr_session_get_syncing (data);
}

/* Sets the sandbox's balance and syncs; returns the balance the session read. */
static double
sync_with_balance (SrTestSandbox *sandbox,
                   SrSession     *session,
                   double         balance)
{
  sr_test_sandbox_set_balance (sandbox, balance);
  sr_session_sync (session, TRUE);
  g_assert_true (sr_session_get_syncing (session));
  sr_test_wait_until (not_syncing, session, 60, "a sync");

  return sr_session_get_balance (session);
}

static void
test_balance_low (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "200", "--campaigns", "2",
                                                            "--manual-clock", "--seed", "5",
                                                            "--balance", "12.4", NULL);
  g_autofree char *dir = sr_test_make_tmpdir ("test-balance-low");
  const char *url = sr_test_sandbox_get_url (sandbox);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSession) session = NULL;
  g_autoptr(SrCampaignNotifier) notifier = NULL;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *expected = NULL;

  g_settings_set_boolean (settings, "low-balance-alert", TRUE);
  g_settings_set_double (settings, "low-balance-threshold", 20);

  sr_session_open_async (url, url, sr_test_sandbox_get_api_key (sandbox), dir, NULL, on_open_cb, &result);
  sr_test_wait_until (result_set, &result, 60, "the session");
  session = sr_session_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sr_session_get_balance (session), <, 0);

  notifier = sr_campaign_notifier_new (session);
  g_signal_connect (notifier, "balance-low", G_CALLBACK (on_balance_low_cb), titles);

  /* The first sync of a new account: already below, but nothing to cross from. */
  g_assert_cmpfloat (sync_with_balance (sandbox, session, 12.4), ==, 12.4);
  g_assert_cmpuint (titles->len, ==, 0);

  /* Above, then below: one notification with the amount and currency. */
  g_assert_cmpfloat (sync_with_balance (sandbox, session, 30), ==, 30);
  g_assert_cmpuint (titles->len, ==, 0);
  g_assert_cmpfloat (sync_with_balance (sandbox, session, 12.4), ==, 12.4);
  g_assert_cmpuint (titles->len, ==, 1);
  expected = sr_campaign_notifier_dup_balance_title (12.4, sr_session_get_currency (session));
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, expected);
  g_assert_nonnull (strstr (g_ptr_array_index (titles, 0), "12.40"));
  g_assert_nonnull (strstr (g_ptr_array_index (titles, 0), sr_session_get_currency (session)));

  /* Still low, lower still: not again. */
  sync_with_balance (sandbox, session, 12.4);
  sync_with_balance (sandbox, session, 11);
  g_assert_cmpuint (titles->len, ==, 1);

  /* Exactly at the threshold is not low; below it again notifies again. */
  sync_with_balance (sandbox, session, 20);
  g_assert_cmpuint (titles->len, ==, 1);
  sync_with_balance (sandbox, session, 5);
  g_assert_cmpuint (titles->len, ==, 2);

  /* With the alert off, a crossing notifies nothing. */
  g_settings_set_boolean (settings, "low-balance-alert", FALSE);
  sync_with_balance (sandbox, session, 30);
  sync_with_balance (sandbox, session, 5);
  g_assert_cmpuint (titles->len, ==, 2);

  g_settings_reset (settings, "low-balance-alert");
  g_settings_reset (settings, "low-balance-threshold");
  sr_session_close (session);
  sr_test_remove_tree (dir);
}

typedef struct
{
  SrSession          *session;
  SrCampaignNotifier *notifier;
  guint               target;
} RateWait;

static gboolean
rate_checked (gpointer data)
{
  RateWait *wait = data;

  return !sr_session_get_syncing (wait->session)
         && sr_campaign_notifier_get_n_rate_checks (wait->notifier) >= wait->target;
}

/* Moves the sandbox's clock on, syncs and waits for the rate check. */
static void
advance_sync_and_check (SrTestSandbox      *sandbox,
                        SrSession          *session,
                        SrCampaignNotifier *notifier,
                        int                 seconds)
{
  RateWait wait = { session, notifier, sr_campaign_notifier_get_n_rate_checks (notifier) + 1 };

  sr_test_sandbox_advance (sandbox, seconds);
  sr_session_sync (session, TRUE);
  g_assert_true (sr_session_get_syncing (session));
  sr_test_wait_until (rate_checked, &wait, 120, "a sync and its rate check");
}

typedef struct
{
  GArray    *hours;    /* pairs of gint64: from, to */
  GPtrArray *bodies;
} RateSeen;

static void
on_rate_low_cb (SrCampaignNotifier *notifier,
                gint64              from,
                gint64              to,
                const char         *body,
                RateSeen           *seen)
{
  g_array_append_val (seen->hours, from);
  g_array_append_val (seen->hours, to);
  g_ptr_array_add (seen->bodies, g_strdup (body));
}

static gint64
count_in (SrCache *cache,
          gint64   from,
          gint64   to,
          guint    status_mask)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GError) error = NULL;
  gint64 n;

  filter->from = from;
  filter->to = to;
  filter->status_mask = status_mask;
  n = sr_cache_count_messages (cache, filter, &error);
  g_assert_no_error (error);

  return n;
}

/* The delivery rate of the last hour against the 30 days before it, with
 * the sandbox's live messages failing on demand: a bad hour in the first
 * download does not notify, a good hour does not, a bad hour after it
 * notifies once (with the hour, whose undelivered messages the action
 * shows), and the same drop half an hour later does not again. */
static void
test_rate_low (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "3000", "--campaigns", "4",
                                                            "--days", "30", "--live", "--manual-clock",
                                                            "--live-rate", "10", "--seed", "5", NULL);
  g_autofree char *dir = sr_test_make_tmpdir ("test-rate-low");
  const char *url = sr_test_sandbox_get_url (sandbox);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSession) session = NULL;
  g_autoptr(SrCampaignNotifier) notifier = NULL;
  RateSeen seen = { g_array_new (FALSE, FALSE, sizeof (gint64)), g_ptr_array_new_with_free_func (g_free) };
  SrCache *cache;
  gint64 from, to, delivered, undelivered, usual_delivered, usual_undelivered;
  guint not_arrived = sr_status_not_arrived_mask ();

  sr_session_open_async (url, url, sr_test_sandbox_get_api_key (sandbox), dir, NULL, on_open_cb, &result);
  sr_test_wait_until (result_set, &result, 60, "the session");
  session = sr_session_open_finish (result, &error);
  g_assert_no_error (error);
  cache = sr_session_get_cache (session);
  notifier = sr_campaign_notifier_new (session);
  g_signal_connect (notifier, "rate-low", G_CALLBACK (on_rate_low_cb), &seen);

  /* A bad hour in the first download: history, never notified. */
  sr_test_sandbox_set_delivery_failures (sandbox, 0.7);
  advance_sync_and_check (sandbox, session, notifier, 3600);
  g_assert_cmpuint (seen.bodies->len, ==, 0);

  /* A good hour. */
  sr_test_sandbox_set_delivery_failures (sandbox, 0);
  advance_sync_and_check (sandbox, session, notifier, 3600);
  g_assert_cmpuint (seen.bodies->len, ==, 0);

  /* A bad hour: one notification, about that hour. */
  sr_test_sandbox_set_delivery_failures (sandbox, 0.7);
  advance_sync_and_check (sandbox, session, notifier, 3600);
  g_assert_cmpuint (seen.bodies->len, ==, 1);
  from = g_array_index (seen.hours, gint64, 0);
  to = g_array_index (seen.hours, gint64, 1);
  g_assert_cmpint (to - from, ==, G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  g_assert_cmpint (to, >, sr_cache_get_newest_created_at (cache, NULL));

  /* Counted here another way: well below, by enough messages. */
  delivered = count_in (cache, from, to, 1u << SR_STATUS_DELIVERED);
  undelivered = count_in (cache, from, to, not_arrived);
  usual_delivered = count_in (cache, from - 30 * 24 * G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, from, 1u << SR_STATUS_DELIVERED);
  usual_undelivered = count_in (cache, from - 30 * 24 * G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, from, not_arrived);
  g_test_message ("%s (%" G_GINT64_FORMAT " undelivered in the hour)", (char *) g_ptr_array_index (seen.bodies, 0), undelivered);
  g_assert_cmpint (delivered + undelivered, >=, SR_RATE_MIN_HOUR_SETTLED);
  g_assert_cmpfloat ((double) delivered / (delivered + undelivered), <,
                     (double) usual_delivered / (usual_delivered + usual_undelivered) - 0.10);
  {
    SrRateSample hour = { delivered + undelivered, delivered };
    SrRateSample usual = { usual_delivered + usual_undelivered, usual_delivered };
    g_autofree char *body = sr_campaign_notifier_dup_rate_body (&hour, &usual);

    g_assert_cmpstr (g_ptr_array_index (seen.bodies, 0), ==, body);
  }

  /* Still bad half an hour later: not again. */
  advance_sync_and_check (sandbox, session, notifier, 1800);
  g_assert_cmpuint (seen.bodies->len, ==, 1);

  sr_session_close (session);
  g_array_unref (seen.hours);
  g_ptr_array_unref (seen.bodies);
  sr_test_remove_tree (dir);
}

/* What the notification's action opens: the Messages Log filtered to the
 * hour and to the messages that did not arrive (here a day, for enough of
 * them), on a real window synced from the sandbox. */
static void
test_show_undelivered (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "2000", "--campaigns", "4",
                                                            "--days", "30", "--seed", "5", NULL);
  g_autofree char *dir = sr_test_make_tmpdir ("test-show-undelivered");
  const char *url = sr_test_sandbox_get_url (sandbox);
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  SrWindow *window;
  SrCache *cache;
  SrMessageList *list;
  const SrMessageFilter *shown;
  gint64 newest, expected;

  window = sr_window_new_for_test (url, url, dir, sr_test_sandbox_get_api_key (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");
  sr_test_wait_until (sr_test_window_messages_ready, window, 60, "the Messages Log");

  cache = sr_session_get_cache (sr_window_get_session (window));
  newest = sr_cache_get_newest_created_at (cache, NULL);
  filter->to = newest + 1;
  filter->from = filter->to - G_GINT64_CONSTANT (24 * 3600) * G_USEC_PER_SEC;
  filter->status_mask = sr_status_not_arrived_mask ();
  expected = count_in (cache, filter->from, filter->to, filter->status_mask);
  g_assert_cmpint (expected, >, 0);

  sr_window_show_messages (window, filter);
  sr_test_wait_until (sr_test_window_messages_ready, window, 60, "the filtered Messages Log");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  shown = sr_message_list_get_filter (list);
  g_assert_cmpint (shown->from, ==, filter->from);
  g_assert_cmpint (shown->to, ==, filter->to);
  g_assert_cmpuint (shown->status_mask, ==, filter->status_mask);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected);

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The Preferences rows store the alert and its amount; the amount is only
 * editable while the alert is on. */
static void
test_preferences_low_balance (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GtkWidget) prefs = g_object_ref_sink (sr_preferences_dialog_new ());
  /* The rows live under the dialog's child until it is presented. */
  GtkWidget *content = adw_dialog_get_child (ADW_DIALOG (prefs));
  GtkWidget *alert = find_row (content, ADW_TYPE_SWITCH_ROW, "Low Balance Alert");
  GtkWidget *amount = find_row (content, ADW_TYPE_SPIN_ROW, "Alert Below");

  g_assert_nonnull (alert);
  g_assert_nonnull (amount);
  g_assert_false (g_settings_get_boolean (settings, "low-balance-alert"));
  g_assert_false (adw_switch_row_get_active (ADW_SWITCH_ROW (alert)));
  g_assert_false (gtk_widget_get_sensitive (amount));

  adw_switch_row_set_active (ADW_SWITCH_ROW (alert), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "low-balance-alert"));
  g_assert_true (gtk_widget_get_sensitive (amount));
  adw_spin_row_set_value (ADW_SPIN_ROW (amount), 12.5);
  g_assert_cmpfloat (g_settings_get_double (settings, "low-balance-threshold"), ==, 12.5);

  g_settings_set_double (settings, "low-balance-threshold", 40);
  g_assert_cmpfloat (adw_spin_row_get_value (ADW_SPIN_ROW (amount)), ==, 40);

  g_settings_reset (settings, "low-balance-alert");
  g_settings_reset (settings, "low-balance-threshold");
  g_assert_false (adw_switch_row_get_active (ADW_SWITCH_ROW (alert)));
}

/* The background switch stores run-in-background, and is only editable
 * while automatic refresh is on (nothing else would sync). */
static void
test_preferences_background (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GtkWidget) prefs = g_object_ref_sink (sr_preferences_dialog_new ());
  GtkWidget *content = adw_dialog_get_child (ADW_DIALOG (prefs));
  GtkWidget *background = find_row (content, ADW_TYPE_SWITCH_ROW, "Keep Refreshing in the Background");

  g_assert_nonnull (background);
  g_assert_false (adw_switch_row_get_active (ADW_SWITCH_ROW (background)));
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-refresh-minutes"), >, 0);
  g_assert_true (gtk_widget_get_sensitive (background));

  adw_switch_row_set_active (ADW_SWITCH_ROW (background), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));

  g_settings_set_uint (settings, "auto-refresh-minutes", 0);
  g_assert_false (gtk_widget_get_sensitive (background));

  g_settings_reset (settings, "auto-refresh-minutes");
  g_settings_reset (settings, "run-in-background");
  g_assert_true (gtk_widget_get_sensitive (background));
  g_assert_false (adw_switch_row_get_active (ADW_SWITCH_ROW (background)));
}

static GtkWindow *
only_window (SrApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_cmpuint (g_list_length (windows), ==, 1);
  return windows->data;
}

static gboolean
no_window (gpointer app)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static gboolean
window_session_idle (gpointer app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  return windows != NULL && sr_test_window_session_idle (windows->data);
}

typedef struct
{
  SrApplication *app;
  guint          releases;
} Releases;

static gboolean
memory_released (gpointer user_data)
{
  Releases *r = user_data;

  return sr_application_get_memory_releases (r->app) >= r->releases;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
dashboard_filled (gpointer app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  return windows != NULL && SR_IS_WINDOW (windows->data) &&
         sr_dashboard_page_get_total (sr_window_get_dashboard_page (windows->data)) > 0;
}

static gboolean
campaign_seen (gpointer data)
{
  return ((Seen *) data)->ids->len > 0;
}

/* The test session's notification server: org.freedesktop.Notifications
 * on the session bus, keeping the body of each notification it is
 * given, so a test sees what reached the desktop. */
static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  GPtrArray *summaries = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      const char *body;

      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (summaries, g_strdup (body));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", summaries->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb, NULL, NULL, { 0 } };

static guint
notification_server_start (GDBusConnection *connection,
                           GPtrArray       *summaries,
                           guint           *owner_id)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GError) error = NULL;
  guint id;

  id = g_dbus_connection_register_object (connection, "/org/freedesktop/Notifications", info->interfaces[0],
                                          &notifications_vtable, summaries, NULL, &error);
  g_assert_no_error (error);
  *owner_id = g_bus_own_name_on_connection (connection, "org.freedesktop.Notifications",
                                            G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  return id;
}

static gboolean
name_owned (gpointer connection)
{
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                 "org.freedesktop.DBus", "NameHasOwner",
                                 g_variant_new ("(s)", "org.freedesktop.Notifications"),
                                 G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

typedef struct
{
  GPtrArray *received;
  guint      n;
} Received;

static gboolean
notifications_received (gpointer data)
{
  Received *r = data;

  return r->received->len >= r->n;
}

/* Closes the main window into the background and waits until it is gone
 * (its last reference dropped), the account still open in the app. */
static void
close_into_background (SrApplication *app,
                       GtkWindow     *window,
                       SrSession     *session)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (window);
  sr_test_wait_until (pointer_cleared, &window, 10, "the closed window to be destroyed");
  g_assert_true (no_window (app));
  g_assert_true (sr_application_get_background_session (app) == session);
}

/* "Keep Refreshing in the Background": closing the window destroys it;
 * the application keeps the account open (its session, which syncs on its
 * timer, and its notifier), holds itself for it, and releases what the
 * cache's idle readers hold once the window is gone and after each sync.
 * A campaign that ends then is notified. Activating the app gives a new
 * window on the same session (no sign-in, no second sync) with the
 * account's reports; a notification's action opens the right campaign.
 * Turning the setting off with no window closes the account. With the
 * setting off, closing the window ends the app as before. The Background
 * portal (asked in Flatpak) is tested in test-background-portal.c. */
static void
test_background_keeps_app (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "3000", "--campaigns", "12",
                                                            "--manual-clock", "--seed", "5", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(SrApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = sr_test_sandbox_get_url (sandbox);
  Seen seen = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free), 0 };
  g_autofree char *campaign_id = NULL;
  SrCampaignWindow *campaign_window = NULL;
  SrWindow *main_window = NULL;
  Releases releases;
  GtkWindow *window;
  SrSession *session;
  gint64 total;
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  guint server_owner = 0;
  guint server_object;
  Received received;

  /* What reaches the desktop */
  g_assert_nonnull (bus);
  server_object = notification_server_start (bus, summaries, &server_owner);
  sr_test_wait_until (name_owned, bus, 10, "the notification server");

  /* An account: the sandbox, its key for this run only */
  g_settings_set_string (settings, "api-url", url);
  g_settings_set_string (settings, "auth-url", url);
  g_setenv ("SMSTO_API_KEY", sr_test_sandbox_get_api_key (sandbox), TRUE);
  app = sr_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_settings_get_boolean (settings, "run-in-background"));

  /* On: closed, the window is destroyed and the app keeps its account. */
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-dashboard", NULL);
  window = only_window (app);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  sr_test_wait_until (window_session_idle, app, 60, "the account to open and sync");
  session = sr_window_get_session (SR_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  sr_test_wait_until (dashboard_filled, app, 30, "the Dashboard's figures");
  total = sr_dashboard_page_get_total (sr_window_get_dashboard_page (SR_WINDOW (window)));
  g_assert_null (sr_application_get_background_session (app));
  g_assert_cmpuint (sr_application_get_memory_releases (app), ==, 0);
  close_into_background (app, window, session);

  /* Gone: what the cache's readers hold is released */
  releases = (Releases) { app, 1 };
  sr_test_wait_until (memory_released, &releases, 10, "the memory to be released");

  /* A background sync an hour later on the sandbox's clock: the campaigns
   * that ended are notified, and the memory released again. */
  g_signal_connect (sr_application_get_background_notifier (app), "campaign-finished",
                    G_CALLBACK (on_finished_cb), &seen);
  sr_test_sandbox_advance (sandbox, 3600);
  sr_session_sync (session, FALSE);
  sr_test_wait_until (campaign_seen, &seen, 60, "a campaign done in the background");
  /* ...and they reached the desktop. */
  received = (Received) { summaries, seen.ids->len };
  sr_test_wait_until (notifications_received, &received, 10, "the notifications on the desktop");
  for (guint i = 0; i < seen.bodies->len; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (summaries, g_ptr_array_index (seen.bodies, i),
                                                     g_str_equal, NULL));
  releases.releases = 2;
  sr_test_wait_until (memory_released, &releases, 60, "the memory to be released after a sync");
  campaign_id = g_strdup (g_ptr_array_index (seen.ids, 0));

  /* Activating: a new window on the same session, no second sync, with
   * the account's reports. */
  g_application_activate (G_APPLICATION (app));
  window = only_window (app);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (sr_window_get_session (SR_WINDOW (window)) == session);
  g_assert_null (sr_application_get_background_session (app));
  g_assert_false (sr_session_get_syncing (session));
  g_assert_cmpstr (sr_window_get_visible_page (SR_WINDOW (window)), ==, "reports");
  sr_test_wait_until (dashboard_filled, app, 30, "the Dashboard's figures");
  /* The same period, an hour of sending later */
  g_assert_cmpint (sr_dashboard_page_get_total (sr_window_get_dashboard_page (SR_WINDOW (window))), >=, total);

  /* The notification's action, with no window: that campaign's window. */
  close_into_background (app, window, session);
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-campaign", g_variant_new_string (campaign_id));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      if (SR_IS_WINDOW (l->data))
        main_window = l->data;
      else if (SR_IS_CAMPAIGN_WINDOW (l->data))
        campaign_window = l->data;
    }
  g_assert_nonnull (main_window);
  g_assert_true (sr_window_get_session (main_window) == session);
  g_assert_nonnull (campaign_window);
  g_assert_cmpstr (sr_campaign_window_get_campaign_id (campaign_window), ==, campaign_id);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (campaign_window)));

  /* Shell's search with no window: the kept account's file answers, and a
   * result opens a window on that message's details. */
  gtk_window_close (GTK_WINDOW (campaign_window));
  close_into_background (app, GTK_WINDOW (main_window), session);
  {
    g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
    g_autofree char *path = g_strconcat (g_application_get_dbus_object_path (G_APPLICATION (app)),
                                         SR_SEARCH_PROVIDER_PATH_SUFFIX, NULL);
    g_autoptr(GDBusConnection) shell = NULL;
    g_autoptr(GDBusProxy) proxy = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) activated = NULL;
    g_auto(GStrv) ids = NULL;
    const char *terms[] = { "bank", NULL };
    SrTestDetailsWait wait;

    shell = g_dbus_connection_new_for_address_sync (address,
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                    | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
    g_assert_no_error (error);
    proxy = g_dbus_proxy_new_sync (shell, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                   NULL, g_dbus_connection_get_unique_name (bus), path,
                                   "org.gnome.Shell.SearchProvider2", NULL, &error);
    g_assert_no_error (error);
    reply = sr_test_dbus_call (proxy, "GetInitialResultSet", g_variant_new ("(^as)", terms));
    g_variant_get (reply, "(^as)", &ids);
    g_assert_cmpuint (g_strv_length (ids), >, 0);
    g_assert_true (no_window (app));
    activated = sr_test_dbus_call (proxy, "ActivateResult", g_variant_new ("(s^asu)", ids[0], terms, 0));
    wait = (SrTestDetailsWait) { app, ids[0] };
    sr_test_wait_until (sr_test_message_details_shown, &wait, 60, "the message's details");
    main_window = sr_test_app_main_window (app);
    g_assert_true (sr_window_get_session (main_window) == session);
  }

  /* A close that only closes the window's open dialog (libadwaita) leaves
   * the account with the window. */
  gtk_window_close (GTK_WINDOW (main_window));
  sr_test_spin (200);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (main_window)));
  g_assert_true (sr_window_get_session (main_window) == session);
  g_assert_null (sr_application_get_background_session (app));

  /* Off with no window: the account is closed, nothing keeps the app. */
  if (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (main_window)) != NULL)
    g_assert_true (adw_dialog_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (main_window))));
  sr_test_spin (300);
  close_into_background (app, GTK_WINDOW (main_window), session);
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_assert_null (sr_application_get_background_session (app));
  sr_test_wait_until (pointer_cleared, &session, 10, "the session to be closed");

  /* Off: closing the window ends it, nothing kept. */
  g_application_activate (G_APPLICATION (app));
  window = only_window (app);
  gtk_window_close (window);
  sr_test_wait_until (no_window, app, 10, "the window to close");
  g_assert_null (sr_application_get_background_session (app));

  g_settings_reset (settings, "run-in-background");
  g_settings_reset (settings, "api-url");
  g_settings_reset (settings, "auth-url");
  g_unsetenv ("SMSTO_API_KEY");
  g_ptr_array_unref (seen.ids);
  g_ptr_array_unref (seen.bodies);
  g_bus_unown_name (server_owner);
  g_dbus_connection_unregister_object (bus, server_object);
}

typedef struct
{
  SrApplication *app;
  gboolean       kept;      /* the account open, in the background */
  gboolean       shown;     /* a window was ever visible */
  gint64         deadline;
} HiddenStart;

static gboolean
hidden_start_poll_cb (gpointer user_data)
{
  HiddenStart *h = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (h->app)); l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data))
      h->shown = TRUE;

  if (sr_application_get_background_session (h->app) != NULL && no_window (h->app))
    h->kept = TRUE;
  if (h->kept || h->shown || g_get_monotonic_time () > h->deadline)
    {
      /* What the app holds itself for goes with the setting. */
      g_settings_reset (g_object_get_data (G_OBJECT (h->app), "test-settings"), "run-in-background");
      g_application_quit (G_APPLICATION (h->app));
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* --background (the autostart's command line): no window is ever shown;
 * once the account is open the unseen window goes and the application
 * keeps the account open, running until background refresh is turned
 * off. */
static void
test_background_start (void)
{
  g_autoptr(SrTestSandbox) sandbox = sr_test_sandbox_start ("--messages", "300", "--campaigns", "2", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(SrApplication) app = NULL;
  const char *url = sr_test_sandbox_get_url (sandbox);
  char *argv[] = { (char *) "sms-reports", (char *) "--background", NULL };
  HiddenStart h = { 0 };

  g_settings_set_string (settings, "api-url", url);
  g_settings_set_string (settings, "auth-url", url);
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_setenv ("SMSTO_API_KEY", sr_test_sandbox_get_api_key (sandbox), TRUE);
  app = sr_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  /* The application of an earlier test in this process is still exported
   * on the bus at the same path ("An object is already exported"): another
   * id. */
  g_application_set_application_id (G_APPLICATION (app), APPLICATION_ID ".BackgroundStart");
  g_object_set_data (G_OBJECT (app), "test-settings", settings);

  h.app = app;
  h.deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_timeout_add (100, hidden_start_poll_cb, &h);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 2, argv), ==, 0);
  g_assert_false (h.shown);
  g_assert_true (h.kept);

  g_settings_reset (settings, "api-url");
  g_settings_reset (settings, "auth-url");
  g_unsetenv ("SMSTO_API_KEY");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display");
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  g_test_add_func ("/campaign-notifier/only-campaigns-seen-running", test_notifies_only_campaigns_seen_running);
  g_test_add_func ("/campaign-notifier/balance-low", test_balance_low);
  g_test_add_func ("/campaign-notifier/rate-low", test_rate_low);
  g_test_add_func ("/campaign-notifier/show-undelivered", test_show_undelivered);
  g_test_add_func ("/campaign-notifier/preferences-low-balance", test_preferences_low_balance);
  g_test_add_func ("/campaign-notifier/preferences-background", test_preferences_background);
  g_test_add_func ("/campaign-notifier/background-keeps-app", test_background_keeps_app);
  g_test_add_func ("/campaign-notifier/background-start", test_background_start);

  return g_test_run ();
}
