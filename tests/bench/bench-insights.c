/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-insights.c: how long the Dashboard's numbers take on a large cache.
 * Runs sr_insights_query_in_zone_async() (what the Dashboard calls) for one
 * day, 7 days, 30 days and all time, and prints medians with min–max; also,
 * for comparison, the same figures computed by a scan of every row of the
 * period (what the Dashboard did before the aggregates of schema 5), the
 * bare index scan underneath, and the peak RSS. The last line puts All Time
 * and 7 days side by side: with the aggregates they cost about the same. Not
 * a test: run it by hand.
 *
 *   _build/tests/bench/bench-insights [--messages N] [--runs N] [--path FILE]
 *
 * The cache is generated on the first run (bench-data.h) and kept.
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "bench-data.h"
#include "sr-cache-private.h"
#include "sr-insights-private.h"

static int n_messages = 1000000;
static int n_runs = 7;
static char *path = NULL;

static const GOptionEntry entries[] = {
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the cache", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions (median reported)", "N" },
  { "path", 0, 0, G_OPTION_ARG_FILENAME, &path, "Cache file (default /tmp/sr-bench-N.db)", "FILE" },
  { NULL }
};

typedef struct
{
  SrInsights *insights;
  gboolean    done;
} Waiter;

static void
on_insights_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter->insights = sr_insights_query_finish (SR_CACHE (object), result, &error);
  g_assert_no_error (error);
  waiter->done = TRUE;
}

/* Milliseconds from the call to the callback, as the Dashboard sees it. */
static double
time_insights (SrCache         *cache,
               SrMessageFilter *filter,
               GTimeZone       *zone,
               SrInsights     **out_insights)
{
  Waiter waiter = { NULL, FALSE };
  gint64 t0 = g_get_monotonic_time ();

  sr_insights_query_in_zone_async (cache, filter, SR_INSIGHTS_ALL, zone, NULL,
                                   on_insights_cb, &waiter);
  while (!waiter.done)
    g_main_context_iteration (NULL, TRUE);

  if (out_insights != NULL)
    *out_insights = waiter.insights;
  else
    sr_insights_unref (waiter.insights);

  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The same figures from a scan of the rows (no aggregates), blocking. */
static double
time_rows (SrCache         *cache,
           SrMessageFilter *filter,
           GTimeZone       *zone)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInsights) insights = NULL;
  gint64 t0 = g_get_monotonic_time ();

  insights = sr_insights_query_rows (cache, filter, SR_INSIGHTS_ALL, zone, &error);
  g_assert_no_error (error);

  return (g_get_monotonic_time () - t0) / 1000.0;
}

static gboolean
count_row_cb (const SrReportRow *row,
              gpointer           user_data)
{
  (*(gint64 *) user_data)++;
  return TRUE;
}

