/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-mount.h: real read-only and full file systems for the tests of
 * viewing without writing. As root (CI) they are real mounts: a small tmpfs
 * that fills up, a read-only bind mount (root ignores file modes). As
 * another user a read-only folder is made with chmod and a full disk cannot
 * be made: the functions return FALSE and the test skips.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Mounts a tmpfs of size_kb on a new folder in the temporary directory;
 * NULL when this process may not mount. */
char     *sr_test_mount_tmpfs      (const char *prefix,
                                    guint       size_kb);
/* mount -o remount,OPTIONS dir (e.g. "size=65536k", "ro", "rw"). */
gboolean  sr_test_remount          (const char *dir,
                                    const char *options);
/* Unmounts dir and removes the folder. */
void      sr_test_unmount          (const char *dir);

/* Makes dir and the files in it read-only for this process (a read-only
 * bind mount as root, chmod otherwise); FALSE when that is impossible. */
gboolean  sr_test_make_read_only   (const char *dir);
/* Undoes sr_test_make_read_only(). */
void      sr_test_make_writable    (const char *dir);

/* Fills the file system of dir until it is full, with a file named
 * "filler" there. */
void      sr_test_fill_disk        (const char *dir);

G_END_DECLS
