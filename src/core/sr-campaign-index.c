/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-index.c: the campaigns of a cache by id with the status counts
 * of their downloaded messages (see the header). Built from the cache's
 * public queries: the campaigns, then one indexed count per campaign
 * (messages_campaign_id), on the caller's thread or a GTask thread.
 */
#define G_LOG_DOMAIN "sr-campaign-index"

#include "config.h"

#include "sr-cache.h"
#include "sr-campaign.h"
#include "sr-campaign-index.h"
#include "sr-message-filter.h"
#include "sr-status.h"

struct _SrCampaignIndex
{
  gatomicrefcount  ref_count;
  GHashTable      *campaigns;   /* id (borrowed from the campaign) → SrCampaign (owned) */
  GHashTable      *counts;      /* id (owned) → SrCampaignCounts (owned) */
};

G_DEFINE_BOXED_TYPE (SrCampaignIndex, sr_campaign_index, sr_campaign_index_ref, sr_campaign_index_unref)

SrCampaignIndex *
sr_campaign_index_ref (SrCampaignIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sr_campaign_index_unref (SrCampaignIndex *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_pointer (&self->campaigns, g_hash_table_unref);
  g_free (self);
}

SrCampaignIndex *
sr_campaign_index_load (SrCache       *cache,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SrCampaignIndex) self = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  campaigns = sr_cache_query_campaigns (cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, -1, 0, error);
  if (campaigns == NULL)
    return NULL;

  self = g_new0 (SrCampaignIndex, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->campaigns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < campaigns->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (campaigns, i);
      const char *id = sr_campaign_get_id (campaign);
      g_autoptr(GPtrArray) status_counts = NULL;
      SrCampaignCounts *counts;

      if (id == NULL)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      g_hash_table_replace (self->campaigns, (gpointer) id, g_object_ref (campaign));

      g_free (filter->campaign_id);
      filter->campaign_id = g_strdup (id);
      status_counts = sr_cache_query_status_counts (cache, filter, error);
      if (status_counts == NULL)
        return NULL;
      if (status_counts->len == 0)
        continue;

      counts = g_new0 (SrCampaignCounts, 1);
      for (guint j = 0; j < status_counts->len; j++)
        {
          const SrStatusCount *count = g_ptr_array_index (status_counts, j);
          SrStatus status = (guint) count->status < SR_N_STATUSES ? count->status : SR_STATUS_UNKNOWN;

          counts->by_status[status] += count->count;
          counts->by_group[sr_status_get_group (status)] += count->count;
          counts->total += count->count;
        }
      g_hash_table_replace (self->counts, g_strdup (id), counts);
    }

  return g_steal_pointer (&self);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  SrCampaignIndex *index = sr_campaign_index_load (task_data, cancellable, &error);

  if (index == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, index, (GDestroyNotify) sr_campaign_index_unref);
}

void
sr_campaign_index_load_async (SrCache             *cache,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_CACHE (cache));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_campaign_index_load_async);
  g_task_set_task_data (task, g_object_ref (cache), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

SrCampaignIndex *
sr_campaign_index_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
sr_campaign_index_get_n_campaigns (SrCampaignIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->campaigns);
}

SrCampaign *
sr_campaign_index_lookup (SrCampaignIndex *self,
                          const char      *campaign_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  return campaign_id != NULL ? g_hash_table_lookup (self->campaigns, campaign_id) : NULL;
}

const SrCampaignCounts *
sr_campaign_index_get_counts (SrCampaignIndex *self,
                              const char      *campaign_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  return campaign_id != NULL ? g_hash_table_lookup (self->counts, campaign_id) : NULL;
}

GPtrArray *
sr_campaign_index_dup_campaigns (SrCampaignIndex *self)
{
  GPtrArray *campaigns;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  campaigns = g_ptr_array_new_full (g_hash_table_size (self->campaigns), g_object_unref);
  g_hash_table_iter_init (&iter, self->campaigns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (campaigns, g_object_ref (value));

  return campaigns;
}
