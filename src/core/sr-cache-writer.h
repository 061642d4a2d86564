/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-writer.h: the writer thread of the cache, private to it. It owns
 * the write connection (opening it migrates the file), runs the queued
 * writes with group commit, and emits the owner's "changed" signal after a
 * commit that changed rows. The public writes (sr_cache_upsert_*_async() and
 * friends) are implemented in sr-cache-writer.c too.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SrCacheWriter SrCacheWriter;

/* Opens and migrates path and starts the thread. owner's signal
 * changed_signal (one SrCacheChanged argument) is emitted in context. */
SrCacheWriter *sr_cache_writer_open  (const char     *path,
                                      GObject        *owner,
                                      guint           changed_signal,
                                      GMainContext   *context,
                                      GError        **error);
/* Whether deferred indexes wait for room, and whether the disk was full at
 * the last attempt (see sr_cache_get_indexes_pending()); any thread. */
gboolean       sr_cache_writer_get_indexes_pending (SrCacheWriter *self);
gboolean       sr_cache_writer_get_no_space        (SrCacheWriter *self);
/* Writes what is queued, stops the thread and closes the connection; later
 * writes fail with SR_CACHE_ERROR_CLOSED. A pending "changed" still comes. */
void           sr_cache_writer_close (SrCacheWriter  *self);
/* Closes, drops a pending "changed" and frees. */
void           sr_cache_writer_free  (SrCacheWriter  *self);

G_END_DECLS
