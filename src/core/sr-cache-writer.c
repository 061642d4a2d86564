/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-writer.c: every write to the cache.
 *
 * One writer thread owns the write connection (like GNOME Software's
 * GsWorkerThread owns its context): every write is a GTask queued to it and
 * completed back in the caller's main context. Each write is atomic (a
 * savepoint); writes that were already waiting share one commit (group
 * commit), so a writer that falls behind a sync catches up. After a commit
 * that changed rows the writer schedules the owner's "changed" signal,
 * coalesced, in the main context that opened the cache.
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

#include "sr-cache-aggregates.h"
#include "sr-cache-private.h"
#include "sr-cache-schema.h"
#include "sr-cache-sql.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"

/* A group commit takes at most this many queued writes... */
#define MAX_GROUP_JOBS 64
/* ...and stops adding jobs once it holds this many records. */
#define MAX_GROUP_RECORDS 20000

/* The -wal is copied into the database (checkpointed) once it holds this
 * many pages (64 MB), by the checkpointer thread, so that the writer does
 * not wait for the two syncs of a checkpoint... */
#define CHECKPOINT_PAGES 16384
/* ...unless the checkpointer falls this far behind: then the writer
 * checkpoints itself, which bounds the -wal. */
#define CHECKPOINT_WRITER_PAGES (4 * CHECKPOINT_PAGES)
/* Each pass of the checkpointer also copies what the writer committed
 * during the pass before, so what the writer copies itself is small. */
#define CHECKPOINT_PASSES 2

/* The write connection's page cache, in KiB, and while it builds the
 * indexes a bulk load deferred. */
#define WRITE_CACHE_KIB 65536
#define BUILD_CACHE_KIB 262144
/* The file is mapped only while the indexes are built (SQLite's largest
 * map, just under 2 GB). */
#define BUILD_MMAP_SIZE 2147418112
#define BUILD_CACHE_SQL \
  "PRAGMA cache_size = -" G_STRINGIFY (BUILD_CACHE_KIB) ";" \
  "PRAGMA mmap_size = " G_STRINGIFY (BUILD_MMAP_SIZE) ";"
#define WRITE_CACHE_SQL \
  "PRAGMA cache_size = -" G_STRINGIFY (WRITE_CACHE_KIB) ";" \
  "PRAGMA mmap_size = 0;"

/* The phases of a group commit, for the bulk load's debug line. */
enum {
  PHASE_UPSERT,
  PHASE_FTS,
  PHASE_AGGREGATES,
  PHASE_COMMIT,
  N_PHASES
};

enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_SAVEPOINT,
  STMT_RELEASE,
  STMT_ROLLBACK_TO,
  STMT_UPSERT_MESSAGE,
  STMT_MAX_MESSAGE_ROWID,
  STMT_INDEX_NEW_MESSAGES,
  STMT_UNINDEX_OLD_TEXT,
  STMT_UPDATE_TEXT,
  STMT_INDEX_NEW_TEXT,
  STMT_INDEX_NEW_RECIPIENTS,
  STMT_UNINDEX_OLD_RECIPIENT,
  STMT_INDEX_NEW_RECIPIENT,
  STMT_UPSERT_CAMPAIGN,
  /* Without the unique id index (a bulk load): the hash table of known ids
   * decides, and rows are found by rowid. */
  STMT_HAS_ID_INDEX,
  STMT_DATA_VERSION,
  STMT_ALL_IDS,
  STMT_ID_OF_ROWID,
  STMT_INSERT_MESSAGE,
  STMT_UPDATE_MESSAGE,
  STMT_UNINDEX_OLD_TEXT_BY_ROWID,
  STMT_UNINDEX_OLD_RECIPIENT_BY_ROWID,
  STMT_UPDATE_TEXT_BY_ROWID,
  STMT_SET_STATE,
  STMT_DELETE_STATE,
  STMT_SET_BALANCE,
  STMT_SET_LAST_SYNC,
  N_STMTS
};

/* The ids of the messages in the file, without the unique id index: an
 * open-addressing table of 64-bit hashes and rowids (16 bytes a slot, at
 * most half full: 32 MB at a million messages, where a GHashTable of
 * strings took about three times that). A hash that matches is confirmed
 * by reading the row's id, so a collision can never merge two messages. */
typedef struct
{
  guint64 *hashes;   /* 0: an empty slot */
  gint64  *rowids;
  gsize    mask;     /* slots - 1 */
  gsize    n;
} KnownIds;

struct _SrCacheWriter
{
  char           *path;
  GObject        *owner;            /* (unowned) emits "changed" */
  guint           changed_signal;
  GMainContext   *context;          /* where "changed" is emitted (owned) */

  /* write_lock guards closed and the hand-off of jobs, so nothing is
   * queued behind the stop marker. */
  GMutex          write_lock;
  gboolean        closed;
  GThread        *writer_thread;    /* (owned) */
  GAsyncQueue    *write_queue;      /* (owned) GTask or &writer_stop */
  sqlite3        *write_db;         /* used by writer_thread only once it runs */
  sqlite3_stmt   *stmts[N_STMTS];
  /* The clean-shutdown mark was removed at open; put back at close unless
   * a write found the file damaged (then the next open checks it). */
  gboolean        marked_open;

  /* Messages up to this rowid are in the search index; those above it
   * were added by the running group and are indexed before its commit. */
  gint64          indexed_rowid;    /* writer thread only */

  /* Whether the unique id index (messages_id, schema 7) exists in the
   * running group. Without it (a bulk load deferred it, or it waits for room)
   * the writer keeps known_ids: every id in the file with its rowid, built
   * from the table when first needed and then kept with each insert. It is
   * dropped on any rollback and whenever another connection committed
   * (PRAGMA data_version), and built again from the table: it is never
   * trusted beyond what this connection wrote since reading the table. */
  gboolean        id_index;         /* writer thread only */
  KnownIds       *known_ids;        /* writer thread only (nullable) */
  gint64          known_ids_version;
  char           *upsert_message_sql; /* prepared when first needed */
  guint           known_ids_reads;  /* for the bulk load's debug line */
  gint64          known_ids_cpu;

  /* Deferred indexes that could not be built for lack of room wait for the
   * next commit (not while a bulk load defers them on purpose). Read from
   * any thread, hence atomic. */
  gboolean        bulk_loading;     /* writer thread only */
  gint            indexes_pending;  /* (atomic) */
  gint            no_space;         /* (atomic) */

  /* Where a bulk load's time goes (writer thread only), in µs of wall
   * clock and of this thread's CPU, logged when it ends: waiting for work,
   * then per phase of a group (PHASE_*). */
  gint64          time_idle;
  gint64          phase_wall[N_PHASES];
  gint64          phase_cpu[N_PHASES];
  guint           n_groups;

  /* The checkpointer: started by the first large -wal, it checkpoints on
   * its own connection while the writer goes on (see writer_wal_hook()). */
  GMutex          checkpoint_lock;
  GCond           checkpoint_cond;
  GThread        *checkpoint_thread; /* (owned) (nullable) */
  gboolean        checkpoint_wanted;  /* the writer asks for one */
  gboolean        checkpoint_busy;    /* the checkpointer copies */
  gboolean        checkpoint_done;    /* and is done: the writer catches up */
  gboolean        checkpoint_stop;

  /* "changed" is coalesced: the writer ORs flags in and schedules at most
   * one idle in context. */
  GMutex          changed_lock;
  SrCacheChanged  pending_changed;
  GSource        *changed_source;   /* (owned) */
};

static int writer_stop;

static void known_ids_free (KnownIds *known);

/* This thread's CPU time in µs. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

typedef enum {
  WRITE_UPSERT_MESSAGES,
  WRITE_UPSERT_CAMPAIGNS,
  WRITE_UPDATE_ACCOUNT,
  WRITE_SET_STATE,
  WRITE_SET_BULK_LOAD,
} WriteKind;

typedef struct
{
  WriteKind   kind;
  GPtrArray  *records;     /* (owned) SrMessage or SrCampaign */
  GHashTable *state;       /* (owned) (nullable) copy of the caller's */
  double      balance;
  char       *currency;
  gint64      synced_at;
  gboolean    bulk_load;

  GCancellable *cancellable; /* (owned) (nullable) */

  guint       n_new;
  guint       n_updated;
  GError     *error;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_clear_pointer (&job->records, g_ptr_array_unref);
  g_clear_pointer (&job->state, g_hash_table_unref);
  g_clear_pointer (&job->currency, g_free);
  g_clear_object (&job->cancellable);
  g_clear_error (&job->error);
  g_free (job);
}

