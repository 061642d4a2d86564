/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-notifier.c: turns each new campaign index of a session
 * (reloaded off the main thread after a sync) into "campaign done"
 * notifications. SrCampaignWatch decides which campaigns finished; the
 * first index after opening the account only primes it, so neither a first
 * download nor the history already in the cache ever notifies. Emits
 * "campaign-finished" for each one as well (tests, and anyone who wants to
 * show it in the window).
 *
 * It also watches the account's balance: when a sync finds it below the
 * threshold set in Preferences (low-balance-alert, low-balance-threshold)
 * after a reading at or above it, one "Balance low" notification opens the
 * Dashboard (app.show-dashboard), and "balance-low" is emitted.
 *
 * After each successful sync it compares the delivery rate of the last
 * hour with the 30 days before it, off the main thread
 * (sr_rate_well_below() says what "well below" means); one "Delivery Rate
 * Dropped" notification per drop opens that hour's undelivered messages
 * (app.show-undelivered), and "rate-low" is emitted.
 */
#define G_LOG_DOMAIN "sr-campaign-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-campaign-notifier.h"
#include "sr-core.h"
#include "sr-format.h"

struct _SrCampaignNotifier
{
  GObject          parent_instance;

  SrSession       *session;   /* weak: the session owns nothing of ours */
  SrCampaignWatch *watch;
  GSettings       *settings;
  double           last_balance;   /* < 0 while unknown */

  GCancellable    *rate_cancellable;
  gboolean         rate_running;
  gboolean         rate_again;     /* a sync finished while counting */
  gboolean         rate_primed;
  gboolean         rate_low;       /* the last check found it well below */
  guint            n_rate_checks;
  GHashTable      *sent_ids;       /* notifications sent, to withdraw */
};

G_DEFINE_FINAL_TYPE (SrCampaignNotifier, sr_campaign_notifier, G_TYPE_OBJECT)

