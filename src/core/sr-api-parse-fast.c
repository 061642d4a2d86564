/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-parse-fast.c: message pages read in one pass by sr-json-reader.c,
 * without building a json-glib tree. sr_api_parse_messages_page() tries this
 * first and falls back to json-glib whenever this reader cannot be sure to
 * give the same result.
 */

#define G_LOG_DOMAIN "sr-api-parse"

#include "config.h"

#include <string.h>

#include "sr-api-parse-private.h"
#include "sr-api-parse-values.h"
#include "sr-json-reader.h"
#include "sr-message-private.h"

/* Message pages without json-glib.
 *
 * A first sync reads hundreds of thousands of messages, and json-glib spends
 * most of the time building a node tree that is thrown away. This path reads
 * the body in one pass with sr-json-reader.c, notes for each member it knows
 * where its value stands in the text (the last one wins, as in json-glib's
 * objects), and only then turns those into Values for sr_parse_message_from_values():
 * the field rules are the very same functions as on the json-glib path.
 *
 * The reader gives up on anything that is not plain JSON, and so does this
 * code on any shape it does not expect (an escaped member name, "data" or
 * "meta" twice, an error body…). sr_api_parse_messages_page() then runs the
 * json-glib path, which stays the reference for every result and every
 * error message: giving up costs time, never a different answer. */

/* Room for the decoded strings of one record or one envelope, reused. */
typedef struct
{
  char  *data;   /* owned */
  gsize  size;
  gsize  used;
} Scratch;

static void
scratch_clear (Scratch *scratch)
{
  g_clear_pointer (&scratch->data, g_free);
  scratch->size = 0;
  scratch->used = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scratch, scratch_clear)

/* Empties @scratch with room for @needed bytes; earlier strings are gone. */
static void
scratch_reset (Scratch *scratch,
               gsize    needed)
{
  if (needed > scratch->size)
    {
      scratch->size = MAX (needed, MAX (scratch->size * 2, 4096));
      g_free (scratch->data);
      scratch->data = g_malloc (scratch->size);
    }

  scratch->used = 0;
}

/* Room that value_from_token() needs in the scratch for @token. */
static inline gsize
token_scratch_size (const SrJsonToken *token)
{
  return token->kind == SR_JSON_STRING ? token->len + 1 : 0;
}

/* FALSE when json-glib might read the token differently (see
 * sr-json-reader.c): too many digits, an escaped NUL. */
static gboolean
value_from_token (const SrJsonToken *token,
                  Scratch           *scratch,
                  Value             *out)
{
  gsize len;

  switch (token->kind)
    {
    case SR_JSON_TRUE:
    case SR_JSON_FALSE:
      out->type = VALUE_BOOLEAN;
      out->boolean = token->kind == SR_JSON_TRUE;
      return TRUE;

    case SR_JSON_INT:
      out->type = VALUE_INT;
      return sr_json_token_get_int64 (token, &out->integer);

    case SR_JSON_DOUBLE:
      out->type = VALUE_DOUBLE;
      return sr_json_token_get_double (token, &out->number);

    case SR_JSON_STRING:
      g_assert (scratch->used + token->len + 1 <= scratch->size);
      if (!sr_json_token_decode_string (token, scratch->data + scratch->used, &len))
        return FALSE;
      out->type = VALUE_STRING;
      out->string = scratch->data + scratch->used;
      scratch->used += len + 1;
      return TRUE;

    case SR_JSON_NULL:
    case SR_JSON_OBJECT:
    case SR_JSON_ARRAY:
    default:
      out->type = VALUE_NONE;
      return TRUE;
    }
}

#define KEY_IS(key, name) \
  ((key)->len == sizeof (name) - 1 && memcmp ((key)->start, name, sizeof (name) - 1) == 0)

static int
envelope_field_from_key (const SrJsonToken *key)
{
  for (guint i = 0; i < N_ENVELOPE_FIELDS; i++)
    {
      if (key->len == strlen (sr_parse_envelope_field_names[i]) &&
          memcmp (key->start, sr_parse_envelope_field_names[i], key->len) == 0)
        return i;
    }

  return -1;
}

/* The MessageField of an unescaped member name, or -1. Runs for every
 * member of every message, hence the switch on the length. */