/* --- opening and closing --------------------------------------------------- */

/* Builds the indexes a bulk load deferred, in one transaction. A full disk
 * is not an error: they stay pending (reads are only slower) and the next
 * commit tries again. */
static gboolean
writer_build_pending_indexes (SrCacheWriter  *self,
                              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 started_cpu = thread_cpu_time ();

  if (!sr_cache_schema_get_indexes_pending (self->write_db))
    {
      g_atomic_int_set (&self->indexes_pending, FALSE);
      g_atomic_int_set (&self->no_space, FALSE);
      return TRUE;
    }

  /* A larger cache while the indexes are built: CREATE INDEX sorts in
   * memory up to the cache's size and spills to temporary files beyond.
   * Each index reads the whole table once; mapped, those reads cost no
   * system call and no copy (writes still go through write(), so a full
   * disk is an error as before). */
  sqlite3_exec (self->write_db, BUILD_CACHE_SQL, NULL, NULL, NULL);
  if (sr_db_exec (self->write_db, "BEGIN IMMEDIATE", &local_error))
    {
      gboolean built = sr_cache_schema_restore_indexes (self->write_db, &local_error) &&
                       sr_db_exec (self->write_db, "COMMIT", &local_error);

      sqlite3_exec (self->write_db, WRITE_CACHE_SQL, NULL, NULL, NULL);
      if (built)
        {
          g_debug ("Deferred indexes built in %.2f s (CPU %.2f s)",
                   (g_get_monotonic_time () - started) / 1e6,
                   (thread_cpu_time () - started_cpu) / 1e6);
          g_atomic_int_set (&self->indexes_pending, FALSE);
          g_atomic_int_set (&self->no_space, FALSE);
          return TRUE;
        }
      if (sqlite3_get_autocommit (self->write_db) == 0)
        sqlite3_exec (self->write_db, "ROLLBACK", NULL, NULL, NULL);
    }
  sqlite3_exec (self->write_db, WRITE_CACHE_SQL, NULL, NULL, NULL);

  if (g_error_matches (local_error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL))
    {
      g_debug ("No room to build the deferred indexes: %s", local_error->message);
      g_atomic_int_set (&self->indexes_pending, TRUE);
      g_atomic_int_set (&self->no_space, TRUE);
      return TRUE;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* --- checkpoints ----------------------------------------------------------- */

/* A checkpoint copies the -wal into the database file and syncs both: on a
 * real disk a large part of a first sync was the writer waiting for those
 * syncs. The checkpointer thread does it on its own connection instead, while
 * the writer goes on appending to the -wal (WAL mode allows both at once).
 * Durability is the same: commits are in the -wal before anything is
 * copied, and a checkpoint syncs the -wal before it writes the database. */
static gpointer
checkpoint_thread_func (gpointer data)
{
  SrCacheWriter *self = data;
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, SR_DB_BUSY_TIMEOUT_MS);
      rc = sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    g_debug ("The checkpointer cannot open the cache: %s", sqlite3_errstr (rc));

  g_mutex_lock (&self->checkpoint_lock);
  for (;;)
    {
      while (!self->checkpoint_wanted && !self->checkpoint_stop)
        g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
      if (self->checkpoint_stop)
        break;
      self->checkpoint_wanted = FALSE;
      self->checkpoint_busy = TRUE;
      g_mutex_unlock (&self->checkpoint_lock);

      /* Without a connection the writer's own checkpoints (at
       * CHECKPOINT_WRITER_PAGES) keep the -wal bounded. */
      for (guint pass = 0; rc == SQLITE_OK && pass < CHECKPOINT_PASSES; pass++)
        {
          int log_pages = 0, done_pages = 0;
          int ckpt_rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                                   &log_pages, &done_pages);

          if (ckpt_rc != SQLITE_OK)
            {
              g_debug ("Checkpoint: %s", sqlite3_errmsg (db));
              break;
            }
          g_debug ("Checkpoint: %d of %d -wal pages in the database", done_pages, log_pages);
        }

      g_mutex_lock (&self->checkpoint_lock);
      self->checkpoint_busy = FALSE;
      self->checkpoint_done = TRUE;
    }
  g_mutex_unlock (&self->checkpoint_lock);

  sqlite3_close (db);
  return NULL;
}

/* Called on the writer's thread after each commit, with the pages in the
 * -wal (it replaces SQLite's automatic checkpoint).
 *
 * The -wal starts again from its beginning only when a write transaction
 * begins with every frame of it in the database. The writer keeps appending
 * while the checkpointer copies, so once the checkpointer is done the writer
 * copies what came meanwhile itself (the commits of that time, a small part:
 * the syncs of the bulk were the checkpointer's), and the next transaction
 * restarts the -wal. */
static int
writer_wal_hook (void       *data,
                 sqlite3    *db,
                 const char *name,
                 int         n_pages)
{
  SrCacheWriter *self = data;
  gboolean catch_up = FALSE;

  if (n_pages < CHECKPOINT_PAGES)
    return SQLITE_OK;

  g_mutex_lock (&self->checkpoint_lock);
  if (self->checkpoint_done)
    {
      self->checkpoint_done = FALSE;
      catch_up = TRUE;
    }
  else if (!self->checkpoint_busy && !self->checkpoint_wanted && !self->checkpoint_stop)
    {
      if (self->checkpoint_thread == NULL)
        self->checkpoint_thread = g_thread_try_new ("sr-cache-checkpoint", checkpoint_thread_func, self, NULL);
      if (self->checkpoint_thread != NULL)
        {
          self->checkpoint_wanted = TRUE;
          g_cond_signal (&self->checkpoint_cond);
        }
      else
        catch_up = TRUE;
    }
  g_mutex_unlock (&self->checkpoint_lock);

  /* Also when the checkpointer falls far behind: that bounds the -wal.
   * Errors (a full disk) leave the -wal as it is, as SQLite's automatic
   * checkpoint does; a later commit tries again. */
  if (catch_up || n_pages >= CHECKPOINT_WRITER_PAGES)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

  return SQLITE_OK;
}

static void
writer_stop_checkpointer (SrCacheWriter *self)
{
  GThread *thread;

  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_stop = TRUE;
  g_cond_signal (&self->checkpoint_cond);
  thread = g_steal_pointer (&self->checkpoint_thread);
  g_mutex_unlock (&self->checkpoint_lock);

  if (thread != NULL)
    g_thread_join (thread);
}

/* Text, sender and recipient are left alone by the upsert and written by
 * writer_update_text() with the search indexes. */
#define KEEP_MESSAGE_COLUMNS \
  ((G_GUINT64_CONSTANT (1) << MSG_COL_MESSAGE) | \
   (G_GUINT64_CONSTANT (1) << MSG_COL_SENDER_ID) | \
   (G_GUINT64_CONSTANT (1) << MSG_COL_RECIPIENT))

/* Without the unique id index: a plain INSERT binding column i to ?i like
 * the upsert... */
static char *
build_insert_message (void)
{
  GString *s = g_string_new ("INSERT INTO messages (");

  for (guint i = MSG_COL_ID; i < N_MSG_COLS; i++)
    g_string_append_printf (s, "%s%s", i > MSG_COL_ID ? ", " : "", sr_cache_message_columns[i]);
  g_string_append (s, ") VALUES (");
  for (guint i = MSG_COL_ID; i < N_MSG_COLS; i++)
    g_string_append_printf (s, "%s?%u", i > MSG_COL_ID ? ", " : "", i);
  g_string_append_c (s, ')');

  return g_string_free (s, FALSE);
}

/* ...and the upsert's update of a known row, by rowid (?N_MSG_COLS): the
 * same columns, and only when a value differs, so "changed" stays exact. */
