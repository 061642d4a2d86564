/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-export.c: streams reports from the cache into CSV files.
 *
 * - Rows come one at a time from sr_cache_foreach_message() on a worker
 *   thread and go through a 1 MiB buffer into the output stream, so memory
 *   stays flat however many rows there are.
 * - The file is opened with g_file_replace(), which writes a temporary file
 *   next to the destination and renames it over the destination when the
 *   stream is closed. Closing with a cancelled cancellable instead deletes
 *   the temporary file and leaves the destination alone, which is how a
 *   failed or cancelled export is abandoned. GIO writes a file that did not
 *   exist in place, so an empty placeholder is created first (and removed
 *   again on failure): the destination never holds a partial export.
 * - Progress is handed to the caller's main context through one idle at a
 *   time, at most every 100 ms. The user's callback is called from an inner
 *   task's completion on that same context, after which no progress is
 *   delivered any more.
 */

#define G_LOG_DOMAIN "sr-export"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-campaign.h"
#include "sr-export.h"
#include "sr-message.h"
#include "sr-status.h"

#define BUFFER_SIZE (1024 * 1024)
#define PROGRESS_INTERVAL_USEC (100 * 1000)
/* Rows between two looks at the clock. */
#define PROGRESS_ROWS 512

guint
sr_status_not_arrived_mask (void)
{
  return (1u << SR_STATUS_FAILED) |
         (1u << SR_STATUS_EXPIRED) |
         (1u << SR_STATUS_REJECTED) |
         (1u << SR_STATUS_UNSUBSCRIBED) |
         (1u << SR_STATUS_UNKNOWN);
}

/* --- campaign and TSV rows ------------------------------------------------ */

static void
append_local_time (GString *out,
                   gint64   usec)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (usec == SR_TIME_NONE)
    return;

  dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  text = dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : NULL;
  if (text != NULL)
    g_string_append (out, text);
}

void
sr_export_append_campaign_header (GString    *out,
                                  SrCsvFlags  flags)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "id,created_at,sender_id,source,status,recipients,delivered,sent,"
                        "pending,failed,delivery_rate,cost,message");
  if (flags & SR_CSV_FLAGS_LOCAL_TIME)
    g_string_append (out, ",local_time");
  g_string_append (out, "\r\n");
}

void
sr_export_append_campaign (GString    *out,
                           SrCampaign *campaign,
                           SrCsvFlags  flags)
{
  g_autofree char *created = NULL;
  char cost[G_ASCII_DTOSTR_BUF_SIZE];
  char rate_text[G_ASCII_DTOSTR_BUF_SIZE];
  double rate;

  g_return_if_fail (out != NULL);
  g_return_if_fail (SR_IS_CAMPAIGN (campaign));

  rate = sr_campaign_get_delivery_rate (campaign);
  if (rate >= 0)
    g_ascii_formatd (rate_text, sizeof rate_text, "%.4f", rate);
  else
    rate_text[0] = '\0';
  g_ascii_dtostr (cost, sizeof cost, sr_campaign_get_client_total_cost (campaign));
  created = sr_csv_format_utc (sr_campaign_get_created_at (campaign));

  sr_csv_append_text (out, sr_campaign_get_id (campaign), flags);
  g_string_append_printf (out, ",%s,", created);
  sr_csv_append_text (out, sr_campaign_get_sender_id (campaign), flags);
  g_string_append_printf (out, ",%s,", sr_campaign_get_is_api (campaign) ? "API" : "Web");
  sr_csv_append_text (out, sr_campaign_get_status (campaign), flags);
  g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%s,%s,",
                          sr_campaign_get_recipients (campaign),
                          sr_campaign_get_delivered_messages (campaign),
                          sr_campaign_get_sent_messages (campaign),
                          sr_campaign_get_pending_messages (campaign),
                          sr_campaign_get_failed_messages (campaign),
                          rate_text, cost);
  sr_csv_append_text (out, sr_campaign_get_message (campaign), flags);

  if (flags & SR_CSV_FLAGS_LOCAL_TIME)
    {
      g_string_append_c (out, ',');
      append_local_time (out, sr_campaign_get_created_at (campaign));
    }

  g_string_append (out, "\r\n");
}

