/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-index.h: every campaign of the cache by id, with the status
 * counts of its downloaded messages. It lets the logs and the details name
 * a campaign the way people recognise it (text, sender, time, recipients)
 * instead of by id, and gives the Campaign Log the same per-status counts
 * as the campaign window (one definition of "Failed").
 *
 * Loaded on a worker thread; immutable once returned, so it may be shared.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* The messages of one campaign that are in the cache, by status, counted
 * exactly like the campaign window and the Messages Log count them. */
typedef struct
{
  gint64 total;
  gint64 by_status[SR_N_STATUSES];     /* SR_STATUS_UNKNOWN: every unknown value */
  gint64 by_group[SR_N_STATUS_GROUPS];
} SrCampaignCounts;

typedef struct _SrCampaignIndex SrCampaignIndex;

#define SR_TYPE_CAMPAIGN_INDEX (sr_campaign_index_get_type ())
GType             sr_campaign_index_get_type     (void) G_GNUC_CONST;
SrCampaignIndex  *sr_campaign_index_ref          (SrCampaignIndex *self);
void              sr_campaign_index_unref        (SrCampaignIndex *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrCampaignIndex, sr_campaign_index_unref)

/* Blocking (worker threads, CLI, tests). */
SrCampaignIndex  *sr_campaign_index_load         (SrCache             *cache,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void              sr_campaign_index_load_async   (SrCache             *cache,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SrCampaignIndex  *sr_campaign_index_load_finish  (GAsyncResult        *result,
                                                  GError             **error);

guint             sr_campaign_index_get_n_campaigns (SrCampaignIndex *self);
/* Every campaign, in no particular order. */
GPtrArray        *sr_campaign_index_dup_campaigns (SrCampaignIndex *self);
/* Borrowed; NULL when the campaign is not in the cache. */
SrCampaign       *sr_campaign_index_lookup       (SrCampaignIndex *self,
                                                  const char      *campaign_id);
/* Borrowed; NULL when none of its messages is downloaded. */
const SrCampaignCounts *sr_campaign_index_get_counts (SrCampaignIndex *self,
                                                      const char      *campaign_id);

G_END_DECLS
