/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-messages-page.c: the Messages Log. Owns the page's SrMessageList and
 * turns the filter bar (search, statuses, date range, campaign chip) into
 * an SrMessageFilter; the query runs in SQL off the main thread. The count
 * is the model's own length, so it always matches what the list shows. The
 * per-status counts of the status popover are computed in a GTask thread
 * when it opens.
 *
 * Other pages open the log on a full SrMessageFilter
 * (sr_messages_page_show_filter(), the Dashboard's clicks): what the filter
 * bar can express goes into its controls, the rest (a country, a sender
 * ID, a failure reason, a time range that is not whole days) into a second
 * chip that removes it. "Export…" writes exactly the list's filter and
 * order as CSV.
 */
#define G_LOG_DOMAIN "sr-messages-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-column-sorter.h"
#include "sr-export-bar.h"
#include "sr-format.h"
#include "sr-gtk-compat.h"
#include "sr-messages-page.h"
#include "sr-period-picker.h"
#include "sr-status-pill.h"

/* The order of the status filter and of the legend. */
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

struct _SrMessagesPage
{
  AdwBin           parent_instance;

  /* A click-through asked for the list: focus its first row once loaded. */
  gboolean         focus_first_row;

  GtkSearchEntry  *search_entry;
  GtkMenuButton   *status_button;
  GtkPopover      *status_popover;
  GtkListBox      *status_listbox;
  SrPeriodPicker  *period_picker;
  GtkMenuButton   *filter_button;
  GtkPopover      *filter_popover;
  AdwSpinner      *filter_spinner;
  GtkWidget       *filter_empty_label;
  GtkWidget       *sender_heading;
  GtkListBox      *sender_choices;
  GtkWidget       *country_heading;
  GtkListBox      *country_choices;
  GtkWidget       *reason_heading;
  GtkListBox      *reason_choices;
  GtkWidget       *campaign_chip;
  GtkLabel        *campaign_label;
  GtkWidget       *extra_chip;
  GtkLabel        *extra_label;
  GPtrArray       *field_chips;     /* GtkWidget*: one removable chip per sender / country / reason */
  SrExportBar     *export_bar;
  AdwSpinner      *loading_spinner;
  GtkLabel        *count_label;
  GtkStack        *content_stack;
  SrMessageView   *message_view;

  GtkCheckButton  *status_checks[SR_N_STATUSES];
  GtkLabel        *status_counts[SR_N_STATUSES];

  SrSession       *session;
  SrMessageList   *list;
  GdkFrameClock   *rest_clock;        /* waited on for the first rows' frame */
  gulong           rest_painted_id;
  GSettings       *settings;
  GCancellable    *counts_cancellable;
  GCancellable    *choices_cancellable;
  gboolean         choices_ready;

  char            *search;
  char            *campaign_id;
  SrMessageFilter *extra;             /* what the filter bar cannot show; owned */
  guint            status_mask;

  gboolean         updating_checks;
};

G_DEFINE_FINAL_TYPE (SrMessagesPage, sr_messages_page, ADW_TYPE_BIN)

static SrMessageFilter *
build_filter (SrMessagesPage *self,
              gboolean        with_statuses)
{
  SrMessageFilter *filter = sr_message_filter_new ();

  filter->status_mask = with_statuses ? self->status_mask : 0;
  sr_period_picker_get_range (self->period_picker, &filter->from, &filter->to);
  filter->campaign_id = g_strdup (self->campaign_id);
  if (self->search != NULL && *self->search != '\0')
    filter->search = g_strdup (self->search);

  if (self->extra != NULL)
    {
      const SrMessageFilter *extra = self->extra;

      if (extra->sender_id != NULL)
        filter->sender_id = g_strdup (extra->sender_id);
      if (extra->country_prefix != NULL)
        filter->country_prefix = g_strdup (extra->country_prefix);
      if (extra->failed_reason != NULL)
        filter->failed_reason = g_strdup (extra->failed_reason);
      if (extra->recipient != NULL)
        filter->recipient = g_strdup (extra->recipient);
      /* A time range in the chip narrows the date filter's. */
      if (extra->from != SR_TIME_NONE)
        filter->from = filter->from == SR_TIME_NONE ? extra->from : MAX (filter->from, extra->from);
      if (extra->to != SR_TIME_NONE)
        filter->to = filter->to == SR_TIME_NONE ? extra->to : MIN (filter->to, extra->to);
    }

  return filter;
}

static gboolean
filters_are_default (SrMessagesPage *self)
{
  return self->status_mask == 0 &&
         sr_period_picker_get_period (self->period_picker) == SR_PERIOD_ALL &&
         self->campaign_id == NULL &&
         self->extra == NULL &&
         (self->search == NULL || *self->search == '\0');
}

static gboolean
focus_first_row_tick_cb (GtkWidget     *column_view,
                         GdkFrameClock *clock,
                         gpointer       user_data)
{
  /* A stack that hides the page the focus was on hands the focus to the
   * page it shows at the end of its transition: focus after that. */
  for (GtkWidget *stack = gtk_widget_get_ancestor (column_view, GTK_TYPE_STACK);
       stack != NULL;
       stack = gtk_widget_get_ancestor (gtk_widget_get_parent (stack), GTK_TYPE_STACK))
    if (gtk_stack_get_transition_running (GTK_STACK (stack)))
      return G_SOURCE_CONTINUE;

  if (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view)))) > 0)
    {
      /* Scrolling with FOCUS moves the list's focus to the row; grabbing
       * the list gives it the window's focus (the row, not the header). */
      gtk_column_view_scroll_to (GTK_COLUMN_VIEW (column_view), 0, NULL, GTK_LIST_SCROLL_FOCUS, NULL);
      gtk_widget_grab_focus (column_view);
    }
  return G_SOURCE_REMOVE;
}