static int
message_field_from_key (const SrJsonToken *key)
{
  const char *name = key->start;

#define FIELD_IF(field) \
  if (memcmp (name, sr_parse_message_field_names[field], key->len) == 0) \
    return field;

  switch (key->len)
    {
    case 2:
      FIELD_IF (FIELD_ID);
      FIELD_IF (FIELD_TO);
      break;
    case 3:
      FIELD_IF (FIELD_UNDERSCORE_ID);
      break;
    case 4:
      FIELD_IF (FIELD_COST);
      FIELD_IF (FIELD_TYPE);
      break;
    case 6:
      FIELD_IF (FIELD_STATUS);
      FIELD_IF (FIELD_IS_API);
      FIELD_IF (FIELD_OPTOUT);
      break;
    case 7:
      FIELD_IF (FIELD_MESSAGE);
      FIELD_IF (FIELD_SENT_AT);
      FIELD_IF (FIELD_USER_ID);
      break;
    case 8:
      FIELD_IF (FIELD_TIMEZONE);
      FIELD_IF (FIELD_PROVIDER);
      break;
    case 9:
      FIELD_IF (FIELD_SENDER_ID);
      FIELD_IF (FIELD_SMS_COUNT);
      break;
    case 10:
      FIELD_IF (FIELD_CREATED_AT);
      FIELD_IF (FIELD_UPDATED_AT);
      FIELD_IF (FIELD_MESSAGE_ID);
      break;
    case 11:
      FIELD_IF (FIELD_CAMPAIGN_ID);
      FIELD_IF (FIELD_CLIENT_COST);
      break;
    case 12:
      FIELD_IF (FIELD_CALLBACK_URL);
      break;
    case 13:
      FIELD_IF (FIELD_FAILED_REASON);
      FIELD_IF (FIELD_SCHEDULED_FOR);
      break;
    case 19:
      FIELD_IF (FIELD_FINAL_CALLBACK_SENT);
      break;
    case 22:
      FIELD_IF (FIELD_INTERNAL_FAILED_REASON);
      break;
    default:
      break;
    }

#undef FIELD_IF

  return -1;
}

/* The members of a message object whose '{' was just read. *out_message is
 * NULL for a record without an id. FALSE: give up. */
static gboolean
read_message (SrJsonReader  *reader,
              Scratch       *scratch,
              SrMessage    **out_message,
              guint         *n_repaired)
{
  SrJsonToken tokens[N_MESSAGE_FIELDS];
  Value fields[N_MESSAGE_FIELDS];
  SrJsonToken key, value;
  SrJsonStep step;
  guint32 seen = 0;
  gsize needed = 0;

  while ((step = sr_json_reader_next_member (reader, &key)) == SR_JSON_STEP_ITEM)
    {
      int field;

      /* json-glib compares decoded names ("\u0069d" is "id", "id\u0000x"
       * too); real APIs never escape theirs. */
      if (key.escaped)
        return FALSE;

      if (!sr_json_reader_read (reader, &value) || !sr_json_reader_skip (reader, &value))
        return FALSE;

      field = message_field_from_key (&key);
      if (field >= 0)
        {
          tokens[field] = value;
          seen |= 1u << field;
        }
    }

  if (step != SR_JSON_STEP_END)
    return FALSE;

  for (guint i = 0; i < N_MESSAGE_FIELDS; i++)
    {
      if (seen & (1u << i))
        needed += token_scratch_size (&tokens[i]);
    }
  scratch_reset (scratch, needed);

  for (guint i = 0; i < N_MESSAGE_FIELDS; i++)
    {
      if (!(seen & (1u << i)))
        fields[i].type = VALUE_NONE;
      else if (!value_from_token (&tokens[i], scratch, &fields[i]))
        return FALSE;
    }

  *out_message = sr_parse_message_from_values (fields, n_repaired);

  return TRUE;
}

/* The elements of the "data" array whose '[' was just read. Like
 * parse_page(), anything but an object is skipped and counted. */
static gboolean
read_messages (SrJsonReader *reader,
               Scratch      *scratch,
               SrPage       *page)
{
  SrJsonToken token;
  SrJsonStep step;

  while ((step = sr_json_reader_next_element (reader)) == SR_JSON_STEP_ITEM)
    {
      SrMessage *message = NULL;

      if (!sr_json_reader_read (reader, &token))
        return FALSE;

      if (token.kind == SR_JSON_OBJECT)
        {
          if (!read_message (reader, scratch, &message, &page->info.n_repaired))
            return FALSE;
        }
      else if (!sr_json_reader_skip (reader, &token))
        return FALSE;

      if (message != NULL)
        g_ptr_array_add (page->items, message);
      else
        page->info.n_skipped++;
    }

  return step == SR_JSON_STEP_END;
}

/* The envelope fields among the members of an object whose '{' was just
 * read ("meta"); *seen gets a bit per EnvelopeField found. */
static gboolean
read_envelope_object (SrJsonReader *reader,
                      SrJsonToken  *tokens,
                      guint        *seen)
{
  SrJsonToken key, value;
  SrJsonStep step;

  while ((step = sr_json_reader_next_member (reader, &key)) == SR_JSON_STEP_ITEM)
    {
      int field;

      if (key.escaped)
        return FALSE;

      if (!sr_json_reader_read (reader, &value) || !sr_json_reader_skip (reader, &value))
        return FALSE;

      field = envelope_field_from_key (&key);
      if (field >= 0)
        {
          tokens[field] = value;
          *seen |= 1u << field;
        }
    }

  return step == SR_JSON_STEP_END;
}

