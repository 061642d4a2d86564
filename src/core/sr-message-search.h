/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-search.h: messages found by a few words typed outside the app
 * (GNOME Shell's search): a recipient number with or without its '+', a
 * sender id or words of the text, newest first, from the cache only.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* How many results a search gives at most when the caller does not say. */
#define SR_MESSAGE_SEARCH_DEFAULT_LIMIT 20

/* The terms as the search uses them: blanks and a lone '+' dropped, the
 * '+' of a number dropped (so "+35799" and "35799" find the same messages), at most
 * SR_FILTER_TEXT_MAX_CHARS characters each. NULL when nothing is left. */
GStrv      sr_message_search_normalize_terms (const char * const *terms);

/* TRUE when the message matches the terms by the Messages Log's search
 * rules (sr_message_filter_matches()). terms as returned by
 * sr_message_search_normalize_terms(). */
gboolean   sr_message_search_matches        (SrMessage           *message,
                                             const char * const  *terms);

/* Messages (SrMessage) that match every term, newest first, at most limit
 * (0: SR_MESSAGE_SEARCH_DEFAULT_LIMIT). Reads the cache only; blocking, so
 * call it off the main thread (or use the _async variant). */
GPtrArray *sr_message_search                (SrCache             *cache,
                                             const char * const  *terms,
                                             guint                limit,
                                             GCancellable        *cancellable,
                                             GError             **error);
void       sr_message_search_async          (SrCache             *cache,
                                             const char * const  *terms,
                                             guint                limit,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray *sr_message_search_finish         (GAsyncResult        *result,
                                             GError             **error);

/* The messages with these ids that are in the cache, in the order asked
 * (missing ones are left out); on a worker thread. */
void       sr_message_search_get_messages_async  (SrCache             *cache,
                                                  const char * const  *ids,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray *sr_message_search_get_messages_finish (GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
