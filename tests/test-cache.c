/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cache.c: SrCache and SrMessageFilter on a real SQLite file in a
 * temporary directory. Expected values are computed independently: in C over
 * the generated records, with GChecksum, or with plain SQL on a separate
 * connection.
 */

#define G_LOG_DOMAIN "test-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "sr-core.h"
#include "sr-cache-aggregates.h"
#include "sr-cache-private.h"
#include "sr-cache-schema.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-test-mount.h"

#define BASE_TIME   G_GINT64_CONSTANT (1709251200000000)   /* 2024-03-01 00:00:00 UTC */
#define HOUR        (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define DAY         (24 * HOUR)
#define N_GENERATED 3000

/* --- fixture helpers ------------------------------------------------------ */

typedef struct
{
  char      *dir;
  char      *path;
  SrCache   *cache;
  GPtrArray *messages;    /* what was written, by id order of generation */
  GPtrArray *campaigns;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->cache = sr_cache_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->cache);
  fixture->messages = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->campaigns = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->cache != NULL)
    sr_cache_close (fixture->cache);
  g_clear_object (&fixture->cache);
  g_clear_pointer (&fixture->messages, g_ptr_array_unref);
  g_clear_pointer (&fixture->campaigns, g_ptr_array_unref);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static SrMessage *
new_message (const char *id,
             const char *status_raw,
             gint64      created_at)
{
  SrMessage *message = sr_message_new_empty ();

  message->id = g_strdup (id);
  message->status_raw = g_strdup (status_raw);
  message->status = sr_status_from_string (status_raw);
  message->created_at = created_at;

  return message;
}

static const char * const generated_statuses[] = {
  "DELIVERED", "SENDING", "SENT", "FAILED", "EXPIRED", "QUEUED", "SCHEDULED",
  "REJECTED", "UNSUBSCRIBED", "UNDELIVERED", "PENDING", "ONGOING",
};
static const char * const generated_prefixes[] = { "+35799", "+35797", "+4477", "+3069", "+1202" };
static const char * const generated_senders[] = { "ACME", "Shop", "acme", "+35799000000", "Bank_1" };
static const char * const generated_reasons[] = { "Absent Subscriber", "Invalid Number", "Call Barred" };
static const char * const generated_words[] = {
  "Hello", "ORDER", "order", "shipped", "50%", "off", "code_A", "Ünïcode", "ünïcode",
  "tracking", "100_percent", "back\\slash", "Café", "meeting", "Code",
  "Ölmesi", "ölmesi", "olmesi", "ΆΛΦΑ", "άλφα", "jazz", "Jazzy", "naïve", "Straße", "e-mail",
  "4479", "ref:4477",
};

/* Messages with every status (and unknown ones), several senders, prefixes,
 * campaigns (some without), texts with LIKE's special characters and
 * non-ASCII letters, over 30 days; ties in every sort key on purpose. */
static GPtrArray *
generate_messages (guint n,
                   guint n_campaigns)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%04x-%08x-%04u", g_test_rand_int_range (0, 0x10000),
                                             (guint) g_test_rand_int (), i);
      const char *status = generated_statuses[g_test_rand_int_range (0, G_N_ELEMENTS (generated_statuses))];
      SrMessage *m;
      GString *text = g_string_new (NULL);

      /* Some creation times are shared, to exercise the tie-breakers. */
      m = new_message (id, status,
                       BASE_TIME + (i % 7 == 0 ? (gint64) (i / 7) * G_USEC_PER_SEC * 60
                                               : (gint64) g_test_rand_int_range (0, 30 * 24 * 60) * 60 * G_USEC_PER_SEC +
                                                 (gint64) g_test_rand_int_range (0, 60) * G_USEC_PER_SEC));
      if (g_test_rand_int_range (0, 10) < 7)
        m->campaign_id = g_strdup_printf ("camp-%02d", g_test_rand_int_range (0, n_campaigns));
      if (g_test_rand_int_range (0, 100) > 0)
        m->to = g_strdup_printf ("%s%06d",
                                 generated_prefixes[g_test_rand_int_range (0, G_N_ELEMENTS (generated_prefixes))],
                                 g_test_rand_int_range (0, 1000));
      m->sender_id = g_strdup (generated_senders[g_test_rand_int_range (0, G_N_ELEMENTS (generated_senders))]);
      for (int w = g_test_rand_int_range (1, 5); w > 0; w--)
        g_string_append_printf (text, "%s ", generated_words[g_test_rand_int_range (0, G_N_ELEMENTS (generated_words))]);
      if (g_test_rand_int_range (0, 20) > 0)
        m->message = g_string_free (g_steal_pointer (&text), FALSE);
      else
        g_string_free (g_steal_pointer (&text), TRUE);
      if (m->status == SR_STATUS_FAILED || m->status == SR_STATUS_REJECTED)
        m->failed_reason = g_strdup (generated_reasons[g_test_rand_int_range (0, G_N_ELEMENTS (generated_reasons))]);
      if (m->status != SR_STATUS_QUEUED && m->status != SR_STATUS_SCHEDULED)
        m->sent_at = m->created_at + g_test_rand_int_range (0, 3) * G_USEC_PER_SEC;
      m->updated_at = m->created_at + 10 * G_USEC_PER_SEC;
      m->cost = g_test_rand_int_range (0, 6) * 0.0125;
      m->sms_count = g_test_rand_int_range (1, 4);
      m->is_api = g_test_rand_bit ();
      m->optout = g_test_rand_int_range (0, 50) == 0;
      m->message_type = g_strdup ("sms");
      m->provider = g_test_rand_bit () ? g_strdup ("route-a") : NULL;
      g_ptr_array_add (messages, m);
    }

  return messages;
}

static void assert_search (SrCache *cache, const char *text, const char *expected);
static void assert_search_index_consistent (const char *path);

static GPtrArray *
generate_campaigns (guint n)
{
  GPtrArray *campaigns = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      SrCampaign *c = sr_campaign_new_empty ();

      c->id = g_strdup_printf ("camp-%02u", i);
      c->sender_id = g_strdup (generated_senders[i % G_N_ELEMENTS (generated_senders)]);
      c->message = g_strdup_printf ("Campaign %u: %s", i, generated_words[i % G_N_ELEMENTS (generated_words)]);
      c->status = g_strdup (i % 3 ? "completed" : "sending");
      c->campaign_type = g_strdup ("SMS");
      c->delivered_messages = g_test_rand_int_range (0, 50);
      c->failed_messages = g_test_rand_int_range (0, 10);
      c->pending_messages = g_test_rand_int_range (0, 3) == 0 ? g_test_rand_int_range (0, 20) : 0;
      c->sent_messages = i % 4 == 0 ? 0 : g_test_rand_int_range (0, 10);
      c->client_total_cost = g_test_rand_int_range (0, 100) * 0.01;
      c->created_at = BASE_TIME + (gint64) (i % 9) * HOUR;
      c->sms_count = 1;
      c->is_api = i % 2;
      g_ptr_array_add (campaigns, c);
    }

  return campaigns;
}

static void
fixture_fill (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = generate_messages (N_GENERATED, 25);
  g_autoptr(GPtrArray) campaigns = generate_campaigns (25);
  guint n_new = 0, n_updated = 0;

  /* In pages of 1000, like a sync */
  for (guint start = 0; start < messages->len; start += 1000)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new ();

      for (guint i = start; i < MIN (start + 1000, messages->len); i++)
        g_ptr_array_add (page, messages->pdata[i]);
      g_assert_true (sr_cache_upsert_messages (fixture->cache, page, NULL, &n_new, &n_updated, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_new, ==, page->len);
      g_assert_cmpuint (n_updated, ==, 0);
    }

  g_assert_true (sr_cache_upsert_campaigns (fixture->cache, campaigns, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, campaigns->len);

  g_ptr_array_extend_and_steal (fixture->messages, g_steal_pointer (&messages));
  g_ptr_array_extend_and_steal (fixture->campaigns, g_steal_pointer (&campaigns));
}

/* A separate plain SQLite connection, for independent checks. */
static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);

  return db;
}

static gint64
raw_int64 (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gboolean
raw_has_column (sqlite3    *db,
                const char *table,
                const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info ('%s') WHERE name = '%s'",
                                          table, column);

  return raw_int64 (db, sql) == 1;
}

static gboolean
raw_has_object (sqlite3    *db,
                const char *type,
                const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = '%s' AND name = '%s'",
                                          type, name);

  return raw_int64 (db, sql) == 1;
}

static GBytes *
read_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static char *
data_file (const char *name)
{
  const char *dir = g_getenv ("SR_TEST_DATA_DIR");

  if (dir != NULL)
    return g_build_filename (dir, "cache", name, NULL);

  return g_test_build_filename (G_TEST_DIST, "data", "cache", name, NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GBytes) bytes = read_file_bytes (from);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

/* --- files and opening ------------------------------------------------------ */

static void
test_file_name (void)
{
  g_autofree char *a = sr_cache_dup_account_file_name ("https://api.sms.to", "secret-key-1");
  g_autofree char *a2 = sr_cache_dup_account_file_name ("https://api.sms.to", "secret-key-1");
  g_autofree char *b = sr_cache_dup_account_file_name ("https://api.sms.to", "secret-key-2");
  g_autofree char *c = sr_cache_dup_account_file_name ("http://127.0.0.1:8080", "secret-key-1");
  g_autofree char *dir = sr_cache_dup_default_dir ();
  g_autofree char *expected_dir = g_build_filename (g_get_user_data_dir (), "sms-reports", NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *expected = NULL;

  g_checksum_update (checksum, (const guchar *) "sms-reports:https://api.sms.to:secret-key-1", -1);
  expected = g_strdup_printf ("account-%.16s.db", g_checksum_get_string (checksum));

  g_assert_cmpstr (a, ==, expected);
  g_assert_cmpstr (a, ==, a2);
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpuint (strlen (a), ==, strlen ("account-") + 16 + strlen (".db"));
  g_assert_null (strstr (a, "secret"));
  g_assert_cmpstr (dir, ==, expected_dir);
}

static void
test_open_creates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *nested = g_build_filename (tmp, "a", "b", NULL);
  g_autofree char *path = g_build_filename (nested, "x.db", NULL);
  g_autoptr(SrCache) cache = NULL;
  GStatBuf st;
  sqlite3 *db;

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_cache_get_path (cache), ==, path);

  g_assert_cmpint (g_stat (nested, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  /* Private data: the file and its WAL are for the user only */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);

    g_assert_cmpint (g_stat (wal, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  db = open_raw (path);
  g_assert_cmpint (raw_int64 (db, "PRAGMA user_version"), ==, SR_CACHE_SCHEMA_VERSION);
  g_assert_true (raw_has_object (db, "table", "messages"));
  g_assert_true (raw_has_object (db, "table", "campaigns"));
  g_assert_true (raw_has_object (db, "table", "account"));
  g_assert_true (raw_has_object (db, "table", "sync_state"));
  g_assert_true (raw_has_object (db, "index", "messages_insights"));
  g_assert_true (raw_has_column (db, "messages", "status_code"));
  g_assert_true (raw_has_column (db, "messages", "status_raw"));
  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  g_assert_true (sr_cache_check_integrity (cache, &error));
  g_assert_no_error (error);

  sr_cache_close (cache);
  g_clear_object (&cache);

  /* Opening again migrates nothing and keeps the version. */
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  sr_cache_close (cache);

  remove_tree (tmp);
}

/* A file that is not ours must come back byte for byte. */
static void
assert_rejected (const char   *path,
                 SrCacheError  code)
{
  g_autoptr(GBytes) before = read_file_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  cache = sr_cache_open (path, &error);
  g_assert_error (error, SR_CACHE_ERROR, (int) code);
  g_assert_null (cache);

  after = read_file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_reject_too_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *path = g_build_filename (tmp, "future.db", NULL);
  g_autofree char *future = g_strdup_printf ("PRAGMA user_version = %d;", SR_CACHE_SCHEMA_VERSION + 1);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  raw_exec (db, "CREATE TABLE messages (rowid INTEGER PRIMARY KEY, id TEXT, hologram BLOB);"
                "INSERT INTO messages (id) VALUES ('x');");
  raw_exec (db, future);
  sqlite3_close (db);

  assert_rejected (path, SR_CACHE_ERROR_TOO_NEW);
  remove_tree (tmp);
}

static void
test_reject_corrupt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *text = g_build_filename (tmp, "text.db", NULL);
  g_autofree char *damaged = g_build_filename (tmp, "damaged.db", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *data = NULL;
  gsize size;
  sqlite3 *db = NULL;

  /* Not a database at all */
  g_file_set_contents (text, "These are my notes, not an SQLite database.\n"
                             "Please never delete them.\n", -1, &error);
  g_assert_no_error (error);
  assert_rejected (text, SR_CACHE_ERROR_CORRUPT);

  /* A database whose b-tree pages were overwritten: the header is fine, so
   * only the quick check can tell. */
  g_assert_cmpint (sqlite3_open (damaged, &db), ==, SQLITE_OK);
  raw_exec (db, "PRAGMA page_size = 4096;"
                "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
                "CREATE INDEX t_v ON t (v);"
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                "  INSERT INTO t (v) SELECT printf ('value %d', i) FROM n;"
                "PRAGMA user_version = 2;");
  sqlite3_close (db);

  bytes = read_file_bytes (damaged);
  size = g_bytes_get_size (bytes);
  data = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
  g_assert_cmpuint (size, >, 4096 * 8);
  memset (data + 4096 * 3, 0x5a, 4096 * 3);
  g_file_set_contents (damaged, (const char *) data, size, &error);
  g_assert_no_error (error);

  assert_rejected (damaged, SR_CACHE_ERROR_CORRUPT);

  remove_tree (tmp);
}

/* Opening a cleanly closed file does not read all of it; a file left open
 * by a crash is checked again, so damage is still found after one. */
static void
test_corrupt_after_unclean_shutdown (void)
{
  const char *path = g_getenv ("SR_TEST_UNCLEAN_PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *data = NULL;
  gsize size, middle;
  sqlite3 *db;

  if (g_test_subprocess ())
    {
      /* Opens the cache and dies without closing it, like a crash. */
      cache = sr_cache_open (path, &error);
      g_assert_no_error (error);
      _exit (0);
    }

  tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_build_filename (tmp, "unclean.db", NULL);

  cache = sr_cache_open (file, &error);
  g_assert_no_error (error);
  messages = generate_messages (3000, 20);
  sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  sr_cache_close (cache);
  g_clear_object (&cache);

  db = open_raw (file);
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM sync_state WHERE key = '"
                                  SR_CACHE_CLEAN_CLOSE_KEY "'"), ==, 1);
  sqlite3_close (db);

  g_setenv ("SR_TEST_UNCLEAN_PATH", file, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_unsetenv ("SR_TEST_UNCLEAN_PATH");

  db = open_raw (file);
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM sync_state WHERE key = '"
                                  SR_CACHE_CLEAN_CLOSE_KEY "'"), ==, 0);
  sqlite3_close (db);

  /* Overwrite three pages in the middle of the (checkpointed) file: message
   * rows and index pages, which nothing reads while opening. */
  bytes = read_file_bytes (file);
  size = g_bytes_get_size (bytes);
  g_assert_cmpuint (size, >, 4096 * 64);
  data = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
  middle = (size / 2) - (size / 2) % 4096;
  memset (data + middle, 0x5a, 4096 * 3);
  g_file_set_contents (file, (const char *) data, size, &error);
  g_assert_no_error (error);

  cache = sr_cache_open (file, &error);
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT);
  g_assert_null (cache);

  remove_tree (tmp);
}