static char *
build_update_message (guint64 keep)
{
  GString *s = g_string_new ("UPDATE messages SET ");
  gboolean first = TRUE;

  for (guint i = MSG_COL_ID + 1; i < N_MSG_COLS; i++)
    {
      if (keep & (G_GUINT64_CONSTANT (1) << i))
        continue;
      g_string_append_printf (s, "%s%s = ?%u", first ? "" : ", ", sr_cache_message_columns[i], i);
      first = FALSE;
    }
  g_string_append_printf (s, " WHERE rowid = ?%u AND id = ?%u AND (", (guint) N_MSG_COLS, (guint) MSG_COL_ID);
  for (guint i = MSG_COL_ID + 1; i < N_MSG_COLS; i++)
    g_string_append_printf (s, "%s%s IS NOT ?%u", i > MSG_COL_ID + 1 ? " OR " : "",
                            sr_cache_message_columns[i], i);
  g_string_append_c (s, ')');

  return g_string_free (s, FALSE);
}

static gboolean
writer_open (SrCacheWriter  *self,
             GError        **error)
{
  g_autofree char *upsert_message = NULL;
  g_autofree char *upsert_campaign = NULL;
  g_autofree char *insert_message = NULL;
  g_autofree char *update_message = NULL;
  const char *statements[N_STMTS] = { NULL, };
  gboolean ok;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->write_db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot open the report cache “%s”: %s"), self->path,
                   self->write_db != NULL ? sqlite3_errmsg (self->write_db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->write_db, TRUE);
  sqlite3_busy_timeout (self->write_db, SR_DB_BUSY_TIMEOUT_MS);

  if (!sr_cache_schema_register_functions (self->write_db, error))
    return FALSE;

  /* WAL: readers never block the writer and the other way round;
   * synchronous=NORMAL is durable across application crashes and, in WAL
   * mode, consistent across power loss (the last commits may be lost, and
   * the sync checkpoint goes back with them).
   *
   * A commit rewrites every index page it touched, and a checkpoint copies
   * the WAL into the database and syncs it; with a dozen indexes a page of
   * 1000 messages touches thousands of pages, so checkpointing every 64 MB
   * rather than every 4 MB (the default) halves the cost of a sync, as the
   * same hot pages are copied once instead of after every commit; the
   * checkpointer thread does it (writer_wal_hook() replaces the automatic
   * checkpoint, set here for the migrations). */
  if (!sr_db_exec (self->write_db,
                   "PRAGMA journal_mode = WAL;"
                   "PRAGMA synchronous = NORMAL;"
                   "PRAGMA wal_autocheckpoint = " G_STRINGIFY (CHECKPOINT_PAGES) ";"
                   /* Above the -wal's usual size (a checkpoint's worth and
                    * the commits during the checkpoint): cutting it back
                    * after every checkpoint cost a slow sync each time. */
                   "PRAGMA journal_size_limit = 134217728;"
                   "PRAGMA foreign_keys = OFF;"
                   "PRAGMA temp_store = MEMORY;"
                   "PRAGMA cache_size = -" G_STRINGIFY (WRITE_CACHE_KIB) ";"
                   "PRAGMA analysis_limit = 1000;"
                   /* Two helper threads for the sorter of CREATE INDEX:
                    * rebuilding the indexes a first sync deferred took 13 %
                    * less time (200,000 messages, a loaded 2-core machine). */
                   "PRAGMA threads = 2;",
                   error))
    return FALSE;

  /* A migration may copy the table and build its indexes (schema 7): with
   * the larger cache and the map of an index build (see
   * writer_build_pending_indexes()). */
  sqlite3_exec (self->write_db, BUILD_CACHE_SQL, NULL, NULL, NULL);
  ok = sr_cache_schema_migrate (self->write_db, error);
  sqlite3_exec (self->write_db, WRITE_CACHE_SQL, NULL, NULL, NULL);
  if (!ok)
    return FALSE;

  /* A bulk load that never finished (crash, kill, a full disk) left
   * indexes to build; without room for them the file opens all the same. */
  if (!writer_build_pending_indexes (self, error))
    return FALSE;

  if (!sr_cache_aggregates_open (self->write_db, error))
    return FALSE;

  /* From now on a crash leaves the file unmarked: checked at next open. */
  if (!sr_cache_schema_mark_open (self->write_db, error))
    return FALSE;
  self->marked_open = TRUE;

  sqlite3_wal_hook (self->write_db, writer_wal_hook, self);

  upsert_message = sr_sql_build_upsert ("messages", sr_cache_message_columns, N_MSG_COLS,
                                        KEEP_MESSAGE_COLUMNS);
  upsert_campaign = sr_sql_build_upsert ("campaigns", sr_cache_campaign_columns, N_CAM_COLS, 0);
  insert_message = build_insert_message ();
  update_message = build_update_message (KEEP_MESSAGE_COLUMNS);

  statements[STMT_BEGIN] = "BEGIN IMMEDIATE";
  statements[STMT_COMMIT] = "COMMIT";
  statements[STMT_ROLLBACK] = "ROLLBACK";
  statements[STMT_SAVEPOINT] = "SAVEPOINT sr_write";
  statements[STMT_RELEASE] = "RELEASE sr_write";
  statements[STMT_ROLLBACK_TO] = "ROLLBACK TO sr_write";
  statements[STMT_MAX_MESSAGE_ROWID] = "SELECT coalesce (max (rowid), 0) FROM messages";
  /* Rows are only ever appended (rowid is max + 1, no AUTOINCREMENT), so
   * the rows a write inserted are those above the largest rowid before it. */
  statements[STMT_INDEX_NEW_MESSAGES] =
    "INSERT INTO messages_fts (rowid, message, sender_id)"
    " SELECT rowid, message, sender_id FROM messages WHERE rowid > ?1";
  /* The recipient index (schema 6) the same way, in rowid order (FTS5
   * writes out its pending postings at every rowid lower than the one
   * before; the covering index messages_recipient would give them in
   * recipient order, see sr-cache-schema.c). */
  statements[STMT_INDEX_NEW_RECIPIENTS] =
    "INSERT INTO messages_recipient_fts (rowid, recipient)"
    " SELECT rowid, recipient FROM messages WHERE rowid > ?1 ORDER BY rowid";
  /* A text, sender or recipient that changed: out of the indexes with the
   * old words, written, into the indexes with the new ones. */
  statements[STMT_UNINDEX_OLD_TEXT] =
    "INSERT INTO messages_fts (messages_fts, rowid, message, sender_id)"
    " SELECT 'delete', rowid, message, sender_id FROM messages"
    " WHERE id = ?1 AND rowid <= ?4 AND (message IS NOT ?2 OR sender_id IS NOT ?3 OR recipient IS NOT ?5)";
  statements[STMT_UNINDEX_OLD_RECIPIENT] =
    "INSERT INTO messages_recipient_fts (messages_recipient_fts, rowid, recipient)"
    " SELECT 'delete', rowid, recipient FROM messages"
    " WHERE id = ?1 AND rowid <= ?4 AND (message IS NOT ?2 OR sender_id IS NOT ?3 OR recipient IS NOT ?5)";
  statements[STMT_UPDATE_TEXT] =
    "UPDATE messages SET message = ?2, sender_id = ?3, recipient = ?5"
    " WHERE id = ?1 AND (message IS NOT ?2 OR sender_id IS NOT ?3 OR recipient IS NOT ?5)"
    " RETURNING rowid";
  statements[STMT_INDEX_NEW_TEXT] =
    "INSERT INTO messages_fts (rowid, message, sender_id) VALUES (?1, ?2, ?3)";
  statements[STMT_INDEX_NEW_RECIPIENT] =
    "INSERT INTO messages_recipient_fts (rowid, recipient) VALUES (?1, ?2)";
  statements[STMT_UPSERT_CAMPAIGN] = upsert_campaign;
  statements[STMT_HAS_ID_INDEX] =
    "SELECT count (*) FROM sqlite_master WHERE type = 'index' AND name = 'messages_id'";
  statements[STMT_DATA_VERSION] = "PRAGMA data_version";
  statements[STMT_ALL_IDS] = "SELECT rowid, id FROM messages";
  statements[STMT_ID_OF_ROWID] = "SELECT id FROM messages WHERE rowid = ?1";
  statements[STMT_INSERT_MESSAGE] = insert_message;
  statements[STMT_UPDATE_MESSAGE] = update_message;
  statements[STMT_UNINDEX_OLD_TEXT_BY_ROWID] =
    "INSERT INTO messages_fts (messages_fts, rowid, message, sender_id)"
    " SELECT 'delete', rowid, message, sender_id FROM messages"
    " WHERE rowid = ?6 AND id = ?1 AND rowid <= ?4"
    " AND (message IS NOT ?2 OR sender_id IS NOT ?3 OR recipient IS NOT ?5)";
  statements[STMT_UNINDEX_OLD_RECIPIENT_BY_ROWID] =
    "INSERT INTO messages_recipient_fts (messages_recipient_fts, rowid, recipient)"
    " SELECT 'delete', rowid, recipient FROM messages"
    " WHERE rowid = ?6 AND id = ?1 AND rowid <= ?4"
    " AND (message IS NOT ?2 OR sender_id IS NOT ?3 OR recipient IS NOT ?5)";
  statements[STMT_UPDATE_TEXT_BY_ROWID] =
    "UPDATE messages SET message = ?2, sender_id = ?3, recipient = ?5"
    " WHERE rowid = ?6 AND id = ?1"
    " AND (message IS NOT ?2 OR sender_id IS NOT ?3 OR recipient IS NOT ?5)"
    " RETURNING rowid";
  statements[STMT_SET_STATE] =
    "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  statements[STMT_DELETE_STATE] = "DELETE FROM sync_state WHERE key = ?1";
  statements[STMT_SET_BALANCE] =
    "INSERT INTO account (id, balance, currency) VALUES (1, ?1, ?2)"
    " ON CONFLICT (id) DO UPDATE SET balance = excluded.balance,"
    " currency = coalesce (excluded.currency, currency)";
  statements[STMT_SET_LAST_SYNC] =
    "INSERT INTO account (id, last_sync) VALUES (1, ?1)"
    " ON CONFLICT (id) DO UPDATE SET last_sync = excluded.last_sync";

  /* The upsert names the unique id index (ON CONFLICT (id)), which a bulk
   * load that never finished may have left deferred: prepared when first
   * used with the index there (writer_prepare_upsert()). */
  self->upsert_message_sql = g_steal_pointer (&upsert_message);
  for (guint i = 0; i < N_STMTS; i++)
    {
      if (i == STMT_UPSERT_MESSAGE)
        continue;
      rc = sqlite3_prepare_v3 (self->write_db, statements[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        {
          sr_db_set_error (error, self->write_db, rc, "prepare");
          return FALSE;
        }
    }

  return TRUE;
}

static void
writer_close (SrCacheWriter *self)
{
  /* Its connection closes first: the writer's, the last one, then copies
   * what is left of the -wal and removes it. */
  writer_stop_checkpointer (self);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->known_ids, known_ids_free);
  g_clear_pointer (&self->upsert_message_sql, g_free);

  if (self->write_db != NULL)
    {
      /* Keeps the planner's statistics current after big syncs; cheap
       * thanks to analysis_limit. */
      sqlite3_exec (self->write_db, "PRAGMA optimize", NULL, NULL, NULL);
      if (self->marked_open)
        sr_cache_schema_mark_closed (self->write_db, NULL);
      sqlite3_close (self->write_db);
      self->write_db = NULL;
    }
}

/* --- "changed" ----------------------------------------------------------- */

/* What an idle of "changed" holds: the writer stays valid while the source
 * is pending (sr_cache_writer_free() destroys it), the owner may go away. */
typedef struct
{
  GWeakRef       owner;
  SrCacheWriter *writer;
} ChangedRef;

static void
changed_ref_free (gpointer data)
{
  ChangedRef *ref = data;

  g_weak_ref_clear (&ref->owner);
  g_free (ref);
}

static gboolean
emit_changed_cb (gpointer user_data)
{
  ChangedRef *ref = user_data;
  g_autoptr(GObject) owner = g_weak_ref_get (&ref->owner);
  SrCacheWriter *self = ref->writer;
  SrCacheChanged what;

  if (owner == NULL)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->changed_lock);
  what = self->pending_changed;
  self->pending_changed = 0;
  g_clear_pointer (&self->changed_source, g_source_unref);
  g_mutex_unlock (&self->changed_lock);

  if (what != 0)
    g_signal_emit (owner, self->changed_signal, 0, what);

  return G_SOURCE_REMOVE;
}