/* Envelope tokens to Values in @scratch, which must have room for them. */
static gboolean
envelope_values_from_tokens (const SrJsonToken *tokens,
                             guint              seen,
                             Scratch           *scratch,
                             Value             *values)
{
  for (guint i = 0; i < N_ENVELOPE_FIELDS; i++)
    {
      if (!(seen & (1u << i)))
        values[i].type = VALUE_NONE;
      else if (!value_from_token (&tokens[i], scratch, &values[i]))
        return FALSE;
    }

  return TRUE;
}

static gsize
envelope_scratch_size (const SrJsonToken *tokens,
                       guint              seen)
{
  gsize size = 0;

  for (guint i = 0; i < N_ENVELOPE_FIELDS; i++)
    {
      if (seen & (1u << i))
        size += token_scratch_size (&tokens[i]);
    }

  return size;
}

/* NULL when the body is not one this path reads with certainty. */
SrPage *
sr_api_parse_messages_page_fast (GBytes *body)
{
  g_autoptr(SrPage) page = NULL;
  g_auto(Scratch) scratch = { 0 };
  SrJsonReader reader;
  SrJsonToken token, key;
  SrJsonToken success_token = { SR_JSON_NULL, NULL, 0, FALSE };
  SrJsonToken root_tokens[N_ENVELOPE_FIELDS];
  SrJsonToken meta_tokens[N_ENVELOPE_FIELDS];
  Value success;
  Value root_values[N_ENVELOPE_FIELDS];
  Value meta_values[N_ENVELOPE_FIELDS];
  guint root_seen = 0, meta_seen = 0;
  gboolean has_data = FALSE, has_meta = FALSE, meta_is_object = FALSE;
  SrJsonStep step;
  const char *data, *p, *end;
  gsize len = 0;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &len);
  if (data == NULL)
    return NULL;

  /* Where parse_body() starts json-glib. */
  p = data;
  end = data + len;
  sr_parse_skip_bom_and_spaces (&p, end);

  sr_json_reader_init (&reader, p, end - p);
  if (!sr_json_reader_read (&reader, &token))
    return NULL;

  page = sr_page_new ();
  page->n_bytes = len;

  if (token.kind == SR_JSON_ARRAY)
    {
      /* A bare array is a page without an envelope. */
      if (!read_messages (&reader, &scratch, page) || !sr_json_reader_at_end (&reader))
        return NULL;

      return g_steal_pointer (&page);
    }

  if (token.kind != SR_JSON_OBJECT)
    return NULL;

  while ((step = sr_json_reader_next_member (&reader, &key)) == SR_JSON_STEP_ITEM)
    {
      int field;

      if (key.escaped || !sr_json_reader_read (&reader, &token))
        return NULL;

      if (KEY_IS (&key, "data"))
        {
          /* json-glib would keep the last "data"; its absence or another
           * type is an error body, whose message json-glib's path makes. */
          if (has_data || token.kind != SR_JSON_ARRAY)
            return NULL;
          has_data = TRUE;

          if (!read_messages (&reader, &scratch, page))
            return NULL;
          continue;
        }

      if (KEY_IS (&key, "meta"))
        {
          if (has_meta)
            return NULL;
          has_meta = TRUE;

          if (token.kind == SR_JSON_OBJECT)
            {
              meta_is_object = TRUE;
              if (!read_envelope_object (&reader, meta_tokens, &meta_seen))
                return NULL;
              continue;
            }
        }
      else if (KEY_IS (&key, "success"))
        success_token = token;
      else if ((field = envelope_field_from_key (&key)) >= 0)
        {
          root_tokens[field] = token;
          root_seen |= 1u << field;
        }

      if (!sr_json_reader_skip (&reader, &token))
        return NULL;
    }

  if (step != SR_JSON_STEP_END || !has_data || !sr_json_reader_at_end (&reader))
    return NULL;

  scratch_reset (&scratch,
                 token_scratch_size (&success_token) +
                 envelope_scratch_size (root_tokens, root_seen) +
                 envelope_scratch_size (meta_tokens, meta_seen));

  if (!value_from_token (&success_token, &scratch, &success) ||
      !envelope_values_from_tokens (root_tokens, root_seen, &scratch, root_values) ||
      !envelope_values_from_tokens (meta_tokens, meta_seen, &scratch, meta_values))
    return NULL;

  if (sr_parse_value_says_failure (&success))
    return NULL;

  sr_parse_page_info_from_values (root_values, meta_is_object ? meta_values : NULL, &page->info);

  return g_steal_pointer (&page);
}

#undef KEY_IS

