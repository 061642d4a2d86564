/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-view.c: a GtkColumnView over a SrMessageList. The model is
 * never wrapped in a GtkSortListModel: each sortable column carries an
 * SrColumnSorter, and a change of the view's sorter is mapped to
 * sr_message_list_set_sort(), which re-runs the query in SQL. Cells are
 * plain labels filled in "bind"; the date cells are tracked so that the
 * "show UTC" preference can re-format them in place.
 *
 * Narrow, the same selection model is shown by a GtkListView of rich rows
 * instead (recipient, status, text, time, cost): a breakpoint of the page
 * sets "compact". Sorting is then the one chosen in the columns.
 *
 * Rows can be selected several at a time (SrSelection: positions only, so
 * Ctrl+A on a million rows stays cheap) and Ctrl+C copies them as
 * tab-separated text. The copied rows are read from the cache in a GTask
 * thread, by position in the list's query, not through the model's items.
 */
#define G_LOG_DOMAIN "sr-message-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "sr-column-sorter.h"
#include "sr-format.h"
#include "sr-message-dialog.h"
#include "sr-cells.h"
#include "sr-message-view.h"
#include "sr-selection.h"
#include "sr-status-pill.h"

/* More than this is a job for Export…: the clipboard holds the text in
 * memory, and pasting megabytes into a spreadsheet is no fun either. */
#define COPY_LIMIT 100000

struct _SrMessageView
{
  GtkWidget            parent_instance;

  GtkStack            *view_stack;
  GtkColumnView       *column_view;
  GtkListView         *list_view;
  GtkColumnViewColumn *date_column;
  GtkColumnViewColumn *recipient_column;
  GtkColumnViewColumn *sender_column;
  GtkColumnViewColumn *message_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *parts_column;
  GtkColumnViewColumn *cost_column;
  GtkColumnViewColumn *campaign_column;
  GtkColumnViewColumn *reason_column;

  SrMessageList       *list;           /* owned */
  SrSelection         *selection;      /* owned */
  GCancellable        *copy_cancellable;
  char                *last_copied;
  guint                context_position;   /* the row of the context menu */
  GtkWidget           *context_menu;
  GMenu               *filter_section;     /* "Only …" items of the context row */
  GSettings           *settings;
  GHashTable          *date_items;     /* GtkListItem* set, unowned */
  GHashTable          *rich_items;     /* GtkListItem* set, unowned */
  GHashTable          *campaign_items; /* GtkListItem* set, unowned */
  SrCampaignIndex     *campaign_index; /* owned, may be NULL */
  char                *currency;
  GtkColumnViewColumn *campaign_column_ref;  /* owned: it may be out of the view */
  guint                scroll_top_source;

  gboolean             show_utc;
  gboolean             show_campaign;
  gboolean             top_on_next_change;
  gboolean             scroll_top_anchor;   /* the next scroll to the top also moves the anchor */
  gboolean             compact;
};

G_DEFINE_FINAL_TYPE (SrMessageView, sr_message_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LIST,
  PROP_SHOW_UTC,
  PROP_COMPACT,
  PROP_SHOW_FAILURE_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static SrMessage *
list_item_get_message (GtkListItem *list_item)
{
  return SR_MESSAGE (gtk_list_item_get_item (list_item));
}

static gboolean is_placeholder (gpointer item);

/* A row not read yet shows nothing (not a date of 1970 or a status
 * nobody reported) and costs nothing to bind: a jump binds ~200 of them,
 * which fill in when their block lands, ~7 ms later. TRUE if blanked. */
static gboolean
blank_placeholder (GtkListItem *list_item)
{
  return sr_cell_bind_blank (list_item, is_placeholder);
}

static void
on_setup_label_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrMessageView            *self)
{
  sr_cell_setup_label (list_item);
}

static void
on_setup_text_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrMessageView            *self)
{
  sr_cell_setup_text (list_item, 8);
}

static void
on_setup_numeric_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     SrMessageView            *self)
{
  sr_cell_setup_numeric (list_item);
}

static void
on_setup_status_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrMessageView            *self)
{
  GtkWidget *pill = sr_status_pill_new ();

  sr_status_pill_set_uniform (SR_STATUS_PILL (pill), TRUE);
  gtk_list_item_set_child (list_item, pill);
}

