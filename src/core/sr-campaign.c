/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign.c: SrCampaign, one bulk send as the API reported it. Like
 * SrMessage it is filled once by the parser or the cache (see
 * sr-campaign-private.h) and never modified afterwards; every field is a
 * read-only property, plus the derived recipients and delivery rate that the
 * Campaign Log sorts and shows.
 */

#define G_LOG_DOMAIN "sr-campaign"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-campaign-private.h"

G_DEFINE_FINAL_TYPE (SrCampaign, sr_campaign, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CAMPAIGN_TYPE,
  PROP_USER_ID,
  PROP_SENDER_ID,
  PROP_TEMPLATE_ID,
  PROP_MESSAGE,
  PROP_LIST_ID,
  PROP_STATUS,
  PROP_CLIENT_TOTAL_COST,
  PROP_ESTIMATED_COST,
  PROP_DELIVERED_MESSAGES,
  PROP_FAILED_MESSAGES,
  PROP_PENDING_MESSAGES,
  PROP_SENT_MESSAGES,
  PROP_SMS_COUNT,
  PROP_BYPASS_OPTOUT,
  PROP_CALLBACK_URL,
  PROP_SCHEDULED_FOR,
  PROP_TIMEZONE,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_CANCELED_AT,
  PROP_IS_API,
  PROP_SOURCE_LABEL,
  PROP_RECIPIENTS,
  PROP_DELIVERY_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * sr_campaign_new_empty:
 *
 * Returns: (transfer full): a campaign with every field zero/NULL, for the
 * parser and the cache to fill before sharing it.
 */
SrCampaign *
sr_campaign_new_empty (void)
{
  return g_object_new (SR_TYPE_CAMPAIGN, NULL);
}

#define SWAP_FIELD(a, b, field) \
  G_STMT_START { \
    __typeof__ ((a)->field) tmp_ = (a)->field; \
    (a)->field = (b)->field; \
    (b)->field = tmp_; \
  } G_STMT_END

void
sr_campaign_fill_placeholder (SrCampaign *self,
                              SrCampaign *from)
{
  guint flag;

  g_return_if_fail (SR_IS_CAMPAIGN (self));
  g_return_if_fail (SR_IS_CAMPAIGN (from));
  g_return_if_fail (self != from);

  /* Swapped: from frees what self had. */
  SWAP_FIELD (self, from, id);
  SWAP_FIELD (self, from, campaign_type);
  SWAP_FIELD (self, from, user_id);
  SWAP_FIELD (self, from, sender_id);
  SWAP_FIELD (self, from, template_id);
  SWAP_FIELD (self, from, message);
  SWAP_FIELD (self, from, list_id);
  SWAP_FIELD (self, from, status);
  SWAP_FIELD (self, from, callback_url);
  SWAP_FIELD (self, from, timezone);
  SWAP_FIELD (self, from, client_total_cost);
  SWAP_FIELD (self, from, estimated_cost);
  SWAP_FIELD (self, from, delivered_messages);
  SWAP_FIELD (self, from, failed_messages);
  SWAP_FIELD (self, from, pending_messages);
  SWAP_FIELD (self, from, sent_messages);
  SWAP_FIELD (self, from, scheduled_for);
  SWAP_FIELD (self, from, created_at);
  SWAP_FIELD (self, from, updated_at);
  SWAP_FIELD (self, from, canceled_at);
  SWAP_FIELD (self, from, sms_count);
  /* bit fields */
  flag = self->bypass_optout; self->bypass_optout = from->bypass_optout; from->bypass_optout = flag;
  flag = self->is_api; self->is_api = from->is_api; from->is_api = flag;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

#undef SWAP_FIELD

static void
sr_campaign_finalize (GObject *object)
{
  SrCampaign *self = (SrCampaign *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->campaign_type, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->sender_id, g_free);
  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->list_id, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->callback_url, g_free);
  g_clear_pointer (&self->timezone, g_free);

  G_OBJECT_CLASS (sr_campaign_parent_class)->finalize (object);
}

static void
sr_campaign_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SrCampaign *self = SR_CAMPAIGN (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, sr_campaign_get_id (self));
      break;

    case PROP_CAMPAIGN_TYPE:
      g_value_set_string (value, self->campaign_type);
      break;

    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;

    case PROP_SENDER_ID:
      g_value_set_string (value, self->sender_id);
      break;

    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_id);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_LIST_ID:
      g_value_set_string (value, self->list_id);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_CLIENT_TOTAL_COST:
      g_value_set_double (value, self->client_total_cost);
      break;

    case PROP_ESTIMATED_COST:
      g_value_set_double (value, self->estimated_cost);
      break;

    case PROP_DELIVERED_MESSAGES:
      g_value_set_int64 (value, self->delivered_messages);
      break;

    case PROP_FAILED_MESSAGES:
      g_value_set_int64 (value, self->failed_messages);
      break;

    case PROP_PENDING_MESSAGES:
      g_value_set_int64 (value, self->pending_messages);
      break;

    case PROP_SENT_MESSAGES:
      g_value_set_int64 (value, self->sent_messages);
      break;

    case PROP_SMS_COUNT:
      g_value_set_int (value, self->sms_count);
      break;

    case PROP_BYPASS_OPTOUT:
      g_value_set_boolean (value, self->bypass_optout);
      break;

    case PROP_CALLBACK_URL:
      g_value_set_string (value, self->callback_url);
      break;

    case PROP_SCHEDULED_FOR:
      g_value_set_int64 (value, self->scheduled_for);
      break;

    case PROP_TIMEZONE:
      g_value_set_string (value, self->timezone);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;

    case PROP_CANCELED_AT:
      g_value_set_int64 (value, self->canceled_at);
      break;

    case PROP_IS_API:
      g_value_set_boolean (value, self->is_api);
      break;

    case PROP_SOURCE_LABEL:
      /* Translators: where a campaign was sent from: the REST API or the web dashboard */
      g_value_set_string (value, self->is_api ? _("API") : _("Web"));
      break;

    case PROP_RECIPIENTS:
      g_value_set_int64 (value, sr_campaign_get_recipients (self));
      break;

    case PROP_DELIVERY_RATE:
      g_value_set_double (value, sr_campaign_get_delivery_rate (self));
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
int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL,
                             G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
