/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-sync.c: brings one account's cache up to date (ARCHITECTURE.md,
 * "Synchronisation"): balance, then campaigns, then messages in ascending
 * created_at from a computed start. A run is described by its start C and the
 * number of records committed so far; both are stored in the cache in the
 * same transaction as each page, so a run interrupted in any way (cancel,
 * network loss, crash, SIGKILL) resumes at the right page and never loses or
 * duplicates a message. In ascending order new messages only append, so the
 * page numbers of a run stay valid while the account keeps sending.
 */

#define G_LOG_DOMAIN "sr-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-api-client.h"
#include "sr-api-parse.h"
#include "sr-cache.h"
#include "sr-campaign.h"
#include "sr-message.h"
#include "sr-status.h"
#include "sr-sync.h"

#define DEFAULT_REPOLL_WINDOW   (72 * G_TIME_SPAN_HOUR)
#define DEFAULT_CONCURRENCY     4
#define DEFAULT_PAGE_SIZE       1000
#define CAMPAIGN_PAGE_SIZE      100
/* Overlap before the newest cached message, for messages the server
 * committed late with an earlier timestamp. Upserts make it harmless. */
/* Pages handed to the cache's writer at once: queued writes share a commit,
 * each still atomic with its checkpoint, and they are applied in order. */
#define MAX_QUEUED_COMMITS      3
#define START_OVERLAP           (5 * G_TIME_SPAN_MINUTE)

/* Keys of the sync state in the cache */
#define STATE_RUN_FROM      "sync.run_from"
#define STATE_RUN_OFFSET    "sync.run_offset"
#define STATE_RUN_LIMIT     "sync.run_limit"
#define STATE_REFETCH_FROM  "sync.refetch_from"

struct _SrSync
{
  GObject       parent_instance;

  SrApiClient  *client;               /* owned */
  SrCache      *cache;                /* owned */
  GTask        *task;                 /* unowned; the running task */

  gint64        repoll_window;
  guint         concurrency;
  guint         page_size;
  gboolean      full;

  SrSyncPhase   phase;
  guint         pages_done;
  guint         pages_expected;
  gint64        records;
  gint64        records_expected;
};

G_DEFINE_FINAL_TYPE (SrSync, sr_sync, G_TYPE_OBJECT)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  SrPage *page;     /* owned, or NULL when error is set */
  GError *error;    /* owned */
} PageResult;

typedef struct
{
  SrSyncSummary  summary;
  gint64         started;             /* monotonic */
  gint64         now;                 /* wall clock at start, usec */
  gboolean       first_sync;

  /* campaigns */
  int            campaign_page;
  gint64         campaign_cutoff;
  GHashTable    *campaign_seen;       /* id → updated_at (gint64*) before this page */

  /* messages */
  gint64         run_from;            /* C; SR_TIME_NONE = the whole history */
  gint64         run_offset;          /* records of the run committed before next_commit */
  int            limit;
  int            first_page;
  int            next_fetch;
  int            next_commit;
  int            last_page;           /* highest last_page seen, 0 = unknown */
  gboolean       end_reached;
  guint          in_flight;
  guint          n_committing;        /* pages queued in the cache's writer */
  GHashTable    *ready;               /* page → PageResult */
  gint64         last_committed_created;
  gint64         refetch_from;        /* SR_TIME_NONE = nothing to re-fetch */
  gint64         commit_started;
  gboolean       bulk_load;           /* the cache's secondary indexes are deferred */
  gint64         bulk_restore_started;
  GError        *fatal;
} Run;

static void run_fetch_more      (GTask *task);
static void run_commit_ready    (GTask *task);
static void run_finish_messages (GTask *task);

static void
page_result_free (PageResult *result)
{
  g_clear_pointer (&result->page, sr_page_free);
  g_clear_error (&result->error);
  g_free (result);
}

static void
run_free (Run *run)
{
  g_clear_pointer (&run->ready, g_hash_table_unref);
  g_clear_pointer (&run->campaign_seen, g_hash_table_unref);
  g_clear_error (&run->fatal);
  g_free (run);
}