/* --- migration ---------------------------------------------------------------- */

static void
check_migrated (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(SrMessage) failed = NULL;
  g_autoptr(SrMessage) unknown = NULL;
  g_autoptr(SrCampaign) campaign = NULL;
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *currency = NULL;
  g_autofree char *fresh_path = NULL;
  g_autoptr(SrCache) fresh = NULL;
  SrMessageFilter filter = { 0, };
  double balance = 0;
  gint64 last_sync = 0;
  guint n_new = 0, n_updated = 0;
  sqlite3 *db, *fresh_db;
  const char *queries[] = {
    "SELECT group_concat (name, ',') FROM (SELECT name FROM pragma_table_info ('messages') ORDER BY name)",
    "SELECT group_concat (name, ',') FROM (SELECT name FROM pragma_table_info ('campaigns') ORDER BY name)",
    /* SQLite's own tables (sqlite_stat1 from PRAGMA optimize's ANALYZE on
     * newer versions, which only runs where there is data) are not part of
     * the schema; its automatic indexes for UNIQUE constraints are. */
    "SELECT group_concat (name, ',') FROM (SELECT name FROM sqlite_schema"
    "  WHERE NOT (type = 'table' AND name LIKE 'sqlite\\_%' ESCAPE '\\') ORDER BY name)",
  };

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  /* Rows kept, status codes computed for known and unknown statuses */
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, &error), ==, 6);
  failed = sr_cache_get_message (cache, "11e8-0003-aaaa-0000-0000-0242ac120002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (failed->status, ==, SR_STATUS_FAILED);
  g_assert_cmpstr (failed->failed_reason, ==, "Absent Subscriber");
  g_assert_cmpstr (failed->to, ==, "+447700900003");
  g_assert_cmpstr (failed->timezone, ==, "Europe/London");
  g_assert_cmpint (failed->created_at, ==, G_GINT64_CONSTANT (1709283600000000));
  g_assert_cmpfloat_with_epsilon (failed->cost, 0.05, 1e-9);
  g_assert_cmpint (failed->sms_count, ==, 2);
  g_assert_null (failed->provider);
  g_assert_false (failed->optout);

  unknown = sr_cache_get_message (cache, "11e8-0004-aaaa-0000-0000-0242ac120002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (unknown->status, ==, SR_STATUS_UNKNOWN);
  g_assert_cmpstr (unknown->status_raw, ==, "UNDELIVERED");
  g_assert_cmpint (unknown->sent_at, ==, SR_TIME_NONE);

  filter.status_mask = 1 << SR_STATUS_DELIVERED;
  g_assert_cmpint (sr_cache_count_messages (cache, &filter, &error), ==, 1);
  filter.status_mask = 1 << SR_STATUS_UNKNOWN;
  g_assert_cmpint (sr_cache_count_messages (cache, &filter, &error), ==, 1);

  campaign = sr_cache_get_campaign (cache, "c-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (campaign->sender_id, ==, "Bank");
  g_assert_cmpint (campaign->pending_messages, ==, 1);
  g_assert_null (campaign->template_id);

  g_assert_true (sr_cache_get_account (cache, &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (balance, ==, 42.5);
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_cmpint (last_sync, ==, G_GINT64_CONSTANT (1709300000000000));

  /* The search index was built for the rows already there */
  assert_search (cache, "ORDER", "11e8-0003-aaaa-0000-0000-0242ac120002");
  assert_search (cache, "your co", "11e8-0002-aaaa-0000-0000-0242ac120002 11e8-0001-aaaa-0000-0000-0242ac120002");
  assert_search (cache, "bank", "11e8-0006-aaaa-0000-0000-0242ac120002 11e8-0005-aaaa-0000-0000-0242ac120002");
  assert_search (cache, "+4477", "11e8-0003-aaaa-0000-0000-0242ac120002");
  assert_search_index_consistent (path);

  /* The new table works, and so do upserts with the new columns */
  g_assert_null (sr_cache_dup_state (cache, "checkpoint", &error));
  g_assert_no_error (error);
  g_ptr_array_add (more, new_message ("11e8-0004-aaaa-0000-0000-0242ac120002", "DELIVERED", 1709287200000000));
  ((SrMessage *) more->pdata[0])->provider = g_strdup ("route-b");
  g_ptr_array_add (more, new_message ("11e8-0007-aaaa-0000-0000-0242ac120002", "SENT", 1709298000000000));
  {
    g_autoptr(GHashTable) state = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_insert (state, "checkpoint", "after-migration");
    g_assert_true (sr_cache_upsert_messages (cache, more, state, &n_new, &n_updated, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 1);
  g_assert_cmpuint (n_updated, ==, 1);
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, &error), ==, 7);
  {
    g_autofree char *state = sr_cache_dup_state (cache, "checkpoint", &error);
    g_assert_no_error (error);
    g_autoptr(SrMessage) updated = sr_cache_get_message (cache, "11e8-0004-aaaa-0000-0000-0242ac120002", &error);

    g_assert_cmpstr (state, ==, "after-migration");
    g_assert_cmpint (updated->status, ==, SR_STATUS_DELIVERED);
    g_assert_cmpstr (updated->provider, ==, "route-b");
  }
  g_assert_true (sr_cache_check_integrity (cache, &error));
  g_assert_no_error (error);
  sr_cache_close (cache);

  /* Same columns, tables and indexes as a file created by this version */
  fresh_path = g_strconcat (path, ".fresh.db", NULL);
  fresh = sr_cache_open (fresh_path, &error);
  g_assert_no_error (error);
  sr_cache_close (fresh);

  db = open_raw (path);
  fresh_db = open_raw (fresh_path);
  g_assert_cmpint (raw_int64 (db, "PRAGMA user_version"), ==, SR_CACHE_SCHEMA_VERSION);
  g_assert_true (raw_has_column (db, "messages", "status_code"));
  g_assert_true (raw_has_column (db, "messages", "internal_failed_reason"));
  g_assert_true (raw_has_column (db, "campaigns", "canceled_at"));
  g_assert_true (raw_has_object (db, "table", "sync_state"));
  g_assert_true (raw_has_object (db, "index", "messages_campaign_id"));
  g_assert_false (raw_has_object (db, "index", "messages_status_raw"));
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *a = NULL, *b = NULL;

      sqlite3_prepare_v2 (db, queries[i], -1, &a, NULL);
      sqlite3_prepare_v2 (fresh_db, queries[i], -1, &b, NULL);
      g_assert_cmpint (sqlite3_step (a), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_step (b), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (a, 0), ==,
                       (const char *) sqlite3_column_text (b, 0));
      sqlite3_finalize (a);
      sqlite3_finalize (b);
    }
  sqlite3_close (db);
  sqlite3_close (fresh_db);
}

static void
test_migrate_v1_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *fixture = data_file ("v1.db");
  g_autofree char *path = g_build_filename (tmp, "v1.db", NULL);
  g_autoptr(GBytes) fixture_before = read_file_bytes (fixture);
  g_autoptr(GBytes) fixture_after = NULL;

  copy_file (fixture, path);
  check_migrated (path);

  /* The committed fixture itself is never written to. */
  fixture_after = read_file_bytes (fixture);
  g_assert_true (g_bytes_equal (fixture_before, fixture_after));

  remove_tree (tmp);
}

static void
test_migrate_v1_sql (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *script = data_file ("make-v1.sql");
  g_autofree char *path = g_build_filename (tmp, "v1.db", NULL);
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;

  g_file_get_contents (script, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  raw_exec (db, sql);
  g_assert_cmpint (raw_int64 (db, "PRAGMA user_version"), ==, 1);
  sqlite3_close (db);

  check_migrated (path);
  remove_tree (tmp);
}

/* --- writes ----------------------------------------------------------------- */

static void
test_upsert_idempotent (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = generate_messages (500, 5);
  g_autoptr(GPtrArray) changed_page = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SrMessage) stored = NULL;
  guint n_new = 99, n_updated = 99;
  SrMessage *target = NULL;
  sqlite3 *db;

  g_assert_true (sr_cache_upsert_messages (fixture->cache, page, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 500);
  g_assert_cmpuint (n_updated, ==, 0);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, &error), ==, 500);

  /* The same page again: nothing new, every row "updated" */
  g_assert_true (sr_cache_upsert_messages (fixture->cache, page, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 0);
  g_assert_cmpuint (n_updated, ==, 500);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, &error), ==, 500);

  /* A changed status (SENT → DELIVERED, as a late report) is written, with
   * its code, and a duplicate id inside one page counts once as new. */
  for (guint i = 0; i < page->len && target == NULL; i++)
    if (((SrMessage *) page->pdata[i])->status == SR_STATUS_SENT)
      target = page->pdata[i];
  g_assert_nonnull (target);
  {
    SrMessage *late = new_message (target->id, "DELIVERED", target->created_at);

    late->to = g_strdup (target->to);
    late->updated_at = target->updated_at + HOUR;
    g_ptr_array_add (changed_page, late);
    g_ptr_array_add (changed_page, new_message ("brand-new", "QUEUED", BASE_TIME));
    g_ptr_array_add (changed_page, new_message ("brand-new", "SENT", BASE_TIME));
  }
  g_assert_true (sr_cache_upsert_messages (fixture->cache, changed_page, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 1);
  g_assert_cmpuint (n_updated, ==, 2);
  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, &error), ==, 501);

  stored = sr_cache_get_message (fixture->cache, target->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->status, ==, SR_STATUS_DELIVERED);
  g_assert_cmpstr (stored->status_raw, ==, "DELIVERED");
  g_assert_cmpint (stored->updated_at, ==, target->updated_at + HOUR);
  g_clear_object (&stored);
  stored = sr_cache_get_message (fixture->cache, "brand-new", &error);
  g_assert_cmpstr (stored->status_raw, ==, "SENT");

  /* Every field round-trips */
  for (guint i = 0; i < 50; i++)
    {
      SrMessage *m = page->pdata[i];
      g_autoptr(SrMessage) r = NULL;

      if (m == target)
        continue;
      r = sr_cache_get_message (fixture->cache, m->id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (r->campaign_id, ==, m->campaign_id);
      g_assert_cmpstr (r->to, ==, m->to);
      g_assert_cmpstr (r->sender_id, ==, m->sender_id);
      g_assert_cmpstr (r->message, ==, m->message);
      g_assert_cmpstr (r->status_raw, ==, m->status_raw);
      g_assert_cmpint (r->status, ==, m->status);
      g_assert_cmpstr (r->failed_reason, ==, m->failed_reason);
      g_assert_cmpstr (r->message_type, ==, m->message_type);
      g_assert_cmpstr (r->provider, ==, m->provider);
      g_assert_cmpint (r->created_at, ==, m->created_at);
      g_assert_cmpint (r->updated_at, ==, m->updated_at);
      g_assert_cmpint (r->sent_at, ==, m->sent_at);
      g_assert_cmpint (r->scheduled_for, ==, m->scheduled_for);
      g_assert_cmpfloat (r->cost, ==, m->cost);
      g_assert_cmpint (r->sms_count, ==, m->sms_count);
      g_assert_cmpint (r->is_api, ==, m->is_api);
      g_assert_cmpint (r->optout, ==, m->optout);
    }

  g_assert_null (sr_cache_get_message (fixture->cache, "no-such-id", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* status_code is stored next to the raw string for every row */
  db = open_raw (fixture->path);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE status_code = 0 "
                                  "AND status_raw IN ('DELIVERED', 'SENT', 'FAILED', 'QUEUED')"), ==, 0);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE status_raw = 'UNDELIVERED' "
                                  "AND status_code <> 0"), ==, 0);
  sqlite3_close (db);
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  GError    *errors[3];
  guint      n_new[3];
} AsyncData;

typedef struct
{
  AsyncData *data;
  guint      index;
} CallData;

static void
indexed_upsert_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree CallData *call = user_data;
  AsyncData *data = call->data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  sr_cache_upsert_messages_finish (SR_CACHE (object), result, &data->n_new[call->index], NULL,
                                   &data->errors[call->index]);
  if (--data->pending == 0)
    g_main_loop_quit (data->loop);
}

static GHashTable *
new_state (const char *key,
           const char *value)
{
  GHashTable *state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (state, g_strdup (key), g_strdup (value));
  return state;
}