enum {
  CAMPAIGN_FINISHED,
  BALANCE_LOW,
  RATE_LOW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
sr_campaign_notifier_dup_body (SrCampaignIndex *index,
                               SrCampaign      *campaign)
{
  const SrCampaignCounts *counts = sr_campaign_index_get_counts (index, sr_campaign_get_id (campaign));
  g_autofree char *rate = NULL;
  g_autofree char *n_failed = NULL;
  gint64 total, delivered, failed;

  if (counts != NULL && counts->total > 0)
    {
      total = counts->total;
      delivered = counts->by_group[SR_STATUS_GROUP_DELIVERED];
      failed = counts->by_group[SR_STATUS_GROUP_FAILED];
    }
  else
    {
      total = sr_campaign_get_recipients (campaign);
      delivered = sr_campaign_get_delivered_messages (campaign);
      failed = sr_campaign_get_failed_messages (campaign);
    }

  rate = sr_format_percent (total > 0 ? (double) delivered / total : -1);
  n_failed = sr_format_count (failed);
  /* Translators: a notification when a campaign is done: the delivery
   * rate, then the number of failed messages, e.g. "96.1 % delivered, 12 failed" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s delivered, %s failed", "%s delivered, %s failed",
                                       (gulong) MIN (failed, G_MAXINT)),
                          rate, n_failed);
}

static void
notify_finished (SrCampaignNotifier *self,
                 SrCampaignIndex    *index,
                 SrCampaign         *campaign)
{
  GApplication *app = g_application_get_default ();
  g_autofree char *name = sr_format_campaign_name (campaign);
  g_autofree char *body = sr_campaign_notifier_dup_body (index, campaign);
  g_autofree char *notification_id = g_strconcat ("campaign-", sr_campaign_get_id (campaign), NULL);

  g_debug ("Campaign %s is done", sr_campaign_get_id (campaign));
  g_signal_emit (self, signals[CAMPAIGN_FINISHED], 0, campaign, name, body);

  if (app != NULL && g_application_get_is_registered (app))
    {
      g_autoptr(GNotification) notification = g_notification_new (name);
      GVariant *target = g_variant_new_string (sr_campaign_get_id (campaign));

      g_notification_set_body (notification, body);
      g_notification_set_default_action_and_target_value (notification, "app.show-campaign", target);
      g_notification_add_button_with_target_value (notification, _("View"), "app.show-campaign", target);
      g_application_send_notification (app, notification_id, notification);
      g_hash_table_add (self->sent_ids, g_strdup (notification_id));
    }
}

static void
on_campaign_index_cb (SrCampaignNotifier *self)
{
  SrCampaignIndex *index = sr_session_get_campaign_index (self->session);
  g_autoptr(GPtrArray) finished = NULL;

  if (index == NULL)
    return;

  finished = sr_campaign_watch_update (self->watch, index);
  for (guint i = 0; i < finished->len; i++)
    notify_finished (self, index, g_ptr_array_index (finished, i));
}

char *
sr_campaign_notifier_dup_balance_title (double      balance,
                                        const char *currency)
{
  g_autofree char *amount = sr_format_money (balance, currency, 2);

  /* Translators: a notification's title; %s is an amount with its
   * currency, e.g. "Balance low: 12.40 EUR left" */
  return g_strdup_printf (_("Balance low: %s left"), amount);
}

static void
notify_balance_low (SrCampaignNotifier *self,
                    double              balance,
                    double              threshold)
{
  GApplication *app = g_application_get_default ();
  const char *currency = sr_session_get_currency (self->session);
  g_autofree char *title = sr_campaign_notifier_dup_balance_title (balance, currency);
  g_autofree char *limit = sr_format_money (threshold, currency, 2);
  g_autofree char *body = NULL;

  /* Translators: the text of the "Balance low" notification; %s is the
   * threshold set in Preferences, e.g. "20.00 EUR" */
  body = g_strdup_printf (_("Below the %s set in Preferences. Top up your SMS.to account to keep sending."), limit);

  g_debug ("Balance below the threshold");
  g_signal_emit (self, signals[BALANCE_LOW], 0, balance, title);

  if (app != NULL && g_application_get_is_registered (app))
    {
      g_autoptr(GNotification) notification = g_notification_new (title);

      g_notification_set_body (notification, body);
      g_notification_set_default_action (notification, "app.show-dashboard");
      g_notification_add_button (notification, _("Open Dashboard"), "app.show-dashboard");
      g_application_send_notification (app, "balance-low", notification);
      g_hash_table_add (self->sent_ids, g_strdup ("balance-low"));
    }
}

/* Each new balance is a reading; the one in the cache when the account
 * opened is the first. Only a reading below the threshold after one at or
 * above it notifies: a new account's first sync (no reading before) never
 * does, and a balance that stays low notifies once. Readings are kept while
 * the alert is off too, so turning it on does not count a stale one. */
static void
on_balance_cb (SrCampaignNotifier *self)
{
  double balance = sr_session_get_balance (self->session);
  double threshold = g_settings_get_double (self->settings, "low-balance-threshold");
  double previous = self->last_balance;

  if (balance < 0)
    return;
  self->last_balance = balance;

  if (g_settings_get_boolean (self->settings, "low-balance-alert")
      && sr_balance_crossed_below (previous, balance, threshold))
    notify_balance_low (self, balance, threshold);
}

/* --- delivery rate --- */

#define RATE_HOUR        (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600))
#define RATE_USUAL_DAYS  30

typedef struct
{
  gint64       from;    /* the hour: [from, to) */
  gint64       to;
  SrRateSample hour;
  SrRateSample usual;   /* the 30 days before it */
} RateCheck;

/* The last hour ends now, or at the newest message when that is later
 * (a server clock ahead of ours, like the sandbox's manual clock). */
static void
rate_check_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SrCache *cache = task_data;
  g_autofree RateCheck *check = g_new0 (RateCheck, 1);
  GError *error = NULL;
  gint64 newest = sr_cache_get_newest_created_at (cache, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  check->to = MAX (g_get_real_time (), newest != SR_TIME_NONE ? newest + 1 : 0);
  check->from = check->to - RATE_HOUR;
  if (!sr_rate_sample_count (cache, check->from, check->to, &check->hour, &error)
      || !sr_rate_sample_count (cache, check->from - RATE_USUAL_DAYS * 24 * RATE_HOUR, check->from,
                                &check->usual, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&check), g_free);
}

char *
sr_campaign_notifier_dup_rate_body (const SrRateSample *hour,
                                    const SrRateSample *usual)
{
  g_autofree char *rate = sr_format_percent ((double) hour->delivered / MAX (hour->settled, 1));
  g_autofree char *usual_rate = sr_format_percent ((double) usual->delivered / MAX (usual->settled, 1));
  g_autofree char *n_failed = sr_format_count (hour->settled - hour->delivered);

  /* Translators: the text of the "Delivery rate dropped" notification:
   * the last hour's rate, the usual rate and the last hour's failed
   * messages, e.g. "61.0 % delivered in the last hour, usually 94.2 %; 78 did not arrive" */
  return g_strdup_printf (_("%s delivered in the last hour, usually %s; %s did not arrive"),
                          rate, usual_rate, n_failed);
}

static void
notify_rate_low (SrCampaignNotifier *self,
                 const RateCheck    *check)
{
  GApplication *app = g_application_get_default ();
  g_autofree char *body = sr_campaign_notifier_dup_rate_body (&check->hour, &check->usual);

  g_debug ("Delivery rate of the last hour well below the usual rate");
  g_signal_emit (self, signals[RATE_LOW], 0, check->from, check->to, body);

  if (app != NULL && g_application_get_is_registered (app))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Delivery Rate Dropped"));
      GVariant *target = g_variant_new ("(xx)", check->from, check->to);

      g_notification_set_body (notification, body);
      g_notification_set_default_action_and_target_value (notification, "app.show-undelivered", target);
      g_notification_add_button_with_target_value (notification, _("Show Messages"), "app.show-undelivered", target);
      g_application_send_notification (app, "delivery-rate", notification);
      g_hash_table_add (self->sent_ids, g_strdup ("delivery-rate"));
    }
}