static void
sr_sync_dispose (GObject *object)
{
  SrSync *self = (SrSync *)object;

  g_clear_object (&self->client);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (sr_sync_parent_class)->dispose (object);
}

static void
sr_sync_class_init (SrSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_sync_dispose;

  /**
   * SrSync::progress:
   *
   * Emitted when the phase changes and after every committed page.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
sr_sync_init (SrSync *self)
{
  self->repoll_window = DEFAULT_REPOLL_WINDOW;
  self->concurrency = DEFAULT_CONCURRENCY;
  self->page_size = DEFAULT_PAGE_SIZE;
}

SrSync *
sr_sync_new (SrApiClient *client,
             SrCache     *cache)
{
  SrSync *self;

  g_return_val_if_fail (SR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  self = g_object_new (SR_TYPE_SYNC, NULL);
  self->client = g_object_ref (client);
  self->cache = g_object_ref (cache);

  return self;
}

void
sr_sync_set_repoll_window (SrSync *self,
                           gint64  usec)
{
  g_return_if_fail (SR_IS_SYNC (self));
  self->repoll_window = MAX (0, usec);
}

void
sr_sync_set_concurrency (SrSync *self,
                         guint   n_pages)
{
  g_return_if_fail (SR_IS_SYNC (self));
  self->concurrency = CLAMP (n_pages, 1, 16);
}

void
sr_sync_set_page_size (SrSync *self,
                       guint   limit)
{
  g_return_if_fail (SR_IS_SYNC (self));
  self->page_size = CLAMP (limit, 1, 10000);
}

void
sr_sync_set_full (SrSync   *self,
                  gboolean  full)
{
  g_return_if_fail (SR_IS_SYNC (self));
  self->full = !!full;
}

SrSyncPhase
sr_sync_get_phase (SrSync *self)
{
  g_return_val_if_fail (SR_IS_SYNC (self), SR_SYNC_PHASE_IDLE);
  return self->phase;
}

guint
sr_sync_get_pages_done (SrSync *self)
{
  g_return_val_if_fail (SR_IS_SYNC (self), 0);
  return self->pages_done;
}

guint
sr_sync_get_pages_expected (SrSync *self)
{
  g_return_val_if_fail (SR_IS_SYNC (self), 0);
  return self->pages_expected;
}

gint64
sr_sync_get_records (SrSync *self)
{
  g_return_val_if_fail (SR_IS_SYNC (self), 0);
  return self->records;
}

gint64
sr_sync_get_records_expected (SrSync *self)
{
  g_return_val_if_fail (SR_IS_SYNC (self), 0);
  return self->records_expected;
}

gboolean
sr_sync_is_running (SrSync *self)
{
  g_return_val_if_fail (SR_IS_SYNC (self), FALSE);
  return self->task != NULL;
}

static void
set_phase (SrSync      *self,
           SrSyncPhase  phase)
{
  self->phase = phase;
  g_signal_emit (self, signals[PROGRESS], 0);
}

static char *
format_int (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static gint64
parse_int_state (SrCache    *cache,
                 const char *key,
                 gint64      fallback)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = sr_cache_dup_state (cache, key, &error);
  char *end = NULL;
  gint64 result;

  if (error != NULL)
    g_warning ("Cannot read state “%s”: %s", key, error->message);
  if (value == NULL)
    return fallback;
  result = g_ascii_strtoll (value, &end, 10);
  if (end == value || *end != '\0')
    return fallback;
  return result;
}

static void complete (GTask  *task,
                      GError *error);

/* Ends the run with G_IO_ERROR_CANCELLED if it was cancelled. */
static gboolean
complete_if_cancelled (GTask *task)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    return FALSE;
  complete (task, error);
  return TRUE;
}

static void
complete (GTask  *task,
          GError *error)
{
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  run->summary.seconds = (g_get_monotonic_time () - run->started) / (double) G_USEC_PER_SEC;
  self->task = NULL;
  self->phase = SR_SYNC_PHASE_IDLE;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  g_signal_emit (self, signals[PROGRESS], 0);
}

