/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-insights.c: the Dashboard's aggregates.
 *
 * How the numbers are computed, and why:
 *
 * - A period of several days comes mostly from the aggregates the writer
 *   keeps per UTC hour and day (schema 5, sr-cache-aggregates.c): see
 *   "from the aggregates" below. What they cannot answer (a chart of hours,
 *   a filter with more than a period, a file without them) is computed as
 *   follows, and so are the partial days at the edges of a period.
 * - One pass over sr_cache_foreach_report_row(): a range scan of the covering
 *   index messages_insights (created_at, status_code, cost, sender_id,
 *   recipient, failed_reason), added by schema 3, so a period never reads
 *   the wide table rows. Every aggregate is folded in C while the rows go
 *   by: SQLite has no hash aggregation, so one GROUP BY per view would sort
 *   the period once per view.
 * - Countries are derived from the recipient with the calling-code trie of
 *   sr-countries (a handful of array steps per row), counted per table entry
 *   and merged per ISO code at the end. Nothing derived is stored, so a
 *   corrected table applies to old messages too.
 * - Senders and failure reasons go through small hash tables; consecutive
 *   rows usually share a sender (campaigns), so the last one is remembered.
 * - The raw strings of unknown statuses (UNDELIVERED, …) are not in the
 *   index; they come from one more query restricted to status code 0.
 * - Buckets are local days (or hours) of a GTimeZone, so days stay days
 *   across DST changes.
 */

#define G_LOG_DOMAIN "sr-insights"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-cache.h"
#include "sr-cache-aggregates.h"
#include "sr-countries.h"
#include "sr-insights.h"
#include "sr-insights-private.h"
#include "sr-message.h"
#include "sr-status.h"

/* Refuses absurd ranges (a century of hours) rather than allocate them. */
#define MAX_BUCKETS 200000

struct _SrInsights
{
  gatomicrefcount       ref_count;

  SrInsightsFlags       flags;
  gint64                from;
  gint64                to;
  SrInsightsBucketSize  bucket_size;
  SrInsightsTotals      totals;
  char                 *currency;

  GArray               *buckets;     /* SrInsightsBucket */
  GArray               *statuses;    /* SrInsightsStatus */
  GArray               *countries;   /* SrDeliveryRow */
  GArray               *senders;     /* SrDeliveryRow */
  GArray               *failures;    /* SrFailureReasonRow */
  GStringChunk         *strings;     /* every string the rows point to that is not static */
  gboolean              from_aggregates;
};

G_DEFINE_BOXED_TYPE (SrInsights, sr_insights, sr_insights_ref, sr_insights_unref)

static SrInsights *
sr_insights_new (SrInsightsFlags flags)
{
  SrInsights *self = g_new0 (SrInsights, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->flags = flags;
  self->buckets = g_array_new (FALSE, TRUE, sizeof (SrInsightsBucket));
  self->statuses = g_array_new (FALSE, TRUE, sizeof (SrInsightsStatus));
  self->countries = g_array_new (FALSE, TRUE, sizeof (SrDeliveryRow));
  self->senders = g_array_new (FALSE, TRUE, sizeof (SrDeliveryRow));
  self->failures = g_array_new (FALSE, TRUE, sizeof (SrFailureReasonRow));
  self->strings = g_string_chunk_new (1024);

  return self;
}

SrInsights *
sr_insights_ref (SrInsights *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sr_insights_unref (SrInsights *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->currency);
  g_array_unref (self->buckets);
  g_array_unref (self->statuses);
  g_array_unref (self->countries);
  g_array_unref (self->senders);
  g_array_unref (self->failures);
  g_string_chunk_free (self->strings);
  g_free (self);
}

double
sr_delivery_row_get_rate (const SrDeliveryRow *row)
{
  gint64 settled;

  g_return_val_if_fail (row != NULL, -1);

  settled = row->total - row->pending;
  if (settled <= 0)
    return -1;

  return (double) row->delivered / (double) settled;
}

/* --- accumulation --------------------------------------------------------- */

typedef struct
{
  gint64 by_group[SR_N_STATUS_GROUPS];
  double cost;
} Counts;

typedef struct
{
  char   *key;      /* (owned) */
  Counts  counts;
} KeyedCounts;

static void
keyed_counts_free (gpointer data)
{
  KeyedCounts *keyed = data;

  g_free (keyed->key);
  g_free (keyed);
}

typedef struct
{
  SrInsightsTotals *totals;

  /* buckets */
  SrInsightsBucket *buckets;
  guint             n_buckets;
  gint64            nominal_usec;   /* a bucket's usual length, for the first guess */

  /* countries: per entry of the table, then one for unknown numbers */
  const SrCountry  *table;
  guint             n_table;
  Counts           *by_entry;       /* (owned) n_table + 1 */

  /* senders */
  GHashTable       *senders;        /* key → KeyedCounts */
  KeyedCounts      *last_sender;

  /* failure reasons */
  GHashTable       *reasons;        /* reason → count (gint64 *) */

  /* From the aggregates only: */
  GHashTable       *unknown;        /* raw status → Counts (count in by_group[0]) */
  GHashTable       *prefixes;       /* entry prefix → entry index + 1 (static keys) */
  gint64            split_first;    /* hours holding a bucket boundary, sorted */
  GArray           *split_hours;    /* gint64 */
} Accumulator;

static SrStatusGroup status_groups[SR_N_STATUSES];

static void
init_status_groups (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < SR_N_STATUSES; i++)
        status_groups[i] = sr_status_get_group (i);
      g_once_init_leave (&initialized, 1);
    }
}

