/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-async.c: opening the cache and the reads a user interface needs,
 * each as one GTask on GLib's thread pool. The worker gets copies of every
 * input (path, filter, id) in the task data, never a pointer into a widget,
 * so the caller may change or free its own at once.
 */
#define G_LOG_DOMAIN "sr-cache"

#include "config.h"


#include "sr-cache-async.h"
#include "sr-cache-private.h"
#include "sr-campaign.h"

/* --- open --------------------------------------------------------------- */

typedef struct
{
  char              *path;
  GMainContext      *context;   /* where "changed" goes: the caller's */
  SrCacheOpenedFunc  opened_func;
  gpointer           opened_data;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  SrCache *cache;

  cache = sr_cache_open_in_context (data->path, data->context, &error);
  if (cache != NULL && data->opened_func != NULL &&
      !data->opened_func (cache, data->opened_data, cancellable, &error))
    {
      sr_cache_close (cache);
      g_clear_object (&cache);
    }
  if (cache == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, cache, g_object_unref);
}

void
sr_cache_open_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  sr_cache_open_async_full (path, NULL, NULL, cancellable, callback, user_data);
}

void
sr_cache_open_async_full (const char          *path,
                          SrCacheOpenedFunc    opened_func,
                          gpointer             opened_data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (OpenData, 1);
  data->path = g_strdup (path);
  data->context = g_main_context_ref_thread_default ();
  data->opened_func = opened_func;
  data->opened_data = opened_data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_cache_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  /* Not return-on-cancel: an opened cache must be closed by its owner, so
   * the open always completes and the caller drops what it no longer wants. */
  g_task_run_in_thread (task, open_thread);
}

SrCache *
sr_cache_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- status counts ------------------------------------------------------ */

static void
status_counts_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *counts;

  counts = sr_cache_query_status_counts (source_object, task_data, &error);
  if (counts == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, counts, (GDestroyNotify) g_ptr_array_unref);
}

void
sr_cache_query_status_counts_async (SrCache               *self,
                                    const SrMessageFilter *filter,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_cache_query_status_counts_async);
  g_task_set_task_data (task,
                        filter != NULL ? sr_message_filter_copy (filter) : NULL,
                        (GDestroyNotify) sr_message_filter_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, status_counts_thread);
}

GPtrArray *
sr_cache_query_status_counts_finish (SrCache       *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_query_status_counts_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- message count ------------------------------------------------------ */

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  gint64 count;

  count = sr_cache_count_messages (source_object, task_data, &error);
  if (count < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, count);
}

void
sr_cache_count_messages_async (SrCache               *self,
                               const SrMessageFilter *filter,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_cache_count_messages_async);
  g_task_set_task_data (task,
                        filter != NULL ? sr_message_filter_copy (filter) : NULL,
                        (GDestroyNotify) sr_message_filter_free);
  g_task_run_in_thread (task, count_thread);
}

gint64
sr_cache_count_messages_finish (SrCache       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_count_messages_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/* --- account ------------------------------------------------------------ */

typedef struct
{
  gboolean found;
  double   balance;
  char    *currency;
  gint64   last_sync;
} AccountData;

static void
account_data_free (AccountData *data)
{
  g_free (data->currency);
  g_free (data);
}

static void
account_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AccountData *data = task_data;
  g_autoptr(GError) error = NULL;

  data->found = sr_cache_get_account (source_object, &data->balance, &data->currency,
                                      &data->last_sync, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
sr_cache_get_account_async (SrCache             *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccountData *data;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (AccountData, 1);
  data->balance = -1;
  data->last_sync = SR_TIME_NONE;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_cache_get_account_async);
  g_task_set_task_data (task, data, (GDestroyNotify) account_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, account_thread);
}

gboolean
sr_cache_get_account_finish (SrCache       *self,
                             GAsyncResult  *result,
                             double        *out_balance,
                             char         **out_currency,
                             gint64        *out_last_sync,
                             GError       **error)
{
  AccountData *data;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_get_account_async, FALSE);

  if (out_balance != NULL)
    *out_balance = -1;
  if (out_currency != NULL)
    *out_currency = NULL;
  if (out_last_sync != NULL)
    *out_last_sync = SR_TIME_NONE;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (!data->found)
    return FALSE;

  if (out_balance != NULL)
    *out_balance = data->balance;
  if (out_currency != NULL)
    *out_currency = g_strdup (data->currency);
  if (out_last_sync != NULL)
    *out_last_sync = data->last_sync;

  return TRUE;
}

/* --- one campaign ------------------------------------------------------- */

static void
campaign_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  SrCampaign *campaign;

  campaign = sr_cache_get_campaign (source_object, task_data, &error);
  if (campaign == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, campaign, g_object_unref);
}

void
sr_cache_get_campaign_async (SrCache             *self,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_cache_get_campaign_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, campaign_thread);
}

SrCampaign *
sr_cache_get_campaign_finish (SrCache       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_get_campaign_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- overview ----------------------------------------------------------- */

typedef struct
{
  guint    n_campaigns;
  gboolean has_messages;
} OverviewData;

static void
overview_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SrCache *cache = source_object;
  OverviewData *data = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *campaigns;
  gint64 newest;

  newest = sr_cache_get_newest_created_at (cache, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->has_messages = newest != SR_TIME_NONE;

  campaigns = sr_cache_query_campaigns (cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE,
                                        data->n_campaigns, 0, &error);
  if (campaigns == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, campaigns, (GDestroyNotify) g_ptr_array_unref);
}

void
sr_cache_query_overview_async (SrCache             *self,
                               guint                n_campaigns,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OverviewData *data;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (OverviewData, 1);
  data->n_campaigns = n_campaigns;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_cache_query_overview_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, overview_thread);
}

GPtrArray *
sr_cache_query_overview_finish (SrCache       *self,
                                GAsyncResult  *result,
                                gboolean      *out_has_messages,
                                GError       **error)
{
  OverviewData *data;
  GPtrArray *campaigns;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_query_overview_async, NULL);

  campaigns = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (out_has_messages != NULL)
    *out_has_messages = campaigns != NULL && data->has_messages;

  return campaigns;
}
