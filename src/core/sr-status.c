/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status.c: everything the app says about a delivery status (label,
 * explanation, billable, final, group, style class) and about the network
 * failure reasons of docs/SMSTO-API.md, in one table each so the legend, the
 * dashboard, the logs and the CLI can never disagree.
 */

#define G_LOG_DOMAIN "sr-status"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-status.h"

typedef struct
{
  const char    *name;         /* as the API spells it */
  const char    *label;        /* N_() */
  const char    *description;  /* N_() */
  SrStatusGroup  group;
  guint          billable : 1;
  guint          final : 1;
} StatusInfo;

/* Indexed by SrStatus. The descriptions are the app's own wording of the
 * facts in docs/SMSTO-API.md: SENT and EXPIRED are never presented as failures,
 * and only REJECTED and UNSUBSCRIBED are free. */
static const StatusInfo status_info[SR_N_STATUSES] = {
  [SR_STATUS_UNKNOWN] = {
    "UNKNOWN",
    /* Translators: a delivery status the app does not know */
    N_("Other"),
    N_("SMS.to reported a status this app does not know yet. It is shown "
       "exactly as it was received and counted under “Other” in totals. "
       "It may still change at the next synchronization."),
    SR_STATUS_GROUP_OTHER, TRUE, FALSE,
  },
  [SR_STATUS_DELIVERED] = {
    "DELIVERED",
    N_("Delivered"),
    N_("The recipient’s network sent back a delivery report for this message. "
       "On routes that support handset reports, the phone itself confirmed "
       "that it received the message. This status will not change, and the "
       "message is billed."),
    SR_STATUS_GROUP_DELIVERED, TRUE, TRUE,
  },
  [SR_STATUS_SENDING] = {
    "SENDING",
    N_("Sending"),
    N_("SMS.to is handing the message over to the network; it has not reached "
       "the network yet. This normally lasts a short moment, and the status "
       "is updated at a later synchronization. The message is billed."),
    SR_STATUS_GROUP_PENDING, TRUE, FALSE,
  },
  [SR_STATUS_SENT] = {
    "SENT",
    N_("Sent"),
    N_("The message was handed over to the recipient’s network, which has not "
       "confirmed delivery. A confirmation can arrive hours later and turn it "
       "into Delivered, but some networks and countries never confirm, so a "
       "message can stay Sent for good even though it was received. This is "
       "not a failure. The message is billed."),
    SR_STATUS_GROUP_UNCONFIRMED, TRUE, FALSE,
  },
  [SR_STATUS_FAILED] = {
    "FAILED",
    N_("Failed"),
    N_("The network could not deliver the message. The failure reason, when "
       "there is one, tells why: if the problem is with the number, correct "
       "it or remove it from your lists; if it is temporary, such as a phone "
       "that is switched off, you can send the message again later. Failed "
       "messages are billed."),
    SR_STATUS_GROUP_FAILED, TRUE, TRUE,
  },
  [SR_STATUS_EXPIRED] = {
    "EXPIRED",
    N_("Expired"),
    N_("The message reached the network, but no final delivery report came "
       "back in time. Some routes never send one, so the recipient may well "
       "have received the message; its real outcome can no longer be found "
       "out. Do not count it as a failure. The message is billed."),
    SR_STATUS_GROUP_UNCONFIRMED, TRUE, TRUE,
  },
  [SR_STATUS_QUEUED] = {
    "QUEUED",
    N_("Queued"),
    N_("The message is waiting inside SMS.to to be processed and has not been "
       "handed to a network yet. It normally moves on shortly; the status is "
       "updated at a later synchronization. The message is billed."),
    SR_STATUS_GROUP_PENDING, TRUE, FALSE,
  },
  [SR_STATUS_SCHEDULED] = {
    "SCHEDULED",
    N_("Scheduled"),
    N_("You planned this message for a later time, and it has not been "
       "submitted yet. It is sent when that time comes. The message is "
       "billed."),
    SR_STATUS_GROUP_PENDING, TRUE, FALSE,
  },
  [SR_STATUS_REJECTED] = {
    "REJECTED",
    N_("Rejected"),
    N_("The message was never sent: the balance was too low, the number was "
       "not in a valid format, or SMS.to had a problem on its servers. It is "
       "not billed. Check your balance and the number, then send it again."),
    SR_STATUS_GROUP_NOT_SENT, FALSE, TRUE,
  },
  [SR_STATUS_UNSUBSCRIBED] = {
    "UNSUBSCRIBED",
    N_("Unsubscribed"),
    N_("The message was not sent because the recipient has opted out of your "
       "messages. It is not billed. Remove the number from your lists unless "
       "the recipient subscribes again."),
    SR_STATUS_GROUP_NOT_SENT, FALSE, TRUE,
  },
};