static inline guint
find_bucket (Accumulator *acc,
             gint64       created_at)
{
  const SrInsightsBucket *b = acc->buckets;
  gint64 guess = (created_at - b[0].start) / acc->nominal_usec;
  guint i;

  i = (guint) CLAMP (guess, 0, (gint64) acc->n_buckets - 1);
  while (i > 0 && created_at < b[i].start)
    i--;
  while (i + 1 < acc->n_buckets && created_at >= b[i].end)
    i++;

  return i;
}

static inline void
counts_add (Counts        *counts,
            SrStatusGroup  group,
            double         cost)
{
  counts->by_group[group]++;
  counts->cost += cost;
}

static inline void
counts_add_n (Counts        *counts,
              SrStatusGroup  group,
              gint64         n,
              double         cost)
{
  counts->by_group[group] += n;
  counts->cost += cost;
}

static KeyedCounts *
lookup_sender (Accumulator *acc,
               const char  *sender_id)
{
  const char *sender = sender_id != NULL ? sender_id : "";
  KeyedCounts *keyed = acc->last_sender;

  if (keyed == NULL || strcmp (keyed->key, sender) != 0)
    {
      keyed = g_hash_table_lookup (acc->senders, sender);
      if (keyed == NULL)
        {
          keyed = g_new0 (KeyedCounts, 1);
          keyed->key = g_strdup (sender);
          g_hash_table_insert (acc->senders, keyed->key, keyed);
        }
      acc->last_sender = keyed;
    }

  return keyed;
}

static inline gboolean
is_failure_group (SrStatusGroup group)
{
  return group == SR_STATUS_GROUP_FAILED || group == SR_STATUS_GROUP_NOT_SENT ||
         group == SR_STATUS_GROUP_OTHER;
}

static void
add_reason (Accumulator *acc,
            const char  *reason,
            gint64       n)
{
  gint64 *count = g_hash_table_lookup (acc->reasons, reason);

  if (count == NULL)
    {
      count = g_new0 (gint64, 1);
      g_hash_table_insert (acc->reasons, g_strdup (reason), count);
    }
  *count += n;
}

static gboolean
accumulate_row_cb (const SrReportRow *row,
                   gpointer           user_data)
{
  Accumulator *acc = user_data;
  SrStatusGroup group = status_groups[row->status];

  acc->totals->by_status[row->status]++;
  acc->totals->cost_by_status[row->status] += row->cost;

  if (acc->n_buckets > 0)
    {
      SrInsightsBucket *bucket = &acc->buckets[find_bucket (acc, row->created_at)];

      bucket->total++;
      bucket->by_group[group]++;
      bucket->cost += row->cost;
    }

  if (acc->by_entry != NULL)
    {
      const SrCountry *country = sr_country_from_number (row->recipient);
      guint entry = country != NULL ? (guint) (country - acc->table) : acc->n_table;

      counts_add (&acc->by_entry[entry], group, row->cost);
    }

  if (acc->senders != NULL)
    counts_add (&lookup_sender (acc, row->sender_id)->counts, group, row->cost);

  if (acc->reasons != NULL &&
      row->failed_reason != NULL && row->failed_reason[0] != '\0' &&
      is_failure_group (group))
    add_reason (acc, row->failed_reason, 1);

  return TRUE;
}

/* --- results -------------------------------------------------------------- */

static void
delivery_row_set_counts (SrDeliveryRow *row,
                         const Counts  *counts)
{
  row->delivered = counts->by_group[SR_STATUS_GROUP_DELIVERED];
  row->failed = counts->by_group[SR_STATUS_GROUP_FAILED] +
                counts->by_group[SR_STATUS_GROUP_NOT_SENT];
  row->unconfirmed = counts->by_group[SR_STATUS_GROUP_UNCONFIRMED];
  row->pending = counts->by_group[SR_STATUS_GROUP_PENDING];
  row->other = counts->by_group[SR_STATUS_GROUP_OTHER];
  row->total = row->delivered + row->failed + row->unconfirmed + row->pending + row->other;
  row->cost = counts->cost;
}

static int
compare_delivery_rows (gconstpointer a,
                       gconstpointer b)
{
  const SrDeliveryRow *ra = a;
  const SrDeliveryRow *rb = b;

  if (ra->total != rb->total)
    return ra->total > rb->total ? -1 : 1;

  return strcmp (ra->key, rb->key);
}

