/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-parse-values.h: what the two readers of a message page share.
 * json-glib's tree (sr-api-parse.c) and the single-pass reader
 * (sr-api-parse-fast.c) both turn members into Values, and every field
 * rule works on Values only, so the two paths cannot drift apart.
 */
#pragma once

#include "sr-api-parse.h"
#include "sr-message.h"

G_BEGIN_DECLS

typedef enum
{
  VALUE_NONE,       /* missing, null, object or array */
  VALUE_BOOLEAN,
  VALUE_INT,
  VALUE_DOUBLE,
  VALUE_STRING,
} ValueType;

typedef struct
{
  ValueType type;
  union
  {
    gboolean    boolean;
    gint64      integer;
    double      number;
    const char *string;   /* borrowed, NUL-terminated */
  };
} Value;

typedef enum
{
  ENVELOPE_CURRENT_PAGE,
  ENVELOPE_LAST_PAGE,
  ENVELOPE_PER_PAGE,
  ENVELOPE_TOTAL,
  N_ENVELOPE_FIELDS
} EnvelopeField;

extern const char * const sr_parse_envelope_field_names[N_ENVELOPE_FIELDS];

typedef enum
{
  FIELD_UNDERSCORE_ID,
  FIELD_ID,
  FIELD_CAMPAIGN_ID,
  FIELD_TO,
  FIELD_SENDER_ID,
  FIELD_MESSAGE,
  FIELD_STATUS,
  FIELD_SMS_COUNT,
  FIELD_COST,
  FIELD_CLIENT_COST,
  FIELD_FAILED_REASON,
  FIELD_CREATED_AT,
  FIELD_UPDATED_AT,
  FIELD_SENT_AT,
  FIELD_SCHEDULED_FOR,
  FIELD_TIMEZONE,
  FIELD_IS_API,
  FIELD_TYPE,
  FIELD_USER_ID,
  FIELD_CALLBACK_URL,
  FIELD_OPTOUT,
  FIELD_PROVIDER,
  FIELD_FINAL_CALLBACK_SENT,
  FIELD_MESSAGE_ID,
  FIELD_INTERNAL_FAILED_REASON,
  N_MESSAGE_FIELDS
} MessageField;

extern const char * const sr_parse_message_field_names[N_MESSAGE_FIELDS];

/* A message from its fields (indexed by MessageField), NULL without a
 * usable id; n_repaired counts a record that kept a repaired value. */
SrMessage *sr_parse_message_from_values   (const Value  *fields,
                                           guint        *n_repaired);
/* The envelope (indexed by EnvelopeField); @meta may be NULL. */
void       sr_parse_page_info_from_values (const Value  *root,
                                           const Value  *meta,
                                           SrPageInfo   *info);
/* TRUE when "success" says false. */
gboolean   sr_parse_value_says_failure    (const Value  *success);
void       sr_parse_skip_bom_and_spaces   (const char  **p,
                                           const char   *end);

G_END_DECLS