/* Indexed by SrStatusGroup. */
static const struct
{
  const char *label;        /* N_() */
  const char *style_class;
} group_info[SR_N_STATUS_GROUPS] = {
  [SR_STATUS_GROUP_DELIVERED] = { N_("Delivered"), "delivered" },
  /* Translators: sent or expired, delivery neither confirmed nor failed */
  [SR_STATUS_GROUP_UNCONFIRMED] = { N_("Unconfirmed"), "unconfirmed" },
  [SR_STATUS_GROUP_PENDING] = { N_("Pending"), "pending" },
  [SR_STATUS_GROUP_FAILED] = { N_("Failed"), "failed" },
  /* Translators: rejected or unsubscribed, never handed to a network */
  [SR_STATUS_GROUP_NOT_SENT] = { N_("Not sent"), "not-sent" },
  [SR_STATUS_GROUP_OTHER] = { N_("Other"), "other" },
};

static inline const StatusInfo *
lookup_status (SrStatus status)
{
  /* Values come from the cache too, so an out-of-range number is "unknown"
   * rather than an out-of-bounds read. */
  if ((guint) status >= SR_N_STATUSES)
    status = SR_STATUS_UNKNOWN;

  return &status_info[status];
}

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

SrStatus
sr_status_from_string (const char *str)
{
  const char *end;
  gsize len;

  if (str == NULL)
    return SR_STATUS_UNKNOWN;

  while (is_space (*str))
    str++;

  len = strlen (str);
  end = str + len;
  while (end > str && is_space (end[-1]))
    end--;
  len = end - str;

  if (len == 0)
    return SR_STATUS_UNKNOWN;

  for (guint i = SR_STATUS_UNKNOWN + 1; i < SR_N_STATUSES; i++)
    {
      const char *name = status_info[i].name;

      if (strlen (name) == len && g_ascii_strncasecmp (str, name, len) == 0)
        return (SrStatus) i;
    }

  return SR_STATUS_UNKNOWN;
}

const char *
sr_status_to_string (SrStatus status)
{
  return lookup_status (status)->name;
}

const char *
sr_status_get_label (SrStatus status)
{
  return g_dgettext (GETTEXT_PACKAGE, lookup_status (status)->label);
}

const char *
sr_status_get_description (SrStatus status)
{
  return g_dgettext (GETTEXT_PACKAGE, lookup_status (status)->description);
}

gboolean
sr_status_is_billable (SrStatus status)
{
  return lookup_status (status)->billable;
}

gboolean
sr_status_is_final (SrStatus status)
{
  return lookup_status (status)->final;
}

SrStatusGroup
sr_status_get_group (SrStatus status)
{
  return lookup_status (status)->group;
}

const char *
sr_status_get_style_class (SrStatus status)
{
  return group_info[lookup_status (status)->group].style_class;
}

const char *
sr_status_group_get_label (SrStatusGroup group)
{
  if ((guint) group >= SR_N_STATUS_GROUPS)
    group = SR_STATUS_GROUP_OTHER;

  return g_dgettext (GETTEXT_PACKAGE, group_info[group].label);
}

guint
sr_status_non_final_mask (void)
{
  guint mask = 0;

  for (guint i = 0; i < SR_N_STATUSES; i++)
    {
      if (!status_info[i].final)
        mask |= 1u << i;
    }

  return mask;
}

guint
sr_status_not_arrived_mask (void)
{
  return (1u << SR_STATUS_FAILED) |
         (1u << SR_STATUS_EXPIRED) |
         (1u << SR_STATUS_REJECTED) |
         (1u << SR_STATUS_UNSUBSCRIBED) |
         (1u << SR_STATUS_UNKNOWN);
}

/* Failure reasons */