static inline gboolean
counts_is_empty (const Counts *counts)
{
  for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
    {
      if (counts->by_group[g] != 0)
        return FALSE;
    }

  return TRUE;
}

/* Merges the per-entry counts into one row per ISO code; a country with
 * several entries (Canada's area codes) is described by the first one in
 * table order. */
static void
build_country_rows (SrInsights  *self,
                    Accumulator *acc)
{
  g_autoptr(GHashTable) by_code = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) sums = g_array_new (FALSE, TRUE, sizeof (Counts));

  for (guint i = 0; i <= acc->n_table; i++)
    {
      const Counts *counts = &acc->by_entry[i];
      const SrCountry *country = i < acc->n_table ? &acc->table[i] : NULL;
      const char *code = country != NULL ? country->code : "";
      gpointer index_ptr;
      Counts *sum;

      if (counts_is_empty (counts))
        continue;

      if (!g_hash_table_lookup_extended (by_code, code, NULL, &index_ptr))
        {
          SrDeliveryRow row = { 0, };

          row.key = code;
          if (country != NULL)
            {
              row.label = sr_country_get_name (country);
              row.prefix = sr_country_get_calling_code (country);
              row.prefix_shared = sr_country_is_calling_code_shared (country);
            }
          else
            {
              /* Translators: the destination country of numbers whose
               * calling code the app does not know */
              row.label = _("Unknown");
            }

          index_ptr = GUINT_TO_POINTER (self->countries->len);
          g_hash_table_insert (by_code, (gpointer) code, index_ptr);
          g_array_append_val (self->countries, row);
          g_array_set_size (sums, self->countries->len);
        }

      sum = &g_array_index (sums, Counts, GPOINTER_TO_UINT (index_ptr));
      for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
        sum->by_group[g] += counts->by_group[g];
      sum->cost += counts->cost;
    }

  for (guint i = 0; i < self->countries->len; i++)
    delivery_row_set_counts (&g_array_index (self->countries, SrDeliveryRow, i),
                             &g_array_index (sums, Counts, i));

  g_array_sort (self->countries, compare_delivery_rows);
}

static void
build_sender_rows (SrInsights  *self,
                   Accumulator *acc)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, acc->senders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KeyedCounts *keyed = value;
      SrDeliveryRow row = { 0, };

      row.key = g_string_chunk_insert_const (self->strings, keyed->key);
      row.label = row.key;
      delivery_row_set_counts (&row, &keyed->counts);
      g_array_append_val (self->senders, row);
    }

  g_array_sort (self->senders, compare_delivery_rows);
}

static int
compare_failure_rows (gconstpointer a,
                      gconstpointer b)
{
  const SrFailureReasonRow *ra = a;
  const SrFailureReasonRow *rb = b;

  if (ra->count != rb->count)
    return ra->count > rb->count ? -1 : 1;

  return strcmp (ra->reason, rb->reason);
}

static void
build_failure_rows (SrInsights  *self,
                    Accumulator *acc)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, acc->reasons);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SrFailureReasonRow row = { 0, };

      row.reason = g_string_chunk_insert_const (self->strings, key);
      row.count = *(gint64 *) value;
      row.explanation = sr_failure_reason_explain (row.reason, &row.permanent);
      g_array_append_val (self->failures, row);
    }

  g_array_sort (self->failures, compare_failure_rows);
}

static int
compare_status_rows (gconstpointer a,
                     gconstpointer b)
{
  const SrInsightsStatus *ra = a;
  const SrInsightsStatus *rb = b;

  if (ra->count != rb->count)
    return ra->count > rb->count ? -1 : 1;

  return strcmp (ra->status_raw, rb->status_raw);
}

static void
append_status_row (SrInsights *self,
                   const char *status_raw,
                   SrStatus    status,
                   gint64      count,
                   double      cost)
{
  SrInsightsStatus row = { 0, };

  row.status_raw = g_string_chunk_insert_const (self->strings, status_raw);
  row.status = status;
  row.group = sr_status_get_group (status);
  row.billable = sr_status_is_billable (status);
  row.count = count;
  row.cost = cost;
  g_array_append_val (self->statuses, row);
}

/* Known statuses have one spelling (the parser upper-cases what it knows);
 * the unknown ones are read back by their raw strings. */
