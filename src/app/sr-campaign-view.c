/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-view.c: the Campaign Log's list of campaigns over a lazy
 * SrCampaignList, like SrMessageView for messages: a GtkColumnView whose
 * headers sort the list (sr_campaign_list_set_sort(), SQL), or, when
 * "compact", a GtkListView of rich rows (sender, delivery, text, date,
 * recipients and cost) over the same selection model. The counting columns
 * come from the session's SrCampaignIndex; activating a row runs
 * win.show-campaign. The cells are those of sr-cells.h.
 */
#define G_LOG_DOMAIN "sr-campaign-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-campaign-view.h"
#include "sr-cells.h"
#include "sr-column-sorter.h"
#include "sr-format.h"
#include "sr-gtk-compat.h"
#include "sr-status-bar.h"

struct _SrCampaignView
{
  GtkWidget            parent_instance;

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

  SrSession           *session;        /* for the currency and the campaign index */
  SrCampaignList      *list;
  GtkSingleSelection  *selection;
  GSettings           *settings;
  GHashTable          *date_items;     /* GtkListItem* set, unowned */
  GHashTable          *rich_items;     /* GtkListItem* set, unowned */
  GHashTable          *count_items;    /* GtkListItem* → CountColumn, unowned */
};

G_DEFINE_FINAL_TYPE (SrCampaignView, sr_campaign_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static SrCampaign *
list_item_get_campaign (GtkListItem *list_item)
{
  return SR_CAMPAIGN (gtk_list_item_get_item (list_item));
}

static gboolean is_placeholder (gpointer item);

/* A row not read yet is blank until its block lands (see sr-cells.h). */
static gboolean
blank_placeholder (GtkListItem *list_item)
{
  return sr_cell_bind_blank (list_item, is_placeholder);
}

static void
on_setup_label_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignView           *self)
{
  sr_cell_setup_label (list_item);
}

static void
on_setup_text_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrCampaignView           *self)
{
  sr_cell_setup_text (list_item, 12);
}

static void
on_setup_numeric_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     SrCampaignView           *self)
{
  sr_cell_setup_numeric (list_item);
}

static void
on_setup_rate_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrCampaignView           *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bar = sr_status_bar_new ();
  GtkWidget *label = sr_cell_new (1);

  gtk_widget_set_hexpand (bar, TRUE);
  sr_cell_set_min_chars (label, 7);
  gtk_widget_add_css_class (label, "numeric");
  sr_container_append (box, bar);
  sr_container_append (box, label);
  gtk_list_item_set_child (list_item, box);
}

static void
format_date_item (SrCampaignView  *self,
                  GtkListItem     *list_item)
{
  SrCampaign *campaign = list_item_get_campaign (list_item);
  g_autofree char *text = NULL;

  if (campaign == NULL || blank_placeholder (list_item))
    return;

  text = sr_format_time (sr_campaign_get_created_at (campaign),
                         g_settings_get_boolean (self->settings, "show-utc"));
  sr_cell_set_label (list_item, text);
}

static void
on_bind_date_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignView           *self)
{
  g_hash_table_add (self->date_items, list_item);
  format_date_item (self, list_item);
}

static void
on_unbind_date_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignView           *self)
{
  g_hash_table_remove (self->date_items, list_item);
}

static void
on_bind_sender_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignView           *self)
{
  if (blank_placeholder (list_item))
    return;

  sr_cell_set_label (list_item, sr_campaign_get_sender_id (list_item_get_campaign (list_item)));
}

static void
on_bind_message_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignView           *self)
{
  if (blank_placeholder (list_item))
    return;

  sr_cell_set_one_line (list_item, sr_campaign_get_message (list_item_get_campaign (list_item)));
}

