/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-window.c: a campaign's detail window (several may be open).
 * The bar and the per-status counts come from the campaign's cached
 * messages (counted in a GTask thread, recounted when the cache changes),
 * because that is where the final status of each message is known; the
 * list below is the same lazy SrMessageList as the Messages Log, filtered
 * by campaign id and by the statuses toggled above it.
 */
#define G_LOG_DOMAIN "sr-campaign-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-campaign-window.h"
#include "sr-column-sorter.h"
#include "sr-export-bar.h"
#include "sr-format.h"
#include "sr-message-view.h"
#include "sr-status-bar.h"
#include "sr-status-pill.h"

static const SrStatus status_order[] = {
  SR_STATUS_DELIVERED,
  SR_STATUS_SENT,
  SR_STATUS_EXPIRED,
  SR_STATUS_SENDING,
  SR_STATUS_QUEUED,
  SR_STATUS_SCHEDULED,
  SR_STATUS_FAILED,
  SR_STATUS_REJECTED,
  SR_STATUS_UNSUBSCRIBED,
  SR_STATUS_UNKNOWN,
};

struct _SrCampaignWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwHeaderBar    *header_bar;
  AdwWindowTitle  *window_title;
  GtkLabel        *message_label;
  GtkFlowBox      *facts_box;
  SrStatusBar     *status_bar;
  AdwWrapBox      *status_toggles;
  GtkLabel        *coverage_label;
  SrMessageView   *message_view;
  SrExportBar     *export_bar;

  GtkToggleButton *toggles[SR_N_STATUSES];
  GtkLabel        *toggle_counts[SR_N_STATUSES];
  gint64           counts[SR_N_STATUSES];
  gboolean         counted;

  SrSession       *session;
  SrCampaign      *campaign;        /* NULL when not cached (yet) */
  char            *campaign_id;
  SrMessageList   *list;
  GCancellable    *cancellable;       /* of the counts */
  GCancellable    *load_cancellable;  /* of the campaign's row */
  guint            recount_source;
  guint            status_mask;
  gboolean         updating_toggles;
};

G_DEFINE_FINAL_TYPE (SrCampaignWindow, sr_campaign_window, ADW_TYPE_WINDOW)

enum {
  SHOW_IN_LOG,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
add_fact (SrCampaignWindow *self,
          const char       *title,
          const char       *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *value_label = gtk_label_new (value != NULL && *value != '\0' ? value : "—");

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_widget_add_css_class (title_label, "caption");
  gtk_widget_add_css_class (title_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (value_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (value_label, "heading");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  -1);

  gtk_box_append (GTK_BOX (box), title_label);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_flow_box_append (self->facts_box, box);
}

static void
fill_campaign (SrCampaignWindow *self)
{
  SrCampaign *campaign = self->campaign;
  gboolean show_utc;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *label = sr_campaign_window_dup_label (self);
  g_autofree char *created = NULL;
  g_autofree char *recipients = NULL;
  g_autofree char *cost = NULL;
  const char *currency = sr_session_get_currency (self->session);

  show_utc = g_settings_get_boolean (settings, "show-utc");

  gtk_window_set_title (GTK_WINDOW (self), label);

  if (campaign == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Campaign"));
      adw_window_title_set_subtitle (self->window_title, self->campaign_id);
      gtk_label_set_label (self->message_label,
                           _("This campaign has not been downloaded yet. Its messages that are already here are listed below."));
      add_fact (self, _("Campaign ID"), self->campaign_id);
      return;
    }

  g_autofree char *status = NULL;

  created = sr_format_time (sr_campaign_get_created_at (campaign), show_utc);
  recipients = sr_format_count (sr_campaign_get_recipients (campaign));
  cost = sr_format_money (sr_campaign_get_client_total_cost (campaign), currency, 2);

  adw_window_title_set_title (self->window_title,
                              sr_campaign_get_sender_id (campaign) != NULL
                                ? sr_campaign_get_sender_id (campaign) : _("Campaign"));
  adw_window_title_set_subtitle (self->window_title, created);
  gtk_label_set_label (self->message_label,
                       sr_campaign_get_message (campaign) != NULL ? sr_campaign_get_message (campaign) : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->message_label), sr_campaign_get_message (campaign));

  add_fact (self, _("Created"), created);
  if (sr_campaign_get_scheduled_for (campaign) != SR_TIME_NONE)
    {
      g_autofree char *scheduled = sr_format_time (sr_campaign_get_scheduled_for (campaign), show_utc);
      add_fact (self, _("Scheduled For"), scheduled);
    }
  add_fact (self, _("Recipients"), recipients);
  add_fact (self, _("Cost"), cost);
  add_fact (self, _("Sent Through"), sr_campaign_get_is_api (campaign) ? _("API") : _("Web dashboard"));
  status = sr_campaign_status_dup_label (sr_campaign_get_status (campaign));
  add_fact (self, _("Status"), status);
  add_fact (self, _("Campaign ID"), self->campaign_id);
}

static void
sync_toggles (SrCampaignWindow *self)
{
  self->updating_toggles = TRUE;
  for (guint i = 0; i < SR_N_STATUSES; i++)
    if (self->toggles[i] != NULL)
      gtk_toggle_button_set_active (self->toggles[i], (self->status_mask & (1u << i)) != 0);
  self->updating_toggles = FALSE;
}

static void
apply_filter (SrCampaignWindow *self)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

