/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-json-reader.h: a strict, allocation-free pull reader over a JSON text,
 * for the message-page fast path of sr-api-parse.c. It accepts only
 * RFC 8259 JSON that json-glib reads to the same values; on anything else
 * (comments, leading zeros, raw control characters in strings, invalid
 * UTF-8, deeper nesting than SR_JSON_MAX_NESTING…) a call returns FALSE or
 * SR_JSON_STEP_ERROR, and the caller is expected to hand the body to
 * json-glib instead, which then decides what it means.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The same limit as the json-glib path of sr-api-parse.c. */
#define SR_JSON_MAX_NESTING 64

typedef enum
{
  SR_JSON_NULL,
  SR_JSON_FALSE,
  SR_JSON_TRUE,
  SR_JSON_INT,      /* no fraction, no exponent (json-glib: G_TYPE_INT64) */
  SR_JSON_DOUBLE,   /* with a fraction or an exponent (G_TYPE_DOUBLE) */
  SR_JSON_STRING,
  SR_JSON_OBJECT,   /* only the '{' was read */
  SR_JSON_ARRAY,    /* only the '[' was read */
} SrJsonKind;

/* A value as it stands in the text; nothing is decoded or copied. */
typedef struct
{
  SrJsonKind  kind;
  const char *start;    /* strings: after the opening quote; numbers: first character */
  gsize       len;      /* strings: up to the closing quote, escapes included */
  gboolean    escaped;  /* a string with at least one backslash escape */
} SrJsonToken;

typedef struct
{
  const char *pos;
  const char *end;
  guint       depth;
  gboolean    fresh;    /* just after a '{' or '[': no ',' expected */
} SrJsonReader;

typedef enum
{
  SR_JSON_STEP_ERROR,   /* not JSON this reader handles: give up */
  SR_JSON_STEP_ITEM,    /* another member or element follows */
  SR_JSON_STEP_END,     /* the closing bracket was read */
} SrJsonStep;

void        sr_json_reader_init          (SrJsonReader      *reader,
                                          const char        *data,
                                          gsize              len);
gboolean    sr_json_reader_read          (SrJsonReader      *reader,
                                          SrJsonToken       *token);
SrJsonStep  sr_json_reader_next_member   (SrJsonReader      *reader,
                                          SrJsonToken       *key);
SrJsonStep  sr_json_reader_next_element  (SrJsonReader      *reader);
gboolean    sr_json_reader_skip          (SrJsonReader      *reader,
                                          const SrJsonToken *token);
gboolean    sr_json_reader_at_end        (SrJsonReader      *reader);

gboolean    sr_json_token_get_int64      (const SrJsonToken *token,
                                          gint64            *out);
gboolean    sr_json_token_get_double     (const SrJsonToken *token,
                                          double            *out);
gboolean    sr_json_token_decode_string  (const SrJsonToken *token,
                                          char              *out,
                                          gsize             *out_len);

G_END_DECLS
