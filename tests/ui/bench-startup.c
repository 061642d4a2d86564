/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-startup.c: how soon a window opened on a cached account shows its
 * chrome and then its cached figures, with the server unreachable (an
 * offline launch): from creating the window to its first frame, to the
 * first frame after the account's file is open, and to the first frame
 * with the Dashboard's figures. GTK's own start (before the window) is not
 * in it. Not a test: run it by hand under X, on a cache made by
 * tests/bench/bench-insights (or a synced account):
 *
 *   bench-startup --cache /tmp/sr-bench-1000000.db [--runs 5]
 *
 * The cache is opened through a data folder of symbolic links; the window
 * points at an address where nothing answers.
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sr-core.h"
#include "sr-test-loop.h"
#include "sr-test-window.h"
#include "bench-util.h"
#include "sr-resources.h"
#include "sr-window-private.h"

#define API_URL "http://127.0.0.1:9"
#define API_KEY "bench-key"

static char *cache_path = NULL;
static int n_runs = 5;

static const GOptionEntry entries[] = {
  { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache_path, "Cache file (default /tmp/sr-bench-1000000.db)", "FILE" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Launches (median reported)", "N" },
  { NULL }
};

typedef struct
{
  SrWindow *window;
  gint64    start;
  double    first_frame;      /* ms, -1 until seen */
  double    opened_frame;
  double    figures_frame;
} Launch;

static void
on_after_paint_cb (GdkFrameClock *frame_clock,
                   Launch        *launch)
{
  double ms = (g_get_monotonic_time () - launch->start) / 1000.0;

  if (launch->first_frame < 0)
    launch->first_frame = ms;
  if (launch->opened_frame < 0 && sr_window_get_session (launch->window) != NULL)
    launch->opened_frame = ms;
  if (launch->figures_frame < 0 && sr_window_get_session (launch->window) != NULL &&
      sr_dashboard_page_get_total (sr_window_get_dashboard_page (launch->window)) >= 0)
    launch->figures_frame = ms;
}

static gboolean
figures_painted (gpointer data)
{
  return ((Launch *) data)->figures_frame >= 0;
}

static void
print_row (const char *name,
           GArray     *values)
{
  double min, max;

  bench_min_max (values, &min, &max);
  g_print ("%-34s %10.1f %10.1f %10.1f\n", name, bench_median (values), min, max);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time an offline launch on a cached account");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) first = g_array_new (FALSE, TRUE, sizeof (double));
  g_autoptr(GArray) opened = g_array_new (FALSE, TRUE, sizeof (double));
  g_autoptr(GArray) figures = g_array_new (FALSE, TRUE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *link = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *load = NULL;

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
  dir = g_dir_make_tmp ("bench-startup-XXXXXX", &error);
  g_assert_no_error (error);
  file_name = sr_cache_dup_account_file_name (API_URL, API_KEY);
  link = g_build_filename (dir, file_name, NULL);
  absolute = g_canonicalize_filename (cache_path, NULL);
  if (symlink (absolute, link) != 0)
    g_error ("Cannot link %s: %s", link, g_strerror (errno));

  for (int run = 0; run < n_runs; run++)
    {
      Launch launch = { NULL, 0, -1, -1, -1 };
      gulong handler;
      GdkFrameClock *frame_clock;

      launch.start = g_get_monotonic_time ();
      launch.window = sr_window_new_for_test (API_URL, API_URL, dir, API_KEY);
      gtk_window_set_default_size (GTK_WINDOW (launch.window), 1100, 720);
      gtk_window_present (GTK_WINDOW (launch.window));
      frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (launch.window));
      g_assert_nonnull (frame_clock);
      handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_after_paint_cb), &launch);

      sr_test_wait_until (figures_painted, &launch, 300, "the cached figures");
      g_signal_handler_disconnect (frame_clock, handler);
      g_array_append_val (first, launch.first_frame);
      g_array_append_val (opened, launch.opened_frame);
      g_array_append_val (figures, launch.figures_frame);

      /* The failed sync ends before the file is closed for the next run. */
      sr_test_wait_until (sr_test_window_session_idle, launch.window, 300, "the (offline) sync");
      sr_test_window_close (launch.window);
    }

  g_print ("%-34s %10s %10s %10s\n", "ms from creating the window to", "median", "min", "max");
  print_row ("its first frame (the chrome)", first);
  print_row ("the first frame with the account", opened);
  print_row ("the first frame with the figures", figures);
  load = bench_dup_load_average ();
  g_print ("%d launches; ran with the %s\n", n_runs, load);

  g_unlink (link);
  g_rmdir (dir);

  return 0;
}
