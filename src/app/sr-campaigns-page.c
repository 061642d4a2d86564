/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaigns-page.c: the Campaign Log over a lazy SrCampaignList. Sorting
 * maps the column headers to sr_campaign_list_set_sort() (SQL), like the
 * Messages Log. Activating a row runs win.show-campaign, which opens the
 * campaign's own window.
 */
#define G_LOG_DOMAIN "sr-campaigns-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-campaigns-page.h"
#include "sr-column-sorter.h"
#include "sr-export-bar.h"
#include "sr-format.h"
#include "sr-status-bar.h"

struct _SrCampaignsPage
{
  AdwBin               parent_instance;

  GtkSearchEntry      *search_entry;
  GtkDropDown         *source_dropdown;
  AdwSpinner          *loading_spinner;
  GtkLabel            *count_label;
  GtkStack            *content_stack;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *date_column;
  GtkColumnViewColumn *sender_column;
  GtkColumnViewColumn *message_column;
  GtkColumnViewColumn *recipients_column;
  GtkColumnViewColumn *delivered_column;
  GtkColumnViewColumn *sent_column;
  GtkColumnViewColumn *pending_column;
  GtkColumnViewColumn *failed_column;
  GtkColumnViewColumn *rate_column;
  GtkColumnViewColumn *cost_column;
  GtkColumnViewColumn *source_column;
  GtkColumnViewColumn *status_column;
  SrExportBar         *export_bar;

  SrSession           *session;
  SrCampaignList      *list;
  GtkSingleSelection  *selection;
  GSettings           *settings;
  GHashTable          *date_items;     /* GtkListItem* set, unowned */
};

G_DEFINE_FINAL_TYPE (SrCampaignsPage, sr_campaigns_page, ADW_TYPE_BIN)

static SrCampaign *
list_item_get_campaign (GtkListItem *list_item)
{
  return SR_CAMPAIGN (gtk_list_item_get_item (list_item));
}

static void
set_label (GtkListItem *list_item,
           const char  *text)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)),
                       text != NULL && *text != '\0' ? text : "—");
}

static void
set_count (GtkListItem *list_item,
           gint64       count)
{
  g_autofree char *text = sr_format_count (count);

  set_label (list_item, text);
}

static void
on_setup_label_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (list_item, label);
}

static void
on_setup_text_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrCampaignsPage          *self)
{
  on_setup_label_cb (factory, list_item, self);
  gtk_label_set_width_chars (GTK_LABEL (gtk_list_item_get_child (list_item)), 12);
  gtk_widget_add_css_class (gtk_list_item_get_child (list_item), "dim-label");
}

static void
on_setup_numeric_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     SrCampaignsPage          *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
on_setup_rate_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrCampaignsPage          *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bar = sr_status_bar_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_hexpand (bar, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_width_chars (GTK_LABEL (label), 7);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
format_date_item (SrCampaignsPage *self,
                  GtkListItem     *list_item)
{
  SrCampaign *campaign = list_item_get_campaign (list_item);
  g_autofree char *text = NULL;

  if (campaign == NULL)
    return;

  text = sr_format_time (sr_campaign_get_created_at (campaign),
                         g_settings_get_boolean (self->settings, "show-utc"));
  set_label (list_item, text);
}

static void
on_bind_date_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  g_hash_table_add (self->date_items, list_item);
  format_date_item (self, list_item);
}

static void
on_unbind_date_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  g_hash_table_remove (self->date_items, list_item);
}

static void
on_bind_sender_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  set_label (list_item, sr_campaign_get_sender_id (list_item_get_campaign (list_item)));
}

static void
on_bind_message_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignsPage          *self)
{
  const char *text = sr_campaign_get_message (list_item_get_campaign (list_item));
  g_autofree char *one_line = NULL;

  if (text != NULL && strpbrk (text, "\r\n") != NULL)
    {
      one_line = g_strdup (text);
      g_strdelimit (one_line, "\r\n", ' ');
      text = one_line;
    }

  set_label (list_item, text);
}

static void
on_bind_recipients_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       SrCampaignsPage          *self)
{
  set_count (list_item, sr_campaign_get_recipients (list_item_get_campaign (list_item)));
}

static void
on_bind_delivered_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      SrCampaignsPage          *self)
{
  set_count (list_item, sr_campaign_get_delivered_messages (list_item_get_campaign (list_item)));
}

static void
on_bind_sent_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  set_count (list_item, sr_campaign_get_sent_messages (list_item_get_campaign (list_item)));
}

static void
on_bind_pending_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignsPage          *self)
{
  set_count (list_item, sr_campaign_get_pending_messages (list_item_get_campaign (list_item)));
}

static void
on_bind_failed_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  set_count (list_item, sr_campaign_get_failed_messages (list_item_get_campaign (list_item)));
}

