/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-parse.c: response bodies to records. The field variants SMS.to is
 * known to send (docs/SMSTO-API.md, "Parsing rules") are all accepted here, so the
 * rest of the app sees one shape. Pure functions without I/O or global state:
 * safe on worker threads and suitable for fuzzing (tests/fuzz-parse.c).
 *
 * Speed matters because a first sync can read hundreds of thousands of
 * messages: message pages are read in one pass by sr-json-reader.c straight
 * into SrMessage structs (sr-api-parse-fast.c), and only bodies that reader
 * is not sure about go through json-glib. Before either reads a page, its
 * text is repaired (sr_api_parse_repair_body()). Every
 * other body goes through one JsonParser, members are read straight from
 * the tree, and only the strings a record keeps are copied.
 */

#define G_LOG_DOMAIN "sr-api-parse"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sr-api-error.h"
#include "sr-api-parse.h"
#include "sr-api-parse-private.h"
#include "sr-api-parse-values.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-status.h"
#include "sr-time.h"

/* json-glib's parser recurses once per nesting level and has no limit of its
 * own, so a hostile or broken body of a million '[' would overflow the stack.
 * Real responses nest three levels deep. */
#define MAX_NESTING 64


typedef struct
{
  JsonParser *parser;
  JsonNode   *root;         /* owned by parser */
} ParseContext;

static void
parse_context_clear (ParseContext *ctx)
{
  g_clear_object (&ctx->parser);
  ctx->root = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ParseContext, parse_context_clear)

/* Small scalar helpers */

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims ASCII spaces around [*start, *end). */
static inline void
trim_span (const char **start,
           const char **end)
{
  while (*start < *end && is_space (**start))
    (*start)++;
  while (*end > *start && is_space ((*end)[-1]))
    (*end)--;
}

static gboolean
string_to_double (const char *str,
                  double     *out)
{
  const char *end = str + strlen (str);
  char buf[64];
  char *parse_end = NULL;
  double value;
  gsize len;

  trim_span (&str, &end);
  len = end - str;
  if (len == 0 || len >= sizeof buf)
    return FALSE;

  /* g_ascii_strtod also reads "nan", "inf" and hexadecimal; the API only
   * sends decimals. */
  for (gsize i = 0; i < len; i++)
    {
      char c = str[i];

      if (!g_ascii_isdigit (c) && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E')
        return FALSE;
    }

  memcpy (buf, str, len);
  buf[len] = '\0';

  errno = 0;
  value = g_ascii_strtod (buf, &parse_end);
  if (parse_end != buf + len || errno == ERANGE || !isfinite (value))
    return FALSE;

  *out = value;
  return TRUE;
}

static gboolean
double_to_int64 (double  value,
                 gint64 *out)
{
  /* 2^63 is exactly representable; anything at or beyond it is not a count. */
  if (!isfinite (value) || value >= 9223372036854775808.0 || value < -9223372036854775808.0)
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

static gboolean
string_to_int64 (const char *str,
                 gint64     *out)
{
  const char *start = str;
  const char *end = str + strlen (str);
  double value;

  trim_span (&start, &end);
  if (start == end)
    return FALSE;

  if ((end - start == 4 && g_ascii_strncasecmp (start, "true", 4) == 0))
    {
      *out = 1;
      return TRUE;
    }
  if ((end - start == 5 && g_ascii_strncasecmp (start, "false", 5) == 0))
    {
      *out = 0;
      return TRUE;
    }

  /* Plain integers are the common case and need no rounding. */
  if (end - start < 19)
    {
      const char *p = start;
      gboolean negative = FALSE;
      gint64 acc = 0;

      if (*p == '-' || *p == '+')
        negative = (*p++ == '-');
      if (p < end)
        {
          while (p < end && g_ascii_isdigit (*p))
            acc = acc * 10 + (*p++ - '0');
          if (p == end)
            {
              *out = negative ? -acc : acc;
              return TRUE;
            }
        }
    }

  return string_to_double (str, &value) && double_to_int64 (value, out);
}

static gboolean
string_to_flag (const char *str)
{
  const char *start = str;
  const char *end = str + strlen (str);
  gsize len;
  double value;

  trim_span (&start, &end);
  len = end - start;

  switch (len)
    {
    case 1:
      return *start == '1' || *start == 'y' || *start == 'Y' || *start == 't' || *start == 'T';
    case 2:
      if (g_ascii_strncasecmp (start, "on", 2) == 0)
        return TRUE;
      break;
    case 3:
      if (g_ascii_strncasecmp (start, "yes", 3) == 0)
        return TRUE;
      break;
    case 4:
      if (g_ascii_strncasecmp (start, "true", 4) == 0)
        return TRUE;
      break;
    default:
      break;
    }

  return string_to_double (str, &value) && value != 0.0;
}

/* Scalar values (the Value type is in sr-api-parse-values.h, shared with
 * the single-pass reader of sr-api-parse-fast.c). */

/* json_node_get_value_type() is G_TYPE_INVALID for JSON null and
 * JSON_TYPE_OBJECT/ARRAY for containers, so those read as missing without a
 * separate (and, per field, measurable) node type check. */
static void
value_from_node (JsonNode *node,
                 Value    *out)
{
  GType type;

  out->type = VALUE_NONE;
  if (node == NULL)
    return;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    {
      out->string = json_node_get_string (node);
      if (out->string != NULL)
        out->type = VALUE_STRING;
    }
  else if (type == G_TYPE_INT64)
    {
      out->type = VALUE_INT;
      out->integer = json_node_get_int (node);
    }
  else if (type == G_TYPE_DOUBLE)
    {
      out->type = VALUE_DOUBLE;
      out->number = json_node_get_double (node);
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      out->type = VALUE_BOOLEAN;
      out->boolean = json_node_get_boolean (node);
    }
}

static inline void
member_value (JsonObject *object,
              const char *name,
              Value      *out)
{
  value_from_node (json_object_get_member (object, name), out);
}

static inline const char *
value_peek_string (const Value *value)
{
  return value->type == VALUE_STRING ? value->string : NULL;
}

static char *
format_double (double value)
{
  gint64 as_int;

  if (value == floor (value) && fabs (value) < 9007199254740992.0 && double_to_int64 (value, &as_int))
    return g_strdup_printf ("%" G_GINT64_FORMAT, as_int);
  else if (isfinite (value))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, value));
    }

  return NULL;
}

