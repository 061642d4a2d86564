/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaigns-page.c: the Campaign Log: search, filters, the count and
 * Export… over a lazy SrCampaignList shown by an SrCampaignView (columns
 * that sort it, rich rows when narrow; activating a row opens the
 * campaign's window).
 */
#define G_LOG_DOMAIN "sr-campaigns-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-campaign-view.h"
#include "sr-campaigns-page.h"
#include "sr-column-sorter.h"
#include "sr-export-bar.h"
#include "sr-format.h"
#include "sr-gtk-compat.h"
#include "sr-period-picker.h"

struct _SrCampaignsPage
{
  AdwBin               parent_instance;

  GtkSearchEntry      *search_entry;
  GtkDropDown         *source_dropdown;
  AdwSpinner          *loading_spinner;
  GtkLabel            *count_label;
  GtkStack            *content_stack;
  SrCampaignView      *campaign_view;
  SrExportBar         *export_bar;

  SrSession           *session;
  SrCampaignList      *list;
  GSettings           *settings;
  SrPeriodPicker      *period_picker;
  GtkDropDown         *sender_dropdown;
  GtkDropDown         *status_dropdown;
  GPtrArray           *senders;        /* char*, parallel to sender_dropdown rows 1.. */
  GPtrArray           *statuses;       /* char*, raw, parallel to status_dropdown rows 1.. */
  gboolean             filling_choices;
};

G_DEFINE_FINAL_TYPE (SrCampaignsPage, sr_campaigns_page, ADW_TYPE_BIN)

static void
update_state (SrCampaignsPage *self)
{
  guint n_items = 0;
  gboolean loading = FALSE;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  const char *search;
  const char *page;

  if (self->list != NULL)
    {
      n_items = g_list_model_get_n_items (G_LIST_MODEL (self->list));
      loading = sr_campaign_list_get_loading (self->list);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading);

  count = sr_format_count (n_items);
  /* Translators: the number of campaigns in the log, e.g. "123 campaigns" */
  text = g_strdup_printf (ngettext ("%s campaign", "%s campaigns", n_items), count);
  gtk_label_set_label (self->count_label, text);

  search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (n_items > 0 || loading || self->list == NULL)
    page = "list";
  else if (*search == '\0' && gtk_drop_down_get_selected (self->source_dropdown) == 0)
    page = "empty";
  else
    page = "no-results";

  gtk_stack_set_visible_child_name (self->content_stack, page);
}

static void
on_search_changed_cb (SrCampaignsPage *self)
{
  g_autoptr(SrCampaignFilter) filter = NULL;
  g_autofree char *search = NULL;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  if (self->list == NULL)
    return;

  search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  filter = sr_campaign_filter_copy (sr_campaign_list_get_filter (self->list));
  g_free (filter->search);
  filter->search = *search != '\0' ? g_steal_pointer (&search) : NULL;
  sr_campaign_list_set_filter (self->list, filter);
  update_state (self);
}

/* --- period, sender ID and status filters --- */

static void
on_filters_changed_cb (SrCampaignsPage *self)
{
  g_autoptr(SrCampaignFilter) filter = NULL;
  guint sender = gtk_drop_down_get_selected (self->sender_dropdown);
  guint status = gtk_drop_down_get_selected (self->status_dropdown);

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  if (self->list == NULL || self->filling_choices)
    return;

  filter = sr_campaign_filter_copy (sr_campaign_list_get_filter (self->list));
  sr_period_picker_get_range (self->period_picker, &filter->from, &filter->to);
  g_clear_pointer (&filter->sender_id, g_free);
  if (sender != GTK_INVALID_LIST_POSITION && sender > 0 && sender <= self->senders->len)
    filter->sender_id = g_strdup (g_ptr_array_index (self->senders, sender - 1));
  g_clear_pointer (&filter->status, g_free);
  if (status != GTK_INVALID_LIST_POSITION && status > 0 && status <= self->statuses->len)
    filter->status = g_strdup (g_ptr_array_index (self->statuses, status - 1));
  sr_campaign_list_set_filter (self->list, filter);
  update_state (self);
}

/* Keeps the chosen sender and status when the choices are refilled. */
static void
fill_choices (SrCampaignsPage *self,
              GtkDropDown     *dropdown,
              GPtrArray       *values,
              GHashTable      *found,
              const char      *any_label,
              gboolean         are_statuses)
{
  g_autofree char *chosen = NULL;
  g_autoptr(GList) keys = g_hash_table_get_keys (found);
  GtkStringList *model = gtk_string_list_new (NULL);
  guint selected = 0;

  if (gtk_drop_down_get_selected (dropdown) > 0 && gtk_drop_down_get_selected (dropdown) <= values->len)
    chosen = g_strdup (g_ptr_array_index (values, gtk_drop_down_get_selected (dropdown) - 1));

  keys = g_list_sort (keys, (GCompareFunc) g_utf8_collate);
  g_ptr_array_set_size (values, 0);
  gtk_string_list_append (model, any_label);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_autofree char *label = are_statuses ? sr_campaign_status_dup_label (l->data) : g_strdup (l->data);

      g_ptr_array_add (values, g_strdup (l->data));
      gtk_string_list_append (model, label);
      if (g_strcmp0 (chosen, l->data) == 0)
        selected = values->len;
    }

  self->filling_choices = TRUE;
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (dropdown, selected);
  self->filling_choices = FALSE;
  g_object_unref (model);
}