typedef struct
{
  const char *key;          /* normalised: lower case, words separated by one space */
  const char *explanation;  /* N_() */
  gboolean    permanent;
} FailureReason;

/* The reasons of docs/SMSTO-API.md, "Failure reasons"; codes 1 to 8 are the
 * numbered ones, which SMS.to may show with their number in front. */
static const FailureReason failure_reasons[] = {
  { "unknown subscriber",
    N_("The recipient’s home network has no such number: it never existed, "
       "was cancelled or deactivated, or was moved to another network "
       "incorrectly. Check the number, and remove it from your lists if it "
       "is no longer in use."),
    TRUE },
  { "unknown base station",
    N_("The network could not find the cell that serves the recipient’s "
       "phone at that moment. This is usually temporary: send the message "
       "again later."),
    FALSE },
  { "equipment protocol error",
    N_("The recipient’s phone answered the network with a protocol error. "
       "This is usually temporary: send the message again later."),
    FALSE },
  { "equipment not equipped for sm",
    N_("The device behind this number cannot receive text messages. Sending "
       "again will not help; use another number for this recipient."),
    TRUE },
  { "equipment not equipped for sms",
    N_("The device behind this number cannot receive text messages. Sending "
       "again will not help; use another number for this recipient."),
    TRUE },
  { "unidentified subscriber",
    N_("The number is not registered in the network’s subscriber database. "
       "Check the number with the recipient, and remove it from your lists "
       "if it is wrong."),
    TRUE },
  { "illegal subscriber",
    N_("The recipient’s phone failed the network’s authentication, so the "
       "network refused to deliver to it. Sending again will not help until "
       "the recipient’s line is fixed; check the number with them."),
    TRUE },
  { "teleservice not provisioned",
    N_("The recipient’s subscription does not include text messages. Messages "
       "to this number will keep failing until the plan changes; reach the "
       "recipient another way."),
    TRUE },
  { "illegal equipment",
    N_("The network refused the recipient’s device because its identity "
       "(IMEI) check failed, for example because the device is blocked or "
       "unknown. Messages to it will keep failing; reach the recipient "
       "another way."),
    TRUE },
  { "invalid number",
    N_("The number is not in a valid format. Correct it, using the "
       "international format with the country code (for example "
       "+35799123456), then send the message again."),
    TRUE },
  { "absent subscriber",
    N_("The recipient’s phone was switched off, out of coverage or otherwise "
       "unreachable. Send the message again later."),
    FALSE },
  { "call barred",
    N_("The recipient or their operator blocks incoming text messages to this "
       "number. Messages will keep failing while the block is in place; "
       "remove the number or reach the recipient another way."),
    TRUE },
  { "system failure",
    N_("Something went wrong inside the recipient’s network. This is "
       "temporary: send the message again later."),
    FALSE },
  { "network error",
    N_("Something went wrong inside the recipient’s network. This is "
       "temporary: send the message again later."),
    FALSE },
  { "memory capacity exceeded",
    N_("The recipient’s phone has no room left for new messages. It can "
       "receive again once the recipient frees some space: send the message "
       "again later."),
    FALSE },
};

/* Longer than any reason we explain, with room for a code and punctuation. */
#define MAX_REASON_LEN 96

/* Lower-cases @reason and turns every run of characters that are not ASCII
 * letters or digits into one space, without leading or trailing spaces, so
 * "Unknown_Subscriber." and " unknown  subscriber" compare equal. Returns
 * FALSE when the result would not fit (then it is no reason we know). */
static gboolean
normalise_reason (const char *reason,
                  char        out[MAX_REASON_LEN])
{
  gsize n = 0;
  gboolean pending_space = FALSE;

  for (const char *p = reason; *p; p++)
    {
      char c = *p;

      if (g_ascii_isalnum (c))
        {
          if (pending_space && n > 0)
            {
              if (n + 1 >= MAX_REASON_LEN)
                return FALSE;
              out[n++] = ' ';
            }
          pending_space = FALSE;

          if (n + 1 >= MAX_REASON_LEN)
            return FALSE;
          out[n++] = g_ascii_tolower (c);
        }
      else
        {
          pending_space = TRUE;
        }
    }

  out[n] = '\0';

  return TRUE;
}