/* A string as a new string, or NULL when missing, null, empty or not a
 * scalar. Numbers are turned into their decimal text (ids and phone numbers
 * sometimes arrive as numbers). */
static char *
value_dup_string (const Value *value)
{
  switch (value->type)
    {
    case VALUE_STRING:
      if (value->string[0] == '\0')
        return NULL;
      return g_strdup (value->string);

    case VALUE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value->integer);

    case VALUE_DOUBLE:
      return format_double (value->number);

    case VALUE_NONE:
    case VALUE_BOOLEAN:
    default:
      return NULL;
    }
}

static gboolean
value_get_double (const Value *value,
                  double      *out)
{
  switch (value->type)
    {
    case VALUE_DOUBLE:
      if (!isfinite (value->number))
        return FALSE;
      *out = value->number;
      return TRUE;

    case VALUE_INT:
      *out = (double) value->integer;
      return TRUE;

    case VALUE_STRING:
      return string_to_double (value->string, out);

    case VALUE_NONE:
    case VALUE_BOOLEAN:
    default:
      return FALSE;
    }
}

static gboolean
value_get_int64 (const Value *value,
                 gint64      *out)
{
  switch (value->type)
    {
    case VALUE_INT:
      *out = value->integer;
      return TRUE;

    case VALUE_DOUBLE:
      return double_to_int64 (value->number, out);

    case VALUE_BOOLEAN:
      *out = value->boolean ? 1 : 0;
      return TRUE;

    case VALUE_STRING:
      return string_to_int64 (value->string, out);

    case VALUE_NONE:
    default:
      return FALSE;
    }
}

/* A count: never negative; 0 when missing or unreadable. */
static gint64
value_get_count (const Value *value,
                 gint64       max)
{
  gint64 count;

  if (!value_get_int64 (value, &count))
    return 0;

  return CLAMP (count, 0, max);
}

static gboolean
value_get_flag (const Value *value)
{
  switch (value->type)
    {
    case VALUE_BOOLEAN:
      return value->boolean;

    case VALUE_INT:
      return value->integer != 0;

    case VALUE_DOUBLE:
      return value->number != 0.0;

    case VALUE_STRING:
      return string_to_flag (value->string);

    case VALUE_NONE:
    default:
      return FALSE;
    }
}

static double
value_get_money (const Value *value)
{
  double money;

  if (!value_get_double (value, &money))
    return 0.0;

  return money;
}

/* Dates are ISO 8601 / "Y-m-d H:i:s" strings. A number is taken as a Unix
 * time in seconds, or in milliseconds when it is too large to be seconds
 * (1e11 s is in the year 5138). */
static gint64
value_get_time (const Value *value)
{
  gint64 usec;
  double seconds;

  if (value->type == VALUE_STRING)
    {
      if (sr_api_parse_time (value->string, &usec))
        return usec;
    }
  else if (value->type == VALUE_INT || value->type == VALUE_DOUBLE)
    {
      seconds = value->type == VALUE_INT ? (double) value->integer : value->number;

      if (fabs (seconds) >= 1e11)
        seconds /= 1000.0;
      /* Years 0000 to 9999 only, like the string formats. */
      if (isfinite (seconds) && seconds > -62167219200.0 && seconds < 253402300800.0)
        return (gint64) (seconds * 1e6);
    }

  return SR_TIME_NONE;
}

/* Key rule of docs/SMSTO-API.md: "_id" when present and non-empty, else "id". */
static char *
dup_record_id (const Value *underscore_id,
               const Value *id)
{
  char *str = value_dup_string (underscore_id);

  if (str == NULL)
    str = value_dup_string (id);

  return str;
}

/* The same rules on the members of a json-glib object. */

static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  Value value;

  member_value (object, name, &value);
  return value_dup_string (&value);
}

