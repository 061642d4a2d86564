/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-list.c: the Messages Log on a large cache, in the real window under
 * X (Xvfb): launch → first row painted, sort and filter changes → the first
 * frame painted that shows the new first row, the longest main-loop gap
 * (a 1 ms high-priority timer) while scrolling, on Home/End and on random
 * jumps, memory after opening and after 10 sorts and filters, the Dashboard
 * over all time; and, for comparison, the naive design (every row read into
 * a GListStore shown by a GtkColumnView). Not a test: run it by hand on a
 * cache made by tests/bench/bench-insights:
 *
 *   tests/bench/bench-insights --messages 1000000 --runs 1   (makes the cache)
 *   xvfb-run -a tests/bench/bench-list --cache /tmp/sr-bench-1000000.db [--runs 3] [--naive-runs N]
 *
 * Every run is a fresh process (this program with --child), so launch
 * times and memory are those of a start. The window starts on the Messages
 * Log (its last page). Both designs run again on a baseline cache of 1,000
 * messages (a few screenfuls, made on the first run): GTK, libadwaita and
 * the rest of the window cost the same there, so the difference is what the
 * list of a million rows costs. It prints one table (median and min–max
 * over the runs, with the load average) and a last line of ratios: raw
 * (whole processes) and over the baseline.
 *
 * "Painted" means: the frame clock's after-paint of a frame in which the
 * list's first item is the one the cache gives for the query (its id
 * compared), the view is scrolled to the top, and a mapped label in the
 * column view shows that message's recipient.
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sr-cells.h"
#include "sr-core.h"
#include "sr-resources.h"
#include "sr-window-private.h"
#include "bench-data.h"
#include "bench-util.h"

#define API_URL "http://127.0.0.1:9"
#define API_KEY "bench-key"
#define TIMEOUT_S 600
/* The baseline: the same windows on a cache of a few screenfuls. */
#define BASELINE_MESSAGES 1000

static char *cache_path = NULL;
static char *baseline_path = NULL;
static int n_runs = 3;
static int n_naive_runs = -1;
static gboolean child = FALSE;
static gboolean naive = FALSE;
static gboolean launch_only = FALSE;
static gboolean dashboard_only = FALSE;
static gboolean scroll_only = FALSE;
static gboolean redraw_only = FALSE;
static int hold_s = 0;

static const GOptionEntry entries[] = {
  { "cache", 0, 0, G_OPTION_ARG_FILENAME, &cache_path, "Cache file (default /tmp/sr-bench-1000000.db)", "FILE" },
  { "baseline-cache", 0, 0, G_OPTION_ARG_FILENAME, &baseline_path,
    "Cache of the memory baseline (default /tmp/sr-bench-list-baseline.db, made if missing)", "FILE" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs (fresh processes) of each design", "N" },
  { "naive-runs", 0, 0, G_OPTION_ARG_INT, &n_naive_runs, "Runs of the naive design (default: --runs; it is slow)", "N" },
  { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child, NULL, NULL },
  { "naive", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &naive, NULL, NULL },
  /* with --child: stop after the launch (for a profiler: valgrind
   * --tool=callgrind bench-list --child --launch-only --cache FILE) */
  { "launch-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &launch_only, NULL, NULL },
  /* with --child: the launch, then the Dashboard (the same, for a profiler) */
  { "dashboard-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &dashboard_only, NULL, NULL },
  /* with --child: the launch, then the scrolling and the jumps (for a profiler) */
  { "scroll-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &scroll_only, NULL, NULL },
  /* with --child: the launch, then only the whole window drawn again
   * (valgrind --tool=callgrind --toggle-collect=measure_redraw) */
  { "redraw-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &redraw_only, NULL, NULL },
  /* with --child: wait this long after the open's memory figures (to read
   * /proc/PID/smaps), the main loop running */
  { "hold", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &hold_s, NULL, NULL },
  { NULL }
};

/* --- measuring --------------------------------------------------------- */

static double
proc_status_mb (const char *field)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], field) && lines[i][strlen (field)] == ':')
      return g_ascii_strtod (lines[i] + strlen (field) + 1, NULL) / 1024.0;
  return -1;
}

/* The 1 ms high-priority timer: the longest gap between two of its ticks
 * is the longest time the main loop could not run anything. */
static gint64 last_tick;
static gint64 max_gap;
/* The same gap in the main thread's CPU time: what the app itself spent,
 * whatever else the machine runs (the wall-clock gap grows with the load). */
static gint64 last_tick_cpu;
static gint64 max_gap_cpu;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Where the longest gap (in CPU time) went when it held a frame: the
 * frame clock's phases, stamped after GTK's own handlers (connected
 * first) of before-paint, layout (bind, measure, allocate) and paint
 * (snapshot, render, upload). */
static gint64 ph_bp, ph_lay, ph_paint;
static double worst_pre, worst_layout, worst_paint, worst_post;

static void ph_bp_cb (void) { ph_bp = thread_cpu_us (); }
static void ph_lay_cb (void) { ph_lay = thread_cpu_us (); }
static void ph_paint_cb (void) { ph_paint = thread_cpu_us (); }

static void
watch_phases (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (ph_bp_cb), NULL);
  g_signal_connect (clock, "layout", G_CALLBACK (ph_lay_cb), NULL);
  g_signal_connect (clock, "paint", G_CALLBACK (ph_paint_cb), NULL);
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (last_tick != 0)
    {
      max_gap = MAX (max_gap, now - last_tick);
      if (cpu - last_tick_cpu > max_gap_cpu)
        {
          if (ph_bp > last_tick_cpu && ph_paint >= ph_lay && ph_lay >= ph_bp)
            {
              worst_pre = (ph_bp - last_tick_cpu) / 1000.0;
              worst_layout = (ph_lay - ph_bp) / 1000.0;
              worst_paint = (ph_paint - ph_lay) / 1000.0;
              worst_post = (cpu - ph_paint) / 1000.0;
            }
          else
            {
              worst_pre = (cpu - last_tick_cpu) / 1000.0;
              worst_layout = worst_paint = worst_post = 0;
            }
        }
      max_gap_cpu = MAX (max_gap_cpu, cpu - last_tick_cpu);
    }
  last_tick = now;
  last_tick_cpu = cpu;

  return G_SOURCE_CONTINUE;
}

