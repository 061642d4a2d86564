/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-dashboard-page.c: the Dashboard. Everything on it describes one
 * period (today, the last 7 or 30 days, this or last month, all time or a
 * custom range of days) and comes from one SrInsights, computed by the
 * core in one pass over an index on a worker thread
 * (sr_insights_query_in_zone_async). A period change or a sync that
 * commits pages starts a new query and cancels the one still running;
 * during a sync that happens at most about once a second, so the page
 * fills in while the first sync runs. Only the recent campaigns and
 * "is there anything at all" are a second, tiny query.
 *
 * Rates are over settled messages only (total minus pending): a message
 * still on its way is not counted against delivery, and SENT or EXPIRED
 * messages are "unconfirmed", never failures.
 *
 * Every figure that stands for messages leads to them: a bar of the chart,
 * a status, a group of the legend, a country, a sender ID or a failure
 * reason emits "show-messages" with the matching SrMessageFilter, which
 * the window hands to the Messages Log.
 */
#define G_LOG_DOMAIN "sr-dashboard-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sr-chart.h"
#include "sr-dashboard-page.h"
#include "sr-format.h"
#include "sr-gtk-compat.h"
#include "sr-status-bar.h"
#include "sr-sync.h"

/* Rows of the country, sender and failure reason lists before "Show All". */
#define TOP_ROWS 8

/* What a row leads to. */
typedef enum {
  ROW_FILTER,
  ROW_SHOW_ALL_COUNTRIES,
  ROW_SHOW_ALL_SENDERS,
  ROW_SHOW_ALL_REASONS,
} RowKind;

typedef GtkWidget *(*RowFactory) (void);

/* The made-once rows of a list, see row_pool_get(). */
typedef struct
{
  GtkListBox *list;
  GPtrArray  *rows;          /* unowned: the list owns them */
  GtkWidget  *show_all;      /* after the rows */
  GtkWidget  *placeholder;   /* last */
  RowFactory  factory;
  gboolean    wrap;          /* see set_labels_wrap() */
} RowPool;

struct _SrDashboardPage
{
  AdwBin           parent_instance;

  GtkStack        *stack;
  SrPeriodPicker  *period_picker;
  GtkLabel        *period_label;
  AdwSpinner      *loading_spinner;
  GtkLabel        *history_label;
  GtkFlowBox      *cards;
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
  GtkLabel        *compare_labels[7];   /* under each card's detail, see CompareCard */
  GtkLabel        *delivery_time_value;
  GtkLabel        *delivery_time_detail;
  SrDeliveryTime   delivery_time;       /* n_timed < 0 until computed */
  gint64           delivery_time_for;   /* period_from it was computed for */
  gboolean         delivery_time_wanted; /* to query once the figures are painted */
  SrInsights      *previous;            /* the period before, totals only; NULL if none */
  gint64           previous_for;        /* period_from it was computed for */
  AdwPreferencesGroup *chart_group;
  SrChart         *messages_chart;
  GtkFlowBox      *legend_box;
  AdwPreferencesGroup *status_group;
  GtkListBox      *status_list;
  AdwPreferencesGroup *country_group;
  GtkListBox      *country_list;
  AdwPreferencesGroup *sender_group;
  GtkListBox      *sender_list;
  AdwPreferencesGroup *reason_group;
  GtkListBox      *reason_list;
  AdwPreferencesGroup *spend_group;
  SrChart         *spend_chart;
  GtkLabel        *spend_label;
  GtkListBox      *recent_list;
  GtkLabel        *footnote;
  AdwStatusPage   *empty_page;
  AdwSpinner      *empty_spinner;

  GtkLabel        *legend_counts[SR_N_STATUS_GROUPS];

  SrSession       *session;
  GSettings       *settings;
  GCancellable    *cancellable;
  SrInsights      *insights;        /* the one shown */
  guint            reload_source;
  guint            clock_source;
  guint            prepare_source;  /* see prepare_rows_cb() */
  gboolean         rows_prepared;
  gulong           after_paint_id;

  gint64           period_from;     /* of the query shown, usec UTC */
  gint64           period_to;

  gint64           total;           /* -1 until computed */
  int              has_messages;    /* -1 unknown */
  gint64           reload_started;  /* monotonic usec */
  double           query_ms;
  double           render_ms;

  RowPool          status_pool;
  RowPool          country_pool;
  RowPool          sender_pool;
  RowPool          reason_pool;
  gboolean         narrow;          /* below the breakpoint: see set_narrow() */

  char            *recent_fingerprint;

  SrSyncHistory    history;         /* what the cache holds, read with each reload */
  gboolean         has_history;     /* FALSE until read, or never synced */

  gboolean         show_all_countries;
  gboolean         show_all_senders;
  gboolean         show_all_reasons;
};

G_DEFINE_FINAL_TYPE (SrDashboardPage, sr_dashboard_page, ADW_TYPE_BIN)

enum {
  SHOW_MESSAGES,
  RENDERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
}

/* The big card values: money is formatted with a no-break space before the
 * currency code, which on a phone would keep "1.250,75 EUR" on one line
 * wider than the card. Here the code may go to a line of its own. */
static void
set_value_text (GtkLabel   *label,
                const char *text)
{
  g_autoptr(GString) breakable = g_string_new (text != NULL ? text : "");

  g_string_replace (breakable, "\u00a0", " ", 0);
  g_string_replace (breakable, "\u202f", " ", 0);
  gtk_label_set_label (label, breakable->str);
}

static GTimeZone *
dup_display_zone (SrDashboardPage *self)
{
  return sr_period_picker_dup_zone (self->period_picker);
}

static guint
group_status_mask (SrStatusGroup group)
{
  guint mask = 0;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    if (sr_status_get_group (i) == group)
      mask |= 1u << i;

  return mask;
}

/* --- the period --- */

static char *
dup_days_label (SrDashboardPage *self,
                gint64           from,
                gint64           to)
{
  g_autoptr(GTimeZone) tz = dup_display_zone (self);
  g_autoptr(GDateTime) from_utc = NULL;
  g_autoptr(GDateTime) to_utc = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *last_text = NULL;

  if (from == SR_TIME_NONE || to == SR_TIME_NONE)
    return NULL;

  from_utc = g_date_time_new_from_unix_utc (from / G_USEC_PER_SEC);
  to_utc = g_date_time_new_from_unix_utc (to / G_USEC_PER_SEC - 1);
  if (from_utc == NULL || to_utc == NULL)
    return NULL;
  first = g_date_time_to_timezone (from_utc, tz);
  last = g_date_time_to_timezone (to_utc, tz);

  first_text = sr_format_day (first);
  last_text = sr_format_day (last);
  if (g_strcmp0 (first_text, last_text) == 0)
    return g_steal_pointer (&first_text);

  /* Translators: a range of days, e.g. "Nov 1, 2026 – Nov 27, 2026" */
  return g_strdup_printf (_("%s – %s"), first_text, last_text);
}

static void
update_period_label (SrDashboardPage *self)
{
  g_autofree char *text = NULL;
  gint64 from = self->period_from, to = self->period_to;

  if (self->insights != NULL)
    sr_insights_get_period (self->insights, &from, &to);

  text = dup_days_label (self, from, to);
  set_text (self->period_label, text);
}

/* During a first sync the history arrives newest first: a period reaching
 * back before what is downloaded says so, instead of counting only part of
 * it as if that were all. */
static void
update_history_notice (SrDashboardPage *self)
{
  g_autofree char *text = NULL;
  gint64 to = self->period_to;

  if (self->has_history && !self->history.complete)
    {
      /* Periods end at the next midnight: "covered" means up to now. */
      if (to == SR_TIME_NONE || to > g_get_real_time ())
        to = SR_TIME_NONE;
      if (!sr_sync_history_covers (&self->history, self->period_from, to))
        {
          g_autoptr(GTimeZone) tz = dup_display_zone (self);
          g_autofree char *day = NULL;
          g_autofree char *percent = NULL;

          if (self->history.complete_since != SR_TIME_NONE &&
              self->history.complete_since != G_MININT64)
            {
              g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (self->history.complete_since / G_USEC_PER_SEC);
              g_autoptr(GDateTime) local = g_date_time_to_timezone (since, tz);

              day = sr_format_day (local);
            }
          if (self->history.fraction >= 0)
            percent = sr_format_percent (self->history.fraction);

          if (day != NULL && percent != NULL)
            /* Translators: the Dashboard during a first download; %1$s is a
             * day ("Sep 12, 2026"), %2$s how much is done ("35 %") */
            text = g_strdup_printf (_("Not complete yet: older messages are still being downloaded. "
                                      "This period is counted from %1$s on (%2$s of the history so far)."),
                                    day, percent);
          else if (day != NULL)
            /* Translators: %s is a day ("Sep 12, 2026") */
            text = g_strdup_printf (_("Not complete yet: older messages are still being downloaded. "
                                      "This period is counted from %s on."), day);
          else
            text = g_strdup (_("Not complete yet: older messages are still being downloaded."));
        }
    }

  gtk_label_set_label (self->history_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->history_label), text != NULL);
}

static void
history_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SrDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SrSyncHistory history;
  gboolean has_history;

  has_history = sr_sync_read_history_finish (result, &history, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading the history's extent failed: %s", error->message);
      return;
    }
  if (self->session == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  self->history = history;
  self->has_history = has_history;
  update_history_notice (self);
}

/* --- "show-messages" --- */

/* The period's filter, to which a click adds its condition. */
static SrMessageFilter *
new_period_filter (SrDashboardPage *self)
{
  SrMessageFilter *filter = sr_message_filter_new ();

  filter->from = self->period_from;
  filter->to = self->period_to;

  return filter;
}