const char *
sr_failure_reason_explain (const char *reason,
                           gboolean   *out_permanent)
{
  char normalised[MAX_REASON_LEN];
  const char *key;

  if (out_permanent != NULL)
    *out_permanent = FALSE;

  if (reason == NULL || !normalise_reason (reason, normalised))
    return NULL;

  /* A leading numeric code: "1 - Unknown Subscriber", "(1) Unknown
   * Subscriber", "#1: Unknown Subscriber" all normalise to "1 unknown
   * subscriber". */
  key = normalised;
  if (g_ascii_isdigit (*key))
    {
      while (g_ascii_isdigit (*key))
        key++;
      if (*key != ' ')
        return NULL;
      key++;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (failure_reasons); i++)
    {
      if (strcmp (key, failure_reasons[i].key) == 0)
        {
          if (out_permanent != NULL)
            *out_permanent = failure_reasons[i].permanent;
          return g_dgettext (GETTEXT_PACKAGE, failure_reasons[i].explanation);
        }
    }

  return NULL;
}

/* --- names for statuses as received --- */

typedef struct
{
  const char *name;    /* as the API spells it */
  const char *label;   /* N_() */
} RawName;

/* Message statuses SMS.to's dashboard documentation mentions without
 * defining them: named, still grouped as "Other". */
static const RawName other_status_names[] = {
  /* Translators: a message status SMS.to reports but does not document */
  { "UNDELIVERED", N_("Undelivered") },
  /* Translators: a message status SMS.to reports but does not document */
  { "PENDING", N_("Pending") },
  /* Translators: a message status SMS.to reports but does not document */
  { "ONGOING", N_("Ongoing") },
};

/* Campaign statuses seen from SMS.to (not documented). */
static const RawName campaign_status_names[] = {
  /* Translators: a campaign's status */
  { "COMPLETED", N_("Completed") },
  /* Translators: a campaign's status */
  { "SENDING", N_("Sending") },
  /* Translators: a campaign's status */
  { "SCHEDULED", N_("Scheduled") },
  /* Translators: a campaign's status */
  { "CANCELED", N_("Canceled") },
  /* Translators: a campaign's status */
  { "CANCELLED", N_("Canceled") },
  /* Translators: a campaign's status */
  { "ONGOING", N_("Ongoing") },
  /* Translators: a campaign's status */
  { "PENDING", N_("Pending") },
  /* Translators: a campaign's status */
  { "QUEUED", N_("Queued") },
  /* Translators: a campaign's status */
  { "PAUSED", N_("Paused") },
  /* Translators: a campaign's status */
  { "DRAFT", N_("Draft") },
  /* Translators: a campaign's status */
  { "FAILED", N_("Failed") },
};

/* "PARTIALLY_SENT" → "Partially sent": a value nobody has translated yet,
 * written like the names around it. */
static char *
dup_sentence_case (const char *raw)
{
  g_autofree char *down = g_utf8_strdown (raw, -1);
  GString *out = g_string_new (NULL);
  gboolean first = TRUE;

  g_strdelimit (down, "_-", ' ');
  for (const char *p = down; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (first && g_unichar_isalpha (c))
        {
          g_string_append_unichar (out, g_unichar_totitle (c));
          first = FALSE;
        }
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static char *
dup_name (const RawName *names,
          gsize          n_names,
          const char    *raw)
{
  g_autofree char *trimmed = NULL;

  if (raw == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (raw));
  if (*trimmed == '\0')
    return NULL;

  for (gsize i = 0; i < n_names; i++)
    if (g_ascii_strcasecmp (trimmed, names[i].name) == 0)
      return g_strdup (g_dgettext (GETTEXT_PACKAGE, names[i].label));

  return dup_sentence_case (trimmed);
}

char *
sr_status_dup_display_name (SrStatus    status,
                            const char *raw)
{
  char *name;

  if (status != SR_STATUS_UNKNOWN)
    return g_strdup (sr_status_get_label (status));

  name = dup_name (other_status_names, G_N_ELEMENTS (other_status_names), raw);
  return name != NULL ? name : g_strdup (sr_status_get_label (SR_STATUS_UNKNOWN));
}

char *
sr_campaign_status_dup_label (const char *raw)
{
  return dup_name (campaign_status_names, G_N_ELEMENTS (campaign_status_names), raw);
}
