/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaigns-page.c: the Campaign Log over a lazy SrCampaignList. Sorting
 * maps the column headers to sr_campaign_list_set_sort() (SQL), like the
 * Messages Log. Activating a row runs win.show-campaign, which opens the
 * campaign's own window. Narrower than the columns, a breakpoint shows the
 * same selection model as a GtkListView of rich rows (sender, delivery, text,
 * date, recipients and cost).
 */
#define G_LOG_DOMAIN "sr-campaigns-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-campaigns-page.h"
#include "sr-column-sorter.h"
#include "sr-export-bar.h"
#include "sr-format.h"
#include "sr-gtk-compat.h"
#include "sr-period-picker.h"
#include "sr-status-bar.h"

struct _SrCampaignsPage
{
  AdwBin               parent_instance;

  GtkSearchEntry      *search_entry;
  GtkDropDown         *source_dropdown;
  AdwSpinner          *loading_spinner;
  GtkLabel            *count_label;
  GtkStack            *content_stack;
  GtkStack            *view_stack;
  GtkColumnView       *column_view;
  GtkListView         *list_view;
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
  GHashTable          *rich_items;     /* GtkListItem* set, unowned */
  GHashTable          *count_items;    /* GtkListItem* → CountColumn, unowned */
  SrPeriodPicker      *period_picker;
  GtkDropDown         *sender_dropdown;
  GtkDropDown         *status_dropdown;
  GPtrArray           *senders;        /* char*, parallel to sender_dropdown rows 1.. */
  GPtrArray           *statuses;       /* char*, raw, parallel to status_dropdown rows 1.. */
  gboolean             filling_choices;
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
  sr_container_append (box, bar);
  sr_container_append (box, label);
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

/* The counting columns, filled from the same counts as the campaign window
 * (its downloaded messages by status, SrCampaignIndex), so "Failed" means
 * FAILED in both. Until a campaign's messages are downloaded, SMS.to's own
 * counters stand in; their "failed" also holds the messages never sent. */
typedef enum {
  COUNT_DELIVERED = 1,
  COUNT_SENT,
  COUNT_PENDING,
  COUNT_FAILED,
  COUNT_RATE,
} CountColumn;

static void
get_campaign_groups (SrCampaignsPage *self,
                     SrCampaign      *campaign,
                     gint64           by_group[SR_N_STATUS_GROUPS],
                     gboolean        *out_from_messages)
{
  SrCampaignIndex *index = self->session != NULL ? sr_session_get_campaign_index (self->session) : NULL;
  const SrCampaignCounts *counts = index != NULL ? sr_campaign_index_get_counts (index, sr_campaign_get_id (campaign)) : NULL;

  memset (by_group, 0, sizeof (gint64) * SR_N_STATUS_GROUPS);
  *out_from_messages = counts != NULL;
  if (counts != NULL)
    {
      memcpy (by_group, counts->by_group, sizeof (gint64) * SR_N_STATUS_GROUPS);
      return;
    }

  by_group[SR_STATUS_GROUP_DELIVERED] = sr_campaign_get_delivered_messages (campaign);
  by_group[SR_STATUS_GROUP_UNCONFIRMED] = sr_campaign_get_sent_messages (campaign);
  by_group[SR_STATUS_GROUP_PENDING] = sr_campaign_get_pending_messages (campaign);
  by_group[SR_STATUS_GROUP_FAILED] = sr_campaign_get_failed_messages (campaign);
}

static void
format_count_item (SrCampaignsPage *self,
                   GtkListItem     *list_item,
                   CountColumn      column)
{
  SrCampaign *campaign = list_item_get_campaign (list_item);
  gint64 by_group[SR_N_STATUS_GROUPS];
  gboolean from_messages;
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (campaign == NULL)
    return;

  get_campaign_groups (self, campaign, by_group, &from_messages);

  switch (column)
    {
    case COUNT_DELIVERED:
      set_count (list_item, by_group[SR_STATUS_GROUP_DELIVERED]);
      break;
    case COUNT_SENT:
      set_count (list_item, by_group[SR_STATUS_GROUP_UNCONFIRMED]);
      break;
    case COUNT_PENDING:
      set_count (list_item, by_group[SR_STATUS_GROUP_PENDING]);
      break;
    case COUNT_FAILED:
      set_count (list_item, by_group[SR_STATUS_GROUP_FAILED]);
      gtk_widget_set_tooltip_text (child,
                                   from_messages
                                   ? NULL
                                   : _("Failed or not sent, as counted by SMS.to: the messages of this campaign are not downloaded yet"));
      break;
    case COUNT_RATE:
      {
        g_autofree char *rate = sr_format_percent (sr_campaign_get_delivery_rate (campaign));

        sr_status_bar_set_counts (SR_STATUS_BAR (gtk_widget_get_first_child (child)), by_group);
        gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (child)), rate);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
bind_count (SrCampaignsPage *self,
            GtkListItem     *list_item,
            CountColumn      column)
{
  g_hash_table_insert (self->count_items, list_item, GINT_TO_POINTER (column));
  format_count_item (self, list_item, column);
}

static void
on_unbind_count_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignsPage          *self)
{
  g_hash_table_remove (self->count_items, list_item);
}

static void
on_campaign_index_changed_cb (SrCampaignsPage *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  g_hash_table_iter_init (&iter, self->count_items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    format_count_item (self, key, GPOINTER_TO_INT (value));
}

static void
on_bind_delivered_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      SrCampaignsPage          *self)
{
  bind_count (self, list_item, COUNT_DELIVERED);
}

static void
on_bind_sent_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  bind_count (self, list_item, COUNT_SENT);
}