static void
show_messages (SrDashboardPage       *self,
               const SrMessageFilter *filter,
               const char            *label)
{
  g_signal_emit (self, signals[SHOW_MESSAGES], 0, filter, label);
}

static void
on_bar_activated_cb (SrDashboardPage *self,
                     gint64           start,
                     gint64           end,
                     SrChart         *chart)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  g_assert (SR_IS_DASHBOARD_PAGE (self));

  /* The first and last buckets may reach past the period. */
  filter = new_period_filter (self);
  filter->from = filter->from == SR_TIME_NONE ? start : MAX (filter->from, start);
  filter->to = filter->to == SR_TIME_NONE ? end : MIN (filter->to, end);

  show_messages (self, filter, NULL);
}

static void
on_view_log_clicked_cb (SrDashboardPage *self)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  g_assert (SR_IS_DASHBOARD_PAGE (self));

  /* The log of the messages the card counts. */
  filter = new_period_filter (self);
  show_messages (self, filter, NULL);
}

static void
on_legend_activated_cb (SrDashboardPage *self,
                        GtkButton       *button)
{
  g_autoptr(SrMessageFilter) filter = NULL;
  SrStatusGroup group;

  g_assert (SR_IS_DASHBOARD_PAGE (self));

  group = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "sr-group"));
  filter = new_period_filter (self);
  filter->status_mask = group_status_mask (group);

  show_messages (self, filter, NULL);
}

static void render_lists (SrDashboardPage *self);

static void
on_row_activated_cb (SrDashboardPage *self,
                     GtkListBoxRow   *row,
                     GtkListBox      *list)
{
  RowKind kind;

  g_assert (SR_IS_DASHBOARD_PAGE (self));

  kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "sr-kind"));
  switch (kind)
    {
    case ROW_FILTER:
      {
        const SrMessageFilter *filter = g_object_get_data (G_OBJECT (row), "sr-filter");

        if (filter != NULL)
          show_messages (self, filter, g_object_get_data (G_OBJECT (row), "sr-label"));
      }
      break;
    case ROW_SHOW_ALL_COUNTRIES:
      self->show_all_countries = TRUE;
      render_lists (self);
      break;
    case ROW_SHOW_ALL_SENDERS:
      self->show_all_senders = TRUE;
      render_lists (self);
      break;
    case ROW_SHOW_ALL_REASONS:
      self->show_all_reasons = TRUE;
      render_lists (self);
      break;
    default:
      break;
    }
}

/* --- building the page --- */

static void
build_legend (SrDashboardPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (legend_order); i++)
    {
      SrStatusGroup group = legend_order[i];
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *label = gtk_label_new (sr_status_group_get_label (group));
      GtkWidget *count = gtk_label_new ("0");
      g_autofree char *tooltip = NULL;

      gtk_widget_add_css_class (swatch, "status-swatch");
      gtk_widget_add_css_class (swatch, sr_status_bar_group_style_class (group));
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "numeric");

      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), count);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "legend-button");

      /* Translators: tooltip of a legend entry under the chart */
      tooltip = g_strdup_printf (_("Show the “%s” messages of this period"), sr_status_group_get_label (group));
      gtk_widget_set_tooltip_text (button, tooltip);
      g_object_set_data (G_OBJECT (button), "sr-group", GUINT_TO_POINTER (group));
      g_signal_connect_object (button, "clicked",
                               G_CALLBACK (on_legend_activated_cb),
                               self, G_CONNECT_SWAPPED);

      gtk_flow_box_append (self->legend_box, button);
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
      self->legend_counts[group] = GTK_LABEL (count);
    }
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A tooltip given when asked for: gtk_widget_set_tooltip_text() looks for
 * the widget under the pointer (a round trip to the X server) each time,
 * and the breakdown rows are filled again on every period change. */
static gboolean
on_query_row_tooltip_cb (GtkWidget  *widget,
                         int         x,
                         int         y,
                         gboolean    keyboard_mode,
                         GtkTooltip *tooltip,
                         gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "sr-tooltip");

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_row_tooltip (GtkWidget  *widget,
                 const char *text)
{
  if (g_object_get_data (G_OBJECT (widget), "sr-tooltip-asked") == NULL)
    {
      g_object_set_data (G_OBJECT (widget), "sr-tooltip-asked", GINT_TO_POINTER (TRUE));
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_row_tooltip_cb), NULL);
      gtk_widget_set_has_tooltip (widget, TRUE);
    }
  g_object_set_data_full (G_OBJECT (widget), "sr-tooltip", g_strdup (text), g_free);
  /* What a tooltip text gives screen readers, too. */
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static GtkWidget *
new_placeholder_row (const char *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "dim-label");

  return row;
}

static GtkWidget *
new_count_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  return label;
}

/* --- the lists' rows ---
 *
 * A period change refills the lists. Their rows are made once and then
 * updated in place (and hidden when not needed): creating and styling
 * dozens of rows at every change is most of what the page would otherwise
 * spend, more than the query itself on a million messages.
 */

/* An arrow or chevron that only repeats what the row says: hidden from
 * screen readers. */
static GtkWidget *
new_decorative_icon (const char *icon_name)
{
  return g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", icon_name,
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       NULL);
}

static void
row_pool_init (RowPool    *pool,
               GtkListBox *list,
               RowFactory  factory,
               RowKind     show_all_kind,
               const char *placeholder)
{
  pool->list = list;
  pool->rows = g_ptr_array_new ();
  pool->factory = factory;

  if (show_all_kind != ROW_FILTER)
    {
      pool->show_all = adw_action_row_new ();
      adw_action_row_add_suffix (ADW_ACTION_ROW (pool->show_all), new_decorative_icon ("pan-down-symbolic"));
      g_object_set_data (G_OBJECT (pool->show_all), "sr-kind", GINT_TO_POINTER (show_all_kind));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (pool->show_all), TRUE);
      gtk_widget_set_visible (pool->show_all, FALSE);
      gtk_list_box_append (list, pool->show_all);
    }

  pool->placeholder = new_placeholder_row (placeholder);
  gtk_widget_set_visible (pool->placeholder, FALSE);
  gtk_list_box_append (list, pool->placeholder);
}

static void
row_pool_clear (RowPool *pool)
{
  g_clear_pointer (&pool->rows, g_ptr_array_unref);
}

/* Whether the rows' titles and subtitles and the cards' titles wrap. A
 * label that does not wrap has one size whatever its width: GTK measures it
 * once, and a box or row holding only such labels is measured once too. A
 * wrapping label is measured again at every width its containers try,
 * which was most of what the Dashboard cost the first time a period was
 * shown. On a wide window these texts fit on one line (ellipsized as a
 * safety net; screen readers get the whole text); on a narrow one they
 * wrap, and so do the failure reasons' explanations, always.
 *
 * A wrapping row label gets a minimum width (WRAP_MIN_CHARS): without one,
 * GTK finds a wrapping label's minimum width by laying its text out at
 * width 0, one word a line, and Pango shapes the rest of the text again at
 * each line break. For a sentence that layout cost more than all the
 * others together (the Dashboard's first All Time on a million messages
 * spent a third of its main-thread instructions in it); at a minimum of a
 * few words it takes a few lines. */
#define WRAP_MIN_CHARS 16

static gboolean
on_query_ellipsized_tooltip_cb (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard_mode,
                                GtkTooltip *tooltip,
                                gpointer    user_data)
{
  GtkLabel *label = GTK_LABEL (widget);

  /* FALSE: the row's own tooltip, if any */
  if (gtk_label_get_wrap (label) || !pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));
  return TRUE;
}

static void
set_labels_wrap (GtkWidget *widget,
                 gboolean   wrap)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child)
          && (gtk_widget_has_css_class (child, "title")
              || gtk_widget_has_css_class (child, "subtitle")
              || gtk_widget_has_css_class (child, "stat-title")))
        {
          gtk_label_set_wrap (GTK_LABEL (child), wrap);
          gtk_label_set_ellipsize (GTK_LABEL (child), wrap ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
          /* (not the cards': their width sets the columns of the grid) */
          if (!gtk_widget_has_css_class (child, "stat-title"))
            gtk_label_set_width_chars (GTK_LABEL (child), wrap ? WRAP_MIN_CHARS : -1);
          /* the whole text, when cut, on hovering it */
          if (!wrap && g_object_get_data (G_OBJECT (child), "sr-ellipsized-tooltip") == NULL)
            {
              g_object_set_data (G_OBJECT (child), "sr-ellipsized-tooltip", GINT_TO_POINTER (TRUE));
              g_signal_connect (child, "query-tooltip", G_CALLBACK (on_query_ellipsized_tooltip_cb), NULL);
              gtk_widget_set_has_tooltip (child, TRUE);
            }
        }
      else
        set_labels_wrap (child, wrap);
    }
}

/* Makes rows until the pool has n (hidden until filled). */
static void
row_pool_prepare (RowPool *pool,
                  guint    n)
{
  while (pool->rows->len < n)
    {
      GtkWidget *row = pool->factory ();

      set_labels_wrap (row, pool->wrap);
      gtk_widget_set_visible (row, FALSE);
      gtk_list_box_insert (pool->list, row, (int) pool->rows->len);
      g_ptr_array_add (pool->rows, row);
    }
}

static GtkWidget *
row_pool_get (RowPool *pool,
              guint    index)
{
  GtkWidget *row;

  row_pool_prepare (pool, index + 1);
  row = g_ptr_array_index (pool->rows, index);
  gtk_widget_set_visible (row, TRUE);

  return row;
}