static void start_rate_check (SrCampaignNotifier *self);

static void
rate_check_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SrCampaignNotifier *self = SR_CAMPAIGN_NOTIFIER (object);
  g_autoptr(GError) error = NULL;
  g_autofree RateCheck *check = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean low;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->rate_running = FALSE;
  if (check == NULL)
    {
      g_debug ("Cannot check the delivery rate: %s", error->message);
      return;
    }

  g_debug ("Last hour %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " delivered, usually %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
           check->hour.delivered, check->hour.settled, check->usual.delivered, check->usual.settled);

  /* The first check after opening only primes: history downloaded for the
   * first time never notifies. Then once per drop, again only after a
   * check that was not well below. */
  self->n_rate_checks++;
  low = sr_rate_well_below (&check->hour, &check->usual);
  if (self->rate_primed && low && !self->rate_low)
    notify_rate_low (self, check);
  self->rate_primed = TRUE;
  self->rate_low = low;

  if (self->rate_again)
    start_rate_check (self);
}

static void
start_rate_check (SrCampaignNotifier *self)
{
  SrCache *cache = self->session != NULL ? sr_session_get_cache (self->session) : NULL;
  g_autoptr(GTask) task = NULL;

  self->rate_again = FALSE;
  if (cache == NULL)
    return;
  if (self->rate_running)
    {
      self->rate_again = TRUE;
      return;
    }

  self->rate_running = TRUE;
  task = g_task_new (self, self->rate_cancellable, rate_check_done_cb, NULL);
  g_task_set_source_tag (task, start_rate_check);
  g_task_set_task_data (task, g_object_ref (cache), g_object_unref);
  g_task_run_in_thread (task, rate_check_thread);
}

