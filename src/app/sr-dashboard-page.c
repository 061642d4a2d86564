/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-dashboard-page.c: the Dashboard. Aggregates over up to millions of rows
 * run in a GTask thread (sr_cache_query_stats and the recent campaigns), and
 * are recomputed, at most about once a second, as a sync commits pages, so
 * the page fills in while the first sync runs.
 *
 * Rates are over settled messages only (total minus pending): a message
 * still on its way is not counted against delivery.
 */
#define G_LOG_DOMAIN "sr-dashboard-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-dashboard-page.h"
#include "sr-format.h"
#include "sr-status-bar.h"

typedef enum {
  PERIOD_TODAY,
  PERIOD_WEEK,
  PERIOD_MONTH,
  PERIOD_ALL,
} Period;

struct _SrDashboardPage
{
  AdwBin           parent_instance;

  GtkStack        *stack;
  GtkToggleButton *period_today;
  GtkToggleButton *period_week;
  GtkToggleButton *period_month;
  GtkToggleButton *period_all;
  GtkLabel        *messages_value;
  GtkLabel        *messages_detail;
  GtkLabel        *delivered_value;
  GtkLabel        *delivered_detail;
  GtkLabel        *unconfirmed_value;
  GtkLabel        *unconfirmed_detail;
  GtkLabel        *pending_value;
  GtkLabel        *pending_detail;
  GtkLabel        *failed_value;
  GtkLabel        *failed_detail;
  GtkLabel        *not_sent_value;
  GtkLabel        *not_sent_detail;
  GtkLabel        *cost_value;
  GtkLabel        *cost_detail;
  GtkLabel        *balance_value;
  GtkLabel        *balance_detail;
  SrStatusBar     *period_bar;
  GtkFlowBox      *legend_box;
  GtkListBox      *recent_list;
  GtkLabel        *footnote;
  AdwStatusPage   *empty_page;
  GtkSpinner      *empty_spinner;

  GtkLabel        *legend_counts[SR_N_STATUS_GROUPS];

  SrSession       *session;
  GSettings       *settings;
  GCancellable    *cancellable;
  guint            reload_source;
  guint            clock_source;
  Period           period;
  gint64           total;          /* -1 until computed */
  gint64           all_total;
};

G_DEFINE_FINAL_TYPE (SrDashboardPage, sr_dashboard_page, ADW_TYPE_BIN)

typedef struct
{
  SrMessageFilter *filter;
  SrStats          stats;
  gint64           all_total;
  GPtrArray       *campaigns;
} Query;

static void
query_free (Query *query)
{
  g_clear_pointer (&query->filter, sr_message_filter_free);
  g_clear_pointer (&query->campaigns, g_ptr_array_unref);
  g_free (query);
}

static void reload (SrDashboardPage *self);

static const SrStatusGroup legend_order[] = {
  SR_STATUS_GROUP_DELIVERED,
  SR_STATUS_GROUP_UNCONFIRMED,
  SR_STATUS_GROUP_PENDING,
  SR_STATUS_GROUP_FAILED,
  SR_STATUS_GROUP_NOT_SENT,
  SR_STATUS_GROUP_OTHER,
};

static void
build_legend (SrDashboardPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (legend_order); i++)
    {
      SrStatusGroup group = legend_order[i];
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *label = gtk_label_new (sr_status_group_get_label (group));
      GtkWidget *count = gtk_label_new ("0");

      gtk_widget_add_css_class (swatch, "status-swatch");
      gtk_widget_add_css_class (swatch, sr_status_bar_group_style_class (group));
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "numeric");

      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), count);
      gtk_flow_box_append (self->legend_box, box);
      self->legend_counts[group] = GTK_LABEL (count);
    }
}

static void
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
}

static void
update_balance (SrDashboardPage *self)
{
  g_autofree char *balance = NULL;
  g_autofree char *synced = NULL;
  g_autofree char *detail = NULL;

  if (self->session == NULL)
    return;

  if (sr_session_get_balance (self->session) >= 0)
    balance = sr_format_money (sr_session_get_balance (self->session),
                               sr_session_get_currency (self->session), 2);
  set_text (self->balance_value, balance != NULL ? balance : "—");

  if (sr_session_get_last_sync (self->session) == SR_TIME_NONE)
    detail = g_strdup (_("Not synced yet"));
  else
    {
      synced = sr_format_relative_time (sr_session_get_last_sync (self->session), g_get_real_time ());
      /* Translators: when the data was last synced, e.g. "Synced 3 minutes ago" */
      detail = g_strdup_printf (_("Synced %s"), synced);
    }
  set_text (self->balance_detail, detail);
  set_text (self->footnote, detail);
}

