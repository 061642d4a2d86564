/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-sync.c: first-sync throughput against the local sandbox, and the raw
 * ceilings of its parts on the same machine: HTTP alone (bodies downloaded,
 * not parsed), JSON parsing alone (the same bodies), SQLite upserts alone
 * (the same rows). Prints medians over several runs. Not a test: run it by
 * hand, see README.md.
 *
 * Also measured: how long until the newest 24 hours are in the cache (the
 * history comes newest first), from the start of the sync.
 *
 *   _build/tests/bench/bench-sync [--messages N] [--runs N] [--concurrency N] [--page-size N]
 *                                 [--max-per-page N] [--ignore-page] [--no-ceilings]
 */

#include "config.h"

#include <libsoup/soup.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-test-sandbox.h"
#include "bench-util.h"

static int n_messages = 200000;
static int n_runs = 3;
static int concurrency = 4;
static int page_size = 1000;
static int max_per_page = 10000;
static gboolean ignore_page = FALSE;
static gboolean no_ceilings = FALSE;

static const GOptionEntry entries[] = {
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the sandbox account", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions (median reported)", "N" },
  { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency, "Pages in flight", "N" },
  { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Messages per page", "N" },
  { "max-per-page", 0, 0, G_OPTION_ARG_INT, &max_per_page, "The sandbox's page cap (default 10000)", "N" },
  { "ignore-page", 0, 0, G_OPTION_ARG_NONE, &ignore_page, "The sandbox ignores page numbers", NULL },
  { "no-ceilings", 0, 0, G_OPTION_ARG_NONE, &no_ceilings, "Skip the raw ceilings of HTTP, JSON and SQLite", NULL },
  { NULL }
};

/* CPU seconds (user + system) of this process, all threads. */
static double
self_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds of another process, from /proc/PID/stat. */
static double
process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);
  /* utime and stime are fields 14 and 15, counted from 1 with pid first */
  if (g_strv_length (fields) < 14)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static void
print_load (const char *when)
{
  g_autofree char *text = NULL;

  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    g_print ("Load average %s: %s", when, text);
}

/* When the newest 24 hours are in the cache: the history walk has gone back
 * a day from the newest message. */
typedef struct
{
  SrCache *cache;
  gint64   started;     /* monotonic */
  gint64   newest;      /* newest created_at in the cache at the first page */
  double   day_seconds; /* -1 until reached */
} DayWatch;

static void
on_progress_cb (SrSync   *sync,
                DayWatch *watch)
{
  gint64 from = sr_sync_get_history_from (sync);

  if (watch->day_seconds >= 0 || from == SR_TIME_NONE)
    return;
  if (watch->newest == SR_TIME_NONE)
    watch->newest = sr_cache_get_newest_created_at (watch->cache, NULL);
  if (from <= watch->newest - G_TIME_SPAN_DAY)
    watch->day_seconds = (g_get_monotonic_time () - watch->started) / (double) G_USEC_PER_SEC;
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
on_ready_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

/* Downloads every page of the ascending message list; returns the bodies. */
typedef struct
{
  SoupSession *session;
  const char  *url;
  const char  *key;
  GPtrArray   *bodies;
  int          next_page;
  int          last_page;
  int          in_flight;
  GMainLoop   *loop;
} Download;

static void fetch_next (Download *download);

static void
on_body_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Download *download = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *body;
  int page = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (soup_session_get_async_result_message (download->session, result)), "page"));

  body = soup_session_send_and_read_finish (download->session, result, &error);
  g_assert_no_error (error);
  if (download->bodies->len < (guint) page)
    g_ptr_array_set_size (download->bodies, page);
  g_ptr_array_index (download->bodies, page - 1) = body;
  download->in_flight--;
  fetch_next (download);
  if (download->in_flight == 0 && download->next_page > download->last_page)
    g_main_loop_quit (download->loop);
}