  filter->campaign_id = g_strdup (self->campaign_id);
  filter->status_mask = self->status_mask;
  sr_message_view_reset_scroll (self->message_view);
  sr_message_list_set_filter (self->list, filter);
}

static void
on_toggle_toggled_cb (SrCampaignWindow *self,
                      GtkToggleButton  *toggle)
{
  SrStatus status;

  g_assert (SR_IS_CAMPAIGN_WINDOW (self));

  if (self->updating_toggles)
    return;

  status = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "sr-status"));
  if (gtk_toggle_button_get_active (toggle))
    self->status_mask |= 1u << status;
  else
    self->status_mask &= ~(1u << status);

  apply_filter (self);
}

static void
build_toggles (SrCampaignWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_order); i++)
    {
      SrStatus status = status_order[i];
      GtkWidget *toggle = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *pill = sr_status_pill_new ();
      GtkWidget *count = gtk_label_new ("");
      g_autofree char *tooltip = NULL;

      sr_status_pill_set_status (SR_STATUS_PILL (pill), status, NULL);
      gtk_widget_add_css_class (count, "numeric");
      gtk_box_append (GTK_BOX (box), pill);
      gtk_box_append (GTK_BOX (box), count);
      gtk_button_set_child (GTK_BUTTON (toggle), box);
      gtk_widget_add_css_class (toggle, "flat");
      gtk_widget_add_css_class (toggle, "status-toggle");

      /* Translators: tooltip of a per-status count in the campaign window */
      tooltip = g_strdup_printf (_("Show only “%s” messages (click again to show all)"),
                                 sr_status_get_label (status));
      gtk_widget_set_tooltip_text (toggle, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, sr_status_get_label (status),
                                      -1);

      g_object_set_data (G_OBJECT (toggle), "sr-status", GUINT_TO_POINTER (status));
      g_signal_connect_object (toggle, "toggled",
                               G_CALLBACK (on_toggle_toggled_cb),
                               self, G_CONNECT_SWAPPED);

      self->toggles[status] = GTK_TOGGLE_BUTTON (toggle);
      self->toggle_counts[status] = GTK_LABEL (count);
      /* Shown once counted, and only for statuses that occur. */
      gtk_widget_set_visible (toggle, FALSE);
      adw_wrap_box_append (self->status_toggles, toggle);
    }

  for (guint i = 0; i < SR_N_STATUSES; i++)
    self->counts[i] = -1;
}

/* Needs both the counts and the campaign, which arrive in either order. */
static void
update_coverage (SrCampaignWindow *self)
{
  gint64 total = 0;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    total += MAX (self->counts[i], 0);

  if (self->counted && self->campaign != NULL && total < sr_campaign_get_recipients (self->campaign))
    {
      g_autofree char *have = sr_format_count (total);
      g_autofree char *expected = sr_format_count (sr_campaign_get_recipients (self->campaign));
      /* Translators: "412 of 500 messages of this campaign are downloaded" */
      g_autofree char *text = g_strdup_printf (_("%s of %s messages of this campaign are downloaded; the rest appear after the next sync."),
                                               have, expected);

      gtk_label_set_label (self->coverage_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->coverage_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->coverage_label), FALSE);
    }
}