static gboolean
build_status_rows (SrInsights             *self,
                   SrCache                *cache,
                   const SrMessageFilter  *filter,
                   GHashTable             *unknown_counts,
                   GError                **error)
{
  const SrInsightsTotals *totals = &self->totals;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      if (i != SR_STATUS_UNKNOWN && totals->by_status[i] > 0)
        append_status_row (self, sr_status_to_string (i), i,
                           totals->by_status[i], totals->cost_by_status[i]);
    }

  /* From the aggregates: read with them. */
  if (unknown_counts != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, unknown_counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const Counts *counts = value;

          if (counts->by_group[0] != 0)
            append_status_row (self, key, SR_STATUS_UNKNOWN, counts->by_group[0], counts->cost);
        }
    }
  else if (totals->by_status[SR_STATUS_UNKNOWN] > 0)
    {
      g_autoptr(SrMessageFilter) unknown = NULL;
      g_autoptr(GPtrArray) counts = NULL;

      unknown = filter != NULL ? sr_message_filter_copy (filter) : sr_message_filter_new ();
      unknown->status_mask = 1u << SR_STATUS_UNKNOWN;
      counts = sr_cache_query_status_counts (cache, unknown, error);
      if (counts == NULL)
        return FALSE;

      for (guint i = 0; i < counts->len; i++)
        {
          const SrStatusCount *count = g_ptr_array_index (counts, i);

          append_status_row (self, count->status_raw, SR_STATUS_UNKNOWN,
                             count->count, count->cost);
        }
    }

  g_array_sort (self->statuses, compare_status_rows);
  return TRUE;
}

static void
finish_totals (SrInsightsTotals *totals)
{
  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      totals->total += totals->by_status[i];
      totals->cost += totals->cost_by_status[i];
      totals->by_group[sr_status_get_group (i)] += totals->by_status[i];
      if (sr_status_is_billable (i))
        totals->billable += totals->by_status[i];
      else
        totals->non_billable += totals->by_status[i];
    }
}

/* --- the period and its buckets ------------------------------------------ */

static gboolean
resolve_period (SrCache                *cache,
                const SrMessageFilter  *filter,
                gint64                 *out_from,
                gint64                 *out_to,
                GError                **error)
{
  gint64 from = filter != NULL ? filter->from : SR_TIME_NONE;
  gint64 to = filter != NULL ? filter->to : SR_TIME_NONE;

  /* Open ends: the first and last matching messages, two index lookups. */
  for (guint i = 0; i < 2; i++)
    {
      gboolean newest = i == 1;
      g_autoptr(GPtrArray) edge = NULL;

      if ((newest ? to : from) != SR_TIME_NONE)
        continue;

      edge = sr_cache_query_messages (cache, filter, SR_MESSAGE_SORT_CREATED,
                                      newest, 1, 0, error);
      if (edge == NULL)
        return FALSE;
      if (edge->len == 0)
        {
          *out_from = *out_to = SR_TIME_NONE;
          return TRUE;
        }

      if (newest)
        to = sr_message_get_created_at (g_ptr_array_index (edge, 0)) + 1;
      else
        from = sr_message_get_created_at (g_ptr_array_index (edge, 0));
    }

  *out_from = from;
  *out_to = to;
  return TRUE;
}

/* The whole second at or before usec, in zone. */
static GDateTime *
date_time_from_usec (GTimeZone *zone,
                     gint64     usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC - (usec % G_USEC_PER_SEC < 0 ? 1 : 0);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);

  if (utc == NULL)
    return NULL;
  return g_date_time_to_timezone (utc, zone);
}

static inline gint64
date_time_to_usec (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

/* The local midnight of date in zone (or the first moment of that day when a
 * DST change skips midnight). */
static gint64
local_midnight (GTimeZone   *zone,
                const GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new (zone,
                                             g_date_get_year (date),
                                             g_date_get_month (date),
                                             g_date_get_day (date),
                                             0, 0, 0);

  return date_time_to_usec (dt);
}

/* TRUE when [from, to) fits in the local day that starts at from's local
 * time (23 to 25 hours around DST changes). */
static gboolean
is_one_day (GTimeZone *zone,
            gint64     from,
            gint64     to)
{
  g_autoptr(GDateTime) start = date_time_from_usec (zone, from);
  g_autoptr(GDateTime) next = NULL;

  if (start == NULL)
    return FALSE;
  next = g_date_time_add_days (start, 1);
  if (next == NULL)
    return FALSE;

  /* date_time_from_usec() dropped the fraction of a second */
  return to <= date_time_to_usec (next) + (from - date_time_to_usec (start));
}

static gboolean
make_buckets (SrInsights  *self,
              GTimeZone   *zone,
              GError     **error)
{
  g_autoptr(GDateTime) first = NULL;
  gint64 from = self->from;
  gint64 to = self->to;
  gint64 start;

  if (from == SR_TIME_NONE || to <= from)
    return TRUE;

  first = date_time_from_usec (zone, from);
  if (first == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Period start out of range");
      return FALSE;
    }

  if (self->bucket_size == SR_INSIGHTS_BUCKET_HOUR)
    {
      /* Local hours are whole hours of UTC shifted by the offset; DST
       * changes move the offset by whole hours, so the grid holds. */
      gint64 offset = g_date_time_get_utc_offset (first);
      gint64 local = from + offset;
      gint64 rem = local % G_TIME_SPAN_HOUR;

      if (rem < 0)
        rem += G_TIME_SPAN_HOUR;
      start = from - rem;

      for (guint n = 0; start < to; n++)
        {
          SrInsightsBucket bucket = { 0, };

          if (n >= MAX_BUCKETS)
            goto too_many;
          bucket.start = start;
          bucket.end = start + G_TIME_SPAN_HOUR;
          g_array_append_val (self->buckets, bucket);
          start = bucket.end;
        }
    }
  else
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date,
                      g_date_time_get_day_of_month (first),
                      g_date_time_get_month (first),
                      g_date_time_get_year (first));
      start = local_midnight (zone, &date);
      /* A midnight skipped by DST can land after from */
      if (start > from)
        start = from;

      for (guint n = 0; start < to; n++)
        {
          SrInsightsBucket bucket = { 0, };

          if (n >= MAX_BUCKETS || g_date_get_julian (&date) >= G_MAXUINT32 - 2)
            goto too_many;
          g_date_add_days (&date, 1);
          bucket.start = start;
          bucket.end = local_midnight (zone, &date);
          g_array_append_val (self->buckets, bucket);
          start = bucket.end;
        }
    }

  return TRUE;

