/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-filter.c: the boxed SrCampaignFilter and its rules applied in
 * C. The cache turns the same rules into SQL
 * (sr_sql_append_campaign_filter() in sr-cache-sql.c); test-cache checks
 * that both agree:
 *
 * - a NULL or empty string means "no condition";
 * - search is a substring of the id, the sender or the text, ignoring ASCII
 *   case only (like SQLite's LIKE);
 * - times compare created_at on [from, to); sender_id is exact;
 * - source compares is_api.
 */

#define G_LOG_DOMAIN "sr-campaign-filter"

#include "config.h"

#include <string.h>

#include "sr-campaign-filter.h"
#include "sr-campaign-private.h"

G_DEFINE_BOXED_TYPE (SrCampaignFilter, sr_campaign_filter,
                     sr_campaign_filter_copy, sr_campaign_filter_free)

SrCampaignFilter *
sr_campaign_filter_new (void)
{
  return g_new0 (SrCampaignFilter, 1);
}

SrCampaignFilter *
sr_campaign_filter_copy (const SrCampaignFilter *filter)
{
  SrCampaignFilter *copy;

  g_return_val_if_fail (filter != NULL, NULL);

  copy = g_new0 (SrCampaignFilter, 1);
  copy->search = g_strdup (filter->search);
  copy->from = filter->from;
  copy->to = filter->to;
  copy->sender_id = g_strdup (filter->sender_id);
  copy->source = filter->source;
  copy->status = g_strdup (filter->status);

  return copy;
}

void
sr_campaign_filter_free (SrCampaignFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->search);
  g_free (filter->sender_id);
  g_free (filter->status);
  g_free (filter);
}

/* NULL and "" are the same: no condition. */
static inline const char *
condition_text (const char *str)
{
  return str != NULL && *str != '\0' ? str : NULL;
}

gboolean
sr_campaign_filter_equal (const SrCampaignFilter *a,
                          const SrCampaignFilter *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (condition_text (a->search), condition_text (b->search)) == 0 &&
         a->from == b->from &&
         a->to == b->to &&
         g_strcmp0 (condition_text (a->sender_id), condition_text (b->sender_id)) == 0 &&
         a->source == b->source &&
         g_strcmp0 (condition_text (a->status), condition_text (b->status)) == 0;
}

/* Like LIKE '%needle%' without ESCAPE surprises: ASCII case folded only. */
static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  gsize needle_len = strlen (needle);

  if (haystack == NULL)
    return FALSE;

  for (const char *p = haystack; *p != '\0'; p++)
    {
      if (g_ascii_strncasecmp (p, needle, needle_len) == 0)
        return TRUE;
    }

  return needle_len == 0;
}

gboolean
sr_campaign_filter_matches (const SrCampaignFilter *filter,
                            SrCampaign             *campaign)
{
  const char *str;

  g_return_val_if_fail (filter != NULL, FALSE);
  g_return_val_if_fail (SR_IS_CAMPAIGN (campaign), FALSE);

  if ((str = condition_text (filter->search)) != NULL &&
      !contains_ascii_nocase (campaign->id, str) &&
      !contains_ascii_nocase (campaign->sender_id, str) &&
      !contains_ascii_nocase (campaign->message, str))
    return FALSE;

  if (filter->from != SR_TIME_NONE && campaign->created_at < filter->from)
    return FALSE;

  if (filter->to != SR_TIME_NONE && campaign->created_at >= filter->to)
    return FALSE;

  if ((str = condition_text (filter->sender_id)) != NULL &&
      g_strcmp0 (campaign->sender_id, str) != 0)
    return FALSE;

  if ((str = condition_text (filter->status)) != NULL &&
      (campaign->status == NULL || g_ascii_strcasecmp (campaign->status, str) != 0))
    return FALSE;

  if ((filter->source == SR_CAMPAIGN_SOURCE_WEB && campaign->is_api) ||
      (filter->source == SR_CAMPAIGN_SOURCE_API && !campaign->is_api))
    return FALSE;

  return TRUE;
}