/* Called by the writer after a commit. */
static void
queue_changed (SrCacheWriter  *self,
               SrCacheChanged  what)
{
  if (what == 0)
    return;

  g_mutex_lock (&self->changed_lock);
  self->pending_changed |= what;
  if (self->changed_source == NULL)
    {
      ChangedRef *ref = g_new0 (ChangedRef, 1);

      g_weak_ref_init (&ref->owner, self->owner);
      ref->writer = self;
      self->changed_source = g_idle_source_new ();
      g_source_set_priority (self->changed_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->changed_source, "[sr-cache] changed");
      g_source_set_callback (self->changed_source, emit_changed_cb, ref, changed_ref_free);
      g_source_attach (self->changed_source, self->context);
    }
  g_mutex_unlock (&self->changed_lock);
}

/* --- the writer thread --------------------------------------------------- */

static gboolean
writer_step (SrCacheWriter  *self,
             guint           stmt_index,
             GError        **error)
{
  sqlite3_stmt *stmt = self->stmts[stmt_index];
  int rc;

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      sr_db_set_error (error, self->write_db, rc, "write");
      return FALSE;
    }

  return TRUE;
}

static gboolean
writer_write_state (SrCacheWriter  *self,
                    GHashTable     *state,
                    GError        **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (state == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, state);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint index = value != NULL ? STMT_SET_STATE : STMT_DELETE_STATE;

      sr_db_bind_text (self->stmts[index], 1, key);
      if (value != NULL)
        sr_db_bind_text (self->stmts[index], 2, value);
      if (!writer_step (self, index, error))
        return FALSE;
    }

  return TRUE;
}

/* --- known ids, while the unique id index is deferred ------------------------ */

static guint64
hash_id (const char *id)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  /* FNV-1a, then MurmurHash3's final mix to spread the low bits. */
  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (1099511628211);
    }
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;

  return h != 0 ? h : 1;
}

static KnownIds *
known_ids_new (gsize expected)
{
  KnownIds *known = g_new0 (KnownIds, 1);
  gsize slots = 1024;

  while (slots < expected * 2)
    slots *= 2;
  known->hashes = g_new0 (guint64, slots);
  known->rowids = g_new (gint64, slots);
  known->mask = slots - 1;

  return known;
}

static void
known_ids_free (KnownIds *known)
{
  g_free (known->hashes);
  g_free (known->rowids);
  g_free (known);
}

static void
known_ids_put (KnownIds *known,
               guint64   hash,
               gint64    rowid)
{
  gsize i = hash & known->mask;

  while (known->hashes[i] != 0)
    i = (i + 1) & known->mask;
  known->hashes[i] = hash;
  known->rowids[i] = rowid;
  known->n++;
}

static void
known_ids_add (KnownIds *known,
               guint64   hash,
               gint64    rowid)
{
  if ((known->n + 1) * 2 > known->mask + 1)
    {
      g_autofree guint64 *hashes = known->hashes;
      g_autofree gint64 *rowids = known->rowids;
      gsize slots = known->mask + 1;

      known->hashes = g_new0 (guint64, slots * 2);
      known->rowids = g_new (gint64, slots * 2);
      known->mask = slots * 2 - 1;
      known->n = 0;
      for (gsize i = 0; i < slots; i++)
        if (hashes[i] != 0)
          known_ids_put (known, hashes[i], rowids[i]);
    }
  known_ids_put (known, hash, rowid);
}

