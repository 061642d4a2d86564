/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-notifier.h: a desktop notification when a campaign the app
 * saw in progress is done ("“Spring sale…”: 96.1 % delivered, 12 failed",
 * with View), and when the balance falls below the threshold the user set
 * ("Balance low: 12.40 EUR left", opening the Dashboard). Never for history
 * downloaded for the first time.
 */
#pragma once

#include <gio/gio.h>

#include "sr-session.h"

G_BEGIN_DECLS

#define SR_TYPE_CAMPAIGN_NOTIFIER (sr_campaign_notifier_get_type ())
G_DECLARE_FINAL_TYPE (SrCampaignNotifier, sr_campaign_notifier, SR, CAMPAIGN_NOTIFIER, GObject)

/* Watches session's campaign index; notifications go through the default
 * GApplication, their actions to app.show-campaign. */
SrCampaignNotifier *sr_campaign_notifier_new (SrSession *session);

/* The notification's texts for a finished campaign (for tests too). */
char               *sr_campaign_notifier_dup_body (SrCampaignIndex *index,
                                                   SrCampaign      *campaign);

/* "Balance low: 12.40 EUR left" */
char               *sr_campaign_notifier_dup_balance_title (double      balance,
                                                            const char *currency);

/* "61.0 % delivered in the last hour, usually 94.2 %; 78 did not arrive" */
char               *sr_campaign_notifier_dup_rate_body (const SrRateSample *hour,
                                                        const SrRateSample *usual);

/* Withdraws the notifications this notifier sent: their targets (a
 * campaign id, the Dashboard, an hour of the Messages Log) belong to its
 * account, and another account is about to be shown. */
void                sr_campaign_notifier_withdraw_all (SrCampaignNotifier *self);

/* Delivery-rate checks finished so far (one after each successful sync). */
guint               sr_campaign_notifier_get_n_rate_checks (SrCampaignNotifier *self);

G_END_DECLS
