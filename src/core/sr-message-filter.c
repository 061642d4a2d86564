/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-filter.c: the boxed SrMessageFilter and its rules applied in C.
 * The cache turns the same rules into SQL (append_message_filter() in
 * sr-cache.c); test-cache checks that both always agree:
 *
 * - a NULL or empty string means "no condition";
 * - status_mask 0 means every status; bits beyond the known statuses are
 *   ignored, and SR_STATUS_UNKNOWN's bit matches every unknown raw status;
 * - times compare created_at on [from, to);
 * - recipient is a case-sensitive substring, country_prefix a byte prefix of
 *   the recipient; campaign_id, sender_id and failed_reason are exact;
 * - search is a substring of the recipient or the text, ignoring ASCII case
 *   only (like SQLite's LIKE).
 */

#define G_LOG_DOMAIN "sr-message-filter"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-message-filter.h"
#include "sr-message-private.h"

G_DEFINE_BOXED_TYPE (SrMessageFilter, sr_message_filter,
                     sr_message_filter_copy, sr_message_filter_free)

#define ALL_STATUSES ((1u << SR_N_STATUSES) - 1)

SrMessageFilter *
sr_message_filter_new (void)
{
  return g_new0 (SrMessageFilter, 1);
}

SrMessageFilter *
sr_message_filter_copy (const SrMessageFilter *filter)
{
  SrMessageFilter *copy;

  g_return_val_if_fail (filter != NULL, NULL);

  copy = g_new0 (SrMessageFilter, 1);
  copy->status_mask = filter->status_mask;
  copy->from = filter->from;
  copy->to = filter->to;
  copy->campaign_id = g_strdup (filter->campaign_id);
  copy->recipient = g_strdup (filter->recipient);
  copy->sender_id = g_strdup (filter->sender_id);
  copy->search = g_strdup (filter->search);
  copy->failed_reason = g_strdup (filter->failed_reason);
  copy->country_prefix = g_strdup (filter->country_prefix);

  return copy;
}

void
sr_message_filter_free (SrMessageFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->campaign_id);
  g_free (filter->recipient);
  g_free (filter->sender_id);
  g_free (filter->search);
  g_free (filter->failed_reason);
  g_free (filter->country_prefix);
  g_free (filter);
}

static inline const char *
condition (const char *str)
{
  return str != NULL && *str != '\0' ? str : NULL;
}

/* The statuses a mask lets through; 0 and "every known bit" are the same. */
static inline guint
effective_mask (guint status_mask)
{
  return status_mask == 0 ? ALL_STATUSES : (status_mask & ALL_STATUSES);
}

/* TRUE when both filters select the same messages by the rules above (so
 * NULL and "" are equal, and so are masks 0 and "all statuses"). */
gboolean
sr_message_filter_equal (const SrMessageFilter *a,
                         const SrMessageFilter *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return effective_mask (a->status_mask) == effective_mask (b->status_mask) &&
         a->from == b->from &&
         a->to == b->to &&
         g_strcmp0 (condition (a->campaign_id), condition (b->campaign_id)) == 0 &&
         g_strcmp0 (condition (a->recipient), condition (b->recipient)) == 0 &&
         g_strcmp0 (condition (a->sender_id), condition (b->sender_id)) == 0 &&
         g_strcmp0 (condition (a->search), condition (b->search)) == 0 &&
         g_strcmp0 (condition (a->failed_reason), condition (b->failed_reason)) == 0 &&
         g_strcmp0 (condition (a->country_prefix), condition (b->country_prefix)) == 0;
}

/* Substring search folding ASCII letters only, as SQLite's LIKE does. */
static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  gsize needle_len;

  if (haystack == NULL)
    return FALSE;

  needle_len = strlen (needle);
  for (const char *p = haystack; *p != '\0'; p++)
    {
      if (g_ascii_strncasecmp (p, needle, needle_len) == 0)
        return TRUE;
    }

  return needle_len == 0;
}

gboolean
sr_message_filter_matches (const SrMessageFilter *filter,
                           SrMessage             *message)
{
  const char *str;

  g_return_val_if_fail (filter != NULL, FALSE);
  g_return_val_if_fail (SR_IS_MESSAGE (message), FALSE);

  if ((guint) message->status >= SR_N_STATUSES ||
      (effective_mask (filter->status_mask) & (1u << message->status)) == 0)
    return FALSE;

  if (filter->from != SR_TIME_NONE && message->created_at < filter->from)
    return FALSE;

  if (filter->to != SR_TIME_NONE && message->created_at >= filter->to)
    return FALSE;

  if ((str = condition (filter->campaign_id)) != NULL &&
      g_strcmp0 (message->campaign_id, str) != 0)
    return FALSE;

  if ((str = condition (filter->recipient)) != NULL &&
      (message->to == NULL || strstr (message->to, str) == NULL))
    return FALSE;

  if ((str = condition (filter->sender_id)) != NULL &&
      g_strcmp0 (message->sender_id, str) != 0)
    return FALSE;

  if ((str = condition (filter->search)) != NULL &&
      !contains_ascii_nocase (message->to, str) &&
      !contains_ascii_nocase (message->message, str))
    return FALSE;

  if ((str = condition (filter->failed_reason)) != NULL &&
      g_strcmp0 (message->failed_reason, str) != 0)
    return FALSE;

  if ((str = condition (filter->country_prefix)) != NULL &&
      (message->to == NULL || !g_str_has_prefix (message->to, str)))
    return FALSE;

  return TRUE;
}