/* One row, one integer column, from a prepared statement of the writer. */
static gboolean
writer_get_int64 (SrCacheWriter  *self,
                  guint           which,
                  gint64         *out_value,
                  GError        **error)
{
  sqlite3_stmt *stmt = self->stmts[which];
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    *out_value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      sr_db_set_error (error, self->write_db, rc, "write");
      return FALSE;
    }

  return TRUE;
}

/* Drops the table of known ids; the next use reads them from the file. Any
 * rollback calls this: the rows it took back may still be in the table, and
 * their rowids are handed out again. */
static void
writer_forget_known_ids (SrCacheWriter *self)
{
  g_clear_pointer (&self->known_ids, known_ids_free);
}

/* Inside the group's transaction: reads every id of the file (a table scan,
 * about 0.3 s at a million rows; once per bulk load, and again only after a
 * rollback or another connection's commit). */
static gboolean
writer_ensure_known_ids (SrCacheWriter  *self,
                         GError        **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_ALL_IDS];
  gint64 started = thread_cpu_time ();
  KnownIds *known;
  int rc;

  if (self->known_ids != NULL)
    return TRUE;

  if (!writer_get_int64 (self, STMT_DATA_VERSION, &self->known_ids_version, error))
    return FALSE;

  known = known_ids_new ((gsize) MAX (self->indexed_rowid, 0));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    known_ids_add (known, hash_id ((const char *) sqlite3_column_text (stmt, 1)),
                   sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sr_db_set_error (error, self->write_db, rc, "write");
      known_ids_free (known);
      return FALSE;
    }

  self->known_ids = known;
  self->known_ids_reads++;
  self->known_ids_cpu += thread_cpu_time () - started;
  g_debug ("Without the unique id index: %" G_GSIZE_FORMAT " known ids read in %.2f s (CPU)",
           known->n, (thread_cpu_time () - started) / 1e6);

  return TRUE;
}

/* The rowid of the message with this id, or 0. Equal hashes are confirmed
 * by the row's id. */
static gboolean
writer_find_known_id (SrCacheWriter  *self,
                      const char     *id,
                      guint64         hash,
                      gint64         *out_rowid,
                      GError        **error)
{
  KnownIds *known = self->known_ids;
  sqlite3_stmt *stmt = self->stmts[STMT_ID_OF_ROWID];

  *out_rowid = 0;
  for (gsize i = hash & known->mask; known->hashes[i] != 0; i = (i + 1) & known->mask)
    {
      gboolean same;
      int rc;

      if (known->hashes[i] != hash)
        continue;

      sqlite3_bind_int64 (stmt, 1, known->rowids[i]);
      rc = sqlite3_step (stmt);
      same = rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), id) == 0;
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          sr_db_set_error (error, self->write_db, rc, "write");
          return FALSE;
        }
      if (same)
        {
          *out_rowid = known->rowids[i];
          return TRUE;
        }
    }

  return TRUE;
}

/* At the start of each group: is the unique id index there? When it is not,
 * the known ids are kept, and read again if another connection committed
 * since they were read (another process writing the same file). */
static gboolean
writer_check_id_index (SrCacheWriter  *self,
                       GError        **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_HAS_ID_INDEX];
  gint64 version = 0;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    self->id_index = sqlite3_column_int (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      sr_db_set_error (error, self->write_db, rc, "write");
      return FALSE;
    }

  if (self->id_index || self->known_ids == NULL)
    {
      writer_forget_known_ids (self);
      return TRUE;
    }

  if (!writer_get_int64 (self, STMT_DATA_VERSION, &version, error))
    return FALSE;
  if (version != self->known_ids_version)
    {
      g_debug ("Another connection wrote to the cache: reading the known ids again");
      writer_forget_known_ids (self);
    }

  return TRUE;
}

/* The rowids of the job's messages that existed before the group, for the
 * aggregates (sr_cache_aggregates_apply_ids() without the id index). */
static gboolean
writer_collect_known_rowids (SrCacheWriter  *self,
                             GPtrArray      *messages,
                             GArray        **out_rowids,
                             GError        **error)
{
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!writer_ensure_known_ids (self, error))
    return FALSE;

  for (guint i = 0; i < messages->len; i++)
    {
      SrMessage *message = g_ptr_array_index (messages, i);
      gint64 rowid;

      if (!sr_sql_is_set (message->id))
        continue;
      if (!writer_find_known_id (self, message->id, hash_id (message->id), &rowid, error))
        return FALSE;
      if (rowid > 0 && rowid <= self->indexed_rowid)
        g_array_append_val (rowids, rowid);
    }

  *out_rowids = g_steal_pointer (&rowids);
  return TRUE;
}

static gboolean
writer_prepare_upsert (SrCacheWriter  *self,
                       GError        **error)
{
  int rc;

  if (self->stmts[STMT_UPSERT_MESSAGE] != NULL)
    return TRUE;

  rc = sqlite3_prepare_v3 (self->write_db, self->upsert_message_sql, -1,
                           SQLITE_PREPARE_PERSISTENT, &self->stmts[STMT_UPSERT_MESSAGE], NULL);
  if (rc != SQLITE_OK)
    {
      sr_db_set_error (error, self->write_db, rc, "prepare");
      return FALSE;
    }

  return TRUE;
}

/* The upsert leaves text, sender and recipient alone (sr_sql_build_upsert()'s
 * keep); when an existing message's differ, they are written here, with the
 * search indexes. */
static gboolean
writer_update_text (SrCacheWriter  *self,
                    SrMessage      *message,
                    gint64          known_rowid,
                    GError        **error)
{
  /* By id with the unique id index, by rowid (known_rowid) without. */
  const guint by_id[] = { STMT_UNINDEX_OLD_TEXT, STMT_UNINDEX_OLD_RECIPIENT, STMT_UPDATE_TEXT };
  const guint by_rowid[] = { STMT_UNINDEX_OLD_TEXT_BY_ROWID, STMT_UNINDEX_OLD_RECIPIENT_BY_ROWID,
                             STMT_UPDATE_TEXT_BY_ROWID };
  const guint *bound = known_rowid > 0 ? by_rowid : by_id;
  sqlite3_stmt *update = self->stmts[bound[2]];
  sqlite3_stmt *index = self->stmts[STMT_INDEX_NEW_TEXT];
  sqlite3_stmt *index_recipient = self->stmts[STMT_INDEX_NEW_RECIPIENT];
  gint64 rowid = 0;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (by_id); i++)
    {
      sqlite3_stmt *stmt = self->stmts[bound[i]];

      sr_db_bind_text (stmt, 1, message->id);
      sr_db_bind_text (stmt, 2, message->message);
      sr_db_bind_text (stmt, 3, message->sender_id);
      sqlite3_bind_int64 (stmt, 4, self->indexed_rowid);
      sr_db_bind_text (stmt, 5, message->to);
      if (known_rowid > 0)
        sqlite3_bind_int64 (stmt, 6, known_rowid);
    }

  if (!writer_step (self, bound[0], error) ||
      !writer_step (self, bound[1], error))
    return FALSE;

  rc = sqlite3_step (update);
  if (rc == SQLITE_ROW)
    {
      rowid = sqlite3_column_int64 (update, 0);
      while (rc == SQLITE_ROW)
        rc = sqlite3_step (update);
    }
  sqlite3_reset (update);
  if (rc != SQLITE_DONE)
    {
      sr_db_set_error (error, self->write_db, rc, "write");
      return FALSE;
    }
  /* A row added in this group is indexed at its end, with its last text. */
  if (rowid == 0 || rowid > self->indexed_rowid)
    return TRUE;

  sqlite3_bind_int64 (index, 1, rowid);
  sr_db_bind_text (index, 2, message->message);
  sr_db_bind_text (index, 3, message->sender_id);
  sqlite3_bind_int64 (index_recipient, 1, rowid);
  sr_db_bind_text (index_recipient, 2, message->to);

  return writer_step (self, STMT_INDEX_NEW_TEXT, error) &&
         writer_step (self, STMT_INDEX_NEW_RECIPIENT, error);
}

