/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-json-reader.c: the strict JSON pull reader behind the fast message-page
 * parser (see sr-json-reader.h). It owns the question "is this JSON that
 * json-glib reads exactly the way we do?", and answers "no" whenever in
 * doubt: the caller then falls back to json-glib, so a wrong "no" costs
 * speed, never correctness. What json-glib 1.6 does differently from
 * RFC 8259, and why each case is refused here rather than imitated:
 *  - it reads "0123" as octal, "1." and ".5" as numbers, "- 1" as -1, wraps
 *    integers beyond 64 bits, and accepts raw control characters in
 *    strings: refused (leading zeros, malformed numbers, control bytes);
 *  - it cuts a string at an escaped NUL (\u0000): refused when decoding;
 *  - it rejects the whole text if any byte is invalid UTF-8, NUL included:
 *    every string is validated with g_utf8_validate_len() and nothing but
 *    ASCII structure is accepted outside strings;
 *  - it accepts several top-level values: the caller checks that only
 *    whitespace follows the first one (sr_json_reader_at_end()).
 * Lone UTF-16 surrogate escapes are decoded to U+FFFD, as the json-glib path
 * of sr-api-parse.c does by patching them before json-glib sees them.
 */

#define G_LOG_DOMAIN "sr-json-reader"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-json-reader.h"

/* Bytes that stand for themselves inside a string: not '"', not '\\', not a
 * control character, not part of a multi-byte sequence. */
