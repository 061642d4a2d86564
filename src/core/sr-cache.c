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

SrCache *
sr_cache_open (const char  *path,
               GError     **error)
{
  g_autoptr(SrCache) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_OPEN,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!sr_cache_schema_check_file (path, error))
    return NULL;

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

  self = g_object_new (SR_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->readers = sr_cache_read_pool_new (path);
  self->writer = sr_cache_writer_open (path, G_OBJECT (self), signals[CHANGED], error);
  if (self->writer == NULL)
    return NULL;

  g_debug ("Opened %s", path);

  return g_steal_pointer (&self);
}

const char *
sr_cache_get_path (SrCache *self)
{
  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  return self->path;
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