/* After a click-through, the keyboard (and a screen reader) lands on the
 * first row of the result, scrolled into view. */
static void
focus_first_row (SrMessagesPage *self)
{
  /* The rows may arrive just after the end of loading: wait for them. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    return;

  self->focus_first_row = FALSE;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  /* To the top now; the focus once the rows of the new result exist. */
  gtk_column_view_scroll_to (sr_message_view_get_column_view (self->message_view), 0, NULL,
                             GTK_LIST_SCROLL_NONE, NULL);
  gtk_widget_add_tick_callback (GTK_WIDGET (sr_message_view_get_column_view (self->message_view)),
                                focus_first_row_tick_cb, NULL, NULL);
}

static void
update_state (SrMessagesPage *self)
{
  guint n_items = 0;
  gboolean loading = FALSE;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  const char *page;

  if (self->list != NULL)
    {
      n_items = g_list_model_get_n_items (G_LIST_MODEL (self->list));
      loading = sr_message_list_get_loading (self->list);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading);

  /* While a new query loads, the list grows from its first rows (a
   * screenful, then part by part, then the rest): the spinner shows, and
   * the count waits for the whole set instead of counting up. */
  if (!loading)
    {
      count = sr_format_count (n_items);
      /* Translators: the number of messages in the log, e.g. "12,345 messages" */
      text = g_strdup_printf (ngettext ("%s message", "%s messages", n_items), count);
      gtk_label_set_label (self->count_label, text);
    }

  if (n_items > 0 || loading || self->list == NULL)
    page = "list";
  else if (filters_are_default (self))
    page = "empty";
  else
    page = "no-results";

  gtk_stack_set_visible_child_name (self->content_stack, page);

  if (self->focus_first_row && !loading && self->list != NULL)
    focus_first_row (self);
}

static void
apply_filter (SrMessagesPage *self)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  /* A filter changed here, by hand: the focus stays where it is. */
  self->focus_first_row = FALSE;
  if (self->list == NULL)
    return;

  filter = build_filter (self, TRUE);
  if (!sr_message_filter_equal (filter, sr_message_list_get_filter (self->list)))
    {
      sr_message_view_reset_scroll (self->message_view);
      sr_message_list_set_filter (self->list, filter);
    }

  update_state (self);
}

static void
update_status_button (SrMessagesPage *self)
{
  g_autofree char *label = NULL;
  guint n = 0;
  SrStatus only = SR_STATUS_UNKNOWN;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    if (self->status_mask & (1u << i))
      {
        n++;
        only = i;
      }

  if (n == 0)
    label = g_strdup (_("All Statuses"));
  else if (n == 1)
    label = g_strdup (sr_status_get_label (only));
  else
    label = g_strdup_printf (ngettext ("%u Status", "%u Statuses", n), n);

  gtk_menu_button_set_label (self->status_button, label);
}

static void
on_status_check_toggled_cb (SrMessagesPage *self,
                            GtkCheckButton *check)
{
  SrStatus status;

  g_assert (SR_IS_MESSAGES_PAGE (self));

  if (self->updating_checks)
    return;

  status = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "sr-status"));
  if (gtk_check_button_get_active (check))
    self->status_mask |= 1u << status;
  else
    self->status_mask &= ~(1u << status);

  update_status_button (self);
  apply_filter (self);
}

static void
sync_status_checks (SrMessagesPage *self)
{
  self->updating_checks = TRUE;
  for (guint i = 0; i < SR_N_STATUSES; i++)
    if (self->status_checks[i] != NULL)
      gtk_check_button_set_active (self->status_checks[i], (self->status_mask & (1u << i)) != 0);
  self->updating_checks = FALSE;

  update_status_button (self);
}

static void
build_status_rows (SrMessagesPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_order); i++)
    {
      SrStatus status = status_order[i];
      GtkWidget *check = gtk_check_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *pill = sr_status_pill_new ();
      GtkWidget *count = gtk_label_new ("");

      sr_status_pill_set_status (SR_STATUS_PILL (pill), status, NULL);
      gtk_widget_set_hexpand (pill, TRUE);
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "numeric");
      sr_container_append (box, pill);
      sr_container_append (box, count);
      gtk_check_button_set_child (GTK_CHECK_BUTTON (check), box);
      gtk_widget_set_size_request (box, 200, -1);

      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, sr_status_get_label (status),
                                      -1);

      g_object_set_data (G_OBJECT (check), "sr-status", GUINT_TO_POINTER (status));
      g_signal_connect_object (check, "toggled",
                               G_CALLBACK (on_status_check_toggled_cb),
                               self, G_CONNECT_SWAPPED);

      self->status_checks[status] = GTK_CHECK_BUTTON (check);
      self->status_counts[status] = GTK_LABEL (count);
      gtk_list_box_append (self->status_listbox, check);
    }

  sync_status_checks (self);
}

static void
counts_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrMessagesPage) self = user_data;
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 by_status[SR_N_STATUSES] = { 0 };

  counts = sr_cache_query_status_counts_finish (SR_CACHE (object), result, &error);
  if (counts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Status counts failed: %s", error->message);
      return;
    }

  for (guint i = 0; i < counts->len; i++)
    {
      SrStatusCount *count = g_ptr_array_index (counts, i);
      if ((guint) count->status < SR_N_STATUSES)
        by_status[count->status] += count->count;
    }

  for (guint i = 0; i < SR_N_STATUSES; i++)
    if (self->status_counts[i] != NULL)
      {
        g_autofree char *text = sr_format_count (by_status[i]);
        gtk_label_set_label (self->status_counts[i], text);
      }
}