static void
on_campaign_choices_changed_cb (SrCampaignsPage *self)
{
  SrCampaignIndex *index = self->session != NULL ? sr_session_get_campaign_index (self->session) : NULL;
  g_autoptr(GHashTable) senders = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) statuses = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) campaigns = NULL;

  if (index == NULL)
    return;

  campaigns = sr_campaign_index_dup_campaigns (index);
  for (guint i = 0; i < campaigns->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (campaigns, i);

      if (sr_campaign_get_sender_id (campaign) != NULL && *sr_campaign_get_sender_id (campaign) != '\0')
        g_hash_table_add (senders, (gpointer) sr_campaign_get_sender_id (campaign));
      if (sr_campaign_get_status (campaign) != NULL && *sr_campaign_get_status (campaign) != '\0')
        g_hash_table_add (statuses, (gpointer) sr_campaign_get_status (campaign));
    }

  fill_choices (self, self->sender_dropdown, self->senders, senders, _("All Sender IDs"), FALSE);
  fill_choices (self, self->status_dropdown, self->statuses, statuses, _("All Statuses"), TRUE);
  on_filters_changed_cb (self);
}

static GtkDropDown *
add_filter_dropdown (GtkWidget  *box,
                     const char *tooltip)
{
  GtkWidget *dropdown = gtk_drop_down_new (NULL, NULL);

  gtk_widget_set_tooltip_text (dropdown, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  sr_container_append (box, dropdown);
  return GTK_DROP_DOWN (dropdown);
}

static void
setup_filters (SrCampaignsPage *self)
{
  GtkWidget *bar = gtk_widget_get_parent (GTK_WIDGET (self->source_dropdown));
  /* Wraps like the bar above it, so a narrow window keeps it whole. */
  GtkWidget *row = adw_wrap_box_new ();

  /* A second row under the search, like the Messages Log's filters. */
  adw_wrap_box_set_child_spacing (ADW_WRAP_BOX (row), 6);
  adw_wrap_box_set_line_spacing (ADW_WRAP_BOX (row), 6);
  gtk_widget_add_css_class (row, "filter-bar");
  sr_container_insert_after (gtk_widget_get_parent (bar), row, bar);
  g_object_ref (self->source_dropdown);
  sr_container_remove (bar, GTK_WIDGET (self->source_dropdown));
  sr_container_append (row, GTK_WIDGET (self->source_dropdown));
  g_object_unref (self->source_dropdown);

  self->period_picker = SR_PERIOD_PICKER (sr_period_picker_new ());
  sr_period_picker_set_period (self->period_picker, SR_PERIOD_ALL);
  sr_container_append (row, GTK_WIDGET (self->period_picker));
  self->sender_dropdown = add_filter_dropdown (row, _("Sender ID of the campaigns"));
  self->status_dropdown = add_filter_dropdown (row, _("Status of the campaigns"));
  self->senders = g_ptr_array_new_with_free_func (g_free);
  self->statuses = g_ptr_array_new_with_free_func (g_free);
  {
    GHashTable *none = g_hash_table_new (g_str_hash, g_str_equal);

    fill_choices (self, self->sender_dropdown, self->senders, none, _("All Sender IDs"), FALSE);
    fill_choices (self, self->status_dropdown, self->statuses, none, _("All Statuses"), TRUE);
    g_hash_table_unref (none);
  }

  g_signal_connect_object (self->period_picker, "changed", G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sender_dropdown, "notify::selected", G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->status_dropdown, "notify::selected", G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Drop-down rows: all, web dashboard, API, in the order of SrCampaignSource. */
static void
on_source_changed_cb (SrCampaignsPage *self)
{
  g_autoptr(SrCampaignFilter) filter = NULL;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  if (self->list == NULL)
    return;

  filter = sr_campaign_filter_copy (sr_campaign_list_get_filter (self->list));
  filter->source = (SrCampaignSource) gtk_drop_down_get_selected (self->source_dropdown);
  sr_campaign_list_set_filter (self->list, filter);
  update_state (self);
}

static void
on_stop_search_cb (SrCampaignsPage *self)
{
  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_show_utc_changed_cb (SrCampaignsPage *self)
{
  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  /* Day boundaries move with the zone (the view formats its own dates). */
  if (sr_period_picker_get_period (self->period_picker) != SR_PERIOD_ALL)
    on_filters_changed_cb (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sr_campaigns_page_export (SR_CAMPAIGNS_PAGE (widget), NULL);
}

static void
sr_campaigns_page_dispose (GObject *object)
{
  SrCampaignsPage *self = SR_CAMPAIGNS_PAGE (object);

  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_campaigns_page_parent_class)->dispose (object);
}

static void
sr_campaigns_page_finalize (GObject *object)
{
  SrCampaignsPage *self = SR_CAMPAIGNS_PAGE (object);

  g_clear_pointer (&self->senders, g_ptr_array_unref);
  g_clear_pointer (&self->statuses, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_campaigns_page_parent_class)->finalize (object);
}

static void
sr_campaigns_page_class_init (SrCampaignsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_campaigns_page_dispose;
  object_class->finalize = sr_campaigns_page_finalize;

  g_type_ensure (SR_TYPE_CAMPAIGN_VIEW);
  g_type_ensure (SR_TYPE_EXPORT_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-campaigns-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, campaign_view);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, export_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_source_changed_cb);

  gtk_widget_class_install_action (widget_class, "campaigns-page.export", NULL, export_action);
}

static void
sr_campaigns_page_init (SrCampaignsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* A pasted page of text stops at the limit the CLI refuses beyond. */
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->search_entry))),
                           SR_FILTER_TEXT_MAX_CHARS);
  setup_filters (self);
  /* Sorting without the mouse: the column headers take no focus. */
  sr_container_insert_after (gtk_widget_get_parent (GTK_WIDGET (self->search_entry)),
                              sr_column_sorter_new_menu_button (sr_campaign_view_get_column_view (self->campaign_view)),
                              GTK_WIDGET (self->search_entry));

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::show-utc",
                           G_CALLBACK (on_show_utc_changed_cb),
                           self, G_CONNECT_SWAPPED);

  update_state (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "campaigns-page.export", FALSE);
}