/* --- check ------------------------------------------------------------- */

static void
on_total_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(SrPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = sr_api_client_list_messages_finish (SR_API_CLIENT (object), result, &error);
  if (page == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          complete (task, g_steal_pointer (&error));
          return;
        }
      /* The data is synced; only the cross-check is missing. */
      g_debug ("Could not read the server total: %s", error->message);
      run->summary.server_total = -1;
    }
  else
    {
      run->summary.server_total = page->info.total;
    }

  run->summary.cached_total = sr_cache_count_messages (self->cache, NULL, NULL);

  if (run->summary.server_total >= 0 && run->summary.server_total != run->summary.cached_total)
    g_debug ("The server reports %" G_GINT64_FORMAT " messages, the cache holds %" G_GINT64_FORMAT,
               run->summary.server_total, run->summary.cached_total);

  complete (task, NULL);
}

static void
on_last_sync_written_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  SrMessageQuery query = { .page = 1, .limit = 1 };
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!sr_cache_update_account_finish (SR_CACHE (object), result, &error))
    {
      complete (task, g_steal_pointer (&error));
      return;
    }

  set_phase (self, SR_SYNC_PHASE_CHECK);
  sr_api_client_list_messages_async (self->client, &query, cancellable,
                                     on_total_cb, g_steal_pointer (&task));
}

static void
on_run_state_cleared_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!sr_cache_set_state_finish (SR_CACHE (object), result, &error))
    {
      complete (task, g_steal_pointer (&error));
      return;
    }

  /* The cancellable is not passed: the run is done, record it even if the
   * user pressed Stop during the final check. */
  sr_cache_update_account_async (self->cache, -1, NULL, g_get_real_time (),
                                 NULL, on_last_sync_written_cb, g_steal_pointer (&task));
}

/* --- messages ---------------------------------------------------------- */

static GHashTable *
new_state_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

static int
max_pending_pages (SrSync *self,
                   Run    *run)
{
  /* A first sync may fetch several pages at once; an incremental one is
   * usually a page or two, and one at a time keeps the load on the server
   * low. */
  return run->first_sync || self->full ? (int) self->concurrency : MIN (2, (int) self->concurrency);
}

static gboolean
run_is_idle (Run *run)
{
  return run->in_flight == 0 && run->n_committing == 0;
}

static void
emit_progress (SrSync *self,
               Run    *run)
{
  self->pages_done = run->summary.n_pages;
  self->records = run->summary.n_new + run->summary.n_updated;
  if (run->last_page > 0)
    self->pages_expected = MAX (self->pages_done, (guint) (run->last_page - run->first_page + 1));
  g_signal_emit (self, signals[PROGRESS], 0);
}

typedef struct
{
  GTask *task;     /* owned */
  int    page;
} PageRequest;

static void
on_page_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree PageRequest *request = user_data;
  g_autoptr(GTask) task = request->task;
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  PageResult *page_result = g_new0 (PageResult, 1);
  int page_number = request->page;

  run->in_flight--;
  page_result->page = sr_api_client_list_messages_finish (SR_API_CLIENT (object), result,
                                                          &page_result->error);

  if (page_result->page != NULL)
    {
      SrPage *page = page_result->page;

      run->summary.http_seconds += page->fetch_seconds;
      run->summary.parse_seconds += page->parse_seconds;
      run->summary.bytes += page->n_bytes;
      run->summary.n_skipped += page->info.n_skipped;

      if (page->info.per_page > 0 && page->info.per_page != run->limit)
        {
          /* The server capped the page size. Page numbers of the run are
           * only meaningful with its real page size, so start the run again
           * from its committed offset with that size. */
          g_debug ("Server uses %" G_GINT64_FORMAT " records per page, not %d",
                   page->info.per_page, run->limit);
          if (run->next_commit == run->first_page && run->in_flight == 0 && run->n_committing == 0)
            {
              run->limit = page->info.per_page;
              run->first_page = run->run_offset / run->limit + 1;
              run->next_fetch = run->first_page;
              run->next_commit = run->first_page;
              run->last_page = 0;
              g_hash_table_remove_all (run->ready);
              page_result_free (page_result);
              run_fetch_more (task);
              return;
            }
        }

      if (page->info.last_page > run->last_page)
        run->last_page = page->info.last_page;
      if (page->info.total >= 0 && page->info.current_page == run->first_page)
        self->records_expected = page->info.total - (run->first_page - 1) * (gint64) run->limit;
    }
  else if (!g_error_matches (page_result->error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE))
    {
      /* Anything but a malformed page ends the run; what is committed stays. */
      if (run->fatal == NULL)
        run->fatal = g_error_copy (page_result->error);
      page_result_free (page_result);
      page_result = NULL;
    }

  if (page_result != NULL)
    g_hash_table_insert (run->ready, GINT_TO_POINTER (page_number), page_result);

  run_commit_ready (task);
  run_fetch_more (task);
}

