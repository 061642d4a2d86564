/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-filter.h: which campaigns a report shows (the Campaign Log's
 * filters; also the CLI's). Turned into SQL by the cache.
 */
#pragma once

#include <glib-object.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* Where a campaign was sent from: the web dashboard or the API
 * (campaign is_api). */
typedef enum {
  SR_CAMPAIGN_SOURCE_ANY,
  SR_CAMPAIGN_SOURCE_WEB,
  SR_CAMPAIGN_SOURCE_API,
} SrCampaignSource;

/* NULL or "" strings and SR_TIME_NONE mean "no condition"; all conditions
 * must hold. */
typedef struct
{
  char             *search;     /* id, sender or text contains, ASCII case ignored */
  gint64            from;       /* created_at >= from */
  gint64            to;         /* created_at <  to */
  char             *sender_id;  /* exact */
  SrCampaignSource  source;
  char             *status;     /* the campaign's status as received, case ignored */
} SrCampaignFilter;

#define SR_TYPE_CAMPAIGN_FILTER (sr_campaign_filter_get_type ())
GType             sr_campaign_filter_get_type (void) G_GNUC_CONST;
SrCampaignFilter *sr_campaign_filter_new      (void);
SrCampaignFilter *sr_campaign_filter_copy     (const SrCampaignFilter *filter);
void              sr_campaign_filter_free     (SrCampaignFilter       *filter);
gboolean          sr_campaign_filter_equal    (const SrCampaignFilter *a,
                                               const SrCampaignFilter *b);
/* TRUE if campaign passes the filter (same rules as the SQL). */
gboolean          sr_campaign_filter_matches  (const SrCampaignFilter *filter,
                                               SrCampaign             *campaign);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrCampaignFilter, sr_campaign_filter_free)

G_END_DECLS