GtkWidget *
sr_campaigns_page_new (void)
{
  return g_object_new (SR_TYPE_CAMPAIGNS_PAGE, NULL);
}

void
sr_campaigns_page_set_session (SrCampaignsPage *self,
                               SrSession       *session)
{
  g_return_if_fail (SR_IS_CAMPAIGNS_PAGE (self));
  g_return_if_fail (!session || SR_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);

  sr_campaign_view_set_list (self->campaign_view, NULL);
  g_clear_object (&self->list);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  sr_campaign_view_set_session (self->campaign_view, session);

  if (session != NULL)
    {
      self->list = sr_campaign_list_new (sr_session_get_cache (session));
      g_signal_connect_object (session, "notify::campaign-index",
                               G_CALLBACK (on_campaign_choices_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list, "items-changed",
                               G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list, "notify::loading",
                               G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      sr_campaign_view_set_list (self->campaign_view, self->list);
      on_search_changed_cb (self);
      on_source_changed_cb (self);
      on_campaign_choices_changed_cb (self);
    }
  else
    sr_export_bar_cancel (self->export_bar);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "campaigns-page.export", session != NULL);
  update_state (self);
}

void
sr_campaigns_page_focus_search (SrCampaignsPage *self)
{
  g_return_if_fail (SR_IS_CAMPAIGNS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

gboolean
sr_campaigns_page_get_row_counts (SrCampaignsPage *self,
                                  guint            position,
                                  gint64           by_group[SR_N_STATUS_GROUPS])
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), FALSE);

  return sr_campaign_view_get_row_counts (self->campaign_view, position, by_group);
}

