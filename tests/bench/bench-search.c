/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-search.c: how long a search of the Messages Log takes on a large
 * cache, with the full-text index (what the app runs) and, for comparison,
 * with the LIKE scan it replaced. For each query: the count of matches,
 * the first screenful of the log (256 rowids, newest first), and
 * sr_cache_search_messages() with a limit of 20 (a search provider).
 * Prints the median and min–max of the runs and the load average. Not a
 * test: run it by hand.
 *
 *   _build/tests/bench/bench-search [--messages N] [--runs N] [--path FILE]
 *
 * The cache is generated on the first run (bench-data.h) and kept; it is
 * the same file bench-insights uses.
 */

#include "config.h"

#include <sqlite3.h>

#include "bench-util.h"
#include "bench-data.h"
#include "sr-cache-private.h"

static int n_messages = 1000000;
static int n_runs = 5;
static char *path = NULL;

static const GOptionEntry entries[] = {
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the cache", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions (median reported)", "N" },
  { "path", 0, 0, G_OPTION_ARG_FILENAME, &path, "Cache file (default /tmp/sr-bench-N.db)", "FILE" },
  { NULL }
};

typedef enum {
  WHAT_COUNT,
  WHAT_FIRST_SCREEN,
  WHAT_SEARCH_20,
  WHAT_LIKE_COUNT,
} What;

static double
run_once (SrCache    *cache,
          sqlite3    *raw,
          const char *query,
          What        what,
          gint64     *out_n)
{
  g_autoptr(GError) error = NULL;
  SrMessageFilter filter = { .search = (char *) query };
  gint64 t0 = g_get_monotonic_time ();

  switch (what)
    {
    case WHAT_COUNT:
      *out_n = sr_cache_count_messages (cache, &filter, &error);
      break;
    case WHAT_FIRST_SCREEN:
      {
        g_autoptr(GArray) rowids = sr_cache_query_message_rowids_limited (cache, &filter,
                                                                          SR_MESSAGE_SORT_CREATED,
                                                                          TRUE, 256, NULL, &error);
        *out_n = rowids != NULL ? (gint64) rowids->len : -1;
      }
      break;
    case WHAT_SEARCH_20:
      {
        g_autoptr(GPtrArray) found = sr_cache_search_messages (cache, query, 20, NULL, &error);
        *out_n = found != NULL ? (gint64) found->len : -1;
      }
      break;
    case WHAT_LIKE_COUNT:
      {
        /* What the search was before the index: LIKE over recipient and
         * text, ASCII case only. */
        g_autofree char *pattern = g_strdup_printf ("%%%s%%", query);
        sqlite3_stmt *stmt = NULL;

        g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                             "SELECT count(*) FROM messages"
                                             " WHERE recipient LIKE ?1 OR message LIKE ?1",
                                             -1, &stmt, NULL), ==, SQLITE_OK);
        sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        *out_n = sqlite3_column_int64 (stmt, 0);
        sqlite3_finalize (stmt);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_no_error (error);

  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the search of the Messages Log");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autofree char *load = NULL;
  sqlite3 *raw = NULL;
  const char *queries[] = { "jazz", "παραγγελία", "ΚΩΔΙΚΌΣ", "4479", "+35799", "jazz night" };
  const char *whats[] = { "count", "first 256", "search 20", "LIKE count (before)" };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (path == NULL)
    path = g_strdup_printf ("%s/sr-bench-%d.db", g_get_tmp_dir (), n_messages);

  /* Opening migrates an older file (builds the index) before timing. */
  cache = bench_open_cache (path, (guint) n_messages, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  g_print ("Search on %s (%" G_GINT64_FORMAT " messages), %d runs\n", path,
           sr_cache_count_messages (cache, NULL, NULL), n_runs);
  g_print ("%-14s %-20s %8s %11s %19s\n", "query", "what", "found", "median ms", "min–max ms");

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    for (guint w = 0; w < G_N_ELEMENTS (whats); w++)
      {
        g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
        gint64 n = 0;
        double min, max, median;

        for (int r = 0; r < n_runs; r++)
          {
            double ms = run_once (cache, raw, queries[q], (What) w, &n);

            g_array_append_val (times, ms);
          }
        median = bench_median (times);
        bench_min_max (times, &min, &max);
        g_print ("%-14s %-20s %8" G_GINT64_FORMAT " %11.1f %9.1f–%-9.1f\n",
                 queries[q], whats[w], n, median, min, max);
      }

  sqlite3_close (raw);
  load = bench_dup_load_average ();
  g_print ("Ran with the %s\n", load);

  return 0;
}