static void
run_fetch_more (GTask *task)
{
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  int max_pending = max_pending_pages (self, run);

  if (run->fatal == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &run->fatal);

  while (run->fatal == NULL && !run->end_reached)
    {
      SrMessageQuery query = { 0 };
      PageRequest *request;
      int pending = run->in_flight + g_hash_table_size (run->ready) + run->n_committing;

      if (pending >= max_pending)
        break;

      /* Before the first answer we do not know how many pages there are;
       * past the known last page we probe one page at a time, because the
       * live account may have grown. */
      if (run->last_page == 0 || run->next_fetch > run->last_page)
        {
          if (pending > 0)
            break;
        }

      query.page = run->next_fetch;
      query.limit = run->limit;
      query.order_by = "created_at";
      query.descending = FALSE;
      query.created_at_from = run->run_from;

      request = g_new0 (PageRequest, 1);
      request->task = g_object_ref (task);
      request->page = run->next_fetch;

      run->in_flight++;
      run->next_fetch++;

      sr_api_client_list_messages_async (self->client, &query, cancellable,
                                         on_page_cb, request);
    }

  if (run_is_idle (run) && (run->fatal != NULL || run->end_reached))
    {
      /* Pages fetched past an error are dropped; the checkpoint makes the
       * next run fetch them again. */
      g_hash_table_remove_all (run->ready);
      run_finish_messages (task);
    }
}

static void
on_page_committed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint n_new = 0, n_updated = 0;

  /* Sums the time the writer had work of ours, not each page's wait. */
  {
    gint64 now = g_get_monotonic_time ();

    run->summary.write_seconds += (now - run->commit_started) / (double) G_USEC_PER_SEC;
    run->commit_started = now;
    run->n_committing--;
  }

  if (!sr_cache_upsert_messages_finish (SR_CACHE (object), result, &n_new, &n_updated, &error))
    {
      if (run->fatal == NULL)
        run->fatal = g_steal_pointer (&error);
    }
  else
    {
      run->summary.n_new += n_new;
      run->summary.n_updated += n_updated;
      run->summary.n_pages++;
      emit_progress (self, run);
    }

  run_commit_ready (task);
  run_fetch_more (task);
}