/* Upserts records keyed by id; returns how many rows were inserted or
 * really modified. Whether a row is new is read from last_insert_rowid(),
 * which only the INSERT branch of an upsert sets: no extra lookup by id. */
/* Without the unique id index (a bulk load deferred it): the known ids tell
 * an insert from an update, which finds its row by rowid. */
static gboolean
writer_upsert_known (SrCacheWriter  *self,
                     WriteJob       *job,
                     guint          *out_modified,
                     GError        **error)
{
  sqlite3_stmt *insert = self->stmts[STMT_INSERT_MESSAGE];
  sqlite3_stmt *update = self->stmts[STMT_UPDATE_MESSAGE];
  guint modified = 0;

  if (!writer_ensure_known_ids (self, error))
    return FALSE;

  for (guint i = 0; i < job->records->len; i++)
    {
      SrMessage *message = g_ptr_array_index (job->records, i);
      guint64 hash;
      gint64 rowid;

      if (!sr_sql_is_set (message->id))
        {
          g_debug ("Skipping a record without id");
          continue;
        }

      hash = hash_id (message->id);
      if (!writer_find_known_id (self, message->id, hash, &rowid, error))
        return FALSE;

      if (rowid == 0)
        {
          sr_sql_bind_message (insert, message);
          if (!writer_step (self, STMT_INSERT_MESSAGE, error))
            return FALSE;
          known_ids_add (self->known_ids, hash, sqlite3_last_insert_rowid (self->write_db));
          job->n_new++;
          modified++;
          continue;
        }

      sr_sql_bind_message (update, message);
      sqlite3_bind_int64 (update, N_MSG_COLS, rowid);
      if (!writer_step (self, STMT_UPDATE_MESSAGE, error))
        return FALSE;
      job->n_updated++;
      if (sqlite3_changes (self->write_db) > 0)
        {
          modified++;
          if (!writer_update_text (self, message, rowid, error))
            return FALSE;
        }
    }

  *out_modified = modified;
  return TRUE;
}

static gboolean
writer_upsert (SrCacheWriter  *self,
               WriteJob       *job,
               guint           upsert_index,
               guint          *out_modified,
               GError        **error)
{
  sqlite3_stmt *upsert;
  guint modified = 0;

  if (upsert_index == STMT_UPSERT_MESSAGE)
    {
      if (!self->id_index)
        return writer_upsert_known (self, job, out_modified, error);
      if (!writer_prepare_upsert (self, error))
        return FALSE;
    }
  upsert = self->stmts[upsert_index];

  for (guint i = 0; i < job->records->len; i++)
    {
      gpointer record = g_ptr_array_index (job->records, i);
      const char *id;

      if (job->kind == WRITE_UPSERT_MESSAGES)
        id = ((SrMessage *) record)->id;
      else
        id = ((SrCampaign *) record)->id;

      if (!sr_sql_is_set (id))
        {
          g_debug ("Skipping a record without id");
          continue;
        }

      if (job->kind == WRITE_UPSERT_MESSAGES)
        sr_sql_bind_message (upsert, record);
      else
        sr_sql_bind_campaign (upsert, record);

      sqlite3_set_last_insert_rowid (self->write_db, 0);
      if (!writer_step (self, upsert_index, error))
        return FALSE;

      if (sqlite3_last_insert_rowid (self->write_db) != 0)
        {
          job->n_new++;
          modified++;
        }
      else
        {
          job->n_updated++;
          if (sqlite3_changes (self->write_db) > 0)
            {
              modified++;
              if (job->kind == WRITE_UPSERT_MESSAGES && !writer_update_text (self, record, 0, error))
                return FALSE;
            }
        }
    }

  *out_modified = modified;
  return TRUE;
}

static gboolean
writer_update_account (SrCacheWriter  *self,
                       WriteJob       *job,
                       gboolean       *out_modified,
                       GError        **error)
{
  *out_modified = FALSE;

  if (job->balance >= 0)
    {
      sqlite3_bind_double (self->stmts[STMT_SET_BALANCE], 1, job->balance);
      sr_db_bind_text (self->stmts[STMT_SET_BALANCE], 2, job->currency);
      if (!writer_step (self, STMT_SET_BALANCE, error))
        return FALSE;
      *out_modified = TRUE;
    }

  if (job->synced_at != SR_TIME_NONE)
    {
      sqlite3_bind_int64 (self->stmts[STMT_SET_LAST_SYNC], 1, job->synced_at);
      if (!writer_step (self, STMT_SET_LAST_SYNC, error))
        return FALSE;
      *out_modified = TRUE;
    }

  return TRUE;
}

/* Runs one job inside the current transaction, in its own savepoint so that
 * it is all or nothing even when it shares the transaction with others. */