double_property (const char *name,
                 double      default_value)
{
  return g_param_spec_double (name, NULL, NULL,
                              -G_MAXDOUBLE, G_MAXDOUBLE, default_value,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
sr_campaign_class_init (SrCampaignClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_campaign_finalize;
  object_class->get_property = sr_campaign_get_property;

  properties[PROP_ID] = string_property ("id");
  properties[PROP_CAMPAIGN_TYPE] = string_property ("campaign-type");
  properties[PROP_USER_ID] = string_property ("user-id");
  properties[PROP_SENDER_ID] = string_property ("sender-id");
  properties[PROP_TEMPLATE_ID] = string_property ("template-id");
  properties[PROP_MESSAGE] = string_property ("message");
  properties[PROP_LIST_ID] = string_property ("list-id");

  /* Free-form: the set of campaign statuses is not documented. */
  properties[PROP_STATUS] = string_property ("status");

  properties[PROP_CLIENT_TOTAL_COST] = double_property ("client-total-cost", 0.0);
  properties[PROP_ESTIMATED_COST] = double_property ("estimated-cost", 0.0);
  properties[PROP_DELIVERED_MESSAGES] = int64_property ("delivered-messages");
  properties[PROP_FAILED_MESSAGES] = int64_property ("failed-messages");
  properties[PROP_PENDING_MESSAGES] = int64_property ("pending-messages");
  properties[PROP_SENT_MESSAGES] = int64_property ("sent-messages");

  properties[PROP_SMS_COUNT] =
    g_param_spec_int ("sms-count", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_BYPASS_OPTOUT] = boolean_property ("bypass-optout");
  properties[PROP_CALLBACK_URL] = string_property ("callback-url");

  /* Times are microseconds since the epoch, UTC; SR_TIME_NONE when missing. */
  properties[PROP_SCHEDULED_FOR] = int64_property ("scheduled-for");
  properties[PROP_TIMEZONE] = string_property ("timezone");
  properties[PROP_CREATED_AT] = int64_property ("created-at");
  properties[PROP_UPDATED_AT] = int64_property ("updated-at");
  properties[PROP_CANCELED_AT] = int64_property ("canceled-at");

  properties[PROP_IS_API] = boolean_property ("is-api");

  /* Translated "API" or "Web", for the Campaign Log's source column. */
  properties[PROP_SOURCE_LABEL] = string_property ("source-label");

  properties[PROP_RECIPIENTS] = int64_property ("recipients");

  /* 0..1, or -1 while none of the campaign's messages is settled. */
  properties[PROP_DELIVERY_RATE] = double_property ("delivery-rate", -1.0);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_campaign_init (SrCampaign *self)
{
  /* Zero-filled by GObject: NULL strings, SR_TIME_NONE times, zero counters. */
}

const char *
sr_campaign_get_id (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->id ? self->id : "";
}

const char *
sr_campaign_get_campaign_type (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->campaign_type;
}

const char *
sr_campaign_get_user_id (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->user_id;
}

const char *
sr_campaign_get_sender_id (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->sender_id;
}

const char *
sr_campaign_get_template_id (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->template_id;
}

const char *
sr_campaign_get_message (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->message;
}

const char *
sr_campaign_get_list_id (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->list_id;
}

const char *
sr_campaign_get_status (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->status;
}

double
sr_campaign_get_client_total_cost (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0.0);

  return self->client_total_cost;
}

double
sr_campaign_get_estimated_cost (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0.0);

  return self->estimated_cost;
}

gint64
sr_campaign_get_delivered_messages (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0);

  return self->delivered_messages;
}

