/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-list.h: a lazy GListModel of SrCampaign backed by the cache,
 * the same design as SrMessageList.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-campaign-filter.h"

G_BEGIN_DECLS

#define SR_TYPE_CAMPAIGN_LIST (sr_campaign_list_get_type ())
G_DECLARE_FINAL_TYPE (SrCampaignList, sr_campaign_list, SR, CAMPAIGN_LIST, GObject)

SrCampaignList *sr_campaign_list_new            (SrCache        *cache);
SrCache        *sr_campaign_list_get_cache      (SrCampaignList *self);
/* Takes a copy (NULL: every campaign). Starts a reload (async); "loading"
 * is TRUE until it lands. */
void            sr_campaign_list_set_filter     (SrCampaignList         *self,
                                                 const SrCampaignFilter *filter);
const SrCampaignFilter *
                sr_campaign_list_get_filter     (SrCampaignList *self);
void            sr_campaign_list_set_sort       (SrCampaignList *self,
                                                 SrCampaignSort  sort,
                                                 gboolean        descending);
SrCampaignSort  sr_campaign_list_get_sort       (SrCampaignList *self);
gboolean        sr_campaign_list_get_descending (SrCampaignList *self);
gboolean        sr_campaign_list_get_loading    (SrCampaignList *self);
void            sr_campaign_list_reload         (SrCampaignList *self);
/* As sr_message_list_is_loaded(). */
gboolean        sr_campaign_list_is_loaded      (SrCampaignList *self,
                                                 guint           position);
/* Runs the main context until no reload and no block read is pending. */
void            sr_campaign_list_wait           (SrCampaignList *self);

G_END_DECLS