static gint64
get_count_member (JsonObject *object,
                  const char *name,
                  gint64      max)
{
  Value value;

  member_value (object, name, &value);
  return value_get_count (&value, max);
}

static gboolean
get_flag_member (JsonObject *object,
                 const char *name)
{
  Value value;

  member_value (object, name, &value);
  return value_get_flag (&value);
}

static double
get_money_member (JsonObject *object,
                  const char *name)
{
  Value value;

  member_value (object, name, &value);
  return value_get_money (&value);
}

static gint64
get_time_member (JsonObject *object,
                 const char *name)
{
  Value value;

  member_value (object, name, &value);
  return value_get_time (&value);
}

/* Bodies */

void
sr_parse_skip_bom_and_spaces (const char **p,
                     const char  *end)
{
  if (end - *p >= 3 && memcmp (*p, "\xef\xbb\xbf", 3) == 0)
    *p += 3;

  while (*p < end && is_space (**p))
    (*p)++;
}

/* The <title> of an HTML page (proxies and load balancers answer with one),
 * with spaces collapsed, or NULL. */
static char *
dup_html_title (const char *data,
                gsize       len)
{
  g_autofree char *head = NULL;
  g_autoptr(GString) title = NULL;
  const char *start, *stop;

  head = g_ascii_strdown (data, MIN (len, 8192));
  start = strstr (head, "<title");
  if (start == NULL)
    return NULL;
  start = strchr (start, '>');
  if (start == NULL)
    return NULL;
  start++;
  stop = strstr (start, "</");
  if (stop == NULL)
    return NULL;

  /* Take the text from the original, not the lower-cased copy. */
  start = data + (start - head);
  stop = data + (stop - head);

  title = g_string_new (NULL);
  for (const char *p = start; p < stop && title->len < 80; p++)
    {
      if (is_space (*p))
        {
          if (title->len > 0 && title->str[title->len - 1] != ' ')
            g_string_append_c (title, ' ');
        }
      else
        g_string_append_c (title, *p);
    }
  while (title->len > 0 && title->str[title->len - 1] == ' ')
    g_string_truncate (title, title->len - 1);

  if (title->len == 0)
    return NULL;

  return g_utf8_make_valid (title->str, title->len);
}

static void
line_and_column (const char *data,
                 const char *pos,
                 guint      *out_line,
                 guint      *out_column)
{
  guint line = 1;
  const char *line_start = data;

  for (const char *p = data; p < pos; p++)
    {
      if (*p == '\n')
        {
          line++;
          line_start = p + 1;
        }
    }

  *out_line = line;
  *out_column = (guint) (pos - line_start) + 1;
}