static GtkWidget *
make_campaign_row (SrDashboardPage *self,
                   SrCampaign      *campaign)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bar = sr_status_bar_new ();
  GtkWidget *rate = gtk_label_new (NULL);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };
  g_autofree char *date = NULL;
  g_autofree char *recipients = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *rate_text = NULL;
  const char *sender = sr_campaign_get_sender_id (campaign);

  date = sr_format_time (sr_campaign_get_created_at (campaign),
                         g_settings_get_boolean (self->settings, "show-utc"));
  recipients = sr_format_count (sr_campaign_get_recipients (campaign));
  /* Translators: a recent campaign: "<date> · <n> recipients" */
  subtitle = g_strdup_printf (ngettext ("%s · %s recipient", "%s · %s recipients",
                                        (gulong) sr_campaign_get_recipients (campaign)),
                              date, recipients);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sender != NULL ? sender : _("Campaign"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  by_group[SR_STATUS_GROUP_DELIVERED] = sr_campaign_get_delivered_messages (campaign);
  by_group[SR_STATUS_GROUP_UNCONFIRMED] = sr_campaign_get_sent_messages (campaign);
  by_group[SR_STATUS_GROUP_PENDING] = sr_campaign_get_pending_messages (campaign);
  by_group[SR_STATUS_GROUP_FAILED] = sr_campaign_get_failed_messages (campaign);
  sr_status_bar_set_counts (SR_STATUS_BAR (bar), by_group);
  gtk_widget_set_size_request (bar, 100, -1);

  rate_text = sr_format_percent (sr_campaign_get_delivery_rate (campaign));
  gtk_label_set_label (GTK_LABEL (rate), rate_text);
  gtk_label_set_width_chars (GTK_LABEL (rate), 7);
  gtk_label_set_xalign (GTK_LABEL (rate), 1);
  gtk_widget_add_css_class (rate, "numeric");
  gtk_widget_set_tooltip_text (rate, _("Delivery rate"));

  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), rate);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-campaign");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", sr_campaign_get_id (campaign));

  return row;
}

static void
show_stats (SrDashboardPage *self,
            Query           *query)
{
  const SrStats *stats = &query->stats;
  gint64 settled = stats->total - stats->by_group[SR_STATUS_GROUP_PENDING];
  const char *currency = sr_session_get_currency (self->session);
  g_autofree char *text = NULL;
  GtkWidget *child;

  self->total = stats->total;
  self->all_total = query->all_total;

#define SETTLED_RATE(n) (settled > 0 ? (double) (n) / (double) settled : -1.0)

  text = sr_format_count (stats->total);
  set_text (self->messages_value, text);
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *billable = sr_format_count (stats->billable);
    /* Translators: detail of the Messages card */
    text = g_strdup_printf (ngettext ("%s billable", "%s billable", (gulong) stats->billable), billable);
    set_text (self->messages_detail, text);
    g_clear_pointer (&text, g_free);
  }

  {
    gint64 n = stats->by_group[SR_STATUS_GROUP_DELIVERED];
    g_autofree char *count = sr_format_count (n);
    g_autofree char *of = sr_format_count (settled);

    text = sr_format_percent (SETTLED_RATE (n));
    set_text (self->delivered_value, text);
    g_clear_pointer (&text, g_free);
    /* Translators: "12,000 of 12,340 settled messages" */
    text = g_strdup_printf (_("%s of %s settled messages"), count, of);
    set_text (self->delivered_detail, text);
    g_clear_pointer (&text, g_free);
  }

  {
    gint64 n = stats->by_group[SR_STATUS_GROUP_UNCONFIRMED];
    g_autofree char *rate = sr_format_percent (SETTLED_RATE (n));

    text = sr_format_count (n);
    set_text (self->unconfirmed_value, text);
    g_clear_pointer (&text, g_free);
    /* Translators: detail of the "Sent, Unconfirmed" card */
    text = g_strdup_printf (_("%s · no report, may still be received"), rate);
    set_text (self->unconfirmed_detail, text);
    g_clear_pointer (&text, g_free);
  }

  text = sr_format_count (stats->by_group[SR_STATUS_GROUP_PENDING]);
  set_text (self->pending_value, text);
  g_clear_pointer (&text, g_free);
  set_text (self->pending_detail, _("Not counted in rates until settled"));

  {
    gint64 n = stats->by_group[SR_STATUS_GROUP_FAILED];
    g_autofree char *count = sr_format_count (n);

    text = sr_format_percent (SETTLED_RATE (n));
    set_text (self->failed_value, text);
    g_clear_pointer (&text, g_free);
    text = g_strdup_printf (ngettext ("%s message", "%s messages", (gulong) n), count);
    set_text (self->failed_detail, text);
    g_clear_pointer (&text, g_free);
  }

  text = sr_format_count (stats->by_group[SR_STATUS_GROUP_NOT_SENT]);
  set_text (self->not_sent_value, text);
  g_clear_pointer (&text, g_free);
  set_text (self->not_sent_detail, _("Rejected or unsubscribed · not billed"));

  {
    g_autofree char *billable = sr_format_count (stats->billable);

    text = sr_format_money (stats->cost, currency, 2);
    set_text (self->cost_value, text);
    g_clear_pointer (&text, g_free);
    /* Translators: detail of the Cost card */
    text = g_strdup_printf (ngettext ("For %s billable message", "For %s billable messages", (gulong) stats->billable), billable);
    set_text (self->cost_detail, text);
    g_clear_pointer (&text, g_free);
  }

