/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaigns-page.h: the Campaign Log: every cached campaign with its
 * counters and delivery rate; activating one opens its window.
 */
#pragma once

#include <adwaita.h>

#include "sr-export-bar.h"
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
GtkColumnView  *sr_campaigns_page_get_column_view (SrCampaignsPage *self);
/* -1 every campaign, 0 sent from the web dashboard, 1 through the API */
void            sr_campaigns_page_set_source   (SrCampaignsPage *self,
                                                int              source);
SrExportBar    *sr_campaigns_page_get_export_bar (SrCampaignsPage *self);
/* Whether the narrow rich rows are shown instead of the columns. */
gboolean        sr_campaigns_page_get_compact  (SrCampaignsPage *self);
GtkListView    *sr_campaigns_page_get_list_view (SrCampaignsPage *self);

G_END_DECLS