static inline int
read_hex4 (const char *data,
           gsize       len,
           gsize       pos)
{
  int value = 0;

  if (pos + 4 > len)
    return -1;

  for (gsize i = pos; i < pos + 4; i++)
    {
      int digit = g_ascii_xdigit_value (data[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

static void
set_syntax_error (GError     **error,
                  const char  *data,
                  gsize        pos,
                  const char  *what)
{
  guint line, column;

  line_and_column (data, data + pos, &line, &column);
  g_set_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
               /* Translators: %s is what is wrong, e.g. “unexpected character “#”” */
               _("The server’s response is not valid JSON: %s at line %u, column %u."),
               what, line, column);
}

/* One pass over the body before json-glib sees it, because json-glib is more
 * tolerant than JSON in ways that are dangerous here:
 *  - its parser recurses once per nesting level without a limit, so a body
 *    of a million '[' would overflow the stack: reject nesting deeper than
 *    MAX_NESTING;
 *  - it accepts comments, single-quoted strings, octal and unknown escapes,
 *    and consumes the four characters after "\u" whatever they are, which
 *    can hide real brackets from this scan or produce invalid UTF-8: reject
 *    them, as JSON does;
 *  - it turns a lone UTF-16 surrogate escape into invalid UTF-8 and may
 *    swallow the character after it: PHP's json_encode() writes emoji as
 *    surrogate pairs, so one broken message text must not lose a whole page;
 *    lone ones are replaced by "\ufffd" (same length) in a copy of the body.
 * On success *out_patched is that copy, or NULL when the body is fine as is. */
static gboolean
prescan_json (const char  *data,
              gsize        len,
              char       **out_patched,
              GError     **error)
{
  g_autofree char *patched = NULL;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      switch (data[i])
        {
        case '"':
          for (i++; i < len && data[i] != '"'; i++)
            {
              int unit, low;

              if (data[i] != '\\')
                continue;

              if (++i >= len)
                break;

              switch (data[i])
                {
                case '"':
                case '\\':
                case '/':
                case 'b':
                case 'f':
                case 'n':
                case 'r':
                case 't':
                  break;

                case 'u':
                  unit = read_hex4 (data, len, i + 1);
                  if (unit < 0)
                    {
                      set_syntax_error (error, data, i - 1, _("bad escape sequence"));
                      return FALSE;
                    }

                  if (unit >= 0xD800 && unit <= 0xDBFF && i + 6 < len &&
                      data[i + 5] == '\\' && data[i + 6] == 'u')
                    {
                      low = read_hex4 (data, len, i + 7);
                      if (low >= 0xDC00 && low <= 0xDFFF)
                        {
                          i += 10;
                          break;
                        }
                    }

                  if (unit >= 0xD800 && unit <= 0xDFFF)
                    {
                      if (patched == NULL)
                        patched = g_memdup2 (data, len);
                      memcpy (patched + i + 1, "fffd", 4);
                    }

                  i += 4;
                  break;

                default:
                  set_syntax_error (error, data, i - 1, _("bad escape sequence"));
                  return FALSE;
                }
            }
          break;

        case '[':
        case '{':
          if (++depth > MAX_NESTING)
            {
              g_set_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server’s response is not valid JSON: it is nested more than %d levels deep."),
                           MAX_NESTING);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        case '\'':
        case '/':
        case '#':
          {
            g_autofree char *what = g_strdup_printf (_("unexpected character “%c”"), data[i]);

            set_syntax_error (error, data, i, what);
            return FALSE;
          }

        default:
          break;
        }
    }

  *out_patched = g_steal_pointer (&patched);

  return TRUE;
}

static gboolean
parse_body (ParseContext  *ctx,
            GBytes        *body,
            GError       **error)
{
  g_autoptr(GError) json_error = NULL;
  g_autofree char *patched = NULL;
  const char *data = NULL;
  const char *p = NULL;
  const char *end = NULL;
  gsize len = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &len);

  if (data != NULL)
    {
      p = data;
      end = data + len;
      sr_parse_skip_bom_and_spaces (&p, end);
    }

  if (data == NULL || p == end)
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server sent an empty response."));
      return FALSE;
    }

  if (*p == '<')
    {
      g_autofree char *title = dup_html_title (p, end - p);

      if (title != NULL)
        g_set_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                     _("The server answered with a web page instead of data (“%s”)."),
                     title);
      else
        g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                             _("The server answered with a web page instead of data."));
      return FALSE;
    }

  if (!prescan_json (p, end - p, &patched, error))
    return FALSE;

  ctx->parser = json_parser_new ();
  if (!json_parser_load_from_data (ctx->parser, patched != NULL ? patched : p, end - p, &json_error))
    {
      /* json-glib quotes the offending bytes, which may be a piece of a
       * UTF-8 sequence; error messages end up in GTK labels. */
      g_autofree char *detail = g_utf8_make_valid (json_error->message, -1);

      g_set_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                   _("The server’s response is not valid JSON: %s"),
                   detail);
      return FALSE;
    }

  ctx->root = json_parser_get_root (ctx->parser);
  if (ctx->root == NULL)
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server sent an empty response."));
      return FALSE;
    }

  return TRUE;
}

/* The "message" of an error body, trimmed, or NULL. */
static char *
dup_body_message (JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "message");
  Value value;
  char *message;

  /* Some frameworks put it in {"error": {"message": …}} or {"error": "…"}. */
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    {
      node = json_object_get_member (root, "error");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), "message");
    }

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  value_from_node (node, &value);
  message = value_dup_string (&value);
  if (message != NULL)
    {
      g_strstrip (message);
      if (message[0] == '\0')
        g_clear_pointer (&message, g_free);
    }

  return message;
}

/* "success": false (or 0, "false") marks an error body even when it also has
 * an empty "data" array, as 401 answers do. */
gboolean
sr_parse_value_says_failure (const Value *success)
{
  switch (success->type)
    {
    case VALUE_BOOLEAN:
      return !success->boolean;

    case VALUE_INT:
      return success->integer == 0;

    case VALUE_STRING:
      return g_ascii_strcasecmp (success->string, "false") == 0 || g_strcmp0 (success->string, "0") == 0;

    case VALUE_NONE:
    case VALUE_DOUBLE:
    default:
      return FALSE;
    }
}

static gboolean
body_says_failure (JsonObject *root)
{
  Value success;

  member_value (root, "success", &success);
  return sr_parse_value_says_failure (&success);
}

static void
set_error_from_body (GError     **error,
                     JsonObject  *root,
                     const char  *what)
{
  g_autofree char *message = dup_body_message (root);

  if (message != NULL)
    g_set_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                 /* Translators: the first %s says what is missing, the second is the server's own message */
                 _("%s: %s"), what, message);
  else
    g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE, what);
}

/* Envelope number: a non-negative integer, as number or string. Booleans
 * would read as 0/1 through value_get_int64(), which is no page number. */
static gboolean
read_envelope_value (const Value *value,
                     gint64      *out)
{
  return value->type != VALUE_BOOLEAN &&
         value_get_int64 (value, out) &&
         *out >= 0;
}


const char * const sr_parse_envelope_field_names[N_ENVELOPE_FIELDS] = {
  "current_page",
  "last_page",
  "per_page",
  "total",
};

/* -1 when the body does not carry the field in a readable form. Laravel API
 * resources move the pagination into "meta"; @meta is NULL without one. */