static void
gap_reset (void)
{
  last_tick = g_get_monotonic_time ();
  last_tick_cpu = thread_cpu_us ();
  max_gap = 0;
  max_gap_cpu = 0;
  worst_pre = worst_layout = worst_paint = worst_post = 0;
}

static double
gap_ms (double *cpu_ms)
{
  tick_cb (NULL);
  *cpu_ms = max_gap_cpu / 1000.0;

  return max_gap / 1000.0;
}

typedef gboolean (*Predicate) (gpointer data);

static void
wait_until (Predicate   predicate,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
run_for (int ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

/* The floor under any gap: the window drawn again whole (its last render
 * nodes, nothing changed) by its own renderer, until the X server has
 * done it; median of 20, in ms of wall clock and of main-thread CPU. */
G_GNUC_NO_INLINE static void
measure_redraw (GtkWidget *window,
                double    *wall_ms,
                double    *cpu_ms)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GArray) walls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 20; i++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      gint64 t0 = g_get_monotonic_time (), c0 = thread_cpu_us ();
      double wall, cpu;

      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (window), gtk_widget_get_height (window));
      node = gtk_snapshot_free_to_node (snapshot);
      /* (nothing to draw while the window's own render node is being
       * made again: not a redraw, not counted) */
      if (node == NULL)
        {
          run_for (20);
          continue;
        }
      gsk_renderer_render (renderer, node, NULL);
      gdk_display_sync (gtk_widget_get_display (window));
      wall = (g_get_monotonic_time () - t0) / 1000.0;
      cpu = (thread_cpu_us () - c0) / 1000.0;
      g_array_append_val (walls, wall);
      g_array_append_val (cpus, cpu);
      run_for (20);
    }
  *wall_ms = bench_median (walls);
  *cpu_ms = bench_median (cpus);
}

/* --- what is on screen --------------------------------------------------- */

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  /* the Messages Log's cells */
  if (SR_IS_CELL (widget) && g_strcmp0 (sr_cell_get_text (widget), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (find_label (c, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  SrWindow      *window;        /* NULL: the naive window */
  GListModel    *model;
  GtkWidget     *view;          /* where the labels are */
  GtkAdjustment *vadjustment;
  char          *want_id;       /* expected first row */
  char          *want_to;
  gboolean       painted;       /* a frame was painted showing it */
  gint64         painted_at;
  gint64         painted_cpu;   /* the main thread's CPU time then */
} Screen;

/* A row not read yet is a placeholder with an empty id: no match. */
static const char *
first_id (Screen *screen)
{
  g_autoptr(SrMessage) first = NULL;

  if (g_list_model_get_n_items (screen->model) == 0)
    return NULL;
  first = g_list_model_get_item (screen->model, 0);
  return g_intern_string (sr_message_get_id (first));
}

static void
after_paint_cb (GdkFrameClock *clock,
                Screen        *screen)
{
  if (screen->painted || screen->want_id == NULL || screen->model == NULL)
    return;
  /* the Messages Log itself, not a view of it fading out */
  if (screen->window != NULL &&
      (g_strcmp0 (sr_window_get_content_page (screen->window), "messages") != 0 ||
       g_strcmp0 (sr_window_get_visible_page (screen->window), "reports") != 0))
    return;
  if (g_strcmp0 (first_id (screen), screen->want_id) != 0)
    return;
  if (screen->vadjustment != NULL && gtk_adjustment_get_value (screen->vadjustment) > 0.5)
    return;
  if (!find_label (screen->view, screen->want_to))
    return;
  screen->painted = TRUE;
  screen->painted_at = g_get_monotonic_time ();
  screen->painted_cpu = thread_cpu_us ();
}

static gboolean
is_painted (gpointer data)
{
  return ((Screen *) data)->painted;
}

/* The cache's answer for the query, read before the change (off the clock). */
static void
expect_first (Screen                *screen,
              SrCache               *cache,
              const SrMessageFilter *filter,
              SrMessageSort          sort,
              gboolean               descending)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = sr_cache_query_messages (cache, filter, sort, descending, 1, 0, &error);
  SrMessage *m;

  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 1);
  m = g_ptr_array_index (first, 0);
  g_free (screen->want_id);
  g_free (screen->want_to);
  screen->want_id = g_strdup (sr_message_get_id (m));
  screen->want_to = g_strdup (sr_message_get_to (m));
  screen->painted = FALSE;
}

static GtkAdjustment *
find_vadjustment (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkAdjustment *adj = find_vadjustment (c);
      if (adj != NULL)
        return adj;
    }
  return NULL;
}

/* --- the scroll phases ------------------------------------------------- */

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  GtkAdjustment *adj = data;

  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + 180);
  return G_SOURCE_CONTINUE;
}

/* Whether the rows in view (estimated from the adjustment: rows are all
 * the same height) are real rows, not placeholders. */
static gboolean
rows_in_view_loaded (SrMessageList *list,
                     GtkAdjustment *adj)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  double upper = gtk_adjustment_get_upper (adj);
  guint first, count;

  if (n == 0 || upper <= 0)
    return TRUE;
  first = (guint) (gtk_adjustment_get_value (adj) / upper * n);
  count = (guint) ceil (gtk_adjustment_get_page_size (adj) / upper * n);
  for (guint i = first; i < MIN (first + count, n); i++)
    if (!sr_message_list_is_loaded (list, i))
      return FALSE;
  return TRUE;
}

/* How the longest gap of a phase split (main-thread CPU). */
static void
print_worst_split (const char *phase)
{
  g_print ("gap_%s_outside_frame_ms=%.1f\ngap_%s_layout_ms=%.1f\ngap_%s_paint_ms=%.1f\n",
           phase, worst_pre + worst_post, phase, worst_layout, phase, worst_paint);
}

