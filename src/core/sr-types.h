/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-types.h: forward declarations and enums shared by the core library, so
 * headers do not need to include each other.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _SrMessage       SrMessage;
typedef struct _SrCampaign      SrCampaign;
typedef struct _SrApiClient     SrApiClient;
typedef struct _SrCache         SrCache;
typedef struct _SrSync          SrSync;
typedef struct _SrMessageList   SrMessageList;
typedef struct _SrCampaignList  SrCampaignList;

/* Times everywhere in the core are microseconds since the Unix epoch, UTC.
 * SR_TIME_NONE marks a missing value (the API sends null). */
#define SR_TIME_NONE ((gint64) 0)

/**
 * SrStatus:
 *
 * Delivery status of a message. Values are stored in the cache, so never
 * renumber them; add new ones at the end.
 */
typedef enum {
  SR_STATUS_UNKNOWN = 0,   /* anything the API sends that we do not know; raw string kept */
  SR_STATUS_DELIVERED,
  SR_STATUS_SENDING,
  SR_STATUS_SENT,
  SR_STATUS_FAILED,
  SR_STATUS_EXPIRED,
  SR_STATUS_QUEUED,
  SR_STATUS_SCHEDULED,
  SR_STATUS_REJECTED,
  SR_STATUS_UNSUBSCRIBED,
} SrStatus;

#define SR_N_STATUSES (SR_STATUS_UNSUBSCRIBED + 1)

/**
 * SrStatusGroup:
 *
 * Coarse groups used by charts and totals. SENT and EXPIRED are "unconfirmed",
 * never failures.
 */
typedef enum {
  SR_STATUS_GROUP_DELIVERED,
  SR_STATUS_GROUP_UNCONFIRMED,  /* SENT, EXPIRED */
  SR_STATUS_GROUP_PENDING,      /* SENDING, QUEUED, SCHEDULED */
  SR_STATUS_GROUP_FAILED,       /* FAILED */
  SR_STATUS_GROUP_NOT_SENT,     /* REJECTED, UNSUBSCRIBED */
  SR_STATUS_GROUP_OTHER,        /* unknown */
} SrStatusGroup;

#define SR_N_STATUS_GROUPS (SR_STATUS_GROUP_OTHER + 1)

typedef enum {
  SR_MESSAGE_SORT_CREATED,
  SR_MESSAGE_SORT_SENT,
  SR_MESSAGE_SORT_RECIPIENT,
  SR_MESSAGE_SORT_SENDER,
  SR_MESSAGE_SORT_STATUS,
  SR_MESSAGE_SORT_PARTS,
  SR_MESSAGE_SORT_COST,
  SR_MESSAGE_SORT_CAMPAIGN,
} SrMessageSort;

typedef enum {
  SR_CAMPAIGN_SORT_CREATED,
  SR_CAMPAIGN_SORT_SENDER,
  SR_CAMPAIGN_SORT_RECIPIENTS,
  SR_CAMPAIGN_SORT_DELIVERY_RATE,
  SR_CAMPAIGN_SORT_COST,
} SrCampaignSort;

G_END_DECLS
