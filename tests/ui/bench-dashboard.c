/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-dashboard.c: how long the real Dashboard takes to show a period
 * after it changes, on a large cache: from sr_dashboard_page_set_period()
 * to the first frame painted with the new figures (the page's "rendered"
 * signal), and the query part of it. Not a test: run it by hand under X,
 * on a cache made by tests/bench/bench-insights (or a synced account):
 *
 *   bench-dashboard --cache /tmp/sr-bench-1000000.db [--runs 5]
 *
 * The cache is opened through a data folder of symbolic links, so the file
 * is only read. The window points at an address where nothing answers, as
 * an offline account would.
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sr-core.h"
#include "sr-resources.h"
#include "sr-window-private.h"

#define API_URL "http://127.0.0.1:9"
#define API_KEY "bench-key"

static char *cache_path = NULL;
static int n_runs = 5;
static int width = 1100;
static int height = 720;

static const GOptionEntry entries[] = {
  { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache_path, "Cache file (default /tmp/sr-bench-1000000.db)", "FILE" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions of each period (median reported)", "N" },
  { "width", 0, 0, G_OPTION_ARG_INT, &width, "Window width", "PX" },
  { "height", 0, 0, G_OPTION_ARG_INT, &height, "Window height", "PX" },
  { NULL }
};

typedef gboolean (*Predicate) (gpointer data);

static void
wait_until (Predicate   predicate,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
shows_reports (gpointer data)
{
  return g_strcmp0 (sr_window_get_visible_page (data), "reports") == 0;
}

static gboolean
messages_loaded (gpointer data)
{
  SrMessageList *list = sr_messages_page_get_list (sr_window_get_messages_page (data));

  return list != NULL && !sr_message_list_get_loading (list);
}

static gboolean
session_idle (gpointer data)
{
  SrSession *session = sr_window_get_session (data);

  return session != NULL && !sr_session_get_syncing (session);
}

static void
on_rendered_cb (SrDashboardPage *page,
                gboolean        *rendered)
{
  *rendered = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static GDateTime *
local_day (GDateTime *dt,
           int        days)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (dt);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (local),
                                                         g_date_time_get_month (local),
                                                         g_date_time_get_day_of_month (local),
                                                         0, 0, 0);
  return g_date_time_add_days (midnight, days);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time the Dashboard on a large cache");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *link = NULL;
  g_autofree char *absolute = NULL;
  g_autoptr(GDateTime) newest = NULL;
  SrDashboardPage *page;
  SrWindow *window;
  gboolean rendered = FALSE;
  gint64 newest_usec;
  struct
  {
    const char        *name;
    SrDashboardPeriod  period;
    int                days;      /* custom: days ending on the newest message's day */
  } periods[] = {
    { "1 day (hourly)", SR_DASHBOARD_PERIOD_CUSTOM, 1 },
    { "7 days", SR_DASHBOARD_PERIOD_CUSTOM, 7 },
    { "30 days", SR_DASHBOARD_PERIOD_CUSTOM, 30 },
    { "all time", SR_DASHBOARD_PERIOD_ALL, 0 },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (cache_path == NULL)
    cache_path = g_strdup ("/tmp/sr-bench-1000000.db");
  if (!g_file_test (cache_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("No cache at %s; make one with tests/bench/bench-insights\n", cache_path);
      return 2;
    }

  gtk_init ();
  adw_init ();
  sr_register_resource ();

  /* A data folder whose account file is the benchmark's cache. */
  dir = g_dir_make_tmp ("bench-dashboard-XXXXXX", &error);
  g_assert_no_error (error);
  file_name = sr_cache_dup_account_file_name (API_URL, API_KEY);
  link = g_build_filename (dir, file_name, NULL);
  absolute = g_canonicalize_filename (cache_path, NULL);
  if (symlink (absolute, link) != 0)
    g_error ("Cannot link %s: %s", link, g_strerror (errno));

  window = sr_window_new_for_test (API_URL, API_URL, dir, API_KEY);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (shows_reports, window, "the reports page");
  sr_window_show_content_page (window, "dashboard");
  page = sr_window_get_dashboard_page (window);
  g_signal_connect (page, "rendered", G_CALLBACK (on_rendered_cb), &rendered);

  /* Let the start-up work (the Messages Log's query, the failed sync) end. */
  wait_until (session_idle, window, "the (offline) sync");
  wait_until (messages_loaded, window, "the Messages Log");

  newest_usec = sr_cache_get_newest_created_at (sr_session_get_cache (sr_window_get_session (window)), &error);
  g_assert_no_error (error);
  newest = g_date_time_new_from_unix_utc (newest_usec / G_USEC_PER_SEC);

  g_print ("%-16s %10s %12s %12s\n", "period", "messages", "query ms", "render ms");
  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      g_autofree double *query = g_new0 (double, n_runs);
      g_autofree double *render = g_new0 (double, n_runs);
      gint64 total = 0;

      for (int run = 0; run < n_runs; run++)
        {
          /* Go somewhere else first, so every run is a real change. */
          rendered = FALSE;
          sr_dashboard_page_set_period (page, SR_DASHBOARD_PERIOD_TODAY);
          wait_until (is_true, &rendered, "the dashboard");

          rendered = FALSE;
          if (periods[p].period == SR_DASHBOARD_PERIOD_CUSTOM)
            {
              g_autoptr(GDateTime) first = local_day (newest, 1 - periods[p].days);
              g_autoptr(GDateTime) last = local_day (newest, 0);

              sr_dashboard_page_set_custom_period (page, first, last);
            }
          else
            sr_dashboard_page_set_period (page, periods[p].period);
          wait_until (is_true, &rendered, "the dashboard");

          sr_dashboard_page_get_timing (page, &query[run], &render[run]);
          total = sr_dashboard_page_get_total (page);
        }

      g_print ("%-16s %10" G_GINT64_FORMAT " %12.1f %12.1f\n",
               periods[p].name, total, median (query, n_runs), median (render, n_runs));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (link);
  g_rmdir (dir);

  return 0;
}