/* Hides the rows from n on; the placeholder shows when n is 0, the
 * "Show All" row with show_all_title. */
static void
row_pool_finish (RowPool    *pool,
                 guint       n,
                 const char *show_all_title)
{
  for (guint i = n; i < pool->rows->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (pool->rows, i), FALSE);

  gtk_widget_set_visible (pool->placeholder, n == 0);
  if (pool->show_all != NULL)
    {
      if (show_all_title != NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pool->show_all), show_all_title);
      gtk_widget_set_visible (pool->show_all, show_all_title != NULL);
    }
}

/* Rows carry the filter they lead to (NULL: not activatable). */
static void
set_row_filter (GtkWidget       *row,
                SrMessageFilter *filter,
                const char      *label)
{
  GtkWidget *arrow = g_object_get_data (G_OBJECT (row), "sr-arrow");

  g_object_set_data_full (G_OBJECT (row), "sr-filter", filter, (GDestroyNotify) sr_message_filter_free);
  g_object_set_data_full (G_OBJECT (row), "sr-label", g_strdup (label), g_free);
  g_object_set_data (G_OBJECT (row), "sr-kind", GINT_TO_POINTER (ROW_FILTER));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), filter != NULL);
  if (arrow != NULL)
    gtk_widget_set_visible (arrow, filter != NULL);
}

static void
add_arrow (GtkWidget *row)
{
  GtkWidget *arrow = new_decorative_icon ("go-next-symbolic");

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  g_object_set_data (G_OBJECT (row), "sr-arrow", arrow);
}

static void
set_swatch_group (GtkWidget     *swatch,
                  SrStatusGroup  group)
{
  for (guint i = 0; i < SR_N_STATUS_GROUPS; i++)
    if (i != group)
      gtk_widget_remove_css_class (swatch, sr_status_bar_group_style_class (i));
  gtk_widget_add_css_class (swatch, sr_status_bar_group_style_class (group));
}

/* status rows: swatch, title, subtitle, count, share */

static GtkWidget *
create_status_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *count = new_count_label ();
  GtkWidget *share = new_count_label ();

  gtk_widget_add_css_class (swatch, "status-swatch");
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);

  gtk_widget_add_css_class (share, "dim-label");
  gtk_label_set_width_chars (GTK_LABEL (share), 7);
  gtk_box_append (GTK_BOX (box), count);
  gtk_box_append (GTK_BOX (box), share);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  add_arrow (row);

  g_object_set_data (G_OBJECT (row), "sr-swatch", swatch);
  g_object_set_data (G_OBJECT (row), "sr-count", count);
  g_object_set_data (G_OBJECT (row), "sr-share", share);

  return row;
}

static void
fill_status_row (SrDashboardPage        *self,
                 GtkWidget              *row,
                 const SrInsightsStatus *status,
                 gint64                  settled,
                 const char             *currency)
{
  g_autofree char *count = sr_format_count (status->count);
  /* The same rate as the cards: of the settled messages; a pending status
   * has no share until its messages settle. */
  g_autofree char *share = sr_format_percent (status->group != SR_STATUS_GROUP_PENDING && settled > 0
                                              ? (double) status->count / (double) settled : -1);
  g_autofree char *cost = sr_format_money (status->cost, currency, 2);
  g_autofree char *subtitle = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *title = NULL;
  SrMessageFilter *filter = new_period_filter (self);

  if (status->status == SR_STATUS_UNKNOWN && (status->status_raw == NULL || *status->status_raw == '\0'))
    title = g_strdup (_("No status"));
  else
    title = sr_status_dup_display_name (status->status, status->status_raw);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  if (status->billable)
    /* Translators: a status row's subtitle, %s is the cost, e.g. "Billed · 12.34 EUR" */
    subtitle = g_strdup_printf (_("Billed · %s"), cost);
  else
    subtitle = g_strdup (_("Not billed"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  set_swatch_group (g_object_get_data (G_OBJECT (row), "sr-swatch"), status->group);
  gtk_label_set_label (g_object_get_data (G_OBJECT (row), "sr-count"), count);
  gtk_label_set_label (g_object_get_data (G_OBJECT (row), "sr-share"), share);
  set_row_tooltip (g_object_get_data (G_OBJECT (row), "sr-share"),
                   status->group == SR_STATUS_GROUP_PENDING
                               ? _("Pending: not counted in rates until settled")
                   : _("Share of the settled messages, as on the cards above"));

  /* The legend's description, so the breakdown explains itself. */
  if (status->status == SR_STATUS_UNKNOWN && status->status_raw != NULL && *status->status_raw != '\0')
    /* Translators: tooltip of a status SMS Reports does not know, %s is the status as received */
    tooltip = g_strdup_printf (_("“%s” is not one of the statuses SMS.to documents. %s"),
                               status->status_raw, sr_status_get_description (SR_STATUS_UNKNOWN));
  else
    tooltip = g_strdup (sr_status_get_description (status->status));
  set_row_tooltip (row, tooltip);

  filter->status_mask = 1u << status->status;
  set_row_filter (row, filter, NULL);
  g_object_set_data (G_OBJECT (row), "sr-status", GINT_TO_POINTER (status->status));
}

static void
render_statuses (SrDashboardPage *self)
{
  const SrInsightsTotals *totals = sr_insights_get_totals (self->insights);
  const char *currency = sr_insights_get_currency (self->insights);
  const SrInsightsStatus *statuses;
  g_autofree char *billable = NULL;
  g_autofree char *non_billable = NULL;
  g_autofree char *description = NULL;
  guint n_statuses = 0;

  statuses = sr_insights_get_statuses (self->insights, &n_statuses);
  for (guint i = 0; i < n_statuses; i++)
    fill_status_row (self, row_pool_get (&self->status_pool, i), &statuses[i],
                     totals->total - totals->by_group[SR_STATUS_GROUP_PENDING], currency);
  row_pool_finish (&self->status_pool, n_statuses, NULL);

  billable = sr_format_count (totals->billable);
  non_billable = sr_format_count (totals->non_billable);
  /* Translators: under "Status Breakdown": "12,000 billable messages · 345 not billed (rejected or unsubscribed)" */
  description = g_strdup_printf (ngettext ("%s billable message · %s not billed (rejected or unsubscribed)",
                                           "%s billable messages · %s not billed (rejected or unsubscribed)",
                                           (gulong) totals->billable),
                                 billable, non_billable);
  adw_preferences_group_set_description (self->status_group, description);
}

/* delivery rows (countries, senders): title, subtitle, bar, rate */

static GtkWidget *
create_delivery_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bar = sr_status_bar_new ();
  GtkWidget *rate = new_count_label ();

  gtk_widget_set_size_request (bar, 64, -1);
  gtk_label_set_width_chars (GTK_LABEL (rate), 7);
  set_row_tooltip (rate, _("Delivery rate of settled messages"));

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), rate);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  add_arrow (row);

  g_object_set_data (G_OBJECT (row), "sr-bar", bar);
  g_object_set_data (G_OBJECT (row), "sr-rate", rate);

  return row;
}

static void
fill_delivery_row (SrDashboardPage     *self,
                   GtkWidget           *row,
                   const SrDeliveryRow *delivery,
                   gboolean             country)
{
  gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *total = sr_format_count (delivery->total);
  g_autofree char *rate = sr_format_percent (sr_delivery_row_get_rate (delivery));
  const char *title = delivery->label;

  if (!country && (delivery->key == NULL || *delivery->key == '\0'))
    title = _("No sender ID");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");

  if (country && delivery->prefix != NULL)
    {
      g_string_append (subtitle, delivery->prefix);
      g_string_append (subtitle, _(" · "));
    }
  g_string_append_printf (subtitle, ngettext ("%s message", "%s messages", (gulong) delivery->total), total);
  if (delivery->failed > 0)
    {
      g_autofree char *failed = sr_format_count (delivery->failed);
      g_string_append (subtitle, _(" · "));
      /* Translators: part of a delivery row's subtitle */
      g_string_append_printf (subtitle, _("%s failed"), failed);
    }
  if (delivery->unconfirmed > 0)
    {
      g_autofree char *unconfirmed = sr_format_count (delivery->unconfirmed);
      g_string_append (subtitle, _(" · "));
      /* Translators: part of a delivery row's subtitle */
      g_string_append_printf (subtitle, _("%s unconfirmed"), unconfirmed);
    }
  if (delivery->pending > 0)
    {
      g_autofree char *pending = sr_format_count (delivery->pending);
      g_string_append (subtitle, _(" · "));
      /* Translators: part of a delivery row's subtitle */
      g_string_append_printf (subtitle, _("%s pending"), pending);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);

  by_group[SR_STATUS_GROUP_DELIVERED] = delivery->delivered;
  by_group[SR_STATUS_GROUP_UNCONFIRMED] = delivery->unconfirmed;
  by_group[SR_STATUS_GROUP_PENDING] = delivery->pending;
  by_group[SR_STATUS_GROUP_FAILED] = delivery->failed;
  by_group[SR_STATUS_GROUP_OTHER] = delivery->other;
  sr_status_bar_set_counts (g_object_get_data (G_OBJECT (row), "sr-bar"), by_group);
  gtk_label_set_label (g_object_get_data (G_OBJECT (row), "sr-rate"), rate);

  set_row_tooltip (row, NULL);
  if (country && delivery->prefix != NULL)
    {
      SrMessageFilter *filter = new_period_filter (self);
      g_autofree char *label = NULL;

      filter->country_prefix = g_strdup (delivery->prefix);
      if (delivery->prefix_shared)
        {
          /* Translators: filter chip for a calling code several countries share: "Numbers starting with +1 (United States and others)" */
          label = g_strdup_printf (_("Numbers starting with %s (%s and others)"), delivery->prefix, delivery->label);
          set_row_tooltip (row, _("Other countries share this calling code: their messages are listed too."));
        }
      else
        /* Translators: filter chip: "Country: Cyprus (+357)" */
        label = g_strdup_printf (_("Country: %s (%s)"), delivery->label, delivery->prefix);

      set_row_filter (row, filter, label);
    }
  else if (!country && delivery->key != NULL && *delivery->key != '\0')
    {
      SrMessageFilter *filter = new_period_filter (self);
      g_autofree char *label = NULL;

      filter->sender_id = g_strdup (delivery->key);
      /* Translators: filter chip */
      label = g_strdup_printf (_("Sender ID: %s"), delivery->key);
      set_row_filter (row, filter, label);
    }
  else
    set_row_filter (row, NULL, NULL);
}