/* list: NULL for the naive design, whose rows are always real. */
static void
measure_scrolling (GtkWidget     *view,
                   GtkAdjustment *adj,
                   SrMessageList *list,
                   GRand         *rand,
                   double        *smooth,
                   double        *home_end,
                   double        *jumps,
                   double        *jump_rows,
                   double        *cpu)
{
  g_autoptr(GArray) waits = g_array_new (FALSE, FALSE, sizeof (double));
  guint id;

  /* Smooth: 180 px a frame (about 6 rows) for 3 s. */
  gap_reset ();
  id = gtk_widget_add_tick_callback (view, scroll_tick_cb, adj, NULL);
  run_for (3000);
  gtk_widget_remove_tick_callback (view, id);
  *smooth = gap_ms (&cpu[0]);
  print_worst_split ("scroll");

  /* End, Home, End, Home */
  gap_reset ();
  for (int i = 0; i < 4; i++)
    {
      gtk_adjustment_set_value (adj, i % 2 == 0 ? gtk_adjustment_get_upper (adj) : 0);
      run_for (400);
    }
  *home_end = gap_ms (&cpu[1]);
  print_worst_split ("home_end");

  /* 30 jumps to random places; after each, the time until the rows in
   * view are real (at most 10 s), then the rest of 150 ms */
  gap_reset ();
  for (int i = 0; i < 30; i++)
    {
      double upper = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
      gint64 t0, waited;
      double waited_ms;

      gtk_adjustment_set_value (adj, g_rand_double_range (rand, 0, MAX (upper, 1)));
      t0 = g_get_monotonic_time ();
      while (list != NULL && !rows_in_view_loaded (list, adj) &&
             g_get_monotonic_time () < t0 + 10 * G_USEC_PER_SEC)
        g_main_context_iteration (NULL, TRUE);
      waited = g_get_monotonic_time () - t0;
      waited_ms = waited / 1000.0;
      g_array_append_val (waits, waited_ms);
      if (waited < 150 * 1000)
        run_for (150 - waited / 1000);
    }
  *jumps = gap_ms (&cpu[2]);
  print_worst_split ("jumps");
  *jump_rows = bench_median (waits);
}

/* --- a child run: the real window ---------------------------------------- */