static void
refresh_status_counts (SrMessagesPage *self)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  if (self->session == NULL)
    return;

  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);
  self->counts_cancellable = g_cancellable_new ();

  filter = build_filter (self, FALSE);
  sr_cache_query_status_counts_async (sr_session_get_cache (self->session), filter,
                                      self->counts_cancellable, counts_cb, g_object_ref (self));
}

static void
on_status_popover_show_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  refresh_status_counts (self);
}

static void
on_all_statuses_clicked_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  sr_messages_page_set_status_mask (self, 0);
  gtk_popover_popdown (self->status_popover);
}

static void
on_period_changed_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  apply_filter (self);
}

static void
on_search_changed_cb (SrMessagesPage *self)
{
  const char *text;

  g_assert (SR_IS_MESSAGES_PAGE (self));

  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_free (self->search);
  self->search = g_strstrip (g_strdup (text));

  apply_filter (self);
}

static void
on_stop_search_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_clear_campaign_clicked_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  sr_messages_page_show_campaign (self, NULL, NULL);
}

static void refresh_chips (SrMessagesPage *self,
                           const char     *label);

static void
on_clear_filters_clicked_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  g_clear_pointer (&self->campaign_id, g_free);
  gtk_widget_set_visible (self->campaign_chip, FALSE);
  g_clear_pointer (&self->extra, sr_message_filter_free);
  refresh_chips (self, NULL);
  self->status_mask = 0;
  sync_status_checks (self);
  sr_period_picker_set_period (self->period_picker, SR_PERIOD_ALL);
  /* Triggers search-changed, which applies everything. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  apply_filter (self);
}

static void
on_clear_extra_clicked_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  g_clear_pointer (&self->extra, sr_message_filter_free);
  refresh_chips (self, NULL);
  apply_filter (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sr_messages_page_export (SR_MESSAGES_PAGE (widget), NULL);
}

static void
on_show_utc_changed_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  /* Day boundaries move with the zone. */
  if (sr_period_picker_get_period (self->period_picker) != SR_PERIOD_ALL)
    apply_filter (self);
}

static void
on_campaign_index_changed_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  if (self->session != NULL)
    sr_message_view_set_campaign_index (self->message_view, sr_session_get_campaign_index (self->session));
}

static void
on_currency_changed_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  sr_message_view_set_currency (self->message_view, sr_session_get_currency (self->session));
}

static void
stop_waiting_for_first_rows (SrMessagesPage *self)
{
  if (self->rest_clock != NULL)
    g_clear_signal_handler (&self->rest_painted_id, self->rest_clock);
  g_clear_object (&self->rest_clock);
}

static void
on_first_rows_painted_cb (GdkFrameClock  *clock,
                          SrMessagesPage *self)
{
  stop_waiting_for_first_rows (self);
  if (self->list != NULL)
    sr_message_list_release_rest (self->list);
}

/* A list that starts with its first rows (read with the opening) reads
 * the rest once the frame that shows them is painted, so that the query of
 * every rowid does not take a core from that frame. */
static void
release_rest_after_first_rows (SrMessagesPage *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_waiting_for_first_rows (self);
  if (clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      sr_message_list_release_rest (self->list);
      return;
    }

  self->rest_clock = g_object_ref (clock);
  self->rest_painted_id = g_signal_connect (clock, "after-paint",
                                            G_CALLBACK (on_first_rows_painted_cb), self);
}

static void
sr_messages_page_dispose (GObject *object)
{
  SrMessagesPage *self = SR_MESSAGES_PAGE (object);

  stop_waiting_for_first_rows (self);
  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);
  g_cancellable_cancel (self->choices_cancellable);
  g_clear_object (&self->choices_cancellable);

  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_messages_page_parent_class)->dispose (object);
}

static void
sr_messages_page_finalize (GObject *object)
{
  SrMessagesPage *self = SR_MESSAGES_PAGE (object);

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->campaign_id, g_free);
  g_clear_pointer (&self->extra, sr_message_filter_free);
  g_clear_pointer (&self->field_chips, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_messages_page_parent_class)->finalize (object);
}

static void filter_by_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter);
static void on_filter_popover_show_cb (SrMessagesPage *self);
static void on_filter_choice_activated_cb (SrMessagesPage *self,
                                           GtkListBoxRow  *row);

static void
sr_messages_page_class_init (SrMessagesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_messages_page_dispose;
  object_class->finalize = sr_messages_page_finalize;

  g_type_ensure (SR_TYPE_MESSAGE_VIEW);
  g_type_ensure (SR_TYPE_EXPORT_BAR);
  g_type_ensure (SR_TYPE_PERIOD_PICKER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-messages-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, status_button);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, status_popover);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, status_listbox);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, period_picker);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, filter_popover);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, filter_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, filter_empty_label);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, sender_heading);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, sender_choices);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, country_heading);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, country_choices);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, reason_heading);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, reason_choices);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, campaign_chip);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, campaign_label);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, extra_chip);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, extra_label);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, export_bar);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SrMessagesPage, message_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_status_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_all_statuses_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_period_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_choice_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_campaign_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_filters_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_extra_clicked_cb);

  gtk_widget_class_install_action (widget_class, "messages-page.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "messages-page.filter-by", "(ss)", filter_by_action);
}