static void
append_tsv_field (GString    *out,
                  const char *value,
                  gboolean    last)
{
  if (value != NULL)
    {
      for (const char *p = value; *p != '\0'; p++)
        g_string_append_c (out, (*p == '\t' || *p == '\r' || *p == '\n') ? ' ' : *p);
    }
  g_string_append_c (out, last ? '\n' : '\t');
}

static void
append_tsv_time (GString *out,
                 gint64   usec)
{
  g_autofree char *text = sr_csv_format_utc (usec);

  append_tsv_field (out, text, FALSE);
}

char *
sr_export_format_messages_tsv (GPtrArray  *messages,
                               SrCsvFlags  flags,
                               gboolean    with_header)
{
  GString *out;
  gboolean local_time = (flags & SR_CSV_FLAGS_LOCAL_TIME) != 0;

  g_return_val_if_fail (messages != NULL, NULL);

  out = g_string_new (NULL);

  if (with_header)
    {
      g_autoptr(GString) header = g_string_new (NULL);

      /* The CSV header has no field that needs quoting */
      sr_csv_append_message_header (header, flags);
      g_string_truncate (header, header->len - 2);
      g_strdelimit (header->str, ",", '\t');
      g_string_append_printf (out, "%s\n", header->str);
    }

  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *message = g_ptr_array_index (messages, i);
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      char parts[16];

      g_return_val_if_fail (SR_IS_MESSAGE (message), g_string_free (out, FALSE));

      append_tsv_field (out, sr_message_get_id (message), FALSE);
      append_tsv_time (out, sr_message_get_created_at (message));
      append_tsv_time (out, sr_message_get_sent_at (message));
      append_tsv_time (out, sr_message_get_updated_at (message));
      append_tsv_field (out, sr_message_get_to (message), FALSE);
      append_tsv_field (out, sr_message_get_sender_id (message), FALSE);
      append_tsv_field (out, sr_message_get_status_raw (message), FALSE);
      g_snprintf (parts, sizeof parts, "%d", sr_message_get_sms_count (message));
      append_tsv_field (out, parts, FALSE);
      append_tsv_field (out, g_ascii_dtostr (number, sizeof number, sr_message_get_cost (message)), FALSE);
      append_tsv_field (out, sr_message_get_campaign_id (message), FALSE);
      append_tsv_field (out, sr_message_get_failed_reason (message), FALSE);
      append_tsv_field (out, sr_message_get_message (message), !local_time);
      if (local_time)
        {
          g_autoptr(GString) when = g_string_new (NULL);

          append_local_time (when, sr_message_get_created_at (message));
          append_tsv_field (out, when->str, TRUE);
        }
    }

  return g_string_free (out, FALSE);
}

/* --- progress ------------------------------------------------------------- */

typedef struct
{
  GMainContext         *context;          /* (owned) */
  SrExportProgressFunc  func;             /* main context only */
  gpointer              data;
  GDestroyNotify        destroy;
  gboolean              finished;         /* main context only */

  GMutex                lock;
  gint64                done;             /* under lock */
  gint64                total;            /* under lock */
  gboolean              source_pending;   /* under lock */

  gint64                last_report;      /* worker only */
} Progress;

/* The user data was released by progress_finish(), in the right context. */
static void
progress_clear (Progress *progress)
{
  g_clear_pointer (&progress->context, g_main_context_unref);
  g_mutex_clear (&progress->lock);
}

static Progress *
progress_new (SrExportProgressFunc func,
              gpointer             data,
              GDestroyNotify       destroy)
{
  Progress *progress = g_atomic_rc_box_new0 (Progress);

  progress->context = g_main_context_ref_thread_default ();
  progress->func = func;
  progress->data = data;
  progress->destroy = destroy;
  g_mutex_init (&progress->lock);

  return progress;
}