#undef SETTLED_RATE

  sr_status_bar_set_counts (self->period_bar, stats->by_group);
  for (guint i = 0; i < SR_N_STATUS_GROUPS; i++)
    {
      g_autofree char *count = sr_format_count (stats->by_group[i]);
      set_text (self->legend_counts[i], count);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  if (query->campaigns != NULL && query->campaigns->len > 0)
    {
      for (guint i = 0; i < query->campaigns->len; i++)
        gtk_list_box_append (self->recent_list,
                             make_campaign_row (self, g_ptr_array_index (query->campaigns, i)));
    }
  else
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No campaigns yet"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->recent_list, row);
    }
}

static void
update_page (SrDashboardPage *self)
{
  gboolean syncing = self->session != NULL && sr_session_get_syncing (self->session);

  /* Nothing cached at all yet: say what is happening instead of zeros. */
  if (self->all_total == 0)
    {
      if (syncing)
        {
          adw_status_page_set_title (self->empty_page, _("Downloading Your Reports"));
          adw_status_page_set_description (self->empty_page,
                                           sr_session_get_progress_text (self->session));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Messages Yet"));
          adw_status_page_set_description (self->empty_page,
                                           _("Messages sent through SMS.to appear here once they are synced."));
        }
      gtk_widget_set_visible (GTK_WIDGET (self->empty_spinner), syncing);
      gtk_spinner_set_spinning (self->empty_spinner, syncing);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    {
      gtk_spinner_set_spinning (self->empty_spinner, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "dashboard");
    }
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SrCache *cache = source_object;
  Query *query = task_data;
  g_autoptr(GError) error = NULL;

  if (!sr_cache_query_stats (cache, query->filter, &query->stats, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  query->all_total = sr_cache_count_messages (cache, NULL, &error);
  if (query->all_total < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  query->campaigns = sr_cache_query_campaigns (cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, 5, 0, &error);
  if (query->campaigns == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SrDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Dashboard query failed: %s", error->message);
      return;
    }

  if (self->session == NULL)
    return;

  show_stats (self, g_task_get_task_data (G_TASK (result)));
  update_balance (self);
  update_page (self);
}

static gint64
period_start (SrDashboardPage *self)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) start = NULL;

  if (self->period == PERIOD_ALL)
    return SR_TIME_NONE;

  tz = g_settings_get_boolean (self->settings, "show-utc") ? g_time_zone_new_utc () : g_time_zone_new_local ();
  now = g_date_time_new_now (tz);
  today = g_date_time_new (tz,
                           g_date_time_get_year (now),
                           g_date_time_get_month (now),
                           g_date_time_get_day_of_month (now),
                           0, 0, 0);

  switch (self->period)
    {
    case PERIOD_WEEK:
      start = g_date_time_add_days (today, -6);
      break;
    case PERIOD_MONTH:
      start = g_date_time_add_days (today, -29);
      break;
    case PERIOD_TODAY:
    case PERIOD_ALL:
    default:
      start = g_date_time_ref (today);
      break;
    }

  return g_date_time_to_unix (start) * G_USEC_PER_SEC;
}

static void
reload (SrDashboardPage *self)
{
  g_autoptr(GTask) task = NULL;
  Query *query;

  g_clear_handle_id (&self->reload_source, g_source_remove);

  if (self->session == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  query = g_new0 (Query, 1);
  query->filter = sr_message_filter_new ();
  query->filter->from = period_start (self);

  task = g_task_new (sr_session_get_cache (self->session), self->cancellable, query_cb, g_object_ref (self));
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);
  g_task_run_in_thread (task, query_thread);
}

static gboolean
on_reload_timeout_cb (gpointer user_data)
{
  SrDashboardPage *self = user_data;

  self->reload_source = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

static void
on_cache_changed_cb (SrDashboardPage *self)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (1000, on_reload_timeout_cb, self);
}

static void
on_syncing_changed_cb (SrDashboardPage *self)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  update_page (self);
  /* Catch the last pages of a sync without waiting for the next change. */
  if (!sr_session_get_syncing (self->session))
    reload (self);
}

static void
on_progress_text_changed_cb (SrDashboardPage *self)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  if (self->all_total == 0)
    update_page (self);
}