static void
on_sync_finished_cb (SrCampaignNotifier *self,
                     gpointer            summary,
                     const GError       *error)
{
  if (error == NULL)
    start_rate_check (self);
}

static void
sr_campaign_notifier_dispose (GObject *object)
{
  SrCampaignNotifier *self = SR_CAMPAIGN_NOTIFIER (object);

  g_cancellable_cancel (self->rate_cancellable);

  G_OBJECT_CLASS (sr_campaign_notifier_parent_class)->dispose (object);
}

static void
sr_campaign_notifier_finalize (GObject *object)
{
  SrCampaignNotifier *self = SR_CAMPAIGN_NOTIFIER (object);

  g_clear_weak_pointer (&self->session);
  g_clear_pointer (&self->watch, sr_campaign_watch_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->rate_cancellable);
  g_clear_pointer (&self->sent_ids, g_hash_table_unref);

  G_OBJECT_CLASS (sr_campaign_notifier_parent_class)->finalize (object);
}

static void
sr_campaign_notifier_class_init (SrCampaignNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_campaign_notifier_dispose;
  object_class->finalize = sr_campaign_notifier_finalize;

  /**
   * SrCampaignNotifier::campaign-finished:
   * @campaign: the campaign that is done
   * @title: the notification's title (the campaign's name)
   * @body: its text ("96.1 % delivered, 12 failed")
   */
  signals[CAMPAIGN_FINISHED] =
    g_signal_new ("campaign-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, SR_TYPE_CAMPAIGN, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * SrCampaignNotifier::balance-low:
   * @balance: the balance that fell below the threshold
   * @title: the notification's title ("Balance low: 12.40 EUR left")
   */
  signals[BALANCE_LOW] =
    g_signal_new ("balance-low",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_STRING);

  /**
   * SrCampaignNotifier::rate-low:
   * @from: start of the hour (µs since the epoch)
   * @to: its end (exclusive)
   * @body: the notification's text
   */
  signals[RATE_LOW] =
    g_signal_new ("rate-low",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING);
}

static void
sr_campaign_notifier_init (SrCampaignNotifier *self)
{
  self->watch = sr_campaign_watch_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  self->last_balance = -1;
  self->rate_cancellable = g_cancellable_new ();
  self->sent_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

SrCampaignNotifier *
sr_campaign_notifier_new (SrSession *session)
{
  SrCampaignNotifier *self;

  g_return_val_if_fail (SR_IS_SESSION (session), NULL);

  self = g_object_new (SR_TYPE_CAMPAIGN_NOTIFIER, NULL);
  g_set_weak_pointer (&self->session, session);
  g_signal_connect_object (session, "notify::campaign-index",
                           G_CALLBACK (on_campaign_index_cb), self, G_CONNECT_SWAPPED);
  /* An index loaded already primes the watch now. */
  on_campaign_index_cb (self);

  /* The balance cached at the last run is the first reading. */
  self->last_balance = sr_session_get_balance (session);
  g_signal_connect_object (session, "notify::balance",
                           G_CALLBACK (on_balance_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "sync-finished",
                           G_CALLBACK (on_sync_finished_cb), self, G_CONNECT_SWAPPED);

  return self;
}

guint
sr_campaign_notifier_get_n_rate_checks (SrCampaignNotifier *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_NOTIFIER (self), 0);

  return self->n_rate_checks;
}

void
sr_campaign_notifier_withdraw_all (SrCampaignNotifier *self)
{
  GApplication *app = g_application_get_default ();
  GHashTableIter iter;
  gpointer id;

  g_return_if_fail (SR_IS_CAMPAIGN_NOTIFIER (self));

  if (app != NULL && g_application_get_is_registered (app))
    {
      g_hash_table_iter_init (&iter, self->sent_ids);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_application_withdraw_notification (app, id);
    }
  g_hash_table_remove_all (self->sent_ids);
}
