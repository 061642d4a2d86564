/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-search-provider.c: how long GNOME Shell waits for the search provider's
 * answer on a large cache. Times sr_message_search() (what the provider runs
 * on its worker thread for GetInitialResultSet and GetSubsearchResultSet,
 * limit 20) for the kinds of query people type in the Activities overview,
 * and prints the median, 99th percentile, minimum and maximum per query and
 * over all of them. Not a test: run it by hand.
 *
 *   _build/tests/bench/bench-search-provider [--messages N] [--runs N] [--path FILE]
 *
 * The cache is the one bench-insights uses (bench-data.h), generated on the
 * first run and kept.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-util.h"
#include "bench-data.h"

static int n_messages = 1000000;
static int n_runs = 50;
static char *path = NULL;

static const GOptionEntry entries[] = {
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the cache", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions of each query", "N" },
  { "path", 0, 0, G_OPTION_ARG_FILENAME, &path, "Cache file (default /tmp/sr-bench-N.db)", "FILE" },
  { NULL }
};

/* The value below which 99 % of the sorted values lie (nearest rank). */
static double
percentile_99 (GArray *sorted)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint) ceil (0.99 * sorted->len);
  return g_array_index (sorted, double, MAX (rank, 1) - 1);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
time_search (SrCache    *cache,
             const char *query,
             guint      *out_n)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) terms = g_strsplit (query, " ", -1);
  g_autoptr(GPtrArray) results = NULL;
  gint64 t0 = g_get_monotonic_time ();

  results = sr_message_search (cache, (const char * const *) terms, SR_MESSAGE_SEARCH_DEFAULT_LIMIT,
                               NULL, &error);
  g_assert_no_error (error);
  *out_n = results->len;

  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the GNOME Shell search provider");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GPtrArray) newest = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *load = NULL;
  const char *to;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (path == NULL)
    path = g_strdup_printf ("%s/sr-bench-%d.db", g_get_tmp_dir (), n_messages);

  cache = bench_open_cache (path, (guint) n_messages, &error);
  g_assert_no_error (error);

  newest = sr_cache_query_messages (cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (newest->len, ==, 1);
  to = sr_message_get_to (g_ptr_array_index (newest, 0));

  /* Typing a sender id letter by letter, a whole one in another case, words
   * of a text, a number with and without its '+' and its last digits, and
   * nothing at all (the worst case: every row is read). */
  g_ptr_array_add (queries, g_strdup ("c"));
  g_ptr_array_add (queries, g_strdup ("co"));
  g_ptr_array_add (queries, g_strdup ("cof"));
  g_ptr_array_add (queries, g_strdup ("coffeelab"));
  g_ptr_array_add (queries, g_strdup ("code"));
  g_ptr_array_add (queries, g_strdup ("summer sale"));
  g_ptr_array_add (queries, g_strdup ("verify code"));
  g_ptr_array_add (queries, g_strdup (to));
  g_ptr_array_add (queries, g_strdup (to + 1));
  g_ptr_array_add (queries, g_strdup (to + strlen (to) - 6));
  g_ptr_array_add (queries, g_strdup ("zzqqxx"));

  g_print ("%-22s %8s %10s %10s %10s %10s\n", "query", "results", "median ms", "p99 ms", "min ms", "max ms");
  for (guint q = 0; q < queries->len; q++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      const char *query = g_ptr_array_index (queries, q);
      guint n = 0;
      double min, max, median;

      for (int r = 0; r < n_runs; r++)
        {
          double ms = time_search (cache, query, &n);

          g_array_append_val (times, ms);
          g_array_append_val (all, ms);
        }
      median = bench_median (times);
      g_array_sort (times, compare_doubles);
      bench_min_max (times, &min, &max);
      g_print ("%-22s %8u %10.2f %10.2f %10.2f %10.2f\n", query, n, median, percentile_99 (times), min, max);
    }

  {
    double min, max, median = bench_median (all);

    g_array_sort (all, compare_doubles);
    bench_min_max (all, &min, &max);
    g_print ("%-22s %8s %10.2f %10.2f %10.2f %10.2f\n", "all queries", "", median, percentile_99 (all), min, max);
  }

  load = bench_dup_load_average ();
  g_print ("%d messages, %d runs per query; ran with the %s\n", n_messages, n_runs, load);

  sr_cache_close (cache);
  g_free (path);

  return 0;
}
