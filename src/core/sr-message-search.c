/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-search.c: the search behind GNOME Shell's search provider.
 * It goes through the cache's own search (SrMessageFilter.search, which
 * finds a text in the recipient or the message; sr-cache-sql.c), so it gets
 * whatever makes that fast, and adds what a search box outside the app
 * needs: every word must match, a sender id is found too, a number is found
 * with or without its '+'.
 *
 * A message matches when each term appears, ignoring case, in its
 * recipient, its sender id or its text. Every pass reads newest first,
 * checks all the terms in C on each row and stops once it has enough:
 *
 *   - the longest term through the filter's search (recipient or text);
 *   - for each sender id that contains a term (the cache lists the few
 *     distinct ones with an index seek each), that sender's messages
 *     through the filter's sender (an index on sender and time).
 *
 * A message that matches has its longest term in its recipient or text
 * (the first pass finds it) or in its sender id (the sender's pass does),
 * so nothing is missed; the passes are merged by time. Until the cache's
 * search folds more than ASCII case (LIKE), a term that differs from the
 * text only in the case of non-ASCII letters is found through the sender
 * only.
 */
#define G_LOG_DOMAIN "sr-message-search"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-cache.h"
#include "sr-message.h"
#include "sr-message-filter.h"
#include "sr-message-search.h"

static gboolean
is_number_term (const char *term)
{
  const char *p = term;

  if (*p == '+')
    p++;
  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

GStrv
sr_message_search_normalize_terms (const char * const *terms)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  if (terms == NULL)
    return NULL;

  for (guint i = 0; terms[i] != NULL; i++)
    {
      g_autofree char *term = NULL;
      const char *start;

      if (!g_utf8_validate (terms[i], -1, NULL))
        continue;

      term = g_strstrip (g_strdup (terms[i]));
      start = term;
      /* Recipients are stored as "+35799…"; "35799" finds them as a part. */
      if (is_number_term (start) && *start == '+')
        start++;
      /* A lone '+' would find every number. */
      if (*start == '\0' || g_str_equal (start, "+"))
        continue;

      if (g_utf8_strlen (start, -1) > SR_FILTER_TEXT_MAX_CHARS)
        {
          const char *end = g_utf8_offset_to_pointer (start, SR_FILTER_TEXT_MAX_CHARS);

          g_autofree char *cut = g_strndup (start, end - start);

          g_strv_builder_add (builder, cut);
        }
      else
        g_strv_builder_add (builder, start);
      any = TRUE;
    }

  if (!any)
    return NULL;

  return g_strv_builder_end (builder);
}

static gboolean
folded_contains (const char *haystack,
                 const char *folded_needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL || *haystack == '\0')
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, folded_needle) != NULL;
}