static void
test_state_atomic (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) good = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) poisoned = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) state = NULL;
  g_autofree char *value = NULL;
  guint n_new = 0, n_updated = 0;
  sqlite3 *db;

  g_ptr_array_add (good, new_message ("g1", "SENT", BASE_TIME));
  g_ptr_array_add (good, new_message ("g2", "SENT", BASE_TIME + 1));
  state = new_state ("checkpoint", "page-1");
  g_hash_table_insert (state, g_strdup ("gone"), g_strdup ("soon"));
  g_assert_true (sr_cache_upsert_messages (fixture->cache, good, state, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  value = sr_cache_dup_state (fixture->cache, "checkpoint", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "page-1");
  g_clear_pointer (&value, g_free);

  /* A NULL value deletes the key */
  g_clear_pointer (&state, g_hash_table_unref);
  state = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (state, "gone", NULL);
  g_assert_true (sr_cache_upsert_messages (fixture->cache, good, state, NULL, NULL, &error));
  g_assert_no_error (error);
  value = sr_cache_dup_state (fixture->cache, "gone", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* A write that fails half-way (a trigger stands for any failure) leaves
   * neither its messages nor its checkpoint. */
  db = open_raw (fixture->path);
  raw_exec (db, "CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.id = 'poison'"
                " BEGIN SELECT RAISE (ABORT, 'poisoned message'); END;"
                "CREATE TRIGGER boom BEFORE INSERT ON sync_state WHEN NEW.key = 'boom'"
                " BEGIN SELECT RAISE (ABORT, 'poisoned state'); END;");

  g_ptr_array_add (poisoned, new_message ("p1", "SENT", BASE_TIME + 2));
  g_ptr_array_add (poisoned, new_message ("poison", "SENT", BASE_TIME + 3));
  g_clear_pointer (&state, g_hash_table_unref);
  state = new_state ("checkpoint", "page-2");
  g_assert_false (sr_cache_upsert_messages (fixture->cache, poisoned, state, &n_new, &n_updated, &error));
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE);
  g_clear_error (&error);
  g_assert_cmpuint (n_new, ==, 0);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE id IN ('p1', 'poison')"), ==, 0);
  value = sr_cache_dup_state (fixture->cache, "checkpoint", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "page-1");
  g_clear_pointer (&value, g_free);

  /* The other way round: the state fails, so the messages are not kept */
  g_ptr_array_add (later, new_message ("l1", "SENT", BASE_TIME + 4));
  g_clear_pointer (&state, g_hash_table_unref);
  state = new_state ("checkpoint", "page-3");
  g_hash_table_insert (state, g_strdup ("boom"), g_strdup ("x"));
  g_assert_false (sr_cache_upsert_messages (fixture->cache, later, state, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE id = 'l1'"), ==, 0);
  value = sr_cache_dup_state (fixture->cache, "checkpoint", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "page-1");
  g_clear_pointer (&value, g_free);

  /* Queued together, so possibly sharing one transaction: the failing write
   * fails alone, the others commit, in order. */
  {
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    g_autoptr(GHashTable) s1 = new_state ("checkpoint", "A");
    g_autoptr(GHashTable) s2 = new_state ("checkpoint", "B");
    g_autoptr(GHashTable) s3 = new_state ("checkpoint", "C");
    g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GPtrArray) c = g_ptr_array_new_with_free_func (g_object_unref);
    AsyncData data = { loop, 0, { NULL, }, { 0, } };

    g_ptr_array_add (a, new_message ("a1", "SENT", BASE_TIME + 5));
    g_ptr_array_add (c, new_message ("c1", "SENT", BASE_TIME + 6));
    g_ptr_array_add (c, new_message ("c2", "SENT", BASE_TIME + 7));

    for (guint i = 0; i < 3; i++)
      {
        CallData *call = g_new0 (CallData, 1);

        call->data = &data;
        call->index = i;
        data.pending++;
        sr_cache_upsert_messages_async (fixture->cache,
                                        i == 0 ? a : i == 1 ? poisoned : c,
                                        i == 0 ? s1 : i == 1 ? s2 : s3,
                                        NULL, indexed_upsert_cb, call);
      }
    g_main_loop_run (loop);

    g_assert_no_error (data.errors[0]);
    g_assert_error (data.errors[1], SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE);
    g_assert_no_error (data.errors[2]);
    g_assert_cmpuint (data.n_new[0], ==, 1);
    g_assert_cmpuint (data.n_new[1], ==, 0);
    g_assert_cmpuint (data.n_new[2], ==, 2);
    for (guint i = 0; i < 3; i++)
      g_clear_error (&data.errors[i]);
  }
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE id IN ('a1', 'c1', 'c2')"), ==, 3);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE id IN ('p1', 'poison')"), ==, 0);
  value = sr_cache_dup_state (fixture->cache, "checkpoint", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "C");

  sqlite3_close (db);
}

typedef struct
{
  guint          n_emissions;
  SrCacheChanged what;
  GThread       *thread;
} ChangedData;