static void
run_commit_ready (GTask *task)
{
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  while (run->n_committing < MAX_QUEUED_COMMITS && run->fatal == NULL)
    {
      PageResult *result;
      g_autoptr(GHashTable) state = NULL;
      GPtrArray *items;
      gint64 page_start_offset;

      result = g_hash_table_lookup (run->ready, GINT_TO_POINTER (run->next_commit));
      if (result == NULL)
        return;

      page_start_offset = (gint64) (run->next_commit - 1) * run->limit;

      if (result->error != NULL)
        {
          /* A malformed page: everything after the last message committed
           * before it must be fetched again by a later sync. The rest of the
           * run goes on. */
          gint64 candidate = run->last_committed_created != SR_TIME_NONE
                             ? run->last_committed_created : run->run_from;

          g_message ("Page %d of the message list could not be read and will be fetched again: %s",
                     run->next_commit, result->error->message);
          run->summary.n_errors++;
          if (run->refetch_from == SR_TIME_NONE || candidate < run->refetch_from)
            run->refetch_from = MAX (candidate, 1);
          run->run_offset = page_start_offset + run->limit;
          g_hash_table_remove (run->ready, GINT_TO_POINTER (run->next_commit));
          run->next_commit++;
          continue;
        }

      items = result->page->items;
      run->run_offset = page_start_offset + items->len;
      if (items->len > 0)
        run->last_committed_created = sr_message_get_created_at (g_ptr_array_index (items, items->len - 1));
      /* The end: a short page, or the page the server called its last when
       * it answered. Messages sent since then come with the next sync. */
      if ((int) items->len < run->limit ||
          (result->page->info.last_page > 0 && run->next_commit >= result->page->info.last_page))
        run->end_reached = TRUE;

      state = new_state_table ();
      g_hash_table_insert (state, (char *) STATE_RUN_OFFSET, format_int (run->run_offset));
      g_hash_table_insert (state, (char *) STATE_RUN_LIMIT, format_int (run->limit));
      if (run->refetch_from != SR_TIME_NONE)
        g_hash_table_insert (state, (char *) STATE_REFETCH_FROM, format_int (run->refetch_from));

      run->n_committing++;
      if (run->n_committing == 1)
        run->commit_started = g_get_monotonic_time ();
      /* Not cancellable: once fetched, a page is worth keeping; the cache
       * commits it with its checkpoint in one transaction. */
      sr_cache_upsert_messages_async (self->cache, items, state, NULL,
                                      on_page_committed_cb, g_object_ref (task));
      g_hash_table_remove (run->ready, GINT_TO_POINTER (run->next_commit));
      run->next_commit++;
    }
}

static void
on_bulk_load_ended_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  run->summary.write_seconds += (g_get_monotonic_time () - run->bulk_restore_started) / (double) G_USEC_PER_SEC;
  if (!sr_cache_set_bulk_load_finish (SR_CACHE (object), result, &error) && run->fatal == NULL)
    run->fatal = g_steal_pointer (&error);

  run_finish_messages (task);
}

static void
run_finish_messages (GTask *task)
{
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GHashTable) state = NULL;

  /* Build the deferred indexes whatever the outcome, so the reports sort
   * quickly until the next sync. */
  if (run->bulk_load)
    {
      run->bulk_load = FALSE;
      run->bulk_restore_started = g_get_monotonic_time ();
      sr_cache_set_bulk_load_async (self->cache, FALSE, NULL,
                                    on_bulk_load_ended_cb, g_object_ref (task));
      return;
    }

  if (run->fatal != NULL)
    {
      complete (task, g_steal_pointer (&run->fatal));
      return;
    }

  state = new_state_table ();
  g_hash_table_insert (state, (char *) STATE_RUN_FROM, NULL);
  g_hash_table_insert (state, (char *) STATE_RUN_OFFSET, NULL);
  g_hash_table_insert (state, (char *) STATE_RUN_LIMIT, NULL);
  g_hash_table_insert (state, (char *) STATE_REFETCH_FROM,
                       run->refetch_from != SR_TIME_NONE ? format_int (run->refetch_from) : NULL);

  sr_cache_set_state_async (self->cache, state, NULL,
                            on_run_state_cleared_cb, g_object_ref (task));
}

static void
on_run_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sr_cache_set_state_finish (SR_CACHE (object), result, &error))
    {
      complete (task, g_steal_pointer (&error));
      return;
    }

  run_fetch_more (task);
}

static void
on_bulk_load_started_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Only slower without it; the pages still commit. */
  if (!sr_cache_set_bulk_load_finish (SR_CACHE (object), result, &error))
    g_debug ("Could not defer the indexes: %s", error->message);
}

