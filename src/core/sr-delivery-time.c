/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-delivery-time.c: sent → delivered durations of a period (see the
 * header), streamed from the cache without keeping the messages.
 */
#define G_LOG_DOMAIN "sr-delivery-time"

#include "config.h"

#include <math.h>

#include "sr-cache.h"
#include "sr-delivery-time.h"
#include "sr-message.h"

typedef struct
{
  GArray *durations;   /* gint64 */
  gint64  n_untimed;
} Collect;

static gboolean
collect_cb (SrMessage *message,
            gpointer   user_data)
{
  Collect *collect = user_data;
  gint64 sent = sr_message_get_sent_at (message);
  gint64 delivered = sr_message_get_updated_at (message);

  if (sent == SR_TIME_NONE || delivered == SR_TIME_NONE || delivered < sent)
    {
      collect->n_untimed++;
      return TRUE;
    }

  g_array_append_val (collect->durations, (gint64) { delivered - sent });
  return TRUE;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least fraction of all at or below it. */
static gint64
percentile (GArray *sorted,
            double  fraction)
{
  guint rank = (guint) MAX (1.0, ceil (fraction * sorted->len));

  return g_array_index (sorted, gint64, MIN (rank, sorted->len) - 1);
}

gboolean
sr_delivery_time_query (SrCache               *cache,
                        const SrMessageFilter *filter,
                        SrDeliveryTime        *out_time,
                        GCancellable          *cancellable,
                        GError               **error)
{
  g_autoptr(SrMessageFilter) delivered = NULL;
  g_autoptr(GArray) durations = g_array_new (FALSE, FALSE, sizeof (gint64));
  Collect collect = { durations, 0 };

  g_return_val_if_fail (SR_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);

  delivered = filter != NULL ? sr_message_filter_copy (filter) : sr_message_filter_new ();
  delivered->status_mask = 1u << SR_STATUS_DELIVERED;

  if (!sr_cache_foreach_message (cache, delivered, SR_MESSAGE_SORT_CREATED, FALSE, -1,
                                 collect_cb, &collect, cancellable, error))
    return FALSE;

  g_array_sort (durations, compare_int64);
  out_time->n_timed = durations->len;
  out_time->n_untimed = collect.n_untimed;
  out_time->median = durations->len > 0 ? percentile (durations, 0.5) : -1;
  out_time->p90 = durations->len > 0 ? percentile (durations, 0.9) : -1;

  return TRUE;
}

typedef struct
{
  SrMessageFilter *filter;   /* (owned) a copy */
  SrDeliveryTime   time;
} QueryData;

static void
query_data_free (QueryData *data)
{
  sr_message_filter_free (data->filter);
  g_free (data);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueryData *data = task_data;
  g_autoptr(GError) error = NULL;

  if (!sr_delivery_time_query (source_object, data->filter, &data->time, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
sr_delivery_time_query_async (SrCache               *cache,
                              const SrMessageFilter *filter,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (QueryData, 1);
  data->filter = filter != NULL ? sr_message_filter_copy (filter) : sr_message_filter_new ();

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_delivery_time_query_async);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

gboolean
sr_delivery_time_query_finish (SrCache         *cache,
                               GAsyncResult    *result,
                               SrDeliveryTime  *out_time,
                               GError         **error)
{
  QueryData *data;

  g_return_val_if_fail (SR_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, cache), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_delivery_time_query_async, FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  *out_time = data->time;

  return TRUE;
}