static void
counts_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrCampaignWindow) self = user_data;
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };

  counts = sr_cache_query_status_counts_finish (SR_CACHE (object), result, &error);
  if (counts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Campaign counts failed: %s", error->message);
      return;
    }

  for (guint i = 0; i < SR_N_STATUSES; i++)
    self->counts[i] = 0;

  for (guint i = 0; i < counts->len; i++)
    {
      SrStatusCount *count = g_ptr_array_index (counts, i);

      if ((guint) count->status >= SR_N_STATUSES)
        continue;
      self->counts[count->status] += count->count;
      by_group[sr_status_get_group (count->status)] += count->count;
    }
  self->counted = TRUE;

  sr_status_bar_set_counts (self->status_bar, by_group);

  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      g_autofree char *text = NULL;

      if (self->toggles[i] == NULL)
        continue;

      text = sr_format_count (self->counts[i]);
      gtk_label_set_label (self->toggle_counts[i], text);
      gtk_widget_set_visible (GTK_WIDGET (self->toggles[i]),
                              self->counts[i] > 0 || (self->status_mask & (1u << i)) != 0);
    }

  update_coverage (self);
}

static void
recount (SrCampaignWindow *self)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  filter = sr_message_filter_new ();
  filter->campaign_id = g_strdup (self->campaign_id);

  sr_cache_query_status_counts_async (sr_session_get_cache (self->session), filter,
                                      self->cancellable, counts_cb, g_object_ref (self));
}

static gboolean
on_recount_timeout_cb (gpointer user_data)
{
  SrCampaignWindow *self = user_data;

  self->recount_source = 0;
  recount (self);

  return G_SOURCE_REMOVE;
}

static void
on_cache_changed_cb (SrCampaignWindow *self)
{
  g_assert (SR_IS_CAMPAIGN_WINDOW (self));

  /* A sync commits many pages in a row: count once it settles a little. */
  if (self->recount_source == 0)
    self->recount_source = g_timeout_add (1000, on_recount_timeout_cb, self);
}

static void
on_show_in_log_clicked_cb (SrCampaignWindow *self)
{
  g_autofree char *label = NULL;

  g_assert (SR_IS_CAMPAIGN_WINDOW (self));

  label = sr_campaign_window_dup_label (self);
  g_signal_emit (self, signals[SHOW_IN_LOG], 0, self->campaign_id, label);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sr_campaign_window_export (SR_CAMPAIGN_WINDOW (widget),
                             g_str_equal (action_name, "campaign.export-not-arrived"),
                             NULL);
}

static void
sr_campaign_window_dispose (GObject *object)
{
  SrCampaignWindow *self = SR_CAMPAIGN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->recount_source, g_source_remove);


  g_clear_object (&self->list);
  g_clear_object (&self->campaign);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sr_campaign_window_parent_class)->dispose (object);
}

static void
sr_campaign_window_finalize (GObject *object)
{
  SrCampaignWindow *self = SR_CAMPAIGN_WINDOW (object);

  g_clear_pointer (&self->campaign_id, g_free);

  G_OBJECT_CLASS (sr_campaign_window_parent_class)->finalize (object);
}