void
sr_parse_page_info_from_values (const Value *root,
                       const Value *meta,
                       SrPageInfo  *info)
{
  gint64 values[N_ENVELOPE_FIELDS];

  for (guint i = 0; i < N_ENVELOPE_FIELDS; i++)
    {
      if (!read_envelope_value (&root[i], &values[i]) &&
          (meta == NULL || !read_envelope_value (&meta[i], &values[i])))
        values[i] = -1;
    }

  info->current_page = values[ENVELOPE_CURRENT_PAGE];
  info->last_page = values[ENVELOPE_LAST_PAGE];
  info->per_page = values[ENVELOPE_PER_PAGE];
  info->total = values[ENVELOPE_TOTAL];
}

static void
read_page_info (JsonObject *root,
                SrPageInfo *info)
{
  JsonNode *meta_node = json_object_get_member (root, "meta");
  JsonObject *meta = NULL;
  Value root_values[N_ENVELOPE_FIELDS];
  Value meta_values[N_ENVELOPE_FIELDS];

  if (meta_node != NULL && JSON_NODE_HOLDS_OBJECT (meta_node))
    meta = json_node_get_object (meta_node);

  for (guint i = 0; i < N_ENVELOPE_FIELDS; i++)
    {
      member_value (root, sr_parse_envelope_field_names[i], &root_values[i]);
      if (meta != NULL)
        member_value (meta, sr_parse_envelope_field_names[i], &meta_values[i]);
    }

  sr_parse_page_info_from_values (root_values, meta != NULL ? meta_values : NULL, info);
}

/* Records */

/* The members of a message object the parser reads. */

const char * const sr_parse_message_field_names[N_MESSAGE_FIELDS] = {
  [FIELD_UNDERSCORE_ID] = "_id",
  [FIELD_ID] = "id",
  [FIELD_CAMPAIGN_ID] = "campaign_id",
  [FIELD_TO] = "to",
  [FIELD_SENDER_ID] = "sender_id",
  [FIELD_MESSAGE] = "message",
  [FIELD_STATUS] = "status",
  [FIELD_SMS_COUNT] = "sms_count",
  [FIELD_COST] = "cost",
  [FIELD_CLIENT_COST] = "client_cost",
  [FIELD_FAILED_REASON] = "failed_reason",
  [FIELD_CREATED_AT] = "created_at",
  [FIELD_UPDATED_AT] = "updated_at",
  [FIELD_SENT_AT] = "sent_at",
  [FIELD_SCHEDULED_FOR] = "scheduled_for",
  [FIELD_TIMEZONE] = "timezone",
  [FIELD_IS_API] = "is_api",
  [FIELD_TYPE] = "type",
  [FIELD_USER_ID] = "user_id",
  [FIELD_CALLBACK_URL] = "callback_url",
  [FIELD_OPTOUT] = "optout",
  [FIELD_PROVIDER] = "provider",
  [FIELD_FINAL_CALLBACK_SENT] = "final_callback_sent",
  [FIELD_MESSAGE_ID] = "message_id",
  [FIELD_INTERNAL_FAILED_REASON] = "internal_failed_reason",
};

G_STATIC_ASSERT (N_MESSAGE_FIELDS <= 32);

/* Bounds of what a message may hold (issue "values without bounds"): a
 * value outside them is clamped or dropped, a text cut, and the record
 * counted as repaired. */
#define MAX_ID_LEN          256
#define MAX_SHORT_TEXT      256      /* to, sender, status, type, zone, … */
#define MAX_STATUS_LEN      64
#define MAX_REASON_LEN      1024
#define MAX_MESSAGE_TEXT    (64 * 1024)
#define MAX_SMS_COUNT       1000
#define MAX_ABS_COST        1e6

/* Cuts a string to at most max bytes on a character boundary. */
static gboolean
cap_string (char  *str,
            gsize  max)
{
  const char *cut;

  if (str == NULL || strlen (str) <= max)
    return FALSE;
  cut = g_utf8_find_prev_char (str, str + max + 1);
  str[cut != NULL ? cut - str : 0] = '\0';
  return TRUE;
}

/* @fields is indexed by MessageField. n_repaired counts records that kept
 * a repaired value. */
