/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-db.h: the bottom layer of the cache, private to it: small SQLite
 * helpers (errors as GError, one-shot statements, binding, cancellation)
 * and the pool of read-only connections. Knows nothing of SrCache, so every
 * other sr-cache-*.c file can build on it without an include circle.
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "sr-cache.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define SR_DB_BUSY_TIMEOUT_MS 10000

/* Only the whole-file check after an unclean shutdown maps the file (one
 * pass over every page, unmapped when its connection closes). The read pool
 * does not: every page a mapping touched stays resident (counted in the
 * app's RSS) for as long as the connection lives, and at a million
 * messages the pages of a few sorts are hundreds of MB. Its connections
 * read through a small page cache of their own (SR_DB_READ_CACHE_KIB each,
 * at most MAX_IDLE_READERS kept) and the kernel's file cache. */
#define SR_DB_READ_MMAP_SIZE 2147418112
#define SR_DB_READ_CACHE_KIB 8192

/* SQLITE_INTERRUPT becomes G_IO_ERROR_CANCELLED, a damaged file
 * SR_CACHE_ERROR_CORRUPT, a lock held too long SR_CACHE_ERROR_BUSY, a full
 * disk (SQLITE_FULL, or an I/O error with ENOSPC) SR_CACHE_ERROR_FULL, a
 * write refused SR_CACHE_ERROR_READ_ONLY, anything else
 * SR_CACHE_ERROR_SQLITE; the message starts with what. */
void      sr_db_set_error          (GError       **error,
                                    sqlite3       *db,
                                    int            rc,
                                    const char    *what);
gboolean  sr_db_exec               (sqlite3       *db,
                                    const char    *sql,
                                    GError       **error);
gboolean  sr_db_prepare            (sqlite3       *db,
                                    const char    *sql,
                                    sqlite3_stmt **out_stmt,
                                    GError       **error);
/* Runs a statement that returns at most one integer (0 when no row). */
gboolean  sr_db_get_int64          (sqlite3       *db,
                                    const char    *sql,
                                    gint64        *out_value,
                                    GError       **error);
/* Lets a long query stop with SQLITE_INTERRUPT when cancellable is
 * cancelled; pass NULL to remove the handler again. */
void      sr_db_watch_cancellable  (sqlite3       *db,
                                    GCancellable  *cancellable);

static inline void
sr_db_bind_text (sqlite3_stmt *stmt,
                 int           index,
                 const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

/* SR_TIME_NONE is stored as NULL. */
static inline void
sr_db_bind_time (sqlite3_stmt *stmt,
                 int           index,
                 gint64        value)
{
  if (value != SR_TIME_NONE)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

static inline char *
sr_db_column_dup_text (sqlite3_stmt *stmt,
                       int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* "file:///…/account.db?immutable=1": SQLite then reads the database file
 * alone, creating no -shm or -wal (which a read-only folder or a full disk
 * would refuse) and taking no locks. Changes still in a -wal file are not
 * seen. NULL if path cannot be made a URI. */
char     *sr_db_dup_immutable_uri  (const char    *path);
/* A read-only connection to path, with immutable=1 when asked. */
int       sr_db_open_read_only     (const char    *path,
                                    gboolean       immutable,
                                    sqlite3      **out_db);

/* --- the read pool --- */

/* The reads the sync still makes on its calling thread (a known debt, see
 * docs/ARCHITECTURE.md) are bracketed by TRUE and FALSE, so that the
 * SR_CHECK_READ_THREAD check of sr_cache_read_pool_acquire() lets them
 * pass. Nests; per thread. */
void             sr_cache_db_allow_main_thread_reads (gboolean allow);

/* A few idle read-only connections, guarded by a mutex so that any thread
 * may read; WAL lets them run while the writer commits, and a read running
 * in a thread never blocks one on the main thread. */
typedef struct _SrCacheReadPool SrCacheReadPool;

/* immutable: open every connection with immutable=1 (see above). */
SrCacheReadPool *sr_cache_read_pool_new     (const char       *path,
                                             gboolean          immutable);
/* A connection for this thread until released; SR_CACHE_ERROR_CLOSED once
 * the pool is closed. */
sqlite3         *sr_cache_read_pool_acquire (SrCacheReadPool  *pool,
                                             GError          **error);
/* A connection of the pool's kind that was never used: its caches are
 * empty. Close it with sqlite3_close(), it does not go back to the pool. */
sqlite3         *sr_cache_read_pool_open_new  (SrCacheReadPool  *pool,
                                               GError          **error);
void             sr_cache_read_pool_release (SrCacheReadPool  *pool,
                                             sqlite3          *db);
/* Closes the idle connections, and their page caches with them, but keeps
 * the pool open: the next acquire opens a fresh connection. Returns how
 * many it closed. For an app idle in the background. */
guint            sr_cache_read_pool_trim    (SrCacheReadPool  *pool);
/* Closes the idle connections; later acquires fail. */
void             sr_cache_read_pool_close   (SrCacheReadPool  *pool);
void             sr_cache_read_pool_free    (SrCacheReadPool  *pool);

G_END_DECLS
