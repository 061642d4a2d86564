/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-export.c: how long a CSV export of every message of a large cache
 * takes through sr_export_messages_async() (what the "Export…" action
 * calls), with the local_time column, and how much memory it needs. Prints
 * medians. Not a test: run it by hand.
 *
 *   _build/tests/bench/bench-export [--messages N] [--runs N] [--path FILE] [--out FILE]
 *
 * The cache is the one of bench-insights (bench-data.h), generated on the
 * first run and kept.
 */

#include "config.h"

#include <sys/resource.h>

#include "bench-util.h"
#include "bench-data.h"

static int n_messages = 1000000;
static int n_runs = 3;
static char *path = NULL;
static char *out_path = NULL;

static const GOptionEntry entries[] = {
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the cache", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions (median reported)", "N" },
  { "path", 0, 0, G_OPTION_ARG_FILENAME, &path, "Cache file (default /tmp/sr-bench-N.db)", "FILE" },
  { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, "CSV file (default /tmp/sr-bench-export.csv)", "FILE" },
  { NULL }
};

typedef struct
{
  gint64   rows;
  gboolean done;
  guint    n_progress;
} Waiter;

static void
on_progress (gint64   done,
             gint64   total,
             gpointer user_data)
{
  ((Waiter *) user_data)->n_progress++;
}

static void
on_export_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter->rows = sr_export_messages_finish (SR_CACHE (object), result, &error);
  g_assert_no_error (error);
  waiter->done = TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the CSV export");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  double anon_before, anon_peak = 0;
  struct rusage usage;
  gint64 size = 0;
  gint64 rows = 0;
  guint n_progress = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (path == NULL)
    path = g_strdup_printf ("%s/sr-bench-%d.db", g_get_tmp_dir (), n_messages);
  if (out_path == NULL)
    out_path = g_build_filename (g_get_tmp_dir (), "sr-bench-export.csv", NULL);

  cache = bench_open_cache (path, (guint) n_messages, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (out_path);
  anon_before = bench_proc_status_mb ("RssAnon");

  for (int r = 0; r < n_runs; r++)
    {
      Waiter waiter = { 0, FALSE, 0 };
      gint64 t0 = g_get_monotonic_time ();
      double seconds;

      sr_export_messages_async (cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, file,
                                SR_CSV_FLAGS_LOCAL_TIME, NULL, on_progress, &waiter, NULL,
                                on_export_cb, &waiter);
      while (!waiter.done)
        {
          g_main_context_iteration (NULL, TRUE);
          anon_peak = MAX (anon_peak, bench_proc_status_mb ("RssAnon"));
        }

      seconds = (g_get_monotonic_time () - t0) / 1e6;
      g_array_append_val (times, seconds);
      rows = waiter.rows;
      n_progress = waiter.n_progress;
      g_print ("run %d: %" G_GINT64_FORMAT " rows in %.2f s (%u progress callbacks)\n",
               r + 1, rows, seconds, n_progress);
    }

  {
    g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                   G_FILE_QUERY_INFO_NONE, NULL, &error);

    g_assert_no_error (error);
    size = g_file_info_get_size (info);
  }

  getrusage (RUSAGE_SELF, &usage);
  {
    g_autofree char *load = bench_dup_load_average ();
    double min, max;

    bench_min_max (times, &min, &max);
    g_print ("Median: %.2f s (min %.2f, max %.2f) for %" G_GINT64_FORMAT " rows (%.0f rows/s), file %.1f MB; %s\n",
             bench_median (times), min, max, rows, rows / bench_median (times), size / 1048576.0, load);
  }
  g_print ("Anonymous memory: %.1f MB before, %.1f MB peak while exporting\n", anon_before, anon_peak);
  g_print ("Peak RSS (VmHWM, includes the mapped database file): %.1f MB\n", usage.ru_maxrss / 1024.0);

  sr_cache_close (cache);
  g_free (path);
  g_free (out_path);

  return 0;
}