gint64
sr_campaign_get_failed_messages (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0);

  return self->failed_messages;
}

gint64
sr_campaign_get_pending_messages (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0);

  return self->pending_messages;
}

gint64
sr_campaign_get_sent_messages (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0);

  return self->sent_messages;
}

int
sr_campaign_get_sms_count (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0);

  return self->sms_count;
}

gboolean
sr_campaign_get_bypass_optout (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), FALSE);

  return self->bypass_optout;
}

const char *
sr_campaign_get_callback_url (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->callback_url;
}

gint64
sr_campaign_get_scheduled_for (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), SR_TIME_NONE);

  return self->scheduled_for;
}

const char *
sr_campaign_get_timezone (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), NULL);

  return self->timezone;
}

gint64
sr_campaign_get_created_at (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), SR_TIME_NONE);

  return self->created_at;
}

gint64
sr_campaign_get_updated_at (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), SR_TIME_NONE);

  return self->updated_at;
}

gint64
sr_campaign_get_canceled_at (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), SR_TIME_NONE);

  return self->canceled_at;
}

gboolean
sr_campaign_get_is_api (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), FALSE);

  return self->is_api;
}

/* Counters that arrive negative or absurdly large would make the derived
 * figures meaningless (or overflow when added), so they are clamped here. */
static inline gint64
counter (gint64 value)
{
  return CLAMP (value, 0, G_MAXINT64 / 4);
}

gint64
sr_campaign_get_recipients (SrCampaign *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN (self), 0);

  return counter (self->delivered_messages)
         + counter (self->failed_messages)
         + counter (self->pending_messages)
         + counter (self->sent_messages);
}

double
sr_campaign_get_delivery_rate (SrCampaign *self)
{
  gint64 recipients;
  gint64 settled;

  g_return_val_if_fail (SR_IS_CAMPAIGN (self), -1.0);

  recipients = sr_campaign_get_recipients (self);
  settled = recipients - counter (self->pending_messages);

  if (settled <= 0)
    return -1.0;

  return CLAMP ((double) counter (self->delivered_messages) / (double) settled, 0.0, 1.0);
}