static gboolean
messages_list_ready (gpointer data)
{
  return sr_messages_page_get_list (sr_window_get_messages_page (data)) != NULL;
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

static void
print_memory (const char *when)
{
  g_print ("rss_%s=%.1f\nanon_%s=%.1f\n", when, proc_status_mb ("VmRSS"),
           when, proc_status_mb ("RssAnon"));
}

/* A change of the list (sort or filter): time to the first painted frame
 * that shows the new first row; with a name, also prints the main thread's
 * CPU time until then as NAME_main_cpu_ms. */
static double
time_change (const char            *name,
             Screen                *screen,
             SrCache               *cache,
             SrMessageList         *list,
             GtkColumnView         *column_view,
             SrMessageView         *view,
             const SrMessageFilter *filter,
             SrMessageSort          sort,
             gboolean               descending)
{
  gint64 t0, cpu0;

  expect_first (screen, cache, filter, sort, descending);
  /* as the Messages page does: the view goes back to the top */
  sr_message_view_reset_scroll (view);
  t0 = g_get_monotonic_time ();
  cpu0 = thread_cpu_us ();
  if (!sr_message_filter_equal (filter, sr_message_list_get_filter (list)))
    sr_message_list_set_filter (list, filter);
  if (sort != sr_message_list_get_sort (list) || descending != sr_message_list_get_descending (list))
    gtk_column_view_sort_by_column (column_view, sr_message_view_get_column (view, sort),
                                    descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  /* The view may keep an old row in view and never show the new first
   * one: given up after 60 s, reported as a failure (-1). */
  {
    gint64 deadline = t0 + 60 * G_USEC_PER_SEC;

    while (!screen->painted && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  if (!screen->painted)
    return -1;
  if (name != NULL)
    g_print ("%s_main_cpu_ms=%.1f\n", name, (screen->painted_cpu - cpu0) / 1000.0);
  return (screen->painted_at - t0) / 1000.0;
}

static gboolean
list_idle (gpointer data)
{
  return !sr_message_list_get_loading (data);
}

/* Rows a search finds (the whole set loaded). */
static guint
search_rows (SrMessageList *list,
             const char    *text)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

  filter->search = g_strdup (text);
  sr_message_list_set_filter (list, filter);
  wait_until (list_idle, list, "the search");
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

/* The Dashboard's All Time, to its first painted frame; a function of its
 * own for a profiler: valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=show_all_time --dump-after=show_all_time bench-list
 * --child --dashboard-only --cache FILE counts the main thread's
 * instructions for it alone, once with new rows, then again. */
static G_GNUC_NO_INLINE void
show_all_time (SrDashboardPage *dashboard,
               gboolean        *rendered)
{
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_ALL);
  wait_until (is_true, rendered, "the dashboard");
}

static int
run_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *link = NULL;
  g_autofree char *absolute = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(SrMessageFilter) all = sr_message_filter_new ();
  g_autoptr(SrMessageFilter) failed = sr_message_filter_new ();
  g_autoptr(SrMessageFilter) sender = sr_message_filter_new ();
  g_autoptr(SrMessageFilter) search = sr_message_filter_new ();
  Screen screen = { NULL, };
  SrMessagesPage *page;
  SrMessageView *view;
  GtkColumnView *column_view;
  SrMessageList *list;
  SrCache *cache;
  SrWindow *window;
  SrDashboardPage *dashboard;
  gboolean rendered = FALSE;
  double smooth, home_end, jumps, jump_rows, query_ms, render_ms, redraw_ms, redraw_cpu_ms;
  double cpu[3];
  gint64 t0, cpu0, launch_cpu0;

#ifdef __GLIBC__
  /* as the app's main() does */
  mallopt (M_ARENA_MAX, 2);
#endif
  gtk_init ();
  adw_init ();
  sr_register_resource ();
  {
    /* The app's style, as the application loads it (resource-base-path):
     * the rows' paddings, the pills, the dimmed cells. */
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, RESOURCE_PATH "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* not under a profiler: its ticks would count the time */
  if (!launch_only && !dashboard_only)
    g_timeout_add_full (G_PRIORITY_HIGH, 1, tick_cb, NULL, NULL);

  dir = g_dir_make_tmp ("bench-list-XXXXXX", &error);
  g_assert_no_error (error);
  file_name = sr_cache_dup_account_file_name (API_URL, API_KEY);
  link = g_build_filename (dir, file_name, NULL);
  absolute = g_canonicalize_filename (cache_path, NULL);
  if (symlink (absolute, link) != 0)
    g_error ("Cannot link %s: %s", link, g_strerror (errno));

  /* The expected first row of the start (newest first), read before. */
  {
    g_autoptr(SrCache) probe = sr_cache_open (absolute, &error);

    g_assert_no_error (error);
    expect_first (&screen, probe, all, SR_MESSAGE_SORT_CREATED, TRUE);
    sr_cache_close (probe);
  }

  /* The window opens on the page it was closed on: the Messages Log
   * (the settings are in memory, this process's own). */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

    g_settings_set_string (settings, "last-page", "messages");
  }

  t0 = g_get_monotonic_time ();
  launch_cpu0 = thread_cpu_us ();
  window = sr_window_new_for_test (API_URL, API_URL, dir, API_KEY);
  screen.window = window;
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)),
                    "after-paint", G_CALLBACK (after_paint_cb), &screen);
  wait_until (messages_list_ready, window, "the Messages Log");
  watch_phases (GTK_WIDGET (window));

  page = sr_window_get_messages_page (window);
  view = sr_messages_page_get_view (page);
  column_view = sr_message_view_get_column_view (view);
  list = sr_messages_page_get_list (page);
  screen.model = G_LIST_MODEL (list);
  screen.view = GTK_WIDGET (column_view);
  screen.vadjustment = find_vadjustment (GTK_WIDGET (view));
  wait_until (is_painted, &screen, "the first row");
  g_print ("launch_ms=%.1f\n", (screen.painted_at - t0) / 1000.0);
  /* what the app itself spent on the main thread (the wall clock grows
   * with the machine's load) */
  g_print ("launch_main_cpu_ms=%.1f\n", (screen.painted_cpu - launch_cpu0) / 1000.0);
  if (launch_only)
    goto out;

  wait_until (session_idle, window, "the (offline) sync");
  wait_until (messages_loaded, window, "the whole Messages Log");
  run_for (500);
  print_memory ("open");
  if (hold_s > 0)
    {
      g_print ("holding pid=%d\n", (int) getpid ());
      fflush (stdout);
      run_for (hold_s * 1000);
    }

  cache = sr_session_get_cache (sr_window_get_session (window));
  if (dashboard_only)
    goto dashboard;
  if (scroll_only)
    goto scrolling;
  if (redraw_only)
    goto redraw;

  failed->status_mask = 1 << SR_STATUS_FAILED;
  sender->sender_id = g_strdup ("MyShop");
  search->search = g_strdup ("jazz");

  g_print ("sort_recipient_ms=%.1f\n", time_change ("sort_recipient", &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_RECIPIENT, FALSE));
  g_print ("sort_cost_ms=%.1f\n", time_change ("sort_cost", &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_COST, TRUE));
  g_print ("sort_date_ms=%.1f\n", time_change ("sort_date", &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_CREATED, TRUE));
  g_print ("filter_failed_ms=%.1f\n", time_change ("filter_failed", &screen, cache, list, column_view, view, failed, SR_MESSAGE_SORT_CREATED, TRUE));
  g_print ("filter_sender_ms=%.1f\n", time_change ("filter_sender", &screen, cache, list, column_view, view, sender, SR_MESSAGE_SORT_CREATED, TRUE));
  g_print ("search_ms=%.1f\n", time_change ("search", &screen, cache, list, column_view, view, search, SR_MESSAGE_SORT_CREATED, TRUE));
  time_change (NULL, &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_SENDER, FALSE);
  time_change (NULL, &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_STATUS, FALSE);
  time_change (NULL, &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_CREATED, FALSE);
  time_change (NULL, &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_CREATED, TRUE);
  wait_until (messages_loaded, window, "the whole Messages Log");
  run_for (500);
  print_memory ("after");

  /* Case-insensitive beyond ASCII: the Greek texts, searched for as typed
   * in lower case and in capitals. */
  g_print ("search_greek_lower_rows=%u\n", search_rows (list, "κωδικός"));
  g_print ("search_greek_upper_rows=%u\n", search_rows (list, "ΚΩΔΙΚΌΣ"));
  time_change (NULL, &screen, cache, list, column_view, view, all, SR_MESSAGE_SORT_CREATED, TRUE);

  /* Scrolling at once after a new order, while the list completes (the
   * rest of its first rows, then every row): a figure of its own. The
   * phases below start, like --scroll-only, on the whole list. */
  {
    double cpu_after_sort;
    guint id;

    gap_reset ();
    id = gtk_widget_add_tick_callback (GTK_WIDGET (view), scroll_tick_cb, screen.vadjustment, NULL);
    run_for (1000);
    gtk_widget_remove_tick_callback (GTK_WIDGET (view), id);
    g_print ("gap_scroll_after_sort_ms=%.1f\n", gap_ms (&cpu_after_sort));
    g_print ("gap_scroll_after_sort_cpu_ms=%.1f\n", cpu_after_sort);
    print_worst_split ("scroll_after_sort");
    wait_until (messages_loaded, window, "the whole Messages Log");
    gtk_adjustment_set_value (screen.vadjustment, 0);
    run_for (500);
  }