static void
changed_cb (SrCache        *cache,
            SrCacheChanged  what,
            gpointer        user_data)
{
  ChangedData *data = user_data;

  data->n_emissions++;
  data->what |= what;
  data->thread = g_thread_self ();
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static void
drain_main_context (void)
{
  /* Lets the writer finish and its idles run */
  for (int i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
test_changed (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = generate_messages (20, 3);
  g_autoptr(GPtrArray) campaigns = generate_campaigns (3);
  g_autoptr(GAsyncResult) result = NULL;
  ChangedData data = { 0, };
  guint n_new = 0, n_updated = 0;

  g_signal_connect (fixture->cache, "changed", G_CALLBACK (changed_cb), &data);

  sr_cache_upsert_messages_async (fixture->cache, page, NULL, NULL, done_cb, &result);
  wait_result (&result);
  g_assert_true (sr_cache_upsert_messages_finish (fixture->cache, result, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 20);
  /* "changed" is queued before the completion, in the same context */
  g_assert_cmpuint (data.n_emissions, ==, 1);
  g_assert_cmpint (data.what, ==, SR_CACHE_CHANGED_MESSAGES);
  g_assert_true (data.thread == g_thread_self ());
  g_clear_object (&result);

  /* The same rows again change nothing, so nothing is announced */
  data.what = 0;
  data.n_emissions = 0;
  sr_cache_upsert_messages_async (fixture->cache, page, NULL, NULL, done_cb, &result);
  wait_result (&result);
  g_assert_true (sr_cache_upsert_messages_finish (fixture->cache, result, &n_new, &n_updated, &error));
  g_assert_cmpuint (n_updated, ==, 20);
  drain_main_context ();
  g_assert_cmpuint (data.n_emissions, ==, 0);
  g_clear_object (&result);

  sr_cache_upsert_campaigns_async (fixture->cache, campaigns, NULL, done_cb, &result);
  wait_result (&result);
  g_assert_true (sr_cache_upsert_campaigns_finish (fixture->cache, result, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 3);
  g_assert_cmpint (data.what, ==, SR_CACHE_CHANGED_CAMPAIGNS);
  g_clear_object (&result);

  data.what = 0;
  sr_cache_update_account_async (fixture->cache, 12.5, "EUR", BASE_TIME, NULL, done_cb, &result);
  wait_result (&result);
  g_assert_true (sr_cache_update_account_finish (fixture->cache, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (data.what, ==, SR_CACHE_CHANGED_ACCOUNT);
  g_clear_object (&result);

  /* The blocking variant also announces, in the context of sr_cache_open() */
  data.what = 0;
  {
    SrMessage *first = page->pdata[0];
    /* A status the row does not have yet (the generated one is random). */
    SrStatus status = first->status != SR_STATUS_FAILED ? SR_STATUS_FAILED : SR_STATUS_DELIVERED;

    first->status = status;
    g_free (first->status_raw);
    first->status_raw = g_strdup (sr_status_to_string (status));
  }
  g_assert_true (sr_cache_upsert_messages (fixture->cache, page, NULL, NULL, NULL, &error));
  /* On a loaded machine the announcement can take longer than one drain. */
  for (int i = 0; i < 100 && data.what == 0; i++)
    drain_main_context ();
  g_assert_cmpint (data.what, ==, SR_CACHE_CHANGED_MESSAGES);

  g_signal_handlers_disconnect_by_func (fixture->cache, changed_cb, &data);
}

static void
test_account_state (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) state = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *currency = NULL;
  g_autofree char *value = NULL;
  double balance = 0;
  gint64 last_sync = 0;

  g_assert_false (sr_cache_get_account (fixture->cache, &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);

  sr_cache_update_account_async (fixture->cache, 12.5, "EUR", SR_TIME_NONE, NULL, done_cb, &result);
  g_assert_true (sr_cache_update_account_finish (fixture->cache, wait_result (&result), &error));
  g_clear_object (&result);
  g_assert_true (sr_cache_get_account (fixture->cache, &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (balance, ==, 12.5);
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_cmpint (last_sync, ==, SR_TIME_NONE);
  g_clear_pointer (&currency, g_free);

  /* balance < 0 keeps balance and currency */
  sr_cache_update_account_async (fixture->cache, -1, NULL, BASE_TIME, NULL, done_cb, &result);
  g_assert_true (sr_cache_update_account_finish (fixture->cache, wait_result (&result), &error));
  g_clear_object (&result);
  g_assert_true (sr_cache_get_account (fixture->cache, &balance, &currency, &last_sync, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (balance, ==, 12.5);
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_cmpint (last_sync, ==, BASE_TIME);

  g_hash_table_insert (state, "a", "1");
  g_hash_table_insert (state, "b", "2");
  sr_cache_set_state_async (fixture->cache, state, NULL, done_cb, &result);
  g_assert_true (sr_cache_set_state_finish (fixture->cache, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  value = sr_cache_dup_state (fixture->cache, "b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "2");
  g_clear_pointer (&value, g_free);

  g_hash_table_insert (state, "a", NULL);
  g_hash_table_insert (state, "b", "3");
  sr_cache_set_state_async (fixture->cache, state, NULL, done_cb, &result);
  g_assert_true (sr_cache_set_state_finish (fixture->cache, wait_result (&result), &error));
  g_clear_object (&result);
  value = sr_cache_dup_state (fixture->cache, "a", &error);
  g_assert_no_error (error);
  g_assert_null (value);
  value = sr_cache_dup_state (fixture->cache, "b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "3");
  g_clear_pointer (&value, g_free);

  /* A write cancelled before it runs is not done */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_hash_table_insert (state, "b", "cancelled");
    g_cancellable_cancel (cancellable);
    sr_cache_set_state_async (fixture->cache, state, cancellable, done_cb, &result);
    g_assert_false (sr_cache_set_state_finish (fixture->cache, wait_result (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_clear_object (&result);
    value = sr_cache_dup_state (fixture->cache, "b", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "3");
  }
}

static void
test_close (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *path = g_build_filename (tmp, "close.db", NULL);
  g_autoptr(SrCache) cache = sr_cache_open (path, &error);
  GPtrArray *pages[5] = { NULL, };
  GAsyncResult *results[5] = { NULL, };
  g_autoptr(GAsyncResult) late = NULL;
  g_autoptr(GHashTable) state = new_state ("checkpoint", "last");

  g_assert_no_error (error);

  /* Queued writes are all done by close() */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      pages[i] = generate_messages (400, 4);
      sr_cache_upsert_messages_async (cache, pages[i], i == 4 ? state : NULL, NULL, done_cb, &results[i]);
    }
  sr_cache_close (cache);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_assert_true (sr_cache_upsert_messages_finish (cache, wait_result (&results[i]), NULL, NULL, &error));
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }

  /* Afterwards, writes and reads say it is closed */
  sr_cache_upsert_messages_async (cache, pages[0], NULL, NULL, done_cb, &late);
  g_assert_false (sr_cache_upsert_messages_finish (cache, wait_result (&late), NULL, NULL, &error));
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, &error), ==, -1);
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (sr_cache_upsert_messages (cache, pages[0], NULL, NULL, NULL, &error));
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED);
  g_clear_error (&error);
  sr_cache_close (cache);
  g_clear_object (&cache);

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, &error), ==, 2000);
  {
    g_autofree char *value = sr_cache_dup_state (cache, "checkpoint", &error);
    g_assert_no_error (error);

    g_assert_cmpstr (value, ==, "last");
  }
  g_clear_object (&cache);   /* dispose closes */

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    g_ptr_array_unref (pages[i]);

  remove_tree (tmp);
}

/* --- filters -------------------------------------------------------------------- */

static void
test_filter_boxed (void)
{
  g_autoptr(SrMessageFilter) a = sr_message_filter_new ();
  g_autoptr(SrMessageFilter) b = NULL;
  g_autoptr(SrMessageFilter) c = NULL;
  g_autoptr(SrMessage) m = new_message ("x", "SENT", BASE_TIME);

  g_assert_true (G_TYPE_IS_BOXED (SR_TYPE_MESSAGE_FILTER));
  g_assert_true (sr_message_filter_matches (a, m));

  a->status_mask = (1 << SR_STATUS_SENT) | (1 << SR_STATUS_UNKNOWN);
  a->from = BASE_TIME;
  a->search = g_strdup ("abc");
  a->campaign_id = g_strdup ("");
  b = sr_message_filter_copy (a);
  g_assert_true (a != b);
  g_assert_true (a->search != b->search);
  g_assert_true (sr_message_filter_equal (a, b));

  /* "" and NULL both mean no condition; 0 and every bit both mean all */
  g_clear_pointer (&b->campaign_id, g_free);
  g_assert_true (sr_message_filter_equal (a, b));
  b->from = BASE_TIME + 1;
  g_assert_false (sr_message_filter_equal (a, b));

  c = sr_message_filter_new ();
  b->from = 0;
  g_clear_pointer (&b->search, g_free);
  b->status_mask = (1u << SR_N_STATUSES) - 1;
  g_assert_true (sr_message_filter_equal (b, c));
  b->status_mask = 1u << 30;     /* no known status: matches nothing */
  g_assert_false (sr_message_filter_equal (b, c));
  g_assert_false (sr_message_filter_matches (b, m));
  g_assert_true (sr_message_filter_equal (NULL, NULL));
  g_assert_false (sr_message_filter_equal (a, NULL));
}

/* A non-empty substring cut on character boundaries */
static char *
random_slice (const char *str)
{
  glong len = g_utf8_strlen (str, -1);
  glong start, n;

  if (len == 0)
    return g_strdup ("");
  start = g_test_rand_int_range (0, len);
  n = g_test_rand_int_range (1, len - start + 1);

  return g_utf8_substring (str, start, start + n);
}

static char *
flip_ascii_case (const char *str)
{
  char *copy = g_strdup (str);

  for (char *p = copy; *p; p++)
    if (g_test_rand_bit ())
      *p = g_ascii_isupper (*p) ? g_ascii_tolower (*p) : g_ascii_toupper (*p);

  return copy;
}

static SrMessageFilter *
random_filter (GPtrArray *messages)
{
  SrMessageFilter *filter = sr_message_filter_new ();
  SrMessage *sample = messages->pdata[g_test_rand_int_range (0, messages->len)];

  if (g_test_rand_int_range (0, 3) == 0)
    {
      filter->status_mask = g_test_rand_int_range (0, 1 << SR_N_STATUSES);
      if (g_test_rand_int_range (0, 10) == 0)
        filter->status_mask |= 1u << 20;
    }
  if (g_test_rand_int_range (0, 3) == 0)
    filter->from = BASE_TIME + g_test_rand_int_range (0, 31) * DAY + g_test_rand_int_range (-2, 3) * G_USEC_PER_SEC;
  if (g_test_rand_int_range (0, 3) == 0)
    filter->to = BASE_TIME + g_test_rand_int_range (0, 31) * DAY;
  if (g_test_rand_int_range (0, 6) == 0)
    filter->campaign_id = g_test_rand_int_range (0, 5) ? g_strdup (sample->campaign_id)
                                                      : g_strdup (g_test_rand_bit () ? "" : "camp-none");
  if (g_test_rand_int_range (0, 6) == 0 && sample->to != NULL)
    filter->recipient = random_slice (sample->to);
  if (g_test_rand_int_range (0, 6) == 0)
    filter->sender_id = g_strdup (sample->sender_id);
  if (g_test_rand_int_range (0, 4) == 0)
    {
      const char *special[] = { "%", "_", "50%", "code_a", "\\", "ü", "Ü", "CAFÉ", "café", "order 5",
                                "ölmesi", "OLMESI", "ÖLM", "άλφα", "ΆΛΦ", "jaz", "JAZZ off", "strasse",
                                "\"", "NEAR(", "*", "a OR b", "-", "'", "e-mail", "4479", "+4477",
                                "+35799 jazz", "7 ord", "ref:44", "447" };

      if (g_test_rand_int_range (0, 3) == 0)
        filter->search = g_strdup (special[g_test_rand_int_range (0, G_N_ELEMENTS (special))]);
      else if (sample->message != NULL && g_test_rand_bit ())
        {
          g_autofree char *slice = random_slice (sample->message);

          filter->search = flip_ascii_case (slice);
        }
      else if (sample->to != NULL)
        filter->search = random_slice (sample->to);
    }
  if (g_test_rand_int_range (0, 6) == 0)
    filter->failed_reason = g_strdup (generated_reasons[g_test_rand_int_range (0, G_N_ELEMENTS (generated_reasons))]);
  if (g_test_rand_int_range (0, 5) == 0)
    {
      const char *prefixes[] = { "+357", "+35799", "+44", "+1", "+3", "+9", "" };

      filter->country_prefix = g_strdup (prefixes[g_test_rand_int_range (0, G_N_ELEMENTS (prefixes))]);
    }

  return filter;
}

static GHashTable *
ids_of (GPtrArray *messages)
{
  GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < messages->len; i++)
    g_assert_true (g_hash_table_add (ids, ((SrMessage *) messages->pdata[i])->id));

  return ids;
}

static void
test_filter_sql_matches_c (Fixture       *fixture,
                           gconstpointer  user_data)
{
  guint n_nonempty = 0;

  fixture_fill (fixture);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(SrMessageFilter) filter = random_filter (fixture->messages);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) rowids = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GHashTable) found_ids = NULL;
      guint expected = 0;
      gint64 count;

      rowids = sr_cache_query_message_rowids (fixture->cache, filter, SR_MESSAGE_SORT_CREATED, FALSE,
                                              NULL, &error);
      g_assert_no_error (error);
      found = sr_cache_get_messages_by_rowid (fixture->cache, (gint64 *) (gpointer) rowids->data,
                                              rowids->len, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, rowids->len);
      found_ids = ids_of (found);

      for (guint i = 0; i < fixture->messages->len; i++)
        {
          SrMessage *m = fixture->messages->pdata[i];
          gboolean in_c = sr_message_filter_matches (filter, m);

          if (in_c != g_hash_table_contains (found_ids, m->id))
            g_error ("Filter (mask %x from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                     " campaign %s recipient %s sender %s search %s reason %s prefix %s): "
                     "message %s (to %s, text %s) is %s in C and %s in SQL",
                     filter->status_mask, filter->from, filter->to, filter->campaign_id,
                     filter->recipient, filter->sender_id, filter->search, filter->failed_reason,
                     filter->country_prefix, m->id, m->to, m->message,
                     in_c ? "in" : "out", in_c ? "out" : "in");
          expected += in_c;
        }

      count = sr_cache_count_messages (fixture->cache, filter, &error);
      g_assert_no_error (error);
      g_assert_cmpint (count, ==, expected);
      n_nonempty += expected > 0;
    }

  /* The random filters are not all trivially empty */
  g_assert_cmpuint (n_nonempty, >, 100);
}

/* --- sorting ---------------------------------------------------------------------- */

static int
cmp_int64 (gint64 a,
           gint64 b)
{
  return a < b ? -1 : a > b;
}

/* The documented order without the final rowid tie-breaker. */
static int
compare_messages (SrMessage     *a,
                  SrMessage     *b,
                  SrMessageSort  sort)
{
  int c = 0;

  switch (sort)
    {
    case SR_MESSAGE_SORT_CREATED:
      break;
    case SR_MESSAGE_SORT_SENT:
      c = cmp_int64 (a->sent_at, b->sent_at);
      break;
    case SR_MESSAGE_SORT_RECIPIENT:
      c = g_strcmp0 (a->to, b->to);
      break;
    case SR_MESSAGE_SORT_SENDER:
      c = g_strcmp0 (a->sender_id, b->sender_id);
      break;
    case SR_MESSAGE_SORT_STATUS:
      c = cmp_int64 (a->status, b->status);
      if (c == 0)
        c = strcmp (a->status_raw, b->status_raw);
      break;
    case SR_MESSAGE_SORT_PARTS:
      c = cmp_int64 (a->sms_count, b->sms_count);
      break;
    case SR_MESSAGE_SORT_COST:
      c = a->cost < b->cost ? -1 : a->cost > b->cost;
      break;
    case SR_MESSAGE_SORT_CAMPAIGN:
      c = g_strcmp0 (a->campaign_id, b->campaign_id);
      break;
    default:
      g_assert_not_reached ();
    }

  if (c == 0)
    c = cmp_int64 (a->created_at, b->created_at);

  return c < 0 ? -1 : c > 0;
}

static void
check_message_order (Fixture               *fixture,
                     const SrMessageFilter *filter,
                     SrMessageSort          sort,
                     gboolean               descending)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  gint64 count;
  int dir = descending ? -1 : 1;

  rowids = sr_cache_query_message_rowids (fixture->cache, filter, sort, descending, NULL, &error);
  g_assert_no_error (error);
  count = sr_cache_count_messages (fixture->cache, filter, &error);
  g_assert_cmpint (rowids->len, ==, count);

  messages = sr_cache_get_messages_by_rowid (fixture->cache, (gint64 *) (gpointer) rowids->data,
                                             rowids->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, rowids->len);

  for (guint i = 1; i < messages->len; i++)
    {
      int c = compare_messages (messages->pdata[i - 1], messages->pdata[i], sort) * dir;
      gint64 r0 = g_array_index (rowids, gint64, i - 1);
      gint64 r1 = g_array_index (rowids, gint64, i);

      g_assert_cmpint (c, <=, 0);
      /* Equal keys: stable by rowid, in the same direction */
      if (c == 0)
        g_assert_cmpint ((r1 - r0) * dir, >, 0);
      g_assert_cmpint (r0, !=, r1);
    }

  /* query_messages and foreach give the same order */
  listed = sr_cache_query_messages (fixture->cache, filter, sort, descending, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, messages->len);
  for (guint i = 0; i < listed->len; i++)
    g_assert_cmpstr (((SrMessage *) listed->pdata[i])->id, ==, ((SrMessage *) messages->pdata[i])->id);
}

static void
test_sort_rowids (Fixture       *fixture,
                  gconstpointer  user_data)
{
  SrMessageFilter filter = { 0, };
  g_autoptr(GError) error = NULL;

  fixture_fill (fixture);

  for (int sort = SR_MESSAGE_SORT_CREATED; sort <= SR_MESSAGE_SORT_CAMPAIGN; sort++)
    {
      check_message_order (fixture, NULL, sort, FALSE);
      check_message_order (fixture, NULL, sort, TRUE);
    }

  filter.status_mask = (1 << SR_STATUS_FAILED) | (1 << SR_STATUS_UNKNOWN);
  filter.from = BASE_TIME + 3 * DAY;
  filter.to = BASE_TIME + 20 * DAY;
  for (int sort = SR_MESSAGE_SORT_CREATED; sort <= SR_MESSAGE_SORT_CAMPAIGN; sort++)
    {
      check_message_order (fixture, &filter, sort, FALSE);
      check_message_order (fixture, &filter, sort, TRUE);
    }

  /* By rowid: the order asked, missing ones skipped, duplicates kept */
  {
    g_autoptr(GArray) rowids = sr_cache_query_message_rowids (fixture->cache, NULL, SR_MESSAGE_SORT_COST,
                                                              TRUE, NULL, &error);
    g_autoptr(GArray) asked = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GPtrArray) got = NULL;
    g_autoptr(GPtrArray) one_by_one = g_ptr_array_new_with_free_func (g_object_unref);
    gint64 missing = G_GINT64_CONSTANT (999999999);

    for (guint i = 0; i < 700; i++)
      {
        gint64 r = g_array_index (rowids, gint64, g_test_rand_int_range (0, rowids->len));

        g_array_append_val (asked, r);
        if (i == 10)
          g_array_append_val (asked, missing);
      }
    g_array_append_vals (asked, &g_array_index (asked, gint64, 0), 1);

    got = sr_cache_get_messages_by_rowid (fixture->cache, (gint64 *) (gpointer) asked->data, asked->len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (got->len, ==, asked->len - 1);
    for (guint i = 0, j = 0; i < asked->len; i++)
      {
        g_autoptr(GPtrArray) single = NULL;

        if (g_array_index (asked, gint64, i) == missing)
          continue;
        single = sr_cache_get_messages_by_rowid (fixture->cache, &g_array_index (asked, gint64, i), 1, &error);
        g_assert_cmpuint (single->len, ==, 1);
        g_assert_cmpstr (((SrMessage *) single->pdata[0])->id, ==, ((SrMessage *) got->pdata[j])->id);
        j++;
      }
    g_assert_true (got->pdata[0] == got->pdata[got->len - 1]);

    g_clear_pointer (&got, g_ptr_array_unref);
    got = sr_cache_get_messages_by_rowid (fixture->cache, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (got->len, ==, 0);
  }

  /* Limit and offset */
  {
    g_autoptr(GPtrArray) all = sr_cache_query_messages (fixture->cache, NULL, SR_MESSAGE_SORT_SENDER, FALSE,
                                                       -1, 0, &error);
    g_autoptr(GPtrArray) part = sr_cache_query_messages (fixture->cache, NULL, SR_MESSAGE_SORT_SENDER, FALSE,
                                                        10, 100, &error);

    g_assert_cmpuint (all->len, ==, N_GENERATED);
    g_assert_cmpuint (part->len, ==, 10);
    for (guint i = 0; i < 10; i++)
      g_assert_cmpstr (((SrMessage *) part->pdata[i])->id, ==, ((SrMessage *) all->pdata[100 + i])->id);
  }
}

static int
compare_campaigns (SrCampaign     *a,
                   SrCampaign     *b,
                   SrCampaignSort  sort)
{
  int c = 0;

  switch (sort)
    {
    case SR_CAMPAIGN_SORT_CREATED:
      break;
    case SR_CAMPAIGN_SORT_SENDER:
      c = g_strcmp0 (sr_campaign_get_sender_id (a), sr_campaign_get_sender_id (b));
      break;
    case SR_CAMPAIGN_SORT_RECIPIENTS:
      c = cmp_int64 (sr_campaign_get_recipients (a), sr_campaign_get_recipients (b));
      break;
    case SR_CAMPAIGN_SORT_DELIVERY_RATE:
      {
        double ra = sr_campaign_get_delivery_rate (a);
        double rb = sr_campaign_get_delivery_rate (b);

        c = ra < rb ? -1 : ra > rb;
      }
      break;
    case SR_CAMPAIGN_SORT_COST:
      c = a->client_total_cost < b->client_total_cost ? -1 : a->client_total_cost > b->client_total_cost;
      break;
    default:
      g_assert_not_reached ();
    }

  if (c == 0)
    c = cmp_int64 (a->created_at, b->created_at);

  return c < 0 ? -1 : c > 0;
}

static void
test_campaigns (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCampaign) campaign = NULL;
  guint n_new = 0, n_updated = 0;

  fixture_fill (fixture);

  g_assert_true (sr_cache_upsert_campaigns (fixture->cache, fixture->campaigns, &n_new, &n_updated, &error));
  g_assert_cmpuint (n_new, ==, 0);
  g_assert_cmpuint (n_updated, ==, fixture->campaigns->len);
  g_assert_cmpint (sr_cache_count_campaigns (fixture->cache, NULL, &error), ==, fixture->campaigns->len);

  campaign = sr_cache_get_campaign (fixture->cache, "camp-07", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_campaign_get_recipients (campaign), ==,
                   sr_campaign_get_recipients (fixture->campaigns->pdata[7]));
  g_assert_cmpstr (sr_campaign_get_message (campaign), ==,
                   sr_campaign_get_message (fixture->campaigns->pdata[7]));

  for (int sort = SR_CAMPAIGN_SORT_CREATED; sort <= SR_CAMPAIGN_SORT_COST; sort++)
    for (int descending = 0; descending < 2; descending++)
      {
        g_autoptr(GArray) rowids = sr_cache_query_campaign_rowids (fixture->cache, NULL, sort, descending,
                                                                   NULL, &error);
        g_autoptr(GPtrArray) campaigns = NULL;
        g_autoptr(GPtrArray) listed = NULL;

        g_assert_no_error (error);
        g_assert_cmpuint (rowids->len, ==, fixture->campaigns->len);
        campaigns = sr_cache_get_campaigns_by_rowid (fixture->cache, (gint64 *) (gpointer) rowids->data,
                                                     rowids->len, &error);
        g_assert_cmpuint (campaigns->len, ==, rowids->len);
        for (guint i = 1; i < campaigns->len; i++)
          {
            int c = compare_campaigns (campaigns->pdata[i - 1], campaigns->pdata[i], sort);

            g_assert_cmpint (descending ? -c : c, <=, 0);
            if (c == 0)
              g_assert_cmpint ((g_array_index (rowids, gint64, i) - g_array_index (rowids, gint64, i - 1)) *
                               (descending ? -1 : 1), >, 0);
          }

        listed = sr_cache_query_campaigns (fixture->cache, NULL, sort, descending, -1, 0, &error);
        for (guint i = 0; i < listed->len; i++)
          g_assert_cmpstr (sr_campaign_get_id (listed->pdata[i]), ==, sr_campaign_get_id (campaigns->pdata[i]));
      }

  /* Search: id, sender or text, ignoring ASCII case, LIKE characters literal */
  {
    struct { const char *search; guint expected; } cases[] = { { NULL, 0 }, { "", 0 }, { "camp-1", 0 },
                                                               { "ACME", 0 }, { "50%", 0 }, { "_", 0 },
                                                               { "code_a", 0 }, { "zzz", 0 } };

    for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
      {
        g_autoptr(GPtrArray) found = NULL;
        SrCampaignFilter filter = { .search = (char *) cases[k].search };
        guint expected = 0;

        for (guint i = 0; i < fixture->campaigns->len; i++)
          {
            SrCampaign *c = fixture->campaigns->pdata[i];
            g_autofree char *needle = g_ascii_strdown (cases[k].search ? cases[k].search : "", -1);
            g_autofree char *id = g_ascii_strdown (c->id, -1);
            g_autofree char *sender = g_ascii_strdown (c->sender_id, -1);
            g_autofree char *text = g_ascii_strdown (c->message, -1);

            expected += strstr (id, needle) || strstr (sender, needle) || strstr (text, needle);
          }
        found = sr_cache_query_campaigns (fixture->cache, &filter, SR_CAMPAIGN_SORT_CREATED, TRUE,
                                          -1, 0, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (found->len, ==, expected);
        g_assert_cmpint (sr_cache_count_campaigns (fixture->cache, &filter, &error), ==, expected);
      }
  }
}

/* --- aggregates ----------------------------------------------------------------- */

/* What the Dashboard and the CLI's stats show, computed here from the
 * records and the status rules. */
typedef struct
{
  SrInsightsTotals totals;
  gint64           n_campaigns;
} ExpectedStats;

static void
expected_stats (GPtrArray             *messages,
                const SrMessageFilter *filter,
                ExpectedStats         *expected)
{
  g_autoptr(GHashTable) campaigns = g_hash_table_new (g_str_hash, g_str_equal);
  SrInsightsTotals *stats = &expected->totals;

  memset (expected, 0, sizeof *expected);
  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *m = messages->pdata[i];

      if (filter != NULL && !sr_message_filter_matches (filter, m))
        continue;
      stats->total++;
      stats->by_status[m->status]++;
      stats->cost_by_status[m->status] += m->cost;
      stats->cost += m->cost;
      stats->by_group[sr_status_get_group (m->status)]++;
      if (m->status == SR_STATUS_REJECTED || m->status == SR_STATUS_UNSUBSCRIBED)
        stats->non_billable++;
      else
        stats->billable++;
      if (m->campaign_id != NULL)
        g_hash_table_add (campaigns, m->campaign_id);
    }
  expected->n_campaigns = g_hash_table_size (campaigns);
}

/* The totals through the one path the Dashboard and the CLI share. */
static void
query_stats (SrCache               *cache,
             const SrMessageFilter *filter,
             ExpectedStats         *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrInsights) insights = NULL;

  insights = sr_insights_query (cache, filter, SR_INSIGHTS_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  out->totals = *sr_insights_get_totals (insights);
  out->n_campaigns = sr_cache_count_message_campaigns (cache, filter, &error);
  g_assert_no_error (error);
}

static void
assert_stats_equal (const ExpectedStats *a,
                    const ExpectedStats *b)
{
  g_assert_cmpint (a->totals.total, ==, b->totals.total);
  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      g_assert_cmpint (a->totals.by_status[i], ==, b->totals.by_status[i]);
      g_assert_cmpfloat_with_epsilon (a->totals.cost_by_status[i], b->totals.cost_by_status[i], 1e-6);
    }
  for (guint i = 0; i < SR_N_STATUS_GROUPS; i++)
    g_assert_cmpint (a->totals.by_group[i], ==, b->totals.by_group[i]);
  g_assert_cmpint (a->totals.billable, ==, b->totals.billable);
  g_assert_cmpint (a->totals.non_billable, ==, b->totals.non_billable);
  g_assert_cmpfloat_with_epsilon (a->totals.cost, b->totals.cost, 1e-6);
  g_assert_cmpint (a->n_campaigns, ==, b->n_campaigns);
}

static void
test_aggregates (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  ExpectedStats stats, expected;
  SrMessageFilter filter = { 0, };
  sqlite3 *db;

  fixture_fill (fixture);

  /* Every status is present, including unknown ones */
  expected_stats (fixture->messages, NULL, &expected);
  for (guint i = 0; i < SR_N_STATUSES; i++)
    g_assert_cmpint (expected.totals.by_status[i], >, 0);

  query_stats (fixture->cache, NULL, &stats);
  assert_stats_equal (&stats, &expected);
  g_assert_cmpint (stats.totals.total, ==, N_GENERATED);
  g_assert_cmpint (stats.totals.billable + stats.totals.non_billable, ==, stats.totals.total);

  /* Cross-check with plain SQL on another connection */
  db = open_raw (fixture->path);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages"), ==, stats.totals.total);
  g_assert_cmpint (raw_int64 (db, "SELECT count(DISTINCT campaign_id) FROM messages"), ==, stats.n_campaigns);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE status_raw NOT IN ('REJECTED', 'UNSUBSCRIBED')"),
                   ==, stats.totals.billable);
  g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM messages WHERE status_raw IN ('UNDELIVERED', 'PENDING', 'ONGOING')"),
                   ==, stats.totals.by_status[SR_STATUS_UNKNOWN]);
  g_assert_cmpint (raw_int64 (db, "SELECT CAST (round (total (cost) * 10000) AS INTEGER) FROM messages"), ==,
                   (gint64) (stats.totals.cost * 10000 + 0.5));
  sqlite3_close (db);

  /* A period, a campaign, some statuses */
  filter.from = BASE_TIME + 5 * DAY;
  filter.to = BASE_TIME + 12 * DAY;
  query_stats (fixture->cache, &filter, &stats);
  expected_stats (fixture->messages, &filter, &expected);
  assert_stats_equal (&stats, &expected);
  g_assert_cmpint (stats.totals.total, >, 0);

  filter.campaign_id = "camp-03";
  query_stats (fixture->cache, &filter, &stats);
  expected_stats (fixture->messages, &filter, &expected);
  assert_stats_equal (&stats, &expected);
  g_assert_cmpint (stats.n_campaigns, ==, stats.totals.total > 0 ? 1 : 0);

  filter.campaign_id = NULL;
  filter.status_mask = (1 << SR_STATUS_SENT) | (1 << SR_STATUS_UNKNOWN);
  query_stats (fixture->cache, &filter, &stats);
  expected_stats (fixture->messages, &filter, &expected);
  assert_stats_equal (&stats, &expected);
  g_assert_cmpint (stats.totals.by_status[SR_STATUS_DELIVERED], ==, 0);

  /* Per raw status: unknown values apart, biggest first */
  {
    g_autoptr(GPtrArray) counts = sr_cache_query_status_counts (fixture->cache, NULL, &error);
    g_autoptr(GHashTable) expected_counts = g_hash_table_new (g_str_hash, g_str_equal);
    gint64 sum = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < fixture->messages->len; i++)
      {
        SrMessage *m = fixture->messages->pdata[i];
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (expected_counts, m->status_raw));

        g_hash_table_insert (expected_counts, m->status_raw, GUINT_TO_POINTER (n + 1));
      }
    g_assert_cmpuint (counts->len, ==, G_N_ELEMENTS (generated_statuses));
    g_assert_cmpuint (counts->len, ==, g_hash_table_size (expected_counts));
    for (guint i = 0; i < counts->len; i++)
      {
        SrStatusCount *c = counts->pdata[i];

        g_assert_cmpint (c->count, ==, GPOINTER_TO_UINT (g_hash_table_lookup (expected_counts, c->status_raw)));
        g_assert_cmpint (c->status, ==, sr_status_from_string (c->status_raw));
        if (i > 0)
          g_assert_cmpint (((SrStatusCount *) counts->pdata[i - 1])->count, >=, c->count);
        sum += c->count;
      }
    g_assert_cmpint (sum, ==, N_GENERATED);
  }

  /* Newest, and oldest non-final (unknown statuses count as non-final) */
  {
    gint64 newest = 0, oldest = G_MAXINT64;
    gint64 since = BASE_TIME + 10 * DAY + 17;

    for (guint i = 0; i < fixture->messages->len; i++)
      {
        SrMessage *m = fixture->messages->pdata[i];

        newest = MAX (newest, m->created_at);
        if (m->created_at >= since &&
            (m->status == SR_STATUS_SENDING || m->status == SR_STATUS_SENT ||
             m->status == SR_STATUS_QUEUED || m->status == SR_STATUS_SCHEDULED ||
             m->status == SR_STATUS_UNKNOWN))
          oldest = MIN (oldest, m->created_at);
      }
    g_assert_cmpint (sr_cache_get_newest_created_at (fixture->cache, &error), ==, newest);
    g_assert_no_error (error);
    g_assert_cmpint (sr_cache_get_oldest_non_final_since (fixture->cache, since, &error), ==, oldest);
    g_assert_no_error (error);
    g_assert_cmpint (sr_cache_get_oldest_non_final_since (fixture->cache, newest + 1, &error), ==, SR_TIME_NONE);
    g_assert_no_error (error);
  }
}