static void
start_messages (GTask *task)
{
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GHashTable) state = NULL;
  gboolean resuming;

  set_phase (self, SR_SYNC_PHASE_MESSAGES);

  resuming = !self->full && parse_int_state (self->cache, STATE_RUN_FROM, -1) >= 0;
  run->refetch_from = parse_int_state (self->cache, STATE_REFETCH_FROM, SR_TIME_NONE);

  if (resuming)
    {
      run->run_from = parse_int_state (self->cache, STATE_RUN_FROM, SR_TIME_NONE);
      run->run_offset = parse_int_state (self->cache, STATE_RUN_OFFSET, 0);
      run->limit = (int) parse_int_state (self->cache, STATE_RUN_LIMIT, self->page_size);
      if (run->limit <= 0)
        run->limit = self->page_size;
      /* Resuming the download of the whole history: still a first sync. */
      if (run->run_from == SR_TIME_NONE)
        run->first_sync = TRUE;
      g_debug ("Resuming the run from %" G_GINT64_FORMAT " at record %" G_GINT64_FORMAT,
               run->run_from, run->run_offset);
    }
  else
    {
      g_autoptr(GError) error = NULL;
      gint64 newest = self->full ? SR_TIME_NONE : sr_cache_get_newest_created_at (self->cache, &error);

      if (error != NULL)
        g_warning ("Cannot read the newest message: %s", error->message);

      run->limit = self->page_size;
      run->run_offset = 0;

      if (newest == SR_TIME_NONE)
        {
          run->run_from = SR_TIME_NONE;
          run->refetch_from = SR_TIME_NONE;
          run->first_sync = TRUE;
        }
      else
        {
          gint64 now = MAX (run->now, newest);
          gint64 oldest_open;

          run->run_from = newest - START_OVERLAP;
          oldest_open = sr_cache_get_oldest_non_final_since (self->cache, now - self->repoll_window,
                                                             &error);
          if (error != NULL)
            g_warning ("Cannot read the oldest pending message: %s", error->message);
          if (oldest_open != SR_TIME_NONE && oldest_open < run->run_from)
            run->run_from = oldest_open;
          if (run->refetch_from != SR_TIME_NONE && run->refetch_from < run->run_from)
            run->run_from = run->refetch_from;
          /* This run covers whatever an earlier run had to leave behind. */
          run->refetch_from = SR_TIME_NONE;
        }
    }

  run->first_page = run->run_offset / run->limit + 1;
  run->next_fetch = run->first_page;
  run->next_commit = run->first_page;

  /* Downloading the whole history: defer the secondary indexes (the
   * writer runs jobs in order, so this lands before the first page). */
  if (run->first_sync)
    {
      run->bulk_load = TRUE;
      sr_cache_set_bulk_load_async (self->cache, TRUE, NULL,
                                    on_bulk_load_started_cb, NULL);
    }

  state = new_state_table ();
  g_hash_table_insert (state, (char *) STATE_RUN_FROM, format_int (run->run_from));
  g_hash_table_insert (state, (char *) STATE_RUN_OFFSET, format_int (run->run_offset));
  g_hash_table_insert (state, (char *) STATE_RUN_LIMIT, format_int (run->limit));
  g_hash_table_insert (state, (char *) STATE_REFETCH_FROM,
                       run->refetch_from != SR_TIME_NONE ? format_int (run->refetch_from) : NULL);

  sr_cache_set_state_async (self->cache, state, NULL, on_run_started_cb, g_object_ref (task));
}

/* --- campaigns --------------------------------------------------------- */

static void fetch_campaign_page (GTask *task);

static void
on_campaigns_committed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean more = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "sr-more-campaigns"));

  if (!sr_cache_upsert_campaigns_finish (SR_CACHE (object), result, NULL, NULL, &error))
    {
      complete (task, g_steal_pointer (&error));
      return;
    }

  if (complete_if_cancelled (task))
    return;

  if (more)
    {
      run->campaign_page++;
      fetch_campaign_page (task);
    }
  else
    {
      start_messages (task);
    }
}

/* TRUE when every campaign of the page was cached already, unchanged, and
 * too old to still be moving: older pages will not have changed either. */