static void
on_setup_campaign_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      SrMessageView            *self)
{
  GtkWidget *label = sr_cell_new (0);

  /* Campaigns are named by the start of their text: keep the start. */
  gtk_widget_add_css_class (label, "dim-text");
  gtk_widget_add_css_class (label, "caption");
  gtk_list_item_set_child (list_item, label);
}

static void
format_date_item (SrMessageView *self,
                  GtkListItem   *list_item)
{
  SrMessage *message = list_item_get_message (list_item);
  g_autofree char *text = NULL;

  if (message == NULL || blank_placeholder (list_item))
    return;

  text = sr_format_time (sr_message_get_created_at (message), self->show_utc);
  sr_cell_set_label (list_item, text);
}

static void
on_bind_date_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrMessageView            *self)
{
  g_hash_table_add (self->date_items, list_item);
  format_date_item (self, list_item);
}

static void
on_unbind_date_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrMessageView            *self)
{
  g_hash_table_remove (self->date_items, list_item);
}

static void
on_bind_recipient_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      SrMessageView            *self)
{
  if (blank_placeholder (list_item))
    return;

  sr_cell_set_label (list_item, sr_message_get_to (list_item_get_message (list_item)));
}

static void
on_bind_sender_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrMessageView            *self)
{
  if (blank_placeholder (list_item))
    return;

  sr_cell_set_label (list_item, sr_message_get_sender_id (list_item_get_message (list_item)));
}

static void
on_bind_message_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    SrMessageView            *self)
{
  if (blank_placeholder (list_item))
    return;

  sr_cell_set_one_line (list_item, sr_message_get_message (list_item_get_message (list_item)));
}

static void
on_bind_status_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrMessageView            *self)
{
  SrMessage *message = list_item_get_message (list_item);

  if (blank_placeholder (list_item))
    return;

  sr_status_pill_set_status (SR_STATUS_PILL (gtk_list_item_get_child (list_item)),
                             sr_message_get_status (message),
                             sr_message_get_status_raw (message));
}

static void
on_bind_parts_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrMessageView            *self)
{
  g_autofree char *text = NULL;

  if (blank_placeholder (list_item))
    return;

  text = sr_format_count (sr_message_get_sms_count (list_item_get_message (list_item)));
  sr_cell_set_label (list_item, text);
}

static void
on_bind_cost_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrMessageView            *self)
{
  g_autofree char *text = NULL;

  if (blank_placeholder (list_item))
    return;

  text = sr_format_money (sr_message_get_cost (list_item_get_message (list_item)), self->currency, 4);
  sr_cell_set_label (list_item, text);
}


/* Named like everywhere else (its text, sender, time); the id only until
 * the campaign is known. */
static void
format_campaign_item (SrMessageView *self,
                      GtkListItem   *list_item)
{
  SrMessage *message = list_item_get_message (list_item);
  const char *campaign_id;
  SrCampaign *campaign;
  GtkWidget *label = gtk_list_item_get_child (list_item);

  if (message == NULL || blank_placeholder (list_item))
    return;

  campaign_id = sr_message_get_campaign_id (message);
  campaign = self->campaign_index != NULL ? sr_campaign_index_lookup (self->campaign_index, campaign_id) : NULL;
  if (campaign != NULL)
    {
      g_autofree char *name = sr_format_campaign_name (campaign);
      g_autofree char *details = sr_format_campaign_details (campaign, self->show_utc);

      sr_cell_set_label (list_item, name);
      sr_cell_set_tooltip (label, details);
    }
  else
    {
      sr_cell_set_label (list_item, campaign_id);
      sr_cell_set_tooltip (label, campaign_id);
    }
}

static void
on_bind_reason_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrMessageView            *self)
{
  const char *reason, *explanation;

  if (blank_placeholder (list_item))
    return;

  reason = sr_message_get_failed_reason (list_item_get_message (list_item));
  explanation = sr_failure_reason_explain (reason, NULL);
  sr_cell_set_label (list_item, reason);
  sr_cell_set_tooltip (gtk_list_item_get_child (list_item), explanation != NULL ? explanation : reason);
}

static void
on_bind_campaign_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     SrMessageView            *self)
{
  g_hash_table_add (self->campaign_items, list_item);
  format_campaign_item (self, list_item);
}

static void
on_unbind_campaign_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       SrMessageView            *self)
{
  g_hash_table_remove (self->campaign_items, list_item);
}

/* --- rich rows, for narrow windows --- */

