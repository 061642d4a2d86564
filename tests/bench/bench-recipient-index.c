/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-recipient-index.c: what the search indexes cost the cache's writer
 * per new message. Copies the first N messages of a bench cache (opened
 * read-only, never written) into a scratch file, then for each index form
 * — the recipient's trigrams as schema 6 keeps them (detail = none,
 * columnsize = 0), the same with positions (detail = full, the first form
 * of schema 6) and the text's index (schema 4) — adds the rows in groups
 * the way the writer does (one INSERT … SELECT per transaction) and prints
 * the process CPU time per message (median, min–max of the runs) and the
 * index's size. It also times one fill of every row in rowid order and in
 * the order of the covering index messages_recipient, which is what FTS5's
 * 'rebuild' reads. Not a test: run it by hand.
 *
 *   _build/tests/bench/bench-recipient-index [--path FILE] [--messages N]
 *                                            [--group N] [--runs N]
 *
 * FILE is a cache at schema 4 or later, for example a copy of the one
 * bench-search makes (default /tmp/sr-bench-1000000.db).
 */

#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>
#include <time.h>

#include "bench-util.h"

static int n_messages = 200000;
static int group = 5000;
static int n_runs = 3;
static char *path = NULL;

static const GOptionEntry entries[] = {
  { "path", 0, 0, G_OPTION_ARG_FILENAME, &path, "Cache to copy the messages from (read only)", "FILE" },
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages to index", "N" },
  { "group", 0, 0, G_OPTION_ARG_INT, &group, "Messages per transaction (the writer's group)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Repetitions (median reported)", "N" },
  { NULL }
};

typedef struct
{
  const char *name;
  const char *create;  /* the index, called f */
  const char *fill;    /* ?1 < rowid <= ?2 */
} Form;