static void
render_delivery (SrDashboardPage     *self,
                 RowPool             *pool,
                 const SrDeliveryRow *rows,
                 guint                n_rows,
                 gboolean             country,
                 gboolean             show_all)
{
  guint shown = show_all ? n_rows : MIN (n_rows, TOP_ROWS);
  g_autofree char *show_all_title = NULL;

  for (guint i = 0; i < shown; i++)
    fill_delivery_row (self, row_pool_get (pool, i), &rows[i], country);

  if (shown < n_rows)
    {
      if (country)
        /* Translators: the last row of "Delivery by Country" */
        show_all_title = g_strdup_printf (ngettext ("Show All %u Countries", "Show All %u Countries", n_rows), n_rows);
      else
        /* Translators: the last row of "Delivery by Sender ID" */
        show_all_title = g_strdup_printf (ngettext ("Show All %u Sender IDs", "Show All %u Sender IDs", n_rows), n_rows);
    }

  row_pool_finish (pool, shown, show_all_title);
}

/* failure reason rows: title, explanation, "Permanent" tag, count */

static GtkWidget *
create_reason_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *tag = gtk_label_new (_("Permanent"));
  GtkWidget *count = new_count_label ();

  gtk_widget_add_css_class (tag, "reason-tag");
  gtk_widget_add_css_class (tag, "caption");
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  set_row_tooltip (tag, _("Sending again will not help: fix the number or remove it from your lists"));

  gtk_box_append (GTK_BOX (box), tag);
  gtk_box_append (GTK_BOX (box), count);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  add_arrow (row);

  g_object_set_data (G_OBJECT (row), "sr-tag", tag);
  g_object_set_data (G_OBJECT (row), "sr-count", count);

  return row;
}

static void
fill_reason_row (SrDashboardPage          *self,
                 GtkWidget                *row,
                 const SrFailureReasonRow *reason)
{
  g_autofree char *count = sr_format_count (reason->count);
  g_autofree char *label = NULL;
  SrMessageFilter *filter = new_period_filter (self);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), reason->reason);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               reason->explanation != NULL
                                 ? reason->explanation
                                 : _("SMS Reports has no explanation for this reason; SMS.to support can tell more."));
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "sr-tag"),
                          reason->explanation != NULL && reason->permanent);
  gtk_label_set_label (g_object_get_data (G_OBJECT (row), "sr-count"), count);

  filter->failed_reason = g_strdup (reason->reason);
  /* Translators: filter chip */
  label = g_strdup_printf (_("Reason: %s"), reason->reason);
  set_row_filter (row, filter, label);
}

static void
render_reasons (SrDashboardPage *self)
{
  const SrFailureReasonRow *reasons;
  g_autofree char *show_all_title = NULL;
  guint n_reasons = 0;
  guint shown;

  reasons = sr_insights_get_failure_reasons (self->insights, &n_reasons);
  shown = self->show_all_reasons ? n_reasons : MIN (n_reasons, TOP_ROWS);

  for (guint i = 0; i < shown; i++)
    fill_reason_row (self, row_pool_get (&self->reason_pool, i), &reasons[i]);

  if (shown < n_reasons)
    /* Translators: the last row of "Top Failure Reasons" */
    show_all_title = g_strdup_printf (ngettext ("Show All %u Reasons", "Show All %u Reasons", n_reasons), n_reasons);

  row_pool_finish (&self->reason_pool, shown, show_all_title);
}

static void
render_lists (SrDashboardPage *self)
{
  const SrDeliveryRow *rows;
  guint n_rows = 0;

  if (self->insights == NULL)
    return;

  rows = sr_insights_get_countries (self->insights, &n_rows);
  render_delivery (self, &self->country_pool, rows, n_rows, TRUE, self->show_all_countries);
  rows = sr_insights_get_senders (self->insights, &n_rows);
  render_delivery (self, &self->sender_pool, rows, n_rows, FALSE, self->show_all_senders);
  render_reasons (self);
}

static void
render_cards (SrDashboardPage *self)
{
  const SrInsightsTotals *totals = sr_insights_get_totals (self->insights);
  const char *currency = sr_insights_get_currency (self->insights);
  gint64 settled = totals->total - totals->by_group[SR_STATUS_GROUP_PENDING];
  g_autofree char *text = NULL;

#define SETTLED_RATE(n) (settled > 0 ? (double) (n) / (double) settled : -1.0)

  text = sr_format_count (totals->total);
  set_value_text (self->messages_value, text);
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *billable = sr_format_count (totals->billable);
    /* Translators: detail of the Messages card */
    text = g_strdup_printf (ngettext ("%s billable", "%s billable", (gulong) totals->billable), billable);
    set_text (self->messages_detail, text);
    g_clear_pointer (&text, g_free);
  }

  {
    gint64 n = totals->by_group[SR_STATUS_GROUP_DELIVERED];
    g_autofree char *count = sr_format_count (n);
    g_autofree char *of = sr_format_count (settled);

    text = sr_format_percent (SETTLED_RATE (n));
    set_value_text (self->delivered_value, text);
    g_clear_pointer (&text, g_free);
    /* Translators: "12,000 of 12,340 settled messages" */
    text = g_strdup_printf (_("%s of %s settled messages"), count, of);
    set_text (self->delivered_detail, text);
    g_clear_pointer (&text, g_free);
  }

  {
    gint64 n = totals->by_group[SR_STATUS_GROUP_UNCONFIRMED];
    g_autofree char *rate = sr_format_percent (SETTLED_RATE (n));

    text = sr_format_count (n);
    set_value_text (self->unconfirmed_value, text);
    g_clear_pointer (&text, g_free);
    /* With nothing settled there is no rate to put in front ("— · …"). */
    if (settled > 0)
      /* Translators: detail of the "Sent, Unconfirmed" card */
      text = g_strdup_printf (_("%s · no report, may still be received"), rate);
    else
      text = g_strdup (_("No report, may still be received"));
    set_text (self->unconfirmed_detail, text);
    g_clear_pointer (&text, g_free);
  }

  text = sr_format_count (totals->by_group[SR_STATUS_GROUP_PENDING]);
  set_value_text (self->pending_value, text);
  g_clear_pointer (&text, g_free);
  set_text (self->pending_detail, _("Not counted in rates until settled"));

  {
    gint64 n = totals->by_group[SR_STATUS_GROUP_FAILED];
    g_autofree char *count = sr_format_count (n);

    text = sr_format_percent (SETTLED_RATE (n));
    set_value_text (self->failed_value, text);
    g_clear_pointer (&text, g_free);
    text = g_strdup_printf (ngettext ("%s message", "%s messages", (gulong) n), count);
    set_text (self->failed_detail, text);
    g_clear_pointer (&text, g_free);
  }

  text = sr_format_count (totals->by_group[SR_STATUS_GROUP_NOT_SENT]);
  set_value_text (self->not_sent_value, text);
  g_clear_pointer (&text, g_free);
  set_text (self->not_sent_detail, _("Rejected or unsubscribed · not billed"));

  {
    g_autofree char *billable = sr_format_count (totals->billable);

    text = sr_format_money (totals->cost, currency, 2);
    set_value_text (self->cost_value, text);
    g_clear_pointer (&text, g_free);
    /* Translators: detail of the Cost card */
    text = g_strdup_printf (ngettext ("For %s billable message", "For %s billable messages", (gulong) totals->billable), billable);
    set_text (self->cost_detail, text);
    g_clear_pointer (&text, g_free);
  }

#undef SETTLED_RATE

  for (guint i = 0; i < SR_N_STATUS_GROUPS; i++)
    {
      g_autofree char *count = sr_format_count (totals->by_group[i]);
      set_text (self->legend_counts[i], count);
    }
}

static void
render_charts (SrDashboardPage *self)
{
  const SrInsightsTotals *totals = sr_insights_get_totals (self->insights);
  const char *currency = sr_insights_get_currency (self->insights);
  SrInsightsBucketSize size = sr_insights_get_bucket_size (self->insights);
  const SrInsightsBucket *buckets;
  g_autoptr(GTimeZone) tz = dup_display_zone (self);
  g_autofree char *total = sr_format_money (totals->cost, currency, 2);
  g_autofree char *billable = sr_format_count (totals->billable);
  g_autofree char *text = NULL;
  guint n_buckets = 0;

  buckets = sr_insights_get_buckets (self->insights, &n_buckets);
  sr_chart_set_buckets (self->messages_chart, buckets, n_buckets, size, tz, currency);
  sr_chart_set_buckets (self->spend_chart, buckets, n_buckets, size, tz, currency);

  if (size == SR_INSIGHTS_BUCKET_HOUR)
    {
      adw_preferences_group_set_title (self->chart_group, _("Messages per Hour"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->messages_chart),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Messages per hour"), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->spend_chart),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Spend per hour"), -1);
    }
  else
    {
      adw_preferences_group_set_title (self->chart_group, _("Messages per Day"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->messages_chart),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Messages per day"), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->spend_chart),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Spend per day"), -1);
    }

  if (totals->billable > 0)
    {
      g_autofree char *average = sr_format_money (totals->cost / (double) totals->billable, currency, 4);
      /* Translators: under the spend chart: "Total: 385.49 EUR for 12,000 billable messages, 0.0321 EUR each on average" */
      text = g_strdup_printf (ngettext ("Total: %s for %s billable message, %s each on average",
                                        "Total: %s for %s billable messages, %s each on average",
                                        (gulong) totals->billable),
                              total, billable, average);
    }
  else
    /* Translators: under the spend chart */
    text = g_strdup_printf (_("Total: %s"), total);
  set_text (self->spend_label, text);
}