static void
on_bind_recipients_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       SrCampaignView           *self)
{
  if (blank_placeholder (list_item))
    return;

  sr_cell_set_count (list_item, sr_campaign_get_recipients (list_item_get_campaign (list_item)));
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
get_campaign_groups (SrCampaignView  *self,
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
format_count_item (SrCampaignView  *self,
                   GtkListItem     *list_item,
                   CountColumn      column)
{
  SrCampaign *campaign = list_item_get_campaign (list_item);
  gint64 by_group[SR_N_STATUS_GROUPS];
  gboolean from_messages;
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (campaign == NULL || blank_placeholder (list_item))
    return;

  get_campaign_groups (self, campaign, by_group, &from_messages);

  switch (column)
    {
    case COUNT_DELIVERED:
      sr_cell_set_count (list_item, by_group[SR_STATUS_GROUP_DELIVERED]);
      break;
    case COUNT_SENT:
      sr_cell_set_count (list_item, by_group[SR_STATUS_GROUP_UNCONFIRMED]);
      break;
    case COUNT_PENDING:
      sr_cell_set_count (list_item, by_group[SR_STATUS_GROUP_PENDING]);
      break;
    case COUNT_FAILED:
      sr_cell_set_count (list_item, by_group[SR_STATUS_GROUP_FAILED]);
      sr_cell_set_tooltip (child,
                           from_messages
                           ? NULL
                           : _("Failed or not sent, as counted by SMS.to: the messages of this campaign are not downloaded yet"));
      break;
    case COUNT_RATE:
      {
        g_autofree char *rate = sr_format_percent (sr_campaign_get_delivery_rate (campaign));

        sr_status_bar_set_counts (SR_STATUS_BAR (gtk_widget_get_first_child (child)), by_group);
        sr_cell_set_text (gtk_widget_get_last_child (child), rate);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
bind_count (SrCampaignView  *self,
            GtkListItem     *list_item,
            CountColumn      column)
{
  g_hash_table_insert (self->count_items, list_item, GINT_TO_POINTER (column));
  format_count_item (self, list_item, column);
}

static void
on_unbind_count_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignView           *self)
{
  g_hash_table_remove (self->count_items, list_item);
}

static void
on_campaign_index_changed_cb (SrCampaignView  *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert (SR_IS_CAMPAIGN_VIEW (self));

  g_hash_table_iter_init (&iter, self->count_items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    format_count_item (self, key, GPOINTER_TO_INT (value));
}

static void
on_bind_delivered_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      SrCampaignView           *self)
{
  bind_count (self, list_item, COUNT_DELIVERED);
}

static void
on_bind_sent_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignView           *self)
{
  bind_count (self, list_item, COUNT_SENT);
}

static void
on_bind_pending_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrCampaignView           *self)
{
  bind_count (self, list_item, COUNT_PENDING);
}

static void
on_bind_failed_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignView           *self)
{
  bind_count (self, list_item, COUNT_FAILED);
}

static void
on_bind_rate_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignView           *self)
{
  bind_count (self, list_item, COUNT_RATE);
}

static void
on_bind_cost_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrCampaignView           *self)
{
  g_autofree char *text = NULL;

  if (blank_placeholder (list_item))
    return;

  text = sr_format_money (sr_campaign_get_client_total_cost (list_item_get_campaign (list_item)),
                          self->session ? sr_session_get_currency (self->session) : NULL,
                          2);
  sr_cell_set_label (list_item, text);
}

static void
on_bind_source_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignView           *self)
{
  if (blank_placeholder (list_item))
    return;

  /* Translators: where a campaign was sent from: the API or the web dashboard */
  sr_cell_set_label (list_item, sr_campaign_get_is_api (list_item_get_campaign (list_item)) ? _("API") : _("Web"));
}