static void
on_bind_pending_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignsPage          *self)
{
  bind_count (self, list_item, COUNT_PENDING);
}

static void
on_bind_failed_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  bind_count (self, list_item, COUNT_FAILED);
}

static void
on_bind_rate_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  bind_count (self, list_item, COUNT_RATE);
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
  SrCampaign *campaign = list_item_get_campaign (list_item);
  g_autofree char *label = sr_campaign_status_dup_label (sr_campaign_get_status (campaign));

  /* Campaign statuses are not documented: named, the raw value on hover. */
  set_label (list_item, label);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (list_item), sr_campaign_get_status (campaign));
}

/* --- rich rows, for narrow windows --- */

typedef struct
{
  GtkLabel    *title;
  GtkLabel    *rate;
  SrStatusBar *bar;
  GtkLabel    *preview;
  GtkLabel    *facts;
  GtkLabel    *cost;
} RichRow;

static GtkWidget *
rich_label_new (const char *css_class,
                float       xalign,
                gboolean    ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (ellipsize)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
on_setup_rich_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrCampaignsPage          *self)
{
  RichRow *row = g_new0 (RichRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_widget_add_css_class (box, "rich-report-row");

  row->title = GTK_LABEL (rich_label_new ("heading", 0, TRUE));
  gtk_widget_set_hexpand (GTK_WIDGET (row->title), TRUE);
  row->rate = GTK_LABEL (rich_label_new ("numeric", 1, FALSE));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->rate));

  row->bar = SR_STATUS_BAR (sr_status_bar_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (row->bar), 2);
  gtk_widget_set_margin_bottom (GTK_WIDGET (row->bar), 2);

  row->preview = GTK_LABEL (rich_label_new ("dim-label", 0, TRUE));

  row->facts = GTK_LABEL (rich_label_new ("caption", 0, TRUE));
  gtk_widget_add_css_class (GTK_WIDGET (row->facts), "dim-label");
  gtk_widget_set_hexpand (GTK_WIDGET (row->facts), TRUE);
  row->cost = GTK_LABEL (rich_label_new ("caption", 1, FALSE));
  gtk_widget_add_css_class (GTK_WIDGET (row->cost), "numeric");
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (row->facts));
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (row->cost));

  sr_container_append (box, top);
  sr_container_append (box, GTK_WIDGET (row->bar));
  sr_container_append (box, GTK_WIDGET (row->preview));
  sr_container_append (box, bottom);

  g_object_set_data_full (G_OBJECT (list_item), "sr-rich-row", row, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
format_rich_facts (SrCampaignsPage *self,
                   GtkListItem     *list_item)
{
  RichRow *row = g_object_get_data (G_OBJECT (list_item), "sr-rich-row");
  SrCampaign *campaign = list_item_get_campaign (list_item);
  g_autofree char *time = NULL;
  g_autofree char *count = NULL;
  g_autofree char *recipients = NULL;
  g_autofree char *text = NULL;
  gint64 n;

  if (campaign == NULL)
    return;

  time = sr_format_time (sr_campaign_get_created_at (campaign),
                         g_settings_get_boolean (self->settings, "show-utc"));
  n = sr_campaign_get_recipients (campaign);
  count = sr_format_count (n);
  /* Translators: in a narrow row of the Campaign Log, %s is a number */
  recipients = g_strdup_printf (ngettext ("%s recipient", "%s recipients", n), count);
  /* Translators: a narrow row of the Campaign Log: "date · 120 recipients" */
  text = g_strdup_printf (_("%s · %s"), time, recipients);
  gtk_label_set_label (row->facts, text);
}

static void
on_bind_rich_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignsPage          *self)
{
  RichRow *row = g_object_get_data (G_OBJECT (list_item), "sr-rich-row");
  SrCampaign *campaign = list_item_get_campaign (list_item);
  const char *sender = sr_campaign_get_sender_id (campaign);
  const char *text = sr_campaign_get_message (campaign);
  gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };
  g_autofree char *one_line = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *accessible = NULL;

  gtk_label_set_label (row->title, sender != NULL && *sender != '\0' ? sender : "—");

  rate = sr_format_percent (sr_campaign_get_delivery_rate (campaign));
  gtk_label_set_label (row->rate, rate);
  by_group[SR_STATUS_GROUP_DELIVERED] = sr_campaign_get_delivered_messages (campaign);
  by_group[SR_STATUS_GROUP_UNCONFIRMED] = sr_campaign_get_sent_messages (campaign);
  by_group[SR_STATUS_GROUP_PENDING] = sr_campaign_get_pending_messages (campaign);
  by_group[SR_STATUS_GROUP_FAILED] = sr_campaign_get_failed_messages (campaign);
  sr_status_bar_set_counts (row->bar, by_group);

  if (text != NULL && strpbrk (text, "\r\n") != NULL)
    {
      one_line = g_strdup (text);
      g_strdelimit (one_line, "\r\n", ' ');
      text = one_line;
    }
  gtk_label_set_label (row->preview, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row->preview), text != NULL && *text != '\0');

  cost = sr_format_money (sr_campaign_get_client_total_cost (campaign),
                          self->session ? sr_session_get_currency (self->session) : NULL,
                          2);
  gtk_label_set_label (row->cost, cost);

  g_hash_table_add (self->rich_items, list_item);
  format_rich_facts (self, list_item);

  accessible = g_strjoin (", ",
                          gtk_label_get_label (row->title),
                          gtk_label_get_label (row->facts),
                          rate, cost, NULL);
  gtk_list_item_set_accessible_label (list_item, accessible);
}

