/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign.h: one campaign (a bulk send) as reported by the API; an
 * immutable record. Its counters change on the server while its messages are
 * pending, so the cache refreshes recent campaigns on every sync.
 */
#pragma once

#include <glib-object.h>

#include "sr-types.h"

G_BEGIN_DECLS

#define SR_TYPE_CAMPAIGN (sr_campaign_get_type ())
G_DECLARE_FINAL_TYPE (SrCampaign, sr_campaign, SR, CAMPAIGN, GObject)

const char *sr_campaign_get_id                 (SrCampaign *self);
const char *sr_campaign_get_campaign_type      (SrCampaign *self);
const char *sr_campaign_get_user_id            (SrCampaign *self);
const char *sr_campaign_get_sender_id          (SrCampaign *self);
const char *sr_campaign_get_template_id        (SrCampaign *self);
const char *sr_campaign_get_message            (SrCampaign *self);
const char *sr_campaign_get_list_id            (SrCampaign *self);
const char *sr_campaign_get_status             (SrCampaign *self);
double      sr_campaign_get_client_total_cost  (SrCampaign *self);
double      sr_campaign_get_estimated_cost     (SrCampaign *self);
gint64      sr_campaign_get_delivered_messages (SrCampaign *self);
gint64      sr_campaign_get_failed_messages    (SrCampaign *self);
gint64      sr_campaign_get_pending_messages   (SrCampaign *self);
gint64      sr_campaign_get_sent_messages      (SrCampaign *self);
int         sr_campaign_get_sms_count          (SrCampaign *self);
gboolean    sr_campaign_get_bypass_optout      (SrCampaign *self);
const char *sr_campaign_get_callback_url       (SrCampaign *self);
gint64      sr_campaign_get_scheduled_for      (SrCampaign *self);
const char *sr_campaign_get_timezone           (SrCampaign *self);
gint64      sr_campaign_get_created_at         (SrCampaign *self);
gint64      sr_campaign_get_updated_at         (SrCampaign *self);
gint64      sr_campaign_get_canceled_at        (SrCampaign *self);
gboolean    sr_campaign_get_is_api             (SrCampaign *self);
/* Total recipients: delivered + failed + pending + sent counters. */
gint64      sr_campaign_get_recipients         (SrCampaign *self);
/* delivered / (recipients - pending), 0..1; -1 when nothing is settled yet. */
double      sr_campaign_get_delivery_rate      (SrCampaign *self);

G_END_DECLS