static void
on_bind_rate_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  SrCampaign *campaign = list_item_get_campaign (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *bar = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_last_child (box);
  gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };
  g_autofree char *rate = NULL;

  /* The campaign's own counters: delivered, sent (unconfirmed), pending, failed. */
  by_group[SR_STATUS_GROUP_DELIVERED] = sr_campaign_get_delivered_messages (campaign);
  by_group[SR_STATUS_GROUP_UNCONFIRMED] = sr_campaign_get_sent_messages (campaign);
  by_group[SR_STATUS_GROUP_PENDING] = sr_campaign_get_pending_messages (campaign);
  by_group[SR_STATUS_GROUP_FAILED] = sr_campaign_get_failed_messages (campaign);
  sr_status_bar_set_counts (SR_STATUS_BAR (bar), by_group);

  rate = sr_format_percent (sr_campaign_get_delivery_rate (campaign));
  gtk_label_set_label (GTK_LABEL (label), rate);
}

static void
on_bind_cost_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  g_autofree char *text = sr_format_money (sr_campaign_get_client_total_cost (list_item_get_campaign (list_item)),
                                           self->session ? sr_session_get_currency (self->session) : NULL,
                                           2);

  set_label (list_item, text);
}

static void
on_bind_source_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  /* Translators: where a campaign was sent from: the API or the web dashboard */
  set_label (list_item, sr_campaign_get_is_api (list_item_get_campaign (list_item)) ? _("API") : _("Web"));
}

static void
on_bind_status_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  /* Campaign statuses are not documented: shown as they arrive. */
  set_label (list_item, sr_campaign_get_status (list_item_get_campaign (list_item)));
}

static void
on_activate_cb (SrCampaignsPage *self,
                guint            position)
{
  g_autoptr(SrCampaign) campaign = NULL;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  if (self->list == NULL)
    return;

  /* A row whose block is still being read shows nothing yet to open. */
  if (!sr_campaign_list_is_loaded (self->list, position))
    return;

  campaign = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (campaign != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-campaign", "s",
                                sr_campaign_get_id (campaign));
}

static void
on_sorter_changed_cb (SrCampaignsPage *self)
{
  int key = SR_CAMPAIGN_SORT_CREATED;
  gboolean descending = TRUE;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  if (!sr_column_sorter_get_primary (self->column_view, &key, &descending))
    {
      key = SR_CAMPAIGN_SORT_CREATED;
      descending = TRUE;
    }

  if (self->list != NULL &&
      (sr_campaign_list_get_sort (self->list) != (SrCampaignSort) key ||
       sr_campaign_list_get_descending (self->list) != descending))
    sr_campaign_list_set_sort (self->list, (SrCampaignSort) key, descending);
}

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
  GHashTableIter iter;
  gpointer key;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  g_hash_table_iter_init (&iter, self->date_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_date_item (self, key);
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

  if (self->column_view != NULL)
    {
      /* Removing the columns changes the sorter: nothing to re-sort any more. */
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      gtk_column_view_set_model (self->column_view, NULL);
    }


  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_campaigns_page_parent_class)->dispose (object);
}

static void
sr_campaigns_page_finalize (GObject *object)
{
  SrCampaignsPage *self = SR_CAMPAIGNS_PAGE (object);

  g_clear_pointer (&self->date_items, g_hash_table_unref);

  G_OBJECT_CLASS (sr_campaigns_page_parent_class)->finalize (object);
}

static void
sr_campaigns_page_class_init (SrCampaignsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_campaigns_page_dispose;
  object_class->finalize = sr_campaigns_page_finalize;

  g_type_ensure (SR_TYPE_EXPORT_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-campaigns-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, date_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, sender_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, message_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, recipients_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, delivered_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, sent_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, pending_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, failed_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, rate_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, cost_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, source_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, status_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, export_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_numeric_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_rate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_date_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_date_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_sender_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_message_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_recipients_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_delivered_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_sent_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_pending_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_failed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_rate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_cost_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_source_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_status_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_source_changed_cb);

  gtk_widget_class_install_action (widget_class, "campaigns-page.export", NULL, export_action);
}

static void
add_sorter (GtkColumnViewColumn *column,
            SrCampaignSort       key)
{
  g_autoptr(GtkSorter) sorter = sr_column_sorter_new (key);

  gtk_column_view_column_set_sorter (column, sorter);
}

static void
sr_campaigns_page_init (SrCampaignsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->date_items = g_hash_table_new (NULL, NULL);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_sorter (self->date_column, SR_CAMPAIGN_SORT_CREATED);
  add_sorter (self->sender_column, SR_CAMPAIGN_SORT_SENDER);
  add_sorter (self->recipients_column, SR_CAMPAIGN_SORT_RECIPIENTS);
  add_sorter (self->rate_column, SR_CAMPAIGN_SORT_DELIVERY_RATE);
  add_sorter (self->cost_column, SR_CAMPAIGN_SORT_COST);

  gtk_column_view_sort_by_column (self->column_view, self->date_column, GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed_cb),
                           self, G_CONNECT_SWAPPED);

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

  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->list);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      self->list = sr_campaign_list_new (sr_session_get_cache (session));
      g_signal_connect_object (self->list, "items-changed",
                               G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list, "notify::loading",
                               G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->list));
      on_sorter_changed_cb (self);
      on_search_changed_cb (self);
      on_source_changed_cb (self);
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

  return self->column_view;
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