SrMessage *
sr_parse_message_from_values (const Value *fields,
                     guint       *n_repaired)
{
  SrMessage *message;
  char *id;
  const char *status;
  gboolean repaired = FALSE;
  gint64 count;

  id = dup_record_id (&fields[FIELD_UNDERSCORE_ID], &fields[FIELD_ID]);
  if (id == NULL)
    return NULL;
  if (strlen (id) > MAX_ID_LEN)
    {
      /* An id cut short could merge two messages: not usable. */
      g_free (id);
      return NULL;
    }

  message = sr_message_new_empty ();
  message->id = id;
  message->campaign_id = value_dup_string (&fields[FIELD_CAMPAIGN_ID]);
  message->to = value_dup_string (&fields[FIELD_TO]);
  message->sender_id = value_dup_string (&fields[FIELD_SENDER_ID]);
  message->message = value_dup_string (&fields[FIELD_MESSAGE]);
  message->failed_reason = value_dup_string (&fields[FIELD_FAILED_REASON]);
  message->timezone = value_dup_string (&fields[FIELD_TIMEZONE]);
  message->message_type = value_dup_string (&fields[FIELD_TYPE]);
  message->user_id = value_dup_string (&fields[FIELD_USER_ID]);
  message->callback_url = value_dup_string (&fields[FIELD_CALLBACK_URL]);
  message->provider = value_dup_string (&fields[FIELD_PROVIDER]);
  message->message_id = value_dup_string (&fields[FIELD_MESSAGE_ID]);
  message->internal_failed_reason = value_dup_string (&fields[FIELD_INTERNAL_FAILED_REASON]);

  /* Kept as sent (upper-cased, trimmed) so unknown values can be shown. */
  status = value_peek_string (&fields[FIELD_STATUS]);
  if (status != NULL)
    {
      const char *start = status;
      const char *end = status + strlen (status);

      trim_span (&start, &end);
      message->status_raw = g_ascii_strup (start, end - start);
      message->status = sr_status_from_string (message->status_raw);
    }
  else
    {
      message->status_raw = value_dup_string (&fields[FIELD_STATUS]);
      if (message->status_raw == NULL)
        message->status_raw = g_strdup ("");
      message->status = SR_STATUS_UNKNOWN;
    }

  if (value_get_int64 (&fields[FIELD_SMS_COUNT], &count) && (count < 0 || count > MAX_SMS_COUNT))
    repaired = TRUE;
  message->sms_count = (int) value_get_count (&fields[FIELD_SMS_COUNT], MAX_SMS_COUNT);

  if (!value_get_double (&fields[FIELD_COST], &message->cost) &&
      !value_get_double (&fields[FIELD_CLIENT_COST], &message->cost))
    {
      message->cost = 0.0;
      /* a number that is not finite */
      if (fields[FIELD_COST].type == VALUE_DOUBLE || fields[FIELD_CLIENT_COST].type == VALUE_DOUBLE)
        repaired = TRUE;
    }
  if (!(fabs (message->cost) <= MAX_ABS_COST))
    {
      /* No message costs a million: a value like 1e308 would poison every
       * total it enters, so it is dropped rather than clamped. */
      message->cost = 0.0;
      repaired = TRUE;
    }

  repaired |= cap_string (message->status_raw, MAX_STATUS_LEN);
  repaired |= cap_string (message->message, MAX_MESSAGE_TEXT);
  repaired |= cap_string (message->failed_reason, MAX_REASON_LEN);
  repaired |= cap_string (message->internal_failed_reason, MAX_REASON_LEN);
  repaired |= cap_string (message->campaign_id, MAX_ID_LEN);
  repaired |= cap_string (message->message_id, MAX_ID_LEN);
  repaired |= cap_string (message->to, MAX_SHORT_TEXT);
  repaired |= cap_string (message->sender_id, MAX_SHORT_TEXT);
  repaired |= cap_string (message->timezone, MAX_SHORT_TEXT);
  repaired |= cap_string (message->message_type, MAX_SHORT_TEXT);
  repaired |= cap_string (message->user_id, MAX_SHORT_TEXT);
  repaired |= cap_string (message->provider, MAX_SHORT_TEXT);
  repaired |= cap_string (message->callback_url, MAX_REASON_LEN);
  if (repaired)
    {
      g_debug ("Message %s had values out of bounds; they were clamped or cut", message->id);
      if (n_repaired != NULL)
        (*n_repaired)++;
    }

  message->created_at = value_get_time (&fields[FIELD_CREATED_AT]);
  message->updated_at = value_get_time (&fields[FIELD_UPDATED_AT]);
  message->sent_at = value_get_time (&fields[FIELD_SENT_AT]);
  message->scheduled_for = value_get_time (&fields[FIELD_SCHEDULED_FOR]);

  message->is_api = value_get_flag (&fields[FIELD_IS_API]);
  message->optout = value_get_flag (&fields[FIELD_OPTOUT]);
  message->final_callback_sent = value_get_flag (&fields[FIELD_FINAL_CALLBACK_SENT]);

  return message;
}

static SrMessage *
message_from_object (JsonObject *object,
                     guint      *n_repaired)
{
  Value fields[N_MESSAGE_FIELDS];

  for (guint i = 0; i < N_MESSAGE_FIELDS; i++)
    member_value (object, sr_parse_message_field_names[i], &fields[i]);

  return sr_parse_message_from_values (fields, n_repaired);
}