/* --- streaming -------------------------------------------------------------------- */

typedef struct
{
  SrCache      *cache;
  GCancellable *cancellable;
  guint         n_seen;
  guint         stop_after;
  guint         cancel_after;
  gint64        last_created;
} ForeachData;

static gboolean
foreach_cb (SrMessage *message,
            gpointer   user_data)
{
  ForeachData *data = user_data;

  g_assert_true (SR_IS_MESSAGE (message));
  g_assert_cmpint (message->created_at, >=, data->last_created);
  data->last_created = message->created_at;
  data->n_seen++;

  /* Calling back into the cache from the callback works */
  if (data->n_seen == 5)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrMessage) again = sr_cache_get_message (data->cache, message->id, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (again->id, ==, message->id);
    }

  if (data->cancel_after > 0 && data->n_seen == data->cancel_after)
    g_cancellable_cancel (data->cancellable);

  return data->stop_after == 0 || data->n_seen < data->stop_after;
}

static void
test_foreach (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ForeachData data = { fixture->cache, cancellable, 0, 0, 0, 0 };
  SrMessageFilter filter = { 0, };

  fixture_fill (fixture);

  g_assert_true (sr_cache_foreach_message (fixture->cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, -1,
                                           foreach_cb, &data, cancellable, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (data.n_seen, ==, N_GENERATED);

  /* Limit, filter */
  data = (ForeachData) { fixture->cache, cancellable, 0, 0, 0, 0 };
  filter.status_mask = 1 << SR_STATUS_DELIVERED;
  g_assert_true (sr_cache_foreach_message (fixture->cache, &filter, SR_MESSAGE_SORT_CREATED, FALSE, 17,
                                           foreach_cb, &data, NULL, &error));
  g_assert_cmpuint (data.n_seen, ==, 17);

  /* The callback stops it: not an error */
  data = (ForeachData) { fixture->cache, cancellable, 0, 100, 0, 0 };
  g_assert_true (sr_cache_foreach_message (fixture->cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, -1,
                                           foreach_cb, &data, cancellable, &error));
  g_assert_cmpuint (data.n_seen, ==, 100);

  /* Cancelled while streaming */
  data = (ForeachData) { fixture->cache, cancellable, 0, 0, 250, 0 };
  g_assert_false (sr_cache_foreach_message (fixture->cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, -1,
                                            foreach_cb, &data, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (data.n_seen, ==, 250);

  /* Already cancelled: nothing at all */
  data = (ForeachData) { fixture->cache, cancellable, 0, 0, 0, 0 };
  g_assert_false (sr_cache_foreach_message (fixture->cache, NULL, SR_MESSAGE_SORT_CREATED, FALSE, -1,
                                            foreach_cb, &data, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (data.n_seen, ==, 0);

  /* And the rowid query honours its cancellable too */
  g_assert_null (sr_cache_query_message_rowids (fixture->cache, NULL, SR_MESSAGE_SORT_RECIPIENT, FALSE,
                                                cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- checksum, integrity, threads ---------------------------------------------------- */

static int
compare_message_ids (gconstpointer a,
                     gconstpointer b)
{
  return strcmp ((*(SrMessage * const *) a)->id, (*(SrMessage * const *) b)->id);
}

static void
test_checksum (Fixture       *fixture,
               gconstpointer  user_data)
{
  /* Ids whose byte order differs from a case-insensitive or locale order */
  const char *ids[] = { "b-2", "B-1", "a_1", "A-9", "11e8-ffff", "11e8-0000", "a-10", "a-1" };
  const char *statuses[] = { "DELIVERED", "SENT", "UNDELIVERED", "FAILED", "QUEUED", "REJECTED", "SENT", "EXPIRED" };
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *value = NULL;

  empty = sr_cache_dup_checksum (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_ptr_array_add (messages, new_message (ids[i], statuses[i], BASE_TIME + i));
  g_assert_true (sr_cache_upsert_messages (fixture->cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Ordered by id in byte order (strcmp(), like the BINARY collation): note
   * "a-1" < "a-10", although the line "a-1:…" sorts after "a-10:…". */
  g_ptr_array_sort (messages, compare_message_ids);
  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *m = messages->pdata[i];

      g_ptr_array_add (lines, g_strdup_printf ("%s:%s\n", m->id, m->status_raw));
      g_checksum_update (checksum, (const guchar *) lines->pdata[i], -1);
    }
  g_assert_cmpstr (lines->pdata[4], ==, "a-1:EXPIRED\n");
  g_assert_cmpstr (lines->pdata[5], ==, "a-10:SENT\n");

  value = sr_cache_dup_checksum (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, g_checksum_get_string (checksum));
  /* Known value, so a change in the line format cannot go unnoticed:
   * printf '11e8-0000:REJECTED\n11e8-ffff:QUEUED\nA-9:FAILED\nB-1:SENT\n'\
   * 'a-1:EXPIRED\na-10:SENT\na_1:UNDELIVERED\nb-2:DELIVERED\n' | sha256sum */
  g_assert_cmpstr (value, ==, "91fd3ac6adefdb26104121486982eafd731196139eaf6c975ac9d6282b61b286");
}

/* Every sort is read in index order (no sort step over a million rows), the
 * dashboard aggregates read only the covering index, and the campaign
 * window finds its messages through the campaign index. */
static void
test_query_plans (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  SrMessageFilter filter = { 0, };

  fixture_fill (fixture);

  for (int sort = SR_MESSAGE_SORT_CREATED; sort <= SR_MESSAGE_SORT_CAMPAIGN; sort++)
    for (int descending = 0; descending < 2; descending++)
      {
        g_autofree char *plan = sr_cache_dup_rowids_plan (fixture->cache, NULL, sort, descending, &error);

        g_assert_no_error (error);
        g_test_message ("sort %d%s: %s", sort, descending ? " desc" : "", plan);
        g_assert_nonnull (strstr (plan, "USING"));
        g_assert_null (strstr (plan, "TEMP B-TREE"));
      }

  {
    g_autofree char *plan = sr_cache_dup_status_counts_plan (fixture->cache, NULL, &error);

    g_assert_no_error (error);
    g_test_message ("status counts: %s", plan);
    g_assert_nonnull (strstr (plan, "COVERING INDEX messages_insights"));
  }

  filter.from = BASE_TIME + DAY;
  filter.to = BASE_TIME + 8 * DAY;
  {
    g_autofree char *plan = sr_cache_dup_status_counts_plan (fixture->cache, &filter, &error);

    g_assert_no_error (error);
    g_test_message ("status counts over a period: %s", plan);
    g_assert_nonnull (strstr (plan, "COVERING INDEX messages_insights"));
    g_assert_nonnull (strstr (plan, "created_at>?"));
  }

  memset (&filter, 0, sizeof filter);
  filter.campaign_id = "camp-01";
  {
    g_autofree char *plan = sr_cache_dup_rowids_plan (fixture->cache, &filter, SR_MESSAGE_SORT_CREATED,
                                                      TRUE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (plan, "messages_campaign_id"));
    g_assert_null (strstr (plan, "TEMP B-TREE"));
  }
}

static void
test_integrity (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture_fill (fixture);
  g_assert_true (sr_cache_check_integrity (fixture->cache, &error));
  g_assert_no_error (error);
}

typedef struct
{
  SrCache *cache;
  gint     stop;
  guint    n_reads;
} ReaderData;

static gpointer
reader_thread (gpointer user_data)
{
  ReaderData *data = user_data;

  while (!g_atomic_int_get (&data->stop))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) rowids = NULL;
      g_autoptr(GPtrArray) some = NULL;
      g_autoptr(GPtrArray) counts = NULL;
      gint64 total = 0;

      rowids = sr_cache_query_message_rowids (data->cache, NULL, SR_MESSAGE_SORT_SENDER, TRUE, NULL, &error);
      g_assert_no_error (error);
      some = sr_cache_get_messages_by_rowid (data->cache, (gint64 *) (gpointer) rowids->data,
                                             MIN (rowids->len, 50), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (some->len, ==, MIN (rowids->len, 50));
      counts = sr_cache_query_status_counts (data->cache, NULL, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < counts->len; i++)
        total += ((SrStatusCount *) g_ptr_array_index (counts, i))->count;
      g_assert_cmpint (total, >=, rowids->len);
      g_atomic_int_inc (&data->n_reads);
    }

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  ReaderData data = { fixture->cache, 0, 0 };
  GThread *threads[3];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", reader_thread, &data);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GPtrArray) page = generate_messages (300, 5);

      g_assert_true (sr_cache_upsert_messages (fixture->cache, page, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  while (g_atomic_int_get (&data.n_reads) < 6)
    g_usleep (1000);
  g_atomic_int_set (&data.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, &error), ==, 3000);
}

/* --- viewing without writing ------------------------------------------------ */

static gboolean
set_bulk_load (SrCache   *cache,
               gboolean   bulk_load,
               GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_cache_set_bulk_load_async (cache, bulk_load, NULL, done_cb, &result);
  wait_result (&result);
  return sr_cache_set_bulk_load_finish (cache, result, error);
}

static char *
dup_file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static guint
count_dir_entries (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (listing != NULL && g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* Reads that a viewer needs: counts, a sorted and filtered page, stats. */
static void
assert_viewable (SrCache *cache,
                 gint64   expected_total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(SrInsights) insights = NULL;

  g_assert_cmpint (sr_cache_count_messages (cache, NULL, &error), ==, expected_total);
  g_assert_no_error (error);
  insights = sr_insights_query (cache, NULL, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_insights_get_totals (insights)->total, ==, expected_total);

  filter->status_mask = 1u << SR_STATUS_DELIVERED;
  page = sr_cache_query_messages (cache, filter, SR_MESSAGE_SORT_COST, TRUE, 50, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, >, 0);
  for (guint i = 1; i < page->len; i++)
    g_assert_cmpfloat (sr_message_get_cost (g_ptr_array_index (page, i - 1)), >=,
                       sr_message_get_cost (g_ptr_array_index (page, i)));
}

/* A cache whose folder and file cannot be written (a read-only mount as
 * root, modes otherwise) opens for viewing: every read works, writes are
 * refused with SR_CACHE_ERROR_READ_ONLY, and nothing in the folder changes —
 * not even a -wal or -shm appears. A first sync that never finished (indexes
 * still deferred) is viewable too. */
static void
test_open_read_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cache-ro-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr(GPtrArray) messages = generate_messages (N_GENERATED, 20);
  g_autoptr(SrCache) cache = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *notice = NULL;
  guint entries;

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_read_only (cache));
  /* A first sync that stopped half-way: its indexes are still deferred */
  g_assert_true (set_bulk_load (cache, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  sr_cache_close (cache);
  g_clear_object (&cache);

  before = dup_file_checksum (path);
  entries = count_dir_entries (dir);
  if (!sr_test_make_read_only (dir))
    {
      g_test_skip ("Cannot make a read-only folder here");
      remove_tree (dir);
      return;
    }

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sr_cache_get_read_only (cache));
  g_assert_false (sr_cache_get_no_space (cache));
  g_assert_true (sr_cache_get_indexes_pending (cache));
  assert_viewable (cache, N_GENERATED);

  notice = sr_error_text_dup_cache_notice (cache);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "read-only"));

  /* Writes are refused, clearly */
  {
    g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
    g_autofree char *text = NULL;

    g_ptr_array_add (more, new_message ("new-1", "DELIVERED", BASE_TIME));
    g_assert_false (sr_cache_upsert_messages (cache, more, NULL, NULL, NULL, &error));
    g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_READ_ONLY);
    text = sr_error_text_dup (error, path);
    g_assert_nonnull (strstr (text, "cannot be written"));
    g_clear_error (&error);
  }

  sr_cache_close (cache);
  g_clear_object (&cache);
  sr_test_make_writable (dir);

  after = dup_file_checksum (path);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (count_dir_entries (dir), ==, entries);

  /* Writable again: the deferred indexes are built at the next open */
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_read_only (cache));
  g_assert_false (sr_cache_get_indexes_pending (cache));
  assert_viewable (cache, N_GENERATED);
  sr_cache_close (cache);
  {
    sqlite3 *db = open_raw (path);

    g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM deferred_indexes"), ==, 0);
    g_assert_true (raw_has_object (db, "index", "messages_insights"));
    sqlite3_close (db);
  }

  remove_tree (dir);
}

/* A first sync stopped by a full disk (a 2 MB tmpfs): opening needs no free
 * space — the deferred indexes wait, or the file opens for viewing only when
 * not even SQLite's -shm fits — and they are built once there is room. */
static void
test_open_full_disk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sr_test_mount_tmpfs ("test-cache-full", 2048);
  g_autofree char *path = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autofree char *notice = NULL;
  gint64 stored;
  guint batch = 0;

  if (dir == NULL)
    {
      g_test_skip ("Mounting a small tmpfs needs root");
      return;
    }
  path = g_build_filename (dir, "cache.db", NULL);

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (set_bulk_load (cache, TRUE, &error));
  g_assert_no_error (error);
  for (;; batch++)
    {
      g_autoptr(GPtrArray) messages = generate_messages (1000, 5);

      for (guint i = 0; i < messages->len; i++)
        {
          SrMessage *message = g_ptr_array_index (messages, i);

          g_free (message->id);
          message->id = g_strdup_printf ("b%u-m%u", batch, i);
        }
      if (!sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error))
        break;
      g_assert_cmpuint (batch, <, 100);
    }
  g_assert_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL);
  g_assert_true (sr_cache_get_no_space (cache));
  {
    g_autofree char *text = sr_error_text_dup (error, path);

    g_assert_nonnull (strstr (text, "disk is full"));
  }
  g_clear_error (&error);
  stored = sr_cache_count_messages (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored, >=, 1000);
  sr_cache_close (cache);
  g_clear_object (&cache);

  /* Not a byte left */
  sr_test_fill_disk (dir);

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sr_cache_get_no_space (cache));
  g_assert_true (sr_cache_get_indexes_pending (cache) || sr_cache_get_read_only (cache));
  assert_viewable (cache, stored);
  notice = sr_error_text_dup_cache_notice (cache);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "disk is full"));
  sr_cache_close (cache);
  g_clear_object (&cache);

  /* Room again: the indexes are built when the file is opened */
  g_assert_true (sr_test_remount (dir, "size=65536k"));
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_read_only (cache));
  g_assert_false (sr_cache_get_no_space (cache));
  g_assert_false (sr_cache_get_indexes_pending (cache));
  g_assert_null (sr_error_text_dup_cache_notice (cache));
  assert_viewable (cache, stored);
  sr_cache_close (cache);
  g_clear_object (&cache);
  {
    sqlite3 *db = open_raw (path);

    g_assert_cmpint (raw_int64 (db, "SELECT count(*) FROM deferred_indexes"), ==, 0);
    g_assert_true (raw_has_object (db, "index", "messages_insights"));
    sqlite3_close (db);
  }

  sr_test_unmount (dir);
}

/* --- search ---------------------------------------------------------------- */

static SrMessage *
search_message (const char *id,
                const char *to,
                const char *sender,
                const char *text,
                gint64      created_at)
{
  SrMessage *m = new_message (id, "DELIVERED", created_at);

  m->to = g_strdup (to);
  m->sender_id = g_strdup (sender);
  m->message = g_strdup (text);

  return m;
}

/* The ids search finds, in its order, joined by spaces. */
static char *
search_ids (SrCache    *cache,
            const char *text,
            gint64      limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = sr_cache_search_messages (cache, text, limit, NULL, &error);
  GString *ids = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  for (guint i = 0; i < found->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "", ((SrMessage *) found->pdata[i])->id);

  return g_string_free (ids, FALSE);
}

static void
assert_search (SrCache    *cache,
               const char *text,
               const char *expected)
{
  g_autofree char *ids = search_ids (cache, text, -1);

  if (g_strcmp0 (ids, expected) != 0)
    g_error ("Searching “%s” found “%s”, expected “%s”", text, ids, expected);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *limited = NULL;
  const char *hostile[] = {
    "\"", "\"\"", "NEAR(", "NEAR(a b)", "*", "a*", "(", ")", "'", "-", "^", "AND", "OR", "NOT",
    "a AND", "x:y", "message:jazz", "{message}: jazz", "+", "++44", "\\", "%", "_", "jazz\"", "\"jazz",
  };

  /* Newest last in time: m1 is the oldest. */
  g_ptr_array_add (messages, search_message ("m1", "+447911123456", "ACME", "Jazz night on Friday", BASE_TIME));
  g_ptr_array_add (messages, search_message ("m2", "+35799447900", "Shop", "Ölmesi gereken bir şey", BASE_TIME + HOUR));
  g_ptr_array_add (messages, search_message ("m3", "+306900000000", "Bank", "ΆΛΦΑ και βήτα, code 4479", BASE_TIME + 2 * HOUR));
  g_ptr_array_add (messages, search_message ("m4", "+12025550100", "JazzFM", "Your e-mail: Straße naïve", BASE_TIME + 3 * HOUR));
  g_ptr_array_add (messages, search_message ("m5", "+447700900123", "Shop", NULL, BASE_TIME + 4 * HOUR));
  g_assert_true (sr_cache_upsert_messages (fixture->cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Words: prefixes, any case, newest first, over the text and the sender */
  assert_search (fixture->cache, "jazz", "m4 m1");
  assert_search (fixture->cache, "jaz", "m4 m1");
  assert_search (fixture->cache, "JAZZ", "m4 m1");
  assert_search (fixture->cache, "azz", "");
  assert_search (fixture->cache, "jazz friday", "m1");
  assert_search (fixture->cache, "friday jazz", "m1");
  assert_search (fixture->cache, "jazz nothing", "");
  assert_search (fixture->cache, "shop", "m5 m2");
  /* Unicode case; Latin accents are ignored both ways, Greek keeps its own */
  assert_search (fixture->cache, "ölmesi", "m2");
  assert_search (fixture->cache, "ÖLMESİ", "m2");
  assert_search (fixture->cache, "olmesi", "m2");
  assert_search (fixture->cache, "sey", "m2");
  assert_search (fixture->cache, "άλφα", "m3");
  assert_search (fixture->cache, "ΆΛ", "m3");
  assert_search (fixture->cache, "ΒΉΤΑ", "m3");
  assert_search (fixture->cache, "naive", "m4");
  assert_search (fixture->cache, "STRASSE", "");
  assert_search (fixture->cache, "straße", "m4");
  /* Punctuation separates words */
  assert_search (fixture->cache, "e-mail", "m4");
  assert_search (fixture->cache, "mail:", "m4");
  /* Numbers: anywhere in the recipient, or a word of the text */
  assert_search (fixture->cache, "4479", "m3 m2 m1");
  assert_search (fixture->cache, "+4479", "m3 m1");
  assert_search (fixture->cache, "+44", "m5 m3 m1");
  assert_search (fixture->cache, "123", "m5 m1");
  assert_search (fixture->cache, "447 jazz", "m1");
  assert_search (fixture->cache, "+357 shop", "m2");
  assert_search (fixture->cache, "5550100", "m4");
  assert_search (fixture->cache, "+447911123456", "m1");
  assert_search (fixture->cache, "447911123456", "m1");
  assert_search (fixture->cache, "+447911123457", "");
  /* The recipient index knows which trigrams a row has, not where: m1 has
   * "447", "123" and "234", but not "4471234" */
  assert_search (fixture->cache, "4471234", "");
  assert_search (fixture->cache, "+4471234", "");
  assert_search (fixture->cache, "9111234", "m1");
  assert_search (fixture->cache, "+000", "");
  assert_search (fixture->cache, "0000", "m3");
  /* Too short for the recipient's trigrams: looked for in each row */
  assert_search (fixture->cache, "12", "m5 m4 m1");
  assert_search (fixture->cache, "+1", "m4");
  assert_search (fixture->cache, "00", "m5 m4 m3 m2");
  /* Limit: the newest */
  limited = search_ids (fixture->cache, "jazz", 1);
  g_assert_cmpstr (limited, ==, "m4");
  g_clear_pointer (&limited, g_free);
  limited = search_ids (fixture->cache, "12", 2);
  g_assert_cmpstr (limited, ==, "m5 m4");
  g_clear_pointer (&limited, g_free);
  limited = search_ids (fixture->cache, "4479", 2);
  g_assert_cmpstr (limited, ==, "m3 m2");
  /* The first rows of an order (the log's first screenful): a long number
   * from the recipient index, a short one checked row by row */
  for (guint i = 0; i < 4; i++)
    {
      const char *text = (const char *[]) { "+447911123456", "+4479", "0100", "4471234" }[i];
      const char *expected = (const char *[]) { "m1", "m3 m1", "m4", "" }[i];
      SrMessageFilter filter = { .search = (char *) text };
      g_autoptr(GPtrArray) first = sr_cache_query_messages (fixture->cache, &filter, SR_MESSAGE_SORT_CREATED,
                                                            TRUE, 10, 0, &error);
      g_autoptr(GString) ids = g_string_new (NULL);

      g_assert_no_error (error);
      for (guint k = 0; k < first->len; k++)
        g_string_append_printf (ids, "%s%s", k > 0 ? " " : "", ((SrMessage *) first->pdata[k])->id);
      g_assert_cmpstr (ids->str, ==, expected);
    }

  /* Nothing typed is FTS syntax: no error, and the same answer as the
   * rules in C */
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GPtrArray) found = sr_cache_search_messages (fixture->cache, hostile[i], -1, NULL, &error);
      SrMessageFilter filter = { .search = (char *) hostile[i] };
      guint expected = 0;

      g_assert_no_error (error);
      g_assert_nonnull (found);
      for (guint k = 0; k < messages->len; k++)
        expected += sr_message_filter_matches (&filter, messages->pdata[k]);
      g_assert_cmpuint (found->len, ==, expected);
      g_assert_cmpint (sr_cache_count_messages (fixture->cache, &filter, &error), ==, expected);
      g_assert_no_error (error);
    }
  assert_search (fixture->cache, "jazz\"", "m4 m1");
  assert_search (fixture->cache, "NEAR(jazz", "");
  assert_search (fixture->cache, "message:jazz", "");
  assert_search (fixture->cache, "\"", "");
  assert_search (fixture->cache, "*", "");
  assert_search (fixture->cache, ":", "m4");
  /* Nothing to look for finds nothing */
  assert_search (fixture->cache, "", "");
  assert_search (fixture->cache, "   ", "");
}

/* sr_cache_search_messages() with a limit answers the first rows of the
 * full search, in its order. */
static void
assert_limited_search_agrees (SrCache    *cache,
                              const char *text,
                              GPtrArray  *all)
{
  const gint64 limits[] = { 1, 3, 20 };

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = sr_cache_search_messages (cache, text, limits[l], NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, MIN ((guint) limits[l], all->len));
      for (guint i = 0; i < found->len; i++)
        if (g_strcmp0 (((SrMessage *) found->pdata[i])->id, ((SrMessage *) all->pdata[i])->id) != 0)
          g_error ("Search “%s” with limit %" G_GINT64_FORMAT ": row %u is %s, the full search has %s",
                   text, limits[l], i, ((SrMessage *) found->pdata[i])->id,
                   ((SrMessage *) all->pdata[i])->id);
    }
}