static void
fetch_next (Download *download)
{
  while (download->in_flight < concurrency && download->next_page <= download->last_page)
    {
      g_autofree char *uri = g_strdup_printf ("%s/v2/messages?limit=%d&page=%d&order_by=created_at&order_direction=asc",
                                              download->url, page_size, download->next_page);
      g_autofree char *auth = g_strdup_printf ("Bearer %s", download->key);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
      g_object_set_data (G_OBJECT (msg), "page", GINT_TO_POINTER (download->next_page));
      download->next_page++;
      download->in_flight++;
      soup_session_send_and_read_async (download->session, msg, G_PRIORITY_DEFAULT, NULL, on_body_cb, download);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— first-sync benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTestSandbox) sandbox = NULL;
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) first_day = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) client_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) server_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *cap_text = NULL;
  g_autoptr(GArray) http = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) parse = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) write = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw_http = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw_parse = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw_insert = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_page_free);
  g_autofree char *count_text = NULL;
  g_autofree char *dir = NULL;
  Download download = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (g_getenv ("SR_SANDBOX_PATH") == NULL)
    g_setenv ("SR_SANDBOX_PATH", SR_SANDBOX_BUILD_PATH, TRUE);

  count_text = g_strdup_printf ("%d", n_messages);
  cap_text = g_strdup_printf ("%d", max_per_page);
  sandbox = sr_test_sandbox_start ("--messages", count_text, "--campaigns", "300",
                                   "--max-per-page", cap_text,
                                   ignore_page ? "--ignore-page" : NULL, NULL);
  dir = sr_test_make_tmpdir ("bench-sync");

  g_print ("First sync of %d messages from %s (page size %d, %d pages in flight; sandbox: cap %d per page%s), %d runs\n",
           n_messages, sr_test_sandbox_get_url (sandbox), page_size, concurrency, max_per_page,
           ignore_page ? ", page numbers ignored" : "", n_runs);
  print_load ("before");

  for (int run = 0; run < n_runs; run++)
    {
      g_autofree char *path = g_strdup_printf ("%s/sync-%d.db", dir, run);
      g_autoptr(SrCache) cache = sr_cache_open (path, &error);
      g_autoptr(SrApiClient) client = NULL;
      g_autoptr(SrSync) sync = NULL;
      Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
      SrSyncSummary summary;
      gint64 started;
      double seconds, cpu_before, server_before, cpu, server;
      DayWatch watch = { cache, 0, SR_TIME_NONE, -1 };

      g_assert_no_error (error);
      client = sr_api_client_new (sr_test_sandbox_get_url (sandbox), sr_test_sandbox_get_url (sandbox),
                                  sr_test_sandbox_get_api_key (sandbox), &error);
      g_assert_no_error (error);
      sync = sr_sync_new (client, cache);
      sr_sync_set_concurrency (sync, concurrency);
      sr_sync_set_page_size (sync, page_size);
      g_signal_connect (sync, "progress", G_CALLBACK (on_progress_cb), &watch);

      cpu_before = self_cpu_seconds ();
      server_before = process_cpu_seconds (sr_test_sandbox_get_pid (sandbox));
      started = g_get_monotonic_time ();
      watch.started = started;
      sr_sync_run_async (sync, NULL, on_ready_cb, &waiter);
      g_main_loop_run (waiter.loop);
      if (!sr_sync_run_finish (sync, waiter.result, &summary, &error))
        g_error ("Sync failed: %s", error->message);
      seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
      cpu = self_cpu_seconds () - cpu_before;
      server = process_cpu_seconds (sr_test_sandbox_get_pid (sandbox)) - server_before;
      g_assert_cmpint (sr_cache_count_messages (cache, NULL, NULL), ==, n_messages);
      g_array_append_val (client_cpu, cpu);
      g_array_append_val (server_cpu, server);

      g_array_append_val (wall, seconds);
      g_array_append_val (first_day, watch.day_seconds);
      g_array_append_val (http, summary.http_seconds);
      g_array_append_val (parse, summary.parse_seconds);
      g_array_append_val (write, summary.write_seconds);
      g_print ("  run %d: CPU %.2f s (sync) + %.2f s (sandbox)\n", run + 1, cpu, server);
      g_print ("  run %d: %.2f s, %.0f messages/s, newest 24 h after %.2f s (HTTP %.2f s, JSON %.2f s, SQLite %.2f s summed over pages; %u pages; %s)\n",
               run + 1, seconds, n_messages / seconds, watch.day_seconds,
               summary.http_seconds, summary.parse_seconds, summary.write_seconds, summary.n_pages,
               sr_sync_get_strategy (sync));

      sr_cache_close (cache);
      g_object_unref (waiter.result);
      g_main_loop_unref (waiter.loop);
    }

  print_load ("after the syncs");
  {
    double w = bench_median (wall);
    double w_min, w_max, day_min, day_max;

    bench_min_max (wall, &w_min, &w_max);
    bench_min_max (first_day, &day_min, &day_max);
    g_print ("\nEnd to end (median of %d): %.2f s (min %.2f, max %.2f), %.0f messages/s\n",
             n_runs, w, w_min, w_max, n_messages / w);
    g_print ("Newest 24 h in the cache after (median): %.2f s (min %.2f, max %.2f)\n",
             bench_median (first_day), day_min, day_max);
    g_print ("  time summed over pages: HTTP %.2f s, JSON %.2f s, SQLite %.2f s\n",
             bench_median (http), bench_median (parse), bench_median (write));
    g_print ("CPU (median): sync %.2f s, sandbox %.2f s: %.0f messages per CPU second of the sync\n",
             bench_median (client_cpu), bench_median (server_cpu), n_messages / bench_median (client_cpu));
  }
  if (no_ceilings || ignore_page)
    {
      sr_test_remove_tree (dir);
      return 0;
    }

  /* Raw ceilings: the same pages, each stage alone. */
  download.session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
  download.url = sr_test_sandbox_get_url (sandbox);
  download.key = sr_test_sandbox_get_api_key (sandbox);
  download.last_page = (n_messages + page_size - 1) / page_size;

  for (int run = 0; run < n_runs; run++)
    {
      gint64 started = g_get_monotonic_time ();
      double seconds;

      g_clear_pointer (&download.bodies, g_ptr_array_unref);
      download.bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      download.next_page = 1;
      download.loop = g_main_loop_new (NULL, FALSE);
      fetch_next (&download);
      g_main_loop_run (download.loop);
      g_main_loop_unref (download.loop);
      seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
      g_array_append_val (raw_http, seconds);
    }

  for (int run = 0; run < n_runs; run++)
    {
      gint64 started = g_get_monotonic_time ();
      double seconds;

      g_ptr_array_set_size (pages, 0);
      for (guint i = 0; i < download.bodies->len; i++)
        {
          SrPage *page = sr_api_parse_messages_page (g_ptr_array_index (download.bodies, i), &error);
          g_assert_no_error (error);
          g_ptr_array_add (pages, page);
        }
      seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
      g_array_append_val (raw_parse, seconds);
    }

  for (int run = 0; run < n_runs; run++)
    {
      g_autofree char *path = g_strdup_printf ("%s/insert-%d.db", dir, run);
      g_autoptr(SrCache) cache = sr_cache_open (path, &error);
      gint64 started;
      double seconds;

      g_assert_no_error (error);
      started = g_get_monotonic_time ();
      for (guint i = 0; i < pages->len; i++)
        {
          SrPage *page = g_ptr_array_index (pages, i);
          g_assert_true (sr_cache_upsert_messages (cache, page->items, NULL, NULL, NULL, &error));
        }
      seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
      g_array_append_val (raw_insert, seconds);
      sr_cache_close (cache);
    }

  {
    g_print ("Raw ceilings on the same pages (median):\n");
    g_print ("  HTTP alone, %d in flight: %.2f s, %.0f messages/s\n", concurrency,
             bench_median (raw_http), n_messages / bench_median (raw_http));
    g_print ("  JSON parsing alone, one thread: %.2f s, %.0f messages/s\n",
             bench_median (raw_parse), n_messages / bench_median (raw_parse));
    g_print ("  SQLite upserts alone: %.2f s, %.0f messages/s\n",
             bench_median (raw_insert), n_messages / bench_median (raw_insert));
  }

  g_clear_pointer (&download.bodies, g_ptr_array_unref);
  g_clear_object (&download.session);
  sr_test_remove_tree (dir);
  return 0;
}