static void
progress_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) progress_clear);
}

static gboolean
progress_dispatch_cb (gpointer user_data)
{
  Progress *progress = user_data;
  gint64 done, total;

  g_mutex_lock (&progress->lock);
  done = progress->done;
  total = progress->total;
  progress->source_pending = FALSE;
  g_mutex_unlock (&progress->lock);

  if (!progress->finished && progress->func != NULL)
    progress->func (done, total, progress->data);

  return G_SOURCE_REMOVE;
}

/* Worker side: publishes the counts, and schedules one idle in the caller's
 * context unless one is already waiting (it will read the newest counts). */
static void
progress_report (Progress *progress,
                 gint64    done,
                 gint64    total,
                 gboolean  force)
{
  gint64 now;
  gboolean schedule;

  if (progress == NULL || progress->func == NULL)
    return;

  now = g_get_monotonic_time ();
  if (!force && now - progress->last_report < PROGRESS_INTERVAL_USEC)
    return;
  progress->last_report = now;

  g_mutex_lock (&progress->lock);
  progress->done = done;
  progress->total = total;
  schedule = !progress->source_pending;
  progress->source_pending = TRUE;
  g_mutex_unlock (&progress->lock);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[sr-export] progress");
      g_source_set_callback (source, progress_dispatch_cb,
                             g_atomic_rc_box_acquire (progress), progress_release);
      g_source_attach (source, progress->context);
      g_source_unref (source);
    }
}

/* Main context: the last progress (on success), then no more. */
static void
progress_finish (Progress *progress,
                 gint64    rows)
{
  gint64 total;

  g_mutex_lock (&progress->lock);
  total = progress->total;
  g_mutex_unlock (&progress->lock);

  if (rows >= 0 && progress->func != NULL)
    progress->func (rows, MAX (rows, total), progress->data);

  progress->finished = TRUE;
  progress->func = NULL;
  if (progress->destroy != NULL)
    g_clear_pointer (&progress->data, progress->destroy);
}

/* --- the file ------------------------------------------------------------- */

typedef struct
{
  GFile         *file;          /* (owned) */
  GOutputStream *stream;        /* (owned) */
  gboolean       placeholder;   /* we created file, so we remove it on failure */
  GString       *buffer;        /* (owned) */
} Output;

static gboolean
output_open (Output        *output,
             GFile         *file,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileOutputStream) created = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileOutputStream *stream;

  output->file = g_object_ref (file);
  output->buffer = g_string_sized_new (BUFFER_SIZE + 64 * 1024);

  created = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &local_error);
  if (created != NULL)
    {
      output->placeholder = TRUE;
      if (!g_output_stream_close (G_OUTPUT_STREAM (created), NULL, error))
        return FALSE;
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, error);
  if (stream == NULL)
    return FALSE;

  output->stream = G_OUTPUT_STREAM (stream);
  return TRUE;
}

static gboolean
output_flush (Output        *output,
              GCancellable  *cancellable,
              GError       **error)
{
  if (output->buffer->len == 0)
    return TRUE;

  if (!g_output_stream_write_all (output->stream, output->buffer->str, output->buffer->len,
                                  NULL, cancellable, error))
    return FALSE;

  g_string_truncate (output->buffer, 0);
  return TRUE;
}

/* Writes what is left and renames the temporary file over the destination. */
static gboolean
output_commit (Output        *output,
               GCancellable  *cancellable,
               GError       **error)
{
  return output_flush (output, cancellable, error) &&
         g_output_stream_close (output->stream, cancellable, error);
}

/* Abandons the export: the temporary file goes, the destination stays as
 * it was (or goes, when it is our placeholder). */