static void
on_bind_status_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrCampaignView           *self)
{
  SrCampaign *campaign = list_item_get_campaign (list_item);
  g_autofree char *label = NULL;

  if (blank_placeholder (list_item))
    return;

  label = sr_campaign_status_dup_label (sr_campaign_get_status (campaign));
  /* Campaign statuses are not documented: named, the raw value on hover. */
  sr_cell_set_label (list_item, label);
  sr_cell_set_tooltip (gtk_list_item_get_child (list_item), sr_campaign_get_status (campaign));
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

static void
on_setup_rich_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrCampaignView           *self)
{
  RichRow *row = g_new0 (RichRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_widget_add_css_class (box, "rich-report-row");

  row->title = sr_cell_new_rich_label ("heading", 0, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (row->title), TRUE);
  row->rate = sr_cell_new_rich_label ("numeric", 1, FALSE);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->rate));

  row->bar = SR_STATUS_BAR (sr_status_bar_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (row->bar), 2);
  gtk_widget_set_margin_bottom (GTK_WIDGET (row->bar), 2);

  row->preview = sr_cell_new_rich_label ("dim-label", 0, TRUE);

  row->facts = sr_cell_new_rich_label ("caption", 0, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->facts), "dim-label");
  gtk_widget_set_hexpand (GTK_WIDGET (row->facts), TRUE);
  row->cost = sr_cell_new_rich_label ("caption", 1, FALSE);
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
format_rich_facts (SrCampaignView  *self,
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
                 SrCampaignView           *self)
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

  one_line = sr_cell_dup_one_line (text);
  if (one_line != NULL)
    text = one_line;
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
                   SrCampaignView           *self)
{
  g_hash_table_remove (self->rich_items, list_item);
}