scrolling:
  measure_scrolling (GTK_WIDGET (view), screen.vadjustment, list, rand, &smooth, &home_end, &jumps, &jump_rows, cpu);
  g_print ("gap_scroll_ms=%.1f\ngap_home_end_ms=%.1f\ngap_jumps_ms=%.1f\njump_rows_ms=%.1f\n",
           smooth, home_end, jumps, jump_rows);
  g_print ("gap_scroll_cpu_ms=%.1f\ngap_home_end_cpu_ms=%.1f\ngap_jumps_cpu_ms=%.1f\n", cpu[0], cpu[1], cpu[2]);
redraw:
  measure_redraw (GTK_WIDGET (window), &redraw_ms, &redraw_cpu_ms);
  g_print ("redraw_ms=%.1f\nredraw_cpu_ms=%.1f\n", redraw_ms, redraw_cpu_ms);
  print_memory ("scrolled");
  if (scroll_only || redraw_only)
    goto out;

dashboard:
  /* The Dashboard, first shown (the page is made then): to its first
   * painted figures, of the period it keeps in its setting. */
  t0 = g_get_monotonic_time ();
  dashboard = sr_window_get_dashboard_page (window);
  g_signal_connect (dashboard, "rendered", G_CALLBACK (on_rendered_cb), &rendered);
  /* (a window that made it at start has its figures already) */
  if (sr_dashboard_page_get_total (dashboard) >= 0)
    sr_window_show_content_page (window, "dashboard");
  else
    {
      sr_window_show_content_page (window, "dashboard");
      wait_until (is_true, &rendered, "the dashboard");
      g_print ("dashboard_shown_ms=%.1f\n", (g_get_monotonic_time () - t0) / 1000.0);
    }
  rendered = FALSE;
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_TODAY);
  wait_until (is_true, &rendered, "the dashboard");
  /* A period picked on the Dashboard shown: after the page's crossfade,
   * which paints the Messages Log too while it runs. */
  run_for (500);
  /* and until the main loop has nothing left to do (under a profiler,
   * 500 ms may not be enough for the idle work after a paint) */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  rendered = FALSE;
  cpu0 = thread_cpu_us ();
  show_all_time (dashboard, &rendered);
  sr_dashboard_page_get_timing (dashboard, &query_ms, &render_ms);
  g_print ("dashboard_all_ms=%.1f\ndashboard_all_query_ms=%.1f\n", render_ms, query_ms);
  /* the main thread's CPU time for it: less of the machine's load in it */
  g_print ("dashboard_all_cpu_ms=%.1f\n", (thread_cpu_us () - cpu0) / 1000.0);
  /* Again, from Today: the rows exist now (the first time above, GTK
   * makes and measures them; the bench's cache has nothing today). */
  rendered = FALSE;
  sr_dashboard_page_set_period (dashboard, SR_DASHBOARD_PERIOD_TODAY);
  wait_until (is_true, &rendered, "the dashboard");
  run_for (300);
  rendered = FALSE;
  show_all_time (dashboard, &rendered);
  sr_dashboard_page_get_timing (dashboard, &query_ms, &render_ms);
  g_print ("dashboard_all_again_ms=%.1f\ndashboard_all_again_query_ms=%.1f\n", render_ms, query_ms);

out:
  /* closes the cache cleanly: the next open is not checked */
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (link);
  g_rmdir (dir);
  g_free (screen.want_id);
  g_free (screen.want_to);

  return 0;
}

/* --- a child run: the naive design ------------------------------------- */

static void
naive_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
naive_bind_to_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      sr_message_get_to (gtk_list_item_get_item (item)));
}

static void
naive_bind_text_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      sr_message_get_message (gtk_list_item_get_item (item)));
}

static int
compare_to (gconstpointer a,
            gconstpointer b,
            gpointer      data)
{
  return g_strcmp0 (sr_message_get_to ((SrMessage *) a), sr_message_get_to ((SrMessage *) b));
}

static int
run_naive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(SrMessageFilter) all = sr_message_filter_new ();
  GListStore *store;
  GtkWidget *window, *scrolled, *column_view;
  GtkListItemFactory *factory;
  Screen screen = { NULL, };
  gint64 t0, t1;

#ifdef __GLIBC__
  /* the same process set-up as the app's */
  mallopt (M_ARENA_MAX, 2);
#endif
  gtk_init ();
  g_timeout_add_full (G_PRIORITY_HIGH, 1, tick_cb, NULL, NULL);

  t0 = g_get_monotonic_time ();
  cache = sr_cache_open (cache_path, &error);
  g_assert_no_error (error);
  expect_first (&screen, cache, all, SR_MESSAGE_SORT_CREATED, TRUE);
  t0 += 0;
  rows = sr_cache_query_messages (cache, all, SR_MESSAGE_SORT_CREATED, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  store = g_list_store_new (SR_TYPE_MESSAGE);
  g_list_store_splice (store, 0, 0, rows->pdata, rows->len);
  g_clear_pointer (&rows, g_ptr_array_unref);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  scrolled = gtk_scrolled_window_new ();
  column_view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (store)))));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (naive_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (naive_bind_to_cb), NULL);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (column_view), gtk_column_view_column_new ("Recipient", factory));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (naive_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (naive_bind_text_cb), NULL);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (column_view), gtk_column_view_column_new ("Message", factory));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), column_view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  screen.model = G_LIST_MODEL (store);
  screen.view = column_view;
  screen.vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), &screen);
  watch_phases (window);
  wait_until (is_painted, &screen, "the first row");
  g_print ("launch_ms=%.1f\n", (screen.painted_at - t0) / 1000.0);
  run_for (500);
  print_memory ("open");

  /* A sort by recipient, in memory. */
  {
    g_autoptr(GPtrArray) first = NULL;
    SrMessage *m;

    first = sr_cache_query_messages (cache, all, SR_MESSAGE_SORT_RECIPIENT, FALSE, 1, 0, &error);
    m = g_ptr_array_index (first, 0);
    g_free (screen.want_id);
    g_free (screen.want_to);
    screen.want_id = NULL;
    screen.want_to = g_strdup (sr_message_get_to (m));
    screen.painted = FALSE;
    t1 = g_get_monotonic_time ();
    g_list_store_sort (store, compare_to, NULL);
    /* As the Messages Log does: setting the adjustment alone leaves GTK's
     * anchor on the row it tracked, and the first row never shows. */
    gtk_column_view_scroll_to (GTK_COLUMN_VIEW (column_view), 0, NULL, GTK_LIST_SCROLL_NONE, NULL);
    gtk_adjustment_set_value (screen.vadjustment, 0);
    /* ties on the recipient: any row with it first */
    screen.want_id = g_strdup (sr_message_get_id (g_list_model_get_item (G_LIST_MODEL (store), 0)));
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (store), 0));
    /* bounded, like time_change(): -1 if the first row never shows */
    while (!screen.painted && g_get_monotonic_time () < t1 + 60 * G_USEC_PER_SEC)
      g_main_context_iteration (NULL, TRUE);
    g_print ("sort_recipient_ms=%.1f\n", screen.painted ? (screen.painted_at - t1) / 1000.0 : -1);
  }
  run_for (300);
  print_memory ("after");

  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (7);
    double smooth, home_end, jumps, jump_rows, cpu[3];

    measure_scrolling (column_view, screen.vadjustment, NULL, rand, &smooth, &home_end, &jumps, &jump_rows, cpu);
    g_print ("gap_scroll_ms=%.1f\ngap_home_end_ms=%.1f\ngap_jumps_ms=%.1f\n", smooth, home_end, jumps);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (store);
  return 0;
}