too_many:
  g_array_set_size (self->buckets, 0);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "The period is too long for a chart");
  return FALSE;
}

/* --- from the aggregates ----------------------------------------------------
 *
 * A period of local days [from, to) is read in three parts:
 * - the whole UTC days inside it, [d1, d2), from the aggregates: the hours
 *   give the totals, the statuses and the chart; the days give the
 *   breakdowns by sender, country and failure reason;
 * - the partial UTC days at its edges, [from, d1) and [d2, to), scanned from
 *   the rows as before (two days at most);
 * - the hours inside [d1, d2) that hold a local midnight, in zones whose
 *   offset is not whole hours (+05:30): their cells count for the totals but
 *   are split between two bars of the chart by a scan of their rows.
 * So All Time costs about as much as a week. A chart of hours (a period of
 * one day), or a filter with more than a period, scans the rows.
 */

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b < 0 ? 1 : 0);
}

static gboolean
is_period_only (const SrMessageFilter *filter)
{
  if (filter == NULL)
    return TRUE;

  return filter->status_mask == 0 &&
         (filter->campaign_id == NULL || filter->campaign_id[0] == '\0') &&
         (filter->recipient == NULL || filter->recipient[0] == '\0') &&
         (filter->sender_id == NULL || filter->sender_id[0] == '\0') &&
         (filter->search == NULL || filter->search[0] == '\0') &&
         (filter->failed_reason == NULL || filter->failed_reason[0] == '\0') &&
         (filter->country_prefix == NULL || filter->country_prefix[0] == '\0');
}

static void
add_unknown (Accumulator *acc,
             const char  *raw,
             gint64       n,
             double       cost)
{
  Counts *counts;

  if (raw == NULL)
    raw = "";
  counts = g_hash_table_lookup (acc->unknown, raw);
  if (counts == NULL)
    {
      counts = g_new0 (Counts, 1);
      g_hash_table_insert (acc->unknown, g_strdup (raw), counts);
    }
  counts_add_n (counts, 0, n, cost);
}

static gboolean
unknown_cell_cb (gint64      t,
                 SrStatus    status,
                 const char *key,
                 gint64      n,
                 double      cost,
                 gpointer    user_data)
{
  add_unknown (user_data, key, n, cost);
  return TRUE;
}

static gboolean
bucket_row_cb (const SrReportRow *row,
               gpointer           user_data)
{
  Accumulator *acc = user_data;
  SrInsightsBucket *bucket = &acc->buckets[find_bucket (acc, row->created_at)];

  bucket->total++;
  bucket->by_group[status_groups[row->status]]++;
  bucket->cost += row->cost;

  return TRUE;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 ia = *(const gint64 *) a;
  gint64 ib = *(const gint64 *) b;

  return ia < ib ? -1 : ia > ib;
}

static gboolean
status_sum_cb (gint64      t,
               SrStatus    status,
               const char *key,
               gint64      n,
               double      cost,
               gpointer    user_data)
{
  Accumulator *acc = user_data;

  acc->totals->by_status[status] += n;
  acc->totals->cost_by_status[status] += cost;
  if (status == SR_STATUS_UNKNOWN)
    add_unknown (acc, key, n, cost);

  return TRUE;
}

static gboolean
hour_cb (gint64        hour,
         const gint64 *by_group,
         double        cost,
         gpointer      user_data)
{
  Accumulator *acc = user_data;
  SrInsightsBucket *bucket;

  /* An hour split between two bars is counted from its rows. */
  if (acc->split_hours->len > 0 &&
      bsearch (&hour, acc->split_hours->data, acc->split_hours->len,
               sizeof (gint64), compare_int64) != NULL)
    return TRUE;

  bucket = &acc->buckets[find_bucket (acc, hour * SR_AGG_HOUR_USEC)];
  for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
    {
      bucket->total += by_group[g];
      bucket->by_group[g] += by_group[g];
    }
  bucket->cost += cost;

  return TRUE;
}