static const guint8 plain_string_byte[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* JSON's four whitespace characters; json-glib rejects '\f' and '\v'. */
static inline const char *
skip_whitespace (const char *p,
                 const char *end)
{
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;

  return p;
}

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static inline int
hex4_value (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

void
sr_json_reader_init (SrJsonReader *reader,
                     const char   *data,
                     gsize         len)
{
  g_assert (reader != NULL);
  g_assert (data != NULL || len == 0);

  reader->pos = data;
  reader->end = data + len;
  reader->depth = 0;
  reader->fresh = FALSE;
}

/* reader->pos stands after the opening quote. */
static gboolean
read_string (SrJsonReader *reader,
             SrJsonToken  *token)
{
  const guchar *p = (const guchar *) reader->pos;
  const guchar *end = (const guchar *) reader->end;
  gboolean escaped = FALSE;

  for (;;)
    {
      while (p < end && plain_string_byte[*p])
        p++;

      if (p == end)
        return FALSE;

      if (*p == '"')
        break;

      if (*p == '\\')
        {
          if (end - p < 2)
            return FALSE;

          switch (p[1])
            {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
              p += 2;
              break;

            case 'u':
              if (end - p < 6 || hex4_value ((const char *) p + 2) < 0)
                return FALSE;
              p += 6;
              break;

            default:
              return FALSE;
            }

          escaped = TRUE;
        }
      else if (*p >= 0x80)
        {
          /* A multi-byte sequence never contains an ASCII byte, so checking
           * each run of non-ASCII bytes is checking the whole text, with
           * the very function json-glib's verdict comes from. */
          const guchar *run = p;

          while (p < end && *p >= 0x80)
            p++;

          if (!g_utf8_validate_len ((const char *) run, p - run, NULL))
            return FALSE;
        }
      else
        return FALSE;   /* a raw control character */
    }

  token->kind = SR_JSON_STRING;
  token->start = reader->pos;
  token->len = (const char *) p - reader->pos;
  token->escaped = escaped;
  reader->pos = (const char *) p + 1;

  return TRUE;
}

static gboolean
read_number (SrJsonReader *reader,
             SrJsonToken  *token)
{
  const char *p = reader->pos;
  const char *end = reader->end;
  gboolean is_double = FALSE;

  if (*p == '-')
    p++;

  if (p == end)
    return FALSE;

  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    {
      while (p < end && is_digit (*p))
        p++;
    }
  else
    return FALSE;

  if (p < end && *p == '.')
    {
      p++;
      if (p == end || !is_digit (*p))
        return FALSE;
      while (p < end && is_digit (*p))
        p++;
      is_double = TRUE;
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !is_digit (*p))
        return FALSE;
      while (p < end && is_digit (*p))
        p++;
      is_double = TRUE;
    }

  /* "0123" would otherwise read as 0 followed by garbage, which the caller
   * rejects anyway; refusing here says why. */
  if (p < end && (is_digit (*p) || *p == '.' || g_ascii_isalpha (*p)))
    return FALSE;

  token->kind = is_double ? SR_JSON_DOUBLE : SR_JSON_INT;
  token->start = reader->pos;
  token->len = p - reader->pos;
  token->escaped = FALSE;
  reader->pos = p;

  return TRUE;
}

static gboolean
read_literal (SrJsonReader *reader,
              SrJsonToken  *token,
              const char   *word,
              gsize         len,
              SrJsonKind    kind)
{
  if ((gsize) (reader->end - reader->pos) < len || memcmp (reader->pos, word, len) != 0)
    return FALSE;

  token->kind = kind;
  token->start = reader->pos;
  token->len = len;
  token->escaped = FALSE;
  reader->pos += len;

  return TRUE;
}

/**
 * sr_json_reader_read:
 * @reader: a reader
 * @token: (out): the value
 *
 * Reads the next value. A scalar is read whole; of an object or an array
 * only the opening bracket is read, and the caller walks it with
 * sr_json_reader_next_member() or sr_json_reader_next_element() (or
 * sr_json_reader_skip()).
 *
 * Returns: %FALSE when the text there is no value this reader accepts
 */
gboolean
sr_json_reader_read (SrJsonReader *reader,
                     SrJsonToken  *token)
{
  g_assert (reader != NULL);
  g_assert (token != NULL);

  reader->pos = skip_whitespace (reader->pos, reader->end);
  reader->fresh = FALSE;

  if (reader->pos == reader->end)
    return FALSE;

  switch (*reader->pos)
    {
    case '{':
    case '[':
      if (++reader->depth > SR_JSON_MAX_NESTING)
        return FALSE;
      token->kind = *reader->pos == '{' ? SR_JSON_OBJECT : SR_JSON_ARRAY;
      token->start = reader->pos;
      token->len = 1;
      token->escaped = FALSE;
      reader->pos++;
      reader->fresh = TRUE;
      return TRUE;

    case '"':
      reader->pos++;
      return read_string (reader, token);

    case 't':
      return read_literal (reader, token, "true", 4, SR_JSON_TRUE);

    case 'f':
      return read_literal (reader, token, "false", 5, SR_JSON_FALSE);

    case 'n':
      return read_literal (reader, token, "null", 4, SR_JSON_NULL);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return read_number (reader, token);

    default:
      return FALSE;
    }
}

/* The closing bracket @close, or a ',' unless just after the opening one. */
static SrJsonStep
next_item (SrJsonReader *reader,
           char          close)
{
  const char *p = skip_whitespace (reader->pos, reader->end);

  if (p == reader->end)
    return SR_JSON_STEP_ERROR;

  if (*p == close)
    {
      g_assert (reader->depth > 0);
      reader->depth--;
      reader->pos = p + 1;
      reader->fresh = FALSE;
      return SR_JSON_STEP_END;
    }

  if (!reader->fresh)
    {
      if (*p != ',')
        return SR_JSON_STEP_ERROR;
      p++;
    }

  reader->pos = p;
  reader->fresh = FALSE;

  return SR_JSON_STEP_ITEM;
}

/**
 * sr_json_reader_next_member:
 * @reader: a reader inside an object
 * @key: (out): the member's name, as a string token
 *
 * Moves to the next member of the object whose '{' was read last at this
 * level and reads its name and the ':'; the value is read next with
 * sr_json_reader_read().
 */
SrJsonStep
sr_json_reader_next_member (SrJsonReader *reader,
                            SrJsonToken  *key)
{
  SrJsonStep step;

  g_assert (reader != NULL);
  g_assert (key != NULL);

  step = next_item (reader, '}');
  if (step != SR_JSON_STEP_ITEM)
    return step;

  reader->pos = skip_whitespace (reader->pos, reader->end);
  if (reader->pos == reader->end || *reader->pos != '"')
    return SR_JSON_STEP_ERROR;

  reader->pos++;
  if (!read_string (reader, key))
    return SR_JSON_STEP_ERROR;

  reader->pos = skip_whitespace (reader->pos, reader->end);
  if (reader->pos == reader->end || *reader->pos != ':')
    return SR_JSON_STEP_ERROR;
  reader->pos++;

  return SR_JSON_STEP_ITEM;
}

/**
 * sr_json_reader_next_element:
 * @reader: a reader inside an array
 *
 * Moves to the next element of the array; the element is read next with
 * sr_json_reader_read().
 */
SrJsonStep
sr_json_reader_next_element (SrJsonReader *reader)
{
  g_assert (reader != NULL);

  return next_item (reader, ']');
}

/**
 * sr_json_reader_skip:
 * @reader: a reader
 * @token: the value sr_json_reader_read() returned last
 *
 * Reads the rest of @token when it is an object or an array, checking it
 * as thoroughly as anything else; scalars are already complete. Recursion
 * is bounded by %SR_JSON_MAX_NESTING.
 */
gboolean
sr_json_reader_skip (SrJsonReader      *reader,
                     const SrJsonToken *token)
{
  SrJsonToken key, value;
  SrJsonStep step;

  g_assert (reader != NULL);
  g_assert (token != NULL);

  if (token->kind == SR_JSON_OBJECT)
    {
      while ((step = sr_json_reader_next_member (reader, &key)) == SR_JSON_STEP_ITEM)
        {
          if (!sr_json_reader_read (reader, &value) || !sr_json_reader_skip (reader, &value))
            return FALSE;
        }

      return step == SR_JSON_STEP_END;
    }
  else if (token->kind == SR_JSON_ARRAY)
    {
      while ((step = sr_json_reader_next_element (reader)) == SR_JSON_STEP_ITEM)
        {
          if (!sr_json_reader_read (reader, &value) || !sr_json_reader_skip (reader, &value))
            return FALSE;
        }

      return step == SR_JSON_STEP_END;
    }

  return TRUE;
}

/* TRUE when only whitespace is left. */
gboolean
sr_json_reader_at_end (SrJsonReader *reader)
{
  g_assert (reader != NULL);

  reader->pos = skip_whitespace (reader->pos, reader->end);

  return reader->pos == reader->end && reader->depth == 0;
}

/**
 * sr_json_token_get_int64:
 * @token: an %SR_JSON_INT token
 * @out: (out): its value
 *
 * Returns: %FALSE for other tokens and for integers of more than 18 digits,
 *   which json-glib may wrap around
 */
gboolean
sr_json_token_get_int64 (const SrJsonToken *token,
                         gint64            *out)
{
  const char *p = token->start;
  const char *end = token->start + token->len;
  gboolean negative = FALSE;
  gint64 value = 0;

  if (token->kind != SR_JSON_INT)
    return FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (end - p > 18)
    return FALSE;

  for (; p < end; p++)
    value = value * 10 + (*p - '0');

  *out = negative ? -value : value;

  return TRUE;
}

/**
 * sr_json_token_get_double:
 * @token: an %SR_JSON_DOUBLE (or %SR_JSON_INT) token
 * @out: (out): its value, possibly infinite as json-glib reads "1e400"
 *
 * json-glib converts the same text with g_ascii_strtod() (or g_strtod(),
 * which agrees on every text read_number() accepts).
 *
 * Returns: %FALSE for other tokens and for absurdly long numbers
 */
gboolean
sr_json_token_get_double (const SrJsonToken *token,
                          double            *out)
{
  char buf[64];

  if ((token->kind != SR_JSON_DOUBLE && token->kind != SR_JSON_INT) || token->len >= sizeof buf)
    return FALSE;

  memcpy (buf, token->start, token->len);
  buf[token->len] = '\0';
  *out = g_ascii_strtod (buf, NULL);

  return TRUE;
}

static inline char *
append_unichar (char     *out,
                gunichar  c)
{
  if (c < 0x80)
    *out++ = (char) c;
  else if (c < 0x800)
    {
      *out++ = (char) (0xC0 | (c >> 6));
      *out++ = (char) (0x80 | (c & 0x3F));
    }
  else if (c < 0x10000)
    {
      *out++ = (char) (0xE0 | (c >> 12));
      *out++ = (char) (0x80 | ((c >> 6) & 0x3F));
      *out++ = (char) (0x80 | (c & 0x3F));
    }
  else
    {
      *out++ = (char) (0xF0 | (c >> 18));
      *out++ = (char) (0x80 | ((c >> 12) & 0x3F));
      *out++ = (char) (0x80 | ((c >> 6) & 0x3F));
      *out++ = (char) (0x80 | (c & 0x3F));
    }

  return out;
}

/**
 * sr_json_token_decode_string:
 * @token: an %SR_JSON_STRING token
 * @out: room for @token->len + 1 bytes (decoding never makes a string longer)
 * @out_len: (out) (optional): length written, without the trailing NUL
 *
 * Decodes the escapes of a string already checked by the reader and
 * terminates it with a NUL.
 *
 * Returns: %FALSE when the string holds "\u0000", which json-glib would
 *   cut the string at
 */
gboolean
sr_json_token_decode_string (const SrJsonToken *token,
                             char              *out,
                             gsize             *out_len)
{
  const char *p = token->start;
  const char *end = token->start + token->len;
  char *o = out;

  g_assert (token->kind == SR_JSON_STRING);

  if (!token->escaped)
    {
      memcpy (out, token->start, token->len);
      out[token->len] = '\0';
      if (out_len != NULL)
        *out_len = token->len;
      return TRUE;
    }

  while (p < end)
    {
      const char *backslash = memchr (p, '\\', end - p);
      int unit;

      if (backslash == NULL)
        backslash = end;

      memcpy (o, p, backslash - p);
      o += backslash - p;
      p = backslash;
      if (p == end)
        break;

      /* read_string() checked every escape, so p[1] and \u's four hex
       * digits are there. */
      switch (p[1])
        {
        case 'b': *o++ = '\b'; p += 2; break;
        case 'f': *o++ = '\f'; p += 2; break;
        case 'n': *o++ = '\n'; p += 2; break;
        case 'r': *o++ = '\r'; p += 2; break;
        case 't': *o++ = '\t'; p += 2; break;

        case 'u':
          unit = hex4_value (p + 2);
          p += 6;

          if (unit == 0)
            return FALSE;

          /* The same pairing rule as prescan_json() in sr-api-parse.c. */
          if (unit >= 0xD800 && unit <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
            {
              int low = hex4_value (p + 2);

              if (low >= 0xDC00 && low <= 0xDFFF)
                {
                  o = append_unichar (o, 0x10000 + (((gunichar) unit - 0xD800) << 10) + ((gunichar) low - 0xDC00));
                  p += 6;
                  break;
                }
            }

          if (unit >= 0xD800 && unit <= 0xDFFF)
            unit = 0xFFFD;

          o = append_unichar (o, (gunichar) unit);
          break;

        default:   /* '"', '\\' and '/' stand for themselves */
          *o++ = p[1];
          p += 2;
          break;
        }
    }

  *o = '\0';
  if (out_len != NULL)
    *out_len = o - out;

  return TRUE;
}
