/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-filter.h: which messages a report shows. Turned into SQL by the
 * cache; shared by the CLI, the list models, the dashboard and exports.
 */
#pragma once

#include <glib-object.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* The longest text a filter field takes, in characters. The CLI refuses
 * longer input with a usage error and the app's search entries stop there:
 * nobody searches for a thousand characters, and SQLite refuses LIKE patterns
 * over 50,000 bytes with an error a person cannot act on. */
#define SR_FILTER_TEXT_MAX_CHARS 1000

typedef struct
{
  guint   status_mask;     /* bits (1 << SrStatus); 0 = every status.
                            * SR_STATUS_UNKNOWN's bit matches every unknown value */
  gint64  from;            /* created_at >= from; SR_TIME_NONE = open */
  gint64  to;              /* created_at <  to;   SR_TIME_NONE = open */
  char   *campaign_id;     /* exact */
  char   *recipient;       /* recipient contains (digits and '+') */
  char   *sender_id;       /* exact */
  char   *search;          /* words starting words of the text or sender, numbers
                            * inside the recipient (sr-message-filter-private.h) */
  char   *failed_reason;   /* exact */
  char   *country_prefix;  /* recipient starts with this, e.g. "+357" */
} SrMessageFilter;

#define SR_TYPE_MESSAGE_FILTER (sr_message_filter_get_type ())
GType            sr_message_filter_get_type (void) G_GNUC_CONST;
SrMessageFilter *sr_message_filter_new      (void);
SrMessageFilter *sr_message_filter_copy     (const SrMessageFilter *filter);
void             sr_message_filter_free     (SrMessageFilter       *filter);
gboolean         sr_message_filter_equal    (const SrMessageFilter *a,
                                             const SrMessageFilter *b);
/* TRUE if message passes the filter (same rules as the SQL), for tests and
 * for deciding whether a changed row concerns a view. */
gboolean         sr_message_filter_matches  (const SrMessageFilter *filter,
                                             SrMessage             *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrMessageFilter, sr_message_filter_free)

G_END_DECLS