static void
on_unbind_rich_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignsPage          *self)
{
  g_hash_table_remove (self->rich_items, list_item);
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
  GHashTableIter iter;
  gpointer key;

  g_assert (SR_IS_CAMPAIGNS_PAGE (self));

  g_hash_table_iter_init (&iter, self->date_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_date_item (self, key);
  g_hash_table_iter_init (&iter, self->rich_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_rich_facts (self, key);

  /* Day boundaries move with the zone. */
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

  if (self->column_view != NULL)
    {
      /* Removing the columns changes the sorter: nothing to re-sort any more. */
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

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
  g_clear_pointer (&self->rich_items, g_hash_table_unref);
  g_clear_pointer (&self->count_items, g_hash_table_unref);
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

  g_type_ensure (SR_TYPE_EXPORT_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-campaigns-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignsPage, list_view);
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
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_count_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_rate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_cost_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_source_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_status_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_rich_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_rich_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_rich_cb);
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

  /* A pasted page of text stops at the limit the CLI refuses beyond. */
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->search_entry))),
                           SR_FILTER_TEXT_MAX_CHARS);
  self->date_items = g_hash_table_new (NULL, NULL);
  self->rich_items = g_hash_table_new (NULL, NULL);
  self->count_items = g_hash_table_new (NULL, NULL);
  setup_filters (self);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  add_sorter (self->date_column, SR_CAMPAIGN_SORT_CREATED);
  add_sorter (self->sender_column, SR_CAMPAIGN_SORT_SENDER);
  add_sorter (self->recipients_column, SR_CAMPAIGN_SORT_RECIPIENTS);
  add_sorter (self->rate_column, SR_CAMPAIGN_SORT_DELIVERY_RATE);
  add_sorter (self->cost_column, SR_CAMPAIGN_SORT_COST);

  sr_column_view_fit_titles (self->column_view);
  gtk_column_view_sort_by_column (self->column_view, self->date_column, GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed_cb),
                           self, G_CONNECT_SWAPPED);
  /* Sorting without the mouse: the column headers take no focus. */
  sr_container_insert_after (gtk_widget_get_parent (GTK_WIDGET (self->search_entry)),
                              sr_column_sorter_new_menu_button (self->column_view),
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

  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->list);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      self->list = sr_campaign_list_new (sr_session_get_cache (session));
      g_signal_connect_object (session, "notify::campaign-index",
                               G_CALLBACK (on_campaign_index_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::campaign-index",
                               G_CALLBACK (on_campaign_choices_changed_cb),
                               self, G_CONNECT_SWAPPED);
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
  g_autoptr(SrCampaign) campaign = NULL;
  gboolean from_messages = FALSE;

  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), FALSE);

  if (self->list == NULL)
    return FALSE;
  campaign = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (campaign == NULL)
    return FALSE;

  get_campaign_groups (self, campaign, by_group, &from_messages);
  return from_messages;
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

gboolean
sr_campaigns_page_get_compact (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "rows") == 0;
}

GtkListView *
sr_campaigns_page_get_list_view (SrCampaignsPage *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGNS_PAGE (self), NULL);

  return self->list_view;
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
