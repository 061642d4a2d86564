/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message.c: SrMessage, one SMS as the API reported it. The parser and the
 * cache fill the struct (sr-message-private.h) right after
 * sr_message_new_empty(); from then on the object is never modified, so it
 * can be shared between threads and list models without locking. The one
 * exception is a list's placeholder, an empty message that only the main
 * thread ever sees, filled once by sr_message_fill_placeholder(). Every field
 * is also a read-only property so that GTK expressions can bind to it.
 */

#define G_LOG_DOMAIN "sr-message"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-enums.h"
#include "sr-message-private.h"
#include "sr-status.h"

G_DEFINE_FINAL_TYPE (SrMessage, sr_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CAMPAIGN_ID,
  PROP_TO,
  PROP_SENDER_ID,
  PROP_MESSAGE,
  PROP_STATUS,
  PROP_STATUS_RAW,
  PROP_STATUS_LABEL,
  PROP_STATUS_STYLE,
  PROP_STATUS_DESCRIPTION,
  PROP_SMS_COUNT,
  PROP_COST,
  PROP_FAILED_REASON,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_SENT_AT,
  PROP_SCHEDULED_FOR,
  PROP_TIMEZONE,
  PROP_IS_API,
  PROP_MESSAGE_TYPE,
  PROP_USER_ID,
  PROP_CALLBACK_URL,
  PROP_PROVIDER,
  PROP_MESSAGE_ID,
  PROP_INTERNAL_FAILED_REASON,
  PROP_OPTOUT,
  PROP_FINAL_CALLBACK_SENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * sr_message_new_empty:
 *
 * Returns: (transfer full): a message with every field zero/NULL, for the
 * parser and the cache to fill before sharing it.
 */
SrMessage *
sr_message_new_empty (void)
{
  return g_object_new (SR_TYPE_MESSAGE, NULL);
}

#define SWAP_FIELD(a, b, field) \
  G_STMT_START { \
    __typeof__ ((a)->field) tmp_ = (a)->field; \
    (a)->field = (b)->field; \
    (b)->field = tmp_; \
  } G_STMT_END

void
sr_message_fill_placeholder (SrMessage *self,
                             SrMessage *from)
{
  guint flag;

  g_return_if_fail (SR_IS_MESSAGE (self));
  g_return_if_fail (SR_IS_MESSAGE (from));
  g_return_if_fail (self != from);

  /* Swapped: from frees what self had. */
  SWAP_FIELD (self, from, id);
  SWAP_FIELD (self, from, campaign_id);
  SWAP_FIELD (self, from, to);
  SWAP_FIELD (self, from, sender_id);
  SWAP_FIELD (self, from, message);
  SWAP_FIELD (self, from, status_raw);
  SWAP_FIELD (self, from, failed_reason);
  SWAP_FIELD (self, from, timezone);
  SWAP_FIELD (self, from, message_type);
  SWAP_FIELD (self, from, user_id);
  SWAP_FIELD (self, from, callback_url);
  SWAP_FIELD (self, from, provider);
  SWAP_FIELD (self, from, message_id);
  SWAP_FIELD (self, from, internal_failed_reason);
  SWAP_FIELD (self, from, created_at);
  SWAP_FIELD (self, from, updated_at);
  SWAP_FIELD (self, from, sent_at);
  SWAP_FIELD (self, from, scheduled_for);
  SWAP_FIELD (self, from, cost);
  SWAP_FIELD (self, from, sms_count);
  SWAP_FIELD (self, from, status);
  /* bit fields */
  flag = self->is_api; self->is_api = from->is_api; from->is_api = flag;
  flag = self->optout; self->optout = from->optout; from->optout = flag;
  flag = self->final_callback_sent; self->final_callback_sent = from->final_callback_sent; from->final_callback_sent = flag;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

#undef SWAP_FIELD

/* Unknown statuses are shown as the API spelled them, so the label of an
 * unknown status is the raw string when there is one. */
static const char *
sr_message_get_status_label (SrMessage *self)
{
  if (self->status == SR_STATUS_UNKNOWN && self->status_raw && self->status_raw[0])
    return self->status_raw;

  return sr_status_get_label (self->status);
}

static void
sr_message_finalize (GObject *object)
{
  SrMessage *self = (SrMessage *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->campaign_id, g_free);
  g_clear_pointer (&self->to, g_free);
  g_clear_pointer (&self->sender_id, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->status_raw, g_free);
  g_clear_pointer (&self->failed_reason, g_free);
  g_clear_pointer (&self->timezone, g_free);
  g_clear_pointer (&self->message_type, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->callback_url, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->message_id, g_free);
  g_clear_pointer (&self->internal_failed_reason, g_free);

  G_OBJECT_CLASS (sr_message_parent_class)->finalize (object);
}

static void
sr_message_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SrMessage *self = SR_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, sr_message_get_id (self));
      break;

    case PROP_CAMPAIGN_ID:
      g_value_set_string (value, self->campaign_id);
      break;

    case PROP_TO:
      g_value_set_string (value, self->to);
      break;

    case PROP_SENDER_ID:
      g_value_set_string (value, self->sender_id);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_STATUS_RAW:
      g_value_set_string (value, sr_message_get_status_raw (self));
      break;

    case PROP_STATUS_LABEL:
      g_value_set_string (value, sr_message_get_status_label (self));
      break;

    case PROP_STATUS_STYLE:
      g_value_set_string (value, sr_status_get_style_class (self->status));
      break;

    case PROP_STATUS_DESCRIPTION:
      g_value_set_string (value, sr_status_get_description (self->status));
      break;

    case PROP_SMS_COUNT:
      g_value_set_int (value, self->sms_count);
      break;

    case PROP_COST:
      g_value_set_double (value, self->cost);
      break;

    case PROP_FAILED_REASON:
      g_value_set_string (value, self->failed_reason);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;

    case PROP_SENT_AT:
      g_value_set_int64 (value, self->sent_at);
      break;

    case PROP_SCHEDULED_FOR:
      g_value_set_int64 (value, self->scheduled_for);
      break;

    case PROP_TIMEZONE:
      g_value_set_string (value, self->timezone);
      break;

    case PROP_IS_API:
      g_value_set_boolean (value, self->is_api);
      break;

    case PROP_MESSAGE_TYPE:
      g_value_set_string (value, self->message_type);
      break;

    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;

    case PROP_CALLBACK_URL:
      g_value_set_string (value, self->callback_url);
      break;

    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;

    case PROP_MESSAGE_ID:
      g_value_set_string (value, self->message_id);
      break;

    case PROP_INTERNAL_FAILED_REASON:
      g_value_set_string (value, self->internal_failed_reason);
      break;

    case PROP_OPTOUT:
      g_value_set_boolean (value, self->optout);
      break;

    case PROP_FINAL_CALLBACK_SENT:
      g_value_set_boolean (value, self->final_callback_sent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
time_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL,
                             G_MININT64, G_MAXINT64, SR_TIME_NONE,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
sr_message_class_init (SrMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_message_finalize;
  object_class->get_property = sr_message_get_property;

  properties[PROP_ID] = string_property ("id");
  properties[PROP_CAMPAIGN_ID] = string_property ("campaign-id");
  properties[PROP_TO] = string_property ("to");
  properties[PROP_SENDER_ID] = string_property ("sender-id");
  properties[PROP_MESSAGE] = string_property ("message");

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       SR_TYPE_STATUS, SR_STATUS_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /* The status exactly as the API sent it, upper-cased. */
  properties[PROP_STATUS_RAW] = string_property ("status-raw");

  /* Translated label; the raw string for a status we do not know. */
  properties[PROP_STATUS_LABEL] = string_property ("status-label");

  /* CSS class of the status group, see sr_status_get_style_class(). */
  properties[PROP_STATUS_STYLE] = string_property ("status-style");

  /* Translated explanation of the status, for tooltips. */
  properties[PROP_STATUS_DESCRIPTION] = string_property ("status-description");

  properties[PROP_SMS_COUNT] =
    g_param_spec_int ("sms-count", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_COST] =
    g_param_spec_double ("cost", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_FAILED_REASON] = string_property ("failed-reason");

  /* Times are microseconds since the epoch, UTC; SR_TIME_NONE when missing. */
  properties[PROP_CREATED_AT] = time_property ("created-at");
  properties[PROP_UPDATED_AT] = time_property ("updated-at");
  properties[PROP_SENT_AT] = time_property ("sent-at");
  properties[PROP_SCHEDULED_FOR] = time_property ("scheduled-for");

  properties[PROP_TIMEZONE] = string_property ("timezone");
  properties[PROP_IS_API] = boolean_property ("is-api");
  properties[PROP_MESSAGE_TYPE] = string_property ("message-type");
  properties[PROP_USER_ID] = string_property ("user-id");
  properties[PROP_CALLBACK_URL] = string_property ("callback-url");
  properties[PROP_PROVIDER] = string_property ("provider");
  properties[PROP_MESSAGE_ID] = string_property ("message-id");
  properties[PROP_INTERNAL_FAILED_REASON] = string_property ("internal-failed-reason");
  properties[PROP_OPTOUT] = boolean_property ("optout");
  properties[PROP_FINAL_CALLBACK_SENT] = boolean_property ("final-callback-sent");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_message_init (SrMessage *self)
{
  /* GObject zero-fills instances: every string is NULL, every time is
   * SR_TIME_NONE and the status is SR_STATUS_UNKNOWN. */
}

const char *
sr_message_get_id (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->id ? self->id : "";
}

const char *
sr_message_get_campaign_id (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->campaign_id;
}

const char *
sr_message_get_to (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->to;
}

const char *
sr_message_get_sender_id (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->sender_id;
}

const char *
sr_message_get_message (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->message;
}

SrStatus
sr_message_get_status (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), SR_STATUS_UNKNOWN);

  return self->status;
}

const char *
sr_message_get_status_raw (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), "");

  return self->status_raw ? self->status_raw : "";
}