static void
output_abort (Output *output)
{
  if (output->stream != NULL && !g_output_stream_is_closed (output->stream))
    {
      g_autoptr(GCancellable) cancelled = g_cancellable_new ();

      g_cancellable_cancel (cancelled);
      g_output_stream_close (output->stream, cancelled, NULL);
    }

  if (output->placeholder)
    {
      g_autoptr(GError) error = NULL;

      if (!g_file_delete (output->file, NULL, &error))
        {
          g_autofree char *uri = g_file_get_uri (output->file);

          g_warning ("Could not remove the unfinished export “%s”: %s", uri, error->message);
        }
    }
}

static void
output_clear (Output *output)
{
  g_clear_object (&output->stream);
  g_clear_object (&output->file);
  if (output->buffer != NULL)
    g_string_free (g_steal_pointer (&output->buffer), TRUE);
}

/* --- the export jobs ------------------------------------------------------ */

typedef enum {
  EXPORT_MESSAGES,
  EXPORT_CAMPAIGNS,
} ExportKind;

typedef struct
{
  ExportKind        kind;
  SrCache          *cache;              /* (owned) */
  SrMessageFilter  *message_filter;     /* (owned) (nullable) */
  SrCampaignFilter *campaign_filter;    /* (owned) (nullable) */
  SrMessageSort     message_sort;
  SrCampaignSort    campaign_sort;
  gboolean          descending;
  GFile            *destination;        /* (owned) */
  SrCsvFlags        flags;
  Progress         *progress;           /* (owned) (nullable) */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->cache);
  g_clear_pointer (&job->message_filter, sr_message_filter_free);
  g_clear_pointer (&job->campaign_filter, sr_campaign_filter_free);
  g_clear_object (&job->destination);
  g_clear_pointer (&job->progress, progress_release);
  g_free (job);
}

typedef struct
{
  ExportJob    *job;
  Output       *output;
  GCancellable *cancellable;
  GTimeZone    *local_zone;
  gint64        rows;
  gint64        total;
  GError       *error;
} WriteState;

/* Like sr_csv_append_message() with SR_CSV_FLAGS_LOCAL_TIME, with the local
 * time zone looked up once per export: g_date_time_new_from_unix_local()
 * checks /etc/localtime on every call (a stat and a readlink when TZ is not
 * set), which would cost more than everything else a row needs. */
static void
append_message_row (GString    *out,
                    SrMessage  *message,
                    SrCsvFlags  flags,
                    GTimeZone  *local_zone)
{
  gint64 created;

  sr_csv_append_message (out, message, flags & ~SR_CSV_FLAGS_LOCAL_TIME);
  if ((flags & SR_CSV_FLAGS_LOCAL_TIME) == 0)
    return;

  g_assert (out->len >= 2 && out->str[out->len - 2] == '\r' && out->str[out->len - 1] == '\n');
  g_string_truncate (out, out->len - 2);
  g_string_append_c (out, ',');

  created = sr_message_get_created_at (message);
  if (created != SR_TIME_NONE)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (created / G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = dt != NULL ? g_date_time_to_timezone (dt, local_zone) : NULL;
      g_autofree char *text = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : NULL;

      if (text != NULL)
        g_string_append (out, text);
    }

  g_string_append (out, "\r\n");
}

static gboolean
write_message_cb (SrMessage *message,
                  gpointer   user_data)
{
  WriteState *state = user_data;

  append_message_row (state->output->buffer, message, state->job->flags, state->local_zone);
  state->rows++;

  if (state->output->buffer->len >= BUFFER_SIZE &&
      !output_flush (state->output, state->cancellable, &state->error))
    return FALSE;

  if (state->rows % PROGRESS_ROWS == 0)
    progress_report (state->job->progress, state->rows, state->total, FALSE);

  return TRUE;
}

static gboolean
write_messages (WriteState  *state,
                GError     **error)
{
  ExportJob *job = state->job;

  state->total = sr_cache_count_messages (job->cache, job->message_filter, error);
  if (state->total < 0)
    return FALSE;
  progress_report (job->progress, 0, state->total, TRUE);

  sr_csv_append_message_header (state->output->buffer, job->flags);

  if (!sr_cache_foreach_message (job->cache, job->message_filter,
                                 job->message_sort, job->descending, -1,
                                 write_message_cb, state, state->cancellable, error))
    return FALSE;

  if (state->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&state->error));
      return FALSE;
    }

  return TRUE;
}

