/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-window.h: one campaign in its own window: what was sent, when
 * and at what cost, the final status of its messages as a stacked bar with
 * per-status counts that filter its message list.
 */
#pragma once

#include <adwaita.h>

#include "sr-export-bar.h"
#include "sr-session.h"

G_BEGIN_DECLS

#define SR_TYPE_CAMPAIGN_WINDOW (sr_campaign_window_get_type ())
G_DECLARE_FINAL_TYPE (SrCampaignWindow, sr_campaign_window, SR, CAMPAIGN_WINDOW, AdwWindow)

GtkWidget     *sr_campaign_window_new             (SrSession        *session,
                                                   const char       *campaign_id);
const char    *sr_campaign_window_get_campaign_id (SrCampaignWindow *self);
/* "Sender · date", for chips and titles. */
char          *sr_campaign_window_dup_label       (SrCampaignWindow *self);
/* "Export…": every message of the campaign, or only the ones that did not
 * arrive (failed, expired, rejected, unsubscribed, unknown), as CSV.
 * destination NULL asks with the file chooser; tests pass a file. */
void           sr_campaign_window_export          (SrCampaignWindow *self,
                                                   gboolean          not_arrived_only,
                                                   GFile            *destination);

/* For tests. */
SrMessageList *sr_campaign_window_get_list        (SrCampaignWindow *self);
SrExportBar   *sr_campaign_window_get_export_bar  (SrCampaignWindow *self);
/* bits (1 << SrStatus); 0 = every status */
void           sr_campaign_window_set_status_mask (SrCampaignWindow *self,
                                                   guint             mask);
/* Messages of the campaign per status, once counted (-1 before). */
gint64         sr_campaign_window_get_status_count (SrCampaignWindow *self,
                                                    SrStatus          status);

G_END_DECLS
