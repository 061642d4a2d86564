/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-view.h: a list of campaigns with its counters and delivery
 * rate, as columns or, when compact, as rich rows; activating one opens its
 * window. The Campaign Log's filters stay in SrCampaignsPage.
 */
#pragma once

#include <gtk/gtk.h>

#include "sr-session.h"

G_BEGIN_DECLS

#define SR_TYPE_CAMPAIGN_VIEW (sr_campaign_view_get_type ())
G_DECLARE_FINAL_TYPE (SrCampaignView, sr_campaign_view, SR, CAMPAIGN_VIEW, GtkWidget)

/* The session gives the currency and the per-campaign counts. */
void            sr_campaign_view_set_session     (SrCampaignView *self,
                                                  SrSession      *session);
/* The view sorts list by its column headers. */
void            sr_campaign_view_set_list        (SrCampaignView *self,
                                                  SrCampaignList *list);
SrCampaignList *sr_campaign_view_get_list        (SrCampaignView *self);
/* What the counting columns of the row at position show, by status group;
 * TRUE when counted from its downloaded messages (as the campaign window
 * counts them), FALSE when SMS.to's own counters stand in. */
gboolean        sr_campaign_view_get_row_counts  (SrCampaignView *self,
                                                  guint           position,
                                                  gint64          by_group[SR_N_STATUS_GROUPS]);
gboolean        sr_campaign_view_get_compact     (SrCampaignView *self);
void            sr_campaign_view_set_compact     (SrCampaignView *self,
                                                  gboolean        compact);
GtkColumnView  *sr_campaign_view_get_column_view (SrCampaignView *self);
GtkListView    *sr_campaign_view_get_list_view   (SrCampaignView *self);

G_END_DECLS