typedef struct
{
  GtkLabel     *title;
  SrStatusPill *pill;
  GtkLabel     *preview;
  GtkLabel     *time;
  GtkLabel     *cost;
} RichRow;

static void
on_setup_rich_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  SrMessageView            *self)
{
  RichRow *row = g_new0 (RichRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_widget_add_css_class (box, "rich-report-row");

  row->title = sr_cell_new_rich_label ("heading", 0, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (row->title), TRUE);
  row->pill = SR_STATUS_PILL (sr_status_pill_new ());
  gtk_widget_set_halign (GTK_WIDGET (row->pill), GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (row->pill));

  row->preview = sr_cell_new_rich_label ("dim-label", 0, TRUE);

  row->time = sr_cell_new_rich_label ("caption", 0, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->time), "dim-label");
  gtk_widget_set_hexpand (GTK_WIDGET (row->time), TRUE);
  row->cost = sr_cell_new_rich_label ("caption", 1, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (row->cost), "numeric");
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (row->time));
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (row->cost));

  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->preview));
  gtk_box_append (GTK_BOX (box), bottom);

  g_object_set_data_full (G_OBJECT (list_item), "sr-rich-row", row, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
format_rich_time (SrMessageView *self,
                  GtkListItem   *list_item)
{
  RichRow *row = g_object_get_data (G_OBJECT (list_item), "sr-rich-row");
  SrMessage *message = list_item_get_message (list_item);
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;
  const char *sender;

  if (message == NULL)
    return;

  time = sr_format_time (sr_message_get_created_at (message), self->show_utc);
  sender = sr_message_get_sender_id (message);
  if (sender != NULL && *sender != '\0')
    /* Translators: a narrow row of the Messages Log: "time · sender ID" */
    text = g_strdup_printf (_("%s · %s"), time, sender);
  gtk_label_set_label (row->time, text != NULL ? text : time);
}

static void
on_bind_rich_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 SrMessageView            *self)
{
  RichRow *row = g_object_get_data (G_OBJECT (list_item), "sr-rich-row");
  SrMessage *message = list_item_get_message (list_item);
  const char *to = sr_message_get_to (message);
  const char *text = sr_message_get_message (message);
  g_autofree char *one_line = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *accessible = NULL;

  gtk_label_set_label (row->title, to != NULL && *to != '\0' ? to : "—");
  sr_status_pill_set_status (row->pill, sr_message_get_status (message), sr_message_get_status_raw (message));

  one_line = sr_cell_dup_one_line (text);
  if (one_line != NULL)
    text = one_line;
  gtk_label_set_label (row->preview, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row->preview), text != NULL && *text != '\0');

  cost = sr_format_money (sr_message_get_cost (message), self->currency, 4);
  gtk_label_set_label (row->cost, cost);

  g_hash_table_add (self->rich_items, list_item);
  format_rich_time (self, list_item);

  /* Screen readers get the row as one sentence, in the columns' order. */
  accessible = g_strjoin (", ",
                          gtk_label_get_label (row->title),
                          sr_status_pill_get_text (row->pill),
                          gtk_label_get_label (row->time),
                          cost,
                          NULL);
  gtk_list_item_set_accessible_label (list_item, accessible);
}

static void
on_unbind_rich_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   SrMessageView            *self)
{
  g_hash_table_remove (self->rich_items, list_item);
}

static void
on_activate_cb (SrMessageView *self,
                guint          position)
{
  g_autoptr(SrMessage) message = NULL;
  GtkWidget *dialog;

  g_assert (SR_IS_MESSAGE_VIEW (self));

  if (self->list == NULL)
    return;

  /* A row whose block is still being read shows nothing yet to open. */
  if (!sr_message_list_is_loaded (self->list, position))
    return;

  message = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (message == NULL)
    return;

  dialog = sr_message_dialog_new (message, self->currency, self->show_utc);
  if (self->campaign_index != NULL)
    sr_message_dialog_set_campaign (SR_MESSAGE_DIALOG (dialog),
                                    sr_campaign_index_lookup (self->campaign_index,
                                                              sr_message_get_campaign_id (message)));
  sr_message_dialog_set_can_open_campaign (SR_MESSAGE_DIALOG (dialog), self->show_campaign);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
}

static GtkAdjustment *
get_vadjustment (SrMessageView *self)
{
  if (self->compact)
    return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
}