static void
sr_messages_page_init (SrMessagesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* A pasted page of text stops at the limit the CLI refuses beyond. */
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->search_entry))),
                           SR_FILTER_TEXT_MAX_CHARS);
  self->field_chips = g_ptr_array_new ();

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::show-utc",
                           G_CALLBACK (on_show_utc_changed_cb),
                           self, G_CONNECT_SWAPPED);

  /* Sorting without the mouse: the column headers take no focus. */
  sr_container_insert_after (gtk_widget_get_parent (GTK_WIDGET (self->search_entry)),
                              sr_column_sorter_new_menu_button (sr_message_view_get_column_view (self->message_view)),
                              GTK_WIDGET (self->search_entry));

  build_status_rows (self);
  update_state (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages-page.export", FALSE);
}

GtkWidget *
sr_messages_page_new (void)
{
  return g_object_new (SR_TYPE_MESSAGES_PAGE, NULL);
}

void
sr_messages_page_set_session (SrMessagesPage *self,
                              SrSession      *session)
{
  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));
  g_return_if_fail (!session || SR_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);

  stop_waiting_for_first_rows (self);
  g_cancellable_cancel (self->counts_cancellable);
  g_cancellable_cancel (self->choices_cancellable);
  sr_message_view_set_list (self->message_view, NULL);
  sr_message_view_set_campaign_index (self->message_view, NULL);
  g_clear_object (&self->list);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      g_autoptr(SrMessageFilter) filter = build_filter (self, TRUE);

      /* The first rows read with the opening, when the filter is theirs:
       * the first frame shows them. */
      self->list = sr_message_list_new_with_head (sr_session_get_cache (session), filter,
                                                  sr_session_take_messages_head (session));

      g_signal_connect_object (self->list, "items-changed",
                               G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list, "notify::loading",
                               G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::currency",
                               G_CALLBACK (on_currency_changed_cb),
                               self, G_CONNECT_SWAPPED);

      g_signal_connect_object (session, "notify::campaign-index",
                               G_CALLBACK (on_campaign_index_changed_cb),
                               self, G_CONNECT_SWAPPED);

      sr_message_view_set_currency (self->message_view, sr_session_get_currency (session));
      sr_message_view_set_campaign_index (self->message_view, sr_session_get_campaign_index (session));
      sr_message_view_set_list (self->message_view, self->list);
      release_rest_after_first_rows (self);
    }
  else
    sr_export_bar_cancel (self->export_bar);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages-page.export", session != NULL);
  update_state (self);
}

void
sr_messages_page_show_campaign (SrMessagesPage *self,
                                const char     *campaign_id,
                                const char     *label)
{
  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));

  if (campaign_id != NULL && *campaign_id == '\0')
    campaign_id = NULL;

  if (campaign_id != NULL)
    {
      /* Exactly the campaign's messages: the Log's earlier status, period,
       * search and other filters would hide some of them. */
      g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
      /* Translators: the campaign filter chip, %s names the campaign */
      g_autofree char *text = g_strdup_printf (_("Campaign: %s"), label != NULL ? label : campaign_id);

      filter->campaign_id = g_strdup (campaign_id);
      sr_messages_page_show_filter (self, filter, NULL);
      gtk_label_set_label (self->campaign_label, text);
      return;
    }

  g_clear_pointer (&self->campaign_id, g_free);
  gtk_widget_set_visible (self->campaign_chip, FALSE);
  apply_filter (self);
}

void
sr_messages_page_focus_search (SrMessagesPage *self)
{
  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

SrMessageList *
sr_messages_page_get_list (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  return self->list;
}

SrMessageView *
sr_messages_page_get_view (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  return self->message_view;
}

void
sr_messages_page_set_status_mask (SrMessagesPage *self,
                                  guint           mask)
{
  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));

  self->status_mask = mask;
  sync_status_checks (self);
  apply_filter (self);
}

const char *
sr_messages_page_get_count_text (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  return gtk_label_get_label (self->count_label);
}

const char *
sr_messages_page_get_state (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->content_stack);
}

/* --- a filter from elsewhere (the Dashboard) --- */

static GDateTime *
local_date_time (GTimeZone *tz,
                 gint64     usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
}

static char *
describe_time_range (SrMessagesPage *self,
                     gint64          from,
                     gint64          to)
{
  g_autoptr(GTimeZone) tz = sr_period_picker_dup_zone (self->period_picker);
  g_autoptr(GDateTime) start = from != SR_TIME_NONE ? local_date_time (tz, from) : NULL;
  g_autoptr(GDateTime) end = to != SR_TIME_NONE ? local_date_time (tz, to) : NULL;
  g_autofree char *start_day = start != NULL ? sr_format_day (start) : NULL;
  g_autofree char *start_clock = start != NULL ? sr_format_clock (start) : NULL;
  g_autofree char *end_day = end != NULL ? sr_format_day (end) : NULL;
  g_autofree char *end_clock = end != NULL ? sr_format_clock (end) : NULL;

  if (start != NULL && end != NULL && g_strcmp0 (start_day, end_day) == 0)
    /* Translators: a time range within one day: "<day>, <from> – <to>" */
    return g_strdup_printf (_("%s, %s – %s"), start_day, start_clock, end_clock);
  if (start != NULL && end != NULL)
    /* Translators: a time range over several days: "<day> <time> – <day> <time>" */
    return g_strdup_printf (_("%s %s – %s %s"), start_day, start_clock, end_day, end_clock);
  if (start != NULL)
    /* Translators: an open time range: "From <day> <time>" */
    return g_strdup_printf (_("From %s %s"), start_day, start_clock);
  /* Translators: an open time range: "Until <day> <time>" */
  return g_strdup_printf (_("Until %s %s"), end_day, end_clock);
}

