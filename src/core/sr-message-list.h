/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-list.h: a lazy GListModel of SrMessage backed by the cache.
 * Filter and sort are SQL; the ordered rowids of the current query are
 * computed off the main thread; items are created only for the positions
 * asked for, in blocks.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

#define SR_TYPE_MESSAGE_LIST (sr_message_list_get_type ())
G_DECLARE_FINAL_TYPE (SrMessageList, sr_message_list, SR, MESSAGE_LIST, GObject)

SrMessageList         *sr_message_list_new             (SrCache               *cache);

/* The first rows of a filter's list (newest first) with their records,
 * read ahead on a worker, e.g. with the opening of the cache, so that a
 * list made later on the main thread shows them at once. Valid until the
 * cache changes. */
typedef struct _SrMessageListHead SrMessageListHead;

SrMessageListHead     *sr_message_list_read_head       (SrCache               *cache,
                                                        const SrMessageFilter *filter,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
void                   sr_message_list_head_free       (SrMessageListHead     *head);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrMessageListHead, sr_message_list_head_free)
/* sr_message_list_new() and sr_message_list_set_filter(); head (taken,
 * may be NULL) gives the first rows at once when it was read for the same
 * filter, and is dropped otherwise. */
SrMessageList         *sr_message_list_new_with_head   (SrCache               *cache,
                                                        const SrMessageFilter *filter,
                                                        SrMessageListHead     *head);
SrCache               *sr_message_list_get_cache       (SrMessageList         *self);
/* Takes a copy. Starts a reload (async); "loading" is TRUE until it lands. */
void                   sr_message_list_set_filter      (SrMessageList         *self,
                                                        const SrMessageFilter *filter);
const SrMessageFilter *sr_message_list_get_filter      (SrMessageList         *self);
void                   sr_message_list_set_sort        (SrMessageList         *self,
                                                        SrMessageSort          sort,
                                                        gboolean               descending);
SrMessageSort          sr_message_list_get_sort        (SrMessageList         *self);
gboolean               sr_message_list_get_descending  (SrMessageList         *self);
gboolean               sr_message_list_get_loading     (SrMessageList         *self);
/* Re-runs the query now (the model also does it by itself when the cache
 * emits "changed"); emits minimal items-changed ranges. */
void                   sr_message_list_reload          (SrMessageList         *self);
/* get_item() never reads the cache on the calling thread: a row not read
 * yet is a placeholder (an empty record) until its block arrives, then
 * replaced with items-changed (position, n, n). */
gboolean               sr_message_list_is_loaded       (SrMessageList         *self,
                                                        guint                  position);
/* A list made with a head: its first rows are painted, the rest may be read
 * now (otherwise it starts a quarter of a second after the list was made;
 * on a busy machine the query of a million rowids would take a core from
 * the first frame). */
void                   sr_message_list_release_rest    (SrMessageList         *self);
/* For tests: runs the main context until no reload is pending. */
void                   sr_message_list_wait            (SrMessageList         *self);

G_END_DECLS