static gboolean
country_cell_cb (gint64      day,
                 SrStatus    status,
                 const char *key,
                 gint64      n,
                 double      cost,
                 gpointer    user_data)
{
  Accumulator *acc = user_data;
  guint entry = GPOINTER_TO_UINT (g_hash_table_lookup (acc->prefixes, key));

  /* 0: no entry ("" or a prefix the table no longer has) */
  entry = entry > 0 ? entry - 1 : acc->n_table;
  counts_add_n (&acc->by_entry[entry], status_groups[status], n, cost);

  return TRUE;
}

static gboolean
sender_cell_cb (gint64      day,
                SrStatus    status,
                const char *key,
                gint64      n,
                double      cost,
                gpointer    user_data)
{
  Accumulator *acc = user_data;

  counts_add_n (&lookup_sender (acc, key)->counts, status_groups[status], n, cost);

  return TRUE;
}

static gboolean
reason_cell_cb (gint64      day,
                SrStatus    status,
                const char *key,
                gint64      n,
                double      cost,
                gpointer    user_data)
{
  Accumulator *acc = user_data;

  if (is_failure_group (status_groups[status]))
    add_reason (acc, key, n);

  return TRUE;
}

/* *out_done FALSE (and TRUE returned) when the aggregates cannot answer:
 * then the caller scans the rows. */
