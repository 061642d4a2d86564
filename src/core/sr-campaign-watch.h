/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-watch.h: which campaigns finished since the last look, for
 * "campaign done" notifications. Fed each new SrCampaignIndex (after a
 * sync); never reports a campaign it did not see in progress first, so
 * history downloaded for the first time never notifies.
 */
#pragma once

#include <glib.h>

#include "sr-types.h"
#include "sr-campaign-index.h"

G_BEGIN_DECLS

typedef struct _SrCampaignWatch SrCampaignWatch;

SrCampaignWatch *sr_campaign_watch_new    (void);
void             sr_campaign_watch_free   (SrCampaignWatch *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrCampaignWatch, sr_campaign_watch_free)

/* TRUE while some of the campaign's downloaded messages are still on their
 * way (sending, queued, scheduled), or none has been downloaded yet while
 * SMS.to counts some as pending. */
gboolean         sr_campaign_watch_in_progress (SrCampaignIndex *index,
                                                SrCampaign      *campaign);

/* The campaigns (SrCampaign, owned) that were in progress at the previous
 * index and are not any more, oldest first. The first index fed only
 * records what is in progress and returns an empty array. */
GPtrArray       *sr_campaign_watch_update (SrCampaignWatch *self,
                                           SrCampaignIndex *index);

/* Whether a balance reading crosses below threshold: the previous reading
 * (< 0: none yet) was at or above it and the current one is below. So the
 * first reading never counts, and a balance that stays low counts once. */
gboolean         sr_balance_crossed_below (double previous,
                                           double current,
                                           double threshold);

G_END_DECLS