/* FTS5's own check that the indexes hold exactly the words of the rows
 * (the text and sender; the recipient's trigrams). */
static void
assert_search_index_consistent (const char *path)
{
  sqlite3 *db = open_raw (path);
  char *message = NULL;
  int rc;

  rc = sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
                     NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("The search index disagrees with the rows: %s", message);
  rc = sqlite3_exec (db,
                     "INSERT INTO messages_recipient_fts (messages_recipient_fts, rank)"
                     " VALUES ('integrity-check', 1)",
                     NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("The recipient index disagrees with the rows: %s", message);
  sqlite3_close (db);
}

static void
search_round_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_cache_upsert_messages_finish (SR_CACHE (object), result, NULL, NULL, &error));
  g_assert_no_error (error);
  (*pending)--;
}

/* Random writes (new rows, status changes, texts and senders that change,
 * several writes sharing one commit, a row added and changed in the same
 * commit, deletes by hand) keep the index equal to the rows: FTS5's
 * integrity check, and every search agrees with a scan in C. */
static void
test_search_consistent (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GHashTable) current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  const char *queries[] = {
    "jazz", "jaz", "ölmesi", "OLMESI", "άλφα", "order", "ORDER off", "shop", "acme", "bank",
    "4479", "+4477", "+35799", "code", "naive", "e-mail", "tracking meeting", "\"", "NEAR(",
    "447", "+3069", "0012", "99", "+1", "7",
  };
  guint next_id = 0;

  for (guint round = 0; round < 12; round++)
    {
      guint pending = 0;
      g_autoptr(GError) error = NULL;

      /* Three writes queued at once share a commit */
      for (guint w = 0; w < 3; w++)
        {
          g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
          g_autoptr(GPtrArray) fresh = generate_messages (40, 5);
          g_autoptr(GList) ids = g_hash_table_get_keys (current);
          guint n_ids = g_list_length (ids);

          for (guint i = 0; i < fresh->len; i++)
            {
              SrMessage *m = fresh->pdata[i];

              g_free (m->id);
              m->id = g_strdup_printf ("s%05u", next_id++);
              g_ptr_array_add (batch, g_object_ref (m));
            }
          /* Changes to rows written before (or earlier in this commit) */
          for (guint i = 0; n_ids > 0 && i < 25; i++)
            {
              const char *id = g_list_nth_data (ids, g_test_rand_int_range (0, n_ids));
              SrMessage *old = g_hash_table_lookup (current, id);
              g_autoptr(GPtrArray) donor = generate_messages (1, 5);
              SrMessage *m = g_object_ref (donor->pdata[0]);

              g_free (m->id);
              m->id = g_strdup (id);
              m->created_at = old->created_at;
              switch (g_test_rand_int_range (0, 5))
                {
                case 0: /* only the status */
                  g_free (m->message);
                  m->message = g_strdup (old->message);
                  g_free (m->sender_id);
                  m->sender_id = g_strdup (old->sender_id);
                  break;
                case 1: /* the text */
                  g_free (m->sender_id);
                  m->sender_id = g_strdup (old->sender_id);
                  break;
                case 2: /* the sender */
                  g_free (m->message);
                  m->message = g_strdup (old->message);
                  break;
                case 3: /* the recipient */
                  g_free (m->message);
                  m->message = g_strdup (old->message);
                  g_free (m->sender_id);
                  m->sender_id = g_strdup (old->sender_id);
                  break;
                default: /* everything */
                  break;
                }
              g_ptr_array_add (batch, m);
            }
          /* The upsert applies a batch in order: the last copy of an id wins */
          for (guint i = 0; i < batch->len; i++)
            {
              SrMessage *m = batch->pdata[i];

              g_hash_table_replace (current, g_strdup (m->id), g_object_ref (m));
            }
          sr_cache_upsert_messages_async (fixture->cache, batch, NULL, NULL, search_round_cb, &pending);
          pending++;
        }
      while (pending > 0)
        g_main_context_iteration (NULL, TRUE);

      /* A delete, by hand: the trigger takes the row out of the index */
      if (round % 4 == 3)
        {
          g_autoptr(GList) ids = g_hash_table_get_keys (current);
          const char *id = g_list_nth_data (ids, g_test_rand_int_range (0, g_list_length (ids)));
          g_autofree char *sql = g_strdup_printf ("DELETE FROM messages WHERE id = '%s'", id);
          sqlite3 *db = open_raw (fixture->path);

          raw_exec (db, sql);
          sqlite3_close (db);
          g_hash_table_remove (current, id);
        }

      assert_search_index_consistent (fixture->path);
      for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
        {
          SrMessageFilter filter = { .search = (char *) queries[q] };
          g_autoptr(GPtrArray) found = sr_cache_search_messages (fixture->cache, queries[q], -1, NULL, &error);
          g_autoptr(GHashTable) found_ids = NULL;
          GHashTableIter iter;
          gpointer value;
          guint expected = 0;

          g_assert_no_error (error);
          found_ids = ids_of (found);
          g_hash_table_iter_init (&iter, current);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            {
              SrMessage *m = value;
              gboolean in_c = sr_message_filter_matches (&filter, m);

              if (in_c != g_hash_table_contains (found_ids, m->id))
                g_error ("Round %u, search “%s”: message %s (text “%s”, sender %s, to %s) is %s in C and %s in SQL",
                         round, queries[q], m->id, m->message, m->sender_id, m->to,
                         in_c ? "in" : "out", in_c ? "out" : "in");
              expected += in_c;
            }
          g_assert_cmpuint (found->len, ==, expected);
          assert_limited_search_agrees (fixture->cache, queries[q], found);
        }
    }
}

