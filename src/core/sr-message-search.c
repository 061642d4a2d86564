/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-search.c: the search behind GNOME Shell's search provider.
 * It is the Messages Log's own search (sr_cache_search_messages(), the
 * full-text index; the rules are in sr-message-filter.h): every word must
 * match the start of a word of the text or the sender id, in any case; a
 * number matches anywhere in the recipient, with or without its '+'. What
 * this file adds is what a search box outside the app needs: the terms as
 * Shell splits them, cleaned, and a default limit.
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

gboolean
sr_message_search_matches (SrMessage          *message,
                           const char * const *terms)
{
  g_autoptr(SrMessageFilter) filter = NULL;

  g_return_val_if_fail (SR_IS_MESSAGE (message), FALSE);

  if (terms == NULL || terms[0] == NULL)
    return FALSE;

  filter = sr_message_filter_new ();
  filter->search = g_strjoinv (" ", (char **) terms);
  return sr_message_filter_matches (filter, message);
}

GPtrArray *
sr_message_search (SrCache             *cache,
                   const char * const  *terms,
                   guint                limit,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_auto(GStrv) normalized = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (limit == 0)
    limit = SR_MESSAGE_SEARCH_DEFAULT_LIMIT;

  normalized = sr_message_search_normalize_terms (terms);
  if (normalized == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);

  text = g_strjoinv (" ", normalized);
  return sr_cache_search_messages (cache, text, limit, cancellable, error);
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
