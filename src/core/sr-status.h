/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status.h: what each delivery status means (label, description,
 * billable, final, colour), parsed case-insensitively from the API string.
 */
#pragma once

#include "sr-types.h"

G_BEGIN_DECLS

SrStatus       sr_status_from_string       (const char *str);
/* Upper-case API name ("DELIVERED"); "UNKNOWN" for SR_STATUS_UNKNOWN. */
const char    *sr_status_to_string         (SrStatus    status);
/* Translated, human label ("Delivered"); "Other" for unknown. */
const char    *sr_status_get_label         (SrStatus    status);
/* Translated one-paragraph explanation in the project's own words. */
const char    *sr_status_get_description   (SrStatus    status);
gboolean       sr_status_is_billable       (SrStatus    status);
/* FALSE for SENDING, SENT, QUEUED, SCHEDULED (and unknown): they may change. */
gboolean       sr_status_is_final          (SrStatus    status);
/* CSS style name: "delivered", "unconfirmed", "pending", "failed", "not-sent", "other". */
const char    *sr_status_get_style_class   (SrStatus    status);
SrStatusGroup  sr_status_get_group         (SrStatus    status);
const char    *sr_status_group_get_label   (SrStatusGroup group);
/* Bit mask of sr_status_is_final() == FALSE statuses, as (1 << status). */
guint          sr_status_non_final_mask    (void);
/* Messages that did not arrive: FAILED, EXPIRED, REJECTED, UNSUBSCRIBED and
 * every unknown status (such as UNDELIVERED), as SrMessageFilter.status_mask
 * bits. Not DELIVERED, and not SENT or pending ones, which may still arrive. */
guint          sr_status_not_arrived_mask  (void);

/* Failure reasons (docs/SMSTO-API.md "Failure reasons"). Returns NULL when the
 * reason is not one we can explain; matching ignores case, a leading numeric
 * code and surrounding punctuation. */
const char    *sr_failure_reason_explain   (const char *reason,
                                            gboolean   *out_permanent);

/* What to call a status as received, translated: the label of a known
 * status; for an unknown one a name for the values SMS.to mentions without
 * documenting them ("UNDELIVERED" → "Undelivered"), else the value in
 * sentence case; "Other" when raw is empty. The raw value stays available
 * (details, exports, CLI). */
char          *sr_status_dup_display_name  (SrStatus    status,
                                            const char *raw);
/* Same for a campaign's status ("COMPLETED" → "Completed"); NULL when raw
 * is NULL or empty. */
char          *sr_campaign_status_dup_label (const char *raw);

G_END_DECLS
