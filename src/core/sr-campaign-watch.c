/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-watch.c: the set of campaigns in progress at the last index,
 * compared with the next one. A campaign counts as finished when none of
 * its downloaded messages is pending any more; SENT is final enough here
 * (some networks never confirm, and "sent" is where those stop).
 */
#define G_LOG_DOMAIN "sr-campaign-watch"

#include "config.h"

#include <math.h>

#include "sr-campaign.h"
#include "sr-campaign-watch.h"
#include "sr-message-filter.h"
#include "sr-status.h"

struct _SrCampaignWatch
{
  GHashTable *in_progress;   /* campaign id (owned) → nothing */
  gboolean    primed;        /* an index was fed before */
};

SrCampaignWatch *
sr_campaign_watch_new (void)
{
  SrCampaignWatch *self = g_new0 (SrCampaignWatch, 1);

  self->in_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
sr_campaign_watch_free (SrCampaignWatch *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->in_progress);
  g_free (self);
}

gboolean
sr_campaign_watch_in_progress (SrCampaignIndex *index,
                               SrCampaign      *campaign)
{
  const SrCampaignCounts *counts;

  g_return_val_if_fail (index != NULL, FALSE);
  g_return_val_if_fail (SR_IS_CAMPAIGN (campaign), FALSE);

  counts = sr_campaign_index_get_counts (index, sr_campaign_get_id (campaign));
  if (counts == NULL || counts->total == 0)
    return sr_campaign_get_pending_messages (campaign) > 0;

  return counts->by_group[SR_STATUS_GROUP_PENDING] > 0;
}

static int
compare_created (gconstpointer a,
                 gconstpointer b)
{
  gint64 ta = sr_campaign_get_created_at (*(SrCampaign **) a);
  gint64 tb = sr_campaign_get_created_at (*(SrCampaign **) b);

  return (ta > tb) - (ta < tb);
}

GPtrArray *
sr_campaign_watch_update (SrCampaignWatch *self,
                          SrCampaignIndex *index)
{
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(GHashTable) now_in_progress = NULL;
  GPtrArray *finished = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (self != NULL, finished);
  g_return_val_if_fail (index != NULL, finished);

  now_in_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  campaigns = sr_campaign_index_dup_campaigns (index);

  for (guint i = 0; i < campaigns->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (campaigns, i);
      const char *id = sr_campaign_get_id (campaign);

      if (sr_campaign_watch_in_progress (index, campaign))
        g_hash_table_add (now_in_progress, g_strdup (id));
      else if (self->primed && g_hash_table_contains (self->in_progress, id))
        g_ptr_array_add (finished, g_object_ref (campaign));
    }

  g_clear_pointer (&self->in_progress, g_hash_table_unref);
  self->in_progress = g_steal_pointer (&now_in_progress);
  self->primed = TRUE;

  g_ptr_array_sort (finished, compare_created);
  return finished;
}

gboolean
sr_balance_crossed_below (double previous,
                          double current,
                          double threshold)
{
  return previous >= 0 && previous >= threshold && current >= 0 && current < threshold;
}

gboolean
sr_rate_sample_count (SrCache      *cache,
                      gint64        from,
                      gint64        to,
                      SrRateSample *out_sample,
                      GError      **error)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) counts = NULL;

  g_return_val_if_fail (SR_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (out_sample != NULL, FALSE);

  filter->from = from;
  filter->to = to;
  filter->status_mask = (1u << SR_STATUS_DELIVERED) | sr_status_not_arrived_mask ();
  counts = sr_cache_query_status_counts (cache, filter, error);
  if (counts == NULL)
    return FALSE;

  out_sample->settled = 0;
  out_sample->delivered = 0;
  for (guint i = 0; i < counts->len; i++)
    {
      const SrStatusCount *count = g_ptr_array_index (counts, i);

      out_sample->settled += count->count;
      if (count->status == SR_STATUS_DELIVERED)
        out_sample->delivered += count->count;
    }

  return TRUE;
}

gboolean
sr_rate_well_below (const SrRateSample *hour,
                    const SrRateSample *usual)
{
  double p_hour, p_usual, gap;

  if (hour->settled < SR_RATE_MIN_HOUR_SETTLED || usual->settled < SR_RATE_MIN_USUAL_SETTLED)
    return FALSE;

  p_hour = (double) hour->delivered / hour->settled;
  p_usual = (double) usual->delivered / usual->settled;
  gap = p_usual - p_hour;

  return gap >= 0.10 && gap > 3 * sqrt (p_usual * (1 - p_usual) / hour->settled);
}
