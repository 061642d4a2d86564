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
#include "sr-session.h"

G_BEGIN_DECLS

typedef enum {
  SR_DASHBOARD_PERIOD_TODAY,
  SR_DASHBOARD_PERIOD_7_DAYS,
  SR_DASHBOARD_PERIOD_30_DAYS,
  SR_DASHBOARD_PERIOD_THIS_MONTH,
  SR_DASHBOARD_PERIOD_LAST_MONTH,
  SR_DASHBOARD_PERIOD_ALL,
  SR_DASHBOARD_PERIOD_CUSTOM,
} SrDashboardPeriod;

#define SR_TYPE_DASHBOARD_PAGE (sr_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (SrDashboardPage, sr_dashboard_page, SR, DASHBOARD_PAGE, AdwBin)

GtkWidget         *sr_dashboard_page_new               (void);
void               sr_dashboard_page_set_session       (SrDashboardPage   *self,
                                                        SrSession         *session);
/* SR_DASHBOARD_PERIOD_CUSTOM needs sr_dashboard_page_set_custom_period(). */
void               sr_dashboard_page_set_period        (SrDashboardPage   *self,
                                                        SrDashboardPeriod  period);
SrDashboardPeriod  sr_dashboard_page_get_period        (SrDashboardPage   *self);
/* Whole days, in the display time zone (either order). */
void               sr_dashboard_page_set_custom_period (SrDashboardPage   *self,
                                                        GDateTime         *first_day,
                                                        GDateTime         *last_day);

/* For tests and benchmarks. */
/* The message total of the period shown, once computed (-1 before). */
gint64             sr_dashboard_page_get_total         (SrDashboardPage   *self);
/* TRUE while a query for the current period runs. */
gboolean           sr_dashboard_page_get_loading       (SrDashboardPage   *self);
SrInsights        *sr_dashboard_page_get_insights      (SrDashboardPage   *self);
SrChart           *sr_dashboard_page_get_chart         (SrDashboardPage   *self);
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

G_END_DECLS