static void
show_insights (SrDashboardPage *self,
               SrInsights      *insights)
{
  /* The previous period is queried in parallel and may well land first:
   * it stays (query_previous() drops it when the period changes). */
  g_clear_pointer (&self->insights, sr_insights_unref);
  self->insights = sr_insights_ref (insights);
  self->total = sr_insights_get_totals (insights)->total;

  render_cards (self);
  render_charts (self);
  render_statuses (self);
  render_lists (self);
  update_period_label (self);
}

/* --- state outside the period --- */

static void
update_balance (SrDashboardPage *self)
{
  g_autofree char *balance = NULL;
  g_autofree char *detail = NULL;

  if (self->session == NULL)
    return;

  if (sr_session_get_balance (self->session) >= 0)
    balance = sr_format_money (sr_session_get_balance (self->session),
                               sr_session_get_currency (self->session), 2);
  set_value_text (self->balance_value, balance != NULL ? balance : "—");

  /* The session's wording and clock, the same as the sidebar's. Before the
   * first sync finishes the balance (checked first) is already current, so
   * "Not synced yet" under it would contradict it. */
  if (sr_session_get_last_sync (self->session) == SR_TIME_NONE && sr_session_get_balance (self->session) >= 0)
    detail = g_strdup (sr_session_get_syncing (self->session)
                       ? _("Current balance · reports are being downloaded")
                       : _("Current balance · reports not downloaded yet"));
  else
    detail = g_strdup (sr_session_get_synced_text (self->session));
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
  GtkWidget *arrow = new_decorative_icon ("go-next-symbolic");
  gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *rate_text = NULL;

  /* Named like everywhere else: its text, then sender, time, recipients. */
  name = sr_format_campaign_name (campaign);
  subtitle = sr_format_campaign_details (campaign, g_settings_get_boolean (self->settings, "show-utc"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  by_group[SR_STATUS_GROUP_DELIVERED] = sr_campaign_get_delivered_messages (campaign);
  by_group[SR_STATUS_GROUP_UNCONFIRMED] = sr_campaign_get_sent_messages (campaign);
  by_group[SR_STATUS_GROUP_PENDING] = sr_campaign_get_pending_messages (campaign);
  by_group[SR_STATUS_GROUP_FAILED] = sr_campaign_get_failed_messages (campaign);
  sr_status_bar_set_counts (SR_STATUS_BAR (bar), by_group);
  gtk_widget_set_size_request (bar, 64, -1);

  rate_text = sr_format_percent (sr_campaign_get_delivery_rate (campaign));
  gtk_label_set_label (GTK_LABEL (rate), rate_text);
  gtk_label_set_width_chars (GTK_LABEL (rate), 7);
  gtk_label_set_xalign (GTK_LABEL (rate), 1);
  gtk_widget_add_css_class (rate, "numeric");
  set_row_tooltip (rate, _("Delivery rate"));

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
update_page (SrDashboardPage *self)
{
  gboolean syncing = self->session != NULL && sr_session_get_syncing (self->session);

  /* Nothing cached at all yet: say what is happening instead of zeros. */
  if (self->has_messages == 0)
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
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "dashboard");
    }
}

/* --- queries --- */

static void
set_loading (SrDashboardPage *self,
             gboolean         loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading);
}

static void query_delivery_time (SrDashboardPage *self);

/* The time to delivery streams over the period's messages (at a million
 * messages, 85-140 ms of a worker for one day, far more for All Time): it
 * starts once the period's figures are on screen, so that it does not take
 * a core from the main thread and the X server while they draw them. */
static void
query_delivery_time_when_shown (SrDashboardPage *self)
{
  if (!self->delivery_time_wanted || self->session == NULL)
    return;
  self->delivery_time_wanted = FALSE;
  query_delivery_time (self);
}

/* The lists' rows of a large period, made while the main loop has nothing
 * else to do after the page was first painted (one list a time): a period
 * with more rows than the one shown then (All Time after Today, say) only
 * fills them in. Making them was about a sixth of what that change cost
 * the main thread once the labels were cheaper to measure. */
