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
#include "sr-cache.h"

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

/* Delivery-rate alerts. A window's settled messages: delivered, and those
 * that did not arrive (sr_status_not_arrived_mask()); SENT and pending ones
 * are left out, as they may still arrive. */
typedef struct
{
  gint64 settled;
  gint64 delivered;
} SrRateSample;

/* At least this many settled messages in the last hour, and in the usual
 * window before it, before a rate is compared at all. */
#define SR_RATE_MIN_HOUR_SETTLED  20
#define SR_RATE_MIN_USUAL_SETTLED 100

/* Counts the settled messages created in [from, to) in cache (a read:
 * call it off the main thread). */
gboolean         sr_rate_sample_count (SrCache      *cache,
                                       gint64        from,
                                       gint64        to,
                                       SrRateSample *out_sample,
                                       GError      **error);

/* Whether the hour's delivery rate is well below the usual one: both have
 * their minimum counts, the hour's rate is at least 10 percentage points
 * below the usual rate, and the gap is more than three standard errors of
 * a rate over that many messages (sqrt (p (1 − p) / n) at the usual rate
 * p), so a small hour needs a bigger drop. */
gboolean         sr_rate_well_below (const SrRateSample *hour,
                                     const SrRateSample *usual);

G_END_DECLS