/* Campaigns are a few thousand at most: read them at once. */
static gboolean
write_campaigns (WriteState  *state,
                 GError     **error)
{
  ExportJob *job = state->job;
  g_autoptr(GPtrArray) campaigns = NULL;

  campaigns = sr_cache_query_campaigns (job->cache, job->campaign_filter,
                                                 job->campaign_sort, job->descending,
                                                 -1, 0, error);
  if (campaigns == NULL)
    return FALSE;

  state->total = campaigns->len;
  progress_report (job->progress, 0, state->total, TRUE);

  sr_export_append_campaign_header (state->output->buffer, job->flags);

  for (guint i = 0; i < campaigns->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (state->cancellable, error))
        return FALSE;

      sr_export_append_campaign (state->output->buffer, g_ptr_array_index (campaigns, i), job->flags);
      state->rows++;

      if (state->output->buffer->len >= BUFFER_SIZE &&
          !output_flush (state->output, state->cancellable, error))
        return FALSE;

      progress_report (job->progress, state->rows, state->total, FALSE);
    }

  return TRUE;
}

static gint64
export_run (ExportJob     *job,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GTimeZone) local_zone = g_time_zone_new_local ();
  Output output = { NULL, };
  WriteState state = { job, &output, cancellable, local_zone, 0, 0, NULL };
  gint64 started = g_get_monotonic_time ();
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  ok = output_open (&output, job->destination, cancellable, error);
  if (ok)
    {
      if (job->kind == EXPORT_MESSAGES)
        ok = write_messages (&state, error);
      else
        ok = write_campaigns (&state, error);
    }

  /* The last look at the cancellable: past the rename, it is done. */
  ok = ok && output_commit (&output, cancellable, error);

  if (!ok)
    output_abort (&output);
  else
    g_debug ("Exported %" G_GINT64_FORMAT " rows in %.2f s", state.rows,
             (g_get_monotonic_time () - started) / 1e6);

  g_clear_error (&state.error);
  output_clear (&output);

  return ok ? state.rows : -1;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  gint64 rows;

  rows = export_run (task_data, cancellable, &error);
  if (rows < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, (gssize) rows);
}

/* The inner task (run in a thread) completed in the caller's context:
 * deliver the last progress, then complete the caller's task. */
static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gssize rows;

  rows = g_task_propagate_int (G_TASK (result), &error);
  if (job->progress != NULL)
    progress_finish (job->progress, error == NULL ? rows : -1);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, rows);
}

static void
start_export (SrCache              *cache,
              ExportJob            *job,
              gpointer              source_tag,
              GCancellable         *cancellable,
              SrExportProgressFunc  progress,
              gpointer              progress_data,
              GDestroyNotify        progress_data_free,
              GAsyncReadyCallback   callback,
              gpointer              user_data)
{
  GTask *task;
  g_autoptr(GTask) inner = NULL;

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[sr-export] export");
  /* A file that was renamed into place is exported, cancelled or not. */
  g_task_set_check_cancellable (task, FALSE);

  job->progress = progress_new (progress, progress_data, progress_data_free);

  inner = g_task_new (NULL, cancellable, export_done_cb, task);
  g_task_set_source_tag (inner, start_export);
  g_task_set_name (inner, "[sr-export] worker");
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (inner, export_thread);
}

static ExportJob *
message_job_new (SrCache               *cache,
                 const SrMessageFilter *filter,
                 SrMessageSort          sort,
                 gboolean               descending,
                 GFile                 *destination,
                 SrCsvFlags             flags)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->kind = EXPORT_MESSAGES;
  job->cache = g_object_ref (cache);
  job->message_filter = filter != NULL ? sr_message_filter_copy (filter) : NULL;
  job->message_sort = sort;
  job->descending = descending;
  job->destination = g_object_ref (destination);
  job->flags = flags;

  return job;
}