static gboolean
prepare_rows_cb (gpointer user_data)
{
  SrDashboardPage *self = user_data;
  struct { RowPool *pool; guint n; } lists[] = {
    { &self->status_pool, SR_N_STATUSES },
    { &self->country_pool, TOP_ROWS },
    { &self->sender_pool, TOP_ROWS },
    { &self->reason_pool, TOP_ROWS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (lists[i].pool->rows->len < lists[i].n)
      {
        row_pool_prepare (lists[i].pool, lists[i].n);
        return G_SOURCE_CONTINUE;
      }

  self->prepare_source = 0;
  return G_SOURCE_REMOVE;
}

static void
on_after_paint_cb (SrDashboardPage *self,
                   GdkFrameClock   *frame_clock)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  if (!self->rows_prepared)
    {
      self->rows_prepared = TRUE;
      self->prepare_source = g_idle_add_full (G_PRIORITY_LOW, prepare_rows_cb, self, NULL);
    }

  g_clear_signal_handler (&self->after_paint_id, frame_clock);
  query_delivery_time_when_shown (self);
  self->render_ms = (g_get_monotonic_time () - self->reload_started) / 1000.0;
  g_debug ("Dashboard rendered %.1f ms after the period or data changed (query %.1f ms)",
           self->render_ms, self->query_ms);
  g_signal_emit (self, signals[RENDERED], 0);
}

/* The time from the change to the first frame that shows it. */
static void
watch_render (SrDashboardPage *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (frame_clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      query_delivery_time_when_shown (self);
      self->render_ms = self->query_ms;
      g_signal_emit (self, signals[RENDERED], 0);
      return;
    }

  if (self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect_object (frame_clock, "after-paint",
                                                    G_CALLBACK (on_after_paint_cb),
                                                    self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- comparison with the previous period --- */

/* The cards with a ↑/↓ line, in compare_labels order. */
typedef enum {
  COMPARE_MESSAGES,
  COMPARE_DELIVERED,
  COMPARE_UNCONFIRMED,
  COMPARE_PENDING,
  COMPARE_FAILED,
  COMPARE_NOT_SENT,
  COMPARE_COST,
  N_COMPARE
} CompareCard;

static double
settled_rate (const SrInsightsTotals *totals,
              gint64                  n)
{
  gint64 settled = totals->total - totals->by_group[SR_STATUS_GROUP_PENDING];

  return settled > 0 ? (double) n / (double) settled : -1;
}

/* "↑ 12 % on the previous period" for amounts; "↓ 1.5 points" for rates. */
static char *
dup_change_text (double   now,
                 double   before,
                 gboolean is_rate)
{
  if (now < 0 || before < 0)
    return NULL;

  if (is_rate)
    {
      double points = (now - before) * 100;
      g_autofree char *amount = sr_format_decimal (fabs (points), 1);

      if (fabs (points) < 0.05)
        return g_strdup (_("= same rate as the previous period"));
      /* Translators: a rate's change, e.g. "↑ 2.5 points on the previous period" */
      return g_strdup_printf (points > 0 ? _("↑ %s points on the previous period") : _("↓ %s points on the previous period"),
                              amount);
    }

  if (before == 0)
    return g_strdup (now == 0 ? _("= none in the previous period either") : _("↑ none in the previous period"));

  {
    double change = (now - before) / before;
    g_autofree char *amount = sr_format_percent (fabs (change));

    if (fabs (change) < 0.0005)
      return g_strdup (_("= same as the previous period"));
    /* Translators: an amount's change, e.g. "↑ 12.0 % on the previous period" */
    return g_strdup_printf (change > 0 ? _("↑ %s on the previous period") : _("↓ %s on the previous period"),
                            amount);
  }
}

static void
render_comparison (SrDashboardPage *self)
{
  const SrInsightsTotals *now, *before;
  double values[N_COMPARE][2];
  static const gboolean is_rate[N_COMPARE] = { FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, FALSE };

  if (self->insights == NULL || self->previous == NULL || self->previous_for != self->period_from)
    {
      for (guint i = 0; i < N_COMPARE; i++)
        if (self->compare_labels[i] != NULL)
          gtk_widget_set_visible (GTK_WIDGET (self->compare_labels[i]), FALSE);
      return;
    }

  now = sr_insights_get_totals (self->insights);
  before = sr_insights_get_totals (self->previous);

  values[COMPARE_MESSAGES][0] = now->total;
  values[COMPARE_MESSAGES][1] = before->total;
  values[COMPARE_DELIVERED][0] = settled_rate (now, now->by_group[SR_STATUS_GROUP_DELIVERED]);
  values[COMPARE_DELIVERED][1] = settled_rate (before, before->by_group[SR_STATUS_GROUP_DELIVERED]);
  values[COMPARE_UNCONFIRMED][0] = now->by_group[SR_STATUS_GROUP_UNCONFIRMED];
  values[COMPARE_UNCONFIRMED][1] = before->by_group[SR_STATUS_GROUP_UNCONFIRMED];
  values[COMPARE_PENDING][0] = now->by_group[SR_STATUS_GROUP_PENDING];
  values[COMPARE_PENDING][1] = before->by_group[SR_STATUS_GROUP_PENDING];
  values[COMPARE_FAILED][0] = settled_rate (now, now->by_group[SR_STATUS_GROUP_FAILED]);
  values[COMPARE_FAILED][1] = settled_rate (before, before->by_group[SR_STATUS_GROUP_FAILED]);
  values[COMPARE_NOT_SENT][0] = now->by_group[SR_STATUS_GROUP_NOT_SENT];
  values[COMPARE_NOT_SENT][1] = before->by_group[SR_STATUS_GROUP_NOT_SENT];
  values[COMPARE_COST][0] = now->cost;
  values[COMPARE_COST][1] = before->cost;

  for (guint i = 0; i < N_COMPARE; i++)
    {
      g_autofree char *text = dup_change_text (values[i][0], values[i][1], is_rate[i]);

      if (self->compare_labels[i] == NULL)
        continue;
      gtk_label_set_label (self->compare_labels[i], text != NULL ? text : "");
      gtk_widget_set_visible (GTK_WIDGET (self->compare_labels[i]), text != NULL);
    }
}

static void
previous_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrDashboardPage) self = user_data;
  g_autoptr(SrInsights) previous = NULL;
  g_autoptr(GError) error = NULL;
  gint64 from = SR_TIME_NONE;

  previous = sr_insights_query_finish (SR_CACHE (object), result, &error);
  if (previous == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Previous period query failed: %s", error->message);
      return;
    }
  if (self->session == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  g_clear_pointer (&self->previous, sr_insights_unref);
  self->previous = g_steal_pointer (&previous);
  sr_insights_get_period (self->previous, &from, &self->previous_for);
  render_comparison (self);
}

/* The period of the same length just before this one; none for All Time. */
static void
query_previous (SrDashboardPage *self,
                GTimeZone       *tz)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  /* The same period again (a sync changed the data): the comparison stays
   * until the new one replaces it, rather than blinking out. */
  if (self->previous_for != self->period_from)
    {
      g_clear_pointer (&self->previous, sr_insights_unref);
      self->previous_for = SR_TIME_NONE;
    }
  if (self->period_from == SR_TIME_NONE || self->period_to == SR_TIME_NONE)
    return;

  filter = sr_message_filter_new ();
  filter->to = self->period_from;
  filter->from = self->period_from - (self->period_to - self->period_from);
  sr_insights_query_in_zone_async (sr_session_get_cache (self->session), filter, SR_INSIGHTS_NONE, tz,
                                   self->cancellable, previous_cb, g_object_ref (self));
}

/* --- time to delivery --- */

static void
render_delivery_time (SrDashboardPage *self)
{
  const SrDeliveryTime *time = &self->delivery_time;
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;

  if (self->delivery_time_value == NULL)
    return;

  if (time->n_timed <= 0)
    {
      gtk_label_set_label (self->delivery_time_value, "—");
      gtk_label_set_label (self->delivery_time_detail,
                           time->n_timed < 0 ? "" : _("No delivered message with a send and a report time"));
      return;
    }

  value = sr_format_duration (time->median);
  {
    g_autofree char *p90 = sr_format_duration (time->p90);
    g_autofree char *n = sr_format_count (time->n_timed);

    /* Translators: under the median time to delivery: "90 % within 2 minutes · of 1,234 messages" */
    detail = g_strdup_printf (_("Median · 90 %% within %s · of %s messages"), p90, n);
  }
  gtk_label_set_label (self->delivery_time_value, value);
  gtk_label_set_label (self->delivery_time_detail, detail);
}

static void
delivery_time_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SrDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SrDeliveryTime time;

  if (!sr_delivery_time_query_finish (SR_CACHE (object), result, &time, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Time to delivery failed: %s", error->message);
      return;
    }
  if (self->session == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  self->delivery_time = time;
  /* Asked for self->period_from: a newer period cancels this query. */
  self->delivery_time_for = self->period_from;
  render_delivery_time (self);
}

static void
query_delivery_time (SrDashboardPage *self)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

  filter->from = self->period_from;
  filter->to = self->period_to;
  sr_delivery_time_query_async (sr_session_get_cache (self->session), filter, self->cancellable,
                                delivery_time_cb, g_object_ref (self));
}

/* What activating a card does: its CompareCard + 1 (the messages it
 * counts), or CARD_BALANCE. Kept on the GtkFlowBoxChild. */
#define CARD_KEY     "sr-card"
#define CARD_BALANCE 100u

/* A card like the others, after them: median and 90th percentile. */
static void
add_delivery_time_card (SrDashboardPage *self)
{
  GtkWidget *child = gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (self->cost_detail)));
  GtkWidget *flowbox = child != NULL ? gtk_widget_get_parent (child) : NULL;
  GtkWidget *card, *title, *value, *detail;
  GtkWidget *button;

  if (!GTK_IS_FLOW_BOX (flowbox))
    return;

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "stat-card");
  title = gtk_label_new (_("Time to Delivery"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  /* Like the other cards' titles: a long translation must not widen a
   * narrow window. */
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "stat-title");
  gtk_widget_add_css_class (title, "dim-label");
  value = gtk_label_new ("—");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_widget_add_css_class (value, "stat-value");
  detail = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (card), title);
  gtk_box_append (GTK_BOX (card), value);
  gtk_box_append (GTK_BOX (card), detail);
  gtk_widget_set_tooltip_text (card, _("From sending to the delivery report, for delivered messages with both times. Click to see the delivered messages."));

  gtk_widget_set_cursor_from_name (card, "pointer");

  /* Like the cards of the .ui: a button that opens the delivered messages
   * it measures. */
  button = g_object_new (GTK_TYPE_FLOW_BOX_CHILD,
                         "accessible-role", GTK_ACCESSIBLE_ROLE_BUTTON,
                         "child", card,
                         NULL);
  g_object_set_data (G_OBJECT (button), CARD_KEY, GUINT_TO_POINTER (COMPARE_DELIVERED + 1));
  gtk_flow_box_append (GTK_FLOW_BOX (flowbox), button);
  self->delivery_time_value = GTK_LABEL (value);
  self->delivery_time_detail = GTK_LABEL (detail);
}

/* --- every card opens exactly the messages it counts --- */

static guint
card_status_mask (guint card)
{
  switch (card)
    {
    case COMPARE_DELIVERED:   return group_status_mask (SR_STATUS_GROUP_DELIVERED);
    case COMPARE_UNCONFIRMED: return group_status_mask (SR_STATUS_GROUP_UNCONFIRMED);
    case COMPARE_PENDING:     return group_status_mask (SR_STATUS_GROUP_PENDING);
    case COMPARE_FAILED:      return group_status_mask (SR_STATUS_GROUP_FAILED);
    case COMPARE_NOT_SENT:    return group_status_mask (SR_STATUS_GROUP_NOT_SENT);
    case COMPARE_COST:
      {
        guint mask = 0;

        /* The cost is that of the billable messages. */
        for (guint i = 0; i < SR_N_STATUSES; i++)
          if (sr_status_is_billable (i))
            mask |= 1u << i;
        return mask;
      }
    case COMPARE_MESSAGES:
    default:
      return 0;
    }
}

static void
open_card (SrDashboardPage *self,
           guint            card)
{
  g_autoptr(SrMessageFilter) filter = new_period_filter (self);

  filter->status_mask = card_status_mask (card);
  show_messages (self, filter, NULL);
}

/* A click, Enter or Space on a card (GtkFlowBox activates its children
 * on a single click). */
static void
on_card_activated_cb (SrDashboardPage *self,
                      GtkFlowBoxChild *child)
{
  guint card = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), CARD_KEY));

  g_assert (SR_IS_DASHBOARD_PAGE (self));

  if (card == CARD_BALANCE)
    /* The balance is as of the last sync: activating it syncs now. */
    gtk_widget_activate_action (GTK_WIDGET (self), "win.sync", NULL);
  else if (card > 0)
    open_card (self, card - 1);
}

/* A card's accessible name says its title, its value and what activating
 * it does; its description the lines under the value. Kept up to date as
 * the labels change. */
static void
update_card_accessible (GtkFlowBoxChild *child)
{
  guint card = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), CARD_KEY));
  GtkWidget *box = gtk_flow_box_child_get_child (child);
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *name = NULL;
  const char *title = NULL;
  const char *value = NULL;

  for (GtkWidget *widget = gtk_widget_get_first_child (box); widget != NULL;
       widget = gtk_widget_get_next_sibling (widget))
    {
      const char *text;

      if (!GTK_IS_LABEL (widget))
        continue;
      text = gtk_label_get_text (GTK_LABEL (widget));
      if (title == NULL)
        title = text;
      else if (value == NULL)
        value = text;
      else if (gtk_widget_get_visible (widget) && text != NULL && *text != '\0')
        {
          if (description->len > 0)
            g_string_append (description, ", ");
          g_string_append (description, text);
        }
    }

  if (card == CARD_BALANCE)
    /* Translators: accessible name of the Dashboard's Balance card, read by
     * screen readers: its title, its value ("Balance: 1,250.75 EUR, sync
     * now"). Activating the card syncs. */
    name = g_strdup_printf (_("%s: %s, sync now"), title, value);
  else
    /* Translators: accessible name of a Dashboard card, read by screen
     * readers: its title, its value ("Delivered: 78.2 %, open in the
     * Messages Log"). Activating the card opens those messages. */
    name = g_strdup_printf (_("%s: %s, open in the Messages Log"), title, value);

  gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
}