static gboolean
on_scroll_top_cb (gpointer user_data)
{
  SrMessageView *self = user_data;
  GtkAdjustment *adjustment = get_vadjustment (self);

  self->scroll_top_source = 0;
  if (adjustment == NULL)
    return G_SOURCE_REMOVE;

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
  /* The adjustment alone is not enough: after every row was replaced, the
   * view may still hold an anchor at the end of the new rows and go back
   * there at its next layout (issue 13, defect 2). Row 0 at the top: */
  if (self->scroll_top_anchor && self->list != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0)
    {
      if (self->compact)
        gtk_list_view_scroll_to (self->list_view, 0, GTK_LIST_SCROLL_NONE, NULL);
      else
        gtk_column_view_scroll_to (self->column_view, 0, NULL, GTK_LIST_SCROLL_NONE, NULL);
    }

  return G_SOURCE_REMOVE;
}

/* The list view keeps the rows in sight when rows are inserted above them,
 * which is right once the user has scrolled, but a user at the top of a
 * newest-first log wants to see the new messages arrive. Connected before
 * the view sees the change, so the position is the one before it. */
static void
on_list_items_changed_cb (SrMessageView *self)
{
  GtkAdjustment *adjustment = get_vadjustment (self);

  g_assert (SR_IS_MESSAGE_VIEW (self));

  if (adjustment == NULL || self->scroll_top_source != 0)
    return;

  if (self->top_on_next_change ||
      gtk_adjustment_get_value (adjustment) <= gtk_adjustment_get_lower (adjustment) + 1)
    {
      /* Only a new order or filter also scrolls the view to row 0: after
       * gtk_column_view_scroll_to() on a log just opened, a jump to the end
       * showed no rows at all (GTK 4.18) when no items-changed followed, and
       * rows that fill in place send none
       * (/ui/messages/jump-fills-rows-in-place). */
      self->scroll_top_anchor = self->top_on_next_change;
      self->scroll_top_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_scroll_top_cb, self, NULL);
    }

  self->top_on_next_change = FALSE;
}

void
sr_message_view_reset_scroll (SrMessageView *self)
{
  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  self->top_on_next_change = TRUE;
}

static void
on_sorter_changed_cb (SrMessageView *self)
{
  int key = SR_MESSAGE_SORT_CREATED;
  gboolean descending = TRUE;

  g_assert (SR_IS_MESSAGE_VIEW (self));

  /* No sort column left (cannot happen by clicking, but be safe): newest first. */
  if (!sr_column_sorter_get_primary (self->column_view, &key, &descending))
    {
      key = SR_MESSAGE_SORT_CREATED;
      descending = TRUE;
    }

  if (self->list != NULL &&
      (sr_message_list_get_sort (self->list) != (SrMessageSort) key ||
       sr_message_list_get_descending (self->list) != descending))
    {
      /* A new order starts at its first row. */
      self->top_on_next_change = TRUE;
      sr_message_list_set_sort (self->list, (SrMessageSort) key, descending);
    }
}

static void
set_show_utc (SrMessageView *self,
              gboolean       show_utc)
{
  GHashTableIter iter;
  gpointer key;

  show_utc = !!show_utc;
  if (self->show_utc == show_utc)
    return;

  self->show_utc = show_utc;

  g_hash_table_iter_init (&iter, self->date_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_date_item (self, key);
  g_hash_table_iter_init (&iter, self->rich_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_rich_time (self, key);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_UTC]);
}

/* --- copying the selected rows --- */

/* The runs of consecutive selected positions, for the copy job: the view's
 * selection keeps changing on the main thread. */
static GArray *
dup_position_ranges (GtkBitset *positions)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (SrPositionRange));
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, positions, &position))
    {
      SrPositionRange range = { position, 1 };

      while (gtk_bitset_iter_next (&iter, &position))
        {
          if (position == range.start + range.n)
            range.n++;
          else
            {
              g_array_append_val (ranges, range);
              range.start = position;
              range.n = 1;
            }
        }
      g_array_append_val (ranges, range);
    }

  return ranges;
}

static void
show_toast (SrMessageView *self,
            const char    *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

static void
copy_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SrMessageView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  guint n_messages;

  text = sr_export_selection_tsv_finish (SR_CACHE (object), result, &n_messages, &error);
  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s is the technical reason */
          title = g_strdup_printf (_("Could not copy the messages: %s"), error->message);
          show_toast (self, title);
        }
      return;
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  g_free (self->last_copied);
  self->last_copied = g_steal_pointer (&text);

  count = sr_format_count (n_messages);
  /* Translators: after Ctrl+C in a message list, e.g. "Copied 12 messages" */
  title = g_strdup_printf (ngettext ("Copied %s message", "Copied %s messages", n_messages), count);
  show_toast (self, title);
}