static void
sr_campaign_window_class_init (SrCampaignWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_campaign_window_dispose;
  object_class->finalize = sr_campaign_window_finalize;

  /**
   * SrCampaignWindow::show-in-log:
   * @campaign_id: the campaign
   * @label: how to name it in the Messages Log's filter chip
   */
  signals[SHOW_IN_LOG] =
    g_signal_new ("show-in-log",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING,
                  G_TYPE_STRING);

  g_type_ensure (SR_TYPE_STATUS_BAR);
  g_type_ensure (SR_TYPE_MESSAGE_VIEW);
  g_type_ensure (SR_TYPE_EXPORT_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-campaign-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, export_bar);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, facts_box);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, status_toggles);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, coverage_label);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignWindow, message_view);
  gtk_widget_class_bind_template_callback (widget_class, on_show_in_log_clicked_cb);

  gtk_widget_class_install_action (widget_class, "campaign.export-all", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "campaign.export-not-arrived", NULL, export_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sr_campaign_window_init (SrCampaignWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  sr_message_view_set_show_campaign (self->message_view, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->coverage_label), FALSE);
  build_toggles (self);

  /* Sorting without the mouse, as in the Messages Log: the column headers
   * take no focus. */
  adw_header_bar_pack_end (self->header_bar,
                           sr_column_sorter_new_menu_button (sr_message_view_get_column_view (self->message_view)));

  if (g_str_has_suffix (APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
campaign_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SrCampaignWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->campaign = sr_cache_get_campaign_finish (SR_CACHE (object), result, &error);
  if (self->campaign == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Campaign %s not in the cache: %s", self->campaign_id, error->message);
    }
  if (self->session == NULL)
    return;

  fill_campaign (self);
  update_coverage (self);
}

GtkWidget *
sr_campaign_window_new (SrSession  *session,
                        const char *campaign_id)
{
  SrCampaignWindow *self;
  SrCache *cache;

  g_return_val_if_fail (SR_IS_SESSION (session), NULL);
  g_return_val_if_fail (campaign_id != NULL, NULL);

  self = g_object_new (SR_TYPE_CAMPAIGN_WINDOW, NULL);
  self->session = g_object_ref (session);
  self->campaign_id = g_strdup (campaign_id);

  cache = sr_session_get_cache (session);
  self->load_cancellable = g_cancellable_new ();
  /* Named by its id until its row is read. */
  gtk_window_set_title (GTK_WINDOW (self), campaign_id);
  sr_cache_get_campaign_async (cache, campaign_id, self->load_cancellable,
                               campaign_loaded_cb, g_object_ref (self));

  self->list = sr_message_list_new (cache);
  apply_filter (self);
  sr_message_view_set_currency (self->message_view, sr_session_get_currency (session));
  sr_message_view_set_list (self->message_view, self->list);

  g_signal_connect_object (cache, "changed",
                           G_CALLBACK (on_cache_changed_cb),
                           self, G_CONNECT_SWAPPED);
  recount (self);

  return GTK_WIDGET (self);
}

const char *
sr_campaign_window_get_campaign_id (SrCampaignWindow *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_WINDOW (self), NULL);

  return self->campaign_id;
}

char *
sr_campaign_window_dup_label (SrCampaignWindow *self)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *name = NULL;
  g_autofree char *date = NULL;

  g_return_val_if_fail (SR_IS_CAMPAIGN_WINDOW (self), NULL);

  if (self->campaign == NULL)
    return g_strdup (self->campaign_id);

  settings = g_settings_new (APPLICATION_ID);
  name = sr_format_campaign_name (self->campaign);
  date = sr_format_time (sr_campaign_get_created_at (self->campaign),
                         g_settings_get_boolean (settings, "show-utc"));

  /* Translators: names a campaign: "<start of its text> · <date>" */
  return g_strdup_printf (_("%s · %s"), name, date);
}

SrMessageList *
sr_campaign_window_get_list (SrCampaignWindow *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_WINDOW (self), NULL);

  return self->list;
}

void
sr_campaign_window_set_status_mask (SrCampaignWindow *self,
                                    guint             mask)
{
  g_return_if_fail (SR_IS_CAMPAIGN_WINDOW (self));

  self->status_mask = mask;
  sync_toggles (self);
  apply_filter (self);
}

gint64
sr_campaign_window_get_status_count (SrCampaignWindow *self,
                                     SrStatus          status)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_WINDOW (self), -1);
  g_return_val_if_fail ((guint) status < SR_N_STATUSES, -1);

  return self->counted ? self->counts[status] : -1;
}

void
sr_campaign_window_export (SrCampaignWindow *self,
                           gboolean          not_arrived_only,
                           GFile            *destination)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (SR_IS_CAMPAIGN_WINDOW (self));
  g_return_if_fail (!destination || G_IS_FILE (destination));

  /* The whole campaign (or what did not arrive), whatever the toggles
   * above the list show; in the list's order. */
  filter->campaign_id = g_strdup (self->campaign_id);
  if (not_arrived_only)
    filter->status_mask = sr_status_not_arrived_mask ();

  id = g_strcanon (g_strdup (self->campaign_id),
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", '_');
  /* Not translated: a file name. */
  name = g_strdup_printf ("campaign-%s%s.csv", id, not_arrived_only ? "-not-arrived" : "");

  sr_export_bar_export_messages (self->export_bar,
                                 sr_session_get_cache (self->session),
                                 filter,
                                 sr_message_list_get_sort (self->list),
                                 sr_message_list_get_descending (self->list),
                                 name, destination);
}

SrExportBar *
sr_campaign_window_get_export_bar (SrCampaignWindow *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_WINDOW (self), NULL);

  return self->export_bar;
}