static void
setup_card_accessible (GtkFlowBoxChild *child)
{
  GtkWidget *box = gtk_flow_box_child_get_child (child);

  for (GtkWidget *widget = gtk_widget_get_first_child (box); widget != NULL;
       widget = gtk_widget_get_next_sibling (widget))
    if (GTK_IS_LABEL (widget))
      {
        g_signal_connect_object (widget, "notify::label",
                                 G_CALLBACK (update_card_accessible), child, G_CONNECT_SWAPPED);
        g_signal_connect_object (widget, "notify::visible",
                                 G_CALLBACK (update_card_accessible), child, G_CONNECT_SWAPPED);
      }
  update_card_accessible (child);
}

gboolean
sr_dashboard_page_activate_card (SrDashboardPage *self,
                                 guint            card)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), FALSE);
  g_return_val_if_fail (card < N_COMPARE, FALSE);

  if (self->insights == NULL)
    return FALSE;

  open_card (self, card);
  return TRUE;
}

static void
insights_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrDashboardPage) self = user_data;
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(GError) error = NULL;

  insights = sr_insights_query_finish (SR_CACHE (object), result, &error);
  if (insights == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Dashboard query failed: %s", error->message);
          set_loading (self, FALSE);
          query_delivery_time_when_shown (self);
        }
      return;
    }

  if (self->session == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  self->query_ms = (g_get_monotonic_time () - self->reload_started) / 1000.0;
  set_loading (self, FALSE);
  show_insights (self, insights);
  render_comparison (self);
  watch_render (self);
}

static void
extras_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  gboolean has_messages;

  campaigns = sr_cache_query_overview_finish (SR_CACHE (object), result, &has_messages, &error);
  if (campaigns == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Recent campaigns failed: %s", error->message);
      return;
    }

  if (self->session == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  self->has_messages = has_messages;

  /* Rebuilt only when a campaign changed, which is rare next to reloads. */
  {
    g_autoptr(GString) fingerprint = g_string_new (NULL);
    gboolean show_utc = g_settings_get_boolean (self->settings, "show-utc");

    g_string_append_printf (fingerprint, "%d|%s|", show_utc, sr_session_get_currency (self->session));
    for (guint i = 0; i < campaigns->len; i++)
      {
        SrCampaign *campaign = g_ptr_array_index (campaigns, i);

        g_string_append_printf (fingerprint, "%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                                ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ";",
                                sr_campaign_get_id (campaign),
                                (gint64) sr_campaign_get_recipients (campaign),
                                (gint64) sr_campaign_get_delivered_messages (campaign),
                                (gint64) sr_campaign_get_sent_messages (campaign),
                                (gint64) sr_campaign_get_pending_messages (campaign),
                                (gint64) sr_campaign_get_failed_messages (campaign));
      }

    if (g_strcmp0 (fingerprint->str, self->recent_fingerprint) != 0)
      {
        g_free (self->recent_fingerprint);
        self->recent_fingerprint = g_string_free (g_steal_pointer (&fingerprint), FALSE);

        clear_list (self->recent_list);
        for (guint i = 0; i < campaigns->len; i++)
          gtk_list_box_append (self->recent_list,
                               make_campaign_row (self, g_ptr_array_index (campaigns, i)));
        if (campaigns->len == 0)
          gtk_list_box_append (self->recent_list, new_placeholder_row (_("No campaigns yet")));
        set_labels_wrap (GTK_WIDGET (self->recent_list), self->narrow);
      }
  }

  update_page (self);
}

static void
reload (SrDashboardPage *self)
{
  g_autoptr(SrMessageFilter) filter = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  SrCache *cache;

  g_clear_handle_id (&self->reload_source, g_source_remove);

  if (self->session == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  cache = sr_session_get_cache (self->session);
  tz = dup_display_zone (self);
  filter = sr_message_filter_new ();
  sr_period_picker_get_range (self->period_picker, &filter->from, &filter->to);
  self->period_from = filter->from;
  self->period_to = filter->to;
  self->reload_started = g_get_monotonic_time ();

  if (self->insights == NULL)
    update_period_label (self);
  set_loading (self, TRUE);

  sr_insights_query_in_zone_async (cache, filter, SR_INSIGHTS_ALL, tz, self->cancellable,
                                   insights_cb, g_object_ref (self));
  query_previous (self, tz);
  /* after the figures: see query_delivery_time_when_shown() */
  self->delivery_time_wanted = TRUE;
  update_history_notice (self);
  sr_sync_read_history_async (cache, self->cancellable, history_cb, g_object_ref (self));

  sr_cache_query_overview_async (cache, 5, self->cancellable, extras_cb, g_object_ref (self));
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
  update_balance (self);
  /* Catch the last pages of a sync without waiting for the next change. */
  if (!sr_session_get_syncing (self->session))
    reload (self);
}

static void
on_progress_text_changed_cb (SrDashboardPage *self)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  if (self->has_messages == 0)
    update_page (self);
}

static gboolean
on_clock_cb (gpointer user_data)
{
  update_balance (SR_DASHBOARD_PAGE (user_data));

  return G_SOURCE_CONTINUE;
}

/* --- period controls --- */

static void
save_period (SrDashboardPage *self)
{
  /* The setting knows the presets; a custom range lasts for this run. */
  const char *name = sr_period_to_string (sr_period_picker_get_period (self->period_picker));

  if (name != NULL)
    g_settings_set_string (self->settings, "dashboard-period", name);
}

static void
on_period_changed_cb (SrDashboardPage *self)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  save_period (self);
  reload (self);
}

static void
on_show_utc_changed_cb (SrDashboardPage *self)
{
  g_assert (SR_IS_DASHBOARD_PAGE (self));

  reload (self);
}

/* --- GObject --- */

static void
sr_dashboard_page_dispose (GObject *object)
{
  SrDashboardPage *self = SR_DASHBOARD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  g_clear_handle_id (&self->prepare_source, g_source_remove);
  if (self->after_paint_id != 0)
    {
      GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (frame_clock != NULL)
        g_clear_signal_handler (&self->after_paint_id, frame_clock);
      self->after_paint_id = 0;
    }

  g_clear_pointer (&self->insights, sr_insights_unref);
  g_clear_pointer (&self->previous, sr_insights_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_dashboard_page_parent_class)->dispose (object);
}

static void
sr_dashboard_page_finalize (GObject *object)
{
  SrDashboardPage *self = SR_DASHBOARD_PAGE (object);

  g_clear_pointer (&self->recent_fingerprint, g_free);
  row_pool_clear (&self->status_pool);
  row_pool_clear (&self->country_pool);
  row_pool_clear (&self->sender_pool);
  row_pool_clear (&self->reason_pool);

  G_OBJECT_CLASS (sr_dashboard_page_parent_class)->finalize (object);
}

/* Below a breakpoint the cards get smaller type and padding (style.css), so
 * two of them still fit side by side on a phone. */
static void
set_narrow (SrDashboardPage *self,
            gboolean         narrow)
{
  /* (not the failure reasons: their explanations are sentences, they
   * always wrap) */
  RowPool *pools[] = { &self->status_pool, &self->country_pool, &self->sender_pool };

  if (narrow)
    gtk_widget_add_css_class (GTK_WIDGET (self), "narrow");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "narrow");

  /* Long texts wrap on a phone, and stay on one line (cheap to measure)
   * on a wide window: see set_labels_wrap(). */
  self->narrow = narrow;
  for (guint i = 0; i < G_N_ELEMENTS (pools); i++)
    {
      pools[i]->wrap = narrow;
      set_labels_wrap (GTK_WIDGET (pools[i]->list), narrow);
    }
  set_labels_wrap (GTK_WIDGET (self->recent_list), narrow);
  set_labels_wrap (GTK_WIDGET (self->cards), narrow);
}

static void
on_narrow_apply_cb (SrDashboardPage *self)
{
  set_narrow (self, TRUE);
}

static void
on_narrow_unapply_cb (SrDashboardPage *self)
{
  set_narrow (self, FALSE);
}

static void
sr_dashboard_page_class_init (SrDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_dashboard_page_dispose;
  object_class->finalize = sr_dashboard_page_finalize;

  /**
   * SrDashboardPage::show-messages:
   * @filter: (type SrMessageFilter): the messages a click stands for
   * @label: (nullable): how to name the filter in the Messages Log's chip
   */
  signals[SHOW_MESSAGES] =
    g_signal_new ("show-messages",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  SR_TYPE_MESSAGE_FILTER | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING);

  /**
   * SrDashboardPage::rendered:
   *
   * The figures of the last period or data change are on screen (after
   * the frame that shows them).
   */
  signals[RENDERED] =
    g_signal_new ("rendered",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (SR_TYPE_STATUS_BAR);
  g_type_ensure (SR_TYPE_CHART);
  g_type_ensure (SR_TYPE_PERIOD_PICKER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_picker);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, history_label);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, loading_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_narrow_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_narrow_unapply_cb);
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
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, cards);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, balance_detail);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, chart_group);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, messages_chart);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, legend_box);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, status_group);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, status_list);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, country_group);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, country_list);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, sender_group);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, sender_list);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, reason_group);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, reason_list);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, spend_group);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, spend_chart);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, spend_label);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, footnote);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SrDashboardPage, empty_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_period_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bar_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_view_log_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_card_activated_cb);
}

