/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-private.h: construction of SrMessage for the parser and the
 * cache. Outside the core a message is read-only.
 */
#pragma once

#include "sr-message.h"

G_BEGIN_DECLS

struct _SrMessage
{
  GObject   parent_instance;

  char     *id;                     /* never NULL */
  char     *campaign_id;
  char     *to;
  char     *sender_id;
  char     *message;
  char     *status_raw;             /* upper-cased, never NULL ("" if missing) */
  char     *failed_reason;
  char     *timezone;
  char     *message_type;           /* API field "type" */
  char     *user_id;
  char     *callback_url;
  char     *provider;
  char     *message_id;
  char     *internal_failed_reason;
  gint64    created_at;
  gint64    updated_at;
  gint64    sent_at;
  gint64    scheduled_for;
  double    cost;
  int       sms_count;
  SrStatus  status;
  guint     is_api : 1;
  guint     optout : 1;
  guint     final_callback_sent : 1;
};

/* An empty message; fill the fields, then never change them once shared. */
SrMessage *sr_message_new_empty (void);
/* The one exception, on the main thread: a list's placeholder (an empty
 * message standing in for a row not read yet) takes every field of from,
 * which is left empty, and emits notify::id. */
void       sr_message_fill_placeholder (SrMessage *self,
                                        SrMessage *from);

G_END_DECLS