static gboolean
accumulate_from_aggregates (SrInsights             *self,
                            SrCache                *cache,
                            const SrMessageFilter  *filter,
                            SrInsightsFlags         what,
                            Accumulator            *acc,
                            GCancellable           *cancellable,
                            gboolean               *out_done,
                            GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  SrAggReader *reader;
  gint64 from = self->from;
  gint64 to = self->to;
  gint64 d1 = -floor_div (-from, SR_AGG_DAY_USEC) * SR_AGG_DAY_USEC;
  gint64 d2 = floor_div (to, SR_AGG_DAY_USEC) * SR_AGG_DAY_USEC;
  gboolean ok = FALSE;

  *out_done = FALSE;

  if (!is_period_only (filter) || self->bucket_size != SR_INSIGHTS_BUCKET_DAY || d1 >= d2)
    return TRUE;

  reader = sr_agg_reader_begin (cache, cancellable, &local_error);
  if (reader == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  acc->unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  acc->split_hours = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (acc->by_entry != NULL)
    {
      acc->prefixes = g_hash_table_new (g_str_hash, g_str_equal);
      /* The first entry of a prefix, as the trie keeps it. */
      for (guint i = acc->n_table; i > 0; i--)
        g_hash_table_insert (acc->prefixes, (gpointer) acc->table[i - 1].prefix,
                             GUINT_TO_POINTER (i));
    }

  for (guint i = 1; i < acc->n_buckets; i++)
    {
      gint64 boundary = acc->buckets[i].start;

      if (boundary > d1 && boundary < d2 && boundary % SR_AGG_HOUR_USEC != 0)
        {
          gint64 hour = floor_div (boundary, SR_AGG_HOUR_USEC);

          g_array_append_val (acc->split_hours, hour);
        }
    }

  /* The edges, row by row. */
  if (from < d1 && !sr_agg_reader_foreach_row (reader, from, d1, accumulate_row_cb, acc, error))
    goto out;
  if (d2 < to && !sr_agg_reader_foreach_row (reader, d2, to, accumulate_row_cb, acc, error))
    goto out;
  if ((what & SR_INSIGHTS_STATUSES) &&
      ((from < d1 && !sr_agg_reader_foreach_unknown_status (reader, from, d1, unknown_cell_cb, acc, error)) ||
       (d2 < to && !sr_agg_reader_foreach_unknown_status (reader, d2, to, unknown_cell_cb, acc, error))))
    goto out;

  /* The hours split between two bars. */
  for (guint i = 0; i < acc->split_hours->len && acc->n_buckets > 0; i++)
    {
      gint64 hour = g_array_index (acc->split_hours, gint64, i);

      if (!sr_agg_reader_foreach_row (reader, hour * SR_AGG_HOUR_USEC, (hour + 1) * SR_AGG_HOUR_USEC,
                                      bucket_row_cb, acc, error))
        goto out;
    }

  /* The whole days: the cells summed over the period by SQLite, the chart
   * hour by hour. */
  if (!sr_agg_reader_foreach_sum (reader, SR_AGG_STATUSES, d1 / SR_AGG_DAY_USEC, d2 / SR_AGG_DAY_USEC,
                                  status_sum_cb, acc, error))
    goto out;
  if (acc->n_buckets > 0 &&
      !sr_agg_reader_foreach_hour (reader, d1 / SR_AGG_HOUR_USEC, d2 / SR_AGG_HOUR_USEC,
                                   hour_cb, acc, error))
    goto out;
  if ((what & SR_INSIGHTS_COUNTRIES) &&
      !sr_agg_reader_foreach_sum (reader, SR_AGG_COUNTRIES, d1 / SR_AGG_DAY_USEC, d2 / SR_AGG_DAY_USEC,
                                  country_cell_cb, acc, error))
    goto out;
  if ((what & SR_INSIGHTS_SENDERS) &&
      !sr_agg_reader_foreach_sum (reader, SR_AGG_SENDERS, d1 / SR_AGG_DAY_USEC, d2 / SR_AGG_DAY_USEC,
                                  sender_cell_cb, acc, error))
    goto out;
  if ((what & SR_INSIGHTS_FAILURES) &&
      !sr_agg_reader_foreach_sum (reader, SR_AGG_REASONS, d1 / SR_AGG_DAY_USEC, d2 / SR_AGG_DAY_USEC,
                                  reason_cell_cb, acc, error))
    goto out;

  self->from_aggregates = TRUE;
  *out_done = TRUE;
  ok = TRUE;

out:
  sr_agg_reader_end (reader);
  return ok;
}

/* --- the query ------------------------------------------------------------ */

static SrInsights *
query (SrCache                *cache,
       const SrMessageFilter  *period_filter,
       SrInsightsFlags         what,
       GTimeZone              *zone,
       gboolean                use_aggregates,
       GCancellable           *cancellable,
       GError                **error)
{
  SrInsights *result = NULL;
  g_autoptr(SrInsights) self = NULL;
  g_autoptr(GTimeZone) local_zone = NULL;
  g_autoptr(SrMessageFilter) filter = NULL;
  Accumulator acc = { 0, };
  gint64 started = g_get_monotonic_time ();
  gboolean done = FALSE;

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  init_status_groups ();

  if (zone == NULL)
    zone = local_zone = g_time_zone_new_local ();

  self = sr_insights_new (what & SR_INSIGHTS_ALL);

  if (!resolve_period (cache, period_filter, &self->from, &self->to, error))
    return NULL;

  if (self->from != SR_TIME_NONE && self->to > self->from &&
      is_one_day (zone, self->from, self->to))
    self->bucket_size = SR_INSIGHTS_BUCKET_HOUR;
  else
    self->bucket_size = SR_INSIGHTS_BUCKET_DAY;

  if ((what & SR_INSIGHTS_BUCKETS) && !make_buckets (self, zone, error))
    return NULL;

  {
    GError *local_error = NULL;

    /* No account row yet is fine: the amounts then have no currency. */
    if (!sr_cache_get_account (cache, NULL, &self->currency, NULL, &local_error) &&
        local_error != NULL)
      {
        g_propagate_error (error, local_error);
        return NULL;
      }
  }

  /* An empty period: nothing to read. */
  if (self->from == SR_TIME_NONE || self->to <= self->from)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  /* The scan covers the resolved period exactly, even when the filter left
   * it open (then it is every matching message anyway). */
  filter = period_filter != NULL ? sr_message_filter_copy (period_filter) : sr_message_filter_new ();
  filter->from = self->from;
  filter->to = self->to;

  acc.totals = &self->totals;
  acc.buckets = (SrInsightsBucket *) (gpointer) self->buckets->data;
  acc.n_buckets = self->buckets->len;
  acc.nominal_usec = self->bucket_size == SR_INSIGHTS_BUCKET_HOUR ? G_TIME_SPAN_HOUR : G_TIME_SPAN_DAY;
  if (what & SR_INSIGHTS_COUNTRIES)
    {
      acc.table = sr_countries_get_all (&acc.n_table);
      acc.by_entry = g_new0 (Counts, acc.n_table + 1);
    }
  if (what & SR_INSIGHTS_SENDERS)
    acc.senders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, keyed_counts_free);
  if (what & SR_INSIGHTS_FAILURES)
    acc.reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (use_aggregates &&
      !accumulate_from_aggregates (self, cache, filter, what, &acc, cancellable, &done, error))
    goto out;
  if (!done &&
      !sr_cache_foreach_report_row (cache, filter, accumulate_row_cb, &acc, cancellable, error))
    goto out;

  finish_totals (&self->totals);

  if ((what & SR_INSIGHTS_STATUSES) && !build_status_rows (self, cache, filter, acc.unknown, error))
    goto out;
  if (what & SR_INSIGHTS_COUNTRIES)
    build_country_rows (self, &acc);
  if (what & SR_INSIGHTS_SENDERS)
    build_sender_rows (self, &acc);
  if (what & SR_INSIGHTS_FAILURES)
    build_failure_rows (self, &acc);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  g_debug ("Insights of %" G_GINT64_FORMAT " messages in %.1f ms (%s)",
           self->totals.total, (g_get_monotonic_time () - started) / 1000.0,
           self->from_aggregates ? "aggregates" : "rows");

  result = g_steal_pointer (&self);

out:
  g_free (acc.by_entry);
  g_clear_pointer (&acc.senders, g_hash_table_unref);
  g_clear_pointer (&acc.reasons, g_hash_table_unref);
  g_clear_pointer (&acc.unknown, g_hash_table_unref);
  g_clear_pointer (&acc.prefixes, g_hash_table_unref);
  g_clear_pointer (&acc.split_hours, g_array_unref);

  return result;
}