static char *
describe_extra (SrMessagesPage        *self,
                const SrMessageFilter *extra,
                const char            *label)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (label != NULL && *label != '\0')
    g_ptr_array_add (parts, g_strdup (label));
  else
    {
      if (extra->country_prefix != NULL)
        {
          const SrCountry *country = sr_country_from_number (extra->country_prefix);

          if (country != NULL && !sr_country_is_calling_code_shared (country))
            /* Translators: the country filter chip: "Country: Cyprus (+357)" */
            g_ptr_array_add (parts, g_strdup_printf (_("Country: %s (%s)"),
                                                     sr_country_get_name (country), extra->country_prefix));
          else
            /* Translators: the country filter chip: "Numbers starting with +1" */
            g_ptr_array_add (parts, g_strdup_printf (_("Numbers starting with %s"), extra->country_prefix));
        }
      if (extra->sender_id != NULL)
        /* Translators: the sender filter chip */
        g_ptr_array_add (parts, g_strdup_printf (_("Sender ID: %s"), extra->sender_id));
      if (extra->failed_reason != NULL)
        /* Translators: the failure reason filter chip */
        g_ptr_array_add (parts, g_strdup_printf (_("Reason: %s"), extra->failed_reason));
      if (extra->recipient != NULL)
        /* Translators: the recipient filter chip */
        g_ptr_array_add (parts, g_strdup_printf (_("Recipient: %s"), extra->recipient));
    }

  if (extra->from != SR_TIME_NONE || extra->to != SR_TIME_NONE)
    g_ptr_array_add (parts, describe_time_range (self, extra->from, extra->to));

  g_ptr_array_add (parts, NULL);
  /* Translators: separates the parts of a filter chip */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

/* --- one removable chip per condition (sender ID, country, reason) --- */

typedef enum {
  FIELD_SENDER = 1,
  FIELD_COUNTRY,
  FIELD_REASON,
} FilterField;

static char **
field_slot (SrMessageFilter *filter,
            FilterField      field)
{
  switch (field)
    {
    case FIELD_SENDER:  return &filter->sender_id;
    case FIELD_COUNTRY: return &filter->country_prefix;
    case FIELD_REASON:  return &filter->failed_reason;
    default:            g_assert_not_reached ();
    }
}

static gboolean
extra_is_empty (const SrMessageFilter *extra)
{
  return extra->sender_id == NULL && extra->country_prefix == NULL &&
         extra->failed_reason == NULL && extra->recipient == NULL &&
         extra->from == SR_TIME_NONE && extra->to == SR_TIME_NONE;
}

static void
on_remove_field_clicked_cb (SrMessagesPage *self,
                            GtkButton      *button)
{
  FilterField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "sr-field"));

  g_assert (SR_IS_MESSAGES_PAGE (self));

  if (self->extra == NULL)
    return;

  g_clear_pointer (field_slot (self->extra, field), g_free);
  if (extra_is_empty (self->extra))
    g_clear_pointer (&self->extra, sr_message_filter_free);
  refresh_chips (self, NULL);
  apply_filter (self);
}

static GtkWidget *
new_field_chip (SrMessagesPage *self,
                FilterField     field,
                const char     *text)
{
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");

  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (chip, "campaign-chip");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_set_tooltip_text (remove, _("Remove This Filter"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove This Filter"),
                                  -1);
  g_object_set_data (G_OBJECT (remove), "sr-field", GINT_TO_POINTER (field));
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_field_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (chip), label);
  gtk_box_append (GTK_BOX (chip), remove);

  return chip;
}

/* The extra filter as chips: with a label from the Dashboard (a bar, a
 * country row) one chip says what was clicked; otherwise sender, country
 * and reason each get their own chip, removable one by one, and the
 * remaining conditions (recipient, time range) share the extra chip. */
static void
refresh_chips (SrMessagesPage *self,
               const char     *label)
{
  GtkWidget *parent = gtk_widget_get_parent (self->extra_chip);
  GtkWidget *after = self->extra_chip;
  g_autoptr(SrMessageFilter) rest = NULL;

  for (guint i = 0; i < self->field_chips->len; i++)
    sr_container_remove (parent, g_ptr_array_index (self->field_chips, i));
  g_ptr_array_set_size (self->field_chips, 0);

  if (self->extra == NULL)
    {
      gtk_widget_set_visible (self->extra_chip, FALSE);
      return;
    }

  if (label != NULL && *label != '\0')
    {
      g_autofree char *text = describe_extra (self, self->extra, label);

      gtk_label_set_label (self->extra_label, text);
      gtk_widget_set_tooltip_text (self->extra_chip, text);
      gtk_widget_set_visible (self->extra_chip, TRUE);
      return;
    }

  for (FilterField field = FIELD_SENDER; field <= FIELD_REASON; field++)
    {
      g_autoptr(SrMessageFilter) one = NULL;
      g_autofree char *text = NULL;
      GtkWidget *chip;

      if (*field_slot (self->extra, field) == NULL)
        continue;

      one = sr_message_filter_new ();
      *field_slot (one, field) = g_strdup (*field_slot (self->extra, field));
      text = describe_extra (self, one, NULL);
      chip = new_field_chip (self, field, text);
      sr_container_insert_after (parent, chip, after);
      g_ptr_array_add (self->field_chips, chip);
      after = chip;
    }

  rest = sr_message_filter_copy (self->extra);
  for (FilterField field = FIELD_SENDER; field <= FIELD_REASON; field++)
    g_clear_pointer (field_slot (rest, field), g_free);
  if (!extra_is_empty (rest))
    {
      g_autofree char *text = describe_extra (self, rest, NULL);

      gtk_label_set_label (self->extra_label, text);
      gtk_widget_set_tooltip_text (self->extra_chip, text);
    }
  gtk_widget_set_visible (self->extra_chip, !extra_is_empty (rest));
}

