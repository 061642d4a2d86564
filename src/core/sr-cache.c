/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache.c: the SrCache object: where account files live, opening (check,
 * migrate, start the writer) and closing. The writes are in
 * sr-cache-writer.c, the reads in sr-cache-query.c; sr-cache-private.h
 * lists every file of the cache.
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>

#include "sr-cache-private.h"
#include "sr-cache-schema.h"
#include "sr-enums.h"

G_DEFINE_QUARK (sr-cache-error-quark, sr_cache_error)

G_DEFINE_FINAL_TYPE (SrCache, sr_cache, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- GObject ------------------------------------------------------------- */

static void
sr_cache_dispose (GObject *object)
{
  SrCache *self = SR_CACHE (object);

  sr_cache_close (self);
  g_clear_pointer (&self->writer, sr_cache_writer_free);

  G_OBJECT_CLASS (sr_cache_parent_class)->dispose (object);
}

static void
sr_cache_finalize (GObject *object)
{
  SrCache *self = SR_CACHE (object);

  g_clear_pointer (&self->readers, sr_cache_read_pool_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sr_cache_parent_class)->finalize (object);
}

static void
sr_cache_class_init (SrCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_cache_dispose;
  object_class->finalize = sr_cache_finalize;

  /**
   * SrCache::changed:
   * @what: #SrCacheChanged flags
   *
   * Emitted after a commit that changed rows, in the thread-default main
   * context of sr_cache_open(). Several commits may be folded into one
   * emission.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SR_TYPE_CACHE_CHANGED);
}

static void
sr_cache_init (SrCache *self)
{
}

/* --- public: files -------------------------------------------------------- */

char *
sr_cache_dup_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "sms-reports", NULL);
}

char *
sr_cache_dup_account_file_name (const char *api_url,
                                const char *api_key)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) "sms-reports:", -1);
  g_checksum_update (checksum, (const guchar *) api_url, -1);
  g_checksum_update (checksum, (const guchar *) ":", -1);
  g_checksum_update (checksum, (const guchar *) api_key, -1);
  hex = g_strndup (g_checksum_get_string (checksum), 16);

  return g_strdup_printf ("account-%s.db", hex);
}

/* Whether the cache can be opened for writing: path (when it exists) opens
 * for writing and a file can be created next to it (SQLite's -wal and -shm).
 * Tried for real, as access() says yes to root on a read-only mount. A full
 * disk still lets an empty file be made: that case shows later, as
 * SR_CACHE_ERROR_FULL. */
static gboolean
can_write (const char *path,
           const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, ".sms-reports-XXXXXX", NULL);
  int fd;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      fd = g_open (path, O_RDWR | O_CLOEXEC, 0);
      if (fd < 0)
        {
          g_debug ("Cannot write %s: %s", path, g_strerror (errno));
          return FALSE;
        }
      g_close (fd, NULL);
    }

  fd = g_mkstemp_full (probe, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_debug ("Cannot create files in %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  g_close (fd, NULL);
  g_unlink (probe);

  return TRUE;
}

char *
sr_cache_dup_account_path (const char *data_dir,
                           const char *api_url,
                           const char *api_key)
{
  g_autofree char *default_dir = NULL;
  g_autofree char *file_name = NULL;

  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  if (data_dir == NULL)
    data_dir = default_dir = sr_cache_dup_default_dir ();
  file_name = sr_cache_dup_account_file_name (api_url, api_key);

  return g_build_filename (data_dir, file_name, NULL);
}

/* The files of one cache: the database, its write-ahead log and index, and
 * the rollback journal SQLite uses outside WAL mode (migrations of old
 * files). The main file comes first. */
static const char * const cache_file_suffixes[] = { "", "-wal", "-shm", "-journal" };

gboolean
sr_cache_delete_files (const char  *path,
                       GError     **error)
{
  g_autoptr(GError) first_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (cache_file_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, cache_file_suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT && first_error == NULL)
        {
          int saved_errno = errno;

          g_set_error (&first_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot delete “%s”: %s"), file, g_strerror (saved_errno));
        }
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/* Viewing only: no writer, no migration, no maintenance. The file is read
 * as it is; where SQLite could not make its -shm (a read-only folder, a full
 * disk) it is read with immutable=1, which skips what a -wal still holds. */
static gboolean
open_read_only (SrCache   *self,
                gboolean   no_space,
                GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean immutable = FALSE;
  gboolean indexes_pending = FALSE;
  gint64 version = 0;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot create the report cache “%s” in a folder that cannot be written"),
                   self->path);
      return FALSE;
    }

  if (!sr_cache_schema_check_file (self->path, FALSE, &version, &indexes_pending, &local_error))
    {
      if (g_error_matches (local_error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT) ||
          g_error_matches (local_error, SR_CACHE_ERROR, SR_CACHE_ERROR_TOO_NEW))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("Reading %s as an immutable file: %s", self->path, local_error->message);
      immutable = TRUE;
      if (!sr_cache_schema_check_file (self->path, TRUE, &version, &indexes_pending, error))
        return FALSE;
    }

  if (version < SR_CACHE_SCHEMA_VERSION)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_READ_ONLY,
                   _("The report cache “%s” needs updating by this version of SMS Reports, "
                     "which cannot write to it"), self->path);
      return FALSE;
    }

  self->read_only = TRUE;
  self->read_only_no_space = no_space;
  self->read_only_indexes_pending = indexes_pending;
  self->readers = sr_cache_read_pool_new (self->path, immutable);

  return TRUE;
}