static void
on_activate_cb (SrCampaignView  *self,
                guint            position)
{
  g_autoptr(SrCampaign) campaign = NULL;

  g_assert (SR_IS_CAMPAIGN_VIEW (self));

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
on_sorter_changed_cb (SrCampaignView  *self)
{
  int key = SR_CAMPAIGN_SORT_CREATED;
  gboolean descending = TRUE;

  g_assert (SR_IS_CAMPAIGN_VIEW (self));

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
on_show_utc_changed_cb (SrCampaignView  *self)
{
  GHashTableIter iter;
  gpointer key;

  g_assert (SR_IS_CAMPAIGN_VIEW (self));

  g_hash_table_iter_init (&iter, self->date_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_date_item (self, key);
  g_hash_table_iter_init (&iter, self->rich_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_rich_facts (self, key);
}

static void
sr_campaign_view_dispose (GObject *object)
{
  SrCampaignView *self = SR_CAMPAIGN_VIEW (object);

  if (self->column_view != NULL)
    {
      /* Removing the columns changes the sorter: nothing to re-sort any more. */
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_CAMPAIGN_VIEW);

  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_campaign_view_parent_class)->dispose (object);
}

static void
sr_campaign_view_finalize (GObject *object)
{
  SrCampaignView *self = SR_CAMPAIGN_VIEW (object);

  g_clear_pointer (&self->date_items, g_hash_table_unref);
  g_clear_pointer (&self->rich_items, g_hash_table_unref);
  g_clear_pointer (&self->count_items, g_hash_table_unref);

  G_OBJECT_CLASS (sr_campaign_view_parent_class)->finalize (object);
}

static void
sr_campaign_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SrCampaignView *self = SR_CAMPAIGN_VIEW (object);

  switch (prop_id)
    {
    case PROP_COMPACT:
      g_value_set_boolean (value, sr_campaign_view_get_compact (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_campaign_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SrCampaignView *self = SR_CAMPAIGN_VIEW (object);

  switch (prop_id)
    {
    case PROP_COMPACT:
      sr_campaign_view_set_compact (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_campaign_view_class_init (SrCampaignViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_campaign_view_dispose;
  object_class->finalize = sr_campaign_view_finalize;
  object_class->get_property = sr_campaign_view_get_property;
  object_class->set_property = sr_campaign_view_set_property;

  /**
   * SrCampaignView:compact:
   *
   * Rich rows instead of the columns, for a narrow window.
   */
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-campaign-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, column_view);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, list_view);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, date_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, sender_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, message_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, recipients_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, delivered_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, sent_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, pending_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, failed_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, rate_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, cost_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, source_column);
  gtk_widget_class_bind_template_child (widget_class, SrCampaignView, status_column);
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
}

static void
add_sorter (GtkColumnViewColumn *column,
            SrCampaignSort       key)
{
  g_autoptr(GtkSorter) sorter = sr_column_sorter_new (key);

  gtk_column_view_column_set_sorter (column, sorter);
}

/* Rows not read yet are placeholders that the list fills in place (see
 * sr-cells.h): their cells bind again on the widgets they have. */
static gboolean
is_placeholder (gpointer item)
{
  return *sr_campaign_get_id (item) == '\0';
}

static void
watch_placeholders (SrCampaignView *self)
{
  GtkColumnViewColumn *columns[] = {
    self->date_column, self->sender_column, self->message_column,
    self->recipients_column, self->delivered_column, self->sent_column,
    self->pending_column, self->failed_column, self->rate_column,
    self->cost_column, self->source_column, self->status_column,
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    sr_cell_watch_placeholders (gtk_column_view_column_get_factory (columns[i]), is_placeholder);
  sr_cell_watch_placeholders (gtk_list_view_get_factory (self->list_view), is_placeholder);
}

static void
sr_campaign_view_init (SrCampaignView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->date_items = g_hash_table_new (NULL, NULL);
  self->rich_items = g_hash_table_new (NULL, NULL);
  self->count_items = g_hash_table_new (NULL, NULL);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* The rich rows get the model only while they are shown: a hidden
   * GtkListView still builds and binds its rows on every change. */
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

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

  watch_placeholders (self);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::show-utc",
                           G_CALLBACK (on_show_utc_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

void
sr_campaign_view_set_session (SrCampaignView *self,
                              SrSession      *session)
{
  g_return_if_fail (SR_IS_CAMPAIGN_VIEW (self));
  g_return_if_fail (!session || SR_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::campaign-index",
                             G_CALLBACK (on_campaign_index_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

void
sr_campaign_view_set_list (SrCampaignView *self,
                           SrCampaignList *list)
{
  g_return_if_fail (SR_IS_CAMPAIGN_VIEW (self));
  g_return_if_fail (!list || SR_IS_CAMPAIGN_LIST (list));

  if (self->list == list)
    return;

  gtk_single_selection_set_model (self->selection, NULL);
  g_set_object (&self->list, list);
  if (list != NULL)
    {
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (list));
      /* The order chosen in the headers. */
      on_sorter_changed_cb (self);
    }
}

SrCampaignList *
sr_campaign_view_get_list (SrCampaignView *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_VIEW (self), NULL);

  return self->list;
}

gboolean
sr_campaign_view_get_row_counts (SrCampaignView *self,
                                 guint           position,
                                 gint64          by_group[SR_N_STATUS_GROUPS])
{
  g_autoptr(SrCampaign) campaign = NULL;
  gboolean from_messages = FALSE;

  g_return_val_if_fail (SR_IS_CAMPAIGN_VIEW (self), FALSE);

  if (self->list == NULL)
    return FALSE;
  campaign = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (campaign == NULL)
    return FALSE;

  get_campaign_groups (self, campaign, by_group, &from_messages);
  return from_messages;
}

gboolean
sr_campaign_view_get_compact (SrCampaignView *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_VIEW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "rows") == 0;
}

void
sr_campaign_view_set_compact (SrCampaignView *self,
                              gboolean        compact)
{
  g_return_if_fail (SR_IS_CAMPAIGN_VIEW (self));

  if (sr_campaign_view_get_compact (self) == !!compact)
    return;

  if (compact)
    gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_stack_set_visible_child_name (self->view_stack, compact ? "rows" : "columns");
  if (!compact)
    gtk_list_view_set_model (self->list_view, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

GtkColumnView *
sr_campaign_view_get_column_view (SrCampaignView *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_VIEW (self), NULL);

  return self->column_view;
}

GtkListView *
sr_campaign_view_get_list_view (SrCampaignView *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_VIEW (self), NULL);

  return self->list_view;
}