/* --- the parent: runs, table -------------------------------------------- */

/* key → GArray of double, over the runs */
static void
run_children (const char *self_exe,
              const char *cache,
              gboolean    as_naive,
              int         runs,
              GHashTable *results)
{
  for (int run = 0; run < runs; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_auto(GStrv) lines = NULL;
      int status;
      const char *argv[] = { self_exe, "--child", "--cache", cache,
                             as_naive ? "--naive" : NULL, NULL };

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                         NULL, NULL, &out, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("Run %d%s: %s", run, as_naive ? " (naive)" : "", error->message);

      /* the raw figures too, in case the whole does not finish */
      g_printerr ("%s", out);
      lines = g_strsplit (out, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *eq = strchr (lines[i], '=');
          GArray *values;
          double v;

          if (eq == NULL)
            continue;
          *eq = '\0';
          v = g_ascii_strtod (eq + 1, NULL);
          values = g_hash_table_lookup (results, lines[i]);
          if (values == NULL)
            {
              values = g_array_new (FALSE, FALSE, sizeof (double));
              g_hash_table_insert (results, g_strdup (lines[i]), values);
            }
          g_array_append_val (values, v);
        }
      g_printerr ("  %s run %d of %d on %s done\n", as_naive ? "naive" : "lazy", run + 1, runs, cache);
    }
}

static gboolean
stats (GHashTable *results,
       const char *key,
       double     *med,
       double     *min,
       double     *max)
{
  GArray *values = g_hash_table_lookup (results, key);
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (double));

  if (values == NULL)
    return FALSE;
  /* -1: the new first row never showed; those are left out */
  for (guint i = 0; i < values->len; i++)
    if (g_array_index (values, double, i) >= 0)
      g_array_append_val (shown, g_array_index (values, double, i));
  if (shown->len == 0)
    return FALSE;
  *med = bench_median (shown);
  bench_min_max (shown, min, max);
  return TRUE;
}

static const char *
failures (GHashTable *results,
          const char *key)
{
  GArray *values = g_hash_table_lookup (results, key);
  guint n = 0;

  for (guint i = 0; values != NULL && i < values->len; i++)
    n += g_array_index (values, double, i) < 0;
  if (n == 0)
    return "";
  return g_intern_string (g_strdup_printf (" [%u× wrong row]", n));
}

/* Pads by characters, not bytes: the names have arrows and Greek. */
static void
print_padded (const char *text,
              int         width)
{
  g_print ("%s%*s", text, MAX (width - (int) g_utf8_strlen (text, -1), 0), "");
}

static void
print_columns (const char *name,
               const char *unit,
               const char *a,
               const char *b)
{
  print_padded (name, 47);
  print_padded (unit, 5);
  print_padded (a, 31);
  g_print ("%s\n", b);
}

static void
print_row (const char *name,
           const char *unit,
           GHashTable *lazy,
           GHashTable *naive_results,
           const char *key)
{
  double med, min, max;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (stats (lazy, key, &med, &min, &max))
    a = g_strdup_printf ("%.1f (%.1f–%.1f)%s", med, min, max, failures (lazy, key));
  else if (g_hash_table_contains (lazy, key))
    a = g_strdup_printf ("never%s", failures (lazy, key));
  if (stats (naive_results, key, &med, &min, &max))
    b = g_strdup_printf ("%.1f (%.1f–%.1f)%s", med, min, max, failures (naive_results, key));
  print_columns (name, unit, a ? a : "—", b ? b : "—");
}

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

/* The memory the list itself costs: the median on the large cache minus
 * the median on the baseline (the same window, a few screenfuls of rows). */
static gboolean
over_baseline (GHashTable *results,
               GHashTable *baseline,
               const char *key,
               double     *value)
{
  double med, base, lo, hi;

  if (!stats (results, key, &med, &lo, &hi) || !stats (baseline, key, &base, &lo, &hi))
    return FALSE;
  *value = med - base;
  return TRUE;
}

static void
print_difference (const char *name,
                  GHashTable *lazy,
                  GHashTable *lazy_baseline,
                  GHashTable *naive_results,
                  GHashTable *naive_baseline,
                  const char *key)
{
  double d;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (over_baseline (lazy, lazy_baseline, key, &d))
    a = g_strdup_printf ("%.1f (of medians)", d);
  if (over_baseline (naive_results, naive_baseline, key, &d))
    b = g_strdup_printf ("%.1f (of medians)", d);
  print_columns (name, "MB", a ? a : "—", b ? b : "—");
}