void
sr_message_view_copy_selection (SrMessageView *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GArray) ranges = NULL;
  guint64 n;

  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  if (self->list == NULL)
    return;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n = gtk_bitset_get_size (selected);
  if (n == 0)
    return;

  if (n > COPY_LIMIT)
    {
      g_autofree char *count = sr_format_count ((gint64) n);
      g_autofree char *limit = sr_format_count (COPY_LIMIT);
      /* Translators: %s are numbers; Export… is the button that writes a CSV file */
      g_autofree char *title = g_strdup_printf (_("%s messages are too many to copy (at most %s); use Export… instead"),
                                                count, limit);
      show_toast (self, title);
      return;
    }

  g_cancellable_cancel (self->copy_cancellable);
  g_clear_object (&self->copy_cancellable);
  self->copy_cancellable = g_cancellable_new ();

  ranges = dup_position_ranges (selected);
  sr_export_selection_tsv_async (sr_message_list_get_cache (self->list),
                                 sr_message_list_get_filter (self->list),
                                 sr_message_list_get_sort (self->list),
                                 sr_message_list_get_descending (self->list),
                                 (const SrPositionRange *) (gpointer) ranges->data, ranges->len,
                                 SR_CSV_FLAGS_LOCAL_TIME,
                                 self->copy_cancellable, copy_cb, g_object_ref (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  sr_message_view_copy_selection (SR_MESSAGE_VIEW (widget));
}

static void
sr_message_view_dispose (GObject *object)
{
  SrMessageView *self = SR_MESSAGE_VIEW (object);

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_object (&self->filter_section);

  g_clear_handle_id (&self->scroll_top_source, g_source_remove);
  g_cancellable_cancel (self->copy_cancellable);
  g_clear_object (&self->copy_cancellable);

  if (self->column_view != NULL)
    {
      /* Removing the columns changes the sorter: nothing to re-sort any more. */
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      gtk_column_view_set_model (self->column_view, NULL);
    }
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_MESSAGE_VIEW);
  /* The scrolled window is not a bound child, so unparent it here. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->settings);
  g_clear_object (&self->campaign_column_ref);

  G_OBJECT_CLASS (sr_message_view_parent_class)->dispose (object);
}

static void
sr_message_view_finalize (GObject *object)
{
  SrMessageView *self = SR_MESSAGE_VIEW (object);

  g_clear_pointer (&self->date_items, g_hash_table_unref);
  g_clear_pointer (&self->rich_items, g_hash_table_unref);
  g_clear_pointer (&self->campaign_items, g_hash_table_unref);
  g_clear_pointer (&self->campaign_index, sr_campaign_index_unref);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->last_copied, g_free);

  G_OBJECT_CLASS (sr_message_view_parent_class)->finalize (object);
}

static void
sr_message_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SrMessageView *self = SR_MESSAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;
    case PROP_SHOW_UTC:
      g_value_set_boolean (value, self->show_utc);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;
    case PROP_SHOW_FAILURE_REASON:
      g_value_set_boolean (value, gtk_column_view_column_get_visible (self->reason_column));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_message_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SrMessageView *self = SR_MESSAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_LIST:
      sr_message_view_set_list (self, g_value_get_object (value));
      break;
    case PROP_SHOW_UTC:
      set_show_utc (self, g_value_get_boolean (value));
      break;
    case PROP_COMPACT:
      sr_message_view_set_compact (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_FAILURE_REASON:
      sr_message_view_set_show_failure_reason (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void copy_field_action    (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter);
static void open_campaign_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter);

static void
sr_message_view_class_init (SrMessageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_message_view_dispose;
  object_class->finalize = sr_message_view_finalize;
  object_class->get_property = sr_message_view_get_property;
  object_class->set_property = sr_message_view_set_property;

  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL, SR_TYPE_MESSAGE_LIST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_UTC] =
    g_param_spec_boolean ("show-utc", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_FAILURE_REASON] =
    g_param_spec_boolean ("show-failure-reason", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "message-view.show-failure-reason", "show-failure-reason");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-message-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, reason_column);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_reason_cb);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, column_view);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, list_view);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, date_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, recipient_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, sender_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, message_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, status_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, parts_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, cost_column);
  gtk_widget_class_bind_template_child (widget_class, SrMessageView, campaign_column);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_numeric_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_status_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_campaign_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_date_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_date_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_recipient_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_sender_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_message_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_status_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_parts_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_cost_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_campaign_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_rich_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_rich_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_rich_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_campaign_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);

  gtk_widget_class_install_action (widget_class, "messages.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "message-row.copy-id", NULL, copy_field_action);
  gtk_widget_class_install_action (widget_class, "message-row.copy-number", NULL, copy_field_action);
  gtk_widget_class_install_action (widget_class, "message-row.copy-text", NULL, copy_field_action);
  gtk_widget_class_install_action (widget_class, "message-row.open-campaign", NULL, open_campaign_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "messages.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK, "messages.copy", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* --- rows read after they were bound --- */

static gboolean
is_placeholder (gpointer item)
{
  return *sr_message_get_id (item) == '\0';
}

static void
watch_placeholders (SrMessageView *self)
{
  GtkColumnViewColumn *columns[] = {
    self->date_column, self->recipient_column, self->sender_column,
    self->message_column, self->status_column, self->parts_column,
    self->cost_column, self->campaign_column_ref, self->reason_column,
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    sr_cell_watch_placeholders (gtk_column_view_column_get_factory (columns[i]), is_placeholder);
  sr_cell_watch_placeholders (gtk_list_view_get_factory (self->list_view), is_placeholder);
}

/* --- the row context menu --- */

/* Every cell remembers its list item, so a right click knows its row. */
static GQuark list_item_quark (void);
G_DEFINE_QUARK (sr-list-item, list_item)

static void
on_bind_any_cell_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (child != NULL)
    g_object_set_qdata (G_OBJECT (child), list_item_quark (), list_item);
}

static SrMessage *
dup_context_message (SrMessageView *self)
{
  if (self->list == NULL)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->list), self->context_position);
}

