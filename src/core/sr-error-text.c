/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-error-text.c: turns cache, SQLite and GIO errors into plain sentences.
 * SQLite's messages ("database is locked", "disk I/O error", six lines of
 * "*** in database main ***") say what SQLite saw, not what the person can
 * do; each kind of failure gets one sentence saying what happened and one
 * saying what to do.
 */

#define G_LOG_DOMAIN "sr-error-text"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <sqlite3.h>

#include "sr-cache.h"
#include "sr-error-text.h"

typedef enum {
  KIND_AS_IS,        /* the message is meant for people already */
  KIND_BUSY,
  KIND_FOLDER,
  KIND_DISK,
  KIND_CANNOT_OPEN,
  KIND_FULL,
  KIND_READ_ONLY,
  KIND_CORRUPT,
  KIND_TOO_NEW,
  KIND_CLOSED,
  KIND_OTHER_CACHE,
} Kind;

/* SQLite's text for a primary result code, as sqlite3_errmsg() gives it */
static gboolean
mentions (const GError *error,
          int           sqlite_code)
{
  return strstr (error->message, sqlite3_errstr (sqlite_code)) != NULL;
}

static Kind
classify (const GError *error,
          const char   *cache_path)
{
  if (error->domain == SR_CACHE_ERROR)
    {
      switch ((SrCacheError) error->code)
        {
        case SR_CACHE_ERROR_CORRUPT:
          return KIND_CORRUPT;
        case SR_CACHE_ERROR_TOO_NEW:
          return KIND_TOO_NEW;
        case SR_CACHE_ERROR_CLOSED:
          return KIND_CLOSED;
        case SR_CACHE_ERROR_BUSY:
          return KIND_BUSY;
        case SR_CACHE_ERROR_FULL:
          return KIND_FULL;
        case SR_CACHE_ERROR_READ_ONLY:
          return KIND_READ_ONLY;
        case SR_CACHE_ERROR_OPEN:
        case SR_CACHE_ERROR_SQLITE:
        default:
          break;
        }

      /* A folder where the file should be fails as "disk I/O error" or
       * "unable to open database file", depending on the step; errors made
       * before SQLite's code was known carry only its text. */
      if (cache_path != NULL && g_file_test (cache_path, G_FILE_TEST_IS_DIR))
        return KIND_FOLDER;
      if (mentions (error, SQLITE_BUSY) || mentions (error, SQLITE_LOCKED))
        return KIND_BUSY;
      if (mentions (error, SQLITE_FULL))
        return KIND_FULL;
      if (mentions (error, SQLITE_READONLY))
        return KIND_READ_ONLY;
      if (mentions (error, SQLITE_IOERR))
        return KIND_DISK;
      if (mentions (error, SQLITE_CORRUPT) || mentions (error, SQLITE_NOTADB))
        return KIND_CORRUPT;
      if (error->code == SR_CACHE_ERROR_OPEN || mentions (error, SQLITE_CANTOPEN) ||
          mentions (error, SQLITE_PERM))
        return KIND_CANNOT_OPEN;
      return KIND_OTHER_CACHE;
    }

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_NO_SPACE:
          return KIND_FULL;
        default:
          return KIND_AS_IS;
        }
    }

  return KIND_AS_IS;
}

char *
sr_error_text_dup (const GError *error,
                   const char   *cache_path)
{
  g_autofree char *display_path = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (cache_path != NULL)
    display_path = g_filename_display_name (cache_path);

  switch (classify (error, cache_path))
    {
    case KIND_BUSY:
      return g_strdup (_("The local reports are being written by another program, such as another "
                         "SMS Reports window or “sms-reports-cli sync”. Wait until it has finished, "
                         "then try again."));

    case KIND_FOLDER:
      /* Translators: %s is a path */
      return g_strdup_printf (_("There is a folder where the local reports file should be: “%s”. "
                                "Move or rename that folder, then sync to download the reports "
                                "again."), display_path);

    case KIND_DISK:
      if (display_path != NULL)
        /* Translators: %s is a path */
        return g_strdup_printf (_("The local reports file “%s” could not be read from the disk. "
                                  "Check that the disk is connected and working, then try again."),
                                display_path);
      return g_strdup (_("The local reports could not be read from the disk. Check that the disk is "
                         "connected and working, then try again."));

    case KIND_CANNOT_OPEN:
      if (display_path != NULL)
        /* Translators: %s is a path */
        return g_strdup_printf (_("The local reports file “%s” could not be opened. Check that its "
                                  "folder exists and that you are allowed to read it."), display_path);
      return g_strdup (_("The local reports file could not be opened. Check that its folder exists and "
                         "that you are allowed to read it."));

    case KIND_FULL:
      return g_strdup (_("The disk is full. Free some space, then try again; the reports saved so far "
                         "are kept."));

    case KIND_READ_ONLY:
      return g_strdup (_("The local reports file cannot be written, so new reports cannot be saved: "
                         "syncing is unavailable. Make the file and its folder writable, or free some "
                         "disk space, to sync; the saved reports can still be viewed."));

    case KIND_CORRUPT:
      if (display_path != NULL)
        /* Translators: %s is a path */
        return g_strdup_printf (_("The local reports file “%s” is damaged. Move it aside (rename it), "
                                  "then sync to download the reports again."), display_path);
      return g_strdup (_("The local reports file is damaged. Move it aside (rename it), then sync to "
                         "download the reports again."));

    case KIND_TOO_NEW:
      return g_strdup (_("The local reports were saved by a newer version of SMS Reports. Update SMS "
                         "Reports to view them, or move the file aside and sync to download them again."));

    case KIND_CLOSED:
      return g_strdup (_("The local reports were closed while this was running. Try again."));

    case KIND_OTHER_CACHE:
      return g_strdup (_("Something went wrong reading or saving the local reports. Try again; if it "
                         "keeps happening, move the local reports file aside and sync to download "
                         "the reports again."));

    case KIND_AS_IS:
    default:
      return g_strdup (error->message);
    }
}

gboolean
sr_error_text_has_detail (const GError *error,
                          const char   *text)
{
  g_return_val_if_fail (error != NULL, FALSE);

  return g_strcmp0 (error->message, text) != 0;
}

char *
sr_error_text_dup_cache_notice (SrCache *cache)
{
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  if (sr_cache_get_read_only (cache) && sr_cache_get_no_space (cache))
    return g_strdup (_("The disk is full, so the saved reports are shown without syncing. "
                       "Free some disk space to sync again."));
  if (sr_cache_get_read_only (cache))
    return g_strdup (_("The saved reports are read-only: they are shown, but syncing is unavailable. "
                       "Make the reports file and its folder writable to sync."));
  if (sr_cache_get_indexes_pending (cache) && sr_cache_get_no_space (cache))
    return g_strdup (_("The disk is full: the reports are shown, but sorting and filtering are slower "
                       "until there is free space. Free some disk space, then sync again."));
  return NULL;
}