int
sr_message_get_sms_count (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), 0);

  return self->sms_count;
}

double
sr_message_get_cost (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), 0.0);

  return self->cost;
}

const char *
sr_message_get_failed_reason (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->failed_reason;
}

gint64
sr_message_get_created_at (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), SR_TIME_NONE);

  return self->created_at;
}

gint64
sr_message_get_updated_at (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), SR_TIME_NONE);

  return self->updated_at;
}

gint64
sr_message_get_sent_at (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), SR_TIME_NONE);

  return self->sent_at;
}

gint64
sr_message_get_scheduled_for (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), SR_TIME_NONE);

  return self->scheduled_for;
}

const char *
sr_message_get_timezone (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->timezone;
}

gboolean
sr_message_get_is_api (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), FALSE);

  return self->is_api;
}

const char *
sr_message_get_message_type (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->message_type;
}

const char *
sr_message_get_user_id (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->user_id;
}

const char *
sr_message_get_callback_url (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->callback_url;
}

const char *
sr_message_get_provider (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->provider;
}

const char *
sr_message_get_message_id (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->message_id;
}

const char *
sr_message_get_internal_failed_reason (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), NULL);

  return self->internal_failed_reason;
}

gboolean
sr_message_get_optout (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), FALSE);

  return self->optout;
}

gboolean
sr_message_get_final_callback_sent (SrMessage *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE (self), FALSE);

  return self->final_callback_sent;
}