static SrCacheChanged
writer_run_job (SrCacheWriter *self,
                WriteJob      *job)
{
  SrCacheChanged changed = 0;
  guint modified = 0;
  gboolean account_modified = FALSE;
  gboolean ok = FALSE;

  /* A write that was cancelled before it started is not done; once
   * started it runs to its commit, which is then reported as such. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return 0;

  if (!writer_step (self, STMT_SAVEPOINT, &job->error))
    return 0;

  switch (job->kind)
    {
    case WRITE_UPSERT_MESSAGES:
      /* The messages and the state (the sync checkpoint) commit together
       * or not at all. */
      /* The Dashboard's aggregates: existing rows out, upserts, back in. */
      if (self->id_index)
        {
          gboolean existing = FALSE;

          ok = sr_cache_aggregates_apply_ids (self->write_db, job->records, self->indexed_rowid,
                                              -1, &existing, &job->error) &&
               writer_upsert (self, job, STMT_UPSERT_MESSAGE, &modified, &job->error) &&
               (!existing ||
                sr_cache_aggregates_apply_ids (self->write_db, job->records, self->indexed_rowid,
                                               1, NULL, &job->error)) &&
               writer_write_state (self, job->state, &job->error);
        }
      else
        {
          /* Without the id index the rows are found by rowid. */
          g_autoptr(GArray) existing = NULL;

          ok = writer_collect_known_rowids (self, job->records, &existing, &job->error) &&
               sr_cache_aggregates_apply_rowids (self->write_db, existing, -1, &job->error) &&
               writer_upsert (self, job, STMT_UPSERT_MESSAGE, &modified, &job->error) &&
               sr_cache_aggregates_apply_rowids (self->write_db, existing, 1, &job->error) &&
               writer_write_state (self, job->state, &job->error);
        }
      if (modified > 0)
        changed |= SR_CACHE_CHANGED_MESSAGES;
      break;

    case WRITE_UPSERT_CAMPAIGNS:
      ok = writer_upsert (self, job, STMT_UPSERT_CAMPAIGN, &modified, &job->error);
      if (modified > 0)
        changed |= SR_CACHE_CHANGED_CAMPAIGNS;
      break;

    case WRITE_UPDATE_ACCOUNT:
      ok = writer_update_account (self, job, &account_modified, &job->error);
      if (account_modified)
        changed |= SR_CACHE_CHANGED_ACCOUNT;
      break;

    case WRITE_SET_STATE:
      ok = writer_write_state (self, job->state, &job->error);
      break;

    case WRITE_SET_BULK_LOAD:
      /* The rebuild runs after the group's commit, in its own transaction,
       * so that a full disk only leaves the indexes pending. */
      if (self->bulk_loading && !job->bulk_load)
        g_debug ("Bulk load: %u commits; waiting for work %.2f s; upserts %.2f s (CPU %.2f s),"
                 " search indexes %.2f s (CPU %.2f s), aggregates %.2f s (CPU %.2f s),"
                 " commits %.2f s (CPU %.2f s); known ids read %u times (CPU %.2f s)",
                 self->n_groups, self->time_idle / 1e6,
                 self->phase_wall[PHASE_UPSERT] / 1e6, self->phase_cpu[PHASE_UPSERT] / 1e6,
                 self->phase_wall[PHASE_FTS] / 1e6, self->phase_cpu[PHASE_FTS] / 1e6,
                 self->phase_wall[PHASE_AGGREGATES] / 1e6, self->phase_cpu[PHASE_AGGREGATES] / 1e6,
                 self->phase_wall[PHASE_COMMIT] / 1e6, self->phase_cpu[PHASE_COMMIT] / 1e6,
                 self->known_ids_reads, self->known_ids_cpu / 1e6);
      self->bulk_loading = job->bulk_load;
      self->time_idle = 0;
      memset (self->phase_wall, 0, sizeof self->phase_wall);
      memset (self->phase_cpu, 0, sizeof self->phase_cpu);
      self->n_groups = 0;
      self->known_ids_reads = 0;
      self->known_ids_cpu = 0;
      if (job->bulk_load)
        {
          ok = sr_cache_schema_defer_indexes (self->write_db, &job->error);
          g_atomic_int_set (&self->indexes_pending, FALSE);
        }
      else
        {
          ok = TRUE;
          g_atomic_int_set (&self->indexes_pending, TRUE);
          /* The unique id index is built after this group: its memory
           * (32 MB at a million messages) need not wait for a next write.
           * Should the build fail, the next group reads the ids again. */
          writer_forget_known_ids (self);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  /* Do not keep pointers into the job's records in the statements. */
  for (guint i = 0; i < N_STMTS; i++)
    if (self->stmts[i] != NULL)
      sqlite3_clear_bindings (self->stmts[i]);

  if (ok && writer_step (self, STMT_RELEASE, &job->error))
    return changed;

  job->n_new = 0;
  job->n_updated = 0;
  writer_forget_known_ids (self);
  writer_step (self, STMT_ROLLBACK_TO, NULL);
  writer_step (self, STMT_RELEASE, NULL);

  return 0;
}

/* Group commit: the jobs that were waiting together share one transaction
 * (each still atomic in its savepoint), so a writer that falls behind its
 * producers catches up instead of paying one commit (and the rewrite of
 * every touched index page) per call. */
static void
writer_run_group (SrCacheWriter *self,
                  GPtrArray     *tasks)
{
  SrCacheChanged changed = 0;
  g_autoptr(GError) error = NULL;
  guint n_new_messages = 0;
  gint64 wall[N_PHASES + 1], cpu[N_PHASES + 1];

  wall[PHASE_UPSERT] = g_get_monotonic_time ();
  cpu[PHASE_UPSERT] = thread_cpu_time ();

  if (writer_step (self, STMT_BEGIN, &error) &&
      writer_get_int64 (self, STMT_MAX_MESSAGE_ROWID, &self->indexed_rowid, &error) &&
      writer_check_id_index (self, &error))
    {
      for (guint i = 0; i < tasks->len && error == NULL; i++)
        {
          WriteJob *job = g_task_get_task_data (g_ptr_array_index (tasks, i));

          changed |= writer_run_job (self, job);
          if (job->kind == WRITE_UPSERT_MESSAGES)
            n_new_messages += job->n_new;

          /* Some errors (disk full, I/O) make SQLite roll back the whole
           * transaction: then nothing of the group is written. */
          if (sqlite3_get_autocommit (self->write_db))
            {
              if (job->error != NULL)
                error = g_error_copy (job->error);
              else
                g_set_error_literal (&error, SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE,
                                     "transaction rolled back");
            }
        }

      wall[PHASE_FTS] = g_get_monotonic_time ();
      cpu[PHASE_FTS] = thread_cpu_time ();
      /* The search index takes the group's new messages in one statement,
       * after every upsert (see sr-cache-schema.c, version 4). */
      if (error == NULL && n_new_messages > 0)
        {
          sqlite3_bind_int64 (self->stmts[STMT_INDEX_NEW_MESSAGES], 1, self->indexed_rowid);
          sqlite3_bind_int64 (self->stmts[STMT_INDEX_NEW_RECIPIENTS], 1, self->indexed_rowid);
          if (writer_step (self, STMT_INDEX_NEW_MESSAGES, &error))
            writer_step (self, STMT_INDEX_NEW_RECIPIENTS, &error);
        }
      wall[PHASE_AGGREGATES] = g_get_monotonic_time ();
      cpu[PHASE_AGGREGATES] = thread_cpu_time ();
      if (error == NULL && n_new_messages > 0)
        sr_cache_aggregates_add_new (self->write_db, self->indexed_rowid, &error);
      wall[PHASE_COMMIT] = g_get_monotonic_time ();
      cpu[PHASE_COMMIT] = thread_cpu_time ();

      if (error == NULL && writer_step (self, STMT_COMMIT, &error))
        {
          g_autoptr(GError) index_error = NULL;

          wall[N_PHASES] = g_get_monotonic_time ();
          cpu[N_PHASES] = thread_cpu_time ();
          for (guint i = 0; i < N_PHASES; i++)
            {
              self->phase_wall[i] += wall[i + 1] - wall[i];
              self->phase_cpu[i] += cpu[i + 1] - cpu[i];
            }
          self->n_groups++;

          if (!g_atomic_int_get (&self->indexes_pending))
            g_atomic_int_set (&self->no_space, FALSE);
          else if (!self->bulk_loading &&
                   !writer_build_pending_indexes (self, &index_error))
            {
              /* The data is committed; the end of a bulk load reports it. */
              g_debug ("Could not build the deferred indexes: %s", index_error->message);
              for (guint i = 0; i < tasks->len; i++)
                {
                  WriteJob *job = g_task_get_task_data (g_ptr_array_index (tasks, i));

                  if (job->kind == WRITE_SET_BULK_LOAD && !job->bulk_load && job->error == NULL)
                    job->error = g_error_copy (index_error);
                }
            }
          queue_changed (self, changed);
          return;
        }

      if (sqlite3_get_autocommit (self->write_db) == 0)
        writer_step (self, STMT_ROLLBACK, NULL);
    }
  writer_forget_known_ids (self);

  if (g_error_matches (error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL))
    g_atomic_int_set (&self->no_space, TRUE);

  for (guint i = 0; i < tasks->len; i++)
    {
      WriteJob *job = g_task_get_task_data (g_ptr_array_index (tasks, i));

      if (g_error_matches (job->error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT) ||
          g_error_matches (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT))
        self->marked_open = FALSE;
      job->n_new = 0;
      job->n_updated = 0;
      if (job->error == NULL)
        job->error = g_error_copy (error);
    }
}

static gboolean
complete_write_cb (gpointer user_data)
{
  GTask *task = user_data;
  WriteJob *job = g_task_get_task_data (task);

  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

static gpointer
writer_thread_func (gpointer data)
{
  SrCacheWriter *self = data;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      gint64 waited = g_get_monotonic_time ();
      gpointer item = g_async_queue_pop (self->write_queue);
      guint n_records = 0;

      self->time_idle += g_get_monotonic_time () - waited;

      while (item != NULL)
        {
          WriteJob *job;

          if (item == &writer_stop)
            {
              stop = TRUE;
              break;
            }

          job = g_task_get_task_data (item);

          /* Deferring or building the indexes commits on its own: a full
           * disk in the pages around it must not undo it. */
          if (job->kind == WRITE_SET_BULK_LOAD && tasks->len > 0)
            {
              g_async_queue_push_front (self->write_queue, item);
              break;
            }

          n_records += job->records != NULL ? job->records->len : 1;
          g_ptr_array_add (tasks, item);

          if (job->kind == WRITE_SET_BULK_LOAD ||
              tasks->len >= MAX_GROUP_JOBS || n_records >= MAX_GROUP_RECORDS)
            break;
          item = g_async_queue_try_pop (self->write_queue);
        }

      if (tasks->len == 0)
        continue;

      writer_run_group (self, tasks);

      /* Complete, and drop our reference, in each caller's context: the
       * last reference to a task (and so to self) must never go away here,
       * where disposing self would have to join this very thread. */
      for (guint i = 0; i < tasks->len; i++)
        {
          GTask *task = g_ptr_array_index (tasks, i);
          GSource *source = g_idle_source_new ();

          g_source_set_static_name (source, "[sr-cache] write done");
          /* Default priority, like any I/O completion: at idle priority a
           * busy redraw (spinners, progress) would starve the sync. */
          g_source_set_priority (source, G_PRIORITY_DEFAULT);
          g_source_set_callback (source, complete_write_cb, task, g_object_unref);
          g_source_attach (source, g_task_get_context (task));
          g_source_unref (source);
        }
      g_ptr_array_set_size (tasks, 0);
    }

  return NULL;
}

static void
writer_queue (SrCacheWriter *self,
              GTask         *task)
{
  /* NULL once the owner is disposed. */
  if (self != NULL)
    {
      g_mutex_lock (&self->write_lock);
      if (!self->closed && self->writer_thread != NULL)
        {
          g_async_queue_push (self->write_queue, task);
          task = NULL;
        }
      g_mutex_unlock (&self->write_lock);
    }

  if (task != NULL)
    {
      g_task_return_new_error (task, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED,
                               _("The report cache is closed"));
      g_object_unref (task);
    }
}

static void
queue_job (SrCache             *self,
           WriteJob            *job,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[sr-cache] write");
  /* A committed write must be reported as committed, even when the
   * cancellable fires meanwhile. */
  g_task_set_check_cancellable (task, FALSE);
  g_set_object (&job->cancellable, cancellable);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);

  if (self->read_only)
    {
      g_task_return_new_error (task, SR_CACHE_ERROR, SR_CACHE_ERROR_READ_ONLY,
                               _("The report cache “%s” is open for viewing only"), self->path);
      g_object_unref (task);
      return;
    }

  writer_queue (self->writer, task);
}