void
sr_messages_page_add_filter (SrMessagesPage *self,
                             const char     *sender_id,
                             const char     *country_prefix,
                             const char     *failed_reason)
{
  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));

  /* Added to what the Log shows: the conditions combine. */
  if (self->extra == NULL)
    self->extra = sr_message_filter_new ();
  if (sender_id != NULL)
    {
      g_free (self->extra->sender_id);
      self->extra->sender_id = g_strdup (sender_id);
    }
  if (country_prefix != NULL)
    {
      g_free (self->extra->country_prefix);
      self->extra->country_prefix = g_strdup (country_prefix);
    }
  if (failed_reason != NULL)
    {
      g_free (self->extra->failed_reason);
      self->extra->failed_reason = g_strdup (failed_reason);
    }
  if (extra_is_empty (self->extra))
    g_clear_pointer (&self->extra, sr_message_filter_free);

  refresh_chips (self, NULL);
  apply_filter (self);
}

static void
filter_by_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SrMessagesPage *self = SR_MESSAGES_PAGE (widget);
  const char *field, *value;

  g_variant_get (parameter, "(&s&s)", &field, &value);
  if (g_str_equal (field, "sender"))
    sr_messages_page_add_filter (self, value, NULL, NULL);
  else if (g_str_equal (field, "country"))
    sr_messages_page_add_filter (self, NULL, value, NULL);
  else if (g_str_equal (field, "reason"))
    sr_messages_page_add_filter (self, NULL, NULL, value);
}

/* --- the Filter menu: the sender IDs, countries and failure reasons of
 * the messages shown, with their counts, computed by SrInsights off the
 * main thread when the menu opens --- */

typedef struct {
  char   *value;       /* what the filter takes */
  char   *label;
  gint64  count;
} Choice;

static void
choice_free (gpointer data)
{
  Choice *choice = data;

  if (choice == NULL)
    return;
  g_free (choice->value);
  g_free (choice->label);
  g_free (choice);
}

static int
compare_choices (gconstpointer a,
                 gconstpointer b)
{
  const Choice *x = *(const Choice * const *) a;
  const Choice *y = *(const Choice * const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_utf8_collate (x->label, y->label);
}

static GtkListBox *
choices_of (SrMessagesPage *self,
            FilterField     field)
{
  switch (field)
    {
    case FIELD_SENDER:  return self->sender_choices;
    case FIELD_COUNTRY: return self->country_choices;
    case FIELD_REASON:  return self->reason_choices;
    default:            g_assert_not_reached ();
    }
}

static GtkWidget *
heading_of (SrMessagesPage *self,
            FilterField     field)
{
  switch (field)
    {
    case FIELD_SENDER:  return self->sender_heading;
    case FIELD_COUNTRY: return self->country_heading;
    case FIELD_REASON:  return self->reason_heading;
    default:            g_assert_not_reached ();
    }
}

static gboolean
field_from_name (const char  *name,
                 FilterField *out_field)
{
  if (g_strcmp0 (name, "sender") == 0)
    *out_field = FIELD_SENDER;
  else if (g_strcmp0 (name, "country") == 0)
    *out_field = FIELD_COUNTRY;
  else if (g_strcmp0 (name, "reason") == 0)
    *out_field = FIELD_REASON;
  else
    return FALSE;
  return TRUE;
}

static void
fill_choices (SrMessagesPage *self,
              FilterField     field,
              GPtrArray      *choices,
              const char     *tooltip_of_reason (const char *reason))
{
  GtkListBox *list = choices_of (self, field);

  gtk_list_box_remove_all (list);
  g_ptr_array_sort (choices, compare_choices);

  for (guint i = 0; i < choices->len; i++)
    {
      Choice *choice = g_ptr_array_index (choices, i);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = gtk_label_new (choice->label);
      g_autofree char *count = sr_format_count (choice->count);
      GtkWidget *number = gtk_label_new (count);
      /* Translators: a choice of the Filter menu: "Cyprus (+357): 1,234 messages" */
      g_autofree char *spoken = g_strdup_printf (ngettext ("%s: %s message", "%s: %s messages", choice->count),
                                                 choice->label, count);
      const char *tooltip = tooltip_of_reason != NULL ? tooltip_of_reason (choice->value) : NULL;

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (name), 30);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (number, "dim-label");
      gtk_widget_add_css_class (number, "numeric");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), number);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_widget_set_tooltip_text (row, tooltip != NULL ? tooltip : choice->label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                      -1);
      g_object_set_data (G_OBJECT (row), "sr-field", GINT_TO_POINTER (field));
      g_object_set_data_full (G_OBJECT (row), "sr-choice", g_steal_pointer (&g_ptr_array_index (choices, i)),
                              choice_free);
      gtk_list_box_append (list, row);
    }

  gtk_widget_set_visible (heading_of (self, field), choices->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (list), choices->len > 0);
}

static const char *
explain_reason (const char *reason)
{
  return sr_failure_reason_explain (reason, NULL);
}

