/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaigns-page.h: the Campaign Log: every cached campaign with its
 * counters and delivery rate; activating one opens its window.
 */
#pragma once

#include <adwaita.h>

#include "sr-export-bar.h"
#include "sr-period-picker.h"
#include "sr-session.h"

G_BEGIN_DECLS

#define SR_TYPE_CAMPAIGNS_PAGE (sr_campaigns_page_get_type ())
G_DECLARE_FINAL_TYPE (SrCampaignsPage, sr_campaigns_page, SR, CAMPAIGNS_PAGE, AdwBin)

GtkWidget      *sr_campaigns_page_new          (void);
void            sr_campaigns_page_set_session  (SrCampaignsPage *self,
                                                SrSession       *session);
void            sr_campaigns_page_focus_search (SrCampaignsPage *self);
/* "Export…": the campaigns shown (search, source, order) as CSV.
 * destination NULL asks with the file chooser; tests pass a file. */
void            sr_campaigns_page_export       (SrCampaignsPage *self,
                                                GFile           *destination);

/* For tests. */
SrCampaignList *sr_campaigns_page_get_list     (SrCampaignsPage *self);
/* What the counting columns of the row at position show, by status group;
 * TRUE when counted from its downloaded messages (as the campaign window
 * counts them), FALSE when SMS.to's own counters stand in. */
gboolean        sr_campaigns_page_get_row_counts (SrCampaignsPage *self,
                                                  guint            position,
                                                  gint64           by_group[SR_N_STATUS_GROUPS]);
GtkColumnView  *sr_campaigns_page_get_column_view (SrCampaignsPage *self);
/* -1 every campaign, 0 sent from the web dashboard, 1 through the API */
void            sr_campaigns_page_set_source   (SrCampaignsPage *self,
                                                int              source);
SrExportBar    *sr_campaigns_page_get_export_bar (SrCampaignsPage *self);
/* Whether the narrow rich rows are shown instead of the columns. */
gboolean        sr_campaigns_page_get_compact  (SrCampaignsPage *self);
GtkListView    *sr_campaigns_page_get_list_view (SrCampaignsPage *self);

/* Chooses a preset period (not SR_PERIOD_CUSTOM), a sender ID and a
 * status (NULL: all). */
void            sr_campaigns_page_set_filters (SrCampaignsPage *self,
                                               SrPeriod         period,
                                               const char      *sender_id,
                                               const char      *status);
/* A custom range of whole days, as picking them and "Apply" does. */
void            sr_campaigns_page_set_custom_days (SrCampaignsPage *self,
                                                   GDateTime       *first_day,
                                                   GDateTime       *last_day);
SrPeriodPicker *sr_campaigns_page_get_period_picker (SrCampaignsPage *self);

G_END_DECLS