static double
time_scan (SrCache         *cache,
           SrMessageFilter *filter)
{
  g_autoptr(GError) error = NULL;
  gint64 rows = 0;
  gint64 t0 = g_get_monotonic_time ();

  sr_cache_foreach_report_row (cache, filter, count_row_cb, &rows, NULL, &error);
  g_assert_no_error (error);

  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* [local midnight n_days - 1 days before the day of end, the next midnight) */
static SrMessageFilter *
make_period (GTimeZone *zone,
             gint64     end,
             int        n_days)
{
  g_autoptr(GDateTime) last = g_date_time_new_from_unix_utc (end / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (last, zone);
  g_autoptr(GDateTime) midnight = g_date_time_new (zone, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);
  g_autoptr(GDateTime) from = g_date_time_add_days (midnight, 1 - n_days);
  g_autoptr(GDateTime) to = g_date_time_add_days (midnight, 1);
  SrMessageFilter *filter = sr_message_filter_new ();

  filter->from = g_date_time_to_unix (from) * G_USEC_PER_SEC;
  filter->to = g_date_time_to_unix (to) * G_USEC_PER_SEC;
  return filter;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the Dashboard's insights");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) end_dt = NULL;
  struct rusage usage;
  gint64 end;
  struct
  {
    const char      *name;
    SrMessageFilter *filter;
  } periods[4];
  double medians[4] = { 0, };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (path == NULL)
    path = g_strdup_printf ("%s/sr-bench-%d.db", g_get_tmp_dir (), n_messages);

  cache = bench_open_cache (path, (guint) n_messages, &error);
  g_assert_no_error (error);

  zone = g_time_zone_new_identifier ("Europe/Nicosia");
  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  end_dt = g_date_time_new_from_iso8601 (BENCH_DATA_END_UTC, NULL);
  end = g_date_time_to_unix (end_dt) * G_USEC_PER_SEC - 1;

  periods[0].name = "1 day (hours)";
  periods[0].filter = make_period (zone, end, 1);
  periods[1].name = "7 days";
  periods[1].filter = make_period (zone, end, 7);
  periods[2].name = "30 days";
  periods[2].filter = make_period (zone, end, 30);
  periods[3].name = "all time";
  periods[3].filter = NULL;

  {
    g_autofree char *plan = sr_cache_dup_report_rows_plan (cache, periods[2].filter, &error);

    g_assert_no_error (error);
    g_print ("Plan (30 days): %s\n", plan);
  }

  g_print ("%-14s %9s %9s %20s %5s %20s %9s %9s %9s\n",
           "period", "messages", "first ms", "median ms (min-max)", "aggr",
           "rows ms (min-max)", "scan ms", "countries", "senders");

  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) scans = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(SrInsights) insights = NULL;
      guint n_countries = 0, n_senders = 0;
      double first, min, max, rows_min, rows_max;
      g_autofree char *range = NULL;
      g_autofree char *rows_range = NULL;

      first = time_insights (cache, periods[p].filter, zone, &insights);
      for (int r = 0; r < n_runs; r++)
        {
          double ms = time_insights (cache, periods[p].filter, zone, NULL);

          g_array_append_val (times, ms);
          ms = time_rows (cache, periods[p].filter, zone);
          g_array_append_val (rows, ms);
          ms = time_scan (cache, periods[p].filter);
          g_array_append_val (scans, ms);
        }

      sr_insights_get_countries (insights, &n_countries);
      sr_insights_get_senders (insights, &n_senders);
      bench_min_max (times, &min, &max);
      bench_min_max (rows, &rows_min, &rows_max);
      range = g_strdup_printf ("%.1f (%.1f-%.1f)", bench_median (times), min, max);
      rows_range = g_strdup_printf ("%.1f (%.1f-%.1f)", bench_median (rows), rows_min, rows_max);
      medians[p] = bench_median (times);
      g_print ("%-14s %9" G_GINT64_FORMAT " %9.1f %20s %5s %20s %9.1f %9u %9u\n",
               periods[p].name, sr_insights_get_totals (insights)->total,
               first, range, sr_insights_get_from_aggregates (insights) ? "yes" : "no",
               rows_range, bench_median (scans), n_countries, n_senders);
    }

  g_print ("All Time vs 7 days (Dashboard query, medians): %.1f ms vs %.1f ms (x%.2f)\n",
           medians[3], medians[1], medians[1] > 0 ? medians[3] / medians[1] : 0);

  getrusage (RUSAGE_SELF, &usage);
  {
    g_autofree char *load = bench_dup_load_average ();

    g_print ("Ran with the %s\n", load);
  }
  g_print ("Anonymous memory now: %.1f MB\n", bench_proc_status_mb ("RssAnon"));
  g_print ("Peak RSS (VmHWM, includes the mapped database file read by the open's quick check): %.1f MB\n",
           usage.ru_maxrss / 1024.0);

  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    g_clear_pointer (&periods[p].filter, sr_message_filter_free);
  sr_cache_close (cache);
  g_free (path);

  return 0;
}