SrCampaignList *
sr_campaigns_page_get_list (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), NULL);

  return self->list;
}

GtkColumnView *
sr_campaigns_page_get_column_view (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), NULL);

  return sr_campaign_view_get_column_view (self->campaign_view);
}

void
sr_campaigns_page_set_source (SrCampaignsPage *self,
                              int              source)
{
  g_return_if_fail (SR_IS_CAMPAIGNS_PAGE (self));
  g_return_if_fail (source >= -1 && source <= 1);

  gtk_drop_down_set_selected (self->source_dropdown, (guint) (source + 1));
}

void
sr_campaigns_page_export (SrCampaignsPage *self,
                          GFile           *destination)
{
  g_autofree char *name = NULL;

  g_return_if_fail (SR_IS_CAMPAIGNS_PAGE (self));
  g_return_if_fail (!destination || G_IS_FILE (destination));

  if (self->list == NULL)
    return;

  /* The list's own conditions and order: exactly the rows on screen. */
  name = sr_export_bar_dup_default_name ("campaigns");
  sr_export_bar_export_campaigns (self->export_bar,
                                  sr_campaign_list_get_cache (self->list),
                                  sr_campaign_list_get_filter (self->list),
                                  sr_campaign_list_get_sort (self->list),
                                  sr_campaign_list_get_descending (self->list),
                                  name, destination);
}

SrExportBar *
sr_campaigns_page_get_export_bar (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), NULL);

  return self->export_bar;
}

gboolean
sr_campaigns_page_get_compact (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), FALSE);

  return sr_campaign_view_get_compact (self->campaign_view);
}

GtkListView *
sr_campaigns_page_get_list_view (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), NULL);

  return sr_campaign_view_get_list_view (self->campaign_view);
}

void
sr_campaigns_page_set_filters (SrCampaignsPage *self,
                               SrPeriod         period,
                               const char      *sender_id,
                               const char      *status)
{
  guint sender_row = 0, status_row = 0;

  g_return_if_fail (SR_IS_CAMPAIGNS_PAGE (self));
  g_return_if_fail (period < SR_PERIOD_CUSTOM);

  for (guint i = 0; sender_id != NULL && i < self->senders->len; i++)
    if (g_str_equal (g_ptr_array_index (self->senders, i), sender_id))
      sender_row = i + 1;
  for (guint i = 0; status != NULL && i < self->statuses->len; i++)
    if (g_str_equal (g_ptr_array_index (self->statuses, i), status))
      status_row = i + 1;

  /* What choosing in the drop-downs does. */
  sr_period_picker_set_period (self->period_picker, period);
  gtk_drop_down_set_selected (self->sender_dropdown, sender_row);
  gtk_drop_down_set_selected (self->status_dropdown, status_row);
  on_filters_changed_cb (self);
}

void
sr_campaigns_page_set_custom_days (SrCampaignsPage *self,
                                   GDateTime       *first_day,
                                   GDateTime       *last_day)
{
  g_return_if_fail (SR_IS_CAMPAIGNS_PAGE (self));

  /* What picking the days and "Apply" does. */
  sr_period_picker_apply_custom (self->period_picker, first_day, last_day);
}

SrPeriodPicker *
sr_campaigns_page_get_period_picker (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), NULL);

  return self->period_picker;
}
