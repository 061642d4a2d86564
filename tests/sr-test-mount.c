/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-mount.c: read-only and full file systems for tests (see
 * sr-test-mount.h).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sr-test-mount.h"
#include "sr-test-sandbox.h"

static gboolean
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s %s: %s", argv[0], argv[1], err);
      return FALSE;
    }
  return TRUE;
}

char *
sr_test_mount_tmpfs (const char *prefix,
                     guint       size_kb)
{
  g_autofree char *dir = NULL;
  g_autofree char *options = NULL;

  if (geteuid () != 0)
    return NULL;

  dir = sr_test_make_tmpdir (prefix);
  options = g_strdup_printf ("size=%uk,mode=0700", size_kb);
  if (!run ((const char * const[]) { "mount", "-t", "tmpfs", "-o", options, "tmpfs", dir, NULL }))
    {
      g_rmdir (dir);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

gboolean
sr_test_remount (const char *dir,
                 const char *options)
{
  g_autofree char *all = g_strconcat ("remount,", options, NULL);

  return run ((const char * const[]) { "mount", "-o", all, dir, NULL });
}

void
sr_test_unmount (const char *dir)
{
  g_assert_true (run ((const char * const[]) { "umount", dir, NULL }));
  g_rmdir (dir);
}

static void
chmod_tree (const char *dir,
            int         dir_mode,
            int         file_mode)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_chmod (path, file_mode);
    }
  g_chmod (dir, dir_mode);
}

gboolean
sr_test_make_read_only (const char *dir)
{
  if (geteuid () == 0)
    return run ((const char * const[]) { "mount", "--bind", dir, dir, NULL }) &&
           (run ((const char * const[]) { "mount", "-o", "remount,bind,ro", dir, NULL }) ||
            (run ((const char * const[]) { "umount", dir, NULL }), FALSE));

  chmod_tree (dir, 0500, 0400);
  return TRUE;
}

void
sr_test_make_writable (const char *dir)
{
  if (geteuid () == 0)
    g_assert_true (run ((const char * const[]) { "umount", dir, NULL }));
  else
    chmod_tree (dir, 0700, 0600);
}

void
sr_test_fill_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  char block[4096] = { 0, };
  int fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  /* and the last partial block */
  while (write (fd, block, 1) > 0)
    ;
  g_close (fd, NULL);
}