/* More rows than a limited search tests one by one: a common term is
 * answered from the newest rows, a term found only in old rows from the
 * indexes (or, for a short number, a scan in order); every answer is the
 * first rows of the full search. */
static void
test_search_limited (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) messages = generate_messages (SR_CACHE_SEARCH_SCAN_ROWS + 600, 5);
  g_autoptr(GError) error = NULL;
  const char *queries[] = {
    "order", "o", "c", "jazz", "+4477", "4477", "99", "+1", "\"",
    "zebra", "zebraold", "+999123", "999123456", "+99", "zebraold +999", "zebraold 0",
  };

  /* Older than every generated message: found only past the scanned rows */
  g_ptr_array_add (messages, search_message ("old-1", "+999123456", "ACME", "zebraold one", BASE_TIME - 3 * DAY));
  g_ptr_array_add (messages, search_message ("old-2", "+999123457", "Shop", "zebraold two", BASE_TIME - 2 * DAY));
  g_ptr_array_add (messages, search_message ("old-3", "+4477000001", "Bank", "zebraold three", BASE_TIME - DAY));
  g_assert_true (sr_cache_upsert_messages (fixture->cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* The newest rows are tested with the index's own tokenizer: a final
   * sigma is a sigma to it (GLib's tables keep it apart), so the first 20
   * of "κωδικός" are every other row here, not only the lower-case ones. */
  {
    g_autoptr(GPtrArray) greek = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < 40; i++)
      {
        g_autofree char *id = g_strdup_printf ("greek-%02u", i);

        g_ptr_array_add (greek, search_message (id, "+306900000001", "Bank",
                                                i % 2 == 0 ? "Ο ΚΩΔΙΚΌΣ σας" : "ο κωδικός σας",
                                                BASE_TIME + 40 * DAY + i * HOUR));
      }
    g_assert_true (sr_cache_upsert_messages (fixture->cache, greek, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    for (guint q = 0; q < 3; q++)
      {
        const char *text = (const char *[]) { "κωδικός", "ΚΩΔΙΚΟΣ", "κωδικόσ" }[q];
        g_autoptr(GPtrArray) found = sr_cache_search_messages (fixture->cache, text, -1, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (found->len, ==, q == 1 ? 0 : 40);
        assert_limited_search_agrees (fixture->cache, text, found);
      }
  }

  assert_search (fixture->cache, "zebraold", "old-3 old-2 old-1");
  assert_search (fixture->cache, "+999123", "old-2 old-1");
  assert_search (fixture->cache, "zebraold +99", "old-2 old-1");
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      SrMessageFilter filter = { .search = (char *) queries[q] };
      g_autoptr(GPtrArray) found = sr_cache_search_messages (fixture->cache, queries[q], -1, NULL, &error);
      guint expected = 0;

      g_assert_no_error (error);
      for (guint i = 0; i < messages->len; i++)
        expected += sr_message_filter_matches (&filter, messages->pdata[i]);
      g_assert_cmpuint (found->len, ==, expected);
      assert_limited_search_agrees (fixture->cache, queries[q], found);
    }
}

/* Releasing memory closes the idle read connections; reads go on with
 * fresh ones and answer the same. */
static void
test_release_memory (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) messages = generate_messages (200, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  gint64 count;

  g_assert_true (sr_cache_upsert_messages (fixture->cache, messages, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  count = sr_cache_count_messages (fixture->cache, NULL, &error);
  g_assert_no_error (error);
  before = sr_cache_search_messages (fixture->cache, "order", 20, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (sr_cache_release_memory (fixture->cache), >=, 1);
  g_assert_cmpuint (sr_cache_release_memory (fixture->cache), ==, 0);

  g_assert_cmpint (sr_cache_count_messages (fixture->cache, NULL, &error), ==, count);
  g_assert_no_error (error);
  after = sr_cache_search_messages (fixture->cache, "order", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpuint (after->len, >, 0);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (((SrMessage *) after->pdata[i])->id, ==, ((SrMessage *) before->pdata[i])->id);
  g_assert_cmpuint (sr_cache_release_memory (fixture->cache), >=, 1);
}

/* --- schema 7: the unique id index deferred during a bulk load ------------- */

/* A SHA-256 over every value of every row a query returns, with its type. */
static char *
dup_query_digest (sqlite3    *db,
                  const char *sql)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *stmt = NULL;
  guint n_rows = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          char type = '0' + sqlite3_column_type (stmt, i);
          const unsigned char *text = sqlite3_column_text (stmt, i);

          g_checksum_update (checksum, (const guchar *) &type, 1);
          if (text != NULL)
            g_checksum_update (checksum, text, sqlite3_column_bytes (stmt, i));
          g_checksum_update (checksum, (const guchar *) "\x1f", 1);
        }
      n_rows++;
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  return g_strdup_printf ("%u rows %s", n_rows, g_checksum_get_string (checksum));
}

/* Everything a file holds that a migration must keep: every row with its
 * rowid and every column, the campaigns, the account, the checkpoint, every
 * entry of both search indexes (FTS5's own vocabulary tables, term by row),
 * and the Dashboard's aggregates. */
static char *
dup_file_contents_digest (const char *path)
{
  sqlite3 *db = open_raw (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) digest = g_string_new (NULL);
  g_autofree char *aggregates = NULL;
  const char * const queries[] = {
    "SELECT rowid, id, campaign_id, recipient, sender_id, message, status_raw, failed_reason, timezone,"
    " created_at, updated_at, sent_at, scheduled_for, cost, sms_count, is_api, status_code, message_type,"
    " user_id, callback_url, provider, message_id, internal_failed_reason, optout, final_callback_sent"
    " FROM messages ORDER BY rowid",
    "SELECT * FROM campaigns ORDER BY rowid",
    "SELECT * FROM account",
    "SELECT * FROM sync_state WHERE key <> '" SR_CACHE_CLEAN_CLOSE_KEY "' ORDER BY key",
    "SELECT term, doc, col, offset FROM temp.text_terms ORDER BY term, doc, col, offset",
    "SELECT term, doc FROM temp.recipient_terms ORDER BY term, doc",
  };

  raw_exec (db,
            "CREATE VIRTUAL TABLE temp.text_terms USING fts5vocab (main, 'messages_fts', 'instance');"
            "CREATE VIRTUAL TABLE temp.recipient_terms USING fts5vocab (main, 'messages_recipient_fts', 'instance');");
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *part = dup_query_digest (db, queries[i]);

      g_string_append_printf (digest, "%s\n", part);
    }
  aggregates = sr_cache_aggregates_dump (db, &error);
  g_assert_no_error (error);
  g_string_append (digest, aggregates);
  sqlite3_close (db);

  return g_string_free (g_steal_pointer (&digest), FALSE);
}

static char *
dup_index_names (const char *path)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  char *names;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT group_concat (name || ':' || sql, '\n') FROM"
                                       " (SELECT name, sql FROM sqlite_schema"
                                       "  WHERE type IN ('index', 'trigger') AND tbl_name = 'messages'"
                                       "  ORDER BY name)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  names = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return names;
}

/* tests/data/cache/v6.db was written by the schema-6 release (commit
 * 8f4b4f1): its CLI's first sync of a sandbox account (sr-sandbox --messages
 * 1000 --campaigns 12 --seed 61 --now 2026-11-20T12:00:00Z), checkpointed and
 * vacuumed: rows, campaigns, both search indexes, the aggregates. Migrating
 * it keeps every value and every index entry, and gives the indexes of a
 * new file. */
static void
test_migrate_v6_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *fixture = data_file ("v6.db");
  g_autofree char *path = g_build_filename (tmp, "v6.db", NULL);
  g_autofree char *fresh_path = g_build_filename (tmp, "fresh.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *fresh_indexes = NULL;
  g_autofree char *indexes = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *some_id = NULL;
  guint n_new = 0, n_updated = 0;
  gint64 n_rows;
  sqlite3 *db;

  copy_file (fixture, path);
  db = open_raw (path);
  g_assert_cmpint (raw_int64 (db, "PRAGMA user_version"), ==, 6);
  g_assert_true (raw_has_object (db, "index", "messages_report"));
  g_assert_true (raw_has_object (db, "index", "sqlite_autoindex_messages_1"));
  n_rows = raw_int64 (db, "SELECT count (*) FROM messages");
  g_assert_cmpint (n_rows, >=, 1000);
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM campaigns"), >, 0);
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM agg_statuses"), >, 0);
  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (db, "SELECT id FROM messages ORDER BY rowid LIMIT 1 OFFSET 10", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    some_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  before = dup_file_contents_digest (path);

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_read_only (cache));
  g_assert_true (sr_cache_check_integrity (cache, &error));
  g_assert_no_error (error);
  sr_cache_close (cache);
  g_clear_object (&cache);

  after = dup_file_contents_digest (path);
  g_assert_cmpstr (after, ==, before);
  assert_search_index_consistent (path);

  /* The indexes and triggers of a new file, the id's uniqueness named. */
  cache = sr_cache_open (fresh_path, &error);
  g_assert_no_error (error);
  sr_cache_close (cache);
  g_clear_object (&cache);
  fresh_indexes = dup_index_names (fresh_path);
  indexes = dup_index_names (path);
  g_assert_cmpstr (indexes, ==, fresh_indexes);
  db = open_raw (path);
  g_assert_cmpint (raw_int64 (db, "PRAGMA user_version"), ==, 7);
  g_assert_true (raw_has_object (db, "index", "messages_id"));
  g_assert_true (raw_has_object (db, "index", "messages_insights"));
  g_assert_false (raw_has_object (db, "index", "messages_report"));
  g_assert_false (raw_has_object (db, "index", "sqlite_autoindex_messages_1"));
  g_assert_false (raw_has_object (db, "table", "messages_v7"));
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM deferred_indexes"), ==, 0);
  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  /* The id is still unique. */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO messages (id) VALUES ('%s')", some_id);

    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  }
  sqlite3_close (db);

  /* Upserts by id work on the migrated file. */
  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SrMessage) old = sr_cache_get_message (cache, some_id, &error);
    SrMessage *changed;

    g_assert_no_error (error);
    changed = new_message (some_id, "FAILED", old->created_at);
    changed->to = g_strdup (old->to);
    changed->failed_reason = g_strdup ("Absent Subscriber");
    g_ptr_array_add (page, changed);
    g_ptr_array_add (page, new_message ("after-v7", "SENT", old->created_at));
  }
  g_assert_true (sr_cache_upsert_messages (cache, page, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 1);
  g_assert_cmpuint (n_updated, ==, 1);
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, NULL), ==, n_rows + 1);
  sr_cache_close (cache);

  remove_tree (tmp);
}

