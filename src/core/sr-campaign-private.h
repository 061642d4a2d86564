/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-private.h: construction of SrCampaign for the parser and the cache.
 */
#pragma once

#include "sr-campaign.h"

G_BEGIN_DECLS

struct _SrCampaign
{
  GObject  parent_instance;

  char    *id;                  /* never NULL */
  char    *campaign_type;       /* API field "type" */
  char    *user_id;
  char    *sender_id;
  char    *template_id;
  char    *message;
  char    *list_id;
  char    *status;              /* free-form, shown as is */
  char    *callback_url;
  char    *timezone;
  double   client_total_cost;
  double   estimated_cost;
  gint64   delivered_messages;
  gint64   failed_messages;
  gint64   pending_messages;
  gint64   sent_messages;
  gint64   scheduled_for;
  gint64   created_at;
  gint64   updated_at;
  gint64   canceled_at;
  int      sms_count;
  guint    bypass_optout : 1;
  guint    is_api : 1;
};

SrCampaign *sr_campaign_new_empty (void);
/* The one exception to "never changes once shared", on the main thread: a
 * list's placeholder (an empty campaign standing in for a row not read
 * yet) takes every field of from, which is left empty, and emits
 * notify::id. */
void        sr_campaign_fill_placeholder (SrCampaign *self,
                                          SrCampaign *from);

G_END_DECLS