static gboolean
page_is_settled (SrSync *self,
                 Run    *run,
                 SrPage *page)
{
  if (page->items->len == 0)
    return TRUE;

  for (guint i = 0; i < page->items->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (page->items, i);
      g_autoptr(SrCampaign) cached = sr_cache_get_campaign (self->cache, sr_campaign_get_id (campaign), NULL);

      if (cached == NULL)
        return FALSE;
      if (sr_campaign_get_updated_at (cached) != sr_campaign_get_updated_at (campaign))
        return FALSE;
      if (sr_campaign_get_pending_messages (campaign) > 0)
        return FALSE;
      if (sr_campaign_get_created_at (campaign) >= run->campaign_cutoff)
        return FALSE;
    }

  return TRUE;
}

static void
on_campaign_page_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(SrPage) page = NULL;
  GError *error = NULL;
  gboolean more;

  page = sr_api_client_list_campaigns_finish (SR_API_CLIENT (object), result, &error);
  if (page == NULL)
    {
      complete (task, error);
      return;
    }

  run->summary.n_campaigns += page->items->len;
  run->summary.n_skipped += page->info.n_skipped;

  more = page->items->len > 0
         && (page->info.last_page > run->campaign_page
             || (page->info.last_page < 0 && page->info.per_page > 0
                 && (gint64) page->items->len >= page->info.per_page));
  if (more && !self->full && !run->first_sync && page_is_settled (self, run, page))
    more = FALSE;
  /* Guard against a server that never reports the last page. */
  if (run->campaign_page >= 100000)
    more = FALSE;

  g_object_set_data (G_OBJECT (task), "sr-more-campaigns", GINT_TO_POINTER (more));
  sr_cache_upsert_campaigns_async (self->cache, page->items, NULL,
                                   on_campaigns_committed_cb, g_steal_pointer (&task));
}

static void
fetch_campaign_page (GTask *task)
{
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  sr_api_client_list_campaigns_async (self->client, run->campaign_page, CAMPAIGN_PAGE_SIZE, NULL,
                                      g_task_get_cancellable (task),
                                      on_campaign_page_cb, g_object_ref (task));
}

/* --- account ----------------------------------------------------------- */

static void
on_account_written_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sr_cache_update_account_finish (SR_CACHE (object), result, &error))
    {
      complete (task, g_steal_pointer (&error));
      return;
    }

  if (complete_if_cancelled (task))
    return;

  set_phase (self, SR_SYNC_PHASE_CAMPAIGNS);
  run->campaign_page = 1;
  fetch_campaign_page (task);
}

static void
on_balance_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSync *self = g_task_get_source_object (task);
  GError *error = NULL;
  double balance = 0;
  g_autofree char *currency = NULL;

  if (!sr_api_client_get_balance_finish (SR_API_CLIENT (object), result, &balance, &currency, &error))
    {
      complete (task, error);
      return;
    }

  sr_cache_update_account_async (self->cache, balance, currency, SR_TIME_NONE,
                                 NULL, on_account_written_cb, g_steal_pointer (&task));
}

void
sr_sync_run_async (SrSync              *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (SR_IS_SYNC (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_sync_run_async);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A sync is already running"));
      return;
    }

  run = g_new0 (Run, 1);
  run->started = g_get_monotonic_time ();
  run->now = g_get_real_time ();
  run->summary.server_total = -1;
  run->summary.cached_total = -1;
  run->ready = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_result_free);
  run->campaign_cutoff = run->now - self->repoll_window;
  run->first_sync = sr_cache_get_newest_created_at (self->cache, NULL) == SR_TIME_NONE;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  self->task = task;
  self->pages_done = 0;
  self->pages_expected = 0;
  self->records = 0;
  self->records_expected = 0;

  set_phase (self, SR_SYNC_PHASE_ACCOUNT);
  sr_api_client_get_balance_async (self->client, cancellable, on_balance_cb, g_steal_pointer (&task));
}

gboolean
sr_sync_run_finish (SrSync         *self,
                    GAsyncResult   *result,
                    SrSyncSummary  *out_summary,
                    GError        **error)
{
  Run *run;

  g_return_val_if_fail (SR_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_sync_run_async, FALSE);

  run = g_task_get_task_data (G_TASK (result));
  if (out_summary != NULL)
    {
      if (run != NULL)
        *out_summary = run->summary;
      else
        memset (out_summary, 0, sizeof *out_summary);
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}
