/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-db.c: SQLite helpers and the read pool (see sr-cache-db.h).
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>

#include "sr-cache-db.h"

/* Idle read connections kept open; more are opened when several threads read
 * at once and closed again when they come back. */
#define MAX_IDLE_READERS 4

/* Stops the query after this many VM steps to look at the cancellable. */
#define PROGRESS_STEPS 4096

struct _SrCacheReadPool
{
  char      *path;
  gboolean   immutable; /* opened with immutable=1: no -wal, no -shm */
  GMutex     lock;
  GPtrArray *idle;      /* (owned) sqlite3 */
  gboolean   closed;
};

/* --- the main-thread check ---------------------------------------------- */

static GPrivate allowed_reads;   /* depth of sr_cache_db_allow_main_thread_reads () */

/* With SR_CHECK_READ_THREAD=1 (the UI tests set it), a read by the thread
 * that is running the default main context is a critical: the app reads
 * only on workers. The CLI and the tests' own code, which do not read from
 * inside a main-loop dispatch, are not affected. */
static void
check_read_thread (void)
{
  static gsize enabled = 0;

  if (g_once_init_enter (&enabled))
    g_once_init_leave (&enabled, g_strcmp0 (g_getenv ("SR_CHECK_READ_THREAD"), "1") == 0 ? 2 : 1);

  if (enabled == 2 &&
      GPOINTER_TO_UINT (g_private_get (&allowed_reads)) == 0 &&
      g_main_context_is_owner (g_main_context_default ()))
    {
      g_critical ("A cache read on the main thread while it runs the main loop");
    }
}

void
sr_cache_db_allow_main_thread_reads (gboolean allow)
{
  guint depth = GPOINTER_TO_UINT (g_private_get (&allowed_reads));

  g_assert (allow || depth > 0);
  g_private_set (&allowed_reads, GUINT_TO_POINTER (allow ? depth + 1 : depth - 1));
}

/* --- helpers -------------------------------------------------------------- */

void
sr_db_set_error (GError     **error,
                 sqlite3     *db,
                 int          rc,
                 const char  *what)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  int primary = rc & 0xff;

  /* An I/O error because the disk is full (a -shm that cannot grow, a write
   * SQLite did not classify) is a full disk to the person too. */
  if (primary == SQLITE_IOERR && db != NULL && sqlite3_system_errno (db) == ENOSPC)
    primary = SQLITE_FULL;

  switch (primary)
    {
    case SQLITE_INTERRUPT:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("Operation was cancelled"));
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT,
                   _("The report cache is damaged: %s"), message);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_BUSY, "%s: %s", what, message);
      break;

    case SQLITE_FULL:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL, "%s: %s", what, message);
      break;

    case SQLITE_READONLY:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_READ_ONLY, "%s: %s", what, message);
      break;

    default:
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_SQLITE,
                   "%s: %s", what, message);
      break;
    }
}

gboolean
sr_db_exec (sqlite3     *db,
            const char  *sql,
            GError     **error)
{
  int rc;

  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      sr_db_set_error (error, db, rc, "exec");
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_db_prepare (sqlite3       *db,
               const char    *sql,
               sqlite3_stmt **out_stmt,
               GError       **error)
{
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, out_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sr_db_set_error (error, db, rc, "prepare");
      return FALSE;
    }

  return TRUE;
}

gboolean
sr_db_get_int64 (sqlite3     *db,
                 const char  *sql,
                 gint64      *out_value,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!sr_db_prepare (db, sql, &stmt, error))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_value = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out_value = 0;
  else
    {
      sr_db_set_error (error, db, rc, "step");
      return FALSE;
    }

  return TRUE;
}

static int
progress_cb (void *user_data)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

void
sr_db_watch_cancellable (sqlite3      *db,
                         GCancellable *cancellable)
{
  if (cancellable != NULL)
    sqlite3_progress_handler (db, PROGRESS_STEPS, progress_cb, cancellable);
  else
    sqlite3_progress_handler (db, 0, NULL, NULL);
}

/* --- the read pool -------------------------------------------------------- */

char *
sr_db_dup_immutable_uri (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);

  return uri != NULL ? g_strconcat (uri, "?immutable=1", NULL) : NULL;
}

int
sr_db_open_read_only (const char  *path,
                      gboolean     immutable,
                      sqlite3    **out_db)
{
  g_autofree char *uri = immutable ? sr_db_dup_immutable_uri (path) : NULL;

  if (uri != NULL)
    return sqlite3_open_v2 (uri, out_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
  return sqlite3_open_v2 (path, out_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
}

SrCacheReadPool *
sr_cache_read_pool_new (const char *path,
                        gboolean    immutable)
{
  SrCacheReadPool *pool = g_new0 (SrCacheReadPool, 1);

  pool->path = g_strdup (path);
  pool->immutable = immutable;
  g_mutex_init (&pool->lock);
  pool->idle = g_ptr_array_new ();

  return pool;
}

sqlite3 *
sr_cache_read_pool_acquire (SrCacheReadPool  *pool,
                            GError          **error)
{
  sqlite3 *db = NULL;

  check_read_thread ();

  g_mutex_lock (&pool->lock);
  if (pool->closed)
    {
      g_mutex_unlock (&pool->lock);
      g_set_error_literal (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED,
                           _("The report cache is closed"));
      return NULL;
    }
  if (pool->idle->len > 0)
    db = g_ptr_array_steal_index (pool->idle, pool->idle->len - 1);
  g_mutex_unlock (&pool->lock);

  if (db != NULL)
    return db;

  return sr_cache_read_pool_open_new (pool, error);
}

sqlite3 *
sr_cache_read_pool_open_new (SrCacheReadPool  *pool,
                             GError          **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sr_db_open_read_only (pool->path, pool->immutable, &db);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot open the report cache “%s”: %s"), pool->path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, SR_DB_BUSY_TIMEOUT_MS);
  sqlite3_exec (db,
                "PRAGMA cache_size = -" G_STRINGIFY (SR_DB_READ_CACHE_KIB) ";"
                "PRAGMA mmap_size = 0",
                NULL, NULL, NULL);

  return db;
}

guint
sr_cache_read_pool_trim (SrCacheReadPool *pool)
{
  g_autoptr(GPtrArray) idle = NULL;

  g_mutex_lock (&pool->lock);
  idle = g_steal_pointer (&pool->idle);
  pool->idle = g_ptr_array_new ();
  g_mutex_unlock (&pool->lock);

  for (guint i = 0; i < idle->len; i++)
    sqlite3_close (idle->pdata[i]);

  return idle->len;
}

void
sr_cache_read_pool_release (SrCacheReadPool *pool,
                            sqlite3         *db)
{
  if (db == NULL)
    return;

  sr_db_watch_cancellable (db, NULL);

  g_mutex_lock (&pool->lock);
  if (!pool->closed && pool->idle->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (pool->idle, db);
      db = NULL;
    }
  g_mutex_unlock (&pool->lock);

  if (db != NULL)
    sqlite3_close (db);
}

void
sr_cache_read_pool_close (SrCacheReadPool *pool)
{
  g_mutex_lock (&pool->lock);
  pool->closed = TRUE;
  g_mutex_unlock (&pool->lock);

  sr_cache_read_pool_trim (pool);
}

void
sr_cache_read_pool_free (SrCacheReadPool *pool)
{
  if (pool == NULL)
    return;

  sr_cache_read_pool_close (pool);
  g_clear_pointer (&pool->idle, g_ptr_array_unref);
  g_mutex_clear (&pool->lock);
  g_free (pool->path);
  g_free (pool);
}