static void
copy_text (SrMessageView *self,
           const char    *text)
{
  if (text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  g_free (self->last_copied);
  self->last_copied = g_strdup (text);
}

static void
copy_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SrMessageView *self = SR_MESSAGE_VIEW (widget);
  g_autoptr(SrMessage) message = dup_context_message (self);

  if (message == NULL)
    return;

  if (g_str_equal (action_name, "message-row.copy-id"))
    copy_text (self, sr_message_get_id (message));
  else if (g_str_equal (action_name, "message-row.copy-number"))
    copy_text (self, sr_message_get_to (message));
  else
    copy_text (self, sr_message_get_message (message));
}

static void
open_campaign_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SrMessageView *self = SR_MESSAGE_VIEW (widget);
  g_autoptr(SrMessage) message = dup_context_message (self);
  const char *campaign_id = message != NULL ? sr_message_get_campaign_id (message) : NULL;

  if (campaign_id != NULL && *campaign_id != '\0')
    gtk_widget_activate_action (widget, "win.show-campaign", "s", campaign_id);
}

static void
on_context_click_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     SrMessageView   *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  GtkListItem *list_item = NULL;
  GdkRectangle at = { (int) x, (int) y, 1, 1 };

  for (GtkWidget *w = picked; w != NULL && list_item == NULL; w = gtk_widget_get_parent (w))
    list_item = g_object_get_qdata (G_OBJECT (w), list_item_quark ());
  if (list_item == NULL || gtk_list_item_get_item (list_item) == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  sr_message_view_set_context_row (self, gtk_list_item_get_position (list_item));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &at);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
setup_context_menu (SrMessageView *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) copy = g_menu_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GtkListItemFactory *factory = gtk_column_view_column_get_factory (column);

      if (GTK_IS_SIGNAL_LIST_ITEM_FACTORY (factory))
        g_signal_connect_after (factory, "bind", G_CALLBACK (on_bind_any_cell_cb), NULL);
    }
  /* The campaign column may be out of the view right now. */
  if (!self->show_campaign)
    g_signal_connect_after (gtk_column_view_column_get_factory (self->campaign_column_ref),
                            "bind", G_CALLBACK (on_bind_any_cell_cb), NULL);

  g_menu_append (copy, _("Copy Message ID"), "message-row.copy-id");
  g_menu_append (copy, _("Copy Number"), "message-row.copy-number");
  g_menu_append (copy, _("Copy Text"), "message-row.copy-text");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (copy));
  self->filter_section = g_menu_new ();
  g_menu_append_section (menu, NULL, G_MENU_MODEL (self->filter_section));
  g_menu_append (menu, _("Open Campaign"), "message-row.open-campaign");

  self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self->column_view));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_context_click_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));
}