/* The aggregates equal a rebuild from the rows, and the ids are unique. */
static void
assert_consistent_after_bulk (const char *path,
                              gint64      expected_rows)
{
  sqlite3 *db = open_raw (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *rebuilt = NULL;

  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM messages"), ==, expected_rows);
  g_assert_cmpint (raw_int64 (db, "SELECT count (DISTINCT id) FROM messages"), ==, expected_rows);
  g_assert_true (raw_has_object (db, "index", "messages_id"));
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM deferred_indexes"), ==, 0);
  kept = sr_cache_aggregates_dump (db, &error);
  g_assert_no_error (error);
  raw_exec (db, "BEGIN");
  g_assert_true (sr_cache_aggregates_rebuild (db, &error));
  g_assert_no_error (error);
  rebuilt = sr_cache_aggregates_dump (db, &error);
  g_assert_no_error (error);
  raw_exec (db, "ROLLBACK");
  g_assert_cmpstr (kept, ==, rebuilt);
  sqlite3_close (db);

  assert_search_index_consistent (path);
}

static gpointer
ref_copy (gconstpointer src,
          gpointer      data)
{
  return g_object_ref ((gpointer) src);
}

/* Gives each message of a generated page its own id, "<prefix>-<i>". */
static GPtrArray *
bulk_page (const char *prefix,
           guint       n)
{
  GPtrArray *messages = generate_messages (n, 10);

  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *message = g_ptr_array_index (messages, i);

      g_free (message->id);
      message->id = g_strdup_printf ("%s-%u", prefix, i);
    }

  return messages;
}

/* A bulk load killed while its unique id index is deferred: the file holds
 * rows that no unique index checks. The next run opens it (the deferred
 * indexes are built), starts a bulk load again (the id index is dropped
 * again) and downloads a page it already has: the known ids come from the
 * table, so those messages are updated, never inserted twice. */
static void
test_bulk_kill_and_resume (void)
{
  const char *path = g_getenv ("SR_TEST_BULK_PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  guint n_new = 0, n_updated = 0;
  sqlite3 *db;

  if (g_test_subprocess ())
    {
      g_autoptr(GPtrArray) a = bulk_page ("a", 1500);
      g_autoptr(GPtrArray) b = bulk_page ("b", 1500);

      cache = sr_cache_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (set_bulk_load (cache, TRUE, &error));
      g_assert_no_error (error);
      g_assert_true (sr_cache_upsert_messages (cache, a, NULL, &n_new, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_new, ==, 1500);
      g_assert_true (sr_cache_upsert_messages (cache, b, NULL, &n_new, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_new, ==, 1500);
      /* Dies like a killed process: no close, no index build. */
      _exit (0);
    }

  tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_build_filename (tmp, "bulk.db", NULL);
  g_setenv ("SR_TEST_BULK_PATH", file, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_unsetenv ("SR_TEST_BULK_PATH");

  /* What the killed process left: rows, no unique index, its definition
   * waiting in deferred_indexes. */
  db = open_raw (file);
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM messages"), ==, 3000);
  g_assert_false (raw_has_object (db, "index", "messages_id"));
  g_assert_cmpint (raw_int64 (db, "SELECT count (*) FROM deferred_indexes WHERE name = 'messages_id'"), ==, 1);
  sqlite3_close (db);

  cache = sr_cache_open (file, &error);
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_indexes_pending (cache));
  g_assert_true (set_bulk_load (cache, TRUE, &error));
  g_assert_no_error (error);
  db = open_raw (file);
  g_assert_false (raw_has_object (db, "index", "messages_id"));
  sqlite3_close (db);

  /* Page b again, with a late report and a changed text, and a new page. */
  again = bulk_page ("b", 1500);
  {
    SrMessage *late = g_ptr_array_index (again, 7);
    SrMessage *edited = g_ptr_array_index (again, 8);

    g_free (late->status_raw);
    late->status_raw = g_strdup ("DELIVERED");
    late->status = SR_STATUS_DELIVERED;
    late->cost = 0.25;
    g_free (edited->message);
    edited->message = g_strdup ("resumedword");
    g_free (edited->to);
    edited->to = g_strdup ("+35799887766");
  }
  fresh = bulk_page ("c", 700);
  g_ptr_array_extend (again, fresh, ref_copy, NULL);
  g_assert_true (sr_cache_upsert_messages (cache, again, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 700);
  g_assert_cmpuint (n_updated, ==, 1500);
  g_assert_true (set_bulk_load (cache, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_indexes_pending (cache));
  g_assert_cmpint (sr_cache_count_messages (cache, NULL, NULL), ==, 3700);
  {
    g_autoptr(SrMessage) late = sr_cache_get_message (cache, "b-7", &error);

    g_assert_no_error (error);
    g_assert_cmpint (late->status, ==, SR_STATUS_DELIVERED);
  }
  {
    g_autoptr(GPtrArray) found = sr_cache_search_messages (cache, "resumedword", 10, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((SrMessage *) found->pdata[0])->id, ==, "b-8");
    g_clear_pointer (&found, g_ptr_array_unref);
    found = sr_cache_search_messages (cache, "99887766", 10, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
  }
  sr_cache_close (cache);

  assert_consistent_after_bulk (file, 3700);
  remove_tree (tmp);
}

/* Two connections write one file while the id index is deferred (the app
 * and the CLI): each sees that the other committed (PRAGMA data_version)
 * and reads the known ids again, so a page both download is stored once. */
static void
test_bulk_other_writer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-cache-XXXXXX", &error);
  g_autofree char *file = g_build_filename (tmp, "bulk.db", NULL);
  g_autoptr(SrCache) a = NULL;
  g_autoptr(SrCache) b = NULL;
  g_autoptr(GPtrArray) p1 = bulk_page ("p1", 800);
  g_autoptr(GPtrArray) p2 = bulk_page ("p2", 800);
  g_autoptr(GPtrArray) p3 = bulk_page ("p3", 800);
  guint n_new = 0, n_updated = 0;

  a = sr_cache_open (file, &error);
  g_assert_no_error (error);
  g_assert_true (set_bulk_load (a, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sr_cache_upsert_messages (a, p1, NULL, &n_new, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 800);

  /* The second one opens (building the deferred indexes), defers them
   * again and writes page 2 without the first one knowing its ids. */
  b = sr_cache_open (file, &error);
  g_assert_no_error (error);
  g_assert_true (set_bulk_load (b, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sr_cache_upsert_messages (b, p2, NULL, &n_new, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 800);
  g_assert_true (sr_cache_upsert_messages (b, p1, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 0);
  g_assert_cmpuint (n_updated, ==, 800);
  sr_cache_close (b);

  g_ptr_array_extend (p2, p3, ref_copy, NULL);
  g_assert_true (sr_cache_upsert_messages (a, p2, NULL, &n_new, &n_updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_new, ==, 800);
  g_assert_cmpuint (n_updated, ==, 800);
  g_assert_true (set_bulk_load (a, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (sr_cache_get_indexes_pending (a));
  sr_cache_close (a);

  assert_consistent_after_bulk (file, 2400);
  remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cache/file-name", test_file_name);
  g_test_add_func ("/cache/open/creates", test_open_creates);
  g_test_add_func ("/cache/open/too-new", test_reject_too_new);
  g_test_add_func ("/cache/open/corrupt", test_reject_corrupt);
  g_test_add_func ("/cache/open/read-only", test_open_read_only);
  g_test_add_func ("/cache/open/full-disk", test_open_full_disk);
  g_test_add_func ("/cache/open/corrupt-after-unclean-shutdown", test_corrupt_after_unclean_shutdown);
  g_test_add_func ("/cache/migrate/v1-file", test_migrate_v1_file);
  g_test_add_func ("/cache/migrate/v1-sql", test_migrate_v1_sql);
  g_test_add_func ("/cache/migrate/v6-file", test_migrate_v6_file);
  g_test_add_func ("/cache/bulk-load/kill-and-resume", test_bulk_kill_and_resume);
  g_test_add_func ("/cache/bulk-load/other-writer", test_bulk_other_writer);
  g_test_add_func ("/cache/close", test_close);
  g_test_add_func ("/cache/filter/boxed", test_filter_boxed);
  g_test_add ("/cache/upsert/idempotent", Fixture, NULL, fixture_set_up, test_upsert_idempotent, fixture_tear_down);
  g_test_add ("/cache/upsert/state-atomic", Fixture, NULL, fixture_set_up, test_state_atomic, fixture_tear_down);
  g_test_add ("/cache/changed", Fixture, NULL, fixture_set_up, test_changed, fixture_tear_down);
  g_test_add ("/cache/account-state", Fixture, NULL, fixture_set_up, test_account_state, fixture_tear_down);
  g_test_add ("/cache/filter/sql-matches-c", Fixture, NULL, fixture_set_up, test_filter_sql_matches_c, fixture_tear_down);
  g_test_add ("/cache/search/words-and-numbers", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/cache/search/index-consistent", Fixture, NULL, fixture_set_up, test_search_consistent, fixture_tear_down);
  g_test_add ("/cache/search/limited", Fixture, NULL, fixture_set_up, test_search_limited, fixture_tear_down);
  g_test_add ("/cache/release-memory", Fixture, NULL, fixture_set_up, test_release_memory, fixture_tear_down);
  g_test_add ("/cache/sort/rowids", Fixture, NULL, fixture_set_up, test_sort_rowids, fixture_tear_down);
  g_test_add ("/cache/campaigns", Fixture, NULL, fixture_set_up, test_campaigns, fixture_tear_down);
  g_test_add ("/cache/aggregates", Fixture, NULL, fixture_set_up, test_aggregates, fixture_tear_down);
  g_test_add ("/cache/foreach", Fixture, NULL, fixture_set_up, test_foreach, fixture_tear_down);
  g_test_add ("/cache/checksum", Fixture, NULL, fixture_set_up, test_checksum, fixture_tear_down);
  g_test_add ("/cache/query-plans", Fixture, NULL, fixture_set_up, test_query_plans, fixture_tear_down);
  g_test_add ("/cache/integrity", Fixture, NULL, fixture_set_up, test_integrity, fixture_tear_down);
  g_test_add ("/cache/threads", Fixture, NULL, fixture_set_up, test_threads, fixture_tear_down);

  return g_test_run ();
}