static void
filter_choices_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SrMessagesPage) self = user_data;
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) senders = g_ptr_array_new_with_free_func (choice_free);
  g_autoptr(GPtrArray) countries = g_ptr_array_new_with_free_func (choice_free);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (choice_free);
  g_autoptr(GHashTable) by_prefix = g_hash_table_new (g_str_hash, g_str_equal);
  const SrDeliveryRow *rows;
  const SrFailureReasonRow *reason_rows;
  guint n = 0;

  insights = sr_insights_query_finish (SR_CACHE (object), result, &error);
  if (insights == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Counting the filter choices failed: %s", error->message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->filter_spinner), FALSE);
  if (insights == NULL)
    return;

  rows = sr_insights_get_senders (insights, &n);
  for (guint i = 0; i < n; i++)
    if (rows[i].key != NULL && *rows[i].key != '\0')
      {
        Choice *choice = g_new0 (Choice, 1);

        choice->value = g_strdup (rows[i].key);
        choice->label = g_strdup (rows[i].label);
        choice->count = rows[i].total;
        g_ptr_array_add (senders, choice);
      }

  /* One choice per calling code: a filter on +1 shows every country that
   * shares it, so its count is theirs together. */
  rows = sr_insights_get_countries (insights, &n);
  for (guint i = 0; i < n; i++)
    {
      Choice *choice;

      if (rows[i].prefix == NULL)
        continue;
      choice = g_hash_table_lookup (by_prefix, rows[i].prefix);
      if (choice == NULL)
        {
          choice = g_new0 (Choice, 1);
          choice->value = g_strdup (rows[i].prefix);
          if (rows[i].prefix_shared)
            /* Translators: the country filter chip: "Numbers starting with +1" */
            choice->label = g_strdup_printf (_("Numbers starting with %s"), rows[i].prefix);
          else
            /* Translators: a country in the Filter menu: "Cyprus (+357)" */
            choice->label = g_strdup_printf (_("%s (%s)"), rows[i].label, rows[i].prefix);
          g_hash_table_insert (by_prefix, choice->value, choice);
          g_ptr_array_add (countries, choice);
        }
      choice->count += rows[i].total;
    }

  reason_rows = sr_insights_get_failure_reasons (insights, &n);
  for (guint i = 0; i < n; i++)
    if (reason_rows[i].reason != NULL && *reason_rows[i].reason != '\0')
      {
        Choice *choice = g_new0 (Choice, 1);

        choice->value = g_strdup (reason_rows[i].reason);
        choice->label = g_strdup (reason_rows[i].reason);
        choice->count = reason_rows[i].count;
        g_ptr_array_add (reasons, choice);
      }

  fill_choices (self, FIELD_SENDER, senders, NULL);
  fill_choices (self, FIELD_COUNTRY, countries, NULL);
  fill_choices (self, FIELD_REASON, reasons, explain_reason);
  gtk_widget_set_visible (self->filter_empty_label, senders->len == 0 && countries->len == 0 && reasons->len == 0);
  self->choices_ready = TRUE;
}

static void
refresh_filter_choices (SrMessagesPage *self)
{
  g_autoptr(SrMessageFilter) filter = NULL;
  g_autoptr(GTimeZone) tz = NULL;

  if (self->session == NULL)
    return;

  g_cancellable_cancel (self->choices_cancellable);
  g_clear_object (&self->choices_cancellable);
  self->choices_cancellable = g_cancellable_new ();
  self->choices_ready = FALSE;

  for (FilterField field = FIELD_SENDER; field <= FIELD_REASON; field++)
    {
      gtk_list_box_remove_all (choices_of (self, field));
      gtk_widget_set_visible (heading_of (self, field), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (choices_of (self, field)), FALSE);
    }
  gtk_widget_set_visible (self->filter_empty_label, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->filter_spinner), TRUE);

  /* Exactly the messages the Log shows. */
  filter = build_filter (self, TRUE);
  tz = sr_period_picker_dup_zone (self->period_picker);
  sr_insights_query_in_zone_async (sr_session_get_cache (self->session), filter,
                                   SR_INSIGHTS_COUNTRIES | SR_INSIGHTS_SENDERS | SR_INSIGHTS_FAILURES,
                                   tz, self->choices_cancellable, filter_choices_cb, g_object_ref (self));
}

static void
on_filter_popover_show_cb (SrMessagesPage *self)
{
  g_assert (SR_IS_MESSAGES_PAGE (self));

  refresh_filter_choices (self);
}

static void
on_filter_choice_activated_cb (SrMessagesPage *self,
                               GtkListBoxRow  *row)
{
  FilterField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "sr-field"));
  const Choice *choice = g_object_get_data (G_OBJECT (row), "sr-choice");
  g_autofree char *value = NULL;

  g_assert (SR_IS_MESSAGES_PAGE (self));

  if (choice == NULL)
    return;

  /* The row goes with the menu's next filling. */
  value = g_strdup (choice->value);
  gtk_popover_popdown (self->filter_popover);
  sr_messages_page_add_filter (self,
                               field == FIELD_SENDER ? value : NULL,
                               field == FIELD_COUNTRY ? value : NULL,
                               field == FIELD_REASON ? value : NULL);
}

static GtkListBoxRow *
find_choice_row (SrMessagesPage *self,
                 const char     *field_name,
                 const char     *value)
{
  FilterField field;

  if (!field_from_name (field_name, &field))
    return NULL;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (choices_of (self, field)));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const Choice *choice = g_object_get_data (G_OBJECT (row), "sr-choice");

      if (choice != NULL && g_strcmp0 (choice->value, value) == 0)
        return GTK_LIST_BOX_ROW (row);
    }

  return NULL;
}

void
sr_messages_page_popup_filter_menu (SrMessagesPage *self)
{
  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));

  gtk_menu_button_popup (self->filter_button);
}

gboolean
sr_messages_page_get_filter_choices_ready (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), FALSE);

  return self->choices_ready;
}