char *
sr_cache_move_files_aside (const char  *path,
                           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *moved_to = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cache_file_suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, cache_file_suffixes[i], NULL);
      g_autofree char *to = g_strdup_printf ("%s.damaged-%s%s", path, stamp, cache_file_suffixes[i]);

      if (!g_file_test (from, G_FILE_TEST_EXISTS))
        continue;

      if (g_rename (from, to) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot rename “%s”: %s"), from, g_strerror (saved_errno));
          return NULL;
        }

      if (i == 0)
        moved_to = g_steal_pointer (&to);
    }

  return g_steal_pointer (&moved_to);
}

SrCache *
sr_cache_open_in_context (const char    *path,
                          GMainContext  *context,
                          GError       **error)
{
  g_autoptr(SrCache) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (SR_TYPE_CACHE, NULL);
  self->path = g_strdup (path);

  if (!can_write (path, dir))
    {
      if (!open_read_only (self, FALSE, error))
        return NULL;
      g_debug ("Opened %s read-only", path);
      return g_steal_pointer (&self);
    }

  if (!sr_cache_schema_check_file (path, FALSE, NULL, NULL, &local_error))
    {
      if (!g_error_matches (local_error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("No room to open %s for writing: %s", path, local_error->message);
      if (!open_read_only (self, TRUE, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  /* The cache holds message texts and numbers: only for the user. SQLite
   * gives the -wal and -shm files the mode of the database file. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                       _("Cannot create the report cache “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
      g_close (fd, NULL);
    }

  self->writer = sr_cache_writer_open (path, G_OBJECT (self), signals[CHANGED], context, &local_error);
  if (self->writer == NULL)
    {
      gboolean full = g_error_matches (local_error, SR_CACHE_ERROR, SR_CACHE_ERROR_FULL);

      /* No room for a migration or the -shm, or SQLite found the file
       * read-only after all: still viewable. */
      if (!full && !g_error_matches (local_error, SR_CACHE_ERROR, SR_CACHE_ERROR_READ_ONLY))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("Opening %s read-only: %s", path, local_error->message);
      if (!open_read_only (self, full, error))
        return NULL;
      return g_steal_pointer (&self);
    }
  self->readers = sr_cache_read_pool_new (path, FALSE);

  g_debug ("Opened %s", path);

  return g_steal_pointer (&self);
}

SrCache *
sr_cache_open (const char  *path,
               GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  return sr_cache_open_in_context (path, context, error);
}

const char *
sr_cache_get_path (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  return self->path;
}

gboolean
sr_cache_get_read_only (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  return self->read_only;
}

guint
sr_cache_release_memory (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), 0);

  return self->readers != NULL ? sr_cache_read_pool_trim (self->readers) : 0;
}

gboolean
sr_cache_get_no_space (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  if (self->read_only)
    return self->read_only_no_space;
  return self->writer != NULL && sr_cache_writer_get_no_space (self->writer);
}

gboolean
sr_cache_get_indexes_pending (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  if (self->read_only)
    return self->read_only_indexes_pending;
  return self->writer != NULL && sr_cache_writer_get_indexes_pending (self->writer);
}

void
sr_cache_close (SrCache *self)
{
  g_return_if_fail (SR_IS_CACHE (self));

  if (self->writer != NULL)
    sr_cache_writer_close (self->writer);
  if (self->readers != NULL)
    sr_cache_read_pool_close (self->readers);
}
