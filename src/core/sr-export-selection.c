/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-export-selection.c: the copy of a selection. A few runs of positions
 * are read as pages (LIMIT/OFFSET each); a selection scattered over many
 * runs is read in one pass up to its last position instead, keeping the
 * rows whose position is in a run.
 */
#define G_LOG_DOMAIN "sr-export"

#include "config.h"

#include "sr-cache.h"
#include "sr-export.h"
#include "sr-export-selection.h"

/* More runs than this are read in one pass rather than one query each. */
#define MAX_PAGED_RANGES 32

typedef struct
{
  SrMessageFilter *filter;    /* (owned) */
  SrMessageSort    sort;
  gboolean         descending;
  GArray          *ranges;    /* (owned) of SrPositionRange */
  SrCsvFlags       flags;
  guint            n_messages;
} SelectionData;

static void
selection_data_free (SelectionData *data)
{
  g_clear_pointer (&data->filter, sr_message_filter_free);
  g_clear_pointer (&data->ranges, g_array_unref);
  g_free (data);
}

typedef struct
{
  GArray    *ranges;
  guint      range;       /* the first run not yet passed */
  GPtrArray *messages;
  guint      index;
} CollectState;

static gboolean
collect_selected_cb (SrMessage *message,
                     gpointer   user_data)
{
  CollectState *state = user_data;
  const SrPositionRange *range = NULL;

  while (state->range < state->ranges->len)
    {
      range = &g_array_index (state->ranges, SrPositionRange, state->range);
      if (state->index < range->start + range->n)
        break;
      state->range++;
    }
  if (state->range >= state->ranges->len)
    return FALSE;

  if (state->index >= range->start)
    g_ptr_array_add (state->messages, g_object_ref (message));
  state->index++;

  return TRUE;
}

static void
selection_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SrCache *cache = source_object;
  SelectionData *data = task_data;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  if (data->ranges->len <= MAX_PAGED_RANGES)
    {
      for (guint i = 0; i < data->ranges->len; i++)
        {
          const SrPositionRange *range = &g_array_index (data->ranges, SrPositionRange, i);
          g_autoptr(GPtrArray) page = NULL;

          if (g_task_return_error_if_cancelled (task))
            return;

          page = sr_cache_query_messages (cache, data->filter, data->sort, data->descending,
                                          range->n, range->start, &error);
          if (page == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          g_ptr_array_extend_and_steal (messages, g_steal_pointer (&page));
        }
    }
  else
    {
      const SrPositionRange *last = &g_array_index (data->ranges, SrPositionRange, data->ranges->len - 1);
      CollectState state = { data->ranges, 0, messages, 0 };

      if (!sr_cache_foreach_message (cache, data->filter, data->sort, data->descending,
                                     (gint64) last->start + last->n, collect_selected_cb, &state,
                                     cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  data->n_messages = messages->len;
  g_task_return_pointer (task, sr_export_format_messages_tsv (messages, data->flags, TRUE), g_free);
}

void
sr_export_selection_tsv_async (SrCache               *cache,
                               const SrMessageFilter *filter,
                               SrMessageSort          sort,
                               gboolean               descending,
                               const SrPositionRange *ranges,
                               guint                  n_ranges,
                               SrCsvFlags             flags,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  SelectionData *data;

  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (ranges != NULL || n_ranges == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (SelectionData, 1);
  data->filter = filter != NULL ? sr_message_filter_copy (filter) : NULL;
  data->sort = sort;
  data->descending = descending;
  data->ranges = g_array_sized_new (FALSE, FALSE, sizeof (SrPositionRange), n_ranges);
  g_array_append_vals (data->ranges, ranges, n_ranges);
  data->flags = flags;

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_export_selection_tsv_async);
  g_task_set_task_data (task, data, (GDestroyNotify) selection_data_free);
  g_task_run_in_thread (task, selection_thread);
}

char *
sr_export_selection_tsv_finish (SrCache       *cache,
                                GAsyncResult  *result,
                                guint         *out_n_messages,
                                GError       **error)
{
  SelectionData *data;
  char *text;

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (g_task_is_valid (result, cache), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_export_selection_tsv_async, NULL);

  text = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (out_n_messages != NULL)
    *out_n_messages = text != NULL ? data->n_messages : 0;

  return text;
}