static SrCampaign *
campaign_from_object (JsonObject *object)
{
  SrCampaign *campaign;
  Value underscore_id, id_value;
  char *id;

  member_value (object, "_id", &underscore_id);
  member_value (object, "id", &id_value);
  id = dup_record_id (&underscore_id, &id_value);
  if (id == NULL)
    return NULL;

  campaign = sr_campaign_new_empty ();
  campaign->id = id;
  campaign->campaign_type = dup_string_member (object, "type");
  campaign->user_id = dup_string_member (object, "user_id");
  campaign->sender_id = dup_string_member (object, "sender_id");
  campaign->template_id = dup_string_member (object, "template_id");
  campaign->message = dup_string_member (object, "message");
  campaign->list_id = dup_string_member (object, "list_id");
  campaign->status = dup_string_member (object, "status");
  campaign->callback_url = dup_string_member (object, "callback_url");
  campaign->timezone = dup_string_member (object, "timezone");

  campaign->client_total_cost = get_money_member (object, "client_total_cost");
  campaign->estimated_cost = get_money_member (object, "estimated_cost");

  campaign->delivered_messages = get_count_member (object, "delivered_messages", G_MAXINT64);
  campaign->failed_messages = get_count_member (object, "failed_messages", G_MAXINT64);
  campaign->pending_messages = get_count_member (object, "pending_messages", G_MAXINT64);
  campaign->sent_messages = get_count_member (object, "sent_messages", G_MAXINT64);
  campaign->sms_count = (int) get_count_member (object, "sms_count", G_MAXINT);

  campaign->scheduled_for = get_time_member (object, "scheduled_for");
  campaign->created_at = get_time_member (object, "created_at");
  campaign->updated_at = get_time_member (object, "updated_at");
  campaign->canceled_at = get_time_member (object, "canceled_at");

  campaign->bypass_optout = get_flag_member (object, "bypass_optout");
  campaign->is_api = get_flag_member (object, "is_api");

  return campaign;
}

typedef gpointer (*RecordFromObject) (JsonObject *object,
                                      guint      *n_repaired);

static gpointer
message_record (JsonObject *object,
                guint      *n_repaired)
{
  return message_from_object (object, n_repaired);
}

static gpointer
campaign_record (JsonObject *object,
                 guint      *n_repaired)
{
  return campaign_from_object (object);
}

/* Pages */

SrPage *
sr_page_new (void)
{
  SrPage *page = g_new0 (SrPage, 1);

  page->items = g_ptr_array_new_with_free_func (g_object_unref);
  page->info.current_page = -1;
  page->info.last_page = -1;
  page->info.per_page = -1;
  page->info.total = -1;
  page->info.n_skipped = 0;

  return page;
}

void
sr_page_free (SrPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page);
}

static SrPage *
parse_page (GBytes            *body,
            RecordFromObject   record_from_object,
            GError           **error)
{
  g_auto(ParseContext) ctx = { 0 };
  g_autoptr(SrPage) page = NULL;
  JsonObject *root = NULL;
  JsonNode *data_node = NULL;
  JsonArray *data;
  guint n;

  if (!parse_body (&ctx, body, error))
    return NULL;

  page = sr_page_new ();
  page->n_bytes = g_bytes_get_size (body);

  /* A bare array is a page without an envelope. */
  if (JSON_NODE_HOLDS_ARRAY (ctx.root))
    data_node = ctx.root;
  else if (JSON_NODE_HOLDS_OBJECT (ctx.root))
    {
      root = json_node_get_object (ctx.root);

      if (body_says_failure (root))
        {
          set_error_from_body (error, root, _("The server reported an error"));
          return NULL;
        }

      data_node = json_object_get_member (root, "data");
      if (data_node == NULL || !JSON_NODE_HOLDS_ARRAY (data_node))
        {
          set_error_from_body (error, root,
                               _("The server’s response has no list of records"));
          return NULL;
        }

      read_page_info (root, &page->info);
    }
  else
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server’s response is not a list of records."));
      return NULL;
    }

  data = json_node_get_array (data_node);
  n = json_array_get_length (data);

  g_clear_pointer (&page->items, g_ptr_array_unref);
  page->items = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (data, i);
      gpointer record = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        record = record_from_object (json_node_get_object (node), &page->info.n_repaired);

      if (record != NULL)
        g_ptr_array_add (page->items, record);
      else
        page->info.n_skipped++;
    }

  return g_steal_pointer (&page);
}



SrPage *
sr_api_parse_messages_page_slow (GBytes  *body,
                                 GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_page (body, message_record, error);
}

static gboolean
has_nul_escape (const char *data,
                gsize       len)
{
  const char *p = data, *end = data + len;

  while ((p = memchr (p, '\\', end - p)) != NULL)
    {
      if (end - p >= 6 && memcmp (p, "\\u0000", 6) == 0)
        return TRUE;
      p += 2;
      if (p >= end)
        break;
    }
  return FALSE;
}

/* A body whose strings can be read whole: invalid UTF-8 becomes U+FFFD
 * (one bad byte in one text must not cost the page), and the escape \u0000
 * becomes \uFFFD (a NUL would cut the text short in C). Returns a new
 * reference, to the same bytes when nothing needed repair. */