static void
add_filter_item (GMenu      *section,
                 const char *label,
                 const char *field,
                 const char *value)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, "messages-page.filter-by",
                                           g_variant_new ("(ss)", field, value));
  g_menu_append_item (section, item);
}

void
sr_message_view_set_context_row (SrMessageView *self,
                                 guint          position)
{
  g_autoptr(SrMessage) message = NULL;
  const char *campaign_id;

  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  self->context_position = position;
  message = dup_context_message (self);
  campaign_id = message != NULL ? sr_message_get_campaign_id (message) : NULL;

  /* Filter by example: narrow the Log to this row's sender, country or
   * failure reason (the page's action; absent in a campaign window). */
  g_menu_remove_all (self->filter_section);
  if (message != NULL)
    {
      const SrCountry *country = sr_country_from_number (sr_message_get_to (message));
      const char *sender = sr_message_get_sender_id (message);
      const char *reason = sr_message_get_failed_reason (message);

      if (sender != NULL && *sender != '\0')
        add_filter_item (self->filter_section, _("Only This Sender ID"), "sender", sender);
      if (country != NULL)
        add_filter_item (self->filter_section, _("Only This Country"), "country",
                         sr_country_get_calling_code (country));
      if (reason != NULL && *reason != '\0')
        add_filter_item (self->filter_section, _("Only This Failure Reason"), "reason", reason);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message-row.open-campaign",
                                 self->show_campaign && campaign_id != NULL && *campaign_id != '\0');
}

static void
add_sorter (GtkColumnViewColumn *column,
            SrMessageSort        key)
{
  g_autoptr(GtkSorter) sorter = sr_column_sorter_new (key);

  gtk_column_view_column_set_sorter (column, sorter);
}

static void
sr_message_view_init (SrMessageView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->date_items = g_hash_table_new (NULL, NULL);
  self->rich_items = g_hash_table_new (NULL, NULL);
  self->campaign_items = g_hash_table_new (NULL, NULL);
  self->show_campaign = TRUE;
  /* Owned here too: the column leaves the view when it is not shown. */
  self->campaign_column_ref = g_object_ref (self->campaign_column);
  self->selection = sr_selection_new (NULL);
  /* The rich rows get the model only while they are shown: a hidden
   * GtkListView still builds and binds its ~200 rows on every change of
   * the list. (The column view keeps it: the page asks it for its rows.)
   * Both share the selection, so it survives a change of layout. */
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_sorter (self->date_column, SR_MESSAGE_SORT_CREATED);
  add_sorter (self->recipient_column, SR_MESSAGE_SORT_RECIPIENT);
  add_sorter (self->sender_column, SR_MESSAGE_SORT_SENDER);
  add_sorter (self->status_column, SR_MESSAGE_SORT_STATUS);
  add_sorter (self->parts_column, SR_MESSAGE_SORT_PARTS);
  add_sorter (self->cost_column, SR_MESSAGE_SORT_COST);
  add_sorter (self->campaign_column, SR_MESSAGE_SORT_CAMPAIGN);

  sr_column_view_fit_titles (self->column_view);

  /* Newest first, as the list models start. */
  gtk_column_view_sort_by_column (self->column_view, self->date_column, GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed_cb),
                           self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind (self->settings, "show-utc", self, "show-utc", G_SETTINGS_BIND_GET);

  setup_context_menu (self);
  watch_placeholders (self);

  /* Right click on any column header: the optional columns. */
  {
    g_autoptr(GMenu) header_menu = g_menu_new ();
    GListModel *columns = gtk_column_view_get_columns (self->column_view);

    g_menu_append (header_menu, _("Failure Reason Column"), "message-view.show-failure-reason");
    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        gtk_column_view_column_set_header_menu (column, G_MENU_MODEL (header_menu));
      }
    gtk_column_view_column_set_header_menu (self->campaign_column_ref, G_MENU_MODEL (header_menu));
  }
}

GtkWidget *
sr_message_view_new (void)
{
  return g_object_new (SR_TYPE_MESSAGE_VIEW, NULL);
}

