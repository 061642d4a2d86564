/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message.h: one SMS as reported by the API; an immutable record.
 */
#pragma once

#include <glib-object.h>

#include "sr-types.h"

G_BEGIN_DECLS

#define SR_TYPE_MESSAGE (sr_message_get_type ())
G_DECLARE_FINAL_TYPE (SrMessage, sr_message, SR, MESSAGE, GObject)

const char *sr_message_get_id                     (SrMessage *self);
const char *sr_message_get_campaign_id            (SrMessage *self);
const char *sr_message_get_to                     (SrMessage *self);
const char *sr_message_get_sender_id              (SrMessage *self);
const char *sr_message_get_message                (SrMessage *self);
SrStatus    sr_message_get_status                 (SrMessage *self);
/* The status string exactly as the API sent it (upper-cased). */
const char *sr_message_get_status_raw             (SrMessage *self);
int         sr_message_get_sms_count              (SrMessage *self);
double      sr_message_get_cost                   (SrMessage *self);
const char *sr_message_get_failed_reason          (SrMessage *self);
gint64      sr_message_get_created_at             (SrMessage *self);
gint64      sr_message_get_updated_at             (SrMessage *self);
gint64      sr_message_get_sent_at                (SrMessage *self);
gint64      sr_message_get_scheduled_for          (SrMessage *self);
const char *sr_message_get_timezone               (SrMessage *self);
gboolean    sr_message_get_is_api                 (SrMessage *self);
const char *sr_message_get_message_type           (SrMessage *self);
const char *sr_message_get_user_id                (SrMessage *self);
const char *sr_message_get_callback_url           (SrMessage *self);
const char *sr_message_get_provider               (SrMessage *self);
const char *sr_message_get_message_id             (SrMessage *self);
const char *sr_message_get_internal_failed_reason (SrMessage *self);
gboolean    sr_message_get_optout                 (SrMessage *self);
gboolean    sr_message_get_final_callback_sent    (SrMessage *self);

G_END_DECLS