/* naive / SMS Reports of the medians, "—" when either is missing */
static char *
ratio_text (gboolean ok_a,
            double   a,
            gboolean ok_b,
            double   b)
{
  if (!ok_a || !ok_b || a <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f×", b / a);
}

static void
print_ratios (GHashTable *lazy,
              GHashTable *lazy_baseline,
              GHashTable *naive_results,
              GHashTable *naive_baseline)
{
  double a, b, lo, hi;
  gboolean ok_a, ok_b;
  g_autofree char *start = NULL;
  g_autofree char *rss = NULL;
  g_autofree char *anon = NULL;
  g_autofree char *rss_list = NULL;
  g_autofree char *anon_list = NULL;

  ok_a = stats (lazy, "launch_ms", &a, &lo, &hi);
  ok_b = stats (naive_results, "launch_ms", &b, &lo, &hi);
  start = ratio_text (ok_a, a, ok_b, b);
  ok_a = stats (lazy, "rss_open", &a, &lo, &hi);
  ok_b = stats (naive_results, "rss_open", &b, &lo, &hi);
  rss = ratio_text (ok_a, a, ok_b, b);
  ok_a = stats (lazy, "anon_open", &a, &lo, &hi);
  ok_b = stats (naive_results, "anon_open", &b, &lo, &hi);
  anon = ratio_text (ok_a, a, ok_b, b);
  ok_a = over_baseline (lazy, lazy_baseline, "rss_open", &a);
  ok_b = over_baseline (naive_results, naive_baseline, "rss_open", &b);
  rss_list = ratio_text (ok_a, a, ok_b, b);
  ok_a = over_baseline (lazy, lazy_baseline, "anon_open", &a);
  ok_b = over_baseline (naive_results, naive_baseline, "anon_open", &b);
  anon_list = ratio_text (ok_a, a, ok_b, b);

  g_print ("ratios (naive / SMS Reports, of medians): start %s; after open, raw (whole process): "
           "VmRSS %s, anonymous %s; over the %d-message baseline (what the list costs): "
           "VmRSS %s, anonymous %s\n",
           start, rss, anon, BASELINE_MESSAGES, rss_list, anon_list);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time the Messages Log on a large cache");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) lazy = NULL;
  g_autoptr(GHashTable) naive_results = NULL;
  g_autoptr(GHashTable) lazy_baseline = NULL;
  g_autoptr(GHashTable) naive_baseline = NULL;
  g_autofree char *self_exe = NULL;
  double load_before, load_after;
  int naive_runs;

  /* The table is UTF-8 text: printed as such in a UTF-8 locale. */
  setlocale (LC_ALL, "");
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

  /* Run from the build tree: the app's settings schema is there; settings
   * in memory (the user's are not touched); the cairo renderer, as under
   * Xvfb, and no GL at all: GDK on X11 otherwise loads the software GL
   * driver (llvmpipe: about 56 MB of libLLVM and libgallium resident) only
   * to choose a visual, which the cairo renderer never uses; set
   * GDK_DISABLE to something else to see it. Children inherit these. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", SR_BUILD_SCHEMA_DIR, FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_DISABLE", "gl", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);

  if (child)
    return naive ? run_naive () : run_window ();

  if (baseline_path == NULL)
    baseline_path = g_strdup ("/tmp/sr-bench-list-baseline.db");
  {
    /* made (or checked) before anything is timed */
    g_autoptr(SrCache) baseline = bench_open_cache (baseline_path, BASELINE_MESSAGES, &error);

    if (baseline == NULL)
      {
        g_printerr ("Cannot make the baseline cache %s: %s\n", baseline_path, error->message);
        return 2;
      }
    sr_cache_close (baseline);
  }

  self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  lazy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  naive_results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  lazy_baseline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  naive_baseline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  naive_runs = n_naive_runs < 0 ? n_runs : n_naive_runs;

  load_before = load_average ();
  run_children (self_exe, cache_path, FALSE, n_runs, lazy);
  run_children (self_exe, cache_path, TRUE, naive_runs, naive_results);
  run_children (self_exe, baseline_path, FALSE, n_runs, lazy_baseline);
  run_children (self_exe, baseline_path, TRUE, naive_runs, naive_baseline);
  load_after = load_average ();

  g_print ("Messages Log on %s, %d runs (naive: %d), load average %.1f → %.1f\n",
           cache_path, n_runs, naive_runs, load_before, load_after);
  print_columns ("figure", "unit", "SMS Reports: median (min–max)", "naive GListStore");
  print_row ("launch → first row painted", "ms", lazy, naive_results, "launch_ms");
  print_row ("  launch: main-thread CPU", "ms", lazy, naive_results, "launch_main_cpu_ms");
  print_row ("sort Recipient → new first row painted", "ms", lazy, naive_results, "sort_recipient_ms");
  print_row ("sort Cost → new first row painted", "ms", lazy, naive_results, "sort_cost_ms");
  print_row ("sort Date → new first row painted", "ms", lazy, naive_results, "sort_date_ms");
  print_row ("filter status FAILED → painted", "ms", lazy, naive_results, "filter_failed_ms");
  print_row ("filter sender → painted", "ms", lazy, naive_results, "filter_sender_ms");
  print_row ("search \"jazz\" → painted", "ms", lazy, naive_results, "search_ms");
  print_row ("  sort Recipient: main-thread CPU until then", "ms", lazy, naive_results, "sort_recipient_main_cpu_ms");
  print_row ("  sort Cost: main-thread CPU", "ms", lazy, naive_results, "sort_cost_main_cpu_ms");
  print_row ("  sort Date: main-thread CPU", "ms", lazy, naive_results, "sort_date_main_cpu_ms");
  print_row ("  filter status FAILED: main-thread CPU", "ms", lazy, naive_results, "filter_failed_main_cpu_ms");
  print_row ("  filter sender: main-thread CPU", "ms", lazy, naive_results, "filter_sender_main_cpu_ms");
  print_row ("  search \"jazz\": main-thread CPU", "ms", lazy, naive_results, "search_main_cpu_ms");
  print_row ("search \"κωδικός\": rows", "rows", lazy, naive_results, "search_greek_lower_rows");
  print_row ("search \"ΚΩΔΙΚΌΣ\": rows", "rows", lazy, naive_results, "search_greek_upper_rows");
  print_row ("longest main-loop gap, smooth scroll", "ms", lazy, naive_results, "gap_scroll_ms");
  print_row ("longest main-loop gap, Home/End", "ms", lazy, naive_results, "gap_home_end_ms");
  print_row ("longest main-loop gap, 30 random jumps", "ms", lazy, naive_results, "gap_jumps_ms");
  print_row ("longest main-loop gap, 1 s of scrolling at once after a sort", "ms", lazy, naive_results, "gap_scroll_after_sort_ms");
  print_row ("  the same, main-thread CPU: smooth scroll", "ms", lazy, naive_results, "gap_scroll_cpu_ms");
  print_row ("  the same, main-thread CPU: Home/End", "ms", lazy, naive_results, "gap_home_end_cpu_ms");
  print_row ("  the same, main-thread CPU: 30 random jumps", "ms", lazy, naive_results, "gap_jumps_cpu_ms");
  print_row ("  the same, main-thread CPU: scrolling after a sort", "ms", lazy, naive_results, "gap_scroll_after_sort_cpu_ms");
  print_row ("    smooth scroll: the frame's layout (bind, measure, allocate)", "ms", lazy, naive_results, "gap_scroll_layout_ms");
  print_row ("    smooth scroll: the frame's paint (snapshot, render, upload)", "ms", lazy, naive_results, "gap_scroll_paint_ms");
  print_row ("    smooth scroll: outside the frame", "ms", lazy, naive_results, "gap_scroll_outside_frame_ms");
  print_row ("    Home/End: the frame's layout (bind, measure, allocate)", "ms", lazy, naive_results, "gap_home_end_layout_ms");
  print_row ("    Home/End: the frame's paint (snapshot, render, upload)", "ms", lazy, naive_results, "gap_home_end_paint_ms");
  print_row ("    Home/End: outside the frame", "ms", lazy, naive_results, "gap_home_end_outside_frame_ms");
  print_row ("    jumps: the frame's layout (bind, measure, allocate)", "ms", lazy, naive_results, "gap_jumps_layout_ms");
  print_row ("    jumps: the frame's paint (snapshot, render, upload)", "ms", lazy, naive_results, "gap_jumps_paint_ms");
  print_row ("    jumps: outside the frame", "ms", lazy, naive_results, "gap_jumps_outside_frame_ms");
  print_row ("    after a sort: the frame's layout (bind, measure, allocate)", "ms", lazy, naive_results, "gap_scroll_after_sort_layout_ms");
  print_row ("    after a sort: the frame's paint (snapshot, render, upload)", "ms", lazy, naive_results, "gap_scroll_after_sort_paint_ms");
  print_row ("    after a sort: outside the frame", "ms", lazy, naive_results, "gap_scroll_after_sort_outside_frame_ms");
  print_row ("jump → rows in view real (median of 30)", "ms", lazy, naive_results, "jump_rows_ms");
  print_row ("whole window redrawn, nothing changed (floor)", "ms", lazy, naive_results, "redraw_ms");
  print_row ("  the same, main-thread CPU", "ms", lazy, naive_results, "redraw_cpu_ms");
  print_row ("VmRSS after open", "MB", lazy, naive_results, "rss_open");
  print_row ("anonymous memory after open", "MB", lazy, naive_results, "anon_open");
  print_row ("VmRSS after 10 sorts/filters", "MB", lazy, naive_results, "rss_after");
  print_row ("anonymous memory after 10 sorts/filters", "MB", lazy, naive_results, "anon_after");
  print_row ("VmRSS after scrolling", "MB", lazy, naive_results, "rss_scrolled");
  print_row ("Dashboard first shown → painted", "ms", lazy, naive_results, "dashboard_shown_ms");
  print_row ("Dashboard All Time → painted", "ms", lazy, naive_results, "dashboard_all_ms");
  print_row ("Dashboard All Time, query part", "ms", lazy, naive_results, "dashboard_all_query_ms");
  print_row ("Dashboard All Time, main thread CPU", "ms", lazy, naive_results, "dashboard_all_cpu_ms");
  print_row ("Dashboard All Time again → painted", "ms", lazy, naive_results, "dashboard_all_again_ms");
  print_row ("Dashboard All Time again, query part", "ms", lazy, naive_results, "dashboard_all_again_query_ms");
  g_print ("baseline: the same windows on %s (%d messages), %d runs (naive: %d)\n",
           baseline_path, BASELINE_MESSAGES, n_runs, naive_runs);
  print_row ("baseline: launch → first row painted", "ms", lazy_baseline, naive_baseline, "launch_ms");
  print_row ("baseline:   launch: main-thread CPU", "ms", lazy_baseline, naive_baseline, "launch_main_cpu_ms");
  print_row ("baseline: VmRSS after open", "MB", lazy_baseline, naive_baseline, "rss_open");
  print_row ("baseline: anonymous memory after open", "MB", lazy_baseline, naive_baseline, "anon_open");
  print_row ("baseline: VmRSS after 10 sorts/filters", "MB", lazy_baseline, naive_baseline, "rss_after");
  print_difference ("the list: VmRSS after open − baseline", lazy, lazy_baseline,
                    naive_results, naive_baseline, "rss_open");
  print_difference ("the list: anonymous after open − baseline", lazy, lazy_baseline,
                    naive_results, naive_baseline, "anon_open");
  print_difference ("the list: VmRSS after sorts − baseline", lazy, lazy_baseline,
                    naive_results, naive_baseline, "rss_after");

  print_ratios (lazy, lazy_baseline, naive_results, naive_baseline);

  return 0;
}