static gboolean
on_clock_cb (gpointer user_data)
{
  update_balance (SR_DASHBOARD_PAGE (user_data));

  return G_SOURCE_CONTINUE;
}

static void
on_period_toggled_cb (SrDashboardPage *self,
                      GtkToggleButton *button)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  if (!gtk_toggle_button_get_active (button))
    return;

  if (button == self->period_today)
    self->period = PERIOD_TODAY;
  else if (button == self->period_week)
    self->period = PERIOD_WEEK;
  else if (button == self->period_month)
    self->period = PERIOD_MONTH;
  else
    self->period = PERIOD_ALL;

  {
    static const char * const names[] = { "today", "7-days", "30-days", "all" };
    g_settings_set_string (self->settings, "dashboard-period", names[self->period]);
  }

  reload (self);
}

static void
sr_dashboard_page_dispose (GObject *object)
{
  SrDashboardPage *self = SR_DASHBOARD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);


  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_dashboard_page_parent_class)->dispose (object);
}

static void
sr_dashboard_page_class_init (SrDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_dashboard_page_dispose;

  g_type_ensure (SR_TYPE_STATUS_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_today);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_week);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_month);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_all);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, messages_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, messages_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, delivered_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, delivered_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, unconfirmed_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, unconfirmed_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, pending_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, pending_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, failed_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, failed_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, not_sent_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, not_sent_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, cost_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, cost_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, balance_value);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, balance_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_bar);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, legend_box);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, footnote);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, empty_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_period_toggled_cb);
}

static void
sr_dashboard_page_init (SrDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->total = -1;
  self->all_total = -1;
  {
    g_autofree char *period = g_settings_get_string (self->settings, "dashboard-period");

    if (g_strcmp0 (period, "today") == 0)
      gtk_toggle_button_set_active (self->period_today, TRUE);
    else if (g_strcmp0 (period, "30-days") == 0)
      gtk_toggle_button_set_active (self->period_month, TRUE);
    else if (g_strcmp0 (period, "all") == 0)
      gtk_toggle_button_set_active (self->period_all, TRUE);
    else
      gtk_toggle_button_set_active (self->period_week, TRUE);
  }

  g_signal_connect_object (self->settings, "changed::show-utc",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);

  build_legend (self);
}

GtkWidget *
sr_dashboard_page_new (void)
{
  return g_object_new (SR_TYPE_DASHBOARD_PAGE, NULL);
}

void
sr_dashboard_page_set_session (SrDashboardPage *self,
                               SrSession       *session)
{
  g_return_if_fail (SR_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (!session || SR_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (sr_session_get_cache (self->session), self);
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  g_set_object (&self->session, session);
  self->total = -1;
  self->all_total = -1;

  if (session == NULL)
    return;

  g_signal_connect_object (sr_session_get_cache (session), "changed",
                           G_CALLBACK (on_cache_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::balance",
                           G_CALLBACK (update_balance), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::currency",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::last-sync",
                           G_CALLBACK (update_balance), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::syncing",
                           G_CALLBACK (on_syncing_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::progress-text",
                           G_CALLBACK (on_progress_text_changed_cb), self, G_CONNECT_SWAPPED);

  /* Keeps "Synced 3 minutes ago" true. */
  self->clock_source = g_timeout_add_seconds (30, on_clock_cb, self);

  update_balance (self);
  reload (self);
}

gint64
sr_dashboard_page_get_total (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), -1);

  return self->total;
}