GBytes *
sr_api_parse_repair_body (GBytes *body,
                          guint  *n_repairs)
{
  gsize len = 0;
  const char *data;
  g_autofree char *valid = NULL;
  char *copy = NULL;

  if (body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &len);
  if (data == NULL || len == 0)
    return g_bytes_ref (body);

  if (!g_utf8_validate_len (data, len, NULL))
    {
      const char *p = data, *end = data + len, *stop;

      /* count the bad spots for the summary */
      while (p < end && !g_utf8_validate_len (p, end - p, &stop))
        {
          (*n_repairs)++;
          p = stop + 1;
        }
      valid = g_utf8_make_valid (data, len);
      data = valid;
      len = strlen (valid);
    }

  if (has_nul_escape (data, len))
    {
      copy = g_memdup2 (data, len);
      for (gsize i = 0; i + 1 < len; i++)
        {
          if (copy[i] != '\\')
            continue;
          if (copy[i + 1] == 'u' && i + 5 < len && memcmp (copy + i + 2, "0000", 4) == 0)
            {
              memcpy (copy + i + 2, "FFFD", 4);
              (*n_repairs)++;
            }
          i++;   /* the escaped character */
        }
      return g_bytes_new_take (copy, len);
    }

  if (valid != NULL)
    return g_bytes_new_take (g_steal_pointer (&valid), len);
  return g_bytes_ref (body);
}

SrPage *
sr_api_parse_messages_page (GBytes  *body,
                            GError **error)
{
  g_autoptr(GBytes) clean = NULL;
  SrPage *page;
  guint n_repairs = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  clean = sr_api_parse_repair_body (body, &n_repairs);
  page = sr_api_parse_messages_page_fast (clean);
  if (page == NULL)
    page = parse_page (clean, message_record, error);
  if (page != NULL)
    {
      page->info.n_repaired += n_repairs;
      page->n_bytes = body != NULL ? g_bytes_get_size (body) : 0;
    }
  return page;
}

SrPage *
sr_api_parse_campaigns_page (GBytes  *body,
                             GError **error)
{
  g_autoptr(GBytes) clean = NULL;
  SrPage *page;
  guint n_repairs = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  clean = sr_api_parse_repair_body (body, &n_repairs);
  page = parse_page (clean, campaign_record, error);
  if (page != NULL)
    page->info.n_repaired += n_repairs;
  return page;
}

/* Single records: a bare object, or one wrapped in "data" (as an object or a
 * one-element list). */
static gpointer
parse_record (GBytes            *body,
              RecordFromObject   record_from_object,
              GError           **error)
{
  g_auto(ParseContext) ctx = { 0 };
  JsonObject *root;
  JsonObject *object;
  JsonNode *data_node;
  gpointer record;

  if (!parse_body (&ctx, body, error))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (ctx.root))
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server’s response is not a record."));
      return NULL;
    }

  root = object = json_node_get_object (ctx.root);

  if (!json_object_has_member (root, "_id") && !json_object_has_member (root, "id"))
    {
      data_node = json_object_get_member (root, "data");

      if (data_node != NULL && JSON_NODE_HOLDS_ARRAY (data_node) &&
          json_array_get_length (json_node_get_array (data_node)) > 0)
        data_node = json_array_get_element (json_node_get_array (data_node), 0);

      if (data_node != NULL && JSON_NODE_HOLDS_OBJECT (data_node))
        object = json_node_get_object (data_node);
      else
        {
          set_error_from_body (error, root, _("The server’s response holds no record"));
          return NULL;
        }
    }

  record = record_from_object (object, NULL);
  if (record == NULL)
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server’s record has no id."));
      return NULL;
    }

  return record;
}

SrMessage *
sr_api_parse_message (GBytes  *body,
                      GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_record (body, message_record, error);
}

SrCampaign *
sr_api_parse_campaign (GBytes  *body,
                       GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_record (body, campaign_record, error);
}

gboolean
sr_api_parse_balance (GBytes  *body,
                      double  *out_balance,
                      char   **out_currency,
                      GError **error)
{
  g_auto(ParseContext) ctx = { 0 };
  JsonObject *root;
  JsonNode *balance_node;
  Value balance_value;
  double balance;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_balance != NULL)
    *out_balance = 0.0;
  if (out_currency != NULL)
    *out_currency = NULL;

  if (!parse_body (&ctx, body, error))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (ctx.root))
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server’s response is not a record."));
      return FALSE;
    }

  root = json_node_get_object (ctx.root);
  balance_node = json_object_get_member (root, "balance");

  /* SMS.to answers an invalid key with a body that has no balance. */
  if (balance_node == NULL || JSON_NODE_HOLDS_NULL (balance_node))
    {
      g_autofree char *message = dup_body_message (root);

      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                           message != NULL ? message : _("The API key was not accepted."));
      return FALSE;
    }

  value_from_node (balance_node, &balance_value);
  if (JSON_NODE_TYPE (balance_node) != JSON_NODE_VALUE ||
      !value_get_double (&balance_value, &balance))
    {
      g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE,
                           _("The server’s balance is not a number."));
      return FALSE;
    }

  if (out_balance != NULL)
    *out_balance = balance;
  if (out_currency != NULL)
    *out_currency = dup_string_member (root, "currency");

  return TRUE;
}

char *
sr_api_parse_error_message (GBytes *body)
{
  g_auto(ParseContext) ctx = { 0 };

  if (!parse_body (&ctx, body, NULL))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (ctx.root))
    return NULL;

  return dup_body_message (json_node_get_object (ctx.root));
}