static GHashTable *
copy_state (GHashTable *state)
{
  GHashTable *copy;
  GHashTableIter iter;
  gpointer key, value;

  if (state == NULL)
    return NULL;

  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, state);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));

  return copy;
}

static gpointer
copy_object (gconstpointer src,
             gpointer      data)
{
  return g_object_ref ((gpointer) src);
}

/* --- the writer's life ------------------------------------------------------ */

SrCacheWriter *
sr_cache_writer_open (const char  *path,
                      GObject     *owner,
                      guint        changed_signal,
                      GMainContext *context,
                      GError     **error)
{
  SrCacheWriter *self;

  g_assert (context != NULL);

  self = g_new0 (SrCacheWriter, 1);
  self->path = g_strdup (path);
  self->owner = owner;
  self->changed_signal = changed_signal;
  self->context = g_main_context_ref (context);
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->changed_lock);
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
  self->write_queue = g_async_queue_new ();

  if (!writer_open (self, error))
    {
      sr_cache_writer_free (self);
      return NULL;
    }

  self->writer_thread = g_thread_try_new ("sr-cache-writer", writer_thread_func, self, error);
  if (self->writer_thread == NULL)
    {
      sr_cache_writer_free (self);
      return NULL;
    }

  return self;
}

gboolean
sr_cache_writer_get_indexes_pending (SrCacheWriter *self)
{
  return g_atomic_int_get (&self->indexes_pending);
}

gboolean
sr_cache_writer_get_no_space (SrCacheWriter *self)
{
  return g_atomic_int_get (&self->no_space);
}

void
sr_cache_writer_close (SrCacheWriter *self)
{
  GThread *thread;

  g_mutex_lock (&self->write_lock);
  self->closed = TRUE;
  thread = g_steal_pointer (&self->writer_thread);
  if (thread != NULL)
    g_async_queue_push (self->write_queue, &writer_stop);
  g_mutex_unlock (&self->write_lock);

  /* Everything queued before the stop marker is written first. */
  if (thread != NULL)
    {
      g_assert (thread != g_thread_self ());
      g_thread_join (thread);
    }

  writer_close (self);
}

void
sr_cache_writer_free (SrCacheWriter *self)
{
  if (self == NULL)
    return;

  sr_cache_writer_close (self);

  g_mutex_lock (&self->changed_lock);
  if (self->changed_source != NULL)
    {
      g_source_destroy (self->changed_source);
      g_clear_pointer (&self->changed_source, g_source_unref);
    }
  g_mutex_unlock (&self->changed_lock);

  g_clear_pointer (&self->write_queue, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->write_lock);
  g_mutex_clear (&self->changed_lock);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_free (self->path);
  g_free (self);
}

/* --- public: writes ------------------------------------------------------- */

void
sr_cache_upsert_messages_async (SrCache             *self,
                                GPtrArray           *messages,
                                GHashTable          *state,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_UPSERT_MESSAGES;
  job->records = g_ptr_array_copy (messages, copy_object, NULL);
  g_ptr_array_set_free_func (job->records, g_object_unref);
  job->state = copy_state (state);

  queue_job (self, job, sr_cache_upsert_messages_async, cancellable, callback, user_data);
}

static gboolean
finish_upsert (SrCache       *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               guint         *out_new,
               guint         *out_updated,
               GError       **error)
{
  WriteJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (out_new != NULL)
    *out_new = 0;
  if (out_updated != NULL)
    *out_updated = 0;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (out_new != NULL)
    *out_new = job->n_new;
  if (out_updated != NULL)
    *out_updated = job->n_updated;

  return TRUE;
}

gboolean
sr_cache_upsert_messages_finish (SrCache       *self,
                                 GAsyncResult  *result,
                                 guint         *out_new,
                                 guint         *out_updated,
                                 GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  return finish_upsert (self, result, sr_cache_upsert_messages_async,
                        out_new, out_updated, error);
}

void
sr_cache_upsert_campaigns_async (SrCache             *self,
                                 GPtrArray           *campaigns,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (campaigns != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_UPSERT_CAMPAIGNS;
  job->records = g_ptr_array_copy (campaigns, copy_object, NULL);
  g_ptr_array_set_free_func (job->records, g_object_unref);

  queue_job (self, job, sr_cache_upsert_campaigns_async, cancellable, callback, user_data);
}

gboolean
sr_cache_upsert_campaigns_finish (SrCache       *self,
                                  GAsyncResult  *result,
                                  guint         *out_new,
                                  guint         *out_updated,
                                  GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  return finish_upsert (self, result, sr_cache_upsert_campaigns_async,
                        out_new, out_updated, error);
}

void
sr_cache_update_account_async (SrCache             *self,
                               double               balance,
                               const char          *currency,
                               gint64               synced_at,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_UPDATE_ACCOUNT;
  job->balance = balance;
  job->currency = g_strdup (currency);
  job->synced_at = synced_at;

  queue_job (self, job, sr_cache_update_account_async, cancellable, callback, user_data);
}

gboolean
sr_cache_update_account_finish (SrCache       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_update_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sr_cache_set_state_async (SrCache             *self,
                          GHashTable          *state,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (state != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_SET_STATE;
  job->state = copy_state (state);

  queue_job (self, job, sr_cache_set_state_async, cancellable, callback, user_data);
}

gboolean
sr_cache_set_state_finish (SrCache       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_set_state_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sr_cache_set_bulk_load_async (SrCache             *self,
                              gboolean             bulk_load,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  WriteJob *job;

  g_return_if_fail (SR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->kind = WRITE_SET_BULK_LOAD;
  job->bulk_load = !!bulk_load;

  queue_job (self, job, sr_cache_set_bulk_load_async, cancellable, callback, user_data);
}

gboolean
sr_cache_set_bulk_load_finish (SrCache       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_cache_set_bulk_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out_result = user_data;

  *out_result = g_object_ref (result);
}

/* The blocking writes run the same job on the writer thread and iterate a
 * private main context until it completes. */
gboolean
sr_cache_upsert_messages (SrCache     *self,
                          GPtrArray   *messages,
                          GHashTable  *state,
                          guint       *out_new,
                          guint       *out_updated,
                          GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  g_main_context_push_thread_default (context);
  sr_cache_upsert_messages_async (self, messages, state, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return sr_cache_upsert_messages_finish (self, result, out_new, out_updated, error);
}

gboolean
sr_cache_upsert_campaigns (SrCache    *self,
                           GPtrArray  *campaigns,
                           guint      *out_new,
                           guint      *out_updated,
                           GError    **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (campaigns != NULL, FALSE);

  g_main_context_push_thread_default (context);
  sr_cache_upsert_campaigns_async (self, campaigns, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return sr_cache_upsert_campaigns_finish (self, result, out_new, out_updated, error);
}