GStrv
sr_messages_page_dup_filter_choices (SrMessagesPage *self,
                                     const char     *field_name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  FilterField field;

  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  if (field_from_name (field_name, &field))
    for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (choices_of (self, field)));
         row != NULL;
         row = gtk_widget_get_next_sibling (row))
      {
        const Choice *choice = g_object_get_data (G_OBJECT (row), "sr-choice");

        if (choice != NULL)
          g_strv_builder_add (builder, choice->value);
      }

  return g_strv_builder_end (builder);
}

gint64
sr_messages_page_get_filter_choice_count (SrMessagesPage *self,
                                          const char     *field,
                                          const char     *value)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), -1);

  row = find_choice_row (self, field, value);
  if (row == NULL)
    return -1;
  return ((const Choice *) g_object_get_data (G_OBJECT (row), "sr-choice"))->count;
}

gboolean
sr_messages_page_activate_filter_choice (SrMessagesPage *self,
                                         const char     *field,
                                         const char     *value)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), FALSE);

  row = find_choice_row (self, field, value);
  if (row == NULL)
    return FALSE;

  /* What a click on the row does. */
  g_signal_emit_by_name (row, "activate");
  return TRUE;
}

void
sr_messages_page_show_filter (SrMessagesPage        *self,
                              const SrMessageFilter *filter,
                              const char            *label)
{
  g_autoptr(SrMessageFilter) extra = NULL;
  gboolean has_extra;

  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));
  g_return_if_fail (filter != NULL);

  /* Exactly this filter: nothing of the previous view stays. */
  g_clear_pointer (&self->search, g_free);
  if (filter->search != NULL && *filter->search != '\0')
    self->search = g_strdup (filter->search);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), self->search != NULL ? self->search : "");

  g_clear_pointer (&self->campaign_id, g_free);
  if (filter->campaign_id != NULL && *filter->campaign_id != '\0')
    {
      /* Translators: the campaign filter chip, %s names the campaign */
      g_autofree char *text = g_strdup_printf (_("Campaign: %s"), filter->campaign_id);

      self->campaign_id = g_strdup (filter->campaign_id);
      gtk_label_set_label (self->campaign_label, text);
      gtk_widget_set_tooltip_text (self->campaign_chip, filter->campaign_id);
    }
  gtk_widget_set_visible (self->campaign_chip, self->campaign_id != NULL);

  self->status_mask = filter->status_mask;
  sync_status_checks (self);

  extra = sr_message_filter_new ();
  extra->sender_id = g_strdup (filter->sender_id);
  extra->country_prefix = g_strdup (filter->country_prefix);
  extra->failed_reason = g_strdup (filter->failed_reason);
  extra->recipient = g_strdup (filter->recipient);
  if (!sr_period_picker_set_range (self->period_picker, filter->from, filter->to))
    {
      sr_period_picker_set_period (self->period_picker, SR_PERIOD_ALL);
      extra->from = filter->from;
      extra->to = filter->to;
    }

  has_extra = extra->sender_id != NULL || extra->country_prefix != NULL ||
              extra->failed_reason != NULL || extra->recipient != NULL ||
              extra->from != SR_TIME_NONE || extra->to != SR_TIME_NONE;

  g_clear_pointer (&self->extra, sr_message_filter_free);
  if (has_extra)
    self->extra = g_steal_pointer (&extra);
  refresh_chips (self, label);

  apply_filter (self);
  self->focus_first_row = TRUE;
  if (self->list != NULL && !sr_message_list_get_loading (self->list))
    focus_first_row (self);
}

void
sr_messages_page_export (SrMessagesPage *self,
                         GFile          *destination)
{
  g_autofree char *name = NULL;

  g_return_if_fail (SR_IS_MESSAGES_PAGE (self));
  g_return_if_fail (!destination || G_IS_FILE (destination));

  if (self->list == NULL)
    return;

  name = sr_export_bar_dup_default_name ("messages");
  /* The list's own filter and order: exactly the rows on screen. */
  sr_export_bar_export_messages (self->export_bar,
                                 sr_message_list_get_cache (self->list),
                                 sr_message_list_get_filter (self->list),
                                 sr_message_list_get_sort (self->list),
                                 sr_message_list_get_descending (self->list),
                                 name, destination);
}

SrExportBar *
sr_messages_page_get_export_bar (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  return self->export_bar;
}

const char *
sr_messages_page_get_extra_text (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  if (!gtk_widget_get_visible (self->extra_chip))
    return NULL;
  return gtk_label_get_label (self->extra_label);
}

GStrv
sr_messages_page_dup_chip_texts (SrMessagesPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  if (gtk_widget_get_visible (self->extra_chip))
    g_strv_builder_add (builder, gtk_label_get_label (self->extra_label));
  for (guint i = 0; i < self->field_chips->len; i++)
    {
      GtkWidget *label = gtk_widget_get_first_child (g_ptr_array_index (self->field_chips, i));

      g_strv_builder_add (builder, gtk_label_get_label (GTK_LABEL (label)));
    }

  return g_strv_builder_end (builder);
}

gboolean
sr_messages_page_remove_chip (SrMessagesPage *self,
                              guint           index)
{
  GtkWidget *button;

  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), FALSE);

  if (index >= self->field_chips->len)
    return FALSE;

  /* What a click on its close button does. */
  button = gtk_widget_get_last_child (g_ptr_array_index (self->field_chips, index));
  g_signal_emit_by_name (button, "clicked");
  return TRUE;
}

SrPeriodPicker *
sr_messages_page_get_period_picker (SrMessagesPage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGES_PAGE (self), NULL);

  return self->period_picker;
}