static void
sr_dashboard_page_init (SrDashboardPage *self)
{
  g_autofree char *period = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  sr_chart_set_mode (self->spend_chart, SR_CHART_MODE_SPEND);

  self->delivery_time.n_timed = -1;
  self->delivery_time_for = -1;
  add_delivery_time_card (self);

  /* A ↑/↓ line under each card's detail. */
  {
    GtkLabel *details[N_COMPARE] = {
      self->messages_detail, self->delivered_detail, self->unconfirmed_detail, self->pending_detail,
      self->failed_detail, self->not_sent_detail, self->cost_detail,
    };

    for (guint i = 0; i < N_COMPARE; i++)
      {
        GtkWidget *label = gtk_label_new (NULL);
        GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (details[i]));

        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_label_set_wrap (GTK_LABEL (label), TRUE);
        gtk_widget_add_css_class (label, "caption");
        gtk_widget_add_css_class (label, "dim-label");
        gtk_widget_set_visible (label, FALSE);
        if (GTK_IS_BOX (parent))
          gtk_box_insert_child_after (GTK_BOX (parent), label, GTK_WIDGET (details[i]));
        else
          continue;
        self->compare_labels[i] = GTK_LABEL (label);

        /* Each card opens the messages it counts (the flow box's
         * child-activated); the Messages card also has a "View Log"
         * button for the mouse. */
        g_object_set_data (G_OBJECT (gtk_widget_get_parent (parent)), CARD_KEY, GUINT_TO_POINTER (i + 1));
        gtk_widget_set_cursor_from_name (parent, "pointer");
        if (i != COMPARE_MESSAGES)
          gtk_widget_set_tooltip_text (parent, _("Show these messages in the Messages Log"));
      }

    /* The balance is as of the last sync: the card syncs. */
    {
      GtkWidget *balance = gtk_widget_get_parent (GTK_WIDGET (self->balance_detail));

      g_object_set_data (G_OBJECT (gtk_widget_get_parent (balance)), CARD_KEY, GUINT_TO_POINTER (CARD_BALANCE));
      gtk_widget_set_cursor_from_name (balance, "pointer");
      gtk_widget_set_tooltip_text (balance, _("Sync now to update the balance"));
    }

    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_FLOW_BOX_CHILD (child))
        setup_card_accessible (GTK_FLOW_BOX_CHILD (child));
  }

  self->settings = g_settings_new (APPLICATION_ID);
  self->total = -1;
  self->has_messages = -1;
  self->query_ms = -1;
  self->render_ms = -1;

  period = g_settings_get_string (self->settings, "dashboard-period");
  sr_period_picker_set_period (self->period_picker,
                               sr_period_from_string (period) != SR_PERIOD_CUSTOM
                               ? sr_period_from_string (period) : SR_PERIOD_7_DAYS);

  g_signal_connect_object (self->settings, "changed::show-utc",
                           G_CALLBACK (on_show_utc_changed_cb), self, G_CONNECT_SWAPPED);

  build_legend (self);

  row_pool_init (&self->status_pool, self->status_list, create_status_row,
                 ROW_FILTER, _("No messages in this period"));
  row_pool_init (&self->country_pool, self->country_list, create_delivery_row,
                 ROW_SHOW_ALL_COUNTRIES, _("No messages in this period"));
  row_pool_init (&self->sender_pool, self->sender_list, create_delivery_row,
                 ROW_SHOW_ALL_SENDERS, _("No messages in this period"));
  row_pool_init (&self->reason_pool, self->reason_list, create_reason_row,
                 ROW_SHOW_ALL_REASONS, _("No failed messages in this period"));
  self->reason_pool.wrap = TRUE;
  /* wide until the breakpoint applies */
  set_narrow (self, FALSE);
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
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->insights, sr_insights_unref);
  g_clear_pointer (&self->previous, sr_insights_unref);
  g_clear_pointer (&self->recent_fingerprint, g_free);
  self->total = -1;
  self->has_messages = -1;
  set_loading (self, FALSE);

  if (session == NULL)
    return;

  g_signal_connect_object (sr_session_get_cache (session), "changed",
                           G_CALLBACK (on_cache_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::balance",
                           G_CALLBACK (update_balance), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::currency",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::synced-text",
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

void
sr_dashboard_page_set_period (SrDashboardPage   *self,
                              SrDashboardPeriod  period)
{
  g_return_if_fail (SR_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (period <= SR_PERIOD_CUSTOM);

  sr_period_picker_set_period (self->period_picker, period);
  save_period (self);
  reload (self);
}

void
sr_dashboard_page_set_custom_period (SrDashboardPage *self,
                                     GDateTime       *first_day,
                                     GDateTime       *last_day)
{
  g_return_if_fail (SR_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (first_day != NULL && last_day != NULL);

  sr_period_picker_set_custom_days (self->period_picker, first_day, last_day);
  reload (self);
}

SrDashboardPeriod
sr_dashboard_page_get_period (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), SR_PERIOD_7_DAYS);

  return sr_period_picker_get_period (self->period_picker);
}

SrPeriodPicker *
sr_dashboard_page_get_period_picker (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->period_picker;
}

gint64
sr_dashboard_page_get_total (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), -1);

  return self->total;
}

gboolean
sr_dashboard_page_get_loading (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->loading_spinner));
}

SrInsights *
sr_dashboard_page_get_insights (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->insights;
}

GtkFlowBox *
sr_dashboard_page_get_cards (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->cards;
}

SrChart *
sr_dashboard_page_get_chart (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->messages_chart;
}

void
sr_dashboard_page_get_timing (SrDashboardPage *self,
                              double          *out_query_ms,
                              double          *out_render_ms)
{
  g_return_if_fail (SR_IS_DASHBOARD_PAGE (self));

  if (out_query_ms != NULL)
    *out_query_ms = self->query_ms;
  if (out_render_ms != NULL)
    *out_render_ms = self->render_ms;
}

gboolean
sr_dashboard_page_activate_status (SrDashboardPage *self,
                                   SrStatus         status)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), FALSE);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->status_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (gtk_widget_get_visible (row) &&
          g_object_get_data (G_OBJECT (row), "sr-filter") != NULL &&
          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "sr-status")) == (int) status)
        {
          /* What a click does. */
          gtk_widget_activate (row);
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
sr_dashboard_page_get_narrow (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), FALSE);

  return gtk_widget_has_css_class (GTK_WIDGET (self), "narrow");
}

const char *
sr_dashboard_page_get_balance_detail (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_label (self->balance_detail);
}

const char *
sr_dashboard_page_get_status_share (SrDashboardPage *self,
                                    SrStatus         status)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->status_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_visible (row) &&
        g_object_get_data (G_OBJECT (row), "sr-share") != NULL &&
        GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "sr-status")) == (int) status)
      return gtk_label_get_label (g_object_get_data (G_OBJECT (row), "sr-share"));

  return NULL;
}

GtkListBox *
sr_dashboard_page_get_reason_list (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->reason_list;
}

const char *
sr_dashboard_page_get_card_value (SrDashboardPage *self,
                                  SrStatusGroup    group)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  switch (group)
    {
    case SR_STATUS_GROUP_DELIVERED:
      return gtk_label_get_label (self->delivered_value);
    case SR_STATUS_GROUP_FAILED:
      return gtk_label_get_label (self->failed_value);
    case SR_STATUS_GROUP_UNCONFIRMED:
      return gtk_label_get_label (self->unconfirmed_value);
    case SR_STATUS_GROUP_PENDING:
      return gtk_label_get_label (self->pending_value);
    case SR_STATUS_GROUP_NOT_SENT:
    case SR_STATUS_GROUP_OTHER:
    default:
      return NULL;
    }
}

const char *
sr_dashboard_page_get_card_detail (SrDashboardPage *self,
                                   SrStatusGroup    group)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  switch (group)
    {
    case SR_STATUS_GROUP_DELIVERED:
      return gtk_label_get_label (self->delivered_detail);
    case SR_STATUS_GROUP_FAILED:
      return gtk_label_get_label (self->failed_detail);
    case SR_STATUS_GROUP_UNCONFIRMED:
      return gtk_label_get_label (self->unconfirmed_detail);
    case SR_STATUS_GROUP_PENDING:
      return gtk_label_get_label (self->pending_detail);
    case SR_STATUS_GROUP_NOT_SENT:
      return gtk_label_get_label (self->not_sent_detail);
    case SR_STATUS_GROUP_OTHER:
    default:
      return NULL;
    }
}

const char *
sr_dashboard_page_get_comparison (SrDashboardPage *self,
                                  guint            card)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);
  g_return_val_if_fail (card < N_COMPARE, NULL);

  if (self->compare_labels[card] == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->compare_labels[card])))
    return NULL;

  return gtk_label_get_label (self->compare_labels[card]);
}

SrInsights *
sr_dashboard_page_get_previous_insights (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->previous_for == self->period_from ? self->previous : NULL;
}

gboolean
sr_dashboard_page_get_delivery_time (SrDashboardPage *self,
                                     SrDeliveryTime  *out_time)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), FALSE);

  if (self->delivery_time.n_timed < 0 || self->delivery_time_for != self->period_from)
    return FALSE;

  *out_time = self->delivery_time;
  return TRUE;
}

const char *
sr_dashboard_page_get_delivery_time_text (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  return self->delivery_time_value != NULL ? gtk_label_get_label (self->delivery_time_value) : NULL;
}

/* The "not complete yet" notice of a period reaching back before the
 * downloaded history, NULL when it is hidden. */
const char *
sr_dashboard_page_get_history_notice (SrDashboardPage *self)
{
  g_return_val_if_fail (SR_IS_DASHBOARD_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->history_label)))
    return NULL;
  return gtk_label_get_label (self->history_label);
}