gboolean
sr_message_search_matches (SrMessage          *message,
                           const char * const *terms)
{
  g_return_val_if_fail (SR_IS_MESSAGE (message), FALSE);

  if (terms == NULL || terms[0] == NULL)
    return FALSE;

  for (guint i = 0; terms[i] != NULL; i++)
    {
      g_autofree char *needle = g_utf8_casefold (terms[i], -1);

      if (!folded_contains (sr_message_get_to (message), needle)
          && !folded_contains (sr_message_get_sender_id (message), needle)
          && !folded_contains (sr_message_get_message (message), needle))
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  const char * const *terms;
  GPtrArray          *found;   /* SrMessage, owned; shared by the passes */
  guint               n_found; /* by this pass */
  guint               limit;
} Collect;

static gboolean
collect_cb (SrMessage *message,
            gpointer   user_data)
{
  Collect *collect = user_data;

  if (sr_message_search_matches (message, collect->terms))
    {
      g_ptr_array_add (collect->found, g_object_ref (message));
      collect->n_found++;
    }

  return collect->n_found < collect->limit;
}

static const char *
longest_term (const char * const *terms)
{
  const char *longest = terms[0];

  for (guint i = 1; terms[i] != NULL; i++)
    if (strlen (terms[i]) > strlen (longest))
      longest = terms[i];

  return longest;
}

static gboolean
search_pass (SrCache              *cache,
             const SrMessageFilter *filter,
             const char * const   *terms,
             guint                 limit,
             GPtrArray            *found,
             GCancellable         *cancellable,
             GError              **error)
{
  Collect collect = { terms, found, 0, limit };

  /* Rows come newest first, so the first limit that match are the answer;
   * with one term every row the SQL returns matches, so a LIMIT bounds it. */
  return sr_cache_foreach_message (cache, filter, SR_MESSAGE_SORT_CREATED, TRUE,
                                   terms[1] == NULL ? (gint64) limit : -1,
                                   collect_cb, &collect, cancellable, error);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  SrMessage *ma = *(SrMessage **) a;
  SrMessage *mb = *(SrMessage **) b;
  gint64 ta = sr_message_get_created_at (ma);
  gint64 tb = sr_message_get_created_at (mb);

  if (ta != tb)
    return ta < tb ? 1 : -1;

  return g_strcmp0 (sr_message_get_id (mb), sr_message_get_id (ma));
}

GPtrArray *
sr_message_search (SrCache             *cache,
                   const char * const  *terms,
                   guint                limit,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_auto(GStrv) normalized = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_auto(GStrv) senders = NULL;

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (limit == 0)
    limit = SR_MESSAGE_SEARCH_DEFAULT_LIMIT;

  normalized = sr_message_search_normalize_terms (terms);
  if (normalized == NULL)
    return g_steal_pointer (&results);

  filter->search = g_strdup (longest_term ((const char * const *) normalized));
  if (!search_pass (cache, filter, (const char * const *) normalized, limit, found, cancellable, error))
    return NULL;
  g_clear_pointer (&filter->search, g_free);

  senders = sr_cache_dup_sender_ids (cache, error);
  if (senders == NULL)
    return NULL;

  for (guint i = 0; senders[i] != NULL; i++)
    {
      g_autofree char *folded = g_utf8_casefold (senders[i], -1);
      gboolean contains_a_term = FALSE;

      for (guint j = 0; normalized[j] != NULL && !contains_a_term; j++)
        {
          g_autofree char *needle = g_utf8_casefold (normalized[j], -1);

          contains_a_term = strstr (folded, needle) != NULL;
        }
      if (!contains_a_term)
        continue;

      g_free (filter->sender_id);
      filter->sender_id = g_strdup (senders[i]);
      if (!search_pass (cache, filter, (const char * const *) normalized, limit, found, cancellable, error))
        return NULL;
    }

  g_ptr_array_sort (found, compare_newest_first);
  for (guint i = 0; i < found->len && results->len < limit; i++)
    {
      SrMessage *message = g_ptr_array_index (found, i);

      if (g_hash_table_add (seen, (gpointer) sr_message_get_id (message)))
        g_ptr_array_add (results, g_object_ref (message));
    }

  return g_steal_pointer (&results);
}

typedef struct
{
  SrCache *cache;
  GStrv    strings;
  guint    limit;
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_clear_object (&data->cache);
  g_clear_pointer (&data->strings, g_strfreev);
  g_free (data);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  GPtrArray *results;

  results = sr_message_search (data->cache, (const char * const *) data->strings,
                               data->limit, cancellable, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

static GTask *
new_task (SrCache             *cache,
          const char * const  *strings,
          guint                limit,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  TaskData *data = g_new0 (TaskData, 1);

  g_task_set_source_tag (task, source_tag);
  data->cache = g_object_ref (cache);
  data->strings = g_strdupv ((char **) strings);
  data->limit = limit;
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);

  return task;
}

void
sr_message_search_async (SrCache             *cache,
                         const char * const  *terms,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_CACHE (cache));

  task = new_task (cache, terms, limit, cancellable, callback, user_data, sr_message_search_async);
  g_task_run_in_thread (task, search_thread);
}

GPtrArray *
sr_message_search_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_message_search_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
get_messages_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; data->strings != NULL && data->strings[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      SrMessage *message;

      if (g_task_return_error_if_cancelled (task))
        return;

      message = sr_cache_get_message (data->cache, data->strings[i], &error);
      if (message != NULL)
        g_ptr_array_add (messages, message);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&messages), (GDestroyNotify) g_ptr_array_unref);
}

void
sr_message_search_get_messages_async (SrCache             *cache,
                                      const char * const  *ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_CACHE (cache));

  task = new_task (cache, ids, 0, cancellable, callback, user_data,
                   sr_message_search_get_messages_async);
  g_task_run_in_thread (task, get_messages_thread);
}

GPtrArray *
sr_message_search_get_messages_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_message_search_get_messages_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