SrMessageList *
sr_message_view_get_list (SrMessageView *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), NULL);

  return self->list;
}

void
sr_message_view_set_list (SrMessageView *self,
                          SrMessageList *list)
{
  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));
  g_return_if_fail (!list || SR_IS_MESSAGE_LIST (list));

  if (self->list == list)
    return;

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_set_object (&self->list, list);

  if (list != NULL)
    g_signal_connect_object (list, "items-changed",
                             G_CALLBACK (on_list_items_changed_cb),
                             self, G_CONNECT_SWAPPED);

  sr_selection_set_model (self->selection, G_LIST_MODEL (list));
  on_sorter_changed_cb (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIST]);
}

void
sr_message_view_set_currency (SrMessageView *self,
                              const char    *currency)
{
  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  /* Visible cells pick it up the next time they are bound. */
  g_free (self->currency);
  self->currency = g_strdup (currency);
}

void
sr_message_view_set_campaign_index (SrMessageView   *self,
                                    SrCampaignIndex *index)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  if (self->campaign_index == index)
    return;

  g_clear_pointer (&self->campaign_index, sr_campaign_index_unref);
  if (index != NULL)
    self->campaign_index = sr_campaign_index_ref (index);

  g_hash_table_iter_init (&iter, self->campaign_items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    format_campaign_item (self, key);
}

void
sr_message_view_set_show_campaign (SrMessageView *self,
                                   gboolean       show_campaign)
{
  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  show_campaign = !!show_campaign;
  if (self->show_campaign == show_campaign)
    return;

  /* Removed rather than hidden: GTK 4.8 keeps a hidden column's width. */
  self->show_campaign = show_campaign;
  if (show_campaign)
    gtk_column_view_append_column (self->column_view, self->campaign_column);
  else
    gtk_column_view_remove_column (self->column_view, self->campaign_column);
}

GtkSelectionModel *
sr_message_view_get_selection (SrMessageView *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

const char *
sr_message_view_get_last_copied (SrMessageView *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), NULL);

  return self->last_copied;
}

GtkColumnView *
sr_message_view_get_column_view (SrMessageView *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), NULL);

  return self->column_view;
}

gboolean
sr_message_view_get_compact (SrMessageView *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), FALSE);

  return self->compact;
}

void
sr_message_view_set_compact (SrMessageView *self,
                             gboolean       compact)
{
  GtkRoot *root;
  GtkWidget *focused;
  gboolean had_focus;

  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focused = root != NULL ? gtk_root_get_focus (root) : NULL;
  had_focus = focused != NULL && gtk_widget_is_ancestor (focused, GTK_WIDGET (self));

  self->compact = compact;
  if (compact)
    gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_stack_set_visible_child_name (self->view_stack, compact ? "rows" : "columns");
  if (!compact)
    gtk_list_view_set_model (self->list_view, NULL);
  if (had_focus)
    gtk_widget_grab_focus (compact ? GTK_WIDGET (self->list_view) : GTK_WIDGET (self->column_view));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

GtkListView *
sr_message_view_get_list_view (SrMessageView *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), NULL);

  return self->list_view;
}

GtkColumnViewColumn *
sr_message_view_get_column (SrMessageView *self,
                            SrMessageSort  sort)
{
  g_return_val_if_fail (SR_IS_MESSAGE_VIEW (self), NULL);

  switch (sort)
    {
    case SR_MESSAGE_SORT_CREATED:   return self->date_column;
    case SR_MESSAGE_SORT_RECIPIENT: return self->recipient_column;
    case SR_MESSAGE_SORT_SENDER:    return self->sender_column;
    case SR_MESSAGE_SORT_STATUS:    return self->status_column;
    case SR_MESSAGE_SORT_PARTS:     return self->parts_column;
    case SR_MESSAGE_SORT_COST:      return self->cost_column;
    case SR_MESSAGE_SORT_CAMPAIGN:  return self->campaign_column;
    case SR_MESSAGE_SORT_SENT:
    default:                        return NULL;
    }
}

void
sr_message_view_set_show_failure_reason (SrMessageView *self,
                                         gboolean       show)
{
  g_return_if_fail (SR_IS_MESSAGE_VIEW (self));

  show = !!show;
  if (gtk_column_view_column_get_visible (self->reason_column) == show)
    return;

  gtk_column_view_column_set_visible (self->reason_column, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_FAILURE_REASON]);
}
