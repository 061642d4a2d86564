/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-dashboard-page.h: balance, totals and rates for a period, the period's
 * delivery bar and the recent campaigns.
 */
#pragma once

#include <adwaita.h>

#include "sr-session.h"

G_BEGIN_DECLS

#define SR_TYPE_DASHBOARD_PAGE (sr_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (SrDashboardPage, sr_dashboard_page, SR, DASHBOARD_PAGE, AdwBin)

GtkWidget *sr_dashboard_page_new         (void);
void       sr_dashboard_page_set_session (SrDashboardPage *self,
                                          SrSession       *session);

/* For tests: the message total of the period shown, once computed (-1 before). */
gint64     sr_dashboard_page_get_total   (SrDashboardPage *self);

G_END_DECLS