static ExportJob *
campaign_job_new (SrCache                *cache,
                  const SrCampaignFilter *filter,
                  SrCampaignSort          sort,
                  gboolean                descending,
                  GFile                  *destination,
                  SrCsvFlags              flags)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->kind = EXPORT_CAMPAIGNS;
  job->cache = g_object_ref (cache);
  job->campaign_filter = filter != NULL ? sr_campaign_filter_copy (filter) : NULL;
  job->campaign_sort = sort;
  job->descending = descending;
  job->destination = g_object_ref (destination);
  job->flags = flags;

  return job;
}

void
sr_export_messages_async (SrCache                *cache,
                          const SrMessageFilter  *filter,
                          SrMessageSort           sort,
                          gboolean                descending,
                          GFile                  *destination,
                          SrCsvFlags              flags,
                          GCancellable           *cancellable,
                          SrExportProgressFunc    progress,
                          gpointer                progress_data,
                          GDestroyNotify          progress_data_free,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (G_IS_FILE (destination));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_export (cache,
                message_job_new (cache, filter, sort, descending, destination, flags),
                sr_export_messages_async, cancellable,
                progress, progress_data, progress_data_free, callback, user_data);
}

static gint64
export_finish (SrCache       *cache,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  gssize rows;

  g_return_val_if_fail (SR_IS_CACHE (cache), -1);
  g_return_val_if_fail (g_task_is_valid (result, cache), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, -1);

  rows = g_task_propagate_int (G_TASK (result), error);
  return rows;
}

gint64
sr_export_messages_finish (SrCache       *cache,
                           GAsyncResult  *result,
                           GError       **error)
{
  return export_finish (cache, result, sr_export_messages_async, error);
}

void
sr_export_campaigns_async (SrCache                *cache,
                           const SrCampaignFilter *filter,
                           SrCampaignSort          sort,
                           gboolean                descending,
                           GFile                  *destination,
                           SrCsvFlags              flags,
                           GCancellable           *cancellable,
                           SrExportProgressFunc    progress,
                           gpointer                progress_data,
                           GDestroyNotify          progress_data_free,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (G_IS_FILE (destination));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_export (cache,
                campaign_job_new (cache, filter, sort, descending, destination, flags),
                sr_export_campaigns_async, cancellable,
                progress, progress_data, progress_data_free, callback, user_data);
}

gint64
sr_export_campaigns_finish (SrCache       *cache,
                            GAsyncResult  *result,
                            GError       **error)
{
  return export_finish (cache, result, sr_export_campaigns_async, error);
}

gint64
sr_export_messages (SrCache                *cache,
                    const SrMessageFilter  *filter,
                    SrMessageSort           sort,
                    gboolean                descending,
                    GFile                  *destination,
                    SrCsvFlags              flags,
                    GCancellable           *cancellable,
                    GError                **error)
{
  ExportJob *job;
  gint64 rows;

  g_return_val_if_fail (SR_IS_CACHE (cache), -1);
  g_return_val_if_fail (G_IS_FILE (destination), -1);

  job = message_job_new (cache, filter, sort, descending, destination, flags);
  rows = export_run (job, cancellable, error);
  export_job_free (job);

  return rows;
}

gint64
sr_export_campaigns (SrCache                *cache,
                     const SrCampaignFilter *filter,
                     SrCampaignSort          sort,
                     gboolean                descending,
                     GFile                  *destination,
                     SrCsvFlags              flags,
                     GCancellable           *cancellable,
                     GError                **error)
{
  ExportJob *job;
  gint64 rows;

  g_return_val_if_fail (SR_IS_CACHE (cache), -1);
  g_return_val_if_fail (G_IS_FILE (destination), -1);

  job = campaign_job_new (cache, filter, sort, descending, destination, flags);
  rows = export_run (job, cancellable, error);
  export_job_free (job);

  return rows;
}
