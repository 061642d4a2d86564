/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-dashboard-page.h: the Dashboard: for a period, the totals and rates,
 * messages per day (or hour) by status, the status breakdown, where
 * messages fail (by country, sender ID and failure reason), the spend,
 * and the recent campaigns. Clicking a figure asks for the matching
 * messages with "show-messages".
 */
#pragma once

#include <adwaita.h>

#include "sr-chart.h"
#include "sr-period-picker.h"
#include "sr-session.h"

G_BEGIN_DECLS

/* The Dashboard's period is the shared SrPeriod; these names stay for the
 * callers written before it. */
typedef SrPeriod SrDashboardPeriod;
#define SR_DASHBOARD_PERIOD_TODAY      SR_PERIOD_TODAY
#define SR_DASHBOARD_PERIOD_7_DAYS     SR_PERIOD_7_DAYS
#define SR_DASHBOARD_PERIOD_30_DAYS    SR_PERIOD_30_DAYS
#define SR_DASHBOARD_PERIOD_THIS_MONTH SR_PERIOD_THIS_MONTH
#define SR_DASHBOARD_PERIOD_LAST_MONTH SR_PERIOD_LAST_MONTH
#define SR_DASHBOARD_PERIOD_ALL        SR_PERIOD_ALL
#define SR_DASHBOARD_PERIOD_CUSTOM     SR_PERIOD_CUSTOM

#define SR_TYPE_DASHBOARD_PAGE (sr_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (SrDashboardPage, sr_dashboard_page, SR, DASHBOARD_PAGE, AdwBin)

GtkWidget         *sr_dashboard_page_new               (void);
void               sr_dashboard_page_set_session       (SrDashboardPage   *self,
                                                        SrSession         *session);
/* SR_DASHBOARD_PERIOD_CUSTOM needs sr_dashboard_page_set_custom_period(). */
void               sr_dashboard_page_set_period        (SrDashboardPage   *self,
                                                        SrDashboardPeriod  period);
SrDashboardPeriod  sr_dashboard_page_get_period        (SrDashboardPage   *self);
/* Whole days, in the display time zone (either order); the period becomes
 * SR_DASHBOARD_PERIOD_CUSTOM. */
void               sr_dashboard_page_set_custom_period (SrDashboardPage   *self,
                                                        GDateTime         *first_day,
                                                        GDateTime         *last_day);
SrPeriodPicker    *sr_dashboard_page_get_period_picker (SrDashboardPage   *self);

/* For tests and benchmarks. */
/* The message total of the period shown, once computed (-1 before). */
gint64             sr_dashboard_page_get_total         (SrDashboardPage   *self);
/* TRUE while a query for the current period runs. */
gboolean           sr_dashboard_page_get_loading       (SrDashboardPage   *self);
SrInsights        *sr_dashboard_page_get_insights      (SrDashboardPage   *self);
SrChart           *sr_dashboard_page_get_chart         (SrDashboardPage   *self);
/* The flow box of the cards (F6 and the keyboard tests). */
GtkFlowBox        *sr_dashboard_page_get_cards         (SrDashboardPage   *self);
/* Milliseconds from the last period or data change to the query's result,
 * and to the first frame showing it ("rendered" is emitted then). */
void               sr_dashboard_page_get_timing        (SrDashboardPage   *self,
                                                        double            *out_query_ms,
                                                        double            *out_render_ms);
/* What a click on the status's row of the breakdown does; FALSE when the
 * period has no such status. */
gboolean           sr_dashboard_page_activate_status   (SrDashboardPage   *self,
                                                        SrStatus           status);

/* Whether the narrow layout (smaller cards) is in use. */
gboolean         sr_dashboard_page_get_narrow (SrDashboardPage *self);
/* The share shown in the Status Breakdown row of status (NULL: no row). */
const char        *sr_dashboard_page_get_status_share (SrDashboardPage *self,
                                                       SrStatus         status);
/* The big value of the Delivered, Failed, Sent-unconfirmed or Pending card. */
const char        *sr_dashboard_page_get_card_value  (SrDashboardPage *self,
                                                      SrStatusGroup    group);
/* The ↑/↓ line comparing a card with the previous period of the same
 * length (NULL: none shown). card: 0 Messages, 1 Delivered, 2 Sent
 * unconfirmed, 3 Pending, 4 Failed, 5 Not sent, 6 Cost. */
const char        *sr_dashboard_page_get_comparison  (SrDashboardPage *self,
                                                      guint            card);
/* What a click on a card does: the Messages Log of exactly the messages
 * it counts (Cost: the billable ones). FALSE before the figures are in. */
gboolean           sr_dashboard_page_activate_card   (SrDashboardPage *self,
                                                      guint            card);
/* The period's time to delivery once computed (FALSE before), and the
 * card's value. */
gboolean           sr_dashboard_page_get_delivery_time (SrDashboardPage *self,
                                                        SrDeliveryTime  *out_time);
const char        *sr_dashboard_page_get_delivery_time_text (SrDashboardPage *self);
/* The previous period's totals once computed; NULL for All Time. */
SrInsights        *sr_dashboard_page_get_previous_insights (SrDashboardPage *self);
/* The line under a card's value. */
const char        *sr_dashboard_page_get_card_detail (SrDashboardPage *self,
                                                      SrStatusGroup    group);
/* The list of "Top Failure Reasons": its rows, shown or made in advance. */
GtkListBox        *sr_dashboard_page_get_reason_list (SrDashboardPage *self);
/* The Balance card's "Synced 3 minutes ago". */
const char        *sr_dashboard_page_get_balance_detail (SrDashboardPage *self);
const char        *sr_dashboard_page_get_history_notice (SrDashboardPage *self);

G_END_DECLS