static const Form forms[] = {
  { "recipient, detail=none (schema 6)",
    "CREATE VIRTUAL TABLE f USING fts5 (recipient, content = 'messages', content_rowid = 'rowid',"
    " tokenize = 'trigram', detail = none, columnsize = 0)",
    "INSERT INTO f (rowid, recipient) SELECT rowid, recipient FROM messages"
    " WHERE rowid > ?1 AND rowid <= ?2 ORDER BY rowid" },
  { "recipient, detail=full (before)",
    "CREATE VIRTUAL TABLE f USING fts5 (recipient, content = 'messages', content_rowid = 'rowid',"
    " tokenize = 'trigram')",
    "INSERT INTO f (rowid, recipient) SELECT rowid, recipient FROM messages"
    " WHERE rowid > ?1 AND rowid <= ?2 ORDER BY rowid" },
  { "text and sender (schema 4)",
    "CREATE VIRTUAL TABLE f USING fts5 (message, sender_id, content = 'messages', content_rowid = 'rowid',"
    " tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO f (rowid, message, sender_id) SELECT rowid, message, sender_id FROM messages"
    " WHERE rowid > ?1 AND rowid <= ?2" },
};

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* CPU seconds to add rows 1..n to a new index f in groups. */
static double
fill_in_groups (sqlite3    *db,
                const Form *form,
                gint64      n,
                gint64     *out_bytes)
{
  sqlite3_stmt *stmt = NULL;
  double t0;

  exec_or_die (db, "DROP TABLE IF EXISTS f");
  exec_or_die (db, form->create);
  if (sqlite3_prepare_v2 (db, form->fill, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", form->fill, sqlite3_errmsg (db));

  t0 = cpu_seconds ();
  for (gint64 from = 0; from < n; from += group)
    {
      exec_or_die (db, "BEGIN IMMEDIATE");
      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, MIN (from + group, n));
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("%s: %s", form->fill, sqlite3_errmsg (db));
      sqlite3_reset (stmt);
      exec_or_die (db, "COMMIT");
    }
  t0 = cpu_seconds () - t0;
  sqlite3_finalize (stmt);
  *out_bytes = query_int (db, "SELECT sum (length (block)) FROM f_data");

  return t0;
}

/* CPU seconds to fill the schema 6 index with every row in one statement. */
static double
fill_at_once (sqlite3    *db,
              const char *select)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO f (rowid, recipient) %s", select);
  double t0;

  exec_or_die (db, "DROP TABLE IF EXISTS f");
  exec_or_die (db, forms[0].create);
  t0 = cpu_seconds ();
  exec_or_die (db, sql);
  return cpu_seconds () - t0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- cost of the search indexes per message written");
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch_dir = NULL;
  g_autofree char *scratch = NULL;
  g_autofree char *source_uri = NULL;
  char *attach = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *load = NULL;
  sqlite3 *db = NULL;
  gint64 n;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (path == NULL)
    path = g_strdup ("/tmp/sr-bench-1000000.db");
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("No cache at %s: make one with bench-search --path (or give --path)\n", path);
      return 1;
    }
  if (n_messages <= 0 || group <= 0 || n_runs <= 0)
    {
      g_printerr ("--messages, --group and --runs must be positive\n");
      return 1;
    }

  scratch_dir = g_dir_make_tmp ("sr-bench-index-XXXXXX", &error);
  if (scratch_dir == NULL)
    g_error ("%s", error->message);
  scratch = g_build_filename (scratch_dir, "index.db", NULL);
  if (sqlite3_open_v2 (scratch, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                       NULL) != SQLITE_OK)
    g_error ("%s: %s", scratch, sqlite3_errmsg (db));
  exec_or_die (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");

  /* The rows the writer reads, and the covering index that 'rebuild'
   * would scan. */
  source_uri = g_strdup_printf ("file:%s?mode=ro", path);
  attach = sqlite3_mprintf ("ATTACH %Q AS source", source_uri);
  exec_or_die (db, attach);
  sqlite3_free (attach);
  exec_or_die (db,
               "CREATE TABLE messages (rowid INTEGER PRIMARY KEY, id TEXT, recipient TEXT,"
               " sender_id TEXT, message TEXT, created_at INTEGER)");
  copy = g_strdup_printf ("INSERT INTO messages SELECT rowid, id, recipient, sender_id, message, created_at"
                          " FROM source.messages ORDER BY rowid LIMIT %d", n_messages);
  exec_or_die (db, copy);
  exec_or_die (db, "DETACH source");
  exec_or_die (db, "CREATE INDEX messages_recipient ON messages (recipient, created_at)");
  n = query_int (db, "SELECT coalesce (max (rowid), 0) FROM messages");
  if (n != query_int (db, "SELECT count (*) FROM messages"))
    g_error ("The rowids of %s are not 1..N", path);

  g_print ("%" G_GINT64_FORMAT " messages of %s in groups of %d, %d runs (CPU time of this process)\n",
           n, path, group, n_runs);
  g_print ("%-36s %12s %19s %10s\n", "index", "median µs/msg", "min–max µs/msg", "size MB");
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
      gint64 bytes = 0;
      double median, lo, hi;

      for (int r = 0; r < n_runs; r++)
        {
          double us = fill_in_groups (db, &forms[i], n, &bytes) / n * 1e6;

          g_array_append_val (values, us);
        }
      median = bench_median (values);
      bench_min_max (values, &lo, &hi);
      g_print ("%-36s %12.2f %9.2f–%-9.2f %10.1f\n", forms[i].name, median, lo, hi, bytes / 1e6);
    }

  g_print ("schema 6 index, every row in one statement: %.2f s in rowid order, "
           "%.2f s in recipient order (as 'rebuild' reads them)\n",
           fill_at_once (db, "SELECT rowid, recipient FROM messages ORDER BY rowid"),
           fill_at_once (db, "SELECT rowid, recipient FROM messages INDEXED BY messages_recipient"));

  load = bench_dup_load_average ();
  g_print ("Ran with the %s\n", load);

  sqlite3_close (db);
  g_unlink (scratch);
  for (const char *suffix = "-wal"; suffix != NULL; suffix = g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *side = g_strconcat (scratch, suffix, NULL);

      g_unlink (side);
    }
  g_rmdir (scratch_dir);

  return 0;
}