SrInsights *
sr_insights_query (SrCache                *cache,
                   const SrMessageFilter  *period_filter,
                   SrInsightsFlags         what,
                   GTimeZone              *zone,
                   GCancellable           *cancellable,
                   GError                **error)
{
  return query (cache, period_filter, what, zone, TRUE, cancellable, error);
}

SrInsights *
sr_insights_query_rows (SrCache                *cache,
                        const SrMessageFilter  *period_filter,
                        SrInsightsFlags         what,
                        GTimeZone              *zone,
                        GError                **error)
{
  return query (cache, period_filter, what, zone, FALSE, NULL, error);
}

gboolean
sr_insights_get_from_aggregates (SrInsights *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->from_aggregates;
}

typedef struct
{
  SrMessageFilter *filter;   /* (owned) (nullable) */
  SrInsightsFlags  what;
  GTimeZone       *zone;     /* (owned) */
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_clear_pointer (&data->filter, sr_message_filter_free);
  g_clear_pointer (&data->zone, g_time_zone_unref);
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
  SrInsights *insights;

  insights = sr_insights_query (source_object, data->filter, data->what, data->zone,
                                cancellable, &error);
  if (insights == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, insights, (GDestroyNotify) sr_insights_unref);
}

static void
start_query (SrCache               *cache,
             const SrMessageFilter *period_filter,
             SrInsightsFlags        what,
             GTimeZone             *zone,
             GCancellable          *cancellable,
             GAsyncReadyCallback    callback,
             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  data = g_new0 (QueryData, 1);
  data->filter = period_filter != NULL ? sr_message_filter_copy (period_filter) : NULL;
  data->what = what;
  data->zone = g_time_zone_ref (zone);

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_insights_query_async);
  g_task_set_name (task, "[sr-insights] query");
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

void
sr_insights_query_in_zone_async (SrCache               *cache,
                                 const SrMessageFilter *period_filter,
                                 SrInsightsFlags        what,
                                 GTimeZone             *zone,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  g_autoptr(GTimeZone) local_zone = NULL;

  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (zone == NULL)
    zone = local_zone = g_time_zone_new_local ();

  start_query (cache, period_filter, what, zone, cancellable, callback, user_data);
}

void
sr_insights_query_async (SrCache               *cache,
                         const SrMessageFilter *period_filter,
                         SrInsightsFlags        what,
                         gint64                 utc_offset_usec,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_autoptr(GTimeZone) zone = NULL;

  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  zone = g_time_zone_new_offset ((gint32) (utc_offset_usec / G_USEC_PER_SEC));
  start_query (cache, period_filter, what, zone, cancellable, callback, user_data);
}

SrInsights *
sr_insights_query_finish (SrCache       *cache,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (g_task_is_valid (result, cache), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_insights_query_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- getters -------------------------------------------------------------- */

SrInsightsFlags
sr_insights_get_flags (SrInsights *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->flags;
}

void
sr_insights_get_period (SrInsights *self,
                        gint64     *out_from,
                        gint64     *out_to)
{
  g_return_if_fail (self != NULL);

  if (out_from != NULL)
    *out_from = self->from;
  if (out_to != NULL)
    *out_to = self->to;
}

const SrInsightsTotals *
sr_insights_get_totals (SrInsights *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->totals;
}

const char *
sr_insights_get_currency (SrInsights *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->currency;
}

SrInsightsBucketSize
sr_insights_get_bucket_size (SrInsights *self)
{
  g_return_val_if_fail (self != NULL, SR_INSIGHTS_BUCKET_DAY);

  return self->bucket_size;
}

static gconstpointer
array_contents (GArray *array,
                guint  *out_len)
{
  if (out_len != NULL)
    *out_len = array->len;

  return array->len > 0 ? (gconstpointer) array->data : NULL;
}

const SrInsightsBucket *
sr_insights_get_buckets (SrInsights *self,
                         guint      *n_buckets)
{
  g_return_val_if_fail (self != NULL, NULL);

  return array_contents (self->buckets, n_buckets);
}

const SrInsightsStatus *
sr_insights_get_statuses (SrInsights *self,
                          guint      *n_statuses)
{
  g_return_val_if_fail (self != NULL, NULL);

  return array_contents (self->statuses, n_statuses);
}

const SrDeliveryRow *
sr_insights_get_countries (SrInsights *self,
                           guint      *n_countries)
{
  g_return_val_if_fail (self != NULL, NULL);

  return array_contents (self->countries, n_countries);
}

const SrDeliveryRow *
sr_insights_get_senders (SrInsights *self,
                         guint      *n_senders)
{
  g_return_val_if_fail (self != NULL, NULL);

  return array_contents (self->senders, n_senders);
}

const SrFailureReasonRow *
sr_insights_get_failure_reasons (SrInsights *self,
                                 guint      *n_reasons)
{
  g_return_val_if_fail (self != NULL, NULL);

  return array_contents (self->failures, n_reasons);
}
